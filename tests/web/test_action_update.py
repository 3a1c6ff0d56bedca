"""The action update form: a dated progress note and the action's RAG status, audited together."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from saferplaces.web.audit.models import AuditEntry
from saferplaces.web.partnerships.models import Partnership
from saferplaces.web.plans.models import Action, Plan, ProgressUpdate
from saferplaces.web.seeds import load_seed_plans
from tests.web.helpers import PERSONAS, assert_form_error, client_as, edit_status, make_personas
from tests.web.test_accessibility import assert_page_structure

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> dict[str, object]:
    """Lichfield's published plan; its first action led by one lead officer, its second by another."""
    load_seed_plans()
    lichfield = Partnership.objects.get(slug="lichfield")
    users = make_personas(lichfield, Partnership.objects.get(slug="east-staffordshire"))
    plan = lichfield.plans.get()
    first, second = Action.objects.filter(priority__plan=plan).order_by("priority__order", "order")[:2]
    first.lead_user = users["lead officer of the action"]
    first.rag = Action.Rag.AMBER
    first.save()
    second.lead_user = users["other lead officer"]
    second.save()
    url = f"/partnerships/lichfield/plans/2022-2025/actions/{first.pk}/update/"
    return {"users": users, "plan": plan, "action": first, "url": url}


def _valid(**changes: str) -> dict[str, str]:
    today = timezone.localdate()
    data = {
        "rag": "green",
        "text": "MARAC now meets fortnightly.",
        "date-day": str(today.day),
        "date-month": str(today.month),
        "date-year": str(today.year),
    }
    data.update(changes)
    return data


def test_a_lead_officer_saves_an_update(world: dict[str, object]) -> None:
    client = client_as(world["users"], "lead officer of the action")
    response = client.post(world["url"], _valid(**{"date-day": "3", "date-month": "2", "date-year": "2025"}))
    assert response.status_code == 302
    assert response["Location"] == "/partnerships/lichfield/plans/2022-2025/delivery/"
    update = ProgressUpdate.objects.get()
    assert (update.action, update.date, update.rag) == (world["action"], dt.date(2025, 2, 3), "green")
    assert update.text == "MARAC now meets fortnightly."
    assert update.author == "lead-officer-of-the-action"  # no full name: the username
    world["action"].refresh_from_db()
    assert world["action"].rag == "green"
    entries = {(e.model, e.kind, e.via) for e in AuditEntry.objects.all()}
    assert entries == {
        ("plans.progressupdate", "created", "action update form"),
        ("plans.action", "changed", "action update form"),
    }
    change = AuditEntry.objects.get(model="plans.action")
    assert change.changes() == [("rag", "amber", "green")]
    assert change.partnership.slug == "lichfield"

    page = client.get(response["Location"]).content.decode()
    assert "govuk-notification-banner--success" in page and "Update saved" in page
    assert "MARAC now meets fortnightly." in page  # the latest update on the delivery plan
    assert "Update saved" not in client.get(response["Location"]).content.decode()  # shown once


def test_the_author_is_the_full_name_and_the_history_is_shown(world: dict[str, object]) -> None:
    client = client_as(world["users"], "administrator")
    client.post(
        world["url"], _valid(text="First note.", **{"date-day": "1", "date-month": "4", "date-year": "2024"})
    )
    client.post(
        world["url"],
        _valid(rag="red", text="Second note.", **{"date-day": "1", "date-month": "5", "date-year": "2024"}),
    )
    assert set(ProgressUpdate.objects.values_list("author", flat=True)) == {"Ada Admin"}
    html = client.get(world["url"]).content.decode()
    history = html[html.index("Update history") :]
    assert history.index("1 May 2024") < history.index("1 April 2024")  # newest first
    assert "Second note." in history and "First note." in history
    assert '<strong class="govuk-tag govuk-tag--red">Red</strong>' in history
    # the radios start at the action's RAG status now; the date at today
    assert re.search(r'id="rag"[^>]*value="red" checked', html)
    today = timezone.localdate()
    assert f'name="date-year" type="text" value="{today.year}"' in html


def test_a_status_that_does_not_change_records_only_the_update(world: dict[str, object]) -> None:
    client = client_as(world["users"], "administrator")
    assert client.post(world["url"], _valid(rag="amber")).status_code == 302
    assert [e.model for e in AuditEntry.objects.all()] == ["plans.progressupdate"]


ERRORS = [
    ({"rag": ""}, "Select a RAG status", "#rag"),
    ({"rag": "purple"}, "Select a RAG status", "#rag"),
    ({"text": "  "}, "Enter a progress update", "#text"),
    ({"date-day": "", "date-month": "", "date-year": ""}, "Enter the date of the update", "#date-day"),
    ({"date-month": ""}, "Date of update must include a month", "#date-month"),
    ({"date-day": "", "date-year": ""}, "Date of update must include a day and year", "#date-day"),
    (
        {"date-day": "31", "date-month": "2", "date-year": "2025"},
        "Date of update must be a real date",
        "#date-day",
    ),
    ({"date-day": "x"}, "Date of update must be a real date", "#date-day"),
    (
        {"date-day": "1", "date-month": "1", "date-year": "25"},
        "Date of update must be a real date",
        "#date-day",
    ),
    (
        {"date-year": str(timezone.localdate().year + 1)},
        "Date of update must be today or in the past",
        "#date-day",
    ),
]


@pytest.mark.parametrize(("changes", "message", "href"), ERRORS)
def test_errors_save_nothing(
    world: dict[str, object], changes: dict[str, str], message: str, href: str
) -> None:
    client = client_as(world["users"], "lead officer of the action")
    response = client.post(world["url"], _valid(**changes))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Error: Update an action – Safer Places</title>" in html
    assert_form_error(html, message, href)
    assert ProgressUpdate.objects.count() == 0 and AuditEntry.objects.count() == 0
    world["action"].refresh_from_db()
    assert world["action"].rag == "amber"
    assert_page_structure(html, world["url"])


def test_what_was_typed_is_kept_on_an_error(world: dict[str, object]) -> None:
    client = client_as(world["users"], "lead officer of the action")
    html = client.post(world["url"], _valid(rag="red", **{"date-month": "13"})).content.decode()
    assert "MARAC now meets fortnightly." in html
    assert re.search(r'value="red" checked', html)
    assert 'name="date-month" type="text" value="13"' in html
    assert html.count("govuk-input--error") == 3  # a date that is not real marks all three boxes


MAY_UPDATE = {"administrator", "lead officer of the action"}


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_update_an_action(world: dict[str, object], persona: str) -> None:
    client = client_as(world["users"], persona)
    response = client.get(world["url"])
    assert response.status_code == edit_status(persona, MAY_UPDATE)
    if persona == "anonymous":
        assert response["Location"] == f"/sign-in/?next={world['url']}"
    if response.status_code == 403:
        html = response.content.decode()
        assert "You cannot change this</h1>" in html and "ask your partnership administrator" in html
    response = client.post(world["url"], _valid())
    assert response.status_code == (302 if persona in MAY_UPDATE else edit_status(persona, MAY_UPDATE))
    assert ProgressUpdate.objects.count() == (1 if persona in MAY_UPDATE else 0)
    if persona in MAY_UPDATE:
        assert_page_structure(client.get(world["url"]).content.decode(), world["url"])


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_draft_plans_actions_are_not_found_by_non_members(world: dict[str, object], persona: str) -> None:
    Plan.objects.filter(pk=world["plan"].pk).update(status=Plan.Status.DRAFT)
    expected = edit_status(persona, MAY_UPDATE, draft=True)
    assert client_as(world["users"], persona).get(world["url"]).status_code == expected


def test_an_action_of_another_plan_is_not_found(world: dict[str, object]) -> None:
    other = Action.objects.exclude(priority__plan=world["plan"]).first() or Action.objects.create(
        priority=Plan.objects.get(partnership__slug="stafford").priorities.first(), action="Elsewhere"
    )
    client = client_as(world["users"], "administrator")
    assert (
        client.get(f"/partnerships/lichfield/plans/2022-2025/actions/{other.pk}/update/").status_code == 404
    )
    assert client.get("/partnerships/lichfield/plans/2022-2025/actions/999999/update/").status_code == 404
