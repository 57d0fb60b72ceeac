"""CDNOW's calibration-period (x, t_x, T), shared by the model tests of this folder."""

from __future__ import annotations

import pandas as pd
import pytest


@pytest.fixture(scope="session")
def cdnow_calibration(cdnow_raw):
    """(x, t_x, T) in weeks computed directly with pandas, independently of core.customers.summary.

    Same-day purchases are one purchase; x counts purchase days after the first up to
    1997-09-30; t_x and T are days / 7 from the first purchase to the last one and to 1997-09-30.
    """
    end = pd.Timestamp("1997-09-30")
    days = cdnow_raw[cdnow_raw["date"] <= end].drop_duplicates(["customer", "date"]).groupby("customer")["date"]
    first, last = days.min(), days.max()
    return (days.size() - 1).to_numpy(), ((last - first).dt.days / 7).to_numpy(), ((end - first).dt.days / 7).to_numpy()
