"""Helpers shared by the import and export tests: users, uploads and a snapshot of the database."""

from __future__ import annotations

import io
from typing import Any

from django.apps import apps
from django.contrib.auth.models import User
from django.core import serializers
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client
from openpyxl import load_workbook

from saferplaces.web.accounts.models import Role
from saferplaces.web.partnerships.models import Partnership

LICHFIELD = "/partnerships/lichfield/plans/2022-2025/"
EAST_STAFFS = "/partnerships/east-staffordshire/plans/2018-2021/"
#: Every seed plan, with the kinds it has records of.
SEED_PLANS = {
    LICHFIELD: ("actions",),
    EAST_STAFFS: ("targets", "risks"),
    "/partnerships/stafford/plans/2020-2024/": (),
    "/partnerships/staffordshire/plans/2023-2026/": (),
}


def database() -> dict[str, str]:
    """Every row of every table the app keeps, as JSON text per model, to compare before and after."""
    data = {}
    for label in ("accounts", "partnerships", "plans", "performance", "projects", "audit", "auth"):
        for model in apps.get_app_config(label).get_models():
            data[model._meta.label] = serializers.serialize("json", model.objects.order_by("pk"))
    return data


def administrator(*slugs: str, username: str = "admin") -> User:
    """A user who administers the partnerships named."""
    user = User.objects.create_user(username=username, password="x", first_name="Ann", last_name="Admin")
    for slug in slugs:
        Role.objects.create(
            user=user, partnership=Partnership.objects.get(slug=slug), name=Role.Name.ADMINISTRATOR
        )
    return user


def admin_client(*slugs: str) -> Client:
    client = Client()
    client.force_login(administrator(*slugs or ("lichfield", "east-staffordshire")))
    return client


def upload(client: Client, plan_url: str, name: str, data: bytes, kind: str) -> HttpResponse:
    """Post a file to a plan's import page, following the redirect to the check page."""
    return client.post(
        plan_url + "import/", {"file": SimpleUploadedFile(name, data), "kind": kind}, follow=True
    )


def confirm(client: Client, plan_url: str) -> HttpResponse:
    """Press "Confirm import" on the check page, with the token the page holds."""
    page = client.get(plan_url + "import/check/").content.decode()
    token = page.split('name="token" value="')[1].split('"')[0]
    return client.post(plan_url + "import/check/", {"token": token}, follow=True)


def export(client: Client, plan_url: str, kind: str, fmt: str) -> bytes:
    response = client.get(f"{plan_url}export/{kind}.{fmt}")
    assert response.status_code == 200
    return response.content


def sheet_rows(data: bytes) -> list[list[Any]]:
    """The cell values of an XLSX file's first sheet."""
    book = load_workbook(io.BytesIO(data))
    return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]


def html(response: HttpResponse) -> str:
    return response.content.decode()
