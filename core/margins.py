"""Margins per account and a summary table per group (tier, industry, region, year...).

Also home to the input helpers the other per-group modules share (nps, matrix, lifetime):
:func:`float_values` (one numeric column, checked), :func:`check_same_length` and
:func:`group_codes` (any label column as integer codes plus labels in the report's order),
:func:`group_sums` and :func:`ratio`.
"""
from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np
import pandas as pd

from core.errors import SegmenterInputError

BLANK_GROUP = "(blank)"
TOTAL_LABEL = "Total"

NOTE_REVENUE_MISSING = "revenue missing"
NOTE_REVENUE_NOT_POSITIVE = "revenue is zero or negative"
NOTE_PROFIT_MISSING = "profit missing"


def float_values(values: Any, column: str) -> np.ndarray:
    """One column as a 1-D float64 array, NaN for missing; infinite values are refused.

    Parameters
    ----------
    values:
        1-D array-like of numbers; ``None``, ``NaN`` and ``pd.NA`` mean missing.
    column:
        Name used in the error message (``"revenue"``).

    Returns
    -------
    numpy.ndarray
        float64 copy-free where possible.

    Raises
    ------
    SegmenterInputError
        Text or other non-numbers, more than one dimension, or an infinite value. ``row``
        is the 0-based position in ``values``; callers that know sheet rows translate it.

    Examples
    --------
    >>> float_values([1, None, 2.5], "revenue")
    array([1. , nan, 2.5])
    """
    try:
        if isinstance(values, (pd.Series, pd.Index)) or pd.api.types.is_extension_array_dtype(values):
            array = pd.Series(values).to_numpy(dtype=float, na_value=np.nan)
        else:
            array = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise SegmenterInputError("expected numbers (or blanks)", column=column) from None
    if array.ndim != 1:
        raise SegmenterInputError(f"expected one column of numbers, got shape {array.shape}", column=column)
    infinite = np.flatnonzero(np.isinf(array))
    if infinite.size:
        raise SegmenterInputError("value is infinite; expected a number or blank", row=int(infinite[0]), column=column)
    return array


def check_same_length(**columns: np.ndarray) -> None:
    """Raise :class:`SegmenterInputError` unless all columns have the same length."""
    lengths = {name: len(values) for name, values in columns.items()}
    if len(set(lengths.values())) > 1:
        detail = ", ".join(f"{name} {n}" for name, n in lengths.items())
        raise SegmenterInputError(f"columns differ in length ({detail})")


def group_label(value: Any) -> str:
    """How a group value is shown: stripped text, 2019.0 as "2019", blank or missing as "(blank)"."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return BLANK_GROUP
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))  # a year read from Excel as 2019.0 shows as 2019
    text = str(value).strip()
    return text or BLANK_GROUP


def _sort_key(label: str) -> tuple:
    if label == BLANK_GROUP:
        return (2, 0.0, label)
    try:
        return (0, float(label), label)
    except ValueError:
        return (1, 0.0, label.casefold())


def group_codes(groups: Any, order: Sequence[Any] | None = None) -> tuple[np.ndarray, list[str]]:
    """Integer codes for a label column and the labels in display order.

    Parameters
    ----------
    groups:
        1-D array-like of labels (str, numbers, or a pandas Categorical). Missing
        (``None``/``NaN``) and blank text become ``"(blank)"``; labels are stripped; a
        whole float such as ``2019.0`` becomes ``"2019"``.
    order:
        Labels to show first, in this order, even when no account has them (tiers A-D).

    Returns
    -------
    codes : numpy.ndarray
        int64, one per account, indexing ``labels``.
    labels : list of str
        ``order`` first, then the other labels sorted (numbers by value, then text
        alphabetically), ``"(blank)"`` last.

    Notes
    -----
    Factorises once and normalises only the distinct labels, so 1,048,576 accounts cost
    one hash pass. A Categorical's categories come after ``order`` in their own order
    (instead of sorted), unused ones included, and its codes are used without hashing.

    Examples
    --------
    >>> codes, labels = group_codes(["B", "x", None, "A", "B"], order=["A", "B", "C"])
    >>> labels, codes.tolist()
    (['A', 'B', 'C', 'x', '(blank)'], [1, 3, 4, 0, 1])
    """
    if np.ndim(groups) != 1:
        raise SegmenterInputError("expected one column of group labels", column="group")
    first = [group_label(o) for o in (order or [])]
    if len(set(first)) != len(first):
        raise SegmenterInputError(f"the group order lists a label twice: {first}", column="order")
    if isinstance(getattr(groups, "dtype", None), pd.CategoricalDtype):
        categorical = pd.Categorical(groups)
        raw_codes, uniques = np.asarray(categorical.codes, dtype=np.int64), list(categorical.categories)
        first += [label for label in dict.fromkeys(map(group_label, uniques)) if label not in first]
    else:
        raw_codes, uniques = pd.factorize(pd.Series(groups).to_numpy(dtype=object))
        uniques = list(uniques)
    unique_labels = [group_label(u) for u in uniques]
    present = set(unique_labels)
    if (raw_codes < 0).any():
        present.add(BLANK_GROUP)
    labels = first + sorted(present.difference(first), key=_sort_key)
    position = {label: i for i, label in enumerate(labels)}
    # the extra last entry serves the -1 code pandas gives to missing labels
    lookup = np.array([position[label] for label in unique_labels] + [position.get(BLANK_GROUP, -1)], dtype=np.int64)
    return lookup[raw_codes], labels


def group_sums(codes: np.ndarray, n_groups: int, weights: np.ndarray | None = None) -> np.ndarray:
    """Sum of ``weights`` (or a count of accounts) per group code, with the total appended.

    Examples
    --------
    >>> group_sums(np.array([0, 1, 1]), 3, np.array([5.0, 2.0, 1.0]))
    array([5., 3., 0., 8.])
    """
    sums = np.bincount(codes, weights=weights, minlength=n_groups).astype(float)
    return np.append(sums, sums.sum())


def _share(part: np.ndarray, total: float) -> np.ndarray:
    return part / total if total > 0 else np.full(len(part), np.nan)


def ratio(numerator: np.ndarray, denominator: np.ndarray, *, positive_only: bool = False) -> np.ndarray:
    """numerator / denominator, NaN where the denominator is 0 (or <= 0 with ``positive_only``)."""
    usable = denominator > 0 if positive_only else denominator != 0
    return np.divide(numerator, denominator, out=np.full(len(numerator), np.nan), where=usable)


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
    - ``revenue``, ``profit``: sums (0 when all are missing).
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
    accounts = group_sums(codes, k)
    revenue_sum = group_sums(codes, k, np.where(revenue_present, revenue, 0.0))
    profit_sum = group_sums(codes, k, np.nan_to_num(profit, nan=0.0))
    paired_revenue = group_sums(codes, k, np.where(both_present, revenue, 0.0))
    paired_profit = group_sums(codes, k, np.where(both_present, profit, 0.0))
    revenue_counted = group_sums(codes, k, revenue_present.astype(float))
    return pd.DataFrame(
        {
            group_name: labels + [TOTAL_LABEL],
            "accounts": accounts.astype(np.int64),
            "revenue": revenue_sum,
            "profit": profit_sum,
            "margin_pct": ratio(paired_profit, paired_revenue, positive_only=True),
            "account_share": _share(accounts, accounts[-1]),
            "revenue_share": _share(revenue_sum, revenue_sum[-1]),
            "profit_share": _share(profit_sum, profit_sum[-1]),
            "avg_revenue": ratio(revenue_sum, revenue_counted),
        }
    )
