"""RETENTION_FIT, RETENTION_PROJECT, BGBB_FIT and CLV_RANGE through xlwings' custom_functions_call."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from core.customers.intervals import clv_intervals
from core.customers.model_clv import model_clv
from core.customers.summary import customer_summary
from core.transactions import parse_transactions
from tests.conftest import call_udf, udf_reason
from tests.test_udfs_transactions import _realistic

HIGH_END = [1000, 869, 743, 653, 593, 551, 517, 491]  # Fader & Hardie (2007), high-end segment, years 0-7
DONATIONS = pd.read_csv(Path(__file__).parent / "customers" / "data" / "donations.csv")


def column(values, header=None):
    return ([[header]] if header else []) + [[v] for v in values]


def test_retention_fit_spills_the_published_fit_with_labels():
    out = call_udf("retention_fit", column(HIGH_END, "Active customers"))
    assert out[0] == ["Parameter", "Value", "Standard error"] or out[0] == ["parameter", "value", "standard error"]
    rows = {row[0]: row[1:] for row in out[1:]}
    assert rows["alpha"][0] == pytest.approx(0.668, abs=6e-4)
    assert rows["beta"][0] == pytest.approx(3.806, abs=6e-4)
    assert rows["log-likelihood"][0] == pytest.approx(-1611.2, abs=0.05)
    assert rows["customers"] == [1000.0, ""]
    assert rows["alpha"][1] > 0


def test_retention_fit_reads_one_column_per_cohort_with_blanks_below_young_ones():
    cohorts = [[1000, 500, 400], [631, 320, 250], [468, 240, None], [382, None, None]]
    out = call_udf("retention_fit", [["Started 2019", "Started 2020", "Started 2021"]] + cohorts)
    from core.customers.sbg import fit_retention

    expected = fit_retention([[1000, 631, 468, 382], [500, 320, 240], [400, 250]])
    rows = {row[0]: row[1] for row in out[1:]}
    assert rows["alpha"] == pytest.approx(expected.alpha) and rows["customers"] == 1900


def test_retention_fit_names_a_blank_inside_a_cohort():
    out = udf_reason("retention_fit", column([1000, 800, None, 600]))
    assert out.startswith("segmenter: ") and "blank count inside cohort 1" in out and "row 3" in out


def test_retention_project_by_hand():
    out = call_udf("retention_project", 1.0, 1.0, 3)
    # alpha = beta = 1: S(t) = 1 / (t + 1), r_t = t / (t + 1), P(T = t) = 1 / (t (t + 1))
    assert out[0] == ["period", "share still active", "retention rate", "share leaving"]
    assert [row[0] for row in out[1:]] == [0, 1, 2, 3]
    assert [row[1] for row in out[1:]] == pytest.approx([1, 1 / 2, 1 / 3, 1 / 4])
    assert out[1][2:] == ["", ""]
    assert [row[2] for row in out[2:]] == pytest.approx([1 / 2, 2 / 3, 3 / 4])
    assert [row[3] for row in out[2:]] == pytest.approx([1 / 2, 1 / 6, 1 / 12])
    assert udf_reason("retention_project", -1.0, 1.0).startswith("segmenter: alpha: must be a positive number")


def test_bgbb_fit_on_the_donation_table():
    d = DONATIONS
    out = call_udf(
        "bgbb_fit",
        column(d["frequency"].tolist(), "x"),
        column(d["recency"].tolist(), "t_x"),
        column(d["n"].tolist(), "n"),
        column(d["n_custs"].tolist(), "donors"),
    )
    rows = {row[0]: row[1] for row in out[1:]}
    for name, value in {"alpha": 1.204, "beta": 0.750, "gamma": 0.657, "delta": 2.783}.items():
        assert rows[name] == pytest.approx(value, abs=6e-4)
    assert rows["log-likelihood"] == pytest.approx(-33_225.6, abs=0.05)
    assert rows["customers"] == 11_104
    mismatched = udf_reason("bgbb_fit", column([1, 2]), column([1, 2, 3]), column([6, 6]))
    assert mismatched.startswith("segmenter: ") and "same number of rows" in mismatched


def test_clv_range_spills_the_ranges_of_the_core_computation():
    cells = _realistic()
    out = call_udf("clv_range", cells, 26)
    assert out[0] == ["", "estimate", "P10", "P50", "P90"]
    summary = customer_summary(parse_transactions(cells), unit="W")
    clv = model_clv(summary, horizon=26, discount_rate=0.1, unit="W")
    assert out[1][1] == pytest.approx(clv.customers["model_clv"].sum())
    ranges = clv_intervals(
        clv.purchase_model,
        clv.spend_model,
        summary["frequency"],
        summary["recency"],
        summary["T"],
        summary["avg_repeat_spend"],
        clv.customers["margin_pct"],
        horizon=26,
        unit_discount=1.1 ** (7 / 365.25) - 1,
    )
    whole = ranges.totals.iloc[0]
    assert out[1][2:] == pytest.approx([whole["model_clv_p10"], whole["model_clv_p50"], whole["model_clv_p90"]])
    assert out[1][2] < out[1][1] < out[1][4]
    assert out[2][0] == "expected repeat purchases, 26 weeks"
