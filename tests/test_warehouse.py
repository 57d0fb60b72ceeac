"""The warehouse path on DuckDB gives core's figures: samples, CDNOW and hand-made edge cases.

Spark runs the same expressions in tests/test_warehouse_spark.py.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("ibis", reason="the warehouse extra is not installed (pip install -e '.[warehouse]')")
pytest.importorskip("duckdb", reason="the warehouse extra is not installed (pip install -e '.[warehouse]')")

import ibis  # noqa: E402

import segmenter  # noqa: E402
from app.cli import headline_lines  # noqa: E402
from core.accounts import accounts_from_frame  # noqa: E402
from core.config import ReportConfig  # noqa: E402
from core.customers.aggregates import PandasCustomers  # noqa: E402
from core.customers.bgnbd import BetaGeoModel  # noqa: E402
from core.customers.rfm import rfm_scores  # noqa: E402
from core.customers.summary import customer_summary  # noqa: E402
from core.errors import SegmenterInputError  # noqa: E402
from core.report import run_report  # noqa: E402
from core.transactions import parse_transactions  # noqa: E402
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
from warehouse import run as table_run
from warehouse.customer_aggregates import IbisCustomers  # noqa: E402
from warehouse.customers import customer_report  # noqa: E402
from warehouse.report import account_report  # noqa: E402
from warehouse.run import write_accounts, write_customers  # noqa: E402


@pytest.fixture(scope="module")
def con():
    return ibis.duckdb.connect()


def engine_accounts(con, path: Path):
    table = con.read_parquet(str(path))
    return queries.account_rows(table, {c: c for c in queries.ACCOUNT_COLUMNS if c in table.columns})


def engine_report(con, path: Path, config: ReportConfig, tmp_path: Path):
    run = account_report(engine_accounts(con, path), config)
    rows = write_accounts(run, tmp_path / "accounts.parquet", lambda text: None)
    return run, rows


@pytest.mark.parametrize(
    "method, cutoffs", [("pareto", None), ("rank", None), ("threshold", (100_000, 20_000)), ("computed", None)]
)
def test_sample_accounts_give_core_figures_for_every_tier_method(con, tmp_path, method, cutoffs):
    table = sample_account_table()
    config = ReportConfig(tier_method=method, cutoffs=cutoffs)
    run, rows = engine_report(con, accounts_parquet(table, tmp_path / "sample.parquet"), config, tmp_path)
    reference = run_report(table, config)
    assert rows == len(table.accounts) == 400
    assert_tables_equal(run.report.tables, reference.tables)
    assert_segments_equal(run.report.tables["segments"], reference.tables["segments"])
    assert run.report.headline["tiers"] == reference.headline["tiers"]
    assert headline_lines(run.report)[:5] == headline_lines(reference)[:5]


def _edge_accounts() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Account": ["a", "b", "c", "d", "e", "f", "g", "h", "i"],
            "Revenue": [50.0, 20.0, 20.0, 10.0, 0.0, -5.0, None, 5.0, 20.0],
            "Profit": [10.0, 5.0, None, -2.0, 1.0, 1.0, 3.0, 0.5, 4.0],
            "NPS": [9, 3, None, 10, 6, 8, 7, 0, 9],
            "Region": ["North", "north ", None, "South", "South", "", "East", "East", "North"],
        }
    )


def test_ties_zero_negative_and_missing_revenue_by_hand(con, tmp_path):
    """Revenues 50, 20, 20, 20, 10, 5 (positive total 125), then 0, -5 and missing.

    Pareto shares before: 50 -> 0 (A); the three 20s -> 50/125 = 40 % together (A, one peer group,
    though a one-by-one count would put the third at 72 %); 10 -> 110/125 = 88 % (B);
    5 -> 120/125 = 96 % (C); 0, -5 and missing -> D. Ranks: 1, 2, 2, 2, 5, 6, then 0 -> 7,
    -5 -> 8, missing -> 9.
    """
    table = accounts_from_frame(_edge_accounts())
    frame = table.accounts.drop(columns=["sheet_row"])
    frame["first_purchase"] = pd.to_datetime(frame["first_purchase"]).dt.date
    frame.to_parquet(tmp_path / "edge.parquet")
    run, _ = engine_report(con, tmp_path / "edge.parquet", ReportConfig(), tmp_path)
    segments = run.report.tables["segments"].set_index("account")
    assert segments["tier"].astype(str).to_dict() == {
        "a": "A",
        "b": "A",
        "c": "A",
        "i": "A",
        "d": "B",
        "h": "C",
        "e": "D",
        "f": "D",
        "g": "D",
    }
    assert segments["rank"].to_dict() == {"a": 1, "b": 2, "c": 2, "i": 2, "d": 5, "h": 6, "e": 7, "f": 8, "g": 9}
    concentration = run.report.tables["concentration"].set_index("measure")["value"]
    assert concentration["accounts"] == 7  # 50, 20, 20, 20, 10, 5, 0
    assert concentration["excluded accounts"] == 2
    assert concentration["HHI"] == pytest.approx(40**2 + 3 * 16**2 + 8**2 + 4**2)
    reference = run_report(table, ReportConfig())
    assert_tables_equal(run.report.tables, reference.tables)
    assert_segments_equal(run.report.tables["segments"], reference.tables["segments"])
    regions = run.report.tables["by_region"]
    # labels are stripped, not case-folded (core.groups.group_label): "north " reads as "north"
    assert regions["region"].tolist() == ["East", "North", "north", "South", "(blank)", "Total"]
    assert regions["accounts"].tolist() == [2, 2, 1, 2, 2, 9]


@pytest.mark.parametrize(
    "profit, cost",
    [(None, None), ([10.0, None, 3.0, None, 1.0], [2.0, 1.0, None, 3.0, 0.5])],
    ids=["no profit column", "a tier and a region without any profit"],
)
def test_profit_unknown_is_blank_on_the_engine_path_as_in_core(con, tmp_path, profit, cost):
    """Revenue 50, 20, 15, 10, 5: tiers A A A B C. Without a profit column every profit figure is
    blank (tests/test_profit_unknown.py has the figures by hand); with profits 10, -, 3, -, 1 tier B
    (d alone) and region East (b, d) have none: blank, the others the sum of the known ones."""
    frame = pd.DataFrame({"Account": list("abcde"), "Revenue": [50.0, 20.0, 15.0, 10.0, 5.0]})
    if profit is not None:
        frame = frame.assign(
            Profit=profit, **{"Cost to serve": cost}, Region=["North", "East", "North", "East", "South"]
        )
    table = accounts_from_frame(frame)
    accounts = table.accounts.drop(columns=["sheet_row"])
    accounts["first_purchase"] = pd.to_datetime(accounts["first_purchase"]).dt.date
    accounts.to_parquet(tmp_path / "accounts.parquet")
    run, _ = engine_report(con, tmp_path / "accounts.parquet", ReportConfig(), tmp_path)
    reference = run_report(table, ReportConfig())
    assert_tables_equal(run.report.tables, reference.tables)
    tiers = run.report.tables["tier_summary"]
    if profit is None:
        assert tiers["profit"].isna().all() and run.report.tables["matrix"]["profit"].isna().all()
        assert run.report.tables["profit_note"]["note"].tolist() == [
            "no profit column: profit and margin are not shown (blank cells, not 0)"
        ]
    else:
        np.testing.assert_allclose(tiers["profit"].to_numpy(float), [13, np.nan, 1, 0, 14])
        np.testing.assert_allclose(tiers["net_profit"].to_numpy(float), [8, np.nan, 0.5, 0, 8.5])
        regions = run.report.tables["by_region"].set_index("region")
        assert np.isnan(regions.loc["East", "profit"]) and np.isnan(regions.loc["East", "net_profit"])
        assert "profit_note" not in run.report.tables


def test_no_positive_revenue_is_refused_as_core_refuses(con, tmp_path):
    pd.DataFrame({"account": ["a", "b"], "revenue": [0.0, -3.0]}).to_parquet(tmp_path / "none.parquet")
    with pytest.raises(SegmenterInputError, match="no account has a positive revenue"):
        account_report(engine_accounts(con, tmp_path / "none.parquet"), ReportConfig())


def test_order_lines_with_returns_same_day_purchases_and_missing_profit(con, tmp_path):
    """A: 10 + 5 on Jan 1 (one purchase day), 30 on Jan 15, a return of -6 on Jan 29: 3 purchases,
    frequency 1, recency 2 weeks, T 4 weeks, spend 39, repeat spend 30. B: one purchase of 20 and
    a line without profit: total profit blank. C: a return only: not a customer."""
    cells = [
        ["Customer", "Date", "Amount", "Profit"],
        ["A", "2024-01-01", 10.0, 2.0],
        ["A", "2024-01-01", 5.0, 1.0],
        ["A", "2024-01-15", 30.0, 6.0],
        ["A", "2024-01-29", -6.0, -1.0],
        ["B", "2024-01-22", 20.0, 4.0],
        ["B", "2024-01-22", 1.0, None],
        ["C", "2024-01-10", -4.0, -1.0],
    ]
    transactions = parse_transactions(cells)
    path = lines_parquet(transactions, tmp_path / "lines.parquet", ("customer", "date", "amount", "profit"))
    lines = queries.order_lines(con.read_parquet(str(path)), {r: r for r in ("customer", "date", "amount", "profit")})
    summary = IbisCustomers(lines, roles={"profit"}).customer_summary("2024-01-29", "W")
    assert summary["account"].tolist() == ["A", "B"]
    a = summary.iloc[0]
    assert (
        a["purchases"],
        a["frequency"],
        a["recency"],
        a["T"],
        a["total_spend"],
        a["avg_repeat_spend"],
        a["total_profit"],
    ) == (3, 1, 2.0, 4.0, 39.0, 30.0, 8.0)
    assert np.isnan(summary.iloc[1]["total_profit"])
    reference = customer_summary(transactions, observation_end="2024-01-29")
    for column in (
        "purchases",
        "frequency",
        "recency",
        "T",
        "time_since_last",
        "total_spend",
        "avg_spend",
        "avg_repeat_spend",
        "total_profit",
        "avg_margin_pct",
    ):
        np.testing.assert_allclose(
            summary[column].to_numpy(float), reference[column].to_numpy(float), rtol=1e-12, err_msg=column
        )


def test_rfm_scores_with_ties_match_core(con, tmp_path):
    """Half the customers bought once for 10 on one day: quintile edges coincide, ties share a score."""
    rng = np.random.default_rng(7)
    rows = [["Customer", "Date", "Amount"]]
    for customer in range(60):
        purchases = 1 if customer < 30 else int(rng.integers(1, 6))
        for _ in range(purchases):
            day = 1 + (customer % 28 if customer < 30 else int(rng.integers(0, 28)))
            rows.append(
                [f"c{customer:02d}", f"2024-02-{day:02d}", 10.0 if customer < 30 else float(rng.integers(1, 90))]
            )
    transactions = parse_transactions(rows)
    path = lines_parquet(transactions, tmp_path / "rfm.parquet", ("customer", "date", "amount"))
    lines = queries.order_lines(con.read_parquet(str(path)), {r: r for r in ("customer", "date", "amount")})
    run = customer_report(lines, ReportConfig(customer_model="bgnbd"), roles=set())
    write_customers(run, tmp_path / "customers.parquet", lambda text: None)
    reference = rfm_scores(customer_summary(transactions))
    ours = run.tables["customers"].sort_values("account", ignore_index=True)
    assert (
        ours[["R", "F", "M", "segment"]].astype(str).values.tolist()
        == reference.scores[["R", "F", "M", "segment"]].astype(str).values.tolist()
    )
    pd.testing.assert_frame_equal(run.tables["rfm_thresholds"], reference.thresholds, check_dtype=False)


def test_cdnow_through_duckdb_equals_core(con, tmp_path, cdnow_file):
    transactions = cdnow_transactions(cdnow_file)
    path = lines_parquet(transactions, tmp_path / "cdnow.parquet")
    roles = {r: r for r in ("customer", "date", "amount", "quantity")}
    run = customer_report(
        queries.order_lines(con.read_parquet(str(path)), roles),
        ReportConfig(),
        observation_end="1997-09-30",
        roles=set(roles),
    )
    rows = write_customers(run, tmp_path / "customers.parquet", lambda text: None)
    assert rows == 2357
    assert_customer_reports_equal(run, customer_reference(transactions, "1997-09-30"))
    # the published CDNOW estimates (Fader, Hardie & Lee 2005), from the compressed statistics
    fitted = run.headline["purchase_params"]
    assert (round(fitted["r"], 3), round(fitted["alpha"], 3), round(fitted["a"], 3), round(fitted["b"], 3)) == (
        0.243,
        4.414,
        0.793,
        2.426,
    )


def test_the_engine_answers_the_customer_questions_as_pandas_does(con, tmp_path):
    """Each question of the customer pipeline, asked of DuckDB and of pandas: two orders on one day,
    a return on a day without a purchase, a customer with returns only (in the cohorts, not among
    the customers), a zero amount, a line after the observation end; 27 months (quarterly cohorts,
    two full years of revenue)."""
    cells = [
        ["Customer", "Date", "Amount", "Profit"],
        ["A", "2022-01-03", 10.0, 2.0],
        ["A", "2022-01-03", 5.0, 1.0],
        ["A", "2022-05-01", 20.0, 4.0],
        ["A", "2022-06-01", -3.0, -1.0],
        ["A", "2023-11-20", 8.25, 2.0],
        ["B", "2022-03-15", 7.5, 1.5],
        ["B", "2023-08-01", 12.0, 3.0],
        ["B", "2024-02-01", 0.0, 0.0],
        ["C", "2023-02-02", -4.0, -1.0],
        ["D", "2024-03-30", 30.0, 9.0],
        ["D", "2024-04-02", 30.0, 9.0],
        ["E", "2022-02-14", 11.0, 2.0],
        ["E", "2022-02-28", 11.0, 2.0],
    ]
    transactions = parse_transactions(cells)
    path = lines_parquet(transactions, tmp_path / "lines.parquet", ("customer", "date", "amount", "profit"))
    roles = {r: r for r in ("customer", "date", "amount", "profit")}
    engine = IbisCustomers(queries.order_lines(con.read_parquet(str(path)), roles), roles=set(roles))
    pandas = PandasCustomers(transactions)
    assert engine.roles == pandas.roles == {"profit"} and engine.line_count() == pandas.line_count() == 13

    ours, theirs = engine.customer_summary("2024-03-31", "W"), pandas.customer_summary("2024-03-31", "W")
    assert ours.attrs == theirs.attrs == {"unit": "W", "observation_end": "2024-03-31"}
    assert ours["account"].tolist() == ["A", "B", "D", "E"]  # C bought nothing, D's second line is later
    pd.testing.assert_frame_equal(ours, theirs, rtol=1e-12)

    end = "2024-03-31"
    assert engine.date_span(end) == pandas.date_span(end) == (pd.Timestamp("2022-01-03"), pd.Timestamp("2024-03-30"))
    held, expected = (
        engine.holdout_statistics("2023-02-14", "W", end),
        pandas.holdout_statistics("2023-02-14", "W", end),
    )
    order = np.lexsort((expected.T, expected.recency, expected.frequency))
    for name in ("frequency", "recency", "T", "customers", "actual"):
        np.testing.assert_array_equal(getattr(held, name), getattr(expected, name)[order], err_msg=name)
    for name in ("start_day", "last_day", "calibration_end", "repeat_days", "repeat_counts", "cohort_days"):
        np.testing.assert_array_equal(getattr(held, name), getattr(expected, name), err_msg=name)

    active, reference = engine.active_periods(ours), pandas.active_periods(theirs)
    assert (active.retained, active.at_risk, active.period_days) == (
        reference.retained,
        reference.at_risk,
        reference.period_days,
    )
    np.testing.assert_array_equal(active.active_periods, reference.active_periods)

    cohorts, cohorts_expected = engine.cohort_counts(end), pandas.cohort_counts(end)
    assert (cohorts.kind, cohorts.last) == (cohorts_expected.kind, cohorts_expected.last) == ("Q", 2024 * 4)
    pd.testing.assert_series_equal(cohorts.sizes, cohorts_expected.sizes, check_names=False, check_dtype=False)
    assert cohorts.sizes.tolist() == [3, 1, 1]  # A, B, E in 2022 Q1; C (returns only) in 2023 Q1; D
    cells_of = [c.cells.sort_values(["cohort", "since"], ignore_index=True) for c in (cohorts, cohorts_expected)]
    pd.testing.assert_frame_equal(*cells_of, check_dtype=False, rtol=1e-12)


def test_compressed_triples_give_the_per_customer_fit():
    from bench.bench_bgnbd import simulate

    frequency, recency, age = simulate(5_000, 11)
    frame = pd.DataFrame({"x": frequency, "t_x": recency, "T": age})
    triples = frame.groupby(["x", "t_x", "T"], as_index=False).size()
    assert len(triples) < len(frame) / 2
    compressed = BetaGeoModel().fit(triples["x"], triples["t_x"], triples["T"], weights=triples["size"])
    per_customer = BetaGeoModel().fit(frequency, recency, age)
    for name, value in per_customer.params_.items():
        assert compressed.params_[name] == pytest.approx(value, rel=1e-6)
    assert compressed.log_likelihood_ == pytest.approx(per_customer.log_likelihood_, rel=1e-9)


def test_segments_sheet_keeps_the_largest_accounts_and_says_so(con, tmp_path, monkeypatch):
    table = sample_account_table()
    path = accounts_parquet(table, tmp_path / "sample.parquet")
    monkeypatch.setattr(table_run, "SHEET_ROWS", 25)
    run = table_run.run_table(
        table_run.Source(path=str(path)), table_run.EngineSettings(), ReportConfig(), output=tmp_path / "report.xlsx"
    )
    segments = run.report.tables["segments"]
    assert len(segments) == 25 and segments["rank"].tolist() == sorted(segments["rank"])
    assert segments["revenue"].min() >= table.accounts["revenue"].nlargest(25).min()
    assert "the 25 largest of 400 accounts are shown, all are in report-accounts.parquet" in run.source_line
    written = pd.read_parquet(run.parquet)
    assert len(written) == 400 and written["tier"].value_counts().to_dict() == {"C": 154, "A": 125, "B": 119, "D": 2}


def test_cli_reports_parquet_glob_database_and_sql(tmp_path, capsys):
    import duckdb

    table = sample_account_table()
    folder = tmp_path / "accounts"
    folder.mkdir()
    accounts_parquet(table, folder / "part-1.parquet")
    database = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(database)) as db:
        db.execute(f"create table accounts as select * from read_parquet('{folder / 'part-1.parquet'}')")
    runs = {
        "file": [str(folder / "part-1.parquet")],
        "glob": [str(folder / "*.parquet"), "-o", str(tmp_path / "glob.xlsx")],
        "database": [str(database), "--table", "accounts"],
        "sql": [
            "--sql",
            f"select * from read_parquet('{folder}/part-1.parquet') where revenue > 0",
            "-o",
            str(tmp_path / "sql.xlsx"),
        ],
    }
    for name, arguments in runs.items():
        assert segmenter.main(["report", *arguments]) == 0, name
        out = capsys.readouterr()
        accounts = "398 accounts" if name == "sql" else "400 accounts"
        assert out.out.startswith(f"{accounts}; tiers (pareto)"), (name, out.out)
        assert "counting accounts" in out.err  # progress per phase
    assert (folder / "part-1-segmenter.xlsx").exists() and (folder / "part-1-segmenter-accounts.parquet").exists()
    assert (tmp_path / "warehouse-accounts-segmenter.xlsx").exists()


def test_cli_refuses_in_one_line_with_exit_code_2(tmp_path, capsys):
    pd.DataFrame({"account": ["a"], "revenue": ["12.5"]}).to_parquet(tmp_path / "text.parquet")
    pd.DataFrame({"name": ["a"], "owner": ["x"]}).to_parquet(tmp_path / "other.parquet")
    pd.DataFrame({"account": ["a", "b"], "revenue": [3.0, 1.0]}).to_parquet(tmp_path / "clash.parquet")
    pd.DataFrame({"mine": [1]}).to_parquet(tmp_path / "clash-segmenter-accounts.parquet")  # the user's own file
    cases = {
        (str(tmp_path / "clash.parquet"),): "exists and is not a segmenter result",
        (str(tmp_path / "missing.parquet"),): "file not found",
        (str(tmp_path / "text.parquet"),): "holds string, not numbers",
        (str(tmp_path / "other.parquet"),): "no revenue column found",
        (str(tmp_path / "db.duckdb"), "--table", "t"): "file not found",
        ("--sql", "select * from no_such_table"): "cannot read SQL",
        ("--sql", "select 'a' as account, cast('x' || range as double) as revenue from range(3)"): "engine stopped",
    }
    for arguments, message in cases.items():
        assert segmenter.main(["report", *arguments]) == 2, arguments
        err = capsys.readouterr().err.strip().splitlines()
        assert err[-1].startswith("segmenter: ") and message in err[-1], (arguments, err[-1])


def test_ribbon_segment_a_table_reads_the_source_from_settings(tmp_path):
    from tests.conftest import actions, remote_book
    from writers.book import owner_name

    path = accounts_parquet(sample_account_table(), tmp_path / "accounts.parquet")
    settings = [
        ["Setting", "Value", "Meaning"],
        ["tier_method", "rank", ""],
        ["source", str(path), ""],
        ["engine", "duckdb", ""],
        ["duckdb_memory_limit", "1GB", ""],
    ]
    names = [
        {
            "name": owner_name("Settings"),
            "sheet_index": 0,
            "address": "$A$1",
            "book_scope": True,
            "scope_sheet_name": None,
            "scope_sheet_index": None,
        }
    ]
    book = remote_book({"Settings": settings}, names=names)
    messages = segmenter.segment_table(book)
    assert messages[-1] == f"All 400 rows are in {tmp_path / 'accounts-segmenter-accounts.parquet'}"
    written = [a for a in actions(book) if a["func"] == "setValues"]
    assert any(a["values"][0][:3] == ["Rank", "Account", "Tier"] for a in written)  # the Segments header
    assert any("until the share of accounts reaches 20%" in str(a["values"]) for a in written)  # rank tiers
    assert len(pd.read_parquet(tmp_path / "accounts-segmenter-accounts.parquet")) == 400


def test_ribbon_segment_a_table_without_a_source_says_what_to_fill_in():
    from tests.conftest import remote_book

    messages = segmenter.segment_table(remote_book({"Sheet1": [["x"]]}))
    assert messages == ["segmenter could not run: no table to segment: fill in source (or sql) on the Settings sheet"]


def test_warehouse_docstring_examples():
    import doctest

    from warehouse import run, sources

    for module in (run, sources):
        assert doctest.testmod(module).failed == 0, module.__name__


def _period_accounts() -> pd.DataFrame:
    """Two years of revenue (no plain revenue column: revenue is 2025's), cost to serve, a channel
    column that mixes resellers and direct customers, ties, zero, negative and missing values."""
    return pd.DataFrame(
        {
            "Account": ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "b"],
            "Revenue 2024": [100.0, 40.0, 0.0, 30.0, 30.0, 25.0, None, 10.0, 5.0, 50.0, -2.0, 8.0],
            "Revenue 2025": [120.0, 40.0, 35.0, 20.0, 20.0, 0.0, 12.0, None, 5.0, 20.0, 3.0, -1.0],
            "Profit": [30.0, 8.0, 7.0, 5.0, None, 1.0, 3.0, 2.0, 1.0, 6.0, 1.0, 0.5],
            "Cost to serve": [5.0, 10.0, None, 1.0, 1.0, 0.5, 0.0, 1.0, 2.0, 1.0, 0.1, 0.2],
            "Channel": [
                "Reseller",
                "Direct",
                "Direct",
                "Distributor",
                None,
                "Direct",
                "Online",
                "Field",
                "Direct",
                "Reseller",
                "Direct",
                "Direct",
            ],
            "NPS": [9.0, 3.0, None, 10.0, 6.0, 8.0, 7.0, 11.0, 9.0, 0.0, 5.5, 2.0],
        }
    )


def test_cost_to_serve_channels_and_periods_give_core_tables(con, tmp_path, monkeypatch):
    """Every sheet core gives this table, the engine gives too: net margin matrix and summaries,
    the channel warning, growth and tier migration; Data issues names the accounts."""
    from warehouse import report as engine_report_module

    frame = _period_accounts()
    table = accounts_from_frame(frame)
    reference = run_report(table, ReportConfig())
    assert {"channel_warning", "growth", "tier_migration", "fallen_from_a"} <= set(reference.tables)
    frame.to_parquet(tmp_path / "periods.parquet")
    monkeypatch.setattr(engine_report_module, "ISSUE_EXAMPLES", 1)
    run = table_run.run_table(
        table_run.Source(path=str(tmp_path / "periods.parquet")),
        table_run.EngineSettings(),
        ReportConfig(),
        output=tmp_path / "periods.xlsx",
    )
    report = run.report
    per_account = ("growth", "fallen_from_a")
    assert_tables_equal(
        {k: v for k, v in report.tables.items() if k not in per_account},
        {k: v for k, v in reference.tables.items() if k not in per_account},
    )
    for name in ("growth", "fallen_from_a"):  # per account: no sheet rows, in rank order
        ours = report.tables[name].sort_values(["account", "revenue_2024"], ignore_index=True)
        theirs = (
            reference.tables[name].drop(columns="sheet_row").sort_values(["account", "revenue_2024"], ignore_index=True)
        )
        pd.testing.assert_frame_equal(ours, theirs, check_dtype=False, check_categorical=False, rtol=1e-9, obj=name)
    assert_segments_equal(report.tables["segments"], reference.tables["segments"])
    segments = report.tables["segments"].set_index("account")
    # a: net profit 30 - 5 = 25 on 120; c: no cost, so no net margin and the note says why
    assert segments.loc["a", "net_margin_pct"] == pytest.approx(25 / 120)
    assert segments.loc["c", "note"] == "cost to serve missing"
    assert report.headline["flags"][-1].startswith(
        "The channel column mixes intermediaries (Distributor, Reseller: 3 accounts"
    )
    assert report.headline["growth"] == reference.headline["growth"]
    issues = report.tables["data_issues"]
    assert issues["action"].iloc[0] == "rejected"  # rejected first, as core lists them
    reasons = issues["reason"].tolist()
    # NPS 11 (h) and 5.5 (k): the first by name is listed, the other counted
    assert "account 'h': an NPS answer must be a whole number from 0 to 10: read as no answer" in reasons
    assert (
        "1 more accounts (the first 1 are listed above): an NPS answer must be a whole number from 0 to 10: "
        "read as no answer" in reasons
    )
    assert "account 'b': duplicate account id: kept as separate rows, not merged" in reasons
    assert "account 'h': revenue missing: the account gets tier D" in reasons
    assert issues.loc[issues["reason"].str.startswith("account 'b': negative"), "value"].tolist() == ["-1.0"]


def _three_years_of_lines() -> pd.DataFrame:
    """Eight customers over three calendar years (too few for a purchase model), with a return,
    a line without a customer and one without an amount."""
    rows = []
    rng = np.random.default_rng(3)
    for customer in range(8):
        for day in sorted(rng.choice(np.arange(0, 1095), size=1 + customer, replace=False)):
            amount = float(rng.integers(5, 200))
            # margins that differ: one margin for all could tie with the portfolio's margin (the default
            # split) to the last bit, and float sums in another order put such a tie on either side
            rows.append(
                (
                    f"c{customer}",
                    pd.Timestamp("2022-01-01") + pd.Timedelta(days=int(day)),
                    amount,
                    round(amount * rng.uniform(0.2, 0.4), 2),
                )
            )
    rows += [
        ("c0", pd.Timestamp("2022-01-01"), 30.0, 9.0),
        ("c1", pd.Timestamp("2023-03-01"), -20.0, -6.0),
        (None, pd.Timestamp("2023-04-01"), 15.0, 4.5),
        ("c2", pd.Timestamp("2023-05-01"), None, None),
        ("c3", pd.Timestamp("2024-12-31"), 10.0, 3.0),
    ]
    frame = pd.DataFrame(rows, columns=["Customer", "Date", "Amount", "Profit"])
    frame["Date"] = frame["Date"].dt.date
    return frame


def test_order_lines_without_a_model_give_core_historical_value_growth_and_named_issues(con, tmp_path):
    frame = _three_years_of_lines()
    frame.to_parquet(tmp_path / "lines.parquet")
    transactions = parse_transactions(frame.assign(Date=pd.to_datetime(frame["Date"])))
    reference = customer_reference(transactions)
    assert reference.headline["historical_method"] and "growth_by_tier" in reference.account_report.tables
    run = table_run.run_table(
        table_run.Source(path=str(tmp_path / "lines.parquet")),
        table_run.EngineSettings(),
        ReportConfig(),
        output=tmp_path / "lines.xlsx",
    )
    assert_customer_reports_equal(run.report, reference)
    assert run.report.account_report.tables["revenue_by_period"]["period"].tolist() == ["2022", "2023", "2024"]
    reasons = run.report.account_report.tables["data_issues"]["reason"].tolist()
    assert reasons[:2] == [
        "line '(no customer) on 2023-04-01': customer is blank or unreadable",
        "line 'c2 on 2023-05-01': amount is blank or unreadable",
    ]
    assert (
        "line 'c1 on 2023-03-01': negative amount: reduces net revenue and profit, not counted as a purchase" in reasons
    )
    written = pd.read_parquet(run.parquet)
    assert written["historical_clv"].notna().all() and len(written) == 8


def test_uniform_spend_takes_the_average_spend_as_core_does(con, tmp_path):
    """Spend drawn uniformly and alike for everyone: Gamma-Gamma cannot be fitted, and core values
    every customer at the average repeat spend (its 'spend' rows); so does the engine path."""
    rng = np.random.default_rng(1)
    rows = []
    for customer in range(150):  # active from a first day for a while, spend uniform
        start, length = rng.integers(0, 400), rng.integers(0, 900)
        for _ in range(rng.integers(1, 12)):
            rows.append(
                (
                    f"K{customer:03d}",
                    pd.Timestamp("2023-01-01") + pd.Timedelta(days=int(start + rng.integers(0, length + 1))),
                    round(float(rng.uniform(-20, 400)), 2),
                )
            )
    frame = pd.DataFrame(rows, columns=["Client ID", "Invoice date", "Net sales"])
    reference = customer_reference(parse_transactions(frame))
    assert reference.headline["spend_note"].startswith("Gamma-Gamma could not be fitted")
    frame["Invoice date"] = frame["Invoice date"].dt.date
    frame.to_parquet(tmp_path / "orders.parquet")
    run = table_run.run_table(
        table_run.Source(path=str(tmp_path / "orders.parquet")),
        table_run.EngineSettings(),
        ReportConfig(),
        output=tmp_path / "orders.xlsx",
    )
    assert_customer_reports_equal(run.report, reference)
