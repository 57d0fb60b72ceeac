"""The whale curve: a hand-computed example, its properties, and where it is undefined."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.whale import whale_curve


def test_whale_curve_of_five_accounts_by_hand():
    # profits 40, 25, 0, -5, -20: total 40; cumulative 40, 65, 65, 60, 40 -> 100 %, 162.5 %, 162.5 %, 150 %, 100 %
    curve = whale_curve([-5.0, 40.0, 0.0, -20.0, 25.0])
    assert curve.points["profit"].tolist() == [40.0, 25.0, 0.0, -5.0, -20.0]
    assert curve.points["position"].tolist() == [1, 4, 2, 0, 3]
    assert curve.points["profit_share_cum"].tolist() == pytest.approx([1.0, 1.625, 1.625, 1.5, 1.0])
    assert curve.points["account_share"].tolist() == pytest.approx([0.2, 0.4, 0.6, 0.8, 1.0])
    assert (curve.profitable_accounts, curve.loss_accounts) == (2, 2)
    assert curve.peak_account_share == pytest.approx(0.4)
    assert curve.peak_profit_share == pytest.approx(65 / 40)
    assert curve.loss_share == pytest.approx(25 / 40)
    assert curve.sentence() == "the most profitable 40 % of accounts earn 162.5 % of profit; the rest lose 62.5 %"


def test_whale_curve_is_undefined_when_total_profit_is_not_positive():
    curve = whale_curve([10.0, -10.0])
    assert not curve.defined and "not above 0" in curve.reason
    assert curve.points.empty and curve.chart_points().empty
    assert math.isnan(curve.peak_profit_share)
    assert "undefined" in curve.to_frame()["note"].iloc[-1]
    assert "no account has a profit figure" in whale_curve([np.nan, np.nan]).reason


def test_missing_profit_is_left_out_and_counted():
    curve = whale_curve([np.nan, 30.0, 10.0])
    assert (curve.accounts, curve.left_out) == (2, 1)
    assert curve.to_frame().loc[0, "note"] == "1 account without one left out"


def test_chart_points_keep_the_peak_and_the_end():
    profit = np.r_[np.full(700, 10.0), np.full(300, -5.0)]
    curve = whale_curve(profit)
    chart = curve.chart_points(max_points=50)
    assert len(chart) <= 52
    assert chart["profit_share_cum"].max() == pytest.approx(curve.peak_profit_share)
    assert chart.iloc[-1].tolist() == [1.0, 1.0]
    assert chart.iloc[0].tolist() == [0.0, 0.0]


@given(st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=60))
def test_curve_ends_at_100_percent_and_peaks_at_positive_over_total(profits):
    curve = whale_curve(profits)
    total = math.fsum(profits)
    if total <= 0:
        assert not curve.defined
        return
    shares = curve.points["profit_share_cum"].to_numpy()
    assert shares[-1] == 1.0
    positive = math.fsum(p for p in profits if p > 0)
    assert curve.peak_profit_share == pytest.approx(positive / total, rel=1e-9)
    assert shares.max() == pytest.approx(positive / total, rel=1e-6, abs=1e-9)
    assert np.all(np.diff(curve.points["profit"].to_numpy()) <= 0)
