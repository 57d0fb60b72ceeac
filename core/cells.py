"""Read Excel cell values, column by column and vectorised: numbers, text and dates.

Values arrive as xlwings gives them: ``float`` (sometimes ``int`` or ``bool``), ``str``,
``None`` for empty cells, ``datetime.datetime`` for dates (tz-aware ones from COM, whose
pywintypes dates carry UTC while showing the sheet's clock time), Excel errors as text
(``"#N/A"``), in xlwings' raw converter on Windows as ``int`` CVErr codes (any code of the
range, :func:`excel_error`) and on macOS as appscript's ``k.missing_value``;
``decimal.Decimal`` for a currency-formatted cell on Windows; float NaN / inf come from
DataFrames. This module is the one place that knows these shapes.

Every reader returns a :class:`ParsedColumn`: the parsed values plus an issues table with
one row per cell that was coerced (read, but not as typed) or rejected (left missing).
Blank cells are never reported; callers decide whether a missing value matters.

Speed: a column is classified with numpy/pandas type masks; only the cells that are not
plain numbers (text, logical values, dates, errors) go through per-cell Python code, and
identical texts are parsed once.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from core.dates import SLASH_DATE
from core.dates import read_texts as read_day_month_texts

ISSUE_COLUMNS = ("sheet_row", "column", "value", "action", "reason")

#: Excel error values as the sheet shows them.
EXCEL_ERRORS = frozenset(
    {
        "#N/A",
        "#DIV/0!",
        "#VALUE!",
        "#REF!",
        "#NAME?",
        "#NUM!",
        "#NULL!",
        "#GETTING_DATA",
        "#SPILL!",
        "#CALC!",
        "#FIELD!",
        "#BUSY!",
        "#BLOCKED!",
        "#CONNECT!",
        "#UNKNOWN!",
    }
)

#: COM delivers an error cell as the int CVERR_BASE + code (0x800A0000 + code, as a signed
#: 32-bit int): #N/A is code 2042, so -2146826246.
CVERR_BASE = -2146828288
#: Excel's error codes (XlCVError); codes not listed (Excel adds new errors) are still errors.
CVERR_CODES = {
    2000: "#NULL!",
    2007: "#DIV/0!",
    2015: "#VALUE!",
    2023: "#REF!",
    2029: "#NAME?",
    2036: "#NUM!",
    2042: "#N/A",
    2043: "#GETTING_DATA",
    2045: "#SPILL!",
    2046: "#CONNECT!",
    2047: "#BLOCKED!",
    2048: "#UNKNOWN!",
    2049: "#FIELD!",
    2050: "#CALC!",
}
#: COM error codes (Python ``int``) of the errors Excel names today.
COM_ERROR_CODES = {CVERR_BASE + code: name for code, name in CVERR_CODES.items()}
# Every int a VT_ERROR in FACILITY_CONTROL can carry: 0x800A0000 to 0x800AFFFF.
_CVERR_LAST = CVERR_BASE + 0xFFFF
#: What segmenter calls an error cell whose kind the engine does not say (macOS gives
#: appscript's ``k.missing_value`` for every error cell).
UNNAMED_ERROR = "#ERROR!"

# Excel's 1900 date system: serial 1 = 1900-01-01, serial 60 = the fictitious 1900-02-29,
# serial 61 = 1900-03-01, so from 61 on the epoch is 1899-12-30 and before 60 it is 1899-12-31.
_EPOCH_FROM_61 = np.datetime64("1899-12-30", "ms")
_EPOCH_BEFORE_60 = np.datetime64("1899-12-31", "ms")
_MS_PER_DAY = 86_400_000
_LAST_EXCEL_SERIAL = 2_958_465  # 9999-12-31
# datetime64[ns] ends on 2262-04-11, so the last whole day it holds is 2262-04-10
_LAST_NS_SERIAL = (_dt.date(2262, 4, 10) - _dt.date(1899, 12, 30)).days
_NS_MIN = np.datetime64("1677-09-22", "us")
_NS_MAX = np.datetime64("2262-04-11", "us")

#: What a reader may already know of each cell it hands over (``kinds``, an int8 per cell; see
#: :func:`to_numbers`): empty (None), a number (a Python float or int), text with no
#: whitespace at either end and not empty, another value (a date), or unknown (looked at as any cell).
CELL_BLANK, CELL_NUMBER, CELL_TEXT, CELL_OTHER, CELL_UNKNOWN = 0, 1, 2, 3, -1
_BLANK, _NUMBER, _TEXT, _OTHER = CELL_BLANK, CELL_NUMBER, CELL_TEXT, CELL_OTHER

#: The largest magnitude read as a number: 1e15, the 15 significant digits Excel keeps. Larger
#: values (1e308, inf) would overflow sums and squares into inf or NaN; they are rejected.
MAX_NUMBER = 1e15


def _size_reason(number: float) -> str:
    if not np.isfinite(number):
        return "not a finite number"
    return (
        f"{float(number):g} is too large: numbers above 1e15 in size (Excel keeps 15 digits) would overflow the figures"
    )


@dataclass(frozen=True)
class ParsedColumn:
    """One column read from cells.

    Attributes
    ----------
    values:
        ``float64`` (:func:`to_numbers`, NaN where blank or rejected), ``object`` with
        ``str`` or ``None`` (:func:`to_text`) or ``datetime64[ns]`` with NaT
        (:func:`to_dates`); same length and order as the input.
    issues:
        One row per coerced or rejected cell, columns :data:`ISSUE_COLUMNS`.
    blank:
        Which cells were blank (as :func:`is_blank`), so a caller need not classify the
        column a second time.
    """

    values: np.ndarray
    issues: pd.DataFrame
    blank: np.ndarray


def issues_frame(records: Iterable[Any] | Mapping[str, Any] = ()) -> pd.DataFrame:
    """The issues table: ``sheet_row, column, value, action, reason``.

    Parameters
    ----------
    records:
        Rows as tuples in :data:`ISSUE_COLUMNS` order or as dicts, or a mapping of
        column name to an array (or one scalar for every row).

    Returns
    -------
    pandas.DataFrame
        Exactly the five columns, ``sheet_row`` as int64; an empty input gives an empty
        table that still has the columns.

    Examples
    --------
    >>> issues_frame([(3, "revenue", "#N/A", "rejected", "Excel error #N/A")]).values.tolist()
    [[3, 'revenue', '#N/A', 'rejected', 'Excel error #N/A']]
    >>> list(issues_frame().columns)
    ['sheet_row', 'column', 'value', 'action', 'reason']
    """
    if isinstance(records, Mapping):
        frame = pd.DataFrame(dict(records), columns=list(ISSUE_COLUMNS))
    else:
        rows = [r if isinstance(r, Mapping) else dict(zip(ISSUE_COLUMNS, r)) for r in records]
        frame = pd.DataFrame(rows, columns=list(ISSUE_COLUMNS))
    frame = frame.astype({"sheet_row": "int64", "column": "str", "value": "str", "action": "str", "reason": "str"})
    return frame.reset_index(drop=True)


def excel_error(value: Any) -> str | None:
    """The Excel error a cell holds (``"#N/A"``), or None when it holds none.

    Notes
    -----
    - Text that is an error's name (``"#N/A"``), spaces around it allowed.
    - An ``int`` from COM (Windows) in the CVErr range ``CVERR_BASE`` to ``CVERR_BASE +
      65535``: its name when Excel names it today (:data:`CVERR_CODES`, e.g. #SPILL! =
      code 2045), else ``"#ERROR! (code N)"``, so that an error Excel adds later is still
      an error and never a revenue of about -2.1e9. A float of the same value is a number.
    - appscript's ``k.missing_value`` (macOS, any error cell): :data:`UNNAMED_ERROR`.

    Examples
    --------
    >>> excel_error(-2146826246), excel_error(" #DIV/0! "), excel_error(-2146826246.0)
    ('#N/A', '#DIV/0!', None)
    >>> excel_error(CVERR_BASE + 2045), excel_error(CVERR_BASE + 2060)
    ('#SPILL!', '#ERROR! (code 2060)')
    """
    if isinstance(value, str):
        text = value.strip()
        return text if text in EXCEL_ERRORS else None
    if isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_)):
        number = int(value)
        if CVERR_BASE <= number <= _CVERR_LAST:
            code = number - CVERR_BASE
            return CVERR_CODES.get(code, f"{UNNAMED_ERROR} (code {code})")
        return None
    if _is_missing_value(value):
        return UNNAMED_ERROR
    return None


def _is_missing_value(value: Any) -> bool:
    """appscript's ``k.missing_value``, recognised without importing appscript (macOS only)."""
    return getattr(type(value), "__name__", "") == "Keyword" and getattr(value, "AS_name", None) == "missing_value"


def cell_text(value: Any) -> str:
    """A cell as the user sees it, for messages: ``"1,200.50"``, ``"#N/A"``, ``"1001"``, ``"TRUE"``.

    Examples
    --------
    >>> cell_text(1001.0), cell_text(True), cell_text(-2146826281), cell_text(None), cell_text(Decimal("50.10"))
    ('1001', 'TRUE', '#DIV/0!', '', '50.1')
    """
    error = excel_error(value)
    if error is not None:
        return error
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float, np.integer, np.floating, Decimal)):
        return _number_text(float(value))
    if isinstance(value, (_dt.date, np.datetime64)):
        return _date_text(pd.Timestamp(_naive(value)))
    return str(value)


def may_hold_text(values: np.ndarray) -> bool:
    """Whether a column of cells may hold text: False for one of numbers, dates or blanks only,
    told at C speed by pandas' ``infer_dtype``, which says "string", "mixed" or "mixed-integer"
    whenever a cell is text.

    >>> may_hold_text(np.array([2024, 2025, None], dtype=object)), may_hold_text(np.array([1.0, "a"], dtype=object))
    (False, True)
    """
    return pd.api.types.infer_dtype(values, skipna=True) in ("string", "mixed", "mixed-integer")


def text_positions(values: np.ndarray, kinds: np.ndarray | None = None) -> np.ndarray:
    """Positions of the cells that are Python strings (``type(cell) is str``), in order: none for
    a column that cannot hold text (:func:`may_hold_text`), else the cells' types looked at
    (only those of unknown kind when the reader's ``kinds`` are given, see :func:`to_numbers`).

    >>> text_positions(np.array([1.0, None, 2.5], dtype=object)).tolist()
    []
    >>> text_positions(np.array(["a", 1.0, None, np.str_("b"), "c"], dtype=object)).tolist()
    [0, 4]
    >>> cells = np.array(["a", 1.0, " b "], dtype=object)
    >>> text_positions(cells, np.array([CELL_TEXT, CELL_NUMBER, CELL_UNKNOWN], dtype=np.int8)).tolist()
    [0, 2]
    """
    values = np.asarray(values, dtype=object)
    if kinds is not None and len(kinds) == len(values):
        unknown = np.flatnonzero(kinds == CELL_UNKNOWN)
        known = np.flatnonzero(kinds == CELL_TEXT)
        if not unknown.size:
            return known
        return np.union1d(known, unknown[text_positions(values[unknown])])
    if not may_hold_text(values):
        return np.zeros(0, dtype=np.intp)
    return np.flatnonzero(np.frompyfunc(type, 1, 1)(values) == str)  # noqa: E721 (an array of types: no `is`)


def is_blank(values: Any, kinds: np.ndarray | None = None) -> np.ndarray:
    """Which cells are empty: None, NaN/NaT, ``""`` or whitespace-only text (``kinds``: as for
    :func:`to_numbers`).

    Examples
    --------
    >>> is_blank(np.array([None, float("nan"), "  ", "x", 0.0], dtype=object)).tolist()
    [True, True, True, False, False]
    """
    if kinds is not None and not (kinds == CELL_UNKNOWN).any():
        return kinds == _BLANK
    return _classify(values, kinds).kind == _BLANK


# --------------------------------------------------------------------------- numbers


def to_numbers(
    values: Any, *, column: str, sheet_rows: np.ndarray, percent_ok: bool = False, kinds: np.ndarray | None = None
) -> ParsedColumn:
    """Read a column of cells as numbers.

    Parameters
    ----------
    values:
        1-D array or list of cell values.
    column:
        Column name for the issues table.
    sheet_rows:
        The sheet row number of each cell (same length as ``values``).
    percent_ok:
        Read ``"12%"`` as 0.12; otherwise percentage text is rejected.
    kinds:
        What the reader already knows of each cell (``CELL_*``, int8, same length as ``values``),
        or None: a cell it marks is not looked at again (a CSV's million numbers and texts are
        typed by the reader, column by column). The result is the same either way.

    Returns
    -------
    ParsedColumn
        ``values`` float64, NaN where the cell is blank or rejected.

    Notes
    -----
    - Numbers (float, int, and ``Decimal``, which COM gives for a currency-formatted cell)
      pass unchanged as floats; ``TRUE``/``FALSE`` are rejected, not read as 1/0.
    - Text that is a plain number is coerced and reported ("text read as the number
      1200.5"): surrounding spaces, comma thousand groups of exactly three digits
      (``"1,200.50"``), a sign, accounting negatives ``"(1,200)"`` = -1200, exponents
      ``"1.2e6"``, one ``$``, ``€`` or ``£`` before or after the number.
    - Rejected and reported (left NaN): Excel errors, inf/-inf and any number above
      :data:`MAX_NUMBER` (1e15) in size, dates, suffixes
      (``"$1.2k"``, ``"1.2m"``), words (``"12 units"``), decimal commas (``"1.200,50"``),
      anything else (``"n/a"``).
    - Blank cells give NaN and no issue.

    Examples
    --------
    >>> parsed = to_numbers(np.array([1200.0, " 1,200.50 ", "(300)", "n/a", None], dtype=object),
    ...                     column="revenue", sheet_rows=np.arange(2, 7))
    >>> parsed.values.tolist()
    [1200.0, 1200.5, -300.0, nan, nan]
    >>> parsed.issues[["sheet_row", "action", "reason"]].values.tolist()
    [[3, 'coerced', 'text read as the number 1200.5'], [4, 'coerced', 'text read as the number -300'], [5, 'rejected', "'n/a' is not a number"]]
    """  # noqa: E501
    cells = _classify(values, kinds)
    out = cells.numbers.copy()
    found = _Found()
    infinite = (cells.kind == _NUMBER) & ~(np.abs(out) <= MAX_NUMBER)
    found.add(np.flatnonzero(infinite), "rejected", [_size_reason(x) for x in out[infinite]])
    out[infinite] = np.nan

    text_idx = np.flatnonzero(cells.kind == _TEXT)
    if text_idx.size:
        texts = cells.text[text_idx]
        # plain decimal text ("1200", "-3.5", "1e6") in one vectorised step, the rest one by one
        quick = pd.to_numeric(texts, errors="coerce")
        quick = np.asarray(quick, dtype=np.float64)
        plain = np.abs(quick) <= MAX_NUMBER
        read = {i: _parse_number_text(text, percent_ok) for i, text in zip(text_idx[~plain], texts[~plain])}
        if any(r.decimal_comma for r in read.values()):  # then "1.200" may be 1200: judged with the others
            dotted = plain & pd.Series(texts, dtype=object).str.fullmatch(_COMMA_OR_DOT_GROUP_RE).to_numpy(dtype=bool)
            read.update({i: _parse_number_text(text, percent_ok) for i, text in zip(text_idx[dotted], texts[dotted])})
            plain &= ~dotted
        out[text_idx[plain]] = quick[plain]
        found.add(text_idx[plain], "coerced", _prefix_all("text read as the number ", _number_texts(quick[plain])))
        # a plain text with a decimal point ("0.8", not "1.200") shows the column's mark is a point
        dotted_plain = pd.Series(texts[plain], dtype=object)
        decimal_point = (
            bool(
                (
                    dotted_plain.str.contains(".", regex=False) & ~dotted_plain.str.fullmatch(_COMMA_OR_DOT_GROUP_RE)
                ).any()
            )
            if plain.any()
            else False
        )
        read = _unambiguous(read, cells, decimal_point)
        for i, parsed in read.items():
            out[i] = parsed.value
            found.add_one(i, parsed.action, parsed.reason)
    for i in np.flatnonzero(cells.kind == _OTHER):
        out[i], action, reason = _parse_number_other(cells.raw[i])
        found.add_one(i, action, reason)
    return ParsedColumn(out, found.frame(cells, column, sheet_rows), cells.kind == _BLANK)


#: Currency marks read before or after a number: symbols and ISO 4217 codes of common currencies.
CURRENCIES = {
    "$": "USD",
    "US$": "USD",
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "USD": "USD",
    "EUR": "EUR",
    "GBP": "GBP",
    "CHF": "CHF",
    "JPY": "JPY",
    "CAD": "CAD",
    "AUD": "AUD",
    "NZD": "NZD",
    "SEK": "SEK",
    "NOK": "NOK",
    "DKK": "DKK",
    "PLN": "PLN",
    "CZK": "CZK",
    "INR": "INR",
    "CNY": "CNY",
    "ZAR": "ZAR",
    "BRL": "BRL",
    "MXN": "MXN",
    "SGD": "SGD",
    "HKD": "HKD",
    # dollar and real signs with their country's letters, as Brazil, Australia, Canada, Mexico,
    # New Zealand, Hong Kong and Singapore write amounts; and single-currency signs
    "R$": "BRL",
    "A$": "AUD",
    "AU$": "AUD",
    "C$": "CAD",
    "CA$": "CAD",
    "MX$": "MXN",
    "NZ$": "NZD",
    "HK$": "HKD",
    "S$": "SGD",
    "₹": "INR",
    "zł": "PLN",
    "Kč": "CZK",
}
_SIGNS = sorted((c for c in CURRENCIES if not c.isascii() or "$" in c), key=len, reverse=True)
_CUR = (
    r"(?:"
    + "|".join(re.escape(c) for c in _SIGNS if len(c) > 1)
    + r"|[$€£¥₹]|(?i:"
    + "|".join(c for c in CURRENCIES if c.isalpha() and c.isascii())
    + r")(?![A-Za-z]))"
)
_NUMBER_RE = re.compile(
    rf"(?P<sign1>[-+\u2212]?)\s*(?P<cur1>{_CUR}?)\s*(?P<sign2>[-+\u2212]?)"
    # a thousands group never follows a leading 0: "0,125" is no 125 (see _CENTS_COMMA_RE)
    r"(?:(?P<body>(?:[1-9]\d{0,2}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+)(?P<exp>[eE][-+]?\d+)?"
    # a decimal comma after dot or space thousands (1.200,50; 1 200,50), or two or more dot groups (1.200.000)
    r"|(?P<eu>\d{1,3}(?:\.\d{3})+,\d+|\d{1,3}(?:[ \u00a0\u202f]\d{3})+,\d+|\d{1,3}(?:\.\d{3}){2,}))"
    rf"\s*(?P<cur2>{_CUR}?)\s*(?P<pct>%?)"
)
_SUFFIX_RE = re.compile(r"[-+(]?\s*[$€£]?\s*[-+]?[\d.,]*\d[\d.,]*\s*(?:k|m|mm|mn|mio|bn|b|t)\.?\s*\)?", re.I)
_WORDS_RE = re.compile(r"[-+(]?\s*[$€£]?\s*[-+]?[\d.,]*\d[\d.,]*\s*[^\W\d_].*", re.S)
_DECIMAL_COMMA_RE = re.compile(
    rf"[-+]?\s*{_CUR}?\s*(?:\d{{1,3}}(?:\.\d{{3}})+(?:,\d+)?|\d+,\d{{1,2}}|\d+,\d{{4,}})\s*{_CUR}?"
)
#: One comma with two digits after it (``730,00``, ``€ 730,00``, ``-300,00 €``): a thousands group has
#: three digits, so this is a decimal comma, as every amount of a European export writes cents. So is
#: a comma after a lone 0 with three digits (``0,125``): a thousands group never follows a leading 0.
_CENTS_COMMA_RE = re.compile(
    rf"(?P<sign1>[-+\u2212]?)\s*(?P<cur1>{_CUR}?)\s*(?P<sign2>[-+\u2212]?)"
    r"(?P<int>(?P<zero>0+)|\d+),(?P<dec>(?(zero)\d{2,3}|\d{2}))"
    rf"\s*(?P<cur2>{_CUR}?)"
)
#: A comma with one or four-plus digits after it (``12,5``): read as a decimal comma only in a column that
#: shows decimal commas elsewhere (and no decimal point), else rejected as ambiguous.
_SHORT_COMMA_RE = re.compile(
    rf"(?P<sign1>[-+\u2212]?)\s*(?P<cur1>{_CUR}?)\s*(?P<sign2>[-+\u2212]?)(?P<int>\d+),(?P<dec>\d|\d{{4,}})"
    rf"\s*(?P<cur2>{_CUR}?)"
)
#: Texts another convention reads differently: "1,200" (1200, or 1.2 with a decimal comma), "1.200".
_COMMA_OR_DOT_GROUP_RE = re.compile(r"[^\d]*\d{1,3}(?:,\d{3})+[^\d.,]*|[^\d]*\d{1,3}\.\d{3}[^\d.,]*")


class _NumberText(NamedTuple):
    value: float
    action: str | None
    reason: str | None
    currency: str | None = None  # ISO code of a currency mark
    decimal_comma: bool = False  # read with dots or spaces between thousands


@lru_cache(maxsize=8192)
def _parse_number_text(text: str, percent_ok: bool) -> _NumberText:
    """(value, action, reason, currency, decimal_comma) for one stripped, non-blank text cell."""
    if text in EXCEL_ERRORS:
        return _NumberText(np.nan, "rejected", f"Excel error {text}")
    trailing = _TRAILING_SIGN_RE.fullmatch(text)
    if trailing:
        return _trailing_sign(text, trailing, percent_ok)
    accounting = text.startswith("(") and text.endswith(")")
    inner = text[1:-1].strip() if accounting else text
    match = _NUMBER_RE.fullmatch(inner)
    if (
        match
        and not (match["sign1"] and match["sign2"])
        and not (match["cur1"] and match["cur2"])
        and not (accounting and (match["sign1"] or match["sign2"]))
        and not (match["pct"] and (match["cur1"] or match["cur2"]))
    ):
        if match["pct"] and not percent_ok:
            return _NumberText(np.nan, "rejected", f"'{text}' is a percentage; this column takes amounts, not %")
        eu = match["eu"]
        if eu:
            mantissa = re.sub(r"[.\s\u00a0\u202f]", "", eu).replace(",", ".")
            exponent = 0
        else:
            mantissa = match["body"].replace(",", "")
            exponent = int(match["exp"][1:]) if match["exp"] else 0
        # shifting the exponent keeps '34.1%' exactly 0.341 (34.1 / 100 is 0.34099999999999997)
        number = float(f"{mantissa}e{exponent - 2 if match['pct'] else exponent}")
        if accounting or (match["sign1"] or match["sign2"]) in ("-", "\u2212"):
            number = -number
        if not abs(number) <= MAX_NUMBER:
            return _NumberText(np.nan, "rejected", _size_reason(number))
        mark = match["cur1"] or match["cur2"]
        currency = CURRENCIES.get(mark.upper() if mark.isalpha() and mark.isascii() else mark) if mark else None
        how = (
            "text with a decimal comma read as the number "
            if eu and "," in eu
            else "text with dots between thousands read as the number "
            if eu
            else "text read as the number "
        )
        return _NumberText(number, "coerced", how + _number_text(number), currency, bool(eu))
    if _SUFFIX_RE.fullmatch(text):
        return _NumberText(np.nan, "rejected", f"'{text}' is not a plain number (suffixes like k/m are not guessed)")
    cents = _CENTS_COMMA_RE.fullmatch(inner)
    if cents:
        return _comma_decimal(text, cents, accounting)
    if _DECIMAL_COMMA_RE.fullmatch(text):
        return _NumberText(
            np.nan,
            "rejected",
            f"'{text}' looks like a decimal comma (European format) but could be read "
            "either way; write 1.200,50 with thousands dots, or 1200.50",
        )
    if _WORDS_RE.fullmatch(text):
        return _NumberText(np.nan, "rejected", f"'{text}' is not a plain number (units or words after it are not read)")
    return _NumberText(np.nan, "rejected", f"'{text}' is not a number")


def _comma_decimal(text: str, match: re.Match, accounting: bool = False) -> _NumberText:
    """``730,00`` (a match of :data:`_CENTS_COMMA_RE` or :data:`_SHORT_COMMA_RE`) read with a decimal comma.

    >>> (_comma_decimal("€ 730,00", _CENTS_COMMA_RE.fullmatch("€ 730,00"))[:2],
    ...  _comma_decimal("€ 730,00", _CENTS_COMMA_RE.fullmatch("€ 730,00")).currency)
    ((730.0, 'coerced'), 'EUR')
    """
    if (
        (match["sign1"] and match["sign2"])
        or (match["cur1"] and match["cur2"])
        or (accounting and (match["sign1"] or match["sign2"]))
    ):
        return _NumberText(np.nan, "rejected", f"'{text}' is not a number")
    number = float(f"{match['int']}.{match['dec']}")
    if accounting or (match["sign1"] or match["sign2"]) in ("-", "\u2212"):
        number = -number
    mark = match["cur1"] or match["cur2"]
    currency = CURRENCIES.get(mark.upper() if mark.isalpha() and mark.isascii() else mark) if mark else None
    return _NumberText(
        number, "coerced", "text with a decimal comma read as the number " + _number_text(number), currency, True
    )


#: A sign written after the number: SAP's and DATEV's trailing minus (``2.273,92-``), and the
#: ledger marks ``CR`` (credit: negative) and ``DR`` (debit: positive).
_TRAILING_SIGN_RE = re.compile(r"(?P<body>[^-+\s].*?\d[.,]?\d*)\s*(?P<mark>-|\u2212|(?i:cr|dr)\.?)")
#: The number part of SAP's trailing-minus format with a decimal comma: two decimals always.
_SAP_COMMA_RE = re.compile(r"\d{1,3}(?:\.\d{3})*,\d{2}")


def _trailing_sign(text: str, match: re.Match, percent_ok: bool) -> _NumberText:
    """A number with its sign after it: the body read as any number text, then signed.

    >>> _trailing_sign("2.273,92-", _TRAILING_SIGN_RE.fullmatch("2.273,92-"), False).value
    -2273.92
    >>> _trailing_sign("1,200.00 CR", _TRAILING_SIGN_RE.fullmatch("1,200.00 CR"), False).value
    -1200.0
    """
    body, mark = match["body"].strip(), match["mark"].lower().rstrip(".")
    if _SAP_COMMA_RE.fullmatch(body) and "." not in body:  # 273,92-: two decimals after a comma, never thousands
        inner = _NumberText(float(body.replace(",", ".")), "coerced", "", None, True)
    else:
        inner = _parse_number_text(body, percent_ok)
    if inner.action != "coerced":
        return _NumberText(np.nan, "rejected", f"'{text}' is not a number")
    negative = mark in ("-", "\u2212", "cr")
    number = -abs(inner.value) if negative else inner.value
    how = {
        "-": "a trailing minus",
        "\u2212": "a trailing minus",
        "cr": "CR (credit, negative)",
        "dr": "DR (debit, positive)",
    }[mark]
    return _NumberText(
        number,
        "coerced",
        f"text with {how} read as the number {_number_text(number)}",
        inner.currency,
        inner.decimal_comma,
    )


def _unambiguous(read: dict[int, _NumberText], cells: _Cells, decimal_point: bool = False) -> dict[int, _NumberText]:
    """Refuse the cells a column shows could be read two ways: with decimal commas in the column,
    "1,200" and "1.200" (1200 or 1.2); with two currencies, the cells not in the commonest one."""
    if any(r.decimal_comma for r in read.values()):
        example = next(cells.text[i] for i, r in read.items() if r.decimal_comma)
        points = decimal_point or any(
            r.action == "coerced" and not r.decimal_comma and _POINT_AND_GROUPS_RE.fullmatch(cells.text[i])
            for i, r in read.items()
        )
        for i, r in read.items():  # '12,5' in a column of decimal commas is 12.5: the column's mark decides
            short = None if points or r.action != "rejected" else _SHORT_COMMA_RE.fullmatch(cells.text[i].strip("()"))
            if short:
                read[i] = _comma_decimal(cells.text[i], short, cells.text[i].startswith("("))
        for i, r in read.items():
            if r.action == "coerced" and not r.decimal_comma and _COMMA_OR_DOT_GROUP_RE.fullmatch(cells.text[i]):
                read[i] = _NumberText(
                    np.nan,
                    "rejected",
                    f"'{cells.text[i]}' is ambiguous in a column with decimal "
                    f"commas ('{example}'): it could be {r.value:g} or a decimal; type it without "
                    "thousands separators",
                )
    elif not decimal_point:
        _short_comma_groups(read, cells)
    _one_decimal_mark(read, cells)
    currencies = pd.Series([r.currency for r in read.values() if r.currency])
    if currencies.nunique() > 1:
        main = currencies.value_counts().index[0]
        for i, r in read.items():
            if r.currency and r.currency != main:
                read[i] = _NumberText(
                    np.nan,
                    "rejected",
                    f"'{cells.text[i]}' is in {r.currency} while the column is "
                    f"mostly {main}: amounts in two currencies are not added up (convert them first)",
                )
    return read


def _short_comma_groups(read: dict[int, _NumberText], cells: _Cells) -> None:
    """A column that writes "12,5" (refused alone: a decimal comma, or a typo) and no decimal point
    also refuses its "1,234" and "1.234": a file reader, seeing the same column, reads them with
    decimal commas (1.234), and one text is never two numbers (readers/decimals.py).

    >>> texts = np.array(["12,5", "1,234", "7"], dtype=object)
    >>> to_numbers(texts, column="x", sheet_rows=np.arange(1, 4)).values.tolist()
    [nan, nan, 7.0]
    """
    short = next(
        (cells.text[i] for i, r in read.items() if r.action == "rejected" and _SHORT_COMMA_RE.fullmatch(cells.text[i])),
        None,
    )
    if short is None:
        return
    for i, r in read.items():
        text = cells.text[i]
        if r.action == "coerced" and "." in text and not _COMMA_OR_DOT_GROUP_RE.fullmatch(text):
            return  # the column writes decimal points ("3.75"): its "1,234" is 1234
    for i, r in read.items():
        if r.action == "coerced" and _COMMA_OR_DOT_GROUP_RE.fullmatch(cells.text[i]):
            read[i] = _NumberText(
                np.nan,
                "rejected",
                f"'{cells.text[i]}' is ambiguous in a column that also writes '{short}' (a decimal comma?): it "
                f"could be {r.value:g} or a decimal; type it without thousands separators",
            )


_POINT_AND_GROUPS_RE = re.compile(r"[^\d]*\d{1,3}(?:,\d{3})+\.\d+[^\d]*")


def _one_decimal_mark(read: dict[int, _NumberText], cells: _Cells) -> None:
    """A column holding both "1,234.00" (decimal point) and "1.234,56" (decimal comma) is read by
    the mark most of those cells show; the others are rejected, never read the other way (both,
    when as many show each)."""
    commas = [i for i, r in read.items() if r.action == "coerced" and r.decimal_comma and "," in cells.text[i]]
    points = [
        i
        for i, r in read.items()
        if r.action == "coerced" and not r.decimal_comma and _POINT_AND_GROUPS_RE.fullmatch(cells.text[i])
    ]
    if not commas or not points:
        return
    for losers, winners, mark in ((points, commas, "point"), (commas, points, "comma")):
        if len(losers) <= len(winners):
            for i in losers:
                read[i] = _NumberText(
                    np.nan,
                    "rejected",
                    f"'{cells.text[i]}' has a decimal {mark} in a column that also "
                    f"writes '{cells.text[winners[0]]}' ({len(losers):,} of {len(losers) + len(winners):,} "
                    "such cells have its mark): it is not read the other way; write every amount alike",
                )


def _parse_number_other(value: Any) -> tuple[float, str | None, str | None]:
    """(value, action, reason) for a cell that is neither text nor a plain float/int."""
    error = excel_error(value)
    if error is not None:
        return np.nan, "rejected", f"Excel error {error}"
    if isinstance(value, (bool, np.bool_)):
        return np.nan, "rejected", f"{cell_text(value)} is a logical value, not a number"
    if isinstance(value, (_dt.date, np.datetime64)):
        return np.nan, "rejected", "a date is not a number here"
    if isinstance(value, (int, float, np.integer, np.floating, Decimal)):
        number = float(value)
        if np.isnan(number):
            return number, None, None
        if not abs(number) <= MAX_NUMBER:
            return np.nan, "rejected", _size_reason(number)
        return number, None, None
    return np.nan, "rejected", f"'{value}' is not a number"


# --------------------------------------------------------------------------- text


def to_text(values: Any, *, column: str, sheet_rows: np.ndarray, kinds: np.ndarray | None = None) -> ParsedColumn:
    """Read a column of cells as text (names, ids, categories); ``kinds`` as for :func:`to_numbers`.

    Returns
    -------
    ParsedColumn
        ``values`` object array of ``str`` (whitespace stripped) or ``None`` (blank or
        rejected).

    Notes
    -----
    Numbers become their shortest text, whole numbers without ``.0`` (1001.0 → ``"1001"``,
    12.5 → ``"12.5"``), not reported. Logical values (``"TRUE"``) and dates (``"2024-03-31"``)
    are coerced and reported; Excel errors and inf are rejected and reported.

    Examples
    --------
    >>> to_text(np.array([1001.0, "  Acme ", None, "#N/A"], dtype=object), column="account",
    ...         sheet_rows=np.arange(2, 6)).values.tolist()
    ['1001', 'Acme', None, None]
    """
    cells = _classify(values, kinds)
    out = np.full(cells.kind.shape, None, dtype=object)
    found = _Found()
    text_idx = np.flatnonzero(cells.kind == _TEXT)
    if text_idx.size:
        texts = cells.text[text_idx]
        # every Excel error is written with a '#': a column without one (one search of the texts
        # joined) has none, and keeps its texts as they are
        if "#" in "".join(texts.tolist()):
            errors = pd.Series(texts, dtype=object).isin(EXCEL_ERRORS).to_numpy()
            out[text_idx[~errors]] = texts[~errors]
            found.add(text_idx[errors], "rejected", _prefix_all("Excel error ", texts[errors]))
        else:
            out = cells.text.copy()  # the stripped texts where the cells are text, None elsewhere
    number_idx = np.flatnonzero(cells.kind == _NUMBER)
    if number_idx.size:
        numbers = cells.numbers[number_idx]
        finite = np.isfinite(numbers)
        out[number_idx[finite]] = _number_texts(numbers[finite])
        found.add(number_idx[~finite], "rejected", "not a finite number")
    for i in np.flatnonzero(cells.kind == _OTHER):
        value = cells.raw[i]
        error = excel_error(value)
        if error is not None:
            found.add_one(i, "rejected", f"Excel error {error}")
        elif isinstance(value, (bool, np.bool_)):
            out[i] = cell_text(value)
            found.add_one(i, "coerced", f"logical value read as the text '{out[i]}'")
        elif isinstance(value, (_dt.date, np.datetime64)):
            out[i] = cell_text(value)
            found.add_one(i, "coerced", f"date read as the text '{out[i]}'")
        else:
            out[i] = cell_text(value)
    return ParsedColumn(out, found.frame(cells, column, sheet_rows), cells.kind == _BLANK)


# --------------------------------------------------------------------------- dates

_ISO_RE = r"\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:\s*(?:Z|UTC|[+-]\d{2}:?\d{2}))?)?"
#: The time zone of an ISO timestamp (``Z``, ``+0200``, ``-05:00``): dropped, keeping the clock
#: time the export shows (as for a date cell with a zone).
_ISO_ZONE = r"\s*(?:Z|UTC|[+-]\d{2}:?\d{2})$"


def to_dates(
    values: Any,
    *,
    column: str,
    sheet_rows: np.ndarray,
    date_format: str = "auto",
    refuse_ambiguous: bool = False,
    kinds: np.ndarray | None = None,
) -> ParsedColumn:
    """Read a column of cells as dates (``kinds`` as for :func:`to_numbers`).

    Returns
    -------
    ParsedColumn
        ``values`` datetime64[ns], NaT where blank or rejected.

    Notes
    -----
    - Date cells (``datetime``, ``date``, Timestamps) pass unchanged; a time zone is
      dropped, keeping the clock time the sheet shows.
    - Numbers are Excel serials in the 1900 date system: serial 1 = 1900-01-01,
      serial 61 = 1900-03-01, i.e. date = 1899-12-30 + serial days from 61 on and
      1899-12-31 + serial days below 60; the fraction is the time of day (to the
      millisecond). Serial 45658 = 2025-01-01. Serial 60 (Excel's fictitious 1900-02-29),
      serials below 1 and serials after 2262-04-10 (the last day datetime64[ns] holds;
      Excel goes on to 2958465 = 9999-12-31) are rejected. Serials read are reported as
      coerced, so a year typed as 2019 (= 1905-07-11) does not pass unseen.
    - Text in ISO form ``2024-03-31`` or ``2024-03-31 10:00`` is coerced and reported.
    - Text with slashes, dots or dashes (``10/24/2024``, ``24.10.2024``, ``2024/10/24``) is
      read in the order the column shows or ``date_format`` gives (:mod:`core.dates`), the
      whole column alike; the reason says which order. When the column does not show it,
      ``refuse_ambiguous`` raises :class:`SegmenterInputError` naming the column and the
      setting if such dates are most of the column's cells; otherwise they are rejected.
      Other text is rejected.

    Examples
    --------
    >>> parsed = to_dates(np.array([45658.0, "2024-03-31", "03/04/2024"], dtype=object),
    ...                   column="first_purchase", sheet_rows=np.arange(2, 5))
    >>> [str(v)[:10] for v in parsed.values]
    ['2025-01-01', '2024-03-31', 'NaT']

    A datetime64[ns] array of whole microseconds (a DataFrame's date column) is dates already:
    they pass as they are, NaT blank, as its Timestamps one by one would (which keep microseconds).

    >>> to_dates(np.array(["2024-03-31", "NaT"], dtype="datetime64[ns]"), column="d", sheet_rows=np.arange(2)).blank
    array([False,  True])
    """
    if isinstance(values, np.ndarray) and values.dtype == np.dtype("datetime64[ns]"):
        dates = values.reshape(-1).copy()
        blank = np.isnat(dates)
        if not (dates.view(np.int64)[~blank] % 1000).any():
            return ParsedColumn(dates, issues_frame(), blank)
    cells = _classify(values, kinds)
    out = np.full(cells.kind.shape, np.datetime64("NaT"), dtype="datetime64[ns]")
    found = _Found()
    _serials_to_dates(cells, out, found)
    _texts_to_dates(cells, out, found, column, date_format, refuse_ambiguous)
    _objects_to_dates(cells, out, found)
    return ParsedColumn(out, found.frame(cells, column, sheet_rows), cells.kind == _BLANK)


def _serials_to_dates(cells: _Cells, out: np.ndarray, found: _Found) -> None:
    idx = np.flatnonzero(cells.kind == _NUMBER)
    serial = cells.numbers[idx]
    fictitious = (serial >= 60) & (serial < 61)
    valid = (serial >= 1) & (serial < _LAST_NS_SERIAL + 1) & ~fictitious
    found.add(idx[fictitious], "rejected", "serial 60 is 1900-02-29, a day that does not exist (Excel's leap-year bug)")
    found.add(
        idx[~valid & ~fictitious],
        "rejected",
        f"not a plausible Excel date serial (1 to {_LAST_NS_SERIAL}, i.e. 1900-01-01 to 2262-04-10)",
    )
    idx, serial = idx[valid], serial[valid]
    days = np.floor(serial)
    epoch = np.where(days < 60, _EPOCH_BEFORE_60, _EPOCH_FROM_61)
    ms = days.astype(np.int64) * _MS_PER_DAY + np.round((serial - days) * _MS_PER_DAY).astype(np.int64)
    dates = (epoch + ms.astype("timedelta64[ms]")).astype("datetime64[ns]")
    out[idx] = dates
    reasons = _prefix_all("number read as the Excel date ", _date_texts(dates))
    found.add(idx, "coerced", reasons)


def _texts_to_dates(
    cells: _Cells, out: np.ndarray, found: _Found, column: str, date_format: str, refuse_ambiguous: bool
) -> None:
    idx = np.flatnonzero(cells.kind == _TEXT)
    if not idx.size:
        return
    texts = pd.Series(cells.text[idx], dtype=object)
    iso = texts.str.fullmatch(_ISO_RE).to_numpy(dtype=bool)
    clock = texts[iso]
    # a zone or a comma before the fraction only in a text longer than "2024-01-05 10:00:00": those few are rewritten
    long = np.fromiter((len(t) > 19 for t in clock.tolist()), dtype=bool, count=len(clock))
    if long.any():
        clock = clock.copy()
        clock[long] = clock[long].str.replace(_ISO_ZONE, "", regex=True).str.replace(",", ".", regex=False)
    parsed = pd.to_datetime(clock, format="ISO8601", errors="coerce").to_numpy()
    dates, in_range = _within_ns(parsed)
    ok = ~np.isnat(dates) & in_range
    iso_idx = idx[iso]
    out[iso_idx[ok]] = dates[ok]
    found.add(iso_idx[ok], "coerced", _prefix_all("text read as the date ", _date_texts(dates[ok])))
    found.add(
        iso_idx[~ok], "rejected", _prefix_all("'", texts[iso].to_numpy()[~ok], "' is not a real date in 1677-2262")
    )
    other_idx, other = idx[~iso], texts[~iso].to_numpy(dtype=object)
    slashed = np.array([SLASH_DATE.fullmatch(t) is not None for t in other], dtype=bool)
    if slashed.any():
        # a column of such dates is refused when its order stays ambiguous; a stray one among ISO dates is rejected
        mostly = 2 * int(slashed.sum()) > int((cells.kind != _BLANK).sum())
        dates, ok, reasons = read_day_month_texts(
            other[slashed], column=column, date_format=date_format, refuse_ambiguous=refuse_ambiguous and mostly
        )
        read_idx = other_idx[slashed]
        out[read_idx[ok]] = dates[ok]
        found.add(read_idx[ok], "coerced", reasons[ok])
        found.add(read_idx[~ok], "rejected", reasons[~ok])
    for i, text in zip(other_idx[~slashed], other[~slashed]):
        found.add_one(i, "rejected", _date_text_rejection(text))


@lru_cache(maxsize=1024)
def _date_text_rejection(text: str) -> str:
    if text in EXCEL_ERRORS:
        return f"Excel error {text}"
    return f"'{text}' is not a date (enter an Excel date or YYYY-MM-DD text)"


def _objects_to_dates(cells: _Cells, out: np.ndarray, found: _Found) -> None:
    idx = np.flatnonzero(cells.kind == _OTHER)
    if not idx.size:
        return
    raw = cells.raw[idx]
    if pd.api.types.infer_dtype(raw, skipna=False) in ("datetime", "datetime64", "date"):
        is_date = np.ones(len(raw), dtype=bool)  # a column of dates (a file's): no isinstance per cell
    else:
        is_date = np.frompyfunc(isinstance, 2, 1)(raw, _types(_dt.date, np.datetime64)).astype(bool)
    for i in idx[~is_date]:
        value = cells.raw[i]
        error = excel_error(value)
        if error is not None:
            found.add_one(i, "rejected", f"Excel error {error}")
        elif isinstance(value, (bool, np.bool_)):
            found.add_one(i, "rejected", f"{cell_text(value)} is a logical value, not a date")
        else:
            found.add_one(i, "rejected", f"'{cell_text(value)}' is not a date")
    if not is_date.all():
        idx, raw = idx[is_date], raw[is_date]
    if not idx.size:
        return
    stamps = _naive_stamps(raw)
    if stamps is None:
        # a zone is dropped keeping the clock time; COM's dates all carry one (UTC), so this is
        # one replace() per date, and pandas then sees naive dates only, never a mix of zones
        zoned = np.frompyfunc(_has_zone, 1, 1)(raw).astype(bool)
        if zoned.any():
            raw = raw.copy()
            raw[zoned] = [v.replace(tzinfo=None) for v in raw[zoned]]
        try:
            stamps = pd.to_datetime(pd.Series(raw, dtype=object), errors="coerce").to_numpy()
        except (ValueError, TypeError):  # out of pandas' range: read one by one, range-checked below
            stamps = np.array([_naive(v) for v in raw], dtype="datetime64[us]")
    dates, in_range = _within_ns(stamps)
    in_range &= ~np.isnat(dates)  # every cell here held a date, so NaT means it did not convert
    out[idx[in_range]] = dates[in_range]
    found.add(idx[~in_range], "rejected", "date outside 1677-2262, the range this tool holds")


def _naive_stamps(raw: np.ndarray) -> np.ndarray | None:
    """The dates as datetime64 when none carries a time zone (a file's dates), in one pandas call;
    None when one does (COM's), or pandas cannot convert them all (out of its range)."""
    try:
        # no cache: pandas' cache of distinct dates maps a million cells back through an index, three
        # times as long as converting each date object (the same values either way)
        stamps = pd.to_datetime(pd.Series(raw, dtype=object), errors="coerce", cache=False)
        return stamps.to_numpy() if stamps.dt.tz is None else None
    except (ValueError, TypeError, AttributeError):
        return None


def _has_zone(value: Any) -> bool:
    return getattr(value, "tzinfo", None) is not None


def _naive(value: Any) -> np.datetime64:
    tz = getattr(value, "tzinfo", None)
    if tz is not None:
        value = value.replace(tzinfo=None)
    if isinstance(value, _dt.datetime):
        return np.datetime64(value.replace(tzinfo=None), "us")
    return np.datetime64(value, "us")


def _within_ns(stamps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """datetime64[ns] values (NaT where out of range) and which were in range."""
    as_us = np.asarray(stamps).astype("datetime64[us]")
    in_range = np.isnat(as_us) | ((as_us >= _NS_MIN) & (as_us <= _NS_MAX))
    return np.where(in_range, as_us, np.datetime64("NaT")).astype("datetime64[ns]"), in_range


# --------------------------------------------------------------------------- classification


class _Cells(NamedTuple):
    raw: np.ndarray  # object array of the cells as given
    kind: np.ndarray  # int8: _BLANK, _NUMBER (float/int, not bool, not a COM error), _TEXT, _OTHER
    numbers: np.ndarray  # float64, the value of _NUMBER cells, NaN elsewhere
    text: np.ndarray  # object, the stripped text of _TEXT cells, None elsewhere


def _types(*types: type) -> np.ndarray:
    """A tuple of types wrapped as a 0-d object array, so np.frompyfunc(isinstance) broadcasts it."""
    holder = np.empty((), dtype=object)
    holder[()] = types
    return holder


def _classify(values: Any, kinds: np.ndarray | None = None) -> _Cells:
    """Sort cells into blank / number / text / other, with type masks rather than a Python loop;
    the cells whose kind the reader gave (``kinds``, see :func:`to_numbers`) are taken as it says."""
    array = np.asarray(values)
    if array.ndim != 1:
        array = array.reshape(-1)
    if kinds is not None and array.dtype.kind == "O" and len(kinds) == len(array):
        return _classify_known(array, kinds)
    if array.dtype.kind in "fiu":
        numbers = array.astype(np.float64)
        kind = np.where(np.isnan(numbers), _BLANK, _NUMBER).astype(np.int8)
        raw = array.astype(object) if array.dtype.kind in "iu" else array
        text = np.full(array.shape, None, dtype=object)
        cells = _Cells(raw, kind, numbers, text)
        return _mark_com_errors(cells) if array.dtype.kind in "iu" else cells
    if array.dtype.kind != "O":
        array = pd.Series(array).to_numpy(dtype=object)  # datetime64 -> Timestamps, str_ -> str, bool
    missing = pd.isna(array)
    inferred = pd.api.types.infer_dtype(array, skipna=True)
    kind = np.full(array.shape, _BLANK, dtype=np.int8)
    if inferred in ("floating", "integer", "mixed-integer-float"):
        kind[~missing] = _NUMBER
    elif inferred == "string":
        kind[~missing] = _TEXT
    elif inferred in ("datetime", "datetime64", "date"):  # a file's dates (or COM's): each its own kind
        kind[~missing] = _OTHER
    elif inferred != "empty":
        # one type() call per cell in C, then one decision per distinct type
        type_codes, types = pd.factorize(np.frompyfunc(type, 1, 1)(array))
        kind_of_type = np.array([_kind_of_type(t) for t in types], dtype=np.int8)
        kind = np.where(missing, _BLANK, kind_of_type[type_codes]).astype(np.int8)
    numbers = np.full(array.shape, np.nan)
    number_mask = kind == _NUMBER
    numbers[number_mask] = array[number_mask].astype(np.float64)
    text = np.full(array.shape, None, dtype=object)
    text_idx = np.flatnonzero(kind == _TEXT)
    if text_idx.size:
        stripped = np.frompyfunc(str.strip, 1, 1)(array[text_idx])
        empty = stripped == ""
        text[text_idx] = stripped
        text[text_idx[empty]] = None
        kind[text_idx[empty]] = _BLANK
    return _mark_com_errors(_Cells(array, kind, numbers, text))


def _classify_known(array: np.ndarray, kinds: np.ndarray) -> _Cells:
    """:func:`_classify` of cells whose kinds a reader gave: its numbers are Python floats, its
    texts are stripped and not empty; a cell of unknown kind is classified as any cell."""
    kind = kinds.astype(np.int8)  # a copy: the caller's kinds are never written
    numbers = np.full(array.shape, np.nan)
    text = np.full(array.shape, None, dtype=object)
    unknown = np.flatnonzero(kind == CELL_UNKNOWN)
    if unknown.size:
        looked = _classify(array[unknown])
        kind[unknown] = looked.kind
        numbers[unknown] = looked.numbers
        text[unknown] = looked.text
    number_mask = kind == _NUMBER
    numbers[number_mask] = array[number_mask].astype(np.float64)
    text_mask = kinds == CELL_TEXT
    text[text_mask] = array[text_mask]
    return _mark_com_errors(_Cells(array, kind, numbers, text))


def _kind_of_type(cell_type: type) -> int:
    if issubclass(cell_type, (bool, np.bool_)):
        return _OTHER
    if issubclass(cell_type, (int, float, np.integer, np.floating, Decimal)):
        return _NUMBER
    return _TEXT if issubclass(cell_type, str) else _OTHER


def _mark_com_errors(cells: _Cells) -> _Cells:
    """An int in the CVErr range is that Excel error (a float of that value is a number)."""
    numbers = cells.numbers
    candidates = np.flatnonzero((cells.kind == _NUMBER) & (numbers >= CVERR_BASE) & (numbers <= _CVERR_LAST))
    for i in candidates:
        if excel_error(cells.raw[i]) is not None:
            cells.kind[i] = _OTHER
            cells.numbers[i] = np.nan
    return cells


# --------------------------------------------------------------------------- issue collection


class _Found:
    """Issue rows collected as (positions, action, reason) batches, turned into a table once."""

    def __init__(self) -> None:
        self._batches: list[tuple[np.ndarray, Any, Any]] = []
        self._one_idx: list[int] = []
        self._one_action: list[str] = []
        self._one_reason: list[str] = []

    def add(self, idx: np.ndarray, action: str, reason: Any) -> None:
        if len(idx):
            self._batches.append((np.asarray(idx, dtype=np.int64), action, reason))

    def add_one(self, i: int, action: str | None, reason: str | None) -> None:
        if action is not None:
            self._one_idx.append(int(i))
            self._one_action.append(action)
            self._one_reason.append(reason)

    def frame(self, cells: _Cells, column: str, sheet_rows: np.ndarray) -> pd.DataFrame:
        if self._one_idx:
            self.add(
                np.array(self._one_idx),
                np.array(self._one_action, dtype=object),
                np.array(self._one_reason, dtype=object),
            )
        if not self._batches:
            return issues_frame()
        idx = np.concatenate([b[0] for b in self._batches])
        action = np.concatenate([np.broadcast_to(np.asarray(b[1], dtype=object), b[0].shape) for b in self._batches])
        reason = np.concatenate([np.broadcast_to(np.asarray(b[2], dtype=object), b[0].shape) for b in self._batches])
        order = np.argsort(idx, kind="stable")
        idx, action, reason = idx[order], action[order], reason[order]
        raw, kind = cells.raw[idx], cells.kind[idx]
        value = np.empty(idx.shape, dtype=object)
        value[kind == _TEXT] = raw[kind == _TEXT]
        value[kind == _NUMBER] = _number_texts(cells.numbers[idx[kind == _NUMBER]])
        other = (kind != _TEXT) & (kind != _NUMBER)
        value[other] = [cell_text(v) for v in raw[other]]
        rows = np.asarray(sheet_rows, dtype=np.int64)[idx]
        return issues_frame({"sheet_row": rows, "column": column, "value": value, "action": action, "reason": reason})


# --------------------------------------------------------------------------- number and date text


def _number_text(number: float) -> str:
    """1200.0 -> '1200', 1200.5 -> '1200.5', -0.12 -> '-0.12' (shortest round-trip text)."""
    if number.is_integer() and abs(number) < 1e15:
        return str(int(number))
    return repr(number)


def _number_texts(numbers: np.ndarray) -> np.ndarray:
    """Vectorised :func:`_number_text` for finite float64 values; object array of str."""
    out = np.empty(numbers.shape, dtype=object)
    whole = (np.floor(numbers) == numbers) & (np.abs(numbers) < 1e15)
    out[whole] = numbers[whole].astype(np.int64).astype(str)
    out[~whole] = numbers[~whole].astype(str)
    return out


def _date_text(stamp: pd.Timestamp) -> str:
    return stamp.strftime("%Y-%m-%d") if stamp == stamp.normalize() else stamp.strftime("%Y-%m-%d %H:%M")


def _date_texts(dates: np.ndarray) -> np.ndarray:
    """'2024-03-31' for midnight, '2024-03-31 10:00' otherwise; object array of str."""
    day = np.datetime_as_string(dates, unit="D").astype(object)
    has_time = dates != dates.astype("datetime64[D]")
    if has_time.any():
        day[has_time] = np.char.replace(np.datetime_as_string(dates[has_time], unit="m"), "T", " ").astype(object)
    return day


def _prefix_all(prefix: str, texts: np.ndarray, suffix: str = "") -> np.ndarray:
    out = np.empty(len(texts), dtype=object)
    out[:] = list(map((prefix + "{}" + suffix).format, texts))
    return out
