"""run_report: the named tables on a list checked by hand, and its invariants."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.accounts import parse_accounts
from core.config import ReportConfig
from core.errors import SegmenterInputError
from core.report import revenue_rank, run_report, segment_accounts

# revenue 50, 20, 15, 10, 5 (+ one credit note); profit 10, 6, -1.5, 1, 2.5; NPS 3, 9, -, 10, 10
CELLS = [
    ["Account", "Revenue", "Profit", "NPS", "Size"],
    ["Acme", 50.0, 10.0, 3.0, "Large"],
    ["Beta", 20.0, 6.0, 9.0, "Large"],
    ["Cora", 15.0, -1.5, None, "Small"],
    ["Dune", 10.0, 1.0, 10.0, "Small"],
    ["Echo", 5.0, 2.5, 10.0, "Small"],
    ["Fix", -4.0, -1.0, None, "Small"],
]


@pytest.fixture(scope="module")
def report():
    return run_report(parse_accounts(CELLS), ReportConfig(min_respondents=1))


def test_every_named_table_is_there(report):
    assert {
        "segments",
        "tier_summary",
        "tier_rule",
        "by_size",
        "concentration",
        "pareto_curve",
        "nps_by_tier",
        "nps_gap_tier",
        "nps_by_size",
        "nps_gap_size",
        "matrix",
        "matrix_splits",
        "accounts_to_watch",
        "data_issues",
    } <= set(report.tables)


def test_segments_by_hand(report):
    seg = report.tables["segments"].set_index("account")
    assert seg["tier"].astype(str).to_dict() == {
        "Acme": "A",
        "Beta": "A",
        "Cora": "A",
        "Dune": "B",
        "Echo": "C",
        "Fix": "D",
    }
    assert seg.loc["Beta", "margin_pct"] == pytest.approx(0.3)
    assert np.isnan(seg.loc["Fix", "margin_pct"]) and "revenue" in seg.loc["Fix", "note"]
    # CLTV = m r / (1 + d - r) = 10 * 0.8 / 0.3
    assert seg.loc["Acme", "cltv"] == pytest.approx(10 * 0.8 / 0.3)
    assert seg["rank"].to_dict() == {"Acme": 1, "Beta": 2, "Cora": 3, "Dune": 4, "Echo": 5, "Fix": 6}


def test_tier_summary_totals_by_hand(report):
    summary = report.tables["tier_summary"].set_index("tier")
    assert summary.loc["A", ["accounts", "revenue", "profit"]].tolist() == [3, 85.0, 14.5]
    assert summary.loc["A", "margin_pct"] == pytest.approx(14.5 / 85)
    # revenue share uses all revenue, credit note included: 85 / 96
    assert summary.loc["A", "revenue_share"] == pytest.approx(85 / 96)
    assert summary.loc["Total", "accounts"] == 6


def test_nps_gap_by_size_by_hand(report):
    by = report.tables["nps_by_size"].set_index("size")
    # Large: 3 (detractor), 9 (promoter) -> 0; Small: 10, 10 -> 100
    assert by.loc["Large", "nps"] == pytest.approx(0.0) and by.loc["Small", "nps"] == pytest.approx(100.0)
    gap = report.headline["nps_gaps"]["size"]
    assert (gap.high_group, gap.low_group, gap.gap) == ("Small", "Large", pytest.approx(100.0))


def test_headline_concentration_by_hand(report):
    # positive revenue 100: HHI 3250, 3 accounts make 80 %, top 20 % of 5 accounts = 1 account = 50 %
    assert report.headline["hhi_points"] == pytest.approx(3250.0)
    assert report.headline["accounts_for_share"] == 3
    assert report.headline["top_share_revenue"] == pytest.approx(0.5)


def test_accounts_to_watch_names_the_at_risk_large_detractor(report):
    watch = report.tables["accounts_to_watch"].set_index("account")
    assert watch.loc["Acme", "nps_flag"] == "At risk"


def test_tier_rule_counts_every_account_of_tier_d(report):
    rule = report.tables["tier_rule"].set_index("tier")
    assert rule.loc["D", "accounts"] == 1 and rule.loc["A", "lowest_revenue"] == 15.0


def test_no_positive_revenue_is_refused():
    with pytest.raises(SegmenterInputError, match="positive revenue"):
        run_report(parse_accounts([["Account", "Revenue"], ["a", 0.0], ["b", -3.0]]))


def test_revenue_rank_by_hand():
    assert revenue_rank(np.array([10.0, 50.0, np.nan, 50.0, -5.0])).tolist() == [3, 1, 5, 1, 4]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(min_value=0, max_value=1e9, allow_nan=False), min_size=1, max_size=40), st.randoms())
def test_results_do_not_depend_on_input_order(revenues, rnd):
    if not any(r > 0 for r in revenues):
        return
    rows = [["Account", "Revenue"]] + [[f"c{i}", r] for i, r in enumerate(revenues)]
    shuffled = rows[:1] + rnd.sample(rows[1:], len(rows) - 1)
    first = segment_accounts(parse_accounts(rows)).set_index("account")[["tier", "rank"]].sort_index()
    second = segment_accounts(parse_accounts(shuffled)).set_index("account")[["tier", "rank"]].sort_index()
    pd.testing.assert_frame_equal(first, second)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(min_value=-1e6, max_value=1e9, allow_nan=False), min_size=1, max_size=40))
def test_rank_order_keeps_tiers_together(revenues):
    if not any(r > 0 for r in revenues):
        return
    rows = [["Account", "Revenue"]] + [[f"c{i}", r] for i, r in enumerate(revenues)]
    seg = segment_accounts(parse_accounts(rows))
    tiers_in_rank_order = seg.sort_values("rank", kind="stable")["tier"].cat.codes.to_numpy()
    assert (np.diff(tiers_in_rank_order) >= 0).all()


def test_a_revenue_only_list_gets_tiers_and_concentration_but_no_strategies():
    report = run_report(parse_accounts([["Account", "Revenue"], ["a", 50.0], ["b", 30.0], ["c", 20.0]]))
    seg = report.tables["segments"]
    assert seg["tier"].astype(str).tolist() == ["A", "A", "B"]  # shares before: 0, 50 %, 80 %
    assert (seg["strategy"] == "").all()
    matrix = report.tables["matrix"].set_index("strategy")
    assert matrix.loc["Unclassified", "accounts"] == 3


def test_a_long_watch_list_keeps_the_largest_per_flag_and_counts_the_rest(monkeypatch):
    import core.report

    table = parse_accounts(CELLS)
    full = run_report(table).tables["accounts_to_watch"]
    monkeypatch.setattr(core.report.watch_tables, "__defaults__", (1,))
    tables = run_report(table).tables
    flags = full["nps_flag"].value_counts()
    assert flags.max() > 1, "the fixture needs a flag with two accounts"
    shown = tables["accounts_to_watch"]
    # one per flag: the largest revenue of that flag
    assert shown.set_index("nps_flag")["revenue"].to_dict() == full.groupby("nps_flag")["revenue"].max().to_dict()
    counts = tables["accounts_to_watch_counts"].set_index("nps_flag")
    assert counts["accounts"].to_dict() == flags.to_dict()
    assert (counts["listed"] + counts["not_listed"] == counts["accounts"]).all()
    pd.testing.assert_frame_equal(tables["all_accounts_to_watch"], full)
