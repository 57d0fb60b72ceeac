"""segmenter's worksheet functions, as xlwings registers them (xlwings.conf: UDF Modules = udfs).

Excel shows each under its upper-case name: SEGMENT_TIER, SEGMENT_MARGIN, SEGMENT_STRATEGY,
SEGMENT_SUMMARY, SEGMENT_ISSUES, CONCENTRATION, ACCOUNTS_FOR_SHARE, HHI, GINI, NPS, NPS_BY,
NPS_GAP, CLTV, WHALE_CURVE, SEGMENT_FINDINGS, with two or more period columns SEGMENT_GROWTH, TIER_MIGRATION, and on a
transaction list RFM_SEGMENT, CUSTOMER_SUMMARY, CLTV_MODEL, CLV_RANGE; for contracts and renewals
RETENTION_FIT, RETENTION_PROJECT, BGBB_FIT; beside a survey SURVEY_MATCH, and REVENUE_BRIDGE;
SEGMENT_WHY explains another's error value.

xlwings Lite and xlwings Server upper-case the names themselves. Classic xlwings (Excel on
Windows, Import Python UDFs) declares each VBA function under ``__xlfunc__["name"]`` and calls
back ``udfs.<that name>``: the names are set to upper case below, and the module answers the
upper-case name with the function (module ``__getattr__``), so that ``dir(udfs)`` still lists
each function once and one VBA function is made for each.
"""

from udfs.growth import segment_growth, tier_migration
from udfs.measures import accounts_for_share, cltv, concentration, gini, hhi, nps, nps_by, nps_gap
from udfs.overview import segment_findings, whale_curve
from udfs.retention import bgbb_fit, clv_range, retention_fit, retention_project
from udfs.segments import segment_issues, segment_margin, segment_strategy, segment_summary, segment_tier
from udfs.transactions import cltv_model, customer_summary, rfm_segment
from udfs.why import segment_why

__all__ = [
    "segment_tier",
    "segment_margin",
    "segment_strategy",
    "segment_summary",
    "segment_issues",
    "concentration",
    "accounts_for_share",
    "hhi",
    "gini",
    "nps",
    "nps_by",
    "nps_gap",
    "cltv",
    "whale_curve",
    "segment_findings",
    "rfm_segment",
    "customer_summary",
    "cltv_model",
    "segment_growth",
    "tier_migration",
    "segment_why",
    "retention_fit",
    "retention_project",
    "bgbb_fit",
    "clv_range",
]

from udfs.survey import revenue_bridge, survey_match  # noqa: E402  the survey join and the bridge by customers

__all__ += ["survey_match", "revenue_bridge"]


def _excel_names() -> None:
    for name in __all__:
        info = getattr(globals()[name], "__xlfunc__", None)
        if info is not None and "sub" in info:  # classic xlwings' decorator (Windows)
            info["name"] = name.upper()


def __getattr__(name: str):
    if name.lower() in __all__ and name != name.lower():
        return globals()[name.lower()]
    raise AttributeError(f"module 'udfs' has no attribute {name!r}")


_excel_names()
