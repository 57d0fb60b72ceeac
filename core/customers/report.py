"""One call: a transaction list and a config in, the customer tables and the whole account report out.

:func:`run_customer_report` is what the ribbon's "Customers from transactions", the CLI (for a
transaction file) and the worksheet functions on transactions run. Like :mod:`core.report` it
only combines the engine's modules; each figure is defined in the module that computes it
(:mod:`core.transactions`, :mod:`core.customers.rfm`, :mod:`core.customers.model_clv`, and the account modules).

Tables (keys of ``CustomerReport.tables``, laid out by ``writers.layout.CUSTOMER_SHEETS``):

``customers``
    One row per customer: the purchase history of :func:`core.customers.summary.customer_summary`
    (without its ``revenue``/``profit`` copies of total spend/profit, and without profit,
    margin or quantity columns when the list has none), the RFM scores and segment, the model's P(alive), expected purchases and CLV, and the tier
    the account report gave the customer.
``rfm_segments``, ``rfm_thresholds``
    Customers, revenue and model CLV per RFM segment with its rule; the cut points used.
``lifetime_value``, ``clv_parameters``
    Per-customer model values, highest CLV first; the fitted BG/NBD and Gamma-Gamma parameters
    and the settings used (``model, parameter, value, unit, meaning``; unit says how the value
    reads: ratio, share, accounts or text). When the models cannot be fitted, both say why.

``account_report`` is :func:`core.report.run_report` on the per-customer table (account =
customer, revenue = total spend, profit = total profit, first purchase), so tiers,
concentration, the matrix and the cohorts work on it exactly as on an account list. Its
Overview tables (findings, key figures, charts) also read the RFM segments. Its
``sheet_row`` columns and ``data_issues`` table point at rows of the transaction list.
"""
from __future__ import annotations

import dataclasses
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from core.accounts import accounts_from_frame
from core.customers.model_clv import model_clv
from core.config import ReportConfig
from core.errors import SegmenterInputError
from core.customers.gamma_gamma import SpendFrequencyCorrelationWarning
from core.overview import overview_tables
from core.report import Report, run_report
from core.customers.rfm import rfm_scores
from core.customers.summary import customer_summary
from core.transactions import TransactionTable

#: Per-customer model columns carried into ``customers`` (blank when the models cannot be fitted).
MODEL_COLUMNS = ("probability_alive", "expected_purchases", "expected_avg_spend", "model_clv")
#: Columns of ``lifetime_value`` (from :func:`core.customers.model_clv.model_clv`).
LIFETIME_COLUMNS = ("account", "frequency", "recency", "T", "probability_alive", "expected_purchases",
                    "expected_avg_spend", "margin_pct", "expected_revenue", "model_clv")
#: Summary columns shown only when the transaction list has the role (profit or quantity) they sum.
OPTIONAL_COLUMNS = {"total_profit": "profit", "avg_margin_pct": "profit", "total_quantity": "quantity"}
# How clv_parameters values read (the layout's unit formats); other numbers are ratios (0.000).
_PARAMETER_UNITS = {"customers": "accounts", "repeat_buyers": "accounts", "discount_rate": "share"}
# The account report's frame starts at "sheet row" 2 (a header row above it): position = row - 2.
_FIRST_FRAME_ROW = 2


@dataclass(frozen=True)
class CustomerReport:
    """The customer tables of one run, its headline figures and the account report.

    Attributes
    ----------
    tables:
        Named DataFrames, see the module docstring.
    headline:
        ``transactions, customers, repeat_buyers, observation_end, unit, horizon, discount,
        segments`` (segment -> customers), ``bgnbd`` and ``gamma_gamma`` (parameter -> value,
        empty when not fitted), ``total_clv``, ``clv_error`` (the reason when the models could
        not be fitted, else ``None``), ``clv_warnings`` (list of texts), ``data_issues``.
    account_report:
        :func:`core.report.run_report` on the per-customer table.
    """

    tables: dict[str, pd.DataFrame]
    headline: dict[str, Any]
    account_report: Report


def run_customer_report(transactions: TransactionTable, config: ReportConfig | None = None, *,
                        horizon: float = 52, unit: str = "W", observation_end: Any = None) -> CustomerReport:
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
    - Model CLV: :func:`core.customers.model_clv.model_clv` with ``discount_rate = config.discount``:
      BG/NBD expected purchases per period x Gamma-Gamma expected spend x margin, each period
      discounted at (1 + discount)^(unit days / 365.25) - 1. The margin is each customer's own
      (total profit / total spend) when the list has profit, else 100 % (CLV in revenue).
    - ``rfm_segments`` adds ``model_clv``, the sum of the segment's customers' CLV.
    - A model that cannot be fitted (too few customers or repeat buyers, a degenerate fit)
      does not stop the report: ``customers`` keeps blank model columns, ``lifetime_value``
      holds one ``note`` row and ``clv_parameters`` a "not fitted" row with the reason, and
      ``headline["clv_error"]`` carries it. A Gamma-Gamma warning (spend correlated with
      frequency) is kept as a ``warning`` row of ``clv_parameters`` and in the headline.
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
    'frequency: BG/NBD needs at least 10 customers to fit, got 2'
    """
    config = config or ReportConfig()
    summary = customer_summary(transactions, observation_end=observation_end, unit=unit)
    rfm = rfm_scores(summary)
    clv, clv_error, clv_warnings = _fit_clv(summary, horizon, config.discount, unit)
    first_rows = _first_transaction_rows(transactions, summary)
    account_report = _account_report(summary, transactions, config, first_rows)

    customers = shown_summary(summary, transactions)
    customers = pd.concat([customers, rfm.scores[["R", "F", "M", "RFM", "segment"]]], axis=1)
    model_values = clv.customers if clv is not None else pd.DataFrame(index=summary.index)
    for column in MODEL_COLUMNS:
        customers[column] = model_values[column].to_numpy(float) if column in model_values else np.nan
    tier_of_row = account_report.tables["segments"].set_index("sheet_row")["tier"]
    customers["tier"] = tier_of_row.reindex(first_rows).to_numpy(dtype=object)
    customers["sheet_row"] = first_rows

    segments = rfm.segments.copy()
    clv_by_segment = customers.groupby("segment")["model_clv"].sum(min_count=1)
    segments.insert(5, "model_clv", segments["segment"].map(clv_by_segment).to_numpy(float))

    tables = {
        "customers": customers,
        "rfm_segments": segments,
        "rfm_thresholds": rfm.thresholds,
        "lifetime_value": _lifetime_table(clv, clv_error),
        "clv_parameters": _parameter_table(clv, clv_error, clv_warnings, horizon, unit, config.discount),
    }
    # the Overview of a transaction list speaks of its RFM segments too
    account_report.tables.update(overview_tables({**account_report.tables, **tables}, config))
    headline = _headline(transactions, summary, rfm.segments, clv, clv_error, clv_warnings, horizon, unit,
                         config.discount, len(account_report.tables["data_issues"]))
    return CustomerReport(tables=tables, headline=headline, account_report=account_report)


def shown_summary(summary: pd.DataFrame, transactions: TransactionTable) -> pd.DataFrame:
    """The summary as shown to users: without ``revenue``/``profit`` (copies of total spend and
    total profit, kept for the account report) and without :data:`OPTIONAL_COLUMNS` whose role
    (profit, quantity) the transaction list does not have.

    Examples
    --------
    >>> from core.transactions import parse_transactions
    >>> from core.customers.summary import customer_summary
    >>> table = parse_transactions([["Customer", "Date", "Amount"], ["A", "2024-01-01", 30.0]])
    >>> list(shown_summary(customer_summary(table), table).columns)[-3:]
    ['total_spend', 'avg_spend', 'avg_repeat_spend']
    """
    absent = [column for column, role in OPTIONAL_COLUMNS.items() if role not in transactions.headers]
    return summary.drop(columns=["revenue", "profit"] + absent)


def _fit_clv(summary: pd.DataFrame, horizon: float, discount: float, unit: str):
    """(ClvResult or None, the reason it failed or None, warning texts)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", SpendFrequencyCorrelationWarning)
        try:
            result = model_clv(summary, horizon=horizon, discount_rate=discount, unit=unit)
        except SegmenterInputError as error:
            return None, str(error), []
    texts = [str(w.message) for w in caught if issubclass(w.category, SpendFrequencyCorrelationWarning)]
    return result, None, texts


def _first_transaction_rows(transactions: TransactionTable, summary: pd.DataFrame) -> np.ndarray:
    """Sheet row of each summary customer's first transaction row in the list."""
    rows = transactions.rows
    first = rows.groupby("customer", sort=False)["sheet_row"].min()
    return first.reindex(summary["account"].to_numpy()).to_numpy(dtype=np.int64)


def _account_report(summary: pd.DataFrame, transactions: TransactionTable, config: ReportConfig,
                    first_rows: np.ndarray) -> Report:
    """run_report on the per-customer table; row numbers mapped back to the transaction list."""
    columns = {"Account": summary["account"].to_numpy(object), "Revenue": summary["total_spend"].to_numpy(float)}
    if transactions.has_profit:
        columns["Profit"] = summary["total_profit"].to_numpy(float)
    columns["First purchase"] = summary["first_purchase"].to_numpy()
    table = accounts_from_frame(pd.DataFrame(columns), first_sheet_row=_FIRST_FRAME_ROW)
    report = run_report(table, config)

    def to_list_rows(frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame.copy()
        frame["sheet_row"] = first_rows[frame["sheet_row"].to_numpy(dtype=np.int64) - _FIRST_FRAME_ROW]
        return frame

    tables = dict(report.tables)
    for name in ("segments", "accounts_to_watch"):
        tables[name] = to_list_rows(tables[name])
    # notes on the header of the derived table (sheet row 1) are about our frame, not the user's data
    account_notes = tables["data_issues"]
    account_notes = to_list_rows(account_notes[account_notes["sheet_row"] >= _FIRST_FRAME_ROW])
    tables["data_issues"] = pd.concat([transactions.issues, account_notes], ignore_index=True).sort_values(
        "sheet_row", kind="stable", ignore_index=True)
    return dataclasses.replace(report, tables=tables)


def _lifetime_table(clv, clv_error: str | None) -> pd.DataFrame:
    if clv is None:
        return pd.DataFrame({"note": [f"Lifetime value not computed: {clv_error}"]})
    return clv.customers[list(LIFETIME_COLUMNS)].sort_values(
        ["model_clv", "account"], ascending=[False, True], na_position="last", kind="stable", ignore_index=True)


def _parameter_table(clv, clv_error, clv_warnings, horizon, unit, discount) -> pd.DataFrame:
    if clv is None:
        parameters = pd.DataFrame({
            "model": ["BG/NBD + Gamma-Gamma", "settings", "settings", "settings"],
            "parameter": ["status", "horizon", "unit", "discount_rate"],
            "value": ["not fitted", float(horizon), unit, float(discount)],
            "meaning": [clv_error, f"valuation period, in {unit} units", "D days, W weeks, M months of 30.4375 days",
                        "annual discount rate"],
        })
    else:
        parameters = clv.parameters
    if clv_warnings:
        parameters = pd.concat([parameters, pd.DataFrame({
            "model": "Gamma-Gamma", "parameter": "warning", "value": "check", "meaning": clv_warnings})],
            ignore_index=True)
    parameters = parameters.copy()
    parameters["value"] = parameters["value"].astype(object)
    numeric = np.array([isinstance(v, (int, float)) for v in parameters["value"]], dtype=bool)
    parameters.insert(3, "unit", np.where(numeric, parameters["parameter"].map(_PARAMETER_UNITS).fillna("ratio"),
                                          "text"))
    return parameters


def _headline(transactions, summary, segments, clv, clv_error, clv_warnings, horizon, unit, discount,
              n_issues) -> dict[str, Any]:
    def fitted(model: str) -> dict[str, float]:
        if clv is None:
            return {}
        rows = clv.parameters[clv.parameters["model"] == model]
        return {str(p): float(v) for p, v in zip(rows["parameter"], rows["value"])}

    return {
        "transactions": int(len(transactions.rows)),
        "customers": int(len(summary)),
        "repeat_buyers": int((summary["frequency"] > 0).sum()),
        "observation_end": summary.attrs["observation_end"],
        "unit": unit,
        "horizon": float(horizon),
        "discount": float(discount),
        "segments": dict(zip(segments["segment"], segments["customers"].astype(int).tolist())),
        "bgnbd": fitted("BG/NBD"),
        "gamma_gamma": fitted("Gamma-Gamma"),
        "total_clv": float(np.nansum(clv.customers["model_clv"])) if clv is not None else float("nan"),
        "clv_error": clv_error,
        "clv_warnings": list(clv_warnings),
        "data_issues": int(n_issues),
        "has_profit": bool(transactions.has_profit),
    }
