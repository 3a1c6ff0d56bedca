"""Tests for saferplaces.stats.weights.

References
----------
* Contiguity and distance-band neighbours are compared with libpysal
  (``lat2W``, ``DistanceBand``) in tests/stats/test_hotspots.py.
* Row standardisation: each row divided by its sum, libpysal's
  ``transform="R"`` and spdep's ``style="W"``; compared here with libpysal.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse

from saferplaces.errors import InputError
from saferplaces.stats import as_weights, grid_neighbours


def test_row_standardised_matches_libpysal():
    from libpysal.weights import lat2W

    w = lat2W(5, 4, rook=False)
    w.transform = "R"
    ours = as_weights(grid_neighbours(5, 4, include_self=False), 20, self_weight=None, style="row")
    np.testing.assert_allclose(ours.toarray(), w.sparse.toarray())


def test_styles_and_diagonal():
    m = np.array([[0, 2.0, 0], [2.0, 0, 4.0], [0, 4.0, 0]])
    assert as_weights(m, 3, self_weight=True, style="binary").toarray().tolist() == [
        [1, 1, 0],
        [1, 1, 1],
        [0, 1, 1],
    ]
    given = as_weights(m, 3, self_weight=False, style="given").toarray()
    np.testing.assert_array_equal(given, m)
    given_self = as_weights(m + np.diag([5.0, 0, 0]), 3, self_weight=True, style="given").toarray()
    assert given_self[0, 0] == 5.0 and given_self[1, 1] == 1.0  # a diagonal the user gave is kept
    row = as_weights(sparse.csr_matrix(m), 3, self_weight=False, style="row").toarray()
    np.testing.assert_allclose(row.sum(axis=1), 1.0)


@pytest.mark.parametrize(
    ("neighbours", "style", "word"),
    [
        (np.ones((2, 2)), "binary", "2 by 2"),
        ([["a", "b"], ["c", "d"], ["e", "f"]], "binary", "not a matrix"),
        (-np.ones((3, 3)), "given", "negative"),
        (np.ones((3, 3)), "queen", "weights"),
    ],
)
def test_bad_arguments(neighbours, style, word):
    with pytest.raises(InputError, match=word):
        as_weights(neighbours, 3, self_weight=True, style=style)


@settings(max_examples=60, deadline=None)
@given(
    st.integers(2, 12).flatmap(
        lambda n: st.tuples(
            st.lists(
                st.lists(st.sampled_from([0.0, 0.0, 0.5, 1.0, 3.0]), min_size=n, max_size=n),
                min_size=n,
                max_size=n,
            ),
            st.permutations(list(range(n))),
        )
    ),
    st.sampled_from(["binary", "row", "given"]),
    st.sampled_from([True, False]),
)
def test_invariants(matrix_and_perm, style, self_weight):
    m, perm = np.array(matrix_and_perm[0]), matrix_and_perm[1]
    n = m.shape[0]
    w = as_weights(m, n, self_weight=self_weight, style=style).toarray()
    assert np.all(w >= 0)
    assert np.all(np.diag(w) > 0) if self_weight else np.all(np.diag(w) == 0)
    if style == "binary":
        assert set(np.unique(w)) <= {0.0, 1.0}
    if style == "row":
        sums = w.sum(axis=1)
        np.testing.assert_allclose(sums[sums > 0], 1.0)
    # Relabelling the places relabels the weights and changes nothing else.
    moved = as_weights(m[np.ix_(perm, perm)], n, self_weight=self_weight, style=style).toarray()
    np.testing.assert_allclose(moved, w[np.ix_(perm, perm)])
