"""No page, data twin, download, API endpoint or feed shows an unpublished field to the public (#11, #12).

Every internal field the project holds (internal notes, internal mitigations, officers' names
without their consent, update text and unapproved summaries, risk reviews, draft versions,
board-pack content, returns) is given a sentinel string of its own. The test then walks
Django's URL table, not a list kept by hand, and asks for every address as a signed-out
reader and as a signed-in member of another partnership, with the arguments of the
published plans, of a draft version and of each record; a sentinel in any answer (HTML, CSV,
JSON, Atom, or the text inside an XLSX, DOCX or PDF) fails the test, naming the address and the
field. A URL argument the walk cannot fill fails the test too.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client
from django.urls import get_resolver, reverse
from django.utils import timezone

from saferplaces.web.accounts.models import Role
from saferplaces.web.assessments.models import PriorityEvidence
from saferplaces.web.boardpacks.models import BoardPack
from saferplaces.web.partnerships.models import Partnership, Person
from saferplaces.web.performance.models import Target, TargetValue
from saferplaces.web.plans.models import Action, Governance, Plan, Priority, ProgressUpdate, Risk, RiskReview
from saferplaces.web.plans.publication import publish_plan
from saferplaces.web.projects.models import Project, QuarterlyReturn
from saferplaces.web.public.models import HelpLink
from saferplaces.web.seeds import load_seed_plans
from tests.web.test_post_refusals import OPEN, _patterns

pytestmark = pytest.mark.django_db

#: Addresses that show no partnership data: signing in and out, password resets, invitations.
SKIPPED = OPEN


def sentinel(field: str) -> str:
    """A string no page makes up: a field's name between two markers."""
    return f"Zqx{field.replace('.', 'Q').replace('_', '')}Sentinel"


def _plant() -> dict[str, object]:
    """Sentinels in every internal field of the published seed plans, and a draft version beside them."""
    load_seed_plans()
    lichfield = Partnership.objects.get(slug="lichfield")
    es = Partnership.objects.get(slug="east-staffordshire")
    planted: dict[str, str] = {}

    def put(label: str) -> str:
        planted[label] = sentinel(label)
        return planted[label]

    lp = Plan.objects.get(partnership=lichfield)
    ep = Plan.objects.get(partnership=es)
    assert lp.status == ep.status == Plan.Status.PUBLISHED
    approver = User.objects.create_user(
        "approver-leak", first_name=put("user.first_name"), last_name=put("user.last_name")
    )
    lead = User.objects.create_user("lead-leak", first_name=put("lead_user.first_name"))
    for plan in (lp, ep):
        priority = plan.priorities.first()
        # the board's own words on why a priority was chosen, and who recorded it
        PriorityEvidence.objects.create(
            priority=priority,
            reason_kind=PriorityEvidence.Reason.COMMUNITY,
            reason=put("priorityevidence.reason"),
            minute_reference=put("priorityevidence.minute_reference"),
            created_by_name=put("priorityevidence.created_by_name"),
        )
        hidden = Action.objects.create(
            priority=priority,
            action="Patrol the parks",
            lead_officer=put("action.lead_officer"),
            lead_user=lead,
        )
        for action in [hidden, *Action.objects.filter(priority__plan=plan)]:
            ProgressUpdate.objects.create(
                action=action,
                date=dt.date(2026, 1, 5),
                text=put("progressupdate.text"),
                author=put("progressupdate.author"),
                public_summary="We met to plan the summer.",
                public_approved_by=approver,
                public_approved_at=timezone.now(),
            )
        ProgressUpdate.objects.create(
            action=hidden,
            date=dt.date(2026, 2, 5),
            text=put("progressupdate.text (no summary)"),
            author=put("progressupdate.author (no summary)"),
            public_summary=put("progressupdate.public_summary (not approved)"),
            public_summary_cy=put("progressupdate.public_summary_cy (not approved)"),
        )
        risk = Risk.objects.create(
            plan=plan,
            risk="Funding ends",
            impact="high",
            likelihood="medium",
            mitigation=put("risk.mitigation (internal)"),
            mitigation_internal=True,
            owner=put("risk.owner"),
        )
        RiskReview.objects.create(
            risk=risk,
            date=dt.date(2026, 1, 5),
            impact="high",
            likelihood="high",
            note=put("riskreview.note"),
            author=put("riskreview.author"),
        )
        Governance.objects.create(
            plan=plan, theme="Reducing reoffending", officer_responsible=put("governance")
        )
        target = Target.objects.create(
            plan=plan, priority=priority, description="Burglaries", unit="offences"
        )
        TargetValue.objects.create(
            target=target, period="2024/25", value=Decimal(10), note=put("targetvalue.note (entered)")
        )
        months = {f"2024-{m:02d}": 1 for m in range(4, 13)}
        TargetValue.objects.create(
            target=target,
            period="2024/25",
            value=Decimal(9),
            source=TargetValue.Source.COMPUTED,
            note=put("targetvalue.note (computed)"),
            detail={"count": 9, "monthly": months, "months_in_period": 12},
        )
        for t in Target.objects.filter(plan=plan):
            for v in t.values.all():
                if not v.note:
                    v.note = put("targetvalue.note (seed value)")
                    v.save()
        Person.objects.create(
            partnership=plan.partnership, name=put("person.name"), job_title=put("job_title")
        )
        HelpLink.objects.create(
            partnership=plan.partnership, help_name="Victim Support", help_phone="0808 168 9111"
        )
        BoardPack.objects.create(
            partnership=plan.partnership,
            plan=plan,
            year=2025,
            quarter=2,
            content={"title": put("boardpack.title"), "exceptions": [{"what": put("boardpack.exception")}]},
            generated_at=timezone.now(),
            generated_by_name=put("boardpack.generated_by_name"),
        )
        draft = Plan.objects.create(
            partnership=plan.partnership,
            title=put("draft plan title"),
            slug=f"{plan.slug}-draft",
            start_year=2026,
            end_year=2027,
            vision=put("draft plan vision"),
            previous_version=plan,
            version_kind=Plan.VersionKind.NEXT_YEAR,
        )
        draft_priority = Priority.objects.create(plan=draft, title=put("draft priority"))
        Action.objects.create(priority=draft_priority, action=put("draft action"))
        Target.objects.create(plan=draft, description=put("draft target"))
        Risk.objects.create(plan=draft, risk=put("draft risk"), impact="low", likelihood="low")
    # a version published in the app: who published it is the partnership's business
    publisher = User.objects.create_user(
        "publisher-leak", first_name=put("publisher.first_name"), last_name=put("publisher.last_name")
    )
    stafford = Plan.objects.get(partnership__slug="stafford")
    publish_plan(stafford, publisher, "Board of 2 March 2026 agreed the plan (minute 3)", dt.date(2026, 3, 2))
    project = Project.objects.filter(partnership=es).first()
    QuarterlyReturn.objects.create(
        project=project,
        period="2025/26 Q1",
        narrative=put("quarterlyreturn.narrative"),
        outputs=put("outputs"),
    )
    return {"planted": planted, "plans": [lp, ep]}


def _arguments(plan: Plan) -> dict[str, object]:
    """URL arguments from the plan and its first records (the draft's records when the plan is a draft)."""
    action = Action.objects.filter(priority__plan=plan).order_by("-pk").first()
    risk = Risk.objects.filter(plan=plan).order_by("-pk").first()
    target = Target.objects.filter(plan=plan).order_by("-pk").first()
    pack = BoardPack.objects.filter(plan__partnership=plan.partnership).first()
    project = Project.objects.filter(partnership=plan.partnership).first()
    update = ProgressUpdate.objects.filter(action__priority__plan=plan).first()
    priority = Priority.objects.filter(plan=plan).order_by("-pk").first()
    role = Role.objects.filter(partnership=plan.partnership).first()
    args = {
        "slug": plan.partnership.slug,
        "plan_slug": plan.slug,
        "kind": "actions",
        "fmt": "csv",
        "section": "priorities",
        "year": plan.year,
        "pack_id": pack.pk if pack else 999999,
        "job_id": 999999,
        "assessment_id": 999999,
        "link_id": getattr(HelpLink.objects.filter(partnership=plan.partnership).first(), "pk", 999999),
        "user_id": User.objects.get(username="lead-leak").pk,
        "role_id": role.pk if role else 999999,
        "project_id": project.pk if project else 999999,
    }
    for name, record in (
        ("action_id", action),
        ("risk_id", risk),
        ("target_id", target),
        ("update_id", update),
        ("priority_id", priority),
        ("record_id", priority),
    ):
        args[name] = record.pk if record else 999999
    return args


def _variants(name: str, pattern: tuple[str, ...]) -> Iterator[dict[str, object]]:
    """Extra values for the arguments that choose a format or a kind of record (``?`` for a query)."""
    yield {}
    if name == "delivery":
        yield {"?": "?format=csv"}
        yield {"?": "?format=xlsx"}
    if "fmt" in pattern:
        formats = {"export": ["xlsx"], "board-pack-file": ["pdf", "docx", "html"], "assessment-file": []}
        for fmt in formats.get(name, []):
            yield {"fmt": fmt}
    if "kind" in pattern:
        for kind in ("risks", "targets"):
            yield {"kind": kind}
    if "section" in pattern:
        for section in ("actions", "risks", "targets"):
            yield {"section": section}


def _text(response) -> str:
    """What a reader gets: the body, or the text inside an XLSX, DOCX or PDF."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(body)) as z:
            return "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xml"))
    if body.startswith(b"%PDF"):
        from pypdf import PdfReader

        return "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(body)).pages)
    return body.decode("utf-8", "replace")


def _readers() -> dict[str, Client]:
    other = User.objects.create_user("other-partnership-admin")
    Role.objects.create(
        user=other, partnership=Partnership.objects.get(slug="staffordshire"), name="administrator"
    )
    signed_in = Client()
    signed_in.force_login(other)
    return {"signed out": Client(), "a member of another partnership": signed_in}


def test_no_address_shows_an_internal_field_to_a_non_member(settings, bundled_store):
    from dataclasses import replace

    settings.ENV = replace(settings.ENV, store_dir=bundled_store.root)
    cache.clear()
    world = _plant()
    planted: dict[str, str] = world["planted"]
    plans = world["plans"] + list(Plan.objects.filter(status=Plan.Status.DRAFT, slug__endswith="-draft"))
    plans.append(Plan.objects.get(partnership__slug="stafford"))
    worlds = [_arguments(plan) for plan in plans]
    routes = sorted(set(_patterns(get_resolver())))
    readers = _readers()
    seen_ok, asked = set(), set()
    leaks = []
    for name, _route, pattern in routes:
        if name.rsplit(":", 1)[-1] in SKIPPED:
            continue
        for args in worlds:
            missing = [arg for arg in pattern if arg not in args]
            assert not missing, f"{name} takes {missing}: add an example to _arguments()"
            for extra in _variants(name, pattern):
                url = reverse(name, kwargs={arg: {**args, **extra}[arg] for arg in pattern})
                url += str(extra.get("?", ""))
                if url in asked:
                    continue
                asked.add(url)
                for who, client in readers.items():
                    response = client.get(url)
                    if response.status_code != 200:
                        continue
                    seen_ok.add(name)
                    text = _text(response)
                    found = [label for label, value in planted.items() if value in text]
                    if found:
                        leaks.append(f"{url} as {who}: {', '.join(found)}")
    assert not leaks, "\n".join(leaks)
    # the walk read the published plans' pages and their twins, not only refusals
    expected = {"plan", "plan-json", "plan-csv", "plan-xlsx", "delivery", "risks", "targets", "target"}
    expected |= {
        "export",
        "dashboard",
        "partnership",
        "public:progress",
        "public:updates-feed",
        "api:progress",
    }
    assert expected <= seen_ok, expected - seen_ok


def test_every_sentinel_is_shown_to_a_member_somewhere(settings, bundled_store):
    """The sentinels are where the pages would show them: a member of the partnership sees them."""
    from dataclasses import replace

    settings.ENV = replace(settings.ENV, store_dir=bundled_store.root)
    cache.clear()
    world = _plant()
    lp, ep = world["plans"]
    admin = User.objects.create_user("es-admin")
    for plan in (lp, ep):
        Role.objects.create(user=admin, partnership=plan.partnership, name="administrator")
    client = Client()
    client.force_login(admin)
    pages = ""
    for plan in (lp, ep):
        args = [plan.partnership.slug, plan.slug]
        for name in ("plan", "delivery", "risks", "targets"):
            pages += client.get(reverse(name, args=args)).content.decode()
        for target in Target.objects.filter(plan=plan):
            pages += client.get(reverse("target", args=[*args, target.pk])).content.decode()
        pages += client.get(reverse("partnership", args=[plan.partnership.slug])).content.decode()
    for label in (
        "action.lead_officer",
        "risk.mitigation (internal)",
        "risk.owner",
        "governance",
        "targetvalue.note (entered)",
        "person.name",
        "progressupdate.text",
    ):
        assert world["planted"][label] in pages, label
