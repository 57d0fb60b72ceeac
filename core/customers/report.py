"""One call: a transaction list and a config in, the customer tables and the whole account report out.

:func:`run_customer_report` is what the ribbon's "Customers from transactions", the CLI (for a
transaction file) and the worksheet functions on transactions run. Like :mod:`core.report` it
only combines the engine's modules; each figure is defined in the module that computes it
(:mod:`core.transactions`, :mod:`core.customers.rfm`, :mod:`core.customers.model_clv`, and the account modules).

There is one pipeline, :func:`customer_pipeline`, for a list in memory and a warehouse table alike: it
reaches the order lines only through :class:`core.customers.aggregates.CustomerAggregates` (the
per-customer summary, the holdout statistics, active periods, cohort counts, the account report on
the customers). :func:`run_customer_report` runs it on the pandas backend
(:class:`core.customers.aggregates.PandasCustomers`); ``warehouse.customers.customer_report`` on an
engine's (DuckDB, Spark).

Tables (keys of ``CustomerReport.tables``, laid out by ``writers.catalogue.CUSTOMER_SHEETS``):

``customers``
    One row per customer: the purchase history of :func:`core.customers.summary.customer_summary`
    (without its ``revenue``/``profit`` copies of total spend/profit, and without profit,
    margin or quantity columns when the list has none), the RFM scores and segment, the
    model's P(alive), expected purchases and CLV, and the tier the account report gave the
    customer.
``rfm_segments``, ``rfm_thresholds``
    Customers, revenue and model CLV per RFM segment with its rule; the cut points used.
``lifetime_value``, ``clv_parameters``
    Per-customer lifetime values, highest first: the model CLV of the purchase model used, or,
    when no model could be used, the historical value (:mod:`core.customers.historical_clv`);
    how it was made (``model, parameter, value, unit, standard_error, meaning``: the model and
    why it was chosen, what P(alive) means in it, the fitted parameters with standard errors,
    the settings; or why no model could be used and what data would fix it).
``model_check``, ``model_check_frequency``, ``model_check_tracking``
    The holdout check of :func:`core.customers.validation.check_models` when the list spans
    enough time (per model: holdout totals and errors, ``chosen``; per number of calibration
    purchases; cumulative per period).
``model_check_notes``
    ``topic, note``: the split (or why there is no check), the best model and the one used,
    what P(alive) means in each model, how RFM and P(alive) relate.
``cohort_customers``, ``cohort_revenue``, ``cohort_revenue_retention``
    Customers by first-purchase month or quarter x periods since (:mod:`core.customers.cohorts`).
``model_figures``, ``clv_ranges``
    What the models expect with 80 % ranges (:mod:`core.customers.outlook`); ``lifetime_value``
    then carries P10 and P90 beside each customer's figures.
``customers`` also carries ``model_note`` (where the RFM segment and P(alive) seem to
contradict, why both hold) and, without a model, ``historical_clv``. With two or more full
years of orders the account report also gets per-year revenue columns
(:func:`core.customers.summary.revenue_per_year`), hence the Growth and tier-migration sheets.

``account_report`` is :func:`core.report.run_report` on the per-customer table (account =
customer, revenue = total spend, profit = total profit, first purchase), so tiers,
concentration, the matrix and the cohorts work on it exactly as on an account list. Its
Overview tables (findings, key figures, charts) also read the RFM segments. Its
``sheet_row`` columns and ``data_issues`` table point at rows of the transaction list.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from core.config import ReportConfig
from core.customers.aggregates import CustomerAggregates, PandasCustomers
from core.customers.cohorts import cohort_tables_from_counts
from core.customers.fitting import LOG_BOUND
from core.customers.historical_clv import HistoricalValue, historical_value, why_no_model
from core.customers.model_clv import PURCHASE_MODELS, ClvResult, fit_purchase_model, model_clv
from core.customers.outlook import model_outlook
from core.customers.profit_clv import value_extras
from core.customers.rfm import rfm_scores
from core.customers.spend_check import check_independence
from core.customers.summary import UNIT_DAYS
from core.customers.validation import ModelCheck, check_in_two_steps, model_name, model_order, split_span
from core.errors import SegmenterInputError
from core.overview import overview_tables
from core.parallel import Later, workers_for
from core.report import Report
from core.transactions import TransactionTable
from core.unit_economics import unit_economics_tables

#: Per-customer model columns carried into ``customers`` (blank when the models cannot be fitted).
MODEL_COLUMNS = ("probability_alive", "expected_purchases", "expected_avg_spend", "model_clv")
#: Columns of ``lifetime_value`` (from :func:`core.customers.model_clv.model_clv`).
LIFETIME_COLUMNS = (
    "account",
    "frequency",
    "recency",
    "T",
    "probability_alive",
    "expected_purchases",
    "expected_avg_spend",
    "margin_pct",
    "expected_revenue",
    "model_clv",
)
#: Summary columns shown only when the transaction list has the role (profit or quantity) they sum.
OPTIONAL_COLUMNS = {"total_profit": "profit", "avg_margin_pct": "profit", "total_quantity": "quantity"}
# How clv_parameters values read (the layout's unit formats); other numbers are ratios (0.000).
_PARAMETER_UNITS = {
    "customers": "accounts",
    "repeat_buyers": "accounts",
    "discount_rate": "share",
    "retention": "share",
}


@dataclass(frozen=True)
class CustomerReport:
    """The customer tables of one run, its headline figures and the account report.

    Attributes
    ----------
    tables:
        Named DataFrames, see the module docstring.
    headline:
        ``transactions, customers, repeat_buyers, observation_end, unit, horizon, discount,
        segments`` (segment -> customers), ``purchase_model`` (name or None),
        ``purchase_params`` and ``gamma_gamma`` (parameter -> value, empty when not fitted),
        ``spend_note`` (why Gamma-Gamma was replaced by the average spend, or None),
        ``model_choice``, ``model_check`` (model -> holdout errors), ``historical_method`` and
        ``total_historical_clv`` (when no model could be used), ``total_clv``, ``clv_error``
        (the reason when the models could
        not be fitted, else ``None``), ``clv_warnings`` (list of texts), ``data_issues``.
    account_report:
        :func:`core.report.run_report` on the per-customer table.
    """

    tables: dict[str, pd.DataFrame]
    headline: dict[str, Any]
    account_report: Report


def run_customer_report(
    transactions: TransactionTable,
    config: ReportConfig | None = None,
    *,
    horizon: float = 52,
    unit: str = "W",
    observation_end: Any = None,
) -> CustomerReport:
    """Per-customer summary, RFM segments, model lifetime value and the account report.

    Parameters
    ----------
    transactions:
        From :func:`core.transactions.parse_transactions`.
    config:
        Report settings; ``config.discount`` (annual, 0.10 = 10 %) discounts the model CLV,
        the rest drives the account report. Defaults if None.
    horizon:
        Valuation period of the model CLV in ``unit`` periods (52 weeks = about a year).
    unit:
        ``"D"``, ``"W"`` (default, as in the CDNOW studies) or ``"M"``: the unit of recency,
        T, time since last purchase and the horizon.
    observation_end:
        Last day observed (default: the last transaction date); later transactions are left
        out (a calibration period).

    Returns
    -------
    CustomerReport

    Notes
    -----
    - RFM: :func:`core.customers.rfm.rfm_scores` with 5 quantile bins (R = time since the last purchase,
      F = purchases, M = total spend net of returns).
    - Model check: when the list (up to ``observation_end``) spans enough time,
      :func:`core.customers.validation.check_models` fits BG/NBD, MBG/NBD and Pareto/NBD on its
      first half and compares them on the second.
    - Model CLV: :func:`core.customers.model_clv.model_clv` with ``discount_rate = config.discount``
      and the purchase model of ``config.customer_model`` (``auto``: the best on the holdout
      check, BG/NBD without one), fitted on the whole list; expected purchases per period x
      Gamma-Gamma expected spend x margin, each period discounted at (1 + discount)^(unit days
      / 365.25) - 1. The margin is each customer's own (total profit / total spend) when the
      list has profit, else 100 % (CLV in revenue). A model that cannot be fitted on the whole
      list hands over to the next best.
    - ``rfm_segments`` adds ``model_clv`` (or ``historical_clv``), the sum over its customers.
    - When no purchase model can be fitted (too few customers or repeat buyers, no sign of
      customers leaving) the report does not stop: ``customers`` keeps blank model columns
      and gets ``historical_clv``, ``lifetime_value`` lists the historical values and
      ``clv_parameters`` says why no model could be used, what data would fix it and how the
      historical value was made; ``headline["clv_error"]`` carries the reason. A Gamma-Gamma
      warning (spend correlated with frequency) is kept as a ``warning`` row of
      ``clv_parameters`` and in the headline.
    - ``account_report`` reads account = customer, revenue = total spend, profit = total
      profit (only when the list has profit), first purchase. Its ``sheet_row`` is the row of
      the customer's first transaction in the list, and its ``data_issues`` are the
      transaction list's issues plus the account notes (e.g. "revenue 0 or negative").
      Without a profit column margins are undefined (the account report treats it as a
      revenue-only list) and the model CLV is in revenue; ``headline["has_profit"]`` says so.

    Raises
    ------
    SegmenterInputError
        Unknown unit, no purchase up to ``observation_end``, no customer with a positive
        total spend (nothing to tier).

    Examples
    --------
    >>> from core.transactions import parse_transactions
    >>> table = parse_transactions([["Customer", "Date", "Amount"], ["A", "2024-01-01", 30.0],
    ...                             ["A", "2024-01-29", 30.0], ["B", "2024-01-15", 20.0]])
    >>> report = run_customer_report(table)

    A bought twice (60), the last time on the last day; B once (20), two weeks before it. Pareto
    tiers: A has 0 % of revenue before it, B 60 / 80 = 75 % < 80 %, so both are tier A.

    >>> report.tables["customers"][["account", "purchases", "total_spend", "segment", "tier"]].values.tolist()
    [['A', 2, 60.0, 'Champions', 'A'], ['B', 1, 20.0, 'Lost', 'A']]
    >>> report.headline["clv_error"]
    'only 2 customers: the models need at least 10, and a few hundred for steady figures. A list with more customers.'

    No model, so each customer gets the historical value: the list spans 29 days, halves of 14.5
    days; A bought in both, B only in the later one, so retention is 1/1. A's 60 over two active
    periods is 30 per period, for (1 - q^n) / (1 - q) periods within the 52-week horizon, n =
    364 / 14.5, q = 1 / 1.1^(14.5 / 365.25):

    >>> q, n = 1 / 1.1 ** (14.5 / 365.25), 364 / 14.5
    >>> round(30 * (1 - q ** n) / (1 - q), 1)
    719.8
    >>> report.tables["customers"]["historical_clv"].round(1).tolist()
    [719.8, 479.9]
    """
    return customer_pipeline(
        PandasCustomers(transactions), config, horizon=horizon, unit=unit, observation_end=observation_end
    )


def customer_pipeline(
    lines: CustomerAggregates,
    config: ReportConfig | None = None,
    *,
    horizon: float = 52,
    unit: str = "W",
    observation_end: Any = None,
    progress: Callable[[str], None] | None = None,
) -> CustomerReport:
    """:func:`run_customer_report` on any backend of :class:`core.customers.aggregates.CustomerAggregates`.

    Every figure is made here, once, from the backend's answers (:mod:`core.customers.aggregates`):
    the pandas list's (:func:`run_customer_report`) and an engine's (``warehouse.customers``).
    ``progress`` is told each phase in a few words.
    """
    config = config or ReportConfig()
    say = progress or (lambda text: None)
    say("customer summary")
    summary = lines.customer_summary(observation_end, unit)
    end = summary.attrs["observation_end"]
    say(f"{len(summary):,} customers: RFM scores")
    rfm = rfm_scores(summary)
    # what needs the order lines but not the models, on a thread of its own while the models are
    # fitted (only for a backend that answers from several threads: the pandas list in memory)
    side = Later(lambda: _customer_side(lines, summary, config, end)) if getattr(lines, "thread_safe", False) else None
    check, check_note, ranged = _model_check(lines, end, unit, say)
    lifetime = _lifetime_value(lines, summary, check, config, horizon, unit, say)
    if side is None:
        say("the account report on the customers")
    side_answers = side.result() if side is not None else _customer_side(lines, summary, config, end)
    extras = value_extras(
        summary,
        lifetime.clv,
        channel=side_answers.channel,
        cost=side_answers.cost,
        has_profit="profit" in lines.roles,
        horizon=horizon,
        discount_rate=config.discount,
        unit=unit,
        acquisition=side_answers.acquisition,
        per_year="cost_to_serve_per_year" in lines.roles,
    )
    accounts = side_answers.accounts
    account_report = accounts.report

    say("per-customer values")
    customers = shown_summary(summary, lines.roles)
    customers = pd.concat([customers, rfm.scores[["R", "F", "M", "RFM", "segment"]]], axis=1)
    model_values = lifetime.clv.customers if lifetime.clv is not None else pd.DataFrame(index=summary.index)
    for column in MODEL_COLUMNS:
        customers[column] = model_values[column].to_numpy(float) if column in model_values else np.nan
    if lifetime.historical is not None:
        customers["historical_clv"] = lifetime.historical.customers["historical_clv"].to_numpy(float)
    customers["model_note"] = rfm_model_notes(customers, lifetime.model_name)
    customers["tier"] = accounts.tiers
    if accounts.sheet_rows is not None:
        customers["sheet_row"] = accounts.sheet_rows

    segments = rfm.segments.copy()
    value_column = "model_clv" if lifetime.historical is None else "historical_clv"
    clv_by_segment = customers.groupby("segment")[value_column].sum(min_count=1)
    segments.insert(5, value_column, segments["segment"].map(clv_by_segment).to_numpy(float))

    tables = {
        "customers": customers,
        "rfm_segments": segments,
        "rfm_thresholds": rfm.thresholds,
        "lifetime_value": extras.with_values(lifetime_table(lifetime)),
        "clv_parameters": extras.with_parameters(parameter_table(lifetime, horizon, unit, config.discount)),
        "model_check_notes": None,  # below, once the holdout check's range is drawn
    }
    tables.update(side_answers.cohorts)
    outlook = None
    if lifetime.clv is not None:  # the models' figures with their 80 % ranges (core.customers.outlook)
        say("80 % ranges of the models' figures")
        outlook = model_outlook(
            lifetime.clv,
            summary,
            horizon=horizon,
            unit=unit,
            discount=config.discount,
            has_profit="profit" in lines.roles,
            groups={
                "Tier": customers["tier"].to_numpy(object),
                "RFM segment": customers["segment"].to_numpy(object),
                **extras.groups(),
            },
            cost_per_purchase=extras.cost,
            point_profit=extras.profit_values,
        )
        tables.update({k: v for k, v in outlook.tables.items() if k != "customer_ranges"})
        if "customer_ranges" in outlook.tables:
            tables["lifetime_value"] = with_ranges(tables["lifetime_value"], outlook.tables["customer_ranges"])
        tables["clv_parameters"] = pd.concat(
            [
                tables["clv_parameters"],
                pd.DataFrame(
                    {
                        "model": "ranges",
                        "parameter": ["method"],
                        "value": ["text"],
                        "unit": ["text"],
                        "standard_error": np.nan,
                        "meaning": [outlook.note],
                    }
                ),
            ],
            ignore_index=True,
        )
    if ranged is not None:  # the holdout check's range, drawn while the models were fitted and valued
        check = ranged.result()
    tables["model_check_notes"] = model_check_notes(check, check_note, lifetime)
    has_cac = config.cac or extras.acquisition is not None
    if has_cac and lifetime.clv is not None:  # LTV:CAC and months to pay back (core.unit_economics)
        tables.update(unit_economics_tables(config.cac or (), customers, extras, lifetime.clv, horizon, unit))
    if check is not None:
        tables["model_check"] = check.totals.assign(chosen=check.totals["key"] == check.chosen).drop(columns="key")
        tables["model_check_frequency"] = check.by_frequency
        tables["model_check_tracking"] = check.tracking
    # the Overview of a transaction list speaks of its RFM segments too
    account_report.tables.update(
        overview_tables({**account_report.tables, **tables}, config, segments=accounts.overview_segments)
    )
    headline = _headline(
        lines.line_count(),
        "profit" in lines.roles,
        summary,
        rfm.segments,
        lifetime,
        check,
        horizon,
        unit,
        config.discount,
        len(account_report.tables["data_issues"]),
    )
    if outlook is not None and "clv_ranges" in outlook.tables:
        whole = outlook.tables["clv_ranges"].iloc[0]
        headline["clv_range"] = tuple(float(whole[f"model_clv_{q}"]) for q in ("p10", "p50", "p90"))
        headline["purchases_range"] = tuple(float(whole[f"expected_purchases_{q}"]) for q in ("p10", "p50", "p90"))
    headline["range_note"] = outlook.note if outlook is not None else None
    return CustomerReport(tables=tables, headline=headline, account_report=account_report)


@dataclass(frozen=True)
class LifetimeOutcome:
    """Which lifetime value the report gives and why.

    ``clv`` is the model CLV (None when no model could be used, then ``historical`` is set);
    ``model_key``/``model_name`` the purchase model used; ``choice`` one sentence on why that
    model; ``errors`` model name -> why it could not be used; ``why``/``fix`` the plain reason
    no model could be used and what data would fix it; ``warnings`` the spend model's.
    """

    clv: ClvResult | None
    historical: HistoricalValue | None
    model_key: str | None
    model_name: str | None
    choice: str
    errors: dict[str, str]
    why: str | None
    fix: str | None
    warnings: list[str]
    spend_check: str | None = None


@dataclass(frozen=True)
class _SideAnswers:
    """What the report asks of the order lines besides the models: the account report on the
    customers, the cohort tables and the customers' first channel, cost to serve per purchase
    and acquisition cost (:class:`core.customers.aggregates.CustomerAggregates`)."""

    accounts: Any
    cohorts: dict[str, pd.DataFrame]
    channel: np.ndarray | None
    cost: np.ndarray
    acquisition: np.ndarray | None


def _customer_side(lines: CustomerAggregates, summary: pd.DataFrame, config: ReportConfig, end: str) -> _SideAnswers:
    return _SideAnswers(
        channel=lines.first_channel(summary),
        cost=lines.cost_per_purchase(summary),
        acquisition=lines.acquisition_cost(summary),
        accounts=lines.account_report(summary, config),
        cohorts=cohort_tables_from_counts(lines.cohort_counts(end))[0],
    )


def _model_check(lines: CustomerAggregates, end: str, unit: str, say) -> tuple[ModelCheck | None, str, Later | None]:
    """The holdout check on the first half of the list's span up to ``end`` (or why there is none).

    The check comes without the chosen model's 80 % range, which is drawn on another thread
    (the third element: its :meth:`core.parallel.Later.result` is the whole check).
    """
    calibration_end, note = split_span(*lines.date_span(end), unit)
    if calibration_end is None:
        return None, note, None
    say(f"holdout check: the models fitted up to {calibration_end}, compared after it")
    try:
        check, with_range = check_in_two_steps(lines.holdout_statistics(calibration_end, unit, end), unit=unit)
    except SegmenterInputError as error:
        return None, f"no holdout check: {error}", None
    return check, note, Later(lambda: with_range(workers=1))  # one thread: the fits run beside it


#: A shape parameter of the holdout fit beyond e^this (or below e^-this) is near the fit's search
#: bound (:data:`core.customers.fitting.LOG_BOUND`): the same model may then run off on the whole list.
_NEAR_BOUND = LOG_BOUND - 1


def _fits_ahead(order: list[str], check: ModelCheck | None, summary: pd.DataFrame) -> dict[str, Later]:
    """The next model's fit on the whole list, started on a thread, when the first one's may fail.

    When the first model's holdout fit has a shape parameter near its search bound (as when the
    drop-out probability is nearly the same for every customer), its fit on the whole list often
    runs the parameter off and the next model is fitted after it; that fit is then started at
    once, beside the first. It is the fit :func:`core.customers.model_clv.model_clv` would make
    (:func:`core.customers.model_clv.fit_purchase_model`), so the figures are the same whichever
    thread made it; unused when the first model can be fitted.
    """
    if check is None or len(order) < 2 or order[0] not in check.models or workers_for(len(summary)) < 2:
        return {}
    first = check.models[order[0]]
    shapes = [v for n, v in (first.params_ or {}).items() if n not in first.time_parameters]
    if not any(abs(np.log(v)) > _NEAR_BOUND for v in shapes if v > 0):
        return {}
    return {order[1]: Later(lambda: fit_purchase_model(summary, order[1]))}


def _lifetime_value(
    lines: CustomerAggregates,
    summary: pd.DataFrame,
    check: ModelCheck | None,
    config: ReportConfig,
    horizon: float,
    unit: str,
    say,
) -> LifetimeOutcome:
    """Model CLV with the chosen model (others as fallbacks); the historical value when none fits."""
    order, choice = model_order(config.customer_model, check)
    ahead = _fits_ahead(order, check, summary)
    errors: dict[str, str] = {}
    spend_error = None
    spend_fit: dict = {}  # Gamma-Gamma fitted once for all the purchase models tried
    for key in order:
        say(f"{model_name(key)} and Gamma-Gamma on every customer")
        texts: list[str] = []  # the Gamma-Gamma warning (spend correlated with frequency), if any
        try:
            result = model_clv(
                summary,
                horizon=horizon,
                discount_rate=config.discount,
                unit=unit,
                model=key,
                spend_fit=spend_fit,
                spend_warnings=texts,
                purchase_fit=ahead[key].result if key in ahead else None,
            )
        except SegmenterInputError as error:
            if error.column == "avg_repeat_spend":
                spend_error = str(error)
                break
            errors[model_name(key)] = str(error)
            continue
        result, spend_check, failed = check_independence(
            result, summary, horizon=horizon, discount_rate=config.discount, unit=unit
        )
        texts = [] if failed else texts  # the spend rows of clv_parameters say why the historical spend is used
        if key != order[0]:
            choice = (
                f"{choice} {model_name(order[0])} could not be fitted on the whole list "
                f"({errors[model_name(order[0])]}), so {model_name(key)} is used."
            )
        return LifetimeOutcome(result, None, key, model_name(key), choice, errors, None, None, texts, spend_check)
    say("no purchase model could be used: the historical value")
    counts = lines.active_periods(summary)
    historical = historical_value(
        summary,
        counts.active_periods,
        retained=counts.retained,
        at_risk=counts.at_risk,
        period_days=counts.period_days,
        has_profit=bool("profit" in lines.roles and summary["total_profit"].notna().all()),
        discount_rate=config.discount,
        horizon_days=horizon * UNIT_DAYS[unit],
    )
    if spend_error is not None:
        why, fix = (
            f"the spend per purchase could not be modelled ({spend_error}).",
            "More repeat buyers with differing spend per purchase.",
        )
    else:
        why, fix = why_no_model(summary, errors, unit)
    return LifetimeOutcome(None, historical, None, None, choice, errors, why, fix, [])


def shown_summary(summary: pd.DataFrame, transactions: TransactionTable | Collection[str]) -> pd.DataFrame:
    """The summary as shown to users: without ``revenue``/``profit`` (copies of total spend and
    total profit, kept for the account report) and without :data:`OPTIONAL_COLUMNS` whose role
    (profit, quantity) the transaction list does not have (``transactions``: the list, or the
    optional roles it has).

    Examples
    --------
    >>> from core.transactions import parse_transactions
    >>> from core.customers.summary import UNIT_DAYS, customer_summary, revenue_per_year
    >>> table = parse_transactions([["Customer", "Date", "Amount"], ["A", "2024-01-01", 30.0]])
    >>> list(shown_summary(customer_summary(table), table).columns)[-3:]
    ['total_spend', 'avg_spend', 'avg_repeat_spend']
    """
    roles = transactions.headers if isinstance(transactions, TransactionTable) else transactions
    absent = [column for column, role in OPTIONAL_COLUMNS.items() if role not in roles]
    return summary.drop(columns=["revenue", "profit"] + absent)


def with_ranges(lifetime: pd.DataFrame, ranges: pd.DataFrame) -> pd.DataFrame:
    """The per-customer lifetime values with each figure's P10 and P90 beside it.

    >>> table = pd.DataFrame({"account": ["A"], "expected_purchases": [2.0], "model_clv": [50.0]})
    >>> ranges = pd.DataFrame({"account": ["A"], "expected_purchases_p10": [1.5], "expected_purchases_p90": [2.5],
    ...                        "model_clv_p10": [40.0], "model_clv_p90": [60.0]})
    >>> list(with_ranges(table, ranges).columns)
    ['account', 'expected_purchases', 'expected_purchases_p10', 'expected_purchases_p90', 'model_clv', 'model_clv_p10', 'model_clv_p90']
    """  # noqa: E501
    merged = lifetime.merge(ranges, on="account", how="left")
    order = []
    for column in lifetime.columns:
        order.append(column)
        if column in ("expected_purchases", "model_clv", "profit_clv") and f"{column}_p10" in ranges:
            order += [f"{column}_p10", f"{column}_p90"]
    return merged[order]


def lifetime_table(lifetime: LifetimeOutcome) -> pd.DataFrame:
    if lifetime.clv is None:
        return lifetime.historical.customers.sort_values(
            ["historical_clv", "account"], ascending=[False, True], na_position="last", kind="stable", ignore_index=True
        )
    return lifetime.clv.customers[list(LIFETIME_COLUMNS)].sort_values(
        ["model_clv", "account"], ascending=[False, True], na_position="last", kind="stable", ignore_index=True
    )


def parameter_table(lifetime: LifetimeOutcome, horizon, unit, discount) -> pd.DataFrame:
    if lifetime.clv is None:
        historical = lifetime.historical
        parameters = pd.DataFrame(
            {
                "model": [
                    "purchase models",
                    "purchase models",
                    "historical value",
                    "historical value",
                    "historical value",
                    "historical value",
                ],
                "parameter": ["status", "what would fix it", "method", "period_days", "retention", "expected_periods"],
                "value": [
                    "not fitted",
                    "more data",
                    "historical",
                    historical.period_days,
                    historical.retention,
                    historical.expected_periods,
                ],
                "standard_error": np.nan,
                "meaning": [
                    f"No purchase model could be used: {lifetime.why}",
                    lifetime.fix,
                    historical.method,
                    "length of one period, days",
                    "observed retention per period",
                    "(1 + d) / (1 + d - r): discounted periods a customer stays, this one included",
                ],
            }
        )
    else:
        used = pd.DataFrame(
            {
                "model": lifetime.model_name,
                "parameter": ["chosen because", "P(alive)"],
                "value": "text",
                "standard_error": np.nan,
                "meaning": [lifetime.choice, PURCHASE_MODELS[lifetime.model_key].alive_sentence],
            }
        )
        parameters = pd.concat([used, lifetime.clv.parameters], ignore_index=True)
    if lifetime.warnings:
        parameters = pd.concat(
            [
                parameters,
                pd.DataFrame(
                    {
                        "model": "Gamma-Gamma",
                        "parameter": "warning",
                        "value": "check",
                        "standard_error": np.nan,
                        "meaning": lifetime.warnings,
                    }
                ),
            ],
            ignore_index=True,
        )
    parameters = parameters.copy()
    parameters["value"] = parameters["value"].astype(object)
    numeric = np.array([isinstance(v, (int, float)) for v in parameters["value"]], dtype=bool)
    parameters.insert(
        3, "unit", np.where(numeric, parameters["parameter"].map(_PARAMETER_UNITS).fillna("ratio"), "text")
    )
    return parameters


#: RFM segments that say "gone quiet" and those that say "active"; a model disagreeing gets a note.
_QUIET_SEGMENTS = ("Lost", "Hibernating", "At risk", "About to sleep")
_ACTIVE_SEGMENTS = ("Champions", "Loyal", "Potential loyalist", "New")


def rfm_model_notes(customers: pd.DataFrame, model: str | None) -> np.ndarray:
    """Per customer, a note where the RFM segment and the model's P(alive) seem to contradict.

    A quiet segment (Lost, Hibernating, At risk, About to sleep) with P(alive) of 50 % or more,
    or an active one (Champions, Loyal, Potential loyalist, New) with P(alive) below 50 %, gets
    a sentence saying why both can be right; other customers get an empty text.

    Examples
    --------
    >>> frame = pd.DataFrame({"segment": ["Lost", "Lost", "Champions"], "frequency": [0, 3, 9],
    ...                       "probability_alive": [1.0, 0.2, 0.9]})
    >>> rfm_model_notes(frame, "BG/NBD")[0]
    'RFM says Lost, BG/NBD gives P(alive) 100 %: BG/NBD assumes a one-time buyer has not dropped out (MBG/NBD and Pareto/NBD let them)'
    >>> rfm_model_notes(frame, "BG/NBD")[1:].tolist()
    ['', '']
    """  # noqa: E501
    notes = np.full(len(customers), "", dtype=object)
    if model is None or "probability_alive" not in customers:
        return notes
    alive = customers["probability_alive"].to_numpy(float)
    segment = customers["segment"].to_numpy(object)
    one_time = customers["frequency"].to_numpy(float) == 0
    quiet_alive = np.isin(segment, _QUIET_SEGMENTS) & (alive >= 0.5)
    active_dead = np.isin(segment, _ACTIVE_SEGMENTS) & (alive < 0.5)
    for i in np.flatnonzero(quiet_alive | active_dead):
        head = f"RFM says {segment[i]}, {model} gives P(alive) {alive[i]:.0%}".replace("%", " %")
        if quiet_alive[i] and one_time[i] and model == "BG/NBD":
            why = "BG/NBD assumes a one-time buyer has not dropped out (MBG/NBD and Pareto/NBD let them)"
        elif quiet_alive[i]:
            why = (
                "RFM compares the time since the last purchase with other customers; for this customer's "
                "own pace of buying the gap is not yet unusual"
            )
        else:
            why = (
                "the time since the last purchase is long for a customer who used to buy this often, though it "
                "is short compared with other customers"
            )
        notes[i] = f"{head}: {why}"
    return notes


def model_check_notes(check: ModelCheck | None, check_note: str, lifetime: LifetimeOutcome) -> pd.DataFrame:
    """``topic, note``: how the models were checked and chosen, and what P(alive) means in each.

    The ``model_check_notes`` table. ``check`` is None when no holdout check ran; ``check_note``
    then says why.
    """
    rows = [("Holdout check", check_note if check is not None else check_note[:1].upper() + check_note[1:])]
    best = None
    if check is not None:
        best = check.reason[:1].upper() + check.reason[1:] + "."
        rows.append(("Best on the holdout", best))
        if check.range_note:
            rows.append(("Range of the holdout total", check.range_note[:1].upper() + check.range_note[1:] + "."))
    if lifetime.clv is not None:
        rows.append(("Model used", lifetime.model_name + ("" if lifetime.choice == best else f". {lifetime.choice}")))
        if lifetime.spend_check:
            rows.append(("Spend per purchase", lifetime.spend_check))
    else:
        rows += [
            ("Model used", f"None: {lifetime.why}"),
            ("What would fix it", lifetime.fix),
            ("Lifetime value instead", lifetime.historical.method),
        ]
    rows += [(f"P(alive), {cls.name}", cls.alive_sentence) for cls in PURCHASE_MODELS.values()]
    rows.append(
        (
            "RFM and P(alive)",
            "RFM ranks customers against each other by time since the last purchase; P(alive) weighs a "
            "customer's own pace of buying. Where they disagree, the Customers sheet says why (Model note).",
        )
    )
    return pd.DataFrame(rows, columns=["topic", "note"])


def _headline(
    line_count: int,
    has_profit: bool,
    summary,
    segments,
    lifetime: LifetimeOutcome,
    check: ModelCheck | None,
    horizon,
    unit,
    discount,
    n_issues,
) -> dict[str, Any]:
    def fitted(model: str | None) -> dict[str, float]:
        if lifetime.clv is None or model is None:
            return {}
        rows = lifetime.clv.parameters[lifetime.clv.parameters["model"] == model]
        return {str(p): float(v) for p, v in zip(rows["parameter"], rows["value"])}

    clv = lifetime.clv
    return {
        "transactions": int(line_count),
        "customers": int(len(summary)),
        "repeat_buyers": int((summary["frequency"] > 0).sum()),
        "observation_end": summary.attrs["observation_end"],
        "unit": unit,
        "horizon": float(horizon),
        "discount": float(discount),
        "segments": dict(zip(segments["segment"], segments["customers"].astype(int).tolist())),
        "purchase_model": lifetime.model_name,
        "purchase_params": fitted(lifetime.model_name),
        "gamma_gamma": fitted("Gamma-Gamma"),
        "spend_note": (
            None
            if clv is None or "spend" not in set(clv.parameters["model"])
            else str(clv.parameters.loc[clv.parameters["model"] == "spend", "meaning"].iloc[0])
        ),
        "model_choice": lifetime.choice,
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
        "total_clv": float(np.nansum(clv.customers["model_clv"])) if clv is not None else float("nan"),
        "clv_error": None if clv is not None else f"{lifetime.why} {lifetime.fix}",
        "historical_method": lifetime.historical.method if lifetime.historical is not None else None,
        "total_historical_clv": (
            float(np.nansum(lifetime.historical.customers["historical_clv"]))
            if lifetime.historical is not None
            else float("nan")
        ),
        "clv_warnings": list(lifetime.warnings),
        "data_issues": int(n_issues),
        "has_profit": bool(has_profit),
    }
