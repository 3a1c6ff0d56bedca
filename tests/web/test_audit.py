"""The audit trail: every change recorded with who, when, before and after."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.db import IntegrityError
from django.test import Client

from saferplaces.web.accounts.models import Role
from saferplaces.web.audit.models import AuditEntry
from saferplaces.web.audit.trail import audited_delete, audited_save, partnership_of, snapshot
from saferplaces.web.partnerships.models import Partnership
from saferplaces.web.performance.models import Target
from saferplaces.web.plans.models import Risk
from saferplaces.web.seeds import load_seed_plans

pytestmark = pytest.mark.django_db


@pytest.fixture
def risk() -> Risk:
    load_seed_plans()
    return Risk.objects.filter(plan__partnership__slug="east-staffordshire").first()


def test_a_change_records_before_and_after(risk: Risk) -> None:
    user = User.objects.create_user("ann", password="x", first_name="Ann", last_name="Lee")
    old_likelihood = risk.likelihood
    risk.likelihood = Risk.Level.HIGH if old_likelihood != Risk.Level.HIGH else Risk.Level.LOW
    risk.review_date = dt.date(2026, 12, 1)
    entry = audited_save(user, risk, via="risk form")
    assert entry is not None
    assert entry.kind == AuditEntry.Kind.CHANGED
    assert entry.user == user and entry.user_name == "Ann Lee"
    assert entry.partnership.slug == "east-staffordshire"
    assert entry.model == "plans.risk" and entry.object_id == str(risk.pk)
    changed = {field: (before, after) for field, before, after in entry.changes()}
    assert changed == {
        "likelihood": (old_likelihood, risk.likelihood),
        "review_date": (None, "2026-12-01"),
    }
    assert entry.via == "risk form"


def test_saving_without_a_change_writes_nothing(risk: Risk) -> None:
    assert audited_save(None, risk) is None
    assert AuditEntry.objects.count() == 0


def test_creation_and_deletion(risk: Risk) -> None:
    new = Risk(plan=risk.plan, risk="Loss of the locality fund", impact="high", likelihood="low")
    created = audited_save(None, new)
    assert created.kind == AuditEntry.Kind.CREATED and created.before is None
    assert created.after["risk"] == "Loss of the locality fund"
    pk = new.pk
    deleted = audited_delete(None, new)
    assert deleted.kind == AuditEntry.Kind.DELETED and deleted.after is None
    assert deleted.before["risk"] == "Loss of the locality fund"
    assert deleted.object_id == str(pk)
    assert not Risk.objects.filter(pk=pk).exists()


def test_a_failed_save_leaves_no_entry(risk: Risk) -> None:
    other = Target.objects.filter(plan=risk.plan).first()
    value = other.values.first()
    clash = type(value)(target=other, period=value.period)  # breaks one_value_per_period
    with pytest.raises(IntegrityError):
        audited_save(None, clash)
    assert AuditEntry.objects.count() == 0


def test_partnership_found_through_parents(risk: Risk) -> None:
    target = Target.objects.filter(plan=risk.plan).first()
    assert partnership_of(target.values.first()).slug == "east-staffordshire"
    assert partnership_of(risk.plan.partnership) == risk.plan.partnership


def test_snapshot_is_json_ready(risk: Risk) -> None:
    import json

    target = Target.objects.filter(plan=risk.plan, baseline_value__isnull=False).first()
    data = snapshot(target)
    json.dumps(data)
    assert data["plan_id"] == risk.plan_id
    assert isinstance(data["baseline_value"], str)


def test_history_page_for_members_only(client: Client, risk: Risk) -> None:
    es = Partnership.objects.get(slug="east-staffordshire")
    member = User.objects.create_user("board", password="x")
    Role.objects.create(user=member, partnership=es, name=Role.Name.BOARD_MEMBER)
    outsider = User.objects.create_user("outsider", password="x")
    risk.owner = "Community Safety Manager"
    audited_save(member, risk, via="risk form")
    assert client.get("/partnerships/east-staffordshire/history/").status_code == 404
    client.force_login(outsider)
    assert client.get("/partnerships/east-staffordshire/history/").status_code == 404
    client.force_login(member)
    html = client.get("/partnerships/east-staffordshire/history/").content.decode()
    assert "Changed: " in html and "Community Safety Manager" in html and "risk form" in html
    assert "Change history" in client.get("/partnerships/east-staffordshire/").content.decode()


def test_admin_changes_are_recorded(client: Client, risk: Risk) -> None:
    admin = User.objects.create_superuser("root", password="x")
    client.force_login(admin)
    target = Target.objects.filter(plan=risk.plan).first()
    page = client.get(f"/admin/performance/target/{target.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: ("" if value is None else value) for name, value in form.initial.items()}
    data["description"] = "Changed in the admin"
    formset = page.context["inline_admin_formsets"][0].formset
    data.update(formset.management_form.initial)
    data = {k: v for k, v in data.items() if k not in {"plan", "priority"}}
    data["plan"] = target.plan_id
    data["priority"] = target.priority_id or ""
    prefix = formset.prefix
    data[f"{prefix}-TOTAL_FORMS"] = str(len(formset.forms))
    data[f"{prefix}-INITIAL_FORMS"] = str(len(formset.forms))
    for i, f in enumerate(formset.forms):
        for name, value in f.initial.items():
            data[f"{prefix}-{i}-{name}"] = "" if value is None else value
        data[f"{prefix}-{i}-id"] = f.instance.pk
        data[f"{prefix}-{i}-target"] = target.pk
    data[f"{prefix}-0-note"] = "Edited by the admin"
    response = client.post(f"/admin/performance/target/{target.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    kinds = {(e.model, e.via) for e in AuditEntry.objects.all()}
    assert ("performance.target", "admin") in kinds
    assert ("performance.targetvalue", "admin") in kinds


def test_history_shows_labels_and_filters(client: Client, risk: Risk) -> None:
    es = Partnership.objects.get(slug="east-staffordshire")
    ann = User.objects.create_user("ann", password="x", first_name="Ann", last_name="Admin")
    Role.objects.create(user=ann, partnership=es, name=Role.Name.ADMINISTRATOR)
    bob = User.objects.create_user("bob", password="x")
    risk.review_date = dt.date(2026, 3, 27)
    risk.likelihood = Risk.Level.HIGH if risk.likelihood != Risk.Level.HIGH else Risk.Level.LOW
    audited_save(ann, risk, via="risk form")
    other = Risk.objects.filter(plan=risk.plan).exclude(pk=risk.pk).first()
    other.owner = "Someone else"
    audited_save(bob, other, via="risk form")
    client.force_login(ann)
    url = "/partnerships/east-staffordshire/history/"
    html = client.get(url).content.decode()
    assert ">Review date</th>" in html and "review_date" not in html.split("<main")[1].split("</form>")[1]
    assert ">Likelihood</th>" in html and ('<td class="govuk-table__cell">High</td>' in html)
    assert "Changed: Risk “" in html
    only_ann = client.get(url, {"person": "Ann Admin"}).content.decode()
    assert "Someone else" not in only_ann and "2026-03-27" in only_ann
    one = client.get(url, {"model": "plans.risk", "object": str(other.pk)}).content.decode()
    assert "Someone else" in one and "2026-03-27" not in one
    today = dt.date.today()
    future = client.get(url, {"since-day": "1", "since-month": "1", "since-year": str(today.year + 1)})
    assert "No changes match these filters." in future.content.decode()
