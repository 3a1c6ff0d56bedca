"""The risk register page, its heatmap, and adding and changing risks."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from saferplaces.web.audit.models import AuditEntry
from saferplaces.web.partnerships.models import Partnership
from saferplaces.web.plans.heatmap import risk_heatmap
from saferplaces.web.plans.models import Plan, Risk, RiskReview
from saferplaces.web.seeds import load_seed_plans
from tests.web.helpers import (
    OUTSIDERS,
    PERSONAS,
    assert_form_error,
    captions,
    client_as,
    edit_status,
    make_personas,
)
from tests.web.test_accessibility import assert_page_structure

pytestmark = pytest.mark.django_db

BASE = "/partnerships/east-staffordshire/plans/2018-2021/"
REGISTER = BASE + "risks/"
NEW = REGISTER + "new/"


@pytest.fixture
def world() -> dict[str, object]:
    """East Staffordshire's published plan and its 9 risks, with one user per persona."""
    load_seed_plans()
    es = Partnership.objects.get(slug="east-staffordshire")
    users = make_personas(es, Partnership.objects.get(slug="lichfield"))
    plan = es.plans.get()
    risk = plan.risks.first()
    return {"users": users, "plan": plan, "risk": risk, "edit": f"{REGISTER}{risk.pk}/edit/"}


def _valid(**changes: str) -> dict[str, str]:
    data = {
        "risk": "Loss of the locality fund",
        "impact": "high",
        "likelihood": "low",
        "mitigation": "Seek other funding early.",
        "owner": "Community Safety Manager",
        "review_date-day": "1",
        "review_date-month": "12",
        "review_date-year": "2026",
        "status": "open",
    }
    data.update(changes)
    return data


def test_the_register_and_its_heatmap(client, world: dict[str, object]) -> None:
    response = client.get(REGISTER)
    assert response.status_code == 200
    html = response.content.decode()
    assert captions(html) == ["Risk register", "Risks not closed, by impact and likelihood"]
    assert "External funding is cut or removed" in html
    assert html.count('<th scope="row" class="govuk-table__header">') == 9 + 3
    # shared/seeds/000_c7b2712d29f376fb.txt lines 321-331: 3 risks of high impact, medium likelihood
    assert re.search(r"sp-heatmap__cell--3\">3<span[^>]*>risks, high rating</span>", html)
    assert re.search(r"sp-heatmap__cell--0\">0<span[^>]*>risks, low rating</span>", html)
    assert "Add a risk" not in html and "/edit/" not in html
    admin = client_as(world["users"], "administrator").get(REGISTER).content.decode()
    assert f'href="{NEW}"' in admin and admin.count("/edit/") == 9
    assert_page_structure(admin, REGISTER)


def test_every_heatmap_cell_has_a_rating_in_words() -> None:
    grid = risk_heatmap([])
    ratings = [[cell["rating"] for cell in row["cells"]] for row in grid]
    # rows: high, medium, low impact; columns: low, medium, high likelihood
    assert ratings == [["Medium", "High", "High"], ["Low", "Medium", "High"], ["Low", "Low", "Medium"]]


def test_add_a_risk(world: dict[str, object]) -> None:
    client = client_as(world["users"], "administrator")
    page = client.get(NEW)
    assert page.status_code == 200
    assert_page_structure(page.content.decode(), NEW)
    response = client.post(NEW, _valid())
    assert response.status_code == 302 and response["Location"] == REGISTER
    risk = Risk.objects.get(risk="Loss of the locality fund")
    assert (risk.plan, risk.order, risk.impact, risk.likelihood) == (world["plan"], 10, "high", "low")
    assert risk.review_date == dt.date(2026, 12, 1) and risk.status == "open"
    # A new risk gets its first dated reading (#11: board packs compare quarters).
    review = RiskReview.objects.get(risk=risk)
    assert (review.date, review.impact, review.likelihood, review.status) == (
        timezone.localdate(),
        "high",
        "low",
        "open",
    )
    entry = AuditEntry.objects.get(model="plans.risk")
    assert (entry.kind, entry.model, entry.via, entry.user_name) == (
        "created",
        "plans.risk",
        "risk form",
        "Ada Admin",
    )
    assert entry.after["owner"] == "Community Safety Manager"
    html = client.get(REGISTER).content.decode()
    assert "Risk saved" in html and "govuk-notification-banner--success" in html
    assert re.search(
        r"sp-heatmap__cell--2\">1<span[^>]*>risk, medium rating</span>", html
    )  # high impact, low


def test_change_a_risk(world: dict[str, object]) -> None:
    client = client_as(world["users"], "administrator")
    risk = world["risk"]
    html = client.get(world["edit"]).content.decode()
    assert risk.risk in html and "Change a risk" in html
    unchanged = {name: getattr(risk, name) for name in ["risk", "impact", "likelihood", "mitigation"]}
    no_date = {"review_date-day": "", "review_date-month": "", "review_date-year": ""}
    response = client.post(world["edit"], _valid(**unchanged, owner=risk.owner, status="closed", **no_date))
    assert response.status_code == 302
    risk.refresh_from_db()
    assert risk.status == "closed" and risk.review_date is None and risk.order == 1
    # The status changed: a reading dated today records it.
    assert list(RiskReview.objects.filter(risk=risk).values_list("date", "status")) == [
        (timezone.localdate(), "closed")
    ]
    entry = AuditEntry.objects.get(model="plans.risk")
    assert entry.kind == "changed" and entry.changes() == [("status", "", "closed")]


ERRORS = [
    ({"risk": ""}, "Enter the risk", "#risk"),
    ({"impact": ""}, "Select the impact", "#impact"),
    ({"impact": "huge"}, "Select the impact", "#impact"),
    ({"likelihood": ""}, "Select the likelihood", "#likelihood"),
    ({"status": ""}, "Select whether the risk is open or closed", "#status"),
    ({"owner": "x" * 201}, "Owner must be 200 characters or fewer", "#owner"),
    ({"review_date-year": ""}, "Review date must include a year", "#review_date-year"),
    (
        {"review_date-day": "30", "review_date-month": "2"},
        "Review date must be a real date",
        "#review_date-day",
    ),
]


def test_a_change_of_words_only_records_no_reading(world: dict[str, object]) -> None:
    client = client_as(world["users"], "administrator")
    risk = world["risk"]
    Risk.objects.filter(pk=risk.pk).update(status="open")
    risk.refresh_from_db()
    same = {name: getattr(risk, name) for name in ["impact", "likelihood", "status"]}
    response = client.post(world["edit"], _valid(**same, mitigation="A new mitigation."))
    assert response.status_code == 302
    assert not RiskReview.objects.filter(risk=risk).exists()


@pytest.mark.parametrize("url", ["new", "edit"])
@pytest.mark.parametrize(("changes", "message", "href"), ERRORS)
def test_errors_save_nothing(
    world: dict[str, object], url: str, changes: dict, message: str, href: str
) -> None:
    client = client_as(world["users"], "administrator")
    address = NEW if url == "new" else world["edit"]
    before = list(Risk.objects.values())
    response = client.post(address, _valid(**changes))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith("<!DOCTYPE html>") and "<title>Error: " in html
    assert_form_error(html, message, href)
    assert list(Risk.objects.values()) == before
    assert AuditEntry.objects.count() == 0
    assert_page_structure(html, address)


MAY_EDIT = {"administrator"}


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_administrators_edit_risks(world: dict[str, object], persona: str) -> None:
    client = client_as(world["users"], persona)
    for address in [NEW, world["edit"]]:
        expected = edit_status(persona, MAY_EDIT)
        response = client.get(address)
        assert response.status_code == expected, address
        if persona == "anonymous":
            assert response["Location"].startswith("/sign-in/?next=")
        response = client.post(address, _valid(risk=f"Posted by {persona}"))
        assert response.status_code == (302 if persona in MAY_EDIT else expected)
    assert Risk.objects.filter(risk=f"Posted by {persona}").count() == (2 if persona in MAY_EDIT else 0)
    # the new risk, and the seed risk changed to the same words
    assert AuditEntry.objects.filter(model="plans.risk").count() == (2 if persona in MAY_EDIT else 0)
    # each with a reading dated today (the seed risk's impact changed to high)
    assert AuditEntry.objects.filter(model="plans.riskreview").count() == (2 if persona in MAY_EDIT else 0)


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_draft_register_is_for_members_only(world: dict[str, object], persona: str) -> None:
    Plan.objects.filter(pk=world["plan"].pk).update(status=Plan.Status.DRAFT)
    client = client_as(world["users"], persona)
    assert client.get(REGISTER).status_code == (404 if persona in OUTSIDERS else 200)
    assert client.get(NEW).status_code == edit_status(persona, MAY_EDIT, draft=True)
    assert client.get(world["edit"]).status_code == edit_status(persona, MAY_EDIT, draft=True)


def test_a_risk_of_another_plan_is_not_found(world: dict[str, object]) -> None:
    other = Risk.objects.create(plan=Plan.objects.get(partnership__slug="lichfield"), risk="x", impact="low",
                                likelihood="low")  # fmt: skip
    client = client_as(world["users"], "administrator")
    assert client.get(f"{REGISTER}{other.pk}/edit/").status_code == 404
    assert client.post(f"{REGISTER}{other.pk}/edit/", _valid()).status_code == 404
    other.refresh_from_db()
    assert other.risk == "x"
