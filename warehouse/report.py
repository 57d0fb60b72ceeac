"""The account report from a warehouse table: the engine aggregates, core/ defines every figure.

:func:`account_report` builds :class:`warehouse.aggregates.EngineAggregates` on an ibis table
of accounts (DuckDB or Spark) and runs core's one account pipeline,
:func:`core.report.account_pipeline`, on it: the same :class:`core.report.Report` tables as
:func:`core.report.run_report`, by the same code, from small results (per-tier, per-group and
per-strategy sums, NPS counts, the ranking's answers). Only the ``segments`` table is per
account: :meth:`AccountRun.segment_batches` streams it, largest revenue first, and
:func:`warehouse.run.write_accounts` keeps the first 1,048,575 for the Segments sheet and writes
all of them to Parquet.

What stays here is what a table has by nature: there are no sheet rows (the engine's table has
no row numbers), so ``data_issues`` names each row by its account and lists the first
:data:`ISSUE_EXAMPLES` of each kind of problem with the count of the rest; profit is read as an
amount.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import ibis
import numpy as np
import pandas as pd

from core.cells import ISSUE_COLUMNS
from core.config import ReportConfig
from core.data_issues import REVENUE_MISSING, REVENUE_NEGATIVE, action_rank
from core.report import Report, account_pipeline
from warehouse import queries
from warehouse.aggregates import OPTIONAL_ROLES as OPTIONAL_ROLES
from warehouse.aggregates import SHEET_ROWS as SHEET_ROWS
from warehouse.aggregates import EngineAggregates, Periods, Progress, segment_batches

#: Rows of each kind of data issue listed by name on the Data issues sheet; the rest are counted.
ISSUE_EXAMPLES = 100


@dataclass
class AccountRun:
    """A finished engine run: the report and the per-account table, largest revenue first."""

    report: Report
    ordered: object  # ibis table: the accounts with tier_code and rank, in Segments order
    splits: tuple[float, float]
    largest: pd.DataFrame | None = None  # the accounts the Overview's quadrant shows

    def segment_batches(self, rows_per_batch: int = 250_000) -> Iterator[pd.DataFrame]:
        """The Segments rows with core's per-account columns, in order, a batch at a time."""
        return segment_batches(self.ordered, self.report.config, self.splits, rows_per_batch)


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
    columns = dict(columns_read or {})
    engine = EngineAggregates(
        accounts,
        config or ReportConfig(),
        issues=lambda table, has_profit: data_issues(table, columns, noun, has_profit),
        periods=periods,
        columns_read=columns,
        say=progress,
    )
    report = account_pipeline(engine)
    return AccountRun(report=report, ordered=engine.ordered, splits=engine.splits, largest=engine.largest)


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
        (revenue.isnull(), name, ibis.literal(""), "revenue", "note", REVENUE_MISSING.format(noun=noun)),
        (
            revenue < 0,
            name,
            revenue,
            "revenue",
            "note",
            REVENUE_NEGATIVE.format(noun=noun),
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
