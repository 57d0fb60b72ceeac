"""The customer report from Excel (ribbon action on xlwings' remote engine) and from the command line."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

from openpyxl import load_workbook

import segmenter
from app.ribbon import LAST_RANGE_NAME
from tests.conftest import PROJECT, actions, remote_book
from tests.test_udfs_transactions import HEADER, _five, _realistic
from writers.book import owner_name
from writers.columns import FORMATS

CUSTOMER_SHEETS = [
    "Accounts to call",
    "Customers",
    "RFM",
    "Lifetime value",
    "Model check",
    "Cohorts",
]  # the call list first
# no NPS answers in a transaction list: every account sheet but NPS
ACCOUNT_SHEETS_WITHOUT_PROFIT = ["Segments", "Tier summary", "Concentration", "Matrix", "Data issues"]


def _added_sheets(book) -> list[str]:
    return [a["args"][1] for a in actions(book) if a["func"] == "addSheet"]


def _written_rows(book, sheet_name: str) -> list[list]:
    position = [s.name for s in book.sheets].index(sheet_name)
    rows = []
    for action in actions(book):
        if action["func"] == "setValues" and action["sheet_position"] == position:
            rows += action["values"]
    return rows


def test_ribbon_button_ids_are_ribbon_actions():
    tree = ET.parse(PROJECT / "workbook" / "customUI14.xml")
    ids = {e.get("id") for e in tree.iter() if e.tag.endswith("button")}
    assert "customer_report" in ids and ids <= set(segmenter.RIBBON_ACTIONS)


def test_customer_report_writes_customer_then_account_sheets():
    book = remote_book({"Orders": _realistic(60)}, selection="B2")
    messages = segmenter.ribbon("customer_report", book)
    assert _added_sheets(book) == ["Overview"] + CUSTOMER_SHEETS + ACCOUNT_SHEETS_WITHOUT_PROFIT + ["Chart data"]
    names = {n.name for n in book.names}
    assert {owner_name(sheet) for sheet in CUSTOMER_SHEETS} <= names
    assert LAST_RANGE_NAME not in names  # Refresh reruns account lists only
    assert all("No purchase model could be used" not in m for m in messages)
    rows = _written_rows(book, "Customers")
    header = next(r for r in rows if r and r[0] == "Account")
    assert header[:4] == ["Account", "Tier", "RFM segment", "RFM"] and "Model CLV" in header
    customers = [r for r in rows if isinstance(r[0], str) and r[0].startswith("C0")]
    assert len(customers) == 60


def test_customer_report_on_too_few_customers_says_so_and_still_writes():
    book = remote_book({"Orders": [HEADER] + _five()}, selection="A1")
    messages = segmenter.customer_report(book)
    assert len(messages) == 1
    assert messages[0].startswith("No purchase model could be used: only 5 customers: the models need at least 10")
    assert "Historical lifetime value = " in messages[0]
    assert _added_sheets(book)[1:7] == CUSTOMER_SHEETS
    lifetime = _written_rows(book, "Lifetime value")
    assert any(row[:2] == ["purchase models", "status"] for row in lifetime)
    header = next(r for r in lifetime if r and r[0] == "Account")
    assert "Historical lifetime value" in header
    rfm = _written_rows(book, "Customers")
    assert ["a", "A", "Champions", "555"] == [r for r in rfm if r and r[0] == "a"][0][:4]
    # the RFM code is text: its column is formatted as text before it is written, so Excel keeps "555"
    assert any(
        a["func"] == "setNumberFormat" and a["args"] == ["@"] and a["start_column"] == 3 for a in book.json()["actions"]
    )


def test_customer_report_on_an_account_list_says_what_is_missing():
    book = remote_book({"Accounts": [["Account", "Revenue", "Profit"], ["Acme", 50.0, 10.0]]}, selection="A1")
    messages = segmenter.customer_report(book)
    assert len(messages) == 1 and "no date column found" in messages[0]
    assert _added_sheets(book) == []


# ------------------------------------------------------------------------------------ CLI


def _run_cli(*args, cwd=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("XLWINGS_")}
    return subprocess.run(
        [sys.executable, str(PROJECT / "segmenter.py"), *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=300,
    )


def _write_csv(path, rows) -> None:
    def cell(value):
        return "" if value is None else str(value)

    path.write_text("\n".join(",".join(cell(v) for v in row) for row in rows) + "\n")


def test_cli_detects_a_transaction_csv_and_writes_every_sheet(tmp_path):
    # ISO dates, as a CSV export writes them: serial 45292 + d = 2024-01-01 + d days
    import datetime as dt

    rows = [["Customer", "Order date", "Amount"]] + [
        [c, (dt.date(2024, 1, 1) + dt.timedelta(days=int(d) - 45292)).isoformat(), a] for c, d, a in _realistic()[1:]
    ]
    _write_csv(tmp_path / "orders.csv", rows)
    result = _run_cli("report", "orders.csv", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "200 customers from" in result.stdout and "NBD (weeks): r " in result.stdout
    assert "holdout check, Pareto/NBD: error in total" in result.stdout
    assert "RFM segments: Champions" in result.stdout and "accounts; tiers (pareto)" in result.stdout
    assert re.search(r"model CLV over 52 weeks .*: total [0-9,]+ \(80 % range [0-9,]+ to [0-9,]+\)", result.stdout)
    book = load_workbook(tmp_path / "orders-segmenter.xlsx")
    assert book.sheetnames == ["Overview"] + CUSTOMER_SHEETS + ACCOUNT_SHEETS_WITHOUT_PROFIT + ["Chart data"]
    customers = book["Customers"]
    header = [c.value for c in customers[5]]
    assert header[:3] == ["Account", "Tier", "RFM segment"]
    assert customers.max_row == 5 + 200
    clv = customers.cell(row=6, column=header.index("Model CLV") + 1)
    assert clv.number_format == FORMATS["money"] and clv.value > 0
    assert customers.cell(row=6, column=header.index("First purchase") + 1).number_format == FORMATS["date"]
    parameters = {
        row[1]: row[2]
        for row in book["Lifetime value"].iter_rows(min_row=6, max_row=80, values_only=True)
        if row[0] in ("BG/NBD", "MBG/NBD", "Pareto/NBD", "Gamma-Gamma")
    }
    assert {"r", "alpha", "p", "q", "v", "chosen because", "P(alive)"} <= set(parameters)


def test_cli_keeps_account_lists_on_the_account_report(tmp_path):
    _write_csv(tmp_path / "accounts.csv", [["Account", "Revenue", "Profit"], ["Acme", 50, 10], ["Beta", 20, 6]])
    result = _run_cli("report", "accounts.csv", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "customers from" not in result.stdout
    assert "Customers" not in load_workbook(tmp_path / "accounts-segmenter.xlsx").sheetnames


def test_cli_transactions_flag_reads_a_headerless_csv_by_position(tmp_path):
    _write_csv(tmp_path / "plain.csv", [["a", "2024-01-01", 10], ["a", "2024-01-15", 20], ["b", "2024-01-08", 5]])
    result = _run_cli("report", "plain.csv", "--transactions", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    # 2 customers: the models cannot be fitted, and the summary says why
    assert "2 customers from 3 transactions up to 2024-01-15; 1 repeat buyers" in result.stdout
    assert "! no purchase model could be used: only 2 customers: the models need at least 10" in result.stdout
    assert "Historical lifetime value = " in result.stdout


def test_cli_columns_name_the_columns_of_a_headerless_text_file(tmp_path):
    # whitespace text, dates as YYYYMMDD: store, customer, date, amount
    lines = ["s1 a 20240101 10.5", "s1 a 20240115 20", "s2 b 20240108 5"]
    (tmp_path / "orders.txt").write_text("\n".join(lines) + "\n")
    result = _run_cli("report", "orders.txt", "--columns=-,customer,date,amount", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "2 customers from 3 transactions up to 2024-01-15" in result.stdout
    customers = load_workbook(tmp_path / "orders-segmenter.xlsx")["Customers"]
    header = [c.value for c in customers[5]]
    rows = {r[0]: dict(zip(header, r)) for r in customers.iter_rows(min_row=6, values_only=True)}
    assert rows["a"]["Total spend"] == 30.5 and rows["a"]["Purchases"] == 2


def test_cli_columns_cannot_name_more_columns_than_the_file_has(tmp_path):
    (tmp_path / "orders.txt").write_text("a 20240101 10\n")
    result = _run_cli("report", "orders.txt", "--columns", "customer,date,amount,profit", cwd=tmp_path)
    assert result.returncode == 2 and "--columns names 4 columns but orders.txt has 3" in result.stderr


def test_cli_reproduces_the_cdnow_fit(tmp_path, cdnow_file):
    output = tmp_path / "cdnow.xlsx"
    result = _run_cli(
        "report",
        str(cdnow_file),
        "--transactions",
        "--observation-end",
        "1997-09-30",
        "--customer-model",
        "bgnbd",
        "-o",
        str(output),
    )
    assert result.returncode == 0, result.stderr
    assert "2,357 customers from 6,919 transactions up to 1997-09-30; 946 repeat buyers" in result.stdout
    assert "BG/NBD (weeks): r 0.243, alpha 4.414, a 0.793, b 2.426; log-likelihood -9,582.4" in result.stdout
    assert "Gamma-Gamma on 946 repeat buyers: p 6.25, q 3.74, v 15.44" in result.stdout
    book = load_workbook(output, read_only=True)
    assert book.sheetnames == ["Overview"] + CUSTOMER_SHEETS + ACCOUNT_SHEETS_WITHOUT_PROFIT + ["Chart data"]
