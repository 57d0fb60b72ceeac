"""Excel workbooks (.xlsx, .xlsm): the cells of one sheet as rows of values."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from core.errors import SegmenterInputError

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


def read_workbook(path: Path, sheet: str | None = None) -> list[list[Any]]:
    """The cells of ``sheet`` (default: the first) as rows of values, row 1 of the list = sheet row 1."""
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        if sheet is not None and sheet not in workbook.sheetnames:
            raise SegmenterInputError(f"no sheet named {sheet!r} in {path.name}; it has {', '.join(workbook.sheetnames)}")
        worksheet = workbook[sheet] if sheet else workbook.worksheets[0]
        rows = [list(row) for row in worksheet.iter_rows(values_only=True)]
    finally:
        workbook.close()
    return rows
