"""The per-customer table: purchase occasions, recency, T, spend and margin, by hand and on CDNOW."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.customers.summary import SUMMARY_COLUMNS, customer_summary
from core.errors import SegmenterInputError
from core.transactions import parse_transactions


def _cells(*rows, header=("Customer", "Date", "Amount")):
    return [list(header)] + [list(r) for r in rows]


def _summary_of(rows, **kwargs):
    return customer_summary(
        parse_transactions(_cells(*rows, header=("Customer", "Date", "Amount", "Profit"))), **kwargs
    )


def test_summary_by_hand():
    # A: 2024-01-01 (10 + 5, one day), 01-15 (30), 01-29 (return -6); B: 01-22 (20). End 01-29.
    # A: purchases 3 orders, frequency 1 (days 01-01, 01-15), recency 14 d = 2 w, T 28 d = 4 w,
    #    total 39, avg 13, avg repeat 30, profit 3+1+9-2 = 11, margin 11/39
    summary = _summary_of(
        [
            ("A", "2024-01-01", 10.0, 3.0),
            ("A", "2024-01-01", 5.0, 1.0),
            ("A", "2024-01-15", 30.0, 9.0),
            ("A", "2024-01-29", -6.0, -2.0),
            ("B", "2024-01-22", 20.0, 4.0),
        ]
    )
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
    summary = _summary_of(
        [("A", "2024-01-01", 10.0, 2.0), ("A", "2024-01-02", 10.0, None), ("B", "2024-01-02", 5.0, 1.0)]
    )
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
    summary = customer_summary(
        parse_transactions(cdnow_raw[["customer", "date", "amount", "quantity"]]), observation_end="1997-09-30"
    )
    assert len(summary) == 2357 and int((summary["frequency"] > 0).sum()) == 946
    # customer 4: 1997-01-01, 01-18, 08-02 in calibration -> x = 2, t_x = 213/7, T = 272/7 (Hardie: 30.43, 38.86)
    four = summary.set_index("account").loc["4"]
    assert (four["frequency"], round(four["recency"], 2), round(four["T"], 2)) == (2, 30.43, 38.86)


def test_one_million_transactions_summarise_completely():
    # speed is measured by bench/, not here
    rng = np.random.default_rng(1)
    n = 1_000_000
    frame = pd.DataFrame(
        {
            "customer": rng.integers(0, 200_000, n).astype(str),
            "date": pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 1000, n), unit="D"),
            "amount": rng.gamma(2.0, 50.0, n),
        }
    )
    table = parse_transactions(frame)
    summary = customer_summary(table)
    assert summary["purchases"].sum() == n
