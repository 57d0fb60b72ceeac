"""core.aggregates: the questions of the one account pipeline, answered in memory, checked by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.accounts import parse_accounts
from core.aggregates import (
    AccountAggregates,
    TableAggregates,
    group_sums_frame,
    group_table_of,
    nps_table_of,
)
from core.config import ReportConfig
from core.errors import SegmenterInputError
from core.report import account_pipeline, run_report
from tests.test_report import CELLS as REPORT_CELLS

# test_report's list (revenue 50, 20, 15, 10, 5, -4; profit 10, 6, -1.5, 1, 2.5, -1; NPS 3, 9, -,
# 10, 10, -), the credit note's size band written with spaces
CELLS = [*REPORT_CELLS[:-1], ["Fix", -4.0, -1.0, None, " Small "]]

QUESTIONS = sorted(
    name
    for name, value in vars(AccountAggregates).items()
    if callable(value) and not name.startswith("_")  # the Protocol's methods
)


def _tiered(config: ReportConfig | None = None) -> TableAggregates:
    aggregates = TableAggregates(parse_accounts(CELLS), config or ReportConfig(min_respondents=1))
    aggregates.figures()
    aggregates.assign_tiers()
    aggregates.assign_strategies((20.0, 0.2))
    return aggregates


def test_figures_by_hand():
    figures = TableAggregates(parse_accounts(CELLS)).figures()
    assert (figures.accounts, figures.positive, figures.positive_total) == (6, 5, 100.0)
    assert figures.has_profit and not figures.net
    assert figures.dimensions == ("size",)


def test_sums_per_tier_and_size_by_hand():
    sums = _tiered().group_sums(["tier", "size"])
    tier = sums["tier"].set_index("group")
    # A = Acme, Beta, Cora (pareto 80 %: 50 + 20 + 15 = 85 of 100); B Dune; C Echo; D the credit note
    assert tier["accounts"].tolist() == [3, 1, 1, 1]
    assert tier["revenue"].tolist() == [85.0, 10.0, 5.0, -4.0]
    assert tier["profit"].tolist() == [14.5, 1.0, 2.5, -1.0]
    assert tier.loc[0, ["lowest_revenue", "highest_revenue"]].tolist() == [15.0, 50.0]
    table = group_table_of(sums["size"], "size", ReportConfig())
    # " Small " reads as "Small" and merges; size bands in size order
    assert table["size"].tolist() == ["Small", "Large", "Total"]
    assert table["accounts"].tolist() == [4, 2, 6]
    assert table["revenue"].tolist() == [26.0, 70.0, 96.0]


def test_nps_counts_per_tier_by_hand():
    counts = _tiered().nps_counts("tier")
    # A: Acme 3 (detractor), Beta 9 (promoter), Cora no answer; B: Dune 10; C: Echo 10; D: none
    assert counts[["promoters", "passives", "detractors"]].to_numpy().tolist() == [
        [1, 0, 1],
        [1, 0, 0],
        [1, 0, 0],
        [0, 0, 0],
    ]
    table = nps_table_of(counts, "tier", ReportConfig(min_respondents=1), order=list("ABCD"), positions=True)
    assert table["nps"].tolist()[:3] == [0.0, 100.0, 100.0]
    assert table["nps"].iloc[-1] == pytest.approx(100 * (3 - 1) / 4)


def test_group_table_of_merges_values_that_read_the_same_and_says_blank():
    frame = group_sums_frame(
        np.array([0, 1, 2, 2]),
        3,
        [" North", "North", None],
        np.array([10.0, 30.0, 5.0, np.nan]),
        np.array([1.0, 3.0, np.nan, np.nan]),
    )
    table = group_table_of(frame, "region", ReportConfig(retention=0.8, discount=0.1))
    assert table["region"].tolist() == ["North", "(blank)", "Total"]
    assert table["accounts"].tolist() == [2, 2, 4]
    assert table["revenue"].tolist() == [40.0, 5.0, 45.0]
    # CLTV multiple r / (1 + d - r) = 8/3: North (1 + 3) * 8/3 over 2 accounts with profit
    assert table["avg_cltv"].iloc[0] == pytest.approx(4 * 8 / 3 / 2)
    assert np.isnan(table["avg_cltv"].iloc[1])


def test_segment_batches_come_largest_first_and_hold_every_account():
    aggregates = _tiered()
    batches = list(aggregates.segment_batches(rows_per_batch=4))
    assert [len(b) for b in batches] == [4, 2]
    shown = pd.concat(batches)
    assert shown["account"].tolist() == ["Acme", "Beta", "Cora", "Dune", "Echo", "Fix"]
    assert shown["rank"].is_monotonic_increasing


class Recording:
    """A backend that answers by asking a TableAggregates and records the questions."""

    def __init__(self, inner: TableAggregates) -> None:
        self.inner, self.asked = inner, []
        self.config, self.columns_read = inner.config, inner.columns_read

    def __getattr__(self, name):
        self.asked.append(name)
        return getattr(self.inner, name)


def test_the_pipeline_asks_only_the_interface_and_gives_run_reports_figures():
    config = ReportConfig(min_respondents=1)
    backend = Recording(TableAggregates(parse_accounts(CELLS), config))
    report = account_pipeline(backend)
    assert set(backend.asked) <= set(QUESTIONS)
    assert {"figures", "assign_tiers", "group_sums", "ranking", "nps_counts"} <= set(backend.asked)
    reference = run_report(parse_accounts(CELLS), config)
    assert list(report.tables) == list(reference.tables)
    for name, table in reference.tables.items():
        pd.testing.assert_frame_equal(report.tables[name], table, obj=name)


def test_both_backends_answer_every_question():
    pytest.importorskip("ibis")
    from warehouse.aggregates import EngineAggregates

    assert len(QUESTIONS) >= 15
    for backend in (TableAggregates, EngineAggregates):
        missing = [name for name in QUESTIONS if not callable(getattr(backend, name, None))]
        assert missing == [], (backend.__name__, missing)


def test_no_positive_revenue_is_refused_with_the_first_rejected_cell():
    cells = [["Account", "Revenue"], ["a", "n/a"], ["b", -3.0]]
    with pytest.raises(SegmenterInputError, match=r"nothing to segment \(1 revenue cell\(s\) rejected, e.g. row 2"):
        run_report(parse_accounts(cells))
