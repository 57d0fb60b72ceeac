"""core.channels and the report's summaries by channel, with the warning against mixing kinds."""

from __future__ import annotations

from core.accounts import parse_accounts
from core.channels import channel_kinds, channel_mix_warning
from core.report import run_report


def test_channel_kinds_read_the_usual_words():
    kinds = channel_kinds(
        ["Reseller", "VAR", "Distribution", "Direct", "End user", "Indirect", "Online shop", "Key accounts", None]
    )
    assert kinds.tolist() == [
        "intermediary",
        "intermediary",
        "intermediary",
        "end user",
        "end user",
        "intermediary",
        "end user",
        "other",
        "other",
    ]


def test_the_warning_quotes_each_kind_with_its_accounts_and_revenue_share():
    # resellers 600 + 100 = 700 of 1,000 positive revenue (the credit note -50 counts as 0): 70 %
    warning = channel_mix_warning(["Reseller", "Distributor", "Direct", "Direct"], [600.0, 100.0, 300.0, -50.0])
    assert warning.startswith(
        "The channel column mixes intermediaries (Distributor, Reseller: 2 accounts, 70% of "
        "revenue) and end users (Direct: 2 accounts, 30% of revenue)"
    )


def test_no_warning_for_one_kind_only():
    assert channel_mix_warning(["Reseller", "Partner", None], [1.0, 2.0, 3.0]) == ""
    assert channel_mix_warning(["Direct", "Field sales"], [1.0, 2.0]) == ""


def test_report_summarises_by_channel_and_flags_the_mix():
    rows = [
        ["Account", "Revenue", "Profit", "Channel"],
        ["A", 600.0, 60.0, "Reseller"],
        ["B", 300.0, 90.0, "Direct"],
        ["C", 100.0, 10.0, "Direct"],
    ]
    report = run_report(parse_accounts(rows))
    by_channel = report.tables["by_channel"].set_index("channel")
    assert by_channel.loc["Direct", ["accounts", "revenue", "profit"]].tolist() == [2, 400.0, 100.0]
    assert by_channel.loc["Direct", "margin_pct"] == 0.25  # 100 / 400
    warning = report.tables["channel_warning"]["warning"].tolist()
    assert len(warning) == 1 and warning[0] in report.headline["flags"]


def test_report_without_a_mix_has_no_warning_table():
    rows = [["Account", "Revenue", "Channel"], ["A", 600.0, "Direct"], ["B", 300.0, "Online"]]
    report = run_report(parse_accounts(rows))
    assert "by_channel" in report.tables and "channel_warning" not in report.tables
