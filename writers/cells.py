"""Report values as cells: plain Python values or Arrow columns, text as a cell can hold it,
and Excel's column letters.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

from core.cells import may_hold_text
from core.grid import no_cyclic_gc

EXCEL_CELL_CHARS = 32_767  # the most characters a cell holds
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # not allowed in XML 1.0 text, nor shown by Excel


def text_bytes(array) -> memoryview:
    """The UTF-8 bytes of an Arrow string array's values back to back, without copying them
    (offsets of 32 bits for ``string``, 64 for ``large_string``; a slice sees its own values only).

    >>> import pyarrow as pa
    >>> bytes(text_bytes(pa.array(["ab", None, "c", "de"]).slice(1, 2)))
    b'c'
    >>> bytes(text_bytes(pa.chunked_array([["ab"], ["c"]])))
    b'abc'
    """
    import pyarrow as pa

    if isinstance(array, pa.ChunkedArray):  # a column of several chunks: one copy, joined
        array = array.combine_chunks()
    width = np.int64 if pa.types.is_large_string(array.type) else np.int32
    offsets = np.frombuffer(
        array.buffers()[1], dtype=width, count=len(array) + 1, offset=array.offset * np.dtype(width).itemsize
    )
    data = array.buffers()[2]
    return memoryview(data if data is not None else b"")[offsets[0] : offsets[-1]]


def has_control_bytes(data, allowed: bytes = b"\t\n\r") -> bool:
    r"""Whether UTF-8 bytes hold an ASCII control character (below 0x20) other than ``allowed``:
    one vectorised pass, where a regular expression over the same text takes fifteen times as long.
    A byte below 0x80 is an ASCII character in UTF-8, never part of another's encoding.

    >>> has_control_bytes(b"tab\there"), has_control_bytes(b"bell\x07"), has_control_bytes(b"cr\r", allowed=b"\t\n")
    (False, True, True)
    """
    codes = np.frombuffer(data, dtype=np.uint8)
    if not codes.size or codes.min() >= 0x20:  # no byte below a space (the usual text): one reduction
        return False
    control = codes < 0x20
    for byte in allowed:
        control &= codes != byte
    return bool(control.any())


def column_letters(column: int) -> str:
    """Excel's letters of a 1-based column.

    Examples
    --------
    >>> column_letters(1), column_letters(26), column_letters(28)
    ('A', 'Z', 'AB')
    """
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def frame_rows(frame: pd.DataFrame) -> list[list[object]]:
    """DataFrame rows as plain Python cell values: NaN/NaT/NA -> None, timestamps -> datetime.

    Built column by column (one conversion per column, no per-cell Python work on numeric columns)
    and zipped into rows: a million rows of twenty columns take about a second.
    """
    if not len(frame.columns) or not len(frame):
        return []
    columns = [_column_cells(frame[name]) for name in frame.columns]
    with no_cyclic_gc():
        return [list(row) for row in zip(*columns)]


def _column_cells(series: pd.Series) -> list[object]:
    if pd.api.types.is_bool_dtype(series):
        return np.where(series.to_numpy(dtype=bool), "yes", "no").tolist()
    if pd.api.types.is_datetime64_any_dtype(series):
        values = np.array(series.dt.to_pydatetime(), dtype=object)
        values[series.isna().to_numpy()] = None
        return values.tolist()
    if isinstance(series.dtype, pd.CategoricalDtype):
        labels = _readable(np.array([_plain(c) for c in series.cat.categories] + [None], dtype=object))
        return labels[series.cat.codes.to_numpy()].tolist()  # code -1 (missing) takes the last: None
    if pd.api.types.is_float_dtype(series):
        as_float = series.to_numpy(dtype=float)
        cells = as_float.tolist()
        for i in np.flatnonzero(~np.isfinite(as_float)).tolist():
            cells[i] = None
        return cells
    if pd.api.types.is_integer_dtype(series) and not isinstance(series.dtype, pd.api.extensions.ExtensionDtype):
        return series.to_numpy().tolist()
    values = series.astype(object).to_numpy()
    values = np.where(pd.isna(values), None, values)
    if any(issubclass(kind, (np.generic, pd.Timestamp)) for kind in set(map(type, values))):
        values = np.array([_plain(v) for v in values], dtype=object)
    return _readable(values).tolist()


def frame_arrow(frame: pd.DataFrame):
    """The cells of :func:`frame_rows`, column by column, as a ``pyarrow.Table`` (columns named
    "0", "1", ... by position); None when a column mixes kinds of cell (numbers and text), which
    only rows hold.

    A writer that takes Arrow arrays reads them in native code, with no Python object per cell:
    numbers are float64 or int64, text is made readable as :func:`frame_rows` makes it, yes/no
    columns are text, dates are ``timestamp[ns]``; a missing cell (None in :func:`frame_rows`:
    NaN, inf, NaT, NA) is null. pyarrow is imported here only: the live-workbook path and a
    Pyodide build never call this.

    >>> frame = pd.DataFrame({"n": [1.5, float("inf")], "t": ["bell\\x07", None], "b": [True, False]})
    >>> frame_arrow(frame).to_pylist() == [dict(zip("012", r)) for r in frame_rows(frame)]
    True
    >>> frame_arrow(pd.DataFrame({"mixed": [1.0, "a"]})) is None
    True
    """
    import pyarrow as pa

    columns = [_arrow_column(frame.iloc[:, j]) for j in range(frame.shape[1])]
    if any(column is None for column in columns):
        return None
    return pa.table(columns, names=[str(j) for j in range(len(columns))])


def _arrow_column(series: pd.Series):
    """One column of :func:`frame_arrow`, or None when its cells are of mixed kinds."""
    import pyarrow as pa

    if pd.api.types.is_bool_dtype(series):
        return pa.array(np.where(series.to_numpy(dtype=bool), "yes", "no"), pa.string())
    if pd.api.types.is_datetime64_any_dtype(series):
        if getattr(series.dtype, "tz", None) is not None:
            return None
        return pa.array(series.to_numpy(dtype="datetime64[ns]"), pa.timestamp("ns"), mask=series.isna().to_numpy())
    if isinstance(series.dtype, pd.CategoricalDtype):
        labels = _typed_arrow(_readable(np.array([_plain(c) for c in series.cat.categories], dtype=object)))
        if labels is None:
            return None
        codes = series.cat.codes.to_numpy()
        return labels.take(pa.array(codes, mask=codes < 0))
    if pd.api.types.is_float_dtype(series):
        values = series.to_numpy(dtype=float)
        return pa.array(values, pa.float64(), mask=~np.isfinite(values))
    if pd.api.types.is_integer_dtype(series) and not isinstance(series.dtype, pd.api.extensions.ExtensionDtype):
        return pa.array(series.to_numpy(), pa.int64())
    if isinstance(series.dtype, pd.StringDtype) and series.dtype.storage == "pyarrow":
        # pandas' own text column is Arrow already: taken as it is, no Python string made
        return _readable_arrow(pa.array(series).cast(pa.string()))
    try:  # text and missing cells only, the usual text column: converted in one step
        return _readable_arrow(pa.array(series.to_numpy(dtype=object), pa.string(), from_pandas=True))
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        values = series.astype(object).to_numpy()
        return _typed_arrow(np.where(pd.isna(values), None, values))


def _typed_arrow(values: np.ndarray):
    """An object array of cells (None for missing) as one Arrow array: text (made readable),
    numbers (float64), or all missing; None when it mixes kinds or holds other values."""
    import pyarrow as pa

    kind = pd.api.types.infer_dtype(values, skipna=True)
    if kind == "empty":
        return pa.nulls(len(values), pa.string())
    if kind in ("integer", "floating", "mixed-integer-float", "decimal"):
        numbers = pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").to_numpy(dtype=float)
        return pa.array(numbers, pa.float64(), mask=~np.isfinite(numbers))
    if kind != "string":
        return None
    return _readable_arrow(pa.array(values, pa.string()))


def _readable_arrow(text):
    """:func:`_readable` of an Arrow text array, in Arrow's own string functions."""
    import pyarrow.compute as pc

    if has_control_bytes(text_bytes(text)):  # CONTROL_CHARACTERS, found at C speed on the bytes
        text = pc.replace_substring_regex(text, CONTROL_CHARACTERS.pattern, "\ufffd")
    if pc.any(pc.greater(pc.utf8_length(text), EXCEL_CELL_CHARS)).as_py():
        text = pc.utf8_slice_codeunits(text, 0, EXCEL_CELL_CHARS)
    return text


def readable_text(text: str) -> str:
    """One text as a cell can hold it: control characters become U+FFFD, cut at :data:`EXCEL_CELL_CHARS`.

    >>> readable_text("bell\x07"), len(readable_text("a" * 40_000))
    ('bell\ufffd', 32767)
    """
    return CONTROL_CHARACTERS.sub("\ufffd", text)[:EXCEL_CELL_CHARS]


def _readable(values: np.ndarray) -> np.ndarray:
    """Text as a cell can hold it: control characters become U+FFFD, text is cut at
    :data:`EXCEL_CELL_CHARS`; other values pass unchanged. Only the cells that need it are touched.

    >>> _readable(np.array(["bell\x07", "ok", 3.0, None], dtype=object)).tolist()
    ['bell\ufffd', 'ok', 3.0, None]
    >>> _readable(np.array([2024, 2025, None], dtype=object)).tolist()
    [2024, 2025, None]
    """
    if not may_hold_text(values):
        return values  # no text at all (e.g. whole years as categories): nothing to clean
    text = pd.Series(values, dtype=object)
    odd = (
        text.str.contains(CONTROL_CHARACTERS.pattern, regex=True, na=False) | text.str.len().gt(EXCEL_CELL_CHARS)
    ).to_numpy(dtype=bool)
    if odd.any():
        values = values.copy()
        for i in np.flatnonzero(odd).tolist():
            values[i] = CONTROL_CHARACTERS.sub("\ufffd", values[i])[:EXCEL_CELL_CHARS]
    return values


def _plain(value: object) -> object:
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return None if math.isnan(value) else float(value)
    if isinstance(value, (np.bool_,)):
        return bool(value)
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value
