"""RFM scores (recency, frequency, monetary, 1-5 each) and named customer segments.

Scores come from quantile bins by default or from the user's cut points; the cut points used
are returned as a table, and tied values never split across scores.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.errors import SegmenterInputError

#: Score letter -> summary column scored, and whether a larger value earns a higher score.
METRICS = {
    "R": ("time_since_last", False),
    "F": ("purchases", True),
    "M": ("total_spend", True),
}

#: Segments on the R score (rows) and FM = ceil((F + M) / 2) (columns), both 1-5. Every
#: (R, FM) pair is in exactly one segment, so every (R, F, M) combination gets exactly one.
SEGMENT_RULES = (
    ("Champions", (4, 5), (4, 5), "bought recently, often and for a lot"),
    ("Loyal", (3,), (4, 5), "frequent, high spenders, not quite recent"),
    ("Potential loyalist", (4, 5), (2, 3), "recent, with average frequency and spend"),
    ("New", (4, 5), (1,), "recent, few and small purchases so far"),
    ("Needs attention", (3,), (2, 3), "middle on all three"),
    ("About to sleep", (3,), (1,), "middle recency, few and small purchases"),
    ("At risk", (1, 2), (4, 5), "used to buy often and for a lot, not lately"),
    ("Hibernating", (2,), (1, 2, 3), "long since the last purchase, low to average value"),
    ("Lost", (1,), (1, 2, 3), "longest since the last purchase, low to average value"),
)
_SCORES = 5


@dataclass(frozen=True)
class RfmResult:
    """RFM scores per customer and the thresholds used.

    Attributes
    ----------
    scores:
        ``account``, ``recency`` (time since last purchase, the summary's unit),
        ``frequency`` (purchases), ``monetary`` (total spend), ``R``, ``F``, ``M`` (1 to
        ``bins``), ``RFM`` (e.g. ``"545"``), ``segment``.
    thresholds:
        One row per metric and score: ``metric``, ``score``, ``lower`` (exclusive), ``upper``
        (inclusive), ``customers``, ``note`` (why a score is empty).
    segments:
        ``segment``, ``customers``, ``customer_share``, ``revenue``, ``revenue_share``, ``rule``.
    """

    scores: pd.DataFrame
    thresholds: pd.DataFrame
    segments: pd.DataFrame


def segment_of(r_score, fm_score) -> np.ndarray:
    """Segment names for R and FM scores on the 1-5 scale (see :data:`SEGMENT_RULES`).

    Examples
    --------
    >>> segment_of([5, 1, 3], [5, 1, 4]).tolist()
    ['Champions', 'Lost', 'Loyal']
    """
    lookup = np.empty((_SCORES, _SCORES), dtype=object)
    for name, r_values, fm_values, _ in SEGMENT_RULES:
        lookup[np.ix_(np.asarray(r_values) - 1, np.asarray(fm_values) - 1)] = name
    return lookup[np.asarray(r_score, dtype=int) - 1, np.asarray(fm_score, dtype=int) - 1]


def segment_names(r_score, f_score, m_score, bins: int = 5) -> np.ndarray:
    """Segment of each (R, F, M) score triple on a 1-``bins`` scale (rescaled to 1-5, then
    :func:`segment_of` on R and FM = ceil((F + M) / 2)).

    Examples
    --------
    >>> segment_names([5, 1], [5, 2], [4, 1]).tolist()
    ['Champions', 'Lost']
    """
    on_five = [-(-np.asarray(score, dtype=np.int64) * _SCORES // bins) for score in (r_score, f_score, m_score)]
    return segment_of(on_five[0], -(-(on_five[1] + on_five[2]) // 2))


def _edges(values: np.ndarray, bins: int, cuts: Sequence[float] | None, metric: str) -> np.ndarray:
    if cuts is None:
        return np.quantile(values, np.arange(1, bins) / bins)
    edges = np.asarray(cuts, dtype=float)
    if edges.size != bins - 1 or not np.all(np.isfinite(edges)) or np.any(np.diff(edges) <= 0):
        raise SegmenterInputError(
            f"{bins - 1} strictly increasing cut points needed for {metric}, got {list(cuts)}", column=metric
        )
    return edges


def _score(values: np.ndarray, edges: np.ndarray, higher_is_better: bool, bins: int) -> np.ndarray:
    """1 + number of edges strictly below the value (reversed for recency): ties share a score."""
    below = np.searchsorted(edges, values, side="left")
    return (below + 1) if higher_is_better else (bins - below)


def threshold_rows(
    metric: str, edges: np.ndarray, counts: np.ndarray, higher_is_better: bool, bins: int, from_quantiles: bool
) -> list[dict]:
    """The thresholds table's rows of one metric: edges used and ``counts[score]`` customers per score."""
    bounds = np.r_[-np.inf, edges, np.inf]
    rows = []
    for position in range(bins):
        score = position + 1 if higher_is_better else bins - position
        lower, upper = bounds[position], bounds[position + 1]
        note = ""
        if lower == upper:
            note = (
                f"empty: the {position}/{bins} and {position + 1}/{bins} quantiles are equal ({upper:g}), "
                "tied customers share one score"
                if from_quantiles
                else "empty: equal cut points"
            )
        elif counts[score] == 0:
            note = "empty: no customer in this range"
        rows.append(
            {
                "metric": metric,
                "score": score,
                "lower": lower,
                "upper": upper,
                "customers": int(counts[score]),
                "note": note,
            }
        )
    return rows


def rfm_scores(summary: pd.DataFrame, bins: int = 5, cuts: Mapping[str, Sequence[float]] | None = None) -> RfmResult:
    """Score customers 1 to ``bins`` on recency, frequency and monetary value, and name segments.

    Parameters
    ----------
    summary:
        Per-customer table from :func:`core.customers.summary.customer_summary` (columns
        ``account``, ``time_since_last``, ``purchases``, ``total_spend``).
    bins:
        Number of scores, 2 to 10 (default 5).
    cuts:
        Optional cut points per metric, ``{"R": [...], "F": [...], "M": [...]}``, each
        ``bins - 1`` strictly increasing values in the metric's units (R: time since the last
        purchase in the summary's unit; F: purchases; M: total spend). Metrics not given use
        quantiles.

    Returns
    -------
    RfmResult

    Notes
    -----
    - Metrics: R = time since the last purchase (``T - recency``; a shorter time scores
      higher), F = number of purchases, M = total spend (net of returns).
    - Bins: edges e_1 <= ... <= e_(bins-1) are the k/bins quantiles (numpy's linear
      interpolation) or the user's cut points. F and M score 1 + (number of edges below the
      value); R scores bins - (number of edges below the value). A value equal to an edge
      belongs to the bin below it, so tied customers always share a score.
    - Collapsing: when quantile edges coincide (e.g. most customers bought once) the scores
      between them are left empty instead of splitting tied customers; the thresholds table
      lists every score with its range, count and a note saying why it is empty.
    - Segments use R and FM = ceil((F + M) / 2), on the 1-5 scale (other ``bins`` are
      rescaled first: s5 = ceil(5 s / bins)):

      ==================  =========  ==========  ===========================================
      segment             R          FM          meaning
      ==================  =========  ==========  ===========================================
      Champions           4-5        4-5         bought recently, often and for a lot
      Loyal               3          4-5         frequent, high spenders, not quite recent
      Potential loyalist  4-5        2-3         recent, average frequency and spend
      New                 4-5        1           recent, few and small purchases so far
      Needs attention     3          2-3         middle on all three
      About to sleep      3          1           middle recency, few and small purchases
      At risk             1-2        4-5         used to buy often and for a lot, not lately
      Hibernating         2          1-3         long since the last purchase
      Lost                1          1-3         longest since the last purchase
      ==================  =========  ==========  ===========================================

    Raises
    ------
    SegmenterInputError
        Missing columns, missing values, bins outside 2-10, bad cut points, no customers.

    Examples
    --------
    >>> summary = pd.DataFrame({"account": list("abcde"), "time_since_last": [1.0, 2, 3, 4, 5],
    ...                         "purchases": [5, 4, 3, 2, 1], "total_spend": [50.0, 40, 30, 20, 10]})
    >>> rfm_scores(summary).scores[["account", "RFM", "segment"]].values.tolist()
    [['a', '555', 'Champions'], ['b', '444', 'Champions'], ['c', '333', 'Needs attention'], ['d', '222', 'Hibernating'], ['e', '111', 'Lost']]
    """  # noqa: E501
    if not isinstance(bins, (int, np.integer)) or isinstance(bins, bool) or not 2 <= bins <= 10:
        raise SegmenterInputError(f"bins must be a whole number from 2 to 10, got {bins!r}", column="bins")
    cuts = dict(cuts or {})
    unknown = set(cuts) - set(METRICS)
    if unknown:
        raise SegmenterInputError(
            f"cut points given for unknown metric(s) {sorted(unknown)}; use R, F, M", column="cuts"
        )
    needed = ["account"] + [column for column, _ in METRICS.values()]
    missing = [column for column in needed if column not in summary.columns]
    if missing:
        raise SegmenterInputError(f"the customer table lacks {', '.join(missing)}", column=missing[0])
    if len(summary) == 0:
        raise SegmenterInputError("no customers to score", column="account")

    scores = pd.DataFrame({"account": summary["account"].to_numpy()})
    table_rows: list[dict] = []
    for metric, (column, higher_is_better) in METRICS.items():
        values = summary[column].to_numpy(dtype=float)
        if not np.all(np.isfinite(values)):
            first = int(np.flatnonzero(~np.isfinite(values))[0])
            raise SegmenterInputError(
                f"{column} is missing for customer {summary['account'].iloc[first]}", column=column
            )
        edges = _edges(values, bins, cuts.get(metric), metric)
        metric_scores = _score(values, edges, higher_is_better, bins)
        scores[{"R": "recency", "F": "frequency", "M": "monetary"}[metric]] = values
        scores[metric] = metric_scores
        table_rows += threshold_rows(
            metric, edges, np.bincount(metric_scores, minlength=bins + 1), higher_is_better, bins, metric not in cuts
        )
    scores = scores[["account", "recency", "frequency", "monetary", "R", "F", "M"]]
    scores["RFM"] = (scores["R"].astype(str) + scores["F"].astype(str) + scores["M"].astype(str)).astype("str")
    scores["segment"] = pd.array(segment_names(scores["R"], scores["F"], scores["M"], bins), dtype="str")
    thresholds = thresholds_table(table_rows)
    return RfmResult(scores=scores, thresholds=thresholds, segments=_segment_table(scores))


def thresholds_table(rows: list[dict]) -> pd.DataFrame:
    """The thresholds table from :func:`threshold_rows` of each metric, R, F, M then score."""
    return pd.DataFrame(rows).sort_values(["metric", "score"], key=_metric_order, ignore_index=True)


def _metric_order(column: pd.Series) -> pd.Series:
    return column.map({"R": 0, "F": 1, "M": 2}) if column.name == "metric" else column


def _segment_table(scores: pd.DataFrame) -> pd.DataFrame:
    return segment_table(scores["segment"].to_numpy(object), np.ones(len(scores)), scores["monetary"].to_numpy(float))


def segment_table(segment: np.ndarray, customers: np.ndarray, revenue: np.ndarray) -> pd.DataFrame:
    """Customers and revenue per segment (all of :data:`SEGMENT_RULES`, in order) with shares and rules.

    ``segment``, ``customers`` and ``revenue`` are parallel: one entry per customer (customers 1)
    or per group of customers sharing a segment (e.g. per (R, F, M) combination from a database).

    Examples
    --------
    >>> table = segment_table(np.array(["Lost", "Champions", "Lost"]), np.array([2, 1, 1]),
    ...                       np.array([10.0, 70.0, 20.0]))
    >>> table.loc[table["customers"] > 0, ["segment", "customers", "revenue_share"]].values.tolist()
    [['Champions', 1, 0.7], ['Lost', 3, 0.3]]
    """
    names = [rule[0] for rule in SEGMENT_RULES]
    frame = pd.DataFrame(
        {
            "segment": segment,
            "customers": np.asarray(customers, dtype=float),
            "revenue": np.asarray(revenue, dtype=float),
        }
    )
    grouped = frame.groupby("segment")[["customers", "revenue"]].sum().reindex(names, fill_value=0)
    total_customers = grouped["customers"].sum()
    total_revenue = frame["revenue"].sum()
    return pd.DataFrame(
        {
            "segment": names,
            "customers": grouped["customers"].to_numpy().astype(np.int64),
            "customer_share": grouped["customers"].to_numpy() / total_customers,
            "revenue": grouped["revenue"].to_numpy(dtype=float),
            "revenue_share": grouped["revenue"].to_numpy() / total_revenue if total_revenue else np.nan,
            "rule": [f"R {_span(r)}, FM {_span(fm)}: {meaning}" for _, r, fm, meaning in SEGMENT_RULES],
        }
    )


def _span(values: tuple[int, ...]) -> str:
    return str(values[0]) if len(values) == 1 else f"{values[0]}-{values[-1]}"
