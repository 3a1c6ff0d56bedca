"""Proportions with Wilson score confidence intervals.

References
----------
.. [1] Wilson EB. Probable inference, the law of succession, and statistical
   inference. J Am Stat Assoc 1927; 22: 209-212.
.. [2] Newcombe RG, Altman DG. Proportions and their differences. In Altman DG
   et al. (eds) Statistics with confidence. 2nd edn. London: BMJ Books; 2000.
.. [3] OHID. Public health technical guidance: Proportions.
   https://fingertips.phe.org.uk/static-reports/public-health-technical-guidance/Basic_statistics/Proportions.html
.. [4] Newcombe RG. Interval estimation for the difference between independent
   proportions: comparison of eleven methods. Stat Med 1998; 17: 873-890.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

from saferplaces.errors import InputError
from saferplaces.stats._validate import (
    is_scalar,
    validate_counts,
    validate_level,
    validate_positive,
    validate_same_length,
    validate_scalar_count,
    validate_scalar_positive,
)
from saferplaces.stats.labels import ComparisonLabel

__all__ = ["DifferenceResult", "ProportionResult", "proportion", "proportion_difference", "wilson_interval"]


@dataclass(frozen=True)
class ProportionResult:
    """A proportion with its Wilson score interval.

    Attributes
    ----------
    value, lower, upper
        The proportion and its limits, times ``per`` (1 gives a fraction,
        100 a percentage).
    method
        Always ``"wilson"``.
    level
        Confidence level.
    successes, total, per
        The inputs.
    """

    value: float
    lower: float
    upper: float
    method: str
    level: float
    successes: float = float("nan")
    total: float = float("nan")
    per: float = 1.0


def _wilson(x: np.ndarray, n: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    z = float(special.ndtri(1.0 - (1.0 - level) / 2.0))
    q = 1.0 - x / n
    root = z * np.sqrt(z * z + 4.0 * x * q)
    denom = 2.0 * (n + z * z)
    lower = (2.0 * x + z * z - root) / denom
    upper = (2.0 * x + z * z + root) / denom
    p = x / n
    # Rounding can leave a limit a hair on the wrong side of p (for example at
    # p = 1); the exact limits there are p itself.
    lower = np.where(x == 0, 0.0, np.clip(np.minimum(lower, p), 0.0, 1.0))
    upper = np.where(x == n, 1.0, np.clip(np.maximum(upper, p), 0.0, 1.0))
    return lower, upper


def _check_not_above(x: np.ndarray, n: np.ndarray, xname: str, nname: str) -> None:
    if np.any(x > n):
        i = int(np.argmax(x > n))
        raise InputError(
            f"'{xname}' ({x[i]:g}) is larger than '{nname}' ({n[i]:g}).",
            f"A proportion needs '{xname}' to be no more than '{nname}'.",
        )


def wilson_interval(successes: ArrayLike, total: ArrayLike, level: float = 0.95) -> tuple[Any, Any]:
    """Wilson score limits for a proportion, as fractions between 0 and 1.

    Parameters
    ----------
    successes
        Number with the characteristic (zero or more); number or 1-D array.
    total
        Number in the group (greater than zero, at least ``successes``).
    level
        Confidence level between 0 and 1.

    Returns
    -------
    tuple
        ``(lower, upper)``: floats for numbers, arrays for arrays.

    Notes
    -----
    lower, upper = (2O + z^2 -/+ z sqrt(z^2 + 4Oq)) / (2(n + z^2)), where
    q = 1 - O/n [3]_.

    References
    ----------
    .. [3] OHID. Public health technical guidance: Proportions.
    """
    scalar = is_scalar(successes) and is_scalar(total)
    x = validate_counts(successes, "successes")
    n = validate_positive(total, "total")
    if x.size != n.size:
        validate_same_length(successes=x, total=n)
    _check_not_above(x, n, "successes", "total")
    lo, hi = _wilson(x, n, validate_level(level))
    if scalar:
        return float(lo[0]), float(hi[0])
    return lo, hi


def proportion(successes: float, total: float, per: float = 1, level: float = 0.95) -> ProportionResult:
    """A proportion with its Wilson score confidence interval.

    Parameters
    ----------
    successes
        Number with the characteristic, for example repeat victims.
    total
        Number in the group, for example all victims.
    per
        Multiplier: 1 for a fraction, 100 for a percentage.
    level
        Confidence level between 0 and 1.

    Returns
    -------
    ProportionResult

    References
    ----------
    .. [1] Wilson EB. J Am Stat Assoc 1927; 22: 209-212.
    .. [2] Newcombe RG, Altman DG. Statistics with confidence. 2000.

    Examples
    --------
    >>> p = proportion(24, 100, per=100)
    >>> round(p.value, 1), round(p.lower, 1), round(p.upper, 1)
    (24.0, 16.7, 33.2)
    """
    x = validate_scalar_count(successes, "successes")
    n = validate_scalar_positive(total, "total")
    m = validate_scalar_positive(per, "per")
    level = validate_level(level)
    _check_not_above(np.array([x]), np.array([n]), "successes", "total")
    lo, hi = _wilson(np.array([x]), np.array([n]), level)
    return ProportionResult(
        value=x / n * m,
        lower=float(lo[0]) * m,
        upper=float(hi[0]) * m,
        method="wilson",
        level=level,
        successes=x,
        total=n,
        per=m,
    )


@dataclass(frozen=True)
class DifferenceResult:
    """The difference between two independent proportions, with Newcombe's interval.

    Attributes
    ----------
    value, lower, upper
        ``p1 - p2`` and its limits, times ``per`` (100 gives percentage points).
    method
        Always ``"newcombe-wilson"``.
    level
        Confidence level.
    label
        ``"higher"`` when the whole interval is above 0 (the first proportion is
        significantly higher), ``"lower"`` when it is below 0, otherwise ``"similar"``.
    """

    value: float
    lower: float
    upper: float
    method: str
    level: float
    label: ComparisonLabel


def proportion_difference(
    successes1: float, total1: float, successes2: float, total2: float, per: float = 1, level: float = 0.95
) -> DifferenceResult:
    """Difference of two independent proportions with Newcombe's hybrid score interval.

    Parameters
    ----------
    successes1, total1
        The first group (for example this year's survey): number with the
        characteristic and number asked.
    successes2, total2
        The second group (for example the baseline survey).
    per
        Multiplier: 1 for a fraction, 100 for percentage points.
    level
        Confidence level between 0 and 1.

    Returns
    -------
    DifferenceResult

    Notes
    -----
    With Wilson limits ``(l1, u1)`` and ``(l2, u2)`` for ``p1`` and ``p2``
    (method 10 of [4]_)::

        lower = p1 - p2 - sqrt((p1 - l1)^2 + (u2 - p2)^2)
        upper = p1 - p2 + sqrt((u1 - p1)^2 + (p2 - l2)^2)

    References
    ----------
    .. [4] Newcombe RG. Stat Med 1998; 17: 873-890.

    Examples
    --------
    >>> d = proportion_difference(56, 70, 48, 80)
    >>> round(d.value, 2), round(d.lower, 4), round(d.upper, 4), d.label
    (0.2, 0.0524, 0.3339, 'higher')
    """
    level = validate_level(level)
    m = validate_scalar_positive(per, "per")
    x1 = validate_scalar_count(successes1, "successes1")
    n1 = validate_scalar_positive(total1, "total1")
    x2 = validate_scalar_count(successes2, "successes2")
    n2 = validate_scalar_positive(total2, "total2")
    _check_not_above(np.array([x1]), np.array([n1]), "successes1", "total1")
    _check_not_above(np.array([x2]), np.array([n2]), "successes2", "total2")
    lo, hi = _wilson(np.array([x1, x2]), np.array([n1, n2]), level)
    p1, p2 = x1 / n1, x2 / n2
    d = p1 - p2
    lower = d - float(np.sqrt((p1 - lo[0]) ** 2 + (hi[1] - p2) ** 2))
    upper = d + float(np.sqrt((hi[0] - p1) ** 2 + (p2 - lo[1]) ** 2))
    label = (
        ComparisonLabel.HIGHER
        if lower > 0
        else ComparisonLabel.LOWER
        if upper < 0
        else ComparisonLabel.SIMILAR
    )
    return DifferenceResult(
        value=d * m, lower=lower * m, upper=upper * m, method="newcombe-wilson", level=level, label=label
    )
