"""Compare an estimate with a benchmark, the Fingertips way.

An estimate with a confidence interval is "higher" or "lower" than a benchmark
number only when the number lies strictly outside the interval; a benchmark
equal to a limit counts as "similar". Against another estimate with its own
interval, the difference is significant only when the two intervals do not
overlap (a conservative test that Fingertips also uses for comparisons between
areas).

References
----------
.. [1] OHID. Public health technical guidance: Comparing with a benchmark.
   https://fingertips.phe.org.uk/profile/guidance
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Any

from saferplaces.errors import InputError, example
from saferplaces.stats._validate import as_float_array, validate_choice
from saferplaces.stats.labels import ComparisonLabel, Judgement

__all__ = ["Comparison", "compare"]

POLARITIES = ("low-is-good", "high-is-good", None)


@dataclass(frozen=True)
class Comparison:
    """Result of :func:`compare`.

    Attributes
    ----------
    label
        ``"higher"``, ``"similar"`` or ``"lower"``.
    judgement
        ``"better"``, ``"similar"`` or ``"worse"`` when a polarity was given,
        otherwise ``None``.
    """

    label: ComparisonLabel
    judgement: Judgement | None


def _interval(obj: Any, name: str) -> tuple[float, float, float]:
    if all(hasattr(obj, a) for a in ("value", "lower", "upper")):
        triple = (obj.value, obj.lower, obj.upper)
    elif isinstance(obj, (tuple, list)) and len(obj) == 3:
        triple = tuple(obj)
    else:
        raise InputError(
            f"'{name}' is {obj!r}, which has no confidence interval.",
            f"Give '{name}' as a RateResult, a ProportionResult or a (value, lower, upper) tuple.",
        )
    arr = as_float_array(triple, name, "a (value, lower, upper) tuple of numbers")
    if arr.shape != (3,):
        raise InputError(
            f"'{name}' has a value that is not a single number: {triple!r}.",
            "Give the value and both limits as numbers.",
        )
    value, lower, upper = (float(t) for t in arr)
    if any(math.isnan(t) for t in (value, lower, upper)) or lower > upper:
        raise InputError(
            f"'{name}' has limits ({lower:g}, {upper:g}) that do not form an interval.",
            "Give the lower limit first and make sure neither is missing.",
        )
    return value, lower, upper


def compare(estimate: Any, benchmark: Any, polarity: str | None = None) -> Comparison:
    """Say whether an estimate is significantly higher or lower than a benchmark.

    Parameters
    ----------
    estimate
        A :class:`RateResult`, :class:`ProportionResult` or a
        ``(value, lower, upper)`` tuple.
    benchmark
        A number (for example the England rate), or another result with an
        interval (for example a peer area).
    polarity
        ``"low-is-good"`` (most crime measures), ``"high-is-good"`` or
        ``None`` when neither direction is better.

    Returns
    -------
    Comparison
        ``label`` and, when a polarity is given, ``judgement``.

    Examples
    --------
    >>> compare((12.0, 10.5, 13.6), 10.0, polarity="low-is-good")
    Comparison(label='higher', judgement='worse')
    """
    validate_choice(polarity, "polarity", POLARITIES)
    _, lower, upper = _interval(estimate, "estimate")
    if isinstance(benchmark, numbers.Real) and not isinstance(benchmark, bool):
        try:
            b = float(benchmark)
        except OverflowError:  # an integer beyond the range of floats
            b = math.nan
        if math.isnan(b):
            raise InputError(
                f"'benchmark' is {example(benchmark)}, which is missing or not a usable number.",
                "Give the benchmark value as a number.",
            )
        label = (
            ComparisonLabel.LOWER
            if upper < b
            else ComparisonLabel.HIGHER
            if lower > b
            else ComparisonLabel.SIMILAR
        )
    else:
        _, b_lower, b_upper = _interval(benchmark, "benchmark")
        label = (
            ComparisonLabel.LOWER
            if upper < b_lower
            else ComparisonLabel.HIGHER
            if lower > b_upper
            else ComparisonLabel.SIMILAR
        )
    judgement: Judgement | None = None
    if polarity is not None:
        if label == ComparisonLabel.SIMILAR:
            judgement = Judgement.SIMILAR
        elif (label == ComparisonLabel.HIGHER) == (polarity == "high-is-good"):
            judgement = Judgement.BETTER
        else:
            judgement = Judgement.WORSE
    return Comparison(label=label, judgement=judgement)
