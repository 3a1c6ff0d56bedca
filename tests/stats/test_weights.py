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
