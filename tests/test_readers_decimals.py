"""readers.decimals: the decimal mark decided from the whole file, never guessed per cell."""

from __future__ import annotations

import numpy as np
import pandas as pd

from readers.decimals import COMMA, POINT, column_marks, column_numbers, scan_column


def _read(*columns: list[str]) -> list[list[float]]:
    texts = [pd.Series(c, dtype=object) for c in columns]
    scans = [scan_column(t) for t in texts]
    return [column_numbers(t, s, m).tolist() for t, s, m in zip(texts, scans, column_marks(scans))]


def test_a_decimal_comma_column_reads_its_thousands_dots_and_commas():
    assert _read(["1.234,56", "2.000", "-0,5", "1 234,5", "12"]) == [[1234.56, 2000.0, -0.5, 1234.5, 12.0]]


def test_a_column_without_evidence_follows_the_file_and_otherwise_keeps_its_text():
    assert _read(["1.234", "7"], ["12,5"]) == [[1234.0, 7.0], [12.5]]  # the other column shows decimal commas
    assert _read(["1.234", "7"], ["12.5"]) == [[1.234, 7.0], [12.5]]  # ... or decimal points
    assert np.isnan(_read(["1.234", "7"])[0][0])  # nothing says which: stays text


def test_conflicting_evidence_in_one_column_reads_no_ambiguous_cell():
    values = _read(["1.234", "12,5", "12.5"])[0]
    assert np.isnan(values[0]) and np.isnan(values[1]) and values[2] == 12.5


def test_decimal_point_columns_read_us_thousands_and_large_fractions_settle_the_mark():
    assert _read(["1,234.5", "1,000,000", "3"]) == [[1234.5, 1_000_000.0, 3.0]]
    assert column_marks([scan_column(pd.Series(["22064.5", "1.234"]))]) == [POINT]
    assert column_marks([scan_column(pd.Series(["1.234,5"]))]) == [COMMA]


def test_a_leading_zero_and_a_dotted_whole_number_from_1000_settle_a_decimal_point():
    assert _read(["1000.0", "0.125"]) == [[1000.0, 0.125]]  # hypothesis' falsifying example
    assert _read(["0.125", "1.234"]) == [[0.125, 1.234]]  # 0.125 is no thousands group
    assert _read(["1000.0", "1.125"]) == [[1000.0, 1.125]]  # 1000.0: one digit after the point
    assert _read(["0,125", "1.234"]) == [[0.125, 1234.0]]  # 0,125 is a decimal comma
    assert np.isnan(_read(["1000", "1.125"])[0][1])  # a whole number without a dot settles nothing


def test_inf_nan_and_overflow_stay_text():
    assert np.isnan(_read(["inf", "nan", "1e999", "-Infinity"])[0]).all()
