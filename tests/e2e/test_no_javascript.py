"""Every page works with JavaScript switched off."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import administrator_roles, sign_in
from tests.e2e.test_accessibility import MEMBER_PAGES, PUBLIC_PAGES


def _h1(page, url: str) -> str:  # noqa: ANN001
    response = page.goto(url)
    assert response.status == 200, url
    headings = page.locator("h1")
    assert headings.count() == 1, url
    return headings.inner_text()


SUPPORTED = "document.body.classList.contains('govuk-frontend-supported')"
#: Our pages; Django's admin login has no h1 of its own and is checked apart.
OUR_PAGES = [u for u in PUBLIC_PAGES if not u.startswith("/admin/")]


@pytest.mark.parametrize("url", OUR_PAGES)
def test_page_without_javascript(no_js_page, seeded, url: str) -> None:  # noqa: ANN001
    assert _h1(no_js_page, url)
    # GOV.UK Frontend's inline script marks the body when scripts run; here none did.
    assert no_js_page.evaluate(SUPPORTED) is False


def test_with_javascript_the_body_is_marked(page, transactional_db) -> None:  # noqa: ANN001
    """The counterpart of the check above, so that it can fail."""
    page.goto("/")
    assert page.evaluate(SUPPORTED) is True


def test_admin_login_without_javascript(no_js_page, transactional_db) -> None:  # noqa: ANN001
    assert no_js_page.goto("/admin/login/").status == 200
    no_js_page.get_by_role("button", name="Log in").wait_for()


def test_sign_in_member_pages_and_sign_out_without_javascript(no_js_page, make_user, seeded) -> None:  # noqa: ANN001
    page = no_js_page
    make_user("admin", roles=administrator_roles())
    sign_in(page, "admin")
    for url in MEMBER_PAGES:
        assert _h1(page, url) == "Change history"
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("link", name="Sign in").wait_for()
    assert page.goto(MEMBER_PAGES[0]).status == 404
