"""Rendered-page faults: the RFM bar chart's axes, and notes that made a printed page shrink its table.

The CDNOW report is written with the CLI and read back as the file's XML (charts) and with openpyxl
(print area, wrapped cells, row heights, column widths).
"""

from __future__ import annotations

import re
import zipfile

import pytest
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string, get_column_letter

import segmenter
from tests.test_bridge import CDNOW, GROWTH_SAMPLE
from writers.print_setup import BREAK_SLACK, MIN_SCALE, PAGE_PX, columns_px
from writers.printing import LABEL_WIDTH, LONG_LABEL_WIDTH, NOTE_WIDTH


@pytest.fixture(scope="module")
def cdnow_report(tmp_path_factory):
    if CDNOW is None:
        pytest.skip("CDNOW sample not found")
    out = tmp_path_factory.mktemp("print") / "cd.xlsx"
    assert segmenter.main(["report", str(CDNOW), "-o", str(out)]) == 0
    return out


def _bar_chart_xml(path) -> str:
    with zipfile.ZipFile(path) as z:
        charts = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/chart")]
    bars = [c for c in charts if '<c:barDir val="bar"/>' in c]
    assert len(bars) == 1  # the Overview's RFM chart
    return bars[0]


def test_rfm_bars_grow_rightwards_with_the_first_segment_on_top(cdnow_report):
    xml = _bar_chart_xml(cdnow_report)
    category = re.search(r"<c:catAx>.*?</c:catAx>", xml).group(0)
    values = re.search(r"<c:valAx>.*?</c:valAx>", xml).group(0)
    assert '<c:orientation val="maxMin"/>' in category  # Champions (the table's first row) on top
    assert '<c:orientation val="minMax"/>' in values  # bars grow from 0 to the right
    assert "Customers" in values and "#,##0" in values  # the value axis carries the title and format


def _print_columns(ws) -> int:
    return column_index_from_string(re.search(r"\$([A-Z]+)\$\d+$", ws.print_area).group(1))


def test_lifetime_value_long_labels_and_notes_wrap_within_the_printed_tables(cdnow_report):
    book = load_workbook(cdnow_report)
    ws = book["Lifetime value"]
    # the print area covers the tables' columns only: A..N (14 columns of the per-customer table)
    assert ws.print_area is not None and re.search(r"\$A\$1:\$N\$\d+", ws.print_area)
    # 14 columns, about 300 characters: printed across pages at a legible scale, column A on each
    assert ws.page_setup.orientation == "landscape" and not ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_cols == "$A:$A" and ws.page_setup.pageOrder == "overThenDown"
    # the first block's measure names (up to 56 characters) wrap in a column capped at LABEL_WIDTH
    assert ws["A5"].value == "Measure"
    measures = [ws.cell(row=r, column=1) for r in (6, 7, 8)]
    longest = max(measures, key=lambda c: len(c.value))
    assert longest.value == "Customers likely still active (P(alive) of 50 % or more)"
    width_a = ws.column_dimensions["A"].width
    assert width_a <= LABEL_WIDTH + 1 < len(longest.value)
    assert longest.alignment.wrap_text and ws.row_dimensions[longest.row].height >= 30  # two lines, not cut
    assert ws["E6"].value == "purchases" and ws["B6"].number_format == "#,##0_)"  # a count, no decimals
    # the parameters' meanings (up to 216 characters) wrap in their note column, at most NOTE_WIDTH wide
    header_row = next(r for r in range(1, 40) if ws.cell(row=r, column=6).value == "Meaning")
    notes = [ws.cell(row=r, column=6) for r in range(header_row + 1, header_row + 30) if ws.cell(row=r, column=1).value]
    long_notes = [c for c in notes if isinstance(c.value, str) and len(c.value) > NOTE_WIDTH * 1.2]  # 2+ lines
    assert long_notes and all(c.alignment.wrap_text for c in long_notes)
    assert all(ws.row_dimensions[c.row].height >= 30 for c in long_notes)
    assert 40 <= ws.column_dimensions["F"].width <= NOTE_WIDTH + 1
    # numbers never wrap: every cell holding a number sits in a row of the default height or in a
    # row made tall by a wrapped text beside it
    for row in ws.iter_rows(min_row=6, max_row=header_row + 30):
        for cell in row:
            if isinstance(cell.value, (int, float)):
                assert not cell.alignment.wrap_text, cell.coordinate


def test_no_sheet_is_widened_by_a_few_long_labels(cdnow_report):
    """Every column of every sheet is at most LABEL_WIDTH wide, or as wide as a figure, a run-on
    note's wrapped column (at most NOTE_WIDTH), or a long list's usual label: the printed width of
    the Lifetime value sheet is the sum of its 14 columns, none of them widened by a measure name."""
    book = load_workbook(cdnow_report)
    for ws in book.worksheets:
        for j in range(1, _print_columns(ws) + 1):
            width = ws.column_dimensions[get_column_letter(j)].width or 8.43
            assert width <= max(NOTE_WIDTH, LONG_LABEL_WIDTH) + 1, (ws.title, j, width)
    ws = book["Lifetime value"]
    widths = [ws.column_dimensions[get_column_letter(j)].width for j in range(1, 15)]
    # before the labels wrapped: 409 characters (A 59.7, C 58.7 from three measure names and a setting)
    wide = [w for w in widths if w > LABEL_WIDTH + 1]
    assert len(wide) == 1 and wide[0] <= NOTE_WIDTH + 1  # only the wrapped meanings' column F
    assert sum(widths) <= 14 * (LABEL_WIDTH + 1) - 100


@pytest.fixture(scope="module")
def growth_report(tmp_path_factory):
    out = tmp_path_factory.mktemp("print") / "growth.xlsx"
    assert segmenter.main(["report", str(GROWTH_SAMPLE), "-o", str(out)]) == 0
    return out


def _widths(ws, last: int) -> list[float]:
    """Column widths in characters as the file holds them (Excel adds 5 pixels, 0.71 characters)."""
    widths = [8.43] * last
    for dim in ws.column_dimensions.values():
        for j in range(dim.min, (dim.max or dim.min) + 1):
            if j <= last and dim.width:
                widths[j - 1] = dim.width - 5 / 7
    return widths


def _printed_scale(ws) -> tuple[float, list[float]]:
    """The scale each printed page has: fitted to one page width, the page's width over the print
    area's (Letter, default margins: the narrower of Letter and A4); across pages, the set scale,
    each page (column A + its columns) checked to fit at it."""
    last = _print_columns(ws)
    widths = _widths(ws, last)
    page = PAGE_PX[ws.page_setup.orientation]
    if ws.sheet_properties.pageSetUpPr.fitToPage:
        assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0, ws.title
        return min(1.0, page / columns_px(widths, last - 1)), []
    scale = (ws.page_setup.scale or 100) / 100  # 100 % is the default, not written
    # the breaks are the application's: each column, with column A, fits a page even drawn a fifth wider
    pages = [columns_px(widths, 0) + columns_px(widths, j) - columns_px(widths, j - 1) for j in range(1, last)]
    return scale, pages


@pytest.mark.parametrize("which", ["cdnow_report", "growth_report"])
def test_every_sheet_prints_legibly(which, request):
    """Legible: fitted to one page width at 70 % or more, or printed across pages at 70 % or more
    with column A and the header (or title) rows on every page, "over, then down", every column
    printable beside column A at that scale (even drawn a fifth wider, as LibreOffice does)."""
    book = load_workbook(request.getfixturevalue(which))
    across = []
    for ws in book.worksheets:
        assert ws.print_area, ws.title
        scale, pages = _printed_scale(ws)
        assert scale >= MIN_SCALE - 0.005, (ws.title, scale)
        if pages:
            across.append(ws.title)
            assert ws.print_title_cols == "$A:$A" and ws.print_title_rows, ws.title
            assert ws.page_setup.pageOrder == "overThenDown", ws.title
            page = PAGE_PX[ws.page_setup.orientation] / scale
            assert all(width * BREAK_SLACK <= page for width in pages), (ws.title, pages, page)
    # the wide sheets of the issue go across pages; the call list and the Overview fit one page width
    expected = {"cdnow_report": {"Customers", "Lifetime value", "Model check"}, "growth_report": {"Growth"}}[which]
    assert expected <= set(across) and not {"Accounts to call", "Overview"} & set(across), across
    assert book["Overview"].page_setup.orientation == "portrait"


def test_wrapped_lines_counts_what_textwrap_makes():
    """The writers count a note's lines without textwrap (it is 5x slower on the 131,000 notes of
    a million accounts' watch list): the count must be textwrap's for every kind of text, the
    generated notes (words between single spaces, long numbers) and what falls back (hyphens,
    tabs, runs of spaces, no-break spaces, blank texts)."""
    import random
    import textwrap

    from writers.printing import wrapped_lines

    rng = random.Random(24)
    texts = [
        "Fix margin: net margin 2.1% on revenue 2,498,630 against the portfolio's 18.8%: 417,701 profit at stake",
        "tier A account whose NPS answer is 5 (a detractor); revenue 1,287,150",
        "x" * 130,
        "",
        " ",
        "\xa0 ",
        "a-b c\td  e",
        "Win back: last bought 2024-03-31, 412 days ago; re-engage before the 90-day mark -- or lose 1,250",
        "self-service re-order well--known a---b -5 5- x-y-z\r\n\x0b\x0c end",
    ]
    words = ["re-engage", "2024-03-31", "--", "-", "a-b", "ab-cd", "x", "well-known", "12.5%", "\xa0", "e-mail"]
    words += ["_-x", "a_-b", "x--", "--y", "1-a", "é-b", "ab-12", "12-ab", "-5", "5-", "a.-b", "US$-3", "né-e"]
    for _ in range(30_000):
        kind = rng.random()
        if kind < 0.5:
            sizes = [rng.choice([1, 2, 4, 7, 12, 25, 70]) for _ in range(rng.randint(0, 20))]
            texts.append(" ".join("".join(rng.choice("abc,.%'19") for _ in range(n)) for n in sizes))
        elif kind < 0.75:  # dated and hyphenated notes, joined by one or more kinds of whitespace
            parts = [rng.choice(words) for _ in range(rng.randint(0, 16))]
            texts.append("".join(p + rng.choice([" ", " ", " ", "  ", "\t", "\n", "-"]) for p in parts))
        else:
            texts.append("".join(rng.choice("ab c  -\t\xa0.\n") for _ in range(rng.randint(0, 90))))
    for text in texts:
        for width in (1, 5, 10, 37, 55):
            assert wrapped_lines(text, width) == len(textwrap.wrap(text, width)), (text, width)


def test_wrapped_line_counts_are_wrapped_lines_of_each_text(monkeypatch):
    """The notes of a long list are counted at once (:func:`writers.printing.wrapped_line_counts`):
    the count of every text must be :func:`wrapped_lines`' (so textwrap's), for the generated notes
    it wraps itself (printable ASCII words between single spaces) and for what it hands back
    (hyphens, tabs, runs of spaces, no-break spaces, a word longer than a line, blank texts,
    values that are not text); and it must wrap those notes itself, not hand them back."""
    import random

    import numpy as np

    import writers.printing as printing

    rng = random.Random(2024)
    short = ["P(alive)", "0.2%,", "2024-09-03,", "a", "ab", "slipping:", "1,267", "~!@#$%^&*()", "'q'[b]{c}<d>|"]
    words = short + ["x" * 30, "re-order", "--", "\xa0", "é", "_-x", "1-a", "a.-b", "US$-3", "well-known"]
    texts: list[object] = ["", " ", "a", "a b", "ab " * 20, None, 3.5, float("nan"), np.str_("np text here")]
    notes = [" ".join(rng.choice(short) for _ in range(rng.randint(1, 30))) for _ in range(10_000)]
    texts += notes
    for _ in range(10_000):
        if rng.random() < 0.7:  # any word, joined by one or more kinds of whitespace
            parts = [rng.choice(words) for _ in range(rng.randint(0, 16))]
            texts.append("".join(p + rng.choice([" ", " ", "  ", "\t", "\n", "-", ""]) for p in parts))
        else:
            texts.append("".join(rng.choice("ab c  -\t\xa0.\n_x") for _ in range(rng.randint(0, 90))))
    rng.shuffle(texts)
    handed_back = []
    one_by_one = printing.wrapped_lines
    monkeypatch.setattr(
        printing, "wrapped_lines", lambda text, width: handed_back.append(text) or one_by_one(text, width)
    )
    for width in (5, 10, 37, 48, 120):
        handed_back.clear()
        expected = [one_by_one(t, width) if isinstance(t, str) and t else 0 for t in texts]
        assert printing.wrapped_line_counts(texts, width).tolist() == expected
        if width >= 13:  # no word of the notes is longer than a line: each note wrapped at once
            assert not set(notes) & set(handed_back)
            assert 0 < len(handed_back) < len(texts) - len(notes)
    assert printing.wrapped_line_counts([], 10).tolist() == []
