"""Acquisition costs read by the cell rule, LTV:CAC and months to pay back by hand."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from core.config import ReportConfig, config_from_mapping, config_to_rows
from core.customers.profit_clv import ValueExtras
from core.errors import SegmenterInputError
from core.unit_economics import (
    cac_by_cohort,
    cac_per_customer,
    cohort_labels,
    is_by_cohort,
    parse_cac,
    unit_economics,
    unit_economics_tables,
)


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


@pytest.mark.parametrize("value", ["abc", "10%", "Web=5, Web=6", "0", "Web=5, 2024=6", "2024=5, 2024-Q1=6, Retail=7"])
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


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2023=90, 2024=110", (("2023", 90.0), ("2024", 110.0))),
        ("2023=90,2024=1,100", (("2023", 90.0), ("2024", 1100.0))),
        ("2024-Q1=95; 2024 q2: 1.000,5; *=70", (("2024Q1", 95.0), ("2024Q2", 1000.5), ("*", 70.0))),
        ("2024-3=100, 2024-12=80", (("2024-03", 100.0), ("2024-12", 80.0))),
    ],
)
def test_cohort_keys_are_read_as_the_cohorts_sheet_labels(text, expected):
    assert parse_cac(text) == expected
    assert is_by_cohort(parse_cac(text))


def test_channels_and_cohorts_together_are_refused_and_a_cohort_twice_too():
    with pytest.raises(SegmenterInputError, match=r"^cac: mixes channels \(Web\) and cohorts \(2024\)"):
        parse_cac("Web=80, 2024=90")
    with pytest.raises(SegmenterInputError, match="two acquisition costs"):
        parse_cac("2024-Q1=80, 2024Q1=90")
    assert not is_by_cohort(parse_cac("Web=80, *=60")) and not is_by_cohort(parse_cac("120"))


def test_each_customer_gets_its_most_specific_cohort_cost():
    first = pd.to_datetime(["2023-05-01", "2024-02-01", "2024-03-15", "2024-06-01", "2025-01-01"])
    pairs = parse_cac("2023=100, 2024=70, 2024-Q1=50, 2024-03=40")
    assert cac_by_cohort(pairs, first)[:4].tolist() == [100.0, 50.0, 40.0, 70.0]
    assert math.isnan(cac_by_cohort(pairs, first)[4])  # 2025 is not named and there is no *
    assert cac_by_cohort(parse_cac("2023=100, *=60"), first).tolist() == [100.0, 60.0, 60.0, 60.0, 60.0]
    assert cohort_labels(first, pairs).tolist() == ["2023-05", "2024-02", "2024-03", "2024-06", "2025-01"]
    assert cohort_labels(first, parse_cac("2023=1, 2024-Q2=2")).tolist() == [
        "2023Q2",
        "2024Q1",
        "2024Q1",
        "2024Q2",
        "2025Q1",
    ]


def _three_customers(acquisition):
    customers = pd.DataFrame(
        {
            "tier": ["A", "A", "B"],
            "first_purchase": pd.to_datetime(["2023-05-01", "2024-02-01", "2024-06-01"]),
        }
    )
    clv = SimpleNamespace(customers=pd.DataFrame({"model_clv": [300.0, 200.0, 120.0]}))
    return customers, ValueExtras(None, None, acquisition), clv


def test_ltv_to_cac_per_cohort_with_the_lists_column_winning_by_hand():
    # setting: 2023=100, 2024-Q1=50, *=60 -> 100, 50, 60; the list's column gives customer 2 80 (wins over 50)
    # cohorts by quarter: 2023Q2 300/100 = 3.0, payback 100 / (300 / 12) = 4 months;
    # 2024Q1 200/80 = 2.5, payback 80 / (200 / 12) = 4.8; 2024Q2 120/60 = 2.0, payback 60 / (120 / 12) = 6
    # whole list: 620/3 per customer over a CAC of 240/3 = 80: 2.5833..., payback 80 / (620/3/12) = 4.645...
    customers, extras, clv = _three_customers(np.array([np.nan, 80.0, np.nan]))
    tables = unit_economics_tables(parse_cac("2023=100, 2024-Q1=50, *=60"), customers, extras, clv, 365.25, "D")
    table = tables["unit_economics"].set_index(["grouping", "group"])
    assert table.loc[("Cohort", "2023Q2"), ["ltv_to_cac", "months_to_pay_back"]].tolist() == pytest.approx([3.0, 4.0])
    assert table.loc[("Cohort", "2024Q1"), ["cac_per_customer", "ltv_to_cac", "months_to_pay_back"]].tolist() == (
        pytest.approx([80.0, 2.5, 4.8])
    )
    assert table.loc[("Cohort", "2024Q2"), ["ltv_to_cac", "months_to_pay_back"]].tolist() == pytest.approx([2.0, 6.0])
    whole = table.loc[("Whole list", "Whole list")]
    assert whole["ltv_to_cac"] == pytest.approx((620 / 3) / 80) and whole["months_to_pay_back"] == pytest.approx(
        80 / (620 / 3 / 12)
    )
    notes = tables["unit_economics_notes"]
    assert notes["note"].iloc[0].startswith("1 of 3 customers have an acquisition cost in the list's")


def test_the_lists_column_alone_gives_unit_economics_and_a_customer_without_one_is_left_out():
    # no setting: customers 1 and 3 have 150 and 40; customer 2 has none and is left out of the ratios
    # whole list: (300 + 120) / 2 = 210 over (150 + 40) / 2 = 95 -> 2.2105...; tier B: 120 / 40 = 3.0
    customers, extras, clv = _three_customers(np.array([150.0, np.nan, 40.0]))
    table = unit_economics_tables((), customers, extras, clv, 365.25, "D")["unit_economics"]
    table = table.set_index(["grouping", "group"])
    assert table.loc[("Whole list", "Whole list"), "ltv_to_cac"] == pytest.approx(210 / 95)
    assert table.loc[("Tier", "B"), "ltv_to_cac"] == pytest.approx(3.0)
    assert "Cohort" not in table.index.get_level_values(0)


def test_the_cli_gives_ltv_to_cac_per_cohort_with_the_lists_acquisition_cost(tmp_path, capsys):
    import segmenter
    from tests.customers.test_spend_check import simulated_orders

    orders = simulated_orders()
    first = orders.groupby("Customer")["Date"].transform("min")
    orders["CAC"] = np.where(
        (orders["Date"] == first) & (orders["Customer"] == orders["Customer"].iloc[0]), 33.0, np.nan
    )
    path = tmp_path / "orders.csv"
    orders.to_csv(path, index=False)
    out = tmp_path / "report.xlsx"
    years = sorted(pd.to_datetime(orders["Date"]).dt.year.unique())
    cac = ", ".join(f"{y}={10 + i}" for i, y in enumerate(years))
    assert segmenter.main(["report", str(path), "-o", str(out), "--cac", cac]) == 0
    assert any(line.startswith("LTV:CAC") for line in capsys.readouterr().out.splitlines())
    sheet = pd.read_excel(out, sheet_name="Lifetime value", header=None, engine="openpyxl")
    cells = sheet.astype(str).to_numpy().ravel().tolist()
    assert "Cohort" in cells and str(years[0]) in cells and "Acquisition cost from the list" in cells
