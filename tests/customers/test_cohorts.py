"""Cohort triangles from transactions, checked by hand."""

import numpy as np
import pandas as pd

from core.customers.cohorts import cohort_tables


def test_quarterly_cohorts_net_returns_and_blank_unreached_periods():
    # a list over 2022-2024 (36 months): quarterly cohorts
    rows = pd.DataFrame(
        {
            "customer": ["A", "A", "A", "B", "B", "C"],
            "date": pd.to_datetime(
                ["2022-01-10", "2022-05-01", "2022-05-20", "2022-02-01", "2024-12-01", "2024-11-11"]
            ),
            "amount": [100.0, 50.0, -20.0, 40.0, 60.0, 10.0],
        }
    )
    tables, word = cohort_tables(rows, "2024-12-31")
    assert word == "quarter"
    customers = tables["cohort_customers"].set_index("started")
    assert customers.index.tolist() == ["2022Q1", "2024Q4"]
    assert customers.loc["2022Q1", "customers"] == 2
    # 2022Q1 cohort (A, B): both buy in +0, A in +1 (May), B in +11 (2024Q4)
    assert customers.loc["2022Q1", ["period_0", "period_1", "period_2", "period_11"]].tolist() == [1.0, 0.5, 0.0, 0.5]
    revenue = tables["cohort_revenue"].set_index("started")
    assert revenue.loc["2022Q1", "revenue_1"] == 30.0  # 50 - 20: the return netted
    retention = tables["cohort_revenue_retention"].set_index("started")
    assert retention.loc["2022Q1", "retention_11"] == 60.0 / 140.0
    # the 2024Q4 cohort has reached only +0
    assert customers.loc["2024Q4", "period_0"] == 1.0
    assert np.isnan(customers.loc["2024Q4", "period_1"])
