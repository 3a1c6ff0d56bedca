"""Tests for saferplaces.stats.representation.

Reference: the issue's worked example, "5% of the population, 12% of
victims" gives an index of 240; the interval is the Wilson interval of the
event share (Newcombe 1998) divided by the population share.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saferplaces.errors import InputError
from saferplaces.stats import RepresentationResult, representation, wilson_interval


def test_five_percent_of_population_twelve_percent_of_victims():
    r = representation(120, 1000, 5_000, 100_000)
    assert isinstance(r, RepresentationResult)
    assert r.index == pytest.approx(240)
    lo, hi = wilson_interval(120, 1000)
    assert r.lower == pytest.approx(100 * lo / 0.05)
    assert r.upper == pytest.approx(100 * hi / 0.05)
    assert r.label == "over"


def test_similar_and_under():
    assert representation(6, 100, 5_000, 100_000).label == "similar"
    assert representation(10, 1000, 5_000, 100_000).label == "under"
    # Newcombe (1998): 15/148 has Wilson limits 0.0624 to 0.1605.
    r = representation(15, 148, 10, 100)
    assert r.lower == pytest.approx(62.4, abs=0.05)
    assert r.upper == pytest.approx(160.5, abs=0.05)


@pytest.mark.parametrize(
    ("args", "word"),
    [
        ((11, 10, 5, 100), "group_events"),
        ((1, 10, 500, 100), "group_population"),
        ((1, 0, 5, 100), "total_events"),
        ((-1, 10, 5, 100), "group_events"),
        ((1, 10, 0, 100), "group_population"),
    ],
)
def test_bad_arguments(args, word):
    with pytest.raises(InputError, match=word):
        representation(*args)


@settings(deadline=None)
@given(
    st.integers(1, 10_000).flatmap(lambda t: st.tuples(st.integers(0, t), st.just(t))),
    st.floats(0.001, 0.9),
)
def test_index_inside_interval(events, pop_share):
    ge, te = events
    r = representation(ge, te, pop_share * 1e6, 1e6)
    assert r.lower <= r.index <= r.upper
