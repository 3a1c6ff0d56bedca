from __future__ import annotations

from django.urls import path

from saferplaces.web.plans import views

urlpatterns = [
    path("partnerships/<slug:slug>/plans/<slug:plan_slug>/", views.plan_detail, name="plan"),
]
