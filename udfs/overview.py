"""Worksheet functions for the Overview: WHALE_CURVE and SEGMENT_FINDINGS. Each converts the range,
calls core/, shapes the output."""

from __future__ import annotations

import xlwings as xw

from core import whale
from core.config import config_from_mapping
from core.report import run_report, segment_accounts
from udfs._edge import METHOD_DOC, NoValue, accounts_from_range, cell_errors, reuse_last, scalar, table_output
from udfs.segments import ACCOUNTS_DOC
from writers.columns import column_style


@xw.func(category="segmenter", call_in_wizard=False)
@xw.arg("accounts", "raw", doc=ACCOUNTS_DOC)
@xw.ret("raw")
@cell_errors
@reuse_last
def whale_curve(accounts):
    """The whale curve: accounts from the most to the least profitable (after cost to serve when the
    range has it), with the cumulative profit as a share of total profit; peaks above 100 %, ends at 100 %."""
    table = accounts_from_range(accounts)
    segments = segment_accounts(table)
    profit = "net_profit" if "net_profit" in segments else "profit"
    curve = whale.whale_curve(segments[profit].to_numpy(float))
    if not curve.defined:
        raise NoValue(curve.reason)
    points = curve.points
    rows = zip(
        points["rank"].tolist(),
        segments["account"].to_numpy(dtype=object)[points["position"].to_numpy()].tolist(),
        points["profit"].tolist(),
        points["account_share"].tolist(),
        points["profit_share_cum"].tolist(),
    )
    headers = ["Rank", "Account", column_style(profit)[0], "Share of accounts", "Cumulative share of profit"]
    return table_output(headers, [list(r) for r in rows])


@xw.func(category="segmenter", call_in_wizard=False)
@xw.arg("accounts", "raw", doc=ACCOUNTS_DOC)
@xw.arg("method", "raw", doc=METHOD_DOC)
@xw.ret("raw")
@cell_errors
@reuse_last
def segment_findings(accounts, method=None):
    """The report's findings in words, each with the sheet of the ribbon's report that holds the detail."""
    table = accounts_from_range(accounts)
    config = config_from_mapping(dict(tier_method=scalar(method, "method")))
    findings = run_report(table, config).tables["findings"]
    return table_output(["Finding", "Detail on sheet"], findings[["finding", "sheet"]].to_numpy().tolist())
