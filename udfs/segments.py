"""Worksheet functions on an account range: SEGMENT_TIER, SEGMENT_MARGIN, SEGMENT_STRATEGY,
SEGMENT_SUMMARY and SEGMENT_ISSUES. Each converts the range, calls core/, shapes the output."""

from __future__ import annotations

import numpy as np
import xlwings as xw

from core.config import config_from_mapping
from core.data_issues import summarise_issues
from core.errors import SegmenterInputError
from core.margins import margin_note, margin_pct, profit_unknown_note
from core.report import group_table, segment_accounts
from core.tiers import assign_tiers
from udfs._edge import (
    CUTOFFS_DOC,
    METHOD_DOC,
    NA,
    CellError,
    accounts_from_range,
    cell_errors,
    column_output,
    mark_rejected,
    reuse_last,
    scalar,
    table_output,
    values_list,
)
from writers.columns import column_style

ACCOUNTS_DOC = (
    "Your account rows: account, revenue, profit (and NPS, industry, size...); "
    "a header row is recognised, blank rows stay blank"
)


@xw.func(category="segmenter", call_in_wizard=False)
@xw.arg("accounts", "raw", doc=ACCOUNTS_DOC)
@xw.arg("method", "raw", doc=METHOD_DOC)
@xw.arg("cutoffs", "raw", doc=CUTOFFS_DOC)
@xw.ret("raw")
@cell_errors
def segment_tier(accounts, method=None, cutoffs=None):
    """Tier A/B/C per account (D: zero, negative or missing revenue), one per row of the range.

    Pareto (default): A while the revenue share of the larger accounts is below 80 %, B below
    95 %, else C. Equal revenues share a tier.
    """
    table = accounts_from_range(accounts)
    config = config_from_mapping(dict(tier_method=scalar(method, "method"), cutoffs=values_list(cutoffs)))
    tiers = assign_tiers(
        table.accounts["revenue"].to_numpy(float),
        method=config.tier_method,
        cutoffs=config.cutoffs,
        labels=config.labels,
    )
    out = column_output(table, table.accounts.index.to_numpy(), tiers, "Tier")
    return mark_rejected(table, ("revenue",), out)


@xw.func(category="segmenter", call_in_wizard=False)
@xw.arg("accounts", "raw", doc=ACCOUNTS_DOC)
@xw.ret("raw")
@cell_errors
def segment_margin(accounts):
    """Margin % (profit / revenue) per row; says why where it is undefined (revenue <= 0 or missing)."""
    table = accounts_from_range(accounts)
    revenue = table.accounts["revenue"].to_numpy(float)
    profit = table.accounts["profit"].to_numpy(float)
    values = margin_pct(revenue, profit).astype(object)
    undefined = np.isnan(margin_pct(revenue, profit))
    values[undefined] = [CellError(NA, f"n/a: {note}") for note in margin_note(revenue, profit)[undefined]]
    out = column_output(table, table.accounts.index.to_numpy(), values, "Margin %")
    return mark_rejected(table, ("revenue", "profit"), out)


@xw.func(category="segmenter", call_in_wizard=False)
@xw.arg("accounts", "raw", doc=ACCOUNTS_DOC)
@xw.arg("revenue_split", "raw", doc="revenue that splits high from low, or median (default: high = tier A)")
@xw.arg(
    "margin_split",
    "raw",
    doc="margin % that splits high from low, e.g. 25%, or median (default: the portfolio's margin)",
)
@xw.ret("raw")
@cell_errors
def segment_strategy(accounts, revenue_split=None, margin_split=None):
    """Protect / Fix margin / Grow / Migrate per row, from revenue and margin % against the splits."""
    table = accounts_from_range(accounts)
    config = config_from_mapping(
        dict(revenue_split=scalar(revenue_split, "revenue_split"), margin_split=scalar(margin_split, "margin_split"))
    )
    segments = segment_accounts(table, config)
    strategy = segments["strategy"].to_numpy(dtype=object)
    undefined = strategy == ""
    strategy[undefined] = [CellError(NA, f"n/a: {note}") for note in segments["note"].to_numpy(dtype=object)[undefined]]
    out = column_output(table, segments.index.to_numpy(), strategy, "Strategy")
    return mark_rejected(table, ("revenue", "profit"), out)


def _by_column(table, by: str) -> str:
    """The account-table column a user means by a header ('Sector' -> industry) or a role name."""
    wanted = by.strip().lower()
    if wanted in ("tier", "tiers"):
        return "tier"
    for role, header in table.columns.items():
        if wanted in (role.lower(), str(header).strip().lower()):
            return role
    for column in table.accounts.columns:
        if wanted == str(column).strip().lower():
            return column
    known = ", ".join(["tier"] + [str(h) for h in table.columns.values()])
    raise SegmenterInputError(f"no column {by!r} in the range; summarise by one of: {known}")


@xw.func(category="segmenter", call_in_wizard=False)
@xw.arg("accounts", "raw", doc=ACCOUNTS_DOC)
@xw.arg("by", "raw", doc="tier (default) or a column header of the range, e.g. Industry")
@xw.arg("method", "raw", doc=METHOD_DOC)
@xw.ret("raw")
@cell_errors
@reuse_last
def segment_summary(accounts, by=None, method=None):
    """Per tier (or per value of a column): accounts, revenue, profit, margin %, shares, averages."""
    table = accounts_from_range(accounts)
    config = config_from_mapping(dict(tier_method=scalar(method, "method")))
    segments = segment_accounts(table, config)
    summary = group_table(segments, _by_column(table, scalar(by, "by", "tier")), config)
    headers = [column_style(str(c))[0] for c in summary.columns]
    rows = summary.astype(object).where(summary.notna(), None).to_numpy().tolist()
    out = table_output(headers, rows)
    if np.isnan(summary["profit"].iloc[-1]):  # the total's profit is blank only when no account has one
        out.append([profit_unknown_note(table.columns.get("profit"))] + [""] * (len(headers) - 1))
    issues = summarise_issues(table.issues)
    if len(issues):
        out.append([f"{len(issues)} data issue(s): see SEGMENT_ISSUES"] + [""] * (len(headers) - 1))
    return out


@xw.func(category="segmenter", call_in_wizard=False)
@xw.arg("accounts", "raw", doc=ACCOUNTS_DOC)
@xw.ret("raw")
@cell_errors
def segment_issues(accounts):
    """What was rejected, left out, noted or converted, rejected first: row in the range, column,
    value, action, reason. Each rejected cell has its own line; routine conversions of a column
    are one line with a count and an example."""
    table = accounts_from_range(accounts)
    issues = summarise_issues(table.issues)
    if not len(issues):
        return [["No data issues"]]
    rows = issues[["sheet_row", "column", "value", "action", "reason"]].astype(object).to_numpy().tolist()
    return table_output(["Range row", "Column", "Value", "Action", "Reason"], rows)
