"""Which reader reads a file, chosen by its suffix; files that cannot be read, refused in one line.

Every refusal is a :class:`SegmenterInputError` naming the file and what to do about it
(the CLI prints it and exits 2): a missing file, a folder, a file that cannot be opened
(locked by another program, or not yours to read), an empty file, a text file over
:data:`~readers.limits.MAX_TEXT_BYTES` (before reading it), a workbook format segmenter
does not read (.xls, .xlsb, .ods, .numbers), an unknown suffix.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from core.errors import SegmenterInputError
from core.grid import CellBlock
from readers.delimited import read_delimited
from readers.limits import MAX_TEXT_BYTES, NARROW, check_regular_file, kept_columns
from readers.text_layout import TEXT_SUFFIXES, read_text
from readers.workbook import WORKBOOK_SUFFIXES, read_workbook

DELIMITED_SUFFIXES = (".csv",)
SAVE_AS_XLSX = "open it and save it as an Excel workbook (.xlsx), then run again"
#: Spreadsheet formats refused with what to do instead.
OTHER_FORMATS = {
    ".xls": f"an Excel 97-2003 workbook: {SAVE_AS_XLSX} (File > Save As > Excel Workbook)",
    ".xlsb": f"an Excel binary workbook: {SAVE_AS_XLSX} (File > Save As > Excel Workbook)",
    ".ods": f"an OpenDocument spreadsheet: {SAVE_AS_XLSX} (LibreOffice: File > Save As > Excel 2007-365)",
    ".numbers": "a Numbers file: in Numbers choose File > Export To > Excel, then run on the .xlsx",
}
READ_SUFFIXES = DELIMITED_SUFFIXES + TEXT_SUFFIXES + WORKBOOK_SUFFIXES


def read_cells(path: Path, sheet: str | None = None) -> list[list[Any]]:
    """The cells of a .csv, .txt, .tsv, .dat, .xlsx or .xlsm file as rows of values
    (row 1 of the list = sheet row 1; ``sheet`` names a workbook's sheet, default the first)."""
    cells = _cells(path, sheet)
    return cells.tolist() if isinstance(cells, CellBlock) else cells


def _cells(path: Path, sheet: str | None) -> list[list[Any]] | CellBlock:
    """:func:`read_cells`, a CSV's cells kept as the reader's :class:`~core.grid.CellBlock`."""
    check_input_file(path)
    suffix = path.suffix.lower()
    try:
        if suffix in DELIMITED_SUFFIXES:
            return read_delimited(path)
        if suffix in TEXT_SUFFIXES:
            return read_text(path)
        return read_workbook(path, sheet)
    except PermissionError as error:
        raise SegmenterInputError(
            f"cannot open {path.name} ({error.strerror}): it may be open in another program "
            "or not yours to read; close it or copy it, then run again"
        ) from None
    except MemoryError:
        raise SegmenterInputError(f"{path.name} is too large to read into memory on this machine") from None


def check_input_file(path: Path) -> None:
    """Refuse a path that is not a readable file of a kind segmenter reads."""
    suffix = path.suffix.lower()
    if suffix in OTHER_FORMATS:  # before the folder check: a .numbers document may be a folder
        raise SegmenterInputError(f"{path.name} is {OTHER_FORMATS[suffix]}")
    if not path.exists():
        raise SegmenterInputError(f"file not found: {path}: check the name and the folder")
    check_regular_file(path)  # before opening: a FIFO would block
    if path.is_dir():
        raise SegmenterInputError(f"{path} is a folder, not a file: name the account or transaction list in it")
    if suffix not in READ_SUFFIXES:
        raise SegmenterInputError(f"cannot read {path.name}: use a .csv, .xlsx, .xlsm, .txt or .tsv file")
    try:
        with path.open("rb"):
            pass
    except OSError as error:
        raise SegmenterInputError(
            f"cannot open {path.name} ({error.strerror}): it may be open in another program "
            "or not yours to read; close it or copy it, then run again"
        ) from None
    size = path.stat().st_size
    if size == 0:
        raise SegmenterInputError(f"{path.name} is empty (0 bytes), no accounts to read: export the list again")
    if suffix not in WORKBOOK_SUFFIXES and size > MAX_TEXT_BYTES:  # refused before a byte is read
        raise SegmenterInputError(
            f"{path.name} is {size / (1 << 30):,.1f} GiB: segmenter reads a text file of at most "
            f"{MAX_TEXT_BYTES >> 30} GiB into memory; run it in DuckDB instead: "
            f"python segmenter.py report {path.name} --engine duckdb"
        )


def read_block(path: Path, sheet: str | None = None) -> tuple[list[list[Any]] | CellBlock, int]:
    """The cells of a file from its first non-empty row on, and that row's sheet row number
    (runs of blank columns collapsed, :func:`without_blank_columns`); a CSV's as a
    :class:`~core.grid.CellBlock` (rows to whoever reads rows, one array to the parsers)."""
    rows = _cells(path, sheet)
    first = next((i for i, row in enumerate(rows) if any(v is not None and str(v).strip() for v in row)), None)
    if first is None:
        raise SegmenterInputError(f"{path.name} has no accounts: the sheet is empty")
    return without_blank_columns(rows[first:]), first + 1


def without_blank_columns(rows: list[list[Any]]) -> list[list[Any]]:
    """The rows without the columns that are blank in every row after the last filled one, and with
    each run of blank columns between filled ones cut to one (a blank column may separate two
    tables; 16,000 of them say no more). Rows up to :data:`NARROW` cells wide are kept as they are.

    A sheet with a list in A:B and one cell at XFD7 is 16,384 columns wide: read as three columns,
    every one of the 16,381 blank ones would otherwise be parsed as a column of its own.

    >>> wide = [["Account", "Revenue"] + [None] * 100 + ["x"], ["Acme", 5] + [""] * 100 + [" "]]
    >>> without_blank_columns(wide)
    [['Account', 'Revenue', None, 'x'], ['Acme', 5, '', ' ']]
    """
    width = rows.width if isinstance(rows, CellBlock) else max((len(row) for row in rows), default=0)
    if width <= NARROW:
        return rows
    filled = set()
    for row in rows:
        filled.update(j for j, v in enumerate(row) if v is not None and (not isinstance(v, str) or v.strip()))
    keep = kept_columns(sorted(filled))
    if len(keep) == width:
        return rows
    return [[row[j] if j < len(row) else None for j in keep] for row in rows]
