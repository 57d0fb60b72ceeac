"""core/exports.py and the cell readings it needs, one layout at a time, on small blocks whose
figures are worked out by hand in each test."""

from __future__ import annotations

import numpy as np
import pytest

from core.accounts import parse_accounts
from core.cells import to_dates, to_numbers
from core.errors import SegmenterInputError
from core.exports import ExportOptions
from core.transactions import parse_transactions


def _rows(n):
    return np.arange(2, 2 + n)


@pytest.mark.parametrize(
    "text, value",
    [
        ("2.273,92-", -2273.92),
        ("273,92-", -273.92),
        ("1,200.00 CR", -1200.0),
        ("100.00 DR", 100.0),
        ("1.200,00 Cr.", -1200.0),
        ("EUR 1.000,00-", -1000.0),
        ("4,50-", -4.5),
    ],
)
def test_signs_after_the_number(text, value):
    parsed = to_numbers(np.array([text], dtype=object), column="x", sheet_rows=_rows(1))
    assert parsed.values.tolist() == [value]


@pytest.mark.parametrize("text", ["-5-", "12-3", "CR", "1-2-3"])
def test_texts_that_only_look_signed_are_refused(text):
    assert np.isnan(to_numbers(np.array([text], dtype=object), column="x", sheet_rows=_rows(1)).values[0])


def test_iso_timestamps_with_a_zone_keep_the_clock_time_shown():
    texts = [
        "2023-06-01 04:49:07 +0200",
        "2023-06-01T04:49:07Z",
        "2023-06-01T04:49:07.123+02:00",
        "2023-06-01 04:49:07,5 -0500",
        "2023-06-01",
    ]
    dates = to_dates(np.array(texts, dtype=object), column="d", sheet_rows=_rows(5)).values
    assert [str(d)[:23] for d in dates] == [
        "2023-06-01T04:49:07.000",
        "2023-06-01T04:49:07.000",
        "2023-06-01T04:49:07.123",
        "2023-06-01T04:49:07.500",
        "2023-06-01T00:00:00.000",
    ]


def test_a_list_with_a_few_names_missing_is_not_filled_down():
    # 2 of 8 names missing, each under a different account: not a grouped report (only 2 of 6 labels
    # head a blank, under 40 %): the rows stay their own, named by their row
    rows = [
        ["Account", "Revenue"],
        ["A", 1.0],
        ["B", 2.0],
        [None, 30.0],
        ["C", 4.0],
        ["D", 5.0],
        ["E", 6.0],
        [None, 7.0],
        ["F", 8.0],
    ]
    table = parse_accounts(rows)
    assert table.accounts["account"].tolist() == ["A", "B", "(row 4)", "C", "D", "E", "(row 8)", "F"]
    assert not table.said


def test_a_grouped_account_report_is_filled_within_each_group_and_added_up():
    rows = [
        ["Account", "Opportunity", "Amount"],
        ["Acme", "o1", 10.0],
        [None, "o2", 5.0],
        ["Subtotal", None, 15.0],
        [None, "stray", 1.0],
        ["Beta", "o3", 7.0],
        [None, "o4", 2.0],
    ]
    table = parse_accounts(rows)
    # the stray row after the subtotal starts a new group without a label: it is not Acme's
    assert table.accounts[["account", "revenue"]].values.tolist() == [["Acme", 15.0], ["(row 5)", 1.0], ["Beta", 9.0]]


def test_respondents_are_one_account_with_the_mean_of_their_answers():
    rows = [["Company", "Revenue", "NPS"], ["A", 100.0, 9.0], ["A", 100.0, 6.0], ["B", 50.0, 10.0], ["A", 100.0, 10.0]]
    table = parse_accounts(rows)
    # A: (9 + 6 + 10) / 3 = 8.33, rounded 8; revenue once
    assert table.accounts[["account", "revenue", "nps"]].values.tolist() == [["A", 100.0, 8.0], ["B", 50.0, 10.0]]


def test_repeated_names_with_different_figures_are_not_respondents():
    rows = [["Company", "Revenue", "NPS"], ["A", 100.0, 9.0], ["A", 80.0, 6.0]]
    assert len(parse_accounts(rows).accounts) == 2


def test_an_invoice_total_repeated_on_its_lines_is_replaced_by_the_line_amounts():
    rows = [
        ["Customer", "Invoice Number", "Invoice Date", "Total", "Line Amount", "Status"],
        ["A", "INV-1", "2025-01-05", 120.0, 60.0, "PAID"],
        ["A", "INV-1", "2025-01-05", 120.0, 40.0, "PAID"],
        ["B", "INV-2", "2025-01-07", 50.0, 50.0, "VOIDED"],
        ["B", "INV-3", "2025-02-07", 30.0, 25.0, "AUTHORISED"],
    ]
    table = parse_transactions(rows)
    assert table.rows[["customer", "amount"]].values.tolist() == [["A", 100.0], ["B", 25.0]]
    assert table.headers["amount"] == "Line Amount"


def test_order_figures_on_the_first_line_only_are_taken_once_and_refunds_netted():
    rows = [
        ["Name", "Billing Name", "Created at", "Subtotal", "Lineitem price", "Refunded Amount"],
        ["#1", "Ann", "2025-01-05 10:00:00 +0100", 30.0, 10.0, 5.0],
        ["#1", None, "2025-01-05 10:00:00 +0100", None, 20.0, None],
        ["#2", "Bob", "2025-01-06 11:00:00 +0100", 8.0, 8.0, 0.0],
    ]
    table = parse_transactions(rows)
    assert table.rows[["customer", "amount"]].values.tolist() == [["Ann", 25.0], ["Bob", 8.0]]


def test_amounts_in_several_currencies_are_refused_converted_or_read_from_the_base_column():
    rows = [["Account", "Amount", "Currency"], ["A", 100.0, "USD"], ["B", 200.0, "EUR"]]
    with pytest.raises(SegmenterInputError, match=r"2 currencies \(EUR, USD; column 'Currency'\)"):
        parse_accounts(rows)
    table = parse_accounts(rows, options=ExportOptions(rates={"USD": 0.5, "EUR": 1.0}, report_currency="EUR"))
    assert table.accounts["revenue"].tolist() == [50.0, 200.0]
    with pytest.raises(SegmenterInputError, match="no rate for USD"):
        parse_accounts(rows, options=ExportOptions(rates={"EUR": 1.0}))
    base = [["Account", "Amount", "Amount (Base)", "Currency"], ["A", 100.0, 90.0, "USD"], ["B", 200.0, 200.0, "EUR"]]
    assert parse_accounts(base).accounts["revenue"].tolist() == [90.0, 200.0]


def test_two_amounts_in_a_cell_take_the_report_currency():
    rows = [["Account", "Amount"], ["A", "EUR 100.00 (USD 110.00)"], ["B", "GBP 50.00 (USD 64.00)"]]
    assert parse_accounts(rows).accounts["revenue"].tolist() == [110.0, 64.0]  # USD: the one every cell holds
    rows = [["Account", "Amount"], ["A", "EUR 100.00 (USD 110.00)"], ["B", "EUR 50.00 (USD 54.00)"]]
    options = ExportOptions(rates={"EUR": 1.0, "USD": 0.9}, report_currency="EUR")
    assert parse_accounts(rows, options=options).accounts["revenue"].tolist() == [100.0, 50.0]


def test_a_column_choice_overrides_the_aliases_and_an_unknown_one_is_refused():
    rows = [["Account", "Revenue", "Net revenue"], ["A", 10.0, 8.0], ["B", 20.0, 15.0]]
    table = parse_accounts(rows, options=ExportOptions(columns={"revenue": "net revenue"}))
    assert table.columns["revenue"] == "Net revenue" and table.accounts["revenue"].tolist() == [8.0, 15.0]
    with pytest.raises(SegmenterInputError, match="--column turnover=...: no such role"):
        parse_accounts(rows, options=ExportOptions(columns={"turnover": "Revenue"}))


def test_a_grouped_reports_unlabelled_subtotals_are_left_out_not_added():
    rows = [
        ["Account", "Opportunity", "Amount"],
        ["Acme", "o1", 10.0],
        [None, "o2", 5.0],
        [None, None, 15.0],
        ["Beta", "o3", 7.0],
        [None, "o4", 2.0],
        [None, None, 9.0],
        ["Cora", "o5", 4.0],
        [None, "o6", 4.0],
    ]
    table = parse_accounts(rows)
    # 15 and 9 are the sums of their groups' rows: left out; Cora's second 4 follows one row only: a row
    assert table.accounts[["account", "revenue"]].values.tolist() == [["Acme", 15.0], ["Beta", 9.0], ["Cora", 8.0]]
    skipped = table.issues[table.issues["action"] == "row skipped"]["sheet_row"].tolist()
    assert skipped == [4, 7]


def test_namesakes_with_two_addresses_are_two_customers_named_by_first_and_last_name():
    rows = [
        [
            "Order Number",
            "Order Date",
            "First Name (Billing)",
            "Last Name (Billing)",
            "Email (Billing)",
            "Order Subtotal Amount",
        ],
        ["1", "2025-01-05", "Anna", "Berg", "anna@x.org", 40.0],
        ["2", "2025-01-06", "Anna", "Schmidt", "as@y.net", 100.0],
        ["3", "2025-01-07", "Anna", "Berg", "ANNA@x.org", 15.0],
        ["4", "2025-01-08", "Ben", "Ode", "ben@x.org", 30.0],
    ]
    sums = parse_transactions(rows).rows.groupby("customer")["amount"].sum().to_dict()
    assert sums == {"Anna Berg": 55.0, "Anna Schmidt": 100.0, "Ben Ode": 30.0}


def test_one_name_under_two_addresses_is_kept_apart_by_the_address():
    rows = [
        ["Customer", "Email", "Date", "Amount"],
        ["Anna", "a@x.org", "2025-01-05", 10.0],
        ["Anna", "b@y.org", "2025-01-06", 20.0],
        ["Anna", "a@x.org", "2025-01-07", 5.0],
    ]
    sums = parse_transactions(rows).rows.groupby("customer")["amount"].sum().to_dict()
    assert sums == {"Anna (a@x.org)": 15.0, "Anna (b@y.org)": 20.0}


def test_an_order_without_a_billing_name_belongs_to_its_email():
    # a gift card and a pickup order have no billing address: their customer is the e-mail's
    rows = [
        ["Name", "Email", "Billing Name", "Created at", "Subtotal"],
        ["#1", "mia@x.com", "Mia K", "2025-01-05 10:00:00 +0100", 80.0],
        ["#2", "noah@x.com", None, "2025-01-06 10:00:00 +0100", 25.0],
        ["#3", "mia@x.com", None, "2025-01-07 10:00:00 +0100", 60.0],
    ]
    sums = parse_transactions(rows).rows.groupby("customer")["amount"].sum().to_dict()
    assert sums == {"Mia K": 140.0, "noah@x.com": 25.0}


def test_datev_postings_by_debitor_with_day_month_dates_and_credit_marks():
    rows = [
        ["EXTF", 700, 21, "Buchungsstapel", 13, "", "", "RE", "", "", 1, 2, 20250101, 5, 20251101, 20260131],
        [
            "Umsatz (ohne Soll/Haben-Kz)",
            "Soll/Haben-Kennzeichen",
            "Konto",
            "Gegenkonto (ohne BU-Schlüssel)",
            "Belegdatum",
        ],
        ["1190,00", "S", 10001, 8400, 1511],
        ["119,00", "H", 10001, 8400, 2012],
        ["595,00", "S", 10002, 8400, 501],
    ]
    table = parse_transactions(rows)
    # S adds, H subtracts; 1511 = 15 Nov of the batch's year, 501 = 5 Jan of the next (the batch runs Nov to Jan)
    assert table.rows.groupby("customer")["amount"].sum().to_dict() == {"10001": 1071.0, "10002": 595.0}
    assert sorted(str(d)[:10] for d in table.rows["date"]) == ["2025-11-15", "2025-12-20", "2026-01-05"]


def test_currencies_written_by_name_are_matched_to_rates_by_iso_code():
    # Dynamics 365 writes the currency's name: 'US Dollar', 'Euro', 'Pound Sterling'
    rows = [
        ["Account Name", "Annual Revenue", "Currency"],
        ["A", 100.0, "US Dollar"],
        ["B", 200.0, "Euro"],
        ["C", 10.0, "Pound Sterling"],
    ]
    with pytest.raises(SegmenterInputError, match=r"3 currencies \(EUR, GBP, USD"):
        parse_accounts(rows)
    table = parse_accounts(
        rows, options=ExportOptions(rates={"USD": 0.5, "EUR": 1.0, "GBP": 2.0}, report_currency="EUR")
    )
    assert table.accounts["revenue"].tolist() == [50.0, 200.0, 20.0]


def test_a_rates_file_may_name_its_currencies():
    from readers.sheets import read_rates

    assert read_rates([["Currency", "Rate to EUR"], ["US Dollar", 0.9], ["Euro", 1]], "rates.csv") == (
        {"USD": 0.9, "EUR": 1.0},
        "EUR",
    )


def test_the_later_lines_of_a_named_order_are_not_orders_without_a_name():
    rows = [
        ["Name", "Email", "Billing Name", "Created at", "Subtotal", "Lineitem price"],
        ["#1", "mia@x.com", "Mia K", "2025-01-05 10:00:00 +0100", 80.0, 50.0],
        ["#1", "mia@x.com", None, "2025-01-05 10:00:00 +0100", None, 30.0],
        ["#2", "noah@x.com", None, "2025-01-06 10:00:00 +0100", 25.0, 25.0],
    ]
    table = parse_transactions(rows)
    assert table.rows.groupby("customer")["amount"].sum().to_dict() == {"Mia K": 80.0, "noah@x.com": 25.0}
    assert any("1 order(s) without a name belong to their 'Email'" in line for line in table.said)


def test_a_layout_writes_its_own_copy_of_the_cells_and_copies_none_it_does_not_write():
    # read_layout copies the block at its first write (a grouped report's labels filled down):
    # the caller's cells stay as they were; a plain list is not copied at all (a million rows)
    import numpy as np

    from core.cells import CELL_BLANK, CELL_NUMBER, CELL_TEXT
    from core.exports import read_layout

    grouped = np.array(
        [["Account", "Opportunity", "Amount"], ["Acme", "o1", 10.0], [None, "o2", 5.0], ["Beta", "o3", 7.0]]
        + [[None, "o4", 1.0]],
        dtype=object,
    )
    before = grouped.copy()
    kinds = np.vectorize(lambda v: CELL_BLANK if v is None else CELL_TEXT if isinstance(v, str) else CELL_NUMBER)(
        grouped
    ).astype(np.int8)
    layout = read_layout(
        grouped,
        header=0,
        rows=np.arange(1, 5),
        headers=["Account", "Opportunity", "Amount"],
        kind="accounts",
        first_sheet_row=1,
        kinds=kinds,
    )
    assert (grouped == before).all() and grouped[2, 0] is None
    assert layout.block is not grouped and layout.kinds is None  # written: the reader's kinds no longer hold
    plain = np.array([["Account", "Amount"], ["Acme", 10.0], ["Beta", 7.0]], dtype=object)
    layout = read_layout(
        plain,
        header=0,
        rows=np.arange(1, 3),
        headers=["Account", "Amount"],
        kind="accounts",
        first_sheet_row=1,
        kinds=kinds[[0, 1, 3]][:, [0, 2]],
    )
    assert layout.block is plain and layout.kinds is not None


def test_a_detail_report_with_many_transactions_a_customer_reads_its_unheaded_first_column():
    # QuickBooks' "Sales by Customer Detail": the customer on its own row, its transactions below it
    # with the first column blank, then "Total for <customer>"; at six transactions a customer the
    # label rows are a quarter of the rows, and a credit memo is negative
    header = [None, "Date", "Transaction Type", "Num", "Product/Service", "Memo/Description", "Qty", "Sales Price"]
    rows = [header + ["Amount", "Balance"]]
    customers = (("Amy's Bird Sanctuary", [75, 50, -14, 300, 25, 10]), ("Cool Cars", [40] * 6))
    for first, (customer, amounts) in zip((1001, 1011), customers):
        rows.append([customer] + [None] * 9)
        balance = 0.0
        for k, amount in enumerate(amounts):
            balance += amount
            kind = "Credit Memo" if amount < 0 else "Invoice"
            line = [None, f"0{k + 1}/15/2026", kind, str(first + k), "Design", "Custom Design", 1, 75.0]
            rows.append(line + [float(amount), balance])
        rows.append([f"Total for {customer}"] + [None] * 7 + [f"${balance:,.2f}", None])
    rows.append(["TOTAL"] + [None] * 7 + ["$686.00", None])
    table = parse_transactions(rows)
    assert table.rows.groupby("customer")["amount"].sum().to_dict() == {
        "Amy's Bird Sanctuary": 446.0,
        "Cool Cars": 240.0,
    }
