"""Kernel density estimation of events on a grid in metres.

Each event spreads a quartic (biweight) kernel of radius ``bandwidth``
around itself; the density of a cell is the sum of the kernels at its centre,
in events per square kilometre. Only point-cell pairs within the bandwidth
are visited (a k-d tree finds them), so the cost grows with the number of
such pairs rather than with cells times points.

Defaults, announced in ``assumptions``:

* ``cell_size``: the shorter side of the points' bounding box divided by 50,
  rounded down to a multiple of 10 m, at least 10 m (sfhotspot rounds to
  100 m; docs/methods/hotspot-kde.md).
* ``bandwidth``: the mean over easting and northing of the normal
  reference rule as implemented by ``MASS::bandwidth.nrd``,
  ``4 * 1.06 * min(sd, IQR / 1.34) * n^(-1/5)``. Where a coordinate's
  interquartile range is 0, ``bandwidth.nrd`` gives 0 (no usable
  bandwidth); we use the standard deviation alone for that coordinate
  instead (as R's ``bw.nrd0`` does) and say so. Points that do not spread
  out at all (one point, or all at one place) give no bandwidth: an
  InputError asks for one. sfhotspot means to average
  the two coordinates' rules too, but its ``mean(a, b)`` call passes the
  second as ``trim`` and so uses the easting's rule alone; we average both.
* ``weights``: one weight per point (harm scores, say); the density is the
  weighted sum of kernels. The bandwidth rule ignores the weights, as
  sfhotspot's does.

References
----------
.. [1] Silverman BW. Density estimation for statistics and data analysis.
   London: Chapman and Hall; 1986. (Quartic kernel, equation 4.5.)
.. [2] Venables WN, Ripley BD. Modern applied statistics with S. 4th edn.
   New York: Springer; 2002. (bandwidth.nrd.)
.. [3] Ashby MPJ. sfhotspot: hotspot_kde. https://github.com/mpjashby/sfhotspot
.. [4] Chainey S, Ratcliffe J. GIS and crime mapping. Chichester: Wiley; 2005.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from saferplaces.errors import InputError
from saferplaces.stats._validate import (
    as_float_array,
    validate_choice,
    validate_counts,
    validate_points,
    validate_same_length,
    validate_scalar_positive,
)
from saferplaces.stats.grid import grid_frame, grid_shape
from saferplaces.wording import counted

__all__ = ["KdeResult", "hotspot_kde", "quartic_kernel"]

KERNELS = ("quartic",)
#: A kernel narrower than a millimetre or wider than Great Britain is a mistake in units.
MIN_BANDWIDTH, MAX_BANDWIDTH = 1e-3, 2e6


@dataclass(frozen=True)
class KdeResult:
    """Result of :func:`hotspot_kde`.

    Attributes
    ----------
    density
        Array ``(n_rows, n_cols)``, events per square kilometre; row 0 is the
        southern edge.
    x_centres, y_centres
        Easting of each column's and northing of each row's cell centre.
    cell_size, bandwidth
        In metres.
    kernel
        ``"quartic"``.
    assumptions
        Sentences describing defaults chosen by the code.
    """

    density: np.ndarray
    x_centres: np.ndarray
    y_centres: np.ndarray
    cell_size: float
    bandwidth: float
    kernel: str
    assumptions: tuple[str, ...]


def quartic_kernel(distance: ArrayLike, bandwidth: float) -> np.ndarray:
    """Quartic kernel value per square metre: 3/(pi h^2) (1 - d^2/h^2)^2 within h.

    Examples
    --------
    >>> round(float(quartic_kernel(0.0, 100.0)) * 1e6, 2)
    95.49
    """
    d = as_float_array(distance, "distance", "distances in metres, 0 or more")
    if not np.all(np.isfinite(d) & (d >= 0)):
        raise InputError(
            "'distance' holds a missing, infinite or negative value.",
            "Give distances in metres, 0 or more.",
        )
    bandwidth = validate_scalar_positive(bandwidth, "bandwidth")
    u = d / bandwidth
    return np.where(u < 1.0, 3.0 / (np.pi * bandwidth**2) * (1.0 - u * u) ** 2, 0.0)


def _nrd(v: np.ndarray) -> tuple[float, bool]:
    """MASS ``bandwidth.nrd``, but the sd alone when the IQR is 0; and whether that happened."""
    sd = v.std(ddof=1) if v.size > 1 else 0.0
    q75, q25 = np.percentile(v, [75, 25])  # R's default quantile type 7, as MASS
    no_iqr = not q75 > q25
    spread = sd if no_iqr else min(sd, (q75 - q25) / 1.34)
    return 4.0 * 1.06 * spread * v.size ** (-0.2), no_iqr and sd > 0


def hotspot_kde(
    points: ArrayLike,
    cell_size: float | None = None,
    bandwidth: float | None = None,
    kernel: str = "quartic",
    bounds: tuple[float, float, float, float] | None = None,
    weights: ArrayLike | None = None,
) -> KdeResult:
    """Kernel density of events on a regular grid (EPSG:27700 metres).

    Parameters
    ----------
    points
        ``(n, 2)`` easting and northing of each event, in metres.
    cell_size
        Cell side in metres; chosen from the data if omitted.
    bandwidth
        Kernel radius in metres; chosen from the data if omitted.
    kernel
        Only ``"quartic"`` for now (the usual choice in crime mapping).
    bounds
        ``(xmin, ymin, xmax, ymax)`` of the grid; the points' bounding box if
        omitted.
    weights
        One non-negative weight per point (1 for each when omitted); the
        density is then weighted events per square kilometre.

    Returns
    -------
    KdeResult

    References
    ----------
    .. [1] Silverman BW. Density estimation. 1986.
    .. [3] sfhotspot: hotspot_kde.

    Examples
    --------
    >>> r = hotspot_kde([[520, 480]], cell_size=100, bandwidth=300, bounds=(0, 0, 1000, 1000))
    >>> r.density.shape  # rows (south to north), columns (west to east)
    (10, 10)
    >>> round(float(r.density.sum()) * 0.01, 2)  # 100 m cells are 0.01 km2: one event
    1.0
    """
    validate_choice(kernel, "kernel", KERNELS)
    pts = validate_points(points)
    xmin, ymin, xmax, ymax, cell, assumptions = grid_frame(pts, cell_size, bounds)
    wts = None
    if weights is not None:
        wts = validate_counts(weights, "weights")
        validate_same_length(points=pts, weights=wts)
        if not wts.sum() > 0:
            raise InputError(
                "Every one of the 'weights' is 0, so there is no density to estimate.",
                "Give at least one event a weight above 0.",
            )
        assumptions.append("Each point counts by its weight.")
    if bandwidth is None:
        with np.errstate(over="ignore", invalid="ignore"):
            (hx, x_flat), (hy, y_flat) = _nrd(pts[:, 0]), _nrd(pts[:, 1])
        h = 0.5 * (hx + hy)
        if x_flat or y_flat:
            which = "easting and northing" if x_flat and y_flat else "easting" if x_flat else "northing"
            assumptions.append(
                f"Half or more of the points share one {which}, so the interquartile range there is 0;"
                " the standard deviation alone is used for it (MASS bandwidth.nrd would give 0)."
            )
        if not h > 0:
            raise InputError(
                f"The {counted(pts.shape[0], 'point')} are all at one place, so the rule of thumb gives no"
                " bandwidth."
                if pts.shape[0] > 1
                else "One point has no spread, so the rule of thumb gives no bandwidth.",
                "Give 'bandwidth' in metres, such as 500.",
            )
        if not h <= MAX_BANDWIDTH:
            raise InputError(
                f"The rule of thumb gives a bandwidth of {h:g} m, wider than Great Britain.",
                "Give eastings and northings in metres (EPSG:27700), or give 'bandwidth'.",
            )
        assumptions.append(f"The bandwidth is {h:.0f} m (normal reference rule).")
    else:
        h = validate_scalar_positive(bandwidth, "bandwidth")
        if not MIN_BANDWIDTH <= h <= MAX_BANDWIDTH:
            raise InputError(
                f"'bandwidth' is {h:g} m, outside {MIN_BANDWIDTH:g} to {MAX_BANDWIDTH:g} m.",
                "Give 'bandwidth' in metres, such as 500.",
            )
    n_rows, n_cols = grid_shape(xmin, ymin, xmax, ymax, cell)
    xc = xmin + (np.arange(n_cols) + 0.5) * cell
    yc = ymin + (np.arange(n_rows) + 0.5) * cell
    density = _density(pts, xc, yc, h, wts)
    if not density.max() > 0:
        raise InputError(
            f"No event lies within the {h:g} m bandwidth of the grid, so every cell's density is 0.",
            "Check that 'bounds' are in metres (EPSG:27700) and cover the events.",
        )
    return KdeResult(
        density=density,
        x_centres=xc,
        y_centres=yc,
        cell_size=cell,
        bandwidth=h,
        kernel=kernel,
        assumptions=tuple(assumptions),
    )


def _density(
    pts: np.ndarray, xc: np.ndarray, yc: np.ndarray, h: float, weights: np.ndarray | None = None
) -> np.ndarray:
    """Sum of (weighted) quartic kernels at every cell centre, per square kilometre."""
    w = np.ones(pts.shape[0]) if weights is None else weights
    gx, gy = np.meshgrid(xc, yc)
    centres = np.column_stack([gx.ravel(), gy.ravel()])
    from scipy.spatial import cKDTree  # loaded here: scipy.spatial is slow to import (issue #9)

    cell_tree = cKDTree(centres)
    point_tree = cKDTree(pts)
    pairs = cell_tree.sparse_distance_matrix(point_tree, h, output_type="coo_matrix")
    values = quartic_kernel(pairs.data, h) * w[pairs.col]
    flat = np.bincount(pairs.row, weights=values, minlength=centres.shape[0])
    # A point exactly on a cell centre is 0 m away; some scipy versions drop
    # such explicit zeros from the sparse result, so add back any that are missing.
    _, on_centre = cell_tree.query(pts, distance_upper_bound=1e-9)
    kept_zero = np.zeros(pts.shape[0], dtype=bool)
    kept_zero[pairs.col[pairs.data == 0]] = True
    hit = (on_centre < centres.shape[0]) & ~kept_zero
    if np.any(hit):
        flat += np.bincount(on_centre[hit], weights=w[hit], minlength=centres.shape[0]) * quartic_kernel(
            0.0, h
        )
    return (flat * 1e6).reshape(yc.size, xc.size)
