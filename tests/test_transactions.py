"""Transaction lists: headers, every date form, unreadable rows, returns, and the per-customer table."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.errors import SegmenterInputError
from core.transactions import SUMMARY_COLUMNS, customer_summary, parse_transactions


def _cells(*rows, header=("Customer", "Date", "Amount")):
    return [list(header)] + [list(r) for r in rows]


@pytest.mark.parametrize("header", [
    ("Customer", "Date", "Amount"), ("account", "order_date", "Revenue"), ("Client ID", "Invoice Date", "Sales"),
    ("customer-id", "Purchase date", "spend"), ("CUSTOMER ID", "date", "Value"),
])
def test_header_aliases_are_recognised(header):
    table = parse_transactions(_cells(("A", "2024-01-02", 10.0), header=header))
    assert table.rows[["customer", "amount"]].values.tolist() == [["A", 10.0]]
    assert table.headers["customer"] == header[0]


def test_columns_may_come_in_any_order_and_extra_columns_are_ignored():
    table = parse_transactions([["Region", "Amount", "Qty", "Profit", "Date", "Account"],
                                ["EU", 100.0, 2.0, 30.0, "2024-01-02", "A"]])
    assert table.rows[["customer", "amount", "profit", "quantity"]].values.tolist() == [["A", 100.0, 30.0, 2.0]]
    assert table.has_profit


@pytest.mark.parametrize("cell", [
    dt.datetime(2024, 3, 31), dt.date(2024, 3, 31), 45382.0, "2024-03-31", pd.Timestamp("2024-03-31"),
    dt.datetime(2024, 3, 31, 15, 30),
])
def test_every_date_form_reads_as_the_same_day(cell):
    # 45382 = 2024-03-31: 1899-12-30 + 45382 days
    table = parse_transactions(_cells(("A", cell, 1.0)))
    assert table.rows["date"].iloc[0].normalize() == pd.Timestamp("2024-03-31")


def test_dataframe_datetime_column_reads_without_issues():
    frame = pd.DataFrame({"customer": ["A", "B"], "date": pd.to_datetime(["2024-01-01", "2024-02-01"]),
                          "amount": [1.0, 2.0]})
    table = parse_transactions(frame, first_sheet_row=4)
    assert table.rows["sheet_row"].tolist() == [5, 6]
    assert table.issues.empty


def test_unreadable_rows_are_left_out_and_named_by_sheet_row():
    table = parse_transactions(_cells(("A", "2024-01-02", 10.0), ("B", "03/04/2024", 5.0), (None, "2024-01-02", 1.0),
                                      ("C", "2024-01-02", "n/a"), ("D", "2024-01-03", "7")), first_sheet_row=10)
    # header on row 10, data rows 11-15; rows 12 (ambiguous date), 13 (no customer), 14 (bad amount) left out
    assert table.rows["sheet_row"].tolist() == [11, 15]
    left_out = table.issues[table.issues["action"] == "row left out"]
    assert left_out["sheet_row"].tolist() == [12, 13, 14]
    assert left_out["column"].tolist() == ["Date", "Customer", "Amount"]
    assert 15 in table.issues.loc[table.issues["action"] == "coerced", "sheet_row"].tolist()


def test_blank_rows_are_skipped_silently():
    table = parse_transactions(_cells(("A", 45293.0, 10.0), (None, None, None), ("", " ", None)))
    assert len(table.rows) == 1
    assert table.issues["sheet_row"].tolist() == [2]  # only the serial read as a date is reported


def test_negative_amounts_are_kept_as_returns_and_reported():
    table = parse_transactions(_cells(("A", "2024-01-02", 10.0), ("A", "2024-01-05", -4.0)))
    assert table.rows["amount"].tolist() == [10.0, -4.0]
    returns = table.issues[table.issues["action"] == "kept as a return"]
    assert returns["sheet_row"].tolist() == [3]


def test_without_header_columns_are_customer_date_amount():
    table = parse_transactions([["A", "2024-01-02", 10.0], ["B", 45300.0, 3.0]])
    assert table.rows["customer"].tolist() == ["A", "B"]


def test_missing_amount_column_raises_and_lists_headers():
    with pytest.raises(SegmenterInputError, match="no amount column found; headers seen: Customer, Date, Notes"):
        parse_transactions([["Customer", "Date", "Notes"], ["A", "2024-01-01", "x"]], has_header=True)


def test_two_columns_for_one_role_raise():
    with pytest.raises(SegmenterInputError, match="two columns could be the amount"):
        parse_transactions([["Customer", "Date", "Revenue", "Sales"], ["A", "2024-01-01", 1.0, 2.0]])


def test_no_readable_row_raises():
    with pytest.raises(SegmenterInputError, match="no transaction has a readable"):
        parse_transactions(_cells(("A", "someday", 1.0)))


def _summary_of(rows, **kwargs):
    return customer_summary(parse_transactions(_cells(*rows, header=("Customer", "Date", "Amount", "Profit"))),
                            **kwargs)


def test_summary_by_hand():
    # A: 2024-01-01 (10 + 5, one day), 01-15 (30), 01-29 (return -6); B: 01-22 (20). End 01-29.
    # A: purchases 3 orders, frequency 1 (days 01-01, 01-15), recency 14 d = 2 w, T 28 d = 4 w,
    #    total 39, avg 13, avg repeat 30, profit 3+1+9-2 = 11, margin 11/39
    summary = _summary_of([("A", "2024-01-01", 10.0, 3.0), ("A", "2024-01-01", 5.0, 1.0),
                           ("A", "2024-01-15", 30.0, 9.0), ("A", "2024-01-29", -6.0, -2.0),
                           ("B", "2024-01-22", 20.0, 4.0)])
    a, b = summary.iloc[0], summary.iloc[1]
    assert list(summary.columns) == list(SUMMARY_COLUMNS)
    assert (a["purchases"], a["repeat_purchases"], a["frequency"]) == (3, 2, 1)
    assert (a["recency"], a["T"], a["time_since_last"]) == (2.0, 4.0, 2.0)
    assert (a["total_spend"], a["avg_spend"], a["avg_repeat_spend"]) == (39.0, 13.0, 30.0)
    assert a["total_profit"] == 11.0 and a["avg_margin_pct"] == pytest.approx(11 / 39)
    assert (a["revenue"], a["profit"]) == (39.0, 11.0)
    assert (b["frequency"], b["recency"], b["T"]) == (0, 0.0, 1.0) and np.isnan(b["avg_repeat_spend"])


def test_units_days_and_months():
    rows = [("A", "2024-01-01", 1.0, 0.0), ("A", "2024-03-01", 1.0, 0.0)]
    # 60 days from 01-01 to 03-01 (leap year); a month is 30.4375 days
    assert _summary_of(rows, unit="D")["recency"].iloc[0] == 60.0
    assert _summary_of(rows, unit="M")["recency"].iloc[0] == pytest.approx(60 / 30.4375)
    with pytest.raises(SegmenterInputError, match="unknown time unit"):
        _summary_of(rows, unit="Y")


def test_observation_end_leaves_out_later_transactions():
    rows = [("A", "2024-01-01", 1.0, 0.0), ("A", "2024-03-01", 1.0, 0.0), ("B", "2024-04-01", 1.0, 0.0)]
    summary = _summary_of(rows, observation_end="2024-01-15", unit="D")
    assert summary["account"].tolist() == ["A"]
    assert (summary["frequency"].iloc[0], summary["T"].iloc[0]) == (0, 14.0)


def test_profit_unknown_for_a_customer_when_any_row_lacks_it():
    summary = _summary_of([("A", "2024-01-01", 10.0, 2.0), ("A", "2024-01-02", 10.0, None), ("B", "2024-01-02", 5.0, 1.0)])
    assert np.isnan(summary["total_profit"].iloc[0]) and summary["total_profit"].iloc[1] == 1.0


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("ABCD"), st.integers(0, 60), st.floats(0, 500)), min_size=1, max_size=40))
def test_summary_agrees_with_a_plain_groupby(rows):
    frame = pd.DataFrame(rows, columns=["customer", "day", "amount"])
    frame["date"] = pd.Timestamp("2024-01-01") + pd.to_timedelta(frame["day"], unit="D")
    summary = customer_summary(parse_transactions(frame[["customer", "date", "amount"]]), unit="D").set_index("account")
    end = frame["day"].max()
    for name, group in frame.groupby("customer"):
        days = np.sort(group["day"].unique())
        row = summary.loc[name]
        assert row["frequency"] == days.size - 1
        assert row["recency"] == days[-1] - days[0] and row["T"] == end - days[0]
        assert row["total_spend"] == pytest.approx(group["amount"].sum())
        assert summary["frequency"].sum() <= len(frame)


def test_cdnow_summary_has_2357_customers_and_946_repeat_buyers(cdnow_raw):
    summary = customer_summary(parse_transactions(cdnow_raw[["customer", "date", "amount", "quantity"]]),
                               observation_end="1997-09-30")
    assert len(summary) == 2357 and int((summary["frequency"] > 0).sum()) == 946
    # customer 4: 1997-01-01, 01-18, 08-02 in calibration -> x = 2, t_x = 213/7, T = 272/7 (Hardie: 30.43, 38.86)
    four = summary.set_index("account").loc["4"]
    assert (four["frequency"], round(four["recency"], 2), round(four["T"], 2)) == (2, 30.43, 38.86)


def test_one_million_transactions_summarise_completely():
    # speed is measured by bench/, not here
    rng = np.random.default_rng(1)
    n = 1_000_000
    frame = pd.DataFrame({"customer": rng.integers(0, 200_000, n).astype(str),
                          "date": pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 1000, n), unit="D"),
                          "amount": rng.gamma(2.0, 50.0, n)})
    table = parse_transactions(frame)
    summary = customer_summary(table)
    assert summary["purchases"].sum() == n
