"""Text that a spreadsheet would change when it is written as a cell value, and how to keep it.

Writing a string into a live workbook (xlwings' ``range.value``, Office.js ``values``) is like
typing it: ``=1+1`` becomes a formula, ``00123`` the number 123, ``#N/A`` the error,
``03/04/2024`` a date, ``true`` the logical TRUE, ``'abc`` shows ``abc``. Text that came from
the input must show exactly as it was (OWASP "CSV Injection"; REFERENCES.md), so a writer asks
:func:`would_convert` and writes :func:`as_typed_text` instead: the text behind a leading
apostrophe, which Excel stores as the text itself. Numbers, dates and None are not text and
pass unchanged.

The rule is deliberately generous: a string is guarded when a spreadsheet *might* read it as
something else. Guarding text that would have stayed text costs nothing visible (the
apostrophe is not part of the cell's value); missing one changes the user's data.

No xlwings here: any writer of live cells can use it.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import numpy as np

from core.cells import EXCEL_ERRORS

#: The prefix that makes a spreadsheet keep typed text as text; not part of the stored value.
TEXT_PREFIX = "'"
# First characters that start a formula (= + - @) or that OWASP lists as formula starters
# (tab, carriage return); a leading apostrophe would be swallowed as the text prefix.
_LEADING = ("=", "+", "-", "@", "\t", "\r", "\n", TEXT_PREFIX)
_MONTHS = r"jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|july|august|september|october|november|december"
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


def rows_as_typed_text(rows: list[list[Any]]) -> list[list[Any]]:
    """Rows of cell values with every string that :func:`would_convert` guarded.

    Only the strings are looked at (one cached check per distinct text), so a million rows of
    numbers cost one type test per cell at C speed.

    Examples
    --------
    >>> rows_as_typed_text([["Acme", 1.0, "=HYPERLINK()"], ["2024", None, "B"]])
    [['Acme', 1.0, "'=HYPERLINK()"], ["'2024", None, 'B']]
    """
    if not rows:
        return rows
    cells = np.empty((len(rows), len(rows[0])), dtype=object)
    cells[:] = rows
    flat = cells.reshape(-1)
    text = np.flatnonzero(np.frompyfunc(isinstance, 2, 1)(flat, str).astype(bool))
    if text.size:
        guard = np.frompyfunc(would_convert, 1, 1)(flat[text]).astype(bool)
        flat[text[guard]] = [TEXT_PREFIX + t for t in flat[text[guard]]]
    return cells.tolist()
