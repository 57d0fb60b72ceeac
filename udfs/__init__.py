"""segmenter's worksheet functions, as xlwings registers them (xlwings.conf: UDF Modules = udfs).

Excel shows each under its upper-case name: SEGMENT_TIER, SEGMENT_MARGIN, SEGMENT_STRATEGY,
SEGMENT_SUMMARY, SEGMENT_ISSUES, CONCENTRATION, ACCOUNTS_FOR_SHARE, HHI, GINI, NPS, NPS_BY,
NPS_GAP, CLTV, WHALE_CURVE, SEGMENT_FINDINGS, with two or more period columns SEGMENT_GROWTH, TIER_MIGRATION, and on a
transaction list RFM_SEGMENT, CUSTOMER_SUMMARY, CLTV_MODEL.
"""
from udfs.growth import segment_growth, tier_migration
from udfs.overview import segment_findings, whale_curve
from udfs.measures import accounts_for_share, cltv, concentration, gini, hhi, nps, nps_by, nps_gap
from udfs.segments import segment_issues, segment_margin, segment_strategy, segment_summary, segment_tier
from udfs.transactions import cltv_model, customer_summary, rfm_segment

__all__ = [
    "segment_tier", "segment_margin", "segment_strategy", "segment_summary", "segment_issues",
    "concentration", "accounts_for_share", "hhi", "gini", "nps", "nps_by", "nps_gap", "cltv",
    "whale_curve", "segment_findings", "rfm_segment", "customer_summary", "cltv_model", "segment_growth", "tier_migration",
]
