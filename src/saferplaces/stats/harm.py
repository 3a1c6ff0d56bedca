"""Crime harm: counts weighted by severity.

Counting all crimes equally treats a shoplifting like a robbery. The ONS Crime
Severity Score weights each offence by the average number of days of custody
that offenders receive for it (community and other sentences converted to
custody-day equivalents), and divides the weighted total by the population.
Partnerships can use the published ONS weights, or the Cambridge Crime Harm
Index (days of imprisonment from sentencing starting points).

References
----------
.. [1] Office for National Statistics. Research outputs: developing a Crime
   Severity Score for England and Wales using data on crimes recorded by the
   police. 2016.
.. [2] Sherman L, Neyroud PW, Neyroud E. The Cambridge Crime Harm Index:
   measuring total harm from crime based on sentencing guidelines. Policing
   2016; 10: 171-183.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from saferplaces.errors import InputError
from saferplaces.stats._validate import validate_scalar_count, validate_scalar_positive

__all__ = ["HarmResult", "harm"]


@dataclass(frozen=True)
class HarmResult:
    """Result of :func:`harm`.

    Attributes
    ----------
    total
        Sum of count times weight over the categories.
    score
        ``total`` divided by the population: the ONS Crime Severity Score
        convention (10.1 for England and Wales in 2015-16), or ``None``.
    per_1000
        ``total`` per 1,000 residents, or ``None`` when no population was
        given.
    by_category
        Harm of each category.
    share_by_category
        Each category's share of the total harm.
    assumptions
        Sentences describing what was chosen.
    """

    total: float
    score: float | None
    per_1000: float | None
    by_category: dict[str, float]
    share_by_category: dict[str, float]
    assumptions: tuple[str, ...]


def harm(
    counts_by_category: Mapping[str, float],
    weights: Mapping[str, float],
    population: float | None = None,
) -> HarmResult:
    """Severity-weighted harm, in total and per 1,000 residents.

    Parameters
    ----------
    counts_by_category
        Crimes per category, for example ``{"burglary": 120, ...}``.
    weights
        Severity weight of each category (for example ONS Crime Severity Score
        weights in days of custody). Every counted category needs a weight.
    population
        Residents, for the rate per 1,000.

    Returns
    -------
    HarmResult

    References
    ----------
    .. [1] ONS. Crime Severity Score research outputs. 2016.

    Examples
    --------
    >>> r = harm({"burglary": 10, "shoplifting": 40}, {"burglary": 400, "shoplifting": 20},
    ...          population=20000)
    >>> r.total, r.score, r.per_1000
    (4800.0, 0.24, 240.0)
    """
    if not isinstance(counts_by_category, Mapping) or not isinstance(weights, Mapping):
        raise InputError(
            "'counts_by_category' and 'weights' must both map category names to numbers.",
            'Give them as dictionaries such as {"burglary": 120}.',
        )
    if not counts_by_category:
        raise InputError("'counts_by_category' is empty.", "Give at least one category.")
    missing = sorted(str(c) for c in counts_by_category if c not in weights)
    if missing:
        raise InputError(
            f"'weights' has no weight for {', '.join(repr(m) for m in missing)}.",
            "Add a severity weight for each counted category, or leave the category out.",
        )
    by_category = {}
    for cat, count in counts_by_category.items():
        c = validate_scalar_count(count, f"counts_by_category[{cat!r}]")
        w = validate_scalar_count(weights[cat], f"weights[{cat!r}]")
        by_category[str(cat)] = c * w
    total = float(sum(by_category.values()))
    shares = {k: (v / total if total > 0 else 0.0) for k, v in by_category.items()}
    per_1000 = score = None
    assumptions: list[str] = []
    if population is not None:
        score = total / validate_scalar_positive(population, "population")
        per_1000 = score * 1000.0
    else:
        assumptions.append("No population was given, so there is no rate per 1,000.")
    return HarmResult(
        total=total,
        score=score,
        per_1000=per_1000,
        by_category=by_category,
        share_by_category=shares,
        assumptions=tuple(assumptions),
    )
