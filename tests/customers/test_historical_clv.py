"""Historical lifetime value: retention counted by hand, the horizon cut, and the plain reasons."""

from __future__ import annotations

import pandas as pd
import pytest

from core.customers.historical_clv import historical_clv, why_no_model
from core.customers.summary import customer_summary
from core.transactions import parse_transactions


def _value(cells, **kwargs):
    table = parse_transactions(cells)
    return historical_clv(table, customer_summary(table), **kwargs)


def test_three_years_retention_pooled_over_consecutive_years():
    # 2021: A B C; 2022: A B; 2023: A D. Pairs: 2021->2022 keeps A, B of 3; 2022->2023 keeps A of 2.
    cells = [
        ["Customer", "Date", "Amount"],
        ["A", "2021-01-10", 10.0],
        ["B", "2021-02-01", 10.0],
        ["C", "2021-03-01", 10.0],
        ["A", "2022-05-01", 10.0],
        ["B", "2022-06-01", 10.0],
        ["A", "2023-07-01", 10.0],
        ["D", "2023-12-31", 10.0],
    ]
    value = _value(cells, discount_rate=0.0, horizon_days=365.25)
    assert value.period_days == 365.25 and value.retention == pytest.approx(3 / 5)
    # one-year horizon: only the current year counts, whatever the retention
    assert value.expected_periods == 1.0
    assert value.customers.set_index("account")["historical_clv"].to_dict() == {
        "A": 10.0,
        "B": 10.0,
        "C": 10.0,
        "D": 10.0,
    }


def test_discounting_and_a_long_horizon_by_hand():
    cells = [
        ["Customer", "Date", "Amount", "Profit"],
        ["A", "2022-01-01", 100.0, 40.0],
        ["A", "2023-12-31", 100.0, 40.0],
        ["B", "2022-01-01", 100.0, 20.0],
    ]
    value = _value(cells, discount_rate=0.10, horizon_days=3 * 365.25)
    # r = 1/2 (A and B in 2022, A in 2023); q = 0.5 / 1.1; three periods: 1 + q + q^2
    q = 0.5 / 1.1
    assert value.expected_periods == pytest.approx(1 + q + q * q)
    assert value.customers["historical_clv"].tolist() == pytest.approx([40 * (1 + q + q * q), 20 * (1 + q + q * q)])
    assert "average profit per year" in value.method


def test_only_one_time_buyers_get_their_margin_and_a_sentence():
    cells = [["Customer", "Date", "Amount"]] + [[f"c{i}", f"2024-01-{1 + i:02d}", 10.0 + i] for i in range(20)]
    value = _value(cells, discount_rate=0.1)
    assert value.retention == 0.0 and value.expected_periods == 1.0
    assert value.customers.set_index("account")["historical_clv"].to_dict() == {f"c{i}": 10.0 + i for i in range(20)}
    assert value.method.startswith(
        "Historical lifetime value = the customer's average revenue (the list has no "
        "profit column) per period of 10 days"
    )
    why, fix = why_no_model(customer_summary(parse_transactions(cells)), {}, "W")
    assert why.startswith("no customer bought more than once") and fix.startswith("A list that covers a longer time")


def test_reasons_in_plain_words():
    summary = pd.DataFrame({"frequency": [0] * 30 + [2] * 5, "T": [10.0] * 35})
    assert why_no_model(summary, {}, "W")[0].startswith("only 5 customers bought more than once")
    many = pd.DataFrame({"frequency": [3] * 40, "T": [20.0] * 40})
    why, fix = why_no_model(
        many,
        {
            "BG/NBD": "frequency: BG/NBD fit ran a parameter to 0 or infinity; more",
            "Pareto/NBD": "frequency: Pareto/NBD fit ran a parameter to 0 or infinity; more",
        },
        "W",
    )
    assert why == (
        "the models found no sign of customers stopping: 40 of 40 customers bought again and the purchases "
        "do not thin out over time (median customer age 20.0 weeks), so the drop-out rate runs to 0 "
        "(BG/NBD and Pareto/NBD: fit ran a parameter to 0 or infinity)."
    )
    assert "customers visibly stop buying" in fix
