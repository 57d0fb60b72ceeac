"""The ribbon path at full size: Segment selection on up to 1,048,575 selected rows.

Runs segmenter.segment_selection on a book of xlwings' remote engine (xlwings PRO,
noncommercial licence; a stand-in for Excel, as in the tests), which records every call it
would send to Excel. Prints, per size: the round trips (recorded actions) by kind, the cells
written, the largest single write against xlwings' write budget, and the time of each phase:
reading and parsing the cells, the report, the layout (place_report) and the writing, with
the whole action as the reference the phases are shares of.

Run: python -m bench.bench_book [--rows 10000 100000 1048575]
"""

from __future__ import annotations

import argparse
import os
import time
from collections import Counter

os.environ.setdefault("XLWINGS_ON_SERVER", "true")
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

import xlwings as xw  # noqa: E402
from xlwings.base_classes import DEFAULT_MAX_CELLS_PER_WRITE  # noqa: E402

import app.ribbon  # noqa: E402
import segmenter  # noqa: E402
import writers.book  # noqa: E402
from bench.bench_report import account_cells  # noqa: E402


def remote_book(rows: list[list]) -> xw.Book:
    payload = {
        "client": "Office.js",
        "version": xw.__version__,
        "book": {"name": "segmenter.xlsm", "active_sheet_index": 0, "selection": f"A1:D{len(rows)}"},
        "names": [],
        "sheets": [{"name": "Accounts", "pictures": [], "tables": [], "values": rows}],
    }
    return xw.Book(json=payload)


def timed(phases: dict[str, float], name: str, function):
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            phases[name] = phases.get(name, 0.0) + time.perf_counter() - start

    return wrapper


def run(rows: int) -> None:
    cells = [row[:4] for row in account_cells(rows - 1)]
    book = remote_book(cells)
    phases: dict[str, float] = {}
    originals = (app.ribbon.parse_accounts, app.ribbon.run_report, app.ribbon.place_report, writers.book.write_report)
    app.ribbon.parse_accounts = timed(phases, "read + parse", app.ribbon.parse_accounts)
    app.ribbon.run_report = timed(phases, "report", app.ribbon.run_report)
    app.ribbon.place_report = timed(phases, "layout", app.ribbon.place_report)
    app.ribbon.book_writer.write_report = timed(phases, "write", writers.book.write_report)
    try:
        start = time.perf_counter()
        messages = segmenter.segment_selection(book)
        whole = time.perf_counter() - start
    finally:
        app.ribbon.parse_accounts, app.ribbon.run_report, app.ribbon.place_report, writers.book.write_report = originals
        app.ribbon.book_writer.write_report = originals[3]
    assert not any(m.startswith("segmenter stopped") for m in messages), messages
    actions = book.json()["actions"]
    kinds = Counter(a["func"] for a in actions)
    writes = [len(a["values"]) * len(a["values"][0]) for a in actions if a["func"] == "setValues" and a["values"]]
    print(
        f"{rows:,} selected rows ({rows - 1:,} accounts x 4 columns): {len(actions):,} round trips, "
        f"{sum(writes):,} cells written, largest write {max(writes):,} cells (budget {DEFAULT_MAX_CELLS_PER_WRITE:,})"
    )
    print("  by kind: " + ", ".join(f"{name} {count:,}" for name, count in kinds.most_common()))
    print(
        f"  whole action {whole:.1f} s: "
        + ", ".join(f"{name} {seconds:.1f} s ({seconds / whole:.0%})" for name, seconds in phases.items())
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000, 1_048_575])
    for rows in parser.parse_args().rows:
        run(rows)


if __name__ == "__main__":
    main()
