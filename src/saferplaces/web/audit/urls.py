from __future__ import annotations

from django.urls import path

from saferplaces.web.audit import views

urlpatterns = [
    path("partnerships/<slug:slug>/history/", views.history, name="history"),
]
