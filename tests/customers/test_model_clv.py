"""Model CLV: discounting by hand, settings checks, and the CDNOW holdout evaluation."""

from __future__ import annotations

import numpy as np
import pytest

from core.customers.model_clv import model_clv
from core.customers.summary import customer_summary
from core.errors import SegmenterInputError
from core.transactions import parse_transactions


@pytest.fixture(scope="module")
def cdnow_transactions(cdnow_raw):
    return parse_transactions(cdnow_raw[["customer", "date", "amount"]])


@pytest.fixture(scope="module")
def cdnow_calibration(cdnow_transactions):
    return customer_summary(cdnow_transactions, observation_end="1997-09-30")


def test_undiscounted_clv_is_expected_purchases_times_spend(cdnow_calibration):
    result = model_clv(cdnow_calibration, horizon=39, discount_rate=0.0)
    customers = result.customers
    np.testing.assert_allclose(
        customers["model_clv"], customers["expected_purchases"] * customers["expected_avg_spend"]
    )
    # the horizon total is the BG/NBD 39-week prediction: about 1,653 purchases over the 2,357 customers
    assert customers["expected_purchases"].sum() == pytest.approx(1653.4, abs=1.0)


def test_discounting_by_hand_for_one_customer(cdnow_calibration):
    # Recompute customer 0 with the period increments and 1.1^(7/365.25) - 1 per week over 4 weeks
    result = model_clv(cdnow_calibration, horizon=4, discount_rate=0.10, margin=0.25)
    from core.customers.bgnbd import BetaGeoModel

    model = BetaGeoModel()
    values = result.parameters.set_index("parameter")["value"]
    model.params_ = {name: float(values[name]) for name in ("r", "alpha", "a", "b")}
    row = result.customers.iloc[0]
    cumulative = [0.0] + [
        model.expected_purchases(t, row["frequency"], row["recency"], row["T"])[0] for t in (1, 2, 3, 4)
    ]
    weekly = 1.1 ** (7 / 365.25) - 1
    by_hand = sum((cumulative[k] - cumulative[k - 1]) / (1 + weekly) ** k for k in range(1, 5))
    assert row["model_clv"] == pytest.approx(by_hand * row["expected_avg_spend"] * 0.25, rel=1e-10)
    assert float(values["discount_per_period"]) == pytest.approx(0.0018283, abs=1e-7)


def test_fractional_horizon_counts_the_part_period(cdnow_calibration):
    whole = model_clv(cdnow_calibration, horizon=2, discount_rate=0.0).customers["expected_purchases"]
    part = model_clv(cdnow_calibration, horizon=1.5, discount_rate=0.0).customers["expected_purchases"]
    assert np.all(part < whole) and np.all(part > 0)


def test_discounting_lowers_clv(cdnow_calibration):
    plain = model_clv(cdnow_calibration, horizon=52, discount_rate=0.0).customers["model_clv"]
    discounted = model_clv(cdnow_calibration, horizon=52, discount_rate=0.2).customers["model_clv"]
    assert np.all(discounted < plain)


def test_parameters_table_holds_both_models(cdnow_calibration):
    parameters = model_clv(cdnow_calibration, horizon=52, discount_rate=0.1).parameters
    values = parameters.set_index("parameter")["value"]
    assert float(values["r"]) == pytest.approx(0.243, rel=0.01)
    assert float(values["p"]) == pytest.approx(6.25, rel=0.01)
    assert "no profit data" in values["margin"]


def test_unit_mismatch_raises(cdnow_calibration):
    with pytest.raises(SegmenterInputError, match="measures time in 'W'"):
        model_clv(cdnow_calibration, horizon=12, discount_rate=0.1, unit="M")


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"horizon": 0, "discount_rate": 0.1}, "horizon"),
        ({"horizon": 10, "discount_rate": -0.1}, "discount"),
        ({"horizon": 10, "discount_rate": 0.1, "margin": 1.5}, "margin"),
    ],
)
def test_bad_settings_raise(cdnow_calibration, kwargs, message):
    with pytest.raises(SegmenterInputError, match=message):
        model_clv(cdnow_calibration, **kwargs)


def test_own_margin_is_used_when_profit_is_known(cdnow_raw):
    raw = cdnow_raw.assign(profit=cdnow_raw["amount"] * np.where(cdnow_raw["customer"] == 4, 0.5, 0.2))
    summary = customer_summary(
        parse_transactions(raw[["customer", "date", "amount", "profit"]]), observation_end="1997-09-30"
    )
    result = model_clv(summary, horizon=26, discount_rate=0.1)
    customers = result.customers.set_index("account")
    assert customers.loc["4", "margin_pct"] == pytest.approx(0.5)
    assert customers.loc["21", "margin_pct"] == pytest.approx(0.2)
    assert "own margin" in result.parameters.set_index("parameter").loc["margin", "value"]
