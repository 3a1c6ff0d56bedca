"""Getis-Ord Gi* hotspots on grids or points, and their classification over time.

Gi* compares the sum of the values in each cell's neighbourhood (the cell
itself included, for the "star" version) with what would be expected if the
values were spread at random over all cells. For weights w_ij,

    z_i = (sum_j w_ij x_j - W_i xbar) / (s sqrt((N S_i - W_i^2) / (N - 1)))

where W_i is the sum of row i's weights and S_i the sum of their squares
(including w_ii for Gi*), and xbar and s are the mean and standard deviation
(divisor N) of the N values in play: all n values for Gi*, the n - 1 values
other than x_i for Gi (Ord and Getis 1995, as spdep's ``localG``). With
binary weights S_i = W_i, the number of neighbours, and this is the
analytical z-score of PySAL esda's ``G_Local``; it is computed here with one
sparse matrix product so that a million cells take seconds. Weights live in
:mod:`saferplaces.stats.weights` and p-value adjustment in
:mod:`saferplaces.stats.multiple_testing`.

References
----------
.. [1] Getis A, Ord JK. The analysis of spatial association by use of
   distance statistics. Geogr Anal 1992; 24: 189-206.
.. [2] Ord JK, Getis A. Local spatial autocorrelation statistics:
   distributional issues and an application. Geogr Anal 1995; 27: 286-306.
.. [3] Rey SJ, Anselin L. PySAL: a Python library of spatial analytical
   methods. esda.getisord.G_Local. https://github.com/pysal/esda
.. [4] Ashby MPJ. sfhotspot: hot-spot analysis with simple features.
   https://github.com/mpjashby/sfhotspot (hotspot_classify rules).
.. [5] Bivand R. spdep: localG. https://github.com/r-spatial/spdep
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import sparse

from saferplaces.errors import InputError
from saferplaces.stats._dist import norm_sf
from saferplaces.stats._validate import as_float_array, validate_level, validate_significance, validate_vector
from saferplaces.stats.labels import HotspotLabel, HotspotPattern
from saferplaces.stats.multiple_testing import METHOD_NAMES, multiple_tests
from saferplaces.stats.weights import as_weights
from saferplaces.wording import counted

__all__ = ["GiStarResult", "HotspotClassification", "hotspot_classify", "hotspot_gistar"]


@dataclass(frozen=True)
class GiStarResult:
    """Result of :func:`hotspot_gistar`, one entry per cell.

    Attributes
    ----------
    z
        Gi* (or Gi) z-scores.
    p
        Two-sided normal p-values.
    p_adjusted
        p-values adjusted for multiple comparisons.
    label
        A :class:`~saferplaces.stats.labels.HotspotLabel` per cell:
        ``"hot"``, ``"cold"`` or ``"none"``.
    weights
        The weights style used: ``"binary"``, ``"row"`` or ``"given"``.
    assumptions
        Sentences describing defaults chosen by the code.
    """

    z: np.ndarray
    p: np.ndarray
    p_adjusted: np.ndarray
    label: tuple[HotspotLabel, ...]
    assumptions: tuple[str, ...]
    weights: str = "binary"


def hotspot_gistar(
    values: ArrayLike,
    neighbours: ArrayLike | sparse.spmatrix | sparse.sparray,
    star: bool = True,
    p_adjust: str = "holm",
    alpha: float = 0.05,
    weights: str = "binary",
) -> GiStarResult:
    """Getis-Ord Gi* hot and cold spots.

    Parameters
    ----------
    values
        Count (or value) per cell, zero-count cells included.
    neighbours
        ``n`` by ``n`` weights, sparse or dense, for example from
        :func:`~saferplaces.stats.weights.grid_neighbours`; a libpysal ``W``
        or ``Graph`` is also accepted through its ``sparse`` attribute.
    star
        Gi* (``True``): each cell always counts as its own neighbour (a zero
        diagonal becomes 1). ``False`` gives Gi, which leaves the cell out.
    p_adjust
        ``"holm"``, ``"fdr"`` (Benjamini-Hochberg) or ``"none"``.
    alpha
        Significance level for the labels.
    weights
        ``"binary"`` (any non-zero weight counts as 1, the default),
        ``"row"`` (row-standardised) or ``"given"`` (as given, such as
        inverse distance). The z-score is Ord and Getis's (1995) for general
        weights, as spdep's ``localG``; rescaling a row does not change it,
        so row-standardised weights give the same z-scores as binary ones.

    Returns
    -------
    GiStarResult

    References
    ----------
    .. [2] Ord JK, Getis A. Geogr Anal 1995; 27: 286-306.
    .. [3] esda.getisord.G_Local (analytical z-scores).

    Examples
    --------
    >>> counts = np.zeros((10, 10))
    >>> counts[4:7, 4:7] = 10  # a 3 by 3 cluster in the middle of a 10 by 10 grid
    >>> from saferplaces.stats.weights import grid_neighbours
    >>> r = hotspot_gistar(counts.ravel(), grid_neighbours(10, 10))
    >>> r.label[55], r.label[0]
    ('hot', 'none')
    """
    y = validate_vector(values, "values", min_length=3)
    alpha = validate_significance(alpha, "alpha")
    if not isinstance(star, (bool, np.bool_)):
        raise InputError(
            f"'star' is {star!r}, which is not True or False.",
            "Give star=True for Gi* (each cell its own neighbour) or star=False for Gi.",
        )
    star = bool(star)
    n = y.size
    w = as_weights(neighbours, n, star, weights)
    assumptions: list[str] = []
    big_n = float(n if star else n - 1)
    # z does not change when a constant is added to every value, so centre them first:
    # the variance then involves no cancellation (a value of 1e9 plus counts stays exact).
    yc = y - y.mean()
    if star:
        mean = yc.mean()
        var = np.full(n, ((yc - mean) ** 2).mean())
    else:
        mean = (yc.sum() - yc) / big_n
        var = ((yc**2).sum() - yc**2) / big_n - mean**2
    # The values in play are all equal: checked exactly, as rounding leaves a tiny variance.
    var[_flat_values(y, star)] = 0.0
    local = w @ yc
    w_sum = np.asarray(w.sum(axis=1)).ravel()
    spread = _weight_spread(w, w_sum, big_n, weights == "binary")
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (local - w_sum * mean) / np.sqrt(var * spread)
    undefined = ~(np.isfinite(z) & (var > 0) & (spread > 0))
    if np.any(undefined):
        z = np.where(undefined, 0.0, z)
        k = int(undefined.sum())
        assumptions.append(
            f"{counted(k, 'cell')} had no usable comparison (the values compared were all equal, "
            f"or the cell had no neighbours, or its neighbourhood covered every cell) and "
            f"{'was' if k == 1 else 'were'} given a z-score of 0."
        )
    p = 2.0 * norm_sf(np.abs(z))
    tests = multiple_tests(p, p_adjust, alpha)
    # An object array of members: building a million enum members one by one is slow.
    labels = np.empty(n, dtype=object)
    labels[:] = HotspotLabel.NONE  # np.full would turn the member into a plain str
    significant = tests.reject
    labels[significant & (z > 0)] = HotspotLabel.HOT
    labels[significant & (z < 0)] = HotspotLabel.COLD
    if p_adjust != "none":
        assumptions.append(
            f"p-values were adjusted for {counted(n, 'test')} by the {METHOD_NAMES[p_adjust]} method."
        )
    if weights != "binary":
        assumptions.append(
            "Row-standardised weights were used." if weights == "row" else "The weights were used as given."
        )
    return GiStarResult(
        z=z,
        p=p,
        p_adjusted=tests.p_adjusted,
        label=tuple(labels.tolist()),
        assumptions=tuple(assumptions),
        weights=weights,
    )


def _flat_values(y: np.ndarray, star: bool) -> np.ndarray:
    """Cells whose comparison values (all n for Gi*, the other n - 1 for Gi) are all equal."""
    lo, hi = y.min(), y.max()
    if lo == hi:
        return np.ones(y.size, dtype=bool)
    flat = np.zeros(y.size, dtype=bool)
    if not star:
        at_lo, at_hi = y == lo, y == hi
        if int(at_lo.sum()) + int(at_hi.sum()) == y.size:  # two distinct values
            for at in (at_lo, at_hi):
                if int(at.sum()) == 1:  # the others all share the other value
                    flat |= at
    return flat


def _weight_spread(w: sparse.csr_matrix, w_sum: np.ndarray, big_n: float, binary: bool) -> np.ndarray:
    """``(N S_i - W_i^2) / (N - 1)`` for each row, without cancellation.

    With binary weights ``S_i = W_i`` and this is ``W_i (N - W_i) / (N - 1)`` in whole numbers.
    Otherwise ``N S_i - W_i^2 = N sum_j (w_ij - W_i / N)^2`` over the N cells in play, summed
    over the non-zero weights plus ``(N - k_i) (W_i / N)^2`` for the k_i zero ones; a row
    whose weights are equal and cover every cell in play has exactly no spread.
    """
    if binary:
        return np.maximum(w_sum * (big_n - w_sum), 0.0) / (big_n - 1)
    per_row = np.diff(w.indptr)
    row_of = np.repeat(np.arange(w.shape[0]), per_row)
    m = w_sum / big_n
    dev = np.bincount(row_of, weights=(w.data - m[row_of]) ** 2, minlength=w.shape[0]).astype(float)
    dev += (big_n - per_row) * m**2
    spread = big_n * dev / (big_n - 1)
    # Rows with every cell in play as a neighbour, all with the same weight.
    full = per_row == int(big_n)
    if np.any(full) and big_n > 0:
        # Each full row's weights are data[start:end]; the odd segments (end to next start)
        # are discarded, and a final 0 keeps the last end a valid index.
        data = np.append(w.data, 0.0)
        bounds = np.column_stack([w.indptr[:-1][full], w.indptr[1:][full]]).ravel()
        hi = np.maximum.reduceat(data, bounds)[::2]
        lo = np.minimum.reduceat(data, bounds)[::2]
        spread[np.flatnonzero(full)[hi == lo]] = 0.0
    return spread


@dataclass(frozen=True)
class HotspotClassification:
    """Result of :func:`hotspot_classify`.

    Attributes
    ----------
    label
        Per cell: ``"persistent-hotspot"``, ``"emerging-hotspot"``,
        ``"former-hotspot"``, ``"intermittent-hotspot"``, the same for
        ``coldspot``, ``"mixed"`` (both hot and cold patterns) or
        ``"no-pattern"``.
    hot, cold
        Boolean arrays ``(n_periods, n_cells)``: significant hot/cold by period.
    recent_periods
        How many of the last periods counted as recent.
    assumptions
        Sentences describing defaults chosen by the code.
    """

    label: tuple[HotspotPattern, ...]
    hot: np.ndarray
    cold: np.ndarray
    recent_periods: int
    assumptions: tuple[str, ...]


def hotspot_classify(
    counts_by_period: ArrayLike,
    neighbours: ArrayLike | sparse.spmatrix | sparse.sparray,
    hotspot_prop: float = 0.1,
    persistent_prop: float = 0.8,
    recent_prop: float = 0.2,
    critical_p: float = 0.05,
    p_adjust: str = "holm",
) -> HotspotClassification:
    """Classify cells as persistent, emerging, former or intermittent hotspots.

    Gi* is calculated for each period. A cell is then (checked in this order):

    * persistent: significant in at least ``persistent_prop`` of all periods;
    * emerging: significant in fewer than ``hotspot_prop`` of the earlier
      periods but at least ``recent_prop`` of the recent ones;
    * former: significant in at least ``hotspot_prop`` of the earlier periods
      but fewer than ``hotspot_prop`` of the recent ones;
    * intermittent: significant in at least ``hotspot_prop`` of all periods.

    The same rules apply to coldspots; a cell with both patterns is "mixed".
    The recent periods are the last ``floor(recent_prop * n_periods)`` (at
    least one).

    Parameters
    ----------
    counts_by_period
        Array ``(n_periods, n_cells)`` of counts, oldest period first.
    neighbours
        Weights as for :func:`hotspot_gistar`.
    hotspot_prop, persistent_prop, recent_prop, critical_p
        The sfhotspot parameters and their defaults.
    p_adjust
        Adjustment across cells within each period.

    Returns
    -------
    HotspotClassification

    References
    ----------
    .. [4] Ashby MPJ. sfhotspot: hotspot_classify and hotspot_classify_params.

    Examples
    --------
    >>> counts = np.zeros((10, 100))
    >>> counts[:, [44, 45, 54, 55]] = 10  # the same four cells busy in all 10 periods
    >>> from saferplaces.stats.weights import grid_neighbours
    >>> r = hotspot_classify(counts, grid_neighbours(10, 10))
    >>> r.label[55], r.label[0]
    ('persistent-hotspot', 'no-pattern')
    """
    counts = as_float_array(
        counts_by_period, "counts_by_period", "an array with one row per period and one column per cell"
    )
    if counts.ndim != 2 or counts.shape[0] < 2:
        raise InputError(
            f"'counts_by_period' has shape {counts.shape}; it needs two or more periods.",
            "Give an array with one row per period (at least 2) and one column per cell.",
        )
    for name, v in (
        ("hotspot_prop", hotspot_prop),
        ("persistent_prop", persistent_prop),
        ("recent_prop", recent_prop),
    ):
        validate_level(v, name)
    validate_significance(critical_p, "critical_p")
    n_periods, n_cells = counts.shape
    hot = np.zeros(counts.shape, dtype=bool)
    cold = np.zeros(counts.shape, dtype=bool)
    for t in range(n_periods):
        r = hotspot_gistar(counts[t], neighbours, star=True, p_adjust=p_adjust, alpha=critical_p)
        sig = r.p_adjusted < critical_p
        hot[t] = sig & (r.z > 0)
        cold[t] = sig & (r.z < 0)
    recent = max(1, int(np.floor(recent_prop * n_periods)))
    assumptions = [
        f"The last {recent} of {n_periods} periods count as recent.",
    ]

    def classify(sig: np.ndarray) -> np.ndarray:
        prop = sig.mean(axis=0)
        recent_share = sig[-recent:].mean(axis=0)
        older_share = sig[:-recent].mean(axis=0)
        out = np.full(n_cells, "", dtype=object)
        out[prop >= hotspot_prop] = "intermittent"
        out[(older_share >= hotspot_prop) & (recent_share < hotspot_prop)] = "former"
        out[(older_share < hotspot_prop) & (recent_share >= recent_prop)] = "emerging"
        out[prop >= persistent_prop] = "persistent"
        return out

    ch, cc = classify(hot), classify(cold)
    labels = []
    for h, c in zip(ch, cc, strict=True):
        if h and c:
            labels.append(HotspotPattern.MIXED)
        elif h:
            labels.append(HotspotPattern(f"{h}-hotspot"))
        elif c:
            labels.append(HotspotPattern(f"{c}-coldspot"))
        else:
            labels.append(HotspotPattern.NO_PATTERN)
    return HotspotClassification(
        label=tuple(labels),
        hot=hot,
        cold=cold,
        recent_periods=recent,
        assumptions=tuple(assumptions),
    )
