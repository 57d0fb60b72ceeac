"""Time a BG/NBD fit on synthetic customers simulated from the CDNOW estimates, and MBG/NBD and
Pareto/NBD on the same customers as ratios to it (the machine is shared: ratios hold, seconds drift).

    python -m bench.bench_bgnbd [customers] [seed]

Customers join uniformly over the first 12 weeks of a 39-week calibration (as in CDNOW);
each has a purchase rate lambda ~ Gamma(r, 1/alpha) and a drop-out probability
p ~ Beta(a, b). Repeat purchases before drop-out J ~ Geometric(p); purchases in (0, T] are
N ~ Poisson(lambda T); frequency x = min(N, J); given N, the x-th purchase time is T times
the x-th of N sorted uniforms, i.e. T * Beta(x, N - x + 1). Times are rounded to whole days
(as transaction dates are), which lets the fit group identical rows.
"""

from __future__ import annotations

import sys
import time

import numpy as np

from core.customers.bgnbd import BetaGeoModel
from core.customers.mbgnbd import ModifiedBetaGeoModel
from core.customers.pareto_nbd import ParetoNBDModel

CDNOW = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
DAYS_PER_WEEK = 7.0


def simulate(customers: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(frequency, recency, T) in weeks for ``customers`` simulated from :data:`CDNOW`."""
    rng = np.random.default_rng(seed)
    age_days = 273 - rng.integers(0, 84, customers)
    age = age_days / DAYS_PER_WEEK
    rate = rng.gamma(CDNOW["r"], 1 / CDNOW["alpha"], customers)
    dropout = rng.beta(CDNOW["a"], CDNOW["b"], customers)
    purchases_while_alive = rng.geometric(dropout)
    purchases_in_period = rng.poisson(rate * age)
    frequency = np.minimum(purchases_in_period, purchases_while_alive)
    repeat = frequency > 0
    position = np.ones(customers)
    position[repeat] = rng.beta(frequency[repeat], purchases_in_period[repeat] - frequency[repeat] + 1)
    recency_days = np.where(repeat, np.clip(np.round(position * age_days), 1, age_days), 0)
    return frequency.astype(float), recency_days / DAYS_PER_WEEK, age


def main(customers: int = 100_000, seed: int = 2005) -> None:
    frequency, recency, age = simulate(customers, seed)
    start = time.perf_counter()
    model = BetaGeoModel().fit(frequency, recency, age)
    seconds = time.perf_counter() - start
    print(f"BG/NBD fit on {customers:,} synthetic customers: {seconds:.2f} s (goal < 5 s)")
    print(f"repeat buyers: {int((frequency > 0).sum()):,}; log-likelihood {model.log_likelihood_:,.1f}")
    for name, true_value in CDNOW.items():
        fitted = model.params_[name]
        print(f"  {name:>5}: true {true_value:7.3f}  fitted {fitted:7.3f}  ({(fitted / true_value - 1):+.1%})")
    # Pareto/NBD has no analytic gradient: central differences, 2 x 4 evaluations a step
    for other in (ModifiedBetaGeoModel, ParetoNBDModel):
        start = time.perf_counter()
        other().fit(frequency, recency, age)
        other_seconds = time.perf_counter() - start
        print(f"{other.name} fit on the same customers: {other_seconds:.2f} s, {other_seconds / seconds:.1f} x BG/NBD")


if __name__ == "__main__":
    main(*(int(arg) for arg in sys.argv[1:3]))
