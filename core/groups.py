"""Groups of accounts: one checked numeric column, label columns as codes, sums per group.

What every per-group summary shares (margins, nps, matrix, lifetime, growth):
:func:`float_values` (one numeric column, checked), :func:`check_same_length`,
:func:`group_codes` (any label column as integer codes plus labels in the report's order),
:func:`group_sums` (per group, with the total appended), :func:`known_sums` (a sum over no value
is not 0) and :func:`ratio`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from core.errors import SegmenterInputError

BLANK_GROUP = "(blank)"
TOTAL_LABEL = "Total"


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
        # the label itself breaks a tie of case ("North" before "north"): the labels come from a set, whose
        # order changes with the interpreter's string hash seed
        return (1, 0.0, label.casefold(), label)


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
    >>> group_codes(["north", "North", "east"])[1]
    ['east', 'North', 'north']
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


def known_sums(sums: np.ndarray, counted: np.ndarray, accounts: np.ndarray | None = None) -> np.ndarray:
    """Per-group sums as figures: NaN where the group has no value to sum (pandas' ``min_count=1``).

    A sum that skips missing values reads 0 for a group where every value is missing, which
    says "earns nothing" where the truth is "not known"; this is the one rule that blanks it,
    for every per-group profit figure (core.margins.summary_from_sums, the model CLV ranges).

    Parameters
    ----------
    sums:
        Per group, the sum of the values present (e.g. :func:`group_sums`, total appended).
    counted:
        Per group, how many values were present (same shape).
    accounts:
        Per group, how many accounts it has; with it, a group without accounts keeps its 0
        (nothing in it to miss) when some group has a value. When no group has one (the
        list has no such column), every figure is NaN, the total too.

    Returns
    -------
    numpy.ndarray
        float64, ``sums`` where known, else NaN.

    Examples
    --------
    >>> known_sums(np.array([5.0, 0.0, 0.0, 5.0]), np.array([2, 0, 0, 2]), np.array([3, 1, 0, 4])).tolist()
    [5.0, nan, 0.0, 5.0]
    >>> known_sums(np.array([0.0, 0.0, 0.0]), np.array([0, 0, 0]), np.array([3, 0, 3])).tolist()
    [nan, nan, nan]
    """
    sums, counted = np.asarray(sums, dtype=float), np.asarray(counted, dtype=float)
    known = counted > 0
    if accounts is not None and known.any():
        known |= np.asarray(accounts) == 0
    return np.where(known, sums, np.nan)


def ratio(numerator: np.ndarray, denominator: np.ndarray, *, positive_only: bool = False) -> np.ndarray:
    """numerator / denominator, NaN where the denominator is 0 (or <= 0 with ``positive_only``)."""
    usable = denominator > 0 if positive_only else denominator != 0
    return np.divide(numerator, denominator, out=np.full(len(numerator), np.nan), where=usable)


#: Size words from small to large, for bands named in words.
SIZE_WORDS = (
    "micro",
    "very small",
    "small",
    "smb",
    "mid-market",
    "medium",
    "mid",
    "upper mid-market",
    "large",
    "very large",
    "enterprise",
    "strategic",
)


def band_order(labels: Sequence[Any]) -> list[str] | None:
    """Size bands in size order, or None when their names do not say it.

    Bands that start with a number sort by it ("1-10" < "11-50" < "1000+", not as text);
    bands named by size words sort as :data:`SIZE_WORDS` ("Small" < "Medium" < "Large").
    Blank labels are left to the caller (they go last).

    Examples
    --------
    >>> band_order(["1000+", "11-50", "1-10", "51-200"])
    ['1-10', '11-50', '51-200', '1000+']
    >>> band_order(["Large", "small", "Medium"])
    ['small', 'Medium', 'Large']
    >>> band_order(["Retail", "Bank"]) is None
    True
    """
    values = labels if isinstance(labels, pd.Series) else pd.Series(list(labels), dtype=object)
    names = [str(v).strip() for v in values.dropna().unique() if str(v).strip()]
    if not names:
        return None
    numbers = [_leading_number(name) for name in names]
    if all(n is not None for n in numbers):
        return [name for _, name in sorted(zip(numbers, names))]
    words = [name.lower() for name in names]
    if all(word in SIZE_WORDS for word in words):
        return sorted(names, key=lambda n: SIZE_WORDS.index(n.lower()))
    return None


def _leading_number(name: str) -> float | None:
    """The number a band name starts with ("1,000+" -> 1000, "<10" -> 10, "5k-10k" -> 5000), or None."""
    match = re.match(r"[<>]?=?\s*(\d[\d,]*(?:\.\d+)?)\s*([kKmM]?)", name)
    if match is None:
        return None
    return float(match.group(1).replace(",", "")) * {"": 1.0, "k": 1e3, "m": 1e6}[match.group(2).lower()]
