"""A published plan's targets in plain words, judged by the same test as the partnership's own pages.

The status comes from :func:`saferplaces.web.performance.status.target_status` (docs/web-targets.md);
a sentence says "statistically significant" only when that test found a significant change,
and "beyond the usual ups and downs" when an XmR chart found special cause variation.

A count of 1 to 4 is never published (docs/disclosure-control.md, rules 1 and 3): a count
target's value or baseline, or a rate or standardised rate made from such a count, reads "fewer
than 5" on the page, ``[c]`` in the CSV and null in the JSON and the API, and whether the target
changed is not said when a figure it compares is hidden.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext

from saferplaces.disclosure import SMALLEST_PUBLISHED_COUNT, SUPPRESSED_TEXT
from saferplaces.indicators.periods import parse_period_label
from saferplaces.indicators.status import METHOD_CHANGE, METHOD_SPC
from saferplaces.stats.labels import StatusLabel
from saferplaces.web.performance.models import Target, TargetValue, shown_number
from saferplaces.web.performance.status import target_status, value_rows
from saferplaces.web.plans.models import Plan
from saferplaces.web.public import sentences
from saferplaces.web.public.data import SUPPRESSED_SYMBOL
from saferplaces.web.public.published import public_values

#: A whole number from 1 to 4 standing alone in a baseline's words ("3 incidents"; not "Q1", "2.5").
_SMALL_IN_WORDS = re.compile(rf"(?<![\w.,/])[1-{SMALLEST_PUBLISHED_COUNT - 1}](?![\w.,/])")


def _small(number: object) -> bool:
    return number is not None and 0 < float(number) < SMALLEST_PUBLISHED_COUNT  # type: ignore[arg-type]


def _is_count(target: Target) -> bool:
    return (target.kind or target.inferred_kind) == Target.Kind.COUNT


def value_hidden(target: Target, value: TargetValue) -> bool:
    """Whether ``value`` would publish a count of 1 to 4: a count target's value, or a rate or
    standardised rate made from such a count (the count and events a store query keeps)."""
    detail = value.detail or {}
    return (
        (_is_count(target) and _small(value.value))
        or _small(detail.get("count"))
        or _small(detail.get("events"))
    )


def baseline_hidden(target: Target) -> bool:
    """Whether a count target's baseline is a count of 1 to 4 (as a number or in its words)."""
    if not _is_count(target):
        return False
    if target.baseline_value is not None:
        return _small(target.baseline_value)
    return bool(_SMALL_IN_WORDS.search(target.baseline_text or ""))


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
    hidden = {r.period for r in rows if value_hidden(target, r.value)}
    base_hidden = baseline_hidden(target)
    # whether it changed is not said when a figure it compares is hidden (rule 3)
    change_hidden = base_hidden or bool(hidden & {status.baseline_period, status.latest_period})
    words: list[str] = []
    shown = gettext(SUPPRESSED_TEXT) if base_hidden else baseline_shown(target)
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
        value = (
            gettext(SUPPRESSED_TEXT)
            if latest.period in hidden
            else shown_number(latest.value.value, percentage)
        )
        words.append(sentences.say("target_latest", period=period, value=value))
        words += part
    if latest is None:
        pass
    elif change_hidden:
        words.append(sentences.say("target_change_hidden"))
    else:
        words += _change_words(status, target)
    published = public_values(target)
    if base_hidden:
        published |= {"baseline_value": None, "baseline_text": ""}
    latest_hidden = latest is not None and latest.period in hidden
    return published | {
        "baseline_hidden": base_hidden,
        "values": [
            public_values(r.value)
            | ({"value": None, "hidden": True} if r.period in hidden else {"hidden": False})
            for r in rows
        ],
        "latest_period": latest.period if latest else None,
        "latest_value": float(latest.value.value) if latest and not latest_hidden else None,
        "latest_hidden": latest_hidden,
        "status_label": None if change_hidden else str(status.status),
        "test_used": None if change_hidden else status.method,
        "compared_periods": [status.baseline_period, status.latest_period],
        "in_plain_words": words,
    }


def _change_words(status: Any, target: Target) -> list[str]:
    """What the test says of the change, in plain words (the target has a latest value)."""
    words: list[str] = []
    if status.method == METHOD_CHANGE:
        words += _per_month(status.baseline_period, status.latest_period)
    if status.status in (StatusLabel.IMPROVING, StatusLabel.WORSENING):
        moved = _moved(status.status, target.direction)
        spc = status.method == METHOD_SPC
        words.append(sentences.say(f"target_{moved}_{'spc' if spc else 'significant'}"))
    elif status.status == StatusLabel.NO_SIGNIFICANT_CHANGE:
        words.append(sentences.say("target_no_change"))
    else:
        words.append(sentences.say("target_not_enough"))
    return words


def targets_record(plan: Plan) -> dict[str, Any]:
    """Every target of a published plan, in plain words."""
    targets = []
    for target in plan.targets.prefetch_related("values"):
        target.plan = plan
        targets.append(target_record(target))
    return public_values(plan) | {"targets": targets}


def _csv_cell(value: Any, hidden: bool) -> Any:
    """A CSV cell: the symbol [c] for a figure withheld (disclosure control), "" for none held."""
    return SUPPRESSED_SYMBOL if hidden else ("" if value is None else value)


def target_rows(record: dict[str, Any]) -> list[dict[str, Any]]:
    """One CSV row per target: its baseline, its latest value, its status and its plain words."""
    return [
        {
            "description": t["description"],
            "unit": t["unit"],
            "direction": t["direction"],
            "baseline_value": _csv_cell(t["baseline_value"], t["baseline_hidden"]),
            "baseline_text": t["baseline_text"],
            "baseline_period": t["baseline_period"],
            "latest_period": _csv_cell(t["latest_period"], False),
            "latest_value": _csv_cell(t["latest_value"], t["latest_hidden"]),
            "status_label": _csv_cell(t["status_label"], t["status_label"] is None),
            "test_used": _csv_cell(t["test_used"], t["status_label"] is None),
            "in_plain_words": " ".join(t["in_plain_words"]),
        }
        for t in record["targets"]
    ]
