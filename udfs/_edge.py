"""What every worksheet function shares: reading a raw range and turning failures into cell text.

Arguments arrive with xlwings' "raw" converter (about 50x cheaper per cell than the default
converters) and are parsed here, vectorised, by core's cell parser; the functions return plain
lists with xlwings' "raw" return converter, so that a full column (1,048,575 rows) stays fast.

Row numbers in messages count from the first row of the range the user passed ("range row 3"),
since a worksheet function does not learn where its argument range starts.

A function that cannot compute returns an Excel error value, so that ISERROR, IFERROR and IF
see it: ``#VALUE!`` when the input cannot be used, ``#N/A`` where no value exists (an NPS with
no answers, a margin on zero revenue). Inside a spilled result each row that failed gets its
own error value. The reason is one step away: ``=SEGMENT_WHY("HHI", B:B)`` gives the same
result with each error replaced by its sentence, and SEGMENT_ISSUES lists every rejected cell.
xlwings 0.37 has no error-value type for worksheet functions (xlwings issue #776), so each
engine gets the form it hands to Excel as an error: classic xlwings on Windows a COM VARIANT of
type VT_ERROR (pywin32's ``win32com.client.VARIANT``, what VBA's CVErr makes), xlwings Lite and
Server the Office.js error object ``{"type": "Error", "errorType": "Value"}`` (the form xlwings'
own Office.js converter writes for "#VALUE!"), any other caller the error's text.

Whole-column arguments (``A:C``, a table column) are cut after their last row holding data, so
a function that answers row by row spills as many rows as there are filled ones.
"""

from __future__ import annotations

import contextvars
import functools
import hashlib
import operator
import pickle
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from core.accounts import AccountTable, parse_accounts
from core.cells import to_numbers
from core.errors import SegmenterInputError
from core.grid import as_block

PREFIX = "segmenter: "
METHOD_DOC = "tier method: pareto (default), rank, threshold or computed"
CUTOFFS_DOC = "tier bounds, e.g. 0.8,0.95 (pareto), 0.2,0.5 (rank), 1000000,100000 (threshold)"


def cell_errors(function: Callable[..., Any]) -> Callable[..., Any]:
    """Return an Excel error value instead of raising, the reason kept for SEGMENT_WHY.

    :class:`SegmenterInputError` becomes ``#VALUE!`` (``#N/A`` for :class:`NoValue`); any other
    exception ``#VALUE!`` too, never a traceback. Error values inside a returned array (rows
    that failed) are converted the same way.
    """

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        made = CellError.made
        try:
            result = function(*args, **kwargs)
        except SegmenterInputError as error:
            result = CellError(NA if isinstance(error, NoValue) else VALUE, PREFIX + _range_rows(str(error)))
        except Exception as error:  # the boundary with Excel: never hand it a traceback
            result = CellError(VALUE, f"{PREFIX}unexpected error ({type(error).__name__}: {error}); please report it")
        # a full column is 1,048,576 rows: look for error values only when some were made
        return to_excel(result, _engine(wrapper)) if CellError.made != made else result

    return wrapper


def _range_rows(message: str) -> str:
    return "range " + message if message.startswith("row ") else message


def accounts_from_range(accounts: Any) -> AccountTable:
    """An account range (rows of cells, header row optional) as a validated account table;
    rows after the last one holding data are dropped (a whole column ``A:C``)."""
    block = filled_block(accounts)
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
    block = filled_block(values)
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
        out[row - 1] = (CellError(VALUE, message),)
    return out


def rejected_rows(table: AccountTable, headers: Iterable[str]) -> dict[int, str]:
    """Sheet row -> message for rows with a rejected cell in one of the columns headed ``headers``."""
    issues = table.issues
    bad = issues[(issues["action"] == "rejected") & issues["column"].isin(list(headers))]
    return {int(r.sheet_row): f"range row {int(r.sheet_row)}, {r.column}: {r.reason}" for r in bad.itertuples()}


def table_output(headers: list[str], rows: list[list[Any]]) -> list[list[Any]]:
    """A spilled table: headers, then rows with None as ''."""
    return [headers] + [["" if v is None else v for v in row] for row in rows]


# ---------------------------------------------------------------------------- Excel error values

VALUE, NA = "#VALUE!", "#N/A"
#: Excel's error numbers (CVErr) and Office.js' error types for the errors the functions return.
ERROR_NUMBERS = {VALUE: 2015, NA: 2042}
OFFICE_JS_ERRORS = {VALUE: "Value", NA: "NotAvailable"}
#: CVErr(n) reaches Python through COM as this base plus n (an HRESULT of facility 0x0A).
CVERR_BASE = -2146828288
_EXPLAIN: contextvars.ContextVar[bool] = contextvars.ContextVar("segmenter_explain", default=False)


class NoValue(SegmenterInputError):
    """Input that is readable but holds no value to compute (no NPS answers): ``#N/A``."""


class CellError(str):
    """An Excel error value with its reason: the text is the error's name ("#VALUE!").

    Examples
    --------
    >>> error = CellError("#N/A", "no answers 0-10 in the range")
    >>> error == "#N/A", error.reason
    (True, 'no answers 0-10 in the range')
    """

    reason: str
    #: How many have been made (cell_errors looks through a result only when this moved).
    made = 0

    def __new__(cls, name: str, reason: str) -> CellError:
        if name not in ERROR_NUMBERS:
            raise ValueError(f"not an error value a function returns: {name!r}")
        error = super().__new__(cls, name)
        error.reason = reason
        CellError.made += 1
        return error


def _engine(function: Callable[..., Any]) -> str:
    """Which xlwings family decorated ``function``: "com" (classic, Excel on Windows), "officejs"
    (xlwings Lite and Server), or "python" (not decorated, called from Python)."""
    info = getattr(function, "__xlfunc__", None)
    if not isinstance(info, dict):
        return "python"
    return "com" if "sub" in info else "officejs"


def excel_error(error: CellError, engine: str) -> Any:
    """The value ``engine`` hands to Excel as the error value ``error``.

    Examples
    --------
    >>> excel_error(CellError("#N/A", "why"), "officejs")
    {'type': 'Error', 'errorType': 'NotAvailable'}
    >>> excel_error(CellError("#VALUE!", "why"), "python")
    '#VALUE!'
    """
    if engine == "officejs":
        return {"type": "Error", "errorType": OFFICE_JS_ERRORS[str(error)]}
    if engine == "com":
        import pythoncom
        from win32com.client import VARIANT

        return VARIANT(pythoncom.VT_ERROR, CVERR_BASE + ERROR_NUMBERS[str(error)])
    return str(error)


def to_excel(result: Any, engine: str) -> Any:
    """A function's result with each :class:`CellError` in the form ``engine`` hands to Excel;
    under :func:`explaining`, each replaced by its reason instead."""
    if _EXPLAIN.get():
        convert: Callable[[CellError], Any] = operator.attrgetter("reason")
    else:
        convert = functools.partial(excel_error, engine=engine)
    if isinstance(result, CellError):
        return convert(result)
    if isinstance(result, list) and result and isinstance(result[0], (list, tuple)):
        for index, row in enumerate(result):
            if any(isinstance(value, CellError) for value in row):
                result[index] = type(row)(convert(v) if isinstance(v, CellError) else v for v in row)
    return result


def explain(function: Callable[..., Any], *args: Any) -> Any:
    """Call a worksheet function with its error values replaced by their reasons (SEGMENT_WHY)."""
    token = _EXPLAIN.set(True)
    try:
        return function(*args)
    finally:
        _EXPLAIN.reset(token)


# ---------------------------------------------------------------------------- ranges and reuse


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def filled_block(value: Any) -> list[list[Any]]:
    """:func:`core.grid.as_block`, without the rows after the last one holding data.

    A whole-column argument (``A:C``) arrives with all 1,048,576 rows; a result that answers
    row by row then spills only as far as the data go.

    Examples
    --------
    >>> filled_block([["a", 1.0], [None, ""], ["b", None], [None, None], ["", " "]])
    [['a', 1.0], [None, ''], ['b', None]]
    """
    block = as_block(value)
    end = len(block)
    if not end:
        return block
    # whole empty rows compare at C speed; a row of other blanks ("", spaces) is checked cell by cell
    empty_rows = ([None] * len(block[0]), [""] * len(block[0]))
    step = 4096
    while end >= step and block[end - step : end].count(empty_rows[0]) == step:  # a full column: C speed
        end -= step
    while end and (block[end - 1] in empty_rows or all(map(_blank, block[end - 1]))):
        end -= 1
    return block if end == len(block) else block[:end]


REUSE_SIZE = 8


def reuse_last(function: Callable[..., Any]) -> Callable[..., Any]:
    """Give back the result of the last calls with the same argument values, without recomputing.

    For the functions that run a whole report (SEGMENT_FINDINGS): Excel recalculates them on
    every change anywhere in the workbook. The key is a BLAKE2 hash of the pickled arguments
    (cell values and options); the last :data:`REUSE_SIZE` results are kept. A copy of the
    stored rows is returned, so the caller may change them.
    """
    results: OrderedDict[bytes, Any] = OrderedDict()

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            key = hashlib.blake2b(pickle.dumps((args, sorted(kwargs.items())), protocol=5), digest_size=16).digest()
        except Exception:  # an argument pickle cannot take: compute as usual
            return function(*args, **kwargs)
        if key in results:
            results.move_to_end(key)
        else:
            results[key] = function(*args, **kwargs)
            while len(results) > REUSE_SIZE:
                results.popitem(last=False)
        stored = results[key]
        return [list(row) for row in stored] if isinstance(stored, list) else stored

    wrapper.cache_clear = results.clear  # type: ignore[attr-defined]
    return wrapper
