"""The MBG/NBD model (Batislam, Denizel & Filiztekin 2007): BG/NBD where one-time buyers may also have left.

As in BG/NBD a customer buys at rate lambda while alive (lambda ~ Gamma(r, alpha)) and drops
out with probability p (p ~ Beta(a, b)), but the coin is tossed right after the *first*
purchase too, not only after repeat purchases. A customer who bought once long ago therefore
gets P(alive) below 1, which is what an RFM "Lost" label suggests.

Reference: E. P. Batislam, M. Denizel, A. Filiztekin, "Empirical validation and comparison of
models for customer base analysis", International Journal of Research in Marketing 24(3),
2007, 201-209. On the CDNOW sample (39-week calibration, weeks) the R package BTYDplus
(mbgnbd.EstimateParameters) gives r = 0.525, alpha = 6.183, a = 0.891, b = 1.614.
"""

from __future__ import annotations

import numpy as np
from scipy import special

from core.customers.bgnbd import expected_if_alive
from core.customers.fitting import PURCHASE_RATE_MEANINGS, Distinct, PurchaseModel


def _log_likelihood_terms(
    params: np.ndarray,
    x: np.ndarray,
    t_x: np.ndarray,
    T: np.ndarray,
    frequencies: Distinct | None = None,
    recencies: Distinct | None = None,
    ages: Distinct | None = None,
):
    """Per-customer log-likelihood, Batislam et al. (2007) eq. (6) in log form, and its log-parameter gradient.

    ln L = ln G(r+x) - ln G(r) + r ln alpha + ln B(a, b+x+1) - ln B(a, b)
           + ln[ (alpha+T)^-(r+x) + a/(b+x) (alpha+t_x)^-(r+x) ]
    using B(a+1, b+x) / B(a, b+x+1) = a / (b+x); the dropped-out term is there for x = 0 too.
    The functions of x alone are evaluated once per distinct x (``frequencies``), those of t_x
    and of T once per distinct t_x and T (``recencies``, ``ages``; each found here when not given).
    """
    r, alpha, a, b = params
    frequencies = frequencies or Distinct.of(x)
    recencies, ages = recencies or Distinct.of(t_x), ages or Distinct.of(T)
    values, index = frequencies.values, frequencies.index
    psi_ab, psi_abx = special.digamma(a + b), special.digamma(a + b + values + 1)
    constant = (
        special.gammaln(r + values)
        - special.gammaln(r)
        + r * np.log(alpha)
        + special.betaln(a, b + values + 1)
        - special.betaln(a, b)
    )[index]
    d_r_values = special.digamma(r + values) - special.digamma(r) + np.log(alpha)
    d_b_values = special.digamma(b + values + 1) - special.digamma(b) + psi_ab - psi_abx
    age_values, last_values = alpha + ages.values, alpha + recencies.values
    log_age, log_last = np.log(age_values)[ages.index], np.log(last_values)[recencies.index]
    shape = (r + values)[index]
    alive = -shape * log_age
    dropped = (np.log(a) - np.log(b + values))[index] - shape * log_last
    log_sum = np.logaddexp(alive, dropped)
    w_alive, w_dropped = np.exp(alive - log_sum), np.exp(dropped - log_sum)
    gradient = np.empty((x.size, 4))
    gradient[:, 0] = (d_r_values[index] - w_alive * log_age - w_dropped * log_last) * r
    gradient[:, 1] = (
        r / alpha - shape * (w_alive / age_values[ages.index] + w_dropped / last_values[recencies.index])
    ) * alpha
    gradient[:, 2] = ((psi_ab - psi_abx)[index] + w_dropped / a) * a
    gradient[:, 3] = (d_b_values[index] - w_dropped / (b + values)[index]) * b
    return constant + log_sum, gradient


class ModifiedBetaGeoModel(PurchaseModel):
    """MBG/NBD model: fit on (frequency, recency, T) per customer, then predict.

    Attributes (after :meth:`fit`): ``params_`` (r, alpha in the time unit of recency and T,
    a, b), ``standard_errors_``, ``log_likelihood_``, ``n_customers_``.

    Notes
    -----
    P(alive | x, t_x, T) = 1 / (1 + a/(b+x) ((alpha+T)/(alpha+t_x))^(r+x)), for x = 0 too.

    E[purchases in (T, T+t] | x, t_x, T] = (a+b+x)/(a-1) [1 - ((alpha+T)/(alpha+T+t))^(r+x)
    2F1(r+x, b+x+1; a+b+x; z)] x P(alive), z = t/(alpha+T+t), evaluated through Euler's
    transformation as (a+b+x)/(a-1) [1 - (1-z)^(a-1) 2F1(a+b-r, a-1; a+b+x; z)]: the same
    value, without the overflow of the original form for many purchases or long t.

    E[X(t)] for a new customer = b/(a-1) [1 - (alpha/(alpha+t))^r 2F1(r, b+1; a+b; t/(alpha+t))].

    Examples
    --------
    >>> model = ModifiedBetaGeoModel()
    >>> model.params_ = {"r": 0.525, "alpha": 6.183, "a": 0.891, "b": 1.614}
    >>> round(float(model.probability_alive(0, 0, 0)[0]), 4)  # right after the first purchase: 1 / (1 + a / b)
    0.6443
    """

    name = "MBG/NBD"
    parameter_names = ("r", "alpha", "a", "b")
    time_parameters = ("alpha",)
    meanings = {
        **PURCHASE_RATE_MEANINGS,
        "a": "drop-out probability Beta shape a",
        "b": "drop-out probability Beta shape b; mean drop-out after each purchase (the first too) = a / (a + b)",
    }
    alive_sentence = (
        "MBG/NBD: a customer may drop out right after any purchase, the first one too, so a "
        "one-time buyer's P(alive) is below 100 % and falls the longer ago that purchase was."
    )

    def _terms(self, params, x, t_x, T, frequencies=None):
        return _log_likelihood_terms(params, x, t_x, T, frequencies)

    def _likelihood(self, x, t_x, T):
        frequencies, recencies, ages = Distinct.of(x), Distinct.of(t_x), Distinct.of(T)
        return lambda params: _log_likelihood_terms(params, x, t_x, T, frequencies, recencies, ages)

    def _log_odds_dead(self, params, x, t_x, T):
        r, alpha, a, b = params
        return np.log(a) - np.log(b + x) + (r + x) * (np.log(alpha + T) - np.log(alpha + t_x))

    def _expected_if_alive(self, params, t, x, t_x, T):
        r, alpha, a, b = params
        # alive after x repeat purchases, the MBG/NBD customer has survived x + 1 drop-out chances,
        # which is BG/NBD's x with b one larger: same formula, b + 1
        return expected_if_alive(r, alpha, a, b + 1, t, x, T)

    def _expected_new(self, params, t):
        """E[X(t)] for a new customer over t time units (see the class Notes)."""
        r, alpha, a, b = params
        hyper = special.hyp2f1(r, b + 1, a + b, t / (alpha + t))
        return b / (a - 1) * (1 - (alpha / (alpha + t)) ** r * hyper)
