"""Statistical process control: the NHS "Making Data Count" XmR chart and run chart.

An individuals (XmR) chart puts process limits at the mean plus or minus 2.66
times the mean moving range (2.66 = 3 / 1.128, three sigma estimated from
the moving range). Special-cause variation is flagged by four rules, each
reported per point (:class:`~saferplaces.stats.labels.SpcRule`):

1. ``outside-limits``: a point outside the limits;
2. ``shift``: a run of ``run_length`` (7 by default, as NHSRplotthedots;
   Making Data Count's Excel tool also allows 6) or more points on the same
   side of the mean (a point on the mean breaks the run);
3. ``trend``: ``run_length`` or more points each higher (or each lower) than
   the one before (an equal value breaks the trend);
4. ``two-of-three``: two of three consecutive points beyond two sigma but
   inside the limits ("close to the limits"), all three points on the same
   side of the mean (as NHSRplotthedots).

A point's kind follows the direction of the rule: the side of the mean for
the limits, a shift and two-of-three, the direction of travel for a trend (a
rising trend is an improvement when higher is better, as Making Data Count
describes and NHSRplotthedots does). A point flagged by rules pointing
different ways takes the first in NHSRplotthedots' order: outside the limits,
then a trend, then two-of-three or a shift; where one trend ends and the next
begins, the later trend decides.

Every point of a run or trend is flagged. Points on the high side (or a
rising trend) are an "improvement" when higher is better, a "concern" when
lower is better and "neutral" when no direction is given.

Limits are recalculated only where the user says the process changed
(``rebase_at``), never automatically, as Making Data Count advises; or the
user gives the limits (``limits``), for a baseline fixed elsewhere. The
result lists the baselines, with the points each covers and rests on.

A run chart (:func:`spc_run`) is for series too short for XmR limits: a
median line, a shift of 6 or more points on one side of it and a trend of 5
or more points going one way (Perla, Provost and Murray 2011).

References
----------
.. [1] NHS England. Making Data Count. 2019 and 2021 editions.
.. [2] NHS-R Community. NHSRplotthedots R package.
   https://github.com/nhs-r-community/NHSRplotthedots
.. [3] Wheeler DJ. Understanding variation. 2nd edn. SPC Press; 2000.
.. [4] Perla RJ, Provost LP, Murray SK. The run chart: a simple analytical
   tool for learning from variation in healthcare processes. BMJ Qual Saf
   2011; 20: 46-51. doi:10.1136/bmjqs.2009.037895
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from saferplaces.errors import InputError
from saferplaces.stats._validate import is_scalar, validate_choice, validate_scalar, validate_vector
from saferplaces.stats.labels import Assurance, PointType, SpcRule
from saferplaces.wording import counted

__all__ = ["RunChartResult", "SpcBaseline", "XmRResult", "spc_run", "spc_xmr"]

LIMIT_FACTOR = 2.66
SCREEN_FACTOR = 3.267
TWO_SIGMA_FACTOR = 2 * (LIMIT_FACTOR / 3)  # NHSRplotthedots' "limitclose"
RUN_LENGTH = 7  # NHSRplotthedots: seven points for a shift and for a trend
RUN_LENGTHS = (6, 7)
MIN_POINTS = 12  # Making Data Count: limits need at least 12 points
RUN_CHART_SHIFT = 6
RUN_CHART_TREND = 5


@dataclass(frozen=True)
class SpcBaseline:
    """One stretch of an XmR chart with its own centre line and limits.

    Attributes
    ----------
    start, stop
        The points it covers, ``values[start:stop]`` (0-based, stop excluded).
    baseline_start, baseline_stop
        The points the limits rest on (``None`` for limits the user gave).
    source
        ``"computed"`` or ``"given"``.
    mean, lower_limit, upper_limit
        Centre line and three-sigma process limits.
    lower_two_sigma, upper_two_sigma
        Two-sigma lines (two thirds of the way from the mean to each limit).
    mean_moving_range
        Mean moving range used for the limits (``None`` for given limits).
    """

    start: int
    stop: int
    baseline_start: int | None
    baseline_stop: int | None
    source: str
    mean: float
    lower_limit: float
    upper_limit: float
    lower_two_sigma: float
    upper_two_sigma: float
    mean_moving_range: float | None


@dataclass(frozen=True)
class XmRResult:
    """Result of :func:`spc_xmr`.

    Attributes
    ----------
    mean, lower_limit, upper_limit
        Centre line and process limits of the latest baseline.
    lower_two_sigma, upper_two_sigma
        Two-sigma lines of the latest baseline.
    points
        A :class:`~saferplaces.stats.labels.PointType` per value.
    rules
        Per value, the :class:`~saferplaces.stats.labels.SpcRule` members
        that flagged it (empty for common cause), in rule order.
    variation
        The kind of the last point.
    assurance
        With a target and a direction: an
        :class:`~saferplaces.stats.labels.Assurance` judged on the latest
        baseline's limits; otherwise ``None``.
    mean_moving_range
        Mean moving range of the latest baseline (``nan`` for given limits).
    baselines
        Every :class:`SpcBaseline`, oldest first.
    run_length
        Points needed for a shift or a trend.
    assumptions
        Sentences describing defaults chosen by the code.
    """

    mean: float
    lower_limit: float
    upper_limit: float
    points: tuple[PointType, ...]
    variation: PointType
    assurance: Assurance | None
    mean_moving_range: float
    assumptions: tuple[str, ...]
    lower_two_sigma: float = float("nan")
    upper_two_sigma: float = float("nan")
    rules: tuple[tuple[SpcRule, ...], ...] = ()
    baselines: tuple[SpcBaseline, ...] = ()
    run_length: int = RUN_LENGTH


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


def _whole_number(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise InputError(
            f"'{name}' is {value!r}, which is not a whole number of points.",
            f"Give '{name}' as a whole number, such as 12.",
        )
    return int(value)


def _rebase_points(rebase_at: Sequence[int] | None, n: int) -> list[int]:
    if rebase_at is None:
        return []
    if isinstance(rebase_at, (str, bytes)) or is_scalar(rebase_at):
        rebase_at = [rebase_at]  # one position; _whole_number refuses anything but a whole number
    starts = [_whole_number(v, "rebase_at") for v in rebase_at]
    if starts != sorted(set(starts)) or any(not 2 <= s <= n - 2 for s in starts):
        raise InputError(
            f"'rebase_at' is {list(starts)!r}, which is not increasing positions between 2 and {n - 2}.",
            "Give the 0-based position of the first point of each new baseline, at least 2 points apart.",
        )
    if any(b - a < 2 for a, b in zip(starts, starts[1:], strict=False)):
        raise InputError(
            f"'rebase_at' is {starts!r}, which leaves a baseline of one point.",
            "Give rebase points at least 2 points apart.",
        )
    return starts


def _given_limits(limits: Sequence[float]) -> tuple[float, float, float]:
    arr = validate_vector(limits, "limits")
    if arr.size != 3 or not arr[1] < arr[0] < arr[2]:
        raise InputError(
            f"'limits' is {list(arr)!r}, not (centre, lower, upper) with lower < centre < upper.",
            "Give the centre line and the lower and upper process limits, such as (50, 40, 60).",
        )
    return float(arr[0]), float(arr[1]), float(arr[2])


def _trend_direction(step: np.ndarray, step_run: np.ndarray, n: int) -> np.ndarray:
    """+1 or -1 for each point of a trend (rising or falling), 0 elsewhere.

    ``step_run`` flags the steps (differences) that belong to a trend. A point
    where one trend ends and the next begins takes the later trend's direction,
    as NHSRplotthedots does ("use right side").
    """
    direction = np.zeros(n, dtype=int)
    for i in np.flatnonzero(step_run):
        direction[i : i + 2] = step[i]
    return direction


def _kinds(side: np.ndarray, trend: np.ndarray, outside: np.ndarray, flagged: np.ndarray) -> np.ndarray:
    """The direction (+1 high, -1 low, 0 common cause) of each point.

    One rule decides a point flagged by several, in NHSRplotthedots' order
    (``ptd_special_cause_type``): outside the limits (its side of the mean),
    then a trend (its direction of travel), then two-of-three or a shift (its
    side of the mean).
    """
    kind = np.where(flagged, side, 0)
    kind = np.where(flagged & (trend != 0), trend, kind)
    return np.where(outside, side, kind)


def _flag(
    x: np.ndarray, mean: float, lower: float, upper: float, lo2: float, hi2: float, run_length: int
) -> tuple[np.ndarray, list[list[SpcRule]]]:
    """The direction of special cause (+1, -1 or 0) and the rules per point, for one baseline."""
    n = x.size
    rules: list[list[SpcRule]] = [[] for _ in range(n)]

    def mark(flags: np.ndarray, rule: SpcRule) -> None:
        for i in np.flatnonzero(flags):
            if rule not in rules[i]:
                rules[i].append(rule)

    outside = (x > upper) | (x < lower)
    mark(outside, SpcRule.OUTSIDE_LIMITS)
    side = np.sign(x - mean).astype(int)
    run = _runs(side, run_length)
    mark(run, SpcRule.SHIFT)
    # A trend of k points is k - 1 consecutive rises (or falls).
    step = np.sign(np.diff(x)).astype(int)
    trend = _trend_direction(step, _runs(step, run_length - 1), n)
    mark(trend != 0, SpcRule.TREND)
    # "Close to the limits": beyond two sigma but not outside the limits (NHSRplotthedots).
    near = ((x > hi2) | (x < lo2)) & ~outside
    two = np.zeros(n, dtype=bool)
    for i in range(n - 2):
        window = slice(i, i + 3)
        # NHSRplotthedots: two close points and all three on the same side of the mean.
        if near[window].sum() >= 2 and abs(side[window].sum()) == 3:
            two[window] |= near[window]
    mark(two, SpcRule.TWO_OF_THREE)
    flagged = outside | run | (trend != 0) | two
    order = list(SpcRule)
    return _kinds(side, trend, outside, flagged), [sorted(r, key=order.index) for r in rules]


def _point_types(kind: np.ndarray, improvement: str | None) -> list[PointType]:
    points = []
    for k in kind:
        if k == 0:
            points.append(PointType.COMMON_CAUSE)
        elif improvement is None:
            points.append(PointType.NEUTRAL)
        elif (improvement == "increase") == (k > 0):
            points.append(PointType.IMPROVEMENT)
        else:
            points.append(PointType.CONCERN)
    return points


def _check_finite(what: str, argument: str, *numbers: float) -> None:
    """Raise InputError when a computed quantity overflowed (values near the float limit)."""
    if not all(np.isfinite(v) for v in numbers):
        raise InputError(
            f"The {what} from '{argument}' overflow: its numbers are too large to chart.",
            f"Rescale '{argument}' (for example to thousands) and try again.",
        )


def spc_xmr(
    values: ArrayLike,
    improvement: str | None = None,
    screen_outliers: bool = False,
    baseline: int | None = None,
    target: float | None = None,
    *,
    run_length: int = RUN_LENGTH,
    rebase_at: Sequence[int] | int | None = None,
    limits: Sequence[float] | None = None,
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
        Fix each baseline's mean and limits on its first ``baseline`` points.
    target
        A target value, to judge assurance.
    run_length
        Points in a row needed for a shift or a trend: 7 (NHSRplotthedots,
        the default) or 6 (also allowed by Making Data Count's Excel tool).
    rebase_at
        0-based positions where the user says the process changed: a new
        baseline with its own limits starts at each. Never chosen by the code.
    limits
        ``(centre, lower, upper)`` given by the user, for example from a
        baseline period held elsewhere; used for every point instead of
        computed limits (cannot be combined with ``rebase_at`` or
        ``baseline``).

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
    >>> r.points[-1], r.rules[-1], round(r.upper_limit, 2)
    ('concern', ('outside-limits',), 15.13)
    """
    x = validate_vector(values, "values", min_length=2)
    validate_choice(improvement, "improvement", ("increase", "decrease", None))
    if not isinstance(screen_outliers, (bool, np.bool_)):
        raise InputError(
            f"'screen_outliers' is {screen_outliers!r}, not True or False.",
            "Give 'screen_outliers' as True or False.",
        )
    run_length = validate_choice(_whole_number(run_length, "run_length"), "run_length", RUN_LENGTHS)
    assumptions: list[str] = []
    if baseline is not None:
        baseline = _whole_number(baseline, "baseline")
        if not 2 <= baseline <= x.size:
            raise InputError(
                f"'baseline' is {baseline}, but there are {x.size} values.",
                "Use a baseline of at least 2 points and no more than the number of values.",
            )
    starts = _rebase_points(rebase_at, x.size)
    if limits is not None and (starts or baseline is not None):
        raise InputError(
            "'limits' were given together with 'rebase_at' or 'baseline'.",
            "Give either your own limits or the points to compute them from, not both.",
        )
    if run_length == RUN_LENGTH:
        assumptions.append(
            "A shift or a trend needs 7 points in a row (as NHSRplotthedots;"
            " Making Data Count also allows 6)."
        )
    bounds = [0, *starts, x.size]
    segments: list[SpcBaseline] = []
    kind = np.zeros(x.size, dtype=int)
    rules: list[list[SpcRule]] = []
    for a, b in zip(bounds, bounds[1:], strict=False):
        if limits is not None:
            mean, lower, upper = _given_limits(limits)
            amr = None
            b0 = b1 = None
            source = "given"
        else:
            b0, b1 = a, min(b, a + baseline) if baseline is not None else b
            base = x[b0:b1]
            if base.size < MIN_POINTS:
                assumptions.append(
                    f"The limits for points {a + 1} to {b} rest on only {base.size} points;"
                    f" Making Data Count advises at least {MIN_POINTS}."
                )
            with np.errstate(over="ignore", invalid="ignore"):
                mean = float(base.mean())
                mr = np.abs(np.diff(base))
                amr = float(mr.mean())
            _check_finite("mean or moving ranges", "values", mean, amr)
            if screen_outliers:
                kept = mr[mr < SCREEN_FACTOR * amr]
                if kept.size < mr.size:
                    assumptions.append(
                        f"{counted(mr.size - kept.size, 'moving range')} of {SCREEN_FACTOR} times the "
                        f"mean or more {'was' if mr.size - kept.size == 1 else 'were'} left out of the "
                        "limits."
                    )
                amr = float(kept.mean()) if kept.size else amr
            if amr == 0:
                assumptions.append(
                    f"The mean moving range for the limits of points {a + 1} to {b} is 0, so the"
                    " limits are the mean: any other value is outside them."
                )
            lower, upper = mean - LIMIT_FACTOR * amr, mean + LIMIT_FACTOR * amr
            source = "computed"
        with np.errstate(over="ignore", invalid="ignore"):
            if amr is None:  # given limits: two thirds of the way from the centre to each limit
                lo2 = mean - 2.0 / 3.0 * (mean - lower)
                hi2 = mean + 2.0 / 3.0 * (upper - mean)
            else:  # as NHSRplotthedots: mean -/+ 2 x (2.66 / 3) x mean moving range
                lo2 = mean - TWO_SIGMA_FACTOR * amr
                hi2 = mean + TWO_SIGMA_FACTOR * amr
        _check_finite("limits", "values" if amr is not None else "limits", lower, upper, lo2, hi2)
        k, r = _flag(x[a:b], mean, lower, upper, lo2, hi2, run_length)
        kind[a:b] = k
        rules += r
        segments.append(SpcBaseline(a, b, b0, b1, source, mean, float(lower), float(upper), lo2, hi2, amr))
    if starts:
        assumptions.append(
            "The limits were recalculated where you said the process changed: from point"
            f"{'s' if len(starts) > 1 else ''} {', '.join(str(s + 1) for s in starts)}."
        )
    if limits is not None:
        assumptions.append(
            "The centre line and limits are the ones you gave, not computed from these values."
        )
    points = _point_types(kind, improvement)
    last = segments[-1]
    assurance: Assurance | None = None
    if target is not None:
        t = validate_scalar(target, "target")
        if improvement is None:
            assumptions.append("Assurance needs an improvement direction, so none is given.")
        else:
            lower, upper = last.lower_limit, last.upper_limit
            passing_all = lower > t if improvement == "increase" else upper < t
            failing_all = upper < t if improvement == "increase" else lower > t
            assurance = (
                Assurance.CONSISTENTLY_PASSING
                if passing_all
                else Assurance.CONSISTENTLY_FAILING
                if failing_all
                else Assurance.INCONSISTENT
            )
    return XmRResult(
        mean=last.mean,
        lower_limit=last.lower_limit,
        upper_limit=last.upper_limit,
        points=tuple(points),
        variation=points[-1],
        assurance=assurance,
        mean_moving_range=last.mean_moving_range if last.mean_moving_range is not None else float("nan"),
        assumptions=tuple(assumptions),
        lower_two_sigma=last.lower_two_sigma,
        upper_two_sigma=last.upper_two_sigma,
        rules=tuple(tuple(r) for r in rules),
        baselines=tuple(segments),
        run_length=run_length,
    )


@dataclass(frozen=True)
class RunChartResult:
    """Result of :func:`spc_run`.

    Attributes
    ----------
    median
        The centre line.
    points
        A :class:`~saferplaces.stats.labels.PointType` per value.
    rules
        Per value, the rules that flagged it (``shift``, ``trend``).
    variation
        The kind of the last point.
    shift_length, trend_length
        Points needed for a shift and for a trend.
    assumptions
        Sentences describing defaults chosen by the code.
    """

    median: float
    points: tuple[PointType, ...]
    rules: tuple[tuple[SpcRule, ...], ...]
    variation: PointType
    shift_length: int
    trend_length: int
    assumptions: tuple[str, ...]


def _useful_runs(side: np.ndarray, length: int) -> np.ndarray:
    """Flag runs of ``length`` or more equal non-zero values; zeros neither count nor break."""
    flags = np.zeros(side.size, dtype=bool)
    idx = np.flatnonzero(side != 0)
    if idx.size:
        sub = _runs(side[idx], length)
        # Points skipped inside a flagged run (on the median) are not flagged themselves.
        flags[idx[sub]] = True
    return flags


def spc_run(
    values: ArrayLike,
    improvement: str | None = None,
    shift_length: int = RUN_CHART_SHIFT,
    trend_length: int = RUN_CHART_TREND,
) -> RunChartResult:
    """A run chart: the median and the shift and trend rules, for short series.

    Parameters
    ----------
    values
        The measure in time order; at least 2 values.
    improvement
        ``"increase"``, ``"decrease"`` or ``None``, as for :func:`spc_xmr`.
    shift_length
        Points in a row on one side of the median for a shift (6 [4]_);
        points on the median neither add to nor break a run.
    trend_length
        Points in a row each higher (or each lower) than the one before for a
        trend (5 [4]_); a repeated value neither adds to nor breaks it.

    Returns
    -------
    RunChartResult

    References
    ----------
    .. [4] Perla RJ, Provost LP, Murray SK. BMJ Qual Saf 2011; 20: 46-51.

    Examples
    --------
    >>> r = spc_run([6, 5, 6, 5, 6, 5, 9, 10, 11, 12, 13, 14], improvement="increase")
    >>> r.median, r.rules[-1], r.variation
    (7.5, ('shift', 'trend'), 'improvement')
    """
    x = validate_vector(values, "values", min_length=2)
    validate_choice(improvement, "improvement", ("increase", "decrease", None))
    shift_length = _whole_number(shift_length, "shift_length")
    trend_length = _whole_number(trend_length, "trend_length")
    for name, v in (("shift_length", shift_length), ("trend_length", trend_length)):
        if v < 2:
            raise InputError(
                f"'{name}' is {v}, which is too short to be a run.", f"Give '{name}' of 2 or more."
            )
    with np.errstate(over="ignore", invalid="ignore"):
        median = float(np.median(x))
    _check_finite("median", "values", median)
    side = np.sign(x - median).astype(int)
    shift = _useful_runs(side, shift_length)
    # Trend: drop repeated values, then look for trend_length - 1 steps one way; the repeated
    # values inside a trend are part of it.
    keep = np.concatenate([[True], np.diff(x) != 0])
    idx = np.flatnonzero(keep)
    step = np.sign(np.diff(x[idx])).astype(int)
    step_run = _runs(step, trend_length - 1) if step.size else np.zeros(0, dtype=bool)
    direction = np.zeros(x.size, dtype=int)
    for i in np.flatnonzero(step_run):  # a point ending one trend and starting the next: the later
        direction[idx[i] : idx[i + 1] + 1] = step[i]
    trend = direction != 0
    # A point in a shift and a trend takes the trend's direction (as spc_xmr).
    kind = np.where(trend, direction, np.where(shift, side, 0))
    order = list(SpcRule)
    rules = []
    for s, t in zip(shift, trend, strict=True):
        r = ([SpcRule.SHIFT] if s else []) + ([SpcRule.TREND] if t else [])
        rules.append(tuple(sorted(r, key=order.index)))
    points = _point_types(kind, improvement)
    assumptions = [
        f"A run chart (median, shift of {shift_length} and trend of {trend_length} points) is used: "
        f"{x.size} points are too few for reliable XmR limits.",
    ]
    return RunChartResult(
        median=median,
        points=tuple(points),
        rules=tuple(rules),
        variation=points[-1],
        shift_length=shift_length,
        trend_length=trend_length,
        assumptions=tuple(assumptions),
    )
