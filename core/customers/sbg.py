"""The shifted-beta-geometric (sBG) model of contract retention (Fader & Hardie 2007, 2010).

Contract customers renew (or not) once per period. Each customer leaves at the end of a period
with a churn probability theta that stays the same for that customer; theta ~ Beta(alpha, beta)
across customers. The mix makes the retention *rate* of a cohort rise over time (the customers
with a high theta leave first), which a single churn rate cannot show.

Fitted on the customers still active at period 0, 1, ..., n of one or more cohorts (a cohort
is the customers who started in the same period), by maximum likelihood through
:func:`core.customers.fitting.fit_max_likelihood`.

References: P. S. Fader, B. G. S. Hardie, "How to project customer retention", Journal of
Interactive Marketing 21(1), 2007, 76-90 (eqs. 1-7 below are that paper's); "Customer-base
valuation in a contractual setting: the perils of ignoring heterogeneity", Marketing Science
29(1), 2010, 85-93 (DERL, its eq. 6). On the paper's two segments (1,000 customers each, years 0
to 7) the estimates are alpha = 0.704, beta = 1.182 ("regular") and alpha = 0.668, beta =
3.806 ("high end", log-likelihood -1,611.2).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special

from core.customers.fitting import FitResult, fit_max_likelihood, parameter_table
from core.errors import SegmenterInputError

PARAMETER_NAMES = ("alpha", "beta")
MEANINGS = {
    "alpha": "churn probability Beta shape alpha",
    "beta": "churn probability Beta shape beta; mean churn probability in the first period = alpha / (alpha + beta)",
}
#: Why an sBG fit runs a parameter off, in the data's words.
RETENTION_HINT = (
    "no customer leaving, every customer leaving in the first period, or too few periods; "
    "the counts must be customers still active at period 0, 1, 2, ..."
)
#: Periods a cohort must span (period 0 and at least two more) for two parameters.
MIN_PERIODS = 2


def check_survivors(survivors, *, name: str = "survivors", periods: int = MIN_PERIODS) -> np.ndarray:
    """One cohort's customers still active at period 0, 1, ..., n, checked, as floats.

    Raises
    ------
    SegmenterInputError
        Fewer than ``periods`` + 1 counts (3 by default; a young cohort among several may
        have 2), a missing or negative count, period 0 not above 0, or a count
        above the one before (a cohort cannot grow: customers who start later are another cohort).

    Examples
    --------
    >>> check_survivors([1000, 631, 468]).tolist()
    [1000.0, 631.0, 468.0]
    """
    s = np.asarray(survivors, dtype=float).ravel()
    if s.size < periods + 1:
        raise SegmenterInputError(
            f"a cohort needs customers active at period 0 and at least {periods} later period"
            f"{'s' if periods > 1 else ''}, got {s.size} count(s)",
            column=name,
        )
    bad = ~np.isfinite(s) | (s < 0)
    if bad.any():
        raise SegmenterInputError(
            f"count {int(np.flatnonzero(bad)[0]) + 1} of {s.size} is missing or negative", column=name
        )
    if not s[0] > 0:
        raise SegmenterInputError("the first count (customers at period 0) must be above 0", column=name)
    rising = np.flatnonzero(np.diff(s) > 0)
    if rising.size:
        k = int(rising[0]) + 1
        raise SegmenterInputError(
            f"count {k + 1} ({s[k]:g}) is above the one before ({s[k - 1]:g}): a cohort can only shrink "
            "(customers who start later belong to another cohort)",
            column=name,
        )
    return s


def _rows(cohorts: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(period t, censored?, customers) rows of the likelihood, identical rows of cohorts summed.

    Customers lost between period t-1 and t left at t (eq. 5's P(T = t)); those still active at
    a cohort's last period n are censored there (S(n)).
    """
    frame = pd.concat(
        [pd.DataFrame({"t": np.arange(1, s.size, dtype=float), "censored": False, "w": -np.diff(s)}) for s in cohorts]
        + [pd.DataFrame({"t": [float(s.size - 1) for s in cohorts], "censored": True, "w": [s[-1] for s in cohorts]})],
        ignore_index=True,
    )
    grouped = frame[frame["w"] > 0].groupby(["t", "censored"], sort=True)["w"].sum()
    keys = grouped.index
    return (keys.get_level_values(0).to_numpy(float), keys.get_level_values(1).to_numpy(bool), grouped.to_numpy(float))


def _log_likelihood_terms(params: np.ndarray, t: np.ndarray, censored: np.ndarray):
    """Per-row log-likelihood and its gradient in (ln alpha, ln beta).

    ln P(T = t) = ln B(alpha + 1, beta + t - 1) - ln B(alpha, beta)      (eq. 5, left at t)
    ln S(t)     = ln B(alpha, beta + t) - ln B(alpha, beta)              (eq. 6, active at t)
    with d ln B(a, b) / d a = psi(a) - psi(a + b).
    """
    alpha, beta = params
    psi_ab = special.digamma(alpha + beta)
    psi_abt = special.digamma(alpha + beta + t)
    base = special.betaln(alpha, beta)
    left = special.betaln(alpha + 1, beta + t - 1) - base
    active = special.betaln(alpha, beta + t) - base
    d_alpha = np.where(
        censored, psi_ab - psi_abt, special.digamma(alpha + 1) - special.digamma(alpha) + psi_ab - psi_abt
    )
    d_beta = (
        np.where(censored, special.digamma(beta + t), special.digamma(beta + t - 1))
        - special.digamma(beta)
        + psi_ab
        - psi_abt
    )
    return np.where(censored, active, left), np.column_stack([d_alpha * alpha, d_beta * beta])


@dataclass(frozen=True)
class RetentionModel:
    """A fitted sBG model: churn probability theta ~ Beta(alpha, beta) across customers.

    Attributes
    ----------
    fit:
        The maximum-likelihood fit (``params`` alpha, beta; standard errors; log-likelihood;
        ``n`` the customers at period 0 over the cohorts).
    cohorts:
        The survivor counts it was fitted on, one array per cohort.

    Examples
    --------
    >>> model = RetentionModel.of_params(1.0, 1.0)
    >>> model.survival([0, 1, 2]).round(4).tolist()  # S(t) = 1 / (t + 1) for alpha = beta = 1
    [1.0, 0.5, 0.3333]
    """

    fit: FitResult
    cohorts: tuple[np.ndarray, ...] = ()

    @classmethod
    def of_params(cls, alpha: float, beta: float) -> RetentionModel:
        """A model with given parameters (no fit: no standard errors)."""
        for name, value in (("alpha", alpha), ("beta", beta)):
            if not (isinstance(value, (int, float)) and math.isfinite(value) and value > 0):
                raise SegmenterInputError(f"must be a positive number, got {value!r}", column=name)
        return cls(
            FitResult({"alpha": float(alpha), "beta": float(beta)}, {"alpha": np.nan, "beta": np.nan}, np.nan, np.nan)
        )

    @property
    def alpha(self) -> float:
        return self.fit.params["alpha"]

    @property
    def beta(self) -> float:
        return self.fit.params["beta"]

    def survival(self, t) -> np.ndarray:
        """S(t): share of a cohort still active at period t = B(alpha, beta + t) / B(alpha, beta) (eq. 6)."""
        t = np.asarray(t, dtype=float)
        return np.exp(special.betaln(self.alpha, self.beta + t) - special.betaln(self.alpha, self.beta))

    def retention(self, t) -> np.ndarray:
        """r_t = S(t) / S(t - 1) = (beta + t - 1) / (alpha + beta + t - 1), t = 1, 2, ... (eq. 7): rises with t."""
        t = np.asarray(t, dtype=float)
        return (self.beta + t - 1) / (self.alpha + self.beta + t - 1)

    def churn_probability(self, t) -> np.ndarray:
        """P(T = t): share of a starting cohort that leaves at period t =
        B(alpha + 1, beta + t - 1) / B(alpha, beta)."""
        t = np.asarray(t, dtype=float)
        return np.exp(special.betaln(self.alpha + 1, self.beta + t - 1) - special.betaln(self.alpha, self.beta))

    def derl(self, discount: float, renewals=0) -> np.ndarray:
        """Discounted expected residual lifetime of a customer who has renewed ``renewals`` times (F&H 2010 eq. 6).

        The expected number of payments still to come, each one discounted by ``discount`` per
        period, counting the payment at the coming renewal (if the customer renews) undiscounted:
        with n = renewals + 1 and b = beta + n - 1, a = alpha + beta + n - 1,

            DERL = b / a * 2F1(1, b + 1; a + 1; 1 / (1 + d)) = sum_k>=1 S(n - 1 + k) / S(n - 1) (1 + d)^-(k - 1)

        Multiply by the margin per period for the customer's residual value. ``renewals`` 0 is a
        customer at the end of the first period. For a new customer (payment now, then renewals)
        DEL = 1 + DERL(renewals=0). Grows with ``renewals``: a customer who stayed long is likely
        to have a low churn probability.

        Examples
        --------
        With alpha = beta = 1 and d = 0.1, S(k) / S(0) = 1 / (k + 1), so DERL = sum_k 1/(k+1) z^(k-1)
        with z = 1/1.1: (-ln(1 - z) - z) / z^2 = 1.8015.

        >>> z = 1 / 1.1
        >>> round((-math.log(1 - z) - z) / z ** 2, 4), round(float(RetentionModel.of_params(1, 1).derl(0.1)), 4)
        (1.8015, 1.8015)
        """
        if not (isinstance(discount, (int, float)) and math.isfinite(discount) and discount > 0):
            raise SegmenterInputError(
                f"the discount rate per period must be above 0, got {discount!r}", column="discount"
            )
        n = np.asarray(renewals, dtype=float) + 1
        if np.any(~np.isfinite(n) | (n < 1) | (n != np.round(n))):
            raise SegmenterInputError("renewals must be whole numbers, 0 or more", column="renewals")
        values, index = np.unique(n, return_inverse=True)
        return _derl_series(self.alpha, self.beta, values, 1 / (1 + discount))[index].reshape(n.shape)

    def expected_remaining_periods(self, renewals=0) -> np.ndarray:
        """Expected renewals still to come (undiscounted) of a customer who has renewed ``renewals`` times.

        (beta + n - 1) / (alpha - 1) with n = renewals + 1, finite only for alpha > 1; for
        alpha <= 1 a share of customers has a churn probability so close to 0 that the mean
        lifetime is infinite (the result is then inf: use :meth:`derl`).

        >>> RetentionModel.of_params(3.0, 4.0).expected_remaining_periods([0, 2]).tolist()
        [2.0, 3.0]
        """
        n = np.asarray(renewals, dtype=float) + 1
        if self.alpha <= 1:
            return np.full(np.shape(n), np.inf)
        return (self.beta + n - 1) / (self.alpha - 1)

    def summary(self) -> pd.DataFrame:
        """``model, parameter, value, standard_error, meaning``: alpha, beta, log-likelihood, customers."""
        return parameter_table(self.fit, MEANINGS, model="sBG")


def _derl_series(alpha: float, beta: float, n: np.ndarray, z: float) -> np.ndarray:
    """sum_k>=1 prod_j<k (beta+n-1+j)/(alpha+beta+n-1+j) z^(k-1), summed term by term.

    scipy's hyp2f1 gives NaN for large alpha, beta (a churn probability nearly the same for
    everyone); the terms here fall at least as fast as z^k, so summing until z^k < 1e-17 is
    exact to rounding.
    """
    terms = min(int(math.ceil(-40.0 / math.log(z))), 2_000_000)
    j = np.arange(terms, dtype=float)
    result = np.empty(n.size)
    for i, m in enumerate(n):
        ratios = (beta + m - 1 + j) / (alpha + beta + m - 1 + j)
        result[i] = float(np.cumprod(ratios) @ z**j)
    return result


def fit_retention(cohorts) -> RetentionModel:
    """Fit the sBG model on the survivor counts of one cohort or several.

    Parameters
    ----------
    cohorts:
        Customers still active at period 0, 1, ..., n (one sequence), or a sequence of such
        sequences, one per cohort (their lengths may differ: younger cohorts have fewer periods).

    Returns
    -------
    RetentionModel

    Raises
    ------
    SegmenterInputError
        Bad counts (see :func:`check_survivors`), or a fit that runs a parameter to 0 or
        infinity (nobody leaves, everybody leaves at once).

    Notes
    -----
    The log-likelihood (Fader & Hardie 2007, eq. B1) sums, over cohorts, the customers lost at
    each period t times ln P(T = t), plus the customers still active at the cohort's last
    period n times ln S(n). It is maximised in (ln alpha, ln beta) with its analytic
    gradient; standard errors come from the observed information.

    Examples
    --------
    >>> model = fit_retention([1000, 869, 743, 653, 593, 551, 517, 491])
    >>> round(model.alpha, 3), round(model.beta, 3), round(model.fit.log_likelihood, 1)
    (0.668, 3.806, -1611.2)
    """
    raw = list(cohorts) if isinstance(cohorts, (list, tuple)) else list(np.asarray(cohorts, dtype=object))
    nested = bool(raw) and all(isinstance(c, (list, tuple, np.ndarray)) for c in raw)
    arrays = (
        tuple(check_survivors(c, name=f"cohort {i + 1}", periods=1) for i, c in enumerate(raw))
        if nested
        else (check_survivors(raw),)
    )
    if max(a.size for a in arrays) < MIN_PERIODS + 1:
        raise SegmenterInputError(
            f"the oldest cohort needs counts for period 0 and at least {MIN_PERIODS} later "
            "periods to fit two parameters",
            column="survivors",
        )
    t, censored, weight = _rows(arrays)
    if not (~censored).any():
        raise SegmenterInputError(
            "no customer left in any period, so the churn probabilities cannot be estimated "
            "(every count is the same as the first)",
            column="survivors",
        )
    fit = fit_max_likelihood(
        lambda params: _log_likelihood_terms(params, t, censored),
        PARAMETER_NAMES,
        weight,
        model="sBG",
        column="survivors",
        hint=RETENTION_HINT,
    )
    return RetentionModel(fit, arrays)


def retention_table(model: RetentionModel, periods: int | None = None) -> pd.DataFrame:
    """Per cohort and period: customers active, actual and fitted or projected, and retention rates.

    ``cohort, period, actual, fitted, actual_retention, fitted_retention, projected`` where
    ``fitted`` = S(t) x customers at period 0 and ``projected`` marks periods beyond the
    cohort's data (up to ``periods``, default the longest cohort's last period + 5).

    Examples
    --------
    >>> table = retention_table(RetentionModel.of_params(1.0, 1.0, ), 2)
    >>> table[["period", "fitted", "fitted_retention"]].round(3).values.tolist()
    [[0.0, 1.0, nan], [1.0, 0.5, 0.5], [2.0, 0.333, 0.667]]
    """
    cohorts = model.cohorts or (np.array([1.0]),)
    last = max(c.size for c in cohorts) - 1 + 5 if periods is None else int(periods)
    frames = []
    for i, survivors in enumerate(cohorts):
        t = np.arange(last + 1, dtype=float)
        actual = np.full(t.size, np.nan)
        actual[: min(survivors.size, t.size)] = survivors[: t.size]
        with np.errstate(invalid="ignore", divide="ignore"):
            actual_retention = np.r_[np.nan, actual[1:] / actual[:-1]]
        frames.append(
            pd.DataFrame(
                {
                    "cohort": i + 1,
                    "period": t,
                    "actual": actual if model.cohorts else np.nan,
                    "fitted": model.survival(t) * survivors[0],
                    "actual_retention": actual_retention if model.cohorts else np.nan,
                    "fitted_retention": np.r_[np.nan, model.retention(t[1:])],
                    "projected": t > survivors.size - 1 if model.cohorts else False,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)
