"""One call: a validated account table and a config in, every named result table out.

:func:`run_report` is what the ribbon's "Segment selection", the CLI and the demo run. It only
combines the engine's modules; each figure's definition lives in the module that computes it
(tiers, margins, concentration, nps, matrix, lifetime). The result is a :class:`Report` whose
``tables`` are keyed by stable names that the sheet catalogue (writers/catalogue.py) places on sheets.

Tables (all columns snake_case, shares and margins as fractions):

``segments``
    One row per account, input columns plus ``tier``, ``margin_pct``, ``strategy``, ``cltv``,
    ``nps_flag`` and ``note`` (why a margin or strategy is undefined), with ``rank`` (1 = largest
    revenue; the sheet lists accounts in rank order) and the account's ``sheet_row``.
``tier_summary``
    Per tier: accounts, revenue, profit, margin %, shares, average revenue, average CLTV, and the
    lowest and highest revenue in the tier. ``tier_rule`` says which rule made the tiers.
``by_<column>``
    The same summary per industry, size, region and first-purchase year, where the data has them.
``concentration``, ``pareto_curve``
    Concentration measures with the risk flags in words; the cumulative revenue share of the top
    x % of accounts (the Pareto curve, for the chart).
``nps_by_tier``, ``nps_gap_tier`` (and ``nps_by_size``, ``nps_gap_size`` with a size column)
    NPS per band and the gap between the highest and the lowest band.
``matrix``, ``matrix_splits``, ``accounts_to_watch``
    The revenue x margin matrix, the splits used, and the accounts flagged At risk or Innovation
    partner by their NPS answer (the largest :data:`WATCH_LISTED` of each flag; see
    :func:`watch_tables` for the longer lists). With a cost-to-serve column the matrix reads net margin (profit
    after cost to serve, :mod:`core.cost_to_serve`) and ``segments`` gains ``net_profit`` and
    ``net_margin_pct`` (the summaries too): a large account that needs much support is not
    "Protect" on its gross margin alone.
``by_channel``, ``channel_warning``
    With a channel column, every summary by channel; the warning when the column mixes resellers or
    distributors with end users (:mod:`core.channels`), also in ``headline["flags"]``.
``growth``, ``growth_by_tier``, ``growth_by_channel``, ``revenue_by_period``, ``tier_migration``,
``tier_migration_revenue``, ``fallen_from_a``
    Only with two or more period columns: see :func:`core.growth.growth_tables`.
``whale``, ``whale_points``
    The whale curve of profit (net of cost to serve where known, :mod:`core.whale`): its peak
    and parts as rows; the curve's points for the chart (only when total profit is above 0).
``findings``, ``key_figures``, ``chart_*``
    The Overview: sentences, key figures and the tables its charts draw (:mod:`core.overview`).
``data_issues``
    What was rejected, skipped, noted or converted, rejected first; routine conversions of a
    column are one line (:func:`core.data_issues.summarise_issues`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from core import channels, concentration, cost_to_serve, growth, margins, matrix, nps, retention_cltv, tiers, whale
from core.accounts import AccountTable
from core.config import MEDIAN, ReportConfig, effective_cutoffs
from core.data_issues import summarise_issues
from core.errors import SegmenterInputError
from core.exports import account_coverage, intake_tables, reading_lines
from core.groups import band_order
from core.overview import overview_tables

# Summaries by these account columns, besides the tier, when the data has them.
DIMENSIONS = ("industry", "size", "region", "cohort", "channel")
PARETO_POINTS = 41
# Columns of the account table that only appear in ``segments`` when the data has them.
OPTIONAL_COLUMNS = ("cost_to_serve", "channel")


@dataclass(frozen=True)
class Report:
    """The named result tables of one run, its headline figures and the settings used."""

    tables: dict[str, pd.DataFrame]
    headline: dict[str, object]
    config: ReportConfig
    columns_read: dict[str, str] = field(default_factory=dict)


#: Accounts of each NPS flag listed beside the matrix; a longer list gets a sheet of its own.
WATCH_LISTED = 1_000


def watch_tables(watch: pd.DataFrame, listed: int = WATCH_LISTED) -> dict[str, pd.DataFrame]:
    """The accounts to watch as a manager reads them: ``accounts_to_watch`` holds the largest
    ``listed`` accounts (by revenue) of each flag; when a flag has more,
    ``accounts_to_watch_counts`` says how many each flag has and how many are listed, and
    ``all_accounts_to_watch`` holds every one of them. ``watch`` is sorted by flag, then revenue
    from the largest.

    Examples
    --------
    >>> watch = pd.DataFrame({"account": list("abc"), "nps_flag": ["At risk"] * 3, "revenue": [9.0, 5.0, 1.0]})
    >>> sorted(watch_tables(watch))
    ['accounts_to_watch']
    >>> tables = watch_tables(watch, listed=2)
    >>> tables["accounts_to_watch"]["account"].tolist(), tables["accounts_to_watch_counts"].to_dict("records")
    (['a', 'b'], [{'nps_flag': 'At risk', 'accounts': 3, 'listed': 2, 'not_listed': 1}])
    """
    shown = watch.groupby("nps_flag", sort=False).head(listed).reset_index(drop=True)
    if len(shown) == len(watch):
        return {"accounts_to_watch": watch}
    counts = watch.groupby("nps_flag", sort=False).size()
    return {
        "accounts_to_watch": shown,
        "accounts_to_watch_counts": pd.DataFrame(
            {
                "nps_flag": counts.index,
                "accounts": counts.to_numpy(),
                "listed": np.minimum(counts.to_numpy(), listed),
                "not_listed": np.maximum(counts.to_numpy() - listed, 0),
            }
        ),
        "all_accounts_to_watch": watch,
    }


def run_report(table: AccountTable, config: ReportConfig | None = None) -> Report:
    """Run the whole analysis on a validated account table.

    Parameters
    ----------
    table:
        From :func:`core.accounts.parse_accounts` or :func:`core.accounts.accounts_from_frame`.
    config:
        Tier method and cutoffs, matrix splits, retention, discount, bands; defaults if None.

    Returns
    -------
    Report
        Tables keyed as in the module docstring; ``headline`` holds the figures the CLI prints.

    Raises
    ------
    SegmenterInputError
        When no account has a positive revenue (nothing to segment).
    """
    config = config or ReportConfig()
    accounts = table.accounts
    if len(accounts) == 0:
        raise SegmenterInputError("no accounts in the selection")
    if not np.any(accounts["revenue"].to_numpy(dtype=float) > 0):
        revenue_column = table.columns.get("revenue", "revenue")
        rejected = table.issues[(table.issues["action"] == "rejected") & (table.issues["column"] == revenue_column)]
        why = (
            f" ({len(rejected):,} revenue cell(s) rejected, e.g. row {rejected['sheet_row'].iloc[0]}: "
            f"{rejected['reason'].iloc[0]})"
            if len(rejected)
            else ""
        )
        raise SegmenterInputError(f"no account has a positive revenue: nothing to segment{why}", column="revenue")

    segments, (revenue_split, margin_split) = _segment(table, config)
    revenue = segments["revenue"].to_numpy(dtype=float)
    strategy = segments["strategy"].to_numpy(dtype=object)
    tables: dict[str, pd.DataFrame] = {"segments": segments}
    tables["tier_summary"] = group_table(segments, "tier", config)
    ranges = (
        pd.DataFrame({"tier": segments["tier"].to_numpy(dtype=object), "revenue": revenue})
        .groupby("tier", sort=False)["revenue"]
        .agg(["min", "max", "size"])
    )
    limits = tiers.computed_abc(revenue) if config.tier_method == "computed" else None
    tables["tier_rule"] = tier_rule(ranges, config, limits)
    for dimension in DIMENSIONS:
        if dimension in segments and segments[dimension].notna().any():
            tables[f"by_{dimension}"] = group_table(segments, dimension, config)

    summary = concentration.concentration_summary(
        revenue,
        top_share=config.top_share,
        concentration_share=config.concentration_share,
        large_account_share=config.large_account_share,
        hhi_moderate=config.hhi_moderate,
        hhi_high=config.hhi_high,
    )
    tables["concentration"] = summary.to_frame()
    # 41 points (every 2.5 % of accounts): the curve reads the same and the table prints on one page
    tables["pareto_curve"] = concentration.pareto_curve(revenue, max_points=PARETO_POINTS)

    nps_tables, nps_gaps = _nps_tables(segments, config)
    tables.update(nps_tables)

    net = "net_profit" in segments
    matrix_profit = segments["net_profit" if net else "profit"].to_numpy(float)
    tables["matrix"] = matrix.matrix_table(revenue, matrix_profit, strategy)
    tables["matrix_splits"] = splits_table(
        revenue_split,
        margin_split,
        config,
        net=net,
        sources=split_sources(config, bool((segments["tier"] == config.labels[0]).any())),
    )
    watch = segments.loc[
        segments["nps_flag"] != "",
        ["account", "tier", "revenue", "margin_pct", "nps", "strategy", "nps_flag", "sheet_row"],
    ]
    watch = watch.assign(action=watch["nps_flag"].map(matrix.FLAG_ACTIONS))
    tables.update(
        watch_tables(watch.sort_values(["nps_flag", "revenue"], ascending=[True, False]).reset_index(drop=True))
    )
    tables["data_issues"] = summarise_issues(table.issues)
    warning = channels.channel_mix_warning(segments["channel"], revenue) if "channel" in segments else ""
    if warning:
        tables["channel_warning"] = pd.DataFrame({"warning": [warning]})
    if len(table.periods) >= 2:
        tables.update(growth.growth_tables(table.period_revenue, segments, config, table.period_years))

    if segments["profit"].notna().any():
        curve = whale.whale_curve(segments["net_profit" if net else "profit"])
        tables["whale"] = curve.to_frame("net profit (after cost to serve)" if net else "profit")
        if curve.defined:
            tables["whale_points"] = curve.chart_points()
    tables.update(
        intake_tables(
            account_coverage(accounts, table.issues, table.columns.get("revenue")),
            reading_lines(table.columns, table.alternatives, table.said),
        )
    )
    tables.update(overview_tables(tables, config))
    counts = segments["tier"].value_counts()
    headline = headline_figures(
        len(segments),
        {label: int(counts.get(label, 0)) for label in config.labels},
        summary,
        nps_gaps,
        config,
        majority_flag(segments),
    )
    headline["flags"] += [warning] if warning else []
    if "growth_by_tier" in tables:
        headline["growth"] = growth_headline(tables, table.periods)
    return Report(tables=tables, headline=headline, config=config, columns_read=dict(table.columns))


def _splits(frame: pd.DataFrame, config: ReportConfig) -> tuple[float, float]:
    """The matrix splits: the user's, the median when asked, else the finance defaults
    (:func:`core.matrix.finance_splits`: high revenue = tier A, high margin = the portfolio's margin)."""
    net = "net_margin_pct" in frame
    revenue, margins = (
        frame["revenue"].to_numpy(float),
        frame["net_margin_pct" if net else "margin_pct"].to_numpy(float),
    )
    defaults = matrix.finance_splits(
        revenue,
        frame["net_profit" if net else "profit"].to_numpy(float),
        margins,
        (frame["tier"] == config.labels[0]).to_numpy(dtype=bool),
    )
    chosen = [
        default if setting is None else None if setting == MEDIAN else setting
        for setting, default in zip((config.revenue_split, config.margin_split), defaults)
    ]
    return matrix.matrix_splits(revenue, margins, *chosen)


def split_sources(config: ReportConfig, has_top: bool) -> list[str]:
    """Where each matrix split came from, in words, for the Matrix sheet (``has_top``: the top
    tier has accounts, so the default revenue split exists)."""
    top = config.labels[0]
    defaults = (
        f"the lowest revenue in tier {top} (default: high revenue = tier {top})",
        "the portfolio's margin: total profit / total revenue (default)",
    )
    sources = []
    for setting, default, fallback in zip((config.revenue_split, config.margin_split), defaults, (has_top, True)):
        if setting == MEDIAN or (setting is None and not fallback):
            sources.append("median of the accounts")
        else:
            sources.append("your setting" if setting is not None else default)
    return sources


def growth_headline(tables: dict[str, pd.DataFrame], periods: tuple[str, ...]) -> dict[str, object]:
    """The first page's growth line, read from the ``growth_by_tier`` table's total row (its last).

    Parameters
    ----------
    tables:
        The report's tables; ``growth_by_tier`` and ``fallen_from_a`` are read.
    periods:
        The period labels, oldest first; growth is from the last but one to the last.

    Returns
    -------
    dict
        ``from_period``, ``to_period``, ``revenue_change`` (currency units), ``revenue_change_pct``
        (percent), ``new`` and ``lost`` (accounts) and ``fallen_from_a`` (accounts that left the top tier).
    """
    total = tables["growth_by_tier"].iloc[-1]
    return {
        "from_period": periods[-2],
        "to_period": periods[-1],
        "revenue_change": float(total["revenue_change"]),
        "revenue_change_pct": float(total["revenue_change_pct"]),
        "new": int(total["new"]),
        "lost": int(total["lost"]),
        "fallen_from_a": len(tables["fallen_from_a"]),
    }


def segment_accounts(table: AccountTable, config: ReportConfig | None = None) -> pd.DataFrame:
    """Per account: the input columns plus tier, margin_pct, strategy, cltv, nps_flag, note and rank.

    In input order (the index is the account's position in the input block, as in
    ``table.accounts``); ``tier`` is a Categorical in label order; ``rank`` (see
    :func:`revenue_rank`) gives the display order, tier by tier, largest revenue first.
    """
    return _segment(table, config or ReportConfig())[0]


def _segment(table: AccountTable, config: ReportConfig) -> tuple[pd.DataFrame, tuple[float, float]]:
    """:func:`segment_accounts` and the (revenue, margin) splits its strategies were cut at."""
    accounts = table.accounts
    revenue = accounts["revenue"].to_numpy(dtype=float)
    profit = accounts["profit"].to_numpy(dtype=float)
    segments = accounts.copy()
    if segments["first_purchase"].notna().any():
        years = segments["first_purchase"].dt.year
        segments["cohort"] = pd.Categorical(years.astype("Int64"))  # years as numbers, in order
    codes = tiers.tier_codes(revenue, method=config.tier_method, cutoffs=config.cutoffs)
    segments["tier"] = pd.Categorical.from_codes(codes, categories=list(config.labels))
    segments["margin_pct"] = margins.margin_pct(revenue, profit)
    segments = segments.drop(columns=[c for c in OPTIONAL_COLUMNS if c in segments and segments[c].isna().all()])
    if "cost_to_serve" in segments:
        segments["net_profit"] = cost_to_serve.net_profit(profit, segments["cost_to_serve"].to_numpy(float))
        segments["net_margin_pct"] = margins.margin_pct(revenue, segments["net_profit"].to_numpy(float))
    revenue_split, margin_split = _splits(segments, config)
    matrix_margin = segments["net_margin_pct" if "net_margin_pct" in segments else "margin_pct"].to_numpy(float)
    segments["strategy"] = matrix.assign_strategy(revenue, matrix_margin, revenue_split, margin_split)
    segments["cltv"] = retention_cltv.cltv(profit, config.retention, config.discount)
    segments["nps_flag"] = matrix.nps_flags(revenue, accounts["nps"].to_numpy(dtype=float), revenue_split)
    segments["note"] = (
        cost_to_serve.net_margin_note(revenue, profit, segments["cost_to_serve"].to_numpy(float))
        if "cost_to_serve" in segments
        else margins.margin_note(revenue, profit)
    )
    segments["rank"] = revenue_rank(revenue)
    return segments, (revenue_split, margin_split)


def revenue_rank(revenue: np.ndarray) -> np.ndarray:
    """Rank by revenue, 1 = largest; equal revenues share the best rank; missing revenue ranks last.

    Sorting the accounts by this rank (stable, so sheet order breaks ties) lists them tier by
    tier, since every tier method is monotone in revenue and tier D holds the zero, negative
    and missing revenues, which rank last.

    Examples
    --------
    >>> revenue_rank(np.array([10.0, 50.0, np.nan, 50.0, -5.0])).tolist()
    [3, 1, 5, 1, 4]
    """
    key = np.where(np.isnan(revenue), np.inf, -revenue)
    order = np.argsort(key, kind="stable")
    ordered = key[order]
    starts = np.r_[True, ordered[1:] != ordered[:-1]] if len(ordered) else np.array([], dtype=bool)
    first_of_tie = np.maximum.accumulate(np.where(starts, np.arange(len(ordered)), 0))
    rank = np.empty(len(revenue), dtype=np.int64)
    rank[order] = first_of_tie + 1
    return rank


def group_table(segments: pd.DataFrame, by: str, config: ReportConfig) -> pd.DataFrame:
    """The margin summary (core.margins.group_summary) per value of ``by``, with average CLTV.

    ``by`` is "tier" (tiers in label order) or any column of ``segments``. With net profit
    (a cost-to-serve column) also ``net_profit`` and ``net_margin_pct``, by the same rules
    as profit and margin %.
    """
    if by not in segments:
        raise SegmenterInputError(f"no column {by!r} to summarise by")
    order = list(config.labels) if by == "tier" else band_order(segments[by]) if by == "size" else None
    groups = segments[by]
    profit = segments["profit"].to_numpy(float)
    summary = margins.group_summary(segments["revenue"].to_numpy(float), profit, groups, order=order, group_name=by)
    value = retention_cltv.cltv_by_group(profit, groups, config.retention, config.discount, order=order, group_name=by)
    summary["avg_cltv"] = summary[by].map(value.set_index(by)["avg_cltv"])
    if by == "cohort":  # years as numbers, so that Excel sorts and filters them as years
        summary[by] = [int(v) if str(v).isdigit() else v for v in summary[by]]
    if "net_profit" in segments:
        net = margins.group_summary(
            segments["revenue"].to_numpy(float),
            segments["net_profit"].to_numpy(float),
            groups,
            order=order,
            group_name=by,
        )
        summary["net_profit"], summary["net_margin_pct"] = net["profit"], net["margin_pct"]
    return summary


def group_table_from_sums(
    labels: list[str], sums: margins.GroupSums, profit_counted: np.ndarray, by: str, config: ReportConfig
) -> pd.DataFrame:
    """:func:`group_table` (without net profit) from per-group sums, e.g. a database's GROUP BY.

    ``profit_counted``: accounts with profit per group, total appended. With one retention and
    discount, CLTV is linear in the margin, so a group's total CLTV is the CLTV of its profit sum.
    """
    summary = margins.summary_from_sums(labels, sums, group_name=by)
    if by == "cohort":  # years as numbers, as group_table gives them
        summary[by] = [int(v) if str(v).isdigit() else v for v in summary[by]]
    total_cltv = retention_cltv.cltv(sums.profit, config.retention, config.discount)
    summary["avg_cltv"] = np.divide(
        total_cltv, profit_counted, out=np.full(len(profit_counted), np.nan), where=np.asarray(profit_counted) > 0
    )
    return summary


def splits_table(
    revenue_split: float,
    margin_split: float,
    config: ReportConfig,
    *,
    net: bool = False,
    sources: list[str] | None = None,
) -> pd.DataFrame:
    """The matrix splits used, their units and where each came from (``sources``, in words; by
    default whether it is the user's setting or the median)."""
    return pd.DataFrame(
        {
            "split": ["Revenue", "Net margin % (after cost to serve)" if net else "Margin %"],
            "value": [revenue_split, margin_split],
            "unit": ["currency", "share"],
            "source": sources
            or [
                "your setting" if config.revenue_split is not None else "median of the accounts",
                "your setting" if config.margin_split is not None else "median of the accounts",
            ],
        }
    )


def tier_rule(ranges: pd.DataFrame, config: ReportConfig, limits: tiers.ComputedABC | None = None) -> pd.DataFrame:
    """Which rule made the tiers and the revenue range each tier ended up with.

    ``ranges`` is indexed by tier label with columns ``min``, ``max``, ``size`` (revenue range
    and accounts of each tier present); ``limits`` the Computed ABC limits when the method is
    ``computed``.
    """
    cutoffs = effective_cutoffs(config)
    if config.tier_method == "computed":
        bounds = [f"A above {limits.ab_value:,.2f}", f"C below {limits.bc_value:,.2f}", ""]
    elif config.tier_method == "threshold":
        bounds = [f"revenue >= {c:,.0f}" for c in cutoffs] + ["revenue > 0"]
    elif config.tier_method == "pareto":
        bounds = [f"until cumulative revenue share reaches {c:.0%}" for c in cutoffs] + ["the rest with revenue > 0"]
    else:
        bounds = [f"until the share of accounts reaches {c:.0%}" for c in cutoffs] + ["the rest with revenue > 0"]
    rows = []
    for i, label in enumerate(config.labels):
        rule = "zero, negative or missing revenue" if i == len(config.labels) - 1 else bounds[i]
        count = int(ranges.loc[label, "size"]) if label in ranges.index else 0
        low = ranges.loc[label, "min"] if label in ranges.index else np.nan
        high = ranges.loc[label, "max"] if label in ranges.index else np.nan
        rows.append(
            {
                "tier": label,
                "accounts": count,
                "lowest_revenue": low,
                "highest_revenue": high,
                "method": config.tier_method,
                "rule": rule,
            }
        )
    return pd.DataFrame(rows)


def _nps_tables(segments: pd.DataFrame, config: ReportConfig) -> tuple[dict[str, pd.DataFrame], dict[str, nps.NpsGap]]:
    """NPS per tier (and per size band when the data has one), and the gap between bands."""
    scores = segments["nps"].to_numpy(float)
    tables: dict[str, pd.DataFrame] = {}
    gaps: dict[str, nps.NpsGap] = {}
    if not np.isfinite(scores).any():
        return tables, gaps
    bands = [("tier", list(config.labels))]
    if "size" in segments and segments["size"].notna().any():
        bands.append(("size", band_order(segments["size"])))
    for column, order in bands:
        by = nps.nps_by(
            scores, segments[column], order=order, min_respondents=config.min_respondents, group_name=column
        )
        gap = nps.nps_gap(by, group_name=column)
        tables[f"nps_by_{column}"] = by
        tables[f"nps_gap_{column}"] = gap.to_frame()
        gaps[column] = gap
    return tables, gaps


def headline_figures(
    accounts: int,
    tier_counts: dict[str, int],
    summary: concentration.ConcentrationSummary,
    nps_gaps: dict[str, nps.NpsGap],
    config: ReportConfig,
    majority: list[str],
) -> dict[str, object]:
    """The figures the CLI prints: accounts, accounts per tier, concentration, NPS gaps, flags
    (``majority``: :func:`majority_flag`)."""
    headline: dict[str, object] = {
        "accounts": int(accounts),
        "tiers": dict(tier_counts),
        "tier_method": config.tier_method,
        "top_share": config.top_share,
        "top_share_revenue": summary.top_fraction_share,
        "accounts_for_share": summary.accounts_for_share,
        "concentration_share": config.concentration_share,
        "hhi_points": summary.hhi_points,
        "hhi_band": summary.hhi_band,
        "gini": summary.gini,
        "flags": list(summary.flags) + majority,
    }
    headline["nps_gaps"] = nps_gaps
    return headline


def majority_flag(segments: pd.DataFrame) -> list[str]:
    """A warning when one of two or more accounts makes more than half of the positive revenue:
    a total row read as an account, or a list that is one customer and its crumbs.

    Examples
    --------
    >>> majority_flag(pd.DataFrame({"account": ["Total", "a", "b"], "revenue": [40.0, 10.0, 20.0]}))
    ["one account, 'Total', makes 57.1 % of revenue: more than half; check it is not a total or duplicate row"]
    >>> majority_flag(pd.DataFrame({"account": ["a", "b"], "revenue": [10.0, 10.0]}))
    []
    """
    revenue = segments["revenue"].to_numpy(dtype=float)
    positive = np.where(np.isfinite(revenue) & (revenue > 0), revenue, 0.0)
    if not positive.any():
        return []
    top = int(np.argmax(positive))
    return majority_flag_of(segments["account"].iloc[top], positive[top], positive.sum(), np.count_nonzero(positive))


def majority_flag_of(account: object, largest: float, positive_total: float, positive_accounts: int) -> list[str]:
    """:func:`majority_flag` from the largest account, the positive revenue total and the number of
    accounts with positive revenue (a database gives these without listing the accounts)."""
    if positive_total <= 0 or positive_accounts < 2:
        return []
    share = largest / positive_total
    if share <= 0.5:
        return []
    return [
        f"one account, '{account}', makes {share * 100:.1f} % of revenue: more than half; "
        "check it is not a total or duplicate row"
    ]
