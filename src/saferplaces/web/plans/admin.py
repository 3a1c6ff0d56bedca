from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from saferplaces.web.audit.admin import AuditedAdmin
from saferplaces.web.plans.models import (
    Action,
    AtRiskGroup,
    Commitment,
    Governance,
    PartnerPlan,
    Plan,
    PlanVersion,
    Priority,
    PriorityPlace,
    ProgressUpdate,
    Publication,
    Risk,
    Workstream,
)


@admin.register(Plan)
class PlanAdmin(AuditedAdmin):
    list_display = ["title", "partnership", "start_year", "end_year", "status"]
    list_filter = ["status", "partnership"]
    # A version is published only by publish_plan (the plan page's Publish), which records who,
    # when and the board's decision; the admin shows the status and never changes it (ADR 0025).
    readonly_fields = ["status"]

    def has_delete_permission(self, request: HttpRequest, obj: Plan | None = None) -> bool:
        # a published or superseded version is never deleted (the model refuses it too)
        return super().has_delete_permission(request, obj) and not (obj is not None and obj.is_frozen)


@admin.register(Publication)
class PublicationAdmin(AuditedAdmin):
    """Publications are read here, never written: publish_plan writes them, and they never change."""

    list_display = ["plan", "published_at", "decision_date"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Action)
class ActionAdmin(AuditedAdmin):
    list_display = ["__str__", "priority", "rag", "due_date"]
    list_filter = ["rag", "priority__plan"]


@admin.register(Risk)
class RiskAdmin(AuditedAdmin):
    list_display = ["risk", "plan", "impact", "likelihood", "status"]
    list_filter = ["impact", "likelihood", "status", "plan"]


admin.site.register(
    [
        AtRiskGroup,
        Commitment,
        Governance,
        PartnerPlan,
        PlanVersion,
        Priority,
        PriorityPlace,
        ProgressUpdate,
        Workstream,
    ],
    AuditedAdmin,
)
