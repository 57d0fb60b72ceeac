"""Errors Excel understands: a function that cannot compute shows #VALUE! (or #N/A where no value
exists) through both of xlwings' call paths, classic Windows (``xlwings.udfs.call_udf`` on the fake
COM, where the error is a VT_ERROR VARIANT as VBA's CVErr makes it) and Office.js (xlwings Lite and
Server, ``custom_functions_call``, where it is Excel's error object); SEGMENT_WHY gives the reason.
Whole-column arguments spill only as far as the data go; whole-report functions reuse their last
result."""

from __future__ import annotations

import pytest

from tests.conftest import NA_ERROR, VALUE_ERROR, call_udf
from tests.fake_com import VT_ERROR, classic_udfs, com_range, cverr

HEADER = ["Account", "Revenue", "Profit"]
FIVE = [["Acme", 50.0, 10.0], ["Beta", 20.0, 6.0], ["Cora", 15.0, -1.5], ["Dune", 10.0, 1.0], ["Echo", 5.0, 2.5]]
TEXT = [["x"], ["y"]]  # a column of words: no revenue, no amounts, no scores
TRANSACTIONS_TEXT = [["Customer", "Date", "Amount"], ["c1", "someday", "ten"]]

# Each function with arguments it cannot compute on, and the error value that shows.
FAILING = {
    "segment_tier": ([TEXT], "#VALUE!"),
    "segment_margin": ([TEXT], "#VALUE!"),
    "segment_strategy": ([TEXT], "#VALUE!"),
    "segment_summary": ([TEXT], "#VALUE!"),
    "segment_issues": ([TEXT], "#VALUE!"),
    "concentration": ([TEXT], "#VALUE!"),
    "accounts_for_share": ([TEXT], "#VALUE!"),
    "hhi": ([TEXT], "#VALUE!"),
    "gini": ([TEXT], "#VALUE!"),
    "nps": ([[["NPS"], [None], [None]]], "#N/A"),  # no answers: no NPS exists
    "nps_by": ([[["NPS"], [9.0]], [["g"]]], "#VALUE!"),  # ranges of different sizes
    "nps_gap": ([[["NPS"], [9.0], [3.0]], [["Size"], ["Small"], ["Small"]]], "#N/A"),  # one group: no gap
    "cltv": ([1000.0, 1.2], "#VALUE!"),
    "whale_curve": ([[HEADER, ["a", 10.0, -5.0]]], "#N/A"),
    "segment_findings": ([TEXT], "#VALUE!"),
    "rfm_segment": ([TRANSACTIONS_TEXT], "#VALUE!"),
    "customer_summary": ([TRANSACTIONS_TEXT], "#VALUE!"),
    "cltv_model": ([TRANSACTIONS_TEXT], "#VALUE!"),
    "segment_growth": ([[HEADER] + FIVE], "#VALUE!"),  # one period only
    "tier_migration": ([[HEADER] + FIVE], "#VALUE!"),
    "segment_why": (["NO_SUCH_FUNCTION", TEXT], "#VALUE!"),
    "survey_match": ([[["Account", "Id"], ["Acme", 1.0]], [["Company"], ["Acme"]]], "#VALUE!"),  # two columns of names
    "revenue_bridge": ([[[1.0], [2.0]], [[1.0]]], "#VALUE!"),  # two rows before, one after
    "retention_fit": ([TEXT], "#VALUE!"),
    "retention_project": ([-1.0, 3.0, 5.0], "#VALUE!"),
    "bgbb_fit": ([TEXT, TEXT, TEXT], "#VALUE!"),
    "clv_range": ([TRANSACTIONS_TEXT], "#VALUE!"),
}
OFFICE_JS = {"#VALUE!": VALUE_ERROR, "#N/A": NA_ERROR}


def call_windows(udfs, name: str, *args):
    """``name(*args)`` the way Excel on Windows calls it; list arguments are fake COM ranges."""
    import xlwings.udfs

    caller = com_range([["x"]], "Caller").Worksheet.Range("Z1")
    com_args = tuple(com_range(a) if isinstance(a, list) else a for a in args)
    result = xlwings.udfs.call_udf("udfs", name.upper(), com_args, None, caller)
    return [list(row) for row in result] if isinstance(result, (list, tuple)) else result


def test_every_function_has_a_failing_case_here():
    import udfs

    assert sorted(FAILING) == sorted(udfs.__all__)


@pytest.mark.parametrize("name", sorted(FAILING))
def test_a_failure_is_an_excel_error_value_on_windows_and_in_lite(name):
    args, error = FAILING[name]
    assert call_udf(name, *args) == OFFICE_JS[error]
    with classic_udfs() as udfs:
        got = call_windows(udfs, name, *args)
    assert got == cverr(error) and got.varianttype == VT_ERROR
    # what VBA's CVErr(xlErrValue) / CVErr(xlErrNA) carries: 0x800A0000 + 2015 / 2042
    assert got.value == {"#VALUE!": -2146826273, "#N/A": -2146826246}[error]


def test_the_reason_is_one_step_away_in_segment_why():
    assert (
        call_udf("segment_why", "HHI", [["Revenue"], [50.0], ["n/a"], [10.0]])
        == "segmenter: range row 3, revenue: 'n/a' is not a number"
    )
    assert (
        call_udf("segment_why", "=nps(B2:B4)", [["NPS"], [None]])
        == "segmenter: no answers 0-10 in the range: NPS undefined"
    )
    assert call_udf("segment_why", "hhi", [[50.0], [50.0]]) == "no error: 5000.0"
    with classic_udfs() as udfs:
        why = call_windows(udfs, "segment_why", "CLTV", 1000.0, 1.2)
    assert why.startswith("segmenter: ") and "retention" in why


def test_rows_that_fail_inside_a_spill_get_their_own_error_value():
    rows = [HEADER, FIVE[0], ["Bad", "$1.2k", 1.0], FIVE[1], ["Zero", 0.0, 5.0]]
    tiers = call_udf("segment_tier", rows)
    margins = call_udf("segment_margin", rows)
    assert tiers == [["Tier"], ["A"], [VALUE_ERROR], ["A"], ["D"]]
    assert margins[:2] == [["Margin %"], [0.2]] and margins[2] == [VALUE_ERROR] and margins[4] == [NA_ERROR]
    with classic_udfs() as udfs:
        desktop = call_windows(udfs, "segment_margin", rows)
    assert desktop[2] == [cverr("#VALUE!")] and desktop[4] == [cverr("#N/A")] and desktop[3] == [pytest.approx(0.3)]
    why = call_udf("segment_why", "SEGMENT_MARGIN", rows)
    assert why[2] == ["range row 3, Revenue: '$1.2k' is not a plain number (suffixes like k/m are not guessed)"]
    assert why[4] == ["n/a: revenue is zero or negative"] and why[1] == [0.2]


def test_a_whole_column_argument_spills_only_the_rows_holding_data():
    # =SEGMENT_TIER(A:C) with 14 filled rows: Excel hands over all 1,048,576 rows of the three columns
    rows = [HEADER] + [[f"Account {i}", float(100 - 5 * i), 1.0] for i in range(13)]
    with classic_udfs():
        import xlwings.udfs

        sheet = com_range(rows).Worksheet
        caller = com_range([["x"]], "Caller").Worksheet.Range("Z1")
        whole = sheet.Range(sheet.Cells(1, 1), sheet.Cells(1_048_576, 3))
        tiers = xlwings.udfs.call_udf("udfs", "SEGMENT_TIER", (whole,), None, caller)
        column = sheet.Range(sheet.Cells(1, 2), sheet.Cells(1_048_576, 2))
        values = xlwings.udfs.call_udf("udfs", "CLTV", (column, 0.8, 0.1), None, caller)
    tiers, values = [list(row) for row in tiers], [list(row) for row in values]
    assert len(tiers) == 14 and tiers[0] == ["Tier"] and tiers[1] == ["A"]
    # CLTV skips the header like the others: the column's label, then m * 0.8 / 0.3 per row
    assert len(values) == 14 and values[0] == ["CLTV"] and values[1][0] == pytest.approx(100 * 0.8 / 0.3)


def test_whole_report_functions_reuse_the_last_result_for_the_same_input(monkeypatch):
    import core.report
    import udfs.overview

    calls = []
    real = core.report.run_report
    monkeypatch.setattr(udfs.overview, "run_report", lambda *a, **k: calls.append(1) or real(*a, **k))
    rows = [HEADER] + FIVE + [["Fern", 4.0, 1.0]]  # not used by another test: nothing kept yet
    first = call_udf("segment_findings", rows)
    again = call_udf("segment_findings", [list(row) for row in rows])
    assert again == first and len(calls) == 1
    call_udf("segment_findings", rows, "rank")  # another argument: computed
    rows[1][1] = 51.0  # another value: computed
    call_udf("segment_findings", rows)
    assert len(calls) == 3
