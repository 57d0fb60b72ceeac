"""The holdout check: CDNOW's 39-week calibration, actual figures counted independently with pandas,
the choice of model, and a list too short to check."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.customers.bgnbd import BetaGeoModel
from core.customers.validation import check_models, holdout_split, model_order
from core.errors import SegmenterInputError
from core.transactions import parse_transactions

CAL_END = pd.Timestamp("1997-09-30")


@pytest.fixture(scope="module")
def cdnow_table(cdnow_raw):
    return parse_transactions(cdnow_raw[["customer", "date", "amount"]])


@pytest.fixture(scope="module")
def cdnow_check(cdnow_table):
    calibration_end, _ = holdout_split(cdnow_table)
    return check_models(cdnow_table, calibration_end=calibration_end)


@pytest.fixture(scope="module")
def bgnbd_fit(cdnow_calibration):
    # cdnow_calibration is (x, t_x, T) computed by pandas, not by core.customers.summary
    return BetaGeoModel().fit(*cdnow_calibration)


def test_cdnow_splits_into_two_halves_of_39_weeks(cdnow_table, cdnow_check):
    assert holdout_split(cdnow_table) == ("1997-09-30", "calibration 1997-01-01 to 1997-09-30, holdout to 1998-06-30")
    assert cdnow_check.holdout_length == 39 and cdnow_check.holdout_end == "1998-06-30"


def test_cdnow_actual_holdout_purchases_counted_with_pandas(cdnow_raw, cdnow_check):
    # purchase days after 1997-09-30 of customers who bought by then, by calibration repeat days
    days = cdnow_raw.drop_duplicates(["customer", "date"])
    calibration = days[days["date"] <= CAL_END].groupby("customer").size() - 1
    holdout = days[days["date"] > CAL_END].groupby("customer").size().reindex(calibration.index, fill_value=0)
    assert holdout.sum() == 1882
    groups = calibration.clip(upper=7)
    table = cdnow_check.by_frequency
    assert table["customers"].tolist() == groups.value_counts().sort_index().tolist()
    np.testing.assert_allclose(table["actual_mean"], holdout.groupby(groups).mean().to_numpy())


def test_cdnow_holdout_figures_of_each_model(cdnow_check):
    totals = cdnow_check.totals.set_index("key")
    assert (totals["status"] == "fitted").all() and (totals["actual"] == 1882).all()
    # predicted repeat purchases in weeks 40-78 and the errors (measured; the reason the report gives)
    expected = {
        "bgnbd": (1653.4, -0.121, 0.121),
        "mbgnbd": (1576.7, -0.162, 0.162),
        "pareto_nbd": (1665.5, -0.115, 0.134),
    }
    for key, (predicted, total_error, frequency_error) in expected.items():
        assert totals.loc[key, "predicted"] == pytest.approx(predicted, abs=0.5), key
        assert totals.loc[key, "total_error_pct"] == pytest.approx(total_error, abs=0.0005), key
        assert totals.loc[key, "frequency_error_pct"] == pytest.approx(frequency_error, abs=0.0005), key
    assert cdnow_check.chosen == "bgnbd"
    assert cdnow_check.reason.startswith("BG/NBD predicted the 39-week holdout best")


def test_cdnow_bgnbd_prediction_equals_a_direct_fit(cdnow_calibration, bgnbd_fit, cdnow_check):
    direct = bgnbd_fit.expected_purchases(39, *cdnow_calibration).sum()
    assert cdnow_check.totals.set_index("key").loc["bgnbd", "predicted"] == pytest.approx(direct, rel=1e-9)


def test_cdnow_tracking_curve(cdnow_raw, cdnow_calibration, bgnbd_fit, cdnow_check):
    tracking = cdnow_check.tracking
    assert len(tracking) == 78 and tracking["holdout"].sum() == 39
    days = cdnow_raw.drop_duplicates(["customer", "date"])
    # cumulative repeat purchase days: by week 39 the calibration frequencies, by week 78 all
    assert tracking["actual_cumulative"].iloc[38] == cdnow_calibration[0].sum()
    assert tracking["actual_cumulative"].iloc[77] == len(days) - days["customer"].nunique()
    assert tracking["actual_cumulative"].is_monotonic_increasing
    # predicted at week 39: each customer's unconditional expectation over its age T
    expected = bgnbd_fit.expected_purchases_new(cdnow_calibration[2]).sum()
    assert tracking["bgnbd_cumulative"].iloc[38] == pytest.approx(expected, rel=1e-9)


def test_the_setting_wins_over_the_holdout_and_says_so(cdnow_check):
    order, reason = model_order("pareto_nbd", cdnow_check)
    assert order == ["pareto_nbd", "bgnbd", "mbgnbd"]
    assert reason.startswith(
        "Pareto/NBD is used because the setting customer_model says so. On the holdout check BG/NBD"
    )
    order, reason = model_order("auto", cdnow_check)
    assert order == ["bgnbd", "pareto_nbd", "mbgnbd"] and reason.startswith("BG/NBD predicted")


def _simulated_pareto_list(customers: int = 400, seed: int = 7) -> list[list]:
    """Customers who buy at Poisson rates and leave after exponential lifetimes: the Pareto/NBD story."""
    rng = np.random.default_rng(seed)
    rows = [["Customer", "Date", "Amount"]]
    start = pd.Timestamp("2022-01-01")
    for c in range(customers):
        first = int(rng.integers(0, 84))
        rate, life = rng.gamma(0.8, 1 / 20), rng.exponential(200)
        day = 0.0
        while first + day <= 729 and day <= life:
            rows.append([f"c{c}", str((start + pd.Timedelta(days=first + int(day))).date()), 10.0])
            day += rng.exponential(1 / rate)
    return rows


def test_on_a_pareto_nbd_process_the_check_picks_pareto_nbd():
    table = parse_transactions(_simulated_pareto_list())
    calibration_end, _ = holdout_split(table)
    check = check_models(table, calibration_end=calibration_end)
    assert check.chosen == "pareto_nbd", check.totals


def test_a_short_list_gets_no_check_and_a_reason():
    table = parse_transactions([["Customer", "Date", "Amount"], ["A", "2024-01-01", 5.0], ["B", "2024-03-01", 5.0]])
    calibration_end, reason = holdout_split(table)
    assert calibration_end is None
    assert reason == (
        "no holdout check: the list spans 61 days; it takes at least 112 (16 weeks) to fit on the first "
        "half and check on the second"
    )


def test_a_model_that_fails_in_calibration_is_listed_with_its_reason():
    table = parse_transactions(
        [["Customer", "Date", "Amount"]] + [[f"c{i}", f"2024-{1 + i % 12:02d}-01", 5.0] for i in range(30)]
    )
    check = check_models(table, calibration_end="2024-06-30")
    assert check.chosen is None and check.reason.startswith("no model could be fitted")
    assert check.totals["status"].str.contains("no customer has a repeat purchase").all()
    assert check.tracking[["bgnbd_cumulative", "mbgnbd_cumulative", "pareto_nbd_cumulative"]].isna().all().all()


def test_unknown_model_and_late_calibration_end_raise(cdnow_table):
    with pytest.raises(SegmenterInputError, match="unknown model"):
        check_models(cdnow_table, calibration_end="1997-09-30", models=("lifetimes",))
    with pytest.raises(SegmenterInputError, match="before the last transaction date"):
        check_models(cdnow_table, calibration_end="1998-06-30")


def test_a_model_whose_new_customer_curve_overflows_is_refused_with_a_reason():
    from core.customers.bgnbd import BetaGeoModel

    model = BetaGeoModel()
    model.params_ = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    model.expected_purchases_new(78.0)  # CDNOW's parameters: finite, no error

    class Overflowing(BetaGeoModel):
        def _expected_new(self, params, t):
            return np.full(np.shape(t), np.nan)

    broken = Overflowing()
    broken.params_ = model.params_
    with pytest.raises(SegmenterInputError, match="no finite expected purchases for a new customer over 78.0"):
        broken.expected_purchases_new(78.0)
