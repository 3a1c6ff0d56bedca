"""A target's values and status, for its page, the targets list and dashboards.

:func:`target_status` is the one function a dashboard calls. The statistics are
in :mod:`saferplaces.indicators.status`; this module only turns stored values
into the points it judges.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from saferplaces.indicators import NOT_ENOUGH, StatusPoint, TargetStatus, indicator_status, sort_key
from saferplaces.indicators.status import METHOD_NONE
from saferplaces.reports.charts import Chart
from saferplaces.reports.target_charts import ChartValue, target_chart
from saferplaces.stats import proportion
from saferplaces.stats.labels import StatusLabel, rule_words
from saferplaces.web.performance.models import Target, TargetValue
from saferplaces.web.plans.models import Plan

#: GOV.UK tag colours for each status.
TAG_CLASSES = {
    StatusLabel.IMPROVING: "govuk-tag--green",
    StatusLabel.NO_SIGNIFICANT_CHANGE: "govuk-tag--grey",
    StatusLabel.WORSENING: "govuk-tag--red",
    StatusLabel.NOT_ENOUGH_DATA: "govuk-tag--yellow",
}


@dataclass(frozen=True)
class ValueRow:
    """One row of a target's values table (and one point of its chart)."""

    value: TargetValue
    shown: str
    lower: float | None
    upper: float | None
    interval: str

    @property
    def period(self) -> str:
        return self.value.period

    @property
    def source(self) -> str:
        return self.value.get_source_display()


def _number(value: float, places: int = 1) -> str:
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.{places}f}"


def value_row(target: Target, value: TargetValue) -> ValueRow:
    """How a value is shown: the figure, and its 95% interval when it has one."""
    lower = upper = None
    if value.numerator is not None and value.sample_size:
        p = proportion(value.numerator, value.sample_size, per=100)
        lower, upper = p.lower, p.upper
        shown = f"{p.value:.1f}% ({value.numerator:,} of {value.sample_size:,})"
    elif value.value is None:
        shown = ""
    else:
        shown = _number(float(value.value), 2) + ("%" if target.is_percentage else "")
        lower, upper = value.detail.get("lower"), value.detail.get("upper")
        if target.kind == Target.Kind.STANDARDISED and value.detail.get("events") is not None:
            shown += f" ({int(value.detail['events']):,} events)"
    interval = ""
    if lower is not None and upper is not None:
        suffix = "%" if value.sample_size else ""
        interval = f"{lower:,.1f}{suffix} to {upper:,.1f}{suffix}"
    return ValueRow(value, shown, lower, upper, interval)


def value_rows(target: Target) -> list[ValueRow]:
    """The target's values in period order, entered before computed within a period."""
    values = sorted(target.values.all(), key=lambda v: (sort_key(v.period), v.source != "entered"))
    return [value_row(target, v) for v in values]


def _has_value(value: TargetValue) -> bool:
    return value.value is not None or (value.numerator is not None and bool(value.sample_size))


def _computed_point(value: TargetValue) -> StatusPoint:
    d = value.detail
    monthly = tuple(sorted((m, int(n)) for m, n in (d.get("monthly") or {}).items()))
    count = int(d.get("count", value.value))
    months_in_period = int(d.get("months_in_period", len(monthly) or 1))
    exposure = float(len(monthly) or months_in_period) * float(d.get("population") or 1)
    return StatusPoint(
        value.period,
        float(value.value),
        count=count,
        exposure=exposure,
        monthly=monthly,
        complete=len(monthly) == months_in_period if monthly else True,
    )


def entered_point(
    target: Target,
    period: str,
    value: object,
    numerator: int | None = None,
    sample_size: int | None = None,
    detail: dict | None = None,
) -> StatusPoint | None:
    """A figure entered by hand as a point to judge; the target's kind decides the test.

    A count (a whole number of events) gets the exact Poisson test; a survey percentage
    with its sample size the test of two proportions; a rate per 1,000 or a percentage
    without its sample has no count or sample behind it, so it gets no significance test;
    a standardised rate carries its limits and events in ``detail`` (see docs/web-targets.md).
    """
    if numerator is not None and sample_size:
        return StatusPoint.entered(period, None, numerator=numerator, sample_size=sample_size)
    if value is None:
        return None
    figure = float(value)
    detail = detail or {}
    if target.kind == Target.Kind.STANDARDISED and detail.get("lower") is not None:
        events = detail.get("events")
        return StatusPoint(
            period,
            figure,
            lower=float(detail["lower"]),
            upper=float(detail["upper"]),
            events=int(events) if events is not None else None,
        )
    if (target.kind or target.inferred_kind()) == Target.Kind.COUNT and figure.is_integer() and figure >= 0:
        return StatusPoint(period, figure, count=int(figure))
    return StatusPoint(period, figure)


def status_inputs(target: Target) -> tuple[list[StatusPoint], StatusPoint | None, list[str]]:
    """The points to judge, the baseline point (None to let the library choose) and notes."""
    values = [v for v in target.values.all() if _has_value(v)]
    notes: list[str] = []
    if target.is_store_query:
        points = [_computed_point(v) for v in values if v.source == TargetValue.Source.COMPUTED]
        if target.baseline_value is not None:
            notes.append(
                f"The plan's own baseline ({target.baseline_text or target.baseline_value}) is not "
                "tested against data store counts, which may be counted differently; the change is "
                "measured between periods counted from the store."
            )
        return points, None, notes
    entered = [v for v in values if v.source == TargetValue.Source.ENTERED]
    points = [
        p
        for v in entered
        if (p := entered_point(target, v.period, v.value, v.numerator, v.sample_size, v.detail)) is not None
    ]
    baseline = next((p for p in points if p.period == target.baseline_period), None)
    if baseline is not None:
        points = [p for p in points if p is not baseline]
    elif target.baseline_value is not None:
        baseline = entered_point(target, target.baseline_period or "the baseline", target.baseline_value)
    return points, baseline, notes


def target_status(target: Target) -> TargetStatus:
    """The target's status, from its stored values (see docs/web-targets.md).

    Store-query targets are judged on the values computed from the data store
    (refresh them first); other targets on the values entered and the baseline.
    """
    points, baseline, notes = status_inputs(target)
    if target.is_store_query and not points:
        return TargetStatus(
            NOT_ENOUGH,
            "No values have been computed from the data store yet; refresh them from the data store.",
            METHOD_NONE,
        )
    subject = "The value"
    query = target.indicator_query() if target.is_store_query else None
    if query is not None:
        text = query.crime_types_text()
        subject = text[0].upper() + text[1:]
    status = indicator_status(
        points,
        target.direction,
        baseline=baseline,
        baseline_period=target.baseline_period,
        subject=subject,
        unit=query.unit if query is not None else target.unit,
    )
    return replace(status, assumptions=tuple(notes) + status.assumptions) if notes else status


def latest_row(target: Target) -> ValueRow | None:
    """The latest period's value (computed first for a store query, else entered)."""
    rows = [r for r in value_rows(target) if r.shown]
    if target.is_store_query:
        rows = [r for r in rows if r.value.source == TargetValue.Source.COMPUTED] or rows
    return rows[-1] if rows else None


def target_rows(plan: Plan) -> list[dict[str, object]]:
    """Each of the plan's targets with its latest value, status and the status's tag class."""
    rows = []
    for target in plan.targets.prefetch_related("values"):
        target.plan = plan
        status = target_status(target)
        rows.append(
            {
                "target": target,
                "latest": latest_row(target),
                "status": status,
                "tag": TAG_CLASSES[status.status],
            }
        )
    return rows


def status_chart(target: Target, rows: list[ValueRow], result: TargetStatus, *, table: str) -> Chart | None:
    """The target's chart: its values, intervals, baseline and special-cause points ringed.

    Drawn for the target's page and for each target in a board pack; ``table`` is the id of
    the table that holds the same values.
    """
    flags = {period: rule_words(rules) for period, rules in result.flags}
    query = target.indicator_query() if target.is_store_query else None
    return target_chart(
        [
            ChartValue(r.period, float(r.value.value), r.lower, r.upper, r.source, flags.get(r.period, ""))
            for r in rows
            if r.value.value is not None
        ],
        title=target.description,
        unit="%" if target.is_percentage else (query.unit if query else target.unit),
        baseline=float(target.baseline_value)
        if target.baseline_value is not None and not target.is_store_query
        else None,
        baseline_period=target.baseline_period,
        table=table,
        spc=result.chart or "XmR chart",
    )
