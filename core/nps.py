"""Net Promoter Score: overall, per group (tier, size band, region...) and the gap between groups.

Definition (Reichheld; see shared REFERENCES.md): over respondents with a whole score 0-10,
``NPS = % promoters (9-10) - % detractors (0-6)``; passives (7-8) count only in the
denominator. Range -100 to +100 points. Its margin of error comes from the variance of the
+1/0/-1 coding of each answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from core.errors import SegmenterInputError
from core.groups import TOTAL_LABEL, check_same_length, float_values, group_codes, group_label, group_sums, ratio

Z_95 = 1.96
PROMOTER_MIN = 9
DETRACTOR_MAX = 6
REASON_OUT_OF_SCALE = "an NPS answer is a whole number from 0 to 10; left blank (no answer)"


def _on_scale(values: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return (values >= 0) & (values <= 10) & (values == np.round(values))


def validate_scores(scores: Any, sheet_rows: Any = None, column: str = "nps") -> tuple[np.ndarray, pd.DataFrame]:
    """Keep the usable NPS answers, blank out the rest and say which and why.

    Parameters
    ----------
    scores:
        1-D answers as read from the sheet: numbers, blanks (NaN/None = no answer) and
        possibly text, read as :func:`core.cells.to_numbers` reads any number cell
        ("9" is read as 9 and reported as coerced; "n/a", TRUE, #N/A are rejected).
    sheet_rows:
        The sheet row of each answer, for the issues table; default the 0-based position.
    column:
        The column name the issues table shows.

    Returns
    -------
    clean : numpy.ndarray
        float64; whole numbers 0..10 kept, everything else NaN (no answer).
    issues : pandas.DataFrame
        One row per coerced or rejected cell in sheet-row order, columns
        :data:`core.cells.ISSUE_COLUMNS` (``sheet_row, column, value, action, reason``).
        A number outside 0..10 or with decimals is ``rejected``. Blank cells are not issues.

    Examples
    --------
    >>> clean, issues = validate_scores([9, 11, None, 7.5], sheet_rows=[2, 3, 4, 5])
    >>> clean
    array([ 9., nan, nan, nan])
    >>> issues[["sheet_row", "value", "action"]].values.tolist()
    [[3, '11', 'rejected'], [5, '7.5', 'rejected']]
    """
    from core.cells import cell_text, issues_frame, to_numbers

    if np.ndim(scores) != 1:
        raise SegmenterInputError("expected one column of NPS answers", column=column)
    rows = np.arange(len(scores)) if sheet_rows is None else np.asarray(sheet_rows)
    if len(rows) != len(scores):
        raise SegmenterInputError(f"{len(rows)} sheet rows for {len(scores)} answers", column=column)
    parsed = to_numbers(scores, column=column, sheet_rows=rows)
    clean = parsed.values.copy()
    off_scale = np.flatnonzero(~np.isnan(clean) & ~_on_scale(clean))
    if not off_scale.size:
        return clean, parsed.issues
    scale_issues = issues_frame(
        {
            "sheet_row": rows[off_scale],
            "column": column,
            "value": [cell_text(v) for v in clean[off_scale]],
            "action": "rejected",
            "reason": REASON_OUT_OF_SCALE,
        }
    )
    clean[off_scale] = np.nan
    issues = pd.concat([parsed.issues, scale_issues], ignore_index=True) if len(parsed.issues) else scale_issues
    return clean, issues.sort_values("sheet_row", kind="stable").reset_index(drop=True)


def nps_coding(scores: Any) -> np.ndarray:
    """Each answer coded +1 (promoter, 9-10), 0 (passive, 7-8), -1 (detractor, 0-6), NaN (none).

    Raises
    ------
    SegmenterInputError
        An answer that is not a whole number 0..10 (``row`` = its 0-based position);
        run :func:`validate_scores` first on raw sheet input.

    Examples
    --------
    >>> nps_coding([10, 8, 6, float("nan"), 0])
    array([ 1.,  0., -1., nan, -1.])
    """
    values = float_values(scores, "nps")
    answered = ~np.isnan(values)
    bad = np.flatnonzero(answered & ~_on_scale(values))
    if bad.size:
        raise SegmenterInputError(
            f"{values[bad[0]]!r} is not an NPS answer (a whole number from 0 to 10)", row=int(bad[0]), column="nps"
        )
    coding = np.where(values >= PROMOTER_MIN, 1.0, np.where(values <= DETRACTOR_MAX, -1.0, 0.0))
    return np.where(answered, coding, np.nan)


def _check_min_respondents(min_respondents: int) -> None:
    if int(min_respondents) != min_respondents or min_respondents < 1:
        raise SegmenterInputError("min_respondents must be a whole number of at least 1", column="min_respondents")


def _score_and_error(
    promoters: np.ndarray, passives: np.ndarray, detractors: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    respondents = promoters + passives + detractors
    with np.errstate(invalid="ignore", divide="ignore"):
        # counts first, one division: 20 promoters and 11 detractors of 50 give exactly 18.0
        score = np.where(respondents > 0, 100.0 * (promoters - detractors) / respondents, np.nan)
        p, d = promoters / respondents, detractors / respondents
        variance = np.maximum(p + d - (p - d) ** 2, 0.0)
        error = np.where(respondents > 1, Z_95 * np.sqrt(variance / respondents) * 100.0, np.nan)
    return score, error


def _warning(respondents: int, min_respondents: int) -> str:
    if respondents == 0:
        return "no respondents: NPS undefined"
    if respondents < min_respondents:
        noun = "respondent" if respondents == 1 else "respondents"
        return f"only {respondents} {noun} (fewer than {min_respondents}): too few to compare"
    if respondents == 1:
        return "only 1 respondent: no margin of error"
    return ""


@dataclass(frozen=True)
class NpsResult:
    """NPS of one set of answers; counts are respondents, scores in points (-100..100)."""

    respondents: int
    promoters: int
    passives: int
    detractors: int
    nps: float
    margin_of_error: float
    warning: str


def nps(scores: Any, *, min_respondents: int = 30) -> NpsResult:
    """Net Promoter Score of a set of answers, with its 95 % margin of error.

    Parameters
    ----------
    scores:
        1-D answers 0..10 (whole numbers), NaN = no answer.
    min_respondents:
        Fewer respondents than this gives a "too few to compare" warning.

    Returns
    -------
    NpsResult
        ``nps = 100 * (promoters - detractors) / respondents`` in points.
        ``margin_of_error = 1.96 * sqrt(var / n) * 100`` points, with n the respondents,
        p and d the promoter and detractor fractions and ``var = p + d - (p - d)^2`` the
        population variance of the +1/0/-1 coding (normal approximation, 95 %).

    Notes
    -----
    Edge cases: no respondent gives NaN NPS and NaN margin with the warning "no
    respondents: NPS undefined". One respondent has an NPS (-100, 0 or 100) but the
    margin is NaN: one answer says nothing about spread (the formula would give 0).
    When every answer is in the same class the margin is 0 by the formula; the
    small-sample warning is the guard there.

    Examples
    --------
    20 promoters, 19 passives, 11 detractors: NPS = 100 * (20 - 11) / 50 = 18;
    p = 0.4, d = 0.22, var = 0.62 - 0.18^2 = 0.5876, margin = 1.96 * sqrt(0.5876 / 50) * 100.

    >>> result = nps([10] * 20 + [7] * 19 + [3] * 11)
    >>> result.nps, round(result.margin_of_error, 2), result.warning
    (18.0, 21.25, '')
    """
    _check_min_respondents(min_respondents)
    coding = nps_coding(scores)
    counts = [int(np.count_nonzero(coding == c)) for c in (1.0, 0.0, -1.0)]
    score, error = _score_and_error(*(np.array([c], dtype=float) for c in counts))
    promoters, passives, detractors = counts
    respondents = promoters + passives + detractors
    return NpsResult(
        respondents=respondents,
        promoters=promoters,
        passives=passives,
        detractors=detractors,
        nps=float(score[0]),
        margin_of_error=float(error[0]),
        warning=_warning(respondents, min_respondents),
    )


def nps_by(
    scores: Any,
    groups: Any,
    *,
    order: Sequence[Any] | None = None,
    min_respondents: int = 30,
    group_name: str = "tier",
) -> pd.DataFrame:
    """NPS per group (tier, size band, region...) and over all respondents.

    Parameters
    ----------
    scores:
        1-D answers 0..10 per account, NaN = no answer (see :func:`validate_scores`).
    groups:
        The group of each account; see :func:`core.margins.group_codes`.
    order:
        Groups to list first, e.g. tiers ``["A", "B", "C", "D"]``.
    min_respondents:
        Groups with fewer respondents get a warning.
    group_name:
        Header of the first column.

    Returns
    -------
    pandas.DataFrame
        Columns ``<group_name>, respondents, promoters, passives, detractors,
        promoter_share, detractor_share, nps, margin_of_error, warning``; every group
        with an account (or in ``order``) is listed, even with no respondent; a final
        ``Total`` row covers all respondents.

    Notes
    -----
    Per row, as in :func:`nps`: shares are fractions of the respondents (NaN with none),
    ``nps = 100 * (promoter_share - detractor_share)`` points and the margin of error
    is ``1.96 * sqrt((p + d - (p - d)^2) / n) * 100`` points (NaN for n < 2).

    Examples
    --------
    >>> table = nps_by([10, 9, 3, 8, float("nan")], ["A", "A", "A", "B", "B"], min_respondents=2)
    >>> table[["tier", "respondents", "promoters", "detractors", "nps"]].round(2)
        tier  respondents  promoters  detractors    nps
    0      A            3          2           1  33.33
    1      B            1          0           0   0.00
    2  Total            4          2           1  25.00
    >>> table["warning"].tolist()
    ['', 'only 1 respondent (fewer than 2): too few to compare', '']
    """
    _check_min_respondents(min_respondents)
    coding = nps_coding(scores)
    codes, labels = group_codes(groups, order)
    check_same_length(nps=coding, groups=codes)
    promoters, passives, detractors = (
        group_sums(codes, len(labels), (coding == c).astype(float)) for c in (1.0, 0.0, -1.0)
    )
    return nps_from_counts(
        labels, promoters, passives, detractors, min_respondents=min_respondents, group_name=group_name
    )


def nps_from_counts(
    labels: Sequence[str],
    promoters: np.ndarray,
    passives: np.ndarray,
    detractors: np.ndarray,
    *,
    min_respondents: int = 30,
    group_name: str = "tier",
) -> pd.DataFrame:
    """The :func:`nps_by` table from counts per group, each with the all-groups total appended.

    Examples
    --------
    >>> nps_from_counts(["A"], np.array([2.0, 2]), np.array([0.0, 0]), np.array([1.0, 1]))["nps"].round(2).tolist()
    [33.33, 33.33]
    """
    _check_min_respondents(min_respondents)
    promoters, passives, detractors = (np.asarray(c, dtype=float) for c in (promoters, passives, detractors))
    respondents = promoters + passives + detractors
    score, error = _score_and_error(promoters, passives, detractors)
    return pd.DataFrame(
        {
            group_name: list(labels) + [TOTAL_LABEL],
            "respondents": respondents.astype(np.int64),
            "promoters": promoters.astype(np.int64),
            "passives": passives.astype(np.int64),
            "detractors": detractors.astype(np.int64),
            "promoter_share": ratio(promoters, respondents),
            "detractor_share": ratio(detractors, respondents),
            "nps": score,
            "margin_of_error": error,
            "warning": [_warning(int(n), min_respondents) for n in respondents],
        }
    )


@dataclass(frozen=True)
class NpsGap:
    """The NPS gap ``nps_b - nps_a`` between two groups, in points, and whether it is real."""

    group_a: str
    group_b: str
    nps_a: float
    nps_b: float
    gap: float
    margin_of_error: float
    significant: bool
    high_group: str
    low_group: str
    warning: str

    def to_frame(self) -> pd.DataFrame:
        """One row with the fields as columns, for a report sheet."""
        return pd.DataFrame([asdict(self)])


def nps_gap(
    by_table: pd.DataFrame,
    group_a: Any = None,
    group_b: Any = None,
    *,
    group_name: str = "tier",
) -> NpsGap:
    """Gap in NPS between two groups of an :func:`nps_by` table, with its margin of error.

    Parameters
    ----------
    by_table:
        The output of :func:`nps_by` (the ``Total`` row is ignored).
    group_a, group_b:
        The two groups to compare, both or neither. Neither: ``group_a`` is the group
        with the lowest NPS and ``group_b`` the one with the highest (the first in table
        order on ties), so the gap is >= 0. They are chosen among the groups with enough
        respondents (an empty ``warning``); when fewer than two groups have enough, among
        all groups with respondents, and the gap then carries their warnings.
    group_name:
        The group column's header in ``by_table``.

    Returns
    -------
    NpsGap
        ``gap = nps_b - nps_a`` (signed, points); ``margin_of_error = sqrt(moe_a^2 +
        moe_b^2)`` (95 %, independent groups); ``significant = |gap| > margin_of_error``
        (a two-sided 5 % z-test; False when the margin is undefined); ``high_group`` and
        ``low_group``: highest and lowest NPS among the groups chosen as above;
        ``warning``: the compared groups' own warnings (few or no respondents), or that
        fewer than two groups have respondents (gap NaN).

    Raises
    ------
    SegmenterInputError
        Only one of the groups given, a group not in the table (the message names the
        groups that exist) or a table without the :func:`nps_by` columns.

    Examples
    --------
    Small accounts: 50 respondents, 20 promoters, 11 detractors, NPS 18; large: 50,
    30 promoters, 3 detractors, NPS 54. Gap 54 - 18 = 36 points; margins 21.25 and
    16.82, so the gap's margin is sqrt(21.25^2 + 16.82^2) = 27.10 < 36: significant.

    >>> scores = [10] * 20 + [7] * 19 + [0] * 11 + [9] * 30 + [8] * 17 + [5] * 3
    >>> by_size = nps_by(scores, ["small"] * 50 + ["large"] * 50, group_name="size")
    >>> gap = nps_gap(by_size, "small", "large", group_name="size")
    >>> gap.gap, round(gap.margin_of_error, 2), gap.significant
    (36.0, 27.1, True)
    """
    needed = [group_name, "respondents", "nps", "margin_of_error", "warning"]
    missing = [c for c in needed if c not in by_table.columns]
    if missing:
        raise SegmenterInputError(f"not an NPS-by-group table: no column {', '.join(missing)}", column=group_name)
    if (group_a is None) != (group_b is None):
        raise SegmenterInputError("give both groups to compare, or neither for highest vs lowest", column=group_name)
    rows = by_table.set_axis(by_table[group_name].astype(str).to_numpy()).drop(index=TOTAL_LABEL, errors="ignore")
    answered = rows.loc[rows["respondents"] > 0]
    enough = answered.loc[answered["warning"] == "", "nps"]
    # a group of 3 answers should not make the headline gap while larger groups exist
    candidates = enough if len(enough) >= 2 else answered["nps"]
    high_group = str(candidates.idxmax()) if len(candidates) >= 2 else ""
    # drop the high group first so that ties (all groups equal) still compare two groups
    low_group = str(candidates.drop(index=high_group).idxmin()) if len(candidates) >= 2 else ""
    if group_a is None:
        if not high_group:
            return NpsGap(
                "", "", np.nan, np.nan, np.nan, np.nan, False, "", "", "fewer than two groups with respondents: no gap"
            )
        group_a, group_b = low_group, high_group
    group_a, group_b = group_label(group_a), group_label(group_b)
    unknown = [g for g in (group_a, group_b) if g not in rows.index]
    if unknown:
        raise SegmenterInputError(
            f"no group {', '.join(map(repr, unknown))}; the groups are {', '.join(rows.index)}", column=group_name
        )
    a, b = rows.loc[group_a], rows.loc[group_b]
    gap = float(b["nps"] - a["nps"])
    error = float(np.hypot(a["margin_of_error"], b["margin_of_error"]))
    warnings = [f"{name}: {row['warning']}" for name, row in ((group_a, a), (group_b, b)) if row["warning"]]
    return NpsGap(
        group_a=group_a,
        group_b=group_b,
        nps_a=float(a["nps"]),
        nps_b=float(b["nps"]),
        gap=gap,
        margin_of_error=error,
        significant=bool(abs(gap) > error),
        high_group=high_group,
        low_group=low_group,
        warning="; ".join(dict.fromkeys(warnings)),
    )
