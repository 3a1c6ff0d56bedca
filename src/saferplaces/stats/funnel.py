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
  the PHE funnel tables exactly. An area's label, as PHEindicatormethods'
  ``assign_funnel_significance`` decides it, compares the target with the
  area's own Poisson interval: exact below 10 events (the same as the exact
  line) and Byar's from 10 events.
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

from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

from saferplaces.errors import InputError
from saferplaces.stats._dist import norm_ppf
from saferplaces.stats._validate import (
    validate_choice,
    validate_counts,
    validate_flag,
    validate_levels,
    validate_positive,
    validate_same_length,
    validate_scalar_positive,
)
from saferplaces.stats.labels import FunnelLabel
from saferplaces.stats.rates import BYAR_THRESHOLD, poisson_interval
from saferplaces.wording import counted

__all__ = [
    "FunnelLimits",
    "FunnelPoint",
    "FunnelSignificance",
    "funnel_limits",
    "funnel_points",
    "funnel_significance",
    "funnel_significance_dsr",
    "overdispersion_tau2",
]

STATISTICS = ("proportion", "rate", "ratio")
SIGNIFICANCE_LEVELS = (0.95, 0.998)
WINSORISE = 0.1
#: PHE does not judge a DSR from fewer events than this on a funnel.
PHE_DSR_MIN_EVENTS = 10


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
    labels: tuple[FunnelLabel, ...]
    limits: FunnelLimits
    target: float
    assumptions: tuple[str, ...]


def _z(level: float) -> float:
    return float(special.ndtri(1.0 - (1.0 - level) / 2.0))


def _solve_shape(mu: np.ndarray, prob: float) -> np.ndarray:
    """The gamma shape a > 0 with gammainc(a, mu) == prob.

    ``gammainc(a, mu)`` is the chi-square distribution function with ``2a``
    degrees of freedom at ``2 mu``, so scipy's inverse in the degrees of
    freedom (``chdtriv``) gives ``a`` directly.
    """
    with np.errstate(invalid="ignore"):
        shape = special.chdtriv(prob, 2.0 * mu) / 2.0
    # chdtriv gives up (nan) once mu passes about 1e10; there the gamma distribution is normal to
    # within a part in 1e5 of its spread, mean and variance a, so gammainc(a, mu) = prob at
    # mu = a + z sqrt(a), z the normal quantile of prob: a = mu - z sqrt(mu) to first order.
    lost = np.isnan(shape) & (mu > 1e6)
    if np.any(lost):
        z = float(norm_ppf(prob))
        shape = np.where(lost, mu - z * np.sqrt(mu), shape)
    return shape


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
    if statistic == "proportion":
        _check_proportions(x, n)
    if target is None:
        target = 1.0 if statistic == "ratio" else float(x.sum() / n.sum())
    target = validate_scalar_positive(target, "target")
    if statistic == "proportion" and target >= 1.0:
        raise InputError(
            f"'target' is {target:g}, which is not a proportion between 0 and 1.",
            "Give the target as a fraction, such as 0.2 for 20%.",
        )
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


def _check_proportions(x: np.ndarray, n: np.ndarray) -> None:
    if np.any(x > n):
        raise InputError(
            "A numerator is larger than its denominator.",
            "For proportions each numerator must be no more than its denominator.",
        )


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
    m = validate_scalar_positive(per, "per")
    levels = validate_levels(levels, "levels")
    overdispersion = validate_flag(overdispersion, "overdispersion")
    if not levels:
        raise InputError(
            "'levels' is empty, so there are no limits to calculate.",
            "Give at least one confidence level, such as levels=(0.95, 0.998).",
        )
    assumptions: list[str] = []
    x = None
    if numerators is not None:
        x = validate_counts(numerators, "numerators")
        validate_same_length(numerators=x, denominators=n)
        if statistic == "proportion":
            _check_proportions(x, n)
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
        t = validate_scalar_positive(target, "target") / m
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
    *,
    levels: tuple[float, float] | None = None,
    z: tuple[float, float] | None = None,
) -> FunnelSignificance:
    """Label each area by where it falls against two funnel limits (95% and 99.8% by default).

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
    levels
        The inner and outer confidence levels, ``(0.95, 0.998)`` by default
        (PHE and Fingertips).
    z
        The same given as two-sided z values instead, such as Fingertips'
        ``(1.96, 3.0902)``; give ``levels`` or ``z``, not both.

    Returns
    -------
    FunnelSignificance
        Labels (:class:`~saferplaces.stats.labels.FunnelLabel`) are
        ``"high-0.001"`` (above the 99.8% limit), ``"high-0.025"``
        (above the 95% limit only), ``"low-0.025"``, ``"low-0.001"`` or
        ``"not-significant"``. A value on a limit is not significant. For
        rates and ratios an area with 10 or more events is judged, as PHE
        does, by Byar's interval for its count against the target, which can
        differ from the exact funnel line very close to it. With
        other levels, ``"high-0.025"`` means above the inner limit only and
        ``"high-0.001"`` above the outer one (likewise for low), and the
        assumptions say so.

    Examples
    --------
    >>> sig = funnel_significance([30, 10, 12], [1000, 1000, 1000], "rate", per=1000)
    >>> sig.labels
    ('high-0.025', 'not-significant', 'not-significant')
    """
    x = validate_counts(numerators, "numerators")
    n = validate_positive(denominators, "denominators")
    validate_same_length(numerators=x, denominators=n)
    inner, outer = _two_levels(levels, z)
    lim = funnel_limits(
        n,
        statistic,
        target=target,
        per=per,
        levels=(inner, outer),
        overdispersion=overdispersion,
        numerators=x,
    )
    values = x / n * lim.per
    assumptions = list(lim.assumptions)
    if statistic in ("rate", "ratio") and not lim.tau2:
        # PHE (assign_funnel_significance): the target against the area's own Poisson interval,
        # exact below 10 events and Byar's from 10, not against the exact funnel line.
        labels = _poisson_labels(x, lim.target / lim.per * n, (inner, outer))
        if np.any(x >= BYAR_THRESHOLD):
            assumptions.append(
                f"Areas with {BYAR_THRESHOLD} or more events are judged by Byar's interval for their"
                " count, as PHE does; near a limit this can differ slightly from the exact funnel line."
            )
    else:
        labels = _labels(values, lim.lower, lim.upper)
    if (inner, outer) != SIGNIFICANCE_LEVELS:
        assumptions.append(
            f"Labels ending 0.025 mean beyond the {inner:.4g} limit only, and 0.001 beyond the"
            f" {outer:.4g} limit."
        )
    return FunnelSignificance(
        values=values,
        labels=labels,
        limits=lim,
        target=lim.target,
        assumptions=tuple(assumptions),
    )


def _two_levels(levels: tuple[float, float] | None, z: tuple[float, float] | None) -> tuple[float, float]:
    """Inner and outer confidence levels from ``levels`` or two-sided ``z`` values."""
    if levels is not None and z is not None:
        raise InputError(
            "Both 'levels' and 'z' were given.",
            "Give the confidence levels (such as (0.95, 0.998)) or the z values, not both.",
        )
    if z is not None:
        zs = validate_positive(z, "z")
        pair = tuple(float(1.0 - 2.0 * special.ndtr(-v)) for v in zs)
        if any(p >= 1.0 for p in pair):
            raise InputError(
                f"'z' contains {float(zs.max()):g}, which is too large to be a confidence limit.",
                "Give two-sided z values such as z=(1.96, 3.0902).",
            )
        name = "z"
    else:
        pair = validate_levels(SIGNIFICANCE_LEVELS if levels is None else levels, "levels")
        name = "levels"
    if len(pair) != 2 or not pair[0] < pair[1]:
        raise InputError(
            f"'{name}' must be two values, inner then outer, but it was {z if name == 'z' else levels!r}.",
            "Give two increasing values, such as levels=(0.95, 0.998) or z=(1.96, 3.0902).",
        )
    return pair[0], pair[1]


def _poisson_labels(
    counts: np.ndarray, expected: np.ndarray, levels: tuple[float, float]
) -> tuple[FunnelLabel, ...]:
    """Labels from each count's Poisson interval (exact below 10, Byar's from 10) against E."""
    labels = np.full(counts.size, FunnelLabel.NOT_SIGNIFICANT, dtype=object)
    (lo_in, hi_in, _), (lo_out, hi_out, _) = (poisson_interval(counts, lv) for lv in levels)
    labels[lo_in > expected] = FunnelLabel.HIGH_0025
    labels[lo_out > expected] = FunnelLabel.HIGH_0001
    labels[hi_in < expected] = FunnelLabel.LOW_0025
    labels[hi_out < expected] = FunnelLabel.LOW_0001
    return tuple(FunnelLabel(v) for v in labels)


def _labels(values: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> tuple[FunnelLabel, ...]:
    """Significance labels from limits at two levels (rows: inner, outer)."""
    labels = np.full(values.size, FunnelLabel.NOT_SIGNIFICANT, dtype=object)
    labels[values > upper[0]] = FunnelLabel.HIGH_0025
    labels[values > upper[1]] = FunnelLabel.HIGH_0001
    labels[values < lower[0]] = FunnelLabel.LOW_0025
    labels[values < lower[1]] = FunnelLabel.LOW_0001
    return tuple(FunnelLabel(v) for v in labels)


@dataclass(frozen=True)
class FunnelPoint:
    """One area on a funnel plot, from :func:`funnel_points`.

    Attributes
    ----------
    numerator, denominator
        The inputs (for DSRs the denominator is PHE's derived one).
    value
        The area's value (times ``per``); ``nan`` when not applicable.
    lower, upper
        The limits at this area's denominator, one per level (inner, outer).
    label
        A :class:`~saferplaces.stats.labels.FunnelLabel`, as
        :func:`funnel_significance` gives it (for rates and ratios with 10 or
        more events, PHE's Byar-based judgement, which can differ from these
        exact limits very close to them).
    """

    numerator: float
    denominator: float
    value: float
    lower: tuple[float, ...]
    upper: tuple[float, ...]
    label: FunnelLabel


def funnel_points(
    numerators: ArrayLike,
    denominators: ArrayLike,
    statistic: str,
    per: float = 1,
    overdispersion: bool = False,
    target: float | None = None,
    *,
    levels: tuple[float, float] | None = None,
    z: tuple[float, float] | None = None,
) -> tuple[FunnelPoint, ...]:
    """Per area: its value, the funnel limits at its own denominator, and its label.

    Takes the same arguments as :func:`funnel_significance` and returns its
    answer one row per area, ready for a table or a chart.

    Examples
    --------
    >>> rows = funnel_points([30, 10], [1000, 1000], "rate", per=1000)
    >>> rows[0].label, [round(v, 2) for v in rows[0].upper]
    ('high-0.025', [29.71, 35.65])
    """
    sig = funnel_significance(
        numerators, denominators, statistic, per, overdispersion, target, levels=levels, z=z
    )
    x = validate_counts(numerators, "numerators")
    lim = sig.limits
    return tuple(
        FunnelPoint(
            numerator=float(x[i]),
            denominator=float(lim.denominators[i]),
            value=float(sig.values[i]),
            lower=tuple(float(v) for v in lim.lower[:, i]),
            upper=tuple(float(v) for v in lim.upper[:, i]),
            label=sig.labels[i],
        )
        for i in range(x.size)
    )


def funnel_significance_dsr(
    counts: ArrayLike,
    dsrs: ArrayLike,
    per: float = 100_000,
    *,
    levels: tuple[float, float] | None = None,
    z: tuple[float, float] | None = None,
) -> FunnelSignificance:
    """Funnel significance for directly standardised rates, the PHE way.

    Each area's DSR is treated as a crude rate on a derived denominator,
    ``count / dsr * per`` (the population that would give that rate); the
    target is the total count over the total derived denominator. Areas with
    fewer than 10 events are not judged (PHE's rule: a DSR on so few events is
    unreliable) and are labelled ``"not-applicable"``; they are left out of
    the target too when they have no events.

    Parameters
    ----------
    counts
        Events behind each area's DSR.
    dsrs
        The DSRs, per ``per`` (ignored where the count is 0).
    per
        The DSRs' multiplier, for example 100,000.
    levels, z
        As for :func:`funnel_significance`.

    Returns
    -------
    FunnelSignificance
        ``limits.denominators`` holds the derived denominators (``nan`` where
        not applicable).

    References
    ----------
    .. [3] PHEindicatormethods: assign_funnel_significance, rate_type "dsr".

    Examples
    --------
    >>> sig = funnel_significance_dsr([250, 180, 6], [620.0, 410.0, 300.0])
    >>> [str(v) for v in sig.labels]
    ['high-0.001', 'low-0.025', 'not-applicable']
    """
    x = validate_counts(counts, "counts")
    d = validate_counts(dsrs, "dsrs")
    validate_same_length(counts=x, dsrs=d)
    m = validate_scalar_positive(per, "per")
    if np.any((x > 0) & (d <= 0)):
        raise InputError(
            "A DSR is zero although its area has events.",
            "Check that each DSR matches its count of events.",
        )
    judged = x >= PHE_DSR_MIN_EVENTS
    if not judged.any():
        raise InputError(
            f"No area has {PHE_DSR_MIN_EVENTS} or more events, so no DSR can be judged on a funnel.",
            "Use a longer period or larger areas.",
        )
    with np.errstate(divide="ignore", invalid="ignore"):
        derived = np.where(x > 0, x / d * m, np.nan)
    target = float(x[x > 0].sum() / derived[x > 0].sum()) * m
    inner, outer = _two_levels(levels, z)
    sig = funnel_significance(x[judged], derived[judged], "rate", per=m, target=target, levels=(inner, outer))
    labels = np.full(x.size, FunnelLabel.NOT_APPLICABLE, dtype=object)
    labels[judged] = sig.labels
    values = np.full(x.size, np.nan)
    values[judged] = sig.values
    full_lower = np.full((2, x.size), np.nan)
    full_upper = np.full((2, x.size), np.nan)
    full_lower[:, judged] = sig.limits.lower
    full_upper[:, judged] = sig.limits.upper
    lim = replace(
        sig.limits,
        denominators=np.where(judged, derived, np.nan),
        lower=full_lower,
        upper=full_upper,
    )
    assumptions = [a for a in sig.assumptions if not a.startswith("The target")]
    assumptions.insert(
        0,
        f"Each DSR is judged as a rate on the population that would give it; the target is"
        f" {target:.4g} per {m:,.0f} (total events over total derived population).",
    )
    if (~judged).any():
        assumptions.append(
            f"{counted(int((~judged).sum()), 'area')} with fewer than {PHE_DSR_MIN_EVENTS} events "
            f"{'is' if int((~judged).sum()) == 1 else 'are'} not judged (PHE's rule for DSRs)."
        )
    return FunnelSignificance(
        values=values,
        labels=tuple(FunnelLabel(v) for v in labels),
        limits=lim,
        target=target,
        assumptions=tuple(assumptions),
    )
