"""Indicator values counted from a store of the bundled police.uk months.

Expected counts are read from the raw CSV files with the csv module and the ONS
lookup (tests/conftest.py), not through the product's store.
"""

from __future__ import annotations

import pytest

from saferplaces.errors import InputError
from saferplaces.indicators import indicator_series, validate_query
from saferplaces.stats import rate
from tests.conftest import raw_counts_by_type

ASB = "Anti-social behaviour"
EAST_STAFFS = "E07000193"


def test_financial_years_match_the_raw_files(bundled_store):
    series = indicator_series(bundled_store, validate_query({"area": EAST_STAFFS, "crime_types": [ASB]}))
    assert series.area.name == "East Staffordshire"
    assert series.description == "Anti-social behaviour in East Staffordshire, by financial year"
    assert [p.period for p in series.points] == ["2017/18", "2018/19", "2023/24", "2024/25", "2025/26"]
    latest = series.points[-1]
    months = [f"2025-{m:02d}" for m in range(4, 13)]
    assert latest.count == raw_counts_by_type(months, EAST_STAFFS, "2021")[ASB]
    assert latest.value == latest.count and latest.lower is None
    assert (latest.months_held, latest.months_in_period, latest.complete) == (9, 12, False)
    assert latest.coverage() == "9 of 12 months (April 2025 to December 2025)"
    assert sum(n for _, n in latest.monthly) == latest.count
    assert any("only part of" in a for a in series.assumptions)


def test_quarters_and_all_crime(bundled_store):
    q = validate_query({"area": EAST_STAFFS, "crime_types": "all", "grain": "quarter"})
    series = indicator_series(bundled_store, q)
    by_label = {p.period: p for p in series.points}
    expected = raw_counts_by_type(["2025-04", "2025-05", "2025-06"], EAST_STAFFS, "2021")
    assert by_label["2025/26 Q1"].count == sum(expected.values())
    assert by_label["2025/26 Q1"].complete


def test_rates_have_intervals_and_scale_part_periods(bundled_store):
    q = validate_query({"area": EAST_STAFFS, "crime_types": [ASB], "measure": "rate"})
    series = indicator_series(bundled_store, q)
    latest = series.points[-1]
    # 9 of 12 months held: the rate over those months, per 1,000 residents a year.
    expected = rate(latest.count, latest.population * 9 / 12)
    assert (latest.value, latest.lower, latest.upper) == (expected.value, expected.lower, expected.upper)
    assert latest.lower < latest.value < latest.upper
    assert latest.population_year == 2021  # the latest estimate held
    assert series.unit == "per 1,000 residents"


def test_unknown_area_and_empty_store(bundled_store, store):
    with pytest.raises(InputError, match="Nowhere"):
        indicator_series(bundled_store, validate_query({"area": "Nowhere"}))
    with pytest.raises(InputError, match="holds no police.uk data for East Staffordshire"):
        indicator_series(store, validate_query({"area": EAST_STAFFS}))
