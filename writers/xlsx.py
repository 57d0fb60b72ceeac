"""Write placed result sheets into an .xlsx file (the headless report).

The cells go out through rvgsrust-xlsxwriter, a Python binding of rust_xlsxwriter (see
docs/performance.md for why: about ten times faster than openpyxl on the report's own layout,
with tables, charts and formats). What goes where comes from writers/placement.py; this module only
turns a :class:`~writers.placement.PlacedSheet` into the library's calls.

Every value is written by type: text always as a text cell (the library's ``write`` stores a
Python ``str`` with rust_xlsxwriter's ``write_string``, never as a formula), numbers as numbers,
datetimes as dates with the column's number format. The longest block of a sheet goes out as
Arrow columns, a run of rows per call (:func:`_write_main_rows`). A sheet whose blocks hold more than
:data:`~writers.placement.TABLE_ROW_LIMIT` rows is streamed row by row (constant memory), and its
blocks get filter buttons instead of Excel tables, which cannot be streamed.

The binary wheel is imported inside :func:`write_workbook`, so core/ and udfs/ (and a Pyodide
build without it) import without it.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from writers.cells import _readable, column_letters, frame_arrow, frame_rows, readable_text
from writers.charts import PlacedChart
from writers.colour_scale import SCALE_COLOURS, colour_scale_columns
from writers.columns import DATA_BAR_COLOUR, FORMATS, HEADER_COLOUR, NEGATIVE_COLOUR, TIER_COLOURS
from writers.output import REPORT_MARK, interruptible
from writers.placement import TABLE_ROW_LIMIT, PlacedBlock, PlacedSheet
from writers.print_setup import print_plan
from writers.printing import PIXELS_PER_CM, PrintFit, print_fit, wrapped_line_counts, wrapped_lines
from writers.sheet_rows import (
    DEFLATE,
    ChunkPipeline,
    GeneratedRows,
    deflated,
    deflated_part,
    plain_cells,
    spliced_part,
    style_attributes,
)

Progress = Callable[..., None]  # progress(phase) or progress(phase, rows done, rows in all)
TABLE_STYLE = "light9"  # Excel's TableStyleLight9: blue header, banded rows
PROGRESS_ROWS = 50_000  # progress is told every this many rows of a long block
GENERATED_ROWS = 50_000  # a longest block of this many rows has its rows made by writers.sheet_rows
WHOLE_ROWS = 2_000  # of such a block, the first rows rust_xlsxwriter writes (print_fit reads and wraps them)
ROW_POINTS = 15  # height of a row of text in the default font
TEXT_CHARACTERS_PER_WIDTH = 1.15  # characters of text in a column width unit (the width of one "0")
CHART_TITLE_POINTS = 11  # a chart title in Excel's default 18 pt takes half a small chart
# Excel's 1900 date system from 1900-03-01 on: serial = days since 1899-12-30
_EXCEL_EPOCH_NS = int(pd.Timestamp("1899-12-30").value)
_FIRST_SERIAL_NS = int(pd.Timestamp("1900-03-01").value)
_NS_PER_DAY = 86_400 * 10**9


class _Styles:
    """The workbook's formats, made once each."""

    def __init__(self, book):
        self.book = book
        self.title = self._new(bold=True, size=14, colour=HEADER_COLOUR)
        self.block = self._new(bold=True, size=11, colour=HEADER_COLOUR)
        self.subtitle = self._new(italic=True, colour="#595959")
        self.header = self._new(bold=True, colour="#FFFFFF", fill=HEADER_COLOUR)
        self.header_right = self._new(bold=True, colour="#FFFFFF", fill=HEADER_COLOUR, align="right")
        self.negative = self._new(colour=NEGATIVE_COLOUR)
        self.wrap = self._new()
        self.wrap.set_text_wrap()
        self.header_wrap = self._new(bold=True, colour="#FFFFFF", fill=HEADER_COLOUR)
        self.header_wrap.set_text_wrap()
        self.header_right_wrap = self._new(bold=True, colour="#FFFFFF", fill=HEADER_COLOUR, align="right")
        self.header_right_wrap.set_text_wrap()
        self._cells: dict[tuple[str, str | None, bool], Any] = {}

    def _new(self, *, bold=False, italic=False, size=None, colour=None, fill=None, number_format=None, align=None):
        fmt = self.book.add_format()
        if align:
            fmt.set_align(align)
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

    def cell(self, number_format: str, fill: str | None = None, bold: bool = False):
        """The format of a data cell: its number format, on the tier column the tier colour, bold on a total row.

        Always a format object, "General" included: a cell written without one would take its
        column's format (see :func:`_main_block`).
        """
        key = (number_format, fill, bold)
        if key not in self._cells:
            self._cells[key] = self._new(number_format=number_format, fill=fill, bold=bold)
        return self._cells[key]


def write_workbook(sheets: list[PlacedSheet], path: Path, progress: Progress | None = None) -> Path:
    """Write the sheets to ``path`` (.xlsx) and return it. ``progress`` gets short status lines.

    A workbook with a streamed sheet (a list of more than :data:`~writers.placement.TABLE_ROW_LIMIT`
    rows) is compressed on two cores (:func:`_write_in_two`): the streamed sheets' XML is deflated
    in a thread of its own while the other sheets are written, and the members are assembled into
    one file; its bytes once unzipped are those of the one-core path.
    """
    path = Path(path)
    try:
        generated = _generated_blocks(sheets)
        if generated and _write_generated(sheets, generated, path, progress):
            pass
        elif _two_parts(sheets):
            _write_in_two(sheets, path, progress)
        else:
            _write_whole(sheets, path, progress)
    finally:
        _ARROW_CELLS.clear()
        _FITS.clear()
    return path


def _new_book():
    from rvgsrust_xlsxwriter import Workbook  # binary wheel: imported only when a file is written

    book = Workbook()
    mark_report(book)
    return book


def _write_whole(sheets: list[PlacedSheet], path: Path, progress: Progress | None) -> None:
    """Every sheet into one workbook, compressed by the library on one core."""
    book = _new_book()
    styles = _Styles(book)
    for sheet in sheets:
        if progress:
            progress(f"writing sheet {sheet.spec.name}")
        _write_sheet(book, styles, sheet, progress)
    if progress:
        progress("compressing the workbook")
    interruptible(lambda: book.close(str(path)))  # Ctrl-C is heard while the compiled writer compresses


def _generated_blocks(sheets: list[PlacedSheet]) -> dict[int, PlacedBlock]:
    """The long blocks whose rows past the first :data:`WHOLE_ROWS` are made by
    :mod:`writers.sheet_rows` (on both cores), by sheet position: a sheet's longest block of at
    least :data:`GENERATED_ROWS` rows, of plain Arrow cells (:func:`~writers.sheet_rows.plain_cells`),
    without total rows or a wrapped label past its first rows."""
    found = {}
    for i, sheet in enumerate(sheets):
        block = _main_block(sheet)
        if block.n_rows < GENERATED_ROWS or block.total_rows:
            continue
        fit = _print_fit(sheet)
        table = block.block.table
        if any(row >= WHOLE_ROWS for row, _ in fit.wrapped_labels.get(table, [])):
            continue
        cells = _arrow_cells(block)
        if cells is not None and plain_cells(cells):
            found[i] = block
    return found


def _write_generated(
    sheets: list[PlacedSheet], generated: dict[int, PlacedBlock], path: Path, progress: Progress | None
) -> bool:
    """The workbook with the long blocks' rows made by :mod:`writers.sheet_rows`: rust_xlsxwriter
    writes every sheet, of a long block its first :data:`WHOLE_ROWS` rows and the rows that meet a
    cell format first (so that it numbers the formats, and the rows made here read their style
    from those), then each long block's part is made again with all its rows, deflated on both
    cores. False, and nothing written, where that cannot be done (a style not found, a part past
    ZIP's 4 GiB): the caller writes the workbook otherwise."""
    import tempfile
    import zipfile

    book = _new_book()
    styles = _Styles(book)
    for i, sheet in enumerate(sheets):
        if progress:
            progress(f"writing sheet {sheet.spec.name}")
        _write_sheet(book, styles, sheet, progress, primer_from=WHOLE_ROWS if i in generated else None)
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".segmenter-parts-") as scratch:
        main = Path(scratch) / "main.xlsx"
        interruptible(lambda: book.close(str(main)))
        parts: dict[str, tuple[bytes, GeneratedRows] | bytes] = {}
        tables = {
            _table_name(block): f"A{block.header_row}:{column_letters(block.n_cols)}{block.last_row}"
            for i, block in generated.items()
            if block.block.excel_table and not _streamed(sheets[i])
        }
        # each block's chunks are made and deflated from the moment its rows are known, while the
        # next block's are prepared: in the order the members are written (replace_parts)
        pipeline = ChunkPipeline()
        try:
            with zipfile.ZipFile(main) as made:
                order = {name: k for k, name in enumerate(made.namelist())}
                names = {f"xl/worksheets/sheet{i + 1}.xml": i for i in generated}
                for name in sorted(names, key=order.__getitem__):
                    i = names[name]
                    part = made.read(name)
                    rows = _rows_to_make(styles, sheets[i], generated[i], part)
                    if rows is None:
                        return False
                    parts[name] = (part, rows)
                    pipeline.add(rows)
                for name in made.namelist():
                    if tables and name.startswith("xl/tables/"):
                        widened = widened_table(made.read(name), tables)
                        if widened is not None:
                            parts[name] = widened
            if progress:
                progress("compressing the workbook")
            return replace_parts(main, parts, path, pipeline)
        finally:
            pipeline.close()


def _rows_to_make(styles: _Styles, sheet: PlacedSheet, block: PlacedBlock, part: bytes) -> GeneratedRows | None:
    """The block's rows from :data:`WHOLE_ROWS` on, with each column's style attribute as
    rust_xlsxwriter wrote it for the same format in the block's first rows (but the label cells
    written again with the wrap format), a wrapped note column's cells wrapped and its rows as high
    as their lines; None when a format of those rows is not found there."""
    fit = _print_fit(sheet)
    wrapped = set(fit.wrapped_labels.get(block.block.table, []))
    note = None if _streamed(sheet) else fit.wrapped.get(block.block.table)
    table = _arrow_cells(block)
    varying_col, kinds, varying = _row_overrides(styles, block)
    base = {j: styles.cell(fmt) for j, fmt in enumerate(block.formats) if fmt != "General"}
    top = block.header_row + 1  # sheet row (1-based) of data row 0
    found = style_attributes(part, top, top + block.n_rows - 1)
    attribute: dict[int | None, str] = {}  # id of a format (None: no format) -> its attribute
    for (row, j), attr in found.items():
        i = row - top
        if (i, j) in wrapped or (j == note and i >= WHOLE_ROWS):  # a primer row's note is not wrapped
            continue
        fmt = styles.wrap if j == note else varying[kinds[i]] if j == varying_col else base.get(j)
        key = None if fmt is None else id(fmt)
        if attribute.setdefault(key, attr) != attr:
            return None
    made = table.slice(WHOLE_ROWS)
    column_styles: list[object] = []
    for j, column in enumerate(made.columns):
        valid = column.is_valid().to_numpy(zero_copy_only=False)
        if j == varying_col:
            per_kind = [attribute.get(id(fmt)) for fmt in varying]
            used = np.unique(kinds[WHOLE_ROWS:][valid])
            if any(per_kind[k] is None for k in used.tolist()):
                return None
            column_styles.append(np.array([a or "" for a in per_kind], dtype=object)[kinds[WHOLE_ROWS:]])
            continue
        fmt = styles.wrap if j == note else base.get(j)
        attr = attribute.get(None if fmt is None else id(fmt))
        if attr is None and valid.any():
            return None
        column_styles.append(attr or "")
    heights: object = ""
    if note is not None:  # each row as high as its note's lines, as _wrap_column sets them
        characters = _line_characters(fit.widths[note])
        # each note as its cell holds it (readable_text), its lines counted all at once
        lines = wrapped_line_counts(_readable(block.frame.iloc[WHOLE_ROWS:, note].to_numpy(object)), characters)
        heights = np.array(
            [f' ht="{ROW_POINTS * n}" customHeight="1"' if n > 1 else "" for n in lines.tolist()], dtype=object
        )
    return GeneratedRows(made, top + WHOLE_ROWS, column_styles, heights)


def replace_parts(
    main: Path, parts: dict[str, tuple[bytes, GeneratedRows] | bytes], path: Path, pipeline: ChunkPipeline
) -> bool:
    """Write ``path``: the members of the zip ``main`` copied as they are stored, but for each of
    ``parts`` (name -> its part as written and the rows to make in it, made again by
    :func:`~writers.sheet_rows.deflated_part`; or name -> the member's new XML). False when a size
    needs ZIP64 (``path`` is then left incomplete, for the caller to write again).

    ``pipeline``: the parts' rows already given to a :class:`~writers.sheet_rows.ChunkPipeline`, in
    the order of the members (the caller closes it)."""
    import zipfile

    def made_again(info, made):
        info = copy.copy(info)
        info.compress_type, info.flag_bits = zipfile.ZIP_DEFLATED, info.flag_bits & ~0x08
        pieces = [(deflated(made, True), made)] if isinstance(made, bytes) else None

        def write(out):
            crc = size = packed = 0
            for piece, xml in pieces or deflated_part(*_spliced(*made), pipeline):
                out.write(piece)
                crc, size, packed = DEFLATE.crc32(xml, crc), size + len(xml), packed + len(piece)
            info.CRC, info.file_size, info.compress_size = crc, size, packed
            return info

        return info, write

    with zipfile.ZipFile(main) as made:
        return _write_zip(
            path,
            (
                made_again(info, parts[info.filename]) if info.filename in parts else _copied(made, info)
                for info in made.infolist()
            ),
        )


def _spliced(part: bytes, rows: GeneratedRows) -> tuple[bytes, GeneratedRows, bytes]:
    head, tail = spliced_part(part, rows)
    return head, rows, tail


def widened_table(part: bytes, refs: dict[str, str]) -> bytes | None:
    """A table part (``xl/tables/tableN.xml``) whose table is one of ``refs`` (its display name ->
    the range it covers), with that range in the table and its filter; None for another table.

    >>> widened_table(b'<table id="1" displayName="seg_x" ref="A5:C7"><autoFilter ref="A5:C7"/></table>',
    ...               {"seg_x": "A5:C900"})
    b'<table id="1" displayName="seg_x" ref="A5:C900"><autoFilter ref="A5:C900"/></table>'
    >>> widened_table(b'<table displayName="other" ref="A1:B2"/>', {"seg_x": "A5:C900"}) is None
    True
    """
    found = re.search(rb'<table [^>]*displayName="([^"]+)"', part)
    if found is None or found[1].decode() not in refs:
        return None
    ref = f'ref="{refs[found[1].decode()]}"'.encode()
    for tag in (rb"<table ", rb"<autoFilter "):
        start = part.find(tag)
        if start != -1:
            end = part.index(b">", start)
            part = part[:start] + re.sub(rb'ref="[^"]*"', ref, part[start:end], count=1) + part[end:]
    return part


def _two_parts(sheets: list[PlacedSheet]) -> bool:
    """Whether the workbook is written in two parts: on a machine of two cores or more, when a sheet
    goes apart (:func:`_apart_sheets`)."""
    import os

    return (os.cpu_count() or 1) > 1 and bool(_apart_sheets(sheets))


def _apart_sheets(sheets: list[PlacedSheet]) -> list[int]:
    """Positions of the sheets written and compressed apart from the others: the streamed sheets
    without charts whose longest block goes out as Arrow columns, up to the first streamed sheet
    that is not (a streamed sheet numbers the cell formats as it meets them, so one kept in the main
    workbook before them would number them otherwise there)."""
    apart = []
    for i, sheet in enumerate(sheets):
        if not _streamed(sheet):
            continue
        if sheet.charts or _arrow_cells(_main_block(sheet)) is None:
            break
        apart.append(i)
    return apart


def _write_in_two(sheets: list[PlacedSheet], path: Path, progress: Progress | None) -> None:
    """The streamed sheets go into a workbook of their own (every other sheet blank in it, so that
    each sheet keeps its place and its part name), compressed in a thread while the main workbook
    is written with only the few rows of each streamed sheet that meet a cell format for the first
    time (a streamed sheet numbers its formats as its cells are written, so both workbooks number
    them alike); then the streamed sheets' compressed parts replace the main workbook's.

    The two workbooks' cell formats are compared before the parts are joined; should they differ,
    the workbook is written whole instead (:func:`_write_whole`).
    """
    import tempfile
    import threading

    streamed = _apart_sheets(sheets)
    folder = path.parent
    with tempfile.TemporaryDirectory(dir=folder, prefix=".segmenter-parts-") as scratch:
        lists, main = Path(scratch) / "lists.xlsx", Path(scratch) / "main.xlsx"
        book = _new_book()
        styles = _Styles(book)
        for i, sheet in enumerate(sheets):
            if i in streamed:
                if progress:
                    progress(f"writing sheet {sheet.spec.name}")
                _write_sheet(book, styles, sheet, progress)
            else:
                book.add_worksheet(sheet.spec.name)
        outcome: dict[str, BaseException] = {}

        def close() -> None:
            try:
                book.close(str(lists))
            except BaseException as error:  # handed to the caller below
                outcome["error"] = error

        compressing = threading.Thread(target=close, name="segmenter-lists", daemon=True)
        compressing.start()  # the library releases the GIL while it compresses
        other = _new_book()
        other_styles = _Styles(other)
        for i, sheet in enumerate(sheets):
            if progress and i not in streamed:
                progress(f"writing sheet {sheet.spec.name}")
            _write_sheet(other, other_styles, sheet, progress, primer_from=0 if i in streamed else None)
        if progress:
            progress("compressing the workbook")
        interruptible(lambda: other.close(str(main)))
        interruptible(lambda: compressing.join() or True)
        if "error" in outcome:
            raise outcome["error"]
        parts = [f"xl/worksheets/sheet{i + 1}.xml" for i in streamed]
        if not join_parts(main, lists, parts, path):
            _write_whole(sheets, path, progress)


def join_parts(main: Path, lists: Path, parts: list[str], path: Path) -> bool:
    """Write ``path``: the members of the zip ``main``, with each of ``parts`` taken from ``lists``
    instead, copied compressed (no second deflate). False, and nothing written, when the two
    workbooks' cell formats differ where ``lists`` uses them, when a part of ``lists`` has
    relations of its own (a chart, a table), or when a size needs ZIP64.
    """
    import zipfile

    with zipfile.ZipFile(main) as a, zipfile.ZipFile(lists) as b:
        names = set(b.namelist())
        if any(f"xl/worksheets/_rels/{part.rsplit('/', 1)[1]}.rels" in names for part in parts):
            return False
        if not set(parts) <= names or not set(parts) <= set(a.namelist()):
            return False
        if not _formats_agree(a.read("xl/styles.xml"), b.read("xl/styles.xml")):
            return False
        members = [
            (b if info.filename in parts else a, b.getinfo(info.filename) if info.filename in parts else info)
            for info in a.infolist()
        ]
        if sum(info.compress_size + 30 + len(info.filename) for _, info in members) >= ZIP_LIMIT or any(
            info.file_size >= ZIP_LIMIT for _, info in members
        ):
            return False
        return _write_zip(path, (_copied(book, info) for book, info in members))


ZIP_LIMIT = 0xFFFFFFFF  # a size or an offset this large needs ZIP64, which the writers here do not write


def _write_zip(path: Path, members) -> bool:
    """Write ``path``, a zip of ``members`` in their order: (info, write) pairs, ``write(out)``
    putting the member's bytes as stored and returning its info with their CRC and sizes (a member
    whose info changes has its local header written again). False when a size or an offset needs
    ZIP64 (``path`` is then incomplete, for the caller to write again)."""
    import struct

    with path.open("wb") as out:
        directory = []
        for info, write in members:
            offset = out.tell()
            name = info.filename.encode("utf-8")
            header = _zip_header(info, name)
            out.write(b"PK\x03\x04" + header + name)
            info = write(out)
            if max(info.file_size, info.compress_size, offset) >= ZIP_LIMIT:
                return False
            if _zip_header(info, name) != header:  # sizes and CRC known only once written
                end, header = out.tell(), _zip_header(info, name)
                out.seek(offset)
                out.write(b"PK\x03\x04" + header + name)
                out.seek(end)
            made_by = struct.pack("<H", info.create_system << 8 | info.create_version)
            directory.append(b"PK\x01\x02" + made_by + header + _central_tail(info, offset) + name)
        start = out.tell()
        if start >= ZIP_LIMIT:
            return False
        for entry in directory:
            out.write(entry)
        size = out.tell() - start
        out.write(b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, len(directory), len(directory), size, start, 0))
    return True


def _copied(book, info):
    """A member of the zip ``book`` for :func:`_write_zip`, copied as it is stored."""

    def write(out):
        _copy_compressed(book, info, out)
        return info

    return info, write


def _zip_header(info, name: bytes) -> bytes:
    """The fields a local header shares with its central directory entry (version needed to the
    name and extra lengths), sizes in the header (no data descriptor follows)."""
    import struct

    date, time_ = info.date_time[0:3], info.date_time[3:6]
    dos_date = (date[0] - 1980) << 9 | date[1] << 5 | date[2]
    dos_time = time_[0] << 11 | time_[1] << 5 | time_[2] // 2
    flags = info.flag_bits & ~0x08 | 0x800 * (not name.isascii())
    return struct.pack(
        "<HHHHHIIIHH",
        20,
        flags,
        info.compress_type,
        dos_time,
        dos_date,
        info.CRC,
        info.compress_size,
        info.file_size,
        len(name),
        0,
    )


def _central_tail(info, offset: int) -> bytes:
    """Comment length, disk, attributes and the offset of the local header."""
    import struct

    return struct.pack("<HHHII", 0, 0, 0, info.external_attr, offset)


def _copy_compressed(book, info, out) -> None:
    """Copy a member's compressed bytes as they are stored."""
    import struct

    with open(book.filename, "rb") as source:
        source.seek(info.header_offset)
        local = source.read(30)
        name_length, extra_length = struct.unpack("<HH", local[26:30])
        source.seek(info.header_offset + 30 + name_length + extra_length)
        left = info.compress_size
        while left:
            chunk = source.read(min(left, 1 << 24))
            if not chunk:
                raise OSError(f"{book.filename} ends inside {info.filename}")
            out.write(chunk)
            left -= len(chunk)


def _formats_agree(main: bytes, lists: bytes) -> bool:
    """Whether every cell format of the workbook ``lists`` (its styles.xml) is the same-numbered
    format of ``main``: number format, font, fill, border and alignment compared by content."""
    a, b = _cell_formats(main), _cell_formats(lists)
    return len(b) <= len(a) and a[: len(b)] == b


def _cell_formats(styles: bytes) -> list[tuple]:
    """Each ``cellXfs`` entry of a styles part, its references replaced by what they refer to."""
    from xml.etree import ElementTree

    ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    root = ElementTree.fromstring(styles)

    def listed(tag: str, child: str) -> list[bytes]:
        parent = root.find(f"{ns}{tag}")
        return [] if parent is None else [ElementTree.tostring(e) for e in parent.findall(f"{ns}{child}")]

    codes = {e.get("numFmtId"): e.get("formatCode") for e in root.iter(f"{ns}numFmt")}
    fonts, fills, borders = listed("fonts", "font"), listed("fills", "fill"), listed("borders", "border")
    out = []
    xfs = root.find(f"{ns}cellXfs")
    for xf in [] if xfs is None else xfs.findall(f"{ns}xf"):
        attrs = dict(xf.attrib)
        number = attrs.pop("numFmtId", "0")
        font, fill, border = (int(attrs.pop(k, 0)) for k in ("fontId", "fillId", "borderId"))
        out.append(
            (
                codes.get(number, number),
                fonts[font] if font < len(fonts) else None,
                fills[fill] if fill < len(fills) else None,
                borders[border] if border < len(borders) else None,
                tuple(sorted(attrs.items())),
                tuple(ElementTree.tostring(child) for child in xf),
            )
        )
    return out


def mark_report(book) -> None:
    """Mark the workbook as a segmenter report in its document properties (docProps/core.xml
    keywords), so that a later run may replace it (see :func:`writers.output.is_segmenter_report`)."""
    book.set_properties(keywords=REPORT_MARK)


def _streamed(sheet: PlacedSheet) -> bool:
    return sum(b.n_rows for b in sheet.blocks) > TABLE_ROW_LIMIT


def _write_sheet(
    book, styles: _Styles, sheet: PlacedSheet, progress: Progress | None, primer_from: int | None = None
) -> None:
    """One sheet; ``primer_from``: of the longest block's rows from this one on, only those that
    meet a format first (:func:`_primer_rows`), for a sheet whose full rows are written elsewhere."""
    streamed = _streamed(sheet)
    ws = book.add_worksheet(sheet.spec.name, constant_memory=streamed)
    fit = _print_fit(sheet)
    for j, width in enumerate(fit.widths):
        ws.set_column_width(j, width)
    ws.freeze_panes(sheet.freeze_row - 1, 0)
    # printed or exported to PDF (writers.print_setup): the Overview portrait, the others landscape;
    # fitted to the page width while that stays legible, else across pages with column A on each
    # (Excel's own breaks: it fills each page with the columns as it measures them);
    # run down the pages and repeat a long block's header row (else the sheet's title) on each
    plan = print_plan(fit.widths, fit.last_col, portrait=sheet.spec.one_page)
    ws.set_portrait() if plan.orientation == "portrait" else ws.set_landscape()
    if plan.fit_width:
        ws.set_print_fit_to_pages(1, 0)
    else:
        ws.set_print_scale(plan.scale_percent)
        ws.set_repeat_columns(0, plan.repeat_columns - 1)
        ws.set_page_order(False)  # over, then down: a band of rows reads left to right before the next
    ws.set_print_area(0, 0, fit.last_row, fit.last_col)  # the tables and charts, not text running on past them
    if sheet.print_title_row:
        ws.set_repeat_rows(sheet.print_title_row - 1, sheet.print_title_row - 1)
    elif not plan.fit_width:
        ws.set_repeat_rows(0, 1)
    main = _main_block(sheet)
    for j, number_format in enumerate(main.formats):
        if number_format != "General":
            ws.set_column_format(j, styles.cell(number_format))
    ws.write(0, 0, sheet.title, styles.title)
    ws.write(1, 0, sheet.subtitle, styles.subtitle)
    # a chart goes in before the rows below its top: a streamed sheet cannot go back up to it
    pending = sorted(sheet.charts, key=lambda placed: placed.anchor[0])
    for block in sheet.blocks:
        while pending and pending[0].anchor[0] <= block.title_row:
            _add_chart(ws, pending.pop(0))
        _write_block(ws, styles, block, block is main, streamed, progress, primer_from)
        stop = primer_from if block is main else None  # the rest of the rows are made elsewhere
        if block.block.table in fit.wrapped and not streamed:
            j = fit.wrapped[block.block.table]
            _wrap_column(ws, styles, block, j, fit.widths[j], stop)
    for placed in pending:
        _add_chart(ws, placed)
    if not streamed:
        _wrap_labels(ws, styles, sheet, fit, main if primer_from is not None else None, primer_from)


def _wrap_column(ws, styles: _Styles, block: PlacedBlock, j: int, width: float, stop: int | None = None) -> None:
    """Write a block's long notes again (of its rows before ``stop``), wrapped in their column of
    ``width`` characters, each row as high as its lines (LibreOffice keeps the default height of a
    row that the file does not set)."""
    characters = _line_characters(width)
    for i, text in enumerate(block.frame.iloc[:stop, j].tolist()):
        if isinstance(text, str) and text:
            text = readable_text(text)
            ws.write(block.header_row + i, j, text, styles.wrap)
            lines = wrapped_lines(text, characters)
            if lines > 1:
                ws.set_row_height(block.header_row + i, ROW_POINTS * lines)


def _line_characters(width: float) -> int:
    """Characters of text on one line of a wrapped column ``width`` units wide (at least 10)."""
    return max(int(width * TEXT_CHARACTERS_PER_WIDTH), 10)


def _wrap_labels(
    ws, styles: _Styles, sheet: PlacedSheet, fit: PrintFit, made: PlacedBlock | None = None, stop: int | None = None
) -> None:
    """Write the long labels and headers again, wrapped in their capped columns (see
    :data:`~writers.printing.LABEL_WIDTH`), each row as high as its most lines (a note wrapped by
    :func:`_wrap_column` in the same row counted too; of the block ``made`` elsewhere from row
    ``stop`` on, only the rows before it)."""

    def lines(text: str, j: int) -> int:
        return wrapped_lines(text, _line_characters(fit.widths[j])) or 1

    heights: dict[int, int] = {}
    for block in sheet.blocks:
        table = block.block.table
        cells = [(i, j, block.frame.iat[i, j]) for i, j in fit.wrapped_labels.get(table, [])]
        if table in fit.wrapped:  # the wrapped note shares its row's height
            j = fit.wrapped[table]
            notes = block.frame.iloc[: stop if block is made else None, j].tolist()
            cells += [(i, j, t) for i, t in enumerate(notes) if isinstance(t, str) and t]
        for i, j, text in cells:
            text = readable_text(text)
            if j != fit.wrapped.get(table):
                ws.write(block.header_row + i, j, text, styles.wrap)
            heights[block.header_row + i] = max(heights.get(block.header_row + i, 1), lines(text, j))
        right = set(block.right_aligned)
        for j in fit.wrapped_headers.get(table, []):
            header = readable_text(block.headers[j])
            ws.write(block.header_row - 1, j, header, styles.header_right_wrap if j in right else styles.header_wrap)
            heights[block.header_row - 1] = max(heights.get(block.header_row - 1, 1), lines(header, j))
    for row, n in heights.items():
        if n > 1:
            ws.set_row_height(row, ROW_POINTS * n)


def _main_block(sheet: PlacedSheet) -> PlacedBlock:
    """The sheet's longest block. Its number formats become the column formats (the `<cols>` of the
    sheet), and its cells go out column-wise (:func:`_write_main_rows`); every other cell is
    written with its format."""
    return max(sheet.blocks, key=lambda b: b.n_rows)


def _write_block(
    ws,
    styles: _Styles,
    block: PlacedBlock,
    main: bool,
    streamed: bool,
    progress: Progress | None,
    primer_from: int | None = None,
) -> None:
    top = block.header_row - 1  # 0-based row of the header cells
    ws.write(block.title_row - 1, 0, block.block.title, styles.block)
    right = set(block.right_aligned)
    for j, header in enumerate(block.headers):
        ws.write(top, j, header, styles.header_right if j in right else styles.header)
    if main:
        _write_main_rows(ws, styles, block, None if primer_from is not None else progress, primer_from)
    else:
        _write_rows(ws, styles, block)
    if block.n_rows and not streamed:  # a streamed sheet cannot go back up to its rows (no colours on a huge list)
        _meaning_colours(ws, styles, block)
    if not block.n_rows or not block.block.excel_table:
        return
    last = block.last_row - 1
    if streamed:
        ws.autofilter(top, 0, last, block.n_cols - 1)
        return
    if main and primer_from is not None:
        # rust_xlsxwriter's add_table marks every cell of its range (0.5 s for 150,000 rows of ten
        # columns): the table covers the rows written here, and its part is widened to the block's
        # rows when they are made (:func:`widened_table`)
        last = min(last, top + primer_from)
    from rvgsrust_xlsxwriter import Table, TableColumn

    table = (
        Table()
        .set_name(_table_name(block))
        .set_style(TABLE_STYLE)
        .set_columns([TableColumn().set_header(h).set_header_format(styles.header) for h in block.headers])
    )
    ws.add_table(top, 0, last, block.n_cols - 1, table)


def _meaning_colours(ws, styles: _Styles, block: PlacedBlock) -> None:
    """Data bars on the block's revenue column, a colour scale on a cohort triangle, red text on a
    negative margin (conditional formats)."""
    from rvgsrust_xlsxwriter import ConditionalFormatCell, ConditionalFormatDataBar

    first, last = block.header_row, block.last_row - 1  # 0-based data rows
    if block.data_bar_col is not None:
        bars = ConditionalFormatDataBar()
        bars.set_fill_color(DATA_BAR_COLOUR)
        bars.set_solid_fill(True)
        ws.add_conditional_format(first, block.data_bar_col, last, block.data_bar_col, bars)
    scale = colour_scale_columns(block)
    if scale is not None:  # the cohort triangles (writers.colour_scale)
        from rvgsrust_xlsxwriter import ConditionalFormat3ColorScale

        colours = ConditionalFormat3ColorScale()
        colours.set_minimum_color(SCALE_COLOURS[0])
        colours.set_midpoint_color(SCALE_COLOURS[1])
        colours.set_maximum_color(SCALE_COLOURS[2])
        ws.add_conditional_format(first, scale[0], last, scale[1], colours)
    for j in block.negative_cols:
        red = ConditionalFormatCell()
        red.set_rule_less_than(0)
        red.set_format(styles.negative)
        ws.add_conditional_format(first, j, last, j, red)


def _row_overrides(styles: _Styles, block: PlacedBlock) -> tuple[int | None, np.ndarray | None, list | None]:
    """The one column whose format changes from row to row (tier colour or unit): its position,
    each row's format as an index, and the formats those index."""
    if block.tier_col is not None and block.tier_runs:
        colours = np.full(block.n_rows, len(TIER_COLOURS))
        # each run's rows given its colour, all runs at once (a tier that changes every row makes
        # 100,000s of runs): the rows in run order, so a later run's colour stands, as one by one
        runs = np.array(block.tier_runs, dtype=np.int64).reshape(-1, 3)
        lengths = runs[:, 1] - runs[:, 0] + 1
        offsets = np.arange(int(lengths.sum())) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        colours[np.repeat(runs[:, 0], lengths) + offsets] = np.repeat(runs[:, 2] % len(TIER_COLOURS), lengths)
        number_format = block.formats[block.tier_col]
        return (
            block.tier_col,
            colours,
            [styles.cell(number_format, c) for c in TIER_COLOURS] + [styles.cell(number_format)],
        )
    if block.unit_col is not None and block.row_formats:
        kinds, formats = pd.factorize(pd.Series(block.row_formats, dtype=object))
        return block.unit_col, kinds, [styles.cell(fmt) for fmt in formats]
    return None, None, None


def _write_main_rows(
    ws, styles: _Styles, block: PlacedBlock, progress: Progress | None, primer_from: int | None = None
) -> None:
    """The longest block of a sheet, in as few calls as its cells allow.

    Its columns go out as Arrow arrays (:func:`~writers.cells.frame_arrow`), a run of rows per
    call, each run sharing one format of the varying column (tier colour or unit); total rows are
    written cell by cell, bold. A block with a column of mixed cells (numbers and text) goes out
    one call per row instead (:func:`_write_row_by_row`). ``primer_from``: of the rows from this
    one on, only those that meet a format first (:func:`_primer_rows`).
    """
    table = _arrow_cells(block)
    if table is None:
        _write_row_by_row(ws, styles, block, progress)
        return
    varying_col, kinds, varying = _row_overrides(styles, block)
    base = {str(j): styles.cell(fmt) for j, fmt in enumerate(block.formats) if fmt != "General"}
    primer = primer_from is not None
    # per column, which cells are filled (a bool a row: an eighth of the memory of their positions)
    filled = [column.is_valid().to_numpy(zero_copy_only=False) for column in table.columns] if primer else []
    seen: set[int] = set()  # the formats met so far (primer)
    # the formats that a filled cell of the rows from primer_from on has: once all are met, the runs
    # left write nothing (a tier colour that changes every row makes 100,000s of runs)
    needed = _formats_met(base, varying_col, kinds, varying, filled, primer_from) if primer else set()
    first, n_rows = block.header_row, block.n_rows  # 0-based row of the first data row
    for start, stop in _runs(block, kinds, primer_from):
        if stop - start == 1 and start in block.total_rows:
            _write_total_row(ws, styles, block, start, frame_rows(block.frame.iloc[start:stop])[0])
            continue
        if primer and start >= primer_from and needed <= seen:
            continue
        formats = base if varying_col is None else {**base, str(varying_col): varying[kinds[start]]}
        if primer and start >= primer_from:
            # only formats not met yet can be numbered, and only where their column has a cell: a run
            # without such a cell is skipped (a tier colour that changes every row makes a run a row)
            new = [j for j, fmt in formats.items() if id(fmt) not in seen and _fills(filled[int(j)], start, stop)]
            if new:
                for i in _primer_rows([filled[int(j)] for j in new], start, stop):
                    ws.write_dataframe(first + i, 0, table.slice(i, 1), write_header=False, column_formats=formats)
                seen.update(id(formats[j]) for j in new)
            continue
        ws.write_dataframe(
            first + start, 0, table.slice(start, stop - start), write_header=False, column_formats=formats
        )
        if primer:  # (a format met already is not looked for again)
            seen.update(
                id(fmt) for j, fmt in formats.items() if id(fmt) not in seen and _fills(filled[int(j)], start, stop)
            )
        if progress:
            progress(f"writing {block.block.table}", stop, n_rows)


def _formats_met(
    base: dict[str, Any],
    varying_col: int | None,
    kinds: np.ndarray | None,
    varying: list | None,
    filled: list[np.ndarray],
    start: int,
) -> set[int]:
    """The formats (by id) of the filled cells of rows ``start`` on: ``base`` by column (its own key,
    the column's position as text), but for ``varying_col``, whose rows have ``varying[kinds[i]]``.

    >>> a, b, c = object(), object(), object()
    >>> filled = [np.array([True, True, False]), np.array([True, False, True])]
    >>> found = _formats_met({"0": a, "1": b}, 1, np.array([0, 0, 1]), [b, c], filled, 1)
    >>> found == {id(a), id(c)}
    True
    """
    found = {id(fmt) for j, fmt in base.items() if int(j) != varying_col and filled[int(j)][start:].any()}
    if varying_col is not None:
        present = np.unique(kinds[start:][filled[varying_col][start:]])
        found.update(id(varying[k]) for k in present.tolist())
    return found


def _primer_rows(filled: list[np.ndarray], start: int, stop: int) -> list[int]:
    """The rows of a run ``start:stop`` where a cell format may be met for the first time: the run's
    first row and each column's first filled cell in it (an empty cell is not written), in order.
    ``filled``: per column, which of its cells are filled (bool).

    >>> at = lambda *rows: np.isin(np.arange(10), rows)
    >>> _primer_rows([at(3, 4), at(0, 9)], 2, 8)
    [2, 3]
    """
    rows = {start}
    for mask in filled:
        k = int(np.argmax(mask[start:stop])) if stop > start else 0
        if stop > start and mask[start + k]:
            rows.add(start + k)
    return sorted(rows)


def _fills(filled: np.ndarray, start: int, stop: int) -> bool:
    """Whether a column whose filled cells are ``filled`` (bool) has one in rows ``start:stop``.

    >>> _fills(np.array([False, True, False]), 2, 3), _fills(np.array([False, True, False]), 0, 2)
    (False, True)
    """
    return bool(filled[start:stop].any())


def _runs(block: PlacedBlock, kinds: np.ndarray | None, cut: int | None = None) -> list[tuple[int, int]]:
    """(start, stop) of the runs of rows written in one call: a total row alone, and no run longer
    than :data:`PROGRESS_ROWS` or crossing a change of the varying column's format, or ``cut``."""
    cuts = {0, block.n_rows, *range(0, block.n_rows, PROGRESS_ROWS)}
    if cut is not None:
        cuts.add(min(cut, block.n_rows))
    cuts.update(block.total_rows)
    cuts.update(i + 1 for i in block.total_rows)
    if kinds is not None:
        cuts.update(np.flatnonzero(kinds[1:] != kinds[:-1]) + 1)
    edges = sorted(int(c) for c in cuts)
    return list(zip(edges[:-1], edges[1:]))


_FITS: dict[int, tuple[PlacedSheet, PrintFit]] = {}  # sheet id -> (sheet, fit), while one workbook is written
_ARROW_CELLS: dict[int, tuple[PlacedBlock, Any]] = {}  # block id -> (block, cells), while one workbook is written


def _made_once(cache: dict, thing: Any, make):
    """``make(thing)``, made once per object while one workbook is written (keyed by identity: the
    placed sheets and blocks are not hashable; the object is held beside its id so a reused id misses)."""
    held = cache.get(id(thing))
    if held is not None and held[0] is thing:
        return held[1]
    made = make(thing)
    cache[id(thing)] = (thing, made)
    return made


def _print_fit(sheet: PlacedSheet) -> PrintFit:
    """:func:`~writers.printing.print_fit` of a sheet, made once while one workbook is written (a
    sheet written in two parts is laid out in both)."""
    return _made_once(_FITS, sheet, print_fit)


def _arrow_cells(block: PlacedBlock):
    """:func:`_block_arrow` of a block, made once while one workbook is written."""
    return _made_once(_ARROW_CELLS, block, _block_arrow)


def _block_arrow(block: PlacedBlock):
    """The block's cells as Arrow columns for ``write_dataframe``, dates as Excel serial numbers; None
    when a column mixes kinds of cell, or holds a date before 1900-03-01 (where Excel's serials skip
    its fictitious 1900-02-29).

    The dates go as numbers because ``write_dataframe`` gives a date column its own format
    (``yyyy-mm-dd hh:mm:ss``) over the column's; a number with the date format is what Excel
    stores for a date anyway.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    table = frame_arrow(block.frame)
    if table is None:
        return None
    for j, column in enumerate(table.columns):
        if not pa.types.is_timestamp(column.type):
            continue
        nanos = pc.cast(column, pa.int64()).to_numpy(zero_copy_only=False)
        present = ~column.is_null().to_numpy(zero_copy_only=False)
        if (nanos[present] < _FIRST_SERIAL_NS).any():
            return None
        serial = (nanos - _EXCEL_EPOCH_NS) / _NS_PER_DAY
        table = table.set_column(j, str(j), pa.array(serial, pa.float64(), mask=~present))
    return table


def _write_total_row(ws, styles: _Styles, block: PlacedBlock, i: int, values: list) -> None:
    """Row ``i`` of the block, every cell bold in its column's number format."""
    for j, value in enumerate(values):
        if value is not None:
            ws.write(block.header_row + i, j, value, styles.cell(block.formats[j], bold=True))


def _write_row_by_row(ws, styles: _Styles, block: PlacedBlock, progress: Progress | None) -> None:
    """One call per row (the column formats apply), then the cells that need their own format: the
    tier or unit cell, and dates (a datetime written without a format would show its time too)."""
    varying_col, kinds, varying = _row_overrides(styles, block)
    dates = [(j, styles.cell(fmt)) for j, fmt in enumerate(block.formats) if fmt == FORMATS["date"]]
    write_row, write = ws.write_row, ws.write
    first = block.header_row  # 0-based row of the first data row
    n_rows = block.n_rows
    totals = set(block.total_rows)
    for i, values in enumerate(block.rows):
        if i in totals:
            _write_total_row(ws, styles, block, i, values)
            continue
        row = first + i
        write_row(row, 0, values)
        if varying_col is not None and values[varying_col] is not None:
            write(row, varying_col, values[varying_col], varying[kinds[i]])
        for j, date_format in dates:
            if values[j] is not None:
                write(row, j, values[j], date_format)
        if progress and i and i % PROGRESS_ROWS == 0:
            progress(f"writing {block.block.table}", i, n_rows)
    if progress:
        progress(f"writing {block.block.table}", n_rows, n_rows)


def _write_rows(ws, styles: _Styles, block: PlacedBlock) -> None:
    """A short block, cell by cell, each with its format."""
    formats = [styles.cell(fmt) for fmt in block.formats]
    varying_col, kinds, varying = _row_overrides(styles, block)
    totals = set(block.total_rows)
    for i, values in enumerate(block.rows):
        row = block.header_row + i
        if varying_col is not None:
            formats[varying_col] = varying[kinds[i]]
        row_formats = formats
        if i in totals:
            row_formats = [styles.cell(fmt, bold=True) for fmt in block.formats]
            if varying_col is not None and block.row_formats:
                row_formats[varying_col] = styles.cell(block.row_formats[i], bold=True)
        for j, value in enumerate(values):
            if value is not None:
                ws.write(row, j, value, row_formats[j])


def _table_name(block: PlacedBlock) -> str:
    return "seg_" + block.block.table


def _reference(placed: PlacedChart, column: int, *, header: bool = False) -> str:
    return "=" + placed.reference(column, header=header)


def _series(placed: PlacedChart, ref):
    """One series: its name from the header cell, x (or categories) and values from the chart's rows."""
    from rvgsrust_xlsxwriter import ChartSeries

    series = ChartSeries()
    series.set_name("=" + placed.reference(ref.column, header=True).split(":")[0])
    series.set_categories(_reference(placed, placed.x_column))
    series.set_values(_reference(placed, ref.column))
    return series


def _fill(colour: str | None):
    from rvgsrust_xlsxwriter import ChartFormat

    fmt = ChartFormat()  # the binding's setters return None: no chaining
    if colour:
        fmt.set_fill_color(colour)
        fmt.set_border_color(colour)
    return fmt


def _scatter_chart(placed: PlacedChart):
    """Shares from 0 to 1 on both axes, in %, straight lines without markers (the Pareto curve)."""
    from rvgsrust_xlsxwriter import Chart

    chart = Chart("scatter_straight")
    for ref in placed.series:
        chart.push_series(_series(placed, ref))
    for axis in ("x", "y"):
        getattr(chart, f"set_{axis}_axis_num_format")("0%")
        getattr(chart, f"set_{axis}_axis_min")(0)
        getattr(chart, f"set_{axis}_axis_max")(1)
    chart.set_legend_hidden()
    return chart


def _xy_chart(placed: PlacedChart):
    """Numbers against numbers, each series drawn as its style says: points, a line, or one large marker."""
    from rvgsrust_xlsxwriter import Chart, ChartFormat, ChartMarker

    chart = Chart("scatter_straight_with_markers")
    for ref in placed.series:
        series = _series(placed, ref)
        marker, line = ChartMarker(), ChartFormat()
        if ref.style == "line":
            line.set_line_width(1.5)
            if ref.colour:
                line.set_line_color(ref.colour)
            marker.set_none()
        else:
            big = ref.style == "marker"
            line.set_no_line()
            marker.set_type("diamond" if big else "circle")
            marker.set_size(10 if big else 4)
            marker.set_format(_fill(ref.colour))
        series.set_format(line)
        series.set_marker(marker)
        chart.push_series(series)
    if placed.spec.log_x:
        chart.set_x_axis_log_base(10)
    if placed.spec.x_format == "pct":  # shares of accounts: the whole axis, 0 to 100 %
        chart.set_x_axis_min(0)
        chart.set_x_axis_max(1)
    return chart


def _bar_chart(placed: PlacedChart, chart_type: str = "column"):
    """Columns or bars over categories, clustered or stacked; a "hidden" series is not drawn."""
    from rvgsrust_xlsxwriter import Chart, ChartFormat

    chart = Chart(chart_type)
    for ref in placed.series:
        series = _series(placed, ref)
        if ref.style == "hidden":
            hidden = ChartFormat()
            hidden.set_no_fill()
            hidden.set_no_border()
            series.set_format(hidden)
        elif ref.colour:
            series.set_format(_fill(ref.colour))
        chart.push_series(series)
    if chart_type == "bar":
        # in a bar chart the library's y axis is the (vertical) category axis and x the value axis:
        # the first category on top, as in the table, with the values' axis kept at the bottom
        chart.set_y_axis_reverse()
        chart.set_y_axis_crossing("max")
        chart.set_y_axis_label_position("low")
        return chart
    chart.set_x_axis_label_position("low")  # category names below the plot, not on top of negative bars
    if chart_type == "column_stacked":
        chart.set_y_axis_min(0)  # a waterfall read from zero: no exaggerated steps
    return chart


def _line_chart(placed: PlacedChart):
    """One line per y column over the x categories (periods), amounts on the y axis, legend on the right."""
    from rvgsrust_xlsxwriter import Chart

    chart = Chart("line")
    for ref in placed.series:
        chart.push_series(_series(placed, ref))
    chart.set_y_axis_num_format(FORMATS["money"])
    return chart


#: ChartSpec.kind -> the function that builds that kind of chart from the placed chart.
CHART_KINDS = {
    "scatter": _scatter_chart,
    "xy": _xy_chart,
    "line": _line_chart,
    "columns": _bar_chart,
    "bars": lambda placed: _bar_chart(placed, "bar"),
    "stacked": lambda placed: _bar_chart(placed, "column_stacked"),
}


def _add_chart(ws, placed: PlacedChart) -> None:
    from rvgsrust_xlsxwriter import ChartFont

    spec = placed.spec
    chart = CHART_KINDS[spec.kind](placed)
    chart.set_title_name(placed.title)
    font = ChartFont()
    font.set_size(CHART_TITLE_POINTS)
    font.set_bold()
    chart.set_title_font(font)
    # the spec's x is the category axis and y the values; a bar chart lays them out the other way
    category, values = ("y", "x") if spec.kind == "bars" else ("x", "y")
    if spec.x_title:
        getattr(chart, f"set_{category}_axis_name")(spec.x_title)
    getattr(chart, f"set_{values}_axis_name")(spec.y_title)
    if spec.x_format and spec.kind in ("xy",):
        chart.set_x_axis_num_format(FORMATS[spec.x_format])
    if spec.y_format:
        getattr(chart, f"set_{values}_axis_num_format")(FORMATS[spec.y_format])
    if spec.legend:
        chart.set_legend_position("right")
    else:
        chart.set_legend_hidden()
    chart.set_width(round(placed.width_cm * PIXELS_PER_CM))
    chart.set_height(round(placed.height_cm * PIXELS_PER_CM))
    ws.insert_chart(placed.anchor[0] - 1, placed.anchor[1] - 1, chart)
