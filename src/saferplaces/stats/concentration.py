"""The law of crime concentration: how few places account for most crime.

Places (street segments, grid cells, LSOAs) are ranked from most to least
crime, and the cumulative share of crime is read against the cumulative share
of places. Places with no crime must be included: leaving them out makes crime
look less concentrated than it is.

References
----------
.. [1] Weisburd D. The law of crime concentration and the criminology of
   place. Criminology 2015; 53: 133-157.
.. [2] Bernasco W, Steenbeek W. More places than crimes: implications for
   evaluating the law of crime concentration at place. J Quant Criminol 2017;
   33: 451-467.
.. [3] Gini C. Variabilita e mutabilita. Bologna: Cuppini; 1912.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from saferplaces.errors import InputError
from saferplaces.stats._validate import validate_counts, validate_share

__all__ = ["ConcentrationResult", "concentration", "share_of_places_for"]


@dataclass(frozen=True)
class ConcentrationResult:
    """Result of :func:`concentration`.

    Attributes
    ----------
    curve
        Array ``(n + 1, 2)``: cumulative share of places (first column) and of
        events (second), from ``(0, 0)`` to ``(1, 1)``, busiest places first.
    share_of_places_for_50pct, share_of_places_for_25pct
        Smallest share of places (whole places, busiest first) that together
        account for at least half (a quarter) of all events.
    gini
        Gini coefficient over all places, zeros included: 0 when every place
        has the same count, ``(n - 1) / n`` when one place has them all.
    n_places, n_events
        Number of places and total events.
    """

    curve: np.ndarray
    share_of_places_for_50pct: float
    share_of_places_for_25pct: float
    gini: float
    n_places: int
    n_events: float


def share_of_places_for(counts: ArrayLike, share_of_events: float) -> float:
    """Smallest share of places that accounts for a given share of events.

    Examples
    --------
    >>> share_of_places_for([10, 5, 3, 1, 1, 0, 0, 0, 0, 0], 0.5)
    0.1
    """
    x = np.sort(validate_counts(counts, "counts"))[::-1]
    share_of_events = validate_share(share_of_events, "share_of_events")
    cum = np.cumsum(x)
    if cum[-1] <= 0:
        raise InputError(
            "'counts' are all zero, so crime cannot be concentrated.",
            "Check that the counts are for the right area and period.",
        )
    # A small tolerance so that 0.5 of 20 is reached at exactly 10 events.
    k = int(np.searchsorted(cum, share_of_events * cum[-1] * (1 - 1e-12))) + 1
    return k / x.size


def concentration(counts: ArrayLike) -> ConcentrationResult:
    """How concentrated events are across places.

    Parameters
    ----------
    counts
        Events per place, one value per place, including places with none.

    Returns
    -------
    ConcentrationResult

    References
    ----------
    .. [1] Weisburd D. Criminology 2015; 53: 133-157.
    .. [2] Bernasco W, Steenbeek W. J Quant Criminol 2017; 33: 451-467.

    Examples
    --------
    >>> r = concentration([10, 5, 3, 1, 1, 0, 0, 0, 0, 0])
    >>> r.share_of_places_for_50pct, round(r.gini, 2)
    (0.1, 0.72)
    """
    x = validate_counts(counts, "counts")
    total = float(x.sum())
    if total <= 0:
        raise InputError(
            "'counts' are all zero, so crime cannot be concentrated.",
            "Check that the counts are for the right area and period.",
        )
    n = x.size
    desc = np.sort(x)[::-1]
    curve = np.column_stack([np.arange(n + 1) / n, np.concatenate([[0.0], np.cumsum(desc) / total])])
    asc = desc[::-1]
    gini = float(2.0 * np.sum(np.arange(1, n + 1) * asc) / (n * total) - (n + 1) / n)
    return ConcentrationResult(
        curve=curve,
        share_of_places_for_50pct=share_of_places_for(x, 0.5),
        share_of_places_for_25pct=share_of_places_for(x, 0.25),
        gini=gini,
        n_places=n,
        n_events=total,
    )
