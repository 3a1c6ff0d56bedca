"""Counting events in the cells of a regular grid in metres.

Hotspot methods work on counts per cell, including cells with no events.
:func:`grid_counts` lays a square grid over the events (EPSG:27700 metres) and
counts them; pass ``counts.ravel()`` with ``grid_neighbours(*counts.shape)``
to :func:`saferplaces.stats.hotspot_gistar`.

The default cell size, also used by :func:`saferplaces.stats.hotspot_kde`,
follows sfhotspot's 50 cells on the shorter side of the bounding box, but
rounds down to a multiple of 10 m (at least 10 m) where sfhotspot rounds down
to a multiple of 100 m (docs/methods/hotspot-kde.md).

References
----------
.. [1] Ashby MPJ. sfhotspot: hot-spot analysis with simple features.
   https://github.com/mpjashby/sfhotspot
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from saferplaces.errors import InputError
from saferplaces.stats._validate import validate_points, validate_scalar_positive, validate_vector
from saferplaces.wording import counted

__all__ = ["GridCounts", "default_cell_size", "grid_counts"]

CELLS_ON_SHORT_SIDE = 50
MAX_CELLS = 25_000_000


@dataclass(frozen=True)
class GridCounts:
    """Result of :func:`grid_counts`.

    Attributes
    ----------
    counts
        Array ``(n_rows, n_cols)`` of events per cell; row 0 is the southern
        edge, so cell ``(r, c)`` has index ``r * n_cols + c`` in
        ``counts.ravel()``, as in :func:`grid_neighbours`.
    x_centres, y_centres
        Easting of each column's and northing of each row's cell centre.
    cell_size
        In metres.
    outside
        Events outside the grid (only when ``bounds`` were given).
    assumptions
        Sentences describing defaults chosen by the code.
    """

    counts: np.ndarray
    x_centres: np.ndarray
    y_centres: np.ndarray
    cell_size: float
    outside: int
    assumptions: tuple[str, ...]


def default_cell_size(xmin: float, ymin: float, xmax: float, ymax: float) -> float:
    """50 cells on the shorter side (sfhotspot), rounded down to a multiple of 10 m.

    Examples
    --------
    >>> default_cell_size(0, 0, 12_345, 20_000)
    240.0
    """
    xmin, ymin, xmax, ymax = validate_vector([xmin, ymin, xmax, ymax], "bounds").tolist()
    short = min(xmax - xmin, ymax - ymin)
    if not short > 0:
        raise InputError(
            f"The bounds ({xmin:g}, {ymin:g}, {xmax:g}, {ymax:g}) enclose no area.",
            "Give xmin, ymin, xmax and ymax with each maximum above its minimum, in metres.",
        )
    return float(max(10.0, np.floor(short / CELLS_ON_SHORT_SIDE / 10.0) * 10.0))


def grid_frame(
    pts: np.ndarray, cell_size: float | None, bounds: tuple[float, float, float, float] | None
) -> tuple[float, float, float, float, float, list[str]]:
    """The grid's extent and cell size: given, or from the points and the sfhotspot rule.

    Returns ``(xmin, ymin, xmax, ymax, cell, assumptions)``; shared by grid counts and KDE.
    """
    assumptions: list[str] = []
    given_cell = None if cell_size is None else validate_scalar_positive(cell_size, "cell_size")
    if bounds is None:
        xmin, ymin = pts.min(axis=0)
        xmax, ymax = pts.max(axis=0)
        if not (xmax > xmin and ymax > ymin):
            raise InputError(
                "The points' bounding box has no area (one point, or all share an easting or a"
                " northing), so no grid can be laid over them.",
                "Give 'bounds' as (xmin, ymin, xmax, ymax) in metres (EPSG:27700).",
            )
    else:
        box = validate_vector(bounds, "bounds")
        if box.size != 4:
            raise InputError(f"'bounds' has {box.size} values.", "Give (xmin, ymin, xmax, ymax) in metres.")
        xmin, ymin, xmax, ymax = (float(b) for b in box)
        if not (xmax > xmin and ymax > ymin):
            raise InputError(
                f"'bounds' {tuple(bounds)!r} do not enclose an area.",
                "Give (xmin, ymin, xmax, ymax) with xmax > xmin and ymax > ymin.",
            )
    if given_cell is None:
        cell = default_cell_size(xmin, ymin, xmax, ymax)
        assumptions.append(f"Cells are {cell:g} m square (about {CELLS_ON_SHORT_SIDE} on the shorter side).")
    else:
        cell = given_cell
    return xmin, ymin, xmax, ymax, cell, assumptions


def grid_shape(xmin: float, ymin: float, xmax: float, ymax: float, cell: float) -> tuple[int, int]:
    """``(n_rows, n_cols)`` of the grid, at least one each; too many cells is an InputError."""
    with np.errstate(over="ignore"):
        cols = np.ceil((xmax - xmin) / cell - 1e-9)
        rows = np.ceil((ymax - ymin) / cell - 1e-9)
    if not (np.isfinite(cols) and np.isfinite(rows) and max(cols, 1) * max(rows, 1) <= MAX_CELLS):
        raise InputError(
            f"A {cell:g} m grid over this area has more than {MAX_CELLS:,} cells.",
            "Use a larger 'cell_size' or smaller 'bounds'.",
        )
    return max(1, int(rows)), max(1, int(cols))


def grid_counts(
    points: ArrayLike,
    cell_size: float | None = None,
    bounds: tuple[float, float, float, float] | None = None,
) -> GridCounts:
    """Count events in the cells of a square grid.

    Parameters
    ----------
    points
        ``(n, 2)`` easting and northing of each event, in metres.
    cell_size
        Cell side in metres; chosen from the data if omitted.
    bounds
        ``(xmin, ymin, xmax, ymax)``; the events' bounding box if omitted.
        Events outside the bounds are not counted (see ``outside``).

    Returns
    -------
    GridCounts

    Examples
    --------
    >>> g = grid_counts([[10, 10], [20, 30], [250, 120]], cell_size=100, bounds=(0, 0, 300, 200))
    >>> g.counts.tolist()
    [[2, 0, 0], [0, 0, 1]]
    """
    pts = validate_points(points)
    xmin, ymin, xmax, ymax, cell, assumptions = grid_frame(pts, cell_size, bounds)
    n_rows, n_cols = grid_shape(xmin, ymin, xmax, ymax, cell)
    col = np.floor((pts[:, 0] - xmin) / cell).astype(np.int64)
    row = np.floor((pts[:, 1] - ymin) / cell).astype(np.int64)
    # Events on the far edge belong to the last cell, not a cell beyond it.
    col[(col == n_cols) & (pts[:, 0] <= xmax)] = n_cols - 1
    row[(row == n_rows) & (pts[:, 1] <= ymax)] = n_rows - 1
    inside = (col >= 0) & (col < n_cols) & (row >= 0) & (row < n_rows)
    flat = np.bincount(row[inside] * n_cols + col[inside], minlength=n_rows * n_cols)
    outside = int((~inside).sum())
    if outside == pts.shape[0]:
        raise InputError(
            f"None of the {counted(outside, 'event')} is inside 'bounds', so every cell would count 0.",
            "Give 'bounds' as (xmin, ymin, xmax, ymax) in metres (EPSG:27700) around the events.",
        )
    if outside:
        assumptions.append(
            f"{counted(outside, 'event')} outside the grid {'was' if outside == 1 else 'were'} not counted."
        )
    return GridCounts(
        counts=flat.reshape(n_rows, n_cols),
        x_centres=xmin + (np.arange(n_cols) + 0.5) * cell,
        y_centres=ymin + (np.arange(n_rows) + 0.5) * cell,
        cell_size=cell,
        outside=outside,
        assumptions=tuple(assumptions),
    )
