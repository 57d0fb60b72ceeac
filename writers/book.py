"""Write placed result sheets into a live workbook through xlwings (the ribbon actions).

Ownership: every sheet segmenter writes is marked by a workbook name
``segmenter_sheet_<Sheet_name>`` that refers to its A1. Re-running replaces only sheets marked
that way. A sheet of the user's that happens to carry a result sheet's name is
never touched: the result goes to "<name> (segmenter)" beside it, and the caller is told.

Everything placed (titles, headers, formats, colours) comes from writers/layout.py.
"""
from __future__ import annotations

from typing import Any

from writers.layout import HEADER_COLOUR, TIER_COLOURS, PlacedSheet, chart_anchor, chart_columns

OWNER_PREFIX = "segmenter_sheet_"
# Large blocks go to Excel in pieces of this many rows (xlwings' chunksize): one COM call with
# a million rows can exhaust Excel's memory.
CHUNK_ROWS = 50_000
CHART_TYPE = "xy_scatter_lines_no_markers"
CHART_TYPES = {"scatter": CHART_TYPE, "line": "line_markers"}  # ChartSpec.kind -> xlwings chart type


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
        if block.tier_col is not None:
            for start, end, colour in block.tier_runs:
                sheet.range((first + start, block.tier_col + 1), (first + end, block.tier_col + 1)).color = (
                    TIER_COLOURS[colour % len(TIER_COLOURS)]
                )
        sheet.tables.add(source=sheet.range((block.header_row, 1), (last, block.n_cols)), name=f"seg_{block.block.table}",
                         table_style_name="TableStyleLight9")
    sheet.freeze_panes.freeze_at(f"A{placed.freeze_row}")
    sheet.autofit("c")
    _add_chart(sheet, placed)
    return sheet, message


def _add_chart(sheet, placed: PlacedSheet) -> None:
    anchor = chart_anchor(placed)
    spec = placed.spec.chart
    if anchor is None or spec is None:
        return
    block = placed.block(spec.table)
    if not block.rows:
        return
    x, ys = chart_columns(block, spec)
    source = sheet.range((block.header_row, x + 1), (block.last_row, max(ys) + 1))
    name = "segmenter_pareto" if spec.kind == "scatter" else f"segmenter_{spec.table}"
    sheet.charts.add(width=480, height=300, chart_type=CHART_TYPES[spec.kind], source=source, name=name,
                     anchor=sheet.range(anchor))


def write_report(book, sheets: list[PlacedSheet], progress=None) -> list[str]:
    """Write every placed sheet, in order after the last sheet; returns the ownership messages."""
    messages: list[str] = []
    after = None
    for placed in sheets:
        if progress:
            progress(f"segmenter: writing {placed.spec.name}")
        sheet, message = write_sheet(book, placed, after=after)
        after = sheet
        if message:
            messages.append(message)
    return messages
