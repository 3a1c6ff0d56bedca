"""Tests for saferplaces.stats.kde.

References
----------
* Quartic (biweight) kernel K(u) = 3/pi (1 - u^2)^2 for u < 1 in two
  dimensions: Silverman (1986), equation 4.5; its peak is 3/(pi h^2).
* Bandwidth rule ``4 * 1.06 * min(sd, IQR / 1.34) * n^(-1/5)``:
  ``MASS::bandwidth.nrd`` (Venables and Ripley 2002).
* Cell size: sfhotspot's rule of 50 cells on the shorter side.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.spatial.distance import cdist

from saferplaces.errors import InputError
from saferplaces.stats import KdeResult, hotspot_kde, quartic_kernel


def plain_kde(pts, xc, yc, h):
    gx, gy = np.meshgrid(xc, yc)
    d = cdist(np.column_stack([gx.ravel(), gy.ravel()]), pts)
    return (quartic_kernel(d, h).sum(axis=1) * 1e6).reshape(yc.size, xc.size)


def test_kernel_peak_and_mass():
    assert quartic_kernel(0.0, 100.0) == pytest.approx(3 / (np.pi * 100.0**2))
    assert quartic_kernel(100.0, 100.0) == 0.0
    # Integrates to one: sum over a fine 1 m grid.
    g = np.arange(-100, 100) + 0.5
    xx, yy = np.meshgrid(g, g)
    assert quartic_kernel(np.hypot(xx, yy), 100.0).sum() == pytest.approx(1.0, rel=1e-3)


def test_matches_plain_scipy_implementation():
    rng = np.random.default_rng(2)
    pts = np.vstack([rng.normal(0, 400, (300, 2)), rng.uniform(-1500, 1500, (200, 2))])
    r = hotspot_kde(pts, cell_size=50, bandwidth=250)
    assert isinstance(r, KdeResult)
    np.testing.assert_allclose(r.density, plain_kde(pts, r.x_centres, r.y_centres, 250), atol=1e-9)


def test_point_on_a_cell_centre_counts():
    r = hotspot_kde([[150.0, 150.0]], cell_size=100, bandwidth=150, bounds=(0, 0, 300, 300))
    assert r.density[1, 1] == pytest.approx(3 / (np.pi * 150.0**2) * 1e6)


def test_defaults_are_announced():
    rng = np.random.default_rng(4)
    pts = rng.normal(0, 1000, size=(500, 2))
    r = hotspot_kde(pts)
    short = min(np.ptp(pts[:, 0]), np.ptp(pts[:, 1]))
    assert r.cell_size == np.floor(short / 50 / 10) * 10
    nrd = [
        4 * 1.06 * min(v.std(ddof=1), np.subtract(*np.percentile(v, [75, 25])) / 1.34) * 500**-0.2
        for v in pts.T
    ]
    assert r.bandwidth == pytest.approx(np.mean(nrd))
    assert len(r.assumptions) == 2
    # Total mass is about the number of points (a little leaks past the edge).
    assert r.density.sum() * r.cell_size**2 / 1e6 == pytest.approx(500, rel=0.03)


@pytest.mark.parametrize(
    ("kwargs", "word"),
    [
        ({"points": [[0, 0]], "kernel": "gaussian"}, "kernel"),
        ({"points": [0, 0]}, "points"),
        ({"points": [[0, 0]], "cell_size": -5}, "cell_size"),
        ({"points": [[0, 0], [10, 10]], "bandwidth": 0}, "bandwidth"),
        ({"points": [[0, 0]], "bounds": (0, 0, -1, 5)}, "bounds"),
        ({"points": [[0, np.nan]]}, "points"),
    ],
)
def test_bad_arguments(kwargs, word):
    with pytest.raises(InputError, match=word):
        hotspot_kde(**kwargs)


@settings(max_examples=15, deadline=None)
@given(st.permutations(list(range(40))))
def test_order_of_points_does_not_matter(perm):
    rng = np.random.default_rng(8)
    pts = rng.uniform(0, 2000, size=(40, 2))
    a = hotspot_kde(pts, cell_size=100, bandwidth=300)
    b = hotspot_kde(pts[list(perm)], cell_size=100, bandwidth=300)
    np.testing.assert_allclose(a.density, b.density, atol=1e-9)


def test_weights_equal_repeated_points():
    pts = [[120.0, 340.0], [560.0, 610.0], [800.0, 200.0]]
    weighted = hotspot_kde(pts, cell_size=50, bandwidth=250, bounds=(0, 0, 1000, 1000), weights=[3, 1, 0])
    repeated = hotspot_kde(pts[:1] * 3 + pts[1:2], cell_size=50, bandwidth=250, bounds=(0, 0, 1000, 1000))
    np.testing.assert_allclose(weighted.density, repeated.density, rtol=1e-12, atol=1e-12)
    assert any("weight" in a for a in weighted.assumptions)
    with pytest.raises(InputError, match="weights"):
        hotspot_kde(pts, cell_size=50, bandwidth=250, weights=[1, 2])
    with pytest.raises(InputError, match="negative"):
        hotspot_kde(pts, cell_size=50, bandwidth=250, weights=[1, -2, 1])


def test_zero_interquartile_range_is_said():
    # MASS::bandwidth.nrd gives 4 * 1.06 * min(sd, IQR / 1.34) * n^(-1/5), which is 0
    # when the IQR is 0; we use the sd for that coordinate and say so.
    x = np.array([500.0] * 6 + [100.0, 900.0])
    y = np.array([0.0, 100, 200, 300, 400, 500, 600, 700])
    r = hotspot_kde(np.column_stack([x, y]), cell_size=50)
    sd_x, n = x.std(ddof=1), x.size
    q75, q25 = np.percentile(y, [75, 25])
    nrd_y = 4 * 1.06 * min(y.std(ddof=1), (q75 - q25) / 1.34) * n ** (-0.2)
    assert r.bandwidth == pytest.approx(0.5 * (4 * 1.06 * sd_x * n ** (-0.2) + nrd_y))
    assert any("interquartile range there is 0" in a and "easting" in a for a in r.assumptions)


# --- Review (hot): MASS bandwidth.nrd, sfhotspot's unscaled kernel, degenerate input ---


def test_bandwidth_is_mass_nrd_averaged():
    # MASS::bandwidth.nrd (cran/VR, MASS/R/hist.scott.R): 4 * 1.06 * min(sqrt(var(x)),
    # (q75 - q25) / 1.34) * n^(-1/5), quartiles by R's default type 7. For x = 1, ..., 10:
    # sd = 3.0276504, IQR = 7.75 - 3.25 = 4.5, so min(3.0276504, 3.3582090) = 3.0276504 and
    # nrd = 4.24 * 3.0276504 * 10^(-0.2); for y = 1, 2, 4, ..., 512: sd = 164.9485, type-7
    # quartiles 4 + 0.25 * 4 = 5 and 64 + 0.75 * 64 = 112, so IQR / 1.34 = 107 / 1.34 = 79.85
    # is the smaller and nrd = 4.24 * 79.85 * 10^(-0.2). The mean of the two is 110.8606.
    x = np.arange(1.0, 11.0)
    y = 2.0 ** np.arange(10)
    r = hotspot_kde(np.column_stack([x, y]), cell_size=1)
    nrd_x = 4 * 1.06 * 3.0276503540974917 * 10 ** (-0.2)
    nrd_y = 4 * 1.06 * (107 / 1.34) * 10 ** (-0.2)
    assert r.bandwidth == pytest.approx(0.5 * (nrd_x + nrd_y), rel=1e-12)
    assert r.bandwidth == pytest.approx(110.8606, abs=5e-5)


def test_density_is_sfhotspot_kde_value_scaled():
    # sfhotspot's kde_value is SpatialKDE::kde with its default scaled = FALSE
    # (JanCaha/SpatialKDE, src/kde.cpp): the sum of w (1 - (d / h)^2)^2. Ours is that times
    # 3 / (pi h^2) per square metre, times 1e6 per square kilometre (docs/methods/hotspot-kde.md).
    pts = np.array([[120.0, 340.0], [560.0, 610.0], [800.0, 200.0], [130.0, 300.0]])
    wts = np.array([2.0, 1.0, 0.5, 1.0])
    h = 250.0
    r = hotspot_kde(pts, cell_size=50, bandwidth=h, bounds=(0, 0, 1000, 1000), weights=wts)
    gx, gy = np.meshgrid(r.x_centres, r.y_centres)
    d = cdist(np.column_stack([gx.ravel(), gy.ravel()]), pts)
    raw = (np.where(d <= h, (1 - (d / h) ** 2) ** 2, 0.0) * wts).sum(axis=1).reshape(r.density.shape)
    np.testing.assert_allclose(r.density, raw * 3 / (np.pi * h**2) * 1e6, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"points": [[500.0, 200.0]]}, "bounding box has no area"),  # one point
        ({"points": [[500.0, 200.0]] * 5}, "bounding box has no area"),  # all identical
        ({"points": [[0.0, 0.0], [100.0, 0.0], [300.0, 0.0]]}, "bounding box has no area"),
        ({"points": [[5.0, 5.0]], "bounds": (0, 0, 100, 100), "cell_size": 10}, "One point has no spread"),
        ({"points": [[5.0, 5.0]] * 4, "bounds": (0, 0, 100, 100), "cell_size": 10}, "all at one place"),
        ({"points": [[0, 0], [1e14, 1e14]]}, "wider than Great Britain"),
        ({"points": [[0, 0], [1e300, 1e300]]}, "too large to be"),
        ({"points": [[0, 0], [100, 100]], "weights": [0, 0]}, "weights"),
        ({"points": [[0, 0], [100, 100]], "bandwidth": [100, 200]}, "bandwidth"),
        ({"points": [[0, 0], [100, 100]], "bandwidth": 1e-300}, "bandwidth"),
        ({"points": [[0, 0], [100, 100]], "bandwidth": 1e300}, "bandwidth"),
        ({"points": [[0, 0], [100, 100]], "cell_size": [10, 20]}, "cell_size"),
        ({"points": [[0, 0], [100, 100]], "bounds": (0, 0, np.inf, 100)}, "bounds"),
        ({"points": [[0, 0], [100, 100]], "bounds": ("a", 0, 1, 100)}, "bounds"),
        ({"points": [[0, 0], [100, 100]], "bounds": 5}, "bounds"),
        ({"points": [[0, 0], [100, 100]], "bounds": (-1e308, 0, 1e308, 100)}, "too large to be"),
        ({"points": [[0, 0], [100, 100]], "bounds": (-1e14, 0, 1e14, 100)}, "cell"),
        ({"points": [[0, 0], [100, 100]], "bounds": (5e5, 5e5, 6e5, 6e5), "cell_size": 1000}, "No event"),
    ],
)
def test_degenerate_input_is_an_input_error(kwargs, words):
    # Each used to crash (OverflowError, ZeroDivisionError, TypeError), take the first of two
    # numbers, or return a grid of zeros or a kernel cut to one row of cells.
    with pytest.raises(InputError, match=words) as e:
        hotspot_kde(**kwargs)
    assert e.value.problem.endswith(".") and e.value.action.endswith(".")
