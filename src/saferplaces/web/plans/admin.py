from __future__ import annotations

from django.contrib import admin

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
    Risk,
    Workstream,
)


@admin.register(Plan)
class PlanAdmin(AuditedAdmin):
    list_display = ["title", "partnership", "start_year", "end_year", "status"]
    list_filter = ["status", "partnership"]


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
