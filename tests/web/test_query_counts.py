"""Signed-in pages ask the database a fixed number of queries, however many rows a plan holds (#13).

Each page is requested with every cached value stale (``cache.bump()``), so the count is that of
a page built from the database; then the plan gets more of every kind of row its pages list
(priorities, actions, targets with values, risks, projects with returns, members and people)
and the count must not change. A page that asks once per row (an N+1 query) fails here. The
cache tests at the end check that what the pages keep per plan never reaches a user who may
not see that plan.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from saferplaces.web import cache
from saferplaces.web.accounts.models import Role
from saferplaces.web.partnerships.models import Partnership
from saferplaces.web.performance.models import Target
from saferplaces.web.plans.models import Action, Plan, Priority
from saferplaces.web.projects.models import Project
from saferplaces.web.seeds import load_seed_plans

SLUG = "east-staffordshire"
PAGES = {
    "partnership": "/partnerships/{slug}/",
    "dashboard": "/partnerships/{slug}/dashboard/",
    "plan": "/partnerships/{slug}/plans/{plan}/",
    "delivery": "/partnerships/{slug}/plans/{plan}/delivery/",
    "targets": "/partnerships/{slug}/plans/{plan}/targets/",
    "risks": "/partnerships/{slug}/plans/{plan}/risks/",
    "plan json": "/partnerships/{slug}/plans/{plan}.json",
}


#: Tables the session and sign-in machinery touch on their own schedule, not the page's.
NOT_THE_PAGE = ("django_session", "axes_")


def _superuser_and_plan() -> tuple[Client, Plan]:
    """The seed plans loaded; a superuser's client and the East Staffordshire plan."""
    load_seed_plans()
    client = Client()
    client.force_login(User.objects.create_superuser("admin", password="x"))
    return client, Plan.objects.get(partnership__slug=SLUG)


def _queries(client: Client, url: str) -> list[str]:
    """The SQL a page asks, built from the database (no cached value is fresh)."""
    cache.bump()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return [q["sql"] for q in captured.captured_queries if not any(t in q["sql"] for t in NOT_THE_PAGE)]


def _copy(obj, **changes):  # noqa: ANN001, ANN202
    """A new row like ``obj`` (its own fields; links to other rows are kept)."""
    obj.pk = obj.id = None
    obj._state.adding = True
    for name, value in changes.items():
        setattr(obj, name, value)
    obj.save()
    return obj


def _grow(plan: Plan, times: int, start: int = 0) -> None:
    """Give ``plan`` ``times`` more of every kind of row its pages show."""
    partnership = plan.partnership
    priority = plan.priorities.first()
    board = partnership.boards.first()
    target = Target.objects.filter(plan=plan).prefetch_related("values").first()
    values = list(target.values.all())
    risk = plan.risks.first()
    project = Project.objects.filter(plan=plan).prefetch_related("returns").first()
    returns = list(project.returns.all()) if project else []
    membership = partnership.memberships.first()
    person = partnership.people.first()
    for i in range(start, start + times):
        new_priority = _copy(Priority.objects.get(pk=priority.pk), title=f"More {i}", order=1000 + i)
        for rag in ("red", "green"):
            Action.objects.create(
                priority=new_priority,
                action=f"Action {i} {rag}",
                rag=rag,
                board=board,
                lead_organisation=membership.organisation if membership else None,
                due_date=dt.date(2020, 1, 1),
            )
        new_target = _copy(Target.objects.get(pk=target.pk), description=f"Target {i}")
        for value in values:
            _copy(value, target=new_target)
        _copy(type(risk).objects.get(pk=risk.pk), risk=f"Risk {i}", order=1000 + i)
        if project is not None:
            new_project = _copy(Project.objects.get(pk=project.pk), name=f"Project {i}", reference=f"P{i}")
            for row in returns:
                _copy(row, project=new_project)
        if membership is not None:
            from saferplaces.web.partnerships.models import Organisation

            _copy(membership, organisation=Organisation.objects.create(name=f"Organisation {i}"))
        if person is not None:
            _copy(person, name=f"Person {i}")


@pytest.mark.django_db
def test_page_query_counts_do_not_grow_with_the_rows_a_plan_holds() -> None:
    load_seed_plans()
    plan = Plan.objects.get(partnership__slug=SLUG)
    assert plan.priorities.exists() and Target.objects.filter(plan=plan).exists() and plan.risks.exists()
    client = Client()
    client.force_login(User.objects.create_superuser("admin", password="x"))
    urls = {name: url.format(slug=SLUG, plan=plan.slug) for name, url in PAGES.items()}
    _grow(plan, 1)  # one of each kind of row, so that every prefetch has something to fetch
    for url in urls.values():
        client.get(url)  # what a process asks once (the session, content types) is asked here
    before = {name: _queries(client, url) for name, url in urls.items()}
    _grow(plan, 6, start=1)
    after = {name: _queries(client, url) for name, url in urls.items()}
    for name in urls:
        assert len(after[name]) == len(before[name]), (name, [q[:100] for q in after[name]])


@pytest.mark.django_db
def test_a_page_kept_in_the_cache_asks_the_database_less() -> None:
    client, plan = _superuser_and_plan()
    for name in ("partnership", "dashboard", "plan", "targets", "plan json"):
        url = PAGES[name].format(slug=SLUG, plan=plan.slug)
        cold = len(_queries(client, url))
        with CaptureQueriesContext(connection) as warm:
            assert client.get(url).status_code == 200
        assert len(warm) < cold, name


@pytest.mark.django_db
def test_the_dashboard_cache_never_shows_a_draft_plan_to_a_user_who_may_not_see_it() -> None:
    load_seed_plans()
    partnership = Partnership.objects.get(slug=SLUG)
    published = Plan.objects.get(partnership=partnership)
    year = dt.date.today().year
    draft = Plan.objects.create(
        partnership=partnership, title="A draft plan", slug="draft", start_year=year, end_year=year
    )
    secret = "A priority only members may see"
    Action.objects.create(
        priority=Priority.objects.create(plan=draft, title=secret), action="An action", rag="red"
    )
    member = User.objects.create_user("member", password="x")
    Role.objects.create(user=member, partnership=partnership, name=Role.Name.ADMINISTRATOR)
    outsider = User.objects.create_user("outsider", password="x")
    url = f"/partnerships/{SLUG}/dashboard/"
    as_member, as_outsider = Client(), Client()
    as_member.force_login(member)
    as_outsider.force_login(outsider)

    cache.bump()
    page = as_member.get(url).content.decode()
    assert secret in page and "Projects needing attention" in page
    # Straight after, with the member's figures kept: the outsider gets the published plan.
    page = as_outsider.get(url).content.decode()
    assert secret not in page and "A draft plan" not in page
    assert published.title in page
    assert "Projects needing attention" not in page  # members only, though kept with the figures
    # And the other way round: the outsider's figures kept first.
    cache.bump()
    assert secret not in as_outsider.get(url).content.decode()
    assert secret in as_member.get(url).content.decode()


@pytest.mark.django_db
def test_a_cached_targets_page_shows_a_new_value_at_once() -> None:
    client, plan = _superuser_and_plan()
    url = PAGES["targets"].format(slug=SLUG, plan=plan.slug)
    target = Target.objects.filter(plan=plan).first()
    client.get(url)
    target.description = "A target renamed after the page was kept"
    target.save()
    assert "A target renamed after the page was kept" in client.get(url).content.decode()
