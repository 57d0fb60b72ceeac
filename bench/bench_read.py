"""Time reading a large input: .xlsx through python-calamine against openpyxl read-only, and CSV
through segmenter's delimited reader against a bare ``pandas.read_csv``, in the same run.

Target (issue 11): a 1,048,576-row .xlsx read in under 10 s. The workbook is written once with
openpyxl (write-only, a minute or two at full size) and kept in ``--cache`` for later runs.

Run: python -m bench.bench_read [--rows 1048575] [--cache /tmp/segmenter-bench]
"""
from __future__ import annotations

import argparse
import csv
import time
from pathlib import Path

import pandas as pd

from bench.bench_report import account_cells
from readers.delimited import read_delimited
from readers.workbook import read_workbook


def make_inputs(rows: int, folder: Path) -> tuple[Path, Path]:
    """accounts<rows>.xlsx and .csv: a header and ``rows`` accounts (text, numbers, blanks)."""
    folder.mkdir(parents=True, exist_ok=True)
    xlsx, text = folder / f"accounts{rows}.xlsx", folder / f"accounts{rows}.csv"
    if xlsx.exists() and text.exists():
        return xlsx, text
    cells = account_cells(rows)
    with text.open("w", newline="") as handle:
        csv.writer(handle).writerows(cells)
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Accounts")
    for row in cells:
        sheet.append(row)
    book.save(xlsx)
    return xlsx, text


def timed(function, *args) -> tuple[float, object]:
    start = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - start, result


def openpyxl_rows(path: Path) -> list[list[object]]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_048_575, help="accounts below the header (default: a full sheet)")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/segmenter-bench"))
    args = parser.parse_args()
    xlsx, text = make_inputs(args.rows, args.cache)
    calamine_s, rows = timed(read_workbook, xlsx)
    openpyxl_s, reference = timed(openpyxl_rows, xlsx)
    assert len(rows) == len(reference) == args.rows + 1
    print(f"{len(rows):>10,} sheet rows .xlsx: calamine {calamine_s:6.2f} s, openpyxl read-only {openpyxl_s:6.2f} s, "
          f"ratio {calamine_s / openpyxl_s:.3f}")
    reader_s, rows = timed(read_delimited, text)
    pandas_s, frame = timed(lambda p: pd.read_csv(p, dtype=str, keep_default_na=False, header=None), text)
    assert len(rows) == len(frame)
    print(f"{len(rows):>10,} lines .csv: segmenter {reader_s:6.2f} s, bare pandas.read_csv (text) {pandas_s:6.2f} s, "
          f"ratio {reader_s / pandas_s:.2f}")


if __name__ == "__main__":
    main()
