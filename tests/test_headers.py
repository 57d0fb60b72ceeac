"""One header matcher for account and transaction lists, checked against one table of headers."""

import pytest

from core.accounts import header_role
from core.headers import ACCOUNT_HEADERS, TEST_HEADERS, TRANSACTION_HEADERS, header_score, is_survey, list_kind
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


@pytest.mark.parametrize(
    "header",
    [
        ["Account", "Revenue", "First purchase date"],  # an account's start date, not an order date
        ["Customer ref", "Net revenue", "Gross profit"],  # no date at all
        ["Customer", "Date", "Amount", "Revenue"],  # two exact amounts: ambiguous
    ],
)
def test_account_lists_are_not_taken_for_transactions(header):
    assert list_kind(header) == "accounts"


def test_partial_match_loses_to_exact_and_first_column_wins():
    roles, losers = ACCOUNT_HEADERS.assign(["Sales amount", "Revenue", "Turnover", "Account"])
    assert roles == {"revenue": 1, "account": 3}
    assert [(j, role, winner) for j, role, winner, _ in losers] == [(2, "revenue", 1), (0, "revenue", 1)]


def test_header_row_names_more_columns_than_a_title():
    assert header_score(["Accounts by revenue"]) == 1
    assert header_score(["Account name", "Revenue", "Margin %", "Owner"]) == 3


# One export header row per language, as the accounting and CRM systems of that market write them.
LANGUAGE_HEADERS = {
    "en": (
        ["Account Name", "Annual Revenue", "Gross Profit", "Industry", "Billing Country"],
        {"account": 0, "revenue": 1, "profit": 2, "industry": 3, "region": 4},
    ),
    "de": (
        ["Kundennummer", "Kunde", "Umsatz 2025", "Deckungsbeitrag", "Branche", "Land"],
        {"account": 1, "revenue": 2, "profit": 3, "industry": 4, "region": 5},
    ),
    "fr": (
        ["Raison sociale", "Chiffre d'affaires (EUR)", "Marge brute", "Secteur", "Pays"],
        {"account": 0, "revenue": 1, "profit": 2, "industry": 3, "region": 4},
    ),
    "es": (
        ["Cliente", "Ventas", "Margen", "Sector", "País"],
        {"account": 0, "revenue": 1, "profit": 2, "industry": 3, "region": 4},
    ),
    "it": (
        ["Ragione sociale", "Fatturato", "Margine", "Settore", "Paese"],
        {"account": 0, "revenue": 1, "profit": 2, "industry": 3, "region": 4},
    ),
    "nl": (
        ["Klantnummer", "Klantnaam", "Omzet", "Brutowinst", "Land"],
        {"account": 1, "revenue": 2, "profit": 3, "region": 4},
    ),
    "pt": (
        ["Nome do cliente", "Faturamento", "Margem", "Setor", "País"],
        {"account": 0, "revenue": 1, "profit": 2, "industry": 3, "region": 4},
    ),
    "camel": (["ContactName", "LineAmount", "InvoiceDate"], {"account": 0, "revenue": 1}),
    "snake": (["customer_name", "net_sales_eur", "gross_margin"], {"account": 0, "revenue": 1, "profit": 2}),
    "base": (
        ["Record ID", "Company name", "Annual Revenue", "Annual Revenue (Base)", "Currency"],
        {"account": 1, "revenue": 3},
    ),
    "nl_excl_vat": (["Debiteurnummer", "Klantnaam", "BTW", "Omzet excl. BTW"], {"account": 1, "revenue": 3}),
    "de_ohne_mwst": (["Debitorenname", "MwSt", "Umsatz ohne MwSt [€]"], {"account": 0, "revenue": 2}),
    "it_imponibile": (["Ragione sociale", "IVA", "Imponibile"], {"account": 0, "revenue": 2}),
}


@pytest.mark.parametrize("language", LANGUAGE_HEADERS)
def test_headers_in_each_language_name_their_columns(language):
    headers, expected = LANGUAGE_HEADERS[language]
    roles, _ = ACCOUNT_HEADERS.assign(headers)
    assert {role: j for role, j in roles.items() if role in expected} == expected


def test_a_name_beats_an_id_and_tax_discount_refund_are_never_revenue():
    roles, _ = TRANSACTION_HEADERS.assign(
        [
            "Name",
            "Email",
            "Discount Amount",
            "Subtotal",
            "Taxes",
            "Total",
            "Refunded Amount",
            "Billing Name",
            "Created at",
            "Lineitem name",
        ]
    )
    assert roles == {"amount": 3, "customer": 7, "date": 8}
    roles, _ = ACCOUNT_HEADERS.assign(["ResponseId", "Company", "Amount (EUR)", "TaxAmount"])
    assert roles == {"account": 1, "revenue": 2}


@pytest.mark.parametrize(
    "headers, amount",
    [
        (["Fecha", "Num", "Cliente", "NIF", "Base imponible", "IVA", "Total", "Estado"], "Base imponible"),
        (["Date", "N° facture", "Client", "Total HT", "TVA", "Total TTC"], "Total HT"),
        (["Data", "Numero", "Cliente", "Imponibile", "IVA", "Totale"], "Imponibile"),
        (["Rechnungsdatum", "Rechnungsnummer", "Kunde", "Netto", "MwSt", "Brutto"], "Netto"),
    ],
)
def test_an_invoice_register_is_a_transaction_list_read_by_its_net_amount(headers, amount):
    # its 'Total' is each invoice's total with tax, not an account's total: the document number says so
    assert list_kind(headers) == "transactions"
    roles, _ = TRANSACTION_HEADERS.assign(headers)
    assert headers[roles["amount"]] == amount


def test_a_number_column_alone_is_no_invoice_register():
    # 'Numéro client' is the customer's number, and an account list with a 'Total' stays one
    assert list_kind(["Numéro client", "Client", "Date", "Total"]) == "accounts"


@pytest.mark.parametrize("header", ["Konto", "Kontonummer", "Debitorennummer", "Kundennummer", "Kunden-Nr."])
def test_a_german_ledgers_customer_account_names_the_customer(header):
    assert ACCOUNT_HEADERS.role(header) == "account" and TRANSACTION_HEADERS.role(header) == "customer"
    # DATEV's counter account (the revenue account 8400) is not the customer
    assert TRANSACTION_HEADERS.role("Gegenkonto (ohne BU-Schlüssel)") is None


@pytest.mark.parametrize(
    "headers, survey",
    [
        (
            [
                "#",
                "How likely are you to recommend us to a friend or colleague?",
                "Start Date (UTC)",
                "Submit Date (UTC)",
                "Network ID",
                "account_name",
                "annual_revenue",
            ],
            True,
        ),  # Typeform
        (["#", "How likely are you to recommend us?", "Company", "Revenue"], True),  # its token and an NPS question
        (
            ["Timestamp", "How likely is it that you would recommend us to a colleague?", "Company"],
            True,
        ),  # Google Forms
        (["Account", "Revenue", "NPS", "Customer since"], False),  # an account list with an NPS
        (["#", "Account", "Revenue"], False),  # a row number is no survey
    ],
)
def test_a_survey_export_is_told_by_its_token_network_id_or_question(headers, survey):
    assert is_survey(headers) is survey


def test_a_detail_report_with_an_unheaded_customer_column_is_a_transaction_list():
    # QuickBooks' "Sales by Customer Detail": the customer heads its rows in the first column, which has no header
    header = [
        None,
        "Date",
        "Transaction Type",
        "Num",
        "Product/Service",
        "Memo/Description",
        "Qty",
        "Sales Price",
        "Amount",
        "Balance",
    ]
    assert list_kind(header) == "transactions"
    assert list_kind([None, "Total"]) == "accounts"  # its summary: one total per customer
    assert list_kind([None, "Date", "Memo"]) == "accounts"  # no amount


def test_an_invoice_register_without_a_number_column_is_told_by_its_tax_column():
    assert list_kind(["Fecha", "Cliente", "Base imponible", "IVA", "Total"]) == "transactions"
    assert list_kind(["Datum", "Kunde", "Netto", "MwSt", "Brutto"]) == "transactions"
    assert list_kind(["Client", "Date", "Total revenue"]) == "accounts"  # no tax column: an account's total
