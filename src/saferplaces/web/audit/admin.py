"""The admin shows the trail read-only, and records the changes superusers make in the admin."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from saferplaces.web.audit.models import AuditEntry
from saferplaces.web.audit.trail import record, snapshot


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["when", "user_name", "kind", "model", "object_repr", "via"]
    list_filter = ["kind", "model", "partnership"]
    search_fields = ["object_repr", "user_name"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AuditedAdmin(admin.ModelAdmin):
    """A ModelAdmin whose saves and deletes go into the audit trail."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        stored = type(obj)._default_manager.filter(pk=obj.pk).first() if obj.pk else None
        self._audit_before = snapshot(stored) if stored is not None else None
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        record(
            request.user,
            form.instance,
            getattr(self, "_audit_before", None),
            snapshot(form.instance),
            via="admin",
        )

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        """Record each inline row created, changed or deleted (such as a target's values)."""
        model = formset.model
        befores = {
            f.instance.pk: snapshot(stored)
            for f in formset.forms
            if f.instance.pk and (stored := model._default_manager.filter(pk=f.instance.pk).first())
        }
        deleted = [(obj, snapshot(obj)) for obj in formset.queryset if obj.pk in _deleted_pks(formset)]
        super().save_formset(request, form, formset, change)
        for obj, before in deleted:
            record(request.user, obj, before, None, via="admin")
        for obj in list(formset.new_objects) + [changed for changed, _ in formset.changed_objects]:
            record(request.user, obj, befores.get(obj.pk), snapshot(obj), via="admin")

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        record(request.user, obj, snapshot(obj), None, via="admin")
        super().delete_model(request, obj)


def _deleted_pks(formset: Any) -> set[Any]:
    return {f.instance.pk for f in formset.forms if f.instance.pk and formset._should_delete_form(f)}
