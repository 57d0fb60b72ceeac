"""Hostile files built at test time, small on disk: zip bombs, far cell references, huge lines.

A sheet that inflates to gigabytes is written without compressing gigabytes: each distinct chunk
of the sheet's XML is deflated once, ending in a full flush (which resets deflate's state, so the
chunk's compressed bytes are the same wherever it stands), and zipfile's compressor is handed
those bytes again for every repeat. zipfile still computes the true CRC and sizes, so the archive
is valid and inflates to exactly what it says.
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterable
from pathlib import Path

CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    b'<Override PartName="/xl/worksheets/sheet1.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    b'<Override PartName="/docProps/core.xml" '
    b'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    b"</Types>"
)
ROOT_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" '
    b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    b'Target="xl/workbook.xml"/>'
    b'<Relationship Id="rId2" '
    b'Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" '
    b'Target="docProps/core.xml"/>'
    b"</Relationships>"
)
WORKBOOK = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    b'<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" '
    b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    b'Target="worksheets/sheet1.xml"/>'
    b"</Relationships>"
)
SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
SHEET_TAIL = b"</sheetData></worksheet>"
CORE = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
    b'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>x</dc:creator>'
)
CORE_TAIL = b"</cp:coreProperties>"


def cells_xml(cells: dict[str, object]) -> bytes:
    """Rows of inline cells: {"A1": "Account", "B1": "Revenue", "A2": "Acme", "B2": 5} (one row per number)."""
    rows: dict[int, list[bytes]] = {}
    for ref, value in cells.items():
        row = int("".join(ch for ch in ref if ch.isdigit()))
        if isinstance(value, str):
            xml = f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'
        else:
            xml = f'<c r="{ref}"><v>{value}</v></c>'
        rows.setdefault(row, []).append(xml.encode())
    return b"".join(b'<row r="%d">' % r + b"".join(c) + b"</row>" for r, c in sorted(rows.items()))


class _Replayed:
    """A deflate compressor for zipfile that gives each chunk's precomputed bytes (see module doc)."""

    def __init__(self, table: dict[bytes, bytes]):
        self.table = table

    def compress(self, data: bytes) -> bytes:
        return self.table[bytes(data)]

    def flush(self, mode: int = zlib.Z_FINISH) -> bytes:
        return zlib.compressobj(9, zlib.DEFLATED, -15).flush(zlib.Z_FINISH)


def _deflated(chunk: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)


def write_member(archive: zipfile.ZipFile, name: str, parts: Iterable[tuple[bytes, int]]) -> None:
    """Write member ``name`` as ``chunk`` repeated ``count`` times for each (chunk, count), deflated."""
    parts = list(parts)
    table = {chunk: _deflated(chunk) for chunk, _ in parts}
    original = zipfile._get_compressor
    zipfile._get_compressor = lambda compress_type, compresslevel=None: _Replayed(table)
    try:
        info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w", force_zip64=True) as member:
            for chunk, count in parts:
                for _ in range(count):
                    member.write(chunk)
    finally:
        zipfile._get_compressor = original


def workbook(
    path: Path,
    sheet: Iterable[tuple[bytes, int]] | bytes,
    *,
    core: Iterable[tuple[bytes, int]] | None = None,
    extra: dict[str, bytes] | None = None,
) -> Path:
    """An .xlsx whose one sheet's XML is ``sheet`` (bytes, or (chunk, repeats) parts); ``core``:
    the docProps/core.xml parts (default a small one)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in (
            ("[Content_Types].xml", CONTENT_TYPES),
            ("_rels/.rels", ROOT_RELS),
            ("xl/workbook.xml", WORKBOOK),
            ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
        ):
            archive.writestr(name, data)
        write_member(
            archive,
            "xl/worksheets/sheet1.xml",
            [(SHEET_HEAD + sheet + SHEET_TAIL, 1)] if isinstance(sheet, bytes) else sheet,
        )
        write_member(archive, "docProps/core.xml", core or [(CORE + CORE_TAIL, 1)])
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return path


def inflating_workbook(path: Path, gib: float = 4.0) -> Path:
    """An .xlsx of a few MB whose sheet XML inflates to ``gib`` GiB (blank space inside sheetData)."""
    chunk = b" " * (1 << 20)
    head = SHEET_HEAD + cells_xml({"A1": "Account", "B1": "Revenue", "A2": "Acme", "B2": 5})
    return workbook(path, [(head, 1), (chunk, int(gib * 1024)), (SHEET_TAIL, 1)])


def far_cell_workbook(path: Path, ref: str) -> Path:
    """A tiny .xlsx with an account list in A1:B3 and one more cell at ``ref`` (e.g. XFD1048576)."""
    return workbook(
        path, cells_xml({"A1": "Account", "B1": "Revenue", "A2": "Acme", "B2": 5, "A3": "Beta", "B3": 3, ref: 1})
    )


def inflating_properties(path: Path, gib: float = 2.0) -> Path:
    """A segmenter-looking report whose docProps/core.xml inflates to ``gib`` GiB."""
    chunk = b" " * (1 << 20)
    return workbook(path, cells_xml({"A1": "x"}), core=[(CORE, 1), (chunk, int(gib * 1024)), (CORE_TAIL, 1)])


def understated_workbook(path: Path, gib: float = 0.25, claimed: int = 1000) -> Path:
    """An .xlsx whose sheet inflates to ``gib`` GiB while the zip's central directory says ``claimed`` bytes."""
    chunk = b" " * (1 << 20)
    head = SHEET_HEAD + cells_xml({"A1": "Account", "B1": "Revenue", "A2": "Acme", "B2": 5})
    original = zipfile.ZipFile.close

    def close(archive):
        for info in archive.filelist:
            if info.filename == "xl/worksheets/sheet1.xml":
                info.file_size = claimed
        original(archive)

    zipfile.ZipFile.close = close
    try:
        return workbook(path, [(head, 1), (chunk, int(gib * 1024)), (SHEET_TAIL, 1)])
    finally:
        zipfile.ZipFile.close = original
