"""Period columns: which headers name revenue (or profit) of a year, a quarter or prior/current.

Finance exports put periods side by side ("Revenue 2024", "Revenue 2025", "FY24", "Q3 2025",
"Prior year", "Current"). :func:`read_period_header` says whether one header is such a column,
for which measure and which period; :func:`choose_periods` orders the period columns of a table
in time and sets aside those that cannot be used with the others. Headers only: reading the
cells is :mod:`core.accounts`' job.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

YEAR, QUARTER, RELATIVE = "year", "quarter", "relative"
KIND_PREFERENCE = (YEAR, QUARTER, RELATIVE)  # a tie in the number of columns goes to the first

# Words that may stand beside a period without changing what the column holds.
FILLER_WORDS = frozenset(
    {
        "fy",
        "year",
        "yr",
        "quarter",
        "total",
        "actual",
        "actuals",
        "usd",
        "eur",
        "gbp",
        "chf",
        "in",
        "of",
        "for",
        "the",
        "period",
    }
)

_Y4 = r"(?:19|20)\d\d"
_FISCAL = re.compile(rf"(?<![0-9a-z])(?:fy\s*)?({_Y4})\s*[/-]\s*(\d\d(?:\d\d)?)(?![0-9a-z])")
_QUARTER_FIRST = re.compile(rf"(?<![0-9a-z])q([1-4])\s*[-/' ]?\s*(?:fy\s*)?({_Y4}|\d\d)(?![0-9a-z])")
_YEAR_FIRST = re.compile(rf"(?<![0-9a-z])({_Y4})\s*[-/ ]?\s*q([1-4])(?![0-9a-z])")
_FY = re.compile(r"(?<![0-9a-z])fy\s*'?(\d{4}|\d\d)(?![0-9a-z])")
_YEAR = re.compile(rf"(?<![0-9a-z])({_Y4})(?![0-9a-z])")
_PRIOR = re.compile(r"(?<![0-9a-z])(?:prior(?: year)?|previous(?: year)?|last year|py)(?![0-9a-z])")
#: What is left of an order-count period header once the period and filler words are removed
#: ("Orders 2024", "Number of orders FY25", "Invoice count 2025"): the accounts' orders in that period.
ORDER_PHRASES = frozenset(
    {
        "orders",
        "order count",
        "orders count",
        "number orders",
        "no orders",
        "nr orders",
        "invoices",
        "invoice count",
        "number invoices",
        "transactions",
        "transaction count",
        "number transactions",
    }
)
_CURRENT = re.compile(r"(?<![0-9a-z])(?:current(?: year)?|this year|cy)(?![0-9a-z])")


@dataclass(frozen=True)
class PeriodHeader:
    """What one period column holds.

    Attributes
    ----------
    header:
        The header text as written.
    measure:
        ``"revenue"``, ``"profit"`` or ``"orders"`` (a count of orders, :data:`ORDER_PHRASES`).
    label:
        The period as the report shows it: ``"2024"``, ``"2024/25"``, ``"Q3 2025"``,
        ``"prior"`` or ``"current"``.
    kind:
        ``"year"``, ``"quarter"`` or ``"relative"`` (prior/current).
    time:
        Position in time, in years: 2024 for "2024" and "FY 2024/25", 2025.5 for
        "Q3 2025" (2025 + (3 - 1) / 4), 0 for prior and 1 for current (taken as one
        year apart). Differences of ``time`` are the years CAGR compounds over.
    """

    header: str
    measure: str
    label: str
    kind: str
    time: float


def _two_digit_year(text: str) -> int:
    return int(text) if len(text) == 4 else 2000 + int(text)


def _period(text: str) -> tuple[str, str, float, tuple[int, int]] | None:
    """(label, kind, time, span of the match) of the first period found in lower-case text."""
    match = _FISCAL.search(text)
    if match:
        start, end = int(match.group(1)), match.group(2)
        end_year = _two_digit_year(end) if len(end) == 4 else start - start % 100 + int(end)
        if end_year == start + 1:
            return f"{start}/{str(end_year)[2:]}", YEAR, float(start), match.span()
    for pattern, year_group, quarter_group in ((_QUARTER_FIRST, 2, 1), (_YEAR_FIRST, 1, 2)):
        match = pattern.search(text)
        if match:
            year, quarter = _two_digit_year(match.group(year_group)), int(match.group(quarter_group))
            return f"Q{quarter} {year}", QUARTER, year + (quarter - 1) / 4, match.span()
    for pattern in (_FY, _YEAR):
        match = pattern.search(text)
        if match:
            year = _two_digit_year(match.group(1))
            return str(year), YEAR, float(year), match.span()
    for pattern, label, time in ((_PRIOR, "prior", 0.0), (_CURRENT, "current", 1.0)):
        match = pattern.search(text)
        if match:
            return label, RELATIVE, time, match.span()
    return None


def read_period_header(header: str, role_of: Callable[[str], str | None]) -> PeriodHeader | None:
    """The period column a header names, or None when it names none.

    Parameters
    ----------
    header:
        One header text.
    role_of:
        The account parser's header matcher: text -> role name or None.

    Returns
    -------
    PeriodHeader or None
        A period column when the header holds a period (year 1900-2099, FY24, FY 2024/25,
        Q3 2025, 2025 Q3, 2025-Q3, prior/previous/last year, current/this year, PY/CY) and
        what is left, once the period and filler words ("FY", "year", "total", "actual",
        a currency) are removed, is empty (revenue), names revenue or profit, or counts orders
        (:data:`ORDER_PHRASES`: "Orders 2024", "Number of orders FY25").

    Notes
    -----
    "Customer since 2019" or "Employees 2024" are not period columns: what is left names
    another column. "FY24" is fiscal year 2024 and "FY 2024/25" the fiscal year that starts
    in 2024; a quarter's year may have two digits ("Q3 25").

    Examples
    --------
    >>> from core.accounts import header_role
    >>> read_period_header("FY24", header_role)
    PeriodHeader(header='FY24', measure='revenue', label='2024', kind='year', time=2024.0)
    >>> read_period_header("Gross profit Q3 2025", header_role).label
    'Q3 2025'
    >>> read_period_header("Customer since 2019", header_role) is None
    True
    >>> read_period_header("Number of orders 2025", header_role).measure
    'orders'
    """
    text = str(header).lower()
    found = _period(text)
    if found is None:
        return None
    label, kind, time, (start, end) = found
    rest = [w for w in re.findall(r"[0-9a-z]+", text[:start] + " " + text[end:]) if w not in FILLER_WORDS]
    measure = "orders" if " ".join(rest) in ORDER_PHRASES else role_of(" ".join(rest)) if rest else "revenue"
    if measure not in ("revenue", "profit", "orders"):
        return None
    return PeriodHeader(header=str(header), measure=measure, label=label, kind=kind, time=time)


@dataclass(frozen=True)
class PeriodChoice:
    """The period columns a table uses, and why others were set aside.

    Attributes
    ----------
    revenue, profit, orders:
        Column index -> :class:`PeriodHeader`, revenue in time order (oldest first);
        profit and orders only for periods that also have revenue.
    set_aside:
        Column index -> the reason it is not used as a period (kept as an extra column).
    """

    revenue: dict[int, PeriodHeader]
    profit: dict[int, PeriodHeader]
    set_aside: dict[int, str]
    orders: dict[int, PeriodHeader] = field(default_factory=dict)

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(p.label for p in self.revenue.values())


def choose_periods(found: dict[int, PeriodHeader]) -> PeriodChoice:
    """Order the period columns in time; keep one kind, one column per measure and period.

    Parameters
    ----------
    found:
        Column index -> its period header (from :func:`read_period_header`).

    Returns
    -------
    PeriodChoice

    Notes
    -----
    Years, quarters and prior/current cannot be ordered against each other, so the kind
    with the most revenue columns is used (ties: years, then quarters); a column of another
    kind, a second column for the same measure and period (the first one wins), or a profit
    column for a period without revenue is set aside with the reason.

    Examples
    --------
    >>> from core.accounts import header_role
    >>> headers = ["Revenue 2025", "Revenue 2024", "Profit 2025", "Q1 2026"]
    >>> found = {j: read_period_header(h, header_role) for j, h in enumerate(headers)}
    >>> choice = choose_periods(found)
    >>> choice.labels, list(choice.profit), choice.set_aside
    (('2024', '2025'), [2], {3: 'the other period columns are years, this one is a quarter'})
    """
    set_aside: dict[int, str] = {}
    counts = {kind: sum(p.kind == kind and p.measure == "revenue" for p in found.values()) for kind in KIND_PREFERENCE}
    kind = max(KIND_PREFERENCE, key=lambda k: (counts[k], -KIND_PREFERENCE.index(k)))
    chosen: dict[tuple[str, str], int] = {}
    for j, period in found.items():
        if period.kind != kind:
            set_aside[j] = f"the other period columns are {kind}s, this one is a {period.kind}"
        elif (period.measure, period.label) in chosen:
            first = found[chosen[(period.measure, period.label)]].header
            set_aside[j] = f"'{first}' already gives {period.measure} for {period.label}"
        else:
            chosen[(period.measure, period.label)] = j
    revenue = {j: found[j] for (measure, _), j in chosen.items() if measure == "revenue"}
    revenue = dict(sorted(revenue.items(), key=lambda item: item[1].time))
    labels = {p.label for p in revenue.values()}
    profit, orders = {}, {}
    for (measure, label), j in chosen.items():
        if measure == "revenue":
            continue
        if label in labels:
            (profit if measure == "profit" else orders)[j] = found[j]
        else:
            set_aside[j] = f"no revenue column for {label}"
    return PeriodChoice(revenue=revenue, profit=profit, set_aside=set_aside, orders=orders)


def years_since_first(periods: Sequence[PeriodHeader]) -> tuple[float, ...]:
    """Years from the first period to each period (0 for the first).

    Examples
    --------
    >>> from core.accounts import header_role
    >>> years_since_first([read_period_header(h, header_role) for h in ("Q1 2025", "Q3 2025")])
    (0.0, 0.5)
    """
    if not periods:
        return ()
    first = periods[0].time
    return tuple(p.time - first for p in periods)
