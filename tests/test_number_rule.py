"""One number rule: a cell, a Settings value, a rate and a CSV column read the same text the same way.

The CSV reader decides a column's decimal mark from the whole file (readers/decimals.py) and the
cell parser (core/cells.py) from the cells it is given; where both have the same evidence they must
agree, and a text that only one convention reads is never read by the other.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.cells import to_numbers
from core.config import parse_number
from core.errors import SegmenterInputError
from readers.decimals import column_marks, column_numbers, scan_column
from readers.sheets import read_rates


def _cells(texts: list[str]) -> list[float]:
    parsed = to_numbers(np.array(texts, dtype=object), column="x", sheet_rows=np.arange(1, len(texts) + 1))
    return parsed.values.tolist()


def _csv(texts: list[str]) -> list[float]:
    text = pd.Series(texts)
    scan = scan_column(text)
    return column_numbers(text, scan, column_marks([scan])[0]).tolist()


@pytest.mark.parametrize(
    "texts",
    [
        ["0,125", "1,15"],  # a group never follows a leading 0: 0.125, as the CSV reader reads it
        ["00,125", "12,50"],
        ["-0,125", "2,50"],
        ["1.234,56", "0,5"],
        ["1,234.56", "0.125"],
        ["1,234,567", "12.5"],
        ["1.234.567", "1.234,5"],
    ],
)
def test_a_column_with_evidence_reads_alike_as_cells_and_as_a_csv_column(texts):
    assert _cells(texts) == pytest.approx(_csv(texts), nan_ok=True)
    assert not np.isnan(_cells(texts)).any()


def test_zero_comma_three_digits_is_never_one_hundred_and_twenty_five():
    # once read as 125 (a thousands group after 0) where the CSV reader reads 0.125: a group never
    # follows a leading 0, so it is a decimal comma, and the column's "1,234" is then refused
    assert _cells(["0,125"]) == [0.125] == _csv(["0,125"])
    assert _cells(["00,125", "-0,125"]) == [0.125, -0.125]
    assert _cells(["10,125"]) == [10125.0]  # a real thousands group still reads as one


def test_cells_and_a_csv_column_never_read_one_text_as_two_numbers():
    # where the CSV reader settles a mark the cell parser cannot, the cell parser refuses: never another number
    for texts in (["1,234", "0,125", "5"], ["1.234", "0,125"], ["12,5", "1,234"], ["1,234", "12.5", "0.125"]):
        cells, csv = np.array(_cells(texts)), np.array(_csv(texts))
        both = ~np.isnan(cells) & ~np.isnan(csv)
        assert cells[both].tolist() == csv[both].tolist(), texts
    assert np.isnan(_cells(["1,234", "0,125", "5"])[0]) and _csv(["1,234", "0,125", "5"])[0] == 1.234


def test_a_setting_a_rate_and_a_cell_read_or_refuse_the_same_text():
    assert parse_number("0,125", "discount") == 0.125
    assert read_rates([["USD", "0,125"], ["EUR", 1]], "rates.csv")[0]["USD"] == 0.125
    assert np.isnan(_cells(["0,8"])[0])
    with pytest.raises(SegmenterInputError, match="decimal comma"):
        parse_number("0,8", "retention")
    with pytest.raises(SegmenterInputError, match="the rate of 'USD'.*decimal comma"):
        read_rates([["Currency", "Rate to EUR"], ["USD", "0,8"], ["EUR", 1]], "rates.csv")


def test_rates_typed_as_text_read_as_cells_do():
    # 1,15 was read as 1.15 and '1.234,5' dropped without a word by the rates file's own float() rule
    rates, report = read_rates([["Currency", "Rate to EUR"], ["USD", "0,9"], ["GBP", "1,15"], ["EUR", 1]], "r.csv")
    assert rates == {"USD": 0.9, "GBP": 1.15, "EUR": 1.0} and report == "EUR"
    rates, _ = read_rates([["JPY", "1.234,5"], ["EUR", "1"]], "r.csv")
    assert rates == {"JPY": 1234.5, "EUR": 1.0}
    with pytest.raises(SegmenterInputError, match="the rate of 'USD': 'n/a 3' is not a number"):
        read_rates([["USD", "n/a 3"], ["EUR", 1]], "r.csv")
