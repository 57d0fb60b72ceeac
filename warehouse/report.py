"""The account report from a warehouse table: the engine aggregates, core/ defines every figure.

:func:`account_report` runs the expressions of :mod:`warehouse.queries` on an ibis table of
accounts (DuckDB or Spark) and builds the same :class:`core.report.Report` tables as
:func:`core.report.run_report`, from small results: per-tier, per-group and per-strategy
sums go through :func:`core.report.group_table_from_sums` and :func:`core.matrix.matrix_rows`,
NPS counts through :func:`core.nps.nps_from_counts`, the ranking through
:func:`core.concentration.concentration_summary_of` (core asks, :class:`EngineRanking`
answers with one query per question). Only the ``segments`` table is per account:
:func:`segment_frame` adds core's per-account columns (margin, strategy, CLTV, NPS flag, note)
to each batch the engine streams, largest revenue first; :func:`warehouse.run.write_accounts`
keeps the first 1,048,575 for the Segments sheet and writes all of them to Parquet.

Cost to serve (net profit and net margin, :mod:`core.cost_to_serve`) is summed in the engine
like profit; the channel mix warning reads the accounts and positive revenue per distinct
channel; with two or more period columns the per-account period revenue, tier and rank come
back once and :func:`core.growth.growth_tables` makes the growth and migration tables.

Differences from an account list read from cells: there are no sheet rows (the engine's
table has no row numbers), so ``data_issues`` names each row by its account and lists the
first :data:`ISSUE_EXAMPLES` of each kind of problem with the count of the rest; profit is
read as an amount.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import ibis
import numpy as np
import pandas as pd

from core import channels, concentration, cost_to_serve, growth, margins, matrix, nps, retention_cltv, tiers, whale
from core.cells import ISSUE_COLUMNS
from core.config import MEDIAN, ReportConfig, effective_cutoffs
from core.data_issues import action_rank
from core.errors import SegmenterInputError
from core.groups import band_order, group_codes, group_sums
from core.overview import MATRIX_POINTS, overview_tables
from core.report import (
    DIMENSIONS,
    PARETO_POINTS,
    Report,
    group_table_from_sums,
    growth_headline,
    headline_figures,
    majority_flag_of,
    split_sources,
    splits_table,
    tier_rule,
    watch_tables,
)
from warehouse import queries

Progress = Callable[[str], None]
#: Rows of the Segments sheet: Excel's 1,048,576 less the header row.
SHEET_ROWS = 1_048_575
#: Account-table role columns shown on Segments only when some account has them.
OPTIONAL_ROLES = ("nps", "industry", "size", "region", "channel", "first_purchase", "cohort", "cost_to_serve")
#: Rows of each kind of data issue listed by name on the Data issues sheet; the rest are counted.
ISSUE_EXAMPLES = 100


@dataclass(frozen=True)
class Periods:
    """The period revenue columns of an account table (``period_0``, ... after
    :func:`queries.account_rows`): their labels and years from the first, oldest first
    (``AccountTable.periods`` and ``period_years``), and the source columns (or headers) they came from."""

    labels: tuple[str, ...]
    years: tuple[float, ...]
    columns: tuple[str, ...] = ()


@dataclass
class EngineRanking:
    """Revenues >= 0 ranked in the engine; answers the questions core.concentration asks of a
    ranking (see ``core.concentration.Ranking``).

    One query gives the count, total and the two sums; the shares at given positions are
    fetched together (:meth:`prefetch`), so a report costs a handful of queries, which
    matters on Spark, where each is a job.
    """

    table: object  # ibis table from warehouse.queries.ranking
    missing: int
    negative: int
    negative_revenue: float = 0.0  # the sum of the negative revenues left out (credit notes)
    count: int = 0
    total: float = 0.0
    _squared: float = 0.0
    _weighted: float = 0.0
    _shares: dict | None = None

    def __post_init__(self) -> None:
        t = self.table
        row = t.aggregate(count=t.count(), total=t.revenue.sum()).to_pandas().iloc[0]
        self.count, self.total = int(row["count"]), float(row["total"])
        percent = t.revenue / self.total * 100
        sums = (
            t.aggregate(
                squared=(percent * percent).sum(), weighted=((self.count + 1 - 2 * t.position) * t.revenue).sum()
            )
            .to_pandas()
            .iloc[0]
        )
        self._squared, self._weighted = float(sums["squared"]), float(sums["weighted"])
        self._shares = {}

    def prefetch(self, positions) -> None:
        """Fetch the running shares at these positions in one query."""
        wanted = sorted({int(p) for p in positions} - set(self._shares))
        if wanted:
            found = self.table.filter(self.table.position.isin(wanted)).select("position", "running").to_pandas()
            self._shares.update(zip(found["position"].astype(int), found["running"].astype(float) / self.total))
        self._shares[self.count] = 1.0  # as core: the whole is exactly 100 %

    def shares_at(self, positions: np.ndarray) -> np.ndarray:
        positions = np.asarray(positions, dtype=np.int64)
        self.prefetch(positions)
        return np.array([self._shares[int(p)] for p in positions], dtype=float)

    def accounts_below(self, share: float) -> int:
        t = self.table
        return _int(t.filter((t.position < self.count) & (t.running / self.total < share)).count())

    def accounts_above(self, amount: float) -> int:
        return _int(self.table.filter(self.table.revenue > amount).count())

    def squared_share_points(self) -> float:
        return self._squared

    def rank_weighted_sum(self) -> float:
        return self._weighted


@dataclass
class AccountRun:
    """A finished engine run: the report and the per-account table, largest revenue first."""

    report: Report
    ordered: object  # ibis table: the accounts with tier_code and rank, in Segments order
    splits: tuple[float, float]
    largest: pd.DataFrame | None = None  # the accounts the Overview's quadrant shows

    def segment_batches(self, rows_per_batch: int = 250_000) -> Iterator[pd.DataFrame]:
        """The Segments rows with core's per-account columns, in order, a batch at a time."""
        for batch in self.ordered.to_pyarrow_batches(chunk_size=rows_per_batch):
            yield segment_frame(batch.to_pandas(), self.report.config, self.splits)


def _int(expr) -> int:
    return int(expr.execute())


def account_report(
    accounts,
    config: ReportConfig | None = None,
    *,
    progress: Progress | None = None,
    columns_read: dict[str, str] | None = None,
    periods: Periods | None = None,
    noun: str = "account",
) -> AccountRun:
    """Run the account report in the engine that holds ``accounts`` (see :func:`queries.account_rows`).

    ``periods``: the table's period columns (growth and tier migration with two or more);
    ``noun``: what a row is, for the Data issues sheet ("customer" for order lines).

    Raises
    ------
    SegmenterInputError
        No accounts, or no account with a positive revenue (as core.report.run_report).
    """
    config = config or ReportConfig()
    say = progress or (lambda text: None)
    say("counting accounts")
    figures = queries.present_figures(accounts).to_pandas().iloc[0].fillna(0)  # a sum over no rows is NULL
    if int(figures["accounts"]) == 0:
        raise SegmenterInputError("no accounts in the table")
    if int(figures["positive"]) == 0:
        raise SegmenterInputError("no account has a positive revenue: nothing to segment", column="revenue")

    net = int(figures["cost_present"]) > 0
    matrix_profit = "net_profit" if net else "profit"
    if net:
        accounts = queries.with_net_profit(accounts)
    say(f"tiering {int(figures['accounts']):,} accounts ({config.tier_method})")
    peers = queries.revenue_peers(accounts)
    limits, abc = _tier_limits(accounts, config)
    code = queries.tier_code(
        peers, config.tier_method, limits, float(figures["positive_total"]), int(figures["positive"])
    )
    tiered = queries.with_tiers(accounts, peers, code, len(config.labels) - 1, int(figures["present"])).cache()

    say("matrix splits and strategies")
    splits, has_top = _splits(accounts, tiered, config, matrix_profit)
    tiered = tiered.mutate(strategy_code=queries.strategy_code(tiered, *splits, matrix_profit))

    say("summaries per tier and group")
    tables: dict[str, pd.DataFrame] = {}
    labels = list(config.labels)
    per_tier = queries.group_sums(tiered, tiered.tier_code).to_pandas()
    tables["tier_summary"] = _group_table(per_tier, "tier", config, order=labels, codes_are_positions=True)
    present = per_tier[per_tier["accounts"] > 0].set_index("group").sort_index()
    ranges = pd.DataFrame(
        {
            "min": present["lowest_revenue"].to_numpy(float),
            "max": present["highest_revenue"].to_numpy(float),
            "size": present["accounts"].to_numpy(np.int64),
        },
        index=[labels[int(c)] for c in present.index],
    )
    tables["tier_rule"] = tier_rule(ranges, config, abc)
    present_dimensions = [d for d in DIMENSIONS if figures[f"with_{'first_purchase' if d == 'cohort' else d}"] > 0]
    if present_dimensions:
        # one query for all of them (a job each would cost seconds on Spark)
        per_group = ibis.union(
            *(
                queries.group_sums(tiered, _dimension(tiered, d).cast("string")).mutate(dimension=ibis.literal(d))
                for d in present_dimensions
            )
        ).to_pandas()
        for dimension in present_dimensions:
            sums = per_group[per_group["dimension"] == dimension]
            tables[f"by_{dimension}"] = _group_table(sums, dimension, config)

    say("concentration")
    ranking = EngineRanking(
        queries.ranking(accounts).cache(),
        missing=int(figures["accounts"] - figures["present"]),
        negative=int(figures["negative"]),
        negative_revenue=float(figures["negative_total"]),
    )
    top_fraction = max(1, math.ceil(round(config.top_share * ranking.count, 9)))
    ranking.prefetch([1, 5, 10, top_fraction, *concentration.curve_positions(ranking.count, PARETO_POINTS)[1:]])
    summary = concentration.concentration_summary_of(
        ranking,
        top_share=config.top_share,
        concentration_share=config.concentration_share,
        large_account_share=config.large_account_share,
        hhi_moderate=config.hhi_moderate,
        hhi_high=config.hhi_high,
    )
    tables["concentration"] = summary.to_frame()
    tables["pareto_curve"] = concentration.pareto_curve_of(ranking, max_points=PARETO_POINTS)

    say("NPS")
    gaps = _nps_tables(tiered, figures, config, tables)

    say("matrix")
    per_strategy = queries.group_sums(tiered, tiered.strategy_code).to_pandas()
    cells = [*matrix.STRATEGIES, matrix.UNCLASSIFIED]
    summary_by_cell = margins.summary_from_sums(
        cells,
        _sums(per_strategy, per_strategy["group"].to_numpy(dtype=np.int64), len(cells), net=net),
        group_name="strategy",
    )
    tables["matrix"] = matrix.matrix_rows(summary_by_cell)
    tables["matrix_splits"] = splits_table(*splits, config, net=net, sources=split_sources(config, has_top))
    watch = segment_frame(queries.watch_candidates(tiered, splits[0]).to_pandas(), config, splits)
    watch = watch.loc[
        watch["nps_flag"] != "", ["account", "tier", "revenue", "margin_pct", "nps", "strategy", "nps_flag"]
    ]
    watch = watch.assign(action=watch["nps_flag"].map(matrix.FLAG_ACTIONS))
    tables.update(
        watch_tables(
            watch.sort_values(["nps_flag", "revenue", "account"], ascending=[True, False, True]).reset_index(drop=True)
        )
    )
    say("data issues")
    tables["data_issues"] = data_issues(accounts, dict(columns_read or {}), noun, int(figures["profit_present"]) > 0)
    flags = []
    if int(figures["with_channel"]) > 0:
        warning = _channel_warning(tiered)
        if warning:
            tables["channel_warning"] = pd.DataFrame({"warning": [warning]})
            flags.append(warning)
    ordered = tiered.order_by([tiered["rank"], tiered["account"]])
    if periods is not None and len(periods.labels) >= 2:
        say(f"growth and tier migration, {periods.labels[-2]} to {periods.labels[-1]}")
        tables.update(_growth_tables(ordered, periods, config, int(figures["with_channel"]) > 0))
    if int(figures["profit_present"]) > 0:
        curve = whale.whale_curve(tiered.select(matrix_profit).to_pandas()[matrix_profit])
        tables["whale"] = curve.to_frame("net profit (after cost to serve)" if net else "profit")
        if curve.defined:
            tables["whale_points"] = curve.chart_points()
    largest = segment_frame(ordered.limit(MATRIX_POINTS).to_pandas(), config, splits)  # what the quadrant shows
    tables.update(overview_tables(tables, config, segments=largest))

    tier_counts = dict(zip(labels, _per_code(per_tier, "accounts", len(labels)).astype(int).tolist()))
    top = ordered.select("account", "revenue").limit(1).to_pandas()
    majority = majority_flag_of(
        top["account"].iloc[0],
        float(top["revenue"].iloc[0]),
        float(figures["positive_total"]),
        int(figures["positive"]),
    )
    headline = headline_figures(int(figures["accounts"]), tier_counts, summary, gaps, config, majority)
    headline["flags"] += flags
    if "growth_by_tier" in tables:
        headline["growth"] = growth_headline(tables, periods.labels)
    report = Report(tables=tables, headline=headline, config=config, columns_read=dict(columns_read or {}))
    return AccountRun(report=report, ordered=ordered, splits=splits, largest=largest)


def _tier_limits(accounts, config: ReportConfig) -> tuple[tuple[float, ...], tiers.ComputedABC | None]:
    """What :func:`queries.tier_code` compares with (share limits, revenue bounds or the ABC
    limits), and the Computed ABC result when that is the method."""
    cutoffs = effective_cutoffs(config)
    if config.tier_method in ("pareto", "rank"):
        return tuple(tiers.share_limits(cutoffs)), None
    if config.tier_method == "threshold":
        return tuple(cutoffs), None
    # the Computed ABC curve needs every revenue (its spline runs through all accounts)
    revenue = accounts.select(revenue=accounts.revenue.fill_null(0.0)).to_pandas()["revenue"].to_numpy(float)
    abc = tiers.computed_abc(revenue)
    return (abc.ab_value, abc.bc_value), abc


def _splits(accounts, tiered, config: ReportConfig, profit: str) -> tuple[tuple[float, float], bool]:
    """The matrix splits by core.report's rules (the user's, the median when asked, else
    core.matrix.finance_splits' defaults), from the engine's sums and medians; and whether the
    top tier has accounts (for the splits' sources).

    The median of one value is that value, so core.matrix.matrix_splits, given the engine's
    medians, applies its own choices: the user's splits when set (checked), the margin split NaN
    when no account has a defined margin.
    """
    sums = queries.finance_split_sums(tiered, profit).to_pandas().iloc[0]
    top_min = None if pd.isna(sums["top_min"]) else float(sums["top_min"])
    portfolio = float(sums["placed_profit"]) / float(sums["placed_revenue"]) if int(sums["placed"]) > 0 else None
    chosen = [
        default if setting is None else None if setting == MEDIAN else setting
        for setting, default in zip((config.revenue_split, config.margin_split), (top_min, portfolio))
    ]
    medians = queries.split_medians(accounts, profit).to_pandas().iloc[0]
    if int(medians["placed"]) > 0:
        splits = matrix.matrix_splits([medians["revenue_median"]], [medians["margin_median"]], *chosen)
    else:
        splits = matrix.matrix_splits([medians["positive_revenue_median"]], [np.nan], *chosen)
    return splits, top_min is not None


SUM_FIELDS = ("accounts", "revenue", "profit", "paired_revenue", "paired_profit", "revenue_counted")


def _per_code(frame: pd.DataFrame, column: str, k: int, codes: np.ndarray | None = None) -> np.ndarray:
    """A column of a per-group result summed onto group codes 0..k-1 (total not appended)."""
    codes = frame["group"].to_numpy(dtype=np.int64) if codes is None else codes
    return np.bincount(codes, weights=frame[column].to_numpy(dtype=float), minlength=k)


def _sums(frame: pd.DataFrame, codes: np.ndarray, k: int, net: bool = False) -> margins.GroupSums:
    """The GroupSums of a per-group result; ``net``: of net profit (profit after cost to serve)."""
    names = [
        f"net_{name}" if net and "profit" in name or net and name == "paired_revenue" else name for name in SUM_FIELDS
    ]
    return margins.GroupSums(*(group_sums(codes, k, frame[name].to_numpy(dtype=float)) for name in names))


def _group_table(
    frame: pd.DataFrame,
    by: str,
    config: ReportConfig,
    *,
    order: list[str] | None = None,
    codes_are_positions: bool = False,
) -> pd.DataFrame:
    """core.report.group_table from the engine's per-group sums.

    Group values go through core.groups.group_codes, so labels read as in core (stripped,
    blank as "(blank)", years as "2019", sorted likewise); values that read the same merge.
    """
    if codes_are_positions:
        codes, labels = frame["group"].to_numpy(dtype=np.int64), list(order)
    else:
        values = frame["group"].to_numpy(dtype=object)
        codes, labels = group_codes(values, _size_order(values) if by == "size" and order is None else order)
    k = len(labels)
    profit_counted = group_sums(codes, k, frame["profit_counted"].to_numpy(dtype=float))
    summary = group_table_from_sums(labels, _sums(frame, codes, k), profit_counted, by, config)
    if "net_profit" in frame:  # as core.report.group_table: net profit and net margin beside profit
        net = margins.summary_from_sums(labels, _sums(frame, codes, k, net=True), group_name=by)
        summary["net_profit"], summary["net_margin_pct"] = net["profit"].to_numpy(), net["margin_pct"].to_numpy()
    return summary


def _size_order(values: np.ndarray) -> list[str] | None:
    """Size bands in size order (core.groups.band_order), from the distinct values the engine grouped by."""
    return band_order(pd.Series(values).dropna().astype(str).str.strip().tolist())


def _dimension(tiered, dimension: str):
    """The group key of a summary dimension (the cohort is the first-purchase year)."""
    if dimension == "cohort":
        return tiered.first_purchase.year()
    return tiered[dimension]


def _nps_tables(
    tiered, figures: pd.Series, config: ReportConfig, tables: dict[str, pd.DataFrame]
) -> dict[str, nps.NpsGap]:
    """NPS per tier and per size band (when there are answers), and the gaps; into ``tables``."""
    gaps: dict[str, nps.NpsGap] = {}
    per_tier = queries.nps_counts(tiered, tiered.tier_code).to_pandas()
    if not (per_tier[["promoters", "passives", "detractors"]].to_numpy().sum() > 0):
        return gaps
    bands = [("tier", per_tier, list(config.labels))]
    if figures["with_size"] > 0:
        bands.append(("size", queries.nps_counts(tiered, tiered["size"]).to_pandas(), None))
    for column, counts, order in bands:
        if order is not None:
            codes, labels = counts["group"].to_numpy(dtype=np.int64), order
        else:
            values = counts["group"].to_numpy(dtype=object)
            codes, labels = group_codes(values, _size_order(values))
        k = len(labels)
        by = nps.nps_from_counts(
            labels,
            *(group_sums(codes, k, counts[c].to_numpy(dtype=float)) for c in ("promoters", "passives", "detractors")),
            min_respondents=config.min_respondents,
            group_name=column,
        )
        gap = nps.nps_gap(by, group_name=column)
        tables[f"nps_by_{column}"] = by
        tables[f"nps_gap_{column}"] = gap.to_frame()
        gaps[column] = gap
    return gaps


def _channel_warning(tiered) -> str:
    """core.channels.channel_mix_warning from the accounts and positive revenue per distinct channel."""
    per = (
        tiered.group_by("channel")
        .aggregate(accounts=ibis._.count(), positive=ibis.ifelse(tiered.revenue > 0, tiered.revenue, 0.0).sum())
        .to_pandas()
    )
    return channels.channel_mix_warning(
        per["channel"].to_numpy(dtype=object), per["positive"].to_numpy(float), per["accounts"].to_numpy(float)
    )


def _growth_tables(ordered, periods: Periods, config: ReportConfig, has_channel: bool) -> dict[str, pd.DataFrame]:
    """core.growth.growth_tables on the per-account period revenue, current tier and rank (one
    row per account comes back: growth and migration are per-account rules). The per-account
    ``growth`` table keeps the :data:`SHEET_ROWS` largest accounts; there are no sheet rows."""
    period_columns = [queries.PERIOD.format(k) for k in range(len(periods.labels))]
    per = ordered.select("account", "rank", "tier_code", "channel", *period_columns).to_pandas()
    revenue = pd.DataFrame(
        {label: per[column].to_numpy(float) for label, column in zip(periods.labels, period_columns)}
    )
    segments = pd.DataFrame(
        {
            "account": per["account"].to_numpy(dtype=object),
            "tier": pd.Categorical.from_codes(
                per["tier_code"].to_numpy(dtype=np.int64), categories=list(config.labels)
            ),
            "rank": per["rank"].to_numpy(dtype=np.int64),
            "sheet_row": pd.array([pd.NA] * len(per), dtype="Int64"),
        }
    )
    if has_channel:
        segments["channel"] = per["channel"].to_numpy(dtype=object)
    tables = growth.growth_tables(revenue, segments, config, periods.years)
    tables["growth"] = tables["growth"].iloc[:SHEET_ROWS].drop(columns="sheet_row")
    tables["fallen_from_a"] = tables["fallen_from_a"].drop(columns="sheet_row")
    return tables


def data_issues(accounts, columns_read: dict[str, str], noun: str = "account", has_profit: bool = True) -> pd.DataFrame:
    """What the report could not use or read as is, named by account (a warehouse table has no sheet
    rows): the first :data:`ISSUE_EXAMPLES` rows of each kind, then one line counting the rest.

    Kinds, as core.accounts reports them: missing and negative revenue (tier D), revenue without
    profit (margin undefined), NPS answers off the 0-10 scale (read as none), a missing or
    duplicated account id.
    """
    column = {role: columns_read.get(role, role) for role in ("account", "revenue", "profit", "nps")}
    accounts = accounts.mutate(duplicate_id=queries.duplicated(accounts, "account"))  # a window, so a column first
    name = accounts.account
    revenue, nps_answer = accounts.revenue, accounts.nps
    kinds = [
        (
            nps_answer.notnull() & ~queries._on_scale(nps_answer),
            name,
            nps_answer,
            "nps",
            "rejected",
            "an NPS answer must be a whole number from 0 to 10: read as no answer",
        ),
        (name.isnull(), ibis.literal("(no id)"), revenue, "account", "note", f"{noun} id missing: kept without a name"),
        (revenue.isnull(), name, ibis.literal(""), "revenue", "note", f"revenue missing: the {noun} gets tier D"),
        (
            revenue < 0,
            name,
            revenue,
            "revenue",
            "note",
            f"negative revenue kept as it is (a credit note?): the {noun} gets tier D",
        ),
        (
            accounts.duplicate_id,
            name,
            name,
            "account",
            "note",
            "duplicate account id: kept as separate rows, not merged",
        ),
    ]
    if has_profit:
        kinds.append(
            (
                revenue.notnull() & accounts.profit.isnull(),
                name,
                revenue,
                "profit",
                "note",
                "revenue but no profit: margin undefined",
            )
        )
    kinds = size_kinds(accounts, name) + kinds
    return issue_table(
        accounts,
        kinds,
        column | {role: columns_read.get(role, role) for role in queries.rejected_roles(accounts)},
        noun,
    )


#: Why a number was rejected for its size, as core's cell parser says it (core.cells.MAX_NUMBER).
SIZE_REASON = (
    "too large or not finite: numbers above 1e15 in size (Excel keeps 15 digits) would overflow the "
    "figures; read as missing"
)


def size_kinds(table, name) -> list[tuple]:
    """Issue kinds of the values :func:`queries.typed` rejected for their size, one per number role."""
    return [
        (
            table[queries.REJECTED.format(role)].notnull(),
            name,
            table[queries.REJECTED.format(role)],
            role,
            "rejected",
            SIZE_REASON,
        )
        for role in queries.rejected_roles(table)
    ]


def issue_table(table, kinds: list[tuple], column: dict[str, str], noun: str) -> pd.DataFrame:
    """Data issues rows (:data:`core.cells.ISSUE_COLUMNS`) from (rows at fault, their name, the value,
    role, action, reason) kinds on ``table``: each listed row is "<noun> '<name>': <reason>",
    then "N more <noun>s: <reason>"; rejected first (core.data_issues.ACTION_ORDER)."""
    rows_at_fault = queries.issue_rows(table, [(bad, identity, value) for bad, identity, value, *_ in kinds]).cache()
    counts = queries.issue_counts(rows_at_fault, len(kinds)).to_pandas().iloc[0]
    listed = (
        queries.issue_examples(rows_at_fault, len(kinds), ISSUE_EXAMPLES).to_pandas()
        if counts.to_numpy().sum() > 0
        else pd.DataFrame(columns=["kind", "identity", "value"])
    )
    rows = []
    for k, (_, _, _, role, action, reason) in enumerate(kinds):
        found = int(counts[f"kind_{k}"])
        examples = listed[listed["kind"] == k]
        for identity, value in zip(examples["identity"], examples["value"]):
            rows.append(
                (None, column[role], "" if value is None else str(value), action, f"{noun} '{identity}': {reason}")
            )
        if found > len(examples):
            rows.append(
                (
                    None,
                    column[role],
                    "",
                    action,
                    f"{found - len(examples):,} more {noun}s (the first {len(examples):,} are listed above): {reason}",
                )
            )
    frame = pd.DataFrame(rows, columns=list(ISSUE_COLUMNS))
    frame = frame.iloc[np.argsort(action_rank(frame["action"]), kind="stable")].reset_index(drop=True)
    return frame.astype({"sheet_row": "Int64"})


def segment_frame(batch: pd.DataFrame, config: ReportConfig, splits: tuple[float, float]) -> pd.DataFrame:
    """Per-account columns of core.report.segment_accounts for engine rows (with ``tier_code``, ``rank``).

    Columns: rank, account, tier, revenue, profit, margin_pct, strategy, cltv, nps, nps_flag,
    the role columns, cohort, note; in the batch's order.
    """
    revenue = batch["revenue"].to_numpy(dtype=float)
    profit = batch["profit"].to_numpy(dtype=float)
    answers = batch["nps"].to_numpy(dtype=float)
    answers = np.where(np.isin(answers, np.arange(11)), answers, np.nan)  # off-scale answers read as none
    margin = margins.margin_pct(revenue, profit)
    net = "net_profit" in batch
    cost = batch["cost_to_serve"].to_numpy(dtype=float) if "cost_to_serve" in batch else np.full(len(batch), np.nan)
    net_profit = cost_to_serve.net_profit(profit, cost) if net else None
    matrix_margin = margins.margin_pct(revenue, net_profit) if net else margin
    frame = pd.DataFrame(
        {
            "rank": batch["rank"].to_numpy(dtype=np.int64),
            "account": batch["account"].astype(object).to_numpy(),
            "tier": pd.Categorical.from_codes(
                batch["tier_code"].to_numpy(dtype=np.int64), categories=list(config.labels)
            ),
            "revenue": revenue,
            "profit": profit,
            "margin_pct": margin,
            **({"cost_to_serve": cost, "net_profit": net_profit, "net_margin_pct": matrix_margin} if net else {}),
            "strategy": matrix.assign_strategy(revenue, matrix_margin, *splits),
            "cltv": retention_cltv.cltv(profit, config.retention, config.discount),
            "nps": answers,
            "nps_flag": matrix.nps_flags(revenue, answers, splits[0]),
        }
    )
    for role in ("industry", "size", "region", "channel"):
        frame[role] = batch[role].astype(object).to_numpy()
    frame["first_purchase"] = pd.to_datetime(batch["first_purchase"])
    years = frame["first_purchase"].dt.year.astype("Int64")
    frame["cohort"] = years.astype("string").astype(object).where(years.notna(), None)
    frame["note"] = (
        cost_to_serve.net_margin_note(revenue, profit, cost) if net else margins.margin_note(revenue, profit)
    )
    return frame
