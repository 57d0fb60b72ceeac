"""Transaction lists (customer, date, amount; optionally profit, quantity) to a per-customer table.

:func:`parse_transactions` reads cells or a DataFrame into a :class:`TransactionTable` and says
which rows could not be read; :func:`customer_summary` turns it into one row per customer with
the purchase history figures the RFM and lifetime-value models use (frequency, recency, T) and
the ``account``, ``revenue``, ``profit`` columns the account report reads.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from core.cells import ParsedColumn, issues_frame, to_dates, to_numbers, to_text
from core.errors import SegmenterInputError
from core.grid import as_block
from core.table_finder import find_header_row, find_table
from core.headers import REQUIRED_TRANSACTION_ROLES, TRANSACTION_HEADERS, list_kind

REQUIRED_ROLES = REQUIRED_TRANSACTION_ROLES
#: Without a header, columns are read in this order (the last two only when present).
POSITIONAL_ROLES = ("customer", "date", "amount", "profit", "quantity")
#: Days per time unit of recency and T: day, week, average Gregorian month (365.25 / 12).
UNIT_DAYS = {"D": 1.0, "W": 7.0, "M": 365.25 / 12}

SUMMARY_COLUMNS = (
    "account", "first_purchase", "last_purchase", "purchases", "repeat_purchases", "frequency", "recency", "T",
    "time_since_last", "total_spend", "avg_spend", "avg_repeat_spend", "total_profit", "avg_margin_pct",
    "total_quantity", "revenue", "profit",
)


@dataclass(frozen=True)
class TransactionTable:
    """Transactions read from cells.

    Attributes
    ----------
    rows:
        One row per readable transaction: ``customer`` (str), ``date`` (datetime64), ``amount``
        (float, negative for returns and credit notes), ``profit`` and ``quantity`` (float, NaN
        when the column is absent or the cell blank), ``sheet_row`` (int).
    issues:
        Cells that were coerced or rejected and rows left out, columns ``sheet_row, column,
        value, action, reason`` (:data:`core.cells.ISSUE_COLUMNS`).
    headers:
        Role -> header text as found in the sheet (``{"customer": "Client ID", ...}``).
    """

    rows: pd.DataFrame
    issues: pd.DataFrame
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def has_profit(self) -> bool:
        return "profit" in self.headers


def _roles_from_header(header: list[Any]) -> dict[str, int]:
    """Role -> column position for the recognised headers (:mod:`core.headers`); raises when two
    headers name one role exactly."""
    found, losers = TRANSACTION_HEADERS.assign(header)
    for j, role, winner, both_exact in losers:
        if both_exact:
            raise SegmenterInputError(
                f"two columns could be the {role}: {header[winner]!r} and {header[j]!r}; rename one",
                column=str(header[j]),
            )
    return found


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


def parse_transactions(cells_or_frame: Any, *, first_sheet_row: int = 1, has_header: bool | None = None,
                       date_format: str = "auto") -> TransactionTable:
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

    Returns
    -------
    TransactionTable

    Notes
    -----
    Headers are matched as :mod:`core.headers` says (case and punctuation ignored, an alias
    inside a longer header counts) against :data:`core.headers.TRANSACTION_ALIASES`
    (customer / account / client [id]; date / order, invoice, purchase date; amount / revenue / sales / value / spend; profit / margin (an amount, not a %);
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
    if isinstance(cells_or_frame, pd.DataFrame):
        header = [str(c) for c in cells_or_frame.columns]
        columns = [cells_or_frame.iloc[:, i].to_numpy() for i in range(cells_or_frame.shape[1])]
        data_rows = np.arange(first_sheet_row + 1, first_sheet_row + 1 + len(cells_or_frame))
        roles = _roles_from_header(header)
        table_notes = issues_frame()
    else:
        block = as_block(cells_or_frame)
        if not block:
            raise SegmenterInputError("the transaction list is empty")
        array = np.empty((len(block), len(block[0])), dtype=object)
        array[:] = block
        if has_header is None:
            header_at = find_header_row(array, lambda text: TRANSACTION_HEADERS.role(text) is not None)
            if header_at is None and _looks_like_header(block[0]):
                header_at = 0
        else:
            header_at = 0 if has_header else None
        if header_at is not None:
            header = [str(c) if c is not None else "" for c in block[header_at]]
            roles = _roles_from_header(header)
        else:
            header = list(POSITIONAL_ROLES[: len(block[0])])
            roles = {role: i for i, role in enumerate(header)}
        found = find_table(array, header=header_at, first_sheet_row=first_sheet_row,
                           label_column=roles.get("customer"), value_column=roles.get("amount"))
        table_notes = found.issues
        data_rows = first_sheet_row + found.rows
        columns = [array[found.rows, i] for i in range(len(header))]
    missing = [role for role in REQUIRED_ROLES if role not in roles]
    if missing:
        raise SegmenterInputError(
            f"no {' / '.join(missing)} column found; headers seen: {', '.join(map(str, header)) or 'none'}. "
            f"Name them e.g. Customer, Date, Amount",
            column=missing[0],
        )
    headers = {role: header[i] for role, i in roles.items()}
    return _read_columns({role: columns[i] for role, i in roles.items()}, headers,
                         np.asarray(data_rows, dtype=np.int64), table_notes, date_format)


def _read_columns(raw: dict[str, np.ndarray], headers: dict[str, str], sheet_rows: np.ndarray,
                  table_notes: pd.DataFrame, date_format: str) -> TransactionTable:
    parsed = {
        "customer": to_text(raw["customer"], column=headers["customer"], sheet_rows=sheet_rows),
        "date": _read_dates(raw["date"], column=headers["date"], sheet_rows=sheet_rows, date_format=date_format),
        "amount": to_numbers(raw["amount"], column=headers["amount"], sheet_rows=sheet_rows),
    }
    for role in ("profit", "quantity"):
        if role in raw:
            parsed[role] = to_numbers(raw[role], column=headers[role], sheet_rows=sheet_rows)
    not_blank = ~np.logical_and.reduce([column.blank for column in parsed.values()])
    sheet_rows = sheet_rows[not_blank]
    parsed = {role: ParsedColumn(column.values[not_blank], column.issues, column.blank[not_blank])
              for role, column in parsed.items()}
    customer = parsed["customer"].values
    date = parsed["date"].values
    amount = parsed["amount"].values
    unusable = {
        "customer": pd.isna(customer),
        "date": np.isnat(date),
        "amount": np.isnan(amount),
    }
    left_out = unusable["customer"] | unusable["date"] | unusable["amount"]
    first_reason = np.select([unusable["customer"], unusable["date"]], ["customer", "date"], "amount")
    extra = [issues_frame({
        "sheet_row": sheet_rows[left_out],
        "column": [headers[role] for role in first_reason[left_out]],
        "value": "",
        "action": "row left out",
        "reason": (pd.Series(first_reason[left_out], dtype=object) + " is blank or unreadable").to_numpy(object),
    })]
    returns = ~left_out & (amount < 0)
    extra.append(issues_frame({
        "sheet_row": sheet_rows[returns], "column": headers["amount"], "value": amount[returns].astype(str),
        "action": "kept as a return",
        "reason": "negative amount: reduces net revenue and profit, not counted as a purchase",
    }))
    issues = pd.concat([table_notes] + [p.issues for p in parsed.values()] + extra, ignore_index=True)
    issues = issues.sort_values("sheet_row", kind="stable", ignore_index=True)
    keep = ~left_out
    if not keep.any():
        worst = max(REQUIRED_ROLES, key=lambda role: int(unusable[role].sum()))
        raise SegmenterInputError(f"no transaction has a readable customer, date and amount; most rows fail on "
                                  f"their {worst}", column=headers[worst])
    rows = pd.DataFrame({
        "customer": pd.array(customer[keep], dtype="str"),
        "date": date[keep],
        "amount": amount[keep],
        "profit": parsed["profit"].values[keep] if "profit" in parsed else np.full(int(keep.sum()), np.nan),
        "quantity": parsed["quantity"].values[keep] if "quantity" in parsed else np.full(int(keep.sum()), np.nan),
        "sheet_row": sheet_rows[keep],
    })
    return TransactionTable(rows=rows, issues=issues, headers=headers)


def _read_dates(values: np.ndarray, *, column: str, sheet_rows: np.ndarray, date_format: str) -> ParsedColumn:
    """Dates from cells; a DataFrame's datetime64 column is already dates and passes as it is."""
    if np.asarray(values).dtype.kind == "M":
        dates = np.asarray(values).astype("datetime64[ns]")
        return ParsedColumn(dates, issues_frame(), np.isnat(dates))
    return to_dates(values, column=column, sheet_rows=sheet_rows, date_format=date_format, refuse_ambiguous=True)


def customer_summary(transactions: TransactionTable, *, observation_end: Any = None, unit: str = "W"
                     ) -> pd.DataFrame:
    """One row per customer: purchase history, spend, margin and the BG/NBD inputs.

    Parameters
    ----------
    transactions:
        From :func:`parse_transactions`.
    observation_end:
        Last day observed (a date, ``"1997-09-30"``); transactions after it are left out
        (use it to set a calibration period). Default: the last transaction date.
    unit:
        Time unit of recency, T and time_since_last: ``"D"`` days, ``"W"`` weeks (7 days, the
        default, as in the CDNOW studies) or ``"M"`` months of 365.25 / 12 = 30.4375 days.
        Stored in ``result.attrs["unit"]``.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SUMMARY_COLUMNS`, one row per customer with at least one purchase up to
        ``observation_end``, sorted by account:

        - ``account``: customer id; ``first_purchase``, ``last_purchase``: dates of the first
          and last purchase;
        - ``purchases``: purchase rows (orders, amount >= 0); ``repeat_purchases`` = purchases - 1;
        - ``frequency``: purchase *days* after the first (several orders on one day are one
          purchase occasion, as in BG/NBD and lifetimes);
        - ``recency`` = (last_purchase - first_purchase) days / unit days;
          ``T`` = (observation_end - first_purchase) days / unit days;
          ``time_since_last`` = T - recency;
        - ``total_spend``: sum of all amounts, returns included (net revenue);
          ``avg_spend`` = total_spend / purchases;
        - ``avg_repeat_spend``: mean of the daily purchase totals after the first purchase day
          (returns excluded; the Gamma-Gamma model's input), blank when frequency = 0;
        - ``total_profit``: sum of profit, blank when there is no profit column or any of the
          customer's rows lacks it; ``avg_margin_pct`` = total_profit / total_spend as a
          fraction (0.25 = 25 %), blank when total_spend <= 0;
        - ``total_quantity``: sum of quantity (blank as for profit);
        - ``revenue`` = total_spend and ``profit`` = total_profit, so the account report
          (tiers, concentration, matrix) reads this table like an account list.

    Notes
    -----
    Times of day are ignored (dates count by calendar day). Returns of a customer with no
    purchase up to ``observation_end`` are left out with that customer.

    Raises
    ------
    SegmenterInputError
        Unknown unit; no purchase on or before ``observation_end``.

    Examples
    --------
    >>> table = parse_transactions([["Customer", "Date", "Amount"], ["A", "2024-01-01", 10.0],
    ...                             ["A", "2024-01-01", 5.0], ["A", "2024-01-15", 30.0],
    ...                             ["A", "2024-01-29", -6.0], ["B", "2024-01-22", 20.0]])
    >>> summary = customer_summary(table, observation_end="2024-01-29")
    >>> summary[["account", "purchases", "frequency", "recency", "T", "total_spend", "avg_repeat_spend"]].values.tolist()
    [['A', 3, 1, 2.0, 4.0, 39.0, 30.0], ['B', 1, 0, 0.0, 1.0, 20.0, nan]]
    """
    if unit not in UNIT_DAYS:
        raise SegmenterInputError(f"unknown time unit {unit!r}; use D (days), W (weeks) or M (months)",
                                  column="unit")
    rows = transactions.rows
    day = rows["date"].to_numpy().astype("datetime64[D]").astype(np.int64)
    end = int(day.max()) if observation_end is None else _day_number(observation_end)
    in_period = day <= end
    amount = rows["amount"].to_numpy()
    purchase = in_period & (amount >= 0)
    if not purchase.any():
        raise SegmenterInputError(f"no purchase on or before {_day_text(end)}", column="date")
    codes, accounts = pd.factorize(rows["customer"].to_numpy()[in_period])
    n_accounts = accounts.size
    amount, day = amount[in_period], day[in_period]
    purchase = purchase[in_period]

    def per_account(weights: np.ndarray) -> np.ndarray:
        return np.bincount(codes, weights=weights, minlength=n_accounts)

    total_spend = per_account(amount)
    optional = {}
    for role in ("profit", "quantity"):
        values = rows[role].to_numpy()[in_period]
        unknown = per_account(np.isnan(values).astype(float)) > 0
        optional[role] = np.where(unknown, np.nan, per_account(np.nan_to_num(values)))
    purchases = per_account(purchase.astype(float)).astype(np.int64)

    # One key per (account, day) with a purchase; sorted keys put each account's days in order.
    first_day_seen = int(day.min())
    span = int(day.max()) - first_day_seen + 1
    keys, key_of_row = np.unique(codes[purchase].astype(np.int64) * span + (day[purchase] - first_day_seen),
                                 return_inverse=True)
    day_spend = np.bincount(key_of_row, weights=amount[purchase], minlength=keys.size)
    key_account = keys // span
    key_day = keys % span + first_day_seen
    starts = np.flatnonzero(np.r_[True, key_account[1:] != key_account[:-1]])
    ends = np.r_[starts[1:], keys.size] - 1
    spend_after_first_day = np.add.reduceat(day_spend, starts) - day_spend[starts]
    buyers = key_account[starts]
    order = np.argsort(accounts[buyers], kind="stable")
    starts, ends, buyers, spend_after_first_day = starts[order], ends[order], buyers[order], spend_after_first_day[order]

    unit_days = UNIT_DAYS[unit]
    frequency = ends - starts
    first_day, last_day = key_day[starts], key_day[ends]
    purchases = purchases[buyers]
    total_spend = total_spend[buyers]
    total_profit = optional["profit"][buyers]
    recency = (last_day - first_day) / unit_days
    age = (end - first_day) / unit_days
    with np.errstate(divide="ignore", invalid="ignore"):
        avg_repeat = np.where(frequency > 0, spend_after_first_day / frequency, np.nan)
        margin = np.where(total_spend > 0, total_profit / total_spend, np.nan)
    summary = pd.DataFrame({
        "account": pd.array(accounts[buyers], dtype="str"),
        "first_purchase": _dates(first_day),
        "last_purchase": _dates(last_day),
        "purchases": purchases,
        "repeat_purchases": purchases - 1,
        "frequency": frequency,
        "recency": recency,
        "T": age,
        "time_since_last": age - recency,
        "total_spend": total_spend,
        "avg_spend": total_spend / purchases,
        "avg_repeat_spend": avg_repeat,
        "total_profit": total_profit,
        "avg_margin_pct": margin,
        "total_quantity": optional["quantity"][buyers],
        "revenue": total_spend,
        "profit": total_profit,
    })
    summary.attrs["unit"] = unit
    summary.attrs["observation_end"] = _day_text(end)
    return summary


def _day_number(value: Any) -> int:
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError):
        raise SegmenterInputError(f"observation end {value!r} is not a date (use YYYY-MM-DD)",
                                  column="observation_end") from None
    if pd.isna(stamp):
        raise SegmenterInputError("observation end is blank", column="observation_end")
    return int(np.datetime64(stamp.normalize().to_datetime64(), "D").astype(np.int64))


def _dates(day_numbers: np.ndarray) -> np.ndarray:
    return day_numbers.astype("datetime64[D]").astype("datetime64[ns]")


def _day_text(day_number: int) -> str:
    return str(np.datetime64(int(day_number), "D"))
