"""Revenue bridge by customers (core/bridge.py): written by the CLI, each part read back from the
Growth sheet and checked against figures computed here from the input files by another route."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

import segmenter
from core.bridge import customer_bridge, customer_bridge_by
from tests.conftest import SHARED_DATA

PROJECT = Path(__file__).resolve().parents[1]
GROWTH_SAMPLE = PROJECT / "core" / "data" / "sample_accounts_periods.csv"
# the team's data: beside the clone (CI), or the machine's shared folder (a worktree elsewhere)
CDNOW = next(
    (p for p in (SHARED_DATA / "CDNOW_sample.txt", Path("/work/shared/data/CDNOW_sample.txt")) if p.exists()), None
)


def read_block(path: Path, sheet: str, title_start: str) -> pd.DataFrame:
    """The block under the title that starts with ``title_start``, as the sheet holds it."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rows = [list(r) for r in load_workbook(path)[sheet].iter_rows(values_only=True)]
    top = next(i for i, r in enumerate(rows) if isinstance(r[0], str) and r[0].startswith(title_start))
    header = [h for h in rows[top + 1] if h is not None]
    body = []
    for r in rows[top + 2 :]:
        if r[0] is None:
            break
        body.append(r[: len(header)])
    return pd.DataFrame(body, columns=header)


def _steps(block: pd.DataFrame) -> dict[str, float]:
    return dict(zip(block["Step"], block["Amount"]))


def _report(tmp_path: Path, source: Path, *extra: str) -> Path:
    out = tmp_path / "report.xlsx"
    assert segmenter.main(["report", str(source), "-o", str(out), *extra]) == 0
    return out


def test_growth_sample_bridge_adds_up_to_the_cent(tmp_path):
    out = _report(tmp_path, GROWTH_SAMPLE)
    raw = pd.read_csv(GROWTH_SAMPLE, thousands=",")
    r0, r1 = raw["Revenue 2024"].fillna(0), raw["Revenue 2025"].fillna(0)
    steps = _steps(read_block(out, "Growth", "Revenue bridge by customers:"))
    assert steps["revenue 2024"] == pytest.approx(r0.sum(), abs=0.005)
    assert steps["revenue 2025"] == pytest.approx(r1.sum(), abs=0.005)
    parts = ["new customers", "lost customers", "returning customers"] + (
        ["other (credit notes only)"] if "other (credit notes only)" in steps else []
    )
    assert round(sum(steps[p] for p in parts), 2) == round(steps["change"], 2) == round(r1.sum() - r0.sum(), 2)
    assert steps["new customers"] == pytest.approx(r1[(r0 <= 0) & (r1 > 0)].sum() - r0[(r0 <= 0) & (r1 > 0)].sum())
    assert steps["lost customers"] == pytest.approx(-(r0[(r0 > 0) & (r1 <= 0)].sum() - r1[(r0 > 0) & (r1 <= 0)].sum()))
    by_tier = read_block(out, "Growth", "Revenue bridge by customers, per tier")
    parts = by_tier[
        ["Revenue 2024", "New customers", "Lost customers", "Returning customers", "Other (credit notes only)"]
    ].sum(axis=1)
    assert np.allclose(parts.round(2), by_tier["Revenue 2025"].round(2), atol=0.001)
    by_channel = read_block(out, "Growth", "Revenue bridge by customers, per channel")
    direct = raw["Channel"] == "Direct"
    row = by_channel.set_index("Channel").loc["Direct"]
    assert row["Change in revenue"] == pytest.approx(r1[direct].sum() - r0[direct].sum(), abs=0.005)


def test_a_list_with_new_and_lost_customers(tmp_path):
    source = tmp_path / "accounts.csv"
    pd.DataFrame(
        {
            "Account": list("abcdef"),
            "Revenue 2024": [100.10, 0, 55.55, 20.0, None, 10.0],
            "Revenue 2025": [120.25, 33.33, 0, 20.0, 7.77, None],
        }
    ).to_csv(source, index=False)
    out = _report(tmp_path, source)
    block = read_block(out, "Growth", "Revenue bridge by customers:")
    steps = _steps(block)
    counts = dict(zip(block["Step"], block["Customers"]))
    assert (counts["new customers"], counts["lost customers"], counts["returning customers"]) == (2, 2, 2)
    assert steps["new customers"] == pytest.approx(33.33 + 7.77)
    assert steps["lost customers"] == pytest.approx(-(55.55 + 10.0))
    assert steps["returning customers"] == pytest.approx(120.25 - 100.10)
    assert steps["change"] == pytest.approx((120.25 + 33.33 + 20 + 7.77) - (100.10 + 55.55 + 20 + 10), abs=1e-9)


@pytest.mark.skipif(CDNOW is None, reason="CDNOW sample not found")
def test_cdnow_year_on_year_bridge_splits_orders_and_order_value(tmp_path):
    out = _report(tmp_path, CDNOW)
    raw = pd.read_csv(
        CDNOW, sep=r"\s+", header=None, names=["customer", "id", "date", "quantity", "amount"], dtype={"date": str}
    )
    raw["date"] = pd.to_datetime(raw["date"], format="%Y%m%d")
    h97 = raw[(raw["date"] >= "1997-01-01") & (raw["date"] <= "1997-06-30")]
    h98 = raw[(raw["date"] >= "1998-01-01") & (raw["date"] <= "1998-06-30")]
    block = read_block(out, "Growth", "Revenue bridge by customers:")
    steps = _steps(block)
    assert steps["revenue 1 Jan-30 Jun 1997"] == pytest.approx(h97["amount"].sum(), abs=0.005)
    assert steps["revenue 1 Jan-30 Jun 1998"] == pytest.approx(h98["amount"].sum(), abs=0.005)
    parts = ["new customers", "lost customers", "returning: number of orders", "returning: average order value"]
    assert (
        round(sum(steps[p] for p in parts), 2)
        == round(steps["change"], 2)
        == round(h98["amount"].sum() - h97["amount"].sum(), 2)
    )
    before, after = (
        h97.groupby("customer")["amount"].agg(["sum", "size"]),
        h98.groupby("customer")["amount"].agg(["sum", "size"]),
    )
    both = before.index.intersection(after.index)
    o0, o1 = before.loc[both, "size"].sum(), after.loc[both, "size"].sum()
    v0, v1 = before.loc[both, "sum"].sum() / o0, after.loc[both, "sum"].sum() / o1
    assert steps["returning: number of orders"] == pytest.approx((o1 - o0) * (v0 + v1) / 2, abs=0.01)
    assert steps["returning: average order value"] == pytest.approx((v1 - v0) * (o0 + o1) / 2, abs=0.01)
    assert steps["lost customers"] == pytest.approx(-before.drop(index=both)["sum"].sum(), abs=0.005)
    row = block.set_index("Step").loc["returning: number of orders"]
    assert (row["Orders before"], row["Orders after"]) == (o0, o1)
    by_tier = read_block(out, "Growth", "Revenue bridge by customers, per tier")
    total = by_tier.set_index("Tier").loc["Total"]
    assert total["Change in revenue"] == pytest.approx(steps["change"], abs=0.005)


def test_cents_add_up_on_awkward_amounts():
    rng = np.random.default_rng(23)
    r0 = np.round(rng.uniform(0, 1000, 5000), 2) * (rng.random(5000) > 0.2)
    r1 = np.round(rng.uniform(0, 1000, 5000), 2) * (rng.random(5000) > 0.2)
    o0, o1 = (r0 > 0) * rng.integers(1, 9, 5000), (r1 > 0) * rng.integers(1, 9, 5000)
    table = customer_bridge(r0, r1, o0, o1).set_index("step")["amount"]
    parts = table.drop(index=["revenue before", "revenue after", "change"])
    assert round(table["revenue before"] + parts.sum(), 2) == round(table["revenue after"], 2)
    assert round(parts.sum(), 2) == round(r1.sum() - r0.sum(), 2)
    by = customer_bridge_by(r0, r1, rng.choice(list("ABC"), 5000), o0, o1)
    assert np.allclose(by.iloc[:, 3:-2].sum(axis=1).round(2), by.iloc[:, -2].round(2), atol=1e-6)


def test_transaction_list_with_profit_gets_a_profit_bridge_with_the_margin_step(tmp_path):
    rng = np.random.default_rng(7)
    rows = []
    for c in range(60):
        years = [2024, 2025] if c < 40 else [2024] if c < 50 else [2025]  # 40 returning, 10 lost, 10 new
        for year in years:
            for _ in range(int(rng.integers(1, 5))):
                amount = round(float(rng.uniform(20, 400)), 2)
                margin = 0.2 if year == 2024 else 0.25
                day = pd.Timestamp(year=year, month=1, day=1) + pd.Timedelta(days=int(rng.integers(0, 364)))
                rows.append((f"K{c:03d}", day.date().isoformat(), amount, round(amount * margin, 2)))
    orders = pd.DataFrame(rows, columns=["Customer", "Order date", "Amount", "Profit"])
    orders.loc[len(orders)] = ["K000", "2025-12-31", 10.0, 2.5]  # the last day: whole years compared
    source = tmp_path / "orders.csv"
    orders.to_csv(source, index=False)
    out = _report(tmp_path, source)
    steps = _steps(read_block(out, "Growth", "Profit bridge by customers"))
    orders["year"] = pd.to_datetime(orders["Order date"]).dt.year
    per = orders.groupby(["Customer", "year"])[["Amount", "Profit"]].sum().unstack(fill_value=0.0)
    back = per[("Amount", 2024)].gt(0) & per[("Amount", 2025)].gt(0)
    assert steps["profit 2024"] == pytest.approx(per[("Profit", 2024)].sum(), abs=0.005)
    assert steps["new customers"] == pytest.approx(
        per.loc[~per[("Amount", 2024)].gt(0), ("Profit", 2025)].sum(), abs=0.005
    )
    parts = [
        "new customers",
        "lost customers",
        "returning: number of orders",
        "returning: average order value",
        "returning: margin",
    ]
    assert (
        round(sum(steps[p] for p in parts), 2)
        == round(steps["change"], 2)
        == round(per[("Profit", 2025)].sum() - per[("Profit", 2024)].sum(), 2)
    )
    # returning customers' margin went from 20 % to 25 %: the margin step is positive and near
    # (0.25 - 0.20) x their average revenue over the two years
    revenue = (per.loc[back, ("Amount", 2024)].sum() + per.loc[back, ("Amount", 2025)].sum()) / 2
    assert steps["returning: margin"] == pytest.approx(0.05 * revenue, rel=0.05)


def _growth_with_orders(tmp_path: Path, blank_orders_row: int | None = None) -> tuple[Path, pd.DataFrame]:
    """The growth sample with 'Orders 2024', 'Orders 2025' and 'Profit 2024' columns, as a CRM export
    with a count of orders per year would have them."""
    raw = pd.read_csv(GROWTH_SAMPLE, thousands=",")
    rng = np.random.default_rng(2325)
    for year in ("2024", "2025"):
        revenue = raw[f"Revenue {year}"].fillna(0)
        raw[f"Orders {year}"] = np.where(revenue > 0, rng.integers(1, 40, len(raw)), 0)
    raw["Profit 2024"] = (raw["Revenue 2024"].fillna(0) * rng.uniform(0.05, 0.35, len(raw))).round(2)
    if blank_orders_row is not None:
        raw.loc[blank_orders_row, "Orders 2024"] = None
    source = tmp_path / "accounts_orders.csv"
    raw.to_csv(source, index=False)
    return source, raw


def test_account_list_with_orders_and_profit_splits_returning_accounts_to_the_cent(tmp_path):
    source, raw = _growth_with_orders(tmp_path)
    out = _report(tmp_path, source)
    r0, r1 = raw["Revenue 2024"].fillna(0).to_numpy(), raw["Revenue 2025"].fillna(0).to_numpy()
    p0, p1 = raw["Profit 2024"].fillna(0).to_numpy(), raw["Profit 2025"].fillna(0).to_numpy()
    o0, o1 = raw["Orders 2024"].to_numpy(float), raw["Orders 2025"].to_numpy(float)
    back = (r0 > 0) & (r1 > 0)
    # revenue = orders x average order value over the returning accounts, midpoint split
    orders, revenue = (o0[back].sum(), o1[back].sum()), (r0[back].sum(), r1[back].sum())
    value = (revenue[0] / orders[0], revenue[1] / orders[1])
    steps = _steps(read_block(out, "Growth", "Revenue bridge by customers:"))
    assert steps["returning: number of orders"] == pytest.approx((orders[1] - orders[0]) * sum(value) / 2, abs=0.01)
    assert steps["returning: average order value"] == pytest.approx((value[1] - value[0]) * sum(orders) / 2, abs=0.01)
    parts = ["new customers", "lost customers", "returning: number of orders", "returning: average order value"]
    assert round(sum(steps[p] for p in parts), 2) == round(steps["change"], 2) == round(r1.sum() - r0.sum(), 2)
    # profit = orders x average order value x margin: each factor's Shapley share, written out here
    margin = (p0[back].sum() / revenue[0], p1[back].sum() / revenue[1])

    def share(a, b, c):  # a's change, averaged over the six orders in which the three can change
        return (a[1] - a[0]) * (b[0] * c[0] / 3 + b[1] * c[1] / 3 + b[0] * c[1] / 6 + b[1] * c[0] / 6)

    profit = _steps(read_block(out, "Growth", "Profit bridge by customers"))
    assert profit["returning: number of orders"] == pytest.approx(share(orders, value, margin), abs=0.01)
    assert profit["returning: average order value"] == pytest.approx(share(value, orders, margin), abs=0.01)
    assert profit["returning: margin"] == pytest.approx(share(margin, orders, value), abs=0.01)
    new, lost = (r0 <= 0) & (r1 > 0), (r0 > 0) & (r1 <= 0)
    assert profit["new customers"] == pytest.approx((p1 - p0)[new].sum(), abs=0.005)
    assert profit["lost customers"] == pytest.approx((p1 - p0)[lost].sum(), abs=0.005)
    parts = ["new customers", "lost customers", "returning: number of orders", "returning: average order value"]
    parts += ["returning: margin"] + (["other (credit notes only)"] if "other (credit notes only)" in profit else [])
    assert round(sum(profit[p] for p in parts), 2) == round(profit["change"], 2) == round(p1.sum() - p0.sum(), 2)
    assert profit["profit 2024"] == pytest.approx(p0.sum(), abs=0.005)


def test_a_returning_account_without_orders_keeps_the_change_whole_and_says_why(tmp_path):
    raw = pd.read_csv(GROWTH_SAMPLE, thousands=",")
    returning = int(np.flatnonzero((raw["Revenue 2024"].fillna(0) > 0) & (raw["Revenue 2025"].fillna(0) > 0))[0])
    source, _ = _growth_with_orders(tmp_path, blank_orders_row=returning)
    out = _report(tmp_path, source)
    steps = _steps(read_block(out, "Growth", "Revenue bridge by customers:"))
    assert "returning customers" in steps and "returning: number of orders" not in steps
    (note,) = read_block(out, "Growth", "What the bridge could not split")["Note"]
    assert note == (
        "Revenue bridge: the returning accounts' change is not split into number of orders and average order "
        f"value: 1 returning account without orders in 2024 or 2025 (row {returning + 2})"
    )
    # profit has both periods on every account: its bridge splits revenue (no orders) and margin
    profit = _steps(read_block(out, "Growth", "Profit bridge by customers"))
    assert {"returning: revenue", "returning: margin"} <= set(profit) and "returning: number of orders" not in profit


def test_order_counts_must_be_whole_numbers_of_zero_or_more():
    from core.accounts import parse_accounts

    rows = [
        ["Account", "Revenue 2024", "Revenue 2025", "Orders 2024", "Orders 2025"],
        ["a", 100.0, 120.0, 3.0, 4.0],
        ["b", 50.0, 60.0, -1.0, 2.5],
    ]
    table = parse_accounts(rows)
    assert table.period_orders.iloc[0].tolist() == [3.0, 4.0] and table.period_orders.iloc[1].isna().all()
    rejected = table.issues[table.issues["action"] == "rejected"]
    assert sorted(rejected["column"]) == ["Orders 2024", "Orders 2025"]
    assert (rejected["reason"] == "a number of orders must be a whole number of 0 or more").all()
