"""Change over time: growth per account and per segment, and tier migration between periods.

Inputs are the period columns of the account table (:attr:`core.accounts.AccountTable.period_revenue`:
one column per period, oldest first). Throughout, a missing period value counts as no sales (0),
as a missing revenue gives tier D in the account table; a negative value (credit notes larger
than sales) also counts as no sales for the labels.

Per account, between the last two periods (earlier ``e``, later ``l``):

- ``revenue_change = l - e`` (missing as 0);
- ``revenue_change_pct = l / e - 1``, only when ``e > 0``; NaN (undefined) when ``e <= 0``,
  with a note saying why;
- the label: ``new`` when ``e <= 0`` and ``l > 0``; ``lost`` when ``e > 0`` and ``l <= 0``;
  ``no sales`` when both are ``<= 0``; otherwise ``growing`` when the change % is above
  ``+band``, ``declining`` below ``-band``, ``stable`` in between (bounds included, within one
  part in 10^12, so 100 -> 105 with a 5 % band is stable).

CAGR over all periods uses only the first (``f``) and last (``z``) values and the years between
them (``years = periods - 1`` for consecutive years; quarters are 0.25 years apart):
``cagr = (z / f) ** (1 / years) - 1`` when ``f > 0`` and ``z >= 0`` (``z = 0`` gives -100 %);
NaN when ``f <= 0`` (no base to compound from) or ``z < 0``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from core.config import ReportConfig
from core.errors import SegmenterInputError
from core.groups import group_codes, group_sums, ratio
from core.tiers import assign_tiers

GROWING, STABLE, DECLINING, NEW, LOST, NO_SALES = "growing", "stable", "declining", "new", "lost", "no sales"
BAND_TOLERANCE = 1e-12


def _periods(period_revenue: pd.DataFrame) -> np.ndarray:
    """The period values as an (accounts x periods) float array, missing as 0; at least 2 periods."""
    if not isinstance(period_revenue, pd.DataFrame) or period_revenue.shape[1] < 2:
        found = 0 if not isinstance(period_revenue, pd.DataFrame) else period_revenue.shape[1]
        raise SegmenterInputError(
            f"growth needs revenue for at least two periods (columns such as 'Revenue 2024' and 'Revenue 2025'); "
            f"found {found}",
            column="revenue",
        )
    try:
        values = period_revenue.to_numpy(dtype=float)
    except (TypeError, ValueError):
        raise SegmenterInputError("period revenue must be numbers", column="revenue") from None
    if np.isinf(values).any():
        raise SegmenterInputError("period revenue is infinite; expected numbers or blanks", column="revenue")
    return np.nan_to_num(values, nan=0.0)


def _band(band: float) -> float:
    if not np.isfinite(band) or not 0 <= band < 1:
        raise SegmenterInputError(
            f"the growth band must be a share from 0 % to below 100 %, got {band!r}", column="growth_band"
        )
    return float(band)


def growth_labels(earlier: Any, later: Any, band: float = 0.05) -> np.ndarray:
    """The growth label of each account between two periods.

    Parameters
    ----------
    earlier, later:
        Revenue per account in the two periods; NaN = missing = no sales.
    band:
        The change, as a fraction, within which an account is stable (0.05 = +/- 5 %).

    Returns
    -------
    numpy.ndarray of object
        ``growing``, ``stable``, ``declining``, ``new``, ``lost`` or ``no sales`` (rules in
        the module notes).

    Examples
    --------
    >>> growth_labels([100, 100, 100, 100, 0, 80, None, -10], [120, 105, 94, 50, 50, 0, None, 40]).tolist()
    ['growing', 'stable', 'declining', 'declining', 'new', 'lost', 'no sales', 'new']
    """
    earlier = np.nan_to_num(np.asarray(earlier, dtype=float), nan=0.0)
    later = np.nan_to_num(np.asarray(later, dtype=float), nan=0.0)
    band = _band(band)
    pct = np.divide(later, earlier, out=np.zeros_like(earlier), where=earlier > 0) - 1
    labels = np.full(earlier.shape, STABLE, dtype=object)
    labels[pct > band + BAND_TOLERANCE] = GROWING
    labels[pct < -band - BAND_TOLERANCE] = DECLINING
    had, has = earlier > 0, later > 0
    labels[~had & has] = NEW
    labels[had & ~has] = LOST
    labels[~had & ~has] = NO_SALES
    return labels


def cagr(first: Any, last: Any, years: float) -> np.ndarray:
    """Compound annual growth rate from the first to the last period, as a fraction.

    Parameters
    ----------
    first, last:
        Revenue per account in the first and last period; NaN = missing = 0.
    years:
        Years between the two periods (> 0).

    Returns
    -------
    numpy.ndarray
        ``(last / first) ** (1 / years) - 1``; -1.0 (-100 %) when ``last`` is 0; NaN when
        ``first <= 0`` or ``last < 0``.

    Examples
    --------
    >>> cagr([100.0, 100.0, 0.0, 100.0], [121.0, 0.0, 50.0, -5.0], 2).round(4).tolist()
    [0.1, -1.0, nan, nan]
    """
    if not np.isfinite(years) or years <= 0:
        raise SegmenterInputError(f"CAGR needs a positive number of years between the periods, got {years!r}")
    first = np.nan_to_num(np.asarray(first, dtype=float), nan=0.0)
    last = np.nan_to_num(np.asarray(last, dtype=float), nan=0.0)
    defined = (first > 0) & (last >= 0)
    ratio_ = np.divide(last, first, out=np.full(first.shape, np.nan), where=defined)
    return np.power(ratio_, 1.0 / years) - 1


def _notes(earlier: np.ndarray, later: np.ndarray, first: np.ndarray, labels: Sequence[str]) -> np.ndarray:
    before, after = labels[-2], labels[-1]
    notes = np.full(earlier.shape, "", dtype=object)
    notes[(earlier == 0) & (later > 0)] = f"no sales in {before}: % change undefined"
    notes[(earlier < 0) & (later > 0)] = f"{before} is negative (credit notes): % change undefined"
    notes[(earlier <= 0) & (later <= 0)] = f"no sales in {before} or {after}"
    notes[(earlier > 0) & (later <= 0)] = f"no sales in {after}: lost"
    if len(labels) > 2:
        no_base = (first <= 0) & (notes == "")
        notes[no_base] = f"no sales in {labels[0]}: CAGR undefined"
    return notes


def account_growth(
    period_revenue: pd.DataFrame, years: Sequence[float] | None = None, band: float = 0.05
) -> pd.DataFrame:
    """Change between the last two periods, CAGR over all periods and a label, per account.

    Parameters
    ----------
    period_revenue:
        One column per period, oldest first, one row per account (at least two periods).
    years:
        Years from the first period to each (``AccountTable.period_years``); None means one
        year apart.
    band:
        Stable band, a fraction (``ReportConfig.growth_band``).

    Returns
    -------
    pandas.DataFrame
        Same index as ``period_revenue``; columns ``revenue_<period>`` for each period (as
        given), ``revenue_change``, ``revenue_change_pct``, ``cagr``, ``growth`` and
        ``growth_note`` (why a % is undefined, or the account is new or lost).

    Notes
    -----
    Formulas and edge cases in the module notes. CAGR years = ``years[-1] - years[0]``.

    Examples
    --------
    >>> revenue = pd.DataFrame({"2023": [100.0, 0.0], "2024": [110.0, 20.0], "2025": [121.0, 30.0]})
    >>> table = account_growth(revenue)
    >>> table[["revenue_change", "revenue_change_pct", "cagr", "growth"]].round(4).values.tolist()
    [[11.0, 0.1, 0.1, 'growing'], [10.0, 0.5, nan, 'growing']]
    >>> table["growth_note"].tolist()
    ['', 'no sales in 2023: CAGR undefined']
    """
    values = _periods(period_revenue)
    labels = [str(c) for c in period_revenue.columns]
    years = tuple(range(len(labels))) if years is None else tuple(years)
    if len(years) != len(labels):
        raise SegmenterInputError(f"{len(labels)} periods but {len(years)} period times")
    earlier, later, first = values[:, -2], values[:, -1], values[:, 0]
    table = pd.DataFrame(
        {
            f"revenue_{label}": period_revenue[column].to_numpy(dtype=float)
            for label, column in zip(labels, period_revenue.columns)
        },
        index=period_revenue.index,
    )
    table["revenue_change"] = later - earlier
    table["revenue_change_pct"] = ratio(later, earlier, positive_only=True) - 1
    table["cagr"] = cagr(first, later, years[-1] - years[0])
    table["growth"] = growth_labels(earlier, later, band)
    table["growth_note"] = _notes(earlier, later, first, labels)
    return table


def growth_by(
    period_revenue: pd.DataFrame,
    groups: Any,
    *,
    years: Sequence[float] | None = None,
    order: Sequence[Any] | None = None,
    group_name: str = "tier",
    band: float = 0.05,
) -> pd.DataFrame:
    """Revenue per period, change, share of growth and account counts per group.

    Parameters
    ----------
    period_revenue:
        One column per period, oldest first, one row per account.
    groups:
        The group of each account (its current tier, channel, industry...).
    years, band:
        As in :func:`account_growth`.
    order:
        Groups to list first, even when empty (the tier labels).
    group_name:
        Header of the first column.

    Returns
    -------
    pandas.DataFrame
        One row per group, then ``Total``. Columns ``<group_name>, accounts,
        revenue_<period>...``, ``revenue_change``, ``revenue_change_pct``, ``cagr``,
        ``share_of_growth``, then the number of accounts per label: ``growing, stable,
        declining, new, lost``.

    Notes
    -----
    Per group, with missing values as 0: ``revenue_<period>`` = sum over its accounts;
    ``revenue_change`` = sum of the last period - sum of the one before;
    ``revenue_change_pct`` = that change / the earlier sum, NaN when the earlier sum is
    <= 0; ``cagr`` from the group's first and last sums (module notes);
    ``share_of_growth`` = the group's change / the total change, NaN when the total change
    is 0. The shares add up to 1: when the total fell, a positive share is a share of the
    fall, and a negative share a group that grew against the trend.

    Examples
    --------
    >>> revenue = pd.DataFrame({"2024": [100.0, 50.0, 0.0], "2025": [130.0, 40.0, 10.0]})
    >>> table = growth_by(revenue, ["A", "B", "B"], order=["A", "B"])
    >>> table[["tier", "revenue_change", "revenue_change_pct", "share_of_growth", "declining", "new"]]
        tier  revenue_change  revenue_change_pct  share_of_growth  declining  new
    0      A            30.0                 0.3              1.0          0    0
    1      B             0.0                 0.0              0.0          1    1
    2  Total            30.0                 0.2              1.0          1    1
    """
    values = _periods(period_revenue)
    labels = [str(c) for c in period_revenue.columns]
    years = tuple(range(len(labels))) if years is None else tuple(years)
    codes, names = group_codes(groups, order)
    if len(codes) != len(values):
        raise SegmenterInputError(f"{len(values)} accounts but {len(codes)} group labels", column=group_name)
    k = len(names)
    sums = np.column_stack([group_sums(codes, k, values[:, j]) for j in range(values.shape[1])])
    earlier, later = sums[:, -2], sums[:, -1]
    change = later - earlier
    table = pd.DataFrame({group_name: names + ["Total"], "accounts": group_sums(codes, k).astype(np.int64)})
    for j, label in enumerate(labels):
        table[f"revenue_{label}"] = sums[:, j]
    table["revenue_change"] = change
    table["revenue_change_pct"] = ratio(later, earlier, positive_only=True) - 1
    table["cagr"] = cagr(sums[:, 0], later, years[-1] - years[0])
    table["share_of_growth"] = ratio(change, np.full(k + 1, change[-1])) + 0.0  # + 0.0: no "-0.0" for a 0 change
    account_labels = growth_labels(values[:, -2], values[:, -1], band)
    for label in (GROWING, STABLE, DECLINING, NEW, LOST):
        table[label] = group_sums(codes, k, (account_labels == label).astype(float)).astype(np.int64)
    return table


def revenue_by_period(period_revenue: pd.DataFrame, groups: Any, *, order: Sequence[Any] | None = None) -> pd.DataFrame:
    """Revenue per period (rows) and group (columns ``revenue_<group>``), for a line chart.

    Examples
    --------
    >>> revenue = pd.DataFrame({"2024": [100.0, 50.0], "2025": [130.0, None]})
    >>> revenue_by_period(revenue, ["A", "B"]).values.tolist()
    [['2024', 100.0, 50.0, 150.0], ['2025', 130.0, 0.0, 130.0]]
    """
    values = _periods(period_revenue)
    codes, names = group_codes(groups, order)
    sums = np.column_stack([group_sums(codes, len(names), values[:, j]) for j in range(values.shape[1])])
    table = pd.DataFrame({"period": [str(c) for c in period_revenue.columns]})
    for i, name in enumerate(names + ["total"]):
        table[f"revenue_{name}"] = sums[i]
    return table


def period_tiers(
    period_revenue: pd.DataFrame,
    method: str = "pareto",
    cutoffs: Sequence[float] | None = None,
    labels: Sequence[str] = ("A", "B", "C", "D"),
) -> pd.DataFrame:
    """The tier of each account in each period, each period tiered on its own by the same rule.

    Parameters are those of :func:`core.tiers.assign_tiers`, applied to each column of
    ``period_revenue`` (at least two periods); a missing value is no sales (the last label).

    Examples
    --------
    >>> revenue = pd.DataFrame({"2024": [50.0, 20.0, 15.0, 10.0, 5.0], "2025": [5.0, 20.0, 15.0, 10.0, 50.0]})
    >>> period_tiers(revenue).values.tolist()
    [['A', 'C'], ['A', 'A'], ['A', 'A'], ['B', 'B'], ['C', 'A']]
    """
    _periods(period_revenue)
    return pd.DataFrame(
        {
            column: assign_tiers(
                period_revenue[column].to_numpy(dtype=float), method=method, cutoffs=cutoffs, labels=labels
            )
            for column in period_revenue.columns
        },
        index=period_revenue.index,
    )


@dataclass(frozen=True)
class TierMigration:
    """Where the accounts of each tier went between two periods.

    Attributes
    ----------
    accounts:
        Rows ``from_tier`` (tier in the earlier period, then ``Total``), columns ``to_<tier>``
        (tier in the later period) and ``accounts`` (row total): account counts.
    revenue:
        The same grid with the accounts' revenue in the later period, columns
        ``revenue_to_<tier>`` and ``revenue`` (row total).
    from_period, to_period:
        The two period labels.
    """

    accounts: pd.DataFrame
    revenue: pd.DataFrame
    from_period: str
    to_period: str


def tier_migration(
    from_tier: Any,
    to_tier: Any,
    later_revenue: Any,
    labels: Sequence[str],
    periods: tuple[str, str] = ("earlier", "later"),
) -> TierMigration:
    """The migration matrix: accounts and later revenue from each tier to each tier.

    Parameters
    ----------
    from_tier, to_tier:
        Tier per account in the earlier and the later period (from :func:`period_tiers`).
    later_revenue:
        Revenue per account in the later period; NaN counts as 0.
    labels:
        The tier labels, best first (rows and columns in this order).
    periods:
        Labels of the two periods.

    Returns
    -------
    TierMigration

    Notes
    -----
    The diagonal holds the accounts that kept their tier; above it (to a later label) those
    that fell, below it those that rose. Row totals are the earlier tier sizes, column totals
    (the Total row) the later ones.

    Examples
    --------
    >>> move = tier_migration(["A", "A", "B", "C"], ["A", "B", "A", "D"], [90.0, 10.0, 40.0, 0.0],
    ...                       ["A", "B", "C", "D"])
    >>> move.accounts.values.tolist()
    [['A', 1, 1, 0, 0, 2], ['B', 1, 0, 0, 0, 1], ['C', 0, 0, 0, 1, 1], ['D', 0, 0, 0, 0, 0], ['Total', 2, 1, 0, 1, 4]]
    >>> move.revenue.values.tolist()[0]
    ['A', 90.0, 10.0, 0.0, 0.0, 100.0]
    """
    labels = [str(label) for label in labels]
    from_codes, from_names = group_codes(from_tier, labels)
    to_codes, to_names = group_codes(to_tier, labels)
    if from_names != labels or to_names != labels:
        unknown = sorted(set(from_names + to_names) - set(labels))
        raise SegmenterInputError(f"tiers {unknown} are not among the labels {labels}", column="tier")
    if len(from_codes) != len(to_codes):
        raise SegmenterInputError("the two periods' tiers differ in length", column="tier")
    revenue = np.nan_to_num(np.asarray(later_revenue, dtype=float), nan=0.0)
    k = len(labels)
    cell = from_codes * k + to_codes
    counts = np.bincount(cell, minlength=k * k).reshape(k, k)
    amounts = np.bincount(cell, weights=revenue, minlength=k * k).reshape(k, k)

    def grid(values: np.ndarray, prefix: str, total: str, dtype) -> pd.DataFrame:
        values = np.vstack([values, values.sum(axis=0)])
        table = pd.DataFrame({"from_tier": labels + ["Total"]})
        for j, label in enumerate(labels):
            table[f"{prefix}{label}"] = values[:, j].astype(dtype)
        table[total] = values.sum(axis=1).astype(dtype)
        return table

    return TierMigration(
        accounts=grid(counts, "to_", "accounts", np.int64),
        revenue=grid(amounts, "revenue_to_", "revenue", float),
        from_period=str(periods[0]),
        to_period=str(periods[1]),
    )


def fallen_from(from_tier: Any, to_tier: Any, top_label: str) -> np.ndarray:
    """Which accounts were in ``top_label`` in the earlier period and are not any more.

    Examples
    --------
    >>> fallen_from(["A", "A", "B"], ["A", "C", "A"], "A").tolist()
    [False, True, False]
    """
    from_tier = np.asarray(from_tier, dtype=object)
    to_tier = np.asarray(to_tier, dtype=object)
    return (from_tier == top_label) & (to_tier != top_label)


def revenue_bridge(period_revenue: pd.DataFrame, band: float = 0.05) -> pd.DataFrame:
    """From the earlier to the later of the last two periods: revenue, then the change per growth label.

    Parameters
    ----------
    period_revenue:
        One column per period, oldest first, one row per account (missing as 0).
    band:
        Stable band, a fraction, as in :func:`growth_labels`.

    Returns
    -------
    pandas.DataFrame
        Rows ``revenue <earlier>``, ``new``, ``growing``, ``stable``, ``declining``, ``lost``,
        ``no sales`` (only when its change is not 0: negative values moving), ``revenue
        <later>``, ``change``; columns ``step``, ``accounts`` (for the labels), ``revenue_change``
        (the period totals on their rows, the labels' summed change on theirs).
        The label rows add up to the change: earlier + their changes = later.

    Examples
    --------
    >>> revenue = pd.DataFrame({"2024": [100.0, 50.0, 0.0, 40.0], "2025": [130.0, 51.0, 10.0, 0.0]})
    >>> revenue_bridge(revenue).values.tolist()  # doctest: +NORMALIZE_WHITESPACE
    [['revenue 2024', nan, 190.0], ['new', 1.0, 10.0], ['growing', 1.0, 30.0], ['stable', 1.0, 1.0],
     ['declining', 0.0, 0.0], ['lost', 1.0, -40.0], ['revenue 2025', nan, 191.0], ['change', nan, 1.0]]
    """
    values = _periods(period_revenue)
    earlier, later = values[:, -2], values[:, -1]
    labels = growth_labels(earlier, later, band)
    periods = [str(c) for c in period_revenue.columns[-2:]]
    rows = [(f"revenue {periods[0]}", np.nan, float(earlier.sum()))]
    for label in (NEW, GROWING, STABLE, DECLINING, LOST, NO_SALES):
        chosen = labels == label
        change = float((later[chosen] - earlier[chosen]).sum())
        if label != NO_SALES or change != 0:
            rows.append((label, float(chosen.sum()), change))
    rows += [
        (f"revenue {periods[1]}", np.nan, float(later.sum())),
        ("change", np.nan, float(later.sum() - earlier.sum())),
    ]
    return pd.DataFrame(rows, columns=["step", "accounts", "revenue_change"])


def growth_tables(
    period_revenue: pd.DataFrame, segments: pd.DataFrame, config: ReportConfig, years: Sequence[float] | None = None
) -> dict[str, pd.DataFrame]:
    """The report's growth tables, for an account table with two or more periods.

    Parameters
    ----------
    period_revenue:
        ``AccountTable.period_revenue`` (index = account positions).
    segments:
        :func:`core.report.segment_accounts` of the same table (``tier`` is the current
        tier), with ``rank``, ``account``, ``sheet_row`` and, when present, ``channel``.
    config:
        Tier method, cutoffs and labels for :func:`period_tiers`, and ``growth_band``.
    years:
        ``AccountTable.period_years``.

    Returns
    -------
    dict of pandas.DataFrame
        ``growth`` (per account in input order, :func:`account_growth` with ``rank``,
        ``account``, current ``tier``, ``tier_before`` and ``sheet_row``), ``growth_by_tier`` (and ``growth_by_channel``
        with a channel column; :func:`growth_by`), ``revenue_by_period`` (per period and
        current tier), ``tier_migration`` and ``tier_migration_revenue`` (last two periods,
        :func:`tier_migration`), ``revenue_bridge`` (:func:`revenue_bridge`), ``fallen_from_a``
        (accounts in the first tier in the
        earlier period and not in the later one, largest earlier revenue first).
    """
    revenue = period_revenue.loc[segments.index]
    labels = list(config.labels)
    band = config.growth_band
    last_two = period_tiers(revenue.iloc[:, -2:], config.tier_method, config.cutoffs, labels)
    before, now = last_two.iloc[:, 0].to_numpy(dtype=object), last_two.iloc[:, 1].to_numpy(dtype=object)
    per_account = account_growth(revenue, years, band)
    per_account.insert(0, "account", segments["account"].to_numpy(dtype=object))
    per_account.insert(1, "tier", segments["tier"].to_numpy(dtype=object))
    per_account.insert(2, "tier_before", before)
    per_account.insert(0, "rank", segments["rank"].to_numpy())
    per_account["sheet_row"] = segments["sheet_row"].to_numpy()
    tables = {"growth": per_account.reset_index(drop=True)}
    tables["growth_by_tier"] = growth_by(
        revenue, segments["tier"], years=years, order=labels, group_name="tier", band=band
    )
    if "channel" in segments and segments["channel"].notna().any():
        tables["growth_by_channel"] = growth_by(
            revenue, segments["channel"].to_numpy(dtype=object), years=years, group_name="channel", band=band
        )
    tables["revenue_by_period"] = revenue_by_period(revenue, segments["tier"], order=labels)
    tables["revenue_bridge"] = revenue_bridge(revenue, band)
    periods = (str(revenue.columns[-2]), str(revenue.columns[-1]))
    migration = tier_migration(before, now, revenue.iloc[:, -1].to_numpy(dtype=float), labels, periods)
    tables["tier_migration"] = migration.accounts
    tables["tier_migration_revenue"] = migration.revenue
    fell = fallen_from(before, now, labels[0])
    fallen = per_account.loc[fell].assign(tier_now=now[fell])
    keep = [
        "account",
        "tier_before",
        "tier_now",
        f"revenue_{periods[0]}",
        f"revenue_{periods[1]}",
        "revenue_change",
        "revenue_change_pct",
        "growth",
        "sheet_row",
    ]
    tables["fallen_from_a"] = (
        fallen[keep].sort_values(f"revenue_{periods[0]}", ascending=False, kind="stable").reset_index(drop=True)
    )
    return tables
