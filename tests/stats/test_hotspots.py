"""Tests for saferplaces.stats.hotspots.

References
----------
* Gi* z-scores are compared directly with PySAL esda's analytical
  ``G_Local(y, w, transform="B", star=..., permutations=0).Zs`` (Ord and Getis
  1995), to 1e-9, on grids (libpysal ``lat2W``) and distance bands (libpysal
  ``DistanceBand``).
* Published Gi and Gi* z-scores: the ``G_Local`` docstring of esda 2.9.0
  (``esda/getisord.py``, pysal/esda commit
  c79b54df17d7f7f64d19d3e27594fe37180c00de): six points (10, 10), (20, 10),
  (40, 10), (15, 20), (30, 20), (30, 30), a 15-unit distance band, values 2, 3,
  3.2, 5, 8, 7 and binary weights give Gi z-scores -1.0136729, -0.04361589,
  1.31558703, -0.31412676, 1.15373986, 1.77833941 and Gi* z-scores
  -1.39727626, -0.28917762, 0.65064964, -0.28917762, 1.23452088, 2.02424331
  (printed to 8 decimals). Its row-standardised values are not used: esda's
  variance there assumes binary weights (docs/methods/hotspot-gistar.md).
* Multiple comparisons: the 15 p-values of Benjamini and Hochberg (1995,
  section 4.1); at 0.05 the BH procedure rejects the four smallest and Holm's
  procedure the three smallest. Adjusted values are also checked against
  statsmodels' ``multipletests``.
* Classification rules: sfhotspot ``hotspot_classify`` and
  ``hotspot_classify_params`` (Ashby), defaults 0.1 / 0.8 / 0.2 / 0.05.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse

from saferplaces.errors import InputError
from saferplaces.stats import (
    GiStarResult,
    adjust_p,
    distance_band_neighbours,
    grid_neighbours,
    hotspot_classify,
    hotspot_gistar,
)


def esda_z(y, w, star):
    # esda and libpysal are slow to import, so only the tests that use them do.
    from esda.getisord import G_Local

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return G_Local(y, w, transform="B", star=star, permutations=0).Zs


ESDA_POINTS = [(10, 10), (20, 10), (40, 10), (15, 20), (30, 20), (30, 30)]
ESDA_Y = [2, 3, 3.2, 5, 8, 7]
ESDA_GI = [-1.0136729, -0.04361589, 1.31558703, -0.31412676, 1.15373986, 1.77833941]
ESDA_GI_STAR = [-1.39727626, -0.28917762, 0.65064964, -0.28917762, 1.23452088, 2.02424331]


@pytest.mark.parametrize(("star", "published"), [(False, ESDA_GI), (True, ESDA_GI_STAR)])
def test_esda_docstring_published_z(star, published):
    w = distance_band_neighbours(ESDA_POINTS, 15)
    r = hotspot_gistar(ESDA_Y, w, star=star, p_adjust="none")
    np.testing.assert_allclose(r.z, published, rtol=0, atol=5e-9)
    # Unadjusted two-sided tests at 0.05: only a published |z| above 1.959964 is labelled.
    expected = ["hot" if z > 1.959964 else "cold" if z < -1.959964 else "none" for z in published]
    assert list(r.label) == expected


@pytest.mark.parametrize("star", [True, False])
@pytest.mark.parametrize("queen", [True, False])
def test_grid_matches_esda(star, queen):
    from libpysal.weights import lat2W

    rng = np.random.default_rng(7)
    y = rng.poisson(2.0, size=23 * 17).astype(float)
    ours = hotspot_gistar(y, grid_neighbours(23, 17, queen=queen), star=star, p_adjust="none")
    w = lat2W(23, 17, rook=not queen)
    theirs = esda_z(y, w, star)
    np.testing.assert_allclose(ours.z, theirs, rtol=0, atol=1e-9)
    # A libpysal W can be passed straight in.
    np.testing.assert_allclose(hotspot_gistar(y, w, star=star).z, ours.z, atol=1e-12)


@pytest.mark.parametrize("star", [True, False])
def test_distance_band_matches_esda(star):
    from libpysal.weights import DistanceBand

    rng = np.random.default_rng(11)
    pts = rng.uniform(0, 5000, size=(400, 2))
    y = rng.gamma(2.0, 3.0, size=400)
    ours = hotspot_gistar(y, distance_band_neighbours(pts, 600), star=star, p_adjust="none")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = DistanceBand(pts, threshold=600, binary=True, silence_warnings=True)
    np.testing.assert_allclose(ours.z, esda_z(y, w, star), rtol=0, atol=1e-9)


def test_grid_neighbours_match_libpysal():
    from libpysal.weights import lat2W

    for queen in (True, False):
        ours = grid_neighbours(6, 9, queen=queen, include_self=False).toarray()
        theirs = lat2W(6, 9, rook=not queen).full()[0]
        np.testing.assert_array_equal(ours, theirs)
    with_self = grid_neighbours(6, 9).toarray()
    np.testing.assert_array_equal(np.diag(with_self), np.ones(54))


def test_distance_band_is_inclusive():
    w = distance_band_neighbours([[0, 0], [300, 400], [0, 501]], 500).toarray()
    assert w[0, 1] == 1 and w[1, 0] == 1  # exactly 500 m apart
    assert w[0, 2] == 0
    assert w.trace() == 0
    assert distance_band_neighbours([[0, 0], [1, 1]], 5, include_self=True).toarray().trace() == 2


def test_star_always_counts_self():
    rng = np.random.default_rng(3)
    y = rng.poisson(4.0, size=100).astype(float)
    a = hotspot_gistar(y, grid_neighbours(10, 10, include_self=False))
    b = hotspot_gistar(y, grid_neighbours(10, 10, include_self=True))
    np.testing.assert_allclose(a.z, b.z)
    dense = grid_neighbours(10, 10).toarray() * 3.0  # any non-zero weight counts as 1
    np.testing.assert_allclose(hotspot_gistar(y, dense).z, a.z)


BH_P = [0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344,
        0.0459, 0.3240, 0.4262, 0.5719, 0.6528, 0.7590, 1.000]  # fmt: skip


def test_multiple_comparison_adjustments():
    from statsmodels.stats.multitest import multipletests

    p = np.array(BH_P)
    assert np.sum(adjust_p(p, "fdr") < 0.05) == 4
    assert np.sum(adjust_p(p, "holm") < 0.05) == 3
    rng = np.random.default_rng(5)
    q = rng.uniform(size=50) ** 3
    for ours, theirs in (("holm", "holm"), ("fdr", "fdr_bh")):
        np.testing.assert_allclose(adjust_p(q, ours), multipletests(q, method=theirs)[1])
    np.testing.assert_array_equal(adjust_p(q, "none"), q)


def test_labels_hot_and_cold():
    c = np.full((12, 12), 2.0)
    c[1:4, 1:4] = 12
    c[8:11, 8:11] = 0
    c[0:2, 10:12] = 0
    r = hotspot_gistar(c.ravel(), grid_neighbours(12, 12), p_adjust="fdr")
    assert isinstance(r, GiStarResult)
    assert r.label[2 * 12 + 2] == "hot"
    assert r.label[6 * 12 + 0] == "none"
    assert all(lab in {"hot", "cold", "none"} for lab in r.label)
    assert np.all(r.p_adjusted >= r.p)
    assert any("Benjamini" in a for a in r.assumptions)


def test_constant_values_give_zero_and_say_so():
    r = hotspot_gistar(np.ones(16), grid_neighbours(4, 4))
    assert np.all(r.z == 0)
    assert set(r.label) == {"none"}
    assert r.assumptions


@pytest.mark.parametrize(
    ("call", "word"),
    [
        (lambda: hotspot_gistar([1, 2, 3], grid_neighbours(2, 2)), "neighbours"),
        (lambda: hotspot_gistar([1, 2, 3, 4], grid_neighbours(2, 2), p_adjust="bonf"), "p_adjust"),
        (lambda: hotspot_gistar([1, 2, np.nan, 4], grid_neighbours(2, 2)), "values"),
        (lambda: grid_neighbours(0, 3), "n_rows"),
        (lambda: distance_band_neighbours([[0, 0]], -1), "threshold"),
        (lambda: distance_band_neighbours([0, 0, 1], 10), "points"),
        (lambda: hotspot_classify(np.zeros(9), grid_neighbours(3, 3)), "counts_by_period"),
    ],
)
def test_bad_arguments(call, word):
    with pytest.raises(InputError, match=word):
        call()


@settings(max_examples=25, deadline=None)
@given(st.permutations(list(range(36))), st.floats(0.1, 100), st.floats(0, 100))
def test_invariants(perm, scale, shift):
    rng = np.random.default_rng(9)
    y = rng.poisson(3.0, size=36).astype(float)
    w = grid_neighbours(6, 6)
    base = hotspot_gistar(y, w, p_adjust="none")
    # Relabelling the cells (with the weights) only relabels the results.
    p = np.array(perm)
    moved = hotspot_gistar(y[p], w[p][:, p], p_adjust="none")
    np.testing.assert_allclose(moved.z, base.z[p], atol=1e-9)
    # Gi* does not depend on the units or a constant offset of the values.
    np.testing.assert_allclose(hotspot_gistar(y * scale + shift, w).z, base.z, atol=1e-8)


def _classify_one(pattern, n_periods=10):
    counts = np.full((n_periods, 100), 1.0)
    for t in pattern:
        counts[t, [44, 45, 54, 55]] = 12
    return hotspot_classify(counts, grid_neighbours(10, 10)).label[55]


def test_classification_rules():
    assert _classify_one(range(10)) == "persistent-hotspot"
    assert _classify_one([8, 9]) == "emerging-hotspot"
    assert _classify_one([0, 1, 2, 3, 4]) == "former-hotspot"
    assert _classify_one([0, 4, 9]) == "intermittent-hotspot"
    assert _classify_one([]) == "no-pattern"


def test_classification_coldspot_and_sparse_input():
    counts = np.full((6, 64), 5.0)
    counts[:, [0, 1, 8, 9]] = 0
    w = sparse.coo_matrix(grid_neighbours(8, 8))
    r = hotspot_classify(counts, w, recent_prop=0.3)
    assert r.label[0] == "persistent-coldspot"
    assert r.recent_periods == 1
    assert r.hot.shape == (6, 64)


def ord_getis_z(y, w, star):
    """Ord and Getis (1995) Gi/Gi* z for general weights, written out with loops."""
    y = np.asarray(y, dtype=float)
    w = np.array(w, dtype=float)
    n = y.size
    out = []
    for i in range(n):
        row = w[i].copy()
        if star:
            row[i] = row[i] if row[i] else 1.0
            others = y
        else:
            row[i] = 0.0
            others = np.delete(y, i)
            row_o = np.delete(row, i)
        big_n = others.size
        xbar = others.mean()
        s = np.sqrt((others**2).mean() - xbar**2)
        wi = row.sum()
        s1 = (row**2).sum()
        local = (row * y).sum() if star else (row_o * others).sum()
        out.append((local - wi * xbar) / (s * np.sqrt((big_n * s1 - wi**2) / (big_n - 1))))
    return np.array(out)


@pytest.mark.parametrize("star", [True, False])
def test_general_weights_match_ord_getis_formula(star):
    rng = np.random.default_rng(11)
    pts = rng.uniform(0, 1000, size=(40, 2))
    d = np.hypot(*(pts[:, None, :] - pts[None, :, :]).transpose(2, 0, 1))
    w = np.where((d > 0) & (d < 300), 1.0 / np.maximum(d, 1.0), 0.0)  # inverse distance in a band
    y = rng.poisson(4, 40).astype(float)
    r = hotspot_gistar(y, w, star=star, weights="given", p_adjust="none")
    np.testing.assert_allclose(r.z, ord_getis_z(y, w, star), rtol=1e-10)
    assert r.weights == "given" and any("as given" in s for s in r.assumptions)


def test_row_standardised_equals_binary():
    # Rescaling a row leaves Ord and Getis's z unchanged (spdep localG behaves so);
    # esda's G_Local with transform="R" does not, because its variance assumes
    # binary weights (see docs/methods/hotspot-gistar.md).
    y = np.random.default_rng(2).poisson(3, 64).astype(float)
    for star in (True, False):
        binary = hotspot_gistar(y, grid_neighbours(8, 8), star=star, p_adjust="none")
        row = hotspot_gistar(y, grid_neighbours(8, 8), star=star, p_adjust="none", weights="row")
        np.testing.assert_allclose(row.z, binary.z, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(
            row.z, ord_getis_z(y, grid_neighbours(8, 8).toarray() / 9.0, star), rtol=1e-10, atol=1e-12
        )


def test_labels_are_enum_members():
    from saferplaces.stats import HotspotLabel

    c = np.full((10, 10), 1.0)
    c[4:7, 4:7] = 10
    r = hotspot_gistar(c.ravel(), grid_neighbours(10, 10))
    assert r.label[55] is HotspotLabel.HOT and r.label[55] == "hot"


# --- Review (hot): numerical accuracy, degenerate cells and esda's row-standardised values ---


def exact_ord_getis_z(y, w, star):
    """Ord and Getis (1995) z in exact rational arithmetic; None where it is undefined.

    The formula is spdep's ``localG`` (r-spatial/spdep, R/localG.R): Gi* uses all n values
    and ``(n S_i - W_i^2) / (n - 1)``, Gi the other n - 1 and ``((n-1) S_i - W_i^2) / (n - 2)``.
    Only the final square root is rounded, so this is a reference to about 1e-15.
    """
    from fractions import Fraction

    yf = [Fraction(v) for v in np.asarray(y, dtype=float)]
    wf = [[Fraction(v) for v in row] for row in np.asarray(w, dtype=float)]
    n = len(yf)
    out = []
    for i in range(n):
        row = list(wf[i])
        row[i] = (row[i] or Fraction(1)) if star else Fraction(0)
        idx = list(range(n)) if star else [j for j in range(n) if j != i]
        big_n = len(idx)
        xbar = sum(yf[j] for j in idx) / big_n
        s2 = sum((yf[j] - xbar) ** 2 for j in idx) / big_n
        wi = sum(row[j] for j in idx)
        si = sum(row[j] ** 2 for j in idx)
        num = sum(row[j] * yf[j] for j in idx) - wi * xbar
        den2 = s2 * (big_n * si - wi**2) / (big_n - 1)
        out.append(None if den2 == 0 else float(np.sign(num)) * float(num * num / den2) ** 0.5)
    return out


@pytest.mark.parametrize(("offset", "tol"), [(1e6, 5e-9), (1e9, 1e-7)])
@pytest.mark.parametrize(("star", "published"), [(False, ESDA_GI), (True, ESDA_GI_STAR)])
def test_offset_values_keep_esda_published_z(offset, tol, star, published):
    # Gi and Gi* do not change when a constant is added to every value. The mean of squares
    # minus the squared mean lost this to cancellation: at 1e6 the z-scores were off by 3e-5,
    # at 1e9 every cell was declared undefined (esda 2.9.0 has the same fault). At 1e9 the
    # stored values themselves are rounded by up to 6e-8, hence the wider tolerance there;
    # against the exact formula on the stored values the agreement is 1e-9.
    w = distance_band_neighbours(ESDA_POINTS, 15)
    y = np.array(ESDA_Y) + offset
    r = hotspot_gistar(y, w, star=star, p_adjust="none")
    np.testing.assert_allclose(r.z, published, rtol=0, atol=tol)
    np.testing.assert_allclose(r.z, exact_ord_getis_z(y, w.toarray(), star), rtol=0, atol=1e-9)


@pytest.mark.parametrize("style", ["binary", "row", "given"])
@pytest.mark.parametrize("star", [True, False])
def test_matches_exact_formula_on_awkward_inputs(style, star):
    rng = np.random.default_rng(21)
    w = grid_neighbours(5, 5, include_self=False).toarray()
    w[12, :] = w[:, 12] = 0  # an island in the middle
    if style == "given":
        w = w * rng.uniform(0.5, 2.0, size=w.shape)
    for y in (
        rng.poisson(2, 25).astype(float),
        1e7 + rng.poisson(2, 25),
        rng.gamma(2, 0.013, 25),  # small rates
        np.r_[np.zeros(24), 4.0],  # one busy cell among empty ones
    ):
        r = hotspot_gistar(y, w, star=star, weights=style, p_adjust="none")
        ref_w = w if style != "row" else _row_standardise(w, star)
        ref = exact_ord_getis_z(y, ref_w, star)
        expected = np.array([0.0 if z is None else z for z in ref])
        np.testing.assert_allclose(r.z, expected, rtol=0, atol=1e-9)
        undefined = sum(z is None for z in ref)
        assert any(f"{undefined} cell" in a for a in r.assumptions) == (undefined > 0)


def _row_standardise(w, star):
    w = np.array(w, dtype=float)
    if star:
        np.fill_diagonal(w, np.where(np.diag(w) > 0, np.diag(w), 1.0))
    sums = w.sum(axis=1, keepdims=True)
    return np.divide(w, sums, out=np.zeros_like(w), where=sums > 0)


def test_islands_as_esda():
    # An island (no neighbours) has no Gi (esda gives nan, we give 0 and say so); its Gi*
    # compares the cell with itself alone, as esda's G_Local(star=True) does.
    from libpysal.weights import W

    y = np.array([1.0, 2.0, 3.0, 4.0, 9.0])
    neigh = {0: [1, 2], 1: [0, 2], 2: [0, 1, 3], 3: [2], 4: []}
    m = np.zeros((5, 5))
    for i, js in neigh.items():
        m[i, js] = 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = W(neigh, silence_warnings=True)
        theirs_gi, theirs_star = esda_z(y, w, False), esda_z(y, w, True)
    gi = hotspot_gistar(y, m, star=False, p_adjust="none")
    assert np.isnan(theirs_gi[4]) and gi.z[4] == 0 and "1 cell had no usable" in gi.assumptions[0]
    np.testing.assert_allclose(gi.z[:4], theirs_gi[:4], rtol=0, atol=1e-12)
    np.testing.assert_allclose(hotspot_gistar(y, m, p_adjust="none").z, theirs_star, rtol=0, atol=1e-12)


@pytest.mark.parametrize(
    ("y", "w", "star", "style", "n_undefined"),
    [
        (np.full(100, 0.1), grid_neighbours(10, 10), True, "binary", 100),  # mean not exactly 0.1
        (np.full(100, 0.7), grid_neighbours(10, 10), False, "row", 100),
        (np.zeros(16), grid_neighbours(4, 4), True, "binary", 16),  # all-zero counts
        (np.r_[5.0, np.full(4, 0.1)], grid_neighbours(1, 5), False, "binary", 1),  # others equal
        (np.arange(7.0) ** 2, np.ones((7, 7)), True, "row", 7),  # every cell a neighbour
        (np.arange(11.0) ** 2, np.full((11, 11), 0.3), False, "given", 11),
        (np.arange(13.0), np.full((13, 13), 0.3), True, "given", 13),
    ],
)
def test_undefined_cells_are_zero_and_said(y, w, star, style, n_undefined):
    # Rounding used to leave such cells a tiny variance and a z of about 1e-8 (or worse),
    # reported as if it were a comparison.
    r = hotspot_gistar(y, w, star=star, weights=style, p_adjust="none")
    undefined = r.z == 0
    assert int(undefined.sum()) >= n_undefined
    assert any(a.startswith(f"{n_undefined} cell") for a in r.assumptions)
    assert set(np.array(r.label)[undefined]) == {"none"}


@pytest.mark.parametrize(("star", "published"), [(False, -0.62074534), (True, -0.62488094)])
def test_row_standardised_departs_from_esda_as_documented(star, published):
    # esda 2.9.0's tests (esda/tests/test_getisord.py, test_row_standardized and
    # test_star_row_standardized_values) publish Zs[0] for transform="R". They are
    # (row mean of the neighbours - mean) / sd, i.e. the binary variance with W_i = 1, not Ord
    # and Getis's; ours for row-standardised weights equal our binary ones.
    y = np.array(ESDA_Y)
    w = distance_band_neighbours(ESDA_POINTS, 15).toarray()
    ws = w + np.eye(6) if star else w
    others = y if star else np.delete(y, 0)
    assert (ws[0] @ y / ws[0].sum() - others.mean()) / others.std() == pytest.approx(published, abs=5e-9)
    r = hotspot_gistar(y, w, star=star, weights="row", p_adjust="none")
    assert r.z[0] == pytest.approx((ESDA_GI_STAR if star else ESDA_GI)[0], abs=5e-9)


def test_alpha_and_star_are_checked():
    y, w = np.arange(9.0), grid_neighbours(3, 3)
    with pytest.raises(InputError, match=r"'alpha' is 0, .*such as 0\.05"):
        hotspot_gistar(y, w, alpha=0)
    with pytest.raises(InputError, match="alpha"):
        hotspot_gistar(y, w, alpha="five")
    with pytest.raises(InputError, match="'star' is 'no'"):
        hotspot_gistar(y, w, star="no")
    # alpha is used as given: p-values of exactly 0.05 are not below 0.05.
    assert hotspot_gistar(y, w, alpha=0.05).label == hotspot_gistar(y, w, alpha=np.float64(0.05)).label
