"""Column headers: the one place that normalises a header text and says which column it names.

Account lists and transaction lists are recognised by the same rule, from two alias tables kept
as data (:data:`ACCOUNT_ALIASES`, :data:`TRANSACTION_ALIASES`):

- a header is compared lower-case with every run of punctuation, ``_`` or spaces as one space
  (``"Customer_ID"``, ``"customer-id"`` and ``"Customer ID"`` are the same);
- an exact alias (``"Net sales"``) names its role; otherwise a header that contains an alias as
  whole words (``"Sales amount"`` contains ``"sales"``, ``"Customer ref"`` contains
  ``"customer"``) names that alias' role, the alias tables being tried in their order;
- when two columns name one role, an exact match beats a partial one and then the first column
  wins; the caller decides whether the loser is a note (accounts) or an error (transactions).

:func:`list_kind` tells a transaction list's header row from an account list's, and
:func:`header_score` counts the columns a row names, which is how the header row of an export
is found below its title rows (:mod:`core.table_finder`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

#: Account list columns. "channel" comes before "region", so "route to market ..." is a channel.
ACCOUNT_ALIASES: Mapping[str, tuple[str, ...]] = {
    "account": ("account", "customer", "client", "name", "id", "account name", "customer name",
                "customer id", "account id"),
    "revenue": ("revenue", "sales", "turnover", "amount", "net sales", "revenue total"),
    "profit": ("profit", "margin", "contribution", "contribution margin", "gross profit",
               "gross margin", "gm", "cm"),
    "nps": ("nps", "score", "nps score", "likelihood to recommend", "ltr", "recommend"),
    "industry": ("industry", "segment", "vertical", "sector"),
    "size": ("size", "employees", "size band", "company size", "headcount"),
    "channel": ("channel", "route to market", "partner type", "sales channel", "channel type", "rtm"),
    "cost_to_serve": ("cost to serve", "support cost", "support costs", "service cost", "service costs",
                      "servicing cost", "cost of service", "cts"),
    "region": ("region", "country", "territory", "market"),
    "first_purchase": ("first purchase", "since", "start date", "customer since", "first order", "start"),
}

#: Transaction list columns: one row per order or invoice.
TRANSACTION_ALIASES: Mapping[str, tuple[str, ...]] = {
    "customer": ("customer", "customer id", "customer no", "customer number", "customer name", "account",
                 "account id", "account name", "client", "client id", "client name", "cust id"),
    "date": ("date", "order date", "invoice date", "purchase date", "transaction date", "sale date"),
    "amount": ("amount", "revenue", "sales", "value", "spend", "net amount", "order value", "net sales"),
    "profit": ("profit", "margin", "gross profit", "gross margin", "profit amount", "margin amount"),
    "quantity": ("quantity", "qty", "units", "number of items"),
}

#: Words of a header that only an account list has: per-account totals, survey answers, start and
#: end dates of a relationship ("First purchase date" is an account's, not an order's).
ACCOUNT_LIST_WORDS = frozenset({"total", "totals", "annual", "yearly", "ytd", "turnover", "nps", "score",
                                "recommend", "since", "first", "last"})

#: Headers and the role each table reads them as (None: not a column of that table). One table for
#: the tests of both lists, so that the two can never disagree unseen.
TEST_HEADERS: tuple[tuple[str, str | None, str | None], ...] = (
    # header, account role, transaction role
    ("Customer", "account", "customer"),
    ("Customer ref", "account", "customer"),
    ("CUSTOMER_ID", "account", "customer"),
    ("client-id", "account", "customer"),
    ("Invoice date", None, "date"),
    ("Order_Date", None, "date"),
    ("Sales amount", "revenue", "amount"),
    ("Invoice amount", "revenue", "amount"),
    ("Net revenue", "revenue", "amount"),
    ("Revenue (USD)", "revenue", "amount"),
    ("Net Sales", "revenue", "amount"),
    ("Gross-Profit", "profit", "profit"),
    ("GM%", "profit", None),
    ("Qty", None, "quantity"),
    ("Likelihood to recommend", "nps", None),
    ("Customer since", "first_purchase", "customer"),
    ("Route to market", "channel", None),
    ("Support cost", "cost_to_serve", None),
    ("Owner", None, None),
)


def normalise_header(text: Any) -> str:
    """A header as compared: lower-case words separated by one space.

    Examples
    --------
    >>> normalise_header("  Customer_ID "), normalise_header("Revenue (USD)"), normalise_header(None)
    ('customer id', 'revenue usd', '')
    """
    if text is None:
        return ""
    return " ".join(re.findall(r"[0-9a-z]+", str(text).lower()))


@dataclass(frozen=True)
class HeaderMatcher:
    """Which role each header names, for one alias table.

    Examples
    --------
    >>> ACCOUNT_HEADERS.role("Sales amount"), TRANSACTION_HEADERS.role("Sales amount")
    ('revenue', 'amount')
    >>> TRANSACTION_HEADERS.assign(["Customer", "Invoice date", "Sales amount", "Notes"])
    ({'customer': 0, 'date': 1, 'amount': 2}, [])
    """

    aliases: Mapping[str, tuple[str, ...]]
    _exact: dict[str, str] = field(init=False, repr=False, compare=False)
    _partial: list[tuple[str, list[str]]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        exact = {normalise_header(a).replace(" ", ""): role for role, names in self.aliases.items() for a in names}
        partial = [(role, normalise_header(a).split()) for role, names in self.aliases.items() for a in names]
        object.__setattr__(self, "_exact", exact)
        object.__setattr__(self, "_partial", partial)

    def match(self, header: Any) -> tuple[str | None, bool]:
        """(role, exact) for one header; (None, False) when it names no role."""
        if not isinstance(header, str):
            return None, False
        words = normalise_header(header).split()
        role = self._exact.get("".join(words))
        if role:
            return role, True
        for role, alias in self._partial:
            n = len(alias)
            if any(words[k:k + n] == alias for k in range(len(words) - n + 1)):
                return role, False
        return None, False

    def role(self, header: Any) -> str | None:
        """The role a header names, or None."""
        return self.match(header)[0]

    def assign(self, headers: Iterable[Any], skip: Iterable[int] = ()) -> tuple[dict[str, int], list[tuple[int, str, int, bool]]]:
        """Role -> column position (exact matches first, then the first column wins).

        Returns
        -------
        (roles, losers)
            ``losers``: (position, role, winning position, both exact) for each column that
            named a role another column already took.
        """
        matches = [self.match(h) for h in headers]
        skip = set(skip)
        roles: dict[str, int] = {}
        losers = []
        for want_exact in (True, False):
            for j, (role, exact) in enumerate(matches):
                if role is None or exact != want_exact or j in skip:
                    continue
                if role in roles:
                    losers.append((j, role, roles[role], exact and matches[roles[role]][1]))
                else:
                    roles[role] = j
        return roles, losers

    def score(self, row: Iterable[Any]) -> int:
        """How many cells of a row name a role (the header row of a table names the most)."""
        return sum(self.role(cell) is not None for cell in row)


ACCOUNT_HEADERS = HeaderMatcher(ACCOUNT_ALIASES)
TRANSACTION_HEADERS = HeaderMatcher(TRANSACTION_ALIASES)
REQUIRED_TRANSACTION_ROLES = ("customer", "date", "amount")


def header_score(row: Iterable[Any]) -> int:
    """Cells of a row that name a column of either list.

    Examples
    --------
    >>> header_score(["Accounts by revenue", None]), header_score(["Account", "Revenue", "GM %"])
    (1, 3)
    """
    row = list(row)
    return max(ACCOUNT_HEADERS.score(row), TRANSACTION_HEADERS.score(row))


def list_kind(header_row: Any) -> str:
    """``"transactions"`` when a header row names a customer, a date and an amount column (once
    each, no word of :data:`ACCOUNT_LIST_WORDS`), else ``"accounts"``.

    Examples
    --------
    >>> list_kind(["Customer", "Invoice date", "Sales amount"])
    'transactions'
    >>> list_kind(["Account", "Revenue", "First purchase date"]), list_kind(["Client", "Date", "Total revenue"])
    ('accounts', 'accounts')
    """
    cells = list(header_row) if header_row is not None else []
    roles, losers = TRANSACTION_HEADERS.assign(cells)
    if not set(REQUIRED_TRANSACTION_ROLES) <= set(roles):
        return "accounts"
    if any(both_exact for _, role, _, both_exact in losers if role in REQUIRED_TRANSACTION_ROLES):
        return "accounts"
    words = {w for cell in cells if isinstance(cell, str) for w in normalise_header(cell).split()}
    return "accounts" if words & ACCOUNT_LIST_WORDS else "transactions"
