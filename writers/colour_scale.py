"""Colour scales on the cohort triangles (the Cohorts sheet), for both writers.

The file writer (:mod:`writers.xlsx`) writes a three-colour scale as a conditional format, the
live-workbook writer (:mod:`writers.book`) adds it with xlwings'
``conditional_formats.add_color_scale`` (implemented by its Windows and macOS engines and the
remote one). The scale runs from period +1 on: period +0 is every customer's first purchase
(about 100 %) and would push every later share into the bottom of the scale.
"""

from __future__ import annotations

from writers.placement import PlacedBlock

#: Table -> the key prefix of its coloured columns.
COLOUR_SCALES = {"cohort_customers": "period_", "cohort_revenue_retention": "retention_"}
#: Low to high: red, yellow, green (Excel's own red-yellow-green scale), the midpoint at the 50th percentile.
SCALE_COLOURS = ("#F8696B", "#FFEB84", "#63BE7B")


def colour_scale_columns(block: PlacedBlock) -> tuple[int, int] | None:
    """First and last 0-based column of the block's colour scale, or None (no scale, or fewer
    than one period after the first).

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> block = SimpleNamespace(block=SimpleNamespace(table="cohort_customers"),
    ...                         keys=["started", "customers", "period_0", "period_1", "period_2"])
    >>> colour_scale_columns(block)
    (3, 4)
    """
    prefix = COLOUR_SCALES.get(block.block.table)
    if prefix is None:
        return None
    columns = [j for j, key in enumerate(block.keys) if key.startswith(prefix) and key != f"{prefix}0"]
    return (columns[0], columns[-1]) if columns else None
