"""Tests for core.retention_cltv: the retention-model CLTV and its per-group summary."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import SegmenterInputError
from core.groups import BLANK_GROUP
from core.retention_cltv import cltv, cltv_by_group

NAN = float("nan")


def test_cltv_hand_example_from_the_docstring():
    # 1000 * 0.8 / (1 + 0.1 - 0.8) = 800 / 0.3 = 2666.67
    assert cltv(1000.0, 0.8, 0.1) == pytest.approx(2666.6667, abs=1e-4)


def test_cltv_of_scalars_is_a_float():
    assert isinstance(cltv(1000, 0.8), float)


def test_default_discount_is_ten_percent():
    assert cltv(1000.0, 0.8) == cltv(1000.0, 0.8, 0.10)


def test_cltv_equals_the_discounted_sum_of_future_margins():
    # independent route: sum over t = 1..2000 of m r^t / (1 + d)^t
    m, r, d = 1200.0, 0.85, 0.07
    years = np.arange(1, 2001)
    assert cltv(m, r, d) == pytest.approx(np.sum(m * r**years / (1 + d) ** years), rel=1e-12)


def test_cltv_broadcasts_a_rate_over_many_accounts():
    # 1000 -> 2666.67, 500 -> 1333.33, NaN stays NaN, -300 -> -800
    np.testing.assert_allclose(cltv([1000.0, 500.0, NAN, -300.0], 0.8, 0.1), [8000 / 3, 4000 / 3, NAN, -800])


def test_cltv_takes_a_retention_per_account():
    # 1000 * 0.5 / 0.5 = 1000; 500 * 0.9 / 0.1 = 4500 (discount 0)
    np.testing.assert_allclose(cltv([1000.0, 500.0], [0.5, 0.9], 0.0), [1000.0, 4500.0])


def test_zero_retention_gives_zero_value():
    assert cltv(1000.0, 0.0, 0.1) == 0.0


def test_retention_above_one_is_allowed_below_one_plus_discount():
    # r = 1.05 < 1.10: 100 * 1.05 / 0.05 = 2100
    assert cltv(100.0, 1.05, 0.10) == pytest.approx(2100.0)


def test_negative_discount_above_minus_one_is_allowed():
    # d = -0.5, r = 0.25: 100 * 0.25 / (0.5 - 0.25) = 100
    assert cltv(100.0, 0.25, -0.5) == pytest.approx(100.0)


def test_retention_at_one_plus_discount_raises_with_the_row():
    with pytest.raises(SegmenterInputError) as error:
        cltv([100.0, 100.0, 100.0], [0.5, 1.1, 0.5], 0.1)
    assert error.value.row == 1 and error.value.column == "retention"
    assert "110%" in str(error.value)


def test_scalar_retention_error_has_no_row():
    with pytest.raises(SegmenterInputError) as error:
        cltv([100.0, 100.0], 1.2, 0.1)
    assert error.value.row is None and error.value.column == "retention"


@pytest.mark.parametrize("retention", [-0.1, NAN, np.inf, None])
def test_retention_that_is_negative_or_missing_raises(retention):
    with pytest.raises(SegmenterInputError):
        cltv(100.0, retention, 0.1)


@pytest.mark.parametrize("discount", [-1.0, -2.0, NAN, np.inf])
def test_discount_at_or_below_minus_one_or_missing_raises(discount):
    with pytest.raises(SegmenterInputError) as error:
        cltv(100.0, 0.5, discount)
    assert error.value.column == "discount"


def test_discount_error_points_at_the_account():
    with pytest.raises(SegmenterInputError) as error:
        cltv([1.0, 1.0], 0.5, [0.1, -1.0])
    assert error.value.row == 1


def test_infinite_margin_raises():
    with pytest.raises(SegmenterInputError):
        cltv([1.0, np.inf], 0.5, 0.1)
    with pytest.raises(SegmenterInputError):
        cltv(np.inf, 0.5, 0.1)


def test_lengths_that_do_not_broadcast_raise():
    with pytest.raises(SegmenterInputError, match="lengths"):
        cltv([1.0, 2.0, 3.0], [0.5, 0.6], 0.1)


def test_trillion_margin():
    assert cltv(1e12, 0.8, 0.1) == pytest.approx(1e12 * 8 / 3, rel=1e-12)


def test_cltv_of_no_accounts_is_empty():
    assert cltv([], 0.8, 0.1).shape == (0,)


def test_cltv_by_group_by_hand():
    # multiple 0.8 / 0.3 = 8/3: A 1000 and 500 -> 8000/3 + 4000/3 = 4000, average 2000;
    # B 300 -> 800 and one unknown margin (not in the average), C nobody, blank group 600 -> 1600
    table = cltv_by_group(
        [1000.0, 500.0, 300.0, NAN, 600.0], ["A", "A", "B", "B", None], 0.8, 0.1, order=["A", "B", "C"]
    )
    assert table.columns.tolist() == ["tier", "accounts", "total_cltv", "avg_cltv"]
    assert table["tier"].tolist() == ["A", "B", "C", BLANK_GROUP, "Total"]
    assert table["accounts"].tolist() == [2, 2, 0, 1, 5]
    np.testing.assert_allclose(table["total_cltv"], [4000, 800, 0, 1600, 6400])
    # total average 6400 / 4 accounts with a value
    np.testing.assert_allclose(table["avg_cltv"], [2000, 800, NAN, 1600, 1600])


def test_cltv_by_group_with_retention_per_account_and_group_name():
    # 100 * 0.5 / 0.5 = 100; 100 * 0.9 / 0.1 = 900
    table = cltv_by_group([100.0, 100.0], ["Retail", "Retail"], [0.5, 0.9], 0.0, group_name="industry")
    assert table["industry"].tolist() == ["Retail", "Total"]
    np.testing.assert_allclose(table["total_cltv"], [1000, 1000])
    np.testing.assert_allclose(table["avg_cltv"], [500, 500])


def test_cltv_by_group_of_no_accounts():
    table = cltv_by_group([], [], 0.8, 0.1)
    assert table["tier"].tolist() == ["Total"]
    assert table["accounts"].tolist() == [0] and math.isnan(table["avg_cltv"].iloc[0])


def test_cltv_by_group_length_mismatch_raises():
    with pytest.raises(SegmenterInputError, match="length"):
        cltv_by_group([1.0, 2.0], ["A"], 0.8, 0.1)


cents = st.integers(-100_000_000, 100_000_000_000).map(lambda c: c / 100)
margins = st.lists(st.tuples(st.one_of(st.just(NAN), cents), st.sampled_from(["A", "B", None])), max_size=40)


@given(margins, st.floats(0, 0.99), st.floats(0, 0.5))
def test_group_totals_add_up_to_the_total_row(rows, retention, discount):
    table = cltv_by_group([m for m, _ in rows], [g for _, g in rows], retention, discount)
    body, total = table.iloc[:-1], table.iloc[-1]
    assert total["accounts"] == body["accounts"].sum() == len(rows)
    assert total["total_cltv"] == pytest.approx(body["total_cltv"].sum(), rel=1e-9, abs=1e-6)


@given(st.floats(1, 1e6), st.floats(0, 0.9), st.floats(0.01, 0.2), st.floats(0.001, 0.09))
def test_higher_retention_never_lowers_the_value_of_a_profitable_account(margin, retention, discount, step):
    assert cltv(margin, retention + step, discount) >= cltv(margin, retention, discount)


@given(margins, st.randoms(use_true_random=False))
def test_cltv_by_group_does_not_depend_on_account_order(rows, random):
    shuffled = list(rows)
    random.shuffle(shuffled)
    tables = [cltv_by_group([m for m, _ in r], [g for _, g in r], 0.8, 0.1) for r in (rows, shuffled)]
    pd.testing.assert_frame_equal(tables[0], tables[1], rtol=1e-9, atol=1e-6)
