"""The column vocabulary: each report column's header and number format, and the colours that mean something.

Both writers (writers/xlsx.py for files, writers/book.py for a live workbook via xlwings) and the
worksheet functions (udfs/) take a column's header and format from here (:func:`column_style`);
none decides one on its own.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

# Number formats, in Excel's own syntax (openpyxl and xlwings take the same strings). "_)" leaves
# the width of a ")" after each figure, so a right-aligned number never touches the text of the
# column to its right ("41,670currency").
FORMATS = {
    "money": "#,##0_)",
    "int": "#,##0_)",
    "pct": "0.0%_)",
    "points": "0.0_)",
    "ratio": "0.000_)",
    "date": "yyyy-mm-dd_)",
    "text": "General",
    "amount": "#,##0.00_)",
    "year": "0_)",
}

# Header text and format of the columns the engine produces; others get a readable header and
# a format guessed from their name (see column_style).
COLUMN_STYLES: dict[str, tuple[str, str]] = {
    "rank": ("Rank", "int"),
    "account": ("Account", "text"),
    "tier": ("Tier", "text"),
    "revenue": ("Revenue", "money"),
    "profit": ("Profit", "money"),
    "margin_pct": ("Margin %", "pct"),
    "strategy": ("Strategy", "text"),
    "cltv": ("Retention CLTV", "money"),
    "nps": ("NPS score", "int"),
    "nps_flag": ("NPS flag", "text"),
    "industry": ("Industry", "text"),
    "size": ("Size", "text"),
    "region": ("Region", "text"),
    "cohort": ("Cohort (first-purchase year)", "year"),
    "first_purchase": ("First purchase", "date"),
    "note": ("Note", "text"),
    "sheet_row": ("Sheet row", "int"),
    "accounts": ("Accounts", "int"),
    "account_share": ("Share of accounts", "pct"),
    "revenue_share": ("Share of revenue", "pct"),
    "profit_share": ("Share of profit", "pct"),
    "avg_revenue": ("Average revenue", "money"),
    "avg_cltv": ("Average retention CLTV", "money"),
    "lowest_revenue": ("Lowest revenue", "money"),
    "highest_revenue": ("Highest revenue", "money"),
    "respondents": ("Respondents", "int"),
    "promoters": ("Promoters (9-10)", "int"),
    "passives": ("Passives (7-8)", "int"),
    "detractors": ("Detractors (0-6)", "int"),
    "promoter_share": ("% promoters", "pct"),
    "detractor_share": ("% detractors", "pct"),
    "margin_of_error": ("+/- points (95 %)", "points"),
    "gap": ("Gap (points)", "int"),
    "column": ("Column", "text"),
    "value": ("Value", "text"),
    "action": ("Action", "text"),
    "reason": ("Reason", "text"),
    "measure": ("Measure", "text"),
    "unit": ("Unit", "text"),
    "revenue_band": ("Revenue band", "text"),
    "margin_band": ("Margin band", "text"),
    "group_a": ("Lowest NPS", "text"),
    "group_b": ("Highest NPS", "text"),
    "nps_a": ("NPS of the lowest", "int"),
    "nps_b": ("NPS of the highest", "int"),
    "significant": ("Beyond the +/-", "text"),
    "high_group": ("Highest NPS", "text"),
    "low_group": ("Lowest NPS", "text"),
    "warning": ("Warning", "text"),
    "cost_to_serve": ("Cost to serve", "money"),
    "net_profit": ("Net profit (after cost to serve)", "money"),
    "net_margin_pct": ("Net margin %", "pct"),
    "channel": ("Channel", "text"),
    "period": ("Period", "text"),
    "tier_before": ("Tier before", "text"),
    "tier_now": ("Tier now", "text"),
    "from_tier": ("From tier", "text"),
    "revenue_change": ("Change in revenue", "money"),
    "revenue_change_pct": ("Change %", "pct"),
    "cagr": ("CAGR", "pct"),
    "share_of_growth": ("Share of growth", "pct"),
    "growth": ("Growth", "text"),
    "growth_note": ("Growth note", "text"),
    "growing": ("Growing", "int"),
    "stable": ("Stable", "int"),
    "declining": ("Declining", "int"),
    "new": ("New", "int"),
    "lost": ("Lost", "int"),
    "split": ("Split", "text"),
    "source": ("Source", "text"),
    "method": ("Method", "text"),
    "rule": ("Rule", "text"),
    "account_share_cum": ("Share of accounts (top first)", "pct"),
    "revenue_share_cum": ("Cumulative share of revenue", "pct"),
    # customers from transactions (core/customer_report.py); times are in weeks, the unit every Excel
    # path (ribbon, CLI, worksheet functions) runs the customer report in
    "last_purchase": ("Last purchase", "date"),
    "purchases": ("Purchases", "int"),
    "repeat_purchases": ("Repeat purchases", "int"),
    "frequency": ("Repeat purchase days (x)", "int"),
    "recency": ("Weeks first to last purchase (t_x)", "points"),
    "T": ("Weeks since first purchase (T)", "points"),
    "time_since_last": ("Weeks since last purchase", "points"),
    "total_spend": ("Total spend", "money"),
    "avg_spend": ("Average spend per purchase", "amount"),
    "avg_repeat_spend": ("Average repeat spend", "amount"),
    "total_profit": ("Total profit", "money"),
    "avg_margin_pct": ("Margin %", "pct"),
    "total_quantity": ("Quantity", "int"),
    "R": ("R score", "int"),
    "F": ("F score", "int"),
    "M": ("M score", "int"),
    "RFM": ("RFM", "text"),
    "segment": ("RFM segment", "text"),
    "customers": ("Customers", "int"),
    "customer_share": ("Share of customers", "pct"),
    "model_clv": ("Model CLV", "money"),
    "metric": ("Metric", "text"),
    "score": ("Score", "int"),
    "lower": ("Above", "amount"),
    "upper": ("Up to and including", "amount"),
    "probability_alive": ("P(alive)", "pct"),
    "expected_purchases": ("Expected purchases", "ratio"),
    "expected_avg_spend": ("Expected spend per purchase", "amount"),
    "expected_revenue": ("Expected revenue", "money"),
    "model": ("Model", "text"),
    "parameter": ("Parameter", "text"),
    "meaning": ("Meaning", "text"),
    "listed": ("Listed on this sheet (largest revenue)", "int"),
    "not_listed": ("Not listed here: see the sheet Accounts to watch", "int"),
    "standard_error": ("Standard error", "ratio"),
    "historical_clv": ("Historical lifetime value", "money"),
    "model_note": ("Model note", "text"),
    "active_periods": ("Periods with purchases", "int"),
    "margin_per_period": ("Margin per period", "amount"),
    "expected_periods": ("Expected periods", "ratio"),
    # the Model check sheet (core/customers/validation.py)
    "status": ("Status", "text"),
    "log_likelihood": ("Log-likelihood (calibration)", "points"),
    "actual": ("Actual repeat purchases (holdout)", "int"),
    "predicted": ("Predicted repeat purchases (holdout)", "points"),
    "total_error_pct": ("Error in total", "pct"),
    "frequency_error_pct": ("Error by calibration purchases", "pct"),
    "tracking_error_pct": ("Cumulative error at the end", "pct"),
    "chosen": ("Best on holdout", "text"),
    "calibration_purchases": ("Repeat purchases in calibration", "text"),
    "actual_mean": ("Actual, mean per customer", "ratio"),
    "bgnbd_mean": ("BG/NBD", "ratio"),
    "mbgnbd_mean": ("MBG/NBD", "ratio"),
    "pareto_nbd_mean": ("Pareto/NBD", "ratio"),
    "period_end": ("Period end", "date"),
    "holdout": ("Holdout period", "text"),
    "actual_cumulative": ("Actual", "points"),
    "bgnbd_cumulative": ("BG/NBD", "points"),
    "mbgnbd_cumulative": ("MBG/NBD", "points"),
    "pareto_nbd_cumulative": ("Pareto/NBD", "points"),
    "topic": ("Topic", "text"),
    # the Overview and the tables its charts draw (core/overview.py)
    "finding": ("Finding", "text"),
    "sheet": ("Detail on sheet", "text"),
    "step": ("Step", "text"),
    "group": ("Group", "text"),
    "revenue_split_line": ("Revenue split", "pct"),
    "margin_split_line": ("Margin split", "pct"),
    "Protect": ("Protect", "pct"),
    "Fix margin": ("Fix margin", "pct"),
    "Grow": ("Grow", "pct"),
    "Migrate": ("Migrate", "pct"),
    "whale_curve": ("Cumulative share of profit", "pct"),
    "whale_peak": ("Peak", "pct"),
    "full_profit": ("100 % of profit", "pct"),
    "base": ("Base (not drawn)", "money"),
    "increase": ("Increase", "money"),
    "decrease": ("Decrease", "money"),
    "total": ("Period total", "money"),
    # the models' 80 % ranges (core/customers/intervals.py, core/customers/outlook.py)
    "p10": ("P10 (80 % range from)", "money"),
    "p90": ("P90 (80 % range to)", "money"),
    "grouping": ("Grouping", "text"),
    "expected_purchases_p10": ("Expected purchases, P10", "ratio"),
    "expected_purchases_p50": ("Expected purchases, P50", "ratio"),
    "expected_purchases_p90": ("Expected purchases, P90", "ratio"),
    "model_clv_p10": ("Model CLV, P10", "money"),
    "model_clv_p50": ("Model CLV, P50", "money"),
    "model_clv_p90": ("Model CLV, P90", "money"),
    # profit CLV and unit economics (core/customers/profit_clv.py, core/unit_economics.py)
    "revenue_clv": ("Revenue CLV", "money"),
    "cost_to_serve_per_purchase": ("Cost to serve per purchase", "amount"),
    "profit_clv": ("Profit CLV after cost to serve", "money"),
    "profit_clv_p10": ("Profit CLV after cost to serve, P10", "money"),
    "profit_clv_p50": ("Profit CLV after cost to serve, P50", "money"),
    "profit_clv_p90": ("Profit CLV after cost to serve, P90", "money"),
    "cac_per_customer": ("Acquisition cost per customer (CAC)", "amount"),
    "ltv_per_customer": ("Lifetime value per customer", "amount"),
    "ltv_to_cac": ("LTV:CAC", "ratio"),
    "months_to_pay_back": ("Months to pay back", "points"),
    "value_basis": ("Value in", "text"),
    "predicted_p10": ("Predicted, P10 (80 % range)", "points"),
    "predicted_p90": ("Predicted, P90 (80 % range)", "points"),
}
# the Retention sheet of a contract list (core/customers/contracts.py)
COLUMN_STYLES.update(
    {
        "actual_share": ("Still active, actual (share of starters)", "pct"),
        "fitted_share": ("Still active, sBG fit and projection", "pct"),
        "projected": ("Projected (beyond the data)", "text"),
        "start": ("Start", "date"),
        "end": ("End", "date"),
        "active": ("Active", "text"),
        "renewals": ("Years renewed", "int"),
        "start_year": ("Cohort: start year", "text"),
        "derl": ("DERL: expected years of payments still to come, discounted", "ratio"),
    }
)
# the cohort triangles (core/customers/cohorts.py): one column per period since the first purchase
COLUMN_STYLES["started"] = ("Cohort: first purchase in", "text")
COLUMN_STYLES.update(
    {
        f"{name}_{k}": (f"+{k}", kind)
        for k in range(61)
        for name, kind in (("period", "pct"), ("revenue", "money"), ("retention", "pct"))
    }
)

# A value column whose format follows the row's unit (the concentration measures).
UNIT_FORMATS = {"share": "pct", "points": "int", "accounts": "int", "currency": "money", "ratio": "ratio"}

# Colours of chart series that mean something (the rest take the chart's palette).
SERIES_COLOURS = {
    "Protect": "#2E7D32",
    "Fix margin": "#C62828",
    "Grow": "#1565C0",
    "Migrate": "#9E9E9E",
    "revenue_split_line": "#595959",
    "margin_split_line": "#595959",
    "full_profit": "#7F7F7F",
    "whale_curve": "#1F4E78",
    "whale_peak": "#C62828",
    "increase": "#70AD47",
    "decrease": "#C00000",
    "total": "#1F4E78",
    "revenue_share": "#1F4E78",
    "profit_share": "#70AD47",
    "nps": "#1F4E78",
    "customers": "#1F4E78",
}
# Colour used for meaning: data bars on revenue, red for a negative margin.
DATA_BAR_COLOUR = "#8EB4E3"
NEGATIVE_COLOUR = "#C00000"
NEGATIVE_RED_COLUMNS = ("margin_pct", "net_margin_pct")
# A row whose first cell says this is a total row (bold).
TOTAL_LABELS = ("Total", "change")
TIER_COLOURS = ("#C6EFCE", "#DDEBF7", "#FFEB9C", "#E7E6E6", "#F8CBAD", "#D9D2E9")
HEADER_COLOUR = "#1F4E78"


def column_style(name: str, dtype: Any = None) -> tuple[str, str]:
    """(header, format kind) of a column: the known style, else one guessed from its name, and a
    date format for a column of dates (``dtype`` datetime64) that no name tells, such as a date
    column of the user's list carried onto Segments (otherwise its cells show Excel's day numbers).

    >>> column_style("Created (UTC)"), column_style("Created (UTC)", "datetime64[ns]")
    (('Created (UTC)', 'general'), ('Created (UTC)', 'date'))
    """
    if name in COLUMN_STYLES:
        return COLUMN_STYLES[name]
    lowered = name.lower()
    header = name.replace("_", " ").strip()
    header = header[:1].upper() + header[1:]
    if lowered.endswith(("_share", "_pct")) or lowered.startswith("share"):
        return header, "pct"
    if any(word in lowered for word in ("revenue", "profit", "cltv", "spend")):
        return header, "money"
    if lowered.startswith("nps") or lowered.endswith(("gap", "_points")):
        return header, "points"
    if dtype is not None and pd.api.types.is_datetime64_any_dtype(dtype):
        return header, "date"
    return header, "general"


# The survey beside the list, the revenue bridge by customers and the call list (core/survey.py,
# core/bridge.py, core/actions.py): their blocks join the sheets above, each only when its table exists.
COLUMN_STYLES.update(
    {
        "survey_company": ("Company in the survey", "text"),
        "survey_account_id": ("Account id in the survey", "text"),
        "best_candidate": ("Most similar account", "text"),
        "candidate_account": ("Its account (to type in the survey)", "text"),
        "similarity": ("Similarity (0-1)", "ratio"),
        "what_to_do": ("What to do", "text"),
        "customers_before": ("Customers before", "int"),
        "customers_after": ("Customers after", "int"),
        "orders_before": ("Orders before", "int"),
        "orders_after": ("Orders after", "int"),
        "order_value_before": ("Average order value before", "amount"),
        "order_value_after": ("Average order value after", "amount"),
        "amount": ("Amount", "amount"),
        "new_customers": ("New customers", "money"),
        "lost_customers": ("Lost customers", "money"),
        "returning_customers": ("Returning customers", "money"),
        "orders_effect": ("Returning: number of orders", "money"),
        "order_value_effect": ("Returning: average order value", "money"),
        "other_change": ("Other (credit notes only)", "money"),
        "priority": ("Priority", "int"),
        "money_at_stake": ("Money at stake", "money"),
        "figure": ("The figure", "text"),
        "detail_sheet": ("Detail on sheet", "text"),
        "expected_next_order": ("Expected next order", "date"),
        "days_overdue": ("Days overdue", "int"),
    }
)

UNIT_FORMATS.update({"responses": "int", "customers": "int", "orders": "int", "purchases": "int"})
