"""The CLI report of an account list with periods, cost to serve and channel, read back with openpyxl,
and the same sheets through the ribbon on xlwings' remote engine.

Five accounts (revenue 2023 / 2024 / 2025, profit 2025, cost to serve, channel):
    Acme 100 / 110 / 121, profit 30, cost  5, Reseller   +11 (+10 %), CAGR 10 %: growing
    Beta  50 /  60 /  20, profit  4, cost  1, Direct     -40 (-66.7 %): declining
    Cora   0 /   0 /  40, profit 10, cost  2, Direct     +40, % undefined: new
    Dune  80 /  90 /   0, profit  0, cost  1, Direct     -90 (-100 %): lost
    Echo  30 /  35 /  36, profit  9, cost 20, Direct     +1 (+2.9 %): stable
Pareto tiers 2024 (of 295): Acme 110 (share before 0) A, Dune 90 (37.3 %) A, Beta 60 (67.8 %) A, Echo 35
(88.1 %) B, Cora 0 D. 2025 (of 217): Acme 121 A, Cora 40 (55.8 %) A, Echo 36 (74.2 %) A, Beta 20 (90.8 %)
B, Dune 0 D. So Acme A->A, Beta A->B, Dune A->D, Echo B->A, Cora D->A; Dune and Beta fell from A.
"""

from __future__ import annotations

import csv

import pytest
from openpyxl import load_workbook

import segmenter
from tests.conftest import PROJECT, actions, remote_book
from writers.columns import FORMATS

HEADER = ["Account", "Revenue 2023", "Revenue 2024", "Revenue 2025", "Profit 2025", "Cost to serve", "Channel"]
ROWS = [
    ["Acme", 100, 110, 121, 30, 5, "Reseller"],
    ["Beta", 50, 60, 20, 4, 1, "Direct"],
    ["Cora", 0, 0, 40, 10, 2, "Direct"],
    ["Dune", 80, 90, 0, 0, 1, "Direct"],
    ["Echo", 30, 35, 36, 9, 20, "Direct"],
]


def _block(sheet, title: str) -> list[dict]:
    """The rows of the block under ``title`` on a result sheet, as dicts keyed by header."""
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    start = next(i for i, row in enumerate(rows) if row[0] == title)
    header = [h for h in rows[start + 1] if h is not None]
    out = []
    for row in rows[start + 2 :]:
        if row[0] is None:
            break
        out.append(dict(zip(header, row)))
    return out


@pytest.fixture(scope="module")
def report_book(tmp_path_factory):
    folder = tmp_path_factory.mktemp("growth")
    source = folder / "accounts.csv"
    with source.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([HEADER] + ROWS)
    output = folder / "report.xlsx"
    assert segmenter.main(["report", str(source), "-o", str(output)]) == 0
    return load_workbook(output)


def test_the_report_gains_growth_sheets_before_the_data_issues(report_book):
    assert report_book.sheetnames[-4:] == ["Growth", "Growth per account", "Data issues", "Chart data"]


def test_growth_per_tier_block_by_hand(report_book):
    rows = {
        r["Tier"]: r for r in _block(report_book["Growth"], "Growth per tier (tier now), between the last two periods")
    }
    # tier now A = Acme, Cora, Echo: 2024 110 + 0 + 35 = 145, 2025 121 + 40 + 36 = 197, +52
    assert (rows["A"]["Revenue 2024"], rows["A"]["Revenue 2025"], rows["A"]["Change in revenue"]) == (145, 197, 52)
    assert rows["A"]["Change %"] == pytest.approx(52 / 145)
    assert (rows["A"]["Growing"], rows["A"]["Stable"], rows["A"]["New"]) == (1, 1, 1)
    assert (rows["D"]["Lost"], rows["Total"]["Change in revenue"]) == (1, -78)  # 217 - 295
    assert rows["D"]["Share of growth"] == pytest.approx(-90 / -78)


def test_migration_matrix_and_fallen_from_a_read_back(report_book):
    sheet = report_book["Growth"]
    grid = _block(sheet, "Tier migration between the last two periods: accounts (rows: tier before, columns: tier now)")
    as_lists = [[r["From tier"], r["To A"], r["To B"], r["To C"], r["To D"], r["Accounts"]] for r in grid]
    assert as_lists == [
        ["A", 1, 1, 0, 1, 3],
        ["B", 1, 0, 0, 0, 1],
        ["C", 0, 0, 0, 0, 0],
        ["D", 1, 0, 0, 0, 1],
        ["Total", 3, 1, 0, 1, 5],
    ]
    revenue = _block(sheet, "Tier migration: the same accounts' revenue in the later period")
    assert [revenue[0]["Revenue to A"], revenue[0]["Revenue to B"], revenue[0]["Revenue"]] == [121, 20, 141]
    fallen = _block(sheet, "Accounts that fell from the top tier")
    assert [(r["Account"], r["Tier now"], r["Growth"]) for r in fallen] == [
        ("Dune", "D", "lost"),
        ("Beta", "B", "declining"),
    ]


def test_growth_chart_is_a_line_per_tier_over_the_periods(report_book):
    charts = report_book["Growth"]._charts
    assert [c.tagname for c in charts] == ["lineChart", "barChart"]  # the bridge by customers' waterfall below
    chart = charts[0]
    assert chart.tagname == "lineChart" and len(chart.series) == 5  # A, B, C, D and the total
    periods = _block(report_book["Growth"], "Revenue per period by tier now")
    assert [r["Period"] for r in periods] == ["2023", "2024", "2025"]
    assert [r["Revenue total"] for r in periods] == [260, 295, 217]


def test_growth_per_account_sheet_in_rank_order_with_formats(report_book):
    sheet = report_book["Growth per account"]
    rows = _block(sheet, "Growth per account: change between the last two periods, CAGR over all")
    assert [r["Account"] for r in rows] == ["Acme", "Cora", "Echo", "Beta", "Dune"]
    assert rows[0]["CAGR"] == pytest.approx(0.10) and rows[0]["Growth"] == "growing"
    assert rows[1]["Change %"] is None and rows[1]["Growth note"] == "no sales in 2024: % change undefined"
    header = [c.value for c in sheet[5]]
    assert sheet.cell(row=6, column=header.index("Change %") + 1).number_format == FORMATS["pct"]
    assert sheet.cell(row=6, column=header.index("Revenue 2025") + 1).number_format == FORMATS["money"]


def test_segments_matrix_and_summary_read_net_margin_and_channel(report_book):
    segments = {r["Account"]: r for r in _block(report_book["Segments"], "Accounts by tier, largest revenue first")}
    # Echo: 9 profit - 20 cost to serve = -11 net, -11 / 36 = -30.6 % net margin
    assert segments["Echo"]["Net profit (after cost to serve)"] == -11
    assert segments["Echo"]["Net margin %"] == pytest.approx(-11 / 36)
    assert segments["Echo"]["Channel"] == "Direct"
    splits = _block(report_book["Matrix"], "Splits used")
    assert splits[1]["Split"] == "Net margin % (after cost to serve)"
    summary = report_book["Tier summary"]
    channels = {r["Channel"]: r for r in _block(summary, "Per channel")}
    assert channels["Direct"]["Accounts"] == 4 and channels["Reseller"]["Revenue"] == 121
    warning = _block(summary, "Channel vs end user")
    assert warning[0]["Warning"].startswith("The channel column mixes intermediaries (Reseller: 1 account")


def test_data_issues_say_how_each_period_column_was_read(report_book):
    reasons = [
        r["Reason"]
        for r in _block(
            report_book["Data issues"],
            "Rejected cells and skipped rows first, with their sheet row; routine conversions one line per column",
        )
    ]
    assert "'Revenue 2023' read as revenue for period 2023" in reasons
    assert "no plain profit column: profit is 2025's" in reasons


def test_a_list_without_periods_has_no_growth_sheet(tmp_path):
    source = tmp_path / "plain.csv"
    with source.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([["Account", "Revenue"], ["A", 10], ["B", 5]])
    output = tmp_path / "plain.xlsx"
    assert segmenter.main(["report", str(source), "-o", str(output)]) == 0
    assert "Growth" not in load_workbook(output).sheetnames


def test_the_periods_sample_runs_end_to_end(tmp_path, capsys):
    output = tmp_path / "sample.xlsx"
    sample = PROJECT / "core" / "data" / "sample_accounts_periods.csv"
    assert segmenter.main(["report", str(sample), "-o", str(output)]) == 0
    assert "revenue 2024 -> 2025" in capsys.readouterr().out
    book = load_workbook(output)
    grid = _block(
        book["Growth"], "Tier migration between the last two periods: accounts (rows: tier before, columns: tier now)"
    )
    assert grid[-1]["Accounts"] == 300  # every account is in the matrix once


def test_the_ribbon_writes_the_growth_sheet_with_its_chart():
    book = remote_book({"Accounts": [HEADER] + ROWS}, selection="A1:G6")
    assert segmenter.segment_selection(book) == []
    added = [a["args"][1] for a in actions(book) if a["func"] == "addSheet"]
    assert "Growth" in added and "Growth per account" in added
    position = [s.name for s in book.sheets].index("Growth")
    charts = [a["args"] for a in actions(book) if a["func"] == "addChart" and a["sheet_position"] == position]
    assert len(charts) == 2, "the Growth chart or the bridge waterfall is missing"
    # a line chart of the period column and the five revenue columns (A-D and total) of its three periods
    assert charts[0][1] == "LineMarkers" and charts[0][3].endswith(":$F$16")
