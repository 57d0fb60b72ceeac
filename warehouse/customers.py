"""The customer report from order lines in a warehouse: summary, RFM, models, account report.

:func:`customer_report` mirrors :func:`core.customers.report.run_customer_report`:

- the per-customer summary is :func:`warehouse.queries.customer_summary`, run by the engine;
- RFM: the engine computes the quintile edges and scores every customer; the (R, F, M)
  combinations (at most 125) come back with their customers and revenue, and
  :mod:`core.customers.rfm` names the segments and builds the tables;
- the holdout model check: the engine computes the calibration period's statistics
  (:class:`core.customers.validation.HoldoutStatistics`: distinct (x, t_x, T) with their
  customers and holdout repeat purchases, repeat purchases per day, customers per first
  purchase day) and :func:`core.customers.validation.check_from_statistics` fits and compares;
- the purchase model (the holdout's best, or the setting) is fitted in scipy on the
  **compressed** statistics: identical (x, t_x, T) grouped with their number of customers as
  weights (the purchase models' ``fit(..., weights=...)``), so the fit costs the number of
  distinct triples, not of customers; Gamma-Gamma on the repeat buyers' (x, average repeat
  spend); when no model can be used, the historical value
  (:func:`core.customers.historical_clv.historical_value`) from the engine's counts of active
  periods;
- with two or more full years the per-customer revenue per year (the engine sums it with the
  summary) gives the growth and tier-migration sheets;
- the account report (tiers, concentration, matrix) is :func:`warehouse.report.account_report`
  on the per-customer table.

Per-customer values (scores, segment, tier, model CLV) are computed a batch at a time by
core's functions while :func:`warehouse.run.write_customers` streams them to Parquet; ``customers`` and
``lifetime_value`` then hold the first 1,048,575 customers by total spend.
"""

from __future__ import annotations

import datetime as dt
import math
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import ibis
import numpy as np
import pandas as pd

from core.accounts import header_role
from core.config import ReportConfig
from core.customers import rfm
from core.customers.gamma_gamma import GammaGammaModel, SpendFrequencyCorrelationWarning
from core.customers.historical_clv import HistoricalValue, historical_value, retention_period, why_no_model
from core.customers.model_clv import PURCHASE_MODELS, AverageSpend, ClvResult, model_clv
from core.customers.report import (
    MODEL_COLUMNS,
    OPTIONAL_COLUMNS,
    LifetimeOutcome,
    lifetime_table,
    model_check_notes,
    parameter_table,
    rfm_model_notes,
)
from core.customers.summary import UNIT_DAYS, year_windows
from core.customers.validation import (
    HoldoutStatistics,
    ModelCheck,
    check_from_statistics,
    model_name,
    model_order,
    split_span,
)
from core.data_issues import action_rank
from core.errors import SegmenterInputError
from core.overview import overview_tables
from core.periods import read_period_header, years_since_first
from warehouse import queries
from warehouse.report import AccountRun, Periods, Progress, account_report, issue_table, size_kinds

BINS = 5


class PerTriple:
    """A fitted purchase model whose values (P(alive), expected purchases at each period end of the
    horizon) are computed once per distinct (x, t_x, T) of all customers, then looked up for each
    batch of customers; core's :func:`core.customers.model_clv.model_clv` reads it as the model.

    The same model's own functions make every value, so the figures are the model's; only the
    repetition goes: batches of customers share most of their triples.
    """

    def __init__(self, model, triples: pd.DataFrame, horizon: float) -> None:
        self.model = model
        self.name = model.name
        x, t_x, age = (triples[c].to_numpy(float) for c in ("frequency", "recency", "T"))
        self._index = pd.MultiIndex.from_arrays([x, t_x, age])
        self._alive = model.probability_alive(x, t_x, age)
        # the period ends model_clv asks for: 0, 1, 2, ... up to the horizon
        self._times = np.concatenate([[0.0], np.minimum(np.arange(1, math.ceil(horizon) + 1, dtype=float), horizon)])
        self._over = model.expected_purchases_over(self._times, x, t_x, age)
        self._last = None

    def _rows(self, x, t_x, age) -> np.ndarray:
        asked = (x, t_x, age)
        if self._last is not None and all(a is b for a, b in zip(asked, self._last[0])):
            return self._last[1]  # model_clv asks for each period of the horizon with the same arrays
        rows = self._index.get_indexer(pd.MultiIndex.from_arrays([np.asarray(v, dtype=float) for v in asked]))
        if (rows < 0).any():
            raise SegmenterInputError("a customer's (frequency, recency, T) is not among the fitted statistics")
        self._last = (asked, rows)
        return rows

    def __getattr__(self, name: str):
        return getattr(self.model, name)  # anything else is the model's own (computed per batch)

    def summary(self) -> pd.DataFrame:
        return self.model.summary()

    def probability_alive(self, x, t_x, age) -> np.ndarray:
        return self._alive[self._rows(x, t_x, age)]

    def expected_purchases_over(self, horizons, x, t_x, age) -> np.ndarray:
        horizons = np.asarray(horizons, dtype=float)
        if horizons.shape != self._times.shape or not (horizons == self._times).all():
            return self.model.expected_purchases_over(horizons, x, t_x, age)
        return self._over[self._rows(x, t_x, age)]


@dataclass
class Historical:
    """The historical value's engine counts (used when no purchase model could be used): active
    periods per customer (an ibis table), retained of at-risk (customer, period) pairs, the period
    length, whether the list has profit, and why no model could be used and what would fix it."""

    active: Any
    retained: int
    at_risk: int
    period_days: float
    has_profit: bool
    why: str
    fix: str


@dataclass
class CustomerRun:
    """A finished engine run on order lines; :meth:`customer_batches` streams the customers.

    ``tables`` and ``headline`` are those of core's CustomerReport; ``customers``,
    ``lifetime_value``, the segments' ``model_clv`` (or ``historical_clv``) and
    ``headline["total_clv"]`` are filled in by :func:`warehouse.run.write_customers` as the batches pass.
    """

    tables: dict[str, pd.DataFrame]
    headline: dict[str, Any]
    account_run: AccountRun
    ordered: Any  # ibis table: customers with R, F, M and tier_code, largest total spend first
    models: tuple[Any, GammaGammaModel | AverageSpend] | None
    model_key: str | None
    horizon: float
    unit: str
    has_roles: set[str] = field(default_factory=set)
    historical: Historical | None = None
    errors: dict[str, str] = field(default_factory=dict)
    check: ModelCheck | None = None
    check_note: str = ""

    @property
    def account_report(self):
        return self.account_run.report

    @property
    def value_column(self) -> str:
        return "historical_clv" if self.historical is not None else "model_clv"

    def customer_batches(self, rows_per_batch: int = 250_000) -> Iterator[pd.DataFrame]:
        """Customers with core's per-customer columns (segment, tier, model values), in order."""
        config = self.account_run.report.config
        for batch in self.ordered.to_pyarrow_batches(chunk_size=rows_per_batch):
            yield self.customer_frame(batch.to_pandas(), config)

    def customer_frame(self, batch: pd.DataFrame, config: ReportConfig) -> pd.DataFrame:
        for column in ("first_purchase", "last_purchase"):
            batch[column] = pd.to_datetime(batch[column])
        frame = batch.drop(
            columns=["tier_code", "active_periods"]
            + [c for c in batch if c.startswith("period_")]
            + [c for c, role in OPTIONAL_COLUMNS.items() if role not in self.has_roles],
            errors="ignore",
        )
        frame["RFM"] = (batch["R"].astype(str) + batch["F"].astype(str) + batch["M"].astype(str)).astype(object)
        frame["segment"] = rfm.segment_names(batch["R"], batch["F"], batch["M"], BINS)
        frame["tier"] = np.asarray(config.labels, dtype=object)[batch["tier_code"].to_numpy(dtype=np.int64)]
        values = None
        if self.models is not None and len(batch):
            batch.attrs["unit"] = self.unit
            values = model_clv(
                batch,
                horizon=self.horizon,
                discount_rate=config.discount,
                unit=self.unit,
                model=self.model_key,
                models=self.models,
            )
            self.tables.setdefault("clv_parameters_fitted", values.parameters)
        for column in MODEL_COLUMNS:
            frame[column] = values.customers[column].to_numpy(float) if values is not None else np.nan
        if values is not None:
            frame["margin_pct"] = values.customers["margin_pct"].to_numpy(float)
            frame["expected_revenue"] = values.customers["expected_revenue"].to_numpy(float)
        if self.historical is not None:
            value = self.historical_value(batch, config)
            frame["historical_clv"] = value.customers["historical_clv"].to_numpy(float)
            for column in ("active_periods", "margin_per_period", "expected_periods"):
                frame[column] = value.customers[column].to_numpy(float)
        frame["model_note"] = rfm_model_notes(frame, model_name(self.model_key) if self.models is not None else None)
        return frame

    def historical_value(self, batch: pd.DataFrame, config: ReportConfig) -> HistoricalValue:
        counts = self.historical
        return historical_value(
            batch,
            batch["active_periods"].to_numpy(float),
            retained=counts.retained,
            at_risk=counts.at_risk,
            period_days=counts.period_days,
            has_profit=counts.has_profit,
            discount_rate=config.discount,
            horizon_days=self.horizon * UNIT_DAYS[self.unit],
        )

    def lifetime(self, shown: pd.DataFrame) -> LifetimeOutcome:
        """core's LifetimeOutcome for the shown customers (the model's values, or the historical ones)."""
        config = self.account_run.report.config
        choice = self.headline["model_choice"]
        if self.historical is not None:
            counts = self.historical
            return LifetimeOutcome(
                None,
                self.historical_value(shown.assign(purchases=shown["purchases"]), config),
                None,
                None,
                choice,
                self.errors,
                counts.why,
                counts.fix,
                [],
            )
        fitted = self.tables.get("clv_parameters_fitted")
        return LifetimeOutcome(
            ClvResult(customers=shown, parameters=fitted),
            None,
            self.model_key,
            model_name(self.model_key),
            choice,
            self.errors,
            None,
            None,
            self.headline["clv_warnings"],
        )


def customer_report(
    lines,
    config: ReportConfig | None = None,
    *,
    horizon: float = 52,
    unit: str = "W",
    observation_end: Any = None,
    roles: set[str] | None = None,
    progress: Progress | None = None,
    columns_read: dict[str, str] | None = None,
) -> CustomerRun:
    """Run the customer report in the engine holding ``lines`` (:func:`queries.order_lines`).

    ``roles``: the optional roles the table has (``profit``, ``quantity``), as
    core's ``TransactionTable.headers`` tells which columns to show; ``columns_read``: role ->
    the table's column name (for the Data issues sheet).
    """
    config = config or ReportConfig()
    say = progress or (lambda text: None)
    if unit not in UNIT_DAYS:
        raise SegmenterInputError(f"unknown time unit {unit!r}; use D (days), W (weeks) or M (months)", column="unit")
    roles = set(roles or ())
    columns = {role: (columns_read or {}).get(role, role) for role in queries.LINE_COLUMNS}
    all_lines, lines = lines, queries.usable_lines(lines)
    say("counting order lines")
    counts = (
        lines.aggregate(
            lines=lines.count(),
            returns=(lines.amount < 0).sum(),
            first_date=lines.date.min(),
            last_date=lines.date.max(),
        )
        .to_pandas()
        .iloc[0]
    )
    if int(counts["lines"]) == 0:
        raise SegmenterInputError("no order line has a customer, a date and an amount")
    end = _end_date(observation_end, counts["last_date"])
    literal_end = ibis.literal(end, type="date")
    say(f"{int(counts['lines']):,} order lines: totals per customer and day up to {end}")
    daily = queries.daily_totals(lines, literal_end).cache()  # the one pass over the lines
    span = daily.aggregate(first=daily.date.min(), last=daily.date.max()).to_pandas().iloc[0]
    windows = (
        [(start.date(), last.date()) for _, start, last in year_windows(span["first"], end)]
        if pd.notna(span["first"])
        else []
    )
    say("customer summary")
    summary = queries.summary_of_days(daily, literal_end, unit, windows).cache()
    customers = int(summary.count().execute())
    if customers == 0:
        raise SegmenterInputError(f"no purchase on or before {end}", column="date")

    accounts = summary.select(
        *[summary[queries.PERIOD.format(k)] for k in range(len(windows))],
        account=summary.account,
        revenue=summary.total_spend,
        profit=summary.total_profit if "profit" in roles else ibis.null().cast("float64"),
        nps=ibis.null().cast("float64"),
        industry=ibis.null().cast("string"),
        size=ibis.null().cast("string"),
        region=ibis.null().cast("string"),
        channel=ibis.null().cast("string"),
        first_purchase=summary.first_purchase,
        cost_to_serve=ibis.null().cast("float64"),
    )
    headers = [read_period_header(h, header_role) for h, _, _ in year_windows(span["first"], end)] if windows else []
    periods = Periods(labels=tuple(p.label for p in headers), years=years_since_first(headers)) if windows else None
    account_run = account_report(
        accounts,
        config,
        progress=say,
        periods=periods,
        noun="customer",
        columns_read={"account": columns["customer"], "revenue": columns["amount"], "profit": columns["profit"]},
    )

    say("RFM scores")
    edges = _rfm_edges(summary)
    scored = summary.mutate(
        **{
            letter: queries.rfm_score(summary[column], edges[letter], higher, BINS)
            for letter, (column, higher) in rfm.METRICS.items()
        }
    )
    combos = (
        scored.group_by(["R", "F", "M"])
        .aggregate(customers=ibis._.count(), revenue=ibis._.total_spend.sum())
        .to_pandas()
    )
    thresholds = rfm.thresholds_table(
        [
            row
            for letter, (column, higher) in rfm.METRICS.items()
            for row in rfm.threshold_rows(
                letter,
                np.asarray(edges[letter]),
                np.bincount(
                    combos[letter].to_numpy(dtype=np.int64),
                    weights=combos["customers"].to_numpy(float),
                    minlength=BINS + 1,
                ).astype(np.int64),
                higher,
                BINS,
                True,
            )
        ]
    )
    segment_of_combo = rfm.segment_names(combos["R"], combos["F"], combos["M"], BINS)
    segments = rfm.segment_table(
        segment_of_combo, combos["customers"].to_numpy(float), combos["revenue"].to_numpy(float)
    )

    check, check_note = _model_check(daily, span, unit, say)
    order, choice = model_order(config.customer_model, check)
    say(f"{model_name(order[0])} on compressed statistics, Gamma-Gamma on repeat buyers")
    key, models, errors, clv_warnings, choice = _fit(summary, order, choice, horizon)
    historical = None
    if models is None:
        say("no purchase model could be used: the historical value")
        historical = _historical(daily, summary, end, errors, unit, "profit" in roles)

    tiers = account_run.ordered.select(
        tier_account=account_run.ordered.account, tier_code=account_run.ordered.tier_code
    )
    joined = scored.join(tiers, scored.account == tiers.tier_account).drop("tier_account")
    if historical is not None:
        joined = joined.left_join(historical.active, joined.account == historical.active.customer).drop("customer")
    ordered = joined.order_by([ibis.desc(joined.total_spend), joined.account])

    repeat_buyers = int((summary.frequency > 0).sum().execute())
    tables = {
        "rfm_segments": segments,
        "rfm_thresholds": thresholds,
    }
    if check is not None:
        tables["model_check"] = check.totals.assign(chosen=check.totals["key"] == check.chosen).drop(columns="key")
        tables["model_check_frequency"] = check.by_frequency
        tables["model_check_tracking"] = check.tracking
    say("data issues")
    account_issues = account_run.report.tables["data_issues"]
    account_run.report.tables["data_issues"] = _line_issues(all_lines, columns, account_issues)
    headline = {
        "transactions": int(counts["lines"]),
        "customers": customers,
        "repeat_buyers": repeat_buyers,
        "observation_end": str(end),
        "unit": unit,
        "horizon": float(horizon),
        "discount": float(config.discount),
        "segments": dict(zip(segments["segment"], segments["customers"].astype(int).tolist())),
        "purchase_model": model_name(key) if models else None,
        "purchase_params": _fitted(models[0], model_name(key)) if models else {},
        "gamma_gamma": _fitted(models[1], "Gamma-Gamma") if models else {},
        "spend_note": None,
        "model_choice": choice,
        "model_check": (
            {}
            if check is None
            else {
                row.model: {
                    "status": row.status,
                    "total_error_pct": row.total_error_pct,
                    "frequency_error_pct": row.frequency_error_pct,
                }
                for row in check.totals.itertuples()
            }
        ),
        "historical_method": None,
        "total_historical_clv": float("nan"),
        "total_clv": float("nan"),
        "clv_error": None if models else f"{historical.why} {historical.fix}",
        "clv_warnings": list(clv_warnings),
        "data_issues": len(account_run.report.tables["data_issues"]),
        "has_profit": "profit" in roles,
    }
    return CustomerRun(
        tables=tables,
        headline=headline,
        account_run=account_run,
        ordered=ordered,
        models=models,
        model_key=key,
        horizon=horizon,
        unit=unit,
        has_roles=roles,
        historical=historical,
        errors=errors,
        check=check,
        check_note=check_note,
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


def _model_check(daily, span: pd.Series, unit: str, say: Progress) -> tuple[ModelCheck | None, str]:
    """core's holdout check (core.customers.report._model_check) on statistics the engine computes."""
    calibration_end, note = split_span(span["first"], span["last"], unit)
    if calibration_end is None:
        return None, note
    say(f"holdout check: the models fitted up to {calibration_end}, compared after it")
    cal_end = ibis.literal(pd.Timestamp(calibration_end).date(), type="date")
    calibration = queries.summary_of_days(daily, cal_end, unit).cache()
    triples = queries.holdout_triples(daily, calibration, cal_end).to_pandas()
    repeat = queries.repeat_day_counts(daily, calibration).to_pandas()
    cohorts = calibration.group_by("first_purchase").aggregate(customers=ibis._.count()).to_pandas()
    start = _day(span["first"])
    stats = HoldoutStatistics(
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
    try:
        return check_from_statistics(stats, unit=unit), note
    except SegmenterInputError as error:
        return None, f"no holdout check: {error}"


def _day(value: Any) -> int:
    """Day number (days since 1970-01-01) of a date."""
    return int(np.datetime64(pd.Timestamp(value).date(), "D").astype(np.int64))


def _day_counts(name: str, frame: pd.DataFrame, column: str, start: int) -> dict[str, np.ndarray]:
    """``<name>_days`` (from ``start``, ascending) and their customers, as HoldoutStatistics holds them."""
    days = pd.to_datetime(frame[column]).to_numpy().astype("datetime64[D]").astype(np.int64) - start
    order = np.argsort(days, kind="stable")
    sizes = "counts" if name == "repeat" else "sizes"
    return {f"{name}_days": days[order], f"{name}_{sizes}": frame["customers"].to_numpy(float)[order]}


def _historical(daily, summary, end: dt.date, errors: dict[str, str], unit: str, has_profit: bool) -> Historical:
    """The engine's counts for core.customers.historical_clv.historical_value, and why no model fits."""
    literal_end = ibis.literal(end, type="date")
    first = summary.aggregate(first=summary.first_purchase.min()).to_pandas().iloc[0]["first"]
    period_days = retention_period((end - pd.Timestamp(first).date()).days + 1)
    active, pairs = queries.active_periods(daily, literal_end, period_days)
    counts = pairs.to_pandas().iloc[0]
    why, fix = why_no_model(summary.select("frequency", "T").to_pandas(), errors, unit)
    all_profit = has_profit and int(summary.total_profit.isnull().sum().execute()) == 0
    return Historical(
        active=active.cache(),
        retained=int(counts["retained"]),
        at_risk=int(counts["at_risk"]),
        period_days=period_days,
        has_profit=all_profit,
        why=why,
        fix=fix,
    )


def _fitted(model, name: str) -> dict[str, float]:
    """Parameter -> value of a fitted model's summary rows (as core's headline reads them)."""
    table = model.summary()
    rows = table[table["model"] == name] if "model" in table else table
    return {str(p): float(v) for p, v in zip(rows["parameter"], rows["value"])}


def _end_date(observation_end: Any, last_date: Any) -> dt.date:
    if observation_end is None:
        return pd.Timestamp(last_date).date()
    try:
        stamp = pd.Timestamp(observation_end)
    except (ValueError, TypeError):
        raise SegmenterInputError(
            f"observation end {observation_end!r} is not a date (use YYYY-MM-DD)", column="observation_end"
        ) from None
    return stamp.date()


def _rfm_edges(summary) -> dict[str, list[float]]:
    """The k/5 quantile edges of each RFM metric, one query for all three."""
    row = (
        summary.aggregate(
            **{
                f"{letter}{k}": summary[column].quantile(k / BINS)
                for letter, (column, _) in rfm.METRICS.items()
                for k in range(1, BINS)
            }
        )
        .to_pandas()
        .iloc[0]
    )
    return {letter: [float(row[f"{letter}{k}"]) for k in range(1, BINS)] for letter in rfm.METRICS}


def _fit(summary, order: list[str], choice: str, horizon: float):
    """(model key, (purchase model, Gamma-Gamma), errors per model, warnings, choice): the first
    purchase model of ``order`` that fits the compressed triples (weights = customers), as core
    tries them in turn (core.customers.report._lifetime_value), and the sentence on the choice."""
    triples = queries.compressed_triples(summary).to_pandas()
    spenders = (
        summary.filter((summary.frequency > 0) & (summary.avg_repeat_spend > 0))
        .select("frequency", "avg_repeat_spend")
        .to_pandas()
    )
    errors: dict[str, str] = {}
    for key in order:
        try:
            purchases = PURCHASE_MODELS[key]().fit(
                triples["frequency"], triples["recency"], triples["T"], weights=triples["customers"]
            )
        except SegmenterInputError as error:
            errors[model_name(key)] = str(error)
            continue
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", SpendFrequencyCorrelationWarning)
            try:
                spend = GammaGammaModel().fit(
                    spenders["frequency"].to_numpy(float), spenders["avg_repeat_spend"].to_numpy(float)
                )
            except SegmenterInputError as error:
                if spenders.empty:  # core's model_clv gives up on this model and tries the next
                    errors[model_name(key)] = str(error)
                    continue
                spend = AverageSpend.of(spenders["frequency"], spenders["avg_repeat_spend"], str(error))
        texts = [str(w.message) for w in caught if issubclass(w.category, SpendFrequencyCorrelationWarning)]
        if key != order[0]:
            choice = (
                f"{choice} {model_name(order[0])} could not be fitted on the whole list "
                f"({errors[model_name(order[0])]}), so {model_name(key)} is used."
            )
        return key, (PerTriple(purchases, triples, horizon), spend), errors, texts, choice
    return None, None, errors, [], choice


def finish_tables(run: CustomerRun, shown: pd.DataFrame, value_by_segment: pd.Series, total_value: float) -> None:
    """Fill in what needed every customer's values: shown customers, lifetime values, value sums."""
    # what the lifetime values need beside the Customers sheet's columns (the Parquet file keeps them)
    lifetime_only = ["margin_pct", "expected_revenue", "active_periods", "margin_per_period", "expected_periods"]
    run.tables["customers"] = shown.drop(columns=lifetime_only, errors="ignore").reset_index(drop=True)
    lifetime = run.lifetime(shown)
    run.tables.pop("clv_parameters_fitted", None)
    run.tables["lifetime_value"] = lifetime_table(lifetime)
    run.tables["clv_parameters"] = parameter_table(lifetime, run.horizon, run.unit, run.headline["discount"])
    run.tables["model_check_notes"] = model_check_notes(run.check, run.check_note, lifetime)
    if lifetime.clv is not None and "spend" in set(lifetime.clv.parameters["model"]):
        parameters = lifetime.clv.parameters
        run.headline["spend_note"] = str(parameters.loc[parameters["model"] == "spend", "meaning"].iloc[0])
    if lifetime.historical is not None:
        run.headline["historical_method"] = lifetime.historical.method
        run.headline["total_historical_clv"] = float(total_value)
    else:
        run.headline["total_clv"] = float(total_value)
    segments = run.tables["rfm_segments"]
    segments.insert(5, run.value_column, segments["segment"].map(value_by_segment).to_numpy(float))
    report = run.account_run.report
    # the Overview of a transaction list speaks of its RFM segments too
    report.tables.update(
        overview_tables({**report.tables, **run.tables}, report.config, segments=run.account_run.largest)
    )
