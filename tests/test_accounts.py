"""Tests for core.accounts: header detection, aliases, profit basis, notes, alignment."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.accounts import STANDARD_COLUMNS, accounts_from_frame, parse_accounts
from core.errors import SegmenterInputError


def notes(table, column=None):
    issues = table.issues
    if column is not None:
        issues = issues[issues["column"] == column]
    return issues[["sheet_row", "action", "reason"]].values.tolist()


def test_standard_columns_come_first_in_order_and_user_columns_are_kept():
    table = parse_accounts(
        [["Customer", "Sales", "Owner", "Region"], ["Acme", 100.0, "Ann", "EU"], ["Beta", 50.0, "Bob", None]]
    )
    assert list(table.accounts.columns) == list(STANDARD_COLUMNS) + ["Owner"]
    assert table.accounts["Owner"].tolist() == ["Ann", "Bob"]
    assert table.accounts["region"].tolist() == ["EU", None]
    assert table.accounts["sheet_row"].tolist() == [2, 3] and table.accounts.index.tolist() == [1, 2]
    assert table.columns == {"account": "Customer", "revenue": "Sales", "region": "Region"}
    assert table.has_header and table.profit_basis == "none" and table.n_input_rows == 3
    assert table.accounts["profit"].isna().all() and table.accounts["first_purchase"].dtype == "datetime64[ns]"


def test_header_detected_by_alias_and_not_when_first_row_has_numbers():
    with_header = parse_accounts([["ID", "Turnover"], ["A", 1.0]])
    without = parse_accounts([["A", 1.0], ["B", 2.0]])
    assert with_header.has_header and with_header.columns["revenue"] == "Turnover"
    assert not without.has_header and without.columns == {"account": "column 1", "revenue": "column 2"}
    assert without.accounts["sheet_row"].tolist() == [1, 2] and without.accounts.index.tolist() == [0, 1]


def test_all_text_first_row_above_numbers_is_a_header_even_without_aliases():
    # no alias matches, so the row is taken as headers only by the "text above numbers" rule;
    # the error naming those headers shows it was
    # (Kunde and Umsatz are German aliases now; Finnish is not among the languages read)
    with pytest.raises(SegmenterInputError, match="headers seen: 'Asiakas', 'Myynti', 'Notiz'"):
        parse_accounts([["Asiakas", "Myynti", "Notiz"], ["A", 1.0, "x"]])


def test_text_rows_without_numbers_below_are_data_not_headers():
    table = parse_accounts([["Asiakas", "viel"], ["Yritys", "wenig"]])
    assert not table.has_header and len(table.accounts) == 2
    assert table.accounts["revenue"].isna().all()


@pytest.mark.parametrize(
    "header, role",
    [
        ("Net Sales", "revenue"),
        ("REVENUE_TOTAL", "revenue"),
        ("Revenue (USD)", "revenue"),
        ("Gross-Profit", "profit"),
        ("Likelihood to recommend", "nps"),
        ("Customer since", "first_purchase"),
        ("Company size", "size"),
        ("Vertical", "industry"),
        ("Territory", "region"),
        ("Customer ID", "account"),
    ],
)
def test_aliases_match_ignoring_case_spaces_and_punctuation(header, role):
    if role == "account":
        headers = [header, "Sales"]
    elif role == "revenue":
        headers = ["Name", header]
    else:
        headers = ["Name", "Sales", header]
    table = parse_accounts([headers, ["A", 1.0, None][: len(headers)]])
    assert table.columns[role] == header


def test_exact_alias_beats_partial_and_second_candidate_is_noted():
    table = parse_accounts([["Revenue 2023", "Revenue", "Sales", "Account"], [1.0, 2.0, 3.0, "A"]])
    assert table.columns["revenue"] == "Revenue"
    assert table.accounts["revenue"].tolist() == [2.0]
    assert table.accounts["Sales"].tolist() == [3.0] and table.accounts["Revenue 2023"].tolist() == [1.0]
    reasons = [r for _, a, r in notes(table) if a == "note" and "also looks like" in r]
    assert (
        reasons == ["also looks like the revenue column; 'Revenue' is used and this one is kept as an extra column"] * 2
    )


def test_profit_is_margin_pct_when_header_says_percent():
    table = parse_accounts([["Account", "Revenue", "GM%"], ["A", 1000.0, 0.25], ["B", 200.0, "10%"]])
    assert table.profit_basis == "margin_pct"
    assert table.accounts["profit"].tolist() == [250.0, 20.0]  # 0.25 x 1000, 0.10 x 200
    assert [
        1,
        "note",
        "profit read as margin % of revenue, profit = margin % x revenue: the header 'GM%' says %",
    ] in notes(table)


def test_percent_header_with_percentage_points_divides_by_100():
    table = parse_accounts([["Account", "Revenue", "Margin %"], ["A", 1000.0, 25.0], ["B", 200.0, 10.0]])
    assert table.accounts["profit"].tolist() == [250.0, 20.0]
    assert "percentage points" in notes(table, "Margin %")[0][2]


def test_ambiguous_margin_header_with_fractions_is_read_as_margin_pct():
    table = parse_accounts([["Account", "Revenue", "Margin"], ["A", 1000.0, 0.3], ["B", 500.0, -0.1]])
    assert table.profit_basis == "margin_pct"
    assert table.accounts["profit"].tolist() == pytest.approx([300.0, -50.0])
    assert notes(table, "Margin") == [
        [
            1,
            "note",
            "profit read as margin % of revenue, profit = margin % x revenue: "
            "every value is a % or lies between -1 and 1 while revenues are mostly above 1",
        ]
    ]


def test_ambiguous_margin_header_with_amounts_stays_amounts():
    table = parse_accounts([["Account", "Revenue", "Margin"], ["A", 1000.0, 300.0], ["B", 500.0, 0.5]])
    assert table.profit_basis == "amount" and table.accounts["profit"].tolist() == [300.0, 0.5]
    assert notes(table, "Margin")[0][2].startswith("profit read as amounts")


def test_profit_header_means_amounts_and_rejects_percent_text():
    table = parse_accounts([["Account", "Revenue", "Profit"], ["A", 1000.0, 0.3], ["B", 500.0, "10%"]])
    assert table.profit_basis == "amount"
    assert table.accounts["profit"].tolist()[0] == 0.3 and np.isnan(table.accounts["profit"].iloc[1])
    assert [3, "rejected", "'10%' is a percentage; this column takes amounts, not %"] in notes(table, "Profit")


def test_without_header_the_note_sits_on_the_first_data_row():
    table = parse_accounts([["A", 1000.0, 0.2], ["B", 10.0, 0.5]], first_sheet_row=5)
    assert table.profit_basis == "margin_pct" and table.accounts["profit"].tolist() == [200.0, 5.0]
    assert notes(table, "column 3")[0][:2] == [5, "note"]


def test_nps_must_be_whole_0_to_10():
    table = parse_accounts(
        [
            ["Account", "Revenue", "NPS"],
            ["A", 1.0, 9.0],
            ["B", 1.0, 7.5],
            ["C", 1.0, 11.0],
            ["D", 1.0, "8"],
            ["E", 1.0, None],
        ]
    )
    np.testing.assert_array_equal(table.accounts["nps"].to_numpy(), [9.0, np.nan, np.nan, 8.0, np.nan])
    assert notes(table, "NPS") == [
        [3, "rejected", "an NPS answer must be a whole number from 0 to 10"],
        [4, "rejected", "an NPS answer must be a whole number from 0 to 10"],
        [5, "coerced", "text read as the number 8"],
    ]


def test_missing_id_is_named_after_its_row_and_missing_revenue_noted():
    table = parse_accounts([["Account", "Revenue"], [None, 5.0], ["B", None], ["C", -3.0]], first_sheet_row=10)
    assert table.accounts["account"].tolist() == ["(row 11)", "B", "C"]
    assert notes(table) == [
        [11, "coerced", "account id missing: named '(row 11)'"],
        [12, "note", "revenue missing: the account gets tier D"],
        [13, "note", "negative revenue kept as it is (a credit note?): the account gets tier D"],
    ]


def test_duplicate_ids_report_every_row_with_the_other_row():
    table = parse_accounts([["Account", "Revenue"], ["X", 1.0], ["Y", 2.0], ["X", 3.0], ["X", 4.0]])
    assert len(table.accounts) == 4  # kept, not merged
    assert [r for r in notes(table) if "duplicate" in r[2]] == [
        [2, "note", "duplicate account id 'X', also on row 4; kept as separate rows, not merged"],
        [4, "note", "duplicate account id 'X', also on row 2; kept as separate rows, not merged"],
        [5, "note", "duplicate account id 'X', also on row 2; kept as separate rows, not merged"],
    ]


def test_blank_rows_are_skipped_but_index_still_points_at_input_rows():
    table = parse_accounts([["Account", "Revenue"], ["A", 1.0], [None, "  "], [], ["B", 2.0]])
    assert table.accounts.index.tolist() == [1, 4]
    assert table.accounts["sheet_row"].tolist() == [2, 5]
    # blank separator rows are skipped with one note naming them (issue 10)
    assert table.issues[["sheet_row", "action"]].values.tolist() == [[3, "note"]] and table.n_input_rows == 5
    assert "2 blank row(s) inside the table skipped (sheet rows 3, 4)" in table.issues["reason"][0]


def test_ragged_rows_are_padded():
    table = parse_accounts([["Account", "Revenue", "Region"], ["A", 1.0], ["B", 2.0, "EU"]])
    assert table.accounts["region"].tolist() == [None, "EU"]


def test_com_error_in_revenue_is_rejected_and_then_noted_missing():
    table = parse_accounts([["Account", "Revenue"], ["A", -2146826281]])
    assert notes(table) == [
        [2, "rejected", "Excel error #DIV/0!"],
        [2, "note", "revenue missing: the account gets tier D"],
    ]


def test_numeric_account_ids_read_as_text_without_point_zero():
    table = parse_accounts([["Account", "Revenue"], [1001.0, 5.0]])
    assert table.accounts["account"].tolist() == ["1001"]


def test_first_purchase_accepts_dates_and_serials():
    table = parse_accounts(
        [["Account", "Revenue", "Customer since"], ["A", 1.0, dt.datetime(2020, 5, 1)], ["B", 1.0, 45658.0]]
    )
    assert [str(d)[:10] for d in table.accounts["first_purchase"]] == ["2020-05-01", "2025-01-01"]


@pytest.mark.parametrize(
    "cells, message",
    [
        ([], "empty"),
        ([[None, None], [None, None]], "empty"),
        ([["Account", "Revenue"]], "no account rows"),
        ([["Account", "Region"], ["A", "EU"]], "no revenue column found; headers seen: 'Account', 'Region'"),
    ],
)
def test_unusable_blocks_raise_a_clear_error(cells, message):
    with pytest.raises(SegmenterInputError, match=message):
        parse_accounts(cells)


def test_frame_route_equals_cells_route():
    rows = [
        ["Customer", "Sales", "Margin", "NPS", "Owner"],
        ["A", 1000.0, 0.2, 9.0, "Ann"],
        ["B", "2,000", "15%", 5.0, None],
        ["A", None, None, 11.0, "Cy"],
    ]
    from_cells = parse_accounts(rows)
    frame = pd.DataFrame(rows[1:], columns=rows[0])
    from_frame = accounts_from_frame(frame)
    pd.testing.assert_frame_equal(from_cells.accounts, from_frame.accounts)
    pd.testing.assert_frame_equal(from_cells.issues, from_frame.issues)
    assert from_cells.columns == from_frame.columns and from_cells.profit_basis == from_frame.profit_basis
    assert from_frame.n_input_rows == from_cells.n_input_rows == 4


def test_frame_with_numeric_dtype_columns_keeps_numbers():
    frame = pd.DataFrame({"Account": ["A", "B"], "Revenue": np.array([1e12, 2.5])})
    assert accounts_from_frame(frame).accounts["revenue"].tolist() == [1e12, 2.5]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.floats(allow_infinity=False, allow_nan=False, min_value=-1e12, max_value=1e12),
            st.just(float("nan")),
            st.just(float("inf")),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_revenue_numbers_never_change_silently(revenues):
    rows = [["Account", "Revenue"]] + [[f"C{i}", r] for i, r in enumerate(revenues)]
    table = parse_accounts(rows)
    got = table.accounts["revenue"].to_numpy()
    for i, r in enumerate(revenues):
        if np.isfinite(r):
            assert got[i] == r
        else:
            assert np.isnan(got[i])
    inf_rows = {i + 2 for i, r in enumerate(revenues) if np.isinf(r)}
    rejected = set(table.issues.loc[table.issues["action"] == "rejected", "sheet_row"])
    assert rejected == inf_rows
