"""Held-out exports (tests/corpus/heldout/, written by its make_heldout.py as each named system
writes them): red-team cases the export corpus of issue 20 did not cover. Each case's figures are
worked out by hand in manifest.json ("why" shows the sums); they are checked through the path the
CLI takes (readers.sheets.read_export, then the account or transaction reader) and the CLI itself.

Cases that fail today are marked xfail(strict=True) with what goes wrong, so that a fix turns
them into an XPASS failure and the mark must go."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from openpyxl import load_workbook

import segmenter
from readers import accounts_from_rows, is_transaction_list, load_transactions
from readers.sheets import read_export

HELDOUT = Path(__file__).resolve().parent / "corpus" / "heldout"
MANIFEST = json.loads((HELDOUT / "manifest.json").read_text(encoding="utf-8"))

FAILING = {}


def _case(name):
    return pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=FAILING[name])) if name in FAILING else name


def _args(case: dict) -> list[str]:
    return [str(HELDOUT / a) if a.endswith((".csv", ".xlsx")) else a for a in case.get("args", [])]


def _read(case: dict):
    """The figures through the path the CLI takes: (number of accounts or customers, revenue, profit, names, roles)."""
    args = case.get("args", [])
    rates = HELDOUT / args[args.index("--rates") + 1] if "--rates" in args else None
    path = HELDOUT / case["file"]
    read = read_export(path, visible_only="--visible-only" in args, rates=rates)
    if is_transaction_list(read.rows, path):
        table = load_transactions(read.rows, read.first_row, path, options=read.options)
        rows = table.rows
        return (
            rows["customer"].nunique(),
            rows["amount"].sum(),
            None,
            set(map(str, rows["customer"])),
            set(rows.columns),
        )
    accounts = accounts_from_rows(read.rows, read.first_row, path, options=read.options).accounts
    profit = accounts["profit"].sum() if "profit" in accounts else None
    roles = {c for c in accounts.columns if accounts[c].notna().any()}
    return len(accounts), accounts["revenue"].sum(), profit, set(map(str, accounts["account"])), roles


def _cli(case: dict, output: Path, capsys) -> tuple[int, list[str], list[str]]:
    code = segmenter.main(["report", str(HELDOUT / case["file"]), "-o", str(output), *_args(case)])
    captured = capsys.readouterr()
    return code, captured.out.splitlines(), [line for line in captured.err.splitlines() if not line.startswith("[")]


def _overview_text(output: Path) -> str:
    sheet = load_workbook(output, read_only=True)["Overview"]
    return "\n".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None)


@pytest.mark.parametrize("name", [_case(n) for n in MANIFEST])
def test_heldout_export_gives_the_hand_figures(name, tmp_path, capsys):
    case = MANIFEST[name]
    output = tmp_path / "report.xlsx"
    code, out, err = _cli(case, output, capsys)
    if "refusal" in case:
        assert code == 2 and len(err) == 1, err
        for words in case["refusal"]:  # a word, or a list of words one of which is said
            assert any(w.lower() in err[0].lower() for w in ([words] if isinstance(words, str) else words)), (
                words,
                err[0],
            )
        assert not output.exists()
        return
    assert code == 0, err
    said = "\n".join(out)
    for words in case.get("said", []):
        assert words in said, (words, said)
    count, revenue, profit, names, roles = _read(case)
    assert count == case.get("accounts", case.get("customers")), (count, sorted(names))
    assert np.isclose(revenue, case["revenue"], rtol=0, atol=0.005), revenue
    if "profit" in case:
        assert profit is not None and np.isclose(profit, case["profit"], rtol=0, atol=0.005), profit
    assert set(case.get("names", [])) <= names, sorted(names)
    assert not set(case.get("absent", [])) & names, sorted(names)
    if name == "typeform_nps_responses":
        assert "first_purchase" not in roles  # a survey's start date is not a first purchase
    overview = _overview_text(output)
    assert not re.search(r"\bnan\b", overview, re.IGNORECASE), "NaN on the Overview"
    assert not re.search(r"'\w[^',;]*' \w+'\)", overview), "a reading line cut mid-name on the Overview"
