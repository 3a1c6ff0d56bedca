"""A target's status: is it really improving, worsening, or within normal variation?

Never a bare comparison of two numbers. The method depends on what is held:

1. **``DEFAULTS.min_xmr_points`` (12) or more points in a row** (complete periods,
   each following the last): an XmR chart (``spc_xmr``, NHS Making Data Count). The latest point
   is an improvement or a concern only when it is special-cause variation.
2. **Counts** (from the data store, or whole numbers entered by hand): the
   exact conditional test of two Poisson counts (``change``) between the
   baseline period and the latest period. Periods of different lengths are
   compared per month; periods the store holds only in part are compared on
   the calendar months both hold, so that seasons do not pass for change.
3. **Survey percentages** (a number agreeing out of a sample): Newcombe's
   difference of two proportions from Wilson intervals
   (``proportion_difference``) when the baseline's sample size is known,
   otherwise whether the latest Wilson interval excludes the baseline figure.
4. **Directly standardised rates** given with their 95% limits (and events), as a
   health partner sends them: the ratio of the latest rate to the baseline's,
   tested on the log scale with standard errors recovered from the limits
   (``dsr_ratio``, Altman and Bland [5]_); not tested on fewer than 10 events.

With ``MIN_RUN_POINTS`` (5) to 11 points in a row, the status still comes from
test 2, 3 or 4, and a run chart (``spc_run``: median, a shift of 6 and a trend of 5
points [4]_) adds its signals to the sentence and the chart's flags.

A change is called real only when the test is significant at ``DEFAULTS.significance_level``
(5%). Both values come from the registry ``saferplaces.defaults``, which the assessment reads too.

References
----------
.. [1] NHS England. Making Data Count. 2019.
.. [2] Przyborowski J, Wilenski H. Biometrika 1940; 31: 313-323.
.. [3] Newcombe RG. Stat Med 1998; 17: 873-890.
.. [4] Perla RJ, Provost LP, Murray SK. BMJ Qual Saf 2011; 20: 46-51.
.. [5] Altman DG, Bland JM. BMJ 2003; 326: 219; BMJ 2011; 343: d2304.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from saferplaces.data.periods import MONTH_NAMES, month_index
from saferplaces.defaults import DEFAULTS
from saferplaces.indicators.periods import parse_period_label, sort_key
from saferplaces.indicators.series import IndicatorPoint
from saferplaces.stats import change, compare, dsr_ratio, proportion, proportion_difference, spc_run, spc_xmr
from saferplaces.stats.labels import ChangeLabel, PointType, StatusLabel, rule_words
from saferplaces.stats.spc import RUN_CHART_TREND

# One vocabulary (saferplaces.stats.labels): the codes are keys, ``.text`` is for people.
IMPROVING = StatusLabel.IMPROVING
NO_CHANGE = StatusLabel.NO_SIGNIFICANT_CHANGE
WORSENING = StatusLabel.WORSENING
NOT_ENOUGH = StatusLabel.NOT_ENOUGH_DATA
STATUSES = (IMPROVING, NO_CHANGE, WORSENING, NOT_ENOUGH)
DIRECTIONS = ("increase", "reduce")

#: Points in a row needed before the XmR chart is used (the registry's, as in the assessment).
MIN_SPC_POINTS = DEFAULTS.min_xmr_points

METHOD_SPC = "XmR chart (NHS Making Data Count)"
METHOD_CHANGE = "Exact test of two Poisson counts"
METHOD_DIFFERENCE = "Difference of two proportions (Newcombe, from Wilson intervals)"
METHOD_WILSON = "Wilson interval against the baseline figure"
METHOD_DSR = "Ratio of two directly standardised rates, from their confidence limits (Altman and Bland)"
#: Fingertips publishes no DSR on fewer events than this, and a target of that kind is not tested.
DSR_MIN_EVENTS = 10
METHOD_NONE = "None"

#: The chart a status names: the XmR chart, or the run chart for a series too short for XmR limits.
CHART_XMR = "XmR chart"
CHART_RUN = "Run chart"
#: Fewest points in a row for the run chart: its shortest rule (a trend) needs this many.
MIN_RUN_POINTS = RUN_CHART_TREND


@dataclass(frozen=True)
class StatusPoint:
    """One period's value, with what a test needs to know about it.

    Attributes
    ----------
    period
        Its label (``2024/25``, ``2024/25 Q1``, ``March 2025``, ``2018``).
    value
        The figure shown (a count, a rate or a percentage).
    count
        The whole number of events behind a count or a rate; None otherwise.
    exposure
        What the count is per: the months held (times the population, for a
        rate). None means the length of the period in months.
    numerator, sample_size
        For a survey: the number agreeing and the number asked.
    monthly
        ``(YYYY-MM, count)`` for each month held, when known.
    complete
        False when the period is held only in part.
    lower, upper, events
        For a directly standardised rate: its 95% confidence limits and the
        number of events behind it, as a health partner sends them.
    """

    period: str
    value: float
    count: int | None = None
    exposure: float | None = None
    numerator: int | None = None
    sample_size: int | None = None
    monthly: tuple[tuple[str, int], ...] = ()
    complete: bool = True
    lower: float | None = None
    upper: float | None = None
    events: int | None = None

    @classmethod
    def from_indicator(cls, point: IndicatorPoint) -> StatusPoint:
        """A status point from a data store value (a count, or a rate with its population)."""
        exposure = float(point.months_held) * (point.population or 1)
        return cls(
            period=point.period,
            value=point.value,
            count=point.count,
            exposure=exposure,
            monthly=point.monthly,
            complete=point.complete,
        )

    @classmethod
    def entered(
        cls,
        period: str,
        value: float | None,
        *,
        percent: bool = False,
        numerator: int | None = None,
        sample_size: int | None = None,
    ) -> StatusPoint | None:
        """A point from a value entered by hand or from a survey; None when it has no value.

        A whole number that is not a percentage is taken as a count of events.
        """
        if numerator is not None and sample_size:
            return cls(period, 100.0 * numerator / sample_size, numerator=numerator, sample_size=sample_size)
        if value is None:
            return None
        value = float(value)
        count = int(value) if value.is_integer() and value >= 0 and not percent else None
        return cls(period, value, count=count)

    @property
    def is_standardised(self) -> bool:
        """A directly standardised rate given with its limits."""
        return self.lower is not None and self.upper is not None

    @property
    def is_survey(self) -> bool:
        return self.numerator is not None and bool(self.sample_size)

    def length(self) -> float | None:
        span = parse_period_label(self.period)
        return float(span.length) if span else None


@dataclass(frozen=True)
class TargetStatus:
    """A target's status.

    Attributes
    ----------
    status
        A :class:`~saferplaces.stats.labels.StatusLabel`: ``"improving"``,
        ``"no-significant-change"``, ``"worsening"`` or ``"not-enough-data"``;
        its ``text`` ("Improving", ...) is what people read.
    sentence
        The finding in plain English, with the test's result.
    method
        The method used, as named in docs/web-targets.md.
    p
        The p-value, for the Poisson test; None otherwise.
    baseline_period, latest_period
        The periods compared (the first and last points for an XmR chart).
    assumptions
        Choices the code made, in sentences.
    flags
        For an XmR or run chart, ``(period, rules)`` for each special-cause
        point, ``rules`` being the :class:`~saferplaces.stats.labels.SpcRule`
        codes that flagged it.
    chart
        The chart the flags come from: ``CHART_XMR``, ``CHART_RUN`` (a series
        of ``MIN_RUN_POINTS`` to ``MIN_SPC_POINTS - 1`` points in a row, where
        the status itself still comes from the test for the target's kind) or
        ``""`` when no chart applies.
    """

    status: StatusLabel
    sentence: str
    method: str
    p: float | None = None
    baseline_period: str = ""
    latest_period: str = ""
    assumptions: tuple[str, ...] = field(default=())
    flags: tuple[tuple[str, tuple[str, ...]], ...] = field(default=())
    chart: str = ""


def _number(value: float) -> str:
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.1f}"


def _p_text(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def _judge(higher: bool | None, direction: str) -> str:
    """Status for a significant rise (True), fall (False) or no significant change (None)."""
    if higher is None:
        return NO_CHANGE
    return IMPROVING if higher == (direction == "increase") else WORSENING


def _month_names(months: Sequence[int]) -> str:
    names = [MONTH_NAMES[m - 1] for m in sorted(months)]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _latest_run(points: Sequence[StatusPoint]) -> list[StatusPoint]:
    """The latest run of complete points, each period straight after the one before."""
    run: list[StatusPoint] = []
    previous = None
    for point in points:
        span = parse_period_label(point.period)
        if span is None or not point.complete:
            run, previous = [], None
            continue
        if previous is not None and span.follows(previous):
            run.append(point)
        else:
            run = [point]
        previous = span
    return run


def _spc(run: list[StatusPoint], direction: str, subject: str, unit: str) -> TargetStatus:
    result = spc_xmr(
        [p.value for p in run],
        improvement="increase" if direction == "increase" else "decrease",
        run_length=DEFAULTS.spc_run_length,
    )
    latest = run[-1]
    chart = (
        f"an XmR chart of {len(run)} points from {run[0].period} to {latest.period} "
        f"(mean {_number(round(result.mean, 1))}, limits {_number(round(result.lower_limit, 1))} "
        f"to {_number(round(result.upper_limit, 1))})"
    )
    shown = _number(latest.value) + (f" {unit}" if unit else "")
    if result.variation == PointType.COMMON_CAUSE:
        status = NO_CHANGE
        sentence = f"{subject} in {latest.period} ({shown}) is within normal variation on {chart}."
    else:
        status = IMPROVING if result.variation == PointType.IMPROVEMENT else WORSENING
        word = "improvement" if status == IMPROVING else "concern"
        sentence = (
            f"{subject} in {latest.period} ({shown}) is a real change, special-cause {word} on {chart}:"
            f" {rule_words(result.rules[-1])}."
        )
    return TargetStatus(
        status,
        sentence,
        METHOD_SPC,
        baseline_period=run[0].period,
        latest_period=latest.period,
        assumptions=result.assumptions,
        flags=tuple((p.period, r) for p, r in zip(run, result.rules, strict=True) if r),
        chart=CHART_XMR,
    )


def _run_chart(found: TargetStatus, run: list[StatusPoint], direction: str) -> TargetStatus:
    """Add a run chart's shift and trend signals to a status found by the test for the kind."""
    result = spc_run(
        [p.value for p in run], improvement="increase" if direction == "increase" else "decrease"
    )
    flags = tuple((p.period, r) for p, r in zip(run, result.rules, strict=True) if r)
    chart = (
        f"On a run chart of {len(run)} points from {run[0].period} to {run[-1].period} "
        f"(median {_number(round(result.median, 1))})"
    )
    if flags:
        # Neighbouring points flagged by the same rules are named once, as a span.
        spans: list[list] = []
        for i, (point, r) in enumerate(zip(run, result.rules, strict=True)):
            if not r:
                continue
            if spans and spans[-1][2] == r and spans[-1][3] == i - 1:
                spans[-1][1], spans[-1][3] = point.period, i
            else:
                spans.append([point.period, point.period, r, i])
        said = "; ".join(
            (first if first == last else f"{first} to {last}") + f" ({rule_words(r)})"
            for first, last, r, _ in spans
        )
        note = f"{chart}, these points signal non-random variation: {said}."
    else:
        note = f"{chart}, no shift or trend signals non-random variation."
    return replace(
        found,
        sentence=f"{found.sentence} {note}",
        assumptions=found.assumptions + result.assumptions,
        flags=flags,
        chart=CHART_RUN,
    )


def _counts(baseline: StatusPoint, latest: StatusPoint, direction: str, subject: str) -> TargetStatus:
    assumptions: list[str] = []
    compared = ""
    b_count, l_count = baseline.count, latest.count
    b_exp, l_exp = baseline.exposure, latest.exposure
    if (not baseline.complete or not latest.complete) and baseline.monthly and latest.monthly:
        # Like months with like: only the calendar months both periods hold.
        common = {int(m[5:7]) for m, _ in baseline.monthly} & {int(m[5:7]) for m, _ in latest.monthly}
        if not common:
            return TargetStatus(
                NOT_ENOUGH,
                f"The store holds no month of the year in both {baseline.period} and {latest.period}, "
                "so they cannot be compared fairly.",
                METHOD_NONE,
                baseline_period=baseline.period,
                latest_period=latest.period,
            )
        b_count = sum(n for m, n in baseline.monthly if int(m[5:7]) in common)
        l_count = sum(n for m, n in latest.monthly if int(m[5:7]) in common)
        # Per month held (times residents, for a rate): the same months, so the same length.
        b_exp = (baseline.exposure or 1) / len(baseline.monthly) * len(common)
        l_exp = (latest.exposure or 1) / len(latest.monthly) * len(common)
        compared = f", comparing the months both hold ({_month_names(common)})"
        assumptions.append(
            f"The store holds only part of {baseline.period if not baseline.complete else latest.period}"
            f"{' and ' + latest.period if not baseline.complete and not latest.complete else ''}, so the "
            f"test compares {_month_names(common)} in each, to keep seasons out of the change."
        )
    else:
        if b_exp is None or l_exp is None:
            b_len, l_len = baseline.length(), latest.length()
            if b_len is None or l_len is None:
                b_len = l_len = 1.0
                assumptions.append(
                    f"The lengths of {baseline.period} and {latest.period} are not known, so they are "
                    "taken as equal."
                )
            b_exp = b_exp if b_exp is not None else b_len
            l_exp = l_exp if l_exp is not None else l_len
    assert b_count is not None and l_count is not None
    result = change(
        l_count, b_count, current_exposure=l_exp, previous_exposure=b_exp, level=DEFAULTS.confidence_level
    )
    moved = (
        "rose" if result.percent is not None and result.percent > 0 else "fell" if result.percent else "rose"
    )
    if result.percent is None:
        how = f"rose from 0 to {_number(l_count)}" if l_count else "was 0 in both"
    elif result.percent == 0:
        how = "did not change"
    else:
        how = f"{moved} {abs(result.percent):.0f}%"
    higher = (
        None if result.label == ChangeLabel.NO_SIGNIFICANT_CHANGE else result.label == ChangeLabel.INCREASE
    )
    status = _judge(higher, direction)
    if higher is None:
        verdict = f"this is within normal variation ({_p_text(result.p)})"
    else:
        verdict = f"this is a real {'rise' if higher else 'fall'} ({_p_text(result.p)})"
    per_month = not compared and baseline.length() != latest.length()
    if per_month:
        # A quarter against a year: the counts themselves would mislead, so the words say per month.
        subject = f"{subject} per month"
        assumptions.append("The periods differ in length, so the test compares counts per month.")
    sentence = f"{subject} {how} from {baseline.period} to {latest.period}{compared}; {verdict}."
    return TargetStatus(
        status,
        sentence,
        METHOD_CHANGE,
        p=result.p,
        baseline_period=baseline.period,
        latest_period=latest.period,
        assumptions=tuple(assumptions),
    )


def _survey(baseline: StatusPoint, latest: StatusPoint, direction: str, subject: str) -> TargetStatus:
    assert latest.numerator is not None and latest.sample_size
    if baseline.is_survey:
        assert baseline.numerator is not None and baseline.sample_size
        d = proportion_difference(
            latest.numerator, latest.sample_size, baseline.numerator, baseline.sample_size, per=100
        )
        higher = None if d.label == "similar" else d.label == "higher"
        verdict = (
            "this is within the surveys' margin of error"
            if higher is None
            else f"this is a real {'rise' if higher else 'fall'}"
        )
        sentence = (
            f"{subject} was {baseline.value:.1f}% in {baseline.period} and {latest.value:.1f}% in "
            f"{latest.period}, a difference of {d.value:+.1f} percentage points (95% interval "
            f"{d.lower:+.1f} to {d.upper:+.1f}); {verdict}."
        )
        return TargetStatus(
            _judge(higher, direction),
            sentence,
            METHOD_DIFFERENCE,
            baseline_period=baseline.period,
            latest_period=latest.period,
        )
    p = proportion(latest.numerator, latest.sample_size, per=100)
    label = compare(p, float(baseline.value)).label
    higher = None if label == "similar" else label == "higher"
    where = {None: "includes", True: "is above", False: "is below"}[higher]
    verdict = (
        "this is within the survey's margin of error"
        if higher is None
        else f"this is a real {'rise' if higher else 'fall'}"
    )
    sentence = (
        f"{subject} was {latest.value:.1f}% in {latest.period} (95% interval {p.lower:.1f}% to "
        f"{p.upper:.1f}%, {latest.numerator:,} of {latest.sample_size:,}); the interval {where} the "
        f"baseline of {_number(baseline.value)}% ({baseline.period}), so {verdict}."
    )
    return TargetStatus(
        _judge(higher, direction),
        sentence,
        METHOD_WILSON,
        baseline_period=baseline.period,
        latest_period=latest.period,
        assumptions=(
            f"The sample size of the {baseline.period} baseline is not recorded, so the baseline is "
            "taken as exact; with its sample size, the two surveys would be compared properly.",
        ),
    )


def _dsr_text(point: StatusPoint) -> str:
    events = f", {point.events:,} events" if point.events is not None else ""
    assert point.lower is not None and point.upper is not None
    return (
        f"{_number(round(point.value, 1))} in {point.period} (95% limits {_number(round(point.lower, 1))} to "
        f"{_number(round(point.upper, 1))}{events})"
    )


def _standardised(baseline: StatusPoint, latest: StatusPoint, direction: str, subject: str) -> TargetStatus:
    periods = {"baseline_period": baseline.period, "latest_period": latest.period}
    if not baseline.is_standardised:
        return TargetStatus(
            NOT_ENOUGH,
            f"The baseline ({baseline.period}) has no confidence limits, so the standardised rates cannot "
            "be compared. Enter the baseline period's rate with its lower and upper limits as a value.",
            METHOD_NONE,
            **periods,
        )
    few = [p for p in (baseline, latest) if p.events is not None and p.events < DSR_MIN_EVENTS]
    if few:
        return TargetStatus(
            NOT_ENOUGH,
            f"The rate for {few[0].period} rests on {few[0].events} events, fewer than {DSR_MIN_EVENTS}; "
            "Fingertips publishes no standardised rate on so few, so no change is tested.",
            METHOD_NONE,
            **periods,
        )
    assert latest.lower is not None and latest.upper is not None
    assert baseline.lower is not None and baseline.upper is not None
    r = dsr_ratio(
        latest.value,
        latest.lower,
        latest.upper,
        baseline.value,
        baseline.lower,
        baseline.upper,
        level=DEFAULTS.confidence_level,
    )
    higher = None if r.label == "similar" else r.label == "higher"
    verdict = (
        f"this is within normal variation ({_p_text(r.p)})"
        if higher is None
        else f"this is a real {'rise' if higher else 'fall'} ({_p_text(r.p)})"
    )
    sentence = (
        f"{subject} was {_dsr_text(baseline)} and {_dsr_text(latest)}; the later rate is "
        f"{r.ratio:.2f} times the earlier (95% interval {r.lower:.2f} to {r.upper:.2f}), so {verdict}."
    )
    assumptions = r.assumptions
    if baseline.events is None or latest.events is None:
        assumptions += (
            "The number of events is not recorded for every rate, so a rate on fewer than "
            f"{DSR_MIN_EVENTS} events, which Fingertips would not publish, cannot be refused.",
        )
    return TargetStatus(
        _judge(higher, direction), sentence, METHOD_DSR, p=r.p, assumptions=assumptions, **periods
    )


def _choose_baseline(points: list[StatusPoint], period: str) -> tuple[StatusPoint | None, list[str]]:
    """The point for the baseline period, or the one that overlaps it most, or the earliest."""
    if not points:
        return None, []
    if not period:
        return points[0], [
            f"No baseline period is given, so the earliest period held, {points[0].period}, is used."
        ]
    exact = [p for p in points if p.period == period]
    if exact:
        return exact[0], []
    span = parse_period_label(period)
    best, best_overlap = None, 0
    for point in points:
        other = parse_period_label(point.period)
        if span is None or other is None:
            continue
        if point.monthly:
            overlap = sum(1 for m, _ in point.monthly if span.start <= month_index(m) <= span.end)
        else:
            overlap = max(0, min(span.end, other.end) - max(span.start, other.start) + 1)
        if overlap > best_overlap:
            best, best_overlap = point, overlap
    if best is None:
        return None, []
    return best, [
        f"No value is held for the baseline period {period}, so the change is measured from "
        f"{best.period}, the period held that overlaps it most."
    ]


def _tidy_label(label: str) -> str:
    span = parse_period_label(label)
    return span.label if span else label


def _tidy(point: StatusPoint) -> StatusPoint:
    return replace(point, period=_tidy_label(point.period))


def indicator_status(
    points: Sequence[StatusPoint],
    direction: str,
    *,
    baseline: StatusPoint | None = None,
    baseline_period: str = "",
    subject: str = "The value",
    unit: str = "",
) -> TargetStatus:
    """Judge a target from its values by period.

    Parameters
    ----------
    points
        The values by period, in any order (they are put in period order).
    direction
        ``"increase"`` or ``"reduce"``: which way is better. Anything else
        gives "Not enough data", since no change could be called better or worse.
    baseline
        The baseline as a point of its own (for example the figure the plan
        gives). When None, the point for ``baseline_period`` is used, or the
        point that overlaps it most, or the earliest point.
    baseline_period
        The baseline's period label, used when ``baseline`` is None.
    subject
        What the sentence is about, such as "Anti-social behaviour".
    unit
        Shown after values in the XmR sentence, such as "incidents".

    Returns
    -------
    TargetStatus

    Examples
    --------
    >>> s = indicator_status([StatusPoint("2024/25", 3082, count=3082)], "reduce",
    ...                      baseline=StatusPoint("2018/19", 3502, count=3502))
    >>> s.status, s.status.text
    ('improving', 'Improving')
    >>> s.sentence
    'The value fell 12% from 2018/19 to 2024/25; this is a real fall (p < 0.001).'
    """
    if direction not in DIRECTIONS:
        return TargetStatus(
            NOT_ENOUGH,
            "The target says neither increase nor reduce, so no change can be called better or worse.",
            METHOD_NONE,
        )
    # Tidy labels (2025-03 reads as March 2025) before they are sorted or written in a sentence.
    ordered = sorted((_tidy(p) for p in points), key=lambda p: sort_key(p.period))
    baseline = _tidy(baseline) if baseline is not None else None
    baseline_period = _tidy_label(baseline_period)
    run = _latest_run(ordered)
    if len(run) >= MIN_SPC_POINTS:
        return _spc(run, direction, subject, unit)

    assumptions: list[str] = []
    if baseline is None:
        baseline, assumptions = _choose_baseline(ordered, baseline_period)
        if baseline is None:
            return TargetStatus(
                NOT_ENOUGH, "There is no baseline value to compare with.", METHOD_NONE, assumptions=()
            )
        later = [p for p in ordered if sort_key(p.period) > sort_key(baseline.period)]
    else:
        later = [p for p in ordered if p.period != baseline.period]
    if not later:
        return TargetStatus(
            NOT_ENOUGH,
            f"Only the baseline ({baseline.period}) is held; a later value is needed.",
            METHOD_NONE,
            baseline_period=baseline.period,
            assumptions=tuple(assumptions),
        )
    latest = later[-1]
    if latest.is_standardised:
        found = _standardised(baseline, latest, direction, subject)
    elif latest.is_survey:
        found = _survey(baseline, latest, direction, subject)
    elif latest.count is not None and baseline.count is not None:
        found = _counts(baseline, latest, direction, subject)
    else:
        which = latest if latest.count is None else baseline
        found = TargetStatus(
            NOT_ENOUGH,
            f"The {which.period} value is neither a count nor a survey result with its sample size, "
            "so no test applies. For a survey, enter the number who agreed and the number who answered.",
            METHOD_NONE,
            baseline_period=baseline.period,
            latest_period=latest.period,
        )
    found = replace(found, assumptions=tuple(assumptions) + found.assumptions)
    if len(run) >= MIN_RUN_POINTS:
        found = _run_chart(found, run, direction)
    return found
