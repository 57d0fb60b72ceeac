"""Time the headless report end to end: read a CSV, segment, write the .xlsx with openpyxl.

Prints, per size, the time to read and segment and the time to write the workbook (openpyxl's
write-only mode; the Segments sheet holds one row per account, so writing dominates).

Run: python -m bench.bench_cli [--sizes 10000 100000]
"""
from __future__ import annotations

import argparse
import csv
import tempfile
import time
from pathlib import Path

from bench.bench_report import account_cells
from core.config import ReportConfig
from core.report import run_report
from readers import load_accounts
from writers.layout import place_report
from writers.xlsx import write_workbook


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        for n in args.sizes:
            source = Path(scratch) / f"accounts{n}.csv"
            with source.open("w", newline="") as handle:
                csv.writer(handle).writerows(account_cells(n))
            start = time.perf_counter()
            table = load_accounts(source)
            report = run_report(table, ReportConfig())
            sheets = place_report(report.tables, source=source.name, labels=report.config.labels)
            analysed = time.perf_counter()
            write_workbook(sheets, Path(scratch) / f"report{n}.xlsx")
            written = time.perf_counter()
            print(f"{n:>10,} accounts: read + segment + lay out {analysed - start:6.2f} s, "
                  f"write .xlsx {written - analysed:7.2f} s")


if __name__ == "__main__":
    main()
