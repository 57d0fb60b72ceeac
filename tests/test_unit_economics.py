"""Acquisition costs read by the cell rule, LTV:CAC and months to pay back by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from core.config import ReportConfig, config_from_mapping, config_to_rows
from core.errors import SegmenterInputError
from core.unit_economics import cac_per_customer, parse_cac, unit_economics


@pytest.mark.parametrize(
    "text, expected",
    [
        ("120", (("*", 120.0),)),
        (" 1,200 ", (("*", 1200.0),)),
        ("1.200,50", (("*", 1200.5),)),
        (80, (("*", 80.0),)),
        ("Web=80, Retail=150", (("Web", 80.0), ("Retail", 150.0))),
        ("Web=1,200, Retail=80", (("Web", 1200.0), ("Retail", 80.0))),
        ("Web: 80; Retail: 1.200,50; *=60", (("Web", 80.0), ("Retail", 1200.5), ("*", 60.0))),
        ("Paid social=45", (("Paid social", 45.0),)),
    ],
)
def test_costs_are_read_as_a_number_cell_is(text, expected):
    assert parse_cac(text) == expected


@pytest.mark.parametrize(
    "text, says",
    [
        ("abc", "expected a number, got 'abc'"),
        ("10%", "not a %"),
        ("0", "above 0"),
        ("-5", "above 0"),
        ("Web=", "expected a number"),
        ("=50", "channel=amount"),
        ("Web=5, Web=6", "two acquisition costs"),
        ("Web=1,5", "decimal comma"),
        ("inf", "expected a number"),
    ],
)
def test_bad_costs_are_refused_in_one_line(text, says):
    with pytest.raises(SegmenterInputError) as error:
        parse_cac(text)
    message = str(error.value)
    assert says in message and message.startswith("cac: ") and "\n" not in message


def test_the_setting_reads_and_shows_as_typed():
    config = config_from_mapping({"CAC": "Web=80, Retail=150"})
    assert config.cac == (("Web", 80.0), ("Retail", 150.0))
    assert ("cac", "Web=80, Retail=150") in [row[:2] for row in config_to_rows(config)]
    assert dict((r[0], r[1]) for r in config_to_rows(ReportConfig()))["cac"] == ""
    with pytest.raises(SegmenterInputError, match="cac: "):
        config_from_mapping({"cac": "lots"})


def test_each_customer_gets_its_channel_cost_else_the_default():
    channel = np.array(["Web", "retail ", "Phone", "(blank)"], dtype=object)
    assert cac_per_customer((("Web", 80.0), ("Retail", 150.0), ("*", 60.0)), channel, 4).tolist() == [
        80.0,
        150.0,
        60.0,
        60.0,
    ]
    assert np.isnan(cac_per_customer((("Web", 80.0),), channel, 4)[2])
    with pytest.raises(SegmenterInputError, match="no channel column"):
        cac_per_customer((("Web", 80.0),), None, 4)


def test_ltv_to_cac_and_payback_by_hand():
    # tier A: 600 and 300 at CAC 100 and 50 -> 450 per customer over 75 -> 6.0, payback 75 / (450 / 12) = 2 months
    # tier B: 60 at CAC 100 -> 0.6, payback 100 / (60 / 12) = 20 months (beyond the 12-month horizon)
    # channel Web (600, 60 at 100): 330 / 100 = 3.3; Retail (300 at 50): 6.0
    value = np.array([600.0, 300.0, 60.0, np.nan])
    cac = np.array([100.0, 50.0, 100.0, 100.0])
    groups = {
        "Tier": np.array(["A", "A", "B", "B"], dtype=object),
        "Channel": np.array(["Web", "Retail", "Web", "Web"], dtype=object),
    }
    table = unit_economics(value, cac, groups, horizon_days=365.25, value_basis="profit").set_index(
        ["grouping", "group"]
    )
    assert table.loc[("Whole list", "Whole list"), "customers"] == 4
    assert table.loc[("Whole list", "Whole list"), "ltv_to_cac"] == pytest.approx(320 / (250 / 3))
    assert table.loc[("Tier", "A"), ["ltv_per_customer", "ltv_to_cac", "months_to_pay_back"]].tolist() == (
        pytest.approx([450.0, 6.0, 2.0])
    )
    assert table.loc[("Tier", "B"), ["ltv_to_cac", "months_to_pay_back"]].tolist() == pytest.approx([0.6, 20.0])
    assert table.loc[("Channel", "Web"), "ltv_to_cac"] == pytest.approx(3.3)
    assert table.loc[("Channel", "Retail"), "ltv_to_cac"] == pytest.approx(6.0)
    # a group with no value or no cost has blank ratios, not a division by zero
    blank = unit_economics(np.array([np.nan]), np.array([100.0]), {}, horizon_days=364, value_basis="x")
    assert math.isnan(blank["ltv_to_cac"].iloc[0]) and math.isnan(blank["months_to_pay_back"].iloc[0])


@pytest.mark.parametrize("value", ["abc", "10%", "Web=5, Web=6", "0"])
def test_the_cli_refuses_a_bad_cac_with_one_line_and_exit_code_2(tmp_path, capsys, value):
    import segmenter

    path = tmp_path / "orders.csv"
    path.write_text("Customer,Date,Amount\nA,2024-01-01,10\n", encoding="utf-8")
    assert segmenter.main(["report", str(path), "-o", str(tmp_path / "out.xlsx"), "--cac", value]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("segmenter: cac: ") and "\n" not in err
    assert not (tmp_path / "out.xlsx").exists()


def test_the_cli_gives_ltv_to_cac_per_channel_on_a_shop_export(tmp_path, capsys):
    import pandas as pd

    import segmenter
    from tests.customers.test_spend_check import simulated_orders

    orders = simulated_orders()
    codes = orders["Customer"].str[1:].astype(int)
    orders["Gross profit"] = (orders["Amount"] * 0.3).round(2)
    orders["Cost to serve"] = 2.0
    orders["Sales channel"] = np.where(codes % 2 == 0, "Web", "Retail")
    path = tmp_path / "orders.csv"
    orders.to_csv(path, index=False)
    out = tmp_path / "report.xlsx"
    assert segmenter.main(["report", str(path), "-o", str(out), "--cac", "Web=4; Retail=9"]) == 0
    lines = capsys.readouterr().out.splitlines()
    profit = next(line for line in lines if line.startswith("profit CLV after cost to serve"))
    ratio = next(line for line in lines if line.startswith("LTV:CAC"))
    economics = pd.read_excel(out, sheet_name="Lifetime value", header=None, engine="openpyxl")
    cells = economics.astype(str).to_numpy().ravel().tolist()
    assert "LTV:CAC" in cells and "Months to pay back" in cells and "Channel" in cells
    assert "Profit CLV after cost to serve" in cells and "Revenue CLV" in cells
    assert "80 % range" in profit and "months to pay back" in ratio
