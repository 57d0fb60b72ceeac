"""What the customer report asks of a list of order lines, and the pandas answers.

:func:`core.customers.report.customer_pipeline` makes every figure of the customer report; the
order lines themselves it only reaches through :class:`CustomerAggregates`: the per-customer
summary (small enough to come back to pandas even for millions of customers), the holdout check's
compressed statistics, the historical value's active periods, the cohort counts and the account
report on the customers (with its Data issues and the customers' tiers). Two backends answer:

- :class:`PandasCustomers` here, from a :class:`core.transactions.TransactionTable`;
- ``warehouse.customer_aggregates.IbisCustomers``, from an ibis table of order lines (DuckDB,
  Spark), each question one query.

A backend only counts and sums; the rules that turn the answers into figures (RFM edges, model
choice, lifetime values, ranges, cohort shares, notes, the headline) live in the pipeline once.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import pandas as pd

from core.accounts import accounts_from_frame
from core.config import ReportConfig
from core.customers.cohorts import CohortCounts, cohort_counts
from core.customers.historical_clv import ActivePeriods, active_period_counts
from core.customers.profit_clv import acquisition_cost, cost_per_purchase, first_channel
from core.customers.summary import customer_summary, revenue_per_year
from core.customers.validation import HoldoutStatistics, holdout_statistics
from core.data_issues import summarise_issues
from core.exports import intake_tables, reading_lines, transaction_coverage
from core.lookup import positions_in
from core.report import Report, run_report
from core.transactions import TransactionTable

#: The optional roles of an order line that change what the report shows.
OPTIONAL_ROLES = ("profit", "quantity", "cost_to_serve_per_year")
# The account report's frame starts at "sheet row" 2 (a header row above it): position = row - 2.
_FIRST_FRAME_ROW = 2


@dataclass(frozen=True)
class AccountOutcome:
    """The account report on the customers (account = customer, revenue = total spend).

    Attributes
    ----------
    report:
        :class:`core.report.Report`, with the order lines' Data issues (and, for a list read
        from cells, what was read as what).
    tiers:
        The tier label of each customer, in summary order.
    sheet_rows:
        The sheet row of each customer's first order line (None for a table without sheet rows).
    overview_segments:
        The accounts the Overview's quadrant shows (None: ``report.tables["segments"]``).
    """

    report: Report
    tiers: np.ndarray
    sheet_rows: np.ndarray | None = None
    overview_segments: pd.DataFrame | None = None


class CustomerAggregates(Protocol):
    """The questions the customer report asks of the order lines (see the module docstring).

    ``roles``: the optional roles (:data:`OPTIONAL_ROLES`) the list has.
    """

    roles: frozenset[str]

    def line_count(self) -> int:
        """Order lines read (with a customer, a date and an amount), at any date."""

    def customer_summary(self, observation_end: Any, unit: str) -> pd.DataFrame:
        """:func:`core.customers.summary.customer_summary`: its columns, its order (by account) and
        its ``attrs`` (``unit``, ``observation_end`` as an ISO date)."""

    def date_span(self, observation_end: str) -> tuple[pd.Timestamp, pd.Timestamp]:
        """First and last date of the lines up to ``observation_end``."""

    def holdout_statistics(self, calibration_end: str, unit: str, observation_end: str) -> HoldoutStatistics:
        """:func:`core.customers.validation.holdout_statistics` of the lines up to ``observation_end``."""

    def active_periods(self, summary: pd.DataFrame) -> ActivePeriods:
        """:func:`core.customers.historical_clv.active_period_counts` for the summary's customers."""

    def cohort_counts(self, observation_end: str) -> CohortCounts:
        """:func:`core.customers.cohorts.cohort_counts` of the lines up to ``observation_end``."""

    def first_channel(self, summary: pd.DataFrame) -> np.ndarray | None:
        """The channel of each summary customer's first purchase; None without a channel column."""

    def cost_per_purchase(self, summary: pd.DataFrame) -> np.ndarray:
        """Each summary customer's cost to serve per purchase day (NaN where unknown or no column)."""

    def acquisition_cost(self, summary: pd.DataFrame) -> np.ndarray | None:
        """Each summary customer's acquisition cost from the list (NaN where blank); None without the column."""

    def account_report(self, summary: pd.DataFrame, config: ReportConfig) -> AccountOutcome:
        """The account report on the summary's customers, with the order lines' Data issues."""


class PandasCustomers:
    """:class:`CustomerAggregates` answered from a :class:`core.transactions.TransactionTable`.

    Examples
    --------
    >>> from core.transactions import parse_transactions
    >>> table = parse_transactions([["Customer", "Date", "Amount"], ["A", "2024-01-01", 30.0],
    ...                             ["A", "2024-01-29", 30.0], ["B", "2024-01-15", 20.0]])
    >>> lines = PandasCustomers(table)
    >>> lines.line_count(), sorted(lines.roles)
    (3, [])
    >>> [str(d.date()) for d in lines.date_span("2024-01-20")]
    ['2024-01-01', '2024-01-15']
    """

    #: Its answers read the list in memory, so the report may ask them from another thread while
    #: it fits the models (:func:`core.customers.report.customer_pipeline`).
    thread_safe = True

    def __init__(self, transactions: TransactionTable) -> None:
        self.transactions = transactions
        self.roles = frozenset(role for role in OPTIONAL_ROLES if role in transactions.headers)
        self._observed: tuple[str, TransactionTable] | None = None
        self._whole: tuple[str, pd.DataFrame] | None = None

    def _customer_codes(self) -> tuple[np.ndarray, np.ndarray] | None:
        """The customer ids of every line factorized, once for the summaries of the whole list and
        of the holdout check's calibration period and for the cohort counts (None when an id is
        missing: each then factorizes its own rows, as without it)."""
        return self.transactions.customer_codes()

    def observed(self, observation_end: str) -> TransactionTable:
        """The list without the lines after ``observation_end``."""
        if self._observed is None or self._observed[0] != observation_end:
            rows = self.transactions.rows
            keep = rows["date"].dt.normalize() <= pd.Timestamp(observation_end)
            kept = (
                self.transactions
                if keep.all()
                else dataclasses.replace(self.transactions, rows=rows[keep].reset_index(drop=True))
            )
            self._observed = (observation_end, kept)
        return self._observed[1]

    def line_count(self) -> int:
        return int(len(self.transactions.rows))

    def customer_summary(self, observation_end: Any, unit: str) -> pd.DataFrame:
        summary = customer_summary(
            self.transactions, observation_end=observation_end, unit=unit, customers=self._customer_codes()
        )
        if observation_end is None:  # the whole list's, which the holdout statistics read again
            self._whole = (unit, summary)
        return summary

    def date_span(self, observation_end: str) -> tuple[pd.Timestamp, pd.Timestamp]:
        dates = self.observed(observation_end).rows["date"].dt.normalize()
        return dates.min(), dates.max()

    def holdout_statistics(self, calibration_end: str, unit: str, observation_end: str) -> HoldoutStatistics:
        observed = self.observed(observation_end)
        whole = None
        if self._whole is not None and self._whole[0] == unit and observed is self.transactions:
            whole = self._whole[1]  # the summary of the same lines up to their last date: made once
        customers = self._customer_codes() if observed is self.transactions else None
        return holdout_statistics(
            observed, calibration_end=calibration_end, unit=unit, whole=whole, customers=customers
        )

    def active_periods(self, summary: pd.DataFrame) -> ActivePeriods:
        return active_period_counts(self.transactions.rows, summary)

    def cohort_counts(self, observation_end: str) -> CohortCounts:
        observed = self.observed(observation_end)
        customers = self._customer_codes() if observed is self.transactions else None
        return cohort_counts(observed.rows, observation_end, customers)

    def first_channel(self, summary: pd.DataFrame) -> np.ndarray | None:
        return first_channel(self.transactions, summary)

    def cost_per_purchase(self, summary: pd.DataFrame) -> np.ndarray:
        return cost_per_purchase(self.transactions, summary)

    def acquisition_cost(self, summary: pd.DataFrame) -> np.ndarray | None:
        return acquisition_cost(self.transactions, summary)

    def account_report(self, summary: pd.DataFrame, config: ReportConfig) -> AccountOutcome:
        """run_report on the per-customer table; row numbers mapped back to the transaction list."""
        transactions = self.observed(summary.attrs["observation_end"])
        first_rows = _first_rows(self.transactions, summary["account"])
        columns = {"Account": summary["account"].to_numpy(object), "Revenue": summary["total_spend"].to_numpy(float)}
        if transactions.has_profit:
            columns["Profit"] = summary["total_profit"].to_numpy(float)
        columns["First purchase"] = summary["first_purchase"].to_numpy()
        columns.update(revenue_per_year(transactions, summary))
        table = accounts_from_frame(pd.DataFrame(columns), first_sheet_row=_FIRST_FRAME_ROW)
        report = run_report(table, config)

        def to_list_rows(frame: pd.DataFrame) -> pd.DataFrame:
            frame = frame.copy()
            frame["sheet_row"] = first_rows[frame["sheet_row"].to_numpy(dtype=np.int64) - _FIRST_FRAME_ROW]
            return frame

        tables = dict(report.tables)
        for name in ("segments", "accounts_to_watch", "all_accounts_to_watch"):
            if name in tables:
                tables[name] = to_list_rows(tables[name])
        # notes on the header of the derived table (sheet row 1) are about our frame, not the user's data
        account_notes = to_list_rows(table.issues[table.issues["sheet_row"] >= _FIRST_FRAME_ROW])
        tables["data_issues"] = summarise_issues(pd.concat([transactions.issues, account_notes], ignore_index=True))
        # what was read as what, and what was left out, are the transaction list's, not the per-customer table's
        tables.pop("coverage", None)
        tables.update(
            intake_tables(
                transaction_coverage(
                    transactions.read_rows, transactions.issues, transactions.read_amount, transactions.left_out_amount
                ),
                reading_lines(transactions.headers, {}, transactions.said),
            )
        )
        tier_of_row = tables["segments"].set_index("sheet_row")["tier"]
        tiers = tier_of_row.reindex(first_rows).to_numpy(dtype=object)
        return AccountOutcome(dataclasses.replace(report, tables=tables), tiers, first_rows)


def _first_rows(transactions: TransactionTable, accounts: pd.Series) -> np.ndarray:
    """The first sheet row of each of ``accounts`` (customers of the list) among the list's rows:
    ``rows.groupby("customer")["sheet_row"].min().reindex(accounts)``, taken per customer code
    (:meth:`core.transactions.TransactionTable.customer_codes`) rather than by hashing every row's id.

    >>> from core.transactions import parse_transactions
    >>> table = parse_transactions([["Customer", "Date", "Amount"], ["B", "2024-01-01", 5.0],
    ...                             ["A", "2024-01-02", 5.0], ["B", "2024-01-03", 5.0]])
    >>> _first_rows(table, pd.Series(["A", "B"])).tolist()
    [3, 2]
    """
    rows = transactions.rows
    customers = transactions.customer_codes()
    at = None
    if customers is not None:
        codes, ids = customers
        at = positions_in(pd.Series(ids, dtype=object), pd.Series(accounts.to_numpy(), dtype=object))
    if at is None or (at < 0).any():  # an id missing, or an account not in the list: pandas says it
        return rows.groupby("customer", sort=False)["sheet_row"].min().reindex(accounts.to_numpy()).to_numpy(np.int64)
    first = np.full(ids.size, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first, codes, rows["sheet_row"].to_numpy(np.int64))
    return first[at]
