"""The printed CLI summary reads as English: one account, an undefined margin, no repeated line."""

from __future__ import annotations

import dataclasses

import numpy as np

from app.cli import headline_lines
from core.accounts import parse_accounts
from core.report import run_report


def test_one_account_making_80_percent_is_singular_and_not_repeated():
    report = run_report(parse_accounts([["Account", "Revenue"], ["Big", 900.0], ["Small", 100.0]]))
    lines = headline_lines(report)
    assert "1 account makes 80%" in lines[1]
    assert not any("make 80 % of revenue" in line or "makes 80 % of revenue" in line for line in lines)


def test_an_undefined_nps_margin_is_said_not_printed_as_nan():
    rows = [["Account", "Revenue", "NPS", "Size"]] + [
        [f"a{i}", 100.0 + i, 10 if i % 2 else 0, "S" if i < 40 else "L"] for i in range(80)
    ]
    report = run_report(parse_accounts(rows))
    gap = dataclasses.replace(report.headline["nps_gaps"]["size"], margin_of_error=np.nan)
    report.headline["nps_gaps"]["size"] = gap
    line = next(line for line in headline_lines(report) if line.startswith("NPS by size"))
    assert "nan" not in line and "margin of error undefined" in line
