"""Unit economics of a transaction list: LTV:CAC and months to pay back, per tier, channel and cohort.

An acquisition cost (CAC: what winning one customer costs, in the list's currency) is given once
for every customer (``120``) or per sales channel (``Web=80, Retail=150``), on the Settings sheet
(``cac``) or the CLI (``--cac``), or per acquisition cohort (``2023=90, 2024=110``;
``2024Q1=95`` or ``2024-Q1=95``; ``2024-03=100``): keys that read as a year, quarter or month are
cohorts, matched against each customer's first purchase (the most specific key wins: a month
before its quarter before its year); any other key is a channel, that of the customer's first
purchase (:func:`core.customers.profit_clv.first_channel`). Channels and cohorts in one setting
are refused (which would win is not clear). A transaction list with an acquisition-cost column
("Acquisition cost", "CAC") gives the customers that have one their own CAC, which wins over the
setting. Per group (whole list, tier, channel, cohort):

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
#: The first line of the notes when the list has an acquisition-cost column.
COLUMN_NOTE = (
    "Acquisition cost from the list",
    "{known} of {total} customers have an acquisition cost in the list's acquisition-cost column, which wins "
    "over the cac setting for them",
)
#: One line per figure of the ``unit_economics`` table, shown beside it (``topic, note``).
NOTES = (
    (
        "Acquisition cost per customer",
        "the cac setting: one amount, per channel (each customer's first channel) or per acquisition cohort "
        "(the year, quarter or month of each customer's first purchase)",
    ),
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
# a name followed by = or : starts a new entry; a comma inside a number ("1,200") does not, nor a
# number before a cohort key ("2024=90, 2025=110" splits at ", 2025=")
_ENTRY = re.compile(r"[;,]\s*(?=(?:[^\d\s.,;=:-][^=:;]*|\d{4}(?:\s*-?\s*[Qq][1-4]|-\d{1,2})?\s*)[=:])")
_YEAR, _QUARTER, _MONTH = (
    re.compile(r"^(\d{4})$"),
    re.compile(r"^(\d{4})\s*-?\s*[Qq]([1-4])$"),
    re.compile(r"^(\d{4})-(\d{1,2})$"),
)


def cohort_key(name: str) -> str | None:
    """A CAC key as an acquisition cohort label (the Cohorts sheet's: ``2024Q1``, ``2024-03``;
    a year as ``2024``), None when it is not a period (a channel name).

    >>> cohort_key("2024"), cohort_key("2024-Q1"), cohort_key("2024 q3"), cohort_key("2024-3"), cohort_key("Web")
    ('2024', '2024Q1', '2024Q3', '2024-03', None)
    >>> cohort_key("2024-13") is None
    True
    """
    name = str(name).strip()
    if match := _YEAR.match(name):
        return match[1]
    if match := _QUARTER.match(name):
        return f"{match[1]}Q{match[2]}"
    if (match := _MONTH.match(name)) and 1 <= int(match[2]) <= 12:
        return f"{match[1]}-{int(match[2]):02d}"
    return None


def parse_cac(value: Any) -> tuple[tuple[str, float], ...]:
    """Acquisition cost(s) from a setting: one amount, or ``channel=amount`` or ``cohort=amount`` pairs.

    Parameters
    ----------
    value:
        A number, or text: ``"120"``, ``"1,200"``, ``"Web=80, Retail=150"``, ``"Web: 80; Retail: 1.200,50"``;
        ``"2023=90, 2024-Q1=110, 2024-03=95"`` (cohorts, stored as :func:`cohort_key` labels);
        ``*=100`` is the cost of channels or cohorts not named. Amounts are read by the cell rule of
        :func:`core.config.parse_number` (thousands and decimal separators as a number cell).

    Returns
    -------
    tuple of (channel, amount)
        ``(("*", 120.0),)`` for a lone amount.

    Raises
    ------
    SegmenterInputError
        An amount that is not a number, a %, 0 or less, an entry without a channel name, a
        channel or cohort named twice, or channels mixed with cohorts (column ``cac``).

    Examples
    --------
    >>> parse_cac("120"), parse_cac(95.5)
    ((('*', 120.0),), (('*', 95.5),))
    >>> parse_cac("Web=80, Retail=1,200; *=100")
    (('Web', 80.0), ('Retail', 1200.0), ('*', 100.0))
    >>> parse_cac("2023=90, 2024-Q1=1,100; 2024-03=95")
    (('2023', 90.0), ('2024Q1', 1100.0), ('2024-03', 95.0))
    >>> parse_cac("Web=80, 2024=90")
    Traceback (most recent call last):
    ...
    core.errors.SegmenterInputError: cac: mixes channels (Web) and cohorts (2024): give costs per one or the other
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
        name = cohort_key(name) or name
        if name in pairs:
            raise SegmenterInputError(f"{name!r} is given two acquisition costs", column="cac")
        pairs[name] = _amount(amount)
    named = [k for k in pairs if k != EVERY_CHANNEL]
    cohorts = [k for k in named if cohort_key(k)]
    if cohorts and len(cohorts) < len(named):
        channels = [k for k in named if not cohort_key(k)]
        raise SegmenterInputError(
            f"mixes channels ({', '.join(channels)}) and cohorts ({', '.join(cohorts)}): "
            "give costs per one or the other",
            column="cac",
        )
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


def is_by_cohort(pairs: tuple[tuple[str, float], ...]) -> bool:
    """Whether the setting gives costs per acquisition cohort (its named keys read as periods).

    >>> is_by_cohort(parse_cac("2024=90, *=100")), is_by_cohort(parse_cac("Web=80")), is_by_cohort(parse_cac("120"))
    (True, False, False)
    """
    named = [k for k, _ in pairs if k != EVERY_CHANNEL]
    return bool(named) and all(cohort_key(k) for k in named)


def cohort_labels(first_purchase: Any, pairs: tuple[tuple[str, float], ...]) -> np.ndarray:
    """Each customer's acquisition cohort at the finest period the setting names: ``2024-03``
    (a month key), ``2024Q1`` (a quarter key, none by month) or ``2024`` (years only).

    >>> dates = pd.to_datetime(["2023-11-05", "2024-02-10"])
    >>> cohort_labels(dates, parse_cac("2023=90, 2024=110")).tolist()
    ['2023', '2024']
    >>> cohort_labels(dates, parse_cac("2023=90, 2024-Q1=110")).tolist()
    ['2023Q4', '2024Q1']
    """
    dates = pd.DatetimeIndex(pd.to_datetime(np.asarray(first_purchase)))
    keys = [k for k, _ in pairs if k != EVERY_CHANNEL]
    years = dates.year.astype(str).to_numpy(object)
    if any(_MONTH.match(k) for k in keys):
        return np.array([f"{y}-{m:02d}" for y, m in zip(years, dates.month)], dtype=object)
    if any("Q" in k for k in keys):
        return np.array([f"{y}Q{q}" for y, q in zip(years, dates.quarter)], dtype=object)
    return years


def cac_by_cohort(pairs: tuple[tuple[str, float], ...], first_purchase: Any) -> np.ndarray:
    """Each customer's acquisition cost by the period of its first purchase: its month's key,
    else its quarter's, else its year's, else the ``*`` one, else NaN.

    >>> dates = pd.to_datetime(["2023-11-05", "2024-02-10", "2024-03-20", "2025-01-02"])
    >>> cac_by_cohort(parse_cac("2023=90, 2024=110, 2024-03=130"), dates).tolist()
    [90.0, 110.0, 130.0, nan]
    """
    costs = dict(pairs)
    default = costs.get(EVERY_CHANNEL, np.nan)
    dates = pd.DatetimeIndex(pd.to_datetime(np.asarray(first_purchase)))
    out = np.empty(len(dates))
    for i, (year, quarter, month) in enumerate(zip(dates.year, dates.quarter, dates.month)):
        for key in (f"{year}-{month:02d}", f"{year}Q{quarter}", f"{year}"):
            if key in costs:
                out[i] = costs[key]
                break
        else:
            out[i] = default
    return out


def cac_per_customer(pairs: tuple[tuple[str, float], ...], channel: np.ndarray | None, n: int) -> np.ndarray:
    """Each customer's acquisition cost by channel: its first channel's, else the ``*`` one, else NaN.

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
        ``config.cac`` (:func:`parse_cac`; empty when only the list's column gives costs).
    customers:
        The report's per-customer table (``tier``, ``first_purchase``), in the model CLV's customer order.
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
    groups = {"Tier": customers["tier"].to_numpy(object), **extras.groups()}
    if is_by_cohort(pairs):
        first = customers["first_purchase"].to_numpy()
        cac = cac_by_cohort(pairs, first)
        groups["Cohort"] = cohort_labels(first, pairs)
    else:
        cac = cac_per_customer(pairs, extras.channel, len(customers))
    notes = list(NOTES)
    if extras.acquisition is not None:  # the list's own acquisition cost wins where it has one
        given = np.isfinite(extras.acquisition)
        cac = np.where(given, extras.acquisition, cac)
        notes.insert(0, (COLUMN_NOTE[0], COLUMN_NOTE[1].format(known=int(given.sum()), total=given.size)))
    table = unit_economics(
        value,
        cac,
        groups,
        horizon_days=horizon * UNIT_DAYS[unit],
        value_basis=extras.value_basis(extras.profit is not None),
    )
    return {"unit_economics": table, "unit_economics_notes": pd.DataFrame(notes, columns=["topic", "note"])}
