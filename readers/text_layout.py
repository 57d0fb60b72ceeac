"""Text files (.txt, .dat, .tsv): tab-separated (Excel's "Unicode text") or whitespace-separated
columns, such as the CDNOW transaction files.

A file whose lines split on tabs is read by tabs (a name may then hold spaces); otherwise runs of
spaces and tabs separate the columns. Besides what :mod:`readers.delimited` reads, a column
whose every filled cell is a YYYYMMDD date (19970101) becomes dates, and :func:`cdnow_layout`
recognises the header-less CDNOW layout.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from readers.delimited import WHITESPACE, read_delimited

TEXT_SUFFIXES = (".txt", ".tsv", ".dat")
# The CDNOW files have no header: customer id, id in the sample, YYYYMMDD, CDs bought, dollar value.
CDNOW_COLUMNS = ("customer", "-", "date", "quantity", "amount")


def read_text(path: Path) -> list[list[Any]]:
    """The cells of a .txt, .dat or .tsv file: by tabs when its lines split on tabs, by ``|`` when they
    split on bars (an SAP list saved "unconverted"), else by whitespace."""
    return list_rules(
        [list(row) for row in read_delimited(path, compact_dates, candidates=("\t", "|"), default=WHITESPACE)]
    )


_RULE = re.compile(r"[-=_+|\s]*[-=_]{3,}[-=_+|\s]*")
_STARS = re.compile(r"\*{1,5}")


def list_rules(rows: list[list[Any]]) -> list[list[Any]]:
    """An ERP's printed list (SAP ALV "unconverted", ``|`` between columns): its dashed rules are
    no rows (they become blank), and a line whose first filled cell is ``*`` to ``*****`` is SAP's
    (sub)total of the lines above: its mark becomes the word "Total" so that it is left out and
    listed like any total row. The empty column before the first ``|`` stays empty.

    >>> list_rules([["-----"], ["", "Kunde", "Betrag"], ["", "*", 5.0]])
    [[None], ['', 'Kunde', 'Betrag'], ['', 'Total', 5.0]]
    """
    for k, row in enumerate(rows):
        filled = [v for v in row if v is not None and str(v).strip()]
        if filled and all(isinstance(v, str) and _RULE.fullmatch(v) for v in filled):
            rows[k] = [None] * len(row)
            continue
        first = next((j for j, v in enumerate(row) if v is not None and str(v).strip()), None)
        if (
            first is not None
            and isinstance(row[first], str)
            and _STARS.fullmatch(row[first].strip())
            and len(filled) > 1
        ):
            row[first] = "Total"
    return rows


def compact_dates(text: pd.Series, values: np.ndarray) -> None:
    """A text-file column whose every filled cell is a YYYYMMDD date (19970101) becomes dates.

    Only whole columns: a column of ids where a few look like dates stays as it is.

    >>> values = np.array([19970101, 19970102], dtype=object)
    >>> compact_dates(pd.Series(["19970101", "19970102"]), values)
    >>> values[0]
    datetime.datetime(1997, 1, 1, 0, 0)
    """
    filled = (text.str.strip() != "").to_numpy(dtype=bool)
    if not filled.any() or not text[filled].str.fullmatch(r"\s*\d{8}\s*").all():
        return
    dates = pd.to_datetime(text[filled].str.strip(), format="%Y%m%d", errors="coerce")
    if dates.notna().all():
        values[filled] = dates.dt.to_pydatetime()


def cdnow_layout(rows: list[list[Any]]) -> bool:
    """Five columns without a header, the third all dates: the CDNOW files.

    >>> cdnow_layout([["1", "1", dt.datetime(1997, 1, 1), 1, 11.77]])
    True
    """
    return len(rows[0]) == len(CDNOW_COLUMNS) and all(
        isinstance(row[2], dt.datetime) for row in rows if row[2] is not None
    )
