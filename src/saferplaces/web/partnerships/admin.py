from __future__ import annotations

from django.contrib import admin

from saferplaces.web.audit.admin import AuditedAdmin
from saferplaces.web.partnerships.models import Board, Membership, Organisation, Partnership, Person


@admin.register(Partnership)
class PartnershipAdmin(AuditedAdmin):
    list_display = ["name", "kind", "area_name", "parent"]
    prepopulated_fields = {"slug": ["name"]}


admin.site.register([Organisation, Membership, Board, Person], AuditedAdmin)
