"""The sheet catalogue's names: every sheet segmenter writes, and the report tables each one shows.

One home for a sheet's name and for which sheet a report table goes on. core's findings and
Overview say "see sheet X" from here (:func:`sheet_of`); writers/catalogue.py lays these sheets out
(block titles, columns, charts, formats) under these names and in this order; the ribbon
(app/ribbon.py) knows its own sheets by these names. tests/test_sheets.py checks that every table a
report produces has a sheet here (or is listed in :data:`NOT_SHOWN`) and that the writers' catalogue
shows each table on the sheet named here.

A sheet longer than Excel's last row continues on sheets "<name> (2)", "<name> (3)" ...
(writers/placement.py), whose tables are named "<table>_2", "<table>_3" ...
"""

from __future__ import annotations

OVERVIEW = "Overview"
ACTIONS = "Accounts to call"
SEGMENTS = "Segments"
TIER_SUMMARY = "Tier summary"
CONCENTRATION = "Concentration"
NPS = "NPS"
MATRIX = "Matrix"
WATCH = "Accounts to watch"
GROWTH = "Growth"
GROWTH_PER_ACCOUNT = "Growth per account"
DATA_ISSUES = "Data issues"
CHART_DATA = "Chart data"
CUSTOMERS = "Customers"
RFM = "RFM"
LIFETIME_VALUE = "Lifetime value"
MODEL_CHECK = "Model check"
COHORTS = "Cohorts"
RETENTION = "Retention"
#: Not a result sheet: the user's settings, which the ribbon's Settings button makes and reads.
SETTINGS = "Settings"

#: An account report's sheets, in the order they are written, each with its tables in sheet order
#: (a table the report does not have is left out of its sheet; a sheet without any is not written).
ACCOUNT_SHEETS: dict[str, tuple[str, ...]] = {
    OVERVIEW: ("findings", "key_figures"),
    ACTIONS: ("actions_top", "actions"),
    SEGMENTS: ("segments",),
    TIER_SUMMARY: (
        "tier_summary",
        "profit_note",
        "tier_rule",
        "by_industry",
        "by_size",
        "by_region",
        "by_cohort",
        "by_channel",
        "channel_warning",
        "whale",
    ),
    CONCENTRATION: ("concentration", "pareto_curve"),
    NPS: (
        "nps_by_tier",
        "nps_gap_tier",
        "nps_by_size",
        "nps_gap_size",
        "survey_match",
        "survey_nps_by_tier",
        "survey_nps_by_size",
        "survey_nps_by_strategy",
        "survey_nps_by_industry",
        "survey_unmatched",
        "survey_accounts",
        "survey_issues",
    ),
    MATRIX: ("matrix", "matrix_splits", "accounts_to_watch_counts", "accounts_to_watch"),
    WATCH: ("all_accounts_to_watch",),
    GROWTH: (
        "growth_by_tier",
        "revenue_by_period",
        "tier_migration",
        "tier_migration_revenue",
        "revenue_bridge",
        "fallen_from_a",
        "growth_by_channel",
        "customer_bridge",
        "customer_bridge_by_tier",
        "customer_bridge_by_channel",
        "customer_profit_bridge",
        "customer_bridge_notes",
        "chart_customer_bridge",
    ),
    GROWTH_PER_ACCOUNT: ("growth",),
    DATA_ISSUES: ("reading", "data_issues"),
    # the tables of the Overview's charts (drawn on the Overview)
    CHART_DATA: (
        "chart_tier_share",
        "chart_whale",
        "chart_matrix",
        "chart_nps_size",
        "chart_nps_tier",
        "chart_bridge",
        "chart_rfm",
    ),
}

#: A transaction list's customer sheets, written after the account report's Overview and before
#: its other sheets (the call list comes first: it lists customers then).
CUSTOMER_SHEETS: dict[str, tuple[str, ...]] = {
    ACTIONS: ACCOUNT_SHEETS[ACTIONS],
    CUSTOMERS: ("customers",),
    RFM: ("rfm_segments", "rfm_thresholds"),
    LIFETIME_VALUE: (
        "model_figures",
        "clv_ranges",
        "unit_economics",
        "unit_economics_notes",
        "clv_parameters",
        "lifetime_value",
    ),
    MODEL_CHECK: ("model_check", "model_check_notes", "model_check_frequency", "model_check_tracking"),
    COHORTS: ("cohort_customers", "cohort_revenue", "cohort_revenue_retention"),
}

#: A contract list's sheet (core/customers/contracts.py).
RETENTION_SHEETS: dict[str, tuple[str, ...]] = {
    RETENTION: ("retention_curve", "retention_parameters", "retention_cohorts", "contract_customers"),
}

#: Tables a report carries that no sheet shows as a block, and why.
NOT_SHOWN = {
    "chart_titles": "the charts' titles (with their figures), read by the placement of each chart",
    "whale_points": "the whale curve's points, which the Overview draws from its chart table chart_whale",
}


def sheet_of(table: str) -> str:
    """The sheet that shows a report table (a continuation table "<table>_2" ... has its table's sheet).

    Examples
    --------
    >>> sheet_of("whale"), sheet_of("model_check"), sheet_of("segments_2")
    ('Tier summary', 'Model check', 'Segments')
    >>> sheet_of("headline")
    Traceback (most recent call last):
    ...
    KeyError: "no sheet shows the table 'headline'"
    """
    for catalogue in (ACCOUNT_SHEETS, CUSTOMER_SHEETS, RETENTION_SHEETS):
        for sheet, tables in catalogue.items():
            if table in tables:
                return sheet
    stem, _, number = table.rpartition("_")
    if stem and number.isdigit() and int(number) >= 2:
        return sheet_of(stem)
    raise KeyError(f"no sheet shows the table {table!r}")


def result_sheets() -> tuple[str, ...]:
    """Every result sheet's name, each once (the sheets segmenter replaces when it runs again).

    >>> result_sheets()[:3], len(result_sheets())
    (('Overview', 'Accounts to call', 'Segments'), 18)
    """
    names = [*ACCOUNT_SHEETS, *CUSTOMER_SHEETS, *RETENTION_SHEETS]
    return tuple(dict.fromkeys(names))
