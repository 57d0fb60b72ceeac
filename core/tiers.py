"""Revenue tiers: every account gets a label A, B, C ... and the last label (D) for no sales.

Four rules, chosen by ``method`` (defaults in :data:`core.config.DEFAULT_CUTOFFS`):

``pareto``
    Accounts ranked by revenue, largest first. An account is in tier A while the share of
    total positive revenue made by the accounts ranked strictly before it is below the first
    cutoff (0.80), in B while it is below the second (0.95), else C. Tier A is therefore the
    smallest set of top accounts that reaches 80 % of revenue.
``rank``
    The same with the share of accounts instead of the share of revenue: A while the accounts
    ranked before it are under 20 % of the accounts with positive revenue, B under 50 %, else C.
``threshold``
    Cutoffs are revenue amounts, largest first: A if revenue >= 1,000,000, B if >= 100,000,
    C if above 0.
``computed``
    The Computed ABC analysis of Ultsch & Loetsch (2015), see :func:`computed_abc`.

Whatever the rule, zero, negative (credit notes) or missing revenue gets the last label.

Ties: accounts with equal revenue always share a tier. ``pareto`` and ``rank`` measure the
share "before" a tie group as the share of all accounts with strictly larger revenue, so the
whole group takes the tier its first member would get. Consequence: a tie group that
straddles a cutoff goes entirely to the better tier, and a tier can hold more accounts (or
revenue) than a one-by-one count would give; the result never depends on input order.

Float sums: a cumulative share within one part in 10^12 of a cutoff counts as reaching it,
so 50 + 30 out of 100 reaches 80 % exactly as it does by hand.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.interpolate import PPoly
from scipy.linalg import solve_banded

from core.config import ReportConfig, effective_cutoffs, parse_number
from core.errors import SegmenterInputError
from core.groups import float_values

SHARE_TOLERANCE = 1e-12


@dataclass(frozen=True)
class ComputedABC:
    """Limits found by the Computed ABC analysis (all efforts and yields are fractions 0-1).

    Attributes
    ----------
    ab_effort, bc_effort:
        Share of accounts (largest first) at the A|B and B|C limits on the ABC curve.
    ab_value, bc_value:
        The same limits in revenue (data units): A is revenue above ``ab_value``, B from
        ``bc_value`` to ``ab_value`` (both included), C below ``bc_value``.
    pareto_point, break_even_point, submarginal_point:
        (effort, yield) on the interpolated ABC curve.
    gini_pct:
        Gini index of the ABC curve in percent, 200 x (area under the curve) - 100.
    """

    ab_effort: float
    bc_effort: float
    ab_value: float
    bc_value: float
    pareto_point: tuple[float, float]
    break_even_point: tuple[float, float]
    submarginal_point: tuple[float, float]
    gini_pct: float


def assign_tiers(
    revenue: Any,
    method: str = "pareto",
    cutoffs: Sequence[float] | float | None = None,
    labels: Sequence[str] = ("A", "B", "C", "D"),
) -> np.ndarray:
    """One tier label per account, in input order.

    Parameters
    ----------
    revenue:
        1-D array-like of revenue per account; NaN/None = missing, negative = credit notes.
    method:
        ``"pareto"``, ``"rank"``, ``"threshold"`` or ``"computed"`` (see the module notes).
    cutoffs:
        ``pareto``: cumulative revenue shares, increasing, each in (0, 1), default (0.80, 0.95).
        ``rank``: cumulative account shares, default (0.20, 0.50). ``threshold``: revenue
        amounts, strictly decreasing and positive (required). ``computed``: none.
    labels:
        One label per ranked tier (``len(cutoffs) + 1``; 3 for ``computed``) plus the last,
        for zero, negative or missing revenue.

    Returns
    -------
    numpy.ndarray
        Object array of str, ``len(revenue)`` labels.

    Raises
    ------
    SegmenterInputError
        Unknown method, cutoffs out of order or range, wrong number of labels, revenue that
        is not numeric or is infinite.

    Notes
    -----
    Shares are of the total positive revenue (pareto) or of the number of accounts with
    positive revenue (rank). For revenues 50, 20, 15, 10, 5 (total 100) the pareto shares
    before each account are 0, 0.50, 0.70, 0.85, 0.95, so with cutoffs 0.80 and 0.95 the
    tiers are A, A, A, B, C (0.95 is not below 0.95). The rank shares before each are 0/5,
    1/5, 2/5, 3/5, 4/5, giving A, B, B, C, C. No account with positive revenue gives all D.

    Examples
    --------
    >>> assign_tiers([50, 20, 15, 10, 5, 0, -3, None]).tolist()
    ['A', 'A', 'A', 'B', 'C', 'D', 'D', 'D']
    >>> assign_tiers([50, 20, 15, 10, 5], method="rank").tolist()
    ['A', 'B', 'B', 'C', 'C']
    >>> assign_tiers([2e6, 5e5, 10, 0], method="threshold", cutoffs=(1e6, 1e5)).tolist()
    ['A', 'B', 'C', 'D']
    """
    config = _settings(method, cutoffs, labels)
    codes = _codes(float_values(revenue, "revenue"), config.tier_method, effective_cutoffs(config))
    return np.asarray(config.labels, dtype=object)[codes]


def tier_codes(revenue: Any, method: str = "pareto", cutoffs: Sequence[float] | float | None = None) -> np.ndarray:
    """Tier codes 0..k per account (0 = first tier, k = the no-sales tier), in input order.

    Same rules and arguments as :func:`assign_tiers`; ``k = len(cutoffs) + 1`` (3 for
    ``computed``). Useful to sort or count tiers without strings.

    Examples
    --------
    >>> tier_codes([50, 20, 15, 10, 5, 0]).tolist()
    [0, 0, 0, 1, 2, 3]
    """
    config = _settings(method, cutoffs, None)
    return _codes(float_values(revenue, "revenue"), config.tier_method, effective_cutoffs(config))


def _codes(values: np.ndarray, method: str, bounds: tuple[float, ...]) -> np.ndarray:
    last = 3 if method == "computed" else len(bounds) + 1
    codes = np.full(values.shape, last, dtype=np.intp)
    positive = values > 0
    if not positive.any():
        return codes
    sales = values[positive]
    if method == "threshold":
        ascending = np.asarray(bounds[::-1])
        codes[positive] = len(bounds) - np.searchsorted(ascending, sales, side="right")
    elif method == "computed":
        limits = computed_abc(values)
        codes[positive] = np.where(sales > limits.ab_value, 0, np.where(sales >= limits.bc_value, 1, 2))
    else:
        codes[positive] = _ranked_codes(sales, bounds, by_revenue=method == "pareto")
    return codes


def _settings(method: str, cutoffs: Any, labels: Sequence[str] | None) -> ReportConfig:
    """Validate through ReportConfig so a bad argument reads the same as a bad setting."""
    if cutoffs is not None:
        cutoffs = (cutoffs,) if np.ndim(cutoffs) == 0 else tuple(cutoffs)
        cutoffs = tuple(parse_number(c, "cutoffs") for c in cutoffs)
        if method == "threshold" and cutoffs and min(cutoffs) <= 0:
            raise SegmenterInputError("revenue bounds must be above 0 (C already means revenue > 0)", column="cutoffs")
    if labels is None:
        ranked = 3 if method == "computed" or cutoffs is None else len(cutoffs) + 1
        labels = tuple(str(code) for code in range(ranked + 1))
    return ReportConfig(tier_method=method, cutoffs=cutoffs, labels=tuple(str(label) for label in labels))


def share_limits(cutoffs: Sequence[float]) -> np.ndarray:
    """The share before an account at which it leaves a tier: each cutoff less one part in 10^12.

    An account's tier code is the number of limits its share before is at or above (pareto,
    rank), so a running share that reaches 0.8 only up to float rounding still reaches 80 %.

    Examples
    --------
    >>> float(share_limits([0.8])[0]) < 0.8
    True
    """
    return np.asarray(cutoffs, dtype=float) * (1 - SHARE_TOLERANCE)


def _ranked_codes(sales: np.ndarray, cutoffs: Sequence[float], *, by_revenue: bool) -> np.ndarray:
    """Codes for positive revenues by the share (of revenue or of accounts) ranked before them.

    The share before an account grows down the ranking and ties share it, so each tier begins at
    a revenue: the revenues are sorted (no permutation: sorting values is about twice as fast as
    ranking them), each tier's first revenue found, and every account coded by comparing its own
    revenue with those few (no gather or scatter through a million-entry permutation).

    >>> _ranked_codes(np.array([5.0, 50, 10, 20, 15, 20]), (0.8, 0.95), by_revenue=True).tolist()
    [2, 0, 1, 0, 0, 0]
    """
    ranked = np.sort(sales)[::-1]
    count = ranked.size
    starts_group = np.empty(count, dtype=bool)
    starts_group[0] = True
    np.not_equal(ranked[1:], ranked[:-1], out=starts_group[1:])
    first_of_group = np.maximum.accumulate(np.where(starts_group, np.arange(count), 0))
    if by_revenue:
        running = np.cumsum(ranked)
        before = running - ranked
        share_before = before[first_of_group] / running[-1]
    else:
        share_before = first_of_group / count
    limits = share_limits(cutoffs)
    ranked_codes = np.searchsorted(limits, share_before, side="right")  # never decreasing down the ranking
    firsts = np.searchsorted(ranked_codes, np.arange(1, len(limits) + 1), side="left")
    starts = ranked[firsts[firsts < count]][::-1]  # the revenue each later tier begins at, ascending
    # an account is in tier k when its revenue is at or below the first revenues of tiers 1..k
    return len(starts) - np.searchsorted(starts, sales, side="left")


def computed_abc(revenue: Any) -> ComputedABC:
    """The Computed ABC analysis (Ultsch & Loetsch 2015, R package ABCanalysis 1.2.1).

    Parameters
    ----------
    revenue:
        1-D array-like; missing and negative values count as 0 (they stay on the curve
        as accounts with no yield, as in R's ``ABCcleanData``).

    Returns
    -------
    ComputedABC
        The A|B and B|C limits as efforts and as revenue, the three curve points and the Gini.

    Raises
    ------
    SegmenterInputError
        No account has positive revenue (the curve is undefined).

    Notes
    -----
    Steps, as in the R sources (``ABCcurve.R``, ``ABCanalysis.R``, ``Gini4ABC.R``):

    1. n accounts, revenue sorted descending; knots effort ``i/n``, yield = cumulative share,
       with (0, 0) in front (i = 0..n, so the last knot is (1, 1)).
    2. Cubic spline through the knots, evaluated on the grid 0, 0.01, ..., 1 (n < 101) or
       0, 0.001, ..., 1 (computed as i/100 or i/1000; R's 57 * 0.01 can differ in the last
       bit). R's ``spline()`` uses Forsythe-Malcolm-Moler ends ("fmm": the end
       pieces have the third derivative of the cubic through the four end knots); scipy's
       ``CubicSpline`` has no such end condition (``not-a-knot`` is close but differs), so
       the same tridiagonal system is solved here. From the first grid point whose yield
       is >= 1 on, the yield is set to 1 (R's guard against spline overshoot).
    3. Slope: a second fmm spline through the grid curve, differentiated at ``k/m``,
       k = 1..m (m grid points), exactly as R's ``ABCcurve`` does; slope number k is then
       paired with grid point number k (effort ``(k-1)/(m-1)``), an offset under one grid step.
    4. Pareto point: grid point nearest (0, 1) (first if several). Break-even point: the
       grid point whose slope is nearest 1; on exact ties the rightmost (R's ``which.min``
       would take the first; they differ only on straight stretches of the curve).
    5. A|B limit: the one of the two with the smaller effort; submarginal point: grid point
       nearest (Bx, 1), Bx the other one's effort; it is the B|C limit.
    6. In revenue (R ABCanalysis on GitHub, ``ABLimit``/``BCLimit``): ``ab_value`` is the
       revenue of account number ``round(ab_effort * n)`` in descending order (at least 1;
       round half to even as R), ``bc_value`` likewise. A: revenue > ``ab_value``; B:
       ``bc_value`` <= revenue <= ``ab_value``; C: revenue < ``bc_value``. Ties therefore
       share a tier, and the account at the limit position itself is in B: with few
       accounts A can be empty (revenues 6, 3, 1: A|B effort 0.39, round(1.17) = 1, so
       ``ab_value`` = 6 and no account is above it). CRAN 1.2.1 cut by position instead
       (A: ``i/n < ab_effort``), which puts the 6 in A but splits ties.
    7. ``gini_pct`` = 200 x trapezoid area under the grid curve - 100.

    Examples
    --------
    >>> abc = computed_abc([6, 3, 1])
    >>> abc.ab_effort, abc.bc_effort, abc.ab_value, abc.bc_value
    (0.39, 0.57, 6.0, 3.0)
    """
    values = float_values(revenue, "revenue")
    cleaned = np.where(values > 0, values, 0.0)
    if not cleaned.any():
        raise SegmenterInputError("no account has a positive revenue: no ABC curve", column="revenue")
    count = cleaned.size
    descending = np.sort(cleaned)[::-1]
    running = np.cumsum(descending)
    knots_effort = np.arange(count + 1) / count
    knots_yield = np.concatenate(([0.0], running / running[-1]))
    grid_points = 101 if count < 101 else 1001
    effort = np.arange(grid_points) / (grid_points - 1)
    curve = _fmm_spline(knots_effort, knots_yield)(effort)
    reached = np.flatnonzero(curve >= 1)
    if reached.size and reached[0] < grid_points - 1:
        curve[reached[0] :] = 1.0
    slope = _fmm_spline(effort, curve).derivative()(np.arange(1, grid_points + 1) / grid_points)

    pareto = int(np.argmin(effort**2 + (curve - 1) ** 2))
    off_by = np.abs(slope - 1)
    break_even = grid_points - 1 - int(np.argmin(off_by[::-1]))
    ab, other = (break_even, pareto) if effort[break_even] < effort[pareto] else (pareto, break_even)
    submarginal = int(np.argmin((effort - effort[other]) ** 2 + (curve - 1) ** 2))

    def revenue_at(share_of_accounts: float) -> float:
        position = max(int(np.rint(share_of_accounts * count)), 1)
        return float(descending[position - 1])

    gini_pct = 200 * np.trapezoid(curve / curve[-1], effort / effort[-1]) - 100
    return ComputedABC(
        ab_effort=float(effort[ab]),
        bc_effort=float(effort[submarginal]),
        ab_value=revenue_at(effort[ab]),
        bc_value=revenue_at(effort[submarginal]),
        pareto_point=(float(effort[pareto]), float(curve[pareto])),
        break_even_point=(float(effort[break_even]), float(curve[break_even])),
        submarginal_point=(float(effort[submarginal]), float(curve[submarginal])),
        gini_pct=float(gini_pct),
    )


def _fmm_spline(x: np.ndarray, y: np.ndarray) -> PPoly:
    """Interpolating cubic spline with R's default "fmm" end conditions (x strictly increasing).

    Unknowns are the second derivatives M_i at the knots. Interior rows:
    h_{i-1} M_{i-1} + 2 (h_{i-1} + h_i) M_i + h_i M_{i+1} = 6 (d_i - d_{i-1}), d_i the slope
    of interval i. End rows: (M_1 - M_0) / h_0 = 6 f[x_0..x_3] and likewise at the right
    end (third divided differences; 0 with only three knots, giving the parabola). Two
    knots give the straight line, as R.
    """
    h = np.diff(x)
    d = np.diff(y) / h
    knots = x.size
    if knots == 2:
        return PPoly(np.array([[0.0], [0.0], [d[0]], [y[0]]]), x)
    second_diff = (d[1:] - d[:-1]) / (x[2:] - x[:-2])
    start_third = end_third = 0.0
    if knots > 3:
        start_third = (second_diff[1] - second_diff[0]) / (x[3] - x[0])
        end_third = (second_diff[-1] - second_diff[-2]) / (x[-1] - x[-4])
    banded = np.zeros((3, knots))
    rhs = np.empty(knots)
    banded[1, 1:-1] = 2 * (h[:-1] + h[1:])
    banded[0, 2:] = h[1:]
    banded[2, :-2] = h[:-1]
    rhs[1:-1] = 6 * (d[1:] - d[:-1])
    banded[1, 0], banded[0, 1], rhs[0] = -h[0], h[0], 6 * h[0] ** 2 * start_third
    banded[2, -2], banded[1, -1], rhs[-1] = -h[-1], h[-1], 6 * h[-1] ** 2 * end_third
    moments = solve_banded((1, 1), banded, rhs)
    coefficients = np.vstack(
        [
            (moments[1:] - moments[:-1]) / (6 * h),
            moments[:-1] / 2,
            d - h * (2 * moments[:-1] + moments[1:]) / 6,
            y[:-1],
        ]
    )
    return PPoly(coefficients, x)
