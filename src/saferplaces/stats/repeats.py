"""Repeat victimisation and near repeats.

:func:`repeats` answers "what share of victims (or locations, or offenders)
were repeats, and what share of crimes did they account for?". Its interval
is a Wilson score interval on the share of victims.

:func:`knox_test` asks whether events close in space are also close in time
more often than chance (the near-repeat pattern of burglary): it counts pairs
within ``space_band`` metres and ``time_band`` days of each other and
compares the count with random re-assignments of the times to the places.

References
----------
.. [1] Farrell G, Pease K. Once bitten, twice bitten: repeat victimisation
   and its implications for crime prevention. Police Research Group Crime
   Prevention Unit Paper 46. London: Home Office; 1993.
.. [2] Knox G. The detection of space-time interactions. J R Stat Soc C
   (Appl Stat) 1964; 13: 25-30.
.. [3] Johnson SD, Bernasco W, Bowers KJ, et al. Space-time patterns of risk:
   a cross national assessment of residential burglary victimization.
   J Quant Criminol 2007; 23: 201-219.
.. [4] Ratcliffe JH. Near Repeat Calculator, version 1.3. Temple University;
   2009.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from saferplaces.errors import InputError
from saferplaces.stats._validate import (
    validate_level,
    validate_points,
    validate_positive,
    validate_seed,
    validate_vector,
)
from saferplaces.stats.proportions import wilson_interval
from saferplaces.wording import counted

__all__ = ["KnoxResult", "RepeatResult", "knox_test", "repeats"]

#: Enough for a p-value to 1 in 100,000; more would only make a run hang.
MAX_PERMUTATIONS = 99_999


@dataclass(frozen=True)
class RepeatResult:
    """Result of :func:`repeats`.

    Attributes
    ----------
    repeat_share
        Share of distinct ids with two or more events.
    repeat_share_interval
        Wilson score interval of ``repeat_share``.
    share_of_events_on_repeats
        Share of events that involve a repeat id.
    n_ids, n_repeat_ids, n_events, events_on_repeats
        The counts behind the shares.
    max_events
        Most events for a single id.
    assumptions
        Sentences describing what was left out.
    """

    repeat_share: float
    repeat_share_interval: tuple[float, float]
    share_of_events_on_repeats: float
    n_ids: int
    n_repeat_ids: int
    n_events: int
    events_on_repeats: int
    max_events: int
    assumptions: tuple[str, ...]


def _missing(v: Any) -> bool:
    if v is None:
        return True
    if isinstance(v, float) and math.isnan(v):
        return True
    return isinstance(v, str) and not v.strip()


def repeats(ids: Iterable[Hashable], level: float = 0.95) -> RepeatResult:
    """Share of repeat victims (or locations, offenders) and of their crimes.

    Parameters
    ----------
    ids
        One identifier per event: the victim, location or offender. Missing
        identifiers (None, NaN, empty text) are left out and counted in
        ``assumptions``.
    level
        Confidence level of the interval.

    Returns
    -------
    RepeatResult

    References
    ----------
    .. [1] Farrell G, Pease K. Once bitten, twice bitten. Home Office; 1993.

    Examples
    --------
    >>> r = repeats(["a", "a", "b", "c", "c", "c", "d", "e"])
    >>> r.repeat_share, r.share_of_events_on_repeats
    (0.4, 0.625)
    """
    level = validate_level(level)
    if isinstance(ids, (str, bytes)):
        raise InputError(
            "'ids' is a single piece of text, not one identifier per event.",
            "Give a list with one identifier per event.",
        )
    try:
        values = list(ids)
    except TypeError:
        raise InputError(
            f"'ids' is {ids!r}, which is not a list of identifiers.",
            "Give a list with one identifier per event.",
        ) from None
    kept = [v for v in values if not _missing(v)]
    dropped = len(values) - len(kept)
    if not kept:
        raise InputError("'ids' has no identifiers.", "Give one identifier (victim, location) per event.")
    try:
        counts = Counter(kept)
    except TypeError:
        raise InputError(
            "'ids' contains a value that cannot be used as an identifier (such as a list).",
            "Use text or numbers to identify victims, locations or offenders.",
        ) from None
    per_id = np.array(list(counts.values()))
    n_ids = per_id.size
    n_rep = int(np.sum(per_id >= 2))
    events_rep = int(per_id[per_id >= 2].sum())
    lo, hi = wilson_interval(n_rep, n_ids, level)
    assumptions = []
    if dropped:
        assumptions.append(
            f"{counted(dropped, 'event')} without an identifier {'was' if dropped == 1 else 'were'} left out."
        )
    return RepeatResult(
        repeat_share=n_rep / n_ids,
        repeat_share_interval=(lo, hi),
        share_of_events_on_repeats=events_rep / len(kept),
        n_ids=n_ids,
        n_repeat_ids=n_rep,
        n_events=len(kept),
        events_on_repeats=events_rep,
        max_events=int(per_id.max()),
        assumptions=tuple(assumptions),
    )


@dataclass(frozen=True)
class KnoxResult:
    """Result of :func:`knox_test`.

    Attributes
    ----------
    observed
        Pairs of events close in both space and time.
    expected
        Expected number under no space-time interaction: the exact mean over
        all re-assignments of times, ``S * T / P`` (S pairs close in space,
        T close in time, P pairs in all).
    ratio
        ``observed / expected`` (the Knox ratio).
    p
        Monte Carlo p-value, ``(1 + simulations >= observed) / (1 + permutations)``.
    space_band, time_band, permutations
        The inputs.
    """

    observed: int
    expected: float
    ratio: float
    p: float
    space_band: float
    time_band: float
    permutations: int


def knox_test(
    points: ArrayLike,
    times: ArrayLike,
    space_band: float,
    time_band: float,
    permutations: int = 999,
    seed: int | None = None,
) -> KnoxResult:
    """Knox test for near repeats: are events close in space also close in time?

    Parameters
    ----------
    points
        ``(n, 2)`` coordinates in metres.
    times
        Time of each event in days (for example days since a start date).
    space_band
        Pairs at most this many metres apart are close in space.
    time_band
        Pairs at most this many days apart are close in time.
    permutations
        Random re-assignments of the times for the Monte Carlo p-value.
    seed
        Seed for the random numbers, for results that can be repeated.

    Returns
    -------
    KnoxResult

    References
    ----------
    .. [2] Knox G. Appl Stat 1964; 13: 25-30.
    .. [3] Johnson SD et al. J Quant Criminol 2007; 23: 201-219.

    Examples
    --------
    >>> pts = [[0, 0], [50, 0], [5000, 0], [5050, 0]]
    >>> r = knox_test(pts, [0, 3, 100, 200], space_band=100, time_band=7, seed=1)
    >>> r.observed, r.expected
    (1, 0.333...)
    """
    pts = validate_points(points)
    if pts.shape[0] < 2:
        raise InputError(
            f"'points' has {pts.shape[0]} event; the Knox test needs pairs of events.",
            "Give easting and northing in metres for at least two events.",
        )
    t = validate_vector(times, "times", min_length=2)
    if t.size != pts.shape[0]:
        raise InputError(
            f"'points' has {pts.shape[0]} rows but 'times' has {t.size} values.",
            "Give one time per event.",
        )
    s_band = float(validate_positive(space_band, "space_band")[0])
    t_band = float(validate_positive(time_band, "time_band")[0])
    if isinstance(permutations, bool) or not isinstance(permutations, (int, np.integer)):
        raise InputError(
            f"'permutations' is {permutations!r}, which is not a whole number.",
            "Give the number of permutations, such as 999.",
        )
    if permutations < 19:
        raise InputError(
            f"'permutations' is {permutations}; at least 19 are needed for p < 0.05.",
            "Use 999 permutations (the default).",
        )
    if permutations > MAX_PERMUTATIONS:
        raise InputError(
            f"'permutations' is {permutations}, which would take too long.",
            f"Use at most {MAX_PERMUTATIONS:,} permutations; 999 (the default) is usually enough.",
        )
    seed = validate_seed(seed)
    n = t.size
    from scipy.spatial import cKDTree  # loaded here: scipy.spatial is slow to import (issue #9)

    pairs = cKDTree(pts).query_pairs(s_band, output_type="ndarray")
    i, j = pairs[:, 0], pairs[:, 1]
    observed = int(np.sum(np.abs(t[i] - t[j]) <= t_band))
    all_pairs = n * (n - 1) // 2
    dt = np.abs(t[:, None] - t[None, :]) if n <= 4000 else None
    if dt is not None:
        close_time = int((np.sum(dt <= t_band) - n) // 2)
    else:
        ts = np.sort(t)
        close_time = int(np.sum(np.searchsorted(ts, ts + t_band, side="right") - np.arange(n) - 1))
    expected = pairs.shape[0] * close_time / all_pairs
    if expected == 0:  # then no pair can be close in both, and the Knox ratio is 0 / 0
        which = f"{s_band:g} metres" if pairs.shape[0] == 0 else f"{t_band:g} days"
        raise InputError(
            f"No two events are within {which} of each other, so there is nothing for the Knox test"
            " to compare.",
            "Use a wider 'space_band' or 'time_band', or more events.",
        )
    rng = np.random.default_rng(seed)
    exceed = 0
    for _ in range(permutations):
        tp = rng.permutation(t)
        if np.sum(np.abs(tp[i] - tp[j]) <= t_band) >= observed:
            exceed += 1
    p = (1 + exceed) / (1 + permutations)
    ratio = observed / expected
    return KnoxResult(
        observed=observed,
        expected=float(expected),
        ratio=float(ratio),
        p=float(p),
        space_band=s_band,
        time_band=t_band,
        permutations=int(permutations),
    )
