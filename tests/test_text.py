"""writers.text: which strings a spreadsheet would change when written as values, and the guard."""

from __future__ import annotations

import doctest

import pytest
from hypothesis import given
from hypothesis import strategies as st

import writers.text
from core.cells import CVERR_CODES
from writers.text import as_typed_text, rows_as_typed_text, would_convert


def test_doctests_of_the_module_pass():
    assert doctest.testmod(writers.text).failed == 0


@pytest.mark.parametrize(
    "text",
    [
        "=1+1",
        '=HYPERLINK("http://x")',
        "+1",
        "-3",
        "@SUM(A1)",
        "\tcmd",
        "\r=1",
        "'quoted",
        "00123",
        "1,200",
        "1,200.50",
        " 12 ",
        "$5",
        "5$",
        "12%",
        "1e5",
        "(300)",
        "1/2",
        "1 1/2",
        ".5",
        "#N/A",
        "#spill!",
        " #DIV/0! ",
        "03/04/2024",
        "3/4",
        "2024-03-31",
        "2024-03",
        "31.12.2024",
        "10:30",
        "10:30 pm",
        "2024-03-31 10:00",
        "1-Jan",
        "Jan-24",
        "March 2024",
        "1 January 2024",
        "Mar 3, 2024",
        "TRUE",
        "false",
        "2024",
    ],
)
def test_text_a_spreadsheet_would_convert_is_recognised(text):
    assert would_convert(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Acme Ltd",
        "A",
        "Protect",
        "Fix margin",
        "Innovation partner",
        "2024-Q3",
        "Q3 2025",
        "FY 2024/25 plan",
        "Jane's",
        "text read as the number 1200.5",
        "Excel error #N/A",
        "revenue",
        "#hashtag",
        "trueish",
    ],
)
def test_ordinary_text_is_left_alone(text):
    assert not would_convert(text)
    assert as_typed_text(text) == text


def test_every_excel_error_name_is_guarded():
    assert all(would_convert(name) for name in CVERR_CODES.values())


@given(st.floats(allow_nan=False, allow_infinity=False) | st.integers())
def test_any_number_written_as_text_is_guarded_and_numbers_stay_numbers(number):
    assert would_convert(str(number))
    assert as_typed_text(number) == number


def test_the_guard_is_one_apostrophe_before_the_exact_text():
    assert as_typed_text("=cmd|' /C calc'!A0") == "'=cmd|' /C calc'!A0"
    assert as_typed_text("'already") == "''already"


def test_rows_keep_numbers_dates_and_blanks_and_guard_only_text():
    import datetime as dt

    when = dt.datetime(2024, 3, 31)
    rows = [["Acme", 1.5, when, None, "00123"], ["+44 20", 2, when, True, "B"]]
    assert rows_as_typed_text(rows) == [["Acme", 1.5, when, None, "'00123"], ["'+44 20", 2, when, True, "B"]]
    assert rows_as_typed_text([]) == []
