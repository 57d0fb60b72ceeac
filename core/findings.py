"""The findings of a report in plain words: five to eight sentences chosen by what the data shows.

Every sentence is built from the result tables that the detail sheets show (never from a
second computation), and carries the figures it quotes as :class:`Figure` references (table,
row, column), so a test can read each figure back from its sheet. Which sentences appear
depends on the data: each candidate below has a weight saying how much it matters for this
list (a concentrated list leads with its concentration; an unconcentrated one says that
revenue is spread instead), the eight weightiest are kept, and they are listed in a fixed
topic order.

Candidates, in the order they are listed:

1. concentration: how many accounts make 80 % of revenue and the largest one's share;
   "concentrated" only when that takes at most :data:`CONCENTRATED_ACCOUNT_SHARE` of the
   accounts, an account is above the large-account share, or the HHI is moderate or high;
   the revenue share of the largest 20 % of accounts;
2. profit by tier: the top tier's share of profit and margin, and a tier with a higher margin;
3. loss-making accounts and the whale curve's peak (or that the accounts lose money in total);
4. cost to serve: how much of gross profit it takes;
5. NPS: the widest gap beyond the margin of error (size bands or tiers), or that the gaps are
   within it;
6. the matrix: Protect (and its detractors), Fix margin when it holds much revenue;
7. growth: the revenue bridge's new and lost accounts, and accounts that fell from the top tier;
8. RFM (transaction lists): customers at risk, champions, lost;
9. a channel column mixing resellers and end users;
10. data issues;
0. (transaction lists, listed first) what the customer models say: expected purchases and
   lifetime value with their 80 % ranges, the share likely still active, the top tier's value,
   and the holdout check's verdict in one sentence.

Beyond the eight, said first (topics below 0): the coverage guard, what was read as what, and,
when no account has a profit, why profit and margin are blank (``profit_note``).

Beyond the eight, always listed last when their tables exist (:data:`LISTED_LAST`):

11. the survey join (``--survey``): responses read, not joined and near misses to confirm, accounts
    that answered and the share of revenue they cover;
12. the call list: how many accounts have a reason to call, the money at stake on the list and
    on its first block.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from core import sheets
from core.config import ReportConfig
from core.text import pct, plural

#: At most this share of accounts making 80 % of revenue reads as concentrated (the Pareto
#: "80/20" rule allows for twice its 20 %).
CONCENTRATED_ACCOUNT_SHARE = 0.40
MAX_FINDINGS = 8
#: Loss-making accounts that take less than this share of total profit make no finding.
MATERIAL_LOSS = 0.01

#: Topics said beyond the eight weightiest, after them: the survey join and the call list.
LISTED_LAST = (11, 12)


@dataclass(frozen=True)
class Figure:
    """One figure quoted by a finding and where its sheet shows it.

    ``row`` is the value of the table's first column that picks the row (None: the first
    row); ``column`` the table column. With ``column`` None the figure is a count of the
    table's rows, those matching ``where`` (column -> value) when given.
    """

    value: float
    table: str
    row: object = None
    column: str | None = None
    kind: str = "int"  # how the sentence writes it: int, pct, money, points
    where: tuple[tuple[str, object], ...] = ()

    def text(self) -> str:
        return figure_text(self.value, self.kind)

    @property
    def sheet(self) -> str:
        """The sheet whose block of ``table`` shows the figure."""
        return sheets.sheet_of(self.table)


@dataclass(frozen=True)
class Finding:
    topic: int
    weight: float
    text: str
    sheet: str
    figures: tuple[Figure, ...] = field(default_factory=tuple)


def figure_text(value: float, kind: str) -> str:
    """How a finding writes a figure: counts with thousands separators, shares with at most
    one decimal (as the sheets' 0.0 % format), money in k or M, NPS points whole.

    Examples
    --------
    >>> figure_text(1234, "int"), figure_text(0.3141, "pct"), figure_text(1_234_567, "money")
    ('1,234', '31.4 %', '1.23 M')
    >>> figure_text(-41_670, "money"), figure_text(850, "money"), figure_text(16.79, "points")
    ('-41.7 k', '850', '17')
    """
    if kind == "pct":
        return pct(value)
    if kind == "money":
        size = abs(value)
        if size >= 1e6:
            return f"{value / 1e6:,.2f} M"
        if size >= 1e4:
            return f"{value / 1e3:,.1f} k"
        return f"{value:,.0f}"
    if kind == "points":
        return f"{value:.0f}"
    return f"{value:,.0f}"


def _row(table: pd.DataFrame, key: object) -> pd.Series | None:
    hits = table.loc[table.iloc[:, 0].astype(str) == str(key)]
    return None if hits.empty else hits.iloc[0]


def _value(table: pd.DataFrame, key: object, column: str) -> float:
    row = _row(table, key)
    return np.nan if row is None else float(row[column])


def _measure(table: pd.DataFrame, prefix: str) -> tuple[str, float]:
    """(measure, value) of the concentration-style row whose measure starts with ``prefix``."""
    row = table.loc[table["measure"].astype(str).str.startswith(prefix)].iloc[0]
    return str(row["measure"]), float(row["value"])


def _fig(tables, table, key, column, kind) -> Figure:
    return Figure(_value(tables[table], key, column), table, key, column, kind)


def _concentration(tables, config) -> Finding:
    conc = tables["concentration"]
    k_name, k = _measure(conc, "accounts for ")
    f_name, share = _measure(conc, "share of accounts for ")
    largest_name, largest = _measure(conc, "largest account share")
    hhi_name, hhi = _measure(conc, "HHI")
    figs = (
        Figure(k, "concentration", k_name, "value", "int"),
        Figure(share, "concentration", f_name, "value", "pct"),
        Figure(largest, "concentration", largest_name, "value", "pct"),
        Figure(hhi, "concentration", hhi_name, "value", "int"),
    )
    target = pct(config.concentration_share)
    concentrated = (
        share <= CONCENTRATED_ACCOUNT_SHARE or largest > config.large_account_share or hhi >= config.hhi_moderate
    )
    accounts, rest = f"{plural(int(k), 'account')} ({figs[1].text()})", f"{figs[2].text()} and the HHI {figs[3].text()}"
    if concentrated:  # a list that is concentrated leads with it; a spread one says so instead
        return Finding(
            1,
            0.95,
            f"{accounts} make{'s' if k == 1 else ''} {target} of revenue; the largest is {rest}",
            sheets.CONCENTRATION,
            figs,
        )
    return Finding(
        1,
        0.6,
        f"Revenue is not concentrated: it takes {accounts} to make {target} of it, the largest is {rest}",
        sheets.CONCENTRATION,
        figs,
    )


def _top_share(tables, config) -> Finding:
    name, share = next(
        (m, v)
        for m, v in zip(tables["concentration"]["measure"], tables["concentration"]["value"])
        if str(m).endswith("of accounts share")
    )
    figure = Figure(float(share), "concentration", name, "value", "pct")
    text = f"The largest {pct(config.top_share)} of accounts make {figure.text()} of revenue"
    return Finding(1, 0.5, text, sheets.CONCENTRATION, (figure,))


def _tier_profit(tables, config) -> Finding | None:
    summary = tables["tier_summary"]
    top = config.labels[0]
    total_profit = _value(summary, "Total", "profit")
    if not total_profit > 0 or np.isnan(_value(summary, top, "margin_pct")):
        return None
    share, margin = (
        _fig(tables, "tier_summary", top, "profit_share", "pct"),
        _fig(tables, "tier_summary", top, "margin_pct", "pct"),
    )
    text = f"Tier {top} earns {share.text()} of profit at a {margin.text()} margin"
    figs = [share, margin]
    tiers = summary.loc[summary["tier"].astype(str).isin(config.labels[1:-1]) & (summary["revenue"] > 0)]
    better = tiers.loc[tiers["margin_pct"] > margin.value]
    if len(better):
        best = str(better.loc[better["margin_pct"].idxmax(), "tier"])
        other = _fig(tables, "tier_summary", best, "margin_pct", "pct")
        revenue = _fig(tables, "tier_summary", best, "revenue_share", "pct")
        text += f"; tier {best}'s margin is higher ({other.text()}) but it makes {revenue.text()} of revenue"
        figs += [other, revenue]
    else:
        text += ", the highest of the tiers"
    return Finding(2, 0.85, text, sheets.TIER_SUMMARY, tuple(figs))


def _whale(tables, config) -> Finding | None:
    if "whale" not in tables:
        return None
    whale = tables["whale"]
    total = _fig(tables, "whale", "total profit", "value", "money")
    if not total.value > 0:
        text = (
            f"The accounts lose money in total (profit {total.text()}): the whale curve of profit, "
            "a share of total profit, is undefined"
        )
        return Finding(3, 0.97, text, sheets.TIER_SUMMARY, (total,))
    losers = _fig(tables, "whale", "loss-making accounts", "value", "int")
    loss = _fig(tables, "whale", "loss as a share of total profit", "value", "pct")
    if losers.value == 0 or loss.value < MATERIAL_LOSS:
        return None
    peak_accounts = _fig(tables, "whale", "whale curve peak: share of accounts", "value", "pct")
    peak = _fig(tables, "whale", "whale curve peak: share of profit", "value", "pct")
    basis = "after cost to serve " if "net profit" in str(_row(whale, "total profit")["note"]) else ""
    text = (
        f"{plural(int(losers.value), 'account')} lose{'s' if losers.value == 1 else ''} money {basis}and "
        f"cost {loss.text()} of total profit: the most profitable {peak_accounts.text()} of accounts earn "
        f"{peak.text()} of it (the whale curve's peak)"
    )
    return Finding(
        3, 0.8 if loss.value >= 0.1 else 0.45, text, sheets.TIER_SUMMARY, (losers, loss, peak_accounts, peak)
    )


def _cost_to_serve(tables, config) -> Finding | None:
    summary = tables["tier_summary"]
    if "net_profit" not in summary:
        return None
    gross, net = (
        _fig(tables, "tier_summary", "Total", "margin_pct", "pct"),
        _fig(tables, "tier_summary", "Total", "net_margin_pct", "pct"),
    )
    if np.isnan(gross.value) or np.isnan(net.value):
        return None
    text = f"Cost to serve takes the margin from {gross.text()} to {net.text()} after serving the accounts"
    return Finding(4, 0.6, text, sheets.TIER_SUMMARY, (gross, net))


def _group_name(column: str, group: str) -> str:
    return f"tier {group}" if column == "tier" else f"{group} accounts"


def _nps(tables, config) -> Finding | None:
    gaps = []
    for column in ("size", "tier"):
        name = f"nps_gap_{column}"
        if name in tables and not np.isnan(float(tables[name]["gap"].iloc[0])):
            gaps.append((column, name, tables[name].iloc[0]))
    if not gaps:
        return None
    significant = [g for g in gaps if bool(g[2]["significant"])]
    column, name, gap = max(significant or gaps, key=lambda g: abs(float(g[2]["gap"])))
    figs = tuple(Figure(float(gap[c]), name, None, c, "points") for c in ("nps_b", "nps_a", "gap", "margin_of_error"))
    high, low = _group_name(column, str(gap["group_b"])), _group_name(column, str(gap["group_a"]))
    if not np.isfinite(float(gap["margin_of_error"])):
        # one answer, or answers all alike, in a group: no spread to measure, so no margin and no verdict
        text = (
            f"NPS: {high} {figs[0].text()} vs {low} {figs[1].text()}, a gap of {figs[2].text()} points; its margin "
            "of error cannot be computed (too few answers in a group), so the gap may be chance"
        )
        return Finding(5, 0.4, text, sheets.NPS, figs[:3])
    if significant:
        text = (
            f"{high[:1].upper() + high[1:]} score NPS {figs[0].text()} and {low} {figs[1].text()}: a gap of "
            f"{figs[2].text()} points (+/- {figs[3].text()}), beyond the margin of error"
        )
        return Finding(5, 0.8, text, sheets.NPS, figs)
    text = (
        f"NPS differs by no more than the margin of error: {high} {figs[0].text()} vs {low} {figs[1].text()}, "
        f"a gap of {figs[2].text()} points (+/- {figs[3].text()})"
    )
    return Finding(5, 0.4, text, sheets.NPS, figs)


def _matrix(tables, config) -> list[Finding]:
    matrix = tables["matrix"]
    if not (matrix["accounts"].iloc[:4] > 0).any():
        return []
    margin = "net margin" if "Net margin" in str(tables["matrix_splits"]["split"].iloc[-1]) else "margin"
    found = []
    protect = _fig(tables, "matrix", "Protect", "accounts", "int")
    if protect.value > 0:
        share = _fig(tables, "matrix", "Protect", "revenue_share", "pct")
        text = (
            f"{plural(int(protect.value), 'account')} {'has' if protect.value == 1 else 'have'} high revenue and "
            f"a high {margin} (Protect, {share.text()} of revenue)"
        )
        figs = [protect, share]
        watch = tables["accounts_to_watch"]
        if "nps_by_tier" in tables:  # there are NPS answers
            where = (("strategy", "Protect"), ("nps_flag", "At risk"))
            count = int(((watch["strategy"] == "Protect") & (watch["nps_flag"] == "At risk")).sum())
            text += f"; {count:,} of them {'is a detractor' if count == 1 else 'are detractors'}"
            figs.append(Figure(count, "accounts_to_watch", None, None, "int", where))
        found.append(Finding(6, 0.7, text, sheets.MATRIX, tuple(figs)))
    fix = _fig(tables, "matrix", "Fix margin", "revenue_share", "pct")
    if fix.value >= 0.25:
        accounts = _fig(tables, "matrix", "Fix margin", "accounts", "int")
        fix_margin = _fig(tables, "matrix", "Fix margin", "margin_pct", "pct")
        text = (
            f"{plural(int(accounts.value), 'account')} with high revenue earn a low {margin} "
            f"(Fix margin: {fix.text()} of revenue at {fix_margin.text()})"
        )
        found.append(Finding(6, 0.5 + fix.value / 2, text, sheets.MATRIX, (accounts, fix, fix_margin)))
    return found


def _growth(tables, config) -> list[Finding]:
    if "revenue_bridge" not in tables:
        return []
    bridge = tables["revenue_bridge"]
    found = []
    change = _fig(tables, "revenue_bridge", "change", "revenue_change", "money")
    new, new_change = (
        _fig(tables, "revenue_bridge", "new", c, k) for c, k in (("accounts", "int"), ("revenue_change", "money"))
    )
    lost, lost_change = (
        _fig(tables, "revenue_bridge", "lost", c, k) for c, k in (("accounts", "int"), ("revenue_change", "money"))
    )
    periods = f"{bridge['step'].iloc[0]} to {bridge['step'].iloc[-2]}".replace("revenue ", "")
    sign = "+" if change.value >= 0 else ""
    text = (
        f"Revenue changed by {sign}{change.text()} from {periods}: {plural(int(new.value), 'new account')} "
        f"brought +{new_change.text()} while {plural(int(lost.value), 'lost account')} took "
        f"{figure_text(-lost_change.value, 'money')}"
    )
    found.append(Finding(7, 0.85, text, sheets.GROWTH, (change, new, new_change, lost, lost_change)))
    fallen = tables["fallen_from_a"]
    if len(fallen):
        count = Figure(len(fallen), "fallen_from_a", None, None, "int")
        text = f"{plural(len(fallen), 'account')} fell from tier {config.labels[0]} to a lower tier"
        found.append(Finding(7, 0.55, text, sheets.GROWTH, (count,)))
    return found


def _rfm(tables, config) -> list[Finding]:
    if "rfm_segments" not in tables:
        return []
    found = []
    for segment, weight, meaning in (
        ("At risk", 0.75, "bought often and for a lot, but not lately"),
        ("Champions", 0.65, "bought recently, often and for a lot"),
        ("Lost", 0.5, "the longest since their last purchase, low to average value"),
    ):
        customers = _fig(tables, "rfm_segments", segment, "customers", "int")
        if customers.value > 0:
            share = _fig(tables, "rfm_segments", segment, "customer_share", "pct")
            revenue = _fig(tables, "rfm_segments", segment, "revenue_share", "pct")
            text = (
                f"{plural(int(customers.value), 'customer')} ({share.text()}) "
                f"{'is' if customers.value == 1 else 'are'} "
                f"{segment} ({meaning}) and made {revenue.text()} of revenue"
            )
            found.append(Finding(8, weight, text, sheets.RFM, (customers, share, revenue)))
    return found


def _channel(tables, config) -> Finding | None:
    if "channel_warning" not in tables:
        return None
    warning = str(tables["channel_warning"]["warning"].iloc[0])
    return Finding(9, 0.65, warning.split(": a reseller")[0] + ": read the per-channel summaries", sheets.TIER_SUMMARY)


def _issues(tables, config) -> Finding | None:
    issues = tables["data_issues"]
    if not len(issues):
        return None
    count = Figure(len(issues), "data_issues", None, None, "int")
    left_name, left = _measure(tables["concentration"], "excluded accounts")
    text = (
        f"Data issues lists {plural(len(issues), 'problem')} with the list's cells or rows "
        "(rejected, corrected or noted)"
    )
    figs = [count]
    if left:
        figs.append(Figure(left, "concentration", left_name, "value", "int"))
        text += (
            f"; {plural(int(left), 'account')} with missing or negative revenue "
            f"{'is' if left == 1 else 'are'} left out of concentration"
        )
    return Finding(10, 0.3, text, sheets.DATA_ISSUES, tuple(figs))


def _range_text(low: float, high: float, kind: str) -> str:
    """'1,568 to 1,766', '64.5 k to 73.1 k' (each end as the sheets' figures read).

    >>> _range_text(64_500, 73_100, "money")
    '64.5 k to 73.1 k'
    """
    return f"{figure_text(low, kind)} to {figure_text(high, kind)}"


def _profit_after_cost(figures: pd.DataFrame) -> tuple[str, list[Figure]] | None:
    """'; after cost to serve 13.7 k (80 % range 13.1 k to 14.3 k)' and its figures, or None
    when the list has no cost to serve (no such row in ``model_figures``, or its value blank)."""
    rows = figures.loc[figures["measure"].astype(str).str.startswith("Profit CLV after cost to serve")]
    if not len(rows):
        return None
    name = str(rows["measure"].iloc[0])
    figs = [Figure(_value(figures, name, c), "model_figures", name, c, "money") for c in ("value", "p10", "p90")]
    if np.isnan(figs[0].value):  # no customer has a cost to serve to take off: nothing to quote
        return None
    text = f"; after cost to serve {figs[0].text()}"
    if np.isfinite([f.value for f in figs[1:]]).all():
        text += f" (80 % range {_range_text(figs[1].value, figs[2].value, 'money')})"
        return text, figs
    return text, figs[:1]


def _historical_spend(tables) -> str | None:
    """The sentence saying Gamma-Gamma failed its independence check and the historical spend is
    used (:mod:`core.customers.spend_check`), or None."""
    parameters = tables.get("clv_parameters")
    if parameters is None or "model" not in parameters:
        return None
    rows = parameters.loc[
        (parameters["model"] == "spend") & (parameters["parameter"] == "status") & (parameters["value"] == "historical")
    ]
    return str(rows["meaning"].iloc[0]) if len(rows) else None


def _models(tables, config) -> list[Finding]:
    """What the customer models say, first (topic 0): expected purchases and lifetime value with
    their 80 % ranges, the share likely still active, the top tier's value, the holdout verdict."""
    if "model_figures" not in tables:
        return []
    figures = tables["model_figures"]
    found = []
    purchases_name, value_name, active_name = (str(m) for m in figures["measure"].iloc[:3])
    horizon = purchases_name.split("next ")[-1]
    purchases = Figure(_value(figures, purchases_name, "value"), "model_figures", purchases_name, "value", "int")
    value = Figure(_value(figures, value_name, "value"), "model_figures", value_name, "value", "money")
    basis = str(_row(figures, value_name)["note"]).split(" (")[0].replace("in ", "", 1)
    text = (
        f"Next {horizon}: {purchases.text()} repeat purchases expected from these customers, "
        f"{value.text()} of lifetime value ({basis}, discounted)"
    )
    figs = [purchases, value]
    ranges = [_value(figures, n, c) for n in (purchases_name, value_name) for c in ("p10", "p90")]
    if np.isfinite(ranges).all():
        figs += [
            Figure(_value(figures, n, c), "model_figures", n, c, k)
            for n, k in ((purchases_name, "int"), (value_name, "money"))
            for c in ("p10", "p90")
        ]
        text = (
            f"Next {horizon}: {purchases.text()} repeat purchases expected from these customers (80 % range "
            f"{_range_text(ranges[0], ranges[1], 'int')}), {value.text()} of lifetime value "
            f"({_range_text(ranges[2], ranges[3], 'money')}; {basis}, discounted)"
        )
    after = _profit_after_cost(figures)
    if after is not None:  # which value the findings quote, and the other one (core.customers.profit_clv)
        text = text.replace(f"{basis}, discounted", f"{basis}, before cost to serve, discounted") + after[0]
        figs += after[1]
    found.append(Finding(0, 0.99, text, sheets.LIFETIME_VALUE, tuple(figs)))
    spend = _historical_spend(tables)
    if spend:
        found.append(Finding(0, 0.95, spend, sheets.MODEL_CHECK))
    active = Figure(_value(figures, active_name, "value"), "model_figures", active_name, "value", "pct")
    caveat = (
        " (BG/NBD counts every one-time buyer as active)"
        if str(_row(figures, active_name)["note"]).startswith("BG/NBD")
        else ""
    )
    found.append(
        Finding(
            0,
            0.8,
            f"{active.text()} of customers are likely still active (P(alive) of 50 % or more)" + caveat,
            sheets.LIFETIME_VALUE,
            (active,),
        )
    )
    top = f"Tier {config.labels[0]}"
    if "clv_ranges" in tables and _row(tables["clv_ranges"], top) is not None:
        figs = tuple(
            Figure(_value(tables["clv_ranges"], top, c), "clv_ranges", top, c, "money")
            for c in ("model_clv", "model_clv_p10", "model_clv_p90")
        )
        text = (
            f"Tier {config.labels[0]} will bring {figs[0].text()} of it over {horizon} "
            f"(80 % range {_range_text(figs[1].value, figs[2].value, 'money')})"
        )
        found.append(Finding(0, 0.86, text, sheets.LIFETIME_VALUE, figs))
    if "model_check" in tables:
        check = tables["model_check"]
        chosen = check.loc[check["chosen"].astype(bool)]
        if len(chosen):
            row = chosen.iloc[0]
            name = str(row["model"])
            figs = [
                Figure(float(row[c]), "model_check", name, c, k)
                for c, k in (("predicted", "int"), ("actual", "int"), ("total_error_pct", "pct"))
            ]
            text = (
                f"Holdout check: {name} predicted {figs[0].text()} repeat purchases, {figs[1].text()} happened "
                f"({'+' if figs[2].value >= 0 else ''}{figs[2].text()})"
            )
            low, high = float(row.get("predicted_p10", np.nan)), float(row.get("predicted_p90", np.nan))
            if np.isfinite(low) and np.isfinite(high):
                figs += [
                    Figure(low, "model_check", name, "predicted_p10", "int"),
                    Figure(high, "model_check", name, "predicted_p90", "int"),
                ]
                inside = low <= figs[1].value <= high
                text += f", {'within' if inside else 'outside'} its 80 % range {_range_text(low, high, 'int')}" + (
                    ""
                    if inside
                    else f": its figures run about {pct(abs(figs[2].value))} "
                    f"{'low' if figs[1].value > high else 'high'}"
                )
            found.append(Finding(0, 0.9, text, sheets.MODEL_CHECK, tuple(figs)))
    return found


def _coverage(tables, config) -> Finding | None:
    """The coverage guard (:mod:`core.exports`): a list read only in part leads the findings."""
    if "coverage" not in tables:
        return None
    return Finding(-2, 1e9, str(tables["coverage"]["finding"].iloc[0]), sheets.DATA_ISSUES)


#: The "(also possible: 'A', 'B')" of a reading line; a header may hold ')' ("(Do Not Modify) Account").
_ALSO_POSSIBLE = r""" \(also possible: (?:'[^']*'|"[^"]*")(?:, (?:'[^']*'|"[^"]*"))*\)"""


def _reading(tables, config) -> Finding | None:
    """What was read as what: the columns of each role and the layouts recognised."""
    if "reading" not in tables or not len(tables["reading"]):
        return None
    lines = [str(line) for line in tables["reading"]["line"] if not str(line).startswith("To choose otherwise")]
    first = next((line for line in lines if line.startswith("Read as: ")), "")
    read_as = re.sub(r"'([^']{30})[^']{4,}'", r"'\1...'", re.sub(_ALSO_POSSIBLE, "", first))
    roles = read_as.split(", ")
    text = ", ".join(roles[:3]) + (", ..." if len(roles) > 3 else "")
    others = [line for line in lines if line and line != first]
    if others:
        text += "; " + (others[0] if len(others[0]) <= 90 else others[0][:87] + "...")
        text += f" (and {len(others) - 1} more)" if len(others) > 1 else ""
    return Finding(-1, 1e8, text + "; the Data issues sheet has it all and how to choose otherwise", sheets.DATA_ISSUES)


def _profit_unknown(tables, config) -> Finding | None:
    """Why profit and margin are blank (no account has a profit): said with what was read, beyond
    the eight, so that blank profit cells do not pass for missing rows and no finding is crowded out."""
    if "profit_note" not in tables:
        return None
    note = str(tables["profit_note"]["note"].iloc[0])
    return Finding(-1, 1e8, note[:1].upper() + note[1:], sheets.TIER_SUMMARY)


def _survey(tables, config) -> Finding | None:
    """The survey join in one line: responses read, not joined, near misses; revenue covered."""
    if "survey_match" not in tables:
        return None

    def fig(measure: str, kind: str) -> Figure:
        return _fig(tables, "survey_match", measure, "value", kind)

    read, off = fig("responses read", "int"), fig("responses not joined", "int")
    near = fig("near misses listed, not joined (confirm below)", "int")
    answered, covered = (
        fig("accounts with at least one answer", "int"),
        fig("share of revenue covered by answers", "pct"),
    )
    text = (
        f"Survey: {plural(int(read.value), 'response')} read, {off.text()} not joined"
        + (f" ({near.text()} near {'miss' if near.value == 1 else 'misses'} to confirm)" if near.value else "")
        + f"; {plural(int(answered.value), 'account')} answered, covering {covered.text()} of revenue"
    )
    return Finding(11, 1.0, text, sheets.NPS, (read, off, near, answered, covered))


def _call_list(tables, config) -> Finding | None:
    """The call list in one line: accounts to call and the money at stake, all and first block."""
    if "actions" not in tables or not len(tables["actions"]):
        return None
    every, top = tables["actions"], tables.get("actions_top", tables["actions"])
    count = Figure(len(every), "actions", None, None, "int")
    stake = float(every["money_at_stake"].sum())
    text = (
        f"{plural(len(every), 'account')} to call, {figure_text(stake, 'money')} at stake"
        + (
            f"; the first {len(top):,} hold {figure_text(float(top['money_at_stake'].sum()), 'money')}"
            if len(top) < len(every)
            else ""
        )
        + f", led by {every['account'].iloc[0]} ({figure_text(float(every['money_at_stake'].iloc[0]), 'money')})"
    )
    return Finding(12, 1.0, text, sheets.ACTIONS, (count,))


CANDIDATES: tuple[Callable, ...] = (
    _coverage,
    _reading,
    _profit_unknown,
    _concentration,
    _top_share,
    _tier_profit,
    _whale,
    _cost_to_serve,
    _nps,
    _matrix,
    _growth,
    _rfm,
    _channel,
    _issues,
    _models,
    _survey,
    _call_list,
)


def findings(tables: dict[str, pd.DataFrame], config: ReportConfig) -> list[Finding]:
    """The report's findings: the :data:`MAX_FINDINGS` weightiest candidates, in topic order.

    Parameters
    ----------
    tables:
        A report's result tables (:func:`core.report.run_report`, with the customer tables of
        :func:`core.customers.report.run_customer_report` for a transaction list).
    config:
        The settings the report ran with (tier labels, the 80 % share, the HHI bands).

    Returns
    -------
    list of Finding
        Each with its sentence, the sheet holding the detail and the figures it quotes.
    """
    found: list[Finding] = []
    for candidate in CANDIDATES:
        result = candidate(tables, config)
        found += result if isinstance(result, list) else [result] if result is not None else []
    intake = sorted((f for f in found if f.topic < 0), key=lambda f: f.topic)  # said first, beyond the eight
    last = sorted((f for f in found if f.topic in LISTED_LAST), key=lambda f: f.topic)  # and these last
    ranked = [f for f in found if f.topic >= 0 and f.topic not in LISTED_LAST]
    kept = sorted(ranked, key=lambda f: -f.weight)[:MAX_FINDINGS]
    return intake + sorted(kept, key=lambda f: (f.topic, -f.weight)) + last


def findings_table(found: list[Finding]) -> pd.DataFrame:
    """The findings as the Overview shows them: the sentence and the sheet with the detail."""
    return pd.DataFrame({"finding": [f.text for f in found], "sheet": [f.sheet for f in found]})
