"""Tests for core.cells: every coercion and rejection, with the exact reason and sheet row."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.cells import (
    COM_ERROR_CODES,
    EXCEL_ERRORS,
    ISSUE_COLUMNS,
    MAX_NUMBER,
    excel_error,
    is_blank,
    issues_frame,
    to_dates,
    to_numbers,
    to_text,
)


def cells(*values):
    array = np.empty(len(values), dtype=object)
    array[:] = list(values)
    return array


def read_one(value, **options):
    """(number, action, reason) for one cell on sheet row 7."""
    parsed = to_numbers(cells(value), column="revenue", sheet_rows=np.array([7]), **options)
    if parsed.issues.empty:
        return parsed.values[0], None, None
    row = parsed.issues.iloc[0]
    assert row["sheet_row"] == 7 and row["column"] == "revenue"
    return parsed.values[0], row["action"], row["reason"]


@pytest.mark.parametrize(
    "text, number, shown",
    [
        ("1200", 1200.0, "1200"),
        (" 1,200.50 ", 1200.5, "1200.5"),
        ("-1,200", -1200.0, "-1200"),
        ("(1,200)", -1200.0, "-1200"),  # accounting negative
        ("1.2e6", 1_200_000.0, "1200000"),
        ("$1,200", 1200.0, "1200"),
        ("1,200 €", 1200.0, "1200"),
        ("£5", 5.0, "5"),
        ("-$5", -5.0, "-5"),
    ],
)
def test_plain_number_text_is_coerced_and_reported(text, number, shown):
    assert read_one(text) == (number, "coerced", f"text read as the number {shown}")


def test_percent_text_is_read_as_a_fraction_only_when_allowed():
    assert read_one("12%", percent_ok=True)[:2] == (0.12, "coerced")
    value, action, reason = read_one("12%")
    assert np.isnan(value) and action == "rejected"
    assert reason == "'12%' is a percentage; this column takes amounts, not %"


@pytest.mark.parametrize(
    "text, reason",
    [
        ("$1.2k", "'$1.2k' is not a plain number (suffixes like k/m are not guessed)"),
        ("1.2m", "'1.2m' is not a plain number (suffixes like k/m are not guessed)"),
        ("12 units", "'12 units' is not a plain number (units or words after it are not read)"),
        (
            "1,2",
            "'1,2' looks like a decimal comma (European format) but could be read either way; "
            "write 1.200,50 with thousands dots, or 1200.50",
        ),
        ("n/a", "'n/a' is not a number"),
        ("#N/A", "Excel error #N/A"),
        ("#DIV/0!", "Excel error #DIV/0!"),
        ("1e400", "not a finite number"),
    ],
)
def test_text_that_is_not_a_plain_number_is_rejected_with_its_reason(text, reason):
    value, action, got = read_one(text)
    assert np.isnan(value) and action == "rejected" and got == reason


@pytest.mark.parametrize("code, error", sorted(COM_ERROR_CODES.items()))
def test_com_error_int_is_that_excel_error(code, error):
    value, action, reason = read_one(code)
    assert np.isnan(value) and action == "rejected" and reason == f"Excel error {error}"
    assert error in EXCEL_ERRORS


def test_float_equal_to_a_com_code_is_a_number():
    assert read_one(-2146826246.0) == (-2146826246.0, None, None)


@pytest.mark.parametrize(
    "value, reason",
    [
        (float("inf"), "not a finite number"),
        (float("-inf"), "not a finite number"),
        (True, "TRUE is a logical value, not a number"),
        (dt.datetime(2024, 3, 31), "a date is not a number here"),
    ],
)
def test_non_numbers_are_rejected(value, reason):
    number, action, got = read_one(value)
    assert np.isnan(number) and action == "rejected" and got == reason


def test_issue_value_is_the_cell_as_typed():
    parsed = to_numbers(cells(1.0, " 1,200.50 ", -2146826246, True), column="r", sheet_rows=np.array([2, 3, 4, 5]))
    assert parsed.issues["value"].tolist() == [" 1,200.50 ", "#N/A", "TRUE"]
    assert parsed.issues["sheet_row"].tolist() == [3, 4, 5]


def test_blank_cells_give_nan_and_no_issue():
    parsed = to_numbers(cells(None, float("nan"), "", "   ", 3.0), column="r", sheet_rows=np.arange(5))
    assert np.isnan(parsed.values[:4]).all() and parsed.values[4] == 3.0
    assert parsed.issues.empty and list(parsed.issues.columns) == list(ISSUE_COLUMNS)
    assert parsed.blank.tolist() == [True, True, True, True, False]


def test_is_blank_covers_none_nan_and_whitespace():
    assert is_blank(cells(None, np.nan, "", " \t", "x", 0.0, False)).tolist() == [
        True,
        True,
        True,
        True,
        False,
        False,
        False,
    ]


def test_ints_and_numpy_numbers_pass_as_numbers():
    parsed = to_numbers(cells(7, np.int64(3), np.float32(2.5), 10**12), column="r", sheet_rows=np.arange(4))
    assert parsed.values.tolist() == [7.0, 3.0, 2.5, 1e12] and parsed.issues.empty


FINITE = st.floats(min_value=-MAX_NUMBER, max_value=MAX_NUMBER, allow_nan=False)


@settings(max_examples=200, deadline=None)
@given(st.lists(FINITE, min_size=1, max_size=50))
def test_any_finite_float_column_round_trips_exactly(numbers):
    parsed = to_numbers(cells(*numbers), column="r", sheet_rows=np.arange(len(numbers)))
    assert parsed.issues.empty
    assert np.array_equal(parsed.values, np.array(numbers)) and np.array_equal(
        np.signbit(parsed.values), np.signbit(numbers)
    )


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(FINITE, st.text(max_size=8), st.none()), min_size=1, max_size=40))
def test_mixed_columns_keep_every_real_number_and_report_every_text(values):
    parsed = to_numbers(cells(*values), column="r", sheet_rows=np.arange(len(values)))
    for i, v in enumerate(values):
        if isinstance(v, float):
            assert parsed.values[i] == v
    reported = set(parsed.issues["sheet_row"])
    texts = {i for i, v in enumerate(values) if isinstance(v, str) and v.strip()}
    assert reported == texts  # every non-blank text cell is either coerced or rejected, and says so


@settings(max_examples=100, deadline=None)
@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False))
def test_number_written_with_thousand_commas_reads_back(number):
    text = f"{number:,.2f}"
    value, action, _ = read_one(text)
    assert action == "coerced" and value == float(text.replace(",", ""))


def test_plain_float_column_of_a_full_sheet_round_trips_without_issues():
    # speed is measured by bench/bench_accounts.py, not here
    values = (np.random.default_rng(0).random(1_048_575) * 1e6).astype(object)
    parsed = to_numbers(values, column="r", sheet_rows=np.arange(2, 1_048_577))
    assert parsed.issues.empty
    np.testing.assert_array_equal(parsed.values, values.astype(float))


def test_to_text_writes_whole_numbers_without_point_zero():
    parsed = to_text(
        cells(1001.0, 12.5, "  Acme ", None, "#N/A", True, dt.datetime(2024, 3, 31)),
        column="account",
        sheet_rows=np.arange(2, 9),
    )
    assert parsed.values.tolist() == ["1001", "12.5", "Acme", None, None, "TRUE", "2024-03-31"]
    assert parsed.issues[["sheet_row", "action", "reason"]].values.tolist() == [
        [6, "rejected", "Excel error #N/A"],
        [7, "coerced", "logical value read as the text 'TRUE'"],
        [8, "coerced", "date read as the text '2024-03-31'"],
    ]


def test_excel_serials_follow_the_1900_date_system():
    parsed = to_dates(cells(1.0, 59.0, 61.0, 45658.0, 45658.5), column="since", sheet_rows=np.arange(5))
    assert [str(d) for d in parsed.values.astype("datetime64[m]")] == [
        "1900-01-01T00:00",
        "1900-02-28T00:00",
        "1900-03-01T00:00",
        "2025-01-01T00:00",
        "2025-01-01T12:00",
    ]
    assert parsed.values.dtype == np.dtype("datetime64[ns]")
    assert parsed.issues["reason"].iloc[3] == "number read as the Excel date 2025-01-01"


@pytest.mark.parametrize("serial", [60.0, 0.0, -5.0, 2958465.0])
def test_impossible_or_unholdable_serials_are_rejected(serial):
    parsed = to_dates(cells(serial), column="since", sheet_rows=np.array([4]))
    assert np.isnat(parsed.values[0]) and parsed.issues["action"].tolist() == ["rejected"]


def test_iso_text_dates_are_coerced_and_ambiguous_ones_rejected():
    parsed = to_dates(
        cells("2024-03-31", "2024-03-31 10:00", "03/04/2024", "2024-02-30", "soon"),
        column="since",
        sheet_rows=np.arange(2, 7),
    )
    assert [str(d)[:16] for d in parsed.values] == ["2024-03-31T00:00", "2024-03-31T10:00", "NaT", "NaT", "NaT"]
    reasons = parsed.issues["reason"].tolist()
    assert reasons[:2] == ["text read as the date 2024-03-31", "text read as the date 2024-03-31 10:00"]
    assert reasons[2].startswith("'03/04/2024' is ambiguous: day and month order")
    assert parsed.issues["action"].tolist() == ["coerced", "coerced", "rejected", "rejected", "rejected"]


def test_date_objects_pass_and_time_zones_are_dropped():
    aware = dt.datetime(2024, 1, 5, 9, 30, tzinfo=dt.UTC)
    parsed = to_dates(
        cells(dt.date(2024, 1, 5), aware, pd.Timestamp("2020-01-01"), True, "#REF!"),
        column="since",
        sheet_rows=np.arange(5),
    )
    assert [str(d)[:16] for d in parsed.values] == [
        "2024-01-05T00:00",
        "2024-01-05T09:30",
        "2020-01-01T00:00",
        "NaT",
        "NaT",
    ]
    assert parsed.issues["reason"].tolist() == ["TRUE is a logical value, not a date", "Excel error #REF!"]


def test_issues_frame_keeps_its_columns_when_empty():
    empty = issues_frame([])
    assert list(empty.columns) == list(ISSUE_COLUMNS) and empty["sheet_row"].dtype == np.int64


# ------------------------------------------------------------- the forms desktop Excel gives a cell


class _Keyword:
    """What appscript's ``k.missing_value`` looks like (appscript.reference.Keyword)."""

    def __init__(self, name):
        self.AS_name = name


_Keyword.__name__ = "Keyword"


class _ComTime(dt.datetime):
    """A pywintypes.TimeType: a datetime subclass that COM gives tz-aware (UTC), showing the sheet's clock."""


def test_a_currency_decimal_is_read_as_its_number():
    parsed = to_numbers(
        np.array([Decimal("50.0"), Decimal("1234.5678"), Decimal("-0.01")], dtype=object),
        column="revenue",
        sheet_rows=np.arange(2, 5),
    )
    assert parsed.values.tolist() == [50.0, 1234.5678, -0.01]
    assert parsed.issues.empty


def test_a_column_of_decimals_reads_as_text_and_dates_too():
    texts = to_text(
        np.array([Decimal("1001"), Decimal("12.50")], dtype=object), column="account", sheet_rows=np.arange(2, 4)
    )
    assert texts.values.tolist() == ["1001", "12.5"]
    dates = to_dates(np.array([Decimal("45658")], dtype=object), column="first_purchase", sheet_rows=np.array([2]))
    assert str(dates.values[0])[:10] == "2025-01-01"


@pytest.mark.parametrize(
    "code, name",
    [
        (2045, "#SPILL!"),
        (2050, "#CALC!"),
        (2047, "#BLOCKED!"),
        (2043, "#GETTING_DATA"),
        (2000, "#NULL!"),
        (2042, "#N/A"),
    ],
)
def test_every_cverr_code_excel_names_is_that_error(code, name):
    value = -2146828288 + code
    assert excel_error(value) == name
    parsed = to_numbers(np.array([value, 10.0], dtype=object), column="revenue", sheet_rows=np.arange(2, 4))
    assert np.isnan(parsed.values[0]) and parsed.values[1] == 10.0
    assert parsed.issues["reason"].tolist() == [f"Excel error {name}"]


@pytest.mark.parametrize("code", [0, 2060, 2100, 0xFFFF])
def test_a_cverr_code_excel_adds_later_is_still_an_error_not_minus_two_billion(code):
    value = -2146828288 + code
    parsed = to_numbers(np.array([value], dtype=object), column="revenue", sheet_rows=np.array([7]))
    assert np.isnan(parsed.values[0])
    assert parsed.issues["reason"].tolist() == [f"Excel error #ERROR! (code {code})"]
    # an int column (numpy int64) holding codes is read the same way
    as_ints = to_numbers(np.array([value, 5]), column="revenue", sheet_rows=np.array([7, 8]))
    assert np.isnan(as_ints.values[0]) and as_ints.values[1] == 5.0


def test_ints_just_outside_the_cverr_range_and_floats_inside_it_are_numbers():
    below, above = -2146828288 - 1, -2146828288 + 0x10000
    parsed = to_numbers(
        np.array([below, above, -2146826246.0], dtype=object), column="revenue", sheet_rows=np.arange(2, 5)
    )
    assert parsed.values.tolist() == [float(below), float(above), -2146826246.0]


def test_appscript_missing_value_is_an_error_cell_not_text():
    missing = _Keyword("missing_value")
    texts = to_text(np.array(["Acme", missing], dtype=object), column="account", sheet_rows=np.array([2, 3]))
    assert texts.values.tolist() == ["Acme", None]
    assert texts.issues[["sheet_row", "value", "action", "reason"]].values.tolist() == [
        [3, "#ERROR!", "rejected", "Excel error #ERROR!"]
    ]
    numbers = to_numbers(np.array([missing, 4.0], dtype=object), column="revenue", sheet_rows=np.array([2, 3]))
    assert np.isnan(numbers.values[0]) and numbers.issues["action"].tolist() == ["rejected"]
    assert excel_error(_Keyword("text")) is None


def test_tz_aware_com_dates_keep_the_clock_time_the_sheet_shows():
    utc, plus_two = dt.UTC, dt.timezone(dt.timedelta(hours=2))
    cells = np.array(
        [
            _ComTime(2024, 3, 31, 10, 30, tzinfo=utc),
            dt.datetime(2024, 1, 1),
            _ComTime(2023, 12, 31, tzinfo=plus_two),
            dt.date(2020, 2, 29),
        ],
        dtype=object,
    )
    parsed = to_dates(cells, column="first_purchase", sheet_rows=np.arange(2, 6))
    assert [str(v) for v in parsed.values.astype("datetime64[m]")] == [
        "2024-03-31T10:30",
        "2024-01-01T00:00",
        "2023-12-31T00:00",
        "2020-02-29T00:00",
    ]
    assert parsed.issues.empty
    assert to_text(cells[:1], column="x", sheet_rows=np.array([2])).values.tolist() == ["2024-03-31 10:30"]


@pytest.mark.parametrize(
    "text, number, how",
    [
        ("USD 1,200", 1200.0, "text read as the number 1200"),
        ("$12,300.00", 12300.0, "text read as the number 12300"),
        ("1.200,50 €", 1200.5, "text with a decimal comma read as the number 1200.5"),
        ("EUR 5", 5.0, "text read as the number 5"),
        ("£3", 3.0, "text read as the number 3"),
        ("1 200,50 EUR", 1200.5, "text with a decimal comma read as the number 1200.5"),
        ("1.200.000", 1_200_000.0, "text with dots between thousands read as the number 1200000"),
        ("-chf 7.5", -7.5, "text read as the number -7.5"),
    ],
)
def test_currency_codes_and_symbols_are_read_when_unambiguous(text, number, how):
    assert read_one(text) == (number, "coerced", how)


def test_percent_text_reads_exactly_as_typed():
    assert read_one("34.1%", percent_ok=True)[0] == 0.341 and read_one("0.5e2%", percent_ok=True)[0] == 0.5


def test_a_guess_that_would_change_a_number_is_refused():
    parsed = to_numbers(cells("1.200,50", "1,200", "1.200", "7"), column="r", sheet_rows=np.arange(2, 6))
    assert parsed.values[0] == 1200.5 and parsed.values[3] == 7.0
    assert np.isnan(parsed.values[1]) and np.isnan(parsed.values[2])
    rejected = parsed.issues[parsed.issues["action"] == "rejected"]
    assert rejected["sheet_row"].tolist() == [3, 4]
    assert "ambiguous in a column with decimal commas ('1.200,50')" in rejected["reason"].iloc[0]


def test_two_currencies_in_a_column_are_not_added_up():
    parsed = to_numbers(cells("$5", "$7", "EUR 9"), column="r", sheet_rows=np.arange(2, 5))
    assert parsed.values[:2].tolist() == [5.0, 7.0] and np.isnan(parsed.values[2])
    assert "is in EUR while the column is mostly USD" in parsed.issues["reason"].iloc[-1]


@pytest.mark.parametrize("value", [1e308, -1e308, "1e308", 1e16, "2e15", float("inf")])
def test_numbers_that_overflow_the_figures_are_rejected_like_text(value):
    parsed = to_numbers(cells(value, 5.0), column="r", sheet_rows=np.arange(2, 4))
    assert np.isnan(parsed.values[0]) and parsed.values[1] == 5.0
    assert parsed.issues["action"].tolist() == ["rejected"]


@pytest.mark.parametrize(
    "text, number, currency",
    [
        ("€ 730,00", 730.0, "EUR"),  # Italian: the sign before, no thousands
        ("960,00\u00a0€", 960.0, "EUR"),  # French (EBP): no-break space before the sign
        ("-300,00\u00a0€", -300.0, "EUR"),
        ("R$ 15.200,00", 15200.0, "BRL"),  # Brazilian real
        ("R$ 950,00", 950.0, "BRL"),
        ("(12,50)", -12.5, None),
        ("730,00", 730.0, None),
    ],
)
def test_two_digits_after_a_single_comma_are_cents_never_a_thousands_group(text, number, currency):
    parsed = to_numbers(cells(text), column="r", sheet_rows=np.array([2]))
    assert parsed.values[0] == number
    assert parsed.issues["reason"].iloc[0] == f"text with a decimal comma read as the number {number:g}"
    if currency:  # the sign is the cell's currency: beside two cells in another one, it is not added
        other = "$1.00" if currency != "USD" else "€1,00"
        mixed = to_numbers(cells(text, other, other), column="r", sheet_rows=np.arange(2, 5))
        assert (
            np.isnan(mixed.values[0])
            and f"is in {currency} while the column is mostly" in mixed.issues["reason"].iloc[0]
        )


def test_a_short_decimal_comma_is_read_by_the_column_mark():
    # '12,5' alone could be read either way; beside '1.234,50' the column writes decimal commas
    alone = to_numbers(cells("12,5"), column="r", sheet_rows=np.array([2]))
    assert np.isnan(alone.values[0])
    column = to_numbers(cells("12,5", "1.234,50"), column="r", sheet_rows=np.arange(2, 4))
    assert column.values.tolist() == [12.5, 1234.5]
    # a column that also writes a decimal point ('1,234.50') does not decide for '12,5'
    mixed = to_numbers(cells("12,5", "1.234,50", "1,234.50", "2,345.00"), column="r", sheet_rows=np.arange(2, 6))
    assert np.isnan(mixed.values[0])


def test_a_short_decimal_comma_beside_a_decimal_point_stays_ambiguous():
    # '0.8' writes a decimal point: the column does not decide for '0,8'
    parsed = to_numbers(cells("0.8", "1.234,5", "0,8"), column="r", sheet_rows=np.arange(2, 5))
    assert parsed.values[:2].tolist() == [0.8, 1234.5] and np.isnan(parsed.values[2])


def test_text_without_a_hash_is_kept_as_stripped_and_a_hash_that_is_no_excel_error_too():
    # a column without '#' skips the Excel-error lookup: the result must be what the lookup gives
    import numpy as np

    from core.cells import to_text

    cells = np.array([" Acme ", "#1 client", None, 7.0, "#REF!", "Beta"], dtype=object)
    with_errors = to_text(cells, column="Account", sheet_rows=np.arange(2, 8))
    assert with_errors.values.tolist() == ["Acme", "#1 client", None, "7", None, "Beta"]
    assert with_errors.issues["reason"].tolist() == ["Excel error #REF!"]
    without = to_text(
        np.array([" Acme ", None, 7.0, "Beta"], dtype=object), column="Account", sheet_rows=np.arange(2, 6)
    )
    assert without.values.tolist() == ["Acme", None, "7", "Beta"] and without.issues.empty
