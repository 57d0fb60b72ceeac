"""Worksheet functions beside the report's survey join and bridge: SURVEY_MATCH and REVENUE_BRIDGE.
Each converts its ranges, calls core.survey / core.bridge and shapes the output; no rules here.

SURVEY_MATCH spills one cell per response name: the account it belongs to, by the rules of
core.survey (exact name, then the name normalised for case, spacing, punctuation, accents and
legal forms such as Inc., GmbH, S.A.); blank where none, a near miss included (never joined
silently; with detail TRUE a second column says how each was joined, or names the most similar
account and its similarity for the user to confirm). NPS_BY then groups the answers by the
accounts' tiers.

REVENUE_BRIDGE spills the bridge by customers: revenue before, new, lost, the returning customers'
change (split into number of orders and average order value when order counts are given), revenue
after and the change, adding up to the cent.

The functions' docstrings are what Excel's Insert Function dialog shows (255 characters at most).
"""

from __future__ import annotations

import numpy as np
import xlwings as xw

from core import bridge, survey
from core.errors import SegmenterInputError
from core.headers import ACCOUNT_HEADERS
from udfs._edge import cell_errors, has_text_header, numbers_column, scalar, single_column, table_output
from writers.columns import column_style

MATCH_HEADER = "Matched account"


def _is_header(cell) -> bool:
    """A names column's first cell that is a header ("Account name", "Company")."""
    return isinstance(cell, str) and (
        survey.SURVEY_HEADERS.role(cell) is not None or ACCOUNT_HEADERS.role(cell) == "account"
    )


def _names(values, name: str) -> tuple[list, bool]:
    cells = single_column(values, name)
    header = bool(cells) and _is_header(cells[0])
    return cells[1:] if header else cells, header


@xw.func(category="segmenter", call_in_wizard=False)
@xw.arg("account_names", "raw", doc="the account list's names (or ids), one column; a header cell is skipped")
@xw.arg("response_names", "raw", doc="the company name of each survey response, one column")
@xw.arg("detail", "raw", doc="TRUE: a second column says how each was joined, or the near miss to confirm")
@xw.ret("raw")
@cell_errors
def survey_match(account_names, response_names, detail=None):
    """The account each survey response belongs to (name as typed, else normalised: case, accents,
    punctuation, legal forms); blank where none. Near misses are not joined."""
    accounts, _ = _names(account_names, "account_names")
    responses, header = _names(response_names, "response_names")
    if not accounts:
        raise SegmenterInputError("no account names", column="account_names")
    match = survey.match_responses(None, accounts, None, responses)
    shown = np.full(len(responses), "", dtype=object)
    joined = match["account"].to_numpy() >= 0
    shown[joined] = np.asarray(accounts, dtype=object)[match["account"].to_numpy()[joined]]
    if not scalar(detail, "detail", False):
        return ([[MATCH_HEADER]] if header else []) + [[v] for v in shown.tolist()]
    how = []
    for row in match.itertuples(index=False):
        if row.account >= 0:
            how.append(f"by {row.method}")
        elif row.candidate >= 0:
            how.append(f"{row.status}: {accounts[row.candidate]} ({row.score:.2f})? confirm")
        else:
            how.append(row.status)
    return ([[MATCH_HEADER, "How"]] if header else []) + [[a, h] for a, h in zip(shown.tolist(), how)]


def _column(values, name: str) -> tuple[np.ndarray, bool]:
    cells = single_column(values, name)
    skip = 1 if has_text_header(cells) else 0
    numbers = numbers_column(cells[skip:], name, first_row=1 + skip)
    return numbers, bool(skip)


@xw.func(category="segmenter", call_in_wizard=False)
@xw.arg("revenue_before", "raw", doc="revenue per customer in the earlier period, one column (blank = 0)")
@xw.arg("revenue_after", "raw", doc="revenue per customer in the later period, same rows")
@xw.arg("orders_before", "raw", doc="orders per customer in the earlier period (optional, same rows)")
@xw.arg("orders_after", "raw", doc="orders per customer in the later period (optional, same rows)")
@xw.ret("raw")
@cell_errors
def revenue_bridge(revenue_before, revenue_after, orders_before=None, orders_after=None):
    """Revenue bridge by customers: new, lost, returning (number of orders and average order value
    with order counts), adding up to the change to the cent."""
    r0, _ = _column(revenue_before, "revenue_before")
    r1, _ = _column(revenue_after, "revenue_after")
    if len(r0) != len(r1):
        raise SegmenterInputError(f"revenue_before has {len(r0)} rows but revenue_after {len(r1)}")
    o0 = o1 = None
    if (orders_before is None) != (orders_after is None):
        raise SegmenterInputError("give orders for both periods, or for neither")
    if orders_before is not None:
        o0, _ = _column(orders_before, "orders_before")
        o1, _ = _column(orders_after, "orders_after")
        if not len(o0) == len(o1) == len(r0):
            raise SegmenterInputError("the order columns must have the revenue columns' rows")
    table = bridge.customer_bridge(r0, r1, o0, o1)
    headers = [column_style(str(c))[0] for c in table.columns]
    return table_output(headers, table.astype(object).where(table.notna(), None).to_numpy().tolist())
