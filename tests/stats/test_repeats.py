"""Tests for saferplaces.stats.repeats.

References
----------
* Repeat victimisation shares: Farrell and Pease (1993); the worked example
  in the issue ("24% of victims were repeat victims and were the victims in
  42% of crimes") is reproduced with 100 victims, 24 of them with 2 or 3
  crimes.
* Knox test (Knox 1964): the expected count under random re-assignment of
  times is S * T / P exactly; checked by enumerating every permutation of a
  small example.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saferplaces.errors import InputError
from saferplaces.stats import KnoxResult, RepeatResult, knox_test, repeats, wilson_interval


def test_issue_example_24_and_42_percent():
    # 76 victims once, 16 twice and 8 three times: 24 repeat victims of 100,
    # with 32 + 24 = 56 of the 132 crimes (42%).
    ids = list(range(76)) + [f"t{i}" for i in range(16)] * 2 + [f"r{i}" for i in range(8)] * 3
    r = repeats(ids)
    assert isinstance(r, RepeatResult)
    assert r.repeat_share == pytest.approx(0.24)
    assert r.share_of_events_on_repeats == pytest.approx(56 / 132)
    assert round(100 * r.share_of_events_on_repeats) == 42
    assert r.repeat_share_interval == pytest.approx(wilson_interval(24, 100))
    assert (r.n_ids, r.n_repeat_ids, r.n_events, r.max_events) == (100, 24, 132, 3)


def test_missing_ids_are_left_out_and_said():
    r = repeats(["a", "a", None, "", float("nan"), "b"])
    assert r.n_events == 3
    assert r.assumptions and "3" in r.assumptions[0]


@pytest.mark.parametrize("bad", [[], [None, ""], "abc", 5, [[1], [2]]])
def test_bad_ids(bad):
    with pytest.raises(InputError, match="'ids'"):
        repeats(bad)


@settings(deadline=None)
@given(st.lists(st.integers(0, 30), min_size=1, max_size=200), st.randoms())
def test_order_of_events_does_not_matter(ids, rnd):
    shuffled = ids[:]
    rnd.shuffle(shuffled)
    assert repeats(ids) == repeats(shuffled)


def _close_pairs(pts, t, s, tb):
    n = len(t)
    return sum(
        1
        for i in range(n)
        for j in range(i + 1, n)
        if math.dist(pts[i], pts[j]) <= s and abs(t[i] - t[j]) <= tb
    )


def test_knox_counts_and_exact_expectation():
    pts = [(0, 0), (80, 0), (0, 90), (3000, 0), (3050, 40), (9000, 9000)]
    t = [0, 5, 40, 10, 13, 100]
    r = knox_test(pts, t, space_band=100, time_band=7, permutations=99, seed=1)
    assert isinstance(r, KnoxResult)
    assert r.observed == _close_pairs(pts, t, 100, 7) == 2
    mean = np.mean([_close_pairs(pts, list(p), 100, 7) for p in itertools.permutations(t)])
    assert r.expected == pytest.approx(mean)
    assert r.ratio == pytest.approx(r.observed / r.expected)


def test_knox_detects_near_repeats_and_not_random():
    rng = np.random.default_rng(4)
    base = rng.uniform(0, 10_000, size=(150, 2))
    times = rng.uniform(0, 365, size=150)
    near = base[:40] + rng.normal(0, 30, size=(40, 2))
    near_t = times[:40] + rng.uniform(0, 5, size=40)
    pts = np.vstack([base, near])
    t = np.concatenate([times, near_t])
    hit = knox_test(pts, t, 200, 14, permutations=199, seed=2)
    assert hit.p < 0.01 and hit.ratio > 2
    null = knox_test(base, times, 200, 14, permutations=199, seed=2)
    assert null.p > 0.05
    again = knox_test(base, times, 200, 14, permutations=199, seed=2)
    assert again == null


@pytest.mark.parametrize(
    ("kwargs", "word"),
    [
        ({"points": [[0, 0]], "times": [1]}, "points"),
        ({"points": [[0, 0], [1, 1]], "times": [1]}, "times"),
        ({"points": [[0, 0], [1, 1]], "times": [1, 2], "space_band": 0}, "space_band"),
        ({"points": [[0, 0], [1, 1]], "times": [1, 2], "permutations": 5}, "permutations"),
    ],
)
def test_knox_bad_arguments(kwargs, word):
    args = {"space_band": 100, "time_band": 7, **kwargs}
    with pytest.raises(InputError, match=word):
        knox_test(**args)
