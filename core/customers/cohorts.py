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

from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.customers.summary import customer_codes

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


@dataclass(frozen=True)
class CohortCounts:
    """What the cohort tables are made of, all of it counts and sums an engine can compute.

    Attributes
    ----------
    kind:
        ``"M"`` (monthly cohorts) or ``"Q"`` (quarterly), from :func:`cohort_period`.
    last:
        Period number of the observation end (months or quarters since year 0:
        year x 12 + month - 1, or year x 4 + quarter - 1).
    sizes:
        Period number of each cohort's first purchase -> its customers (every customer with a
        line up to the observation end, returns included), ascending.
    cells:
        ``cohort, since, buying, revenue``: per cohort and periods since its start, the customers
        with a line of a positive amount and the net amount of all lines (one row per pair with
        any line).
    """

    kind: str
    last: int
    sizes: pd.Series
    cells: pd.DataFrame


def period_number(year, month, per_year: int):
    """Months (``per_year`` 12) or quarters (4) since year 0 of a date's year and month.

    >>> period_number(2024, 3, 12), period_number(2024, 3, 4)
    (24290, 8096)
    """
    return year * per_year + (month - 1) * per_year // 12


def cohort_counts(
    rows: pd.DataFrame, observation_end, customers: tuple[np.ndarray, np.ndarray] | None = None
) -> CohortCounts:
    """:class:`CohortCounts` of a transaction list (``customer, date, amount``) up to the observation end.

    ``customers``: ``pd.factorize`` of the rows' customer ids when the caller has it (the same
    numbering of the rows kept, without hashing every id again; see
    :func:`core.customers.summary.customer_summary`).

    >>> rows = pd.DataFrame({"customer": ["A", "A", "B"], "amount": [10.0, 30.0, 5.0],
    ...                      "date": pd.to_datetime(["2024-01-03", "2024-03-01", "2024-02-10"])})
    >>> counts = cohort_counts(rows, "2024-03-31")
    >>> counts.kind, counts.sizes.tolist(), counts.cells["revenue"].tolist()
    ('M', [1, 1], [10.0, 30.0, 5.0])
    """
    end = pd.Timestamp(observation_end).normalize()
    keep = (rows["date"].dt.normalize() <= end).to_numpy()
    kept = rows[keep]
    kind = cohort_period(kept["date"].min(), end)
    per_year = 12 if kind == "M" else 4
    dates = kept["date"]
    # period numbers as integers: Period objects group slowly
    period = period_number(dates.dt.year.to_numpy(np.int64), dates.dt.month.to_numpy(np.int64), per_year)
    # customers as numbers (one hash pass): numbers group and count faster than text
    customer = customer_codes(rows, keep, customers)[0]
    first = pd.Series(period).groupby(customer).transform("min").to_numpy()
    frame = pd.DataFrame(
        {"cohort": first, "since": period - first, "customer": customer, "amount": kept["amount"].to_numpy(float)}
    )
    sizes = frame[frame["since"] == 0].groupby("cohort")["customer"].nunique()
    keys = ["cohort", "since"]
    buying = frame[frame["amount"] > 0].groupby(keys)["customer"].nunique()
    revenue = frame.groupby(keys)["amount"].sum()
    cells = pd.DataFrame({"buying": buying.reindex(revenue.index, fill_value=0), "revenue": revenue}).reset_index()
    return CohortCounts(kind, int(period_number(end.year, end.month, per_year)), sizes, cells)


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
    return cohort_tables_from_counts(cohort_counts(rows, observation_end))


def cohort_tables_from_counts(counts: CohortCounts) -> tuple[dict[str, pd.DataFrame], str]:
    """:func:`cohort_tables` from the counts (a pandas list's or an engine's, warehouse/)."""
    kind, per_year = counts.kind, (12 if counts.kind == "M" else 4)
    word = "month" if kind == "M" else "quarter"
    cohorts = counts.sizes.index.to_numpy(np.int64)
    reach = counts.last - cohorts
    width = int(min(reach.max() + 1, MAX_PERIODS))
    cells = counts.cells[counts.cells["since"] < width]
    shape = (len(cohorts), width)
    active, money = np.zeros(shape), np.zeros(shape)
    rows_of = np.searchsorted(cohorts, cells["cohort"].to_numpy(np.int64))
    since = cells["since"].to_numpy(np.int64)
    active[rows_of, since] = cells["buying"].to_numpy(float)
    money[rows_of, since] = cells["revenue"].to_numpy(float)
    unreached = np.arange(width)[None, :] > reach[:, None]
    sizes = counts.sizes.to_numpy(float)
    active = np.where(unreached, np.nan, active / sizes[:, None])
    money = np.where(unreached, np.nan, money)
    with np.errstate(divide="ignore", invalid="ignore"):
        retention = np.where(money[:, :1] > 0, money / money[:, :1], np.nan)
    labels = [
        f"{c // per_year}-{c % per_year + 1:02d}" if kind == "M" else f"{c // per_year}Q{c % per_year + 1}"
        for c in cohorts
    ]
    base = {"started": labels, "customers": sizes}
    tables = {
        "cohort_customers": pd.DataFrame({**base, **{f"period_{k}": active[:, k] for k in range(width)}}),
        "cohort_revenue": pd.DataFrame({**base, **{f"revenue_{k}": money[:, k] for k in range(width)}}),
        "cohort_revenue_retention": pd.DataFrame({**base, **{f"retention_{k}": retention[:, k] for k in range(width)}}),
    }
    return tables, word
