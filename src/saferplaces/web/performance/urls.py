from __future__ import annotations

from django.urls import path

from saferplaces.web.performance import views

PLAN = "partnerships/<slug:slug>/plans/<slug:plan_slug>/"

urlpatterns = [
    path(PLAN + "targets/", views.targets_list, name="targets"),
    path(PLAN + "targets/<int:target_id>/", views.target_detail, name="target"),
    path(PLAN + "targets/<int:target_id>/refresh/", views.target_refresh, name="target-refresh"),
]
