"""tests/corpus/exports/: lists as CRM, accounting, shop and survey systems write them
(scripts/make_export_corpus.py), each run through the CLI and read by the path the CLI takes, and
checked against the figures its manifest gives (computed by hand from the rows)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest
from openpyxl import load_workbook

import segmenter
from core.exports import Coverage, intake_lines
from readers import accounts_from_rows, is_transaction_list, load_transactions
from readers.sheets import read_export
from tests.conftest import remote_book

EXPORTS = Path(__file__).resolve().parent / "corpus" / "exports"
MANIFEST = json.loads((EXPORTS / "manifest.json").read_text(encoding="utf-8"))
sys.path.insert(0, str(EXPORTS.parents[2] / "scripts"))
GUARD = "! Only part of the list is in these figures"


def _cli(args: list[str], capsys) -> tuple[int, list[str], list[str]]:
    code = segmenter.main(args)
    captured = capsys.readouterr()
    return code, captured.out.splitlines(), [line for line in captured.err.splitlines() if not line.startswith("[")]


@pytest.mark.parametrize("name", list(MANIFEST))
def test_each_export_gives_its_hand_computed_figures(name, tmp_path, capsys):
    outcome = MANIFEST[name]
    path = EXPORTS / name
    output = tmp_path / "report.xlsx"
    code, out, err = _cli(["report", str(path), "-o", str(output)], capsys)
    if "error_starts" in outcome:
        assert code == 2 and len(err) == 1 and err[0].startswith("segmenter: " + outcome["error_starts"]), err
        assert not output.exists()
        return
    assert code == 0, err
    assert out[0].startswith(GUARD) == bool(outcome.get("guard")), out[0]
    said = "\n".join(out)
    for words in outcome.get("said", []):
        assert words in said, (words, said)
    read = read_export(path)
    if "transactions" in outcome:
        assert is_transaction_list(read.rows, path)
        table = load_transactions(read.rows, read.first_row, path, options=read.options)
        assert len(table.rows) == outcome["transactions"]
        assert table.rows["customer"].nunique() == outcome["customers"]
        assert np.isclose(table.rows["amount"].sum(), outcome["revenue"], rtol=0, atol=0.005)
        names = set(table.rows["customer"])
    else:
        assert not is_transaction_list(read.rows, path)
        table = accounts_from_rows(read.rows, read.first_row, path, options=read.options)
        accounts = table.accounts
        assert len(accounts) == outcome["accounts"]
        assert np.isclose(accounts["revenue"].sum(), outcome["revenue"], rtol=0, atol=0.005)
        if "profit" in outcome:
            assert np.isclose(accounts["profit"].sum(), outcome["profit"], rtol=0, atol=0.005)
        for account, score in outcome.get("nps", {}).items():
            assert accounts.loc[accounts["account"] == account, "nps"].tolist() == [score]
        names = set(accounts["account"])
    assert set(outcome.get("names", [])) <= names
    assert not set(outcome.get("absent", [])) & names
    left_out = table.issues[table.issues["action"] == "row left out"]["sheet_row"].nunique()
    assert left_out == outcome.get("left_out", 0)


def test_the_script_writes_the_same_corpus(tmp_path):
    import make_export_corpus

    assert make_export_corpus.make_export_corpus(tmp_path) == MANIFEST
    assert len(MANIFEST) >= 20
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in EXPORTS.iterdir())


def test_thirty_percent_left_out_leads_the_overview_the_cli_and_the_ribbon(tmp_path, capsys):
    path = EXPORTS / "thirty_percent_left_out.csv"
    output = tmp_path / "report.xlsx"
    code, out, _ = _cli(["report", str(path), "-o", str(output)], capsys)
    expected = (
        "Only part of the list is in these figures: 3 of 10 rows (30 %) and 30 % of revenue (3,000.00) were "
        "left out (date is blank or unreadable: 3); see Data issues"
    )
    assert code == 0 and out[0] == "! " + expected
    sheet = load_workbook(output, read_only=True)["Overview"]
    texts = [v for row in sheet.iter_rows(values_only=True) for v in row if isinstance(v, str)]
    findings = texts[texts.index("What the data shows (the sheet named first holds the detail)") + 3 :]
    assert findings[:2] == ["Data issues", expected]  # the first finding: its sheet, then its sentence
    # the ribbon: the same list selected in a workbook; its message box leads with the guard
    rows = [["Customer", "Order Date", "Amount"]] + [line.split(",") for line in path.read_text().splitlines()[1:]]
    rows = [rows[0]] + [[c, d, float(a)] for c, d, a in rows[1:]]
    book = remote_book({"Orders": rows}, selection=f"A1:C{len(rows)}")
    messages = segmenter.customer_report(book)
    assert messages[0].splitlines()[0] == "! " + expected


def test_an_account_list_with_a_third_of_its_revenue_unreadable_says_so_first(tmp_path, capsys):
    rows = "Account,Revenue\n" + "\n".join(f"A{k},{'n/a' if k % 3 == 0 else 100}" for k in range(1, 10)) + "\n"
    (tmp_path / "list.csv").write_text(rows)
    code, out, _ = _cli(["report", str(tmp_path / "list.csv"), "-o", str(tmp_path / "r.xlsx")], capsys)
    assert code == 0
    assert out[0] == (
        "! Only part of the list is in these figures: 3 of 9 rows (33.3 %) were left out "
        "(revenue unreadable, e.g. row 4: 'n/a' is not a number: 3); see Data issues"
    )


def test_the_ribbon_message_stays_quiet_for_a_plain_list_and_the_guard_is_silent_below_5_percent():
    assert Coverage(100, 5, 950.0, 50.0).guard() is None
    assert Coverage(100, 6, 990.0, 10.0).guard() is not None
    assert Coverage(100, 0, 1000.0, 0.0, currency_refused=True).guard() is not None
    import pandas as pd

    plain = {"reading": pd.DataFrame({"line": ["Read as: account = 'Account'", "To choose otherwise: ..."]})}
    assert intake_lines(plain, brief=True) == []


def test_rates_from_a_file_convert_and_a_column_choice_overrides(tmp_path, capsys):
    path = EXPORTS / "mixed_currencies.csv"
    code, out, err = _cli(
        ["report", str(path), "-o", str(tmp_path / "r.xlsx"), "--rates", str(EXPORTS / "rates_to_eur.csv")], capsys
    )
    assert code == 0, err
    assert (
        "amounts in 3 currencies (EUR, GBP, USD) converted to EUR at the given rates (EUR 1, GBP 1.15, USD 0.9)" in out
    )
    # 1000 x 0.9 + 2000 + 1500 x 1.15 + 500 x 0.9 = 5075; the largest, Beta 2000, is 39.4 %
    assert "top 20% of accounts make 39.4% of revenue; 3 accounts make 80%" in out
    salesforce = EXPORTS / "salesforce_accounts_multicurrency.csv"
    code, out, err = _cli(
        ["report", str(salesforce), "-o", str(tmp_path / "s.xlsx"), "--column", 'revenue="Annual Revenue"'], capsys
    )
    assert code == 2 and "'Annual Revenue' holds amounts in 3 currencies (EUR, GBP, USD" in err[0]
    code, out, err = _cli(
        ["report", str(salesforce), "-o", str(tmp_path / "s.xlsx"), "--column", "revenue=Nope"], capsys
    )
    assert code == 2 and err[0].startswith(
        'segmenter: salesforce_accounts_multicurrency.csv: --column revenue="Nope": '
        "no such column; the columns are 'Account Name'"
    )


def test_visible_only_reads_the_rows_a_filter_shows(tmp_path, capsys):
    path = EXPORTS / "filtered_sheet.xlsx"
    read = read_export(path, visible_only=True)
    table = accounts_from_rows(read.rows, read.first_row, path, options=read.options)
    # rows 3, 5 and 7 (Boreal 500, Delta 700, Fuji 800) are hidden: 9800 - 2000 = 7800 over 5 accounts
    assert len(table.accounts) == 5 and table.accounts["revenue"].sum() == 7800
    assert "3 row(s) hidden by a filter not read (visible only)" in read.said
    code, out, _ = _cli(["report", str(path), "-o", str(tmp_path / "r.xlsx"), "--visible-only"], capsys)
    assert code == 0 and out[0].startswith("Read as") and "5 accounts; tiers" in "\n".join(out)


def test_the_ribbon_reads_column_choices_from_settings_and_rates_from_a_rates_sheet():
    from writers.book import owner_name

    rows = [
        ["Account", "Amount", "Amount (Base)", "Currency"],
        ["Alpha", 1000.0, 900.0, "USD"],
        ["Beta", 2000.0, 2000.0, "EUR"],
        ["Gamma", 1500.0, 1725.0, "GBP"],
    ]
    settings = [["Setting", "Value", "Meaning"], ["column revenue", "Amount", ""]]
    names = [
        {
            "name": owner_name("Settings"),
            "sheet_index": 1,
            "address": "$A$1",
            "book_scope": True,
            "scope_sheet_name": None,
            "scope_sheet_index": None,
        }
    ]
    # the user's choice, Amount, holds three currencies and the book has no rates: refused in one line
    book = remote_book({"Accounts": rows, "Settings": settings}, selection="A1:D4", names=names)
    messages = segmenter.segment_selection(book)
    assert len(messages) == 1 and "'Amount' holds amounts in 3 currencies (EUR, GBP, USD" in messages[0]
    # with a Rates sheet, the same choice is converted: 1000 x 0.9 + 2000 + 1500 x 1.15 = 4625
    rates = [["Currency", "Rate to EUR"], ["USD", 0.9], ["GBP", 1.15], ["EUR", 1.0]]
    book = remote_book({"Accounts": rows, "Settings": settings, "Rates": rates}, selection="A1:D4", names=names)
    messages = segmenter.segment_selection(book)
    assert messages[0].startswith("Read as: account = 'Account', revenue = 'Amount'")
    assert (
        "amounts in 3 currencies (EUR, GBP, USD) converted to EUR at the given rates (EUR 1, GBP 1.15, USD 0.9)"
        in messages
    )
