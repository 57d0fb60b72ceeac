"""A contract list (customer, start date, end date blank while active) through the sBG model:
the Retention sheet's tables.

Customers are grouped in yearly cohorts by the year they started; a customer is active at period
k (k full years after the start) when the contract has no end date or ends on or after that day.
A cohort's period k is counted only once every customer of the cohort has reached it by the
observation end, so the last counts are not biased by customers who started late in the year.
The survivor counts of all cohorts fit one sBG model (:func:`core.customers.sbg.fit_retention`).

Tables:

``retention_cohorts``
    ``start_year, customers, period_0 ...``: share of each cohort still active k years after starting.
``retention_curve``
    ``period, actual_share, fitted_share, projected``: the share of customers still active k
    years in, actual (pooled over the cohorts that reached k) and fitted, 5 years beyond the data.
``retention_parameters``
    ``model, parameter, value, unit, standard_error, meaning``: alpha, beta, their log-likelihood,
    the mean churn probability and the discounted expected lifetime of a new customer.
``contract_customers``
    ``account, start, end, active, renewals, derl``: per customer, the years renewed and, for
    active customers, the discounted expected residual lifetime in years of payments (F&H 2010).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.customers.sbg import fit_retention
from core.errors import SegmenterInputError
from core.headers import ACCOUNT_HEADERS

#: Header words of the three columns (lower case, matched as whole words).
CUSTOMER_WORDS = ("customer", "account", "client", "member", "subscriber", "contract")
START_WORDS = ("start", "started", "signup", "joined", "since")
END_WORDS = ("end", "ended", "cancelled", "canceled", "cancellation", "churned", "churn")
PROJECTED_YEARS = 5


def _words(cell) -> set[str]:
    return set(str(cell).lower().replace("_", " ").replace("-", " ").split()) if isinstance(cell, str) else set()


def contract_columns(header_row) -> dict[str, int] | None:
    """Positions of the customer, start and end columns of a contract list's header, or None.

    >>> contract_columns(["Customer", "Start date", "End date", "Plan"])
    {'customer': 0, 'start': 1, 'end': 2}
    >>> contract_columns(["Customer", "Date", "Amount"]) is None
    True
    >>> contract_columns(["Account", "Revenue", "Contract start", "Contract end"]) is None
    True
    """
    if "revenue" in ACCOUNT_HEADERS.assign(list(header_row or []))[0]:
        return None  # an account list with contract dates (revenue per account) stays an account list
    found: dict[str, int] = {}
    for j, cell in enumerate(header_row or []):
        words = _words(cell)
        for role, vocabulary in (("start", START_WORDS), ("end", END_WORDS), ("customer", CUSTOMER_WORDS)):
            if role not in found and words & set(vocabulary):
                found[role] = j
                break
    return found if len(found) == 3 else None


def parse_contracts(rows: list[list], first_sheet_row: int = 1) -> pd.DataFrame:
    """``account, start, end`` from a contract list's rows (header first); a bad row is refused by number.

    Raises
    ------
    SegmenterInputError
        No customer/start/end header, a start date that is missing or not a date, an end date that
        is not a date or comes before the start.
    """
    columns = contract_columns(rows[0] if rows else None)
    if columns is None:
        raise SegmenterInputError("a contract list needs a header row with customer, start date and end date columns")
    body = [row for row in rows[1:] if any(v not in (None, "") for v in row)]
    sheet_rows = [first_sheet_row + 1 + i for i, row in enumerate(rows[1:]) if any(v not in (None, "") for v in row)]
    frame = pd.DataFrame(
        {
            "account": [row[columns["customer"]] for row in body],
            "start": pd.to_datetime(
                pd.Series([row[columns["start"]] for row in body], dtype=object), errors="coerce", format="mixed"
            ),
            "end": pd.to_datetime(
                pd.Series([row[columns["end"]] if row[columns["end"]] != "" else None for row in body], dtype=object),
                errors="coerce",
                format="mixed",
            ),
        }
    )
    raw_end = [row[columns["end"]] for row in body]
    for bad, column, reason in (
        (frame["start"].isna().to_numpy(), "start", "is missing or not a date"),
        (
            frame["end"].isna().to_numpy() & np.array([v not in (None, "") for v in raw_end]),
            "end",
            "is not a date (leave it blank while the contract runs)",
        ),
        ((frame["end"] < frame["start"]).to_numpy(), "end", "comes before the start date"),
    ):
        if bad.any():
            first = int(np.flatnonzero(bad)[0])
            raise SegmenterInputError(
                f"{reason} ({int(bad.sum())} rows affected)",
                row=sheet_rows[first],
                column=str(rows[0][columns[column]]),
            )
    if frame.empty:
        raise SegmenterInputError("the contract list has no rows")
    return frame


def cohort_survivors(contracts: pd.DataFrame, end_of_data: pd.Timestamp) -> tuple[np.ndarray, list[np.ndarray]]:
    """(start years, per cohort the customers active at 0, 1, ... full years after their start).

    A cohort's year k is counted once its last starter has reached it by ``end_of_data``.

    Examples
    --------
    Two cohorts of two: 2020 (A ends 2021-03-01, after its first anniversary 2021-01-10, so it is
    active at year 1 but not 2), 2021 (both run), seen to 2023-06-30; the 2020 cohort's last
    starter (2020-05-01) has reached year 3, the 2021 one's (2021-07-01) year 1:

    >>> contracts = pd.DataFrame({"account": list("ABCD"), "end": pd.to_datetime(["2021-03-01", None, None, None]),
    ...                           "start": pd.to_datetime(["2020-01-10", "2020-05-01", "2021-02-01", "2021-07-01"])})
    >>> years, survivors = cohort_survivors(contracts, pd.Timestamp("2023-06-30"))
    >>> years.tolist(), [s.tolist() for s in survivors]
    ([2020, 2021], [[2.0, 2.0, 1.0, 1.0], [2.0, 2.0]])
    """
    year = contracts["start"].dt.year.to_numpy()
    cohorts = np.unique(year)
    survivors = []
    for cohort in cohorts:
        members = contracts[year == cohort]
        reached = 0
        while members["start"].max() + pd.DateOffset(years=reached + 1) <= end_of_data:
            reached += 1
        counts = [
            int((members["end"].isna() | (members["end"] >= members["start"] + pd.DateOffset(years=k))).sum())
            for k in range(reached + 1)
        ]
        survivors.append(np.array(counts, dtype=float))
    return cohorts, survivors


def contract_tables(contracts: pd.DataFrame, *, observation_end=None, discount: float = 0.1) -> dict[str, pd.DataFrame]:
    """The Retention sheet's tables (module docstring) for ``account, start, end`` contracts.

    Raises
    ------
    SegmenterInputError
        No cohort observed for a full year, or an sBG fit that runs off (nobody leaving).
    """
    end_of_data = (
        pd.Timestamp(observation_end)
        if observation_end is not None
        else max(
            contracts["start"].max(),
            contracts["end"].max() if contracts["end"].notna().any() else contracts["start"].max(),
        )
    )
    contracts = contracts[contracts["start"] <= end_of_data]
    cohorts, survivors = cohort_survivors(contracts, end_of_data)
    usable = [s for s in survivors if s.size >= 2]
    if not usable:
        raise SegmenterInputError(
            "no cohort has been observed for a full year after its last start: "
            "a contract list needs at least one year of history",
            column="start",
        )
    model = fit_retention(usable if len(usable) > 1 else usable[0])
    width = max(s.size for s in survivors)
    shares = np.full((len(cohorts), width), np.nan)
    for i, s in enumerate(survivors):
        shares[i, : s.size] = s / s[0]
    retention_cohorts = pd.DataFrame(
        {
            "start_year": [str(c) for c in cohorts],
            "customers": [float(s[0]) for s in survivors],
            **{f"period_{k}": shares[:, k] for k in range(width)},
        }
    )
    periods = np.arange(width + PROJECTED_YEARS, dtype=float)
    pooled = np.full(periods.size, np.nan)
    for k in range(width):
        observed = [s for s in survivors if s.size > k]
        pooled[k] = sum(s[k] for s in observed) / sum(s[0] for s in observed)
    curve = pd.DataFrame(
        {
            "period": [f"year {int(k)}" for k in periods],
            "actual_share": pooled,
            "fitted_share": model.survival(periods),
            "projected": periods >= width,
        }
    )
    alpha, beta = model.alpha, model.beta
    parameters = pd.concat(
        [
            model.summary(),
            pd.DataFrame(
                {
                    "model": "sBG",
                    "parameter": ["mean_churn_first_year", "discounted_expected_lifetime"],
                    "value": [alpha / (alpha + beta), 1 + float(model.derl(discount, 0))],
                    "standard_error": np.nan,
                    "meaning": [
                        "alpha / (alpha + beta): the share of a new cohort expected to leave in its first year",
                        f"years of payments a new customer is expected to make, discounted at {discount:.0%} a year "
                        "(the first payment now): multiply by the yearly margin "
                        "for the value of a new customer".replace("%", " %"),
                    ],
                }
            ),
        ],
        ignore_index=True,
    )
    parameters.insert(3, "unit", np.where(parameters["parameter"] == "customers", "accounts", "ratio"))
    active = contracts["end"].isna() | (contracts["end"] > end_of_data)
    last = contracts["end"].where(~active, end_of_data)
    renewals = np.floor((last - contracts["start"]).dt.days / 365.25).astype(int).to_numpy()
    derl = np.where(active, model.derl(discount, renewals), np.nan)
    customers = pd.DataFrame(
        {
            "account": contracts["account"].to_numpy(),
            "start": contracts["start"].to_numpy(),
            "end": contracts["end"].to_numpy(),
            "active": np.where(active, "yes", "no"),
            "renewals": renewals.astype(float),
            "derl": derl,
        }
    )
    return {
        "retention_parameters": parameters,
        "retention_curve": curve,
        "retention_cohorts": retention_cohorts,
        "contract_customers": customers.sort_values(
            ["derl", "account"], ascending=[False, True], na_position="last", ignore_index=True
        ),
    }
