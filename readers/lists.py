"""A file's cells handed to core/: an account list or a transaction list."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from core.accounts import AccountTable, parse_accounts
from core.errors import SegmenterInputError
from core.exports import ExportOptions
from core.table_finder import header_cells
from core.transactions import TransactionTable, looks_like_transactions, parse_transactions
from readers.files import read_block
from readers.text_layout import CDNOW_COLUMNS, TEXT_SUFFIXES, cdnow_layout

Table = TypeVar("Table")


def load_accounts(path: Path, sheet: str | None = None) -> AccountTable:
    """Read and validate an account list from a file (its first non-empty row may be headers)."""
    rows, first_row = read_block(path, sheet)
    return accounts_from_rows(rows, first_row, path)


def accounts_from_rows(
    rows: list[list[Any]], first_row: int, path: Path, date_format: str = "auto", options: ExportOptions | None = None
) -> AccountTable:
    """The account list in a file's cells (from :func:`readers.files.read_block`)."""
    return _naming_the_file(
        path,
        rows,
        "accounts",
        lambda: parse_accounts(rows, first_sheet_row=first_row, date_format=date_format, options=options),
    )


def _naming_the_file(path: Path, rows: list[list[Any]], kind: str, parse: Callable[[], Table]) -> Table:
    """Run ``parse``; a refusal names the file, and a file of one row says it has nothing below it."""
    try:
        return parse()
    except SegmenterInputError as error:
        if not any(v is not None and str(v).strip() for row in rows[1:] for v in row):
            raise SegmenterInputError(
                f"{path.name} has one row only (a header?) and no {kind} below it: "
                "export the whole list, or name the sheet that holds it (--sheet)"
            ) from None
        if path.name in str(error):
            raise
        raise SegmenterInputError(f"{path.name}: {error}") from None


def is_transaction_list(rows: list[list[Any]], path: Path, *, forced: bool = False) -> bool:
    """A transaction list: --transactions, a transaction header row, or a text file in the CDNOW layout."""
    return (
        forced
        or looks_like_transactions(header_cells(rows))
        or (path.suffix.lower() in TEXT_SUFFIXES and cdnow_layout(rows))
    )


def load_transactions(
    rows: list[list[Any]],
    first_row: int,
    path: Path,
    columns: Sequence[str] | None = None,
    date_format: str = "auto",
    options: ExportOptions | None = None,
) -> TransactionTable:
    """Read a transaction list from a file's cells.

    ``columns`` names the columns of a file without a header row (``-`` for one to ignore);
    without it a header-less text file in the CDNOW layout reads as :data:`CDNOW_COLUMNS` and
    any other header-less file by position (customer, date, amount, profit, quantity).
    """
    if (
        columns is None
        and path.suffix.lower() in TEXT_SUFFIXES
        and not looks_like_transactions(rows[0])
        and cdnow_layout(rows)
    ):
        columns = CDNOW_COLUMNS
    if columns is None:
        return _naming_the_file(
            path,
            rows,
            "transactions",
            lambda: parse_transactions(rows, first_sheet_row=first_row, date_format=date_format, options=options),
        )
    names = [name.strip() for name in columns]
    if len(names) > len(rows[0]):
        raise SegmenterInputError(f"--columns names {len(names)} columns but {path.name} has {len(rows[0])}")
    header = names + ["-"] * (len(rows[0]) - len(names))
    return _naming_the_file(
        path,
        rows,
        "transactions",
        lambda: parse_transactions(
            [header] + rows, first_sheet_row=first_row - 1, has_header=True, date_format=date_format
        ),
    )
