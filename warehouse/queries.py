"""The aggregations as ibis expressions: one description that DuckDB and Spark both run.

Nothing here computes a figure in Python. Each function takes ibis tables (and small Python
values such as cutoffs or splits already computed) and returns an ibis expression; the
engine runs it where the data lives. What comes back is small (per group, per distinct
value, one row of sums) or streamed (the per-account table), and :mod:`warehouse.report`
turns it into the report's tables with the functions of core/, which stay the definition of
every figure. Where an expression has to restate a rule of core/ (a tier is decided per
account inside the engine), the docstring names the core function it mirrors, and
tests/test_warehouse.py checks both give the same result.

Column names after :func:`account_rows`: ``account, revenue, profit, nps, industry, size,
region, channel, first_purchase`` (absent roles are typed NULLs). After
:func:`summary_of_days`: the columns of :func:`core.customers.summary.customer_summary`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import ibis
import ibis.expr.types as ir
from ibis import _

from core.cells import MAX_NUMBER
from core.customers.summary import UNIT_DAYS

ACCOUNT_COLUMNS = {
    "account": "string",
    "revenue": "float64",
    "profit": "float64",
    "nps": "float64",
    "industry": "string",
    "size": "string",
    "region": "string",
    "channel": "string",
    "first_purchase": "date",
    "cost_to_serve": "float64",
}
#: Name of the k-th period revenue column (oldest first) after :func:`account_rows`.
PERIOD = "period_{}"
LINE_COLUMNS = {"customer": "string", "date": "date", "amount": "float64", "profit": "float64", "quantity": "float64"}
#: Strategy codes in the order of core.matrix.STRATEGIES, then Unclassified.
UNCLASSIFIED_CODE = 4


#: Column holding, as text, a role's value that was rejected for its size (NULL elsewhere).
REJECTED = "rejected_{}"


def typed(
    table: ir.Table, roles: dict[str, str], columns: dict[str, str], extra: dict[str, ir.Value] | None = None
) -> ir.Table:
    """The table with one column per role (renamed from ``roles[role]``, cast), NULL where absent,
    then the ``extra`` columns, then for each number role read a :data:`REJECTED` column.

    A number beyond :data:`core.cells.MAX_NUMBER` (1e15) in size, NaN or infinite is read as NULL,
    as core's cell parser rejects it (two revenues of 1e308 would overflow the sums into inf and
    the HHI and Gini into NaN); its value goes to the ``rejected_<role>`` column for the Data issues.
    """
    selected, rejected = {}, {}
    for role, dtype in columns.items():
        if role not in roles:
            selected[role] = ibis.null().cast(dtype)
            continue
        value = table[roles[role]].cast(dtype)
        if dtype == "float64":
            within = value.abs() <= MAX_NUMBER  # NaN is above every number in both engines; NULL stays NULL
            rejected[REJECTED.format(role)] = ibis.ifelse(
                value.notnull() & ~within, value.cast("string"), ibis.null().cast("string")
            )
            value = ibis.ifelse(within, value, ibis.null().cast(dtype))
        selected[role] = value
    return table.select(**selected, **(extra or {}), **rejected)


def rejected_roles(table: ir.Table) -> list[str]:
    """The roles of ``table`` (from :func:`typed`) that have a :data:`REJECTED` column."""
    prefix = REJECTED.format("")
    return [name[len(prefix) :] for name in table.columns if name.startswith(prefix)]


def account_rows(table: ir.Table, roles: dict[str, str], periods: Sequence[str] = ()) -> ir.Table:
    """One row per account (each input row is an account; duplicates are not merged, as in core);
    ``periods``: the period revenue columns, oldest first, as ``period_0``, ``period_1``, ..."""
    return typed(
        table,
        roles,
        ACCOUNT_COLUMNS,
        {PERIOD.format(k): table[column].cast("float64") for k, column in enumerate(periods)},
    )


def with_net_profit(accounts: ir.Table) -> ir.Table:
    """``net_profit`` = profit - cost to serve, NULL when either is (core.cost_to_serve.net_profit)."""
    return accounts.mutate(net_profit=accounts.profit - accounts.cost_to_serve)


def present_figures(accounts: ir.Table) -> ir.Table:
    """One row: accounts, with revenue present, positive, negative; positive and negative revenue
    totals; profit missing, NPS answers off the 0-10 scale; accounts with each group column filled."""
    revenue = accounts.revenue
    return accounts.aggregate(
        accounts=_.count(),
        present=revenue.count(),
        positive=(revenue > 0).sum(),
        negative=(revenue < 0).sum(),
        positive_total=ibis.ifelse(revenue > 0, revenue, 0.0).sum(),
        negative_total=ibis.ifelse(revenue < 0, revenue, 0.0).sum(),
        profit_missing=(revenue.notnull() & accounts.profit.isnull()).sum(),
        profit_present=accounts.profit.count(),
        cost_present=accounts.cost_to_serve.count(),
        nps_off_scale=(accounts.nps.notnull() & ~_on_scale(accounts.nps)).sum(),
        **{
            f"with_{role}": accounts[role].count()
            for role in ("industry", "size", "region", "channel", "first_purchase")
        },
    )


def _on_scale(nps: ir.FloatingValue) -> ir.BooleanValue:
    """An NPS answer is a whole number 0-10 (core.nps)."""
    return (nps >= 0) & (nps <= 10) & (nps == nps.round(0))


def revenue_peers(accounts: ir.Table) -> ir.Table:
    """Per distinct revenue value: accounts, their revenue, and the accounts and revenue above it.

    Tied revenues are one peer group here: ``greater_accounts`` and ``greater_revenue`` count
    only strictly larger revenues, which is how core.tiers gives a tie group the tier of its
    first member and core.report.revenue_rank gives ties the best rank.
    """
    peers = (
        accounts.filter(accounts.revenue.notnull())
        .group_by("revenue")
        .aggregate(peer_accounts=_.count(), peer_revenue=_.revenue.sum())
    )
    running = ibis.cumulative_window(order_by=ibis.desc(peers.revenue))
    return peers.mutate(
        greater_accounts=peers.peer_accounts.sum().over(running) - peers.peer_accounts,
        greater_revenue=peers.peer_revenue.sum().over(running) - peers.peer_revenue,
    )


def tier_code(
    peers: ir.Table, method: str, limits: Sequence[float], positive_total: float, positive_accounts: int
) -> ir.IntegerValue:
    """Tier code 0..k-1 for a positive revenue on the peers table; mirrors core.tiers._codes.

    ``limits``: pareto and rank, the share limits (core.tiers.share_limits); threshold, the
    revenue bounds, largest first; computed, (ab_value, bc_value) from core.tiers.computed_abc.
    A code counts the limits the account's value reaches, as numpy's searchsorted does there.
    """
    revenue = peers.revenue
    if method == "threshold":
        reached = [(revenue < bound) for bound in limits]
    elif method == "computed":
        ab_value, bc_value = limits
        return ibis.ifelse(revenue > ab_value, 0, ibis.ifelse(revenue >= bc_value, 1, 2))
    else:
        share = (
            peers.greater_revenue / positive_total
            if method == "pareto"
            else peers.greater_accounts.cast("float64") / positive_accounts
        )
        reached = [(share >= limit) for limit in limits]
    code = ibis.literal(0)
    for condition in reached:
        code = code + condition.cast("int64")
    return code


def with_tiers(
    accounts: ir.Table, peers: ir.Table, code: ir.IntegerValue, last_code: int, present_accounts: int
) -> ir.Table:
    """Accounts with ``tier_code`` (``last_code`` for zero, negative or missing revenue) and ``rank``
    (1 = largest; ties share the best rank; missing revenue after all others, as core.report.revenue_rank)."""
    keyed = peers.select(peer_value=peers.revenue, peer_code=code, peer_rank=peers.greater_accounts + 1)
    joined = accounts.left_join(keyed, accounts.revenue == keyed.peer_value)
    return joined.select(
        *accounts.columns,
        tier_code=ibis.ifelse(joined.revenue > 0, joined.peer_code, last_code).cast("int64"),
        rank=joined.peer_rank.fill_null(present_accounts + 1).cast("int64"),
    )


def margin(accounts: ir.Table, profit: str = "profit") -> ir.FloatingValue:
    """profit / revenue where revenue > 0 and profit is present, else NULL (core.margins.margin_pct);
    ``profit="net_profit"`` gives the net margin."""
    defined = (accounts.revenue > 0) & accounts[profit].notnull()
    return ibis.ifelse(defined, accounts[profit] / accounts.revenue, ibis.null().cast("float64"))


def split_medians(accounts: ir.Table, profit: str = "profit") -> ir.Table:
    """One row: revenue and margin medians over placeable accounts (revenue > 0, margin defined),
    the revenue median over accounts with revenue > 0, and how many are placeable (core.matrix.matrix_splits)."""
    placed = accounts.filter((accounts.revenue > 0) & margin(accounts, profit).notnull())
    positive = accounts.filter(accounts.revenue > 0)
    return placed.aggregate(
        placed=_.count(), revenue_median=_.revenue.median(), margin_median=margin(placed, profit).median()
    ).cross_join(positive.aggregate(positive_revenue_median=_.revenue.median()))


def finance_split_sums(tiered: ir.Table, profit: str = "profit") -> ir.Table:
    """One row: what core.matrix.finance_splits needs: the lowest positive revenue of the top tier
    (``tier_code`` 0) and the profit and revenue sums of the placeable accounts (revenue > 0, margin defined)."""
    placed = (tiered.revenue > 0) & margin(tiered, profit).notnull()
    return tiered.aggregate(
        top_min=ibis.ifelse((tiered.tier_code == 0) & (tiered.revenue > 0), tiered.revenue, ibis.null()).min(),
        placed_profit=ibis.ifelse(placed, tiered[profit], 0.0).sum(),
        placed_revenue=ibis.ifelse(placed, tiered.revenue, 0.0).sum(),
        placed=placed.sum(),
    )


def strategy_code(
    accounts: ir.Table, revenue_split: float, margin_split: float, profit: str = "profit"
) -> ir.IntegerValue:
    """Matrix cell 0-3 (Protect, Fix margin, Grow, Migrate) or 4 (unclassified); mirrors
    core.matrix.assign_strategy: high means at or above the split."""
    account_margin = margin(accounts, profit)
    cell = ibis.ifelse(accounts.revenue >= revenue_split, 0, 2) + ibis.ifelse(account_margin >= margin_split, 0, 1)
    return ibis.ifelse(account_margin.notnull(), cell, UNCLASSIFIED_CODE).cast("int64")


def group_sums(accounts: ir.Table, key: ir.Value) -> ir.Table:
    """Per value of ``key``: the sums of core.margins.GroupSums plus accounts with profit; with a
    ``net_profit`` column also its sums (``net_profit``, ``net_paired_revenue``, ``net_paired_profit``,
    ``net_profit_counted``). Sums over no value come back 0; core blanks them (core.groups.known_sums)."""
    revenue, profit = accounts.revenue, accounts.profit
    both = revenue.notnull() & profit.notnull()
    net = {}
    if "net_profit" in accounts.columns:
        net_both = revenue.notnull() & accounts.net_profit.notnull()
        net = {
            "net_profit": accounts.net_profit.sum().fill_null(0.0),
            "net_paired_revenue": ibis.ifelse(net_both, revenue, 0.0).sum(),
            "net_paired_profit": ibis.ifelse(net_both, accounts.net_profit, 0.0).sum(),
            "net_profit_counted": accounts.net_profit.count(),
        }
    return accounts.group_by(group=key).aggregate(
        **net,
        accounts=_.count(),
        revenue=revenue.sum().fill_null(0.0),
        profit=profit.sum().fill_null(0.0),
        paired_revenue=ibis.ifelse(both, revenue, 0.0).sum(),
        paired_profit=ibis.ifelse(both, profit, 0.0).sum(),
        revenue_counted=revenue.count(),
        profit_counted=profit.count(),
        lowest_revenue=revenue.min(),
        highest_revenue=revenue.max(),
    )


def nps_counts(accounts: ir.Table, key: ir.Value) -> ir.Table:
    """Per value of ``key``: promoters (9-10), passives (7-8), detractors (0-6) among whole answers 0-10."""
    nps = accounts.nps
    answered = nps.notnull() & _on_scale(nps)
    return accounts.group_by(group=key).aggregate(
        promoters=(answered & (nps >= 9)).sum(),
        passives=(answered & (nps >= 7) & (nps < 9)).sum(),
        detractors=(answered & (nps <= 6)).sum(),
    )


def watch_candidates(accounts: ir.Table, revenue_split: float) -> ir.Table:
    """Accounts core.matrix.nps_flags can flag: large detractors and small promoters."""
    nps, revenue = accounts.nps, accounts.revenue
    answered = nps.notnull() & _on_scale(nps)
    return accounts.filter(
        answered
        & revenue.notnull()
        & (((revenue >= revenue_split) & (nps <= 6)) | ((revenue < revenue_split) & (nps >= 9)))
    )


def ranking(accounts: ir.Table) -> ir.Table:
    """Revenues >= 0, largest first: ``position`` 1..n and ``running`` (sum of the ``position``
    largest); the ranking behind every concentration figure (core.concentration.Ranking)."""
    usable = accounts.filter(accounts.revenue.notnull() & (accounts.revenue >= 0)).select("revenue")
    numbered = usable.mutate(position=ibis.row_number().over(order_by=ibis.desc(usable.revenue)) + 1)
    # the running sum follows the numbering itself: ordering by revenue again could order ties otherwise
    return numbered.mutate(running=numbered.revenue.sum().over(ibis.cumulative_window(order_by=numbered.position)))


# ---------------------------------------------------------------------------- transactions


def order_lines(table: ir.Table, roles: dict[str, str]) -> ir.Table:
    """Order lines typed: customer, date, amount, profit, quantity (:func:`usable_lines` keeps those
    the report can use)."""
    return typed(table, roles, LINE_COLUMNS)


def usable_lines(lines: ir.Table) -> ir.Table:
    """Lines with a customer, a date and an amount (core.transactions leaves the others out, and reports them)."""
    return lines.filter(lines.customer.notnull() & lines.date.notnull() & lines.amount.notnull())


def daily_totals(lines: ir.Table, observation_end: ir.DateValue) -> ir.Table:
    """Per customer and day up to ``observation_end``: spend (net), bought (purchases only),
    purchases (lines with amount >= 0), lines, and the sums and counts of profit and quantity.

    Every later query reads this table instead of the lines (a day holds many lines), so the
    report makes one pass over the lines for it.
    """
    period = lines.filter(lines.date <= observation_end)
    purchase = period.amount >= 0
    return period.group_by(["customer", "date"]).aggregate(
        spend=_.amount.sum(),
        bought=ibis.ifelse(purchase, period.amount, 0.0).sum(),
        purchases=purchase.cast("int64").sum(),
        lines=_.count(),
        profit=_.profit.sum(),
        profit_lines=_.profit.count(),
        quantity=_.quantity.sum(),
        quantity_lines=_.quantity.count(),
    )


def summary_of_days(
    daily: ir.Table, observation_end: ir.DateValue, unit: str, windows: Sequence[tuple[Any, Any]] = ()
) -> ir.Table:
    """One row per customer with a purchase up to ``observation_end``; mirrors
    core.customers.summary.customer_summary (purchases are lines with amount >= 0, frequency the
    purchase days after the first, avg_repeat_spend the spend on those days per such day,
    profit and quantity NULL when any of the customer's lines lacks them).

    Two aggregations: per customer and day (``daily``, :func:`daily_totals`; days after
    ``observation_end`` are left out here), then per customer; the first purchase day's spend
    is the day total at the earliest purchase day (an arg-min), so no window is needed.
    ``windows``: (day before, last day) of periods whose net spend per customer becomes
    ``period_0``, ``period_1``, ... (core.customers.summary.revenue_per_year).
    """
    unit_days = UNIT_DAYS[unit]
    daily = daily.filter(daily.date <= observation_end)
    # days without a purchase (returns only) sort after every purchase day
    purchase_day = ibis.ifelse(daily.purchases > 0, daily.date, ibis.date(9999, 12, 31))
    per = daily.group_by("customer").aggregate(
        first_purchase=purchase_day.min(),
        last_purchase=ibis.ifelse(daily.purchases > 0, daily.date, ibis.date(1, 1, 1)).max(),
        purchases=daily.purchases.sum(),
        purchase_days=(daily.purchases > 0).cast("int64").sum(),
        bought=daily.bought.sum(),
        first_day_bought=daily.bought.argmin(purchase_day),
        total_spend=daily.spend.sum(),
        total_profit=ibis.ifelse(
            daily.profit_lines.sum() == daily.lines.sum(), daily.profit.sum(), ibis.null().cast("float64")
        ),
        total_quantity=ibis.ifelse(
            daily.quantity_lines.sum() == daily.lines.sum(), daily.quantity.sum(), ibis.null().cast("float64")
        ),
        **{
            PERIOD.format(k): ibis.ifelse(
                (daily.date > ibis.literal(start, type="date")) & (daily.date <= ibis.literal(last, type="date")),
                daily.spend,
                0.0,
            ).sum()
            for k, (start, last) in enumerate(windows)
        },
    )
    per = per.filter(per.purchases > 0)
    frequency = per.purchase_days - 1
    recency = per.last_purchase.delta(per.first_purchase, unit="day").cast("float64") / unit_days
    age = observation_end.delta(per.first_purchase, unit="day").cast("float64") / unit_days
    return per.select(
        *[per[PERIOD.format(k)] for k in range(len(windows))],  # ibis puts these first whatever their place
        account=per.customer,
        first_purchase=per.first_purchase,
        last_purchase=per.last_purchase,
        purchases=per.purchases.cast("int64"),
        repeat_purchases=(per.purchases - 1).cast("int64"),
        frequency=frequency.cast("int64"),
        recency=recency,
        T=age,
        time_since_last=age - recency,
        total_spend=per.total_spend,
        avg_spend=per.total_spend / per.purchases,
        avg_repeat_spend=ibis.ifelse(
            frequency > 0, (per.bought - per.first_day_bought) / frequency, ibis.null().cast("float64")
        ),
        total_profit=per.total_profit,
        avg_margin_pct=ibis.ifelse(
            per.total_spend > 0, per.total_profit / per.total_spend, ibis.null().cast("float64")
        ),
        total_quantity=per.total_quantity,
    )


# ---------------------------------------------------------------------------- data issues


def issue_rows(table: ir.Table, kinds: Sequence[tuple[ir.BooleanValue, ir.Value, ir.Value]]) -> ir.Table:
    """The rows with any of the problems: ``bad_<k>`` (whether the row has the k-th), ``identity_<k>``
    and ``value_<k>`` (text). One pass over ``table``; cache the result and ask it
    :func:`issue_examples` and :func:`issue_counts` (rows at fault are few beside the table).

    ``kinds``: (which rows have the problem, what names such a row, the value at fault), as
    expressions on ``table``.
    """
    flags = {f"bad_{k}": bad.fill_null(False) for k, (bad, _, _) in enumerate(kinds)}
    texts = {
        name: expression.cast("string")
        for k, (_, identity, value) in enumerate(kinds)
        for name, expression in ((f"identity_{k}", identity), (f"value_{k}", value))
    }
    rows = table.select(**flags, **texts)
    any_bad = ibis.literal(False)
    for name in flags:
        any_bad = any_bad | rows[name]
    return rows.filter(any_bad)


def issue_examples(rows: ir.Table, kinds: int, first: int) -> ir.Table:
    """The first ``first`` rows of each kind of problem among :func:`issue_rows`: ``kind``,
    ``identity`` and ``value``, in order of identity, then value (a top-``first`` query per kind)."""
    parts = []
    for k in range(kinds):
        chosen = rows.filter(rows[f"bad_{k}"]).select(
            kind=ibis.literal(k), identity=rows[f"identity_{k}"], value=rows[f"value_{k}"]
        )
        parts.append(chosen.order_by(["identity", "value"]).limit(first))
    return (ibis.union(*parts) if len(parts) > 1 else parts[0]).order_by(["kind", "identity", "value"])


def issue_counts(rows: ir.Table, kinds: int) -> ir.Table:
    """One row: ``kind_<k>`` = how many of :func:`issue_rows` have the k-th problem."""
    return rows.aggregate(**{f"kind_{k}": rows[f"bad_{k}"].cast("int64").sum().fill_null(0) for k in range(kinds)})


def duplicated(table: ir.Table, column: str) -> ir.BooleanValue:
    """Whether another row has the same non-missing value in ``column``."""
    return table[column].notnull() & (table[column].count().over(group_by=table[column]) > 1)


# ---------------------------------------------------------------------------- holdout check, historical value


def purchase_days(daily: ir.Table) -> ir.Table:
    """(customer, date) with a purchase (amount >= 0), from :func:`daily_totals`."""
    return daily.filter(daily.purchases > 0).select("customer", "date")


def holdout_triples(daily: ir.Table, calibration: ir.Table, calibration_end: ir.DateValue) -> ir.Table:
    """Per distinct calibration (frequency, recency, T): ``customers`` and their ``actual`` holdout
    repeat purchases (purchase days after the calibration end), summed (core.customers.validation)."""
    days = purchase_days(daily)
    after = days.filter(days.date > calibration_end).group_by("customer").aggregate(actual=_.count())
    joined = calibration.left_join(after, calibration.account == after.customer)
    joined = joined.select("frequency", "recency", "T", actual=joined.actual.fill_null(0))
    return joined.group_by(["frequency", "recency", "T"]).aggregate(customers=_.count(), actual=_.actual.sum())


def repeat_day_counts(daily: ir.Table, calibration: ir.Table) -> ir.Table:
    """Per date: calibration customers with a purchase that day after their first purchase day."""
    days = purchase_days(daily)
    firsts = calibration.select(first_account=calibration.account, first_day=calibration.first_purchase)
    joined = days.join(firsts, days.customer == firsts.first_account)
    return joined.filter(joined.date > joined.first_day).group_by("date").aggregate(customers=_.count())


def active_periods(daily: ir.Table, observation_end: ir.DateValue, period_days: float) -> tuple[ir.Table, ir.Table]:
    """(per customer: ``active_periods``; one row: ``at_risk``, ``retained``) for the historical value:
    periods of ``period_days`` counted back from the end (0 = the last), a customer active in a
    period with a purchase in it; at risk, (customer, period) pairs before the last, retained
    those active in the next period too (core.customers.historical_clv)."""
    purchases = purchase_days(daily.filter(daily.date <= observation_end))
    period = (observation_end.delta(purchases.date, unit="day").cast("float64") / period_days).floor().cast("int64")
    active = purchases.select(purchases.customer, period=period).distinct()
    per_customer = active.group_by("customer").aggregate(active_periods=_.count())
    newer = active.select(newer_customer=active.customer, newer_period=active.period)
    older = active.filter(active.period >= 1)
    pairs = older.left_join(newer, (older.customer == newer.newer_customer) & (older.period - 1 == newer.newer_period))
    return per_customer, pairs.aggregate(at_risk=_.count(), retained=pairs.newer_customer.count())


# ---------------------------------------------------------------------------- cohorts
def cohort_counts(daily: ir.Table, per_year: int) -> tuple[ir.Table, ir.Table]:
    """(``cohort, customers``; ``cohort, since, buying, revenue``) of core.customers.cohorts.cohort_counts
    from :func:`daily_totals`: a customer's cohort is the period (months or quarters since year 0,
    ``per_year`` 12 or 4) of the first day with any line, returns included; ``buying`` counts the
    customers with a line of a positive amount in the period (a day whose purchases sum above 0),
    ``revenue`` sums the net spend."""
    period = daily.date.year() * per_year + (daily.date.month() - 1) * per_year // 12
    dated = daily.select("customer", "spend", "bought", period=period.cast("int64"))
    firsts = dated.group_by("customer").aggregate(cohort=_.period.min())
    named = firsts.rename(first_customer="customer")
    joined = dated.join(named, dated.customer == named.first_customer)
    joined = joined.mutate(since=joined.period - joined.cohort)
    cells = joined.group_by(["cohort", "since"]).aggregate(
        buying=joined.customer.nunique(where=joined.bought > 0), revenue=joined.spend.sum()
    )
    return firsts.group_by("cohort").aggregate(customers=_.count()), cells
