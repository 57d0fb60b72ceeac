"""tests/corpus/: hostile input files, each with the outcome it must give (scripts/make_corpus.py).

An account or transaction list is read as the CLI reads it (readers/ then core/); a refused file
is run through the CLI and must exit 2 with its one-line message and no traceback.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import segmenter
from readers import accounts_from_rows, is_transaction_list, load_transactions, read_block

CORPUS = Path(__file__).resolve().parent / "corpus"
MANIFEST = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
sys.path.insert(0, str(CORPUS.parents[1] / "scripts"))


def _cases(manifest):
    return [pytest.param(name, outcome, id=name) for name, outcome in manifest.items()]


def check_outcome(path: Path, outcome: dict, capsys) -> None:
    if "error" in outcome or "error_starts" in outcome:
        code = segmenter.main(["report", str(path), "-o", str(path.parent / "never-written.xlsx")])
        err = [line for line in capsys.readouterr().err.splitlines() if not line.startswith("[")]
        assert code == 2 and len(err) == 1 and err[0].startswith("segmenter: "), err
        message = err[0].removeprefix("segmenter: ")
        if "error" in outcome:
            assert message == outcome["error"]
        else:
            assert message.startswith(outcome["error_starts"])
        assert not (path.parent / "never-written.xlsx").exists()
        return
    rows, first_row = read_block(path, outcome.get("sheet"))
    if "cells" in outcome:
        assert [len(rows), max(map(len, rows))] == outcome["cells"]
        return
    if "first_row" in outcome:
        assert first_row == outcome["first_row"]
    if "transactions" in outcome:
        assert is_transaction_list(rows, path)
        table = load_transactions(rows, first_row, path)
        assert len(table.rows) == outcome["transactions"]
        assert table.rows["customer"].nunique() == outcome["customers"]
        assert pd.Timestamp(table.rows["date"].max()) == pd.Timestamp(outcome["last_date"])
        issues = table.issues
    else:
        assert not is_transaction_list(rows, path)
        table = accounts_from_rows(rows, first_row, path)
        accounts = table.accounts
        assert len(accounts) == outcome["accounts"]
        for column in ("revenue", "profit"):
            if column in outcome:
                assert np.isclose(accounts[column].sum(), outcome[column])
        assert set(outcome.get("names", [])) <= set(accounts["account"])
        issues = table.issues
    text = " ".join(f"{v} {r}" for v, r in zip(issues["value"].astype(str), issues["reason"].astype(str)))
    for expected in outcome.get("issues", []):
        assert expected in text


@pytest.mark.parametrize(("name", "outcome"), _cases(MANIFEST))
def test_corpus_file_gives_its_outcome(name, outcome, capsys):
    check_outcome(CORPUS / name, outcome, capsys)


def test_the_corpus_has_forty_cases_and_the_script_makes_the_same_manifest(tmp_path):
    import make_corpus

    assert make_corpus.make_corpus(tmp_path) == MANIFEST
    assert len(MANIFEST) >= 40
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        p.name for p in CORPUS.iterdir() if p.is_file()
    )  # exports/: test_export_corpus


@pytest.fixture(scope="module")
def large_cases(tmp_path_factory):
    import make_corpus

    folder = tmp_path_factory.mktemp("large")
    return folder, make_corpus.make_large(folder)


@pytest.mark.parametrize("name", ["cell_of_30mb.csv", "columns_16384.xlsx"])
def test_large_cases_made_at_test_time(large_cases, name, capsys):
    folder, manifest = large_cases
    check_outcome(folder / name, manifest[name], capsys)


def test_a_folder_and_a_missing_file_are_refused_in_one_line(tmp_path, capsys):
    (tmp_path / "list.csv").mkdir()
    check_outcome(
        tmp_path / "list.csv",
        {"error": f"{tmp_path / 'list.csv'} is a folder, not a file: name the account or transaction list in it"},
        capsys,
    )
    check_outcome(
        tmp_path / "gone.csv",
        {"error": f"file not found: {tmp_path / 'gone.csv'}: check the name and the folder"},
        capsys,
    )
