"""Generate a second sample with three years of revenue, cost to serve and a channel column,
core/data/sample_accounts_periods.csv (seeded, reproducible).

The same kind of B2B vendor as the bundled sample, seen over 2023-2025: 300 accounts whose revenue
drifts year to year (lognormal growth around +4 %), some new (no revenue before 2025 or 2024), some
lost (nothing in 2025); profit for 2025 only; a cost to serve that is high for a few accounts that
need much support; sold direct to end users or through resellers and distributors. A few cells are
messy on purpose: a credit note in 2024, a blank cost to serve, a revenue typed as text.

Run: python scripts/make_sample_periods.py  (rewrites the CSV; the committed file is its output)
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parents[1] / "core" / "data" / "sample_accounts_periods.csv"
N = 300
YEARS = (2023, 2024, 2025)
INDUSTRIES = ["Manufacturing", "Retail", "Healthcare", "Financial services", "Logistics"]
CHANNELS = ["Direct", "Reseller", "Distributor"]


def main() -> None:
    rng = np.random.default_rng(20261126)
    base = np.round(rng.lognormal(mean=10.4, sigma=1.3, size=N), -1)
    growth = rng.lognormal(mean=0.04, sigma=0.25, size=(N, len(YEARS) - 1))
    revenue = np.column_stack([base, base * growth[:, 0], base * growth[:, 0] * growth[:, 1]]).round(-1)
    kind = rng.random(N)
    revenue[kind < 0.05, :2] = 0.0  # new in 2025
    revenue[(kind >= 0.05) & (kind < 0.08), 0] = 0.0  # new in 2024
    revenue[(kind >= 0.08) & (kind < 0.12), 2] = 0.0  # lost in 2025
    margin = np.clip(rng.normal(0.28, 0.08, N), -0.05, 0.6)
    profit = np.round(revenue[:, 2] * margin, 2)
    support_heavy = rng.random(N) < 0.1
    cost = np.round(revenue[:, 2] * np.where(support_heavy, rng.uniform(0.2, 0.4, N), rng.uniform(0.01, 0.06, N)), 2)
    channel = rng.choice(CHANNELS, N, p=[0.6, 0.25, 0.15])
    industry = rng.choice(INDUSTRIES, N)
    nps = [int(rng.integers(0, 11)) if rng.random() < 0.5 else "" for _ in range(N)]
    rows = []
    for i in range(N):
        rows.append(
            [f"P{2001 + i}", industry[i], channel[i]]
            + [f"{v:.2f}" for v in revenue[i]]
            + [f"{profit[i]:.2f}", f"{cost[i]:.2f}", nps[i]]
        )
    rows[10][4] = "-640.00"  # a credit note in 2024
    rows[25][7] = ""  # cost to serve not known
    rows[40][5] = f"{revenue[40, 2]:,.2f}"  # text with thousands separators: coerced, reported
    header = (
        ["Account", "Industry", "Channel"] + [f"Revenue {y}" for y in YEARS] + ["Profit 2025", "Cost to serve", "NPS"]
    )
    with OUT.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    print(f"wrote {OUT} ({N} accounts)")


if __name__ == "__main__":
    main()
