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

import numpy as np
import pandas as pd

#: The first byte of a character wider than ASCII (and every byte of one) is at least this.
WIDE = 0x80


class CellBytes:
    """The bytes at each cell's edges, read in place from Arrow's buffers (no copy of the texts).

    ``first``: the first byte of every cell (uint8, 0 for an empty cell), read at once. The other
    edges are read for the cells asked about (sorted positions), since most columns need them
    for a few cells only: :meth:`second`, :meth:`last` (0 where the cell is too short) and
    :meth:`digit_or_wide` (the cell holds an ASCII digit or a byte of a non-ASCII character: only
    such a cell can hold a digit, as Python's regular expressions read ``\\d``).
    """

    def __init__(self, chunks: list) -> None:
        self._chunks = [_ChunkBytes(chunk) for chunk in chunks if len(chunk)]
        self._bounds = np.cumsum([0] + [len(c.starts) for c in self._chunks])
        parts = [c.first() for c in self._chunks]
        self.first = np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint8)

    def second(self, positions: np.ndarray) -> np.ndarray:
        """The second byte of each cell at ``positions`` (uint8)."""
        return self._each(positions, _ChunkBytes.second, np.uint8)

    def last(self, positions: np.ndarray) -> np.ndarray:
        """The last byte of each cell at ``positions`` (uint8)."""
        return self._each(positions, _ChunkBytes.last, np.uint8)

    def digit_or_wide(self, positions: np.ndarray) -> np.ndarray:
        """Whether each cell at ``positions`` holds an ASCII digit or a non-ASCII character."""
        return self._each(positions, _ChunkBytes.digit_or_wide, bool)

    def _each(self, positions: np.ndarray, read, dtype) -> np.ndarray:
        out = np.zeros(len(positions), dtype=dtype)
        cuts = np.searchsorted(positions, self._bounds)
        for k, chunk in enumerate(self._chunks):
            if cuts[k + 1] > cuts[k]:
                out[cuts[k] : cuts[k + 1]] = read(chunk, positions[cuts[k] : cuts[k + 1]] - self._bounds[k])
        return out


def cell_bytes(text: pd.Series) -> CellBytes | None:
    """The edge bytes of a column of texts ('' for blank, no missing values); None without pyarrow
    or when the column holds a missing value.

    >>> edges = cell_bytes(pd.Series(["C1", "", "x", "€5"], dtype="str"))
    >>> every = np.arange(4)
    >>> edges.first.tolist(), edges.second(every).tolist(), edges.last(every).tolist()
    ([67, 0, 120, 226], [49, 0, 0, 130], [49, 0, 120, 53])
    >>> edges.digit_or_wide(every).tolist(), edges.last(np.array([3])).tolist()
    ([True, False, False, True], [53])
    """
    try:
        import pyarrow as pa
    except ImportError:  # xlwings Lite
        return None
    array = pa.array(text, type=pa.large_string(), from_pandas=True)
    if array.null_count:
        return None
    return CellBytes(array.chunks if isinstance(array, pa.ChunkedArray) else [array])


class _ChunkBytes:
    """One Arrow chunk's offsets and bytes as numpy views."""

    def __init__(self, chunk) -> None:
        _, offset_buffer, data_buffer = chunk.buffers()
        offsets = np.frombuffer(offset_buffer, dtype=np.int64)[chunk.offset : chunk.offset + len(chunk) + 1]
        self.starts, self.ends = offsets[:-1], offsets[1:]
        self.data = np.zeros(1, dtype=np.uint8) if data_buffer is None else np.frombuffer(data_buffer, dtype=np.uint8)
        if not self.data.size:
            self.data = np.zeros(1, dtype=np.uint8)

    def _at(self, index: np.ndarray, valid: np.ndarray) -> np.ndarray:
        return np.where(valid, self.data[np.clip(index, 0, self.data.size - 1)], 0).astype(np.uint8)

    def first(self) -> np.ndarray:
        return self._at(self.starts, self.ends > self.starts)

    def second(self, at: np.ndarray) -> np.ndarray:
        starts = self.starts[at]
        return self._at(starts + 1, self.ends[at] - starts > 1)

    def last(self, at: np.ndarray) -> np.ndarray:
        ends = self.ends[at]
        return self._at(ends - 1, ends > self.starts[at])

    def digit_or_wide(self, at: np.ndarray) -> np.ndarray:
        starts, ends = self.starts[at], self.ends[at]
        lo, hi = int(starts[0]), int(ends[-1])  # the bytes of the cells asked about, in order
        marks = self.data[lo:hi]
        marks = ((marks - np.uint8(0x30)) < 10) | (marks >= WIDE)
        seen = np.zeros(marks.size + 1, dtype=np.int32)
        np.cumsum(marks, out=seen[1:])
        return seen[ends - lo] > seen[starts - lo]


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


def led_by(text: pd.Series, first: np.ndarray | None, *sets: frozenset[str]) -> list[np.ndarray]:
    """For each set of characters, which cells begin with one of them (a boolean array per set):
    by the first byte (``first``, :attr:`CellBytes.first`) for ASCII leads, by the first character
    for the cells led by a wider one, and for every cell when ``first`` is None (no pyarrow).

    >>> text = pd.Series(["12", "€5", "x", ""], dtype="str")
    >>> [m.tolist() for m in led_by(text, cell_bytes(text).first, frozenset("0123456789"), frozenset("$€"))]
    [[True, False, False, False], [False, True, False, False]]
    >>> [m.tolist() for m in led_by(text, None, frozenset("$€"))]
    [[False, True, False, False]]
    """
    if first is None:
        looked = np.arange(len(text))
        masks = [np.zeros(len(text), dtype=bool) for _ in sets]
    else:
        looked = np.flatnonzero(first >= WIDE)
        masks = [byte_table(characters)[first] for characters in sets]
    if looked.size:
        lead = text.iloc[looked].str[:1]
        for mask, characters in zip(masks, sets):
            mask[looked] = np.array(lead.isin(characters), dtype=bool)
    return masks
