"""Profit unknown is blank, never 0: a revenue-only list (a Zoho Books "Sales by Customer" export)
and groups in which no account has a profit.

Two lists throughout, figures by hand:

- ``FIVE``: revenue 50, 20, 15, 10, 5 (total 100), no profit column. Pareto tiers A A A B C
  (shares before each: 0, 50, 70, 85, 95 %): A 85, B 10, C 5, D empty.
- ``PARTIAL``: the same revenues with profit 10, -, 3, -, 1 and cost to serve 2, 1, -, 3, 0.5.
  Tier A (a, b, c) has the profits 10 and 3: 13 (b's is missing, and the known ones are summed,
  as before); tier B is d alone, whose profit is missing: unknown, not 0; tier C 1; tier D has
  no account: 0, as before; total 14. Net profit (profit - cost, blank when either is): a 8, b -,
  c -, d -, e 0.5, so tier A 8, B unknown, C 0.5, total 8.5. Region East (b, d): no profit.
  Matrix: b and d have no margin, so Unclassified holds 30 of revenue and no profit at all.
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

import segmenter
from core.accounts import accounts_from_frame
from core.margins import group_summary, profit_unknown_note
from core.matrix import matrix_table
from core.report import run_report
from tests.conftest import actions, call_udf, remote_book

NAN = math.nan
FIVE = pd.DataFrame({"Account": ["a", "b", "c", "d", "e"], "Revenue": [50.0, 20.0, 15.0, 10.0, 5.0]})
PARTIAL = FIVE.assign(
    Profit=[10.0, NAN, 3.0, NAN, 1.0],
    **{"Cost to serve": [2.0, 1.0, NAN, 3.0, 0.5], "Region": ["North", "East", "North", "East", "South"]},
)
NOTE = "no profit column: profit and margin are not shown (blank cells, not 0)"


def _assert_figures(actual: list[float], expected: list[float]) -> None:
    np.testing.assert_allclose(np.asarray(actual, dtype=float), np.asarray(expected, dtype=float), rtol=1e-12)


# ------------------------------------------------------------------ core, per table


def test_revenue_only_tier_summary_has_blank_profit_in_every_row_and_says_why():
    report = run_report(accounts_from_frame(FIVE))
    tiers = report.tables["tier_summary"]
    assert tiers["tier"].tolist() == ["A", "B", "C", "D", "Total"]
    _assert_figures(tiers["revenue"], [85, 10, 5, 0, 100])
    _assert_figures(tiers["accounts"], [3, 1, 1, 0, 5])
    for column in ("profit", "margin_pct", "profit_share", "avg_cltv"):
        assert tiers[column].isna().all(), column  # was profit 0 in every row: "they earn nothing"
    assert report.tables["profit_note"]["note"].tolist() == [NOTE]
    assert "whale" not in report.tables  # the whale curve of profit needs a profit


def test_revenue_only_matrix_has_blank_profit_in_every_row():
    report = run_report(accounts_from_frame(FIVE))
    matrix = report.tables["matrix"]
    assert matrix["strategy"].tolist() == ["Protect", "Fix margin", "Grow", "Migrate", "Unclassified", "Total"]
    _assert_figures(matrix["accounts"], [0, 0, 0, 0, 5, 5])
    _assert_figures(matrix["revenue"], [0, 0, 0, 0, 100, 100])
    assert matrix["profit"].isna().all() and matrix["margin_pct"].isna().all()


def test_revenue_only_overview_says_why_once_and_quotes_no_profit_figure():
    report = run_report(accounts_from_frame(FIVE))
    findings = report.tables["findings"]
    said = findings.loc[findings["finding"].str.contains("profit", case=False), ["sheet", "finding"]]
    assert said.values.tolist() == [["Tier summary", NOTE[0].upper() + NOTE[1:]]]
    assert "Profit" not in report.tables["key_figures"]["measure"].tolist()
    assert "profit_share" not in report.tables["chart_tier_share"]


def test_a_tier_without_any_profit_is_blank_and_the_others_keep_the_sum_of_the_known_profits():
    report = run_report(accounts_from_frame(PARTIAL))
    tiers = report.tables["tier_summary"]
    _assert_figures(tiers["profit"], [13, NAN, 1, 0, 14])
    _assert_figures(tiers["profit_share"], [13 / 14, NAN, 1 / 14, 0, 1])
    _assert_figures(tiers["margin_pct"], [13 / 65, NAN, 1 / 5, NAN, 14 / 70])  # over accounts with both
    _assert_figures(tiers["net_profit"], [8, NAN, 0.5, 0, 8.5])
    _assert_figures(tiers["net_margin_pct"], [8 / 50, NAN, 0.5 / 5, NAN, 8.5 / 55])
    assert "profit_note" not in report.tables  # the list has profits: the Segments notes say which are missing
    notes = report.tables["segments"].set_index("account")["note"]
    assert notes[["b", "d"]].tolist() == ["profit missing", "profit missing"]


def test_a_region_without_any_profit_is_blank():
    regions = run_report(accounts_from_frame(PARTIAL)).tables["by_region"]
    assert regions["region"].tolist() == ["East", "North", "South", "Total"]
    _assert_figures(regions["profit"], [NAN, 13, 1, 14])
    _assert_figures(regions["net_profit"], [NAN, 8, 0.5, 8.5])


def test_matrix_cell_of_accounts_without_profit_is_blank():
    report = run_report(accounts_from_frame(PARTIAL))
    matrix = report.tables["matrix"].set_index("strategy")
    # net margins: a 8/50 = 16 %, e 0.5/5 = 10 %; b, c, d have none (profit or cost missing)
    assert matrix.loc["Unclassified", "accounts"] == 3
    assert matrix.loc["Unclassified", "revenue"] == 45
    assert np.isnan(matrix.loc["Unclassified", "profit"])  # net profit of b, c, d: none known
    assert matrix.loc["Total", "profit"] == pytest.approx(8.5)


def test_group_summary_and_matrix_table_of_core_follow_the_same_rule():
    summary = group_summary([50.0, 20.0, 10.0], [5.0, NAN, NAN], ["x", "x", "y"])
    _assert_figures(summary["profit"], [5, NAN, 5])
    none = group_summary([50.0, 20.0], [NAN, NAN], ["x", "y"], order=["x", "y", "z"])
    assert none["profit"].isna().all()  # the empty group z too: no profit anywhere
    matrix = matrix_table([50.0, 20.0], [NAN, NAN], ["", ""])
    assert matrix["profit"].isna().all()


def test_the_reason_names_a_profit_column_that_holds_nothing():
    frame = FIVE.assign(Profit=[None] * 5)
    report = run_report(accounts_from_frame(frame))
    assert report.tables["profit_note"]["note"].tolist() == [profit_unknown_note("Profit")]
    assert report.tables["tier_summary"]["profit"].isna().all()


# ------------------------------------------------------------------ the worksheet function


def test_segment_summary_function_gives_empty_cells_and_the_reason_as_its_last_line():
    rows = [["Account", "Revenue"]] + FIVE.values.tolist()
    out = call_udf("segment_summary", rows)
    header = out[0]
    by_tier = {row[0]: dict(zip(header, row)) for row in out[1:6]}
    assert [by_tier[t]["Revenue"] for t in "ABCD"] == [85.0, 10.0, 5.0, 0.0]
    for tier in [*"ABCD", "Total"]:
        assert by_tier[tier]["Profit"] in (None, ""), tier
        assert by_tier[tier]["Margin %"] in (None, ""), tier
    assert out[6][0] == NOTE


# ------------------------------------------------------------------ the ribbon (xlwings writer)


def test_segment_selection_writes_empty_profit_cells_and_the_reason():
    book = remote_book({"Accounts": [["Account", "Revenue"]] + FIVE.values.tolist()}, selection="A1")
    segmenter.segment_selection(book)
    position = [s.name for s in book.sheets].index("Tier summary")
    writes = [a["values"] for a in actions(book) if a["func"] == "setValues" and a["sheet_position"] == position]
    header = next(v[0] for v in writes if v[0][:4] == ["Tier", "Accounts", "Revenue", "Profit"])
    body = next(v for v in writes if len(v) == 5 and v[0][0] == "A")
    for row in body:
        cells = dict(zip(header, row))
        assert [cells[c] for c in ("Profit", "Margin %", "Share of profit")] == ["", "", ""], row[0]
    assert [dict(zip(header, r))["Revenue"] for r in body] == [85.0, 10.0, 5.0, 0.0, 100.0]
    assert [[NOTE]] in writes


# ------------------------------------------------------------------ the CLI report, cell by cell


def zoho_sales_by_customer(path: Path, sales: list[float]) -> Path:
    """A Zoho Books "Sales by Customer" CSV export: title, date range, then Name, Invoice Count,
    Sales (without tax), Sales With Tax, a row per customer and a Total row."""
    lines = ["Sales by Customer", "", "From 01/01/2025 To 31/12/2025", "", "Name,Invoice Count,Sales,Sales With Tax"]
    for k, amount in enumerate(sales):
        lines.append(f"Customer {k:02d},{3 + k % 7},{amount:.2f},{amount * 1.2:.2f}")
    lines.append(f"Total,{sum(3 + k % 7 for k in range(len(sales)))},{sum(sales):.2f},{sum(sales) * 1.2:.2f}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _sheet_rows(book, name: str) -> list[list]:
    return [list(r) for r in book[name].iter_rows(values_only=True)]


def _block_under(rows: list[list], title: str) -> tuple[list[str], list[list]]:
    top = next(i for i, r in enumerate(rows) if r[0] == title)
    header = [h for h in rows[top + 1] if h is not None]
    body = []
    for r in rows[top + 2 :]:
        if all(v is None for v in r[: len(header)]):
            break
        body.append(r[: len(header)])
    return header, body


def test_cli_report_of_a_zoho_sales_by_customer_export_shows_blank_profit_and_the_reason(tmp_path):
    sales = [round(250.0 + 37.5 * k + (k % 5) * 1000.0, 2) for k in range(50)]
    source = zoho_sales_by_customer(tmp_path / "sales_by_customer.csv", sales)
    out = tmp_path / "report.xlsx"
    assert segmenter.main(["report", str(source), "-o", str(out)]) == 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = load_workbook(out)

    tier_rows = _sheet_rows(book, "Tier summary")
    header, body = _block_under(tier_rows, "Per tier")
    assert [r[0] for r in body] == ["A", "B", "C", "D", "Total"]
    total = dict(zip(header, body[-1]))
    assert total["Accounts"] == 50
    assert total["Revenue"] == pytest.approx(sum(sales), abs=0.005)  # the Total row of the export left out
    for row in body:
        cells = dict(zip(header, row))
        for column in ("Profit", "Margin %", "Share of profit", "Average retention CLTV"):
            assert cells[column] is None, (row[0], column)  # an empty cell: not 0, not "nan"
    note_header, note = _block_under(tier_rows, "Why profit and margin are blank")
    assert note_header == ["Note"] and note == [[NOTE]]

    header, body = _block_under(_sheet_rows(book, "Matrix"), "Revenue x margin matrix")
    assert [r[0] for r in body] == ["Protect", "Fix margin", "Grow", "Migrate", "Unclassified", "Total"]
    for row in body:
        cells = dict(zip(header, row))
        assert cells["Profit"] is None and cells["Margin %"] is None, row[0]
    assert dict(zip(header, body[-1]))["Revenue"] == pytest.approx(sum(sales), abs=0.005)

    overview = _sheet_rows(book, "Overview")
    said = [r[:2] for r in overview if isinstance(r[1], str) and "profit" in r[1].lower()]
    assert said == [["Tier summary", NOTE[0].upper() + NOTE[1:]]]  # once, and no profit figure quoted
    measures = [r[0] for r in overview if r[0] is not None]
    assert "Profit" not in measures and "Margin %" not in measures
    for name in book.sheetnames:  # no "nan" text anywhere
        assert not any(isinstance(v, str) and v.strip().lower() == "nan" for r in _sheet_rows(book, name) for v in r)
