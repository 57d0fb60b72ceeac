"""SEGMENT_GROWTH and TIER_MIGRATION through xlwings' own call path (custom_functions_call).

The five accounts (revenue 2024 -> 2025):
    Acme 100 -> 120   +20, +20 %: growing
    Beta   0 ->  50   +50, % undefined: new
    Cora  80 -> 'bad' the 2025 cell is rejected: the row points at SEGMENT_ISSUES
    Dune 200 -> 150   -50, -25 %: declining
    Echo  90 ->   0   -90, -100 %: lost
Pareto tiers, 2024 (total 470): Dune 200 (share before 0), Acme 100 (42.6 %), Echo 90 (63.8 %), Cora 80
(83 % -> B); Beta 0 -> D. 2025 (total 320, Cora missing): Dune 150 (0), Acme 120 (46.9 %), Beta 50 (84.4 %
-> B); Cora, Echo -> D.
"""

from __future__ import annotations

import pytest

from tests.conftest import call_udf, udf_reason

HEADER = ["Customer", "Revenue 2024", "Revenue 2025"]
ROWS = [["Acme", 100.0, 120.0], ["Beta", 0.0, 50.0], ["Cora", 80.0, "bad"], ["Dune", 200.0, 150.0], ["Echo", 90.0, 0.0]]


def test_segment_growth_spills_change_pct_cagr_label_and_note_per_row():
    out = udf_reason("segment_growth", [HEADER] + ROWS)
    assert out[0] == ["Change in revenue", "Change %", "CAGR", "Growth", "Growth note"]
    assert out[1][:2] == [20.0, pytest.approx(0.2)] and out[1][3:] == ["growing", ""]
    assert out[2] == [50.0, "n/a", "n/a", "new", "no sales in 2024: % change undefined"]
    assert out[3][0] == "range row 4, Revenue 2025: 'bad' is not a number" and out[3][1:] == ["", "", "", ""]
    assert out[4][:2] == [-50.0, pytest.approx(-0.25)] and out[4][3] == "declining"
    assert out[5] == [-90.0, -1.0, -1.0, "lost", "no sales in 2025: lost"]


def test_segment_growth_keeps_blank_rows_blank_and_takes_a_band():
    rows = [HEADER, ROWS[0], [None, None, None], ROWS[3]]
    out = call_udf("segment_growth", rows, "30%")
    assert len(out) == 4 and out[2] == ["", "", "", "", ""]
    assert [r[3] for r in out[1:] if r[3]] == ["stable", "stable"]  # +20 % and -25 % are within +/- 30 %


def test_segment_growth_without_two_periods_says_so():
    out = udf_reason("segment_growth", [["Customer", "Revenue"], ["Acme", 1.0]])
    assert isinstance(out, str) and out.startswith("segmenter: ") and "at least two periods" in out


def test_segment_growth_bad_band_is_a_readable_message():
    out = udf_reason("segment_growth", [HEADER] + ROWS, "150%")
    assert isinstance(out, str) and "growth_band" in out


def test_tier_migration_spills_the_account_matrix_with_totals():
    out = call_udf("tier_migration", [HEADER] + ROWS)
    assert out[0] == ["2024 \\ 2025", "A", "B", "C", "D", "Total"]
    # A -> A: Dune, Acme; A -> D: Echo; B -> D: Cora; D -> B: Beta
    assert out[1:6] == [
        ["A", 2, 0, 0, 1, 3],
        ["B", 0, 0, 0, 1, 1],
        ["C", 0, 0, 0, 0, 0],
        ["D", 0, 1, 0, 0, 1],
        ["Total", 2, 1, 0, 2, 5],
    ]
    assert out[6][0].startswith("1 row(s) with a rejected period cell")


def test_tier_migration_revenue_and_rank_method():
    out = call_udf("tier_migration", [HEADER] + ROWS, "revenue")
    # 2025 revenue: A row Dune 150 + Acme 120 to A, Echo 0 to D; D row Beta 50 to B
    assert out[1] == ["A", 270.0, 0.0, 0.0, 0.0, 270.0] and out[4] == ["D", 0.0, 50.0, 0.0, 0.0, 50.0]
    clean = [HEADER] + [r for r in ROWS if r[0] != "Cora"]
    # rank: 2024 positive Dune, Acme, Echo (Beta 0 -> D): A Dune (0/3), B Acme (1/3 < 50 %), C Echo (2/3);
    # 2025 positive Dune, Acme, Beta: A Dune, B Acme, C Beta; Echo -> D
    out = call_udf("tier_migration", clean, None, "rank")
    assert out[1:5] == [["A", 1, 0, 0, 0, 1], ["B", 0, 1, 0, 0, 1], ["C", 0, 0, 0, 1, 1], ["D", 0, 0, 1, 0, 1]]


def test_tier_migration_bad_measure():
    out = udf_reason("tier_migration", [HEADER] + ROWS, "profit")
    assert isinstance(out, str) and "accounts or revenue" in out


def test_growth_functions_are_registered_with_excel_help_text():
    from xlwings import server

    import udfs

    functions = {f["name"]: f for f in server.custom_functions_meta(udfs)["functions"]}
    for name in ("SEGMENT_GROWTH", "TIER_MIGRATION"):
        assert not functions[name]["description"].startswith("Python function"), name
        for parameter in functions[name]["parameters"]:
            assert not parameter["description"].startswith("Positional argument"), (name, parameter["name"])
