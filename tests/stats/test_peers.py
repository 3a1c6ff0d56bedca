"""Tests for saferplaces.stats.peers.

The method (standardised features, Euclidean distance) is the one described
for the Home Office Most Similar Groups (Harper et al. 2002); there are no
public reference lists, so the tests check the distances by hand and the
invariants the method promises.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saferplaces.errors import InputError
from saferplaces.stats import RECOMMENDED_FEATURES, peer_group

FEATURES = {
    "Stoke-on-Trent": [28.0, 34.0, 0.12],
    "Newcastle-under-Lyme": [6.0, 20.0, 0.14],
    "Stafford": [2.2, 14.0, 0.10],
    "Cannock Chase": [8.0, 22.0, 0.10],
    "Tamworth": [25.0, 21.0, 0.10],
    "Lichfield": [3.0, 12.0, 0.09],
}


def test_distances_by_hand():
    x = np.array(list(FEATURES.values()))
    z = (x - x.mean(axis=0)) / x.std(axis=0)
    names = list(FEATURES)
    i = names.index("Stafford")
    expected = sorted((math.dist(z[i], z[j]), names[j]) for j in range(len(names)) if j != i)
    got = peer_group(FEATURES, "Stafford", k=5)
    assert [n for n, _ in got] == [n for _, n in expected]
    assert [d for _, d in got] == pytest.approx([d for d, _ in expected])


def test_named_features_and_recommended_list():
    named = {a: dict(zip(RECOMMENDED_FEATURES[:3], v, strict=True)) for a, v in FEATURES.items()}
    assert peer_group(named, "Tamworth", k=3) == peer_group(FEATURES, "Tamworth", k=3)
    assert "population_density" in RECOMMENDED_FEATURES


def test_constant_feature_ignored():
    with_const = {a: [*v, 1.0] for a, v in FEATURES.items()}
    assert peer_group(with_const, "Lichfield", k=4) == peer_group(FEATURES, "Lichfield", k=4)


@pytest.mark.parametrize(
    ("features", "area", "k", "word"),
    [
        (FEATURES, "Leek", 3, "area"),
        (FEATURES, "Stafford", 6, "'k'"),
        (FEATURES, "Stafford", 0, "'k'"),
        ({"A": [1, 2], "B": [1]}, "A", 1, "different numbers"),
        ({"A": [1, 2]}, "A", 1, "at least two"),
        ({"A": [1, 2], "B": [1, float("nan")]}, "A", 1, "missing"),
        ({"A": [1, 2], "B": [1, 2]}, "A", 1, "same for all"),
    ],
)
def test_bad_arguments(features, area, k, word):
    with pytest.raises(InputError, match=word):
        peer_group(features, area, k=k)


@settings(max_examples=30, deadline=None)
@given(st.permutations(list(FEATURES)), st.floats(0.01, 1000), st.floats(-100, 100))
def test_order_units_and_offsets_do_not_matter(order, scale, shift):
    base = peer_group(FEATURES, "Cannock Chase", k=4)
    moved = {a: [FEATURES[a][0] * scale + shift, FEATURES[a][1], FEATURES[a][2]] for a in order}
    got = peer_group(moved, "Cannock Chase", k=4)
    assert [n for n, _ in got] == [n for n, _ in base]
    assert [d for _, d in got] == pytest.approx([d for _, d in base], rel=1e-9, abs=1e-9)
