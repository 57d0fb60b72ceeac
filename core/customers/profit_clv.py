"""Profit CLV after cost to serve, beside the revenue CLV, from a transaction list with profit and cost to serve.

The model CLV of :func:`core.customers.model_clv.model_clv` is expected purchases x expected spend
per purchase x margin, discounted per period. A transaction list with a profit column gives each
customer's margin (total profit / total spend); a cost-to-serve column (per order: delivery,
support, handling; headers as :data:`core.headers.ACCOUNT_ALIASES` names them, e.g. "Cost to
serve", "Service cost") gives each customer's cost to serve per purchase. Then, per customer,

    revenue CLV = sum over periods k of E_k * s / (1 + d)^k
    profit CLV  = sum over periods k of E_k * (s * margin - c) / (1 + d)^k

with E_k the purchases expected in period k, s the expected spend per purchase, c the cost to
serve per purchase and d the discount per period: the same periods and discounting as the model
CLV, so the three differ only in what one purchase is worth. A customer with a blank cost to
serve on any order has no profit CLV (a blank cost is not taken as 0, as in
:mod:`core.cost_to_serve`: that would overstate the customer).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.customers.model_clv import ClvResult, model_clv
from core.transactions import TransactionTable


@dataclass(frozen=True)
class ProfitClv:
    """Revenue and profit CLV per customer (in the summary's order) and what they mean.

    Attributes
    ----------
    customers:
        ``account, revenue_clv, cost_to_serve_per_purchase, profit_clv`` (currency; the last two
        only when the list has cost to serve).
    has_cost:
        Whether the list has a cost-to-serve column.
    missing_cost:
        Customers left without a profit CLV because an order's cost to serve is blank.
    note:
        One sentence: which value is which.
    """

    customers: pd.DataFrame
    has_cost: bool
    missing_cost: int
    note: str


#: Said in the profit CLV note when the list gives cost to serve per customer and year.
PER_YEAR_NOTE = (
    "the cost to serve per year is turned into a cost per purchase at the customer's purchase rate: "
    "cost per year x years from its first purchase to the list's end / its purchase days"
)


def cost_per_purchase(transactions: TransactionTable, summary: pd.DataFrame) -> np.ndarray:
    """Each summary customer's cost to serve per purchase day, in currency.

    The customer's total cost to serve (every row up to the summary's observation end, returns
    included) divided by its purchase days (frequency + 1: the purchase occasions the models
    count). NaN when any of its rows has a blank cost, or the list has no cost column.
    With a cost to serve per year (:func:`cost_per_year_per_purchase`) that is added (alone
    when the list has no per-order cost).

    Examples
    --------
    >>> from core.transactions import parse_transactions
    >>> from core.customers.summary import customer_summary
    >>> table = parse_transactions([["Customer", "Date", "Amount", "Cost to serve"],
    ...     ["A", "2024-01-01", 100.0, 6.0], ["A", "2024-01-01", 20.0, 2.0], ["A", "2024-02-01", 50.0, 4.0],
    ...     ["B", "2024-01-10", 80.0, ""]])
    >>> cost_per_purchase(table, customer_summary(table)).tolist()  # A: 12 over 2 purchase days
    [6.0, nan]
    """
    n = len(summary)
    rows = transactions.rows
    yearly = cost_per_year_per_purchase(transactions, summary)
    if "cost_to_serve" not in rows:
        return np.full(n, np.nan) if yearly is None else yearly
    end = pd.Timestamp(summary.attrs.get("observation_end", rows["date"].max()))
    rows = rows[rows["date"].dt.normalize() <= end]
    cost = rows["cost_to_serve"].to_numpy(float)
    frame = pd.DataFrame({"customer": rows["customer"].to_numpy(object), "cost": cost, "blank": np.isnan(cost)})
    per = frame.groupby("customer", sort=False).agg(cost=("cost", "sum"), blank=("blank", "any"))
    per = per.reindex(summary["account"].to_numpy(object))
    total = np.where(per["blank"].to_numpy(bool), np.nan, per["cost"].to_numpy(float))
    per_order = total / (summary["frequency"].to_numpy(float) + 1)
    return per_order if yearly is None else per_order + yearly


def cost_per_year_per_purchase(transactions: TransactionTable, summary: pd.DataFrame) -> np.ndarray | None:
    """Each summary customer's cost to serve per year as a cost per purchase day, in currency.

    A per-customer figure (the largest on its lines, as a contract's yearly service cost is
    repeated or given once) divided by the customer's purchase rate: cost per year x (its age T
    in years: first purchase to the observation end) / its purchase days (frequency + 1). NaN
    where all its lines are blank; ``None`` without a per-year column.

    Examples
    --------
    A: 2 purchase days, first on 2024-01-01 and the list ends 2024-07-01 (182 days), 100 a year:
    100 x 182 / 365.25 / 2 = 24.91 per purchase. B bought once on the last day: T = 0, no cost.

    >>> from core.transactions import parse_transactions
    >>> from core.customers.summary import customer_summary
    >>> table = parse_transactions([["Customer", "Date", "Amount", "Annual cost to serve"],
    ...     ["A", "2024-01-01", 100.0, 100.0], ["A", "2024-03-01", 50.0, ""], ["B", "2024-07-01", 80.0, 40.0]])
    >>> cost_per_year_per_purchase(table, customer_summary(table, unit="D")).round(2).tolist()
    [24.91, 0.0]
    """
    from core.customers.summary import UNIT_DAYS

    rows = transactions.rows
    if "cost_to_serve_per_year" not in rows:
        return None
    per = rows.groupby("customer", sort=False)["cost_to_serve_per_year"].max()
    yearly = per.reindex(summary["account"].to_numpy(object)).to_numpy(float)
    years = summary["T"].to_numpy(float) * UNIT_DAYS[summary.attrs.get("unit", "W")] / 365.25
    return yearly * years / (summary["frequency"].to_numpy(float) + 1)


def first_channel(transactions: TransactionTable, summary: pd.DataFrame) -> np.ndarray | None:
    """The sales channel of each summary customer's first purchase (the channel that won the
    customer, the one its acquisition cost belongs to); ``None`` without a channel column,
    ``"(blank)"`` where that row's channel is blank.

    Examples
    --------
    >>> from core.transactions import parse_transactions
    >>> from core.customers.summary import customer_summary
    >>> table = parse_transactions([["Customer", "Date", "Amount", "Channel"],
    ...     ["A", "2024-02-01", 50.0, "Retail"], ["A", "2024-01-01", 100.0, "Web"], ["B", "2024-01-10", 80.0, ""]])
    >>> first_channel(table, customer_summary(table)).tolist()
    ['Web', '(blank)']
    """
    rows = transactions.rows
    if "channel" not in rows:
        return None
    purchases = rows[rows["amount"] >= 0].sort_values(["date", "sheet_row"], kind="stable")
    first = purchases.drop_duplicates("customer").set_index("customer")["channel"]
    channel = first.reindex(summary["account"].to_numpy(object)).to_numpy(object)
    return np.where(pd.isna(channel), "(blank)", channel).astype(object)


def acquisition_cost(transactions: TransactionTable, summary: pd.DataFrame) -> np.ndarray | None:
    """Each summary customer's acquisition cost from the list's acquisition-cost column, in currency.

    The largest value on the customer's lines: the one on its first order line when only that
    line carries it, the repeated value when every line does. NaN when all its lines are blank
    (the ``cac`` setting then applies); ``None`` without the column.

    Examples
    --------
    >>> from core.transactions import parse_transactions
    >>> from core.customers.summary import customer_summary
    >>> table = parse_transactions([["Customer", "Date", "Amount", "Acquisition cost"],
    ...     ["A", "2024-01-01", 100.0, 60.0], ["A", "2024-02-01", 50.0, ""],
    ...     ["B", "2024-01-10", 80.0, 45.0], ["B", "2024-03-10", 30.0, 45.0], ["C", "2024-01-12", 10.0, ""]])
    >>> acquisition_cost(table, customer_summary(table)).tolist()
    [60.0, 45.0, nan]
    """
    rows = transactions.rows
    if "acquisition_cost" not in rows:
        return None
    per = rows.groupby("customer", sort=False)["acquisition_cost"].max()
    return per.reindex(summary["account"].to_numpy(object)).to_numpy(float)


def profit_clv(
    clv: ClvResult,
    summary: pd.DataFrame,
    cost: np.ndarray,
    *,
    horizon: float,
    discount_rate: float,
    unit: str,
    per_year: bool = False,
) -> ProfitClv:
    """Revenue CLV and, with cost to serve, profit CLV per customer (module docstring).

    Parameters
    ----------
    clv:
        The model CLV (its margin-weighted ``model_clv`` and fitted models are reused).
    summary:
        The per-customer table it was computed from.
    cost:
        Cost to serve per purchase per customer (:func:`cost_per_purchase`); all NaN when the
        list has none.
    horizon, discount_rate, unit:
        As ``clv`` was computed with.
    per_year:
        Whether ``cost`` comes (in part) from a cost to serve per year (:data:`PER_YEAR_NOTE`).

    Returns
    -------
    ProfitClv

    Examples
    --------
    A customer expected to make 0.5 purchases in each of two weeks, 40 per purchase at a 25 %
    margin, 3 to serve each, discounted at d = 1.1^(7/365.25) - 1 a week: revenue CLV =
    0.5 * 40 * (1/(1+d) + 1/(1+d)^2), profit CLV = 0.5 * (40 * 0.25 - 3) * (...):

    >>> d = 1.1 ** (7 / 365.25) - 1
    >>> factor = 1 / (1 + d) + 1 / (1 + d) ** 2
    >>> round(0.5 * 40 * factor, 4), round(0.5 * (40 * 0.25 - 3) * factor, 4)
    (39.8906, 6.9808)
    """
    revenue = model_clv(
        summary,
        horizon=horizon,
        discount_rate=discount_rate,
        unit=unit,
        margin=1.0,
        models=(clv.purchase_model, clv.spend_model),
    ).customers
    revenue_clv = revenue["model_clv"].to_numpy(float)
    spend = revenue["expected_avg_spend"].to_numpy(float)
    customers = pd.DataFrame({"account": summary["account"].to_numpy(), "revenue_clv": revenue_clv})
    cost = np.asarray(cost, dtype=float)
    has_cost = bool(np.isfinite(cost).any())
    missing = 0
    if has_cost:
        with np.errstate(divide="ignore", invalid="ignore"):
            discounted_purchases = np.where(spend > 0, revenue_clv / spend, 0.0)
        customers["cost_to_serve_per_purchase"] = cost
        customers["profit_clv"] = clv.customers["model_clv"].to_numpy(float) - discounted_purchases * cost
        missing = int(np.isnan(cost).sum())
        note = (
            "Profit CLV = expected purchases x (spend per purchase x margin - cost to serve per purchase), "
            "discounted as the model CLV; the model CLV is before cost to serve, the revenue CLV before margin"
        )
        if per_year:
            note += "; " + PER_YEAR_NOTE
        if missing:
            note += f"; {missing:,} customers have a blank cost to serve on an order, so no profit CLV"
    else:
        note = "Revenue CLV = the model CLV at 100 % margin; the model CLV is in profit (each customer's margin)"
    return ProfitClv(customers=customers, has_cost=has_cost, missing_cost=missing, note=note)


@dataclass(frozen=True)
class ValueExtras:
    """What a transaction list's optional columns add to the model CLV.

    Attributes
    ----------
    profit:
        Revenue and profit CLV (:func:`profit_clv`), None without a profit column.
    channel:
        Each customer's first channel (:func:`first_channel`), None without a channel column.
    acquisition:
        Each customer's acquisition cost from the list (:func:`acquisition_cost`), None without
        an acquisition-cost column.
    """

    profit: ProfitClv | None
    channel: np.ndarray | None
    acquisition: np.ndarray | None = None

    @property
    def cost(self) -> np.ndarray | None:
        """Cost to serve per purchase per customer, None without cost to serve."""
        if self.profit is None or not self.profit.has_cost:
            return None
        return self.profit.customers["cost_to_serve_per_purchase"].to_numpy(float)

    @property
    def profit_values(self) -> np.ndarray | None:
        """Profit CLV after cost to serve per customer, None without cost to serve."""
        return None if self.cost is None else self.profit.customers["profit_clv"].to_numpy(float)

    def groups(self) -> dict[str, np.ndarray]:
        """``{"Channel": labels}`` when the list has a channel column, else empty."""
        return {} if self.channel is None else {"Channel": self.channel}

    def with_values(self, lifetime: pd.DataFrame) -> pd.DataFrame:
        """The Lifetime value table with the revenue and profit CLV beside the model CLV (and the
        channel after the account), per account."""
        table = lifetime
        if self.profit is not None:
            extra = self.profit.customers
            table = table.merge(extra, on="account", how="left")
            order = [c for c in lifetime.columns if c not in ("model_clv",)]
            at = order.index("expected_revenue") + 1 if "expected_revenue" in order else len(order)
            added = [c for c in extra.columns if c != "account"]
            table = table[order[:at] + ["revenue_clv", "model_clv"] + added[1:] + order[at:]]
        return table

    def with_parameters(self, parameters: pd.DataFrame) -> pd.DataFrame:
        """The ``clv_parameters`` table with a row saying what the revenue and profit CLV are."""
        if self.profit is None:
            return parameters
        row = {"model": "profit CLV", "parameter": "method", "value": "text", "standard_error": np.nan}
        if "unit" in parameters:
            row["unit"] = "text"
        row["meaning"] = self.profit.note
        return pd.concat([parameters, pd.DataFrame([row])[list(parameters.columns)]], ignore_index=True)

    def value_basis(self, has_profit: bool) -> str:
        """What the value the unit economics use is in.

        >>> ValueExtras(None, None).value_basis(False)
        'model CLV in revenue (no profit column)'
        """
        if self.cost is not None:
            return "profit CLV after cost to serve"
        return (
            "model CLV in profit (each customer's margin)" if has_profit else "model CLV in revenue (no profit column)"
        )


def value_extras(
    summary: pd.DataFrame,
    clv: ClvResult | None,
    *,
    channel: np.ndarray | None,
    cost: np.ndarray,
    has_profit: bool,
    horizon: float,
    discount_rate: float,
    unit: str,
    acquisition: np.ndarray | None = None,
    per_year: bool = False,
) -> ValueExtras:
    """Profit CLV (with a profit column) and channels (with a channel column) of a model CLV's customers.

    ``channel`` and ``cost`` are the list's answers for the summary's customers
    (:func:`first_channel`, :func:`cost_per_purchase`, or an engine's); ``has_profit``: whether the
    list has a profit or margin column; ``acquisition``: each customer's acquisition cost from the
    list (:func:`acquisition_cost`), None without that column; ``per_year``: whether ``cost``
    includes a cost to serve per year (said in the profit CLV note).
    """
    if clv is None or not has_profit:
        return ValueExtras(None, channel, acquisition)
    profit = profit_clv(clv, summary, cost, horizon=horizon, discount_rate=discount_rate, unit=unit, per_year=per_year)
    return ValueExtras(profit, channel, acquisition)
