"""BG/BB: the published fit on the donation data (Fader, Hardie & Shang 2010) and predictions
checked against integrals over the two Beta distributions."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import special

from core.customers.bgbb import BetaBinomialModel
from core.errors import SegmenterInputError

# The 1995 cohort's (x, t_x, n) table, 11,104 donors, as lifetimes ships it (datasets/donations.csv).
DONATIONS = pd.read_csv(Path(__file__).parent / "data" / "donations.csv")
PUBLISHED = {"alpha": 1.204, "beta": 0.750, "gamma": 0.657, "delta": 2.783}


@pytest.fixture(scope="module")
def donations_model():
    d = DONATIONS
    return BetaBinomialModel().fit(d["frequency"], d["recency"], d["n"], d["n_custs"])


def test_donation_data_has_the_papers_donors():
    assert DONATIONS["n_custs"].sum() == 11_104


def test_published_fit(donations_model):
    for name, value in PUBLISHED.items():
        assert donations_model.params_[name] == pytest.approx(value, abs=6e-4)
    assert donations_model.fit_.log_likelihood == pytest.approx(-33_225.6, abs=0.05)
    assert all(np.isfinite(list(donations_model.fit_.standard_errors.values())))


def quadrature(function, params, nodes=80):
    """E over p ~ Beta(alpha, beta), theta ~ Beta(gamma, delta) of function(p, theta), Gauss-Jacobi."""
    alpha, beta, gamma, delta = params

    def beta_nodes(a, b):
        y, w = special.roots_jacobi(nodes, b - 1, a - 1)  # weight (1-y)^(b-1) (1+y)^(a-1)
        return (1 + y) / 2, w / w.sum()

    p, wp = beta_nodes(alpha, beta)
    theta, wt = beta_nodes(gamma, delta)
    P, TH = np.meshgrid(p, theta, indexing="ij")
    return float(np.einsum("i,j,ij->", wp, wt, function(P, TH)))


def likelihood_given(p, theta, x, t_x, n):
    alive = p**x * (1 - p) ** (n - x) * (1 - theta) ** n
    gone = sum(p**x * (1 - p) ** (t_x - x + i) * theta * (1 - theta) ** (t_x + i) for i in range(n - t_x))
    return alive, alive + gone


@pytest.mark.parametrize("x, t_x, n", [(0, 0, 6), (2, 3, 6), (4, 6, 6), (1, 1, 3)])
def test_predictions_equal_the_integrals_over_p_and_theta(x, t_x, n):
    model = BetaBinomialModel()
    model.params_ = dict(PUBLISHED)
    params = list(PUBLISHED.values())
    future = 5
    likelihood = quadrature(lambda p, th: likelihood_given(p, th, x, t_x, n)[1], params)
    assert np.exp(model.log_likelihood(x, t_x, n)[0]) == pytest.approx(likelihood, rel=1e-8)
    alive_next = quadrature(lambda p, th: likelihood_given(p, th, x, t_x, n)[0] * (1 - th), params) / likelihood
    assert model.probability_alive(x, t_x, n)[0] == pytest.approx(alive_next, rel=1e-8)
    # alive at n, then alive at each of the next opportunities with 1 - theta, transacting with p
    expected = (
        quadrature(
            lambda p, th: likelihood_given(p, th, x, t_x, n)[0] * p * sum((1 - th) ** k for k in range(1, future + 1)),
            params,
        )
        / likelihood
    )
    assert model.expected_transactions(future, x, t_x, n)[0] == pytest.approx(expected, rel=1e-8)


def test_simulated_donors_recover_their_parameters():
    rng = np.random.default_rng(7)
    size, n = 20_000, 8
    p = rng.beta(1.5, 1.0, size)
    theta = rng.beta(0.8, 3.0, size)
    alive = np.cumprod(rng.random((size, n)) >= theta[:, None], axis=1).astype(bool)
    buys = alive & (rng.random((size, n)) < p[:, None])
    x = buys.sum(axis=1)
    t_x = np.where(x > 0, n - np.argmax(buys[:, ::-1], axis=1), 0)
    model = BetaBinomialModel().fit(x, t_x, np.full(size, n))
    for name, truth in zip(("alpha", "beta", "gamma", "delta"), (1.5, 1.0, 0.8, 3.0)):
        assert (
            abs(np.log(model.params_[name] / truth)) < 3 * model.fit_.standard_errors[name] / model.params_[name] + 0.05
        )


@pytest.mark.parametrize(
    "x, t_x, n, message",
    [
        ([3], [2], [6], "above recency"),
        ([1], [7], [6], "above the number of opportunities"),
        ([0], [2], [6], "exactly when frequency is 0"),
        ([1.5], [2], [6], "whole number"),
    ],
)
def test_bad_rows_are_named(x, t_x, n, message):
    with pytest.raises(SegmenterInputError, match=message):
        BetaBinomialModel().fit(x * 20, t_x * 20, n * 20)


def test_no_repeat_transaction_is_refused():
    with pytest.raises(SegmenterInputError, match="no customer transacted again"):
        BetaBinomialModel().fit([0] * 20, [0] * 20, [6] * 20)
