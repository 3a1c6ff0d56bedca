"""The role-by-permission matrix, and what the pages show to whom."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.test import Client

from saferplaces.web.accounts import permissions as perm
from saferplaces.web.accounts.models import Role
from saferplaces.web.partnerships.models import Partnership
from saferplaces.web.plans.models import Action, Plan
from saferplaces.web.public.manage import can_manage_public_site
from saferplaces.web.seeds import load_seed_plans

pytestmark = pytest.mark.django_db

PERSONAS = [
    "anonymous",
    "no role",
    "other partnership's administrator",
    "administrator",
    "analyst",
    "lead officer of the action",
    "lead officer of another action",
    "provider of the project",
    "provider of another project",
    "board member",
    "superuser",
]


@pytest.fixture
def world() -> dict[str, object]:
    """East Staffordshire's plan made a draft, with one user per persona."""
    load_seed_plans()
    es = Partnership.objects.get(slug="east-staffordshire")
    lichfield = Partnership.objects.get(slug="lichfield")
    plan = es.plans.get()
    plan.status = Plan.Status.DRAFT
    plan.save()
    users: dict[str, object] = {"anonymous": AnonymousUser()}
    for name in PERSONAS[1:]:
        users[name] = User.objects.create_user(username=name.replace(" ", "-").replace("'", ""), password="x")
    users["superuser"].is_superuser = True
    users["superuser"].save()
    grants = [
        ("other partnership's administrator", lichfield, Role.Name.ADMINISTRATOR),
        ("administrator", es, Role.Name.ADMINISTRATOR),
        ("analyst", es, Role.Name.ANALYST),
        ("lead officer of the action", es, Role.Name.LEAD_OFFICER),
        ("lead officer of another action", es, Role.Name.LEAD_OFFICER),
        ("provider of the project", es, Role.Name.PROVIDER),
        ("provider of another project", es, Role.Name.PROVIDER),
        ("board member", es, Role.Name.BOARD_MEMBER),
    ]
    for persona, partnership, role in grants:
        Role.objects.create(user=users[persona], partnership=partnership, name=role)
    # East Staffordshire's plan has no delivery table, so the test adds one action.
    action = Action.objects.create(
        priority=plan.priorities.first(), action="Test action", lead_user=users["lead officer of the action"]
    )
    Action.objects.create(
        priority=plan.priorities.first(),
        action="Other action",
        lead_user=users["lead officer of another action"],
    )
    project, other_project = plan.projects.all()[:2]
    project.provider_users.add(users["provider of the project"])
    other_project.provider_users.add(users["provider of another project"])
    return {"users": users, "plan": plan, "action": action, "project": project}


Y, N = True, False
# persona:                anon no  other admin analyst lead lead2 prov prov2 board super
MATRIX: dict[str, list[bool]] = {
    "view draft plan": [N, N, N, Y, Y, Y, Y, Y, Y, Y, Y],
    "edit plan": [N, N, N, Y, N, N, N, N, N, N, Y],
    "edit risk": [N, N, N, Y, N, N, N, N, N, N, Y],
    "edit targets": [N, N, N, Y, Y, N, N, N, N, N, Y],
    "update action": [N, N, N, Y, N, Y, N, N, N, N, Y],
    "view project": [N, N, N, Y, Y, Y, Y, Y, Y, Y, Y],
    "view returns": [N, N, N, Y, Y, Y, Y, Y, Y, Y, Y],
    "submit return": [N, N, N, Y, N, N, N, Y, N, N, Y],
    "manage the residents' site": [N, N, N, Y, N, N, N, N, N, N, Y],
}

CHECKS: dict[str, Callable[[object, dict[str, object]], bool]] = {
    "view draft plan": lambda u, w: perm.can_view_plan(u, w["plan"]),
    "edit plan": lambda u, w: perm.can_edit_plan(u, w["plan"]),
    "edit risk": lambda u, w: perm.can_edit_risk(u, w["plan"]),
    "edit targets": lambda u, w: perm.can_edit_targets(u, w["plan"]),
    "update action": lambda u, w: perm.can_update_action(u, w["action"]),
    "view project": lambda u, w: perm.can_view_project(u, w["project"]),
    "view returns": lambda u, w: perm.can_view_returns(u, w["project"]),
    "submit return": lambda u, w: perm.can_submit_return(u, w["project"]),
    "manage the residents' site": lambda u, w: can_manage_public_site(u, w["plan"].partnership),
}


def test_the_role_matrix(world: dict[str, object]) -> None:
    users = world["users"]
    got = {check: [CHECKS[check](users[p], world) for p in PERSONAS] for check in MATRIX}
    assert got == MATRIX


def test_published_plans_are_for_everyone(world: dict[str, object]) -> None:
    lichfield_plan = Plan.objects.get(partnership__slug="lichfield")
    for persona in PERSONAS:
        assert perm.can_view_plan(world["users"][persona], lichfield_plan), persona


def test_an_inactive_user_has_no_roles(world: dict[str, object]) -> None:
    admin = world["users"]["administrator"]
    admin.is_active = False
    admin.save()
    assert not perm.can_edit_plan(admin, world["plan"])


DRAFT_URL = "/partnerships/east-staffordshire/plans/2018-2021/"


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("anonymous", 404),
        ("no role", 404),
        ("other partnership's administrator", 404),
        ("board member", 200),
        ("provider of another project", 200),
        ("superuser", 200),
    ],
)
def test_draft_plan_page_is_only_for_members(
    client: Client, world: dict[str, object], persona: str, status: int
) -> None:
    if persona != "anonymous":
        client.force_login(world["users"][persona])
    assert client.get(DRAFT_URL).status_code == status
    partnership_page = client.get("/partnerships/east-staffordshire/").content.decode()
    assert (DRAFT_URL in partnership_page) is (status == 200)


def test_sign_in_and_out(client: Client) -> None:
    User.objects.create_user(username="officer", password="a long password 123")
    page = client.get("/sign-in/")
    assert page.status_code == 200
    assert '<h1 class="govuk-heading-xl">Sign in</h1>' in page.content.decode()
    response = client.post("/sign-in/", {"username": "officer", "password": "a long password 123"})
    assert response.status_code == 302
    assert "Signed in as officer" in client.get("/").content.decode()
    client.post("/sign-out/")
    assert "Sign in</a>" in client.get("/").content.decode()


def test_sign_in_errors_use_govuk_wording(client: Client) -> None:
    html = client.post("/sign-in/", {"username": "", "password": ""}).content.decode()
    assert "There is a problem" in html
    assert "Enter your username" in html and "Enter your password" in html
    assert "<title>Error: Sign in – Safer Places</title>" in html
    html = client.post("/sign-in/", {"username": "nobody", "password": "wrong"}).content.decode()
    assert "Enter a correct username and password" in html


def test_sign_in_is_protected_by_csrf() -> None:
    client = Client(enforce_csrf_checks=True)
    assert client.post("/sign-in/", {"username": "a", "password": "b"}).status_code == 403


# -- the pages of issue #10, by persona ---------------------------------------------------------
# 200: the page; 302: sent to sign in; 403: refused; 404: not shown to exist (the plan is a draft).
ES = "/partnerships/east-staffordshire/"
ES_PLAN = ES + "plans/2018-2021/"
#  persona:             anon no  other admin analyst lead lead2 prov prov2 board super
PAGE_MATRIX: dict[str, list[int]] = {
    ES_PLAN + "manage/": [404, 404, 404, 200, 403, 403, 403, 403, 403, 403, 200],
    ES_PLAN + "manage/actions/": [404, 404, 404, 200, 403, 403, 403, 403, 403, 403, 200],
    ES_PLAN + "manage/targets/new/": [404, 404, 404, 200, 403, 403, 403, 403, 403, 403, 200],
    ES + "people/": [302, 404, 404, 200, 403, 403, 403, 403, 403, 403, 200],
    ES + "tasks/": [404, 404, 404, 200, 200, 200, 200, 200, 200, 200, 200],
    "/my-actions/": [302, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
    ES + "assessments/": [404, 404, 404, 200, 200, 200, 200, 200, 200, 200, 200],
    ES + "assessments/new/": [404, 404, 404, 200, 200, 403, 403, 403, 403, 403, 200],
    # Issue 11: members read the March review; only administrators start versions and publish.
    ES_PLAN + "review/2018/": [404, 404, 404, 200, 200, 200, 200, 200, 200, 200, 200],
    ES_PLAN + "next-year/": [404, 404, 404, 200, 403, 403, 403, 403, 403, 403, 200],
    ES_PLAN + "refresh/": [404, 404, 404, 200, 403, 403, 403, 403, 403, 403, 200],
    ES_PLAN + "publish/": [404, 404, 404, 200, 403, 403, 403, 403, 403, 403, 200],
}


def test_the_new_pages_by_persona(world: dict[str, object]) -> None:
    from saferplaces.web.work.jobs import start_job

    job = start_job(
        "target-refresh",
        world["plan"].partnership,
        world["users"]["analyst"],
        title="Refresh",
        params={"plan_id": world["plan"].pk},
    )
    matrix = PAGE_MATRIX | {
        f"{ES}tasks/{job.pk}/": PAGE_MATRIX[ES + "tasks/"],
        f"{ES}tasks/{job.pk}.json": PAGE_MATRIX[ES + "tasks/"],
    }
    got = {}
    for url in matrix:
        got[url] = []
        for persona in PERSONAS:
            client = Client()
            if persona != "anonymous":
                client.force_login(world["users"][persona])
            got[url].append(client.get(url).status_code)
    assert got == matrix


def test_the_residents_site_administration_pages_by_persona(world: dict[str, object]) -> None:
    """Issue 12: only administrators change what the residents' site shows or approve public summaries."""
    from saferplaces.web.plans.models import ProgressUpdate
    from saferplaces.web.public.models import HelpLink

    update = ProgressUpdate.objects.create(action=world["action"], date="2026-01-05", text="Internal")
    link = HelpLink.objects.create(partnership=world["plan"].partnership, help_name="Help", help_phone="101")
    site = ES + "public-site/"
    admin_only = [302, 404, 404, 200, 403, 403, 403, 403, 403, 403, 200]
    matrix = {
        site: admin_only,
        site + "contact/": admin_only,
        site + "help/new/": admin_only,
        f"{site}help/{link.pk}/edit/": admin_only,
        f"{site}updates/{update.pk}/": admin_only,
    }
    got = {}
    for url in matrix:
        got[url] = []
        for persona in PERSONAS:
            client = Client()
            if persona != "anonymous":
                client.force_login(world["users"][persona])
            got[url].append(client.get(url).status_code)
    assert got == matrix


def test_the_assessment_pages_by_persona(world: dict[str, object]) -> None:
    """Issue #10 s2 and s3: members read assessments and evidence; analysts build; administrators adopt."""
    from saferplaces.web.assessments.models import Assessment, AssessmentFile, PriorityEvidence

    plan = world["plan"]
    assessment = Assessment.objects.create(
        partnership=plan.partnership,
        area_code="E07000193",
        area_name="East Staffordshire",
        area_level="district",
        period="2025",
        period_label="calendar year 2025",
        code_version="test",
        data={"priorities": [{"theme": "Drugs", "rank": 1, "score": 0.5, "components": {}}]},
    )
    AssessmentFile.objects.create(assessment=assessment, format="html", content=b"<p>Report</p>", sha256="x")
    other = Assessment.objects.create(
        partnership=plan.partnership,
        area_code="E07000193",
        area_name="East Staffordshire",
        area_level="district",
        period="2024",
        period_label="calendar year 2024",
        code_version="test",
        data={},
    )
    priority = plan.priorities.first()
    PriorityEvidence.objects.create(priority=priority, reason_kind="community", reason="A survey")
    one = f"{ES}assessments/{assessment.pk}/"
    read = [404, 404, 404, 200, 200, 200, 200, 200, 200, 200, 200]
    #  persona:                  anon no  other admin analyst lead lead2 prov prov2 board super
    matrix = {
        ES + "assessments/": read,
        ES + "assessments/new/": [404, 404, 404, 200, 200, 403, 403, 403, 403, 403, 200],
        one: read,
        one + "report.html": read,
        one + "assessment.html": read,
        f"{one}compare/?with={other.pk}": read,
        one + "adopt/": [404, 404, 404, 200, 403, 403, 403, 403, 403, 403, 200],
        ES + "priorities/adopt-for-a-reason/": [404, 404, 404, 200, 403, 403, 403, 403, 403, 403, 200],
        f"{ES_PLAN}priorities/{priority.pk}/why/": read,
    }
    got = {}
    for url in matrix:
        got[url] = []
        for persona in PERSONAS:
            client = Client()
            if persona != "anonymous":
                client.force_login(world["users"][persona])
            got[url].append(client.get(url).status_code)
    assert got == matrix


def test_who_may_start_a_failed_task_again(world: dict[str, object]) -> None:
    """Issue #10: a failed task's "Start it again" is for those who may start that work (here a
    target refresh: administrators and analysts); other members read the page without it."""
    from saferplaces.web.work.jobs import start_job
    from saferplaces.web.work.models import Job

    job = start_job(
        "target-refresh",
        world["plan"].partnership,
        world["users"]["analyst"],
        title="Refresh",
        params={"plan_id": world["plan"].pk},
    )
    Job.objects.filter(pk=job.pk).update(status=Job.Status.FAILED, error="The worker stopped.")
    url = f"{ES}tasks/{job.pk}/retry/"
    expected = {
        "anonymous": 404,
        "no role": 404,
        "other partnership's administrator": 404,
        "administrator": 302,
        "analyst": 302,
        "lead officer of the action": 403,
        "lead officer of another action": 403,
        "provider of the project": 403,
        "provider of another project": 403,
        "board member": 403,
        "superuser": 302,
    }
    got, shown = {}, {}
    for persona in PERSONAS:
        Job.objects.filter(retry_of=job).delete()  # each persona sees the failed task not yet retried
        client = Client()
        if persona != "anonymous":
            client.force_login(world["users"][persona])
        page = client.get(f"{ES}tasks/{job.pk}/")
        shown[persona] = page.status_code == 200 and "Start it again" in page.content.decode()
        before = Job.objects.count()
        got[persona] = client.post(url).status_code
        assert Job.objects.count() == before + (got[persona] == 302), persona
    assert got == expected
    assert shown == {persona: code == 302 for persona, code in expected.items()}
    assert client.get(url).status_code == 405  # only a POST starts it again


def test_the_board_pack_pages_by_persona(world: dict[str, object], tmp_path) -> None:  # noqa: ANN001
    """Issue #11: members read board packs; administrators build them and edit the asks; administrators
    and the chair sign them off; a chair may do nothing else here."""
    import datetime as dt

    from saferplaces.data.store import Store
    from saferplaces.web.boardpacks.access import can_build_pack, can_sign_off
    from saferplaces.web.boardpacks.gather import gather
    from saferplaces.web.boardpacks.models import BoardPack, BoardPackFile
    from saferplaces.web.projects.quarters import Quarter

    plan = world["plan"]
    now = dt.datetime(2025, 11, 1, tzinfo=dt.UTC)
    content = gather(plan, Quarter(2025, 2), Store(tmp_path / "empty-store"), now)
    pack = BoardPack.objects.create(
        partnership=plan.partnership, plan=plan, year=2025, quarter=2, content=content, generated_at=now
    )
    BoardPackFile.objects.create(pack=pack, format="pdf", content=b"%PDF-", sha256="x")
    chair = User.objects.create_user(username="chair", password="x")
    Role.objects.create(user=chair, partnership=plan.partnership, name=Role.Name.CHAIR)
    users = {**world["users"], "chair": chair}
    personas = [*PERSONAS, "chair"]
    one = f"{ES}board-packs/{pack.pk}/"
    read = [404, 404, 404, 200, 200, 200, 200, 200, 200, 200, 200, 200]
    admins = [404, 404, 404, 200, 403, 403, 403, 403, 403, 403, 200, 403]
    #  persona:          anon no  other admin analyst lead lead2 prov prov2 board super chair
    matrix = {
        ES + "board-packs/": read,
        ES + "board-packs/new/": admins,
        one: read,
        one + "pack.html": read,
        one + "board-pack.pdf": read,
        one + "asks/": admins,
        one + "sign-off/": [404, 404, 404, 200, 403, 403, 403, 403, 403, 403, 200, 200],
    }
    got = {}
    for url in matrix:
        got[url] = []
        for persona in personas:
            client = Client()
            if persona != "anonymous":
                client.force_login(users[persona])
            got[url].append(client.get(url).status_code)
    assert got == matrix
    permissions = {
        "build": [can_build_pack(users[p], plan.partnership) for p in personas],
        "sign off": [can_sign_off(users[p], plan.partnership) for p in personas],
    }
    assert permissions == {
        "build": [a == 200 for a in admins],
        "sign off": [s == 200 for s in matrix[one + "sign-off/"]],
    }
    # A board member's POST to sign off is refused and changes nothing; the chair's starts the work.
    board = Client()
    board.force_login(users["board member"])
    assert board.post(one + "sign-off/").status_code == 403
    assert board.post(one + "asks/", {}).status_code == 403
    pack.refresh_from_db()
    assert not pack.signed_off
    chair_client = Client()
    chair_client.force_login(chair)
    assert chair_client.post(one + "sign-off/").status_code == 302
