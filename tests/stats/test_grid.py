"""Tests for saferplaces.stats.grid.

The default cell size follows sfhotspot's documented rule (50 cells on the
shorter side of the grid); the rest is checked by hand and by invariants:
every event inside the bounds is counted exactly once, whatever the order.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saferplaces.errors import InputError
from saferplaces.stats import GridCounts, default_cell_size, grid_counts, grid_neighbours


def test_counts_by_hand_and_edges():
    g = grid_counts(
        [[0, 0], [99.9, 0], [100, 0], [300, 200], [301, 50]], cell_size=100, bounds=(0, 0, 300, 200)
    )
    assert isinstance(g, GridCounts)
    assert g.counts.tolist() == [[2, 1, 0], [0, 0, 1]]
    assert g.outside == 1
    assert "outside" in g.assumptions[0]
    np.testing.assert_allclose(g.x_centres, [50, 150, 250])


def test_default_cell_size_rule():
    assert default_cell_size(0, 0, 5000, 9000) == 100.0
    assert default_cell_size(0, 0, 12_345, 20_000) == 240.0
    assert default_cell_size(0, 0, 100, 100) == 10.0
    pts = np.random.default_rng(1).uniform(0, 5000, size=(300, 2))
    g = grid_counts(pts)
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    assert g.cell_size == default_cell_size(lo[0], lo[1], hi[0], hi[1])
    assert f"{g.cell_size:g} m square" in g.assumptions[0]
    assert g.counts.sum() == 300


def test_lines_up_with_grid_neighbours_and_gistar():
    from saferplaces.stats import hotspot_gistar

    rng = np.random.default_rng(5)
    pts = np.vstack([rng.uniform(0, 2000, (400, 2)), rng.normal(1000, 60, (200, 2))])
    g = grid_counts(pts, cell_size=100, bounds=(0, 0, 2000, 2000))
    r = hotspot_gistar(g.counts.ravel(), grid_neighbours(*g.counts.shape))
    centre = 10 * g.counts.shape[1] + 10
    assert r.label[centre] == "hot"


@pytest.mark.parametrize(
    ("kwargs", "word"),
    [
        ({"points": [1, 2]}, "points"),
        ({"points": [[0, 0]], "cell_size": 0}, "cell_size"),
        ({"points": [[0, 0]], "bounds": (0, 0, 0, 10)}, "bounds"),
        ({"points": [[0, np.inf]]}, "points"),
    ],
)
def test_bad_arguments(kwargs, word):
    with pytest.raises(InputError, match=word):
        grid_counts(**kwargs)


@settings(max_examples=30, deadline=None)
@given(
    st.lists(st.tuples(st.floats(0, 5000), st.floats(0, 3000)), min_size=1, max_size=200),
    st.randoms(),
)
def test_every_event_counted_once_in_any_order(pts, rnd):
    g = grid_counts(pts, cell_size=250, bounds=(0, 0, 5000, 3000))
    assert g.counts.sum() == len(pts)
    shuffled = pts[:]
    rnd.shuffle(shuffled)
    h = grid_counts(shuffled, cell_size=250, bounds=(0, 0, 5000, 3000))
    np.testing.assert_array_equal(g.counts, h.counts)


@pytest.mark.parametrize(
    ("kwargs", "word"),
    [
        ({"points": [[5, 5]]}, "no area"),  # one point and no bounds: no grid to lay
        ({"points": [[0, 0], [10, 0]]}, "no area"),
        ({"points": [[5, 5]], "bounds": (0, 0, np.inf, 10)}, "bounds"),
        ({"points": [[5, 5]], "bounds": 7}, "bounds"),
        ({"points": [[5, 5]], "bounds": (0, 0, 10, 10), "cell_size": [1, 2]}, "cell_size"),
        ({"points": [[5, 5]], "bounds": (-1e308, 0, 1e308, 10), "cell_size": 1}, "too large to be"),
        ({"points": [[5, 5]], "bounds": (-1e14, 0, 1e14, 10), "cell_size": 1}, "cells"),
        ({"points": [[5, 5], [6, 6]], "bounds": (100, 100, 200, 200), "cell_size": 10}, "None of the 2"),
    ],
)
def test_degenerate_grids_are_input_errors(kwargs, word):
    # Before the review: OverflowError, TypeError, a silently truncated cell size, or an all-zero grid.
    with pytest.raises(InputError, match=word):
        grid_counts(**kwargs)
