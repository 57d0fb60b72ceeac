"""Transaction lists: headers, every date form, unreadable rows, returns."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from core.errors import SegmenterInputError
from core.transactions import parse_transactions


def _cells(*rows, header=("Customer", "Date", "Amount")):
    return [list(header)] + [list(r) for r in rows]


@pytest.mark.parametrize(
    "header",
    [
        ("Customer", "Date", "Amount"),
        ("account", "order_date", "Revenue"),
        ("Client ID", "Invoice Date", "Sales"),
        ("customer-id", "Purchase date", "spend"),
        ("CUSTOMER ID", "date", "Value"),
    ],
)
def test_header_aliases_are_recognised(header):
    table = parse_transactions(_cells(("A", "2024-01-02", 10.0), header=header))
    assert table.rows[["customer", "amount"]].values.tolist() == [["A", 10.0]]
    assert table.headers["customer"] == header[0]


def test_columns_may_come_in_any_order_and_extra_columns_are_ignored():
    table = parse_transactions(
        [["Region", "Amount", "Qty", "Profit", "Date", "Account"], ["EU", 100.0, 2.0, 30.0, "2024-01-02", "A"]]
    )
    assert table.rows[["customer", "amount", "profit", "quantity"]].values.tolist() == [["A", 100.0, 30.0, 2.0]]
    assert table.has_profit


@pytest.mark.parametrize(
    "cell",
    [
        dt.datetime(2024, 3, 31),
        dt.date(2024, 3, 31),
        45382.0,
        "2024-03-31",
        pd.Timestamp("2024-03-31"),
        dt.datetime(2024, 3, 31, 15, 30),
    ],
)
def test_every_date_form_reads_as_the_same_day(cell):
    # 45382 = 2024-03-31: 1899-12-30 + 45382 days
    table = parse_transactions(_cells(("A", cell, 1.0)))
    assert table.rows["date"].iloc[0].normalize() == pd.Timestamp("2024-03-31")


def test_dataframe_datetime_column_reads_without_issues():
    frame = pd.DataFrame(
        {"customer": ["A", "B"], "date": pd.to_datetime(["2024-01-01", "2024-02-01"]), "amount": [1.0, 2.0]}
    )
    table = parse_transactions(frame, first_sheet_row=4)
    assert table.rows["sheet_row"].tolist() == [5, 6]
    assert table.issues.empty


def test_unreadable_rows_are_left_out_and_named_by_sheet_row():
    table = parse_transactions(
        _cells(
            ("A", "2024-01-02", 10.0),
            ("B", "03/04/2024", 5.0),
            (None, "2024-01-02", 1.0),
            ("C", "2024-01-02", "n/a"),
            ("D", "2024-01-03", "7"),
        ),
        first_sheet_row=10,
    )
    # header on row 10, data rows 11-15; rows 12 (ambiguous date), 13 (no customer), 14 (bad amount) left out
    assert table.rows["sheet_row"].tolist() == [11, 15]
    left_out = table.issues[table.issues["action"] == "row left out"]
    assert left_out["sheet_row"].tolist() == [12, 13, 14]
    assert left_out["column"].tolist() == ["Date", "Customer", "Amount"]
    assert 15 in table.issues.loc[table.issues["action"] == "coerced", "sheet_row"].tolist()


def test_blank_rows_are_skipped_silently():
    table = parse_transactions(_cells(("A", 45293.0, 10.0), (None, None, None), ("", " ", None)))
    assert len(table.rows) == 1
    assert table.issues["sheet_row"].tolist() == [2]  # only the serial read as a date is reported


def test_negative_amounts_are_kept_as_returns_and_reported():
    table = parse_transactions(_cells(("A", "2024-01-02", 10.0), ("A", "2024-01-05", -4.0)))
    assert table.rows["amount"].tolist() == [10.0, -4.0]
    returns = table.issues[table.issues["action"] == "kept as a return"]
    assert returns["sheet_row"].tolist() == [3]


def test_without_header_columns_are_customer_date_amount():
    table = parse_transactions([["A", "2024-01-02", 10.0], ["B", 45300.0, 3.0]])
    assert table.rows["customer"].tolist() == ["A", "B"]


def test_missing_amount_column_raises_and_lists_headers():
    with pytest.raises(SegmenterInputError, match="no amount column found; headers seen: Customer, Date, Notes"):
        parse_transactions([["Customer", "Date", "Notes"], ["A", "2024-01-01", "x"]], has_header=True)


def test_two_columns_for_one_role_raise():
    with pytest.raises(SegmenterInputError, match="two columns could be the amount"):
        parse_transactions([["Customer", "Date", "Revenue", "Sales"], ["A", "2024-01-01", 1.0, 2.0]])


def test_no_readable_row_raises():
    with pytest.raises(SegmenterInputError, match="no transaction has a readable"):
        parse_transactions(_cells(("A", "someday", 1.0)))
