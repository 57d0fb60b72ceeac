"""Hostile inputs: a workbook someone sent, a file someone downloaded, an output name that is a trap.

Each case is built here, at test time (the bombs by streaming zip entries, a few KB on disk), and
ends in its expected refusal (one line, exit code 2) or the right result; the inputs and any earlier
output are hashed before and after, so nothing the user did not name is written, replaced or mixed.
Bombs run in a subprocess whose peak memory (``ru_maxrss``) and time are checked (1.5 GiB, 30 s).
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import segmenter
from tests.fake_com import MESSAGE_BOXES, windows_book
from writers.book import owner_name

ROOT = Path(__file__).resolve().parents[1]
PEAK_BYTES = int(1.5 * 2**30)
SECONDS = 30

duckdb = pytest.importorskip("duckdb")
pytest.importorskip("ibis")


def digest(folder: Path) -> dict[str, str]:
    """{name: sha256} of every file under ``folder`` (what must not change)."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.is_symlink()}


def accounts_parquet(path: Path, n: int = 40) -> Path:
    pd.DataFrame({"Account": [f"A{i:03d}" for i in range(n)],
                  "Revenue": [float(1000 - 7 * i) for i in range(n)]}).to_parquet(path)
    return path


# ------------------------------------------------------------- SQL from a workbook's Settings sheet


def settings_book(folder: Path, settings: dict[str, str]):
    """A workbook saved in ``folder`` on the Windows engine fake, its Settings sheet holding ``settings``."""
    rows = [["Setting", "Value", "Meaning"]] + [[name, value, ""] for name, value in settings.items()]
    book, excel = windows_book({"Settings": rows, "Data": [["x"]]},
                               names={owner_name("Settings"): "='Settings'!$A$1"})
    object.__setattr__(excel.workbook, "folder", str(folder))
    return book, excel


@pytest.fixture
def victim(tmp_path):
    """A folder with a workbook's data, a DuckDB database with a table, and a file outside it."""
    folder = tmp_path / "received"
    folder.mkdir()
    accounts_parquet(folder / "accounts.parquet")
    con = duckdb.connect(str(folder / "db.duckdb"))
    con.execute("create table y as select 1 as a")
    con.close()
    (tmp_path / "secret.csv").write_text("Account,Revenue\nsecret,1\n")
    return folder


SETTINGS_ATTACKS = {
    # each statement kind alone, and hidden behind a harmless SELECT
    "copy": ("COPY (select 1) TO '{f}/x.sh'", "it holds a COPY statement"),
    "copy after select": ("select * from read_parquet('{f}/accounts.parquet'); COPY (select 1) TO '{f}/x.sh'",
                          "2 statements (SELECT, COPY)"),
    "attach": ("ATTACH '{f}/db.duckdb' AS d", "it holds a ATTACH statement"),
    "attach and drop": ("select 1 as account, 2.0 as revenue; ATTACH '{f}/db.duckdb' AS d; DROP TABLE d.y",
                        "3 statements (SELECT, ATTACH, DROP)"),
    "install": ("INSTALL httpfs", "it holds a LOAD statement"),
    "load": ("LOAD httpfs", "it holds a LOAD statement"),
    "set": ("SET enable_external_access = true", "it holds a SET statement"),
    "export": ("EXPORT DATABASE '{f}/dump'", "it holds a EXPORT statement"),
    "pragma": ("PRAGMA enable_profiling; select 1", "2 statements"),
    "outside the folder": ("select * from read_csv('{f}/../secret.csv')", "outside the workbook's folder"),
    "relative path": ("select * from 'accounts.parquet'", "by its full path"),
    "url": ("select * from read_parquet('https://example.com/a.parquet')", "reads only local files"),
    "s3": ("select * from read_parquet('s3://bucket/a.parquet')", "reads only local files"),
}


@pytest.mark.parametrize("case", list(SETTINGS_ATTACKS))
def test_settings_sql_cannot_write_attach_load_or_reach_out(victim, case):
    sql, refusal = SETTINGS_ATTACKS[case]
    before = digest(victim.parent)
    book, excel = settings_book(victim, {"sql": sql.format(f=victim)})
    messages = segmenter.segment_table(book)
    assert len(messages) == 1 and messages[0].startswith("segmenter could not run: ") and refusal in messages[0], messages
    assert "\n" not in messages[0]
    assert digest(victim.parent) == before  # nothing written, replaced or dropped
    assert not (victim / "x.sh").exists() and not (victim / "dump").exists()
    assert [s.Name for s in excel.workbook.sheets] == ["Settings", "Data"]


@pytest.mark.parametrize("statement", ["COPY (select 1) TO '{f}/x.sh'", "ATTACH '{f}/db.duckdb' AS d",
                                       "INSTALL httpfs", "LOAD httpfs", "SET enable_external_access = true",
                                       "select * from read_csv('{f}/../secret.csv')"])
def test_the_connection_itself_refuses_even_without_the_statement_check(victim, monkeypatch, statement):
    """Defence in depth: with the one-SELECT check switched off, the locked DuckDB connection of a
    workbook's run still cannot write a file, attach a database, install or load an extension, or
    read a file outside the source."""
    import warehouse.guard
    import warehouse.sources

    monkeypatch.setattr(warehouse.sources, "check_query", lambda sql, dialect="duckdb": None)
    sql = f"select * from read_parquet('{victim}/accounts.parquet')"
    opened = []
    real_connect = warehouse.sources.connect

    def connect(settings, source=None):
        con = real_connect(settings, source)
        opened.append(con)
        return con

    monkeypatch.setattr(warehouse.sources, "connect", connect)
    monkeypatch.setattr("warehouse.run.connect", connect)
    book, excel = settings_book(victim, {"sql": sql})
    before = digest(victim.parent)
    messages = segmenter.segment_table(book)
    assert messages[-1].startswith("All 40 rows are in"), messages  # the workbook's own query runs
    con = opened[0].con
    with pytest.raises(duckdb.Error) as refused:
        con.execute(statement.format(f=victim)).fetchall()
    assert "disabled" in str(refused.value) or "locked" in str(refused.value), refused.value
    after = digest(victim.parent)
    assert {k: v for k, v in after.items() if k in before} == before
    assert set(after) - set(before) == {"received/query-segmenter-accounts.parquet"}
    assert not (victim / "x.sh").exists()


def test_settings_sql_reading_its_own_folder_still_runs(victim):
    book, excel = settings_book(victim, {"sql": f"select * from read_parquet('{victim}/*.parquet') where Revenue > 800"})
    messages = segmenter.segment_table(book)
    assert messages[-1] == f"All 29 rows are in {victim / 'query-segmenter-accounts.parquet'}", messages
    assert "Segments" in [s.Name for s in excel.workbook.sheets]


def test_settings_sql_on_spark_is_refused(victim):
    book, _ = settings_book(victim, {"sql": f"select * from parquet.`{victim}/accounts.parquet`", "engine": "spark"})
    messages = segmenter.segment_table(book)
    assert messages[0].startswith("segmenter could not run: the sql of a workbook's Settings sheet runs only in DuckDB")


CLI_SQL = {
    "the issue's attack": ("select * from 'acc.parquet'; COPY (select 1) TO 'x.sh'; ATTACH 'db.duckdb' AS d; "
                           "DROP TABLE d.y; select 1", "5 statements (SELECT, COPY, ATTACH, DROP, SELECT)"),
    "update": ("UPDATE t SET a = 1", "a UPDATE statement"),
    "create": ("CREATE TABLE t AS SELECT 1", "a CREATE statement"),
    "empty": (";", "the SQL is empty"),
    "comment only": ("-- nothing", "the SQL is empty"),
    "call": ("CALL pragma_version()", "a CALL statement"),
}


@pytest.mark.parametrize("case", list(CLI_SQL))
def test_cli_sql_is_one_select_or_refused_naming_the_kind(tmp_path, monkeypatch, capsys, case):
    sql, refusal = CLI_SQL[case]
    monkeypatch.chdir(tmp_path)
    accounts_parquet(tmp_path / "acc.parquet")
    con = duckdb.connect("db.duckdb")
    con.execute("create table y as select 1 as a")
    con.close()
    before = digest(tmp_path)
    assert segmenter.main(["report", "--sql", sql, "-o", "q.xlsx"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("segmenter: ") and refusal in err[-1], err
    assert digest(tmp_path) == before and not (tmp_path / "x.sh").exists()


# ------------------------------------------------------------- a result sheet the user renamed is theirs


def test_fake_excel_moves_a_workbook_name_with_its_sheet_when_renamed():
    book, excel = windows_book({"Q1": [["x"]], "Other": [["y"]]},
                               names={"kept": "='Q1'!$A$1:$B$2", "other": "='Other'!$A$1", "gone": "=#REF!$A$1"})
    excel.workbook.sheet("Q1").Name = "Q1's final"
    names = {n.Name: n.RefersTo for n in excel.workbook.names}
    assert names == {"kept": "='Q1''s final'!$A$1:$B$2", "other": "='Other'!$A$1", "gone": "=#REF!$A$1"}
    assert book.names["kept"].refers_to_range.sheet.name == "Q1's final"


def test_a_renamed_result_sheet_is_the_users_and_survives_the_next_run():
    from tests.test_book_desktop import HEADER, ROWS, RESULT_SHEETS

    book, excel = windows_book({"Accounts": [HEADER] + ROWS}, selection="A1:E7")
    assert segmenter.segment_selection(book) == []
    kept = excel.workbook.sheet("Segments")
    kept.Name = "Segments Q1"  # the user keeps this quarter's result
    kept_cells = dict(kept.cells)
    assert {n.Name: n.RefersTo for n in excel.workbook.names}[owner_name("Segments")] == "='Segments Q1'!$A$1"
    excel.workbook.sheet("Accounts").cells[(2, 2)] = 5000.0  # next quarter's figures
    assert segmenter.refresh(book) == []
    assert MESSAGE_BOXES == []
    sheets = [s.Name for s in excel.workbook.sheets]
    assert "Segments Q1" in sheets and sorted(sheets) == sorted(["Accounts", "Segments Q1"] + RESULT_SHEETS)
    assert excel.workbook.sheet("Segments Q1").cells == kept_cells  # never deleted nor rewritten
    assert {n.Name: n.RefersTo for n in excel.workbook.names}[owner_name("Segments")] == "='Segments'!$A$1"
    assert excel.workbook.sheet("Segments").cells != kept_cells
