"""core.growth: change, labels, CAGR, per-group growth, tier migration and the accounts that fell.

The seven accounts used throughout (revenue 2023 / 2024 / 2025; blank = missing = no sales):

    Acme 100 / 110 / 121   change 121 - 110 = 11, 11 / 110 = +10 %, CAGR (121/100)^(1/2) - 1 = 10 %: growing
    Beta  50 /  60 /  20   -40, -40/60 = -66.7 %, CAGR (20/50)^(1/2) - 1 = -36.75 %: declining
    Cora   0 /   0 /  40   +40, % undefined (2024 is 0), CAGR undefined (2023 is 0): new
    Dune  80 /  90 /   0   -90, -100 %, CAGR (0/80)^(1/2) - 1 = -100 %: lost
    Echo  30 /  35 /  36   +1, 1/35 = +2.86 % (within 5 %), CAGR (36/30)^(1/2) - 1 = 9.54 %: stable
    Fay    - / -10 /  40   +50, % undefined (2024 negative: credit notes), CAGR undefined: new
    Gus   20 /   - /   -   0, % undefined, CAGR 0/20 -> -100 %: no sales in 2024 or 2025
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.config import ReportConfig
from core.errors import SegmenterInputError
from core.growth import (
    account_growth,
    cagr,
    fallen_from,
    growth_by,
    growth_labels,
    period_tiers,
    revenue_by_period,
    tier_migration,
)

NAN = float("nan")
ACCOUNTS = ["Acme", "Beta", "Cora", "Dune", "Echo", "Fay", "Gus"]
REVENUE = pd.DataFrame(
    {
        "2023": [100.0, 50.0, 0.0, 80.0, 30.0, NAN, 20.0],
        "2024": [110.0, 60.0, 0.0, 90.0, 35.0, -10.0, NAN],
        "2025": [121.0, 20.0, 40.0, 0.0, 36.0, 40.0, NAN],
    },
    index=[1, 2, 3, 4, 5, 6, 7],
)


def _by_account(table: pd.DataFrame) -> dict[str, dict]:
    return {name: row for name, row in zip(ACCOUNTS, table.to_dict("records"))}


def test_account_growth_of_the_seven_accounts_by_hand():
    rows = _by_account(account_growth(REVENUE, (0.0, 1.0, 2.0)))
    assert [rows[a]["growth"] for a in ACCOUNTS] == ["growing", "declining", "new", "lost", "stable", "new", "no sales"]
    assert [rows[a]["revenue_change"] for a in ACCOUNTS] == [11.0, -40.0, 40.0, -90.0, 1.0, 50.0, 0.0]
    assert rows["Acme"]["revenue_change_pct"] == pytest.approx(0.10)
    assert rows["Beta"]["revenue_change_pct"] == pytest.approx(-2 / 3)
    assert rows["Dune"]["revenue_change_pct"] == pytest.approx(-1.0)
    assert rows["Echo"]["revenue_change_pct"] == pytest.approx(1 / 35)
    for undefined in ("Cora", "Fay", "Gus"):
        assert math.isnan(rows[undefined]["revenue_change_pct"])
    assert rows["Acme"]["cagr"] == pytest.approx(0.10)
    assert rows["Beta"]["cagr"] == pytest.approx(math.sqrt(0.4) - 1)  # -0.3675
    assert rows["Dune"]["cagr"] == pytest.approx(-1.0)
    assert rows["Echo"]["cagr"] == pytest.approx(math.sqrt(1.2) - 1)  # 0.0954
    assert math.isnan(rows["Cora"]["cagr"]) and math.isnan(rows["Fay"]["cagr"])
    assert rows["Gus"]["cagr"] == pytest.approx(-1.0)  # 20 in 2023, nothing in 2025


def test_growth_notes_say_why_a_change_is_undefined_or_an_account_new_or_lost():
    notes = {a: r["growth_note"] for a, r in _by_account(account_growth(REVENUE)).items()}
    assert notes == {
        "Acme": "",
        "Beta": "",
        "Echo": "",
        "Cora": "no sales in 2024: % change undefined",
        "Fay": "2024 is negative (credit notes): % change undefined",
        "Dune": "no sales in 2025: lost",
        "Gus": "no sales in 2024 or 2025",
    }


def test_account_growth_keeps_the_period_values_and_index():
    table = account_growth(REVENUE)
    assert list(table.columns[:3]) == ["revenue_2023", "revenue_2024", "revenue_2025"]
    assert table.index.tolist() == REVENUE.index.tolist()
    assert math.isnan(table.loc[6, "revenue_2023"])  # shown as given: blank stays blank


def test_cagr_note_when_only_the_first_period_is_empty():
    # 0 in 2023, 10 -> 12 afterwards: the change is defined, CAGR is not
    table = account_growth(pd.DataFrame({"2023": [0.0], "2024": [10.0], "2025": [12.0]}))
    assert table["growth"].tolist() == ["growing"] and table["revenue_change_pct"].iloc[0] == pytest.approx(0.2)
    assert table["growth_note"].tolist() == ["no sales in 2023: CAGR undefined"]


@pytest.mark.parametrize(
    "earlier, later, label",
    [
        (100.0, 105.0, "stable"),  # +5 % exactly: inside the band, bounds included
        (100.0, 95.0, "stable"),  # -5 % exactly
        (100.0, 105.01, "growing"),  # +5.01 %
        (100.0, 94.99, "declining"),  # -5.01 %
        (0.0, 0.01, "new"),
        (0.01, 0.0, "lost"),
        (100.0, -5.0, "lost"),  # credit notes only in the later period: no sales
        (-5.0, -1.0, "no sales"),
        (NAN, 0.0, "no sales"),
    ],
)
def test_growth_labels_at_the_band_edges(earlier, later, label):
    assert growth_labels([earlier], [later], 0.05).tolist() == [label]


def test_growth_band_is_configurable():
    # +8 %: growing with a 5 % band, stable with 10 %; a zero band makes any change count
    assert growth_labels([100.0], [108.0], 0.05).tolist() == ["growing"]
    assert growth_labels([100.0], [108.0], 0.10).tolist() == ["stable"]
    assert growth_labels([100.0, 100.0], [100.0, 100.5], 0.0).tolist() == ["stable", "growing"]
    assert ReportConfig().growth_band == 0.05
    with pytest.raises(SegmenterInputError, match="growth band"):
        growth_labels([1.0], [1.0], 1.5)


def test_cagr_ends_and_years():
    # 100 -> 121 over 2 years: 10 %; over quarters Q1 -> Q3 2025 (0.5 years) 100 -> 110: 1.1^2 - 1 = 21 %
    assert cagr([100.0], [121.0], 2).tolist() == pytest.approx([0.10])
    assert cagr([100.0], [110.0], 0.5).tolist() == pytest.approx([0.21])
    result = cagr([100.0, 0.0, -5.0, 100.0, NAN], [0.0, 10.0, 10.0, -1.0, 10.0], 1)
    assert result[0] == -1.0 and np.isnan(result[1:]).all()
    with pytest.raises(SegmenterInputError, match="positive number of years"):
        cagr([1.0], [2.0], 0)


def test_quarter_periods_compound_over_their_years():
    revenue = pd.DataFrame({"Q1 2025": [100.0], "Q2 2025": [104.0], "Q3 2025": [110.0]})
    table = account_growth(revenue, (0.0, 0.25, 0.5))
    assert table["cagr"].iloc[0] == pytest.approx(1.1**2 - 1)
    assert table["revenue_change_pct"].iloc[0] == pytest.approx(110 / 104 - 1)


def test_growth_needs_two_periods():
    with pytest.raises(SegmenterInputError, match="at least two periods"):
        account_growth(pd.DataFrame({"2025": [1.0]}))
    with pytest.raises(SegmenterInputError, match="period times"):
        account_growth(REVENUE, (0.0, 1.0))


TIERS_NOW = ["A", "B", "A", "D", "A", "A", "D"]


def test_growth_by_tier_sums_changes_and_shares_by_hand():
    # A = Acme, Cora, Echo, Fay: 2024 110 + 0 + 35 - 10 = 135, 2025 121 + 40 + 36 + 40 = 237, change +102
    # B = Beta: 60 -> 20, -40.   D = Dune, Gus: 90 -> 0, -90.   Total 285 -> 257, -28
    table = growth_by(REVENUE, TIERS_NOW, order=["A", "B", "C", "D"]).set_index("tier")
    assert table["revenue_2024"].tolist() == [135.0, 60.0, 0.0, 90.0, 285.0]
    assert table["revenue_2025"].tolist() == [237.0, 20.0, 0.0, 0.0, 257.0]
    assert table["revenue_change"].tolist() == [102.0, -40.0, 0.0, -90.0, -28.0]
    assert table.loc["A", "revenue_change_pct"] == pytest.approx(102 / 135)
    assert math.isnan(table.loc["C", "revenue_change_pct"])  # no revenue in C
    # share of the (negative) total change: 102/-28, -40/-28, 0, -90/-28; they add up to 1
    assert table["share_of_growth"].tolist() == pytest.approx([102 / -28, 40 / 28, 0.0, 90 / 28, 1.0])
    assert str(table.loc["C", "share_of_growth"]) == "0.0"  # not "-0.0"
    assert table.loc["A", ["growing", "stable", "declining", "new", "lost"]].tolist() == [1, 1, 0, 2, 0]
    assert table.loc["D", ["lost", "accounts"]].tolist() == [1, 2]
    assert table.loc["Total", ["growing", "stable", "declining", "new", "lost"]].tolist() == [1, 1, 1, 2, 1]
    # group CAGR from the group sums: A 2023 = 100 + 0 + 30 + 0 = 130 -> 237 over 2 years
    assert table.loc["A", "cagr"] == pytest.approx(math.sqrt(237 / 130) - 1)


def test_growth_by_any_column_sorts_its_labels():
    table = growth_by(
        REVENUE, ["Direct", "Reseller", "Direct", "Reseller", "Direct", "Direct", None], group_name="channel"
    )
    assert table["channel"].tolist() == ["Direct", "Reseller", "(blank)", "Total"]
    assert table["revenue_change"].tolist() == [102.0, -130.0, 0.0, -28.0]


def test_share_of_growth_is_undefined_without_total_change():
    table = growth_by(pd.DataFrame({"a": [10.0, 5.0], "b": [15.0, 0.0]}), ["x", "y"], group_name="g")
    assert table["revenue_change"].tolist() == [5.0, -5.0, 0.0]
    assert np.isnan(table["share_of_growth"]).all()


def test_revenue_by_period_has_one_row_per_period_and_a_column_per_tier():
    table = revenue_by_period(REVENUE, TIERS_NOW, order=["A", "B", "C", "D"])
    assert list(table.columns) == ["period", "revenue_A", "revenue_B", "revenue_C", "revenue_D", "revenue_total"]
    # 2023: A = 100 + 0 + 30 + 0 (Fay missing) = 130, B 50, D 80 + 20 = 100, total 280
    assert table.iloc[0].tolist() == ["2023", 130.0, 50.0, 0.0, 100.0, 280.0]
    assert table["period"].tolist() == ["2023", "2024", "2025"]


def test_period_tiers_tier_each_period_on_its_own():
    # 2024: Acme 110, Dune 90, Beta 60, Echo 35 of 285 positive; shares before: 0, 38.6, 70.2, 91.2 %
    #   -> A, A, A, C (91.2 % >= 80 % is B only until 95 %: B). Cora 0, Fay -10, Gus missing -> D
    # 2025: Acme 121, Cora 40, Fay 40, Echo 36, Beta 20 of 257; before: 0, 47.1, 62.6 (tie with Cora: 47.1),
    #   78.6, 92.2 % -> A, A, A, A, B; Dune 0 and Gus missing -> D
    tiers = period_tiers(REVENUE[["2024", "2025"]])
    assert tiers["2024"].tolist() == ["A", "A", "D", "A", "B", "D", "D"]
    assert tiers["2025"].tolist() == ["A", "B", "A", "D", "A", "A", "D"]


def test_migration_matrix_and_fallen_from_a_by_hand():
    # from the tiers above: Acme A->A, Beta A->B, Cora D->A, Dune A->D, Echo B->A, Fay D->A, Gus D->D
    tiers = period_tiers(REVENUE[["2024", "2025"]])
    move = tier_migration(tiers["2024"], tiers["2025"], REVENUE["2025"], ["A", "B", "C", "D"], ("2024", "2025"))
    assert move.accounts.values.tolist() == [
        ["A", 1, 1, 0, 1, 3],
        ["B", 1, 0, 0, 0, 1],
        ["C", 0, 0, 0, 0, 0],
        ["D", 2, 0, 0, 1, 3],
        ["Total", 4, 1, 0, 2, 7],  # to D: Dune and Gus
    ]
    assert list(move.accounts.columns) == ["from_tier", "to_A", "to_B", "to_C", "to_D", "accounts"]
    # 2025 revenue: A row Acme 121 (to A) + Beta 20 (to B) + Dune 0; B row Echo 36; D row Cora 40 + Fay 40
    assert move.revenue.values.tolist()[0] == ["A", 121.0, 20.0, 0.0, 0.0, 141.0]
    assert move.revenue.values.tolist()[3] == ["D", 80.0, 0.0, 0.0, 0.0, 80.0]
    assert move.revenue.values.tolist()[4] == ["Total", 237.0, 20.0, 0.0, 0.0, 257.0]
    assert (move.from_period, move.to_period) == ("2024", "2025")
    fell = fallen_from(tiers["2024"], tiers["2025"], "A")
    assert [a for a, f in zip(ACCOUNTS, fell) if f] == ["Beta", "Dune"]


def test_tier_migration_rejects_a_tier_outside_the_labels():
    with pytest.raises(SegmenterInputError, match="not among the labels"):
        tier_migration(["A", "X"], ["A", "B"], [1.0, 2.0], ["A", "B", "C", "D"])


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.just(0.0) | st.floats(0.01, 1e6), st.just(0.0) | st.floats(0.01, 1e6)), min_size=1, max_size=40
    ),
    st.floats(1e-3, 1e3),
)
def test_labels_do_not_depend_on_the_currency_unit(pairs, scale):
    earlier = np.array([p[0] for p in pairs])
    later = np.array([p[1] for p in pairs])
    # a power of two keeps every ratio exact, so no label can flip on rounding
    factor = 2.0 ** round(math.log2(scale))
    assert growth_labels(earlier, later).tolist() == growth_labels(earlier * factor, later * factor).tolist()


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 1000), st.integers(0, 1000), st.sampled_from("ABCD")), min_size=1, max_size=40)
)
def test_migration_totals_are_the_tier_sizes_and_shares_of_growth_add_to_one(rows):
    revenue = pd.DataFrame({"p1": [float(r[0]) for r in rows], "p2": [float(r[1]) for r in rows]})
    tiers = period_tiers(revenue)
    move = tier_migration(tiers["p1"], tiers["p2"], revenue["p2"], ["A", "B", "C", "D"])
    counts_before = tiers["p1"].value_counts()
    counts_now = tiers["p2"].value_counts()
    grid = move.accounts.set_index("from_tier")
    for label in "ABCD":
        assert grid.loc[label, "accounts"] == counts_before.get(label, 0)
        assert grid.loc["Total", f"to_{label}"] == counts_now.get(label, 0)
    assert move.revenue["revenue"].iloc[-1] == pytest.approx(revenue["p2"].sum())
    by_group = growth_by(revenue, [r[2] for r in rows], group_name="g")
    change = by_group["revenue_change"].iloc[-1]
    if change != 0:
        assert by_group["share_of_growth"].iloc[:-1].sum() == pytest.approx(1.0)
    counted = by_group[["growing", "stable", "declining", "new", "lost"]].iloc[-1].sum()
    no_sales = int(((revenue["p1"] <= 0) & (revenue["p2"] <= 0)).sum())
    assert counted + no_sales == len(rows)
