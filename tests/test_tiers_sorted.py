"""Tiers found from sorted revenues (core/tiers._ranked_codes) against the definition, account by
account: the share of revenue (or of accounts) with strictly larger revenue, compared with the
cutoffs less one part in 10^12."""

from __future__ import annotations

import numpy as np
import pytest

from core.tiers import share_limits, tier_codes


def _by_definition(revenue: np.ndarray, cutoffs: tuple[float, ...], by_revenue: bool) -> list[int]:
    sales = revenue[revenue > 0]
    limits = share_limits(cutoffs)
    codes = []
    for x in revenue:
        if not x > 0:
            codes.append(len(cutoffs) + 1)
            continue
        larger = sales[sales > x]
        share = larger.sum() / sales.sum() if by_revenue else larger.size / sales.size
        codes.append(int((limits <= share).sum()))
    return codes


@pytest.mark.parametrize("seed", range(40))
@pytest.mark.parametrize("cutoffs", [(0.8, 0.95), (0.5,), (0.2, 0.5, 0.9)])
def test_tiers_match_the_definition_with_ties_zeros_and_gaps(seed, cutoffs):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 80))
    revenue = np.round(rng.lognormal(2, 1.5, n), int(rng.integers(0, 2)))  # rounded: ties
    revenue[rng.random(n) < 0.1] = 0.0
    revenue[rng.random(n) < 0.05] = np.nan
    for method, by_revenue in (("pareto", True), ("rank", False)):
        expected = _by_definition(revenue, cutoffs, by_revenue)
        got = tier_codes(revenue, method=method, cutoffs=cutoffs).tolist()
        assert got == expected, (method, revenue.tolist())
