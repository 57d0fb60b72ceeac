"""What the account report asks of an account table, and the pandas answers.

:func:`core.report.account_pipeline` builds every table of the account report from the answers
of an :class:`AccountAggregates`: a handful of figures, per-group sums, NPS counts, a revenue
ranking and a few per-account row sets. Two backends answer it:

- :class:`TableAggregates` (here): an :class:`~core.accounts.AccountTable` read from cells or
  files, in memory with numpy and pandas;
- ``warehouse.aggregates.EngineAggregates``: an ibis table on DuckDB or Spark, where each
  answer is one query and only small results come back.

What a backend answers is data, never a rule: the tables' definitions (summaries from sums,
NPS from counts, the splits, the headline) live once in :mod:`core.report` and the modules it
calls. What differs by nature stays with the backend: the Data issues (named by sheet row from
cells, by account from a table), the reading lines of a file (intake tables), and how the
per-account Segments rows are delivered (one frame in memory; batches streamed to Parquet).

Per-group sums (:func:`group_table_of`) are frames with a ``group`` column and the columns of
:data:`SUM_COLUMNS` (with a cost-to-serve column also :data:`NET_SUM_COLUMNS`; for tiers also
``lowest_revenue`` and ``highest_revenue``), one row per group value; NPS counts are frames with
``group`` and :data:`NPS_COLUMNS`. Group values are either positions in a known order (tier
codes, strategy codes) or the raw values of a column, which :func:`core.groups.group_codes`
reads into labels here, so both backends label alike.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import pandas as pd

from core import cost_to_serve, margins, matrix, nps, retention_cltv, tiers
from core.accounts import AccountTable
from core.concentration import Ranking, ranked_revenue
from core.config import ReportConfig
from core.data_issues import summarise_issues
from core.exports import account_coverage, intake_tables, reading_lines
from core.groups import band_order, group_codes, group_sums

#: Summaries by these account columns, besides the tier, when the data has them.
DIMENSIONS = ("industry", "size", "region", "cohort", "channel")
#: Columns of the account table that only appear in ``segments`` when the data has them.
OPTIONAL_COLUMNS = ("cost_to_serve", "channel")
#: Per-group sums behind a summary table (core.margins.GroupSums plus accounts with profit).
SUM_COLUMNS = ("accounts", "revenue", "profit", "paired_revenue", "paired_profit", "revenue_counted", "profit_counted")
#: The same sums of net profit (profit after cost to serve), when the data has a cost to serve.
NET_SUM_COLUMNS = ("net_profit", "net_paired_revenue", "net_paired_profit", "net_profit_counted")
#: NPS answers per group: promoters (9-10), passives (7-8), detractors (0-6).
NPS_COLUMNS = ("promoters", "passives", "detractors")
#: Columns of the accounts-to-watch list (with ``sheet_row`` when the accounts have one).
WATCH_COLUMNS = ("account", "tier", "revenue", "margin_pct", "nps", "strategy", "nps_flag")


@dataclass(frozen=True)
class AccountFigures:
    """Counts and totals of an account table, asked before anything else.

    ``accounts``: rows; ``positive``: accounts with revenue > 0 and ``positive_total`` their
    revenue (currency units); ``has_profit``: some account has a profit; ``net``: some account
    has a cost to serve (the matrix then reads net margin); ``dimensions``: the
    :data:`DIMENSIONS` some account has a value of; ``source``: what the accounts were read from,
    in words ("selection", "table"); ``no_revenue_why``: what a refusal for no positive revenue
    adds (e.g. the first rejected revenue cell), "" when nothing.
    """

    accounts: int
    positive: int
    positive_total: float
    has_profit: bool
    net: bool
    dimensions: tuple[str, ...]
    source: str = "selection"
    no_revenue_why: str = ""


@dataclass(frozen=True)
class SplitMedians:
    """What the matrix splits' medians read (core.matrix.matrix_splits): the revenue and margin
    medians over the accounts the matrix can place (revenue > 0, margin defined); when none can
    be placed, the revenue median over the accounts with revenue > 0 and a NaN margin."""

    revenue: float
    margin: float


@dataclass(frozen=True)
class ChannelMix:
    """Channel values with their positive revenue, as core.channels.channel_mix_warning reads them:
    one per account (``accounts`` None), or one per distinct channel with its account count."""

    channels: np.ndarray
    revenue: np.ndarray
    accounts: np.ndarray | None = None


@dataclass(frozen=True)
class PeriodRevenue:
    """What core.growth.growth_tables reads: revenue per period (one column per label, oldest
    first, rows aligned with ``accounts``), the accounts (``account``, current ``tier``, ``rank``,
    ``sheet_row``, ``channel`` when present), the years from the first period; ``sheet_rows``:
    the accounts have sheet rows (else the column is dropped from the per-account tables);
    ``row_limit``: the per-account growth table keeps this many rows (None: all)."""

    labels: tuple[str, ...]
    revenue: pd.DataFrame
    accounts: pd.DataFrame
    years: tuple[float, ...]
    sheet_rows: bool = True
    row_limit: int | None = None


class AccountAggregates(Protocol):
    """The questions :func:`core.report.account_pipeline` asks of an account table.

    Asked in this order: :meth:`figures`; :meth:`assign_tiers`; the splits' inputs
    (:meth:`finance_defaults`, :meth:`split_medians` when a median is needed);
    :meth:`assign_strategies`; then the rest in any order. ``config`` is the run's settings.
    """

    config: ReportConfig
    columns_read: dict[str, str]

    def figures(self) -> AccountFigures:
        """Counts and totals (:class:`AccountFigures`)."""

    def assign_tiers(self) -> tiers.ComputedABC | None:
        """Give every account its tier (core.tiers' rule); the Computed ABC limits when that is the method."""

    def finance_defaults(self) -> tuple[float | None, float | None]:
        """core.matrix.finance_splits: the lowest positive revenue of the top tier and the portfolio
        margin of the placeable accounts (None when there is none), of net profit when ``net``."""

    def split_medians(self) -> SplitMedians:
        """The medians of :class:`SplitMedians`."""

    def assign_strategies(self, splits: tuple[float, float]) -> None:
        """Give every account its matrix cell (core.matrix.strategy_codes) at these splits."""

    def group_sums(self, by: Sequence[str]) -> dict[str, pd.DataFrame]:
        """Per-group sums (module docstring) for each of ``by``: "tier" and "strategy" (groups
        are positions: tier codes in label order, strategy codes 0-4) or a dimension (groups
        are the column's values; the cohort is the first-purchase year)."""

    def nps_counts(self, by: str) -> pd.DataFrame:
        """NPS answers per group of ``by`` ("tier": tier codes; "size": the column's values)."""

    def ranking(self) -> Ranking:
        """The revenues >= 0 ranked largest first (core.concentration.Ranking)."""

    def watch_candidates(self, revenue_split: float) -> pd.DataFrame:
        """Segments rows (:data:`WATCH_COLUMNS`) of at least every account with an NPS flag."""

    def data_issues(self) -> pd.DataFrame:
        """The Data issues table (core.cells.ISSUE_COLUMNS), rejected first."""

    def channel_mix(self) -> ChannelMix | None:
        """The channels and their revenue; None without a channel column."""

    def period_revenue(self) -> PeriodRevenue | None:
        """Revenue per period with the accounts' current tier; None with fewer than two periods."""

    def matrix_profit(self) -> np.ndarray:
        """Per account, the profit the matrix reads (net of cost to serve with ``net``)."""

    def largest_account(self) -> tuple[object, float]:
        """The account with the largest positive revenue and that revenue."""

    def quadrant_accounts(self, count: int) -> pd.DataFrame:
        """Segments rows the Overview's quadrant may show: at least the ``count`` largest."""

    def intake_tables(self) -> dict[str, pd.DataFrame]:
        """What was read as what and the accounts' coverage (core.exports), when known."""

    def segments_table(self) -> pd.DataFrame | None:
        """The ``segments`` table when it is held in memory; None when it is streamed."""

    def segment_batches(self, rows_per_batch: int = 250_000) -> Iterator[pd.DataFrame]:
        """The Segments rows, largest revenue first, a batch at a time."""


# ------------------------------------------------------------------ per-account columns


def account_margins(revenue: np.ndarray, profit: np.ndarray, cost: np.ndarray | None) -> dict[str, np.ndarray]:
    """Per account: ``margin_pct``, and with a cost to serve ``net_profit`` and ``net_margin_pct``.

    Examples
    --------
    >>> {k: v.tolist() for k, v in account_margins(np.array([100.0]), np.array([30.0]), np.array([5.0])).items()}
    {'margin_pct': [0.3], 'net_profit': [25.0], 'net_margin_pct': [0.25]}
    """
    columns = {"margin_pct": margins.margin_pct(revenue, profit)}
    if cost is not None:
        columns["net_profit"] = cost_to_serve.net_profit(profit, cost)
        columns["net_margin_pct"] = margins.margin_pct(revenue, columns["net_profit"])
    return columns


def account_actions(
    revenue: np.ndarray,
    profit: np.ndarray,
    matrix_margin: np.ndarray,
    answers: np.ndarray,
    cost: np.ndarray | None,
    splits: tuple[float, float],
    config: ReportConfig,
) -> dict[str, np.ndarray]:
    """Per account: ``strategy_code`` (core.matrix.strategy_codes), ``cltv``, ``nps_flag`` and
    ``note`` (why a margin is undefined), by the rules of core.matrix, core.retention_cltv and
    core.margins / core.cost_to_serve; ``matrix_margin`` is the margin the matrix reads.

    Examples
    --------
    >>> out = account_actions(np.array([500.0, 10.0]), np.array([100.0, np.nan]), np.array([0.2, np.nan]),
    ...                       np.array([3.0, np.nan]), None, (100.0, 0.1), ReportConfig())
    >>> out["strategy_code"].tolist(), out["nps_flag"].tolist(), out["note"].tolist()
    ([0, 4], ['At risk', ''], ['', 'profit missing'])
    """
    return {
        "strategy_code": matrix.strategy_codes(revenue, matrix_margin, *splits),
        "cltv": retention_cltv.cltv(profit, config.retention, config.discount),
        "nps_flag": matrix.nps_flags(revenue, answers, splits[0]),
        "note": (
            cost_to_serve.net_margin_note(revenue, profit, cost)
            if cost is not None
            else margins.margin_note(revenue, profit)
        ),
    }


#: Strategy names by code (core.matrix.strategy_codes), "" for an account the matrix cannot place.
STRATEGY_NAMES = np.array([*matrix.STRATEGIES, ""], dtype=object)


# ------------------------------------------------------------------ tables from sums


def group_sums_frame(
    codes: np.ndarray,
    k: int,
    group: Sequence[object],
    revenue: np.ndarray,
    profit: np.ndarray,
    net_profit: np.ndarray | None = None,
) -> pd.DataFrame:
    """Per-group sums (module docstring) of per-account figures, groups ``codes`` 0..k-1 named by ``group``.

    Examples
    --------
    >>> frame = group_sums_frame(np.array([0, 0, 1]), 2, ["A", "B"], np.array([10.0, 5.0, np.nan]),
    ...                          np.array([2.0, np.nan, 1.0]))
    >>> frame[["group", "accounts", "revenue", "paired_revenue", "profit_counted"]].to_dict("list")
    {'group': ['A', 'B'], 'accounts': [2.0, 1.0], 'revenue': [15.0, 0.0], 'paired_revenue': [10.0, 0.0], \
'profit_counted': [1.0, 1.0]}
    """

    def per(weights: np.ndarray | None = None) -> np.ndarray:
        return np.bincount(codes, weights=weights, minlength=k).astype(float)

    revenue_present = ~np.isnan(revenue)
    both = revenue_present & ~np.isnan(profit)
    columns = {
        "group": list(group),
        "accounts": per(),
        "revenue": per(np.where(revenue_present, revenue, 0.0)),
        "profit": per(np.nan_to_num(profit, nan=0.0)),
        "paired_revenue": per(np.where(both, revenue, 0.0)),
        "paired_profit": per(np.where(both, profit, 0.0)),
        "revenue_counted": per(revenue_present.astype(float)),
        "profit_counted": per((~np.isnan(profit)).astype(float)),
    }
    if net_profit is not None:
        net_both = revenue_present & ~np.isnan(net_profit)
        columns["net_profit"] = per(np.nan_to_num(net_profit, nan=0.0))
        columns["net_paired_revenue"] = per(np.where(net_both, revenue, 0.0))
        columns["net_paired_profit"] = per(np.where(net_both, net_profit, 0.0))
        columns["net_profit_counted"] = per((~np.isnan(net_profit)).astype(float))
    return pd.DataFrame(columns)


def _labelled(
    frame: pd.DataFrame, by: str, order: Sequence[str] | None, positions: bool
) -> tuple[np.ndarray, list[str]]:
    """Group codes of a sums frame's rows and the labels they index (module docstring)."""
    if positions:
        return frame["group"].to_numpy(dtype=np.int64), list(order)
    values = frame["group"].to_numpy(dtype=object)
    if by == "size" and order is None:
        order = band_order(pd.Series(values).dropna().astype(str).str.strip().tolist())
    return group_codes(values, order)


def sums_of(frame: pd.DataFrame, codes: np.ndarray, k: int, *, net: bool = False) -> margins.GroupSums:
    """The core.margins.GroupSums of a per-group sums frame (``net``: of net profit)."""
    names = [f"net_{name}" if net and ("profit" in name or name == "paired_revenue") else name for name in SUM_COLUMNS]
    return margins.GroupSums(*(group_sums(codes, k, frame[name].to_numpy(dtype=float)) for name in names))


def group_table_of(
    frame: pd.DataFrame,
    by: str,
    config: ReportConfig,
    *,
    order: Sequence[str] | None = None,
    positions: bool = False,
) -> pd.DataFrame:
    """The margin summary per value of ``by`` (core.margins.summary_from_sums) with average CLTV,
    and with net profit also ``net_profit`` and ``net_margin_pct``, from per-group sums.

    ``positions``: the ``group`` column holds positions in ``order`` (tier codes); else group
    values are read by core.groups.group_codes (stripped, blank as "(blank)", years as "2019";
    values that read the same merge), ``order`` first, size bands in size order. With one
    retention and discount, CLTV is linear in profit, so a group's total CLTV is the CLTV of its
    profit sum, and the average divides it by the accounts with a profit.

    Examples
    --------
    >>> sums = group_sums_frame(np.array([0, 1]), 2, ["x", "y"], np.array([80.0, 20.0]), np.array([8.0, 4.0]))
    >>> table = group_table_of(sums, "industry", ReportConfig(retention=0.8, discount=0.1))
    >>> table[["industry", "revenue", "margin_pct", "avg_cltv"]].round(3).to_dict("list")
    {'industry': ['x', 'y', 'Total'], 'revenue': [80.0, 20.0, 100.0], 'margin_pct': [0.1, 0.2, 0.12], \
'avg_cltv': [21.333, 10.667, 16.0]}
    """
    codes, labels = _labelled(frame, by, order, positions)
    k = len(labels)
    sums = sums_of(frame, codes, k)
    summary = margins.summary_from_sums(labels, sums, group_name=by)
    if by == "cohort":  # years as numbers, so that Excel sorts and filters them as years
        summary[by] = [int(v) if str(v).isdigit() else v for v in summary[by]]
    profit_counted = group_sums(codes, k, frame["profit_counted"].to_numpy(dtype=float))
    total_cltv = retention_cltv.cltv(sums.profit, config.retention, config.discount)
    summary["avg_cltv"] = np.divide(
        total_cltv, profit_counted, out=np.full(len(profit_counted), np.nan), where=profit_counted > 0
    )
    if "net_profit" in frame:
        net = margins.summary_from_sums(labels, sums_of(frame, codes, k, net=True), group_name=by)
        summary["net_profit"], summary["net_margin_pct"] = net["profit"].to_numpy(), net["margin_pct"].to_numpy()
    return summary


def nps_table_of(
    counts: pd.DataFrame,
    by: str,
    config: ReportConfig,
    *,
    order: Sequence[str] | None = None,
    positions: bool = False,
) -> pd.DataFrame:
    """core.nps.nps_from_counts per value of ``by`` from NPS counts per group (groups read as in
    :func:`group_table_of`).

    Examples
    --------
    >>> counts = pd.DataFrame({"group": [0, 1], "promoters": [2, 0], "passives": [0, 1], "detractors": [1, 0]})
    >>> nps_table_of(counts, "tier", ReportConfig(), order=["A", "B"], positions=True)["nps"].round(2).tolist()
    [33.33, 0.0, 25.0]
    """
    codes, labels = _labelled(counts, by, order, positions)
    return nps.nps_from_counts(
        labels,
        *(group_sums(codes, len(labels), counts[c].to_numpy(dtype=float)) for c in NPS_COLUMNS),
        min_respondents=config.min_respondents,
        group_name=by,
    )


# ------------------------------------------------------------------ the pandas backend


class TableAggregates:
    """:class:`AccountAggregates` answered from an :class:`~core.accounts.AccountTable` in memory.

    Its ``segments`` frame (the report's ``segments`` table) is built as the pipeline asks:
    the input columns, ``cohort``, ``tier``, the margins, then ``strategy``, ``cltv``,
    ``nps_flag``, ``note`` and ``rank``; in input order, index as ``table.accounts``.
    """

    def __init__(self, table: AccountTable, config: ReportConfig | None = None) -> None:
        self.table = table
        self.config = config or ReportConfig()
        self.columns_read = dict(table.columns)
        self.segments: pd.DataFrame | None = None
        self._revenue = table.accounts["revenue"].to_numpy(dtype=float)
        self._profit = table.accounts["profit"].to_numpy(dtype=float)
        self._tier_codes: np.ndarray | None = None
        self._strategy: np.ndarray | None = None
        self._value_codes: dict[str, tuple[np.ndarray, list[object]]] = {}  # per column, asked twice for size
        self._nps_coding: np.ndarray | None = None

    def _codes_of(self, column: str) -> tuple[np.ndarray, list[object]]:
        if column not in self._value_codes:
            self._value_codes[column] = value_codes(self.segments[column])
        return self._value_codes[column]

    def figures(self) -> AccountFigures:
        accounts, revenue = self.table.accounts, self._revenue
        positive = revenue > 0

        def filled(column: str) -> bool:
            return column in accounts and bool(accounts[column].notna().any())

        why = ""
        if not positive.any():
            revenue_column = self.table.columns.get("revenue", "revenue")
            issues = self.table.issues
            rejected = issues[(issues["action"] == "rejected") & (issues["column"] == revenue_column)]
            if len(rejected):
                why = (
                    f" ({len(rejected):,} revenue cell(s) rejected, e.g. row {rejected['sheet_row'].iloc[0]}: "
                    f"{rejected['reason'].iloc[0]})"
                )
        return AccountFigures(
            accounts=len(accounts),
            positive=int(np.count_nonzero(positive)),
            positive_total=float(revenue[positive].sum()),
            has_profit=bool((~np.isnan(self._profit)).any()),
            net=filled("cost_to_serve"),
            dimensions=tuple(d for d in DIMENSIONS if filled("first_purchase" if d == "cohort" else d)),
            no_revenue_why=why,
        )

    def assign_tiers(self) -> tiers.ComputedABC | None:
        config, revenue = self.config, self._revenue
        segments = self.table.accounts.copy()
        if segments["first_purchase"].notna().any():
            years = segments["first_purchase"].dt.year
            segments["cohort"] = pd.Categorical(years.astype("Int64"))  # years as numbers, in order
        self._tier_codes = tiers.tier_codes(revenue, method=config.tier_method, cutoffs=config.cutoffs)
        segments["tier"] = pd.Categorical.from_codes(self._tier_codes, categories=list(config.labels))
        segments = segments.drop(columns=[c for c in OPTIONAL_COLUMNS if c in segments and segments[c].isna().all()])
        cost = segments["cost_to_serve"].to_numpy(float) if "cost_to_serve" in segments else None
        for name, values in account_margins(revenue, self._profit, cost).items():
            segments[name] = values
        self.segments = segments
        return tiers.computed_abc(revenue) if config.tier_method == "computed" else None

    @property
    def _net(self) -> bool:
        return "net_profit" in self.segments

    def _matrix_margin(self) -> np.ndarray:
        return self.segments["net_margin_pct" if self._net else "margin_pct"].to_numpy(float)

    def matrix_profit(self) -> np.ndarray:
        return self.segments["net_profit" if self._net else "profit"].to_numpy(float)

    def finance_defaults(self) -> tuple[float | None, float | None]:
        return matrix.finance_splits(self._revenue, self.matrix_profit(), self._matrix_margin(), self._tier_codes == 0)

    def split_medians(self) -> SplitMedians:
        revenue, margin = self._revenue, self._matrix_margin()
        placed = (revenue > 0) & ~np.isnan(margin)
        if placed.any():
            return SplitMedians(float(np.median(revenue[placed])), float(np.median(margin[placed])))
        return SplitMedians(float(np.median(revenue[revenue > 0])), np.nan)

    def assign_strategies(self, splits: tuple[float, float]) -> None:
        segments, revenue = self.segments, self._revenue
        cost = segments["cost_to_serve"].to_numpy(float) if "cost_to_serve" in segments else None
        answers = self.table.accounts["nps"].to_numpy(dtype=float)
        actions = account_actions(revenue, self._profit, self._matrix_margin(), answers, cost, splits, self.config)
        self._strategy = actions.pop("strategy_code")
        segments["strategy"] = STRATEGY_NAMES[self._strategy]
        segments["cltv"], segments["nps_flag"], segments["note"] = actions["cltv"], actions["nps_flag"], actions["note"]
        segments["rank"] = revenue_rank(revenue)

    def group_sums(self, by: Sequence[str]) -> dict[str, pd.DataFrame]:
        net_profit = self.segments["net_profit"].to_numpy(float) if self._net else None
        out = {}
        for name in by:
            if name == "tier":
                codes, k = self._tier_codes, len(self.config.labels)
                group = list(range(k))
            elif name == "strategy":
                codes, k = self._strategy, len(STRATEGY_NAMES)
                group = list(range(k))
            else:
                codes, group = self._codes_of(name)
                k = len(group)
            out[name] = group_sums_frame(codes, k, group, self._revenue, self._profit, net_profit)
            if name == "tier":
                ranges = (
                    pd.DataFrame({"tier": codes, "revenue": self._revenue})
                    .groupby("tier")["revenue"]
                    .agg(["min", "max"])
                )
                out[name]["lowest_revenue"] = ranges["min"].reindex(range(k)).to_numpy()
                out[name]["highest_revenue"] = ranges["max"].reindex(range(k)).to_numpy()
        return out

    def nps_counts(self, by: str) -> pd.DataFrame:
        if self._nps_coding is None:
            self._nps_coding = nps.nps_coding(self.table.accounts["nps"].to_numpy(dtype=float))
        coding = self._nps_coding
        if by == "tier":
            codes, k = self._tier_codes, len(self.config.labels)
            group = list(range(k))
        else:
            codes, group = self._codes_of(by)
            k = len(group)
        counts = {c: np.bincount(codes, weights=(coding == v), minlength=k) for c, v in zip(NPS_COLUMNS, (1, 0, -1))}
        return pd.DataFrame({"group": group, **counts})

    def ranking(self) -> Ranking:
        return ranked_revenue(self._revenue)

    def watch_candidates(self, revenue_split: float) -> pd.DataFrame:
        segments = self.segments
        return segments.loc[segments["nps_flag"] != "", [*WATCH_COLUMNS, "sheet_row"]]

    def data_issues(self) -> pd.DataFrame:
        return summarise_issues(self.table.issues)

    def channel_mix(self) -> ChannelMix | None:
        if "channel" not in self.segments:
            return None
        return ChannelMix(self.segments["channel"].to_numpy(dtype=object), self._revenue)

    def period_revenue(self) -> PeriodRevenue | None:
        table = self.table
        if len(table.periods) < 2:
            return None
        return PeriodRevenue(tuple(table.periods), table.period_revenue, self.segments, tuple(table.period_years))

    def largest_account(self) -> tuple[object, float]:
        positive = np.where(np.isfinite(self._revenue) & (self._revenue > 0), self._revenue, 0.0)
        top = int(np.argmax(positive))
        return self.segments["account"].iloc[top], float(positive[top])

    def quadrant_accounts(self, count: int) -> pd.DataFrame:
        return self.segments

    def intake_tables(self) -> dict[str, pd.DataFrame]:
        table = self.table
        return intake_tables(
            account_coverage(table.accounts, table.issues, table.columns.get("revenue")),
            reading_lines(table.columns, table.alternatives, table.said),
        )

    def segments_table(self) -> pd.DataFrame | None:
        return self.segments

    def segment_batches(self, rows_per_batch: int = 250_000) -> Iterator[pd.DataFrame]:
        ordered = self.segments.iloc[np.argsort(self.segments["rank"].to_numpy(), kind="stable")]
        for start in range(0, len(ordered), rows_per_batch):
            yield ordered.iloc[start : start + rows_per_batch]


def value_codes(values: pd.Series) -> tuple[np.ndarray, list[object]]:
    """Codes of a column's distinct values and the values (None for missing), as a database's
    GROUP BY gives them; core labels them (:func:`group_table_of`)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes, uniques = np.asarray(values.cat.codes, dtype=np.int64), list(values.cat.categories)
    else:
        codes, found = pd.factorize(values.to_numpy(dtype=object))
        uniques = list(found)
    if (codes < 0).any():
        codes = np.where(codes < 0, len(uniques), codes)
        uniques.append(None)
    return codes, uniques


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
