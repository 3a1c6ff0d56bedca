"""The administrators' pages for a partnership's residents' site (signed in; not the public pages)."""

from __future__ import annotations

from django.urls import path

from saferplaces.web.public import manage

SITE = "partnerships/<slug:slug>/public-site/"

urlpatterns = [
    path(SITE, manage.overview, name="public-site"),
    path(SITE + "contact/", manage.contact, name="public-site-contact"),
    path(SITE + "help/new/", manage.help_new, name="public-site-help-new"),
    path(SITE + "help/<int:link_id>/edit/", manage.help_edit, name="public-site-help-edit"),
    path(SITE + "help/<int:link_id>/remove/", manage.help_delete, name="public-site-help-remove"),
    path(SITE + "updates/<int:update_id>/", manage.update_summary, name="public-site-update"),
]
