"""Write placed result sheets into an .xlsx file (the headless report).

The cells go out through rvgsrust-xlsxwriter, a Python binding of rust_xlsxwriter (see
docs/performance.md for why: about ten times faster than openpyxl on the report's own layout,
with tables, charts and formats). What goes where comes from writers/layout.py; this module only
turns a :class:`~writers.layout.PlacedSheet` into the library's calls.

Every value is written by type: text always as a text cell (the library's ``write`` stores a
Python ``str`` with rust_xlsxwriter's ``write_string``, never as a formula), numbers as numbers,
datetimes as dates with the column's number format. A sheet whose blocks hold more than
:data:`~writers.layout.TABLE_ROW_LIMIT` rows is streamed row by row (constant memory), and its
blocks get filter buttons instead of Excel tables, which cannot be streamed.

The binary wheel is imported inside :func:`write_workbook`, so core/ and udfs/ (and a Pyodide
build without it) import without it.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any, Callable

import numpy as np

from writers.layout import (
    FORMATS, HEADER_COLOUR, TABLE_ROW_LIMIT, TIER_COLOURS, PlacedBlock, PlacedSheet, chart_anchor, chart_columns,
    estimated_widths,
)
from writers.output import REPORT_MARK

Progress = Callable[[str], None]
EXCEL_CELL_CHARS = 32_767  # the most characters a cell holds
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # not allowed in XML 1.0 text
TABLE_STYLE = "light9"  # Excel's TableStyleLight9: blue header, banded rows
PROGRESS_ROWS = 200_000  # a progress line every this many rows of a long block
CHART_SIZE_PX = (605, 378)  # 16 cm x 10 cm at 96 pixels per inch, the size the report's charts have had


class _Styles:
    """The workbook's formats, made once each: rust_xlsxwriter dedupes by value, Python does not need to."""

    def __init__(self, book):
        self.book = book
        self.title = self._new(bold=True, size=14, colour=HEADER_COLOUR)
        self.block = self._new(bold=True, size=11, colour=HEADER_COLOUR)
        self.subtitle = self._new(italic=True, colour="#595959")
        self.header = self._new(bold=True, colour="#FFFFFF", fill=HEADER_COLOUR)
        self._cells: dict[tuple[str, str | None], Any] = {}

    def _new(self, *, bold=False, italic=False, size=None, colour=None, fill=None, number_format=None):
        fmt = self.book.add_format()
        if bold:
            fmt.set_bold()
        if italic:
            fmt.set_italic()
        if size:
            fmt.set_font_size(size)
        if colour:
            fmt.set_font_color(colour)
        if fill:
            fmt.set_background_color(fill)
        if number_format and number_format != "General":
            fmt.set_num_format(number_format)
        return fmt

    def cell(self, number_format: str, fill: str | None = None):
        """The format of a data cell: its number format and, on the tier column, the tier colour."""
        key = (number_format, fill)
        if key not in self._cells:
            plain = number_format == "General" and fill is None
            self._cells[key] = None if plain else self._new(number_format=number_format, fill=fill)
        return self._cells[key]


def write_workbook(sheets: list[PlacedSheet], path: Path, progress: Progress | None = None) -> Path:
    """Write the sheets to ``path`` (.xlsx) and return it. ``progress`` gets short status lines."""
    from rvgsrust_xlsxwriter import Workbook  # binary wheel: imported only when a file is written

    book = Workbook()
    mark_report(book)
    styles = _Styles(book)
    for sheet in sheets:
        if progress:
            progress(f"writing sheet {sheet.spec.name}")
        _write_sheet(book, styles, sheet, progress)
    if progress:
        progress("compressing the workbook")
    path = Path(path)
    book.close(str(path))
    return path


def mark_report(book) -> None:
    """Mark the workbook as a segmenter report in its document properties (docProps/core.xml
    keywords), so that a later run may replace it (see :func:`writers.output.is_segmenter_report`)."""
    book.set_properties(keywords=REPORT_MARK)


def _streamed(sheet: PlacedSheet) -> bool:
    return sum(len(b.rows) for b in sheet.blocks) > TABLE_ROW_LIMIT


def _write_sheet(book, styles: _Styles, sheet: PlacedSheet, progress: Progress | None) -> None:
    streamed = _streamed(sheet)
    ws = book.add_worksheet(sheet.spec.name, constant_memory=streamed)
    for j, width in enumerate(estimated_widths(sheet)):
        ws.set_column_width(j, width)
    ws.freeze_panes(sheet.freeze_row - 1, 0)
    # printed or exported to PDF, a sheet fits the page width (landscape) and runs down the pages
    ws.set_landscape()
    ws.set_print_fit_to_pages(1, 0)
    ws.write(0, 0, sheet.title, styles.title)
    ws.write(1, 0, sheet.subtitle, styles.subtitle)
    for block in sheet.blocks:
        if sheet.spec.chart is not None and sheet.spec.chart.table == block.block.table:
            _add_chart(ws, sheet)  # before the block's rows: a streamed sheet cannot go back up to it
        _write_block(ws, styles, sheet, block, streamed, progress)


def _write_block(ws, styles: _Styles, sheet: PlacedSheet, block: PlacedBlock, streamed: bool,
                 progress: Progress | None) -> None:
    top = block.header_row - 1  # 0-based row of the header cells
    ws.write(block.title_row - 1, 0, block.block.title, styles.block)
    for j, header in enumerate(block.headers):
        ws.write(top, j, header, styles.header)
    _write_rows(ws, styles, block, progress)
    if not block.rows:
        return
    last = block.last_row - 1
    if streamed:
        ws.autofilter(top, 0, last, block.n_cols - 1)
        return
    from rvgsrust_xlsxwriter import Table, TableColumn

    table = (Table().set_name(_table_name(block)).set_style(TABLE_STYLE)
             .set_columns([TableColumn().set_header(h).set_header_format(styles.header) for h in block.headers]))
    ws.add_table(top, 0, last, block.n_cols - 1, table)


def _column_formats(styles: _Styles, block: PlacedBlock) -> list:
    return [styles.cell(fmt) for fmt in block.formats]


def _row_overrides(styles: _Styles, block: PlacedBlock) -> tuple[int | None, list | None]:
    """The one column whose format changes from row to row (tier colour or unit), and its formats."""
    if block.tier_col is not None and block.tier_runs:
        colours = np.full(len(block.rows), -1)
        for first, last, colour in block.tier_runs:
            colours[first:last + 1] = colour % len(TIER_COLOURS)
        number_format = block.formats[block.tier_col]
        by_colour = [styles.cell(number_format, c) for c in TIER_COLOURS] + [styles.cell(number_format)]
        return block.tier_col, [by_colour[c] for c in colours.tolist()]
    if block.unit_col is not None and block.row_formats:
        return block.unit_col, [styles.cell(fmt) for fmt in block.row_formats]
    return None, None


def _write_rows(ws, styles: _Styles, block: PlacedBlock, progress: Progress | None) -> None:
    formats = _column_formats(styles, block)
    varying_col, varying = _row_overrides(styles, block)
    write = ws.write
    first = block.header_row  # 0-based row of the first data row
    n_rows = len(block.rows)
    for i, values in enumerate(block.rows):
        row = first + i
        if varying_col is not None:
            formats[varying_col] = varying[i]
        for j, value in enumerate(values):
            if value is not None:
                write(row, j, _cell_value(value), formats[j])
        if progress and i and i % PROGRESS_ROWS == 0:
            progress(f"  {block.block.table}: {i:,} of {n_rows:,} rows")


def _cell_value(value):
    if isinstance(value, str):
        # what a cell cannot show: control characters become U+FFFD, text is cut at the most a cell holds
        if _CONTROL_CHARACTERS.search(value):
            value = _CONTROL_CHARACTERS.sub("\ufffd", value)
        return value[:EXCEL_CELL_CHARS] if len(value) > EXCEL_CELL_CHARS else value
    # rust_xlsxwriter stores dates as datetimes; a date without a time is midnight of that day
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day)
    return value


def _table_name(block: PlacedBlock) -> str:
    return "seg_" + block.block.table


def _range(sheet: PlacedSheet, col: int, first_row: int, last_row: int) -> str:
    """An absolute A1 reference to one column of rows (0-based column, 1-based rows) on the sheet."""
    letters = _column_letter(col)
    name = sheet.spec.name.replace("'", "''")
    return f"='{name}'!${letters}${first_row}:${letters}${last_row}"


def _column_letter(col: int) -> str:
    """0-based column -> Excel letters (0 -> A, 26 -> AA)."""
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _series(sheet: PlacedSheet, block: PlacedBlock, x_col: int, y_col: int):
    from rvgsrust_xlsxwriter import ChartSeries

    first, last = block.header_row + 1, block.last_row
    series = ChartSeries()
    series.set_name(_header_ref(sheet, block, y_col))
    series.set_categories(_range(sheet, x_col, first, last))
    series.set_values(_range(sheet, y_col, first, last))
    return series


def _header_ref(sheet: PlacedSheet, block: PlacedBlock, col: int) -> str:
    name = sheet.spec.name.replace("'", "''")
    return f"='{name}'!${_column_letter(col)}${block.header_row}"


def _scatter_chart(sheet: PlacedSheet, block: PlacedBlock, spec, x_col: int, y_cols: list[int]):
    """Shares from 0 to 1 on both axes, in %, straight lines without markers (the Pareto curve)."""
    from rvgsrust_xlsxwriter import Chart

    chart = Chart("scatter_straight")
    for y_col in y_cols:
        chart.push_series(_series(sheet, block, x_col, y_col))
    for axis in ("x", "y"):
        getattr(chart, f"set_{axis}_axis_num_format")("0%")
        getattr(chart, f"set_{axis}_axis_min")(0)
        getattr(chart, f"set_{axis}_axis_max")(1)
    chart.set_legend_hidden()
    return chart


def _line_chart(sheet: PlacedSheet, block: PlacedBlock, spec, x_col: int, y_cols: list[int]):
    """One line per y column over the x categories (periods), amounts on the y axis, legend on the right."""
    from rvgsrust_xlsxwriter import Chart

    chart = Chart("line")
    for y_col in y_cols:
        chart.push_series(_series(sheet, block, x_col, y_col))
    chart.set_y_axis_num_format(FORMATS["money"])
    chart.set_legend_position("right")
    return chart


#: ChartSpec.kind -> the function that builds that kind of chart from the placed block.
CHART_KINDS = {"scatter": _scatter_chart, "line": _line_chart}


def _add_chart(ws, sheet: PlacedSheet) -> None:
    spec = sheet.spec.chart
    block = sheet.block(spec.table)
    anchor = chart_anchor(sheet)
    if block is None or anchor is None or not block.rows:
        return
    x_col, y_cols = chart_columns(block, spec)
    chart = CHART_KINDS[spec.kind](sheet, block, spec, x_col, y_cols)
    chart.set_title_name(spec.title)
    chart.set_x_axis_name(spec.x_title)
    chart.set_y_axis_name(spec.y_title)
    chart.set_width(CHART_SIZE_PX[0])
    chart.set_height(CHART_SIZE_PX[1])
    ws.insert_chart(anchor[0] - 1, anchor[1] - 1, chart)
