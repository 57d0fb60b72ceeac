"""Time the growth path on 10k, 100k and 1,048,576 accounts with three years of revenue,
profit, cost to serve and channel.

Prints, per size: parsing the cells (period columns recognised and read), the whole report
(growth tables, tier migration, net margin, channel summary included), core.growth.growth_tables
alone, and the placing of the Growth sheets (writers.placement).

Run: python -m bench.bench_growth [--sizes 10000 100000 1048576]
"""

from __future__ import annotations

import argparse

import numpy as np

from bench.bench_report import best_of
from core.accounts import parse_accounts
from core.config import ReportConfig
from core.growth import growth_tables
from core.report import run_report, segment_accounts
from writers.catalogue import SHEETS
from writers.placement import place_sheet

CHANNELS = np.array(["Direct", "Reseller", "Distributor"], dtype=object)


def period_cells(n: int, seed: int = 11) -> list[list[object]]:
    """A header and n rows: account, Revenue 2023-2025, Profit 2025, Cost to serve, Channel."""
    rng = np.random.default_rng(seed)
    base = np.round(rng.lognormal(10, 1.4, n), 0)
    growth = rng.lognormal(0.03, 0.3, (n, 2))
    revenue = np.column_stack([base, base * growth[:, 0], base * growth.prod(axis=1)]).round(0)
    revenue[rng.random(n) < 0.05, 0] = 0.0
    revenue[rng.random(n) < 0.05, 2] = 0.0
    profit = np.round(revenue[:, 2] * rng.normal(0.25, 0.1, n), 2)
    cost = np.round(revenue[:, 2] * rng.uniform(0.01, 0.2, n), 2)
    accounts = np.char.add("C", np.arange(n).astype(str)).astype(object)
    rows = np.column_stack(
        [
            accounts,
            *[revenue[:, j].astype(object) for j in range(3)],
            profit.astype(object),
            cost.astype(object),
            CHANNELS[rng.integers(0, 3, n)],
        ]
    ).tolist()
    return [
        ["Account", "Revenue 2023", "Revenue 2024", "Revenue 2025", "Profit 2025", "Cost to serve", "Channel"]
    ] + rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_048_576])
    args = parser.parse_args()
    config = ReportConfig()
    growth_specs = [spec for spec in SHEETS if spec.name.startswith("Growth")]
    for n in args.sizes:
        cells = period_cells(n)
        repeats = 3 if n <= 100_000 else 1
        parse_s, table = best_of(repeats, lambda: parse_accounts(cells))
        report_s, report = best_of(repeats, lambda: run_report(table, config))
        segments = segment_accounts(table, config)
        growth_s, _ = best_of(
            repeats, lambda: growth_tables(table.period_revenue, segments, config, table.period_years)
        )
        place_s, _ = best_of(
            repeats,
            lambda: [place_sheet(spec, report.tables, source="bench", labels=config.labels) for spec in growth_specs],
        )
        print(
            f"{n:>9,} accounts: parse {parse_s:6.2f} s | report {report_s:6.2f} s | growth tables {growth_s:6.2f} s"
            f" | place Growth sheets {place_s:6.2f} s"
        )


if __name__ == "__main__":
    main()
