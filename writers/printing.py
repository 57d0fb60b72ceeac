"""Column widths and how a sheet prints: one page wide, long notes and labels wrapped."""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
import textwrap
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from writers.print_setup import MIN_SCALE, PAGE_PX

if TYPE_CHECKING:
    from writers.placement import PlacedBlock, PlacedSheet

PIXELS_PER_CHARACTER, PIXELS_PER_CM = 7.0, 37.8


def estimated_widths(sheet: PlacedSheet, sample: int = 2000) -> list[float]:
    """Column widths (characters) from the headers and the first rows, for writers without autofit."""
    widths = [8.0] * sheet.n_cols
    for block in sheet.blocks:
        head = block.head(sample)
        for j, header in enumerate(block.headers):
            if block.keys[j] == block.block.overflow_column or _runs_on(block, j):
                widths[j] = max(widths[j], len(str(header)) + 3.0)  # the header, on its fill, does not run on
                continue
            widths[j] = max(widths[j], _needed_width(str(header), [r[j] for r in head], block.formats[j]))
    return widths


def _needed_width(header: str, cells: list[object], number_format: str) -> float:
    """A column's width (characters) for one block: its figures in full, + 3 so that a figure never
    touches the next column's text; a few long labels and a long header wrap instead (see
    :data:`LABEL_WIDTH`).

    >>> _needed_width("Customers", [1_234.0, 56.0], "#,##0_)")
    12.0
    >>> _needed_width("Weeks first to last purchase (t_x)", [12.5], "0.0_)")  # the header wraps
    16.0
    >>> _needed_width("Measure", ["Customers", "Customers likely still active (P(alive) of 50 % or more)"], "General")
    32.0
    """
    figures = [len(_shown(c)) + 3.0 for c in cells if not isinstance(c, str)]
    texts = [len(c) + 3.0 for c in cells if isinstance(c, str)]
    if (
        texts and number_format == "General"
    ):  # labels: the longest counts up to LABEL_WIDTH (a long list: its usual one)
        usual = float(np.median(texts)) if len(texts) > LONG_LIST else 0.0
        texts = [min(max(texts), max(LABEL_WIDTH, usual))]
    cells_width = max(figures + texts, default=0.0)
    return min(LONG_LABEL_WIDTH, max(cells_width, min(len(header) + 3.0, max(cells_width, HEADER_WIDTH))))


def _runs_on(block: PlacedBlock, j: int) -> bool:
    """Long text in a block's last column (a note, a rule, a reason) runs on into the empty cells to
    its right instead of widening a column that other blocks use for figures."""
    return j == block.n_cols - 1 and block.formats[j] == "General" and block.n_cols > 1


def _shown(value: object) -> str:
    if isinstance(value, float):
        return f"{value:,.0f}" if abs(value) >= 1 else f"{value:.1%}"
    if isinstance(value, dt.datetime):
        return "2000-01-01"
    return "" if value is None else str(value)


# Printing: every sheet prints on one page width (landscape, fit to width), so a sheet must not be
# wider than its tables and charts. A note or reason that runs on past them would make the printed
# page shrink its table to an unreadable size: it wraps instead, in a column at most this wide.
NOTE_WIDTH = 48.0  # characters: a wrapped note, wide enough for a few words a line, narrow enough to print
NOTE_MIN_WIDTH = 40.0  # a wrapped note's column is at least this wide (a few words a line)
# A label column (text beside figures, in one of the blocks stacked on a sheet) is only as wide as
# its labels and at most LABEL_WIDTH (unless it is a long list whose usual label is longer): the long
# ones wrap, their rows as high as their lines. A header longer than its column's figures (at least
# HEADER_WIDTH) wraps too. Figures never wrap: a number column is as wide as its longest figure.
LABEL_WIDTH = 32.0  # characters
LONG_LIST = 100  # rows: a list longer than this whose usual label is longer keeps that label on one line
HEADER_WIDTH = 16.0  # characters
LONG_LABEL_WIDTH = 60.0  # characters: the widest column, a long list's usual label on one line


@dataclass(frozen=True)
class PrintFit:
    """How a sheet prints: its column widths (characters), the run-on text columns that wrap
    (block table -> 0-based column) and the print area's last row and column (0-based)."""

    widths: list[float]
    wrapped: dict[str, int]
    last_row: int
    last_col: int
    #: label cells that wrap (block table -> (0-based data row, 0-based column)), and headers that wrap
    wrapped_labels: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    wrapped_headers: dict[str, list[int]] = field(default_factory=dict)


# a text that textwrap splits at its single spaces only: no other whitespace (a no-break space is
# part of a word to textwrap's split but blank to its line ends), and no hyphen it may break at: one
# after a letter (well-known) or two in a row (an em-dash, --); a date's (2024-03-31) it keeps
_PLAIN_WORDS = re.compile(r"[^\s]+(?: [^\s]+)*")
_HYPHEN_BREAK = re.compile(r"--|[^\W\d]-")
_SPLIT_WORDS = textwrap.TextWrapper.wordsep_re.split
# textwrap's own whitespace, each character of which it reads as one space
_SPACES = str.maketrans(dict.fromkeys("\t\n\x0b\x0c\r ", " "))


@functools.lru_cache(maxsize=1 << 16)  # a list's notes repeat: the watch list has a few dozen kinds
def wrapped_lines(text: str, width: int) -> int:
    """How many lines ``textwrap.wrap(text, width)`` makes (0 for a blank text), without building them.

    A text as long as ``width`` or shorter is one line. Any other is cut into textwrap's chunks
    (words, hyphenated parts, runs of whitespace: split on its single spaces when it has no other
    whitespace nor hyphen, else by textwrap's own ``wordsep_re``) and wrapped greedily on the
    chunks' lengths, as textwrap's ``_wrap_chunks`` does; a text with a chunk longer than a line
    (which textwrap breaks, at a hyphen where it can) goes to textwrap itself. The writers count
    the lines of every note of a long list (131,000 notes on the watch list of a million
    accounts, 53,000 dated notes on a million order lines' customer call list), where textwrap
    takes 50 microseconds a note.

    >>> text = "Fix margin: net margin 2.1% on revenue 2,498,630 against the portfolio's 18.8%"
    >>> wrapped_lines(text, 30), len(textwrap.wrap(text, 30))
    (3, 3)
    >>> wrapped_lines("short", 10), wrapped_lines("  ", 10), wrapped_lines("a" * 25, 10)
    (1, 0, 3)
    >>> wrapped_lines("well-known - hyphens\tand tabs, last bought 2024-03-31", 12)
    5
    """
    if len(text) <= width and "\t" not in text and text.strip():
        return 1
    if _PLAIN_WORDS.fullmatch(text) is not None:
        words = text.split(" ")
        if "-" in text and _HYPHEN_BREAK.search(text) is not None:
            # textwrap breaks after such a hyphen: its split of each word that has one (a word's
            # split does not depend on the words around it, which a space keeps apart)
            sizes = []
            for word in words:
                if "-" in word and _HYPHEN_BREAK.search(word) is not None:
                    sizes.extend(len(part) for part in _SPLIT_WORDS(word) if part)
                else:
                    sizes.append(len(word))
                sizes.append(-1)  # the single space after it: blank, one long
            sizes.pop()
        else:
            sizes = [-1] * (2 * len(words) - 1)
            sizes[::2] = map(len, words)
    else:
        munged = text.expandtabs().translate(_SPACES)
        chunks = [chunk for chunk in textwrap.TextWrapper.wordsep_re.split(munged) if chunk]
        sizes = [len(chunk) if chunk.strip() else -len(chunk) for chunk in chunks]
    if not sizes or max(map(abs, sizes)) > width:
        return len(textwrap.wrap(text, width))
    return _greedy_lines(tuple(sizes), width)


#: printable ASCII words between single spaces (what ``_PLAIN_WORDS`` matches of a printable
#: ASCII text, whose only whitespace is the space), and a hyphen textwrap may break at
#: (``_HYPHEN_BREAK`` on printable ASCII, where ``[^\W\d]`` is a letter or ``_``), in Arrow's RE2
_ASCII_WORDS = r"^[!-~]+(?: [!-~]+)*$"
_ASCII_HYPHEN_BREAK = r"--|[A-Za-z_]-"


def wrapped_line_counts(texts, width: int) -> np.ndarray:
    """:func:`wrapped_lines` of each text (0 for a blank text or a value that is not text), at once.

    The same counts as ``[wrapped_lines(t, width) if isinstance(t, str) and t else 0 for t in texts]``:
    texts of printable ASCII words between single spaces, without a hyphen textwrap breaks at and
    without a word longer than a line (a generated note: "probably slipping: P(alive) 0.2%, ...")
    are wrapped together by Arrow and numpy, greedily as :func:`_greedy_lines` does (a word goes
    on the line when the line's characters, one space and the word fit in ``width``); every other
    text is counted by :func:`wrapped_lines`. The writers count the notes of a long list this way
    (75,000 notes on a million order lines' call list: 2 s one by one).

    >>> wrapped_line_counts(["aaa bbb ccc", "", None, "well-known words", "x" * 12, 3.5], 7).tolist()
    [2, 0, 0, 3, 2, 0]
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    values = np.asarray(texts, dtype=object).ravel()
    counts = np.zeros(values.size, dtype=np.int64)
    at = np.flatnonzero(np.fromiter((isinstance(t, str) and t != "" for t in values), dtype=bool, count=values.size))
    if not at.size:
        return counts
    # str subclasses too (numpy's str_): what wrapped_lines reads of them is their text
    text = pa.array([str(t) for t in values[at]], type=pa.large_string())
    plain = pc.and_(
        pc.match_substring_regex(text, _ASCII_WORDS), pc.invert(pc.match_substring_regex(text, _ASCII_HYPHEN_BREAK))
    )
    fast = plain.to_numpy(zero_copy_only=False)
    if fast.any():
        words = pc.split_pattern(text.filter(plain), " ")
        sizes = pc.binary_length(pc.list_flatten(words)).to_numpy().astype(np.int64)  # ASCII: one byte a character
        offsets = words.offsets.to_numpy().astype(np.int64)
        starts, n_words = offsets[:-1], np.diff(offsets)  # every text has a word
        fits = np.maximum.reduceat(sizes, starts) <= width  # a longer word: textwrap breaks it
        lines, used = np.ones(starts.size, dtype=np.int64), sizes[starts].copy()
        for k in range(1, int(n_words.max())):
            rows = np.flatnonzero(n_words > k)
            word = sizes[starts[rows] + k]
            after = used[rows] + 1 + word
            same_line = after <= width
            used[rows] = np.where(same_line, after, word)
            lines[rows] += ~same_line
        taken = np.flatnonzero(fast)[fits]
        counts[at[taken]] = lines[fits]
        fast[np.flatnonzero(fast)[~fits]] = False
    for i in at[~fast].tolist():
        counts[i] = wrapped_lines(values[i], width)
    return counts


@functools.lru_cache(maxsize=1 << 16)  # notes of one kind differ in their figures, rarely in their words' lengths
def _greedy_lines(sizes: tuple[int, ...], width: int) -> int:
    """Lines of textwrap's greedy wrap of chunks of these lengths (negative: a blank chunk, which
    a line neither starts nor ends with), none longer than ``width``.

    >>> _greedy_lines((5, -1, 5, -1, 5), 11), _greedy_lines((-2,), 5)
    (2, 0)
    """
    lines, i, n = 0, 0, len(sizes)
    while i < n:
        if lines and sizes[i] < 0:
            i += 1  # a line does not start with the whitespace it broke at (one chunk of it)
        start, used = i, 0
        while i < n and used + abs(sizes[i]) <= width:
            used += abs(sizes[i])
            i += 1
        kept = i - start - (i > start and sizes[i - 1] < 0)  # nor end with it
        if kept > 0:
            lines += 1
    return lines


def _pixels(widths: list[float], column: int) -> float:
    """Pixels from the sheet's left edge to the start of a 1-based column (the default width past ``widths``)."""
    return sum((widths[j] if j < len(widths) else 8.43) * PIXELS_PER_CHARACTER + 5 for j in range(column - 1))


def print_fit(sheet: PlacedSheet, sample: int = 2000) -> PrintFit:
    """The widths, wrapped notes and print area of a placed sheet (see :data:`NOTE_WIDTH`).

    The printed width is that of the widest of its tables and charts. A run-on column (a
    block's last text column, or its ``overflow_column``) whose longest text ends past that width
    (or past the first page of a sheet printed across pages, :mod:`writers.print_setup`) is
    widened (to at most :data:`NOTE_WIDTH`) and, if the text still does not fit, wrapped.
    """
    widths = estimated_widths(sheet, sample)
    table_px = _pixels(widths, sheet.n_cols + 1)
    chart_px = [_pixels(widths, c.anchor[1]) + c.width_cm * PIXELS_PER_CM for c in sheet.charts]
    page_px = max([table_px] + chart_px)
    # a sheet wider than a page at the smallest legible scale prints across pages: text runs on at
    # most to the first page's edge, or it would be cut there
    run_on_px = min(page_px, PAGE_PX["landscape"] / MIN_SCALE)
    wrapped: dict[str, int] = {}
    for block in sheet.blocks:
        for j, key in enumerate(block.keys):
            if not (key == block.block.overflow_column or _runs_on(block, j)) or not block.n_rows:
                continue
            longest = max((len(_shown(r[j])) for r in block.head(sample)), default=0)
            needed_px = longest * PIXELS_PER_CHARACTER + 10
            # text runs on into empty cells only: a column with figures to its right has its own width
            room_px = run_on_px - _pixels(widths, j + 1) if j == block.n_cols - 1 else widths[j] * PIXELS_PER_CHARACTER
            if needed_px <= room_px:
                continue  # it runs on, within the printed width
            rest_px = room_px - widths[j] * PIXELS_PER_CHARACTER
            width = min(NOTE_WIDTH, max(widths[j], NOTE_MIN_WIDTH, (needed_px - rest_px) / PIXELS_PER_CHARACTER))
            widths[j] = width
            if width * PIXELS_PER_CHARACTER + rest_px < needed_px:
                wrapped[block.block.table] = j
    page_px = max(
        [_pixels(widths, sheet.n_cols + 1)]
        + [_pixels(widths, c.anchor[1]) + c.width_cm * PIXELS_PER_CM for c in sheet.charts]
    )
    last_col = sheet.n_cols
    while _pixels(widths, last_col + 1) < page_px - 1:
        last_col += 1
    chart_rows = [c.anchor[0] + math.ceil(c.height_cm / 0.53) for c in sheet.charts]
    last_row = max([b.last_row for b in sheet.blocks] + chart_rows)
    labels, headers = _wrapped_labels(sheet, widths, sample)
    return PrintFit(
        widths=widths,
        wrapped=wrapped,
        last_row=last_row - 1,
        last_col=last_col - 1,
        wrapped_labels=labels,
        wrapped_headers=headers,
    )


def _wrapped_labels(
    sheet: PlacedSheet, widths: list[float], sample: int
) -> tuple[dict[str, list[tuple[int, int]]], dict[str, list[int]]]:
    """The label cells (text in a text column, not a run-on note) and headers longer than their
    column: they wrap (see :data:`LABEL_WIDTH`)."""
    labels: dict[str, list[tuple[int, int]]] = {}
    headers: dict[str, list[int]] = {}
    for block in sheet.blocks:
        table = block.block.table
        for j, header in enumerate(block.headers):
            if len(str(header)) + 3.0 > widths[j] + 0.5:
                headers.setdefault(table, []).append(j)
            if block.keys[j] == block.block.overflow_column or _runs_on(block, j) or block.formats[j] != "General":
                continue
            for i, row in enumerate(block.head(sample)):
                if isinstance(row[j], str) and len(row[j]) + 3.0 > widths[j] + 0.5:
                    labels.setdefault(table, []).append((i, j))
    return labels, headers
