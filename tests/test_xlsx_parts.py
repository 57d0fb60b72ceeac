"""The report file written in two parts (writers/xlsx.py): a streamed sheet deflated in a thread of
its own, its compressed part joined into the main workbook. Once unzipped, every part is byte for
byte the one the one-core path writes."""

from __future__ import annotations

import zipfile

import pytest
from openpyxl import load_workbook

import writers.xlsx
from core.accounts import parse_accounts
from core.report import run_report
from tests.test_xlsx import _cells
from writers.placement import place_report
from writers.xlsx import write_workbook

#: Differs by the second the file was written.
DATED = "docProps/core.xml"


def _sheets(n: int):
    report = run_report(parse_accounts(_cells(n)))
    return place_report(report.tables, source="test", labels=report.config.labels)


def _parts(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as book:
        assert book.testzip() is None
        return {name: book.read(name) for name in book.namelist() if name != DATED}


@pytest.fixture
def streamed(monkeypatch):
    monkeypatch.setattr(writers.xlsx, "TABLE_ROW_LIMIT", 45)  # Segments (60 rows) and Concentration


def test_two_parts_give_the_bytes_of_one(tmp_path, streamed, monkeypatch):
    sheets = _sheets(60)
    assert writers.xlsx._apart_sheets(sheets) == [1]  # Segments; Concentration has a chart
    joined_parts = []
    join = writers.xlsx.join_parts
    monkeypatch.setattr(writers.xlsx, "join_parts", lambda *args: joined_parts.append(join(*args)) or joined_parts[-1])
    two = write_workbook(sheets, tmp_path / "two.xlsx")
    assert joined_parts == [True], "the parts were joined, not written again whole"
    one = tmp_path / "one.xlsx"
    writers.xlsx._write_whole(sheets, one, None)
    with zipfile.ZipFile(one) as whole, zipfile.ZipFile(two) as joined:
        assert joined.namelist() == whole.namelist()
        streamed_part = "xl/worksheets/sheet2.xml"  # Segments, the streamed sheet
        assert joined.getinfo(streamed_part).compress_type == zipfile.ZIP_DEFLATED
    assert _parts(two) == _parts(one)
    ws = load_workbook(two)["Segments"]
    assert ws.cell(row=6, column=2).data_type == "s" and ws.max_row == 65
    assert not list(tmp_path.glob(".segmenter-parts-*")), "the parts' folder is removed"


def test_formats_that_differ_fall_back_to_one_part(tmp_path, streamed, monkeypatch):
    sheets = _sheets(30)
    monkeypatch.setattr(writers.xlsx, "_formats_agree", lambda main, lists: False)
    path = write_workbook(sheets, tmp_path / "two.xlsx")
    one = tmp_path / "one.xlsx"
    writers.xlsx._write_whole(sheets, one, None)
    assert _parts(path) == _parts(one)


def test_formats_compared_by_content(tmp_path):
    from rvgsrust_xlsxwriter import Workbook

    def styles(order: tuple[str, ...]) -> bytes:
        book = Workbook()
        ws = book.add_worksheet("S", constant_memory=True)
        for i, number_format in enumerate(order):
            fmt = book.add_format()
            fmt.set_num_format(number_format)
            ws.write(i, 0, 1.5, fmt)
        book.close(str(tmp_path / "s.xlsx"))
        with zipfile.ZipFile(tmp_path / "s.xlsx") as z:
            return z.read("xl/styles.xml")

    agree = writers.xlsx._formats_agree
    assert agree(styles(("0.0%", "#,##0", "0.00")), styles(("0.0%", "#,##0")))
    assert not agree(styles(("#,##0", "0.0%")), styles(("0.0%", "#,##0")))
    assert not agree(styles(("0.0%",)), styles(("0.0%", "#,##0")))


def test_one_core_writes_one_part(tmp_path, streamed, monkeypatch):
    import os

    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    assert not writers.xlsx._two_parts(_sheets(20))


def test_a_streamed_sheet_with_a_chart_first_keeps_the_workbook_whole(monkeypatch):
    monkeypatch.setattr(writers.xlsx, "TABLE_ROW_LIMIT", 10)  # the Overview, with its chart, is streamed too
    sheets = _sheets(60)
    assert sheets[0].charts and writers.xlsx._streamed(sheets[0])
    assert writers.xlsx._apart_sheets(sheets) == []


def test_a_customer_report_with_several_streamed_sheets_gives_the_bytes_of_one(tmp_path, monkeypatch):
    from app.runs import customer_sheets
    from bench.bench_cli import order_frame
    from core.config import ReportConfig
    from core.customers.report import run_customer_report
    from readers.files import read_block
    from readers.lists import load_transactions

    source = tmp_path / "orders.csv"
    order_frame(10000).to_csv(source, index=False)
    rows, first = read_block(source)
    config = ReportConfig()
    sheets = customer_sheets(run_customer_report(load_transactions(rows, first, source), config), "o", config.labels)
    monkeypatch.setattr(writers.xlsx, "TABLE_ROW_LIMIT", 1000)
    assert len(writers.xlsx._apart_sheets(sheets)) >= 2  # Customers, Lifetime value (a unit per row), Segments
    joined_parts = []
    join = writers.xlsx.join_parts
    monkeypatch.setattr(writers.xlsx, "join_parts", lambda *args: joined_parts.append(join(*args)) or joined_parts[-1])
    two = write_workbook(sheets, tmp_path / "two.xlsx")
    assert joined_parts == [True]
    one = tmp_path / "one.xlsx"
    writers.xlsx._write_whole(sheets, one, None)
    assert _parts(two) == _parts(one)
