"""The rows of a long block as SpreadsheetML, made from its Arrow columns and deflated on both cores.

rust_xlsxwriter writes a sheet's XML and deflates it on one core, holding Python's lock while
it makes the rows: a million rows of fourteen columns (608 MB of XML) took 7 s to write and
11 s to deflate, one after the other, while the second core waited. Here the rows of such a
block are made by Arrow's string kernels and deflated, both of which release the lock,
in chunks of :data:`CHUNK_ROWS` rows on :data:`WORKERS` threads; the chunks' deflate streams
are joined into one (each but the last ends on a sync flush, as pigz joins its blocks). The
deflate is zlib-ng's where it is installed (:data:`DEFLATE`): at :data:`LEVEL` 2 it deflates a
part in less than half zlib's level-5 time, the file 14 % above rust_xlsxwriter's (the issue
allows 15 %). The chunks of every long block of a workbook go through one
:class:`ChunkPipeline`, so the next block's first chunks are made while a block's last ones
finish.

What a cell looks like is rust_xlsxwriter's own: ``<c r="B7" s="3"><v>12.5</v></c>`` for a
number, ``<c r="C7" t="inlineStr"><is><t>Acme</t></is></c>`` for text (as its streamed sheets
write text), the style ``s`` read from the cells that rust_xlsxwriter wrote for the block's
first rows (see :func:`style_attributes`), no cell for a missing value. Numbers are written in
their shortest round-trip form (``12.5``, ``1e-07`` as ``1e-7``): the same float as rust_xlsxwriter's
``12.5`` or ``1.0``. Text is escaped (``&`` ``<`` ``>``) and kept as typed; a text that would
need more (a control character, a carriage return, an ``_x0041_`` escape) makes the block
ineligible (:func:`plain_cells`) and rust_xlsxwriter writes it as before.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from writers.cells import column_letters, has_control_bytes, text_bytes

CHUNK_ROWS = 32_768  # rows deflated as one piece: about 20 MB of XML at fourteen columns
WORKERS = 2  # threads making and deflating chunks (the machines have two cores or more)
try:  # zlib-ng: zlib's streams and API (sync flush included), made with SIMD; the CLI extra installs it
    from zlib_ng import zlib_ng as DEFLATE

    # a million accounts: 105.0 MB at zlib's 5, 106.2 MB at zlib-ng's 4, 117.8 MB at its 3, which
    # took 2.5-3.1 s less to write than 4 (in one process, alternated, on the loaded machine); 123.5
    # MB at its 2 (14 % above the 108 MB of rust_xlsxwriter's level 6), written in 5.3-5.6 s against
    # 6.4-6.6 s at 3; the million order lines' report: 84.7 MB against 80.6 MB, 4.1-5.2 s against
    # 5.2-5.9 s (alternated in one process). Its 1 makes them 43 % larger than its 3.
    LEVEL = 2
except ImportError:  # the same streams from Python's zlib
    import zlib as DEFLATE

    LEVEL = 5  # 35 % faster than rust_xlsxwriter's 6, the part about 2 % larger
# text that XML and Excel take as it is once & < > are escaped: no control character, no carriage
# return (an XML reader turns it into a line feed), no non-character, no _xHHHH_ (Excel's escape)
_NOT_PLAIN = r"[\x00-\x08\x0b-\x1f\x{FFFE}\x{FFFF}]|_x[0-9A-Fa-f]{4}_"  # Arrow's RE2 syntax
_XML_BLANKS = (" ", "\t", "\n")  # text that starts or ends with one keeps it by xml:space="preserve"


@dataclass(frozen=True)
class GeneratedRows:
    """A block's rows as written here: sheet rows ``first`` to ``last`` (1-based, both included)
    of the columns of ``table``, each column's style attribute (``' s="3"'`` or ``''``), or one
    per row for the column whose format changes from row to row, and each row's height attribute
    (a row of wrapped text) or none."""

    table: object  # pyarrow.Table, columns "0", "1", ... by position
    first: int
    styles: Sequence[object]  # per column: str, or a numpy array of str per row
    heights: object = ""  # the rows' height attributes (' ht="30" customHeight="1"'): str, or one per row

    @property
    def last(self) -> int:
        return self.first + self.table.num_rows - 1

    @cached_property
    def text_marks(self) -> dict[int, tuple[bool, bool]]:
        """Per text column (by position): whether any of its texts holds ``& < >`` (to escape) and
        whether any starts or ends with a blank (to keep by ``xml:space``); looked for once on the
        whole column, so that a chunk of a column without them skips those steps.

        >>> import pyarrow as pa
        >>> table = pa.table({"0": ["a & b", "c"], "1": [1.0, 2.0], "2": ["x ", "y"]})
        >>> GeneratedRows(table, 2, ["", "", ""]).text_marks
        {0: (True, False), 2: (False, True)}
        """
        import pyarrow as pa
        import pyarrow.compute as pc

        marks = {}
        for j, column in enumerate(self.table.columns):
            if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
                column = column.combine_chunks()
                raw = bytes(text_bytes(column))
                escape = b"&" in raw or b"<" in raw or b">" in raw
                marks[j] = (escape, bool(pc.any(_edge_space(column)).as_py()))
        return marks


def plain_cells(table) -> bool:
    """Whether every column of an Arrow table is one this module writes as rust_xlsxwriter would:
    float64 or int64 (finite), or text that is plain once & < > are escaped (see the module's Notes),
    or all missing.

    >>> import pyarrow as pa
    >>> plain_cells(pa.table({"0": [1.5, None], "1": ["Acme & Co", "x"]}))
    True
    >>> plain_cells(pa.table({"0": ["line\\rbreak"]})), plain_cells(pa.table({"0": [True]}))
    (False, False)
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    for column in table.columns:
        kind = column.type
        if pa.types.is_null(kind):
            continue
        if pa.types.is_int64(kind):
            continue
        if pa.types.is_float64(kind):
            if pc.any(pc.invert(pc.is_finite(column))).as_py():
                return False
            continue
        if not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
            return False
        column = column.combine_chunks()
        data = text_bytes(column)
        # the control characters found on the bytes; the rarer marks by a literal search first
        if has_control_bytes(data, allowed=b"\t\n"):
            return False
        raw = bytes(data)  # a copy, searched at memory speed: U+FFFE, U+FFFF, the start of _xHHHH_
        maybe = b"\xef\xbf\xbe" in raw or b"\xef\xbf\xbf" in raw or b"_x" in raw
        if maybe and pc.any(pc.match_substring_regex(column, _NOT_PLAIN)).as_py():
            return False
    return True


def style_attributes(part: bytes, first: int, last: int) -> dict[tuple[int, int], str]:
    """The style attribute of each cell that a sheet part holds in sheet rows ``first`` to
    ``last`` (1-based), by (row, 0-based column): ``' s="3"'``, or ``''`` for a cell without one.

    >>> part = b'<row r="6"><c r="A6" s="1"><v>1.0</v></c><c r="B6" t="inlineStr"><is><t>x</t></is></c></row>'
    >>> style_attributes(part, 6, 6)
    {(6, 0): ' s="1"', (6, 1): ''}
    """
    found = {}
    for letters, row, style in re.findall(rb'<c r="([A-Z]+)(\d+)"(?: s="(\d+)")?', part):
        row = int(row)
        if first <= row <= last:
            found[(row, _column_number(letters.decode()) - 1)] = f' s="{style.decode()}"' if style else ""
    return found


def _column_number(letters: str) -> int:
    """1-based column of Excel's letters (``AB`` -> 28)."""
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def spliced_part(part: bytes, rows: GeneratedRows) -> tuple[bytes, bytes]:
    """The part's XML before and after sheet rows ``rows.first`` to ``rows.last``: what
    rust_xlsxwriter wrote there is replaced by :func:`deflated_part`'s rows. The dimension is
    widened to the block's last row and column.

    >>> import pyarrow as pa
    >>> part = (b'<worksheet><dimension ref="A1:A30"/><sheetData><row r="1"><c r="A1"/></row>'
    ...         b'<row r="7"><c r="A7"/></row><row r="30"><c r="A30"/></row></sheetData></worksheet>')
    >>> head, tail = spliced_part(part, GeneratedRows(pa.table({"0": [1.0] * 10, "1": [2.0] * 10}), 5, ["", ""]))
    >>> head
    b'<worksheet><dimension ref="A1:B30"/><sheetData><row r="1"><c r="A1"/></row>'
    >>> tail
    b'<row r="30"><c r="A30"/></row></sheetData></worksheet>'
    """
    starts = [(int(m[1]), m.start()) for m in re.finditer(rb'<row r="(\d+)"', part)]
    end_data = part.index(b"</sheetData>")
    cut = next((at for row, at in starts if row >= rows.first), end_data)
    resume = next((at for row, at in starts if row > rows.last), end_data)
    head, tail = part[:cut], part[resume:]
    dimension = re.search(rb'<dimension ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"/>', head)
    if dimension:
        last_col = _column_number((dimension[3] or dimension[1]).decode())
        last_row = int(dimension[4] or dimension[2])
        ref = (
            f"{dimension[1].decode()}{dimension[2].decode()}:"
            + column_letters(max(last_col, rows.table.num_columns))
            + str(max(last_row, rows.last))
        )
        head = head[: dimension.start()] + f'<dimension ref="{ref}"/>'.encode() + head[dimension.end() :]
    return head, tail


def chunk_xml(rows: GeneratedRows, start: int, stop: int):
    """The XML of rows ``start:stop`` of the block (0-based in its table), as one Arrow string
    array holding one ``<row>`` per value (its data buffer is the XML, back to back)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    table = rows.table.slice(start, stop - start)
    numbers = pc.cast(pa.array(np.arange(rows.first + start, rows.first + stop)), pa.string())
    cells = []
    for j, column in enumerate(table.columns):
        column = column.combine_chunks()
        if pa.types.is_null(column.type):
            continue
        style = rows.styles[j]
        style = style if isinstance(style, str) else pa.array(style[start:stop], pa.string())
        opening = f'<c r="{column_letters(j + 1)}'
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            escape, edge = rows.text_marks[j]  # the column's texts hold & < > / an edge blank at all?
            text = pc.if_else(pc.greater(pc.binary_length(column), 0), column, pa.scalar(None, column.type))
            if escape:  # an empty text, like rust_xlsxwriter, no cell
                text = pc.replace_substring(text, "&", "&amp;")
                text = pc.replace_substring(pc.replace_substring(text, "<", "&lt;"), ">", "&gt;")
            space = pc.if_else(_edge_space(text), ' xml:space="preserve"', "") if edge else ""
            cell = _joined(opening, numbers, '"', style, ' t="inlineStr"><is><t', space, ">", text, "</t></is></c>")
        else:
            cell = _joined(opening, numbers, '"', style, "><v>", pc.cast(column, pa.string()), "</v></c>")
        cells.append(pc.fill_null(cell, ""))
    heights = rows.heights if isinstance(rows.heights, str) else pa.array(rows.heights[start:stop], pa.string())
    return _joined('<row r="', numbers, '"', heights, ">", *cells, "</row>")


def _joined(*parts):
    """The element-wise concatenation of ``parts`` (Arrow string arrays, and text said once for
    every row), next texts said once joined first: Arrow's join costs by the piece, not the byte.

    >>> import pyarrow as pa
    >>> _joined("<v>", pa.array(["1", None]), "</v>", "</c>").to_pylist()
    ['<v>1</v></c>', None]
    """
    import pyarrow.compute as pc

    merged: list = []
    for part in parts:
        if isinstance(part, str) and merged and isinstance(merged[-1], str):
            merged[-1] += part
        else:
            merged.append(part)
    return pc.binary_join_element_wise(*merged, "")


def _edge_space(text):
    """Which texts start or end with a blank that XML drops unless told to keep it (space, tab,
    line feed): six prefix and suffix tests, a fraction of a regular expression's time.

    >>> import pyarrow as pa
    >>> _edge_space(pa.array([" a", "a\t", "a b", None])).to_pylist()
    [True, True, False, None]
    """
    import pyarrow.compute as pc

    found = None
    for blank in _XML_BLANKS:
        for test in (pc.starts_with, pc.ends_with):
            hit = test(text, blank)
            found = hit if found is None else pc.or_(found, hit)
    return found


def deflated(data, last: bool) -> bytes:
    """Raw deflate of ``data``, ending on a sync flush (more follows) or the final block."""
    packer = DEFLATE.compressobj(LEVEL, DEFLATE.DEFLATED, -DEFLATE.MAX_WBITS)
    return packer.compress(data) + packer.flush(DEFLATE.Z_FINISH if last else DEFLATE.Z_SYNC_FLUSH)


def deflated_part(
    head: bytes, rows: GeneratedRows, tail: bytes, pipeline: ChunkPipeline | None = None
) -> Iterator[tuple[bytes, bytes]]:
    """The part ``head`` + the block's rows + ``tail`` as pieces of one raw deflate stream, in order,
    each with the XML it holds (for the CRC), the rows made and deflated on :data:`WORKERS` threads
    (at most two chunks a worker in memory at once): by ``pipeline``, whose next chunks are this
    block's, or by a pipeline of this block alone."""
    own = pipeline is None
    pipeline = ChunkPipeline([rows]) if own else pipeline
    try:
        yield deflated(head, False), head
        for _ in chunk_bounds(rows):
            yield pipeline.next()
        yield deflated(tail, True), tail
    finally:
        if own:
            pipeline.close()


def chunk_bounds(rows: GeneratedRows) -> list[tuple[int, int]]:
    """The (start, stop) rows of the block's chunks, :data:`CHUNK_ROWS` at most each.

    >>> import pyarrow as pa
    >>> chunk_bounds(GeneratedRows(pa.table({"0": list(range(70_000))}), 2, [""]))
    [(0, 32768), (32768, 65536), (65536, 70000)]
    """
    count = rows.table.num_rows
    return [(start, min(start + CHUNK_ROWS, count)) for start in range(0, count, CHUNK_ROWS)]


class ChunkPipeline:
    """The chunks of one or more blocks, in the order they are written (block after block), each
    made (:func:`chunk_xml`) and deflated on :data:`WORKERS` threads, at most ``2 * WORKERS + 1``
    ahead of the one written: when a block's last chunk is being made, the next block's first ones
    are made beside it, rather than a core waiting at each block's end; and a block's chunks start
    as soon as it is given (:meth:`add`), while the caller prepares the next. :meth:`next` gives the
    chunks in order, each as (deflated, xml); :meth:`close` ends the threads (the chunks not
    asked for are dropped). Every chunk is made as alone: the same bytes.

    >>> import pyarrow as pa
    >>> blocks = [GeneratedRows(pa.table({"0": [1.5]}), 2, [""]), GeneratedRows(pa.table({"0": ["a"]}), 9, [""])]
    >>> pipeline = ChunkPipeline(blocks)
    >>> [bytes(pipeline.next()[1]) for _ in range(2)]
    [b'<row r="2"><c r="A2"><v>1.5</v></c></row>', b'<row r="9"><c r="A9" t="inlineStr"><is><t>a</t></is></c></row>']
    >>> pipeline.close()
    """

    def __init__(self, blocks: Sequence[GeneratedRows] = ()) -> None:
        self._jobs: deque = deque()
        self._pool = ThreadPoolExecutor(WORKERS, thread_name_prefix="segmenter-rows")
        self._pending: deque = deque()
        for rows in blocks:
            self.add(rows)

    def add(self, rows: GeneratedRows) -> None:
        """The block's chunks after the chunks already given: its first ones start at once when
        fewer than ``2 * WORKERS + 1`` are waiting (the caller prepares the next block meanwhile)."""
        _ = rows.text_marks  # looked for once, before the threads share it
        self._jobs.extend((rows, bounds) for bounds in chunk_bounds(rows))
        self._fill()

    def _fill(self) -> None:
        while self._jobs and len(self._pending) <= 2 * WORKERS:
            self._pending.append(self._pool.submit(_deflated_chunk, *self._jobs.popleft()))

    def next(self) -> tuple[bytes, bytes]:
        """The next chunk: (its deflate stream ending on a sync flush, its XML)."""
        future = self._pending.popleft()
        self._fill()
        return future.result()

    def close(self) -> None:
        """Stop: the chunks waiting are dropped, the ones being made finish."""
        self._pool.shutdown(wait=True, cancel_futures=True)


def _deflated_chunk(rows: GeneratedRows, bounds: tuple[int, int]) -> tuple[bytes, bytes]:
    data = text_bytes(chunk_xml(rows, *bounds))
    return deflated(data, False), data
