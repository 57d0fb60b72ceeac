"""Revenue bridge by customers: from one period's revenue to the next through new, lost and returning customers.

Per customer, with revenue ``r0`` in the earlier period and ``r1`` in the later (missing as 0):

- **new**: ``r0 <= 0`` and ``r1 > 0``; **lost**: ``r0 > 0`` and ``r1 <= 0``; **returning**: both
  ``> 0``; **other**: both ``<= 0`` (only credit notes moving; a row only when its change is not 0).
  Each kind contributes the sum of its customers' ``r1 - r0``.
- With order counts (a transaction list: an order is a purchase row, amount >= 0), the
  returning customers' change is split by ``revenue = orders x average order value`` over them
  all (``O0, O1`` orders, ``V0 = R0 / O0``, ``V1 = R1 / O1``), the midpoint (Shapley) split:
  orders effect ``(O1 - O0) x (V0 + V1) / 2`` and average order value effect
  ``(V1 - V0) x (O0 + O1) / 2``, which add up to ``R1 - R0`` exactly. Their number of customers
  is the same in both periods, so the customers factor of ``customers x orders per customer x
  average order value`` is carried by the new and lost rows.
- Amounts are rounded to the cent and the last part of each bridge takes the rounding, so the
  parts add up to the change to the cent: ``round(r1 total, 2) - round(r0 total, 2)``.

Without order counts (an account list with period columns) the returning customers' change is one
row. Per tier and channel the same bridge is one row per group (each row adds up on its own).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from core.accounts import AccountTable
from core.customers.report import CustomerReport
from core.errors import SegmenterInputError
from core.groups import group_codes
from core.lookup import positions_in
from core.overview import bridge_chart
from core.report import Report
from core.transactions import TransactionTable

NEW, LOST, RETURNING, OTHER = "new customers", "lost customers", "returning customers", "other (credit notes only)"
ORDERS_STEP = "returning: number of orders"
VALUE_STEP = "returning: average order value"
BRIDGE_COLUMNS = (
    "step",
    "customers",
    "amount",
    "orders_before",
    "orders_after",
    "order_value_before",
    "order_value_after",
)


def _cents(value: float) -> float:
    return float(np.round(value, 2)) + 0.0


def _parts(r0: np.ndarray, r1: np.ndarray, o0: np.ndarray | None, o1: np.ndarray | None) -> dict[str, Any]:
    """The bridge's figures for one set of customers (arrays aligned)."""
    kinds = np.where((r0 <= 0) & (r1 > 0), 0, np.where((r0 > 0) & (r1 <= 0), 1, np.where((r0 > 0) & (r1 > 0), 2, 3)))
    start, end = _cents(r0.sum()), _cents(r1.sum())
    change = _cents(end - start)
    amounts = [_cents((r1 - r0)[kinds == k].sum()) for k in range(4)]
    counts = [int((kinds == k).sum()) for k in range(4)]
    out: dict[str, Any] = {
        "start": start,
        "end": end,
        "change": change,
        "new": amounts[0],
        "lost": amounts[1],
        "returning": amounts[2],
        "other": amounts[3],
        "counts": counts,
        "customers_before": int((r0 > 0).sum()),
        "customers_after": int((r1 > 0).sum()),
    }
    if o0 is not None:
        back = kinds == 2
        orders = (float(o0[back].sum()), float(o1[back].sum()))
        revenue = (float(r0[back].sum()), float(r1[back].sum()))
        values = tuple(r / o if o > 0 else np.nan for r, o in zip(revenue, orders))
        orders_effect = (orders[1] - orders[0]) * (values[0] + values[1]) / 2 if back.any() else 0.0
        out["orders"], out["order_values"] = orders, values
        out["orders_effect"] = _cents(orders_effect)
    # the rounding goes to the last part, so that the parts add up to the change to the cent
    last = "returning" if o0 is None else "value_effect"
    known = out["new"] + out["lost"] + out["other"] + (out.get("orders_effect", 0.0) if o0 is not None else 0.0)
    out[last] = _cents(change - known)
    if o0 is not None:
        out["returning"] = _cents(out["orders_effect"] + out["value_effect"])
    return out


def customer_bridge(
    r0: Any, r1: Any, orders0: Any = None, orders1: Any = None, periods: tuple[str, str] = ("before", "after")
) -> pd.DataFrame:
    """The bridge from the earlier period's revenue to the later one's (rules in the module notes).

    Parameters
    ----------
    r0, r1:
        Revenue per customer in the two periods (NaN = 0).
    orders0, orders1:
        Orders per customer in the two periods, or None (no split of the returning customers).
    periods:
        The two period labels.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`BRIDGE_COLUMNS`. Rows ``revenue <earlier>``, ``new customers``, ``lost
        customers``, then ``returning: number of orders`` and ``returning: average order value``
        (with orders; the orders and average order values before and after on them) or
        ``returning customers``, ``other`` (when not 0), ``revenue <later>`` and ``change``.

    Examples
    --------
    Returning customer a: 2 orders of 50, then 3 of 60 (100 -> 180); b is new (40), c is lost (-30).
    Orders effect (3 - 2) x (50 + 60) / 2 = 55, order value effect (60 - 50) x (2 + 3) / 2 = 25.

    >>> table = customer_bridge([100, 0, 30], [180, 40, 0], [2, 0, 1], [3, 1, 0], ("2024", "2025"))
    >>> table[["step", "customers", "amount"]].values.tolist()  # doctest: +NORMALIZE_WHITESPACE
    [['revenue 2024', 2.0, 130.0], ['new customers', 1.0, 40.0], ['lost customers', 1.0, -30.0],
     ['returning: number of orders', 1.0, 55.0], ['returning: average order value', 1.0, 25.0],
     ['revenue 2025', 2.0, 220.0], ['change', nan, 90.0]]
    """
    r0, r1 = (np.nan_to_num(np.asarray(v, dtype=float), nan=0.0) for v in (r0, r1))
    if r0.shape != r1.shape:
        raise SegmenterInputError("the two periods' revenue differ in length", column="revenue")
    with_orders = orders0 is not None and orders1 is not None
    o0, o1 = (
        (np.nan_to_num(np.asarray(v, dtype=float), nan=0.0) for v in (orders0, orders1))
        if with_orders
        else (None, None)
    )
    p = _parts(r0, r1, o0, o1)
    nan = np.nan
    rows = [
        (f"revenue {periods[0]}", p["customers_before"], p["start"], nan, nan, nan, nan),
        (NEW, p["counts"][0], p["new"], nan, nan, nan, nan),
        (LOST, p["counts"][1], p["lost"], nan, nan, nan, nan),
    ]
    if with_orders:
        detail = (*p["orders"], *p["order_values"])
        rows += [
            (ORDERS_STEP, p["counts"][2], p["orders_effect"], *detail),
            (VALUE_STEP, p["counts"][2], p["value_effect"], *detail),
        ]
    else:
        rows.append((RETURNING, p["counts"][2], p["returning"], nan, nan, nan, nan))
    if p["other"] != 0:
        rows.append((OTHER, p["counts"][3], p["other"], nan, nan, nan, nan))
    rows += [
        (f"revenue {periods[1]}", p["customers_after"], p["end"], nan, nan, nan, nan),
        ("change", nan, p["change"], nan, nan, nan, nan),
    ]
    table = pd.DataFrame(rows, columns=list(BRIDGE_COLUMNS))
    return table if with_orders else table.drop(columns=list(BRIDGE_COLUMNS[3:]))


def customer_bridge_by(
    r0: Any,
    r1: Any,
    groups: Any,
    orders0: Any = None,
    orders1: Any = None,
    *,
    order: Sequence[Any] | None = None,
    group_name: str = "tier",
    periods: tuple[str, str] = ("before", "after"),
) -> pd.DataFrame:
    """The bridge per group (tier now, channel), one row each and a ``Total`` row.

    Returns
    -------
    pandas.DataFrame
        ``<group_name>, customers_before, customers_after, revenue_<earlier>, new_customers,
        lost_customers``, then ``orders_effect, order_value_effect`` (with orders) or
        ``returning_customers``, ``other_change``, ``revenue_<later>, revenue_change``; each row adds
        up: earlier + parts = later.

    Examples
    --------
    >>> table = customer_bridge_by([100, 0, 30], [180, 40, 0], ["A", "B", "B"], [2, 0, 1], [3, 1, 0],
    ...                            periods=("2024", "2025"))
    >>> table[["tier", "new_customers", "lost_customers", "orders_effect", "order_value_effect",
    ...        "revenue_change"]].values.tolist()
    [['A', 0.0, 0.0, 55.0, 25.0, 80.0], ['B', 40.0, -30.0, 0.0, 0.0, 10.0], ['Total', 40.0, -30.0, 55.0, 25.0, 90.0]]
    """
    r0, r1 = (np.nan_to_num(np.asarray(v, dtype=float), nan=0.0) for v in (r0, r1))
    with_orders = orders0 is not None and orders1 is not None
    o0 = np.nan_to_num(np.asarray(orders0, dtype=float), nan=0.0) if with_orders else None
    o1 = np.nan_to_num(np.asarray(orders1, dtype=float), nan=0.0) if with_orders else None
    codes, names = group_codes(groups, order)
    if len(codes) != len(r0):
        raise SegmenterInputError(f"{len(r0)} customers but {len(codes)} group labels", column=group_name)
    records = []
    for k, name in enumerate(list(names) + ["Total"]):
        chosen = codes == k if k < len(names) else np.ones(len(r0), dtype=bool)
        p = _parts(r0[chosen], r1[chosen], o0[chosen] if with_orders else None, o1[chosen] if with_orders else None)
        record = {
            group_name: name,
            "customers_before": p["customers_before"],
            "customers_after": p["customers_after"],
            f"revenue_{periods[0]}": p["start"],
            "new_customers": p["new"],
            "lost_customers": p["lost"],
        }
        if with_orders:
            record.update(orders_effect=p["orders_effect"], order_value_effect=p["value_effect"])
        else:
            record["returning_customers"] = p["returning"]
        record.update({"other_change": p["other"], f"revenue_{periods[1]}": p["end"], "revenue_change": p["change"]})
        records.append(record)
    return pd.DataFrame(records)


MARGIN_STEP = "returning: margin"
REVENUE_STEP = "returning: revenue"
#: A transaction list whose first order is within this many days of the earlier period's start covers it.
FIRST_ORDER_DAYS = 31


def shapley3(x: tuple[float, float], y: tuple[float, float], z: tuple[float, float]) -> tuple[float, float, float]:
    """The change of ``x * y * z`` from (x0, y0, z0) to (x1, y1, z1) split among the three factors
    (Shapley values: each factor's change weighted over every order of change); they add up to
    ``x1 y1 z1 - x0 y0 z0`` exactly.

    Examples
    --------
    Orders 2 -> 3, value 50 -> 60, margin 20 % -> 25 %: 20 -> 45. The orders' share is
    1 x ((50 x 0.2 + 60 x 0.25) / 3 + (50 x 0.25 + 60 x 0.2) / 6) = 8.333 + 4.083:

    >>> [round(v, 4) for v in shapley3((2, 3), (50, 60), (0.2, 0.25))]
    [12.4167, 5.6667, 6.9167]
    """

    def effect(a, b, c):
        return (a[1] - a[0]) * ((b[0] * c[0] + b[1] * c[1]) / 3 + (b[0] * c[1] + b[1] * c[0]) / 6)

    return effect(x, y, z), effect(y, x, z), effect(z, x, y)


def profit_bridge(
    r0: Any,
    r1: Any,
    p0: Any,
    p1: Any,
    orders0: Any = None,
    orders1: Any = None,
    periods: tuple[str, str] = ("before", "after"),
) -> pd.DataFrame:
    """The same bridge in profit: new, lost and returning customers (kinds by revenue, as in
    :func:`customer_bridge`), the returning customers' profit change split by ``profit = orders x
    average order value x margin`` (:func:`shapley3`, margin = their profit / their revenue).

    Without order counts (``orders0``/``orders1`` None: an account list with revenue and profit per
    period only) the split is ``profit = revenue x margin``, the two-factor midpoint split (the
    same :func:`shapley3` with the orders held at 1): rows ``returning: revenue`` and
    ``returning: margin``.

    Examples
    --------
    Returning a: 2 orders of 50 at 20 % (profit 20), then 3 of 60 at 25 % (45); b new (profit 8).

    >>> table = profit_bridge([100, 0], [180, 40], [20, 0], [45, 8], [2, 0], [3, 1])
    >>> table[["step", "amount"]].values.tolist()  # doctest: +NORMALIZE_WHITESPACE
    [['profit before', 20.0], ['new customers', 8.0], ['lost customers', 0.0], ['returning: number of orders', 12.42],
     ['returning: average order value', 5.67], ['returning: margin', 6.91], ['profit after', 53.0], ['change', 33.0]]

    Without orders: revenue effect (180 - 100) x (0.2 + 0.25) / 2 = 18, margin effect
    (0.25 - 0.2) x (100 + 180) / 2 = 7.

    >>> profit_bridge([100, 0], [180, 40], [20, 0], [45, 8])["amount"].tolist()
    [20.0, 8.0, 0.0, 18.0, 7.0, 53.0, 33.0]
    """
    with_orders = orders0 is not None and orders1 is not None
    r0, r1, p0, p1 = (np.nan_to_num(np.asarray(v, dtype=float), nan=0.0) for v in (r0, r1, p0, p1))
    o0, o1 = (
        (np.nan_to_num(np.asarray(v, dtype=float), nan=0.0) for v in (orders0, orders1))
        if with_orders
        else (np.ones_like(r0), np.ones_like(r1))
    )
    kinds = np.where((r0 <= 0) & (r1 > 0), 0, np.where((r0 > 0) & (r1 <= 0), 1, np.where((r0 > 0) & (r1 > 0), 2, 3)))
    start, end = _cents(p0.sum()), _cents(p1.sum())
    change = _cents(end - start)
    amounts = [_cents((p1 - p0)[kinds == k].sum()) for k in range(4)]
    back = kinds == 2
    # without order counts the orders are held at 1 in both periods: the "value" factor is the revenue
    orders = (float(o0[back].sum()), float(o1[back].sum())) if with_orders else (1.0, 1.0)
    revenue = (float(r0[back].sum()), float(r1[back].sum()))
    profit = (float(p0[back].sum()), float(p1[back].sum()))
    if back.any():
        values = (revenue[0] / orders[0], revenue[1] / orders[1])
        margins = (profit[0] / revenue[0], profit[1] / revenue[1])
        effects = [_cents(e) for e in shapley3(orders, values, margins)]
    else:
        effects = [0.0, 0.0, 0.0]
    effects[2] = _cents(change - amounts[0] - amounts[1] - amounts[3] - effects[0] - effects[1])
    rows = [(f"profit {periods[0]}", start), (NEW, amounts[0]), (LOST, amounts[1])]
    if with_orders:
        rows += [(ORDERS_STEP, effects[0]), (VALUE_STEP, effects[1])]
    else:
        rows.append((REVENUE_STEP, effects[1]))
    rows.append((MARGIN_STEP, effects[2]))
    if amounts[3] != 0:
        rows.append((OTHER, amounts[3]))
    rows += [(f"profit {periods[1]}", end), ("change", change)]
    return pd.DataFrame(rows, columns=["step", "amount"])


def bridge_waterfall(bridge: pd.DataFrame) -> pd.DataFrame | None:
    """The stacked-column data of a :func:`customer_bridge` table (see :func:`core.overview.bridge_chart`)."""
    return bridge_chart(bridge.rename(columns={"customers": "accounts", "amount": "revenue_change"}))


def bridge_tables(
    r0: Any,
    r1: Any,
    groups: dict[str, tuple[Any, Sequence[Any] | None]],
    periods: tuple[str, str],
    orders0: Any = None,
    orders1: Any = None,
) -> dict[str, pd.DataFrame]:
    """The report's bridge tables: ``customer_bridge``, ``customer_bridge_by_<group>`` for each of
    ``groups`` (name -> (labels per customer, order)), ``chart_customer_bridge`` (when drawable)."""
    tables = {"customer_bridge": customer_bridge(r0, r1, orders0, orders1, periods)}
    for name, (labels, order) in groups.items():
        tables[f"customer_bridge_by_{name}"] = customer_bridge_by(
            r0, r1, labels, orders0, orders1, order=order, group_name=name, periods=periods
        )
    chart = bridge_waterfall(tables["customer_bridge"])
    if chart is not None:
        tables["chart_customer_bridge"] = chart
    return tables


def split_inputs(
    r0: np.ndarray,
    r1: np.ndarray,
    values: pd.DataFrame | None,
    periods: tuple[str, str],
    what: str,
    sheet_rows: np.ndarray,
) -> tuple[np.ndarray, np.ndarray] | str | None:
    """An account list's orders (or profit) of the bridge's two periods, when every account that
    needs one has it: ``(before, after)`` arrays; a sentence saying which accounts lack it (by
    their ``sheet_rows``); None when the list has no such column for one of the periods.

    Orders are needed by every returning account (revenue in both periods), at least one in each
    period; a profit by every account with revenue in the period (``what`` ``"profit"``).

    Examples
    --------
    >>> orders, rows = pd.DataFrame({"2024": [2.0, None], "2025": [3.0, 1.0]}), np.array([2, 3])
    >>> split_inputs(np.array([10.0, 0.0]), np.array([12.0, 5.0]), orders, ("2024", "2025"), "orders", rows)
    (array([2., 0.]), array([3., 1.]))
    >>> split_inputs(np.array([10.0, 4.0]), np.array([12.0, 5.0]), orders, ("2024", "2025"), "orders", rows)
    '1 returning account without orders in 2024 or 2025 (row 3)'
    """
    before, after = periods
    if values is None or before not in values or after not in values:
        return None
    v0, v1 = values[before].to_numpy(float), values[after].to_numpy(float)
    if np.isnan(v0).all() or np.isnan(v1).all():
        return None
    if what == "orders":
        missing = (r0 > 0) & (r1 > 0) & ~((v0 >= 1) & (v1 >= 1))
        kind = "returning account"
    else:
        missing = ((r0 > 0) & np.isnan(v0)) | ((r1 > 0) & np.isnan(v1))
        kind = "account with revenue"
    if missing.any():
        rows = ", ".join(str(r) for r in sheet_rows[missing][:5])
        count = int(missing.sum())
        return (
            f"{count:,} {kind}{'s' if count > 1 else ''} without {what} in {before} or {after} "
            f"(row{'s' if count > 1 else ''} {rows}{', ...' if count > 5 else ''})"
        )
    return np.nan_to_num(v0, nan=0.0), np.nan_to_num(v1, nan=0.0)


def account_bridge_tables(
    report_tables: dict[str, pd.DataFrame],
    labels: Sequence[str],
    period_orders: pd.DataFrame | None = None,
    period_profit: pd.DataFrame | None = None,
) -> dict[str, pd.DataFrame]:
    """The bridge of an account list with two or more period columns, from the report's ``growth``
    table (the last two periods) and ``segments`` (channel); empty without periods.

    ``period_orders`` / ``period_profit`` (``AccountTable.period_orders`` / ``period_profit`` in the
    ``growth`` table's row order, one column per period label): with orders of every returning
    account in both periods, their change is split into number of orders and average order value;
    with a profit for every account with revenue in both periods, ``customer_profit_bridge`` adds
    the margin (:func:`profit_bridge`). What could not be split is said in ``customer_bridge_notes``
    (``note``), with the sheet rows of the accounts lacking a figure.
    """
    growth = report_tables.get("growth")
    if growth is None:
        return {}
    columns = [
        c for c in growth.columns if str(c).startswith("revenue_") and c not in ("revenue_change", "revenue_change_pct")
    ]
    before, after = columns[-2], columns[-1]
    periods = (before[len("revenue_") :], after[len("revenue_") :])
    groups: dict[str, tuple[Any, Sequence[Any] | None]] = {
        "tier": (growth["tier"].astype(object).to_numpy(), list(labels))
    }
    segments = report_tables["segments"]
    if "channel" in segments and segments["channel"].notna().any():
        groups["channel"] = (segments["channel"].astype(object).to_numpy(), None)
    r0, r1 = (np.nan_to_num(growth[c].to_numpy(float), nan=0.0) for c in (before, after))
    sheet_rows = growth["sheet_row"].to_numpy()
    orders = split_inputs(r0, r1, period_orders, periods, "orders", sheet_rows)
    profit = split_inputs(r0, r1, period_profit, periods, "profit", sheet_rows)
    o0, o1 = orders if isinstance(orders, tuple) else (None, None)
    tables = bridge_tables(r0, r1, groups, periods, o0, o1)
    if isinstance(profit, tuple):
        tables["customer_profit_bridge"] = profit_bridge(r0, r1, *profit, o0, o1, periods)
    notes = [
        f"{'Revenue' if what == 'orders' else 'Profit'} bridge: the returning accounts' change is not split "
        f"{'into number of orders and average order value' if what == 'orders' else 'by margin'}: {said}"
        for what, said in (("orders", orders), ("profit", profit))
        if isinstance(said, str)
    ]
    if notes:
        tables["customer_bridge_notes"] = pd.DataFrame({"note": notes})
    return tables


def year_on_year(
    dates: pd.Series, end: pd.Timestamp | None = None
) -> tuple[tuple[pd.Timestamp, pd.Timestamp], tuple[pd.Timestamp, pd.Timestamp], tuple[str, str]]:
    """The two periods of a transaction list's bridge: the last calendar year up to the last date
    (a whole year, or the year to date) and the same days one year earlier.

    Returns ((start, end) earlier, (start, end) later, labels), ends inclusive.

    Examples
    --------
    >>> dates = pd.Series(pd.to_datetime(["1997-01-01", "1998-06-30"]))
    >>> _, later, labels = year_on_year(dates)
    >>> labels, later[0].date().isoformat()
    (('1 Jan-30 Jun 1997', '1 Jan-30 Jun 1998'), '1998-01-01')
    """
    end = pd.Timestamp(end if end is not None else dates.max()).normalize()
    start = pd.Timestamp(year=end.year, month=1, day=1)
    earlier = (start - pd.DateOffset(years=1), end - pd.DateOffset(years=1))
    whole = end.month == 12 and end.day == 31

    def label(span: tuple[pd.Timestamp, pd.Timestamp]) -> str:
        return str(span[0].year) if whole else f"1 Jan-{span[1].day} {span[1]:%b} {span[1].year}"

    return earlier, (start, end), (label(earlier), label((start, end)))


def transaction_bridge_tables(
    rows: pd.DataFrame,
    customers: Sequence[Any],
    groups: dict[str, tuple[Any, Sequence[Any] | None]],
    end: Any = None,
    codes: tuple[np.ndarray, np.ndarray] | None = None,
) -> dict[str, pd.DataFrame]:
    """The bridge of a transaction list, year on year (:func:`year_on_year`), per customer of
    ``customers`` (the account report's order; ``groups`` aligned with it).

    ``rows``: ``TransactionTable.rows`` (customer, date, amount, profit); ``codes``: its customer
    ids factorized (:meth:`core.transactions.TransactionTable.customer_codes`), when the caller has
    them: each distinct id is then looked up once, not each row's. Empty when the list's first
    order is more than :data:`FIRST_ORDER_DAYS` after the earlier period's first day (no whole
    earlier period to compare with). With a profit on
    every order of both periods, also ``customer_profit_bridge`` (:func:`profit_bridge`).
    """
    dates = rows["date"]
    earlier, later, labels = year_on_year(dates, end)
    if dates.min() > earlier[0] + pd.Timedelta(days=FIRST_ORDER_DAYS):
        return {}  # the list starts later: no whole earlier period to compare with
    position = pd.Series(customers, dtype=object).astype(str)
    n = len(position)
    if codes is None:
        every = positions_in(position.astype("str"), rows["customer"].astype(str))  # each row's customer, once
    else:  # each distinct id looked up once, then each row's by its code: the same positions
        every = positions_in(position.astype("str"), pd.Series(codes[1], dtype=object).astype(str))[codes[0]]
    arrays = []
    day, amounts = dates.to_numpy(), rows["amount"].to_numpy(float)
    for first, last in (earlier, later):
        # the Series' comparisons on its datetime64 values (numpy compares two units exactly)
        before = last + pd.Timedelta(days=1) - pd.Timedelta(microseconds=1)
        inside = (day >= pd.Timestamp(first).to_datetime64()) & (day <= pd.Timestamp(before).to_datetime64())
        where = every[inside]
        amount = amounts[inside]
        known = where >= 0
        revenue = np.bincount(where[known], weights=amount[known], minlength=n)
        orders = np.bincount(where[known], weights=(amount[known] >= 0).astype(float), minlength=n)
        profit = rows["profit"].to_numpy(float)[inside][known] if "profit" in rows else np.array([np.nan])
        blank_profit = bool(np.isnan(profit).any())
        arrays.append(
            (revenue, orders, None if blank_profit else np.bincount(where[known], weights=profit, minlength=n))
        )
    (r0, o0, p0), (r1, o1, p1) = arrays
    tables = bridge_tables(r0, r1, groups, labels, o0, o1)
    if p0 is not None and p1 is not None:  # a profit on every order of both periods
        tables["customer_profit_bridge"] = profit_bridge(r0, r1, p0, p1, o0, o1, labels)
    return tables


def with_account_bridge(report: Report, table: AccountTable | None = None) -> Report:
    """The account report with its bridge by customers (:func:`account_bridge_tables`) added; with
    ``table`` (the account table the report was run on) its orders and profit per period split
    the returning accounts' change."""
    segments = report.tables["segments"]
    period_orders = table.period_orders.reindex(segments.index).reset_index(drop=True) if table else None
    period_profit = table.period_profit.reindex(segments.index).reset_index(drop=True) if table else None
    tables = account_bridge_tables(report.tables, report.config.labels, period_orders, period_profit)
    return dataclasses.replace(report, tables={**report.tables, **tables}) if tables else report


def with_transaction_bridge(report: CustomerReport, transactions: TransactionTable) -> CustomerReport:
    """The customer report with the year-on-year bridge by customers in its account report (Growth sheet)."""
    accounts = report.account_report
    segments = accounts.tables["segments"]
    groups: dict[str, tuple[Any, Sequence[Any] | None]] = {
        "tier": (segments["tier"].astype(object).to_numpy(), list(accounts.config.labels))
    }
    tables = transaction_bridge_tables(
        transactions.rows,
        segments["account"].tolist(),
        groups,
        report.headline.get("observation_end"),
        transactions.customer_codes(),
    )
    if not tables:
        return report
    return dataclasses.replace(
        report, account_report=dataclasses.replace(accounts, tables={**accounts.tables, **tables})
    )
