"""Tests for saferplaces.stats.harm.

Reference: ONS, "Research outputs: developing a Crime Severity Score for
England and Wales" (2016). The score multiplies each offence count by its
weight, adds them up and divides by the population; the published weights
include 7,979 for homicide and 3 for possession of cannabis (as reported at
launch, for example by the i newspaper, 30 November 2016).
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saferplaces.errors import InputError
from saferplaces.stats import HarmResult, harm

ONS_2016 = {"homicide": 7979.0, "possession of cannabis": 3.0}


def test_ons_style_score():
    r = harm({"homicide": 1, "possession of cannabis": 100}, ONS_2016, population=10_000)
    assert isinstance(r, HarmResult)
    assert r.total == pytest.approx(8279)
    assert r.score == pytest.approx(0.8279)
    assert r.per_1000 == pytest.approx(827.9)
    assert r.by_category["homicide"] == 7979
    assert r.share_by_category["possession of cannabis"] == pytest.approx(300 / 8279)


def test_without_population():
    r = harm({"homicide": 2}, ONS_2016)
    assert r.per_1000 is None and r.score is None
    assert r.assumptions


@pytest.mark.parametrize(
    ("counts", "weights", "pop", "word"),
    [
        ({"burglary": 3}, ONS_2016, None, "burglary"),
        ({"homicide": -1}, ONS_2016, None, "homicide"),
        ({"homicide": 1}, {"homicide": -2}, None, "weights"),
        ({"homicide": 1}, ONS_2016, 0, "population"),
        ({}, ONS_2016, None, "empty"),
        ([1, 2], ONS_2016, None, "counts_by_category"),
    ],
)
def test_bad_arguments(counts, weights, pop, word):
    with pytest.raises(InputError, match=word):
        harm(counts, weights, population=pop)


@settings(deadline=None)
@given(st.dictionaries(st.sampled_from(list("abcdefgh")), st.integers(0, 500), min_size=1))
def test_ward_harm_sums_to_district(counts):
    weights = {c: float(i + 1) ** 2 for i, c in enumerate("abcdefgh")}
    half = {k: v // 2 for k, v in counts.items()}
    rest = {k: v - half[k] for k, v in counts.items()}
    district = harm(counts, weights, population=5000)
    wards = harm(half, weights).total + harm(rest, weights).total
    assert wards == pytest.approx(district.total)
