"""Generate the bundled sample account list, core/data/sample_accounts.csv (seeded, reproducible).

A B2B software vendor's 400 accounts: revenue is lognormal and skewed (a few large accounts make
most of it), margin falls with account size (large accounts negotiate discounts), NPS answers exist
for about 60 % of accounts and large accounts are happier than small ones (the seed example of
NPS 18 for small and 54 for large accounts). A handful of cells are deliberately messy, as real
exports are: a revenue typed as text with thousands separators, a '$1.2k' that must be rejected,
an #N/A, a credit note (negative revenue), a duplicated account id and an NPS of 11.

Run: python scripts/make_sample.py  (rewrites the CSV; the committed file is its output)
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parents[1] / "core" / "data" / "sample_accounts.csv"
N = 400
INDUSTRIES = ["Manufacturing", "Retail", "Healthcare", "Financial services", "Logistics", "Public sector"]
REGIONS = ["North", "South", "East", "West"]
SIZES = [("Small", 0.0), ("Medium", 0.55), ("Large", 0.85)]  # size band by revenue percentile
# NPS answer mix per size: (P(promoter), P(passive)); the rest are detractors
NPS_MIX = {"Small": (0.40, 0.38), "Medium": (0.48, 0.36), "Large": (0.62, 0.30)}


def main() -> None:
    rng = np.random.default_rng(20261125)
    revenue = np.round(rng.lognormal(mean=10.6, sigma=1.35, size=N), -1)
    pct = revenue.argsort().argsort() / (N - 1)
    size = np.where(pct >= 0.85, "Large", np.where(pct >= 0.55, "Medium", "Small"))
    base_margin = np.where(size == "Large", 0.18, np.where(size == "Medium", 0.27, 0.34))
    margin = np.clip(base_margin + rng.normal(0, 0.09, N), -0.15, 0.65)
    profit = np.round(revenue * margin, 2)
    industry = rng.choice(INDUSTRIES, N, p=[0.25, 0.2, 0.15, 0.15, 0.15, 0.1])
    region = rng.choice(REGIONS, N)
    start = np.datetime64("2012-01-01") + rng.integers(0, 365 * 13, N).astype("timedelta64[D]")
    nps: list[object] = []
    for band in size:
        if rng.random() > 0.6:
            nps.append("")
            continue
        p_promoter, p_passive = NPS_MIX[band]
        u = rng.random()
        if u < p_promoter:
            nps.append(int(rng.integers(9, 11)))
        elif u < p_promoter + p_passive:
            nps.append(int(rng.integers(7, 9)))
        else:
            nps.append(int(rng.integers(0, 7)))
    rows = []
    for i in range(N):
        rows.append(
            [
                f"C{1001 + i}",
                industry[i],
                size[i],
                region[i],
                str(start[i]),
                f"{revenue[i]:.2f}",
                f"{profit[i]:.2f}",
                nps[i],
            ]
        )
    rows[17][5] = f"{revenue[17]:,.2f}"  # text with thousands separators: coerced, reported
    rows[41][5] = "$1.2k"  # not guessed: rejected, reported
    rows[63][6] = "#N/A"  # Excel error in profit
    rows[88][5], rows[88][6] = "-1850.00", "-420.00"  # credit note
    rows[120][0] = rows[119][0]  # duplicated account id
    rows[150][7] = 11  # NPS out of range
    with OUT.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["Account", "Industry", "Size", "Region", "First purchase", "Revenue", "Profit", "NPS"])
        writer.writerows(rows)
    print(f"wrote {OUT} ({N} accounts)")


if __name__ == "__main__":
    main()
