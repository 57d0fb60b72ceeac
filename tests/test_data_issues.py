"""Data issues a person can use: routine conversions one line per column, rejected cells first."""

from core.accounts import parse_accounts
from core.cells import issues_frame
from core.data_issues import summarise_issues


def test_a_column_of_text_percentages_is_one_line_and_rejected_cells_come_first():
    rows = [["Account", "Revenue", "Margin %"]]
    rows += [[f"c{k}", float(100 + k), f"{10 + k % 20}.5%"] for k in range(600)]
    rows[45][1] = "#N/A"
    rows[300][1] = "n/a"
    issues = summarise_issues(parse_accounts(rows).issues)
    assert issues["action"].tolist()[:2] == ["rejected", "rejected"]
    assert issues["sheet_row"].tolist()[:2] == [46, 301]
    margin = issues[(issues["column"] == "Margin %") & (issues["action"] == "coerced")]
    assert len(margin) == 1
    assert margin["reason"].iloc[0] == "600 cells (sheet rows 2-601), e.g. '10.5%': text read as the number 0.105"
    assert len(issues) < 600 / 10


def test_rejected_cells_alike_keep_a_line_each():
    issues = issues_frame([(r, "Revenue", "#N/A", "rejected", "Excel error #N/A") for r in (3, 9, 4)])
    assert summarise_issues(issues)["sheet_row"].tolist() == [3, 4, 9]


def test_notes_alike_are_grouped_with_their_rows():
    issues = issues_frame([(r, "Revenue", "", "note", "revenue missing: the account gets tier D") for r in (3, 9, 14)])
    out = summarise_issues(issues)
    assert out["reason"].tolist() == ["3 rows (sheet rows 3, 9, 14): revenue missing: the account gets tier D"]


def test_a_single_issue_stays_as_it_is():
    issues = issues_frame([(5, "Margin", "x", "coerced", "text read as the number 1")])
    assert summarise_issues(issues).values.tolist() == issues.values.tolist()
