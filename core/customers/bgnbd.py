"""The BG/NBD model of repeat purchasing (Fader, Hardie & Lee 2005), fitted by maximum likelihood.

A customer buys at rate lambda while alive (Poisson; lambda ~ Gamma(r, alpha) across
customers) and after each purchase drops out with probability p (p ~ Beta(a, b)). From each
customer's (frequency x, recency t_x, age T) the model gives the expected number of purchases
in a future period and the probability the customer is still alive.

Reference: P. S. Fader, B. G. S. Hardie, K. L. Lee, "Counting your customers the easy way: an
alternative to the Pareto/NBD model", Marketing Science 24(2), 2005, 275-284; equation
numbers below are the paper's. On the CDNOW sample (2,357 customers, 39-week calibration,
weeks) the maximum-likelihood estimates are r = 0.243, alpha = 4.414, a = 0.793, b = 2.426
with log-likelihood -9,582.4.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import optimize, special

from core.errors import SegmenterInputError

PARAMETER_NAMES = ("r", "alpha", "a", "b")
MIN_CUSTOMERS = 10
# The optimiser searches log-parameters within +-_LOG_BOUND (alpha relative to the mean age T);
# an optimum at the bound means a parameter is running to 0 or infinity (a degenerate fit).
_LOG_BOUND = 10.0


def check_rfm_inputs(frequency, recency, T, *, weights=None) -> tuple[np.ndarray, ...]:
    """Validate (x, t_x, T) per customer; return float arrays (frequency, recency, T, weights).

    Raises :class:`SegmenterInputError` naming the first offending customer (1-based position)
    for: different lengths, missing or infinite values, frequency not a whole number >= 0,
    recency < 0, T < recency, recency > 0 with frequency 0 or recency 0 with frequency > 0
    (a repeat purchase happens after the first), and weights that are not positive.
    """
    arrays = [np.asarray(v, dtype=float).ravel() for v in (frequency, recency, T)]
    n = arrays[0].size
    if weights is None:
        weight_array = np.ones(n)
    else:
        weight_array = np.asarray(weights, dtype=float).ravel()
    if any(a.size != n for a in (*arrays, weight_array)):
        raise SegmenterInputError("frequency, recency, T (and weights) must have one value per customer")
    x, t_x, age = arrays
    checks = (
        (~np.isfinite(x), "frequency", "is missing or not a number"),
        (~np.isfinite(t_x), "recency", "is missing or not a number"),
        (~np.isfinite(age), "T", "is missing or not a number"),
        ((x < 0) | (x != np.round(x)), "frequency", "must be a whole number of repeat purchases, 0 or more"),
        (t_x < 0, "recency", "is negative (time from first to last purchase cannot be)"),
        (age < t_x, "T", "is below recency (the customer's age must cover the last purchase)"),
        ((x == 0) & (t_x != 0), "recency", "is above 0 but frequency is 0 (no repeat purchase to date it)"),
        ((x > 0) & (t_x == 0), "recency", "is 0 but frequency is above 0 (a repeat purchase comes later)"),
        (~np.isfinite(weight_array) | (weight_array <= 0), "weights", "must be positive numbers"),
    )
    for bad, column, reason in checks:
        if bad.any():
            first = int(np.flatnonzero(bad)[0])
            raise SegmenterInputError(
                f"{reason}; customer {first + 1} of {n} ({int(bad.sum())} customers affected)", column=column
            )
    return x, t_x, age, weight_array


def _group_identical(x: np.ndarray, t_x: np.ndarray, T: np.ndarray, weight: np.ndarray):
    """Unique (x, t_x, T) rows with their summed weights: the likelihood is then evaluated once per row."""
    grouped = pd.DataFrame({"x": x, "t_x": t_x, "T": T, "w": weight}).groupby(["x", "t_x", "T"], sort=False)["w"].sum()
    keys = grouped.index
    return (keys.get_level_values(0).to_numpy(float), keys.get_level_values(1).to_numpy(float),
            keys.get_level_values(2).to_numpy(float), grouped.to_numpy(float))


def _log_likelihood_terms(params: np.ndarray, x: np.ndarray, t_x: np.ndarray, T: np.ndarray):
    """Per-customer log-likelihood (FHL eq. 6 in log form) and its gradient in the log-parameters.

    ln L = ln G(r+x) - ln G(r) + r ln alpha + ln B(a, b+x) - ln B(a, b)
           + ln[ (alpha+T)^-(r+x) + [x>0] a/(b+x-1) (alpha+t_x)^-(r+x) ]
    using B(a+1, b+x-1) / B(a, b+x) = a / (b+x-1); the last line is a log-sum-exp.
    """
    r, alpha, a, b = params
    repeat = x > 0
    log_age = np.log(alpha + T)
    log_last = np.log(alpha + t_x)
    u_alive = -(r + x) * log_age
    u_dropped = np.full_like(x, -np.inf)
    u_dropped[repeat] = np.log(a) - np.log(b + x[repeat] - 1) - (r + x[repeat]) * log_last[repeat]
    log_sum = np.logaddexp(u_alive, u_dropped)
    ll = (special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
          + special.betaln(a, b + x) - special.betaln(a, b) + log_sum)
    w_alive = np.exp(u_alive - log_sum)
    w_dropped = np.exp(u_dropped - log_sum)
    safe_b = np.where(repeat, b + x - 1, 1.0)
    psi_ab, psi_abx = special.digamma(a + b), special.digamma(a + b + x)
    d_r = special.digamma(r + x) - special.digamma(r) + np.log(alpha) - w_alive * log_age - w_dropped * log_last
    d_alpha = r / alpha - (r + x) * (w_alive / (alpha + T) + w_dropped / (alpha + t_x))
    d_a = psi_ab - psi_abx + w_dropped / a
    d_b = special.digamma(b + x) - special.digamma(b) + psi_ab - psi_abx - w_dropped / safe_b
    gradient = np.column_stack([d_r, d_alpha, d_a, d_b]) * params
    return ll, gradient


class BetaGeoModel:
    """BG/NBD model: fit on (frequency, recency, T) per customer, then predict.

    Attributes (after :meth:`fit`)
    ------------------------------
    params_ : dict
        Maximum-likelihood r, alpha (in the time unit of recency and T), a, b.
    log_likelihood_ : float
        Total log-likelihood at the optimum (weighted sum over customers).
    n_customers_ : float
        Number of customers fitted (sum of weights).

    Notes
    -----
    frequency x is the number of repeat purchase occasions (distinct purchase days after the
    first), recency t_x the time from first to last purchase, T the time from first purchase to
    the end of the observation period, t_x and T in the same unit (weeks for CDNOW). The fit
    maximises the sum of FHL eq. (6) over customers, on log-parameters with L-BFGS-B and the
    analytic gradient; identical (x, t_x, T) rows are grouped with counts first.

    Examples
    --------
    >>> model = BetaGeoModel().fit([0, 1, 2, 0, 3, 1, 0, 5, 2, 0, 1, 0],
    ...                            [0, 5, 20, 0, 30, 2, 0, 35, 10, 0, 25, 0],
    ...                            [40, 38, 39, 36, 40, 30, 35, 40, 39, 38, 37, 40])
    >>> float(model.probability_alive(0, 0, 40)[0])
    1.0
    """

    def __init__(self) -> None:
        self.params_: dict[str, float] | None = None
        self.log_likelihood_: float | None = None
        self.n_customers_: float | None = None

    def fit(self, frequency, recency, T, weights=None) -> "BetaGeoModel":
        """Fit r, alpha, a, b by maximum likelihood; raise when the data cannot support it.

        Parameters
        ----------
        frequency, recency, T : array-like
            One value per customer (see the class Notes for units).
        weights : array-like, optional
            Number of customers each row stands for (for pre-grouped data).

        Returns
        -------
        BetaGeoModel
            self, fitted.

        Raises
        ------
        SegmenterInputError
            Invalid inputs (see :func:`check_rfm_inputs`); fewer than 10 customers; no repeat
            buyer (a and b are then not identified); the optimiser not converging or running a
            parameter to 0 or infinity.
        """
        x, t_x, age, weight = check_rfm_inputs(frequency, recency, T, weights=weights)
        total = float(weight.sum())
        if total < MIN_CUSTOMERS:
            raise SegmenterInputError(
                f"BG/NBD needs at least {MIN_CUSTOMERS} customers to fit, got {total:g}", column="frequency"
            )
        if not (x > 0).any():
            raise SegmenterInputError(
                "no customer has a repeat purchase, so the drop-out rate cannot be estimated", column="frequency"
            )
        x, t_x, age, counts = _group_identical(x, t_x, age, weight)
        scale = max(float(np.average(age, weights=counts)), 1e-9)

        unit_scale = np.array([1.0, scale, 1.0, 1.0])

        def objective(log_params):
            with np.errstate(all="ignore"):
                ll, gradient = _log_likelihood_terms(np.exp(log_params) * unit_scale, x, t_x, age)
            return -counts @ ll / total, -(counts @ gradient) / total

        result = optimize.minimize(objective, np.zeros(4), jac=True, method="L-BFGS-B",
                                   bounds=[(-_LOG_BOUND, _LOG_BOUND)] * 4,
                                   options={"maxiter": 2000, "gtol": 1e-9, "ftol": 1e-14})
        if np.any(np.abs(result.x) > _LOG_BOUND - 0.1):
            raise SegmenterInputError(
                "BG/NBD fit ran a parameter to 0 or infinity; the data do not support the model "
                "(too few customers or repeat purchases, or recency/T in the wrong unit)",
                column="frequency",
            )
        if not result.success or not np.isfinite(result.fun):
            raise SegmenterInputError(f"BG/NBD fit did not converge ({result.message})", column="frequency")
        self.params_ = dict(zip(PARAMETER_NAMES, (np.exp(result.x) * unit_scale).tolist()))
        self.log_likelihood_ = float(-result.fun * total)
        self.n_customers_ = total
        return self

    def _fitted(self) -> tuple[float, float, float, float]:
        if self.params_ is None:
            raise SegmenterInputError("the BG/NBD model is not fitted yet; call fit first")
        return tuple(self.params_[name] for name in PARAMETER_NAMES)

    def summary(self) -> pd.DataFrame:
        """Fitted parameters as a table: parameter, value, meaning."""
        r, alpha, a, b = self._fitted()
        return pd.DataFrame({
            "parameter": ["r", "alpha", "a", "b", "log_likelihood", "customers"],
            "value": [r, alpha, a, b, self.log_likelihood_, self.n_customers_],
            "meaning": [
                "shape of the purchase-rate distribution (Gamma)",
                "scale of the purchase-rate distribution, in time units; mean rate = r / alpha",
                "drop-out probability Beta shape a",
                "drop-out probability Beta shape b; mean drop-out after a purchase = a / (a + b)",
                "log-likelihood at the maximum",
                "customers fitted",
            ],
        })

    def probability_alive(self, frequency, recency, T) -> np.ndarray:
        """P(alive | x, t_x, T), FHL 2005 eq. (A11 in the technical note).

        P = 1 / (1 + [x>0] a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x)); 1 for x = 0.
        """
        r, alpha, a, b = self._fitted()
        x, t_x, age, _ = check_rfm_inputs(frequency, recency, T)
        repeat = x > 0
        log_odds = np.full_like(x, -np.inf)
        log_odds[repeat] = (np.log(a) - np.log(b + x[repeat] - 1)
                            + (r + x[repeat]) * (np.log(alpha + age[repeat]) - np.log(alpha + t_x[repeat])))
        return special.expit(-log_odds)

    def expected_purchases(self, t, frequency, recency, T) -> np.ndarray:
        """E[purchases in (T, T+t] | x, t_x, T], FHL eq. (10).

        E = (a+b+x-1)/(a-1) [1 - ((alpha+T)/(alpha+T+t))^(r+x) 2F1(r+x, b+x; a+b+x-1; t/(alpha+T+t))]
            / (1 + [x>0] a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x)),
        2F1 the Gaussian hypergeometric function; t in the unit of T, scalar or one per customer.
        """
        r, alpha, a, b = self._fitted()
        x, t_x, age, _ = check_rfm_inputs(frequency, recency, T)
        t = _horizon(t, x.size)
        hyper = special.hyp2f1(r + x, b + x, a + b + x - 1, t / (alpha + age + t))
        power = np.exp((r + x) * (np.log(alpha + age) - np.log(alpha + age + t)))
        expected_if_alive = (a + b + x - 1) / (a - 1) * (1 - power * hyper)
        return np.where(t == 0, 0.0, expected_if_alive * self.probability_alive(x, t_x, age))

    def expected_purchases_new(self, t) -> np.ndarray:
        """E[X(t)] for a new customer over t time units, FHL eq. (9).

        E = (a+b-1)/(a-1) [1 - (alpha/(alpha+t))^r 2F1(r, b; a+b-1; t/(alpha+t))].
        """
        r, alpha, a, b = self._fitted()
        t = np.asarray(t, dtype=float)
        if np.any(~np.isfinite(t) | (t < 0)):
            raise SegmenterInputError("the prediction period t must be a number of time units, 0 or more")
        hyper = special.hyp2f1(r, b, a + b - 1, t / (alpha + t))
        return (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + t)) ** r * hyper)


def _horizon(t, n: int) -> np.ndarray:
    t = np.broadcast_to(np.asarray(t, dtype=float), (n,))
    if np.any(~np.isfinite(t) | (t < 0)):
        raise SegmenterInputError("the prediction period t must be a number of time units, 0 or more")
    return t
