"""Transaction lists (customer, date, amount; optionally profit, quantity): reading the cells.

:func:`parse_transactions` reads cells or a DataFrame into a :class:`TransactionTable` and says
which rows could not be read; :func:`core.customers.summary.customer_summary` turns it into one
row per customer.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from core.cells import ParsedColumn, issues_frame, to_dates, to_numbers, to_text
from core.errors import SegmenterInputError
from core.exports import ExportOptions, forced_roles, read_layout
from core.grid import CellBlock, as_block
from core.headers import REQUIRED_TRANSACTION_ROLES, TRANSACTION_HEADERS, list_kind
from core.table_finder import find_header_row, find_table

REQUIRED_ROLES = REQUIRED_TRANSACTION_ROLES
#: Without a header, columns are read in this order (the last two only when present).
POSITIONAL_ROLES = ("customer", "date", "amount", "profit", "quantity")
#: Columns read only by their header: cost to serve per order (profit CLV after cost to serve,
#: :mod:`core.customers.profit_clv`), sales channel (ranges and unit economics per channel) and
#: acquisition cost per customer (unit economics, :mod:`core.unit_economics`) and cost to serve
#: per customer and year (turned into a cost per purchase, :mod:`core.customers.profit_clv`).
NAMED_ROLES = ("cost_to_serve", "channel", "acquisition_cost", "cost_to_serve_per_year")
#: The roles ``--column`` may name for a transaction list.
ROLES = POSITIONAL_ROLES + NAMED_ROLES


@dataclass(frozen=True)
class TransactionTable:
    """Transactions read from cells.

    Attributes
    ----------
    rows:
        One row per readable transaction: ``customer`` (str), ``date`` (datetime64), ``amount``
        (float, negative for returns and credit notes), ``profit`` and ``quantity`` (float, NaN
        when the column is absent or the cell blank), only when the list has them
        ``cost_to_serve`` (float, per row, NaN when blank), ``channel`` (str, None when
        blank), ``acquisition_cost`` and ``cost_to_serve_per_year`` (float, NaN when blank), ``sheet_row`` (int).
    issues:
        Cells that were coerced or rejected and rows left out, columns ``sheet_row, column,
        value, action, reason`` (:data:`core.cells.ISSUE_COLUMNS`).
    headers:
        Role -> header text as found in the sheet (``{"customer": "Client ID", ...}``).
    """

    rows: pd.DataFrame
    issues: pd.DataFrame
    headers: dict[str, str] = field(default_factory=dict)
    said: tuple[str, ...] = ()
    read_rows: int = 0
    left_out_amount: float = 0.0
    read_amount: float = 0.0

    @property
    def has_profit(self) -> bool:
        return "profit" in self.headers

    def customer_codes(self) -> tuple[np.ndarray, np.ndarray] | None:
        """``pd.factorize`` of the rows' customer ids (a code per row, by first appearance; the
        distinct ids as an object array of str), made once and shared by what adds up per customer
        (the summaries, the holdout check, the cohorts, the account report's first rows, the
        bridge): hashing a million ids takes most of a second each time. None when an id is
        missing (each caller then looks at its own rows).

        >>> table = parse_transactions([["Customer", "Date", "Amount"], ["B", "2024-01-01", 5.0],
        ...                             ["A", "2024-01-02", 5.0], ["B", "2024-01-03", 5.0]])
        >>> [v.tolist() for v in table.customer_codes()]
        [[0, 1, 0], ['B', 'A']]
        >>> table.customer_codes() is table.customer_codes()
        True
        """
        return self._factorized

    @functools.cached_property
    def _factorized(self) -> tuple[np.ndarray, np.ndarray] | None:
        """:meth:`customer_codes`, made on the first call (a table made by ``dataclasses.replace``
        makes its own)."""
        # the column's own hash (Arrow's for Arrow-backed text): the codes and ids of factorizing
        # its values as Python strings, in a fraction of the time
        codes, ids = pd.factorize(self.rows["customer"])
        return None if (codes < 0).any() else (codes, np.asarray(ids, dtype=object))


def _roles_from_header(header: list[Any], forced: dict[str, int] | None = None) -> dict[str, int]:
    """Role -> column position for the recognised headers (:mod:`core.headers`); raises when two
    headers name one role exactly."""
    found, losers = TRANSACTION_HEADERS.assign(header, forced=forced)
    for j, role, winner, both_exact in losers:
        if both_exact:
            raise SegmenterInputError(
                f"two columns could be the {role}: {header[winner]!r} and {header[j]!r}; rename one",
                column=str(header[j]),
            )
    return found


def transaction_roles(header: list[Any]) -> dict[str, str]:
    """Role -> header text for the recognised headers of a transaction list (e.g. a table's columns).

    Examples
    --------
    >>> transaction_roles(["Client ID", "Invoice date", "Net sales", "Notes"])
    {'customer': 'Client ID', 'date': 'Invoice date', 'amount': 'Net sales'}
    """
    return {role: header[position] for role, position in _roles_from_header(list(header)).items()}


def _looks_like_header(first_row: list[Any]) -> bool:
    """Headers: the row names a customer, a date and an amount, or it holds only words.

    A row of words alone (no blank, number or date) is a header naming columns we do not know
    ("Account, Revenue, Profit"): reading it as a transaction would turn numbers into dates.
    """
    roles = set(_roles_from_header(first_row))
    if set(REQUIRED_ROLES) <= roles:
        return True
    cells = np.array(list(first_row), dtype=object)
    if not cells.size or not all(isinstance(v, str) and v.strip() for v in cells):
        return False
    rows = np.ones(cells.size, dtype=np.int64)
    numbers = to_numbers(cells, column="", sheet_rows=rows).values
    dates = to_dates(cells, column="", sheet_rows=rows).values
    return bool(np.isnan(numbers).all() and np.isnat(dates).all())


def looks_like_transactions(header_row: Any) -> bool:
    """Whether a header row is a transaction list's rather than an account list's.

    Parameters
    ----------
    header_row:
        The first row of a block: header texts (or data, which is never a header).

    Returns
    -------
    bool
        True when the row names a customer, a date and an amount column (the aliases of
        :data:`core.headers.TRANSACTION_ALIASES`: e.g. Customer, Order date, Amount) and no header
        contains a word of :data:`core.headers.ACCOUNT_LIST_WORDS` (Total revenue, Annual profit, NPS, Customer
        since...), which mark one row per account. Two headers for one role (Amount and
        Revenue) are ambiguous: False.

    Notes
    -----
    An account list has no order date: its dates say when an account started ("First
    purchase", "Customer since"), which are not transaction-date aliases. So "Account,
    Revenue, Profit, First purchase" is an account list, "Customer, Date, Revenue" a
    transaction list.

    Examples
    --------
    >>> looks_like_transactions(["Customer", "Order date", "Amount", "Profit"])
    True
    >>> looks_like_transactions(["Account", "Revenue", "Profit", "NPS", "First purchase"])
    False
    >>> looks_like_transactions(["Client", "Date", "Total revenue"])
    False
    >>> looks_like_transactions(["A-17", 45306.0, 120.0])
    False
    """
    return list_kind(header_row) == "transactions"


def parse_transactions(
    cells_or_frame: Any,
    *,
    first_sheet_row: int = 1,
    has_header: bool | None = None,
    date_format: str = "auto",
    options: ExportOptions | None = None,
) -> TransactionTable:
    """Read a transaction list from cells (list of rows) or a DataFrame.

    Parameters
    ----------
    cells_or_frame:
        Cell values as xlwings gives them (a list of rows, header first) or a DataFrame
        whose column names are the headers.
    first_sheet_row:
        Sheet row number of the first row of cells (the header row when there is one), so
        issues name the rows the user sees. For a DataFrame, the header's row.
    has_header:
        ``None`` finds the header row as :func:`core.table_finder.find_header_row` does (the
        row among the first 30 naming the most columns; title rows above it noted), or takes
        the first row when it holds only words (no blank, number or date: headers of other
        columns, which then raise "no ... column found"). Total rows, a footer and blank rows
        inside the list are left out and noted (:func:`core.table_finder.find_table`).
        Without a header the columns are customer, date, amount, then optionally profit and
        quantity, in that order.
    date_format:
        Order of dates typed as text with slashes or dots: ``auto`` (the column shows it by
        a day above 12), ``DMY``, ``MDY`` or ``YMD`` (:mod:`core.dates`).
    options:
        The user's column choices and currency rates; the export's layout (line items, statuses,
        grouped rows, currencies) is read by :func:`core.exports.read_layout`.

    Returns
    -------
    TransactionTable

    Notes
    -----
    Headers are matched as :mod:`core.headers` says (case and punctuation ignored, an alias
    inside a longer header counts) against :data:`core.headers.TRANSACTION_ALIASES`
    (customer / account / client [id]; date / order, invoice, purchase date; amount / revenue /
    sales / value / spend; profit / margin (an amount, not a %);
    quantity / qty). Other columns are ignored. Dates may be Excel date cells, Excel serial
    numbers, ISO text (``2024-03-31``) or text in the order the column shows (``10/24/2024``,
    ``24.10.2024``); a column whose order stays ambiguous raises. See :func:`core.cells.to_dates`.

    A row is left out (and reported, ``action`` "row left out") when its customer, date or
    amount is blank or unreadable; fully blank rows are skipped silently. A blank or
    unreadable profit or quantity leaves that value missing. Negative amounts are kept as
    returns (reported once per row as "kept as a return"): they reduce the customer's net
    revenue and profit but are not purchases.

    Raises
    ------
    SegmenterInputError
        No customer, date or amount column; a role named by two headers; no readable row.

    Examples
    --------
    >>> table = parse_transactions([["Customer", "Order date", "Amount"],
    ...                             ["Acme", "2024-01-05", 120.0],
    ...                             ["Acme", 45306.0, "80"],
    ...                             ["Bolt", "05/01/2024", 50.0]])
    >>> table.rows[["customer", "amount", "sheet_row"]].values.tolist()
    [['Acme', 120.0, 2], ['Acme', 80.0, 3]]
    >>> table.issues[table.issues["action"] == "row left out"]["sheet_row"].tolist()
    [4]
    """
    kinds = None  # the reader's kinds of each role's cells, when it gave them
    if isinstance(cells_or_frame, pd.DataFrame):
        header = [str(c) for c in cells_or_frame.columns]
        columns = [cells_or_frame.iloc[:, i].to_numpy() for i in range(cells_or_frame.shape[1])]
        data_rows = np.arange(first_sheet_row + 1, first_sheet_row + 1 + len(cells_or_frame))
        roles = _roles_from_header(header)
        table_notes = issues_frame()
        said = ()
    else:
        block = as_block(cells_or_frame)
        if not block:
            raise SegmenterInputError("the transaction list is empty")
        if isinstance(block, CellBlock):
            array = block.array
        else:
            array = np.empty((len(block), len(block[0])), dtype=object)
            array[:] = block
        if has_header is None:
            header_at = find_header_row(array, lambda text: TRANSACTION_HEADERS.role(text) is not None)
            if header_at is None and _looks_like_header(block[0]):
                header_at = 0
        else:
            header_at = 0 if has_header else None
        options = options or ExportOptions()
        if header_at is not None:
            header = [
                str(c) if c is not None and c != "" else f"column {j + 1}" for j, c in enumerate(block[header_at])
            ]
            forced = forced_roles(header, options.columns, ROLES) if options.columns else {}
            roles = _roles_from_header(header, forced)
        else:
            header = list(POSITIONAL_ROLES[: len(block[0])])
            roles = {role: i for i, role in enumerate(header)}
        found = find_table(
            array,
            header=header_at,
            first_sheet_row=first_sheet_row,
            label_column=roles.get("customer"),
            value_column=roles.get("amount"),
            empty=block.empty if isinstance(block, CellBlock) else None,
            kinds=block.kinds if isinstance(block, CellBlock) else None,
        )
        layout = read_layout(
            array,
            header=header_at,
            rows=found.rows,
            headers=header if header_at is not None else None,
            kind="transactions",
            first_sheet_row=first_sheet_row,
            options=options,
            role_names=ROLES,
            kinds=block.kinds if isinstance(block, CellBlock) else None,
        )
        if layout.forced:
            roles = _roles_from_header(header, layout.forced)
        said = tuple(layout.said)
        table_notes = pd.concat([found.issues, issues_frame(layout.notes)], ignore_index=True)
        data_rows = first_sheet_row + layout.rows
        columns = [layout.block[layout.rows, i] for i in range(len(header))]
        if layout.kinds is not None:
            kinds = {role: layout.kinds[layout.rows, i] for role, i in roles.items()}
    missing = [role for role in REQUIRED_ROLES if role not in roles]
    if missing:
        raise SegmenterInputError(
            f"no {' / '.join(missing)} column found; headers seen: {', '.join(map(str, header)) or 'none'}. "
            f"Name them e.g. Customer, Date, Amount",
            column=missing[0],
        )
    headers = {role: header[i] for role, i in roles.items()}
    table = _read_columns(
        {role: columns[i] for role, i in roles.items()},
        headers,
        np.asarray(data_rows, dtype=np.int64),
        table_notes,
        date_format,
        kinds,
    )
    return dataclasses.replace(table, said=said)


def _read_columns(
    raw: dict[str, np.ndarray],
    headers: dict[str, str],
    sheet_rows: np.ndarray,
    table_notes: pd.DataFrame,
    date_format: str,
    kinds: dict[str, np.ndarray] | None = None,
) -> TransactionTable:
    """The transaction table from its columns by role (``kinds``: the reader's kinds of each
    column's cells, :attr:`core.grid.CellBlock.kinds`, or None)."""
    known = kinds or {}
    parsed = {
        "customer": to_text(
            raw["customer"], column=headers["customer"], sheet_rows=sheet_rows, kinds=known.get("customer")
        ),
        "date": _read_dates(
            raw["date"], column=headers["date"], sheet_rows=sheet_rows, date_format=date_format, kinds=known.get("date")
        ),
        "amount": to_numbers(raw["amount"], column=headers["amount"], sheet_rows=sheet_rows, kinds=known.get("amount")),
    }
    for role in ("profit", "quantity", "cost_to_serve", "acquisition_cost", "cost_to_serve_per_year"):
        if role in raw:
            parsed[role] = to_numbers(raw[role], column=headers[role], sheet_rows=sheet_rows, kinds=known.get(role))
    if "channel" in raw:
        parsed["channel"] = to_text(
            raw["channel"], column=headers["channel"], sheet_rows=sheet_rows, kinds=known.get("channel")
        )
    not_blank = ~np.logical_and.reduce([column.blank for column in parsed.values()])
    sheet_rows = sheet_rows[not_blank]
    parsed = {
        role: ParsedColumn(column.values[not_blank], column.issues, column.blank[not_blank])
        for role, column in parsed.items()
    }
    customer = parsed["customer"].values
    date = parsed["date"].values
    amount = parsed["amount"].values
    unusable = {
        "customer": pd.isna(customer),
        "date": np.isnat(date),
        "amount": np.isnan(amount),
    }
    left_out = unusable["customer"] | unusable["date"] | unusable["amount"]
    out_at = np.flatnonzero(left_out)  # the first unusable role of each row left out
    first_reason = np.select([unusable["customer"][out_at], unusable["date"][out_at]], ["customer", "date"], "amount")
    extra = [
        issues_frame(
            {
                "sheet_row": sheet_rows[left_out],
                "column": [headers[role] for role in first_reason],
                "value": "",
                "action": "row left out",
                "reason": (pd.Series(first_reason, dtype=object) + " is blank or unreadable").to_numpy(object),
            }
        )
    ]
    returns = ~left_out & (amount < 0)
    extra.append(
        issues_frame(
            {
                "sheet_row": sheet_rows[returns],
                "column": headers["amount"],
                "value": amount[returns].astype(str),
                "action": "kept as a return",
                "reason": "negative amount: reduces net revenue and profit, not counted as a purchase",
            }
        )
    )
    issues = pd.concat([table_notes] + [p.issues for p in parsed.values()] + extra, ignore_index=True)
    issues = issues.sort_values("sheet_row", kind="stable", ignore_index=True)
    keep = ~left_out
    if not keep.any():
        worst = max(REQUIRED_ROLES, key=lambda role: int(unusable[role].sum()))
        raise SegmenterInputError(
            f"no transaction has a readable customer, date and amount; most rows fail on their {worst}",
            column=headers[worst],
        )
    rows = pd.DataFrame(
        {
            "customer": pd.array(customer[keep], dtype="str"),
            "date": date[keep],
            "amount": amount[keep],
            "profit": parsed["profit"].values[keep] if "profit" in parsed else np.full(int(keep.sum()), np.nan),
            "quantity": parsed["quantity"].values[keep] if "quantity" in parsed else np.full(int(keep.sum()), np.nan),
            "sheet_row": sheet_rows[keep],
        },
        copy=False,  # the columns are new arrays: kept as they are, not copied into one block (0.2 s a million rows)
    )
    # only when the list has them: cost to serve and acquisition cost (NaN where blank), channel (None where blank)
    for role in NAMED_ROLES:
        if role in parsed:
            rows.insert(len(rows.columns) - 1, role, parsed[role].values[keep])
    left_amount = amount[left_out & ~np.isnan(amount)]
    return TransactionTable(
        rows=rows,
        issues=issues,
        headers=headers,
        read_rows=len(amount),
        left_out_amount=float(np.abs(left_amount).sum()),
        read_amount=float(np.abs(amount[keep]).sum()),
    )


def _read_dates(
    values: np.ndarray, *, column: str, sheet_rows: np.ndarray, date_format: str, kinds: np.ndarray | None = None
) -> ParsedColumn:
    """Dates from cells; a DataFrame's datetime64 column is already dates and passes as it is."""
    if np.asarray(values).dtype.kind == "M":
        dates = np.asarray(values).astype("datetime64[ns]")
        return ParsedColumn(dates, issues_frame(), np.isnat(dates))
    return to_dates(
        values, column=column, sheet_rows=sheet_rows, date_format=date_format, refuse_ambiguous=True, kinds=kinds
    )
