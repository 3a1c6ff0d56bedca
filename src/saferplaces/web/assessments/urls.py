from __future__ import annotations

from django.urls import path

from saferplaces.web.assessments import views

BASE = "partnerships/<slug:slug>/assessments/"

urlpatterns = [
    path(BASE, views.assessment_list, name="assessments"),
    path(BASE + "new/", views.assessment_new, name="assessment-new"),
    path(BASE + "compare/", views.assessment_compare, name="assessment-compare"),
    path(BASE + "<int:assessment_id>/", views.assessment_detail, name="assessment"),
    path(BASE + "<int:assessment_id>/assessment.<str:fmt>", views.assessment_file, name="assessment-file"),
]
