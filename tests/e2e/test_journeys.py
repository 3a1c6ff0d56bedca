"""Journeys through the editing pages: action updates, quarterly returns and the risk register.

Every journey runs axe-core on the pages it visits. The pages are built: a journey whose
URL name no longer resolves fails (it was once skipped, so a renamed URL silently skipped
six journeys; issue #13).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from saferplaces.web.audit.models import AuditEntry
from saferplaces.web.plans.models import Action, Plan, ProgressUpdate, Risk
from saferplaces.web.projects.models import Project, QuarterlyReturn
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import sign_in


def _url(name: str, *args: object, expected: str) -> str:
    """The page's URL by name, checked against the address the pages were agreed with."""
    url = reverse(name, args=args)
    assert url == expected
    return url


def _main_forms(page):  # noqa: ANN001, ANN202
    """Forms in the page's content (the header's sign-out form is not one)."""
    return page.locator("main form[method=post i]")


def _csrf_token(page) -> str:  # noqa: ANN001
    return page.locator("input[name=csrfmiddlewaretoken]").first.input_value()


def _error_summary(page):  # noqa: ANN001, ANN202
    summary = page.locator(".govuk-error-summary")
    summary.get_by_text("There is a problem").wait_for()
    return summary


# -- the lead officer's action update ------------------------------------------------------------


@pytest.fixture
def lichfield_action(seeded, make_user) -> Action:  # noqa: ANN001
    """An action of Lichfield's 2022-2025 plan led by the account ``lead.officer``."""
    lead = make_user("lead.officer", roles=[("lichfield", "lead_officer")])
    action = Action.objects.filter(priority__plan__partnership__slug="lichfield").order_by("pk").first()
    action.lead_user = lead
    action.rag = Action.Rag.GREEN
    action.save()
    return action


def _action_urls(action: Action) -> tuple[str, str]:
    plan = action.priority.plan
    slug = plan.partnership.slug
    base = f"/partnerships/{slug}/plans/{plan.slug}/"
    update = _url("action-update", slug, plan.slug, action.pk, expected=f"{base}actions/{action.pk}/update/")
    delivery = _url("delivery", slug, plan.slug, expected=f"{base}delivery/")
    return update, delivery


def test_lead_officer_updates_an_action(page, lichfield_action) -> None:  # noqa: ANN001
    update_url, delivery_url = _action_urls(lichfield_action)
    sign_in(page, "lead.officer")
    assert page.goto(update_url).status == 200
    assert_accessible(page)
    today = dt.date.today()
    assert [page.locator(f"input[name=date-{part}]").input_value() for part in ("day", "month", "year")] == [
        str(today.day),
        str(today.month),
        str(today.year),
    ]

    audit_before = AuditEntry.objects.count()
    page.get_by_role("radio", name="Amber", exact=True).check()
    page.get_by_label("Progress update").fill("Training delivered to 40 staff; next session booked.")
    page.get_by_role("button", name="Save update").click()

    page.wait_for_url(f"**{delivery_url}")
    page.get_by_text("Update saved").first.wait_for()
    row = page.locator("tr").filter(has_text="Training delivered to 40 staff")
    assert row.count() == 1
    assert "Amber" in row.inner_text()
    assert_accessible(page)

    lichfield_action.refresh_from_db()
    assert lichfield_action.rag == Action.Rag.AMBER
    update = ProgressUpdate.objects.get(action=lichfield_action)
    assert (update.rag, update.date) == (Action.Rag.AMBER, today)
    assert AuditEntry.objects.count() > audit_before  # the change is in the audit trail


def test_an_empty_progress_update_shows_an_error_and_saves_nothing(page, lichfield_action) -> None:  # noqa: ANN001
    update_url, _ = _action_urls(lichfield_action)
    sign_in(page, "lead.officer")
    page.goto(update_url)
    before = (ProgressUpdate.objects.count(), AuditEntry.objects.count())
    page.get_by_role("radio", name="Red", exact=True).check()
    page.get_by_role("button", name="Save update").click()

    summary = _error_summary(page)
    assert page.title().startswith("Error:")
    assert page.url.endswith(update_url)
    # The summary names the empty field and links to it.
    link = summary.get_by_role("link").first
    assert link.get_attribute("href") == "#text"
    link.click()
    assert page.evaluate("document.activeElement.name") == "text"
    # What was chosen is kept.
    assert page.get_by_role("radio", name="Red", exact=True).is_checked()
    assert_accessible(page)

    lichfield_action.refresh_from_db()
    assert lichfield_action.rag == Action.Rag.GREEN
    assert (ProgressUpdate.objects.count(), AuditEntry.objects.count()) == before


# -- the provider's quarterly return -------------------------------------------------------------


@pytest.fixture
def provided_project(seeded, make_user) -> Project:  # noqa: ANN001
    """An East Staffordshire project under contract now, provided by the account ``provider``."""
    provider = make_user("provider", roles=[("east-staffordshire", "provider")])
    project = Project.objects.filter(partnership__slug="east-staffordshire").order_by("pk").first()
    today = dt.date.today()
    project.contract_start = today.replace(year=today.year - 1, day=1)
    project.contract_end = today.replace(year=today.year + 1, day=1)
    project.save()
    project.provider_users.add(provider)
    return project


def _choose_quarter(page) -> str:  # noqa: ANN001
    """Choose the first quarter offered, whether the page asks with a select or radios."""
    quarter = re.compile(r"^\d{4}/\d{2} Q[1-4]$")
    select = page.locator("select[name=period]")
    if select.count():
        values = select.locator("option").evaluate_all("options => options.map(o => o.value)")
        value = next(v for v in values if quarter.match(v))
        select.select_option(value)
        return value
    radios = page.locator("input[type=radio][name=period]")
    values = radios.evaluate_all("inputs => inputs.map(i => i.value)")
    value = next(v for v in values if quarter.match(v))
    page.locator(f'input[type=radio][name=period][value="{value}"]').check()
    return value


def test_provider_submits_a_quarterly_return(page, provided_project) -> None:  # noqa: ANN001
    slug = provided_project.partnership.slug
    new_url = _url(
        "return-new",
        slug,
        provided_project.pk,
        expected=f"/partnerships/{slug}/projects/{provided_project.pk}/returns/new/",
    )
    project_url = _url(
        "project", slug, provided_project.pk, expected=f"/partnerships/{slug}/projects/{provided_project.pk}/"
    )
    sign_in(page, "provider")
    assert page.goto(new_url).status == 200
    assert_accessible(page)

    period = _choose_quarter(page)
    page.get_by_label("Outputs delivered").fill("12 young people completed the programme.")
    page.locator("textarea[name=outcomes]").fill("Fewer call-outs to the estate.")
    page.locator("input[type=radio][name=targets_met][value=partly]").check()
    page.locator("textarea[name=narrative]").fill("Staff sickness delayed one cohort.")
    page.get_by_role("button", name="Submit return").click()

    page.wait_for_url(f"**{project_url}")
    page.get_by_text("Return submitted").first.wait_for()
    assert page.get_by_text(period).count() >= 1
    assert_accessible(page)

    saved = QuarterlyReturn.objects.get(project=provided_project, period=period)
    assert saved.outputs == "12 young people completed the programme."
    assert saved.narrative == "Staff sickness delayed one cohort."


def test_a_return_without_outputs_is_refused_and_saves_nothing(page, provided_project) -> None:  # noqa: ANN001
    slug = provided_project.partnership.slug
    sign_in(page, "provider")
    page.goto(reverse("return-new", args=[slug, provided_project.pk]))
    _choose_quarter(page)
    page.locator("input[type=radio][name=targets_met][value=yes]").check()
    page.get_by_role("button", name="Submit return").click()
    summary = _error_summary(page)
    assert summary.locator('a[href="#outputs"]').count() == 1
    assert_accessible(page)
    assert not QuarterlyReturn.objects.filter(project=provided_project).exists()


# -- the administrator's risk register -----------------------------------------------------------


def _heatmap(page) -> dict[tuple[str, str], int]:  # noqa: ANN001
    """The heatmap table's counts by (impact, likelihood) level, read from the cells' text."""
    table = page.locator("table").filter(has=page.locator("caption", has_text=re.compile("likelihood", re.I)))
    assert table.count() == 1
    columns = [_level(t) for t in table.locator("thead th").all_inner_texts()]
    counts = {}
    for row in table.locator("tbody tr").all():
        impact = _level(row.locator("th").inner_text())
        for likelihood, cell in zip(columns, row.locator("td").all_inner_texts(), strict=True):
            counts[(impact, likelihood)] = int(re.match(r"\s*(\d+)", cell).group(1))
    assert len(counts) == 9
    return counts


def _level(text: str) -> str:
    return re.search(r"\b(high|medium|low)\b", text, re.I).group(1).lower()


@pytest.fixture
def es_plan(seeded) -> Plan:  # noqa: ANN001
    return Plan.objects.get(partnership__slug="east-staffordshire")


def test_administrator_edits_a_risk_and_the_heatmap_changes(page, make_user, es_plan) -> None:  # noqa: ANN001
    make_user("admin", roles=[("east-staffordshire", "administrator")])
    risk = es_plan.risks.exclude(status=Risk.Status.CLOSED).order_by("pk").first()
    old = (risk.impact, risk.likelihood)
    new = ("low", "low") if old != ("low", "low") else ("high", "high")
    base = f"/partnerships/east-staffordshire/plans/{es_plan.slug}/risks/"
    risks_url = _url("risks", "east-staffordshire", es_plan.slug, expected=base)
    edit_url = _url(
        "risk-edit", "east-staffordshire", es_plan.slug, risk.pk, expected=f"{base}{risk.pk}/edit/"
    )

    sign_in(page, "admin")
    assert page.goto(risks_url).status == 200
    assert_accessible(page)
    before = _heatmap(page)

    assert page.goto(edit_url).status == 200
    assert_accessible(page)
    page.locator(f"input[type=radio][name=impact][value={new[0]}]").check()
    page.locator(f"input[type=radio][name=likelihood][value={new[1]}]").check()
    # The seed plans leave every risk's status blank (not stated); the reviewer records it as open,
    # which leaves it in the heatmap as before.
    status_open = page.locator("input[type=radio][name=status][value=open]")
    if status_open.count():
        status_open.check()
    page.get_by_role("button", name="Save risk").click()

    page.wait_for_url(f"**{risks_url}")
    after = _heatmap(page)
    expected = dict(before)
    expected[old] -= 1
    expected[new] += 1
    assert after == expected
    assert_accessible(page)
    risk.refresh_from_db()
    assert (risk.impact, risk.likelihood) == new


# -- a board member cannot edit -------------------------------------------------------------------


def _refused(page, url: str, form: dict[str, str]) -> None:  # noqa: ANN001
    """The page is 403 with no form on it, and a POST to it is 403 too."""
    response = page.goto(url)
    assert response.status == 403, url
    assert page.locator("h1").count() == 1
    assert _main_forms(page).count() == 0, url
    assert page.locator("main input:not([type=hidden]), main textarea, main select").count() == 0
    assert_accessible(page)
    posted = page.request.post(url, form={"csrfmiddlewaretoken": _csrf_token(page), **form}, max_redirects=0)
    assert posted.status == 403, url


def test_a_board_member_cannot_edit(page, make_user, lichfield_action, provided_project, es_plan) -> None:  # noqa: ANN001
    make_user("board", roles=[("lichfield", "board_member"), ("east-staffordshire", "board_member")])
    sign_in(page, "board")
    before = (
        ProgressUpdate.objects.count(),
        QuarterlyReturn.objects.count(),
        list(Risk.objects.values_list("impact", "likelihood")),
        AuditEntry.objects.count(),
    )
    plan = lichfield_action.priority.plan
    today = dt.date.today()
    _refused(
        page,
        reverse("action-update", args=["lichfield", plan.slug, lichfield_action.pk]),
        {
            "rag": "red",
            "text": "Not allowed",
            "date-day": str(today.day),
            "date-month": str(today.month),
            "date-year": str(today.year),
        },
    )
    _refused(
        page,
        reverse("return-new", args=["east-staffordshire", provided_project.pk]),
        {"outputs": "Not allowed", "targets_met": "yes"},
    )
    risk = es_plan.risks.order_by("pk").first()
    _refused(
        page,
        reverse("risk-edit", args=["east-staffordshire", es_plan.slug, risk.pk]),
        {"risk": risk.risk, "impact": "low", "likelihood": "low", "status": "open"},
    )
    after = (
        ProgressUpdate.objects.count(),
        QuarterlyReturn.objects.count(),
        list(Risk.objects.values_list("impact", "likelihood")),
        AuditEntry.objects.count(),
    )
    assert after == before
