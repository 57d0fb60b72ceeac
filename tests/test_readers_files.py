"""readers.files: the reader chosen by suffix, the block a list starts with."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("missing.csv", None, "file not found: .*missing.csv: check the name and the folder"),
        ("empty.csv", "", r"empty.csv is empty \(0 bytes\), no accounts to read: export the list again"),
        ("blank.csv", ",,\n,,\n", "blank.csv has no accounts"),
        ("notes.doc", "x", "cannot read notes.doc: use a .csv, .xlsx, .xlsm, .txt or .tsv file"),
    ],
)
def test_files_without_a_list_are_refused_with_one_sentence(tmp_path, name, text, message):
    if text is not None:
        (tmp_path / name).write_text(text)
    with pytest.raises(SegmenterInputError, match=message):
        read_block(tmp_path / name)


def test_a_locked_file_is_refused_with_what_to_do(tmp_path, monkeypatch):
    path = tmp_path / "accounts.csv"
    path.write_text("Account,Revenue\nAcme,5\n")
    real_open = type(path).open

    def locked(self, *args, **kwargs):  # what Windows says when Excel holds the file (tests run as root)
        if self == path:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(type(path), "open", locked)
    with pytest.raises(
        SegmenterInputError,
        match=r"cannot open accounts.csv \(Permission denied\): it may be open in "
        "another program or not yours to read; close it or copy it",
    ):
        read_cells(path)


def test_core_udfs_and_readers_import_without_python_calamine():
    code = (
        "import sys; sys.modules['python_calamine'] = None\n"
        "import core.report, core.accounts, readers, writers.placement\n"
        "import udfs\n"
        "print('ok')"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert result.stdout.strip() == "ok", result.stderr
