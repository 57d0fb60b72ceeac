"""The call list ("Accounts to call"): whom to call first, one reason each, ranked by money at stake.

Reasons, each with the figure behind it and the sheet that holds the figure (``detail_sheet``,
"Sheet: column"):

``slipping`` (transaction lists with a purchase model)
    A tier A or B customer (the first two labels) whose P(alive) is below ``alive_level``
    (Settings, default 50 %) and whose expected next order date has passed. The expected next
    order is the last purchase plus the customer's average time between purchases
    (``t_x / x``, repeat buyers only). Money at stake: the customer's average yearly spend
    (total spend over the years since the first purchase, at least one) x (1 - P(alive)): the
    yearly spend that is probably lost.
``detractor``
    A tier A or B account whose survey answers are detractors (its respondents' NPS below 0,
    from ``survey_accounts``), or, without a survey, whose NPS column answer is 0-6. Money at
    stake: the account's revenue.
``tier edge``
    An account whose revenue is at most 5 % (:data:`EDGE`) above the cut-off of its tier (the
    lowest revenue in the tier; tiers that have a real tier below them): at risk of moving down,
    money at stake its revenue; or at most 5 % below the cut-off of the tier above it: could move
    up, money at stake the gap to the cut-off.
``fix margin``
    An account in the Fix margin quadrant (high revenue, low margin; net margin when the list has
    cost to serve). Money at stake: the profit it would make at the portfolio's margin minus its
    profit (``revenue x portfolio margin - profit``).

One row per account: its reason with the most money at stake; ``also`` names its other reasons.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pandas as pd

from core.config import ReportConfig
from core.customers.summary import UNIT_DAYS
from core.findings import findings, findings_table
from core.matrix import FIX_MARGIN

EDGE = 0.05
TOP = 50
ACTION_COLUMNS = ("priority", "account", "tier", "reason", "money_at_stake", "detail_sheet", "also", "sheet_row")
TRANSACTION_COLUMNS = ("expected_next_order", "days_overdue")


def _money(value: float) -> str:
    """An amount as a reason shows it: whole units, with cents below 100 (79.95 against a cut-off of
    76.14 is 5.0 % above it; rounded, 80 against 76 would read 5.3 %)."""
    return f"{value:,.2f}" if abs(value) < 100 and value != round(value) else f"{value:,.0f}"


def _share(value: float) -> str:
    return f"{value:.1%}"


#: A distance to a tier cut-off that rounds to 0.0 % is said as "at the cut-off (within 0.05 %)".
AT_CUT = 0.0005


def edge_words(revenue: float, cut: float, upper: str) -> str:
    """Where an account's revenue stands against tier ``upper``'s cut-off, in words a sales lead reads.

    Examples
    --------
    >>> edge_words(27720.0, 27720.0, "B")
    'revenue 27,720 is the lowest in tier B (its cut-off)'
    >>> edge_words(27730.0, 27720.0, "B")
    "revenue 27,730 is at tier B's cut-off (27,720; within 0.05%)"
    >>> edge_words(79.95, 76.14, "A"), edge_words(26430.0, 27720.0, "B")
    ("revenue 79.95 is 5.0% above tier A's cut-off (76.14)", "revenue 26,430 is 4.7% below tier B's cut-off (27,720)")
    """
    gap = revenue / cut - 1
    if revenue == cut:
        return f"revenue {_money(revenue)} is the lowest in tier {upper} (its cut-off)"
    if abs(gap) < AT_CUT:
        return f"revenue {_money(revenue)} is at tier {upper}'s cut-off ({_money(cut)}; within {AT_CUT:.2%})"
    side = "above" if gap > 0 else "below"
    return f"revenue {_money(revenue)} is {_share(abs(gap))} {side} tier {upper}'s cut-off ({_money(cut)})"


def _cells(frame: pd.DataFrame, column: str) -> np.ndarray:
    """A column's values as Python objects, read by position (``frame.iloc[i][column]`` for a
    row at a time, without making a Series per row)."""
    return frame[column].to_numpy(dtype=object)


def _frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    return pd.DataFrame(
        rows, columns=["account", "tier", "kind", "reason", "money_at_stake", "detail_sheet", "sheet_row"]
    )


def detractor_reasons(
    segments: pd.DataFrame, labels: tuple[str, ...], survey_accounts: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Tier A and B accounts whose answers are detractors (module notes).

    Examples
    --------
    >>> seg = pd.DataFrame({"account": ["a", "b"], "tier": ["A", "C"], "revenue": [900.0, 50.0], "nps": [3.0, 2.0],
    ...                     "sheet_row": [2, 3]})
    >>> detractor_reasons(seg, ("A", "B", "C", "D"))["reason"].tolist()
    ['tier A account whose NPS answer is 3 (a detractor); revenue 900']
    """
    top = set(labels[:2])
    rows = []
    if survey_accounts is not None and len(survey_accounts):
        chosen = survey_accounts[survey_accounts["tier"].astype(str).isin(top) & (survey_accounts["nps"] < 0)]
        for r in chosen.itertuples(index=False):
            rows.append(
                {
                    "account": r.account,
                    "tier": r.tier,
                    "kind": "detractor",
                    "reason": f"tier {r.tier} account: {r.detractors} of {r.respondents} survey respondents are "
                    f"detractors, account NPS {r.nps:.0f}; revenue {_money(r.revenue)}",
                    "money_at_stake": float(r.revenue),
                    "detail_sheet": "NPS: NPS score",
                    "sheet_row": r.sheet_row,
                }
            )
        return _frame(rows)
    if "nps" not in segments:
        return _frame(rows)
    tier = segments["tier"].astype(str)
    scores = segments["nps"].to_numpy(float)
    chosen = segments[tier.isin(top).to_numpy() & (scores <= 6)]
    columns = (_cells(chosen, name) for name in ("account", "tier", "nps", "revenue", "sheet_row"))
    for account, tier_label, nps, revenue, sheet_row in zip(*columns):
        rows.append(
            {
                "account": account,
                "tier": str(tier_label),
                "kind": "detractor",
                "reason": f"tier {tier_label} account whose NPS answer is {nps:.0f} (a detractor); "
                f"revenue {_money(revenue)}",
                "money_at_stake": float(revenue),
                "detail_sheet": "Segments: NPS score",
                "sheet_row": sheet_row,
            }
        )
    return _frame(rows)


def edge_reasons(segments: pd.DataFrame, labels: tuple[str, ...], edge: float = EDGE) -> pd.DataFrame:
    """Accounts within ``edge`` of a tier cut-off, above it (may move down) or below it (may move up).

    Examples
    --------
    >>> seg = pd.DataFrame({"account": list("abcd"), "tier": list("AABC"), "revenue": [500.0, 100.0, 97.0, 10.0],
    ...                     "sheet_row": [2, 3, 4, 5]})
    >>> edge_reasons(seg, ("A", "B", "C", "D"))[["account", "money_at_stake"]].values.tolist()
    [['b', 100.0], ['c', 3.0], ['c', 97.0]]
    """
    tier = segments["tier"].astype(str).to_numpy()
    revenue = segments["revenue"].to_numpy(float)
    account, sheet_row = _cells(segments, "account"), _cells(segments, "sheet_row")
    rows = []
    for upper, lower in zip(labels[:-2], labels[1:-1]):
        in_upper = (tier == upper) & (revenue > 0)
        if not in_upper.any():
            continue
        cut = revenue[in_upper].min()
        for i in np.flatnonzero(in_upper & (revenue <= cut * (1 + edge))):
            rows.append(
                {
                    "account": account[i],
                    "tier": upper,
                    "kind": "tier edge",
                    "reason": f"{edge_words(revenue[i], cut, upper)}: at risk of moving down to tier {lower}",
                    "money_at_stake": float(revenue[i]),
                    "detail_sheet": "Segments: Revenue",
                    "sheet_row": sheet_row[i],
                }
            )
        for i in np.flatnonzero((tier == lower) & (revenue >= cut * (1 - edge)) & (revenue < cut)):
            rows.append(
                {
                    "account": account[i],
                    "tier": lower,
                    "kind": "tier edge",
                    "reason": f"{edge_words(revenue[i], cut, upper)}: could move up to tier {upper}",
                    "money_at_stake": float(cut - revenue[i]),
                    "detail_sheet": "Segments: Revenue",
                    "sheet_row": sheet_row[i],
                }
            )
    return _frame(rows)


def margin_reasons(segments: pd.DataFrame) -> pd.DataFrame:
    """Fix margin accounts by profit at stake (module notes).

    Examples
    --------
    >>> seg = pd.DataFrame({"account": ["a", "b"], "tier": ["A", "B"], "revenue": [1000.0, 1000.0],
    ...                     "profit": [50.0, 350.0], "margin_pct": [0.05, 0.35], "strategy": ["Fix margin", "Protect"],
    ...                     "sheet_row": [2, 3]})
    >>> margin_reasons(seg)[["account", "money_at_stake"]].values.tolist()
    [['a', 150.0]]
    """
    net = "net_margin_pct" in segments
    profit = segments["net_profit" if net else "profit"].to_numpy(float)
    revenue = segments["revenue"].to_numpy(float)
    known = np.isfinite(profit) & (revenue > 0)
    if not known.any() or revenue[known].sum() <= 0:
        return _frame([])
    portfolio = profit[known].sum() / revenue[known].sum()
    header = "Net margin %" if net else "Margin %"
    account, sheet_row = _cells(segments, "account"), _cells(segments, "sheet_row")
    tier, margins = _cells(segments, "tier"), _cells(segments, "net_margin_pct" if net else "margin_pct")
    rows = []
    for i in np.flatnonzero((segments["strategy"].to_numpy(dtype=object) == FIX_MARGIN) & known):
        stake = revenue[i] * portfolio - profit[i]
        if stake <= 0:
            continue
        margin = margins[i]
        rows.append(
            {
                "account": account[i],
                "tier": str(tier[i]),
                "kind": "fix margin",
                "reason": f"Fix margin: {header.lower().replace(' %', '')} {_share(margin)} on revenue "
                f"{_money(revenue[i])} against the portfolio's {_share(portfolio)}: {_money(stake)} profit at stake",
                "money_at_stake": float(stake),
                "detail_sheet": f"Segments: {header}",
                "sheet_row": sheet_row[i],
            }
        )
    return _frame(rows)


def next_orders(customers: pd.DataFrame, observation_end: Any, unit: str = "W") -> pd.DataFrame:
    """Each customer's expected next order date and days overdue at ``observation_end``.

    Expected next order = last purchase + ``recency / frequency`` units (the average time between
    purchases); NaT for a one-time buyer. Days overdue = days from it to ``observation_end``, 0
    when not yet due.

    Examples
    --------
    >>> c = pd.DataFrame({"last_purchase": pd.to_datetime(["2024-01-01", "2024-03-01"]), "frequency": [2, 0],
    ...                   "recency": [4.0, 0.0]})
    >>> out = next_orders(c, "2024-02-01")
    >>> [str(d.date()) if pd.notna(d) else None for d in out["expected_next_order"]], out["days_overdue"].tolist()
    (['2024-01-15', None], [17.0, nan])
    """
    days = UNIT_DAYS[unit]
    frequency = customers["frequency"].to_numpy(float)
    gap = (
        np.divide(
            customers["recency"].to_numpy(float), frequency, out=np.full(len(customers), np.nan), where=frequency > 0
        )
        * days
    )
    expected = pd.to_datetime(customers["last_purchase"]) + pd.to_timedelta(np.round(gap), unit="D")
    overdue = (pd.Timestamp(observation_end) - expected).dt.days.to_numpy(float)
    return pd.DataFrame(
        {
            "expected_next_order": expected.to_numpy(),
            "days_overdue": np.where(np.isnan(overdue), np.nan, np.maximum(overdue, 0.0)),
        },
        index=customers.index,
    )


def slipping_reasons(
    customers: pd.DataFrame, labels: tuple[str, ...], level: float, observation_end: Any, unit: str = "W"
) -> pd.DataFrame:
    """Tier A and B customers probably slipping (module notes)."""
    if "probability_alive" not in customers or not customers["probability_alive"].notna().any():
        return _frame([])
    due = next_orders(customers, observation_end, unit)
    p = customers["probability_alive"].to_numpy(float)
    years = np.maximum(customers["T"].to_numpy(float) * UNIT_DAYS[unit] / 365.25, 1.0)
    yearly = customers["total_spend"].to_numpy(float) / years
    chosen = (
        customers["tier"].astype(str).isin(labels[:2]).to_numpy()
        & (p < level)
        & (due["days_overdue"].to_numpy(float) > 0)
    )
    account, sheet_row, tier = _cells(customers, "account"), _cells(customers, "sheet_row"), _cells(customers, "tier")
    expected, overdue = due["expected_next_order"].to_numpy(), due["days_overdue"].to_numpy(float)
    rows = []
    for i in np.flatnonzero(chosen):
        next_day = pd.Timestamp(expected[i]).date().isoformat()
        rows.append(
            {
                "account": account[i],
                "tier": str(tier[i]),
                "kind": "slipping",
                "reason": f"probably slipping: P(alive) {_share(p[i])}{' (under 0.05%)' if p[i] < AT_CUT else ''}, "
                f"below the {level:.0%} level; next order "
                f"was expected by {next_day}, {overdue[i]:,.0f} days ago; spent "
                f"{_money(yearly[i])} a year",
                "money_at_stake": float(yearly[i] * (1 - p[i])),
                "detail_sheet": "Customers: P(alive)",
                "sheet_row": sheet_row[i],
            }
        )
    return _frame(rows)


def action_list(reasons: list[pd.DataFrame]) -> pd.DataFrame:
    """One row per account: its reason with the most money at stake, ranked; ``also`` names the rest.

    Examples
    --------
    >>> a = _frame([{"account": "x", "tier": "A", "kind": "fix margin", "reason": "r1", "money_at_stake": 5.0,
    ...              "detail_sheet": "Segments: Margin %", "sheet_row": 2}])
    >>> b = _frame([{"account": "x", "tier": "A", "kind": "detractor", "reason": "r2", "money_at_stake": 9.0,
    ...              "detail_sheet": "Segments: NPS score", "sheet_row": 2}])
    >>> action_list([a, b])[["priority", "account", "reason", "also"]].values.tolist()
    [[1, 'x', 'r2', 'fix margin']]
    """
    frames = [r for r in reasons if len(r)]
    if not frames:
        return pd.DataFrame(columns=list(ACTION_COLUMNS))
    every = pd.concat(frames, ignore_index=True)
    every["account_key"] = every["account"].astype(str)
    every = every.sort_values("money_at_stake", ascending=False, kind="stable")
    # the other kinds of reason of an account, in order, each once: grouped only where an account has more
    rest = every[every.groupby("account_key", sort=False).cumcount().to_numpy() > 0]
    rest = rest.drop_duplicates(["account_key", "kind"])
    others: dict[str, list[str]] = {}
    for key, kind in zip(rest["account_key"].tolist(), rest["kind"].tolist()):
        others.setdefault(key, []).append(kind)
    best = every.drop_duplicates("account_key").reset_index(drop=True)
    best["also"] = ["; ".join(others.get(key, ())) for key in best["account_key"].tolist()]
    best.insert(0, "priority", np.arange(1, len(best) + 1))
    return best[list(ACTION_COLUMNS)]


def action_tables(
    segments: pd.DataFrame,
    config: ReportConfig,
    *,
    survey_accounts: pd.DataFrame | None = None,
    customers: pd.DataFrame | None = None,
    observation_end: Any = None,
    unit: str = "W",
    top: int = TOP,
) -> dict[str, pd.DataFrame]:
    """``actions`` (every account with a reason, ranked) and ``actions_top`` (its first ``top`` rows);
    with ``customers`` (a transaction list) each row also has its expected next order and days overdue."""
    labels = tuple(config.labels)
    reasons = [
        detractor_reasons(segments, labels, survey_accounts),
        edge_reasons(segments, labels),
        margin_reasons(segments),
    ]
    if customers is not None:
        reasons.insert(0, slipping_reasons(customers, labels, config.alive_level, observation_end, unit))
    table = action_list(reasons)
    if customers is not None:
        due = next_orders(customers, observation_end, unit)
        due.index = customers["account"].astype(str).to_numpy()
        keys = table["account"].astype(str)
        table.insert(6, "expected_next_order", keys.map(due["expected_next_order"]).to_numpy())
        table.insert(7, "days_overdue", keys.map(due["days_overdue"]).to_numpy(float))
    if not len(table):
        return {}
    return {"actions_top": table.head(max(int(top), 0)).reset_index(drop=True), "actions": table}


def with_actions(report, top: int = TOP):
    """An account report (:class:`core.report.Report`) with its call list added, and the Overview's
    findings said again with the survey join and the call list (:mod:`core.findings`)."""
    tables = action_tables(
        report.tables["segments"], report.config, survey_accounts=report.tables.get("survey_accounts"), top=top
    )
    tables = {**report.tables, **tables}
    tables["findings"] = findings_table(findings(tables, report.config))
    return dataclasses.replace(report, tables=tables)


def with_customer_actions(report, top: int = TOP):
    """A customer report (:class:`core.customers.report.CustomerReport`) with the call list of its
    customers (P(alive), next orders) in its own tables: the sheet comes before the customer sheets."""
    accounts = report.account_report
    tables = action_tables(
        accounts.tables["segments"],
        accounts.config,
        customers=report.tables["customers"],
        observation_end=report.headline["observation_end"],
        unit=report.headline.get("unit", "W"),
        top=top,
    )
    every = {**accounts.tables, **report.tables, **tables}
    accounts = dataclasses.replace(
        accounts, tables={**accounts.tables, "findings": findings_table(findings(every, accounts.config))}
    )
    return dataclasses.replace(report, account_report=accounts, tables={**report.tables, **tables})
