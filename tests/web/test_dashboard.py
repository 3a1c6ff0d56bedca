"""The partnership dashboard: its figures, and what each persona sees."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from saferplaces.web.audit.trail import audited_save
from saferplaces.web.partnerships.dashboard import (
    current_plan,
    priority_progress,
    projects_needing_attention,
    top_risks,
)
from saferplaces.web.partnerships.models import Partnership
from saferplaces.web.plans.models import Action, Plan, Risk
from saferplaces.web.projects.models import QuarterlyReturn
from saferplaces.web.seeds import load_seed_plans
from tests.web.helpers import client_as, make_personas
from tests.web.test_accessibility import assert_page_structure

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 6, 30)


@pytest.fixture
def seeded() -> None:
    load_seed_plans()


def test_current_plan_covers_today_else_the_latest() -> None:
    old, mid, new = (Plan(start_year=a, end_year=b) for a, b in [(2018, 2021), (2020, 2024), (2023, 2026)])
    assert current_plan([old, mid, new], dt.date(2019, 5, 1)) is old
    assert current_plan([old, mid, new], dt.date(2024, 5, 1)) is new  # both cover 2024: the later start
    assert current_plan([old, mid], dt.date(2026, 5, 1)) is mid
    assert current_plan([], dt.date(2026, 5, 1)) is None


def test_progress_counts_each_action_once(seeded: None) -> None:
    plan = Plan.objects.get(partnership__slug="lichfield")
    actions = list(Action.objects.filter(priority__plan=plan).order_by("priority__order", "order", "id"))
    first_priority = actions[0].priority
    mine = [a for a in actions if a.priority_id == first_priority.pk]
    mine[0].rag, mine[0].due_date = Action.Rag.RED, TODAY - dt.timedelta(days=1)  # red and overdue
    mine[1].rag, mine[1].due_date = Action.Rag.GREEN, TODAY - dt.timedelta(days=1)  # green: not overdue
    mine[2].rag, mine[2].due_date = Action.Rag.AMBER, TODAY  # due today: not overdue
    for action in mine[:3]:
        action.save()
    rows = priority_progress(plan, TODAY)
    assert sum(r.total for r in rows) == len(actions) == 43
    row = next(r for r in rows if r.priority == first_priority)
    assert (row.red, row.amber, row.green, row.overdue) == (1, 1, 1, 1)
    assert row.red + row.amber + row.green + row.not_rated == row.total == len(mine)


def test_top_risks_highest_score_first(seeded: None) -> None:
    plan = Plan.objects.get(partnership__slug="east-staffordshire")
    ranked = top_risks(plan, limit=9)
    scores = [score for _, score in ranked]
    assert scores == sorted(scores, reverse=True)
    assert len(top_risks(plan)) == 5
    risk = ranked[0][0]
    risk.status = Risk.Status.CLOSED
    risk.save()
    assert risk not in [r for r, _ in top_risks(plan, limit=9)]


def test_projects_needing_attention(seeded: None) -> None:
    plan = Plan.objects.get(partnership__slug="east-staffordshire")
    project = plan.projects.first()
    assert projects_needing_attention(plan, TODAY) == []  # no contract dates in the seed: nothing expected
    project.contract_start, project.contract_end = dt.date(2024, 4, 1), dt.date(2025, 3, 31)
    project.save()
    flags = projects_needing_attention(plan, TODAY)
    assert [f.project for f in flags] == [project]
    assert flags[0].late == ["2024/25 Q1", "2024/25 Q2", "2024/25 Q3", "2024/25 Q4"]
    for quarter in ["2024/25 Q1", "2024/25 Q2", "2024/25 Q3"]:
        QuarterlyReturn.objects.create(project=project, period=quarter, outputs="x", targets_met="yes")
    QuarterlyReturn.objects.create(project=project, period="2024/25 Q4", outputs="x", targets_met="no")
    flags = projects_needing_attention(plan, TODAY)
    assert flags[0].late == [] and flags[0].targets_missed


def test_the_page_for_the_public_and_for_members(seeded: None) -> None:
    es = Partnership.objects.get(slug="east-staffordshire")
    users = make_personas(es, Partnership.objects.get(slug="lichfield"))
    risk = Risk.objects.filter(plan__partnership=es).first()
    risk.owner = "Community Safety Manager"
    audited_save(users["administrator"], risk, via="risk form")
    public = client_as(users, "anonymous").get("/partnerships/east-staffordshire/dashboard/").content.decode()
    assert_page_structure(public, "dashboard")
    assert "Top risks" in public and "Targets" in public
    assert "Projects needing attention" not in public and "Recent changes" not in public
    board = (
        client_as(users, "board member").get("/partnerships/east-staffordshire/dashboard/").content.decode()
    )
    assert_page_structure(board, "dashboard")
    assert "Projects needing attention" in board and "Community Safety Manager" in board
    assert "Ada Admin" in board  # who made the recent change


def test_a_draft_is_not_on_the_public_dashboard(seeded: None, client: Client) -> None:
    Plan.objects.filter(partnership__slug="lichfield").update(status=Plan.Status.DRAFT)
    html = client.get("/partnerships/lichfield/dashboard/").content.decode()
    assert "There is no plan here you can see yet." in html
    assert "2022" not in html


def test_the_partnership_page_links_the_dashboard(seeded: None, client: Client) -> None:
    html = client.get("/partnerships/lichfield/").content.decode()
    assert 'href="/partnerships/lichfield/dashboard/"' in html


def test_wording_without_projects_and_of_updates(seeded: None) -> None:
    from saferplaces.web.plans.models import ProgressUpdate

    lichfield = Partnership.objects.get(slug="lichfield")
    users = make_personas(lichfield, Partnership.objects.get(slug="stafford"))
    action = Action.objects.filter(priority__plan__partnership=lichfield).first()
    update = ProgressUpdate(action=action, date=dt.date(2026, 11, 2), text="Pathway agreed")
    audited_save(users["administrator"], update, via="action update form")
    html = client_as(users, "board member").get("/partnerships/lichfield/dashboard/").content.decode()
    assert "This plan has no commissioned projects." in html
    assert f"Update of 2 November 2026 on {action.action}" in html
