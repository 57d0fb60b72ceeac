"""RFM: hand-checked scores, ties that never split, user cut points, segment rules covering all 125 cells."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.customers.rfm import SEGMENT_RULES, rfm_scores, segment_of
from core.errors import SegmenterInputError


def _summary(since_last, purchases, spend):
    return pd.DataFrame(
        {
            "account": [f"c{i}" for i in range(len(spend))],
            "time_since_last": since_last,
            "purchases": purchases,
            "total_spend": spend,
        }
    )


def test_every_one_of_125_score_combinations_matches_exactly_one_rule():
    for r, f, m in itertools.product(range(1, 6), repeat=3):
        fm = -(-(f + m) // 2)
        matches = [name for name, r_values, fm_values, _ in SEGMENT_RULES if r in r_values and fm in fm_values]
        assert len(matches) == 1, (r, f, m, matches)
        assert segment_of(r, fm) == matches[0]


def test_ten_customers_by_hand():
    # spend 10..100: quintile edges at 28, 46, 64, 82 -> two customers per score
    # time since last 1..10 (c0 most recent): edges 2.8, 4.6, 6.4, 8.2 -> R = 5,5,4,4,3,3,2,2,1,1
    result = rfm_scores(_summary(np.arange(1.0, 11), np.arange(10, 0, -1), np.arange(10.0, 101, 10)))
    assert result.scores["R"].tolist() == [5, 5, 4, 4, 3, 3, 2, 2, 1, 1]
    assert result.scores["M"].tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    m_edges = result.thresholds.query("metric == 'M'")["upper"].tolist()
    assert m_edges == pytest.approx([28.0, 46.0, 64.0, 82.0, np.inf])
    # c0: R 5, F 5 (10 purchases), M 1 -> FM = ceil(6 / 2) = 3 -> Potential loyalist
    assert result.scores.loc[0, ["RFM", "segment"]].tolist() == ["551", "Potential loyalist"]


def test_ties_on_coinciding_quantiles_share_one_score_and_are_reported():
    # purchases 1,1,1,1,1,1,2,2,3,7: the 20 %, 40 % quantiles are both 1 -> all one-time buyers score 1,
    # 60 % = 1.4, 80 % = 2.2 -> 2 purchases score 4, 3 and 7 score 5; scores 2 and 3 are empty
    result = rfm_scores(_summary(np.arange(1.0, 11), [1, 1, 1, 1, 1, 1, 2, 2, 3, 7], np.arange(10.0, 101, 10)))
    assert result.scores["F"].tolist() == [1, 1, 1, 1, 1, 1, 4, 4, 5, 5]
    f_rows = result.thresholds.query("metric == 'F'").set_index("score")
    assert f_rows["customers"].tolist() == [6, 0, 0, 2, 2]
    assert "quantiles are equal" in f_rows.loc[2, "note"]
    assert f_rows.loc[3, "note"] == "empty: no customer in this range"


def test_all_equal_values_give_everyone_the_same_score():
    result = rfm_scores(_summary([3.0] * 6, [2] * 6, [50.0] * 6))
    assert set(result.scores["F"]) == {1} and set(result.scores["M"]) == {1} and set(result.scores["R"]) == {5}


def test_user_cut_points_are_used_and_shown():
    # spend cuts 100, 200, 300, 400: 50 -> 1, 100 -> 1 (a value on a cut goes below), 250 -> 3, 1000 -> 5
    result = rfm_scores(
        _summary([1.0, 2, 3, 4], [1, 2, 3, 4], [50.0, 100, 250, 1000]), cuts={"M": [100, 200, 300, 400]}
    )
    assert result.scores["M"].tolist() == [1, 1, 3, 5]
    assert result.thresholds.query("metric == 'M'")["upper"].tolist()[:4] == [100, 200, 300, 400]


def test_user_recency_cuts_score_shorter_times_higher():
    result = rfm_scores(_summary([1.0, 10, 40, 100], [1, 1, 1, 1], [1.0, 2, 3, 4]), cuts={"R": [4, 8, 26, 52]})
    assert result.scores["R"].tolist() == [5, 3, 2, 1]


@pytest.mark.parametrize(
    "cuts, message",
    [
        ({"M": [100, 50, 200, 300]}, "strictly increasing"),
        ({"M": [1, 2]}, "4 strictly increasing"),
        ({"X": [1, 2, 3, 4]}, "unknown metric"),
    ],
)
def test_bad_cut_points_raise(cuts, message):
    with pytest.raises(SegmenterInputError, match=message):
        rfm_scores(_summary([1.0, 2], [1, 2], [1.0, 2]), cuts=cuts)


def test_other_bin_counts_are_rescaled_for_segments():
    # bins = 3: scores 1-3 map to ceil(5 s / 3) = 2, 4, 5; the best customer is still a Champion
    result = rfm_scores(_summary([1.0, 5, 9], [9, 5, 1], [90.0, 50, 10]), bins=3)
    assert result.scores["R"].tolist() == [3, 2, 1]
    assert result.scores["segment"].tolist()[0] == "Champions"


def test_missing_column_and_bad_bins_raise():
    with pytest.raises(SegmenterInputError, match="lacks total_spend"):
        rfm_scores(pd.DataFrame({"account": ["a"], "time_since_last": [1.0], "purchases": [1]}))
    with pytest.raises(SegmenterInputError, match="bins"):
        rfm_scores(_summary([1.0], [1], [1.0]), bins=1)


def test_segment_table_counts_add_up():
    result = rfm_scores(_summary(np.arange(1.0, 21), np.arange(20, 0, -1), np.arange(1.0, 21)))
    assert result.segments["customers"].sum() == 20
    assert result.segments["revenue_share"].sum() == pytest.approx(1.0)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 100), st.integers(1, 20), st.floats(0, 1e6)), min_size=1, max_size=60))
def test_scores_are_monotone_and_ties_never_split(rows):
    since, purchases, spend = (np.array(v, dtype=float) for v in zip(*rows))
    scores = rfm_scores(_summary(since, purchases, spend)).scores
    for values, score, sign in ((since, scores["R"], -1), (purchases, scores["F"], 1), (spend, scores["M"], 1)):
        order = np.argsort(sign * values, kind="stable")
        assert np.all(np.diff(score.to_numpy()[order]) >= 0)
        for value in np.unique(values):
            assert score[values == value].nunique() == 1
    assert scores["segment"].notna().all()
