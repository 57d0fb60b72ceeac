"""readers.files: the reader chosen by suffix, the block a list starts with."""
from __future__ import annotations

import pytest

from core.errors import SegmenterInputError
from readers.files import read_block, read_cells


def test_read_block_skips_leading_blank_rows_and_says_where_the_list_starts(tmp_path):
    path = tmp_path / "accounts.csv"
    path.write_text(",\n,\nAccount,Revenue\nAcme,5\n")
    rows, first_row = read_block(path)
    assert first_row == 3 and rows == [["Account", "Revenue"], ["Acme", 5.0]]


def test_the_suffix_chooses_the_reader(tmp_path):
    (tmp_path / "a.csv").write_text("x y,1\n")
    (tmp_path / "a.txt").write_text("x y,1\n")
    assert read_cells(tmp_path / "a.csv") == [["x y", 1.0]]
    assert read_cells(tmp_path / "a.txt") == [["x", "y,1"]]


@pytest.mark.parametrize(("name", "text", "message"), [
    ("missing.csv", None, "file not found"),
    ("empty.csv", "", "empty.csv has no accounts: the sheet is empty"),
    ("blank.csv", ",,\n,,\n", "blank.csv has no accounts"),
    ("notes.doc", "x", "cannot read notes.doc: use a .csv, .xlsx, .xlsm, .txt or .tsv file"),
])
def test_files_without_a_list_are_refused_with_one_sentence(tmp_path, name, text, message):
    if text is not None:
        (tmp_path / name).write_text(text)
    with pytest.raises(SegmenterInputError, match=message):
        read_block(tmp_path / name)
