"""A piece of long work run by the worker: who started it, for which partnership, and how far it got."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from saferplaces.web.partnerships.models import Partnership


class Job(models.Model):
    """Long work (a refresh, an import, an assessment build) run by ``saferplaces worker``.

    The page that started it shows its progress from this row; the work's own writes are
    made in one transaction at the end, so a job that fails leaves nothing half-written.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Finished"
        FAILED = "failed", "Failed"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="jobs")
    kind = models.CharField(max_length=50, help_text="The kind of work, a key of the runner registry.")
    title = models.CharField(max_length=300)
    params = models.JSONField(default=dict, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="jobs"
    )
    started_by_name = models.CharField(max_length=300, blank=True)
    started_at = models.DateTimeField(auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    steps_done = models.PositiveIntegerField(default=0)
    steps_total = models.PositiveIntegerField(default=1)
    step_text = models.CharField(max_length=300, blank=True)
    result_text = models.TextField(blank=True, max_length=5000)
    result_url = models.CharField(max_length=500, blank=True)
    result_link_text = models.CharField(max_length=200, blank=True)
    error = models.CharField(max_length=1000, blank=True)
    back_url = models.CharField(max_length=500, blank=True, help_text="The page that started the work.")
    snapshot_id = models.CharField(
        max_length=100,
        blank=True,
        help_text="The data store snapshot the work read, when the store gives one.",
    )
    task_id = models.CharField(max_length=64, blank=True, help_text="The task backend's id for the run.")
    worker_host = models.CharField(
        max_length=255, blank=True, help_text="The machine of the worker running it."
    )
    worker_pid = models.PositiveIntegerField(null=True, blank=True, help_text="The worker's process id.")
    heartbeat_at = models.DateTimeField(
        null=True, blank=True, help_text="When the worker last said it was still running the work."
    )
    retry_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="retries",
        help_text="The failed task this one runs again.",
    )

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def finished(self) -> bool:
        return self.status in {self.Status.SUCCEEDED, self.Status.FAILED}

    @property
    def percent(self) -> int:
        if self.status == self.Status.SUCCEEDED:
            return 100
        return round(100 * min(self.steps_done, self.steps_total) / max(self.steps_total, 1))
