"""Tests for core.margins: account margins, their notes and the per-group summary."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.errors import SegmenterInputError
from core.groups import BLANK_GROUP, float_values, group_codes
from core.margins import group_summary, margin_note, margin_pct

NAN = float("nan")

# Five accounts to check on paper:
#   1 A revenue 1000 profit 200   margin 0.20
#   2 A revenue  600 profit  90   margin 0.15
#   3 B revenue  300 profit NaN   margin undefined (profit missing)
#   4 B revenue    0 profit -20   margin undefined (revenue zero)
#   5 C revenue -100 profit  10   margin undefined (credit note)
REVENUE = np.array([1000.0, 600.0, 300.0, 0.0, -100.0])
PROFIT = np.array([200.0, 90.0, NAN, -20.0, 10.0])
GROUPS = np.array(["A", "A", "B", "B", "C"], dtype=object)


def test_margin_pct_of_five_accounts_by_hand():
    np.testing.assert_allclose(margin_pct(REVENUE, PROFIT), [0.20, 0.15, NAN, NAN, NAN])


def test_margin_pct_is_nan_not_zero_for_zero_revenue_and_missing_values():
    result = margin_pct([0.0, NAN, 100.0], [0.0, 5.0, NAN])
    assert np.isnan(result).all()


def test_margin_pct_of_a_loss_is_negative():
    # 500 revenue, 50 loss: -50 / 500 = -0.10
    assert margin_pct([500.0], [-50.0])[0] == pytest.approx(-0.10)


def test_margin_note_gives_the_first_reason_that_applies():
    notes = margin_note([1000.0, 300.0, 0.0, -100.0, NAN, NAN], [200.0, NAN, -20.0, NAN, 5.0, NAN])
    assert notes.tolist() == [
        "",
        "profit missing",
        "revenue is zero or negative",
        "revenue is zero or negative",
        "revenue missing",
        "revenue missing",
    ]
    assert notes.dtype == object


def test_margin_note_is_empty_exactly_where_margin_is_defined():
    notes = margin_note(REVENUE, PROFIT)
    assert ((notes == "") == ~np.isnan(margin_pct(REVENUE, PROFIT))).all()


def test_group_summary_of_five_accounts_by_hand():
    table = group_summary(REVENUE, PROFIT, GROUPS, order=["A", "B", "C"])
    assert table["tier"].tolist() == ["A", "B", "C", "Total"]
    assert table["accounts"].tolist() == [2, 2, 1, 5]
    # revenue sums: A 1000+600, B 300+0, C -100, total 1800
    np.testing.assert_allclose(table["revenue"], [1600, 300, -100, 1800])
    # profit sums skip NaN: A 290, B -20, C 10, total 280
    np.testing.assert_allclose(table["profit"], [290, -20, 10, 280])
    # margin over accounts with both figures: A 290/1600; B only account 4 (revenue 0) -> NaN;
    # C revenue -100 -> NaN; total (200+90-20+10)/(1000+600+0-100) = 280/1500
    np.testing.assert_allclose(table["margin_pct"], [290 / 1600, NAN, NAN, 280 / 1500])
    np.testing.assert_allclose(table["account_share"], [0.4, 0.4, 0.2, 1.0])
    # of 1800, the total including the credit note
    np.testing.assert_allclose(table["revenue_share"], [1600 / 1800, 300 / 1800, -100 / 1800, 1.0])
    np.testing.assert_allclose(table["profit_share"], [290 / 280, -20 / 280, 10 / 280, 1.0])
    # 1600/2, 300/2, -100/1, 1800/5
    np.testing.assert_allclose(table["avg_revenue"], [800, 150, -100, 360])


def test_group_summary_columns_and_group_name():
    table = group_summary(REVENUE, PROFIT, GROUPS, group_name="industry")
    assert table.columns.tolist() == [
        "industry",
        "accounts",
        "revenue",
        "profit",
        "margin_pct",
        "account_share",
        "revenue_share",
        "profit_share",
        "avg_revenue",
    ]


def test_group_in_order_is_listed_even_without_accounts():
    table = group_summary(REVENUE, PROFIT, GROUPS, order=["A", "B", "C", "D"])
    d_row = table.loc[table["tier"] == "D"].iloc[0]
    assert d_row["accounts"] == 0 and d_row["revenue"] == 0 and d_row["revenue_share"] == 0
    assert np.isnan(d_row["margin_pct"]) and np.isnan(d_row["avg_revenue"])


def test_groups_outside_order_come_after_sorted_and_blank_last():
    groups = ["North", None, "", "East", "West", " West "]
    table = group_summary([1.0] * 6, [1.0] * 6, groups, order=["West"], group_name="region")
    assert table["region"].tolist() == ["West", "East", "North", BLANK_GROUP, "Total"]
    assert table["accounts"].tolist() == [2, 1, 1, 2, 6]


def test_year_groups_read_as_floats_sort_by_value_and_show_without_decimals():
    codes, labels = group_codes([2021.0, 2019.0, 2020.0, NAN, 2019.0])
    assert labels == ["2019", "2020", "2021", BLANK_GROUP]
    assert codes.tolist() == [2, 0, 1, 3, 0]


def test_categorical_groups_keep_unused_categories():
    tiers = pd.Categorical(["B", "A", None], categories=["A", "B", "C"])
    codes, labels = group_codes(tiers)
    assert labels == ["A", "B", "C", BLANK_GROUP]
    assert codes.tolist() == [1, 0, 3]


def test_order_listing_a_label_twice_raises():
    with pytest.raises(SegmenterInputError, match="twice"):
        group_codes(["A"], order=["A", "A"])


def test_revenue_share_is_nan_when_total_revenue_is_not_positive():
    # 100 - 300 = -200 total: a share of a negative total means nothing
    table = group_summary([100.0, -300.0], [10.0, 0.0], ["A", "B"])
    assert table["revenue_share"].isna().all()
    # profit total 10 > 0: profit shares still defined
    np.testing.assert_allclose(table["profit_share"], [1.0, 0.0, 1.0])


def test_empty_input_gives_only_an_empty_total_row():
    table = group_summary([], [], [])
    assert table["tier"].tolist() == ["Total"]
    assert table["accounts"].tolist() == [0]
    assert table["revenue"].tolist() == [0.0]
    assert table[["margin_pct", "account_share", "revenue_share", "avg_revenue"]].isna().all(axis=None)


def test_empty_input_with_order_lists_the_ordered_groups():
    table = group_summary([], [], [], order=["A", "B"])
    assert table["tier"].tolist() == ["A", "B", "Total"]
    assert table["accounts"].tolist() == [0, 0, 0]


def test_one_account_has_all_shares_one():
    table = group_summary([250.0], [50.0], ["A"])
    assert table["accounts"].tolist() == [1, 1]
    np.testing.assert_allclose(table["revenue_share"], [1.0, 1.0])
    np.testing.assert_allclose(table["margin_pct"], [0.2, 0.2])


def test_all_equal_accounts_split_evenly():
    # four accounts of 100 revenue, 25 profit, two groups of two: shares 0.5, margin 0.25
    table = group_summary([100.0] * 4, [25.0] * 4, ["A", "B", "A", "B"])
    np.testing.assert_allclose(table["revenue_share"], [0.5, 0.5, 1.0])
    np.testing.assert_allclose(table["margin_pct"], [0.25, 0.25, 0.25])
    np.testing.assert_allclose(table["avg_revenue"], [100, 100, 100])


def test_group_with_all_revenue_missing_has_zero_revenue_and_no_average():
    table = group_summary([NAN, NAN, 100.0], [1.0, NAN, 10.0], ["A", "A", "B"])
    a_row = table.iloc[0]
    assert a_row["revenue"] == 0 and a_row["profit"] == 1.0
    assert np.isnan(a_row["avg_revenue"]) and np.isnan(a_row["margin_pct"])


def test_trillion_revenues_keep_exact_shares():
    # 10^12 + 10^12 + 1 = 2,000,000,000,001 exactly representable in float64
    table = group_summary([1e12, 1e12, 1.0], [1e11, 3e11, 0.5], ["A", "B", "C"])
    assert table["revenue"].iloc[-1] == 2_000_000_000_001.0
    assert table["revenue_share"].iloc[2] == pytest.approx(1 / 2_000_000_000_001, rel=1e-12)
    assert table["margin_pct"].iloc[1] == pytest.approx(0.3)


def test_infinite_revenue_raises_with_its_position():
    with pytest.raises(SegmenterInputError) as error:
        group_summary([1.0, np.inf], [1.0, 1.0], ["A", "A"])
    assert error.value.row == 1 and error.value.column == "revenue"


def test_text_in_profit_raises():
    with pytest.raises(SegmenterInputError, match="profit"):
        margin_pct([1.0], ["lots"])


def test_columns_of_different_length_raise():
    with pytest.raises(SegmenterInputError, match="length"):
        group_summary([1.0, 2.0], [1.0, 2.0], ["A"])


def test_two_dimensional_revenue_raises():
    with pytest.raises(SegmenterInputError, match="one column"):
        float_values([[1.0, 2.0]], "revenue")


def test_pandas_nullable_input_and_string_groups_work():
    revenue = pd.Series([100.0, None, 50.0], dtype="Float64")
    groups = pd.Series(["A", "B", None], dtype="string")
    table = group_summary(revenue, pd.Series([10.0, 1.0, 5.0]), groups)
    assert table["tier"].tolist() == ["A", "B", BLANK_GROUP, "Total"]
    np.testing.assert_allclose(table["revenue"], [100, 0, 50, 150])


def test_a_full_sheet_of_accounts_in_four_groups_adds_up():
    # speed is measured by bench/bench_report.py, not here
    rng = np.random.default_rng(7)
    n = 1_048_576
    revenue = rng.lognormal(10, 1.5, n)
    groups = rng.choice(np.array(["A", "B", "C", "D"], dtype=object), n)
    table = group_summary(revenue, revenue * 0.2, groups, order=["A", "B", "C", "D"])
    assert table["accounts"].iloc[-1] == n
    assert table["accounts"].iloc[:-1].sum() == n
    np.testing.assert_allclose(table["margin_pct"], 0.2)


# amounts in whole cents, as ledgers hold them
amounts = st.one_of(st.just(NAN), st.integers(-100_000_000, 100_000_000_000).map(lambda c: c / 100))
accounts = st.lists(st.tuples(amounts, amounts, st.sampled_from(["A", "B", "C", None, ""])), max_size=40)


@given(accounts)
def test_totals_equal_the_sum_of_the_group_rows(rows):
    revenue, profit, groups = (list(c) for c in zip(*rows)) if rows else ([], [], [])
    table = group_summary(revenue, profit, groups)
    body, total = table.iloc[:-1], table.iloc[-1]
    for column in ("accounts", "revenue"):
        assert total[column] == pytest.approx(body[column].sum(), rel=1e-9, abs=1e-6)
    assert total["accounts"] == len(rows)
    if np.isnan(np.asarray(profit, dtype=float)).all():  # no profit anywhere: unknown, not 0, in every row
        assert table["profit"].isna().all()
    else:  # the blank rows are groups without a profit: the total is the sum of the others
        assert total["profit"] == pytest.approx(body["profit"].sum(), rel=1e-9, abs=1e-6)


@given(accounts)
def test_shares_add_up_to_one_when_totals_are_positive(rows):
    revenue, profit, groups = (list(c) for c in zip(*rows)) if rows else ([], [], [])
    table = group_summary(revenue, profit, groups)
    body, total = table.iloc[:-1], table.iloc[-1]
    if total["accounts"] > 0:
        assert body["account_share"].sum() == pytest.approx(1.0)
    if total["revenue"] > 1e-3 * np.nansum(np.abs(revenue)):
        assert body["revenue_share"].sum() == pytest.approx(1.0, rel=1e-6)
    if total["profit"] > 1e-3 * np.nansum(np.abs(profit)):
        assert body["profit_share"].sum() == pytest.approx(1.0, rel=1e-6)


@settings(max_examples=50)
@given(accounts, st.randoms(use_true_random=False))
def test_summary_does_not_depend_on_account_order(rows, random):
    shuffled = list(rows)
    random.shuffle(shuffled)
    tables = []
    for data in (rows, shuffled):
        revenue, profit, groups = (list(c) for c in zip(*data)) if data else ([], [], [])
        tables.append(group_summary(revenue, profit, groups))
    pd.testing.assert_frame_equal(tables[0], tables[1], rtol=1e-9, atol=1e-6)
