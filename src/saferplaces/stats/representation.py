"""Is a group over- or under-represented among victims (or offenders)?

"5% of the population, 12% of victims" gives a representation index of
``100 * 0.12 / 0.05 = 240``. The interval comes from a Wilson score interval
on the group's share of events, divided by its (fixed) share of the
population. The group is "over"-represented when the whole interval is above
100 and "under"-represented when it is below.

References
----------
.. [1] Wilson EB. J Am Stat Assoc 1927; 22: 209-212.
.. [2] Home Office. Police powers and procedures: stop and search
   (disproportionality rates per 1,000 population by ethnic group).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from saferplaces.errors import InputError
from saferplaces.stats._validate import (
    validate_level,
    validate_scalar_count,
    validate_scalar_positive,
)
from saferplaces.stats.labels import RepresentationLabel
from saferplaces.stats.proportions import wilson_interval

__all__ = ["RepresentationResult", "representation"]


@dataclass(frozen=True)
class RepresentationResult:
    """Result of :func:`representation`.

    Attributes
    ----------
    index
        100 times the group's share of events over its share of population
        (100 means represented in proportion).
    lower, upper
        Confidence limits of the index.
    label
        ``"over"``, ``"similar"`` or ``"under"``.
    event_share, population_share
        The two shares behind the index.
    """

    index: float
    lower: float
    upper: float
    label: RepresentationLabel
    event_share: float
    population_share: float


def representation(
    group_events: float,
    total_events: float,
    group_population: float,
    total_population: float,
    level: float = 0.95,
) -> RepresentationResult:
    """Representation index of a group among events, with its interval.

    Parameters
    ----------
    group_events, total_events
        Events involving the group, and all events.
    group_population, total_population
        The group's population, and everyone's.
    level
        Confidence level.

    Returns
    -------
    RepresentationResult

    Examples
    --------
    >>> r = representation(120, 1000, 5000, 100000)
    >>> round(r.index), r.label
    (240, 'over')
    """
    ge = validate_scalar_count(group_events, "group_events")
    te = validate_scalar_positive(total_events, "total_events")
    gp = validate_scalar_positive(group_population, "group_population")
    tp = validate_scalar_positive(total_population, "total_population")
    level = validate_level(level)
    if ge > te:
        raise InputError(
            f"'group_events' ({ge:g}) is larger than 'total_events' ({te:g}).",
            "The group's events must be part of the total.",
        )
    if gp > tp:
        raise InputError(
            f"'group_population' ({gp:g}) is larger than 'total_population' ({tp:g}).",
            "The group's population must be part of the total.",
        )
    event_share = ge / te
    pop_share = gp / tp
    lo, hi = wilson_interval(ge, te, level)
    index = 100.0 * event_share / pop_share
    lower = 100.0 * float(lo) / pop_share
    upper = 100.0 * float(hi) / pop_share
    label = (
        RepresentationLabel.OVER
        if lower > 100.0
        else RepresentationLabel.UNDER
        if upper < 100.0
        else RepresentationLabel.SIMILAR
    )
    return RepresentationResult(
        index=float(index),
        lower=float(np.minimum(lower, index)),
        upper=float(np.maximum(upper, index)),
        label=label,
        event_share=event_share,
        population_share=pop_share,
    )
