"""Period columns, cost to serve and channel: recognised by header, ordered, and said in the issues table."""

from __future__ import annotations

import math

import numpy as np
import pytest

from core.accounts import STANDARD_COLUMNS, header_role, parse_accounts
from core.periods import choose_periods, read_period_header


def _notes(table) -> list[tuple[str, str]]:
    notes = table.issues[table.issues["action"] == "note"]
    return list(zip(notes["column"], notes["reason"]))


@pytest.mark.parametrize(
    "header, measure, label, kind, time",
    [
        ("2024", "revenue", "2024", "year", 2024.0),
        ("Revenue 2024", "revenue", "2024", "year", 2024.0),
        ("Net sales 2024 (USD)", "revenue", "2024", "year", 2024.0),
        ("FY24", "revenue", "2024", "year", 2024.0),
        ("FY 2024", "revenue", "2024", "year", 2024.0),
        ("FY 2024/25", "revenue", "2024/25", "year", 2024.0),
        ("Revenue 2024-2025", "revenue", "2024/25", "year", 2024.0),
        ("Q3 2025", "revenue", "Q3 2025", "quarter", 2025.5),
        ("2025 Q3", "revenue", "Q3 2025", "quarter", 2025.5),
        ("2025-Q3", "revenue", "Q3 2025", "quarter", 2025.5),
        ("Sales Q1-26", "revenue", "Q1 2026", "quarter", 2026.0),
        ("Prior", "revenue", "prior", "relative", 0.0),
        ("Revenue prior year", "revenue", "prior", "relative", 0.0),
        ("Last year", "revenue", "prior", "relative", 0.0),
        ("Current", "revenue", "current", "relative", 1.0),
        ("This year", "revenue", "current", "relative", 1.0),
        ("Profit 2025", "profit", "2025", "year", 2025.0),
        ("GM% FY25", "profit", "2025", "year", 2025.0),
        ("Gross profit current year", "profit", "current", "relative", 1.0),
    ],
)
def test_period_headers_are_read(header, measure, label, kind, time):
    period = read_period_header(header, header_role)
    assert (period.measure, period.label, period.kind, period.time) == (measure, label, kind, time)


@pytest.mark.parametrize(
    "header",
    [
        "Revenue",
        "Customer since 2019",
        "Employees 2024",
        "NPS 2025",
        "Region",
        "Account",
        "Revenue 2024-12"[:7],
        "Q5 2025",
        "2024/2027",
    ],
)
def test_headers_that_are_not_period_columns(header):
    assert read_period_header(header, header_role) is None


def test_years_are_ordered_in_time_whatever_the_column_order():
    table = parse_accounts(
        [
            ["Account", "Revenue 2025", "Revenue 2023", "Revenue 2024"],
            ["Acme", 121.0, 100.0, 110.0],
            ["Beta", 20.0, 50.0, 60.0],
        ]
    )
    assert table.periods == ("2023", "2024", "2025") and table.period_years == (0.0, 1.0, 2.0)
    assert table.period_headers == ("Revenue 2023", "Revenue 2024", "Revenue 2025")
    assert table.period_revenue.values.tolist() == [[100.0, 110.0, 121.0], [50.0, 60.0, 20.0]]
    assert table.period_revenue.index.tolist() == table.accounts.index.tolist() == [1, 2]
    # no plain revenue column: revenue is the latest period, and the notes say so
    assert table.columns["revenue"] == "Revenue 2025"
    assert table.accounts["revenue"].tolist() == [121.0, 20.0]
    notes = _notes(table)
    assert ("Revenue 2023", "'Revenue 2023' read as revenue for period 2023") in notes
    assert (
        "Revenue 2025",
        "no plain revenue column: revenue is the latest period, 2025, so every figure but growth is for that period",
    ) in notes


def test_fiscal_year_headers_as_in_the_brief():
    table = parse_accounts([["Customer", "FY23", "FY24", "Profit FY24"], ["Acme", 100.0, 120.0, 30.0]])
    assert table.periods == ("2023", "2024")
    assert ("FY24", "'FY24' read as revenue for period 2024") in _notes(table)
    assert ("Profit FY24", "no plain profit column: profit is 2024's") in _notes(table)
    assert table.accounts[["revenue", "profit"]].values.tolist() == [[120.0, 30.0]]
    # a profit column only for the latest period: the earlier profit is missing
    assert math.isnan(table.period_profit.loc[1, "2023"]) and table.period_profit.loc[1, "2024"] == 30.0


def test_quarters_are_a_quarter_year_apart():
    table = parse_accounts([["Account", "2025-Q1", "Q2 2025", "2025 Q3"], ["A", 1.0, 2.0, 3.0]])
    assert table.periods == ("Q1 2025", "Q2 2025", "Q3 2025")
    assert table.period_years == (0.0, 0.25, 0.5)


def test_prior_and_current_are_one_year_apart():
    table = parse_accounts([["Account", "Current", "Prior"], ["A", 12.0, 10.0]])
    assert table.periods == ("prior", "current") and table.period_years == (0.0, 1.0)
    assert table.accounts["revenue"].tolist() == [12.0]


def test_a_plain_revenue_column_stays_the_revenue_and_periods_serve_growth():
    table = parse_accounts([["Account", "Revenue", "Revenue 2024", "Revenue 2025"], ["A", 99.0, 10.0, 12.0]])
    assert table.columns["revenue"] == "Revenue" and table.accounts["revenue"].tolist() == [99.0]
    assert table.periods == ("2024", "2025")
    assert (
        "Revenue 2025",
        "the period columns serve growth and tier migration; every other figure uses 'Revenue'",
    ) in _notes(table)
    assert "Revenue 2024" not in table.accounts.columns  # a period column, not an extra one


def test_one_period_column_is_read_as_any_column():
    table = parse_accounts([["Account", "Revenue 2025", "Profit"], ["A", 10.0, 2.0]])
    assert table.periods == () and table.period_revenue.empty
    assert table.columns["revenue"] == "Revenue 2025" and table.accounts["revenue"].tolist() == [10.0]
    assert not any("period" in reason for _, reason in _notes(table))


def test_a_period_of_another_kind_is_set_aside_and_kept_as_an_extra_column():
    table = parse_accounts([["Account", "Revenue 2024", "Revenue 2025", "Revenue Q1 2026"], ["A", 10.0, 12.0, 4.0]])
    assert table.periods == ("2024", "2025")
    assert table.accounts["Revenue Q1 2026"].tolist() == [4.0]
    assert (
        "Revenue Q1 2026",
        "looks like a period column but is not used as one: the other period columns are "
        "years, this one is a quarter; kept as an extra column",
    ) in _notes(table)


def test_two_columns_for_the_same_period_keep_the_first():
    table = parse_accounts([["Account", "2024", "Revenue 2024", "2025"], ["A", 1.0, 2.0, 3.0]])
    assert table.periods == ("2024", "2025") and table.period_revenue.values.tolist() == [[1.0, 3.0]]
    assert table.accounts["Revenue 2024"].tolist() == [2.0]
    assert any(
        column == "Revenue 2024" and "'2024' already gives revenue for 2024" in reason
        for column, reason in _notes(table)
    )


def test_profit_for_a_period_without_revenue_is_set_aside():
    choice = choose_periods(
        {j: read_period_header(h, header_role) for j, h in enumerate(["Revenue 2024", "Revenue 2025", "Profit 2023"])}
    )
    assert choice.labels == ("2024", "2025") and choice.profit == {}
    assert choice.set_aside == {2: "no revenue column for 2023"}


def test_profit_periods_as_margin_percent_are_read_like_the_profit_column():
    table = parse_accounts(
        [["Account", "Revenue 2024", "Revenue 2025", "GM% 2024", "GM% 2025"], ["A", 1000.0, 2000.0, 0.25, "10%"]]
    )
    # 25 % of 1,000 = 250 in 2024; 10 % of 2,000 = 200 in 2025 (and the account's profit)
    assert table.period_profit.values.tolist() == [[250.0, 200.0]]
    assert table.accounts["profit"].tolist() == [200.0] and table.profit_basis == "margin_pct"
    assert (
        "GM% 2024",
        "profit read as margin % of revenue, profit = margin % x revenue: the header 'GM% 2024' says %",
    ) in _notes(table)


def test_a_rejected_period_cell_is_missing_and_reported():
    table = parse_accounts([["Account", "Revenue 2024", "Revenue 2025"], ["A", "$1.2k", 5.0], ["B", 3.0, 4.0]])
    assert math.isnan(table.period_revenue.loc[1, "2024"]) and table.period_revenue.loc[2, "2024"] == 3.0
    rejected = table.issues[table.issues["action"] == "rejected"]
    assert rejected[["sheet_row", "column", "value"]].values.tolist() == [[2, "Revenue 2024", "$1.2k"]]


def test_a_row_with_only_an_earlier_period_is_not_blank():
    table = parse_accounts([["Account", "Revenue 2024", "Revenue 2025"], [None, 7.0, None]])
    assert len(table.accounts) == 1 and table.period_revenue.values.tolist()[0][0] == 7.0


@pytest.mark.parametrize(
    "header", ["Cost to serve", "Cost-to-serve", "Support cost", "Service costs", "CTS", "Support cost (EUR)"]
)
def test_cost_to_serve_headers(header):
    table = parse_accounts([["Account", "Revenue", header], ["A", 100.0, "1,000"], ["B", 50.0, None]])
    assert table.columns["cost_to_serve"] == header
    assert table.accounts["cost_to_serve"].tolist()[0] == 1000.0 and np.isnan(table.accounts["cost_to_serve"].iloc[1])
    assert (header, "read as cost to serve: net profit = profit - cost to serve") in _notes(table)


@pytest.mark.parametrize("header", ["Channel", "Route to market", "Partner type", "Sales channel"])
def test_channel_headers(header):
    table = parse_accounts([["Account", "Revenue", header], ["A", 100.0, "Reseller"], ["B", 50.0, None]])
    assert table.columns["channel"] == header and table.accounts["channel"].tolist() == ["Reseller", None]
    assert (header, "read as the sales channel") in _notes(table)


def test_route_to_market_is_a_channel_not_a_region():
    table = parse_accounts([["Account", "Revenue", "Market", "Route to market"], ["A", 1.0, "EU", "Direct"]])
    assert table.columns["region"] == "Market" and table.columns["channel"] == "Route to market"


def test_without_headers_cost_and_channel_are_not_guessed_by_position():
    table = parse_accounts([["A", 1.0, 0.5, 9, "Retail", "Small", "EU", None, 3.0, "Direct"]])
    assert "cost_to_serve" not in table.columns and "channel" not in table.columns
    assert table.accounts["column 9"].tolist() == [3.0] and table.accounts["column 10"].tolist() == ["Direct"]


def test_tables_without_the_new_columns_keep_their_shape():
    table = parse_accounts([["Account", "Revenue"], ["A", 1.0]])
    assert list(table.accounts.columns) == list(STANDARD_COLUMNS)
    assert np.isnan(table.accounts["cost_to_serve"]).all() and table.accounts["channel"].isna().all()
    assert table.periods == () and table.period_revenue.empty and table.period_profit.empty


def test_years_typed_as_numbers_make_a_header_row_beside_a_known_header():
    table = parse_accounts([["Account", 2024.0, 2025.0], ["A", 10.0, 12.0]])
    assert table.has_header and table.periods == ("2024", "2025")
    # one year-like number is not enough, nor are years beside text that names no column: data rows
    assert not parse_accounts([["Account", 2024.0], ["A", 10.0]]).has_header
    assert not parse_accounts([["Acme", 2024.0, 2025.0], ["Beta", 10.0, 12.0]]).has_header
