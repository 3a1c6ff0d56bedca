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
]
