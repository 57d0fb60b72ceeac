"""Tiers: hand-computed cases for each method, the Computed ABC steps, properties."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.errors import SegmenterInputError
from core.tiers import _fmm_spline, assign_tiers, computed_abc, tier_codes

FIVE = [50, 20, 15, 10, 5]  # total 100, so every revenue is its own percentage


# --- pareto -------------------------------------------------------------------------------


def test_pareto_five_accounts_by_hand():
    # shares before each account: 0, .50, .70, .85, .95 -> A A A (.70 < .80) B (.85 < .95) C (.95 not < .95)
    assert assign_tiers(FIVE).tolist() == ["A", "A", "A", "B", "C"]


def test_pareto_share_exactly_at_cutoff_moves_to_next_tier():
    # 50 + 30 = 80 of 100: the 20 has exactly 80 % before it, which is not below 80 %
    assert assign_tiers([50, 30, 20]).tolist() == ["A", "A", "B"]


def test_pareto_cutoff_reached_despite_float_sums():
    # .59 + .21 = .80 by hand, but 0.59 + 0.21 over the float total is 0.7999999999999999:
    # the .12 must still be B (80 % before it), not A
    assert assign_tiers([0.21, 0.12, 0.59, 0.05, 0.03]).tolist() == ["A", "B", "A", "B", "C"]


def test_pareto_ties_share_a_tier():
    # 40, 20, 20, 20: before the tie group 40 % -> all three A, although 40+20+20 = 80 % already
    assert assign_tiers([20, 40, 20, 20]).tolist() == ["A", "A", "A", "A"]
    # 70, 10, 10, 10: tie group starts at 70 % < 80 % -> all A (a one-by-one count would give A A B B)
    assert assign_tiers([70, 10, 10, 10]).tolist() == ["A"] * 4


def test_pareto_all_equal_is_one_tier():
    assert set(assign_tiers([7.5] * 9)) == {"A"}


def test_zero_negative_missing_get_last_label():
    revenue = [100, 0, -20, np.nan, None]
    assert assign_tiers(revenue).tolist() == ["A", "D", "D", "D", "D"]


def test_shares_are_of_positive_revenue_only():
    # the credit note -50 does not reduce the total: 60/100 before the 40 -> A A, not A B
    assert assign_tiers([60, 40, -50]).tolist() == ["A", "A", "D"]


def test_one_account_is_a():
    assert assign_tiers([123.0]).tolist() == ["A"]


def test_no_positive_revenue_gives_all_last_label():
    assert assign_tiers([0, -1, np.nan]).tolist() == ["D", "D", "D"]


def test_empty_input_gives_empty_labels():
    result = assign_tiers([])
    assert result.shape == (0,) and result.dtype == object


def test_huge_revenues_do_not_overflow():
    assert assign_tiers([5e12, 2e12, 1.5e12, 1e12, 0.5e12]).tolist() == ["A", "A", "A", "B", "C"]


def test_custom_cutoffs_and_labels():
    # one cutoff 0.5: before-shares 0, .5, ... -> Top, Rest, Rest, Rest, Rest
    result = assign_tiers(FIVE, cutoffs=[0.5], labels=["Top", "Rest", "None"])
    assert result.tolist() == ["Top", "Rest", "Rest", "Rest", "Rest"]


def test_labels_are_strings_in_an_object_array():
    result = assign_tiers(FIVE, labels=(1, 2, 3, 4))
    assert result.dtype == object and result.tolist() == ["1", "1", "1", "2", "3"]


def test_pandas_series_with_missing_values():
    revenue = pd.Series([50, None, 20], dtype="Float64")
    assert assign_tiers(revenue).tolist() == ["A", "D", "A"]


# --- rank ---------------------------------------------------------------------------------


def test_rank_five_accounts_by_hand():
    # accounts before: 0/5, 1/5, 2/5, 3/5, 4/5 -> A, B (.2 not < .2), B (.4 < .5), C, C
    assert assign_tiers(FIVE, method="rank").tolist() == ["A", "B", "B", "C", "C"]


def test_rank_ignores_zero_revenue_accounts_in_the_count():
    # 5 positive accounts as above plus 5 zero: shares are still out of 5
    assert assign_tiers(FIVE + [0] * 5, method="rank").tolist() == ["A", "B", "B", "C", "C"] + ["D"] * 5


def test_rank_ties_take_the_best_rank_of_the_group():
    # 9, 5, 5, 5, 1: the 5s start at 1/5 = .2 -> all B; the 1 has 4/5 before -> C
    assert assign_tiers([5, 9, 5, 1, 5], method="rank").tolist() == ["B", "A", "B", "C", "B"]


# --- threshold ----------------------------------------------------------------------------


def test_threshold_bounds_are_inclusive():
    revenue = [1e6, 999_999.99, 1e5, 99_999, 0.01, 0, -5]
    assert assign_tiers(revenue, method="threshold", cutoffs=(1e6, 1e5)).tolist() == ["A", "B", "B", "C", "C", "D", "D"]


def test_threshold_needs_bounds():
    with pytest.raises(SegmenterInputError, match="threshold method needs revenue bounds"):
        assign_tiers(FIVE, method="threshold")


def test_threshold_bounds_must_be_positive():
    with pytest.raises(SegmenterInputError, match="above 0"):
        assign_tiers(FIVE, method="threshold", cutoffs=(10, 0))


# --- validation ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"method": "abc"}, "unknown tier method"),
        ({"cutoffs": (0.95, 0.8)}, "strictly increasing"),
        ({"cutoffs": (0.8, 1.2)}, "between 0 and 1"),
        ({"cutoffs": (0.0, 0.5)}, "between 0 and 1"),
        ({"labels": ("A", "B", "C")}, "4 tier labels needed"),
        ({"labels": ("A", "A", "C", "D")}, "distinct"),
        ({"method": "threshold", "cutoffs": (1e5, 1e6)}, "strictly decreasing"),
        ({"method": "computed", "cutoffs": (0.8, 0.95)}, "finds its own cutoffs"),
        ({"cutoffs": ("eighty", 0.95)}, "expected a number"),
    ],
)
def test_bad_arguments_raise(kwargs, message):
    with pytest.raises(SegmenterInputError, match=message):
        assign_tiers(FIVE, **kwargs)


def test_text_revenue_raises():
    with pytest.raises(SegmenterInputError, match="expected numbers"):
        assign_tiers(["a lot", 5])


def test_infinite_revenue_raises():
    with pytest.raises(SegmenterInputError, match="infinite"):
        assign_tiers([1.0, np.inf])


def test_tier_codes_match_labels():
    # three cutoffs, no labels needed: before-shares 0, .5, .7, .85, .95 -> 0, 1, 1, 2, 3; zero -> 4
    assert tier_codes(FIVE + [0], cutoffs=(0.5, 0.8, 0.9)).tolist() == [0, 1, 1, 2, 3, 4]
    assert tier_codes([0, 1], method="computed").tolist() == [3, 1]


# --- computed ABC -------------------------------------------------------------------------


def test_fmm_spline_has_the_end_third_derivative_of_the_cubic_through_four_points():
    rng = np.random.default_rng(3)
    x = np.sort(rng.random(8))
    y = rng.random(8)
    spline = _fmm_spline(x, y)
    np.testing.assert_allclose(spline(x), y, atol=1e-12)
    # third derivative of the cubic through four points = 6 x its leading coefficient
    left, right = np.polyfit(x[:4], y[:4], 3)[0], np.polyfit(x[-4:], y[-4:], 3)[0]
    third = spline.derivative(3)
    np.testing.assert_allclose(third(x[0]), 6 * left, rtol=1e-8)
    np.testing.assert_allclose(third(x[-1] - 1e-12), 6 * right, rtol=1e-8)


def test_fmm_spline_of_three_points_is_the_parabola():
    # through (0,0), (1,1), (2,4): y = x^2 exactly
    spline = _fmm_spline(np.array([0.0, 1.0, 2.0]), np.array([0.0, 1.0, 4.0]))
    np.testing.assert_allclose(spline(np.array([0.5, 1.5])), [0.25, 2.25], atol=1e-12)


def test_computed_abc_three_accounts_by_hand():
    # revenues 6, 3, 1 -> knots (0,0) (1/3,.6) (2/3,.9) (1,1). With four knots the fmm spline is the
    # cubic through them; in t = 3x (Newton forward differences .6, -.3, .1):
    #   y = .6t - .15 t(t-1) + t(t-1)(t-2)/60,   slope dy/dx = 3(.75 - .4t + .05t^2) + ... = 1 at t = 4 - sqrt(7)
    # Pareto point: min x^2 + (1-y)^2 on the 0.01 grid at x = .39, y(.39) = .66941355
    # Break-even: x* = (4 - sqrt 7)/3 = .4514; slopes sit at k/101, nearest k = 46 (.4554) -> grid point .45
    # .39 < .45 so A|B is the Pareto point; submarginal nearest (.45, 1) -> x = .57
    # values: round(.39*3) = 1 -> 6 (A: above 6, none); round(.57*3) = 2 -> 3 (C: below 3)
    abc = computed_abc([3, 1, 6])
    assert abc.pareto_point == pytest.approx((0.39, 0.66941355))
    assert abc.break_even_point[0] == pytest.approx(0.45)
    assert abc.submarginal_point[0] == pytest.approx(0.57)
    assert (abc.ab_effort, abc.bc_effort) == pytest.approx((0.39, 0.57))
    assert (abc.ab_value, abc.bc_value) == (6.0, 3.0)
    # Gini: 200 x trapezoid area of the cubic on the grid - 100; exact integral 2.0625/3 gives 37.5
    x = np.arange(101) / 100
    t = 3 * x
    y = 0.6 * t - 0.15 * t * (t - 1) + t * (t - 1) * (t - 2) / 60
    assert abc.gini_pct == pytest.approx(200 * np.trapezoid(y, x) - 100)
    assert abc.gini_pct == pytest.approx(37.5, abs=0.01)
    assert assign_tiers([3, 1, 6], method="computed").tolist() == ["B", "C", "B"]


def test_computed_abc_counts_missing_and_negative_as_zero_on_the_curve():
    # a zero, a NaN and a credit note are three accounts with no yield: same curve as 6, 3, 1, 0, 0, 0
    assert computed_abc([6, 3, 1, 0, np.nan, -4]) == computed_abc([6, 3, 1, 0, 0, 0])
    assert assign_tiers([6, 3, 1, 0, np.nan, -4], method="computed")[3:].tolist() == ["D", "D", "D"]


def test_computed_abc_uses_fine_grid_from_101_accounts():
    revenue = np.arange(1, 102, dtype=float)
    abc = computed_abc(revenue)
    # grid step 0.001: efforts are multiples of 1/1000, not all of 1/100
    assert round(abc.ab_effort * 1000) == pytest.approx(abc.ab_effort * 1000)
    assert 0 < abc.ab_effort <= abc.bc_effort < 1


def test_computed_abc_without_positive_revenue_raises():
    with pytest.raises(SegmenterInputError, match="no account has a positive revenue"):
        computed_abc([0, -1, np.nan])
    with pytest.raises(SegmenterInputError):
        computed_abc([])


def test_computed_abc_on_skewed_data_has_three_nonempty_tiers():
    rng = np.random.default_rng(11)
    revenue = np.round(rng.lognormal(8, 1.5, 2000), 0)
    labels = assign_tiers(revenue, method="computed")
    counts = pd.Series(labels).value_counts()
    assert counts["A"] < counts["B"] + counts["C"] and set(counts.index) == {"A", "B", "C"}
    abc = computed_abc(revenue)
    assert (revenue[labels == "A"] > abc.ab_value).all() and (revenue[labels == "C"] < abc.bc_value).all()


def test_cdnow_spend_per_customer_tiers(cdnow_raw):
    spend = cdnow_raw.groupby("customer")["amount"].sum().to_numpy()
    pareto = assign_tiers(spend)
    a_share = spend[pareto == "A"].sum() / spend[spend > 0].sum()
    b_and_a_share = spend[np.isin(pareto, ["A", "B"])].sum() / spend[spend > 0].sum()
    # tier A is the smallest top set reaching 80 %: removing its smallest member drops below 80 %
    assert a_share >= 0.8 and a_share - spend[pareto == "A"].min() / spend[spend > 0].sum() < 0.8
    assert b_and_a_share >= 0.95
    assert set(assign_tiers(spend, method="computed")) <= {"A", "B", "C", "D"}


# --- properties ---------------------------------------------------------------------------

revenues = st.lists(
    st.one_of(
        st.floats(min_value=-1e6, max_value=1e9, allow_nan=False),
        st.sampled_from([0.0, 100.0, 250.0, float("nan")]),  # ties, zeros and blanks
    ),
    min_size=1,
    max_size=60,
)
methods = st.sampled_from([("pareto", None), ("rank", None), ("threshold", (1e5, 1e3)), ("computed", None)])


@settings(max_examples=150, deadline=None)
@given(revenues, methods)
def test_higher_revenue_never_gets_a_later_tier(revenue, method):
    name, cutoffs = method
    values = np.nan_to_num(np.asarray(revenue, dtype=float), nan=-1.0)
    codes = tier_codes(revenue, name, cutoffs)
    order = np.argsort(values, kind="stable")
    assert np.all(np.diff(codes[order]) <= 0)


@settings(max_examples=150, deadline=None)
@given(revenues, methods)
def test_equal_revenues_share_a_tier(revenue, method):
    name, cutoffs = method
    codes = tier_codes(revenue, name, cutoffs)
    frame = pd.DataFrame({"revenue": revenue, "code": codes}).dropna()
    assert (frame.groupby("revenue")["code"].nunique() == 1).all()


@settings(max_examples=150, deadline=None)
@given(revenues, methods, st.randoms(use_true_random=False))
def test_tiers_do_not_depend_on_input_order(revenue, method, random):
    name, cutoffs = method
    permutation = list(range(len(revenue)))
    random.shuffle(permutation)
    shuffled = [revenue[i] for i in permutation]
    assert tier_codes(shuffled, name, cutoffs).tolist() == tier_codes(revenue, name, cutoffs)[permutation].tolist()


@settings(max_examples=150, deadline=None)
@given(st.lists(st.floats(min_value=0.01, max_value=1e9), min_size=1, max_size=60))
def test_pareto_tier_a_is_the_smallest_top_set_reaching_the_cutoff(revenue):
    values = np.asarray(revenue)
    codes = tier_codes(values)
    total = values.sum()
    in_a = codes == 0
    # A reaches 80 % (up to float sums), and without its smallest revenue group it would not
    assert values[in_a].sum() >= 0.8 * total * (1 - 1e-9)
    smallest = values[in_a].min()
    assert values[in_a & (values > smallest)].sum() < 0.8 * total * (1 + 1e-9)
