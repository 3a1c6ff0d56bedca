"""Change between two periods from their monthly counts, allowing for overdispersion.

Monthly crime counts vary more than a Poisson count would (the XmR charts show
it), so a test on the two totals alone calls too many changes significant. Here
the monthly counts of the two periods are a quasi-Poisson log-linear model with
one term for the period [1]_ [2]_:

* the rate ratio is ``RR = mean_current / mean_previous`` (the maximum-likelihood
  estimate; months of a period share one expected count);
* the dispersion ``phi`` is Pearson's chi-square over its degrees of freedom,
  ``sum (x - mean)^2 / mean / (n - 2)`` over the months of both periods, floored
  at 1 so that the test is never narrower than Poisson;
* ``log RR`` has standard error ``sqrt(phi (1 / C + 1 / P))`` (``C`` and ``P`` the
  totals), and the two-sided p-value is from Student's t on ``n - 2`` degrees of
  freedom, as R's ``summary.glm`` gives for the quasi-Poisson family.

When a period has no events the log rate ratio is undefined; the exact conditional
test of the two totals (``change``) is used instead and the method says so.

Two areas' changes over the same months (an area and the rest of its force) are
compared by the difference of their log rate ratios, whose standard error is the
root of the sum of the two squared standard errors, against the normal
distribution [3]_.

References
----------
.. [1] McCullagh P, Nelder JA. Generalized linear models. 2nd edn. London:
   Chapman and Hall; 1989. Section 6.2 (quasi-likelihood, the Pearson estimate
   of dispersion).
.. [2] Wedderburn RWM. Quasi-likelihood functions, generalized linear models,
   and the Gauss-Newton method. Biometrika 1974; 61: 439-447.
.. [3] Altman DG, Bland JM. Interaction revisited: the difference between two
   estimates. BMJ 2003; 326: 219.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from saferplaces.errors import InputError
from saferplaces.stats._dist import norm_ppf, norm_sf, t_ppf, t_sf
from saferplaces.stats._validate import as_float_array, check_magnitude, validate_level
from saferplaces.stats.change import change

__all__ = ["ChangeDifferenceResult", "MonthlyChangeResult", "change_difference", "monthly_change"]

METHOD_QUASI = "Quasi-Poisson test on monthly counts"
METHOD_EXACT = "Exact conditional test of two Poisson counts (a period has no events)"


@dataclass(frozen=True)
class MonthlyChangeResult:
    """Result of :func:`monthly_change`.

    Attributes
    ----------
    current, previous
        The two periods' totals.
    months_current, months_previous
        How many months each total covers.
    percent
        Change in the monthly mean, per cent (None when the previous total is 0).
    rate_ratio, lower, upper
        Ratio of the monthly means and its confidence interval (None when a total is 0).
    log_rate_ratio, se
        ``log(rate_ratio)`` and its standard error allowing for ``dispersion`` (None when a total is 0).
    dispersion
        Pearson dispersion of the monthly counts about their period means, floored at 1.
    df
        Degrees of freedom of the dispersion estimate (months less 2).
    p
        Two-sided p-value.
    label
        ``"increase"``, ``"no-significant-change"`` or ``"decrease"`` at ``level``.
    method
        ``METHOD_QUASI``, or ``METHOD_EXACT`` when a period has no events.
    """

    current: int
    previous: int
    months_current: int
    months_previous: int
    percent: float | None
    rate_ratio: float | None
    lower: float | None
    upper: float | None
    log_rate_ratio: float | None
    se: float | None
    dispersion: float
    df: int
    p: float
    label: str
    method: str


def _monthly(values: ArrayLike, name: str) -> np.ndarray:
    x = as_float_array(values, name, "one count for each month of the period").ravel()
    if x.size == 0:
        raise InputError(f"'{name}' has no months.", "Give one count for each month of the period.")
    if np.any(~np.isfinite(x)) or np.any(x < 0) or np.any(x != np.round(x)):
        raise InputError(
            f"'{name}' holds a value that is not a whole number of events of zero or more.",
            "Give monthly counts of events, not rates or averages.",
        )
    check_magnitude(x, name)
    return x


def monthly_change(current: ArrayLike, previous: ArrayLike, level: float = 0.95) -> MonthlyChangeResult:
    """Test whether the monthly mean of ``current`` differs from that of ``previous``.

    Parameters
    ----------
    current, previous
        Counts for each month of the two periods (the same calendar months, so that
        the seasons match; the lengths may differ).
    level
        Confidence level (0.95 means significant at 5%).

    Returns
    -------
    MonthlyChangeResult

    Examples
    --------
    >>> r = monthly_change([75, 58, 90, 81], [52, 61, 48, 70])
    >>> round(r.percent, 1), round(r.dispersion, 2), round(r.p, 4), r.label
    (31.6, 2.03, 0.0694, 'no-significant-change')
    """
    c, p = _monthly(current, "current"), _monthly(previous, "previous")
    level = validate_level(level)
    total_c, total_p = int(c.sum()), int(p.sum())
    mean_c, mean_p = float(c.mean()), float(p.mean())
    df = c.size + p.size - 2
    pearson = sum(float(((x - m) ** 2 / m).sum()) for x, m in ((c, mean_c), (p, mean_p)) if m > 0)
    phi = max(1.0, pearson / df) if df > 0 else 1.0
    percent = None if mean_p == 0 else float(100.0 * (mean_c - mean_p) / mean_p)
    if total_c == 0 or total_p == 0:
        exact = change(total_c, total_p, current_exposure=c.size, previous_exposure=p.size, level=level)
        return MonthlyChangeResult(
            total_c, total_p, c.size, p.size, percent, None, None, None, None, None, phi, df,
            exact.p, exact.label, METHOD_EXACT,
        )  # fmt: skip
    log_rr = math.log(mean_c / mean_p)
    se = math.sqrt(phi * (1.0 / total_c + 1.0 / total_p))
    t = log_rr / se
    if df > 0:
        pval = float(min(1.0, 2.0 * t_sf(abs(t), df)))
        q = float(t_ppf(0.5 + level / 2.0, df))
    else:
        pval = float(min(1.0, 2.0 * norm_sf(abs(t))))
        q = float(norm_ppf(0.5 + level / 2.0))
    label = "no-significant-change" if pval >= 1.0 - level else ("increase" if log_rr > 0 else "decrease")
    try:
        ratio, lower, upper = (math.exp(v) for v in (log_rr, log_rr - q * se, log_rr + q * se))
    except OverflowError:
        raise InputError(
            "The monthly counts vary by so many orders of magnitude that the interval overflows.",
            "Check the counts for a typing error or a wrong column.",
        ) from None
    return MonthlyChangeResult(
        total_c, total_p, c.size, p.size, percent, ratio, lower, upper, log_rr, se, phi, df, pval, label,
        METHOD_QUASI,
    )  # fmt: skip


@dataclass(frozen=True)
class ChangeDifferenceResult:
    """Result of :func:`change_difference`: is one area's change different from another's?

    Attributes
    ----------
    ratio
        The first rate ratio over the second (1 means the same change), or None when untestable.
    lower, upper
        Its confidence interval.
    z, p
        The normal test of the difference of the log rate ratios.
    label
        ``"higher"`` (the first area's change is significantly above the second's),
        ``"similar"``, ``"lower"`` or ``"not-tested"`` (a total is 0).
    """

    ratio: float | None
    lower: float | None
    upper: float | None
    z: float | None
    p: float | None
    label: str


def change_difference(
    first: MonthlyChangeResult, second: MonthlyChangeResult, level: float = 0.95
) -> ChangeDifferenceResult:
    """Compare two changes over the same months by the ratio of their rate ratios (Altman and Bland).

    Examples
    --------
    >>> a = monthly_change([75, 58, 90, 81], [52, 61, 48, 70])
    >>> b = monthly_change([510, 480, 530, 495], [500, 470, 515, 505])
    >>> r = change_difference(a, b)
    >>> round(r.ratio, 3), round(r.p, 4), r.label
    (1.3, 0.0411, 'higher')
    """
    level = validate_level(level)
    if first.log_rate_ratio is None or second.log_rate_ratio is None:
        return ChangeDifferenceResult(None, None, None, None, None, "not-tested")
    assert first.se is not None and second.se is not None
    d = first.log_rate_ratio - second.log_rate_ratio
    se = math.sqrt(first.se**2 + second.se**2)
    z = d / se
    p = float(min(1.0, 2.0 * norm_sf(abs(z))))
    q = float(norm_ppf(0.5 + level / 2.0))
    label = "similar" if p >= 1.0 - level else ("higher" if d > 0 else "lower")
    try:
        ratio, lower, upper = (math.exp(v) for v in (d, d - q * se, d + q * se))
    except OverflowError:
        raise InputError(
            "The two changes are so uncertain that the interval of their ratio overflows.",
            "Check the monthly counts behind both changes for a typing error or a wrong column.",
        ) from None
    return ChangeDifferenceResult(ratio, lower, upper, z, p, label)
