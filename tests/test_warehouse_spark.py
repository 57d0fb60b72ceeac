"""The same warehouse expressions through Spark (local mode) give core's figures.

One Spark session serves the module (starting it costs ~10 s, much more on a busy machine), and
only four reports run on it: the sample accounts, an account table with cost to serve, a
channel column and two periods, CDNOW (with its holdout model check), and order lines too few for
a purchase model (the historical value, revenue per year). Skipped, saying why, without pyspark
or Java (``./run test`` installs both when it can).
"""

from __future__ import annotations

import shutil

import pytest

pytest.importorskip("ibis", reason="the warehouse extra is not installed (pip install -e '.[warehouse]')")
pytest.importorskip("pyspark", reason="pyspark is not installed (pip install -e '.[warehouse]')")
if shutil.which("java") is None:
    pytest.skip(
        "no Java on this machine: Spark needs Java 17 or 21 (./run test installs it via apt as root)",
        allow_module_level=True,
    )

import ibis  # noqa: E402

from core.accounts import accounts_from_frame  # noqa: E402
from core.config import ReportConfig  # noqa: E402
from core.report import run_report  # noqa: E402
from tests.warehouse_checks import (
    accounts_parquet,
    assert_customer_reports_equal,
    assert_segments_equal,  # noqa: E402
    assert_tables_equal,
    cdnow_transactions,
    customer_reference,
    lines_parquet,
    sample_account_table,
)
from warehouse import queries  # noqa: E402
from warehouse.customers import customer_report  # noqa: E402
from warehouse.report import account_report  # noqa: E402
from warehouse.run import write_accounts, write_customers  # noqa: E402
from warehouse.sources import spark_session  # noqa: E402


@pytest.fixture(scope="module")
def spark():
    session = spark_session()
    yield ibis.pyspark.connect(session)
    session.stop()


def test_sample_accounts_through_spark_equal_core(spark, tmp_path):
    table = sample_account_table()
    source = spark.read_parquet(str(accounts_parquet(table, tmp_path / "sample.parquet")))
    run = account_report(
        queries.account_rows(source, {c: c for c in queries.ACCOUNT_COLUMNS if c in source.columns}), ReportConfig()
    )
    assert write_accounts(run, tmp_path / "accounts.parquet", lambda text: None) == 400
    reference = run_report(table, ReportConfig())
    assert_tables_equal(run.report.tables, reference.tables)
    assert_segments_equal(run.report.tables["segments"], reference.tables["segments"])


def test_cost_to_serve_channels_and_periods_through_spark_equal_core(spark, tmp_path):
    from tests.test_warehouse import _period_accounts
    from warehouse.run import account_roles

    frame = _period_accounts()
    reference = run_report(accounts_from_frame(frame), ReportConfig())
    frame.to_parquet(tmp_path / "periods.parquet")
    source = spark.read_parquet(str(tmp_path / "periods.parquet"))
    roles, periods = account_roles(list(source.columns))
    run = account_report(
        queries.account_rows(source, roles, periods.columns), ReportConfig(), columns_read=roles, periods=periods
    )
    write_accounts(run, tmp_path / "accounts.parquet", lambda text: None)
    per_account = ("growth", "fallen_from_a")
    assert_tables_equal(
        {k: v for k, v in run.report.tables.items() if k not in per_account},
        {k: v for k, v in reference.tables.items() if k not in per_account},
    )
    assert_segments_equal(run.report.tables["segments"], reference.tables["segments"])
    assert len(run.report.tables["growth"]) == len(reference.tables["growth"])


def test_cdnow_through_spark_equals_core(spark, tmp_path, cdnow_file):
    transactions = cdnow_transactions(cdnow_file)
    source = spark.read_parquet(str(lines_parquet(transactions, tmp_path / "cdnow.parquet")))
    roles = {r: r for r in ("customer", "date", "amount", "quantity")}
    run = customer_report(
        queries.order_lines(source, roles), ReportConfig(), observation_end="1997-09-30", roles=set(roles)
    )
    assert write_customers(run, tmp_path / "customers.parquet", lambda text: None) == 2357
    assert_customer_reports_equal(run, customer_reference(transactions, "1997-09-30"))


def test_order_lines_without_a_model_through_spark_equal_core(spark, tmp_path):
    """The historical value, growth per year and the line issues, as on DuckDB."""
    import pandas as pd

    from core.transactions import parse_transactions
    from tests.test_warehouse import _three_years_of_lines
    from warehouse.run import write_customers

    frame = _three_years_of_lines()
    frame.to_parquet(tmp_path / "lines.parquet")
    reference = customer_reference(parse_transactions(frame.assign(Date=pd.to_datetime(frame["Date"]))))
    source = spark.read_parquet(str(tmp_path / "lines.parquet"))
    roles = {"customer": "Customer", "date": "Date", "amount": "Amount", "profit": "Profit"}
    run = customer_report(queries.order_lines(source, roles), ReportConfig(), roles=set(roles), columns_read=roles)
    write_customers(run, tmp_path / "customers.parquet", lambda text: None)
    assert_customer_reports_equal(run, reference)
    assert (
        "line 'c1 on 2023-03-01': negative amount: reduces net revenue and profit, not counted as a purchase"
        in run.account_report.tables["data_issues"]["reason"].tolist()
    )
