"""The customer report from order lines in a warehouse: core's one pipeline on the engine's answers.

:func:`customer_report` builds :class:`warehouse.customer_aggregates.IbisCustomers` on the order
lines and runs :func:`core.customers.report.customer_pipeline`, the function the pandas path runs:
the engine counts and sums (the per-customer summary, the holdout statistics, active periods,
cohort counts, the account report on the customers and the lines' Data issues), core makes every
figure (RFM, the model check and choice, model or historical lifetime value, the 80 % ranges,
cohorts, notes, the Overview and the headline).

:func:`warehouse.run.write_customers` then streams every customer to Parquet, largest total spend
first, and :func:`finish_tables` keeps the first 1,048,575 of them (and of the lifetime values) for
the sheets.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pandas as pd

from core.config import ReportConfig
from core.customers.report import CustomerReport, customer_pipeline
from warehouse.customer_aggregates import IbisCustomers
from warehouse.report import SHEET_ROWS, AccountRun, Progress

#: Per-customer values of the lifetime values that the Parquet file keeps beside the Customers
#: sheet's columns (the sheet shows them on Lifetime value).
LIFETIME_ONLY = ("margin_pct", "expected_revenue", "active_periods", "margin_per_period", "expected_periods")


@dataclass
class CustomerRun:
    """A finished engine run on order lines: core's :class:`core.customers.report.CustomerReport`
    (``report``; ``tables``, ``headline`` and ``account_report`` are its) and the engine's account run,
    whose Segments rows :func:`warehouse.run.write_customers` streams."""

    report: CustomerReport
    account_run: AccountRun

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        return self.report.tables

    @property
    def headline(self) -> dict[str, Any]:
        return self.report.headline

    @property
    def account_report(self):
        return self.report.account_report

    @property
    def value_column(self) -> str:
        return "historical_clv" if "historical_clv" in self.tables["customers"] else "model_clv"

    def customer_batches(self, rows_per_batch: int = 250_000) -> Iterator[pd.DataFrame]:
        """Every customer, largest total spend first: the Customers columns and each customer's
        other lifetime values (:data:`LIFETIME_ONLY`, the P10 and P90 of the model's figures)."""
        customers = self.tables["customers"]
        lifetime = self.tables["lifetime_value"].set_index("account")
        extra = [c for c in lifetime.columns if c in LIFETIME_ONLY or c.endswith(("_p10", "_p90"))]
        frame = customers.join(lifetime[extra], on="account")
        frame = frame.sort_values(["total_spend", "account"], ascending=[False, True], kind="stable", ignore_index=True)
        for start in range(0, len(frame), rows_per_batch):
            yield frame.iloc[start : start + rows_per_batch].reset_index(drop=True)


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
    """Run the customer report in the engine holding ``lines`` (:func:`warehouse.queries.order_lines`).

    ``roles``: the optional roles the table has (``profit``, ``quantity``), as
    core's ``TransactionTable.headers`` tells which columns to show; ``columns_read``: role ->
    the table's column name (for the Data issues sheet).
    """
    aggregates = IbisCustomers(lines, roles=roles, columns_read=columns_read, progress=progress)
    report = customer_pipeline(
        aggregates, config, horizon=horizon, unit=unit, observation_end=observation_end, progress=progress
    )
    return CustomerRun(report=report, account_run=aggregates.account_run)


def finish_tables(run: CustomerRun, shown: pd.DataFrame) -> None:
    """The sheets' customers (``shown``: the first streamed, largest total spend first) and lifetime
    values: at most 1,048,575 rows each, as a sheet holds."""
    run.tables["customers"] = shown.drop(
        columns=[c for c in shown if c in LIFETIME_ONLY or c.endswith(("_p10", "_p90"))]
    ).reset_index(drop=True)
    run.tables["lifetime_value"] = run.tables["lifetime_value"].iloc[:SHEET_ROWS]
