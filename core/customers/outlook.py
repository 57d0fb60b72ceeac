"""What the customer models say about the future, with 80 % ranges: the tables the Lifetime value
sheet and the Overview's findings read.

:func:`model_outlook` takes the model CLV of :func:`core.customers.model_clv.model_clv` and the
customers' tiers and RFM segments, and gives

``model_figures``
    ``measure, value, p10, p90, unit, note``: expected repeat purchases and model lifetime value
    over the horizon for the whole list (with their ranges), and the share of customers likely
    still active (P(alive) of 50 % or more); with cost to serve, then the profit CLV after it.
``clv_ranges``
    ``group, grouping, customers, expected_purchases (+ _p10, _p50, _p90), model_clv (+ _p10,
    _p50, _p90)``: the whole list, each tier, each RFM segment
    (:func:`core.customers.intervals.clv_intervals`; ``group`` is a unique label such as
    "Tier A").
``customer_ranges``
    ``account, expected_purchases_p10, _p90, model_clv_p10, _p90`` per customer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.customers.intervals import WHOLE_LIST, clv_intervals, draws_for
from core.customers.model_clv import DAYS_PER_YEAR, ClvResult
from core.customers.summary import UNIT_DAYS
from core.errors import SegmenterInputError
from core.groups import known_sums

UNIT_WORDS = {"D": "days", "W": "weeks", "M": "months"}
#: P(alive) at or above this counts a customer as likely still active.
LIKELY_ACTIVE = 0.5


@dataclass(frozen=True)
class Outlook:
    """The outlook tables (module docstring), or only ``model_figures`` and a ``note`` saying why
    there are no ranges."""

    tables: dict[str, pd.DataFrame]
    note: str


def horizon_words(horizon: float, unit: str) -> str:
    """'52 weeks', '1 month'.

    >>> horizon_words(52, "W"), horizon_words(1, "M")
    ('52 weeks', '1 month')
    """
    word = UNIT_WORDS[unit]
    return f"{horizon:g} {word[:-1] if horizon == 1 else word}"


def value_basis(has_profit: bool) -> str:
    """What the model CLV is of: profit when the list has it, else revenue.

    >>> value_basis(False)
    'revenue (no profit column)'
    """
    return "profit (each customer's margin)" if has_profit else "revenue (no profit column)"


def model_outlook(
    clv: ClvResult,
    summary: pd.DataFrame,
    *,
    horizon: float,
    unit: str,
    discount: float,
    has_profit: bool,
    groups: Mapping[str, np.ndarray],
    cost_per_purchase: np.ndarray | None = None,
    point_profit: np.ndarray | None = None,
) -> Outlook:
    """The outlook tables for a list whose model CLV could be computed.

    Parameters
    ----------
    clv:
        The model CLV (its fitted models are drawn around).
    summary:
        The per-customer table it was computed from (``frequency, recency, T, avg_repeat_spend``).
    horizon, unit, discount:
        As :func:`core.customers.model_clv.model_clv` took them.
    has_profit:
        Whether the CLV is of profit (the list has a profit column) or of revenue.
    groups:
        Grouping name -> one label per customer ("Tier", "RFM segment", "Channel").
    cost_per_purchase, point_profit:
        With cost to serve (:mod:`core.customers.profit_clv`): each customer's cost per purchase
        and profit CLV; ``model_figures`` then has a profit CLV row and the ranges profit columns.

    Returns
    -------
    Outlook
        When the fit has no standard errors, ``model_figures`` without ranges and the reason in
        ``note``.
    """
    customers = clv.customers
    words = horizon_words(horizon, unit)
    basis = value_basis(has_profit)
    alive = customers["probability_alive"].to_numpy(float)
    point_purchases = customers["expected_purchases"].to_numpy(float)
    point_clv = customers["model_clv"].to_numpy(float)
    unit_discount = (1 + discount) ** (UNIT_DAYS[unit] / DAYS_PER_YEAR) - 1
    try:
        ranges = clv_intervals(
            clv.purchase_model,
            clv.spend_model,
            summary["frequency"],
            summary["recency"],
            summary["T"],
            summary["avg_repeat_spend"],
            customers["margin_pct"],
            horizon=horizon,
            unit_discount=unit_discount,
            groups=groups,
            point_purchases=point_purchases,
            point_clv=point_clv,
            draws=draws_for(clv.purchase_model),
            cost_per_purchase=cost_per_purchase,
            point_profit=point_profit,
        )
    except SegmenterInputError as error:
        ranges, note = None, str(error)
    else:
        note = ranges.note
    whole = (
        ranges.totals.iloc[0]
        if ranges is not None
        else pd.Series(
            {
                "expected_purchases_p10": np.nan,
                "expected_purchases_p90": np.nan,
                "model_clv_p10": np.nan,
                "model_clv_p90": np.nan,
            }
        )
    )
    model = clv.purchase_model.name if clv.purchase_model is not None else "the purchase model"
    figures = pd.DataFrame(
        {
            "measure": [
                f"Expected repeat purchases, next {words}",
                f"Model lifetime value, next {words}",
                "Customers likely still active (P(alive) of 50 % or more)",
            ],
            "value": [
                float(np.nansum(point_purchases)),
                float(np.nansum(point_clv)),
                float(np.mean(alive >= LIKELY_ACTIVE)),
            ],
            "p10": [whole["expected_purchases_p10"], whole["model_clv_p10"], np.nan],
            "p90": [whole["expected_purchases_p90"], whole["model_clv_p90"], np.nan],
            "unit": ["purchases", "currency", "share"],
            "note": [
                f"{model}: repeat purchases expected from the customers on the list (not from new ones)",
                f"in {basis}, discounted at {discount:.0%} a year; purchases x spend per purchase x margin".replace(
                    "%", " %"
                ),
                f"{model}: the share of customers whose P(alive) is {LIKELY_ACTIVE:.0%} or more".replace("%", " %"),
            ],
        }
    )
    if point_profit is not None:
        profit_row = pd.DataFrame(
            {
                "measure": [f"Profit CLV after cost to serve, next {words}"],
                "value": known_sums([np.nansum(point_profit)], [np.count_nonzero(~np.isnan(point_profit))]).tolist(),
                "p10": [whole.get("profit_clv_p10", np.nan)],
                "p90": [whole.get("profit_clv_p90", np.nan)],
                "unit": ["currency"],
                "note": [
                    "purchases x (spend per purchase x margin - cost to serve per purchase), discounted as above; "
                    "customers with a blank cost to serve left out"
                ],
            }
        )
        figures = pd.concat([figures, profit_row], ignore_index=True)  # after the three the Overview reads first
    tables = {"model_figures": figures}
    if ranges is not None:
        totals = ranges.totals.copy()
        label = np.where(
            totals["grouping"] == WHOLE_LIST,
            WHOLE_LIST,
            totals["grouping"].astype(str) + " " + totals["group"].astype(str),
        )
        totals.insert(0, "label", label)
        tables["clv_ranges"] = totals.drop(columns="group").rename(columns={"label": "group"})
        shown = [f"{m}_{s}" for m in ("expected_purchases", "model_clv", "profit_clv") for s in ("p10", "p90")]
        per_customer = ranges.customers[[c for c in shown if c in ranges.customers]].copy()
        per_customer.insert(0, "account", customers["account"].to_numpy())
        tables["customer_ranges"] = per_customer
    return Outlook(tables=tables, note=note)
