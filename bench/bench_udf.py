"""Time SEGMENT_TIER through xlwings' own call path (custom_functions_call) on a full column.

Uses xlwings.server (xlwings PRO, noncommercial licence; a benchmark like the tests, not the
product). Target (issue 3): 1,048,575 rows in under 3 s on this machine.

Run: python -m bench.bench_udf [--rows 50000 1048575]
"""

from __future__ import annotations

import argparse
import asyncio
import inspect
import os
import time

os.environ.setdefault("XLWINGS_ON_SERVER", "true")
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

import xlwings as xw  # noqa: E402
from xlwings import server  # noqa: E402

import udfs  # noqa: E402
from bench.bench_report import account_cells  # noqa: E402


def call(func_name: str, *args):
    payload = {
        "func_name": func_name,
        "args": list(args),
        "caller_address": "Sheet1!H1",
        "version": xw.__version__,
        "runtime": "1.4",
        "culture_info_name": "en-US",
        "date_format": "M/d/yyyy",
    }
    result = server.custom_functions_call(payload, udfs)
    return asyncio.run(result) if inspect.iscoroutine(result) else result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, nargs="+", default=[50_000, 1_048_575])
    args = parser.parse_args()
    for rows in args.rows:
        cells = [row[:3] for row in account_cells(rows - 1)]  # header + accounts = a full column
        dirty = [list(row) for row in cells]
        for i in range(1, rows, 1000):  # one bad cell per 1,000 rows: the slow path must stay fast
            dirty[i][1] = "$1.2k"
        for label, block in (("clean", cells), ("1 bad cell per 1,000", dirty)):
            start = time.perf_counter()
            out = call("segment_tier", block)
            elapsed = time.perf_counter() - start
            assert len(out) == rows, out if isinstance(out, str) else len(out)
            print(f"SEGMENT_TIER {rows:>9,} rows x 3 columns ({label}): {elapsed:.2f} s")


if __name__ == "__main__":
    main()
