from __future__ import annotations

from django.urls import path

from saferplaces.web.partnerships import views

urlpatterns = [
    path("", views.home, name="home"),
    path("partnerships/<slug:slug>/", views.partnership_detail, name="partnership"),
    path("partnerships/<slug:slug>/dashboard/", views.dashboard, name="dashboard"),
]
