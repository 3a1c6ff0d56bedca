from __future__ import annotations

from django.urls import path

from saferplaces.web.plans import delivery_views, manage_views, risk_views, views, year_views

PLAN = "partnerships/<slug:slug>/plans/<slug:plan_slug>/"

urlpatterns = [
    path(PLAN, views.plan_detail, name="plan"),
    path("partnerships/<slug:slug>/plans/<slug:plan_slug>.json", views.plan_json, name="plan-json"),
    path("partnerships/<slug:slug>/plans/<slug:plan_slug>.csv", views.plan_csv, name="plan-csv"),
    path("partnerships/<slug:slug>/plans/<slug:plan_slug>.xlsx", views.plan_xlsx, name="plan-xlsx"),
    path(PLAN + "delivery/", delivery_views.delivery, name="delivery"),
    path(PLAN + "actions/<int:action_id>/update/", delivery_views.action_update, name="action-update"),
    path(PLAN + "risks/", risk_views.risks, name="risks"),
    path(PLAN + "risks/new/", risk_views.risk_new, name="risk-new"),
    path(PLAN + "risks/<int:risk_id>/edit/", risk_views.risk_edit, name="risk-edit"),
    path(PLAN + "manage/", manage_views.manage, name="manage"),
    path(PLAN + "manage/<slug:section>/", manage_views.manage_list, name="manage-list"),
    path(PLAN + "manage/<slug:section>/new/", manage_views.manage_new, name="manage-new"),
    path(PLAN + "manage/<slug:section>/<int:record_id>/edit/", manage_views.manage_edit, name="manage-edit"),
    path(PLAN + "manage/<slug:section>/<int:record_id>/move/", manage_views.manage_move, name="manage-move"),
    path(
        PLAN + "manage/<slug:section>/<int:record_id>/retire/",
        manage_views.manage_retire,
        name="manage-retire",
    ),
    path(PLAN + "review/<int:year>/", year_views.review, name="plan-review"),
    path(PLAN + "next-year/", year_views.next_year, name="plan-next-year"),
    path(PLAN + "refresh/", year_views.refresh, name="plan-refresh"),
    path(PLAN + "publish/", year_views.publish, name="plan-publish"),
    path("my-actions/", delivery_views.my_actions, name="my-actions"),
]
