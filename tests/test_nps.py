"""Tests for core.nps: answer validation, NPS with margin of error, per group, and the gap."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.cells import ISSUE_COLUMNS
from core.errors import SegmenterInputError
from core.groups import BLANK_GROUP
from core.nps import NpsGap, nps, nps_by, nps_coding, nps_gap, validate_scores

NAN = float("nan")

# The seed example: small accounts 50 respondents, 20 promoters, 19 passives, 11 detractors
# -> NPS 100 * (20 - 11) / 50 = 18; large accounts 50 respondents, 30 promoters, 17 passives,
# 3 detractors -> 100 * (30 - 3) / 50 = 54; gap 54 - 18 = 36.
SMALL = [10] * 10 + [9] * 10 + [8] * 10 + [7] * 9 + [6] * 5 + [0] * 6
LARGE = [10] * 30 + [7] * 17 + [4] * 3
SEED_SCORES = np.array(SMALL + LARGE, dtype=float)
SEED_SIZES = np.array(["Small"] * 50 + ["Large"] * 50, dtype=object)

# margins by hand: small p = 0.40, d = 0.22, var = 0.62 - 0.18^2 = 0.5876;
# large p = 0.60, d = 0.06, var = 0.66 - 0.54^2 = 0.3684
SMALL_MOE = 1.96 * math.sqrt(0.5876 / 50) * 100  # 21.247...
LARGE_MOE = 1.96 * math.sqrt(0.3684 / 50) * 100  # 16.824...


def test_nps_of_five_answers_by_hand():
    # 10, 9 promoters; 7 passive; 6, 0 detractors: (2 - 2) / 5 = 0 points;
    # p = d = 0.4, var = 0.8 - 0 = 0.8, margin = 1.96 * sqrt(0.8 / 5) * 100 = 1.96 * 0.4 * 100 = 78.4
    result = nps([10, 9, 7, 6, 0], min_respondents=1)
    assert (result.respondents, result.promoters, result.passives, result.detractors) == (5, 2, 1, 2)
    assert result.nps == 0.0
    assert result.margin_of_error == pytest.approx(78.4)
    assert result.warning == ""


def test_seed_small_accounts_score_exactly_18_and_large_54():
    assert nps(SMALL).nps == 18.0
    assert nps(LARGE).nps == 54.0
    assert nps(SMALL).margin_of_error == pytest.approx(SMALL_MOE)
    assert nps(LARGE).margin_of_error == pytest.approx(LARGE_MOE)


def test_boundaries_of_the_classes():
    # 6 is a detractor, 7 and 8 passives, 9 a promoter
    np.testing.assert_array_equal(nps_coding([0, 6, 7, 8, 9, 10, NAN]), [-1, -1, 0, 0, 1, 1, NAN])


def test_no_answer_is_not_a_respondent():
    # one promoter, one detractor, two blanks: (1 - 1) / 2 = 0
    result = nps([10, NAN, 0, NAN], min_respondents=1)
    assert result.respondents == 2 and result.nps == 0.0


def test_no_respondents_give_nan_with_a_reason():
    for scores in ([], [NAN, NAN]):
        result = nps(scores)
        assert result.respondents == 0
        assert math.isnan(result.nps) and math.isnan(result.margin_of_error)
        assert result.warning == "no respondents: NPS undefined"


def test_one_respondent_has_a_score_but_no_margin_of_error():
    result = nps([10])
    assert result.nps == 100.0 and math.isnan(result.margin_of_error)
    assert result.warning == "only 1 respondent (fewer than 30): too few to compare"
    assert nps([10], min_respondents=1).warning == "only 1 respondent: no margin of error"


def test_all_promoters_score_100_with_zero_margin():
    result = nps([9, 10] * 20)
    assert result.nps == 100.0 and result.margin_of_error == 0.0


def test_all_detractors_score_minus_100():
    assert nps([0, 3, 6] * 20).nps == -100.0


def test_an_answer_off_the_scale_raises_with_its_position():
    with pytest.raises(SegmenterInputError) as error:
        nps([10, 11])
    assert error.value.row == 1 and "0 to 10" in str(error.value)
    with pytest.raises(SegmenterInputError):
        nps([7.5])
    with pytest.raises(SegmenterInputError):
        nps([-1])


def test_infinite_answer_raises():
    with pytest.raises(SegmenterInputError):
        nps([np.inf])


def test_min_respondents_below_one_raises():
    with pytest.raises(SegmenterInputError, match="min_respondents"):
        nps([10], min_respondents=0)


def test_validate_scores_keeps_whole_numbers_0_to_10_and_reports_the_rest():
    raw = np.array([10, "9", None, "n/a", 7.5, -1, 11, 0, "  ", np.inf], dtype=object)
    clean, issues = validate_scores(raw, sheet_rows=np.arange(2, 12), column="NPS")
    np.testing.assert_array_equal(clean, [10, 9, NAN, NAN, NAN, NAN, NAN, 0, NAN, NAN])
    assert tuple(issues.columns) == ISSUE_COLUMNS
    # "9" read and reported as coerced; "n/a" and inf rejected by the cell reader; 7.5, -1, 11 off the scale
    assert issues["sheet_row"].tolist() == [3, 5, 6, 7, 8, 11]
    assert issues["action"].tolist() == ["coerced", "rejected", "rejected", "rejected", "rejected", "rejected"]
    assert issues.loc[issues["sheet_row"].isin([6, 7, 8]), "value"].tolist() == ["7.5", "-1", "11"]
    assert (issues["column"] == "NPS").all()
    assert issues.loc[2, "reason"].startswith("an NPS answer is a whole number from 0 to 10")


def test_validate_scores_of_clean_answers_reports_nothing():
    clean, issues = validate_scores(np.array([0.0, 10.0, NAN]))
    np.testing.assert_array_equal(clean, [0, 10, NAN])
    assert issues.empty and tuple(issues.columns) == ISSUE_COLUMNS


def test_validate_scores_without_sheet_rows_uses_positions():
    _, issues = validate_scores([5.0, 12.0])
    assert issues["sheet_row"].tolist() == [1]


def test_validate_scores_with_wrong_number_of_sheet_rows_raises():
    with pytest.raises(SegmenterInputError, match="sheet rows"):
        validate_scores([5.0, 12.0], sheet_rows=[2])


def test_nps_by_seed_example():
    table = nps_by(SEED_SCORES, SEED_SIZES, order=["Small", "Large"], group_name="size")
    assert table["size"].tolist() == ["Small", "Large", "Total"]
    assert table["respondents"].tolist() == [50, 50, 100]
    assert table["promoters"].tolist() == [20, 30, 50]
    assert table["passives"].tolist() == [19, 17, 36]
    assert table["detractors"].tolist() == [11, 3, 14]
    np.testing.assert_allclose(table["promoter_share"], [0.4, 0.6, 0.5])
    np.testing.assert_allclose(table["detractor_share"], [0.22, 0.06, 0.14])
    # total: 100 * (50 - 14) / 100 = 36
    assert table["nps"].tolist() == [18.0, 54.0, 36.0]
    # total p = 0.5, d = 0.14, var = 0.64 - 0.36^2 = 0.5104
    np.testing.assert_allclose(table["margin_of_error"], [SMALL_MOE, LARGE_MOE, 1.96 * math.sqrt(0.5104 / 100) * 100])
    assert table["warning"].tolist() == ["", "", ""]


def test_nps_by_lists_groups_without_respondents_and_warns_about_small_ones():
    scores = [10.0] * 12 + [NAN, NAN]
    groups = ["A"] * 12 + ["B", "C"]
    table = nps_by(scores, groups, order=["A", "B", "C", "D"])
    assert table["tier"].tolist() == ["A", "B", "C", "D", "Total"]
    assert table["respondents"].tolist() == [12, 0, 0, 0, 12]
    assert table["warning"].iloc[0] == "only 12 respondents (fewer than 30): too few to compare"
    assert table["warning"].iloc[1] == "no respondents: NPS undefined"
    assert table.loc[1:3, ["nps", "margin_of_error", "promoter_share"]].isna().all(axis=None)


def test_nps_by_missing_group_is_blank():
    table = nps_by([10.0, 0.0], ["A", None], min_respondents=1)
    assert table["tier"].tolist() == ["A", BLANK_GROUP, "Total"]
    assert table["nps"].tolist() == [100.0, -100.0, 0.0]


def test_nps_by_empty_input_has_a_total_row_only():
    table = nps_by([], [])
    assert table["tier"].tolist() == ["Total"]
    assert table["respondents"].tolist() == [0]


def test_nps_by_length_mismatch_raises():
    with pytest.raises(SegmenterInputError, match="length"):
        nps_by([10.0, 9.0], ["A"])


def test_seed_gap_is_36_points_and_significant():
    table = nps_by(SEED_SCORES, SEED_SIZES, group_name="size")
    gap = nps_gap(table, "Small", "Large", group_name="size")
    assert (gap.group_a, gap.group_b, gap.nps_a, gap.nps_b, gap.gap) == ("Small", "Large", 18.0, 54.0, 36.0)
    # sqrt(21.25^2 + 16.82^2) = 27.10 < 36
    assert gap.margin_of_error == pytest.approx(math.hypot(SMALL_MOE, LARGE_MOE))
    assert gap.margin_of_error == pytest.approx(27.10, abs=0.01)
    assert gap.significant is True
    assert (gap.high_group, gap.low_group, gap.warning) == ("Large", "Small", "")


def test_gap_is_signed_b_minus_a():
    table = nps_by(SEED_SCORES, SEED_SIZES, group_name="size")
    assert nps_gap(table, "Large", "Small", group_name="size").gap == -36.0


def test_default_gap_is_highest_minus_lowest_group():
    # A: 100, B: 18 (seed small), C: -100 (2 detractors); total row excluded
    scores = np.array([10.0] * 40 + SMALL + [0.0] * 40)
    groups = ["A"] * 40 + ["B"] * 50 + ["C"] * 40
    gap = nps_gap(nps_by(scores, groups))
    assert (gap.high_group, gap.low_group) == ("A", "C")
    assert (gap.group_a, gap.group_b, gap.gap) == ("C", "A", 200.0)


def test_default_gap_skips_groups_too_small_to_compare():
    # A 100 from 40 answers, B 18 (seed small, 50 answers), D 100 from a single answer, E -100 from 2:
    # D and E are too small, so the gap is A - B = 82
    scores = np.array([10.0] * 40 + SMALL + [10.0] + [0.0, 0.0])
    groups = ["A"] * 40 + ["B"] * 50 + ["D"] + ["E"] * 2
    gap = nps_gap(nps_by(scores, groups))
    assert (gap.low_group, gap.high_group, gap.gap, gap.warning) == ("B", "A", 82.0, "")


def test_default_gap_falls_back_to_small_groups_with_their_warnings():
    # only A has 30 answers; B has 5 promoters of 5
    table = nps_by([0.0] * 30 + [10.0] * 5, ["A"] * 30 + ["B"] * 5)
    gap = nps_gap(table)
    assert (gap.group_a, gap.group_b, gap.gap) == ("A", "B", 200.0)
    assert gap.warning == "B: only 5 respondents (fewer than 30): too few to compare"


def test_default_gap_of_equal_groups_compares_two_different_groups():
    table = nps_by([10.0] * 40 + [10.0] * 40, ["A"] * 40 + ["B"] * 40)
    gap = nps_gap(table)
    assert (gap.high_group, gap.low_group, gap.gap) == ("A", "B", 0.0)


def test_year_groups_can_be_named_by_number():
    table = nps_by([10.0] * 30 + [0.0] * 30, [2019.0] * 30 + [2020.0] * 30, group_name="cohort")
    assert nps_gap(table, 2019, 2020.0, group_name="cohort").gap == -200.0


def test_gap_warns_when_a_group_is_small():
    # 10 respondents each: A 100, B 0
    table = nps_by([10.0] * 10 + [7.0] * 10, ["A"] * 10 + ["B"] * 10)
    gap = nps_gap(table, "B", "A")
    assert gap.gap == 100.0
    assert gap.warning == (
        "B: only 10 respondents (fewer than 30): too few to compare; "
        "A: only 10 respondents (fewer than 30): too few to compare"
    )


def test_gap_to_a_group_without_respondents_is_nan_with_a_warning():
    table = nps_by([10.0] * 40 + [NAN], ["A"] * 40 + ["B"])
    gap = nps_gap(table, "A", "B")
    assert math.isnan(gap.gap) and gap.significant is False
    assert gap.warning == "B: no respondents: NPS undefined"


def test_default_gap_with_fewer_than_two_answered_groups_is_nan():
    gap = nps_gap(nps_by([10.0] * 40 + [NAN], ["A"] * 40 + ["B"]))
    assert math.isnan(gap.gap)
    assert gap.warning == "fewer than two groups with respondents: no gap"


def test_small_difference_is_not_significant():
    # A 50 answers: 25 promoters 25 detractors -> 0; B 50: 26 promoters 24 detractors -> 4 points;
    # each margin about 1.96 * sqrt(1 / 50) * 100 = 27.7, far above 4
    table = nps_by([10.0] * 25 + [0.0] * 25 + [10.0] * 26 + [0.0] * 24, ["A"] * 50 + ["B"] * 50)
    gap = nps_gap(table, "A", "B")
    assert gap.gap == pytest.approx(4.0) and gap.significant is False


def test_unknown_group_raises_naming_the_groups():
    table = nps_by(SEED_SCORES, SEED_SIZES, group_name="size")
    with pytest.raises(SegmenterInputError, match="Medium.*Large, Small"):
        nps_gap(table, "Medium", "Large", group_name="size")
    with pytest.raises(SegmenterInputError, match="Total"):
        nps_gap(table, "Total", "Large", group_name="size")


def test_only_one_group_given_raises():
    table = nps_by(SEED_SCORES, SEED_SIZES, group_name="size")
    with pytest.raises(SegmenterInputError, match="both"):
        nps_gap(table, "Large", group_name="size")


def test_gap_of_a_table_without_nps_columns_raises():
    with pytest.raises(SegmenterInputError, match="not an NPS"):
        nps_gap(pd.DataFrame({"tier": ["A"]}))


def test_gap_to_frame_is_one_row_of_its_fields():
    gap = nps_gap(nps_by(SEED_SCORES, SEED_SIZES, group_name="size"), group_name="size")
    frame = gap.to_frame()
    assert frame.columns.tolist() == list(NpsGap.__dataclass_fields__)
    assert frame.loc[0, "gap"] == 36.0 and len(frame) == 1


answers = st.lists(st.one_of(st.just(NAN), st.integers(0, 10).map(float)), max_size=60)


@given(answers)
def test_nps_lies_between_minus_100_and_100(scores):
    result = nps(scores)
    if result.respondents:
        assert -100 <= result.nps <= 100
        assert result.respondents == sum(not math.isnan(s) for s in scores)
    if result.respondents > 1:
        assert result.margin_of_error >= 0


@given(st.lists(st.tuples(st.one_of(st.just(NAN), st.integers(0, 10).map(float)), st.sampled_from("ABC")), max_size=60))
def test_each_group_row_equals_nps_of_its_answers(rows):
    scores = [s for s, _ in rows]
    groups = [g for _, g in rows]
    table = nps_by(scores, groups, order=["A", "B", "C"]).set_index("tier")
    for label in ("A", "B", "C"):
        expected = nps([s for s, g in rows if g == label])
        assert table.loc[label, "respondents"] == expected.respondents
        assert table.loc[label, "nps"] == pytest.approx(expected.nps, nan_ok=True)
        assert table.loc[label, "margin_of_error"] == pytest.approx(expected.margin_of_error, nan_ok=True)
    assert table.loc["Total", "nps"] == pytest.approx(nps(scores).nps, nan_ok=True)


@given(
    st.lists(st.tuples(st.integers(0, 10).map(float), st.sampled_from("ABC")), max_size=60),
    st.randoms(use_true_random=False),
)
def test_nps_by_does_not_depend_on_answer_order(rows, random):
    shuffled = list(rows)
    random.shuffle(shuffled)
    tables = [nps_by([s for s, _ in r], [g for _, g in r], order=list("ABC")) for r in (rows, shuffled)]
    pd.testing.assert_frame_equal(tables[0], tables[1])
