"""Unit economics of a transaction list: LTV:CAC and months to pay back, per tier and channel.

An acquisition cost (CAC: what winning one customer costs, in the list's currency) is given once
for every customer (``120``) or per sales channel (``Web=80, Retail=150``), on the Settings sheet
(``cac``) or the CLI (``--cac``). Each customer's CAC is that of the channel of its first purchase
(:func:`core.customers.profit_clv.first_channel`). Per group (whole list, tier, channel):

``ltv_per_customer``
    The group's lifetime value over the report's horizon divided by its customers: the profit
    CLV after cost to serve when the list has profit and cost to serve, else the model CLV (in
    profit at each customer's margin, or in revenue without a profit column); ``value_basis`` says which.
``ltv_to_cac``
    ltv_per_customer / cac_per_customer (3.0: each unit spent on winning a customer brings 3 of
    value over the horizon; the customary target is 3 or more).
``months_to_pay_back``
    cac_per_customer / (ltv_per_customer / horizon in months): the months of the value the models
    expect per customer, at its average pace over the horizon, that repay the acquisition cost.
    Above the horizon's months the value within the horizon does not repay it.
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np
import pandas as pd

from core.config import parse_number
from core.errors import SegmenterInputError

#: The channel name of a CAC that applies to every customer (a lone number), or to channels not named.
EVERY_CHANNEL = "*"
DAYS_PER_MONTH = 365.25 / 12
COLUMNS = (
    "grouping",
    "group",
    "customers",
    "cac_per_customer",
    "ltv_per_customer",
    "ltv_to_cac",
    "months_to_pay_back",
    "value_basis",
)
#: One line per figure of the ``unit_economics`` table, shown beside it (``topic, note``).
NOTES = (
    ("Acquisition cost per customer", "the cac setting: one amount, or per channel for each customer's first channel"),
    (
        "Lifetime value per customer",
        "the group's lifetime value over the horizon (value basis: which one) divided by its customers",
    ),
    ("LTV:CAC", "lifetime value per customer / acquisition cost per customer; 3 or more is the customary target"),
    (
        "Months to pay back",
        "acquisition cost / (lifetime value per customer / months of the horizon): months of the expected value, "
        "at its average pace, that repay the cost; more than the horizon's months: the horizon does not repay it",
    ),
)
# a name followed by = or : starts a new entry; a comma inside a number ("1,200") does not
_ENTRY = re.compile(r"[;,]\s*(?=[^\d\s.,;=:-][^=:;]*[=:])")


def parse_cac(value: Any) -> tuple[tuple[str, float], ...]:
    """Acquisition cost(s) from a setting: one amount, or ``channel=amount`` pairs.

    Parameters
    ----------
    value:
        A number, or text: ``"120"``, ``"1,200"``, ``"Web=80, Retail=150"``, ``"Web: 80; Retail: 1.200,50"``;
        ``*=100`` is the cost of channels not named. Amounts are read by the cell rule of
        :func:`core.config.parse_number` (thousands and decimal separators as a number cell).

    Returns
    -------
    tuple of (channel, amount)
        ``(("*", 120.0),)`` for a lone amount.

    Raises
    ------
    SegmenterInputError
        An amount that is not a number, a %, 0 or less, an entry without a channel name, or a
        channel named twice (column ``cac``).

    Examples
    --------
    >>> parse_cac("120"), parse_cac(95.5)
    ((('*', 120.0),), (('*', 95.5),))
    >>> parse_cac("Web=80, Retail=1,200; *=100")
    (('Web', 80.0), ('Retail', 1200.0), ('*', 100.0))
    >>> parse_cac("Web=abc")
    Traceback (most recent call last):
    ...
    core.errors.SegmenterInputError: cac: expected a number, got 'abc'
    """
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return ((EVERY_CHANNEL, _amount(value)),)
    text = str(value).strip()
    if not re.search(r"[=:]", text):
        return ((EVERY_CHANNEL, _amount(text)),)
    pairs: dict[str, float] = {}
    for entry in _ENTRY.split(text):
        name, sep, amount = re.split(r"([=:])", entry, maxsplit=1) if re.search(r"[=:]", entry) else (entry, "", "")
        name = name.strip()
        if not sep or not name:
            raise SegmenterInputError(
                f"expected channel=amount pairs such as 'Web=80, Retail=150', got {entry.strip()!r}", column="cac"
            )
        if name in pairs:
            raise SegmenterInputError(f"channel {name!r} is given two acquisition costs", column="cac")
        pairs[name] = _amount(amount)
    return tuple(pairs.items())


def _amount(value: Any) -> float:
    if str(value).strip().endswith("%"):
        raise SegmenterInputError(f"takes an amount in the data's currency, not a %: got {value!r}", column="cac")
    number = parse_number(value, "cac")
    if not number > 0:
        raise SegmenterInputError(f"an acquisition cost must be above 0, got {value!r}", column="cac")
    return number


def cac_text(pairs: tuple[tuple[str, float], ...] | None) -> str:
    """The setting as the Settings sheet shows it.

    >>> cac_text((("Web", 80.0), ("Retail", 1200.0))), cac_text((("*", 120.0),)), cac_text(None)
    ('Web=80, Retail=1200', '120', '')
    """
    if not pairs:
        return ""
    return ", ".join(f"{v:g}" if k == EVERY_CHANNEL else f"{k}={v:g}" for k, v in pairs)


def cac_per_customer(pairs: tuple[tuple[str, float], ...], channel: np.ndarray | None, n: int) -> np.ndarray:
    """Each customer's acquisition cost: its first channel's, else the ``*`` one, else NaN.

    Raises
    ------
    SegmenterInputError
        Costs per channel but the list has no channel column.

    Examples
    --------
    >>> cac_per_customer((("Web", 80.0),), np.array(["Web", "Retail"], dtype=object), 2).tolist()
    [80.0, nan]
    >>> cac_per_customer((("*", 50.0),), None, 2).tolist()
    [50.0, 50.0]
    """
    costs = dict(pairs)
    default = costs.get(EVERY_CHANNEL, np.nan)
    named = [k for k in costs if k != EVERY_CHANNEL]
    if channel is None:
        if named:
            raise SegmenterInputError(
                f"acquisition costs are given per channel ({', '.join(named)}) but the list has no channel column",
                column="cac",
            )
        return np.full(n, default)
    lookup = {str(k).strip().casefold(): v for k, v in costs.items()}
    return np.array([lookup.get(str(c).strip().casefold(), default) for c in channel], dtype=float)


def unit_economics(
    value: np.ndarray,
    cac: np.ndarray,
    groups: dict[str, np.ndarray],
    *,
    horizon_days: float,
    value_basis: str,
) -> pd.DataFrame:
    """LTV:CAC and months to pay back for the whole list and each group (module docstring).

    Parameters
    ----------
    value:
        Each customer's lifetime value over the horizon, in currency (NaN: unknown, left out of
        its group's value and cost alike).
    cac:
        Each customer's acquisition cost (:func:`cac_per_customer`; NaN: none given).
    groups:
        Grouping name -> one label per customer ("Tier", "Channel").
    horizon_days:
        The horizon of ``value`` in days (52 weeks = 364).
    value_basis:
        What ``value`` is ("profit after cost to serve", ...), shown in the table.

    Returns
    -------
    pandas.DataFrame
        :data:`COLUMNS`; the whole list first. A group without a CAC or value has blank ratios.

    Examples
    --------
    Two customers of 300 and 100 over 12 months (365.25 days), acquired for 50 each: 200 per
    customer, LTV:CAC 4.0, and 50 / (200 / 12) = 3 months to pay back.

    >>> table = unit_economics(np.array([300.0, 100.0]), np.array([50.0, 50.0]), {},
    ...                        horizon_days=365.25, value_basis="profit")
    >>> table[["ltv_per_customer", "ltv_to_cac", "months_to_pay_back"]].round(2).values.tolist()
    [[200.0, 4.0, 3.0]]
    """
    value, cac = np.asarray(value, float), np.asarray(cac, float)
    months = horizon_days / DAYS_PER_MONTH
    labels = {"Whole list": np.full(value.size, "Whole list", dtype=object), **groups}
    rows = []
    for grouping, label in labels.items():
        label = pd.Series(np.asarray(label, dtype=object)).fillna("(blank)").astype(str).to_numpy()
        for group in sorted(pd.unique(label)):
            member = label == group
            known = member & np.isfinite(value) & np.isfinite(cac)
            count = int(known.sum())
            ltv = float(value[known].sum() / count) if count else math.nan
            cost = float(cac[known].mean()) if count else math.nan
            ratio = ltv / cost if count else math.nan
            payback = cost / (ltv / months) if count and ltv > 0 else math.nan
            rows.append((grouping, str(group), int(member.sum()), cost, ltv, ratio, payback, value_basis))
    return pd.DataFrame(rows, columns=list(COLUMNS))


def unit_economics_tables(
    pairs: tuple[tuple[str, float], ...],
    customers: pd.DataFrame,
    extras: Any,
    clv: Any,
    horizon: float,
    unit: str,
) -> dict[str, pd.DataFrame]:
    """The ``unit_economics`` table of a transaction list's report and ``unit_economics_notes``
    (:data:`NOTES`, one line per figure).

    Parameters
    ----------
    pairs:
        ``config.cac`` (:func:`parse_cac`).
    customers:
        The report's per-customer table (``tier``), in the model CLV's customer order.
    extras:
        :class:`core.customers.profit_clv.ValueExtras` (first channel, profit CLV).
    clv:
        :class:`core.customers.model_clv.ClvResult`.
    horizon, unit:
        The CLV's horizon and its unit (``"W"``...).
    """
    from core.customers.summary import UNIT_DAYS

    profit = extras.profit_values
    value = profit if profit is not None else clv.customers["model_clv"].to_numpy(float)
    cac = cac_per_customer(pairs, extras.channel, len(customers))
    groups = {"Tier": customers["tier"].to_numpy(object), **extras.groups()}
    table = unit_economics(
        value,
        cac,
        groups,
        horizon_days=horizon * UNIT_DAYS[unit],
        value_basis=extras.value_basis(extras.profit is not None),
    )
    return {"unit_economics": table, "unit_economics_notes": pd.DataFrame(NOTES, columns=["topic", "note"])}
