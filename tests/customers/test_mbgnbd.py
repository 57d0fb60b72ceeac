"""MBG/NBD: the CDNOW estimates of BTYDplus (an independent implementation), and the formulas
against integrals over the drop-out probability."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import integrate, special, stats

from core.customers.mbgnbd import ModifiedBetaGeoModel, _log_likelihood_terms

#: R package BTYDplus, mbgnbd.EstimateParameters on the CDNOW calibration (weeks), as quoted in
#: lifetimes' test suite (test_params_out_is_close_to_BTYDplus, 3 decimals).
BTYDPLUS = {"r": 0.525, "alpha": 6.183, "a": 0.891, "b": 1.614}


def _fitted(r=0.525, alpha=6.183, a=0.891, b=1.614) -> ModifiedBetaGeoModel:
    model = ModifiedBetaGeoModel()
    model.params_ = {"r": r, "alpha": alpha, "a": a, "b": b}
    return model


@pytest.fixture(scope="module")
def cdnow_fit(cdnow_calibration) -> ModifiedBetaGeoModel:
    return ModifiedBetaGeoModel().fit(*cdnow_calibration)


def test_cdnow_fit_matches_btydplus_to_3_decimals(cdnow_fit):
    for name, value in BTYDPLUS.items():
        assert cdnow_fit.params_[name] == pytest.approx(value, abs=1.5e-3), name


def test_cdnow_likelihood_is_close_to_bgnbd(cdnow_fit):
    # one extra way to drop out cannot fit worse than BG/NBD's -9,582.4 by much, nor much better
    assert -9590 < cdnow_fit.log_likelihood_ < -9575


@pytest.mark.parametrize(("x", "t_x", "T"), [(0, 0.0, 38.86), (2, 30.43, 38.86), (40, 5.0, 300.0)])
def test_likelihood_matches_integral_over_p(x, t_x, T):
    # Given lambda and p: alive at T with (1-p)^(x+1), dropped after the last purchase with
    # p (1-p)^x; the lambda integral of lambda^x e^(-lambda s) is G(r+x)/G(r) alpha^r (alpha+s)^-(r+x).
    r, alpha, a, b = BTYDPLUS.values()
    constant = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
    value, _ = integrate.quad(
        lambda p: (
            ((1 - p) ** (x + 1) * (alpha + T) ** -(r + x) + p * (1 - p) ** x * (alpha + t_x) ** -(r + x))
            * stats.beta.pdf(p, a, b)
        ),
        0,
        1,
        limit=200,
        epsabs=0,
        epsrel=1e-10,
    )
    ll, _ = _log_likelihood_terms(np.array([r, alpha, a, b]), np.array([float(x)]), np.array([t_x]), np.array([T]))
    assert ll[0] == pytest.approx(constant + np.log(value), abs=1e-8)


def test_one_time_buyers_are_not_certainly_alive_and_fade_with_time():
    alive = _fitted().probability_alive([0, 0, 0], [0, 0, 0], [0.0, 20.0, 80.0])
    assert alive[0] == pytest.approx(1 / (1 + 0.891 / 1.614))
    assert alive[0] > alive[1] > alive[2] > 0


@pytest.mark.parametrize("t", [1.0, 39.0, 5000.0])
def test_unconditional_expectation_matches_integral_over_p(t):
    # A new customer first survives the first purchase (1-p), then buys at rate lambda until a
    # purchase kills it: (1-p) (1 - e^(-lambda p t)) / p, over lambda: (1 - (alpha/(alpha+p t))^r).
    r, alpha, a, b = BTYDPLUS.values()
    value, _ = integrate.quad(
        lambda p: (1 - p) / p * (1 - (alpha / (alpha + p * t)) ** r) * stats.beta.pdf(p, a, b),
        0,
        1,
        limit=200,
        epsabs=0,
        epsrel=1e-10,
    )
    assert _fitted().expected_purchases_new(t) == pytest.approx(value, rel=1e-6)


@pytest.mark.parametrize(
    ("x", "t_x", "T", "t"),
    [(2, 30.43, 38.86, 39.0), (0, 0.0, 38.86, 39.0), (150, 38.0, 38.86, 39.0), (3, 20.0, 38.86, 20000.0)],
)
def test_conditional_expectation_matches_posterior_integral_even_for_many_purchases(x, t_x, T, t):
    r, alpha, a, b = BTYDPLUS.values()
    n = r + x
    # scale the lambda-integrals by (alpha+T)^n so that x = 150 does not underflow
    alive = lambda p: (1 - p) ** (x + 1)
    numerator, _ = integrate.quad(
        lambda p: alive(p) / p * (1 - ((alpha + T) / (alpha + T + p * t)) ** n) * stats.beta.pdf(p, a, b),
        0,
        1,
        limit=400,
        epsabs=0,
        epsrel=1e-10,
    )
    denominator, _ = integrate.quad(
        lambda p: (alive(p) + p * (1 - p) ** x * ((alpha + T) / (alpha + t_x)) ** n) * stats.beta.pdf(p, a, b),
        0,
        1,
        limit=400,
        epsabs=0,
        epsrel=1e-10,
    )
    assert _fitted().expected_purchases(t, x, t_x, T)[0] == pytest.approx(numerator / denominator, rel=1e-6)


def test_gradient_matches_finite_differences():
    params = np.array([0.5, 3.0, 0.8, 2.0])
    x, t_x, age = np.array([0.0, 1, 4, 12]), np.array([0.0, 3, 20, 35]), np.array([39.0, 10, 30, 38])
    _, gradient = _log_likelihood_terms(params, x, t_x, age)
    for k in range(4):
        step = np.zeros(4)
        step[k] = 1e-6
        up, _ = _log_likelihood_terms(params * np.exp(step), x, t_x, age)
        down, _ = _log_likelihood_terms(params * np.exp(-step), x, t_x, age)
        np.testing.assert_allclose(gradient[:, k], (up - down) / 2e-6, rtol=1e-5, atol=1e-8)
