"""Settings: defaults, the one parser of user text, and clear refusals."""

from __future__ import annotations

import numpy as np
import pytest

from core.cells import to_numbers
from core.config import ReportConfig, config_from_mapping, config_to_rows, effective_cutoffs
from core.errors import SegmenterInputError


def test_defaults_are_the_documented_ones():
    config = ReportConfig()
    assert (config.tier_method, effective_cutoffs(config), config.labels) == (
        "pareto",
        (0.8, 0.95),
        ("A", "B", "C", "D"),
    )
    assert (config.retention, config.discount, config.hhi_moderate, config.hhi_high) == (0.8, 0.1, 1000, 1800)


def test_settings_text_is_read_like_a_finance_user_writes_it():
    config = config_from_mapping(
        {
            "Tier method": "Threshold",
            "cutoffs": "1,000,000, 100,000",
            "Retention": "85%",
            "margin split": "25 %",
            "min_respondents": "20",
        }
    )
    assert config.tier_method == "threshold"
    assert config.cutoffs == (1_000_000.0, 100_000.0)
    assert config.retention == pytest.approx(0.85) and config.margin_split == pytest.approx(0.25)
    assert config.min_respondents == 20


def test_blank_values_keep_defaults_and_a_new_method_drops_old_cutoffs():
    base = config_from_mapping({"cutoffs": "0.7, 0.9"})
    assert config_from_mapping({"retention": None, "discount": ""}, base).cutoffs == (0.7, 0.9)
    assert config_from_mapping({"tier_method": "rank"}, base).cutoffs is None


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"tier_method": "biggest"}, "unknown tier method"),
        ({"cutoffs": "0.95, 0.8"}, "increasing"),
        ({"cutoffs": "80, 95"}, "between 0 and 1"),
        ({"tier_method": "threshold"}, "needs revenue bounds"),
        ({"retention": "1.2", "discount": "0.1"}, "retention"),
        ({"labels": "A, B"}, "labels needed"),
        ({"colour": "red"}, "unknown setting"),
        ({"retention": "lots"}, "expected a number"),
        ({"tier_method": "computed", "cutoffs": "0.8"}, "finds its own cutoffs"),
    ],
)
def test_invalid_settings_are_refused_with_a_clear_message(values, message):
    with pytest.raises(SegmenterInputError, match=message):
        config_from_mapping(values)


def test_settings_rows_round_trip():
    config = ReportConfig(tier_method="rank", cutoffs=(0.1, 0.4), retention=0.7)
    rows = {name: value for name, value, _ in config_to_rows(config)}
    assert config_from_mapping(rows) == config


def test_a_share_is_25_percent_or_0_25_and_25_is_refused_with_one_wording():
    assert (
        config_from_mapping({"margin_split": "25%"}).margin_split
        == config_from_mapping({"margin_split": 0.25}).margin_split
    )
    for name in ("margin_split", "retention", "growth_band"):
        with pytest.raises(
            SegmenterInputError, match=f"^{name}: must be a share between .* typed as 25% or 0.25; got 25"
        ):
            config_from_mapping({name: "25"})


def test_amount_settings_refuse_a_percent_and_overflowing_text():
    with pytest.raises(SegmenterInputError, match="revenue_split: takes an amount in the data's currency, not a %"):
        config_from_mapping({"revenue_split": "10%"})
    with pytest.raises(SegmenterInputError, match="expected a number, got '1e400': not a finite number"):
        config_from_mapping({"revenue_split": "1e400"})


def test_a_setting_is_read_as_the_same_text_in_a_cell_would_be():
    assert config_from_mapping({"retention": "0.8"}).retention == 0.8
    assert config_from_mapping({"retention": "80%"}).retention == 0.8
    assert config_from_mapping({"revenue_split": "1.234,5"}).revenue_split == 1234.5
    # "0,8" is 0.8 with a decimal comma and 8 with a thousands comma: a cell refuses it, so does Settings
    with pytest.raises(SegmenterInputError, match="^retention: expected a number, got '0,8': .*decimal comma"):
        config_from_mapping({"retention": "0,8"})
    texts = np.array(["0.8", "80%", "1.234,5", "0,8"], dtype=object)
    cells = to_numbers(texts, column="x", sheet_rows=np.arange(4), percent_ok=True)
    assert cells.values[:3].tolist() == [0.8, 0.8, 1234.5] and np.isnan(cells.values[3])
    assert "decimal comma" in cells.issues["reason"].iloc[-1]
