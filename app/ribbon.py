"""The ribbon actions: RunPython entry points, one per button of the segmenter tab.

In Excel, each ribbon button calls ``segmenter.ribbon('<button id>')`` through the one VBA
callback in the add-in segmenter.xlam (and in the demo workbook segmenter.xlsm);
:data:`RIBBON_ACTIONS` maps the ids to the functions below, which segmenter.py re-exports. Each
action takes the workbook from ``xw.Book.caller()`` or a Book passed in (tests pass books of
xlwings' remote engine).

No maths and no file reading here: cells go to core/, result tables to writers/.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.runs import customer_sheets, extend_customer_report, extend_report, extra_lines
from core import sheets as sheet_names
from core.accounts import parse_accounts
from core.config import INTAKE_SETTINGS_HELP, ReportConfig, config_from_mapping, config_to_rows, intake_settings
from core.customers.report import CustomerReport, run_customer_report
from core.errors import SegmenterInputError
from core.exports import ExportOptions, intake_lines
from core.grid import as_block, current_region
from core.report import run_report
from core.transactions import parse_transactions
from readers.sheets import RATES_SHEET, read_rates
from warehouse.sources import SETTINGS_HELP as TABLE_SETTINGS
from writers import book as book_writer
from writers.output import Outputs, output_path
from writers.placement import place_report

LAST_RANGE_NAME = "segmenter_last_range"
OFFICE_JS_ENGINES = ("remote", "officejs")


def _caller_book(book=None):
    if book is not None:
        return book
    import xlwings as xw

    return xw.Book.caller()


def _status(book, text: str | bool) -> None:
    """Show progress in Excel's status bar; engines without one (remote) skip it."""
    try:
        book.app.status_bar = text
    except NotImplementedError:
        pass


def _tell(book, message: str) -> None:
    book.app.alert(message, title="segmenter")


def read_settings(book) -> ReportConfig:
    """The config from the Settings sheet (Setting | Value | Meaning from A1); defaults without one."""
    values = _settings_values(book)
    rest, _, _ = intake_settings({k: v for k, v in values.items() if k not in TABLE_SETTINGS})
    return config_from_mapping(rest)


def _intake_options(book) -> ExportOptions:
    """The Settings sheet's 'column <role>' rows and the rates of a sheet named Rates, if any."""
    _, columns, _ = intake_settings(_settings_values(book))
    rates = report = None
    for sheet in book.sheets:
        if sheet.name.strip().lower() == RATES_SHEET:
            rates, report = read_rates(as_block(sheet.used_range.value), f"sheet '{sheet.name}'")
    return ExportOptions(columns=columns, rates=rates, report_currency=report)


def _settings_values(book) -> dict[Any, Any]:
    """Setting -> value rows of the Settings sheet (empty without one)."""
    sheet = book_writer.owned_sheet(book, sheet_names.SETTINGS)
    if sheet is None:
        return {}
    rows = as_block(sheet.used_range.value)
    return {row[0]: row[1] for row in rows[1:] if row and row[0] not in (None, "")}


def _table_around(selection):
    """The whole Excel table (with its header row) that the selection lies in, or None.

    Ctrl+A in a table selects its data without the header row, and one selected cell is just a
    cell: either way the table is what the user means.
    """
    top, left = selection.row, selection.column
    bottom, right = top + selection.shape[0] - 1, left + selection.shape[1] - 1
    for table in selection.sheet.tables:
        whole = table.range
        last_row, last_column = whole.row + whole.shape[0] - 1, whole.column + whole.shape[1] - 1
        if whole.row < top and bottom <= last_row and whole.column <= left and right <= last_column:
            return whole
    return None


def _selected_block(book):
    """The range to segment: the selection; the whole table when the selection lies in an Excel
    table without its header row; the current region when one cell outside a table is selected."""
    selection = book.app.selection
    table = _table_around(selection)
    if table is not None:
        return table
    if selection.count > 1:
        return selection
    sheet = selection.sheet
    used = sheet.used_range
    grid = as_block(used.options("raw").value)
    top, left, bottom, right = current_region(grid, selection.row - used.row, selection.column - used.column)
    return sheet.range((used.row + top, used.column + left), (used.row + bottom, used.column + right))


def _range_cells(rng) -> list[list[Any]]:
    """The cells of a range as rows. Desktop engines: raw values (fast; dates arrive as datetime).
    xlwings' Office.js family (the remote engine, xlwings Lite) sends date cells as ISO text, which
    its own converter turns back into datetime (error texts kept)."""
    if rng.sheet.book.app.engine.name in OFFICE_JS_ENGINES:
        return rng.options(ndim=2, err_to_str=True).value
    return as_block(rng.options("raw").value)


def _refuse_own_sheet(book, rng, names, what: str) -> None:
    """Refuse a selection on one of segmenter's own result sheets ``names`` (``what``: the list expected)."""
    if any(book_writer.owned_sheet(book, name) == rng.sheet for name in names):
        raise SegmenterInputError(
            f"the selection is on segmenter's own result sheet '{rng.sheet.name}'; select your {what}"
        )


def _segment_range(book, rng, survey=None) -> list[str]:
    """Run the report on an account range of the book and write the result sheets; show Segments.
    ``survey``: a :class:`core.survey.SurveyTable` to join (Add NPS survey)."""
    _refuse_own_sheet(book, rng, sheet_names.ACCOUNT_SHEETS, "account list")
    _status(book, f"segmenter: reading {rng.shape[0]:,} rows...")
    config = read_settings(book)
    table = parse_accounts(
        _range_cells(rng), first_sheet_row=rng.row, date_format=config.date_format, options=_intake_options(book)
    )
    table = dataclasses.replace(table, said=(f"Range {rng.sheet.name}!{rng.address} read",) + table.said)
    _status(book, f"segmenter: segmenting {len(table.accounts):,} accounts...")
    report = extend_report(run_report(table, config), survey, table=table)
    source = f"{rng.sheet.name}!{rng.address}"
    sheets = place_report(report.tables, source=source, labels=config.labels)
    messages = book_writer.write_report(book, sheets, progress=lambda text: _status(book, text))
    book_writer.set_name(book, LAST_RANGE_NAME, rng.sheet.name, rng.address)
    book_writer.owned_sheet(book, sheet_names.OVERVIEW).activate()
    return intake_lines(report.tables, brief=True) + messages + extra_lines(report)


def _run_action(book, action: Callable[[Any], list[str]]) -> list[str]:
    """Run an action; any failure becomes one message box with a one-line reason, never a
    traceback, and the status bar is given back to Excel whatever happens."""
    try:
        messages = action(book)
    except SegmenterInputError as error:
        messages = [f"segmenter could not run: {error}"]
    except Exception as error:  # the boundary with Excel: a message box, not a stuck status bar
        reason = " ".join(str(error).split())[:300].rstrip(".") or "no details"
        messages = [
            f"segmenter stopped: {type(error).__name__}: {reason}. Your own sheets were not touched; "
            "please report this message."
        ]
    finally:
        _status(book, False)
    if messages:
        _tell(book, "\n".join(messages))
    return messages


def segment_selection(book=None) -> list[str]:
    """Ribbon: Segment selection. Segments the selected accounts and writes the result sheets."""
    book = _caller_book(book)
    return _run_action(book, lambda b: _segment_range(b, _selected_block(b)))


def refresh(book=None) -> list[str]:
    """Ribbon: Refresh. Reruns on the range used last time (the workbook name segmenter_last_range)."""
    book = _caller_book(book)

    def again(b):
        if book_writer.find_name(b, LAST_RANGE_NAME) is None:
            raise SegmenterInputError("nothing to refresh yet: select your accounts and click Segment selection first")
        rng = book_writer.referred_range(b, LAST_RANGE_NAME)
        if rng is None:
            raise SegmenterInputError(
                "the range segmented last time is gone (its sheet was deleted): "
                "select your accounts and click Segment selection"
            )
        return _segment_range(b, rng)

    return _run_action(book, again)


def add_nps_survey(book=None) -> list[str]:
    """Ribbon: Add NPS survey. Select a survey tool's responses (with their header rows: company or
    account id, and the 0-10 "recommend" answer), or one cell holding the path of the survey's export
    file (.csv, .xlsx, ...: read as ``--survey`` reads it), and click: runs the last segmentation again
    with the survey joined to the accounts (NPS sheet: Survey match, NPS per tier, size, quadrant,
    industry; near misses listed to confirm in a column "Confirmed account"; detractors on the call list)."""
    book = _caller_book(book)

    def run(b):
        from core.survey import parse_survey

        if book_writer.find_name(b, LAST_RANGE_NAME) is None:
            raise SegmenterInputError(
                "segment your accounts first (Segment selection), then select the survey's "
                "responses and click Add NPS survey"
            )
        accounts = book_writer.referred_range(b, LAST_RANGE_NAME)
        if accounts is None:
            raise SegmenterInputError(
                "the range segmented last time is gone: select your accounts and click "
                "Segment selection, then add the survey"
            )
        survey = _survey_file(b)
        if survey is not None:
            return _segment_range(b, accounts, survey)
        selection = _selected_block(b)
        if any(book_writer.owned_sheet(b, name) == selection.sheet for name in sheet_names.ACCOUNT_SHEETS):
            raise SegmenterInputError(
                f"the selection is on segmenter's own sheet '{selection.sheet.name}'; select the survey's responses"
            )
        if selection.sheet == accounts.sheet and selection.address == accounts.address:
            raise SegmenterInputError("the selection is the account list: select the survey's responses")
        survey = parse_survey(_range_cells(selection), first_sheet_row=selection.row)
        return _segment_range(b, accounts, survey)

    return _run_action(book, run)


def _survey_file(book):
    """The survey export named by the one selected cell (:func:`readers.survey.survey_path`, relative
    to the workbook's folder), read; None when the selection is not one cell holding such a path.
    Excel on the web and xlwings Lite run Python where the user's files are not: refused there."""
    from readers.survey import load_survey, survey_path

    selection = book.app.selection
    if selection.count != 1:
        return None
    folder = Path(book.fullname).parent if Path(book.fullname).is_absolute() else None
    path = survey_path(selection.value, folder)
    if path is None:
        return None
    if book.app.engine.name in OFFICE_JS_ENGINES:
        name = re.split(r"[\\/]", str(path))[-1]  # a Windows path, read where Python runs elsewhere
        raise SegmenterInputError(
            f"the selected cell names the file '{name}', which this Excel's Python cannot open (xlwings Lite "
            "and Excel on the web have no access to your files): open the survey export, copy its responses onto "
            "a sheet, select them and click Add NPS survey"
        )
    return load_survey(path)


def show_settings(book=None) -> list[str]:
    """Ribbon: Settings. Shows the Settings sheet, creating it with the defaults when missing."""
    book = _caller_book(book)

    def settings(b):
        sheet = book_writer.owned_sheet(b, sheet_names.SETTINGS)
        if sheet is None:
            sheet, message = book_writer.claim_sheet(b, sheet_names.SETTINGS)
            rows = [["Setting", "Value", "Meaning"]] + [list(row) for row in config_to_rows(ReportConfig())]
            rows += [[name, "", meaning] for name, meaning in TABLE_SETTINGS.items()]
            rows += [[name, "", meaning] for name, meaning in INTAKE_SETTINGS_HELP.items()]
            sheet["A1"].value = rows
            sheet["A1:C1"].font.bold = True
            sheet.autofit("c")
            messages = [message] if message else []
        else:
            read_settings(b)  # an invalid setting is reported now, not at the next run
            messages = []
        sheet.activate()
        return messages

    return _run_action(book, settings)


def show_issues(book=None) -> list[str]:
    """Ribbon: Data issues. Jumps to the Data issues sheet of the last run."""
    book = _caller_book(book)

    def issues(b):
        sheet = book_writer.owned_sheet(b, sheet_names.DATA_ISSUES)
        if sheet is None:
            raise SegmenterInputError("no Data issues sheet yet: run Segment selection first")
        sheet.activate()
        return []

    return _run_action(book, issues)


def customer_messages(report: CustomerReport) -> list[str]:
    """What the user must hear about a customer report: the model not fitted, its warnings."""
    h = report.headline
    messages = [f"No purchase model could be used: {h['clv_error']} {h['historical_method']}"] if h["clv_error"] else []
    return messages + [f"Spend model: {text}" for text in h["clv_warnings"]]


def _customer_range(book, rng) -> list[str]:
    """Run the customer report on a transaction range of the book and write its sheets; show Customers."""
    _refuse_own_sheet(book, rng, sheet_names.result_sheets(), "transaction list")
    _status(book, f"segmenter: reading {rng.shape[0]:,} transaction rows...")
    config = read_settings(book)
    transactions = parse_transactions(
        _range_cells(rng), first_sheet_row=rng.row, date_format=config.date_format, options=_intake_options(book)
    )
    _status(book, f"segmenter: {len(transactions.rows):,} transactions: fitting the customer models...")
    report = extend_customer_report(run_customer_report(transactions, config), transactions)
    sheets = customer_sheets(report, f"{rng.sheet.name}!{rng.address}", config.labels)
    messages = book_writer.write_report(book, sheets, progress=lambda text: _status(book, text))
    book_writer.owned_sheet(book, sheet_names.ACTIONS).activate()  # the customer sheets' first
    return intake_lines(report.account_report.tables, brief=True) + customer_messages(report) + messages


def customer_report(book=None) -> list[str]:
    """Ribbon: Customers from transactions. From the selected transaction list (customer, date,
    amount[, profit]) writes the Customers, RFM and Lifetime value sheets and the account sheets."""
    book = _caller_book(book)
    return _run_action(book, lambda b: _customer_range(b, _selected_block(b)))


def segment_table(book=None) -> list[str]:
    """Ribbon: Segment a table. Reads the table named on the Settings sheet (source: a Parquet/CSV
    file, folder, glob or DuckDB database, with table; or sql) in DuckDB or Spark (engine) and writes
    the same sheets; every account goes to a Parquet file beside the source (docs/warehouse.md)."""
    book = _caller_book(book)

    def run(b):
        try:
            from warehouse.run import run_table
            from warehouse.sources import settings_from_mapping
        except ImportError as error:  # the warehouse extra is not installed: one sentence and its command
            from excel_setup import missing_extra

            raise SegmenterInputError(missing_extra(error)) from None

        values = _settings_values(b)
        config = read_settings(b)
        source, engine = settings_from_mapping(values)
        if source is None:
            raise SegmenterInputError("no table to segment: fill in source (or sql) on the Settings sheet")
        folder = Path(b.fullname).parent
        source = dataclasses.replace(source, confine=str(folder))  # a workbook's SQL reads only its own folder
        if source.path and not Path(source.path).is_absolute():
            source = dataclasses.replace(source, path=str(folder / source.path))
        output = output_path(source.path, table=source.table, folder=folder)
        with Outputs() as outputs:  # the Parquet file is put in place once the sheets are written
            try:
                result = run_table(
                    source,
                    engine,
                    config,
                    output=output,
                    outputs=outputs,
                    progress=lambda text: _status(b, f"segmenter: {text}"),
                )
            except ImportError as error:  # an engine library (DuckDB, ibis, PySpark) is missing
                from excel_setup import missing_extra

                raise SegmenterInputError(missing_extra(error)) from None
            if result.is_customers:
                sheets = customer_sheets(result.report, result.source_line, config.labels)
                messages = customer_messages(result.report)
            else:
                sheets = place_report(result.report.tables, source=result.source_line, labels=config.labels)
                messages = []
            messages += book_writer.write_report(b, sheets, progress=lambda text: _status(b, text))
            outputs.commit()
        book_writer.owned_sheet(b, sheets[0].spec.name).activate()
        _status(b, False)
        return messages + [f"All {result.rows:,} rows are in {result.parquet}"]

    return _run_action(book, run)


def check_setup(book=None) -> list[str]:
    """Ribbon: Check setup. Says which Python, xlwings and segmenter Excel runs, or what is missing.

    The ribbon's button calls ``excel_setup.check_setup`` itself (workbook/Ribbon.bas), which needs
    only the standard library and xlwings: importing this module would need numpy first."""
    from excel_setup import check_setup as check

    return check(_caller_book(book))


RIBBON_ACTIONS: dict[str, Callable[..., list[str]]] = {
    "segment_selection": segment_selection,
    "segment_table": segment_table,
    "customer_report": customer_report,
    "refresh": refresh,
    "add_nps_survey": add_nps_survey,
    "show_settings": show_settings,
    "show_issues": show_issues,
    "check_setup": check_setup,
}


def ribbon(button_id: str, book=None) -> list[str]:
    """The one entry point behind every ribbon button (the VBA callback passes the button's id)."""
    try:
        action = RIBBON_ACTIONS[button_id]
    except KeyError:
        raise ValueError(f"segmenter has no ribbon action {button_id!r}") from None
    return action(book)
