"""The account report's questions (core.aggregates.AccountAggregates) answered by an engine.

:class:`EngineAggregates` answers each question of :func:`core.report.account_pipeline` with
the ibis expressions of :mod:`warehouse.queries` on a table of accounts (DuckDB or Spark): one
query per answer, small results back (a row of figures, a row per tier, group or distinct value),
the tier and matrix cell of each account computed in the engine. :class:`EngineRanking` answers
core.concentration's ranking questions. Only the per-account Segments rows come back whole, a
batch at a time, largest revenue first (:meth:`EngineAggregates.segment_batches`), with core's
per-account columns (:func:`segment_frame`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import ibis
import numpy as np
import pandas as pd

from core import concentration, tiers
from core.aggregates import (
    STRATEGY_NAMES,
    AccountFigures,
    ChannelMix,
    PeriodRevenue,
    SplitMedians,
    account_actions,
    account_margins,
)
from core.config import ReportConfig, effective_cutoffs
from core.report import DIMENSIONS, PARETO_POINTS
from warehouse import queries

Progress = Callable[[str], None]
#: Rows of the Segments sheet: Excel's 1,048,576 less the header row.
SHEET_ROWS = 1_048_575
#: Account-table role columns shown on Segments only when some account has them.
OPTIONAL_ROLES = ("nps", "industry", "size", "region", "channel", "first_purchase", "cohort", "cost_to_serve")


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
        return int(t.filter((t.position < self.count) & (t.running / self.total < share)).count().execute())

    def accounts_above(self, amount: float) -> int:
        return int(self.table.filter(self.table.revenue > amount).count().execute())

    def squared_share_points(self) -> float:
        return self._squared

    def rank_weighted_sum(self) -> float:
        return self._weighted


class EngineAggregates:
    """core.aggregates.AccountAggregates answered by the engine that holds ``accounts`` (an ibis
    table from :func:`queries.account_rows`).

    ``issues``: the Data issues of a table, given the table and whether it has profit
    (``warehouse.report.data_issues``: named by account, the engine's table has no sheet rows);
    ``periods``: its period columns; ``say``: progress per phase. After the pipeline,
    ``ordered`` holds the accounts with ``tier_code``, ``rank`` and ``strategy_code`` in
    Segments order, ``splits`` the matrix splits and ``largest`` the accounts the Overview's
    quadrant shows.
    """

    def __init__(
        self,
        accounts,
        config: ReportConfig,
        *,
        issues: Callable[[object, bool], pd.DataFrame],
        periods: Periods | None = None,
        columns_read: dict[str, str] | None = None,
        say: Progress | None = None,
    ) -> None:
        self.accounts = accounts
        self.config = config
        self.columns_read = dict(columns_read or {})
        self.periods = periods
        self.say = say or (lambda text: None)
        self._issues = issues
        self._figures: pd.Series | None = None
        self.tiered = self.ordered = self.largest = None
        self.splits: tuple[float, float] | None = None

    @property
    def _net(self) -> bool:
        return int(self._figures["cost_present"]) > 0

    @property
    def _profit(self) -> str:
        return "net_profit" if self._net else "profit"

    def figures(self) -> AccountFigures:
        self.say("counting accounts")
        figures = queries.present_figures(self.accounts).to_pandas().iloc[0].fillna(0)  # a sum over no rows is NULL
        self._figures = figures
        if self._net:
            self.accounts = queries.with_net_profit(self.accounts)
        return AccountFigures(
            accounts=int(figures["accounts"]),
            positive=int(figures["positive"]),
            positive_total=float(figures["positive_total"]),
            has_profit=int(figures["profit_present"]) > 0,
            net=self._net,
            dimensions=tuple(d for d in DIMENSIONS if figures[f"with_{'first_purchase' if d == 'cohort' else d}"] > 0),
            source="table",
        )

    def assign_tiers(self) -> tiers.ComputedABC | None:
        figures, config, accounts = self._figures, self.config, self.accounts
        self.say(f"tiering {int(figures['accounts']):,} accounts ({config.tier_method})")
        peers = queries.revenue_peers(accounts)
        limits, abc = self._tier_limits()
        code = queries.tier_code(
            peers, config.tier_method, limits, float(figures["positive_total"]), int(figures["positive"])
        )
        self.tiered = queries.with_tiers(accounts, peers, code, len(config.labels) - 1, int(figures["present"])).cache()
        return abc

    def _tier_limits(self) -> tuple[tuple[float, ...], tiers.ComputedABC | None]:
        """What :func:`queries.tier_code` compares with (share limits, revenue bounds or the ABC
        limits), and the Computed ABC result when that is the method."""
        config, accounts = self.config, self.accounts
        cutoffs = effective_cutoffs(config)
        if config.tier_method in ("pareto", "rank"):
            return tuple(tiers.share_limits(cutoffs)), None
        if config.tier_method == "threshold":
            return tuple(cutoffs), None
        # the Computed ABC curve needs every revenue (its spline runs through all accounts)
        revenue = accounts.select(revenue=accounts.revenue.fill_null(0.0)).to_pandas()["revenue"].to_numpy(float)
        abc = tiers.computed_abc(revenue)
        return (abc.ab_value, abc.bc_value), abc

    def finance_defaults(self) -> tuple[float | None, float | None]:
        self.say("matrix splits and strategies")
        sums = queries.finance_split_sums(self.tiered, self._profit).to_pandas().iloc[0]
        top_min = None if pd.isna(sums["top_min"]) else float(sums["top_min"])
        portfolio = float(sums["placed_profit"]) / float(sums["placed_revenue"]) if int(sums["placed"]) > 0 else None
        return top_min, portfolio

    def split_medians(self) -> SplitMedians:
        medians = queries.split_medians(self.accounts, self._profit).to_pandas().iloc[0]
        if int(medians["placed"]) > 0:
            return SplitMedians(float(medians["revenue_median"]), float(medians["margin_median"]))
        return SplitMedians(float(medians["positive_revenue_median"]), np.nan)

    def assign_strategies(self, splits: tuple[float, float]) -> None:
        self.splits = splits
        self.tiered = self.tiered.mutate(strategy_code=queries.strategy_code(self.tiered, *splits, self._profit))
        self.ordered = self.tiered.order_by([self.tiered["rank"], self.tiered["account"]])

    def group_sums(self, by: Sequence[str]) -> dict[str, pd.DataFrame]:
        self.say("summaries per tier and group")
        tiered = self.tiered
        keys = {"tier": tiered.tier_code, "strategy": tiered.strategy_code}
        out = {name: queries.group_sums(tiered, keys[name]).to_pandas() for name in by if name in keys}
        dimensions = [name for name in by if name not in keys]
        if dimensions:
            # one query for all of them (a job each would cost seconds on Spark)
            per_group = ibis.union(
                *(
                    queries.group_sums(tiered, _dimension(tiered, d).cast("string")).mutate(dimension=ibis.literal(d))
                    for d in dimensions
                )
            ).to_pandas()
            for dimension in dimensions:
                out[dimension] = per_group[per_group["dimension"] == dimension]
        return out

    def nps_counts(self, by: str) -> pd.DataFrame:
        if by == "tier":
            self.say("NPS")
        key = self.tiered.tier_code if by == "tier" else self.tiered[by]
        return queries.nps_counts(self.tiered, key).to_pandas()

    def ranking(self) -> concentration.Ranking:
        self.say("concentration")
        figures = self._figures
        ranking = EngineRanking(
            queries.ranking(self.accounts).cache(),
            missing=int(figures["accounts"] - figures["present"]),
            negative=int(figures["negative"]),
            negative_revenue=float(figures["negative_total"]),
        )
        top_fraction = max(1, math.ceil(round(self.config.top_share * ranking.count, 9)))
        ranking.prefetch([1, 5, 10, top_fraction, *concentration.curve_positions(ranking.count, PARETO_POINTS)[1:]])
        return ranking

    def watch_candidates(self, revenue_split: float) -> pd.DataFrame:
        self.say("matrix")
        candidates = queries.watch_candidates(self.tiered, revenue_split).order_by("account").to_pandas()
        return segment_frame(candidates, self.config, self.splits)

    def data_issues(self) -> pd.DataFrame:
        self.say("data issues")
        return self._issues(self.accounts, int(self._figures["profit_present"]) > 0)

    def channel_mix(self) -> ChannelMix | None:
        if int(self._figures["with_channel"]) == 0:
            return None
        tiered = self.tiered
        per = (
            tiered.group_by("channel")
            .aggregate(accounts=ibis._.count(), positive=ibis.ifelse(tiered.revenue > 0, tiered.revenue, 0.0).sum())
            .to_pandas()
        )
        return ChannelMix(
            per["channel"].to_numpy(dtype=object), per["positive"].to_numpy(float), per["accounts"].to_numpy(float)
        )

    def period_revenue(self) -> PeriodRevenue | None:
        """The per-account period revenue, current tier and rank (one row per account comes back:
        growth and migration are per-account rules); there are no sheet rows, and the per-account
        ``growth`` table keeps the :data:`SHEET_ROWS` largest accounts."""
        periods = self.periods
        if periods is None or len(periods.labels) < 2:
            return None
        self.say(f"growth and tier migration, {periods.labels[-2]} to {periods.labels[-1]}")
        period_columns = [queries.PERIOD.format(k) for k in range(len(periods.labels))]
        per = self.ordered.select("account", "rank", "tier_code", "channel", *period_columns).to_pandas()
        revenue = pd.DataFrame(
            {label: per[column].to_numpy(float) for label, column in zip(periods.labels, period_columns)}
        )
        accounts = pd.DataFrame(
            {
                "account": per["account"].to_numpy(dtype=object),
                "tier": pd.Categorical.from_codes(
                    per["tier_code"].to_numpy(dtype=np.int64), categories=list(self.config.labels)
                ),
                "rank": per["rank"].to_numpy(dtype=np.int64),
                "sheet_row": pd.array([pd.NA] * len(per), dtype="Int64"),
            }
        )
        if int(self._figures["with_channel"]) > 0:
            accounts["channel"] = per["channel"].to_numpy(dtype=object)
        return PeriodRevenue(
            tuple(periods.labels), revenue, accounts, tuple(periods.years), sheet_rows=False, row_limit=SHEET_ROWS
        )

    def matrix_profit(self) -> np.ndarray:
        return self.tiered.select(self._profit).to_pandas()[self._profit].to_numpy(float)

    def largest_account(self) -> tuple[object, float]:
        top = self.ordered.select("account", "revenue").limit(1).to_pandas()
        return top["account"].iloc[0], float(top["revenue"].iloc[0])

    def quadrant_accounts(self, count: int) -> pd.DataFrame:
        self.largest = segment_frame(self.ordered.limit(count).to_pandas(), self.config, self.splits)
        return self.largest

    def intake_tables(self) -> dict[str, pd.DataFrame]:
        return {}  # a table's columns are read by name (warehouse.run), not laid out as a file's

    def segments_table(self) -> pd.DataFrame | None:
        return None  # streamed: segment_batches, written by warehouse.run

    def segment_batches(self, rows_per_batch: int = 250_000) -> Iterator[pd.DataFrame]:
        return segment_batches(self.ordered, self.config, self.splits, rows_per_batch)


def segment_batches(
    ordered, config: ReportConfig, splits: tuple[float, float], rows_per_batch: int = 250_000
) -> Iterator[pd.DataFrame]:
    """The Segments rows of the engine's ordered accounts with core's per-account columns
    (:func:`segment_frame`), in order, a batch at a time."""
    for batch in ordered.to_pyarrow_batches(chunk_size=rows_per_batch):
        yield segment_frame(batch.to_pandas(), config, splits)


def _dimension(tiered, dimension: str):
    """The group key of a summary dimension (the cohort is the first-purchase year)."""
    if dimension == "cohort":
        return tiered.first_purchase.year()
    return tiered[dimension]


def segment_frame(batch: pd.DataFrame, config: ReportConfig, splits: tuple[float, float]) -> pd.DataFrame:
    """Per-account columns of core.report.segment_accounts for engine rows (with ``tier_code``, ``rank``),
    by core's rules (core.aggregates.account_margins and account_actions).

    Columns: rank, account, tier, revenue, profit, margin_pct, strategy, cltv, nps, nps_flag,
    the role columns, cohort, note; in the batch's order.
    """
    revenue = batch["revenue"].to_numpy(dtype=float)
    profit = batch["profit"].to_numpy(dtype=float)
    answers = batch["nps"].to_numpy(dtype=float)
    answers = np.where(np.isin(answers, np.arange(11)), answers, np.nan)  # off-scale answers read as none
    net = "net_profit" in batch
    cost = batch["cost_to_serve"].to_numpy(dtype=float) if net else None
    measures = account_margins(revenue, profit, cost)
    matrix_margin = measures["net_margin_pct" if net else "margin_pct"]
    actions = account_actions(revenue, profit, matrix_margin, answers, cost, splits, config)
    frame = pd.DataFrame(
        {
            "rank": batch["rank"].to_numpy(dtype=np.int64),
            "account": batch["account"].astype(object).to_numpy(),
            "tier": pd.Categorical.from_codes(
                batch["tier_code"].to_numpy(dtype=np.int64), categories=list(config.labels)
            ),
            "revenue": revenue,
            "profit": profit,
            "margin_pct": measures["margin_pct"],
            **({"cost_to_serve": cost, **{k: measures[k] for k in ("net_profit", "net_margin_pct")}} if net else {}),
            "strategy": STRATEGY_NAMES[actions["strategy_code"]],
            "cltv": actions["cltv"],
            "nps": answers,
            "nps_flag": actions["nps_flag"],
        }
    )
    for role in ("industry", "size", "region", "channel"):
        frame[role] = batch[role].astype(object).to_numpy()
    frame["first_purchase"] = pd.to_datetime(batch["first_purchase"])
    years = frame["first_purchase"].dt.year.astype("Int64")
    frame["cohort"] = years.astype("string").astype(object).where(years.notna(), None)
    frame["note"] = actions["note"]
    return frame
