"""Is this period's count different from the last period's?

Two counts from periods of known length are compared with the exact
conditional test: given the total ``c + p``, under "no change in the
underlying rate" the current count is binomial with probability
``e_c / (e_c + e_p)`` (one half for equal periods). The two-sided p-value is
the exact binomial one (as R's ``poisson.test`` does for two samples).
Wheeler's Poisson z, ``2 (sqrt(c) - sqrt(p))``, is reported alongside as an
easily explained effect size: beyond +/-2 it is roughly significant.

References
----------
.. [1] Przyborowski J, Wilenski H. Homogeneity of results in testing samples
   from Poisson series. Biometrika 1940; 31: 313-323.
.. [2] R Core Team. poisson.test: Exact Poisson tests (comparison of Poisson
   rates). R documentation, package stats.
.. [3] Wheeler DJ. Understanding variation: the key to managing chaos.
   2nd edn. Knoxville: SPC Press; 2000.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from saferplaces.errors import InputError
from saferplaces.stats._dist import binom_two_sided_half
from saferplaces.stats._validate import (
    validate_level,
    validate_scalar_count,
    validate_scalar_positive,
)
from saferplaces.stats.labels import ChangeLabel

__all__ = ["ChangeResult", "change"]


@dataclass(frozen=True)
class ChangeResult:
    """Result of :func:`change`.

    Attributes
    ----------
    current, previous
        The two counts.
    difference
        ``current - previous``.
    percent
        Percentage change from ``previous`` (``None`` when it is 0); when the
        periods differ in length it is the change in the rate per unit time.
    z
        Wheeler's Poisson z, ``2 (sqrt(current) - sqrt(previous))`` (on
        rates per unit time when periods differ in length).
    p
        Two-sided exact conditional (binomial) p-value.
    label
        ``"increase"``, ``"no-significant-change"`` or ``"decrease"``.
    """

    current: float
    previous: float
    difference: float
    percent: float | None
    z: float
    p: float
    label: ChangeLabel


def change(
    current: int,
    previous: int,
    *,
    current_exposure: float = 1.0,
    previous_exposure: float = 1.0,
    level: float = 0.95,
) -> ChangeResult:
    """Test whether a count differs from the previous period's count.

    Parameters
    ----------
    current, previous
        Whole-number counts for the two periods (zero or more).
    current_exposure, previous_exposure
        Lengths of the periods (or populations); equal by default.
    level
        Confidence level for the label (0.95 means significant at 5%).

    Returns
    -------
    ChangeResult

    References
    ----------
    .. [1] Przyborowski J, Wilenski H. Biometrika 1940; 31: 313-323.
    .. [3] Wheeler DJ. Understanding variation. 2000.

    Examples
    --------
    >>> r = change(25, 16)
    >>> r.z, r.label
    (2.0, 'no-significant-change')
    """
    c = validate_scalar_count(current, "current")
    p = validate_scalar_count(previous, "previous")
    ec = validate_scalar_positive(current_exposure, "current_exposure")
    ep = validate_scalar_positive(previous_exposure, "previous_exposure")
    level = validate_level(level)
    for name, v in (("current", c), ("previous", p)):
        if not float(v).is_integer():
            raise InputError(
                f"'{name}' is {v:g}, which is not a whole number of events.",
                "Give counts of events, not rates or averages.",
            )
    n = int(c + p)
    if n == 0:
        pval = 1.0
    else:
        if ec == ep:  # the usual case (periods of equal length), without loading scipy.stats
            pval = binom_two_sided_half(int(c), n)
        else:
            from scipy import stats

            pval = float(stats.binomtest(int(c), n, ec / (ec + ep)).pvalue)
    rate_c, rate_p = c / ec, p / ep
    z = 2.0 * (math.sqrt(rate_c) - math.sqrt(rate_p))
    percent = None if rate_p == 0 else 100.0 * (rate_c - rate_p) / rate_p
    if pval < 1.0 - level:
        label = ChangeLabel.INCREASE if rate_c > rate_p else ChangeLabel.DECREASE
    else:
        label = ChangeLabel.NO_SIGNIFICANT_CHANGE
    return ChangeResult(
        current=c,
        previous=p,
        difference=c - p,
        percent=percent,
        z=z,
        p=min(pval, 1.0),
        label=label,
    )
