"""axe-core's WCAG 2.x A and AA rules on every page there is, signed out and as an administrator."""

from __future__ import annotations

import pytest

from tests.e2e.axe import AXE_VERSION, WCAG_TAGS, assert_accessible, describe, violations
from tests.e2e.conftest import administrator_roles

PARTNERSHIPS = ["staffordshire", "east-staffordshire", "stafford", "lichfield"]
PLANS = [
    "/partnerships/staffordshire/plans/2023-2026/",
    "/partnerships/east-staffordshire/plans/2018-2021/",
    "/partnerships/stafford/plans/2020-2024/",
    "/partnerships/lichfield/plans/2022-2025/",
]
PUBLIC_PAGES = [
    "/",
    "/sign-in/",
    *[f"/partnerships/{slug}/" for slug in PARTNERSHIPS],
    *PLANS,
    "/admin/login/",
]
#: Pages only the partnership's members see.
MEMBER_PAGES = [f"/partnerships/{slug}/history/" for slug in PARTNERSHIPS]


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_signed_out(page, seeded, url: str) -> None:  # noqa: ANN001
    response = page.goto(url)
    assert response.status == 200, url
    assert_accessible(page)


@pytest.mark.parametrize("url", PUBLIC_PAGES + MEMBER_PAGES)
def test_signed_in_as_an_administrator(signed_in, seeded, url: str) -> None:  # noqa: ANN001
    page = signed_in("admin", roles=administrator_roles())
    response = page.goto(url)
    assert response.status == 200, url
    if url.startswith("/admin/"):
        # Django's admin pages say so in their own words; a partnership administrator is not staff.
        page.get_by_text("You are authenticated as admin").wait_for()
    else:
        page.get_by_text("Signed in as admin").wait_for()
    assert_accessible(page)


def test_history_with_changes_is_accessible(signed_in, seeded) -> None:  # noqa: ANN001
    """The history page with entries in it (the other test sees it empty)."""
    from saferplaces.web.audit.trail import audited_save
    from saferplaces.web.plans.models import Risk

    risk = Risk.objects.filter(plan__partnership__slug="east-staffordshire").first()
    risk.impact = Risk.Level.LOW
    audited_save(None, risk, via="browser test")
    page = signed_in("admin", roles=administrator_roles())
    page.goto("/partnerships/east-staffordshire/history/")
    page.get_by_text("browser test").first.wait_for()
    assert_accessible(page)


def test_the_check_finds_violations(page, live_server) -> None:  # noqa: ANN001
    """The helper fails on a broken page, naming the rule, its impact and the element."""
    page.set_content('<html><body><img src="x.png"><input id="q"></body></html>')
    found = violations(page)
    ids = {v["id"] for v in found}
    assert {"html-has-lang", "image-alt", "label"} <= ids
    listing = describe(found)
    assert "image-alt (critical)" in listing and "at img" in listing and "at #q" in listing
    with pytest.raises(AssertionError, match=f"axe-core {AXE_VERSION} found"):
        assert_accessible(page)
    assert "wcag21aa" in WCAG_TAGS
