"""The customer report's questions (:class:`core.customers.aggregates.CustomerAggregates`) answered
by an engine (DuckDB, Spark) from an ibis table of order lines.

One pass over the lines makes the totals per customer and day (:func:`warehouse.queries.daily_totals`,
cached); every answer below reads it:

- the per-customer summary (:func:`warehouse.queries.summary_of_days`), one row per customer, comes
  back to pandas (a million customers are a few hundred MB) in core's column order and types;
- the holdout check's :class:`core.customers.validation.HoldoutStatistics` (distinct (x, t_x, T)
  with their customers and holdout repeat purchases, repeat purchases per day, customers per first
  purchase day);
- the historical value's active periods, retained and at-risk pairs;
- the cohort counts (customers and net revenue per first-purchase period and periods since);
- the account report on the customers (:func:`warehouse.report.account_report`, in the engine),
  with the order lines' Data issues named by customer and date.

Every figure is then made by :func:`core.customers.report.customer_pipeline`, as for a pandas list.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import ibis
import numpy as np
import pandas as pd

from core.accounts import header_role
from core.config import ReportConfig
from core.customers.aggregates import OPTIONAL_ROLES, AccountOutcome
from core.customers.cohorts import CohortCounts, cohort_period, period_number
from core.customers.historical_clv import ActivePeriods, retention_period
from core.customers.summary import SUMMARY_COLUMNS, UNIT_DAYS, observation_day, year_windows
from core.customers.validation import HoldoutStatistics
from core.data_issues import action_rank
from core.errors import SegmenterInputError
from core.periods import read_period_header, years_since_first
from warehouse import queries
from warehouse.report import AccountRun, Periods, Progress, account_report, issue_table, size_kinds


class IbisCustomers:
    """:class:`core.customers.aggregates.CustomerAggregates` on an ibis table of order lines
    (:func:`warehouse.queries.order_lines`).

    ``roles``: the optional roles the table has (``profit``, ``quantity``); ``columns_read``: role ->
    the table's column name (for the Data issues sheet). After :meth:`account_report`,
    ``account_run`` is the engine's account run (its Segments rows are streamed from it).
    """

    def __init__(
        self,
        lines,
        *,
        roles: set[str] | None = None,
        columns_read: dict[str, str] | None = None,
        progress: Progress | None = None,
    ) -> None:
        self.say = progress or (lambda text: None)
        self.roles = frozenset(role for role in OPTIONAL_ROLES if role in (roles or ()))
        self.columns = {role: (columns_read or {}).get(role, role) for role in queries.LINE_COLUMNS}
        self.all_lines, self.lines = lines, queries.usable_lines(lines)
        self.say("counting order lines")
        counts = self.lines.aggregate(lines=self.lines.count(), last_date=self.lines.date.max()).to_pandas().iloc[0]
        if int(counts["lines"]) == 0:
            raise SegmenterInputError("no order line has a customer, a date and an amount")
        self.count, self.last_date = int(counts["lines"]), counts["last_date"]
        self.account_run: AccountRun | None = None
        self._daily: tuple[str, Any, pd.Series] | None = None
        self._summary: tuple[Any, list[tuple[Any, Any]]] | None = None

    def line_count(self) -> int:
        return self.count

    def daily(self, observation_end: str):
        """(totals per customer and day up to the end, cached; the first and last of their dates)."""
        if self._daily is None or self._daily[0] != observation_end:
            self.say(f"{self.count:,} order lines: totals per customer and day up to {observation_end}")
            daily = queries.daily_totals(self.lines, _date(observation_end)).cache()  # the one pass over the lines
            span = daily.aggregate(first=daily.date.min(), last=daily.date.max()).to_pandas().iloc[0]
            self._daily = (observation_end, daily, span)
        return self._daily[1], self._daily[2]

    def customer_summary(self, observation_end: Any, unit: str) -> pd.DataFrame:
        if unit not in UNIT_DAYS:
            raise SegmenterInputError(
                f"unknown time unit {unit!r}; use D (days), W (weeks) or M (months)", column="unit"
            )
        end = str(_end_date(observation_end, self.last_date))
        daily, span = self.daily(end)
        windows = (
            [(start.date(), last.date()) for _, start, last in year_windows(span["first"], end)]
            if pd.notna(span["first"])
            else []
        )
        summary = queries.summary_of_days(daily, _date(end), unit, windows).cache()
        self._summary = (summary, windows)
        frame = summary.drop(*[queries.PERIOD.format(k) for k in range(len(windows))]).to_pandas()
        if frame.empty:
            raise SegmenterInputError(f"no purchase on or before {end}", column="date")
        frame = frame.sort_values("account", kind="stable", ignore_index=True)
        frame["account"] = pd.array(frame["account"].to_numpy(object), dtype="str")
        for column in ("first_purchase", "last_purchase"):
            frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ns]")
        for column in ("total_profit", "avg_margin_pct", "total_quantity", "avg_repeat_spend"):
            frame[column] = frame[column].astype(float)
        frame["revenue"], frame["profit"] = frame["total_spend"], frame["total_profit"]
        frame = frame[list(SUMMARY_COLUMNS)]
        frame.attrs["unit"], frame.attrs["observation_end"] = unit, end
        return frame

    def date_span(self, observation_end: str) -> tuple[pd.Timestamp, pd.Timestamp]:
        _, span = self.daily(observation_end)
        return pd.Timestamp(span["first"]), pd.Timestamp(span["last"])

    def holdout_statistics(self, calibration_end: str, unit: str, observation_end: str) -> HoldoutStatistics:
        daily, span = self.daily(observation_end)
        cal_end = _date(calibration_end)
        calibration = queries.summary_of_days(daily, cal_end, unit).cache()
        triples = queries.holdout_triples(daily, calibration, cal_end).to_pandas()
        triples = triples.sort_values(["frequency", "recency", "T"], ignore_index=True)
        repeat = queries.repeat_day_counts(daily, calibration).to_pandas()
        cohorts = calibration.group_by("first_purchase").aggregate(customers=ibis._.count()).to_pandas()
        start = _day(span["first"])
        return HoldoutStatistics(
            frequency=triples["frequency"].to_numpy(float),
            recency=triples["recency"].to_numpy(float),
            T=triples["T"].to_numpy(float),
            customers=triples["customers"].to_numpy(float),
            actual=triples["actual"].to_numpy(float),
            start_day=start,
            last_day=_day(span["last"]),
            calibration_end=pd.Timestamp(calibration_end),
            **_day_counts("repeat", repeat, "date", start),
            **_day_counts("cohort", cohorts, "first_purchase", start),
        )

    def active_periods(self, summary: pd.DataFrame) -> ActivePeriods:
        end = summary.attrs["observation_end"]
        daily, _ = self.daily(end)
        first = summary["first_purchase"].min()
        period_days = retention_period((pd.Timestamp(end) - pd.Timestamp(first)).days + 1)
        active, pairs = queries.active_periods(daily, _date(end), period_days)
        counts = pairs.to_pandas().iloc[0]
        per_customer = active.to_pandas().set_index("customer")["active_periods"]
        return ActivePeriods(
            active_periods=per_customer.reindex(summary["account"].to_numpy(object)).to_numpy(float),
            retained=int(counts["retained"]),
            at_risk=int(counts["at_risk"]),
            period_days=period_days,
        )

    def first_channel(self, summary: pd.DataFrame) -> np.ndarray | None:
        """None: the engine path does not read a channel column of order lines yet (docs/warehouse.md)."""
        return None

    def cost_per_purchase(self, summary: pd.DataFrame) -> np.ndarray:
        """NaN per customer: the engine path does not read cost to serve on order lines yet."""
        return np.full(len(summary), np.nan)

    def acquisition_cost(self, summary: pd.DataFrame) -> np.ndarray | None:
        """None: the engine path does not read an acquisition-cost column of order lines yet."""
        return None

    def cohort_counts(self, observation_end: str) -> CohortCounts:
        daily, span = self.daily(observation_end)
        end = pd.Timestamp(observation_end)
        kind = cohort_period(pd.Timestamp(span["first"]), end)
        sizes, cells = queries.cohort_counts(daily, 12 if kind == "M" else 4)
        sizes = sizes.to_pandas().sort_values("cohort")
        return CohortCounts(
            kind=kind,
            last=int(period_number(end.year, end.month, 12 if kind == "M" else 4)),
            sizes=pd.Series(sizes["customers"].to_numpy(np.int64), index=sizes["cohort"].to_numpy(np.int64)),
            cells=cells.to_pandas().astype({"cohort": np.int64, "since": np.int64, "buying": np.int64}),
        )

    def account_report(self, summary: pd.DataFrame, config: ReportConfig) -> AccountOutcome:
        """:func:`warehouse.report.account_report` on the engine's summary; the order lines' issues."""
        engine_summary, windows = self._summary
        end = summary.attrs["observation_end"]
        _, span = self.daily(end)
        accounts = engine_summary.select(
            *[engine_summary[queries.PERIOD.format(k)] for k in range(len(windows))],
            account=engine_summary.account,
            revenue=engine_summary.total_spend,
            profit=engine_summary.total_profit if "profit" in self.roles else ibis.null().cast("float64"),
            nps=ibis.null().cast("float64"),
            industry=ibis.null().cast("string"),
            size=ibis.null().cast("string"),
            region=ibis.null().cast("string"),
            channel=ibis.null().cast("string"),
            first_purchase=engine_summary.first_purchase,
            cost_to_serve=ibis.null().cast("float64"),
        )
        headers = (
            [read_period_header(h, header_role) for h, _, _ in year_windows(span["first"], end)] if windows else []
        )
        periods = Periods(labels=tuple(p.label for p in headers), years=years_since_first(headers)) if windows else None
        run = account_report(
            accounts,
            config,
            progress=self.say,
            periods=periods,
            noun="customer",
            columns_read={
                "account": self.columns["customer"],
                "revenue": self.columns["amount"],
                **({"profit": self.columns["profit"]} if "profit" in self.roles else {}),
            },
        )
        self.account_run = run
        tier_codes = run.ordered.select("account", "tier_code").to_pandas().set_index("account")["tier_code"]
        codes = tier_codes.reindex(summary["account"].to_numpy(object)).to_numpy(np.int64)
        self.say("data issues")
        run.report.tables["data_issues"] = _line_issues(self.all_lines, self.columns, run.report.tables["data_issues"])
        return AccountOutcome(
            report=run.report,
            tiers=np.asarray(config.labels, dtype=object)[codes],
            overview_segments=run.largest,
        )


def _line_issues(lines, columns: dict[str, str], account_issues: pd.DataFrame) -> pd.DataFrame:
    """The order lines' issues (lines left out, returns), named by customer and date, then the
    per-customer ones (core.transactions' and core.accounts' reasons); rejected and left out first."""
    name = lines.customer.fill_null("(no customer)").concat(" on ", lines.date.cast("string").fill_null("(no date)"))
    blank = {role: lines[role].isnull() for role in ("customer", "date", "amount")}
    kinds = [
        (blank["customer"], name, ibis.literal(""), "customer", "row left out", "customer is blank or unreadable"),
        (
            ~blank["customer"] & blank["date"],
            name,
            ibis.literal(""),
            "date",
            "row left out",
            "date is blank or unreadable",
        ),
        (
            ~blank["customer"] & ~blank["date"] & blank["amount"],
            name,
            ibis.literal(""),
            "amount",
            "row left out",
            "amount is blank or unreadable",
        ),
        (
            ~blank["customer"] & ~blank["date"] & (lines.amount < 0),
            name,
            lines.amount,
            "amount",
            "kept as a return",
            "negative amount: reduces net revenue and profit, not counted as a purchase",
        ),
    ]
    kinds = size_kinds(lines, name) + kinds
    issues = pd.concat([issue_table(lines, kinds, columns, "line"), account_issues], ignore_index=True)
    return issues.iloc[np.argsort(action_rank(issues["action"]), kind="stable")].reset_index(drop=True)


def _date(value: Any):
    """An ibis date literal of an ISO date."""
    return ibis.literal(pd.Timestamp(value).date(), type="date")


def _day(value: Any) -> int:
    """Day number (days since 1970-01-01) of a date."""
    return int(np.datetime64(pd.Timestamp(value).date(), "D").astype(np.int64))


def _day_counts(name: str, frame: pd.DataFrame, column: str, start: int) -> dict[str, np.ndarray]:
    """``<name>_days`` (from ``start``, ascending) and their customers, as HoldoutStatistics holds them."""
    days = pd.to_datetime(frame[column]).to_numpy().astype("datetime64[D]").astype(np.int64) - start
    order = np.argsort(days, kind="stable")
    sizes = "counts" if name == "repeat" else "sizes"
    return {f"{name}_days": days[order], f"{name}_{sizes}": frame["customers"].to_numpy(float)[order]}


def _end_date(observation_end: Any, last_date: Any) -> dt.date:
    return pd.Timestamp(last_date if observation_end is None else observation_day(observation_end)).date()
