from __future__ import annotations

from django.urls import path

from saferplaces.web.work import views

urlpatterns = [
    path("partnerships/<slug:slug>/tasks/", views.job_list, name="jobs"),
    path("partnerships/<slug:slug>/tasks/<int:job_id>/", views.job_detail, name="job"),
    path("partnerships/<slug:slug>/tasks/<int:job_id>.json", views.job_json, name="job-json"),
    path("partnerships/<slug:slug>/tasks/<int:job_id>/retry/", views.job_retry, name="job-retry"),
]
