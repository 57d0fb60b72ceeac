"""Worksheet functions the way Excel on Windows calls them: classic xlwings' decorators, the VBA
wrapper's name, and ``xlwings.udfs.call_udf`` reading ranges of a fake COM object model in
COM's forms (tuples of tuples, currency Decimals, CVErr ints, tz-aware pywintypes dates)."""

from __future__ import annotations

import datetime as dt
import inspect
from decimal import Decimal
from pathlib import Path

import pytest

from tests.conftest import call_udf as call_server
from tests.fake_com import CVERR_BASE, TimeType, classic_udfs, com_range, cverr, install_pywin32
from tests.test_udfs_transactions import HEADER, _realistic

# Fader, Hardie & Shang's donation data (tests/customers/data/donations.csv): x, t_x, n, donors as columns
DONATIONS = [
    [[float(v)] for v in values]
    for values in zip(
        *(
            line.split(",")
            for line in (Path(__file__).parent / "customers" / "data" / "donations.csv").read_text().split()[1:]
        )
    )
]

UTC = dt.UTC

# README's example: Acme 50, Beta 20, Cora 15, Dune 10, Echo 5; revenue as a currency cell gives a Decimal
ACCOUNTS = [
    ["Account", "Revenue", "Profit"],
    ["Acme", Decimal("50"), 10.0],
    ["Beta", Decimal("20"), 6.0],
    ["Cora", Decimal("15"), -1.5],
    ["Dune", Decimal("10"), 1.0],
    ["Echo", Decimal("5.00"), 2.5],
]
PLAIN_ACCOUNTS = [[float(v) if isinstance(v, Decimal) else v for v in row] for row in ACCOUNTS]
PERIODS = [
    ["Account", "Revenue 2024", "Revenue 2025"],
    ["Acme", Decimal("40"), Decimal("50")],
    ["Beta", Decimal("30"), Decimal("20")],
    ["Cora", Decimal("10"), Decimal("15")],
    ["Dune", 0.0, 10.0],
]


def _transactions(zoned: bool) -> list[list]:
    """tests/test_udfs_transactions' year of orders (60 customers) with dates as tz-aware TimeType
    and amounts as Decimal (COM), or as naive datetimes and floats (plain)."""
    rows = [list(HEADER)]
    for customer, serial, amount in _realistic(60)[1:]:
        when = dt.datetime(1899, 12, 30) + dt.timedelta(days=serial)
        rows.append(
            [
                customer,
                TimeType(when.year, when.month, when.day, tzinfo=UTC) if zoned else when,
                Decimal(str(amount)) if zoned else amount,
            ]
        )
    return rows


def _plain(value):
    return (
        [list(row) if isinstance(row, (list, tuple)) else row for row in value]
        if isinstance(value, (list, tuple))
        else value
    )


def call_windows(udfs, name: str, *args):
    """SEGMENT_TIER(...) through classic xlwings' call path: ranges are fake COM Ranges."""
    import xlwings.udfs

    caller = com_range([["x"]], "Caller").Worksheet.Range("Z1")
    com_args = tuple(com_range(a) if isinstance(a, list) else a for a in args)
    return _plain(xlwings.udfs.call_udf("udfs", name.upper(), com_args, None, caller))


def test_classic_registration_upper_case_names_short_docs_and_no_wizard_calls_for_heavy_functions():
    install_pywin32()
    with classic_udfs() as udfs:
        for name in udfs.__all__:
            info = getattr(udfs, name).__xlfunc__
            assert info["name"] == name.upper()
            assert getattr(udfs, name.upper()) is getattr(udfs, name)
            # Excel's Function Wizard shows 255 characters of a description (xlwings cuts there)
            assert len(info["ret"]["doc"]) <= 255, name
            assert all(len(arg["doc"]) <= 255 for arg in info["args"]), name
            # every function reads a range: none runs while the Function Arguments dialog is open
            assert info["call_in_wizard"] is False, name
            assert info["category"] == "segmenter"
        # dir(udfs) lists each function once, so Import Python UDFs declares one VBA function each
        exported = [n for n in dir(udfs) if hasattr(getattr(udfs, n), "__xlfunc__")]
        assert sorted(exported) == sorted(udfs.__all__)


def test_segment_tier_reads_currency_decimals():
    with classic_udfs() as udfs:
        tiers = call_windows(udfs, "segment_tier", ACCOUNTS)
    assert tiers == [["Tier"], ["A"], ["A"], ["A"], ["B"], ["C"]]


def test_a_spill_error_in_revenue_is_rejected_and_named_not_read_as_minus_two_billion():
    rows = [row[:] for row in ACCOUNTS]
    rows[3][1] = CVERR_BASE + 2045  # Cora's revenue cell shows #SPILL!
    with classic_udfs() as udfs:
        tiers = call_windows(udfs, "segment_tier", rows)
        issues = call_windows(udfs, "segment_issues", rows)
        hhi = call_windows(udfs, "hhi", [[r[1]] for r in rows])
    assert tiers[3] == [cverr("#VALUE!")]  # the row's error value; the reason is one step away
    # without Cora, 85 in all: the shares before Acme, Beta, Dune, Echo are 0, 59, 82 and 94 %
    assert [r[0] for r in tiers[1:3] + tiers[4:]] == ["A", "A", "B", "B"]
    assert [4, "Revenue", "#SPILL!", "rejected", "Excel error #SPILL!"] in issues
    assert hhi == cverr("#VALUE!")


def test_one_row_range_and_hand_checked_measures():
    with classic_udfs() as udfs:
        one_row = call_windows(udfs, "segment_tier", [["Acme", Decimal("50"), 10.0]])
        hhi = call_windows(udfs, "hhi", [[row[1] for row in ACCOUNTS]])  # one row: Revenue, 50, 20, 15, 10, 5
        count = call_windows(udfs, "accounts_for_share", [[row[1]] for row in ACCOUNTS])
        cltv = call_windows(udfs, "cltv", Decimal("1000"), 0.8)
    assert one_row == [["A"]]
    assert hhi == pytest.approx(3250.0)  # shares 50, 20, 15, 10, 5 %: 2500 + 400 + 225 + 100 + 25
    assert count == 3
    assert cltv == pytest.approx(1000 * 0.8 / (1 + 0.1 - 0.8))


def test_pywintypes_dates_in_a_transaction_list_give_the_same_cells_as_plain_dates():
    plain = {name: call_server(name, _transactions(zoned=False)) for name in ("rfm_segment", "customer_summary")}
    plain["cltv_model"] = call_server("cltv_model", _transactions(zoned=False), 52)
    with classic_udfs() as udfs:
        desktop = {
            name: call_windows(udfs, name, _transactions(zoned=True)) for name in ("rfm_segment", "customer_summary")
        }
        desktop["cltv_model"] = call_windows(udfs, "cltv_model", _transactions(zoned=True), 52.0)
    for name, cells in plain.items():
        assert not str(desktop[name]).startswith("segmenter:"), desktop[name]
        assert len(desktop[name]) == 61 and desktop[name] == cells, name
    first_purchase = {row[0]: row[1] for row in _transactions(zoned=False)[:0:-1]}
    summary = {row[0]: row for row in desktop["customer_summary"][1:]}
    assert summary["C000"][1] == first_purchase["C000"].strftime("%Y-%m-%d")  # the sheet's clock, no zone shift


@pytest.mark.parametrize(
    "name, args",
    [
        ("segment_margin", [ACCOUNTS]),
        ("segment_strategy", [ACCOUNTS]),
        ("segment_summary", [ACCOUNTS]),
        ("segment_issues", [ACCOUNTS]),
        ("concentration", [[[r[1]] for r in ACCOUNTS]]),
        ("gini", [[[r[1]] for r in ACCOUNTS]]),
        ("nps", [[["NPS"], [Decimal("9")], [3.0], [10.0]]]),
        ("nps_by", [[["NPS"], [9.0], [3.0], [10.0], [7.0]], [["Size"], ["Small"], ["Small"], ["Large"], ["Large"]]]),
        ("nps_gap", [[["NPS"], [9.0], [3.0], [10.0], [7.0]], [["Size"], ["Small"], ["Small"], ["Large"], ["Large"]]]),
        ("segment_growth", [PERIODS]),
        ("tier_migration", [PERIODS]),
        ("whale_curve", [ACCOUNTS]),
        ("segment_findings", [ACCOUNTS]),
        ("survey_match", [[["Account"], ["Acme"], ["Beta"]], [["Company"], ["ACME Inc."], ["Bet"]]]),
        ("revenue_bridge", [[[r[1]] for r in ACCOUNTS], [[r[2]] for r in ACCOUNTS]]),
        ("retention_fit", [[["Active"], [Decimal("1000")], [869.0], [743.0], [653.0]]]),
        ("retention_project", [0.668, 3.806, 4.0]),
        ("bgbb_fit", [DONATIONS[0], DONATIONS[1], DONATIONS[2], [[Decimal(str(c))] for [c] in DONATIONS[3]]]),
        ("clv_range", [_realistic(60), 26.0]),
    ],
)
def test_every_other_function_gives_the_same_cells_as_through_the_server_path(name, args):
    def plain(arg):
        return (
            [[float(v) if isinstance(v, Decimal) else v for v in row] for row in arg] if isinstance(arg, list) else arg
        )

    expected = call_server(name, *[plain(a) for a in args])
    with classic_udfs() as udfs:
        got = call_windows(udfs, name, *args)
    assert not str(got).startswith("segmenter:"), got
    assert got == (pytest.approx(expected) if isinstance(expected, float) else expected)


def test_segment_why_gives_the_reason_of_a_windows_error_value():
    with classic_udfs() as udfs:
        why = call_windows(udfs, "segment_why", "HHI", [[Decimal("5")], ["abc"]])
    assert why == "segmenter: range row 2, revenue: 'abc' is not a number"


def test_every_function_is_exercised_here():
    import tests.test_udfs_desktop as me

    source = inspect.getsource(me)
    with classic_udfs() as udfs:
        names = list(udfs.__all__)
    assert all(f'"{name}"' in source for name in names)
