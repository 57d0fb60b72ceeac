"""Margins per account and a summary table per group (tier, industry, region, year...).

The per-group machinery (labels, codes, sums) is shared with nps, matrix, lifetime and growth
and lives in :mod:`core.groups`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from core.groups import TOTAL_LABEL, check_same_length, float_values, group_codes, group_sums, known_sums, ratio

NOTE_REVENUE_MISSING = "revenue missing"
NOTE_REVENUE_NOT_POSITIVE = "revenue is zero or negative"
NOTE_PROFIT_MISSING = "profit missing"


def profit_unknown_note(profit_header: str | None = None) -> str:
    """Why a report's profit and margin figures are blank: no account has a profit.

    Said once per report (the Tier summary sheet, the Overview, the summary function's last
    line), since a blank profit column read row by row could pass for missing data, and a 0
    would read as "these customers earn nothing". ``profit_header``: the column read as profit
    (None: the list has none).

    Examples
    --------
    >>> profit_unknown_note()
    'no profit column: profit and margin are not shown (blank cells, not 0)'
    >>> profit_unknown_note("Gross Profit")
    "no account has a profit in 'Gross Profit': profit and margin are not shown (blank cells, not 0)"
    """
    what = "no profit column" if profit_header is None else f"no account has a profit in '{profit_header}'"
    return f"{what}: profit and margin are not shown (blank cells, not 0)"


def _share(part: np.ndarray, total: float) -> np.ndarray:
    return part / total if total > 0 else np.full(len(part), np.nan)


def margin_pct(revenue: Any, profit: Any) -> np.ndarray:
    """Margin of each account as a fraction: profit / revenue.

    Parameters
    ----------
    revenue, profit:
        1-D, same length, in the same currency; NaN = missing.

    Returns
    -------
    numpy.ndarray
        float64 fraction (0.25 = 25 %). NaN, i.e. undefined and not 0, when revenue is
        zero, negative or missing, or profit is missing; :func:`margin_note` says which.

    Notes
    -----
    ``margin_pct = profit / revenue``. A loss gives a negative margin; a credit note
    (negative revenue) has no meaningful margin, hence NaN.

    Examples
    --------
    >>> margin_pct([1000.0, 0.0, 500.0, float("nan")], [250.0, 10.0, -50.0, 5.0])
    array([ 0.25,   nan, -0.1 ,   nan])
    """
    revenue = float_values(revenue, "revenue")
    profit = float_values(profit, "profit")
    check_same_length(revenue=revenue, profit=profit)
    defined = (revenue > 0) & ~np.isnan(profit)
    return np.divide(profit, revenue, out=np.full(len(revenue), np.nan), where=defined)


def margin_note(revenue: Any, profit: Any) -> np.ndarray:
    """Why each account's margin is undefined, or ``""`` when it is defined.

    Returns
    -------
    numpy.ndarray of object
        ``"revenue missing"``, else ``"revenue is zero or negative"``, else
        ``"profit missing"``, else ``""`` (first reason that applies).

    Examples
    --------
    >>> margin_note([1000.0, 0.0, float("nan"), 10.0], [250.0, 1.0, 1.0, float("nan")]).tolist()
    ['', 'revenue is zero or negative', 'revenue missing', 'profit missing']
    """
    revenue = float_values(revenue, "revenue")
    profit = float_values(profit, "profit")
    check_same_length(revenue=revenue, profit=profit)
    notes = np.full(len(revenue), "", dtype=object)
    notes[np.isnan(profit)] = NOTE_PROFIT_MISSING
    notes[revenue <= 0] = NOTE_REVENUE_NOT_POSITIVE
    notes[np.isnan(revenue)] = NOTE_REVENUE_MISSING
    return notes


def group_summary(
    revenue: Any,
    profit: Any,
    groups: Any,
    *,
    order: Sequence[Any] | None = None,
    group_name: str = "tier",
) -> pd.DataFrame:
    """Accounts, revenue, profit, margin and shares per group, with a Total row.

    Parameters
    ----------
    revenue, profit:
        1-D per account, same currency; NaN = missing.
    groups:
        The group of each account (tier, industry, region, year...); see :func:`group_codes`.
    order:
        Groups to list first (e.g. ``["A", "B", "C", "D"]``); they appear even when empty.
    group_name:
        Header of the first column.

    Returns
    -------
    pandas.DataFrame
        Columns ``<group_name>, accounts, revenue, profit, margin_pct, account_share,
        revenue_share, profit_share, avg_revenue``; one row per group, then ``Total``.

    Notes
    -----
    Per group, with sums that skip missing values:

    - ``accounts``: all accounts in the group, whatever their figures.
    - ``revenue``: sum (0 when all are missing).
    - ``profit``: sum of the profits present; NaN (unknown, not 0) for a group with accounts
      none of which has a profit, and in every row when no account has one (a revenue-only
      list): :func:`core.groups.known_sums`. ``profit_share`` is then NaN too.
    - ``margin_pct = sum profit / sum revenue`` over the accounts where both are
      present; NaN if that revenue sum is zero or negative. It weights accounts by
      revenue, so it is not the average of the account margins.
    - ``account_share = accounts / all accounts``.
    - ``revenue_share = revenue / total revenue`` where the total is the sum of all
      revenue *including negative* amounts (credit notes), so the shares add up to 1;
      NaN when that total is zero or negative. ``profit_share`` likewise with profit
      (NaN when total profit <= 0, e.g. the company as a whole loses money).
    - ``avg_revenue = revenue / accounts whose revenue is present``; NaN if none.

    The Total row applies the same rules to all accounts. Cost is a few
    ``numpy.bincount`` passes: 1,048,576 accounts take a few hundredths of a second.

    Examples
    --------
    >>> table = group_summary([600.0, 300.0, 100.0], [120.0, 30.0, 50.0], ["A", "B", "B"], order=["A", "B"])
    >>> table[["tier", "accounts", "revenue", "margin_pct", "revenue_share"]]
        tier  accounts  revenue  margin_pct  revenue_share
    0      A         1    600.0        0.20            0.6
    1      B         2    400.0        0.20            0.4
    2  Total         3   1000.0        0.20            1.0
    """
    revenue = float_values(revenue, "revenue")
    profit = float_values(profit, "profit")
    codes, labels = group_codes(groups, order)
    check_same_length(revenue=revenue, profit=profit, groups=codes)
    k = len(labels)
    revenue_present = ~np.isnan(revenue)
    both_present = revenue_present & ~np.isnan(profit)
    sums = GroupSums(
        accounts=group_sums(codes, k),
        revenue=group_sums(codes, k, np.where(revenue_present, revenue, 0.0)),
        profit=group_sums(codes, k, np.nan_to_num(profit, nan=0.0)),
        paired_revenue=group_sums(codes, k, np.where(both_present, revenue, 0.0)),
        paired_profit=group_sums(codes, k, np.where(both_present, profit, 0.0)),
        revenue_counted=group_sums(codes, k, revenue_present.astype(float)),
        profit_counted=group_sums(codes, k, (~np.isnan(profit)).astype(float)),
    )
    return summary_from_sums(labels, sums, group_name=group_name)


@dataclass(frozen=True)
class GroupSums:
    """Per-group sums behind :func:`group_summary`, each with the all-accounts total appended.

    ``accounts``: accounts; ``revenue``: revenue where present; ``profit``: profit where
    present; ``paired_revenue``, ``paired_profit``: both where both are present;
    ``revenue_counted``: accounts whose revenue is present; ``profit_counted``: accounts whose
    profit is present (a group without any has an unknown profit, not 0). A database computes the same sums
    with GROUP BY (``warehouse.queries``) and this module turns them into the table.
    """

    accounts: np.ndarray
    revenue: np.ndarray
    profit: np.ndarray
    paired_revenue: np.ndarray
    paired_profit: np.ndarray
    revenue_counted: np.ndarray
    profit_counted: np.ndarray


def summary_from_sums(labels: Sequence[str], sums: GroupSums, *, group_name: str = "tier") -> pd.DataFrame:
    """The :func:`group_summary` table from its per-group sums (rules in its Notes).

    Examples
    --------
    >>> sums = GroupSums(*(np.array(v, dtype=float) for v in
    ...        ([1, 2, 3], [600, 400, 1000], [120, 80, 200], [600, 400, 1000], [120, 80, 200], [1, 2, 3], [1, 2, 3])))
    >>> summary_from_sums(["A", "B"], sums)["margin_pct"].tolist()
    [0.2, 0.2, 0.2]
    """
    profit = known_sums(sums.profit, sums.profit_counted, sums.accounts)
    return pd.DataFrame(
        {
            group_name: list(labels) + [TOTAL_LABEL],
            "accounts": sums.accounts.astype(np.int64),
            "revenue": sums.revenue,
            "profit": profit,
            "margin_pct": ratio(sums.paired_profit, sums.paired_revenue, positive_only=True),
            "account_share": _share(sums.accounts, sums.accounts[-1]),
            "revenue_share": _share(sums.revenue, sums.revenue[-1]),
            "profit_share": _share(profit, profit[-1]),
            "avg_revenue": ratio(sums.revenue, sums.revenue_counted),
        }
    )
