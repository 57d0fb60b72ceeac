"""Long blocks whose rows segmenter makes itself (writers/sheet_rows.py) and deflates on both cores:
every cell, its value, type and style, is the one rust_xlsxwriter writes on the one-core path, and
the file opens."""

from __future__ import annotations

import re
import zipfile
from xml.etree import ElementTree

import pytest
from openpyxl import load_workbook

import writers.sheet_rows
import writers.xlsx
from core.accounts import parse_accounts
from core.report import run_report
from tests.test_xlsx import _cells
from writers.placement import place_report
from writers.xlsx import write_workbook

NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _sheet_cells(path, part: str) -> dict[str, tuple[str | None, str, object]]:
    """Every cell of a sheet part: reference -> (style, kind, value), text resolved whether shared
    or inline, numbers as floats."""
    with zipfile.ZipFile(path) as book:
        assert book.testzip() is None
        shared = []
        if "xl/sharedStrings.xml" in book.namelist():
            for item in ElementTree.fromstring(book.read("xl/sharedStrings.xml")).iter(f"{NS}si"):
                shared.append("".join(t.text or "" for t in item.iter(f"{NS}t")))
        root = ElementTree.fromstring(book.read(part))
    cells = {}
    for row in root.iter(f"{NS}row"):
        if row.get("ht"):  # a row of wrapped text: its height
            cells[f"row {row.get('r')}"] = (row.get("ht"), row.get("customHeight"), None)
        for cell in row.iter(f"{NS}c"):
            kind = cell.get("t", "n")
            if kind == "s":
                value, kind = shared[int(cell.find(f"{NS}v").text)], "text"
            elif kind == "inlineStr":
                value, kind = "".join(t.text or "" for t in cell.iter(f"{NS}t")), "text"
            else:  # a number, or a blank cell with a format
                value = None if cell.find(f"{NS}v") is None else float(cell.find(f"{NS}v").text)
            cells[cell.get("r")] = (cell.get("s"), kind, value)
    return cells


def _other_parts(path, skip: set[str]) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as book:
        return {
            n: book.read(n) for n in book.namelist() if n not in skip | {"docProps/core.xml", "xl/sharedStrings.xml"}
        }


@pytest.fixture
def small(monkeypatch):
    """Blocks of 40 rows or more are made here, past their first 7 rows (of which the print layout
    reads and wraps the labels), 5 rows a chunk."""
    import functools

    monkeypatch.setattr(writers.xlsx, "print_fit", functools.partial(writers.xlsx.print_fit, sample=7))
    monkeypatch.setattr(writers.xlsx, "GENERATED_ROWS", 40)
    monkeypatch.setattr(writers.xlsx, "WHOLE_ROWS", 7)
    monkeypatch.setattr(writers.sheet_rows, "CHUNK_ROWS", 5)


def _compare(sheets, tmp_path, generated_parts: list[str]):
    made_parts = []
    replace = writers.xlsx.replace_parts
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(writers.xlsx, "replace_parts", lambda *a: made_parts.append((sorted(a[1]), replace(*a))) or True)
        made = write_workbook(sheets, tmp_path / "made.xlsx")
    sheets_made = [([p for p in parts if not p.startswith("xl/tables/")], ok) for parts, ok in made_parts]
    assert sheets_made == [(sorted(generated_parts), True)], "the long blocks' rows were made here"
    one = tmp_path / "one.xlsx"
    writers.xlsx._write_whole(sheets, one, None)
    for part in generated_parts:
        ours, theirs = _sheet_cells(made, part), _sheet_cells(one, part)
        assert ours == theirs, part
        with zipfile.ZipFile(made) as book:
            assert re.search(rb'<dimension ref="A1:[A-Z]+\d+"/>', book.read(part))
    # every other part (workbook, styles, tables, the other sheets) as the one-core path writes it,
    # but the other sheets' shared strings, numbered without the long block's
    assert _other_parts(made, set(generated_parts)).keys() == _other_parts(one, set(generated_parts)).keys()
    # a long block's Excel table, added by rust_xlsxwriter over its first rows, is widened to all of them
    ours, theirs = _other_parts(made, set(generated_parts)), _other_parts(one, set(generated_parts))
    assert {n: ours[n] for n in ours if n.startswith("xl/tables/")} == {
        n: theirs[n] for n in theirs if n.startswith("xl/tables/")
    }
    assert not list(tmp_path.glob(".segmenter-parts-*")), "the parts' folder is removed"
    return made


def test_segments_rows_made_here_are_the_cells_rust_xlsxwriter_writes(tmp_path, small, monkeypatch):
    monkeypatch.setattr(writers.xlsx, "TABLE_ROW_LIMIT", 45)  # Segments is streamed (inline text)
    sheets = place_report(run_report(parse_accounts(_cells(60))).tables, source="t", labels=("A", "B", "C", "D"))
    generated = writers.xlsx._generated_blocks(sheets)
    assert "Segments" in [sheets[i].spec.name for i in generated]
    made = _compare(sheets, tmp_path, [f"xl/worksheets/sheet{i + 1}.xml" for i in generated])
    ws = load_workbook(made)["Segments"]
    assert ws.max_row == 65 and ws.cell(row=65, column=1).value == 60


def test_a_table_sheet_made_here_keeps_its_cells_formats_and_dates(tmp_path, small):
    """Not streamed: rust_xlsxwriter's text is shared, ours inline; an Excel table over both."""
    rows = _cells(60)
    rows[50][0] = "  Lead & <Sons>  "  # escaped, blanks kept
    rows[55][0] = "Ünïcødé\u00a0Co"
    sheets = place_report(run_report(parse_accounts(rows)).tables, source="t", labels=("A", "B", "C", "D"))
    index = next(i for i, s in enumerate(sheets) if s.spec.name == "Segments")
    assert index in writers.xlsx._generated_blocks(sheets)
    made = _compare(
        sheets, tmp_path, [f"xl/worksheets/sheet{i + 1}.xml" for i in writers.xlsx._generated_blocks(sheets)]
    )
    ws = load_workbook(made)["Segments"]
    texts = {str(cell.value) for row in ws.iter_rows(min_row=6 + 7) for cell in row}  # past the first 7 rows
    assert {"Lead & <Sons>", "Ünïcødé\u00a0Co"} <= {text.strip() for text in texts}


def test_a_customer_report_has_its_three_long_lists_made_here(tmp_path, small, monkeypatch):
    from app.runs import customer_sheets
    from bench.bench_cli import order_frame
    from core.config import ReportConfig
    from core.customers.report import run_customer_report
    from readers.files import read_block
    from readers.lists import load_transactions

    source = tmp_path / "orders.csv"
    order_frame(3000).to_csv(source, index=False)
    rows, first = read_block(source)
    config = ReportConfig()
    sheets = customer_sheets(run_customer_report(load_transactions(rows, first, source), config), "o", config.labels)
    generated = writers.xlsx._generated_blocks(sheets)
    names = [sheets[i].spec.name for i in generated]
    assert {"Customers", "Lifetime value", "Segments"} <= set(names)
    customers = next(s for s in sheets if s.spec.name == "Customers")
    assert writers.xlsx._print_fit(customers).wrapped_labels["customers"], "wrapped labels in the first rows"
    _compare(sheets, tmp_path, [f"xl/worksheets/sheet{i + 1}.xml" for i in generated])


def test_text_that_needs_more_than_escaping_is_left_to_rust_xlsxwriter(small):
    import pyarrow as pa

    from writers.sheet_rows import plain_cells

    assert plain_cells(pa.table({"0": ["a & b", "<x>", None], "1": [1.5, None, 2.0], "2": [None, None, None]}))
    for odd in ["carriage\rreturn", "bell\x07", "_x0041_", "non\uffffcharacter"]:
        assert not plain_cells(pa.table({"0": ["fine", odd]})), odd
    assert not plain_cells(pa.table({"0": [float("inf")]}))


def test_a_wrapped_note_column_is_made_here_with_its_rows_heights(tmp_path, small, monkeypatch):
    """The watch list of all accounts: its notes wrap, each row as high as its note's lines."""
    rows = _cells(60)
    for row in rows[1:]:  # large detractors and small promoters, some at a loss: 42 on the list, long notes among them
        row[3] = 0.0 if row[1] > 970 else 10.0
        row[2] = -5.0 if row[1] % 3 == 0 else row[2]
    sheets = place_report(run_report(parse_accounts(rows)).tables, source="t", labels=("A", "B", "C", "D"))
    generated = writers.xlsx._generated_blocks(sheets)
    wrapped = [
        i
        for i in generated
        if writers.xlsx._main_block(sheets[i]).block.table in writers.xlsx._print_fit(sheets[i]).wrapped
    ]
    assert wrapped, "a block with a wrapped note column is made here"
    made = _compare(sheets, tmp_path, [f"xl/worksheets/sheet{i + 1}.xml" for i in generated])
    part = f"xl/worksheets/sheet{wrapped[0] + 1}.xml"
    heights = [k for k in _sheet_cells(made, part) if k.startswith("row ")]
    assert any(int(k.split()[1]) > 6 + 7 for k in heights), "rows past the first 7 have their heights"


def test_deflate_pieces_join_into_one_stream():
    import zlib

    import pyarrow as pa

    from writers.sheet_rows import GeneratedRows, deflated_part

    rows = GeneratedRows(pa.table({"0": [float(i) for i in range(100_000)], "1": ["x"] * 100_000}), 3, ["", ""])
    pieces = list(deflated_part(b"<head>", rows, b"</tail>"))
    xml = b"".join(bytes(x) for _, x in pieces)
    assert zlib.decompress(b"".join(d for d, _ in pieces), -zlib.MAX_WBITS) == xml
    assert xml.startswith(b'<head><row r="3"><c r="A3"><v>0</v></c><c r="B3" t="inlineStr"><is><t>x</t></is></c></row>')
    assert xml.endswith(
        b'<row r="100002"><c r="A100002"><v>99999</v></c>'
        + b'<c r="B100002" t="inlineStr"><is><t>x</t></is></c></row></tail>'
    )


def test_sixty_thousand_accounts_at_the_real_sizes(tmp_path):
    """At the sizes segmenter uses (blocks of 50,000 rows or more, 2,000 rows by rust_xlsxwriter,
    chunks of 32,768 rows), every cell of the Segments sheet is the one-core path's."""
    from bench.bench_target import six_columns

    frame = six_columns(60_000)
    rows = [list(frame.columns)] + frame.astype(object).where(frame.notna(), None).to_numpy().tolist()
    sheets = place_report(run_report(parse_accounts(rows)).tables, source="t", labels=("A", "B", "C", "D"))
    generated = writers.xlsx._generated_blocks(sheets)
    assert [sheets[i].spec.name for i in generated] == ["Segments"]
    _compare(sheets, tmp_path, [f"xl/worksheets/sheet{i + 1}.xml" for i in generated])


def test_a_tier_colour_met_first_on_the_last_row_is_primed(tmp_path, small):
    """Tier colours that change every row make a run a row; once every format of the later rows is
    met the runs left write nothing, but not before: a colour first met on the block's last row
    (and one met once in the middle) still gets its primer row, so the rows made here carry its style."""
    import dataclasses

    from app.runs import customer_sheets
    from bench.bench_cli import order_frame
    from core.config import ReportConfig
    from core.customers.report import run_customer_report
    from readers.files import read_block
    from readers.lists import load_transactions

    source = tmp_path / "orders.csv"
    order_frame(3000).to_csv(source, index=False)
    rows, first = read_block(source)
    config = ReportConfig()
    sheets = customer_sheets(run_customer_report(load_transactions(rows, first, source), config), "o", config.labels)
    at = next(i for i, s in enumerate(sheets) if s.spec.name == "Customers")
    block = writers.xlsx._main_block(sheets[at])
    n = block.n_rows
    colours = [(i, i, i % 2) for i in range(n - 1)] + [(n - 1, n - 1, 3)]
    colours[n // 2] = (n // 2, n // 2, 2)
    recoloured = dataclasses.replace(block, tier_runs=colours)
    sheets[at] = dataclasses.replace(sheets[at], blocks=[recoloured if b is block else b for b in sheets[at].blocks])
    assert at in writers.xlsx._generated_blocks(sheets)
    part = f"xl/worksheets/sheet{at + 1}.xml"
    made = _compare(
        sheets, tmp_path, [f"xl/worksheets/sheet{i + 1}.xml" for i in writers.xlsx._generated_blocks(sheets)]
    )
    cells = _sheet_cells(made, part)
    column = writers.xlsx.column_letters(block.tier_col + 1)
    top = block.header_row + 1
    styles = [cells[f"{column}{top + i}"][0] for i in range(n)]
    assert len({styles[0], styles[1], styles[n // 2], styles[-1]}) == 4, "four colours, two of them met once"
    assert styles.count(styles[-1]) == 1 and styles.count(styles[n // 2]) == 1


def test_one_pipeline_for_several_blocks_gives_each_block_its_own_pieces(monkeypatch):
    """Blocks given to one ChunkPipeline (the next block's chunks made while a block's last ones
    finish) get the pieces, in order and byte for byte, that a pipeline of their own gives them."""
    import pyarrow as pa

    from writers.sheet_rows import ChunkPipeline, GeneratedRows, deflated_part

    monkeypatch.setattr(writers.sheet_rows, "CHUNK_ROWS", 5)
    blocks = [
        GeneratedRows(pa.table({"0": [float(i) for i in range(n)], "1": [f"t{i}" for i in range(n)]}), 4, ["", ""])
        for n in (12, 3, 21)
    ]
    alone = [list(deflated_part(b"<h>", rows, b"</t>")) for rows in blocks]
    pipeline = ChunkPipeline(blocks[:1])
    for rows in blocks[1:]:  # given while the first block's chunks are being made, as the writer gives them
        pipeline.add(rows)
    together = [list(deflated_part(b"<h>", rows, b"</t>", pipeline)) for rows in blocks]
    pipeline.close()
    assert [[(bytes(d), bytes(x)) for d, x in p] for p in together] == [
        [(bytes(d), bytes(x)) for d, x in p] for p in alone
    ]
    assert [len(p) for p in together] == [3 + 2, 1 + 2, 5 + 2]
