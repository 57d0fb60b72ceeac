"""The revenue x margin strategy matrix and the NPS flags read against it.

Each account with a defined margin falls in one cell of a 2 x 2 grid split at a revenue
amount and a margin %: Protect (high revenue, high margin), Fix margin (high revenue, low
margin), Grow (low revenue, high margin), Migrate (low revenue, low margin).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from core.errors import SegmenterInputError
from core.groups import check_same_length, float_values
from core.margins import group_summary
from core.nps import nps_coding

PROTECT, FIX_MARGIN, GROW, MIGRATE = "Protect", "Fix margin", "Grow", "Migrate"
UNCLASSIFIED = "Unclassified"
STRATEGIES = (PROTECT, FIX_MARGIN, GROW, MIGRATE)
# strategy -> (revenue band, margin band, action)
CELLS = {
    PROTECT: ("high", "high", "Protect: key accounts, keep service and relationship"),
    FIX_MARGIN: ("high", "low", "Fix margin: reprice, cut cost to serve"),
    GROW: ("low", "high", "Grow: profitable but small, sell more"),
    MIGRATE: ("low", "low", "Migrate: move to low-cost channel or drop"),
    UNCLASSIFIED: ("", "", "No margin: revenue zero, negative or missing, or profit missing"),
}
AT_RISK, INNOVATION_PARTNER = "At risk", "Innovation partner"
# What to do with a flagged account, whatever its matrix cell says: a small promoter is worth
# keeping close even when the matrix says Migrate.
FLAG_ACTIONS = {
    AT_RISK: "Call now: a large account that would not recommend you",
    INNOVATION_PARTNER: (
        "Involve: a small account that recommends you; co-develop and ask for referrals, whatever its matrix cell"
    ),
}


def _classifiable(revenue: np.ndarray, margin_pct: np.ndarray) -> np.ndarray:
    return (revenue > 0) & ~np.isnan(margin_pct)


def _split(value: Any, name: str) -> float:
    try:
        split = float(value)
    except (TypeError, ValueError):
        raise SegmenterInputError(f"expected a number, got {value!r}", column=name) from None
    if not np.isfinite(split):
        raise SegmenterInputError(f"expected a finite number, got {value!r}", column=name)
    return split


def matrix_splits(
    revenue: Any, margin_pct: Any, revenue_split: float | None = None, margin_split: float | None = None
) -> tuple[float, float]:
    """The revenue amount and margin fraction that split the matrix.

    Parameters
    ----------
    revenue:
        Per account, in currency; NaN = missing.
    margin_pct:
        Per account, a fraction (from :func:`core.margins.margin_pct`); NaN = undefined.
    revenue_split, margin_split:
        The user's splits; ``None`` means the median.

    Returns
    -------
    (revenue_split, margin_split) : tuple of float

    Notes
    -----
    The medians are taken over the accounts that can be placed in the matrix: revenue
    > 0 and a defined margin. With an even count the median is the mean of the two
    middle values (as Excel's MEDIAN). When no account has a defined margin (no profit
    in the data), the revenue median is taken over the accounts with revenue > 0 and the
    margin split is NaN: no account is placed, every one is Unclassified.

    Raises
    ------
    SegmenterInputError
        A median is needed but no account has revenue > 0 and a defined margin, or a
        given split is not a finite number.

    Examples
    --------
    >>> matrix_splits([100.0, 200.0, 300.0, 0.0], [0.1, 0.3, 0.2, float("nan")])
    (200.0, 0.2)
    """
    revenue = float_values(revenue, "revenue")
    margin_pct = float_values(margin_pct, "margin_pct")
    check_same_length(revenue=revenue, margin_pct=margin_pct)
    placed = _classifiable(revenue, margin_pct)
    if not placed.any():
        # no margin at all (no profit column): nobody is placed, but the revenue split still
        # tells high- from low-revenue accounts for the NPS flags
        placed = revenue > 0
        if (revenue_split is None or margin_split is None) and not placed.any():
            raise SegmenterInputError(
                "no account has a positive revenue and a defined margin: give the matrix splits", column="margin_pct"
            )
        if margin_split is None:
            margin_split = np.nan
    revenue_split = (
        float(np.median(revenue[placed])) if revenue_split is None else _split(revenue_split, "revenue_split")
    )
    if margin_split is None:
        margin_split = float(np.median(margin_pct[placed]))
    elif not np.isnan(margin_split):
        margin_split = _split(margin_split, "margin_split")
    return revenue_split, float(margin_split)


def finance_splits(revenue: Any, profit: Any, margin_pct: Any, top_tier: Any) -> tuple[float | None, float | None]:
    """The default splits: high revenue = the top tier, high margin = at or above the portfolio's margin.

    Parameters
    ----------
    revenue, profit:
        Per account, in currency (profit after cost to serve when the matrix reads net margin).
    margin_pct:
        Per account, the margin the matrix reads (a fraction, NaN = undefined).
    top_tier:
        Per account, True for the accounts of the top tier (A).

    Returns
    -------
    (revenue_split, margin_split) : tuple of float or None
        The lowest revenue among the top tier's accounts, so that exactly the top tier is
        high-revenue (None when the top tier is empty); the portfolio margin, sum of profit /
        sum of revenue over the accounts the matrix places (None when none has a margin).
        None leaves the split to :func:`matrix_splits`' median.

    Examples
    --------
    >>> finance_splits([500.0, 300.0, 100.0], [50.0, 90.0, 30.0], [0.1, 0.3, 0.3], [True, True, False])
    (300.0, 0.18888888888888888)
    """
    revenue = float_values(revenue, "revenue")
    profit = float_values(profit, "profit")
    margin_pct = float_values(margin_pct, "margin_pct")
    top = np.asarray(top_tier, dtype=bool) & (revenue > 0)
    placed = _classifiable(revenue, margin_pct) & ~np.isnan(profit)
    revenue_split = float(revenue[top].min()) if top.any() else None
    margin_split = float(profit[placed].sum() / revenue[placed].sum()) if placed.any() else None
    return revenue_split, margin_split


def assign_strategy(revenue: Any, margin_pct: Any, revenue_split: float, margin_split: float) -> np.ndarray:
    """The matrix cell of each account: Protect, Fix margin, Grow, Migrate, or ``""``.

    Parameters
    ----------
    revenue, margin_pct:
        Per account; margin as a fraction, NaN = undefined.
    revenue_split, margin_split:
        From :func:`matrix_splits`.

    Returns
    -------
    numpy.ndarray of object
        High revenue means ``revenue >= revenue_split`` and high margin
        ``margin_pct >= margin_split``: an account exactly at a split (e.g. the median
        account) counts as high. Accounts whose margin is undefined (revenue zero,
        negative or missing, or profit missing) get ``""``; :func:`matrix_table` counts
        them as Unclassified.

    Examples
    --------
    >>> assign_strategy([300.0, 300.0, 100.0, 100.0, 0.0], [0.3, 0.1, 0.2, 0.1, float("nan")], 200.0, 0.2).tolist()
    ['Protect', 'Fix margin', 'Grow', 'Migrate', '']
    """
    return np.array([*STRATEGIES, ""], dtype=object)[strategy_codes(revenue, margin_pct, revenue_split, margin_split)]


def strategy_codes(revenue: Any, margin_pct: Any, revenue_split: float, margin_split: float) -> np.ndarray:
    """:func:`assign_strategy` as cell codes: 0-3 for :data:`STRATEGIES` (Protect, Fix margin, Grow,
    Migrate), 4 for an account the matrix cannot place (Unclassified).

    Examples
    --------
    >>> strategy_codes([500.0, 500.0, 50.0, 50.0, 0.0], [0.3, 0.1, 0.3, 0.1, np.nan], 100.0, 0.2).tolist()
    [0, 1, 2, 3, 4]
    """
    revenue = float_values(revenue, "revenue")
    margin_pct = float_values(margin_pct, "margin_pct")
    check_same_length(revenue=revenue, margin_pct=margin_pct)
    revenue_split = _split(revenue_split, "revenue_split")
    classifiable = _classifiable(revenue, margin_pct)
    if classifiable.any() or not np.isnan(float(margin_split)):
        margin_split = _split(margin_split, "margin_split")
    # cell index: +2 for low revenue, +1 for low margin -> Protect, Fix margin, Grow, Migrate
    cell = np.where(revenue >= revenue_split, 0, 2) + np.where(margin_pct >= margin_split, 0, 1)
    cell[~classifiable] = len(STRATEGIES)
    return cell


def matrix_table(revenue: Any, profit: Any, strategy: Any) -> pd.DataFrame:
    """Accounts, revenue, profit and margin per matrix cell, with the action to take.

    Parameters
    ----------
    revenue, profit:
        Per account, in currency; NaN = missing.
    strategy:
        From :func:`assign_strategy`; ``""`` = unclassified.

    Returns
    -------
    pandas.DataFrame
        Rows Protect, Fix margin, Grow, Migrate (always, even empty), Unclassified (only
        when some account is), Total. Columns ``strategy, revenue_band, margin_band,
        accounts, revenue, profit, margin_pct, revenue_share, action``.

    Notes
    -----
    The figures follow :func:`core.margins.group_summary`: sums skip missing values,
    ``margin_pct = sum profit / sum revenue`` over accounts with both present (NaN if
    that revenue is <= 0), ``revenue_share`` is of the total revenue including the
    Unclassified accounts' (zero or negative) revenue, NaN if that total is <= 0.

    Examples
    --------
    >>> strategy = ["Protect", "Grow", "", "Protect"]
    >>> table = matrix_table([500.0, 100.0, -50.0, 450.0], [100.0, 40.0, 5.0, 90.0], strategy)
    >>> table[["strategy", "accounts", "revenue", "margin_pct", "revenue_share"]]
           strategy  accounts  revenue  margin_pct  revenue_share
    0       Protect         2    950.0         0.2           0.95
    1    Fix margin         0      0.0         NaN           0.00
    2          Grow         1    100.0         0.4           0.10
    3       Migrate         0      0.0         NaN           0.00
    4  Unclassified         1    -50.0         NaN          -0.05
    5         Total         4   1000.0         0.2           1.00
    """
    raw_codes, uniques = pd.factorize(pd.Series(strategy, dtype=object).to_numpy(dtype=object))
    categories = [*STRATEGIES, UNCLASSIFIED]
    names = [UNCLASSIFIED if u is None or u == "" else u for u in uniques]
    unknown = sorted(set(names).difference(categories), key=str)
    if unknown:
        raise SegmenterInputError(
            f"unknown strategy {', '.join(map(repr, unknown))}; expected {', '.join(STRATEGIES)} or blank",
            column="strategy",
        )
    # the extra last entry serves the -1 code of None/NaN
    lookup = np.array([categories.index(n) for n in names] + [categories.index(UNCLASSIFIED)], dtype=np.int64)
    cells = pd.Categorical.from_codes(lookup[raw_codes], categories=categories)
    return matrix_rows(group_summary(revenue, profit, cells, order=categories, group_name="strategy"))


def matrix_rows(summary: pd.DataFrame) -> pd.DataFrame:
    """The matrix table from the per-strategy :func:`core.margins.group_summary` (groups in the
    order of :data:`STRATEGIES` then Unclassified): drops an empty Unclassified row, adds the
    bands and the action. A database's per-strategy sums give the same table through it."""
    table = summary.loc[~((summary["strategy"] == UNCLASSIFIED) & (summary["accounts"] == 0))].reset_index(drop=True)
    bands = table["strategy"].map(lambda s: CELLS.get(s, ("", "", "")))
    table["revenue_band"] = [b[0] for b in bands]
    table["margin_band"] = [b[1] for b in bands]
    table["action"] = [b[2] for b in bands]
    columns = [
        "strategy",
        "revenue_band",
        "margin_band",
        "accounts",
        "revenue",
        "profit",
        "margin_pct",
        "revenue_share",
        "action",
    ]
    return table[columns]


def nps_flags(revenue: Any, nps_scores: Any, revenue_split: float) -> np.ndarray:
    """Flag accounts whose NPS answer matters given their size.

    Parameters
    ----------
    revenue:
        Per account, in currency; NaN = missing.
    nps_scores:
        Per account, a whole number 0..10; NaN = no answer.
    revenue_split:
        The matrix revenue split (from :func:`matrix_splits`).

    Returns
    -------
    numpy.ndarray of object
        ``"At risk"``: high revenue (``revenue >= revenue_split``) and a detractor
        (0-6): a large account likely to leave. ``"Innovation partner"``: low revenue
        (``revenue < revenue_split``, including zero or negative revenue) and a promoter
        (9-10): a small fan to co-develop with. Otherwise ``""``, also when revenue is
        missing or there is no answer.

    Examples
    --------
    >>> nps_flags([500.0, 500.0, 50.0, 50.0, float("nan")], [3, 9, 10, 6, 2], 100.0).tolist()
    ['At risk', '', 'Innovation partner', '', '']
    """
    revenue = float_values(revenue, "revenue")
    coding = nps_coding(nps_scores)
    check_same_length(revenue=revenue, nps=coding)
    split = _split(revenue_split, "revenue_split")
    flags = np.full(len(revenue), "", dtype=object)
    flags[(revenue >= split) & (coding == -1.0)] = AT_RISK
    flags[(revenue < split) & (coding == 1.0)] = INNOVATION_PARTNER
    return flags
