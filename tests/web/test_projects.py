"""Project pages, financial-year quarters, late returns, and the quarterly return form."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from saferplaces.web.audit.models import AuditEntry
from saferplaces.web.partnerships.models import Partnership
from saferplaces.web.plans.models import Plan
from saferplaces.web.projects.models import Project, QuarterlyReturn
from saferplaces.web.projects.quarters import LATE_AFTER_DAYS, Quarter, expected_quarters, quarter_of
from saferplaces.web.projects.schedule import return_schedule
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

# --- quarters: plain dates, no database -------------------------------------------------


@pytest.mark.parametrize(
    ("day", "label", "start", "end"),
    [
        (dt.date(2024, 4, 1), "2024/25 Q1", dt.date(2024, 4, 1), dt.date(2024, 6, 30)),
        (dt.date(2024, 9, 30), "2024/25 Q2", dt.date(2024, 7, 1), dt.date(2024, 9, 30)),
        (dt.date(2024, 12, 31), "2024/25 Q3", dt.date(2024, 10, 1), dt.date(2024, 12, 31)),
        (dt.date(2025, 3, 31), "2024/25 Q4", dt.date(2025, 1, 1), dt.date(2025, 3, 31)),
        (dt.date(2000, 2, 29), "1999/00 Q4", dt.date(2000, 1, 1), dt.date(2000, 3, 31)),
    ],
)
def test_financial_year_quarters(day: dt.date, label: str, start: dt.date, end: dt.date) -> None:
    quarter = quarter_of(day)
    assert (quarter.label, quarter.start, quarter.end) == (label, start, end)


def test_expected_quarters_are_those_the_contract_overlaps() -> None:
    quarters = expected_quarters(dt.date(2024, 5, 15), dt.date(2025, 1, 10))
    assert [q.label for q in quarters] == ["2024/25 Q1", "2024/25 Q2", "2024/25 Q3", "2024/25 Q4"]
    assert [q.label for q in expected_quarters(dt.date(2025, 3, 31), dt.date(2025, 4, 1))] == [
        "2024/25 Q4",
        "2025/26 Q1",
    ]
    assert expected_quarters(None, dt.date(2025, 1, 1)) == []
    assert expected_quarters(dt.date(2025, 1, 1), dt.date(2024, 1, 1)) == []


def test_a_return_is_late_more_than_30_days_after_its_quarter_ends() -> None:
    assert LATE_AFTER_DAYS == 30
    project = Project(contract_start=dt.date(2024, 5, 15), contract_end=dt.date(2025, 1, 10))
    returns = [
        QuarterlyReturn(period="2024/25 Q1", targets_met="no"),
        QuarterlyReturn(period="Summer 2024", targets_met="yes"),  # a period the schedule does not know
    ]
    # 2024/25 Q2 ended on 30 September 2024: on time to 30 October, late from 31 October
    on_time = return_schedule(project, returns, dt.date(2024, 10, 30))
    assert [(r.period, r.status) for r in on_time] == [
        ("2024/25 Q1", "submitted"),
        ("2024/25 Q2", "due"),
        ("2024/25 Q3", "not_due"),
        ("2024/25 Q4", "not_due"),
        ("Summer 2024", "submitted"),
    ]
    late = return_schedule(project, returns, dt.date(2024, 10, 31))
    assert [r.period for r in late if r.late] == ["2024/25 Q2"]
    assert Quarter(2024, 2).late_after == dt.date(2024, 10, 30)


# --- the pages ------------------------------------------------------------------------------


@pytest.fixture
def world() -> dict[str, object]:
    """East Staffordshire's published plan; Project 3 with a contract that began in April 2024."""
    load_seed_plans()
    es = Partnership.objects.get(slug="east-staffordshire")
    users = make_personas(es, Partnership.objects.get(slug="lichfield"))
    project, other = es.projects.order_by("order")[:2]
    project.contract_start = dt.date(2024, 4, 1)
    project.contract_end = timezone.localdate() + dt.timedelta(days=800)
    project.budget = Decimal("45000")
    project.output_targets = "400 young people engaged each year"
    project.save()
    project.provider_users.add(users["provider of the project"])
    other.provider_users.add(users["other provider"])
    url = f"/partnerships/east-staffordshire/projects/{project.pk}/"
    return {"users": users, "project": project, "other": other, "url": url, "new": url + "returns/new/"}


def _past_contract(project: Project) -> None:
    """A contract of 2023/24, all of it long past."""
    project.contract_start, project.contract_end = dt.date(2023, 4, 1), dt.date(2024, 3, 31)
    project.save()


def test_project_page_for_the_public(client, world: dict[str, object]) -> None:
    response = client.get(world["url"])
    assert response.status_code == 200
    html = response.content.decode()
    assert "Albion 2 Engage</h1>" in html and "Burton Albion Community Trust" in html
    assert "1 April 2024 to " in html and "£45,000" in html
    assert "400 young people engaged each year" in html
    assert "Quarterly returns" not in html and "Submit a return" not in html  # members only
    assert_page_structure(html, world["url"])


def test_late_returns_and_missed_targets_are_flagged(world: dict[str, object]) -> None:
    project = world["project"]
    _past_contract(project)
    QuarterlyReturn.objects.create(
        project=project, period="2023/24 Q1", outputs="120 sessions", targets_met="yes"
    )
    QuarterlyReturn.objects.create(
        project=project, period="2023/24 Q2", outputs="80 sessions", targets_met="no"
    )
    client = client_as(world["users"], "board member")
    html = client.get(world["url"]).content.decode()
    assert "govuk-warning-text" in html
    assert (
        "no return has been submitted for 2023/24 Q3, 2023/24 Q4, which ended more than 30 days ago" in html
    )
    assert "Targets not met: the latest return (2023/24 Q2) says the output targets were not met." in html
    assert "more than 30 days ago and none has been submitted" in html  # the rule, stated
    assert re.findall(r'<strong class="govuk-tag govuk-tag--(\w+)">(\w[\w ]*)</strong>', html) == [
        ("green", "Submitted"),
        ("green", "Submitted"),
        ("red", "Late"),
        ("red", "Late"),
    ]
    assert "120 sessions" in html and "Quarterly returns" in captions(html)
    assert_page_structure(html, world["url"])
    # the public see neither the returns nor the flags
    public = client_as(world["users"], "anonymous").get(world["url"]).content.decode()
    assert "govuk-warning-text" not in public and "120 sessions" not in public


def test_no_flags_when_returns_are_in_and_targets_partly_met(world: dict[str, object]) -> None:
    project = world["project"]
    _past_contract(project)
    for number in range(1, 5):
        QuarterlyReturn.objects.create(
            project=project, period=f"2023/24 Q{number}", targets_met="no" if number < 4 else "partly"
        )
    html = client_as(world["users"], "analyst").get(world["url"]).content.decode()
    assert "govuk-warning-text" not in html
    assert html.count("Submitted</strong>") == 4 and "Partly" in html


def _valid(**changes: str) -> dict[str, str]:
    data = {
        "period": "2024/25 Q1",
        "outputs": "96 sessions, 212 young people",
        "outcomes": "Fewer ASB calls near two venues",
        "targets_met": "partly",
        "narrative": "A venue closed for six weeks.",
        "spend": "2500.50",
    }
    data.update(changes)
    return data


def test_a_provider_submits_a_return(world: dict[str, object]) -> None:
    client = client_as(world["users"], "provider of the project")
    page = client.get(world["new"])
    assert page.status_code == 200
    html = page.content.decode()
    assert_page_structure(html, world["new"])
    offered = re.findall(r'name="period" type="radio" value="([^"]+)"', html)
    today = timezone.localdate()
    assert offered[0] == "2024/25 Q1" and offered[-1] == quarter_of(today).label
    assert quarter_of(today).next().label not in offered  # a quarter not begun is not offered
    response = client.post(world["new"], _valid())
    assert response.status_code == 302 and response["Location"] == world["url"]
    submitted = QuarterlyReturn.objects.get()
    assert submitted.project == world["project"] and submitted.period == "2024/25 Q1"
    assert submitted.submitted_on == today and submitted.due_date == dt.date(2024, 7, 30)
    assert (submitted.targets_met, submitted.outputs) == ("partly", "96 sessions, 212 young people")
    assert submitted.spend == Decimal("2500.50")
    entry = AuditEntry.objects.get()
    assert (entry.kind, entry.model, entry.via) == ("created", "projects.quarterlyreturn", "return form")
    assert entry.partnership.slug == "east-staffordshire" and entry.user_name == "provider-of-the-project"
    html = client.get(world["url"]).content.decode()
    assert "Return submitted" in html and "govuk-notification-banner--success" in html
    assert "96 sessions, 212 young people" in html and "£2,500.50" in html
    assert "2024/25 Q1" not in client.get(world["new"]).content.decode()  # returned: no longer offered


ERRORS = [
    ({"period": ""}, "Select the quarter", "#period"),
    ({"period": "2023/24 Q4"}, "Select the quarter", "#period"),  # before the contract
    ({"period": "2099/00 Q1"}, "Select the quarter", "#period"),  # not begun
    ({"outputs": ""}, "Enter the outputs delivered", "#outputs"),
    ({"targets_met": ""}, "Select whether the output targets were met", "#targets_met"),
    ({"targets_met": "maybe"}, "Select whether the output targets were met", "#targets_met"),
    ({"spend": "lots"}, "Enter the money spent as a number of pounds, like 2500 or 2500.50", "#spend"),
    ({"spend": "-1"}, "The money spent must be 0 or more", "#spend"),
    ({"spend": "1.234"}, "The money spent must have 2 decimal places or fewer", "#spend"),
]


def test_a_return_records_the_quarters_spend(world: dict[str, object]) -> None:
    client = client_as(world["users"], "provider of the project")
    assert client.post(world["new"], _valid(spend="2500.50")).status_code == 302
    assert QuarterlyReturn.objects.get().spend == Decimal("2500.50")


@pytest.mark.parametrize(("changes", "message", "href"), ERRORS)
def test_errors_save_nothing(world: dict[str, object], changes: dict, message: str, href: str) -> None:
    client = client_as(world["users"], "provider of the project")
    response = client.post(world["new"], _valid(**changes))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Error: Submit a quarterly return – Safer Places</title>" in html
    assert_form_error(html, message, href)
    assert QuarterlyReturn.objects.count() == 0 and AuditEntry.objects.count() == 0
    assert_page_structure(html, world["new"])


def test_a_quarter_already_returned_cannot_be_returned_again(world: dict[str, object]) -> None:
    QuarterlyReturn.objects.create(project=world["project"], period="2024/25 Q1", outputs="First")
    client = client_as(world["users"], "administrator")
    html = client.post(world["new"], _valid()).content.decode()
    assert '<a href="#period">Select the quarter</a>' in html
    assert QuarterlyReturn.objects.get().outputs == "First" and AuditEntry.objects.count() == 0


def test_no_quarter_to_return(world: dict[str, object]) -> None:
    project = world["project"]
    project.contract_start = project.contract_end = None
    project.save()
    client = client_as(world["users"], "administrator")
    html = client.get(world["new"]).content.decode()
    assert "There is no quarter to make a return for" in html and "Submit return" not in html
    assert client.post(world["new"], _valid()).status_code == 200
    assert QuarterlyReturn.objects.count() == 0
    assert "Submit a return" not in client.get(world["url"]).content.decode()


MAY_SUBMIT = {"administrator", "provider of the project"}


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_submit_a_return(world: dict[str, object], persona: str) -> None:
    client = client_as(world["users"], persona)
    expected = edit_status(persona, MAY_SUBMIT)
    response = client.get(world["new"])
    assert response.status_code == expected
    if persona == "anonymous":
        assert response["Location"] == f"/sign-in/?next={world['new']}"
    assert ("Submit a return" in client.get(world["url"]).content.decode()) is (persona in MAY_SUBMIT)
    response = client.post(world["new"], _valid())
    assert response.status_code == (302 if persona in MAY_SUBMIT else expected)
    assert QuarterlyReturn.objects.count() == (1 if persona in MAY_SUBMIT else 0)


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_draft_plans_projects_are_for_members_only(world: dict[str, object], persona: str) -> None:
    Plan.objects.filter(pk=world["project"].plan_id).update(status=Plan.Status.DRAFT)
    client = client_as(world["users"], persona)
    outsider = persona in OUTSIDERS
    assert client.get(world["url"]).status_code == (404 if outsider else 200)
    assert client.get(world["new"]).status_code == edit_status(persona, MAY_SUBMIT, draft=True)
    listed = world["url"] in client.get("/partnerships/east-staffordshire/").content.decode()
    assert listed is not outsider


def test_a_project_outside_any_plan_is_for_members_only(world: dict[str, object]) -> None:
    Project.objects.filter(pk=world["project"].pk).update(plan=None)
    assert client_as(world["users"], "anonymous").get(world["url"]).status_code == 404
    assert client_as(world["users"], "other partnership's administrator").get(world["url"]).status_code == 404
    assert client_as(world["users"], "board member").get(world["url"]).status_code == 200


def test_a_project_of_another_partnership_is_not_found(world: dict[str, object]) -> None:
    client = client_as(world["users"], "administrator")
    assert client.get(f"/partnerships/lichfield/projects/{world['project'].pk}/").status_code == 404
    assert client.get("/partnerships/east-staffordshire/projects/999999/").status_code == 404


def test_plan_and_partnership_pages_link_to_the_projects(client, world: dict[str, object]) -> None:
    ids = list(Project.objects.filter(partnership__slug="east-staffordshire").values_list("pk", flat=True))
    for page in ["/partnerships/east-staffordshire/plans/2018-2021/", "/partnerships/east-staffordshire/"]:
        html = client.get(page).content.decode()
        for pk in ids:
            assert f'href="/partnerships/east-staffordshire/projects/{pk}/"' in html, page
    assert ">Project 3: Albion 2 Engage</a>" in html
