"""The call list's texts made a column at a time (core/text_columns.py, core/actions.py): each is the
text Python's own format gives for the same value, character for character."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from core.actions import action_list, edge_texts, margin_reasons, money_texts, slipping_reasons
from core.text_columns import fixed, percent

# halves, cents and round-off near them, where rounding in two steps would go wrong
AWKWARD = [0.5, 1.5, 2.5, 0.005, 0.015, 0.125, 0.045, 1.005, 2.675, 999.5, 999_999.5, 1e15, 1e15 - 0.5, 5e-324]
FLOATS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=-1e7, max_value=1e7),
    st.sampled_from(AWKWARD + [-v for v in AWKWARD]),
    st.integers(-(10**9), 10**9).map(lambda k: k / 1000),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(FLOATS, max_size=40), st.integers(0, 3), st.booleans())
def test_fixed_is_python_format(values, decimals, commas):
    spec = f"{',' if commas else ''}.{decimals}f"
    assert fixed(np.array(values, dtype=float), decimals, commas).tolist() == [format(v, spec) for v in values]


@settings(max_examples=300, deadline=None)
@given(st.lists(FLOATS, max_size=40))
def test_percent_is_python_percent_format(values):
    assert percent(values).tolist() == [f"{v:.1%}" for v in values]
    assert percent(values, 0).tolist() == [f"{v:.0%}" for v in values]


def test_fixed_of_hand_made_figures():
    # 2.5 and 0.125 are exact halves: Python rounds them to even; 0.005 is stored a little above 0.005
    assert fixed([2.5, 3.5, -2.5, 1234567.0, 0.0, -0.0], commas=True).tolist() == [
        "2",
        "4",
        "-2",
        "1,234,567",
        "0",
        "-0",
    ]
    assert fixed([0.125, 0.005, 1234.5678, -0.001], 2).tolist() == ["0.12", "0.01", "1234.57", "-0.00"]
    assert fixed([999_999_999_999.0, 1e15, float("inf")], commas=True).tolist() == [
        "999,999,999,999",
        "1,000,000,000,000,000",
        "inf",
    ]
    assert fixed(np.array([], dtype=float)).tolist() == []


def test_money_has_cents_below_100_only():
    assert money_texts([99.5, 100.5, 99.0, -12.345, 1e6 + 0.4]).tolist() == [
        "99.50",
        "100",
        "99",
        "-12.35",
        "1,000,000",
    ]


def test_edge_texts_at_near_and_beyond_a_cut_off():
    # cut-off 1,000: 1,000 is it; 1,000.4 is 0.04 % above (at it); 1,049.6 is 4.96 % above; 951 is 4.9 % below
    assert edge_texts(np.array([1000.0, 1000.4, 1049.6, 951.0]), 1000.0, "A") == [
        "revenue 1,000 is the lowest in tier A (its cut-off)",
        "revenue 1,000 is at tier A's cut-off (1,000; within 0.05%)",
        "revenue 1,050 is 5.0% above tier A's cut-off (1,000)",
        "revenue 951 is 4.9% below tier A's cut-off (1,000)",
    ]


def test_margin_reason_of_a_loss_making_account():
    # portfolio: profit (-100 + 600) / revenue (1,000 + 2,000) = 16.7 %; a: 1,000 x 0.1667 - (-100) = 266.67 at stake
    seg = pd.DataFrame(
        {
            "account": ["a", "b"],
            "tier": pd.Categorical(["A", "B"]),
            "revenue": [1000.0, 2000.0],
            "profit": [-100.0, 600.0],
            "margin_pct": [-0.1, 0.3],
            "strategy": ["Fix margin", "Protect"],
            "sheet_row": [2, 3],
        }
    )
    reasons = margin_reasons(seg)
    assert reasons["reason"].tolist() == [
        "Fix margin: margin -10.0% on revenue 1,000 against the portfolio's 16.7%: 267 profit at stake"
    ]
    assert reasons["money_at_stake"].tolist() == [1000.0 * (500.0 / 3000.0) + 100.0]
    assert reasons["tier"].tolist() == ["A"] and reasons["sheet_row"].tolist() == [2]


def test_action_list_names_other_kinds_once_in_order_of_money():
    rows = [
        ("x", "tier edge", 5.0),
        ("y", "detractor", 7.0),
        ("x", "detractor", 9.0),
        ("x", "fix margin", 6.0),
        ("x", "tier edge", 8.0),
        ("z", "fix margin", float("nan")),
    ]
    reasons = pd.DataFrame(
        [
            {"account": a, "tier": "A", "kind": k, "reason": f"{a} {k}", "money_at_stake": m, "detail_sheet": "S: c"}
            | {"sheet_row": 2}
            for a, k, m in rows
        ]
    )
    table = action_list([reasons.iloc[:3], reasons.iloc[3:]])
    # x: 9 detractor first, then 8 tier edge, 6 fix margin, 5 tier edge (said already); NaN last
    assert table[["priority", "account", "reason", "also"]].values.tolist() == [
        [1, "x", "x detractor", "tier edge; fix margin"],
        [2, "y", "y detractor", ""],
        [3, "z", "z fix margin", ""],
    ]


def test_slipping_reasons_of_hand_made_customers():
    # a: every 4 / 2 weeks = 14 days after 1 Jan: due 15 Jan, 167 days before 30 Jun (2024 is a leap year);
    # b: 2 / 3 weeks = 4.67 -> 5 days: due 6 Feb, 145 days; c: 7 days: due 8 Mar, 114 days.
    # 30 weeks of history count as one year: the yearly spend is the total spend
    customers = pd.DataFrame(
        {
            "account": ["a", "b", "c"],
            "last_purchase": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01"]),
            "frequency": [2, 3, 1],
            "recency": [4.0, 2.0, 1.0],
            "T": [30.0, 30.0, 30.0],
            "total_spend": [1000.0, 55.5, 2e6],
            "probability_alive": [0.2, 0.0001, 0.4],
            "tier": ["A", "B", "A"],
            "sheet_row": [2, 3, 4],
        }
    )
    reasons = slipping_reasons(customers, ("A", "B", "C", "D"), 0.5, "2024-06-30")
    assert reasons["reason"].tolist() == [
        "probably slipping: P(alive) 20.0%, below the 50% level; next order was expected by 2024-01-15, "
        "167 days ago; spent 1,000 a year",
        "probably slipping: P(alive) 0.0% (under 0.05%), below the 50% level; next order was expected by "
        "2024-02-06, 145 days ago; spent 55.50 a year",
        "probably slipping: P(alive) 40.0%, below the 50% level; next order was expected by 2024-03-08, "
        "114 days ago; spent 2,000,000 a year",
    ]
    assert reasons["money_at_stake"].tolist() == [800.0, 55.5 * (1 - 0.0001), 1.2e6]
    assert reasons["tier"].tolist() == ["A", "B", "A"] and reasons["sheet_row"].tolist() == [2, 3, 4]
