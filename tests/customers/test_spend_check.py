"""The Gamma-Gamma independence check: a simulated list where spend per purchase rises with the
purchase rate fails it and gets each customer's historical spend; CDNOW (r = 0.11) passes it.
And returns are netted before purchases are counted: a returns-only day is not a purchase.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.config import ReportConfig
from core.customers.gamma_gamma import CORRELATION_WARNING
from core.customers.report import run_customer_report
from core.customers.summary import customer_summary
from core.transactions import parse_transactions


def simulated_orders(customers: int = 600, seed: int = 3) -> pd.DataFrame:
    """BG/NBD purchase histories (rate ~ Gamma(0.8, 1/8) a week, drop-out after each purchase with
    p ~ Beta(1, 3)); each customer's mean spend 10 x (1 + 3 x rate / mean rate): the more often a
    customer buys, the more it spends per purchase. First purchases in the first 12 weeks of 2024,
    observed to week 64."""
    rng = np.random.default_rng(seed)
    rate = rng.gamma(0.8, 1 / 8, customers)
    drop = rng.beta(1.0, 3.0, customers)
    mean_spend = 10 * (1 + 3 * rate / rate.mean())
    start = pd.Timestamp("2024-01-01")
    rows = []
    for i in range(customers):
        t = rng.uniform(0, 12)
        while t <= 64:
            spend = rng.gamma(6.0, mean_spend[i] / 6)
            rows.append((f"C{i:04d}", start + pd.Timedelta(days=int(t * 7)), round(spend, 2)))
            if rng.uniform() < drop[i]:
                break
            t += rng.exponential(1 / rate[i])
    return pd.DataFrame(rows, columns=["Customer", "Date", "Amount"])


@pytest.fixture(scope="module")
def tied():
    orders = simulated_orders()
    return orders, run_customer_report(parse_transactions(orders), ReportConfig(customer_model="bgnbd"))


def test_spend_tied_to_frequency_fails_the_check_and_uses_the_historical_spend(tied):
    orders, report = tied
    summary = customer_summary(parse_transactions(orders))
    repeat = summary[summary["frequency"] > 0]
    r = float(np.corrcoef(repeat["frequency"], repeat["avg_repeat_spend"])[0, 1])
    assert r > CORRELATION_WARNING  # the simulation does tie them
    parameters = report.tables["clv_parameters"]
    status = parameters[(parameters["model"] == "spend") & (parameters["parameter"] == "status")]
    assert status["value"].tolist() == ["historical"]
    assert f"r = {r:.2f}" in status["meaning"].iloc[0] and "Gamma-Gamma not used" in status["meaning"].iloc[0]
    # each customer's expected spend is its own net spend per purchase day
    lifetime = report.tables["lifetime_value"].set_index("account")
    own = (summary["total_spend"] / (summary["frequency"] + 1)).to_numpy()
    assert np.allclose(lifetime.loc[summary["account"], "expected_avg_spend"], own, rtol=1e-12)
    # the CLV is then purchases x that spend: expected revenue / expected purchases = own spend
    ratio = lifetime["expected_revenue"] / lifetime["expected_purchases"]
    assert np.allclose(ratio, lifetime["expected_avg_spend"], rtol=1e-9)


def test_the_failed_check_is_named_on_the_model_check_and_the_overview(tied):
    _, report = tied
    notes = report.tables["model_check_notes"].set_index("topic")
    assert notes.loc["Spend per purchase", "note"].startswith("Gamma-Gamma not used: spend per purchase rises")
    overview = report.account_report.tables["findings"]
    assert overview["finding"].str.startswith("Gamma-Gamma not used").any()
    assert report.headline["spend_note"].startswith("Gamma-Gamma not used")
    # the ranges then hold the spend as known: only the purchase model is drawn
    assert "spend per purchase taken as known" in report.headline["range_note"]


def test_cdnow_passes_the_check(cdnow_raw):
    table = parse_transactions(cdnow_raw[["customer", "date", "amount"]])
    report = run_customer_report(table, ReportConfig(customer_model="bgnbd"), observation_end="1997-09-30")
    note = report.tables["model_check_notes"].set_index("topic").loc["Spend per purchase", "note"]
    assert note.startswith("Gamma-Gamma's independence check passed: r = 0.11")
    parameters = report.tables["clv_parameters"]
    assert "historical" not in set(parameters["value"].astype(str))


def test_a_returns_only_day_is_not_a_purchase():
    # A buys on Jan 1 and Jan 29 and only returns goods on Jan 15; B's only later row is a return
    rows = [
        ["Customer", "Date", "Amount"],
        ["A", "2024-01-01", 100.0],
        ["A", "2024-01-15", -40.0],
        ["A", "2024-01-29", 50.0],
        ["B", "2024-01-08", 80.0],
        ["B", "2024-01-22", -80.0],
    ]
    summary = customer_summary(parse_transactions(rows)).set_index("account")
    assert summary.loc["A", ["purchases", "frequency"]].tolist() == [2, 1]
    assert summary.loc["A", "recency"] == 4.0  # weeks to Jan 29, not to the return
    assert summary.loc["A", "avg_repeat_spend"] == 50.0  # the return is not a repeat purchase
    assert summary.loc["A", "total_spend"] == 110.0  # but it is netted from the spend
    assert summary.loc["B", ["purchases", "frequency", "recency", "total_spend"]].tolist() == [1, 0, 0.0, 0.0]
