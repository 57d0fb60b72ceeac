"""What an export means: the layouts CRM, accounting, shop and survey systems write, read as lists.

:mod:`core.table_finder` finds the table (header row, title, total and footer rows); this module
reads what the rows of that table mean before their cells are read as accounts or transactions.
It works on the grid of cells, so a file and a ribbon selection are treated alike, and changes
nothing silently: every row it leaves out or merges has its own line on Data issues, and each
layout it recognises is one sentence of :attr:`Layout.said` (shown by the CLI, the ribbon's
message and the Overview).

The layouts, by the kind of system that writes them:

- **Second header rows** (survey tools: SurveyMonkey's answer-option row, Qualtrics' question
  text and ``{"ImportId": ...}`` rows): text rows right below the header, where the figures
  should be, are not read.
- **Statuses** (accounting packages' invoices, shops' orders): rows whose status is void,
  voided, deleted, draft or cancelled (and the same in German, French, Spanish, Italian, Dutch
  and Portuguese), or with a cancellation date, are left out and listed.
- **Grouped reports** (CRM reports grouped by account): the account is written on the first row
  of its group only. It is filled down within its group (a total or blank row ends a group),
  and, in an account list, the rows of one group are one account (their figures added up).
- **Hierarchies** (accounting "Sales by Customer" reports): a ``Total <parent>`` row closes the
  rows of a parent's sub-customers; it is left out (the leaves are counted once), and the parent's
  own row without figures is a label, not an account.
- **Line items** (shops' order exports, accounting invoice exports): one row per line of an order
  or invoice. An order-level figure written on the first line only, or repeated on every line
  (an invoice total), is taken once per order; when a line-amount column is present
  (``LineAmount``), the lines are added instead of the repeated total. Refunds in their own column
  are netted. Each order becomes one row.
- **Respondent rows** (a survey joined to accounts): the same account on several rows with the
  same account figures and different answers is one account; its NPS answer is the mean of its
  answers, rounded (an account-level NPS), and a survey's own dates (start, end, recorded) are
  never read as a first purchase.
- **Currencies**: amounts in two or more currencies are never added. A base-currency column is
  used when there is one; otherwise rates (``--rates FILE`` or a Rates sheet: currency, rate to
  the report currency) convert them; otherwise the list is refused in one line that names the
  currencies found and both ways on. A cell holding two amounts, ``EUR 13,600.00 (USD 14,688.00)``,
  is read in the currency every such cell of the column holds (the report currency when given).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from core.cells import CURRENCIES, cell_text, is_blank, text_positions, to_numbers, to_text
from core.errors import SegmenterInputError
from core.headers import (
    ACCOUNT_HEADERS,
    LAYOUT_HEADERS,
    TRANSACTION_HEADERS,
    header_words,
    is_base_currency,
    is_id_header,
    is_survey,
    normalise_header,
)
from core.text import pct

#: Statuses of a record that is not a sale, lower-case, accents dropped.
VOID_STATUSES = frozenset(
    {
        "void",
        "voided",
        "deleted",
        "draft",
        "cancelled",
        "canceled",
        "cancel",
        "rejected",
        "declined",
        "storniert",
        "storno",
        "annulliert",
        "geloscht",
        "entwurf",
        "annule",
        "annulee",
        "supprime",
        "brouillon",
        "anulado",
        "anulada",
        "cancelado",
        "cancelada",
        "borrador",
        "eliminado",
        "annullato",
        "annullata",
        "cancellato",
        "bozza",
        "geannuleerd",
        "verwijderd",
        "concept",
        "rascunho",
        "excluido",
        "failed",
        "lost",
        "closed lost",
        "closedlost",
        "verloren",
        "perdu",
        "perdido",
        "perso",
    }
)
#: Credit marks of a debit/credit column (DATEV's Soll/Haben-Kennzeichen, Dr/Cr): the amount is
#: negative (a credit on a customer's account).
CREDIT_MARKS = frozenset({"h", "haben", "c", "cr", "credit", "k", "kredit", "credito", "crédit"})
DEBIT_MARKS = frozenset({"s", "soll", "d", "dr", "debit", "debet", "debito", "débit"})
#: Header words of an amount in the record's (foreign) currency: the plain amount beside it is in
#: the base currency (NetSuite's "Amount" and "Amount (Foreign Currency)").
FOREIGN_WORDS = frozenset({"foreign", "fx", "original", "document", "transaction"})
#: Headers of a date on which an order was cancelled (Shopify's "Cancelled at").
CANCELLED_AT = ("cancelled at", "canceled at", "cancelled date", "cancellation date", "storniert am")
#: Header words of a survey's own dates, never a first purchase.
SURVEY_DATE_WORDS = frozenset({"start", "end", "recorded", "submitted", "started", "completed", "response"})
#: A line's own figure beside an order's ("LineAmount", "Lineitem price", "Line total").
LINE_WORDS = frozenset({"line", "lineitem", "position", "item", "zeile", "ligne", "linea", "regel", "linha"})
#: A grouped report: at least this share of its labels head rows without a label.
GROUP_HEADS = 0.4
#: How many rows below the header a second header row may be.
SECOND_HEADER_ROWS = 3

_DUAL = re.compile(
    r"\s*(?P<c1>[A-Za-z]{3}|[$€£¥])\s*(?P<a1>[-+]?[\d.,\s]*\d)\s*\(\s*(?P<c2>[A-Za-z]{3}|[$€£¥])\s*"
    r"(?P<a2>[-+]?[\d.,\s]*\d)\s*\)\s*"
)
_ORDER_NUMBER = re.compile(r"\s*#\s*\d+\s*")


@dataclass(frozen=True)
class ExportOptions:
    """What the user told segmenter about the export.

    Attributes
    ----------
    columns:
        Role -> header text (``{"revenue": "Annual Revenue (Base)"}``): ``--column`` or the
        Settings sheet's ``column <role>`` rows.
    rates:
        Currency code -> rate to the report currency (``--rates FILE`` or a Rates sheet).
    report_currency:
        The currency of the report: the one whose rate is 1, when rates are given.
    """

    columns: Mapping[str, str] = field(default_factory=dict)
    rates: Mapping[str, float] | None = None
    report_currency: str | None = None


@dataclass
class Layout:
    """The rows to read and what was made of the export.

    Attributes
    ----------
    block:
        The cells, with filled-down labels, merged figures and converted amounts written in.
    rows:
        Block positions of the rows to read.
    forced:
        Role -> block column chosen here or by the user (overrides the header aliases).
    notes:
        Data issues lines (:data:`core.cells.ISSUE_COLUMNS`).
    said:
        One sentence per layout recognised, for the CLI, the ribbon and the Overview.
    unassigned:
        Block columns that take no role (a survey's start date), kept as columns.
    kinds:
        What the reader knew of each cell of ``block`` (``core.cells.CELL_*``), while no layout has
        written into the block; None otherwise (see :meth:`set_cells`).
    """

    block: np.ndarray
    rows: np.ndarray
    forced: dict[str, int]
    notes: list[tuple] = field(default_factory=list)
    said: list[str] = field(default_factory=list)
    unassigned: set[int] = field(default_factory=set)
    kinds: np.ndarray | None = None

    #: Whether ``block`` is the layout's own copy (made at its first write: most lists need none).
    own: bool = False

    def set_cells(self, rows: Any, column: int, values: Any) -> None:
        """Write cells of the block: the first write copies it (the caller's cells are never
        written); the reader's kinds no longer hold."""
        if not self.own:
            self.block, self.own = self.block.copy(), True
        self.block[rows, column] = values
        self.kinds = None

    def column_kinds(self, rows: np.ndarray, column: int) -> np.ndarray | None:
        """The reader's kinds of ``block[rows, column]``, or None."""
        return None if self.kinds is None else self.kinds[rows, column]


def _key(value: Any) -> str:
    return normalise_header(value) if isinstance(value, str) else ""


def _texts(out: Layout, rows: np.ndarray, j: int) -> list[str | None]:
    cells, kinds = out.block[rows, j], out.column_kinds(rows, j)
    return list(to_text(cells, column="", sheet_rows=np.zeros(len(rows), dtype=np.int64), kinds=kinds).values)


def _numbers(out: Layout, rows: np.ndarray, j: int) -> np.ndarray:
    cells, kinds = out.block[rows, j], out.column_kinds(rows, j)
    return to_numbers(cells, column="", sheet_rows=np.zeros(len(rows), dtype=np.int64), kinds=kinds).values


#: One role under its name in the other kind of list: --column revenue=... on an order list.
SAME_ROLE = {"revenue": "amount", "amount": "revenue", "account": "customer", "customer": "account"}


def forced_roles(headers: list[str], columns: Mapping[str, str], roles: tuple[str, ...]) -> dict[str, int]:
    """Role -> column position for the user's ``--column role="Header"`` choices; an unknown role
    or header is refused in one line naming the choices.

    Examples
    --------
    >>> forced_roles(["Name", "Amount", "Amount (Base)"], {"revenue": "amount (base)"}, ("account", "revenue"))
    {'revenue': 2}
    >>> forced_roles(["Name", "Amount", "Amount (Base)"], {"revenue": "Amount"}, ("customer", "date", "amount"))
    {'amount': 1}
    """
    out = {}
    for role, header in columns.items():
        role_key = role.strip().lower().replace(" ", "_")
        role_key = SAME_ROLE.get(role_key, role_key) if role_key not in roles else role_key
        if role_key not in roles:
            raise SegmenterInputError(f"--column {role}=...: no such role; the roles are {', '.join(roles)}")
        want = normalise_header(header)
        found = [j for j, h in enumerate(headers) if normalise_header(h) == want]
        if not found:
            shown = ", ".join(f"'{h}'" for h in headers)
            raise SegmenterInputError(f'--column {role}="{header}": no such column; the columns are {shown}')
        out[role_key] = found[0]
    return out


def read_layout(
    block: np.ndarray,
    *,
    header: int | None,
    rows: np.ndarray,
    headers: list[str] | None,
    kind: str,
    first_sheet_row: int,
    options: ExportOptions | None = None,
    role_names: tuple[str, ...] = (),
    kinds: np.ndarray | None = None,
) -> Layout:
    """Read what an export's rows mean (see the module docstring).

    Parameters
    ----------
    block:
        2-D object array of cells (not changed: a layout that writes cells writes a copy).
    header:
        Block position of the header row (None: no header, nothing to recognise).
    rows:
        Block positions of the data rows (:func:`core.table_finder.find_table`).
    headers:
        Header texts of the columns (None without a header row).
    kinds:
        What the reader knows of each cell of ``block`` (:attr:`core.grid.CellBlock.kinds`), or None.
    kind:
        ``"accounts"`` or ``"transactions"``.
    first_sheet_row:
        Sheet row of ``block[0]``.
    options:
        The user's column choices and currency rates.
    role_names:
        The roles ``--column`` may name for this kind of list.

    Returns
    -------
    Layout

    Examples
    --------
    >>> block = np.array([["Account", "Opportunity", "Amount"], ["Acme", "o1", 10.0], [None, "o2", 5.0],
    ...                   ["Beta", "o3", 7.0], [None, "o4", 1.0]], dtype=object)
    >>> layout = read_layout(block, header=0, rows=np.arange(1, 5), headers=["Account", "Opportunity", "Amount"],
    ...                      kind="accounts", first_sheet_row=1)
    >>> layout.rows.tolist(), layout.block[1, 2], layout.block[3, 2]
    ([1, 3], 15.0, 8.0)
    """
    options = options or ExportOptions()
    out = Layout(block=block, rows=np.asarray(rows, dtype=np.int64), forced={})
    if header is None or headers is None or not len(out.rows):
        return out
    out.kinds = kinds
    matcher = ACCOUNT_HEADERS if kind == "accounts" else TRANSACTION_HEADERS
    out.forced = forced_roles(headers, options.columns, role_names) if options.columns else {}
    label_role, value_role = ("account", "revenue") if kind == "accounts" else ("customer", "amount")
    layout_roles, _ = LAYOUT_HEADERS.assign(headers, skip=set(out.forced.values()))
    roles, _ = matcher.assign(headers, forced=out.forced)
    sheet = lambda r: first_sheet_row + int(r)  # noqa: E731

    if label_role not in out.forced and (
        label_role not in roles or matcher.rank(headers[roles[label_role]], label_role) >= 2
    ):
        _blank_label_header(out, headers, roles, label_role, sheet)
    if (
        kind == "accounts"
        and "first_purchase" in roles
        and "first_purchase" not in out.forced
        and _is_survey(headers, layout_roles)
        and set(header_words(headers[roles["first_purchase"]])) & SURVEY_DATE_WORDS
    ):
        j = roles.pop("first_purchase")
        out.unassigned.add(j)
        out.notes.append(
            (
                sheet(header),
                headers[j],
                headers[j],
                "note",
                f"'{headers[j]}' is a survey's own date (when the answer was given), not a first purchase: "
                "kept as a column",
            )
        )
        out.said.append(f"'{headers[j]}' is the survey's date, not read as first purchase")
    if (
        kind == "accounts"
        and "channel" in roles
        and "channel" not in out.forced
        and _is_survey(headers, layout_roles)
        and "distribution" in header_words(headers[roles["channel"]])
    ):
        j = roles.pop("channel")  # how the survey was sent (email, anonymous link), not a sales channel
        out.unassigned.add(j)
    if kind == "transactions" and "date" in roles and "date" not in out.forced:
        _ledger_day_month(out, header, headers, roles["date"], sheet)
    value = roles.get(value_role)
    label = roles.get(label_role)
    _second_header_rows(out, headers, value, label, sheet)
    if label is not None and label_role not in out.forced:
        label = _name_over_code(out, headers, label, label_role, matcher, roles, sheet)
    _statuses(out, headers, layout_roles, _order_column(out, headers, layout_roles, label), sheet)
    if kind == "transactions" and label is not None and label_role not in out.forced:
        _customer_key(out, headers, label, roles, _order_numbers(out, headers, layout_roles, label), sheet)
    if value is not None:
        _dual_amounts(out, headers, value, options, sheet)
    if label is not None:
        _hierarchy(out, label, value, headers, sheet, kind, roles)
    order = _order_column(out, headers, layout_roles, label)
    refund = layout_roles.get("refund")
    if refund is not None and value is not None and is_base_currency(headers[value]):
        # the refunds in the same (base) currency as the amount, when the export has both
        refund = next(
            (j for j, h in enumerate(headers) if LAYOUT_HEADERS.role(h) == "refund" and is_base_currency(h)), refund
        )
    if order is not None and value is not None:
        value = _line_items(out, headers, order, value, refund, roles, value_role, sheet, kind)
    elif value is not None and refund is not None:
        _net_refunds(out, headers, value, refund, sheet)
    if value is not None and "sign" in layout_roles:
        _debit_credit(out, headers, value, layout_roles["sign"], sheet)
    if value is not None:
        _currencies(out, headers, value, layout_roles.get("currency"), roles, value_role, options, sheet)
    if label is not None and order is None:
        _grouped(out, headers, label, value, roles, kind, sheet)
    if kind == "accounts" and label is not None and value is not None and "nps" in roles:
        _respondents(out, headers, label, value, roles, sheet)
    return out


# --------------------------------------------------------------------------- the layouts


def _is_survey(headers: list[str], layout_roles: dict[str, int]) -> bool:
    return is_survey(headers) or any("respondent" in normalise_header(h).split() for h in headers)


#: A subtotal's label, normalised (:func:`_key`): "total", a word such as "for", the parent's label.
_TOTAL_OF = re.compile(r"total (?:for |of |von |de |du |des |del |di |van |do |da )?(.+)")


def _subtotal_rows(keys: list[str]) -> np.ndarray:
    """Which labels (normalised, :func:`_key`) are "Total <parent>" of a parent label above them.

    >>> _subtotal_rows(["acme", "", "total for acme", "total for bolt", "total"]).tolist()
    [False, False, True, False, False]
    """
    seen: set[str] = set()
    subtotal = np.zeros(len(keys), dtype=bool)
    for i, k in enumerate(keys):
        m = _TOTAL_OF.fullmatch(k)
        if m and m.group(1) in seen:
            subtotal[i] = True
        elif k:
            seen.add(k)
    return subtotal


def _blank_label_header(out: Layout, headers: list[str], roles: dict[str, int], label_role: str, sheet) -> None:
    """A report whose label column has no header (QuickBooks' first column): the first column
    is the label when its header is blank and its cells are text."""
    if not headers or not re.fullmatch(r"column \d+", headers[0]) or 0 in roles.values():
        return
    texts = [t for t in _texts(out, out.rows, 0) if t]
    if not texts or not np.isnan(_numbers(out, out.rows, 0)).all():
        return
    # all text (a summary: a name on every row), or text on a share of the rows, or a detail
    # report however many transactions a customer has: the customer on its own row above its
    # transactions, and its "Total for <customer>" row below them
    if len(texts) >= 0.3 * len(out.rows) or _subtotal_rows([_key(t) for t in texts]).any():
        out.forced[label_role] = 0
        roles[label_role] = 0
        out.said.append(f"the first column has no header and holds names: read as the {label_role}")


_CODE = re.compile(r"\s*#?[A-Z]{0,4}[-_/]?\d[\d\-_/.]*\s*|\s*[0-9a-f]{8}-[0-9a-f]{4}-.*", re.I)
#: Header words of a column of names beside a column of numbers ("Name 1" in SAP, "Bezeichnung").
NAME_WORDS = frozenset(
    {
        "name",
        "nom",
        "nombre",
        "nome",
        "naam",
        "bezeichnung",
        "description",
        "company",
        "firma",
        "raison",
        "ragione",
        "razon",
        "societe",
        "empresa",
        "bedrijf",
        "bedrijfsnaam",
    }
)


#: A column's kind (codes or names) is judged on at most this many of its cells, evenly spread.
SAMPLE = 2000


def _sample(cells: np.ndarray) -> np.ndarray:
    """At most :data:`SAMPLE` cells of a column, evenly spread (a column's kind, judged fast)."""
    if len(cells) <= SAMPLE:
        return cells
    return cells[np.linspace(0, len(cells) - 1, SAMPLE).astype(np.int64)]


def _is_code(value: Any) -> bool:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return True
    return isinstance(value, str) and bool(_CODE.fullmatch(value))


def _name_over_code(
    out: Layout, headers: list[str], label: int, label_role: str, matcher, roles: dict[str, int], sheet
) -> int:
    """A name beats a number for the account: when the label column holds codes (customer
    numbers, record ids) and another column of the same role, or headed like a name, holds
    names, the names are the label and the codes stay a column."""
    cells = _sample(out.block[out.rows, label])
    cells = cells[~is_blank(cells)]
    if not len(cells) or sum(map(_is_code, cells)) < 0.9 * len(cells):
        return label
    for j, h in enumerate(headers):
        if j == label or j in roles.values():
            continue
        words = set(header_words(h))
        if matcher.role(h) != label_role and not words & NAME_WORDS:
            continue
        if words & {
            "product",
            "item",
            "lineitem",
            "artikel",
            "tax",
            "shipping",
            "owner",
            "user",
            "vendor",
            "campaign",
            "file",
            "collector",
        }:
            continue
        column = out.block[out.rows, j]
        values = [v for v in _sample(column) if isinstance(v, str) and v.strip()]
        if len(values) >= 0.8 * len(cells) and sum(not _is_code(v) for v in values) >= 0.9 * len(values):
            out.forced[label_role] = j
            roles[label_role] = j
            out.said.append(
                f"'{headers[label]}' holds numbers or codes and '{headers[j]}' names: the names are the "
                f"{label_role}, '{headers[label]}' stays a column"
            )
            return j
    return label


def _second_header_rows(out: Layout, headers: list[str], value: int | None, label: int | None, sheet) -> None:
    """Rows right below the header holding only text where the figures are (a survey's question
    text or import ids under its short column names): no number in the row, and the label cell
    blank (SurveyMonkey's answer-option row), or a cell repeating its column's header or holding
    an ``ImportId`` (Qualtrics' question-text and import-id rows)."""
    if value is None or len(out.rows) <= 1 or np.isnan(_numbers(out, out.rows, value)).all():
        return
    dropped = []
    for r in out.rows[:SECOND_HEADER_ROWS]:
        cells = out.block[r]
        filled = ~is_blank(cells)
        if not filled.any():
            break
        numbers = to_numbers(cells[filled], column="", sheet_rows=np.zeros(int(filled.sum()), dtype=np.int64)).values
        texty = all(isinstance(v, str) for v in cells[filled])
        header_like = (label is not None and not filled[label] and filled.sum() >= 2) or any(
            isinstance(v, str)
            and (
                "importid" in v[:200].lower().replace(" ", "")
                # a cell repeating its column's header is about as long as it: a long text is data
                or (
                    len(v) <= 4 * len(str(headers[j])) + 40
                    and normalise_header(v).replace(" ", "") == normalise_header(headers[j]).replace(" ", "")
                )
            )
            for j, v in enumerate(cells)
            if filled[j]
        )
        if not (texty and np.isnan(numbers).all() and header_like):
            break
        dropped.append(r)
        out.notes.append(
            (
                sheet(r),
                "",
                cell_text(cells[filled][0])[:80],
                "note",
                "a second header row (question text or import ids): not read",
            )
        )
    if dropped:
        out.rows = out.rows[~np.isin(out.rows, dropped)]
        out.said.append(f"{len(dropped)} more header row(s) below the header (a survey export) not read")


def _statuses(out: Layout, headers: list[str], layout_roles: dict[str, int], order: int | None, sheet) -> None:
    """Void, deleted, draft and cancelled records are left out and listed (every line of such an
    order, when the status is written on its first line only)."""
    left = np.zeros(len(out.rows), dtype=bool)
    why = np.full(len(out.rows), "", dtype=object)
    if "status" in layout_roles:
        j = layout_roles["status"]
        texts = pd.Series(_texts(out, out.rows, j), dtype=object)
        void = {t for t in texts.dropna().unique() if normalise_header(t) in VOID_STATUSES}
        for i in np.flatnonzero(texts.isin(void).to_numpy()):
            left[i], why[i] = True, f"status '{texts[i]}' in '{headers[j]}': not a sale, left out"
    for j, h in enumerate(headers):
        if normalise_header(h) in CANCELLED_AT:
            filled = ~is_blank(out.block[out.rows, j])
            for i in np.flatnonzero(filled & ~left):
                left[i], why[i] = True, f"'{headers[j]}' is filled: a cancelled order, left out"
    if not left.any():
        return
    if order is not None:
        keys = pd.Series(_texts(out, out.rows, order), dtype=object)
        void_orders = {keys[i]: why[i] for i in np.flatnonzero(left) if keys[i]}
        for i in np.flatnonzero(keys.isin(list(void_orders)).to_numpy() & ~left):
            left[i], why[i] = True, void_orders[keys[i]]
    for i in np.flatnonzero(left):
        r = out.rows[i]
        out.notes.append((sheet(r), "", _row_label(out.block[r]), "row left out", why[i]))
    counts = pd.Series([w.split("'")[1] for w in why[left]]).value_counts()
    out.said.append(
        f"{int(left.sum()):,} row(s) left out as not sales ("
        + ", ".join(f"{name} {n:,}" for name, n in counts.items())
        + ")"
    )
    out.rows = out.rows[~left]


def _row_label(cells: np.ndarray) -> str:
    filled = [cell_text(v) for v, b in zip(cells, is_blank(cells)) if not b]
    return " | ".join(filled[:3])[:120]


def _dual_amounts(out: Layout, headers: list[str], value: int, options: ExportOptions, sheet) -> None:
    """Cells holding two amounts, ``EUR 13,600.00 (USD 14,688.00)``: the amount in the currency
    every such cell holds (the report currency when it is among them) is kept."""
    column = out.block[out.rows, value]
    if "(" not in "".join(column[text_positions(column)].tolist()):
        return  # no bracket in any text cell: no cell holds two amounts
    cells = column.tolist()
    found = [(i, m) for i, v in enumerate(cells) if isinstance(v, str) and (m := _DUAL.fullmatch(v))]
    if not found:
        return
    code = lambda c: CURRENCIES.get(c.upper() if c.isalpha() else c, c.upper())  # noqa: E731
    common = set.intersection(*({code(m["c1"]), code(m["c2"])} for _, m in found))
    pick = (
        options.report_currency
        if options.report_currency in common
        else (
            sorted(common, key=lambda c: [code(m["c2"]) for _, m in found].count(c), reverse=True)[0]
            if common
            else None
        )
    )
    if pick is None:
        for i, m in found:
            out.notes.append(
                (
                    sheet(out.rows[i]),
                    headers[value],
                    m.group(0).strip(),
                    "rejected",
                    "two amounts in one cell and no currency common to the column: converted neither",
                )
            )
            out.set_cells(out.rows[i], value, None)
        return
    for i, m in found:
        amount = m["a1"] if code(m["c1"]) == pick else m["a2"]
        out.set_cells(out.rows[i], value, f"{pick} {amount}")
    out.said.append(f"'{headers[value]}' holds two amounts per cell: the {pick} amount is read")
    out.notes.append(
        (
            sheet(out.rows[found[0][0]]),
            headers[value],
            found[0][1].group(0).strip(),
            "note",
            f"{len(found):,} cell(s) hold two amounts; the {pick} one is read",
        )
    )


def _hierarchy(
    out: Layout,
    label: int,
    value: int | None,
    headers: list[str],
    sheet,
    kind: str = "accounts",
    roles: dict[str, int] | None = None,
) -> None:
    """``Total <parent>`` rows are left out; a parent's row without figures is a label."""
    column = out.block[out.rows, label]
    if "total" not in "\n".join(column[text_positions(column, out.column_kinds(out.rows, label))].tolist()).lower():
        return  # no "Total <parent>" row: no hierarchy (one search at C speed over the whole column)
    texts = _texts(out, out.rows, label)
    keys = [_key(t) for t in texts]
    subtotal = _subtotal_rows(keys)
    if not subtotal.any():
        return
    numbers = (
        np.column_stack([_numbers(out, out.rows, j) for j in range(out.block.shape[1]) if j != label])
        if out.block.shape[1] > 1
        else np.full((len(out.rows), 1), np.nan)
    )
    no_figures = np.isnan(numbers).all(axis=1)
    parents = {_TOTAL_OF.fullmatch(keys[i]).group(1) for i in np.flatnonzero(subtotal)}
    parent_rows = np.array(
        [bool(k) and k in parents and no_figures[i] and not subtotal[i] for i, k in enumerate(keys)], dtype=bool
    )
    # a detail report writes the customer once, on its own row, and its transactions below it with
    # the label blank, down to "Total for <customer>": those rows are the customer's
    details: list[list[int]] = []
    for i in np.flatnonzero(parent_rows):
        end = next((t for t in np.flatnonzero(subtotal) if t > i and keys[t].endswith(keys[i])), None)
        below = [r for r in range(i + 1, end if end is not None else i + 1) if texts[r] is None and not no_figures[r]]
        for r in below:
            out.set_cells(out.rows[r], label, texts[i])
        if below:
            details.append(below)
    if details:
        filled = sum(map(len, details))
        out.notes.append(
            (
                sheet(out.rows[details[0][0]]),
                headers[label],
                "",
                "note",
                f"a detail report: '{headers[label]}' was blank on {filled:,} row(s) below their customer's "
                "own row and was filled in from it, down to its total row",
            )
        )
        out.said.append(f"a detail report: {filled:,} row(s) read as their customer's, from the row above them")
        if kind == "accounts":
            drop = _merge_into_first(out, details, roles, headers, label, sheet)
            keep = np.ones(len(out.rows), dtype=bool)
            keep[drop] = False
            subtotal, parent_rows = subtotal & keep, parent_rows & keep
            out.rows = out.rows[keep]
            subtotal, parent_rows = subtotal[keep], parent_rows[keep]
            texts = [t for t, k in zip(texts, keep) if k]
    for i in np.flatnonzero(subtotal):
        out.notes.append(
            (
                sheet(out.rows[i]),
                headers[label],
                texts[i],
                "row skipped",
                f"total row '{texts[i]}' of a parent's sub-customers: left out, its rows are counted once",
            )
        )
    for i in np.flatnonzero(parent_rows):
        out.notes.append(
            (
                sheet(out.rows[i]),
                headers[label],
                texts[i],
                "row skipped",
                f"'{texts[i]}' heads sub-customers and has no figures of its own: a label, not an account",
            )
        )
    out.said.append(
        f"a customer hierarchy: {int(subtotal.sum()):,} 'Total <parent>' row(s) left out and "
        f"{int(parent_rows.sum()):,} parent label(s) without figures not read as accounts"
    )
    out.rows = out.rows[~subtotal & ~parent_rows]


def _order_column(out: Layout, headers: list[str], layout_roles: dict[str, int], label: int | None) -> int | None:
    """The column naming the order or invoice each row belongs to, when rows share one."""
    candidates = [layout_roles["order"]] if "order" in layout_roles else []
    candidates += [
        j
        for j in range(len(headers))
        if j not in candidates
        and j != label
        and normalise_header(headers[j]) in ("name", "order name", "number")
        and _mostly_order_numbers(out.block[out.rows, j])
    ]
    for j in candidates:
        texts = [t for t in _texts(out, out.rows, j) if t]
        if texts and len(set(texts)) < len(texts):
            return j
    return None


def _order_numbers(out: Layout, headers: list[str], layout_roles: dict[str, int], label: int | None) -> int | None:
    """The column numbering the orders or invoices when each row is one (or a line of one), else None."""
    if "order" in layout_roles:
        return layout_roles["order"]
    return next(
        (
            j
            for j, h in enumerate(headers)
            if j != label
            and normalise_header(h) in ("name", "order name", "number")
            and _mostly_order_numbers(out.block[out.rows, j])
        ),
        None,
    )


def _mostly_order_numbers(cells: np.ndarray) -> bool:
    texts = [v for v in cells if isinstance(v, str) and v.strip()]
    return bool(texts) and sum(bool(_ORDER_NUMBER.fullmatch(t)) for t in texts) >= 0.9 * len(texts)


def _line_column(headers: list[str], value: int, exclude: set[int]) -> int | None:
    for j, h in enumerate(headers):
        words = set(header_words(h))
        if (
            j != value
            and j not in exclude
            and words & LINE_WORDS
            and words & {"amount", "total", "betrag", "montant", "importe", "importo", "bedrag"}
            and not words & {"tax", "discount", "unit", "price"}
        ):
            return j
    return None


def _line_items(
    out: Layout,
    headers: list[str],
    order: int,
    value: int,
    refund: int | None,
    roles: dict[str, int],
    value_role: str,
    sheet,
    kind: str,
) -> int:
    """One row per order: order-level figures once, line amounts added, refunds netted."""
    keys = pd.Series(_texts(out, out.rows, order), dtype=object)
    keyed = keys.notna().to_numpy()
    if not keys[keyed].duplicated().any():
        if refund is not None:
            _net_refunds(out, headers, value, refund, sheet)
        return value
    amounts = pd.Series(_numbers(out, out.rows, value))
    repeated = bool((amounts[keyed].groupby(keys[keyed]).nunique() <= 1).all())
    line = _line_column(headers, value, {order})
    if line is None and not repeated and value_role in roles and set(header_words(headers[value])) & LINE_WORDS:
        line = value  # the chosen column is already the line amount
    use = line if line is not None else value
    if line is not None and line != value:
        out.forced[value_role] = line
        out.said.append(
            f"line items: '{headers[value]}' repeats each order's total on its lines; the line amounts "
            f"'{headers[line]}' are added instead"
        )
    elif line is None:
        out.said.append(f"line items: '{headers[value]}' is an order figure, taken once per order ('{headers[order]}')")
    else:
        out.said.append(f"line items: the line amounts '{headers[line]}' are added per order ('{headers[order]}')")
    by_line = line is not None
    group = keys[keyed]
    first = ~group.duplicated().to_numpy()  # the first line of each order, among the keyed rows
    at = np.flatnonzero(keyed)[first]  # positions in out.rows of the rows kept for the orders
    figures = pd.Series(_numbers(out, out.rows, use))[keyed]
    grouped = figures.groupby(group, sort=False)
    totals = grouped.sum(min_count=1) if by_line else grouped.first()
    refunded = 0.0
    if refund is not None:
        refunds = pd.Series(_numbers(out, out.rows, refund))[keyed].abs().groupby(group, sort=False).first()
        take = refunds.reindex(totals.index).fillna(0.0).where(totals.notna(), 0.0)
        refunded = float(take.sum())
        totals = totals - take
    order_keys = group.to_numpy()[first]
    out.set_cells(out.rows[at], use, totals.reindex(order_keys).to_numpy(dtype=float))
    for role, j in roles.items():
        if role not in ("profit", "cost_to_serve", "quantity") or j == use:
            continue
        nums = pd.Series(_numbers(out, out.rows, j))[keyed].groupby(group, sort=False)
        summed = nums.sum(min_count=1) if role == "quantity" or by_line else nums.first()
        out.set_cells(out.rows[at], j, summed.reindex(order_keys).to_numpy(dtype=float))
    kept_rows, keyed_rows = out.rows[at], out.rows[keyed]
    # each keyed row's order, numbered by first appearance: order k's first line is at[k]
    codes = pd.factorize(group.to_numpy())[0]
    for j in range(out.block.shape[1]):  # order-level text written on the first line only
        blank_first = is_blank(out.block[kept_rows, j]) if j != use else None
        if blank_first is None or not blank_first.any():
            continue
        column = out.block[keyed_rows, j]
        filled = np.flatnonzero(~is_blank(column))
        # the first filled line of each order (len(column): none), as groupby(...).first() finds it
        first_filled = np.full(len(at), len(column))
        np.minimum.at(first_filled, codes[filled], filled)
        empty = np.flatnonzero(blank_first & (first_filled < len(column)))
        out.set_cells(kept_rows[empty], j, column[first_filled[empty]])
    merged = int(keyed.sum()) - len(at)
    keep = ~keyed
    keep[at] = True
    if merged:
        out.notes.append(
            (
                sheet(kept_rows[0]),
                headers[order],
                str(order_keys[0]),
                "note",
                f"{merged:,} line row(s) merged into the first row of their order or invoice "
                f"({len(at):,} orders, one row each)",
            )
        )
    if refund is not None and refunded:
        out.said.append(f"refunds in '{headers[refund]}' netted: {refunded:,.2f} taken off")
        out.notes.append(
            (
                sheet(out.rows[0]),
                headers[refund],
                f"{refunded:,.2f}",
                "note",
                f"refunds netted against '{headers[use]}': {refunded:,.2f} in all",
            )
        )
    out.rows = out.rows[keep]
    return use


def _net_refunds(out: Layout, headers: list[str], value: int, refund: int, sheet) -> None:
    amounts = _numbers(out, out.rows, value)
    refunds = _numbers(out, out.rows, refund)
    hit = ~np.isnan(refunds) & (refunds != 0) & ~np.isnan(amounts)
    if not hit.any():
        return
    out.set_cells(out.rows[hit], value, amounts[hit] - np.abs(refunds[hit]))
    total = float(np.abs(refunds[hit]).sum())
    out.said.append(f"refunds in '{headers[refund]}' netted: {total:,.2f} taken off")
    out.notes.append(
        (
            sheet(out.rows[np.flatnonzero(hit)[0]]),
            headers[refund],
            f"{total:,.2f}",
            "note",
            f"refunds netted against '{headers[value]}' on {int(hit.sum()):,} row(s): {total:,.2f} in all",
        )
    )


def _debit_credit(out: Layout, headers: list[str], value: int, sign: int, sheet) -> None:
    """A debit/credit mark beside unsigned amounts (DATEV's Soll/Haben-Kennzeichen S/H, Dr/Cr):
    credits are made negative."""
    marks = [normalise_header(t) if t else "" for t in _texts(out, out.rows, sign)]
    known = [m for m in marks if m]
    if not known or not all(m in CREDIT_MARKS | DEBIT_MARKS for m in known):
        return
    amounts = _numbers(out, out.rows, value)
    credit = np.array([m in CREDIT_MARKS for m in marks]) & ~np.isnan(amounts)
    if not credit.any():
        return
    out.set_cells(out.rows[credit], value, -np.abs(amounts[credit]))
    out.said.append(f"'{headers[sign]}' marks {int(credit.sum()):,} amount(s) as credits: read as negative")
    out.notes.append(
        (
            sheet(out.rows[np.flatnonzero(credit)[0]]),
            headers[value],
            "",
            "note",
            f"{int(credit.sum()):,} amount(s) marked as credit in '{headers[sign]}' read as negative",
        )
    )


def _cell_currencies(cells: np.ndarray) -> list[str | None]:
    """The currency of each text cell's amount (None for numbers and cells without a mark); the
    distinct texts are read once each."""
    cells = np.asarray(cells, dtype=object)
    at = text_positions(cells)
    codes: list[str | None] = [None] * len(cells)
    if at.size:
        found = {t: _cell_currency(t) for t in pd.unique(cells[at])}
        for i in at.tolist():
            codes[i] = found[cells[i]]
    return codes


def _cell_currency(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    m = re.match(rf"\s*(?:[-+(]\s*)?({_SIGNS}|[A-Za-z]{{3}})(?![A-Za-z])", value) or re.search(
        rf"({_SIGNS}|(?<![A-Za-z])[A-Za-z]{{3}})\s*\)?\s*$", value
    )
    if not m:
        return None
    mark = m.group(1)
    return CURRENCIES.get(mark.upper() if mark.isalpha() and mark.isascii() else mark)


#: Currency signs of more than one character first ("R$", "US$"), then the single ones.
_SIGNS = "|".join(
    re.escape(c) for c in sorted((c for c in CURRENCIES if not (c.isalpha() and c.isascii())), key=len, reverse=True)
)

#: Currencies by name, as CRMs and ERPs write them in a currency column (Dynamics 365's "US Dollar",
#: "Euro", "Pound Sterling"), in the languages of the alias tables; compared as headers are.
CURRENCY_NAMES = {
    "us dollar": "USD",
    "u s dollar": "USD",
    "united states dollar": "USD",
    "american dollar": "USD",
    "us dollars": "USD",
    "dollar americain": "USD",
    "dolar estadounidense": "USD",
    "dollaro statunitense": "USD",
    "dollaro usa": "USD",
    "dolar americano": "USD",
    "us amerikanischer dollar": "USD",
    "euro": "EUR",
    "euros": "EUR",
    "euro member countries": "EUR",
    "pound sterling": "GBP",
    "british pound": "GBP",
    "british pound sterling": "GBP",
    "uk pound": "GBP",
    "livre sterling": "GBP",
    "libra esterlina": "GBP",
    "sterlina britannica": "GBP",
    "britisches pfund": "GBP",
    "pfund sterling": "GBP",
    "sterling": "GBP",
    "swiss franc": "CHF",
    "franc suisse": "CHF",
    "schweizer franken": "CHF",
    "franco svizzero": "CHF",
    "japanese yen": "JPY",
    "yen": "JPY",
    "canadian dollar": "CAD",
    "australian dollar": "AUD",
    "new zealand dollar": "NZD",
    "swedish krona": "SEK",
    "norwegian krone": "NOK",
    "danish krone": "DKK",
    "polish zloty": "PLN",
    "czech koruna": "CZK",
    "indian rupee": "INR",
    "chinese yuan": "CNY",
    "chinese yuan renminbi": "CNY",
    "yuan renminbi": "CNY",
    "renminbi": "CNY",
    "south african rand": "ZAR",
    "brazilian real": "BRL",
    "real brasileiro": "BRL",
    "mexican peso": "MXN",
    "peso mexicano": "MXN",
    "singapore dollar": "SGD",
    "hong kong dollar": "HKD",
}


def currency_code(text: Any) -> str | None:
    """The ISO 4217 code of a currency cell: a code, a sign or a name ("US Dollar", "Euro").

    >>> currency_code("US Dollar"), currency_code(" eur "), currency_code("Pound Sterling"), currency_code("R$")
    ('USD', 'EUR', 'GBP', 'BRL')
    >>> currency_code("Gold")
    'GOLD'
    """
    if text is None:
        return None
    raw = str(text).strip()
    if not raw:
        return None
    return CURRENCY_NAMES.get(normalise_header(raw)) or CURRENCIES.get(raw) or raw.upper()


def _currencies(
    out: Layout,
    headers: list[str],
    value: int,
    currency: int | None,
    roles: dict[str, int],
    value_role: str,
    options: ExportOptions,
    sheet,
) -> None:
    """Never add amounts in different currencies: the base column, rates, or a refusal."""
    chosen = out.forced.get(value_role, value)
    if currency is not None:
        codes = [currency_code(c) if c else None for c in _texts(out, out.rows, currency)]
        where = f"column '{headers[currency]}'"
    else:
        codes = _cell_currencies(out.block[out.rows, chosen])
        where = f"the cells of '{headers[chosen]}'"
    found = sorted(set(codes) - {None, ""})
    if len(found) <= 1:
        if found:
            out.said.append(f"amounts in {found[0]} ({where})")
        return
    foreign = [
        h
        for j, h in enumerate(headers)
        if j != chosen
        and set(header_words(h)) & FOREIGN_WORDS
        and set(header_words(h)) & set(header_words(headers[chosen]))
    ]
    if foreign and not set(header_words(headers[chosen])) & FOREIGN_WORDS:
        out.said.append(
            f"amounts in {len(found)} currencies ({', '.join(found)}); '{headers[chosen]}' is in the base "
            f"currency ('{foreign[0]}' holds the record's own) and is the one read"
        )
        return
    if is_base_currency(headers[chosen]):
        out.said.append(
            f"amounts in {len(found)} currencies ({', '.join(found)}); '{headers[chosen]}' is in the "
            "base currency and is the one read"
        )
        return
    base = [
        j
        for j, h in enumerate(headers)
        if j != chosen
        and is_base_currency(h)
        and (ACCOUNT_HEADERS.role(h) == "revenue" or TRANSACTION_HEADERS.role(h) == "amount")
        and (~np.isnan(_numbers(out, out.rows, j))).mean() >= 0.5
    ]
    if base and value_role not in out.forced:
        out.forced[value_role] = base[0]
        out.said.append(
            f"amounts in {len(found)} currencies ({', '.join(found)}): the base-currency column "
            f"'{headers[base[0]]}' is read, not '{headers[chosen]}'"
        )
        return
    if not options.rates:
        raise SegmenterInputError(
            f"'{headers[chosen]}' holds amounts in {len(found)} currencies ({', '.join(found)}; {where}), which are "
            f"never added up: give rates with --rates FILE (or a Rates sheet: currency, rate to the report currency), "
            f'or choose a base-currency column with --column {value_role}="..."'
        )
    missing = [c for c in found if c not in options.rates]
    if missing:
        raise SegmenterInputError(
            f"no rate for {', '.join(missing)} (amounts in '{headers[chosen]}'): add "
            f"{'it' if len(missing) == 1 else 'them'} to the rates (--rates FILE or the Rates sheet)"
        )
    amounts = _numbers_any_currency(out.block[out.rows, chosen])
    report = options.report_currency or "the report currency"
    for i, (a, c) in enumerate(zip(amounts, codes)):
        if c and not np.isnan(a):
            out.set_cells(out.rows[i], chosen, a * float(options.rates[c]))
    out.said.append(
        f"amounts in {len(found)} currencies ({', '.join(found)}) converted to {report} at the given rates "
        f"(" + ", ".join(f"{c} {options.rates[c]:g}" for c in found) + ")"
    )
    out.notes.append(
        (
            sheet(out.rows[0]),
            headers[chosen],
            "",
            "note",
            f"amounts converted to {report}: " + ", ".join(f"1 {c} = {options.rates[c]:g}" for c in found),
        )
    )


def _numbers_any_currency(cells: np.ndarray) -> np.ndarray:
    """Amounts with their currency mark dropped (the rate converts them)."""
    stripped = np.array(
        [
            re.sub(r"US\$|[$€£¥]|(?<![A-Za-z])[A-Za-z]{3}(?![A-Za-z])", "", v).strip() if isinstance(v, str) else v
            for v in cells
        ],
        dtype=object,
    )
    return to_numbers(stripped, column="", sheet_rows=np.zeros(len(cells), dtype=np.int64)).values


def _grouped(
    out: Layout, headers: list[str], label: int, value: int | None, roles: dict[str, int], kind: str, sheet
) -> None:
    """A grouped report: the label on the first row of each group, filled down within it."""
    rows = out.rows
    if len(rows) < 3:
        return
    blank = is_blank(out.block[rows, label], out.column_kinds(rows, label))
    if blank.sum() < 2:
        return
    texts = _texts(out, rows, label)
    blank = pd.isna(pd.Series(texts, dtype=object)).to_numpy()
    figures = ~np.isnan(_numbers(out, rows, value)) if value is not None else ~blank
    # a group ends where a row was left out above (a total or blank row between): head[i] is the
    # row holding the label of row i's group, -1 before any label in its run
    new_run = np.concatenate([[True], np.diff(rows) > 1])
    head = np.full(len(rows), -1, dtype=np.int64)
    current = -1
    for i in range(len(rows)):
        current = i if not blank[i] else (-1 if new_run[i] else current)
        head[i] = current
    fill = blank & figures & (head >= 0)
    subtotal = _group_subtotals(_numbers(out, rows, value), head, fill) if value is not None else fill & False
    fill &= ~subtotal
    # a grouped report writes each group's label once: the labels are distinct, and many of them
    # head rows without one; a list with a few names missing here and there is not filled
    starts = len(set(head[fill].tolist()))
    labels = [t for t in texts if t]
    if fill.sum() < 2 or len(set(labels)) < len(labels) or starts < GROUP_HEADS * len(labels):
        return
    for i in np.flatnonzero(subtotal):
        out.notes.append(
            (
                sheet(rows[i]),
                headers[value],
                cell_text(out.block[rows[i], value]),
                "row skipped",
                "no label and the sum of its group's rows above: a subtotal, left out",
            )
        )
    if subtotal.any():
        keep = ~subtotal
        rows, fill, head = rows[keep], fill[keep], head[keep]
        head = np.searchsorted(np.flatnonzero(keep), head)  # the heads' positions among the rows kept
        out.rows = rows
    source = {int(i): int(head[i]) for i in np.flatnonzero(fill)}
    out.set_cells(rows[fill], label, out.block[rows[head[fill]], label])
    shown = ", ".join(str(sheet(rows[i])) for i in np.flatnonzero(fill)[:8]) + (", ..." if fill.sum() > 8 else "")
    out.notes.append(
        (
            sheet(rows[np.flatnonzero(fill)[0]]),
            headers[label],
            "",
            "note",
            f"a grouped report: '{headers[label]}' was blank on {int(fill.sum()):,} row(s) below their "
            f"group's first row and was filled down within the group (sheet rows {shown})",
        )
    )
    out.said.append(
        f"a grouped report: '{headers[label]}' filled down on {int(fill.sum()):,} row(s) within their group"
    )
    if kind != "accounts":
        return
    groups: dict[int, list[int]] = {}
    for i in range(len(rows)):
        groups.setdefault(source.get(i, i), []).append(i)
    multi = {g: members for g, members in groups.items() if len(members) > 1}
    if not multi:
        return
    drop = _merge_into_first(out, list(multi.values()), roles, headers, label, sheet)
    out.rows = np.delete(rows, drop)


def _merge_into_first(
    out: Layout, groups: list[list[int]], roles: dict[str, int], headers: list[str], label: int, sheet
) -> list[int]:
    """Add the figures of each group's rows (positions in ``out.rows``) into its first row; the
    positions of the other rows, to drop."""
    rows = out.rows
    groups = [g for g in groups if len(g) > 1]
    if not groups:
        return []
    for role in ("revenue", "profit", "cost_to_serve"):
        if role not in roles:
            continue
        j = roles[role]
        nums = _numbers(out, rows, j)
        for members in groups:
            values = nums[members]
            if (~np.isnan(values)).any():
                out.set_cells(rows[members[0]], j, float(np.nansum(values)))
    drop = [i for members in groups for i in members[1:]]
    out.notes.append(
        (
            sheet(rows[drop[0]]),
            headers[label],
            "",
            "note",
            f"{len(drop):,} row(s) of grouped accounts added into their group's first row "
            f"({len(groups):,} account(s) with several rows)",
        )
    )
    return drop


def _group_subtotals(values: np.ndarray, head: np.ndarray, fill: np.ndarray) -> np.ndarray:
    """Rows without a label whose figure is the sum of two or more rows of their group above them
    (a grouped report's subtotal written without a label)."""
    out = np.zeros(len(values), dtype=bool)
    running, count, group = 0.0, 0, -2
    for i in range(len(values)):
        if head[i] != group:
            running, count, group = 0.0, 0, head[i]
        if (
            fill[i]
            and count >= 2
            and np.isfinite(values[i])
            and abs(values[i] - running) <= 1e-9 * max(1.0, abs(running))
        ):
            out[i] = True
            running, count = 0.0, 0
            continue
        if np.isfinite(values[i]):
            running += values[i]
            count += 1
    return out


def _maybe_repeated(texts: list[str | None]) -> np.ndarray:
    """Positions of the texts that may share their :func:`~core.headers.normalise_header` key with
    another text, in order: a superset of the repeated keys, found without normalising every text.

    Two texts with the same key have the same letters and digits once lower-cased (the key is
    those, in runs joined by one space): an ASCII text is compared by them directly, any other
    by its key's letters and digits. A million distinct account names cost a vectorised pass
    instead of a million normalisations.

    >>> _maybe_repeated(["Acme", "ACME ", "Beta", None, "Café", "cafe", "Delta"]).tolist()
    [0, 1, 4, 5]
    """
    series = pd.Series(texts, dtype="str")  # Arrow-backed where pyarrow is installed: no Python per text
    plain = series.str.isascii().fillna(True).to_numpy(dtype=bool)
    letters = series.str.lower()
    # an ASCII text of letters and digits only (an id such as C1042) is its own letters, lower-cased
    marked = np.flatnonzero(plain & ~series.str.isalnum().fillna(False).to_numpy(dtype=bool))
    if marked.size:
        letters.iloc[marked] = letters.iloc[marked].str.replace("[^0-9a-z]+", "", regex=True)
    letters = letters.fillna("")
    odd = np.flatnonzero(~plain)
    if odd.size:
        letters.iloc[odd] = [_key(texts[i]).replace(" ", "") for i in odd.tolist()]
    order = letters.argsort(kind="stable").to_numpy()
    # neighbours in that order compared as Arrow strings (no Python string per text)
    ordered = letters.iloc[order].reset_index(drop=True)
    after, before = ordered.iloc[1:].reset_index(drop=True), ordered.iloc[:-1].reset_index(drop=True)
    same = ((after == before) & (after != "")).to_numpy(dtype=bool)
    repeated = np.zeros(len(texts), dtype=bool)
    repeated[order[1:][same]] = True
    repeated[order[:-1][same]] = True
    return np.flatnonzero(repeated)


def _respondents(out: Layout, headers: list[str], label: int, value: int, roles: dict[str, int], sheet) -> None:
    """One account per name when its rows repeat the same account figures with different answers."""
    rows = out.rows
    texts = _texts(out, rows, label)
    groups: dict[str, list[int]] = {}
    for i in _maybe_repeated(texts).tolist():
        k = _key(texts[i])
        if k:
            groups.setdefault(k, []).append(i)
    multi = {k: g for k, g in groups.items() if len(g) > 1}
    if not multi:
        return
    figures = [roles[r] for r in ("revenue", "profit", "cost_to_serve") if r in roles]
    nums = {j: _numbers(out, rows, j) for j in figures}
    nps = _numbers(out, rows, roles["nps"])
    for g in multi.values():
        for j in figures:
            v = nums[j][g]
            if np.isnan(v).any() and not np.isnan(v).all() or len(set(v[~np.isnan(v)])) > 1:
                return  # different figures: separate accounts or orders, not respondents
        if np.isnan(nums[value][g]).all():
            return
    drop = []
    answers = 0
    for g in multi.values():
        scores = nps[g][~np.isnan(nps[g])]
        if scores.size:
            out.set_cells(rows[g[0]], roles["nps"], float(np.floor(scores.mean() + 0.5)))
        answers += scores.size
        drop += g[1:]
    out.notes.append(
        (
            sheet(rows[drop[0]]),
            headers[label],
            "",
            "note",
            f"{len(multi):,} account(s) appear on several rows with the same figures and different survey "
            f"answers ({len(drop) + len(multi):,} rows): one account each, figures counted once, its NPS "
            "answer the mean of its answers (rounded)",
        )
    )
    out.said.append(
        f"survey respondents: {len(drop) + len(multi):,} rows of {len(multi):,} account(s) read as one "
        "account each (figures once, NPS answer the mean of the account's answers)"
    )
    out.rows = np.delete(rows, drop)


# --------------------------------------------------------------------------- what was read, what was left out

#: Above this share of rows or of revenue left out, the report says so first.
COVERAGE_LIMIT = 0.05
#: Reasons of rows left out on purpose (not sales): listed, but not a gap in the list.
NOT_A_SALE = "not a sale"


@dataclass(frozen=True)
class Coverage:
    """How much of a list the figures cover.

    Attributes
    ----------
    rows:
        Data rows read (accounts or transactions), counting those left out; totals, titles and
        rows left out as not sales (void, draft...) are not data rows.
    rows_out:
        Rows whose figure is in no total: left out, or an account whose revenue was rejected.
    amount, amount_out:
        Absolute revenue (amount) of the rows read and of the rows left out whose figure could
        be read (NaN when no left-out row had one).
    reasons:
        (reason, rows) pairs, most rows first.
    currency_refused:
        Whether any amount was refused for being in another currency.
    """

    rows: int
    rows_out: int
    amount: float
    amount_out: float
    reasons: tuple[tuple[str, int], ...] = ()
    currency_refused: bool = False

    @property
    def row_share(self) -> float:
        return self.rows_out / self.rows if self.rows else 0.0

    @property
    def amount_share(self) -> float:
        total = self.amount + (self.amount_out if np.isfinite(self.amount_out) else 0.0)
        return self.amount_out / total if total > 0 and np.isfinite(self.amount_out) else 0.0

    def guard(self) -> str | None:
        """The sentence that leads the report when more than :data:`COVERAGE_LIMIT` of the rows
        or of the revenue was left out, or a currency was refused; None otherwise.

        Examples
        --------
        >>> Coverage(100, 30, 700.0, 300.0, (("date is blank or unreadable", 30),)).guard()
        'Only part of the list is in these figures: 30 of 100 rows (30 %) and 30 % of revenue (300.00) were left out (date is blank or unreadable: 30); see Data issues'
        >>> Coverage(100, 1, 990.0, 10.0).guard() is None
        True
        """  # noqa: E501
        if not (self.row_share > COVERAGE_LIMIT or self.amount_share > COVERAGE_LIMIT or self.currency_refused):
            return None
        why = "; ".join(f"{reason}: {n:,}" for reason, n in self.reasons[:3])
        money = (
            f" and {pct(self.amount_share)} of revenue ({self.amount_out:,.2f})"
            if np.isfinite(self.amount_out) and self.amount_out > 0
            else ""
        )
        return (
            f"Only part of the list is in these figures: {self.rows_out:,} of {self.rows:,} rows "
            f"({pct(self.row_share)}){money} were left out ({why}); see Data issues"
        ).replace(" ()", "")


def _reason_counts(frame: pd.DataFrame) -> tuple[tuple[str, int], ...]:
    reasons = frame["reason"].astype(str).str.replace(r"'[^']*'", "'...'", regex=True)
    reasons = reasons.str.replace(r"-?\d[\d,.]*", "N", regex=True)
    counts = frame.assign(key=reasons).groupby("key")["sheet_row"].nunique().sort_values(ascending=False)
    return tuple((str(k), int(v)) for k, v in counts.items())


def account_coverage(accounts: pd.DataFrame, issues: pd.DataFrame, revenue_column: str | None) -> Coverage:
    """The coverage of an account list: accounts whose revenue was rejected or is blank.

    Examples
    --------
    >>> from core.accounts import parse_accounts
    >>> t = parse_accounts([["Account", "Revenue"], ["a", 10.0], ["b", "n/a"], ["c", 5.0]])
    >>> c = account_coverage(t.accounts, t.issues, t.columns["revenue"])
    >>> c.rows, c.rows_out, c.reasons[0][1]
    (3, 1, 1)
    """
    revenue = accounts["revenue"].to_numpy(dtype=float)
    out = issues[
        (issues["column"] == revenue_column)
        & issues["action"].isin(["rejected"])
        & issues["sheet_row"].isin(accounts["sheet_row"])
    ]
    blank_rows = accounts.loc[np.isnan(revenue), "sheet_row"]
    blank = blank_rows[~blank_rows.isin(out["sheet_row"])]
    currency = out["reason"].astype(str).str.contains("currenc")
    reasons = []
    for part, what in ((out[currency], "revenue in another currency"), (out[~currency], "revenue unreadable")):
        if len(part):
            first = part.iloc[0]
            reasons.append(
                (f"{what}, e.g. row {first['sheet_row']}: {first['reason']}", int(part["sheet_row"].nunique()))
            )
    if len(blank):
        reasons.append(("revenue blank", int(blank.nunique())))
    reasons.sort(key=lambda item: -item[1])
    rows_out = int(pd.concat([out["sheet_row"], blank]).nunique())
    return Coverage(
        rows=len(accounts),
        rows_out=rows_out,
        amount=float(np.nansum(np.abs(revenue))),
        amount_out=float("nan"),
        reasons=tuple(reasons),
        currency_refused=bool(currency.any()),
    )


def transaction_coverage(read_rows: int, issues: pd.DataFrame, amount: float, amount_out: float) -> Coverage:
    """The coverage of a transaction list: rows left out for a blank or unreadable customer,
    date or amount (rows left out as not sales are not counted)."""
    out = issues[(issues["action"] == "row left out") & ~issues["reason"].astype(str).str.contains(NOT_A_SALE)]
    rejected = issues[issues["action"] == "rejected"]
    currency = bool(rejected["reason"].astype(str).str.contains("currenc").any())
    return Coverage(
        rows=read_rows,
        rows_out=int(out["sheet_row"].nunique()),
        amount=amount,
        amount_out=amount_out,
        reasons=_reason_counts(out) if len(out) else (),
        currency_refused=currency,
    )


#: The roles in the order the reading names them: who, how much, then the rest.
ROLE_ORDER = (
    "account",
    "customer",
    "revenue",
    "amount",
    "profit",
    "date",
    "nps",
    "first_purchase",
    "quantity",
    "cost_to_serve",
    "industry",
    "size",
    "region",
    "channel",
)


def reading_lines(
    columns: Mapping[str, str], alternatives: Mapping[str, tuple[str, ...]], said: tuple[str, ...], *, where: str = ""
) -> list[str]:
    """What was read as what, in a few lines: where, the column of each role (and what else
    could have been), each layout recognised, and how to choose otherwise.

    Examples
    --------
    >>> reading_lines({"account": "Company name", "revenue": "Annual Revenue"}, {"account": ("Record ID",)}, ())
    ["Read as: account = 'Company name' (also possible: 'Record ID'), revenue = 'Annual Revenue'", 'To choose otherwise: --column ROLE="Header" (Settings sheet: a row \\'column ROLE\\'), --sheet NAME']
    """  # noqa: E501
    parts = []
    order = {role: k for k, role in enumerate(ROLE_ORDER)}
    for role, header in sorted(columns.items(), key=lambda item: order.get(item[0], len(order))):
        also = alternatives.get(role, ())
        parts.append(
            f"{role} = '{header}'" + (f" (also possible: {', '.join(repr(a) for a in also[:3])})" if also else "")
        )
    lines = [where] if where else []
    lines.append("Read as: " + ", ".join(parts))
    lines += list(said)
    lines.append("To choose otherwise: --column ROLE=\"Header\" (Settings sheet: a row 'column ROLE'), --sheet NAME")
    return lines


def intake_tables(coverage: Coverage, lines: list[str]) -> dict[str, pd.DataFrame]:
    """The tables a report carries about its intake: ``reading`` (the lines of
    :func:`reading_lines`) and, when the guard speaks, ``coverage`` (its sentence)."""
    tables = {"reading": pd.DataFrame({"line": lines})}
    guard = coverage.guard()
    if guard:
        tables["coverage"] = pd.DataFrame(
            {
                "finding": [guard],
                "rows": [coverage.rows],
                "rows_out": [coverage.rows_out],
                "row_share": [coverage.row_share],
                "revenue_share": [coverage.amount_share],
            }
        )
    return tables


#: Reading lines every run has; a message box (the ribbon) shows the reading only when there is
#: more to say than these.
ROUTINE_LINES = ("Read as", "Range ", "Sheet ", "To choose")
_ONE_CURRENCY = re.compile(r"amounts in [A-Z]{3} \(.*\)")


def intake_lines(tables: Mapping[str, pd.DataFrame], *, brief: bool = False) -> list[str]:
    """The lines a run says first (CLI, ribbon message): the coverage guard when it speaks, then
    what was read as what. ``brief`` (a message box): nothing when the guard is silent and the
    reading holds only routine lines (the Overview and Data issues say those).

    >>> tables = {"reading": pd.DataFrame({"line": ["Read as: revenue = 'Sales'"]})}
    >>> intake_lines(tables), intake_lines(tables, brief=True)
    (["Read as: revenue = 'Sales'"], [])
    """
    lines = [f"! {tables['coverage']['finding'].iloc[0]}"] if "coverage" in tables else []
    reading = [str(line) for line in tables["reading"]["line"]] if "reading" in tables else []
    if brief and not lines and all(line.startswith(ROUTINE_LINES) or _ONE_CURRENCY.fullmatch(line) for line in reading):
        return []
    return lines + reading


# --------------------------------------------------------------------------- who the customer is

#: Header words of a column of e-mail addresses (Shopify's "Email", WooCommerce's "Email (Billing)").
EMAIL_WORDS = frozenset({"email", "mail", "courriel", "correo", "posta"})
#: Header words of a first name and of a last name (a shop's billing name in two columns).
FIRST_NAME = ("first name", "firstname", "given name", "vorname", "prenom", "nombre de pila", "primeiro nome")
LAST_NAME = (
    "last name",
    "lastname",
    "surname",
    "family name",
    "nachname",
    "nom de famille",
    "apellido",
    "apellidos",
    "cognome",
    "achternaam",
    "sobrenome",
    "apelido",
)
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def _name_column(headers: list[str], names: tuple[str, ...], skip: int | None = None) -> int | None:
    for j, h in enumerate(headers):
        text = " ".join(header_words(h))
        if j != skip and any(re.search(rf"\b{n}\b", text) for n in names):
            return j
    return None


def _customer_key(
    out: Layout, headers: list[str], label: int, roles: dict[str, int], orders: int | None, sheet
) -> None:
    """Who bought, as shops and CRMs key their customers: by e-mail address or customer id, the
    name being the label.

    - A first name with its last name beside it ("First Name (Billing)", "Last Name (Billing)")
      is read as the whole name.
    - With an e-mail (or customer id) column, the rows of one address are one customer, and two
      customers who share a name are two (the address is added to the label of each).
    - In an order export, an order without a name (a gift card or a pickup with no billing
      address) belongs to its e-mail address (or id): the name written on another order of that
      address, else the address itself.
    """
    rows = out.rows
    first = _name_column([headers[label]], FIRST_NAME)
    last = _name_column(headers, LAST_NAME, skip=label) if first is not None else None
    key_col = None
    for j, h in enumerate(headers):
        if j == label or j in roles.values() or not set(header_words(h)) & EMAIL_WORDS:
            continue
        cells = [t for t in _texts(out, rows, j) if t]
        if cells and sum(bool(_EMAIL.fullmatch(t)) for t in cells) >= 0.9 * len(cells):
            key_col = j
            break
    if key_col is None:
        key_col = next(
            (
                j
                for j, h in enumerate(headers)
                if j != label
                and j not in roles.values()
                and TRANSACTION_HEADERS.role(h) == "customer"
                and is_id_header(h)
            ),
            None,
        )
    if key_col is None and last is None:
        return  # a name column alone: the names stay as they are (a million of them are not read twice)
    names = np.array([t or "" for t in _texts(out, rows, label)], dtype=object)
    if last is not None:
        lasts = np.array([t or "" for t in _texts(out, rows, last)], dtype=object)
        names = np.array([f"{a} {b}".strip() for a, b in zip(names, lasts)], dtype=object)
        out.said.append(f"the customer's name is '{headers[label]}' with '{headers[last]}'")
    if key_col is None:
        out.set_cells(rows, label, np.where(names == "", None, names))
        return
    keys = np.array(
        [(t or "").lower() if key_col is not None else "" for t in _texts(out, rows, key_col)], dtype=object
    )
    frame = pd.DataFrame({"name": names, "key": keys})
    keyed = frame["key"] != ""
    named = frame[keyed & (frame["name"] != "")]
    label_of = named.groupby("key", sort=False)["name"].first()
    # two addresses under one name are two customers: each keeps its address in its label
    shared = label_of[label_of.duplicated(keep=False)]
    label_of.loc[shared.index] = [f"{n} ({k})" for k, n in shared.items()]
    new = frame["name"].to_numpy(dtype=object).copy()
    has_label = keyed & frame["key"].isin(label_of.index)
    new[has_label.to_numpy()] = frame.loc[has_label, "key"].map(label_of).to_numpy(dtype=object)
    filled = 0
    if orders is not None:
        blank = (keyed & (frame["name"] == "")).to_numpy()
        orphan = blank & ~has_label.to_numpy()
        new[orphan] = [t for t, k in zip(_texts(out, rows[orphan], key_col), keys[orphan])]
        # a later line of an order named on its first line is no order without a name
        numbers = pd.Series(_texts(out, rows, orders), dtype=object)
        named_orders = set(numbers[(frame["name"] != "").to_numpy() & numbers.notna().to_numpy()])
        blank = blank & ~numbers.isin(named_orders).to_numpy()
        filled = int(blank.sum())
        for r, v in zip(rows[blank], new[blank]):
            out.notes.append(
                (
                    sheet(r),
                    headers[label],
                    "",
                    "coerced",
                    f"no name on this order: its customer is '{v}' by '{headers[key_col]}'",
                )
            )
    changed = (new != names) | (last is not None)
    out.set_cells(rows[changed], label, np.where(new[changed] == "", None, new[changed]))
    split = len(shared)
    if split or filled or keyed.any():
        parts = [f"customers are told apart by '{headers[key_col]}', named by '{headers[label]}'"]
        if split:
            parts.append(f"{split} customers share a name and are kept apart")
        if filled:
            parts.append(f"{filled} order(s) without a name belong to their '{headers[key_col]}'")
        out.said.append("; ".join(parts))


# --------------------------------------------------------------------------- DATEV's day-month dates

#: The first cell of a DATEV export's metadata line (above its header row): a posting batch.
DATEV_MARKS = ("EXTF", "DTVF")
#: Fields of that line (0-based): the fiscal year's first day, and the batch's first and last day (YYYYMMDD).
_DATEV_YEAR_START, _DATEV_FROM, _DATEV_TO = 12, 14, 15


def _ledger_day_month(out: Layout, header: int, headers: list[str], j: int, sheet) -> None:
    """DATEV writes a posting's "Belegdatum" as day and month only (``1501`` = 15 January; the CSV
    reader sees the number 1501): the year is the batch's, from the metadata line above the header
    (its "Datum vom" and "Datum bis", or the fiscal year's first day). Read so, never as an Excel
    serial (1501 would be 1904-02-09); a batch across a new year takes the next year for the
    months before its first month."""
    meta = next(
        (out.block[r] for r in range(header) if cell_text(out.block[r][0]).strip().strip('"') in DATEV_MARKS), None
    )
    if meta is None:
        return
    cells = out.block[out.rows, j]
    filled = ~is_blank(cells)
    numbers = to_numbers(
        np.where(filled, cells, None), column="", sheet_rows=np.zeros(len(cells), dtype=np.int64)
    ).values
    day, month = np.floor_divide(numbers, 100), np.mod(numbers, 100)
    ok = filled & (numbers == np.round(numbers)) & (day >= 1) & (day <= 31) & (month >= 1) & (month <= 12)
    if not ok.any() or ok.sum() < 0.9 * filled.sum():
        return

    def day_of(k):
        text = cell_text(meta[k]).strip() if k < len(meta) else ""
        return pd.to_datetime(text, format="%Y%m%d", errors="coerce") if re.fullmatch(r"\d{8}", text) else pd.NaT

    start = day_of(_DATEV_FROM)
    start = start if not pd.isna(start) else day_of(_DATEV_YEAR_START)
    if pd.isna(start):
        return
    for i in np.flatnonzero(ok):
        d, m = int(day[i]), int(month[i])
        year = start.year + (1 if m < start.month else 0)
        try:
            out.set_cells(out.rows[i], j, pd.Timestamp(year=year, month=m, day=d).to_pydatetime())
        except ValueError:
            out.set_cells(out.rows[i], j, None)
            out.notes.append(
                (
                    sheet(out.rows[i]),
                    headers[j],
                    cell_text(cells[i]),
                    "rejected",
                    f"day {d} of month {m} does not exist in {year}",
                )
            )
    out.said.append(f"'{headers[j]}' holds day and month (DATEV): the year is the batch's, {start.year}")
