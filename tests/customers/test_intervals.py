"""Intervals of expected purchases and model CLV: coverage on simulated lists, an independent
recomputation of the draws, and the CDNOW holdout total against its range."""

import warnings

import numpy as np
import pandas as pd
import pytest

from core.customers.bgnbd import BetaGeoModel
from core.customers.fitting import FitResult
from core.customers.gamma_gamma import GammaGammaModel
from core.customers.intervals import (
    QUANTILES,
    SEED,
    _Horizon,
    _row_quantiles,
    clv_intervals,
    draw_parameters,
    total_interval,
)
from core.customers.model_clv import AverageSpend, _discounted_purchases
from core.customers.pareto_nbd import ParetoNBDModel
from core.errors import SegmenterInputError

TRUE = {"r": 0.6, "alpha": 4.0, "a": 0.7, "b": 2.5}
SPEND = {"p": 6.25, "q": 3.74, "v": 15.44}
WEEKLY = 1.1 ** (7 / 365.25) - 1


def simulate(customers, rng):
    """(x, t_x, T, mean repeat spend) in weeks from TRUE and SPEND, dates in whole days.

    Ages of 26-52 whole weeks (customers joining on a weekly cycle: fewer distinct ages keep the
    200 lists fast), recency in whole days; rate lambda ~ Gamma(r, 1/alpha), drop-out
    p ~ Beta(a, b); N ~ Poisson(lambda T)
    purchases in (0, T] if alive throughout, J ~ Geometric(p) repeat purchases before dropping out,
    x = min(N, J); the x-th of N uniform purchase times is T * Beta(x, N - x + 1). Spend per purchase
    ~ Gamma(p, nu), nu ~ Gamma(q, v): the mean of x purchases is Gamma(p x, nu x).
    """
    age_days = 7 * (52 - rng.integers(0, 27, customers))
    rate = rng.gamma(TRUE["r"], 1 / TRUE["alpha"], customers)
    dropout = rng.beta(TRUE["a"], TRUE["b"], customers)
    n = rng.poisson(rate * age_days / 7)
    x = np.minimum(n, rng.geometric(dropout))
    repeat = x > 0
    recency_days = np.zeros(customers)
    recency_days[repeat] = np.clip(
        np.round(age_days[repeat] * rng.beta(x[repeat], n[repeat] - x[repeat] + 1)), 1, age_days[repeat]
    )
    nu = rng.gamma(SPEND["q"], 1 / SPEND["v"], customers)
    spend = np.where(repeat, rng.gamma(SPEND["p"] * np.maximum(x, 1), 1 / (nu * np.maximum(x, 1))), 0.0)
    return x.astype(float), recency_days / 7, age_days / 7, spend


def fitted(x, t_x, T, spend):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return BetaGeoModel().fit(x, t_x, T), GammaGammaModel().fit(x[x > 0], spend[x > 0])


def test_80_percent_intervals_of_the_totals_cover_the_truth_in_70_to_90_percent_of_200_lists():
    """The truth is each list's total under the true parameters, given its customers' histories."""
    truth_purchases, truth_spend = BetaGeoModel(), GammaGammaModel()
    truth_purchases.params_, truth_spend.params_ = TRUE, SPEND
    horizon, lists = 2, 200
    covered = np.zeros(2)
    for k in range(lists):
        x, t_x, T, spend = simulate(1000, np.random.default_rng(k))
        purchases_model, spend_model = fitted(x, t_x, T, spend)
        discounted, total = _discounted_purchases(truth_purchases, x, t_x, T, horizon, WEEKLY)
        true_clv = float(discounted @ truth_spend.expected_avg_spend(x, spend))
        result = clv_intervals(
            purchases_model, spend_model, x, t_x, T, spend, 1.0, horizon=horizon, unit_discount=WEEKLY, draws=100
        )
        whole = result.totals.iloc[0]
        covered += [
            whole["expected_purchases_p10"] <= total.sum() <= whole["expected_purchases_p90"],
            whole["model_clv_p10"] <= true_clv <= whole["model_clv_p90"],
        ]
    coverage = covered / lists
    assert np.all((coverage >= 0.70) & (coverage <= 0.90)), coverage


@pytest.fixture(scope="module")
def small_list():
    x, t_x, T, spend = simulate(600, np.random.default_rng(99))
    purchases_model, spend_model = fitted(x, t_x, T, spend)
    tiers = np.array(["A", "B", "C"])[np.random.default_rng(1).integers(0, 3, x.size)]
    margin = np.where(np.arange(x.size) % 50 == 0, np.nan, 0.3)
    return x, t_x, T, spend, purchases_model, spend_model, tiers, margin


def test_draws_recomputed_by_the_point_route_give_the_same_quantiles(small_list):
    """Redo every draw with model_clv's own per-period sum over the customers, then take the quantiles."""
    x, t_x, T, spend, purchases_model, spend_model, tiers, margin = small_list
    horizon, draws = 30, 40
    result = clv_intervals(
        purchases_model,
        spend_model,
        x,
        t_x,
        T,
        spend,
        margin,
        horizon=horizon,
        unit_discount=WEEKLY,
        groups={"Tier": tiers},
        draws=draws,
    )
    rng = np.random.default_rng(SEED)
    purchase_draws = draw_parameters(purchases_model._fit, draws, rng)
    spend_draws = draw_parameters(spend_model._fit, draws, rng)
    totals = {"purchases": [], "clv": [], "tier B clv": []}
    per_customer = []
    for (r, alpha, a, b), (p, q, v) in zip(purchase_draws, spend_draws):
        model = BetaGeoModel()
        model.params_ = {"r": r, "alpha": alpha, "a": a, "b": b}
        discounted, total = _discounted_purchases(model, x, t_x, T, horizon, WEEKLY)
        clv = discounted * (v + spend * x) * p / (p * x + q - 1) * margin
        totals["purchases"].append(total.sum())
        totals["clv"].append(np.nansum(clv))
        totals["tier B clv"].append(np.nansum(clv[tiers == "B"]))
        per_customer.append(clv)
    whole = result.totals.iloc[0]
    tier_b = result.totals[(result.totals["grouping"] == "Tier") & (result.totals["group"] == "B")].iloc[0]
    for got, values in (
        ([whole[f"expected_purchases_{s}"] for s in ("p10", "p50", "p90")], totals["purchases"]),
        ([whole[f"model_clv_{s}"] for s in ("p10", "p50", "p90")], totals["clv"]),
        ([tier_b[f"model_clv_{s}"] for s in ("p10", "p50", "p90")], totals["tier B clv"]),
    ):
        assert got == pytest.approx(np.quantile(values, QUANTILES), rel=1e-5)
    expected = np.quantile(np.array(per_customer), QUANTILES, axis=0).T
    got = result.customers[["model_clv_p10", "model_clv_p50", "model_clv_p90"]].to_numpy()
    known = np.isfinite(margin)
    assert got[known] == pytest.approx(expected[known], rel=1e-5)
    assert np.isnan(got[~known]).all()  # no margin, no value: blank, as the point figure


def test_a_group_total_is_not_the_sum_of_its_customers_p10(small_list):
    x, t_x, T, spend, purchases_model, spend_model, tiers, margin = small_list
    result = clv_intervals(purchases_model, spend_model, x, t_x, T, spend, 1.0, horizon=13, unit_discount=WEEKLY)
    whole = result.totals.iloc[0]
    assert whole["model_clv_p10"] > result.customers["model_clv_p10"].sum()
    assert whole["model_clv_p90"] < result.customers["model_clv_p90"].sum()
    assert whole["model_clv_p10"] < whole["model_clv_p50"] < whole["model_clv_p90"]


def test_without_uncertainty_every_quantile_is_the_point_figure(small_list):
    x, t_x, T, spend, purchases_model, _, tiers, _ = small_list
    certain = BetaGeoModel()
    certain.params_ = purchases_model.params_
    certain._fit = FitResult(dict(purchases_model.params_), {}, 0.0, 1.0, log_covariance=np.zeros((4, 4)))
    average = AverageSpend(40.0, "test")
    discounted, total = _discounted_purchases(certain, x, t_x, T, 20, WEEKLY)
    result = clv_intervals(
        certain,
        average,
        x,
        t_x,
        T,
        spend,
        0.5,
        horizon=20,
        unit_discount=WEEKLY,
        groups={"Tier": tiers},
        point_purchases=total,
        point_clv=discounted * 40 * 0.5,
        draws=5,
    )
    for column in ("expected_purchases", "model_clv"):
        for suffix in ("p10", "p50", "p90"):
            assert result.totals[f"{column}_{suffix}"].to_numpy() == pytest.approx(
                result.totals[column].to_numpy(), rel=1e-6
            )
    assert result.customers["expected_purchases_p50"].to_numpy() == pytest.approx(total, rel=1e-6)
    assert "spend per purchase taken as known" in result.note


@pytest.mark.parametrize(
    "model_class, unit_days, horizon", [(BetaGeoModel, 7, 52), (BetaGeoModel, 1, 365), (ParetoNBDModel, 7, 104)]
)
def test_interpolated_period_sums_match_the_exact_ones(small_list, model_class, unit_days, horizon):
    x, t_x, T, *_ = small_list
    scale = 7 / unit_days
    model = model_class().fit(x, t_x * scale, T * scale)
    params = np.array([model.params_[n] for n in model.parameter_names])
    factors = (1.1 ** (unit_days / 365.25)) ** -np.arange(1, horizon + 1, dtype=float)
    pairs = np.unique(np.column_stack([x, T * scale]), axis=0)
    sums = _Horizon(model, pairs[:, 0], pairs[:, 1], horizon, factors, params)
    assert sums.nodes is not None  # the shortcut was taken
    other = params * np.exp(np.random.default_rng(3).normal(0, 0.2, params.size))  # a draw far from the fit
    assert sums(other) == pytest.approx(sums._exact(other), rel=1e-6)


def test_cdnow_holdout_total_against_its_range(cdnow_calibration, cdnow_raw):
    """BG/NBD on CDNOW's 39-week calibration: the 80 % range of the 39-week holdout total is
    1,568 to 1,766 repeat purchase days; 1,882 happened, 116 (6.6 %) above the range. The range
    is the parameters' uncertainty only; the miss is the model's under-prediction of light buyers
    (docs/customer-models.md: 0.52 predicted against 0.70 actual for one calibration repeat purchase)."""
    x, t_x, T = cdnow_calibration
    model = BetaGeoModel().fit(x, t_x, T)
    p10, p50, p90 = total_interval(model, 39, x, t_x, T)
    assert (p10, p50, p90) == pytest.approx((1568, 1669, 1766), abs=3)
    days = cdnow_raw.drop_duplicates(["customer", "date"])
    actual = int((days["date"] > pd.Timestamp("1997-09-30")).sum())
    assert actual == 1882
    assert actual > p90 and (actual - p90) / p90 == pytest.approx(0.066, abs=0.003)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("draws", [100, 200, 37])
def test_row_quantiles_of_sorted_rows_are_numpys_of_the_rows_as_drawn(dtype, draws):
    """The per-customer quantiles are taken on rows sorted first: the same numbers, to the bit,
    as numpy's quantiles of the rows in draw order (ties, subnormal, negative and NaN values included)."""
    rng = np.random.default_rng(8)
    values = rng.gamma(0.8, 3.0, (3_000, draws)).astype(dtype)
    values[:500] *= np.where(rng.random((500, draws)) < 0.5, -1, 1)  # both signs
    values[500:600] = np.round(values[500:600])  # many ties
    values[600:700] = dtype(1e-42) if dtype is np.float32 else 1e-310  # subnormal (tiny P(alive) x E)
    values[700:710, 3] = np.nan
    expected = np.quantile(values, QUANTILES, axis=1).T
    found = _row_quantiles(values)
    assert found.dtype == expected.dtype and found.shape == (3_000, 3)
    assert np.array_equal(found, expected, equal_nan=True)
    assert np.isnan(found[700:710]).all() and not np.isnan(found[:700]).any()


def test_no_covariance_no_range():
    fit = FitResult({"r": 1.0}, {"r": np.nan}, -1.0, 10.0, note="standard errors not available: flat")
    with pytest.raises(SegmenterInputError, match="no range: standard errors not available"):
        draw_parameters(fit)
