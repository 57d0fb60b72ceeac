"""Property: whatever bytes or text a file holds, a reader gives rows or SegmenterInputError, never another
exception; and a number typed in a CSV is read as exactly that number."""

from __future__ import annotations

import codecs
import tempfile
from pathlib import Path
from unittest import mock

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from core.errors import SegmenterInputError
from readers.files import read_cells

SUFFIXES = [".csv", ".txt", ".tsv", ".xlsx"]
FUZZ = settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])


def _read(data: bytes, suffix: str):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"fuzz{suffix}"
        path.write_bytes(data)
        try:
            rows = read_cells(path)
        except SegmenterInputError as error:
            assert "fuzz" in str(error) and "\n" not in str(error)  # one line that names the file
            return None
    assert isinstance(rows, list) and all(isinstance(row, list) for row in rows)
    return rows


@FUZZ
@given(
    data=st.binary(max_size=600),
    suffix=st.sampled_from(SUFFIXES),
    prefix=st.sampled_from(
        [b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"]
    ),
)
def test_random_bytes_give_rows_or_an_input_error(data, suffix, prefix):
    _read(prefix + data, suffix)


CELL = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12),
    st.sampled_from(
        [
            "1.234",
            "1,234",
            "1.234,56",
            "1,234.56",
            "12,5",
            "-0.5",
            "1e5",
            "inf",
            "nan",
            "#N/A",
            '"',
            '""',
            "2024-03-31",
            "=1+1",
            "sep=;",
            " ",
            "\t",
            "\r",
            "\r\n",
            ";",
            "|",
            " Acme ",
            "\u00a0Beta",
            "Café",
            "\x1cC1",
            "EUR 1.200,50",
            "34,1 %",
            "2024-02-30",
        ]
    ),
)


@FUZZ
@given(
    rows=st.lists(st.lists(CELL, min_size=1, max_size=5), min_size=1, max_size=8),
    separator=st.sampled_from([",", ";", "\t", "|"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]),
)
def test_random_csv_text_gives_rows_or_an_input_error(rows, separator, encoding):
    text = "\n".join(separator.join(row) for row in rows)
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode("utf-8")
    _read(data, ".csv")


@FUZZ
@given(
    numbers=st.lists(st.floats(allow_nan=False, allow_infinity=False, width=64), min_size=1, max_size=20),
    separator=st.sampled_from([",", ";", "\t", "|"]),
)
@example(numbers=[1.234, 2.5], separator=";")
@example(numbers=[1.234, 7.0], separator=";")
@example(numbers=[1000.0, 0.125], separator=",")
def test_numbers_typed_in_a_csv_are_read_as_typed(numbers, separator):
    # repr() writes what Python reads back exactly: 0.1, 1e+300, -5e-324
    text = "Account" + separator + "Revenue\n" + "".join(f"A{i}{separator}{n!r}\n" for i, n in enumerate(numbers))
    rows = _read(text.encode(), ".csv")
    read = [row[1] for row in rows[1:]]
    # a number, equal to the one typed; or, for 1.234 in a column without any other decimal, the text as typed
    # (decimal point or thousands dot cannot be told apart: the cell parser reports it)
    exact = [isinstance(v, float) and v == n for v, n in zip(read, numbers)]
    kept = [v == repr(n) and len(repr(n).split(".")[-1]) == 3 for v, n in zip(read, numbers)]
    assert all(e or k for e, k in zip(exact, kept))
    has_other_decimals = any("." in repr(n) and len(repr(n).split(".")[-1]) != 3 for n in numbers)
    assert not (has_other_decimals and any(kept))  # another decimal in the column settles it: all numbers


#: Random CSV text: up to 8 rows of up to 5 cells, split by one of the usual separators.
CSV_ROWS = {
    "rows": st.lists(st.lists(CELL, min_size=1, max_size=5), min_size=1, max_size=8),
    "separator": st.sampled_from([",", ";", "\t", "|"]),
}


def _csv_block(rows: list[list[str]], separator: str):
    """The reader's CellBlock of a CSV of ``rows``; None when it is refused, empty or not a block."""
    from core.grid import CellBlock
    from readers.delimited import read_delimited

    text = "\n".join(separator.join(row) for row in rows)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.csv"
        path.write_bytes(text.encode("utf-8"))
        try:
            block = read_delimited(path)
        except SegmenterInputError:
            return None
    return block if isinstance(block, CellBlock) and len(block) else None


@FUZZ
@given(**CSV_ROWS)
def test_a_csv_blocks_empty_mask_is_exactly_its_empty_cells(rows, separator):
    # find_table trusts the reader's mask of empty cells instead of looking at them: on any CSV it
    # must say what pd.isna(cell) | (cell == "") says of the block's cells
    import numpy as np
    import pandas as pd

    block = _csv_block(rows, separator)
    if block is None:
        return
    cells = block.array
    assert block.empty is not None
    assert np.array_equal(block.empty, pd.isna(cells) | (cells == ""))


@FUZZ
@given(**CSV_ROWS)
def test_a_csv_blocks_kinds_read_every_cell_as_the_cell_parsers_do(rows, separator):
    # the cell parsers take the reader's kinds instead of typing the cells again: on any CSV, every
    # column read with them must be what it is without them, issues and all
    import numpy as np
    import pandas as pd

    from core.cells import is_blank, text_positions, to_dates, to_numbers, to_text
    from core.table_finder import find_table

    block = _csv_block(rows, separator)
    if block is None:
        return
    assert block.kinds is not None and block.kinds.shape == block.array.shape
    for header in (None, 0):
        known = find_table(
            block.array,
            header=header,
            first_sheet_row=1,
            label_column=0,
            value_column=None,
            empty=block.empty,
            kinds=block.kinds,
        )
        looked = find_table(block.array, header=header, first_sheet_row=1, label_column=0, value_column=None)
        assert known.rows.tolist() == looked.rows.tolist()
        pd.testing.assert_frame_equal(known.issues, looked.issues)
    sheet_rows = np.arange(1, len(block) + 1)
    for j in range(block.width):
        cells, kinds = block.array[:, j], block.kinds[:, j]
        assert np.array_equal(is_blank(cells, kinds), is_blank(cells))
        assert np.array_equal(text_positions(cells, kinds), text_positions(cells))
        for reader in (to_text, to_numbers, to_dates):
            known = reader(cells, column="c", sheet_rows=sheet_rows, kinds=kinds)
            looked = reader(cells, column="c", sheet_rows=sheet_rows)
            assert np.array_equal(pd.isna(known.values), pd.isna(looked.values))
            filled = ~pd.isna(looked.values)
            assert known.values[filled].tolist() == looked.values[filled].tolist()
            assert np.array_equal(known.blank, looked.blank)
            pd.testing.assert_frame_equal(known.issues, looked.issues)


#: A column's few distinct texts (no line break or quote: one column, not a file) and how often each
#: repeats: a column of more cells than the reader samples, so that it may be typed by its distinct texts.
REPEATED_COLUMN = {
    "texts": st.lists(CELL.filter(lambda t: not set(t) & set('\r\n"')), min_size=1, max_size=6, unique=True),
    "seed": st.integers(0, 2**32 - 1),
    "rows": st.sampled_from([4097, 6000, 12000]),
    "ordered": st.booleans(),  # the cells of each text together, in the texts' order (a sorted export)
}


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(**REPEATED_COLUMN, arrow=st.booleans())
@example(texts=["3", "", "10"], seed=1, rows=6000, ordered=False, arrow=True)  # scores: typed by their distinct texts
@example(texts=["12.5", "1.234", "Acme"], seed=2, rows=6000, ordered=False, arrow=True)  # 2,000 dotted numbers
# a dot in a large number seen only after the first thousand large ones: not evidence, as cell by cell
@example(texts=["5000", "1000.0"], seed=4, rows=6000, ordered=True, arrow=True)
@example(texts=["1.234", "12.5"], seed=4, rows=6000, ordered=True, arrow=True)  # so for a decimal after 1.234s
@example(texts=["1.234,5", "2024-03-31", " x", "EUR 1.200,50", "34,1 %"], seed=3, rows=4097, ordered=False, arrow=False)
def test_a_column_typed_by_its_distinct_texts_is_the_column_typed_cell_by_cell(texts, seed, rows, ordered, arrow):
    # a column of a few repeated texts is scanned and typed once per distinct text (readers.delimited.scanned);
    # every value, blank and kind, and the column's decimal evidence, must be those of the cells one by one
    from readers.delimited import scan_column

    # xlwings Lite: no pyarrow, so no edge bytes and Python strings. Patched in the globals of the
    # scan_column that readers.delimited calls: --import-mode=importlib may import readers.decimals
    # twice (once for its doctests), and both routes below must see the same patch
    without = {} if arrow else {"cell_bytes": lambda text: None}
    with mock.patch.dict(scan_column.__globals__, without):
        _column_typed_both_ways(texts, seed, rows, ordered, arrow)


def _column_typed_both_ways(texts: list[str], seed: int, rows: int, ordered: bool, arrow: bool) -> None:
    import numpy as np
    import pandas as pd

    from readers.delimited import column_marks, scan_column, scanned, typed_values

    rng = np.random.default_rng(seed)
    weights = rng.dirichlet(np.ones(len(texts)))
    which = rng.choice(len(texts), rows, p=weights)
    cells = np.asarray(texts, dtype=object)[np.sort(which) if ordered else which]
    column = pd.Series(cells, dtype="str" if arrow else object)
    distinct, codes, scan = scanned(column)
    whole = scan_column(column)
    assert (scan.comma, scan.point, scan.numeric_share) == (whole.comma, whole.point, whole.numeric_share)
    for mark in {column_marks([whole])[0], ",", "."}:
        by_text, by_cell = np.empty(rows, dtype=object), np.empty(rows, dtype=object)
        blank, kinds = typed_values(distinct, codes, scan, mark, by_text)
        blank_cells, kinds_cells = typed_values(column, None, whole, mark, by_cell)
        assert [(type(v), v) for v in by_text.tolist()] == [(type(v), v) for v in by_cell.tolist()]
        assert np.array_equal(blank, blank_cells) and np.array_equal(kinds, kinds_cells)
