"""A contract list through sBG: 2,000 customers in 5 yearly cohorts simulated from known parameters."""

import numpy as np
import pandas as pd
import pytest

from core.customers.contracts import contract_columns, contract_tables, parse_contracts
from core.errors import SegmenterInputError

ALPHA, BETA = 0.8, 2.5


def contract_rows(seed: int = 5) -> list[list]:
    """Header and 2,000 contracts starting 2019-2023 (400 a year, any day); each customer's churn
    probability theta ~ Beta(0.8, 2.5) and lifetime T ~ Geometric(theta) years: active at
    anniversaries 0..T-1, ending a month before anniversary T; blank end while running at 2024-12-31."""
    rng = np.random.default_rng(seed)
    rows = [["Customer", "Start date", "End date", "Plan"]]
    for i in range(2000):
        start = pd.Timestamp(2019 + i // 400, 1, 1) + pd.Timedelta(days=int(rng.integers(0, 365)))
        lifetime = min(int(rng.geometric(rng.beta(ALPHA, BETA))), 50)  # beyond the data either way
        end = start + pd.DateOffset(years=lifetime) - pd.Timedelta(days=30)
        rows.append(
            [
                f"S{i:04d}",
                start.strftime("%Y-%m-%d"),
                "" if end > pd.Timestamp("2024-12-31") else end.strftime("%Y-%m-%d"),
                "basic",
            ]
        )
    return rows


def test_header_words():
    assert contract_columns(["Member ID", "Joined", "Cancelled on"]) == {"customer": 0, "start": 1, "end": 2}
    assert contract_columns(["Customer", "Order date", "Amount"]) is None


def test_simulated_contracts_recover_the_parameters_and_fill_the_sheet_tables():
    contracts = parse_contracts(contract_rows())
    tables = contract_tables(contracts, observation_end="2024-12-31")
    parameters = tables["retention_parameters"].set_index("parameter")
    for name, truth in (("alpha", ALPHA), ("beta", BETA)):
        estimate, error = parameters.loc[name, "value"], parameters.loc[name, "standard_error"]
        assert abs(estimate - truth) < 3 * error, (name, estimate, error)
    cohorts = tables["retention_cohorts"]
    assert cohorts["start_year"].tolist() == ["2019", "2020", "2021", "2022", "2023"]
    assert cohorts["customers"].tolist() == [400.0] * 5
    # the 2023 cohort's last starter has not reached year 2 by 2024-12-31; 2019's has reached year 5
    assert np.isnan(cohorts.loc[4, "period_2"]) and np.isfinite(cohorts.loc[0, "period_5"])
    curve = tables["retention_curve"]
    assert curve["fitted_share"].iloc[0] == 1.0 and curve["projected"].sum() == 5
    assert np.abs(curve["actual_share"] - curve["fitted_share"]).max() < 0.03
    customers = tables["contract_customers"]
    active = customers[customers["active"] == "yes"]
    assert active["derl"].notna().all() and customers.loc[customers["active"] == "no", "derl"].isna().all()
    # a customer who renewed more often is worth more years of payments
    by_renewals = active.groupby("renewals")["derl"].first()
    assert by_renewals.is_monotonic_increasing


def test_bad_rows_are_refused_with_their_row():
    rows = [["Customer", "Start date", "End date"], ["A", "2020-01-01", ""], ["B", "2021-05-01", "2020-01-01"]]
    with pytest.raises(SegmenterInputError, match="comes before the start date") as error:
        parse_contracts(rows)
    assert error.value.row == 3
    with pytest.raises(SegmenterInputError, match="missing or not a date"):
        parse_contracts([["Customer", "Start date", "End date"], ["A", "soon", ""]])


def test_the_cli_writes_the_retention_sheet_of_a_contract_file(tmp_path):
    import csv
    import subprocess
    import sys

    from openpyxl import load_workbook

    from tests.conftest import PROJECT

    source = tmp_path / "contracts.csv"
    with source.open("w", newline="") as handle:
        csv.writer(handle).writerows(contract_rows())
    result = subprocess.run(
        [sys.executable, str(PROJECT / "segmenter.py"), "report", str(source), "--observation-end", "2024-12-31"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "2,000 contracts in 5 yearly cohorts (2019 to 2023)" in result.stdout
    book = load_workbook(tmp_path / "contracts-segmenter.xlsx")
    assert book.sheetnames == ["Retention"]
    sheet = book["Retention"]
    parameters = {row[1]: row[2] for row in sheet.iter_rows(values_only=True) if row[0] == "sBG"}
    expected = contract_tables(parse_contracts(contract_rows()), observation_end="2024-12-31")["retention_parameters"]
    assert parameters["alpha"] == pytest.approx(expected.set_index("parameter").loc["alpha", "value"])
    assert len(sheet._charts) == 1
