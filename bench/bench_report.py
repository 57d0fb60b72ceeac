"""Time the whole report (core.report.run_report) on 10k, 100k and 1,048,576 accounts.

Prints, per size: one numpy argsort of the revenue column (the reference), assign_tiers
(pareto), the account parsing from cells, and the full report from the parsed table.
Target (issue 2): the whole report on 1,048,576 accounts under 2 s on this machine.

Run: python -m bench.bench_report [--sizes 10000 100000 1048576]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from core.accounts import parse_accounts
from core.config import ReportConfig
from core.report import run_report
from core.tiers import assign_tiers

INDUSTRIES = np.array(["Retail", "Manufacturing", "Healthcare", "Logistics", "Public sector"], dtype=object)
SIZES = np.array(["Small", "Medium", "Large"], dtype=object)


def account_cells(n: int, seed: int = 7) -> list[list[object]]:
    """A header and n account rows as xlwings delivers them: text, floats, None for no NPS answer."""
    rng = np.random.default_rng(seed)
    revenue = np.round(rng.lognormal(10, 1.4, n), 0)  # rounded: many ties, as in real lists
    profit = np.round(revenue * rng.normal(0.25, 0.1, n), 2)
    nps = rng.integers(0, 11, n).astype(object)
    nps[rng.random(n) > 0.4] = None
    accounts = np.char.add("C", np.arange(n).astype(str)).astype(object)
    rows = np.column_stack(
        [
            accounts,
            revenue.astype(object),
            profit.astype(object),
            nps,
            INDUSTRIES[rng.integers(0, 5, n)],
            SIZES[rng.integers(0, 3, n)],
        ]
    ).tolist()
    return [["Account", "Revenue", "Profit", "NPS", "Industry", "Size"]] + rows


def best_of(repeats: int, function) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_048_576])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print(f"{'accounts':>10} {'argsort':>9} {'tiers':>9} {'ratio':>6} {'parse':>9} {'report':>9}")
    for n in args.sizes:
        cells = account_cells(n)
        revenue = np.array([row[1] for row in cells[1:]], dtype=float)
        t_sort, _ = best_of(args.repeats, lambda: np.argsort(revenue))
        t_tier, _ = best_of(args.repeats, lambda: assign_tiers(revenue))
        t_parse, table = best_of(args.repeats, lambda: parse_accounts(cells))
        t_report, _ = best_of(args.repeats, lambda: run_report(table, ReportConfig()))
        print(f"{n:>10,} {t_sort:>8.3f}s {t_tier:>8.3f}s {t_tier / t_sort:>5.1f}x {t_parse:>8.3f}s {t_report:>8.3f}s")


if __name__ == "__main__":
    main()
