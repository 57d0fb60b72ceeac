"""Rendered-page faults: the RFM bar chart's axes, and notes that made a printed page shrink its table.

The CDNOW report is written with the CLI and read back as the file's XML (charts) and with openpyxl
(print area, wrapped cells, row heights, column widths).
"""
from __future__ import annotations

import re
import zipfile

import pytest
from openpyxl import load_workbook

import segmenter
from tests.test_bridge import CDNOW
from writers.layout import NOTE_WIDTH


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


def test_lifetime_value_notes_wrap_within_the_printed_tables(cdnow_report):
    book = load_workbook(cdnow_report)
    ws = book["Lifetime value"]
    # the print area covers the tables' columns only: A..J (10 columns of the per-customer table)
    assert ws.print_area is not None and re.search(r"\$A\$1:\$J\$\d+", ws.print_area)
    assert ws.page_setup.orientation == "landscape" and ws.sheet_properties.pageSetUpPr.fitToPage
    header = [c.value for c in ws[5]]
    meaning = header.index("Meaning") + 1
    notes = [ws.cell(row=r, column=meaning) for r in range(6, 6 + 30) if ws.cell(row=r, column=1).value]
    long_notes = [c for c in notes if isinstance(c.value, str) and len(c.value) > NOTE_WIDTH]
    assert long_notes and all(c.alignment.wrap_text for c in long_notes)
    assert all(ws.row_dimensions[c.row].height >= 30 for c in long_notes)  # two lines or more, not cut
    width = ws.column_dimensions[notes[0].column_letter].width
    assert 40 <= width <= NOTE_WIDTH + 1


def test_every_sheet_prints_on_one_page_width(cdnow_report):
    book = load_workbook(cdnow_report)
    for ws in book.worksheets:
        assert ws.print_area, ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert ws.page_setup.fitToWidth in (None, 1), ws.title
