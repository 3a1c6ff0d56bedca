"""Most similar areas: an open stand-in for the Home Office MSGs.

The Home Office's Most Similar Groups (MSGs) for Community Safety
Partnerships are built from demographic, social and economic features linked
to crime, but the lists are not public. :func:`peer_group` gives an open,
documented alternative: each feature is standardised (z-scores across all
areas given) and areas are ranked by Euclidean distance from the chosen area.

The recommended features (``RECOMMENDED_FEATURES``) follow the families the
Home Office describes for its MSGs: population density, deprivation, age
structure, housing and the night-time economy. See docs/methods/peer-group.md.

References
----------
.. [1] Home Office. Review of the Most Similar Groups for Community Safety
   Partnerships. London: Home Office.
.. [2] Harper G, Williamson I, Clarke G, See L. Family origins: developing
   groups of crime and disorder reduction partnerships and police basic
   command units for comparative purposes. Home Office Online Report; 2002.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from saferplaces.errors import InputError
from saferplaces.stats._validate import as_float_array, check_magnitude

__all__ = ["RECOMMENDED_FEATURES", "peer_group"]

#: Feature names we recommend, all available from ONS and MHCLG open data.
RECOMMENDED_FEATURES: tuple[str, ...] = (
    "population_density",  # residents per hectare (ONS mid-year estimates)
    "imd_score",  # population-weighted mean IMD score (MHCLG)
    "share_aged_16_24",  # ONS mid-year estimates
    "share_aged_65_plus",
    "share_social_rented",  # Census 2021 tenure
    "share_students",  # Census 2021
    "licensed_premises_per_1000",  # night-time economy (licensing statistics)
)


def peer_group(
    features: Mapping[str, Sequence[float] | Mapping[str, float]],
    area: str,
    k: int = 14,
) -> list[tuple[str, float]]:
    """The ``k`` areas most similar to ``area`` on standardised features.

    Parameters
    ----------
    features
        For each area, its features: either a list of numbers in the same
        order for every area, or a mapping of feature name to number (the
        same names for every area).
    area
        The area to find peers for.
    k
        How many peers (the Home Office MSGs have 14 or 15 members).

    Returns
    -------
    list of (str, float)
        Peer areas and their distances, nearest first; ties are broken by
        name so the result does not depend on input order. Features that are
        the same for every area are ignored.

    Examples
    --------
    >>> feats = {"A": [1, 10], "B": [2, 10], "C": [9, 50], "D": [1.5, 12]}
    >>> [name for name, _ in peer_group(feats, "A", k=2)]
    ['D', 'B']
    """
    if not isinstance(features, Mapping) or len(features) < 2:
        raise InputError(
            "'features' must map at least two area names to their features.",
            'Give a dictionary such as {"Stoke-on-Trent": [density, imd, ...], ...}.',
        )
    try:
        known = area in features
    except TypeError:  # an unhashable value (a list, an array) cannot name an area
        known = False
    if not known:
        raise InputError(
            f"'area' {area!r} is not one of the areas in 'features'.",
            "Check the spelling, or add the area's features.",
        )
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise InputError(f"'k' is {k!r}, not a whole number of at least 1.", "Give k such as 14.")
    if k > len(features) - 1:
        raise InputError(
            f"'k' is {k}, but there are only {len(features) - 1} other areas.",
            f"Use k of at most {len(features) - 1}, or give more areas.",
        )
    try:
        names = sorted(features)
    except TypeError:
        raise InputError(
            "The area names in 'features' are of different kinds (text and numbers, say).",
            "Name every area the same way, for example by its ONS code.",
        ) from None
    first = features[names[0]]
    rows = []
    if isinstance(first, Mapping):
        keys = sorted(first)
        for name in names:
            f = features[name]
            if not isinstance(f, Mapping) or sorted(f) != keys:
                raise InputError(
                    f"Area {name!r} does not have the same named features as {names[0]!r}.",
                    "Give every area the same features.",
                )
            rows.append([f[key] for key in keys])
    else:
        for name in names:
            if isinstance(features[name], (str, bytes)) or not isinstance(features[name], Iterable):
                raise InputError(
                    f"Area {name!r} has features {features[name]!r}, which is not a list of numbers.",
                    "Give every area a list of numbers, or a mapping of feature name to number.",
                )
        rows = [list(features[name]) for name in names]
    lengths = {len(r) for r in rows}
    if len(lengths) != 1 or 0 in lengths:
        raise InputError(
            "The areas in 'features' have different numbers of features.",
            "Give every area the same features in the same order.",
        )
    x = as_float_array(rows, "features", "numbers, one list (or mapping) per area")
    if x.ndim != 2:
        raise InputError(
            "'features' contains a value that is not a single number (a list, say).",
            "Give each feature of each area as one number.",
        )
    if not np.all(np.isfinite(x)):
        raise InputError(
            "'features' contains a missing or infinite value.",
            "Fill or remove the missing feature values first.",
        )
    check_magnitude(x, "features")
    sd = x.std(axis=0)
    usable = sd > 0
    if not np.any(usable):
        raise InputError(
            "Every feature is the same for all areas, so no area is more similar than another.",
            "Use features that differ between areas.",
        )
    z = (x[:, usable] - x[:, usable].mean(axis=0)) / sd[usable]
    i = names.index(area)
    d = np.sqrt(((z - z[i]) ** 2).sum(axis=1))
    order = sorted((float(d[j]), names[j]) for j in range(len(names)) if j != i)
    return [(name, dist) for dist, name in order[:k]]
