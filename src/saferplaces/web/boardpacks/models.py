"""Quarterly board packs (issue 11, section 1): a draft the administrator edits, then a signed-off record.

A pack's ``content`` is every fact it shows, gathered once from the plan and the data store
and frozen as JSON (the plan may change afterwards; the pack does not). Only the asks (what
the board is asked to do about each exception) are edited, and only while it is a draft.
Signing off writes the final files (HTML, PDF, DOCX) once; from then on the pack and its
files refuse every change, as the assessments' frozen records do, on every ORM path: the bulk
paths and cascades are guarded as the plan models' are (ADR 0025, ADR 0026).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from saferplaces.web.assessments.models import FrozenRecordError
from saferplaces.web.partnerships.models import Partnership
from saferplaces.web.plans.models import FreezeGuardedQuerySet, Plan, guard_deletes
from saferplaces.web.projects.quarters import Quarter
from saferplaces.web.work.models import Job


def _signed_off_problem(what: str) -> FrozenRecordError:
    """The error a change to a signed-off pack or its files raises: ``what`` is "changed" or "deleted"."""
    if what == "deleted":
        return FrozenRecordError(
            "A signed-off board pack and its files cannot be deleted.",
            "Keep them: they are the board's record.",
        )
    return FrozenRecordError(
        "A signed-off board pack and its files cannot be changed.",
        "Build a new pack for the quarter instead.",
    )


class BoardPackQuerySet(FreezeGuardedQuerySet):
    """``update()``, ``bulk_update()`` and ``delete()`` refuse signed-off packs, as ``save()`` does."""

    def refuse_rows(self, fields: set[str] | None, values: dict[str, Any]) -> None:
        if self.filter(status=BoardPack.Status.SIGNED_OFF).exists():
            raise _signed_off_problem("deleted" if fields is None else "changed")


class BoardPackFileQuerySet(FreezeGuardedQuerySet):
    """The bulk paths refuse a signed-off pack's files, and adding a file to one."""

    def refuse_rows(self, fields: set[str] | None, values: dict[str, Any]) -> None:
        if self.filter(pack__status=BoardPack.Status.SIGNED_OFF).exists():
            raise _signed_off_problem("deleted" if fields is None else "changed")

    def refuse_new(self, obj: models.Model) -> None:
        if isinstance(obj, BoardPackFile) and obj._frozen():
            raise _signed_off_problem("changed")


class BoardPack(models.Model):
    """One quarter's board pack for a plan."""

    objects = BoardPackQuerySet.as_manager()

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SIGNED_OFF = "signed_off", "Signed off"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="board_packs")
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="board_packs")
    year = models.PositiveSmallIntegerField(help_text="The calendar year the financial year starts in.")
    quarter = models.PositiveSmallIntegerField(help_text="1 (April to June) to 4 (January to March).")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    content = models.JSONField(default=dict, help_text="Every fact the pack shows, frozen when it was built.")
    snapshot_id = models.CharField(max_length=100, blank=True, help_text="The data store snapshot it read.")
    generated_at = models.DateTimeField()
    generated_by_name = models.CharField(max_length=300, blank=True)
    job = models.ForeignKey(Job, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_off_by_name = models.CharField(max_length=300, blank=True)
    signed_off_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["plan", "-year", "-quarter", "-generated_at", "-id"]

    def __str__(self) -> str:
        return f"Board pack, {self.quarter_label}, {self.plan}"

    @property
    def the_quarter(self) -> Quarter:
        return Quarter(self.year, self.quarter)

    @property
    def quarter_label(self) -> str:
        return self.the_quarter.label

    @property
    def signed_off(self) -> bool:
        return self.status == self.Status.SIGNED_OFF

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            stored = type(self)._base_manager.filter(pk=self.pk).values_list("status", flat=True).first()
            if stored == self.Status.SIGNED_OFF:
                raise FrozenRecordError(
                    "This board pack is signed off and cannot be changed.",
                    "Build a new pack for the quarter instead.",
                )
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self.signed_off:
            raise FrozenRecordError(
                "This board pack is signed off and cannot be deleted.", "Keep it: it is the board's record."
            )
        return super().delete(*args, **kwargs)


class BoardPackFile(models.Model):
    """One of a pack's files, as written: a draft's are replaced when it is remade; a signed pack's never."""

    CONTENT_TYPES = {
        "html": "text/html; charset=utf-8",
        "pdf": "application/pdf",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    }

    objects = BoardPackFileQuerySet.as_manager()

    pack = models.ForeignKey(BoardPack, on_delete=models.CASCADE, related_name="files")
    format = models.CharField(max_length=10, choices=[(k, k.upper()) for k in CONTENT_TYPES])
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    content_sha256 = models.CharField(
        max_length=64, blank=True, help_text="The digest of the pack content the file was written from."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["pack", "format"], name="one_board_pack_file_per_format")
        ]

    def __str__(self) -> str:
        return f"{self.pack} ({self.format})"

    def _frozen(self) -> bool:
        return BoardPack._base_manager.filter(pk=self.pack_id, status=BoardPack.Status.SIGNED_OFF).exists()

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._frozen():  # a new file would change the signed record as much as an edited one
            raise FrozenRecordError(
                "A signed-off board pack's files cannot be changed.",
                "Build a new pack for the quarter instead.",
            )
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self._frozen():
            raise FrozenRecordError(
                "A signed-off board pack's files cannot be deleted.",
                "Keep them: they are the board's record.",
            )
        return super().delete(*args, **kwargs)


def _refuse_signed_off_delete(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    """Refuse deleting a signed-off pack or its files however it comes: a queryset, or a cascade from
    the plan, the partnership or the pack."""
    pack_pk = instance.pk if isinstance(instance, BoardPack) else getattr(instance, "pack_id", None)
    if BoardPack._base_manager.filter(pk=pack_pk, status=BoardPack.Status.SIGNED_OFF).exists():
        raise _signed_off_problem("deleted")


guard_deletes(BoardPack, BoardPackFile, refuse=_refuse_signed_off_delete)
