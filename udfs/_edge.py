"""What every worksheet function shares: reading a raw range and turning failures into cell text.

Arguments arrive with xlwings' "raw" converter (about 50x cheaper per cell than the default
converters) and are parsed here, vectorised, by core's cell parser; the functions return plain
lists with xlwings' "raw" return converter, so that a full column (1,048,575 rows) stays fast.

Row numbers in messages count from the first row of the range the user passed ("range row 3"),
since a worksheet function does not learn where its argument range starts.
"""
from __future__ import annotations

import functools
from typing import Any, Callable, Iterable

import numpy as np

from core.accounts import AccountTable, parse_accounts
from core.cells import to_numbers
from core.errors import SegmenterInputError
from core.grid import as_block

PREFIX = "segmenter: "
METHOD_DOC = "tier method: pareto (default), rank, threshold or computed"
CUTOFFS_DOC = "tier bounds, e.g. 0.8,0.95 (pareto), 0.2,0.5 (rank), 1000000,100000 (threshold)"


def cell_errors(function: Callable[..., Any]) -> Callable[..., Any]:
    """Return a short readable text instead of raising: Excel shows it in the cell."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except SegmenterInputError as error:
            return PREFIX + _range_rows(str(error))
        except Exception as error:  # the boundary with Excel: never hand it a traceback
            return f"{PREFIX}unexpected error ({type(error).__name__}: {error}); please report it"

    return wrapper


def _range_rows(message: str) -> str:
    return "range " + message if message.startswith("row ") else message


def accounts_from_range(accounts: Any) -> AccountTable:
    """An account range (rows of cells, header row optional) as a validated account table."""
    block = as_block(accounts)
    if not block:
        raise SegmenterInputError("the range is empty")
    return parse_accounts(block, first_sheet_row=1)


def numbers_column(cells: Any, name: str, first_row: int = 1) -> np.ndarray:
    """A column of cells as floats, aligned with the cells (blank -> NaN).

    Any cell that is neither blank nor a number (or a number typed as text) raises, naming its
    row, so a function never returns a figure computed on silently dropped cells.
    """
    cells = np.asarray(cells, dtype=object).reshape(-1)
    parsed = to_numbers(cells, column=name, sheet_rows=np.arange(first_row, first_row + cells.size))
    rejected = parsed.issues[parsed.issues["action"] == "rejected"]
    if len(rejected):
        first = rejected.iloc[0]
        more = f" (and {len(rejected) - 1} more)" if len(rejected) > 1 else ""
        raise SegmenterInputError(f"{first['reason']}{more}", row=int(first["sheet_row"]), column=name)
    return parsed.values


def single_column(values: Any, name: str) -> list[Any]:
    """The cells of a one-column (or one-row) range as a flat list."""
    block = as_block(values)
    if len(block) > 1 and len(block[0]) > 1:
        raise SegmenterInputError("expected one column, got several", column=name)
    return [v for row in block for v in row]


def has_text_header(cells: list[Any]) -> bool:
    """True when the first cell is text that is not a number: a header to skip."""
    if not cells or not isinstance(cells[0], str) or not cells[0].strip():
        return False
    parsed = to_numbers(np.array(cells[:1], dtype=object), column="header", sheet_rows=np.array([1]))
    return bool(np.isnan(parsed.values[0]))


def numbers_from_range(values: Any, name: str) -> np.ndarray:
    """The numbers of a one-column range; blanks and a text header in the first cell skipped."""
    cells = single_column(values, name)
    skip = 1 if has_text_header(cells) else 0
    numbers = numbers_column(cells[skip:], name, first_row=1 + skip)
    return numbers[~np.isnan(numbers)]


def scalar(value: Any, name: str, default: Any = None) -> Any:
    """An optional scalar argument: blank -> default; a one-cell range -> its value."""
    if isinstance(value, (list, tuple)):
        block = as_block(value)
        if len(block) != 1 or len(block[0]) != 1:
            raise SegmenterInputError("expected a single value, not a range", column=name)
        value = block[0][0]
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    return value


def values_list(value: Any) -> Any:
    """An optional list argument: a range of cells -> its non-blank values; text or a number as is."""
    if isinstance(value, (list, tuple)):
        return [v for row in as_block(value) for v in row if v is not None and str(v).strip() != ""] or None
    return scalar(value, "cutoffs")


def column_output(table: AccountTable, positions: np.ndarray, values: np.ndarray, header: str) -> list[tuple[Any]]:
    """One output cell per input row: ``values`` at ``positions`` (0-based rows of the range),
    the header beside the header row, '' beside blank, title, total and footer rows."""
    out = np.full(table.n_input_rows, "", dtype=object)
    if table.header_position is not None:
        out[table.header_position] = header
    out[np.asarray(positions, dtype=np.int64)] = values
    # rows as 1-tuples: a 2-D result for Excel, built at C speed for a full column
    return list(zip(out.tolist()))


def mark_rejected(table: AccountTable, roles: tuple[str, ...], out: list[tuple[Any]]) -> list[tuple[Any]]:
    """Replace the output of rows with a rejected cell in one of ``roles`` by a pointer to the issue."""
    headers = {table.columns.get(role) for role in roles} - {None}
    for row, message in rejected_rows(table, headers).items():
        out[row - 1] = (message,)
    return out


def rejected_rows(table: AccountTable, headers: Iterable[str]) -> dict[int, str]:
    """Sheet row -> message for rows with a rejected cell in one of the columns headed ``headers``."""
    issues = table.issues
    bad = issues[(issues["action"] == "rejected") & issues["column"].isin(list(headers))]
    return {int(r.sheet_row): f"! {r.column} {r.value!r} rejected: see SEGMENT_ISSUES" for r in bad.itertuples()}


def table_output(headers: list[str], rows: list[list[Any]]) -> list[list[Any]]:
    """A spilled table: headers, then rows with None as ''."""
    return [headers] + [["" if v is None else v for v in row] for row in rows]
