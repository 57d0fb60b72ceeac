"""Worksheet functions through xlwings' own call path (custom_functions_call), as Excel calls them.

The five-account list used throughout: revenue 50, 20, 15, 10, 5 (total 100).
By hand: Pareto tiers A A A B C (shares before each: 0, 50, 70, 85, 95 %); HHI 2500 + 400 + 225 +
100 + 25 = 3250; Gini (population form, ascending 5, 10, 15, 20, 50) = (-4*5 - 2*10 + 0 + 2*20 +
4*50) / (5 * 100) = 0.4; 3 accounts make 80 % (50 + 20 + 15 = 85); top 20 % = 1 account = 50 %.
"""

from __future__ import annotations

import math

import pytest
from xlwings import server

import udfs
from tests.conftest import call_udf, udf_reason

HEADER = ["Account", "Revenue", "Profit"]
FIVE = [["Acme", 50.0, 10.0], ["Beta", 20.0, 6.0], ["Cora", 15.0, -1.5], ["Dune", 10.0, 1.0], ["Echo", 5.0, 2.5]]


def test_segment_tier_spills_one_tier_per_row_with_header():
    assert call_udf("segment_tier", [HEADER] + FIVE) == [["Tier"], ["A"], ["A"], ["A"], ["B"], ["C"]]


def test_segment_tier_keeps_blank_rows_blank_and_points_at_rejected_cells():
    rows = [HEADER, FIVE[0], [None, None, None], FIVE[1], ["Bad", "$1.2k", 1.0], FIVE[2], FIVE[3], FIVE[4]]
    out = udf_reason("segment_tier", rows)
    assert len(out) == len(rows)
    assert out[2] == [""]
    assert out[4][0].startswith("range row 5, Revenue: '$1.2k' is not a plain number")
    assert [r[0] for r in out[:2] + out[3:4] + out[5:]] == ["Tier", "A", "A", "A", "B", "C"]


def test_segment_tier_without_header_reads_column_order():
    assert call_udf("segment_tier", FIVE) == [["A"], ["A"], ["A"], ["B"], ["C"]]


def test_segment_tier_rank_method_and_threshold_cutoffs():
    # rank: top 20 % of 5 accounts = 1 account A, next up to 50 % = accounts 2 (share before 20 %) and 3 (40 %)
    assert [r[0] for r in call_udf("segment_tier", FIVE, "rank")] == ["A", "B", "B", "C", "C"]
    assert [r[0] for r in call_udf("segment_tier", FIVE, "threshold", "20,10")] == ["A", "A", "B", "B", "C"]
    assert [r[0] for r in call_udf("segment_tier", FIVE, "threshold", [[20.0], [10.0]])] == ["A", "A", "B", "B", "C"]


def test_segment_tier_bad_method_is_a_readable_message():
    out = udf_reason("segment_tier", FIVE, "biggest")
    assert isinstance(out, str) and out.startswith("segmenter: ") and "pareto" in out


def test_segment_margin_is_profit_over_revenue_and_says_why_when_undefined():
    rows = [HEADER] + FIVE + [["Zero", 0.0, 5.0]]
    out = udf_reason("segment_margin", rows)
    assert out[0] == ["Margin %"]
    assert [r[0] for r in out[1:6]] == pytest.approx([0.2, 0.3, -0.1, 0.1, 0.5])
    assert out[6][0].startswith("n/a: ") and "revenue" in out[6][0]


def test_segment_strategy_splits_at_the_medians_when_asked():
    # median revenue 15, median margin 0.2: Acme 50/0.2 Protect, Beta 20/0.3 Protect,
    # Cora 15/-0.1 Fix margin, Dune 10/0.1 Migrate, Echo 5/0.5 Grow
    out = call_udf("segment_strategy", [HEADER] + FIVE, "median", "median")
    assert [r[0] for r in out] == ["Strategy", "Protect", "Protect", "Fix margin", "Migrate", "Grow"]


def test_segment_strategy_defaults_to_tier_a_and_the_portfolio_margin():
    # tier A = Acme, Beta, Cora (revenue >= 15); portfolio margin 19.1 / 100 = 19.1 %, so Acme (20 %) is Protect
    # where a 21 % median split would make it Fix margin
    rows = [HEADER] + [FIVE[0], FIVE[1], FIVE[2], ["Dune", 10.0, 2.1], FIVE[4]]  # margins .2 .3 -.1 .21 .5
    assert call_udf("segment_strategy", rows, "median", "median")[1] == ["Fix margin"]
    assert [r[0] for r in call_udf("segment_strategy", rows)] == [
        "Strategy",
        "Protect",
        "Protect",
        "Fix margin",
        "Grow",
        "Grow",
    ]


def test_segment_summary_per_tier_has_headers_and_totals():
    out = call_udf("segment_summary", [HEADER] + FIVE)
    header = out[0]
    assert header[:4] == ["Tier", "Accounts", "Revenue", "Profit"]
    by_tier = {row[0]: row for row in out[1:]}
    assert by_tier["A"][1:4] == [3, 85.0, 14.5]
    assert by_tier["B"][1:4] == [1, 10.0, 1.0]
    assert by_tier["Total"][1:3] == [5, 100.0]


def test_segment_summary_by_a_column_header():
    rows = [HEADER + ["Sector"]] + [r + [s] for r, s in zip(FIVE, ["Retail", "Retail", "Bank", "Bank", "Bank"])]
    out = call_udf("segment_summary", rows, "Sector")
    by = {row[0]: row for row in out[1:]}
    assert by["Retail"][1:3] == [2, 70.0]
    assert by["Bank"][1:3] == [3, 30.0]


def test_segment_issues_lists_rows_of_the_range():
    rows = [HEADER, FIVE[0], ["Bad", "$1.2k", 1.0], ["Text", "1,200.50", "#N/A"]]
    out = call_udf("segment_issues", rows)
    assert out[0] == ["Range row", "Column", "Value", "Action", "Reason"]
    found = {(r[0], r[1], r[3]) for r in out[1:]}
    assert (3, "Revenue", "rejected") in found
    assert (4, "Revenue", "coerced") in found
    assert (4, "Profit", "rejected") in found


def test_segment_issues_on_clean_data_only_says_how_columns_were_read():
    out = call_udf("segment_issues", [HEADER] + FIVE)
    assert [row[3] for row in out[1:]] == ["note"]
    assert "profit read as amounts" in out[1][4]


REVENUE_COLUMN = [["Revenue"], [50.0], [20.0], [None], [15.0], [10.0], [5.0]]


@pytest.mark.parametrize(("top", "expected"), [(1.0, 0.5), (2.0, 0.7), (0.2, 0.5), (0.4, 0.7), (None, 0.5)])
def test_concentration_top_n_and_top_share(top, expected):
    args = [REVENUE_COLUMN] + ([] if top is None else [top])
    assert call_udf("concentration", *args) == pytest.approx(expected)


def test_hhi_gini_and_accounts_for_share_by_hand():
    assert call_udf("hhi", REVENUE_COLUMN) == pytest.approx(3250.0)
    assert call_udf("gini", REVENUE_COLUMN) == pytest.approx(0.4)
    assert call_udf("accounts_for_share", REVENUE_COLUMN) == 3
    assert call_udf("accounts_for_share", REVENUE_COLUMN, 0.5) == 1


def test_measures_refuse_a_bad_cell_naming_its_row():
    out = udf_reason("hhi", [["Revenue"], [50.0], ["n/a"], [10.0]])
    assert out.startswith("segmenter: range row 3") and "revenue" in out


def test_hhi_of_a_single_cell():
    assert call_udf("hhi", 42.0) == pytest.approx(10000.0)


# the seed example: small accounts NPS 18, large accounts NPS 54, gap 36
SMALL = [10.0] * 20 + [7.0] * 19 + [3.0] * 11  # (20 - 11) / 50 = 18
LARGE = [9.0] * 30 + [8.0] * 17 + [0.0] * 3  # (30 - 3) / 50 = 54


def _nps_ranges():
    scores = [["NPS"]] + [[s] for s in SMALL + LARGE]
    groups = [["Size"]] + [["Small"]] * len(SMALL) + [["Large"]] * len(LARGE)
    return scores, groups


def test_nps_of_the_small_accounts_is_18():
    assert call_udf("nps", [[s] for s in SMALL]) == pytest.approx(18.0)


def test_nps_by_and_gap_reproduce_the_seed_example():
    scores, groups = _nps_ranges()
    table = call_udf("nps_by", scores, groups)
    by = {row[0]: dict(zip(table[0], row)) for row in table[1:]}
    assert by["Small"]["NPS score"] if "NPS score" in table[0] else True
    nps_col = table[0].index(next(h for h in table[0] if h.lower().startswith("nps")))
    assert {row[0]: row[nps_col] for row in table[1:]}["Small"] == pytest.approx(18.0)
    assert {row[0]: row[nps_col] for row in table[1:]}["Large"] == pytest.approx(54.0)
    assert call_udf("nps_gap", scores, groups) == pytest.approx(36.0)
    assert call_udf("nps_gap", scores, groups, "Small", "Large") == pytest.approx(36.0)
    assert call_udf("nps_gap", scores, groups, "Large", "Small") == pytest.approx(-36.0)


def test_nps_rejects_an_answer_off_the_scale():
    out = udf_reason("nps", [[9.0], [11.0]])
    assert out.startswith("segmenter: range row 2")


def test_nps_gap_unknown_group_names_the_groups():
    scores, groups = _nps_ranges()
    out = udf_reason("nps_gap", scores, groups, "Tiny", "Large")
    assert out.startswith("segmenter: ") and "Small" in out


def test_cltv_scalar_and_column():
    assert call_udf("cltv", 1000.0, 0.8, 0.1) == pytest.approx(1000 * 0.8 / 0.3)
    assert call_udf("cltv", 1000.0, 0.8) == pytest.approx(1000 * 0.8 / 0.3)
    out = call_udf("cltv", [[1000.0], [None], [300.0]], 0.5, 0.0)
    assert out == [[pytest.approx(1000.0)], [""], [pytest.approx(300.0)]]


def test_cltv_refuses_retention_that_makes_it_infinite():
    out = udf_reason("cltv", 1000.0, 1.2, 0.1)
    assert out.startswith("segmenter: ") and "retention" in out


def test_every_function_has_excel_help_text():
    meta = server.custom_functions_meta(udfs)
    functions = {f["name"]: f for f in meta["functions"]}
    expected = {
        "SEGMENT_TIER",
        "SEGMENT_MARGIN",
        "SEGMENT_STRATEGY",
        "SEGMENT_SUMMARY",
        "SEGMENT_ISSUES",
        "CONCENTRATION",
        "ACCOUNTS_FOR_SHARE",
        "HHI",
        "GINI",
        "NPS",
        "NPS_BY",
        "NPS_GAP",
        "CLTV",
    }
    assert expected <= set(functions)
    for name in expected:
        assert not functions[name]["description"].startswith("Python function"), name
        for parameter in functions[name]["parameters"]:
            assert not parameter["description"].startswith("Positional argument"), (name, parameter["name"])


def test_plain_python_call_matches_the_excel_call():
    assert [list(row) for row in udfs.segment_tier([HEADER] + FIVE)] == call_udf("segment_tier", [HEADER] + FIVE)
    assert math.isclose(udfs.hhi([[50.0], [50.0]]), 5000.0)


def test_segment_tier_beside_a_title_row_and_a_total_row_leaves_them_blank():
    rows = [["Accounts by revenue", None], HEADER] + FIVE + [["Grand Total", sum(r[1] for r in FIVE)]]
    out = call_udf("segment_tier", rows)
    assert out == [[""], ["Tier"], ["A"], ["A"], ["A"], ["B"], ["C"], [""]]


def test_segment_issues_lists_rejected_first_and_one_line_per_routine_column():
    rows = (
        [["Account", "Revenue", "Margin %"]]
        + [[f"c{k}", 100.0 + k, f"{k}%"] for k in range(20)]
        + [["bad", "#N/A", "5%"]]
    )
    out = call_udf("segment_issues", rows)
    assert out[0] == ["Range row", "Column", "Value", "Action", "Reason"]
    assert out[1][:4] == [22, "Revenue", "#N/A", "rejected"]
    margin = [r for r in out[1:] if r[1] == "Margin %" and r[3] == "coerced"]
    assert len(margin) == 1 and margin[0][4].startswith("21 cells (sheet rows 2-22), e.g. '0%'")
