"""Getis and Ord's General G: is the whole area clustered, high values near high?

``G = sum_{i != j} w_ij x_i x_j / sum_{i != j} x_i x_j`` for non-negative
values and binary weights (a place is not its own neighbour). Under the
randomisation hypothesis G has expectation ``S0 / (n (n - 1))`` and a
variance from the weights' moments S0, S1, S2 and the values' first four
power sums (Getis and Ord 1992, equations 11 and 12). Inference is
analytical (a normal z-score) and, with ``permutations``, by permutation:
the values are shuffled over the places and G recomputed; the pseudo
p-value is ``(k + 1) / (permutations + 1)`` where k counts shuffles at
least as extreme on the side of the observed G (one-sided, folded, as
PySAL esda's ``G``; a tie counts on both sides, which esda's does not).
When every arrangement gives the same G (all values equal, or every place a
neighbour of every other) z is 0 and the p-values are 1.

References
----------
.. [1] Getis A, Ord JK. The analysis of spatial association by use of
   distance statistics. Geogr Anal 1992; 24: 189-206.
.. [2] Rey SJ, Anselin L. PySAL: esda.getisord.G. https://github.com/pysal/esda
.. [3] Bivand R. spdep: globalG.test. https://github.com/r-spatial/spdep
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import sparse

from saferplaces.errors import InputError
from saferplaces.stats._dist import norm_sf
from saferplaces.stats._validate import validate_counts
from saferplaces.stats.weights import as_weights
from saferplaces.wording import counted

__all__ = ["GeneralGResult", "general_g"]

#: The most shuffles a permutation test runs (as knox_test): 99,999 give p-values to 1e-5.
MAX_PERMUTATIONS = 99_999


@dataclass(frozen=True)
class GeneralGResult:
    """Result of :func:`general_g`.

    Attributes
    ----------
    g, expected, variance
        The statistic, its expectation and its analytical variance.
    z
        ``(g - expected) / sqrt(variance)``.
    p_norm
        Two-sided normal p-value of ``z``.
    p_sim
        Pseudo p-value from the permutations (``None`` without them).
    z_sim
        z-score against the permutation mean and standard deviation.
    permutations, seed
        As given.
    assumptions
        Sentences describing defaults chosen by the code.
    """

    g: float
    expected: float
    variance: float
    z: float
    p_norm: float
    p_sim: float | None
    z_sim: float | None
    permutations: int
    seed: int | None
    assumptions: tuple[str, ...]


def _g(y: np.ndarray, w: sparse.csr_matrix, den: float) -> float:
    return float(y @ (w @ y)) / den


def general_g(
    values: ArrayLike,
    neighbours: ArrayLike | sparse.spmatrix | sparse.sparray,
    permutations: int = 999,
    seed: int | None = None,
) -> GeneralGResult:
    """Getis-Ord General G with analytical and permutation inference.

    Parameters
    ----------
    values
        Non-negative value per place (counts, rates).
    neighbours
        ``n`` by ``n`` weights (any non-zero counts as 1; the diagonal is
        ignored), for example from
        :func:`~saferplaces.stats.weights.distance_band_neighbours`.
    permutations
        Random shuffles for the pseudo p-value; 0 for analytical only.
    seed
        Seed for the shuffles, for repeatable answers.

    Returns
    -------
    GeneralGResult

    References
    ----------
    .. [1] Getis A, Ord JK. Geogr Anal 1992; 24: 189-206.
    .. [2] esda.getisord.G.

    Examples
    --------
    >>> from saferplaces.stats.weights import distance_band_neighbours
    >>> points = [(10, 10), (20, 10), (40, 10), (15, 20), (30, 20), (30, 30)]
    >>> w = distance_band_neighbours(points, 15)
    >>> r = general_g([2, 3, 3.2, 5, 8, 7], w, permutations=0)
    >>> round(r.g, 3), round(r.z, 3)
    (0.557, 0.943)
    """
    y = validate_counts(values, "values", min_length=4)
    if (
        isinstance(permutations, bool)
        or not isinstance(permutations, (int, np.integer))
        or not 0 <= permutations <= MAX_PERMUTATIONS
    ):
        raise InputError(
            f"'permutations' is {permutations!r}, not a whole number from 0 to {MAX_PERMUTATIONS:,}.",
            "Give the number of random shuffles, such as 999, or 0 for none.",
        )
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0):
        raise InputError(
            f"'seed' is {seed!r}, which is not a whole number of 0 or more.",
            "Give a seed such as 42 for repeatable shuffles, or None.",
        )
    n = y.size
    w = as_weights(neighbours, n, self_weight=False, style="binary")
    s0 = float(w.sum())
    if s0 == 0:
        raise InputError(
            "No place has a neighbour, so General G cannot be calculated.",
            "Use a larger distance band or contiguity weights.",
        )
    # G and its moments do not change when every value is multiplied by the same number;
    # dividing by the largest keeps the fourth powers from overflowing.
    top = y.max()
    y = y / top if top > 0 else y
    s1 = 0.5 * float(((w + w.T).multiply(w + w.T)).sum())
    s2 = float(((np.asarray(w.sum(axis=1)).ravel() + np.asarray(w.sum(axis=0)).ravel()) ** 2).sum())
    m1, m2, m3, m4 = (float((y**k).sum()) for k in (1, 2, 3, 4))
    den = m1**2 - m2
    if den <= 0:
        raise InputError(
            "Fewer than two places have a value above zero, so General G is undefined.",
            "Check the values: General G needs non-negative values, at least two of them positive.",
        )
    g = _g(y, w, den)
    expected = s0 / (n * (n - 1))
    assumptions = ["Binary weights; a place is not its own neighbour."]
    # All values equal, or every place a neighbour of every other: every arrangement of the
    # values gives the same G, so there is nothing to test (rounding would invent a variance).
    fixed = bool(y.min() == y.max()) or s0 == n * (n - 1)
    if fixed:
        g, variance, z = expected, 0.0, 0.0
        assumptions.append(
            "Every arrangement of the values gives the same G (all values are equal, or every place "
            "neighbours every other), so z is 0 and the p-values are 1."
        )
    else:
        b0 = (n * n - 3 * n + 3) * s1 - n * s2 + 3 * s0**2
        b1 = -((n * n - n) * s1 - 2 * n * s2 + 6 * s0**2)
        b2 = -(2 * n * s1 - (n + 3) * s2 + 6 * s0**2)
        b3 = 4 * (n - 1) * s1 - 2 * (n + 1) * s2 + 8 * s0**2
        b4 = s1 - s2 + s0**2
        eg2 = (b0 * m2**2 + b1 * m4 + b2 * m1**2 * m2 + b3 * m1 * m3 + b4 * m1**4) / (
            den**2 * n * (n - 1) * (n - 2) * (n - 3)
        )
        variance = eg2 - expected**2
        z = (g - expected) / np.sqrt(variance) if variance > 0 else 0.0
    p_norm = float(2.0 * norm_sf(abs(z)))
    p_sim = z_sim = None
    if permutations:
        if fixed:
            p_sim, z_sim = 1.0, 0.0
        else:
            rng = np.random.default_rng(seed)
            sims = np.array([_g(rng.permutation(y), w, den) for _ in range(permutations)])
            # Shuffles within rounding of the observed G are ties and count on both sides;
            # without ties this is esda's folded count, min(k, permutations - k).
            tol = 1e-12 * abs(g)
            k = min(int((sims >= g - tol).sum()), int((sims <= g + tol).sum()))
            p_sim = (k + 1.0) / (permutations + 1.0)
            sd = sims.std()
            z_sim = float((g - sims.mean()) / sd) if sd > 0 else 0.0
        assumptions.append(
            f"The pseudo p-value comes from {counted(permutations, 'random shuffle')} of the values."
        )
    return GeneralGResult(
        g=g,
        expected=expected,
        variance=float(variance),
        z=float(z),
        p_norm=p_norm,
        p_sim=p_sim,
        z_sim=z_sim,
        permutations=int(permutations),
        seed=seed,
        assumptions=tuple(assumptions),
    )
