"""The file writer never writes input text as a live formula (OWASP CSV injection), nor as an error value.

Guards writers/xlsx.py whatever library it uses: the report of an input full of formula-like
names is read back cell by cell with openpyxl.
"""

from __future__ import annotations

import csv

from openpyxl import load_workbook

import segmenter

HOSTILE = [
    '=HYPERLINK("http://x.example","open")',
    "+1+2",
    "-3+4",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=2+2",
    "=cmd|' /C calc'!A0",
    "=1/0",
    "#N/A here",
    "-",
    "=",
    "#DIV/0!",
]


def _hostile_csv(path) -> list[str]:
    names = HOSTILE + [f"Normal {i}" for i in range(8)]
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Account", "Revenue", "Profit", "Industry", "Region", "=Owner"])
        for i, name in enumerate(names):
            writer.writerow([name, 1000 * (i + 1), 100 * (i + 1), HOSTILE[i % len(HOSTILE)], "@EU", f"=B{i}"])
    return names


def test_no_input_text_becomes_a_formula_anywhere_in_the_report(tmp_path):
    source = tmp_path / "=SUM(1,2)@+-.csv"  # the file name goes into every sheet's subtitle
    names = _hostile_csv(source)
    output = tmp_path / "report.xlsx"
    assert segmenter.main(["report", str(source), "-o", str(output), "--method", "rank"]) == 0
    book = load_workbook(output)
    texts, formulas, numbers = set(), [], 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type in ("f", "e") or (isinstance(cell.value, str) and cell.data_type != "s"):
                    formulas.append(f"{sheet.title}!{cell.coordinate} {cell.data_type} {cell.value!r}")
                if isinstance(cell.value, str):
                    texts.add(cell.value)
                elif isinstance(cell.value, (int, float)):
                    numbers += 1
    assert formulas == []
    # shown exactly as typed (the cell parser trims surrounding blanks, tab and CR included)
    assert {name.strip() for name in names} <= texts
    assert "=Owner" in texts and any(t.startswith("From =SUM(1,2)@+-.csv, run ") for t in texts)
    segments = book["Segments"]
    header = [c.value for c in segments[5]]
    revenues = [row[header.index("Revenue")].value for row in segments.iter_rows(min_row=6) if row[1].value]
    assert sorted(revenues) == [1000.0 * (i + 1) for i in range(len(names))]  # numbers stay numbers
    assert numbers > 100


def test_control_characters_and_overlong_text_still_give_a_readable_workbook(tmp_path):
    source = tmp_path / "odd.csv"
    long_name = "L" * 40_000
    source.write_text(f'Account,Revenue\n"bell\x07name",10\n{long_name},20\nplain,30\n')
    output = tmp_path / "odd.xlsx"
    assert segmenter.main(["report", str(source), "-o", str(output)]) == 0
    accounts = {row[1] for row in load_workbook(output)["Segments"].iter_rows(min_row=6, values_only=True) if row[1]}
    assert accounts == {"bell\ufffdname", "L" * 32_767, "plain"}
