"""Frozen means frozen (#11): no ORM path the app uses changes a published or superseded version.

``save()`` and ``delete()`` were checked before (test_plan_year.py); these tests take the paths
that go round them: ``QuerySet.update()``, ``bulk_update()``, ``bulk_create()``, a queryset's
``delete()``, a related manager's, and the cascade from deleting the plan or its partnership. Each
is tried on a published version (frozen text, live delivery fields) and a superseded one (nothing
changes), and the database is read back afterwards to show nothing was written. Publishing goes
only through ``publish_plan``: a status change, an admin form, a bulk path or a new row
cannot make a version published without its :class:`Publication`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from django.test import Client

from saferplaces.web.partnerships.models import Partnership
from saferplaces.web.performance.models import Target, TargetValue
from saferplaces.web.plans.models import (
    Action,
    Plan,
    PlanFrozenError,
    PlanPublicationError,
    Priority,
    ProgressUpdate,
    Publication,
    Risk,
    RiskReview,
)
from saferplaces.web.plans.publication import publish_plan
from saferplaces.web.plans.year import start_version
from tests.web.test_plan_year import DECIDED, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> dict[str, object]:
    """test_plan_year.py's draft plan for 2024/25, with its priorities, actions, targets and risks."""
    return make_world()


def _refused(call, error=PlanFrozenError) -> None:
    """``call`` raises ``error`` and leaves nothing behind (run in a savepoint, as a view's atomic block)."""
    with pytest.raises(error), transaction.atomic():
        call()


def _published(world) -> Plan:
    plan = world["plan"]
    publish_plan(plan, world["admin"], "Board of 12 March 2025 (minute 4)", DECIDED)
    plan.refresh_from_db()
    return plan


def _superseded(world) -> tuple[Plan, Plan]:
    plan = _published(world)
    new = start_version(
        plan, world["admin"], kind=Plan.VersionKind.REFRESH, label="Refresh", what_changed="x"
    )
    publish_plan(new, world["admin"], "Board of 2 April 2025 (minute 2)", dt.date(2025, 4, 2))
    plan.refresh_from_db()
    assert plan.status == Plan.Status.SUPERSEDED
    return plan, new


def test_queryset_update_refuses_the_frozen_text_of_a_published_version(world) -> None:
    plan = _published(world)
    _refused(lambda: Priority.objects.filter(plan=plan).update(title="Changed"))
    _refused(lambda: plan.priorities.update(description="Changed"))  # a related manager
    _refused(lambda: Action.objects.filter(priority__plan=plan).update(action="Changed"))
    _refused(lambda: Action.all_objects.filter(priority__plan=plan).update(retired=True))
    _refused(lambda: Target.objects.filter(plan=plan).update(baseline_value=Decimal(1)))
    _refused(lambda: Risk.objects.filter(plan=plan).update(mitigation="Changed"))
    _refused(lambda: Plan.objects.filter(pk=plan.pk).update(title="Changed"))
    _refused(lambda: Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.DRAFT))
    assert set(Priority.all_objects.filter(plan=plan).values_list("title", flat=True)) == {"ASB", "Drugs"}
    assert not Action.all_objects.filter(priority__plan=plan, retired=True).exists()
    assert Plan.objects.get(pk=plan.pk).title == "Testshire plan"
    # what delivery changes goes on: RAG, completion, risk readings, values and updates
    assert Action.objects.filter(pk=world["patrols"].pk).update(rag="red") == 1
    assert Risk.objects.filter(pk=world["open_risk"].pk).update(likelihood="high") == 1
    assert TargetValue.objects.filter(target__plan=plan).update(value=Decimal(119)) == 1
    assert ProgressUpdate.objects.filter(action__priority__plan=plan).update(rag="amber") == 1


def test_bulk_update_and_bulk_create_refuse_a_published_version(world) -> None:
    plan = _published(world)
    asb, drugs = world["asb"], world["drugs"]
    asb.title, drugs.title = "Changed", "Changed too"
    _refused(lambda: Priority.objects.bulk_update([asb, drugs], ["title"]))
    _refused(lambda: Priority.objects.bulk_create([Priority(plan=plan, title="New")]))
    _refused(lambda: Risk.objects.bulk_create([Risk(plan=plan, risk="New", impact="low", likelihood="low")]))
    assert sorted(Priority.all_objects.filter(plan=plan).values_list("title", flat=True)) == ["ASB", "Drugs"]
    patrols = world["patrols"]
    patrols.rag = "red"
    assert Action.objects.bulk_update([patrols], ["rag"]) == 1  # a live field
    ProgressUpdate.objects.bulk_create([ProgressUpdate(action=patrols, date=DECIDED, text="Done")])
    assert patrols.updates.count() == 1


def test_deletes_refuse_a_published_version_however_they_come(world) -> None:
    plan = _published(world)
    _refused(lambda: Priority.objects.filter(plan=plan).delete())
    _refused(lambda: plan.risks.all().delete())
    _refused(lambda: Target.objects.filter(plan=plan).delete())
    _refused(lambda: Plan.objects.filter(pk=plan.pk).delete())
    _refused(lambda: plan.delete())
    _refused(lambda: plan.partnership.delete())  # the cascade from the partnership
    _refused(lambda: Publication.objects.filter(plan=plan).delete())
    _refused(lambda: Publication.objects.filter(plan=plan).update(decision_text="Changed"))
    publication = Publication.objects.get(plan=plan)
    publication.decision_text = "Changed"
    _refused(publication.save)
    assert Priority.all_objects.filter(plan=plan).count() == 2
    assert Risk.all_objects.filter(plan=plan).count() == 2
    assert Partnership.objects.filter(pk=plan.partnership_id).exists()
    assert Publication.objects.get(plan=plan).decision_text == "Board of 12 March 2025 (minute 4)"
    assert Plan.objects.get(pk=plan.pk).is_frozen


def test_a_superseded_version_takes_no_changes_at_all(world) -> None:
    plan, new = _superseded(world)
    patrols, risk = world["patrols"], world["open_risk"]
    value = TargetValue.objects.get(target__plan=plan)
    _refused(lambda: Action.objects.filter(pk=patrols.pk).update(rag="red"))
    _refused(lambda: Risk.objects.filter(pk=risk.pk).update(likelihood="high"))
    _refused(lambda: TargetValue.objects.filter(pk=value.pk).update(value=Decimal(1)))
    _refused(lambda: TargetValue.objects.filter(pk=value.pk).delete())
    _refused(lambda: value.delete())
    value.value = Decimal(2)
    _refused(value.save)
    _refused(lambda: TargetValue.objects.create(target=value.target, period="2025/26", value=Decimal(3)))
    _refused(lambda: ProgressUpdate.objects.filter(action__priority__plan=plan).update(text="Changed"))
    _refused(lambda: ProgressUpdate.objects.filter(action__priority__plan=plan).delete())
    _refused(
        lambda: ProgressUpdate.objects.bulk_create([ProgressUpdate(action=patrols, date=DECIDED, text="x")])
    )
    _refused(lambda: RiskReview.objects.create(risk=risk, date=DECIDED, impact="low", likelihood="low"))
    _refused(
        lambda: Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.PUBLISHED), PlanPublicationError
    )
    _refused(lambda: Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.DRAFT))
    assert Action.objects.get(pk=patrols.pk).rag == "amber"
    assert Risk.objects.get(pk=risk.pk).likelihood == "medium"
    assert TargetValue.objects.get(pk=value.pk).value == Decimal(120)
    assert TargetValue.objects.filter(target__plan=plan).count() == 1
    assert not RiskReview.objects.filter(risk=risk).exists()
    assert Plan.objects.get(pk=plan.pk).status == Plan.Status.SUPERSEDED
    # the version that superseded it takes delivery as before
    carried = Action.objects.get(priority__plan=new, carried_from=patrols)
    assert Action.objects.filter(pk=carried.pk).update(rag="red") == 1


def test_a_version_becomes_published_only_through_publish_plan(world) -> None:
    plan = world["plan"]
    plan.status = Plan.Status.PUBLISHED
    _refused(plan.save, PlanPublicationError)
    _refused(
        lambda: Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.PUBLISHED), PlanPublicationError
    )
    plan.refresh_from_db()
    plan.status = Plan.Status.PUBLISHED
    _refused(lambda: Plan.objects.bulk_update([plan], ["status"]), PlanPublicationError)
    new = {
        "partnership": plan.partnership,
        "title": "New",
        "slug": "new",
        "start_year": 2025,
        "end_year": 2026,
    }
    _refused(lambda: Plan.objects.create(**new, status="published"), PlanPublicationError)
    _refused(lambda: Plan.objects.bulk_create([Plan(**new, status="published")]), PlanPublicationError)
    assert not Plan.objects.filter(status=Plan.Status.PUBLISHED).exists()
    assert not Publication.objects.exists()
    # publish_plan does it, with who, when and the decision
    publication = publish_plan(plan, world["admin"], "Board of 12 March 2025 (minute 4)", DECIDED)
    assert Plan.objects.get(pk=plan.pk).status == Plan.Status.PUBLISHED
    assert (publication.published_by, publication.decision_date) == (world["admin"], DECIDED)


def test_the_admin_cannot_publish_a_plan(world) -> None:
    plan = world["plan"]
    client = Client()
    client.force_login(User.objects.create_superuser("root", password="a long password 123"))
    url = f"/admin/plans/plan/{plan.pk}/change/"
    form = client.get(url).content.decode()
    assert 'name="title"' in form and 'name="status"' not in form  # the status is shown, not edited
    data = {
        "partnership": plan.partnership_id,
        "title": plan.title,
        "slug": plan.slug,
        "start_year": plan.start_year,
        "end_year": plan.end_year,
        "status": "published",
        "principles": "[]",
        "key_findings": "[]",
        "version_kind": plan.version_kind,
        "plan_year": plan.plan_year,
    }
    client.post(url, data)
    assert Plan.objects.get(pk=plan.pk).status == Plan.Status.DRAFT
    assert not Publication.objects.exists()
    add = client.post("/admin/plans/plan/add/", {**data, "slug": "added"})
    assert add.status_code in (200, 302)
    assert not Plan.objects.filter(status=Plan.Status.PUBLISHED).exists()
    assert client.get("/admin/plans/publication/add/").status_code == 403
    publish_plan(plan, None, "Board of 12 March 2025 (minute 4)", DECIDED)
    assert client.post(f"/admin/plans/plan/{plan.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Plan.objects.filter(pk=plan.pk).exists()


def test_the_target_page_of_a_superseded_version_takes_no_value(world) -> None:
    plan, _new = _superseded(world)
    client = Client()
    client.force_login(world["admin"])
    target = world["asb_target"]
    url = f"/partnerships/testshire/plans/{plan.slug}/targets/{target.pk}/"
    page = client.get(url).content.decode()
    assert 'name="period"' not in page  # no form to add a value
    response = client.post(url, {"period": "2025/26", "value": "99"})
    assert response.status_code == 409
    assert "is superseded by a later version" in response.content.decode()
    assert client.post(url + "refresh/").status_code == 409
    assert list(TargetValue.objects.filter(target=target).values_list("period", flat=True)) == ["2024/25"]


def test_reloading_a_seed_plan_published_in_the_app_is_refused_in_one_sentence_pair() -> None:
    from django.core.management import CommandError, call_command

    from saferplaces.web.seeds import load_seed_plans

    load_seed_plans()
    plan = Plan.objects.get(partnership__slug="lichfield")
    publish_plan(plan, None, "Board of 2 March 2026 agreed the plan (minute 3)", dt.date(2026, 3, 2))
    with pytest.raises(CommandError) as refused:
        call_command("load_seed_plans", replace=True)
    assert str(refused.value).startswith(f"“{plan.title}” (original version) is published, so its text")
    assert Plan.objects.get(pk=plan.pk).is_frozen and Publication.objects.filter(plan=plan).exists()


# -- ADR 0026: organisations a frozen plan names, and signed-off board packs -------------------------


def test_an_organisation_leading_an_action_of_a_frozen_plan_is_not_deleted(world) -> None:
    from saferplaces.web.partnerships.models import Organisation

    police = Organisation.objects.create(name="Testshire Police")
    council = Organisation.objects.create(name="Testshire Council")
    Action.objects.filter(pk=world["patrols"].pk).update(lead_organisation=police)
    Action.objects.filter(pk=world["raids"].pk).update(lead_organisation=council)
    police.delete()  # a draft plan: Django blanks the lead, as before
    assert Action.objects.get(pk=world["patrols"].pk).lead_organisation is None
    plan = _published(world)
    _refused(council.delete)
    _refused(lambda: Organisation.objects.filter(pk=council.pk).delete())
    with pytest.raises(PlanFrozenError) as refused, transaction.atomic():
        council.delete()
    assert str(refused.value) == (
        "Testshire Council cannot be deleted because it leads actions in "
        "“Testshire plan” (plan for 2024/25), "
        "which is published or superseded, and deleting it would blank those actions' lead organisation. "
        "Keep the organisation, and choose another lead for the actions of draft plans instead."
    )
    assert Action.objects.get(pk=world["raids"].pk).lead_organisation == council
    assert plan.is_frozen
    # the admin says so on its own pages, for one organisation and for the bulk action
    client = Client()
    client.force_login(User.objects.create_superuser("root", password="a long password 123"))
    page = client.post(f"/admin/partnerships/organisation/{council.pk}/delete/", {"post": "yes"}, follow=True)
    assert "Testshire Council cannot be deleted because it leads actions" in page.content.decode()
    bulk = client.post(
        "/admin/partnerships/organisation/",
        {"action": "delete_selected", "_selected_action": [council.pk], "post": "yes"},
        follow=True,
    )
    assert "Testshire Council cannot be deleted because it leads actions" in bulk.content.decode()
    assert Organisation.objects.filter(pk=council.pk).exists()
    unused = Organisation.objects.create(name="Unused charity")
    client.post(f"/admin/partnerships/organisation/{unused.pk}/delete/", {"post": "yes"})
    assert not Organisation.objects.filter(pk=unused.pk).exists()


def _signed_pack(world):
    from django.utils import timezone

    from saferplaces.web.boardpacks.models import BoardPack, BoardPackFile

    plan = world["plan"]
    now = timezone.now()
    common = {"partnership": plan.partnership, "plan": plan, "year": 2025, "generated_at": now}
    draft = BoardPack.objects.create(**common, quarter=2, content={"facts": "draft"})
    signed = BoardPack.objects.create(**common, quarter=1, content={"facts": "signed"})
    BoardPackFile.objects.create(pack=signed, format="html", content=b"<p>signed</p>", sha256="a" * 64)
    BoardPackFile.objects.create(pack=draft, format="html", content=b"<p>draft</p>", sha256="b" * 64)
    BoardPack.objects.filter(pk=signed.pk).update(status=BoardPack.Status.SIGNED_OFF, signed_off_at=now)
    return draft, BoardPack.objects.get(pk=signed.pk)


def test_a_signed_off_board_pack_takes_no_change_on_any_path(world) -> None:
    from saferplaces.web.assessments.models import FrozenRecordError
    from saferplaces.web.boardpacks.models import BoardPack, BoardPackFile

    draft, signed = _signed_pack(world)
    packs, files = BoardPack.objects.filter(pk=signed.pk), BoardPackFile.objects.filter(pack=signed)
    _refused(lambda: packs.update(content={"facts": "changed"}), FrozenRecordError)
    _refused(lambda: BoardPack.objects.update(status=BoardPack.Status.DRAFT), FrozenRecordError)
    signed.content = {"facts": "changed"}
    _refused(lambda: BoardPack.objects.bulk_update([signed], ["content"]), FrozenRecordError)
    _refused(packs.delete, FrozenRecordError)
    _refused(lambda: files.update(content=b"changed"), FrozenRecordError)
    _refused(files.delete, FrozenRecordError)
    _refused(lambda: signed.files.all().delete(), FrozenRecordError)  # a related manager
    new = BoardPackFile(pack=signed, format="pdf", content=b"%PDF", sha256="c" * 64)
    _refused(lambda: BoardPackFile.objects.bulk_create([new]), FrozenRecordError)
    _refused(new.save, FrozenRecordError)
    _refused(world["plan"].delete, FrozenRecordError)  # the cascade from a draft plan
    _refused(world["plan"].partnership.delete, FrozenRecordError)  # and from the partnership
    stored = BoardPack.objects.get(pk=signed.pk)
    assert (stored.status, stored.content) == (BoardPack.Status.SIGNED_OFF, {"facts": "signed"})
    assert [(f.format, bytes(f.content)) for f in stored.files.all()] == [("html", b"<p>signed</p>")]
    assert Plan.objects.filter(pk=world["plan"].pk).exists()
    # a draft pack goes on changing, and goes, on every path
    assert BoardPack.objects.filter(pk=draft.pk).update(content={"facts": "redrafted"}) == 1
    assert BoardPackFile.objects.filter(pack=draft).update(content=b"<p>redrafted</p>") == 1
    BoardPackFile.objects.bulk_create(
        [BoardPackFile(pack=draft, format="pdf", content=b"%PDF", sha256="d" * 64)]
    )
    assert BoardPack.objects.filter(pk=draft.pk).delete()[0] == 3  # the pack and its two files


def test_replacing_the_seed_plans_is_all_or_nothing_when_the_last_file_fails() -> None:
    """load_seed_plans --replace is one transaction: the last seed file (Lichfield's) is refused
    because its plan was published in the app, so the three replaced before it are put back."""
    from django.core.management import CommandError, call_command

    from saferplaces.web.seeds import SEED_FILES, load_seed_plans

    assert SEED_FILES[-1].startswith("lichfield")  # the failing file is the last one
    load_seed_plans()
    before = {p.partnership.slug: p.pk for p in Plan.objects.select_related("partnership")}
    county = Plan.objects.get(partnership__slug="staffordshire")
    county.title = "Changed since it was loaded"
    county.save()
    Priority.objects.filter(plan__partnership__slug="stafford").update(title="Also changed")
    lichfield = Plan.objects.get(partnership__slug="lichfield")
    publish_plan(lichfield, None, "Board of 2 March 2026 agreed the plan (minute 3)", dt.date(2026, 3, 2))
    with pytest.raises(CommandError):
        call_command("load_seed_plans", replace=True)
    after = {p.partnership.slug: p.pk for p in Plan.objects.select_related("partnership")}
    assert after == before  # no plan was deleted and loaded again
    assert Plan.objects.get(pk=county.pk).title == "Changed since it was loaded"
    assert set(
        Priority.all_objects.filter(plan__partnership__slug="stafford").values_list("title", flat=True)
    ) == {"Also changed"}
