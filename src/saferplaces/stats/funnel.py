"""Funnel plot control limits and significance, the PHE way.

A funnel plot compares many areas (wards, districts) with a target, usually
the pooled value of all of them, allowing for the fact that small areas vary
more by chance. An area is flagged when its value lies outside the control
limit for its size: 95% limits (two-sided, 0.025 in each tail) and 99.8%
limits (0.001 in each tail).

* ``"proportion"``: limits are the proportions whose Wilson score interval
  just touches the target, which works out as
  ``target +/- z sqrt(target (1 - target) / n)`` (PHE funnel method).
* ``"rate"`` and ``"ratio"``: limits come from inverting the exact Poisson
  interval: the lower limit at population ``n`` is the rate ``O/n`` whose
  exact upper confidence limit equals the expected count ``target * n``,
  treating ``O`` as continuous. At whole numbers of events this reproduces
  the PHE funnel tables exactly.
* ``overdispersion=True`` widens the limits by an additive random-effects
  term (DerSimonian-Laird tau-squared from 10% winsorised z-scores) on a
  variance-stabilising scale: arcsine square root for proportions, square
  root of the observed/expected ratio for rates and ratios, as in
  Spiegelhalter (2005) and the FunnelPlotR package (its "CQC" square-root
  method for ratios). When the data show no overdispersion (tau-squared of 0)
  the unadjusted limits are kept.

References
----------
.. [1] Spiegelhalter DJ. Funnel plots for comparing institutional performance.
   Stat Med 2005; 24: 1185-1202. doi:10.1002/sim.1970
.. [2] Spiegelhalter DJ. Handling over-dispersion of performance indicators.
   Qual Saf Health Care 2005; 14: 347-351.
.. [3] OHID. PHEindicatormethods R package: calculate_funnel_limits.
   https://github.com/ukhsa-collaboration/PHEindicatormethods
.. [4] Mainey C. FunnelPlotR: funnel plots for comparing institutional
   performance. https://github.com/nhs-r-community/FunnelPlotR
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

from saferplaces.errors import InputError
from saferplaces.stats._validate import (
    validate_choice,
    validate_counts,
    validate_level,
    validate_positive,
    validate_same_length,
)

__all__ = [
    "FunnelLimits",
    "FunnelSignificance",
    "funnel_limits",
    "funnel_significance",
    "overdispersion_tau2",
]

STATISTICS = ("proportion", "rate", "ratio")
SIGNIFICANCE_LEVELS = (0.95, 0.998)
WINSORISE = 0.1


@dataclass(frozen=True)
class FunnelLimits:
    """Control limits for a funnel plot.

    Attributes
    ----------
    statistic
        ``"proportion"``, ``"rate"`` or ``"ratio"``.
    target
        The centre line, in the same units as the limits (times ``per``).
    per
        Multiplier for the values.
    levels
        Confidence levels, one row of ``lower`` and ``upper`` each.
    denominators
        Where the limits were evaluated (population, total, or expected count
        for ratios).
    lower, upper
        Arrays of shape ``(len(levels), len(denominators))``.
    overdispersion
        Whether the limits were widened for overdispersion.
    phi, tau2
        Dispersion ratio and between-area variance (on the transformed scale)
        when ``overdispersion`` is true, otherwise ``None``.
    assumptions
        Sentences describing defaults chosen by the code.
    """

    statistic: str
    target: float
    per: float
    levels: tuple[float, ...]
    denominators: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    overdispersion: bool
    phi: float | None
    tau2: float | None
    assumptions: tuple[str, ...]

    def at(self, level: float) -> tuple[np.ndarray, np.ndarray]:
        """Return ``(lower, upper)`` for one of ``levels``."""
        for i, lv in enumerate(self.levels):
            if abs(lv - level) < 1e-12:
                return self.lower[i], self.upper[i]
        raise InputError(
            f"'level' {level!r} was not one of the funnel levels {self.levels}.",
            "Ask for one of the levels the limits were calculated at.",
        )


@dataclass(frozen=True)
class FunnelSignificance:
    """Which areas lie outside the funnel limits.

    Attributes
    ----------
    values
        Each area's value (times ``per``).
    labels
        ``"high-0.001"``, ``"high-0.025"``, ``"low-0.025"``, ``"low-0.001"`` or
        ``"not-significant"`` for each area.
    limits
        The :class:`FunnelLimits` at each area's denominator, at 95% and 99.8%.
    target
        The centre line.
    assumptions
        Sentences describing defaults chosen by the code.
    """

    values: np.ndarray
    labels: tuple[str, ...]
    limits: FunnelLimits
    target: float
    assumptions: tuple[str, ...]


def _z(level: float) -> float:
    return float(special.ndtri(1.0 - (1.0 - level) / 2.0))


def _solve_shape(mu: np.ndarray, prob: float) -> np.ndarray:
    """Find a > 0 with gammainc(a, mu) == prob; gammainc falls as a grows."""
    lo = np.full_like(mu, 1e-12)
    hi = mu + 12.0 * np.sqrt(mu) + 40.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        above = special.gammainc(mid, mu) > prob
        lo = np.where(above, mid, lo)
        hi = np.where(above, hi, mid)
        if np.all(hi - lo <= 1e-14 * np.maximum(hi, 1.0)):
            break
    return 0.5 * (lo + hi)


def _poisson_limits(expected: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Continuous observed counts on the exact-interval boundary of ``expected``."""
    alpha = 1.0 - level
    # Lower: the count whose exact upper limit chi2(1-a/2, 2x+2)/2 equals the expected
    # count, i.e. gammainc(x + 1, mu) = 1 - a/2.
    x_low = _solve_shape(expected, 1.0 - alpha / 2.0) - 1.0
    # Upper: the count whose exact lower limit chi2(a/2, 2x)/2 equals it.
    x_high = _solve_shape(expected, alpha / 2.0)
    return np.maximum(x_low, 0.0), x_high


def overdispersion_tau2(
    numerators: ArrayLike, denominators: ArrayLike, statistic: str, target: float | None = None
) -> tuple[float, float]:
    """Dispersion ratio phi and between-area variance tau-squared.

    Parameters
    ----------
    numerators, denominators
        Counts and denominators (populations, totals or expected counts).
    statistic
        ``"proportion"``, ``"rate"`` or ``"ratio"``.
    target
        Target as a fraction (proportion), events per person (rate) or ratio;
        defaults to the pooled value (1 for ratios).

    Returns
    -------
    tuple
        ``(phi, tau2)``. ``phi`` is the mean squared winsorised z-score and
        ``tau2`` the DerSimonian-Laird estimate, 0 when ``n * phi <= n - 1``.

    References
    ----------
    .. [2] Spiegelhalter DJ. Qual Saf Health Care 2005; 14: 347-351.
    """
    validate_choice(statistic, "statistic", STATISTICS)
    x = validate_counts(numerators, "numerators")
    n = validate_positive(denominators, "denominators")
    validate_same_length(numerators=x, denominators=n)
    if target is None:
        target = 1.0 if statistic == "ratio" else float(x.sum() / n.sum())
    y, t, s = _transform(x, n, statistic, target)
    z = (y - t) / s
    lz, uz = np.quantile(z, [WINSORISE, 1.0 - WINSORISE])
    zw = np.clip(z, lz, uz)
    k = z.size
    phi = float(np.mean(zw**2))
    w = 1.0 / s**2
    if k * phi <= k - 1:
        return phi, 0.0
    tau2 = (k * phi - (k - 1)) / (w.sum() - (w**2).sum() / w.sum())
    return phi, float(max(0.0, tau2))


def _transform(
    x: np.ndarray, n: np.ndarray, statistic: str, target: float
) -> tuple[np.ndarray, float, np.ndarray]:
    if statistic == "proportion":
        y = np.arcsin(np.sqrt(np.clip(x / n, 0.0, 1.0)))
        return y, float(np.arcsin(np.sqrt(target))), 1.0 / (2.0 * np.sqrt(n))
    expected = target * n
    return np.sqrt(x / expected), 1.0, 1.0 / (2.0 * np.sqrt(expected))


def funnel_limits(
    denominators: ArrayLike,
    statistic: str,
    target: float | None = None,
    per: float = 1,
    levels: tuple[float, ...] = (0.95, 0.998),
    overdispersion: bool = False,
    *,
    numerators: ArrayLike | None = None,
) -> FunnelLimits:
    """Funnel plot control limits at each denominator.

    Parameters
    ----------
    denominators
        Populations (rates), totals (proportions) or expected counts (ratios).
    statistic
        ``"proportion"`` (Wilson-based limits), ``"rate"`` or ``"ratio"``
        (exact Poisson-based limits).
    target
        Centre line in output units (already multiplied by ``per``). When
        omitted it is the pooled value ``sum(numerators) / sum(denominators)``
        (so ``numerators`` must be given), or 1 for ratios.
    per
        Multiplier, for example 1000 for a rate per 1,000 or 100 for a
        percentage or an indirectly standardised ratio of 100.
    levels
        Confidence levels of the limits; PHE uses 95% and 99.8%.
    overdispersion
        Widen the limits by an additive random-effects term estimated from
        ``numerators`` (which must then be given).
    numerators
        Observed counts, one per denominator; needed for the pooled target
        and for overdispersion.

    Returns
    -------
    FunnelLimits

    References
    ----------
    .. [1] Spiegelhalter DJ. Stat Med 2005; 24: 1185-1202.
    .. [3] PHEindicatormethods: calculate_funnel_limits.

    Examples
    --------
    >>> lim = funnel_limits([100, 1000], "proportion", target=0.2, levels=(0.95,))
    >>> [round(float(v), 4) for v in lim.upper[0]]
    [0.2784, 0.2248]
    """
    statistic = validate_choice(statistic, "statistic", STATISTICS)
    n = validate_positive(denominators, "denominators")
    m = float(validate_positive(per, "per")[0])
    levels = tuple(validate_level(lv, "levels") for lv in np.atleast_1d(levels))
    assumptions: list[str] = []
    x = None
    if numerators is not None:
        x = validate_counts(numerators, "numerators")
        validate_same_length(numerators=x, denominators=n)
        if statistic == "proportion" and np.any(x > n):
            raise InputError(
                "A numerator is larger than its denominator.",
                "For proportions each numerator must be no more than its denominator.",
            )
    if target is None:
        if statistic == "ratio":
            t = 1.0
            assumptions.append("The target ratio is 1 (observed equals expected).")
        elif x is None:
            raise InputError(
                "'target' was not given and there are no 'numerators' to pool.",
                "Give a target value, or the numerators so the pooled value can be used.",
            )
        else:
            t = float(x.sum() / n.sum())
            if t == 0.0:
                raise InputError(
                    "Every numerator is zero, so the pooled target is zero.",
                    "Give a target value, or check that the numerators are for the right period.",
                )
            assumptions.append(f"The target is the pooled value of all {n.size} areas ({t * m:.4g}).")
    else:
        t = float(validate_positive(target, "target")[0]) / m
        if statistic == "proportion" and t >= 1.0:
            raise InputError(
                f"'target' is {target!r}, which is not a proportion below 1 times 'per'.",
                "Give the target on the same scale as 'per' (for example 80 with per=100).",
            )

    phi = tau2 = None
    if overdispersion:
        if x is None:
            raise InputError(
                "'overdispersion' is on but no 'numerators' were given.",
                "Give the numerators so that the between-area variation can be estimated.",
            )
        phi, tau2 = overdispersion_tau2(x, n, statistic, t)
        assumptions.append(
            f"Limits allow for overdispersion: phi = {phi:.3g}, tau-squared = {tau2:.3g} "
            f"({int(WINSORISE * 100)}% winsorised z-scores)."
        )
        if tau2 == 0.0:
            assumptions.append("No overdispersion was found, so the usual limits are kept.")

    lower = np.empty((len(levels), n.size))
    upper = np.empty((len(levels), n.size))
    for i, level in enumerate(levels):
        z = _z(level)
        if overdispersion and tau2:
            _, tt, s = _transform(np.zeros_like(n), n, statistic, t)
            half = z * np.sqrt(s**2 + tau2)
            lo_t, hi_t = tt - half, tt + half
            if statistic == "proportion":
                lo = np.sin(np.clip(lo_t, 0.0, np.pi / 2)) ** 2
                hi = np.sin(np.clip(hi_t, 0.0, np.pi / 2)) ** 2
            else:
                lo = np.maximum(lo_t, 0.0) ** 2 * t
                hi = np.maximum(hi_t, 0.0) ** 2 * t
        elif statistic == "proportion":
            half = z * np.sqrt(t * (1.0 - t) / n)
            lo, hi = np.clip(t - half, 0.0, 1.0), np.clip(t + half, 0.0, 1.0)
        else:
            x_lo, x_hi = _poisson_limits(t * n, level)
            lo, hi = x_lo / n, x_hi / n
        lower[i] = lo * m
        upper[i] = hi * m
    return FunnelLimits(
        statistic=statistic,
        target=t * m,
        per=m,
        levels=levels,
        denominators=n,
        lower=lower,
        upper=upper,
        overdispersion=bool(overdispersion),
        phi=phi,
        tau2=tau2,
        assumptions=tuple(assumptions),
    )


def funnel_significance(
    numerators: ArrayLike,
    denominators: ArrayLike,
    statistic: str,
    per: float = 1,
    overdispersion: bool = False,
    target: float | None = None,
) -> FunnelSignificance:
    """Label each area by where it falls against the 95% and 99.8% funnel limits.

    Parameters
    ----------
    numerators
        Observed counts, one per area.
    denominators
        Populations, totals or expected counts, one per area.
    statistic
        ``"proportion"``, ``"rate"`` or ``"ratio"``.
    per
        Multiplier for the values.
    overdispersion
        Widen the limits for overdispersion (recommended for wards, where
        large areas are otherwise over-flagged).
    target
        Centre line in output units; defaults to the pooled value (1 for
        ratios).

    Returns
    -------
    FunnelSignificance
        Labels are ``"high-0.001"`` (above the 99.8% limit), ``"high-0.025"``
        (above the 95% limit only), ``"low-0.025"``, ``"low-0.001"`` or
        ``"not-significant"``. A value on a limit is not significant.

    Examples
    --------
    >>> sig = funnel_significance([30, 10, 12], [1000, 1000, 1000], "rate", per=1000)
    >>> sig.labels
    ('high-0.025', 'not-significant', 'not-significant')
    """
    x = validate_counts(numerators, "numerators")
    n = validate_positive(denominators, "denominators")
    validate_same_length(numerators=x, denominators=n)
    lim = funnel_limits(
        n,
        statistic,
        target=target,
        per=per,
        levels=SIGNIFICANCE_LEVELS,
        overdispersion=overdispersion,
        numerators=x,
    )
    values = x / n * lim.per
    lo95, hi95 = lim.at(0.95)
    lo998, hi998 = lim.at(0.998)
    labels = np.full(x.size, "not-significant", dtype=object)
    labels[values > hi95] = "high-0.025"
    labels[values > hi998] = "high-0.001"
    labels[values < lo95] = "low-0.025"
    labels[values < lo998] = "low-0.001"
    return FunnelSignificance(
        values=values,
        labels=tuple(str(v) for v in labels),
        limits=lim,
        target=lim.target,
        assumptions=lim.assumptions,
    )
