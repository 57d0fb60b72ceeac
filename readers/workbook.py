"""Excel workbooks (.xlsx, .xlsm): the cells of one sheet as rows of values.

Read with python-calamine (Rust; what pandas' ``engine="calamine"`` uses): a 1,048,576-row
sheet in seconds where openpyxl's read-only mode takes minutes (``bench/bench_read.py``).
The values are the ones Excel last calculated (a formula gives its cached result), dates come
as ``datetime.date``/``datetime.datetime`` in the workbook's 1900 or 1904 date system, blank
cells as calamine gives them, the empty string (the cell parser reads it as blank, as it reads
None; converting a million rows would cost seconds for nothing).

The usual sheet, a header row in row 1 over columns that each hold one kind of cell (numbers, text,
dates), is read column by column through fastexcel (calamine too, with Arrow output), with no Python
object made per cell until the rows are assembled (:func:`typed_rows`): a 1,048,576-row sheet in a
few seconds. Any other sheet (title rows above the header, a column mixing numbers and text, error
cells, a blank or repeated header) is read cell by cell as before; either way the cells mean what
the cell parser of core/ decides, as the reader only hands their values on.

One thing calamine does not serve: it reads an error value (``#N/A``, ``#DIV/0!``) as an empty
string, which would make a broken cell look blank. :func:`error_cells` finds those cells in the
sheet's XML (a byte search that costs nothing when there are none) and puts the error text back,
as openpyxl and xlwings give it, for the cell parser to report.
"""

from __future__ import annotations

import logging
import re
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any
from xml.etree import ElementTree

from core.errors import SegmenterInputError
from core.grid import no_cyclic_gc

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
# What every .xlsx/.xlsm starts with (a zip archive) and what an encrypted one or an .xls is (OLE2).
ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_ERROR_MARKS = (b't="e"', b"t='e'")
_ERROR_VALUE = re.compile(rb'<c\b(?P<attrs>[^>]*?\bt=["\']e["\'][^>]*)>(?:(?!</c>).)*?<v>(?P<value>[^<]*)</v>', re.S)
_CELL_REF = re.compile(rb'\br=["\'](?P<col>[A-Z]{1,3})(?P<row>\d+)["\']')
_CHUNK = 1 << 22


def read_workbook(path: Path, sheet: str | None = None) -> list[list[Any]]:
    """The cells of ``sheet`` (default: the first worksheet) as rows of values.

    Row 1 of the list is sheet row 1 and column 1 is column A (leading blank rows and columns
    are kept, so positions match the sheet). Blank cells are ''.

    Raises
    ------
    SegmenterInputError
        The file is password-protected, an .xls renamed, damaged, or has no such sheet.
    """
    check_workbook_bytes(path)
    check_workbook_size(path, sheet)
    from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum

    try:
        with CalamineWorkbook.from_path(str(path)) as book:
            names = [m.name for m in book.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]
            if sheet is not None and sheet not in names:
                raise SegmenterInputError(f"no sheet named {sheet!r} in {path.name}; it has {', '.join(names)}")
            if not names:
                raise SegmenterInputError(
                    f"{path.name} has no worksheet (only charts or macros): copy the list onto a worksheet"
                )
            name = sheet if sheet is not None else names[0]
            try:
                errors = error_cells(path, name)
                rows = None if errors else typed_rows(path, name)
            except (zipfile.BadZipFile, KeyError, ElementTree.ParseError) as error:
                raise SegmenterInputError(
                    f"{path.name} is damaged ({error}): open it in Excel and save it again as .xlsx"
                ) from None
            if rows is not None:
                return rows
            rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except CalamineError as error:
        raise SegmenterInputError(
            f"{path.name} is damaged or not an Excel workbook ({error}): open it in Excel and save it again as .xlsx"
        ) from None
    for (row, col), text in errors.items():
        while len(rows) <= row:
            rows.append([""] * len(rows[0]) if rows else [])
        if len(rows[row]) <= col:
            rows[row].extend([""] * (col + 1 - len(rows[row])))
        rows[row][col] = text
    return rows


# fastexcel's dtypes whose cells are handed on as the cell-by-cell path gives them
_TYPED_COLUMNS = ("string", "float", "int", "boolean", "datetime", "date", "null")
_FIRST_CELL = re.compile(rb'<c\b[^>]*?\br=["\'](?P<ref>[A-Z]+\d+)["\'][^>]*?(?<!/)>(?:(?!</c>).)*?<(?:v|is)\b', re.S)
_NUMBER_TEXT = re.compile(r"\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\s*")


def typed_rows(path: Path, sheet: str) -> list[list[Any]] | None:
    """The cells of ``sheet`` read column by column (fastexcel), or None when the sheet is not the
    usual shape, so that the caller reads it cell by cell.

    The usual shape: the first cell holding a value is A1, and row 1 is a header of distinct text
    cells (fastexcel names a column after its header cell, and renames a repeated or blank one), over
    columns each of one kind of cell: numbers, text, logical values or dates, and blanks. fastexcel
    reports every cell that does not fit its column's kind (``to_arrow_with_errors``); one such cell
    sends the sheet down the cell-by-cell path. The rows are what that path gives: numbers as float,
    dates at midnight as ``datetime.date`` (as calamine gives a date-formatted cell), blank cells ''.
    """
    if not _starts_at_a1(path, sheet):
        return None
    import fastexcel

    logging.getLogger("fastexcel").setLevel(logging.ERROR)  # "falling back to string" for a blank column
    try:
        loaded = fastexcel.read_excel(str(path)).load_sheet(
            sheet, header_row=0, schema_sample_rows=None, dtype_coercion="strict"
        )
        table, misfits = loaded.to_arrow_with_errors()
    except fastexcel.FastExcelError:
        return None
    columns = loaded.available_columns()
    names = [column.name for column in columns]
    if (
        (misfits is not None and misfits.errors)
        or not _plain_header(columns)
        or any(column.dtype not in _TYPED_COLUMNS for column in columns)
    ):
        return None
    if any(_time_only(table.column(j)) for j in range(table.num_columns)):
        return None
    cells = [_column_values(table.column(j)) for j in range(table.num_columns)]
    with no_cyclic_gc():
        return [names] + [list(row) for row in zip(*cells)]


def _plain_header(columns: list) -> bool:
    """Whether every column is named by its own header cell, as typed: text, not a number, not
    renamed by fastexcel for being repeated (``Revenue_1``)."""
    names = [column.name for column in columns]
    if any(column.column_name_from != "looked_up" for column in columns) or len(set(names)) < len(names):
        return False
    renamed = [name.rpartition("_")[0] for name in names if re.fullmatch(r".+_\d+", name)]
    return not any(base in names for base in renamed) and not any(_NUMBER_TEXT.fullmatch(name) for name in names)


def _time_only(column) -> bool:
    """Whether a date column holds a time without a date (calamine gives a ``datetime.time``,
    fastexcel a datetime on the epoch's day) or a day before 1900-03-01 (where Excel's serials
    skip its fictitious 1900-02-29): such a sheet is read cell by cell."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    if not pa.types.is_timestamp(column.type):
        return False
    days = pc.cast(column.drop_null(), pa.timestamp("us")).to_numpy(zero_copy_only=False).astype("datetime64[D]")
    return bool(((days < np.datetime64("1900-03-01")) | (days == np.datetime64("1904-01-01"))).any())


def _column_values(column) -> list[Any]:
    """One Arrow column as the cell-by-cell path's values: '' for blank, floats for numbers,
    dates at midnight as dates."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    blank = column.is_null().to_numpy(zero_copy_only=False)
    if pa.types.is_integer(column.type):
        column = pc.cast(column, pa.float64())
    if pa.types.is_timestamp(column.type):  # numpy makes the datetime and date objects, at C speed
        stamps = pc.cast(column, pa.timestamp("us")).to_numpy(zero_copy_only=False)
        values = stamps.astype(object)
        days = stamps.astype("datetime64[D]")
        midnight = ~blank & (stamps == days)
        values[midnight] = days[midnight].astype(object)
    elif pa.types.is_null(column.type):
        values = np.full(len(column), "", dtype=object)
    else:
        values = column.to_numpy(zero_copy_only=False).astype(object)
    values[blank] = ""
    return values.tolist()


def _starts_at_a1(path: Path, sheet: str) -> bool:
    """Whether the first cell of the sheet's XML that holds a value is A1 (then the sheet's cells
    start in row 1, column A, and the typed read keeps their positions)."""
    with zipfile.ZipFile(path) as archive:
        member = _sheet_member(archive, sheet)
        if member is None:
            return False
        with archive.open(member) as stream:
            head = stream.read(_CHUNK)
    data = head.partition(b"<sheetData")[2]
    first = _FIRST_CELL.search(data)
    return first is not None and first["ref"] == b"A1"


def check_workbook_bytes(path: Path) -> None:
    """Refuse, with what to do, a file named .xlsx/.xlsm that is not an Office Open XML zip.

    An encrypted (password-protected) workbook and an Excel 97-2003 file are both OLE2 compound
    files; the encrypted one holds an ``EncryptionInfo`` stream.
    """
    with path.open("rb") as handle:
        head = handle.read(8)
        if head.startswith(ZIP_MAGIC):
            return
        if head == OLE2_MAGIC:
            handle.seek(0)
            if "EncryptionInfo".encode("utf-16-le") in handle.read(1 << 20):
                raise SegmenterInputError(
                    f"{path.name} is password-protected: open it in Excel, remove the password "
                    "(File > Info > Protect Workbook > Encrypt with Password) and save it, then run again"
                )
            raise SegmenterInputError(
                f"{path.name} is an Excel 97-2003 workbook with an .xlsx name: "
                "open it in Excel and save it as .xlsx (File > Save As), then run again"
            )
    raise SegmenterInputError(
        f"{path.name} is damaged or not an Excel workbook (it is not a zip archive): "
        "open it in Excel and save it again as .xlsx"
    )


def check_workbook_size(path: Path, sheet: str | None) -> None:
    """Refuse a zip bomb or a sheet too large before the reader allocates (:mod:`readers.limits`):
    every part's declared size, then the parts the reader parses inflated and counted, the sheet
    to read (``sheet``, default the first worksheet) with its extent."""
    from readers.limits import check_archive

    try:
        check_archive(path, ["xl/workbook.xml", "xl/_rels/workbook.xml.rels"])
        with zipfile.ZipFile(path) as archive:
            member = _sheet_member(archive, sheet) if sheet is not None else _first_worksheet(archive)
            strings = [name for name in archive.namelist() if name.lower().endswith("sharedstrings.xml")]
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, OSError, EOFError) as error:
        raise SegmenterInputError(
            f"{path.name} is damaged or not an Excel workbook ({error}): open it in Excel and save it again as .xlsx"
        ) from None
    check_archive(path, ([member] if member else []) + strings + ["xl/styles.xml"])


def _first_worksheet(archive: zipfile.ZipFile) -> str | None:
    """The zip member of the workbook's first worksheet (as calamine lists them), or None."""
    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    for sheet in book.iter(f"{_MAIN_NS}sheet"):
        member = _sheet_member(archive, sheet.get("name"))
        if member is not None and "worksheets/" in member:
            return member
    return None


def error_cells(path: Path, sheet: str) -> dict[tuple[int, int], str]:
    """{(row, column) 0-based: error text} of the cells of ``sheet`` that hold an Excel error value.

    Empty (and no XML parsed) when the sheet has none, the usual case.
    """
    with zipfile.ZipFile(path) as archive:
        member = _sheet_member(archive, sheet)
        if member is None or not _has_error_cell(archive, member):
            return {}
        xml = archive.read(member)
    found = {}
    for match in _ERROR_VALUE.finditer(xml):
        ref = _CELL_REF.search(match["attrs"])
        if ref is None:  # a cell without its own address: its place is only known by parsing the sheet
            return _error_cells_by_openpyxl(path, sheet)
        found[(int(ref["row"]) - 1, _column_index(ref["col"].decode()))] = match["value"].decode()
    return found


def _has_error_cell(archive: zipfile.ZipFile, member: str) -> bool:
    """Whether the sheet's XML holds ``t="e"`` anywhere, read in chunks (no whole copy in memory)."""
    tail = b""
    with archive.open(member) as stream:
        while chunk := stream.read(_CHUNK):
            window = tail + chunk
            if any(mark in window for mark in _ERROR_MARKS):
                return True
            tail = chunk[-8:]
    return False


def _sheet_member(archive: zipfile.ZipFile, sheet: str) -> str | None:
    """The zip member holding ``sheet``'s XML, from xl/workbook.xml and its relationships."""
    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rel_id = next((s.get(f"{_REL_NS}id") for s in book.iter(f"{_MAIN_NS}sheet") if s.get("name") == sheet), None)
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    target = next((r.get("Target") for r in rels.iter(f"{_PKG_REL_NS}Relationship") if r.get("Id") == rel_id), None)
    if target is None:
        return None
    member = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
    return member if member in archive.namelist() else None


def _error_cells_by_openpyxl(path: Path, sheet: str) -> dict[tuple[int, int], str]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        return {
            (cell.row - 1, cell.column - 1): cell.value
            for row in book[sheet].iter_rows()
            for cell in row
            if getattr(cell, "data_type", None) == "e"
        }
    finally:
        book.close()


def _column_index(letters: str) -> int:
    """0-based index of a column's letters.

    >>> _column_index("A"), _column_index("AA"), _column_index("XFD")
    (0, 26, 16383)
    """
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - ord("A") + 1
    return index - 1
