"""The file writer (writers/xlsx.py), read back with openpyxl: text stays text, formats, colours,
tables or filters, freeze panes and the chart."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook

import writers.xlsx
from core.accounts import parse_accounts
from core.report import run_report
from writers.cells import column_letters
from writers.columns import FORMATS, TIER_COLOURS
from writers.placement import place_report
from writers.xlsx import write_workbook

HOSTILE = ["=1+1", "+SUM(A1:A2)", "-3+4", "@cmd", '=HYPERLINK("http://x","y")']


def _cells(n: int) -> list[list[object]]:
    rows = [["Account", "Revenue", "Profit", "NPS", "Industry", "First purchase"]]
    for i in range(n):
        name = HOSTILE[i] if i < len(HOSTILE) else f"C{i}"
        rows.append(
            [
                name,
                float(1000 - i),
                float(100 - i / 10),
                float(i % 11),
                "=Retail" if i % 2 else "Retail",
                dt.datetime(2020, 1, 1 + i % 28),
            ]
        )
    return rows


def _book(tmp_path, n: int):
    report = run_report(parse_accounts(_cells(n)))
    sheets = place_report(report.tables, source="test", labels=report.config.labels)
    path = write_workbook(sheets, tmp_path / "out.xlsx")
    return load_workbook(path), sheets


def _segments(sheets):
    return next(s for s in sheets if s.spec.name == "Segments")


def _header(ws, row: int = 5) -> list:
    return [c.value for c in ws[row]]


def test_text_that_looks_like_a_formula_is_written_as_text(tmp_path):
    book, _ = _book(tmp_path, 12)
    ws = book["Segments"]
    header = _header(ws)
    accounts = [ws.cell(row=r, column=header.index("Account") + 1) for r in range(6, 18)]
    assert {c.value for c in accounts} >= set(HOSTILE)
    assert all(c.data_type == "s" for c in accounts)
    industries = [ws.cell(row=r, column=header.index("Industry") + 1) for r in range(6, 18)]
    assert {c.value for c in industries} == {"=Retail", "Retail"} and all(c.data_type == "s" for c in industries)


def test_numbers_dates_formats_tier_colours_table_and_freeze(tmp_path):
    book, sheets = _book(tmp_path, 12)
    ws = book["Segments"]
    header = _header(ws)
    block = _segments(sheets).blocks[0]
    first = ws.cell(row=6, column=header.index("Revenue") + 1)
    assert first.value == 1000.0 and first.number_format == FORMATS["money"]
    assert ws.cell(row=6, column=header.index("Margin %") + 1).number_format == FORMATS["pct"]
    purchase = ws.cell(row=6, column=header.index("First purchase") + 1)
    assert purchase.value == dt.datetime(2020, 1, 1) and purchase.number_format == FORMATS["date"]
    tier_col = header.index("Tier") + 1
    for first_row, last_row, colour in block.tier_runs:
        for i in (first_row, last_row):
            fill = ws.cell(row=6 + i, column=tier_col).fill.fgColor.rgb
            assert fill[-6:] == TIER_COLOURS[colour][1:]
    assert list(ws.tables) == ["seg_segments"] and ws.tables["seg_segments"].ref == f"A5:{_letter(len(header))}17"
    assert ws.freeze_panes == "A6"
    assert ws["A1"].value == "segmenter · Segments" and ws["A1"].font.b


def test_pareto_chart_points_at_its_block(tmp_path):
    book, sheets = _book(tmp_path, 12)
    ws = book["Concentration"]
    (chart,) = ws._charts
    block = next(s for s in sheets if s.spec.name == "Concentration").block("pareto_curve")
    assert chart.tagname == "scatterChart" and len(chart.series) == 1
    values = chart.series[0].yVal.numRef.f
    assert values.replace("'", "") == f"Concentration!$B${block.header_row + 1}:$B${block.last_row}"


def test_a_sheet_over_the_table_limit_is_streamed_with_filter_buttons(tmp_path, monkeypatch):
    monkeypatch.setattr(writers.xlsx, "TABLE_ROW_LIMIT", 10)
    book, sheets = _book(tmp_path, 12)
    assert book["Concentration"]._charts, "the chart of a streamed sheet is missing"
    ws = book["Segments"]
    assert not ws.tables and ws.auto_filter.ref == f"A5:{_letter(_segments(sheets).blocks[0].n_cols)}17"
    header = _header(ws)
    assert ws.cell(row=17, column=header.index("Account") + 1).value == "C11"
    assert {ws.cell(row=r, column=1).data_type for r in range(6, 18)} == {"n"}
    # the small sheets keep their tables
    small = [s for s in sheets if sum(len(b.rows) for b in s.blocks) <= 10]
    assert small and all(len(book[s.spec.name].tables) == sum(b.block.excel_table for b in s.blocks) for s in small)


def _letter(n: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(n)


@pytest.mark.parametrize("col, letters", [(0, "A"), (25, "Z"), (26, "AA"), (701, "ZZ"), (702, "AAA")])
def test_column_letters(col, letters):
    assert column_letters(col + 1) == letters


@pytest.mark.parametrize("streamed", [False, True])
def test_a_long_block_written_by_columns_keeps_totals_tier_colours_dates_and_blanks(tmp_path, monkeypatch, streamed):
    import pandas as pd

    from writers.catalogue import Block, SheetSpec
    from writers.placement import place_sheet

    if streamed:
        monkeypatch.setattr(writers.xlsx, "TABLE_ROW_LIMIT", 2)
    table = pd.DataFrame(
        {
            "account": ["=1+1", "Beta", "Total", "Gamma"],
            "tier": pd.Categorical(["A", "A", None, "B"]),
            "revenue": [1200.0, float("nan"), 1500.0, 300.0],
            "first_purchase": pd.to_datetime(["2024-03-31", None, None, "1999-12-31 10:30"], format="ISO8601"),
        }
    )
    spec = SheetSpec("Codes", (Block("codes", "Codes", tier_column="tier"),))
    placed = place_sheet(spec, {"codes": table}, source="test", labels=("A", "B", "C", "D"))
    assert writers.xlsx._arrow_cells(placed.blocks[0]) is not None  # the column-wise path
    ws = load_workbook(write_workbook([placed], tmp_path / "out.xlsx"))["Codes"]
    rows = [[c.value for c in ws[r]] for r in range(6, 10)]
    assert rows == [
        ["=1+1", "A", 1200.0, dt.datetime(2024, 3, 31)],
        ["Beta", "A", None, None],
        ["Total", None, 1500.0, None],
        ["Gamma", "B", 300.0, dt.datetime(1999, 12, 31, 10, 30)],
    ]
    assert ws["A6"].data_type == "s"
    assert ws["D6"].number_format == FORMATS["date"] and ws["C6"].number_format == FORMATS["money"]
    assert [ws[f"B{r}"].fill.fgColor.rgb[-6:] for r in (6, 7, 9)] == [
        c.lstrip("#") for c in (TIER_COLOURS[0],) * 2 + (TIER_COLOURS[1],)
    ]
    assert all(ws.cell(8, j).font.b for j in (1, 3)) and not ws["A6"].font.b


def test_the_cohort_triangles_get_a_three_colour_scale_from_period_one(tmp_path):
    from app.runs import customer_sheets  # the sheets a transaction list's report writes
    from core.customers.report import run_customer_report
    from core.transactions import parse_transactions

    orders = [["Customer", "Date", "Amount"]] + [
        [f"C{i % 12:02d}", f"2024-{1 + i % 12:02d}-{1 + i % 27:02d}", float(10 + i)] for i in range(60)
    ]
    report = run_customer_report(parse_transactions(orders))
    sheets = customer_sheets(report, "Orders!A1:C61", ("A", "B", "C", "D"))
    path = write_workbook(sheets, tmp_path / "customers.xlsx")
    cohorts = next(s for s in sheets if s.spec.name == "Cohorts")
    ws = load_workbook(path)["Cohorts"]
    scales = {}
    for rng in ws.conditional_formatting:
        for rule in rng.rules:
            if rule.type == "colorScale":
                scales[str(rng.sqref)] = [c.rgb[-6:] for c in rule.colorScale.color]
    expected = {}
    for table in ("cohort_customers", "cohort_revenue_retention"):
        block = cohorts.block(table)
        first = block.keys.index(next(k for k in block.keys if k.endswith("_1")))
        last = block.n_cols - 1
        rows = f"{block.header_row + 1}:{block.last_row}".split(":")
        expected[f"{column_letters(first + 1)}{rows[0]}:{column_letters(last + 1)}{rows[1]}"] = [
            "F8696B",
            "FFEB84",
            "63BE7B",
        ]
    assert scales == expected
    # period +0 (everyone's first purchase) is left out of the scale
    assert all(not key.startswith("C") for key in scales)


def test_a_date_column_of_the_users_list_carried_onto_segments_is_written_as_dates(tmp_path):
    # a Stripe customer export's 'Created (UTC)': no column name tells it is a date, its values do
    table = parse_accounts(
        [
            ["Account", "Revenue", "Created (UTC)"],
            ["A", 500.0, dt.datetime(2024, 2, 11, 9, 14)],
            ["B", 300.0, dt.datetime(2023, 11, 20, 11, 2)],
        ]
    )
    report = run_report(table)
    path = write_workbook(place_report(report.tables, source="test", labels=report.config.labels), tmp_path / "d.xlsx")
    ws = load_workbook(path)["Segments"]
    header = _header(ws)
    created = ws.cell(row=6, column=header.index("Created (UTC)") + 1)
    assert created.value == dt.datetime(2024, 2, 11, 9, 14) and created.number_format == FORMATS["date"]
