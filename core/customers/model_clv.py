"""Model CLV of customers: expected purchases (BG/NBD, MBG/NBD or Pareto/NBD) x Gamma-Gamma spend, discounted.

:func:`model_clv` fits a purchase model and the spend model on a per-customer table from
:func:`core.customers.summary.customer_summary` and values each customer over a horizon.
Not to be confused with the retention-formula CLTV of an account list
(:mod:`core.retention_cltv`). :mod:`core.customers.validation` checks the purchase models on a
holdout period.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.customers.bgnbd import BetaGeoModel
from core.customers.fitting import PurchaseModel
from core.customers.gamma_gamma import GammaGammaModel, SpendFrequencyCorrelationWarning
from core.customers.mbgnbd import ModifiedBetaGeoModel
from core.customers.pareto_nbd import ParetoNBDModel
from core.customers.summary import UNIT_DAYS
from core.errors import SegmenterInputError
from core.parallel import run_together, workers_for

DAYS_PER_YEAR = 365.25
#: Setting value (``customer_model``) -> purchase model class.
PURCHASE_MODELS: dict[str, type[PurchaseModel]] = {
    "bgnbd": BetaGeoModel,
    "mbgnbd": ModifiedBetaGeoModel,
    "pareto_nbd": ParetoNBDModel,
}


@dataclass(frozen=True)
class ClvResult:
    """Per-customer values and the fitted parameters.

    Attributes
    ----------
    customers:
        ``account, frequency, recency, T, probability_alive, expected_purchases,
        expected_avg_spend, margin_pct, expected_revenue, model_clv``.
    parameters:
        ``model, parameter, value, standard_error, meaning``: purchase-model and Gamma-Gamma estimates and the
        settings used (horizon, discount per period, margin source).
    """

    customers: pd.DataFrame
    parameters: pd.DataFrame
    #: The fitted purchase and spend models (what :mod:`core.customers.intervals` draws around).
    purchase_model: PurchaseModel | None = None
    spend_model: GammaGammaModel | AverageSpend | None = None


def _check_unit(summary: pd.DataFrame, unit: str) -> None:
    if unit not in UNIT_DAYS:
        raise SegmenterInputError(f"unknown time unit {unit!r}; use D, W or M", column="unit")
    made_with = summary.attrs.get("unit")
    if made_with is not None and made_with != unit:
        raise SegmenterInputError(
            f"the customer table measures time in {made_with!r} but the model was asked for {unit!r}; "
            "build the table with the same unit",
            column="unit",
        )


def _margin(summary: pd.DataFrame, margin: float | None) -> tuple[np.ndarray, str]:
    n = len(summary)
    if margin is not None:
        if not (isinstance(margin, (int, float)) and math.isfinite(margin) and 0 < margin <= 1):
            raise SegmenterInputError(
                f"margin must be a fraction above 0 and at most 1, got {margin!r}", column="margin"
            )
        return np.full(n, float(margin)), f"{margin:.1%} for every customer"
    own = summary["avg_margin_pct"].to_numpy(dtype=float) if "avg_margin_pct" in summary else np.full(n, np.nan)
    if np.isnan(own).all():
        return np.ones(n), "100 %: no profit data, so CLV is in revenue, not margin"
    return own, "each customer's own margin (total profit / total spend); blank where unknown"


def model_clv(
    summary: pd.DataFrame,
    *,
    horizon: float,
    discount_rate: float,
    unit: str = "W",
    margin: float | None = None,
    model: str = "bgnbd",
    models: tuple[PurchaseModel, GammaGammaModel | AverageSpend] | None = None,
    spend_fit: dict | None = None,
    spend_warnings: list[str] | None = None,
    purchase_fit: Callable[[], PurchaseModel | Exception] | None = None,
) -> ClvResult:
    """Fit a purchase model and Gamma-Gamma and value each customer over ``horizon`` periods.

    Parameters
    ----------
    summary:
        From :func:`core.customers.summary.customer_summary` (``account, frequency, recency, T,
        avg_repeat_spend``; ``avg_margin_pct`` when profit is known).
    horizon:
        Length of the valuation period in ``unit`` (52 weeks = about a year).
    discount_rate:
        Annual discount rate as a fraction (0.10 = 10 %, as ReportConfig.discount).
    unit:
        Time unit of recency and T in ``summary``: ``"D"``, ``"W"`` or ``"M"``; must match
        the unit the table was built with.
    margin:
        Profit margin as a fraction applied to expected revenue; ``None`` uses each
        customer's ``avg_margin_pct`` (or 100 % when there is no profit data at all).
    model:
        Purchase model, a key of :data:`PURCHASE_MODELS` (``bgnbd``, ``mbgnbd``, ``pareto_nbd``).
    models:
        A fitted purchase model and spend model (Gamma-Gamma, or :class:`AverageSpend` when it
        could not be fitted) already fitted on ``summary``, to value it again with another margin
        (the revenue CLV of :mod:`core.customers.profit_clv`); ``None`` fits them on ``summary``.
    spend_fit:
        An empty dict the caller keeps while it tries purchase models in turn on the same
        ``summary``: Gamma-Gamma is then fitted once (it does not depend on the purchase model).
    spend_warnings:
        A list to which the text of the Gamma-Gamma warning (spend correlated with frequency) is
        added instead of giving it as a :class:`SpendFrequencyCorrelationWarning` (the report
        keeps it as a row; catching the warning would change the process's warning filters
        while other threads run).
    purchase_fit:
        The purchase model already being fitted on ``summary`` (:func:`fit_purchase_model`, e.g.
        on another thread): a function giving it, or the exception its fit raised.

    Returns
    -------
    ClvResult

    Notes
    -----
    The horizon is cut into K = ceil(horizon) periods of one unit, period k covering
    (k - 1, min(k, horizon)]. With E(t) the purchase model's expected purchases in (T, T + t]
    (:meth:`core.customers.fitting.PurchaseModel.expected_purchases`) and s the Gamma-Gamma expected spend per
    purchase (:meth:`GammaGammaModel.expected_avg_spend`):

        d_unit = (1 + discount_rate) ^ (unit days / 365.25) - 1
        model_clv = sum over k of [E(min(k, horizon)) - E(k - 1)] * s * margin / (1 + d_unit) ^ k

    i.e. purchases expected in period k are discounted as if paid at its end.
    ``expected_purchases`` = E(horizon), ``expected_revenue`` = E(horizon) * s (not
    discounted, no margin). Gamma-Gamma is fitted on customers with frequency > 0 and
    avg_repeat_spend > 0; others get its population mean spend. lifetimes'
    ``customer_lifetime_value`` instead steps in months with a monthly rate.

    Raises
    ------
    SegmenterInputError
        Unit mismatch, horizon <= 0, negative discount rate, bad margin, and any fit failure
        (see :meth:`core.customers.fitting.PurchaseModel.fit`, :meth:`GammaGammaModel.fit`).

    Examples
    --------
    With d_unit = 1.1^(7/365.25) - 1 = 0.001828 per week, one week with 0.5 expected
    purchases of 40 at a 25 % margin is worth 0.5 * 40 * 0.25 / 1.001828 = 4.9909:

    >>> round(0.5 * 40 * 0.25 / 1.1 ** (7 / 365.25), 4)
    4.9909
    """
    _check_unit(summary, unit)
    if not (isinstance(horizon, (int, float)) and math.isfinite(horizon) and horizon > 0):
        raise SegmenterInputError(f"horizon must be a positive number of periods, got {horizon!r}", column="horizon")
    if not (isinstance(discount_rate, (int, float)) and math.isfinite(discount_rate) and discount_rate >= 0):
        raise SegmenterInputError(f"discount rate must be 0 or more, got {discount_rate!r}", column="discount_rate")
    margin_pct, margin_source = _margin(summary, margin)
    frequency = summary["frequency"].to_numpy(dtype=float)
    recency = summary["recency"].to_numpy(dtype=float)
    age = summary["T"].to_numpy(dtype=float)
    if model not in PURCHASE_MODELS:
        raise SegmenterInputError(
            f"unknown purchase model {model!r}; use {', '.join(PURCHASE_MODELS)}", column="customer_model"
        )
    monetary = summary["avg_repeat_spend"].to_numpy(dtype=float)
    spenders = (frequency > 0) & (monetary > 0)
    if models is None:
        purchases_model, gamma_gamma, spend_error, spend_warning = _fit_models(
            model, frequency, recency, age, monetary, spenders, spend_fit, purchase_fit
        )
        if spend_warning is not None and spend_warnings is not None:
            spend_warnings.append(spend_warning)
        elif spend_warning is not None:
            warnings.warn(spend_warning, SpendFrequencyCorrelationWarning, stacklevel=1)
        spend, spend_table, spend_model = _expected_spend(frequency, monetary, spenders, gamma_gamma, spend_error)
    else:
        purchases_model, spend_model = models
        spend = spend_model.expected_avg_spend(np.where(spenders, frequency, 0), np.where(spenders, monetary, 0))
        spend_table = spend_model.summary()

    unit_discount = (1 + discount_rate) ** (UNIT_DAYS[unit] / DAYS_PER_YEAR) - 1
    discounted, total, alive = _purchase_figures(purchases_model, frequency, recency, age, horizon, unit_discount)
    customers = pd.DataFrame(
        {
            "account": summary["account"].to_numpy(),
            "frequency": frequency,
            "recency": recency,
            "T": age,
            "probability_alive": alive,
            "expected_purchases": total,
            "expected_avg_spend": spend,
            "margin_pct": margin_pct,
            "expected_revenue": total * spend,
            "model_clv": discounted * spend * margin_pct,
        }
    )
    settings = pd.DataFrame(
        {
            "model": "settings",
            "parameter": ["horizon", "unit", "discount_rate", "discount_per_period", "margin"],
            "value": [float(horizon), unit, float(discount_rate), unit_discount, margin_source],
            "meaning": [
                f"valuation period, in {unit} units",
                "D days, W weeks, M months of 30.4375 days",
                "annual discount rate",
                "(1 + annual rate)^(unit days / 365.25) - 1",
                "margin applied to expected revenue",
            ],
        }
    )
    parameters = pd.concat(
        [
            purchases_model.summary(),
            spend_table,
            settings,
        ],
        ignore_index=True,
    )[["model", "parameter", "value", "standard_error", "meaning"]]
    parameters["value"] = parameters["value"].astype(object)
    return ClvResult(
        customers=customers, parameters=parameters, purchase_model=purchases_model, spend_model=spend_model
    )


class AverageSpend:
    """The spend model when Gamma-Gamma cannot be fitted: every customer's expected spend per
    purchase is the average repeat spend, sum(m x) / sum(x) over the repeat buyers (x purchases
    at m each); ``why`` is Gamma-Gamma's error. Used as Gamma-Gamma is (``expected_avg_spend``, ``summary``).

    Examples
    --------
    >>> AverageSpend.of([1, 3], [10.0, 30.0], "too few").average
    25.0
    """

    def __init__(self, average: float, why: str) -> None:
        self.average, self.why = float(average), why

    @classmethod
    def of(cls, frequency, monetary, why: str) -> AverageSpend:
        frequency, monetary = np.asarray(frequency, dtype=float), np.asarray(monetary, dtype=float)
        return cls(float((monetary * frequency).sum() / frequency.sum()), why)

    def expected_avg_spend(self, frequency, monetary) -> np.ndarray:
        return np.full(np.size(frequency), self.average)

    def summary(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "model": "spend",
                "parameter": ["status", "average_repeat_spend"],
                "value": ["not fitted", self.average],
                "standard_error": np.nan,
                "meaning": [
                    f"Gamma-Gamma could not be fitted ({self.why}), so every customer's expected spend per "
                    "purchase is the average repeat spend",
                    "spend per repeat purchase over all repeat buyers",
                ],
            }
        )


def fit_purchase_model(summary: pd.DataFrame, model: str) -> PurchaseModel | Exception:
    """The purchase model ``model`` fitted on the summary's customers as :func:`model_clv` fits it,
    or the exception the fit raised (returned, not raised: :func:`model_clv` raises it).

    For a caller that starts a fit :func:`model_clv` may need next (``purchase_fit``).
    """
    columns = (summary[c].to_numpy(dtype=float) for c in ("frequency", "recency", "T"))
    try:
        return PURCHASE_MODELS[model]().fit(*columns)
    except Exception as error:  # raised by model_clv, before the spend model's
        return error


def _fit_models(
    model: str,
    frequency,
    recency,
    age,
    monetary,
    spenders,
    spend_fit: dict | None,
    purchase_fit: Callable[[], PurchaseModel | Exception] | None = None,
):
    """(fitted purchase model, Gamma-Gamma, its error or None, its warning or None), the two fitted at once.

    The fits are independent, so they run on two threads (:func:`core.parallel.run_together`).
    Gamma-Gamma is fitted without a word (:meth:`GammaGammaModel._checked`): the caller gives its
    warning once the purchase model is fitted, as when the fits ran one after the other. A purchase
    model that cannot be fitted raises its error first. ``spend_fit`` (a dict the caller keeps
    between calls on the same customers) holds the Gamma-Gamma outcome, so trying one purchase
    model after another fits Gamma-Gamma once.
    """
    gamma_gamma = GammaGammaModel()

    def fit_spend() -> tuple[GammaGammaModel, Exception | None, str | None]:
        try:
            x, m, correlation, warning = gamma_gamma._checked(frequency[spenders], monetary[spenders])
        except Exception as error:  # raised by the caller, after the purchase model's
            return gamma_gamma, error, None
        try:
            gamma_gamma._fit_checked(x, m, correlation)
        except Exception as error:
            return gamma_gamma, error, warning
        return gamma_gamma, None, warning

    def fit_purchases() -> PurchaseModel | Exception:
        if purchase_fit is not None:
            return purchase_fit()
        try:
            return PURCHASE_MODELS[model]().fit(frequency, recency, age)
        except Exception as error:  # raised below, before the spend model's
            return error

    known = None
    if spend_fit is not None and "outcome" in spend_fit:
        inputs, outcome = spend_fit["inputs"], spend_fit["outcome"]
        if np.array_equal(inputs[0], frequency) and np.array_equal(inputs[1], monetary, equal_nan=True):
            known = outcome
    outcomes = run_together([fit_purchases] + ([] if known is not None else [fit_spend]), workers_for(frequency.size))
    spend_outcome = known if known is not None else outcomes[1]
    if spend_fit is not None:
        spend_fit["inputs"], spend_fit["outcome"] = (frequency.copy(), monetary.copy()), spend_outcome
    if isinstance(outcomes[0], Exception):
        raise outcomes[0]
    return (outcomes[0], *spend_outcome)


def _expected_spend(
    frequency: np.ndarray,
    monetary: np.ndarray,
    spenders: np.ndarray,
    model: GammaGammaModel,
    error: Exception | None,
):
    """(expected spend per purchase per customer, its parameter rows, the model): Gamma-Gamma, else the average.

    ``model`` is Gamma-Gamma fitted on the spenders, or ``error`` says why it could not be. When
    Gamma-Gamma cannot be fitted (fewer than 10 repeat buyers, or spend that does not vary
    between customers, where its q runs to infinity) every customer gets the average spend per
    repeat purchase (:class:`AverageSpend`), and the rows say so.
    """
    if error is not None:
        if not isinstance(error, SegmenterInputError) or not spenders.any():
            raise error
        average = AverageSpend.of(frequency[spenders], monetary[spenders], str(error))
        return average.expected_avg_spend(frequency, monetary), average.summary(), average
    spend = model.expected_avg_spend(np.where(spenders, frequency, 0), np.where(spenders, monetary, 0))
    return spend, model.summary(), model


def _purchase_figures(model: PurchaseModel, frequency, recency, age, horizon: float, unit_discount: float):
    """(discounted, undiscounted expected purchases, P(alive)) per customer, made once per model and inputs.

    The report values the same customers with the same fitted model more than once (the model
    CLV, then the revenue CLV at 100 % margin, or with the historical spend): the figures depend
    only on the model and these inputs, so the model keeps the last ones it made.
    """
    key = (horizon, unit_discount, tuple(model._fitted()))
    memo = getattr(model, "_purchase_figures", None)
    if (
        memo is not None
        and memo[0] == key
        and all(np.array_equal(a, b) for a, b in zip(memo[1], (frequency, recency, age)))
    ):
        return memo[2]
    discounted, total = _discounted_purchases(model, frequency, recency, age, horizon, unit_discount)
    figures = (discounted, total, model.probability_alive(frequency, recency, age))
    for array in figures:
        array.flags.writeable = False  # shared by the results that reuse them
    model._purchase_figures = (key, (frequency.copy(), recency.copy(), age.copy()), figures)
    return figures


def _discounted_purchases(model: PurchaseModel, frequency, recency, age, horizon: float, unit_discount: float):
    """(discounted, undiscounted) expected purchases over the horizon, per customer.

    Computed once per distinct (frequency, recency, T): transaction dates make many repeats;
    P(alive) once for all period ends.
    """
    # the distinct triples in sorted order (numpy's unique over rows, by one lexsort: several times faster)
    order = np.lexsort((age, recency, frequency))
    sorted_triples = np.column_stack([frequency[order], recency[order], age[order]])
    new = np.ones(order.size, dtype=bool)
    new[1:] = (sorted_triples[1:] != sorted_triples[:-1]).any(axis=1)
    inverse = np.empty(order.size, dtype=np.int64)
    inverse[order] = np.cumsum(new) - 1
    x, t_x, T = sorted_triples[new].T
    ends = np.minimum(np.arange(1, math.ceil(horizon) + 1, dtype=float), horizon)
    cumulative = model.expected_purchases_over(np.concatenate([[0.0], ends]), x, t_x, T)
    per_period = np.diff(cumulative, axis=1)
    factors = (1 + unit_discount) ** -np.arange(1, ends.size + 1)
    return (per_period @ factors)[inverse], cumulative[:, -1][inverse]
