"""Publishing a plan version: the record of the board's decision, and the supersession it brings.

A plan is visible on the public pages exactly when its status is published
(``Plan.Status.PUBLISHED``). :func:`publish_plan` is the one way a version becomes
published in the app (the seed plans arrive transcribed as published, and freeze once
their publication is recorded here): in one transaction it freezes the version, marks the version published
before it in the same line superseded, writes the :class:`Publication` record and
the audit entries (docs/plan-year.md, ADR 0018).
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.utils import timezone

from saferplaces.errors import InputError
from saferplaces.web.audit.trail import audited_save, display_name, record, snapshot
from saferplaces.web.plans.models import Plan, Publication, publishing

VIA_PUBLISH = "plan publication"


def plan_line(plan: Plan) -> list[Plan]:
    """Every version of the plan's line, oldest first: back along ``previous_version``, then forward."""
    root = plan
    seen = {root.pk}
    while root.previous_version_id is not None and root.previous_version_id not in seen:
        root = Plan.objects.select_related("partnership").get(pk=root.previous_version_id)
        seen.add(root.pk)
    line, queue = [], [root]
    while queue:
        current = queue.pop(0)
        line.append(current)
        queue.extend(current.next_versions.select_related("partnership").order_by("id"))
    return line


def publish_plan(
    plan: Plan,
    user: AbstractBaseUser | AnonymousUser | None,
    decision_text: str,
    decision_date: dt.date,
) -> Publication:
    """Publish a draft plan version on the board's decision, superseding the one published before it.

    Parameters
    ----------
    plan
        A draft version, or one transcribed as published whose publication is not yet recorded.
    user
        Who publishes it (None for a script, such as the demo loader).
    decision_text
        The board's decision as minuted, such as "Board of 12 March 2025 agreed the plan (minute 4)".
    decision_date
        The date of the decision.

    Returns
    -------
    Publication
        The record of who published which version, when, and on what decision.

    Raises
    ------
    InputError
        When the version's publication is already recorded (or it is superseded), or the decision
        is missing or dated in the future.
    """
    text = (decision_text or "").strip()
    if not text:
        raise InputError(
            "The board decision is missing.",
            "Enter the decision, as minuted, that agreed to publish the plan.",
        )
    if decision_date > timezone.localdate():
        raise InputError(
            f"The decision date {decision_date:%-d %B %Y} is in the future.",
            "Enter the date of the board meeting that agreed to publish the plan.",
        )
    with transaction.atomic(), publishing():
        locked = Plan.objects.select_for_update().select_related("partnership").get(pk=plan.pk)
        if not locked.may_be_published:
            raise InputError(
                f"“{locked.title}” ({locked.version_name}) is {locked.get_status_display().lower()}, "
                "not a draft.",
                "Start a refresh or next year's plan, and publish that version.",
            )
        superseded = None
        for other in plan_line(locked):
            if other.pk != locked.pk and other.status == Plan.Status.PUBLISHED:
                other.status = Plan.Status.SUPERSEDED
                audited_save(user, other, via=VIA_PUBLISH)
                superseded = other
        locked.status = Plan.Status.PUBLISHED
        audited_save(user, locked, via=VIA_PUBLISH)
        publication = Publication.objects.create(
            plan=locked,
            published_by=user if user is not None and user.is_authenticated else None,
            published_by_name=display_name(user),
            published_at=timezone.now(),
            decision_text=text,
            decision_date=decision_date,
            superseded=superseded,
        )
        record(user, publication, None, snapshot(publication), via=VIA_PUBLISH)
    plan.status = Plan.Status.PUBLISHED
    return publication
