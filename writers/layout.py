"""What the report looks like, described once as data, and where each block lands.

Both writers (writers/xlsx.py for files via openpyxl, writers/book.py for a live workbook via
xlwings) read :data:`SHEETS` and :func:`place_report`; neither decides a sheet name, a header,
a number format, a position or a colour on its own.

Each result sheet has a title in A1, a line saying where the data came from in A2, then its
blocks stacked downwards: a block title, a header row, the rows, a blank row. A sheet with one
block freezes its header row; a sheet with several freezes the title lines.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

# Number formats, in Excel's own syntax (openpyxl and xlwings take the same strings).
FORMATS = {
    "money": "#,##0",
    "int": "#,##0",
    "pct": "0.0%",
    "points": "0.0",
    "ratio": "0.000",
    "date": "yyyy-mm-dd",
    "text": "General",
    "amount": "#,##0.00",
}

# Header text and format of the columns the engine produces; others get a readable header and
# a format guessed from their name (see column_style).
COLUMN_STYLES: dict[str, tuple[str, str]] = {
    "rank": ("Rank", "int"),
    "account": ("Account", "text"),
    "tier": ("Tier", "text"),
    "revenue": ("Revenue", "money"),
    "profit": ("Profit", "money"),
    "margin_pct": ("Margin %", "pct"),
    "strategy": ("Strategy", "text"),
    "cltv": ("Retention CLTV", "money"),
    "nps": ("NPS score", "int"),
    "nps_flag": ("NPS flag", "text"),
    "industry": ("Industry", "text"),
    "size": ("Size", "text"),
    "region": ("Region", "text"),
    "cohort": ("Cohort (first-purchase year)", "text"),
    "first_purchase": ("First purchase", "date"),
    "note": ("Note", "text"),
    "sheet_row": ("Sheet row", "int"),
    "accounts": ("Accounts", "int"),
    "account_share": ("Share of accounts", "pct"),
    "revenue_share": ("Share of revenue", "pct"),
    "profit_share": ("Share of profit", "pct"),
    "avg_revenue": ("Average revenue", "money"),
    "avg_cltv": ("Average retention CLTV", "money"),
    "lowest_revenue": ("Lowest revenue", "money"),
    "highest_revenue": ("Highest revenue", "money"),
    "respondents": ("Respondents", "int"),
    "promoters": ("Promoters (9-10)", "int"),
    "passives": ("Passives (7-8)", "int"),
    "detractors": ("Detractors (0-6)", "int"),
    "promoter_share": ("% promoters", "pct"),
    "detractor_share": ("% detractors", "pct"),
    "margin_of_error": ("Margin of error (95 %, points)", "points"),
    "gap": ("Gap (points)", "points"),
    "column": ("Column", "text"),
    "value": ("Value", "text"),
    "action": ("Action", "text"),
    "reason": ("Reason", "text"),
    "measure": ("Measure", "text"),
    "unit": ("Unit", "text"),
    "revenue_band": ("Revenue band", "text"),
    "margin_band": ("Margin band", "text"),
    "group_a": ("Group A", "text"),
    "group_b": ("Group B", "text"),
    "nps_a": ("NPS of A", "points"),
    "nps_b": ("NPS of B", "points"),
    "significant": ("Gap beyond the margin of error", "text"),
    "high_group": ("Highest NPS", "text"),
    "low_group": ("Lowest NPS", "text"),
    "warning": ("Warning", "text"),
    "cost_to_serve": ("Cost to serve", "money"),
    "net_profit": ("Net profit (after cost to serve)", "money"),
    "net_margin_pct": ("Net margin %", "pct"),
    "channel": ("Channel", "text"),
    "period": ("Period", "text"),
    "tier_before": ("Tier before", "text"),
    "tier_now": ("Tier now", "text"),
    "from_tier": ("From tier", "text"),
    "revenue_change": ("Change in revenue", "money"),
    "revenue_change_pct": ("Change %", "pct"),
    "cagr": ("CAGR", "pct"),
    "share_of_growth": ("Share of growth", "pct"),
    "growth": ("Growth", "text"),
    "growth_note": ("Growth note", "text"),
    "growing": ("Growing", "int"),
    "stable": ("Stable", "int"),
    "declining": ("Declining", "int"),
    "new": ("New", "int"),
    "lost": ("Lost", "int"),
    "split": ("Split", "text"),
    "source": ("Source", "text"),
    "method": ("Method", "text"),
    "rule": ("Rule", "text"),
    "account_share_cum": ("Share of accounts (top first)", "pct"),
    "revenue_share_cum": ("Cumulative share of revenue", "pct"),
    # customers from transactions (core/customer_report.py); times are in weeks, the unit every Excel
    # path (ribbon, CLI, worksheet functions) runs the customer report in
    "last_purchase": ("Last purchase", "date"),
    "purchases": ("Purchases", "int"),
    "repeat_purchases": ("Repeat purchases", "int"),
    "frequency": ("Repeat purchase days (x)", "int"),
    "recency": ("Weeks first to last purchase (t_x)", "points"),
    "T": ("Weeks since first purchase (T)", "points"),
    "time_since_last": ("Weeks since last purchase", "points"),
    "total_spend": ("Total spend", "money"),
    "avg_spend": ("Average spend per purchase", "amount"),
    "avg_repeat_spend": ("Average repeat spend", "amount"),
    "total_profit": ("Total profit", "money"),
    "avg_margin_pct": ("Margin %", "pct"),
    "total_quantity": ("Quantity", "int"),
    "R": ("R score", "int"),
    "F": ("F score", "int"),
    "M": ("M score", "int"),
    "RFM": ("RFM", "text"),
    "segment": ("RFM segment", "text"),
    "customers": ("Customers", "int"),
    "customer_share": ("Share of customers", "pct"),
    "model_clv": ("Model CLV", "money"),
    "metric": ("Metric", "text"),
    "score": ("Score", "int"),
    "lower": ("Above", "amount"),
    "upper": ("Up to and including", "amount"),
    "probability_alive": ("P(alive)", "pct"),
    "expected_purchases": ("Expected purchases", "ratio"),
    "expected_avg_spend": ("Expected spend per purchase", "amount"),
    "expected_revenue": ("Expected revenue", "money"),
    "model": ("Model", "text"),
    "parameter": ("Parameter", "text"),
    "meaning": ("Meaning", "text"),
    "standard_error": ("Standard error", "ratio"),
    "historical_clv": ("Historical lifetime value", "money"),
    "model_note": ("Model note", "text"),
    "active_periods": ("Periods with purchases", "int"),
    "margin_per_period": ("Margin per period", "amount"),
    "expected_periods": ("Expected periods", "ratio"),
    # the Model check sheet (core/customers/validation.py)
    "status": ("Status", "text"),
    "log_likelihood": ("Log-likelihood (calibration)", "points"),
    "actual": ("Actual repeat purchases (holdout)", "int"),
    "predicted": ("Predicted repeat purchases (holdout)", "points"),
    "total_error_pct": ("Error in total", "pct"),
    "frequency_error_pct": ("Error by calibration purchases", "pct"),
    "tracking_error_pct": ("Cumulative error at the end", "pct"),
    "chosen": ("Best on holdout", "text"),
    "calibration_purchases": ("Repeat purchases in calibration", "text"),
    "actual_mean": ("Actual, mean per customer", "ratio"),
    "bgnbd_mean": ("BG/NBD", "ratio"),
    "mbgnbd_mean": ("MBG/NBD", "ratio"),
    "pareto_nbd_mean": ("Pareto/NBD", "ratio"),
    "period_end": ("Period end", "date"),
    "holdout": ("Holdout period", "text"),
    "actual_cumulative": ("Actual", "points"),
    "bgnbd_cumulative": ("BG/NBD", "points"),
    "mbgnbd_cumulative": ("MBG/NBD", "points"),
    "pareto_nbd_cumulative": ("Pareto/NBD", "points"),
    "topic": ("Topic", "text"),
}

# A value column whose format follows the row's unit (the concentration measures).
UNIT_FORMATS = {"share": "pct", "points": "int", "accounts": "int", "currency": "money", "ratio": "ratio"}

TIER_COLOURS = ("#C6EFCE", "#DDEBF7", "#FFEB9C", "#E7E6E6", "#F8CBAD", "#D9D2E9")
HEADER_COLOUR = "#1F4E78"
TITLE_PREFIX = "segmenter · "
# A sheet holding more rows than this gets filter buttons on its blocks instead of Excel tables: a
# table that size is slow to open and sort in Excel, and a file writer has to stream such a sheet.
TABLE_ROW_LIMIT = 200_000


@dataclass(frozen=True)
class Block:
    """One table on a sheet: the report table it shows and its title.

    ``columns`` picks and orders columns (None: all, in the table's order); ``unit_column``
    names a column whose per-row unit sets the number format of the ``value`` column.
    """

    table: str
    title: str
    columns: tuple[str, ...] | None = None
    unit_column: str | None = None
    tier_column: str | None = None
    sort_column: str | None = None  # rows shown in ascending order of this column (stable)


@dataclass(frozen=True)
class ChartSpec:
    """A line chart of one block: x from one column, y from others (empty: every other column).

    ``kind`` ``"scatter"``: x and y are shares from 0 to 1, both axes in % (the Pareto curve);
    ``"line"``: x holds categories (periods), y amounts, one line per y column with a legend.
    """

    table: str
    title: str
    x_column: str
    y_columns: tuple[str, ...]
    x_title: str
    y_title: str
    kind: str = "scatter"


@dataclass(frozen=True)
class SheetSpec:
    name: str
    blocks: tuple[Block, ...]
    chart: ChartSpec | None = None


SEGMENT_COLUMNS = (
    "rank", "account", "tier", "revenue", "profit", "margin_pct", "cost_to_serve", "net_profit", "net_margin_pct",
    "strategy", "cltv", "nps", "nps_flag", "industry", "size", "region", "channel", "first_purchase", "cohort",
    "note", "sheet_row",
)

SHEETS: tuple[SheetSpec, ...] = (
    SheetSpec("Segments", (Block("segments", "Accounts by tier, largest revenue first", tier_column="tier", sort_column="rank"),)),
    SheetSpec(
        "Tier summary",
        (
            Block("tier_summary", "Per tier", tier_column="tier"),
            Block("tier_rule", "How the tiers were made", tier_column="tier"),
            Block("by_industry", "Per industry"),
            Block("by_size", "Per size band"),
            Block("by_region", "Per region"),
            Block("by_cohort", "Per first-purchase year"),
            Block("by_channel", "Per channel"),
            Block("channel_warning", "Channel vs end user"),
        ),
    ),
    SheetSpec(
        "Concentration",
        (
            Block("concentration", "Revenue concentration", unit_column="unit"),
            Block("pareto_curve", "Pareto curve: share of revenue made by the top accounts"),
        ),
        chart=ChartSpec(
            "pareto_curve", "Pareto curve", "account_share", ("revenue_share",),
            "Share of accounts (largest first)", "Cumulative share of revenue",
        ),
    ),
    SheetSpec(
        "NPS",
        (
            Block("nps_by_tier", "NPS per tier", tier_column="tier"),
            Block("nps_gap_tier", "Gap between tiers"),
            Block("nps_by_size", "NPS per size band"),
            Block("nps_gap_size", "Gap between size bands"),
        ),
    ),
    SheetSpec(
        "Matrix",
        (
            Block("matrix", "Revenue x margin matrix"),
            Block("matrix_splits", "Splits used", unit_column="unit"),
            Block("accounts_to_watch", "Accounts to watch (NPS): at risk and innovation partners", tier_column="tier"),
        ),
    ),
    SheetSpec(
        "Growth",
        (
            Block("growth_by_tier", "Growth per tier (tier now), between the last two periods", tier_column="tier"),
            Block("revenue_by_period", "Revenue per period by tier now"),
            Block("tier_migration",
                  "Tier migration between the last two periods: accounts (rows: tier before, columns: tier now)",
                  tier_column="from_tier"),
            Block("tier_migration_revenue", "Tier migration: the same accounts' revenue in the later period",
                  tier_column="from_tier"),
            Block("fallen_from_a", "Accounts that fell from the top tier", tier_column="tier_now"),
            Block("growth_by_channel", "Growth per channel"),
        ),
        chart=ChartSpec("revenue_by_period", "Revenue per period by tier", "period", (), "Period", "Revenue", kind="line"),
    ),
    SheetSpec("Growth per account", (
        Block("growth", "Growth per account: change between the last two periods, CAGR over all", tier_column="tier",
              sort_column="rank"),
    )),
    SheetSpec("Data issues", (Block("data_issues", "Rejected cells and skipped rows first, with their sheet row; routine conversions one line per column"),)),
)


CUSTOMER_COLUMNS = (
    "account", "tier", "segment", "RFM", "R", "F", "M", "first_purchase", "last_purchase", "purchases",
    "repeat_purchases", "frequency", "recency", "T", "time_since_last", "total_spend", "avg_spend",
    "avg_repeat_spend", "total_profit", "avg_margin_pct", "total_quantity", "probability_alive",
    "expected_purchases", "expected_avg_spend", "model_clv", "historical_clv", "model_note", "sheet_row",
)

#: The sheets of a transaction list's report (core/customer_report.py); the account SHEETS follow them.
CUSTOMER_SHEETS: tuple[SheetSpec, ...] = (
    SheetSpec("Customers", (
        Block("customers", "One row per customer: purchases, RFM segment, tier and model lifetime value",
              columns=CUSTOMER_COLUMNS, tier_column="tier"),
    )),
    SheetSpec("RFM", (
        Block("rfm_segments", "RFM segments: customers, revenue and model CLV"),
        Block("rfm_thresholds", "Score thresholds used (quantiles; tied customers share a score)"),
    )),
    SheetSpec("Lifetime value", (
        Block("clv_parameters", "How the lifetime value was made: the purchase model and why, Gamma-Gamma spend, "
              "settings", unit_column="unit"),
        Block("lifetime_value", "Per customer, highest lifetime value first"),
    )),
    SheetSpec(
        "Model check",
        (
            Block("model_check", "Holdout check: each model fitted on the calibration period, its prediction of "
                  "the holdout period against what happened"),
            Block("model_check_notes", "What the check says, and what P(alive) means in each model"),
            Block("model_check_frequency", "Holdout repeat purchases per customer, by repeat purchases in the "
                  "calibration period (conditional expectations)",
                  columns=("calibration_purchases", "actual_mean", "bgnbd_mean", "mbgnbd_mean", "pareto_nbd_mean",
                           "customers")),
            # the chart's x and series first and side by side: the live-workbook writer charts one range
            Block("model_check_tracking", "Cumulative repeat purchases of the calibration customers, per period",
                  columns=("period", "actual_cumulative", "bgnbd_cumulative", "mbgnbd_cumulative",
                           "pareto_nbd_cumulative", "period_end", "holdout")),
        ),
        chart=ChartSpec("model_check_tracking", "Cumulative repeat purchases: actual and predicted", "period",
                        ("actual_cumulative", "bgnbd_cumulative", "mbgnbd_cumulative", "pareto_nbd_cumulative"),
                        "Period since the list's first day", "Repeat purchases", kind="line"),
    ),
)


@dataclass(frozen=True)
class PlacedBlock:
    """A block with its position (1-based sheet row/column of the header cell) and content."""

    block: Block
    title_row: int
    header_row: int
    first_col: int
    keys: list[str]  # the report table's column names, in sheet order
    headers: list[str]
    rows: list[list[object]]
    formats: list[str]  # one Excel number format per column
    row_formats: list[str] | None  # per-row format of the unit-driven value column
    unit_col: int | None  # 0-based column the row formats apply to
    tier_runs: list[tuple[int, int, int]]  # (first row, last row, colour index) of the tier column
    tier_col: int | None

    @property
    def last_row(self) -> int:
        return self.header_row + len(self.rows)

    @property
    def n_cols(self) -> int:
        return len(self.headers)

    def col(self, key: str) -> int:
        """0-based position of a report column in this block."""
        return self.keys.index(key)


@dataclass(frozen=True)
class PlacedSheet:
    spec: SheetSpec
    title: str
    subtitle: str
    blocks: list[PlacedBlock]
    freeze_row: int  # rows above this one stay in view

    @property
    def n_cols(self) -> int:
        return max((b.n_cols for b in self.blocks), default=1)

    def block(self, table: str) -> PlacedBlock | None:
        return next((b for b in self.blocks if b.block.table == table), None)


def column_style(name: str) -> tuple[str, str]:
    """(header, format kind) of a column: the known style, else one guessed from its name."""
    if name in COLUMN_STYLES:
        return COLUMN_STYLES[name]
    lowered = name.lower()
    header = name.replace("_", " ").strip()
    header = header[:1].upper() + header[1:]
    if lowered.endswith(("_share", "_pct")) or lowered.startswith("share"):
        return header, "pct"
    if any(word in lowered for word in ("revenue", "profit", "cltv", "spend")):
        return header, "money"
    if lowered.startswith("nps") or lowered.endswith(("gap", "_points")):
        return header, "points"
    return header, "general"


def frame_rows(frame: pd.DataFrame) -> list[list[object]]:
    """DataFrame rows as plain Python cell values: NaN/NaT/NA -> None, timestamps -> datetime."""
    columns = []
    for name in frame.columns:
        series = frame[name]
        if pd.api.types.is_bool_dtype(series):
            values = np.where(series.to_numpy(dtype=bool), "yes", "no").astype(object)
        elif pd.api.types.is_datetime64_any_dtype(series):
            values = np.array(series.dt.to_pydatetime(), dtype=object)
            values[series.isna().to_numpy()] = None
        elif pd.api.types.is_float_dtype(series):
            as_float = series.to_numpy(dtype=float)
            values = as_float.astype(object)
            values[~np.isfinite(as_float)] = None
        elif pd.api.types.is_integer_dtype(series) and not isinstance(series.dtype, pd.api.extensions.ExtensionDtype):
            values = series.to_numpy().astype(object)
        else:
            values = series.astype(object).to_numpy()
            values = np.where(pd.isna(values), None, values)
            if any(issubclass(kind, (np.generic, pd.Timestamp)) for kind in set(map(type, values))):
                values = np.array([_plain(v) for v in values], dtype=object)
        columns.append(values)
    if not columns:
        return []
    return np.column_stack(columns).tolist() if len(frame) else []


def _plain(value: object) -> object:
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return None if math.isnan(value) else float(value)
    if isinstance(value, (np.bool_,)):
        return bool(value)
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value


def _select_columns(frame: pd.DataFrame, block: Block) -> pd.DataFrame:
    if block.table == "segments":
        known = [c for c in SEGMENT_COLUMNS if c in frame.columns]
        extras = [c for c in frame.columns if c not in SEGMENT_COLUMNS]
        # input columns the engine does not know come right after the engine's columns
        return frame[known[:-2] + extras + known[-2:]]
    if block.columns:
        return frame[[c for c in block.columns if c in frame.columns]]
    return frame


def _unique_headers(styles: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Headers must be unique in an Excel table: an input column named like ours gets "(input)"."""
    seen: set[str] = set()
    out = []
    for header, kind in styles:
        candidate, n = header, 2
        while candidate.lower() in seen:
            candidate, n = f"{header} (input{'' if n == 2 else f' {n - 1}'})", n + 1
        seen.add(candidate.lower())
        out.append((candidate, kind))
    return out


def _tier_runs(values: list[object], labels: tuple[str, ...]) -> list[tuple[int, int, int]]:
    runs: list[tuple[int, int, int]] = []
    colour_of = {label: i for i, label in enumerate(labels)}
    start = 0
    for i in range(1, len(values) + 1):
        if i == len(values) or values[i] != values[start]:
            if values[start] in colour_of:
                runs.append((start, i - 1, colour_of[values[start]]))
            start = i
    return runs


def place_sheet(spec: SheetSpec, tables: dict[str, pd.DataFrame], *, source: str, labels: tuple[str, ...]) -> PlacedSheet | None:
    """Lay out one sheet; None when none of its tables is in the report (e.g. no NPS answers)."""
    placed: list[PlacedBlock] = []
    row = 4
    for block in spec.blocks:
        frame = tables.get(block.table)
        if frame is None:
            continue
        if block.sort_column:
            frame = frame.iloc[np.argsort(frame[block.sort_column].to_numpy(), kind="stable")]
        frame = _select_columns(frame, block)
        styles = _unique_headers([column_style(str(c)) for c in frame.columns])
        rows = frame_rows(frame)
        unit_col = row_formats = None
        if block.unit_column and block.unit_column in frame.columns:
            unit_col = list(frame.columns).index("value")
            row_formats = [FORMATS[UNIT_FORMATS.get(str(u), "text")] if UNIT_FORMATS.get(str(u)) else FORMATS["text"]
                           for u in frame[block.unit_column]]
        tier_col = list(frame.columns).index(block.tier_column) if block.tier_column in frame.columns else None
        runs = _tier_runs([r[tier_col] for r in rows], labels) if tier_col is not None else []
        placed.append(
            PlacedBlock(
                block=block, title_row=row, header_row=row + 1, first_col=1, keys=[str(c) for c in frame.columns],
                headers=[h for h, _ in styles], rows=rows,
                formats=[FORMATS.get(kind, "General") for _, kind in styles],
                row_formats=row_formats, unit_col=unit_col, tier_runs=runs, tier_col=tier_col,
            )
        )
        row = row + 1 + len(rows) + 2
    if not placed:
        return None
    freeze_row = placed[0].header_row + 1 if len(placed) == 1 else 3
    return PlacedSheet(spec=spec, title=TITLE_PREFIX + spec.name, subtitle=source, blocks=placed, freeze_row=freeze_row)


def place_report(tables: dict[str, pd.DataFrame], *, source: str, labels: tuple[str, ...], when: dt.datetime | None = None,
                 sheets: tuple[SheetSpec, ...] = SHEETS) -> list[PlacedSheet]:
    """Every result sheet of a report, placed; ``source`` says where the accounts came from.

    ``sheets`` picks the set: :data:`SHEETS` (an account report) or :data:`CUSTOMER_SHEETS`
    (the customer tables of a transaction list's report).
    """
    stamp = (when or dt.datetime.now()).strftime("%Y-%m-%d %H:%M")
    subtitle = f"From {source}, run {stamp}. Sheet written by segmenter: re-running replaces it."
    placed = [place_sheet(spec, tables, source=subtitle, labels=labels) for spec in sheets]
    return [s for s in placed if s is not None]


def chart_columns(block: PlacedBlock, spec: ChartSpec) -> tuple[int, list[int]]:
    """0-based block columns of the chart's x and of its y series (every other column when
    ``spec.y_columns`` is empty)."""
    x = block.col(spec.x_column)
    ys = [block.col(y) for y in spec.y_columns] if spec.y_columns else [j for j in range(block.n_cols) if j != x]
    return x, ys


def chart_anchor(sheet: PlacedSheet) -> tuple[int, int] | None:
    """(row, column), 1-based, of the chart's top-left cell: right of the widest block."""
    if sheet.spec.chart is None or sheet.block(sheet.spec.chart.table) is None:
        return None
    return sheet.block(sheet.spec.chart.table).title_row, sheet.n_cols + 2


def estimated_widths(sheet: PlacedSheet, sample: int = 2000) -> list[float]:
    """Column widths (characters) from the headers and the first rows, for writers without autofit."""
    widths = [8.0] * sheet.n_cols
    for block in sheet.blocks:
        for j, header in enumerate(block.headers):
            longest = max([len(str(header))] + [len(_shown(r[j])) for r in block.rows[:sample]])
            widths[j] = max(widths[j], min(60.0, longest + 2.0))
    return widths


def _shown(value: object) -> str:
    if isinstance(value, float):
        return f"{value:,.0f}" if abs(value) >= 1 else f"{value:.1%}"
    if isinstance(value, dt.datetime):
        return "2000-01-01"
    return "" if value is None else str(value)
