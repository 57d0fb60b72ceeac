"""core.cost_to_serve and the report on net margin: profit after cost to serve drives the matrix."""

from __future__ import annotations

import math

import numpy as np
import pytest

from core.accounts import parse_accounts
from core.config import ReportConfig
from core.cost_to_serve import net_margin_note, net_profit
from core.errors import SegmenterInputError
from core.report import run_report, segment_accounts

HEADER = ["Account", "Revenue", "Profit", "Support cost"]
# By hand: net profit = profit - support cost; net margin = net profit / revenue
#   Big   1000 revenue, 300 profit, 250 support -> net  50, 5 %   (gross 30 %)
#   Mid    600,         120,         10         -> net 110, 18.3 % (gross 20 %)
#   Small  200,          60,          5         -> net  55, 27.5 % (gross 30 %)
#   Tiny   100,          20,          -         -> net undefined: cost to serve missing
ROWS = [
    ["Big", 1000.0, 300.0, 250.0],
    ["Mid", 600.0, 120.0, 10.0],
    ["Small", 200.0, 60.0, 5.0],
    ["Tiny", 100.0, 20.0, None],
]


def test_net_profit_is_profit_minus_cost_and_undefined_when_either_is_missing():
    assert net_profit([300.0, 50.0], [250.0, 70.0]).tolist() == [50.0, -20.0]
    assert np.isnan(net_profit([np.nan, 1.0], [1.0, np.nan])).all()
    with pytest.raises(SegmenterInputError, match="differ in length"):
        net_profit([1.0], [1.0, 2.0])


def test_net_margin_note_puts_the_revenue_reason_first():
    notes = net_margin_note([0.0, 10.0, 10.0, 10.0], [1.0, np.nan, 1.0, 1.0], [np.nan, np.nan, np.nan, 0.0])
    assert notes.tolist() == ["revenue is zero or negative", "profit missing", "cost to serve missing", ""]


def test_segments_gain_net_columns_and_the_strategy_reads_net_margin():
    segments = segment_accounts(parse_accounts([HEADER] + ROWS)).set_index("account")
    assert segments["net_profit"].tolist()[:3] == [50.0, 110.0, 55.0]
    assert segments.loc["Big", "net_margin_pct"] == pytest.approx(0.05)
    assert segments.loc["Mid", "net_margin_pct"] == pytest.approx(110 / 600)
    assert math.isnan(segments.loc["Tiny", "net_margin_pct"])
    assert segments.loc["Tiny", "note"] == "cost to serve missing"
    # splits: tier A (Big, Mid) starts at 600; the portfolio's net margin is 215 / 1800 = 11.9 %.
    # Big: high revenue, 5 % < 11.9 % -> Fix margin (on gross 30 % it would be Protect)
    assert segments["strategy"].to_dict() == {"Big": "Fix margin", "Mid": "Protect", "Small": "Grow", "Tiny": ""}


def test_report_matrix_and_summaries_use_net_profit():
    report = run_report(parse_accounts([HEADER] + ROWS))
    splits = report.tables["matrix_splits"].set_index("split")
    # the default margin split is the portfolio's net margin: (50 + 110 + 55) / (1000 + 600 + 200)
    assert splits.loc["Net margin % (after cost to serve)", "value"] == pytest.approx(215 / 1800)
    median = run_report(parse_accounts([HEADER] + ROWS), ReportConfig(margin_split="median"))
    assert median.tables["matrix_splits"].set_index("split").iloc[1]["value"] == pytest.approx(110 / 600)
    matrix = report.tables["matrix"].set_index("strategy")
    assert matrix.loc["Fix margin", "profit"] == 50.0 and matrix.loc["Fix margin", "accounts"] == 1
    total = report.tables["tier_summary"].set_index("tier").loc["Total"]
    # net profit 50 + 110 + 55 = 215 (Tiny's is missing); net margin 215 / 1800 (revenue where net is known)
    assert total["net_profit"] == 215.0 and total["net_margin_pct"] == pytest.approx(215 / 1800)
    assert total["profit"] == 500.0


def test_without_a_cost_column_nothing_changes():
    segments = segment_accounts(parse_accounts([HEADER[:3]] + [r[:3] for r in ROWS]))
    assert "net_profit" not in segments and "cost_to_serve" not in segments and "channel" not in segments
