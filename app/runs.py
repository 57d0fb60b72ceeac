"""What both front ends add to a report and which sheets it gets: the ribbon (app/ribbon.py) and the
command line (app/cli.py) run the same report, with the same extras, onto the same sheets.
"""

from __future__ import annotations

from core.accounts import AccountTable
from core.customers.report import CustomerReport
from core.errors import SegmenterInputError
from core.report import Report
from core.transactions import TransactionTable
from writers.catalogue import CUSTOMER_SHEETS
from writers.placement import PlacedSheet, place_report


def extra_lines(report: Report) -> list[str]:
    """What the CLI says of the survey join and the call list, when the report has them."""
    lines = []
    if "survey_match" in report.tables:
        m = dict(zip(report.tables["survey_match"]["measure"], report.tables["survey_match"]["value"]))
        near = int(m["near misses listed, not joined (confirm below)"])
        lines.append(
            f"survey: {int(m['responses read']):,} responses, {int(m['responses read'] - m['responses not joined']):,} "
            f"joined to {int(m['accounts with at least one answer']):,} accounts "
            f"({m['share of revenue covered by answers']:.0%} of revenue); "
            f"{int(m['responses not joined']):,} not joined, {near:,} of them near misses to confirm (NPS sheet)"
        )
    return lines


def extend_report(report: Report, survey=None, actions: int = 50, table: AccountTable | None = None) -> Report:
    """The account report with the bridge by customers, the survey joined (``--survey``) and the call
    list (``--actions``); ``table``, the account table the report ran on, gives the bridge its orders
    and profit per period."""
    from core.actions import with_actions
    from core.bridge import with_account_bridge
    from core.survey import add_survey

    if actions < 1:
        raise SegmenterInputError(f"--actions must be a whole number of accounts of at least 1, got {actions}")
    report = with_account_bridge(report, table)
    if survey is not None:
        report = add_survey(report, survey)
    return with_actions(report, actions)


def extend_customer_report(report: CustomerReport, transactions: TransactionTable, actions: int = 50) -> CustomerReport:
    """The customer report with the year-on-year bridge by customers and the call list (``--actions``)."""
    from core.actions import with_customer_actions
    from core.bridge import with_transaction_bridge

    if actions < 1:
        raise SegmenterInputError(f"--actions must be a whole number of accounts of at least 1, got {actions}")
    return with_customer_actions(with_transaction_bridge(report, transactions), actions)


def customer_sheets(report: CustomerReport, source: str, labels: tuple[str, ...]) -> list[PlacedSheet]:
    """The Overview, the Customers, RFM, Lifetime value and Model check sheets, then the account sheets of the
    per-customer table."""
    account = place_report(report.account_report.tables, source=source, labels=labels)
    return account[:1] + place_report(report.tables, source=source, labels=labels, sheets=CUSTOMER_SHEETS) + account[1:]
