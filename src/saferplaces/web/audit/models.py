"""One row per change: the audit trail issue #5 asks for (who, when, before, after)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from saferplaces.web.partnerships.models import Partnership


class AuditEntry(models.Model):
    """A change to one record: who made it, when, how, and the record's fields before and after.

    Entries are never edited or deleted by the application; the user's name is copied so
    the trail still reads when an account is removed.
    """

    class Kind(models.TextChoices):
        CREATED = "created", "Created"
        CHANGED = "changed", "Changed"
        DELETED = "deleted", "Deleted"

    when = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    user_name = models.CharField(max_length=300, blank=True)
    partnership = models.ForeignKey(
        Partnership, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_entries"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    model = models.CharField(max_length=100, help_text="The record's type, as app_label.model.")
    object_id = models.CharField(max_length=50)
    object_repr = models.CharField(max_length=300)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    via = models.CharField(
        max_length=100, blank=True, help_text="Where the change came from: a form, an import, the admin."
    )

    class Meta:
        ordering = ["-when", "-id"]
        verbose_name_plural = "audit entries"
        indexes = [models.Index(fields=["model", "object_id"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.model} {self.object_id} by {self.user_name or 'nobody'}"

    def changes(self) -> list[tuple[str, object, object]]:
        """(field, before, after) for each field whose value differs, in field order."""
        before, after = self.before or {}, self.after or {}
        names = list(before) + [name for name in after if name not in before]
        return [
            (name, before.get(name), after.get(name)) for name in names if before.get(name) != after.get(name)
        ]
