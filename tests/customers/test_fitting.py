"""The shared fitting helper: estimates and standard errors where the answer is known in closed form."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import special

from core.customers.fitting import fit_max_likelihood, parameter_table
from core.errors import SegmenterInputError


def test_gamma_sample_estimates_and_standard_errors_match_fisher_information():
    # Gamma(shape k, rate l) data: the MLE solves ln k - digamma(k) = ln(mean) - mean(ln x), l = k / mean;
    # the information per observation is [[trigamma(k), -1/l], [-1/l, k/l^2]].
    rng = np.random.default_rng(4)
    data = rng.gamma(2.5, 1 / 0.7, 4000)

    def terms(params):
        k, rate = params
        return k * np.log(rate) - special.gammaln(k) + (k - 1) * np.log(data) - rate * data, None

    fit = fit_max_likelihood(terms, ("k", "rate"), np.ones(data.size), model="gamma", scale=[1.0, 1.0])
    k, rate = fit.params["k"], fit.params["rate"]
    assert np.log(k) - special.digamma(k) == pytest.approx(np.log(data.mean()) - np.log(data).mean(), abs=1e-7)
    assert rate == pytest.approx(k / data.mean(), rel=1e-6)
    information = data.size * np.array([[special.polygamma(1, k), -1 / rate], [-1 / rate, k / rate**2]])
    expected = np.sqrt(np.diag(np.linalg.inv(information)))
    assert [fit.standard_errors["k"], fit.standard_errors["rate"]] == pytest.approx(expected, rel=1e-3)


def test_weights_count_as_repeated_rows():
    values = np.array([1.0, 2.0, 4.0])
    terms = lambda p: (np.log(p[0]) - p[0] * values, None)
    weighted = fit_max_likelihood(terms, ("rate",), np.array([1.0, 2.0, 1.0]), model="toy")
    assert weighted.params["rate"] == pytest.approx(4 / 9, rel=1e-6) and weighted.n == 4


def test_a_parameter_running_off_is_refused_with_the_hint():
    # the likelihood keeps growing as the rate falls: the optimum is at 0
    with pytest.raises(SegmenterInputError, match="toy fit ran a parameter to 0 or infinity; .*the hint"):
        fit_max_likelihood(lambda p: (-p[0] * np.ones(3), None), ("rate",), np.ones(3), model="toy", hint="the hint")


def test_a_likelihood_still_rising_slowly_towards_a_bound_is_refused():
    # ln L = -exp(-rate) rises for ever as the rate grows, so slowly that the optimiser stops at a
    # rate near 25 (its gradient below the tolerance), far inside the bound: still degenerate
    with pytest.raises(SegmenterInputError, match="toy fit ran a parameter to 0 or infinity"):
        fit_max_likelihood(lambda p: (-np.exp(-p[0]) * np.ones(3), None), ("rate",), np.ones(3), model="toy")


def test_parameter_table_lists_estimates_likelihood_and_count():
    fit = fit_max_likelihood(
        lambda p: (np.log(p[0]) - p[0] * np.array([1.0, 3.0]), None), ("rate",), np.ones(2), model="toy"
    )
    table = parameter_table(fit, {"rate": "events per unit"}, model="toy")
    assert table["parameter"].tolist() == ["rate", "log_likelihood", "customers"]
    assert table["value"].iloc[0] == pytest.approx(0.5, rel=1e-6)
    assert table["standard_error"].iloc[0] == pytest.approx(0.5 / np.sqrt(2), rel=1e-3)


@pytest.mark.parametrize("key", ["bgnbd", "mbgnbd", "pareto_nbd"])
def test_expected_purchases_over_several_horizons_equals_one_horizon_at_a_time(key):
    from core.customers.model_clv import PURCHASE_MODELS

    model = PURCHASE_MODELS[key]()
    names = model.parameter_names
    model.params_ = dict(zip(names, (0.55, 10.6, 0.6, 11.7) if key == "pareto_nbd" else (0.24, 4.4, 0.79, 2.4)))
    x, recency, age = [0, 2, 7], [0.0, 30.4, 35.0], [38.9, 38.9, 36.0]
    horizons = [0, 1, 2.5, 52]
    together = model.expected_purchases_over(horizons, x, recency, age)
    assert together.shape == (3, 4)
    for j, t in enumerate(horizons):
        assert together[:, j].tolist() == model.expected_purchases(t, x, recency, age).tolist()
