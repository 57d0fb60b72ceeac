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
from pandas.api.extensions import take

from core.config import ReportConfig
from core.customers.summary import UNIT_DAYS
from core.findings import findings, findings_table
from core.lookup import positions_in
from core.matrix import FIX_MARGIN
from core.text_columns import fixed, percent

EDGE = 0.05
TOP = 50
ACTION_COLUMNS = ("priority", "account", "tier", "reason", "money_at_stake", "detail_sheet", "also", "sheet_row")
TRANSACTION_COLUMNS = ("expected_next_order", "days_overdue")


def money_texts(values) -> np.ndarray:
    """Amounts as a reason shows them: whole units, with cents below 100 (79.95 against a cut-off of
    76.14 is 5.0 % above it; rounded, 80 against 76 would read 5.3 %). An object array of str.

    Examples
    --------
    >>> money_texts([27720.0, 79.95, 80.0, -1234.5, 0.004]).tolist()
    ['27,720', '79.95', '80', '-1,234', '0.00']
    """
    values = np.asarray(values, dtype=float)
    text = fixed(values, 0, commas=True)
    cents = np.flatnonzero((np.abs(values) < 100) & (values != np.round(values)))
    if cents.size:
        text[cents] = fixed(values[cents], 2, commas=True)
    return text


#: A distance to a tier cut-off that rounds to 0.0 % is said as "at the cut-off (within 0.05 %)".
AT_CUT = 0.0005


def edge_words(revenue: float, cut: float, upper: str) -> str:
    """Where an account's revenue stands against tier ``upper``'s cut-off, in words a sales lead reads
    (one value of :func:`edge_texts`).

    Examples
    --------
    >>> edge_words(27720.0, 27720.0, "B")
    'revenue 27,720 is the lowest in tier B (its cut-off)'
    >>> edge_words(27730.0, 27720.0, "B")
    "revenue 27,730 is at tier B's cut-off (27,720; within 0.05%)"
    >>> edge_words(79.95, 76.14, "A"), edge_words(26430.0, 27720.0, "B")
    ("revenue 79.95 is 5.0% above tier A's cut-off (76.14)", "revenue 26,430 is 4.7% below tier B's cut-off (27,720)")
    """
    return edge_texts(np.array([revenue], dtype=float), cut, upper)[0]


def edge_texts(revenue: np.ndarray, cut: float, upper: str) -> list[str]:
    """:func:`edge_words` of each revenue against one cut-off: at it, within :data:`AT_CUT` of it
    (said as at it), or the distance above or below it as a share of the cut-off."""
    revenue = np.asarray(revenue, dtype=float)
    gap = revenue / cut - 1
    amounts, shares = money_texts(revenue).tolist(), percent(np.abs(gap)).tolist()
    (cut_text,) = money_texts([cut]).tolist()
    lowest = f" is the lowest in tier {upper} (its cut-off)"
    near = f" is at tier {upper}'s cut-off ({cut_text}; within {AT_CUT:.2%})"
    beyond = f" tier {upper}'s cut-off ({cut_text})"
    return [
        f"revenue {amount}{lowest}"
        if at_cut
        else f"revenue {amount}{near}"
        if close
        else f"revenue {amount} is {share} {'above' if above else 'below'}{beyond}"
        for amount, share, at_cut, close, above in zip(
            amounts, shares, (revenue == cut).tolist(), (np.abs(gap) < AT_CUT).tolist(), (gap > 0).tolist()
        )
    ]


REASON_COLUMNS = ("account", "tier", "kind", "reason", "money_at_stake", "detail_sheet", "sheet_row")


def _frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(REASON_COLUMNS))


def _reasons(
    table: pd.DataFrame, positions: np.ndarray, tier, kind: str, reason: list[str], money: np.ndarray, detail_sheet: str
) -> pd.DataFrame:
    """The reasons of ``table``'s rows at ``positions`` (their account and sheet row), one row each,
    typed as :func:`_frame` types them from rows of Python values."""
    if not len(positions):
        return _frame([])
    count = len(positions)
    return pd.DataFrame(
        {
            "account": _picked(table["account"], positions),
            "tier": tier,
            "kind": _texts([kind], np.zeros(count, dtype=np.intp)),
            "reason": reason,
            "money_at_stake": np.asarray(money, dtype=float),
            "detail_sheet": _texts([detail_sheet], np.zeros(count, dtype=np.intp)),
            "sheet_row": _picked(table["sheet_row"], positions),
        }
    )


def _picked(column: pd.Series, positions: np.ndarray):
    """The column's values at ``positions``, typed as a frame types their Python values: taken as they
    are when the column has that type already (text, whole numbers, floats; an object column may
    hold anything, so it is typed again)."""
    text = isinstance(column.dtype, pd.StringDtype) and column.dtype == pd.Series(["text"]).dtype
    if text or column.dtype in (np.dtype(np.int64), np.dtype(np.float64)):
        return column.array.take(positions)
    return column.to_numpy(dtype=object)[positions].tolist()


def _texts(texts: list[str], codes: np.ndarray):
    """``texts[code]`` for each code, typed as a frame types a list of them (a few texts said many times
    are made once, then taken)."""
    return pd.Series(texts).array.take(codes)


def _labelled(tier: pd.Series, labels) -> np.ndarray:
    """Which rows' tier, read as text, is one of ``labels`` (a missing tier is none)."""
    if isinstance(tier.dtype, pd.CategoricalDtype):
        hits = [str(label) in labels for label in tier.cat.categories] + [False]  # code -1: missing
        return np.array(hits)[tier.cat.codes.to_numpy()]
    return tier.astype(str).isin(labels).to_numpy(dtype=bool)


def _label_codes(tier: pd.Series, positions: np.ndarray) -> tuple[list[str], np.ndarray]:
    """The tier of the rows at ``positions`` as codes into a list of their texts: ``str`` of each
    (``'nan'`` for a missing one, as ``str`` says it)."""
    if isinstance(tier.dtype, pd.CategoricalDtype):
        labels = [str(label) for label in tier.cat.categories]
        codes = tier.cat.codes.to_numpy()[positions].astype(np.intp)
        return labels + [str(np.nan)], np.where(codes < 0, len(labels), codes)
    codes, labels = pd.factorize(
        np.array([str(label) for label in tier.iloc[positions].to_numpy(dtype=object)], dtype=object)
    )
    return list(labels), codes


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
    if survey_accounts is not None and len(survey_accounts):
        chosen = survey_accounts[survey_accounts["tier"].astype(str).isin(top) & (survey_accounts["nps"] < 0)]
        revenue = chosen["revenue"].to_numpy(dtype=float)
        reason = [
            f"tier {tier} account: {detractors} of {respondents} survey respondents are detractors, "
            f"account NPS {nps}; revenue {amount}"
            for tier, detractors, respondents, nps, amount in zip(
                chosen["tier"].tolist(),
                chosen["detractors"].tolist(),
                chosen["respondents"].tolist(),
                fixed(chosen["nps"].to_numpy(dtype=float)).tolist(),
                money_texts(revenue).tolist(),
            )
        ]
        every = np.arange(len(chosen))
        tier = _picked(chosen["tier"], every)
        return _reasons(chosen, every, tier, "detractor", reason, revenue, "NPS: NPS score")
    if "nps" not in segments:
        return _frame([])
    scores = segments["nps"].to_numpy(float)
    chosen = np.flatnonzero(_labelled(segments["tier"], top) & (scores <= 6))
    labels, codes = _label_codes(segments["tier"], chosen)
    revenue = segments["revenue"].to_numpy(dtype=float)[chosen]
    reason = [
        f"tier {label} account whose NPS answer is {nps} (a detractor); revenue {amount}"
        for label, nps, amount in zip(
            np.array(labels, dtype=object)[codes].tolist(),
            fixed(scores[chosen]).tolist(),
            money_texts(revenue).tolist(),
        )
    ]
    return _reasons(segments, chosen, _texts(labels, codes), "detractor", reason, revenue, "Segments: NPS score")


def edge_reasons(segments: pd.DataFrame, labels: tuple[str, ...], edge: float = EDGE) -> pd.DataFrame:
    """Accounts within ``edge`` of a tier cut-off, above it (may move down) or below it (may move up).

    Examples
    --------
    >>> seg = pd.DataFrame({"account": list("abcd"), "tier": list("AABC"), "revenue": [500.0, 100.0, 97.0, 10.0],
    ...                     "sheet_row": [2, 3, 4, 5]})
    >>> edge_reasons(seg, ("A", "B", "C", "D"))[["account", "money_at_stake"]].values.tolist()
    [['b', 100.0], ['c', 3.0], ['c', 97.0]]
    """
    revenue = segments["revenue"].to_numpy(float)
    positions, tiers, reasons, money = [], [], [], []  # tiers: codes into labels
    for upper, lower in zip(labels[:-2], labels[1:-1]):
        in_upper = _labelled(segments["tier"], {upper}) & (revenue > 0)
        if not in_upper.any():
            continue
        cut = revenue[in_upper].min()
        down = np.flatnonzero(in_upper & (revenue <= cut * (1 + edge)))
        up = np.flatnonzero(_labelled(segments["tier"], {lower}) & (revenue >= cut * (1 - edge)) & (revenue < cut))
        positions += [down, up]
        tiers += [np.full(len(down), labels.index(upper)), np.full(len(up), labels.index(lower))]
        reasons += [
            f"{words}: at risk of moving down to tier {lower}" for words in edge_texts(revenue[down], cut, upper)
        ]
        reasons += [f"{words}: could move up to tier {upper}" for words in edge_texts(revenue[up], cut, upper)]
        money += [revenue[down], cut - revenue[up]]
    if not reasons:
        return _frame([])
    tier = _texts(list(labels), np.concatenate(tiers))
    return _reasons(
        segments, np.concatenate(positions), tier, "tier edge", reasons, np.concatenate(money), "Segments: Revenue"
    )


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
    chosen = np.flatnonzero((segments["strategy"] == FIX_MARGIN).to_numpy(dtype=bool) & known)
    stake = revenue[chosen] * portfolio - profit[chosen]
    keep = ~(stake <= 0)  # a NaN stake stays, as it did
    chosen, stake = chosen[keep], stake[keep]
    margins = segments["net_margin_pct" if net else "margin_pct"].to_numpy(dtype=float)[chosen]
    said = f"Fix margin: {header.lower().replace(' %', '')} "
    against = f" against the portfolio's {percent([portfolio])[0]}: "
    reason = [
        f"{said}{margin} on revenue {amount}{against}{at_stake} profit at stake"
        for margin, amount, at_stake in zip(
            percent(margins).tolist(), money_texts(revenue[chosen]).tolist(), money_texts(stake).tolist()
        )
    ]
    tier = _texts(*_label_codes(segments["tier"], chosen))
    return _reasons(segments, chosen, tier, "fix margin", reason, stake, f"Segments: {header}")


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
    customers: pd.DataFrame,
    labels: tuple[str, ...],
    level: float,
    observation_end: Any,
    unit: str = "W",
    *,
    due: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Tier A and B customers probably slipping (module notes); ``due``: the customers'
    :func:`next_orders`, when the caller has them already."""
    if "probability_alive" not in customers or not customers["probability_alive"].notna().any():
        return _frame([])
    if due is None:
        due = next_orders(customers, observation_end, unit)
    p = customers["probability_alive"].to_numpy(float)
    years = np.maximum(customers["T"].to_numpy(float) * UNIT_DAYS[unit] / 365.25, 1.0)
    yearly = customers["total_spend"].to_numpy(float) / years
    overdue = due["days_overdue"].to_numpy(float)
    chosen = np.flatnonzero(_labelled(customers["tier"], set(labels[:2])) & (p < level) & (overdue > 0))
    p, yearly, overdue = p[chosen], yearly[chosen], overdue[chosen]
    expected = due["expected_next_order"].to_numpy()[chosen]
    if expected.dtype.kind == "M":
        expected = np.datetime_as_string(expected, unit="D").tolist()
    else:  # dates with a time zone come as Timestamps: each its own day there
        expected = [pd.Timestamp(day).date().isoformat() for day in expected]
    below = f", below the {level:.0%} level; next order was expected by "
    reason = [
        f"probably slipping: P(alive) {share}{' (under 0.05%)' if under else ''}{below}{day}, {days} days ago; "
        f"spent {amount} a year"
        for share, under, day, days, amount in zip(
            percent(p).tolist(),
            (p < AT_CUT).tolist(),
            expected,
            fixed(overdue, commas=True).tolist(),
            money_texts(yearly).tolist(),
        )
    ]
    tier = _texts(*_label_codes(customers["tier"], chosen))
    return _reasons(customers, chosen, tier, "slipping", reason, yearly * (1 - p), "Customers: P(alive)")


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
    # most money first, ties in their order, NaN last: sort_values(ascending=False, kind="stable")
    order = np.argsort(-every["money_at_stake"].to_numpy(float), kind="stable")
    keys = every["account"].astype(str)
    codes = pd.factorize(keys, use_na_sentinel=False)[0][order]
    firsts = np.full(codes.max() + 1, len(codes))
    np.minimum.at(firsts, codes, np.arange(len(codes)))
    first = np.zeros(len(codes), dtype=bool)
    first[firsts] = True
    # the other kinds of reason of an account, in order, each once (an account without a name has none)
    rest = np.flatnonzero(~first & keys.notna().to_numpy()[order])  # places in the ranking
    others: dict[int, list[str]] = {}
    for code, kind in zip(codes[rest].tolist(), every["kind"].iloc[order[rest]].tolist()):
        kinds = others.setdefault(code, [])
        if kind not in kinds:
            kinds.append(kind)
    said = {"": 0}
    also = np.zeros(len(firsts), dtype=np.intp)
    for code, kinds in others.items():
        also[code] = said.setdefault("; ".join(kinds), len(said))
    best = every[[name for name in ACTION_COLUMNS if name in every]].iloc[order[first]].reset_index(drop=True)
    best["also"] = _texts(list(said), also[codes[first]])
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
        due = next_orders(customers, observation_end, unit)
        reasons.insert(0, slipping_reasons(customers, labels, config.alive_level, observation_end, unit, due=due))
    table = action_list(reasons)
    if customers is not None:
        # each row's customer by account text, NaT and NaN where there is none (as Series.map finds it)
        at = positions_in(customers["account"].astype(str), table["account"].astype(str))
        table.insert(6, "expected_next_order", take(due["expected_next_order"].to_numpy(), at, allow_fill=True))
        table.insert(7, "days_overdue", take(due["days_overdue"].to_numpy(float), at, allow_fill=True))
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
