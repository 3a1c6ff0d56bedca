from __future__ import annotations

from django.contrib import admin

from saferplaces.web.audit.admin import AuditedAdmin
from saferplaces.web.performance.models import Target, TargetValue


class TargetValueInline(admin.TabularInline):
    model = TargetValue
    extra = 0


@admin.register(Target)
class TargetAdmin(AuditedAdmin):
    list_display = ["description", "plan", "source", "direction", "baseline_text", "baseline_period"]
    inlines = [TargetValueInline]
