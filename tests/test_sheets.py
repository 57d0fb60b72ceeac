"""One sheet catalogue (core/sheets.py): every table a report produces has a sheet there, the writers
show each table on the sheet it names, and every sheet name a report writes or cites comes from it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from app.runs import extend_customer_report, extend_report
from core import sheets
from core.config import ReportConfig
from core.customers.contracts import contract_tables, parse_contracts
from core.customers.report import run_customer_report
from core.report import run_report
from core.survey import parse_survey
from core.transactions import parse_transactions
from readers import load_accounts
from writers import catalogue
from writers.placement import place_report

GROWTH = Path(__file__).resolve().parents[1] / "core" / "data" / "sample_accounts_periods.csv"


def _shown(specs) -> dict[str, tuple[str, ...]]:
    return {spec.name: tuple(block.table for block in spec.blocks) for spec in specs}


@pytest.mark.parametrize(
    ("specs", "names"),
    [
        (catalogue.SHEETS, sheets.ACCOUNT_SHEETS),
        (catalogue.CUSTOMER_SHEETS, sheets.CUSTOMER_SHEETS),
        (catalogue.RETENTION_SHEETS, sheets.RETENTION_SHEETS),
    ],
    ids=["accounts", "customers", "retention"],
)
def test_the_writers_show_each_table_on_the_sheet_core_names_in_its_order(specs, names):
    assert list(_shown(specs).items()) == list(names.items())


def test_every_chart_reads_a_table_that_a_sheet_shows():
    specs = catalogue.SHEETS + catalogue.CUSTOMER_SHEETS + catalogue.RETENTION_SHEETS
    charts = [chart for spec in specs for chart in ((spec.chart,) if spec.chart else ()) + spec.charts]
    assert len(charts) >= 10
    for chart in charts:
        sheets.sheet_of(chart.table)


def _unshown(tables: dict[str, pd.DataFrame]) -> list[str]:
    missing = []
    for table in tables:
        try:
            sheets.sheet_of(table)
        except KeyError:
            if table not in sheets.NOT_SHOWN:
                missing.append(table)
    return missing


def _check_placed(tables: dict[str, pd.DataFrame], specs) -> None:
    """Every table is on a sheet (or said not to be); every placed sheet and every sheet the
    Overview cites is one of the catalogue's."""
    assert _unshown(tables) == []
    placed = place_report(tables, source="test", labels=ReportConfig().labels, sheets=specs)
    assert placed and {sheet.spec.name for sheet in placed} <= set(sheets.result_sheets())
    for sheet in placed:
        for block in sheet.blocks:
            assert sheets.sheet_of(block.block.table) == sheet.spec.name
    for name in ("findings", "key_figures"):
        if name in tables:
            assert set(tables[name]["sheet"]) <= set(sheets.result_sheets()), name


def test_every_table_of_an_account_report_with_survey_bridge_and_call_list_has_a_sheet():
    survey = parse_survey([["Company", "How likely are you to recommend us?"], ["Acme", 9.0], ["Nobody", 3.0]])
    report = extend_report(run_report(load_accounts(GROWTH), ReportConfig()), survey)
    for table in ("findings", "revenue_bridge", "customer_bridge", "survey_match", "actions", "chart_bridge"):
        assert table in report.tables, table  # the report really holds the optional tables checked here
    _check_placed(report.tables, catalogue.SHEETS)


def _orders(customers: int = 300, seed: int = 3) -> list[list]:
    """Header and orders over two years: each customer buys a few times, a day apart or months apart."""
    rng = np.random.default_rng(seed)
    rows = [["Customer", "Date", "Amount", "Profit"]]
    for c in range(customers):
        day = pd.Timestamp("2023-01-01") + pd.Timedelta(days=int(rng.integers(0, 300)))
        for _ in range(1 + int(rng.poisson(2))):
            amount = round(float(rng.gamma(2.0, 40.0)), 2)
            rows.append([f"C{c:03d}", day.strftime("%Y-%m-%d"), amount, round(amount * 0.3, 2)])
            day += pd.Timedelta(days=int(rng.integers(1, 200)))
    return rows


def test_every_table_of_a_customer_report_has_a_sheet():
    transactions = parse_transactions(_orders())
    report = extend_customer_report(run_customer_report(transactions, ReportConfig()), transactions)
    assert {"customers", "rfm_segments", "model_check", "cohort_customers", "actions"} <= set(report.tables)
    _check_placed(report.tables, catalogue.CUSTOMER_SHEETS)
    _check_placed(report.account_report.tables, catalogue.SHEETS)


def test_every_table_of_a_contract_list_has_a_sheet():
    rows = [["Customer", "Start date", "End date"]]
    for i in range(60):
        year = 2019 + i % 4
        rows.append([f"C{i}", f"{year}-03-01", "" if i % 3 else f"{year + 1 + i % 2}-02-01"])
    tables = contract_tables(parse_contracts(rows), observation_end="2024-12-31")
    _check_placed(tables, catalogue.RETENTION_SHEETS)


def test_a_table_no_sheet_shows_is_refused_by_name_and_continuations_keep_their_sheet():
    with pytest.raises(KeyError, match="headline"):
        sheets.sheet_of("headline")
    assert sheets.sheet_of("lifetime_value_3") == sheets.LIFETIME_VALUE
    assert len(set(sheets.result_sheets())) == len(sheets.result_sheets())
    assert sheets.SETTINGS not in sheets.result_sheets()  # the user's settings are never replaced by a run
