"""Retention-formula CLTV of an account list: annual margin, retention and discount rate.

The simple retention model: an account brings the same margin every year for as long as
it stays, it stays each year with probability ``retention``, and money a year later is
worth ``1 / (1 + discount)`` of money now. Sheets call it "Retention CLTV". Not to be confused
with the *model CLV* of customers in a transaction list (:mod:`core.customers.model_clv`:
BG/NBD-family purchases x Gamma-Gamma spend), which is fitted on purchase histories.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from core.errors import SegmenterInputError
from core.groups import TOTAL_LABEL, check_same_length, float_values, group_codes, group_sums, ratio


def _numbers(values: Any, column: str) -> np.ndarray:
    if np.ndim(values) == 0:
        number = np.nan if values is None else values
        try:
            number = float(number)
        except (TypeError, ValueError):
            raise SegmenterInputError(f"expected a number, got {values!r}", column=column) from None
        if np.isinf(number):
            raise SegmenterInputError("value is infinite; expected a number", column=column)
        return np.array(number)
    return float_values(values, column)


def _first_bad(bad: np.ndarray, source: np.ndarray) -> int | None:
    """0-based position of the first offending value when it came from an array, else None."""
    position = np.flatnonzero(bad)
    return int(position[0]) if source.ndim and position.size else None


def cltv(annual_margin: Any, retention: Any, discount: Any = 0.10) -> np.ndarray | float:
    """Lifetime value of each account: ``m * r / (1 + d - r)``.

    Parameters
    ----------
    annual_margin:
        m, the margin (profit) an account brings per year, in currency; scalar or 1-D;
        NaN = unknown.
    retention:
        r, the share of accounts that stay from one year to the next (0.8 = 80 %);
        scalar or 1-D (per account).
    discount:
        d, the annual discount rate (0.10 = 10 %); scalar or 1-D.

    Returns
    -------
    numpy.ndarray or float
        CLTV in the margin's currency, broadcast over the inputs (numpy rules); a float
        when all inputs are scalars. NaN where the margin is NaN; a negative margin
        gives a negative CLTV.

    Raises
    ------
    SegmenterInputError
        ``d <= -1``, ``r < 0``, ``r >= 1 + d`` (the value would be infinite or
        negative), a missing or infinite rate, an infinite margin, or lengths that do
        not broadcast. For arrays ``row`` is the 0-based position of the first
        offending value.

    Notes
    -----
    The infinite-horizon, constant-margin form with the margin received at the end of
    each year (Gupta & Lehmann 2003, "Customers as assets", J. Interactive Marketing):

    ``CLTV = sum over t >= 1 of m * r^t / (1 + d)^t = m * r / (1 + d - r)``.

    The factor ``r / (1 + d - r)`` is the "margin multiple": 2.67 at r = 80 %, d = 10 %.
    Hand check: m = 1,000, r = 0.8, d = 0.1 gives 1,000 * 0.8 / 0.3 = 2,666.67. It
    counts only future years (the current year's margin is not included).

    Examples
    --------
    >>> round(cltv(1000.0, 0.8, 0.1), 2)
    2666.67
    >>> cltv([1000.0, float("nan"), -300.0], 0.5, 0.0)
    array([1000.,   nan, -300.])
    """
    margin = _numbers(annual_margin, "annual_margin")
    rate_r = _numbers(retention, "retention")
    rate_d = _numbers(discount, "discount")
    try:
        m, r, d = np.broadcast_arrays(margin, rate_r, rate_d)
    except ValueError:
        raise SegmenterInputError(
            f"margin, retention and discount lengths do not match ({margin.size}, {rate_r.size}, {rate_d.size})"
        ) from None
    with np.errstate(invalid="ignore"):
        bad_discount = ~np.isfinite(d) | (d <= -1)
        bad_retention = ~np.isfinite(r) | (r < 0) | (r >= 1 + d)
    if bad_discount.any():
        value = d.flat[np.flatnonzero(bad_discount)[0]]
        raise SegmenterInputError(
            f"the discount rate must be a number above -100 %, got {value!r}",
            row=_first_bad(bad_discount.ravel(), rate_d),
            column="discount",
        )
    if bad_retention.any():
        first = np.flatnonzero(bad_retention)[0]
        raise SegmenterInputError(
            f"retention must be at least 0 % and below 1 + discount ({1 + d.flat[first]:.0%}) "
            f"for a finite lifetime value, got {r.flat[first]!r}",
            row=_first_bad(bad_retention.ravel(), rate_r),
            column="retention",
        )
    value = m * r / (1 + d - r)
    return float(value) if value.ndim == 0 else value


def cltv_by_group(
    annual_margin: Any,
    groups: Any,
    retention: Any,
    discount: Any,
    *,
    order: Sequence[Any] | None = None,
    group_name: str = "tier",
) -> pd.DataFrame:
    """Total and average lifetime value per group (tier, industry, region...).

    Parameters
    ----------
    annual_margin:
        1-D margin per account per year; NaN = unknown.
    groups:
        The group of each account; see :func:`core.margins.group_codes`.
    retention, discount:
        Scalars or 1-D per account, as in :func:`cltv`.
    order:
        Groups to list first, e.g. tiers ``["A", "B", "C", "D"]``.
    group_name:
        Header of the first column.

    Returns
    -------
    pandas.DataFrame
        Columns ``<group_name>, accounts, total_cltv, avg_cltv``, then a ``Total`` row.

    Notes
    -----
    Per account ``cltv = m * r / (1 + d - r)`` (:func:`cltv`). ``accounts`` counts all
    accounts of the group; ``total_cltv`` sums the defined CLTVs (accounts with no
    margin add nothing; 0 when none is defined); ``avg_cltv = total_cltv / accounts
    with a defined CLTV`` (NaN if none), so an account without a margin does not pull
    the average down.

    Examples
    --------
    Margins 1,000 and 500 in A, 300 and unknown in B, r = 0.8, d = 0.1 (multiple 8/3):

    >>> table = cltv_by_group([1000.0, 500.0, 300.0, float("nan")], ["A", "A", "B", "B"], 0.8, 0.1)
    >>> table.round(2)
        tier  accounts  total_cltv  avg_cltv
    0      A         2      4000.0    2000.0
    1      B         2       800.0     800.0
    2  Total         4      4800.0    1600.0
    """
    margin = float_values(annual_margin, "annual_margin")
    codes, labels = group_codes(groups, order)
    check_same_length(annual_margin=margin, groups=codes)
    value = np.broadcast_to(cltv(margin, retention, discount), margin.shape)
    defined = ~np.isnan(value)
    k = len(labels)
    accounts = group_sums(codes, k)
    total = group_sums(codes, k, np.where(defined, value, 0.0))
    average = ratio(total, group_sums(codes, k, defined.astype(float)))
    return pd.DataFrame(
        {
            group_name: labels + [TOTAL_LABEL],
            "accounts": accounts.astype(np.int64),
            "total_cltv": total,
            "avg_cltv": average,
        }
    )
