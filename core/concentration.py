"""How concentrated revenue is: top-n and top-x % shares, accounts for 80 %, HHI, Gini, curves.

Which accounts count (the one rule for every function here): concentration is of positive
sales. Accounts with missing revenue are left out; accounts with negative revenue (credit
notes) are left out too and counted as ``excluded_accounts`` in the summary. Accounts with
zero revenue stay in: they are accounts, and they matter for the Gini and for "the top 20 %
of accounts". If no account has positive revenue there is nothing to measure and
:class:`~core.errors.SegmenterInputError` is raised.

Shares are fractions (0.25 = 25 %) of the total positive revenue. Every function sorts once;
:func:`concentration_summary` sorts once for all its figures.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import pandas as pd

from core.errors import SegmenterInputError
from core.groups import float_values
from core.text import pct, plural
from core.tiers import SHARE_TOLERANCE


class Ranking(Protocol):
    """What the figures of this module read of a ranking of usable revenues, largest first.

    This module's own ranking (sorted in memory, once per call) and one kept elsewhere (a
    database table, :class:`warehouse.aggregates.EngineRanking`) both answer it, so
    :func:`concentration_summary_of` and :func:`pareto_curve_of` give the same figures by the
    same rules. Revenues are in currency units; shares are fractions of ``total``.
    """

    @property
    def count(self) -> int:
        """Accounts in the ranking (revenue >= 0)."""

    @property
    def total(self) -> float:
        """Their total revenue."""

    @property
    def missing(self) -> int:
        """Accounts left out for a missing revenue."""

    @property
    def negative(self) -> int:
        """Accounts left out for a negative revenue (credit notes)."""

    @property
    def negative_revenue(self) -> float:
        """The sum of the negative revenues left out (<= 0)."""

    def shares_at(self, positions: np.ndarray) -> np.ndarray:
        """Cumulative revenue share of the k largest accounts, for each k in ``positions`` (1..count)."""

    def accounts_below(self, share: float) -> int:
        """How many accounts have a cumulative share (themselves included) below ``share``."""

    def accounts_above(self, amount: float) -> int:
        """How many accounts have revenue strictly above ``amount``."""

    def squared_share_points(self) -> float:
        """Sum of the squared percentage shares (the HHI)."""

    def rank_weighted_sum(self) -> float:
        """sum_i (2i - n - 1) x_(i), revenues ascending, i = 1..n (the Gini's numerator)."""


@dataclass(frozen=True)
class RankedRevenue:
    """Usable revenues sorted largest first, with the running share; built once per call
    (this module's :class:`Ranking`)."""

    descending: np.ndarray
    cumulative_share: np.ndarray
    total: float
    missing: int
    negative: int
    negative_revenue: float = 0.0

    @property
    def count(self) -> int:
        return self.descending.size

    def shares_at(self, positions: np.ndarray) -> np.ndarray:
        """Cumulative revenue share of the k largest accounts, for each k in ``positions`` (1..count)."""
        return self.cumulative_share[np.asarray(positions, dtype=np.intp) - 1]

    def accounts_below(self, share: float) -> int:
        """How many accounts have a cumulative share (themselves included) below ``share``."""
        return int(np.searchsorted(self.cumulative_share, share, side="left"))

    def accounts_above(self, amount: float) -> int:
        """How many accounts have revenue strictly above ``amount``."""
        return int(np.count_nonzero(self.descending > amount))

    def squared_share_points(self) -> float:
        """Sum of the squared percentage shares (the HHI)."""
        percent = self.descending / self.total * 100
        return float(np.dot(percent, percent))

    def rank_weighted_sum(self) -> float:
        """sum_i (2i - n - 1) x_(i), revenues ascending, i = 1..n (the Gini's numerator)."""
        count = self.count
        rank_weight = 2 * np.arange(1, count + 1, dtype=float) - count - 1
        return float(np.dot(rank_weight, self.descending[::-1]))


def ranked_revenue(revenue: Any) -> RankedRevenue:
    """The usable revenues (>= 0, not missing) sorted once, largest first: this module's
    :class:`Ranking`, the one every figure here reads.

    Raises
    ------
    SegmenterInputError
        When no account has a positive revenue.

    Examples
    --------
    >>> ranked = ranked_revenue([10.0, float("nan"), 30.0, -5.0, 0.0])
    >>> ranked.count, ranked.total, ranked.missing, ranked.negative, ranked.shares_at([1, 2]).tolist()
    (3, 40.0, 1, 1, [0.75, 1.0])
    """
    values = float_values(revenue, "revenue")
    missing = np.isnan(values)
    negative = values < 0
    usable = values[~missing & ~negative]
    if not (usable > 0).any():
        raise SegmenterInputError("no account has a positive revenue: concentration is undefined", column="revenue")
    descending = np.sort(usable)[::-1]
    running = np.cumsum(descending)
    total = float(running[-1])
    cumulative_share = running / total
    cumulative_share[-1] = 1.0
    return RankedRevenue(
        descending, cumulative_share, total, int(missing.sum()), int(negative.sum()), float(values[negative].sum())
    )


def _top_n(ranked: Ranking, n: int) -> float:
    if isinstance(n, bool) or not float(n).is_integer() or n < 1:
        raise SegmenterInputError(f"n must be a whole number of accounts, at least 1, got {n!r}", column="n")
    return float(ranked.shares_at([min(int(n), ranked.count)])[0])


def _top_fraction(ranked: Ranking, fraction: float) -> tuple[float, int]:
    if not 0 < fraction <= 1:
        raise SegmenterInputError(
            f"the share of accounts must be above 0 % and at most 100 %, got {fraction!r}", column="top_share"
        )
    accounts = max(1, math.ceil(round(fraction * ranked.count, 9)))
    return float(ranked.shares_at([accounts])[0]), accounts


def _accounts_for(ranked: Ranking, share: float) -> tuple[int, float]:
    if not 0 < share <= 1:
        raise SegmenterInputError(
            f"the revenue share must be above 0 % and at most 100 %, got {share!r}", column="concentration_share"
        )
    accounts = ranked.accounts_below(share * (1 - SHARE_TOLERANCE)) + 1
    return accounts, accounts / ranked.count


def _hhi(ranked: Ranking) -> float:
    return ranked.squared_share_points()


def _gini(ranked: Ranking, corrected: bool) -> float:
    count = ranked.count
    if corrected and count < 2:
        raise SegmenterInputError("the corrected Gini needs at least two accounts", column="revenue")
    population = ranked.rank_weighted_sum() / (count * ranked.total)
    return population * count / (count - 1) if corrected else population


def top_n_share(revenue: Any, n: int) -> float:
    """Revenue share of the n largest accounts.

    Parameters
    ----------
    revenue:
        1-D array-like of revenue per account (module rule for missing/negative/zero).
    n:
        Number of accounts, at least 1; more than there are gives 1.0.

    Returns
    -------
    float
        (sum of the n largest revenues) / (total positive revenue).

    Examples
    --------
    >>> top_n_share([50, 20, 15, 10, 5], 2)
    0.7
    """
    return _top_n(ranked_revenue(revenue), n)


def top_fraction_share(revenue: Any, fraction: float) -> float:
    """Revenue share of the top x % of accounts.

    Parameters
    ----------
    revenue:
        1-D array-like (module rule).
    fraction:
        Share of accounts, 0 < fraction <= 1.

    Returns
    -------
    float
        Share of the ``ceil(fraction * n)`` largest accounts, n = accounts with zero or
        positive revenue.

    Notes
    -----
    ``fraction * n`` is rounded to 9 decimals before the ceiling, because 0.7 * 10 is
    7.000000000000001 in floating point and would otherwise count 8 accounts.

    Examples
    --------
    >>> top_fraction_share([50, 20, 15, 10, 5], 0.2)
    0.5
    """
    return _top_fraction(ranked_revenue(revenue), fraction)[0]


def accounts_for_share(revenue: Any, share: float = 0.8) -> tuple[int, float]:
    """How many top accounts make a given share of revenue.

    Parameters
    ----------
    revenue:
        1-D array-like (module rule).
    share:
        Revenue share to reach, 0 < share <= 1.

    Returns
    -------
    tuple of (int, float)
        The smallest k whose k largest accounts reach ``share`` of revenue, and k / n.

    Notes
    -----
    A running share within one part in 10^12 of ``share`` counts as reaching it (float
    sums), the same rule as pareto tiers: k equals the size of tier A without ties.

    Examples
    --------
    >>> accounts_for_share([50, 20, 15, 10, 5], 0.8)
    (3, 0.6)
    """
    return _accounts_for(ranked_revenue(revenue), share)


def largest_share(revenue: Any) -> float:
    """Revenue share of the single largest account (module rule).

    Examples
    --------
    >>> largest_share([50, 20, 15, 10, 5])
    0.5
    """
    return _top_n(ranked_revenue(revenue), 1)


def hhi_points(revenue: Any) -> float:
    """Herfindahl-Hirschman index of the accounts' revenue shares, in points (0-10,000).

    Notes
    -----
    HHI = sum over accounts of (100 x revenue / total)^2. n equal accounts give 10,000 / n;
    one account with everything gives 10,000. Zero-revenue accounts add nothing.

    Examples
    --------
    >>> hhi_points([50, 20, 15, 10, 5])  # 2500 + 400 + 225 + 100 + 25
    3250.0
    """
    return _hhi(ranked_revenue(revenue))


def gini(revenue: Any, corrected: bool = False) -> float:
    """Gini coefficient of revenue across accounts.

    Parameters
    ----------
    revenue:
        1-D array-like (module rule; zero-revenue accounts count).
    corrected:
        False: population form, 0 <= G <= (n - 1) / n. True: multiplied by n / (n - 1) so
        that one account with everything gives 1 (needs n >= 2).

    Returns
    -------
    float

    Notes
    -----
    Population form, revenues sorted ascending x_(1) <= ... <= x_(n):

    G = sum_i (2i - n - 1) x_(i) / (n * sum x), i = 1..n.

    For 5, 10, 15, 20, 50: weights -4, -2, 0, 2, 4 give -20 - 20 + 0 + 40 + 200 = 200,
    and G = 200 / (5 x 100) = 0.4 (corrected 0.5).

    Examples
    --------
    >>> gini([50, 20, 15, 10, 5])
    0.4
    """
    return _gini(ranked_revenue(revenue), corrected)


def curve_positions(count: int, max_points: int) -> np.ndarray:
    """Account counts k (0..count) at which a curve of ``count`` accounts is drawn."""
    if isinstance(max_points, bool) or int(max_points) != max_points or max_points < 2:
        raise SegmenterInputError(
            f"max_points must be a whole number of at least 2, got {max_points!r}", column="max_points"
        )
    if count + 1 > max_points:
        return np.unique(np.rint(np.linspace(0, count, int(max_points))).astype(np.intp))
    return np.arange(count + 1)


def pareto_curve_of(ranked: Ranking, max_points: int = 101) -> pd.DataFrame:
    """:func:`pareto_curve` of a ranking (this module's or an engine's, see :class:`Ranking`)."""
    kept = curve_positions(ranked.count, max_points)
    shares = np.zeros(kept.size)
    shares[kept > 0] = ranked.shares_at(kept[kept > 0])
    return pd.DataFrame({"account_share": kept / ranked.count, "revenue_share": shares})


def pareto_curve(revenue: Any, max_points: int = 101) -> pd.DataFrame:
    """The Pareto (ABC) curve: cumulative revenue share of the top x % of accounts.

    ``revenue_share`` at ``account_share`` k / n is the share of the k largest accounts (the
    Lorenz curve read from the other end); at most ``max_points`` rows (>= 2): with more
    accounts the curve is sampled at evenly spaced account counts, always including (0, 0)
    and (1, 1).

    Examples
    --------
    >>> pareto_curve([50, 20, 15, 10, 5]).round(2).to_numpy().tolist()
    [[0.0, 0.0], [0.2, 0.5], [0.4, 0.7], [0.6, 0.85], [0.8, 0.95], [1.0, 1.0]]
    """
    return pareto_curve_of(ranked_revenue(revenue), max_points)


@dataclass(frozen=True)
class ConcentrationSummary:
    """All concentration figures of one revenue column, with the risk flags in words.

    Attributes
    ----------
    accounts:
        Accounts with zero or positive revenue (the n of every figure).
    excluded_accounts, negative_accounts:
        Accounts left out (missing or negative revenue), and of those the negative ones.
    total_revenue:
        Sum of positive revenue, in the data's currency.
    top_n_shares:
        ((n, share of the n largest), ...) for the requested n.
    top_fraction, top_fraction_accounts, top_fraction_share:
        The share of accounts asked for (0.2), how many accounts that is
        (``ceil(0.2 x accounts)``) and their revenue share.
    concentration_share, accounts_for_share, accounts_for_share_fraction:
        The revenue share asked for (0.8), the fewest top accounts reaching it and that
        number over ``accounts``.
    largest_share, large_account_share, large_accounts:
        Share of the largest account; the threshold for a large account (0.1) and how many
        accounts are strictly above it.
    hhi_points, hhi_moderate, hhi_high, hhi_band:
        HHI (0-10,000), the band bounds used and the band: "highly concentrated" above
        ``hhi_high``, "moderately concentrated" from ``hhi_moderate`` to ``hhi_high``,
        else "unconcentrated".
    gini:
        Population Gini (see :func:`gini`).
    flags:
        Sentences for the report, in order: exclusions, large accounts, HHI band (when
        moderate or high), accounts making the concentration share.
    """

    accounts: int
    excluded_accounts: int
    negative_accounts: int
    total_revenue: float
    top_n_shares: tuple[tuple[int, float], ...]
    top_fraction: float
    top_fraction_accounts: int
    top_fraction_share: float
    concentration_share: float
    accounts_for_share: int
    accounts_for_share_fraction: float
    largest_share: float
    large_account_share: float
    large_accounts: int
    hhi_points: float
    hhi_moderate: float
    hhi_high: float
    hhi_band: str
    gini: float
    flags: tuple[str, ...]
    negative_revenue: float = 0.0

    def to_frame(self) -> pd.DataFrame:
        """The summary as rows: measure, value, unit ("share", "points", "accounts", "currency", "ratio"), note."""
        missing = self.excluded_accounts - self.negative_accounts
        rows = [
            ("accounts", self.accounts, "accounts", "accounts with zero or positive revenue"),
            (
                "excluded accounts",
                self.excluded_accounts,
                "accounts",
                f"{missing:,} with missing revenue, {self.negative_accounts:,} with negative revenue",
            ),
            ("total revenue", self.total_revenue, "currency", self._total_note()),
        ]
        rows += [
            (f"top {n:,} share", share, "share", f"revenue share of the {plural(n, 'largest account')}")
            for n, share in self.top_n_shares
        ]
        rows += [
            (
                f"top {pct(self.top_fraction)} of accounts share",
                self.top_fraction_share,
                "share",
                f"the {plural(self.top_fraction_accounts, 'largest account')}",
            ),
            (
                f"accounts for {pct(self.concentration_share)} of revenue",
                self.accounts_for_share,
                "accounts",
                "fewest top accounts reaching that share",
            ),
            (
                f"share of accounts for {pct(self.concentration_share)} of revenue",
                self.accounts_for_share_fraction,
                "share",
                f"{self.accounts_for_share:,} of {self.accounts:,} accounts",
            ),
            (
                "largest account share",
                self.largest_share,
                "share",
                f"{plural(self.large_accounts, 'account')} above {pct(self.large_account_share)}",
            ),
            (
                "HHI",
                self.hhi_points,
                "points",
                f"{self.hhi_band} (above {self.hhi_high:,.0f} high, from {self.hhi_moderate:,.0f} moderate)",
            ),
            ("Gini", self.gini, "ratio", "population form, 0 = all accounts equal, near 1 = one account has all"),
        ]
        frame = pd.DataFrame(rows, columns=["measure", "value", "unit", "note"])
        frame["value"] = frame["value"].astype(float)
        return frame

    def _total_note(self) -> str:
        if not self.negative_accounts:
            return "sum of positive revenue"
        return (
            f"sum of positive revenue: leaves out {plural(self.negative_accounts, 'account')} with negative revenue "
            f"({self.negative_revenue:,.0f} in all), which the Tier summary's total includes"
        )


def concentration_summary(
    revenue: Any,
    *,
    top_share: float = 0.2,
    concentration_share: float = 0.8,
    large_account_share: float = 0.1,
    hhi_moderate: float = 1000,
    hhi_high: float = 1800,
    top_ns: tuple[int, ...] = (1, 5, 10),
) -> ConcentrationSummary:
    """Every concentration figure from one sort, with flags in words.

    Parameters
    ----------
    revenue:
        1-D array-like (module rule).
    top_share:
        Share of accounts whose revenue share is quoted (0.2 = top 20 %).
    concentration_share:
        Revenue share for "k accounts make x % of revenue" (0.8).
    large_account_share:
        An account strictly above this share of revenue is flagged (0.1).
    hhi_moderate, hhi_high:
        HHI band bounds in points. 2023 US Merger Guidelines: above 1,800 highly
        concentrated; 1,000-1,800 is the customary moderate band (2010: 1,500 / 2,500).
    top_ns:
        The n for the top-n shares.

    Returns
    -------
    ConcentrationSummary

    Examples
    --------
    >>> summary = concentration_summary([50, 20, 15, 10, 5])
    >>> summary.hhi_points, summary.hhi_band, summary.gini
    (3250.0, 'highly concentrated', 0.4)
    >>> for flag in summary.flags:
    ...     print(flag)
    3 accounts above 10 % of revenue: the largest is 50 %
    HHI 3,250 is above 1,800: highly concentrated (2023 US merger guidelines)
    3 accounts make 80 % of revenue (60 % of 5 accounts)
    """
    return concentration_summary_of(
        ranked_revenue(revenue),
        top_share=top_share,
        concentration_share=concentration_share,
        large_account_share=large_account_share,
        hhi_moderate=hhi_moderate,
        hhi_high=hhi_high,
        top_ns=top_ns,
    )


def concentration_summary_of(
    ranked: Ranking,
    *,
    top_share: float = 0.2,
    concentration_share: float = 0.8,
    large_account_share: float = 0.1,
    hhi_moderate: float = 1000,
    hhi_high: float = 1800,
    top_ns: tuple[int, ...] = (1, 5, 10),
) -> ConcentrationSummary:
    """:func:`concentration_summary` of a ranking (this module's or an engine's, see :class:`Ranking`)."""
    if not 0 <= hhi_moderate <= hhi_high <= 10000:
        raise SegmenterInputError("HHI bands must satisfy 0 <= moderate <= high <= 10,000", column="hhi_high")
    if not 0 <= large_account_share <= 1:
        raise SegmenterInputError(
            f"must be a share between 0 % and 100 %, got {large_account_share!r}", column="large_account_share"
        )
    top_fraction_share_, top_fraction_accounts = _top_fraction(ranked, top_share)
    accounts_for, accounts_for_fraction = _accounts_for(ranked, concentration_share)
    largest = _top_n(ranked, 1)
    large_accounts = ranked.accounts_above(large_account_share * ranked.total)
    hhi = _hhi(ranked)
    if hhi > hhi_high:
        band = "highly concentrated"
    elif hhi >= hhi_moderate:
        band = "moderately concentrated"
    else:
        band = "unconcentrated"

    flags = []
    excluded = ranked.missing + ranked.negative
    if excluded:
        flags.append(
            f"{plural(excluded, 'account')} left out: {ranked.missing:,} with missing revenue, "
            f"{ranked.negative:,} with negative revenue (credit notes)"
        )
    if large_accounts:
        flags.append(
            f"{plural(large_accounts, 'account')} above {pct(large_account_share)} of revenue: "
            f"the largest is {pct(largest)}"
        )
    if band == "highly concentrated":
        flags.append(f"HHI {hhi:,.0f} is above {hhi_high:,.0f}: highly concentrated (2023 US merger guidelines)")
    elif band == "moderately concentrated":
        flags.append(f"HHI {hhi:,.0f} is between {hhi_moderate:,.0f} and {hhi_high:,.0f}: moderately concentrated")
    flags.append(
        f"{plural(accounts_for, 'account')} make{'s' if accounts_for == 1 else ''} "
        f"{pct(concentration_share)} of revenue ({pct(accounts_for_fraction)} of "
        f"{plural(ranked.count, 'account')})"
    )

    return ConcentrationSummary(
        accounts=ranked.count,
        excluded_accounts=excluded,
        negative_accounts=ranked.negative,
        total_revenue=ranked.total,
        top_n_shares=tuple((int(n), _top_n(ranked, n)) for n in top_ns),
        top_fraction=float(top_share),
        top_fraction_accounts=top_fraction_accounts,
        top_fraction_share=top_fraction_share_,
        concentration_share=float(concentration_share),
        accounts_for_share=accounts_for,
        accounts_for_share_fraction=accounts_for_fraction,
        largest_share=largest,
        large_account_share=float(large_account_share),
        large_accounts=large_accounts,
        hhi_points=hhi,
        hhi_moderate=float(hhi_moderate),
        hhi_high=float(hhi_high),
        hhi_band=band,
        gini=_gini(ranked, corrected=False),
        flags=tuple(flags),
        negative_revenue=ranked.negative_revenue,
    )
