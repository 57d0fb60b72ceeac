"""WHALE_CURVE and SEGMENT_FINDINGS through xlwings' own call path."""

from __future__ import annotations

import pytest

from tests.conftest import call_udf, udf_reason

HEADER = ["Account", "Revenue", "Profit"]
# profits 40, 25, 0, -5, -20 (total 40): cumulative 100 %, 162.5 %, 162.5 %, 150 %, 100 %
ROWS = [
    ["Acme", 400.0, -5.0],
    ["Beta", 300.0, 40.0],
    ["Cora", 200.0, 0.0],
    ["Dune", 100.0, -20.0],
    ["Echo", 50.0, 25.0],
]


def test_whale_curve_spills_accounts_most_profitable_first():
    out = call_udf("whale_curve", [HEADER] + ROWS)
    assert out[0] == ["Rank", "Account", "Profit", "Share of accounts", "Cumulative share of profit"]
    assert [r[1] for r in out[1:]] == ["Beta", "Echo", "Cora", "Acme", "Dune"]
    assert [r[4] for r in out[1:]] == pytest.approx([1.0, 1.625, 1.625, 1.5, 1.0])


def test_whale_curve_net_of_cost_to_serve():
    rows = [HEADER + ["Cost to serve"]] + [r + [10.0] for r in ROWS]  # net 30, 15, -10, -15, -30: total -10
    out = udf_reason("whale_curve", rows)
    assert isinstance(out, str) and "total profit is -10" in out and "undefined" in out


def test_segment_findings_spills_sentences_with_their_sheets():
    out = call_udf("segment_findings", [HEADER] + ROWS)
    assert out[0] == ["Finding", "Detail on sheet"]
    sheets = [r[1] for r in out[1:] if not r[0].startswith(("Read as", "Only part"))]  # after what was read as what
    assert sheets[0] == "Concentration"
    assert any("lose money" in r[0] and "62.5 % of total profit" in r[0] for r in out[1:])
