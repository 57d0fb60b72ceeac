"""One header matcher for account and transaction lists, checked against one table of headers."""
import pytest

from core.accounts import header_role
from core.headers import ACCOUNT_HEADERS, TEST_HEADERS, TRANSACTION_HEADERS, header_score, list_kind
from core.transactions import looks_like_transactions, parse_transactions


@pytest.mark.parametrize("header, account_role, transaction_role", TEST_HEADERS)
def test_every_test_header_names_the_same_column_in_both_lists(header, account_role, transaction_role):
    assert ACCOUNT_HEADERS.role(header) == header_role(header) == account_role
    assert TRANSACTION_HEADERS.role(header) == transaction_role


def test_customer_invoice_date_sales_amount_is_a_transaction_list():
    header = ["Customer", "Invoice date", "Sales amount"]
    assert list_kind(header) == "transactions" and looks_like_transactions(header)
    table = parse_transactions([header, ["A", "2024-01-02", 12.5], ["A", "2024-02-02", 7.5]])
    assert table.headers == {"customer": "Customer", "date": "Invoice date", "amount": "Sales amount"}
    assert table.rows["amount"].sum() == 20.0


@pytest.mark.parametrize("header", [
    ["Account", "Revenue", "First purchase date"],   # an account's start date, not an order date
    ["Customer ref", "Net revenue", "Gross profit"],  # no date at all
    ["Customer", "Date", "Amount", "Revenue"],       # two exact amounts: ambiguous
])
def test_account_lists_are_not_taken_for_transactions(header):
    assert list_kind(header) == "accounts"


def test_partial_match_loses_to_exact_and_first_column_wins():
    roles, losers = ACCOUNT_HEADERS.assign(["Sales amount", "Revenue", "Turnover", "Account"])
    assert roles == {"revenue": 1, "account": 3}
    assert [(j, role, winner) for j, role, winner, _ in losers] == [(2, "revenue", 1), (0, "revenue", 1)]


def test_header_row_names_more_columns_than_a_title():
    assert header_score(["Accounts by revenue"]) == 1
    assert header_score(["Account name", "Revenue", "Margin %", "Owner"]) == 3
