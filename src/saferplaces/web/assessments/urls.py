from __future__ import annotations

from django.urls import path

from saferplaces.web.assessments import views

ONE = "partnerships/<slug:slug>/assessments/<int:assessment_id>/"

urlpatterns = [
    path("partnerships/<slug:slug>/assessments/", views.assessment_list, name="assessments"),
    path("partnerships/<slug:slug>/assessments/new/", views.assessment_new, name="assessment-new"),
    path(ONE, views.assessment_detail, name="assessment"),
    path(ONE + "report.html", views.assessment_report, name="assessment-report"),
    path(ONE + "assessment.<str:fmt>", views.assessment_file, name="assessment-file"),
    path(ONE + "compare/", views.assessment_compare, name="assessment-compare"),
    path(ONE + "adopt/", views.assessment_adopt, name="assessment-adopt"),
    path(
        "partnerships/<slug:slug>/priorities/adopt-for-a-reason/",
        views.adopt_for_reason,
        name="adopt-for-reason",
    ),
    path(
        "partnerships/<slug:slug>/plans/<slug:plan_slug>/priorities/<int:priority_id>/why/",
        views.priority_why,
        name="priority-why",
    ),
]
