"""Report settings: one frozen dataclass, its defaults, and the one parser of user text.

The Settings sheet, the CLI flags and the worksheet functions' optional arguments all
arrive as text or numbers; :func:`config_from_mapping` is the single place that reads
them, so a bad value gives the same message everywhere.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

import numpy as np

from core.cells import to_numbers
from core.dates import DATE_ORDERS, date_format_setting
from core.errors import SegmenterInputError

TIER_METHODS = ("pareto", "rank", "threshold", "computed")
MEDIAN = "median"  # a matrix split at the median of the accounts
#: Purchase models of a transaction list's model CLV; ``auto`` lets the holdout check choose.
CUSTOMER_MODELS = ("auto", "bgnbd", "mbgnbd", "pareto_nbd")


@dataclass(frozen=True)
class ReportConfig:
    """Everything a report run can be told; the defaults are the documented defaults.

    Attributes
    ----------
    tier_method:
        ``pareto`` (cumulative revenue share), ``rank`` (share of accounts),
        ``threshold`` (absolute revenue bounds) or ``computed`` (Ultsch & Loetsch ABC).
    cutoffs:
        Tier bounds, descending tiers A|B then B|C. For ``pareto`` cumulative revenue
        shares (0.80, 0.95); for ``rank`` cumulative account shares (0.20, 0.50); for
        ``threshold`` revenue amounts in the data's currency, largest first. ``None``
        means the method's default; ``computed`` takes none.
    labels:
        Tier names, one per tier plus the last for zero, negative or missing revenue.
    revenue_split, margin_split:
        The revenue amount and margin % (as a fraction, 0.25 = 25 %) that split the
        revenue x margin matrix, or ``"median"`` (the median of the accounts). ``None``, the
        default, means what a finance team reads as high: high revenue = tier A (the split is
        the lowest revenue in the top tier), high margin = at or above the portfolio's margin
        (total profit / total revenue of the accounts in the matrix).
    retention, discount:
        Annual retention rate and discount rate for CLTV (fractions per year).
    top_share:
        The share of accounts whose revenue share the summary quotes (0.20 = top 20 %).
    concentration_share:
        The revenue share for "how many accounts make x % of revenue" (0.80).
    large_account_share:
        One account above this share of revenue is flagged as a concentration risk.
    hhi_moderate, hhi_high:
        HHI bands in points (0-10,000): above ``hhi_high`` is highly concentrated,
        from ``hhi_moderate`` to ``hhi_high`` moderately (2023 US merger guidelines: 1,800;
        1,000 is the customary moderate bound).
    min_respondents:
        Fewer NPS respondents than this in a group gives a "too few to compare" warning.
    growth_band:
        Change between the last two periods within +/- this fraction counts as stable
        (0.05: from -5 % to +5 % inclusive); above is growing, below declining.
    date_format:
        Day/month order of dates typed as text with slashes or dots: ``auto`` (each column
        shows its order by a day above 12), ``DMY``, ``MDY`` or ``YMD``; see :mod:`core.dates`.
    customer_model:
        Purchase model of a transaction list's model CLV: ``auto`` (the best on the holdout
        check, see :mod:`core.customers.validation`), ``bgnbd``, ``mbgnbd`` or ``pareto_nbd``.
    alive_level:
        Transaction lists' call list (:mod:`core.actions`): a tier A or B customer whose P(alive)
        is below this share is probably slipping (0.5 = 50 %).
    cac:
        Transaction lists: acquisition cost per customer, ``(channel, amount)`` or ``(cohort,
        amount)`` pairs (``*`` for every customer or the rest; a cohort is a year, quarter or
        month of the first purchase: ``2024``, ``2024Q1``, ``2024-03``), read by
        :func:`core.unit_economics.parse_cac`; ``None``: no unit economics unless the list has an
        acquisition-cost column.
    """

    tier_method: str = "pareto"
    cutoffs: tuple[float, ...] | None = None
    labels: tuple[str, ...] = ("A", "B", "C", "D")
    revenue_split: float | str | None = None
    margin_split: float | str | None = None
    retention: float = 0.80
    discount: float = 0.10
    top_share: float = 0.20
    concentration_share: float = 0.80
    large_account_share: float = 0.10
    hhi_moderate: float = 1000.0
    hhi_high: float = 1800.0
    min_respondents: int = 30
    growth_band: float = 0.05
    date_format: str = "auto"
    customer_model: str = "auto"
    alive_level: float = 0.5
    cac: tuple[tuple[str, float], ...] | None = None

    def __post_init__(self) -> None:
        _validate(self)

    def with_changes(self, **changes: Any) -> ReportConfig:
        """A copy with some settings changed (validated again)."""
        return replace(self, **changes)


DEFAULT_CUTOFFS = {"pareto": (0.80, 0.95), "rank": (0.20, 0.50)}

# What each setting means, shown beside it on the Settings sheet and in --help.
SETTING_HELP = {
    "tier_method": "pareto, rank, threshold or computed",
    "cutoffs": "tier bounds, e.g. 0.8, 0.95 (pareto), 0.2, 0.5 (rank), 1000000, 100000 (threshold); blank = default",
    "labels": "tier names incl. the last for zero/negative/missing revenue, e.g. A, B, C, D",
    "revenue_split": "matrix revenue split (amount) or median; blank = the lowest revenue in tier A",
    "margin_split": "matrix margin % split, e.g. 25% or 0.25, or median; blank = the portfolio's margin",
    "retention": "annual retention rate for CLTV, e.g. 80%",
    "discount": "annual discount rate for CLTV, e.g. 10%",
    "top_share": "share of accounts quoted in the summary, e.g. 20%",
    "concentration_share": "revenue share for 'accounts that make x % of revenue', e.g. 80%",
    "large_account_share": "flag one account above this share of revenue, e.g. 10%",
    "hhi_moderate": "HHI points from which concentration is moderate (1,000)",
    "hhi_high": "HHI points above which concentration is high (1,800)",
    "min_respondents": "fewest NPS respondents for a group to be compared",
    "growth_band": "change between the last two periods counted as stable, +/- e.g. 5%",
    "date_format": "order of dates typed as text: auto (shown by a day above 12), DMY, MDY or YMD",
    "customer_model": "transaction lists: auto (best on the holdout check), bgnbd, mbgnbd or pareto_nbd",
    "alive_level": "transaction lists: a tier A/B customer with P(alive) below this is on the call list, e.g. 50%",
    "cac": "transaction lists: acquisition cost per customer, e.g. 120, per channel: Web=80, Retail=150, "
    "or per first-purchase cohort: 2023=90, 2024-Q1=110",
}

#: Settings in a unit other than a share, where "10%" would be read as 0.1 of that unit.
_AMOUNTS = {
    "revenue_split": "an amount in the data's currency",
    "hhi_moderate": "HHI points (0-10,000)",
    "hhi_high": "HHI points (0-10,000)",
}
_FRACTIONS = (
    "retention",
    "discount",
    "top_share",
    "concentration_share",
    "large_account_share",
    "growth_band",
    "alive_level",
)


def _validate(config: ReportConfig) -> None:
    if config.customer_model not in CUSTOMER_MODELS:
        raise SegmenterInputError(
            f"unknown customer model {config.customer_model!r}; use one of {', '.join(CUSTOMER_MODELS)}",
            column="customer_model",
        )
    if config.tier_method not in TIER_METHODS:
        raise SegmenterInputError(
            f"unknown tier method {config.tier_method!r}; use one of {', '.join(TIER_METHODS)}",
            column="tier_method",
        )
    if config.date_format not in DATE_ORDERS:
        raise SegmenterInputError(
            f"unknown date format {config.date_format!r}; use {', '.join(DATE_ORDERS)}", column="date_format"
        )
    if config.tier_method == "threshold" and not config.cutoffs:
        raise SegmenterInputError("the threshold method needs revenue bounds, e.g. 1000000, 100000", column="cutoffs")
    if config.cutoffs is not None:
        if config.tier_method == "computed":
            raise SegmenterInputError(
                "the computed method finds its own cutoffs; leave cutoffs blank", column="cutoffs"
            )
        if any(not math.isfinite(c) for c in config.cutoffs):
            raise SegmenterInputError("cutoffs must be numbers", column="cutoffs")
        if config.tier_method == "threshold":
            if any(b >= a for a, b in zip(config.cutoffs, config.cutoffs[1:])):
                raise SegmenterInputError("revenue bounds must be strictly decreasing, largest first", column="cutoffs")
        else:
            if any(not 0 < c < 1 for c in config.cutoffs):
                raise SegmenterInputError("share cutoffs must lie between 0 and 1 (e.g. 0.8, 0.95)", column="cutoffs")
            if any(b <= a for a, b in zip(config.cutoffs, config.cutoffs[1:])):
                raise SegmenterInputError("share cutoffs must be strictly increasing, e.g. 0.8, 0.95", column="cutoffs")
    n_tiers = 3 if config.tier_method == "computed" else len(effective_cutoffs(config)) + 1
    if len(config.labels) != n_tiers + 1:
        raise SegmenterInputError(
            f"{n_tiers + 1} tier labels needed ({n_tiers} tiers and one for zero/negative/missing revenue), "
            f"got {len(config.labels)}",
            column="labels",
        )
    if len(set(config.labels)) != len(config.labels) or any(not str(label).strip() for label in config.labels):
        raise SegmenterInputError("tier labels must be distinct and not blank", column="labels")
    for name in _FRACTIONS:
        value = getattr(config, name)
        if not math.isfinite(value) or not 0 <= value <= 1:
            raise SegmenterInputError(share_message(value, "0 %"), column=name)
    for name in ("revenue_split", "margin_split"):
        value = getattr(config, name)
        if value is not None and value != MEDIAN and (isinstance(value, str) or not math.isfinite(value)):
            raise SegmenterInputError(
                "must be a number, median, or blank (tier A / the portfolio's margin)", column=name
            )
    if config.margin_split not in (None, MEDIAN) and not -1 <= config.margin_split <= 1:
        raise SegmenterInputError(share_message(config.margin_split, "-100 %"), column="margin_split")
    if config.retention >= 1 + config.discount:
        raise SegmenterInputError("retention must be below 1 + discount for CLTV to be finite", column="retention")
    if config.top_share == 0 or config.concentration_share == 0:
        raise SegmenterInputError("top_share and concentration_share must be above 0 %", column="top_share")
    if not 0 <= config.hhi_moderate <= config.hhi_high <= 10000:
        raise SegmenterInputError("HHI bands must satisfy 0 <= moderate <= high <= 10,000", column="hhi_high")
    if config.min_respondents < 1:
        raise SegmenterInputError("min_respondents must be at least 1", column="min_respondents")


def share_message(value: float, low: str) -> str:
    """The one message for a share out of range, whichever setting it is.

    A share is typed as ``25%`` or ``0.25`` (the same); a plain ``25`` would be 2,500 % and is
    refused rather than guessed.

    Examples
    --------
    >>> share_message(25.0, "0 %")
    'must be a share between 0 % and 100 %, typed as 25% or 0.25; got 25 (for 25 % type 25%)'
    """
    shown = f"{value:g}"
    hint = f" (for {shown} % type {shown}%)" if math.isfinite(value) and 1 < abs(value) <= 100 else ""
    return f"must be a share between {low} and 100 %, typed as 25% or 0.25; got {shown}{hint}"


def effective_cutoffs(config: ReportConfig) -> tuple[float, ...]:
    """The cutoffs a run uses: the user's, else the method's default (none for computed)."""
    if config.cutoffs is not None:
        return tuple(config.cutoffs)
    return DEFAULT_CUTOFFS.get(config.tier_method, ())


def parse_number(text: Any, name: str) -> float:
    """One setting value as a float: numbers as they are, text like '80%', '1,000,000', '0.8'.

    Read by the rules of a number cell (:func:`core.cells.to_numbers`, percentages allowed),
    so a setting and a cell never disagree: a trailing % divides by 100 ('25%' and '0.25' are
    the same share), '1.234,5' is 1234.5, and text that could be read two ways ('0,8': 0.8
    with a decimal comma, 8 with a thousands comma) or is not a finite number ('inf', 'n/a')
    raises :class:`SegmenterInputError` with the cell's reason.

    Examples
    --------
    >>> parse_number("25%", "margin_split"), parse_number("0.25", "margin_split"), parse_number("1,000,000", "x")
    (0.25, 0.25, 1000000.0)
    >>> parse_number("0,8", "retention")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    core.errors.SegmenterInputError: retention: expected a number, got '0,8': '0,8' looks like a decimal comma ...
    """
    if isinstance(text, str):
        text = text.strip()
    parsed = to_numbers(
        np.array([text], dtype=object), column=name, sheet_rows=np.zeros(1, dtype=np.int64), percent_ok=True
    )
    number = float(parsed.values[0])
    if math.isnan(number):
        reason = parsed.issues["reason"].iloc[0] if len(parsed.issues) else ""
        why = f": {reason}" if reason and not reason.endswith("is not a number") else ""
        raise SegmenterInputError(f"expected a number, got {text!r}{why}", column=name)
    return number


def _parse_list(value: Any, name: str) -> tuple[float, ...]:
    if isinstance(value, (list, tuple)):
        items = list(value)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        items = [value]
    else:
        items = [p for p in str(value).replace(";", " ").split() if p]
        # "0.8, 0.95" and "0.8 0.95" both work; a comma inside a number ("1,000,000") does not split
        items = [
            p
            for chunk in items
            for p in ([chunk.rstrip(",")] if _is_number_with_thousands(chunk) else chunk.split(","))
        ]
    return tuple(parse_number(item, name) for item in items if str(item).strip() != "")


def _is_number_with_thousands(chunk: str) -> bool:
    parts = chunk.strip().rstrip(",").split(",")
    return len(parts) > 1 and parts[0].lstrip("-").isdigit() and all(len(p) == 3 and p.isdigit() for p in parts[1:])


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or str(value).strip() == ""


def config_from_mapping(values: Mapping[str, Any], base: ReportConfig | None = None) -> ReportConfig:
    """Build a config from user values (Settings sheet, CLI flags, UDF arguments).

    Keys are setting names (case- and space-insensitive, "tier method" = "tier_method");
    blank values keep the default. Unknown keys raise, so a typo is not silently ignored.

    Examples
    --------
    >>> config_from_mapping({"Tier method": "rank", "retention": "85%"}).retention
    0.85
    """
    base = base or ReportConfig()
    known = {f.name: f for f in fields(ReportConfig)}
    changes: dict[str, Any] = {}
    for key, value in values.items():
        name = str(key).strip().lower().replace(" ", "_").replace("-", "_")
        if name not in known:
            raise SegmenterInputError(f"unknown setting {key!r}; known: {', '.join(known)}", column=str(key))
        if _blank(value):
            continue
        if name == "tier_method":
            changes[name] = str(value).strip().lower()
        elif name == "date_format":
            changes[name] = date_format_setting(value)
        elif name == "customer_model":
            # "Pareto/NBD", "pareto-nbd" and "pareto_nbd" all name one model
            compact = "".join(ch for ch in str(value).lower() if ch.isalnum())
            changes[name] = {key.replace("_", ""): key for key in CUSTOMER_MODELS}.get(compact, str(value).strip())
        elif name == "cutoffs":
            changes[name] = _parse_list(value, name)
        elif name == "labels":
            items = value if isinstance(value, (list, tuple)) else str(value).replace(";", ",").split(",")
            changes[name] = tuple(str(item).strip() for item in items)
        elif name in ("revenue_split", "margin_split") and str(value).strip().lower() == MEDIAN:
            changes[name] = MEDIAN
        elif name == "cac":
            from core.unit_economics import parse_cac  # imports this module's parse_number

            changes[name] = parse_cac(value)
        elif name == "min_respondents":
            number = parse_number(value, name)
            if number != int(number):
                raise SegmenterInputError(f"expected a whole number, got {value!r}", column=name)
            changes[name] = int(number)
        else:
            if name in _AMOUNTS and str(value).strip().endswith("%"):
                raise SegmenterInputError(f"takes {_AMOUNTS[name]}, not a %: got {value!r}", column=name)
            changes[name] = parse_number(value, name)
    if "tier_method" in changes and "cutoffs" not in changes and changes["tier_method"] != base.tier_method:
        changes["cutoffs"] = None
    return replace(base, **changes)


def config_to_rows(config: ReportConfig) -> list[tuple[str, Any, str]]:
    """(setting, value as the Settings sheet shows it, help) rows, in a stable order."""
    rows = []
    for f in fields(ReportConfig):
        value = getattr(config, f.name)
        if f.name == "cac":
            from core.unit_economics import cac_text

            value = cac_text(value)
        elif isinstance(value, tuple):
            value = ", ".join(str(v) for v in value)
        elif value is None:
            value = ""
        rows.append((f.name, value, SETTING_HELP[f.name]))
    return rows


#: Settings rows about reading the list rather than the report: which column is which, and
#: whether rows hidden by a filter are read (the CLI's --column and --visible-only).
INTAKE_SETTINGS_HELP = {
    "column revenue": "the header of the revenue column, when segmenter's choice is not yours "
    '(any role: column account, column profit, column nps...; CLI --column revenue="Header")',
    "visible only": "yes: rows hidden by a filter are not read (CLI --visible-only)",
}


def intake_settings(values: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str], bool]:
    """(the other settings, role -> header of the ``column <role>`` rows, visible only).

    Examples
    --------
    >>> intake_settings({"Column revenue": "Amount (Base)", "Visible only": "yes", "retention": "80%"})
    ({'retention': '80%'}, {'revenue': 'Amount (Base)'}, True)
    """
    rest: dict[str, Any] = {}
    columns: dict[str, str] = {}
    visible = False
    for key, value in values.items():
        name = str(key).strip().lower().replace("_", " ").replace("-", " ")
        if name.startswith("column ") and name != "column":
            if not _blank(value):
                columns[name[len("column ") :].strip()] = str(value).strip()
        elif name == "visible only":
            visible = not _blank(value) and str(value).strip().lower() in (
                "yes",
                "true",
                "1",
                "y",
                "ja",
                "oui",
                "si",
                "sí",
            )
        else:
            rest[key] = value
    return rest, columns, visible
