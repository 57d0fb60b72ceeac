"""Worksheet functions on a transaction list: RFM_SEGMENT, CUSTOMER_SUMMARY and CLTV_MODEL.

Each reads the range (customer, date, amount[, profit][, quantity], with or without a header
row), calls core/ and spills one row per customer, sorted by customer, under a header row.
Time is in weeks, as in the customer report's default.

RFM_SEGMENT gives one row per customer, not per transaction row: a score ranks a customer's
whole history (weeks since the last purchase, number of purchases, total spend) against the
other customers, so it belongs to the customer; a single order has no recency or frequency of
its own. Scores are quintiles over the customers (tied customers share a score). Segments:
Champions, Loyal, Potential loyalist, New, Needs attention, About to sleep, At risk,
Hibernating, Lost.

CUSTOMER_SUMMARY, in weeks: recency = first to last purchase, T = first purchase to the last
date of the list. Spend is net of returns (negative amounts); dates are YYYY-MM-DD text.

CLTV_MODEL: Customer | P(alive) | expected purchases | expected spend per purchase | margin % |
expected revenue | model CLV, over the horizon in weeks: BG/NBD purchases x Gamma-Gamma spend x
margin, discounted. The margin is the customer's own (profit / amount) when the range has
profit, else 100 %. It needs at least 10 customers and 10 repeat buyers; otherwise it says why.

The functions' docstrings are what Excel's Insert Function dialog shows, which cuts them at
255 characters (tests/test_udfs_desktop.py checks), so the detail lives here.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import xlwings as xw

from core.config import config_from_mapping, parse_number
from core.customers.model_clv import model_clv
from core.customers.report import shown_summary
from core.customers.rfm import rfm_scores
from core.customers.summary import customer_summary as summarise
from core.errors import SegmenterInputError
from core.grid import as_block
from core.transactions import TransactionTable, parse_transactions
from udfs._edge import cell_errors, reuse_last, scalar, table_output
from writers.cells import frame_rows
from writers.columns import column_style

TRANSACTIONS_DOC = (
    "Your transaction rows: customer, date, amount (and optionally profit, quantity); a header "
    "row is recognised. Dates: Excel dates or YYYY-MM-DD text"
)
UNIT = "W"
DEFAULT_HORIZON_WEEKS = 52
# Issues that mean a row could not be used as typed: a function refuses to compute without it.
_UNREADABLE = ("rejected", "row left out")


def _transactions(cells: Any) -> TransactionTable:
    """The range as transactions; any unreadable cell raises, naming its row in the range."""
    block = as_block(cells)
    if not block:
        raise SegmenterInputError("the range is empty")
    table = parse_transactions(block, first_sheet_row=1)
    issues = table.issues
    bad = issues[issues["action"].isin(_UNREADABLE)]
    if len(bad):
        first_row = int(bad["sheet_row"].min())
        on_row = bad[bad["sheet_row"] == first_row]
        # the rejected cell says why; "row left out" only says that it was
        first = on_row.sort_values("action", key=lambda action: action != "rejected", kind="stable").iloc[0]
        rows = bad["sheet_row"].nunique()
        more = f" (and {rows - 1} more row{'s' if rows > 2 else ''})" if rows > 1 else ""
        raise SegmenterInputError(f"{first['reason']}{more}", row=first_row, column=str(first["column"]))
    return table


def _spill(frame: pd.DataFrame) -> list[list[Any]]:
    """Header row and values; dates as YYYY-MM-DD text (a function cannot format its spill cells)."""
    frame = frame.rename(columns={"account": "customer"})
    for name in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[name]):
            frame[name] = frame[name].dt.strftime("%Y-%m-%d")
    return table_output([column_style(str(c))[0] for c in frame.columns], frame_rows(frame))


@xw.func(category="segmenter", call_in_wizard=False)
@xw.arg("transactions", "raw", doc=TRANSACTIONS_DOC)
@xw.ret("raw")
@cell_errors
def rfm_segment(transactions):
    """RFM scores (1-5, quintiles) and segment, one row per customer: Customer | R | F | M | Segment.

    Segments: Champions, Loyal, Potential loyalist, New, Needs attention, About to sleep, At
    risk, Hibernating, Lost.
    """
    scores = rfm_scores(summarise(_transactions(transactions), unit=UNIT)).scores
    return _spill(scores[["account", "R", "F", "M", "segment"]])


@xw.func(category="segmenter", call_in_wizard=False)
@xw.arg("transactions", "raw", doc=TRANSACTIONS_DOC)
@xw.ret("raw")
@cell_errors
def customer_summary(transactions):
    """One row per customer: first and last purchase, purchases, repeat purchases, recency and T
    (weeks), spend net of returns, margin."""
    table = _transactions(transactions)
    return _spill(shown_summary(summarise(table, unit=UNIT), table))


@xw.func(category="segmenter", call_in_wizard=False)
@xw.arg("transactions", "raw", doc=TRANSACTIONS_DOC)
@xw.arg("horizon", "raw", doc="valuation period in weeks, default 52")
@xw.arg("discount", "raw", doc="annual discount rate, default 0.1 (10 %)")
@xw.ret("raw")
@cell_errors
@reuse_last
def cltv_model(transactions, horizon=None, discount=None):
    """Model lifetime value per customer over the horizon (weeks): BG/NBD purchases x
    Gamma-Gamma spend x margin, discounted.

    Needs at least 10 customers and 10 repeat buyers; otherwise it says why.
    """
    horizon_weeks = parse_number(scalar(horizon, "horizon", DEFAULT_HORIZON_WEEKS), "horizon")
    config = config_from_mapping({"discount": scalar(discount, "discount")})
    summary = summarise(_transactions(transactions), unit=UNIT)
    values = model_clv(summary, horizon=horizon_weeks, discount_rate=config.discount, unit=UNIT).customers
    return _spill(
        values[
            [
                "account",
                "probability_alive",
                "expected_purchases",
                "expected_avg_spend",
                "margin_pct",
                "expected_revenue",
                "model_clv",
            ]
        ]
    )
