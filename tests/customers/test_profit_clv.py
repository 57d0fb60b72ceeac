"""Profit CLV after cost to serve, ranges per channel and LTV:CAC on CDNOW with a derived margin,
cost to serve and channel (CDNOW has none: 25 % margin on every order, 3 to serve each order
line, channel by customer number). Every figure is recomputed here by another route: the
discounted purchases summed week by week from the fitted model's cumulative expectation, the
costs and channels counted with pandas from the raw file.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from core.config import ReportConfig, config_from_mapping
from core.customers.report import run_customer_report
from core.transactions import parse_transactions

END = pd.Timestamp("1997-09-30")
MARGIN = 0.25
COST = 3.0
CHANNELS = np.array(["Web", "Retail", "Marketplace"], dtype=object)
CAC = "Web=5; Retail=8; Marketplace=1.5"


@pytest.fixture(scope="module")
def orders(cdnow_raw):
    frame = cdnow_raw[["customer", "date", "amount"]].copy()
    frame["Profit"] = frame["amount"] * MARGIN
    frame["Cost to serve"] = COST
    frame["Channel"] = CHANNELS[frame["customer"].to_numpy() % 3]
    return frame.rename(columns={"customer": "Customer", "date": "Date", "amount": "Amount"})


@pytest.fixture(scope="module")
def report(orders):
    config = config_from_mapping({"cac": CAC}, ReportConfig(customer_model="bgnbd"))
    return run_customer_report(parse_transactions(orders), config, observation_end="1997-09-30")


def test_the_list_is_read_with_cost_to_serve_and_channel(report):
    assert report.headline["has_profit"]
    lifetime = report.tables["lifetime_value"]
    assert {"revenue_clv", "model_clv", "cost_to_serve_per_purchase", "profit_clv", "profit_clv_p10"} <= set(
        lifetime.columns
    )
    columns = list(lifetime.columns)
    assert columns.index("revenue_clv") < columns.index("model_clv") < columns.index("profit_clv")


def test_profit_clv_is_discounted_purchases_times_spend_times_margin_less_cost(report, orders, cdnow_calibration):
    lifetime = report.tables["lifetime_value"].set_index("account")
    model = report.headline["purchase_model"]
    assert model == "BG/NBD"
    # cost to serve per purchase day, counted from the raw rows up to the end: 3 x rows / purchase days
    observed = orders[orders["Date"] <= END]
    rows = observed.groupby("Customer").size()
    days = observed.drop_duplicates(["Customer", "Date"]).groupby("Customer").size()
    cost = (COST * rows / days).rename(index=str)
    assert np.allclose(lifetime.loc[cost.index, "cost_to_serve_per_purchase"], cost, rtol=1e-12)

    # discounted expected purchases, week by week from the model's cumulative expectation (not model_clv's code)
    from core.customers.bgnbd import BetaGeoModel

    fitted = BetaGeoModel()
    x, t_x, T = cdnow_calibration
    fitted.fit(x, t_x, T)
    weekly = 1.1 ** (7 / 365.25) - 1
    picks = [0, 5, 17, 120, 999, 2000]
    accounts = cost.index[picks]
    for k, account in zip(picks, accounts):
        cumulative = [0.0] + [
            float(fitted.expected_purchases(week, x[k : k + 1], t_x[k : k + 1], T[k : k + 1])[0])
            for week in range(1, 53)
        ]
        discounted = sum((cumulative[w] - cumulative[w - 1]) / (1 + weekly) ** w for w in range(1, 53))
        row = lifetime.loc[account]
        spend = row["expected_avg_spend"]
        assert row["revenue_clv"] == pytest.approx(discounted * spend, rel=1e-6)
        assert row["model_clv"] == pytest.approx(discounted * spend * MARGIN, rel=1e-6)
        assert row["profit_clv"] == pytest.approx(discounted * (spend * MARGIN - cost[account]), rel=1e-6)


def test_the_whole_list_and_the_overview_give_profit_after_cost_to_serve(report):
    figures = report.tables["model_figures"].set_index("measure")
    row = figures.loc["Profit CLV after cost to serve, next 52 weeks"]
    total = report.tables["lifetime_value"]["profit_clv"].sum()
    assert row["value"] == pytest.approx(total)
    assert row["p10"] < row["value"] < row["p90"]
    # the gross (margin) CLV minus the discounted cost: lower than it, by a few thousand on CDNOW
    gross = report.tables["lifetime_value"]["model_clv"].sum()
    assert 0 < gross - total < gross
    overview = " ".join(report.account_report.tables["findings"]["finding"])
    assert "before cost to serve, discounted); after cost to serve" in overview
    assert f"{total / 1e3:.1f} k" in overview


def test_ranges_per_channel_sum_the_channel_and_are_ranges_of_totals(report, orders):
    ranges = report.tables["clv_ranges"]
    channels = ranges[ranges["grouping"] == "Channel"].set_index("group")
    assert sorted(channels.index) == ["Channel Marketplace", "Channel Retail", "Channel Web"]
    first = orders.sort_values("Date", kind="stable").drop_duplicates("Customer").set_index("Customer")["Channel"]
    counts = first.value_counts()
    for name in CHANNELS:
        assert channels.loc[f"Channel {name}", "customers"] == counts[name]
    lifetime = report.tables["lifetime_value"].set_index("account")
    channel_of = first.rename(index=str).reindex(lifetime.index)
    for column in ("model_clv", "profit_clv"):
        by_channel = lifetime.groupby(channel_of)[column].sum()
        for name in CHANNELS:
            assert channels.loc[f"Channel {name}", column] == pytest.approx(by_channel[name])
            low, mid, high = (channels.loc[f"Channel {name}", f"{column}_{q}"] for q in ("p10", "p50", "p90"))
            assert low < mid < high
        whole = ranges.iloc[0]
        # one set of parameters moves every channel together: the whole list's P10 is at least the
        # sum of the channels' P10s and its P90 at most the sum of their P90s
        assert whole[f"{column}_p10"] >= channels[f"{column}_p10"].sum() * (1 - 1e-9)
        assert whole[f"{column}_p90"] <= channels[f"{column}_p90"].sum() * (1 + 1e-9)


def test_ltv_to_cac_and_payback_per_channel_and_tier(report, orders):
    table = report.tables["unit_economics"]
    lifetime = report.tables["lifetime_value"].set_index("account")
    first = orders.sort_values("Date", kind="stable").drop_duplicates("Customer").set_index("Customer")["Channel"]
    channel_of = first.rename(index=str).reindex(lifetime.index)
    cac = {"Web": 5.0, "Retail": 8.0, "Marketplace": 1.5}
    months = 52 * 7 / (365.25 / 12)
    channels = table[table["grouping"] == "Channel"].set_index("group")
    for name, cost in cac.items():
        ltv = lifetime.loc[channel_of == name, "profit_clv"].mean()
        row = channels.loc[name]
        assert row["cac_per_customer"] == cost
        assert row["ltv_per_customer"] == pytest.approx(ltv)
        assert row["ltv_to_cac"] == pytest.approx(ltv / cost)
        assert row["months_to_pay_back"] == pytest.approx(cost / (ltv / months))
    whole = table.iloc[0]
    # customers without a profit CLV (no margin: net spend 0) are left out of value and cost alike
    known = lifetime["profit_clv"].notna()
    assert 0 < (~known).sum() < 20
    per_customer_cac = channel_of.map(cac)[known]
    assert whole["cac_per_customer"] == pytest.approx(per_customer_cac.mean())
    assert whole["ltv_to_cac"] == pytest.approx(lifetime["profit_clv"].mean() / per_customer_cac.mean())
    tiers = table[table["grouping"] == "Tier"]
    assert set(tiers["group"]) <= {"A", "B", "C", "D"}
    assert (table["value_basis"] == "profit CLV after cost to serve").all()


def test_a_blank_cost_to_serve_leaves_that_customer_without_profit_clv(orders):
    holed = orders.copy()
    holed.loc[holed["Customer"] == 4, "Cost to serve"] = np.nan
    report = run_customer_report(
        parse_transactions(holed.iloc[:3000]), ReportConfig(customer_model="bgnbd"), observation_end="1997-09-30"
    )
    lifetime = report.tables["lifetime_value"].set_index("account")
    assert math.isnan(lifetime.loc["4", "profit_clv"])
    others = lifetime.drop(index="4")  # blank only where the margin is unknown too (no net spend)
    assert (others["profit_clv"].isna() == others["model_clv"].isna()).all()
    assert not np.isnan(lifetime.loc["4", "model_clv"])
    figures = report.tables["model_figures"].set_index("measure")
    assert figures.loc["Profit CLV after cost to serve, next 52 weeks", "value"] == pytest.approx(
        lifetime["profit_clv"].sum()
    )


def test_without_cost_to_serve_the_revenue_clv_stands_beside_the_profit_one(orders):
    report = run_customer_report(
        parse_transactions(orders.drop(columns=["Cost to serve", "Channel"]).iloc[:3000]),
        ReportConfig(customer_model="bgnbd"),
    )
    lifetime = report.tables["lifetime_value"]
    assert "profit_clv" not in lifetime and "unit_economics" not in report.tables
    known = lifetime["model_clv"].notna()  # blank where the margin is unknown (no net spend)
    assert 0 < (~known).sum() < 20
    assert np.allclose(lifetime.loc[known, "model_clv"], MARGIN * lifetime.loc[known, "revenue_clv"], rtol=1e-9)
    assert not (report.tables["clv_ranges"]["grouping"] == "Channel").any()


def test_acquisition_cost_is_the_first_lines_or_the_repeated_value():
    from core.customers.profit_clv import acquisition_cost
    from core.customers.summary import customer_summary
    from core.transactions import parse_transactions

    # A: only its first line has 60; B: 45 on every line; C: none (NaN, the setting applies)
    table = parse_transactions(
        [
            ["Customer", "Order date", "Amount", "CAC"],
            ["B", "2024-01-10", 80.0, 45.0],
            ["A", "2024-01-01", 100.0, 60.0],
            ["A", "2024-02-01", 50.0, ""],
            ["B", "2024-03-10", 30.0, 45.0],
            ["C", "2024-01-12", 10.0, ""],
        ]
    )
    summary = customer_summary(table)
    costs = dict(zip(summary["account"], acquisition_cost(table, summary)))
    assert costs["A"] == 60.0 and costs["B"] == 45.0 and np.isnan(costs["C"])
    plain = parse_transactions([["Customer", "Date", "Amount"], ["A", "2024-01-01", 1.0]])
    assert acquisition_cost(plain, customer_summary(plain)) is None


def test_cost_to_serve_per_year_becomes_a_cost_per_purchase_by_hand():
    from core.customers.profit_clv import cost_per_purchase
    from core.customers.summary import customer_summary

    # the list ends 2024-12-31 (T in days); A: first 2024-01-01, 365 days = 0.99932 years, 3 purchase days,
    # 120 a year -> 120 x 365 / 365.25 / 3 = 39.973 per purchase, plus its per-order cost (2 + 2 + 2) / 3 = 2;
    # B: first 2024-07-01 (183 days), 1 purchase day, 50 a year given once -> 50 x 183 / 365.25 = 25.051
    table = parse_transactions(
        [
            ["Customer", "Date", "Amount", "Cost to serve", "Cost to serve per year"],
            ["A", "2024-01-01", 100.0, 2.0, 120.0],
            ["A", "2024-05-01", 100.0, 2.0, 120.0],
            ["A", "2024-12-31", 100.0, 2.0, 120.0],
            ["B", "2024-07-01", 80.0, 0.0, 50.0],
        ]
    )
    assert table.headers["cost_to_serve_per_year"] == "Cost to serve per year"
    summary = customer_summary(table, unit="D")
    cost = dict(zip(summary["account"], cost_per_purchase(table, summary)))
    assert cost["A"] == pytest.approx(120 * 365 / 365.25 / 3 + 2.0)
    assert cost["B"] == pytest.approx(50 * 183 / 365.25)


def test_the_profit_clv_note_says_the_cost_per_year_was_turned_into_a_cost_per_purchase():
    from tests.customers.test_spend_check import simulated_orders

    orders = simulated_orders()
    orders["Gross profit"] = (orders["Amount"] * 0.3).round(2)
    orders["Annual cost to serve"] = 12.0
    header = list(orders.columns)
    table = parse_transactions([header, *orders.astype(object).values.tolist()])
    report = run_customer_report(table, ReportConfig())
    parameters = report.tables["clv_parameters"]
    note = parameters.loc[parameters["model"] == "profit CLV", "meaning"].iloc[0]
    assert "cost to serve per year is turned into a cost per purchase" in note
    lifetime = report.tables["lifetime_value"]
    assert lifetime["cost_to_serve_per_purchase"].gt(0).all()
    assert (lifetime["profit_clv"] < lifetime["model_clv"]).all()


def test_a_channel_whose_customers_all_lack_a_cost_to_serve_has_a_blank_profit_clv_not_0(orders):
    holed = orders.iloc[:3000].copy()
    holed.loc[holed["Channel"] == "Marketplace", "Cost to serve"] = np.nan
    report = run_customer_report(
        parse_transactions(holed), ReportConfig(customer_model="bgnbd"), observation_end="1997-09-30"
    )
    channels = report.tables["clv_ranges"].query("grouping == 'Channel'").set_index("group")
    marketplace = channels.loc[
        "Channel Marketplace", ["profit_clv", "profit_clv_p10", "profit_clv_p50", "profit_clv_p90"]
    ]
    assert marketplace.isna().all()  # was 0 (0 to 0): "these customers earn nothing"
    lifetime = report.tables["lifetime_value"].set_index("account")
    first = holed.sort_values("Date", kind="stable").drop_duplicates("Customer").set_index("Customer")["Channel"]
    by_channel = lifetime.groupby(first.rename(index=str).reindex(lifetime.index))["profit_clv"].sum()
    for name in ("Retail", "Web"):  # the other channels keep the sum of their customers' profit CLV
        assert channels.loc[f"Channel {name}", "profit_clv"] == pytest.approx(by_channel[name])
        assert by_channel[name] != 0
