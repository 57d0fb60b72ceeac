"""Time the 80 % ranges of model CLV (core.customers.intervals) on synthetic customers.

    python -m bench.bench_intervals [customers] [seed]

Customers join over two years (any day), so there are many distinct (x, T): the hard case for
the per-(x, T) shortcut. Purchases follow BG/NBD with the CDNOW estimates, spend Gamma-Gamma
with CDNOW's; four tiers and nine segments are drawn at random. The fits are not timed (see
bench_bgnbd); the ranges (200 parameter draws, 52 weekly periods, per customer and per group)
are. Goal: under 10 s for 150,000 customers.
"""

from __future__ import annotations

import sys
import time
import warnings

import numpy as np

from core.customers.intervals import clv_intervals
from core.customers.model_clv import model_clv

CDNOW = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
SPEND = {"p": 6.25, "q": 3.74, "v": 15.44}


def simulate(customers: int, seed: int):
    """(frequency, recency, T, mean repeat spend) in weeks, dates in whole days, ages 1 day to 2 years."""
    rng = np.random.default_rng(seed)
    age_days = rng.integers(1, 731, customers)
    rate = rng.gamma(CDNOW["r"], 1 / CDNOW["alpha"], customers)
    n = rng.poisson(rate * age_days / 7)
    x = np.minimum(n, rng.geometric(rng.beta(CDNOW["a"], CDNOW["b"], customers)))
    repeat = x > 0
    recency = np.zeros(customers)
    recency[repeat] = np.clip(
        np.round(age_days[repeat] * rng.beta(x[repeat], n[repeat] - x[repeat] + 1)), 1, age_days[repeat]
    )
    nu = rng.gamma(SPEND["q"], 1 / SPEND["v"], customers)
    spend = np.where(repeat, rng.gamma(SPEND["p"] * np.maximum(x, 1), 1 / (nu * np.maximum(x, 1))), 0.0)
    return x.astype(float), recency / 7, age_days / 7, spend


def main(customers: int = 150_000, seed: int = 2010) -> None:
    import pandas as pd

    x, t_x, T, spend = simulate(customers, seed)
    summary = pd.DataFrame(
        {"account": np.arange(customers), "frequency": x, "recency": t_x, "T": T, "avg_repeat_spend": spend}
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clv = model_clv(summary, horizon=52, discount_rate=0.1, unit="W")
    rng = np.random.default_rng(1)
    groups = {
        "Tier": np.array(list("ABCD"))[rng.integers(0, 4, customers)],
        "RFM segment": np.array([f"segment {k}" for k in range(9)])[rng.integers(0, 9, customers)],
    }
    unit_discount = 1.1 ** (7 / 365.25) - 1
    start, cpu = time.perf_counter(), time.process_time()
    result = clv_intervals(
        clv.purchase_model,
        clv.spend_model,
        x,
        t_x,
        T,
        spend,
        1.0,
        horizon=52,
        unit_discount=unit_discount,
        groups=groups,
        point_purchases=clv.customers["expected_purchases"],
        point_clv=clv.customers["model_clv"],
    )
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    pairs = len(np.unique(np.column_stack([x, T]), axis=0))
    print(
        f"ranges for {customers:,} customers ({pairs:,} distinct (x, T)), {result.draws} draws: {seconds:.2f} s "
        f"(goal < 10 s; CPU {cpu:.2f} s: on a shared machine the wall time is longer)"
    )
    whole = result.totals.iloc[0]
    print(
        f"total model CLV {whole['model_clv']:,.0f}: P10 {whole['model_clv_p10']:,.0f}, "
        f"P50 {whole['model_clv_p50']:,.0f}, "
        f"P90 {whole['model_clv_p90']:,.0f}"
    )


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:]))
