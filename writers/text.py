"""Text that a spreadsheet would change when it is written as a cell value, and how to keep it.

Writing a string into a live workbook (xlwings' ``range.value``, Office.js ``values``) is like
typing it: ``=1+1`` becomes a formula, ``00123`` the number 123, ``#N/A`` the error,
``03/04/2024`` a date, ``true`` the logical TRUE, ``'abc`` shows ``abc``. Text that came from
the input must show exactly as it was (OWASP "CSV Injection"; REFERENCES.md), so a writer asks
:func:`would_convert` and writes :func:`as_typed_text` instead: the text behind a leading
apostrophe, which Excel stores as the text itself. Numbers, dates and None are not text and
pass unchanged.

A column that holds only text can instead be given the text number format ``@``
(:func:`text_columns`) before it is written: then nothing in it is converted and no cell
needs a look, which matters for a million account names.

The rule is deliberately generous: a string is guarded when a spreadsheet *might* read it as
something else. Guarding text that would have stayed text costs nothing visible (the
apostrophe is not part of the cell's value); missing one changes the user's data.

No xlwings here: any writer of live cells can use it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from operator import itemgetter
from typing import Any

import numpy as np
import pandas as pd

from core.cells import EXCEL_ERRORS

#: The prefix that makes a spreadsheet keep typed text as text; not part of the stored value.
TEXT_PREFIX = "'"
# First characters that start a formula (= + - @) or that OWASP lists as formula starters
# (tab, carriage return); a leading apostrophe would be swallowed as the text prefix.
_LEADING = ("=", "+", "-", "@", "\t", "\r", "\n", TEXT_PREFIX)
_MONTHS = (
    r"jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|july|"
    r"august|september|october|november|december"
)
_CONVERTS = re.compile(
    r"\s*(?:"
    # number-like: signs, currency, thousand groups, decimals, exponent, %, accounting brackets, fractions
    r"[(]?\s*[-+]?\s*[$€£¥]?\s*[-+]?\s*(?:\d[\d,\s]*(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?\s*[$€£¥]?\s*%?\s*[)]?"
    r"|\d+\s+\d+/\d+|\d+/\d+"
    # date- or time-like: 3/4, 2024-03, 3.4.24, 10:30, 10:30 am, with or without a time
    r"|\d{1,4}\s*[-/.]\s*\d{1,2}(?:\s*[-/.]\s*\d{1,4})?(?:\s+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:am|pm|a|p)?)?"
    r"|\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:am|pm|a|p)?|\d{1,2}\s*(?:am|pm)"
    # month names: 1 Jan, 1-Jan-24, Jan 2024, March 3, 2024
    rf"|(?:\d{{1,2}}[\s\-/.]*)?(?:{_MONTHS})\.?(?:[\s\-/.,]*\d{{1,4}})?(?:[\s\-/.,]+\d{{1,4}})?"
    # logical values
    r"|true|false"
    r")\s*",
    re.IGNORECASE,
)


@lru_cache(maxsize=65536)
def would_convert(text: str) -> bool:
    """True when a spreadsheet, given ``text`` as a cell's value, might store something else.

    Parameters
    ----------
    text:
        The string to write.

    Returns
    -------
    bool
        True for formula-like text (starting with ``=``, ``+``, ``-``, ``@``, a tab, a
        carriage return or a line feed), text that starts with the apostrophe prefix,
        number-like text (``00123``, ``1,200``, ``$5``, ``12%``, ``1e5``, ``(300)``,
        ``1/2``), error names (``#N/A``, ``#SPILL!``), date- or time-like text (``2024``
        is a number, ``03/04/2024``, ``2024-03``, ``1-Jan``, ``March 2024``, ``10:30``)
        and logical values (``TRUE``, ``false``), with or without surrounding spaces.
        False for the empty string and for other text.

    Examples
    --------
    >>> [would_convert(t) for t in ("=1+1", "-5", "00123", "#N/A", "03/04/2024", "2024-Q3", "true")]
    [True, True, True, True, True, False, True]
    >>> [would_convert(t) for t in ("Acme Ltd", "A", "Protect", "", "FY 2024/25 plan", "Jane's")]
    [False, False, False, False, False, False]
    """
    if not text:
        return False
    if text.startswith(_LEADING):
        return True
    if text.strip().upper() in EXCEL_ERRORS:
        return True
    return _CONVERTS.fullmatch(text) is not None


def as_typed_text(value: Any) -> Any:
    """The value to write so that the cell holds exactly ``value``: guarded text, else ``value``.

    Examples
    --------
    >>> as_typed_text("00123"), as_typed_text("'quoted'"), as_typed_text("Acme"), as_typed_text(123.0)
    ("'00123", "''quoted'", 'Acme', 123.0)
    """
    if isinstance(value, str) and would_convert(value):
        return TEXT_PREFIX + value
    return value


#: Text number format: a cell formatted so takes what is written as text, whatever it looks like.
TEXT_FORMAT = "@"
# pandas' names for columns that hold no text at all (None and NaN skipped)
_NO_TEXT = {
    "empty",
    "floating",
    "integer",
    "mixed-integer-float",
    "decimal",
    "boolean",
    "datetime",
    "datetime64",
    "date",
    "time",
    "timedelta",
    "timedelta64",
    "period",
}


def text_columns(rows: list[list[Any]]) -> list[int]:
    """0-based columns whose filled cells are all text: give them :data:`TEXT_FORMAT` before
    writing, and their strings need no per-cell look.

    One C-speed type scan per column (pandas' ``infer_dtype``); blanks (None) do not count.

    Examples
    --------
    >>> text_columns([["Acme", 1.0, "A", None], ["00123", 2.0, None, None], ["Beta", "n/a", "B", None]])
    [0, 2]
    """
    if not rows:
        return []
    return [j for j in range(len(rows[0])) if pd.api.types.infer_dtype(_column(rows, j), skipna=True) == "string"]


def _column(rows: list[list[Any]], j: int) -> np.ndarray:
    column = np.empty(len(rows), dtype=object)
    column[:] = list(map(itemgetter(j), rows))
    return column


def rows_as_typed_text(rows: list[list[Any]], skip: Iterable[int] = ()) -> list[list[Any]]:
    """Rows of cell values with every string that :func:`would_convert` guarded by the prefix.

    Columns in ``skip`` (e.g. :func:`text_columns`, written into text-formatted cells) and
    columns without text are passed over at C speed; in the others each distinct text is
    checked once. ``rows`` is not changed: a row with a guarded cell is copied.

    Examples
    --------
    >>> rows_as_typed_text([["Acme", 1.0, "=HYPERLINK()"], ["2024", None, "B"]])
    [['Acme', 1.0, "'=HYPERLINK()"], ["'2024", None, 'B']]
    >>> rows_as_typed_text([["2024", "n/a"], ["2025", 3.0]], skip=[0])
    [['2024', 'n/a'], ['2025', 3.0]]
    """
    if not rows:
        return rows
    skipped = set(skip)
    out = list(rows)
    copied: set[int] = set()
    for j in range(len(rows[0])):
        if j in skipped:
            continue
        column = _column(rows, j)
        if pd.api.types.infer_dtype(column, skipna=True) in _NO_TEXT:
            continue
        text = np.flatnonzero(np.frompyfunc(isinstance, 2, 1)(column, str).astype(bool))
        codes, distinct = pd.factorize(column[text])
        converts = np.array([would_convert(t) for t in distinct], dtype=bool)
        for i in text[converts[codes]] if len(distinct) else ():
            if i not in copied:
                out[i] = list(out[i])
                copied.add(i)
            out[i][j] = TEXT_PREFIX + out[i][j]
    return out
