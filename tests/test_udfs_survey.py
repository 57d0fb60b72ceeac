"""SURVEY_MATCH and REVENUE_BRIDGE through xlwings' own call path (custom_functions_call)."""

from __future__ import annotations

import pytest

from tests.conftest import call_udf, udf_reason

ACCOUNTS = [["Account name"], ["Acme Inc."], ["Müller GmbH"], ["Northwind Traders"], ["Banca Rossi S.p.A."]]
RESPONSES = [["Company"], ["ACME"], ["muller"], ["Nortwind Traders"], ["banca rossi spa"], ["Zeta"], [None]]


def test_survey_match_spills_the_account_per_response_blank_where_none():
    out = call_udf("survey_match", ACCOUNTS, RESPONSES)
    # the blank last response is a trailing blank row: the spill ends at the last row with data
    assert out == [["Matched account"], ["Acme Inc."], ["Müller GmbH"], [""], ["Banca Rossi S.p.A."], [""]]


def test_survey_match_detail_names_the_near_miss_to_confirm():
    out = call_udf("survey_match", ACCOUNTS, RESPONSES, True)
    assert out[1] == ["Acme Inc.", "by normalised name"]
    assert out[3][0] == "" and out[3][1].startswith("near miss: not joined: Northwind Traders (0.9")
    assert out[5] == ["", "no account with a similar name"]


def test_revenue_bridge_splits_orders_and_order_value():
    out = call_udf(
        "revenue_bridge",
        [["Revenue 2024"], [100.0], [None], [30.0]],
        [["Revenue 2025"], [180.0], [40.0], [0.0]],
        [["Orders 2024"], [2.0], [0.0], [1.0]],
        [["Orders 2025"], [3.0], [1.0], [0.0]],
    )
    steps = {row[0]: row[2] for row in out[1:]}
    assert out[0][:3] == ["Step", "Customers", "Amount"]
    assert steps["returning: number of orders"] == pytest.approx(55.0)  # (3 - 2) x (50 + 60) / 2
    assert steps["returning: average order value"] == pytest.approx(25.0)  # (60 - 50) x (2 + 3) / 2
    assert steps["new customers"] == 40.0 and steps["lost customers"] == -30.0 and steps["change"] == 90.0


def test_revenue_bridge_refuses_uneven_or_bad_ranges():
    assert udf_reason("revenue_bridge", [[1.0], [2.0]], [[1.0]]).startswith("segmenter: revenue_before has 2 rows")
    assert "not a number" in udf_reason("revenue_bridge", [[1.0], ["x"]], [[1.0], [2.0]])
    assert "both periods" in udf_reason("revenue_bridge", [[1.0]], [[1.0]], [[1.0]])
