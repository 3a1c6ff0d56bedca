"""Strategic assessments built in the application, and the evidence a priority was adopted on.

Both are frozen records (issue #10, sections 2 and 3; DESIGN.md convention 15): once saved,
neither is changed or deleted through the ORM. A new build of the same area and period is a
new version; a priority adopted again is a new record beside the old one.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from saferplaces.errors import SaferPlacesError
from saferplaces.web.partnerships.models import Partnership
from saferplaces.web.plans.models import Priority
from saferplaces.web.validation import LONG_TEXT
from saferplaces.web.work.models import Job


class FrozenRecordError(SaferPlacesError):
    """A frozen record was asked to change."""


class FrozenQuerySet(models.QuerySet):
    """``objects.filter(...).update()`` and ``.delete()`` refuse, as ``save()`` and ``delete()`` do.

    Deleting a partnership still removes its records: Django's cascade goes through the
    base manager, not this one.
    """

    def update(self, **kwargs: Any) -> int:
        raise FrozenRecordError(
            f"{self.model._meta.verbose_name_plural.capitalize()} are frozen and cannot be changed.",
            "Build a new version, or record a new decision, instead.",
        )

    def delete(self) -> tuple[int, dict[str, int]]:
        raise FrozenRecordError(
            f"{self.model._meta.verbose_name_plural.capitalize()} are frozen and cannot be deleted.",
            "Keep them: later versions and decisions refer to them.",
        )


class Frozen(models.Model):
    """A record that is written once and never changed or deleted afterwards."""

    objects = FrozenQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and type(self)._base_manager.filter(pk=self.pk).exists():
            raise FrozenRecordError(
                f"This {self._meta.verbose_name} is frozen and cannot be changed.",
                "Build a new version, or record a new decision, instead.",
            )
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise FrozenRecordError(
            f"This {self._meta.verbose_name} is frozen and cannot be deleted.",
            "Keep it: later versions and decisions refer to it.",
        )


class Assessment(Frozen):
    """One build of a strategic assessment: what was asked for, what it read, and what it found.

    ``data`` is the assessment as the CLI's JSON file holds it
    (:meth:`saferplaces.assessment.model.StrategicAssessment.to_dict`); the report files
    are :class:`AssessmentFile` rows.
    """

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="assessments")
    area_code = models.CharField(max_length=20)
    area_name = models.CharField(max_length=200)
    area_level = models.CharField(max_length=20)
    period = models.CharField(max_length=40, help_text="The period as entered, such as 2025 or 2024/25.")
    period_label = models.CharField(max_length=200)
    compare = models.CharField(max_length=20, default="previous")
    extract = models.CharField(max_length=200, blank=True, help_text="The partner extract held in the store.")
    weights = models.JSONField(default=dict, blank=True, help_text="The priority-scoring weights used.")
    version = models.PositiveIntegerField(
        default=1, help_text="Builds of this area and period, counting this."
    )
    snapshot_id = models.CharField(max_length=100, blank=True, help_text="The store snapshot it read.")
    code_version = models.CharField(max_length=50)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by_name = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    job = models.ForeignKey(Job, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    data = models.JSONField(default=dict)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "area_code", "period_label", "version"],
                name="unique_assessment_version",
            )
        ]

    def __str__(self) -> str:
        return f"{self.area_name}, {self.period_label} (version {self.version})"

    @property
    def title(self) -> str:
        return f"Strategic assessment: {self.area_name}, {self.period_label}"


class AssessmentFile(Frozen):
    """One of an assessment's report files (HTML, PDF, DOCX, XLSX or JSON), as the build wrote it."""

    CONTENT_TYPES = {
        "html": "text/html; charset=utf-8",
        "pdf": "application/pdf",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "json": "application/json",
    }

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="files")
    format = models.CharField(max_length=10, choices=[(k, k.upper()) for k in CONTENT_TYPES])
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "format"], name="unique_assessment_file")
        ]

    def __str__(self) -> str:
        return f"{self.assessment} ({self.format})"


class PriorityEvidence(Frozen):
    """Why a plan's priority was adopted: the assessment evidence it rests on, or a reason data cannot show.

    ``evidence`` is a frozen copy of the candidate's score, component scores and sentences,
    its figures (count, rate and interval, change and its test, against the force area) and
    the findings and tables that name it, taken from the assessment when it was adopted.
    """

    class Reason(models.TextChoices):
        EVIDENCE = "evidence", "The assessment's evidence"
        STATUTORY = "statutory", "A statutory duty"
        COMMUNITY = "community", "Community concern"
        OTHER = "other", "Another reason the data cannot show"

    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="adoptions")
    assessment = models.ForeignKey(
        Assessment, null=True, blank=True, on_delete=models.RESTRICT, related_name="adoptions"
    )
    candidate = models.CharField(max_length=200, blank=True, help_text="The candidate priority's theme.")
    reason_kind = models.CharField(max_length=20, choices=Reason.choices, default=Reason.EVIDENCE)
    reason = models.TextField(max_length=LONG_TEXT, blank=True)
    evidence = models.JSONField(default=dict, blank=True)
    decided_on = models.DateField(null=True, blank=True, help_text="The board meeting that decided it.")
    minute_reference = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by_name = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "priority evidence"
        verbose_name_plural = "priority evidence"

    def __str__(self) -> str:
        return f"Why {self.priority} is a priority"
