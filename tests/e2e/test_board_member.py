"""A board member reads everything in their partnership and can change nothing."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from saferplaces.web.audit.models import AuditEntry
from saferplaces.web.plans.models import Plan, Risk
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import administrator_roles, sign_in
from tests.e2e.crawl import crawl, page_kind

PLAN_URL = "/partnerships/east-staffordshire/plans/2018-2021/"
#: Links that lead to a change: the edit pages (built or to come) and the admin's change pages.
EDIT_HREF = re.compile(r"/(edit|update|new|delete|add|change)/|/returns/|/admin/")


@pytest.fixture
def draft_plan(seeded) -> Plan:  # noqa: ANN001
    """East Staffordshire's plan as a draft, so only its members see it."""
    plan = Plan.objects.get(partnership__slug="east-staffordshire")
    plan.status = Plan.Status.DRAFT
    plan.save()
    return plan


def _csrf_token(page) -> str:  # noqa: ANN001
    """The form token of the signed-in page (in the sign-out form), as a form would send it."""
    return page.locator("input[name=csrfmiddlewaretoken]").first.input_value()


def _admin_risk_change(page, risk: Risk, impact: str):  # noqa: ANN001, ANN202
    """POST Django admin's change form for ``risk`` with a new impact, as the browser would."""
    form = {
        "csrfmiddlewaretoken": _csrf_token(page),
        "plan": str(risk.plan_id),
        "order": str(risk.order),
        "risk": risk.risk,
        "impact": impact,
        "likelihood": risk.likelihood,
        "mitigation": risk.mitigation,
        "owner": risk.owner,
        "review_date": "",
        "status": risk.status,
        "_save": "Save",
    }
    return page.request.post(f"/admin/plans/risk/{risk.pk}/change/", form=form, max_redirects=0)


def test_board_member_sees_the_draft_plan_and_no_edit_controls(
    page, browser, live_server, make_user, draft_plan
) -> None:  # noqa: ANN001
    make_user("board.member", roles=[("east-staffordshire", "board_member")])
    sign_in(page, "board.member")
    assert page.goto(PLAN_URL).status == 200
    assert page.get_by_role("heading", level=1).inner_text() == draft_plan.title
    page.get_by_role("table", name="Risk register").wait_for()
    assert_accessible(page)

    # The only form is the sign-out button's; nothing to type into, no edit links.
    forms = page.locator("main form, header form")
    assert forms.count() == 1 and forms.get_attribute("action") == "/sign-out/"
    assert page.locator("input:not([type=hidden]), textarea, select").count() == 0
    assert page.get_by_role("button").all_inner_texts() == ["Sign out"]
    hrefs = page.locator("a[href]").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert [h for h in hrefs if EDIT_HREF.search(h)] == []

    # Signed out, the draft does not exist.
    other = browser.new_context(base_url=live_server.url)
    assert other.new_page().goto(PLAN_URL).status == 404
    other.close()


def test_board_member_cannot_change_anything_through_the_admin(
    page, browser, live_server, make_user, draft_plan
) -> None:  # noqa: ANN001
    make_user("board.member", roles=[("east-staffordshire", "board_member")])
    sign_in(page, "board.member")
    risk = draft_plan.risks.exclude(impact=Risk.Level.LOW).first()
    before = (risk.impact, AuditEntry.objects.count())

    response = _admin_risk_change(page, risk, Risk.Level.LOW)
    assert response.status == 302 and "/admin/login/" in response.headers["location"]
    added = page.request.post(
        "/admin/plans/plan/add/",
        form={"csrfmiddlewaretoken": _csrf_token(page), "title": "A board member's plan"},
        max_redirects=0,
    )
    assert added.status == 302 and "/admin/login/" in added.headers["location"]
    risk.refresh_from_db()
    assert (risk.impact, AuditEntry.objects.count()) == before
    assert not Plan.objects.filter(title="A board member's plan").exists()

    # The admin page itself tells them so.
    page.goto("/admin/")
    page.get_by_text("You are authenticated as board.member, but are not authorized").wait_for()

    # The same request from a superuser is accepted: the refusal is the board member's role.
    context = browser.new_context(base_url=live_server.url)
    superuser_page = context.new_page()
    make_user("super", superuser=True)
    sign_in(superuser_page, "super")
    accepted = _admin_risk_change(superuser_page, risk, Risk.Level.LOW)
    context.close()
    assert accepted.status == 302 and accepted.headers["location"] == "/admin/plans/risk/"
    risk.refresh_from_db()
    assert risk.impact == Risk.Level.LOW
    assert AuditEntry.objects.count() == before[1] + 1


def test_administration_is_in_the_menu_for_staff_only(page, make_user, seeded) -> None:  # noqa: ANN001
    menu = page.get_by_role("navigation", name="Menu")
    page.goto("/")
    assert menu.get_by_role("link").all_inner_texts() == ["Partnerships"]
    make_user("super", superuser=True)
    sign_in(page, "super")
    assert menu.get_by_role("link").all_inner_texts() == ["Partnerships", "My actions", "Administration"]
    menu.get_by_role("link", name="Administration").click()
    page.wait_for_url("**/admin/")
    assert_accessible(page)


def test_board_member_is_refused_every_form_an_administrator_has(
    signed_in, browser, live_server, make_user, seeded
) -> None:  # noqa: ANN001
    """Every POST form an administrator is shown answers 403 to a board member of the same partnerships."""
    from saferplaces.web.projects.models import Project

    Project.objects.update(contract_start=dt.date(2024, 4, 1), contract_end=dt.date(2027, 3, 31))
    roles = administrator_roles()
    admin_page = signed_in("all.admin", roles=roles)
    actions: set[str] = set()

    def collect(path: str) -> None:
        forms = admin_page.locator("main form[method=post i]")
        actions.update(forms.evaluate_all("forms => forms.map(f => new URL(f.action).pathname)"))

    crawl(admin_page, ["/"], collect)
    kinds = {page_kind(a)[0] for a in actions}
    assert {"action-update", "risk-edit", "risk-new", "return-new", "import", "target"} <= kinds, kinds
    issue_10 = {"manage-new", "manage-move", "manage-retire", "members", "remove-role", "deactivate"}
    assert issue_10 <= kinds, kinds

    make_user("board.member", roles=[(slug, "board_member") for slug, _ in roles])
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    sign_in(page, "board.member")
    before = AuditEntry.objects.count()
    refused = {}
    for action in sorted(actions):
        response = page.request.post(action, form={"csrfmiddlewaretoken": _csrf_token(page)}, max_redirects=0)
        refused[action] = response.status
    context.close()
    assert set(refused.values()) == {403}, refused
    assert AuditEntry.objects.count() == before
