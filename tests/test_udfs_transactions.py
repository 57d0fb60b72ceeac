"""RFM_SEGMENT, CUSTOMER_SUMMARY and CLTV_MODEL through xlwings' custom_functions_call.

Dates arrive as Excel serial numbers (floats), as Office.js hands a raw argument. Serial 45292 =
2024-01-01 (45292 days after 1899-12-30).

The five-customer list: the last date is serial 45320 (2024-01-29) and
    a: 5 purchases of 10, the last on 45320 -> 0 weeks since, spend 50
    b: 4 of 10, last 45313 -> 1 week,  40        c: 3 of 10, last 45306 -> 2 weeks, 30
    d: 2 of 10, last 45299 -> 3 weeks, 20        e: 1 of 10, on 45292 -> 4 weeks, 10
Quintile edges of each metric fall between the customers, so the scores are 5, 4, 3, 2, 1 and
the segments (R, FM) = (5, 5) Champions, (4, 4) Champions, (3, 3) Needs attention,
(2, 2) Hibernating, (1, 1) Lost.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from core.customers.model_clv import model_clv
from core.customers.summary import customer_summary
from core.transactions import parse_transactions
from tests.conftest import call_udf, udf_reason

HEADER = ["Customer", "Order date", "Amount"]


def _five() -> list[list]:
    rows = []
    for count, (customer, last) in enumerate(zip("abcde", (45320, 45313, 45306, 45299, 45292)), start=0):
        purchases = 5 - count
        rows += [[customer, float(last - 1 - k), 10.0] for k in range(purchases - 1)] + [[customer, float(last), 10.0]]
    return rows


def _realistic(customers: int = 200, seed: int = 7) -> list[list]:
    """A year of orders: customers join in the first 12 weeks, buy at their own rate, some stop."""
    rng = np.random.default_rng(seed)
    rows = [HEADER]
    for i in range(customers):
        start = int(rng.integers(0, 84))
        end = min(int(rng.integers(start + 1, 400)), 273)
        rate = rng.gamma(0.5, 1 / 20)
        days = sorted({start} | {int(d) for d in rng.uniform(start, end, rng.poisson(rate * (end - start)))})
        scale = rng.gamma(4, 8)
        rows += [[f"C{i:03d}", float(45292 + d), round(float(rng.gamma(6, scale / 6)), 2)] for d in days]
    return rows


def test_rfm_segment_one_row_per_customer_by_hand():
    out = call_udf("rfm_segment", [HEADER] + _five())
    assert out == [
        ["Customer", "R score", "F score", "M score", "RFM segment"],
        ["a", 5, 5, 5, "Champions"],
        ["b", 4, 4, 4, "Champions"],
        ["c", 3, 3, 3, "Needs attention"],
        ["d", 2, 2, 2, "Hibernating"],
        ["e", 1, 1, 1, "Lost"],
    ]


def test_rfm_segment_reads_a_range_without_header_in_column_order():
    assert call_udf("rfm_segment", _five())[1:] == call_udf("rfm_segment", [HEADER] + _five())[1:]


def test_dates_as_serials_datetimes_and_iso_text_give_the_same_summary():
    serial = [HEADER] + _five()
    as_datetime = [HEADER] + [[c, dt.datetime(1899, 12, 30) + dt.timedelta(days=d), a] for c, d, a in _five()]
    as_text = [HEADER] + [[c, (dt.date(1899, 12, 30) + dt.timedelta(days=d)).isoformat(), a] for c, d, a in _five()]
    expected = call_udf("customer_summary", serial)
    assert call_udf("customer_summary", as_datetime) == expected
    assert call_udf("customer_summary", as_text) == expected


def test_customer_summary_spills_headers_and_history():
    out = call_udf("customer_summary", [HEADER] + _five())
    header = out[0]
    assert header[:6] == [
        "Customer",
        "First purchase",
        "Last purchase",
        "Purchases",
        "Repeat purchases",
        "Repeat purchase days (x)",
    ]
    rows = {r[0]: dict(zip(header, r)) for r in out[1:]}
    # b: purchases on 45310 to 45313 = 2024-01-19 (45292 + 18) to 2024-01-22: 3 repeat days over 3 days
    assert rows["b"]["First purchase"] == "2024-01-19" and rows["b"]["Last purchase"] == "2024-01-22"
    assert rows["b"]["Purchases"] == 4 and rows["b"]["Repeat purchase days (x)"] == 3
    assert rows["b"]["Weeks first to last purchase (t_x)"] == pytest.approx(3 / 7)
    assert rows["b"]["Total spend"] == 40.0
    # e bought once: no repeat spend, shown blank
    assert rows["e"]["Average repeat spend"] == ""


def test_a_bad_date_cell_is_a_message_naming_its_row():
    rows = [HEADER] + _five()
    rows[3] = ["a", "03/04/2024", 10.0]
    out = udf_reason("customer_summary", rows)
    assert isinstance(out, str)
    assert out.startswith("segmenter: range row 4, Order date: '03/04/2024' is ambiguous")


def test_a_blank_amount_names_its_row_and_counts_the_others():
    rows = [HEADER] + _five()
    rows[2][2] = None
    rows[5][2] = "n/a"
    out = udf_reason("rfm_segment", rows)
    assert out.startswith("segmenter: range row 3, Amount:") and "(and 1 more row)" in out


def test_cltv_model_matches_the_engine_on_a_realistic_list():
    rows = _realistic()
    out = call_udf("cltv_model", rows, 26, "5%")
    assert out[0] == [
        "Customer",
        "P(alive)",
        "Expected purchases",
        "Expected spend per purchase",
        "Margin %",
        "Expected revenue",
        "Model CLV",
    ]
    engine = model_clv(customer_summary(parse_transactions(rows)), horizon=26, discount_rate=0.05).customers
    assert [r[0] for r in out[1:]] == engine["account"].tolist()
    np.testing.assert_allclose([r[6] for r in out[1:]], engine["model_clv"])


def test_cltv_model_without_discount_is_expected_revenue():
    out = call_udf("cltv_model", _realistic(), None, 0)
    # margin 100 % (no profit column), no discount: CLV = expected purchases x expected spend
    for row in out[1:]:
        assert row[4] == 1.0
        assert row[6] == pytest.approx(row[2] * row[3]) == pytest.approx(row[5])


def test_cltv_model_on_too_few_customers_says_why():
    out = udf_reason("cltv_model", [HEADER] + _five())
    assert out == "segmenter: frequency: BG/NBD needs at least 10 customers to fit, got 5"


@pytest.mark.parametrize(
    "horizon, discount, fragment",
    [
        (-4, None, "horizon must be a positive number"),
        ("a year", None, "expected a number"),
        (52, "150%", "discount"),
    ],
)
def test_cltv_model_bad_arguments_are_readable(horizon, discount, fragment):
    out = udf_reason("cltv_model", _realistic(60), horizon, discount)
    assert isinstance(out, str) and out.startswith("segmenter: ") and fragment in out
