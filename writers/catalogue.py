"""The sheet catalogue's layout: the blocks (tables) each result sheet shows, their titles, and its charts.

The sheets' names and which table goes on which sheet come from core/sheets.py (the one catalogue
that core's findings, the writers and the ribbon read); this module adds how each is shown.
:data:`SHEETS` (an account report), :data:`CUSTOMER_SHEETS` (a transaction list's customer
sheets) and :data:`RETENTION_SHEETS` (a contract list) are data: writers/placement.py places them,
and neither writer decides a sheet name, a block or a chart on its own. tests/test_sheets.py holds
them to core/sheets.py, sheet by sheet and table by table.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from core import sheets


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
    sheets.OVERVIEW,
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
    sheets.CHART_DATA,
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
        sheets.SEGMENTS,
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
        sheets.TIER_SUMMARY,
        (
            Block("tier_summary", "Per tier", tier_column="tier"),
            Block("profit_note", "Why profit and margin are blank", excel_table=False, overflow_column="note"),
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
        sheets.CONCENTRATION,
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
        sheets.NPS,
        (
            Block("nps_by_tier", "NPS per tier", tier_column="tier"),
            Block("nps_gap_tier", "Gap between tiers: the highest NPS minus the lowest", columns=GAP_COLUMNS),
            Block("nps_by_size", "NPS per size band"),
            Block("nps_gap_size", "Gap between size bands: the highest NPS minus the lowest", columns=GAP_COLUMNS),
        ),
    ),
    SheetSpec(
        sheets.MATRIX,
        (
            Block("matrix", "Revenue x margin matrix"),
            Block("matrix_splits", "Splits used", unit_column="unit"),
            Block("accounts_to_watch_counts", "Accounts to watch (NPS): how many, and how many are listed below"),
            Block("accounts_to_watch", "Accounts to watch (NPS): at risk and innovation partners", tier_column="tier"),
        ),
    ),
    # only when a flag has more accounts than the Matrix sheet lists (core.report.WATCH_LISTED)
    SheetSpec(
        sheets.WATCH,
        (
            Block(
                "all_accounts_to_watch",
                "Every account to watch (NPS): at risk first, then innovation partners, largest revenue first",
                tier_column="tier",
            ),
        ),
    ),
    SheetSpec(
        sheets.GROWTH,
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
        sheets.GROWTH_PER_ACCOUNT,
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
        sheets.DATA_ISSUES,
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
        sheets.CUSTOMERS,
        (
            Block(
                "customers",
                "One row per customer: purchases, RFM segment, tier and model lifetime value (over the horizon "
                "on the Lifetime value sheet; times in weeks)",
                columns=CUSTOMER_COLUMNS,
                tier_column="tier",
            ),
        ),
    ),
    SheetSpec(
        sheets.RFM,
        (
            Block(
                "rfm_segments",
                "RFM segments: customers, revenue and model CLV (over the horizon on the Lifetime value sheet)",
            ),
            Block("rfm_thresholds", "Score thresholds used (quantiles; tied customers share a score)"),
        ),
    ),
    SheetSpec(
        sheets.LIFETIME_VALUE,
        (
            Block(
                "model_figures",
                "What the models expect: P10 to P90 is the 80 % range from the fitted parameters' "
                "uncertainty (method in the table below)",
                unit_column="unit",
            ),
            Block(
                "clv_ranges",
                "Per tier, RFM segment and channel, over the horizon of the table above: the ranges are of each "
                "group's total, not sums of its customers' ranges",
            ),
            Block(
                "unit_economics",
                "Unit economics (with an acquisition cost: setting cac or an acquisition-cost column): LTV:CAC and "
                "months to pay back per tier, channel or acquisition cohort",
            ),
            Block("unit_economics_notes", "What each unit-economics figure is"),
            Block(
                "clv_parameters",
                "How the lifetime value was made: the purchase model and why, Gamma-Gamma spend, settings",
                unit_column="unit",
            ),
            Block(
                "lifetime_value",
                "Per customer, highest lifetime value first: expected purchases and values over the horizon "
                "of the first table (weeks), values discounted",
            ),
        ),
    ),
    SheetSpec(
        sheets.MODEL_CHECK,
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
        sheets.COHORTS,
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
        "of orders, the average order value and the margin (without order counts: revenue and margin)",
    ),
    Block("customer_bridge_notes", "What the bridge could not split, and why"),
)
ACTIONS_SHEET = SheetSpec(
    sheets.ACTIONS,
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
    if s.name == sheets.NPS
    else _with_blocks(
        s,
        BRIDGE_BLOCKS + (Block(BRIDGE_CHART.table, "Waterfall data (the chart below)", excel_table=False),),
        (BRIDGE_CHART,),
    )
    if s.name == sheets.GROWTH
    else s
    for s in SHEETS[1:]
)
CUSTOMER_SHEETS = (ACTIONS_SHEET,) + CUSTOMER_SHEETS


#: The sheet of a contract list's report (core/customers/contracts.py).
RETENTION_SHEETS: tuple[SheetSpec, ...] = (
    SheetSpec(
        sheets.RETENTION,
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
