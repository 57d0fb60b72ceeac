"""The typed path of the delimited reader against its cell-by-cell path: pyarrow splits a usual
file (readers.delimited.arrow_cells) and casts its plain decimals at once
(readers.decimals.plain_decimals); with both turned off, pandas splits and reads every cell. Both
paths give the same cells, of the same types, and the same account tables and Data issues lines,
on the corpus and on files with bad cells mixed in."""

from __future__ import annotations

import math
import random
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import readers.decimals
import readers.delimited
from core.accounts import parse_accounts
from core.errors import SegmenterInputError
from readers.delimited import read_delimited

CORPUS = Path(__file__).parent / "corpus"
FILES = sorted(p for p in CORPUS.rglob("*") if p.suffix.lower() in (".csv", ".txt", ".tsv"))


def _cell_by_cell(monkeypatch) -> None:
    monkeypatch.setattr(readers.delimited, "arrow_cells", lambda *args: None)
    monkeypatch.setattr(
        readers.decimals, "plain_decimals", lambda text: (np.zeros(len(text), dtype=bool), np.zeros(0), False)
    )


def _typed(value):
    """A cell with its type, -0.0 told from 0.0."""
    if isinstance(value, float):
        return ("float", math.copysign(1.0, value) if value == 0 else value)
    return (type(value).__name__, value)


def _read(path: Path):
    try:
        return [[_typed(v) for v in row] for row in read_delimited(path)]
    except SegmenterInputError as error:
        return ("refused", str(error))


def _both(path: Path, monkeypatch):
    typed = _read(path)
    with monkeypatch.context() as m:
        _cell_by_cell(m)
        by_cell = _read(path)
    return typed, by_cell


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_the_corpus_reads_alike_both_ways(path, monkeypatch):
    typed, by_cell = _both(path, monkeypatch)
    assert typed == by_cell


BAD = [
    "n/a",
    "1.234",
    "12,5",
    "€ 5",
    "1e999",
    "inf",
    "nan",
    "  ",
    "-0",
    "007",
    "12345678901234567",
    "0.12345678901234567",
    "1,234.50",
    "#N/A",
    "2024-03-31",
    "TRUE",
    "1.5e3",
    "+7",
    "-",
    "12 ",
    " 3.25",
    "5.",
    ".5",
    "-0.0",
    "100000000000000",
    "999999999999999.9",
    'x"y',
]


def _accounts(rng: random.Random, n: int, bad_share: float, comma: bool = False) -> str:
    lines = ["Account,Revenue,Profit,NPS,Industry,Region"]
    for i in range(n):
        revenue = f"{rng.lognormvariate(8, 2):.{rng.choice([0, 2])}f}"
        profit = f"{rng.uniform(-500, 5000):.2f}"
        nps = str(rng.randint(0, 10)) if rng.random() < 0.4 else ""
        cells = [f"C{i}", revenue, profit, nps, rng.choice(["Retail", "Health care"]), rng.choice(["North", "South"])]
        if rng.random() < bad_share:
            cells[rng.choice([1, 2, 3])] = rng.choice(BAD)
        lines.append(",".join(f'"{c}"' if "," in c or '"' in c else c for c in cells).replace('x"y', 'x""y'))
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("seed", range(8))
def test_bad_cells_mixed_in_give_the_same_table_and_data_issues(seed, tmp_path, monkeypatch):
    rng = random.Random(seed)
    path = tmp_path / "accounts.csv"
    path.write_text(_accounts(rng, 400, bad_share=0.15), encoding="utf-8")
    typed, by_cell = _both(path, monkeypatch)
    assert typed == by_cell
    table = parse_accounts(read_delimited(path))
    with monkeypatch.context() as m:
        _cell_by_cell(m)
        reference = parse_accounts(read_delimited(path))
    pd.testing.assert_frame_equal(table.accounts, reference.accounts)
    pd.testing.assert_frame_equal(table.issues, reference.issues)
    assert len(reference.issues) > 0, "bad cells are reported"


def test_the_typed_path_is_taken_on_a_usual_file(tmp_path):
    path = tmp_path / "accounts.csv"
    path.write_text(_accounts(random.Random(1), 50, bad_share=0.0), encoding="utf-8")
    frame = readers.delimited.arrow_cells(path.read_bytes(), "utf-8", ",", 6)
    assert frame is not None and frame.shape == (51, 6)
    quick, values, dotted = readers.decimals.plain_decimals(frame[2].iloc[1:])
    assert quick.all() and dotted and values.size == 50
