"""Pareto/NBD: the published CDNOW estimates, and every formula against an independent integral,
at the extremes where the Gaussian hypergeometric function and long horizons break naive code."""

from __future__ import annotations

from decimal import Decimal, localcontext

import numpy as np
import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st
from scipy import integrate, special, stats

from core.customers.pareto_nbd import (
    SERIES_MAX_Z,
    ParetoNBDModel,
    PreparedCustomers,
    _log_likelihood_parts,
    _log_likelihood_terms,
    hyp2f1_one,
    log_dead_term,
)
from core.errors import SegmenterInputError

PUBLISHED = {"r": 0.553, "alpha": 10.578, "s": 0.606, "beta": 11.669}
PUBLISHED_LL = -9595.0


def _fitted(r=0.553, alpha=10.578, s=0.606, beta=11.669) -> ParetoNBDModel:
    model = ParetoNBDModel()
    model.params_ = {"r": r, "alpha": alpha, "s": s, "beta": beta}
    return model


def _customers(x, t_x, T) -> PreparedCustomers:
    return PreparedCustomers(np.array([float(x)]), np.array([float(t_x)]), np.array([float(T)]))


@pytest.fixture(scope="module")
def cdnow_fit(cdnow_calibration) -> ParetoNBDModel:
    return ParetoNBDModel().fit(*cdnow_calibration)


def test_cdnow_fit_matches_published_parameters_within_1_percent(cdnow_fit):
    assert cdnow_fit.n_customers_ == 2357
    for name, published in PUBLISHED.items():
        assert cdnow_fit.params_[name] == pytest.approx(published, rel=0.01), name


def test_cdnow_log_likelihood_within_half_of_published(cdnow_fit):
    assert abs(cdnow_fit.log_likelihood_ - PUBLISHED_LL) < 0.5


def test_cdnow_standard_errors_are_positive_and_smaller_than_the_estimates(cdnow_fit):
    for name, value in cdnow_fit.params_.items():
        assert 0 < cdnow_fit.standard_errors_[name] < value, name


def _dead_integral(params, x, t_x, T):
    """s * integral over tau in (t_x, T] of (alpha+tau)^-(r+x) (beta+tau)^-(s+1): dropping out at tau.

    Scaled by the integrand at t_x so that quad sees numbers near 1; returns the log.
    """
    r, alpha, s, beta = params
    log_at_last = -(r + x) * np.log(alpha + t_x) - (s + 1) * np.log(beta + t_x)
    scaled = lambda tau: np.exp(-(r + x) * np.log(alpha + tau) - (s + 1) * np.log(beta + tau) - log_at_last)
    # integrate in u = log(1 + (tau - t_x)) so that long periods and sharp peaks both resolve
    value, _ = integrate.quad(
        lambda u: scaled(t_x + np.expm1(u)) * np.exp(u), 0, np.log1p(T - t_x), limit=500, epsabs=0, epsrel=1e-11
    )
    return np.log(s) + log_at_last + np.log(value)


@pytest.mark.parametrize(
    ("params", "x", "t_x", "T"),
    [
        ((0.553, 10.578, 0.606, 11.669), 0, 0.0, 38.86),  # CDNOW one-time buyer
        ((0.553, 10.578, 0.606, 11.669), 2, 30.43, 38.86),  # CDNOW customer 4
        ((0.553, 10.578, 0.606, 11.669), 300, 1.0, 2000.0),  # many purchases, long silence
        ((2.0, 1000.0, 0.5, 0.01), 5, 0.5, 60.0),  # alpha >> beta: z near 1
        ((2.0, 0.01, 0.5, 1000.0), 5, 0.5, 60.0),  # alpha << beta: the other branch
        ((1.0, 3.0, 1.0, 3.0), 4, 10.0, 20.0),  # alpha = beta: z = 0
        ((0.3, 5.0, 2.0, 50.0), 40, 100.0, 1e5),  # very large T
        ((0.553, 10.578, 0.606, 11.669), 3, 38.0, 38.0 + 1e-9),  # t_x at T: almost nothing to integrate
    ],
)
def test_dropout_term_matches_direct_integral_at_extremes(params, x, t_x, T):
    _, _, dead = _log_likelihood_parts(np.array(params), _customers(x, t_x, T))
    assert np.isfinite(dead[0])
    # the parts carry the likelihood's s ln beta in alive and dead (not in common)
    s, beta = params[2], params[3]
    assert dead[0] == pytest.approx(_dead_integral(params, x, t_x, T) + s * np.log(beta), abs=1e-7)


def test_dead_term_is_minus_infinity_when_t_x_equals_T():
    _, _, dead = _log_likelihood_parts(np.array([0.5, 10.0, 0.6, 12.0]), _customers(2, 5.0, 5.0))
    assert dead[0] == -np.inf


def test_log_dead_term_at_equal_rates_is_a_plain_power():
    params = np.array([0.5, 4.0, 1.5, 4.0])
    value = log_dead_term(params, np.array([3.0]), np.array([6.0]))[0]
    assert value == pytest.approx(-(0.5 + 1.5 + 3) * np.log(10.0), rel=1e-12)


def test_probability_alive_matches_the_integral_form():
    params = (0.553, 10.578, 0.606, 11.669)
    r, alpha, s, beta = params
    x, t_x, T = 2, 30.43, 38.86
    log_alive = -(r + x) * np.log(alpha + T) - s * np.log(beta + T)
    expected = 1 / (1 + np.exp(_dead_integral(params, x, t_x, T) - log_alive))
    assert _fitted().probability_alive(x, t_x, T)[0] == pytest.approx(expected, rel=1e-9)


def test_one_time_buyer_loses_probability_alive_with_time():
    alive = _fitted().probability_alive([0, 0, 0], [0, 0, 0], [1.0, 20.0, 80.0])
    assert 1 > alive[0] > alive[1] > alive[2] > 0


def _mean_lifetime_share(s, scale, t):
    """E[(1 - e^(-mu t)) / mu] for mu ~ Gamma(s, rate = scale), by quadrature."""
    density = stats.gamma(s, scale=1 / scale).pdf
    value, _ = integrate.quad(lambda mu: -np.expm1(-mu * t) / mu * density(mu), 0, np.inf, limit=500)
    return value


@pytest.mark.parametrize("t", [1.0, 39.0, 520.0])
def test_unconditional_expectation_matches_integral_over_dropout_rate(t):
    # E[X(t) | lambda, mu] = lambda (1 - e^(-mu t)) / mu; E[lambda] = r / alpha
    r, alpha, s, beta = PUBLISHED.values()
    expected = r / alpha * _mean_lifetime_share(s, beta, t)
    assert _fitted().expected_purchases_new(t) == pytest.approx(expected, rel=1e-7)


@pytest.mark.parametrize(
    ("x", "t_x", "T", "t"), [(2, 30.43, 38.86, 39.0), (0, 0.0, 38.86, 39.0), (60, 38.0, 38.86, 2000.0)]
)
def test_conditional_expectation_matches_posterior_integral(x, t_x, T, t):
    # Alive at T, the posterior rates are lambda ~ Gamma(r+x, alpha+T), mu ~ Gamma(s, beta+T), independent.
    r, alpha, s, beta = PUBLISHED.values()
    model = _fitted()
    expected = (r + x) / (alpha + T) * _mean_lifetime_share(s, beta + T, t) * model.probability_alive(x, t_x, T)[0]
    assert model.expected_purchases(t, x, t_x, T)[0] == pytest.approx(expected, rel=1e-7)


def test_large_horizons_grow_like_t_to_the_power_1_minus_s():
    # for s < 1 the expected purchases have no ceiling: E[X(t)] ~ C t^(1-s)
    model = _fitted()
    far = model.expected_purchases_new(np.array([1e6, 1e8, 1e10]))
    assert np.all(np.isfinite(far)) and np.all(np.diff(far) > 0)
    exponent = np.log(far[2] / far[1]) / np.log(100)
    assert exponent == pytest.approx(1 - 0.606, abs=1e-3)


def test_s_equal_to_1_is_the_limit_of_nearby_s():
    at_one = _fitted(s=1.0).expected_purchases(52, 3, 20.0, 30.0)[0]
    assert at_one == pytest.approx(_fitted(s=1.0 + 1e-7).expected_purchases(52, 3, 20.0, 30.0)[0], rel=1e-6)
    assert at_one == pytest.approx(_fitted(s=1.0 - 1e-7).expected_purchases(52, 3, 20.0, 30.0)[0], rel=1e-6)


def test_fit_refuses_data_where_nobody_drops_out():
    # everyone buys every week up to the end: s -> 0 or beta -> infinity
    frequency = [10] * 30
    with pytest.raises(SegmenterInputError, match="0 or infinity"):
        ParetoNBDModel().fit(frequency, [10.0] * 30, [10.0] * 30)


def _exact_log_hyp2f1_one(c: float, d: float, z: float) -> float:
    """ln 2F1(1, c; d; z) by its plain series in 60-digit decimals, summed until a term is below 1e-45 of the sum."""
    with localcontext() as context:
        context.prec = 60
        c_, d_, z_ = Decimal(c), Decimal(d), Decimal(z)
        total = term = Decimal(1)
        n = 0
        while term > Decimal("1e-45") * total:
            term = term * (c_ + n) / (d_ + n) * z_
            total += term
            n += 1
        return float(total.ln())


@settings(max_examples=150)
@given(c=st.floats(0.01, 60), gap=st.floats(0.01, 60), z=st.floats(0.0, 0.995))
@example(c=42.0, gap=6.0, z=0.90625)  # handed to scipy (d - c - 1 whole): 1.4e-12 from the exact sum
def test_hyp2f1_series_equals_exact_sum_and_scipy(c, gap, z):
    d = c + gap
    exact = _exact_log_hyp2f1_one(c, d, z)
    ours = float(hyp2f1_one(c, d, z))
    scipy_value = float(np.log(special.hyp2f1(1.0, c, d, z)))
    # the series and the connection formula are ours, to 1e-12 of the exact sum; where hyp2f1_one
    # hands the value to scipy (above SERIES_MAX_Z, d - c - 1 near a whole number or many
    # purchases) it is scipy's, exactly, and scipy's own accuracy (a few 1e-12) is what it has
    e = d - c - 1
    handed = z > SERIES_MAX_Z and (abs(e - round(e)) < 0.01 or (1 - z) * (c + max(e, 0)) >= 0.5)
    if handed:
        assert ours == scipy_value
        assert ours == pytest.approx(exact, rel=1e-11, abs=1e-11)
    else:
        assert ours == pytest.approx(exact, rel=1e-12, abs=1e-12)
    assert ours == pytest.approx(scipy_value, rel=1e-9, abs=1e-9)


@settings(max_examples=150)
@given(c=st.floats(0.01, 30), gap=st.floats(0.01, 30), log_w=st.floats(np.log(1e-6), np.log(1 - SERIES_MAX_Z)))
def test_hyp2f1_near_one_equals_scipy(c, gap, log_w):
    # the connection formula to 1 - z (or scipy where it would cancel) against scipy's own value,
    # where scipy has one (it returns inf for some: c = 0.01, d = 2.01; the test below covers those)
    d, z = c + gap, 1 - np.exp(log_w)
    reference = float(np.log(special.hyp2f1(1.0, c, d, z)))
    assume(np.isfinite(reference))
    assert float(hyp2f1_one(c, d, z)) == pytest.approx(reference, rel=1e-9)


@pytest.mark.parametrize("c, gap", [(0.01, 2.0), (0.01, 3.0), (0.5, 2.0)])
@pytest.mark.parametrize("w", [1e-6, 1e-9, 1e-12])
def test_hyp2f1_near_one_is_right_or_has_no_value(c, gap, w):
    # where scipy has no value (inf at c = 0.01, d = 2.01) ours has none either (NaN: the fit treats
    # it as impossible) or the right one. d - c - 1 = e >= 1: 2F1(1, c; d; 1) = (d - 1) / e (Gauss),
    # and 2F1(1, c; d; 1 - w) is below it by sum q_n (1 - (1-w)^n) <= sum q_n min(1, n w) with
    # q_n <= c (c+1) / n^2: at most the bound below
    d = c + gap
    e = d - c - 1
    value = float(np.exp(hyp2f1_one(c, d, 1 - w)))
    if np.isnan(value):
        assert not np.isfinite(special.hyp2f1(1.0, c, d, 1 - w)), "no value only where scipy has none"
        return
    limit = (d - 1) / e
    assert value <= limit * (1 + 1e-12)
    assert limit - value <= 4 * c * (d - 1) / e * w * (1 + np.log(1 / w))


@settings(max_examples=100)
@given(c=st.floats(0.05, 30), gap=st.floats(0.05, 30), z=st.floats(0.0, 0.9999))
@example(c=0.95, gap=0.05, z=0.9375)  # d = 1 in the connection formula: was 0 x infinity (found by CI)
def test_hyp2f1_derivatives_match_differences_of_the_value(c, gap, z):
    d = c + gap
    _, d_c, d_d, d_z = hyp2f1_one(c, d, z, derivatives=True)
    h = 1e-6
    by_c = (hyp2f1_one(c * (1 + h), d, z) - hyp2f1_one(c * (1 - h), d, z)) / (2 * h * c)
    by_d = (hyp2f1_one(c, d * (1 + h), z) - hyp2f1_one(c, d * (1 - h), z)) / (2 * h * d)
    step = 1e-4 * min(1 - z, 0.5)  # wider than h: scipy, used where d - c - 1 is near 0, is good to about 1e-11
    by_z = (hyp2f1_one(c, d, z + step) - hyp2f1_one(c, d, max(z - step, 0.0))) / (z + step - max(z - step, 0.0))
    for analytic, numeric in ((d_c, by_c), (d_d, by_d), (d_z, by_z)):
        assert float(analytic) == pytest.approx(float(numeric), rel=1e-4, abs=1e-6)


@pytest.mark.parametrize("z", [SERIES_MAX_Z])
def test_hyp2f1_is_continuous_where_the_method_changes(z):
    # series below SERIES_MAX_Z, connection formula above; d - c - 1 near a whole number goes to scipy
    for c, d in ((0.7, 2.04), (1.2, 3.5), (1.0, 2.0 + 0.0101), (1.0, 2.0 + 0.0099)):
        below, above = hyp2f1_one(c, d, z * (1 - 1e-13)), hyp2f1_one(c, d, z * (1 + 1e-13))
        assert float(above) == pytest.approx(float(below), rel=1e-11)


@pytest.mark.parametrize(
    "params",
    [
        (0.553, 10.578, 0.606, 11.669),
        (2.0, 1000.0, 0.5, 0.01),
        (2.0, 0.01, 0.5, 1000.0),
        (1.3, 18.0, 1e-4, 7e4),
        (1.0, 3.0, 1.0, 3.0),
    ],
)
def test_log_likelihood_gradient_matches_finite_differences(params):
    rng = np.random.default_rng(5)
    x = rng.integers(0, 30, 300).astype(float)
    age = rng.uniform(1, 100, 300)
    recency = np.where(x > 0, age * rng.uniform(0.01, 1, 300), 0.0)
    recency[:3], x[:3] = age[:3], np.maximum(x[:3], 1)  # last purchase on the last day: no drop-out possible
    customers = PreparedCustomers(x, recency, age)
    params = np.array(params)
    _, gradient = _log_likelihood_terms(params, customers)
    for i in range(4):
        step = np.zeros(4)
        step[i] = 1e-6
        up, _ = _log_likelihood_terms(params * np.exp(step), customers)
        down, _ = _log_likelihood_terms(params * np.exp(-step), customers)
        assert gradient[:, i] == pytest.approx((up - down) / 2e-6, rel=1e-5, abs=1e-7)


def test_prepared_customers_look_up_each_pair():
    x, recency, age = np.array([3.0, 0.0, 3.0, 3.0]), np.array([2.5, 0.0, 2.5, 4.0]), np.array([4.0, 4.0, 6.0, 4.0])
    prepared = PreparedCustomers(x, recency, age)
    assert prepared.pair_x[prepared.at_last].tolist() == x.tolist()
    assert prepared.pair_t[prepared.at_last].tolist() == recency.tolist()
    assert prepared.pair_t[prepared.at_end].tolist() == age.tolist()
    assert len(prepared.pair_x) == 5  # (0, 0), (0, 4), (3, 2.5), (3, 4), (3, 6)
