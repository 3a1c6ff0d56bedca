from __future__ import annotations

from django.urls import path

from saferplaces.web.projects import views

PROJECT = "partnerships/<slug:slug>/projects/<int:project_id>/"

urlpatterns = [
    path(PROJECT, views.project_detail, name="project"),
    path(PROJECT + "returns/new/", views.return_new, name="return-new"),
]
