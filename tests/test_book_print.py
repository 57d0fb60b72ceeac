"""The live-workbook writer prints as the file writer does: print area, wrapped notes and their
column widths through xlwings on every engine; orientation, fit to width or scale with column A
repeated through Excel's PageSetup on the desktop (xlwings' Windows engine over tests/fake_com.py,
and the macOS branch's AppleScript properties). Checked against the .xlsx the CLI writes from the
same list."""

from __future__ import annotations

import warnings
from types import SimpleNamespace

import pandas as pd
from openpyxl import load_workbook

import segmenter
from tests.conftest import actions, remote_book
from tests.fake_com import windows_book
from tests.test_bridge import GROWTH_SAMPLE
from writers.book import XL_LANDSCAPE, XL_OVER_THEN_DOWN, XL_PORTRAIT, page_setup
from writers.print_setup import PrintPlan


def _rows() -> list[list]:
    frame = pd.read_csv(GROWTH_SAMPLE, thousands=",")
    return [list(frame.columns)] + [[None if pd.isna(v) else v for v in row] for row in frame.itertuples(index=False)]


def test_desktop_sheets_get_the_file_writers_print_area_and_page_setup(tmp_path):
    rows = _rows()
    book, excel = windows_book({"Accounts": rows}, selection=f"A1:I{len(rows)}")
    segmenter.segment_selection(book)
    out = tmp_path / "growth.xlsx"
    assert segmenter.main(["report", str(GROWTH_SAMPLE), "-o", str(out)]) == 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        written = load_workbook(out)
    for ws in written.worksheets:
        setup = excel.workbook.sheet(ws.title).PageSetup
        # the same print area as the file's (the file writer's is 'Sheet'!$A$1:$X$n); the ribbon's
        # Data issues says one line more (the range it read)
        area = ws.print_area.split("!")[1]
        assert setup.PrintArea == area or (ws.title == "Data issues" and setup.PrintArea[:6] == area[:6]), ws.title
        assert setup.Orientation == (XL_PORTRAIT if ws.title == "Overview" else XL_LANDSCAPE), ws.title
        if ws.sheet_properties.pageSetUpPr.fitToPage:
            assert (setup.Zoom, setup.FitToPagesWide, setup.FitToPagesTall) == (False, 1, False), ws.title
        else:
            assert setup.Zoom == (ws.page_setup.scale or 100) and setup.Zoom >= 70, ws.title  # 100: not written
            assert setup.PrintTitleColumns == "$A:$A" and setup.Order == XL_OVER_THEN_DOWN, ws.title
            assert setup.PrintTitleRows == ws.print_title_rows, ws.title
    assert not written["Growth"].sheet_properties.pageSetUpPr.fitToPage  # one sheet prints across pages
    # the call list's reasons wrap in their column, as wide as in the file
    wrapped = [e for e in excel.log if e[0] == "set" and e[2] == "WrapText" and "Accounts to call" in e[1]]
    assert wrapped and all(e[3] is True for e in wrapped)
    widths = {e[1]: e[3] for e in excel.log if e[0] == "set" and e[2] == "ColumnWidth" and "Accounts to call" in e[1]}
    reason_width = written["Accounts to call"].column_dimensions["D"].width - 5 / 7
    assert any(abs(w - reason_width) < 0.01 for w in widths.values()), (widths, reason_width)


def test_remote_engine_sets_the_print_area_only():
    book = remote_book(
        {"Accounts": [["Account", "Revenue"], ["Acme", 50.0], ["Beta", 20.0], ["Cora", 5.0]]}, selection="A1:B4"
    )
    segmenter.ribbon("segment_selection", book)
    areas = [a for a in actions(book) if a["func"] == "setPrintArea"]
    assert len(areas) >= 8 and all(a["args"][0].startswith("$A$1:$") for a in areas)


def test_page_setup_on_macos_sets_appscripts_page_setup_object():
    log = []

    class Property:
        def __init__(self, name):
            self.name = name

        def set(self, value):
            log.append((self.name, value))

    names = ("page_orientation", "zoom", "fit_to_pages_wide", "fit_to_pages_tall", "print_title_columns")
    names += ("print_title_rows", "order")
    setup = SimpleNamespace(**{n: Property(n) for n in names})
    mac_impl = type("Sheet", (), {"__module__": "xlwings._xlmac"})()
    sheet = SimpleNamespace(impl=mac_impl, api=SimpleNamespace(page_setup_object=setup))
    from tests.fake_com import import_xlmac

    import_xlmac()  # appscript stubbed, as on a Mac where xlwings imports it
    page_setup(sheet, PrintPlan("landscape", False, 0.8, 1, (7,)), None)
    assert [n for n, _ in log] == ["page_orientation", "zoom", "print_title_columns", "print_title_rows", "order"]
    assert ("zoom", 80) in log and ("print_title_columns", "$A:$A") in log and ("print_title_rows", "$1:$2") in log
