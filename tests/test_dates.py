"""Text dates: the order a column shows by its own values, the date_format setting, date options."""

import numpy as np
import pandas as pd
import pytest

from core.cells import to_dates
from core.config import config_from_mapping
from core.dates import date_format_setting, read_date_option
from core.errors import SegmenterInputError
from core.transactions import parse_transactions


def _dates(*texts, **options):
    return to_dates(
        np.array(texts, dtype=object), column="Order date", sheet_rows=np.arange(2, 2 + len(texts)), **options
    )


def _days(parsed):
    return [str(d)[:10] for d in parsed.values]


def test_us_column_with_a_day_above_12_is_read_month_first_throughout():
    parsed = _dates("10/24/2024", "03/04/2024", "1/2/24")
    assert _days(parsed) == ["2024-10-24", "2024-03-04", "2024-01-02"]
    assert (parsed.issues["action"] == "coerced").all()
    assert "month/day/year: '10/24/2024' has a day above 12 in second place" in parsed.issues["reason"].iloc[1]


def test_european_column_with_dots_is_read_day_first_throughout():
    parsed = _dates("24.10.2024", "03.04.2024 14:30")
    assert [str(d) for d in parsed.values] == ["2024-10-24T00:00:00.000000000", "2024-04-03T14:30:00.000000000"]
    assert "day/month/year" in parsed.issues["reason"].iloc[0]


def test_year_first_text_is_year_month_day():
    assert _days(_dates("2024/10/24", "2024.03.04")) == ["2024-10-24", "2024-03-04"]


def test_an_ambiguous_column_is_refused_naming_the_column_and_the_setting():
    with pytest.raises(SegmenterInputError, match=r"Order date: .*'03/04/2024'.*set date_format to DMY or MDY"):
        _dates("03/04/2024", "05/06/2024", refuse_ambiguous=True)


def test_date_format_resolves_an_ambiguous_column():
    assert _days(_dates("03/04/2024", refuse_ambiguous=True, date_format="DMY")) == ["2024-04-03"]
    assert _days(_dates("03/04/2024", refuse_ambiguous=True, date_format="MDY")) == ["2024-03-04"]


def test_a_column_showing_both_orders_is_refused():
    with pytest.raises(SegmenterInputError, match="day first.*month first"):
        _dates("24/10/2024", "10/24/2024", refuse_ambiguous=True)


def test_impossible_dates_are_rejected_one_by_one():
    parsed = _dates("31/02/2024", "24/10/2024")
    assert np.isnat(parsed.values[0]) and parsed.issues["action"].tolist() == ["rejected", "coerced"]


def test_transaction_list_with_european_dates_reads_and_an_ambiguous_one_names_the_date_column():
    rows = [["Customer", "Invoice date", "Amount"], ["a", "24.10.2024", 5.0], ["b", "03.04.2024", 7.0]]
    table = parse_transactions(rows)
    assert table.rows["date"].dt.strftime("%Y-%m-%d").tolist() == ["2024-10-24", "2024-04-03"]
    with pytest.raises(SegmenterInputError, match="^Invoice date: .*date_format"):
        parse_transactions(rows[:1] + [["a", "03.04.2024", 5.0], ["b", "05.06.2024", 7.0]])


@pytest.mark.parametrize(
    "text, expected",
    [
        ("dd.mm.yyyy", "DMY"),
        ("MDY", "MDY"),
        ("mm/dd/yyyy", "MDY"),
        ("auto", "auto"),
        ("ISO", "YMD"),
        ("Day first", "DMY"),
    ],
)
def test_date_format_setting_any_case(text, expected):
    assert date_format_setting(text) == expected
    assert config_from_mapping({"Date format": text}).date_format == expected


def test_unknown_date_format_is_refused():
    with pytest.raises(SegmenterInputError, match="date_format: unknown date format 'dmy please'"):
        config_from_mapping({"date_format": "dmy please"})


def test_date_option_is_read_by_the_same_rule():
    assert read_date_option("24.10.2024", "--observation-end") == pd.Timestamp("2024-10-24")
    assert read_date_option("03/04/2025", "--observation-end", "DMY") == pd.Timestamp("2025-04-03")
    with pytest.raises(
        SegmenterInputError, match="--observation-end: '03/04/2025' can be read day first or month first"
    ):
        read_date_option("03/04/2025", "--observation-end")
