"""Cohorts from transactions: customers and revenue by first-purchase period x periods since.

A cohort is the customers whose first purchase fell in the same month (lists spanning up to two
years) or quarter (longer lists). For each cohort and each period since its start (0 = the
period of the first purchase) :func:`cohort_tables` counts the share of the cohort's customers
who bought in that period, and the cohort's net revenue then, also as a share of its revenue in
period 0 (revenue retention: above 100 % when the customers who stay spend more). Periods not yet
reached by the observation end are blank; the last one may be partly observed (the table says
up to which day).

Tables (columns ``period_0, period_1, ...``, see :data:`PERIOD_COLUMNS`):

``cohort_customers``
    ``started, customers, period_0 ...``: share of the cohort's customers buying in each period.
``cohort_revenue``
    ``started, customers, revenue_0 ...``: the cohort's net revenue (returns netted) per period.
``cohort_revenue_retention``
    ``started, customers, retention_0 ...``: revenue per period / revenue in period 0.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Lists spanning up to this many months get monthly cohorts, longer ones quarterly.
MONTHLY_UP_TO = 24
#: At most this many periods since the start are shown.
MAX_PERIODS = 60


def cohort_period(first: pd.Timestamp, last: pd.Timestamp) -> str:
    """``"M"`` (month) for a list spanning up to 24 months, else ``"Q"`` (quarter).

    >>> cohort_period(pd.Timestamp("2024-01-05"), pd.Timestamp("2025-06-30")), cohort_period(
    ...     pd.Timestamp("2020-01-01"), pd.Timestamp("2024-12-31"))
    ('M', 'Q')
    """
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    return "M" if months <= MONTHLY_UP_TO else "Q"


def cohort_tables(rows: pd.DataFrame, observation_end) -> tuple[dict[str, pd.DataFrame], str]:
    """The three cohort tables (module docstring) and the period word used ("month"/"quarter").

    Parameters
    ----------
    rows:
        Transactions: ``customer, date, amount`` (``TransactionTable.rows``), up to the
        observation end.
    observation_end:
        Last day observed.

    Examples
    --------
    A bought in January and March, B in February; monthly cohorts:

    >>> rows = pd.DataFrame({"customer": ["A", "A", "B"], "amount": [10.0, 30.0, 5.0],
    ...                      "date": pd.to_datetime(["2024-01-03", "2024-03-01", "2024-02-10"])})
    >>> tables, word = cohort_tables(rows, "2024-03-31")
    >>> tables["cohort_customers"].values.tolist()
    [['2024-01', 1.0, 1.0, 0.0, 1.0], ['2024-02', 1.0, 1.0, 0.0, nan]]
    >>> tables["cohort_revenue_retention"]["retention_2"].tolist()
    [3.0, nan]
    """
    end = pd.Timestamp(observation_end).normalize()
    kept = rows[rows["date"].dt.normalize() <= end]
    kind = cohort_period(kept["date"].min(), end)
    word = "month" if kind == "M" else "quarter"
    per_year = 12 if kind == "M" else 4
    dates = kept["date"]
    # period numbers as integers (months or quarters since year 0): Period objects group slowly
    period = dates.dt.year.to_numpy() * per_year + (dates.dt.month.to_numpy() - 1) * per_year // 12
    first = pd.Series(period).groupby(kept["customer"].to_numpy()).transform("min").to_numpy()
    since = period - first
    last = end.year * per_year + (end.month - 1) * per_year // 12
    cohorts = np.unique(first)
    reach = last - cohorts
    width = int(min(reach.max() + 1, MAX_PERIODS))
    frame = pd.DataFrame(
        {
            "cohort": first,
            "since": since,
            "customer": kept["customer"].to_numpy(),
            "amount": kept["amount"].to_numpy(float),
        }
    )
    frame = frame[frame["since"] < width]
    sizes = frame.groupby("cohort")["customer"].nunique().reindex(cohorts)
    buying = frame[frame["amount"] > 0].groupby(["cohort", "since"])["customer"].nunique()
    revenue = frame.groupby(["cohort", "since"])["amount"].sum()
    shape = (len(cohorts), width)
    active, money = np.zeros(shape), np.zeros(shape)
    rows_of = np.searchsorted(cohorts, buying.index.get_level_values(0))
    active[rows_of, buying.index.get_level_values(1)] = buying.to_numpy(float)
    rows_of = np.searchsorted(cohorts, revenue.index.get_level_values(0))
    money[rows_of, revenue.index.get_level_values(1)] = revenue.to_numpy(float)
    unreached = np.arange(width)[None, :] > reach[:, None]
    active = np.where(unreached, np.nan, active / sizes.to_numpy(float)[:, None])
    money = np.where(unreached, np.nan, money)
    with np.errstate(divide="ignore", invalid="ignore"):
        retention = np.where(money[:, :1] > 0, money / money[:, :1], np.nan)
    labels = [
        f"{c // per_year}-{c % per_year + 1:02d}" if kind == "M" else f"{c // per_year}Q{c % per_year + 1}"
        for c in cohorts
    ]
    base = {"started": labels, "customers": sizes.to_numpy(float)}
    tables = {
        "cohort_customers": pd.DataFrame({**base, **{f"period_{k}": active[:, k] for k in range(width)}}),
        "cohort_revenue": pd.DataFrame({**base, **{f"revenue_{k}": money[:, k] for k in range(width)}}),
        "cohort_revenue_retention": pd.DataFrame({**base, **{f"retention_{k}": retention[:, k] for k in range(width)}}),
    }
    return tables, word
