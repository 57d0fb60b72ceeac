"""Make tests/corpus/: small hostile input files, each with the outcome it must give.

Run: python scripts/make_corpus.py [FOLDER]   (default: tests/corpus)

Every case is one entry of :data:`CASES`: the file's name, a function that writes it, and its
outcome, written to ``manifest.json`` beside the files and checked by tests/test_corpus.py:

- ``accounts``/``revenue``/``names``/``first_row``: an account list read, with that many
  accounts, that total revenue, those names among the accounts, its first row on that sheet row;
- ``transactions``/``customers``/``last_date``: a transaction list read;
- ``cells``: [rows, columns] the reader delivers (no list parsed);
- ``issues``: texts that must appear on Data issues (value or reason);
- ``error``: the exact one-line message (after ``segmenter: ``), exit code 2;
  ``error_starts``: its beginning, when the rest quotes the parser.

Large cases (a 30 MB cell, 16,384 columns) are made at test time by :func:`make_large`, never
committed.
"""

from __future__ import annotations

import codecs
import datetime as dt
import json
import random
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.utils.datetime import MAC_EPOCH

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "corpus"
ACCOUNTS = [("Acme", 50, 10), ("Beta", 20, 6), ("Cora", 15, 3)]  # revenue 85
HEADER = ["Account", "Revenue", "Profit"]
FIXED_TIME = dt.datetime(2025, 1, 1)


def _csv(rows: list[list[Any]], separator: str = ",") -> str:
    return "\n".join(separator.join("" if v is None else str(v) for v in row) for row in rows) + "\n"


def _text(content: str, encoding: str = "utf-8") -> Callable[[Path], None]:
    return lambda path: path.write_bytes(content.encode(encoding))


def _bytes(content: bytes) -> Callable[[Path], None]:
    return lambda path: path.write_bytes(content)


def _xlsx(
    rows: list[list[Any]],
    *,
    sheet: str = "Accounts",
    epoch=None,
    errors: dict[str, str] | None = None,
    before: list[str] = (),
) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        book = Workbook()
        book.properties.created = book.properties.modified = FIXED_TIME
        if epoch is not None:
            book.epoch = epoch
        for name in before:
            book.active.title = name
            book.active["A1"] = "notes, not the list"
            book.create_sheet(sheet)
        worksheet = book[sheet] if before else book.active
        worksheet.title = sheet
        for row in rows:
            worksheet.append(row)
        for ref, text in (errors or {}).items():
            worksheet[ref] = text
            worksheet[ref].data_type = "e"
        book.save(path)

    return write


def _orders(dates: list[str]) -> list[list[Any]]:
    """A transaction list: 3 customers over the given dates, amounts 10, 20, 30, ..."""
    return [["Customer", "Order date", "Amount"]] + [[f"C{i % 3}", d, 10 * (i + 1)] for i, d in enumerate(dates)]


ISO_DATES = ["2024-01-05", "2024-02-10", "2024-03-15", "2024-04-20", "2024-05-25", "2024-10-24"]
PLAIN = [HEADER] + [list(a) for a in ACCOUNTS]
ONE_LINE = (
    "{name} has one row only (a header?) and no accounts below it: "
    "export the whole list, or name the sheet that holds it (--sheet)"
)
DAMAGED = "open it in Excel and save it again as .xlsx"

#: name -> (writer, outcome)
CASES: dict[str, tuple[Callable[[Path], None], dict[str, Any]]] = {
    # ----------------------------------------------------------------- delimited text, encodings
    "plain.csv": (_text(_csv(PLAIN)), {"accounts": 3, "revenue": 85}),
    "utf8_bom.csv": (_bytes(codecs.BOM_UTF8 + _csv(PLAIN).encode()), {"accounts": 3, "revenue": 85, "names": ["Acme"]}),
    "utf16_unicode_text.txt": (
        _bytes(
            codecs.BOM_UTF16_LE
            + _csv([["Account name", "Revenue"], ["Müller GmbH", 50], ["Société Générale", 20]], "\t").encode(
                "utf-16-le"
            )
        ),
        {"accounts": 2, "revenue": 70, "names": ["Müller GmbH", "Société Générale"]},
    ),
    "utf16_big_endian.csv": (
        _bytes(codecs.BOM_UTF16_BE + _csv(PLAIN).encode("utf-16-be")),
        {"accounts": 3, "revenue": 85},
    ),
    "utf16_no_bom.csv": (_bytes(_csv(PLAIN).encode("utf-16-le")), {"accounts": 3, "revenue": 85}),
    "cp1252.csv": (
        _text(_csv([HEADER, ["Müller & Söhne", 50, 10], ["Café Œuvre €", 20, 6]]), "cp1252"),
        {"accounts": 2, "revenue": 70, "names": ["Müller & Söhne", "Café Œuvre €"]},
    ),
    "non_latin.csv": (
        _text(
            _csv(
                [
                    HEADER,
                    ["株式会社テスト", 50, 10],
                    ["ООО Ромашка", 20, 6],
                    ["شركة", 15, 3],
                    ["Ελληνική ΑΕ", 5, 1],
                    ["🙂 Smile Ltd", 10, 2],
                ]
            )
        ),
        {"accounts": 5, "revenue": 100, "names": ["株式会社テスト", "ООО Ромашка", "شركة", "🙂 Smile Ltd"]},
    ),
    "semicolon_decimal_comma.csv": (
        _text(
            _csv([HEADER, ["Müller", "1.234,56", "123,4"], ["Schmidt", "2.000", "200"], ["Weber", "15,5", "3"]], ";")
        ),
        {"accounts": 3, "revenue": 3250.06, "names": ["Müller"]},
    ),
    "semicolon_percent_comma.csv": (
        _text(
            _csv([["Account", "Revenue", "Margin %"], ["Müller", "1.234,56", "34,1 %"], ["Weber", "2.000", "10%"]], ";")
        ),
        {"accounts": 2, "revenue": 3234.56, "profit": 620.98496, "issues": ["text read as the number 0.341"]},
    ),
    "semicolon_ambiguous.csv": (
        _text(_csv([HEADER, ["Müller", "1.234", "100"], ["Schmidt", "2.500", "200"]], ";")),
        {"accounts": 2, "issues": ["text read as the number 1.234", "text read as the number 2.5"]},
    ),
    "semicolon_file_level_comma.csv": (
        _text(_csv([["Account", "Revenue", "Margin"], ["Müller", "1.234", "12,5"], ["Schmidt", "2.500", "10,0"]], ";")),
        {"accounts": 2, "revenue": 3734},
    ),
    "european_excel_sep_hint.csv": (
        _text("sep=;\n" + _csv([HEADER, ["Müller", "1.234,5", "10"], ["Weber", "20", "5"]], ";")),
        {"accounts": 2, "revenue": 1254.5, "first_row": 2},
    ),
    "tab_in_csv.csv": (_text(_csv(PLAIN, "\t")), {"accounts": 3, "revenue": 85}),
    "pipe.csv": (_text(_csv(PLAIN, "|")), {"accounts": 3, "revenue": 85}),
    "quoted_us_thousands.csv": (
        _text('Account,Revenue,Profit\n"Smith, J","1,234.50",100\n"Lee, K","2,000",50.5\n'),
        {"accounts": 2, "revenue": 3234.5, "names": ["Smith, J", "Lee, K"]},
    ),
    "crlf.csv": (_bytes(_csv(PLAIN).replace("\n", "\r\n").encode()), {"accounts": 3, "revenue": 85}),
    "cr_only_old_mac.csv": (_bytes(_csv(PLAIN).replace("\n", "\r").encode()), {"accounts": 3, "revenue": 85}),
    "quoted_newline_in_name.csv": (
        _text('Account,Revenue\n"Two\nLines Ltd",50\nBeta,20\n'),
        {"accounts": 2, "revenue": 70, "names": ["Two\nLines Ltd"]},
    ),
    "trailing_separators.csv": (
        _text("Account,Revenue,Profit,,,\nAcme,50,10,,,\nBeta,20,6,,,\n"),
        {"accounts": 2, "revenue": 70},
    ),
    "ragged_rows.csv": (
        _text("Account,Revenue,Profit\nAcme,50\nBeta,20,6,extra,cells\n"),
        {"accounts": 2, "revenue": 70},
    ),
    "leading_blank_lines.csv": (_text("\n\n" + _csv(PLAIN)), {"accounts": 3, "revenue": 85, "first_row": 3}),
    "thousands_of_blank_rows.csv": (
        _text(_csv(PLAIN[:2]) + "\n" * 5000 + _csv(PLAIN[2:])),
        {"accounts": 3, "revenue": 85, "first_row": 1},
    ),
    "whitespace_cells.csv": (
        _text("Account,Revenue\n  Acme  ,  50  \n\t,\t\nBeta, 20\n"),
        {"accounts": 2, "revenue": 70},
    ),
    "formula_like_names.csv": (
        _text(
            _csv(
                [
                    HEADER,
                    ['"=HYPERLINK(""http://x.example"",""open"")"', 50, 10],
                    ["+1+2", 20, 6],
                    ["@SUM(A1)", 15, 3],
                    ["-3", 5, 1],
                ]
            )
        ),
        {"accounts": 4, "revenue": 90, "names": ['=HYPERLINK("http://x.example","open")', "+1+2", "@SUM(A1)", "-3"]},
    ),
    "excel_errors_as_text.csv": (
        _text(_csv([HEADER, ["Acme", "#N/A", 10], ["Beta", "#DIV/0!", 6], ["Cora", 15, "#VALUE!"]])),
        {"accounts": 3, "issues": ["Excel error #N/A", "Excel error #DIV/0!", "Excel error #VALUE!"]},
    ),
    "inf_and_nan_text.csv": (
        _text(_csv([HEADER, ["Acme", "inf", 1], ["Beta", "nan", 1], ["Cora", "1e999", 1], ["Dune", 5, 1]])),
        {"accounts": 4, "issues": ["'inf' is not a number", "'nan' is not a number", "1e999 not a finite number"]},
    ),
    "percent_margins_as_text.csv": (
        _text(_csv([["Account", "Revenue", "Margin %"], ["Acme", 100, "34.1%"], ["Beta", 200, "10%"]])),
        {"accounts": 2, "revenue": 300},
    ),
    "money_text.csv": (
        _text(_csv([HEADER, ["Acme", '"$12,300.00"', 100], ["Beta", "$1.2k", 6]])),
        {"accounts": 2, "issues": ["$1.2k"]},
    ),
    "iso_dates_orders.csv": (
        _text(_csv(_orders(ISO_DATES))),
        {"transactions": 6, "customers": 3, "last_date": "2024-10-24"},
    ),
    "compact_dates_cdnow.txt": (
        _text("00001 1 19970101 1 11.77\n00002 2 19970112 2 25.50\n00001 1 19970305 1 9.99\n"),
        {"transactions": 3, "customers": 2, "last_date": "1997-03-05"},
    ),
    # ---------------------------------------------------------------- real exports: date order, titles, totals
    "us_dates_orders.csv": (
        _text(_csv(_orders(["01/05/2024", "02/10/2024", "03/15/2024", "04/20/2024", "05/25/2024", "10/24/2024"]))),
        {"transactions": 6, "customers": 3, "last_date": "2024-10-24"},
    ),
    "european_dates_orders.csv": (
        _text(_csv(_orders(["05.01.2024", "10.02.2024", "15.03.2024", "20.04.2024", "25.05.2024", "24.10.2024"]), ";")),
        {"transactions": 6, "customers": 3, "last_date": "2024-10-24"},
    ),
    "title_rows_above_header.csv": (
        _text(_csv([["Accounts by revenue"], ["Generated by CRM on 2025-01-01"], []] + PLAIN)),
        {"accounts": 3, "revenue": 85, "issues": ["title row above the header: not read"]},
    ),
    "total_and_footer_rows.csv": (
        _text(
            _csv(
                PLAIN
                + [
                    ["Total", 85, 19],
                    ["Grand Totals (3 records)", 85, 19],
                    [],
                    ["Confidential - for internal use only"],
                ]
            )
        ),
        {
            "accounts": 3,
            "revenue": 85,
            "issues": ["total row 'Total'", "total row 'Grand Totals (3 records)'", "footer text below the data"],
        },
    ),
    # ---------------------------------------------------------------- refused files
    "only_header.csv": (_text("Account,Revenue,Profit\n"), {"error": ONE_LINE.format(name="only_header.csv")}),
    "empty.csv": (_bytes(b""), {"error": "empty.csv is empty (0 bytes), no accounts to read: export the list again"}),
    "blank_lines_only.csv": (_text(" \n\n\t\n"), {"error": "blank_lines_only.csv has no accounts: the sheet is empty"}),
    "binary_garbage.csv": (
        _bytes(bytes(random.Random(7).randrange(256) for _ in range(3000)) + b"\x00\x00"),
        {
            "error": "binary_garbage.csv holds binary data (NUL bytes), not text: save it from Excel as "
            "'CSV UTF-8 (Comma delimited)' and run again"
        },
    ),
    "unbalanced_quote.csv": (
        _text('Account,Revenue\n"Acme,50\nBeta,20\n'),
        {"error_starts": "unbalanced_quote.csv cannot be split into cells ("},
    ),
    "old_format.xls": (
        _bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504),
        {
            "error": "old_format.xls is an Excel 97-2003 workbook: open it and save it as an Excel workbook "
            "(.xlsx), then run again (File > Save As > Excel Workbook)"
        },
    ),
    "opendocument.ods": (
        _bytes(b"PK\x03\x04mimetypeapplication/vnd.oasis.opendocument.spreadsheet"),
        {
            "error": "opendocument.ods is an OpenDocument spreadsheet: open it and save it as an Excel workbook "
            "(.xlsx), then run again (LibreOffice: File > Save As > Excel 2007-365)"
        },
    ),
    "apple.numbers": (
        _bytes(b"PK\x03\x04 numbers"),
        {"error": "apple.numbers is a Numbers file: in Numbers choose File > Export To > Excel, then run on the .xlsx"},
    ),
    "notes.docx": (
        _bytes(b"PK\x03\x04"),
        {"error": "cannot read notes.docx: use a .csv, .xlsx, .xlsm, .txt or .tsv file"},
    ),
    "corrupt.xlsx": (
        _bytes(b"PK\x03\x04\x14\x00 this zip stops here"),
        {"error": f"corrupt.xlsx is damaged or not an Excel workbook (File is not a zip file): {DAMAGED}"},
    ),
    "not_a_zip.xlsx": (
        _text("Account,Revenue\nAcme,5\n"),
        {"error": f"not_a_zip.xlsx is damaged or not an Excel workbook (it is not a zip archive): {DAMAGED}"},
    ),
    "password_protected.xlsx": (
        _bytes(
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1000 + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 100
        ),
        {
            "error": "password_protected.xlsx is password-protected: open it in Excel, "
            "remove the password (File > Info > "
            "Protect Workbook > Encrypt with Password) and save it, then run again"
        },
    ),
    "xls_renamed.xlsx": (
        _bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1000),
        {
            "error": "xls_renamed.xlsx is an Excel 97-2003 workbook with an .xlsx name: open it in Excel and "
            "save it as .xlsx (File > Save As), then run again"
        },
    ),
    # ---------------------------------------------------------------- Excel workbooks
    "plain.xlsx": (_xlsx(PLAIN), {"accounts": 3, "revenue": 85}),
    "second_sheet.xlsx": (_xlsx(PLAIN, before=["Read me"]), {"sheet": "Accounts", "accounts": 3, "revenue": 85}),
    "offset_table.xlsx": (
        _xlsx([[], [], [], [None, None] + HEADER] + [[None, None] + list(a) for a in ACCOUNTS]),
        {"accounts": 3, "revenue": 85, "first_row": 4},
    ),
    "excel_error_cells.xlsx": (
        _xlsx(PLAIN + [["Dune", "#N/A", 1], ["Echo", 5, "#DIV/0!"]], errors={"B5": "#N/A", "C6": "#DIV/0!"}),
        {"accounts": 5, "issues": ["Excel error #N/A", "Excel error #DIV/0!"]},
    ),
    "numbers_as_text.xlsx": (
        _xlsx([HEADER, ["Acme", "1,200", 10], ["Beta", "$300.50", "6"]]),
        {"accounts": 2, "revenue": 1500.5},
    ),
    "dates_1900.xlsx": (
        _xlsx(_orders([dt.datetime.fromisoformat(d) for d in ISO_DATES]), sheet="Orders"),
        {"transactions": 6, "customers": 3, "last_date": "2024-10-24"},
    ),
    "dates_1904.xlsx": (
        _xlsx(_orders([dt.datetime.fromisoformat(d) for d in ISO_DATES]), sheet="Orders", epoch=MAC_EPOCH),
        {"transactions": 6, "customers": 3, "last_date": "2024-10-24"},
    ),
    "text_dates.xlsx": (
        _xlsx(_orders(ISO_DATES), sheet="Orders"),
        {"transactions": 6, "customers": 3, "last_date": "2024-10-24"},
    ),
    "thousands_of_blank_rows.xlsx": (_xlsx(PLAIN[:2] + [[]] * 3000 + PLAIN[2:]), {"accounts": 3, "revenue": 85}),
    "non_latin.xlsx": (
        _xlsx([HEADER, ["株式会社テスト", 50, 10], ["ООО Ромашка", 20, 6]], sheet="顧客"),
        {"accounts": 2, "revenue": 70, "names": ["株式会社テスト", "ООО Ромашка"]},
    ),
    "only_header.xlsx": (_xlsx([HEADER]), {"error": ONE_LINE.format(name="only_header.xlsx")}),
    "empty_sheet.xlsx": (_xlsx([]), {"error": "empty_sheet.xlsx has no accounts: the sheet is empty"}),
}


def make_corpus(folder: Path = CORPUS) -> dict[str, dict[str, Any]]:
    """Write every case into ``folder`` with manifest.json; return the manifest."""
    folder.mkdir(parents=True, exist_ok=True)
    manifest = {}
    for name, (write, outcome) in CASES.items():
        write(folder / name)
        manifest[name] = outcome
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return manifest


def make_large(folder: Path) -> dict[str, dict[str, Any]]:
    """The cases too large to commit: a 30 MB cell of text and 16,384 columns (Excel's width)."""
    folder.mkdir(parents=True, exist_ok=True)
    huge = "x" * 30_000_000
    (folder / "cell_of_30mb.csv").write_text(f"Account,Revenue,Note\nAcme,50,{huge}\nBeta,20,short\n")
    extra = [f"Extra {j}" for j in range(16_384 - 3)]
    _xlsx([HEADER + extra] + [list(a) + [j % 7 for j in range(len(extra))] for a in ACCOUNTS])(
        folder / "columns_16384.xlsx"
    )
    # parse_accounts takes minutes over 16,384 columns (per-column pandas work in core/accounts.py):
    # the reader's outcome is checked here, the account parse is left to core's own tests
    return {"cell_of_30mb.csv": {"accounts": 2, "revenue": 70}, "columns_16384.xlsx": {"cells": [4, 16_384]}}


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else CORPUS
    cases = make_corpus(target)
    print(f"wrote {len(cases)} files and manifest.json to {target}")
