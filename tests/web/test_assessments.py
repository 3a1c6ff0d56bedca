"""Assessments built in the application, compared, and priorities adopted from them (issue #10, s2 and s3).

The assessments are built from a real store of the bundled police.uk months. Expected
counts are read from the raw CSV files (tests/conftest.py), not from the product.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace

import pytest
from django.contrib.auth.models import User
from django.test import Client
from scipy.stats import binomtest

from saferplaces.assessment.priorities import ASB
from saferplaces.data.periods import parse_period
from saferplaces.errors import InputError
from saferplaces.web.accounts.models import Role
from saferplaces.web.assessments.build import read_build, save_assessment
from saferplaces.web.assessments.compare import compare, hotspot_places
from saferplaces.web.assessments.models import Assessment, FrozenRecordError, PriorityEvidence
from saferplaces.web.audit.models import AuditEntry
from saferplaces.web.partnerships.models import Partnership
from saferplaces.web.plans.models import Priority
from saferplaces.web.seeds import load_seed_plans
from saferplaces.web.work.models import Job
from tests.conftest import raw_counts_by_type
from tests.web.helpers import run_tasks
from tests.web.test_accessibility import assert_page_structure

pytestmark = pytest.mark.django_db

LICHFIELD = "E07000194"
BASE = "/partnerships/lichfield/assessments/"
MONTHS_2025 = [f"2025-{m:02d}" for m in range(1, 13)]
MONTHS_2024 = [f"2024-{m:02d}" for m in range(1, 5)]  # the bundled months of 2024


@pytest.fixture(scope="module")
def built(bundled_store):  # noqa: ANN001, ANN201
    """Lichfield for 2025 and for 2024 (four months held), built once for the module: nothing is saved."""
    from django.conf import settings

    saved = settings.ENV
    settings.ENV = replace(settings.ENV, store_dir=bundled_store.root)
    try:
        params = {"area_code": LICHFIELD, "compare": "previous", "extract": "", "weights": {}}
        return {
            "2025": (read_build({**params, "period": "2025"}), {**params, "period": "2025"}),
            "2024": (
                read_build({**params, "period": "2024", "allow_partial": True}),
                {**params, "period": "2024", "allow_partial": True},
            ),
        }
    finally:
        settings.ENV = saved


@pytest.fixture
def world(settings, bundled_store) -> dict[str, object]:
    settings.ENV = replace(settings.ENV, store_dir=bundled_store.root)
    load_seed_plans()
    lichfield = Partnership.objects.get(slug="lichfield")
    users = {}
    for name, role in [
        ("analyst", Role.Name.ANALYST),
        ("admin", Role.Name.ADMINISTRATOR),
        ("board", Role.Name.BOARD_MEMBER),
    ]:
        users[name] = User.objects.create_user(username=name, password="x", first_name=name.title())
        Role.objects.create(user=users[name], partnership=lichfield, name=role)
    users["outsider"] = User.objects.create_user(username="outsider", password="x")
    Role.objects.create(
        user=users["outsider"],
        partnership=Partnership.objects.get(slug="stafford"),
        name=Role.Name.ADMINISTRATOR,
    )
    return {"partnership": lichfield, "users": users}


def client_for(world: dict[str, object], name: str) -> Client:
    client = Client()
    client.force_login(world["users"][name])
    return client


def saved(world: dict[str, object], built: dict, period: str, user: str = "analyst") -> Assessment:
    (assessment, files), params = built[period]
    params = {**params, "partnership_id": world["partnership"].pk, "user": world["users"][user]}
    return save_assessment(None, params, assessment, files)


def text(response) -> str:  # noqa: ANN001
    return response.content.decode()


def test_an_analyst_builds_an_assessment_in_the_background(world) -> None:
    analyst = client_for(world, "analyst")
    page = text(analyst.get(BASE + "new/"))
    assert_page_structure(page, "build form")
    assert "Lichfield (the partnership&#39;s area)" in page and "Curborough (ward)" in page
    response = analyst.post(
        BASE + "new/",
        {
            "area": LICHFIELD,
            "period": "2025",
            "compare": "previous",
            "partial": "no",
            "extract": "",
            **{f"weight_{k}": v for k, v in {"harm": 3, "volume": 3, "change": 2}.items()},
            "weight_versus_force": 1,
            "weight_versus_peers": 1,
            "weight_vulnerability": 2,
        },
    )
    job = Job.objects.get()
    assert response["Location"] == f"/partnerships/lichfield/tasks/{job.pk}/"
    assert not Assessment.objects.exists()  # nothing is built inside the request
    page = text(analyst.get(response["Location"]))
    assert "Waiting for the worker to start this task." in page and "0 of 7 steps done" in page
    run_tasks()
    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    assessment = Assessment.objects.get()
    assert job.result_url == f"{BASE}{assessment.pk}/"
    assert (assessment.area_name, assessment.period_label, assessment.version) == (
        "Lichfield",
        "calendar year 2025",
        1,
    )
    assert assessment.created_by == world["users"]["analyst"] and assessment.created_by_name == "Analyst"
    assert assessment.snapshot_id == job.snapshot_id != ""
    assert assessment.code_version and assessment.weights["harm"] == 3
    # The figures are the raw files' counts (2025, rows whose LSOA lies in Lichfield).
    raw = raw_counts_by_type(MONTHS_2025, LICHFIELD, "2021")
    assert assessment.data["headline"]["asb"]["count"] == raw[ASB]
    assert assessment.data["headline"]["crime"]["count"] == sum(raw.values()) - raw[ASB]
    files = {f.format: bytes(f.content) for f in assessment.files.all()}
    assert sorted(files) == ["docx", "html", "json", "pdf", "xlsx"]
    assert files["pdf"].startswith(b"%PDF") and files["docx"][:2] == files["xlsx"][:2] == b"PK"
    assert json.loads(files["json"])["headline"] == assessment.data["headline"]
    # The page, the report in its frame, and a download.
    page = text(analyst.get(f"{BASE}{assessment.pk}/"))
    assert_page_structure(page, "assessment")
    assert 'sandbox=""' in page and f"{BASE}{assessment.pk}/report.html" in page
    report = analyst.get(f"{BASE}{assessment.pk}/report.html")
    assert report["Content-Security-Policy"].startswith("sandbox;")
    assert report["X-Frame-Options"] == "SAMEORIGIN"
    assert report.content == files["html"]
    download = analyst.get(f"{BASE}{assessment.pk}/assessment.pdf")
    assert download.content == files["pdf"]
    assert download["Content-Disposition"].startswith(
        'attachment; filename="assessment-lichfield-calendar-year'
    )


def test_a_build_that_fails_saves_nothing_and_says_why(world) -> None:
    analyst = client_for(world, "analyst")
    weights = {f"weight_{k}": 1 for k in ("harm", "volume", "change", "versus_force", "versus_peers")}
    data = {
        "area": LICHFIELD,
        "period": "2020",
        "compare": "previous",
        "partial": "no",
        "weight_vulnerability": 0,
        **weights,
    }
    job_url = analyst.post(BASE + "new/", data)["Location"]
    run_tasks()
    page = text(analyst.get(job_url))
    assert "The store holds no police.uk data for Lichfield in the calendar year 2020." in page
    assert "Nothing was saved." in page and not Assessment.objects.exists()


@pytest.mark.parametrize("period", ["2025-13", "2024/26", "2025-04..2025-01", "last year"])
def test_the_period_is_checked_with_the_cli_messages(world, period: str) -> None:
    with pytest.raises(InputError) as raised:
        parse_period(period)
    weights = {f"weight_{k}": 1 for k in ("harm", "volume", "change", "versus_force", "versus_peers")}
    data = {
        "area": LICHFIELD,
        "period": period,
        "compare": "previous",
        "partial": "no",
        "weight_vulnerability": 0,
        **weights,
    }
    page = text(client_for(world, "analyst").post(BASE + "new/", data))
    assert "There is a problem" in page
    assert str(raised.value).replace("'", "&#39;") in page
    assert not Job.objects.exists()


def test_an_assessment_is_frozen_and_versioned(world, built) -> None:
    first = saved(world, built, "2025")
    second = saved(world, built, "2025")
    assert (first.version, second.version) == (1, 2)
    first.area_name = "Somewhere else"
    with pytest.raises(FrozenRecordError):
        first.save()
    with pytest.raises(FrozenRecordError):
        first.delete()
    file = first.files.first()
    file.content = b"changed"
    with pytest.raises(FrozenRecordError):
        file.save()
    with pytest.raises(FrozenRecordError):
        Assessment.objects.filter(pk=first.pk).update(area_name="Somewhere else")
    with pytest.raises(FrozenRecordError):
        Assessment.objects.all().delete()
    first.refresh_from_db()
    assert first.area_name == "Lichfield"
    # Deleting the partnership still removes its records, evidence included.
    plan = world["partnership"].plans.get()
    PriorityEvidence.objects.create(
        priority=plan.priorities.first(), assessment=first, candidate="Drugs", evidence={"theme": "Drugs"}
    )
    world["partnership"].delete()
    assert not Assessment.objects.exists() and not PriorityEvidence.objects.exists()


def test_two_years_compared(world, built) -> None:
    later, earlier = saved(world, built, "2025"), saved(world, built, "2024")
    result = compare(earlier, later)
    raw_now, raw_then = (
        raw_counts_by_type(MONTHS_2025, LICHFIELD, "2021"),
        raw_counts_by_type(MONTHS_2024, LICHFIELD, "2021"),
    )
    rows = {r.name: r for r in result.crime_types}
    for name, row in rows.items():
        assert (row.earlier_count, row.later_count) == (raw_then.get(name, 0), raw_now.get(name, 0))
        # Independently: conditional on the total, the later count is binomial with p = 12/16.
        if row.earlier_count + row.later_count:
            p = binomtest(row.later_count, row.earlier_count + row.later_count, 12 / 16).pvalue
            if p < 0.01:
                assert row.label in ("increase", "decrease"), name
            elif p > 0.2:
                assert row.label == "no-significant-change", name
    assert {r.theme: r.later_rank for r in result.ranks if r.later_rank} == {
        p["theme"]: p["rank"] for p in later.data["priorities"]
    }
    now, then = hotspot_places(later), hotspot_places(earlier)
    assert set(result.new_hotspots) == set(now) - set(then)
    assert set(result.gone_hotspots) == set(then) - set(now)
    page = text(client_for(world, "board").get(f"{BASE}{later.pk}/compare/?with={earlier.pk}"))
    assert_page_structure(page, "comparison")
    assert "Lichfield: calendar year 2025 compared with 4 of 12 months (January to April 2024)" in page
    assert "Rank of candidate priorities" in page and "New hotspots" in page


def test_adopting_priorities_from_the_evidence_and_for_a_reason(world, built) -> None:
    assessment = saved(world, built, "2025")
    plan = world["partnership"].plans.get()
    existing = plan.priorities.get(title="Anti-Social Behaviour")
    admin = client_for(world, "admin")
    decision = {"plan": plan.pk, "decided_on-day": "14", "decided_on-month": "1", "decided_on-year": "2026"}
    page = text(admin.get(f"{BASE}{assessment.pk}/adopt/?candidate=Vehicle+crime"))
    assert_page_structure(page, "adopt form")
    # A new priority from the vehicle crime candidate.
    response = admin.post(
        f"{BASE}{assessment.pk}/adopt/",
        {
            **decision,
            "candidate": "Vehicle crime",
            "priority": "new",
            "title": "Vehicle crime",
            "minute_reference": "LCSP 14/01/26 item 5",
        },
    )
    new = Priority.objects.get(plan=plan, title="Vehicle crime")
    assert response["Location"] == f"/partnerships/lichfield/plans/{plan.slug}/priorities/{new.pk}/why/"
    # The plan's own ASB priority linked to the ASB candidate.
    admin.post(
        f"{BASE}{assessment.pk}/adopt/",
        {**decision, "candidate": ASB, "priority": existing.pk, "minute_reference": "LCSP 14/01/26 item 6"},
    )
    # And one for a reason the data cannot show.
    response = admin.post(
        BASE.replace("assessments/", "priorities/adopt-for-a-reason/"),
        {
            **decision,
            "priority": "new",
            "title": "Prevent duty",
            "reason_kind": "statutory",
            "reason": "The Prevent duty (Counter-Terrorism and Security Act 2015, section 26).",
            "minute_reference": "LCSP 14/01/26 item 7",
        },
    )
    prevent = Priority.objects.get(plan=plan, title="Prevent duty")
    assert PriorityEvidence.objects.count() == 3
    vehicle = PriorityEvidence.objects.get(priority=new)
    raw = raw_counts_by_type(MONTHS_2025, LICHFIELD, "2021")
    assert vehicle.evidence["figures"]["count"] == raw["Vehicle crime"]
    assert vehicle.evidence["components"] == next(
        p["components"] for p in assessment.data["priorities"] if p["theme"] == "Vehicle crime"
    )
    assert PriorityEvidence.objects.get(priority=existing).evidence["figures"]["count"] == raw[ASB]
    # The decision is in the audit trail, with its date and minute reference.
    entries = AuditEntry.objects.filter(model="assessments.priorityevidence")
    assert entries.count() == 3
    assert {e.after["minute_reference"] for e in entries} == {f"LCSP 14/01/26 item {i}" for i in (5, 6, 7)}
    assert {e.after["decided_on"] for e in entries} == {"2026-01-14"}
    assert AuditEntry.objects.filter(model="plans.priority", kind="created").count() == 2
    # The evidence is frozen with the assessment.
    vehicle.reason = "changed"
    with pytest.raises(FrozenRecordError):
        vehicle.save()

    board = client_for(world, "board")
    page = text(board.get(f"/partnerships/lichfield/plans/{plan.slug}/priorities/{new.pk}/why/"))
    assert_page_structure(page, "why")
    figures = vehicle.evidence["figures"]
    assert f"{raw['Vehicle crime']:,} recorded in Lichfield in the calendar year 2025" in page
    assert f"95% confidence interval {figures['lower']:.1f} to {figures['upper']:.1f}" in page
    assert f"p = {figures['change_p']:.3f}" in page
    for sentence in vehicle.evidence["sentences"].values():
        assert sentence.replace("'", "&#39;") in page
    assert f"{BASE}{assessment.pk}/report.html#table-priorities" in page
    assert "LCSP 14/01/26 item 5" in page
    page = text(board.get(f"/partnerships/lichfield/plans/{plan.slug}/priorities/{prevent.pk}/why/"))
    assert "A statutory duty" in page and "Counter-Terrorism and Security Act 2015" in page
    plan_page = text(board.get(f"/partnerships/lichfield/plans/{plan.slug}/"))
    assert f"/priorities/{new.pk}/why/" in plan_page
    # A board member reads, and can change nothing.
    before = PriorityEvidence.objects.count()
    assert board.get(f"{BASE}{assessment.pk}/adopt/").status_code == 403
    assert board.post(f"{BASE}{assessment.pk}/adopt/", {**decision, "candidate": "Drugs"}).status_code == 403
    assert board.get(BASE + "new/").status_code == 403
    assert PriorityEvidence.objects.count() == before
    assert "Adopt<span" not in text(board.get(f"{BASE}{assessment.pk}/"))


def test_adoption_errors_use_govuk_wording_and_save_nothing(world, built) -> None:
    assessment = saved(world, built, "2025")
    plan = world["partnership"].plans.get()
    response = client_for(world, "admin").post(
        f"{BASE}{assessment.pk}/adopt/", {"plan": plan.pk, "candidate": "Vehicle crime", "priority": "new"}
    )
    page = text(response)
    for message in (
        "Enter the title of the new priority",
        "Enter the date of the board meeting",
        "Enter the minute reference",
    ):
        assert message in page
    assert not PriorityEvidence.objects.exists() and not AuditEntry.objects.exists()


def test_nothing_leaves_the_partnership(world, built) -> None:
    assessment = saved(world, built, "2025")
    outsider, anonymous = client_for(world, "outsider"), Client()
    for url in (
        BASE,
        BASE + "new/",
        f"{BASE}{assessment.pk}/",
        f"{BASE}{assessment.pk}/report.html",
        f"{BASE}{assessment.pk}/assessment.json",
        f"{BASE}{assessment.pk}/adopt/",
    ):
        assert outsider.get(url).status_code == 404, url
        assert anonymous.get(url).status_code == 404, url
    # And the public plan page names no evidence link to those outside it.
    plan = world["partnership"].plans.get()
    PriorityEvidence.objects.create(
        priority=plan.priorities.first(), reason_kind="community", reason="Survey"
    )
    assert not re.search(
        r"/priorities/\d+/why/", text(anonymous.get(f"/partnerships/lichfield/plans/{plan.slug}/"))
    )


def test_the_demo_links_the_seeds_evidence(world) -> None:
    from saferplaces.web.assessments.demo import queue_demo_assessments

    jobs = queue_demo_assessments()
    assert {j.partnership.slug for j in jobs} == {"lichfield", "stafford"}
    assert queue_demo_assessments() == []  # queued already: not twice
    run_tasks()
    assert set(Job.objects.values_list("status", flat=True)) == {"succeeded"}
    stafford_asb = PriorityEvidence.objects.get(priority__title="Anti-Social Behaviour (ASB)")
    raw = raw_counts_by_type(MONTHS_2025, "E07000197", "2021")  # Stafford
    assert stafford_asb.evidence["figures"]["count"] == raw[ASB]
    vehicle = PriorityEvidence.objects.get(priority__title="Crime prevention")
    assert vehicle.candidate == "Vehicle crime"
    assert (
        vehicle.evidence["figures"]["count"]
        == raw_counts_by_type(MONTHS_2025, LICHFIELD, "2021")["Vehicle crime"]
    )
    assert vehicle.evidence["figures"]["versus_force"] in ("higher", "lower", "similar")
    prevent = PriorityEvidence.objects.get(
        priority__plan__partnership__slug="lichfield", priority__title="Prevent"
    )
    assert (prevent.reason_kind, prevent.assessment) == ("statutory", None)
    # The seed plans keep their transcribed text.
    assert "499 Vehicle Offences" in " ".join(vehicle.priority.reasons) + vehicle.priority.evidence
    assert queue_demo_assessments() == []  # built already


def test_with_every_plan_frozen_the_adoption_pages_say_how_to_go_on(world, built) -> None:
    """Issue 11: a published (recorded) version takes no new priority; the pages say so and what to do."""
    import datetime as dt

    from saferplaces.web.plans.publication import publish_plan

    assessment = saved(world, built, "2025")
    admin = client_for(world, "admin")
    warning = "so none can take a new priority"
    assert warning not in text(admin.get(f"{BASE}{assessment.pk}/adopt/"))
    plan = world["partnership"].plans.get()
    publish_plan(plan, world["users"]["admin"], "Board agreed the plan", dt.date(2025, 3, 14))
    for url in (f"{BASE}{assessment.pk}/adopt/", "/partnerships/lichfield/priorities/adopt-for-a-reason/"):
        page = text(admin.get(url))
        assert warning in page and "start a refresh or next year's plan" in page, url


def test_months_compared_read_without_a_stray_the(world, bundled_store, settings) -> None:
    """Two single-month assessments side by side: "version 1 of the assessment of March 2025",
    "in February 2025", never "the March 2025"; one month held reads "1 month held"."""
    import re

    from saferplaces.web.assessments.compare import compare as compare_two

    settings.ENV = replace(settings.ENV, store_dir=bundled_store.root)
    params = {"area_code": LICHFIELD, "compare": "previous", "extract": "", "weights": {}}
    months = {}
    for period in ("2025-02", "2025-03"):
        build = {**params, "period": period}
        months[period] = saved(world, {period: (read_build(build), build)}, period)
    earlier, later = months["2025-02"], months["2025-03"]
    assumptions = " ".join(compare_two(earlier, later).assumptions)
    assert "Changes compare March 2025 (1 month held) with February 2025 (1 month held)" in assumptions
    page = text(client_for(world, "board").get(f"{BASE}{later.pk}/compare/?with={earlier.pk}"))
    assert "of the assessment of March 2025 beside version" in page
    own_page = text(client_for(world, "board").get(f"{BASE}{later.pk}/"))
    for html in (page, assumptions, own_page):
        # "the March 2025 assessment" is right: the label is an adjective there
        found = re.search(r".{120}\bthe (February|March) 2025\b(?! assessment).{40}", html, re.S)
        assert not found, found and found.group(0)
        assert "1 months" not in html
