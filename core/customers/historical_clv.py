"""Historical lifetime value: what a customer brings per period x how many periods customers stay.

The retention formula of :mod:`core.retention_cltv` (an account list's CLTV), applied to the
order list's own observed retention and cut at the model CLV's horizon.

Used when no purchase model can be fitted (too few customers or repeat buyers, no sign of
customers leaving): a plain figure from the order list itself, with the reason the models
could not be used and what data would let them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.errors import SegmenterInputError
from core.transactions import TransactionTable

DAYS_PER_YEAR = 365.25
#: Retention is measured over years when the list spans two of them (730 days), else over halves of its span.
YEARS_FOR_ANNUAL_RETENTION = 2


@dataclass(frozen=True)
class HistoricalValue:
    """Per-customer historical lifetime value and how it was made.

    Attributes
    ----------
    customers:
        ``account, purchases, active_periods, margin_per_period, expected_periods,
        historical_clv`` in summary order.
    period_days:
        Length of one period in days (365.25 for a year).
    retention:
        Observed retention: of the customers who bought in one period, the share who bought
        again in the next (pooled over consecutive full periods).
    expected_periods:
        The discounted number of periods within the horizon a customer stays, counting the
        current one (see :func:`historical_clv`).
    method:
        One sentence saying how the figure was made, with the numbers.
    """

    customers: pd.DataFrame
    period_days: float
    retention: float
    expected_periods: float
    method: str


def historical_clv(
    transactions: TransactionTable, summary: pd.DataFrame, *, discount_rate: float, horizon_days: float = DAYS_PER_YEAR
) -> HistoricalValue:
    """Average margin per active period x expected periods (within the horizon) from the observed retention.

    Parameters
    ----------
    transactions:
        From :func:`core.transactions.parse_transactions` (the purchases are read by date).
    summary:
        :func:`core.customers.summary.customer_summary` of the same list (its
        ``observation_end`` attribute bounds the periods).
    discount_rate:
        Annual discount rate as a fraction (0.10 = 10 %).
    horizon_days:
        Valuation horizon in days (the model CLV's horizon; default a year).

    Returns
    -------
    HistoricalValue

    Notes
    -----
    Periods are years (365.25 days) ending on the observation end when the list spans at
    least 730 days, else the two halves of the span. Retention is pooled over each pair of
    consecutive periods (the older one may be partly observed; the newer is complete). A
    customer's margin per period is the
    total profit (total spend without a profit column) divided by the number of periods in
    which the customer bought. With r the observed retention, d = (1 + discount)^(period
    days / 365.25) - 1, q = r / (1 + d) and n = max(1, horizon days / period days) periods:

        expected_periods = 1 + q + q^2 + ... (n terms) = (1 - q^n) / (1 - q)   (n when q = 1)
        historical_clv = margin_per_period x expected_periods,

    the current period's margin plus the retained, discounted periods that follow within the
    horizon: the retention formula of :mod:`core.retention_cltv`, cut at the horizon as the model
    CLV is. With only one-time buyers r = 0 and the value is the margin of one period.

    Examples
    --------
    >>> from core.transactions import parse_transactions
    >>> from core.customers.summary import customer_summary
    >>> cells = [["Customer", "Date", "Amount", "Profit"], ["A", "2022-01-05", 100.0, 30.0],
    ...          ["A", "2023-02-01", 100.0, 30.0], ["B", "2022-01-01", 50.0, 10.0], ["C", "2023-12-31", 10.0, 2.0]]
    >>> table = parse_transactions(cells)
    >>> value = historical_clv(table, customer_summary(table), discount_rate=0.0, horizon_days=3 * 365.25)

    Years 2022 and 2023: A and B bought in 2022, only A again in 2023, so r = 1/2; over a
    three-year horizon the expected periods are 1 + 0.5 + 0.25 = 1.75. A earned 30 in each of
    two years: 30 x 1.75 = 52.5.

    >>> value.retention, value.expected_periods
    (0.5, 1.75)
    >>> value.customers["historical_clv"].tolist()
    [52.5, 17.5, 3.5]
    """
    counts = active_period_counts(transactions.rows, summary)
    has_profit = bool(summary["total_profit"].notna().all() and "profit" in transactions.headers)
    return historical_value(
        summary,
        counts.active_periods,
        retained=counts.retained,
        at_risk=counts.at_risk,
        period_days=counts.period_days,
        has_profit=has_profit,
        discount_rate=discount_rate,
        horizon_days=horizon_days,
    )


@dataclass(frozen=True)
class ActivePeriods:
    """The counts the historical value reads (:func:`historical_value`), which an engine can also give.

    Attributes
    ----------
    active_periods:
        Per customer of the summary (its order): periods with a purchase.
    retained, at_risk:
        Of the (customer, period) pairs with a purchase before the newest period (at risk), those
        with a purchase in the next period too (retained).
    period_days:
        Length of one period (:func:`retention_period` of the purchases' span).
    """

    active_periods: np.ndarray
    retained: int
    at_risk: int
    period_days: float


def active_period_counts(rows: pd.DataFrame, summary: pd.DataFrame) -> ActivePeriods:
    """:class:`ActivePeriods` of the purchases (``customer, date, amount`` with amount >= 0) up to the
    summary's ``observation_end``; periods run back from it (0 = the last).

    >>> rows = pd.DataFrame({"customer": ["A", "A", "B"], "amount": [5.0, 5.0, 5.0],
    ...                      "date": pd.to_datetime(["2024-01-01", "2024-01-29", "2024-01-29"])})
    >>> summary = pd.DataFrame({"account": ["A", "B"]})
    >>> summary.attrs["observation_end"] = "2024-01-29"
    >>> counts = active_period_counts(rows, summary)
    >>> counts.period_days, counts.active_periods.tolist(), counts.retained, counts.at_risk
    (14.5, [2.0, 1.0], 1, 1)
    """
    end = pd.Timestamp(summary.attrs["observation_end"])
    rows = rows[(rows["date"].dt.normalize() <= end) & (rows["amount"] >= 0)]
    day = (end - rows["date"].dt.normalize()).dt.days.to_numpy()
    period_days = retention_period(int(day.max()) + 1)
    period = np.floor(day / period_days).astype(np.int64)  # 0 = the last period before the end
    # every period but the oldest is fully observed, so each pair (older, newer) counts
    n_periods = int(period.max()) + 1
    active = pd.DataFrame({"account": rows["customer"].to_numpy(object), "period": period}).drop_duplicates()

    retained, at_risk = 0, 0
    by_period = active.groupby("period")["account"].apply(set)
    for older in range(1, n_periods):
        before, after = by_period.get(older, set()), by_period.get(older - 1, set())
        at_risk += len(before)
        retained += len(before & after)
    active_periods = active.groupby("account")["period"].size().reindex(summary["account"]).to_numpy(float)
    return ActivePeriods(active_periods, retained, at_risk, period_days)


def retention_period(span_days: int) -> float:
    """Days per retention period for a list whose purchases span ``span_days`` days up to its end:
    a year from 730 days on, else half the span.

    >>> retention_period(800), retention_period(301)
    (365.25, 150.5)
    """
    return DAYS_PER_YEAR if span_days >= YEARS_FOR_ANNUAL_RETENTION * 365 else max(span_days / 2, 1.0)


def historical_value(
    summary: pd.DataFrame,
    active_periods: np.ndarray,
    *,
    retained: int,
    at_risk: int,
    period_days: float,
    has_profit: bool,
    discount_rate: float,
    horizon_days: float = DAYS_PER_YEAR,
) -> HistoricalValue:
    """:func:`historical_clv` from its counts (a database can compute them: warehouse/).

    ``summary`` needs ``account, purchases, total_spend, total_profit``; ``active_periods`` is
    each customer's number of periods with a purchase; ``retained`` of ``at_risk`` (customer,
    period) pairs after the newest period had a purchase in the next period too.
    """
    if not (isinstance(discount_rate, (int, float)) and math.isfinite(discount_rate) and discount_rate >= 0):
        raise SegmenterInputError(f"discount rate must be 0 or more, got {discount_rate!r}", column="discount_rate")
    years = period_days == DAYS_PER_YEAR
    retention = retained / at_risk if at_risk else 0.0
    margin = summary["total_profit"].to_numpy(float) if has_profit else summary["total_spend"].to_numpy(float)
    per_period = margin / np.asarray(active_periods, dtype=float)
    period_discount = (1 + discount_rate) ** (period_days / DAYS_PER_YEAR) - 1
    kept = retention / (1 + period_discount)
    periods = max(1.0, horizon_days / period_days)
    expected_periods = periods if kept == 1 else (1 - kept**periods) / (1 - kept)
    customers = pd.DataFrame(
        {
            "account": summary["account"].to_numpy(object),
            "purchases": summary["purchases"].to_numpy(),
            "active_periods": np.asarray(active_periods, dtype=float),
            "margin_per_period": per_period,
            "expected_periods": expected_periods,
            "historical_clv": per_period * expected_periods,
        }
    )
    period_word, periods_word = (
        ("year", "years") if years else (f"period of {period_days:g} days", f"periods of {period_days:g} days")
    )
    basis = "profit" if has_profit else "revenue (the list has no profit column)"
    method = (
        f"Historical lifetime value = the customer's average {basis} per {period_word} with purchases x "
        f"{expected_periods:.2f} expected {periods_word} as a customer within the {horizon_days:g}-day horizon: "
        f"1 + q + q^2 + ... with q = r / (1 + d), the observed retention r = {retention:.0%} (customers buying "
        f"in one {period_word} who bought again in the next) and discount d = {period_discount:.1%} per "
        f"{period_word}."
    )
    return HistoricalValue(
        customers=customers,
        period_days=period_days,
        retention=retention,
        expected_periods=expected_periods,
        method=method,
    )


def why_no_model(summary: pd.DataFrame, errors: dict[str, str], unit: str) -> tuple[str, str]:
    """(why no purchase model could be used, what data would fix it), in plain words.

    Parameters
    ----------
    summary:
        The per-customer table the models were fitted on.
    errors:
        Model name -> the fit's error text, quoted when the data facts alone do not explain it.
    unit:
        The time unit of recency and T.

    Examples
    --------
    >>> summary = pd.DataFrame({"frequency": [0, 0, 0], "T": [5.0, 3.0, 1.0]})
    >>> why_no_model(summary, {}, "W")[0]
    'only 3 customers: the models need at least 10, and a few hundred for steady figures.'
    """
    customers = len(summary)
    repeat = int((summary["frequency"] > 0).sum())
    if customers < 10:
        why = f"only {customers} customers: the models need at least 10, and a few hundred for steady figures."
        fix = "A list with more customers."
    elif repeat == 0:
        why = (
            "no customer bought more than once (on different days), so the models cannot tell how often "
            "customers buy or when they stop."
        )
        fix = (
            "A list that covers a longer time, long enough for customers to come back (several times the usual "
            "gap between two orders of one customer)."
        )
    elif repeat < 10:
        why = (
            f"only {repeat} customers bought more than once; "
            "too few to tell how often customers buy and when they stop."
        )
        fix = "A list that covers a longer time or more customers, so that more of them buy again."
    else:
        median_age = float(np.median(summary["T"]))
        why = (
            f"the models found no sign of customers stopping: {repeat} of {customers} customers bought again and "
            f"the purchases do not thin out over time (median customer age {median_age:.1f} "
            f"{ {'D': 'days', 'W': 'weeks', 'M': 'months'}[unit] }), so the drop-out rate runs to 0."
        )
        fix = (
            "A list covering a longer time, in which some customers visibly stop buying; and order dates (not "
            "invoice or delivery batches) so that the gaps between purchases are real."
        )
        why = why[:-1] + _details(errors) + "."
    return why, fix


def _details(errors: dict[str, str]) -> str:
    """The fits' own words, once per distinct message: " (BG/NBD and Pareto/NBD: fit ran ...)".

    >>> _details({"BG/NBD": "frequency: BG/NBD fit ran a parameter to 0 or infinity; the data ...",
    ...           "Pareto/NBD": "frequency: Pareto/NBD fit ran a parameter to 0 or infinity; the data ..."})
    ' (BG/NBD and Pareto/NBD: fit ran a parameter to 0 or infinity)'
    """
    by_text: dict[str, list[str]] = {}
    for name, text in errors.items():
        core_text = text.split(": ", 1)[-1].split(";")[0].replace(f"{name} ", "", 1).strip()
        by_text.setdefault(core_text, []).append(name)
    parts = [
        f"{' and '.join([', '.join(names[:-1]), names[-1]] if len(names) > 1 else names)}: {text}"
        for text, names in by_text.items()
    ]
    return f" ({'; '.join(parts)})" if parts else ""
