"""The Gamma-Gamma model of spend per purchase (Fader, Hardie & Lee 2005; Fader & Hardie 2013).

Each purchase of a customer has value z ~ Gamma(p, nu); the customer's nu ~ Gamma(q, gamma)
across customers. A customer's observed mean repeat spend m over x repeat purchases then has
the density used here, and the expected spend per future purchase shrinks m towards the
population mean. On the CDNOW sample's 946 repeat buyers (39-week calibration) the maximum-
likelihood estimates are p = 6.25, q = 3.74, gamma ("v") = 15.45.

Reference: P. S. Fader, B. G. S. Hardie, "The Gamma-Gamma model of monetary value", 2013
(brucehardie.com/notes/025); the model assumes spend per purchase is independent of the
number of purchases, which :class:`GammaGammaModel` measures and reports.
"""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy import optimize, special

from core.errors import SegmenterInputError

PARAMETER_NAMES = ("p", "q", "v")
MIN_CUSTOMERS = 10
# |Pearson correlation| of frequency and mean spend above this breaks the independence assumption.
CORRELATION_WARNING = 0.3
# Log-parameters are searched within +-_LOG_BOUND (v relative to the mean spend); an optimum at
# the bound is a parameter running to 0 or infinity.
_LOG_BOUND = 10.0


class SpendFrequencyCorrelationWarning(UserWarning):
    """Frequency and mean spend are correlated: the Gamma-Gamma independence assumption is doubtful."""


def _check_spend_inputs(frequency, monetary) -> tuple[np.ndarray, np.ndarray]:
    x = np.asarray(frequency, dtype=float).ravel()
    m = np.asarray(monetary, dtype=float).ravel()
    if x.size != m.size:
        raise SegmenterInputError("frequency and mean spend must have one value per customer")
    for bad, column, reason in (
        (~np.isfinite(x) | (x <= 0) | (x != np.round(x)), "frequency",
         "must be a whole number of repeat purchases above 0 (fit repeat buyers only)"),
        (~np.isfinite(m) | (m <= 0), "avg_repeat_spend", "must be a positive amount (mean spend per repeat purchase)"),
    ):
        if bad.any():
            first = int(np.flatnonzero(bad)[0])
            raise SegmenterInputError(
                f"{reason}; customer {first + 1} of {x.size} ({int(bad.sum())} customers affected)", column=column
            )
    return x, m


def _log_likelihood_terms(params: np.ndarray, x: np.ndarray, m: np.ndarray):
    """Per-customer log density of the mean spend m over x purchases and its log-parameter gradient.

    ln f = ln G(px+q) - ln G(px) - ln G(q) + q ln v + (px-1) ln m + px ln x - (px+q) ln(v + m x)
    """
    p, q, v = params
    px = p * x
    log_total = np.log(v + m * x)
    ll = (special.gammaln(px + q) - special.gammaln(px) - special.gammaln(q) + q * np.log(v)
          + (px - 1) * np.log(m) + px * np.log(x) - (px + q) * log_total)
    psi_sum = special.digamma(px + q)
    d_p = x * (psi_sum - special.digamma(px) + np.log(m) + np.log(x) - log_total)
    d_q = psi_sum - special.digamma(q) + np.log(v) - log_total
    d_v = q / v - (px + q) / (v + m * x)
    return ll, np.column_stack([d_p, d_q, d_v]) * params


class GammaGammaModel:
    """Gamma-Gamma spend model: fit on repeat buyers' (frequency, mean repeat spend), then predict.

    Attributes (after :meth:`fit`)
    ------------------------------
    params_ : dict
        p, q, v (v is the paper's gamma, in currency units).
    log_likelihood_ : float
    n_customers_ : int
    correlation_ : float
        Pearson correlation of frequency and mean spend among the fitted customers; above
        0.3 in absolute value :meth:`fit` warns with :class:`SpendFrequencyCorrelationWarning`.

    Notes
    -----
    Mean spend per purchase in the population is p v / (q - 1) (finite only for q > 1).
    Expected spend per purchase of a customer with x repeat purchases of mean m:

        E[Z | x, m] = (v + m x) p / (p x + q - 1)
                    = w * p v / (q - 1) + (1 - w) * m,   w = (q - 1) / (p x + q - 1),

    a weighted average of the population mean and the customer's own mean; with x = 0 it is
    the population mean.

    Examples
    --------
    >>> model = GammaGammaModel()
    >>> model.params_ = {"p": 6.0, "q": 4.0, "v": 15.0}
    >>> float(model.expected_avg_spend(0, 0)[0])  # 6 * 15 / 3
    30.0
    >>> float(model.expected_avg_spend(2, 40)[0])  # (15 + 80) * 6 / (12 + 3)
    38.0
    """

    def __init__(self) -> None:
        self.params_: dict[str, float] | None = None
        self.log_likelihood_: float | None = None
        self.n_customers_: int | None = None
        self.correlation_: float | None = None

    def fit(self, frequency, avg_repeat_spend) -> "GammaGammaModel":
        """Fit p, q, v by maximum likelihood on repeat buyers.

        Parameters
        ----------
        frequency : array-like
            Repeat purchases per customer, all above 0 (select repeat buyers first).
        avg_repeat_spend : array-like
            Mean spend per repeat purchase, all above 0 (currency units).

        Returns
        -------
        GammaGammaModel
            self, fitted.

        Raises
        ------
        SegmenterInputError
            Non-positive or missing values, fewer than 10 customers, all spends equal (no
            spread to fit), q <= 1 (mean spend infinite), or no convergence.
        """
        x, m = _check_spend_inputs(frequency, avg_repeat_spend)
        if x.size < MIN_CUSTOMERS:
            raise SegmenterInputError(
                f"the spend model needs at least {MIN_CUSTOMERS} repeat buyers, got {x.size}", column="frequency"
            )
        if np.ptp(m) == 0:
            raise SegmenterInputError("every repeat buyer has the same mean spend; no spread to fit",
                                      column="avg_repeat_spend")
        correlation = float(np.corrcoef(x, m)[0, 1]) if np.ptp(x) > 0 else 0.0
        if abs(correlation) > CORRELATION_WARNING:
            warnings.warn(
                f"frequency and mean spend are correlated (r = {correlation:.2f}); the Gamma-Gamma model "
                "assumes they are independent, so expected spend may be biased",
                SpendFrequencyCorrelationWarning, stacklevel=2,
            )

        unit_scale = np.array([1.0, 1.0, float(m.mean())])

        def objective(log_params):
            with np.errstate(all="ignore"):
                ll, gradient = _log_likelihood_terms(np.exp(log_params) * unit_scale, x, m)
            return -ll.mean(), -gradient.mean(axis=0)

        # Start at p = 1, q = 2, v = mean spend: a population mean spend of about the sample mean.
        result = optimize.minimize(objective, np.array([0.0, np.log(2.0), 0.0]), jac=True, method="L-BFGS-B",
                                   bounds=[(-_LOG_BOUND, _LOG_BOUND)] * 3,
                                   options={"maxiter": 2000, "gtol": 1e-9, "ftol": 1e-14})
        if np.any(np.abs(result.x) > _LOG_BOUND - 0.1):
            raise SegmenterInputError("spend model fit ran a parameter to 0 or infinity; the data do not support it",
                                      column="avg_repeat_spend")
        if not result.success or not np.isfinite(result.fun):
            raise SegmenterInputError(f"spend model fit did not converge ({result.message})", column="avg_repeat_spend")
        p, q, v = np.exp(result.x) * unit_scale
        if q <= 1:
            raise SegmenterInputError(
                f"spend model fit gives q = {q:.3f} <= 1, so mean spend per purchase is infinite; "
                "spend is too heavy-tailed for this model", column="avg_repeat_spend",
            )
        self.params_ = {"p": float(p), "q": float(q), "v": float(v)}
        self.log_likelihood_ = float(-result.fun * x.size)
        self.n_customers_ = int(x.size)
        self.correlation_ = correlation
        return self

    def _fitted(self) -> tuple[float, float, float]:
        if self.params_ is None:
            raise SegmenterInputError("the spend model is not fitted yet; call fit first")
        return tuple(self.params_[name] for name in PARAMETER_NAMES)

    def population_mean_spend(self) -> float:
        """Mean spend per purchase across customers, p v / (q - 1)."""
        p, q, v = self._fitted()
        return p * v / (q - 1)

    def summary(self) -> pd.DataFrame:
        """Fitted parameters as a table: parameter, value, meaning."""
        p, q, v = self._fitted()
        return pd.DataFrame({
            "parameter": ["p", "q", "v", "population_mean_spend", "spend_frequency_correlation",
                          "log_likelihood", "repeat_buyers"],
            "value": [p, q, v, self.population_mean_spend(), self.correlation_, self.log_likelihood_,
                      self.n_customers_],
            "meaning": [
                "shape of spend per purchase (Gamma)",
                "shape of the customers' spend scale (Gamma)",
                "scale of the customers' spend scale, currency units",
                "mean spend per purchase, p v / (q - 1)",
                f"Pearson r of frequency and mean spend; above {CORRELATION_WARNING} in size the model is doubtful",
                "log-likelihood at the maximum",
                "repeat buyers fitted",
            ],
        })

    def expected_avg_spend(self, frequency, monetary) -> np.ndarray:
        """Expected spend per future purchase, (v + m x) p / (p x + q - 1) (see the class Notes).

        Customers with frequency 0 (monetary ignored) get the population mean p v / (q - 1).
        """
        p, q, v = self._fitted()
        x = np.asarray(frequency, dtype=float).ravel()
        m = np.asarray(monetary, dtype=float).ravel()
        m = np.where(x > 0, m, 0.0)
        if np.any(~np.isfinite(x) | (x < 0)) or np.any(~np.isfinite(m) | (m < 0)):
            raise SegmenterInputError("frequency and mean spend must be numbers, 0 or more", column="avg_repeat_spend")
        return (v + m * x) * p / (p * x + q - 1)
