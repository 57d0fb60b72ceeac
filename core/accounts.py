"""Cells or a DataFrame -> the validated account table and its issues table.

A block of cells (list of rows, as xlwings' raw converter gives them, or a 2-D array) is
read column by column with :mod:`core.cells`; columns are recognised by their header
(aliases below) or, without headers, by position. Every cell that was coerced or
rejected, and every assumption made (margin % or amount, duplicates, missing ids), is a
row of the issues table, so the user sees what was read and why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from core.cells import ParsedColumn, cell_text, is_blank, issues_frame, to_dates, to_numbers, to_text
from core.data_issues import REVENUE_MISSING, REVENUE_NEGATIVE
from core.errors import SegmenterInputError
from core.exports import ExportOptions, forced_roles, read_layout
from core.grid import CellBlock
from core.headers import ACCOUNT_HEADERS, normalise_header
from core.periods import PeriodChoice, choose_periods, read_period_header, years_since_first
from core.table_finder import find_header_row, find_table

# Without headers the columns are read in this order; the later roles need a header.
POSITIONAL_ROLES = ("account", "revenue", "profit", "nps", "industry", "size", "region", "first_purchase")
ROLES = POSITIONAL_ROLES + ("cost_to_serve", "channel")
STANDARD_COLUMNS = ("sheet_row",) + ROLES
TEXT_ROLES = ("industry", "size", "region", "channel")

_PERCENT_WORDS = {"pct", "percent", "percentage"}
_AMBIGUOUS_PROFIT_WORDS = {"margin", "gm", "cm"}


@dataclass(frozen=True)
class AccountTable:
    """The accounts read from a block of cells, with what was assumed and reported.

    Attributes
    ----------
    accounts:
        One row per non-blank input row; index = 0-based position of the row in the
        input block (a header row is position 0). Columns :data:`STANDARD_COLUMNS`, then
        the user's other columns under their header text.
    issues:
        ``sheet_row, column, value, action, reason`` (see :func:`core.cells.issues_frame`);
        actions ``coerced``, ``rejected`` and ``note``.
    columns:
        Role -> the header text it was read from (``"column 3"`` without headers).
    has_header:
        Whether the first row was read as headers.
    profit_basis:
        ``"amount"``, ``"margin_pct"`` (profit = margin % x revenue) or ``"none"``.
    n_input_rows:
        Rows in the block, including the header row and any title, total and footer rows.
    header_position:
        Position of the header row in the block (0 unless title rows are above it), None
        without a header row.
    periods:
        Labels of the revenue period columns, oldest first (``("2024", "2025")``,
        ``("Q2 2025", "Q3 2025")``, ``("prior", "current")``); empty without period columns.
    period_years:
        Years from the first period to each period (``(0.0, 1.0)``; quarters 0.25 apart).
    period_headers:
        The header each period's revenue was read from, aligned with ``periods``.
    period_revenue, period_profit:
        One column per period label, index = ``accounts.index``; NaN where a cell was blank
        or rejected, and a whole column of NaN in ``period_profit`` for a period without a
        profit column. Empty frames without period columns.
    period_orders:
        Orders per account and period ("Orders 2024"), the same shape; whole numbers of 0 or
        more (others rejected), NaN where blank, and a whole column of NaN for a period without
        an order column.
    """

    accounts: pd.DataFrame
    issues: pd.DataFrame
    columns: dict[str, str]
    has_header: bool
    profit_basis: str
    n_input_rows: int
    header_position: int | None = 0
    periods: tuple[str, ...] = ()
    period_years: tuple[float, ...] = ()
    period_headers: tuple[str, ...] = ()
    period_revenue: pd.DataFrame = field(default_factory=pd.DataFrame)
    period_profit: pd.DataFrame = field(default_factory=pd.DataFrame)
    period_orders: pd.DataFrame = field(default_factory=pd.DataFrame)
    said: tuple[str, ...] = ()
    alternatives: dict[str, tuple[str, ...]] = field(default_factory=dict)


def parse_accounts(
    cells: Any,
    *,
    first_sheet_row: int = 1,
    has_header: bool | None = None,
    date_format: str = "auto",
    options: ExportOptions | None = None,
) -> AccountTable:
    """Read a block of cells into the account table.

    Parameters
    ----------
    cells:
        List of rows (ragged rows are padded with blanks) or a 2-D array.
    first_sheet_row:
        The sheet row number of ``cells[0]``; issues carry sheet row numbers.
    has_header:
        Whether the first row holds headers; ``None`` finds the header row
        (:func:`core.table_finder.find_header_row`): among the first 30 rows, the row without
        numbers (years 1900-2099 typed as numbers, period headers, allowed) that names the
        most known columns; rows above it are title rows, noted and not read. Total rows,
        a footer and blank rows inside the table are left out and noted
        (:func:`core.table_finder.find_table`), and so is a row without an account id whose
        revenue is the sum of the rows above it.

    date_format:
        Order of dates typed as text (``auto``, ``DMY``, ``MDY``, ``YMD``; :mod:`core.dates`).
    options:
        The user's column choices and currency rates (:class:`core.exports.ExportOptions`);
        the layout of the export (grouped, hierarchical, line items, respondents, statuses,
        currencies) is read by :func:`core.exports.read_layout`.

    Returns
    -------
    AccountTable

    Raises
    ------
    SegmenterInputError
        Empty block, a header without data, or no column that can be revenue.

    Notes
    -----
    Columns are recognised by header (case, spaces and punctuation ignored; an exact
    alias beats a header that only contains one; the first column wins a role and a
    later candidate is reported as a note and kept as an extra column). Without headers
    the order is account, revenue, profit, nps, industry, size, region, first_purchase;
    cost to serve (cost to serve, support cost, service cost, CTS) and channel (channel,
    route to market, partner type) need a header.

    Period columns (see :func:`core.periods.read_period_header`): "2024", "Revenue 2024",
    "FY24", "FY 2024/25", "Q3 2025", "2025-Q3", "Prior"/"Current", "Last year"/"This year",
    and the same with a profit word ("Profit 2025") or counting orders ("Orders 2025"), are
    ordered in time and kept in ``period_revenue`` / ``period_profit`` / ``period_orders``
    when there are at least two revenue periods (a
    lone "Revenue 2025" is read by its words, as any column); a note says how each was
    read. Without a plain
    revenue column, revenue is the latest period (and profit that period's profit column,
    if any), so every figure but growth is for the latest period; a note says so. Profit
    period columns are read like the profit column (amount or margin %).

    Profit is an amount unless the header says % (``%``, ``pct``, ``percent``), or the
    header is ambiguous (``margin``, ``gm``, ``cm``, or no header) and every value is
    percentage text or lies in [-1, 1] while more than half of the revenues exceed 1.
    Then profit = margin % x revenue; under a % header, plain numbers whose median size
    exceeds 1 are percentage points (25 = 25 %). One note row states the basis used.

    NPS must be a whole number 0-10; a missing revenue gives a note (tier D), a missing
    account id becomes ``"(row N)"``, duplicate ids and negative revenues are noted and
    kept as separate rows.

    Examples
    --------
    >>> table = parse_accounts([["Customer", "Sales", "GM%"],
    ...                         ["Acme", 1000.0, 0.25],
    ...                         ["Beta", "2,000", "10%"]])
    >>> table.accounts[["account", "revenue", "profit"]].values.tolist()
    [['Acme', 1000.0, 250.0], ['Beta', 2000.0, 200.0]]
    >>> table.profit_basis, table.columns["revenue"]
    ('margin_pct', 'Sales')
    """
    block = _as_block(cells)
    n_rows, n_cols = block.shape
    if n_rows == 0 or n_cols == 0 or (is_blank(block[0]).all() and is_blank(block.reshape(-1)).all()):
        raise SegmenterInputError("the range is empty; select the account table including its header row")
    if has_header is None:
        header = find_header_row(block, lambda text: header_role(text) is not None)
    else:
        header = 0 if has_header else None
    headers = _header_texts(block[header], first_sheet_row + header) if header is not None else None
    options = options or ExportOptions()
    if headers is None:
        label_column, value_column = 0, (1 if n_cols > 1 else None)
    else:
        forced = forced_roles(headers, options.columns, ROLES) if options.columns else {}
        roles, _ = ACCOUNT_HEADERS.assign(headers, forced=forced)
        label_column, value_column = roles.get("account"), roles.get("revenue")
    found = find_table(
        block,
        header=header,
        first_sheet_row=first_sheet_row,
        label_column=label_column,
        value_column=value_column,
        empty=cells.empty if isinstance(cells, CellBlock) else None,
        kinds=cells.kinds if isinstance(cells, CellBlock) else None,
    )
    if not found.rows.size and len(found.issues):
        raise SegmenterInputError("the range has no account rows, only title, total, footer or blank rows")
    layout = read_layout(
        block,
        header=header,
        rows=found.rows,
        headers=headers,
        kind="accounts",
        first_sheet_row=first_sheet_row,
        options=options,
        role_names=ROLES,
        kinds=cells.kinds if isinstance(cells, CellBlock) else None,
    )
    block, rows = layout.block, layout.rows
    if not rows.size:
        raise SegmenterInputError("the range has no account rows left: " + "; ".join(layout.said))
    return _read_columns(
        headers=headers,
        columns=[block[rows, j] for j in range(n_cols)],
        positions=rows,
        sheet_rows=(first_sheet_row + rows).astype(np.int64),
        header_row=first_sheet_row + (header if header is not None else 0),
        n_input_rows=n_rows,
        header_position=header,
        table_notes=pd.concat([found.issues, issues_frame(layout.notes)], ignore_index=True),
        date_format=date_format,
        forced=layout.forced,
        unassigned=layout.unassigned,
        said=tuple(layout.said),
        kinds=None if layout.kinds is None else [layout.kinds[rows, j] for j in range(n_cols)],
    )


def accounts_from_frame(frame: pd.DataFrame, *, first_sheet_row: int = 2) -> AccountTable:
    """Read a DataFrame (headers = its columns) exactly as the same cells would be read.

    Parameters
    ----------
    frame:
        One row per account; any dtypes.
    first_sheet_row:
        Sheet row of the first data row (the header row is the row above it).

    Returns
    -------
    AccountTable
        As :func:`parse_accounts` of ``[headers] + rows`` with ``first_sheet_row - 1``:
        positions count the header row as 0, so data row i has index i + 1.

    Examples
    --------
    >>> frame = pd.DataFrame({"Account": ["A1", "A2"], "Revenue": [5.0, 7.0]})
    >>> accounts_from_frame(frame).accounts[["sheet_row", "account", "revenue"]].values.tolist()
    [[2, 'A1', 5.0], [3, 'A2', 7.0]]
    """
    if frame.shape[1] == 0:
        raise SegmenterInputError("the table has no columns")
    header_cells = np.empty(frame.shape[1], dtype=object)
    header_cells[:] = list(frame.columns)
    # numbers and datetime64[ns] dates as numpy arrays (the readers take them as the same cells)
    columns = [
        series.to_numpy()
        if series.dtype.kind in "fiu" or series.dtype == "datetime64[ns]"
        else series.to_numpy(dtype=object)
        for _, series in frame.items()
    ]
    if len(frame) == 0:
        raise SegmenterInputError("the table has headers but no account rows")
    return _read_columns(
        headers=_header_texts(header_cells, first_sheet_row - 1),
        columns=columns,
        positions=np.arange(1, len(frame) + 1),
        sheet_rows=np.arange(first_sheet_row, first_sheet_row + len(frame), dtype=np.int64),
        header_row=first_sheet_row - 1,
        n_input_rows=len(frame) + 1,
        header_position=0,
    )


# --------------------------------------------------------------------------- block shape


def _as_block(cells: Any) -> np.ndarray:
    """A 2-D object array; ragged rows padded with None."""
    if isinstance(cells, CellBlock):
        return cells.array
    if isinstance(cells, np.ndarray):
        if cells.ndim != 2:
            raise SegmenterInputError("expected a 2-D block of cells (rows and columns)")
        return cells.astype(object, copy=False)
    rows = list(cells)
    if not rows:
        return np.empty((0, 0), dtype=object)
    if not set(map(type, rows)) <= {list, tuple}:
        raise SegmenterInputError("expected a 2-D block of cells: a list of rows, each a list of cells")
    widths = set(map(len, rows))
    width = max(widths)
    if len(widths) > 1:
        rows = [list(row) + [None] * (width - len(row)) for row in rows]
    try:
        block = np.array(rows, dtype=object)
    except ValueError:  # a cell that is itself a sequence
        block = None
    if block is None or block.shape != (len(rows), width):
        block = np.empty((len(rows), width), dtype=object)
        block[:] = rows
    return block


def _header_texts(cells: np.ndarray, sheet_row: int) -> list[str]:
    texts = to_text(cells, column="header", sheet_rows=np.full(len(cells), sheet_row)).values
    return [text if text else f"column {j + 1}" for j, text in enumerate(texts)]


# --------------------------------------------------------------------------- roles


def header_role(header: str) -> str | None:
    """The role a header names ("Net sales" -> "revenue"), or None (see :mod:`core.headers`).

    Examples
    --------
    >>> header_role("Support cost"), header_role("Route to market"), header_role("Owner")
    ('cost_to_serve', 'channel', None)
    """
    return ACCOUNT_HEADERS.role(header)


def _assign_roles(
    headers: list[str], header_row: int, skip: set[int] = frozenset(), forced: dict[str, int] | None = None
) -> tuple[dict[str, int], list[tuple]]:
    """Role -> column index, exact matches first, first column wins; notes for the losers.

    Columns in ``skip`` (period columns) take no role here; ``forced`` roles are taken as given."""
    assigned, losers = ACCOUNT_HEADERS.assign(headers, skip, forced=forced)
    notes = [
        (
            header_row,
            headers[j],
            headers[j],
            "note",
            f"also looks like the {role} column; '{headers[winner]}' is used and this one is kept as an extra column",
        )
        for j, role, winner, _ in losers
    ]
    return assigned, notes


def period_roles(choice: PeriodChoice, roles: dict[str, int], headers: list[str], header_row: int) -> list[tuple]:
    """Notes on how each period column was read; revenue (and profit) from the latest period
    when the table has no plain revenue column (``roles`` is updated).

    Parameters
    ----------
    choice:
        The period columns chosen (:func:`core.periods.choose_periods`).
    roles:
        Role -> column index of the other columns; ``revenue`` and ``profit`` are added when the
        table has no plain column for them.
    headers, header_row:
        The table's headers and the sheet row they stand on (for the notes).

    Returns
    -------
    list of tuple
        Data issues rows ``(sheet_row, column, value, "note", reason)``.
    """
    notes = [
        (header_row, p.header, p.header, "note", f"'{p.header}' read as {p.measure} for period {p.label}")
        for p in list(choice.revenue.values()) + list(choice.profit.values()) + list(choice.orders.values())
    ]
    notes += [
        (
            header_row,
            headers[j],
            headers[j],
            "note",
            f"looks like a period column but is not used as one: {reason}; kept as an extra column",
        )
        for j, reason in choice.set_aside.items()
    ]
    if not choice.revenue:
        return notes
    latest_column, latest = list(choice.revenue.items())[-1]
    if "revenue" in roles:
        notes.append(
            (
                header_row,
                latest.header,
                latest.header,
                "note",
                f"the period columns serve growth and tier migration; every other figure uses "
                f"'{headers[roles['revenue']]}'",
            )
        )
        return notes
    roles["revenue"] = latest_column
    notes.append(
        (
            header_row,
            latest.header,
            latest.header,
            "note",
            f"no plain revenue column: revenue is the latest period, {latest.label}, so every figure but "
            "growth is for that period",
        )
    )
    same_period = [j for j, p in choice.profit.items() if p.label == latest.label]
    if "profit" not in roles and same_period:
        roles["profit"] = same_period[0]
        header = headers[same_period[0]]
        notes.append((header_row, header, header, "note", f"no plain profit column: profit is {latest.label}'s"))
    return notes


# --------------------------------------------------------------------------- reading


def _read_columns(
    *,
    headers: list[str] | None,
    columns: list[np.ndarray],
    positions: np.ndarray,
    sheet_rows: np.ndarray,
    header_row: int,
    n_input_rows: int,
    header_position: int | None,
    table_notes: pd.DataFrame | None = None,
    date_format: str = "auto",
    forced: dict[str, int] | None = None,
    unassigned: set[int] = frozenset(),
    said: tuple[str, ...] = (),
    kinds: list[np.ndarray] | None = None,
) -> AccountTable:
    """The account table from its columns (``kinds``: the reader's kinds of each column's cells,
    :attr:`core.grid.CellBlock.kinds`, or None)."""
    forced = dict(forced or {})
    alternatives: dict[str, tuple[str, ...]] = {}
    if headers is None:
        names = [f"column {j + 1}" for j in range(len(columns))]
        roles = {role: j for j, role in enumerate(POSITIONAL_ROLES[: len(columns)])}
        notes: list[tuple] = []
        choice = PeriodChoice({}, {}, {})
    else:
        names = headers
        found = {
            j: period
            for j, h in enumerate(headers)
            if j not in forced.values() and (period := read_period_header(h, header_role))
        }
        choice = choose_periods(found)
        if len(choice.revenue) < 2:  # one period is no change over time: read it as any column
            found, choice = {}, PeriodChoice({}, {}, {})
        roles, notes = _assign_roles(headers, header_row, skip=set(found) | set(unassigned), forced=forced)
        for j, role, _winner, _ in ACCOUNT_HEADERS.assign(headers, set(found) | set(unassigned), forced=forced)[1]:
            alternatives.setdefault(role, ())
            alternatives[role] += (headers[j],)
        notes += period_roles(choice, roles, headers, header_row)
        notes += [
            (header_row, names[roles[role]], names[roles[role]], "note", what)
            for role, what in (
                ("cost_to_serve", "read as cost to serve: net profit = profit - cost to serve"),
                ("channel", "read as the sales channel"),
            )
            if role in roles
        ]
    if "revenue" not in roles:
        seen = ", ".join(f"'{name}'" for name in names)
        raise SegmenterInputError(
            f"no revenue column found; headers seen: {seen}. Name one of them Revenue (or Sales, Turnover, Amount)"
            if headers is not None
            else "no revenue column: without headers the second column must be revenue",
            row=header_row,
        )
    if len(positions) == 0:
        raise SegmenterInputError("the range has a header row but no account rows")

    issue_parts = [issues_frame(notes)] + ([table_notes] if table_notes is not None else [])
    blank = np.ones(len(positions), dtype=bool)
    parsed: dict[str, Any] = {}

    def read(reader, j, **options):
        nonlocal blank
        known = None if kinds is None else kinds[j]
        result = reader(columns[j], column=names[j], sheet_rows=sheet_rows, kinds=known, **options)
        issue_parts.append(result.issues)
        blank &= result.blank
        return result

    for role in ("account",) + TEXT_ROLES:
        parsed[role] = read(to_text, roles[role]).values if role in roles else None
    parsed["revenue"] = read(to_numbers, roles["revenue"]).values
    parsed["nps"] = (
        _valid_nps(read(to_numbers, roles["nps"]), names[roles["nps"]], sheet_rows, issue_parts)
        if "nps" in roles
        else None
    )
    parsed["first_purchase"] = (
        read(to_dates, roles["first_purchase"], date_format=date_format, refuse_ambiguous=True).values
        if "first_purchase" in roles
        else None
    )
    parsed["cost_to_serve"] = read(to_numbers, roles["cost_to_serve"]).values if "cost_to_serve" in roles else None
    profit_basis = "none"
    if "profit" in roles:
        j = roles["profit"]
        as_pct = read(to_numbers, j, percent_ok=True)
        issue_parts.pop()  # which issues apply depends on the basis _read_profit settles on
        note_row = header_row if headers is not None else int(sheet_rows[0])
        parsed["profit"], profit_basis = _read_profit(
            as_pct, columns[j], names[j], headers is not None, parsed["revenue"], sheet_rows, note_row, issue_parts
        )
    period_revenue = {
        p.label: parsed["revenue"] if j == roles["revenue"] else read(to_numbers, j).values
        for j, p in choice.revenue.items()
    }
    period_profit = {}
    for j, p in choice.profit.items():
        if j == roles.get("profit"):
            period_profit[p.label] = parsed["profit"]
            continue
        as_pct = read(to_numbers, j, percent_ok=True)
        issue_parts.pop()  # as for the profit column: _read_profit keeps the issues of the basis it settles on
        period_profit[p.label], _ = _read_profit(
            as_pct, columns[j], names[j], True, period_revenue[p.label], sheet_rows, header_row, issue_parts
        )
    period_orders = {
        p.label: _valid_orders(read(to_numbers, j), names[j], sheet_rows, issue_parts) for j, p in choice.orders.items()
    }
    extras = {}
    used = set(STANDARD_COLUMNS)
    period_columns = set(choice.revenue) | set(choice.profit) | set(choice.orders)
    for j, name in enumerate(names):
        if j not in roles.values() and j not in period_columns:
            extra = _read_extra(columns[j], name, sheet_rows, None if kinds is None else kinds[j])
            issue_parts.append(extra.issues)
            blank &= extra.blank
            extras[_unique_name(name, used)] = extra.values

    keep = ~blank  # a row blank in every column is skipped silently
    if "account" in roles:
        keep &= ~_sum_rows(parsed["account"], parsed["revenue"], keep, sheet_rows, names[roles["revenue"]], issue_parts)
    if not keep.any():
        raise SegmenterInputError("the range has no account rows, only blank ones")
    positions, sheet_rows = positions[keep], sheet_rows[keep]
    n = len(positions)
    empty = {"profit": np.nan, "nps": np.nan, "cost_to_serve": np.nan, "first_purchase": np.datetime64("NaT", "ns")}
    data = {"sheet_row": sheet_rows}
    every = bool(keep.all())  # then each column is taken as parsed
    for role in ROLES:
        values = parsed.get(role)
        if values is None:  # a role the list has no column for: its empty column, made only then
            data[role] = np.full(n, empty.get(role))
        else:
            data[role] = values if every else values[keep]
    data["account"] = _name_missing_accounts(data["account"], sheet_rows, names, roles, issue_parts)
    issue_parts.append(_revenue_notes(data["revenue"], sheet_rows, names[roles["revenue"]]))
    account_column = names[roles["account"]] if "account" in roles else "account"
    issue_parts.append(_duplicate_notes(data["account"], sheet_rows, account_column))
    for role in TEXT_ROLES:
        data[role] = pd.Series(data[role], dtype=object, index=positions)
    # the columns are this function's own arrays: taken without the copy pandas makes by default (0.3 s a million)
    accounts = pd.DataFrame(data, index=pd.Index(positions), copy=False)
    accounts["account"] = accounts["account"].astype("str")
    if extras:  # built once: one insert per column copies the frame each time (16,000 columns took minutes)
        accounts = pd.concat(
            [
                accounts,
                pd.DataFrame(
                    {
                        name: pd.Series(values[keep], index=positions, dtype=object if values.dtype == object else None)
                        for name, values in extras.items()
                    },
                    index=accounts.index,
                ),
            ],
            axis=1,
        )

    issues = pd.concat([part for part in issue_parts if len(part)] or [issues_frame()], ignore_index=True)
    issues = issues.sort_values("sheet_row", kind="stable", ignore_index=True)
    labels = list(period_revenue)
    no_profit = np.full(n, np.nan)
    return AccountTable(
        accounts=accounts,
        issues=issues,
        columns={role: names[j] for role, j in roles.items()},
        has_header=headers is not None,
        profit_basis=profit_basis,
        n_input_rows=n_input_rows,
        header_position=header_position,
        periods=tuple(labels),
        period_years=years_since_first(list(choice.revenue.values())),
        period_headers=tuple(p.header for p in choice.revenue.values()),
        period_revenue=pd.DataFrame(
            {label: period_revenue[label][keep] for label in labels}, index=accounts.index, columns=labels, dtype=float
        ),
        period_profit=pd.DataFrame(
            {label: period_profit[label][keep] if label in period_profit else no_profit for label in labels},
            index=accounts.index,
            columns=labels,
            dtype=float,
        ),
        period_orders=pd.DataFrame(
            {label: period_orders[label][keep] if label in period_orders else no_profit for label in labels},
            index=accounts.index,
            columns=labels,
            dtype=float,
        ),
        said=said,
        alternatives=alternatives,
    )


def _sum_rows(
    account: np.ndarray, revenue: np.ndarray, keep: np.ndarray, sheet_rows: np.ndarray, column: str, issue_parts: list
) -> np.ndarray:
    """Rows without an account id whose revenue is the sum of the rows above them (a total or
    subtotal row without a label), noted as left out.

    A candidate's revenue is compared with the sum since the previous such row (a subtotal) and
    with the sum of all account rows above it (a grand total), to a relative 1e-9; it needs two
    or more account rows above it.
    """
    is_sum = np.zeros(len(revenue), dtype=bool)
    candidates = keep & pd.isna(account) & np.isfinite(revenue)
    if not candidates.any():
        return is_sum
    values = np.where(keep & np.isfinite(revenue), revenue, 0.0)
    total_above, since_last, rows_above, rows_since = 0.0, 0.0, 0, 0
    for i in range(len(revenue)):
        if candidates[i] and rows_above >= 2:
            tolerance = 1e-9 * max(1.0, abs(revenue[i]))
            if (
                abs(revenue[i] - since_last) <= tolerance
                and rows_since >= 2
                or abs(revenue[i] - total_above) <= tolerance
            ):
                is_sum[i] = True
                since_last, rows_since = 0.0, 0
                continue
        if keep[i]:
            total_above += values[i]
            since_last += values[i]
            rows_above += 1
            rows_since += 1
    if is_sum.any():
        issue_parts.append(
            issues_frame(
                {
                    "sheet_row": sheet_rows[is_sum],
                    "column": column,
                    "value": [cell_text(x) for x in revenue[is_sum]],
                    "action": "row skipped",
                    "reason": "no account id and a revenue equal to the sum of the rows above: a total row, left out",
                }
            )
        )
    return is_sum


def _reject(values: np.ndarray, bad: np.ndarray, name: str, sheet_rows: np.ndarray, issue_parts: list, reason: str):
    """``values`` with the ``bad`` ones blanked, each reported as rejected with ``reason``."""
    if bad.any():
        issue_parts.append(
            issues_frame(
                {
                    "sheet_row": sheet_rows[bad],
                    "column": name,
                    "value": [cell_text(x) for x in values[bad]],
                    "action": "rejected",
                    "reason": reason,
                }
            )
        )
    return np.where(bad, np.nan, values)


def _valid_nps(result: ParsedColumn, name: str, sheet_rows: np.ndarray, issue_parts: list) -> np.ndarray:
    """NPS answers: whole numbers 0-10, anything else rejected and reported."""
    scores = result.values
    bad = ~np.isnan(scores) & ((scores < 0) | (scores > 10) | (scores != np.round(scores)))
    return _reject(scores, bad, name, sheet_rows, issue_parts, "an NPS answer must be a whole number from 0 to 10")


def _valid_orders(result: ParsedColumn, name: str, sheet_rows: np.ndarray, issue_parts: list) -> np.ndarray:
    """Order counts: whole numbers of 0 or more, anything else rejected and reported."""
    orders = result.values
    bad = ~np.isnan(orders) & ((orders < 0) | (orders != np.round(orders)))
    return _reject(orders, bad, name, sheet_rows, issue_parts, "a number of orders must be a whole number of 0 or more")


def _read_profit(
    as_pct: ParsedColumn,
    cells: np.ndarray,
    name: str,
    has_header: bool,
    revenue: np.ndarray,
    sheet_rows: np.ndarray,
    note_row: int,
    issue_parts: list,
) -> tuple[np.ndarray, str]:
    """Profit amounts and the basis they were read on (``amount`` or ``margin_pct``).

    ``as_pct`` is the column read with ``percent_ok``; percentage texts are the cells it
    coerced from text ending in %.
    """
    words = set(normalise_header(name).split())
    header_says_pct = has_header and ("%" in name or bool(words & _PERCENT_WORDS))
    ambiguous = not has_header or bool(words & _AMBIGUOUS_PROFIT_WORDS)
    coerced = as_pct.issues[as_pct.issues["action"] == "coerced"]
    pct_rows = coerced.loc[coerced["value"].str.strip().str.endswith("%"), "sheet_row"].to_numpy()
    pct_text = np.isin(sheet_rows, pct_rows)
    present = ~np.isnan(as_pct.values)
    known_revenue = revenue[~np.isnan(revenue)]
    revenue_mostly_above_1 = known_revenue.size > 0 and np.mean(known_revenue > 1) > 0.5
    fraction_like = present.any() and bool(np.all(pct_text[present] | (np.abs(as_pct.values[present]) <= 1)))
    if header_says_pct:
        basis, why = "margin_pct", f"the header '{name}' says %"
    elif ambiguous and fraction_like and revenue_mostly_above_1:
        basis = "margin_pct"
        why = "every value is a % or lies between -1 and 1 while revenues are mostly above 1" + (
            "" if has_header else " (no header)"
        )
    else:
        basis = "amount"
        why = (
            f"the header '{name}' names an amount"
            if has_header and not ambiguous
            else "values are not all percentages or fractions between -1 and 1"
            if present.any()
            else "no profit values to judge by"
        )
    if basis == "amount":
        as_amount = to_numbers(cells, column=name, sheet_rows=sheet_rows) if pct_text.any() else as_pct
        issue_parts.append(as_amount.issues)
        profit = as_amount.values
        note = f"profit read as amounts: {why}"
    else:
        issue_parts.append(as_pct.issues)
        margin_pct = as_pct.values.copy()
        plain = present & ~pct_text
        points = plain.any() and np.median(np.abs(margin_pct[plain])) > 1
        if points:
            margin_pct[plain] = margin_pct[plain] / 100
            why += "; plain numbers are percentage points (25 = 25 %)"
        profit = margin_pct * revenue
        note = f"profit read as margin % of revenue, profit = margin % x revenue: {why}"
    issue_parts.append(issues_frame([(note_row, name, name if has_header else "", "note", note)]))
    return profit, basis


def _name_missing_accounts(
    account: np.ndarray, sheet_rows: np.ndarray, names: list[str], roles: dict, issue_parts: list
) -> np.ndarray:
    missing = pd.isna(account)
    if not missing.any():
        return account
    named = account.copy()
    generated = np.array([f"(row {row})" for row in sheet_rows[missing]], dtype=object)
    named[missing] = generated
    column = names[roles["account"]] if "account" in roles else "account"
    issue_parts.append(
        issues_frame(
            {
                "sheet_row": sheet_rows[missing],
                "column": column,
                "value": "",
                "action": "coerced",
                "reason": (["account id missing: named '" + g + "'" for g in generated]),
            }
        )
    )
    return named


def _revenue_notes(revenue: np.ndarray, sheet_rows: np.ndarray, column: str) -> pd.DataFrame:
    missing = np.isnan(revenue)
    negative = revenue < 0
    return pd.concat(
        [
            issues_frame(
                {
                    "sheet_row": sheet_rows[missing],
                    "column": column,
                    "value": "",
                    "action": "note",
                    "reason": REVENUE_MISSING.format(noun="account"),
                }
            ),
            issues_frame(
                {
                    "sheet_row": sheet_rows[negative],
                    "column": column,
                    "value": [cell_text(x) for x in revenue[negative]],
                    "action": "note",
                    "reason": REVENUE_NEGATIVE.format(noun="account"),
                }
            ),
        ],
        ignore_index=True,
    )


def _duplicate_notes(account: np.ndarray, sheet_rows: np.ndarray, column: str) -> pd.DataFrame:
    ids = pd.Series(account, dtype=object)
    # every id that occurs more than once (as ``ids.duplicated(keep=False)``): one hash per id, the
    # counts by numpy (a million ids in two thirds of duplicated's time)
    codes, _ = pd.factorize(account, use_na_sentinel=False)
    duplicated = np.bincount(codes)[codes] > 1 if len(codes) else np.zeros(0, dtype=bool)
    if not duplicated.any():
        return issues_frame()
    dup_ids = ids[duplicated].reset_index(drop=True)
    rows = pd.Series(sheet_rows[duplicated])
    first_row = rows.groupby(dup_ids).transform("min")
    second_row = rows.where(rows.groupby(dup_ids).cumcount() == 1).groupby(dup_ids).transform("max")
    other = np.where(rows == first_row, second_row, first_row).astype(np.int64)
    reasons = [
        f"duplicate account id '{name}', also on row {row}; kept as separate rows, not merged"
        for name, row in zip(dup_ids, other)
    ]
    return issues_frame(
        {
            "sheet_row": rows,
            "column": column,
            "value": dup_ids.to_numpy(dtype=object),
            "action": "note",
            "reason": reasons,
        }
    )


def _read_extra(cells: np.ndarray, name: str, sheet_rows: np.ndarray, kinds: np.ndarray | None = None) -> ParsedColumn:
    """A column with no role: numbers when every filled cell is a number, dates when all are dates, else text."""
    for reader in (to_numbers, to_dates):
        parsed = reader(cells, column=name, sheet_rows=sheet_rows, kinds=kinds)
        if parsed.issues.empty:
            return parsed
    return to_text(cells, column=name, sheet_rows=sheet_rows, kinds=kinds)


def _unique_name(name: str, used: set[str]) -> str:
    candidate, k = name, 2
    while candidate in used:
        candidate, k = f"{name} ({k})", k + 1
    used.add(candidate)
    return candidate
