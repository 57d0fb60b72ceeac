"""The customer report from order lines in a warehouse: summary, RFM, models, account report.

:func:`customer_report` mirrors :func:`core.customers.report.run_customer_report`:

- the per-customer summary is :func:`warehouse.queries.customer_summary`, run by the engine;
- RFM: the engine computes the quintile edges and scores every customer; the (R, F, M)
  combinations (at most 125) come back with their customers and revenue, and
  :mod:`core.customers.rfm` names the segments and builds the tables;
- BG/NBD is fitted in scipy on the **compressed** statistics: identical (x, t_x, T) grouped
  with their number of customers as weights (the purchase models' ``fit(..., weights=...)``), so the
  fit costs the number of distinct triples, not of customers; Gamma-Gamma on the repeat
  buyers' (x, average repeat spend);
- the account report (tiers, concentration, matrix) is :func:`warehouse.report.account_report`
  on the per-customer table.

Per-customer values (scores, segment, tier, model CLV) are computed a batch at a time by
core's functions while :mod:`warehouse.output` streams them to Parquet; ``customers`` and
``lifetime_value`` then hold the first 1,048,575 customers by total spend.
"""
from __future__ import annotations

import datetime as dt
import warnings
from dataclasses import dataclass, field
from typing import Any, Iterator

import ibis
import numpy as np
import pandas as pd

from core.config import ReportConfig
from core.customers import rfm
from core.customers.gamma_gamma import GammaGammaModel, SpendFrequencyCorrelationWarning
from core.customers.model_clv import PURCHASE_MODELS, ClvResult, model_clv
from core.customers.report import (MODEL_COLUMNS, OPTIONAL_COLUMNS, LifetimeOutcome, lifetime_table,
                                   parameter_table, rfm_model_notes)
from core.customers.summary import UNIT_DAYS
from core.customers.validation import model_name, model_order
from core.errors import SegmenterInputError
from warehouse import queries
from warehouse.report import AccountRun, Progress, account_report

BINS = 5


@dataclass
class CustomerRun:
    """A finished engine run on order lines; :meth:`customer_batches` streams the customers.

    ``tables`` and ``headline`` are those of core's CustomerReport; ``customers``,
    ``lifetime_value``, the segments' ``model_clv`` and ``headline["total_clv"]`` are filled in
    by :func:`warehouse.output.write_customers` as the batches pass.
    """

    tables: dict[str, pd.DataFrame]
    headline: dict[str, Any]
    account_run: AccountRun
    ordered: Any  # ibis table: customers with R, F, M and tier_code, largest total spend first
    models: tuple[Any, GammaGammaModel] | None
    model_key: str | None
    horizon: float
    unit: str
    has_roles: set[str] = field(default_factory=set)

    @property
    def account_report(self):
        return self.account_run.report

    def customer_batches(self, rows_per_batch: int = 250_000) -> Iterator[pd.DataFrame]:
        """Customers with core's per-customer columns (segment, tier, model values), in order."""
        config = self.account_run.report.config
        for batch in self.ordered.to_pyarrow_batches(chunk_size=rows_per_batch):
            yield self.customer_frame(batch.to_pandas(), config)

    def customer_frame(self, batch: pd.DataFrame, config: ReportConfig) -> pd.DataFrame:
        for column in ("first_purchase", "last_purchase"):
            batch[column] = pd.to_datetime(batch[column])
        frame = batch.drop(columns=["tier_code"] + [c for c, role in OPTIONAL_COLUMNS.items()
                                                    if role not in self.has_roles])
        frame["RFM"] = (batch["R"].astype(str) + batch["F"].astype(str) + batch["M"].astype(str)).astype(object)
        frame["segment"] = rfm.segment_names(batch["R"], batch["F"], batch["M"], BINS)
        frame["tier"] = np.asarray(config.labels, dtype=object)[batch["tier_code"].to_numpy(dtype=np.int64)]
        frame["model_note"] = ""
        values = None
        if self.models is not None and len(batch):
            batch.attrs["unit"] = self.unit
            values = model_clv(batch, horizon=self.horizon, discount_rate=config.discount, unit=self.unit,
                               model=self.model_key, models=self.models)
            self.tables.setdefault("clv_parameters_fitted", values.parameters)
        for column in MODEL_COLUMNS:
            frame[column] = values.customers[column].to_numpy(float) if values is not None else np.nan
        if values is not None:
            frame["margin_pct"] = values.customers["margin_pct"].to_numpy(float)
            frame["expected_revenue"] = values.customers["expected_revenue"].to_numpy(float)
            frame["model_note"] = rfm_model_notes(frame, model_name(self.model_key))
        return frame


def customer_report(lines, config: ReportConfig | None = None, *, horizon: float = 52, unit: str = "W",
                    observation_end: Any = None, roles: set[str] | None = None,
                    progress: Progress | None = None) -> CustomerRun:
    """Run the customer report in the engine holding ``lines`` (:func:`queries.order_lines`).

    ``roles``: the optional roles the table has (``profit``, ``quantity``), as
    core's ``TransactionTable.headers`` tells which columns to show.
    """
    config = config or ReportConfig()
    say = progress or (lambda text: None)
    if unit not in UNIT_DAYS:
        raise SegmenterInputError(f"unknown time unit {unit!r}; use D (days), W (weeks) or M (months)", column="unit")
    roles = set(roles or ())
    say("counting order lines")
    counts = lines.aggregate(lines=lines.count(), returns=(lines.amount < 0).sum(),
                             last_date=lines.date.max()).to_pandas().iloc[0]
    if int(counts["lines"]) == 0:
        raise SegmenterInputError("no order line has a customer, a date and an amount")
    end = _end_date(observation_end, counts["last_date"])
    say(f"{int(counts['lines']):,} order lines: customer summary up to {end}")
    summary = queries.customer_summary(lines, ibis.literal(end, type="date"), unit).cache()
    customers = int(summary.count().execute())
    if customers == 0:
        raise SegmenterInputError(f"no purchase on or before {end}", column="date")

    accounts = summary.select(
        account=summary.account, revenue=summary.total_spend,
        profit=summary.total_profit if "profit" in roles else ibis.null().cast("float64"),
        nps=ibis.null().cast("float64"), industry=ibis.null().cast("string"), size=ibis.null().cast("string"),
        region=ibis.null().cast("string"), channel=ibis.null().cast("string"), first_purchase=summary.first_purchase,
        cost_to_serve=ibis.null().cast("float64"))
    account_run = account_report(accounts, config, progress=say)

    say("RFM scores")
    edges = _rfm_edges(summary)
    scored = summary.mutate(**{letter: queries.rfm_score(summary[column], edges[letter], higher, BINS)
                               for letter, (column, higher) in rfm.METRICS.items()})
    combos = scored.group_by(["R", "F", "M"]).aggregate(customers=ibis._.count(),
                                                         revenue=ibis._.total_spend.sum()).to_pandas()
    thresholds = rfm.thresholds_table([
        row for letter, (column, higher) in rfm.METRICS.items()
        for row in rfm.threshold_rows(letter, np.asarray(edges[letter]),
                                      np.bincount(combos[letter].to_numpy(dtype=np.int64),
                                                  weights=combos["customers"].to_numpy(float),
                                                  minlength=BINS + 1).astype(np.int64),
                                      higher, BINS, True)])
    segment_of_combo = rfm.segment_names(combos["R"], combos["F"], combos["M"], BINS)
    segments = rfm.segment_table(segment_of_combo, combos["customers"].to_numpy(float),
                                 combos["revenue"].to_numpy(float))

    order, choice = model_order(config.customer_model, None)
    say(f"{model_name(order[0])} on compressed statistics, Gamma-Gamma on repeat buyers")
    key, models, clv_error, clv_warnings = _fit(summary, order)

    tiers = account_run.ordered.select(tier_account=account_run.ordered.account, tier_code=account_run.ordered.tier_code)
    joined = scored.join(tiers, scored.account == tiers.tier_account).drop("tier_account")
    ordered = joined.order_by([ibis.desc(joined.total_spend), joined.account])

    repeat_buyers = int((summary.frequency > 0).sum().execute())
    tables = {
        "rfm_segments": segments,
        "rfm_thresholds": thresholds,
    }
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
        "model_choice": choice + " The holdout check is not run on the engine path.",
        "model_check": {},
        "historical_method": None,
        "total_historical_clv": float("nan"),
        "total_clv": float("nan"),
        "clv_error": clv_error,
        "clv_warnings": list(clv_warnings),
        "data_issues": len(account_run.report.tables["data_issues"]),
        "has_profit": "profit" in roles,
    }
    return CustomerRun(tables=tables, headline=headline, account_run=account_run, ordered=ordered, models=models,
                       model_key=key, horizon=horizon, unit=unit, has_roles=roles)


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
        raise SegmenterInputError(f"observation end {observation_end!r} is not a date (use YYYY-MM-DD)",
                                  column="observation_end") from None
    return stamp.date()


def _rfm_edges(summary) -> dict[str, list[float]]:
    """The k/5 quantile edges of each RFM metric, one query for all three."""
    row = summary.aggregate(**{f"{letter}{k}": summary[column].quantile(k / BINS)
                               for letter, (column, _) in rfm.METRICS.items() for k in range(1, BINS)}
                            ).to_pandas().iloc[0]
    return {letter: [float(row[f"{letter}{k}"]) for k in range(1, BINS)] for letter in rfm.METRICS}


def _fit(summary, order: list[str]):
    """(model key, (purchase model, Gamma-Gamma), error, warnings): the first purchase model of
    ``order`` that fits the compressed triples (weights = customers), as core tries them in turn."""
    triples = queries.compressed_triples(summary).to_pandas()
    spenders = summary.filter((summary.frequency > 0) & (summary.avg_repeat_spend > 0)).select(
        "frequency", "avg_repeat_spend").to_pandas()
    errors: list[str] = []
    for key in order:
        try:
            purchases = PURCHASE_MODELS[key]().fit(triples["frequency"], triples["recency"], triples["T"],
                                                   weights=triples["customers"])
        except SegmenterInputError as error:
            errors.append(f"{model_name(key)}: {error}")
            continue
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", SpendFrequencyCorrelationWarning)
            try:
                spend = GammaGammaModel().fit(spenders["frequency"].to_numpy(float),
                                              spenders["avg_repeat_spend"].to_numpy(float))
            except SegmenterInputError as error:
                return key, None, f"the spend per purchase could not be modelled ({error}).", []
        texts = [str(w.message) for w in caught if issubclass(w.category, SpendFrequencyCorrelationWarning)]
        return key, (purchases, spend), None, texts
    return None, None, "; ".join(errors), []


def finish_tables(run: CustomerRun, shown: pd.DataFrame, clv_by_segment: pd.Series, total_clv: float) -> None:
    """Fill in what needed every customer's values: shown customers, lifetime values, CLV sums."""
    run.tables["customers"] = shown.reset_index(drop=True)
    fitted = run.tables.pop("clv_parameters_fitted", None)
    error = run.headline["clv_error"]
    if run.models is not None and fitted is not None:
        lifetime = LifetimeOutcome(ClvResult(customers=shown, parameters=fitted), None, run.model_key,
                                   model_name(run.model_key), run.headline["model_choice"], {}, None, None,
                                   run.headline["clv_warnings"])
        run.tables["lifetime_value"] = lifetime_table(lifetime)
        run.tables["clv_parameters"] = parameter_table(lifetime, run.horizon, run.unit, run.headline["discount"])
        run.headline["total_clv"] = float(total_clv)
    else:
        run.tables["lifetime_value"] = pd.DataFrame({"note": [f"Lifetime value not computed: {error}"]})
        run.tables["clv_parameters"] = pd.DataFrame({
            "model": "purchase models", "parameter": ["status"], "value": ["not fitted"], "unit": ["text"],
            "standard_error": np.nan, "meaning": [f"No purchase model could be used: {error}"]})
    segments = run.tables["rfm_segments"]
    segments.insert(5, "model_clv", segments["segment"].map(clv_by_segment).to_numpy(float))
