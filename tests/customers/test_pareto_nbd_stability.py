"""Pareto/NBD on simulated lists whose holdout fit lets s and beta run off together: the report
is made with warnings as errors and every figure is finite. Before the fix, D(t)'s connection
formula took the log of a cancelled (negative) difference and divided by 1 - z rounded to 0."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from core.customers import pareto_nbd
from core.customers.pareto_nbd import PreparedCustomers, hyp2f1_one
from core.customers.report import run_customer_report
from core.transactions import parse_transactions
from tests.customers.test_spend_check import simulated_orders


@pytest.mark.parametrize("arguments", [{"seed": 11}, {"customers": 400}, {"seed": 5}])
def test_report_on_simulated_lists_has_no_warning_and_finite_figures(arguments):
    table = parse_transactions(simulated_orders(**arguments))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        report = run_customer_report(table)
    lifetime = report.tables["lifetime_value"]
    numbers = lifetime.select_dtypes("number")
    assert len(numbers) > 0
    for column in ("expected_purchases", "expected_revenue"):
        assert np.isfinite(lifetime[column].to_numpy(float)).all(), column


def test_runaway_drop_out_parameters_give_no_value_and_no_warning():
    # the parameter draw of seed 11 that raised: s and beta ~1e13, 1e14 (mean drop-out 0.031 a week)
    params = np.array([0.977475716, 14.8145121, 7.92105344e12, 2.53976949e14])
    r, alpha, s, beta = params
    x, t_x, T = np.zeros(3), np.array([0.0, 0.0, 5.0]), np.array([20.0, 40.0, 60.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        values = hyp2f1_one(s + 1, s + r + 1, np.array([1 - 1e-13, 1.0]))
        _, alive, dead = pareto_nbd._log_likelihood_parts(params, PreparedCustomers(x, t_x, T))
    # the connection formula cancels (and 1 - z rounds to 0): no value rather than a wrong one
    assert np.isnan(values).all() and np.isnan(dead).all()
    # alive is exact there: -(r+x) ln(alpha+T) - s ln(1 + T/beta), s T/beta = 0.62 at T = 20
    expected = -(r + x) * np.log(alpha + T) - s * np.log1p(T / beta)
    assert alive == pytest.approx(expected, rel=1e-12)
    assert -s * np.log1p(20.0 / beta) == pytest.approx(-0.6237, abs=1e-4)


def test_a_blank_holdout_range_says_why():
    # seed 11: most parameter draws of the chosen model fall where D(t) has no value, so the
    # holdout total's 80 % range is refused; the Model check notes carry the reason
    report = run_customer_report(parse_transactions(simulated_orders(seed=11)))
    chosen = report.tables["model_check"].query("chosen")
    assert chosen["predicted_p10"].isna().all() and chosen["predicted_p90"].isna().all()
    notes = report.tables["model_check_notes"].set_index("topic")["note"]
    assert notes["Range of the holdout total"].startswith("No 80 % range of Pareto/NBD's holdout total: ")
    # with a range (CDNOW-like lists, seed 5) no such note
    other = run_customer_report(parse_transactions(simulated_orders(seed=5)))
    if other.tables["model_check"].query("chosen")["predicted_p10"].notna().all():
        assert "Range of the holdout total" not in set(other.tables["model_check_notes"]["topic"])
