"""The residents' pages, mounted twice: in English at /public/ and in Welsh at /cy/public/."""

from __future__ import annotations

from django.urls import path

from saferplaces.web.public import views

urlpatterns = [
    path("", views.home, name="home"),
    path("partnerships.json", views.home_json, name="home-json"),
    path("partnerships.csv", views.home_csv, name="home-csv"),
    path("find/", views.find, name="find"),
    path("find.json", views.find_json, name="find-json"),
    path("find.csv", views.find_csv, name="find-csv"),
    path("<slug:slug>/", views.partnership, name="partnership"),
    path("<slug:slug>.json", views.partnership_json, name="partnership-json"),
    path("<slug:slug>.csv", views.partnership_csv, name="partnership-csv"),
    path("<slug:slug>/local-picture/", views.local_picture, name="local-picture"),
    path("<slug:slug>/local-picture.json", views.local_picture_json, name="local-picture-json"),
    path("<slug:slug>/local-picture.csv", views.local_picture_csv, name="local-picture-csv"),
    path(
        "<slug:slug>/local-picture-months.csv",
        views.local_picture_months_csv,
        name="local-picture-months-csv",
    ),
    path("<slug:slug>/plan/", views.plan, name="plan"),
    path("<slug:slug>/plan.json", views.plan_json, name="plan-json"),
    path("<slug:slug>/plan.csv", views.plan_csv, name="plan-csv"),
    path("<slug:slug>/progress/", views.progress, name="progress"),
    path("<slug:slug>/progress.json", views.progress_json, name="progress-json"),
    path("<slug:slug>/progress.csv", views.progress_csv, name="progress-csv"),
    path("<slug:slug>/progress/easy-read/", views.easy_read, name="easy-read"),
    path("<slug:slug>/progress/easy-read.pdf", views.easy_read_pdf, name="easy-read-pdf"),
    path("<slug:slug>/updates.atom", views.updates_feed, name="updates-feed"),
    path("<slug:slug>/targets/", views.targets, name="targets"),
    path("<slug:slug>/targets.json", views.targets_json, name="targets-json"),
    path("<slug:slug>/targets.csv", views.targets_csv, name="targets-csv"),
    path("<slug:slug>/help/", views.help_page, name="help"),
    path("<slug:slug>/help.json", views.help_json, name="help-json"),
    path("<slug:slug>/help.csv", views.help_csv, name="help-csv"),
]
