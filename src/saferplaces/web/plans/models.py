"""Plans and what they hold: priorities, places, delivery actions, risks, governance."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.signals import pre_delete
from django.utils import timezone

from saferplaces.errors import SaferPlacesError
from saferplaces.web.partnerships.models import Board, Organisation, Partnership
from saferplaces.web.validation import LONG_TEXT, PLAUSIBLE_DATE


class FreezeGuardedQuerySet(models.QuerySet):
    """A queryset whose bulk paths ask first what a model's ``save()`` and ``delete()`` would refuse.

    ``update()`` (and so ``bulk_update()``, which Django builds on it), ``delete()`` and
    ``bulk_create()`` go round a model's ``save()`` and ``delete()``; here they call
    :meth:`refuse_rows` (with the fields an update sets, or None for a delete) and
    :meth:`refuse_new` (for each row to insert), which raise before anything is written.
    Subclasses say what is frozen; deletes that arrive by cascade are refused by the
    receivers :func:`guard_deletes` connects.
    """

    def refuse_rows(self, fields: set[str] | None, values: dict[str, Any]) -> None:
        """Raise when updating ``fields`` to ``values`` (deleting, when None) would change a frozen row."""

    def refuse_new(self, obj: models.Model) -> None:
        """Raise when inserting ``obj`` would add to a frozen record."""

    def update(self, **kwargs: Any) -> int:
        self.refuse_rows(set(kwargs), kwargs)
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        self.refuse_rows(None, {})
        return super().delete()

    def bulk_create(self, objs: Iterable[models.Model], *args: Any, **kwargs: Any) -> list[models.Model]:
        objs = list(objs)
        for obj in objs:
            self.refuse_new(obj)
        return super().bulk_create(objs, *args, **kwargs)


class PlanGuardedQuerySet(FreezeGuardedQuerySet):
    """The bulk paths of the plan models: they refuse what ``save()`` and ``delete()`` refuse on a
    frozen plan version, looking up the plan of each row through the model's ``PLAN_PATH``
    (:class:`PlanFrozenError`, before anything is written)."""

    def refuse_rows(self, fields: set[str] | None, values: dict[str, Any]) -> None:
        refuse_frozen_rows(self, fields, values)

    def refuse_new(self, obj: models.Model) -> None:
        refuse_new_record(obj)


GuardedManager = models.Manager.from_queryset(PlanGuardedQuerySet)


class CurrentManager(GuardedManager):
    """Records in use: a retired record stays in the database (and the audit trail); no page lists it."""

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().filter(retired=False)


class Retirable(models.Model):
    """A record partnership administrators may retire (and reinstate) instead of deleting it.

    ``objects`` leaves retired records out, and so do the related managers built from it
    (``plan.priorities``); ``all_objects`` holds every record, for the pages that manage them.
    """

    retired = models.BooleanField(default=False, help_text="Retired records are kept but not shown.")

    objects = CurrentManager()
    all_objects = GuardedManager()

    class Meta:
        abstract = True


def carried_from_field(help_text: str) -> models.ForeignKey:
    """The link from a record of a new plan version to the record of the previous version it copies."""
    return models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="carried_to",
        help_text=help_text,
    )


class PlanFrozenError(SaferPlacesError):
    """A published or superseded plan version was asked to change what publication froze."""


class PlanPublicationError(SaferPlacesError):
    """A plan version was asked to become published other than through ``publish_plan``."""


#: True only inside :func:`publishing`: the one state in which a plan's status may become published.
_PUBLISHING: ContextVar[bool] = ContextVar("saferplaces_plan_publishing", default=False)


@contextmanager
def publishing() -> Iterator[None]:
    """Let plan versions become published inside this block, and nowhere else.

    Used by :func:`saferplaces.web.plans.publication.publish_plan`, which records who published
    the version, when and on what board decision, and by the seed loader, whose plans the
    partnerships published themselves before they were transcribed (ADR 0018, ADR 0025).
    """
    token = _PUBLISHING.set(True)
    try:
        yield
    finally:
        _PUBLISHING.reset(token)


def publication_problem(title: str) -> tuple[str, str]:
    """The two sentences a refused status change to published says."""
    return (
        f"“{title}” cannot be published by changing its status.",
        "Publish it from the plan page, which records who published it, when and the board's decision.",
    )


def frozen_problem(plan: Plan) -> tuple[str, str]:
    """The two sentences a refused change to a frozen plan version says: what is wrong, what to do."""
    state = "superseded by a later version" if plan.status == Plan.Status.SUPERSEDED else "published"
    return (
        f"“{plan.title}” ({plan.version_name}) is {state}, so its text, priorities, places, actions, "
        "targets and risks cannot be changed.",
        "To change them, start a refresh or next year's plan from the plan page.",
    )


class Plan(models.Model):
    """A partnership's community safety plan, strategy or agreement for a span of years.

    Each row is one version of a plan: a refresh or next year's plan is a new row whose
    ``previous_version`` is the one it was made from (docs/plan-year.md). A published
    version is frozen; publishing the next one in its line marks it superseded.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        SUPERSEDED = "superseded", "Superseded"

    class VersionKind(models.TextChoices):
        ORIGINAL = "original", "Original plan"
        REFRESH = "refresh", "Refresh"
        NEXT_YEAR = "next_year", "Next year's plan"

    #: Fields that publication does not freeze: how far a version has got through its life.
    LIVE_FIELDS = ("status",)
    #: The path from this model to its plan, for :class:`PlanGuardedQuerySet` ("" is the plan itself).
    PLAN_PATH = ""

    objects = GuardedManager()

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="plans")
    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=100)
    start_year = models.PositiveSmallIntegerField()
    end_year = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    vision = models.TextField(max_length=LONG_TEXT, blank=True)
    aim = models.TextField(max_length=LONG_TEXT, blank=True)
    principles = models.JSONField(default=list, blank=True, help_text="Shared principles, one string each.")
    key_findings = models.JSONField(
        default=list, blank=True, help_text="What the data and residents say, one string each."
    )
    review_arrangements = models.TextField(max_length=LONG_TEXT, blank=True)
    source = models.CharField(max_length=300, blank=True, help_text="The document this plan was taken from.")
    previous_version = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="next_versions",
        help_text="The version this one was made from, by a refresh or next year's plan.",
    )
    version_kind = models.CharField(max_length=20, choices=VersionKind.choices, default=VersionKind.ORIGINAL)
    version_label = models.CharField(
        max_length=200, blank=True, help_text="For example, Refresh April 2023 or Plan for 2025/26."
    )
    what_changed = models.TextField(max_length=LONG_TEXT, blank=True)
    plan_year = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="The financial year this version is for, by its first year (2025 is 2025/26).",
    )

    class Meta:
        ordering = ["partnership", "-start_year", "-id"]
        constraints = [models.UniqueConstraint(fields=["partnership", "slug"], name="unique_plan_slug")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_frozen(self) -> bool:
        """True once published in the app: text, priorities, targets and their definitions no longer change.

        A plan transcribed as published (the seed plans) is published without a
        :class:`Publication`; it freezes when its publication is recorded (ADR 0018).
        """
        return self.pk is not None and frozen_status(self.pk) is not None

    @property
    def may_be_published(self) -> bool:
        """A draft, or a plan transcribed as published whose publication is not yet recorded."""
        if self.status == self.Status.DRAFT:
            return True
        return self.status == self.Status.PUBLISHED and not self.is_frozen

    @property
    def title_gives_years(self) -> bool:
        """True when the title names the plan's span, "2022-2025", "2022 – 25" or "2022 to 2025"
        (so a page need not repeat it); a title naming the two years apart does not."""
        start, end = self.start_year, self.end_year
        span = rf"\b{start}\s*(?:-|–|—|/|to)\s*(?:{end}|{end % 100:02d})\b"
        return re.search(span, self.title) is not None

    @property
    def version_name(self) -> str:
        """The version's own name: its label, or what it is when it has none."""
        if self.version_label:
            return self.version_label
        if self.plan_year is not None:
            return f"plan for {financial_year(self.plan_year)}"
        return "original version"

    @property
    def year(self) -> int:
        """The financial year the version is for: its ``plan_year``.

        A version without one (a plan loaded whole, as the seed plans are) is taken to be for
        the last year of its span that has begun: a 2022-2025 plan read in 2026 is in its
        2024/25 year, so its March review is of 2024/25 and next year's plan is for 2025/26.
        """
        if self.plan_year is not None:
            return self.plan_year
        today = timezone.localdate()
        begun = today.year if today.month >= 4 else today.year - 1  # financial years begin in April
        return max(self.start_year, min(self.end_year - 1, begun))

    @property
    def review_years(self) -> list[int]:
        """The plan years a March review may be held for, this version's own first."""
        years = range(self.start_year, max(self.end_year, self.start_year + 1))
        return sorted(set(years) | {self.year}, key=lambda y: (y != self.year, y))

    def clean(self) -> None:
        super().clean()
        changed = self._frozen_changes()
        if changed:
            raise ValidationError(" ".join(frozen_problem(self)))
        if self._becomes_published():
            raise ValidationError({"status": " ".join(publication_problem(self.title))})

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._frozen_changes():
            raise PlanFrozenError(*frozen_problem(self))
        if self._becomes_published():
            raise PlanPublicationError(*publication_problem(self.title))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self.pk is not None and frozen_status(self.pk) is not None:
            raise PlanFrozenError(*frozen_problem(self))
        return super().delete(*args, **kwargs)

    def _becomes_published(self) -> bool:
        """True when this save would make the version published outside :func:`publishing`."""
        if self.status != self.Status.PUBLISHED or _PUBLISHING.get():
            return False
        stored = None if self.pk is None else Plan._base_manager.filter(pk=self.pk).values("status").first()
        return stored is None or stored["status"] != self.Status.PUBLISHED

    def _frozen_changes(self) -> list[str]:
        if self.pk is None:
            return []
        stored = Plan._base_manager.filter(pk=self.pk).first()
        if stored is None or frozen_status(self.pk) is None:
            return []
        changed = [
            f.attname
            for f in self._meta.concrete_fields
            if f.attname not in self.LIVE_FIELDS and getattr(stored, f.attname) != getattr(self, f.attname)
        ]
        moves = {(self.Status.PUBLISHED, self.Status.SUPERSEDED)}
        if stored.status != self.status and (stored.status, self.status) not in moves:
            changed.append("status")
        return changed

    @property
    def period(self) -> str:
        return f"{self.start_year} to {self.end_year}"

    @property
    def source_document(self) -> str:
        """The source's document name, without the transcription's file reference in brackets."""
        return re.sub(r"\s*\((?:shared/)?seeds/[^)]*\)\s*$", "", self.source)


def frozen_status(plan_pk: int) -> str | None:
    """The stored status of a frozen plan (superseded, or published with a publication record), or None."""
    row = Plan._base_manager.filter(pk=plan_pk).values_list("status", "publication__id").first()
    if row is None:
        return None
    status, publication = row
    if status == Plan.Status.SUPERSEDED or (status == Plan.Status.PUBLISHED and publication is not None):
        return status
    return None


def financial_year(year: int) -> str:
    """The financial year that starts in April of ``year``, as plans write it: 2025 is "2025/26"."""
    return f"{year}/{(year + 1) % 100:02d}"


class FrozenWithPlan(models.Model):
    """A record that freezes with its plan version (docs/plan-year.md, ADR 0018).

    Once its plan is published, saving a change to any field not in ``LIVE_FIELDS``,
    adding a record or deleting one raises :class:`PlanFrozenError` (``clean`` raises
    the same as a ValidationError, for forms). Once the plan is superseded, the live
    fields freeze too: delivery has moved to the next version.
    """

    #: Delivery records that go on changing after publication (RAG, completion, readings).
    LIVE_FIELDS: tuple[str, ...] = ()
    #: The path from this model to its plan, for :class:`PlanGuardedQuerySet`.
    PLAN_PATH = "plan"

    class Meta:
        abstract = True

    def owning_plan(self) -> Plan | None:
        return getattr(self, "plan", None)

    def _frozen_plan(self) -> Plan | None:
        """The frozen plan this change would alter, or None when the change is allowed."""
        stored = None
        if self.pk is not None:
            stored = type(self)._base_manager.filter(pk=self.pk).first()
        plans = [p for p in (self.owning_plan(), stored.owning_plan() if stored else None) if p is not None]
        for plan in plans:
            current = frozen_status(plan.pk)
            if current is None:
                continue
            if stored is None:
                return plan
            live = self.LIVE_FIELDS if current == Plan.Status.PUBLISHED else ()
            live_attnames = {self._meta.get_field(name).attname for name in live}
            for f in self._meta.concrete_fields:
                if f.attname not in live_attnames and getattr(stored, f.attname) != getattr(self, f.attname):
                    plan.status = current
                    return plan
        return None

    def clean(self) -> None:
        super().clean()
        plan = self._frozen_plan()
        if plan is not None:
            raise ValidationError(" ".join(frozen_problem(plan)))

    def save(self, *args: Any, **kwargs: Any) -> None:
        plan = self._frozen_plan()
        if plan is not None:
            raise PlanFrozenError(*frozen_problem(plan))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        plan = self.owning_plan()
        if plan is not None and plan.pk is not None and frozen_status(plan.pk) is not None:
            raise PlanFrozenError(*frozen_problem(plan))
        return super().delete(*args, **kwargs)


class LiveWithPlan(models.Model):
    """A delivery record of a plan version (an update, a value, a reading): it comes, changes and goes
    while the version is published, and takes no change at all once the version is superseded."""

    #: The path from this model to its plan, for :class:`PlanGuardedQuerySet`.
    PLAN_PATH = ""
    LIVE_WHILE_PUBLISHED = True

    objects = GuardedManager()

    class Meta:
        abstract = True

    def owning_plan(self) -> Plan | None:
        raise NotImplementedError

    def save(self, *args: Any, **kwargs: Any) -> None:
        refuse_if_superseded(self)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        refuse_if_superseded(self)
        return super().delete(*args, **kwargs)


class Publication(models.Model):
    """The record of a plan version's publication: who, when, and the board decision behind it.

    Written once by ``publish_plan`` and never changed or deleted: it is what freezes the version.
    """

    PLAN_PATH = "plan"

    objects = GuardedManager()

    plan = models.OneToOneField(Plan, on_delete=models.CASCADE, related_name="publication")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_by_name = models.CharField(max_length=300, blank=True)
    published_at = models.DateTimeField()
    decision_text = models.TextField(
        max_length=LONG_TEXT, help_text="The board's decision, as minuted, to publish this version."
    )
    decision_date = models.DateField(validators=PLAUSIBLE_DATE)
    superseded = models.ForeignKey(
        Plan,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="superseded_by_publication",
        help_text="The version published before this one, which this publication superseded.",
    )

    class Meta:
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return f"Publication of {self.plan} ({self.plan.version_name})"[:300]

    def owning_plan(self) -> Plan | None:
        return self.plan if self.plan_id else None

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and Publication._base_manager.filter(pk=self.pk).exists():
            raise PlanFrozenError(*frozen_problem(self.plan))
        super().save(*args, **kwargs)


class PlanVersion(FrozenWithPlan):
    """A refresh or revision of a plan, with what changed."""

    objects = GuardedManager()

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions")
    label = models.CharField(max_length=200, help_text="For example, Refresh April 2023.")
    date = models.DateField(validators=PLAUSIBLE_DATE, null=True, blank=True)
    what_changed = models.TextField(max_length=LONG_TEXT, blank=True)

    class Meta:
        ordering = ["plan", "date", "id"]

    def __str__(self) -> str:
        return self.label


class Priority(FrozenWithPlan, Retirable):
    """A priority, cross-cutting theme, oversight item or district-only issue in a plan."""

    class Kind(models.TextChoices):
        PRIORITY = "priority", "Priority"
        CROSS_CUTTING = "cross_cutting", "Cross-cutting theme"
        OVERSIGHT = "oversight", "Oversight item"
        DISTRICT_ONLY = "district_only", "District-only priority"
        FORCE_WIDE_CHALLENGE = "force_wide_challenge", "Challenge for the whole partnership"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="priorities")
    order = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=30, choices=Kind.choices, default=Kind.PRIORITY)
    description = models.TextField(max_length=LONG_TEXT, blank=True)
    reasons = models.JSONField(default=list, blank=True, help_text="Reasons for selection, one string each.")
    aims = models.JSONField(default=list, blank=True, help_text="Aims and ambitions, one string each.")
    evidence = models.TextField(
        max_length=LONG_TEXT, blank=True, help_text="The assessment finding or table behind the priority."
    )
    county_priority = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="district_priorities"
    )
    pcc_plan_priorities = models.TextField(max_length=LONG_TEXT, blank=True)
    fire_plan_priorities = models.TextField(max_length=LONG_TEXT, blank=True)
    carried_from = carried_from_field(
        "The priority of the previous version this one carries over, or retires."
    )
    retired_reason = models.TextField(
        max_length=LONG_TEXT, blank=True, help_text="Why the priority was retired at a refresh or a new year."
    )

    class Meta:
        ordering = ["plan", "order", "id"]
        verbose_name_plural = "priorities"

    def __str__(self) -> str:
        return self.title


class PriorityPlace(FrozenWithPlan, Retirable):
    """A ward or locality a plan gives priority to, and why."""

    class AreaType(models.TextChoices):
        WARD = "ward", "Ward"
        LOCALITY = "locality", "Locality"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="places")
    order = models.PositiveIntegerField(default=0)
    name = models.CharField(max_length=200)
    area_type = models.CharField(max_length=20, choices=AreaType.choices, default=AreaType.WARD)
    district = models.CharField(max_length=200, blank=True)
    priority_type = models.CharField(max_length=200, blank=True, help_text="For example, High, force-wide.")
    rationale = models.TextField(max_length=LONG_TEXT, blank=True)

    class Meta:
        ordering = ["plan", "order", "id"]

    def __str__(self) -> str:
        return self.name


class AtRiskGroup(FrozenWithPlan):
    """A group of people a plan names as at greatest risk."""

    objects = GuardedManager()

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="at_risk_groups")
    order = models.PositiveIntegerField(default=0)
    description = models.TextField(max_length=LONG_TEXT)
    detail = models.TextField(max_length=LONG_TEXT, blank=True)

    class Meta:
        ordering = ["plan", "order", "id"]

    def __str__(self) -> str:
        return self.description


class CurrentActionManager(CurrentManager):
    """Actions in use: neither retired nor under a retired priority."""

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().filter(priority__retired=False)


class Action(FrozenWithPlan, Retirable):
    """One row of a delivery plan: an action, its intended outcome and the data that shows it."""

    class Rag(models.TextChoices):
        RED = "red", "Red"
        AMBER = "amber", "Amber"
        GREEN = "green", "Green"

    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="actions")
    order = models.PositiveIntegerField(default=0)
    action = models.TextField(max_length=LONG_TEXT, blank=True)
    outcome = models.TextField(max_length=LONG_TEXT, blank=True)
    data_measure = models.TextField(max_length=LONG_TEXT, blank=True)
    lead_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    lead_officer = models.CharField(max_length=200, blank=True)
    lead_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_actions",
        help_text="The lead officer's account, which may update this action.",
    )
    board = models.ForeignKey(Board, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions")
    due_date = models.DateField(validators=PLAUSIBLE_DATE, null=True, blank=True)
    rag = models.CharField(max_length=10, choices=Rag.choices, blank=True)
    completed_on = models.DateField(
        validators=PLAUSIBLE_DATE, null=True, blank=True, help_text="When the action was completed."
    )
    lead_officer_public = models.BooleanField(
        default=False,
        help_text="The lead officer agreed to their name being shown on the public pages.",
    )
    carried_from = carried_from_field("The open action of the previous version this one carries forward.")

    #: Delivery goes on after publication: the RAG status, completion, who records progress,
    #: and the officer's choice about their name.
    LIVE_FIELDS = ("rag", "completed_on", "lead_user", "lead_officer_public")

    PLAN_PATH = "priority__plan"

    objects = CurrentActionManager()
    all_objects = GuardedManager()

    class Meta:
        ordering = ["priority", "order", "id"]

    def __str__(self) -> str:
        return self.action or f"Action {self.order} under {self.priority}"

    def owning_plan(self) -> Plan | None:
        return self.priority.plan if self.priority_id else None


class ProgressUpdate(LiveWithPlan):
    """A dated note of progress on an action."""

    PLAN_PATH = "action__priority__plan"

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    date = models.DateField(validators=PLAUSIBLE_DATE)
    text = models.TextField(max_length=LONG_TEXT)
    rag = models.CharField(max_length=10, choices=Action.Rag.choices, blank=True)
    author = models.CharField(max_length=200, blank=True)
    public_summary = models.TextField(
        max_length=LONG_TEXT,
        blank=True,
        help_text="What residents may read about this update, in plain English. Shown once approved.",
    )
    public_summary_cy = models.TextField(
        max_length=LONG_TEXT, blank=True, help_text="The same summary in Welsh (optional)."
    )
    public_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="approved_public_updates",
        help_text="The administrator who approved the public summary.",
    )
    public_approved_at = models.DateTimeField(
        null=True, blank=True, help_text="When the public summary was approved; empty while it is not."
    )

    class Meta:
        ordering = ["action", "-date", "-id"]

    def __str__(self) -> str:
        return f"Update of {self.date:%-d %B %Y} on {self.action}"[:300]

    @property
    def publicly_approved(self) -> bool:
        """True when residents may read the public summary: it is written and an administrator approved it."""
        return bool(self.public_summary.strip()) and self.public_approved_at is not None

    def owning_plan(self) -> Plan | None:
        return self.action.owning_plan() if self.action_id else None


class Risk(FrozenWithPlan, Retirable):
    """A row of a plan's risk register."""

    class Level(models.TextChoices):
        HIGH = "high", "High"
        MEDIUM = "medium", "Medium"
        LOW = "low", "Low"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="risks")
    order = models.PositiveIntegerField(default=0)
    risk = models.TextField(max_length=LONG_TEXT)
    impact = models.CharField(max_length=10, choices=Level.choices)
    likelihood = models.CharField(max_length=10, choices=Level.choices)
    mitigation = models.TextField(max_length=LONG_TEXT, blank=True)
    owner = models.CharField(max_length=200, blank=True)
    review_date = models.DateField(validators=PLAUSIBLE_DATE, null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, blank=True, help_text="Blank when not stated."
    )
    mitigation_internal = models.BooleanField(
        default=False, help_text="The mitigation is for the partnership only and is never published."
    )
    carried_from = carried_from_field("The open risk of the previous version this one carries forward.")

    #: The board reviews the register's readings every quarter, published or not;
    #: the wording (risk, mitigation, owner) freezes with the plan.
    LIVE_FIELDS = ("impact", "likelihood", "status", "review_date", "mitigation_internal")

    class Meta:
        ordering = ["plan", "order", "id"]

    def __str__(self) -> str:
        return self.risk


class Governance(FrozenWithPlan):
    """A row of a plan's governance table: theme, board and who reports on performance."""

    objects = GuardedManager()

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="governance")
    order = models.PositiveIntegerField(default=0)
    theme = models.CharField(max_length=300)
    arrangements = models.TextField(max_length=LONG_TEXT, blank=True)
    officer_responsible = models.TextField(max_length=LONG_TEXT, blank=True)
    priority = models.ForeignKey(
        Priority, null=True, blank=True, on_delete=models.SET_NULL, related_name="governance"
    )

    class Meta:
        ordering = ["plan", "order", "id"]
        verbose_name_plural = "governance"

    def __str__(self) -> str:
        return self.theme


class PartnerPlan(FrozenWithPlan):
    """Another body's plan a partnership plan links to, such as the Police and Crime Plan."""

    objects = GuardedManager()

    class Kind(models.TextChoices):
        PCC = "pcc", "Police and Crime Commissioner's plan"
        FIRE = "fire", "Fire and rescue service plan"
        OTHER = "other", "Other plan or strategy"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="partner_plans")
    order = models.PositiveIntegerField(default=0)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.OTHER)
    name = models.CharField(max_length=300)
    priorities = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["plan", "order", "id"]

    def __str__(self) -> str:
        return self.name


class Workstream(FrozenWithPlan):
    """A strand of work in a plan, with its aims."""

    objects = GuardedManager()

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="workstreams")
    order = models.PositiveIntegerField(default=0)
    name = models.CharField(max_length=200)
    description = models.TextField(max_length=LONG_TEXT, blank=True)
    aims = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["plan", "order", "id"]

    def __str__(self) -> str:
        return self.name


class Commitment(FrozenWithPlan):
    """A 'we will' commitment under a workstream, for an audience."""

    PLAN_PATH = "workstream__plan"

    objects = GuardedManager()

    workstream = models.ForeignKey(Workstream, on_delete=models.CASCADE, related_name="commitments")
    order = models.PositiveIntegerField(default=0)
    audience = models.CharField(max_length=200, blank=True)
    text = models.TextField(max_length=LONG_TEXT)

    class Meta:
        ordering = ["workstream", "order", "id"]

    def __str__(self) -> str:
        return self.text

    def owning_plan(self) -> Plan | None:
        return self.workstream.plan if self.workstream_id else None


class RiskReview(LiveWithPlan):
    """A dated reading of a risk's impact, likelihood and status: the register's history.

    The audit trail records when a change was typed in; a review records the date the risk
    was assessed, so a board pack can set a risk's score this quarter against last quarter
    (issue 11). Saving a risk through its form records a review dated today.
    """

    PLAN_PATH = "risk__plan"

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="reviews")
    date = models.DateField(validators=PLAUSIBLE_DATE)
    impact = models.CharField(max_length=10, choices=Risk.Level.choices)
    likelihood = models.CharField(max_length=10, choices=Risk.Level.choices)
    status = models.CharField(max_length=10, choices=Risk.Status.choices, blank=True)
    note = models.TextField(max_length=LONG_TEXT, blank=True)
    author = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["risk", "-date", "-id"]

    def __str__(self) -> str:
        return f"Review of {self.date:%-d %B %Y} of {self.risk}"[:300]

    def owning_plan(self) -> Plan | None:
        return self.risk.plan if self.risk_id else None

    @property
    def score(self) -> int:
        """0 (low impact, low likelihood) to 4 (high, high), as the heatmap scores a cell."""
        order = [Risk.Level.LOW, Risk.Level.MEDIUM, Risk.Level.HIGH]
        return order.index(self.impact) + order.index(self.likelihood)


def superseded_problem(plan: Plan) -> tuple[str, str]:
    """The two sentences a refused change to a superseded version's delivery records says."""
    return (
        f"“{plan.title}” ({plan.version_name}) is superseded, so its actions, targets and risks take no "
        "more updates, values or readings.",
        "Record them on the version carried forward into the current plan.",
    )


def refuse_if_superseded(record: Any) -> None:
    """Raise :class:`PlanFrozenError` when ``record`` (a delivery record) belongs to a superseded version."""
    plan = record.owning_plan()
    if plan is not None and plan.pk is not None and frozen_status(plan.pk) == Plan.Status.SUPERSEDED:
        plan.status = Plan.Status.SUPERSEDED
        raise PlanFrozenError(*superseded_problem(plan))


def _live_names(model: type[models.Model]) -> set[str]:
    """The names and column names of the fields a published version still lets change."""
    names: set[str] = set()
    for name in getattr(model, "LIVE_FIELDS", ()):
        names |= {name, model._meta.get_field(name).attname}
    return names


def refuse_frozen_rows(queryset: models.QuerySet, fields: set[str] | None, values: dict[str, Any]) -> None:
    """Raise :class:`PlanFrozenError` when an update of ``fields`` (a delete when None) would change a
    frozen version's rows in ``queryset``; and :class:`PlanPublicationError` when it would make a plan
    published outside :func:`publishing`."""
    model = queryset.model
    path = getattr(model, "PLAN_PATH", None)
    if path is None:
        return
    prefix = f"{path}__" if path else ""
    rows = (
        queryset.order_by().values_list(f"{prefix}pk", f"{prefix}status", f"{prefix}publication").distinct()
    )
    live_while_published = getattr(model, "LIVE_WHILE_PUBLISHED", False)
    for plan_pk, status, publication in rows:
        if plan_pk is None:
            continue
        if model is Plan and fields and "status" in fields and not _PUBLISHING.get():
            new = values["status"]  # an expression (bulk_update) may hold "published": refused too
            if (not isinstance(new, str) or new == Plan.Status.PUBLISHED) and status != Plan.Status.PUBLISHED:
                raise PlanPublicationError(*publication_problem(Plan._base_manager.get(pk=plan_pk).title))
        frozen = status == Plan.Status.SUPERSEDED or (
            status == Plan.Status.PUBLISHED and publication is not None
        )
        if not frozen:
            continue
        plan = Plan._base_manager.get(pk=plan_pk)
        if status == Plan.Status.SUPERSEDED:
            raise PlanFrozenError(
                *(superseded_problem(plan) if live_while_published else frozen_problem(plan))
            )
        if live_while_published:
            continue
        if fields is None or fields - _live_names(model):
            raise PlanFrozenError(*frozen_problem(plan))
        if model is Plan and values.get("status", Plan.Status.SUPERSEDED) != Plan.Status.SUPERSEDED:
            raise PlanFrozenError(*frozen_problem(plan))  # a published version only moves on to superseded


def refuse_new_record(obj: models.Model) -> None:
    """Raise when ``obj``, about to be inserted in bulk, would be published or join a frozen version."""
    if isinstance(obj, Plan):
        if obj.status == Plan.Status.PUBLISHED and not _PUBLISHING.get():
            raise PlanPublicationError(*publication_problem(obj.title))
        return
    owner = getattr(obj, "owning_plan", None)
    plan = owner() if owner is not None else None
    if plan is None or plan.pk is None:
        return
    status = frozen_status(plan.pk)
    if status == Plan.Status.SUPERSEDED:
        raise PlanFrozenError(*superseded_problem(plan))
    if status is not None and not getattr(obj, "LIVE_WHILE_PUBLISHED", False):
        raise PlanFrozenError(*frozen_problem(plan))


def _refuse_frozen_delete(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    """Refuse a delete, however it comes (a queryset, a cascade from the plan or the partnership)."""
    if getattr(sender, "PLAN_PATH", None) is None:
        return
    plan = instance if isinstance(instance, Plan) else instance.owning_plan()
    if plan is None or plan.pk is None:
        return
    status = frozen_status(plan.pk)
    if status is None:
        return
    if status == Plan.Status.PUBLISHED and getattr(sender, "LIVE_WHILE_PUBLISHED", False):
        return
    if getattr(sender, "LIVE_WHILE_PUBLISHED", False):
        raise PlanFrozenError(*superseded_problem(plan))
    raise PlanFrozenError(*frozen_problem(plan))


def guard_deletes(*senders: type[models.Model], refuse: Callable[..., None] = _refuse_frozen_delete) -> None:
    """Refuse deletes of these models' frozen rows, cascades included.

    ``refuse(sender, instance)`` raises when ``instance`` may not go; by default, when it
    belongs to a frozen plan version.
    """
    for sender in senders:
        pre_delete.connect(refuse, sender=sender, dispatch_uid=f"frozen-{sender._meta.label}")


guard_deletes(
    Plan,
    Publication,
    PlanVersion,
    Priority,
    PriorityPlace,
    AtRiskGroup,
    Action,
    ProgressUpdate,
    Risk,
    Governance,
    PartnerPlan,
    Workstream,
    Commitment,
    RiskReview,
)


def frozen_plans_led_by(organisation: Organisation) -> list[Plan]:
    """The published or superseded plan versions with an action ``organisation`` leads."""
    plan_pks = (
        Action._base_manager.filter(lead_organisation_id=organisation.pk)
        .values_list("priority__plan", flat=True)
        .distinct()
    )
    plans = Plan._base_manager.filter(pk__in=plan_pks).order_by("title", "pk")
    return [plan for plan in plans if frozen_status(plan.pk) is not None]


def organisation_problem(organisation: Organisation, plans: list[Plan]) -> tuple[str, str]:
    """The two sentences a refused deletion of an organisation that leads actions of frozen plans says."""
    named = "; ".join(f"“{plan.title}” ({plan.version_name})" for plan in plans)
    verb = "is" if len(plans) == 1 else "are"
    return (
        f"{organisation.name} cannot be deleted because it leads actions in {named}, which {verb} published "
        "or superseded, and deleting it would blank those actions' lead organisation.",
        "Keep the organisation, and choose another lead for the actions of draft plans instead.",
    )


def _refuse_organisation_delete(sender: type[models.Model], instance: Organisation, **kwargs: Any) -> None:
    """Refuse deleting an organisation a frozen plan names as an action's lead (SET_NULL runs in SQL)."""
    plans = frozen_plans_led_by(instance)
    if plans:
        raise PlanFrozenError(*organisation_problem(instance, plans))


guard_deletes(Organisation, refuse=_refuse_organisation_delete)
