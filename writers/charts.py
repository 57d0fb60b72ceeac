"""The charts of a placed report: where each is drawn and which cells its series read."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from writers.catalogue import ChartSpec
from writers.cells import column_letters
from writers.columns import SERIES_COLOURS
from writers.print_setup import MIN_SCALE, PAGE_PX
from writers.printing import PIXELS_PER_CHARACTER, PIXELS_PER_CM, _pixels, print_fit

if TYPE_CHECKING:
    from writers.placement import PlacedBlock, PlacedSheet


@dataclass(frozen=True)
class SeriesRef:
    """One series of a placed chart: its name and the cells of its values (1-based, inclusive)."""

    name: str
    column: int
    first_row: int
    last_row: int
    style: str
    colour: str | None = None  # from SERIES_COLOURS; None: the chart's own palette


@dataclass(frozen=True)
class PlacedChart:
    """A chart with its position on the sheet it is drawn on and the cells it reads.

    ``data_sheet`` holds the data: x (or category) values in column ``x_column`` from
    ``first_row`` to ``last_row``, the header (series names) in ``header_row``; ``series``
    read the same rows of their own columns. ``anchor`` is the (row, column) of the top-left
    cell; the size is in centimetres.
    """

    spec: ChartSpec
    title: str
    data_sheet: str
    header_row: int
    first_row: int
    last_row: int
    x_column: int
    series: tuple[SeriesRef, ...]
    anchor: tuple[int, int]
    width_cm: float
    height_cm: float

    @property
    def first_column(self) -> int:
        return min([self.x_column] + [s.column for s in self.series])

    @property
    def last_column(self) -> int:
        return max([self.x_column] + [s.column for s in self.series])

    def reference(self, column: int, *, header: bool = False) -> str:
        """An absolute reference to one column's cells on the data sheet, e.g. 'Chart data'!$B$6:$B$9."""
        letter = column_letters(column)
        first = self.header_row if header else self.first_row
        sheet = "'" + self.data_sheet.replace("'", "''") + "'"
        return f"{sheet}!${letter}${first}:${letter}${self.last_row}"


# Chart geometry: the Overview's grid of two charts a row, and the chart beside a block.
GRID_CHART_CM = (15.0, 8.0)
GRID_CHART_ROWS = 17  # rows of the default 15 pt (0.53 cm) height a grid chart takes, with a gap
BESIDE_CHART_CM = (16.0, 10.0)


def _data_block(placed: list[PlacedSheet], table: str) -> tuple[PlacedSheet, PlacedBlock] | None:
    for sheet in placed:
        block = sheet.block(table)
        if block is not None and block.n_rows:
            return sheet, block
    return None


def _placed_chart(
    spec: ChartSpec,
    data: tuple[PlacedSheet, PlacedBlock],
    titles: dict[str, str],
    anchor: tuple[int, int],
    size: tuple[float, float],
) -> PlacedChart:
    sheet, block = data
    x, ys = chart_columns(block, spec)
    styles = spec.styles or ("default",) * len(ys)
    series = tuple(
        SeriesRef(
            block.headers[y],
            block.first_col + y,
            block.header_row + 1,
            block.last_row,
            style,
            SERIES_COLOURS.get(block.keys[y]),
        )
        for y, style in zip(ys, styles)
    )
    return PlacedChart(
        spec=spec,
        title=titles.get(spec.table, spec.title),
        data_sheet=sheet.spec.name,
        header_row=block.header_row,
        first_row=block.header_row + 1,
        last_row=block.last_row,
        x_column=block.first_col + x,
        series=series,
        anchor=anchor,
        width_cm=size[0],
        height_cm=size[1],
    )


def place_charts(sheet: PlacedSheet, placed: list[PlacedSheet], titles: dict[str, str]) -> list[PlacedChart]:
    """The charts drawn on ``sheet``: its ``chart`` beside its block (below the tables when beside
    them the sheet would print below :data:`~writers.print_setup.MIN_SCALE`), its ``charts`` in a
    grid below its last block, two a row when two fit within the tables' width, else one (only those
    whose table has rows somewhere)."""
    charts = []
    top = max(b.last_row for b in sheet.blocks) + 3
    widths = print_fit(sheet).widths  # the widths as written, notes widened
    if sheet.spec.chart is not None and sheet.block(sheet.spec.chart.table) is not None:
        block = sheet.block(sheet.spec.chart.table)
        if block.n_rows:
            anchor = (block.title_row, sheet.n_cols + 2)
            beside_px = _pixels(widths, sheet.n_cols + 2) + BESIDE_CHART_CM[0] * PIXELS_PER_CM
            if beside_px * MIN_SCALE > PAGE_PX["landscape"]:  # beside the tables it would not print legibly
                anchor, top = (top, 1), top + math.ceil(BESIDE_CHART_CM[1] / 0.53) + 2
            charts.append(_placed_chart(sheet.spec.chart, (sheet, block), titles, anchor, BESIDE_CHART_CM))
    drawn = [(spec, data) for spec in sheet.spec.charts if (data := _data_block(placed, spec.table)) is not None]
    if drawn:
        second = _column_after(widths, GRID_CHART_CM[0])
        # two a row only within the tables' width: a chart beside another would widen the printed page
        per_row = (
            2 if _pixels(widths, sheet.n_cols + 1) >= _pixels(widths, second) + GRID_CHART_CM[0] * PIXELS_PER_CM else 1
        )
        for i, (spec, data) in enumerate(drawn):
            anchor = (top + (i // per_row) * GRID_CHART_ROWS, 1 if i % per_row == 0 else second)
            charts.append(_placed_chart(spec, data, titles, anchor, GRID_CHART_CM))
    return charts


def _column_after(widths: list[float], width_cm: float) -> int:
    """The first column (1-based) that starts at least ``width_cm`` (plus a small gap) from the left edge."""
    needed, start, column = (width_cm + 0.5) * PIXELS_PER_CM, 0.0, 1
    while start < needed:
        start += (widths[column - 1] if column <= len(widths) else 8.43) * PIXELS_PER_CHARACTER + 5
        column += 1
    return column


def chart_columns(block: PlacedBlock, spec: ChartSpec) -> tuple[int, list[int]]:
    """0-based block columns of the chart's x and of its y series (every other column when
    ``spec.y_columns`` is empty)."""
    x = block.col(spec.x_column)
    ys = [block.col(y) for y in spec.y_columns] if spec.y_columns else [j for j in range(block.n_cols) if j != x]
    return x, ys
