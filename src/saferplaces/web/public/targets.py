"""A published plan's targets in plain words, judged by the same test as the partnership's own pages.

The status comes from :func:`saferplaces.web.performance.status.target_status` (docs/web-targets.md);
a sentence says "statistically significant" only when that test found a significant change,
and "beyond the usual ups and downs" when an XmR chart found special cause variation.
"""

from __future__ import annotations

from typing import Any

from saferplaces.indicators.periods import parse_period_label
from saferplaces.indicators.status import METHOD_CHANGE, METHOD_SPC
from saferplaces.stats.labels import StatusLabel
from saferplaces.web.performance.models import Target, TargetValue, shown_number
from saferplaces.web.performance.status import target_status, value_rows
from saferplaces.web.plans.models import Plan
from saferplaces.web.public import sentences
from saferplaces.web.public.published import public_values


def baseline_shown(target: Target) -> str:
    """The baseline as a number when the plan gives one; its own words only when they hold a figure."""
    if target.baseline_value is not None:
        return shown_number(target.baseline_value, target.is_percentage)
    if any(c.isdigit() for c in target.baseline_text):
        return target.baseline_text
    return ""


def _moved(status: StatusLabel, direction: str) -> str:
    """'rise' or 'fall': an improvement is a fall for a target to reduce, a rise for one to increase."""
    better_is_up = direction == Target.Direction.INCREASE
    improving = status == StatusLabel.IMPROVING
    return "rise" if improving == better_is_up else "fall"


def _part_covered(value: TargetValue) -> list[str]:
    """The months a value counted from the store covers, when they are not the whole period."""
    months = sorted((value.detail or {}).get("monthly") or {})
    whole = (value.detail or {}).get("months_in_period")
    if months and whole and len(months) < int(whole):
        first, last = sentences.month_name(months[0][:7]), sentences.month_name(months[-1][:7])
        return [sentences.say("target_part", start=first, end=last, held=len(months), whole=whole)]
    return []


def _per_month(base: str, latest: str) -> list[str]:
    """When a count for a quarter is tested against a count for a year, say that the test is per month.

    The two figures side by side would mislead: the test compares counts per month
    (:func:`saferplaces.indicators.status.indicator_status`).
    """
    spans = parse_period_label(base), parse_period_label(latest)
    if None in spans or spans[0].length == spans[1].length:
        return []
    return [
        sentences.say(
            "target_per_month",
            latest=sentences.period_words(latest),
            latest_months=spans[1].length,
            base=sentences.period_words(base),
            base_months=spans[0].length,
        )
    ]


def target_record(target: Target) -> dict[str, Any]:
    """A target as published: its public fields, the values judged, the status and the plain words."""
    status = target_status(target)
    percentage = target.is_percentage
    source = TargetValue.Source.COMPUTED if target.is_store_query else TargetValue.Source.ENTERED
    rows = [r for r in value_rows(target) if r.value.source == source and r.value.value is not None]
    latest = next((r for r in rows if r.period == status.latest_period), rows[-1] if rows else None)
    words: list[str] = []
    shown = baseline_shown(target)
    if shown:
        if target.baseline_period:
            words.append(
                sentences.say(
                    "target_baseline",
                    what=target.description,
                    value=shown,
                    period=sentences.period_words(target.baseline_period),
                )
            )
        else:
            words.append(sentences.say("target_start", what=target.description, value=shown))
    else:
        words.append(sentences.say("target_what", what=target.description))
    if target.direction in (Target.Direction.REDUCE, Target.Direction.INCREASE):
        words.append(sentences.say(f"target_{target.direction}"))
    if latest is not None:
        part = _part_covered(latest.value)
        # a figure for part of its period names the months it counts in the next sentence, so
        # this one does not claim the whole period's months
        period = latest.period if part else sentences.period_words(latest.period)
        words.append(
            sentences.say("target_latest", period=period, value=shown_number(latest.value.value, percentage))
        )
        words += part
    if status.method == METHOD_CHANGE and latest is not None:
        words += _per_month(status.baseline_period, status.latest_period)
    if status.status in (StatusLabel.IMPROVING, StatusLabel.WORSENING) and latest is not None:
        moved = _moved(status.status, target.direction)
        spc = status.method == METHOD_SPC
        words.append(sentences.say(f"target_{moved}_{'spc' if spc else 'significant'}"))
    elif status.status == StatusLabel.NO_SIGNIFICANT_CHANGE and latest is not None:
        words.append(sentences.say("target_no_change"))
    elif latest is not None:
        words.append(sentences.say("target_not_enough"))
    return public_values(target) | {
        "values": [public_values(r.value) for r in rows],
        "latest_period": latest.period if latest else None,
        "latest_value": float(latest.value.value) if latest else None,
        "status_label": str(status.status),
        "test_used": status.method,
        "compared_periods": [status.baseline_period, status.latest_period],
        "in_plain_words": words,
    }


def targets_record(plan: Plan) -> dict[str, Any]:
    """Every target of a published plan, in plain words."""
    targets = []
    for target in plan.targets.prefetch_related("values"):
        target.plan = plan
        targets.append(target_record(target))
    return public_values(plan) | {"targets": targets}


def target_rows(record: dict[str, Any]) -> list[dict[str, Any]]:
    """One CSV row per target: its baseline, its latest value, its status and its plain words."""
    return [
        {
            "description": t["description"],
            "unit": t["unit"],
            "direction": t["direction"],
            "baseline_value": t["baseline_value"],
            "baseline_text": t["baseline_text"],
            "baseline_period": t["baseline_period"],
            "latest_period": t["latest_period"],
            "latest_value": t["latest_value"],
            "status_label": t["status_label"],
            "test_used": t["test_used"],
            "in_plain_words": " ".join(t["in_plain_words"]),
        }
        for t in record["targets"]
    ]
