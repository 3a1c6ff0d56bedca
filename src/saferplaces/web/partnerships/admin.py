from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from saferplaces.web.audit.admin import AuditedAdmin
from saferplaces.web.partnerships.models import Board, Membership, Organisation, Partnership, Person
from saferplaces.web.plans.models import frozen_plans_led_by, organisation_problem


@admin.register(Partnership)
class PartnershipAdmin(AuditedAdmin):
    list_display = ["name", "kind", "area_name", "parent"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    """Refuses, in the model's own two sentences, to delete an organisation a frozen plan names."""

    def _refused(self, request: HttpRequest, organisations: Any) -> bool:
        refused = False
        for organisation in organisations:
            plans = frozen_plans_led_by(organisation)
            if plans:
                self.message_user(
                    request, " ".join(organisation_problem(organisation, plans)), messages.ERROR
                )
                refused = True
        return refused

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        organisation = self.get_object(request, unquote(object_id))
        if organisation is not None and self._refused(request, [organisation]):
            return redirect("admin:partnerships_organisation_change", organisation.pk)
        return super().delete_view(request, object_id, extra_context)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            delete_selected, name, description = actions["delete_selected"]

            def guarded(modeladmin: Any, request: HttpRequest, queryset: QuerySet) -> Any:
                if self._refused(request, queryset):
                    return None  # back to the list, with the messages
                return delete_selected(modeladmin, request, queryset)

            actions["delete_selected"] = (guarded, name, description)
        return actions


admin.site.register([Membership, Board, Person], AuditedAdmin)
