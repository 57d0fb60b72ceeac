"""BG/NBD: the CDNOW estimates, the formulas against independent integrals, and loud failures."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, special, stats

from core.customers.bgnbd import BetaGeoModel, _log_likelihood_terms
from core.errors import SegmenterInputError

PUBLISHED = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
PUBLISHED_LL = -9582.4


def _fitted(r=0.243, alpha=4.414, a=0.793, b=2.426) -> BetaGeoModel:
    model = BetaGeoModel()
    model.params_ = {"r": r, "alpha": alpha, "a": a, "b": b}
    return model


@pytest.fixture(scope="module")
def cdnow_fit(cdnow_calibration) -> BetaGeoModel:
    return BetaGeoModel().fit(*cdnow_calibration)


def test_cdnow_fit_matches_published_parameters_within_1_percent(cdnow_fit):
    model = cdnow_fit
    assert model.n_customers_ == 2357
    for name, published in PUBLISHED.items():
        assert model.params_[name] == pytest.approx(published, rel=0.01), name


def test_cdnow_log_likelihood_within_half_of_published(cdnow_fit):
    assert abs(cdnow_fit.log_likelihood_ - PUBLISHED_LL) < 0.5


def test_cdnow_standard_errors_match_lifetimes_quickstart(cdnow_fit):
    # lifetimes' docs/Quickstart.md, BetaGeoFitter on the same CDNOW summary: se(coef)
    published = {"r": 0.012557, "alpha": 0.378221, "a": 0.185719, "b": 0.705345}
    for name, se in published.items():
        assert cdnow_fit.standard_errors_[name] == pytest.approx(se, rel=0.01), name


def test_cdnow_conditional_expectation_of_customer_4_matches_hardies_spreadsheet(cdnow_fit):
    # Fader & Hardie's BG/NBD spreadsheet: x = 2, t_x = 30.43, T = 38.86, next 39 weeks -> 1.226
    assert cdnow_fit.expected_purchases(39, 2, 30.43, 38.86)[0] == pytest.approx(1.226, abs=0.001)


def test_cdnow_has_946_repeat_buyers_in_calibration(cdnow_calibration):
    frequency, _, _ = cdnow_calibration
    assert int((frequency > 0).sum()) == 946


def test_weights_give_the_same_fit_as_repeated_rows(cdnow_calibration):
    frequency, recency, age = (v[:600] for v in cdnow_calibration)
    repeated = BetaGeoModel().fit(np.repeat(frequency, 3), np.repeat(recency, 3), np.repeat(age, 3))
    weighted = BetaGeoModel().fit(frequency, recency, age, weights=np.full(frequency.size, 3.0))
    for name in PUBLISHED:
        assert weighted.params_[name] == pytest.approx(repeated.params_[name], rel=1e-5)
    assert weighted.log_likelihood_ == pytest.approx(repeated.log_likelihood_, rel=1e-8)


def test_log_likelihood_matches_equation_6_without_logs():
    # FHL eq. 6 evaluated directly for x = 2, t_x = 30.43, T = 38.86 at the CDNOW estimates
    r, alpha, a, b = 0.243, 4.414, 0.793, 2.426
    x, t_x, age = 2, 30.43, 38.86
    common = special.gamma(r + x) * alpha**r / special.gamma(r)
    direct = special.beta(a, b + x) / special.beta(a, b) * common / (alpha + age) ** (r + x) + special.beta(
        a + 1, b + x - 1
    ) / special.beta(a, b) * common / (alpha + t_x) ** (r + x)
    ll, _ = _log_likelihood_terms(np.array([r, alpha, a, b]), np.array([2.0]), np.array([t_x]), np.array([age]))
    assert ll[0] == pytest.approx(np.log(direct), rel=1e-12)


def test_log_likelihood_of_a_non_repeater_is_the_poisson_zero_term():
    # x = 0: L = (alpha / (alpha + T))^r = (4.414 / 43.274)^0.243
    ll, _ = _log_likelihood_terms(np.array([0.243, 4.414, 0.793, 2.426]), np.zeros(1), np.zeros(1), np.array([38.86]))
    assert ll[0] == pytest.approx(0.243 * np.log(4.414 / 43.274), rel=1e-12)


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


def test_probability_alive_by_hand():
    # a/(b+x-1) = 0.793 / 3.426 = 0.23147; ((4.414+38.86)/(4.414+30.43))^2.243 = 1.24194^2.243 = 1.62580
    # P = 1 / (1 + 0.23147 * 1.62580) = 1 / 1.37633 = 0.72657
    assert _fitted().probability_alive(2, 30.43, 38.86)[0] == pytest.approx(0.72657, abs=2e-5)


def test_probability_alive_of_non_repeater_is_1():
    assert _fitted().probability_alive([0, 0], [0, 0], [5, 80]).tolist() == [1.0, 1.0]


def test_unconditional_expectation_matches_integral_over_lambda_and_p():
    # E[X(t) | lambda, p] = (1 - exp(-lambda p t)) / p; over lambda ~ Gamma(r, alpha) this is
    # (1 - (alpha / (alpha + p t))^r) / p, then integrated over p ~ Beta(a, b) numerically.
    r, alpha, a, b, t = 0.243, 4.414, 0.793, 2.426, 39.0
    integrand = lambda p: (1 - (alpha / (alpha + p * t)) ** r) / p * stats.beta.pdf(p, a, b)
    expected, _ = integrate.quad(integrand, 0, 1, limit=200)
    assert _fitted().expected_purchases_new(t) == pytest.approx(expected, rel=1e-6)


def test_conditional_expectation_matches_posterior_integral():
    # Independent route: average over the posterior of (lambda, p) given (x, t_x, T). Given
    # lambda, p the likelihood is (1-p)^x lambda^x e^(-lambda T) [alive] + p (1-p)^(x-1)
    # lambda^x e^(-lambda t_x) [dropped], and an alive customer buys (1 - e^(-lambda p t)) / p in t.
    # The lambda integrals are Gamma integrals: E[lambda^x e^(-lambda s)] = C (alpha + s)^-(r+x)
    # (C cancels), leaving one integral over p ~ Beta(a, b) done numerically.
    r, alpha, a, b = 0.243, 4.414, 0.793, 2.426
    x, t_x, age, t = 3, 25.0, 38.0, 39.0
    n = r + x
    beta_pdf = lambda p: stats.beta.pdf(p, a, b)
    numerator, _ = integrate.quad(
        lambda p: (1 - p) ** x / p * ((alpha + age) ** -n - (alpha + age + p * t) ** -n) * beta_pdf(p), 0, 1, limit=200
    )
    denominator, _ = integrate.quad(
        lambda p: ((1 - p) ** x * (alpha + age) ** -n + p * (1 - p) ** (x - 1) * (alpha + t_x) ** -n) * beta_pdf(p),
        0,
        1,
        limit=200,
    )
    assert _fitted().expected_purchases(t, x, t_x, age)[0] == pytest.approx(numerator / denominator, rel=1e-6)


def test_new_customer_conditional_expectation_equals_unconditional():
    # x = 0, t_x = 0, T = 0: nothing observed yet, so the posterior is the prior
    model = _fitted()
    assert model.expected_purchases(52, 0, 0, 0)[0] == pytest.approx(model.expected_purchases_new(52), rel=1e-10)


def test_expected_purchases_over_zero_time_is_zero():
    assert _fitted().expected_purchases(0, [0, 3], [0, 10], [20, 20]).tolist() == [0.0, 0.0]


valid_customer = st.tuples(st.integers(0, 60), st.floats(0.01, 1.0), st.floats(0.0, 1.0), st.floats(0.5, 200.0)).map(
    lambda v: (v[0], v[1] * v[3] if v[0] > 0 else 0.0, v[3])
)


@settings(max_examples=200, deadline=None)
@given(valid_customer)
def test_probability_alive_is_between_0_and_1(customer):
    value = _fitted().probability_alive(*customer)[0]
    assert 0.0 <= value <= 1.0


@settings(max_examples=200, deadline=None)
@given(valid_customer, st.floats(0.0, 100.0), st.floats(0.0, 100.0))
def test_expected_purchases_do_not_decrease_with_time(customer, t1, t2):
    early, late = sorted((t1, t2))
    model = _fitted()
    low = model.expected_purchases(early, *customer)[0]
    high = model.expected_purchases(late, *customer)[0]
    assert np.isfinite(high) and high >= low - 1e-9 * max(1.0, abs(low))


def _ten_customers():
    return [0, 1, 2, 0, 3, 1, 0, 5, 2, 0], [0, 5, 20, 0, 30, 2, 0, 35, 10, 0], [40, 38, 39, 36, 40, 30, 35, 40, 39, 38]


def test_fit_refuses_fewer_than_10_customers():
    frequency, recency, age = (v[:9] for v in _ten_customers())
    with pytest.raises(SegmenterInputError, match="at least 10 customers"):
        BetaGeoModel().fit(frequency, recency, age)


def test_fit_refuses_data_without_repeat_buyers():
    with pytest.raises(SegmenterInputError, match="no customer has a repeat purchase"):
        BetaGeoModel().fit([0] * 20, [0] * 20, [30] * 20)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"recency": 45}, "T is below recency|below recency"),
        ({"frequency": 1.5}, "whole number"),
        ({"recency": -1}, "negative"),
        ({"frequency": 0, "recency": 4}, "frequency is 0"),
        ({"frequency": 2, "recency": 0}, "frequency is above 0"),
        ({"T": float("nan")}, "missing"),
    ],
)
def test_fit_refuses_inconsistent_customer_and_names_it(change, message):
    frequency, recency, age = (list(v) for v in _ten_customers())
    columns = {"frequency": frequency, "recency": recency, "T": age}
    for column, value in change.items():
        columns[column][4] = value
    with pytest.raises(SegmenterInputError, match=message) as error:
        BetaGeoModel().fit(columns["frequency"], columns["recency"], columns["T"])
    assert "customer 5 of 10" in str(error.value)


def test_fit_refuses_degenerate_data_where_a_parameter_runs_off():
    # Everyone bought 5 times, the last at the very end: no sign of drop-out, a -> 0
    with pytest.raises(SegmenterInputError, match="0 or infinity|did not converge"):
        BetaGeoModel().fit([5] * 20, [10] * 20, [10] * 20)


def test_predicting_before_fitting_raises():
    with pytest.raises(SegmenterInputError, match="not fitted"):
        BetaGeoModel().probability_alive(1, 1, 2)


def test_summary_lists_the_fitted_parameters(cdnow_fit):
    table = cdnow_fit.summary().set_index("parameter")["value"]
    assert table["r"] == pytest.approx(0.243, rel=0.01)
    assert table["customers"] == 2357
    assert table["log_likelihood"] == pytest.approx(-9582.4, abs=0.5)


@pytest.mark.parametrize(("x", "t_x", "age", "t"), [(150, 38.0, 38.86, 39.0), (3, 20.0, 38.86, 20000.0)])
def test_conditional_expectation_at_extremes_matches_posterior_integral(x, t_x, age, t):
    # the Euler-transformed 2F1 against the posterior integral over p (lambda integrals scaled by (alpha+T)^n)
    r, alpha, a, b = 0.243, 4.414, 0.793, 2.426
    n = r + x
    beta_pdf = lambda p: stats.beta.pdf(p, a, b)
    numerator, _ = integrate.quad(
        lambda p: (1 - p) ** x / p * (1 - ((alpha + age) / (alpha + age + p * t)) ** n) * beta_pdf(p),
        0,
        1,
        limit=400,
        epsabs=0,
        epsrel=1e-10,
    )
    denominator, _ = integrate.quad(
        lambda p: ((1 - p) ** x + p * (1 - p) ** (x - 1) * ((alpha + age) / (alpha + t_x)) ** n) * beta_pdf(p),
        0,
        1,
        limit=400,
        epsabs=0,
        epsrel=1e-10,
    )
    value = _fitted().expected_purchases(t, x, t_x, age)[0]
    assert np.isfinite(value) and value == pytest.approx(numerator / denominator, rel=1e-6)


@settings(max_examples=60, deadline=None)
@given(
    a=st.floats(1.05, 30.0),
    b=st.floats(0.2, 30.0),
    r=st.floats(0.1, 5.0),
    x=st.integers(0, 40),
    T=st.floats(0.0, 80.0),
    t=st.floats(0.5, 100.0),
)
def test_euler_integral_equals_the_hypergeometric_form(a, b, r, x, T, t):
    from core.customers.bgnbd import _expected_by_quadrature

    alpha = 4.0
    z = t / (alpha + T + t)
    by_series = (
        (a + b + x - 1) / (a - 1) * (1 - (1 - z) ** (a - 1) * special.hyp2f1(a + b - 1 - r, a - 1, a + b + x - 1, z))
    )
    by_quadrature = _expected_by_quadrature(r, alpha, a, b, np.array([t]), np.array([float(x)]), np.array([T]))[0]
    assert by_quadrature == pytest.approx(by_series, rel=1e-9, abs=1e-12)


def test_large_drop_out_shapes_give_finite_predictions_equal_to_pfaffs_form():
    # parameters a BG/NBD fit reached on 1,000,000 generated order lines: scipy's hyp2f1 in the
    # class's form overflows (NaN for every customer); Pfaff's form, finite for these customers,
    # is the independent check
    from core.customers.bgnbd import expected_if_alive

    r, alpha, a, b = 0.4896, 1.176, 1592.88, 14563.2
    x, T, t = np.array([18.0, 2.0, 30.0, 5.0]), np.array([49.57, 39.6, 60.0, 80.0]), np.full(4, 52.0)
    pfaff = (a + b + x - 1) / (a - 1) * (1 - special.hyp2f1(a - 1, x + r, a + b + x - 1, -t / (alpha + T)))
    assert np.allclose(expected_if_alive(r, alpha, a, b, t, x, T), pfaff, rtol=1e-12)
    model = BetaGeoModel()
    model.params_ = {"r": r, "alpha": alpha, "a": a, "b": b}
    assert np.isfinite(model.expected_purchases(52.0, [0, 1, 7], [0.0, 1.3, 2.3], [4.4, 3.6, 2.3])).all()
    assert np.isfinite(model.expected_purchases_new(np.array([1.0, 52.0]))).all()


def test_a_model_without_finite_predictions_is_refused_not_nan():
    class Overflowing(BetaGeoModel):
        def _expected_if_alive(self, params, t, x, t_x, T):
            return np.where(x > 2, np.inf, 1.0)

    model = Overflowing()
    model.params_ = {"r": 0.5, "alpha": 1.0, "a": 0.9, "b": 2.0}
    assert model.expected_purchases(52.0, [0, 1], [0.0, 1.0], [20.0, 30.0]).shape == (2,)
    with pytest.raises(SegmenterInputError, match="BG/NBD gives no finite expected purchases .*a 0.9, b 2"):
        model.expected_purchases(52.0, [0, 3], [0.0, 10.0], [20.0, 30.0])


def test_the_quadrature_takes_the_small_gauss_rules_only_where_they_agree():
    from core.customers import bgnbd

    def rule(count, r, alpha, a, b, t, x, T):
        values, index = np.unique(x, return_inverse=True)
        return bgnbd._gauss_sums(r, alpha, a, b, t / (alpha + T), values, index, count)

    # a narrow Beta (a and b in the thousands, as a fit on a million order lines reached): the small
    # rules agree, and their value is the large rule's to rounding
    x, T, t = np.array([0.0, 2.0, 18.0, 57.0]), np.array([4.0, 39.6, 49.6, 100.0]), np.full(4, 52.0)
    narrow = (0.49, 1.18, 1592.9, 14563.2)
    value = bgnbd._expected_by_quadrature(*narrow, t, x, T)
    assert np.array_equal(value, rule(bgnbd._SMALL_RULES[1], *narrow, t, x, T))
    np.testing.assert_allclose(value, rule(bgnbd._BETA_NODES, *narrow, t, x, T), rtol=2e-13, atol=0)
    # a wide Beta and an integrand steep near 0 (many purchases, a short age, a long horizon): the
    # small rules are far apart (16 nodes give 153 where 96 give 122), so every value is the large rule's
    x, T, t = np.array([0.0, 40.0, 150.0]), np.array([0.5, 2.0, 1.0]), np.full(3, 300.0)
    wide = (0.5, 1.0, 1.2, 0.3)
    assert np.array_equal(bgnbd._expected_by_quadrature(*wide, t, x, T), rule(bgnbd._BETA_NODES, *wide, t, x, T))
    assert abs(rule(16, *wide, t, x, T)[1] - 122.04) > 30
