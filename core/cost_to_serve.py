"""Net profitability: profit after the cost to serve an account (support, service, account care).

"A client with a high purchase amount might not be as valuable if they require excessive
support": with a cost-to-serve column, the strategy matrix reads net margin instead of gross.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from core.groups import check_same_length, float_values
from core.margins import margin_note

NOTE_COST_MISSING = "cost to serve missing"


def net_profit(profit: Any, cost_to_serve: Any) -> np.ndarray:
    """Profit after cost to serve, per account.

    Parameters
    ----------
    profit, cost_to_serve:
        1-D, same length, same currency; NaN = missing.

    Returns
    -------
    numpy.ndarray
        ``net_profit = profit - cost_to_serve``; NaN when either is missing (a blank cost is
        not taken as 0: that would overstate the account). Net margin % is then
        :func:`core.margins.margin_pct` of revenue and net profit.

    Examples
    --------
    >>> net_profit([300.0, 50.0, 80.0, float("nan")], [100.0, 70.0, float("nan"), 5.0]).tolist()
    [200.0, -20.0, nan, nan]
    """
    profit = float_values(profit, "profit")
    cost = float_values(cost_to_serve, "cost_to_serve")
    check_same_length(profit=profit, cost_to_serve=cost)
    return profit - cost


def net_margin_note(revenue: Any, profit: Any, cost_to_serve: Any) -> np.ndarray:
    """Why each account's net margin is undefined, or ``""``.

    Returns
    -------
    numpy.ndarray of object
        :func:`core.margins.margin_note` of revenue and profit, else ``"cost to serve
        missing"`` where the cost is blank, else ``""``.

    Examples
    --------
    >>> net_margin_note([1000.0, 1000.0, 0.0], [200.0, 200.0, 5.0], [50.0, float("nan"), 1.0]).tolist()
    ['', 'cost to serve missing', 'revenue is zero or negative']
    """
    notes = margin_note(revenue, profit)
    cost = float_values(cost_to_serve, "cost_to_serve")
    check_same_length(notes=notes, cost_to_serve=cost)
    notes[(notes == "") & np.isnan(cost)] = NOTE_COST_MISSING
    return notes
