"""Gamma-Gamma: the CDNOW estimates, the density against an integral, the correlation check, failures."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, stats

from core.customers.gamma_gamma import GammaGammaModel, SpendFrequencyCorrelationWarning, _log_likelihood_terms
from core.customers.summary import customer_summary
from core.errors import SegmenterInputError
from core.transactions import parse_transactions


@pytest.fixture(scope="module")
def cdnow_repeat_buyers(cdnow_raw):
    summary = customer_summary(
        parse_transactions(cdnow_raw[["customer", "date", "amount"]]), observation_end="1997-09-30"
    )
    return summary[summary["frequency"] > 0]


def test_cdnow_fit_matches_published_parameters_within_1_percent(cdnow_repeat_buyers):
    model = GammaGammaModel().fit(cdnow_repeat_buyers["frequency"], cdnow_repeat_buyers["avg_repeat_spend"])
    assert model.n_customers_ == 946
    for name, published in {"p": 6.25, "q": 3.74, "v": 15.45}.items():
        assert model.params_[name] == pytest.approx(published, rel=0.01), name
    # CDNOW spend and frequency are only weakly correlated (lifetimes' docs: about 0.11)
    assert model.correlation_ == pytest.approx(0.114, abs=0.01)


def test_density_matches_integral_over_the_customers_spend_scale():
    # mean of x purchases ~ Gamma(p x, rate x nu); nu ~ Gamma(q, rate v); integrate nu out numerically
    p, q, v, x, m = 6.25, 3.74, 15.45, 3.0, 40.0
    integrand = lambda nu: stats.gamma.pdf(m, p * x, scale=1 / (x * nu)) * stats.gamma.pdf(nu, q, scale=1 / v)
    density, _ = integrate.quad(integrand, 0, np.inf, limit=200)
    ll, _ = _log_likelihood_terms(np.array([p, q, v]), np.array([x]), np.array([m]))
    assert ll[0] == pytest.approx(np.log(density), rel=1e-8)


def test_gradient_matches_finite_differences():
    params, x, m = np.array([6.0, 3.5, 15.0]), np.array([1.0, 2, 7]), np.array([20.0, 35, 80])
    _, gradient = _log_likelihood_terms(params, x, m)
    for k in range(3):
        step = np.zeros(3)
        step[k] = 1e-6
        up, _ = _log_likelihood_terms(params * np.exp(step), x, m)
        down, _ = _log_likelihood_terms(params * np.exp(-step), x, m)
        np.testing.assert_allclose(gradient[:, k], (up - down) / 2e-6, rtol=1e-5)


def test_expected_spend_by_hand():
    model = GammaGammaModel()
    model.params_ = {"p": 6.25, "q": 3.74, "v": 15.45}
    # population mean 6.25 * 15.45 / 2.74 = 35.2418;
    # x = 2, m = 50: (15.45 + 100) * 6.25 / (12.5 + 2.74) = 721.5625 / 15.24 = 47.3466
    assert model.population_mean_spend() == pytest.approx(35.2418, abs=1e-4)
    assert model.expected_avg_spend([0, 2], [0, 50]).tolist() == pytest.approx([35.2418, 47.3466], abs=1e-4)


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 100), st.floats(0.01, 1e5))
def test_expected_spend_lies_between_own_mean_and_population_mean(x, m):
    model = GammaGammaModel()
    model.params_ = {"p": 6.25, "q": 3.74, "v": 15.45}
    value = model.expected_avg_spend(x, m)[0]
    low, high = sorted((m, model.population_mean_spend()))
    assert low * (1 - 1e-12) <= value <= high * (1 + 1e-12)


def test_correlated_spend_and_frequency_warns():
    rng = np.random.default_rng(3)
    frequency = rng.integers(1, 20, 200)
    spend = rng.gamma(6.0, 2.0 * frequency)
    with pytest.warns(SpendFrequencyCorrelationWarning, match="correlated"):
        model = GammaGammaModel().fit(frequency, spend)
    assert model.correlation_ > 0.5


def test_uncorrelated_data_does_not_warn():
    rng = np.random.default_rng(4)
    with warnings.catch_warnings():
        warnings.simplefilter("error", SpendFrequencyCorrelationWarning)
        GammaGammaModel().fit(rng.integers(1, 10, 300), rng.gamma(6.0, 5.0, 300))


@pytest.mark.parametrize(
    "frequency, spend, message",
    [
        ([0] + [1] * 11, [10.0] * 12, "above 0"),
        ([1] * 12, [10.0] * 11 + [-3.0], "positive amount"),
        ([1] * 5, [10.0, 20, 30, 40, 50], "at least 10"),
        ([1] * 12, [10.0] * 12, "same mean spend"),
    ],
)
def test_fit_refuses_unusable_data(frequency, spend, message):
    with pytest.raises(SegmenterInputError, match=message):
        GammaGammaModel().fit(frequency, spend)


def test_predicting_before_fitting_raises():
    with pytest.raises(SegmenterInputError, match="not fitted"):
        GammaGammaModel().expected_avg_spend(1, 10)
