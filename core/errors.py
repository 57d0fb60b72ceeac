"""The one error type the engine raises for input it cannot use.

Callers at the edge turn it into a cell message (udfs/), a message box or status
text (segmenter.py ribbon actions) or a non-zero exit code (the CLI).
"""

from __future__ import annotations


class SegmenterInputError(ValueError):
    """Input the engine cannot compute on.

    Parameters
    ----------
    message:
        A short sentence a finance user understands ("revenue: no account has a
        positive revenue").
    row:
        The row number as the user sees it in the sheet, when one row is at fault.
    column:
        The column (header text or role) at fault, when known.
    """

    def __init__(self, message: str, *, row: int | None = None, column: str | None = None):
        self.row = row
        self.column = column
        where = []
        if row is not None:
            where.append(f"row {row}")
        if column:
            where.append(str(column))
        prefix = f"{', '.join(where)}: " if where else ""
        super().__init__(prefix + message)
