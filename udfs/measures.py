"""Worksheet functions on a column of figures: CONCENTRATION, ACCOUNTS_FOR_SHARE, HHI, GINI,
NPS, NPS_BY, NPS_GAP and CLTV."""

from __future__ import annotations

import numpy as np
import xlwings as xw

from core import concentration as conc
from core import nps as nps_core
from core import retention_cltv
from core.config import parse_number
from core.errors import SegmenterInputError
from udfs._edge import (
    NoValue,
    cell_errors,
    has_text_header,
    numbers_column,
    numbers_from_range,
    scalar,
    single_column,
    table_output,
)
from writers.columns import column_style

REVENUE_DOC = "revenue per account, one column (a header cell and blanks are skipped)"
SCORES_DOC = "NPS answers 0-10, one column (a header cell and blanks are skipped)"


@xw.func(category="segmenter", call_in_wizard=False)
@xw.arg("revenue", "raw", doc=REVENUE_DOC)
@xw.arg(
    "top",
    "raw",
    doc="N >= 1: the top N accounts; x < 1: the top x of accounts (0.2 = 20 %, count rounded up). Default 0.2",
)
@xw.ret("raw")
@cell_errors
def concentration(revenue, top=None):
    """Share of revenue made by the top N accounts (top >= 1) or the top x % of accounts (top < 1)."""
    values = numbers_from_range(revenue, "revenue")
    top = parse_number(scalar(top, "top", 0.2), "top")
    if top >= 1:
        if top != int(top):
            raise SegmenterInputError("top must be a whole number of accounts (>= 1) or a share below 1", column="top")
        return conc.top_n_share(values, int(top))
    if top <= 0:
        raise SegmenterInputError("top must be above 0", column="top")
    return conc.top_fraction_share(values, top)


@xw.func(category="segmenter", call_in_wizard=False)
@xw.arg("revenue", "raw", doc=REVENUE_DOC)
@xw.arg("share", "raw", doc="share of revenue, default 0.8 (80 %)")
@xw.ret("raw")
@cell_errors
def accounts_for_share(revenue, share=None):
    """How many of the largest accounts make the given share of revenue (default 80 %)."""
    values = numbers_from_range(revenue, "revenue")
    count, _ = conc.accounts_for_share(values, parse_number(scalar(share, "share", 0.8), "share"))
    return count


@xw.func(category="segmenter", call_in_wizard=False)
@xw.arg("revenue", "raw", doc=REVENUE_DOC)
@xw.ret("raw")
@cell_errors
def hhi(revenue):
    """Herfindahl-Hirschman index of revenue: sum of squared % shares, 0-10,000 (above 1,800: highly concentrated)."""
    return conc.hhi_points(numbers_from_range(revenue, "revenue"))


@xw.func(category="segmenter", call_in_wizard=False)
@xw.arg("revenue", "raw", doc=REVENUE_DOC)
@xw.ret("raw")
@cell_errors
def gini(revenue):
    """Gini coefficient of revenue across accounts (population form; 0 = all equal, near 1 = one account has all)."""
    return conc.gini(numbers_from_range(revenue, "revenue"))


def _valid_scores(scores: np.ndarray, first_row: int) -> np.ndarray:
    clean, issues = nps_core.validate_scores(scores, np.arange(first_row, first_row + scores.size), column="score")
    if len(issues):
        first = issues.iloc[0]
        raise SegmenterInputError(first["reason"], row=int(first["sheet_row"]), column="score")
    return clean


@xw.func(category="segmenter", call_in_wizard=False)
@xw.arg("scores", "raw", doc=SCORES_DOC)
@xw.ret("raw")
@cell_errors
def nps(scores):
    """Net Promoter Score: % promoters (9-10) minus % detractors (0-6), in points (-100 to 100)."""
    cells = single_column(scores, "score")
    skip = 1 if has_text_header(cells) else 0
    result = nps_core.nps(_valid_scores(numbers_column(cells[skip:], "score", 1 + skip), 1 + skip))
    if result.respondents == 0:
        raise NoValue("no answers 0-10 in the range: NPS undefined")
    return result.nps


def _scores_and_groups(scores, groups) -> tuple[np.ndarray, np.ndarray]:
    """Aligned answers and group labels; a header row (text over both columns) is skipped."""
    score_cells, group_cells = single_column(scores, "scores"), single_column(groups, "groups")
    if len(score_cells) != len(group_cells):
        raise SegmenterInputError(
            f"scores ({len(score_cells)} cells) and groups ({len(group_cells)} cells) must be the same size"
        )
    skip = 1 if has_text_header(score_cells) else 0
    clean = _valid_scores(numbers_column(score_cells[skip:], "score", 1 + skip), 1 + skip)
    labels = np.array([None if g is None or str(g).strip() == "" else str(g) for g in group_cells[skip:]], dtype=object)
    return clean, labels


@xw.func(category="segmenter", call_in_wizard=False)
@xw.arg("scores", "raw", doc=SCORES_DOC)
@xw.arg("groups", "raw", doc="the group of each answer (tier, size band...), same rows as scores")
@xw.ret("raw")
@cell_errors
def nps_by(scores, groups):
    """NPS per group: respondents, promoters, passives, detractors, NPS, 95 % margin of error, warning."""
    clean, labels = _scores_and_groups(scores, groups)
    table = nps_core.nps_by(clean, labels, group_name="group")
    headers = ["Group"] + [column_style(str(c))[0] for c in table.columns[1:]]
    return table_output(headers, table.astype(object).where(table.notna(), None).to_numpy().tolist())


@xw.func(category="segmenter", call_in_wizard=False)
@xw.arg("scores", "raw", doc=SCORES_DOC)
@xw.arg("groups", "raw", doc="the group of each answer, same rows as scores")
@xw.arg("group_a", "raw", doc="first group (optional; default: the lowest NPS)")
@xw.arg("group_b", "raw", doc="second group (optional; default: the highest NPS)")
@xw.ret("raw")
@cell_errors
def nps_gap(scores, groups, group_a=None, group_b=None):
    """NPS of group_b minus NPS of group_a, in points; without groups named, highest minus lowest."""
    clean, labels = _scores_and_groups(scores, groups)
    table = nps_core.nps_by(clean, labels, group_name="group")
    a, b = scalar(group_a, "group_a"), scalar(group_b, "group_b")
    gap = nps_core.nps_gap(table, None if a is None else str(a), None if b is None else str(b), group_name="group")
    if np.isnan(gap.gap):
        raise NoValue(gap.warning or "the gap is undefined")
    return gap.gap


@xw.func(category="segmenter", call_in_wizard=False)
@xw.arg(
    "annual_margin", "raw", doc="yearly margin (profit) per account: one value or a column (a header cell is skipped)"
)
@xw.arg("retention", "raw", doc="annual retention rate, e.g. 0.8 (80 %)")
@xw.arg("discount", "raw", doc="annual discount rate, default 0.1 (10 %)")
@xw.ret("raw")
@cell_errors
def cltv(annual_margin, retention, discount=None):
    """Customer lifetime value m * r / (1 + d - r) for a yearly margin m, retention r, discount d."""
    if scalar(retention, "retention") is None:
        raise SegmenterInputError("retention is required, e.g. 0.8", column="retention")
    r = parse_number(scalar(retention, "retention"), "retention")
    d = parse_number(scalar(discount, "discount", 0.1), "discount")
    if isinstance(annual_margin, (list, tuple)):
        cells = single_column(annual_margin, "annual_margin")
        skip = 1 if has_text_header(cells) else 0
        values = retention_cltv.cltv(numbers_column(cells[skip:], "annual_margin", 1 + skip), r, d)
        return [["CLTV"]] * skip + [["" if np.isnan(v) else float(v)] for v in values]
    return float(retention_cltv.cltv(parse_number(annual_margin, "annual_margin"), r, d))
