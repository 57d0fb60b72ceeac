"""Dates typed as text with slashes or dots, and the one rule for their day/month order.

``10/24/2024`` is American (month first), ``24.10.2024`` European (day first); ``03/04/2024``
could be either. A column shows its order by its own values: a first number above 12 is a day
(day/month/year), a second number above 12 is a day (month/day/year), a four-digit first number
is a year (year/month/day). The whole column is then read in that order. A column that never
shows it is refused, naming the column and the setting ``date_format`` (Settings sheet;
``--date-format`` on the command line) that resolves it. A date option (``--observation-end``)
is one value read by the same rule.

Two-digit years are 2000-2069 for 00-69 and 1970-1999 for 70-99 (Python's ``%y`` rule).
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from core.errors import SegmenterInputError

#: The values of the ``date_format`` setting, and how each reads ``a/b/c``.
DATE_ORDERS = {
    "auto": "the order the column shows",
    "DMY": "day/month/year",
    "MDY": "month/day/year",
    "YMD": "year/month/day",
}
_SETTING_WORDS = {
    "auto": "auto",
    "": "auto",
    "dmy": "DMY",
    "dd/mm/yyyy": "DMY",
    "dd.mm.yyyy": "DMY",
    "dd-mm-yyyy": "DMY",
    "day first": "DMY",
    "european": "DMY",
    "mdy": "MDY",
    "mm/dd/yyyy": "MDY",
    "month first": "MDY",
    "us": "MDY",
    "american": "MDY",
    "ymd": "YMD",
    "yyyy-mm-dd": "YMD",
    "yyyy/mm/dd": "YMD",
    "iso": "YMD",
}
RESOLVE = "set date_format to DMY or MDY (Settings sheet, or --date-format on the command line)"

SLASH_DATE = re.compile(r"(\d{1,4})[/.\-](\d{1,2})[/.\-](\d{1,4})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?")


def date_format_setting(value: Any) -> str:
    """The ``date_format`` setting from user text: ``auto``, ``DMY``, ``MDY`` or ``YMD``.

    Examples
    --------
    >>> date_format_setting("dd.mm.yyyy"), date_format_setting("MDY"), date_format_setting(None)
    ('DMY', 'MDY', 'auto')
    """
    key = "" if value is None else " ".join(str(value).strip().lower().split())
    if key not in _SETTING_WORDS:
        raise SegmenterInputError(
            f"unknown date format {value!r}; use auto, DMY (24.10.2024), MDY (10/24/2024) or YMD (2024/10/24)",
            column="date_format",
        )
    return _SETTING_WORDS[key]


def _year(text: str) -> int:
    year = int(text)
    if len(text) <= 2:
        return year + (2000 if year < 70 else 1900)
    return year


def column_order(parts: list[tuple[str, str, str, str]], date_format: str = "auto") -> tuple[str | None, str]:
    """The order a column of ``a/b/c`` dates is read in, and why.

    Parameters
    ----------
    parts:
        (a, b, c, the text as typed) of each date whose first number is not a 4-digit year.

    Returns
    -------
    (order, why)
        ``order`` is ``DMY``, ``MDY`` or None (the column does not show it, or shows both);
        ``why`` a phrase for the issues list.

    Examples
    --------
    >>> column_order([("10", "24", "2024", "10/24/2024"), ("03", "04", "2024", "03/04/2024")])
    ('MDY', "'10/24/2024' has a day above 12 in second place")
    >>> column_order([("03", "04", "2024", "03/04/2024")])[0] is None
    True
    """
    if date_format in ("DMY", "MDY"):
        return date_format, "date_format says so"
    day_first = next((p for p in parts if len(p[0]) <= 2 and int(p[0]) > 12 and int(p[1]) <= 12), None)
    month_first = next((p for p in parts if len(p[0]) <= 2 and int(p[1]) > 12 and int(p[0]) <= 12), None)
    if day_first and month_first:
        return None, f"the column has '{day_first[3]}' (day first) and '{month_first[3]}' (month first)"
    if day_first:
        return "DMY", f"'{day_first[3]}' has a day above 12 in first place"
    if month_first:
        return "MDY", f"'{month_first[3]}' has a day above 12 in second place"
    if all(p[0] == p[1] for p in parts if len(p[0]) <= 2):
        return "DMY", "day and month are equal in every date"
    return None, "no date in the column has a day above 12"


def read_texts(
    texts: np.ndarray, *, column: str, date_format: str = "auto", refuse_ambiguous: bool = False
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Read ``a/b/c`` date texts of one column.

    Parameters
    ----------
    texts:
        Stripped texts that match :data:`SLASH_DATE` (others give NaT and a reason).
    column:
        The column's name, for messages.
    date_format:
        ``auto`` (the column shows its order) or ``DMY``/``MDY``/``YMD``.
    refuse_ambiguous:
        Raise when the column does not show its order (the date column of a list); otherwise
        each such cell is rejected.

    Returns
    -------
    (dates, ok, reasons)
        ``datetime64[ns]`` (NaT where not read), which were read, and for every cell the
        reason (coerced or rejected).

    Examples
    --------
    >>> dates, ok, why = read_texts(np.array(["24.10.2024", "03.04.2024"], dtype=object), column="Date")
    >>> [str(d)[:10] for d in dates], why[1]
    (['2024-10-24', '2024-04-03'], "text read as the date 2024-04-03 (day/month/year: '24.10.2024' has a day above 12 in first place)")
    """  # noqa: E501
    matches = [SLASH_DATE.fullmatch(t) for t in texts]
    parts = [(m[1], m[2], m[3], m[0]) for m in matches if m and len(m[1]) <= 2]
    order, why = column_order(parts, date_format) if parts else (None, "")
    if parts and order is None and refuse_ambiguous:
        example = parts[0][3]
        raise SegmenterInputError(
            f"the dates can be read day first or month first ('{example}'): {why}; {RESOLVE}", column=column
        )
    n = len(texts)
    year = np.full(n, -1)
    month = np.full(n, -1)
    day = np.full(n, -1)
    clock = np.zeros(n, dtype=np.int64)
    reasons = np.empty(n, dtype=object)
    for i, (text, m) in enumerate(zip(texts, matches)):
        if m is None:
            reasons[i] = f"'{text}' is not a date (enter an Excel date or YYYY-MM-DD text)"
            continue
        a, b, c = m[1], m[2], m[3]
        if len(a) == 4 or date_format == "YMD":
            year[i], month[i], day[i] = _year(a), int(b), int(c)
            how = "year/month/day"
        elif order is None:
            reasons[i] = (
                f"'{text}' is ambiguous: day and month order differs between countries and {why}; "
                f"{RESOLVE}, or type it as YYYY-MM-DD"
            )
            continue
        else:
            first, second = (int(a), int(b)) if order == "DMY" else (int(b), int(a))
            year[i], month[i], day[i] = _year(c), second, first
            how = f"{DATE_ORDERS[order]}: {why}"
        clock[i] = (int(m[4] or 0) * 60 + int(m[5] or 0)) * 60 + int(m[6] or 0)
        reasons[i] = how
    parsed = year >= 0
    stamps = pd.to_datetime(
        pd.DataFrame(
            {"year": np.where(parsed, year, 2000), "month": np.where(parsed, month, 1), "day": np.where(parsed, day, 1)}
        ),
        errors="coerce",
    )
    dates = (stamps + pd.to_timedelta(clock, unit="s")).to_numpy(dtype="datetime64[ns]")
    dates[~parsed] = np.datetime64("NaT")
    ok = ~np.isnat(dates)
    for i in np.flatnonzero(~ok & (year >= 0)):
        reasons[i] = f"'{texts[i]}' is not a real date (read as {reasons[i].split(':')[0]})"
    for i in np.flatnonzero(ok):
        shown = pd.Timestamp(dates[i])
        text = shown.strftime("%Y-%m-%d") if shown == shown.normalize() else shown.strftime("%Y-%m-%d %H:%M")
        reasons[i] = f"text read as the date {text} ({reasons[i]})"
    return dates, ok, reasons


def read_date_option(value: Any, name: str, date_format: str = "auto") -> pd.Timestamp | None:
    """One date option (``--observation-end``) by the rule of a date column: ISO text,
    ``a/b/c`` text whose order shows, or in the order ``date_format`` gives; blank is None.

    Examples
    --------
    >>> read_date_option("2025-04-03", "observation_end"), read_date_option("24.10.2024", "observation_end")
    (Timestamp('2025-04-03 00:00:00'), Timestamp('2024-10-24 00:00:00'))
    >>> read_date_option("03/04/2025", "observation_end", "MDY")
    Timestamp('2025-03-04 00:00:00')
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str):
        return pd.Timestamp(value)
    text = value.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2})?)?", text):
        stamp = pd.to_datetime(text, errors="coerce")
        if pd.isna(stamp):
            raise SegmenterInputError(f"'{text}' is not a real date", column=name)
        return stamp
    if SLASH_DATE.fullmatch(text) is None:
        raise SegmenterInputError(f"'{text}' is not a date; write it as YYYY-MM-DD", column=name)
    try:
        dates, ok, reasons = read_texts(
            np.array([text], dtype=object), column=name, date_format=date_format, refuse_ambiguous=True
        )
    except SegmenterInputError:
        raise SegmenterInputError(
            f"'{text}' can be read day first or month first; write it as YYYY-MM-DD or {RESOLVE}", column=name
        ) from None
    if not ok[0]:
        raise SegmenterInputError(reasons[0], column=name)
    return pd.Timestamp(dates[0])
