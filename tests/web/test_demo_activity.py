"""The demo's invented activity (issue #11, section 4): kept apart from the seeds, idempotent, dated.

The quarters' bounds are written out here (financial year 2025/26: Q1 is 1 April to 30 June
2025, Q2 is 1 July to 30 September 2025) rather than taken from the product's quarter code.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html

import pytest
import yaml

from saferplaces.web import demo_activity
from saferplaces.web.performance.models import Target, TargetValue
from saferplaces.web.plans.models import Action, ProgressUpdate, Risk, RiskReview
from saferplaces.web.projects.models import FundingStream, Project, QuarterlyReturn
from saferplaces.web.seeds import SEEDS_DIR, load_seed_plans

Q1 = ("2025/26 Q1", dt.date(2025, 4, 1), dt.date(2025, 6, 30))
Q2 = ("2025/26 Q2", dt.date(2025, 7, 1), dt.date(2025, 9, 30))
MARK = "invented for the demo"
DEMO_SLUGS = ("lichfield", "east-staffordshire")


def _quarter(day: dt.date) -> str:
    for label, start, end in (Q1, Q2):
        if start <= day <= end:
            return label
    raise AssertionError(f"{day} is in neither 2025/26 Q1 nor Q2")


def _state() -> dict[str, list[tuple[object, ...]]]:
    """Every row the loader could write or change, as plain values."""
    return {
        "actions": sorted(Action.all_objects.values_list("pk", "action", "rag", "due_date", "retired")),
        "updates": sorted(ProgressUpdate.objects.values_list("action_id", "date", "rag", "text", "author")),
        "reviews": sorted(
            RiskReview.objects.values_list("risk_id", "date", "impact", "likelihood", "author")
        ),
        "risks": sorted(Risk.all_objects.values_list("pk", "risk", "impact", "likelihood", "status")),
        "targets": sorted(Target.all_objects.values_list("pk", "description", "baseline_value")),
        "values": sorted(TargetValue.objects.values_list("target_id", "period", "value", "note")),
        "projects": sorted(Project.all_objects.values_list("pk", "name", "budget", "contract_start")),
        "returns": sorted(
            QuarterlyReturn.objects.values_list("project_id", "period", "submitted_on", "spend")
        ),
        "streams": sorted(FundingStream.all_objects.values_list("pk", "name")),
    }


@pytest.mark.django_db
def test_loading_twice_changes_nothing_the_second_time() -> None:
    load_seed_plans()
    first = demo_activity.load_demo_activity()
    assert [r.loaded for r in first] == [True, True]
    after_first = _state()
    again = demo_activity.load_demo_activity()
    assert [r.loaded for r in again] == [False, False]
    assert all("left as it is" in r.assumptions[0] for r in again)
    assert _state() == after_first


@pytest.mark.django_db
def test_a_partnership_that_is_not_loaded_is_skipped_and_said() -> None:
    results = demo_activity.load_demo_activity()
    assert [r.loaded for r in results] == [False, False]
    assert "is not loaded" in results[0].assumptions[0]
    assert not ProgressUpdate.objects.exists()


@pytest.mark.django_db
def test_a_bad_name_in_the_fixture_saves_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    from saferplaces.errors import DataFormatError

    load_seed_plans()
    before = _state()
    real = demo_activity.read_demo_activity

    def broken(name: str) -> dict[str, object]:
        data = real(name)
        data["risks"] = [*data.get("risks", []), {"risk": "No such risk", "reviews": []}]
        return data

    monkeypatch.setattr(demo_activity, "read_demo_activity", broken)
    with pytest.raises(DataFormatError, match="matches 0 records"):
        demo_activity.load_demo_file("east-staffordshire.yaml")
    assert _state() == before


@pytest.mark.django_db
def test_the_seed_transcriptions_are_never_touched() -> None:
    files = sorted(SEEDS_DIR.glob("*.yaml"))
    digests = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in files}
    load_seed_plans()
    assert not ProgressUpdate.objects.exists() and not RiskReview.objects.exists()  # seeds hold no activity
    demo_activity.load_demo_activity()
    assert {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in files} == digests
    # The fixtures live apart from the seeds and say at once that they are invented.
    demo_files = sorted(demo_activity.DEMO_DIR.glob("*.yaml"))
    assert demo_activity.DEMO_DIR.parent == SEEDS_DIR.parent and demo_activity.DEMO_DIR != SEEDS_DIR
    assert len(demo_files) == 2
    for path in demo_files:
        assert path.read_text(encoding="utf-8").startswith("# INVENTED FOR DEMONSTRATION.")
    # Every transcribed field of the two seed plans reads as the seed file has it.
    for name in ("lichfield-2022-2025.yaml", "east-staffordshire-2018-2021.yaml"):
        seed = yaml.safe_load((SEEDS_DIR / name).read_text(encoding="utf-8"))
        slug = seed["partnership"]["slug"]
        transcribed = [
            (p["title"], a.get("action", ""), a.get("outcome", ""), a.get("lead_officer", ""))
            for p in seed.get("priorities", [])
            for a in p.get("actions", [])
        ]
        held = list(
            Action.all_objects.filter(priority__plan__partnership__slug=slug)
            .exclude(action__endswith=f"({MARK})")
            .order_by("priority__order", "order")
            .values_list("priority__title", "action", "outcome", "lead_officer")
        )
        assert held == transcribed
        risks = [(r["risk"], r["impact"], r["likelihood"]) for r in seed.get("risks", [])]
        assert (
            list(
                Risk.all_objects.filter(plan__partnership__slug=slug)
                .exclude(risk__endswith=f"({MARK})")
                .order_by("order")
                .values_list("risk", "impact", "likelihood")
            )
            == risks
        )
        targets = [(t["description"], t.get("baseline_value")) for t in seed.get("targets", [])]
        held_targets = [
            (d, None if b is None else int(b))
            for d, b in Target.all_objects.filter(plan__partnership__slug=slug)
            .exclude(description__endswith=f"({MARK})")
            .order_by("order")
            .values_list("description", "baseline_value")
        ]
        assert held_targets == targets
        # The seed's own target periods keep no value: only the invented quarters have one.
        assert (
            not TargetValue.objects.filter(target__plan__partnership__slug=slug, value__isnull=False)
            .exclude(period__in=[Q1[0], Q2[0]])
            .exists()
        )


@pytest.mark.django_db
def test_every_record_falls_in_its_quarter_and_q2_has_fewer() -> None:
    load_seed_plans()
    demo_activity.load_demo_activity()
    for slug in DEMO_SLUGS:
        per_quarter = {Q1[0]: 0, Q2[0]: 0}
        updates = ProgressUpdate.objects.filter(action__priority__plan__partnership__slug=slug)
        reviews = RiskReview.objects.filter(risk__plan__partnership__slug=slug)
        assert updates.exists() and reviews.exists()
        for record in [*updates, *reviews]:
            assert record.author == "Demo data (invented for the demo)"
            per_quarter[_quarter(record.date)] += 1
        values = TargetValue.objects.filter(target__plan__partnership__slug=slug, value__isnull=False)
        returns = QuarterlyReturn.objects.filter(project__partnership__slug=slug)
        assert values.exists() and returns.exists()
        for value in values:
            assert value.note == "Invented for the demo."
            per_quarter[value.period] += 1
        for item in returns:
            assert item.narrative.endswith("Invented for the demo.")
            label, _, end = Q1 if item.period == Q1[0] else Q2
            assert item.period == label and item.submitted_on > end  # a return follows its quarter
            assert item.due_date == end + dt.timedelta(days=30)
            per_quarter[label] += 1
        assert per_quarter[Q1[0]] > per_quarter[Q2[0]] > 0, (slug, per_quarter)


@pytest.mark.django_db
def test_the_activity_holds_what_a_board_pack_reports() -> None:
    load_seed_plans()
    demo_activity.load_demo_activity()
    actions = Action.objects.filter(priority__plan__partnership__slug__in=DEMO_SLUGS)
    # Red and amber actions, and actions due before the end of Q2 that are not green (overdue).
    assert {"red", "amber", "green"} <= set(actions.values_list("rag", flat=True))
    overdue = actions.filter(due_date__lt=Q2[2]).exclude(rag="green")
    assert overdue.exists()
    # An action's RAG is its latest update's, and an action changed RAG between the quarters.
    changed = 0
    for action in actions.filter(updates__isnull=False).distinct():
        ordered = list(action.updates.order_by("date"))
        assert action.rag == ordered[-1].rag
        changed += len({u.rag for u in ordered}) > 1
    assert changed >= 2
    # A risk whose score (impact and likelihood, low 0 to high 2 each) rose from Q1 to Q2.
    level = {"low": 0, "medium": 1, "high": 2}
    rose = []
    for risk in Risk.objects.filter(plan__partnership__slug__in=DEMO_SLUGS):
        by_quarter = {_quarter(r.date): level[r.impact] + level[r.likelihood] for r in risk.reviews.all()}
        if Q1[0] in by_quarter and Q2[0] in by_quarter and by_quarter[Q2[0]] > by_quarter[Q1[0]]:
            rose.append(risk)
            latest = risk.reviews.order_by("-date").first()
            assert (risk.impact, risk.likelihood) == (latest.impact, latest.likelihood)
    assert len(rose) >= 2
    # Projects: one return late (submitted more than 30 days after its quarter), one missing.
    late = [r for r in QuarterlyReturn.objects.all() if r.submitted_on > r.due_date]
    assert [(r.project.name.split(" (")[0], r.period) for r in late] == [("ISVA Service", Q1[0])]
    missing = [
        p.name
        for p in Project.objects.filter(partnership__slug__in=DEMO_SLUGS, contract_start__lte=Q2[1])
        if p.contract_end >= Q2[2] and not p.returns.filter(period=Q2[0]).exists()
    ]
    assert missing == ["Communities Against Hate Crime (CACH)"]
    # Spend: every return reports it; the budget is the contract's, so a quarter's profile is the
    # budget over the contract's quarters; one project spent less than half its Q1 profile.
    assert not QuarterlyReturn.objects.filter(spend__isnull=True).exists()
    behind = []
    for item in QuarterlyReturn.objects.filter(period=Q1[0]):
        project = item.project
        months = (project.contract_end.year - project.contract_start.year) * 12 + (
            project.contract_end.month - project.contract_start.month + 1
        )
        profile = project.budget * 3 / months  # the quarter's share of the contract's budget
        if item.spend < profile / 2:
            behind.append(item)
    assert [r.project.name for r in behind] == ["Communities Against Hate Crime (CACH)"]
    # Records the seeds do not have say they are invented, in their titles.
    for name in Project.objects.filter(partnership__slug="lichfield").values_list("name", flat=True):
        assert name.endswith(f"({MARK})")
    assert Action.objects.filter(priority__plan__partnership__slug="east-staffordshire").count() == 3
    for text in Action.objects.filter(priority__plan__partnership__slug="east-staffordshire").values_list(
        "action", flat=True
    ):
        assert text.endswith(f"({MARK})")


def test_serve_loads_the_demo_activity_after_the_seed_plans(
    monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    from click.testing import CliRunner

    from saferplaces.cli import commands_web

    calls: list[str] = []
    monkeypatch.setattr("django.core.management.call_command", lambda *a, **k: calls.append(a[0]))
    # The board packs are made in a child process (Typst's threads must not be forked into the
    # server's workers); record it here, and see the test below for a real child process.
    monkeypatch.setattr(commands_web, "_in_child_process", lambda command: calls.append(f"child {command}"))
    monkeypatch.setenv("SAFERPLACES_HOME", str(tmp_path))
    result = CliRunner().invoke(
        commands_web.serve_command, ["--seed-plans", "--demo-activity", "--dev", "--store", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert calls == [
        "migrate",
        "load_seed_plans",
        "load_demo_activity",
        "child make_demo_packs",
        "runserver",
    ]


def test_a_child_process_runs_a_command_on_this_process_store(
    monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    import sqlite3

    from saferplaces.cli import commands_web

    monkeypatch.delenv("DATABASE_URL", raising=False)  # never the suite's PostgreSQL server
    monkeypatch.delenv("SAFERPLACES_DB", raising=False)
    monkeypatch.setenv("SAFERPLACES_HOME", str(tmp_path))
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "saferplaces.web.config.settings.local")
    commands_web._in_child_process("migrate")
    databases = list(tmp_path.rglob("*.sqlite3"))
    assert len(databases) == 1, databases
    with sqlite3.connect(databases[0]) as db:
        names = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"auth_user", "boardpacks_boardpack"} <= names


@pytest.mark.django_db
def test_the_demo_shows_a_signed_off_q1_pack_and_a_draft_q2_pack(tmp_path) -> None:  # noqa: ANN001
    """Issue #11 section 4: what `./run demo` runs after the activity gives each demo partnership
    a 2025/26 Q1 pack signed off by the demo chair and a Q2 draft; a second run builds nothing."""
    from io import StringIO

    from django.core.management import call_command

    from saferplaces.web.boardpacks.models import BoardPack
    from saferplaces.web.demo_accounts import ensure_demo_accounts

    load_seed_plans()
    demo_activity.load_demo_activity()
    ensure_demo_accounts(tmp_path)
    out = StringIO()
    call_command("make_demo_packs", stdout=out)
    packs = BoardPack.objects.order_by("partnership__slug", "quarter")
    got = [(p.partnership.slug, p.year, p.quarter, p.signed_off) for p in packs]
    assert got == [
        ("east-staffordshire", 2025, 1, True),
        ("east-staffordshire", 2025, 2, False),
        ("lichfield", 2025, 1, True),
        ("lichfield", 2025, 2, False),
    ]
    assert "(signed off)" in out.getvalue() and "(draft)" in out.getvalue()
    assert {p.signed_off_by.username for p in packs if p.signed_off} == {"demo-chair"}
    ids = list(packs.values_list("pk", flat=True))
    call_command("make_demo_packs", stdout=StringIO())
    assert (
        list(BoardPack.objects.order_by("partnership__slug", "quarter").values_list("pk", flat=True)) == ids
    )


@pytest.mark.django_db
def test_the_management_command_says_what_it_loaded() -> None:
    from io import StringIO

    from django.core.management import call_command

    load_seed_plans()
    out = StringIO()
    call_command("load_demo_activity", stdout=out)
    assert (
        "Loaded invented demo activity for lichfield: 15 updates, 6 public summaries, 3 reviews, "
        "3 values, 2 returns" in out.getvalue()
    )
    call_command("load_demo_activity", stdout=out)
    assert (
        "Skipped east-staffordshire: Its demo activity was loaded before and is left as it is."
        in out.getvalue()
    )


@pytest.mark.django_db
def test_the_pages_show_the_activity_as_invented() -> None:
    from django.contrib.auth.models import User
    from django.test import Client

    from saferplaces.web.accounts.models import Role
    from saferplaces.web.partnerships.models import Partnership

    load_seed_plans()
    demo_activity.load_demo_activity()
    board = User.objects.create_user("board", password="x")
    for partnership in Partnership.objects.filter(slug__in=DEMO_SLUGS):
        Role.objects.create(user=board, partnership=partnership, name=Role.Name.BOARD_MEMBER)
    client = Client()
    client.force_login(board)
    delivery = client.get("/partnerships/lichfield/plans/2022-2025/delivery/")
    assert delivery.status_code == 200
    assert "Demo data (invented for the demo)" in delivery.content.decode()
    risks = client.get("/partnerships/east-staffordshire/plans/2018-2021/risks/")
    assert risks.status_code == 200
    cach = Project.objects.get(name__startswith="Communities Against Hate Crime")
    page = client.get(f"/partnerships/east-staffordshire/projects/{cach.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "£1,400" in html and "Invented for the demo." in html


@pytest.mark.django_db
def test_residents_read_the_approved_summaries_and_never_the_waiting_one() -> None:
    from django.test import Client

    load_seed_plans()
    demo_activity.load_demo_activity()
    updates = ProgressUpdate.objects.filter(action__priority__plan__partnership__slug__in=DEMO_SLUGS)
    written = updates.exclude(public_summary="")
    approved = [u for u in written if u.publicly_approved]
    waiting = [u for u in written if not u.publicly_approved]
    assert len(approved) == 7 and len(waiting) == 1
    for update in approved:  # approved on the update's own day, by nobody named
        assert update.public_approved_at.date() == update.date and update.public_approved_by is None
    page = html.unescape(Client().get("/public/lichfield/progress/").content.decode())
    assert "This is a demonstration." in page
    for update in written:
        shown = update.public_summary in page
        slug = update.action.priority.plan.partnership.slug
        assert shown == (update.publicly_approved and slug == "lichfield"), update.public_summary
    for update in updates:  # an update's own words never reach residents
        assert update.text not in page
