"""Managing the whole plan in the app (issue #10): add, change, reorder, retire; people; My actions."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from saferplaces.web.accounts.models import Role
from saferplaces.web.audit.models import AuditEntry
from saferplaces.web.partnerships.models import Partnership
from saferplaces.web.performance.models import Target
from saferplaces.web.plans.models import Action, Priority, ProgressUpdate
from saferplaces.web.projects.models import Project
from saferplaces.web.seeds import load_seed_plans
from tests.web.helpers import PERSONAS, assert_form_error, client_as, edit_status, make_personas
from tests.web.test_accessibility import assert_page_structure
from tests.web.transfers_support import database

pytestmark = pytest.mark.django_db

PLAN = "/partnerships/lichfield/plans/2022-2025/"
MANAGE = PLAN + "manage/"


@pytest.fixture
def world() -> dict[str, object]:
    load_seed_plans()
    lichfield = Partnership.objects.get(slug="lichfield")
    users = make_personas(lichfield, Partnership.objects.get(slug="east-staffordshire"))
    return {"users": users, "plan": lichfield.plans.get(), "partnership": lichfield}


def html(response) -> str:
    return response.content.decode()


SECTIONS = ["priorities", "places", "actions", "targets", "risks", "funding", "projects"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_administrators_manage_the_plan(world, persona) -> None:
    client = client_as(world["users"], persona)
    expected = edit_status(persona, {"administrator"})
    assert client.get(MANAGE).status_code == expected
    for section in SECTIONS:
        assert client.get(f"{MANAGE}{section}/").status_code == expected
        if section != "risks":
            assert client.get(f"{MANAGE}{section}/new/").status_code == expected
    priority = world["plan"].priorities.first()
    before = database()
    for suffix in ("edit/", "move/", "retire/"):
        response = client.post(
            f"{MANAGE}priorities/{priority.pk}/{suffix}", {"title": "X", "kind": "priority"}
        )
        assert response.status_code == (302 if persona == "administrator" else expected)
    if persona != "administrator":
        assert database() == before
        assert not AuditEntry.objects.exists()


def test_the_manage_pages_pass_the_page_checks(world) -> None:
    client = client_as(world["users"], "administrator")
    assert_page_structure(html(client.get(MANAGE)), MANAGE)
    for section in SECTIONS:
        assert_page_structure(html(client.get(f"{MANAGE}{section}/")), section)
        if section != "risks":
            assert_page_structure(html(client.get(f"{MANAGE}{section}/new/")), section + " new")
    assert f'href="{MANAGE}"' in html(client.get(PLAN))
    assert 'href="' + MANAGE not in html(client_as(world["users"], "board member").get(PLAN))


def test_an_administrator_adds_changes_and_retires_a_priority(world) -> None:
    client = client_as(world["users"], "administrator")
    response = client.post(
        MANAGE + "priorities/new/",
        {
            "title": "Rural crime",
            "kind": "priority",
            "reasons": "Farm thefts rose\n\nResidents asked",
            "aims": "",
        },
    )
    assert response.status_code == 302
    priority = Priority.objects.get(title="Rural crime")
    assert priority.reasons == ["Farm thefts rose", "Residents asked"]
    assert priority.order == max(p.order for p in world["plan"].priorities.all())
    entry = AuditEntry.objects.get(model="plans.priority")
    assert (entry.kind, entry.user_name, entry.via) == ("created", "Ada Admin", "plan management form")
    assert "Rural crime" in html(client.get(PLAN))
    # Move it up one place: the two swap, both recorded.
    client.post(f"{MANAGE}priorities/{priority.pk}/move/", {"direction": "up"})
    ordered = list(world["plan"].priorities.values_list("title", flat=True))
    assert ordered[-2] == "Rural crime"
    # Retire: kept, listed as retired on the manage page, gone from the plan page.
    client.post(f"{MANAGE}priorities/{priority.pk}/retire/", {"retire": "yes"})
    assert Priority.all_objects.get(pk=priority.pk).retired
    assert "Rural crime" not in html(client.get(PLAN))
    listing = html(client.get(MANAGE + "priorities/"))
    assert "Rural crime" in listing and "Reinstate" in listing
    client.post(f"{MANAGE}priorities/{priority.pk}/retire/", {"retire": "no"})
    assert "Rural crime" in html(client.get(PLAN))


def test_an_action_with_its_lead_officer_account(world) -> None:
    client = client_as(world["users"], "administrator")
    priority = world["plan"].priorities.first()
    lead = world["users"]["lead officer of the action"]
    page = html(client.get(MANAGE + "actions/new/"))
    # Lead officers are chosen among the partnership's users, not every account.
    assert f'<option value="{lead.pk}">lead-officer-of-the-action</option>' in page
    assert "other-partnerships-administrator" not in page
    data = {
        "priority": priority.pk,
        "action": "Patrol the car parks",
        "outcome": "Fewer thefts",
        "data_measure": "Vehicle crime count",
        "lead_user": lead.pk,
        "due_date-day": "31",
        "due_date-month": "3",
        "due_date-year": "2026",
        "rag": "amber",
    }
    assert client.post(MANAGE + "actions/new/", data).status_code == 302
    action = Action.objects.get(action="Patrol the car parks")
    assert (action.lead_user, action.due_date, action.rag) == (lead, dt.date(2026, 3, 31), "amber")


@pytest.mark.parametrize(
    ("data", "message", "href"),
    [
        ({"action": ""}, "Enter the action", "#action"),
        ({"due_date-year": "0001"}, "Due date must be between 1990 and 2100", "#due_date-year"),
        ({"action": "x" * 5001}, "Action must be 5,000 characters or fewer", "#action"),
        ({"priority": "999999"}, "Select priority from the list", "#priority"),
    ],
)
def test_action_errors_save_nothing(world, data, message, href) -> None:
    client = client_as(world["users"], "administrator")
    valid = {
        "priority": world["plan"].priorities.first().pk,
        "action": "A",
        "due_date-day": "1",
        "due_date-month": "4",
        "due_date-year": "2026",
    }
    before = database()
    response = client.post(MANAGE + "actions/new/", valid | data)
    assert response.status_code == 400
    page = html(response)
    assert_page_structure(page, "action errors")
    assert_form_error(page, message, href)
    assert database() == before


def test_a_target_kind_decides_its_test(world) -> None:
    client = client_as(world["users"], "administrator")
    data = {
        "description": "Burglary rate",
        "kind": "rate",
        "unit": "per 1,000",
        "direction": "reduce",
        "baseline_value": "12",
        "baseline_period": "2022/23",
    }
    assert client.post(MANAGE + "targets/new/", data).status_code == 302
    assert Target.objects.get(description="Burglary rate").kind == "rate"
    data |= {"description": "Burglaries", "kind": "count", "baseline_value": "12.4"}
    page = html(client.post(MANAGE + "targets/new/", data))
    assert_form_error(page, "Baseline value must be a whole number, because it is a count", "#baseline_value")
    data |= {"baseline_value": "-3"}
    assert "Baseline value must be 0 or more" in html(client.post(MANAGE + "targets/new/", data))


def test_a_project_gets_its_provider_and_contract_dates(world) -> None:
    client = client_as(world["users"], "administrator")
    provider = world["users"]["provider of the project"]
    data = {
        "name": "Street pastors",
        "provider": "Churches Together",
        "provider_users": [provider.pk],
        "contract_start-day": "1",
        "contract_start-month": "4",
        "contract_start-year": "2025",
        "contract_end-day": "31",
        "contract_end-month": "3",
        "contract_end-year": "2025",
        "budget": "12000",
    }
    page = html(client.post(MANAGE + "projects/new/", data))
    assert_form_error(page, "Contract end date must be after the contract start date", "#contract_end-day")
    data["contract_end-year"] = "2026"
    assert client.post(MANAGE + "projects/new/", data).status_code == 302
    project = Project.objects.get(name="Street pastors")
    assert list(project.provider_users.all()) == [provider]
    assert project.partnership == world["partnership"] and project.plan == world["plan"]
    entry = AuditEntry.objects.get(model="projects.project")
    assert entry.after["provider_users"] == [provider.pk]


def test_my_actions_lists_overdue_and_red_first(world) -> None:
    lead = world["users"]["lead officer of the action"]
    actions = list(Action.objects.filter(priority__plan=world["plan"]).order_by("pk")[:3])
    past, future = dt.date(2020, 1, 1), dt.date(2099, 1, 1)
    for action, rag, due in zip(actions, ["green", "red", "amber"], [future, future, past], strict=True):
        action.lead_user, action.rag, action.due_date = lead, rag, due
        action.save()
    ProgressUpdate.objects.create(action=actions[0], date=dt.date(2024, 5, 1), text="Going well", rag="green")
    client = client_as(world["users"], "lead officer of the action")
    page = html(client.get("/my-actions/"))
    assert_page_structure(page, "my actions")
    order = [int(n) for n in re.findall(r'id="action-(\d+)"', page)]
    assert order == [actions[2].pk, actions[1].pk, actions[0].pk]
    assert "1 overdue and 1 red" in page and "Going well" in page
    assert page.count("/update/") == 3
    # Someone who leads nothing is told so; a signed-out user is sent to sign in.
    assert "You do not lead any actions" in html(
        client_as(world["users"], "board member").get("/my-actions/")
    )
    assert client_as(world["users"], "anonymous").get("/my-actions/").status_code == 302


def test_the_delivery_plan_table_is_narrow(world) -> None:
    page = html(client_as(world["users"], "administrator").get(PLAN + "delivery/"))
    head = page[page.index("<thead") : page.index("</thead>")]
    assert head.count("<th ") == 6 and "RAG status" in head and "Latest update" in head


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_administrators_manage_people(world, persona) -> None:
    client = client_as(world["users"], persona)
    url = "/partnerships/lichfield/people/"
    expected = edit_status(persona, {"administrator"})
    if persona == "other partnership's administrator":
        expected = 404
    assert client.get(url).status_code == expected
    before = database()
    response = client.post(url, {"username": "newbie", "role": "analyst"})
    assert response.status_code == (302 if persona == "administrator" else expected)
    if persona != "administrator":
        assert database() == before


def test_an_administrator_invites_someone_who_sets_a_password(world) -> None:
    client = client_as(world["users"], "administrator")
    url = "/partnerships/lichfield/people/"
    page = html(client.get(url))
    assert_page_structure(page, url)
    assert "lead-officer-of-the-action" in page
    page = html(client.post(url, {"username": "", "role": ""}))
    assert_form_error(page, "Enter a username", "#username")
    page = html(
        client.post(url, {"username": "sam", "full_name": "Sam Smith", "role": "analyst"}, follow=True)
    )
    link = re.search(r"(http://testserver/invitations/[^ <]+/)", page).group(1)
    sam = User.objects.get(username="sam")
    assert not sam.has_usable_password() and sam.get_full_name() == "Sam Smith"
    assert Role.objects.filter(user=sam, partnership=world["partnership"], name="analyst").exists()
    assert AuditEntry.objects.filter(model="accounts.role", kind="created").exists()
    invited = Client()
    form = html(invited.get(link))
    assert_page_structure(form, "invitation")
    password = "a long enough passphrase 42"
    response = invited.post(link, {"new_password1": password, "new_password2": password})
    assert response.status_code == 302
    # signs in through the sign-in page (django-axes needs the request, which Client.login has not)
    signed_in = invited.post(reverse("sign-in"), {"username": "sam", "password": password})
    assert signed_in.status_code == 302 and "_auth_user_id" in invited.session
    assert invited.get(link).status_code == 404  # used once
    # Removing Sam takes the role away and, with no other role, switches the account off.
    client.post(f"{url}{sam.pk}/remove/")
    sam.refresh_from_db()
    assert not sam.is_active and not Role.objects.filter(user=sam).exists()


def test_a_progress_update_has_limits(world) -> None:
    action = Action.objects.filter(priority__plan=world["plan"]).first()
    url = f"{PLAN}actions/{action.pk}/update/"
    client = client_as(world["users"], "administrator")
    before = database()
    data = {"rag": "red", "text": "x" * 1_000_000, "date-day": "1", "date-month": "1", "date-year": "2025"}
    page = html(client.post(url, data))
    assert_form_error(page, "Progress update must be 5,000 characters or fewer", "#text")
    page = html(client.post(url, data | {"text": "Fine", "date-year": "0001"}))
    assert_form_error(page, "Date of update must be between 1990 and 2100", "#date-year")
    assert database() == before
