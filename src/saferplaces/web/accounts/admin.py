from __future__ import annotations

from django.contrib import admin

from saferplaces.web.accounts.models import Role


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["user", "partnership", "name"]
    list_filter = ["name", "partnership"]
