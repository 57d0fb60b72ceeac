"""Time the customer report's analysis as ratios in one process (the machine is shared: ratios
hold, seconds drift).

    python -m bench.bench_customer_analysis [order lines] [rounds]

1. BG/NBD's Gauss-Beta rules (the quadrature of :func:`core.customers.bgnbd._expected_by_quadrature`
   where scipy's hyp2f1 overflows): one Golub-Welsch eigenproblem per distinct x
   (``beta_gauss``, the reference) against all of them at once (``beta_gauss_rules``), at the
   parameters of a 1,000,000-line order list (a = 1,593, b = 14,563, 57 distinct x), with the
   largest difference of the expectations they give.
2. :func:`core.customers.report.run_customer_report` on ``bench.bench_cli.order_frame`` lines
   with the fits and parameter draws on one thread and on :data:`core.parallel.WORKERS`
   threads, alternated; every table of the two reports compared (they must be equal).
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd

import core.parallel as parallel
from bench.bench_cli import order_frame
from core.customers.bgnbd import beta_gauss, beta_gauss_rules
from core.customers.report import run_customer_report
from core.transactions import parse_transactions

P, B, FREQUENCIES, NODES = 1592.88, 14563.2, np.arange(57.0), 96


def rules(rounds: int = 20) -> None:
    """Seconds per draw of the two ways to the rules, and the largest relative difference of an expectation."""
    q = B + FREQUENCIES
    start = time.perf_counter()
    for _ in range(rounds):
        one_by_one = [beta_gauss(P, value, NODES) for value in q]
    reference = (time.perf_counter() - start) / rounds
    start = time.perf_counter()
    for _ in range(rounds):
        nodes, weights = beta_gauss_rules(P, q, NODES)
    batched = (time.perf_counter() - start) / rounds
    share = np.array([0.05, 1.0, 40.0])  # t / (alpha + T)
    worst = 0.0
    for k, (old_nodes, old_weights) in enumerate(one_by_one):
        for s in share:
            old = -np.expm1(-(0.5 + FREQUENCIES[k]) * np.log1p(s * old_nodes)) @ old_weights
            new = -np.expm1(-(0.5 + FREQUENCIES[k]) * np.log1p(s * nodes[k])) @ weights[k]
            worst = max(worst, abs(new - old) / abs(old))
    print(
        f"Gauss-Beta rules for {q.size} x ({NODES} nodes): one by one {reference * 1e3:.1f} ms, "
        f"all at once {batched * 1e3:.1f} ms ({batched / reference:.2f}x); largest relative "
        f"difference of an expectation {worst:.1e}"
    )


def analysis(lines: int = 200_000, rounds: int = 2) -> None:
    """run_customer_report on one thread and on WORKERS threads, alternated; the tables compared."""
    table = parse_transactions(order_frame(lines))
    threads = parallel.WORKERS
    seconds: dict[int, list[float]] = {1: [], threads: []}
    reports = {}
    try:
        for _ in range(rounds):
            for workers in seconds:
                parallel.WORKERS = workers
                start = time.perf_counter()
                reports[workers] = run_customer_report(table)
                seconds[workers].append(time.perf_counter() - start)
    finally:
        parallel.WORKERS = threads
    for name, frame in reports[1].tables.items():
        pd.testing.assert_frame_equal(frame, reports[threads].tables[name], rtol=1e-12, obj=name)
    one, many = min(seconds[1]), min(seconds[threads])
    print(
        f"customer report on {lines:,} order lines: one thread {one:.2f} s, {threads} threads {many:.2f} s "
        f"({many / one:.2f}x, best of {rounds}); every table equal"
    )


if __name__ == "__main__":
    rules()
    analysis(*(int(value) for value in sys.argv[1:3]))
