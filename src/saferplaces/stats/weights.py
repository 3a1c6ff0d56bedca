"""Spatial weights: who neighbours whom, and how much each neighbour counts.

Kept apart from the statistics that use them, as PySAL keeps its weights in
libpysal. Weights are ``scipy.sparse`` matrices with one row and column per
cell or place; a libpysal ``W`` or ``Graph`` is accepted wherever weights are
(through its ``sparse`` attribute).

* :func:`grid_neighbours`: rook or queen contiguity on a rectangular grid.
* :func:`distance_band_neighbours`: places within a distance of each other.
* :func:`as_weights`: any accepted input as a square CSR matrix, binary,
  row-standardised or as given, with the diagonal set for Gi* or Gi.

References
----------
.. [1] Rey SJ, Anselin L. PySAL: a Python library of spatial analytical
   methods. libpysal.weights. https://github.com/pysal/libpysal
.. [2] Bivand R. spdep: spatial dependence, weighting schemes and
   statistics. nb2listw (styles "B", "W"). https://github.com/r-spatial/spdep
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy import sparse

from saferplaces.errors import InputError
from saferplaces.stats._validate import validate_choice, validate_flag, validate_points, validate_positive

__all__ = ["WEIGHT_STYLES", "as_weights", "distance_band_neighbours", "grid_neighbours"]

#: "binary": any non-zero weight counts as 1 (spdep style "B", libpysal "B");
#: "row": each row divided by its sum (spdep "W", libpysal "R");
#: "given": the weights exactly as given (inverse distance, say).
WEIGHT_STYLES = ("binary", "row", "given")
#: The most cells a grid's neighbour matrix is made for: 10 million (a 1 km^2 grid of 10 m cells
#: is 10,000; England and Wales at 100 m are about 15 million, beyond any partnership's use).
MAX_GRID_CELLS = 10_000_000


def grid_neighbours(
    n_rows: int, n_cols: int, queen: bool = True, include_self: bool = True
) -> sparse.csr_matrix:
    """Binary contiguity weights for a rectangular grid of cells.

    Parameters
    ----------
    n_rows, n_cols
        Grid size. Cell ``(r, c)`` has index ``r * n_cols + c`` (row-major).
    queen
        Count diagonal cells as neighbours (queen contiguity, 8 neighbours);
        otherwise only edge-sharing cells (rook, 4 neighbours).
    include_self
        Put 1 on the diagonal (each cell is its own neighbour).

    Returns
    -------
    scipy.sparse.csr_matrix
        ``n_rows * n_cols`` square matrix of 0s and 1s.

    Examples
    --------
    >>> w = grid_neighbours(3, 3)
    >>> int(w[4].sum()), int(w[0].sum())
    (9, 4)
    """
    for name, v in (("n_rows", n_rows), ("n_cols", n_cols)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1:
            raise InputError(
                f"'{name}' is {v!r}, which is not a whole number of at least 1.",
                f"Give '{name}' as the number of cells, such as 100.",
            )
    queen = validate_flag(queen, "queen")
    include_self = validate_flag(include_self, "include_self")
    if int(n_rows) * int(n_cols) > MAX_GRID_CELLS:
        raise InputError(
            f"A grid of {int(n_rows):,} by {int(n_cols):,} cells is more than the {MAX_GRID_CELLS:,} cells "
            "a neighbour matrix is made for.",
            "Use larger cells (a coarser grid) for an area this size.",
        )
    n = n_rows * n_cols
    idx = np.arange(n).reshape(n_rows, n_cols)
    offsets = [(0, 1), (1, 0)] + ([(1, 1), (1, -1)] if queen else [])
    rows, cols = [], []
    for dr, dc in offsets:
        r0, r1 = 0, n_rows - dr
        c0, c1 = max(0, -dc), n_cols - max(0, dc)
        a = idx[r0:r1, c0:c1].ravel()
        b = idx[r0 + dr : r1 + dr, c0 + dc : c1 + dc].ravel()
        rows += [a, b]
        cols += [b, a]
    if include_self:
        rows.append(np.arange(n))
        cols.append(np.arange(n))
    r = np.concatenate(rows) if rows else np.array([], dtype=int)
    c = np.concatenate(cols) if cols else np.array([], dtype=int)
    data = np.ones(r.size)
    return sparse.csr_matrix((data, (r, c)), shape=(n, n))


def distance_band_neighbours(
    points: ArrayLike, threshold: float, include_self: bool = False
) -> sparse.csr_matrix:
    """Binary weights: points within ``threshold`` of each other (inclusive).

    Parameters
    ----------
    points
        ``(n, 2)`` coordinates in metres (EPSG:27700).
    threshold
        Distance band in metres; pairs at exactly this distance are neighbours.
    include_self
        Put 1 on the diagonal.

    Returns
    -------
    scipy.sparse.csr_matrix

    Examples
    --------
    >>> w = distance_band_neighbours([[0, 0], [100, 0], [300, 0]], 100)
    >>> w.toarray().astype(int).tolist()
    [[0, 1, 0], [1, 0, 0], [0, 0, 0]]
    """
    pts = validate_points(points)
    t = float(validate_positive(threshold, "threshold")[0])
    include_self = validate_flag(include_self, "include_self")
    from scipy.spatial import cKDTree  # loaded here: scipy.spatial is slow to import (issue #9)

    tree = cKDTree(pts)
    pairs = tree.query_pairs(t, output_type="ndarray")
    n = pts.shape[0]
    r = np.concatenate([pairs[:, 0], pairs[:, 1]])
    c = np.concatenate([pairs[:, 1], pairs[:, 0]])
    if include_self:
        r = np.concatenate([r, np.arange(n)])
        c = np.concatenate([c, np.arange(n)])
    return sparse.csr_matrix((np.ones(r.size), (r, c)), shape=(n, n))


def as_weights(neighbours: Any, n: int, self_weight: bool | None, style: str = "binary") -> sparse.csr_matrix:
    """``neighbours`` as an ``n`` by ``n`` CSR matrix of weights.

    Parameters
    ----------
    neighbours
        Sparse or dense matrix, or a libpysal ``W`` or ``Graph``.
    n
        Number of cells or places.
    self_weight
        ``True``: each place is its own neighbour (Gi*); a zero diagonal
        becomes 1 before any other step, a diagonal the user gave is kept
        for ``"given"``. ``False``: the diagonal is removed (Gi). ``None``:
        the diagonal is left as it is.
    style
        One of :data:`WEIGHT_STYLES`.

    Returns
    -------
    scipy.sparse.csr_matrix

    Examples
    --------
    >>> w = as_weights([[0, 2], [1, 0]], 2, self_weight=True, style="row")
    >>> w.toarray().tolist()
    [[0.333..., 0.666...], [0.5, 0.5]]
    """
    style = validate_choice(style, "weights", WEIGHT_STYLES)
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise InputError(
            f"'n' is {n!r}, which is not a whole number of at least 1.",
            "Give 'n' as the number of places, one per row of 'neighbours'.",
        )
    if not sparse.issparse(neighbours) and sparse.issparse(getattr(neighbours, "sparse", None)):
        neighbours = neighbours.sparse  # a libpysal W or Graph
    if sparse.issparse(neighbours):
        w = sparse.csr_matrix(neighbours, dtype=float, copy=True)
    else:
        try:
            w = sparse.csr_matrix(np.asarray(neighbours, dtype=float))
        except (TypeError, ValueError, OverflowError):
            raise InputError(
                "'neighbours' is not a matrix of weights.",
                "Use grid_neighbours() or distance_band_neighbours(), or an n by n matrix.",
            ) from None
    if w.shape != (n, n):
        raise InputError(
            f"'neighbours' is {w.shape[0]} by {w.shape[1]}, but there are {n} values.",
            "Give an n by n matrix with one row and column per cell.",
        )
    if not np.all(np.isfinite(w.data)) or np.any(w.data < 0):
        raise InputError(
            "'neighbours' contains a negative, missing or infinite weight.",
            "Give weights of zero or more.",
        )
    if style == "binary":
        w.data = (w.data != 0).astype(float)
    if self_weight is True:
        diag = w.diagonal()
        w.setdiag(np.where(diag > 0, diag, 1.0) if style == "given" else 1.0)
    elif self_weight is False:
        w.setdiag(0.0)
    w.eliminate_zeros()
    if style == "row":
        sums = np.asarray(w.sum(axis=1)).ravel()
        with np.errstate(divide="ignore"):
            scale = np.where(sums > 0, 1.0 / sums, 0.0)
        w = sparse.csr_matrix(sparse.diags(scale) @ w)
    return w
