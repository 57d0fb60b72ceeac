"""Write placed result sheets into a live workbook through xlwings (the ribbon actions).

The target is desktop Excel through xlwings' Windows (COM) and macOS (AppleScript) engines;
the tests also run it on xlwings' remote engine and on the Windows engine over a fake of
Excel's object model (tests/fake_com.py). Only calls that both desktop engines implement are
used (tests/test_book_desktop.py checks every one); what xlwings has no call for on the
desktop (freezing panes) goes to the window through ``.api``, in :func:`freeze_top_rows`.

Ownership: every sheet segmenter writes is marked by a workbook name
``segmenter_sheet_<Sheet_name>`` that refers to its A1. Re-running replaces only sheets marked
that way. A sheet of the user's that happens to carry a result sheet's name is never
touched: the result goes to "<name> (segmenter)" beside it, and the caller is told. A marker
whose sheet was deleted (Excel turns it into ``=#REF!$A$1``) marks nothing.

Values: text is written so that it stays the text it is (writers/text.py: ``=1+1``,
``00123``, ``#N/A``, ``03/04/2024`` are not turned into a formula, a number, an error or a
date): a column of text only gets the text number format before its values go in, and a
string in any other column is guarded by a leading apostrophe. Numbers and dates stay
numbers and dates. Large blocks go in pieces of xlwings'
write budget (about 100,000 cells a call), with screen updating and automatic calculation
off until the writing ends, however it ends.

Everything placed (titles, headers, formats, colours, charts) comes from writers/placement.py,
which places the sheets of writers/catalogue.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from writers.cells import column_letters
from writers.charts import PlacedChart
from writers.colour_scale import SCALE_COLOURS, colour_scale_columns
from writers.columns import HEADER_COLOUR, NEGATIVE_COLOUR, TIER_COLOURS
from writers.placement import PlacedBlock, PlacedSheet
from writers.print_setup import PrintPlan, print_plan
from writers.printing import print_fit
from writers.text import TEXT_FORMAT, as_typed_text, rows_as_typed_text, text_columns

OWNER_PREFIX = "segmenter_sheet_"
# ChartSpec.kind -> xlwings chart type (a new kind in layout needs one entry here); (kind, series
# style) -> the series' own type, for lines drawn among points
CHART_TYPES = {
    "scatter": "xy_scatter_lines_no_markers",
    "line": "line_markers",
    "xy": "xy_scatter",
    "columns": "column_clustered",
    "bars": "bar_clustered",
    "stacked": "column_stacked",
}
SERIES_TYPES = {("xy", "line"): "xy_scatter_lines_no_markers"}
POINTS_PER_CM = 72 / 2.54
# A block is handed to xlwings this many cells at a time (xlwings cuts each piece further into
# calls of its engine's write budget), so the status bar can say how far a big block is.
PROGRESS_CELLS = 1_000_000
# Excel's XlPageOrientation and XlOrder values (COM takes the numbers)
XL_PORTRAIT, XL_LANDSCAPE, XL_OVER_THEN_DOWN = 1, 2, 2
_REFERENCE = re.compile(r"=?\s*(?:'((?:[^']|'')+)'|([^'!]+))!(.+)$")

Progress = Callable[[str], None]


def owner_name(sheet_name: str) -> str:
    """The workbook name that marks a sheet as segmenter's ("Tier summary" -> segmenter_sheet_Tier_summary)."""
    return OWNER_PREFIX + "".join(ch if ch.isalnum() else "_" for ch in sheet_name)


def sheet_reference(sheet_name: str, address: str) -> str:
    """A name's formula for ``address`` on a sheet, quoted as Excel wants it.

    Examples
    --------
    >>> sheet_reference("Q1's list", "$A$1:$C$9")
    "='Q1''s list'!$A$1:$C$9"
    """
    return "='" + sheet_name.replace("'", "''") + "'!" + address


def parse_reference(formula: str | None) -> tuple[str, str] | None:
    """(sheet name, address) of a name's formula, or None when it refers to no sheet (``#REF!``).

    Examples
    --------
    >>> parse_reference("='Q1''s list'!$A$1"), parse_reference("=Accounts!$A$1:$D$7")
    (("Q1's list", '$A$1'), ('Accounts', '$A$1:$D$7'))
    >>> parse_reference("=#REF!$A$1"), parse_reference("='#REF'!$A$1"), parse_reference(None)
    (None, ('#REF', '$A$1'), None)
    """
    match = _REFERENCE.match(formula or "")
    if not match or "#REF!" in match[3] or (match[2] or "").strip() == "#REF":
        return None
    sheet = match[1].replace("''", "'") if match[1] is not None else match[2].strip()
    return sheet, match[3].strip()


def find_name(book, name: str):
    """The workbook name called ``name`` (any case), or None."""
    wanted = name.lower()
    return next((item for item in book.names if item.name.lower() == wanted), None)


def referred_range(book, name: str):
    """The range a workbook name refers to, or None when it is missing or its sheet is gone."""
    marker = find_name(book, name)
    place = parse_reference(marker.refers_to) if marker is not None else None
    if place is None:
        return None
    sheet = next((s for s in book.sheets if s.name.lower() == place[0].lower()), None)
    return sheet.range(place[1]) if sheet is not None else None


def set_name(book, name: str, sheet_name: str, address: str) -> None:
    """Point the workbook name ``name`` at ``address`` on ``sheet_name`` (replacing it)."""
    existing = find_name(book, name)
    if existing is not None:
        existing.delete()
    book.names.add(name, sheet_reference(sheet_name, address))


def owned_sheet(book, sheet_name: str):
    """The sheet segmenter wrote for ``sheet_name`` earlier, or None (never a user's sheet).

    A result sheet is segmenter's only while it has the name segmenter gave it (``sheet_name``,
    or ``<sheet_name> (segmenter)`` beside a user's sheet of that name): Excel moves a workbook
    name with its sheet when the sheet is renamed, and a result the user renamed to keep it
    ("Segments Q1") is the user's from then on, never deleted or rewritten by a later run.
    """
    marked = referred_range(book, owner_name(sheet_name))
    if marked is None or not is_result_name(marked.sheet.name, sheet_name):
        return None
    return marked.sheet


def is_result_name(name: str, sheet_name: str) -> bool:
    """Whether ``name`` is a name segmenter gives the result sheet ``sheet_name`` (any case).

    Examples
    --------
    >>> is_result_name("segments", "Segments"), is_result_name("Segments (segmenter 2)", "Segments")
    (True, True)
    >>> is_result_name("Segments Q1", "Segments")
    False
    """
    return re.fullmatch(re.escape(sheet_name) + r"(?: \(segmenter(?: \d+)?\))?", name, re.IGNORECASE) is not None


def claim_sheet(book, sheet_name: str, *, after=None) -> tuple[Any, str | None]:
    """A fresh sheet to write ``sheet_name`` into, and a message when it is not that name.

    segmenter's own earlier sheet is deleted and a new one takes its place (an Excel table
    cannot be cleared away through xlwings, and a new sheet starts with no leftovers). When the
    user owns a sheet by that name, the result goes to a new "<name> (segmenter)" sheet and a
    sentence says so.
    """
    existing = owned_sheet(book, sheet_name)
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
    set_name(book, owner_name(sheet_name), target, "$A$1")
    return sheet, message


@contextmanager
def quiet_excel(app) -> Iterator[None]:
    """Screen updating and automatic calculation off while writing, restored however it ends.

    xlwings' remote engine cannot read either setting back; there nothing is changed.
    """
    try:
        previous = (app.screen_updating, app.calculation)
    except NotImplementedError:
        previous = None
    if previous is not None:
        app.screen_updating = False
        app.calculation = "manual"
    try:
        yield
    finally:
        if previous is not None:
            app.calculation = previous[1]
            app.screen_updating = previous[0]


def freeze_top_rows(sheet, rows: int) -> None:
    """Keep the top ``rows`` rows of ``sheet`` in view (and no column); ``sheet`` must be active.

    xlwings' desktop engines have no freeze call (``Sheet.freeze_panes`` exists only on the
    remote engine), so on the desktop the window's own settings are set through ``.api``:
    SplitRow then FreezePanes on Windows (COM), split_row then freeze_panes on macOS
    (AppleScript). On the remote engine Office.js ``freezeAt("1:n")`` freezes rows 1 to n
    (``freezeAt("A6")`` would freeze rows 1-6 *and* column A).
    """
    if sheet.book.app.engine.type != "desktop":
        sheet.freeze_panes.freeze_at(f"1:{rows}")
    elif "_xlmac" in type(sheet.impl).__module__:
        window = sheet.book.api.windows[1]
        window.freeze_panes.set(False)
        window.split_column.set(0)
        window.split_row.set(rows)
        window.freeze_panes.set(True)
    else:
        window = sheet.book.api.Windows(1)
        window.FreezePanes = False
        window.SplitColumn = 0
        window.SplitRow = rows
        window.FreezePanes = True


def tier_rules(column, block: PlacedBlock) -> None:
    """One conditional format per tier on the tier column: cell value = the tier's label -> its colour.

    One call per tier instead of one per run of equal tiers (20,000 customers made 12,569
    ``range.color`` calls over COM), and the colours follow the labels if the user sorts.
    """
    first_row = {}
    for start, _, colour in block.tier_runs:
        first_row.setdefault(colour, start)
    for colour, start in first_row.items():
        label = str(block.rows[start][block.tier_col]).replace('"', '""')
        column.conditional_formats.add_cell_value(
            "equal_to", f'="{label}"', fill_color=TIER_COLOURS[colour % len(TIER_COLOURS)]
        )


def write_sheet(book, placed: PlacedSheet, *, after=None, progress: Progress | None = None) -> tuple[Any, str | None]:
    """Write one placed sheet; returns the xlwings Sheet and the ownership message, if any.

    ``progress`` hears how far a block of more than :data:`PROGRESS_CELLS` cells is.
    """
    sheet, message = claim_sheet(book, placed.spec.name, after=after)
    sheet["A1:A2"].value = [[as_typed_text(placed.title)], [as_typed_text(placed.subtitle)]]
    sheet["A1"].font.bold = True
    sheet["A1"].font.size = 14
    sheet["A2"].font.italic = True
    for block in placed.blocks:
        _write_block(sheet, block, progress)
    sheet.activate()
    freeze_top_rows(sheet, placed.freeze_row - 1)
    sheet.autofit("c")
    print_layout(sheet, placed)
    return sheet, message


def print_layout(sheet, placed: PlacedSheet) -> None:
    """Make the sheet print as the file writer's does (:mod:`writers.print_setup`).

    Through xlwings on every engine: the print area (the tables and charts), the widths of the
    columns whose long notes, labels or headers wrap (autofit made them as wide as their longest
    text) and the wrapping itself. xlwings has no call for orientation, scale, fit-to-width or
    titles to repeat (its ``PageSetup`` has ``print_area`` only), so the desktop engines get them
    through ``.api`` (:func:`page_setup`); the remote engine and Lite keep Excel's own page setup.
    """
    fit = print_fit(placed)
    sheet.page_setup.print_area = f"$A$1:${column_letters(fit.last_col + 1)}${fit.last_row + 1}"
    for block in placed.blocks:
        table = block.block.table
        note = fit.wrapped.get(table)
        cells = {j for _, j in fit.wrapped_labels.get(table, [])} | ({note} if note is not None else set())
        headers = set(fit.wrapped_headers.get(table, []))
        for j in sorted(cells | headers):
            sheet.range((1, j + 1)).column_width = fit.widths[j]
        for j in sorted(cells) if block.n_rows else ():
            sheet.range((block.header_row + 1, j + 1), (block.last_row, j + 1)).wrap_text = True
        for j in sorted(headers):
            sheet.range((block.header_row, j + 1)).wrap_text = True
    if sheet.book.app.engine.type == "desktop":
        page_setup(sheet, print_plan(fit.widths, fit.last_col, portrait=placed.spec.one_page), placed.print_title_row)


def page_setup(sheet, plan: PrintPlan, title_row: int | None) -> None:
    """Orientation, fit to one page width or a scale with column A and the header (or title) rows
    on every page, "over, then down": Excel's PageSetup through ``.api`` (COM on Windows, AppleScript
    on macOS), the properties the file writer sets. Page breaks are Excel's own (between columns)."""
    rows = f"${title_row}:${title_row}" if title_row else "$1:$2"
    if "_xlmac" in type(sheet.impl).__module__:
        from appscript import k  # macOS only: xlwings' own engine imports it

        setup = sheet.api.page_setup_object
        setup.page_orientation.set(k.landscape if plan.orientation == "landscape" else k.portrait)
        if plan.fit_width:
            setup.zoom.set(False)
            setup.fit_to_pages_wide.set(1)
            setup.fit_to_pages_tall.set(False)
        else:
            setup.zoom.set(plan.scale_percent)
            setup.print_title_columns.set("$A:$A")
            setup.print_title_rows.set(rows)
            setup.order.set(k.over_then_down)
        return
    setup = sheet.api.PageSetup
    setup.Orientation = XL_LANDSCAPE if plan.orientation == "landscape" else XL_PORTRAIT
    if plan.fit_width:
        setup.Zoom = False
        setup.FitToPagesWide = 1
        setup.FitToPagesTall = False
    else:
        setup.Zoom = plan.scale_percent
        setup.PrintTitleColumns = "$A:$A"
        setup.PrintTitleRows = rows
        setup.Order = XL_OVER_THEN_DOWN


def _write_block(sheet, block: PlacedBlock, progress: Progress | None = None) -> None:
    title = sheet.range((block.title_row, 1))
    title.value = as_typed_text(block.block.title)
    title.font.bold = True
    header = sheet.range((block.header_row, 1), (block.header_row, block.n_cols))
    header.value = [[as_typed_text(h) for h in block.headers]]
    header.color = HEADER_COLOUR
    header.font.color = "#FFFFFF"
    header.font.bold = True
    for j in block.right_aligned:
        sheet.range((block.header_row, j + 1)).horizontal_alignment = "right"
    if not block.rows:
        return
    first, last = block.header_row + 1, block.last_row
    # columns of text only are formatted as text before the values go in: nothing in them is
    # converted, and no cell needs a look; text in the other columns is guarded cell by cell
    text = text_columns(block.rows)
    for j in text:
        sheet.range((first, j + 1), (last, j + 1)).number_format = TEXT_FORMAT
    step = max(1, PROGRESS_CELLS // block.n_cols)
    for start in range(0, len(block.rows), step):
        if progress and len(block.rows) > step:
            progress(f"rows {start + 1:,}-{min(start + step, len(block.rows)):,} of {len(block.rows):,}")
        # no chunksize: xlwings splits the piece by its engine's cell budget per call
        sheet.range((first + start, 1)).value = rows_as_typed_text(block.rows[start : start + step], skip=text)
    for j, fmt in enumerate(block.formats, start=1):
        if fmt != "General":
            sheet.range((first, j), (last, j)).number_format = fmt
    if block.row_formats:
        for i, fmt in enumerate(block.row_formats):
            sheet.range((first + i, block.unit_col + 1)).number_format = fmt
    for i in block.total_rows:
        sheet.range((first + i, 1), (first + i, block.n_cols)).font.bold = True
    if block.tier_col is not None and block.tier_runs:
        tier_rules(sheet.range((first, block.tier_col + 1), (last, block.tier_col + 1)), block)
    scale = colour_scale_columns(block)
    if scale is not None:  # the cohort triangles, as in the file (writers.colour_scale)
        sheet.range((first, scale[0] + 1), (last, scale[1] + 1)).conditional_formats.add_color_scale(
            list(SCALE_COLOURS)
        )
    for j in block.negative_cols:  # a negative margin in red, as in the file
        sheet.range((first, j + 1), (last, j + 1)).conditional_formats.add_cell_value(
            "less_than", 0, font_color=NEGATIVE_COLOUR
        )
    if not block.block.excel_table:
        return
    sheet.tables.add(
        source=sheet.range((block.header_row, 1), (last, block.n_cols)),
        name=f"seg_{block.block.table}",
        table_style_name="TableStyleLight9",
    )


def _add_chart(sheet, placed: PlacedSheet) -> None:
    """Draw the sheet's charts (:attr:`PlacedSheet.charts`) from their data, which may be on another
    of segmenter's sheets (the Overview's are on Chart data): source data, x values, title, legend,
    and each series' type and colour where the engine can reach a chart's series."""
    for number, chart_spec in enumerate(placed.charts, start=1):
        data = owned_sheet(sheet.book, chart_spec.data_sheet)
        if data is None:
            continue  # its data sheet was not written in this run
        columns = [ref.column for ref in chart_spec.series]
        chart = sheet.charts.add(
            width=chart_spec.width_cm * POINTS_PER_CM,
            height=chart_spec.height_cm * POINTS_PER_CM,
            chart_type=CHART_TYPES[chart_spec.spec.kind],
            anchor=sheet.range(chart_spec.anchor),
            source=data.range((chart_spec.header_row, min(columns)), (chart_spec.last_row, max(columns))),
            plot_by="columns",
            name=f"segmenter_{chart_spec.spec.table}_{number}",
        )
        chart.set_x_axis_values(
            data.range((chart_spec.first_row, chart_spec.x_column), (chart_spec.last_row, chart_spec.x_column))
        )
        chart.title = chart_spec.title
        chart.legend.visible = chart_spec.spec.legend
        try:
            _style_series(chart, chart_spec)
        except NotImplementedError:
            pass  # xlwings' remote engine cannot reach a chart's series synchronously; Excel's engines can


def _style_series(chart, chart_spec: PlacedChart) -> None:
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


def write_report(book, sheets: list[PlacedSheet], progress: Progress | None = None) -> list[str]:
    """Write every placed sheet, in order after the last sheet; returns the ownership messages.

    ``progress`` hears one line per sheet and per million cells of a big block (Excel's status
    bar on the ribbon path).
    """
    messages: list[str] = []
    after = None
    written = []
    with quiet_excel(book.app):
        for number, placed in enumerate(sheets, start=1):
            where = f"segmenter: writing {placed.spec.name}, sheet {number} of {len(sheets)}"
            if progress:
                progress(where + "...")
            sheet, message = write_sheet(
                book,
                placed,
                after=after,
                progress=(lambda text, where=where: progress(f"{where}: {text}")) if progress else None,
            )
            after = sheet
            if message:
                messages.append(message)
            written.append((sheet, placed))
        for sheet, placed in written:  # after every sheet: the Overview's charts read Chart data, written last
            _add_chart(sheet, placed)
    return messages
