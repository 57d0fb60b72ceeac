"""Pareto/NBD on simulated lists whose holdout fit lets s and beta run off together: the report
is made with warnings as errors and every figure is finite. Before the fix, D(t)'s connection
formula took the log of a cancelled (negative) difference and divided by 1 - z rounded to 0."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from scipy import integrate

from core.customers import pareto_nbd
from core.customers.pareto_nbd import ParetoNBDModel, PreparedCustomers, hyp2f1_one
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


def test_runaway_drop_out_parameters_give_the_integral_not_a_warning():
    # the parameter draw of seed 11 that raised: s and beta ~1e13, 1e14 (mean drop-out 0.031 a week)
    params = np.array([0.977475716, 14.8145121, 7.92105344e12, 2.53976949e14])
    x, t_x, T = np.zeros(3), np.array([0.0, 0.0, 5.0]), np.array([20.0, 40.0, 60.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        values = hyp2f1_one(7.92105344e12 + 1, 7.92105344e12 + 1.977475716, np.array([1 - 1e-13, 1.0]))
        _, alive, dead = pareto_nbd._log_likelihood_parts(params, PreparedCustomers(x, t_x, T))
    assert np.isnan(values).all()  # no reliable series value: NaN, and the likelihood integrates instead
    r, alpha, s, beta = params
    # independent route: quad of s (alpha+tau)^-(r+x) (beta+tau)^-(s+1), beta's power as exp(-(s+1) log1p(tau/beta))
    for i in range(3):

        def integrand(tau, i=i):
            return np.exp(-(r + x[i]) * np.log(alpha + tau) - (s + 1) * np.log1p(tau / beta))

        reference = np.log(s) - np.log(beta) + np.log(integrate.quad(integrand, t_x[i], T[i], epsrel=1e-12)[0])
        # dead carries s ln beta (see _log_likelihood_parts): with it the terms are exact
        assert dead[i] == pytest.approx(reference, rel=1e-9)
        assert alive[i] == pytest.approx(-(r + x[i]) * np.log(alpha + T[i]) - s * np.log1p(T[i] / beta), rel=1e-12)


def test_fitted_model_prediction_is_finite_at_runaway_parameters():
    model = ParetoNBDModel()
    model.params_ = {"r": 0.977, "alpha": 14.8, "s": 7.9e12, "beta": 2.54e14}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        alive = model.probability_alive([0, 2, 5], [0.0, 10.0, 30.0], [40.0, 40.0, 40.0])
    assert np.isfinite(alive).all() and ((alive > 0) & (alive < 1)).all()
    # the more recent buyer is likelier alive (x = 5 at 30 weeks vs x = 2 at 10)
    assert alive[2] > alive[1]
