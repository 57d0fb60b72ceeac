"""tests/corpus/exports/: lists written the way CRM, accounting, shop and survey systems export them.

Each file follows its system's published export layout (column names and order, title and footer
rows, grouping, line items, number and date formats); the rows are small and invented. The
figures each must give (accounts or customers, total revenue, rows left out, or the one-line
refusal) are written below by hand, from the rows, in ``MANIFEST``; the test reads them from
``manifest.json``.

    python scripts/make_export_corpus.py            # rewrites tests/corpus/exports/
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
from pathlib import Path

FOLDER = Path(__file__).resolve().parents[1] / "tests" / "corpus" / "exports"


def _csv(
    path: Path, rows: list[list], *, delimiter: str = ",", encoding: str = "utf-8", quote_all: bool = False
) -> None:
    with path.open("w", newline="", encoding=encoding) as handle:
        writer = csv.writer(
            handle,
            delimiter=delimiter,
            quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL,
            lineterminator="\r\n",
        )
        writer.writerows(rows)


def _xlsx(
    path: Path,
    sheets: dict[str, list[list]],
    *,
    hidden_rows: dict[str, list[int]] | None = None,
    filters: dict[str, str] | None = None,
    hidden_sheets: tuple[str, ...] = (),
) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
        for r in (hidden_rows or {}).get(name, []):
            sheet.row_dimensions[r].hidden = True
        if filters and name in filters:
            sheet.auto_filter.ref = filters[name]
        if name in hidden_sheets:
            sheet.sheet_state = "hidden"
    book.properties.creator = "segmenter tests"
    book.properties.created = book.properties.modified = dt.datetime(2025, 12, 7)
    book.save(path)


def _d(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


# ----------------------------------------------------------------------------- the exports


def hubspot_companies(folder: Path) -> None:
    """HubSpot CRM > Companies > Export (CSV): Record ID first, then the properties of the view."""
    _csv(
        folder / "hubspot_companies.csv",
        [
            [
                "Record ID",
                "Company name",
                "Company Domain Name",
                "Annual Revenue",
                "Industry",
                "Number of Employees",
                "Country/Region",
                "Create Date",
                "Company owner",
            ],
            [
                "5001",
                "Acme Corp",
                "acme.com",
                "1200000",
                "COMPUTER_SOFTWARE",
                "250",
                "United States",
                "2023-01-15 10:00",
                "Jane Doe",
            ],
            ["5002", "Globex", "globex.com", "850000", "MACHINERY", "120", "Germany", "2023-02-01 09:30", "Jane Doe"],
            [
                "5003",
                "Initech",
                "initech.com",
                "430000",
                "COMPUTER_SOFTWARE",
                "80",
                "United States",
                "2023-03-11 14:05",
                "Raj Patel",
            ],
            [
                "5004",
                "Umbrella",
                "umbrella.com",
                "2100000",
                "PHARMACEUTICALS",
                "900",
                "United Kingdom",
                "2023-04-20 08:00",
                "Raj Patel",
            ],
            ["5005", "Hooli", "hooli.com", "95000", "INTERNET", "15", "United States", "2023-05-02 16:45", "Jane Doe"],
            [
                "5006",
                "Vandelay Industries",
                "vandelay.com",
                "310000",
                "IMPORT_AND_EXPORT",
                "40",
                "United States",
                "2023-06-30 11:20",
                "Ann Lee",
            ],
        ],
    )


def salesforce_accounts(folder: Path) -> None:
    """Salesforce report export, Details Only CSV of a multi-currency org: the record currency
    beside each amount, the converted (corporate currency) amount beside it, and the footer
    lines Salesforce appends."""
    _csv(
        folder / "salesforce_accounts_multicurrency.csv",
        [
            [
                "Account Name",
                "Account Owner",
                "Billing Country",
                "Annual Revenue Currency",
                "Annual Revenue",
                "Annual Revenue (converted) Currency",
                "Annual Revenue (converted)",
                "Type",
            ],
            ["Alpine GmbH", "Jane Doe", "Germany", "EUR", "500000", "USD", "540000", "Customer - Direct"],
            ["Brighton Ltd", "Jane Doe", "United Kingdom", "GBP", "300000", "USD", "381000", "Customer - Channel"],
            ["Cascade Inc", "Raj Patel", "United States", "USD", "700000", "USD", "700000", "Customer - Direct"],
            ["Dover SARL", "Raj Patel", "France", "EUR", "250000", "USD", "270000", "Customer - Direct"],
            [],
            ["Acme Inc."],
            ["Copyright (c) 2000-2025 salesforce.com, inc. All rights reserved."],
            ["Confidential Information - Do Not Distribute"],
            ["Generated By:  Jane Doe  12/7/2025 9:15 AM"],
            ["Acme Inc."],
        ],
        quote_all=True,
    )


def dynamics_accounts(folder: Path) -> None:
    """Dynamics 365 > Export to Excel: hidden (Do Not Modify) columns first, the currency by name,
    Annual Revenue in the record's currency and Annual Revenue (Base) in the organisation's."""
    rows = [
        [
            "(Do Not Modify) Account",
            "(Do Not Modify) Row Checksum",
            "(Do Not Modify) Modified On",
            "Account Name",
            "Main Phone",
            "Currency",
            "Annual Revenue",
            "Annual Revenue (Base)",
            "Industry",
            "Address 1: Country/Region",
        ]
    ]
    data = [
        ("Contoso Pharmaceuticals", "US Dollar", 1_000_000, 920_000, "Pharmaceuticals", "United States"),
        ("Fabrikam Ltd", "Pound Sterling", 400_000, 468_000, "Manufacturing", "United Kingdom"),
        ("Northwind Traders GmbH", "Euro", 650_000, 650_000, "Wholesale", "Germany"),
        ("Adventure Works", "US Dollar", 250_000, 230_000, "Retail", "United States"),
        ("Litware SA", "Euro", 120_000, 120_000, "Consulting", "France"),
    ]
    for k, (name, currency, revenue, base, industry, country) in enumerate(data):
        rows.append(
            [
                f"7a1c{k}e2f-0b3d-ee11-9079-00224827{k:04d}",
                f"checksum{k}",
                _d("2025-11-30 08:00:00"),
                name,
                f"+1 555 010{k}",
                currency,
                revenue,
                base,
                industry,
                country,
            ]
        )
    _xlsx(
        folder / "dynamics_accounts_base.xlsx",
        {"Active Accounts": rows, "hiddenSheet": [["en-US", "account", "activeaccounts"]]},
        hidden_sheets=("hiddenSheet",),
    )


def sap_customer_sales(folder: Path) -> None:
    """SAP GUI list (ALV) > Export > Spreadsheet as CSV in a German locale: semicolons, decimal
    commas with thousands dots, the minus after the number, the customer number in "Kunde" and its
    name in "Name 1"."""
    _csv(
        folder / "sap_customer_sales.csv",
        [
            ["Kunde", "Name 1", "Ort", "Umsatz", "Währung"],
            ["100045", "Müller Maschinenbau GmbH", "Stuttgart", "12.450,00", "EUR"],
            ["100046", "Schmidt & Co. KG", "Hamburg", "8.300,50", "EUR"],
            ["100047", "Weber Logistik AG", "München", "2.273,92-", "EUR"],
            ["100048", "Becker Handel GmbH", "Köln", "15.000,00", "EUR"],
            ["100049", "Fischer Elektro", "Berlin", "950,25", "EUR"],
        ],
        delimiter=";",
        encoding="cp1252",
    )


def german_revenue_by_customer(folder: Path) -> None:
    """A German ERP's "Umsatz nach Kunden" list (Lexware, sevDesk, DATEV Auswertungen): a title
    row, Kunde / Umsatz 2025 / Deckungsbeitrag, decimal commas, a Summe row."""
    _csv(
        folder / "umsatz_nach_kunden.csv",
        [
            ["Umsatz nach Kunden 01.01.2025 - 31.12.2025"],
            ["Kundennummer", "Kunde", "Umsatz 2025", "Deckungsbeitrag", "Branche", "Land"],
            ["10001", "Bauer Metallbau GmbH", "45.200,00", "12.100,00", "Metall", "Deutschland"],
            ["10002", "Klein Software AG", "38.750,50", "20.300,25", "IT", "Österreich"],
            ["10003", "Hoffmann Druck KG", "12.000,00", "3.050,00", "Druck", "Deutschland"],
            ["10004", "Wagner Bau GmbH", "27.340,10", "-1.200,00", "Bau", "Schweiz"],
            ["Summe", "", "123.290,60", "34.250,25", "", ""],
        ],
        delimiter=";",
    )


def quickbooks_sales_by_customer(folder: Path) -> None:
    """QuickBooks Online > Reports > Sales by Customer Summary > Export to CSV: company, report
    name and period on top, a header whose label column is blank, sub-customers indented under
    their parent with a "Total <parent>" row, a TOTAL row and the basis line at the end."""
    _csv(
        folder / "quickbooks_sales_by_customer.csv",
        [
            ["Craig's Design and Landscaping Services"],
            ["Sales by Customer Summary"],
            ["January - December 2025"],
            [],
            ["", "Total"],
            ["Amy's Bird Sanctuary", "100.00"],
            ["Bill's Windsurf Shop", "85.00"],
            ["Freeman Sporting Goods", ""],
            ["   0969 Ocean View Road", "477.50"],
            ["   55 Twin Lane", "85.00"],
            ["Total Freeman Sporting Goods", "562.50"],
            ["Jeff's Jalopies", "160.00"],
            ["Paulsen Medical Supplies", "954.75"],
            ["TOTAL", '"1,862.25"'.strip('"')],
            [],
            [],
            ["Accrual basis Sunday, January 4, 2026 09:12 AM GMT-08:00"],
        ],
        quote_all=True,
    )


XERO_HEADER = [
    "ContactName",
    "EmailAddress",
    "POAddressLine1",
    "POAddressLine2",
    "POAddressLine3",
    "POAddressLine4",
    "POCity",
    "PORegion",
    "POPostalCode",
    "POCountry",
    "SAAddressLine1",
    "SAAddressLine2",
    "SAAddressLine3",
    "SAAddressLine4",
    "SACity",
    "SARegion",
    "SAPostalCode",
    "SACountry",
    "InvoiceNumber",
    "Reference",
    "InvoiceDate",
    "DueDate",
    "PlannedDate",
    "Total",
    "TaxTotal",
    "InvoiceAmountPaid",
    "InvoiceAmountDue",
    "InventoryItemCode",
    "Description",
    "Quantity",
    "UnitAmount",
    "Discount",
    "LineAmount",
    "AccountCode",
    "TaxType",
    "TaxAmount",
    "TrackingName1",
    "TrackingOption1",
    "TrackingName2",
    "TrackingOption2",
    "Currency",
    "Type",
    "Sent",
    "Status",
]


def xero_invoices(folder: Path) -> None:
    """Xero > Sales > Invoices > Export (CSV): one row per invoice line, the invoice's Total,
    TaxTotal, paid and due amounts repeated on every line, LineAmount the line's net amount,
    dd/mm/yyyy dates, statuses DRAFT, AUTHORISED, PAID, VOIDED, DELETED."""
    invoices = [  # contact, number, date, status, [(description, qty, unit)]
        (
            "Ridgeway University",
            "INV-0001",
            "15/01/2025",
            "PAID",
            [("Consulting", 5, 100.0), ("Design", 1, 250.0), ("Travel", 1, 100.0)],
        ),
        ("City Agency", "INV-0002", "03/02/2025", "AUTHORISED", [("Consulting", 4, 100.0)]),
        ("Ridgeway University", "INV-0003", "20/02/2025", "PAID", [("Consulting", 3, 100.0), ("Design", 1, 200.0)]),
        ("Bayside Club", "INV-0004", "14/03/2025", "VOIDED", [("Design", 1, 150.0)]),
        ("Marine Systems", "INV-0005", "25/03/2025", "DRAFT", [("Consulting", 10, 100.0), ("Design", 2, 250.0)]),
        ("Bayside Club", "INV-0006", "02/04/2025", "DELETED", [("Design", 1, 250.0)]),
        ("Marine Systems", "INV-0007", "18/04/2025", "PAID", [("Consulting", 7, 100.0)]),
    ]
    rows = [XERO_HEADER]
    for contact, number, date, status, lines in invoices:
        net = sum(q * u for _, q, u in lines)
        total, tax = round(net * 1.2, 2), round(net * 0.2, 2)
        paid = total if status == "PAID" else 0.0
        for description, qty, unit in lines:
            row = dict.fromkeys(XERO_HEADER, "")
            row.update(
                ContactName=contact,
                EmailAddress=f"accounts@{contact.split()[0].lower()}.example",
                POCity="Oaktown",
                POCountry="GB",
                InvoiceNumber=number,
                Reference=f"PO-{number[-4:]}",
                InvoiceDate=date,
                DueDate=date,
                Total=f"{total:.2f}",
                TaxTotal=f"{tax:.2f}",
                InvoiceAmountPaid=f"{paid:.2f}",
                InvoiceAmountDue=f"{total - paid:.2f}",
                Description=description,
                Quantity=f"{qty:.4f}",
                UnitAmount=f"{unit:.4f}",
                Discount="",
                LineAmount=f"{qty * unit:.2f}",
                AccountCode="200",
                TaxType="20% (VAT on Income)",
                TaxAmount=f"{qty * unit * 0.2:.2f}",
                Currency="GBP",
                Type="Sales invoice",
                Sent="Sent" if status != "DRAFT" else "",
                Status=status,
            )
            rows.append([row[h] for h in XERO_HEADER])
    _csv(folder / "xero_sales_invoices.csv", rows, quote_all=True)


SHOPIFY_HEADER = [
    "Name",
    "Email",
    "Financial Status",
    "Paid at",
    "Fulfillment Status",
    "Fulfilled at",
    "Accepts Marketing",
    "Currency",
    "Subtotal",
    "Shipping",
    "Taxes",
    "Total",
    "Discount Code",
    "Discount Amount",
    "Shipping Method",
    "Created at",
    "Lineitem quantity",
    "Lineitem name",
    "Lineitem price",
    "Lineitem compare at price",
    "Lineitem sku",
    "Lineitem requires shipping",
    "Lineitem taxable",
    "Lineitem fulfillment status",
    "Billing Name",
    "Billing Street",
    "Billing City",
    "Billing Zip",
    "Billing Country",
    "Shipping Name",
    "Shipping City",
    "Shipping Country",
    "Notes",
    "Cancelled at",
    "Payment Method",
    "Refunded Amount",
    "Vendor",
    "Id",
    "Tags",
    "Risk Level",
    "Source",
    "Lineitem discount",
]


def shopify_orders(folder: Path) -> None:
    """Shopify admin > Orders > Export (CSV for Excel): one row per line item; the order's
    figures, status and billing name on its first line only; timestamps with the shop's offset;
    refunds in Refunded Amount; cancelled orders with Cancelled at."""
    orders = [  # name, email, status, subtotal, shipping, discount, created, lines, billing name, refunded, cancelled
        (
            "#1001",
            "alice@example.com",
            "paid",
            80.0,
            5.0,
            0.0,
            "2023-06-01 04:49:07 +0200",
            [(2, "Mug", 25.0), (1, "Poster", 30.0)],
            "Alice Martin",
            0.0,
            "",
        ),
        (
            "#1002",
            "bob@example.com",
            "paid",
            45.0,
            5.0,
            0.0,
            "2023-06-03 18:20:11 +0200",
            [(1, "Hoodie", 45.0)],
            "Bob Chen",
            0.0,
            "",
        ),
        (
            "#1003",
            "alice@example.com",
            "partially_refunded",
            120.0,
            0.0,
            0.0,
            "2023-06-10 09:01:55 +0200",
            [(1, "Lamp", 90.0), (1, "Mug", 30.0)],
            "Alice Martin",
            30.0,
            "",
        ),
        (
            "#1004",
            "carol@example.com",
            "voided",
            60.0,
            5.0,
            0.0,
            "2023-06-11 12:00:00 +0200",
            [(2, "Poster", 30.0)],
            "Carol Diaz",
            0.0,
            "2023-06-12 08:30:00 +0200",
        ),
        (
            "#1005",
            "dan@example.com",
            "paid",
            200.0,
            0.0,
            20.0,
            "2023-06-15 21:14:03 +0200",
            [(2, "Chair", 50.0), (1, "Desk", 120.0)],
            "Dan Weber",
            0.0,
            "",
        ),
    ]
    rows = [SHOPIFY_HEADER]
    for name, email, status, subtotal, shipping, discount, created, lines, billing, refunded, cancelled in orders:
        taxes = round(subtotal * 0.19, 2)
        for k, (qty, item, price) in enumerate(lines):
            row = dict.fromkeys(SHOPIFY_HEADER, "")
            row.update(
                {
                    "Name": name,
                    "Email": email,
                    "Created at": created,
                    "Lineitem quantity": str(qty),
                    "Lineitem name": item,
                    "Lineitem price": f"{price:.2f}",
                    "Lineitem sku": item.upper()[:4],
                    "Lineitem requires shipping": "true",
                    "Lineitem taxable": "true",
                    "Lineitem fulfillment status": "fulfilled",
                    "Lineitem discount": "0.00",
                }
            )
            if k == 0:
                row.update(
                    {
                        "Financial Status": status,
                        "Paid at": created,
                        "Fulfillment Status": "fulfilled",
                        "Accepts Marketing": "no",
                        "Currency": "EUR",
                        "Subtotal": f"{subtotal:.2f}",
                        "Shipping": f"{shipping:.2f}",
                        "Taxes": f"{taxes:.2f}",
                        "Total": f"{subtotal + shipping + taxes:.2f}",
                        "Discount Code": "SUMMER" if discount else "",
                        "Discount Amount": f"{discount:.2f}",
                        "Shipping Method": "Standard",
                        "Billing Name": billing,
                        "Billing City": "Berlin",
                        "Billing Country": "DE",
                        "Shipping Name": billing,
                        "Shipping City": "Berlin",
                        "Shipping Country": "DE",
                        "Cancelled at": cancelled,
                        "Payment Method": "Shopify Payments",
                        "Refunded Amount": f"{refunded:.2f}",
                        "Id": str(5_000_000 + int(name[1:])),
                        "Risk Level": "Low",
                        "Source": "web",
                    }
                )
            rows.append([row[h] for h in SHOPIFY_HEADER])
    _csv(folder / "shopify_orders.csv", rows)


def woocommerce_orders(folder: Path) -> None:
    """WooCommerce > Analytics > Orders > Download: one row per order, its status, the customer's
    name and Net Sales."""
    _csv(
        folder / "woocommerce_orders.csv",
        [
            [
                "Date",
                "Order #",
                "Status",
                "Customer",
                "Customer type",
                "Product(s)",
                "Items sold",
                "Coupon(s)",
                "Net Sales",
                "Attribution",
            ],
            [
                "2025-03-01 10:15:00",
                "2101",
                "Completed",
                "Jane Smith",
                "new",
                "Hoodie, Cap",
                "2",
                "",
                "65.00",
                "Direct",
            ],
            [
                "2025-03-02 14:02:31",
                "2102",
                "Processing",
                "Tom Brown",
                "new",
                "Mug",
                "1",
                "",
                "40.00",
                "Organic: Google",
            ],
            ["2025-03-05 09:45:10", "2103", "Cancelled", "Jane Smith", "returning", "Cap", "1", "", "30.00", "Direct"],
            [
                "2025-03-09 19:30:00",
                "2104",
                "Completed",
                "Jane Smith",
                "returning",
                "Poster",
                "1",
                "WELCOME5",
                "55.50",
                "Direct",
            ],
            ["2025-03-12 08:00:00", "2105", "Failed", "Ana Costa", "new", "Lamp", "1", "", "20.00", "Referral"],
            [
                "2025-03-15 16:20:45",
                "2106",
                "Completed",
                "Ana Costa",
                "new",
                "Chair, Mug",
                "2",
                "",
                "80.00",
                "Referral",
            ],
        ],
    )


def salesforce_won_by_account(folder: Path) -> None:
    """Salesforce report > Export > Formatted Report (.xlsx), grouped by Account Name: the
    account on the first row of its group, a Subtotal row per group, Grand Total and the
    confidentiality footer."""
    rows = [
        ["Won Opportunities by Account"],
        ["Acme Inc."],
        ["As of 12/7/2025 9:15 AM"],
        [],
        ["Account Name", "Opportunity Name", "Stage", "Close Date", "Amount"],
        ["Acme Corp", "Acme - 200 Widgets", "Closed Won", _d("2025-01-10"), 20000],
        [None, "Acme - Services", "Closed Won", _d("2025-03-02"), 5000],
        [None, "Acme - Renewal", "Closed Won", _d("2025-06-30"), 12000],
        ["Subtotal", None, None, None, 37000],
        ["Globex", "Globex - Pilot", "Closed Won", _d("2025-02-14"), 8000],
        ["Subtotal", None, None, None, 8000],
        ["Initech", "Initech - Licenses", "Closed Won", _d("2025-04-01"), 15000],
        [None, "Initech - Support", "Closed Won", _d("2025-05-20"), 3000],
        ["Subtotal", None, None, None, 18000],
        ["Grand Total (6 records)", None, None, None, 63000],
        [],
        ["Confidential Information - Do Not Distribute"],
        ["Copyright (c) 2000-2025 salesforce.com, inc. All rights reserved."],
    ]
    _xlsx(folder / "salesforce_won_by_account.xlsx", {"Won Opportunities by Account": rows})


def salesforce_products_by_account(folder: Path) -> None:
    """Salesforce "Opportunities with Products" formatted export grouped by Account Name (no dates):
    an account list whose accounts take several rows."""
    rows = [
        ["Opportunity Products by Account"],
        ["Acme Inc."],
        [],
        ["Account Name", "Product Name", "Quantity", "Total Price"],
        ["Northwind", "Widget A", 10, 1000],
        [None, "Widget B", 5, 750],
        ["Subtotal", None, 15, 1750],
        ["Contoso", "Widget A", 20, 2000],
        ["Subtotal", None, 20, 2000],
        ["Fabrikam", "Service Plan", 1, 1200],
        [None, "Widget B", 2, 300],
        [None, "Widget C", 4, 480],
        ["Subtotal", None, 7, 1980],
        ["Grand Total (6 records)", None, 42, 5730],
        [],
        ["Confidential Information - Do Not Distribute"],
    ]
    _xlsx(folder / "salesforce_products_by_account.xlsx", {"Report": rows})


def surveymonkey_responses(folder: Path) -> None:
    """SurveyMonkey > Analyze > Export > All responses data (CSV, expanded): the question text in
    row 1, the answer options ("Response", "Open-Ended Response") in row 2, custom variables
    (Company, Annual Revenue) beside the answers, one row per respondent."""
    question = "How likely is it that you would recommend Acme to a friend or colleague?"
    _csv(
        folder / "surveymonkey_nps.csv",
        [
            [
                "Respondent ID",
                "Collector ID",
                "Start Date",
                "End Date",
                "IP Address",
                "Email Address",
                "First Name",
                "Last Name",
                "Company",
                "Annual Revenue",
                question,
                "What is the main reason for your score?",
            ],
            ["", "", "", "", "", "", "", "", "", "", "Response", "Open-Ended Response"],
            [
                "114230001",
                "400000001",
                "06/01/2023 04:49:07 AM",
                "06/01/2023 04:55:12 AM",
                "10.0.0.1",
                "ann@alpha.example",
                "Ann",
                "Lee",
                "Alpha Corp",
                "500000",
                "9",
                "Great support",
            ],
            [
                "114230002",
                "400000001",
                "06/02/2023 10:01:00 AM",
                "06/02/2023 10:04:31 AM",
                "10.0.0.2",
                "bo@alpha.example",
                "Bo",
                "Ng",
                "Alpha Corp",
                "500000",
                "7",
                "OK",
            ],
            [
                "114230003",
                "400000001",
                "06/13/2023 09:00:00 AM",
                "06/13/2023 09:02:00 AM",
                "10.0.0.3",
                "cy@beta.example",
                "Cy",
                "Ito",
                "Beta LLC",
                "300000",
                "3",
                "Slow delivery",
            ],
            [
                "114230004",
                "400000001",
                "06/14/2023 11:30:00 AM",
                "06/14/2023 11:31:10 AM",
                "10.0.0.4",
                "di@gamma.example",
                "Di",
                "Roe",
                "Gamma Inc",
                "200000",
                "10",
                "",
            ],
            [
                "114230005",
                "400000001",
                "06/15/2023 01:15:00 PM",
                "06/15/2023 01:20:00 PM",
                "10.0.0.5",
                "ed@beta.example",
                "Ed",
                "Kim",
                "Beta LLC",
                "300000",
                "6",
                "Pricing",
            ],
            [
                "114230006",
                "400000001",
                "06/16/2023 03:45:00 PM",
                "06/16/2023 03:47:00 PM",
                "10.0.0.6",
                "fay@alpha.example",
                "Fay",
                "Orr",
                "Alpha Corp",
                "500000",
                "10",
                "",
            ],
        ],
    )


def qualtrics_responses(folder: Path) -> None:
    """Qualtrics > Data & Analysis > Export (CSV, choice text): column names in row 1, question
    texts in row 2, import ids in row 3; embedded data Company and Revenue."""
    header = [
        "StartDate",
        "EndDate",
        "Status",
        "IPAddress",
        "Progress",
        "Duration (in seconds)",
        "Finished",
        "RecordedDate",
        "ResponseId",
        "RecipientLastName",
        "RecipientFirstName",
        "RecipientEmail",
        "ExternalReference",
        "LocationLatitude",
        "LocationLongitude",
        "DistributionChannel",
        "UserLanguage",
        "NPS",
        "NPS_NPS_GROUP",
        "Company",
        "Revenue",
    ]
    texts = [
        "Start Date",
        "End Date",
        "Response Type",
        "IP Address",
        "Progress",
        "Duration (in seconds)",
        "Finished",
        "Recorded Date",
        "Response ID",
        "Recipient Last Name",
        "Recipient First Name",
        "Recipient Email",
        "External Data Reference",
        "Location Latitude",
        "Location Longitude",
        "Distribution Channel",
        "User Language",
        "How likely are you to recommend us to a friend or colleague?",
        "How likely are you to recommend us to a friend or colleague? - Group",
        "Company",
        "Revenue",
    ]
    ids = [
        '{"ImportId":"startDate","timeZone":"America/Denver"}',
        '{"ImportId":"endDate","timeZone":"America/Denver"}',
        '{"ImportId":"status"}',
        '{"ImportId":"ipAddress"}',
        '{"ImportId":"progress"}',
        '{"ImportId":"duration"}',
        '{"ImportId":"finished"}',
        '{"ImportId":"recordedDate","timeZone":"America/Denver"}',
        '{"ImportId":"_recordId"}',
        '{"ImportId":"recipientLastName"}',
        '{"ImportId":"recipientFirstName"}',
        '{"ImportId":"recipientEmail"}',
        '{"ImportId":"externalDataReference"}',
        '{"ImportId":"locationLatitude"}',
        '{"ImportId":"locationLongitude"}',
        '{"ImportId":"distributionChannel"}',
        '{"ImportId":"userLanguage"}',
        '{"ImportId":"QID1"}',
        '{"ImportId":"QID1_NPS_GROUP"}',
        '{"ImportId":"Company"}',
        '{"ImportId":"Revenue"}',
    ]
    answers = [
        ("2024-05-01 09:10:11", "R_1a2b3c4d5e6f7g8", 9, 3, "Delta GmbH", 120000),
        ("2024-05-02 10:00:00", "R_2b3c4d5e6f7g8h9", 8, 2, "Delta GmbH", 120000),
        ("2024-05-03 11:11:11", "R_3c4d5e6f7g8h9i0", 2, 1, "Epsilon SA", 80000),
        ("2024-05-04 12:12:12", "R_4d5e6f7g8h9i0j1", 10, 3, "Zeta BV", 60000),
        ("2024-05-05 13:13:13", "R_5e6f7g8h9i0j1k2", 9, 3, "Zeta BV", 60000),
        ("2024-05-06 14:14:14", "R_6f7g8h9i0j1k2l3", 6, 1, "Zeta BV", 60000),
    ]
    rows = [header, texts, ids]
    for k, (start, response, score, group, company, revenue) in enumerate(answers):
        rows.append(
            [
                start,
                start,
                "IP Address",
                "",
                "100",
                str(60 + k),
                "True",
                start,
                response,
                "",
                "",
                "",
                "",
                "39.7",
                "-104.9",
                "anonymous",
                "EN",
                str(score),
                str(group),
                company,
                str(revenue),
            ]
        )
    _csv(folder / "qualtrics_responses.csv", rows)


def pivot_first_sheet(folder: Path) -> None:
    """A common mistake: the workbook opens on a pivot table; the list is on "Data"."""
    pivot = [
        ["Row Labels", "Count of Account", "Sum of Revenue"],
        ["Americas", 2, 7000],
        ["APAC", 1, 1500],
        ["EMEA", 3, 4500],
        ["Grand Total", 6, 13000],
    ]
    data = [
        ["Account", "Region", "Revenue"],
        ["Aurora", "EMEA", 2000],
        ["Boreal", "EMEA", 1500],
        ["Cirrus", "EMEA", 1000],
        ["Delta", "Americas", 4000],
        ["Echo", "Americas", 3000],
        ["Fuji", "APAC", 1500],
    ]
    _xlsx(folder / "pivot_first_sheet.xlsx", {"Pivot": pivot, "Data": data})


def filtered_sheet(folder: Path) -> None:
    """A common mistake: a list saved with a filter on (Region = EMEA): 3 of 8 rows hidden."""
    rows = [
        ["Account", "Region", "Revenue"],
        ["Aurora", "EMEA", 2000],
        ["Boreal", "Americas", 500],
        ["Cirrus", "EMEA", 1000],
        ["Delta", "APAC", 700],
        ["Echo", "EMEA", 3000],
        ["Fuji", "Americas", 800],
        ["Gale", "EMEA", 1200],
        ["Halo", "EMEA", 600],
    ]
    _xlsx(
        folder / "filtered_sheet.xlsx",
        {"Accounts": rows},
        hidden_rows={"Accounts": [3, 5, 7]},
        filters={"Accounts": "A1:C9"},
    )


def mixed_currencies(folder: Path) -> None:
    """A common mistake: amounts in USD, EUR and GBP in one column, the currency beside it; once
    alone (refused), once with a Rates sheet."""
    rows = [
        ["Account", "Amount", "Currency"],
        ["Alpha", 1000, "USD"],
        ["Beta", 2000, "EUR"],
        ["Gamma", 1500, "GBP"],
        ["Delta", 500, "USD"],
    ]
    _csv(folder / "mixed_currencies.csv", rows)
    _csv(folder / "rates_to_eur.csv", [["Currency", "Rate to EUR"], ["USD", "0.9"], ["GBP", "1.15"], ["EUR", "1"]])
    _xlsx(
        folder / "mixed_currencies_rates.xlsx",
        {"Accounts": rows, "Rates": [["Currency", "Rate to EUR"], ["USD", 0.9], ["GBP", 1.15], ["EUR", 1]]},
    )


def dual_amounts(folder: Path) -> None:
    """An accounting package's customer balance list in the record currency with the base
    currency in brackets: ``EUR 13,600.00 (USD 14,688.00)``."""
    _csv(
        folder / "dual_amount_cells.csv",
        [
            ["Customer", "Amount"],
            ["Ardent Ltd", "EUR 13,600.00 (USD 14,688.00)"],
            ["Brixton Co", "EUR 2,000.00 (USD 2,160.00)"],
            ["Caldera AG", "CHF 5,000.00 (USD 5,650.00)"],
            ["Dune LLC", "USD 3,000.00"],
        ],
    )


def thirty_percent_left_out(folder: Path) -> None:
    """An order list where 3 of 10 orders (30 % of revenue) have no readable date: the figures
    cover 70 % of the list and the report must say so first."""
    rows = [["Customer", "Order Date", "Amount"]]
    data = [
        ("Ames", "2025-01-05", 1000),
        ("Bray", "2025-01-09", 1000),
        ("Ames", "TBD", 1000),
        ("Cole", "2025-02-01", 1000),
        ("Dunn", "2025-02-11", 1000),
        ("Bray", "TBD", 1000),
        ("Cole", "2025-03-03", 1000),
        ("Ames", "2025-03-20", 1000),
        ("Dunn", "TBD", 1000),
        ("Egan", "2025-04-02", 1000),
    ]
    rows += [[c, d, str(a)] for c, d, a in data]
    _csv(folder / "thirty_percent_left_out.csv", rows)


def french_export(folder: Path) -> None:
    """A French accounting package's sales by customer (Sage, Cegid): Raison sociale, CA HT,
    Marge brute, semicolons, decimal commas with space thousands."""
    _csv(
        folder / "ca_par_client.csv",
        [
            ["Code client", "Raison sociale", "CA HT 2025", "Marge brute", "Pays"],
            ["C001", "Dupont SARL", "12 345,67", "3 100,00", "France"],
            ["C002", "Lefèvre & Fils", "8 200,00", "2 050,50", "Belgique"],
            ["C003", "Moreau SA", "25 000,00", "6 250,00", "France"],
        ],
        delimiter=";",
    )


def spanish_export(folder: Path) -> None:
    """A Spanish ERP's Excel export (Holded, A3): Cliente, Ventas (EUR), Margen, Sector, País."""
    _xlsx(
        folder / "ventas_por_cliente.xlsx",
        {
            "Ventas": [
                ["Cliente", "Ventas (EUR)", "Margen", "Sector", "País"],
                ["Talleres García S.L.", 15000, 4500, "Industria", "España"],
                ["Distribuciones Ruiz", 9000, 1800, "Comercio", "España"],
                ["Hotel Costa Azul", 22000, 6600, "Turismo", "México"],
            ]
        },
    )


def italian_export(folder: Path) -> None:
    """An Italian invoicing package's revenue by customer (Fatture in Cloud, TeamSystem)."""
    _csv(
        folder / "fatturato_clienti.csv",
        [
            ["Ragione sociale", "Partita IVA", "Fatturato", "Margine", "Settore"],
            ["Rossi S.p.A.", "01234567890", "125.000,00", "30.000,00", "Manifattura"],
            ["Bianchi S.r.l.", "09876543210", "48.500,50", "9.700,10", "Servizi"],
            ["Verdi & C.", "11223344556", "7.300,00", "-500,00", "Commercio"],
        ],
        delimiter=";",
    )


def dutch_export(folder: Path) -> None:
    """Exact Online's revenue by relation (Omzet per relatie)."""
    _csv(
        folder / "omzet_per_relatie.csv",
        [
            ["Relatiecode", "Relatie", "Omzet", "Brutowinst", "Land"],
            ["100", "Jansen B.V.", "10.000,00", "2.500,00", "Nederland"],
            ["101", "De Vries Installatietechniek", "5.250,75", "1.050,15", "Nederland"],
            ["102", "Peeters NV", "3.000,00", "600,00", "België"],
        ],
        delimiter=";",
    )


def portuguese_export(folder: Path) -> None:
    """A Brazilian ERP's revenue by customer (Omie, Bling): Cliente, CNPJ/CPF, Faturamento, Margem."""
    _csv(
        folder / "faturamento_por_cliente.csv",
        [
            ["Cliente", "CNPJ/CPF", "Faturamento", "Margem", "Estado"],
            ["Padaria Pão Quente Ltda", "12.345.678/0001-90", "15.200,00", "4.560,00", "SP"],
            ["Construtora Horizonte S.A.", "98.765.432/0001-10", "87.000,00", "17.400,00", "RJ"],
            ["Farmácia Saúde", "11.222.333/0001-44", "9.850,50", "2.955,15", "MG"],
        ],
        delimiter=";",
    )


def hubspot_deals(folder: Path) -> None:
    """HubSpot Deals export with multi-currency: Amount in the deal's currency beside Amount in
    company currency."""
    _csv(
        folder / "hubspot_deals.csv",
        [
            [
                "Record ID",
                "Deal Name",
                "Associated Company",
                "Amount",
                "Deal currency code",
                "Amount in company currency",
                "Close Date",
                "Deal Stage",
            ],
            ["9001", "Deal A", "Alpha Co", "1000", "USD", "1000", "2025-01-15 00:00", "Closed won"],
            ["9002", "Deal B", "Beta GmbH", "2000", "EUR", "2160", "2025-02-10 00:00", "Closed won"],
            ["9003", "Deal C", "Alpha Co", "500", "GBP", "635", "2025-03-05 00:00", "Closed won"],
            ["9004", "Deal D", "Gamma Ltd", "3000", "USD", "3000", "2025-04-20 00:00", "Closed won"],
        ],
    )


def stripe_payments(folder: Path) -> None:
    """Stripe Dashboard > Payments > Export (unified payments CSV): the charge in its currency,
    the converted amount in the account's currency, refunds in both, a Status per charge."""
    _csv(
        folder / "stripe_payments.csv",
        [
            [
                "id",
                "Created (UTC)",
                "Amount",
                "Amount Refunded",
                "Currency",
                "Captured",
                "Converted Amount",
                "Converted Amount Refunded",
                "Fee",
                "Tax",
                "Converted Currency",
                "Status",
                "Customer ID",
                "Customer Description",
                "Customer Email",
            ],
            [
                "ch_3Qa1",
                "2025-01-15 10:22:31",
                "100.00",
                "0.00",
                "usd",
                "true",
                "92.00",
                "0.00",
                "3.20",
                "0.00",
                "eur",
                "Paid",
                "cus_A1",
                "Acme",
                "ap@acme.example",
            ],
            [
                "ch_3Qa2",
                "2025-01-16 11:00:02",
                "50.00",
                "10.00",
                "eur",
                "true",
                "50.00",
                "10.00",
                "1.20",
                "0.00",
                "eur",
                "Paid",
                "cus_B2",
                "Beta",
                "ap@beta.example",
            ],
            [
                "ch_3Qa3",
                "2025-01-17 09:15:45",
                "70.00",
                "0.00",
                "eur",
                "false",
                "70.00",
                "0.00",
                "0.00",
                "0.00",
                "eur",
                "Failed",
                "cus_B2",
                "Beta",
                "ap@beta.example",
            ],
            [
                "ch_3Qa4",
                "2025-02-02 16:40:10",
                "200.00",
                "0.00",
                "usd",
                "true",
                "184.00",
                "0.00",
                "6.10",
                "0.00",
                "eur",
                "Paid",
                "cus_A1",
                "Acme",
                "ap@acme.example",
            ],
            [
                "ch_3Qa5",
                "2025-02-20 08:05:00",
                "30.00",
                "0.00",
                "eur",
                "true",
                "30.00",
                "0.00",
                "0.70",
                "0.00",
                "eur",
                "Paid",
                "cus_C3",
                "Cora",
                "ap@cora.example",
            ],
        ],
    )


def pipedrive_deals(folder: Path) -> None:
    """Pipedrive > Deals > Export (CSV): "Deal - ..." columns, won and lost deals."""
    _csv(
        folder / "pipedrive_deals.csv",
        [
            [
                "Deal - Title",
                "Deal - Organization",
                "Deal - Value",
                "Deal - Currency of Value",
                "Deal - Status",
                "Deal - Won time",
                "Deal - Owner",
            ],
            ["Acme deal", "Acme", "1000", "EUR", "won", "2025-01-02 10:00:00", "Jane"],
            ["Beta deal", "Beta", "500", "EUR", "lost", "", "Jane"],
            ["Acme renewal", "Acme", "700", "EUR", "won", "2025-02-02 10:00:00", "Raj"],
            ["Cora deal", "Cora", "1200", "EUR", "won", "2025-03-05 15:30:00", "Raj"],
        ],
    )


def netsuite_transactions(folder: Path) -> None:
    """NetSuite saved search (Transactions, CSV): Amount in the base currency beside Amount
    (Foreign Currency), US dates, a Voided invoice."""
    _csv(
        folder / "netsuite_invoices.csv",
        [
            [
                "Internal ID",
                "Date",
                "Type",
                "Document Number",
                "Name",
                "Amount",
                "Amount (Foreign Currency)",
                "Currency",
                "Status",
            ],
            ["2201", "1/15/2025", "Invoice", "INV1001", "Acme GmbH", "1,000.00", "920.00", "EUR", "Paid In Full"],
            ["2202", "2/3/2025", "Invoice", "INV1002", "Beta Inc", "500.00", "500.00", "USD", "Open"],
            ["2203", "2/20/2025", "Invoice", "INV1003", "Acme GmbH", "300.00", "276.00", "EUR", "Paid In Full"],
            ["2204", "3/14/2025", "Invoice", "INV1004", "Cora Ltd", "800.00", "640.00", "GBP", "Voided"],
        ],
    )


def datev_debitor_postings(folder: Path) -> None:
    """A DATEV-style debitor postings export: semicolons, dd.mm.yyyy, unsigned amounts with
    decimal commas and the Soll/Haben mark (S/H) beside them; a credit note marked H."""
    _csv(
        folder / "datev_debitoren_buchungen.csv",
        [
            ["Konto", "Name", "Belegdatum", "Belegfeld 1", "Umsatz", "S/H", "Buchungstext"],
            ["10001", "Bauer GmbH", "15.01.2025", "RE2025-001", "1.190,00", "S", "Rechnung"],
            ["10002", "Klein AG", "03.02.2025", "RE2025-002", "595,00", "S", "Rechnung"],
            ["10001", "Bauer GmbH", "20.02.2025", "GS2025-001", "119,00", "H", "Gutschrift"],
            ["10003", "Hoffmann KG", "14.03.2025", "RE2025-003", "2.380,00", "S", "Rechnung"],
        ],
        delimiter=";",
        encoding="cp1252",
    )


def quickbooks_sales_by_customer_detail(folder: Path) -> None:
    """QuickBooks Online > Sales by Customer Detail > Export to CSV: the customer on its own row,
    its transactions below with the first column blank, "Total for <customer>", a TOTAL row."""
    header = [
        "",
        "Transaction date",
        "Transaction type",
        "Num",
        "Product/Service full name",
        "Memo/Description",
        "Quantity",
        "Sales price",
        "Amount",
        "Balance",
    ]
    rows = [
        ["Craig's Design and Landscaping Services"],
        ["Sales by Customer Detail"],
        ["January - December 2025"],
        [],
        header,
        ["Amy's Bird Sanctuary"] + [""] * 9,
        ["", "01/05/2025", "Invoice", "1001", "Design", "Custom design", "1", "75.00", "75.00", "75.00"],
        ["", "02/15/2025", "Invoice", "1021", "Gardening", "Weekly gardening", "1", "25.00", "25.00", "100.00"],
        ["Total for Amy's Bird Sanctuary", "", "", "", "", "", "", "", "$100.00", ""],
        ["Bill's Windsurf Shop"] + [""] * 9,
        ["", "03/01/2025", "Sales Receipt", "1003", "Pump", "Fountain pump", "1", "85.00", "85.00", "85.00"],
        ["Total for Bill's Windsurf Shop", "", "", "", "", "", "", "", "$85.00", ""],
        ["Cool Cars"] + [""] * 9,
        ["", "03/20/2025", "Invoice", "1030", "Installation", "Install", "2", "50.00", "100.00", "100.00"],
        ["", "04/02/2025", "Invoice", "1036", "Rocks", "Garden rocks", "10", "20.00", "200.00", "300.00"],
        ["", "04/12/2025", "Credit Memo", "1040", "Rocks", "Returned rocks", "-2", "20.00", "-40.00", "260.00"],
        ["Total for Cool Cars", "", "", "", "", "", "", "", "$260.00", ""],
        ["TOTAL", "", "", "", "", "", "", "", "$445.00", ""],
        [],
        [],
        ["Accrual basis Monday, January 5, 2026 10:13 AM GMT-08:00"],
    ]
    _csv(folder / "quickbooks_sales_by_customer_detail.csv", rows)


WRITERS = (
    quickbooks_sales_by_customer_detail,
    stripe_payments,
    pipedrive_deals,
    netsuite_transactions,
    datev_debitor_postings,
    hubspot_companies,
    salesforce_accounts,
    dynamics_accounts,
    sap_customer_sales,
    german_revenue_by_customer,
    quickbooks_sales_by_customer,
    xero_invoices,
    shopify_orders,
    woocommerce_orders,
    salesforce_won_by_account,
    salesforce_products_by_account,
    surveymonkey_responses,
    qualtrics_responses,
    pivot_first_sheet,
    filtered_sheet,
    mixed_currencies,
    dual_amounts,
    thirty_percent_left_out,
    french_export,
    spanish_export,
    italian_export,
    dutch_export,
    portuguese_export,
    hubspot_deals,
)

#: What each export must give, computed by hand from the rows above. ``accounts``/``revenue``
#: (an account list) or ``customers``/``transactions``/``revenue`` (a transaction list);
#: ``left_out``: rows left out as not sales or for an unreadable cell; ``guard``: the report leads
#: with the coverage guard; ``said``: words of the lines saying what was read as what;
#: ``error_starts``: the one-line refusal; ``args``: extra CLI arguments.
MANIFEST = {
    "hubspot_companies.csv": {
        "accounts": 6,
        "revenue": 4_985_000,
        "names": ["Acme Corp", "Vandelay Industries"],
        "said": ["account = 'Company name' (also possible: ", "'Record ID'"],
    },
    "salesforce_accounts_multicurrency.csv": {
        "accounts": 4,
        "revenue": 1_891_000,
        "said": ["revenue = 'Annual Revenue (converted)'", "base currency"],
    },
    "dynamics_accounts_base.xlsx": {"accounts": 5, "revenue": 2_388_000, "said": ["revenue = 'Annual Revenue (Base)'"]},
    "sap_customer_sales.csv": {
        "accounts": 5,
        "revenue": 34_426.83,
        "names": ["Weber Logistik AG"],
        "said": ["account = 'Name 1'"],
    },
    "umsatz_nach_kunden.csv": {
        "accounts": 4,
        "revenue": 123_290.60,
        "profit": 34_250.25,
        "said": ["account = 'Kunde'", "revenue = 'Umsatz 2025'", "profit = 'Deckungsbeitrag'"],
    },
    "quickbooks_sales_by_customer.csv": {
        "accounts": 6,
        "revenue": 1_862.25,
        "names": ["0969 Ocean View Road", "Amy's Bird Sanctuary"],
        "absent": ["Freeman Sporting Goods", "Total Freeman Sporting Goods", "TOTAL"],
        "said": ["hierarchy"],
    },
    "xero_sales_invoices.csv": {
        "customers": 3,
        "transactions": 4,
        "revenue": 2_450,
        "left_out": 4,
        "said": ["amount = 'LineAmount'", "VOIDED 1", "DRAFT 2", "DELETED 1"],
    },
    "shopify_orders.csv": {
        "customers": 3,
        "transactions": 4,
        "revenue": 415,
        "left_out": 1,
        "names": ["Alice Martin", "Bob Chen", "Dan Weber"],
        "said": ["customer = 'Billing Name'", "amount = 'Subtotal'", "refunds", "once per order"],
    },
    "woocommerce_orders.csv": {
        "customers": 3,
        "transactions": 4,
        "revenue": 240.5,
        "left_out": 2,
        "said": ["Cancelled 1", "Failed 1"],
    },
    "salesforce_won_by_account.xlsx": {"customers": 3, "transactions": 6, "revenue": 63_000, "said": ["grouped"]},
    "salesforce_products_by_account.xlsx": {
        "accounts": 3,
        "revenue": 5_730,
        "names": ["Northwind", "Fabrikam"],
        "said": ["grouped"],
    },
    "surveymonkey_nps.csv": {
        "accounts": 3,
        "revenue": 1_000_000,
        "nps": {"Alpha Corp": 9, "Beta LLC": 5, "Gamma Inc": 10},
        "said": ["account = 'Company'", "respondents", "not read as first purchase"],
    },
    "qualtrics_responses.csv": {
        "accounts": 3,
        "revenue": 260_000,
        "nps": {"Delta GmbH": 9, "Epsilon SA": 2, "Zeta BV": 8},
        "said": ["respondents", "2 more header row(s)"],
    },
    "pivot_first_sheet.xlsx": {
        "accounts": 6,
        "revenue": 13_000,
        "said": ["Sheet 'Data' read", "'Pivot' (a pivot table)"],
    },
    "filtered_sheet.xlsx": {"accounts": 8, "revenue": 9_800, "said": ["3 row(s) hidden by a filter are read"]},
    "mixed_currencies.csv": {
        "error_starts": "mixed_currencies.csv: 'Amount' holds amounts in 3 currencies (EUR, GBP, USD; "
        "column 'Currency'), which are never added up: give rates with --rates FILE"
    },
    "mixed_currencies_rates.xlsx": {"accounts": 4, "revenue": 5_075, "said": ["converted to EUR"]},
    "dual_amount_cells.csv": {"accounts": 4, "revenue": 25_498, "said": ["the USD amount is read"]},
    "thirty_percent_left_out.csv": {"customers": 5, "transactions": 7, "revenue": 7_000, "left_out": 3, "guard": True},
    "ca_par_client.csv": {
        "accounts": 3,
        "revenue": 45_545.67,
        "profit": 11_400.5,
        "said": ["account = 'Raison sociale'", "revenue = 'CA HT 2025'"],
    },
    "ventas_por_cliente.xlsx": {
        "accounts": 3,
        "revenue": 46_000,
        "profit": 12_900,
        "said": ["revenue = 'Ventas (EUR)'"],
    },
    "fatturato_clienti.csv": {
        "accounts": 3,
        "revenue": 180_800.5,
        "profit": 39_200.1,
        "said": ["account = 'Ragione sociale'", "revenue = 'Fatturato'"],
    },
    "omzet_per_relatie.csv": {
        "accounts": 3,
        "revenue": 18_250.75,
        "profit": 4_150.15,
        "said": ["account = 'Relatie'", "revenue = 'Omzet'", "profit = 'Brutowinst'"],
    },
    "faturamento_por_cliente.csv": {
        "accounts": 3,
        "revenue": 112_050.5,
        "profit": 24_915.15,
        "said": ["account = 'Cliente'", "revenue = 'Faturamento'"],
    },
    "quickbooks_sales_by_customer_detail.csv": {
        "customers": 3,
        "transactions": 6,
        "revenue": 445,
        "names": ["Amy's Bird Sanctuary", "Bill's Windsurf Shop", "Cool Cars"],
        "said": ["a detail report: 6 row(s)", "first column has no header"],
    },
    "stripe_payments.csv": {
        "customers": 3,
        "transactions": 4,
        "revenue": 346,
        "left_out": 1,
        "said": [
            "amount = 'Converted Amount'",
            "customer = 'Customer Description'",
            "refunds in 'Converted Amount Refunded' netted",
        ],
    },
    "pipedrive_deals.csv": {
        "customers": 2,
        "transactions": 3,
        "revenue": 2_900,
        "left_out": 1,
        "said": ["customer = 'Deal - Organization'", "lost 1"],
    },
    "netsuite_invoices.csv": {
        "customers": 2,
        "transactions": 3,
        "revenue": 1_800,
        "left_out": 1,
        "said": ["'Amount' is in the base currency", "Voided 1"],
    },
    "datev_debitoren_buchungen.csv": {
        "customers": 3,
        "transactions": 4,
        "revenue": 4_046,
        "said": ["'S/H' marks 1 amount(s) as credits"],
    },
    "hubspot_deals.csv": {
        "customers": 3,
        "transactions": 4,
        "revenue": 6_795,
        "said": ["amount = 'Amount in company currency'"],
    },
}


def make_export_corpus(folder: Path = FOLDER) -> dict:
    """Write every export and the manifest; return the manifest."""
    folder.mkdir(parents=True, exist_ok=True)
    for write in WRITERS:
        write(folder)
    (folder / "manifest.json").write_text(json.dumps(MANIFEST, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


if __name__ == "__main__":
    make_export_corpus(Path(sys.argv[1]) if len(sys.argv) > 1 else FOLDER)
