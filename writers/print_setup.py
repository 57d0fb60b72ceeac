"""How a result sheet prints: fitted to the page width when its figures stay legible, else at a
legible scale across pages, the first column repeated on each.

A sheet fitted to one page width shrinks by ``page width / sheet width``. Below :data:`MIN_SCALE`
(70 %) a finance user can no longer read the figures, so such a sheet is printed instead at a
fixed scale of at least :data:`MIN_SCALE` (the largest that needs no more pages across than
:data:`MIN_SCALE` would), its columns broken across pages "over, then down" (each band of rows
printed left to right before the next band), with its first column (the account, measure or
tier that names each row) and its header row repeated on every page.

Widths are in pixels of Excel's default font (Calibri 11: a column ``w`` characters wide is
``7 w + 5`` pixels); a page's printable width is that of US Letter with Excel's default 0.7 inch
side margins (A4 is wider, so a sheet that fits Letter fits A4) at 96 pixels an inch.

Both writers read the plan: the file writer (:mod:`writers.xlsx`) sets all of it; the
live-workbook writer (:mod:`writers.book`) sets what xlwings reaches on every engine.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

#: Printable width of a page, pixels: US Letter less two 0.7 inch margins, at 96 pixels an inch.
PAGE_PX = {"landscape": (11.0 - 1.4) * 96, "portrait": (8.5 - 1.4) * 96}
#: The smallest print scale whose figures a finance user reads without a magnifier.
MIN_SCALE = 0.70
PIXELS_PER_CHARACTER = 7.0
PADDING_PX = 5.0
#: Page breaks leave this much room: LibreOffice draws a column up to a fifth wider than Excel does
#: (measured on the CDNOW report's PDF), and a column that does not fit would get a page of its own.
BREAK_SLACK = 1.2


def columns_px(widths: Sequence[float], last_col: int) -> float:
    """Pixels from the left edge to the right of 0-based column ``last_col`` (8.43 past ``widths``).

    >>> columns_px([10.0, 20.0], 1)
    220.0
    """
    return sum(
        (widths[j] if j < len(widths) else 8.43) * PIXELS_PER_CHARACTER + PADDING_PX for j in range(last_col + 1)
    )


@dataclass(frozen=True)
class PrintPlan:
    """How one sheet prints.

    Attributes
    ----------
    orientation:
        ``"landscape"`` or ``"portrait"`` (the Overview).
    fit_width:
        Fitted to one page width, as many pages tall as needed.
    scale:
        The printed scale (0-1): the one fitting to the width gives, or the fixed scale across pages.
    repeat_columns:
        Leading columns printed on every page (0 when fitted).
    breaks:
        The 0-based columns that would start a new page, as estimated here (none when fitted): the
        scale is chosen with them; the writers leave the breaks to Excel, which draws the columns
        as wide as it measures them (LibreOffice draws them wider) and fills each page.
    """

    orientation: str
    fit_width: bool
    scale: float
    repeat_columns: int = 0
    breaks: tuple[int, ...] = ()

    @property
    def pages_across(self) -> int:
        """Pages side by side for one band of rows (1 when fitted)."""
        return len(self.breaks) + 1

    @property
    def scale_percent(self) -> int:
        """The scale as Excel's page setup holds it: a whole percent (10-400)."""
        return max(10, min(400, math.floor(self.scale * 100 + 1e-9)))


def column_breaks(widths: Sequence[float], last_col: int, scale: float, page_px: float) -> tuple[int, ...]:
    """The 0-based columns that start a new page when columns 1..``last_col`` print at ``scale``,
    column A repeated on each page (breaks fall between columns, as Excel's do; a column wider than
    a page gets a page of its own).

    >>> column_breaks([10.0] * 5, 4, 1.0, 360.0)  # A (75 px) + 3 columns a page, with the slack: B-D, E
    (4,)
    """
    room = page_px / scale / BREAK_SLACK - columns_px(widths, 0)
    breaks, used = [], 0.0
    for j in range(1, last_col + 1):
        column = columns_px(widths, j) - columns_px(widths, j - 1)
        if used and used + column > room:
            breaks.append(j)
            used = 0.0
        used += column
    return tuple(breaks)


def print_plan(widths: Sequence[float], last_col: int, portrait: bool = False) -> PrintPlan:
    """The plan for a sheet whose print area ends at 0-based column ``last_col``.

    Examples
    --------
    Ten columns of 12 characters (890 px) fit a landscape page (922 px) at full size; thirty
    (2,670 px) would shrink to 35 %, so they print at 78 % on 3 pages across, column A on each
    (10 more columns a page, with room for LibreOffice's wider columns):

    >>> print_plan([12.0] * 10, 9)
    PrintPlan(orientation='landscape', fit_width=True, scale=1.0, repeat_columns=0, breaks=())
    >>> plan = print_plan([12.0] * 30, 29)
    >>> plan.fit_width, plan.scale_percent, plan.repeat_columns, plan.breaks
    (False, 78, 1, (11, 21))
    """
    orientation = "portrait" if portrait else "landscape"
    page = PAGE_PX[orientation]
    fitted = min(1.0, page / columns_px(widths, last_col))
    if fitted >= MIN_SCALE or last_col == 0:
        return PrintPlan(orientation, True, fitted)
    # the fewest pages across at the smallest legible scale; then the largest scale that needs no more
    fewest = len(column_breaks(widths, last_col, MIN_SCALE, page))
    percent = next(
        p
        for p in range(100, round(MIN_SCALE * 100) - 1, -1)
        if len(column_breaks(widths, last_col, p / 100, page)) <= fewest
    )
    return PrintPlan(orientation, False, percent / 100, 1, column_breaks(widths, last_col, percent / 100, page))
