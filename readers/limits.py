"""How large a file segmenter reads, checked before any parser allocates, refused in one line.

A workbook is a zip archive: 4 MB on disk can inflate to 4 GB, and one cell at XFD1048576 in a
1.8 KB file makes a sheet of 17 billion cells for a reader that fills the rectangle up to its
last cell. So before the workbook reader (calamine) sees a file:

- every zip member's declared size is at most :data:`MAX_MEMBER_BYTES`, and a member above
  :data:`RATIO_FLOOR` inflates at most :data:`MAX_RATIO` times its compressed size (real sheets
  compress 5-30 times; a bomb about 1,000 times);
- the members the reader parses are inflated once here, counting bytes and stopping at the
  limit, so a member whose header understates its size is caught too;
- the same pass finds the sheet's extent: its ``<dimension>`` and its largest row and column
  references; rows x columns is at most :data:`MAX_CELLS` (1,048,576 rows of 32 columns), rows
  and columns at most Excel's 1,048,576 and 16,384.

Each refusal is a :class:`~core.errors.SegmenterInputError` naming the figure and the limit.
Only regular files are read: a FIFO, a device or a socket would block or never end.
"""

from __future__ import annotations

import os
import re
import stat
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from core.errors import SegmenterInputError

MAX_MEMBER_BYTES = 1 << 30  # 1 GiB inflated per zip member (a sheet)
#: A text file (CSV, TXT) is read into memory whole: 1 GiB at most, as a workbook's sheet (a million
#: rows of 32 columns is about half of it). Larger tables run in DuckDB (``--engine duckdb``).
MAX_TEXT_BYTES = 1 << 30
MAX_STRINGS_BYTES = 1 << 29  # 512 MiB of shared strings (all held in memory by the reader)
MAX_PART_BYTES = 1 << 26  # 64 MiB for any other part the reader parses (workbook, styles, relationships)
MAX_RATIO = 200
RATIO_FLOOR = 16 << 20  # members smaller than 16 MiB inflated may compress as well as they like
MAX_ROWS, MAX_COLUMNS = 1_048_576, 16_384
MAX_CELLS = 1_048_576 * 32
_CHUNK = 1 << 22
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\b[^>]*?\bref=["\'](?:[A-Z]+\d+:)?(?P<col>[A-Z]+)(?P<row>\d+)["\']')
_ROW = re.compile(rb'<(?:\w+:)?row\b[^>]*?\br=["\'](?P<row>\d+)["\']')
# a cell reference of column AA or beyond, or of a row number of 7 digits or more
_WIDE_CELL = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br=["\'](?P<col>[A-Z]{2,})(?P<row>\d+)["\']')
_FAR_ROW_CELL = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br=["\'](?P<col>[A-Z]+)(?P<row>\d{7,})["\']')
_ANY_CELL = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br=["\'](?P<col>[A-Z]+)(?P<row>\d+)["\']')


@dataclass
class Extent:
    """The largest row and column (1-based) a sheet's XML names, and its declared dimension."""

    rows: int = 0
    columns: int = 0

    def add(self, column: bytes, row: bytes) -> None:
        self.rows = max(self.rows, int(row))
        self.columns = max(self.columns, column_number(column.decode()))


def column_number(letters: str) -> int:
    """1-based column of its letters.

    >>> column_number("A"), column_number("AA"), column_number("XFD")
    (1, 27, 16384)
    """
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def check_regular_file(path: Path) -> None:
    """Refuse a path that is not a regular file (a FIFO would block the reader forever)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return  # missing: the caller says so
    if not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
        kind = (
            "a named pipe (FIFO)"
            if stat.S_ISFIFO(mode)
            else "a device"
            if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
            else "a socket"
            if stat.S_ISSOCK(mode)
            else "not a regular file"
        )
        raise SegmenterInputError(
            f"{path.name} is {kind}, not a file: segmenter reads only regular files; "
            "save the list to a file and run on that"
        )


def part_limit(member: str) -> int:
    """The most bytes a part may inflate to: a sheet 1 GiB, the shared strings 512 MiB, any other 64 MiB."""
    if "worksheets/" in member:
        return MAX_MEMBER_BYTES
    return MAX_STRINGS_BYTES if member.lower().endswith("sharedstrings.xml") else MAX_PART_BYTES


def check_archive(path: Path, parsed: list[str]) -> Extent | None:
    """Check a workbook's zip members before any reader opens it: every member's declared size,
    then the ``parsed`` members inflated (those absent are skipped). Returns the extent of the
    first of ``parsed`` that is a sheet.

    Raises
    ------
    SegmenterInputError
        A member beyond its limit (:func:`part_limit`) or :data:`MAX_RATIO`, or a sheet beyond
        :data:`MAX_CELLS`, :data:`MAX_ROWS` or :data:`MAX_COLUMNS`.
    """
    name = path.name
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
    for info in infos:
        _check_declared(name, info)
    extent = None
    by_name = {info.filename: info for info in infos}
    with path.open("rb") as raw:
        for member in parsed:
            info = by_name.get(member)
            if info is None:
                continue
            is_sheet = "worksheets/" in member
            found = _inflate_and_scan(name, raw, info, is_sheet)
            if is_sheet and extent is None:
                extent = found
                check_extent(name, found)
    return extent


def check_extent(name: str, extent: Extent) -> None:
    """Refuse a sheet beyond Excel's rows or columns or beyond :data:`MAX_CELLS`.

    >>> check_extent("x.xlsx", Extent(rows=1_048_576, columns=16_384))
    Traceback (most recent call last):
    ...
    core.errors.SegmenterInputError: x.xlsx has a sheet reaching row 1,048,576 and column 16,384 (17,179,869,184 cells): segmenter reads at most 33,554,432 cells (1,048,576 rows of 32 columns); delete what lies beyond the list or copy the list to a new sheet
    """  # noqa: E501
    if extent.rows > MAX_ROWS or extent.columns > MAX_COLUMNS:
        raise SegmenterInputError(
            f"{name} has a sheet reaching row {extent.rows:,} and column {extent.columns:,}: "
            f"beyond Excel's {MAX_ROWS:,} rows and {MAX_COLUMNS:,} columns, it is damaged"
        )
    cells = extent.rows * extent.columns
    if cells > MAX_CELLS:
        raise SegmenterInputError(
            f"{name} has a sheet reaching row {extent.rows:,} and column {extent.columns:,} "
            f"({cells:,} cells): segmenter reads at most {MAX_CELLS:,} cells (1,048,576 rows of "
            "32 columns); delete what lies beyond the list or copy the list to a new sheet"
        )


def _check_declared(name: str, info: zipfile.ZipInfo) -> None:
    if info.file_size > MAX_MEMBER_BYTES:
        raise SegmenterInputError(
            f"{name}: its part {info.filename} inflates to {info.file_size:,} bytes; segmenter "
            f"reads parts of at most {MAX_MEMBER_BYTES:,} bytes (a zip bomb, or a sheet too large)"
        )
    if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        ratio = info.file_size / max(info.compress_size, 1)
        raise SegmenterInputError(
            f"{name}: its part {info.filename} inflates {ratio:,.0f} times ({info.compress_size:,} "
            f"to {info.file_size:,} bytes); segmenter reads parts that inflate at most "
            f"{MAX_RATIO} times (a zip bomb)"
        )


def _member_data(raw, info: zipfile.ZipInfo) -> int:
    """Offset of a member's compressed bytes (after its local header)."""
    raw.seek(info.header_offset)
    header = raw.read(30)
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"bad local header of {info.filename}")
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    return info.header_offset + 30 + name_length + extra_length


def _inflate_and_scan(name: str, raw, info: zipfile.ZipInfo, is_sheet: bool) -> Extent:
    """Inflate one member from its compressed bytes, counting what comes out and stopping beyond
    the limits (whatever its header says); for a sheet, find its extent on the way."""
    limit = min(part_limit(info.filename), max(RATIO_FLOOR, MAX_RATIO * max(info.compress_size, 1)))
    extent = Extent()
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        return extent  # the reader refuses a compression it does not know
    raw.seek(_member_data(raw, info))
    inflater = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
    left, produced, tail = info.compress_size, 0, b""
    while left > 0 or (inflater is not None and inflater.unconsumed_tail):
        if inflater is not None and inflater.unconsumed_tail:
            data = inflater.unconsumed_tail
        else:
            data = raw.read(min(_CHUNK, left))
            left -= len(data)
            if not data:
                break
        try:
            out = inflater.decompress(data, _CHUNK) if inflater is not None else data
        except zlib.error:
            raise SegmenterInputError(
                f"{name} is damaged (its part {info.filename} does not inflate): "
                "open it in Excel and save it again as .xlsx"
            ) from None
        produced += len(out)
        if produced > limit:
            raise SegmenterInputError(
                f"{name}: its part {info.filename} inflates to more than {limit:,} bytes from "
                f"{info.compress_size:,} (its header says {info.file_size:,}); segmenter reads "
                f"such parts of at most {part_limit(info.filename):,} bytes, inflating at most "
                f"{MAX_RATIO} times (a zip bomb, or a workbook too large)"
            )
        if is_sheet and out:
            window = tail + out
            _scan(window, extent)
            tail = window[-256:]
        if inflater is not None and inflater.eof:
            break
    return extent


def _scan(window: bytes, extent: Extent) -> None:
    """The largest row and column references in a piece of sheet XML (a reference cut by the
    piece's end is read whole in the next, which starts with this one's last 256 bytes)."""
    dimension = _DIMENSION.search(window)
    if dimension:
        extent.add(dimension["col"], dimension["row"])
    rows = _ROW.findall(window)
    if rows:
        extent.rows = max(extent.rows, max(map(int, rows)))
    if extent.columns < 27:  # one search finds the first cells' columns (A-Z) cheaply
        for match in _ANY_CELL.finditer(window[: _CHUNK // 64]):
            extent.add(match["col"], match["row"])
    for match in _WIDE_CELL.finditer(window):
        extent.add(match["col"], match["row"])
    for match in _FAR_ROW_CELL.finditer(window):
        extent.add(match["col"], match["row"])


#: Rows at most this many columns wide are handed on as they are; wider ones lose their blank runs.
NARROW = 64


def kept_columns(filled) -> list[int]:
    """The columns kept of a wide table, given its filled ones (ascending): every filled column, and
    for each run of blank columns before one of them a single blank column (a blank column may
    separate two tables; 16,000 of them say no more). Blank columns after the last filled one go.

    >>> kept_columns([0, 1, 16383]), kept_columns([2, 3, 5])
    ([0, 1, 2, 16383], [0, 2, 3, 4, 5])
    """
    keep: list[int] = []
    previous = -1
    for j in filled:
        j = int(j)
        if j > previous + 1:
            keep.append(previous + 1)
        keep.append(j)
        previous = j
    return keep
