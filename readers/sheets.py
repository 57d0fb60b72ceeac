"""Which sheet of a workbook holds the list, which of its rows are hidden, and the rates a file gives.

A workbook from a finance team often opens on a pivot table, a summary or a chart, with the list
itself on a sheet called "Data"; a sheet saved with a filter hides rows that are still in its
cells. :func:`read_export` reads a file as the CLI reads it and says, in sentences, which sheet
was read and why, which others there are, and how many rows are hidden:

- without ``--sheet``, the worksheet whose header row (among its first 30 rows) names the most
  columns of an account or transaction list wins, the most rows breaking a tie; a pivot table
  (``Row Labels``, ``Sum of ...``, ``Grand Total`` and the same in the other languages Excel
  writes) or a sheet naming fewer than two columns is never chosen while another sheet qualifies;
- hidden rows (``<row hidden="1">`` in the sheet's XML, which a filter writes for the rows it
  hides) are read like the others unless ``visible_only``; either way the count is said;
- a sheet named ``Rates`` (currency, rate to the report currency) gives the currency rates, as
  ``--rates FILE`` does.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.errors import SegmenterInputError
from core.exports import ExportOptions
from core.headers import header_score
from core.table_finder import HEADER_SEARCH_ROWS, header_cells
from readers.files import read_block, read_cells
from readers.workbook import WORKBOOK_SUFFIXES, _sheet_member

#: Cells that only a pivot table has (Excel's labels in the languages segmenter reads).
PIVOT_MARKS = re.compile(
    r"\s*(?:row labels|column labels|grand total|sum of .+|count of .+|average of .+|"
    r"zeilenbeschriftungen|spaltenbeschriftungen|gesamtergebnis|summe von .+|anzahl von .+|"
    r"[ée]tiquettes de lignes|total g[ée]n[ée]ral|somme de .+|nombre de .+|"
    r"etiquetas de fila|total general|suma de .+|cuenta de .+|"
    r"etichette di riga|totale complessivo|somma di .+|conteggio di .+|"
    r"rijlabels|eindtotaal|som van .+|aantal van .+|"
    r"r[óo]tulos de linha|total geral|soma de .+|contagem de .+)\s*",
    re.I,
)
RATES_SHEET = "rates"
_HIDDEN_ROW = re.compile(
    rb'<row\b[^>]*?\br=["\'](\d+)["\'][^>]*?\bhidden=["\'](?:1|true)["\']|'
    rb'<row\b[^>]*?\bhidden=["\'](?:1|true)["\'][^>]*?\br=["\'](\d+)["\']'
)


@dataclass
class ReadExport:
    """A file's cells as the CLI reads them, with what was decided about them."""

    rows: list[list[Any]]
    first_row: int
    options: ExportOptions
    said: list[str] = field(default_factory=list)


def workbook_sheets(path: Path) -> list[str]:
    """The worksheet names of a workbook, in order (charts and macro sheets left out)."""
    from python_calamine import CalamineWorkbook, SheetTypeEnum

    with CalamineWorkbook.from_path(str(path)) as book:
        return [m.name for m in book.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]


def _head(path: Path, name: str) -> list[list[Any]]:
    from python_calamine import CalamineWorkbook

    with CalamineWorkbook.from_path(str(path)) as book:
        return book.get_sheet_by_name(name).to_python(skip_empty_area=False, nrows=HEADER_SEARCH_ROWS + 200)


def is_pivot(rows: list[list[Any]]) -> bool:
    """Whether a sheet's first rows hold a pivot table's labels.

    >>> is_pivot([["Row Labels", "Count of Account"], ["EMEA", 3]]), is_pivot([["Account", "Revenue"]])
    (True, False)
    """
    return any(isinstance(v, str) and PIVOT_MARKS.fullmatch(v) for row in rows[:HEADER_SEARCH_ROWS] for v in row)


def choose_sheet(path: Path) -> tuple[str, str, list[str]]:
    """(sheet, why, other sheets) for a workbook read without ``--sheet``."""
    names = workbook_sheets(path)
    if len(names) <= 1:
        return (names[0] if names else ""), "its only worksheet", []
    scored = []
    for k, name in enumerate(names):
        if name.strip().lower() == RATES_SHEET:
            continue
        head = _head(path, name)
        filled = [row for row in head if any(v not in (None, "") for v in row)]
        pivot = is_pivot(head)
        score = header_score(header_cells(filled)) if filled else 0
        scored.append((not pivot and score >= 2, score, len(filled), -k, name, pivot))
    if not scored:
        return names[0], "the first worksheet", names[1:]
    best = max(scored)
    name = best[4]
    others = [n for n in names if n != name]
    if name == names[0]:
        why = "the first worksheet, which holds a list"
    else:
        passed = [s for s in scored if s[4] in names[: names.index(name)]]
        kinds = ", ".join(
            f"'{s[4]}' ({'a pivot table' if s[5] else 'no list of accounts or transactions'})" for s in passed
        )
        why = f"the sheet that holds a list; {kinds} not read"
    return name, why, others


def hidden_rows(path: Path, sheet: str) -> tuple[list[int], bool]:
    """(sheet rows hidden, whether the sheet has a filter) from the sheet's XML."""
    with zipfile.ZipFile(path) as archive:
        member = _sheet_member(archive, sheet)
        if member is None:
            return [], False
        xml = archive.read(member)
    rows = sorted({int(m.group(1) or m.group(2)) for m in _HIDDEN_ROW.finditer(xml)})
    return rows, b"<autoFilter" in xml


def read_rates(rows: list[list[Any]], where: str) -> tuple[dict[str, float], str | None]:
    """Currency -> rate to the report currency, and that currency (the one at rate 1, or named in
    the header "Rate to EUR"), from rows of (currency, rate).

    A rate typed as text is read by the rule of a number cell (:func:`core.cells.to_numbers`, over
    the column of rates, so that "1,15" beside "0,9" reads both with decimal commas); text without
    a digit is a header and skipped; a rate the cell rule refuses ("0,9" alone could be 0.9 or 9) is
    refused with its reason, never read some other way.

    >>> read_rates([["Currency", "Rate to EUR"], ["USD", 0.9], ["GBP", "1.15"], ["EUR", 1]], "rates.csv")
    ({'USD': 0.9, 'GBP': 1.15, 'EUR': 1.0}, 'EUR')
    >>> read_rates([["USD", "0,9"], ["GBP", "1,15"], ["EUR", "1"]], "rates.csv")
    ({'USD': 0.9, 'GBP': 1.15, 'EUR': 1.0}, 'EUR')
    """
    import numpy as np

    from core.cells import CURRENCIES, to_numbers
    from core.exports import currency_code

    rows = [[v for v in row if v not in (None, "")] for row in rows]
    rows = [cells for cells in rows if len(cells) >= 2]
    texts = [cells[1] if isinstance(cells[1], str) else None for cells in rows]
    numbers = to_numbers(
        np.array(texts, dtype=object), column="rate", sheet_rows=np.arange(1, len(rows) + 1), percent_ok=False
    )
    reasons = dict(zip(numbers.issues["sheet_row"], numbers.issues["reason"])) if len(numbers.issues) else {}
    rates: dict[str, float] = {}
    report = None
    for i, cells in enumerate(rows):
        code, rate = currency_code(cells[0]) or "", cells[1]
        if isinstance(rate, str):
            m = re.search(r"\b([A-Z]{3})\b", rate.upper())
            if m and m.group(1) in CURRENCIES.values():
                report = m.group(1)
            if not any(ch.isdigit() for ch in rate):
                continue  # a header ("Rate to EUR")
            rate = float(numbers.values[i])
            if np.isnan(rate):
                raise SegmenterInputError(f"{where}: the rate of '{cells[0]}': {reasons.get(i + 1, 'not a number')}")
        if not re.fullmatch(r"[A-Z]{3}", code) or not isinstance(rate, (int, float)) or not rate > 0:
            raise SegmenterInputError(
                f"{where}: '{cells[0]}' / '{cells[1]}' is not a currency code and a positive rate "
                "(each row: currency, rate to the report currency)"
            )
        rates[code] = float(rate)
    if not rates:
        raise SegmenterInputError(
            f"{where} holds no rates: write one row per currency: code, rate to the report currency"
        )
    ones = [c for c, r in rates.items() if r == 1.0]
    if report is None and len(ones) == 1:
        report = ones[0]
    return rates, report


def read_export(
    path: Path,
    *,
    sheet: str | None = None,
    visible_only: bool = False,
    rates: Path | None = None,
    columns: dict[str, str] | None = None,
) -> ReadExport:
    """The cells of a file as the CLI reads them, the options they are read with, and what was
    decided (which sheet, hidden rows, rates), in sentences."""
    said = []
    rate_table = report = None
    if rates is not None:
        rate_table, report = read_rates(read_cells(rates), rates.name)
    suffix = path.suffix.lower()
    if suffix in WORKBOOK_SUFFIXES and path.is_file():
        try:
            names = workbook_sheets(path)
        except Exception:  # a damaged file: read_block refuses it in one line
            names = []
        if names:
            if sheet is None:
                sheet, why, others = choose_sheet(path)
            else:
                why, others = "named with --sheet", [n for n in names if n != sheet]
            said.append(
                f"Sheet '{sheet}' read ({why})"
                + (f"; other sheets: {', '.join(repr(n) for n in others)}" if others else "")
            )
            rate_sheet = next((n for n in names if n.strip().lower() == RATES_SHEET and n != sheet), None)
            if rate_table is None and rate_sheet:
                rate_table, report = read_rates(read_cells(path, rate_sheet), f"sheet '{rate_sheet}'")
                said.append(f"currency rates from the sheet '{rate_sheet}'")
    rows, first_row = read_block(path, sheet)
    if suffix in WORKBOOK_SUFFIXES and sheet:
        hidden, filtered = hidden_rows(path, sheet)
        if hidden:
            how = "hidden by a filter" if filtered else "hidden"
            if visible_only:
                for r in hidden:
                    k = r - first_row
                    if 0 <= k < len(rows):
                        rows[k] = [""] * len(rows[k])
                said.append(f"{len(hidden):,} row(s) {how} not read (visible only)")
            else:
                said.append(
                    f"{len(hidden):,} row(s) {how} are read like the others; --visible-only (Settings: "
                    "visible only) reads only the visible rows"
                )
    return ReadExport(
        rows, first_row, ExportOptions(columns=dict(columns or {}), rates=rate_table, report_currency=report), said
    )
