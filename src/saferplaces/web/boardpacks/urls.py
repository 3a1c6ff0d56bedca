from __future__ import annotations

from django.urls import path

from saferplaces.web.boardpacks import views

ONE = "partnerships/<slug:slug>/board-packs/<int:pack_id>/"

urlpatterns = [
    path("partnerships/<slug:slug>/board-packs/", views.pack_list, name="board-packs"),
    path("partnerships/<slug:slug>/board-packs/new/", views.pack_new, name="board-pack-new"),
    path(ONE, views.pack_detail, name="board-pack"),
    path(ONE + "pack.html", views.pack_report, name="board-pack-report"),
    path(ONE + "board-pack.<str:fmt>", views.pack_file, name="board-pack-file"),
    path(ONE + "asks/", views.pack_asks, name="board-pack-asks"),
    path(ONE + "sign-off/", views.pack_sign_off, name="board-pack-sign-off"),
]
