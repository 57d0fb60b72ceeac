"""What each cell of a column of texts starts and ends with, read from Arrow's UTF-8 buffers.

A CSV column arrives as an Arrow-backed pandas column of strings. Asking pandas for each cell's
first character (``text.str[:1]``) and looking that up in a set costs a new column of strings and
a hash per cell; the same question answered from the bytes Arrow already holds is a few numpy
gathers over the offsets. The answers are bytes, not characters: a byte below 0x80 is a whole
ASCII character, a byte from 0x80 up begins or continues a wider one (callers look at those cells
as text again, see :func:`led_by`).

Without pyarrow (xlwings Lite) :func:`cell_bytes` gives None and callers use pandas' string methods.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

#: The first byte of a character wider than ASCII (and every byte of one) is at least this.
WIDE = 0x80


@dataclass(frozen=True)
class CellBytes:
    """Edge bytes of each cell of a column (0 where the cell is too short to have that byte).

    ``first``, ``second``, ``last``: uint8 per cell. ``digit_or_wide``: the cell holds an ASCII
    digit or a byte of a non-ASCII character somewhere (only such a cell can hold a digit, as
    Python's regular expressions read ``\\d``).
    """

    first: np.ndarray
    second: np.ndarray
    last: np.ndarray
    digit_or_wide: np.ndarray


def cell_bytes(text: pd.Series) -> CellBytes | None:
    """The edge bytes of a column of texts ('' for blank, no missing values); None without pyarrow
    or when the column holds a missing value.

    >>> edges = cell_bytes(pd.Series(["C1", "", "x", "€5"], dtype="str"))
    >>> edges.first.tolist(), edges.second.tolist(), edges.last.tolist(), edges.digit_or_wide.tolist()
    ([67, 0, 120, 226], [49, 0, 0, 130], [49, 0, 120, 53], [True, False, False, True])
    """
    try:
        import pyarrow as pa
    except ImportError:  # xlwings Lite
        return None
    array = pa.array(text, type=pa.large_string(), from_pandas=True)
    if array.null_count:
        return None
    chunks = array.chunks if isinstance(array, pa.ChunkedArray) else [array]
    parts = [_chunk_bytes(chunk) for chunk in chunks if len(chunk)]
    if not parts:
        none = np.zeros(0, dtype=np.uint8)
        return CellBytes(none, none, none, np.zeros(0, dtype=bool))
    return CellBytes(*(np.concatenate(columns) for columns in zip(*parts)))


def _chunk_bytes(chunk) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """One Arrow chunk's edge bytes, read in place from its offsets and data buffers (no copy)."""
    _, offset_buffer, data_buffer = chunk.buffers()
    offsets = np.frombuffer(offset_buffer, dtype=np.int64)[chunk.offset : chunk.offset + len(chunk) + 1]
    starts, ends = offsets[:-1], offsets[1:]
    length = ends - starts
    if data_buffer is None or not data_buffer.size or not length.any():
        zeros = np.zeros(len(chunk), dtype=np.uint8)
        return zeros, zeros, zeros, np.zeros(len(chunk), dtype=bool)
    data = np.frombuffer(data_buffer, dtype=np.uint8)
    top = data.size - 1
    first = np.where(length > 0, data[np.minimum(starts, top)], 0).astype(np.uint8)
    second = np.where(length > 1, data[np.minimum(starts + 1, top)], 0).astype(np.uint8)
    last = np.where(length > 0, data[np.clip(ends - 1, 0, top)], 0).astype(np.uint8)
    lo, hi = int(starts[0]), int(ends[-1])  # the bytes of this chunk's cells
    marks = data[lo:hi]
    marks = ((marks - np.uint8(0x30)) < 10) | (marks >= WIDE)
    seen = np.zeros(marks.size + 1, dtype=np.int64)
    np.cumsum(marks, out=seen[1:])
    return first, second, last, seen[ends - lo] > seen[starts - lo]


def byte_table(characters: Iterable[str]) -> np.ndarray:
    """A lookup table over the 256 byte values: True at each ASCII character given (wider ones are
    left out: a cell led by one is looked at as text).

    >>> table = byte_table("$€")
    >>> bool(table[ord("$")]), bool(table[0xE2])
    (True, False)
    """
    table = np.zeros(256, dtype=bool)
    for character in characters:
        if ord(character) < WIDE:
            table[ord(character)] = True
    return table


def led_by(text: pd.Series, first: np.ndarray, *sets: frozenset[str]) -> list[np.ndarray]:
    """For each set of characters, which cells begin with one of them (a boolean array per set):
    by the first byte for ASCII leads, by the first character for the cells led by a wider one.

    >>> text = pd.Series(["12", "€5", "x", ""], dtype="str")
    >>> [m.tolist() for m in led_by(text, cell_bytes(text).first, frozenset("0123456789"), frozenset("$€"))]
    [[True, False, False, False], [False, True, False, False]]
    """
    masks = [byte_table(characters)[first] for characters in sets]
    wide = np.flatnonzero(first >= WIDE)
    if wide.size:
        lead = text.iloc[wide].str[:1]
        for mask, characters in zip(masks, sets):
            mask[wide] = np.array(lead.isin(characters), dtype=bool)
    return masks
