"""The Overview of a report: the findings, the key figures and the tables its charts draw.

Everything here is read from the report's result tables (the ones the detail sheets show),
so the Overview cannot disagree with them. The chart tables are laid out for a chart: one x
column, then one column per series (blank where a series has no point), so that both
writers draw each chart from one block of cells.

Tables (keys added to the report's tables):

``findings``, ``key_figures``
    The sentences (:mod:`core.findings`) and the figures a manager asks for first.
``chart_tier_share``
    Share of revenue and of profit per tier (clustered columns).
``chart_nps_tier``, ``chart_nps_size``
    NPS per tier and per size band, the respondents in the label; the two groups the gap
    compares are marked "highest" and "lowest".
``chart_matrix``
    Revenue (x) against margin % (y) of the :data:`MATRIX_POINTS` largest classified
    accounts, one y column per strategy, and two short tables' worth of rows drawing the
    revenue and margin splits as lines.
``chart_whale``
    The whale curve (:func:`core.whale.whale_curve`), its peak, and the 100 % line.
``chart_bridge``
    With periods, the revenue bridge as stacked columns: an unfilled base, the increase, the
    decrease, and the two period totals.
``chart_rfm``
    With transactions, customers per RFM segment.
``chart_titles``
    The charts' titles with their figures (table -> title).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from core import sheets
from core.config import ReportConfig
from core.findings import MATERIAL_LOSS, figure_text, findings, findings_table
from core.matrix import STRATEGIES
from core.text import pct, plural

#: The quadrant chart shows at most this many accounts, the largest by revenue.
MATRIX_POINTS = 2000


def _measure(table: pd.DataFrame, prefix: str) -> float:
    rows = table.loc[table["measure"].astype(str).str.startswith(prefix), "value"]
    return float(rows.iloc[0]) if len(rows) else np.nan


def key_figures(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Accounts, revenue, profit, margin %, (net margin %), NPS and HHI: measure, value, unit, sheet."""
    total = tables["tier_summary"].iloc[-1]
    rows = [
        ("Accounts", float(total["accounts"]), "accounts", sheets.TIER_SUMMARY),
        ("Revenue", float(total["revenue"]), "currency", sheets.TIER_SUMMARY),
    ]
    if np.isfinite(float(total["profit"])) and np.isfinite(float(total["margin_pct"])):
        rows += [
            ("Profit", float(total["profit"]), "currency", sheets.TIER_SUMMARY),
            ("Margin %", float(total["margin_pct"]), "share", sheets.TIER_SUMMARY),
        ]
    if "net_margin_pct" in total and np.isfinite(float(total["net_margin_pct"])):
        rows.append(
            ("Net margin % (after cost to serve)", float(total["net_margin_pct"]), "share", sheets.TIER_SUMMARY)
        )
    if "nps_by_tier" in tables:
        rows.append(("NPS", float(tables["nps_by_tier"].iloc[-1]["nps"]), "points", sheets.NPS))
    rows.append(("HHI (0-10,000)", _measure(tables["concentration"], "HHI"), "points", sheets.CONCENTRATION))
    if "revenue_bridge" in tables:
        bridge = tables["revenue_bridge"]
        rows.append(
            (
                f"Change in revenue, {bridge['step'].iloc[0][8:]} to {bridge['step'].iloc[-2][8:]}",
                float(bridge["revenue_change"].iloc[-1]),
                "currency",
                sheets.GROWTH,
            )
        )
    if "model_figures" in tables:  # a transaction list: what the models say comes first
        rows = model_key_figures(tables["model_figures"]) + rows
    return pd.DataFrame(rows, columns=["measure", "value", "unit", "sheet"])


def model_key_figures(figures: pd.DataFrame) -> list[tuple[str, float, str, str]]:
    """The models' key figures, the 80 % range in the measure's words (one value cell per figure).

    >>> figures = pd.DataFrame({"measure": ["Model lifetime value, next 52 weeks"], "value": [68_500.0],
    ...                         "p10": [64_500.0], "p90": [73_100.0], "unit": ["currency"]})
    >>> model_key_figures(figures)[0][0]
    'Model lifetime value, next 52 weeks (80 % range 64.5 k to 73.1 k)'
    """
    rows = []
    for row in figures.itertuples():
        measure = str(row.measure)
        if np.isfinite(row.p10) and np.isfinite(row.p90):
            kind = "money" if row.unit == "currency" else "int"
            measure += f" (80 % range {figure_text(row.p10, kind)} to {figure_text(row.p90, kind)})"
        rows.append((measure, float(row.value), str(row.unit), sheets.LIFETIME_VALUE))
    return rows


def tier_share_chart(tables: dict[str, pd.DataFrame], labels: tuple[str, ...]) -> pd.DataFrame:
    summary = tables["tier_summary"]
    tiers = summary.loc[summary["tier"].astype(str).isin(labels) & (summary["accounts"] > 0)]
    chart = pd.DataFrame(
        {"tier": tiers["tier"].astype(str).to_numpy(), "revenue_share": tiers["revenue_share"].to_numpy(float)}
    )
    if np.isfinite(tiers["profit_share"].to_numpy(float)).any():
        chart["profit_share"] = tiers["profit_share"].to_numpy(float)
    return chart


def nps_chart(by: pd.DataFrame, gap: pd.DataFrame, column: str) -> pd.DataFrame:
    rows = by.loc[(by[column].astype(str) != "Total") & (by["respondents"] > 0)]
    marks = {str(gap["high_group"].iloc[0]): ", highest", str(gap["low_group"].iloc[0]): ", lowest"}
    prefix = "Tier " if column == "tier" else ""
    names = [
        f"{prefix}{g} ({plural(int(n), 'answer')}{marks.get(str(g), '')}{', too few' if w else ''})"
        for g, n, w in zip(rows[column].astype(str), rows["respondents"], rows["warning"])
    ]
    return pd.DataFrame({"group": names, "nps": rows["nps"].to_numpy(float)})


def matrix_chart(segments: pd.DataFrame, revenue_split: float, margin_split: float) -> tuple[pd.DataFrame, int]:
    """The quadrant scatter's table and how many classified accounts there are in all."""
    margin = "net_margin_pct" if "net_margin_pct" in segments else "margin_pct"
    placed = np.flatnonzero(segments["strategy"].to_numpy(dtype=object) != "")
    total = placed.size
    rank = segments["rank"].to_numpy()[placed]
    if total > MATRIX_POINTS:  # the largest only, without sorting a million accounts
        kept = np.argpartition(rank, MATRIX_POINTS - 1)[:MATRIX_POINTS]
        placed, rank = placed[kept], rank[kept]
    shown = segments.iloc[placed[np.lexsort((placed, rank))]]
    revenue = shown["revenue"].to_numpy(float)
    margins = shown[margin].to_numpy(float)
    chart = pd.DataFrame({"revenue": revenue})
    for strategy in STRATEGIES:
        chart[strategy] = np.where(shown["strategy"].to_numpy(dtype=object) == strategy, margins, np.nan)
    low_x, high_x = min(revenue.min(), revenue_split), max(revenue.max(), revenue_split)
    low_y, high_y = min(margins.min(), margin_split), max(margins.max(), margin_split)
    lines = pd.DataFrame(
        {
            "revenue": [revenue_split, revenue_split, low_x, high_x],
            "revenue_split_line": [low_y, high_y, np.nan, np.nan],
            "margin_split_line": [np.nan, np.nan, margin_split, margin_split],
        }
    )
    return pd.concat([chart, lines], ignore_index=True), total


def bridge_chart(bridge: pd.DataFrame) -> pd.DataFrame | None:
    """Stacked columns of the bridge; None when a running total goes below 0 (no floating bar)."""
    steps = bridge.iloc[:-1]  # without the "change" row
    values = steps["revenue_change"].to_numpy(float)
    start, moves, end = values[0], values[1:-1], values[-1]
    after = start + np.cumsum(moves)
    before = np.r_[start, after[:-1]]
    if start < 0 or (after < 0).any():
        return None
    blank = np.full(len(moves), np.nan)
    base = np.r_[np.nan, np.minimum(before, after), np.nan]
    increase = np.r_[np.nan, np.where(moves >= 0, moves, np.nan), np.nan]
    decrease = np.r_[np.nan, np.where(moves < 0, -moves, np.nan), np.nan]
    total = np.r_[start, blank, end]
    is_total = ~np.isnan(total)
    names = [s if t else f"{s} ({n:,.0f})" for s, n, t in zip(steps["step"], steps["accounts"].fillna(0), is_total)]
    return pd.DataFrame({"step": names, "base": base, "increase": increase, "decrease": decrease, "total": total})


def overview_tables(
    tables: dict[str, pd.DataFrame], config: ReportConfig, segments: pd.DataFrame | None = None
) -> dict[str, pd.DataFrame]:
    """The Overview's tables (module docstring) from a report's result tables.

    ``segments``: the accounts the quadrant scatter may show (default ``tables["segments"]``; an
    engine passes its largest accounts only); how many accounts the matrix places comes from the
    Matrix table, so the chart's title counts them all either way.
    """
    segments = tables["segments"] if segments is None else segments
    out = {"findings": findings_table(findings(tables, config)), "key_figures": key_figures(tables)}
    titles = {}
    out["chart_tier_share"] = tier_share_chart(tables, config.labels)
    titles["chart_tier_share"] = (
        "Share of revenue and profit per tier"
        if "profit_share" in out["chart_tier_share"]
        else "Share of revenue per tier"
    )
    for column in ("tier", "size"):
        if f"nps_by_{column}" in tables:
            gap = tables[f"nps_gap_{column}"]
            out[f"chart_nps_{column}"] = nps_chart(tables[f"nps_by_{column}"], gap, column)
            row = gap.iloc[0]
            what = "tier" if column == "tier" else "size band"
            titles[f"chart_nps_{column}"] = (
                f"NPS per {what}: gap {row['gap']:.0f} points (+/- {row['margin_of_error']:.0f}), "
                f"{'beyond' if row['significant'] else 'within'} the margin of error"
                if np.isfinite(row["gap"]) and np.isfinite(row["margin_of_error"])
                else f"NPS per {what}: gap {row['gap']:.0f} points, margin of error not computable (too few answers)"
                if np.isfinite(row["gap"])
                else f"NPS per {what}"
            )
    splits = tables["matrix_splits"]["value"].to_numpy(float)
    placed = int(tables["matrix"]["accounts"].iloc[: len(STRATEGIES)].sum())
    if np.isfinite(splits).all() and placed > 0 and (segments["strategy"] != "").any():
        out["chart_matrix"], _ = matrix_chart(segments, splits[0], splits[1])
        shown = min(placed, MATRIX_POINTS)
        titles["chart_matrix"] = (
            "Revenue x margin: "
            + (f"the largest {shown:,} of {placed:,} accounts" if placed > shown else f"{placed:,} accounts")
            + ", split at the lines"
        )
    if "whale_points" in tables:
        points = tables["whale_points"]
        whale = tables["whale"].set_index("measure")["value"]
        peak_x, peak_y = whale["whale curve peak: share of accounts"], whale["whale curve peak: share of profit"]
        chart = points.rename(columns={"profit_share_cum": "whale_curve"})
        chart["whale_peak"] = np.where(
            np.isclose(chart["account_share"], peak_x) & np.isclose(chart["whale_curve"], peak_y),
            chart["whale_curve"],
            np.nan,
        )
        chart["full_profit"] = 1.0
        out["chart_whale"] = chart
        if peak_y - 1 >= MATERIAL_LOSS:
            titles["chart_whale"] = (
                f"Whale curve: the most profitable {pct(peak_x)} of accounts earn {pct(peak_y)} "
                f"of profit, the rest lose {pct(peak_y - 1)}"
            )
        else:
            titles["chart_whale"] = f"Whale curve: loss-making accounts take less than {pct(MATERIAL_LOSS)} of profit"
    if "revenue_bridge" in tables:
        bridge = bridge_chart(tables["revenue_bridge"])
        if bridge is not None:
            out["chart_bridge"] = bridge
            titles["chart_bridge"] = "Revenue bridge: " + " to ".join(tables["revenue_bridge"]["step"].iloc[[0, -2]])
    if "rfm_segments" in tables:
        rfm = tables["rfm_segments"]
        out["chart_rfm"] = rfm[["segment", "customers"]].reset_index(drop=True)
        titles["chart_rfm"] = "Customers per RFM segment"
    out["chart_titles"] = pd.DataFrame({"table": list(titles), "title": list(titles.values())})
    return out
