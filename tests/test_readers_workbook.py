"""readers.workbook: the cells of one sheet of an .xlsx/.xlsm."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import Workbook

from core.errors import SegmenterInputError
from readers.workbook import read_workbook


@pytest.fixture
def two_sheets(tmp_path):
    path = tmp_path / "accounts.xlsx"
    book = Workbook()
    book.active.title = "Notes"
    book.active.append(["read me"])
    sheet = book.create_sheet("Accounts")
    sheet.append(["Account", "Revenue", "Since"])
    sheet.append(["Acme", 1200.5, dt.datetime(2020, 5, 1)])
    sheet.append([None, None, None])
    sheet.append(["Beta", 7, None])
    book.save(path)
    return path


def test_the_named_sheet_is_read_with_its_types_and_blank_rows(two_sheets):
    rows = read_workbook(two_sheets, "Accounts")
    assert rows[0] == ["Account", "Revenue", "Since"]
    assert rows[1] == ["Acme", 1200.5, dt.date(2020, 5, 1)]  # a date-only cell is a date
    assert rows[3] == ["Beta", 7, ""]  # calamine's blank: the cell parser reads '' as blank
    assert rows[2] == ["", "", ""]


def test_the_first_sheet_is_the_default(two_sheets):
    assert read_workbook(two_sheets) == [["read me"]]


def test_excel_error_values_are_kept_where_calamine_gives_blanks(tmp_path):
    path = tmp_path / "errors.xlsx"
    book = Workbook()
    book.active.append(["Account", "Revenue"])
    book.active.append(["Acme", "#N/A"])
    book.active.append(["Beta", 5])
    book.active["B2"].data_type = "e"
    book.active["C3"] = "#DIV/0!"
    book.active["C3"].data_type = "e"
    book.save(path)
    assert read_workbook(path) == [["Account", "Revenue", ""], ["Acme", "#N/A", ""], ["Beta", 5, "#DIV/0!"]]


def test_a_missing_sheet_names_the_sheets_there_are(two_sheets):
    with pytest.raises(SegmenterInputError, match="no sheet named 'Sales' in accounts.xlsx; it has Notes, Accounts"):
        read_workbook(two_sheets, "Sales")


def _cell_by_cell(path, sheet):
    """The reference: calamine's values of every cell, one by one."""
    from python_calamine import CalamineWorkbook

    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python(skip_empty_area=False)


def _book(tmp_path, rows, name="list.xlsx", start="A1"):
    path = tmp_path / name
    book = Workbook()
    sheet = book.active
    sheet.title = "Accounts"
    top = sheet[start]
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            if value is not None:
                sheet.cell(top.row + i, top.column + j, value)
    book.save(path)
    return path


def test_a_usual_sheet_is_read_by_columns_with_the_values_cell_by_cell_reading_gives(tmp_path):
    from readers.workbook import typed_rows

    path = _book(
        tmp_path,
        [
            ["Account", "Revenue", "Since", "Last visit", "Active", "NPS", "Notes"],
            ["Acme", 1200.5, dt.datetime(2020, 5, 1), dt.datetime(2024, 3, 1, 10, 30), True, 9, None],
            ["0042", None, None, None, False, None, None],
            [" Beta ", -7, dt.datetime(2021, 1, 2), dt.datetime(2024, 3, 2, 0, 0), None, 0, None],
        ],
    )
    rows = typed_rows(path, "Accounts")
    assert rows is not None  # the typed path took it
    assert rows == _cell_by_cell(path, "Accounts") == read_workbook(path)
    assert rows[2] == ["0042", "", "", "", False, "", ""]  # text stays text, blanks are ''
    assert type(rows[1][2]) is dt.date and rows[1][3] == dt.datetime(2024, 3, 1, 10, 30)


@pytest.mark.parametrize(
    "rows, start",
    [
        ([["Sales export 2024"], ["Account", "Revenue"], ["Acme", 5.0]], "A1"),  # a title row above the header
        ([["Account", "Revenue"], ["Acme", 5.0], ["Beta", "n/a"]], "A1"),  # numbers and text in one column
        ([["Account", "Revenue"], ["Acme", "x"], ["Beta", 5.0]], "A1"),  # text, then a number
        ([["Revenue", "Revenue"], ["Acme", 5.0]], "A1"),  # a repeated header
        ([["Account", 2024, 2025], ["Acme", 5.0, 6.0]], "A1"),  # years as numbers in the header
        ([["Account", None, "Revenue"], ["Acme", None, 5.0]], "A1"),  # a blank header cell
        ([["Account", "Revenue"], ["Acme", 5.0]], "B3"),  # the list does not start in A1
        ([["Account", "When"], ["Acme", dt.datetime(2024, 1, 2)], ["Beta", dt.time(10, 30)]], "A1"),  # a time alone
    ],
)
def test_any_other_sheet_is_read_cell_by_cell(tmp_path, rows, start):
    from readers.workbook import typed_rows

    path = _book(tmp_path, rows, start=start)
    assert typed_rows(path, "Accounts") is None
    assert read_workbook(path) == _cell_by_cell(path, "Accounts")
