"""The command line: ``python segmenter.py ...`` (or the ``segmenter`` command) runs :func:`main`.

::

    python segmenter.py demo                      # the bundled sample accounts -> segmenter-demo.xlsx
    python segmenter.py report accounts.xlsx -o report.xlsx [--sheet NAME] [--method rank]
    python segmenter.py report orders.csv [--transactions]   # a transaction list: customer sheets too
    python segmenter.py report CDNOW_sample.txt              # whitespace text; --columns names its columns
    python segmenter.py setup [segmenter.xlsm]               # make Excel start this Python; check versions
    python segmenter.py install                              # the segmenter.xlam add-in, where Excel loads add-ins

No maths and no file reading here: files go to readers/, cells to core/, result tables to writers/.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from app.blas_threads import quiet_idle_blas_threads
from app.heap import keep_freed_memory
from app.runs import customer_sheets, extend_customer_report, extend_report, extra_lines
from core.accounts import AccountTable
from core.config import ReportConfig, config_from_mapping
from core.customers.contracts import contract_columns
from core.customers.report import CustomerReport, run_customer_report
from core.dates import read_date_option
from core.errors import SegmenterInputError
from core.exports import intake_lines
from core.report import Report, run_report
from core.text import plural
from core.transactions import TransactionTable
from readers import accounts_from_rows, is_transaction_list, load_transactions
from readers.sheets import read_export
from writers.output import Outputs, atomic_write, output_path, report_path, terminate_as_interrupt
from writers.placement import place_report

SAMPLE_ACCOUNTS = Path(__file__).resolve().parents[1] / "core" / "data" / "sample_accounts.csv"
UNIT_NAMES = {"D": "days", "W": "weeks", "M": "months"}


def headline_lines(report: Report) -> list[str]:
    """The short summary the CLI prints."""
    h = report.headline
    tiers = ", ".join(f"{label} {count:,}" for label, count in h["tiers"].items())
    lines = [
        f"{plural(h['accounts'], 'account')}; tiers ({h['tier_method']}): {tiers}",
        f"top {h['top_share']:.0%} of accounts make {h['top_share_revenue']:.1%} of revenue; "
        f"{plural(h['accounts_for_share'], 'account')} make{'s' if h['accounts_for_share'] == 1 else ''} "
        f"{h['concentration_share']:.0%}",
        f"HHI {h['hhi_points']:,.0f} points ({h['hhi_band']}); Gini {h['gini']:.3f}",
    ]
    for column, gap in h["nps_gaps"].items():
        if not np.isnan(gap.gap):
            error = (
                f" (+/- {gap.margin_of_error:.0f}){'' if gap.significant else ', within the margin of error'}"
                if np.isfinite(gap.margin_of_error)
                else " (margin of error undefined)"
            )
            lines.append(
                f"NPS by {column}: {gap.group_b} {gap.nps_b:.0f} vs {gap.group_a} {gap.nps_a:.0f}, "
                f"gap {gap.gap:.0f} points{error}"
            )
    if "growth" in h:
        g = h["growth"]
        change_pct = (
            f"{g['revenue_change_pct']:+.1%}"
            if np.isfinite(g["revenue_change_pct"])
            else f"change % n/a: no positive revenue in {g['from_period']}"
        )
        lines.append(
            f"revenue {g['from_period']} -> {g['to_period']}: {g['revenue_change']:+,.0f} ({change_pct}); "
            f"{g['new']:,} new, {g['lost']:,} lost, {g['fallen_from_a']:,} fell from the top tier (Growth sheet)"
        )
    # the concentration flag "k accounts make 80 % ..." repeats the second line
    lines += [
        f"! {flag}" for flag in h["flags"] if not flag.startswith(plural(h["accounts_for_share"], "account") + " make")
    ]
    issues = report.tables["data_issues"]
    if len(issues):
        lines.append(f"{plural(len(issues), 'data issue')} (see the Data issues sheet)")
    return lines


def write_file_report(
    table: AccountTable, config: ReportConfig, output: Path, source: str, progress=None, survey=None, actions: int = 50
) -> Report:
    """Run the report and write it to an .xlsx file (atomically: see writers.output); ``survey``: a
    :class:`core.survey.SurveyTable` joined to the accounts; ``actions``: accounts on the call list's first block."""
    from writers.xlsx import write_workbook

    report = extend_report(run_report(table, config), survey, actions, table)
    sheets = place_report(report.tables, source=source, labels=config.labels)
    atomic_write(output, lambda path: write_workbook(sheets, path, progress=progress))
    return report


def customer_headline_lines(report: CustomerReport) -> list[str]:
    """The short summary the CLI prints for a transaction list, then the account summary."""
    h = report.headline
    unit = UNIT_NAMES[h["unit"]]
    lines = [
        f"{h['customers']:,} customers from {h['transactions']:,} transactions up to {h['observation_end']}; "
        f"{h['repeat_buyers']:,} repeat buyers"
    ]
    for model, errors in h["model_check"].items():
        lines.append(
            f"holdout check, {model}: error in total {errors['total_error_pct']:+.1%}, "
            f"by calibration purchases {errors['frequency_error_pct']:.1%}"
            if errors["status"] == "fitted"
            else f"holdout check, {model}: not fitted on the calibration period"
        )
    if h["clv_error"]:
        lines.append(f"! no purchase model could be used: {h['clv_error']}")
        if h["historical_method"]:  # None on the warehouse path, which has no historical value
            lines.append(f"{h['historical_method']} Total {h['total_historical_clv']:,.0f}")
    else:
        m, g = h["purchase_params"], h["gamma_gamma"]
        shown = ", ".join(
            f"{name} {value:.3f}" for name, value in m.items() if name not in ("log_likelihood", "customers")
        )
        lines.append(f"{h['purchase_model']} ({unit}): {shown}; log-likelihood {m['log_likelihood']:,.1f}")
        lines.append(h["model_choice"])
        lines.append(
            f"Gamma-Gamma on {g['repeat_buyers']:,.0f} repeat buyers: p {g['p']:.2f}, q {g['q']:.2f}, v {g['v']:.2f}"
            if g
            else f"! {h['spend_note']}"
        )
        basis = "margin" if h["has_profit"] else "revenue (no profit column)"
        lines.append(
            f"model CLV over {h['horizon']:g} {unit} at {h['discount']:.0%} a year, in {basis}: "
            f"total {h['total_clv']:,.0f}"
            + (" (80 % range {0:,.0f} to {2:,.0f})".format(*h["clv_range"]) if h.get("clv_range") else "")
        )
    lines += [f"! {text}" for text in h["clv_warnings"]]
    lines += value_lines(report.tables)
    lines.append("RFM segments: " + ", ".join(f"{name} {count:,}" for name, count in h["segments"].items()))
    if not h["has_profit"]:
        lines.append("no profit column: margins are undefined and model CLV is in revenue")
    return lines + headline_lines(report.account_report)


def value_lines(tables: dict) -> list[str]:
    """The profit CLV after cost to serve and the whole list's LTV:CAC, when the report has them.

    >>> import pandas as pd
    >>> figures = pd.DataFrame({"measure": ["Profit CLV after cost to serve, next 52 weeks"], "value": [13688.0],
    ...                         "p10": [13145.0], "p90": [14294.0]})
    >>> value_lines({"model_figures": figures})
    ['profit CLV after cost to serve, next 52 weeks: total 13,688 (80 % range 13,145 to 14,294)']
    """
    lines = []
    figures = tables.get("model_figures")
    if figures is not None:
        for row in figures[
            figures["measure"].astype(str).str.startswith("Profit CLV after cost to serve")
        ].itertuples():
            text = f"{row.measure[:1].lower()}{row.measure[1:]}: total {row.value:,.0f}"
            if np.isfinite(row.p10) and np.isfinite(row.p90):
                text += f" (80 % range {row.p10:,.0f} to {row.p90:,.0f})"
            lines.append(text)
    economics = tables.get("unit_economics")
    if economics is not None and len(economics):
        whole = economics.iloc[0]
        lines.append(
            f"LTV:CAC {whole['ltv_to_cac']:.2f} ({whole['value_basis']} {whole['ltv_per_customer']:,.2f} per customer "
            f"against an acquisition cost of {whole['cac_per_customer']:,.2f}), {whole['months_to_pay_back']:.1f} "
            "months to pay back; per tier, channel or cohort on Lifetime value"
        )
    return lines


def write_customer_file_report(
    transactions: TransactionTable,
    config: ReportConfig,
    output: Path,
    source: str,
    *,
    observation_end=None,
    horizon: float = 52,
    progress=None,
    actions: int = 50,
) -> CustomerReport:
    """Run the customer report and write its sheets and the account sheets to an .xlsx file."""
    from writers.xlsx import write_workbook

    report = run_customer_report(transactions, config, horizon=horizon, observation_end=observation_end)
    report = extend_customer_report(report, transactions, actions)
    sheets = customer_sheets(report, source, config.labels)
    atomic_write(output, lambda path: write_workbook(sheets, path, progress=progress))
    return report


def write_contract_report(
    rows: list[list], first_row: int, config: ReportConfig, output: Path, source: str, *, observation_end=None
) -> list[str]:
    """A contract list (customer, start date, end date): the Retention sheet to an .xlsx file; the summary lines."""
    from core.customers.contracts import contract_tables, parse_contracts
    from writers.catalogue import RETENTION_SHEETS
    from writers.placement import place_report
    from writers.xlsx import write_workbook

    contracts = parse_contracts(rows, first_row)
    tables = contract_tables(contracts, observation_end=observation_end, discount=config.discount)
    sheets = place_report(tables, source=source, labels=config.labels, sheets=RETENTION_SHEETS)
    atomic_write(output, lambda path: write_workbook(sheets, path))
    parameters = tables["retention_parameters"].set_index("parameter")["value"]
    cohorts = tables["retention_cohorts"]
    return [
        f"{len(contracts):,} contracts in {len(cohorts)} yearly cohorts ({cohorts['start_year'].iloc[0]} to "
        f"{cohorts['start_year'].iloc[-1]})",
        f"sBG: alpha {parameters['alpha']:.3f}, beta {parameters['beta']:.3f}; "
        f"mean churn in the first year {parameters['mean_churn_first_year']:.1%}; a new customer is expected to "
        f"pay for {parameters['discounted_expected_lifetime']:.2f} years (discounted at {config.discount:.0%})",
    ]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="segmenter", description="Segment an account list: tiers, margins, concentration, NPS, matrix, CLTV."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    report = sub.add_parser("report", help="segment an .xlsx/.xlsm/.csv account list and write a report workbook")
    report.add_argument("input", type=Path, nargs="?", help="the file to segment (or --sql)")
    report.add_argument("-o", "--output", type=Path, help="report workbook to write (default: <input>-segmenter.xlsx)")
    report.add_argument("--sheet", help="sheet to read (default: the sheet that holds a list, not a pivot or summary)")
    report.add_argument(
        "--column",
        action="append",
        default=[],
        metavar='ROLE="Header"',
        help='the column to read for a role, e.g. --column revenue="Annual Revenue (Base)" (repeatable; '
        "roles: account, revenue, profit, nps, industry, size, region, first_purchase, "
        "cost_to_serve, channel; transactions: customer, date, amount, profit, quantity)",
    )
    report.add_argument(
        "--rates",
        type=Path,
        help="a .csv/.xlsx of currency rates: one row per currency, code and "
        "rate to the report currency (or a sheet named Rates)",
    )
    report.add_argument(
        "--visible-only",
        action="store_true",
        help="read only the rows a filter shows (hidden rows are read by default, and counted)",
    )
    report.add_argument(
        "--transactions",
        action="store_true",
        help="read the input as a transaction list (customer, date, amount[, profit]); "
        "detected by its headers otherwise",
    )
    report.add_argument(
        "--columns",
        help="column names of a file without a header row, '-' to ignore one, "
        "e.g. customer,-,date,quantity,amount (the CDNOW layout, also detected)",
    )
    report.add_argument(
        "--observation-end",
        help="transactions: last day observed, e.g. 1997-09-30 (default: the last date); "
        "read like a date column, see --date-format",
    )
    report.add_argument(
        "--date-format",
        help="order of dates typed as text: auto (default: each column shows it by a "
        "day above 12), DMY (24.10.2024), MDY (10/24/2024) or YMD",
    )
    report.add_argument(
        "--horizon", type=float, default=52, help="transactions: model CLV horizon in weeks (default 52)"
    )
    report.add_argument(
        "--cac",
        help='transactions: acquisition cost per customer, e.g. 120, per channel: "Web=80, Retail=150", or per '
        'first-purchase cohort: "2023=90, 2024-Q1=110, 2024-03=95" (*=amount for the rest; an "Acquisition '
        'cost" column wins for its customers): LTV:CAC and months to pay back on Lifetime value',
    )
    tables = report.add_argument_group(
        "tables beyond one sheet (docs/warehouse.md): Parquet, a glob or folder of "
        "Parquet files, a DuckDB database, SQL; any file with --engine"
    )
    tables.add_argument("--table", help="the table to read from a DuckDB database (warehouse.duckdb --table orders)")
    tables.add_argument("--sql", help="a query to segment, e.g. \"select * from read_parquet('orders/*.parquet')\"")
    tables.add_argument("--engine", choices=["duckdb", "spark"], help="run in DuckDB (default for tables) or Spark")
    tables.add_argument(
        "--spark-remote",
        help="Spark Connect (sc://host:15002) or a master URL (spark://host:7077); default a local Spark",
    )
    tables.add_argument("--memory-limit", help="DuckDB memory limit, e.g. 4GB (beyond it DuckDB spills to disk)")

    report.add_argument(
        "--survey",
        type=Path,
        help="a survey export (SurveyMonkey, Qualtrics, ...: company or account id, and the 0-10 "
        "'recommend' answer) joined to the accounts: NPS per tier, size, quadrant, industry",
    )
    report.add_argument(
        "--actions",
        type=int,
        default=50,
        help="accounts on the call list's first block (sheet Accounts to call; default 50)",
    )
    report.add_argument(
        "--customer-model",
        help="transactions: purchase model of the model CLV: auto (default: the best on the holdout "
        "check), bgnbd, mbgnbd or pareto_nbd (any case)",
    )
    setup = sub.add_parser("setup", help="make Excel start this Python for segmenter.xlsm, and check the versions")
    setup.add_argument(
        "workbook",
        type=Path,
        nargs="?",
        default=None,
        help="the segmenter.xlsm to set up (default: the one beside segmenter.py)",
    )
    sub.add_parser("install", help="copy the segmenter.xlam add-in where Excel loads add-ins, pointed at this Python")
    demo = sub.add_parser("demo", help="run on the bundled sample accounts")
    demo.add_argument("-o", "--output", type=Path, default=Path("segmenter-demo.xlsx"))
    for command in (report, demo):
        command.add_argument(
            "--method",
            type=str.lower,
            choices=["pareto", "rank", "threshold", "computed"],
            help="tier method (default pareto; any case)",
        )
        command.add_argument("--cutoffs", help="tier cutoffs, e.g. '0.8,0.95' or '1000000,100000'")
        command.add_argument("--retention", help="annual retention rate for CLTV, e.g. 80%%")
        command.add_argument("--discount", help="annual discount rate for CLTV, e.g. 10%%")
        command.add_argument("--revenue-split", help="matrix revenue split, or median (default: high revenue = tier A)")
        command.add_argument(
            "--margin-split", help="matrix margin %% split, or median (default: the portfolio's margin)"
        )
        command.add_argument(
            "--force", action="store_true", help="replace an existing output file that is not a segmenter report"
        )
    return parser


def _column_choices(values: Sequence[str]) -> dict[str, str]:
    """--column role="Header" flags as role -> header; a flag without '=' is refused in one line."""
    choices = {}
    for value in values:
        role, sep, header = value.partition("=")
        if not sep or not role.strip() or not header.strip():
            raise SegmenterInputError(f'--column {value}: write it as --column revenue="Annual Revenue (Base)"')
        choices[role.strip()] = header.strip().strip('"').strip("'")
    return choices


# Inputs that go to a database engine rather than into memory: Parquet, databases, globs, folders.
WAREHOUSE_SUFFIXES = (".parquet", ".duckdb", ".db", ".ddb")


def is_warehouse_source(args: argparse.Namespace) -> bool:
    """Whether the report runs in an engine: --sql, --table, --engine, or a Parquet/database/glob input, or a
    folder of Parquet files (any other folder is refused as before)."""
    path = str(args.input or "")
    return bool(
        args.sql
        or args.table
        or args.engine
        or args.spark_remote
        or args.memory_limit
        or Path(path).suffix.lower() in WAREHOUSE_SUFFIXES
        or any(ch in path for ch in "*?[")
        or (path and Path(path).is_dir() and any(Path(path).glob("*.parquet")))
    )


def _report_table(args: argparse.Namespace, config: ReportConfig, progress) -> int:
    """report on a warehouse table (warehouse.run); same output, messages and exit codes as a file."""
    from warehouse.run import run_table
    from warehouse.sources import EngineSettings, Source, source_files
    from writers.xlsx import write_workbook

    if config.cac:  # the engine path has no per-customer channel or profit CLV yet: refused, not ignored
        raise SegmenterInputError("--cac works on a transaction file, not yet on --sql, --table or --engine")
    source = Source(path=str(args.input) if args.input else None, table=args.table, sql=args.sql)
    settings = EngineSettings(
        engine=args.engine or "duckdb", spark_remote=args.spark_remote, duckdb_memory_limit=args.memory_limit
    )
    output, notes = report_path(
        args.output or output_path(args.input, table=args.table),
        source_files(source, settings.engine),
        force=args.force,
    )
    for note in notes:
        print(f"segmenter: {note}", file=sys.stderr)
    with Outputs() as outputs:  # the .xlsx and the Parquet file are put in place together, at the end
        run = run_table(
            source,
            settings,
            config,
            output=output,
            transactions=args.transactions,
            observation_end=args.observation_end,
            horizon=args.horizon,
            progress=progress,
            outputs=outputs,
        )
        if run.is_customers:
            sheets = customer_sheets(run.report, run.source_line, config.labels)
            lines = customer_headline_lines(run.report)
        else:
            sheets = place_report(run.report.tables, source=run.source_line, labels=config.labels)
            lines = headline_lines(run.report)
        progress(f"writing {output}")
        write_workbook(sheets, outputs.temporary(output), progress=progress if run.rows > 50_000 else None)
        outputs.commit()
    for line in lines:
        print(line)
    print(f"wrote {output} and {run.parquet} ({run.rows:,} rows)")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    quiet_idle_blas_threads()  # the cores left to the work, not to OpenBLAS's idle threads (same figures)
    keep_freed_memory()  # freed arrays reused, not faulted in again (app/heap.py)
    args = _parser().parse_args(argv)
    if args.command == "setup":
        from excel_setup import WORKBOOK, run_setup

        lines, ok = run_setup(args.workbook or WORKBOOK)
        print("\n".join(lines))
        return 0 if ok else 2
    if args.command == "install":
        from excel_setup import run_install

        lines, ok = run_install()
        print("\n".join(lines))
        return 0 if ok else 2
    progress = CliProgress()
    restore_signals = terminate_as_interrupt()  # kill and Ctrl-C both remove the run's temporaries
    try:
        config = config_from_mapping(
            {
                "tier_method": args.method,
                "cutoffs": args.cutoffs,
                "retention": args.retention,
                "discount": args.discount,
                "revenue_split": args.revenue_split,
                "margin_split": args.margin_split,
                "date_format": getattr(args, "date_format", None),
                "customer_model": getattr(args, "customer_model", None),
                "cac": getattr(args, "cac", None),
            }
        )
        if args.command == "report" and is_warehouse_source(args):
            return _report_table(args, config, progress)
        if args.command == "report" and args.input is None:
            raise SegmenterInputError("no file to segment: give a file or --sql")
        observation_end = read_date_option(
            getattr(args, "observation_end", None), "--observation-end", config.date_format
        )
        source_path = SAMPLE_ACCOUNTS if args.command == "demo" else args.input
        output, notes = report_path(args.output or output_path(source_path), source_path, force=args.force)
        for note in notes:
            print(f"segmenter: {note}", file=sys.stderr)
        progress(f"reading {source_path}")
        read = read_export(
            source_path,
            sheet=getattr(args, "sheet", None),
            visible_only=getattr(args, "visible_only", False),
            rates=getattr(args, "rates", None),
            columns=_column_choices(getattr(args, "column", [])),
        )
        rows, first_row, options = read.rows, read.first_row, read.options
        columns = args.columns.split(",") if getattr(args, "columns", None) else None
        if columns is None and not getattr(args, "transactions", False) and rows and contract_columns(rows[0]):
            lines = write_contract_report(
                rows, first_row, config, output, source=source_path.name, observation_end=observation_end
            )
        elif is_transaction_list(rows, source_path, forced=getattr(args, "transactions", False) or columns is not None):
            transactions = load_transactions(rows, first_row, source_path, columns, config.date_format, options)
            transactions = dataclasses.replace(transactions, said=tuple(read.said) + transactions.said)
            rows = read = None  # the file's cells are read: their memory is reused by the report
            progress(f"{len(transactions.rows):,} transactions: customer summary, RFM, model check and lifetime value")
            customers = write_customer_file_report(
                transactions,
                config,
                output,
                source=source_path.name,
                observation_end=observation_end,
                horizon=args.horizon,
                progress=progress if len(transactions.rows) > 50_000 else None,
                actions=getattr(args, "actions", 50),
            )
            lines = intake_lines(customers.account_report.tables) + customer_headline_lines(customers)
        else:
            table = accounts_from_rows(rows, first_row, source_path, config.date_format, options)
            table = dataclasses.replace(table, said=tuple(read.said) + table.said)
            rows = read = None  # the file's cells are read: their memory is reused by the report
            survey = None
            if getattr(args, "survey", None) is not None:
                from readers.survey import load_survey

                progress(f"reading the survey {args.survey}")
                survey = load_survey(args.survey)
            progress(f"segmenting {plural(len(table.accounts), 'account')}")
            report = write_file_report(
                table,
                config,
                output,
                source=source_path.name,
                progress=progress if len(table.accounts) > 50_000 else None,
                survey=survey,
                actions=getattr(args, "actions", 50),
            )
            lines = intake_lines(report.tables) + headline_lines(report) + extra_lines(report)
    except SegmenterInputError as error:
        print(f"segmenter: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"segmenter: {error.filename or 'a file'}: {error.strerror or error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("segmenter: interrupted; no report was written and an earlier one is as it was", file=sys.stderr)
        return 130
    finally:
        restore_signals()
        progress.close()
    for line in lines:
        print(line)
    print(f"wrote {output}")
    return 0


class CliProgress:
    """Where a long CLI run is, on stderr: a line per phase with the seconds since the start and,
    when stderr is a terminal, a tqdm bar over the rows of the block being written (without a
    terminal, a line every :attr:`LOG_ROWS` rows instead).

    Called as ``progress(text)`` for a phase, ``progress(text, done, total)`` for rows.
    """

    LOG_ROWS = 200_000

    def __init__(self, stream=None):
        self.stream = stream or sys.stderr
        self.started = time.perf_counter()
        self.interactive = self.stream.isatty()
        self.bar = None

    def __call__(self, text: str, done: int | None = None, total: int | None = None) -> None:
        if done is None:
            self.close()
            self._line(text)
        elif self.interactive:
            if self.bar is None or self.bar.desc != text:
                from tqdm import tqdm

                self.close()
                self.bar = tqdm(total=total, desc=text, unit=" rows", unit_scale=True, file=self.stream, leave=False)
            self.bar.update(done - self.bar.n)
        elif done and done % self.LOG_ROWS == 0:
            self._line(f"  {text}: {done:,} of {total:,} rows")

    def _line(self, text: str) -> None:
        print(f"[{time.perf_counter() - self.started:6.1f}s] {text}", file=self.stream)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None
