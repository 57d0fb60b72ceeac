"""Channel versus end user: which channel values are intermediaries, and the warning against
mixing them with end users in one segmentation.

A reseller's or distributor's revenue stands for many end customers' demand; ranking it among
direct end users makes tiers, concentration and NPS compare unlike customers.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from core.groups import float_values

INTERMEDIARY, END_USER, OTHER = "intermediary", "end user", "other"
_INTERMEDIARY = re.compile(
    r"resell|reseller|distribut|wholesal|partner|\bvar\b|\bmsp\b|dealer|agent|integrator|indirect|retailer|\bretail\b"
)
_END_USER = re.compile(r"end[\s_-]?user|end[\s_-]?customer|\bdirect\b|consumer|\bonline\b|e-?commerce|web ?shop")


def channel_kinds(channels: Any) -> np.ndarray:
    """``intermediary``, ``end user`` or ``other`` per account, from the channel text.

    Notes
    -----
    Case-insensitive. Intermediary: reseller, distributor, wholesale, partner, VAR, MSP,
    dealer, agent, integrator, indirect, retail(er). End user: end user, end customer,
    direct, consumer, online, e-commerce, web shop. "Indirect" is an intermediary, though
    it contains "direct". Anything else, and blanks, is ``other``.

    Examples
    --------
    >>> channel_kinds(["Reseller", "Direct", "Indirect", "End-user", None, "Field"]).tolist()
    ['intermediary', 'end user', 'intermediary', 'end user', 'other', 'other']
    """
    codes, uniques = pd.factorize(pd.Series(channels, dtype=object))
    kinds = [
        INTERMEDIARY
        if _INTERMEDIARY.search(str(u).lower())
        else END_USER
        if _END_USER.search(str(u).lower())
        else OTHER
        for u in uniques
    ]
    return np.array(kinds + [OTHER], dtype=object)[codes]


def channel_mix_warning(channels: Any, revenue: Any, accounts: Any = None) -> str:
    """A warning when the channel column has both intermediaries and end users, else ``""``.

    Parameters
    ----------
    channels:
        Channel text per account.
    revenue:
        Revenue per account; the warning quotes each kind's share of the total positive
        revenue (NaN and negative amounts count as 0).
    accounts:
        How many accounts each row stands for (default 1 each): rows may be distinct channel
        values with their accounts and their positive revenue summed, as a database gives them.

    Examples
    --------
    >>> print(channel_mix_warning(["Reseller", "Direct", "Direct"], [600.0, 300.0, 100.0])[:99])
    The channel column mixes intermediaries (Reseller: 1 account, 60% of revenue) and end users (Direct
    >>> channel_mix_warning(["Direct", None], [1.0, 2.0])
    ''
    """
    kinds = channel_kinds(channels)
    amounts = np.clip(np.nan_to_num(float_values(revenue, "revenue"), nan=0.0), 0.0, None)
    counts = np.ones(kinds.size) if accounts is None else np.asarray(accounts, dtype=float)
    if not ((kinds == INTERMEDIARY).any() and (kinds == END_USER).any()):
        return ""
    total = amounts.sum()
    names = pd.Series(channels, dtype=object)

    def part(kind: str) -> str:
        chosen = kinds == kind
        values = ", ".join(sorted({str(v).strip() for v in pd.unique(names[chosen].to_numpy())}))
        count = int(counts[chosen].sum())
        share = f", {amounts[chosen].sum() / total:.0%} of revenue" if total > 0 else ""
        return f"{values}: {count} account{'s' if count != 1 else ''}{share}"

    return (
        f"The channel column mixes intermediaries ({part(INTERMEDIARY)}) and end users ({part(END_USER)}): "
        "a reseller's or distributor's revenue stands for many end customers, so tiers, concentration and NPS "
        "across both compare unlike customers. Read the per-channel summaries, or segment each kind on its own."
    )
