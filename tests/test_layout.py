"""The sheet layout: placement, formats, the display order and tier colour runs."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from core.accounts import parse_accounts
from core.report import run_report
from tests.test_report import CELLS
from writers.catalogue import SHEETS
from writers.cells import frame_rows
from writers.columns import FORMATS
from writers.placement import place_report


def _placed():
    report = run_report(parse_accounts(CELLS))
    return {
        s.spec.name: s
        for s in place_report(
            report.tables, source="Accounts!A1:E7", labels=report.config.labels, when=dt.datetime(2026, 1, 2, 3, 4)
        )
    }


def test_every_sheet_with_data_is_placed_in_the_described_order():
    # one revenue column: no periods, so no Growth sheets; a short watch list fits on the Matrix sheet; the call
    # list comes with the CLI's and the ribbon's extras (app.runs.extend_report), not with run_report alone
    expected = [
        spec.name
        for spec in SHEETS
        if not spec.name.startswith("Growth") and spec.name not in ("Accounts to watch", "Accounts to call")
    ]
    assert list(_placed()) == expected


def test_segments_are_listed_by_rank_with_contiguous_tier_colours():
    block = _placed()["Segments"].blocks[0]
    assert [row[block.col("account")] for row in block.rows] == ["Acme", "Beta", "Cora", "Dune", "Echo", "Fix"]
    assert block.tier_runs == [(0, 2, 0), (3, 3, 1), (4, 4, 2), (5, 5, 3)]
    assert (
        block.formats[block.col("revenue")] == FORMATS["money"]
        and block.formats[block.col("margin_pct")] == FORMATS["pct"]
    )
    assert block.header_row == 5 and _placed()["Segments"].freeze_row == 6


def test_blocks_do_not_overlap_and_units_drive_value_formats():
    sheet = _placed()["Concentration"]
    first, second = sheet.blocks
    assert second.title_row > first.last_row + 1
    formats = dict(zip([r[0] for r in first.rows], first.row_formats))
    assert formats["HHI"] == FORMATS["int"] and formats["Gini"] == FORMATS["ratio"]


def test_subtitle_names_the_source_and_time():
    assert _placed()["Matrix"].subtitle.startswith("From Accounts!A1:E7, run 2026-01-02 03:04")


def test_frame_rows_give_plain_cells():
    frame = pd.DataFrame(
        {
            "x": [1.5, np.nan],
            "d": pd.to_datetime(["2024-01-02", None]),
            "b": [True, False],
            "t": pd.Categorical(["A", None]),
        }
    )
    assert frame_rows(frame) == [[1.5, dt.datetime(2024, 1, 2), "yes", "A"], [None, None, "no", None]]


def test_a_block_longer_than_the_sheet_continues_on_numbered_sheets():
    from writers.placement import _fit_to_excel

    segments = _placed()["Segments"]  # 6 accounts, header on row 5
    parts = _fit_to_excel(segments, max_row=7)  # rows 6-7 on the sheet, then 2 per continuation
    assert [s.spec.name for s in parts] == ["Segments", "Segments (2)", "Segments (3)"]
    rows = segments.blocks[0].rows
    assert [p.blocks[0].rows for p in parts] == [rows[:2], rows[2:4], rows[4:]]
    assert [p.blocks[0].tier_runs for p in parts] == [[(0, 1, 0)], [(0, 0, 0), (1, 1, 1)], [(0, 0, 2), (1, 1, 3)]]
    assert parts[1].blocks[0].header_row == 5 and parts[1].blocks[0].last_row == 7
    assert parts[2].blocks[0].block.title.endswith("(continued: rows 5 to 6)")
    assert _fit_to_excel(segments, max_row=11) == [segments]


def test_frame_arrow_holds_the_cells_of_frame_rows_column_by_column():
    from writers.cells import EXCEL_CELL_CHARS, frame_arrow

    frame = pd.DataFrame(
        {
            "tier": pd.Categorical(["A", None, "B"], categories=["A", "B", "C"]),
            "cohort": pd.Categorical([2021, 2022, None]),
            "revenue": [1.5, float("inf"), float("nan")],
            "rank": np.array([1, 2, 3]),
            "nps": pd.array([9, None, 3], dtype="Int64"),
            "active": [True, False, True],
            "since": pd.to_datetime(["2024-01-02", None, "2023-05-06 10:30"], format="ISO8601"),
            "note": ["bell\x07", None, "x" * (EXCEL_CELL_CHARS + 5)],
            "empty": [None, None, None],
        }
    )
    table = frame_arrow(frame)
    by_rows = frame_rows(frame)
    assert [list(row.values()) for row in table.to_pylist()] == by_rows
    assert by_rows[0][-2] == "bell\ufffd" and len(by_rows[2][-2]) == EXCEL_CELL_CHARS


def test_frame_arrow_leaves_a_column_of_numbers_and_text_to_the_rows():
    from writers.cells import frame_arrow

    assert frame_arrow(pd.DataFrame({"value": [0.25, "12 accounts"]})) is None


def test_a_few_long_labels_wrap_in_a_capped_column_and_figures_keep_their_width():
    from writers.catalogue import Block, SheetSpec
    from writers.placement import place_sheet
    from writers.printing import LABEL_WIDTH, print_fit

    long_label = "Customers likely still active (P(alive) of 50 % or more)"  # 56 characters
    figures = pd.DataFrame(
        {"measure": ["Accounts", long_label], "value": [1_234_567.0, 0.5], "unit": ["accounts", "share"]}
    )
    # a long list whose usual label (40 characters) is longer than LABEL_WIDTH keeps it on one line
    names = pd.DataFrame({"account": ["A" * 40] * 101 + ["B" * 50], "revenue": [1.0] * 102})
    spec = SheetSpec("Test", (Block("figures", "Figures", unit_column="unit"), Block("names", "Names")))
    sheet = place_sheet(spec, {"figures": figures, "names": names}, source="test", labels=("A", "B"))
    fit = print_fit(sheet)
    assert fit.widths[0] == 40 + 3  # the names' median label + 3, not the 56 of one measure
    assert fit.wrapped_labels == {"figures": [(1, 0)], "names": [(101, 0)]}  # 56 and 50 > 43 - 3
    sheet = place_sheet(spec, {"figures": figures}, source="test", labels=("A", "B"))
    fit = print_fit(sheet)
    assert fit.widths[0] == LABEL_WIDTH and fit.wrapped_labels == {"figures": [(1, 0)]}
    assert fit.widths[1] == len("1,234,567") + 3  # a figure is never capped nor wrapped
    assert "figures" not in fit.wrapped_headers  # "Measure", "Value": shorter than their columns
