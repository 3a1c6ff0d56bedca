from __future__ import annotations

from django.contrib import admin

from saferplaces.web.audit.admin import AuditedAdmin
from saferplaces.web.projects.models import FundingStream, Project, QuarterlyReturn

admin.site.register([FundingStream, Project, QuarterlyReturn], AuditedAdmin)
