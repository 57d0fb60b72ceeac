"""Ribbon actions through xlwings' own Windows engine (xlwings._xlwindows) over a fake Excel.

Every call goes through xlwings' Windows code to tests/fake_com.py, which records what is set
and keeps the cells. The last tests check that every xlwings call the ribbon path makes is one
that both desktop engines (_xlwindows and _xlmac) implement.
"""

from __future__ import annotations

import datetime as dt
import inspect
import sys
from decimal import Decimal
from pathlib import Path

import pytest

import segmenter
from app.ribbon import LAST_RANGE_NAME
from tests.fake_com import CVERR_BASE, MESSAGE_BOXES, Formula, TimeType, import_xlmac, install_pywin32, windows_book
from writers.book import owner_name
from writers.columns import FORMATS, TIER_COLOURS

HEADER = ["Account", "Revenue", "Profit", "NPS", "First purchase"]
UTC = dt.UTC
# Account names a spreadsheet would change if they were typed; revenue as currency Decimals;
# an error cell from COM (#N/A) and a text amount that is read and reported ("1,200")
ROWS = [
    ["Acme", Decimal("50"), 10.0, 3.0, TimeType(2021, 3, 1, tzinfo=UTC)],
    ["00123", Decimal("20"), 6.0, 9.0, TimeType(2022, 5, 1, tzinfo=UTC)],
    ['=HYPERLINK("x")', Decimal("15"), -1.5, None, None],
    ["TRUE", Decimal("10"), 1.0, 10.0, TimeType(2023, 1, 1, tzinfo=UTC)],
    ["03/04/2024", "1,200", 2.5, 10.0, None],
    ["Fail", CVERR_BASE + 2042, 1.0, None, None],
]
RESULT_SHEETS = [
    "Overview",
    "Accounts to call",
    "Segments",
    "Tier summary",
    "Concentration",
    "NPS",
    "Matrix",
    "Data issues",
    "Chart data",
]


def _book(**kwargs):
    kwargs.setdefault("selection", "A1:E7")
    return windows_book({"Accounts": [HEADER] + ROWS}, **kwargs)


def _column(excel, sheet: str, header: str, header_row: int = 5) -> list:
    """The cells under ``header`` on a result sheet, as the fake Excel holds them."""
    cells = excel.workbook.sheet(sheet).cells
    col = next(c for (r, c), v in cells.items() if r == header_row and v == header)
    rows = sorted(r for (r, c) in cells if c == 1 and r > header_row)
    return [cells.get((r, col)) for r in range(header_row + 1, max(rows) + 1)]


def test_doctests_of_the_book_writer_pass():
    import doctest

    import writers.book

    assert doctest.testmod(writers.book).failed == 0


def test_segment_selection_writes_every_sheet_on_the_windows_engine():
    book, excel = _book()
    messages = segmenter.segment_selection(book)
    # 'Fail' holds #N/A: 1 of 6 rows has no revenue, above 5 %, so the one message box leads with it
    assert messages[0].startswith("! Only part of the list is in these figures: 1 of 6 rows (16.7 %) were left out")
    assert len(MESSAGE_BOXES) == 1
    assert [s.Name for s in excel.workbook.sheets] == ["Accounts"] + RESULT_SHEETS
    names = {n.Name: n.RefersTo for n in excel.workbook.names}
    assert names[LAST_RANGE_NAME] == "='Accounts'!$A$1:$E$7"
    assert all(names[owner_name(s)] == f"='{s}'!$A$1" for s in RESULT_SHEETS)
    tiers = dict(zip(_column(excel, "Segments", "Account"), _column(excel, "Segments", "Tier")))
    # 50, 20, 15, 10 and 1,200 (text, read): 1,200 alone makes 92 % of 1,295
    assert tiers["03/04/2024"] == "A" and tiers["Acme"] == "B" and tiers["Fail"] == "D"
    revenue = dict(zip(_column(excel, "Segments", "Account"), _column(excel, "Segments", "Revenue")))
    assert revenue["Acme"] == 50.0 and revenue["03/04/2024"] == 1200.0


def test_text_is_kept_as_text_and_numbers_stay_numbers():
    book, excel = _book()
    segmenter.segment_selection(book)
    accounts = _column(excel, "Segments", "Account")
    assert sorted(accounts) == sorted(["Acme", "00123", '=HYPERLINK("x")', "TRUE", "03/04/2024", "Fail"])
    assert not any(isinstance(v, Formula) for v in excel.workbook.sheet("Segments").cells.values())
    issues = excel.workbook.sheet("Data issues")
    header_row = next(r for (r, c), v in issues.cells.items() if v == "Value")  # below what was read as what
    values = _column(excel, "Data issues", "Value", header_row=header_row)
    assert "1,200" in values and "#N/A" in values  # the text read as a number, the error: as they were
    revenue = _column(excel, "Segments", "Revenue")
    assert revenue.count(None) == 1 and all(isinstance(v, float) for v in revenue if v is not None)  # Fail: #N/A
    cohorts = [v for v in _column(excel, "Segments", "Cohort (first-purchase year)") if v is not None]
    assert sorted(cohorts) == [2021, 2022, 2023]  # years as numbers
    assert issues.cells  # written


def test_formats_one_conditional_format_per_tier_table_and_freeze_panes_are_set():
    book, excel = _book()
    segmenter.segment_selection(book)
    segments = excel.workbook.sheet("Segments")
    formats = {(r1, c1, r2, c2): f for r1, c1, r2, c2, f in segments.formats}
    revenue_col = next(c for (r, c), v in segments.cells.items() if r == 5 and v == "Revenue")
    assert formats[(6, revenue_col, 11, revenue_col)] == FORMATS["money"]
    adds = [c for c in excel.calls("Add") if c[1].startswith("FormatConditions[Segments!$C$")]  # the tier column
    assert [c[4]["Formula1"] for c in adds] == ['="A"', '="B"', '="C"', '="D"']  # one rule per tier
    assert {c[1] for c in adds} == {"FormatConditions[Segments!$C$6:$C$11]"}
    fills = [value for where, value in excel.sets("Color") if where.startswith("Interior[Segments!$C$6:$C$11]")]
    assert fills == [int(c[5:7] + c[3:5] + c[1:3], 16) for c in TIER_COLOURS[:4]]  # COM colours are BGR
    assert not [w for w, _ in excel.sets("Color") if w.startswith("Interior[Segments!$C$") and ":" not in w]
    freeze = [
        (where, member, value)
        for kind, where, member, value, *_ in excel.log
        if kind == "set" and where == "Window[Segments]"
    ]
    assert freeze == [
        ("Window[Segments]", "FreezePanes", False),
        ("Window[Segments]", "SplitColumn", 0),
        ("Window[Segments]", "SplitRow", 5),
        ("Window[Segments]", "FreezePanes", True),
    ]
    # 14 columns: the input has no industry, size or region, and absent columns are not shown
    assert ("call", "ListObjects", "Add", ("$A$5:$N$11", "TableStyleLight9"), {}) in excel.log
    assert segments.charts == [] and excel.workbook.sheet("Concentration").charts


def test_screen_updating_and_calculation_are_off_while_writing_and_restored():
    book, excel = _book()
    segmenter.segment_selection(book)
    assert excel.sets("ScreenUpdating")[0][1] is False and excel.sets("Calculation")[0][1] == -4135
    assert excel.ScreenUpdating is True and excel.Calculation == -4105 and excel.StatusBar is False
    first_value = next(i for i, e in enumerate(excel.log) if e[0] == "set" and e[2] == "Value" and "Segments" in e[1])
    off = next(i for i, e in enumerate(excel.log) if e[0] == "set" and e[2] == "ScreenUpdating")
    assert off < first_value


def test_an_unexpected_error_is_one_message_box_and_everything_is_restored(monkeypatch):
    import writers.book

    def broken(sheet, placed):
        raise RuntimeError("chart engine fell over\nsecond line")

    monkeypatch.setattr(writers.book, "_add_chart", broken)
    book, excel = _book()
    messages = segmenter.segment_selection(book)
    assert len(MESSAGE_BOXES) == 1 and MESSAGE_BOXES[0][0] == "segmenter"
    assert messages[0].startswith("segmenter stopped: RuntimeError: chart engine fell over second line.")
    assert "\n" not in messages[0]
    assert excel.StatusBar is False and excel.ScreenUpdating is True and excel.Calculation == -4105


def test_refresh_after_a_result_sheet_was_deleted_and_with_a_quote_in_the_sheet_name():
    book, excel = windows_book({"Q1's list": [HEADER] + ROWS}, selection="A1:E7")
    segmenter.segment_selection(book)
    assert {n.Name: n.RefersTo for n in excel.workbook.names}[LAST_RANGE_NAME] == "='Q1''s list'!$A$1:$E$7"
    excel.workbook.sheet("Matrix").Delete()  # the user deletes a result sheet: its marker becomes =#REF!$A$1
    assert {n.Name: n.RefersTo for n in excel.workbook.names}[owner_name("Matrix")] == "=#REF!$A$1"
    # the list's unreadable revenue (#N/A, 1 of 6 rows) is the only message, once per run
    assert segmenter.refresh(book)[0].startswith("! Only part of the list is in these figures: 1 of 6 rows")
    assert len(MESSAGE_BOXES) == 2
    assert sorted(s.Name for s in excel.workbook.sheets) == sorted(["Q1's list"] + RESULT_SHEETS)


def test_refresh_when_the_segmented_sheet_is_gone_says_so():
    book, excel = _book()
    segmenter.segment_selection(book)
    excel.workbook.sheet("Segments").Activate()
    excel.workbook.sheet("Accounts").Delete()
    messages = segmenter.refresh(book)
    assert "gone" in messages[0] and excel.StatusBar is False


def test_one_cell_in_an_excel_table_takes_the_whole_table_with_its_header():
    book, excel = _book(selection="B4", tables={"Accounts": "A1:E7"})
    segmenter.segment_selection(book)
    assert {n.Name: n.RefersTo for n in excel.workbook.names}[LAST_RANGE_NAME] == "='Accounts'!$A$1:$E$7"


def test_ctrl_a_in_a_table_selects_its_body_and_the_header_is_taken_too():
    book, excel = _book(selection="A2:E7", tables={"Accounts": "A1:E7"})
    segmenter.segment_selection(book)
    assert {n.Name: n.RefersTo for n in excel.workbook.names}[LAST_RANGE_NAME] == "='Accounts'!$A$1:$E$7"


def test_settings_data_issues_customers_and_check_setup_run_on_the_windows_engine():
    book, excel = _book()
    assert segmenter.show_settings(book) == []
    assert excel.workbook.sheet("Settings").cells[(1, 1)] == "Setting"
    assert "Segment selection" in segmenter.show_issues(book)[0]
    segmenter.segment_selection(book)
    assert segmenter.show_issues(book) == [] and excel.workbook.active.Name == "Data issues"
    orders = [["Customer", "Date", "Amount"]] + [
        [f"C{i % 12:02d}", TimeType(2024, 1 + i % 12, 1 + i % 27, tzinfo=UTC), Decimal(f"{10 + i}.25")]
        for i in range(60)
    ]
    book, excel = windows_book({"Orders": orders}, selection="B2")
    messages = segmenter.customer_report(book)
    assert not any(m.startswith("segmenter stopped") for m in messages), messages
    assert {"Customers", "RFM", "Lifetime value", "Segments"} <= {s.Name for s in excel.workbook.sheets}
    assert excel.StatusBar is False
    report = segmenter.check_setup(book)[0]
    assert "Python" in report and "xlwings 0.37.8" in report


# ----------------------------------------------- every xlwings call is implemented by both desktop engines


def _touched(run) -> set[tuple[str, str]]:
    """(module, qualified name) of every function of xlwings' Windows engine and base classes that ``run`` reaches."""
    touched = set()

    def profile(frame, event, arg):
        if event == "call" and frame.f_code.co_filename.endswith(("_xlwindows.py", "base_classes.py")):
            touched.add((Path(frame.f_code.co_filename).stem, frame.f_code.co_qualname))

    sys.setprofile(profile)
    try:
        run()
    finally:
        sys.setprofile(None)
    return touched


def _raises_not_implemented(member) -> bool:
    functions = [member.fget, member.fset] if isinstance(member, property) else [member]
    return any(f is not None and "raise NotImplementedError" in inspect.getsource(f) for f in functions)


def _definition(cls, member: str):
    """The class of ``cls``'s MRO that defines ``member``, and the definition; an attribute that
    the class's ``__init__`` sets (``self.xl = ...``) counts as defined there."""
    for klass in cls.__mro__:
        if member in vars(klass):
            return klass, vars(klass)[member]
        init = vars(klass).get("__init__")
        if inspect.isfunction(init) and f"self.{member} =" in inspect.getsource(init):
            return klass, None
    return None, None


def missing_on_desktop(touched: set[tuple[str, str]]) -> list[str]:
    """Engine members the run reached that _xlwindows or _xlmac does not implement."""
    from xlwings import base_classes

    windows, mac = install_pywin32(), import_xlmac()
    problems = []
    for module, qualname in sorted(touched):
        cls_name, _, member = qualname.partition(".")
        if not member or "." in member or "<" in qualname:
            continue
        if module == "base_classes":
            if _raises_not_implemented(vars(getattr(base_classes, cls_name)).get(member)):
                problems.append(f"_xlwindows: {qualname}")
            continue
        cls = getattr(windows, cls_name, None)
        if not (inspect.isclass(cls) and any(k.__module__ == base_classes.__name__ for k in cls.__mro__[1:])):
            continue  # COM plumbing of the Windows engine, not an engine member
        owner, definition = _definition(getattr(mac, cls_name, object), member)
        if owner is None or (
            owner.__module__ == base_classes.__name__ and definition is not None and _raises_not_implemented(definition)
        ):
            problems.append(f"_xlmac: {qualname}")
    return problems


@pytest.fixture(scope="module")
def ribbon_path_calls() -> set[tuple[str, str]]:
    def run_every_action():
        book, _ = _book(tables={"Accounts": "A1:E7"}, selection="B3")
        segmenter.show_settings(book)
        segmenter.segment_selection(book)
        segmenter.refresh(book)
        segmenter.show_issues(book)
        orders = [["Customer", "Date", "Amount"]] + [
            [f"C{i % 12:02d}", TimeType(2024, 1 + i % 12, 1 + i % 27, tzinfo=UTC), float(10 + i)] for i in range(60)
        ]
        book, _ = windows_book({"Orders": orders}, selection="B2")
        segmenter.customer_report(book)
        segmenter.check_setup(book)

    return _touched(run_every_action)


def test_every_xlwings_call_of_the_ribbon_path_is_implemented_by_both_desktop_engines(ribbon_path_calls):
    members = sorted(q for m, q in ribbon_path_calls if m == "_xlwindows" and "." in q and "<" not in q)
    # the list is the ribbon path's: reads, writes, names, sheets, formats, tables, charts, the app
    for expected in (
        "Range.raw_value",
        "Sheet.range",
        "Sheets.add",
        "Names.add",
        "Name.refers_to",
        "Sheet.delete",
        "ConditionalFormats.add_cell_value",
        "Tables.add",
        "Charts.add",
        "App.status_bar",
        "App.screen_updating",
        "App.calculation",
        "App.alert",
        "Font.bold",
        "Range.number_format",
    ):
        assert expected in members, expected
    assert missing_on_desktop(ribbon_path_calls) == []


def test_the_coverage_check_fails_on_a_remote_only_call():
    book, _ = _book()

    def remote_only():
        with pytest.raises(NotImplementedError):  # what desktop Excel users met in every ribbon action
            book.sheets[0].freeze_panes.freeze_at("1:5")

    assert missing_on_desktop(_touched(remote_only)) == ["_xlwindows: Sheet.freeze_panes"]


class _AppleScriptProperty:
    def __init__(self, log, name):
        self.log, self.name = log, name

    def set(self, value):
        self.log.append((self.name, value))


def test_freeze_on_macos_sets_the_windows_split_row_through_appscript():
    """The macOS branch: appscript's window properties, set in the order Excel needs."""
    from types import SimpleNamespace

    from writers.book import freeze_top_rows

    log = []
    window = SimpleNamespace(
        **{name: _AppleScriptProperty(log, name) for name in ("freeze_panes", "split_row", "split_column")}
    )
    mac_sheet_impl = type("Sheet", (), {"__module__": "xlwings._xlmac"})()
    sheet = SimpleNamespace(
        impl=mac_sheet_impl,
        book=SimpleNamespace(
            api=SimpleNamespace(windows={1: window}), app=SimpleNamespace(engine=SimpleNamespace(type="desktop"))
        ),
    )
    freeze_top_rows(sheet, 3)
    assert log == [("freeze_panes", False), ("split_column", 0), ("split_row", 3), ("freeze_panes", True)]


def test_growth_period_labels_stay_text_so_the_chart_plots_them_as_categories():
    header = ["Account", "Revenue 2024", "Revenue 2025"]
    rows = [["Acme", 40.0, 50.0], ["Beta", 30.0, 20.0], ["Cora", 10.0, 15.0], ["Dune", 5.0, 10.0]]
    book, excel = windows_book({"Accounts": [header] + rows}, selection="A1:C5")
    assert segmenter.segment_selection(book) == []
    growth = excel.workbook.sheet("Growth")
    periods = [v for (r, c), v in sorted(growth.cells.items()) if c == 1 and v in ("2024", "2025", 2024.0, 2025.0)]
    assert periods == ["2024", "2025"]
    assert growth.charts and growth.charts[0].Chart.source is not None


def test_a_column_mixing_numbers_and_text_keeps_both_and_text_only_columns_are_text_formatted():
    import pandas as pd

    from writers.book import write_sheet
    from writers.catalogue import Block, SheetSpec
    from writers.placement import place_sheet

    table = pd.DataFrame({"account": ["Acme", "00123", "TRUE"], "code": [7.0, "=1+1", "0042"]}, dtype=object)
    placed = place_sheet(
        SheetSpec("Codes", (Block("codes", "Codes"),)), {"codes": table}, source="test", labels=("A", "B", "C", "D")
    )
    book, excel = windows_book({"Accounts": [["x"]]})
    write_sheet(book, placed)
    codes = excel.workbook.sheet("Codes")
    assert [codes.cells[(r, 1)] for r in (6, 7, 8)] == ["Acme", "00123", "TRUE"]
    assert [codes.cells[(r, 2)] for r in (6, 7, 8)] == [7.0, "=1+1", "0042"]
    assert (6, 1, 8, 1, "@") in codes.formats and not any(f[1] == 2 and f[4] == "@" for f in codes.formats)
    written = [value for where, value in excel.sets("Value") if where == "Range[Codes!$A$6:$B$8]"][0]
    assert [row[1] for row in written] == [7.0, "'=1+1", "'0042"]  # the mixed column: apostrophe guard


def test_an_error_cell_as_macos_gives_it_is_listed_as_an_error_not_read_as_text():
    """AppleScript gives every error cell as k.missing_value (the bundled sample's Accounts!G65)."""
    from tests.fake_com import k

    rows = [
        ["Account", "Revenue", "Industry"],
        ["Acme", 50.0, k.missing_value],
        [k.missing_value, 20.0, "Retail"],
        ["Cora", 10.0, "Retail"],
    ]
    book, excel = windows_book({"Accounts": rows}, selection="A1:C4")
    assert segmenter.segment_selection(book) == []
    issues = excel.workbook.sheet("Data issues").cells
    listed = [[issues.get((r, c)) for c in range(1, 6)] for r in sorted({r for (r, _) in issues if r > 5})]
    assert [2, "Industry", "#ERROR!", "rejected", "Excel error #ERROR!"] in listed
    assert [3, "Account", "#ERROR!", "rejected", "Excel error #ERROR!"] in listed
    assert "k.missing_value" not in str(excel.workbook.sheet("Segments").cells.values())
