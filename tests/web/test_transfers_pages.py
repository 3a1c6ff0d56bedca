"""Who may export and import, and the structure of the import pages and the plan page's links."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from saferplaces.web.accounts.models import Role
from saferplaces.web.partnerships.models import Partnership
from saferplaces.web.plans.models import Plan, Risk
from saferplaces.web.seeds import load_seed_plans
from tests.web.test_accessibility import assert_page_structure
from tests.web.transfers_support import EAST_STAFFS, LICHFIELD, admin_client, database, export, html, upload

pytestmark = pytest.mark.django_db

ROLES = {
    "administrator": Role.Name.ADMINISTRATOR,
    "analyst": Role.Name.ANALYST,
    "lead officer": Role.Name.LEAD_OFFICER,
    "provider": Role.Name.PROVIDER,
    "board member": Role.Name.BOARD_MEMBER,
}


@pytest.fixture
def draft() -> Plan:
    """East Staffordshire's plan, made a draft."""
    load_seed_plans()
    plan = Plan.objects.get(partnership__slug="east-staffordshire")
    plan.status = Plan.Status.DRAFT
    plan.save()
    return plan


def persona_client(persona: str) -> Client:
    client = Client()
    if persona == "anonymous":
        return client
    user = User.objects.create_user(username=persona.replace(" ", "-").replace("'", ""), password="x")
    if persona == "superuser":
        user.is_superuser = True
        user.save()
    elif persona == "other partnership's administrator":
        Role.objects.create(
            user=user, partnership=Partnership.objects.get(slug="lichfield"), name="administrator"
        )
    elif persona in ROLES:
        partnership = Partnership.objects.get(slug="east-staffordshire")
        Role.objects.create(user=user, partnership=partnership, name=ROLES[persona])
    client.force_login(user)
    return client


# persona: (export of the draft plan, import page of the draft plan)
DRAFT_MATRIX = {
    "anonymous": (404, 404),
    "no role": (404, 404),
    "other partnership's administrator": (404, 404),
    "administrator": (200, 200),
    "analyst": (200, 403),
    "lead officer": (200, 403),
    "provider": (200, 403),
    "board member": (200, 403),
    "superuser": (200, 200),
}


@pytest.mark.parametrize("persona", list(DRAFT_MATRIX))
def test_who_may_export_and_import_a_draft_plan(draft: Plan, persona: str) -> None:
    client = persona_client(persona)
    export_status, import_status = DRAFT_MATRIX[persona]
    for kind in ("actions", "targets", "risks"):
        for fmt in ("csv", "xlsx"):
            assert client.get(f"{EAST_STAFFS}export/{kind}.{fmt}").status_code == export_status
    assert client.get(EAST_STAFFS + "import/").status_code == import_status
    assert client.get(EAST_STAFFS + "import/check/").status_code == (
        302 if import_status == 200 else import_status
    )
    data = export(admin_client("east-staffordshire"), EAST_STAFFS, "risks", "csv").replace(
        b",High,", b",Low,"
    )
    before = database()
    response = client.post(
        EAST_STAFFS + "import/", {"file": SimpleUploadedFile("r.csv", data), "kind": "risks"}
    )
    assert response.status_code == (302 if import_status == 200 else import_status)
    if import_status != 200:
        assert client.post(EAST_STAFFS + "import/check/", {"token": "x"}).status_code == import_status
        assert database() == before


@pytest.mark.parametrize("persona", ["anonymous", "no role", "other partnership's administrator", "analyst"])
def test_published_plans_export_to_everyone_and_import_for_administrators_only(persona: str) -> None:
    load_seed_plans()
    client = persona_client(persona)
    assert client.get(EAST_STAFFS + "export/risks.xlsx").status_code == 200
    response = client.get(EAST_STAFFS + "import/")
    if persona == "anonymous":
        assert response.status_code == 302
        assert response["Location"] == "/sign-in/?next=" + EAST_STAFFS + "import/"
    else:
        assert response.status_code == 403


def test_unknown_kinds_formats_and_plans_are_not_found() -> None:
    load_seed_plans()
    client = Client()
    assert client.get(LICHFIELD + "export/projects.csv").status_code == 404
    assert client.get(LICHFIELD + "export/actions.json").status_code == 404
    assert client.get("/partnerships/lichfield/plans/1999-2000/export/actions.csv").status_code == 404
    admin = admin_client("lichfield")
    assert admin.get("/partnerships/lichfield/plans/1999-2000/import/").status_code == 404


def test_an_administrator_of_one_plan_cannot_confirm_into_another() -> None:
    load_seed_plans()
    client = admin_client("lichfield")
    assert client.get(EAST_STAFFS + "import/").status_code == 403


def test_the_plan_page_links_to_exports_and_for_administrators_to_the_import() -> None:
    load_seed_plans()
    page = html(Client().get(LICHFIELD))
    assert_page_structure(page, LICHFIELD)
    assert '<h2 class="govuk-heading-l" id="exports">Exports</h2>' in page
    for kind in ("actions", "targets", "risks"):
        for fmt in ("csv", "xlsx"):
            assert f'href="{LICHFIELD}export/{kind}.{fmt}"' in page
    assert "Import from a spreadsheet" not in page
    page = html(admin_client("lichfield").get(LICHFIELD))
    assert f'<a class="govuk-link" href="{LICHFIELD}import/">Import from a spreadsheet</a>' in page


def test_the_import_pages_pass_the_page_checks() -> None:
    load_seed_plans()
    client = admin_client()
    page = html(client.get(EAST_STAFFS + "import/"))
    assert_page_structure(page, "import")
    assert "<title>Import from a spreadsheet – Safer Places</title>" in page
    assert 'enctype="multipart/form-data"' in page and 'accept=".csv,.xlsx"' in page
    assert "Upload and check" in page
    assert page.count('type="radio"') == 3

    page = html(client.post(EAST_STAFFS + "import/", {}))
    assert_page_structure(page, "import with errors")
    assert 'class="govuk-error-summary"' in page and 'id="file-error"' in page and 'id="kind-error"' in page

    data = export(client, EAST_STAFFS, "risks", "csv").replace(b",High,", b",Low,", 1)
    page = html(upload(client, EAST_STAFFS, "r.csv", data, "risks"))
    assert_page_structure(page, "check")
    assert "<title>Check the changes before importing – Safer Places</title>" in page
    assert "0 rows will be added, 1 changed, 8 unchanged." in page
    assert 'class="govuk-summary-list"' in page and "Changes the import will make" in page
    assert "Confirm import" in page

    page = html(client.post(EAST_STAFFS + "import/check/", {"token": _token(page)}, follow=True))
    assert_page_structure(page, "done")
    assert "Import complete" in page and "1 changed" in page
    assert Risk.objects.filter(impact="low").count() == 3
    # The banner shows once.
    assert "Import complete" not in html(client.get(EAST_STAFFS + "import/"))


def _token(page: str) -> str:
    return page.split('name="token" value="')[1].split('"')[0]


def test_the_forms_are_protected_by_csrf() -> None:
    load_seed_plans()
    client = Client(enforce_csrf_checks=True)
    client.force_login(User.objects.create_superuser("root", password="x"))
    assert client.post(EAST_STAFFS + "import/", {}).status_code == 403
    assert client.post(EAST_STAFFS + "import/check/", {}).status_code == 403
