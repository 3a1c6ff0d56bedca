"""URL routes: one include per journey."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path


def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    """The icon, for browsers that ask for /favicon.ico (Django's admin pages name no icon)."""
    return HttpResponsePermanentRedirect(static("saferplaces/favicon.svg"))


urlpatterns = [
    path("", include("saferplaces.web.partnerships.urls")),
    path("", include("saferplaces.web.plans.urls")),
    path("", include("saferplaces.web.projects.urls")),
    path("", include("saferplaces.web.performance.urls")),
    path("", include("saferplaces.web.accounts.urls")),
    path("", include("saferplaces.web.audit.urls")),
    path("", include("saferplaces.web.transfers.urls")),
    path("public/", include(("saferplaces.web.public.urls", "public"), namespace="public")),
    path("cy/public/", include(("saferplaces.web.public.urls", "public"), namespace="public-cy")),
    path("", include("saferplaces.web.public.manage_urls")),
    path("api/", include("saferplaces.web.api.urls")),
    path("", include("saferplaces.web.work.urls")),
    path("", include("saferplaces.web.assessments.urls")),
    path("", include("saferplaces.web.boardpacks.urls")),
    path("admin/", admin.site.urls),
    path("favicon.ico", favicon),
]

# GOV.UK "page not found" and "problem with the service" pages, in Welsh under /cy/public/.
handler404 = "saferplaces.web.public.errors.not_found"
handler500 = "saferplaces.web.public.errors.server_error"
