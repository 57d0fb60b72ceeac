"""The faster paths of issue 24 give the numbers of the plain ones: per distinct value against per
customer, two steps against one, a fit made ahead against a fit made in place, a warning handed
back against one given, work on other threads against the calling thread."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import core.parallel as parallel
from core.customers.bgnbd import BetaGeoModel, _log_likelihood_terms
from core.customers.fitting import distinct_pairs
from core.customers.gamma_gamma import SpendFrequencyCorrelationWarning, _Spenders
from core.customers.gamma_gamma import _log_likelihood_terms as spend_terms
from core.customers.model_clv import fit_purchase_model, model_clv
from core.customers.pareto_nbd import ParetoNBDModel
from core.customers.report import run_customer_report
from core.customers.validation import check_from_statistics, check_in_two_steps, holdout_statistics
from core.parallel import Later
from core.transactions import parse_transactions


def test_likelihood_per_distinct_recency_and_age_is_the_per_customer_one(cdnow_calibration):
    x, t_x, T = (np.asarray(v, dtype=float) for v in cdnow_calibration)
    params = np.array([0.243, 4.414, 0.793, 2.426])
    plain = _log_likelihood_terms(params, x, t_x, T)
    prepared = BetaGeoModel()._likelihood(x, t_x, T)(params)
    assert np.array_equal(plain[0], prepared[0]) and np.array_equal(plain[1], prepared[1])
    # the same figure from the paper's form, one customer at a time: ln L of FHL eq. 6
    r, alpha, a, b = params
    i = int(np.flatnonzero(x > 0)[0])
    from scipy.special import betaln, gammaln

    direct = (
        gammaln(r + x[i])
        - gammaln(r)
        + r * np.log(alpha)
        + betaln(a, b + x[i])
        - betaln(a, b)
        + np.log((alpha + T[i]) ** -(r + x[i]) + a / (b + x[i] - 1) * (alpha + t_x[i]) ** -(r + x[i]))
    )
    assert prepared[0][i] == pytest.approx(direct, rel=1e-12)


def test_spend_likelihood_per_distinct_frequency_is_the_per_customer_one():
    rng = np.random.default_rng(4)
    x = rng.integers(1, 9, 500).astype(float)
    m = rng.gamma(3.0, 20.0, 500)
    params = np.array([6.25, 3.74, 15.45])
    # ln f = ln G(px+q) - ln G(px) - ln G(q) + q ln v + (px-1) ln m + px ln x - (px+q) ln(v + m x)
    from scipy.special import gammaln

    p, q, v = params
    direct = (
        gammaln(p * x + q)
        - gammaln(p * x)
        - gammaln(q)
        + q * np.log(v)
        + (p * x - 1) * np.log(m)
        + p * x * np.log(x)
        - (p * x + q) * np.log(v + m * x)
    )
    ll, _ = spend_terms(params, x, m, _Spenders(x, m))
    np.testing.assert_allclose(ll, direct, rtol=1e-12)


def test_distinct_pairs_give_back_every_pair():
    first, second = np.array([2.0, 0.0, 2.0, 2.0]), np.array([5.0, 1.0, 5.0, 3.0])
    (a, b), index = distinct_pairs(first, second)
    assert list(zip(a, b)) == [(0.0, 1.0), (2.0, 3.0), (2.0, 5.0)]
    assert np.array_equal(a[index], first) and np.array_equal(b[index], second)


@pytest.mark.parametrize("model", [BetaGeoModel, ParetoNBDModel])
def test_expected_purchases_over_a_common_horizon_equal_those_per_customer(cdnow_calibration, model):
    x, t_x, T = (np.asarray(v, dtype=float) for v in cdnow_calibration)
    fitted = model().fit(x, t_x, T)
    common = fitted.expected_purchases_over([13.0, 39.0], x, t_x, T)
    # a horizon per customer (an array) takes the per-customer path
    each = fitted.expected_purchases_over([np.full(x.size, 13.0), np.full(x.size, 39.0)], x, t_x, T)
    assert np.array_equal(common, each)


def _order_lines(customers: int = 300, seed: int = 5) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    who = rng.integers(0, customers, customers * 6)
    first = rng.integers(0, 300, customers)
    day = first[who] + rng.integers(0, 400, who.size)
    return pd.DataFrame(
        {
            "Customer": [f"C{w}" for w in who],
            "Date": (pd.Timestamp("2023-01-01") + pd.to_timedelta(np.minimum(day, 729), unit="D")).strftime("%Y-%m-%d"),
            "Amount": np.round(rng.gamma(3.0, 20.0, who.size), 2),
        }
    )


def test_the_check_in_two_steps_is_the_check(cdnow_raw):
    table = parse_transactions(cdnow_raw[["customer", "date", "amount"]])
    stats = holdout_statistics(table, calibration_end="1997-09-30")
    whole = check_from_statistics(stats)
    first, with_range = check_in_two_steps(stats)
    assert first.chosen == whole.chosen and first.reason == whole.reason
    assert first.totals["predicted_p10"].isna().all() and first.range_note is None
    pd.testing.assert_frame_equal(
        first.totals.drop(columns=["predicted_p10", "predicted_p90"]),
        whole.totals.drop(columns=["predicted_p10", "predicted_p90"]),
    )
    ranged = with_range(workers=1)
    pd.testing.assert_frame_equal(ranged.totals, whole.totals, check_exact=True)
    assert first.totals["predicted_p10"].isna().all()  # the first step's table is left as it was
    assert set(first.models) == {
        k for k in whole.totals["key"] if whole.totals.set_index("key").loc[k, "status"] == "fitted"
    }


def test_a_fit_made_ahead_gives_the_same_lifetime_values(cdnow_raw):
    from core.customers.summary import customer_summary

    summary = customer_summary(parse_transactions(cdnow_raw[["customer", "date", "amount"]]))
    inline = model_clv(summary, horizon=52, discount_rate=0.1, model="pareto_nbd")
    ahead = Later(lambda: fit_purchase_model(summary, "pareto_nbd"))
    made = model_clv(summary, horizon=52, discount_rate=0.1, model="pareto_nbd", purchase_fit=ahead.result)
    pd.testing.assert_frame_equal(inline.customers, made.customers, check_exact=True)
    pd.testing.assert_frame_equal(inline.parameters, made.parameters, check_exact=True)


def test_a_fit_made_ahead_that_failed_raises_its_error():
    few = pd.DataFrame({"frequency": [1.0, 0.0], "recency": [2.0, 0.0], "T": [5.0, 5.0]})
    outcome = fit_purchase_model(few, "bgnbd")
    assert isinstance(outcome, Exception) and "at least 10 customers" in str(outcome)


def test_the_spend_warning_is_handed_back_instead_of_given(cdnow_raw):
    from core.customers.summary import customer_summary

    summary = customer_summary(parse_transactions(cdnow_raw[["customer", "date", "amount"]]))
    frequency = summary["frequency"].to_numpy(float)
    noise = np.random.default_rng(2).gamma(2.0, 3.0, frequency.size)
    # spend per purchase rising with the number of purchases: Gamma-Gamma warns
    summary["avg_repeat_spend"] = np.where(frequency > 0, 10 + 8 * frequency + noise, 0.0)
    texts: list[str] = []
    with warnings.catch_warnings():
        warnings.simplefilter("error", SpendFrequencyCorrelationWarning)
        handed = model_clv(summary, horizon=52, discount_rate=0.1, spend_warnings=texts)
    assert len(texts) == 1 and "correlated" in texts[0]
    with pytest.warns(SpendFrequencyCorrelationWarning, match="correlated"):
        given = model_clv(summary, horizon=52, discount_rate=0.1)
    pd.testing.assert_frame_equal(handed.customers, given.customers, check_exact=True)


def test_later_runs_on_a_thread_and_raises_in_the_caller():
    assert Later(lambda: 6 * 7).result() == 42
    failing = Later(lambda: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        failing.result()


def test_the_report_on_threads_equals_the_report_in_one_thread(monkeypatch):
    table = parse_transactions(_order_lines())
    monkeypatch.setattr(parallel, "THREAD_MIN_ROWS", 1)  # threads even on a short list
    threaded = run_customer_report(table)
    monkeypatch.setattr(parallel, "WORKERS", 1)
    single = run_customer_report(table)
    assert threaded.tables.keys() == single.tables.keys()
    for name, frame in single.tables.items():
        pd.testing.assert_frame_equal(threaded.tables[name], frame, check_exact=True, obj=name)
    for name, frame in single.account_report.tables.items():
        pd.testing.assert_frame_equal(threaded.account_report.tables[name], frame, check_exact=True, obj=name)


def test_dsterf_through_ctypes_gives_scipys_eigenvalues_to_the_bit():
    from scipy.linalg import lapack

    from core.customers.bgnbd import _jacobi_matrices, _sterf_released

    released = _sterf_released()
    assert released is not None  # Linux, macOS and Windows wheels of scipy have its Cython LAPACK
    rng = np.random.default_rng(3)
    for p in (0.5, 3.0, 1591.9, np.exp(rng.uniform(-2, 9))):
        q = np.exp(rng.uniform(-2, 10, 12))
        for n in (2, 8, 96):
            diagonal, off = _jacobi_matrices(float(p), q, n)
            for i in range(q.size):
                expected, expected_info = lapack.dsterf(diagonal[i], off[i])
                values, info = released(diagonal[i], off[i])
                assert info == expected_info and np.array_equal(values, expected)
    # the arrays given are left as they were (LAPACK overwrites its own copies)
    diagonal, off = _jacobi_matrices(3.0, np.array([5.0]), 8)
    before = diagonal.copy(), off.copy()
    released(diagonal[0], off[0])
    assert np.array_equal(diagonal, before[0]) and np.array_equal(off, before[1])


def test_gauss_rules_through_either_dsterf_are_the_same(monkeypatch):
    from scipy.linalg import lapack

    import core.customers.bgnbd as bgnbd

    q = 14_563.2 + np.arange(40.0)
    monkeypatch.setattr(bgnbd, "_STERF", [lapack.dsterf])
    plain = bgnbd.beta_gauss_rules(1591.9, q, 96)
    monkeypatch.setattr(bgnbd, "_STERF", [])  # found again: the ctypes route
    released = bgnbd.beta_gauss_rules(1591.9, q, 96)
    assert bgnbd._STERF[0] is not lapack.dsterf
    assert np.array_equal(plain[0], released[0]) and np.array_equal(plain[1], released[1])
    # and the rules are right: the mean of Beta(p, q) is p / (p + q)
    np.testing.assert_allclose((released[0] * released[1]).sum(axis=1), 1591.9 / (1591.9 + q), rtol=1e-13)


def test_dsterf_through_ctypes_lets_another_thread_run():
    """scipy's wrapper holds the GIL for the whole call; the ctypes call lets go of it: a Python
    loop on another thread advances meanwhile."""
    import threading
    import time

    from core.customers.bgnbd import _jacobi_matrices, _sterf_released

    released = _sterf_released()
    diagonal, off = _jacobi_matrices(1591.9, 14_563.2 + np.arange(20.0), 96)
    counted, stop = [0], threading.Event()

    def count():
        while not stop.is_set():
            counted[0] += 1

    counter = threading.Thread(target=count)
    counter.start()
    time.sleep(0.01)
    start = counted[0]
    for _ in range(30):
        for i in range(20):
            released(diagonal[i], off[i])
    stop.set()
    counter.join()
    assert counted[0] - start > 1000


def test_pareto_expectation_on_a_grid_is_the_one_per_element():
    model = ParetoNBDModel()
    rng = np.random.default_rng(8)
    x, T = rng.integers(0, 40, 300).astype(float), rng.uniform(0.0, 150.0, 300)
    t = rng.uniform(0.0, 104.0, (300, 16))
    for params in ([0.55, 10.6, 0.61, 11.7], [0.7, 2.1, 1.0, 58.7], [2.0, 30.0, 3.5, 0.4]):  # s = 1: E grows like ln
        params = np.array(params)
        each = model._expected_if_alive(params, t.ravel(), np.repeat(x, 16), np.zeros(4800), np.repeat(T, 16))
        assert np.array_equal(model._expected_if_alive_grid(params, t, x, T), each.reshape(t.shape))


def test_pareto_ranges_through_the_grid_are_the_ranges_per_element(cdnow_calibration, monkeypatch):
    """clv_intervals with Pareto/NBD (its period sums and draws through the grid) against the same
    with the grid taken away (every element through _expected_if_alive): the same tables."""
    from core.customers.gamma_gamma import GammaGammaModel
    from core.customers.intervals import clv_intervals

    x, t_x, T = (np.asarray(v, dtype=float) for v in cdnow_calibration)
    model = ParetoNBDModel().fit(x, t_x, T)
    spend = np.where(x > 0, 20.0 + 3.0 * (np.arange(x.size) % 7), 0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        spend_model = GammaGammaModel().fit(x[x > 0], spend[x > 0])
    tiers = np.array(["A", "B", "C"])[np.arange(x.size) % 3]

    def ranges():
        return clv_intervals(
            model,
            spend_model,
            x,
            t_x,
            T,
            spend,
            0.3,
            horizon=52,
            unit_discount=0.0018,
            groups={"Tier": tiers},
            draws=30,
        )

    grid = ranges()
    monkeypatch.delattr(ParetoNBDModel, "_expected_if_alive_grid")
    each = ranges()
    pd.testing.assert_frame_equal(grid.customers, each.customers, check_exact=True)
    pd.testing.assert_frame_equal(grid.totals, each.totals, check_exact=True)


def test_summaries_from_the_ids_factorized_once_are_the_summaries(cdnow_raw):
    """The whole list's and the calibration period's summaries numbered from the list's customer ids
    factorized once (PandasCustomers) equal those that factorize their own rows, and so do the
    holdout statistics made from them."""
    from core.customers.aggregates import PandasCustomers
    from core.customers.summary import customer_summary

    table = parse_transactions(cdnow_raw[["customer", "date", "amount"]])
    customers = pd.factorize(table.rows["customer"].to_numpy())
    for end in (None, "1997-09-30", "1997-01-15"):
        plain = customer_summary(table, observation_end=end)
        numbered = customer_summary(table, observation_end=end, customers=customers)
        pd.testing.assert_frame_equal(numbered, plain, check_exact=True)
        assert numbered.attrs == plain.attrs
    lines = PandasCustomers(table)
    summary = lines.customer_summary(None, "W")
    pd.testing.assert_frame_equal(summary, customer_summary(table), check_exact=True)
    made = lines.holdout_statistics("1997-09-30", "W", summary.attrs["observation_end"])
    plain = holdout_statistics(table, calibration_end="1997-09-30")
    for name, value in vars(plain).items():
        other = vars(made)[name]
        assert np.array_equal(other, value) if isinstance(value, np.ndarray) else other == value, name


def test_pyodide_keeps_scipys_dsterf(monkeypatch):
    """In Pyodide (xlwings Lite, no threads) the rules use scipy's wrapper: no call through ctypes."""
    import sys

    from core.customers.bgnbd import _sterf_released

    monkeypatch.setattr(sys, "platform", "emscripten")
    assert _sterf_released() is None


def test_cohort_counts_from_the_ids_factorized_once_are_the_counts(cdnow_raw):
    from core.customers.aggregates import PandasCustomers
    from core.customers.cohorts import cohort_counts

    table = parse_transactions(cdnow_raw[["customer", "date", "amount"]])
    customers = pd.factorize(table.rows["customer"].to_numpy())
    for end in ("1998-06-30", "1997-09-30"):
        plain, numbered = cohort_counts(table.rows, end), cohort_counts(table.rows, end, customers)
        assert (numbered.kind, numbered.last) == (plain.kind, plain.last)
        pd.testing.assert_series_equal(numbered.sizes, plain.sizes, check_exact=True)
        pd.testing.assert_frame_equal(numbered.cells, plain.cells, check_exact=True)
    made = PandasCustomers(table).cohort_counts("1998-06-30")
    pd.testing.assert_frame_equal(made.cells, cohort_counts(table.rows, "1998-06-30").cells, check_exact=True)


def test_the_lists_customer_codes_are_factorize_of_its_ids_made_once(cdnow_raw):
    """TransactionTable.customer_codes: the codes and ids of factorizing the ids as Python strings
    (what the summaries read), made once per table; None when an id is missing."""
    import dataclasses

    table = parse_transactions(cdnow_raw[["customer", "date", "amount"]])
    codes, ids = table.customer_codes()
    plain_codes, plain_ids = pd.factorize(table.rows["customer"].to_numpy())
    assert np.array_equal(codes, plain_codes) and ids.dtype == object and ids.tolist() == plain_ids.tolist()
    assert all(type(i) is str for i in ids)
    assert table.customer_codes() is table.customer_codes()
    rows = table.rows.copy()
    rows["customer"] = rows["customer"].astype(object)
    rows.loc[3, "customer"] = None
    assert dataclasses.replace(table, rows=rows).customer_codes() is None


def test_first_rows_and_the_bridge_from_the_codes_are_those_of_every_rows_id():
    """The account report's first sheet row per customer and the year-on-year bridge, taken through
    the list's customer codes, equal those that hash every row's id (pandas' groupby and lookup),
    on a list whose customers come back out of order; without codes (an id missing) the old way."""
    import dataclasses

    from core.bridge import transaction_bridge_tables
    from core.customers.aggregates import PandasCustomers, _first_rows

    rng = np.random.default_rng(24)
    n = 6_000
    who = rng.integers(0, 900, n)
    cells = [["Customer", "Date", "Amount", "Profit"]] + [
        [f"C{w:04d}", str(pd.Timestamp("2023-01-01") + pd.Timedelta(days=int(d))), float(a), float(a) / 4]
        for w, d, a in zip(who, rng.integers(0, 700, n), rng.gamma(2.0, 30.0, n).round(2))
    ]
    table = parse_transactions(cells)
    summary = PandasCustomers(table).customer_summary(None, "W")
    accounts = summary["account"]
    plain = table.rows.groupby("customer", sort=False)["sheet_row"].min().reindex(accounts.to_numpy())
    assert np.array_equal(_first_rows(table, accounts), plain.to_numpy(np.int64))
    assert _first_rows(table, accounts.iloc[::-1]).tolist() == plain.to_numpy(np.int64)[::-1].tolist()
    assert _first_rows(table, accounts).tolist() != sorted(_first_rows(table, accounts).tolist())  # not in row order
    without = dataclasses.replace(table)
    without.__dict__["_factorized"] = None  # as for a list with a missing id
    assert np.array_equal(_first_rows(without, accounts), plain.to_numpy(np.int64))
    groups = {"tier": (rng.choice(np.array(["A", "B", "C"], dtype=object), len(accounts)), ["A", "B", "C"])}
    end = summary.attrs["observation_end"]
    by_rows = transaction_bridge_tables(table.rows, accounts.tolist(), groups, end)
    by_codes = transaction_bridge_tables(table.rows, accounts.tolist(), groups, end, table.customer_codes())
    assert set(by_rows) == set(by_codes) and "customer_profit_bridge" in by_rows
    for name, frame in by_rows.items():
        pd.testing.assert_frame_equal(by_codes[name], frame, check_exact=True)


def test_a_datetime_column_reads_as_its_timestamps_do():
    """to_dates of a datetime64[ns] array (the per-customer table's first purchases) passes the dates
    as they are: the same values, blanks and issues as its Timestamps read one by one, also with
    NaT and times of day; a sub-microsecond time goes the Timestamps' way (which keep microseconds);
    and accounts_from_frame of a frame with a date column is the table of its Timestamps."""
    from core.accounts import accounts_from_frame
    from core.cells import to_dates, to_numbers, to_text

    samples = [
        ["2024-03-31", "1820-01-01T00:00:00.000001", "NaT", "1999-12-31T10:00:05.123456"],
        ["2024-03-31", "NaT", "1999-12-31T10:00:05.123456789"],
        ["NaT"],
        [],
    ]
    for sample in samples:
        dates = np.array(sample, dtype="datetime64[ns]")
        rows = np.arange(2, 2 + dates.size)
        for read, options in ((to_dates, {"refuse_ambiguous": True}), (to_text, {}), (to_numbers, {})):
            fast = read(dates, column="First purchase", sheet_rows=rows, **options)
            plain = read(pd.Series(dates).to_numpy(dtype=object), column="First purchase", sheet_rows=rows, **options)
            assert fast.values.dtype == plain.values.dtype
            assert list(fast.values) == list(plain.values) or np.array_equal(fast.values, plain.values, equal_nan=True)
            assert np.array_equal(fast.blank, plain.blank)
            pd.testing.assert_frame_equal(fast.issues, plain.issues, check_exact=True)
    first = pd.to_datetime(["2024-01-05", "2023-06-30", None]).astype("datetime64[ns]")
    frame = pd.DataFrame({"Account": ["A", "B", "C"], "Revenue": [5.0, 7.0, 1.0], "First purchase": first})
    table = accounts_from_frame(frame)
    assert table.accounts["first_purchase"].astype("datetime64[ns]").tolist()[:2] == list(first[:2])
    with_objects = accounts_from_frame(frame.astype({"First purchase": object}))
    pd.testing.assert_frame_equal(table.accounts, with_objects.accounts, check_exact=True)
    pd.testing.assert_frame_equal(table.issues, with_objects.issues, check_exact=True)


def test_unique_with_inverse_is_numpys():
    """The summaries' (customer, day) keys are numbered by an unstable argsort: the same distinct keys
    and positions as np.unique(return_inverse=True), ties and all."""
    from core.customers.summary import _unique_with_inverse

    rng = np.random.default_rng(24)
    for size, high in ((0, 1), (1, 1), (7, 3), (5_000, 40), (200_000, 10**12)):
        keys = rng.integers(-high, high, size, dtype=np.int64)
        distinct, inverse = _unique_with_inverse(keys)
        expected, expected_inverse = np.unique(keys, return_inverse=True)
        assert np.array_equal(distinct, expected) and np.array_equal(inverse, expected_inverse)
        assert np.array_equal(distinct[inverse], keys)
