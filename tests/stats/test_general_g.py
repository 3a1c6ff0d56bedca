"""Tests for saferplaces.stats.general_g.

References
----------
* PySAL esda, ``esda/getisord.py``, class ``G`` docstring (pysal/esda commit
  c79b54df17d7f7f64d19d3e27594fe37180c00de; the same in esda 2.9.0, the version
  installed from uv.lock): six points
  (10, 10), (20, 10), (40, 10), (15, 20), (30, 20), (30, 30), a 15-unit
  distance band, values 2, 3, 3.2, 5, 8, 7: G = 0.557 and one-sided normal
  p-value 0.173 (our ``p_norm`` is two-sided, so 0.346).
* Permutation inference: for the six points every one of the 6! = 720 orderings of the
  values is enumerated, with G written out as sum_ij w_ij y_i y_j / sum_{i != j} y_i y_j.
  Getis and Ord's moments are those of this permutation distribution, so its mean and
  variance equal the analytical expectation and variance exactly; the exact one-sided
  permutation p-value (the smaller tail, as esda folds it) is 164/720.
* Expectation, variance and z are compared directly with ``esda.G``
  (analytical moments of Getis and Ord 1992) on random data, to 1e-10.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saferplaces.errors import InputError
from saferplaces.stats import GeneralGResult, distance_band_neighbours, general_g, grid_neighbours

POINTS = [(10, 10), (20, 10), (40, 10), (15, 20), (30, 20), (30, 30)]
Y = [2, 3, 3.2, 5, 8, 7]


def test_esda_docstring_example():
    r = general_g(Y, distance_band_neighbours(POINTS, 15), permutations=0)
    assert isinstance(r, GeneralGResult)
    assert round(r.g, 3) == 0.557
    assert round(r.p_norm / 2, 3) == 0.173
    assert r.p_sim is None


@pytest.mark.parametrize("side", [6, 11])
def test_matches_esda_moments(side):
    from esda.getisord import G
    from libpysal.weights import lat2W

    y = np.random.default_rng(side).poisson(3.0, side * side).astype(float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = G(y, lat2W(side, side, rook=False), permutations=0)
    ours = general_g(y, grid_neighbours(side, side, include_self=False), permutations=0)
    assert ours.g == pytest.approx(theirs.G, rel=1e-10)
    assert ours.expected == pytest.approx(theirs.EG, rel=1e-10)
    assert ours.variance == pytest.approx(theirs.VG, rel=1e-8)
    assert ours.z == pytest.approx(theirs.z_norm, rel=1e-8)


def test_moments_and_pseudo_p_match_every_permutation():
    import itertools

    y = np.array(Y, dtype=float)
    pts = np.array(POINTS, dtype=float)
    d = np.hypot(*(pts[:, None, :] - pts[None, :, :]).transpose(2, 0, 1))
    w = ((d > 0) & (d <= 15)).astype(float)
    den = y.sum() ** 2 - (y**2).sum()
    every = np.array([y[list(p)] @ w @ y[list(p)] / den for p in itertools.permutations(range(6))])
    g = y @ w @ y / den
    r = general_g(Y, distance_band_neighbours(POINTS, 15), permutations=9999, seed=1)
    assert r.g == pytest.approx(g, rel=1e-12)
    assert r.expected == pytest.approx(every.mean(), rel=1e-12)
    assert r.variance == pytest.approx(every.var(), rel=1e-10)
    larger = int((every >= g - 1e-12).sum())
    assert larger == 164
    exact = min(larger, every.size - larger) / every.size
    # 9999 shuffles estimate the exact value with a standard error of about 0.004.
    assert abs(r.p_sim - exact) < 4 * np.sqrt(exact * (1 - exact) / 9999)


def test_permutation_inference_is_repeatable_and_sensible():
    w = grid_neighbours(8, 8, include_self=False)
    clustered = np.zeros((8, 8))
    clustered[:3, :3] = 10
    a = general_g(clustered.ravel(), w, permutations=199, seed=3)
    b = general_g(clustered.ravel(), w, permutations=199, seed=3)
    assert a.p_sim == b.p_sim
    assert a.p_sim == pytest.approx(1 / 200)  # no shuffle is as clustered
    assert a.z > 3 and a.z_sim > 3
    assert any("199 random shuffles" in s for s in a.assumptions)


@pytest.mark.parametrize(
    ("kwargs", "word"),
    [
        ({"values": [1, 2, 3]}, "values"),
        ({"values": [1, -2, 3, 4]}, "negative"),
        ({"values": [0, 0, 0, 5]}, "Fewer than two"),
        ({"values": [1, 2, 3, 4], "permutations": -1}, "permutations"),
        ({"values": [1, 2, 3, 4], "neighbours": np.zeros((4, 4))}, "neighbour"),
        ({"values": [1, 2, 3, 4], "neighbours": np.ones((3, 3))}, "neighbours"),
    ],
)
def test_bad_arguments(kwargs, word):
    kwargs.setdefault("neighbours", grid_neighbours(2, 2, include_self=False))
    with pytest.raises(InputError, match=word):
        general_g(**kwargs)


@settings(max_examples=25, deadline=None)
@given(st.permutations(list(range(9))), st.floats(0.1, 100))
def test_invariants(perm, scale):
    # Relabelling places (with their weights) and rescaling the values change nothing.
    y = np.arange(1.0, 10.0) ** 1.5
    w = grid_neighbours(3, 3, include_self=False).toarray()
    base = general_g(y, w, permutations=0)
    p = np.array(perm)
    moved = general_g(y[p] * scale, w[np.ix_(p, p)], permutations=0)
    assert moved.g == pytest.approx(base.g, rel=1e-9)
    assert moved.z == pytest.approx(base.z, rel=1e-7, abs=1e-9)
    assert 0 <= base.p_norm <= 1


# --- Review (hot): published values to more places, degenerate inputs, exact moments ---


@pytest.mark.parametrize("scale", [1.0, 1e-150, 1e13])
def test_esda_published_values_any_scale(scale):
    # esda 2.9.0 esda/tests/test_getisord.py (TestGetisG.test_default): G = 0.55709779 and the
    # one-sided p_norm = 0.172936. G does not change when every value is multiplied by the same
    # number; the fourth powers overflowed at 1e200 (an OverflowError). Values beyond 1e15 are
    # now refused by the shared number check, so 1e13 is the largest scale here.
    r = general_g(np.array(Y) * scale, distance_band_neighbours(POINTS, 15), permutations=0)
    assert r.g == pytest.approx(0.55709779, abs=5e-9)
    assert r.p_norm / 2 == pytest.approx(0.172936, abs=5e-7)


def test_moments_match_every_permutation_with_asymmetric_weights_and_an_island():
    # Getis and Ord's E[G] and Var[G] are the mean and variance of G over all n! arrangements
    # of the values, for any binary weights: checked by enumerating 7! = 5040 of them with a
    # one-way link (0 -> 1 only) and a place with no neighbours (6).
    import itertools

    y = np.array([1.0, 4.0, 2.0, 7.0, 3.0, 5.0, 6.5])
    w = np.zeros((7, 7))
    for i, j in [(0, 1), (1, 2), (2, 1), (2, 3), (3, 2), (3, 4), (4, 3), (4, 5), (5, 4), (5, 0)]:
        w[i, j] = 1.0
    den = y.sum() ** 2 - (y**2).sum()
    every = np.array([y[list(p)] @ w @ y[list(p)] / den for p in itertools.permutations(range(7))])
    r = general_g(y, w, permutations=0)
    assert r.g == pytest.approx(y @ w @ y / den, rel=1e-12)
    assert r.expected == pytest.approx(every.mean(), rel=1e-12)
    assert r.variance == pytest.approx(every.var(), rel=1e-9)


@pytest.mark.parametrize(
    ("values", "neighbours"),
    [
        (np.full(9, 3.0), grid_neighbours(3, 3, include_self=False)),  # all values equal
        (np.arange(1.0, 7.0), np.ones((6, 6))),  # every place neighbours every other
    ],
)
def test_no_arrangement_differs_so_nothing_is_significant(values, neighbours):
    # Every shuffle gives the observed G. The folded count min(k, permutations - k) with k the
    # shuffles >= G made that 0, a pseudo p of 1/1000 ("clustered"), and rounding gave z_sim 1.
    r = general_g(values, neighbours, permutations=999, seed=4)
    assert (r.z, r.p_norm, r.p_sim, r.z_sim, r.variance) == (0.0, 1.0, 1.0, 0.0, 0.0)
    assert any("Every arrangement" in a for a in r.assumptions)


@pytest.mark.parametrize("seed", ["a", -1, 2.5, True])
def test_bad_seed(seed):
    with pytest.raises(InputError, match="'seed'"):
        general_g([1, 2, 3, 4], grid_neighbours(2, 2, include_self=False), permutations=9, seed=seed)
