"""Assessments built in the application (issue #10, section 2): the form, the background build, the record."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client

from saferplaces.web.accounts.models import Role
from saferplaces.web.assessments.models import Assessment
from saferplaces.web.partnerships.models import Partnership
from saferplaces.web.seeds import load_seed_plans
from saferplaces.web.work.models import Job
from tests.web.helpers import assert_form_error, run_tasks
from tests.web.test_accessibility import assert_page_structure

pytestmark = pytest.mark.django_db

BASE = "/partnerships/lichfield/assessments/"


@pytest.fixture
def world(settings, bundled_store, tmp_path):
    settings.ENV = replace(settings.ENV, store_dir=bundled_store.root)
    settings.SAFERPLACES_ASSESSMENT_FORMATS = ("html", "json")
    load_seed_plans()
    lichfield = Partnership.objects.get(slug="lichfield")
    users = {}
    for role in ("analyst", "board_member", "lead_officer"):
        users[role] = User.objects.create_user(username=role, password="x", first_name="Al", last_name=role)
        Role.objects.create(user=users[role], partnership=lichfield, name=role)
    return users


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_who_builds_and_who_reads(world) -> None:
    for user, listing, form in (
        (None, 404, 404),
        (world["board_member"], 200, 403),
        (world["lead_officer"], 200, 403),
        (world["analyst"], 200, 200),
    ):
        client = client_for(user)
        assert client.get(BASE).status_code == listing
        assert client.get(BASE + "new/").status_code == form
    assert client_for(world["board_member"]).post(BASE + "new/", {"area": "Lichfield"}).status_code == 403
    assert not Job.objects.exists()


def test_the_form_checks_area_and_period_as_the_cli_does(world) -> None:
    client = client_for(world["analyst"])
    page = client.get(BASE + "new/").content.decode()
    assert_page_structure(page, "new assessment")
    assert 'value="Lichfield"' in page  # the partnership's area, as the reference tables name it
    page = client.post(BASE + "new/", {"area": "", "period": "", "compare": "previous"}).content.decode()
    assert_form_error(page, "Enter an area", "#area")
    assert_form_error(page, "Enter a period", "#period")
    page = client.post(BASE + "new/", {"area": "Atlantis", "period": "2025-13", "compare": "previous"})
    text = page.content.decode()
    assert page.status_code == 400 and "Atlantis" in text and "2025-13" in text
    assert not Job.objects.exists()


def test_an_analyst_builds_the_lichfield_assessment_for_2025(world, settings) -> None:
    client = client_for(world["analyst"])
    response = client.post(BASE + "new/", {"area": "Lichfield", "period": "2025", "compare": "previous"})
    assert response.status_code == 302 and "/tasks/" in response["Location"]
    assert not Assessment.objects.exists()
    run_tasks()
    page = client.get(response["Location"]).content.decode()
    assert "The strategic assessment of Lichfield for" in page and "(version 1)" in page
    record = Assessment.objects.get()
    assert (record.area_code, record.version, record.built_by_name) == ("E07000194", 1, "Al analyst")
    assert record.findings and record.code_version
    detail = client.get(f"{BASE}{record.pk}/").content.decode()
    assert_page_structure(detail, "assessment")
    assert "Download the assessment as JSON" in detail and "Al analyst" in detail
    data = json.loads(b"".join(client.get(f"{BASE}{record.pk}/assessment.json").streaming_content))
    assert data["area"]["code"] == "E07000194"
    assert client.get(f"{BASE}{record.pk}/assessment.pdf").status_code == 404  # not built
    report = client.get(f"{BASE}{record.pk}/assessment.html")
    assert "attachment" not in report.get("Content-Disposition", "")
    assert "script-src" not in report["Content-Security-Policy"]
    assert "default-src 'none'" in report["Content-Security-Policy"]
    assert "Lichfield" in b"".join(report.streaming_content).decode()
    # A second build is version 2; the first is kept as it was.
    client.post(BASE + "new/", {"area": "E07000194", "period": "2025", "compare": "previous"})
    run_tasks()
    assert sorted(Assessment.objects.values_list("version", flat=True)) == [1, 2]
    # The two builds side by side: the same figures, since nothing changed in the store.
    listing = client.get(BASE).content.decode()
    assert_page_structure(listing, BASE)
    first, second = Assessment.objects.order_by("built_at")
    link = f"{BASE}compare/?first={first.pk}&amp;second={second.pk}"
    assert link in listing
    page = client.get(link.replace("&amp;", "&")).content.decode()
    assert_page_structure(page, "compare")
    data = json.loads(
        (Path(settings.ENV.store_dir) / "web-assessments" / first.folder / "assessment.json").read_text()
    )
    crime = f"{data['headline']['crime']['count']:,}"
    assert page.count(f'<td class="govuk-table__cell govuk-table__cell--numeric">{crime}</td>') == 2
    assert "Rank of the candidate priorities" in page and f"New in {second.period_label}: none." in page
    # Board members read it.
    assert client_for(world["board_member"]).get(f"{BASE}{record.pk}/").status_code == 200
