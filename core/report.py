"""One pipeline: an account table's aggregates and a config in, every named result table out.

:func:`account_pipeline` builds the report from the answers of an aggregates backend
(:class:`core.aggregates.AccountAggregates`): in memory (:func:`run_report`, what the ribbon's
"Segment selection", the CLI and the demo run) or in a database engine
(``warehouse.report.account_report``), by the same code. It only combines the engine's modules;
each figure's definition lives in the module that computes it (tiers, margins, concentration,
nps, matrix, lifetime). The result is a :class:`Report` whose ``tables`` are keyed by stable
names that the sheet catalogue (writers/catalogue.py) places on sheets.

Tables (all columns snake_case, shares and margins as fractions):

``segments``
    One row per account, input columns plus ``tier``, ``margin_pct``, ``strategy``, ``cltv``,
    ``nps_flag`` and ``note`` (why a margin or strategy is undefined), with ``rank`` (1 = largest
    revenue; the sheet lists accounts in rank order) and the account's ``sheet_row``.
``tier_summary``
    Per tier: accounts, revenue, profit, margin %, shares, average revenue, average CLTV, and the
    lowest and highest revenue in the tier. ``tier_rule`` says which rule made the tiers.
    When no account has a profit, profit, margin and their shares are blank (NaN, not 0) in every
    summary and in the matrix, and ``profit_note`` says why, once
    (:func:`core.margins.profit_unknown_note`).
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

from core import channels, concentration, growth, margins, matrix, nps, tiers, whale
from core.accounts import AccountTable
from core.aggregates import (
    DIMENSIONS as DIMENSIONS,
)
from core.aggregates import (
    NPS_COLUMNS,
    WATCH_COLUMNS,
    AccountAggregates,
    PeriodRevenue,
    SplitMedians,
    TableAggregates,
    group_sums_frame,
    group_table_of,
    nps_table_of,
    sums_of,
    value_codes,
)
from core.aggregates import (
    revenue_rank as revenue_rank,
)
from core.config import MEDIAN, ReportConfig, effective_cutoffs
from core.errors import SegmenterInputError
from core.overview import MATRIX_POINTS, overview_tables

PARETO_POINTS = 41


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
    """Run the whole analysis on a validated account table: :func:`account_pipeline` answered
    in memory (:class:`core.aggregates.TableAggregates`).

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
    return account_pipeline(TableAggregates(table, config))


def account_pipeline(aggregates: AccountAggregates) -> Report:
    """The account report from the answers of an aggregates backend (:mod:`core.aggregates`):
    every table of the module docstring, the same rules whether the accounts are in memory or in
    a database engine (``warehouse.report.account_report``).

    Raises
    ------
    SegmenterInputError
        No accounts, or no account with a positive revenue (nothing to segment).
    """
    config = aggregates.config
    figures = aggregates.figures()
    if figures.accounts == 0:
        raise SegmenterInputError(f"no accounts in the {figures.source}")
    if figures.positive == 0:
        raise SegmenterInputError(
            f"no account has a positive revenue: nothing to segment{figures.no_revenue_why}", column="revenue"
        )
    limits = aggregates.assign_tiers()
    splits, has_top = matrix_splits_of(aggregates)
    aggregates.assign_strategies(splits)
    labels = list(config.labels)

    tables: dict[str, pd.DataFrame] = {}
    segments = aggregates.segments_table()
    if segments is not None:
        tables["segments"] = segments
    sums = aggregates.group_sums(["tier", "strategy", *figures.dimensions])
    tables["tier_summary"] = group_table_of(sums["tier"], "tier", config, order=labels, positions=True)
    if not figures.has_profit:
        tables["profit_note"] = pd.DataFrame(
            {"note": [margins.profit_unknown_note(aggregates.columns_read.get("profit"))]}
        )
    tables["tier_rule"] = tier_rule(tier_ranges(sums["tier"], labels), config, limits)
    for dimension in figures.dimensions:
        tables[f"by_{dimension}"] = group_table_of(sums[dimension], dimension, config)

    ranking = aggregates.ranking()
    summary = concentration.concentration_summary_of(
        ranking,
        top_share=config.top_share,
        concentration_share=config.concentration_share,
        large_account_share=config.large_account_share,
        hhi_moderate=config.hhi_moderate,
        hhi_high=config.hhi_high,
    )
    tables["concentration"] = summary.to_frame()
    # 41 points (every 2.5 % of accounts): the curve reads the same and the table prints on one page
    tables["pareto_curve"] = concentration.pareto_curve_of(ranking, max_points=PARETO_POINTS)

    nps_tables, nps_gaps = nps_tables_of(aggregates, "size" in figures.dimensions)
    tables.update(nps_tables)

    cells = [*matrix.STRATEGIES, matrix.UNCLASSIFIED]
    per_cell = sums["strategy"]
    codes = per_cell["group"].to_numpy(dtype=np.int64)
    by_cell = margins.summary_from_sums(
        cells, sums_of(per_cell, codes, len(cells), net=figures.net), group_name="strategy"
    )
    tables["matrix"] = matrix.matrix_rows(by_cell)
    tables["matrix_splits"] = splits_table(*splits, config, net=figures.net, sources=split_sources(config, has_top))
    tables.update(watch_tables(watch_list(aggregates.watch_candidates(splits[0]))))
    tables["data_issues"] = aggregates.data_issues()
    mix = aggregates.channel_mix()
    warning = channels.channel_mix_warning(mix.channels, mix.revenue, mix.accounts) if mix is not None else ""
    if warning:
        tables["channel_warning"] = pd.DataFrame({"warning": [warning]})
    periods = aggregates.period_revenue()
    if periods is not None:
        tables.update(period_tables(periods, config))

    if figures.has_profit:
        curve = whale.whale_curve(aggregates.matrix_profit())
        tables["whale"] = curve.to_frame("net profit (after cost to serve)" if figures.net else "profit")
        if curve.defined:
            tables["whale_points"] = curve.chart_points()
    tables.update(aggregates.intake_tables())
    tables.update(overview_tables(tables, config, segments=aggregates.quadrant_accounts(MATRIX_POINTS)))
    per_tier = sums["tier"]
    tier_counts = np.bincount(
        per_tier["group"].to_numpy(dtype=np.int64), weights=per_tier["accounts"].to_numpy(float), minlength=len(labels)
    )
    headline = headline_figures(
        figures.accounts,
        dict(zip(labels, tier_counts.astype(int).tolist())),
        summary,
        nps_gaps,
        config,
        majority_flag_of(*aggregates.largest_account(), figures.positive_total, figures.positive),
    )
    headline["flags"] += [warning] if warning else []
    if "growth_by_tier" in tables:
        headline["growth"] = growth_headline(tables, periods.labels)
    return Report(tables=tables, headline=headline, config=config, columns_read=dict(aggregates.columns_read))


def matrix_splits_of(aggregates: AccountAggregates) -> tuple[tuple[float, float], bool]:
    """The matrix splits: the user's, the median when asked, else the finance defaults
    (:func:`core.matrix.finance_splits`: high revenue = tier A, high margin = the portfolio's
    margin); and whether the top tier has accounts (the default revenue split exists).

    The medians are asked only when a split is the median; the median of one value is that
    value, so :func:`core.matrix.matrix_splits`, given the medians, applies its own checks.
    """
    config = aggregates.config
    top_min, portfolio = aggregates.finance_defaults()
    chosen = [
        default if setting is None else None if setting == MEDIAN else setting
        for setting, default in zip((config.revenue_split, config.margin_split), (top_min, portfolio))
    ]
    medians = aggregates.split_medians() if None in chosen else SplitMedians(np.nan, np.nan)
    return matrix.matrix_splits([medians.revenue], [medians.margin], *chosen), top_min is not None


def tier_ranges(per_tier: pd.DataFrame, labels: list[str]) -> pd.DataFrame:
    """The revenue range and accounts of each tier present (for :func:`tier_rule`), from per-tier
    sums with ``lowest_revenue`` and ``highest_revenue`` (groups are tier codes)."""
    present = per_tier[per_tier["accounts"] > 0].set_index("group").sort_index()
    return pd.DataFrame(
        {
            "min": present["lowest_revenue"].to_numpy(float),
            "max": present["highest_revenue"].to_numpy(float),
            "size": present["accounts"].to_numpy(np.int64),
        },
        index=[labels[int(c)] for c in present.index],
    )


def watch_list(candidates: pd.DataFrame) -> pd.DataFrame:
    """The accounts flagged by their NPS answer (core.matrix.nps_flags) with the action to take,
    by flag then revenue from the largest (ties keep the candidates' order)."""
    columns = [*WATCH_COLUMNS, *(["sheet_row"] if "sheet_row" in candidates else [])]
    watch = candidates.loc[candidates["nps_flag"] != "", columns]
    watch = watch.assign(action=watch["nps_flag"].map(matrix.FLAG_ACTIONS))
    return watch.sort_values(["nps_flag", "revenue"], ascending=[True, False]).reset_index(drop=True)


def period_tables(periods: PeriodRevenue, config: ReportConfig) -> dict[str, pd.DataFrame]:
    """:func:`core.growth.growth_tables` of the period revenue; without sheet rows the per-account
    tables have no ``sheet_row`` column, and the ``growth`` table keeps ``row_limit`` rows."""
    tables = growth.growth_tables(periods.revenue, periods.accounts, config, periods.years)
    if periods.row_limit is not None:
        tables["growth"] = tables["growth"].iloc[: periods.row_limit]
    if not periods.sheet_rows:
        for name in ("growth", "fallen_from_a"):
            tables[name] = tables[name].drop(columns="sheet_row")
    return tables


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
    aggregates = TableAggregates(table, config)
    aggregates.assign_tiers()
    aggregates.assign_strategies(matrix_splits_of(aggregates)[0])
    return aggregates.segments


def group_table(segments: pd.DataFrame, by: str, config: ReportConfig) -> pd.DataFrame:
    """The margin summary (core.margins.summary_from_sums) per value of ``by``, with average CLTV
    (:func:`core.aggregates.group_table_of`), from :func:`segment_accounts`' frame.

    ``by`` is "tier" (tiers in label order) or any column of ``segments``. With net profit
    (a cost-to-serve column) also ``net_profit`` and ``net_margin_pct``, by the same rules
    as profit and margin %.
    """
    if by not in segments:
        raise SegmenterInputError(f"no column {by!r} to summarise by")
    codes, group = value_codes(segments[by])
    sums = group_sums_frame(
        codes,
        len(group),
        group,
        segments["revenue"].to_numpy(float),
        segments["profit"].to_numpy(float),
        segments["net_profit"].to_numpy(float) if "net_profit" in segments else None,
    )
    return group_table_of(sums, by, config, order=list(config.labels) if by == "tier" else None)


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


def nps_tables_of(
    aggregates: AccountAggregates, by_size: bool
) -> tuple[dict[str, pd.DataFrame], dict[str, nps.NpsGap]]:
    """NPS per tier (and per size band with ``by_size``) and the gap between bands, when some
    account answered."""
    tables: dict[str, pd.DataFrame] = {}
    gaps: dict[str, nps.NpsGap] = {}
    per_tier = aggregates.nps_counts("tier")
    if not per_tier[list(NPS_COLUMNS)].to_numpy().sum() > 0:
        return tables, gaps
    config = aggregates.config
    bands = [("tier", per_tier, list(config.labels))]
    if by_size:
        bands.append(("size", aggregates.nps_counts("size"), None))
    for column, counts, order in bands:
        by = nps_table_of(counts, column, config, order=order, positions=order is not None)
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
    (``majority``: :func:`majority_flag_of`)."""
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


def majority_flag_of(account: object, largest: float, positive_total: float, positive_accounts: int) -> list[str]:
    """A warning when one of two or more accounts makes more than half of the positive revenue: a
    total row read as an account, or a list that is one customer and its crumbs. Read from the
    largest account, its revenue, the positive revenue total and the number of accounts with
    positive revenue (a database gives these without listing the accounts).

    Examples
    --------
    >>> majority_flag_of("Total", 40.0, 70.0, 3)
    ["one account, 'Total', makes 57.1 % of revenue: more than half; check it is not a total or duplicate row"]
    >>> majority_flag_of("a", 10.0, 20.0, 2)
    []
    """
    if positive_total <= 0 or positive_accounts < 2:
        return []
    share = largest / positive_total
    if share <= 0.5:
        return []
    return [
        f"one account, '{account}', makes {share * 100:.1f} % of revenue: more than half; "
        "check it is not a total or duplicate row"
    ]
