from __future__ import annotations

from django.contrib import admin

from saferplaces.web.accounts.models import Role
from saferplaces.web.audit.admin import AuditedAdmin


@admin.register(Role)
class RoleAdmin(AuditedAdmin):
    list_display = ["user", "partnership", "name"]
    list_filter = ["name", "partnership"]
