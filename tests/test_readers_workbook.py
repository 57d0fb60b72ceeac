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
