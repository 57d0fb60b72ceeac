"""The customer report: tables on hand-checked small lists, the model-failure path, CDNOW figures.

The small list used throughout (rows as in a sheet, header on row 1), last date 2024-01-29:
    A: 2024-01-01 30, 2024-01-29 30          -> 2 purchases, 60, last purchase 0 weeks ago
    B: 2024-01-15 20                          -> 1 purchase, 20, 2 weeks ago
    C: 2024-01-08 15, 2024-01-08 -15 (return) -> 1 purchase, net 0, 3 weeks ago
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.config import ReportConfig
from core.customers.report import run_customer_report
from core.transactions import looks_like_transactions, parse_transactions
from writers.catalogue import CUSTOMER_SHEETS, SHEETS
from writers.charts import chart_columns
from writers.placement import place_report

HEADER = ["Customer", "Date", "Amount"]
SMALL = [
    HEADER,
    ["A", "2024-01-01", 30.0],
    ["B", "2024-01-15", 20.0],
    ["C", "2024-01-08", 15.0],
    ["A", "2024-01-29", 30.0],
    ["C", "2024-01-08", -15.0],
]


@pytest.fixture(scope="module")
def small():
    return run_customer_report(parse_transactions(SMALL))


@pytest.fixture(scope="module")
def cdnow(cdnow_raw):
    table = parse_transactions(cdnow_raw[["customer", "date", "amount", "quantity"]])
    return run_customer_report(table, ReportConfig(customer_model="bgnbd"), observation_end="1997-09-30")


def test_customers_table_has_history_rfm_tier_and_first_row_per_customer(small):
    customers = small.tables["customers"].set_index("account")
    assert customers.loc[["A", "B", "C"], "purchases"].tolist() == [2, 1, 1]
    assert customers.loc[["A", "B", "C"], "total_spend"].tolist() == [60.0, 20.0, 0.0]
    # weeks since the last purchase: 0, (29 - 15) / 7 = 2, (29 - 8) / 7 = 3
    assert customers.loc[["A", "B", "C"], "time_since_last"].tolist() == [0.0, 2.0, 3.0]
    # first transaction rows in the sheet: A row 2, B row 3, C row 4
    assert customers.loc[["A", "B", "C"], "sheet_row"].tolist() == [2, 3, 4]
    # Pareto: A 0 % before it -> A; B 60/80 = 75 % < 80 % -> A; C revenue 0 -> D
    assert customers.loc[["A", "B", "C"], "tier"].tolist() == ["A", "A", "D"]
    # no profit or quantity column in the list: those summary columns are not shown
    assert not {"total_profit", "avg_margin_pct", "total_quantity", "revenue", "profit"} & set(customers.columns)


def test_rfm_scores_of_the_small_list_by_hand(small):
    customers = small.tables["customers"].set_index("account")
    # R on time since last (0, 2, 3): quintile edges 0.8, 1.6, 2.2, 2.6; R = 5 - (edges below):
    # A none -> 5; B 0.8 and 1.6 -> 3; C all four -> 1
    assert customers.loc[["A", "B", "C"], "R"].tolist() == [5, 3, 1]
    # F on purchases (2, 1, 1): edges 1, 1, 1.2, 1.6; 1 is below none -> 1; 2 above all four -> 5
    assert customers.loc[["A", "B", "C"], "F"].tolist() == [5, 1, 1]
    # M on spend (60, 20, 0): edges 8, 16, 28, 44 -> 60: 5, 20: 3, 0: 1
    assert customers.loc[["A", "B", "C"], "M"].tolist() == [5, 3, 1]
    # FM = ceil((F + M) / 2): A 5, B 2, C 1 -> Champions, Needs attention (R 3, FM 2), Lost (R 1, FM 1)
    assert customers.loc[["A", "B", "C"], "segment"].tolist() == ["Champions", "Needs attention", "Lost"]


def test_rfm_segment_table_counts_revenue_and_shows_every_segment(small):
    segments = small.tables["rfm_segments"].set_index("segment")
    assert len(segments) == 9 and segments["customers"].sum() == 3
    assert segments.loc["Champions", "revenue"] == 60.0
    assert segments.loc["Needs attention", "revenue_share"] == pytest.approx(20 / 80)
    thresholds = small.tables["rfm_thresholds"]
    assert list(thresholds["metric"].unique()) == ["R", "F", "M"] and len(thresholds) == 15


def test_model_that_cannot_be_fitted_gives_the_historical_value_and_says_why(small):
    reason = "only 3 customers: the models need at least 10"
    assert reason in small.headline["clv_error"]
    status = small.tables["clv_parameters"].set_index("parameter")
    assert status.loc["status", "value"] == "not fitted" and reason in status.loc["status", "meaning"]
    assert status.loc["what would fix it", "meaning"] == "A list with more customers."
    assert status.loc["method", "meaning"].startswith("Historical lifetime value = ")
    assert small.tables["customers"]["model_clv"].isna().all()
    assert math.isnan(small.headline["total_clv"])
    lifetime = small.tables["lifetime_value"]
    assert lifetime["historical_clv"].notna().all() and lifetime["historical_clv"].is_monotonic_decreasing
    assert small.tables["rfm_segments"]["historical_clv"].sum() == pytest.approx(lifetime["historical_clv"].sum())


def test_account_report_tiers_the_customers_and_points_at_transaction_rows(small):
    tables = small.account_report.tables
    segments = tables["segments"].set_index("account")
    assert segments.loc[["A", "B", "C"], "revenue"].tolist() == [60.0, 20.0, 0.0]
    assert segments.loc[["A", "B", "C"], "sheet_row"].tolist() == [2, 3, 4]
    tier = tables["tier_summary"].set_index("tier")
    assert tier.loc["A", "accounts"] == 2 and tier.loc["A", "revenue"] == 80.0
    # HHI of 60 / 80 and 20 / 80: 75^2 + 25^2 = 6,250 points
    concentration = tables["concentration"].set_index("measure")
    assert concentration.loc["HHI", "value"] == pytest.approx(6250)
    # without profit no margin is defined: no customer gets a strategy, the margin split is blank
    assert (tables["segments"]["strategy"] == "").all()
    assert math.isnan(tables["matrix_splits"].set_index("split").loc["Margin %", "value"])
    # the transaction list's issues come with their own rows: the return on row 6
    issues = tables["data_issues"]
    assert 6 in issues.loc[issues["action"] == "kept as a return", "sheet_row"].tolist()
    assert (issues["sheet_row"] >= 2).all()


def test_with_profit_the_matrix_is_there_and_margin_is_total_profit_over_spend():
    rows = [
        HEADER + ["Profit"],
        ["A", "2024-01-01", 100.0, 30.0],
        ["A", "2024-01-15", 100.0, 10.0],
        ["B", "2024-01-15", 50.0, 5.0],
    ]
    report = run_customer_report(parse_transactions(rows))
    customers = report.tables["customers"].set_index("account")
    assert customers.loc["A", "avg_margin_pct"] == pytest.approx(40 / 200)
    assert customers.loc["B", "avg_margin_pct"] == pytest.approx(5 / 50)
    # margins 20 % and 10 %: the medians split them, A high revenue and margin -> Protect
    assert report.account_report.tables["segments"].set_index("account").loc["A", "strategy"] == "Protect"
    assert report.account_report.tables["segments"].set_index("account").loc["A", "profit"] == 40.0


def test_a_row_that_cannot_be_read_is_reported_with_its_sheet_row():
    rows = SMALL + [["B", "soon", 5.0]]
    report = run_customer_report(parse_transactions(rows))
    issues = report.account_report.tables["data_issues"]
    assert issues.loc[issues["action"] == "row left out", "sheet_row"].tolist() == [7]
    assert report.headline["data_issues"] == len(issues)


def test_customer_sheets_place_customers_rfm_lifetime_value_and_model_check(small):
    placed = place_report(small.tables, source="test", labels=("A", "B", "C", "D"), sheets=CUSTOMER_SHEETS)
    assert [sheet.spec.name for sheet in placed] == ["Customers", "RFM", "Lifetime value", "Model check", "Cohorts"]
    # too short for a holdout check: the Model check sheet says so instead of staying empty
    notes = placed[3].blocks[0]
    assert notes.rows[0][:2] == [
        "Holdout check",
        "No holdout check: the list spans 29 days; it takes at least 112 "
        "(16 weeks) to fit on the first half and check on the second",
    ]
    customers = placed[0].blocks[0]
    assert customers.headers[:4] == ["Account", "Tier", "RFM segment", "RFM"]
    account_sheets = place_report(small.account_report.tables, source="test", labels=("A", "B", "C", "D"))
    assert {s.spec.name for s in account_sheets} <= {spec.name for spec in SHEETS}


@pytest.mark.parametrize(
    "header, expected",
    [
        (["Customer", "Order date", "Amount"], True),
        (["Client ID", "Invoice date", "Net sales", "Gross profit", "Qty"], True),
        (["customer_id", "date", "revenue"], True),
        (["Account", "Revenue", "Profit", "NPS", "First purchase"], False),  # no order date
        (["Customer", "Date", "Total revenue"], False),  # a per-account total
        (["Customer", "Customer since", "Date", "Amount"], False),  # an account's start date
        (["Customer", "Date", "Amount", "Revenue"], False),  # two amounts: ambiguous
        (["A-17", 45306.0, 120.0], False),  # a data row
        ([], False),
    ],
)
def test_looks_like_transactions(header, expected):
    assert looks_like_transactions(header) is expected


def test_cdnow_parameters_match_the_published_fit(cdnow):
    h = cdnow.headline
    assert h["customers"] == 2357 and h["repeat_buyers"] == 946
    for name, published in {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}.items():
        assert h["purchase_params"][name] == pytest.approx(published, rel=0.01), name
    assert abs(h["purchase_params"]["log_likelihood"] - -9582.4) < 0.5
    assert h["purchase_model"] == "BG/NBD" and "setting customer_model" in h["model_choice"]
    for name, published in {"p": 6.25, "q": 3.74, "v": 15.45}.items():
        assert h["gamma_gamma"][name] == pytest.approx(published, rel=0.01), name
    assert h["clv_error"] is None and h["clv_warnings"] == []


def test_cdnow_tables_agree_with_each_other(cdnow):
    customers = cdnow.tables["customers"]
    lifetime = cdnow.tables["lifetime_value"]
    assert len(customers) == len(lifetime) == 2357
    assert lifetime["model_clv"].is_monotonic_decreasing
    assert customers["model_clv"].sum() == pytest.approx(cdnow.headline["total_clv"])
    segments = cdnow.tables["rfm_segments"].set_index("segment")
    assert segments["customers"].sum() == 2357
    by_segment = customers.groupby("segment")["model_clv"].sum()
    np.testing.assert_allclose(segments.loc[by_segment.index, "model_clv"], by_segment)
    # no profit column: CLV in revenue, margin 100 %, every customer in the account report
    assert (lifetime["margin_pct"] == 1.0).all()
    assert cdnow.account_report.headline["accounts"] == 2357
    assert cdnow.account_report.tables["segments"]["revenue"].sum() == pytest.approx(customers["total_spend"].sum())


def test_cdnow_discount_comes_from_the_config(cdnow, cdnow_raw):
    table = parse_transactions(cdnow_raw[["customer", "date", "amount"]])
    plain = run_customer_report(table, ReportConfig(discount=0.0), observation_end="1997-09-30")
    lifetime = plain.tables["lifetime_value"]
    # no discount and margin 100 %: CLV = expected purchases x expected spend = expected revenue
    np.testing.assert_allclose(lifetime["model_clv"], lifetime["expected_revenue"])
    assert plain.headline["total_clv"] > cdnow.headline["total_clv"]


purchases = st.lists(
    st.tuples(st.sampled_from("ABCDEFGH"), st.integers(0, 120), st.floats(0.5, 1000, allow_nan=False)),
    min_size=1,
    max_size=40,
)


@settings(max_examples=40, deadline=None)
@given(purchases)
def test_every_customer_gets_one_row_scores_and_a_tier(rows):
    base = np.datetime64("2024-01-01")
    cells = [HEADER] + [[c, str(base + np.timedelta64(d, "D")), a] for c, d, a in rows]
    report = run_customer_report(parse_transactions(cells))
    customers = report.tables["customers"]
    assert sorted(customers["account"]) == sorted({c for c, _, _ in rows})
    assert customers["total_spend"].sum() == pytest.approx(sum(a for _, _, a in rows))
    assert customers[["R", "F", "M"]].isin(range(1, 6)).all().all()
    assert customers["tier"].isin(["A", "B", "C", "D"]).all()
    assert report.tables["rfm_segments"]["customers"].sum() == len(customers)
    # either a model was fitted, or the reason is given with the historical value instead
    assert (report.headline["clv_error"] is None) == customers["model_clv"].notna().any()
    if report.headline["clv_error"] is not None:
        assert customers["historical_clv"].notna().all()


@pytest.fixture(scope="module")
def cdnow_full(cdnow_raw):
    """The whole CDNOW sample (78 weeks): the holdout check runs on its 39 + 39 weeks."""
    return run_customer_report(parse_transactions(cdnow_raw[["customer", "date", "amount"]]))


def _block_rows(sheet, table):
    block = sheet.block(table)
    return [dict(zip(block.keys, row)) for row in block.rows]


def test_cdnow_model_check_sheet_shows_holdout_totals_errors_and_the_choice(cdnow_full):
    placed = {
        s.spec.name: s
        for s in place_report(cdnow_full.tables, source="CDNOW", labels=("A", "B", "C", "D"), sheets=CUSTOMER_SHEETS)
    }
    sheet = placed["Model check"]
    totals = {row["model"]: row for row in _block_rows(sheet, "model_check")}
    figures = {
        name: (
            round(row["predicted"], 1),
            round(row["total_error_pct"], 3),
            round(row["frequency_error_pct"], 3),
            row["chosen"],
        )
        for name, row in totals.items()
    }
    assert figures == {
        "BG/NBD": (1653.4, -0.121, 0.121, "yes"),
        "MBG/NBD": (1576.7, -0.162, 0.162, "no"),
        "Pareto/NBD": (1665.5, -0.115, 0.134, "no"),
    }
    assert all(row["actual"] == 1882 for row in totals.values())
    by_frequency = _block_rows(sheet, "model_check_frequency")
    assert [row["calibration_purchases"] for row in by_frequency] == ["0", "1", "2", "3", "4", "5", "6", "7+"]
    assert [round(row["actual_mean"], 3) for row in by_frequency][:3] == [0.237, 0.697, 1.393]
    notes = {row["topic"]: row["note"] for row in _block_rows(sheet, "model_check_notes")}
    assert notes["Model used"] == "BG/NBD"
    assert notes["Best on the holdout"].startswith(
        "BG/NBD predicted the 39-week holdout best: its errors per number of calibration purchases add up to 12.1%"
    )
    assert {"P(alive), BG/NBD", "P(alive), MBG/NBD", "P(alive), Pareto/NBD"} <= set(notes)
    assert sheet.spec.chart.table == "model_check_tracking" and len(sheet.block("model_check_tracking").rows) == 78
    # the live-workbook writer charts one range from x to the last series: nothing else in between
    tracking = sheet.block("model_check_tracking")
    assert chart_columns(tracking, sheet.spec.chart) == (0, [1, 2, 3, 4])
    assert tracking.rows[0][:2] == ["week 1", 0.0] and tracking.rows[77][0] == "week 78"
    assert cdnow_full.headline["purchase_model"] == "BG/NBD"


def test_cdnow_lost_one_time_buyers_alive_under_bgnbd_get_a_note(cdnow_full):
    customers = cdnow_full.tables["customers"]
    lost_alive = customers[(customers["segment"] == "Lost") & (customers["frequency"] == 0)]
    assert len(lost_alive) > 0 and (lost_alive["probability_alive"] == 1.0).all()
    assert lost_alive["model_note"].str.contains("BG/NBD assumes a one-time buyer has not dropped out").all()
    agree = customers[(customers["segment"] == "Champions") & (customers["probability_alive"] >= 0.5)]
    assert (agree["model_note"] == "").all()


def _weekly_orders(customers: int, weeks: int, start: str = "2024-01-01"):
    return [HEADER + ["Profit"]] + [
        [f"K{c:02d}", str(np.datetime64(start) + np.timedelta64(c + 14 * k, "D")), 100.0, 25.0]
        for c in range(customers)
        for k in range(weeks)
    ]


def test_orders_without_dropout_give_a_historical_value_and_say_how(tmp_path):
    report = run_customer_report(parse_transactions(_weekly_orders(40, 26)))
    h = report.headline
    assert h["purchase_model"] is None and h["clv_error"].startswith("the models found no sign of customers stopping")
    assert h["historical_method"].startswith("Historical lifetime value = the customer's average profit per period")
    lifetime = report.tables["lifetime_value"]
    assert len(lifetime) == 40 and (lifetime["historical_clv"] > 0).all()
    parameters = report.tables["clv_parameters"].set_index("parameter")
    assert parameters.loc["method", "meaning"] == h["historical_method"]
    assert "customers visibly stop buying" in parameters.loc["what would fix it", "meaning"]


def test_only_one_time_buyers_give_a_historical_value_and_say_why():
    cells = [HEADER] + [
        [f"c{i}", str(np.datetime64("2024-01-01") + np.timedelta64(5 * i, "D")), 50.0] for i in range(60)
    ]
    report = run_customer_report(parse_transactions(cells))
    assert report.headline["clv_error"].startswith("no customer bought more than once")
    lifetime = report.tables["lifetime_value"]
    assert (lifetime["historical_clv"] == 50.0).all() and (lifetime["expected_periods"] == 1.0).all()
    notes = report.tables["model_check_notes"].set_index("topic")["note"]
    assert notes["Model used"].startswith("None: no customer bought more than once")
    assert notes["Lifetime value instead"] == report.headline["historical_method"]


def test_three_years_of_orders_give_growth_and_tier_migration_sheets():
    # 12 customers; customer i spends 10 (i + 1) in 2022, 10 (12 - i) in 2023 and 2024 as in 2023
    cells = [HEADER]
    for i in range(12):
        cells += [
            [f"c{i:02d}", "2022-03-01", 10.0 * (i + 1)],
            [f"c{i:02d}", "2023-03-01", 10.0 * (12 - i)],
            [f"c{i:02d}", "2024-03-01", 10.0 * (12 - i)],
        ]
    cells += [["c00", "2022-01-01", 0.0], ["c00", "2024-12-31", 0.0]]  # the list covers 2022-2024 in full
    report = run_customer_report(parse_transactions(cells))
    tables = report.account_report.tables
    revenue = tables["revenue_by_period"]
    assert list(revenue["period"].unique())[:3] == ["2022", "2023", "2024"]
    assert tables["tier_migration"]["accounts"].iloc[-1] == 12
    sheets = {s.spec.name for s in place_report(tables, source="t", labels=("A", "B", "C", "D"))}
    assert {"Growth", "Growth per account"} <= sheets
    growth = tables["growth"].set_index("account")
    assert growth.loc["c00", "growth"] == "stable" and growth.loc["c11", "growth"] == "stable"
