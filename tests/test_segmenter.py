"""Ribbon actions on xlwings' remote engine (every write recorded) and the CLI end to end."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys

import pytest
from openpyxl import load_workbook

import segmenter
from app.cli import CliProgress
from app.ribbon import LAST_RANGE_NAME
from tests.conftest import PROJECT, actions, convert_with_libreoffice, remote_book
from writers.book import owner_name
from writers.columns import FORMATS

HEADER = ["Account", "Revenue", "Profit", "NPS"]
ROWS = [
    ["Acme", 50.0, 10.0, 3.0],
    ["Beta", 20.0, 6.0, 9.0],
    ["Cora", 15.0, -1.5, None],
    ["Dune", 10.0, 1.0, 10.0],
    ["Echo", 5.0, 2.5, 10.0],
    ["Fail", "$1.2k", 1.0, None],
]
RESULT_SHEETS = [
    "Overview",
    "Accounts to call",
    "Segments",
    "Tier summary",
    "Concentration",
    "NPS",
    "Matrix",
    "Data issues",
    "Chart data",
]


def _accounts_book(selection="A1", **kwargs):
    return remote_book({"Accounts": [HEADER] + ROWS}, selection=selection, **kwargs)


def _added_sheets(book) -> list[str]:
    return [a["args"][1] for a in actions(book) if a["func"] == "addSheet"]


def _values_written(book, sheet_name: str) -> list:
    position = [s.name for s in book.sheets].index(sheet_name)
    return [a for a in actions(book) if a["func"] == "setValues" and a["sheet_position"] == position]


def test_segment_selection_of_one_cell_takes_its_current_region_and_writes_every_sheet():
    book = _accounts_book(selection="B3")
    messages = segmenter.segment_selection(book)
    # 'Fail' has an unreadable revenue ($1.2k): 1 of 6 rows, above 5 %, so the message box leads with it
    assert messages[0] == (
        "! Only part of the list is in these figures: 1 of 6 rows (16.7 %) were left out (revenue "
        "unreadable, e.g. row 7: '$1.2k' is not a plain number (suffixes like k/m are not guessed): 1); "
        "see Data issues"
    )
    assert messages[1].startswith("Read as: account = 'Account', revenue = 'Revenue'")
    assert _added_sheets(book) == RESULT_SHEETS
    names = {n.name: n.refers_to for n in book.names}
    assert names[LAST_RANGE_NAME] == "='Accounts'!$A$1:$D$7"
    for sheet in RESULT_SHEETS:
        assert owner_name(sheet) in names


def test_segments_sheet_holds_tiers_margins_and_strategies():
    book = _accounts_book(selection="A1:D7")
    segmenter.segment_selection(book)
    writes = _values_written(book, "Segments")
    block = next(w["values"] for w in writes if len(w["values"]) == 6)
    header = next(w["values"][0] for w in writes if w["values"][0][0] == "Rank")
    rows = [dict(zip(header, r)) for r in block]
    by_account = {r["Account"]: r for r in rows}
    assert by_account["Acme"]["Tier"] == "A" and by_account["Dune"]["Tier"] == "B" and by_account["Echo"]["Tier"] == "C"
    assert by_account["Fail"]["Tier"] == "D"
    assert by_account["Beta"]["Margin %"] == pytest.approx(0.3)
    assert by_account["Acme"]["NPS flag"] == "At risk"  # large account, detractor (3)
    assert by_account["Echo"]["NPS flag"] == "Innovation partner"  # small account, promoter (10)


def test_formats_tables_freeze_and_chart_are_recorded():
    book = _accounts_book(selection="A1:D7")
    segmenter.segment_selection(book)
    funcs = [a["func"] for a in actions(book)]
    assert "addTable" in funcs and "setNumberFormat" in funcs and "setRangeColor" in funcs
    formats = {a["args"][0] for a in actions(book) if a["func"] == "setNumberFormat"}
    assert {FORMATS["money"], FORMATS["pct"]} <= formats
    # rows 1-5 stay in view, no column: Office.js freezeAt("A6") would freeze rows 1-6 and column A
    segments = [s.name for s in book.sheets].index("Segments")
    assert [
        a["args"] for a in actions(book) if a["func"] == "freezePaneAtRange" and a["sheet_position"] == segments
    ] == [["1:5"]]
    rules = [
        a
        for a in actions(book)
        if a["func"] == "addConditionalFormat"
        and a["sheet_position"] == segments
        and str(a["args"][0].get("formula1", "")).startswith('="')
    ]
    assert [r["args"][0]["formula1"] for r in rules] == ['="A"', '="B"', '="C"', '="D"']  # one rule per tier
    assert any("chart" in f.lower() for f in funcs)


def test_large_blocks_are_written_within_xlwings_write_budget(monkeypatch):
    import xlwings.base_classes

    monkeypatch.setattr(xlwings.base_classes, "DEFAULT_MAX_CELLS_PER_WRITE", 64)
    book = _accounts_book(selection="A1:D7")
    segmenter.segment_selection(book)
    writes = [w for w in _values_written(book, "Segments") if w["start_row"] >= 5]
    # 6 accounts x 12 columns from sheet row 6 (0-based 5): 64 cells = 5 rows a call, then 1
    assert len(writes[0]["values"][0]) == 12
    assert [(w["start_row"], len(w["values"])) for w in writes] == [(5, 5), (10, 1)]
    assert all(len(w["values"]) * len(w["values"][0]) <= 64 for w in writes)


def test_a_big_block_is_handed_over_in_pieces_with_progress(monkeypatch):
    import writers.book
    from core.accounts import parse_accounts
    from core.report import run_report
    from writers.placement import place_report

    monkeypatch.setattr(writers.book, "PROGRESS_CELLS", 36)  # 3 rows of the 12-column Segments block
    book = _accounts_book(selection="A1:D7")
    report = run_report(parse_accounts([HEADER] + ROWS, first_sheet_row=1))
    lines = []
    placed = place_report(report.tables, source="Accounts!A1:D7", labels=("A", "B", "C", "D"))
    writers.book.write_report(book, [s for s in placed if s.spec.name == "Segments"], progress=lines.append)
    rows = [(w["start_row"], len(w["values"])) for w in _values_written(book, "Segments") if w["start_row"] >= 5]
    assert rows == [(5, 3), (8, 3)]
    assert lines == [
        "segmenter: writing Segments, sheet 1 of 1...",
        "segmenter: writing Segments, sheet 1 of 1: rows 1-3 of 6",
        "segmenter: writing Segments, sheet 1 of 1: rows 4-6 of 6",
    ]


def test_rerun_replaces_only_segmenters_own_sheets():
    book = _accounts_book(selection="A1:D7")
    segmenter.segment_selection(book)
    segmenter.refresh(book)
    assert [s.name for s in book.sheets] == ["Accounts"] + RESULT_SHEETS
    assert len([a for a in actions(book) if a["func"] == "sheetDelete"]) == len(RESULT_SHEETS)
    assert [n.name for n in book.names].count(owner_name("Segments")) == 1


def test_a_users_sheet_named_like_a_result_sheet_is_left_alone():
    book = remote_book({"Accounts": [HEADER] + ROWS, "Matrix": [["my own notes"]]}, selection="A1:D7")
    messages = segmenter.segment_selection(book)
    assert any("'Matrix'" in m and "Matrix (segmenter)" in m for m in messages)
    assert "Matrix (segmenter)" in _added_sheets(book)
    user_position = [s.name for s in book.sheets].index("Matrix")
    touched = [a for a in actions(book) if a.get("sheet_position") == user_position and a["func"] != "addSheet"]
    assert touched == []


def test_selecting_a_result_sheet_is_refused():
    book = _accounts_book(selection="A1:D7")
    segmenter.segment_selection(book)
    book.sheets["Segments"].activate()
    book.sheets["Segments"]["A5"].select()
    messages = segmenter.segment_selection(book)
    assert "segmenter's own" in messages[0]


def test_refresh_without_a_previous_run_says_what_to_do():
    book = _accounts_book()
    messages = segmenter.refresh(book)
    assert "Segment selection" in messages[0]
    assert any(a["func"] == "alert" for a in actions(book))


def test_refresh_reruns_on_the_remembered_range():
    names = [
        {
            "name": LAST_RANGE_NAME,
            "sheet_index": 0,
            "address": "$A$1:$D$5",
            "book_scope": True,
            "scope_sheet_name": None,
            "scope_sheet_index": None,
        }
    ]
    book = _accounts_book(selection="F9", names=names)
    segmenter.refresh(book)
    assert _added_sheets(book) == RESULT_SHEETS


def test_settings_sheet_is_created_then_read():
    book = _accounts_book()
    segmenter.show_settings(book)
    assert "Settings" in _added_sheets(book)
    written = [a["values"] for a in actions(book) if a["func"] == "setValues"]
    assert any(v[0] == ["Setting", "Value", "Meaning"] for v in written)


def test_invalid_settings_give_a_clear_message():
    settings = [["Setting", "Value", "Meaning"], ["tier_method", "biggest", ""], ["retention", "80%", ""]]
    names = [
        {
            "name": owner_name("Settings"),
            "sheet_index": 1,
            "address": "$A$1",
            "book_scope": True,
            "scope_sheet_name": None,
            "scope_sheet_index": None,
        }
    ]
    book = remote_book({"Accounts": [HEADER] + ROWS, "Settings": settings}, selection="A1:D7", names=names)
    messages = segmenter.segment_selection(book)
    assert "biggest" in messages[0]
    assert _added_sheets(book) == []


def test_settings_change_the_tier_method():
    settings = [["Setting", "Value", "Meaning"], ["tier_method", "threshold", ""], ["cutoffs", "20, 10", ""]]
    names = [
        {
            "name": owner_name("Settings"),
            "sheet_index": 1,
            "address": "$A$1",
            "book_scope": True,
            "scope_sheet_name": None,
            "scope_sheet_index": None,
        }
    ]
    book = remote_book({"Accounts": [HEADER] + ROWS, "Settings": settings}, selection="A1:D7", names=names)
    segmenter.segment_selection(book)
    written = [a["values"] for a in actions(book) if a["func"] == "setValues"]
    assert any(v[0][0] == "A" and "revenue >= 20" in str(v[0]) for v in written)


def test_every_ribbon_id_dispatches():
    book = _accounts_book()
    for button in segmenter.RIBBON_ACTIONS:
        assert isinstance(segmenter.ribbon(button, book), list)
    with pytest.raises(ValueError):
        segmenter.ribbon("nope", book)


# ------------------------------------------------------------------------------------ CLI


def _run_cli(*args, cwd=None, env=None):
    clean_env = {k: v for k, v in os.environ.items() if not k.startswith("XLWINGS_")}
    clean_env.update(env or {})
    return subprocess.run(
        [sys.executable, str(PROJECT / "segmenter.py"), *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=clean_env,
        timeout=300,
    )


def test_demo_writes_the_report_without_any_xlwings_licence(tmp_path):
    output = tmp_path / "demo.xlsx"
    result = _run_cli("demo", "-o", str(output))
    assert result.returncode == 0, result.stderr
    assert "accounts; tiers (pareto)" in result.stdout and "HHI" in result.stdout and "NPS" in result.stdout
    book = load_workbook(output)
    assert book.sheetnames == RESULT_SHEETS
    segments = book["Segments"]
    assert segments["A1"].value == "segmenter · Segments"
    header = [c.value for c in segments[5]]
    assert header[:4] == ["Rank", "Account", "Tier", "Revenue"]
    revenue_cell = segments.cell(row=6, column=4)
    assert revenue_cell.number_format == FORMATS["money"] and revenue_cell.value > 0
    assert segments.cell(row=6, column=header.index("Margin %") + 1).number_format == FORMATS["pct"]
    assert segments.freeze_panes == "A6"
    assert "seg_segments" in segments.tables
    assert book["Concentration"]._charts, "the Pareto chart is missing"
    issues = book["Data issues"]
    rows = [[c.value for c in r] for r in issues.iter_rows(min_row=6)]
    reasons = " ".join(str(r) for r in rows)
    assert "$1.2k" in reasons and "#N/A" in reasons and "duplicate" in reasons.lower()
    # the sheet row of '$1.2k' in the CSV: header is row 1, account 42 is row 43
    assert any(r[0] == 43 and r[2] == "$1.2k" for r in rows)


def test_report_on_an_xlsx_file_and_a_named_sheet(tmp_path):
    from openpyxl import Workbook

    source = tmp_path / "accounts.xlsx"
    workbook = Workbook()
    workbook.active.title = "Notes"
    sheet = workbook.create_sheet("Accounts")
    sheet.append(["Customer", "Sales", "Gross profit"])
    for row in ROWS[:5]:
        sheet.append(row[:3])
    workbook.save(source)
    result = _run_cli("report", str(source), "--sheet", "Accounts", "--method", "rank")
    assert result.returncode == 0, result.stderr
    out = load_workbook(tmp_path / "accounts-segmenter.xlsx")
    tiers = {r[1].value: r[2].value for r in out["Segments"].iter_rows(min_row=6) if r[1].value}
    assert tiers == {"Acme": "A", "Beta": "B", "Cora": "B", "Dune": "C", "Echo": "C"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["report", "missing.csv"], "file not found"),
        (["report", "{empty}"], "no accounts"),
        (["report", "{words}"], "revenue"),
    ],
)
def test_cli_fails_clearly(tmp_path, args, message):
    (tmp_path / "empty.csv").write_text("")
    (tmp_path / "words.csv").write_text("Name,Colour\nA,red\nB,blue\n")
    args = [
        a.replace("{empty}", str(tmp_path / "empty.csv")).replace("{words}", str(tmp_path / "words.csv")) for a in args
    ]
    result = _run_cli(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr.lower()
    assert "Traceback" not in result.stderr


def test_libreoffice_renders_every_sheet_of_the_demo_report(tmp_path):
    output = tmp_path / "demo.xlsx"
    assert _run_cli("demo", "-o", str(output)).returncode == 0
    pdf = convert_with_libreoffice(output, "pdf", tmp_path / "pdf")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed to read the PDF")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for sheet in RESULT_SHEETS:
        assert f"segmenter · {sheet}" in text
    assert "HHI" in text and "Pareto curve" in text and "Protect" in text


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_cli_progress_draws_a_bar_on_a_terminal_and_logs_lines_elsewhere():
    terminal = _Terminal()
    progress = CliProgress(terminal)
    progress("segmenting 300,000 accounts")
    for done in (100_000, 200_000, 300_000):
        progress("writing segments", done, 300_000)
    assert progress.bar is not None and progress.bar.n == 300_000
    progress.close()
    shown = terminal.getvalue()
    assert "segmenting 300,000 accounts" in shown and "writing segments:" in shown and "/300k" in shown

    log = io.StringIO()
    progress = CliProgress(log)
    for done in (100_000, 200_000, 300_000):
        progress("writing segments", done, 300_000)
    assert progress.bar is None
    assert log.getvalue().splitlines()[0].endswith("writing segments: 200,000 of 300,000 rows")
    assert len(log.getvalue().splitlines()) == 1
