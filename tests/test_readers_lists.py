"""readers.lists: a file's cells handed to the account or transaction parser."""

from __future__ import annotations

import datetime as dt

import pytest

from core.errors import SegmenterInputError
from readers.files import read_block
from readers.lists import is_transaction_list, load_accounts, load_transactions


def test_load_accounts_keeps_the_sheet_rows_of_the_file(tmp_path):
    path = tmp_path / "accounts.csv"
    path.write_text(",,\nAccount,Revenue,Profit\nAcme,50,10\nBeta,20,6\n")
    table = load_accounts(path)
    assert table.accounts["account"].tolist() == ["Acme", "Beta"]
    assert table.accounts["revenue"].sum() == 70
    assert table.accounts["sheet_row"].tolist() == [3, 4]


def test_a_transaction_header_makes_a_transaction_list(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text("Customer,Order date,Amount\na,2024-01-01,10\na,2024-01-15,20\n")
    rows, first = read_block(path)
    assert is_transaction_list(rows, path)
    table = load_transactions(rows, first, path)
    assert table.rows["amount"].sum() == 30


def test_a_headerless_text_file_in_the_cdnow_layout_is_a_transaction_list(tmp_path):
    path = tmp_path / "cd.txt"
    path.write_text("00001 1 19970101 1 11.77\n00001 1 19970112 2 25.50\n")
    rows, first = read_block(path)
    assert is_transaction_list(rows, path)
    table = load_transactions(rows, first, path)
    assert table.rows["amount"].sum() == pytest.approx(37.27)
    assert table.rows["date"].max() == dt.datetime(1997, 1, 12)


def test_columns_cannot_outnumber_the_file(tmp_path):
    path = tmp_path / "orders.txt"
    path.write_text("a 20240101 10\n")
    rows, first = read_block(path)
    with pytest.raises(SegmenterInputError, match="--columns names 4 columns but orders.txt has 3"):
        load_transactions(rows, first, path, ["customer", "date", "amount", "profit"])
