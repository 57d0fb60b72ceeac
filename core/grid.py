"""The shape of a block of cells as Excel hands it over, and the current region around a cell.

xlwings gives a single cell as a scalar, a one-row range as a flat list (remote engine) or a
tuple of tuples (Windows), and a block as a list of lists; :func:`as_block` makes all of them a
list of rows of equal length. :func:`current_region` finds the block Excel's Ctrl+* selects.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np


class CellBlock(Sequence):
    """Rows of cells held as one 2-D object array, as a reader hands a file over: a list of rows
    (each read as a list, a copy) to code that reads rows, and the array itself (``.array``) to
    the parsers, which work column by column. A million rows go from the reader to core without a
    Python list per row (two seconds of the 1,048,575-account benchmark).

    ``.empty``, when the reader knows it, marks the empty cells (None, NaN or ``""``: a reader's
    typed columns know them without looking at a million cells again, see
    :func:`core.table_finder.find_table`); None otherwise. ``.kinds``, when the reader knows
    them, says what each cell is (``core.cells.CELL_*``, int8: the cell parsers then take the
    reader's word instead of typing a million cells again); None otherwise. A row may be replaced
    (``block[k] = [...]``: ``.empty`` and ``.kinds`` are then forgotten); ``.array`` is read, never written.

    >>> block = CellBlock(np.array([["Account", "Revenue"], ["Acme", 5.0]], dtype=object))
    >>> len(block), block[1], block[1:] == [["Acme", 5.0]], [["x", "y"]] + block[1:]
    (2, ['Acme', 5.0], True, [['x', 'y'], ['Acme', 5.0]])
    >>> typed = CellBlock(np.array([["Acme"], [None]], dtype=object), empty=np.array([[False], [True]]))
    >>> typed[1:].empty.tolist()
    [[True]]
    """

    __slots__ = ("array", "empty", "kinds")
    __hash__ = None  # type: ignore[assignment]  # mutable, compared by its cells

    def __init__(self, array: np.ndarray, empty: np.ndarray | None = None, kinds: np.ndarray | None = None) -> None:
        self.array = array
        self.empty = empty
        self.kinds = kinds

    def __len__(self) -> int:
        return self.array.shape[0]

    def __getitem__(self, k):
        if isinstance(k, slice):
            return CellBlock(
                self.array[k],
                None if self.empty is None else self.empty[k],
                None if self.kinds is None else self.kinds[k],
            )
        return self.array[k].tolist()

    def __setitem__(self, k: int, row: Sequence[Any]) -> None:
        self.array[k] = list(row)
        self.empty = self.kinds = None

    def __iter__(self) -> Iterator[list[Any]]:
        for row in self.array:
            yield row.tolist()

    def __eq__(self, other: object) -> bool:
        other = other.tolist() if isinstance(other, CellBlock) else other
        return isinstance(other, list) and self.tolist() == other

    def __add__(self, other: Sequence[Sequence[Any]]) -> list[list[Any]]:
        return self.tolist() + [list(row) for row in other]

    def __radd__(self, other: Sequence[Sequence[Any]]) -> list[list[Any]]:
        return [list(row) for row in other] + self.tolist()

    def tolist(self) -> list[list[Any]]:
        return self.array.tolist()

    @property
    def width(self) -> int:
        return self.array.shape[1]

    def __repr__(self) -> str:
        return f"CellBlock({self.array.shape[0]:,} rows x {self.array.shape[1]} columns)"


def as_block(value: Any) -> list[list[Any]] | CellBlock:
    """A range's value as a list of equal-length rows (the rows themselves are not copied).

    Examples
    --------
    >>> as_block(5.0)
    [[5.0]]
    >>> as_block(["a", 1.0])
    [['a', 1.0]]
    >>> as_block((("a",), ("b", 2.0)))
    [['a', None], ['b', 2.0]]
    """
    if isinstance(value, CellBlock):
        return value  # equal-length rows already
    if not isinstance(value, (list, tuple)):
        return [[value]]
    if not value:
        return []
    # map() keeps these checks at C speed: a full column is 1,048,576 rows
    kinds = set(map(type, value))
    if not kinds & {list, tuple}:
        return [list(value)]
    rows = value if kinds <= {list} else [list(row) if isinstance(row, (list, tuple)) else [row] for row in value]
    widths = set(map(len, rows))
    if len(widths) > 1:
        width = max(widths)
        rows = [row + [None] * (width - len(row)) for row in rows]
    return list(rows)


def _filled(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and value.strip() == "")


def current_region(grid: Sequence[Sequence[Any]], row: int, col: int) -> tuple[int, int, int, int]:
    """The rectangle of non-empty cells connected to (row, col), as Excel's CurrentRegion.

    Parameters
    ----------
    grid:
        The sheet's values from its top-left cell A1 (list of rows).
    row, col:
        0-based position of the selected cell in ``grid``.

    Returns
    -------
    (top, left, bottom, right), 0-based and inclusive. A rectangle grows while any cell on its
    border or diagonally next to it is filled, which is how Excel extends the current region.

    Examples
    --------
    >>> grid = [["Account", "Revenue", None, None], ["a", 1.0, None, None], [None, None, None, "x"]]
    >>> current_region(grid, 1, 0)
    (0, 0, 1, 1)
    """
    height = len(grid)
    width = max((len(r) for r in grid), default=0)

    def filled(r: int, c: int) -> bool:
        return 0 <= r < height and 0 <= c < len(grid[r]) and _filled(grid[r][c])

    top, left, bottom, right = row, col, row, col
    grew = True
    while grew:
        grew = False
        if top > 0 and any(filled(top - 1, c) for c in range(left - 1, right + 2)):
            top, grew = top - 1, True
        if bottom < height - 1 and any(filled(bottom + 1, c) for c in range(left - 1, right + 2)):
            bottom, grew = bottom + 1, True
        if left > 0 and any(filled(r, left - 1) for r in range(top - 1, bottom + 2)):
            left, grew = left - 1, True
        if right < width - 1 and any(filled(r, right + 1) for r in range(top - 1, bottom + 2)):
            right, grew = right + 1, True
    return top, left, bottom, right


@contextmanager
def no_cyclic_gc() -> Iterator[None]:
    """Pause Python's cycle collector while a million small lists of cells are made (rows of a
    block): it would otherwise walk every live object again and again, most of the time such a
    step takes. Lists of cells hold no cycles, so nothing is left uncollected."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
