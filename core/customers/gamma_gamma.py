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
from scipy import special

from core.customers.fitting import Distinct, FitResult, fit_max_likelihood, parameter_table
from core.errors import SegmenterInputError

PARAMETER_NAMES = ("p", "q", "v")
MEANINGS = {
    "p": "shape of spend per purchase (Gamma)",
    "q": "shape of the customers' spend scale (Gamma)",
    "v": "scale of the customers' spend scale, currency units",
}
MIN_CUSTOMERS = 10
# |Pearson correlation| of frequency and mean spend above this breaks the independence assumption.
CORRELATION_WARNING = 0.3


class SpendFrequencyCorrelationWarning(UserWarning):
    """Frequency and mean spend are correlated: the Gamma-Gamma independence assumption is doubtful."""


def _check_spend_inputs(frequency, monetary) -> tuple[np.ndarray, np.ndarray]:
    x = np.asarray(frequency, dtype=float).ravel()
    m = np.asarray(monetary, dtype=float).ravel()
    if x.size != m.size:
        raise SegmenterInputError("frequency and mean spend must have one value per customer")
    for bad, column, reason in (
        (
            ~np.isfinite(x) | (x <= 0) | (x != np.round(x)),
            "frequency",
            "must be a whole number of repeat purchases above 0 (fit repeat buyers only)",
        ),
        (~np.isfinite(m) | (m <= 0), "avg_repeat_spend", "must be a positive amount (mean spend per repeat purchase)"),
    ):
        if bad.any():
            first = int(np.flatnonzero(bad)[0])
            raise SegmenterInputError(
                f"{reason}; customer {first + 1} of {x.size} ({int(bad.sum())} customers affected)", column=column
            )
    return x, m


def _log_likelihood_terms(params: np.ndarray, x: np.ndarray, m: np.ndarray, prepared: _Spenders | None = None):
    """Per-customer log density of the mean spend m over x purchases and its log-parameter gradient.

    ln f = ln G(px+q) - ln G(px) - ln G(q) + q ln v + (px-1) ln m + px ln x - (px+q) ln(v + m x)

    The gamma and digamma functions of px depend on x alone: they are evaluated once per distinct
    x (a few dozen for 100,000s of repeat buyers) and gathered, and ln m, ln x once per fit
    (``prepared``, made here when not given); every element is the same number either way.
    """
    prepared = prepared or _Spenders(x, m)
    index = prepared.x_index
    p, q, v = params
    px_values = p * prepared.x_values
    px = px_values[index]
    log_total = np.log(v + m * x)
    log_gamma_sum, psi_sum_values = special.gammaln(px_values + q), special.digamma(px_values + q)
    ll = (
        (log_gamma_sum - special.gammaln(px_values))[index]
        - special.gammaln(q)
        + q * np.log(v)
        + (px - 1) * prepared.log_m
        + px * prepared.log_x
        - (px + q) * log_total
    )
    psi_sum = psi_sum_values[index]
    d_p = x * ((psi_sum_values - special.digamma(px_values))[index] + prepared.log_m + prepared.log_x - log_total)
    d_q = psi_sum - special.digamma(q) + np.log(v) - log_total
    d_v = q / v - (px + q) / (v + m * x)
    return ll, np.column_stack([d_p, d_q, d_v]) * params


class _Spenders:
    """What :func:`_log_likelihood_terms` needs of the repeat buyers, made once per fit: the
    distinct frequencies with each buyer's position among them, ln m and ln x."""

    def __init__(self, x: np.ndarray, m: np.ndarray) -> None:
        frequencies = Distinct.of(x)
        self.x_values, self.x_index = frequencies.values, frequencies.index
        self.log_m = np.log(m)
        self.log_x = np.log(self.x_values)[self.x_index]


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
        self.standard_errors_: dict[str, float] | None = None
        self._fit: FitResult | None = None

    def fit(self, frequency, avg_repeat_spend) -> GammaGammaModel:
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
        x, m, correlation, warning = self._checked(frequency, avg_repeat_spend)
        if warning is not None:
            warnings.warn(warning, SpendFrequencyCorrelationWarning, stacklevel=2)
        return self._fit_checked(x, m, correlation)

    @staticmethod
    def _checked(frequency, avg_repeat_spend) -> tuple[np.ndarray, np.ndarray, float, str | None]:
        """:meth:`fit`'s inputs checked: (x, m, correlation of x and m, the warning to give or None).

        Raises the input errors of :meth:`fit`; gives no warning itself (the caller does).
        """
        x, m = _check_spend_inputs(frequency, avg_repeat_spend)
        if x.size < MIN_CUSTOMERS:
            raise SegmenterInputError(
                f"the spend model needs at least {MIN_CUSTOMERS} repeat buyers, got {x.size}", column="frequency"
            )
        if np.ptp(m) == 0:
            raise SegmenterInputError(
                "every repeat buyer has the same mean spend; no spread to fit", column="avg_repeat_spend"
            )
        correlation = float(np.corrcoef(x, m)[0, 1]) if np.ptp(x) > 0 else 0.0
        warning = None
        if abs(correlation) > CORRELATION_WARNING:
            warning = (
                f"frequency and mean spend are correlated (r = {correlation:.2f}); the Gamma-Gamma model "
                "assumes they are independent, so expected spend may be biased"
            )
        return x, m, correlation, warning

    def _fit_checked(self, x: np.ndarray, m: np.ndarray, correlation: float) -> GammaGammaModel:
        """The maximum-likelihood part of :meth:`fit` on checked inputs (:meth:`_checked`)."""
        # Start at p = 1, q = 2, v = mean spend: a population mean spend of about the sample mean.
        spenders = _Spenders(x, m)
        fit = fit_max_likelihood(
            lambda params: _log_likelihood_terms(params, x, m, spenders),
            PARAMETER_NAMES,
            np.ones(x.size),
            model="spend model",
            scale=[1.0, 1.0, float(m.mean())],
            start=[0.0, np.log(2.0), 0.0],
            column="avg_repeat_spend",
            hint="spend per purchase too uniform or too heavy-tailed",
        )
        p, q, v = (fit.params[name] for name in PARAMETER_NAMES)
        if q <= 1:
            raise SegmenterInputError(
                f"spend model fit gives q = {q:.3f} <= 1, so mean spend per purchase is infinite; "
                "spend is too heavy-tailed for this model",
                column="avg_repeat_spend",
            )
        self._fit = fit
        self.params_ = dict(fit.params)
        self.standard_errors_ = dict(fit.standard_errors)
        self.log_likelihood_ = fit.log_likelihood
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
        """Fitted parameters: ``model, parameter, value, standard_error, meaning``."""
        p, q, v = self._fitted()
        fit = self._fit or FitResult(
            dict(self.params_),
            {n: np.nan for n in PARAMETER_NAMES},
            float(self.log_likelihood_ or np.nan),
            float(self.n_customers_ or np.nan),
        )
        table = parameter_table(fit, MEANINGS, model="Gamma-Gamma", fitted_what="repeat_buyers")
        extra = pd.DataFrame(
            {
                "model": "Gamma-Gamma",
                "parameter": ["population_mean_spend", "spend_frequency_correlation"],
                "value": [self.population_mean_spend(), self.correlation_],
                "standard_error": np.nan,
                "meaning": [
                    "mean spend per purchase, p v / (q - 1)",
                    f"Pearson r of frequency and mean spend; above {CORRELATION_WARNING} in size the model is doubtful",
                ],
            }
        )
        return pd.concat([table.iloc[:3], extra, table.iloc[3:]], ignore_index=True)

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
