"""Transactions to one row per customer: the purchase history the customer models read.

:func:`customer_summary` turns a :class:`core.transactions.TransactionTable` into one row per
customer with the purchase history figures the RFM and lifetime-value models use (frequency,
recency, T) and the ``account``, ``revenue``, ``profit`` columns the account report reads.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from core.errors import SegmenterInputError
from core.transactions import TransactionTable

#: Days per time unit of recency and T: day, week, average Gregorian month (365.25 / 12).
UNIT_DAYS = {"D": 1.0, "W": 7.0, "M": 365.25 / 12}

SUMMARY_COLUMNS = (
    "account",
    "first_purchase",
    "last_purchase",
    "purchases",
    "repeat_purchases",
    "frequency",
    "recency",
    "T",
    "time_since_last",
    "total_spend",
    "avg_spend",
    "avg_repeat_spend",
    "total_profit",
    "avg_margin_pct",
    "total_quantity",
    "revenue",
    "profit",
)


def customer_summary(
    transactions: TransactionTable,
    *,
    observation_end: Any = None,
    unit: str = "W",
    customers: tuple[np.ndarray, np.ndarray] | None = None,
) -> pd.DataFrame:
    """One row per customer: purchase history, spend, margin and the BG/NBD inputs.

    Parameters
    ----------
    transactions:
        From :func:`parse_transactions`.
    observation_end:
        Last day observed (a date, ``"1997-09-30"``); transactions after it are left out
        (use it to set a calibration period). Default: the last transaction date.
    unit:
        Time unit of recency, T and time_since_last: ``"D"`` days, ``"W"`` weeks (7 days, the
        default, as in the CDNOW studies) or ``"M"`` months of 365.25 / 12 = 30.4375 days.
        Stored in ``result.attrs["unit"]``.
    customers:
        ``pd.factorize`` of the list's customer ids (a code per row, none missing; the distinct
        ids), when the caller has it: the customers are then numbered from it (the same numbering,
        by first appearance among the rows kept) instead of by hashing every row's id again, as
        :class:`core.customers.aggregates.PandasCustomers` does for the whole list's summary and
        the holdout check's calibration summary.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SUMMARY_COLUMNS`, one row per customer with at least one purchase up to
        ``observation_end``, sorted by account:

        - ``account``: customer id; ``first_purchase``, ``last_purchase``: dates of the first
          and last purchase;
        - ``purchases``: purchase rows (orders, amount >= 0); ``repeat_purchases`` = purchases - 1;
        - ``frequency``: purchase *days* after the first (several orders on one day are one
          purchase occasion, as in BG/NBD and lifetimes);
        - ``recency`` = (last_purchase - first_purchase) days / unit days;
          ``T`` = (observation_end - first_purchase) days / unit days;
          ``time_since_last`` = T - recency;
        - ``total_spend``: sum of all amounts, returns included (net revenue);
          ``avg_spend`` = total_spend / purchases;
        - ``avg_repeat_spend``: mean of the daily purchase totals after the first purchase day
          (returns excluded; the Gamma-Gamma model's input), blank when frequency = 0;
        - ``total_profit``: sum of profit, blank when there is no profit column or any of the
          customer's rows lacks it; ``avg_margin_pct`` = total_profit / total_spend as a
          fraction (0.25 = 25 %), blank when total_spend <= 0;
        - ``total_quantity``: sum of quantity (blank as for profit);
        - ``revenue`` = total_spend and ``profit`` = total_profit, so the account report
          (tiers, concentration, matrix) reads this table like an account list.

    Notes
    -----
    Times of day are ignored (dates count by calendar day). Returns of a customer with no
    purchase up to ``observation_end`` are left out with that customer.

    Raises
    ------
    SegmenterInputError
        Unknown unit; no purchase on or before ``observation_end``.

    Examples
    --------
    >>> from core.transactions import parse_transactions
    >>> table = parse_transactions([["Customer", "Date", "Amount"], ["A", "2024-01-01", 10.0],
    ...                             ["A", "2024-01-01", 5.0], ["A", "2024-01-15", 30.0],
    ...                             ["A", "2024-01-29", -6.0], ["B", "2024-01-22", 20.0]])
    >>> summary = customer_summary(table, observation_end="2024-01-29")
    >>> summary[["account", "purchases", "frequency", "recency", "T", "total_spend",
    ...          "avg_repeat_spend"]].values.tolist()
    [['A', 3, 1, 2.0, 4.0, 39.0, 30.0], ['B', 1, 0, 0.0, 1.0, 20.0, nan]]
    """
    if unit not in UNIT_DAYS:
        raise SegmenterInputError(f"unknown time unit {unit!r}; use D (days), W (weeks) or M (months)", column="unit")
    rows = transactions.rows
    day = rows["date"].to_numpy().astype("datetime64[D]").astype(np.int64)
    end = int(day.max()) if observation_end is None else _day_number(observation_end)
    in_period = day <= end
    amount = rows["amount"].to_numpy()
    purchase = in_period & (amount >= 0)
    if not purchase.any():
        raise SegmenterInputError(f"no purchase on or before {_day_text(end)}", column="date")
    codes, accounts = customer_codes(rows, in_period, customers)
    n_accounts = accounts.size
    amount, day = amount[in_period], day[in_period]
    purchase = purchase[in_period]

    def per_account(weights: np.ndarray) -> np.ndarray:
        return np.bincount(codes, weights=weights, minlength=n_accounts)

    total_spend = per_account(amount)
    optional = {}
    for role in ("profit", "quantity"):
        values = rows[role].to_numpy()[in_period]
        unknown = per_account(np.isnan(values).astype(float)) > 0
        optional[role] = np.where(unknown, np.nan, per_account(np.nan_to_num(values)))
    purchases = per_account(purchase.astype(float)).astype(np.int64)

    # One key per (account, day) with a purchase; sorted keys put each account's days in order.
    first_day_seen = int(day.min())
    span = int(day.max()) - first_day_seen + 1
    keys, key_of_row = _unique_with_inverse(codes[purchase].astype(np.int64) * span + (day[purchase] - first_day_seen))
    day_spend = np.bincount(key_of_row, weights=amount[purchase], minlength=keys.size)
    key_account = keys // span
    key_day = keys % span + first_day_seen
    starts = np.flatnonzero(np.r_[True, key_account[1:] != key_account[:-1]])
    ends = np.r_[starts[1:], keys.size] - 1
    spend_after_first_day = np.add.reduceat(day_spend, starts) - day_spend[starts]
    buyers = key_account[starts]
    order = np.argsort(accounts[buyers], kind="stable")
    starts, ends, buyers, spend_after_first_day = (
        starts[order],
        ends[order],
        buyers[order],
        spend_after_first_day[order],
    )

    unit_days = UNIT_DAYS[unit]
    frequency = ends - starts
    first_day, last_day = key_day[starts], key_day[ends]
    purchases = purchases[buyers]
    total_spend = total_spend[buyers]
    total_profit = optional["profit"][buyers]
    recency = (last_day - first_day) / unit_days
    age = (end - first_day) / unit_days
    with np.errstate(divide="ignore", invalid="ignore"):
        avg_repeat = np.where(frequency > 0, spend_after_first_day / frequency, np.nan)
        margin = np.where(total_spend > 0, total_profit / total_spend, np.nan)
    summary = pd.DataFrame(
        {
            "account": pd.array(accounts[buyers], dtype="str"),
            "first_purchase": _dates(first_day),
            "last_purchase": _dates(last_day),
            "purchases": purchases,
            "repeat_purchases": purchases - 1,
            "frequency": frequency,
            "recency": recency,
            "T": age,
            "time_since_last": age - recency,
            "total_spend": total_spend,
            "avg_spend": total_spend / purchases,
            "avg_repeat_spend": avg_repeat,
            "total_profit": total_profit,
            "avg_margin_pct": margin,
            "total_quantity": optional["quantity"][buyers],
            "revenue": total_spend,
            "profit": total_profit,
        }
    )
    summary.attrs["unit"] = unit
    summary.attrs["observation_end"] = _day_text(end)
    return summary


def _unique_with_inverse(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(keys, return_inverse=True)`` of a 1-D integer array, made as numpy makes it (an
    argsort, the sorted keys' changes, their running count put back in place) with numpy's faster
    unstable argsort: the distinct keys and each key's position among them do not depend on the
    order of equal keys. A third of np.unique's time on a million order lines.

    >>> [v.tolist() for v in _unique_with_inverse(np.array([7, 3, 7, 1, 3]))]
    [[1, 3, 7], [2, 1, 2, 0, 1]]
    >>> [v.tolist() for v in _unique_with_inverse(np.array([], dtype=np.int64))]
    [[], []]
    """
    order = np.argsort(keys)
    ordered = keys[order]
    new = np.ones(ordered.size, dtype=bool)
    np.not_equal(ordered[1:], ordered[:-1], out=new[1:])
    inverse = np.empty(keys.size, dtype=np.intp)
    inverse[order] = np.cumsum(new) - 1
    return ordered[new], inverse


def customer_codes(
    rows: pd.DataFrame, kept: np.ndarray, customers: tuple[np.ndarray, np.ndarray] | None
) -> tuple[np.ndarray, np.ndarray]:
    """``pd.factorize`` of the customer ids of the rows ``kept``, from the whole list's (``customers``)
    when given: its codes renumbered by first appearance among the rows kept (a factorize of
    integers), the ids taken in that order. Two rows share a code exactly when they share an id,
    so the codes and ids are those of factorizing the ids kept.

    >>> rows = pd.DataFrame({"customer": ["b", "a", "b", "c", "a"]})
    >>> kept = np.array([False, True, True, False, True])
    >>> whole = pd.factorize(rows["customer"].to_numpy())
    >>> [v.tolist() for v in customer_codes(rows, kept, whole)]
    [[0, 1, 0], ['a', 'b']]
    >>> [v.tolist() for v in customer_codes(rows, kept, None)]
    [[0, 1, 0], ['a', 'b']]
    """
    if customers is None:
        return pd.factorize(rows["customer"].to_numpy()[kept])
    codes, ids = customers
    if kept.all():
        return codes, ids
    renumbered, first = pd.factorize(codes[kept])
    return renumbered, ids[first]


def revenue_per_year(transactions: TransactionTable, summary: pd.DataFrame) -> dict[str, np.ndarray]:
    """Each customer's net revenue per full year, as period columns for the growth sheets.

    Parameters
    ----------
    transactions:
        From :func:`core.transactions.parse_transactions`.
    summary:
        :func:`customer_summary` of it: its rows give the customer order, its
        ``observation_end`` the end of the last year.

    Returns
    -------
    dict
        Header -> one value per summary row, oldest year first; empty when fewer than two full
        years lie between the first transaction and the observation end. Years run back from
        the observation end in steps of one calendar year: ``"Revenue 2024"`` when it is a
        31 December, else ``"Revenue FY 2023/24"`` (the 12 months starting in 2023), headers
        that :func:`core.periods.read_period_header` reads as years. A customer without
        orders in a year has 0 there (returns count, as in total spend); a year that starts
        before the first transaction is left out, because it is not fully observed.

    Examples
    --------
    >>> from core.transactions import parse_transactions
    >>> table = parse_transactions([["Customer", "Date", "Amount"], ["A", "2023-01-01", 10.0],
    ...                             ["A", "2024-06-01", 30.0], ["B", "2024-12-31", 5.0]])
    >>> {k: v.tolist() for k, v in revenue_per_year(table, customer_summary(table)).items()}
    {'Revenue 2023': [10.0, 0.0], 'Revenue 2024': [30.0, 5.0]}
    """
    rows = transactions.rows
    dates = rows["date"].dt.normalize()
    columns = {}
    for header, start, year_end in year_windows(dates.min(), summary.attrs["observation_end"]):
        inside = (dates > start) & (dates <= year_end)
        spend = rows.loc[inside].groupby("customer")["amount"].sum()
        columns[header] = spend.reindex(summary["account"].to_numpy(), fill_value=0.0).to_numpy(float)
    return columns


def year_windows(first: Any, end: Any) -> list[tuple[str, pd.Timestamp, pd.Timestamp]]:
    """The full years of :func:`revenue_per_year`: (header, day before it starts, last day), oldest
    first; empty when fewer than two fit between ``first`` (the first date) and ``end``.

    Examples
    --------
    >>> [(h, str(s.date()), str(e.date())) for h, s, e in year_windows("2023-01-01", "2024-12-31")]
    [('Revenue 2023', '2022-12-31', '2023-12-31'), ('Revenue 2024', '2023-12-31', '2024-12-31')]
    """
    first, end = pd.Timestamp(first), pd.Timestamp(end)
    starts = []
    while end - pd.DateOffset(years=len(starts) + 1) >= first - pd.Timedelta(days=1):
        starts.append(end - pd.DateOffset(years=len(starts) + 1))
    if len(starts) < 2:
        return []
    calendar = end.month == 12 and end.day == 31
    windows = []
    for start in reversed(starts):
        year_end = start + pd.DateOffset(years=1)
        first_day = start + pd.Timedelta(days=1)
        label = str(year_end.year) if calendar else f"FY {first_day.year}/{(first_day.year + 1) % 100:02d}"
        windows.append((f"Revenue {label}", start, year_end))
    return windows


def observation_day(value: Any) -> pd.Timestamp:
    """The observation end a user gave (a date, ``"1997-09-30"``) as a day; refused in one line
    when it is not a date or is blank.

    >>> observation_day("1997-09-30 14:00")
    Timestamp('1997-09-30 00:00:00')
    """
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError):
        raise SegmenterInputError(
            f"observation end {value!r} is not a date (use YYYY-MM-DD)", column="observation_end"
        ) from None
    if pd.isna(stamp):
        raise SegmenterInputError("observation end is blank", column="observation_end")
    return stamp.normalize()


def _day_number(value: Any) -> int:
    return int(np.datetime64(observation_day(value).to_datetime64(), "D").astype(np.int64))


def _dates(day_numbers: np.ndarray) -> np.ndarray:
    return day_numbers.astype("datetime64[D]").astype("datetime64[ns]")


def _day_text(day_number: int) -> str:
    return str(np.datetime64(int(day_number), "D"))
