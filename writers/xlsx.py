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
from openpyxl.chart import BarChart, LineChart, Reference, ScatterChart, Series
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.chart.text import RichText, Text
from openpyxl.chart.title import Title
from openpyxl.drawing.text import CharacterProperties, Paragraph, ParagraphProperties, RegularTextRun
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo

from writers.layout import (
    FORMATS, HEADER_COLOUR, TIER_COLOURS, PlacedBlock, PlacedChart, PlacedSheet, SeriesRef, estimated_widths,
)

TITLE_FONT = Font(bold=True, size=14, color=HEADER_COLOUR[1:])
BLOCK_FONT = Font(bold=True, size=11, color=HEADER_COLOUR[1:])
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor=HEADER_COLOUR[1:])
TIER_FILLS = [PatternFill("solid", fgColor=c[1:]) for c in TIER_COLOURS]
SUBTITLE_FONT = Font(italic=True, color="595959")
TOTAL_FONT = Font(bold=True)
RIGHT = Alignment(horizontal="right")

Progress = Callable[[str], None]


def write_workbook(sheets: list[PlacedSheet], path: Path, progress: Progress | None = None) -> Path:
    """Write the sheets to ``path`` (.xlsx) and return it. ``progress`` gets short status lines."""
    book = Workbook(write_only=True)
    for sheet in sheets:
        if progress:
            progress(f"writing sheet {sheet.spec.name}")
        _write_sheet(book, sheet, progress)
    path = Path(path)
    book.save(path)
    return path


def _write_sheet(book: Workbook, sheet: PlacedSheet, progress: Progress | None) -> None:
    ws = book.create_sheet(sheet.spec.name)
    for j, width in enumerate(estimated_widths(sheet), start=1):
        ws.column_dimensions[get_column_letter(j)].width = width
    ws.freeze_panes = f"A{sheet.freeze_row}"
    # printed or exported to PDF, a sheet fits the page width (landscape) and runs down the pages
    ws.page_setup.orientation = "portrait" if sheet.spec.one_page else "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 1 if sheet.spec.one_page else 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if sheet.print_title_row:
        ws.print_title_rows = f"{sheet.print_title_row}:{sheet.print_title_row}"
    ws.append([_styled(ws, sheet.title, font=TITLE_FONT)])
    ws.append([_styled(ws, sheet.subtitle, font=SUBTITLE_FONT)])
    row = 3
    for block in sheet.blocks:
        while row < block.title_row:
            ws.append([])
            row += 1
        ws.append([_styled(ws, block.block.title, font=BLOCK_FONT)])
        right = set(block.right_aligned)
        ws.append([_styled(ws, h, font=HEADER_FONT, fill=HEADER_FILL, alignment=RIGHT if j in right else None)
                   for j, h in enumerate(block.headers)])
        _append_rows(ws, block, progress)
        row = block.last_row + 1
        if block.rows and block.block.excel_table:
            ref = f"A{block.header_row}:{get_column_letter(block.n_cols)}{block.last_row}"
            table = Table(displayName=_table_name(sheet, block), ref=ref, autoFilter=AutoFilter(ref=ref))
            # write-only mode leaves the table's columns to us; they must match the header cells
            table.tableColumns = [TableColumn(id=j, name=h) for j, h in enumerate(block.headers, start=1)]
            table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
            with warnings.catch_warnings():  # openpyxl warns that write-only tables need columns: set above
                warnings.simplefilter("ignore", UserWarning)
                ws.add_table(table)
    _add_charts(ws, sheet)


def _append_rows(ws, block: PlacedBlock, progress: Progress | None) -> None:
    formats = block.formats
    tier_fill_of_row = _tier_fill_lookup(block)
    totals = set(block.total_rows)
    for i, values in enumerate(block.rows):
        cells = []
        font = TOTAL_FONT if i in totals else None
        for j, value in enumerate(values):
            fmt = block.row_formats[i] if block.unit_col == j and block.row_formats else formats[j]
            fill = tier_fill_of_row(i) if j == block.tier_col else None
            if fmt == "General" and fill is None and font is None:
                cells.append(value)
            else:
                cells.append(_styled(ws, value, number_format=fmt, fill=fill, font=font))
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


def _styled(ws, value, *, number_format=None, font=None, fill=None, alignment=None) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value)
    if alignment:
        cell.alignment = alignment
    if number_format:
        cell.number_format = number_format
    if font:
        cell.font = font
    if fill:
        cell.fill = fill
    return cell


def _table_name(sheet: PlacedSheet, block: PlacedBlock) -> str:
    return "seg_" + block.block.table


def _title(text: str) -> Title:
    """A chart title in 11 pt bold (the default, 18 pt, takes half a small chart)."""
    size = CharacterProperties(sz=1100, b=True)
    paragraph = Paragraph(pPr=ParagraphProperties(defRPr=size), r=[RegularTextRun(rPr=size, t=text)])
    return Title(tx=Text(rich=RichText(p=[paragraph])), overlay=False)


def _axes(chart, placed: PlacedChart) -> None:
    spec = placed.spec
    chart.title = _title(placed.title)
    chart.x_axis.title = spec.x_title or None
    chart.y_axis.title = spec.y_title
    chart.x_axis.delete = chart.y_axis.delete = False
    if spec.x_format:
        chart.x_axis.number_format = FORMATS[spec.x_format]
    if spec.y_format:
        chart.y_axis.number_format = FORMATS[spec.y_format]
    if spec.legend:
        chart.legend.position = "r"
    else:
        chart.legend = None
    chart.width, chart.height = placed.width_cm, placed.height_cm


def _colour(series, ref: SeriesRef, *, line: bool = False) -> None:
    if ref.colour:
        if line:
            series.graphicalProperties.line.solidFill = ref.colour[1:]
        else:
            series.graphicalProperties.solidFill = ref.colour[1:]
            series.graphicalProperties.line.solidFill = ref.colour[1:]


def _scatter_chart(placed: PlacedChart) -> ScatterChart:
    """The Pareto curve: shares on both axes from 0 to 100 %, lines without markers."""
    chart = ScatterChart()
    chart.style = 13
    _axes(chart, placed)
    chart.x_axis.number_format = chart.y_axis.number_format = "0%"
    chart.x_axis.scaling.min = chart.y_axis.scaling.min = 0
    chart.x_axis.scaling.max = chart.y_axis.scaling.max = 1
    chart.legend = None
    xs = Reference(range_string=placed.reference(placed.x_column))
    for ref in placed.series:
        series = Series(Reference(range_string=placed.reference(ref.column, header=True)), xs, title_from_data=True)
        series.marker.symbol = "none"
        series.smooth = False
        chart.series.append(series)
    return chart


def _xy_chart(placed: PlacedChart) -> ScatterChart:
    """Numbers against numbers, each series as points, a line or one large marker (its style)."""
    chart = ScatterChart()
    chart.scatterStyle = "lineMarker"
    _axes(chart, placed)
    if placed.spec.log_x:
        chart.x_axis.scaling.logBase = 10
    if placed.spec.x_format == "pct":  # shares of accounts: the whole axis, 0 to 100 %
        chart.x_axis.scaling.min, chart.x_axis.scaling.max = 0, 1
    xs = Reference(range_string=placed.reference(placed.x_column))
    for ref in placed.series:
        series = Series(Reference(range_string=placed.reference(ref.column, header=True)), xs, title_from_data=True)
        series.smooth = False
        if ref.style == "line":
            series.marker.symbol = "none"
            _colour(series, ref, line=True)
            series.graphicalProperties.line.width = 19050
        else:
            series.marker.symbol = "diamond" if ref.style == "marker" else "circle"
            series.marker.size = 11 if ref.style == "marker" else 4
            series.graphicalProperties.line.noFill = True
            if ref.colour:
                series.marker.graphicalProperties = GraphicalProperties(solidFill=ref.colour[1:])
                series.marker.graphicalProperties.line.solidFill = ref.colour[1:]
        chart.series.append(series)
    return chart


def _bar_chart(placed: PlacedChart, *, horizontal: bool = False, stacked: bool = False) -> BarChart:
    """Columns (or bars) over categories, clustered or stacked; a "hidden" series is not drawn."""
    chart = BarChart()
    chart.type = "bar" if horizontal else "col"
    if stacked:
        chart.grouping, chart.overlap = "stacked", 100
    _axes(chart, placed)
    for ref in placed.series:
        series = Series(Reference(range_string=placed.reference(ref.column, header=True)), title_from_data=True)
        if ref.style == "hidden":
            series.graphicalProperties.noFill = True
            series.graphicalProperties.line.noFill = True
        else:
            _colour(series, ref)
        chart.series.append(series)
    chart.set_categories(Reference(range_string=placed.reference(placed.x_column)))
    chart.x_axis.tickLblPos = "low"  # category names below the plot, not on top of negative bars
    if stacked:
        chart.y_axis.scaling.min = 0  # a waterfall read from zero: no exaggerated steps
    if horizontal:
        chart.x_axis.scaling.orientation = "maxMin"  # the first category on top, as in the table
    return chart


def _line_chart(placed: PlacedChart) -> LineChart:
    """One line per y column over the x categories (periods), amounts on the y axis, with a legend."""
    chart = LineChart()
    _axes(chart, placed)
    chart.y_axis.number_format = FORMATS["money"]
    for ref in placed.series:
        chart.add_data(Reference(range_string=placed.reference(ref.column, header=True)), titles_from_data=True)
    chart.set_categories(Reference(range_string=placed.reference(placed.x_column)))
    for series in chart.series:
        series.smooth = False  # a straight line between periods: no invented in-between values
    return chart


CHART_KINDS = {
    "scatter": _scatter_chart,
    "xy": _xy_chart,
    "line": _line_chart,
    "columns": _bar_chart,
    "bars": lambda placed: _bar_chart(placed, horizontal=True),
    "stacked": lambda placed: _bar_chart(placed, stacked=True),
}


def _add_charts(ws, sheet: PlacedSheet) -> None:
    for placed in sheet.charts:
        chart = CHART_KINDS[placed.spec.kind](placed)
        ws.add_chart(chart, f"{get_column_letter(placed.anchor[1])}{placed.anchor[0]}")
