"""Memory that the Lite edition needs: peak resident memory of one call, each in a fresh process.

xlwings Lite runs Python in Pyodide, whose memory is capped at 2 GB. This measures, on CPython
(64-bit; Pyodide's wasm32 objects are smaller, so these figures are an upper bound for the
Python side), the resident memory above the imported modules while a call runs:

- ``function``: =SEGMENT_TIER over an account range (6 columns) through xlwings' Lite call path;
- ``script``: the Segment selection script through ``custom_scripts_call`` on a workbook holding
  the range, writing every result sheet (the writes are recorded as the actions Lite sends back).

The cells themselves are counted (Lite receives them as one message). Uses xlwings.server
(xlwings PRO, noncommercial licence), like the tests.

Run: python -m bench.bench_lite_memory [--rows 10000 100000 300000] [--kinds function script]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import subprocess
import sys
import time

os.environ.setdefault("XLWINGS_ON_SERVER", "true")
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(kind: str, rows: int) -> None:
    """One measurement in this process; prints 'kind rows cells_mb peak_mb seconds'."""
    import importlib.util

    import xlwings as xw
    from xlwings import server

    from bench.bench_report import account_cells
    from tests.conftest import PROJECT, remote_book

    spec = importlib.util.spec_from_file_location("lite_main", PROJECT / "lite" / "main.py")
    lite = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(lite)
    base = _rss_mb()
    cells = account_cells(rows)
    cells_mb = _rss_mb() - base
    start = time.perf_counter()
    if kind == "function":
        payload = {
            "func_name": "segment_tier",
            "args": [cells],
            "caller_address": "Sheet1!H1",
            "client": "Office.js",
            "version": xw.__version__,
            "runtime": "1.4",
            "culture_info_name": "en-US",
            "date_format": "M/d/yyyy",
        }
        asyncio.run(server.custom_functions_call(payload, lite))
    else:
        book = remote_book({"Accounts": cells}, selection="A1")
        asyncio.run(server.custom_scripts_call(lite, "segment_selection", typehint_to_value={xw.Book: book}))
        book.json()
    print(kind, rows, f"{cells_mb:.0f}", f"{_rss_mb() - base:.0f}", f"{time.perf_counter() - start:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000, 300_000])
    parser.add_argument("--kinds", nargs="+", default=["function", "script"])
    parser.add_argument("--one", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        measure(args.one[0], int(args.one[1]))
        return
    print(f"{'call':<9} {'accounts':>9} {'cells MB':>9} {'peak MB':>8} {'seconds':>8}")
    for kind in args.kinds:
        for rows in args.rows:
            out = subprocess.run(
                [sys.executable, "-m", "bench.bench_lite_memory", "--one", kind, str(rows)],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.split()
            print(f"{out[0]:<9} {int(out[1]):>9,} {out[2]:>9} {out[3]:>8} {out[4]:>8}")


if __name__ == "__main__":
    main()
