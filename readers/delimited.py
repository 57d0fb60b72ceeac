"""Delimited text (CSV): the cells of a file as rows of values, typed as Excel would type them.

CSV has no types: text that is a plain number ("1200.5", "-3e4") becomes a number, as Excel would
read it; an ISO date ("2024-03-31", "2024-03-31 10:00") becomes a datetime; anything else stays
text for the cell parser of core/ to coerce or reject. Blank cells are None.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd

# How a CSV writes a date (Excel reads these as dates when it opens a CSV): 2024-03-31[ 10:00[:00]]
ISO_DATE = r"\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2})?)?"

ColumnHook = Callable[[pd.Series, np.ndarray], None]


def read_delimited(path: Path, separator: str = ",", column_hook: ColumnHook | None = None) -> list[list[Any]]:
    """The cells of a delimited text file, row 1 of the list = line 1 of the file.

    ``column_hook(text, values)`` may retype a column in place (the text layout reads YYYYMMDD
    dates with it). An empty file gives no rows.
    """
    try:
        frame = pd.read_csv(path, sep=separator, dtype=str, keep_default_na=False, header=None, skip_blank_lines=False)
    except pd.errors.EmptyDataError:
        return []
    columns = []
    for name in frame.columns:
        text = frame[name]
        values = typed_column(text)
        if column_hook is not None:
            column_hook(text, values)
        columns.append(values)
    return np.column_stack(columns).tolist() if columns else []


def typed_column(text: pd.Series) -> np.ndarray:
    """One column of cell texts as values: numbers, ISO dates, text, None for blank.

    >>> typed_column(pd.Series(["12.5", "2024-03-31", "Acme", ""])).tolist()
    [12.5, datetime.datetime(2024, 3, 31, 0, 0), 'Acme', None]
    """
    raw = text.to_numpy(dtype=object)
    numbers = pd.to_numeric(text, errors="coerce").to_numpy(dtype=float)
    values = np.where(np.isnan(numbers), raw, numbers).astype(object)
    words = np.flatnonzero(np.isnan(numbers) & (raw != ""))  # only text can be a date
    iso = words[text.iloc[words].str.fullmatch(ISO_DATE).to_numpy(dtype=bool)]
    if iso.size:
        values[iso] = pd.to_datetime(text.iloc[iso], format="ISO8601").dt.to_pydatetime()
    values[raw == ""] = None
    return values
