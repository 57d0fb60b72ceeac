"""Worksheet functions for contracts, renewals and ranges: RETENTION_FIT, RETENTION_PROJECT,
BGBB_FIT and CLV_RANGE.

RETENTION_FIT fits the shifted-beta-geometric model (Fader & Hardie 2007,
:mod:`core.customers.sbg`) on customers still active at period 0, 1, ..., n: one column per
cohort (customers who started in the same period), a header row optional, younger cohorts with
blanks below their last period. It spills alpha, beta (with standard errors), the
log-likelihood and the customers fitted.

RETENTION_PROJECT spills, for periods 0 to n of a cohort, the share still active S(t), the
retention rate r_t = S(t) / S(t-1) and the share leaving at t, from alpha and beta.

BGBB_FIT fits BG/BB (Fader, Hardie & Shang 2010, :mod:`core.customers.bgbb`) on one row per
customer, or per group of identical customers with their count: frequency (transactions at the
opportunities after the first), recency (the opportunity of the last one, 0 when none) and
the number of opportunities. It spills alpha, beta, gamma, delta with standard errors and the
log-likelihood.

CLV_RANGE reads a transaction list as CLTV_MODEL does and spills the P10, P50 and P90 of the
list's total model CLV and expected repeat purchases over the horizon (weeks): the 80 % range
from the fitted parameters' uncertainty (:mod:`core.customers.intervals`).

The functions' docstrings are what Excel's Insert Function dialog shows, which cuts them at
255 characters, so the detail lives here.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import xlwings as xw

from core.config import config_from_mapping, parse_number
from core.customers.bgbb import BetaBinomialModel
from core.customers.intervals import clv_intervals
from core.customers.model_clv import DAYS_PER_YEAR, model_clv
from core.customers.sbg import RetentionModel, fit_retention
from core.customers.summary import UNIT_DAYS
from core.customers.summary import customer_summary as summarise
from core.errors import SegmenterInputError
from core.grid import as_block
from udfs._edge import cell_errors, has_text_header, numbers_column, numbers_from_range, scalar, table_output
from udfs.transactions import DEFAULT_HORIZON_WEEKS, TRANSACTIONS_DOC, UNIT, _transactions

PARAMETER_HEADER = ["parameter", "value", "standard error"]


def _cohort_columns(survivors: Any) -> list[np.ndarray]:
    """Each column of the range as one cohort's counts: a text header row skipped, blanks allowed
    only below a cohort's last count."""
    block = as_block(survivors)
    if not block:
        raise SegmenterInputError("the range is empty", column="survivors")
    first_cells = [row[0] for row in block]
    skip = 1 if has_text_header(first_cells) or any(has_text_header([v]) for v in block[0]) else 0
    cohorts = []
    for j in range(len(block[0])):
        values = numbers_column([row[j] for row in block[skip:]], "survivors", first_row=1 + skip)
        known = np.flatnonzero(~np.isnan(values))
        if known.size == 0:
            continue
        if known[-1] + 1 != known.size or known[0] != 0:
            gap = int(np.flatnonzero(np.isnan(values[: known[-1] + 1]))[0]) + 1 + skip
            raise SegmenterInputError(
                f"blank count inside cohort {j + 1} (blanks may only follow its last period)",
                row=gap,
                column="survivors",
            )
        cohorts.append(values[known])
    if not cohorts:
        raise SegmenterInputError("no counts in the range", column="survivors")
    return cohorts


def _parameter_rows(fit, names) -> list[list[Any]]:
    rows = [[name, fit.params[name], fit.standard_errors[name]] for name in names]
    rows.append(["log-likelihood", fit.log_likelihood, None])
    rows.append(["customers", fit.n, None])
    return table_output(PARAMETER_HEADER, rows)


@xw.func(category="segmenter", call_in_wizard=False)
@xw.arg(
    "survivors",
    "raw",
    doc="customers still active at period 0, 1, 2, ...: one column per cohort (blanks "
    "below a young cohort's last period), header row optional",
)
@xw.ret("raw")
@cell_errors
def retention_fit(survivors):
    """Shifted-beta-geometric retention model (Fader & Hardie 2007) fitted on survivors per period: alpha,
    beta with standard errors, log-likelihood."""
    cohorts = _cohort_columns(survivors)
    model = fit_retention(cohorts if len(cohorts) > 1 else cohorts[0])
    return _parameter_rows(model.fit, ("alpha", "beta"))


@xw.func(category="segmenter", call_in_wizard=False)
@xw.arg("alpha", "raw", doc="alpha of the churn probability's Beta distribution (from RETENTION_FIT)")
@xw.arg("beta", "raw", doc="beta of the churn probability's Beta distribution (from RETENTION_FIT)")
@xw.arg("periods", "raw", doc="last period to project, a whole number (default 10)")
@xw.ret("raw")
@cell_errors
def retention_project(alpha, beta, periods=None):
    """Projected retention of a cohort, periods 0 to n: share still active, retention rate, share leaving."""
    model = RetentionModel.of_params(
        parse_number(scalar(alpha, "alpha"), "alpha"), parse_number(scalar(beta, "beta"), "beta")
    )
    last = parse_number(scalar(periods, "periods", 10), "periods")
    if not (last >= 1 and last == int(last) and last <= 10_000):
        raise SegmenterInputError("must be a whole number from 1 to 10,000", column="periods")
    t = np.arange(int(last) + 1, dtype=float)
    rows = [
        [int(k), float(s), None if k == 0 else float(r), None if k == 0 else float(c)]
        for k, s, r, c in zip(t, model.survival(t), model.retention(t), model.churn_probability(t))
    ]
    return table_output(["period", "share still active", "retention rate", "share leaving"], rows)


@xw.func(category="segmenter", call_in_wizard=False)
@xw.arg("frequency", "raw", doc="transactions at the opportunities after the first, one per row (header optional)")
@xw.arg("recency", "raw", doc="opportunity of the last transaction, 0 when none")
@xw.arg("opportunities", "raw", doc="number of opportunities observed after the first")
@xw.arg("count", "raw", doc="optional: customers each row stands for")
@xw.ret("raw")
@cell_errors
def bgbb_fit(frequency, recency, opportunities, count=None):
    """BG/BB model (Fader, Hardie & Shang 2010) for discrete opportunities (yearly donations, renewals):
    alpha, beta, gamma, delta with standard errors, log-likelihood."""
    columns = [
        numbers_from_range(frequency, "frequency"),
        numbers_from_range(recency, "recency"),
        numbers_from_range(opportunities, "opportunities"),
    ]
    if isinstance(count, (list, tuple)) or scalar(count, "count") is not None:
        columns.append(numbers_from_range(count, "count"))
    if len({c.size for c in columns}) != 1:
        raise SegmenterInputError("frequency, recency, opportunities (and count) must have the same number of rows")
    model = BetaBinomialModel().fit(*columns)
    return _parameter_rows(model.fit_, ("alpha", "beta", "gamma", "delta"))


@xw.func(category="segmenter", call_in_wizard=False)
@xw.arg("transactions", "raw", doc=TRANSACTIONS_DOC)
@xw.arg("horizon", "raw", doc="valuation period in weeks, default 52")
@xw.arg("discount", "raw", doc="annual discount rate, default 0.1 (10 %)")
@xw.ret("raw")
@cell_errors
def clv_range(transactions, horizon=None, discount=None):
    """80 % range of a transaction list's total model CLV and expected repeat purchases over the horizon
    (weeks): P10, P50, P90 from the fitted parameters' uncertainty."""
    horizon_weeks = parse_number(scalar(horizon, "horizon", DEFAULT_HORIZON_WEEKS), "horizon")
    config = config_from_mapping({"discount": scalar(discount, "discount")})
    summary = summarise(_transactions(transactions), unit=UNIT)
    clv = model_clv(summary, horizon=horizon_weeks, discount_rate=config.discount, unit=UNIT)
    unit_discount = (1 + config.discount) ** (UNIT_DAYS[UNIT] / DAYS_PER_YEAR) - 1
    ranges = clv_intervals(
        clv.purchase_model,
        clv.spend_model,
        summary["frequency"],
        summary["recency"],
        summary["T"],
        summary["avg_repeat_spend"],
        clv.customers["margin_pct"],
        horizon=horizon_weeks,
        unit_discount=unit_discount,
        point_purchases=clv.customers["expected_purchases"],
        point_clv=clv.customers["model_clv"],
    )
    whole = ranges.totals.iloc[0]
    rows = [
        [f"model CLV, {horizon_weeks:g} weeks", whole["model_clv"]]
        + [whole[f"model_clv_{q}"] for q in ("p10", "p50", "p90")],
        [f"expected repeat purchases, {horizon_weeks:g} weeks", whole["expected_purchases"]]
        + [whole[f"expected_purchases_{q}"] for q in ("p10", "p50", "p90")],
    ]
    return table_output(
        ["", "estimate", "P10", "P50", "P90"], [[v if isinstance(v, str) else float(v) for v in row] for row in rows]
    )
