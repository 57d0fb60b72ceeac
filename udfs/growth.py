"""Worksheet functions on an account range with two or more period columns: SEGMENT_GROWTH and
TIER_MIGRATION. Each converts the range, calls core.growth, shapes the output; no maths here.

Period columns are recognised by their headers ("Revenue 2024", "FY25", "Q3 2025", "Prior" /
"Current"), so the range needs its header row.

SEGMENT_GROWTH spills five columns beside the range, one row per row of the range (blank rows
stay blank), under a header row. Labels: growing or declining beyond +/- the band, stable
within it, new (no sales in the earlier period), lost (none in the later), no sales. Change %
is n/a when the earlier period is zero or negative; CAGR is n/a when the first period is.

TIER_MIGRATION tiers each period on its own by the same method. The diagonal counts the
accounts that kept their tier; right of it those that fell, left of it those that rose.

The functions' docstrings are what Excel's Insert Function dialog shows, which cuts them at
255 characters (tests/test_udfs_desktop.py checks), so the detail lives here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xlwings as xw

from core import growth
from core.config import config_from_mapping
from core.errors import SegmenterInputError
from udfs._edge import (
    CUTOFFS_DOC,
    METHOD_DOC,
    VALUE,
    CellError,
    accounts_from_range,
    cell_errors,
    rejected_rows,
    scalar,
    table_output,
    values_list,
)
from writers.cells import frame_rows
from writers.columns import column_style

ACCOUNTS_DOC = (
    "Your account rows with their header row: account and two or more period columns of revenue "
    "(Revenue 2024, Revenue 2025 or FY24, FY25 or Q2 2025, Q3 2025 or Prior, Current)"
)
GROWTH_COLUMNS = ("revenue_change", "revenue_change_pct", "cagr", "growth", "growth_note")
UNDEFINED = "n/a"


def _rejected_period_rows(table) -> dict[int, str]:
    """Range row -> pointer to the issue, for rows with a rejected cell in a period column."""
    return rejected_rows(table, table.period_headers)


@xw.func(category="segmenter", call_in_wizard=False)
@xw.arg("accounts", "raw", doc=ACCOUNTS_DOC)
@xw.arg("band", "raw", doc="change counted as stable, +/- e.g. 5% (the default)")
@xw.ret("raw")
@cell_errors
def segment_growth(accounts, band=None):
    """Per row: change in revenue and change % between the last two periods, CAGR over all,
    and a label: growing, stable, declining (against the band), new, lost or no sales."""
    table = accounts_from_range(accounts)
    config = config_from_mapping(dict(growth_band=scalar(band, "band")))
    values = growth.account_growth(table.period_revenue, table.period_years, config.growth_band)
    rows = np.array(frame_rows(values[list(GROWTH_COLUMNS)]), dtype=object).reshape(len(values), -1)
    rows[pd.isna(rows)] = UNDEFINED
    out = np.full((table.n_input_rows, len(GROWTH_COLUMNS)), "", dtype=object)
    out[table.header_position or 0] = [column_style(c)[0] for c in GROWTH_COLUMNS]
    out[table.accounts.index.to_numpy()] = rows
    for row, message in _rejected_period_rows(table).items():
        out[row - 1] = [CellError(VALUE, message)] + [""] * (len(GROWTH_COLUMNS) - 1)
    return out.tolist()


@xw.func(category="segmenter", call_in_wizard=False)
@xw.arg("accounts", "raw", doc=ACCOUNTS_DOC)
@xw.arg("measure", "raw", doc="accounts (default) or revenue (the accounts' revenue in the later period)")
@xw.arg("method", "raw", doc=METHOD_DOC)
@xw.arg("cutoffs", "raw", doc=CUTOFFS_DOC)
@xw.ret("raw")
@cell_errors
def tier_migration(accounts, measure=None, method=None, cutoffs=None):
    """Tier migration between the last two periods: rows = tier before, columns = tier now,
    with totals; each period tiered on its own by the same method."""
    table = accounts_from_range(accounts)
    config = config_from_mapping(dict(tier_method=scalar(method, "method"), cutoffs=values_list(cutoffs)))
    wanted = str(scalar(measure, "measure", "accounts")).strip().lower()
    if wanted not in ("accounts", "revenue"):
        raise SegmenterInputError(f"measure must be accounts or revenue, got {measure!r}", column="measure")
    revenue = table.period_revenue
    tiers = growth.period_tiers(revenue, config.tier_method, config.cutoffs, config.labels)
    periods = (str(revenue.columns[-2]), str(revenue.columns[-1]))
    migration = growth.tier_migration(
        tiers.iloc[:, -2], tiers.iloc[:, -1], revenue.iloc[:, -1].to_numpy(float), config.labels, periods
    )
    grid = migration.accounts if wanted == "accounts" else migration.revenue
    headers = [f"{periods[0]} \\ {periods[1]}"] + [str(label) for label in config.labels] + ["Total"]
    out = table_output(headers, frame_rows(grid))
    rejected = len(_rejected_period_rows(table))
    if rejected:
        out.append(
            [f"{rejected} row(s) with a rejected period cell, counted as no sales: see SEGMENT_ISSUES"]
            + [""] * (len(headers) - 1)
        )
    return out
