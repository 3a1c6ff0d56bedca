"""Is there a steady trend over five or more periods?

A log-linear Poisson regression of the counts on time (with the log of the
exposure, such as population, as an offset) gives the annual percentage
change ``100 (exp(b) - 1)``. When the counts vary more than Poisson allows
(Pearson chi-square over residual degrees of freedom above 1), the standard
error is inflated by the square root of that dispersion and the test uses the
t distribution: a quasi-Poisson model, as R's ``glm(family = quasipoisson)``.

References
----------
.. [1] McCullagh P, Nelder JA. Generalized linear models. 2nd edn. London:
   Chapman and Hall; 1989. (Quasi-likelihood, chapter 9.)
.. [2] Wood SN. Generalized additive models: an introduction with R. 2nd edn.
   Boca Raton: CRC Press; 2017. (The AIDS in Belgium example.)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from saferplaces.errors import InputError
from saferplaces.stats._dist import norm_ppf, norm_sf, t_ppf, t_sf
from saferplaces.stats._validate import (
    validate_counts,
    validate_level,
    validate_positive,
    validate_same_length,
    validate_vector,
)
from saferplaces.stats.labels import TrendLabel

__all__ = ["TrendResult", "trend"]

MIN_PERIODS = 5


@dataclass(frozen=True)
class TrendResult:
    """Result of :func:`trend`.

    Attributes
    ----------
    annual_change
        Percentage change per year (per unit of ``periods``).
    lower, upper
        Confidence limits of the annual change, in percent.
    p
        Two-sided p-value for "no trend".
    label
        ``"increasing"``, ``"no-significant-trend"`` or ``"decreasing"``.
    method
        ``"poisson"`` or ``"quasi-poisson"``.
    dispersion
        Pearson chi-square over residual degrees of freedom.
    slope, slope_se
        Log-scale slope and its (possibly inflated) standard error.
    assumptions
        Sentences describing defaults chosen by the code.
    """

    annual_change: float
    lower: float
    upper: float
    p: float
    label: TrendLabel
    method: str
    dispersion: float
    slope: float
    slope_se: float
    assumptions: tuple[str, ...]


def trend(
    counts: ArrayLike,
    exposure: ArrayLike | None = None,
    periods: ArrayLike | None = None,
    level: float = 0.95,
) -> TrendResult:
    """Log-linear (quasi-)Poisson trend over five or more periods.

    Parameters
    ----------
    counts
        Counts per period (zero or more), oldest first.
    exposure
        Population or period length for each period; a constant if omitted.
    periods
        Time of each period in years (for example 2019, 2020, ... or
        2019.0, 2019.25, ... for quarters). If omitted the periods are taken
        as consecutive years.
    level
        Confidence level of the interval and the label.

    Returns
    -------
    TrendResult

    References
    ----------
    .. [1] McCullagh P, Nelder JA. Generalized linear models. 1989.

    Examples
    --------
    >>> t = trend([100, 110, 121, 133, 146])
    >>> round(t.annual_change, 1), t.label
    (9.9, 'increasing')
    """
    y = validate_counts(counts, "counts", min_length=MIN_PERIODS)
    level = validate_level(level)
    assumptions: list[str] = []
    if periods is None:
        t = np.arange(y.size, dtype=float)
        assumptions.append("Each period is taken to be one year after the one before.")
    else:
        t = validate_vector(periods, "periods")
        validate_same_length(counts=y, periods=t)
        if np.ptp(t) == 0:
            raise InputError("'periods' are all the same time.", "Give a different time for each period.")
    if exposure is None:
        offset = np.zeros_like(y)
    else:
        e = validate_positive(exposure, "exposure")
        validate_same_length(counts=y, exposure=e)
        offset = np.log(e)
    if y.sum() == 0:
        raise InputError(
            "'counts' are all zero, so there is no trend to estimate.",
            "Check the counts, or report that there were no events.",
        )
    # statsmodels is slow to import, so only load it when a trend is asked for.
    from statsmodels.genmod import families
    from statsmodels.genmod.generalized_linear_model import GLM

    centre = t.mean()
    design = np.column_stack([np.ones_like(t), t - centre])
    fit = GLM(y, design, family=families.Poisson(), offset=offset).fit()
    df_resid = y.size - 2
    dispersion = float(np.sum(fit.resid_pearson**2) / df_resid)
    b = float(fit.params[1])
    se = float(fit.bse[1])
    if dispersion > 1.0:
        method = "quasi-poisson"
        se = float(se * np.sqrt(dispersion))
        crit = t_ppf(1.0 - (1.0 - level) / 2.0, df_resid)
        p = float(2.0 * t_sf(abs(b) / se, df_resid))
        assumptions.append(
            f"The counts vary more than chance alone would suggest (dispersion {dispersion:.2f}),"
            " so the interval is widened (quasi-Poisson)."
        )
    else:
        method = "poisson"
        crit = norm_ppf(1.0 - (1.0 - level) / 2.0)
        p = float(2.0 * norm_sf(abs(b) / se))
    with np.errstate(over="ignore"):
        lower = 100.0 * np.expm1(b - crit * se)
        upper = 100.0 * np.expm1(b + crit * se)
        change = 100.0 * np.expm1(b)
    if not np.all(np.isfinite([lower, upper, change, p])):
        raise InputError(
            "The counts vary by so many orders of magnitude that the trend and its interval overflow.",
            "Check the counts and the exposure for a typing error or a wrong column.",
        )
    if p < 1.0 - level:
        label = TrendLabel.INCREASING if b > 0 else TrendLabel.DECREASING
    else:
        label = TrendLabel.NO_SIGNIFICANT_TREND
    return TrendResult(
        annual_change=float(change),
        lower=float(lower),
        upper=float(upper),
        p=p,
        label=label,
        method=method,
        dispersion=dispersion,
        slope=b,
        slope_se=se,
        assumptions=tuple(assumptions),
    )
