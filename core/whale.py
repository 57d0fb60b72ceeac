"""The whale curve of customer profitability (Kaplan & Cooper, "Cost & Effect", 1998).

Accounts are ranked from the most to the least profitable (profit after cost to serve where
the data has it) and the cumulative profit is drawn as a share of total profit against the
share of accounts. The curve rises above 100 % while the profitable accounts are added, peaks
after the last one, and falls back to 100 % because the rest lose money. The peak height is
the sum of positive profits over total profit; what follows it is the profit that the
loss-making accounts destroy.

Which accounts count: those with a profit figure (a missing profit, or a net profit left
undefined by a blank cost to serve, is left out and counted). The curve is undefined when
total profit is zero or negative (a share of a non-positive total means nothing): the result
then says why and holds no points.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from core.groups import float_values
from core.text import pct, plural


@dataclass(frozen=True)
class WhaleCurve:
    """The whale curve of one profit column and the figures read from it.

    Attributes
    ----------
    points:
        One row per account with a profit figure, most profitable first: ``rank`` (1 = most
        profitable), ``position`` (0-based index into the input), ``profit``,
        ``account_share`` (rank / accounts) and ``profit_share_cum`` (cumulative profit /
        total profit). Empty when the curve is undefined.
    accounts, left_out:
        Accounts with a profit figure; accounts without one (left out).
    total_profit, positive_profit, loss:
        Sum of all profits; of the positive ones; of the negative ones (<= 0).
    profitable_accounts, loss_accounts:
        Accounts with profit > 0; with profit < 0.
    peak_account_share, peak_profit_share:
        Where the curve peaks: the share of accounts that are profitable and their profit
        over total profit (= ``positive_profit / total_profit``). NaN when undefined.
    reason:
        Why the curve is undefined, or ``""``.
    """

    points: pd.DataFrame
    accounts: int
    left_out: int
    total_profit: float
    positive_profit: float
    loss: float
    profitable_accounts: int
    loss_accounts: int
    peak_account_share: float
    peak_profit_share: float
    reason: str

    @property
    def defined(self) -> bool:
        return not self.reason

    @property
    def loss_share(self) -> float:
        """The loss-making accounts' loss as a share of total profit (a positive fraction)."""
        return -self.loss / self.total_profit if self.defined else np.nan

    def sentence(self) -> str:
        """The peak in words, or why there is no curve.

        Examples
        --------
        >>> print(whale_curve([50, 30, 20, -40]).sentence())
        the most profitable 75 % of accounts earn 166.7 % of profit; the rest lose 66.7 %
        """
        if not self.defined:
            return self.reason
        if not self.loss_accounts:
            return "no account loses money: the curve rises to 100 % of profit and stays there"
        return (
            f"the most profitable {pct(self.peak_account_share)} of accounts earn "
            f"{pct(self.peak_profit_share)} of profit; the rest lose {pct(self.loss_share)}"
        )

    def to_frame(self, basis: str = "profit") -> pd.DataFrame:
        """The peak and its parts as rows: measure, value, unit ("accounts", "currency", "share"), note.

        ``basis`` names the profit used ("profit", or "net profit (after cost to serve)").
        """
        rows = [
            (
                "accounts with a profit figure",
                self.accounts,
                "accounts",
                f"{plural(self.left_out, 'account')} without one left out"
                if self.left_out
                else f"{basis} of each account",
            ),
            ("total profit", self.total_profit, "currency", f"sum of {basis}"),
            ("profitable accounts", self.profitable_accounts, "accounts", f"{basis} above 0"),
            ("their profit", self.positive_profit, "currency", "sum of the positive profits"),
            ("loss-making accounts", self.loss_accounts, "accounts", f"{basis} below 0"),
            ("their loss", self.loss, "currency", "sum of the negative profits"),
            (
                "loss as a share of total profit",
                self.loss_share,
                "share",
                "what the loss-making accounts take from the profit of the others",
            ),
            (
                "whale curve peak: share of accounts",
                self.peak_account_share,
                "share",
                "the most profitable accounts, up to the last profitable one",
            ),
            (
                "whale curve peak: share of profit",
                self.peak_profit_share,
                "share",
                self.sentence() if self.defined else self.reason,
            ),
        ]
        frame = pd.DataFrame(rows, columns=["measure", "value", "unit", "note"])
        frame["value"] = frame["value"].astype(float)
        return frame

    def chart_points(self, max_points: int = 401) -> pd.DataFrame:
        """The curve for a chart: (0, 0), then at most ``max_points`` accounts, always the peak
        and the last; columns ``account_share``, ``profit_share_cum``. Empty when undefined.

        Examples
        --------
        >>> whale_curve([50, 30, 20, -40]).chart_points().round(3).to_numpy().tolist()
        [[0.0, 0.0], [0.25, 0.833], [0.5, 1.333], [0.75, 1.667], [1.0, 1.0]]
        """
        if not self.defined:
            return pd.DataFrame({"account_share": [], "profit_share_cum": []})
        count = len(self.points)
        kept = np.arange(count)
        if count > max_points:
            kept = np.rint(np.linspace(0, count - 1, max_points)).astype(np.intp)
            if self.profitable_accounts:
                kept = np.union1d(kept, [self.profitable_accounts - 1])
        share = self.points["account_share"].to_numpy()[kept]
        cumulative = self.points["profit_share_cum"].to_numpy()[kept]
        return pd.DataFrame({"account_share": np.r_[0.0, share], "profit_share_cum": np.r_[0.0, cumulative]})


def whale_curve(profit: Any) -> WhaleCurve:
    """Rank accounts by profit and read the whale curve.

    Parameters
    ----------
    profit:
        1-D array-like, profit per account in currency (after cost to serve where known);
        NaN = no figure (left out).

    Returns
    -------
    WhaleCurve

    Notes
    -----
    With profits sorted descending, p_1 >= ... >= p_n and P = sum p_i > 0:
    ``profit_share_cum_k = (p_1 + ... + p_k) / P``. It ends at 1 (100 %); its maximum is at
    k = the number of positive profits, where it equals (sum of positive profits) / P.
    Equal profits keep their input order (a stable sort).

    Examples
    --------
    Profits 50, 30, 20 and -40: total 60. The three profitable accounts (75 %) earn 100 of
    60 = 167 %; the fourth loses 40, 67 % of total profit.

    >>> curve = whale_curve([20, -40, 50, 30, float("nan")])
    >>> curve.points["profit_share_cum"].round(3).tolist()
    [0.833, 1.333, 1.667, 1.0]
    >>> curve.peak_account_share, round(curve.peak_profit_share, 3), curve.left_out
    (0.75, 1.667, 1)
    >>> whale_curve([10, -30]).reason
    'total profit is -20, not above 0: the whale curve (a share of total profit) is undefined'
    """
    values = float_values(profit, "profit")
    known = np.flatnonzero(~np.isnan(values))
    order = known[np.argsort(-values[known], kind="stable")]
    ranked = values[order]
    total = float(ranked.sum())
    positive = float(ranked[ranked > 0].sum())
    loss = float(ranked[ranked < 0].sum())
    profitable, losing = int((ranked > 0).sum()), int((ranked < 0).sum())
    count = ranked.size
    left_out = int(values.size - count)
    if count == 0:
        reason = "no account has a profit figure: the whale curve is undefined"
    elif total <= 0:
        reason = f"total profit is {total:,.0f}, not above 0: the whale curve (a share of total profit) is undefined"
    else:
        reason = ""
    if reason:
        points = pd.DataFrame({"rank": [], "position": [], "profit": [], "account_share": [], "profit_share_cum": []})
        return WhaleCurve(points, count, left_out, total, positive, loss, profitable, losing, np.nan, np.nan, reason)
    cumulative = np.cumsum(ranked) / total
    cumulative[-1] = 1.0  # the sum of the parts is the total, whatever the rounding
    rank = np.arange(1, count + 1)
    points = pd.DataFrame(
        {
            "rank": rank,
            "position": order,
            "profit": ranked,
            "account_share": rank / count,
            "profit_share_cum": cumulative,
        }
    )
    return WhaleCurve(
        points, count, left_out, total, positive, loss, profitable, losing, profitable / count, positive / total, ""
    )
