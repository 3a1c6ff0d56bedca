"""The end of a plan year: the March review, next year's plan and a refresh (issue 11, section 2).

:func:`year_review` gathers what the review page shows; :func:`start_version` makes the
next version of a plan (a refresh, or next year's plan) by the carry-over rules in
docs/plan-year.md, in one transaction with its audit entries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models, transaction

from saferplaces.assessment.local_picture import resolve_partnership_area
from saferplaces.assessment.priorities import COMPONENT_NAMES
from saferplaces.data.counts import describe_missing, forces_for_area
from saferplaces.errors import AreaNotFoundError, InputError, SaferPlacesError
from saferplaces.web.assessments import evidence as ev
from saferplaces.web.assessments.compare import Comparison, compare
from saferplaces.web.assessments.models import Assessment, PriorityEvidence
from saferplaces.web.audit.trail import audited_save
from saferplaces.web.performance.models import Target, TargetValue
from saferplaces.web.performance.status import latest_row, target_status
from saferplaces.web.plans.models import (
    Action,
    AtRiskGroup,
    Commitment,
    Governance,
    PartnerPlan,
    Plan,
    Priority,
    PriorityPlace,
    Risk,
    Workstream,
    financial_year,
)
from saferplaces.web.plans.publication import plan_line

VIA_YEAR = "plan year"

#: A component score that moved less than this between two assessments is not named as a reason.
MOVED_AT_LEAST = 0.05


# --------------------------------------------------------------------------- the review


@dataclass(frozen=True)
class PriorityReview:
    """One priority re-scored: its score when adopted against this year's, and what moved."""

    priority: Priority
    theme: str
    then_period: str
    then_score: float | None
    then_rank: int | None
    now_score: float | None
    now_rank: int | None
    moved: tuple[tuple[str, float, float, str], ...]
    summary: str


@dataclass(frozen=True)
class TargetReview:
    """One target at the year's end: the value held for the year, the status and its test."""

    target: Target
    year_value: str
    status: Any
    tag: str


@dataclass(frozen=True)
class YearReview:
    """Everything the March review page shows for one plan version and plan year."""

    plan: Plan
    year: int
    comparison: Comparison | None
    later: Assessment | None
    priorities: tuple[PriorityReview, ...]
    unscored: tuple[Priority, ...]
    targets: tuple[TargetReview, ...]
    completed: tuple[Action, ...]
    open_actions: tuple[Action, ...]
    open_risks: tuple[Risk, ...]
    closed_risks: tuple[Risk, ...]
    assumptions: tuple[str, ...] = field(default=())
    #: When no assessment of the year is held: which one the review would use and how to build it.
    to_build: str = ""

    @property
    def year_label(self) -> str:
        return financial_year(self.year)


def _period_end(a: Assessment) -> str:
    return str((a.data.get("period") or {}).get("end") or "")


def review_assessments(plan: Plan, year: int) -> tuple[Assessment | None, Assessment | None, list[str]]:
    """This year's assessment and last year's, with sentences saying how each was chosen.

    This year's is the newest assessment of the partnership whose period ends by March at
    the end of the plan year; last year's is the newest of the same area whose period ends
    earlier. (The plan's priorities were adopted from an earlier one: the review re-scores
    them against this year's.)
    """
    end = f"{year + 1}-03"
    held = [
        a
        for a in Assessment.objects.filter(partnership=plan.partnership)
        if _period_end(a) and _period_end(a) <= end
    ]
    held.sort(key=lambda a: (_period_end(a), a.created_at), reverse=True)
    if not held:
        return None, None, [f"No strategic assessment of a period ending by March {year + 1} is held."]
    later = held[0]
    notes = [
        f"This year's assessment is the newest held of a period ending by March {year + 1}: the "
        f"{later.period_label} one for {later.area_name} (version {later.version})."
    ]
    earlier = next(
        (a for a in held if a.area_code == later.area_code and _period_end(a) < _period_end(later)), None
    )
    if earlier is None:
        notes.append(f"No earlier assessment of {later.area_name} is held, so there is no comparison.")
    else:
        notes.append(
            f"Last year's is the newest of {earlier.area_name} of an earlier period: the "
            f"{earlier.period_label} one (version {earlier.version})."
        )
    return later, earlier, notes


def assessment_to_build(plan: Plan, year: int) -> str:
    """What the review of ``year`` would compare, and what the data store holds to build it.

    Said when no assessment of a period ending by March ``year + 1`` is held: the review would
    use one of the financial year itself (April to March), and an analyst builds it on the
    partnership's assessments page when the store holds its months for every force covering
    the partnership's area.
    """
    from saferplaces.web.performance.refresh import web_store

    label = financial_year(year)
    months = [f"{year}-{m:02d}" for m in range(4, 13)] + [f"{year + 1}-{m:02d}" for m in range(1, 4)]
    said = (
        f"The review of {label} would use an assessment of {label}, April {year} to March {year + 1}, "
        "set against one of the year before."
    )
    later = sorted(
        {
            a.period_label
            for a in Assessment.objects.filter(partnership=plan.partnership)
            if _period_end(a) > months[-1]
        }
    )
    if len(later) == 1:
        said += f" The assessment held is of a later period ({later[0]}), so it cannot be this year's."
    elif later:
        said += (
            f" The assessments held are of later periods ({', '.join(later)}), so none can be this year's."
        )
    try:
        store = web_store()
        con = store.connect()
        try:
            forces = forces_for_area(con, resolve_partnership_area(con, plan.partnership.area_name))
        finally:
            con.close()
        by_force = store.force_months()
    except AreaNotFoundError:
        return said + (
            f" The data store has no area named {plan.partnership.area_name}, so it cannot be built here."
        )
    except SaferPlacesError:
        return said + " The data store could not be read, so it cannot be built until it can."
    held = set.intersection(*(by_force.get(f, set()) for f in forces)) if forces else set()
    have = [m for m in months if m in held]
    if len(have) == len(months):
        return said + (
            f" The data store holds all 12 of its months: build it on the partnership's assessments page "
            f"with the period {label}."
        )
    if have:
        return said + (
            f" The data store holds {len(have)} of its 12 months ({describe_missing(have)}): load the others "
            f"from police.uk, then build it on the partnership's assessments page with the period {label}."
        )
    return said + (
        " The data store holds none of its months: load them from police.uk, then build it on the "
        f"partnership's assessments page with the period {label}."
    )


def _rescore(priority: Priority, later: Assessment | None) -> PriorityReview | None:
    adoption = (
        PriorityEvidence.objects.filter(priority=priority, assessment__isnull=False)
        .order_by("-created_at", "-id")
        .first()
    )
    if adoption is None or not adoption.candidate:
        return None
    then = adoption.evidence or {}
    now = ev.candidate(later, adoption.candidate) if later is not None else None
    then_score, now_score = then.get("score"), (now or {}).get("score")
    moved = []
    for key, name in COMPONENT_NAMES.items():
        a, b = (then.get("components") or {}).get(key), ((now or {}).get("components") or {}).get(key)
        if a is not None and b is not None and abs(b - a) >= MOVED_AT_LEAST:
            moved.append((name, float(a), float(b), str(((now or {}).get("sentences") or {}).get(key, ""))))
    moved.sort(key=lambda m: -abs(m[2] - m[1]))
    then_period = str(then.get("period_label") or adoption.assessment.period_label)
    if now is None:
        summary = (
            f"Not a candidate in this year's assessment ({later.period_label})."
            if later is not None
            else "Not re-scored: no assessment for this year is held."
        )
    elif then_score is None or now_score is None:
        summary = "Not re-scored: one of the two assessments gave it no score."
    else:
        diff = round(float(now_score) - float(then_score), 3)
        way = "rose" if diff > 0 else "fell" if diff < 0 else "did not change"
        summary = (
            f"Its score {way} from {then_score:.2f} ({then_period}) to {now_score:.2f} ({later.period_label})"
        )
        summary += f", rank {then.get('rank')} to {now.get('rank')}." if then.get("rank") else "."
    return PriorityReview(
        priority,
        adoption.candidate,
        then_period,
        then_score,
        then.get("rank"),
        now_score,
        (now or {}).get("rank"),
        tuple(moved[:3]),
        summary,
    )


def _year_value(target: Target, year: int) -> str:
    label = financial_year(year)
    rows = [r for r in (latest_row(target),) if r is not None and r.period.startswith(label)]
    held = [v for v in target.values.all() if v.period == label and (v.value is not None or v.sample_size)]
    if rows:
        return f"{rows[0].shown} ({rows[0].period})"
    if held:
        from saferplaces.web.performance.status import value_row

        row = value_row(target, held[-1])
        return f"{row.shown} ({label})"
    if target.baseline_period == label:
        from saferplaces.web.public.targets import baseline_shown

        if baseline := baseline_shown(target):
            return f"{baseline} ({label}, the plan's baseline)"
    return f"No value for {label} is held."


def year_review(plan: Plan, year: int) -> YearReview:
    """The March review of ``plan`` for the plan year starting in April ``year``."""
    from saferplaces.web.performance.status import TAG_CLASSES

    later, earlier, notes = review_assessments(plan, year)
    comparison = compare(earlier, later) if later is not None and earlier is not None else None
    scored, unscored = [], []
    for priority in plan.priorities.all():
        item = _rescore(priority, later)
        (scored if item is not None else unscored).append(item if item is not None else priority)
    targets = []
    for target in plan.targets.prefetch_related("values"):
        target.plan = plan
        status = target_status(target)
        targets.append(TargetReview(target, _year_value(target, year), status, TAG_CLASSES[status.status]))
    actions = list(Action.objects.filter(priority__plan=plan).select_related("priority"))
    end = dt.date(year + 1, 3, 31)
    completed = [a for a in actions if a.completed_on is not None and a.completed_on <= end]
    open_actions = [a for a in actions if a not in completed]
    risks = list(plan.risks.all())
    notes += [
        f"An action counts as completed when its completion date is on or before 31 March {year + 1}; "
        "every other action is open and is carried forward into next year's plan.",
        "A risk is closed when the register marks it closed; every other risk is open and carried forward.",
        f"A priority's score moved for a reason when one of its component scores changed by "
        f"{MOVED_AT_LEAST} or more (of 1) between the assessment it was adopted from and this year's.",
    ]
    return YearReview(
        plan,
        year,
        comparison,
        later,
        tuple(scored),
        tuple(unscored),
        tuple(targets),
        tuple(completed),
        tuple(open_actions),
        tuple(r for r in risks if r.status != Risk.Status.CLOSED),
        tuple(r for r in risks if r.status == Risk.Status.CLOSED),
        tuple(notes),
        assessment_to_build(plan, year) if later is None else "",
    )


# --------------------------------------------------------------------------- the next version


def _new_slug(plan: Plan, kind: str, year: int) -> str:
    base = plan_line(plan)[0].slug[:70]
    stem = f"{base}-{year}-{(year + 1) % 100:02d}" + ("-refresh" if kind == Plan.VersionKind.REFRESH else "")
    slug, n = stem, 1
    while Plan.objects.filter(partnership=plan.partnership, slug=slug).exists():
        n += 1
        slug = f"{stem}-{n}"
    return slug


def _copy(user: AbstractBaseUser | AnonymousUser | None, obj: models.Model, **changes: Any) -> models.Model:
    """Save a copy of ``obj`` with ``changes``, and its audit entry."""
    copy = type(obj)._base_manager.get(pk=obj.pk)
    copy.pk = copy.id = None
    for name, value in changes.items():
        setattr(copy, name, value)
    audited_save(user, copy, via=VIA_YEAR)
    return copy


def start_version(
    plan: Plan,
    user: AbstractBaseUser | AnonymousUser | None,
    *,
    kind: str,
    label: str,
    what_changed: str,
    retire: dict[int, str] | None = None,
) -> Plan:
    """Make the next version of ``plan``: a refresh of the same year, or next year's plan.

    The new version is a draft; ``plan`` stays as it is (published, it stays the public one
    until the new version is published, which supersedes it). Carry-over rules:

    - priorities are carried over, except those in ``retire`` (id: the reason), which the
      new version keeps as retired records with their reason;
    - actions not completed, under a priority carried over, are carried forward; completed
      actions stay in this version with their progress updates;
    - targets (of no priority, or of a priority carried over) are rolled on with their values;
      for next year's plan the baseline becomes the year just ended, with its value when one
      is held;
    - open risks are carried forward; places, groups at risk, governance, partner plans and
      workstreams are copied.

    Raises
    ------
    InputError
        When the kind is unknown, the label is empty, a refresh has no "what changed" note,
        a reason for retiring is missing, or this version already has a later one in progress.
    """
    if kind not in {Plan.VersionKind.REFRESH, Plan.VersionKind.NEXT_YEAR}:
        raise InputError(f"“{kind}” is not a kind of version.", "Choose a refresh or next year's plan.")
    if not label.strip():
        raise InputError("The version has no name.", "Enter a name, such as Refresh April 2026.")
    if kind == Plan.VersionKind.REFRESH and not what_changed.strip():
        raise InputError("The refresh has no note of what changed.", "Enter a short note of what changed.")
    retire = retire or {}
    for pk, reason in retire.items():
        if not reason.strip():
            raise InputError(
                f"Priority {pk} is retired without a reason.", "Enter why the priority is retired."
            )
    if plan.next_versions.filter(status=Plan.Status.DRAFT).exists():
        raise InputError(
            f"“{plan.title}” already has a draft next version.",
            "Carry on with that draft, or publish it, before starting another.",
        )
    year = plan.year + (1 if kind == Plan.VersionKind.NEXT_YEAR else 0)
    with transaction.atomic():
        new = Plan(
            partnership=plan.partnership,
            title=plan.title,
            slug=_new_slug(plan, kind, year),
            start_year=plan.start_year,
            end_year=max(plan.end_year, year + 1),
            status=Plan.Status.DRAFT,
            vision=plan.vision,
            aim=plan.aim,
            principles=plan.principles,
            key_findings=plan.key_findings,
            review_arrangements=plan.review_arrangements,
            source=plan.source,
            previous_version=plan,
            version_kind=kind,
            version_label=label.strip(),
            what_changed=what_changed.strip(),
            plan_year=year,
        )
        audited_save(user, new, via=VIA_YEAR)
        priorities: dict[int, Priority] = {}
        for old in plan.priorities.all():
            reason = retire.get(old.pk, "")
            copy = _copy(user, old, plan=new, carried_from=old, retired=bool(reason), retired_reason=reason)
            if not reason:
                priorities[old.pk] = copy
            for adoption in PriorityEvidence.objects.filter(priority=old).order_by("created_at", "id"):
                adoption.pk = adoption.id = None
                adoption.priority = copy
                adoption.save()
        for action in Action.objects.filter(priority__plan=plan, completed_on__isnull=True):
            if action.priority_id in priorities:
                _copy(user, action, priority=priorities[action.priority_id], carried_from=action)
        ended = financial_year(plan.year)
        for target in plan.targets.prefetch_related("values"):
            if target.priority_id is not None and target.priority_id not in priorities:
                continue
            changes: dict[str, Any] = {"plan": new, "carried_from": target}
            changes["priority"] = priorities.get(target.priority_id) if target.priority_id else None
            if kind == Plan.VersionKind.NEXT_YEAR:
                held = [v for v in target.values.all() if v.period == ended and v.value is not None]
                held.sort(key=lambda v: v.source != TargetValue.Source.COMPUTED)  # computed first
                changes["baseline_period"] = ended
                changes["baseline_value"] = held[0].value if held else None
                changes["baseline_text"] = (
                    "" if held else f"No value for {ended} was held when the plan was made."
                )
            copy = _copy(user, target, **changes)
            for value in target.values.all():
                _copy(user, value, target=copy)
        for risk in plan.risks.all():
            if risk.status != Risk.Status.CLOSED:
                _copy(user, risk, plan=new, carried_from=risk)
        for model in (PriorityPlace, AtRiskGroup, PartnerPlan):
            for obj in model.objects.filter(plan=plan):
                _copy(user, obj, plan=new)
        for row in Governance.objects.filter(plan=plan):
            _copy(user, row, plan=new, priority=priorities.get(row.priority_id) if row.priority_id else None)
        for stream in Workstream.objects.filter(plan=plan):
            copy = _copy(user, stream, plan=new)
            for commitment in Commitment.objects.filter(workstream=stream):
                _copy(user, commitment, workstream=copy)
    return new
