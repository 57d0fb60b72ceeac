"""Real exports through the CLI and the ribbon, as a user would run them (issue 10's done-when).

The files come from :mod:`tests.export_samples`; ``python -m tests.export_samples DIR`` writes
the same files for trying by hand.
"""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

import segmenter
from tests import export_samples
from tests.conftest import actions, remote_book


def _run(path, tmp_path, *options):
    out = tmp_path / f"{path.stem}-report.xlsx"
    code = segmenter.main(["report", str(path), "-o", str(out), *options])
    return code, out


def _sheet_rows(path, sheet):
    rows = list(load_workbook(path, read_only=True)[sheet].iter_rows(values_only=True))
    header = next(i for i, r in enumerate(rows) if r and r[0] in ("Rank", "Sheet row"))
    return [dict(zip(rows[header], r)) for r in rows[header + 1 :] if any(v is not None for v in r)]


def test_salesforce_export_with_totals_and_footer_matches_the_clean_list(tmp_path, capsys):
    export, clean = export_samples.salesforce_rows()
    code, report = _run(export_samples.write_csv(tmp_path / "salesforce.csv", export), tmp_path)
    printed = capsys.readouterr().out
    code_clean, report_clean = _run(export_samples.write_csv(tmp_path / "clean.csv", clean), tmp_path)
    printed_clean = capsys.readouterr().out
    assert code == code_clean == 0
    assert printed.splitlines()[:3] == printed_clean.splitlines()[:3]  # tiers, shares, HHI and Gini alike
    segments = {r["Account"]: (r["Tier"], r["Revenue"]) for r in _sheet_rows(report, "Segments")}
    assert segments == {r["Account"]: (r["Tier"], r["Revenue"]) for r in _sheet_rows(report_clean, "Segments")}
    assert "Total" not in segments and len(segments) == 120
    issues = _sheet_rows(report, "Data issues")
    skipped = [(r["Sheet row"], r["Value"]) for r in issues if r["Action"] == "row skipped"]
    assert skipped == [(122, "Total"), (123, "Grand Totals (120 records)")]
    assert any(r["Reason"] == "footer text below the data: not read" and r["Sheet row"] == 125 for r in issues)


def test_crm_report_with_titles_total_footer_and_messy_cells_segments_every_account(tmp_path):
    path = tmp_path / "crm.xlsx"
    made = export_samples.crm_workbook(path)
    code, report = _run(path, tmp_path)
    assert code == 0
    segments = _sheet_rows(report, "Segments")
    assert sorted(r["Account"] for r in segments) == sorted(made["names"])  # every account, formula-like names too
    issues = _sheet_rows(report, "Data issues")
    assert [r["Sheet row"] for r in issues if r["Value"] == "#N/A"] == made["na_rows"]
    assert [r["Sheet row"] for r in issues if r["Action"] == "row skipped"] == [made["total_row"]]
    assert issues[0]["Action"] == "rejected"  # refused cells first
    assert len(issues) < len(made["names"]) / 10
    margin_line = next(r for r in issues if r["Column"] == "Margin %" and r["Action"] == "coerced")
    assert margin_line["Reason"].startswith("600 cells (sheet rows 5-604)")


@pytest.mark.parametrize("style, first_date", [("us", "10/24/2024"), ("eu", "24.10.2024")])
def test_order_lists_with_us_or_european_dates_are_read(tmp_path, capsys, style, first_date):
    rows = export_samples.order_rows(style)
    rows.insert(1, ["C999", first_date, "10.00"])
    code, report = _run(export_samples.write_csv(tmp_path / f"orders-{style}.csv", rows), tmp_path)
    assert code == 0 and "transactions up to" in capsys.readouterr().out
    issues = _sheet_rows(report, "Data issues")
    order = "month/day/year" if style == "us" else "day/month/year"
    assert any(order in (r["Reason"] or "") and r["Column"] == "Order date" for r in issues)


def test_an_all_ambiguous_order_list_is_refused_naming_the_column_and_the_setting(tmp_path, capsys):
    path = export_samples.write_csv(tmp_path / "orders.csv", export_samples.order_rows("ambiguous"))
    code, _ = _run(path, tmp_path)
    error = capsys.readouterr().err.strip().splitlines()[-1]
    assert code == 2 and "Order date: the dates can be read day first or month first" in error
    assert "date_format" in error and "--date-format" in error
    code, _ = _run(path, tmp_path, "--date-format", "DMY")
    assert code == 0


@pytest.mark.parametrize(
    "option, value, message",
    [
        (
            "--margin-split",
            "25",
            "margin_split: must be a share between -100 % and 100 %, typed as 25% or 0.25; got 25",
        ),
        ("--retention", "85", "retention: must be a share between 0 % and 100 %, typed as 25% or 0.25; got 85"),
        ("--observation-end", "03/04/2025", "--observation-end: '03/04/2025' can be read day first or month first"),
    ],
)
def test_options_are_read_one_way_and_refused_with_one_wording(tmp_path, capsys, option, value, message):
    export, _ = export_samples.salesforce_rows()
    code, _ = _run(export_samples.write_csv(tmp_path / "a.csv", export), tmp_path, option, value)
    assert code == 2 and message in capsys.readouterr().err


def test_margin_split_25_percent_and_method_in_capitals_are_accepted(tmp_path, capsys):
    export, _ = export_samples.salesforce_rows()
    path = export_samples.write_csv(tmp_path / "a.csv", export)
    assert _run(path, tmp_path, "--margin-split", "25%", "--method", "Pareto")[0] == 0
    first = capsys.readouterr().out
    assert _run(path, tmp_path, "--margin-split", "0.25", "--method", "PARETO")[0] == 0
    assert capsys.readouterr().out.splitlines()[:3] == first.splitlines()[:3]


def test_revenues_that_would_overflow_are_rejected_and_no_figure_is_nan(tmp_path, capsys):
    rows = [["Account", "Revenue"], ["a", "1e308"], ["b", "1e308"], ["c", "500"], ["d", "300"], ["e", "200"]]
    code, report = _run(export_samples.write_csv(tmp_path / "huge.csv", rows), tmp_path)
    printed = capsys.readouterr().out
    assert code == 0 and "nan" not in printed.lower()
    assert "HHI 3,800 points" in printed  # 50 %, 30 %, 20 % of 1,000: 2,500 + 900 + 400
    rejected = [r["Sheet row"] for r in _sheet_rows(report, "Data issues") if r["Action"] == "rejected"]
    assert rejected == [2, 3]


def test_one_account_above_half_of_revenue_is_a_warning_line(tmp_path, capsys):
    rows = [["Account", "Revenue"], ["Big", "900"], ["a", "50"], ["b", "50"]]
    assert _run(export_samples.write_csv(tmp_path / "big.csv", rows), tmp_path)[0] == 0
    assert "! one account, 'Big', makes 90.0 % of revenue: more than half" in capsys.readouterr().out


def _ribbon_segments(rows, selection):
    book = remote_book({"Accounts": rows}, selection=selection)
    assert segmenter.segment_selection(book) == []
    position = [s.name for s in book.sheets].index("Segments")
    writes = [a["values"] for a in actions(book) if a["func"] == "setValues" and a["sheet_position"] == position]
    header = next(w[0] for w in writes if w[0] and w[0][0] == "Rank")
    block = max((w for w in writes if len(w[0]) == len(header) and w[0][0] != "Rank"), key=len)
    return {dict(zip(header, r))["Account"]: dict(zip(header, r))["Tier"] for r in block}


def test_ribbon_selection_with_a_title_row_and_a_total_row_gives_the_cli_result(tmp_path):
    export, clean = export_samples.salesforce_rows(n=30)
    cells = [[float(v) if k == 2 and v and v[0].isdigit() else v for k, v in enumerate(r)] for r in export]
    width = len(clean[0])
    sheet = [["Accounts by revenue"] + [None] * (width - 1)] + [(r + [None] * width)[:width] for r in cells[:-2]]
    tiers = _ribbon_segments(sheet, f"A1:D{len(sheet)}")
    code, report = _run(export_samples.write_csv(tmp_path / "clean.csv", clean), tmp_path)
    assert code == 0
    assert tiers == {r["Account"]: r["Tier"] for r in _sheet_rows(report, "Segments")}
