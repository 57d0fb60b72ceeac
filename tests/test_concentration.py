"""Concentration: hand-computed figures, the exclusion rule, curves, summary, properties."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.concentration import (
    accounts_for_share,
    concentration_summary,
    gini,
    hhi_points,
    largest_share,
    pareto_curve,
    top_fraction_share,
    top_n_share,
)
from core.errors import SegmenterInputError

FIVE = [50, 20, 15, 10, 5]  # total 100: each revenue is its own percentage


def test_hhi_of_five_accounts_is_3250():
    # 50^2 + 20^2 + 15^2 + 10^2 + 5^2 = 2500 + 400 + 225 + 100 + 25
    assert hhi_points(FIVE) == pytest.approx(3250)


def test_hhi_of_two_equal_accounts_is_5000():
    assert hhi_points([7, 7]) == pytest.approx(5000)


def test_gini_of_five_accounts_by_hand():
    # ascending 5, 10, 15, 20, 50 with weights 2i - n - 1 = -4, -2, 0, 2, 4:
    # -20 - 20 + 0 + 40 + 200 = 200; G = 200 / (5 x 100) = 0.4; corrected x 5/4 = 0.5
    assert gini(FIVE) == pytest.approx(0.4)
    assert gini(FIVE, corrected=True) == pytest.approx(0.5)


def test_gini_of_one_account_with_everything():
    # 0, 0, 0, 100: weights -3, -1, 1, 3 -> 300 / (4 x 100) = 0.75 = (n-1)/n; corrected 1
    assert gini([0, 0, 0, 100]) == pytest.approx(0.75)
    assert gini([0, 0, 0, 100], corrected=True) == pytest.approx(1.0)


def test_top_shares_of_five_accounts():
    assert top_n_share(FIVE, 1) == pytest.approx(0.5)
    assert top_n_share(FIVE, 3) == pytest.approx(0.85)
    assert top_n_share(FIVE, 99) == 1.0
    assert largest_share(FIVE) == pytest.approx(0.5)
    # top 20 % of 5 = ceil(1.0) = 1 account; top 30 % = ceil(1.5) = 2 -> 70 %
    assert top_fraction_share(FIVE, 0.2) == pytest.approx(0.5)
    assert top_fraction_share(FIVE, 0.3) == pytest.approx(0.7)
    assert top_fraction_share(FIVE, 1.0) == 1.0


def test_top_fraction_rounds_before_the_ceiling():
    # 0.7 x 10 = 7.000000000000001 in floats; by hand the top 70 % of 10 accounts is 7 accounts
    revenue = list(range(10, 0, -1))  # total 55; top 7 = 10+...+4 = 49
    assert top_fraction_share(revenue, 0.7) == pytest.approx(49 / 55)


def test_accounts_for_80_percent_of_five_is_3():
    # 50, 70, 85 -> the third account reaches 80 %
    assert accounts_for_share(FIVE, 0.8) == (3, pytest.approx(0.6))
    # exactly reaching counts: 50 + 30 = 80 of 100 -> 2
    assert accounts_for_share([50, 30, 20], 0.8) == (2, pytest.approx(2 / 3))
    assert accounts_for_share(FIVE, 1.0) == (5, 1.0)


def test_all_equal_revenues():
    revenue = [40.0] * 8
    assert hhi_points(revenue) == pytest.approx(10000 / 8)
    assert gini(revenue) == pytest.approx(0, abs=1e-12)
    assert accounts_for_share(revenue, 0.8) == (7, pytest.approx(7 / 8))  # 6/8 = 75 % < 80 %, 7/8 reaches


def test_one_account():
    assert hhi_points([12.5]) == pytest.approx(10000)
    assert gini([12.5]) == 0.0
    assert top_n_share([12.5], 5) == 1.0
    with pytest.raises(SegmenterInputError, match="at least two"):
        gini([12.5], corrected=True)


def test_missing_and_negative_are_excluded_zero_counts():
    # usable: 50, 20, 15, 10, 5 and a 0 -> n = 6; HHI unchanged, Gini changes
    revenue = FIVE + [0, np.nan, -30]
    assert hhi_points(revenue) == pytest.approx(3250)
    # ascending 0, 5, 10, 15, 20, 50, weights -5, -3, -1, 1, 3, 5: -15 - 10 + 15 + 60 + 250 = 300; 300/600 = 0.5
    assert gini(revenue) == pytest.approx(0.5)
    summary = concentration_summary(revenue)
    assert (summary.accounts, summary.excluded_accounts, summary.negative_accounts) == (6, 2, 1)
    assert summary.total_revenue == pytest.approx(100)
    assert summary.flags[0] == "2 accounts left out: 1 with missing revenue, 1 with negative revenue (credit notes)"


@pytest.mark.parametrize("revenue", [[0, 0], [np.nan, -5], [], [0, -1, np.nan]])
def test_no_positive_revenue_raises(revenue):
    with pytest.raises(SegmenterInputError, match="no account has a positive revenue"):
        hhi_points(revenue)
    with pytest.raises(SegmenterInputError):
        concentration_summary(revenue)


def test_huge_revenues():
    revenue = np.array(FIVE, dtype=float) * 1e12
    assert hhi_points(revenue) == pytest.approx(3250)
    assert gini(revenue) == pytest.approx(0.4)
    assert concentration_summary(revenue).total_revenue == pytest.approx(1e14)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: top_n_share(FIVE, 0), "at least 1"),
        (lambda: top_n_share(FIVE, 1.5), "whole number"),
        (lambda: top_fraction_share(FIVE, 0), "above 0 %"),
        (lambda: top_fraction_share(FIVE, 1.2), "at most 100 %"),
        (lambda: accounts_for_share(FIVE, 0), "above 0 %"),
        (lambda: pareto_curve(FIVE, max_points=1), "at least 2"),
        (lambda: concentration_summary(FIVE, hhi_moderate=2000, hhi_high=1800), "HHI bands"),
        (lambda: hhi_points(["x", 1]), "expected numbers"),
    ],
)
def test_bad_arguments_raise(call, message):
    with pytest.raises(SegmenterInputError, match=message):
        call()


def test_pareto_curve_of_five_accounts():
    pareto = pareto_curve(FIVE)
    np.testing.assert_allclose(pareto["account_share"], [0, 0.2, 0.4, 0.6, 0.8, 1.0])
    np.testing.assert_allclose(pareto["revenue_share"], [0, 0.5, 0.7, 0.85, 0.95, 1.0])
    assert list(pareto.columns) == ["account_share", "revenue_share"]


def test_curves_are_downsampled_with_end_points():
    revenue = np.arange(1, 10_001, dtype=float)
    curve = pareto_curve(revenue, max_points=50)
    assert len(curve) <= 50
    assert curve.iloc[0].tolist() == [0.0, 0.0] and curve.iloc[-1].tolist() == [1.0, 1.0]
    assert curve["account_share"].is_monotonic_increasing
    # a sampled point is exact: the top 10 % of 1..10000 is 9001..10000
    point = pareto_curve(revenue, max_points=11).set_index("account_share")["revenue_share"]
    assert point.loc[0.1] == pytest.approx(sum(range(9001, 10001)) / sum(range(1, 10001)))


def test_summary_of_five_accounts():
    summary = concentration_summary(FIVE, top_ns=(1, 2))
    assert summary.top_n_shares == ((1, pytest.approx(0.5)), (2, pytest.approx(0.7)))
    assert (summary.top_fraction_accounts, summary.top_fraction_share) == (1, pytest.approx(0.5))
    assert (summary.accounts_for_share, summary.accounts_for_share_fraction) == (3, pytest.approx(0.6))
    assert summary.large_accounts == 3  # 50, 20, 15 are above 10 %; 10 is not above
    assert summary.hhi_band == "highly concentrated"
    assert summary.flags == (
        "3 accounts above 10 % of revenue: the largest is 50 %",
        "HHI 3,250 is above 1,800: highly concentrated (2023 US merger guidelines)",
        "3 accounts make 80 % of revenue (60 % of 5 accounts)",
    )
    frame = summary.to_frame()
    assert list(frame.columns) == ["measure", "value", "unit", "note"]
    assert set(frame["unit"]) <= {"share", "points", "accounts", "currency", "ratio"}
    assert frame.set_index("measure").loc["HHI", "value"] == pytest.approx(3250)


@pytest.mark.parametrize(
    "revenue, band",
    [
        ([1] * 20, "unconcentrated"),  # 10000/20 = 500
        ([1] * 8, "moderately concentrated"),  # 1250
        ([1] * 10, "moderately concentrated"),  # 1000 exactly: from 1,000 on is moderate
        ([1] * 5, "highly concentrated"),  # 2000
    ],
)
def test_hhi_bands(revenue, band):
    assert concentration_summary(revenue).hhi_band == band


def test_moderate_flag_and_one_account_wording():
    summary = concentration_summary([1] * 8, large_account_share=0.5, concentration_share=0.125)
    assert "HHI 1,250 is between 1,000 and 1,800: moderately concentrated" in summary.flags
    assert summary.flags[-1] == "1 account makes 12.5 % of revenue (12.5 % of 8 accounts)"


def test_summary_of_a_full_sheet_counts_every_account():
    # speed is measured by bench/bench_tiers.py, not here
    rng = np.random.default_rng(7)
    revenue = np.round(rng.lognormal(7, 1.8, 1_048_576), 0)
    summary = concentration_summary(revenue)
    assert summary.accounts == 1_048_576
    assert summary.hhi_points == pytest.approx(10_000 * np.sum((revenue / revenue.sum()) ** 2))


def test_cdnow_spend_concentration(cdnow_raw):
    spend = cdnow_raw.groupby("customer")["amount"].sum().to_numpy()
    summary = concentration_summary(spend)
    # independent route: pandas sort and cumulative sum
    ordered = pd.Series(spend[spend >= 0]).sort_values(ascending=False).reset_index(drop=True)
    share = ordered.cumsum() / ordered.sum()
    assert summary.accounts_for_share == int((share < 0.8).sum()) + 1
    assert summary.hhi_points == pytest.approx(((ordered / ordered.sum() * 100) ** 2).sum())


# --- properties ---------------------------------------------------------------------------

positive_lists = st.lists(st.floats(min_value=0, max_value=1e9), min_size=1, max_size=80).filter(
    lambda values: sum(values) > 0
)


@settings(max_examples=200, deadline=None)
@given(positive_lists)
def test_gini_between_0_and_1(revenue):
    value = gini(revenue)
    assert -1e-12 <= value < 1


@settings(max_examples=200, deadline=None)
@given(positive_lists)
def test_hhi_between_10000_over_n_and_10000(revenue):
    value = hhi_points(revenue)
    assert 10000 / len(revenue) * (1 - 1e-9) <= value <= 10000 * (1 + 1e-9)


@settings(max_examples=200, deadline=None)
@given(positive_lists, st.floats(min_value=0.01, max_value=1), st.floats(min_value=0.01, max_value=1))
def test_top_fraction_share_does_not_decrease(revenue, x, y):
    low, high = sorted((x, y))
    assert top_fraction_share(revenue, low) <= top_fraction_share(revenue, high) + 1e-12


@settings(max_examples=200, deadline=None)
@given(positive_lists)
def test_shares_sum_to_one(revenue):
    n = len(revenue)
    assert top_n_share(revenue, n) == pytest.approx(1)
    # the pareto curve's increments are the account shares; they add to 1 and are non-increasing
    increments = np.diff(pareto_curve(revenue, max_points=n + 1)["revenue_share"].to_numpy())
    assert increments.sum() == pytest.approx(1)
    assert np.all(np.diff(increments) <= 1e-12)
