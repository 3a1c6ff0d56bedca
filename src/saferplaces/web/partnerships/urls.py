from __future__ import annotations

from django.urls import path

from saferplaces.web.partnerships import members, views

urlpatterns = [
    path("", views.home, name="home"),
    path("partnerships/<slug:slug>/", views.partnership_detail, name="partnership"),
    path("partnerships/<slug:slug>/dashboard/", views.dashboard, name="dashboard"),
    path("partnerships/<slug:slug>/people/", members.members, name="members"),
    path(
        "partnerships/<slug:slug>/people/roles/<int:role_id>/remove/", members.remove_role, name="remove-role"
    ),
    path("partnerships/<slug:slug>/people/<int:user_id>/remove/", members.deactivate, name="deactivate"),
    path("invitations/<str:uidb64>/<str:token>/", members.invitation, name="invitation"),
]
