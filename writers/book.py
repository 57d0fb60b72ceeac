"""Write placed result sheets into a live workbook through xlwings (the ribbon actions).

Ownership: every sheet segmenter writes is marked by a workbook name
``segmenter_sheet_<Sheet_name>`` that refers to its A1. Re-running replaces only sheets marked
that way. A sheet of the user's that happens to carry a result sheet's name is
never touched: the result goes to "<name> (segmenter)" beside it, and the caller is told.

Everything placed (titles, headers, formats, colours) comes from writers/layout.py.
"""
from __future__ import annotations

from typing import Any

from writers.layout import FORMATS, HEADER_COLOUR, TIER_COLOURS, PlacedSheet

OWNER_PREFIX = "segmenter_sheet_"
# Large blocks go to Excel in pieces of this many rows (xlwings' chunksize): one COM call with
# a million rows can exhaust Excel's memory.
CHUNK_ROWS = 50_000
# ChartSpec.kind -> xlwings chart type; (kind, series style) -> the series' own type
CHART_TYPES = {"scatter": "xy_scatter_lines_no_markers", "line": "line_markers", "xy": "xy_scatter",
               "columns": "column_clustered", "bars": "bar_clustered", "stacked": "column_stacked"}
SERIES_TYPES = {("xy", "line"): "xy_scatter_lines_no_markers"}
POINTS_PER_CM = 72 / 2.54


def owner_name(sheet_name: str) -> str:
    """The workbook name that marks a sheet as segmenter's ("Tier summary" -> segmenter_sheet_Tier_summary)."""
    return OWNER_PREFIX + "".join(ch if ch.isalnum() else "_" for ch in sheet_name)


def _name(book, name: str):
    for item in book.names:
        if item.name == name:
            return item
    return None


def owned_sheet(book, sheet_name: str):
    """The sheet segmenter wrote for ``sheet_name`` earlier, or None."""
    marker = _name(book, owner_name(sheet_name))
    if marker is None:
        return None
    try:
        return marker.refers_to_range.sheet
    except (ValueError, KeyError, AttributeError):
        return None  # the marked sheet was deleted: the name points nowhere


def claim_sheet(book, sheet_name: str, *, after=None) -> tuple[Any, str | None]:
    """A fresh sheet to write ``sheet_name`` into, and a message when it is not that name.

    segmenter's own earlier sheet is deleted and a new one takes its place (an Excel table
    cannot be cleared away through xlwings, and a new sheet starts with no leftovers). When the
    user owns a sheet by that name, the result goes to a new "<name> (segmenter)" sheet and a
    sentence says so.
    """
    existing = owned_sheet(book, sheet_name)
    marker = _name(book, owner_name(sheet_name))
    if marker is not None:
        marker.delete()
    if existing is not None:
        position = existing.index
        existing.delete()
        if after is None and position > 1:
            after = book.sheets[position - 2]
    names = {s.name.lower() for s in book.sheets}
    target, message = sheet_name, None
    if sheet_name.lower() in names:
        candidate, n = f"{sheet_name} (segmenter)", 2
        while candidate.lower() in names:
            candidate, n = f"{sheet_name} (segmenter {n})", n + 1
        target = candidate
        message = f"A sheet named '{sheet_name}' is not segmenter's, so it was left alone; results went to '{target}'."
    sheet = book.sheets.add(target, after=after or book.sheets[len(book.sheets) - 1])
    book.names.add(owner_name(sheet_name), f"='{target}'!$A$1")
    return sheet, message


def write_sheet(book, placed: PlacedSheet, *, after=None) -> tuple[Any, str | None]:
    """Write one placed sheet; returns the xlwings Sheet and the ownership message, if any."""
    sheet, message = claim_sheet(book, placed.spec.name, after=after)
    sheet["A1"].value = placed.title
    sheet["A1"].font.bold = True
    sheet["A1"].font.size = 14
    sheet["A2"].value = placed.subtitle
    sheet["A2"].font.italic = True
    for block in placed.blocks:
        sheet.range((block.title_row, 1)).value = block.block.title
        sheet.range((block.title_row, 1)).font.bold = True
        header = sheet.range((block.header_row, 1), (block.header_row, block.n_cols))
        header.value = block.headers
        header.color = HEADER_COLOUR
        header.font.color = "#FFFFFF"
        header.font.bold = True
        for j in block.right_aligned:
            sheet.range((block.header_row, j + 1)).horizontal_alignment = "right"
        if not block.rows:
            continue
        first, last = block.header_row + 1, block.last_row
        sheet.range((first, 1)).options(chunksize=CHUNK_ROWS).value = block.rows
        for j, fmt in enumerate(block.formats, start=1):
            if fmt != "General":
                sheet.range((first, j), (last, j)).number_format = fmt
        if block.row_formats:
            for i, fmt in enumerate(block.row_formats):
                sheet.range((first + i, block.unit_col + 1)).number_format = fmt
        for i in block.total_rows:
            sheet.range((first + i, 1), (first + i, block.n_cols)).font.bold = True
        if block.tier_col is not None:
            for start, end, colour in block.tier_runs:
                sheet.range((first + start, block.tier_col + 1), (first + end, block.tier_col + 1)).color = (
                    TIER_COLOURS[colour % len(TIER_COLOURS)]
                )
        sheet.tables.add(source=sheet.range((block.header_row, 1), (last, block.n_cols)), name=f"seg_{block.block.table}",
                         table_style_name="TableStyleLight9")
    sheet.freeze_panes.freeze_at(f"A{placed.freeze_row}")
    sheet.autofit("c")
    return sheet, message


def _add_charts(sheet, placed: PlacedSheet, written: dict[str, Any]) -> None:
    """Draw the sheet's charts from their data (on any written sheet) with xlwings' chart calls,
    which the Windows and macOS engines implement: source data, x values, types, names, colours."""
    for number, chart_spec in enumerate(placed.charts, start=1):
        data = written[chart_spec.data_sheet]
        series = chart_spec.series
        columns = [ref.column for ref in series]
        chart = sheet.charts.add(
            width=chart_spec.width_cm * POINTS_PER_CM, height=chart_spec.height_cm * POINTS_PER_CM,
            chart_type=CHART_TYPES[chart_spec.spec.kind], anchor=sheet.range(chart_spec.anchor),
            source=data.range((chart_spec.header_row, min(columns)), (chart_spec.last_row, max(columns))),
            plot_by="columns", name=f"segmenter_{chart_spec.spec.table}_{number}",
        )
        chart.set_x_axis_values(data.range((chart_spec.first_row, chart_spec.x_column),
                                           (chart_spec.last_row, chart_spec.x_column)))
        chart.title = chart_spec.title
        chart.legend.visible = chart_spec.spec.legend
        chart.value_axis.title = chart_spec.spec.y_title
        if chart_spec.spec.x_title:
            chart.category_axis.title = chart_spec.spec.x_title
        for axis, key in ((chart.category_axis, chart_spec.spec.x_format), (chart.value_axis, chart_spec.spec.y_format)):
            if key:
                axis.number_format = FORMATS[key]
        if chart_spec.spec.kind == "stacked":
            chart.value_axis.minimum_scale = 0  # a waterfall read from zero: no exaggerated steps
        try:
            _style_series(chart, chart_spec)
        except NotImplementedError:
            pass  # xlwings' remote engine cannot reach a chart's series synchronously; Excel's engines can


def _style_series(chart, chart_spec) -> None:
    """Each series' own type (lines among points) and meaningful colour; the waterfall base in white."""
    for i, ref in enumerate(chart_spec.series):
        drawn = chart.series[i]
        style = SERIES_TYPES.get((chart_spec.spec.kind, ref.style))
        if style:
            drawn.chart_type = style
        if ref.style == "hidden":
            drawn.fill_color = "#FFFFFF"  # the waterfall's base: white on the white plot area
        elif ref.colour and chart_spec.spec.kind in ("xy", "scatter", "line"):
            drawn.marker_background_color = drawn.marker_foreground_color = ref.colour
            if ref.style == "line":
                drawn.line_color = ref.colour
        elif ref.colour:
            drawn.fill_color = ref.colour


def write_report(book, sheets: list[PlacedSheet], progress=None) -> list[str]:
    """Write every placed sheet, in order after the last sheet; returns the ownership messages."""
    messages: list[str] = []
    after = None
    written: dict[str, Any] = {}
    for placed in sheets:
        if progress:
            progress(f"segmenter: writing {placed.spec.name}")
        sheet, message = write_sheet(book, placed, after=after)
        after = written[placed.spec.name] = sheet
        if message:
            messages.append(message)
    for placed in sheets:  # after every sheet: the Overview's charts read the Chart data sheet, written last
        _add_charts(written[placed.spec.name], placed, written)
    return messages
