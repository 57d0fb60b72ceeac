"""The Data issues list as a person reads it: what was refused first, routine conversions last,
one line per column.

The readers report every cell they touched (:func:`core.cells.issues_frame`). A column of text
percentages gives one "coerced" row per account, which buries the few rejected cells. Here the
rows of one column that were treated alike (same action, same reason once values are masked)
become one line with a count, the sheet rows and an example; every rejected cell and every row
left out, and every title or footer row, keeps its own line.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from core.cells import ISSUE_COLUMNS, issues_frame

#: Order of the actions on the list: what was refused first.
ACTION_ORDER = ("rejected", "row left out", "row skipped", "kept as a return", "note", "coerced")
#: Actions whose rows are always listed one by one.
ROW_BY_ROW = frozenset({"rejected", "row left out", "row skipped"})
#: Why an account row is noted, as every account reader words it; ``{noun}`` is what a row is
#: ("account", or "customer" for order lines), e.g. ``REVENUE_MISSING.format(noun="account")``.
REVENUE_MISSING = "revenue missing: the {noun} gets tier D"
REVENUE_NEGATIVE = "negative revenue kept as it is (a credit note?): the {noun} gets tier D"


def action_rank(actions) -> np.ndarray:
    """Each action's place in :data:`ACTION_ORDER` (an unknown action after them all): the sort
    key that puts what was refused first, on every Data issues list.

    >>> action_rank(["coerced", "rejected", "other"]).tolist()
    [5, 0, 6]
    """
    codes = pd.Index(ACTION_ORDER).get_indexer(list(actions))  # -1 where unknown
    return np.where(codes < 0, len(ACTION_ORDER), codes)


_VARIABLE = re.compile(r"'[^']*'|\"[^\"]*\"|[-+]?\d[\d,.:\- ]*(?:e[-+]?\d+)?")


def _rows_text(rows: np.ndarray) -> str:
    """'5-604' for consecutive rows, else the first ones: '5, 9, 14, ...'."""
    rows = np.sort(rows)
    if rows.size > 1 and rows[-1] - rows[0] == rows.size - 1:
        return f"{rows[0]}-{rows[-1]}"
    shown = ", ".join(str(r) for r in rows[:8])
    return shown + (", ..." if rows.size > 8 else "")


def summarise_issues(issues: pd.DataFrame, *, min_group: int = 2) -> pd.DataFrame:
    """Group the routine issues of a column into one line each; rejected rows first.

    Parameters
    ----------
    issues:
        Columns :data:`core.cells.ISSUE_COLUMNS`, one row per cell.
    min_group:
        Rows that are alike (same column, action and reason with quoted values and numbers
        masked) and at least this many become one line.

    Returns
    -------
    pandas.DataFrame
        Same columns. A grouped line has the first sheet row, the first value as example and
        the reason ``"600 cells (sheet rows 2-601), e.g. '34.1%': text read as the number 0.341"``.
        Order: :data:`ACTION_ORDER`, then sheet row.

    Examples
    --------
    >>> issues = issues_frame([(2, "GM %", "34.1%", "coerced", "text read as the number 0.341"),
    ...                        (3, "GM %", "20%", "coerced", "text read as the number 0.2"),
    ...                        (4, "Revenue", "#N/A", "rejected", "Excel error #N/A")])
    >>> for row in summarise_issues(issues).itertuples(index=False):
    ...     print(row.sheet_row, row.action, row.reason)
    4 rejected Excel error #N/A
    2 coerced 2 cells (sheet rows 2-3), e.g. '34.1%': text read as the number 0.341
    """
    if issues.empty:
        return issues_frame()
    frame = issues.reset_index(drop=True)
    # rows about the table itself (title, footer: no column) keep their own text too
    by_row = (frame["action"].isin(list(ROW_BY_ROW)) | (frame["column"] == "")).to_numpy()
    pattern = frame["reason"].str.replace(_VARIABLE, "…", regex=True)
    key = (
        pd.Series(np.where(by_row, frame.index.astype(str), ""), index=frame.index)
        + "\x00"
        + frame["column"]
        + "\x00"
        + frame["action"]
        + "\x00"
        + pattern
    )
    groups = frame.groupby(key.to_numpy(), sort=False)
    lines = []
    for _, group in groups:
        if len(group) < min_group:
            lines.extend(group.itertuples(index=False, name=None))
            continue
        first = group.iloc[0]
        what = "cells" if (group["value"] != "").any() else "rows"
        example = f", e.g. '{first['value']}'" if first["value"] != "" else ""
        rows = _rows_text(group["sheet_row"].to_numpy())
        lines.append(
            (
                int(first["sheet_row"]),
                first["column"],
                first["value"],
                first["action"],
                f"{len(group):,} {what} (sheet rows {rows}){example}: {first['reason']}",
            )
        )
    out = issues_frame(lines)
    return (
        out.assign(_order=action_rank(out["action"]))
        .sort_values(["_order", "sheet_row"], kind="stable")[list(ISSUE_COLUMNS)]
        .reset_index(drop=True)
    )
