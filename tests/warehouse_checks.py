"""What tests/test_warehouse.py (DuckDB) and tests/test_warehouse_spark.py (Spark) share: the
inputs written as Parquet, and the comparison of an engine's report with core's (pandas) report.

Floats must agree to 1e-9 (relative), counts, labels, tiers and scores exactly.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from core.accounts import parse_accounts
from core.config import ReportConfig
from core.customers.report import run_customer_report
from core.report import run_report
from readers import load_transactions, read_block

PROJECT = Path(__file__).resolve().parents[1]
SAMPLE_ACCOUNTS = PROJECT / "core" / "data" / "sample_accounts.csv"
TOLERANCE = 1e-9
# tables that differ by design on the engine path: no sheet rows (issues are counted per kind)
NOT_COMPARED = {
    "data_issues",
    "segments",
    "reading",
    "coverage",
}  # the last two: what cells were read as (core/exports.py), which a typed table has no need of


def sample_account_table():
    rows, first = read_block(SAMPLE_ACCOUNTS)
    return parse_accounts(rows, first_sheet_row=first)


def accounts_parquet(table, path: Path) -> Path:
    """The validated account table as a warehouse would hold it (typed columns, dates as dates)."""
    frame = table.accounts.drop(columns=["sheet_row"]).copy()
    frame["first_purchase"] = frame["first_purchase"].dt.date
    frame.to_parquet(path)
    return path


def cdnow_transactions(cdnow_file: Path):
    rows, first = read_block(cdnow_file)
    return load_transactions(rows, first, cdnow_file)


def lines_parquet(transactions, path: Path, columns=("customer", "date", "amount", "quantity")) -> Path:
    frame = transactions.rows[list(columns)].copy()
    frame["date"] = frame["date"].dt.date
    frame.to_parquet(path)
    return path


def assert_tables_equal(
    engine: dict[str, pd.DataFrame], reference: dict[str, pd.DataFrame], *, require_all: bool = True
) -> None:
    """Every table of the engine report equals core's (same columns as the engine's; floats to 1e-9)."""
    missing = set(reference) - set(engine) - NOT_COMPARED
    assert not (require_all and missing), f"tables missing on the engine path: {missing}"
    for name, frame in engine.items():
        if name in NOT_COMPARED:
            continue
        if name == "findings":  # the one about the Data issues sheet counts its lines, which differ by design
            frame, reference_frame = (f[f["sheet"] != "Data issues"] for f in (frame, reference[name]))
            reference = {**reference, name: reference_frame}
        expected = reference[name][[c for c in frame.columns if c in reference[name]]]
        pd.testing.assert_frame_equal(
            frame[expected.columns].reset_index(drop=True),
            expected.reset_index(drop=True),
            check_dtype=False,
            check_categorical=False,
            rtol=TOLERANCE,
            obj=name,
        )


def assert_segments_equal(engine: pd.DataFrame, reference: pd.DataFrame) -> None:
    """Per account: tier, rank, margin, strategy, CLTV, NPS flag and note equal, whatever the row order."""
    columns = ["account", "tier", "rank", "revenue", "margin_pct", "strategy", "cltv", "nps_flag", "note"]
    ours = engine[columns].astype({"tier": str}).sort_values(["rank", "account"], ignore_index=True)
    theirs = reference[columns].astype({"tier": str}).sort_values(["rank", "account"], ignore_index=True)
    pd.testing.assert_frame_equal(ours, theirs, check_dtype=False, rtol=TOLERANCE)


def account_reference(table, config: ReportConfig):
    return run_report(table, config)


#: Customer tables whose figures read the spend model: the engine adds each customer's spend in another
#: order (the summaries differ by ~1e-16), and the Gamma-Gamma optimiser then stops a hair away
#: (its parameters agree to ~1e-7 on CDNOW); 1e-6 covers it. The purchase models read (x, t_x, T),
#: which both paths give exactly, so the model check's tables are held to 1e-9.
MODEL_TABLES = ("lifetime_value", "clv_parameters", "model_figures", "clv_ranges", "rfm_segments")
MODEL_COLUMNS = ("probability_alive", "expected_purchases", "expected_avg_spend", "model_clv", "expected_revenue")


def assert_customer_reports_equal(run, reference) -> None:
    """The engine's customer run against core's CustomerReport, every table and customer by customer.

    Not compared: the sheet rows (a warehouse table has none) and the Data issues sheet, which
    names rows instead (tests/test_warehouse.py checks it by hand).
    """
    reference_tables = reference.tables
    assert set(reference_tables) - {"customers"} <= set(run.tables), set(reference_tables) - set(run.tables)
    for name, theirs in reference_tables.items():
        if name == "customers":
            continue
        ours = run.tables[name]
        rtol = 1e-6 if name in MODEL_TABLES else TOLERANCE
        pd.testing.assert_frame_equal(
            ours.reset_index(drop=True), theirs.reset_index(drop=True), check_dtype=False, rtol=rtol, obj=name
        )
    ours = run.tables["customers"].sort_values("account", ignore_index=True)
    theirs = reference.tables["customers"].sort_values("account", ignore_index=True)
    assert set(ours.columns) == set(theirs.columns) - {"sheet_row"}
    for column in theirs.columns.drop("sheet_row"):
        rtol = 1e-6 if column in MODEL_COLUMNS or column == "historical_clv" else TOLERANCE
        pd.testing.assert_series_equal(
            ours[column], theirs[column], check_dtype=False, check_names=False, rtol=rtol, obj=column
        )
    per_account = {"growth", "fallen_from_a"}
    engine = {k: v for k, v in run.account_report.tables.items() if k not in per_account}
    reference_account = reference.account_report.tables
    assert_tables_equal(engine, {k: v for k, v in reference_account.items() if k not in per_account})
    for name in per_account & set(reference.account_report.tables):
        pd.testing.assert_frame_equal(
            run.account_report.tables[name].sort_values("account", ignore_index=True),
            reference.account_report.tables[name].drop(columns="sheet_row").sort_values("account", ignore_index=True),
            check_dtype=False,
            check_categorical=False,
            rtol=TOLERANCE,
            obj=name,
        )
    for key in (
        "customers",
        "repeat_buyers",
        "segments",
        "observation_end",
        "has_profit",
        "purchase_model",
        "model_choice",
        "historical_method",
        "clv_error",
        "clv_warnings",
        "spend_note",
        "range_note",
        "transactions",
    ):
        assert run.headline[key] == reference.headline[key], key
    for key in ("clv_range", "purchases_range"):
        assert (key in run.headline) == (key in reference.headline), key
        if key in reference.headline:
            np.testing.assert_allclose(run.headline[key], reference.headline[key], rtol=1e-6, err_msg=key)
    for key in ("total_clv", "total_historical_clv"):
        np.testing.assert_allclose(run.headline[key], reference.headline[key], rtol=1e-6, err_msg=key)
    for model in ("purchase_params", "gamma_gamma"):
        assert run.headline[model].keys() == reference.headline[model].keys()
        np.testing.assert_allclose(
            list(run.headline[model].values()), list(reference.headline[model].values()), rtol=1e-6
        )
    for model, figures in reference.headline["model_check"].items():
        assert run.headline["model_check"][model]["status"] == figures["status"]
        np.testing.assert_allclose(
            run.headline["model_check"][model]["frequency_error_pct"], figures["frequency_error_pct"], rtol=1e-6
        )


def customer_reference(transactions, observation_end=None, config: ReportConfig | None = None):
    """Core's report (by default the holdout check chooses the purchase model, as on the engine path)."""
    return run_customer_report(transactions, config or ReportConfig(), observation_end=observation_end)
