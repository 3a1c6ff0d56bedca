"""Every page works with JavaScript switched off: each loads and has its one h1."""

from __future__ import annotations

import datetime as dt

from tests.e2e.conftest import administrator_roles, sign_in
from tests.e2e.crawl import crawl
from tests.e2e.test_accessibility import MEMBER_PAGES, PUBLIC_PAGES

#: GOV.UK Frontend's inline script marks the body when scripts run.
SUPPORTED = "document.body.classList.contains('govuk-frontend-supported')"


def _one_h1(page):  # noqa: ANN001, ANN202
    def check(path: str) -> None:
        assert page.locator("h1").count() == 1, path
        assert page.locator("h1").inner_text().strip(), path
        assert page.evaluate(SUPPORTED) is False, path

    return check


def test_every_page_signed_out_without_javascript(no_js_page, seeded) -> None:  # noqa: ANN001
    # Django's admin login has no h1 of its own; it is checked apart below.
    visited = crawl(no_js_page, ["/", "/sign-in/"], _one_h1(no_js_page))
    assert {u for u in PUBLIC_PAGES if not u.startswith("/admin/")} <= set(visited)


def test_every_page_as_an_administrator_without_javascript(no_js_page, make_user, seeded) -> None:  # noqa: ANN001
    from saferplaces.web.projects.models import Project

    Project.objects.update(contract_start=dt.date(2024, 4, 1), contract_end=dt.date(2027, 3, 31))
    page = no_js_page
    make_user("admin", roles=administrator_roles())
    sign_in(page, "admin")
    visited = crawl(page, ["/", *MEMBER_PAGES], _one_h1(page))
    assert set(MEMBER_PAGES) <= set(visited)
    assert len(visited) > len(PUBLIC_PAGES) + len(MEMBER_PAGES)  # the editing pages too
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("link", name="Sign in").wait_for()
    assert page.goto(MEMBER_PAGES[0]).status == 404


def test_with_javascript_the_body_is_marked(page, transactional_db) -> None:  # noqa: ANN001
    """The counterpart of the check above, so that it can fail."""
    page.goto("/")
    assert page.evaluate(SUPPORTED) is True


def test_admin_login_without_javascript(no_js_page, transactional_db) -> None:  # noqa: ANN001
    assert no_js_page.goto("/admin/login/").status == 200
    no_js_page.get_by_role("button", name="Log in").wait_for()
