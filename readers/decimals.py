"""Which mark a delimited file uses for decimals, decided from the whole file, never guessed per cell.

A cell such as ``1.234`` is 1.234 in a file written with decimal points and 1,234 in one written
with decimal commas (``1.234,56``). Excel decides by the reader's locale; a file travels between
locales, so segmenter looks at the file instead:

- evidence of a decimal comma: ``12,5``, ``0,125``, ``1.234,56``, ``1 234,56``, ``1.234.567``
  (with a currency symbol before or after it too: ``1.234,56 €``);
- evidence of a decimal point: ``12.5``, ``0.125``, ``1000.0``, ``1,234.56``, ``1,234,567``
  (a group of three never follows a leading 0, nor four digits);
- no evidence either way: whole numbers, and ``1.234`` or ``1,234`` (one group of three digits).

A column with evidence of one kind only reads by it; a column with none reads by the file's
evidence (the other columns) when that is of one kind only. Then every number-shaped cell of
the column is converted, vectorised. A column whose mark stays unknown or conflicting keeps its
ambiguous cells as typed text, so that the cell parser of core/ reports them instead of a silent
guess that could change a number a thousandfold.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.cells import CURRENCIES
from readers.cell_bytes import WIDE, CellBytes, byte_table, cell_bytes, led_by

POINT, COMMA = ".", ","
_GROUP = "[ .\u00a0\u202f]"  # thousands separators beside a decimal comma: space, dot, no-break spaces
_SIGN = r"\s*[-+]?"
_LEAD = r"[1-9]\d{0,2}"  # the digits before a thousands group: a group never follows a leading 0 (0.125, 0,125)
# shapes of number text; each is a fullmatch of one stripped cell
_COMMA_DECIMAL = rf"{_SIGN}(?:{_LEAD}(?:{_GROUP}\d{{3}})+|\d+),\d+"
_DOT_GROUPS = rf"{_SIGN}{_LEAD}(?:\.\d{{3}})+"
_SPACE_GROUPS = rf"{_SIGN}{_LEAD}(?:[ \u00a0\u202f]\d{{3}})+"
_POINT_GROUPED = rf"{_SIGN}{_LEAD}(?:,\d{{3}})+(?:\.\d+)?"
_ONE_GROUP = rf"{_SIGN}{_LEAD}[.,]\d{{3}}"
_NUMBER_LIKE = rf"{_SIGN}[\d., \u00a0\u202f]*\d[\d., \u00a0\u202f]*"
# A letter, ':' or '/', or a '-' after a digit never occurs in number text: cells holding one (dates,
# codes) skip the shape expressions, whose \s pandas runs in Python cell by cell (RE2 reads \s otherwise)
_NEVER_IN_NUMBERS = "[A-Za-z:/]|[0-9]-"
_NEVER_PARSED = "[:/]|[0-9]-"
_LEADS = frozenset("0123456789+-. \t\u00a0\u202f")
_CURRENCY_SIGNS = frozenset("$€£¥₹")
# a currency sign or code before or after the number: "€ 730,00", "960,00 €", "R$ 15.200,00", "EUR 1.200,50"
_CURRENCY_MARK = (
    r"(?:(?:US|R|A|AU|C|CA|NZ|HK|S|MX)\$|[$€£¥₹]|(?:"
    + "|".join(sorted(c for c in CURRENCIES if c.isalpha() and c.isascii()))
    + r")(?![A-Za-z]))"
)
_CURRENCY_AROUND = rf"^\s*{_CURRENCY_MARK}\s*|\s*{_CURRENCY_MARK}\s*$"
_UPPER = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")  # the last letter of a code after the number
_SAMPLE = 1000  # plain numbers looked at first for a decimal that settles a column's mark


@dataclass(frozen=True)
class ColumnScan:
    """What one column of cell texts says about its decimal mark.

    ``numbers`` holds the cells that are plain numbers to pandas (``12.5``, ``-3e4``), NaN
    elsewhere; ``blank`` marks empty and all-space cells; ``digit_words`` indexes the other
    cells that start with a digit or a sign (only those can be number or date text);
    ``ambiguous`` marks the ``1.234``/``1,234`` cells (not among the plain numbers of a column
    whose own decimals settle its mark); ``comma``/``point`` say whether the
    column shows evidence of that mark; ``numeric_share`` is the share of filled cells that look
    like numbers. ``edges``: each cell's edge bytes (:mod:`readers.cell_bytes`), None without pyarrow.
    """

    numbers: np.ndarray
    blank: np.ndarray
    digit_words: np.ndarray
    ambiguous: np.ndarray
    comma: bool
    point: bool
    numeric_share: float
    edges: CellBytes | None = None


def sorted_union(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``np.union1d`` of two sorted arrays of distinct positions, without its sort when one is empty
    (a column of a million dates has every cell among its digit-led words, and no currency sign).

    >>> sorted_union(np.array([1, 4]), np.array([], dtype=int)).tolist()
    [1, 4]
    >>> sorted_union(np.array([1, 4]), np.array([2])).tolist()
    [1, 2, 4]
    """
    if not b.size:
        return a
    if not a.size:
        return b
    return np.union1d(a, b)


def scan_column(text: pd.Series, codes: np.ndarray | None = None) -> ColumnScan:
    """Look at one column of cell texts as in the file ('' for blank).

    ``codes``: ``text`` holds a column's distinct texts, and cell ``i`` of the column is
    ``text[codes[i]]`` (see :func:`readers.delimited.repeated_texts`). The scan is then the
    column's own, of its distinct texts: each cell is read as its text, the share weighs each text
    by its cells, and the checks that look at a column's first :data:`_SAMPLE` large or dotted
    numbers look at the texts of those cells.

    Vectorised: pandas parses the cells led by a digit, sign or blank; the regular expressions
    below run only on those that are not plain numbers, and on the plain numbers that hold a
    dot (the first thousand of them, when one of those is a decimal).

    >>> s = scan_column(pd.Series(["Revenue", "1.234,56", "12", "1.234", " "]))
    >>> s.comma, s.point, s.ambiguous.tolist(), s.blank.tolist()
    (True, False, [False, False, False, True, False], [False, False, False, False, True])
    >>> scan_column(pd.Series(["12.5", "1.234"])).point
    True
    >>> scan_column(pd.Series(["1000.0", "1.125"])).point, scan_column(pd.Series(["0.125"])).ambiguous.tolist()
    (True, [False])
    """
    blank = np.array(text == "", dtype=bool)
    edges = cell_bytes(text)  # None without pyarrow: each cell's first character is then asked of pandas
    lead, sign, code = led_by(text, None if edges is None else edges.first, _LEADS, _CURRENCY_SIGNS, _CODE_LEADS)
    # only a cell led by a digit, sign, dot or blank can be a number: pandas parses just those
    starts = np.flatnonzero(lead & ~blank)
    numbers = np.full(len(text), np.nan)
    # plain decimals of at most 15 digits ('-1234.5') are read by Arrow at once, as pandas reads them;
    # each is led by a digit or a minus, so among ``starts``: a column of numbers under its header
    # is read whole rather than taken without its header first (a tenth of a second a million cells)
    if 2 * len(starts) > len(text):
        quick, values, dotted = plain_decimals(text)
        quick = quick[starts]
    else:
        quick, values, dotted = plain_decimals(_at(text, starts))
    numbers[starts[quick]] = values
    slow = starts[~quick]
    # pandas never reads a number from text holding ':' or '/' or a '-' after a digit (dates, times):
    # those skip its parser, which is slow on text it refuses
    parsed = slow[~np.array(_at(text, slow).str.contains(_NEVER_PARSED, regex=True), dtype=bool)]
    # 'inf', 'nan' and '1e999' are text, as Excel reads them: finite numbers only
    numbers[parsed] = _to_numeric(_at(text, parsed), dotted)
    numbers[~np.isfinite(numbers)] = np.nan
    plain = ~np.isnan(numbers)
    rest = starts[~plain[starts]]
    spaces = np.array(_at(text, rest).str.isspace(), dtype=bool)
    blank[rest[spaces]] = True
    digit_words = rest[~spaces]
    ambiguous = np.zeros(len(text), dtype=bool)
    # a currency symbol before or after the number ("1.234,56 €", "$1,234.50") does not hide its mark
    symbols = np.flatnonzero(sign & ~blank)
    # a code or lettered sign before the number ("EUR 1.200,50", "R$ 950,00"): led by a code's letter
    coded = np.flatnonzero(code & ~blank)
    if edges is not None and coded.size:
        # a code's second character is a letter or '$' (or a wider one, upper-cased to a letter), and
        # a number holds a digit: account ids ("C1042") and words ("Retail") are neither, and skip the lookups
        coded = coded[_CODE_SECOND[edges.second(coded)]]
        coded = coded[edges.digit_or_wide(coded)]
    coded = coded[np.array(_code_led(_at(text, coded)), dtype=bool)]
    maybe = sorted_union(digit_words, symbols)
    maybe = maybe[~np.array(_at(text, maybe).str.contains(_NEVER_IN_NUMBERS, regex=True), dtype=bool)]
    if coded.size:  # their letters are the code's: looked at without it
        bare = _without_currency(_at(text, coded))
        coded = coded[~np.array(bare.str.contains(_NEVER_IN_NUMBERS, regex=True), dtype=bool)]
        maybe = sorted_union(maybe, coded)
    shaped = maybe[_matches(_without_currency(_at(text, maybe)), _NUMBER_LIKE + r"(?:\s*%)?")]
    comma = point = False
    if shaped.size:
        cells = _without_percent(_without_currency(_at(text, shaped)))
        one_group = _matches(cells, _ONE_GROUP)
        ambiguous[shaped[one_group]] = True
        comma_shaped = _matches(cells, _COMMA_DECIMAL) | _matches(cells, _DOT_GROUPS) | _matches(cells, _SPACE_GROUPS)
        comma = bool((comma_shaped & ~one_group).any())
        point = bool((_matches(cells, _POINT_GROUPED) & ~one_group).any())
    # 1.234 (one group of three digits after one to three) is below 1000: a fraction at or above 1000
    # can only have been written with a decimal point, and only the smaller numbers need their text read
    # (the numbers are NaN where no number was read: both comparisons below are False there)
    size = np.abs(numbers)
    large = size >= 1000
    point = point or bool((large & (numbers != np.round(numbers))).any())
    # so can a whole number at or above 1000 typed with a dot (1000.0, 1.5e3): no group of three follows its digits
    large = first_cells(np.flatnonzero(large), codes, len(text))
    point = point or bool(np.array(_at(text, large).str.contains(".", regex=False), dtype=bool).any())
    below = np.flatnonzero(size < 1000)
    dotted = below[np.array(_at(text, below).str.contains(".", regex=False), dtype=bool)]
    sample = first_cells(dotted, codes, len(text))
    if not comma and (point or not _matches(text.iloc[sample], _ONE_GROUP).all()):
        point = True  # the column's own decimals settle it: its 1.234 cells are read as decimals, unmarked
    else:
        ambiguous[dotted] = _matches(_at(text, dotted), _ONE_GROUP)
        point = point or bool((~ambiguous[dotted]).any())
    if codes is None:
        share = (np.count_nonzero(plain) + shaped.size) / max(len(text) - int(blank.sum()), 1)
    else:
        counts = np.bincount(codes, minlength=len(text))
        share = (int(counts[plain].sum()) + int(counts[shaped].sum())) / max(int(counts.sum() - counts[blank].sum()), 1)
    return ColumnScan(numbers, blank, digit_words, ambiguous, comma, point, float(share), edges)


def first_cells(chosen: np.ndarray, codes: np.ndarray | None = None, texts: int = 0) -> np.ndarray:
    """The first :data:`_SAMPLE` of the sorted positions ``chosen``; with ``codes`` (``chosen`` are
    positions among a column's ``texts`` distinct texts, and cell ``i`` holds text ``codes[i]``),
    the positions of the texts that the column's first cells among them hold, in order.

    >>> first_cells(np.array([1, 2])).tolist()
    [1, 2]
    >>> first_cells(np.array([0, 2]), np.array([1, 2] * 2000 + [0]), 3).tolist()  # text 0 comes too late
    [2]
    """
    if codes is None:
        return chosen[:_SAMPLE]
    mask = np.zeros(texts, dtype=bool)
    mask[chosen] = True
    return np.unique(codes[np.flatnonzero(mask[codes])[:_SAMPLE]])


#: A plain decimal: an optional minus, digits without a leading zero (or one zero), an optional fraction.
PLAIN_DECIMAL = r"^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?$"
#: Up to this many digits a decimal is an exact integer over an exact power of ten: one rounding,
#: whichever parser reads it (Clinger's fast path).
EXACT_DIGITS = 15


def plain_decimals(text: pd.Series) -> tuple[np.ndarray, np.ndarray, bool]:
    """Which cells are plain decimals of at most :data:`EXACT_DIGITS` digits, their values, and
    whether one of them has a fraction, read by Arrow's vectorised cast; nothing without pyarrow.

    Such a text is an integer below 10^15 over a power of ten below 10^16, both exact in a double:
    every parser that rounds once gives the same double, pandas' ``to_numeric`` included.

    >>> quick, values, dotted = plain_decimals(pd.Series(["12.5", "-0", "007", "1e3", " 4", "1234567890123456"]))
    >>> quick.tolist(), values.tolist(), dotted
    ([True, True, False, False, False, False], [12.5, -0.0], True)
    """
    none = np.zeros(len(text), dtype=bool), np.zeros(0), False
    if not len(text):
        return none
    try:
        import pyarrow as pa
        import pyarrow.compute as pc
    except ImportError:  # xlwings Lite: pandas reads every cell
        return none
    array = pa.array(text, type=pa.large_string(), from_pandas=True)
    quick = pc.fill_null(pc.match_substring_regex(array, PLAIN_DECIMAL), False).to_numpy(zero_copy_only=False)
    # a plain decimal's characters are its digits, its minus and its dot: only a text longer than
    # EXACT_DIGITS characters can have more digits, and only those few are counted
    lengths = pc.binary_length(array).to_numpy(zero_copy_only=False)
    long = np.flatnonzero(quick & (lengths > EXACT_DIGITS))
    if long.size:
        cells = array.take(pa.array(long))
        marks = np.array(pc.starts_with(cells, "-"), dtype=np.int64) + np.array(
            pc.match_substring(cells, "."), dtype=np.int64
        )
        quick[long] = lengths[long] - marks <= EXACT_DIGITS
    chosen = array.filter(pa.array(quick))
    values = pc.cast(chosen, pa.float64()).to_numpy(zero_copy_only=False)
    # a fraction shows a dot; only a column of whole values has its texts looked at for one ("12.0")
    dotted = bool(np.any(values != np.floor(values))) or (
        bool(len(chosen)) and bool(pc.any(pc.match_substring(chosen, ".")).as_py())
    )
    return quick, values, dotted


def _to_numeric(text: pd.Series, dotted: bool) -> np.ndarray:
    """pandas' reading of the cells, non-finite as NaN. ``dotted``: the column's plain decimals,
    read apart, had a fraction; pandas read the whole column as fractions then (not integers) and
    does so here too."""
    if not len(text):
        return np.zeros(0)
    if dotted:
        text = pd.concat([text, pd.Series(["0.5"], dtype=text.dtype)], ignore_index=True)
    numbers = np.array(pd.to_numeric(text, errors="coerce"), dtype=float)
    return numbers[:-1] if dotted else numbers


def column_marks(scans: list[ColumnScan]) -> list[str | None]:
    """The decimal mark each column reads by: POINT, COMMA, or None (unknown or conflicting).

    >>> comma = scan_column(pd.Series(["1.234,5"]))
    >>> bare = scan_column(pd.Series(["1.234", "7"]))
    >>> column_marks([comma, bare])
    [',', ',']
    >>> column_marks([bare])
    [None]
    """
    file_comma = any(s.comma for s in scans) and not any(s.point for s in scans)
    file_point = any(s.point for s in scans) and not any(s.comma for s in scans)
    marks = []
    for s in scans:
        if s.comma != s.point:
            marks.append(COMMA if s.comma else POINT)
        elif not s.comma and s.numeric_share > 0.5 and (file_comma or file_point):
            marks.append(COMMA if file_comma else POINT)
        else:
            marks.append(None)
    return marks


def column_numbers(text: pd.Series, scan: ColumnScan, mark: str | None) -> np.ndarray:
    """The numbers of a column read by ``mark``; NaN for every cell that stays text.

    >>> text = pd.Series(["1.234,56", "1.234", "12", "-0,5", "x"])
    >>> column_numbers(text, scan_column(text), COMMA).tolist()
    [1234.56, 1234.0, 12.0, -0.5, nan]
    >>> text = pd.Series(["1.234", "12"])
    >>> column_numbers(text, scan_column(text), None).tolist()
    [nan, 12.0]
    """
    numbers = scan.numbers.copy()
    if mark is None:
        numbers[scan.ambiguous] = np.nan
        return numbers
    if mark == COMMA:
        shapes = (_COMMA_DECIMAL, _DOT_GROUPS, _SPACE_GROUPS)
        group_marks, decimal_mark = r"[ .\u00a0\u202f]", ","
        # a plain number with a dot in a decimal-comma column is a thousands group: 1.234 = 1234
        candidates = sorted_union(scan.digit_words, np.flatnonzero(scan.ambiguous))
    else:
        shapes = (_POINT_GROUPED,)
        group_marks, decimal_mark = ",", "."
        candidates = scan.digit_words
    # a cell holding a letter, ':' or '/', or a '-' after a digit (a date, a code) fits no shape: the
    # shapes' expressions, which pandas runs in Python cell by cell, skip it (a million dates: 1.4 s)
    cells = _at(text, candidates)
    fits = ~np.array(cells.str.contains(_NEVER_IN_NUMBERS, regex=True), dtype=bool)
    if not fits.all():
        candidates, cells = candidates[fits], cells[fits]
    hit = np.zeros(len(candidates), dtype=bool)
    for shape in shapes:
        hit |= _matches(cells, shape)
    chosen = cells[hit].str.strip().str.replace(group_marks, "", regex=True).str.replace(decimal_mark, ".", regex=False)
    numbers[candidates[hit]] = chosen.astype(float).to_numpy()
    return numbers


def comma_percents(text: pd.Series, scan: ColumnScan, mark: str | None) -> tuple[np.ndarray, np.ndarray]:
    """Positions and rewritten text of the percentages of a decimal-comma column: ``34,1 %`` -> ``34.1%``.

    They stay text (what a % means is the cell parser's to decide), written with a decimal point.

    >>> text = pd.Series(["34,1 %", "1.234,5%", "7%", "x%"])
    >>> [t.tolist() for t in comma_percents(text, scan_column(text), COMMA)]
    [[0, 1, 2], ['34.1%', '1234.5%', '7%']]
    """
    if mark != COMMA or not scan.digit_words.size:
        return np.zeros(0, dtype=int), np.zeros(0, dtype=object)
    words = _at(text, scan.digit_words)
    percent = scan.digit_words[_matches(words, r".*%")]
    bare = _without_percent(_at(text, percent))
    hit = np.zeros(len(percent), dtype=bool)
    for shape in (_COMMA_DECIMAL, _DOT_GROUPS, _SPACE_GROUPS, rf"{_SIGN}\d+"):
        hit |= _matches(bare, shape)
    rewritten = (
        bare[hit].str.strip().str.replace(r"[ .\u00a0\u202f]", "", regex=True).str.replace(",", ".", regex=False) + "%"
    )
    return percent[hit], rewritten.to_numpy(dtype=object)


def comma_amounts(text: pd.Series, mark: str | None) -> tuple[np.ndarray, np.ndarray]:
    """Positions and rewritten text of the amounts with a currency mark in a decimal-comma column:
    ``€ 1.200`` -> ``€1200``, ``960,00 €`` -> ``960.00€``, ``R$ 15.200,00`` -> ``R$15200.00``.

    They stay text, so that the cell parser still sees each cell's currency (two currencies are
    never added), but written with a decimal point: the column's mark, decided from all its cells,
    reads them, never a guess per cell.

    >>> [t.tolist() for t in comma_amounts(pd.Series(["€ 1.200", "960,00 €", "R$ 15.200,00", "7", "x €"]), COMMA)]
    [[0, 1, 2], ['€1200', '960.00€', 'R$15200.00']]
    """
    if mark != COMMA or not len(text):
        return np.zeros(0, dtype=int), np.zeros(0, dtype=object)
    # only cells led or ended by a sign or a code's letter can carry one: the rest skip the expression
    first, last = text.str[:1], text.str[-1:]
    maybe = np.flatnonzero(
        np.array(
            first.isin(_CURRENCY_SIGNS) | last.isin(_CURRENCY_SIGNS) | _code_led(text) | last.isin(_UPPER), dtype=bool
        )
    )
    at, rewritten = _comma_amounts(_at(text, maybe))
    return maybe[at], rewritten


def _code_led(text: pd.Series) -> pd.Series:
    """Cells that begin with a currency code or a lettered dollar sign ("EUR 5", "R$ 5"), by prefix lookups."""
    return text.str[:3].str.upper().isin(_CODES) | text.str[:2].isin(_TWO_SIGNS) | text.str[:3].isin(_THREE_SIGNS)


_CODES = frozenset(c for c in CURRENCIES if c.isalpha() and c.isascii())
_TWO_SIGNS = frozenset({"R$", "A$", "C$", "S$"})
_CODE_LEADS = frozenset(c[0] for c in _CODES) | frozenset(c[0].lower() for c in _CODES)
#: The second byte a cell led by a currency code or lettered sign can have: an ASCII letter, '$', or
#: a byte of a wider character (whose upper case may be a letter: 'ſ'.upper() == 'S').
_CODE_SECOND = byte_table("$ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_CODE_SECOND[WIDE:] = True
_THREE_SIGNS = frozenset({"US$", "AU$", "CA$", "NZ$", "HK$", "MX$"})


def _comma_amounts(text: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    if not len(text):
        return np.zeros(0, dtype=int), np.zeros(0, dtype=object)
    parts = text.str.extract(
        rf"^\s*(?P<sign>[-+]?)\s*(?P<before>{_CURRENCY_MARK}?)\s*(?P<number>[-+]?[\d., \u00a0\u202f]*\d)"
        rf"\s*(?P<after>{_CURRENCY_MARK}?)\s*$"
    )
    marked = (parts["before"].fillna("") != "") ^ (parts["after"].fillna("") != "")
    hit = np.zeros(len(text), dtype=bool)
    number = parts["number"].fillna("")
    for shape in (_COMMA_DECIMAL, _DOT_GROUPS, _SPACE_GROUPS, rf"{_SIGN}\d+"):
        hit |= number.str.fullmatch(shape).to_numpy(dtype=bool)
    hit &= marked.to_numpy(dtype=bool)
    at = np.flatnonzero(hit)
    chosen = parts.iloc[at]
    digits = chosen["number"].str.replace(r"[ .\u00a0\u202f]", "", regex=True).str.replace(",", ".", regex=False)
    rewritten = chosen["sign"] + chosen["before"] + digits + chosen["after"]
    return at, rewritten.to_numpy(dtype=object)


def _at(text: pd.Series, positions: np.ndarray) -> pd.Series:
    """``text.iloc[positions]`` of sorted distinct positions; the column itself when they are all of
    its rows (a column of numbers: Arrow's take of a million texts costs a tenth of a second a call).

    >>> _at(pd.Series(["a", "b"]), np.array([0, 1])).tolist(), _at(pd.Series(["a", "b"]), np.array([1])).tolist()
    (['a', 'b'], ['b'])
    """
    return text if len(positions) == len(text) else text.iloc[positions]


def _without_currency(cells: pd.Series) -> pd.Series:
    return cells.str.replace(_CURRENCY_AROUND, "", regex=True)


def _without_percent(cells: pd.Series) -> pd.Series:
    return cells.str.replace(r"\s*%\s*$", "", regex=True)


def _matches(cells: pd.Series, pattern: str) -> np.ndarray:
    if not len(cells):
        return np.zeros(0, dtype=bool)
    return cells.str.fullmatch(pattern + r"\s*").to_numpy(dtype=bool)
