"""axe-core's WCAG 2.x A and AA rules on every page there is, signed out and as an administrator.

Every page is found by following links from the home page (see ``crawl.py``), so a new page is
checked as soon as a link leads to it; the pages listed here must be among those found.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.e2e.axe import AXE_VERSION, WCAG_TAGS, assert_accessible, describe, violations
from tests.e2e.conftest import administrator_roles
from tests.e2e.crawl import crawl, page_kind

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


def _check_every_page(page, start: list[str]) -> list[str]:  # noqa: ANN001
    """Crawl from ``start``, run axe on every page found, and fail listing every violation."""
    problems: dict[str, str] = {}

    def check(path: str) -> None:
        found = violations(page)
        if found:
            problems[path] = describe(found)

    visited = crawl(page, start, check)
    listing = "\n".join(f"{path}\n{found}" for path, found in problems.items())
    assert not problems, f"axe-core {AXE_VERSION} found WCAG A/AA violations:\n{listing}"
    return visited


def test_every_page_signed_out(page, seeded) -> None:  # noqa: ANN001
    visited = _check_every_page(page, ["/", "/sign-in/", "/admin/login/"])
    assert set(PUBLIC_PAGES) <= set(visited)


def test_every_page_signed_out_on_a_small_screen(page, seeded) -> None:  # noqa: ANN001
    """320 pixels wide (WCAG's reflow width): wide tables scroll in a region the keyboard can reach."""
    page.set_viewport_size({"width": 320, "height": 800})
    _check_every_page(page, ["/"])


def test_every_page_as_an_administrator(signed_in, seeded) -> None:  # noqa: ANN001
    # The seed plans give no contract dates; with them, projects expect returns (and offer the form).
    from saferplaces.web.projects.models import Project

    Project.objects.update(contract_start=dt.date(2024, 4, 1), contract_end=dt.date(2027, 3, 31))
    page = signed_in("admin", roles=administrator_roles())
    visited = _check_every_page(page, ["/", "/admin/login/", *MEMBER_PAGES])
    assert set(PUBLIC_PAGES) - {"/sign-in/"} <= set(visited)
    assert set(MEMBER_PAGES) <= set(visited)
    # The editing pages an administrator reaches by links, one of each kind per plan or partnership.
    kinds = {page_kind(path)[0] for path in visited}
    assert {"dashboard", "delivery", "action-update", "risks", "risk-edit", "risk-new"} <= kinds
    assert {"targets", "target", "project", "return-new", "import", "history"} <= kinds
    assert {"manage", "manage-list", "manage-new", "manage-edit", "members", "jobs", "my-actions"} <= kinds
    assert {"assessments", "assessment-new"} <= kinds


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
