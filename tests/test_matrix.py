"""Tests for core.matrix: splits, strategy cells, the matrix table and the NPS flags."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import SegmenterInputError
from core.margins import margin_pct
from core.matrix import assign_strategy, matrix_splits, matrix_table, nps_flags

NAN = float("nan")

# Five accounts on paper:
#   revenue 1000 profit 300 margin 0.30
#   revenue  800 profit  80 margin 0.10
#   revenue  200 profit  60 margin 0.30
#   revenue  100 profit   5 margin 0.05
#   revenue    0 profit  10 margin undefined
# medians over the four with a margin: revenue (800 + 200) / 2 = 500, margin (0.10 + 0.30) / 2 = 0.20
REVENUE = np.array([1000.0, 800.0, 200.0, 100.0, 0.0])
PROFIT = np.array([300.0, 80.0, 60.0, 5.0, 10.0])
MARGIN = margin_pct(REVENUE, PROFIT)


def test_default_splits_are_medians_of_the_classifiable_accounts():
    assert matrix_splits(REVENUE, MARGIN) == pytest.approx((500.0, 0.20))


def test_user_splits_are_used_as_given():
    assert matrix_splits(REVENUE, MARGIN, 750.0, 0.25) == (750.0, 0.25)
    # one given, the other the median
    assert matrix_splits(REVENUE, MARGIN, margin_split=0.05) == pytest.approx((500.0, 0.05))


def test_splits_need_a_classifiable_account_unless_both_are_given():
    with pytest.raises(SegmenterInputError, match="no account"):
        matrix_splits([0.0, -5.0], [NAN, NAN])
    assert matrix_splits([0.0], [NAN], 10.0, 0.1) == (10.0, 0.1)


def test_a_split_that_is_not_a_finite_number_raises():
    with pytest.raises(SegmenterInputError, match="finite"):
        matrix_splits(REVENUE, MARGIN, revenue_split=float("inf"))
    with pytest.raises(SegmenterInputError) as error:
        assign_strategy(REVENUE, MARGIN, 500.0, "high")
    assert error.value.column == "margin_split"


def test_strategy_of_five_accounts_by_hand():
    strategy = assign_strategy(REVENUE, MARGIN, 500.0, 0.20)
    assert strategy.tolist() == ["Protect", "Fix margin", "Grow", "Migrate", ""]
    assert strategy.dtype == object


def test_the_median_account_counts_as_high():
    # splits 200 and 0.2 are exactly the middle account's figures
    revenue, margin = [100.0, 200.0, 300.0], [0.1, 0.2, 0.3]
    splits = matrix_splits(revenue, margin)
    assert splits == pytest.approx((200.0, 0.2))
    assert assign_strategy(revenue, margin, *splits).tolist() == ["Migrate", "Protect", "Protect"]


def test_accounts_without_a_margin_are_unclassified():
    # negative revenue, missing revenue, missing profit (margin NaN)
    strategy = assign_strategy([-100.0, NAN, 900.0], [NAN, NAN, NAN], 500.0, 0.2)
    assert strategy.tolist() == ["", "", ""]


def test_matrix_table_of_five_accounts_by_hand():
    table = matrix_table(REVENUE, PROFIT, assign_strategy(REVENUE, MARGIN, 500.0, 0.20))
    assert table.columns.tolist() == [
        "strategy",
        "revenue_band",
        "margin_band",
        "accounts",
        "revenue",
        "profit",
        "margin_pct",
        "revenue_share",
        "action",
    ]
    assert table["strategy"].tolist() == ["Protect", "Fix margin", "Grow", "Migrate", "Unclassified", "Total"]
    assert table["revenue_band"].tolist() == ["high", "high", "low", "low", "", ""]
    assert table["margin_band"].tolist() == ["high", "low", "high", "low", "", ""]
    assert table["accounts"].tolist() == [1, 1, 1, 1, 1, 5]
    np.testing.assert_allclose(table["revenue"], [1000, 800, 200, 100, 0, 2100])
    np.testing.assert_allclose(table["profit"], [300, 80, 60, 5, 10, 455])
    # the Unclassified account's revenue is 0: no margin; the total is 455 / 2100 over all five
    np.testing.assert_allclose(table["margin_pct"], [0.3, 0.1, 0.3, 0.05, NAN, 455 / 2100])
    np.testing.assert_allclose(table["revenue_share"], [1000 / 2100, 800 / 2100, 200 / 2100, 100 / 2100, 0, 1])
    assert table["action"].tolist()[:4] == [
        "Protect: key accounts, keep service and relationship",
        "Fix margin: reprice, cut cost to serve",
        "Grow: profitable but small, sell more",
        "Migrate: move to low-cost channel or drop",
    ]


def test_matrix_table_lists_empty_cells_and_drops_empty_unclassified():
    table = matrix_table([100.0, 50.0], [10.0, 5.0], ["Protect", "Protect"])
    assert table["strategy"].tolist() == ["Protect", "Fix margin", "Grow", "Migrate", "Total"]
    assert table["accounts"].tolist() == [2, 0, 0, 0, 2]
    assert np.isnan(table["margin_pct"].iloc[1])


def test_matrix_table_of_no_accounts_is_all_zero():
    table = matrix_table([], [], [])
    assert table["accounts"].tolist() == [0, 0, 0, 0, 0]
    assert table["revenue_share"].isna().all()


def test_matrix_table_rejects_an_unknown_strategy():
    with pytest.raises(SegmenterInputError, match="'Harvest'"):
        matrix_table([1.0], [1.0], ["Harvest"])


def test_matrix_table_treats_none_as_unclassified():
    table = matrix_table([1.0, 2.0], [1.0, 1.0], ["Grow", None])
    assert table.loc[table["strategy"] == "Unclassified", "accounts"].item() == 1


def test_nps_flags_by_hand():
    # split 100: 500 is high, 50 and -20 are low; NaN revenue is neither
    flags = nps_flags([500.0, 500.0, 500.0, 50.0, 50.0, -20.0, NAN, 500.0], [6, 7, 9, 9, 6, 10, 0, NAN], 100.0)
    assert flags.tolist() == ["At risk", "", "", "Innovation partner", "", "Innovation partner", "", ""]


def test_nps_flags_at_the_split_count_as_high_revenue():
    assert nps_flags([100.0, 100.0], [0, 10], 100.0).tolist() == ["At risk", ""]


def test_nps_flags_reject_an_answer_off_the_scale():
    with pytest.raises(SegmenterInputError) as error:
        nps_flags([1.0, 2.0], [5, 12], 1.0)
    assert error.value.row == 1


def test_trillion_revenues_split_and_classify():
    revenue = np.array([1e12, 3e12, 2e12])
    margin = np.array([0.1, 0.3, 0.2])
    splits = matrix_splits(revenue, margin)
    assert splits == pytest.approx((2e12, 0.2))
    assert assign_strategy(revenue, margin, *splits).tolist() == ["Migrate", "Protect", "Protect"]


# amounts in whole cents, as ledgers hold them
cents = st.integers(-100_000, 100_000_000_000).map(lambda c: c / 100)
accounts = st.lists(
    st.tuples(st.one_of(st.just(NAN), cents), st.one_of(st.just(NAN), cents)),
    min_size=1,
    max_size=40,
)


@given(accounts)
def test_every_account_with_a_margin_lands_in_exactly_one_cell(rows):
    revenue = np.array([r for r, _ in rows])
    profit = np.array([p for _, p in rows])
    margin = margin_pct(revenue, profit)
    if not ((revenue > 0) & ~np.isnan(margin)).any():
        return
    strategy = assign_strategy(revenue, margin, *matrix_splits(revenue, margin))
    assert ((strategy == "") == np.isnan(margin)).all()
    table = matrix_table(revenue, profit, strategy)
    assert table["accounts"].iloc[:-1].sum() == len(rows) == table["accounts"].iloc[-1]


@given(accounts, st.randoms(use_true_random=False))
def test_matrix_does_not_depend_on_account_order(rows, random):
    shuffled = list(rows)
    random.shuffle(shuffled)
    tables = []
    for data in (rows, shuffled):
        revenue = np.array([r for r, _ in data])
        profit = np.array([p for _, p in data])
        strategy = assign_strategy(revenue, margin_pct(revenue, profit), 1e4, 0.1)
        tables.append(matrix_table(revenue, profit, strategy))
    pd.testing.assert_frame_equal(tables[0], tables[1], rtol=1e-9, atol=1e-6)
