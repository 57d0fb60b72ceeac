"""Time parse_accounts on account / revenue / profit blocks as xlwings' raw converter delivers them.

Run: ``python bench/bench_accounts.py``; prints seconds per size (goal: 1,048,575 rows under ~0.8 s).
"""

from __future__ import annotations

import time

import numpy as np

from core.accounts import parse_accounts


def make_rows(n_rows: int, seed: int = 0) -> list[list]:
    rng = np.random.default_rng(seed)
    revenue = rng.lognormal(10, 2, n_rows).tolist()
    profit = (np.asarray(revenue) * rng.uniform(-0.1, 0.5, n_rows)).tolist()
    return [["Account", "Revenue", "Profit"]] + [[f"C{i:07d}", r, p] for i, (r, p) in enumerate(zip(revenue, profit))]


def main() -> None:
    for n_rows in (10_000, 100_000, 1_048_575):
        rows = make_rows(n_rows)
        best = min(_timed(rows) for _ in range(3))
        print(f"parse_accounts {n_rows:>9,} rows x 3 columns: {best:.3f} s")


def _timed(rows: list[list]) -> float:
    start = time.perf_counter()
    parse_accounts(rows)
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
