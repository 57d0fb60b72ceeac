"""The Pareto/NBD model of repeat purchasing (Schmittlein, Morrison & Colombo 1987).

A customer buys at rate lambda while alive (Poisson; lambda ~ Gamma(r, alpha) across
customers) and stays alive for an exponential time with rate mu (mu ~ Gamma(s, beta)): unlike
BG/NBD, drop-out can happen at any moment, also before the first repeat purchase.

References: D. C. Schmittlein, D. G. Morrison, R. Colombo, "Counting your customers: who are
they and what will they do next?", Management Science 33(1), 1987; P. S. Fader, B. G. S.
Hardie, "A note on deriving the Pareto/NBD model and related expressions", 2005
(brucehardie.com/notes/009), whose equations are used here. On the CDNOW sample (2,357
customers, 39-week calibration, weeks) Fader, Hardie & Lee (2005) report r = 0.553,
alpha = 10.578, s = 0.606, beta = 11.669, log-likelihood -9,595.0.
"""
from __future__ import annotations

import numpy as np
from scipy import special

from core.customers.fitting import PURCHASE_RATE_MEANINGS, PurchaseModel, prediction_times


def log_dead_term(params: np.ndarray, x: np.ndarray, t: np.ndarray) -> np.ndarray:
    """ln[ 2F1(a, b; a+1; z) / (m+t)^a ], the piece of A0 at time t, computed stably.

    With a = r+s+x, m = max(alpha, beta), z = |alpha - beta| / (m + t), and b = s+1 when
    alpha >= beta, else r+x (Fader & Hardie 2005, eq. 22). Euler's transformation
    2F1(a, b; a+1; z) = (1-z)^(1-b) 2F1(1, a+1-b; a+1; z) leaves a series of positive terms
    each below the one before (ratio (a+1-b+n)/(a+1+n) z < z), which scipy evaluates without
    the overflow of the original for many purchases, and 1 - z = (min + t)/(m + t) is taken
    as that ratio, so nothing cancels when alpha and beta are far apart.

    Examples
    --------
    With alpha = beta, z = 0 and the term is (alpha + t)^-(r+s+x): for r = s = 1, x = 0,
    alpha = beta = 1, t = 1 it is ln(2^-2).

    >>> round(float(log_dead_term(np.array([1.0, 1.0, 1.0, 1.0]), np.array([0.0]), np.array([1.0]))[0]), 6)
    -1.386294
    """
    r, alpha, s, beta = params
    a = r + s + x
    high, low = max(alpha, beta), min(alpha, beta)
    b = s + 1 if alpha >= beta else r + x
    z = (high - low) / (high + t)
    log_one_minus_z = np.log(low + t) - np.log(high + t)
    series = special.hyp2f1(1.0, a + 1 - b, a + 1, z)
    return (1 - b) * log_one_minus_z + np.log(series) - a * np.log(high + t)


def _log_likelihood_parts(params: np.ndarray, x: np.ndarray, t_x: np.ndarray, T: np.ndarray):
    """(common, alive, dead): ln L = common + logaddexp(alive, dead), Fader & Hardie 2005 eq. (19)-(22).

    common = ln G(r+x) - ln G(r) + r ln alpha + s ln beta
    alive  = -(r+x) ln(alpha+T) - s ln(beta+T)          (alive through T)
    dead   = ln s - ln(r+s+x) + ln A0,   A0 = D(t_x) - D(T), D(t) = exp(:func:`log_dead_term`)
                                         (dropped out somewhere in (t_x, T])
    """
    r, alpha, s, beta = params
    common = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha) + s * np.log(beta)
    alive = -(r + x) * np.log(alpha + T) - s * np.log(beta + T)
    at_last = log_dead_term(params, x, t_x)
    at_end = log_dead_term(params, x, T)
    with np.errstate(divide="ignore"):
        log_a0 = at_last + np.log(-np.expm1(np.minimum(at_end - at_last, 0.0)))
    dead = np.log(s) - np.log(r + s + x) + log_a0
    # D(t_x) - D(T) cancels when T is close to t_x: there the integral itself is evaluated
    # (s / (r+s+x)) A0 = s * integral over (t_x, T] of (alpha+tau)^-(r+x) (beta+tau)^-(s+1).
    short = (T - t_x) * (r + s + x + 1) / (min(alpha, beta) + t_x) < _SHORT_GAP
    if np.any(short):
        dead[short] = np.log(s) + _log_short_integral(params, x[short], t_x[short], T[short])
    return common, alive, dead


#: Below this (T - t_x) (r+s+x+1) / (min(alpha, beta) + t_x) the integrand changes by under 5 %
#: over the gap and 8-point Gauss-Legendre is exact to rounding.
_SHORT_GAP = 0.05
_NODES, _WEIGHTS = np.polynomial.legendre.leggauss(8)


def _log_short_integral(params, x, t_x, T):
    """ln of the integral over (t_x, T] of (alpha+tau)^-(r+x) (beta+tau)^-(s+1), by Gauss-Legendre."""
    r, alpha, s, beta = params
    half = (T - t_x) / 2
    tau = (t_x + half)[:, None] + half[:, None] * _NODES[None, :]
    log_values = -(r + x)[:, None] * np.log(alpha + tau) - (s + 1) * np.log(beta + tau)
    with np.errstate(divide="ignore"):
        return special.logsumexp(log_values, b=_WEIGHTS[None, :], axis=1) + np.log(half)


def _growth(k: float, log_ratio: np.ndarray) -> np.ndarray:
    """(1 - exp(-k L)) / k, and L at k = 0: the integral of exp(-k u) over u in [0, L]."""
    if abs(k) < 1e-12:
        return log_ratio
    return -np.expm1(-k * log_ratio) / k


class ParetoNBDModel(PurchaseModel):
    """Pareto/NBD model: fit on (frequency, recency, T) per customer, then predict.

    Attributes (after :meth:`fit`): ``params_`` (r, alpha, s, beta; alpha and beta in the
    time unit of recency and T), ``standard_errors_``, ``log_likelihood_``, ``n_customers_``.

    Notes
    -----
    P(alive | x, t_x, T) = 1 / (1 + s/(r+s+x) (alpha+T)^(r+x) (beta+T)^s A0) (Fader & Hardie
    2005 eq. 26), from the log-likelihood parts, so it is exact also when A0 is tiny.

    E[purchases in (T, T+t] | x, t_x, T] = (r+x)(beta+T) / ((alpha+T)(s-1))
    [1 - ((beta+T)/(beta+T+t))^(s-1)] x P(alive) (eq. 27), written as
    (r+x)/(alpha+T) (beta+T) (1 - e^(-(s-1)L))/(s-1) with L = ln((beta+T+t)/(beta+T)), which
    stays finite at s = 1 (it becomes L) and grows like t^(1-s) for s < 1 when t is large.

    Examples
    --------
    >>> model = ParetoNBDModel()
    >>> model.params_ = {"r": 0.553, "alpha": 10.578, "s": 0.606, "beta": 11.669}
    >>> round(float(model.expected_purchases_new(39)), 3)
    1.213
    """

    name = "Pareto/NBD"
    parameter_names = ("r", "alpha", "s", "beta")
    time_parameters = ("alpha", "beta")
    meanings = {
        **PURCHASE_RATE_MEANINGS,
        "s": "shape of the drop-out-rate distribution (Gamma)",
        "beta": "scale of the drop-out-rate distribution, in time units; mean drop-out rate = s / beta",
    }
    alive_sentence = ("Pareto/NBD: a customer may drop out at any moment, so P(alive) falls the longer a "
                      "customer has not bought, for one-time buyers too.")

    def _terms(self, params, x, t_x, T):
        common, alive, dead = _log_likelihood_parts(params, x, t_x, T)
        return common + np.logaddexp(alive, dead), None

    def _log_odds_dead(self, params, x, t_x, T):
        _, alive, dead = _log_likelihood_parts(params, x, t_x, T)
        return dead - alive

    def _expected_if_alive(self, params, t, x, t_x, T):
        r, alpha, s, beta = params
        log_ratio = np.log(beta + T + t) - np.log(beta + T)
        return (r + x) / (alpha + T) * (beta + T) * _growth(s - 1, log_ratio)

    def expected_purchases_new(self, t) -> np.ndarray:
        """E[X(t)] for a new customer over t time units: r beta / (alpha (s-1)) [1 - (beta/(beta+t))^(s-1)]."""
        r, alpha, s, beta = self._fitted()
        t = prediction_times(t)
        return r / alpha * beta * _growth(s - 1, np.log(beta + t) - np.log(beta))
