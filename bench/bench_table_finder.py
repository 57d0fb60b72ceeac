"""Share of parse_accounts spent finding the table (header row, title, total, footer rows).

Run: ``python -m bench.bench_table_finder``; prints both times and their ratio, measured in one
process on the same 1,048,575-row block (the machine is noisy: read the ratio).
"""

from __future__ import annotations

import time

import numpy as np

from bench.bench_accounts import make_rows
from core.accounts import header_role, parse_accounts
from core.table_finder import find_header_row, find_table


def _best(run, repeats: int = 3) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    rows = make_rows(1_048_575)
    block = np.array(rows, dtype=object)  # the 2-D cell block parse_accounts builds from these equal rows
    whole = _best(lambda: parse_accounts(rows))
    finder = _best(
        lambda: find_table(
            block,
            header=find_header_row(block, lambda text: header_role(text) is not None),
            first_sheet_row=1,
            label_column=0,
            value_column=1,
        )
    )
    print(f"parse_accounts 1,048,575 rows: {whole:.2f} s; finding the table: {finder:.2f} s ({finder / whole:.0%})")


if __name__ == "__main__":
    main()
