"""A strategic assessment built in the application: an immutable, versioned record and its files."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from saferplaces.web.partnerships.models import Partnership


class Assessment(models.Model):
    """One build of the strategic assessment of an area for a period (issue #10, section 2).

    Never changed after it is saved: a new build of the same area and period is a new
    version. The report files are in ``folder`` under the store's ``web-assessments``.
    """

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="assessments")
    version = models.PositiveIntegerField(
        help_text="1 for the first build of this area and period, and so on."
    )
    area_query = models.CharField(max_length=200, help_text="The area as it was asked for.")
    area_code = models.CharField(max_length=20)
    area_name = models.CharField(max_length=200)
    period_query = models.CharField(max_length=100, help_text="The period as it was asked for.")
    period_label = models.CharField(max_length=200)
    options = models.JSONField(default=dict, blank=True, help_text="Comparison, extract and weights.")
    snapshot_id = models.CharField(
        max_length=100, blank=True, help_text="The data store snapshot it read, when the store gives one."
    )
    code_version = models.CharField(max_length=50)
    built_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    built_by_name = models.CharField(max_length=300, blank=True)
    built_at = models.DateTimeField(auto_now_add=True)
    folder = models.CharField(max_length=200, help_text="Its folder under web-assessments in the store.")
    formats = models.JSONField(default=list)
    findings = models.JSONField(default=list, blank=True, help_text="The first findings, as sentences.")

    class Meta:
        ordering = ["-built_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "area_code", "period_label", "version"], name="one_assessment_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.area_name}, {self.period_label} (version {self.version})"
