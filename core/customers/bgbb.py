"""The BG/BB model of discrete-time repeat transactions (Fader, Hardie & Shang 2010).

For customers who can buy, give or renew only at set occasions (a yearly donation drive, an
annual event, a renewal date): at each opportunity a customer still "alive" transacts with
probability p and, before the next one, drops out for good with probability theta;
p ~ Beta(alpha, beta) and theta ~ Beta(gamma, delta) across customers. Each customer is
summarised by x (transactions at the n opportunities after the first one), t_x (the
opportunity of the last transaction, 0 when x = 0) and n.

Reference: P. S. Fader, B. G. S. Hardie, J. Shang, "Customer-base analysis in a discrete-time
noncontractual setting", Marketing Science 29(6), 2010, 1086-1108 (equation numbers below
are that paper's). On the 1995 cohort of donors to a US non-profit (11,104 donors, 6 yearly
opportunities 1996-2001) the estimates are alpha = 1.204, beta = 0.750, gamma = 0.657,
delta = 2.783, log-likelihood -33,225.6.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import special

from core.customers.fitting import FitResult, fit_max_likelihood, parameter_table
from core.errors import SegmenterInputError

PARAMETER_NAMES = ("alpha", "beta", "gamma", "delta")
MEANINGS = {
    "alpha": "transaction probability Beta shape alpha",
    "beta": (
        "transaction probability Beta shape beta; mean chance to transact at an opportunity = alpha / (alpha + beta)"
    ),
    "gamma": "drop-out probability Beta shape gamma",
    "delta": "drop-out probability Beta shape delta; mean chance to drop out before an opportunity = "
    "gamma / (gamma + delta)",
}
BGBB_HINT = "too few customers, no sign of customers dropping out, or frequency/recency not counted in opportunities"
MIN_CUSTOMERS = 10


def check_bgbb_inputs(frequency, recency, opportunities, counts=None):
    """(x, t_x, n, customers) as float arrays, checked; the first offending row is named.

    Each must be a whole number with 0 <= x <= t_x <= n, x = 0 exactly when t_x = 0, n >= 1
    and customers > 0.

    Examples
    --------
    >>> [a.tolist() for a in check_bgbb_inputs([0, 2], [0, 5], [6, 6])]
    [[0.0, 2.0], [0.0, 5.0], [6.0, 6.0], [1.0, 1.0]]
    """
    arrays = [np.asarray(v, dtype=float).ravel() for v in (frequency, recency, opportunities)]
    size = arrays[0].size
    weight = np.ones(size) if counts is None else np.asarray(counts, dtype=float).ravel()
    if any(a.size != size for a in (*arrays, weight)):
        raise SegmenterInputError("frequency, recency, opportunities (and counts) must have one value per row")
    x, t_x, n = arrays
    whole = lambda a: ~np.isfinite(a) | (a != np.round(a))  # noqa: E731
    checks = (
        (whole(x) | (x < 0), "frequency", "must be a whole number of transactions, 0 or more"),
        (whole(t_x) | (t_x < 0), "recency", "must be the whole-number opportunity of the last transaction, 0 or more"),
        (whole(n) | (n < 1), "opportunities", "must be a whole number of opportunities, 1 or more"),
        (x > t_x, "frequency", "is above recency (x transactions need x opportunities up to the last one)"),
        (t_x > n, "recency", "is above the number of opportunities"),
        ((x == 0) != (t_x == 0), "recency", "must be 0 exactly when frequency is 0"),
        (~np.isfinite(weight) | (weight <= 0), "count", "must be a positive number of customers"),
    )
    for bad, column, reason in checks:
        if bad.any():
            first = int(np.flatnonzero(bad)[0])
            raise SegmenterInputError(
                f"{reason}; row {first + 1} of {size} ({int(bad.sum())} rows affected)", column=column
            )
    return x, t_x, n, weight


def _log_likelihood(params: np.ndarray, x: np.ndarray, t_x: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Per-row ln L (eq. 5), a log-sum-exp over the alive-at-n term and the drop-out terms.

    L = B(a+x, b+n-x)/B(a,b) B(g, d+n)/B(g,d)
        + sum_{i=0}^{n-t_x-1} B(a+x, b+t_x-x+i)/B(a,b) B(g+1, d+t_x+i)/B(g,d)
    """
    alpha, beta, gamma, delta = params
    base = special.betaln(alpha, beta) + special.betaln(gamma, delta)
    alive = special.betaln(alpha + x, beta + n - x) + special.betaln(gamma, delta + n)
    i = np.arange(int(n.max()), dtype=float)[None, :]
    gone = special.betaln(alpha + x[:, None], beta + t_x[:, None] - x[:, None] + i) + special.betaln(
        gamma + 1, delta + t_x[:, None] + i
    )
    gone = np.where(i < (n - t_x)[:, None], gone, -np.inf)
    return special.logsumexp(np.column_stack([alive, gone]), axis=1) - base


class BetaBinomialModel:
    """BG/BB: fit on (frequency, recency, opportunities[, customers per row]), then predict.

    Attributes (after :meth:`fit`): ``params_`` (alpha, beta, gamma, delta), ``fit_``
    (:class:`core.customers.fitting.FitResult`: standard errors, log-likelihood, customers).

    Examples
    --------
    >>> model = BetaBinomialModel()
    >>> model.params_ = {"alpha": 1.204, "beta": 0.750, "gamma": 0.657, "delta": 2.783}
    >>> round(float(model.probability_alive(0, 0, 6)[0]), 3)  # a donor who never came back
    0.108
    """

    name = "BG/BB"

    def __init__(self) -> None:
        self.params_: dict[str, float] | None = None
        self.fit_: FitResult | None = None

    def fit(self, frequency, recency, opportunities, counts=None) -> BetaBinomialModel:
        """Maximum-likelihood fit; identical rows are summed first.

        Raises
        ------
        SegmenterInputError
            Bad rows (:func:`check_bgbb_inputs`), fewer than 10 customers, no repeat
            transaction, or a parameter running to 0 or infinity.
        """
        x, t_x, n, weight = check_bgbb_inputs(frequency, recency, opportunities, counts)
        if weight.sum() < MIN_CUSTOMERS:
            raise SegmenterInputError(
                f"BG/BB needs at least {MIN_CUSTOMERS} customers, got {weight.sum():g}", column="count"
            )
        if not (x > 0).any():
            raise SegmenterInputError(
                "no customer transacted again, so the model cannot be estimated", column="frequency"
            )
        grouped = pd.DataFrame({"x": x, "t": t_x, "n": n, "w": weight}).groupby(["x", "t", "n"], sort=True)["w"].sum()
        keys = grouped.index
        x, t_x, n = (keys.get_level_values(k).to_numpy(float) for k in range(3))
        fit = fit_max_likelihood(
            lambda params: (_log_likelihood(params, x, t_x, n), None),
            PARAMETER_NAMES,
            grouped.to_numpy(float),
            model=self.name,
            column="frequency",
            hint=BGBB_HINT,
        )
        self.fit_ = fit
        self.params_ = dict(fit.params)
        return self

    def _fitted(self) -> np.ndarray:
        if self.params_ is None:
            raise SegmenterInputError("the BG/BB model is not fitted yet; call fit first")
        return np.array([self.params_[name] for name in PARAMETER_NAMES])

    def summary(self) -> pd.DataFrame:
        """``model, parameter, value, standard_error, meaning``."""
        params = self._fitted()
        fit = self.fit_ or FitResult(
            dict(zip(PARAMETER_NAMES, params.tolist())), dict.fromkeys(PARAMETER_NAMES, np.nan), np.nan, np.nan
        )
        return parameter_table(fit, MEANINGS, model=self.name)

    def log_likelihood(self, frequency, recency, opportunities) -> np.ndarray:
        """Per-row ln L at the fitted parameters."""
        x, t_x, n, _ = check_bgbb_inputs(frequency, recency, opportunities)
        return _log_likelihood(self._fitted(), x, t_x, n)

    def probability_alive(self, frequency, recency, opportunities) -> np.ndarray:
        """P(still alive at opportunity n + 1 | x, t_x, n) (eq. 11)."""
        alpha, beta, gamma, delta = params = self._fitted()
        x, t_x, n, _ = check_bgbb_inputs(frequency, recency, opportunities)
        log_alive = (
            special.betaln(alpha + x, beta + n - x)
            - special.betaln(alpha, beta)
            + special.betaln(gamma, delta + n + 1)
            - special.betaln(gamma, delta)
        )
        return np.exp(log_alive - _log_likelihood(params, x, t_x, n))

    def expected_transactions(self, future, frequency, recency, opportunities) -> np.ndarray:
        """E[transactions at the next ``future`` opportunities | x, t_x, n] (eq. 13).

        (1/L) B(a+x+1, b+n-x)/B(a,b) d/(g-1) G(g+d)/G(1+d)
        [G(1+d+n)/G(g+d+n) - G(1+d+n+n*)/G(g+d+n+n*)], the gamma functions taken in logs. At
        gamma = 1 the formula is 0/0 and continuous around it, so gamma is moved by 1e-9 there.
        """
        alpha, beta, gamma, delta = params = self._fitted()
        x, t_x, n, _ = check_bgbb_inputs(frequency, recency, opportunities)
        future = np.broadcast_to(np.asarray(future, dtype=float), x.shape)
        if np.any(~np.isfinite(future) | (future < 0)):
            raise SegmenterInputError("the number of future opportunities must be 0 or more", column="future")
        g = gamma + 1e-9 if abs(gamma - 1) < 1e-9 else gamma
        log_front = (
            special.betaln(alpha + x + 1, beta + n - x)
            - special.betaln(alpha, beta)
            + special.gammaln(g + delta)
            - special.gammaln(1 + delta)
            - _log_likelihood(params, x, t_x, n)
        )
        now = special.gammaln(1 + delta + n) - special.gammaln(g + delta + n)
        later = special.gammaln(1 + delta + n + future) - special.gammaln(g + delta + n + future)
        return np.exp(log_front + now) * delta / (g - 1) * -np.expm1(later - now)
