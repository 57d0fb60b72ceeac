"""Which reader reads a file, chosen by its suffix; the block of cells a list starts with."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from core.errors import SegmenterInputError
from readers.delimited import read_delimited
from readers.text_layout import TEXT_SUFFIXES, read_text
from readers.workbook import WORKBOOK_SUFFIXES, read_workbook


def read_cells(path: Path, sheet: str | None = None) -> list[list[Any]]:
    """The cells of a .csv, .txt, .tsv, .dat, .xlsx or .xlsm file as rows of values
    (row 1 of the list = sheet row 1)."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return read_delimited(path)
    if suffix in TEXT_SUFFIXES:
        return read_text(path)
    if suffix in WORKBOOK_SUFFIXES:
        return read_workbook(path, sheet)
    raise SegmenterInputError(f"cannot read {path.name}: use a .csv, .xlsx, .xlsm, .txt or .tsv file")


def read_block(path: Path, sheet: str | None = None) -> tuple[list[list[Any]], int]:
    """The cells of a file from its first non-empty row on, and that row's sheet row number."""
    if not path.exists():
        raise SegmenterInputError(f"file not found: {path}")
    rows = read_cells(path, sheet)
    first = next((i for i, row in enumerate(rows) if any(v is not None and str(v).strip() for v in row)), None)
    if first is None:
        raise SegmenterInputError(f"{path.name} has no accounts: the sheet is empty")
    return rows[first:], first + 1
