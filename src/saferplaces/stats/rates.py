"""Crude rates with Fingertips-grade confidence intervals.

A rate is a count of events divided by a population, times a multiplier
(``per``). Its confidence interval comes from the uncertainty in the count,
which is treated as Poisson. Following the Public Health England / OHID
Fingertips convention, counts under 10 use the exact method (through the
chi-square distribution) and counts of 10 or more use Byar's approximation,
which is within 0.2% of the exact value at 95% for such counts.

References
----------
.. [1] Office for Health Improvement and Disparities. Public health technical
   guidance: Rates. https://fingertips.phe.org.uk/static-reports/public-health-technical-guidance/Basic_statistics/Rates.html
.. [2] Breslow NE, Day NE. Statistical methods in cancer research, volume II.
   Lyon: IARC; 1987.
.. [3] Armitage P, Berry G. Statistical methods in medical research. 4th edn.
   Oxford: Blackwell; 2002.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

from saferplaces.stats._dist import chi2_ppf
from saferplaces.stats._validate import (
    is_scalar,
    validate_counts,
    validate_level,
    validate_scalar_count,
    validate_scalar_positive,
)

__all__ = ["RateResult", "byar_interval", "exact_poisson_interval", "rate"]

#: Counts below this use the exact method; at or above it, Byar's method.
BYAR_THRESHOLD = 10


@dataclass(frozen=True)
class RateResult:
    """A rate with its confidence interval.

    Attributes
    ----------
    value, lower, upper
        The rate and its confidence limits, per ``per`` people.
    method
        ``"exact"`` (count under 10) or ``"byar"`` (count of 10 or more).
    level
        The confidence level, for example 0.95.
    count, population, per
        The inputs, kept so that the result can be described on its own.
    """

    value: float
    lower: float
    upper: float
    method: str
    level: float
    count: float = float("nan")
    population: float = float("nan")
    per: float = 1000.0


def _z(level: float) -> float:
    return float(special.ndtri(1.0 - (1.0 - level) / 2.0))


def _exact(counts: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    alpha = 1.0 - level
    with np.errstate(invalid="ignore"):
        lower = np.where(counts > 0, chi2_ppf(alpha / 2.0, 2.0 * counts) / 2.0, 0.0)
    # a count so near 0 that the chi-square quantile underflows (below about 1e-300) has the
    # limit of a count of 0
    lower = np.where(np.isnan(lower) & (counts < 1e-300), 0.0, lower)
    upper = chi2_ppf(1.0 - alpha / 2.0, 2.0 * counts + 2.0) / 2.0
    return lower, upper


def _byar(counts: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    z = _z(level)
    with np.errstate(divide="ignore", invalid="ignore"):
        lower = counts * (1.0 - 1.0 / (9.0 * counts) - z / (3.0 * np.sqrt(counts))) ** 3
    lower = np.where(counts > 0, np.maximum(lower, 0.0), 0.0)
    c1 = counts + 1.0
    upper = c1 * (1.0 - 1.0 / (9.0 * c1) + z / (3.0 * np.sqrt(c1))) ** 3
    return lower, upper


def _unwrap(lower: np.ndarray, upper: np.ndarray, scalar: bool) -> Any:
    if scalar:
        return float(lower[0]), float(upper[0])
    return lower, upper


def exact_poisson_interval(count: ArrayLike, level: float = 0.95) -> tuple[Any, Any]:
    """Exact Poisson confidence limits for a count, on the count scale.

    Parameters
    ----------
    count
        Observed number of events (zero or more); a number or a 1-D array.
    level
        Confidence level between 0 and 1, for example 0.95 or 0.998.

    Returns
    -------
    tuple
        ``(lower, upper)``: floats for a single count, arrays for an array.

    Notes
    -----
    Uses the link between the Poisson and chi-square distributions:
    lower = chi2(alpha/2, 2O) / 2 and upper = chi2(1 - alpha/2, 2O + 2) / 2,
    with a lower limit of 0 when O = 0 [3]_.

    References
    ----------
    .. [3] Armitage P, Berry G. Statistical methods in medical research.
       4th edn. Oxford: Blackwell; 2002.

    Examples
    --------
    >>> lo, hi = exact_poisson_interval(1)
    >>> round(hi, 4)
    5.5716
    """
    scalar = is_scalar(count)
    counts = validate_counts(count, "count")
    level = validate_level(level)
    return _unwrap(*_exact(counts, level), scalar)


def byar_interval(count: ArrayLike, level: float = 0.95) -> tuple[Any, Any]:
    """Byar's approximate Poisson confidence limits, on the count scale.

    Parameters
    ----------
    count
        Observed number of events (zero or more); a number or a 1-D array.
    level
        Confidence level between 0 and 1.

    Returns
    -------
    tuple
        ``(lower, upper)``: floats for a single count, arrays for an array.

    Notes
    -----
    lower = O (1 - 1/(9O) - z/(3 sqrt(O)))^3 and
    upper = (O+1) (1 - 1/(9(O+1)) + z/(3 sqrt(O+1)))^3 [2]_. The lower limit
    is 0 when O = 0. Fingertips uses it only for counts of 10 or more.

    References
    ----------
    .. [2] Breslow NE, Day NE. Statistical methods in cancer research,
       volume II. Lyon: IARC; 1987.
    """
    scalar = is_scalar(count)
    counts = validate_counts(count, "count")
    level = validate_level(level)
    return _unwrap(*_byar(counts, level), scalar)


def poisson_interval(counts: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fingertips rule on arrays: exact below 10, Byar from 10; returns methods too."""
    lo_e, hi_e = _exact(counts, level)
    lo_b, hi_b = _byar(counts, level)
    use_byar = counts >= BYAR_THRESHOLD
    methods = np.where(use_byar, "byar", "exact")
    return np.where(use_byar, lo_b, lo_e), np.where(use_byar, hi_b, hi_e), methods


def rate(count: float, population: float, per: float = 1000, level: float = 0.95) -> RateResult:
    """A crude rate with its confidence interval, the Fingertips way.

    Parameters
    ----------
    count
        Number of events (zero or more).
    population
        Population at risk (greater than zero).
    per
        Multiplier: 1000 gives a rate per 1,000 residents.
    level
        Confidence level between 0 and 1.

    Returns
    -------
    RateResult
        ``value``, ``lower``, ``upper`` (per ``per``), ``method`` ("exact" when
        the count is under 10, otherwise "byar") and ``level``.

    References
    ----------
    .. [1] OHID. Public health technical guidance: Rates.
       https://fingertips.phe.org.uk/static-reports/public-health-technical-guidance/Basic_statistics/Rates.html

    Examples
    --------
    >>> r = rate(120, 40_000)
    >>> round(r.value, 2), r.method
    (3.0, 'byar')
    """
    c = validate_scalar_count(count, "count")
    n = validate_scalar_positive(population, "population")
    m = validate_scalar_positive(per, "per")
    level = validate_level(level)
    lo, hi, methods = poisson_interval(np.array([c]), level)
    scale = m / n
    return RateResult(
        value=c * scale,
        lower=float(lo[0]) * scale,
        upper=float(hi[0]) * scale,
        method=str(methods[0]),
        level=level,
        count=c,
        population=n,
        per=m,
    )
