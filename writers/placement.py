"""Where each block lands on its sheet: the report's sheets placed, as both writers write them.

Each result sheet has a title in A1, a line saying where the data came from in A2, then its
blocks stacked downwards: a block title, a header row, the rows, a blank row. A sheet with one
block freezes its header row; a sheet with several freezes the title lines. A block longer than
a sheet continues on sheets "<name> (2)", "<name> (3)" ... Both writers (writers/xlsx.py,
writers/book.py) read :func:`place_report`; neither decides a position on its own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np
import pandas as pd

from writers.catalogue import OPTIONAL_SEGMENT_COLUMNS, SEGMENT_COLUMNS, SHEETS, Block, SheetSpec
from writers.cells import frame_rows
from writers.charts import PlacedChart, place_charts
from writers.columns import FORMATS, NEGATIVE_RED_COLUMNS, TOTAL_LABELS, UNIT_FORMATS, column_style

TITLE_PREFIX = "segmenter · "
# A sheet holding more rows than this gets filter buttons on its blocks instead of Excel tables: a
# table that size is slow to open and sort in Excel, and a file writer has to stream such a sheet.
TABLE_ROW_LIMIT = 200_000
EXCEL_ROWS = 1_048_576  # rows on an Excel sheet


@dataclass(frozen=True)
class PlacedBlock:
    """A block with its position (1-based sheet row/column of the header cell) and content."""

    block: Block
    title_row: int
    header_row: int
    first_col: int
    keys: list[str]  # the report table's column names, in sheet order
    headers: list[str]
    frame: pd.DataFrame  # the cells, one column per key, rows in sheet order (see :meth:`rows`)
    formats: list[str]  # one Excel number format per column
    row_formats: list[str] | None  # per-row format of the unit-driven value column
    unit_col: int | None  # 0-based column the row formats apply to
    tier_runs: list[tuple[int, int, int]]  # (first row, last row, colour index) of the tier column
    tier_col: int | None
    total_rows: list[int] = field(default_factory=list)  # 0-based rows that are totals (shown bold)
    data_bar_col: int | None = None  # 0-based column drawn with data bars
    negative_cols: list[int] = field(default_factory=list)  # 0-based margin columns: red below zero

    @property
    def right_aligned(self) -> list[int]:
        """0-based columns of numbers and dates: their headers sit right, over the figures."""
        return [j for j, fmt in enumerate(self.formats) if fmt != "General" or j == self.unit_col]

    @cached_property
    def rows(self) -> list[list[object]]:
        """The cells as rows of plain Python values (:func:`frame_rows`), made on first use: a file
        writer takes :attr:`frame` column by column and never needs them."""
        return frame_rows(self.frame)

    @property
    def n_rows(self) -> int:
        return len(self.frame)

    def head(self, n: int) -> list[list[object]]:
        """The first ``n`` rows as :attr:`rows` gives them, made once per ``n`` (the print layout
        reads them column by column; the lists are shared: read them, do not change them)."""
        heads = self.__dict__.setdefault("_heads", {})  # beside the cached rows: the block is frozen
        if n not in heads:
            heads[n] = frame_rows(self.frame.iloc[:n])
        return heads[n]

    @property
    def last_row(self) -> int:
        return self.header_row + self.n_rows

    @property
    def n_cols(self) -> int:
        return len(self.headers)

    def col(self, key: str) -> int:
        """0-based position of a report column in this block."""
        return self.keys.index(key)


@dataclass(frozen=True)
class PlacedSheet:
    spec: SheetSpec
    title: str
    subtitle: str
    blocks: list[PlacedBlock]
    freeze_row: int  # rows above this one stay in view
    print_title_row: int | None  # the header row printed on top of every page (a sheet of one long block)
    charts: list[PlacedChart] = field(default_factory=list)  # filled by place_report, which sees every sheet

    @property
    def n_cols(self) -> int:
        return max((b.n_cols for b in self.blocks), default=1)

    def block(self, table: str) -> PlacedBlock | None:
        return next((b for b in self.blocks if b.block.table == table), None)


def _select_columns(frame: pd.DataFrame, block: Block) -> pd.DataFrame:
    if block.table == "segments":
        absent = [c for c in OPTIONAL_SEGMENT_COLUMNS if c in frame.columns and not _filled(frame[c])]
        frame = frame.drop(columns=absent)
        known = [c for c in SEGMENT_COLUMNS if c in frame.columns]
        extras = [c for c in frame.columns if c not in SEGMENT_COLUMNS]
        # input columns the engine does not know come right after the engine's columns
        return frame[known[:-2] + extras + known[-2:]]
    if block.columns:
        return frame[[c for c in block.columns if c in frame.columns]]
    return frame


def _filled(column: pd.Series) -> bool:
    """Whether any cell of the column holds something (not missing, not blank text)."""
    if pd.api.types.is_numeric_dtype(column) or pd.api.types.is_datetime64_any_dtype(column):
        return bool(column.notna().any())
    # a filled column nearly always shows it in its first cells: the rest is read only when those are blank
    return any(_holds_text(part) for part in (column.iloc[:1000], column.iloc[1000:]))


def _holds_text(cells: pd.Series) -> bool:
    values = cells.dropna()
    return bool((values.astype(str).str.strip() != "").any())


def _unique_headers(styles: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Headers must be unique in an Excel table: an input column named like ours gets "(input)"."""
    seen: set[str] = set()
    out = []
    for header, kind in styles:
        candidate, n = header, 2
        while candidate.lower() in seen:
            candidate, n = f"{header} (input{'' if n == 2 else f' {n - 1}'})", n + 1
        seen.add(candidate.lower())
        out.append((candidate, kind))
    return out


def _total_rows(frame: pd.DataFrame) -> list[int]:
    """0-based rows whose first cell is one of :data:`TOTAL_LABELS` (shown bold)."""
    if not frame.shape[1]:
        return []
    return np.flatnonzero(frame.iloc[:, 0].isin(TOTAL_LABELS).to_numpy(dtype=bool)).tolist()


def _tier_runs(values: pd.Series, labels: tuple[str, ...]) -> list[tuple[int, int, int]]:
    """(first row, last row, colour index) of each run of one tier label; rows of other values get none."""
    if not len(values):
        return []
    # each distinct value looked up once (a million rows hold four tiers): -1 for no tier label
    codes, uniques = pd.factorize(values)
    per_value = pd.Index(list(labels), dtype=object).get_indexer(np.asarray(uniques, dtype=object))
    colours = np.where(codes >= 0, per_value[codes], -1) if len(per_value) else np.full(len(codes), -1)
    starts = np.flatnonzero(np.r_[True, colours[1:] != colours[:-1]])
    ends = np.r_[starts[1:] - 1, len(colours) - 1]
    return [(int(a), int(b), int(colours[a])) for a, b in zip(starts, ends) if colours[a] >= 0]


def place_sheet(
    spec: SheetSpec, tables: dict[str, pd.DataFrame], *, source: str, labels: tuple[str, ...]
) -> PlacedSheet | None:
    """Lay out one sheet; None when none of its tables is in the report (e.g. no NPS answers)."""
    placed: list[PlacedBlock] = []
    row = 4
    for block in spec.blocks:
        frame = tables.get(block.table)
        if frame is None:
            continue
        units = frame[block.unit_column] if block.unit_column and block.unit_column in frame.columns else None
        order = np.argsort(frame[block.sort_column].to_numpy(), kind="stable") if block.sort_column else None
        frame = _select_columns(frame, block)  # before the sort: the columns not shown are not reordered
        if order is not None:
            frame = frame.iloc[order]
            units = units.iloc[order] if units is not None else None
        styles = _unique_headers([column_style(str(c), dtype) for c, dtype in zip(frame.columns, frame.dtypes)])
        unit_col = row_formats = None
        if units is not None:
            unit_col = list(frame.columns).index("value")
            row_formats = [
                FORMATS[UNIT_FORMATS.get(str(u), "text")] if UNIT_FORMATS.get(str(u)) else FORMATS["text"]
                for u in units
            ]
        tier_col = list(frame.columns).index(block.tier_column) if block.tier_column in frame.columns else None
        runs = _tier_runs(frame[block.tier_column], labels) if tier_col is not None else []
        keys = [str(c) for c in frame.columns]
        placed.append(
            PlacedBlock(
                block=block,
                title_row=row,
                header_row=row + 1,
                first_col=1,
                keys=keys,
                headers=[h for h, _ in styles],
                frame=frame.reset_index(drop=True),
                formats=[FORMATS.get(kind, "General") for _, kind in styles],
                row_formats=row_formats,
                unit_col=unit_col,
                tier_runs=runs,
                tier_col=tier_col,
                total_rows=_total_rows(frame),
                data_bar_col=keys.index(block.data_bar_column) if block.data_bar_column in keys else None,
                negative_cols=[j for j, key in enumerate(keys) if key in NEGATIVE_RED_COLUMNS],
            )
        )
        row = row + 1 + len(frame) + 2
    if not placed:
        return None
    freeze_row = placed[0].header_row + 1 if len(placed) == 1 else 3
    return PlacedSheet(
        spec=spec,
        title=TITLE_PREFIX + spec.name,
        subtitle=source,
        blocks=placed,
        freeze_row=freeze_row,
        print_title_row=placed[0].header_row if len(placed) == 1 else None,
    )


def place_report(
    tables: dict[str, pd.DataFrame],
    *,
    source: str,
    labels: tuple[str, ...],
    when: dt.datetime | None = None,
    sheets: tuple[SheetSpec, ...] | None = None,
) -> list[PlacedSheet]:
    """Every result sheet of a report, placed; ``source`` says where the accounts came from.

    ``sheets`` picks the set: :data:`SHEETS` (an account report) or :data:`CUSTOMER_SHEETS`
    (the customer tables of a transaction list's report).
    """
    sheets = SHEETS if sheets is None else sheets  # read when called: the catalogue grows at the end of this module
    stamp = (when or dt.datetime.now()).strftime("%Y-%m-%d %H:%M")
    subtitle = f"From {source}, run {stamp}. Sheet written by segmenter: re-running replaces it."
    placed = [place_sheet(spec, tables, source=subtitle, labels=labels) for spec in sheets]
    placed = [part for s in placed if s is not None for part in _fit_to_excel(s)]
    titles = (
        dict(zip(tables["chart_titles"]["table"], tables["chart_titles"]["title"])) if "chart_titles" in tables else {}
    )
    for sheet in placed:
        sheet.charts.extend(place_charts(sheet, placed, titles))
    return placed


def _fit_to_excel(sheet: PlacedSheet, max_row: int = EXCEL_ROWS) -> list[PlacedSheet]:
    """The sheet, followed by continuation sheets "<name> (2)", "<name> (3)" ... when its last block
    runs past the sheet's last row (``max_row``); each continuation repeats the header.

    The long blocks (one row per account or customer) are the last of their sheet.
    """
    last = sheet.blocks[-1]
    if last.last_row <= max_row:
        return [sheet]
    room = max_row - last.header_row
    parts = [replace(sheet, blocks=sheet.blocks[:-1] + [_rows_of(last, 0, room, last.title_row, last.block)])]
    start, number = room, 2
    while start < last.n_rows:
        stop = min(last.n_rows, start + max_row - 5)
        block = replace(
            last.block,
            table=f"{last.block.table}_{number}",
            title=f"{last.block.title} (continued: rows {start + 1:,} to {stop:,})",
        )
        spec = replace(sheet.spec, name=f"{sheet.spec.name} ({number})", blocks=(block,), chart=None, charts=())
        parts.append(
            replace(
                sheet,
                spec=spec,
                title=TITLE_PREFIX + spec.name,
                freeze_row=6,
                blocks=[_rows_of(last, start, stop, 4, block)],
                charts=[],
            )
        )
        start, number = stop, number + 1
    return parts


def _rows_of(placed: PlacedBlock, start: int, stop: int, title_row: int, block: Block) -> PlacedBlock:
    """Rows ``start`` to ``stop`` (0-based, stop excluded) of a placed block, titled at ``title_row``."""
    runs = [
        (max(first, start) - start, min(last, stop - 1) - start, colour)
        for first, last, colour in placed.tier_runs
        if last >= start and first < stop
    ]
    return replace(
        placed,
        block=block,
        title_row=title_row,
        header_row=title_row + 1,
        frame=placed.frame.iloc[start:stop].reset_index(drop=True),
        row_formats=placed.row_formats[start:stop] if placed.row_formats else placed.row_formats,
        tier_runs=runs,
    )
