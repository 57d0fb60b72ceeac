"""Time assign_tiers (each method) and the concentration summary beside one np.argsort.

    python bench/bench_tiers.py [seed]

Revenues are lognormal (median about 1,100, heavy right tail), rounded to whole currency
units so that many accounts tie, with 2 % zero and 1 % missing, like a real account list.
Target (issue 24): pareto tiering at most 2x one argsort of the same revenues (bench_report prints
the same ratio on revenues without zeros or gaps).
"""

from __future__ import annotations

import sys
import time

import numpy as np

from core.concentration import concentration_summary
from core.tiers import assign_tiers

SIZES = (10_000, 100_000, 1_048_576)
METHODS = {"pareto": None, "rank": None, "threshold": (100_000, 10_000), "computed": None}


def simulate(accounts: int, seed: int) -> np.ndarray:
    """Revenue per account: lognormal(7, 1.8) rounded, 2 % zero, 1 % missing."""
    rng = np.random.default_rng(seed)
    revenue = np.round(rng.lognormal(7.0, 1.8, accounts), 0)
    revenue[rng.random(accounts) < 0.02] = 0.0
    revenue[rng.random(accounts) < 0.01] = np.nan
    return revenue


def best_of(repeats: int, call) -> float:
    """Fastest of ``repeats`` runs, in seconds (the least disturbed by other processes)."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return min(times)


def main(seed: int = 1) -> None:
    print(
        f"{'accounts':>10} {'argsort':>9} " + " ".join(f"{m:>10}" for m in METHODS) + f" {'summary':>9}  pareto/argsort"
    )
    for accounts in SIZES:
        revenue = simulate(accounts, seed)
        argsort = best_of(5, lambda: np.argsort(revenue))
        timings = {
            m: best_of(5, lambda m=m, c=c: assign_tiers(revenue, method=m, cutoffs=c)) for m, c in METHODS.items()
        }
        summary = best_of(5, lambda: concentration_summary(revenue))
        cells = " ".join(f"{timings[m] * 1000:>8.1f}ms" for m in METHODS)
        print(
            f"{accounts:>10,} {argsort * 1000:>7.1f}ms {cells} {summary * 1000:>7.1f}ms  "
            f"{timings['pareto'] / argsort:>6.2f}x"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1)
