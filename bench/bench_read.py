"""Time reading a large input: .xlsx through segmenter's reader (typed columns through fastexcel
for a usual sheet), python-calamine cell by cell (the reader's path for any other sheet) and
openpyxl read-only, and CSV through segmenter's delimited reader against a bare ``pandas.read_csv``,
in the same run. Wall and CPU seconds of each (the machine is shared: compare CPU and ratios).

Target (issue 11): a 1,048,576-row .xlsx read in under 10 s. The workbook is written once with
openpyxl (write-only, a minute or two at full size) and kept in ``--cache`` for later runs.
Target (issue 24): the CSV read by segmenter's delimited reader in at most 10x the time of
``pyarrow.csv.read_csv`` of the same file (printed as the last ratio); ``--csv-only`` skips the
workbook.

Run: python -m bench.bench_read [--rows 1048575] [--cache /tmp/segmenter-bench] [--csv-only]

The CSV readers run three rounds, alternated; the ratio is printed for the first round and for
each reader's best.
"""

from __future__ import annotations

import argparse
import csv
import time
from pathlib import Path

import pandas as pd

from app.heap import keep_freed_memory
from bench.bench_report import account_cells
from readers.delimited import read_delimited
from readers.workbook import read_workbook


def make_inputs(rows: int, folder: Path, csv_only: bool = False) -> tuple[Path, Path]:
    """accounts<rows>.xlsx and .csv: a header and ``rows`` accounts (text, numbers, blanks)."""
    folder.mkdir(parents=True, exist_ok=True)
    xlsx, text = folder / f"accounts{rows}.xlsx", folder / f"accounts{rows}.csv"
    if text.exists() and (csv_only or xlsx.exists()):
        return xlsx, text
    cells = account_cells(rows)
    with text.open("w", newline="") as handle:
        csv.writer(handle).writerows(cells)
    if csv_only:
        return xlsx, text
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Accounts")
    for row in cells:
        sheet.append(row)
    book.save(xlsx)
    return xlsx, text


def timed(function, *args) -> tuple[float, object]:
    """(wall seconds, result); the CPU seconds of the last call are in ``timed.cpu``."""
    start, cpu = time.perf_counter(), time.process_time()
    result = function(*args)
    timed.cpu = time.process_time() - cpu
    return time.perf_counter() - start, result


def calamine_rows(path: Path) -> list[list[object]]:
    """Every cell through python-calamine one by one (the reader's path for an unusual sheet)."""
    from python_calamine import CalamineWorkbook

    with CalamineWorkbook.from_path(str(path)) as book:
        return book.get_sheet_by_name(book.sheet_names[0]).to_python(skip_empty_area=False)


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
    parser.add_argument("--csv-only", action="store_true", help="time the CSV readers only")
    args = parser.parse_args()
    keep_freed_memory()  # as the CLI's main does before it reads a file (app/heap.py)
    xlsx, text = make_inputs(args.rows, args.cache, csv_only=args.csv_only)
    if not args.csv_only:
        read_xlsx(xlsx, args.rows)
    read_csv(text)


def read_xlsx(xlsx: Path, n_rows: int) -> None:
    reader_s, rows = timed(read_workbook, xlsx)
    reader_cpu = timed.cpu
    calamine_s, by_cell = timed(calamine_rows, xlsx)
    calamine_cpu = timed.cpu
    assert rows == by_cell, "the typed read must give the values of the cell-by-cell read"
    del by_cell
    openpyxl_s, reference = timed(openpyxl_rows, xlsx)
    assert len(rows) == len(reference) == n_rows + 1
    print(
        f"{len(rows):>10,} sheet rows .xlsx: segmenter (typed columns) {reader_s:6.2f} s (CPU {reader_cpu:5.2f} s), "
        f"calamine cell by cell {calamine_s:6.2f} s (CPU {calamine_cpu:5.2f} s), "
        f"openpyxl read-only {openpyxl_s:6.2f} s "
        f"(CPU {timed.cpu:5.2f} s), ratio to openpyxl {reader_s / openpyxl_s:.3f}"
    )


def read_csv(text: Path, repeats: int = 3) -> None:
    """segmenter's reader, pandas and pyarrow on the same CSV, ``repeats`` rounds alternated; the
    ratio to pyarrow of the first round (segmenter first, cold: it also starts pyarrow's thread
    pool and memory pool, which pyarrow's own run then finds warm) and of each one's best round."""
    import pyarrow.csv as pv

    rounds = []
    for _ in range(repeats):
        reader_s, rows = timed(read_delimited, text)
        reader_cpu = timed.cpu
        pandas_s, frame = timed(lambda p: pd.read_csv(p, dtype=str, keep_default_na=False, header=None), text)
        pandas_cpu = timed.cpu
        arrow_s, table = timed(pv.read_csv, text)
        assert len(rows) == len(frame) == table.num_rows + 1
        rounds.append((reader_s, arrow_s))
        print(
            f"{len(rows):>10,} lines .csv: segmenter {reader_s:6.2f} s (CPU {reader_cpu:5.2f} s), bare "
            f"pandas.read_csv (text) {pandas_s:6.2f} s (CPU {pandas_cpu:5.2f} s), ratio {reader_s / pandas_s:.2f}; "
            f"pyarrow.csv.read_csv {arrow_s:6.2f} s (CPU {timed.cpu:5.2f} s), ratio {reader_s / arrow_s:.1f}x"
        )
        del rows, frame, table
    best_reader, best_arrow = min(r for r, _ in rounds), min(a for _, a in rounds)
    print(
        f"first round {rounds[0][0] / rounds[0][1]:.1f}x; best of {repeats}: segmenter {best_reader:.2f} s, "
        f"pyarrow {best_arrow:.2f} s, {best_reader / best_arrow:.1f}x (target 10x)"
    )


if __name__ == "__main__":
    main()
