"""The plan year (issue 11, sections 2 and 3): carry-over, freezing, supersession, publication, the review.

The plan here is built by hand, so every expected number is written out from what the test
put in, not read back from the product.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from saferplaces.errors import InputError
from saferplaces.web.accounts.models import Role
from saferplaces.web.accounts.permissions import can_view_plan
from saferplaces.web.assessments.models import Assessment, PriorityEvidence
from saferplaces.web.audit.models import AuditEntry
from saferplaces.web.partnerships.models import Partnership
from saferplaces.web.performance.models import Target, TargetValue
from saferplaces.web.plans.models import (
    Action,
    Plan,
    PlanFrozenError,
    Priority,
    PriorityPlace,
    ProgressUpdate,
    Publication,
    Risk,
    publishing,
)
from saferplaces.web.plans.publication import VIA_PUBLISH, publish_plan
from saferplaces.web.plans.year import VIA_YEAR, start_version
from saferplaces.web.projects.models import FundingStream
from saferplaces.web.public.published import internal_field_names

pytestmark = pytest.mark.django_db

DECIDED = dt.date(2025, 3, 12)
FROZEN_WORDS = "start a refresh or next year's plan"


@pytest.fixture
def world() -> dict[str, object]:
    """A draft plan for 2024/25: two priorities, three actions (one completed), two targets, two risks."""
    return make_world()


def make_world() -> dict[str, object]:
    """The records of the ``world`` fixture (tests/web/test_frozen_paths.py builds the same)."""
    partnership = Partnership.objects.create(
        name="Testshire CSP", slug="testshire", kind="district", area_name="Testshire"
    )
    admin = User.objects.create_user(username="admin", password="x", first_name="Ada", last_name="Admin")
    board = User.objects.create_user(username="board", password="x")
    Role.objects.create(user=admin, partnership=partnership, name=Role.Name.ADMINISTRATOR)
    Role.objects.create(user=board, partnership=partnership, name=Role.Name.BOARD_MEMBER)
    plan = Plan.objects.create(
        partnership=partnership,
        title="Testshire plan",
        slug="plan",
        start_year=2024,
        end_year=2027,
        plan_year=2024,
    )
    asb = Priority.objects.create(plan=plan, order=1, title="ASB")
    drugs = Priority.objects.create(plan=plan, order=2, title="Drugs")
    patrols = Action.objects.create(priority=asb, order=1, action="Patrol the park", rag="amber")
    leaflets = Action.objects.create(
        priority=asb, order=2, action="Leaflet the estate", rag="green", completed_on=dt.date(2025, 1, 10)
    )
    ProgressUpdate.objects.create(
        action=leaflets, date=dt.date(2025, 1, 10), text="All delivered", rag="green"
    )
    raids = Action.objects.create(priority=drugs, order=1, action="Close the crack house")
    asb_target = Target.objects.create(
        plan=plan,
        priority=asb,
        description="Fewer ASB incidents",
        unit="incidents",
        kind="count",
        direction="reduce",
        baseline_value=Decimal(150),
        baseline_period="2023/24",
    )
    TargetValue.objects.create(target=asb_target, order=1, period="2024/25", value=Decimal(120))
    drugs_target = Target.objects.create(
        plan=plan, priority=drugs, description="More drug seizures", kind="count"
    )
    open_risk = Risk.objects.create(
        plan=plan, order=1, risk="Funding ends", impact="high", likelihood="medium"
    )
    Risk.objects.create(
        plan=plan, order=2, risk="Staff leave", impact="low", likelihood="low", status="closed"
    )
    PriorityPlace.objects.create(plan=plan, order=1, name="Park ward")
    return {
        "plan": plan,
        "admin": admin,
        "board": board,
        "asb": asb,
        "drugs": drugs,
        "patrols": patrols,
        "leaflets": leaflets,
        "raids": raids,
        "asb_target": asb_target,
        "drugs_target": drugs_target,
        "open_risk": open_risk,
    }


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


# -- carry-over -----------------------------------------------------------------------------------


def test_next_years_plan_carries_over_by_the_rules(world) -> None:
    plan = world["plan"]
    new = start_version(
        plan,
        world["admin"],
        kind=Plan.VersionKind.NEXT_YEAR,
        label="Plan for 2025/26",
        what_changed="",
        retire={world["drugs"].pk: "Drug supply fell for two years running."},
    )
    assert (new.plan_year, new.previous_version, new.status) == (2025, plan, Plan.Status.DRAFT)
    assert new.slug == "plan-2025-26"
    # The priority carried over is in use; the retired one is kept, retired, with its reason.
    kept = Priority.all_objects.get(plan=new, carried_from=world["asb"])
    retired = Priority.all_objects.get(plan=new, carried_from=world["drugs"])
    assert (kept.retired, retired.retired) == (False, True)
    assert retired.retired_reason == "Drug supply fell for two years running."
    assert list(new.priorities.all()) == [kept]
    # Only the open action under a kept priority moves on; the completed one stays, with its update.
    carried = Action.all_objects.filter(priority__plan=new)
    assert [(a.action, a.carried_from_id) for a in carried] == [("Patrol the park", world["patrols"].pk)]
    assert world["leaflets"].priority.plan == plan and world["leaflets"].updates.count() == 1
    # The target rolls on: the baseline becomes 2024/25 and its value that year's 120.
    (target,) = Target.all_objects.filter(plan=new)
    assert (target.carried_from, target.baseline_period, target.baseline_value) == (
        world["asb_target"],
        "2024/25",
        Decimal(120),
    )
    assert list(target.values.values_list("period", "value")) == [("2024/25", Decimal(120))]
    # Open risks move on, closed ones stay; places are copied.
    assert list(Risk.all_objects.filter(plan=new).values_list("risk", flat=True)) == ["Funding ends"]
    assert list(new.places.values_list("name", flat=True)) == ["Park ward"]
    # One audit entry per record made: plan, 2 priorities, 1 action, 1 target, 1 value, 1 risk, 1 place.
    assert AuditEntry.objects.filter(via=VIA_YEAR).count() == 8
    # The old version is untouched until the new one is published.
    plan.refresh_from_db()
    assert plan.status == Plan.Status.DRAFT


def test_a_refresh_needs_a_note_and_keeps_the_year(world) -> None:
    plan = world["plan"]
    with pytest.raises(InputError, match="no note of what changed"):
        start_version(plan, world["admin"], kind=Plan.VersionKind.REFRESH, label="Refresh", what_changed=" ")
    new = start_version(
        plan,
        world["admin"],
        kind=Plan.VersionKind.REFRESH,
        label="Refresh April 2025",
        what_changed="New aims",
    )
    assert (new.plan_year, new.version_kind, new.what_changed) == (2024, "refresh", "New aims")
    # A refresh keeps the targets' baselines as they were.
    assert Target.objects.get(plan=new, carried_from=world["asb_target"]).baseline_period == "2023/24"
    with pytest.raises(InputError, match="already has a draft next version"):
        start_version(plan, world["admin"], kind=Plan.VersionKind.NEXT_YEAR, label="Again", what_changed="")
    page = signed_in(world["board"]).get(reverse("plan", args=["testshire", new.slug])).content.decode()
    assert "What changed in Refresh April 2025: New aims" in page
    assert "Versions of this plan" in page


# -- publication and supersession -----------------------------------------------------------------


def test_publishing_records_the_decision_and_supersedes_the_last_version(world) -> None:
    plan, admin = world["plan"], world["admin"]
    first = publish_plan(plan, admin, "Board of 12 March 2025, minute 4", DECIDED)
    assert (first.plan, first.published_by, first.decision_date, first.superseded) == (
        plan,
        admin,
        DECIDED,
        None,
    )
    assert first.published_by_name == "Ada Admin"
    assert can_view_plan(AnonymousUser(), plan)
    new = start_version(
        plan, admin, kind=Plan.VersionKind.NEXT_YEAR, label="Plan for 2025/26", what_changed=""
    )
    second = publish_plan(new, admin, "Board of 2 April 2025, minute 2", dt.date(2025, 4, 2))
    plan.refresh_from_db()
    assert (plan.status, new.status, second.superseded) == (
        Plan.Status.SUPERSEDED,
        Plan.Status.PUBLISHED,
        plan,
    )
    # Superseded: members still read it, the public no longer sees it.
    assert not can_view_plan(AnonymousUser(), plan) and can_view_plan(world["board"], plan)
    assert signed_in(world["board"]).get(reverse("plan", args=["testshire", plan.slug])).status_code == 200
    audited = AuditEntry.objects.filter(via=VIA_PUBLISH)
    assert sorted(audited.values_list("model", flat=True)) == sorted(
        ["plans.plan", "plans.publication", "plans.plan", "plans.plan", "plans.publication"]
    )
    assert Publication.objects.count() == 2
    data = signed_in(world["board"]).get(reverse("plan-json", args=["testshire", new.slug])).json()["version"]
    assert data["previous_version"] == plan.slug and data["plan_year"] == 2025
    assert (data["publication"]["decision"], data["publication"]["decision_date"]) == (
        "Board of 2 April 2025, minute 2",
        "2025-04-02",
    )


def test_publication_refuses_what_it_cannot_publish(world) -> None:
    plan = world["plan"]
    with pytest.raises(InputError, match="decision is missing"):
        publish_plan(plan, world["admin"], "  ", DECIDED)
    with pytest.raises(InputError, match="in the future"):
        publish_plan(plan, world["admin"], "Board", dt.date.today() + dt.timedelta(days=1))
    publish_plan(plan, world["admin"], "Board", DECIDED)
    with pytest.raises(InputError, match="Start a refresh or next year's plan"):
        publish_plan(plan, world["admin"], "Board again", DECIDED)
    assert Publication.objects.count() == 1


def test_a_transcribed_published_plan_freezes_when_its_publication_is_recorded(world) -> None:
    plan = world["plan"]
    with publishing():  # as the seed loader transcribes a plan the partnership published itself
        Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.PUBLISHED)
    plan.refresh_from_db()
    assert not plan.is_frozen and plan.may_be_published
    world["asb"].title = "Anti-social behaviour"
    world["asb"].save()  # not frozen yet: the seed plans stay editable until published in the app
    publish_plan(plan, None, "Published as the source document", DECIDED)
    assert plan.is_frozen
    world["asb"].title = "ASB again"
    with pytest.raises(PlanFrozenError):
        world["asb"].save()


# -- freezing ---------------------------------------------------------------------------------------


def test_the_models_refuse_changes_to_a_published_version(world) -> None:
    plan = world["plan"]
    publish_plan(plan, world["admin"], "Board", DECIDED)
    plan.refresh_from_db()
    changes = [
        (world["asb"], "title", "Changed"),
        (world["patrols"], "action", "Changed"),
        (world["asb_target"], "description", "Changed"),
        (world["asb_target"], "baseline_value", Decimal(1)),
        (world["open_risk"], "risk", "Changed"),
        (world["open_risk"], "mitigation", "Changed"),
        (plan, "title", "Changed"),
    ]
    for obj, name, value in changes:
        type(obj)._base_manager.get(pk=obj.pk)  # stored as it was
        setattr(obj, name, value)
        with pytest.raises(PlanFrozenError, match=FROZEN_WORDS):
            obj.save()
        with pytest.raises(ValidationError, match=FROZEN_WORDS):
            obj.full_clean()
        obj.refresh_from_db()
    with pytest.raises(PlanFrozenError):
        Priority.objects.create(plan=plan, title="New")
    with pytest.raises(PlanFrozenError):
        world["asb"].delete()
    with pytest.raises(PlanFrozenError):
        plan.status = Plan.Status.DRAFT
        plan.save()
    # Delivery goes on: RAG, completion, the risk's readings, and progress updates.
    world["patrols"].rag = "green"
    world["patrols"].completed_on = dt.date(2025, 5, 1)
    world["patrols"].save()
    world["open_risk"].likelihood = "high"
    world["open_risk"].mitigation_internal = True
    world["open_risk"].save()
    ProgressUpdate.objects.create(action=world["patrols"], date=dt.date(2025, 5, 1), text="Done", rag="green")
    TargetValue.objects.create(target=world["asb_target"], order=2, period="2025/26 Q1", value=Decimal(25))


def test_every_edit_page_of_a_published_version_refuses(world) -> None:
    plan = world["plan"]
    publish_plan(plan, world["admin"], "Board", DECIDED)
    client = signed_in(world["admin"])
    base = f"/partnerships/testshire/plans/{plan.slug}/"
    records = {
        "priorities": world["asb"],
        "places": PriorityPlace.objects.get(plan=plan),
        "actions": world["patrols"],
        "targets": world["asb_target"],
        "risks": world["open_risk"],
    }
    before = AuditEntry.objects.count()
    for section, obj in records.items():
        for url in (
            f"{base}manage/{section}/",
            f"{base}manage/{section}/new/",
            f"{base}manage/{section}/{obj.pk}/edit/",
        ):
            for response in (
                client.get(url),
                client.post(url, {"title": "X", "action": "X", "description": "X"}),
            ):
                assert response.status_code == 409, url
                assert FROZEN_WORDS in html.unescape(response.content.decode())
        for suffix in ("move/", "retire/"):
            assert (
                client.post(f"{base}manage/{section}/{obj.pk}/{suffix}", {"direction": "up"}).status_code
                == 409
            )
    assert client.get(f"{base}risks/new/").status_code == 409
    register = client.get(f"{base}risks/").content.decode()
    assert "Add a risk" not in register and f"risks/{world['open_risk'].pk}/edit/" in register
    assert AuditEntry.objects.count() == before
    # Money is live: funding streams can still be added.
    assert client.get(f"{base}manage/funding/new/").status_code == 200
    assert client.post(f"{base}manage/funding/new/", {"name": "PCC fund"}).status_code == 302
    assert FundingStream.objects.filter(plan=plan, name="PCC fund").exists()
    # The risk form records a new reading, but not new wording.
    edit = f"{base}risks/{world['open_risk'].pk}/edit/"
    response = client.post(
        edit,
        {
            "risk": "Reworded",
            "mitigation": "New words",
            "owner": "Someone",
            "impact": "high",
            "likelihood": "high",
            "status": "open",
            "mitigation_visibility": "internal",
        },
    )
    assert response.status_code == 302
    risk = Risk.objects.get(pk=world["open_risk"].pk)
    assert (risk.risk, risk.mitigation, risk.likelihood, risk.mitigation_internal) == (
        "Funding ends",
        "",
        "high",
        True,
    )


def test_progress_goes_on_while_published_and_stops_once_superseded(world) -> None:
    plan, admin = world["plan"], world["admin"]
    publish_plan(plan, admin, "Board", DECIDED)
    client = signed_in(admin)
    url = reverse("action-update", args=["testshire", plan.slug, world["patrols"].pk])
    today = dt.date.today()
    post = {"rag": "green", "text": "Finished", "date-day": today.day, "date-month": today.month}
    post |= {"date-year": today.year, "completed": "on"}
    assert client.post(url, post).status_code == 302
    action = Action.objects.get(pk=world["patrols"].pk)
    assert (action.rag, action.completed_on) == ("green", today)
    new = start_version(plan, admin, kind=Plan.VersionKind.NEXT_YEAR, label="Next", what_changed="")
    publish_plan(new, admin, "Board", DECIDED)
    response = client.post(url, post)
    assert response.status_code == 409 and FROZEN_WORDS in html.unescape(response.content.decode())
    with pytest.raises(PlanFrozenError, match="take no more updates"):
        ProgressUpdate.objects.create(action=action, date=today, text="Late", rag="green")
    assert (
        client.get(reverse("risk-edit", args=["testshire", plan.slug, world["open_risk"].pk])).status_code
        == 409
    )
    assert "/edit/" not in client.get(reverse("risks", args=["testshire", plan.slug])).content.decode()


# -- internal fields --------------------------------------------------------------------------------


def test_internal_fields_are_private_until_the_allow_list_names_them(world) -> None:
    """The public pages copy only the allow-listed fields; the new internal ones must not be on it."""
    private = internal_field_names()
    assert {"mitigation_internal", "lead_officer_public", "retired_reason", "note"} <= private
    assert Action._meta.get_field("lead_officer_public").default is False
    assert Risk._meta.get_field("mitigation_internal").default is False


# -- the pages ----------------------------------------------------------------------------------------


def test_the_next_year_form_asks_a_reason_for_each_retired_priority(world) -> None:
    plan, drugs = world["plan"], world["drugs"]
    client = signed_in(world["admin"])
    url = reverse("plan-next-year", args=["testshire", plan.slug])
    form = {"label": "Plan for 2025/26", "what_changed": "", f"keep_{world['asb'].pk}": "carry"}
    response = client.post(url, form | {f"keep_{drugs.pk}": "retire", f"reason_{drugs.pk}": ""})
    assert response.status_code == 400
    assert "Enter why Drugs is retired" in response.content.decode()
    assert Plan.objects.count() == 1
    response = client.post(url, form | {f"keep_{drugs.pk}": "retire", f"reason_{drugs.pk}": "Done"})
    new = Plan.objects.get(previous_version=plan)
    assert response.status_code == 302 and response["Location"] == reverse(
        "plan", args=["testshire", new.slug]
    )
    assert Priority.all_objects.get(plan=new, carried_from=drugs).retired_reason == "Done"
    publish = reverse("plan-publish", args=["testshire", new.slug])
    response = client.post(
        publish,
        {
            "decision_text": "Board agreed",
            "decision_date-day": 12,
            "decision_date-month": 3,
            "decision_date-year": 2025,
        },
    )
    assert response.status_code == 302
    assert Publication.objects.get().plan == new
    # A published version's publish page sends the administrator back with the reason.
    assert client.get(publish).status_code == 302


def _assessment(
    partnership: Partnership, label: str, end: str, asb: int, score: float, rank: int, area: str = "Testshire"
) -> Assessment:
    months = [f"{end[:4]}-{m:02d}" for m in range(1, 13)]
    return Assessment.objects.create(
        partnership=partnership,
        area_code="E07000000",
        area_name=area,
        area_level="district",
        period=label,
        period_label=label,
        code_version="test",
        data={
            "period": {"start": months[0], "end": end, "months_held": months},
            "headline": {"crime": {"count": 1000, "rate": 10.0}, "asb": {"count": asb, "rate": asb / 100}},
            "priorities": [
                {
                    "theme": "Anti-social behaviour",
                    "rank": rank,
                    "score": score,
                    "components": {"volume": score, "harm": 0.2},
                    "sentences": {"volume": f"Volume sentence {label}."},
                }
            ],
        },
    )


def test_the_march_review_page(world) -> None:
    plan = world["plan"]
    earlier = _assessment(plan.partnership, "calendar year 2023", "2023-12", 400, 0.40, 3)
    later = _assessment(plan.partnership, "calendar year 2024", "2024-12", 600, 0.60, 1)
    PriorityEvidence.objects.create(
        priority=world["asb"],
        assessment=earlier,
        candidate="Anti-social behaviour",
        evidence={
            "score": 0.40,
            "rank": 3,
            "period_label": "calendar year 2023",
            "components": {"volume": 0.40, "harm": 0.2},
        },
    )
    url = reverse("plan-review", args=["testshire", plan.slug, 2024])
    response = signed_in(world["board"]).get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "March review of 2024/25" in page
    assert f"?with={earlier.pk}" in page and f"/assessments/{later.pk}/compare/" in page
    # 600 against 400 over the same 12 months: the conditional binomial test gives p far below 0.05.
    assert "Anti-social behaviour: 400 in the calendar year 2023, 600 in the calendar year 2024" in page
    # z = (600 - 500) / sqrt(1000 / 4) = 6.3 under the conditional binomial test: p is about 3e-10.
    assert "significant increase (p &lt; 0.001)" in page
    assert "Its score rose from 0.40 (calendar year 2023) to 0.60 (calendar year 2024), rank 3 to 1." in page
    assert "Volume: 0.40 in the calendar year 2023, 0.60 now. Volume sentence calendar year 2024." in page
    assert "Harm:" not in page  # it did not move
    assert "Drugs" in page  # not adopted from an assessment: listed as not re-scored
    assert "1 completed by 31 March 2025; 2 open" in page
    assert "1 closed; 1 open" in page
    assert "120 (2024/25)" in page
    # The review is for members only; a year outside the plan has no page.
    assert Client().get(url).status_code == 404  # a draft: not shown to exist
    assert (
        signed_in(world["board"]).get(reverse("plan-review", args=["testshire", plan.slug, 2030])).status_code
        == 404
    )


def test_a_review_without_assessments_says_why_in_one_sentence(world) -> None:
    plan = world["plan"]
    url = reverse("plan-review", args=["testshire", plan.slug, 2024])
    page = signed_in(world["board"]).get(url).content.decode()
    said = re.search(r"There is no comparison[^<]*", page)
    assert said is not None
    assert said.group(0).strip() == (
        "There is no comparison of this year's assessment with last year's. "
        "No strategic assessment of a period ending by March 2025 is held."
    )  # and not the note on actions that follows it in the review's assumptions
    earlier = _assessment(plan.partnership, "calendar year 2024", "2024-12", 400, 0.40, 3)
    page = signed_in(world["board"]).get(url).content.decode()
    said = re.search(r"There is no comparison[^<]*", page).group(0)
    assert f"(version {earlier.version})." in said and "so there is no comparison." in said
    assert "An action counts" not in said


def test_a_review_with_no_assessment_of_its_year_says_which_it_would_use_and_how_to_build_it(
    world, settings, bundled_store
) -> None:
    from dataclasses import replace as with_values

    from saferplaces.data.bundled_files import police_uk_months

    settings.ENV = with_values(settings.ENV, store_dir=bundled_store.root)
    plan = world["plan"]
    url = reverse("plan-review", args=["testshire", plan.slug, 2024])
    page = html.unescape(signed_in(world["board"]).get(url).content.decode())
    # Testshire is no area the store knows
    assert "The data store has no area named Testshire, so it cannot be built here." in page
    Partnership.objects.filter(pk=plan.partnership_id).update(area_name="Lichfield District")
    _assessment(plan.partnership, "calendar year 2025", "2025-12", 400, 0.40, 3)
    page = html.unescape(signed_in(world["board"]).get(url).content.decode())
    # the bundled files' own names say which of April 2024 to March 2025 are held
    held = sorted(p.name[:7] for p in police_uk_months() if "2024-04" <= p.name[:7] <= "2025-03")
    assert held == ["2024-04", "2025-01", "2025-02", "2025-03"]
    assert (
        "The review of 2024/25 would use an assessment of 2024/25, April 2024 to March 2025, set against one "
        "of the year before. The assessment held is of a later period (calendar year 2025), so it cannot be "
        "this year's. The data store holds 4 of its 12 months (April 2024, January 2025 to March 2025): "
        "load the others from police.uk, then build it on the partnership's assessments page with the "
        "period 2024/25."
    ) in page
    assert f'href="{reverse("assessments", args=["testshire"])}"' in page
    # the 2025/26 review has the calendar 2025 assessment, so it says nothing of building one
    page = signed_in(world["board"]).get(reverse("plan-review", args=["testshire", plan.slug, 2025])).content
    assert "would use an assessment of" not in page.decode()


def test_the_review_of_a_published_plan_is_not_public(world) -> None:
    publish_plan(world["plan"], world["admin"], "Board", DECIDED)
    url = reverse("plan-review", args=["testshire", world["plan"].slug, 2024])
    assert Client().get(url).status_code == 302  # sent to sign in
    nobody = User.objects.create_user(username="nobody", password="x")
    assert signed_in(nobody).get(url).status_code == 403


def test_public_readers_of_a_published_plan_never_see_internal_fields(world) -> None:
    plan, risk, action = world["plan"], world["open_risk"], world["patrols"]
    Risk.objects.filter(pk=risk.pk).update(
        mitigation="Call the funder's private line", mitigation_internal=True
    )
    Action.objects.filter(pk=action.pk).update(lead_officer="Jo Bloggs")
    publish_plan(plan, world["admin"], "Board", DECIDED)
    args = ["testshire", plan.slug]
    pages = [
        reverse("plan", args=args),
        reverse("plan-json", args=args),
        reverse("plan-csv", args=args),
        reverse("risks", args=args),
        reverse("delivery", args=args),
        reverse("delivery", args=args) + "?format=csv",
    ]
    for url in pages:
        public = Client().get(url)
        member = signed_in(world["board"]).get(url)
        assert public.status_code == member.status_code == 200, url
        text = html.unescape(public.content.decode())
        assert "private line" not in text and "Jo Bloggs" not in text, url
        assert ("private line" in html.unescape(member.content.decode())) == (
            url in pages[:2] + pages[3:4]
        ), url
        assert "Jo Bloggs" in html.unescape(member.content.decode()) or "risks" in url, url
    # The officer who agrees to be named is shown to everyone.
    Action.objects.filter(pk=action.pk).update(lead_officer_public=True)
    assert "Jo Bloggs" in Client().get(reverse("plan-csv", args=args)).content.decode()


@pytest.mark.django_db
def test_the_march_review_gives_a_target_its_baseline_for_the_year_and_says_the_status_is_later(client):
    """Issue #9: Lichfield's MARAC target has its baseline, 150, for 2024/25, yet the review of 2024/25
    said "No value for 2024/25 is held." beside a status tested on 2025/26 Q2 under "Targets at the
    year's end"."""
    from saferplaces.web.demo_activity import load_demo_activity
    from saferplaces.web.plans.year import year_review
    from saferplaces.web.seeds import load_seed_plans

    load_seed_plans()
    load_demo_activity()
    target = Target.objects.get(plan__partnership__slug="lichfield", description__startswith="Domestic abuse")
    assert target.baseline_period == "2024/25"
    assert not target.values.filter(period="2024/25").exists()
    review = year_review(target.plan, 2024)
    row = next(t for t in review.targets if t.target.pk == target.pk)
    assert row.year_value == f"{int(target.baseline_value):,} (2024/25, the plan's baseline)"
    admin = User.objects.create_superuser("review-admin")
    client.force_login(admin)
    page = html.unescape(
        client.get(f"/partnerships/lichfield/plans/{target.plan.slug}/review/2024/").content.decode()
    )
    assert "Targets at the year's end" not in page
    assert "its status on the latest value held, which may be later than the year" in page
