"""The call list (core/actions.py, sheet "Accounts to call"): every row's reason names a figure that
is found on the detail sheet the row points to, for the account the row names."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

import segmenter
from core.actions import action_list, edge_reasons, next_orders
from tests.test_bridge import CDNOW, GROWTH_SAMPLE, read_block
from tests.test_survey import sample  # noqa: F401  (the survey fixture)

PERCENT_COLUMNS = ("P(alive)", "Margin %", "Net margin %")


def _sheet_rows(book, name: str) -> list[list]:
    return [list(r) for r in book[name].iter_rows(values_only=True)]


def _figures_on_sheet(rows: list[list], column: str) -> dict[str, object]:
    """Account -> the value in ``column``, from the sheet's blocks headed by Account and ``column``."""
    figures: dict[str, object] = {}
    header = None
    for row in rows:
        if "Account" in row and column in row:
            header = (row.index("Account"), row.index(column))
        elif header is not None and row[header[0]] is not None:
            figures.setdefault(str(row[header[0]]), row[header[1]])
    return figures


def _shown(value: float, column: str) -> tuple[str, ...]:
    """The figure as the reason may show it: a percentage to 0.1 %, an amount in whole units or,
    below 100, with its cents."""
    if column in PERCENT_COLUMNS:
        return (f"{value:.1%}",)
    return (f"{value:,.0f}",) + ((f"{value:,.2f}",) if abs(value) < 100 else ())


def check_every_reason(path: Path) -> pd.DataFrame:
    """Each row of the full list: its reason holds the figure of its detail sheet, as shown there."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = load_workbook(path)
    actions = read_block(path, "Accounts to call", "Every account with a reason")
    assert len(actions) and actions["Priority"].tolist() == list(range(1, len(actions) + 1))
    assert actions["Money at stake"].is_monotonic_decreasing
    sheets: dict[str, list[list]] = {}
    figures: dict[tuple[str, str], dict[str, object]] = {}
    for row in actions.itertuples(index=False):
        sheet, column = row[actions.columns.get_loc("Detail on sheet")].split(": ", 1)
        if (sheet, column) not in figures:
            rows = sheets.setdefault(sheet, _sheet_rows(book, sheet))
            figures[sheet, column] = _figures_on_sheet(rows, column)
        value = figures[sheet, column][str(row.Account)]
        assert any(shown in row.Reason for shown in _shown(value, column)), (row.Account, column, value, row.Reason)
        # a distance that rounds to nothing is said as "at the cut-off", never as "0.0% above"
        assert "0.0% above" not in row.Reason and "0.0% below" not in row.Reason, row.Reason
        assert "% %" not in row.Reason and "nan" not in row.Reason.lower(), row.Reason
    return actions


def test_growth_sample_call_list(tmp_path):
    out = tmp_path / "report.xlsx"
    assert segmenter.main(["report", str(GROWTH_SAMPLE), "-o", str(out), "--actions", "20"]) == 0
    actions = check_every_reason(out)
    top = read_block(out, "Accounts to call", "Accounts to call, most money")
    assert len(top) == 20 and top["Account"].tolist() == actions["Account"].head(20).tolist()
    kinds = set(actions["Detail on sheet"])
    assert {"Segments: NPS score", "Segments: Revenue", "Segments: Net margin %"} <= kinds
    assert actions["Account"].is_unique  # one row per account, its other reasons under Also


@pytest.mark.skipif(CDNOW is None, reason="CDNOW sample not found")
def test_cdnow_call_list_has_slipping_customers_with_next_orders(tmp_path):
    out = tmp_path / "report.xlsx"
    assert segmenter.main(["report", str(CDNOW), "-o", str(out)]) == 0
    actions = check_every_reason(out)
    slipping = actions[actions["Detail on sheet"] == "Customers: P(alive)"]
    assert len(slipping) > 50 and (slipping["Days overdue"] > 0).all() and set(slipping["Tier"]) <= {"A", "B"}
    assert len(read_block(out, "Accounts to call", "Accounts to call, most money")) == 50
    customers = read_block(out, "Customers", "One row per customer").set_index("Account")
    first = slipping.iloc[0]
    c = customers.loc[first["Account"]]
    gap_days = round(c["Weeks first to last purchase (t_x)"] / c["Repeat purchase days (x)"] * 7)
    expected = pd.Timestamp(c["Last purchase"]) + pd.Timedelta(days=gap_days)
    assert pd.Timestamp(first["Expected next order"]) == expected
    assert first["Days overdue"] == (pd.Timestamp("1998-06-30") - expected).days
    assert c["P(alive)"] < 0.5


def test_survey_detractors_of_tier_a_and_b_are_called(sample, tmp_path):  # noqa: F811
    accounts_path, survey_path, _, _ = sample
    out = tmp_path / "report.xlsx"
    assert segmenter.main(["report", str(accounts_path), "--survey", str(survey_path), "-o", str(out)]) == 0
    actions = check_every_reason(out)
    detractors = actions[actions["Detail on sheet"] == "NPS: NPS score"]
    assert len(detractors) and set(detractors["Tier"]) <= {"A", "B"}
    assert detractors["Reason"].str.contains("survey respondents are detractors").all()


def test_tier_edges_both_sides_and_one_row_per_account():
    seg = pd.DataFrame(
        {
            "account": list("abcde"),
            "tier": list("AABBC"),
            "revenue": [500.0, 104.0, 99.0, 60.0, 5.0],
            "sheet_row": [2, 3, 4, 5, 6],
        }
    )
    edges = edge_reasons(seg, ("A", "B", "C", "D"))
    assert edges[["account", "money_at_stake"]].values.tolist() == [["b", 104.0], ["c", 5.0], ["d", 60.0]]
    assert "at risk of moving down to tier B" in edges["reason"].iloc[0] and "could move up" in edges["reason"].iloc[1]
    table = action_list([edges, edges.assign(kind="detractor", money_at_stake=1.0)])
    assert table["account"].tolist() == ["b", "d", "c"] and table["also"].tolist() == ["detractor"] * 3


def test_an_account_at_a_tier_cut_off_is_said_to_be_at_it():
    seg = pd.DataFrame(
        {
            "account": list("abcde"),
            "tier": list("AABBC"),
            "revenue": [500.0, 50.0, 50.02, 49.99, 5.0],
            "sheet_row": [2, 3, 4, 5, 6],
        }
    )
    # tier A: a 500, c 50.02, b 50 (its cut-off); tier B: d 49.99 alone (its own cut-off); tier C: e
    reasons = edge_reasons(seg.assign(tier=list("AAABC")), ("A", "B", "C", "D")).groupby("account")["reason"]
    reasons = reasons.agg(list).to_dict()
    assert reasons["b"] == ["revenue 50 is the lowest in tier A (its cut-off): at risk of moving down to tier B"]
    assert reasons["c"] == ["revenue 50.02 is at tier A's cut-off (50; within 0.05%): at risk of moving down to tier B"]
    assert reasons["d"] == [
        "revenue 49.99 is at tier A's cut-off (50; within 0.05%): could move up to tier A",
        "revenue 49.99 is the lowest in tier B (its cut-off): at risk of moving down to tier C",
    ]


def test_next_order_of_a_one_time_buyer_is_unknown():
    customers = pd.DataFrame({"last_purchase": pd.to_datetime(["2024-01-01"]), "frequency": [0], "recency": [0.0]})
    due = next_orders(customers, "2024-06-30")
    assert due["expected_next_order"].isna().all() and due["days_overdue"].isna().all()


def _overview_findings(path: Path) -> dict[str, str]:
    """Sheet -> the Overview's findings that point to it (one string, joined by ' | ')."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rows = _sheet_rows(load_workbook(path), "Overview")
    top = next(i for i, r in enumerate(rows) if r[0] == "Detail on sheet" and "Finding" in r)
    said: dict[str, str] = {}
    for r in rows[top + 1 :]:
        if r[0] is None:
            break
        said[r[0]] = " | ".join(filter(None, [said.get(r[0]), r[1]]))
    return said


def test_overview_says_the_survey_join_and_the_call_list_in_one_line_each(sample, tmp_path):  # noqa: F811
    accounts_path, survey_path, _, near = sample
    out = tmp_path / "report.xlsx"
    assert segmenter.main(["report", str(accounts_path), "--survey", str(survey_path), "-o", str(out)]) == 0
    said = _overview_findings(out)
    match = read_block(out, "NPS", "Survey match").set_index("Measure")["Value"]
    survey = [line for line in said["NPS"].split(" | ") if line.startswith("Survey:")]
    assert survey == [
        f"Survey: {match['responses read']:,.0f} responses read, {match['responses not joined']:,.0f} not joined "
        f"({len(near)} near misses to confirm); {match['accounts with at least one answer']:,.0f} accounts answered, "
        f"covering {match['share of revenue covered by answers'] * 100:.1f} % of revenue"
    ]
    assert match["responses read"] == 600 and match["responses not joined"] == 3
    actions = read_block(out, "Accounts to call", "Every account with a reason")
    top = read_block(out, "Accounts to call", "Accounts to call, most money")
    (line,) = said["Accounts to call"].split(" | ")
    stake, first = actions["Money at stake"].sum(), top["Money at stake"].sum()
    assert line.startswith(f"{len(actions):,} accounts to call, {stake / 1e6:,.2f} M at stake; the first 50 hold ")
    assert f"led by {actions['Account'].iloc[0]} (" in line
    assert len(actions) > len(top) == 50 and (f"{first / 1e6:,.2f} M" in line or f"{first / 1e3:,.1f} k" in line)
