"""Statistical process control: the NHS "Making Data Count" XmR chart.

An individuals (XmR) chart puts process limits at the mean plus or minus 2.66
times the mean moving range (2.66 = 3 / 1.128, three sigma estimated from
the moving range). Special-cause variation is flagged by four rules:

1. a point outside the limits;
2. a run of 7 or more points on the same side of the mean (a point on the
   mean breaks the run);
3. a trend of 7 or more points each higher (or each lower) than the one
   before;
4. two of three consecutive points beyond two sigma (the "close to limits"
   band) on the same side of the mean.

Every point of a run or trend is flagged. Points on the high side (or a
rising trend) are an "improvement" when higher is better, a "concern" when
lower is better and "neutral" when no direction is given.

References
----------
.. [1] NHS England. Making Data Count. 2019 and 2021 editions.
.. [2] NHS-R Community. NHSRplotthedots R package.
   https://github.com/nhs-r-community/NHSRplotthedots
.. [3] Wheeler DJ. Understanding variation. 2nd edn. SPC Press; 2000.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from saferplaces.errors import InputError
from saferplaces.stats._validate import validate_choice, validate_vector

__all__ = ["XmRResult", "spc_xmr"]

LIMIT_FACTOR = 2.66
SCREEN_FACTOR = 3.267
RUN_LENGTH = 7
TREND_LENGTH = 7


@dataclass(frozen=True)
class XmRResult:
    """Result of :func:`spc_xmr`.

    Attributes
    ----------
    mean, lower_limit, upper_limit
        Centre line and process limits.
    points
        One of ``"common-cause"``, ``"improvement"``, ``"concern"`` or
        ``"neutral"`` (special cause with no direction) per value.
    variation
        The kind of the last point.
    assurance
        With a target: ``"consistently-passing"``, ``"consistently-failing"``
        or ``"inconsistent"``; otherwise ``None``.
    mean_moving_range
        Mean moving range used for the limits (after screening).
    assumptions
        Sentences describing defaults chosen by the code.
    """

    mean: float
    lower_limit: float
    upper_limit: float
    points: tuple[str, ...]
    variation: str
    assurance: str | None
    mean_moving_range: float
    assumptions: tuple[str, ...]


def _runs(side: np.ndarray, length: int) -> np.ndarray:
    """Flag members of runs of ``length`` or more equal non-zero ``side`` values."""
    flags = np.zeros(side.size, dtype=bool)
    start = 0
    for i in range(1, side.size + 1):
        if i == side.size or side[i] != side[start]:
            if side[start] != 0 and i - start >= length:
                flags[start:i] = True
            start = i
    return flags


def spc_xmr(
    values: ArrayLike,
    improvement: str | None = None,
    screen_outliers: bool = False,
    baseline: int | None = None,
    target: float | None = None,
) -> XmRResult:
    """An XmR (individuals) chart with the Making Data Count rules.

    Parameters
    ----------
    values
        The measure in time order (for example monthly counts).
    improvement
        ``"increase"`` when higher is better, ``"decrease"`` when lower is
        better (most crime), or ``None``.
    screen_outliers
        Drop moving ranges of 3.267 times their mean or more before
        calculating the limits (as NHSRplotthedots does; the Making Data Count
        Excel tool does not).
    baseline
        Fix the mean and limits on the first ``baseline`` points.
    target
        A target value, to judge assurance.

    Returns
    -------
    XmRResult

    References
    ----------
    .. [1] NHS England. Making Data Count. 2019.
    .. [2] NHSRplotthedots R package.

    Examples
    --------
    >>> monthly = [10, 12, 11, 13, 12, 11, 10, 12, 11, 13, 12, 11, 30]
    >>> r = spc_xmr(monthly, improvement="decrease", baseline=12)
    >>> r.points[-1], round(r.upper_limit, 2)
    ('concern', 15.13)
    """
    x = validate_vector(values, "values", min_length=2)
    validate_choice(improvement, "improvement", ("increase", "decrease", None))
    assumptions: list[str] = []
    if baseline is not None:
        if isinstance(baseline, bool) or not isinstance(baseline, (int, np.integer)):
            raise InputError(
                f"'baseline' is {baseline!r}, which is not a whole number of points.",
                "Give the number of points to fix the limits on, such as 12.",
            )
        if not 2 <= baseline <= x.size:
            raise InputError(
                f"'baseline' is {baseline}, but there are {x.size} values.",
                "Use a baseline of at least 2 points and no more than the number of values.",
            )
        base = x[:baseline]
    else:
        base = x
    if base.size < 12:
        assumptions.append(
            f"The limits rest on only {base.size} points; Making Data Count advises at least 12."
        )
    mean = float(base.mean())
    mr = np.abs(np.diff(base))
    amr = float(mr.mean())
    if screen_outliers:
        kept = mr[mr < SCREEN_FACTOR * amr]
        if kept.size < mr.size:
            assumptions.append(
                f"{mr.size - kept.size} moving range(s) of {SCREEN_FACTOR} times the mean or more"
                " were left out of the limits."
            )
        amr = float(kept.mean()) if kept.size else amr
    lower = mean - LIMIT_FACTOR * amr
    upper = mean + LIMIT_FACTOR * amr
    two_sigma = 2.0 / 3.0 * LIMIT_FACTOR * amr

    side = np.sign(x - mean).astype(int)
    high = np.zeros(x.size, dtype=bool)
    low = np.zeros(x.size, dtype=bool)
    # Rule 1: outside the limits.
    high |= x > upper
    low |= x < lower
    # Rule 2: runs on one side of the mean.
    run = _runs(side, RUN_LENGTH)
    high |= run & (side > 0)
    low |= run & (side < 0)
    # Rule 3: trends; a trend of 7 points is 6 consecutive rises or falls.
    step = np.sign(np.diff(x)).astype(int)
    step_run = _runs(step, TREND_LENGTH - 1)
    for i in np.flatnonzero(step_run):
        if step[i] > 0:
            high[i : i + 2] = True
        else:
            low[i : i + 2] = True
    # Rule 4: two of three beyond two sigma on the same side.
    near_high = x - mean > two_sigma
    near_low = mean - x > two_sigma
    for i in range(x.size - 2):
        window = slice(i, i + 3)
        if near_high[window].sum() >= 2:
            high[window] |= near_high[window]
        if near_low[window].sum() >= 2:
            low[window] |= near_low[window]

    def kind(is_high: bool) -> str:
        if improvement is None:
            return "neutral"
        return "improvement" if (improvement == "increase") == is_high else "concern"

    points = []
    for h, lo in zip(high, low, strict=True):
        if h and lo:
            points.append("neutral")  # a rising trend crossing a low run: no clear direction
        elif h:
            points.append(kind(True))
        elif lo:
            points.append(kind(False))
        else:
            points.append("common-cause")

    assurance: str | None = None
    if target is not None:
        t = float(validate_vector(target, "target")[0])
        if improvement is None:
            assumptions.append("Assurance needs an improvement direction, so none is given.")
        else:
            passing_all = lower > t if improvement == "increase" else upper < t
            failing_all = upper < t if improvement == "increase" else lower > t
            assurance = (
                "consistently-passing"
                if passing_all
                else "consistently-failing"
                if failing_all
                else "inconsistent"
            )
    return XmRResult(
        mean=mean,
        lower_limit=float(lower),
        upper_limit=float(upper),
        points=tuple(points),
        variation=points[-1],
        assurance=assurance,
        mean_moving_range=amr,
        assumptions=tuple(assumptions),
    )
