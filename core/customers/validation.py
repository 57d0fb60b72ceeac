"""Holdout check of the purchase models: fit on a calibration period, compare with what happened next.

:func:`holdout_split` says whether a transaction list spans enough time for a check and where
the calibration period ends; :func:`check_models` fits BG/NBD, MBG/NBD and Pareto/NBD on the
calibration period and compares their predictions with the holdout period, the way Fader,
Hardie & Lee (2005) compare BG/NBD and Pareto/NBD on CDNOW: repeat purchases in total, per
number of calibration purchases (their figure 4: conditional expectations) and per period
(their figure 3: cumulative repeat purchases). It then picks the model that predicted best.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from core.customers.fitting import PurchaseModel
from core.customers.intervals import total_interval
from core.customers.model_clv import PURCHASE_MODELS
from core.customers.summary import UNIT_DAYS, customer_summary
from core.errors import SegmenterInputError
from core.lookup import positions_in
from core.parallel import run_together, workers_for
from core.transactions import TransactionTable

#: Calibration purchases are grouped 0, 1, ..., 6 and "7+" (as in FHL 2005, figure 4).
TOP_GROUP = 7
#: A holdout check needs the list to span at least this many time units (half of it each side).
MIN_SPAN_PERIODS = 16


def model_name(key: str) -> str:
    """Display name of a model setting value.

    >>> model_name("pareto_nbd")
    'Pareto/NBD'
    """
    return PURCHASE_MODELS[key].name


@dataclass(frozen=True)
class ModelCheck:
    """Predicted against actual repeat purchases in a holdout period, for each model.

    Attributes
    ----------
    totals:
        One row per model: ``model`` (name), ``key`` (setting value), ``status`` ("fitted" or
        why not), ``log_likelihood`` (on
        the calibration period), ``customers``, ``actual`` and ``predicted`` repeat purchases
        in the holdout, ``predicted_p10``/``predicted_p90`` the 80 % range of the predicted
        total from the fitted parameters' uncertainty, for the chosen model
        (:func:`core.customers.intervals.total_interval`; blank for the others and without
        standard errors), ``total_error_pct`` = (predicted - actual) / actual,
        ``frequency_error_pct`` = sum over the groups 0..7+ of |predicted - actual| / actual
        total, ``tracking_error_pct`` = the cumulative curve's error at the last period.
    by_frequency:
        One row per number of calibration repeat purchases (``0`` ... ``7+``):
        ``calibration_purchases, customers, actual_mean`` (mean holdout repeat purchases per
        customer) and ``<model key>_mean`` per model (blank when it could not be fitted).
    tracking:
        One row per period from the list's first day: ``period`` ("week 1", "week 2", ...: text,
        so that a chart reads it as categories), ``period_end``
        (date), ``holdout`` (True for the periods after the calibration end),
        ``actual_cumulative`` repeat purchases of the calibration customers, and
        ``<model key>_cumulative`` per model (its expected cumulative repeat purchases, by
        cohort of first purchase day; blank when it could not be fitted).
    chosen:
        Setting key of the best model on the holdout (``frequency_error_pct``), or None when
        no model could be fitted on the calibration period.
    reason:
        One sentence saying which model predicted best and by how much.
    calibration_end, holdout_end:
        ISO dates; ``holdout_length`` in ``unit`` periods.
    range_note:
        Why the chosen model's total has no 80 % range (blank ``predicted_p10``/``p90``), or
        None when it has one.
    models:
        The fitted models, by setting key.
    """

    totals: pd.DataFrame
    by_frequency: pd.DataFrame
    tracking: pd.DataFrame
    chosen: str | None
    reason: str
    calibration_end: str
    holdout_end: str
    holdout_length: float
    unit: str
    range_note: str | None = None
    #: The models fitted on the calibration period, by setting key (those that could be fitted).
    models: dict[str, PurchaseModel] = dataclasses.field(default_factory=dict, repr=False, compare=False)


def holdout_split(transactions: TransactionTable, unit: str = "W") -> tuple[str | None, str]:
    """(calibration end as ISO date or None, explanation): the first half of the list's span.

    The list must span at least :data:`MIN_SPAN_PERIODS` time units; the calibration period
    is its first floor(days / 2) days, the holdout the rest (CDNOW, 1997-01-01 to 1998-06-30,
    546 days: calibration to 1997-09-30, 39 weeks each).

    Examples
    --------
    >>> from core.transactions import parse_transactions
    >>> cells = [["Customer", "Date", "Amount"], ["A", "2024-01-01", 5.0], ["B", "2024-06-28", 5.0]]
    >>> holdout_split(parse_transactions(cells))
    ('2024-03-30', 'calibration 2024-01-01 to 2024-03-30, holdout to 2024-06-28')
    >>> holdout_split(parse_transactions(cells[:2] + [["B", "2024-02-01", 5.0]]))[0] is None
    True
    """
    dates = transactions.rows["date"].dt.normalize()
    return split_span(dates.min(), dates.max(), unit)


def split_span(first: Any, last: Any, unit: str = "W") -> tuple[str | None, str]:
    """:func:`holdout_split` of a list whose dates run from ``first`` to ``last``."""
    if unit not in UNIT_DAYS:
        raise SegmenterInputError(f"unknown time unit {unit!r}; use D, W or M", column="unit")
    first, last = pd.Timestamp(first).normalize(), pd.Timestamp(last).normalize()
    days = (last - first).days + 1
    if days < MIN_SPAN_PERIODS * UNIT_DAYS[unit]:
        return None, (
            f"no holdout check: the list spans {days} days; it takes at least "
            f"{MIN_SPAN_PERIODS * UNIT_DAYS[unit]:g} ({MIN_SPAN_PERIODS} {_unit_word(unit)}) to fit on the "
            "first half and check on the second"
        )
    calibration_end = first + pd.Timedelta(days=days // 2 - 1)
    return str(calibration_end.date()), (
        f"calibration {first.date()} to {calibration_end.date()}, holdout to {last.date()}"
    )


def _unit_word(unit: str) -> str:
    return {"D": "days", "W": "weeks", "M": "months"}[unit]


@dataclass(frozen=True)
class HoldoutStatistics:
    """What the holdout check reads from a transaction list, compressed: everything is a sum.

    Attributes
    ----------
    frequency, recency, T:
        Distinct calibration-period (x, t_x, T) of the calibration customers, in ``unit``.
    customers:
        Calibration customers with each (x, t_x, T) (the fits' weights).
    actual:
        Their holdout repeat purchases (purchase days after the calibration end), summed.
    start_day, last_day:
        Day numbers (days since 1970-01-01) of the list's first date and of its last date.
    calibration_end:
        Last day of the calibration period.
    repeat_days, repeat_counts:
        Days (from ``start_day``) with repeat purchases of calibration customers (a purchase day
        after the customer's first), and how many customers made one that day.
    cohort_days, cohort_sizes:
        First purchase days (from ``start_day``) of the calibration customers and how many
        customers each.
    """

    frequency: np.ndarray
    recency: np.ndarray
    T: np.ndarray
    customers: np.ndarray
    actual: np.ndarray
    start_day: int
    last_day: int
    calibration_end: pd.Timestamp
    repeat_days: np.ndarray
    repeat_counts: np.ndarray
    cohort_days: np.ndarray
    cohort_sizes: np.ndarray


def check_models(
    transactions: TransactionTable,
    *,
    calibration_end: Any,
    unit: str = "W",
    models: tuple[str, ...] = tuple(PURCHASE_MODELS),
) -> ModelCheck:
    """Fit each model up to ``calibration_end`` and compare with the purchases after it.

    Parameters
    ----------
    transactions:
        From :func:`core.transactions.parse_transactions`.
    calibration_end:
        Last day of the calibration period (a date); the holdout runs to the last date.
    unit:
        Time unit of the models (``"W"`` as in CDNOW).
    models:
        Setting keys of :data:`PURCHASE_MODELS` to compare.

    Returns
    -------
    ModelCheck

    Notes
    -----
    Calibration customers are those with a purchase up to ``calibration_end``; only they are
    predicted and counted (new customers of the holdout period are not). A customer's actual
    holdout repeat purchases are the purchase days after ``calibration_end``; predicted are
    ``expected_purchases(t, x, t_x, T)`` with t the holdout length. The tracking curve
    predicts, for period k (days [k-1, k) units after the first day), the sum over customers
    of the new-customer expectation E[X(age)] with age from the customer's first purchase to
    the period's last day, as in FHL (2005) figure 3. The list is first reduced to
    :class:`HoldoutStatistics` (:func:`holdout_statistics`), which a database can also compute
    (warehouse/), then :func:`check_from_statistics` fits and compares.

    Raises
    ------
    SegmenterInputError
        Unknown unit or model; the calibration end not before the last date.
    """
    return check_from_statistics(
        holdout_statistics(transactions, calibration_end=calibration_end, unit=unit), unit=unit, models=models
    )


def holdout_statistics(
    transactions: TransactionTable,
    *,
    calibration_end: Any,
    unit: str = "W",
    whole: pd.DataFrame | None = None,
    customers: tuple[np.ndarray, np.ndarray] | None = None,
) -> HoldoutStatistics:
    """The compressed statistics of :class:`HoldoutStatistics` from a transaction list.

    ``whole``: ``customer_summary(transactions, unit=unit)`` when the caller has it already
    (it is made here otherwise); ``customers``: the list's customer ids factorized, for the
    summaries (:func:`core.customers.summary.customer_summary`).
    """
    calibration = customer_summary(transactions, observation_end=calibration_end, unit=unit, customers=customers)
    if whole is None:
        whole = customer_summary(transactions, unit=unit, customers=customers)
    x = calibration["frequency"].to_numpy(float)
    actual = whole.set_index("account")["frequency"].reindex(calibration["account"]).to_numpy(float) - x
    triples = pd.DataFrame(
        {"x": x, "t_x": calibration["recency"].to_numpy(float), "T": calibration["T"].to_numpy(float), "actual": actual}
    )
    grouped = triples.groupby(["x", "t_x", "T"], sort=False)["actual"].agg(["size", "sum"]).reset_index()

    rows = transactions.rows
    day = rows["date"].to_numpy().astype("datetime64[D]").astype(np.int64)
    start = int(day.min())
    first_day = calibration["first_purchase"].to_numpy().astype("datetime64[D]").astype(np.int64) - start
    # each row's calibration customer as a number (-1: none) by one hash lookup; numpy's isin on
    # the ids sorted object arrays (minutes on 200,000 customers), and numbers group faster than text
    if customers is None:
        customer = positions_in(calibration["account"], rows["customer"])  # one factorize, not a million hashed texts
    else:  # each distinct id looked up once, then each row's by its code: the same positions
        customer = positions_in(calibration["account"], pd.Series(customers[1]))[customers[0]]
    keep = (customer >= 0) & (rows["amount"].to_numpy() >= 0)
    purchase_days = pd.DataFrame({"customer": customer[keep], "day": day[keep] - start})
    purchase_days = purchase_days.drop_duplicates()
    first_of = purchase_days.groupby("customer")["day"].transform("min")
    repeat_days, repeat_counts = np.unique(
        purchase_days["day"].to_numpy()[purchase_days["day"].to_numpy() > first_of.to_numpy()], return_counts=True
    )
    cohort_days, cohort_sizes = np.unique(first_day, return_counts=True)
    return HoldoutStatistics(
        frequency=grouped["x"].to_numpy(float),
        recency=grouped["t_x"].to_numpy(float),
        T=grouped["T"].to_numpy(float),
        customers=grouped["size"].to_numpy(float),
        actual=grouped["sum"].to_numpy(float),
        start_day=start,
        last_day=int(np.datetime64(whole.attrs["observation_end"], "D").astype(np.int64)),
        calibration_end=pd.Timestamp(calibration.attrs["observation_end"]),
        repeat_days=repeat_days,
        repeat_counts=repeat_counts.astype(float),
        cohort_days=cohort_days,
        cohort_sizes=cohort_sizes.astype(float),
    )


def check_from_statistics(
    stats: HoldoutStatistics, *, unit: str = "W", models: tuple[str, ...] = tuple(PURCHASE_MODELS)
) -> ModelCheck:
    """:func:`check_models` on the compressed statistics (fits weighted by customers)."""
    _, with_range = check_in_two_steps(stats, unit=unit, models=models)
    return with_range()


def check_in_two_steps(
    stats: HoldoutStatistics, *, unit: str = "W", models: tuple[str, ...] = tuple(PURCHASE_MODELS)
) -> tuple[ModelCheck, Callable[..., ModelCheck]]:
    """:func:`check_from_statistics` in two steps: (the check without the chosen model's 80 %
    range, a function giving the whole check, its draws on ``workers`` threads when given).

    The models are fitted and compared, and the best chosen, in the first step; the range of the
    chosen model's holdout total (200 parameter draws, the slow part) is drawn by the function,
    which a caller may run on another thread while it goes on with what needs only the choice
    (the lifetime models). The first check's ``totals`` has blank ``predicted_p10``/``p90`` and
    no ``range_note``; the function's is :func:`check_from_statistics`'s, and leaves the first
    one as it is.
    """
    unknown = [m for m in models if m not in PURCHASE_MODELS]
    if unknown:
        raise SegmenterInputError(
            f"unknown model {unknown[0]!r}; use {', '.join(PURCHASE_MODELS)}", column="customer_model"
        )
    if unit not in UNIT_DAYS:
        raise SegmenterInputError(f"unknown time unit {unit!r}; use D, W or M", column="unit")
    cal_end = stats.calibration_end
    end = pd.Timestamp(np.datetime64(stats.last_day, "D"))
    length = (end - cal_end).days / UNIT_DAYS[unit]
    if not length > 0:
        raise SegmenterInputError(
            "the calibration end must come before the last transaction date", column="calibration_end"
        )
    x, t_x, age, weight = stats.frequency, stats.recency, stats.T, stats.customers
    groups = np.minimum(x, TOP_GROUP).astype(int)

    fitted: dict[str, PurchaseModel] = {}
    statuses: dict[str, str] = {}
    predicted: dict[str, np.ndarray] = {}  # predicted repeat purchases of all the customers of each row

    def fit(key: str) -> tuple[PurchaseModel, np.ndarray] | SegmenterInputError:
        try:
            model = PURCHASE_MODELS[key]().fit(x, t_x, age, weights=weight)
            prediction = model.expected_purchases(length, x, t_x, age) * weight
            # the tracking curve's ages run up to the span and E[X(age)] grows with age, so a
            # finite value at the span (nearest to overflowing) stands for the whole curve
            model.expected_purchases_new((stats.last_day - stats.start_day + 1) / UNIT_DAYS[unit])
        except SegmenterInputError as error:
            return error
        return model, prediction

    # the models are fitted independently of each other: at once, on two cores. Pareto/NBD's fit
    # (a hypergeometric series per distinct pair) takes about twice another's: started first, it
    # runs beside the other two fitted one after the other, not after them (on the million order
    # lines' 39,695 calibration customers the three took 1.85 s, of which 0.5 s before it started)
    started = sorted(models, key=lambda key: PURCHASE_MODELS[key].name != "Pareto/NBD")
    outcomes = dict(zip(started, run_together([lambda key=key: fit(key) for key in started], workers_for(x.size))))
    for key in models:
        outcome = outcomes[key]
        if isinstance(outcome, SegmenterInputError):
            statuses[key] = str(outcome)
        else:
            fitted[key], predicted[key] = outcome
            statuses[key] = "fitted"

    by_frequency = _by_frequency(groups, weight, stats.actual, predicted, models)
    tracking = _tracking(stats, fitted, unit, cal_end, models)
    totals = _totals(models, statuses, fitted, weight, stats.actual, predicted, groups, tracking)
    chosen, reason = _choice(totals, length, unit)
    check = ModelCheck(
        totals=totals,
        by_frequency=by_frequency,
        tracking=tracking,
        chosen=chosen,
        reason=reason,
        calibration_end=str(cal_end.date()),
        holdout_end=str(end.date()),
        holdout_length=length,
        unit=unit,
        models=dict(fitted),
    )

    def with_range(workers: int | None = None) -> ModelCheck:
        if chosen is None:
            return check
        range_note = None
        try:  # the range of the best model's total (the one the report uses by default)
            low, _, high = total_interval(fitted[chosen], length, x, t_x, age, weight, workers=workers)
        except SegmenterInputError as error:  # the sheet leaves the range blank and says why
            low = high = np.nan
            range_note = f"no 80 % range of {model_name(chosen)}'s holdout total: {error}"
        ranged = totals.copy()
        ranged.loc[ranged["key"] == chosen, ["predicted_p10", "predicted_p90"]] = [low, high]
        return dataclasses.replace(check, totals=ranged, range_note=range_note)

    return check, with_range


def _group_labels() -> list[str]:
    return [str(g) for g in range(TOP_GROUP)] + [f"{TOP_GROUP}+"]


def _by_frequency(
    groups: np.ndarray,
    customers: np.ndarray,
    actual: np.ndarray,
    predicted: dict[str, np.ndarray],
    models: tuple[str, ...],
) -> pd.DataFrame:
    counts = np.bincount(groups, weights=customers, minlength=TOP_GROUP + 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        table = pd.DataFrame(
            {
                "calibration_purchases": _group_labels(),
                "customers": counts,
                "actual_mean": np.bincount(groups, weights=actual, minlength=TOP_GROUP + 1) / counts,
            }
        )
        for key in models:
            table[f"{key}_mean"] = (
                np.bincount(groups, weights=predicted[key], minlength=TOP_GROUP + 1) / counts
                if key in predicted
                else np.nan
            )
    return table[table["customers"] > 0].reset_index(drop=True)


def _tracking(
    stats: HoldoutStatistics,
    fitted: dict[str, PurchaseModel],
    unit: str,
    cal_end: pd.Timestamp,
    models: tuple[str, ...],
) -> pd.DataFrame:
    unit_days = UNIT_DAYS[unit]
    start, last = stats.start_day, stats.last_day
    periods = math.ceil((last - start + 1) / unit_days)
    # last day (offset from start) included in each period
    period_last = np.minimum(np.ceil(np.arange(1, periods + 1) * unit_days).astype(np.int64) - 1, last - start)
    done = np.searchsorted(stats.repeat_days, period_last, side="right")
    actual = np.r_[0.0, np.cumsum(stats.repeat_counts)][done]

    ages = np.clip((period_last[:, None] - stats.cohort_days[None, :]) / unit_days, 0, None)
    period_end = (np.datetime64(start, "D") + period_last).astype("datetime64[ns]")
    table = pd.DataFrame(
        {
            "period": [f"{_unit_word(unit)[:-1]} {k}" for k in range(1, periods + 1)],
            "period_end": period_end,
            "holdout": period_end > np.datetime64(cal_end),
            "actual_cumulative": actual,
        }
    )
    for key in models:
        if key in fitted:
            expected = fitted[key].expected_purchases_new(ages.ravel()).reshape(ages.shape)
            table[f"{key}_cumulative"] = expected @ stats.cohort_sizes
        else:
            table[f"{key}_cumulative"] = np.nan
    return table


def _totals(models, statuses, fitted, customers, actual, predicted, groups, tracking) -> pd.DataFrame:
    actual_total = float(actual.sum())
    records = []
    for key in models:
        record = {
            "model": model_name(key),
            "key": key,
            "status": statuses[key],
            "log_likelihood": np.nan,
            "customers": float(customers.sum()),
            "actual": actual_total,
            "predicted": np.nan,
            "predicted_p10": np.nan,
            "predicted_p90": np.nan,
            "total_error_pct": np.nan,
            "frequency_error_pct": np.nan,
            "tracking_error_pct": np.nan,
        }
        if key in fitted:
            values = predicted[key]
            per_group = np.abs(np.bincount(groups, weights=values - actual, minlength=TOP_GROUP + 1))
            last = tracking.iloc[-1]
            record.update(
                {
                    "log_likelihood": fitted[key].log_likelihood_,
                    "predicted": float(values.sum()),
                    "total_error_pct": _share(float(values.sum()) - actual_total, actual_total),
                    "frequency_error_pct": _share(float(per_group.sum()), actual_total),
                    "tracking_error_pct": _share(
                        float(last[f"{key}_cumulative"] - last["actual_cumulative"]), float(last["actual_cumulative"])
                    ),
                }
            )
        records.append(record)
    return pd.DataFrame(records)


def _share(part: float, whole: float) -> float:
    return part / whole if whole else np.nan


def _choice(totals: pd.DataFrame, length: float, unit: str) -> tuple[str | None, str]:
    fitted = totals[totals["status"] == "fitted"].dropna(subset=["frequency_error_pct"])
    if fitted.empty:
        return None, "no model could be fitted on the calibration period, so none could be checked"
    ranked = fitted.sort_values("frequency_error_pct", kind="stable")
    best = ranked.iloc[0]
    key = str(best["key"])
    others = "; ".join(f"{row.model} {row.frequency_error_pct:.1%}" for row in ranked.iloc[1:].itertuples())
    reason = (
        f"{best['model']} predicted the {round(length, 1):g}-{_unit_word(unit)[:-1]} holdout best: "
        "its errors per number of "
        f"calibration purchases add up to {best['frequency_error_pct']:.1%} of the {best['actual']:,.0f} actual "
        f"repeat purchases (total {best['total_error_pct']:+.1%})"
    )
    return key, reason + (f", against {others}" if others else "")


def model_order(setting: str, check: ModelCheck | None) -> tuple[list[str], str]:
    """(purchase models to try in order, why the first): the user's setting, else the holdout's best.

    Parameters
    ----------
    setting:
        ``ReportConfig.customer_model``: ``auto`` or a key of :data:`PURCHASE_MODELS`.
    check:
        The holdout check, or None when the list is too short for one.

    Examples
    --------
    >>> model_order("pareto_nbd", None)
    (['pareto_nbd', 'bgnbd', 'mbgnbd'], 'Pareto/NBD is used because the setting customer_model says so.')
    >>> model_order("auto", None)[0]
    ['bgnbd', 'mbgnbd', 'pareto_nbd']
    """
    keys = list(PURCHASE_MODELS)
    if setting != "auto":
        if setting not in PURCHASE_MODELS:
            raise SegmenterInputError(
                f"unknown customer model {setting!r}; use auto or {', '.join(keys)}", column="customer_model"
            )
        reason = f"{model_name(setting)} is used because the setting customer_model says so."
        if check is not None and check.chosen is not None and check.chosen != setting:
            reason += f" On the holdout check {model_name(check.chosen)} did better: {check.reason}."
        return [setting] + [k for k in keys if k != setting], reason
    if check is None or check.chosen is None:
        why = "there is no holdout check" if check is None else check.reason
        return keys, f"BG/NBD is used, the default, because {why}."
    ranked = check.totals.sort_values("frequency_error_pct", kind="stable", na_position="last")["key"].tolist()
    return ranked, check.reason[:1].upper() + check.reason[1:] + "."
