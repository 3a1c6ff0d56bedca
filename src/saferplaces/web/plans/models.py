"""Plans and what they hold: priorities, places, delivery actions, risks, governance."""

from __future__ import annotations

import re

from django.conf import settings
from django.db import models

from saferplaces.web.partnerships.models import Board, Organisation, Partnership
from saferplaces.web.validation import LONG_TEXT, PLAUSIBLE_DATE


class CurrentManager(models.Manager):
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
    all_objects = models.Manager()

    class Meta:
        abstract = True


class Plan(models.Model):
    """A partnership's community safety plan, strategy or agreement for a span of years."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

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

    class Meta:
        ordering = ["partnership", "-start_year"]
        constraints = [models.UniqueConstraint(fields=["partnership", "slug"], name="unique_plan_slug")]

    def __str__(self) -> str:
        return self.title

    @property
    def period(self) -> str:
        return f"{self.start_year} to {self.end_year}"

    @property
    def source_document(self) -> str:
        """The source's document name, without the transcription's file reference in brackets."""
        return re.sub(r"\s*\((?:shared/)?seeds/[^)]*\)\s*$", "", self.source)


class PlanVersion(models.Model):
    """A refresh or revision of a plan, with what changed."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions")
    label = models.CharField(max_length=200, help_text="For example, Refresh April 2023.")
    date = models.DateField(validators=PLAUSIBLE_DATE, null=True, blank=True)
    what_changed = models.TextField(max_length=LONG_TEXT, blank=True)

    class Meta:
        ordering = ["plan", "date", "id"]

    def __str__(self) -> str:
        return self.label


class Priority(Retirable):
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

    class Meta:
        ordering = ["plan", "order", "id"]
        verbose_name_plural = "priorities"

    def __str__(self) -> str:
        return self.title


class PriorityPlace(Retirable):
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


class AtRiskGroup(models.Model):
    """A group of people a plan names as at greatest risk."""

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


class Action(Retirable):
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

    objects = CurrentActionManager()
    all_objects = models.Manager()

    class Meta:
        ordering = ["priority", "order", "id"]

    def __str__(self) -> str:
        return self.action or f"Action {self.order} under {self.priority}"


class ProgressUpdate(models.Model):
    """A dated note of progress on an action."""

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


class Risk(Retirable):
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

    class Meta:
        ordering = ["plan", "order", "id"]

    def __str__(self) -> str:
        return self.risk


class Governance(models.Model):
    """A row of a plan's governance table: theme, board and who reports on performance."""

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


class PartnerPlan(models.Model):
    """Another body's plan a partnership plan links to, such as the Police and Crime Plan."""

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


class Workstream(models.Model):
    """A strand of work in a plan, with its aims."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="workstreams")
    order = models.PositiveIntegerField(default=0)
    name = models.CharField(max_length=200)
    description = models.TextField(max_length=LONG_TEXT, blank=True)
    aims = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["plan", "order", "id"]

    def __str__(self) -> str:
        return self.name


class Commitment(models.Model):
    """A 'we will' commitment under a workstream, for an audience."""

    workstream = models.ForeignKey(Workstream, on_delete=models.CASCADE, related_name="commitments")
    order = models.PositiveIntegerField(default=0)
    audience = models.CharField(max_length=200, blank=True)
    text = models.TextField(max_length=LONG_TEXT)

    class Meta:
        ordering = ["workstream", "order", "id"]

    def __str__(self) -> str:
        return self.text


class RiskReview(models.Model):
    """A dated reading of a risk's impact, likelihood and status: the register's history.

    The audit trail records when a change was typed in; a review records the date the risk
    was assessed, so a board pack can set a risk's score this quarter against last quarter
    (issue 11). Saving a risk through its form records a review dated today.
    """

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

    @property
    def score(self) -> int:
        """0 (low impact, low likelihood) to 4 (high, high), as the heatmap scores a cell."""
        order = [Risk.Level.LOW, Risk.Level.MEDIUM, Risk.Level.HIGH]
        return order.index(self.impact) + order.index(self.likelihood)
