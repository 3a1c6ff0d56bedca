from __future__ import annotations

from django.urls import path

from saferplaces.web.plans import views

urlpatterns = [
    path("partnerships/<slug:slug>/plans/<slug:plan_slug>/", views.plan_detail, name="plan"),
    path("partnerships/<slug:slug>/plans/<slug:plan_slug>.json", views.plan_json, name="plan-json"),
    path("partnerships/<slug:slug>/plans/<slug:plan_slug>.csv", views.plan_csv, name="plan-csv"),
    path("partnerships/<slug:slug>/plans/<slug:plan_slug>.xlsx", views.plan_xlsx, name="plan-xlsx"),
]
