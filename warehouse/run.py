"""Segment a warehouse table end to end: open it, run the report in the engine, write the results.

:func:`run_table` is what ``python segmenter.py report orders.parquet`` (and the ribbon's
"Segment a table") calls. It reads the table's column names as segmenter reads headers
(:func:`core.accounts.header_role`, :func:`core.transactions.transaction_roles`): order lines
(customer, date, amount) give the customer report, anything else with an account and a revenue
column the account report. The full per-account (per-customer) result goes to a Parquet file
beside the report, written atomically; the first 1,048,575 rows (largest revenue first) go to
the Segments (Customers) sheet, with a note in the sheet's subtitle when there are more.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from core.accounts import header_role, period_roles
from core.config import ReportConfig
from core.errors import SegmenterInputError
from core.headers import ACCOUNT_HEADERS
from core.periods import PeriodChoice, choose_periods, read_period_header, years_since_first
from core.transactions import REQUIRED_ROLES, looks_like_transactions, transaction_roles
from warehouse import queries
from warehouse.report import OPTIONAL_ROLES, SHEET_ROWS, Periods, account_report
from warehouse.sources import (
    RESULT_MARK,
    EngineSettings,
    Source,
    connect,
    engine_errors,
    engine_failure,
    open_table,
    source_files,
)
from writers.output import Outputs, check_not_input, output_path

Progress = Callable[[str], None]


@dataclass
class TableRun:
    """What a run produced: the report (core's Report, or the customer run), the sheets' source
    line, and the Parquet file with every account or customer."""

    report: Any
    is_customers: bool
    source_line: str
    parquet: Path
    rows: int


def account_roles(columns: list[str]) -> tuple[dict[str, str], Periods | None]:
    """Role -> column name of an account table, and its period columns, read as core reads headers
    (:func:`core.accounts.parse_accounts`: exact names first, period columns such as "Revenue 2024"
    take no role, and without a plain revenue column the latest period is the revenue).

    Examples
    --------
    >>> account_roles(["Customer name", "Net sales", "Gross profit", "Region", "Owner"])
    ({'account': 'Customer name', 'revenue': 'Net sales', 'profit': 'Gross profit', 'region': 'Region'}, None)
    >>> roles, periods = account_roles(["Account", "Revenue 2024", "Revenue 2025"])
    >>> roles, periods.labels, periods.columns
    ({'account': 'Account', 'revenue': 'Revenue 2025'}, ('2024', '2025'), ('Revenue 2024', 'Revenue 2025'))
    """
    headers = [str(column) for column in columns]
    found = {j: period for j, h in enumerate(headers) if (period := read_period_header(h, header_role))}
    choice = choose_periods(found)
    if len(choice.revenue) < 2:  # one period is no change over time: read it as any column
        found, choice = {}, PeriodChoice({}, {}, {})
    positions, _ = ACCOUNT_HEADERS.assign(headers, set(found))
    period_roles(choice, positions, headers, 1)
    roles = {
        role: columns[j]
        for role, j in sorted(positions.items(), key=lambda item: item[1])
        if role in queries.ACCOUNT_COLUMNS
    }
    if not choice.revenue:
        return roles, None
    return roles, Periods(
        labels=choice.labels,
        years=years_since_first(list(choice.revenue.values())),
        columns=tuple(columns[j] for j in choice.revenue),
    )


def run_table(
    source: Source,
    settings: EngineSettings,
    config: ReportConfig,
    *,
    output: Path,
    transactions: bool = False,
    observation_end: Any = None,
    horizon: float = 52,
    force: bool = False,
    progress: Progress | None = None,
    outputs: Outputs | None = None,
) -> TableRun:
    """Run the report on a warehouse table and write the per-row Parquet file beside ``output``.

    ``outputs``: the run's :class:`writers.output.Outputs`; the Parquet file goes to a temporary
    there, renamed into place with the report by the caller's ``outputs.commit()``. Without it
    the Parquet file is put in place when the run ends. ``force`` never covers the Parquet file's
    name (segmenter chose it): an existing file there that is not a segmenter result is refused.

    Raises
    ------
    SegmenterInputError
        The source cannot be read, lacks the needed columns, or holds nothing to segment.
    """
    own = outputs is None
    try:
        with Outputs() if own else contextlib.nullcontext(outputs) as files:
            run = _run_table(
                source,
                settings,
                config,
                output=output,
                transactions=transactions,
                observation_end=observation_end,
                horizon=horizon,
                outputs=files,
                progress=progress,
            )
            if own:
                files.commit()
            return run
    except engine_errors() as error:
        raise engine_failure(error) from None


def _run_table(
    source: Source,
    settings: EngineSettings,
    config: ReportConfig,
    *,
    output: Path,
    transactions: bool,
    observation_end: Any,
    horizon: float,
    outputs: Outputs,
    progress: Progress | None,
) -> TableRun:
    say = progress or (lambda text: None)
    say(f"opening {source.describe()} with {settings.engine}")
    con = connect(settings, source)
    table = open_table(con, source)
    columns = list(table.columns)
    parquet = output_path(output, rows="customers" if transactions or looks_like_transactions(columns) else "accounts")
    check_not_input(parquet, source_files(source, settings.engine), "the Parquet file beside the report")
    _check_result_path(parquet)
    if transactions or looks_like_transactions(columns):
        roles = transaction_roles(columns)
        missing = [role for role in REQUIRED_ROLES if role not in roles]
        if missing:
            raise SegmenterInputError(f"no {' / '.join(missing)} column found; columns seen: {', '.join(columns)}")
        _check_types(
            table, roles, {"amount": "numeric", "profit": "numeric", "quantity": "numeric", "date": "temporal"}
        )
        from warehouse.customers import customer_report

        run = customer_report(
            queries.order_lines(table, roles),
            config,
            horizon=horizon,
            observation_end=observation_end,
            roles=set(roles),
            progress=say,
            columns_read=roles,
        )
        rows = write_customers(run, parquet, say, outputs)
        noun = "customers"
    else:
        roles, periods = account_roles(columns)
        missing = [role for role in ("account", "revenue") if role not in roles]
        if missing:
            raise SegmenterInputError(
                f"no {' / '.join(missing)} column found; columns seen: {', '.join(columns)}. "
                "Name them e.g. Account, Revenue (or Customer, Date, Amount for order lines)"
            )
        _check_types(
            table,
            roles,
            {
                "revenue": "numeric",
                "profit": "numeric",
                "nps": "numeric",
                "first_purchase": "temporal",
                "cost_to_serve": "numeric",
            },
        )
        _check_types(
            table,
            {column: column for column in periods.columns} if periods else {},
            {column: "numeric" for column in periods.columns} if periods else {},
        )
        run = account_report(
            queries.account_rows(table, roles, periods.columns if periods else ()),
            config,
            progress=say,
            columns_read=roles,
            periods=periods,
        )
        rows = write_accounts(run, parquet, say, outputs)
        noun = "accounts"
    line = source.describe()
    if rows > SHEET_ROWS:
        line += f"; the {SHEET_ROWS:,} largest of {rows:,} {noun} are shown, all are in {parquet.name}"
    return TableRun(
        report=run if noun == "customers" else run.report,
        is_customers=noun == "customers",
        source_line=line,
        parquet=parquet,
        rows=rows,
    )


def _check_result_path(path: Path) -> None:
    """Never overwrite a file that is not one of segmenter's results: segmenter chose the name, so
    ``--force`` (which covers the report's name, typed by the user) does not cover it."""
    if path.is_dir():
        raise SegmenterInputError(
            f"{path} is a folder: segmenter writes every row to a Parquet file of that name; "
            "choose another report name with -o"
        )
    if not path.exists() and not path.is_symlink():
        return
    import pyarrow.parquet as pq

    try:
        ours = RESULT_MARK in (pq.read_metadata(path).metadata or {})
    except (OSError, ValueError):
        ours = False
    if not ours or path.is_symlink():
        raise SegmenterInputError(
            f"{path} exists and is not a segmenter result: segmenter never overwrites it "
            "(--force covers only the report's name); move it or choose another report name with -o"
        )


def _check_types(table, roles: dict[str, str], kinds: dict[str, str]) -> None:
    """Refuse, in one line, a role column of the wrong type (text amounts need a cast in --sql)."""
    schema = table.schema()
    for role, kind in kinds.items():
        if role not in roles:
            continue
        dtype = schema[roles[role]]
        ok = dtype.is_numeric() if kind == "numeric" else (dtype.is_date() or dtype.is_timestamp())
        if not ok:
            want = "numbers" if kind == "numeric" else "dates"
            raise SegmenterInputError(
                f"column {roles[role]!r} ({role}) holds {dtype}, not {want}: "
                f'cast it in a query, e.g. --sql "select ..., cast({roles[role]} as '
                f'{"double" if kind == "numeric" else "date"}) ..."',
                column=roles[role],
            )


class _ParquetSink:
    """Batches to one Parquet file, written to a temporary file of the run's ``outputs``."""

    def __init__(self, path: Path, outputs: Outputs) -> None:
        self.path = path
        self.temporary = outputs.temporary(path)
        self.writer = None
        self.rows = 0

    def write(self, frame: pd.DataFrame) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        frame = frame.copy()
        for column in frame.columns:
            if isinstance(frame[column].dtype, pd.CategoricalDtype) or frame[column].dtype == object:
                frame[column] = frame[column].astype("string")
        table = pa.Table.from_pandas(frame, preserve_index=False)
        table = table.replace_schema_metadata({**(table.schema.metadata or {}), RESULT_MARK: b"per-row result"})
        if self.writer is None:
            self.writer = pq.ParquetWriter(self.temporary, table.schema)
        self.writer.write_table(table.cast(self.writer.schema))
        self.rows += len(frame)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None


def _stream(batches, path: Path, say: Progress, noun: str, outputs: Outputs | None) -> tuple[list[pd.DataFrame], int]:
    """Write every batch to ``path`` (a temporary of ``outputs`` until they are committed; without
    ``outputs``, put in place at the end); return the first SHEET_ROWS rows and the row count."""
    if outputs is None:
        with Outputs() as own:
            result = _stream(batches, path, say, noun, own)
            own.commit()
        return result
    sink = _ParquetSink(path, outputs)
    kept: list[pd.DataFrame] = []
    room = SHEET_ROWS
    try:
        for batch in batches:
            sink.write(batch)
            if room > 0:
                kept.append(batch.iloc[:room])
                room -= len(kept[-1])
            say(f"{sink.rows:,} {noun} written to {path.name}")
    finally:
        sink.close()
    return kept, sink.rows


def write_accounts(run, path: Path, say: Progress, outputs: Outputs | None = None) -> int:
    """Every account to Parquet; the first SHEET_ROWS become the report's ``segments`` table."""
    kept, rows = _stream(run.segment_batches(), path, say, "accounts", outputs)
    run.report.tables["segments"] = _shown_segments(kept)
    return rows


def _shown_segments(batches: list[pd.DataFrame]) -> pd.DataFrame:
    """The first SHEET_ROWS segment rows, without the role columns no shown account has."""
    segments = pd.concat(batches, ignore_index=True).iloc[:SHEET_ROWS]
    return segments.drop(columns=[c for c in OPTIONAL_ROLES if c in segments and segments[c].isna().all()])


def write_customers(run, path: Path, say: Progress, outputs: Outputs | None = None) -> int:
    """Every customer to Parquet; the first SHEET_ROWS become the shown customers and lifetime values."""
    from warehouse.customers import finish_tables

    kept, rows = _stream(run.customer_batches(), path, say, "customers", outputs)
    finish_tables(run, pd.concat(kept, ignore_index=True))
    account_batches, shown = [], 0
    for batch in run.account_run.segment_batches():
        account_batches.append(batch)
        shown += len(batch)
        if shown >= SHEET_ROWS:
            break
    run.account_run.report.tables["segments"] = _shown_segments(account_batches)
    return rows
