"""Property-based fuzzing of the cell parser and the account reader with random cells.

Whatever a cell holds, reading never raises anything but SegmenterInputError; every non-blank
cell is either read or reported; a number typed as text is read as exactly that number (or
refused, never changed).
"""

import datetime as dt
from decimal import Decimal

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from core.accounts import parse_accounts
from core.cells import COM_ERROR_CODES, EXCEL_ERRORS, MAX_NUMBER, is_blank, to_dates, to_numbers, to_text
from core.errors import SegmenterInputError

AMOUNTS = st.decimals(
    min_value=Decimal("-999999999.99"),
    max_value=Decimal("999999999.99"),
    places=2,
    allow_nan=False,
    allow_infinity=False,
)


def _us(d: Decimal) -> str:
    return f"{d:,.2f}"


def _eu(d: Decimal) -> str:  # 1.234,56
    return f"{d:,.2f}".replace(",", "\0").replace(".", ",").replace("\0", ".")


NUMBER_TEXTS = st.tuples(AMOUNTS, st.sampled_from(["plain", "us", "eu", "dollar", "usd", "eur_after", "pct"])).map(
    lambda pair: (
        pair[0],
        {
            "plain": str(pair[0]),
            "us": _us(pair[0]),
            "eu": _eu(pair[0]),
            "dollar": f"${_us(pair[0])}" if pair[0] >= 0 else f"-${_us(-pair[0])}",
            "usd": f"USD {_us(pair[0])}",
            "eur_after": f"{_eu(pair[0])} €",
            "pct": f"{pair[0]}%",
        }[pair[1]],
    )
)

CELLS = st.one_of(
    st.none(),
    st.floats(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.booleans(),
    st.sampled_from(sorted(EXCEL_ERRORS)),
    st.sampled_from(sorted(COM_ERROR_CODES)),
    st.text(max_size=12),
    st.text(alphabet="0123456789.,-+$€£%() eE/:", max_size=14),
    st.datetimes(min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 31)),
    NUMBER_TEXTS.map(lambda pair: pair[1]),
)


def _column(values):
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array


@settings(max_examples=120, deadline=None)
@given(st.lists(CELLS, min_size=1, max_size=30), st.booleans())
def test_every_non_blank_cell_is_read_or_reported(values, percent_ok):
    cells = _column(values)
    rows = np.arange(2, 2 + len(values))
    for reader, options in ((to_numbers, {"percent_ok": percent_ok}), (to_text, {}), (to_dates, {})):
        parsed = reader(cells, column="c", sheet_rows=rows, **options)
        missing = (
            np.isnan(parsed.values)
            if parsed.values.dtype.kind == "f"
            else (
                np.isnat(parsed.values)
                if parsed.values.dtype.kind == "M"
                else np.array([v is None for v in parsed.values])
            )
        )
        reported = set(parsed.issues["sheet_row"])
        for i in np.flatnonzero(~is_blank(cells) & missing):
            assert rows[i] in reported, (reader.__name__, values[i])
        assert set(parsed.issues["action"]) <= {"coerced", "rejected"}
    numbers = to_numbers(cells, column="c", sheet_rows=rows, percent_ok=percent_ok).values
    assert np.all(np.isnan(numbers) | (np.abs(numbers) <= MAX_NUMBER))


@settings(max_examples=200, deadline=None)
@given(st.lists(NUMBER_TEXTS, min_size=1, max_size=20))
def test_numbers_read_equal_the_text_typed(pairs):
    cells = _column([text for _, text in pairs])
    parsed = to_numbers(cells, column="c", sheet_rows=np.arange(len(pairs)), percent_ok=True)
    for (number, text), value in zip(pairs, parsed.values):
        if not np.isnan(value):  # read exactly, or refused (a guess that would change it), never changed
            expected = float(number / 100) if text.endswith("%") else float(number)
            assert value == expected, (text, value, expected)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(CELLS, min_size=1, max_size=5), min_size=1, max_size=12))
def test_the_account_reader_raises_only_its_input_error(grid):
    try:
        table = parse_accounts(grid)
    except SegmenterInputError:
        return
    assert np.all(np.isnan(table.accounts["revenue"]) | (np.abs(table.accounts["revenue"]) <= MAX_NUMBER))
