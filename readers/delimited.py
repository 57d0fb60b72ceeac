"""Delimited text (CSV and the like): the cells of a file as rows of values, typed as Excel types them.

- encoding: UTF-8 with or without BOM, UTF-16 (Excel's "Unicode text"), Windows-1252
  (:mod:`readers.text_encoding`);
- delimiter: sniffed among ``,`` ``;`` tab and ``|`` (:func:`sniff_delimiter`), or as named by
  Excel's ``sep=;`` first line;
- numbers: text that is a number becomes a number, with the decimal mark decided for the whole
  file (:mod:`readers.decimals`); ``inf`` and ``nan`` stay text;
- dates: ISO dates ("2024-03-31", "2024-03-31 10:00") become datetimes, as Excel reads them;
  other date text stays text for the cell parser of core/;
- blank cells are None; rows keep their line numbers (blank lines included), so row 1 of the
  list is line 1 of the file.

Parsing is pandas' C engine; typing is vectorised per column (no per-cell Python on the way).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from core.cells import CELL_BLANK, CELL_NUMBER, CELL_OTHER, CELL_TEXT, CELL_UNKNOWN
from core.errors import SegmenterInputError
from core.grid import CellBlock
from core.parallel import run_together, workers_for
from readers.cell_bytes import WIDE, byte_table
from readers.decimals import ColumnScan, column_marks, column_numbers, comma_amounts, comma_percents, scan_column
from readers.limits import MAX_CELLS, MAX_COLUMNS, NARROW, kept_columns
from readers.text_encoding import detect_encoding, not_text

# How a CSV writes a date (Excel reads these as dates when it opens a CSV): 2024-03-31[ 10:00[:00]]
ISO_DATE = r"\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2})?)?"
DELIMITERS = (",", ";", "\t", "|")
WHITESPACE = r"\s+"
_SNIFF_LINES = 200
_SNIFF_CHARS = 1 << 16

ColumnHook = Callable[[pd.Series, np.ndarray], None]


def read_delimited(
    path: Path, column_hook: ColumnHook | None = None, *, candidates: tuple[str, ...] = DELIMITERS, default: str = ","
) -> CellBlock | list[list[Any]]:
    """The cells of a delimited text file, row 1 of the list = line 1 of the file (a
    :class:`~core.grid.CellBlock`: rows to whoever reads rows, one array to the parsers).

    The separator is sniffed among ``candidates``, ``default`` when none splits the lines
    (:data:`WHITESPACE` splits on runs of spaces and tabs). ``column_hook(text, values)`` may
    retype a column in place (the text layout reads YYYYMMDD dates with it). A file with
    nothing but blank lines gives no rows.
    """
    data = path.read_bytes()
    encoding = detect_encoding(data, path.name)
    head = data[:_SNIFF_CHARS].decode(encoding, errors="ignore")
    if not head.strip() and len(data) <= _SNIFF_CHARS:
        return []
    hint = re.match(r"sep=(.)[ \t]*(?:\r\n|\r|\n|$)", head)  # Excel's first-line "sep=;" names the separator
    separator = hint[1] if hint else sniff_delimiter(head, candidates, default)
    frame = split_cells(data, encoding, separator, path.name, _widest_row(head, separator))
    if hint:
        frame.iloc[0] = ""  # the hint is not a cell of the table: its row stays, blank
    texts = [frame[name] for name in frame.columns]
    # the columns are scanned and typed on two threads: most of the work is Arrow's, which frees the lock
    workers = workers_for(len(frame))
    sources = run_together([partial(scanned, text) for text in texts], workers)
    marks = column_marks([scan for _, _, scan in sources])
    # each column is typed straight into its column of the block: no column of a million cells is
    # made and then copied
    cells = np.empty(frame.shape, dtype=object)
    typing = [partial(typed_values, *source, mark, cells[:, j]) for j, (source, mark) in enumerate(zip(sources, marks))]
    typed = run_together(typing, workers)
    if column_hook is not None:
        for j, text in enumerate(texts):
            column_hook(text, cells[:, j])
        return CellBlock(cells)
    # a cell is left None exactly where its scan found it blank (empty or spaces), and each cell's
    # kind is known from its column's typing: the block says both
    return CellBlock(
        cells, np.column_stack([blank for blank, _ in typed]), np.column_stack([kinds for _, kinds in typed])
    )


#: Cells looked at to tell a column of a few repeated texts from one of many: see :func:`repeated_texts`.
_REPEAT_SAMPLE = 4096


def repeated_texts(text: pd.Series) -> tuple[np.ndarray, pd.Series] | None:
    """``(codes, distinct)`` of a column that repeats a few texts (an industry, a region, a score,
    an order date, an order's amount: at least 8 cells a text in all, as its first and last
    :data:`_REPEAT_SAMPLE` cells foretell): ``distinct[codes[i]]`` is cell ``i``; None for any
    other column.

    >>> codes, distinct = repeated_texts(pd.Series(["North", "South", "", "North"] * 3000, dtype="str"))
    >>> codes[:5].tolist(), distinct.tolist()
    ([0, 1, 2, 0, 0], ['North', 'South', ''])
    """
    if len(text) <= _REPEAT_SAMPLE:
        return None
    # its first and last cells, the one with more distinct texts (a sorted column may begin with
    # a few texts and go on with many; factorizing a million distinct texts costs a quarter second)
    sample = _REPEAT_SAMPLE
    seen = max(text.iloc[:sample].nunique(), text.iloc[-sample:].nunique())
    # a column of n texts drawn at random repeats about s²/2n of the texts of a sample of s cells:
    # one whose sample repeats so often that n is at most a sixteenth of its cells (order amounts,
    # 21,600 texts in a million cells) is worth it too
    repeats = sample - seen
    if seen * 8 > sample and (not repeats or sample**2 / (2 * repeats) * 16 > len(text)):
        return None
    codes, distinct = pd.factorize(text)
    if len(distinct) * 8 > len(text):
        return None
    return codes, pd.Series(np.asarray(distinct), dtype=text.dtype)


def scanned(text: pd.Series) -> tuple[pd.Series, np.ndarray | None, ColumnScan]:
    """``(texts, codes, scan)``: the texts a column is scanned by, and typed by (:func:`typed_values`), and
    its scan. A column that repeats a few texts is looked at once per distinct text (``codes``,
    see :func:`repeated_texts`): a million cells of five industries cost five; every figure read
    is the same as cell by cell (:func:`readers.decimals.scan_column` weighs each text by its
    cells). Any other column is looked at cell by cell (``codes`` None).
    """
    repeats = repeated_texts(text)
    if repeats is not None:
        codes, distinct = repeats
        return distinct, codes, scan_column(distinct, codes)
    return text, None, scan_column(text)


def typed_values(
    text: pd.Series, codes: np.ndarray | None, scan: ColumnScan, mark: str | None, out: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """One column's values, written into ``out``: numbers read by the file's decimal mark, dates,
    text (a decimal-comma column's percentages and amounts rewritten with a point, see
    :mod:`readers.decimals`); and which of its cells are blank and their kinds (see
    :func:`typed_column`; a rewritten cell's kind is left unknown). ``text`` and ``scan`` are of
    the column's distinct texts when ``codes`` say which each cell holds (see :func:`scanned`):
    each distinct value is then made once and shared by its cells."""
    values, kinds = typed_column(text, scan, column_numbers(text, scan, mark), None if codes is not None else out)
    percents, rewritten = comma_percents(text, scan, mark)
    values[percents] = rewritten
    amounts, rewritten = comma_amounts(text, mark)
    values[amounts] = rewritten
    kinds[percents] = CELL_UNKNOWN
    kinds[amounts] = CELL_UNKNOWN
    if codes is None:
        return scan.blank, kinds
    out[:] = values[codes]
    return scan.blank[codes], kinds[codes]


#: The ASCII bytes Python's ``str.strip()`` removes: those ``str.isspace`` says are whitespace (tab
#: to carriage return, the four separators 0x1C-0x1F, and space).
_STRIPPED_ASCII = byte_table(c for c in map(chr, range(WIDE)) if c.isspace())


def typed_column(
    text: pd.Series, scan: ColumnScan, numbers: np.ndarray, out: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """One column as values (in ``out``, an object array of the column's length, when given; a new
    one otherwise): ``numbers`` where not NaN, ISO dates, the text as typed, None for blank; and
    what each cell is, as the cell parsers of core/ would find it (``core.cells.CELL_*``,
    int8): blank, number, date (other), text that needs no strip (its first and last bytes ASCII
    and not whitespace), unknown for any other text (a wider character or a space at an edge:
    core looks at it as at any cell; so does every cell when pyarrow is missing).

    >>> text = pd.Series(["12.5", "2024-03-31", "Acme", " ", "0000-01-01", "2024-02-30", " Beta", "Café"])
    >>> values, kinds = typed_column(text, scan_column(text), np.array([12.5] + [np.nan] * 7))
    >>> values.tolist()
    [12.5, datetime.datetime(2024, 3, 31, 0, 0), 'Acme', None, '0000-01-01', '2024-02-30', ' Beta', 'Café']
    >>> kinds.tolist()
    [1, 3, 2, 0, 2, 2, -1, -1]
    """
    values = np.empty(len(text), dtype=object) if out is None else out
    values[:] = None
    kinds = np.full(len(text), CELL_BLANK, dtype=np.int8)
    is_number = ~np.isnan(numbers)
    values[is_number] = numbers[is_number]
    kinds[is_number] = CELL_NUMBER
    words = scan.digit_words[~is_number[scan.digit_words]]  # only text that starts with a digit can be a date
    cells = text.iloc[words].str.strip()
    iso = words[cells.str.fullmatch(ISO_DATE).to_numpy(dtype=bool)]
    if iso.size:
        # a date that does not exist (0000-01-01, 2024-02-30) stays text, for the cell parser to list
        stamps = pd.to_datetime(text.iloc[iso].str.strip(), format="ISO8601", errors="coerce")
        real = (stamps.notna() & (stamps.dt.year >= 1)).to_numpy(dtype=bool)
        iso = iso[real]
        # Python datetimes made by numpy from microseconds (an ISO text holds whole seconds): a
        # tenth of pandas' to_pydatetime time for a million dates, the same values
        values[iso] = stamps[real].to_numpy().astype("datetime64[us]").astype(object)
        kinds[iso] = CELL_OTHER
    # only the cells that stay text become Python strings (a column of numbers makes none)
    words = ~is_number & ~scan.blank
    words[iso] = False
    values[words] = text[words].to_numpy(dtype=object)  # (a column of repeated texts: its distinct ones)
    kinds[words] = CELL_UNKNOWN
    if scan.edges is not None:
        at = np.flatnonzero(words)
        first, last = scan.edges.first[at], scan.edges.last(at)
        kinds[at[(first < WIDE) & (last < WIDE) & ~_STRIPPED_ASCII[first] & ~_STRIPPED_ASCII[last]]] = CELL_TEXT
    return values, kinds


def sniff_delimiter(text: str, candidates: tuple[str, ...] = DELIMITERS, default: str = ",") -> str:
    """The delimiter among ``candidates`` that splits the first lines most consistently.

    Each candidate splits the first non-blank lines (quotes respected); it scores by how many
    lines share its most common field count (above one), then by that count. Title rows above
    the table cost every candidate alike. A text that none splits gives ``default``.

    >>> sniff_delimiter("Kunde;Umsatz;Marge\\nMüller GmbH;1.234,56;12,5 %\\n")
    ';'
    >>> sniff_delimiter("Account,Revenue\\n\\"Smith, J\\",1200\\n")
    ','
    >>> sniff_delimiter("Account\\tRevenue\\nAcme\\t5\\n")
    '\\t'
    """
    lines = [line for line in text[:_SNIFF_CHARS].splitlines()[:_SNIFF_LINES] if line.strip()]
    best, best_score = default, (0, 0)
    for candidate in candidates:
        counts = [len(fields) for fields in csv.reader(lines, delimiter=candidate)]
        split = [count for count in counts if count > 1]
        if not split:
            continue
        common = max(set(split), key=split.count)
        score = (split.count(common), common)
        if score > best_score:
            best, best_score = candidate, score
    return best


def split_cells(data: bytes, encoding: str, separator: str, name: str, width: int) -> pd.DataFrame:
    """The cells of a file's bytes as a frame of strings ('' for blank), one row per line.

    Rows may have different numbers of fields (a title line above the table, a footer): the
    frame is as wide as the widest row (``width`` is a first guess from the first lines),
    shorter rows padded with ''.
    """

    newlines = data.count(b"\n")  # counted once: a pass over the file (tens of milliseconds a million lines)

    def parse(columns: int) -> pd.DataFrame:
        check_width(name, columns, newlines + 1)
        typed = arrow_cells(data, encoding, separator, columns, newlines)
        if typed is not None:
            return typed
        return pd.read_csv(
            io.BytesIO(data),
            encoding=encoding,
            sep=separator,
            engine="c",
            dtype=str,
            keep_default_na=False,
            header=None,
            skip_blank_lines=False,
            names=range(columns),
        )

    try:
        try:
            frame = parse(width)
        except pd.errors.ParserError:  # a row further down is wider than the first lines
            text = data.decode(encoding)
            if separator == WHITESPACE:
                frame = parse(max(len(line.split()) for line in text.splitlines()))
            else:
                frame = parse(max(len(fields) for fields in csv.reader(io.StringIO(text), delimiter=separator)))
    except UnicodeDecodeError:
        raise not_text(name, encoding) from None
    except (pd.errors.ParserError, csv.Error) as error:
        raise SegmenterInputError(
            f"{name} cannot be split into cells ({error}): check its quotes, or save it from Excel as CSV again"
        ) from None
    frame = frame.fillna("")
    # trailing blank columns (a separator inside quotes overcounted, or 3,000 trailing commas) go at once
    filled = np.flatnonzero((frame != "").any(axis=0).to_numpy())
    last = int(filled[-1]) + 1 if filled.size else 1
    frame = frame.iloc[:, :last] if last < frame.shape[1] else frame
    if frame.shape[1] > NARROW and filled.size:  # each run of blank columns between filled ones cut to one
        keep = kept_columns(filled)
        if len(keep) < frame.shape[1]:
            frame = frame.iloc[:, keep]
            frame.columns = range(frame.shape[1])
    return frame


def arrow_cells(
    data: bytes, encoding: str, separator: str, columns: int, newlines: int | None = None
) -> pd.DataFrame | None:
    r"""The cells of a usual file split by pyarrow's multithreaded CSV reader, as strings, frame
    columns ``0..columns-1``; None for any other file, which pandas' parser splits instead.

    A usual file: UTF-8 without NUL bytes, split on one character, lines ended by ``\n`` or
    ``\r\n`` and no line break inside quotes, every line of ``columns`` fields. Such a file gives
    pyarrow's cells exactly where pandas' C parser gives its own (the guards below refuse the rest:
    a line of another width, a blank line or a quoted line break makes pyarrow fail or the row
    count differ from the line count; a quote left open at the end of the file, which pandas
    refuses, is looked for on the last line). ``newlines``: the count of ``\n`` in ``data``, when
    the caller has it.

    >>> arrow_cells(b'Account,Revenue\r\n"Smith, J",1200\r\n', "utf-8", ",", 2).values.tolist()
    [['Account', 'Revenue'], ['Smith, J', '1200']]
    >>> arrow_cells(b"Account,Revenue\nAcme\n", "utf-8", ",", 2) is None  # a short line: pandas pads it
    True
    """
    if encoding != "utf-8" or len(separator) != 1 or separator in '"\r\n' or b"\x00" in data:
        return None
    if b"\r" in data and data.count(b"\r") != data.count(b"\r\n"):
        return None
    lines = (data.count(b"\n") if newlines is None else newlines) + (not data.endswith(b"\n"))
    try:
        import pyarrow as pa
        import pyarrow.csv as pv
    except ImportError:  # xlwings Lite: pandas parses every file
        return None
    names = [str(j) for j in range(columns)]
    try:
        table = pv.read_csv(
            pa.py_buffer(data),
            read_options=pv.ReadOptions(column_names=names),
            parse_options=pv.ParseOptions(delimiter=separator, ignore_empty_lines=False),
            convert_options=pv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.large_string()),  # as pandas holds text: no cast
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    if table.num_rows != lines:
        return None
    if b'"' in data:  # no cell spans lines but maybe the last, left open to the end: pandas refuses that file
        last = data[data.rfind(b"\n", 0, len(data) - 1) + 1 :]
        try:
            pd.read_csv(io.BytesIO(last), sep=separator, engine="c", dtype=str, header=None, names=range(columns))
        except pd.errors.ParserError:
            return None
    frame = table.to_pandas()
    frame.columns = range(columns)
    return frame


def check_width(name: str, columns: int, lines: int) -> None:
    """Refuse, before pandas allocates, a file wider than Excel's 16,384 columns or with more cells
    (lines x widest line) than :data:`readers.limits.MAX_CELLS`.

    >>> check_width("a.csv", 1_000_001, 1)
    Traceback (most recent call last):
    ...
    core.errors.SegmenterInputError: a.csv has a line of at least 1,000,001 fields: segmenter reads at most 16,384 columns (Excel's limit); check the separator, or save the list from Excel as CSV again
    """  # noqa: E501
    if columns > MAX_COLUMNS:
        raise SegmenterInputError(
            f"{name} has a line of at least {columns:,} fields: segmenter reads at most {MAX_COLUMNS:,} "
            "columns (Excel's limit); check the separator, or save the list from Excel as CSV again"
        )
    if columns * lines > MAX_CELLS:
        raise SegmenterInputError(
            f"{name} has {lines:,} lines and a line of {columns:,} fields ({columns * lines:,} "
            f"cells): segmenter reads at most {MAX_CELLS:,} cells; split the file or drop columns"
        )


def _widest_row(head: str, separator: str) -> int:
    """Fields in the widest of the first lines."""
    lines = head.splitlines()[:-1] or head.splitlines()  # the last line of the head may be cut short
    if separator == WHITESPACE:
        return max((len(line.split()) for line in lines), default=1) or 1
    return max((len(fields) for fields in csv.reader(lines, delimiter=separator)), default=1) or 1
