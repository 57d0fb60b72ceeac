"""The Gamma-Gamma independence check, and the historical spend used when it fails.

Gamma-Gamma (:mod:`core.customers.gamma_gamma`) assumes a customer's spend per purchase does not
depend on how often the customer buys: its expected spend shrinks each repeat buyer's mean
towards the population mean by a weight that depends on the number of purchases alone. When
frequent buyers also spend more (or less) per purchase, that shrinkage pulls the frequent
buyers' spend towards a mean made mostly of infrequent buyers, and the CLV of the very customers
who matter most is biased.

The check: Pearson's r between repeat purchases and mean repeat spend over the repeat buyers
(what Fader & Hardie 2013 and the lifetimes documentation look at before using the model). In
absolute value above :data:`core.customers.gamma_gamma.CORRELATION_WARNING` (0.3, where a
correlation stops being weak by the usual reading; CDNOW's 946 repeat buyers give 0.11) the
assumption is taken to fail, and each customer's CLV uses its own historical average spend
per purchase (:class:`HistoricalSpend`) instead of the Gamma-Gamma expectation.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.customers.gamma_gamma import CORRELATION_WARNING, GammaGammaModel
from core.customers.model_clv import ClvResult, model_clv


class HistoricalSpend:
    """Each customer's own average spend per purchase, net of returns: total spend / purchase
    days (0 when returns exceed purchases). Used as the spend model is (``expected_avg_spend``,
    ``summary``); ``correlation`` is the r that failed the check.

    Examples
    --------
    >>> summary = pd.DataFrame({"total_spend": [120.0, 30.0, -5.0], "frequency": [2, 0, 1]})
    >>> HistoricalSpend.of(summary, 0.62).expected_avg_spend([2, 0, 1], [0, 0, 0]).tolist()
    [40.0, 30.0, 0.0]
    """

    def __init__(self, values: np.ndarray, correlation: float) -> None:
        self.values, self.correlation = np.asarray(values, dtype=float), float(correlation)

    @classmethod
    def of(cls, summary: pd.DataFrame, correlation: float) -> HistoricalSpend:
        days = summary["frequency"].to_numpy(float) + 1
        return cls(np.maximum(summary["total_spend"].to_numpy(float) / days, 0.0), correlation)

    def expected_avg_spend(self, frequency, monetary) -> np.ndarray:
        if np.size(frequency) != self.values.size:
            raise ValueError("the historical spend is per customer of the list it was made from")
        return self.values.copy()

    def summary(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "model": "spend",
                "parameter": ["status", "spend_frequency_correlation"],
                "value": ["historical", self.correlation],
                "standard_error": np.nan,
                "meaning": [independence_sentence(self.correlation), "Pearson r of repeat purchases and mean spend"],
            }
        )


def independence_sentence(correlation: float) -> str:
    """What the failed check means, in one sentence.

    >>> independence_sentence(0.62)[:60]
    'Gamma-Gamma not used: spend per purchase rises with the numb'
    """
    direction = "rises" if correlation > 0 else "falls"
    return (
        f"Gamma-Gamma not used: spend per purchase {direction} with the number of purchases (r = {correlation:.2f}, "
        f"above {CORRELATION_WARNING} in size), which breaks its independence assumption; each customer's CLV uses "
        "its own historical average spend per purchase (net of returns) instead"
    )


def check_independence(
    clv: ClvResult, summary: pd.DataFrame, *, horizon: float, discount_rate: float, unit: str
) -> tuple[ClvResult, str | None, bool]:
    """The model CLV with the historical spend when Gamma-Gamma's independence check fails.

    Parameters
    ----------
    clv:
        From :func:`core.customers.model_clv.model_clv` (its purchase model is kept).
    summary, horizon, discount_rate, unit:
        As ``clv`` was computed with.

    Returns
    -------
    (ClvResult, str or None, bool)
        The CLV, the check's result in one sentence (None when the spend model is not
        Gamma-Gamma: nothing to check) and whether it failed. Passed: ``clv`` itself. Failed:
        the CLV recomputed with :class:`HistoricalSpend`.
    """
    spend = clv.spend_model
    if not isinstance(spend, GammaGammaModel) or spend.correlation_ is None:
        return clv, None, False
    r = spend.correlation_
    if not abs(r) > CORRELATION_WARNING:
        return (
            clv,
            f"Gamma-Gamma's independence check passed: r = {r:.2f} between repeat purchases and mean spend, "
            f"within +-{CORRELATION_WARNING}, so the Gamma-Gamma spend per purchase is used",
            False,
        )
    historical = HistoricalSpend.of(summary, spend.correlation_)
    redone = model_clv(
        summary, horizon=horizon, discount_rate=discount_rate, unit=unit, models=(clv.purchase_model, historical)
    )
    return redone, independence_sentence(r), True
