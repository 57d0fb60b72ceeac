"""What the report looks like, described once as data, and where each block lands.

Both writers (writers/xlsx.py for files, writers/book.py for a live workbook via
xlwings) read :data:`SHEETS` and :func:`place_report`; neither decides a sheet name, a header,
a number format, a position or a colour on its own.

Each result sheet has a title in A1, a line saying where the data came from in A2, then its
blocks stacked downwards: a block title, a header row, the rows, a blank row. A sheet with one
block freezes its header row; a sheet with several freezes the title lines.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np
import pandas as pd

from core.grid import no_cyclic_gc
from writers.print_setup import MIN_SCALE, PAGE_PX

# Number formats, in Excel's own syntax (openpyxl and xlwings take the same strings). "_)" leaves
# the width of a ")" after each figure, so a right-aligned number never touches the text of the
# column to its right ("41,670currency").
FORMATS = {
    "money": "#,##0_)",
    "int": "#,##0_)",
    "pct": "0.0%_)",
    "points": "0.0_)",
    "ratio": "0.000_)",
    "date": "yyyy-mm-dd_)",
    "text": "General",
    "amount": "#,##0.00_)",
    "year": "0_)",
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
    "cohort": ("Cohort (first-purchase year)", "year"),
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
    "margin_of_error": ("+/- points (95 %)", "points"),
    "gap": ("Gap (points)", "int"),
    "column": ("Column", "text"),
    "value": ("Value", "text"),
    "action": ("Action", "text"),
    "reason": ("Reason", "text"),
    "measure": ("Measure", "text"),
    "unit": ("Unit", "text"),
    "revenue_band": ("Revenue band", "text"),
    "margin_band": ("Margin band", "text"),
    "group_a": ("Lowest NPS", "text"),
    "group_b": ("Highest NPS", "text"),
    "nps_a": ("NPS of the lowest", "int"),
    "nps_b": ("NPS of the highest", "int"),
    "significant": ("Beyond the +/-", "text"),
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
    "listed": ("Listed on this sheet (largest revenue)", "int"),
    "not_listed": ("Not listed here: see the sheet Accounts to watch", "int"),
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
    # the Overview and the tables its charts draw (core/overview.py)
    "finding": ("Finding", "text"),
    "sheet": ("Detail on sheet", "text"),
    "step": ("Step", "text"),
    "group": ("Group", "text"),
    "revenue_split_line": ("Revenue split", "pct"),
    "margin_split_line": ("Margin split", "pct"),
    "Protect": ("Protect", "pct"),
    "Fix margin": ("Fix margin", "pct"),
    "Grow": ("Grow", "pct"),
    "Migrate": ("Migrate", "pct"),
    "whale_curve": ("Cumulative share of profit", "pct"),
    "whale_peak": ("Peak", "pct"),
    "full_profit": ("100 % of profit", "pct"),
    "base": ("Base (not drawn)", "money"),
    "increase": ("Increase", "money"),
    "decrease": ("Decrease", "money"),
    "total": ("Period total", "money"),
    # the models' 80 % ranges (core/customers/intervals.py, core/customers/outlook.py)
    "p10": ("P10 (80 % range from)", "money"),
    "p90": ("P90 (80 % range to)", "money"),
    "grouping": ("Grouping", "text"),
    "expected_purchases_p10": ("Expected purchases, P10", "ratio"),
    "expected_purchases_p50": ("Expected purchases, P50", "ratio"),
    "expected_purchases_p90": ("Expected purchases, P90", "ratio"),
    "model_clv_p10": ("Model CLV, P10", "money"),
    "model_clv_p50": ("Model CLV, P50", "money"),
    "model_clv_p90": ("Model CLV, P90", "money"),
    "predicted_p10": ("Predicted, P10 (80 % range)", "points"),
    "predicted_p90": ("Predicted, P90 (80 % range)", "points"),
}
# the Retention sheet of a contract list (core/customers/contracts.py)
COLUMN_STYLES.update(
    {
        "actual_share": ("Still active, actual (share of starters)", "pct"),
        "fitted_share": ("Still active, sBG fit and projection", "pct"),
        "projected": ("Projected (beyond the data)", "text"),
        "start": ("Start", "date"),
        "end": ("End", "date"),
        "active": ("Active", "text"),
        "renewals": ("Years renewed", "int"),
        "start_year": ("Cohort: start year", "text"),
        "derl": ("DERL: expected years of payments still to come, discounted", "ratio"),
    }
)
# the cohort triangles (core/customers/cohorts.py): one column per period since the first purchase
COLUMN_STYLES["started"] = ("Cohort: first purchase in", "text")
COLUMN_STYLES.update(
    {
        f"{name}_{k}": (f"+{k}", kind)
        for k in range(61)
        for name, kind in (("period", "pct"), ("revenue", "money"), ("retention", "pct"))
    }
)

# A value column whose format follows the row's unit (the concentration measures).
UNIT_FORMATS = {"share": "pct", "points": "int", "accounts": "int", "currency": "money", "ratio": "ratio"}

# Colours of chart series that mean something (the rest take the chart's palette).
SERIES_COLOURS = {
    "Protect": "#2E7D32",
    "Fix margin": "#C62828",
    "Grow": "#1565C0",
    "Migrate": "#9E9E9E",
    "revenue_split_line": "#595959",
    "margin_split_line": "#595959",
    "full_profit": "#7F7F7F",
    "whale_curve": "#1F4E78",
    "whale_peak": "#C62828",
    "increase": "#70AD47",
    "decrease": "#C00000",
    "total": "#1F4E78",
    "revenue_share": "#1F4E78",
    "profit_share": "#70AD47",
    "nps": "#1F4E78",
    "customers": "#1F4E78",
}
# Colour used for meaning: data bars on revenue, red for a negative margin.
DATA_BAR_COLOUR = "#8EB4E3"
NEGATIVE_COLOUR = "#C00000"
NEGATIVE_RED_COLUMNS = ("margin_pct", "net_margin_pct")
# A row whose first cell says this is a total row (bold).
TOTAL_LABELS = ("Total", "change")
TIER_COLOURS = ("#C6EFCE", "#DDEBF7", "#FFEB9C", "#E7E6E6", "#F8CBAD", "#D9D2E9")
HEADER_COLOUR = "#1F4E78"
TITLE_PREFIX = "segmenter · "
# A sheet holding more rows than this gets filter buttons on its blocks instead of Excel tables: a
# table that size is slow to open and sort in Excel, and a file writer has to stream such a sheet.
TABLE_ROW_LIMIT = 200_000
EXCEL_ROWS = 1_048_576  # rows on an Excel sheet
EXCEL_CELL_CHARS = 32_767  # the most characters a cell holds
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # not allowed in XML 1.0 text, nor shown by Excel


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
    excel_table: bool = True  # an Excel table (filter buttons); chart data is not: a filter would hide points
    data_bar_column: str | None = None  # a column drawn with data bars (revenue on Segments)
    overflow_column: str | None = None  # long text that runs on into the empty cells to its right


@dataclass(frozen=True)
class ChartSpec:
    """A native chart of one block: x from one column, a series per y column (empty: every other).

    ``kind``:

    - ``"scatter"``: x and y are shares from 0 to 1, both axes in %, lines (the Pareto curve);
    - ``"line"``: x holds categories (periods), y amounts, one line per y column with a legend;
    - ``"columns"``: clustered columns over the x categories; ``"bars"``: the same, horizontal;
    - ``"stacked"``: stacked columns (a waterfall: the series styled ``"hidden"`` is not drawn);
    - ``"xy"``: x and y numbers, each series drawn as its ``styles`` entry says: ``"markers"``
      (points only), ``"line"`` (a line through its points), ``"marker"`` (one large point).

    ``styles`` (one per y column; empty: the kind's default), ``x_format``/``y_format`` (axis
    number formats, keys of :data:`FORMATS`), ``log_x`` (a logarithmic x axis, for revenue),
    ``legend`` (shown on the right). The title comes from the report's ``chart_titles`` table
    when it has one for ``table`` (a title with the figures), else ``title``.
    """

    table: str
    title: str
    x_column: str
    y_columns: tuple[str, ...]
    x_title: str
    y_title: str
    kind: str = "scatter"
    styles: tuple[str, ...] = ()
    x_format: str | None = None
    y_format: str | None = None
    log_x: bool = False
    legend: bool = True


@dataclass(frozen=True)
class SheetSpec:
    """A result sheet: its blocks, a chart beside one of them, and charts in a grid below them
    (``charts``, whose tables may be on another sheet: the Overview's on Chart data)."""

    name: str
    blocks: tuple[Block, ...]
    chart: ChartSpec | None = None
    charts: tuple[ChartSpec, ...] = ()
    one_page: bool = False  # printed portrait (the Overview), else landscape (writers.print_setup)


SEGMENT_COLUMNS = (
    "rank",
    "account",
    "tier",
    "revenue",
    "profit",
    "margin_pct",
    "cost_to_serve",
    "net_profit",
    "net_margin_pct",
    "strategy",
    "cltv",
    "nps",
    "nps_flag",
    "industry",
    "size",
    "region",
    "channel",
    "first_purchase",
    "cohort",
    "note",
    "sheet_row",
)

#: The Overview's charts, in the order of its grid; their tables are on the Chart data sheet.
OVERVIEW_CHARTS: tuple[ChartSpec, ...] = (
    ChartSpec(
        "chart_tier_share",
        "Share of revenue and profit per tier",
        "tier",
        (),
        "Tier",
        "Share",
        kind="columns",
        y_format="pct",
    ),
    ChartSpec(
        "chart_whale",
        "Whale curve of profit",
        "account_share",
        ("whale_curve", "whale_peak", "full_profit"),
        "Share of accounts, most profitable first",
        "Cumulative share of total profit",
        kind="xy",
        styles=("line", "marker", "line"),
        x_format="pct",
        y_format="pct",
    ),
    ChartSpec(
        "chart_matrix",
        "Revenue x margin",
        "revenue",
        ("Protect", "Fix margin", "Grow", "Migrate", "revenue_split_line", "margin_split_line"),
        "Revenue (log scale)",
        "Margin %",
        kind="xy",
        styles=("markers",) * 4 + ("line", "line"),
        x_format="money",
        y_format="pct",
        log_x=True,
    ),
    ChartSpec(
        "chart_nps_size",
        "NPS per size band",
        "group",
        ("nps",),
        "Size band (respondents)",
        "NPS (points)",
        kind="columns",
        y_format="int",
        legend=False,
    ),
    ChartSpec(
        "chart_nps_tier",
        "NPS per tier",
        "group",
        ("nps",),
        "Tier (respondents)",
        "NPS (points)",
        kind="columns",
        y_format="int",
        legend=False,
    ),
    ChartSpec(
        "chart_bridge",
        "Revenue bridge",
        "step",
        ("base", "increase", "decrease", "total"),
        "",
        "Revenue",
        kind="stacked",
        styles=("hidden", "increase", "decrease", "total"),
        y_format="money",
        legend=False,
    ),
    ChartSpec(
        "chart_rfm",
        "Customers per RFM segment",
        "segment",
        ("customers",),
        "",
        "Customers",
        kind="bars",
        y_format="int",
        legend=False,
    ),
)

OVERVIEW = SheetSpec(
    "Overview",
    (
        Block(
            "findings",
            "What the data shows (the sheet named first holds the detail)",
            columns=("sheet", "finding"),
            excel_table=False,
            overflow_column="finding",
        ),
        Block(
            "key_figures", "Key figures", columns=("measure", "value", "sheet"), unit_column="unit", excel_table=False
        ),
    ),
    charts=OVERVIEW_CHARTS,
    one_page=True,
)

CHART_DATA = SheetSpec(
    "Chart data",
    tuple(
        Block(chart.table, f"For the Overview's chart: {chart.title}", excel_table=False) for chart in OVERVIEW_CHARTS
    ),
)

GAP_COLUMNS = ("group_a", "group_b", "nps_a", "nps_b", "gap", "margin_of_error", "significant", "warning")

# Columns of the Segments sheet that only show when the input had them (not an empty NPS column).
OPTIONAL_SEGMENT_COLUMNS = (
    "nps",
    "nps_flag",
    "industry",
    "size",
    "region",
    "channel",
    "first_purchase",
    "cohort",
    "cost_to_serve",
)

SHEETS: tuple[SheetSpec, ...] = (
    OVERVIEW,
    SheetSpec(
        "Segments",
        (
            Block(
                "segments",
                "Accounts by tier, largest revenue first",
                tier_column="tier",
                sort_column="rank",
                data_bar_column="revenue",
            ),
        ),
    ),
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
            Block(
                "whale",
                "Whale curve of profit: accounts ranked from the most to the least profitable",
                unit_column="unit",
            ),
        ),
    ),
    SheetSpec(
        "Concentration",
        (
            Block("concentration", "Revenue concentration", unit_column="unit"),
            Block("pareto_curve", "Pareto curve: share of revenue made by the top accounts"),
        ),
        chart=ChartSpec(
            "pareto_curve",
            "Pareto curve",
            "account_share",
            ("revenue_share",),
            "Share of accounts (largest first)",
            "Cumulative share of revenue",
        ),
    ),
    SheetSpec(
        "NPS",
        (
            Block("nps_by_tier", "NPS per tier", tier_column="tier"),
            Block("nps_gap_tier", "Gap between tiers: the highest NPS minus the lowest", columns=GAP_COLUMNS),
            Block("nps_by_size", "NPS per size band"),
            Block("nps_gap_size", "Gap between size bands: the highest NPS minus the lowest", columns=GAP_COLUMNS),
        ),
    ),
    SheetSpec(
        "Matrix",
        (
            Block("matrix", "Revenue x margin matrix"),
            Block("matrix_splits", "Splits used", unit_column="unit"),
            Block("accounts_to_watch_counts", "Accounts to watch (NPS): how many, and how many are listed below"),
            Block("accounts_to_watch", "Accounts to watch (NPS): at risk and innovation partners", tier_column="tier"),
        ),
    ),
    # only when a flag has more accounts than the Matrix sheet lists (core.report.WATCH_LISTED)
    SheetSpec(
        "Accounts to watch",
        (
            Block(
                "all_accounts_to_watch",
                "Every account to watch (NPS): at risk first, then innovation partners, largest revenue first",
                tier_column="tier",
            ),
        ),
    ),
    SheetSpec(
        "Growth",
        (
            Block("growth_by_tier", "Growth per tier (tier now), between the last two periods", tier_column="tier"),
            Block("revenue_by_period", "Revenue per period by tier now"),
            Block(
                "tier_migration",
                "Tier migration between the last two periods: accounts (rows: tier before, columns: tier now)",
                tier_column="from_tier",
            ),
            Block(
                "tier_migration_revenue",
                "Tier migration: the same accounts' revenue in the later period",
                tier_column="from_tier",
            ),
            Block("revenue_bridge", "Revenue bridge between the last two periods: the change per kind of account"),
            Block("fallen_from_a", "Accounts that fell from the top tier", tier_column="tier_now"),
            Block("growth_by_channel", "Growth per channel"),
        ),
        chart=ChartSpec(
            "revenue_by_period", "Revenue per period by tier", "period", (), "Period", "Revenue", kind="line"
        ),
    ),
    SheetSpec(
        "Growth per account",
        (
            Block(
                "growth",
                "Growth per account: change between the last two periods, CAGR over all",
                tier_column="tier",
                sort_column="rank",
            ),
        ),
    ),
    SheetSpec(
        "Data issues",
        (
            Block(
                "reading",
                "What was read as what (choose otherwise with --column or the Settings sheet)",
                excel_table=False,
                overflow_column="line",
            ),
            Block(
                "data_issues",
                "Rejected cells and skipped rows first, with their sheet row; routine conversions one line per column",
            ),
        ),
    ),
    CHART_DATA,
)


CUSTOMER_COLUMNS = (
    "account",
    "tier",
    "segment",
    "RFM",
    "R",
    "F",
    "M",
    "first_purchase",
    "last_purchase",
    "purchases",
    "repeat_purchases",
    "frequency",
    "recency",
    "T",
    "time_since_last",
    "total_spend",
    "avg_spend",
    "avg_repeat_spend",
    "total_profit",
    "avg_margin_pct",
    "total_quantity",
    "probability_alive",
    "expected_purchases",
    "expected_avg_spend",
    "model_clv",
    "historical_clv",
    "model_note",
    "sheet_row",
)

#: The sheets of a transaction list's report (core/customer_report.py); the account SHEETS follow them.
CUSTOMER_SHEETS: tuple[SheetSpec, ...] = (
    SheetSpec(
        "Customers",
        (
            Block(
                "customers",
                "One row per customer: purchases, RFM segment, tier and model lifetime value",
                columns=CUSTOMER_COLUMNS,
                tier_column="tier",
            ),
        ),
    ),
    SheetSpec(
        "RFM",
        (
            Block("rfm_segments", "RFM segments: customers, revenue and model CLV"),
            Block("rfm_thresholds", "Score thresholds used (quantiles; tied customers share a score)"),
        ),
    ),
    SheetSpec(
        "Lifetime value",
        (
            Block(
                "model_figures",
                "What the models expect: P10 to P90 is the 80 % range from the fitted parameters' "
                "uncertainty (method in the table below)",
                unit_column="unit",
            ),
            Block(
                "clv_ranges",
                "Per tier and RFM segment: the ranges are of each group's total, not sums of its customers' ranges",
            ),
            Block(
                "clv_parameters",
                "How the lifetime value was made: the purchase model and why, Gamma-Gamma spend, settings",
                unit_column="unit",
            ),
            Block("lifetime_value", "Per customer, highest lifetime value first"),
        ),
    ),
    SheetSpec(
        "Model check",
        (
            Block(
                "model_check",
                "Holdout check: each model fitted on the calibration period, its prediction of "
                "the holdout period against what happened",
            ),
            Block("model_check_notes", "What the check says, and what P(alive) means in each model"),
            Block(
                "model_check_frequency",
                "Holdout repeat purchases per customer, by repeat purchases in the "
                "calibration period (conditional expectations)",
                columns=(
                    "calibration_purchases",
                    "actual_mean",
                    "bgnbd_mean",
                    "mbgnbd_mean",
                    "pareto_nbd_mean",
                    "customers",
                ),
            ),
            # the chart's x and series first and side by side: the live-workbook writer charts one range
            Block(
                "model_check_tracking",
                "Cumulative repeat purchases of the calibration customers, per period",
                columns=(
                    "period",
                    "actual_cumulative",
                    "bgnbd_cumulative",
                    "mbgnbd_cumulative",
                    "pareto_nbd_cumulative",
                    "period_end",
                    "holdout",
                ),
            ),
        ),
        chart=ChartSpec(
            "model_check_tracking",
            "Cumulative repeat purchases: actual and predicted",
            "period",
            ("actual_cumulative", "bgnbd_cumulative", "mbgnbd_cumulative", "pareto_nbd_cumulative"),
            "Period since the list's first day",
            "Repeat purchases",
            kind="line",
        ),
    ),
    SheetSpec(
        "Cohorts",
        (
            Block(
                "cohort_customers",
                "Share of each cohort (customers by first-purchase month, or quarter for lists "
                "over two years) buying in each period since: +0 is the first purchase's period; "
                "blank: not reached yet, "
                "the last period may be partly observed",
            ),
            Block("cohort_revenue", "Net revenue of each cohort per period since its first purchase (returns netted)"),
            Block(
                "cohort_revenue_retention",
                "Revenue retention: each period's revenue as a share of the cohort's "
                "first-period revenue (above 100 %: the customers who stay spend more)",
            ),
        ),
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
    frame: pd.DataFrame  # the cells, one column per key, rows in sheet order (see :meth:`rows`)
    formats: list[str]  # one Excel number format per column
    row_formats: list[str] | None  # per-row format of the unit-driven value column
    unit_col: int | None  # 0-based column the row formats apply to
    tier_runs: list[tuple[int, int, int]]  # (first row, last row, colour index) of the tier column
    tier_col: int | None
    total_rows: list[int] = field(default_factory=list)  # 0-based rows that are totals (shown bold)
    data_bar_col: int | None = None  # 0-based column drawn with data bars
    negative_cols: list[int] = field(default_factory=list)  # 0-based margin columns: red below zero

    @property
    def right_aligned(self) -> list[int]:
        """0-based columns of numbers and dates: their headers sit right, over the figures."""
        return [j for j, fmt in enumerate(self.formats) if fmt != "General" or j == self.unit_col]

    @cached_property
    def rows(self) -> list[list[object]]:
        """The cells as rows of plain Python values (:func:`frame_rows`), made on first use: a file
        writer takes :attr:`frame` column by column and never needs them."""
        return frame_rows(self.frame)

    @property
    def n_rows(self) -> int:
        return len(self.frame)

    def head(self, n: int) -> list[list[object]]:
        """The first ``n`` rows as :attr:`rows` gives them."""
        return frame_rows(self.frame.iloc[:n])

    @property
    def last_row(self) -> int:
        return self.header_row + self.n_rows

    @property
    def n_cols(self) -> int:
        return len(self.headers)

    def col(self, key: str) -> int:
        """0-based position of a report column in this block."""
        return self.keys.index(key)


@dataclass(frozen=True)
class SeriesRef:
    """One series of a placed chart: its name and the cells of its values (1-based, inclusive)."""

    name: str
    column: int
    first_row: int
    last_row: int
    style: str
    colour: str | None = None  # from SERIES_COLOURS; None: the chart's own palette


def column_letters(column: int) -> str:
    """Excel's letters of a 1-based column.

    Examples
    --------
    >>> column_letters(1), column_letters(26), column_letters(28)
    ('A', 'Z', 'AB')
    """
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass(frozen=True)
class PlacedChart:
    """A chart with its position on the sheet it is drawn on and the cells it reads.

    ``data_sheet`` holds the data: x (or category) values in column ``x_column`` from
    ``first_row`` to ``last_row``, the header (series names) in ``header_row``; ``series``
    read the same rows of their own columns. ``anchor`` is the (row, column) of the top-left
    cell; the size is in centimetres.
    """

    spec: ChartSpec
    title: str
    data_sheet: str
    header_row: int
    first_row: int
    last_row: int
    x_column: int
    series: tuple[SeriesRef, ...]
    anchor: tuple[int, int]
    width_cm: float
    height_cm: float

    @property
    def first_column(self) -> int:
        return min([self.x_column] + [s.column for s in self.series])

    @property
    def last_column(self) -> int:
        return max([self.x_column] + [s.column for s in self.series])

    def reference(self, column: int, *, header: bool = False) -> str:
        """An absolute reference to one column's cells on the data sheet, e.g. 'Chart data'!$B$6:$B$9."""
        letter = column_letters(column)
        first = self.header_row if header else self.first_row
        sheet = "'" + self.data_sheet.replace("'", "''") + "'"
        return f"{sheet}!${letter}${first}:${letter}${self.last_row}"


@dataclass(frozen=True)
class PlacedSheet:
    spec: SheetSpec
    title: str
    subtitle: str
    blocks: list[PlacedBlock]
    freeze_row: int  # rows above this one stay in view
    print_title_row: int | None  # the header row printed on top of every page (a sheet of one long block)
    charts: list[PlacedChart] = field(default_factory=list)  # filled by place_report, which sees every sheet

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
    """DataFrame rows as plain Python cell values: NaN/NaT/NA -> None, timestamps -> datetime.

    Built column by column (one conversion per column, no per-cell Python work on numeric columns)
    and zipped into rows: a million rows of twenty columns take about a second.
    """
    if not len(frame.columns) or not len(frame):
        return []
    columns = [_column_cells(frame[name]) for name in frame.columns]
    with no_cyclic_gc():
        return [list(row) for row in zip(*columns)]


def _column_cells(series: pd.Series) -> list[object]:
    if pd.api.types.is_bool_dtype(series):
        return np.where(series.to_numpy(dtype=bool), "yes", "no").tolist()
    if pd.api.types.is_datetime64_any_dtype(series):
        values = np.array(series.dt.to_pydatetime(), dtype=object)
        values[series.isna().to_numpy()] = None
        return values.tolist()
    if isinstance(series.dtype, pd.CategoricalDtype):
        labels = _readable(np.array([_plain(c) for c in series.cat.categories] + [None], dtype=object))
        return labels[series.cat.codes.to_numpy()].tolist()  # code -1 (missing) takes the last: None
    if pd.api.types.is_float_dtype(series):
        as_float = series.to_numpy(dtype=float)
        cells = as_float.tolist()
        for i in np.flatnonzero(~np.isfinite(as_float)).tolist():
            cells[i] = None
        return cells
    if pd.api.types.is_integer_dtype(series) and not isinstance(series.dtype, pd.api.extensions.ExtensionDtype):
        return series.to_numpy().tolist()
    values = series.astype(object).to_numpy()
    values = np.where(pd.isna(values), None, values)
    if any(issubclass(kind, (np.generic, pd.Timestamp)) for kind in set(map(type, values))):
        values = np.array([_plain(v) for v in values], dtype=object)
    return _readable(values).tolist()


def frame_arrow(frame: pd.DataFrame):
    """The cells of :func:`frame_rows`, column by column, as a ``pyarrow.Table`` (columns named
    "0", "1", ... by position); None when a column mixes kinds of cell (numbers and text), which
    only rows hold.

    A writer that takes Arrow arrays reads them in native code, with no Python object per cell:
    numbers are float64 or int64, text is made readable as :func:`frame_rows` makes it, yes/no
    columns are text, dates are ``timestamp[ns]``; a missing cell (None in :func:`frame_rows`:
    NaN, inf, NaT, NA) is null. pyarrow is imported here only: the live-workbook path and a
    Pyodide build never call this.

    >>> frame = pd.DataFrame({"n": [1.5, float("inf")], "t": ["bell\\x07", None], "b": [True, False]})
    >>> frame_arrow(frame).to_pylist() == [dict(zip("012", r)) for r in frame_rows(frame)]
    True
    >>> frame_arrow(pd.DataFrame({"mixed": [1.0, "a"]})) is None
    True
    """
    import pyarrow as pa

    columns = [_arrow_column(frame.iloc[:, j]) for j in range(frame.shape[1])]
    if any(column is None for column in columns):
        return None
    return pa.table(columns, names=[str(j) for j in range(len(columns))])


def _arrow_column(series: pd.Series):
    """One column of :func:`frame_arrow`, or None when its cells are of mixed kinds."""
    import pyarrow as pa

    if pd.api.types.is_bool_dtype(series):
        return pa.array(np.where(series.to_numpy(dtype=bool), "yes", "no"), pa.string())
    if pd.api.types.is_datetime64_any_dtype(series):
        if getattr(series.dtype, "tz", None) is not None:
            return None
        return pa.array(series.to_numpy(dtype="datetime64[ns]"), pa.timestamp("ns"), mask=series.isna().to_numpy())
    if isinstance(series.dtype, pd.CategoricalDtype):
        labels = _typed_arrow(_readable(np.array([_plain(c) for c in series.cat.categories], dtype=object)))
        if labels is None:
            return None
        codes = series.cat.codes.to_numpy()
        return labels.take(pa.array(codes, mask=codes < 0))
    if pd.api.types.is_float_dtype(series):
        values = series.to_numpy(dtype=float)
        return pa.array(values, pa.float64(), mask=~np.isfinite(values))
    if pd.api.types.is_integer_dtype(series) and not isinstance(series.dtype, pd.api.extensions.ExtensionDtype):
        return pa.array(series.to_numpy(), pa.int64())
    try:  # text and missing cells only, the usual text column: converted in one step
        return _readable_arrow(pa.array(series.to_numpy(dtype=object), pa.string(), from_pandas=True))
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        values = series.astype(object).to_numpy()
        return _typed_arrow(np.where(pd.isna(values), None, values))


def _typed_arrow(values: np.ndarray):
    """An object array of cells (None for missing) as one Arrow array: text (made readable),
    numbers (float64), or all missing; None when it mixes kinds or holds other values."""
    import pyarrow as pa

    kind = pd.api.types.infer_dtype(values, skipna=True)
    if kind == "empty":
        return pa.nulls(len(values), pa.string())
    if kind in ("integer", "floating", "mixed-integer-float", "decimal"):
        numbers = pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").to_numpy(dtype=float)
        return pa.array(numbers, pa.float64(), mask=~np.isfinite(numbers))
    if kind != "string":
        return None
    return _readable_arrow(pa.array(values, pa.string()))


def _readable_arrow(text):
    """:func:`_readable` of an Arrow text array, in Arrow's own string functions."""
    import pyarrow.compute as pc

    if pc.any(pc.match_substring_regex(text, CONTROL_CHARACTERS.pattern)).as_py():
        text = pc.replace_substring_regex(text, CONTROL_CHARACTERS.pattern, "\ufffd")
    if pc.any(pc.greater(pc.utf8_length(text), EXCEL_CELL_CHARS)).as_py():
        text = pc.utf8_slice_codeunits(text, 0, EXCEL_CELL_CHARS)
    return text


def readable_text(text: str) -> str:
    """One text as a cell can hold it: control characters become U+FFFD, cut at :data:`EXCEL_CELL_CHARS`.

    >>> readable_text("bell\x07"), len(readable_text("a" * 40_000))
    ('bell\ufffd', 32767)
    """
    return CONTROL_CHARACTERS.sub("\ufffd", text)[:EXCEL_CELL_CHARS]


def _readable(values: np.ndarray) -> np.ndarray:
    """Text as a cell can hold it: control characters become U+FFFD, text is cut at
    :data:`EXCEL_CELL_CHARS`; other values pass unchanged. Only the cells that need it are touched.

    >>> _readable(np.array(["bell\x07", "ok", 3.0, None], dtype=object)).tolist()
    ['bell\ufffd', 'ok', 3.0, None]
    >>> _readable(np.array([2024, 2025, None], dtype=object)).tolist()
    [2024, 2025, None]
    """
    if pd.api.types.infer_dtype(values, skipna=True) not in ("string", "mixed", "mixed-integer"):
        return values  # no text at all (e.g. whole years as categories): nothing to clean
    text = pd.Series(values, dtype=object)
    odd = (
        text.str.contains(CONTROL_CHARACTERS.pattern, regex=True, na=False) | text.str.len().gt(EXCEL_CELL_CHARS)
    ).to_numpy(dtype=bool)
    if odd.any():
        values = values.copy()
        for i in np.flatnonzero(odd).tolist():
            values[i] = CONTROL_CHARACTERS.sub("\ufffd", values[i])[:EXCEL_CELL_CHARS]
    return values


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
        absent = [c for c in OPTIONAL_SEGMENT_COLUMNS if c in frame.columns and not _filled(frame[c])]
        frame = frame.drop(columns=absent)
        known = [c for c in SEGMENT_COLUMNS if c in frame.columns]
        extras = [c for c in frame.columns if c not in SEGMENT_COLUMNS]
        # input columns the engine does not know come right after the engine's columns
        return frame[known[:-2] + extras + known[-2:]]
    if block.columns:
        return frame[[c for c in block.columns if c in frame.columns]]
    return frame


def _filled(column: pd.Series) -> bool:
    """Whether any cell of the column holds something (not missing, not blank text)."""
    if pd.api.types.is_numeric_dtype(column) or pd.api.types.is_datetime64_any_dtype(column):
        return bool(column.notna().any())
    # a filled column nearly always shows it in its first cells: the rest is read only when those are blank
    return any(_holds_text(part) for part in (column.iloc[:1000], column.iloc[1000:]))


def _holds_text(cells: pd.Series) -> bool:
    values = cells.dropna()
    return bool((values.astype(str).str.strip() != "").any())


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


def _total_rows(frame: pd.DataFrame) -> list[int]:
    """0-based rows whose first cell is one of :data:`TOTAL_LABELS` (shown bold)."""
    if not frame.shape[1]:
        return []
    return np.flatnonzero(frame.iloc[:, 0].isin(TOTAL_LABELS).to_numpy(dtype=bool)).tolist()


def _tier_runs(values: pd.Series, labels: tuple[str, ...]) -> list[tuple[int, int, int]]:
    """(first row, last row, colour index) of each run of one tier label; rows of other values get none."""
    if not len(values):
        return []
    colours = pd.Index(list(labels), dtype=object).get_indexer(values.to_numpy(dtype=object))  # -1: no tier label
    starts = np.flatnonzero(np.r_[True, colours[1:] != colours[:-1]])
    ends = np.r_[starts[1:] - 1, len(colours) - 1]
    return [(int(a), int(b), int(colours[a])) for a, b in zip(starts, ends) if colours[a] >= 0]


def place_sheet(
    spec: SheetSpec, tables: dict[str, pd.DataFrame], *, source: str, labels: tuple[str, ...]
) -> PlacedSheet | None:
    """Lay out one sheet; None when none of its tables is in the report (e.g. no NPS answers)."""
    placed: list[PlacedBlock] = []
    row = 4
    for block in spec.blocks:
        frame = tables.get(block.table)
        if frame is None:
            continue
        if block.sort_column:
            frame = frame.iloc[np.argsort(frame[block.sort_column].to_numpy(), kind="stable")]
        units = frame[block.unit_column] if block.unit_column and block.unit_column in frame.columns else None
        frame = _select_columns(frame, block)
        styles = _unique_headers([column_style(str(c)) for c in frame.columns])
        unit_col = row_formats = None
        if units is not None:
            unit_col = list(frame.columns).index("value")
            row_formats = [
                FORMATS[UNIT_FORMATS.get(str(u), "text")] if UNIT_FORMATS.get(str(u)) else FORMATS["text"]
                for u in units
            ]
        tier_col = list(frame.columns).index(block.tier_column) if block.tier_column in frame.columns else None
        runs = _tier_runs(frame[block.tier_column], labels) if tier_col is not None else []
        keys = [str(c) for c in frame.columns]
        placed.append(
            PlacedBlock(
                block=block,
                title_row=row,
                header_row=row + 1,
                first_col=1,
                keys=keys,
                headers=[h for h, _ in styles],
                frame=frame.reset_index(drop=True),
                formats=[FORMATS.get(kind, "General") for _, kind in styles],
                row_formats=row_formats,
                unit_col=unit_col,
                tier_runs=runs,
                tier_col=tier_col,
                total_rows=_total_rows(frame),
                data_bar_col=keys.index(block.data_bar_column) if block.data_bar_column in keys else None,
                negative_cols=[j for j, key in enumerate(keys) if key in NEGATIVE_RED_COLUMNS],
            )
        )
        row = row + 1 + len(frame) + 2
    if not placed:
        return None
    freeze_row = placed[0].header_row + 1 if len(placed) == 1 else 3
    return PlacedSheet(
        spec=spec,
        title=TITLE_PREFIX + spec.name,
        subtitle=source,
        blocks=placed,
        freeze_row=freeze_row,
        print_title_row=placed[0].header_row if len(placed) == 1 else None,
    )


def place_report(
    tables: dict[str, pd.DataFrame],
    *,
    source: str,
    labels: tuple[str, ...],
    when: dt.datetime | None = None,
    sheets: tuple[SheetSpec, ...] | None = None,
) -> list[PlacedSheet]:
    """Every result sheet of a report, placed; ``source`` says where the accounts came from.

    ``sheets`` picks the set: :data:`SHEETS` (an account report) or :data:`CUSTOMER_SHEETS`
    (the customer tables of a transaction list's report).
    """
    sheets = SHEETS if sheets is None else sheets  # read when called: the catalogue grows at the end of this module
    stamp = (when or dt.datetime.now()).strftime("%Y-%m-%d %H:%M")
    subtitle = f"From {source}, run {stamp}. Sheet written by segmenter: re-running replaces it."
    placed = [place_sheet(spec, tables, source=subtitle, labels=labels) for spec in sheets]
    placed = [part for s in placed if s is not None for part in _fit_to_excel(s)]
    titles = (
        dict(zip(tables["chart_titles"]["table"], tables["chart_titles"]["title"])) if "chart_titles" in tables else {}
    )
    for sheet in placed:
        sheet.charts.extend(place_charts(sheet, placed, titles))
    return placed


def _fit_to_excel(sheet: PlacedSheet, max_row: int = EXCEL_ROWS) -> list[PlacedSheet]:
    """The sheet, followed by continuation sheets "<name> (2)", "<name> (3)" ... when its last block
    runs past the sheet's last row (``max_row``); each continuation repeats the header.

    The long blocks (one row per account or customer) are the last of their sheet.
    """
    last = sheet.blocks[-1]
    if last.last_row <= max_row:
        return [sheet]
    room = max_row - last.header_row
    parts = [replace(sheet, blocks=sheet.blocks[:-1] + [_rows_of(last, 0, room, last.title_row, last.block)])]
    start, number = room, 2
    while start < last.n_rows:
        stop = min(last.n_rows, start + max_row - 5)
        block = replace(
            last.block,
            table=f"{last.block.table}_{number}",
            title=f"{last.block.title} (continued: rows {start + 1:,} to {stop:,})",
        )
        spec = replace(sheet.spec, name=f"{sheet.spec.name} ({number})", blocks=(block,), chart=None, charts=())
        parts.append(
            replace(
                sheet,
                spec=spec,
                title=TITLE_PREFIX + spec.name,
                freeze_row=6,
                blocks=[_rows_of(last, start, stop, 4, block)],
                charts=[],
            )
        )
        start, number = stop, number + 1
    return parts


def _rows_of(placed: PlacedBlock, start: int, stop: int, title_row: int, block: Block) -> PlacedBlock:
    """Rows ``start`` to ``stop`` (0-based, stop excluded) of a placed block, titled at ``title_row``."""
    runs = [
        (max(first, start) - start, min(last, stop - 1) - start, colour)
        for first, last, colour in placed.tier_runs
        if last >= start and first < stop
    ]
    return replace(
        placed,
        block=block,
        title_row=title_row,
        header_row=title_row + 1,
        frame=placed.frame.iloc[start:stop].reset_index(drop=True),
        row_formats=placed.row_formats[start:stop] if placed.row_formats else placed.row_formats,
        tier_runs=runs,
    )


# Chart geometry: the Overview's grid of two charts a row, and the chart beside a block.
GRID_CHART_CM = (15.0, 8.0)
GRID_CHART_ROWS = 17  # rows of the default 15 pt (0.53 cm) height a grid chart takes, with a gap
BESIDE_CHART_CM = (16.0, 10.0)
PIXELS_PER_CHARACTER, PIXELS_PER_CM = 7.0, 37.8


def _data_block(placed: list[PlacedSheet], table: str) -> tuple[PlacedSheet, PlacedBlock] | None:
    for sheet in placed:
        block = sheet.block(table)
        if block is not None and block.n_rows:
            return sheet, block
    return None


def _placed_chart(
    spec: ChartSpec,
    data: tuple[PlacedSheet, PlacedBlock],
    titles: dict[str, str],
    anchor: tuple[int, int],
    size: tuple[float, float],
) -> PlacedChart:
    sheet, block = data
    x, ys = chart_columns(block, spec)
    styles = spec.styles or ("default",) * len(ys)
    series = tuple(
        SeriesRef(
            block.headers[y],
            block.first_col + y,
            block.header_row + 1,
            block.last_row,
            style,
            SERIES_COLOURS.get(block.keys[y]),
        )
        for y, style in zip(ys, styles)
    )
    return PlacedChart(
        spec=spec,
        title=titles.get(spec.table, spec.title),
        data_sheet=sheet.spec.name,
        header_row=block.header_row,
        first_row=block.header_row + 1,
        last_row=block.last_row,
        x_column=block.first_col + x,
        series=series,
        anchor=anchor,
        width_cm=size[0],
        height_cm=size[1],
    )


def place_charts(sheet: PlacedSheet, placed: list[PlacedSheet], titles: dict[str, str]) -> list[PlacedChart]:
    """The charts drawn on ``sheet``: its ``chart`` beside its block, its ``charts`` in a grid
    of two a row below its last block (only those whose table has rows somewhere)."""
    charts = []
    top = max(b.last_row for b in sheet.blocks) + 3
    widths = print_fit(sheet).widths  # the widths as written, notes widened
    if sheet.spec.chart is not None and sheet.block(sheet.spec.chart.table) is not None:
        block = sheet.block(sheet.spec.chart.table)
        if block.n_rows:
            anchor = (block.title_row, sheet.n_cols + 2)
            beside_px = _pixels(widths, sheet.n_cols + 2) + BESIDE_CHART_CM[0] * PIXELS_PER_CM
            if beside_px * MIN_SCALE > PAGE_PX["landscape"]:  # beside the tables it would not print legibly
                anchor, top = (top, 1), top + math.ceil(BESIDE_CHART_CM[1] / 0.53) + 2
            charts.append(_placed_chart(sheet.spec.chart, (sheet, block), titles, anchor, BESIDE_CHART_CM))
    drawn = [(spec, data) for spec in sheet.spec.charts if (data := _data_block(placed, spec.table)) is not None]
    if drawn:
        second = _column_after(widths, GRID_CHART_CM[0])
        # two a row only within the tables' width: a chart beside another would widen the printed page
        per_row = (
            2 if _pixels(widths, sheet.n_cols + 1) >= _pixels(widths, second) + GRID_CHART_CM[0] * PIXELS_PER_CM else 1
        )
        for i, (spec, data) in enumerate(drawn):
            anchor = (top + (i // per_row) * GRID_CHART_ROWS, 1 if i % per_row == 0 else second)
            charts.append(_placed_chart(spec, data, titles, anchor, GRID_CHART_CM))
    return charts


def _column_after(widths: list[float], width_cm: float) -> int:
    """The first column (1-based) that starts at least ``width_cm`` (plus a small gap) from the left edge."""
    needed, start, column = (width_cm + 0.5) * PIXELS_PER_CM, 0.0, 1
    while start < needed:
        start += (widths[column - 1] if column <= len(widths) else 8.43) * PIXELS_PER_CHARACTER + 5
        column += 1
    return column


def chart_columns(block: PlacedBlock, spec: ChartSpec) -> tuple[int, list[int]]:
    """0-based block columns of the chart's x and of its y series (every other column when
    ``spec.y_columns`` is empty)."""
    x = block.col(spec.x_column)
    ys = [block.col(y) for y in spec.y_columns] if spec.y_columns else [j for j in range(block.n_cols) if j != x]
    return x, ys


def estimated_widths(sheet: PlacedSheet, sample: int = 2000) -> list[float]:
    """Column widths (characters) from the headers and the first rows, for writers without autofit."""
    widths = [8.0] * sheet.n_cols
    for block in sheet.blocks:
        head = block.head(sample)
        for j, header in enumerate(block.headers):
            if block.keys[j] == block.block.overflow_column or _runs_on(block, j):
                widths[j] = max(widths[j], len(str(header)) + 3.0)  # the header, on its fill, does not run on
                continue
            widths[j] = max(widths[j], _needed_width(str(header), [r[j] for r in head], block.formats[j]))
    return widths


def _needed_width(header: str, cells: list[object], number_format: str) -> float:
    """A column's width (characters) for one block: its figures in full, + 3 so that a figure never
    touches the next column's text; a few long labels and a long header wrap instead (see
    :data:`LABEL_WIDTH`).

    >>> _needed_width("Customers", [1_234.0, 56.0], "#,##0_)")
    12.0
    >>> _needed_width("Weeks first to last purchase (t_x)", [12.5], "0.0_)")  # the header wraps
    16.0
    >>> _needed_width("Measure", ["Customers", "Customers likely still active (P(alive) of 50 % or more)"], "General")
    32.0
    """
    figures = [len(_shown(c)) + 3.0 for c in cells if not isinstance(c, str)]
    texts = [len(c) + 3.0 for c in cells if isinstance(c, str)]
    if (
        texts and number_format == "General"
    ):  # labels: the longest counts up to LABEL_WIDTH (a long list: its usual one)
        usual = float(np.median(texts)) if len(texts) > LONG_LIST else 0.0
        texts = [min(max(texts), max(LABEL_WIDTH, usual))]
    cells_width = max(figures + texts, default=0.0)
    return min(LONG_LABEL_WIDTH, max(cells_width, min(len(header) + 3.0, max(cells_width, HEADER_WIDTH))))


def _runs_on(block: PlacedBlock, j: int) -> bool:
    """Long text in a block's last column (a note, a rule, a reason) runs on into the empty cells to
    its right instead of widening a column that other blocks use for figures."""
    return j == block.n_cols - 1 and block.formats[j] == "General" and block.n_cols > 1


def _shown(value: object) -> str:
    if isinstance(value, float):
        return f"{value:,.0f}" if abs(value) >= 1 else f"{value:.1%}"
    if isinstance(value, dt.datetime):
        return "2000-01-01"
    return "" if value is None else str(value)


# Printing: every sheet prints on one page width (landscape, fit to width), so a sheet must not be
# wider than its tables and charts. A note or reason that runs on past them would make the printed
# page shrink its table to an unreadable size: it wraps instead, in a column at most this wide.
NOTE_WIDTH = 48.0  # characters: a wrapped note, wide enough for a few words a line, narrow enough to print
NOTE_MIN_WIDTH = 40.0  # a wrapped note's column is at least this wide (a few words a line)
# A label column (text beside figures, in one of the blocks stacked on a sheet) is only as wide as
# its labels and at most LABEL_WIDTH (unless it is a long list whose usual label is longer): the long
# ones wrap, their rows as high as their lines. A header longer than its column's figures (at least
# HEADER_WIDTH) wraps too. Figures never wrap: a number column is as wide as its longest figure.
LABEL_WIDTH = 32.0  # characters
LONG_LIST = 100  # rows: a list longer than this whose usual label is longer keeps that label on one line
HEADER_WIDTH = 16.0  # characters
LONG_LABEL_WIDTH = 60.0  # characters: the widest column, a long list's usual label on one line


@dataclass(frozen=True)
class PrintFit:
    """How a sheet prints: its column widths (characters), the run-on text columns that wrap
    (block table -> 0-based column) and the print area's last row and column (0-based)."""

    widths: list[float]
    wrapped: dict[str, int]
    last_row: int
    last_col: int
    #: label cells that wrap (block table -> (0-based data row, 0-based column)), and headers that wrap
    wrapped_labels: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    wrapped_headers: dict[str, list[int]] = field(default_factory=dict)


def _pixels(widths: list[float], column: int) -> float:
    """Pixels from the sheet's left edge to the start of a 1-based column (the default width past ``widths``)."""
    return sum((widths[j] if j < len(widths) else 8.43) * PIXELS_PER_CHARACTER + 5 for j in range(column - 1))


def print_fit(sheet: PlacedSheet, sample: int = 2000) -> PrintFit:
    """The widths, wrapped notes and print area of a placed sheet (see :data:`NOTE_WIDTH`).

    The printed width is that of the widest of its tables and charts. A run-on column (a
    block's last text column, or its ``overflow_column``) whose longest text ends past that width
    is widened (to at most :data:`NOTE_WIDTH`) and, if the text still does not fit, wrapped.
    """
    widths = estimated_widths(sheet, sample)
    table_px = _pixels(widths, sheet.n_cols + 1)
    chart_px = [_pixels(widths, c.anchor[1]) + c.width_cm * PIXELS_PER_CM for c in sheet.charts]
    page_px = max([table_px] + chart_px)
    wrapped: dict[str, int] = {}
    for block in sheet.blocks:
        for j, key in enumerate(block.keys):
            if not (key == block.block.overflow_column or _runs_on(block, j)) or not block.n_rows:
                continue
            longest = max((len(_shown(r[j])) for r in block.head(sample)), default=0)
            needed_px = longest * PIXELS_PER_CHARACTER + 10
            # text runs on into empty cells only: a column with figures to its right has its own width
            room_px = page_px - _pixels(widths, j + 1) if j == block.n_cols - 1 else widths[j] * PIXELS_PER_CHARACTER
            if needed_px <= room_px:
                continue  # it runs on, within the printed width
            rest_px = room_px - widths[j] * PIXELS_PER_CHARACTER
            width = min(NOTE_WIDTH, max(widths[j], NOTE_MIN_WIDTH, (needed_px - rest_px) / PIXELS_PER_CHARACTER))
            widths[j] = width
            if width * PIXELS_PER_CHARACTER + rest_px < needed_px:
                wrapped[block.block.table] = j
    page_px = max(
        [_pixels(widths, sheet.n_cols + 1)]
        + [_pixels(widths, c.anchor[1]) + c.width_cm * PIXELS_PER_CM for c in sheet.charts]
    )
    last_col = sheet.n_cols
    while _pixels(widths, last_col + 1) < page_px - 1:
        last_col += 1
    chart_rows = [c.anchor[0] + math.ceil(c.height_cm / 0.53) for c in sheet.charts]
    last_row = max([b.last_row for b in sheet.blocks] + chart_rows)
    labels, headers = _wrapped_labels(sheet, widths, sample)
    return PrintFit(
        widths=widths,
        wrapped=wrapped,
        last_row=last_row - 1,
        last_col=last_col - 1,
        wrapped_labels=labels,
        wrapped_headers=headers,
    )


def _wrapped_labels(
    sheet: PlacedSheet, widths: list[float], sample: int
) -> tuple[dict[str, list[tuple[int, int]]], dict[str, list[int]]]:
    """The label cells (text in a text column, not a run-on note) and headers longer than their
    column: they wrap (see :data:`LABEL_WIDTH`)."""
    labels: dict[str, list[tuple[int, int]]] = {}
    headers: dict[str, list[int]] = {}
    for block in sheet.blocks:
        table = block.block.table
        for j, header in enumerate(block.headers):
            if len(str(header)) + 3.0 > widths[j] + 0.5:
                headers.setdefault(table, []).append(j)
            if block.keys[j] == block.block.overflow_column or _runs_on(block, j) or block.formats[j] != "General":
                continue
            for i, row in enumerate(block.head(sample)):
                if isinstance(row[j], str) and len(row[j]) + 3.0 > widths[j] + 0.5:
                    labels.setdefault(table, []).append((i, j))
    return labels, headers


# The survey beside the list, the revenue bridge by customers and the call list (core/survey.py,
# core/bridge.py, core/actions.py): their blocks join the sheets above, each only when its table exists.
COLUMN_STYLES.update(
    {
        "survey_company": ("Company in the survey", "text"),
        "survey_account_id": ("Account id in the survey", "text"),
        "best_candidate": ("Most similar account", "text"),
        "candidate_account": ("Its account (to type in the survey)", "text"),
        "similarity": ("Similarity (0-1)", "ratio"),
        "what_to_do": ("What to do", "text"),
        "customers_before": ("Customers before", "int"),
        "customers_after": ("Customers after", "int"),
        "orders_before": ("Orders before", "int"),
        "orders_after": ("Orders after", "int"),
        "order_value_before": ("Average order value before", "amount"),
        "order_value_after": ("Average order value after", "amount"),
        "amount": ("Amount", "amount"),
        "new_customers": ("New customers", "money"),
        "lost_customers": ("Lost customers", "money"),
        "returning_customers": ("Returning customers", "money"),
        "orders_effect": ("Returning: number of orders", "money"),
        "order_value_effect": ("Returning: average order value", "money"),
        "other_change": ("Other (credit notes only)", "money"),
        "priority": ("Priority", "int"),
        "money_at_stake": ("Money at stake", "money"),
        "figure": ("The figure", "text"),
        "detail_sheet": ("Detail on sheet", "text"),
        "expected_next_order": ("Expected next order", "date"),
        "days_overdue": ("Days overdue", "int"),
    }
)

UNIT_FORMATS.update({"responses": "int", "customers": "int", "orders": "int", "purchases": "int"})

SURVEY_BLOCKS = (
    Block("survey_match", "Survey match: the survey's responses joined to the account list", unit_column="unit"),
    Block("survey_nps_by_tier", "NPS per tier from the survey (every respondent counts)", tier_column="tier"),
    Block("survey_nps_by_size", "NPS per size band from the survey"),
    Block("survey_nps_by_strategy", "NPS per strategy quadrant from the survey"),
    Block("survey_nps_by_industry", "NPS per industry from the survey"),
    Block("survey_unmatched", "Responses not joined: near misses to confirm first, then the rest"),
    Block(
        "survey_accounts",
        "Accounts with answers: respondents and NPS per account, largest revenue first",
        tier_column="tier",
    ),
    Block("survey_issues", "Survey answers rejected (not 0-10), with their row in the survey file"),
)
BRIDGE_BLOCKS = (
    Block(
        "customer_bridge",
        "Revenue bridge by customers: new, lost, and for returning customers the number of "
        "orders and the average order value",
    ),
    Block("customer_bridge_by_tier", "Revenue bridge by customers, per tier (tier now)", tier_column="tier"),
    Block("customer_bridge_by_channel", "Revenue bridge by customers, per channel"),
    Block(
        "customer_profit_bridge",
        "Profit bridge by customers: new, lost, and for returning customers the number "
        "of orders, the average order value and the margin",
    ),
)
ACTIONS_SHEET = SheetSpec(
    "Accounts to call",
    (
        Block(
            "actions_top",
            "Accounts to call, most money at stake first: one reason each, with the figure behind it",
            tier_column="tier",
            overflow_column="reason",
        ),
        Block(
            "actions",
            "Every account with a reason to call (filter by reason, tier or sheet)",
            tier_column="tier",
            overflow_column="reason",
        ),
    ),
)
BRIDGE_CHART = ChartSpec(
    "chart_customer_bridge",
    "Revenue bridge by customers",
    "step",
    ("base", "increase", "decrease", "total"),
    "",
    "Revenue",
    kind="stacked",
    styles=("hidden", "increase", "decrease", "total"),
    y_format="money",
    legend=False,
)


def _with_blocks(spec: SheetSpec, blocks: tuple[Block, ...], charts: tuple[ChartSpec, ...] = ()) -> SheetSpec:
    return replace(spec, blocks=spec.blocks + blocks, charts=spec.charts + charts)


SHEETS = (SHEETS[0], ACTIONS_SHEET) + tuple(
    _with_blocks(s, SURVEY_BLOCKS)
    if s.name == "NPS"
    else _with_blocks(
        s,
        BRIDGE_BLOCKS + (Block(BRIDGE_CHART.table, "Waterfall data (the chart below)", excel_table=False),),
        (BRIDGE_CHART,),
    )
    if s.name == "Growth"
    else s
    for s in SHEETS[1:]
)
CUSTOMER_SHEETS = (ACTIONS_SHEET,) + CUSTOMER_SHEETS


#: The sheet of a contract list's report (core/customers/contracts.py).
RETENTION_SHEETS: tuple[SheetSpec, ...] = (
    SheetSpec(
        "Retention",
        (
            # the chart's x and series first and side by side: the live-workbook writer charts one range
            Block(
                "retention_curve",
                "Share of customers still active k years after starting: actual (pooled over the "
                "cohorts that reached year k) and the sBG model's fit, projected 5 years beyond the data",
                columns=("period", "actual_share", "fitted_share", "projected"),
            ),
            Block(
                "retention_parameters",
                "The sBG model (Fader & Hardie 2007): each customer's yearly churn "
                "probability ~ Beta(alpha, beta); fitted on every cohort's counts",
                unit_column="unit",
            ),
            Block(
                "retention_cohorts",
                "Cohorts by start year: share still active k full years after starting (blank: "
                "not yet reached by every customer of the cohort)",
            ),
            Block(
                "contract_customers",
                "Per customer: years renewed and, while active, DERL (Fader & Hardie 2010): "
                "the discounted years of payments still expected; x the yearly margin = the customer's value",
            ),
        ),
        chart=ChartSpec(
            "retention_curve",
            "Customers still active: actual and sBG",
            "period",
            ("actual_share", "fitted_share"),
            "Years since the start",
            "Share still active",
            kind="line",
            y_format="pct",
        ),
    ),
)
