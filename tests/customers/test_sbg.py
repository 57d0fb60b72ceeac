"""sBG retention model: the published fits of Fader & Hardie (2007) and hand-derived values."""

import math

import numpy as np
import pytest

from core.customers.sbg import RetentionModel, fit_retention, retention_table
from core.errors import SegmenterInputError

# Fader & Hardie (2007), "How to project customer retention", table 1: customers still active at
# years 0-12 of two segments of 1,000; the paper fits years 0-7.
REGULAR = [1000, 631, 468, 382, 326, 289, 262, 241, 223, 207, 194, 183, 173]
HIGH_END = [1000, 869, 743, 653, 593, 551, 517, 491, 468, 445, 427, 409, 394]


def churn_by_recursion(alpha, beta, periods):
    """P(T = t), t = 1..periods, by the paper's eq. (3): P(T=1) = a/(a+b), P(T=t) = (b+t-2)/(a+b+t-1) P(T=t-1)."""
    p = [alpha / (alpha + beta)]
    for t in range(2, periods + 1):
        p.append(p[-1] * (beta + t - 2) / (alpha + beta + t - 1))
    return np.array(p)


def log_likelihood(alpha, beta, survivors):
    s = np.asarray(survivors, dtype=float)
    p = churn_by_recursion(alpha, beta, s.size - 1)
    return float(-np.diff(s) @ np.log(p) + s[-1] * np.log(1 - p.sum()))


@pytest.mark.parametrize(
    "survivors, alpha, beta, ll",
    [
        (REGULAR[:8], 0.704, 1.182, None),  # the paper's regular segment
        (HIGH_END[:8], 0.668, 3.806, -1611.2),  # high end; LL from its appendix B
    ],
)
def test_published_fits(survivors, alpha, beta, ll):
    model = fit_retention(survivors)
    assert model.alpha == pytest.approx(alpha, abs=6e-4)
    assert model.beta == pytest.approx(beta, abs=6e-4)
    # the log-likelihood is the paper's sum, computed here by its recursion
    assert model.fit.log_likelihood == pytest.approx(log_likelihood(model.alpha, model.beta, survivors), abs=1e-8)
    if ll is not None:
        assert model.fit.log_likelihood == pytest.approx(ll, abs=0.05)


def test_standard_errors_match_the_curvature_in_natural_parameters():
    model = fit_retention(HIGH_END[:8])
    a, b, h = model.alpha, model.beta, 1e-4

    def f(x, y):
        return log_likelihood(x, y, HIGH_END[:8])

    hessian = np.array(
        [
            [
                (f(a + h, b) - 2 * f(a, b) + f(a - h, b)) / h**2,
                (f(a + h, b + h) - f(a + h, b - h) - f(a - h, b + h) + f(a - h, b - h)) / (4 * h * h),
            ],
            [0.0, (f(a, b + h) - 2 * f(a, b) + f(a, b - h)) / h**2],
        ]
    )
    hessian[1, 0] = hessian[0, 1]
    errors = np.sqrt(np.diag(np.linalg.inv(-hessian)))
    assert model.fit.standard_errors["alpha"] == pytest.approx(errors[0], rel=2e-3)
    assert model.fit.standard_errors["beta"] == pytest.approx(errors[1], rel=2e-3)


def test_survival_retention_and_churn_agree_with_the_recursion():
    model = RetentionModel.of_params(0.704, 1.182)
    p = churn_by_recursion(0.704, 1.182, 12)
    assert model.churn_probability(np.arange(1, 13)) == pytest.approx(p, rel=1e-12)
    survival = 1 - np.cumsum(p)
    assert model.survival(np.arange(1, 13)) == pytest.approx(survival, rel=1e-12)
    assert model.retention(np.arange(2, 13)) == pytest.approx(survival[1:] / survival[:-1], rel=1e-12)


def test_projection_of_the_regular_segment_stays_near_what_happened():
    """The paper's point: fitted on years 0-7, sBG projects years 8-12 closely (within 4 % here)."""
    model = fit_retention(REGULAR[:8])
    projected = model.survival(np.arange(8, 13)) * 1000
    assert np.abs(projected / np.array(REGULAR[8:]) - 1).max() < 0.04


def test_derl_is_the_discounted_sum_of_conditional_survival():
    model = RetentionModel.of_params(0.668, 3.806)
    d, renewals = 0.1, np.array([0, 3, 10])
    n = renewals + 1
    k = np.arange(1, 4000)
    direct = [np.sum(model.survival(m - 1 + k) / model.survival(m - 1) / (1 + d) ** (k - 1)) for m in n]
    assert model.derl(d, renewals) == pytest.approx(direct, rel=1e-9)
    assert np.all(np.diff(model.derl(d, renewals)) > 0)  # loyal customers are worth more


def test_derl_without_heterogeneity_is_the_geometric_sum():
    """Beta(a, b) with a, b large is a point mass at theta = a / (a + b): DERL -> (1-theta) / (1 - (1-theta)/(1+d))."""
    theta, d = 0.2, 0.1
    model = RetentionModel.of_params(theta * 1e6, (1 - theta) * 1e6)
    assert float(model.derl(d)) == pytest.approx((1 - theta) / (1 - (1 - theta) / (1 + d)), rel=1e-5)


def test_expected_remaining_periods():
    assert RetentionModel.of_params(3.0, 4.0).expected_remaining_periods(0) == pytest.approx(2.0)
    # alpha <= 1: the mean lifetime is infinite, said as inf, never NaN
    assert np.isinf(RetentionModel.of_params(0.7, 1.2).expected_remaining_periods(0))


def test_several_cohorts_add_their_log_likelihoods():
    cohorts = [REGULAR[:8], [500, 320, 240, 200], [400, 250]]
    model = fit_retention(cohorts)
    total = sum(log_likelihood(model.alpha, model.beta, c) for c in cohorts)
    assert model.fit.log_likelihood == pytest.approx(total, abs=1e-8)
    table = retention_table(model, periods=10)
    assert len(table) == 3 * 11
    young = table[table["cohort"] == 3]
    assert young["projected"].tolist() == [False, False] + [True] * 9
    assert young["fitted"].iloc[1] == pytest.approx(400 * model.survival(1))


@pytest.mark.parametrize(
    "survivors, message",
    [
        ([1000, 900, 950, 800], "can only shrink"),
        ([1000, 1000, 1000, 1000], "no customer left"),
        ([1000, 900], "at least 2 later periods"),
        ([0, 0, 0], "must be above 0"),
        ([1000, -5, 3], "missing or negative"),
        ([1000, 0, 0, 0], "0 or infinity"),
    ],
)
def test_refusals(survivors, message):
    with pytest.raises(SegmenterInputError, match=message):
        fit_retention(survivors)


def test_derl_refuses_a_discount_of_zero():
    with pytest.raises(SegmenterInputError, match="above 0"):
        RetentionModel.of_params(1, 1).derl(0.0)
    assert math.isfinite(float(RetentionModel.of_params(1, 1).derl(0.05)))
