"""Age-standardised rates and ratios, the PHE (OHID Fingertips) way.

* Directly standardised rate (DSR): the area's age-specific rates weighted by
  a standard population, by default the 2013 European Standard Population
  (bundled in ``stats/data/esp2013.csv`` with its source). The confidence
  interval is Dobson's: the interval for the total count ``O`` (Byar's from
  10 events, exact below) scaled onto the DSR,
  ``DSR + sqrt(var(DSR) / O) * (O_limit - O)``.
* Indirectly standardised ratio (ISR, a standardised ratio such as an SMR):
  observed events over the events expected if the area had the reference
  age-specific rates, ``O / E``; the interval is the Poisson interval for
  ``O`` (Byar's from 10 events, exact below, as PHEindicatormethods) over
  ``E``. The reference rates are given, or come from reference counts and
  populations: a standard (England, say) or the observed totals of the areas
  being compared (:func:`pooled_reference`).
* Indirectly standardised rate: the ratio times the reference population's
  crude rate.
* Two DSRs known by their limits (:func:`dsr_ratio`): the log ratio, with
  standard errors recovered from each interval (Altman and Bland).

References
----------
.. [1] OHID. Public health technical guidance: Directly standardised rates;
   Indirectly standardised ratios.
   https://fingertips.phe.org.uk/profile/guidance
.. [2] Dobson AJ, Kuulasmaa K, Eberle E, Scherer J. Confidence intervals for
   weighted sums of Poisson parameters. Stat Med 1991; 10: 457-462.
.. [3] Breslow NE, Day NE. Statistical methods in cancer research, volume II.
   Lyon: IARC; 1987. (Byar's approximation.)
.. [4] Eurostat. Revision of the European Standard Population. 2013 edition.
   doi:10.2785/11470
.. [5] OHID. PHEindicatormethods R package: calculate_dsr,
   calculate_ISRatio, calculate_ISRate.
   https://github.com/ukhsa-collaboration/PHEindicatormethods
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
from numpy.typing import ArrayLike

from saferplaces.errors import InputError
from saferplaces.stats._dist import norm_ppf, norm_sf
from saferplaces.stats._validate import (
    as_float_array,
    validate_counts,
    validate_level,
    validate_positive,
    validate_same_length,
    validate_scalar_positive,
)
from saferplaces.stats.labels import ComparisonLabel
from saferplaces.stats.rates import BYAR_THRESHOLD, poisson_interval

__all__ = [
    "DsrRatioResult",
    "DsrResult",
    "dsr_ratio",
    "IsrResult",
    "dsr",
    "esp2013",
    "isr",
    "pooled_reference",
]


@dataclass(frozen=True)
class DsrResult:
    """A directly standardised rate with its Dobson interval.

    Attributes
    ----------
    value, lower, upper
        The DSR and its confidence limits, per ``per`` of the standard population.
    method
        ``"dobson-byar"`` (10 events or more) or ``"dobson-exact"``.
    level
        Confidence level.
    count, population, per
        Total events, total population and the multiplier.
    standard
        Name of the standard population.
    assumptions
        Sentences describing defaults chosen by the code.
    """

    value: float
    lower: float
    upper: float
    method: str
    level: float
    count: float
    population: float
    per: float
    standard: str
    assumptions: tuple[str, ...]


@dataclass(frozen=True)
class IsrResult:
    """An indirectly standardised ratio (and rate) with its interval.

    Attributes
    ----------
    ratio, lower, upper
        Observed over expected, times ``per`` (1, or 100 for an SMR-style
        ratio), and its confidence limits.
    rate, rate_lower, rate_upper
        The indirectly standardised rate per ``rate_per`` (ratio times the
        reference crude rate); ``nan`` when the reference gave rates only.
    method
        ``"byar"`` (10 events or more) or ``"exact"``.
    level
        Confidence level.
    observed, expected
        Observed and expected events.
    per, rate_per
        Multipliers of the ratio and of the rate.
    assumptions
        Sentences describing defaults chosen by the code.
    """

    ratio: float
    lower: float
    upper: float
    rate: float
    rate_lower: float
    rate_upper: float
    method: str
    level: float
    observed: float
    expected: float
    per: float
    rate_per: float
    assumptions: tuple[str, ...]


@cache
def _esp_rows() -> tuple[tuple[str, int, int | None, float], ...]:
    path = resources.files("saferplaces.stats") / "data" / "esp2013.csv"
    with path.open(encoding="utf-8") as f:
        return tuple(
            (
                r["age_band"],
                int(r["start_age"]),
                int(r["end_age"]) if r["end_age"] else None,
                float(r["population"]),
            )
            for r in csv.DictReader(f)
        )


def esp2013(top_age: int = 90) -> tuple[tuple[str, float], ...]:
    """The 2013 European Standard Population by five-year age band.

    Parameters
    ----------
    top_age
        Start of the open top band: 90 (19 bands, as published) or 85 (18
        bands, 85-89 and 90+ added together, as many English data sets end).

    Returns
    -------
    tuple
        ``(age band, population)`` pairs, youngest first, summing to 100,000.

    References
    ----------
    .. [4] Eurostat. Revision of the European Standard Population. 2013.

    Examples
    --------
    >>> bands = esp2013()
    >>> len(bands), bands[0], sum(p for _, p in bands)
    (19, ('0-4', 5000.0), 100000.0)
    >>> esp2013(top_age=85)[-1]
    ('85+', 2500.0)
    """
    if isinstance(top_age, bool) or not isinstance(top_age, (int, np.integer)) or top_age not in (85, 90):
        raise InputError(
            f"'top_age' is {top_age!r}, which is not a published top band.",
            "Use 90 (bands to 90 and over) or 85 (bands to 85 and over).",
        )
    rows = [(band, pop) for band, start, _, pop in _esp_rows() if start < top_age]
    top = sum(pop for _, start, _, pop in _esp_rows() if start >= top_age)
    rows.append((f"{top_age}+", top))
    return tuple(rows)


def _standard(standard: ArrayLike | None, bands: int) -> tuple[np.ndarray, str]:
    if standard is None:
        for top in (90, 85):
            esp = esp2013(top)
            if len(esp) == bands:
                return np.array(
                    [p for _, p in esp]
                ), f"the 2013 European Standard Population ({top}+ top band)"
        raise InputError(
            f"There are {bands} age bands, but the 2013 European Standard Population has 19 (or 18).",
            "Give counts and populations in the 19 five-year bands 0-4 to 90+ (or 18 to 85+),"
            " or give your own 'standard'.",
        )
    return validate_positive(standard, "standard"), "the standard population given"


def dsr(
    counts: ArrayLike,
    populations: ArrayLike,
    standard: ArrayLike | None = None,
    per: float = 100_000,
    level: float = 0.95,
) -> DsrResult:
    """A directly standardised rate with Dobson confidence limits, the PHE way.

    Parameters
    ----------
    counts
        Events in each age band (zero or more), youngest first.
    populations
        Population of each age band (greater than zero).
    standard
        Standard population per band; the 2013 European Standard Population
        when omitted (19 bands to 90+, or 18 to 85+).
    per
        Multiplier: 100,000 gives a rate per 100,000.
    level
        Confidence level.

    Returns
    -------
    DsrResult

    Notes
    -----
    ``DSR = sum(w_i O_i / n_i) / sum(w_i)`` and
    ``var = sum(w_i^2 O_i / n_i^2) / sum(w_i)^2``; the limits are
    ``DSR + sqrt(var / O) (O_limit - O)``, where ``O_limit`` is the limit of
    the Poisson interval for the total count ``O`` [2]_.

    References
    ----------
    .. [1] OHID. Public health technical guidance: Directly standardised rates.
    .. [2] Dobson AJ et al. Stat Med 1991; 10: 457-462.

    Examples
    --------
    >>> r = dsr([0, 0, 1, 5, 8, 7, 6, 5, 4, 4, 3, 2, 2, 1, 1, 1, 0, 0, 0],
    ...         [5200, 5100, 5000, 5300, 6900, 7400, 6800, 6300, 5900, 5800,
    ...          5900, 5500, 4900, 4600, 4200, 3100, 2200, 1300, 600])
    >>> round(r.value, 1), round(r.lower, 1), round(r.upper, 1), r.method
    (51.8, 38.3, 68.5, 'dobson-byar')
    """
    o = validate_counts(counts, "counts")
    n = validate_positive(populations, "populations")
    validate_same_length(counts=o, populations=n)
    w, name = _standard(standard, o.size)
    validate_same_length(counts=o, standard=w)
    m = validate_scalar_positive(per, "per")
    level = validate_level(level)
    total = float(o.sum())
    value = float((w * o / n).sum() / w.sum())
    var = float((w**2 * o / n**2).sum() / w.sum() ** 2)
    lo, hi, methods = poisson_interval(np.array([total]), level)
    if total > 0:
        scale = np.sqrt(var / total)
        lower = float(value + scale * (float(lo[0]) - total))
        upper = float(value + scale * (float(hi[0]) - total))
    else:
        lower, upper = 0.0, float("nan")
    assumptions = [f"Standardised to {name}."]
    if total == 0:
        assumptions.append("There are no events, so Dobson's method gives no upper limit.")
    if total < BYAR_THRESHOLD:
        assumptions.append(
            f"There are only {total:g} events: Fingertips does not publish a DSR on fewer than"
            f" {BYAR_THRESHOLD}, and the interval uses the exact method."
        )
    return DsrResult(
        value=value * m,
        lower=max(lower, 0.0) * m,
        upper=upper * m,
        method=f"dobson-{methods[0]}",
        level=level,
        count=total,
        population=float(n.sum()),
        per=m,
        standard=name,
        assumptions=tuple(assumptions),
    )


def pooled_reference(counts: ArrayLike, populations: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Reference counts and populations per band from the observed totals of several areas.

    Parameters
    ----------
    counts, populations
        Arrays ``(n_areas, n_bands)``.

    Returns
    -------
    tuple
        ``(counts per band, populations per band)``, summed over the areas.

    Examples
    --------
    >>> c, p = pooled_reference([[1, 2], [3, 4]], [[10, 20], [30, 40]])
    >>> c.tolist(), p.tolist()
    ([4.0, 6.0], [40.0, 60.0])
    """
    table = "a table with one row per area and one column per age band, a number in every cell"
    c = as_float_array(counts, "counts", table)
    p = as_float_array(populations, "populations", table)
    if c.ndim != 2 or c.shape != p.shape:
        raise InputError(
            f"'counts' has shape {c.shape} and 'populations' {p.shape}; both must be (areas, bands).",
            "Give one row per area and one column per age band in both.",
        )
    return validate_counts(c.sum(axis=0), "counts"), validate_positive(p.sum(axis=0), "populations")


def isr(
    observed: ArrayLike,
    populations: ArrayLike,
    *,
    ref_counts: ArrayLike | None = None,
    ref_populations: ArrayLike | None = None,
    ref_rates: ArrayLike | None = None,
    per: float = 1,
    rate_per: float = 100_000,
    level: float = 0.95,
) -> IsrResult:
    """An indirectly standardised ratio and rate, the PHEindicatormethods way.

    Parameters
    ----------
    observed
        Observed events: the total, or one count per age band (summed).
    populations
        The area's population in each age band (zero or more; a band with
        no residents expects no events, as in PHEindicatormethods).
    ref_counts, ref_populations
        Reference events and population per band (a standard such as
        England, or the observed totals from :func:`pooled_reference`).
    ref_rates
        Reference rates per person per band, instead of counts and
        populations (the rate is then not available).
    per
        Multiplier of the ratio: 1, or 100 for an SMR-style ratio.
    rate_per
        Multiplier of the indirectly standardised rate.
    level
        Confidence level.

    Returns
    -------
    IsrResult

    References
    ----------
    .. [1] OHID. Public health technical guidance: Indirectly standardised ratios.
    .. [5] PHEindicatormethods: calculate_ISRatio, calculate_ISRate.

    Examples
    --------
    >>> r = isr(30, [1000, 2000], ref_counts=[50, 300], ref_populations=[10000, 20000], per=100)
    >>> r.expected, round(r.ratio, 1), r.method
    (35.0, 85.7, 'byar')
    """
    n = validate_counts(populations, "populations")
    if n.sum() <= 0:
        raise InputError(
            "Every value of 'populations' is zero, so no events can be expected.",
            "Give the area's population in each age band; at least one must be greater than zero.",
        )
    o_arr = validate_counts(observed, "observed")
    if o_arr.size not in (1, n.size):
        raise InputError(
            f"'observed' has {o_arr.size} values but there are {n.size} age bands.",
            "Give the total observed events, or one count per age band.",
        )
    o = float(o_arr.sum())
    crude_ref = float("nan")
    if ref_rates is not None:
        if ref_counts is not None or ref_populations is not None:
            raise InputError(
                "Both 'ref_rates' and reference counts or populations were given.",
                "Give the reference rates, or the reference counts and populations, not both.",
            )
        rates = validate_counts(ref_rates, "ref_rates")
        validate_same_length(populations=n, ref_rates=rates)
    else:
        if ref_counts is None or ref_populations is None:
            raise InputError(
                "No reference was given.",
                "Give 'ref_counts' and 'ref_populations' (or 'ref_rates') for each age band.",
            )
        rc = validate_counts(ref_counts, "ref_counts")
        rp = validate_positive(ref_populations, "ref_populations")
        validate_same_length(populations=n, ref_counts=rc, ref_populations=rp)
        rates = rc / rp
        crude_ref = float(rc.sum() / rp.sum())
    m = validate_scalar_positive(per, "per")
    rm = validate_scalar_positive(rate_per, "rate_per")
    level = validate_level(level)
    expected = float((rates * n).sum())
    if expected <= 0:
        raise InputError(
            "The reference rates give no expected events for this population.",
            "Check the reference counts: at least one age band needs events.",
        )
    lo, hi, methods = poisson_interval(np.array([o]), level)
    ratio, lower, upper = o / expected, float(lo[0]) / expected, float(hi[0]) / expected
    return IsrResult(
        ratio=ratio * m,
        lower=lower * m,
        upper=upper * m,
        rate=ratio * crude_ref * rm,
        rate_lower=lower * crude_ref * rm,
        rate_upper=upper * crude_ref * rm,
        method=str(methods[0]),
        level=level,
        observed=o,
        expected=expected,
        per=m,
        rate_per=rm,
        assumptions=(
            f"The interval uses the {'Byar' if methods[0] == 'byar' else 'exact Poisson'} method"
            f" ({o:g} events; Byar's from {BYAR_THRESHOLD}).",
        ),
    )


@dataclass(frozen=True)
class DsrRatioResult:
    """Result of :func:`dsr_ratio`: one DSR over another, with its interval and test.

    Attributes
    ----------
    ratio, lower, upper
        The ratio of the two rates and its confidence interval.
    z, p
        The test statistic and two-sided p-value for "the rates are equal".
    label
        A :class:`~saferplaces.stats.labels.ComparisonLabel`: ``"higher"``,
        ``"lower"`` or ``"similar"`` (the first rate against the second).
    level
        Confidence level of the ratio's interval.
    method
        ``"altman-bland-log"``.
    assumptions
        Sentences describing what the test takes for granted.
    """

    ratio: float
    lower: float
    upper: float
    z: float
    p: float
    label: ComparisonLabel
    level: float
    method: str
    assumptions: tuple[str, ...]


def _log_se(value: float, lower: float, upper: float, name: str, z: float) -> float:
    if not lower < value < upper:
        raise InputError(
            f"The {name} rate {value:g} does not lie inside its limits {lower:g} to {upper:g}.",
            "Give the rate with the lower and upper limits of its own confidence interval.",
        )
    return (np.log(upper) - np.log(lower)) / (2 * z)


def dsr_ratio(
    value: float,
    lower: float,
    upper: float,
    other_value: float,
    other_lower: float,
    other_upper: float,
    *,
    interval_level: float = 0.95,
    level: float = 0.95,
) -> DsrRatioResult:
    """Compare two DSRs known only by their values and confidence limits.

    A health partner usually sends the DSR with its (Dobson) limits, not the
    counts by age band. The standard error of each log rate is recovered from
    its interval, ``(ln upper - ln lower) / (2 z)``, and the log ratio is tested
    with the two errors combined, ``z = ln(R1 / R2) / sqrt(SE1^2 + SE2^2)``
    (Altman and Bland 2003 [6]_, 2011 [7]_). The rates must be independent
    (different periods or areas with no shared events).

    Parameters
    ----------
    value, lower, upper
        The first DSR (the later one, say) and its limits.
    other_value, other_lower, other_upper
        The DSR it is compared with, and its limits.
    interval_level
        The level of the limits given (Fingertips publishes 95%).
    level
        Confidence level of the ratio's interval; ``1 - level`` is the
        significance level of the label.

    Returns
    -------
    DsrRatioResult

    References
    ----------
    .. [6] Altman DG, Bland JM. Interaction revisited: the difference between
       two estimates. BMJ 2003; 326: 219.
    .. [7] Altman DG, Bland JM. How to obtain the P value from a confidence
       interval. BMJ 2011; 343: d2304.

    Examples
    --------
    >>> r = dsr_ratio(60.0, 50.0, 72.0, 80.0, 68.0, 94.0)
    >>> round(r.ratio, 3), round(r.p, 3), r.label
    (0.75, 0.021, 'lower')
    """
    interval_level = validate_level(interval_level, "interval_level")
    if interval_level < 0.5:
        raise InputError(
            f"'interval_level' is {interval_level:g}; the intervals given are not confidence intervals "
            "at a level that low.",
            "Give the level the intervals were computed at, such as 0.95.",
        )
    level = validate_level(level)
    given = {"value": value, "lower": lower, "upper": upper}
    given |= {"other_value": other_value, "other_lower": other_lower, "other_upper": other_upper}
    value, lower, upper, other_value, other_lower, other_upper = (
        validate_scalar_positive(v, name) for name, v in given.items()
    )
    z_given = float(norm_ppf(0.5 + interval_level / 2))
    se1 = _log_se(float(value), float(lower), float(upper), "first", z_given)
    se2 = _log_se(float(other_value), float(other_lower), float(other_upper), "second", z_given)
    log_ratio = float(np.log(value) - np.log(other_value))
    se = float(np.hypot(se1, se2))
    z = log_ratio / se
    p = float(2 * norm_sf(abs(z)))
    z_level = float(norm_ppf(0.5 + level / 2))
    lo, hi = float(np.exp(log_ratio - z_level * se)), float(np.exp(log_ratio + z_level * se))
    if lo > 1:
        label = ComparisonLabel.HIGHER
    elif hi < 1:
        label = ComparisonLabel.LOWER
    else:
        label = ComparisonLabel.SIMILAR
    return DsrRatioResult(
        ratio=float(np.exp(log_ratio)),
        lower=lo,
        upper=hi,
        z=z,
        p=p,
        label=label,
        level=level,
        method="altman-bland-log",
        assumptions=(
            "Each rate's standard error is recovered from its confidence interval on the log scale "
            "(Altman and Bland), which takes the interval as symmetric there; Dobson intervals are "
            "close to that from 10 events.",
            "The two rates are taken as independent (no events counted in both).",
        ),
    )
