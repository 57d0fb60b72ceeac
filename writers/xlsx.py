"""Write placed result sheets into an .xlsx file with openpyxl (the headless report).

Streams rows in openpyxl's write-only mode, so a 1,048,576-account report stays within memory
and time; what goes where comes from writers/layout.py, nothing is decided here.
"""
from __future__ import annotations

import warnings
from pathlib import Path
from typing import Callable

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.chart import LineChart, Reference, ScatterChart, Series
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo

from writers.layout import (
    FORMATS, HEADER_COLOUR, TIER_COLOURS, PlacedBlock, PlacedSheet, chart_anchor, chart_columns, estimated_widths,
)
from writers.output import REPORT_MARK

TITLE_FONT = Font(bold=True, size=14, color=HEADER_COLOUR[1:])
BLOCK_FONT = Font(bold=True, size=11, color=HEADER_COLOUR[1:])
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor=HEADER_COLOUR[1:])
TIER_FILLS = [PatternFill("solid", fgColor=c[1:]) for c in TIER_COLOURS]
SUBTITLE_FONT = Font(italic=True, color="595959")
EXCEL_CELL_CHARS = 32_767  # the most characters a cell holds

Progress = Callable[[str], None]


def write_workbook(sheets: list[PlacedSheet], path: Path, progress: Progress | None = None) -> Path:
    """Write the sheets to ``path`` (.xlsx) and return it. ``progress`` gets short status lines."""
    book = Workbook(write_only=True)
    mark_report(book)
    for sheet in sheets:
        if progress:
            progress(f"writing sheet {sheet.spec.name}")
        _write_sheet(book, sheet, progress)
    path = Path(path)
    book.save(path)
    return path


def mark_report(book: Workbook) -> None:
    """Mark the workbook as a segmenter report in its document properties, so that a later run may
    replace it (see :func:`writers.output.is_segmenter_report`)."""
    book.properties.category = REPORT_MARK


def _write_sheet(book: Workbook, sheet: PlacedSheet, progress: Progress | None) -> None:
    ws = book.create_sheet(sheet.spec.name)
    for j, width in enumerate(estimated_widths(sheet), start=1):
        ws.column_dimensions[get_column_letter(j)].width = width
    ws.freeze_panes = f"A{sheet.freeze_row}"
    # printed or exported to PDF, a sheet fits the page width (landscape) and runs down the pages
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.append([_styled(ws, sheet.title, font=TITLE_FONT)])
    ws.append([_styled(ws, sheet.subtitle, font=SUBTITLE_FONT)])
    row = 3
    for block in sheet.blocks:
        while row < block.title_row:
            ws.append([])
            row += 1
        ws.append([_styled(ws, block.block.title, font=BLOCK_FONT)])
        ws.append([_styled(ws, h, font=HEADER_FONT, fill=HEADER_FILL) for h in block.headers])
        _append_rows(ws, block, progress)
        row = block.last_row + 1
        if block.rows:
            ref = f"A{block.header_row}:{get_column_letter(block.n_cols)}{block.last_row}"
            table = Table(displayName=_table_name(sheet, block), ref=ref, autoFilter=AutoFilter(ref=ref))
            # write-only mode leaves the table's columns to us; they must match the header cells
            table.tableColumns = [TableColumn(id=j, name=h) for j, h in enumerate(block.headers, start=1)]
            table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
            with warnings.catch_warnings():  # openpyxl warns that write-only tables need columns: set above
                warnings.simplefilter("ignore", UserWarning)
                ws.add_table(table)
    if sheet.spec.chart is not None:
        _add_chart(ws, sheet)


def _append_rows(ws, block: PlacedBlock, progress: Progress | None) -> None:
    formats = block.formats
    tier_fill_of_row = _tier_fill_lookup(block)
    for i, values in enumerate(block.rows):
        cells = []
        for j, value in enumerate(values):
            fmt = block.row_formats[i] if block.unit_col == j and block.row_formats else formats[j]
            fill = tier_fill_of_row(i) if j == block.tier_col else None
            if fmt == "General" and fill is None:
                cells.append(_text_cell(ws, value) if isinstance(value, str) else value)
            else:
                cells.append(_styled(ws, value, number_format=fmt, fill=fill))
        ws.append(cells)
        if progress and i and i % 200_000 == 0:
            progress(f"  {block.block.table}: {i:,} of {len(block.rows):,} rows")


def _tier_fill_lookup(block: PlacedBlock):
    runs = block.tier_runs

    def fill(i: int):
        for first, last, colour in runs:
            if first <= i <= last:
                return TIER_FILLS[colour % len(TIER_FILLS)]
        return None

    return fill


def _text_cell(ws, text: str):
    """Text as a text cell, shown as typed: openpyxl would make '=...' a formula, '#N/A' an error value."""
    if text[:1] != "=" and text not in ERROR_CODES and len(text) <= EXCEL_CELL_CHARS \
            and not ILLEGAL_CHARACTERS_RE.search(text):
        return text
    return _styled(ws, text)


def _styled(ws, value, *, number_format=None, font=None, fill=None) -> WriteOnlyCell:
    text = isinstance(value, str)
    if text:  # what a cell cannot hold: control characters shown as U+FFFD, text cut to Excel's limit
        value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)[:EXCEL_CELL_CHARS]
    cell = WriteOnlyCell(ws, value=value)
    if text:
        cell.data_type = "s"  # never a formula (OWASP CSV injection) nor an error value
    if number_format:
        cell.number_format = number_format
    if font:
        cell.font = font
    if fill:
        cell.fill = fill
    return cell


def _table_name(sheet: PlacedSheet, block: PlacedBlock) -> str:
    return "seg_" + block.block.table


def _add_chart(ws, sheet: PlacedSheet) -> None:
    spec = sheet.spec.chart
    block = sheet.block(spec.table)
    anchor = chart_anchor(sheet)
    if block is None or anchor is None or not block.rows:
        return
    x_col, y_cols = chart_columns(block, spec)
    if spec.kind == "line":
        _add_line_chart(ws, block, spec, x_col, y_cols, anchor)
        return
    chart = ScatterChart()
    chart.title = spec.title
    chart.style = 13
    chart.x_axis.title = spec.x_title
    chart.y_axis.title = spec.y_title
    chart.x_axis.number_format = "0%"
    chart.y_axis.number_format = "0%"
    chart.x_axis.scaling.min = chart.y_axis.scaling.min = 0
    chart.x_axis.scaling.max = chart.y_axis.scaling.max = 1
    chart.x_axis.delete = chart.y_axis.delete = False
    chart.legend = None
    xs = Reference(ws, min_col=x_col + 1, min_row=block.header_row + 1, max_row=block.last_row)
    for y_col in y_cols:
        ys = Reference(ws, min_col=y_col + 1, min_row=block.header_row, max_row=block.last_row)
        series = Series(ys, xs, title_from_data=True)
        series.marker.symbol = "none"
        series.smooth = False
        chart.series.append(series)
    chart.width, chart.height = 16, 10
    ws.add_chart(chart, f"{get_column_letter(anchor[1])}{anchor[0]}")


def _add_line_chart(ws, block: PlacedBlock, spec, x_col: int, y_cols: list[int], anchor: tuple[int, int]) -> None:
    """One line per y column over the x categories (periods), amounts on the y axis, with a legend."""
    chart = LineChart()
    chart.title = spec.title
    chart.x_axis.title = spec.x_title
    chart.y_axis.title = spec.y_title
    chart.y_axis.number_format = FORMATS["money"]
    chart.x_axis.delete = chart.y_axis.delete = False
    for y_col in y_cols:
        chart.add_data(Reference(ws, min_col=y_col + 1, min_row=block.header_row, max_row=block.last_row),
                       titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=x_col + 1, min_row=block.header_row + 1, max_row=block.last_row))
    for series in chart.series:
        series.smooth = False  # a straight line between periods: no invented in-between values
    chart.legend.position = "r"
    chart.width, chart.height = 16, 10
    ws.add_chart(chart, f"{get_column_letter(anchor[1])}{anchor[0]}")
