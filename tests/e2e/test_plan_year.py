"""Issue 11 in a real browser: an administrator runs the March review, starts next year's plan
and publishes it; every page visited is checked with axe, and the review page is photographed.

``SAFERPLACES_SAVE_SCREENSHOTS=1`` saves the picture to docs/screenshots/web-review-lichfield.png.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from saferplaces.web.assessments.models import PriorityEvidence
from saferplaces.web.partnerships.models import Partnership
from saferplaces.web.plans.models import Action, Plan, Priority, Publication
from tests.conftest import ROOT
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import sign_in
from tests.web.test_plan_year import _assessment

PLAN = "/partnerships/lichfield/plans/2022-2025/"


def test_administrator_reviews_the_year_starts_the_next_and_publishes_it(
    page,  # noqa: ANN001
    seeded,  # noqa: ANN001
    make_user,  # noqa: ANN001
    tmp_path: Path,
) -> None:
    # The seed plan (2022-2025) holds no plan year of its own, so it is in the last year of its
    # span that has begun: 2024/25, whose March review this is, and next year's plan is 2025/26.
    make_user("ann", roles=[("lichfield", "administrator")])
    lichfield = Partnership.objects.get(slug="lichfield")
    plan = Plan.objects.get(partnership=lichfield)
    second, first = plan.priorities.all()[:2]  # Domestic Abuse, then Anti-Social Behaviour
    earlier = _assessment(lichfield, "calendar year 2023", "2023-12", 400, 0.40, 3, area="Lichfield")
    _assessment(lichfield, "calendar year 2024", "2024-12", 600, 0.60, 1, area="Lichfield")
    PriorityEvidence.objects.create(
        priority=first,
        assessment=earlier,
        candidate="Anti-social behaviour",
        evidence={
            "score": 0.40,
            "rank": 3,
            "period_label": "calendar year 2023",
            "components": {"volume": 0.40},
        },
    )
    done = Action.objects.filter(priority=first).first()
    done.completed_on = dt.date(2025, 2, 1)
    done.save()

    # The March review, from the plan page.
    sign_in(page, "ann")
    page.goto(PLAN)
    page.get_by_role("link", name="the March review of 2024/25").click()
    page.get_by_role("heading", name="March review of 2024/25", level=1).wait_for()
    assert page.get_by_text(
        "Its score rose from 0.40 (calendar year 2023) to 0.60 (calendar year 2024)"
    ).count()
    assert_accessible(page)
    save = os.environ.get("SAFERPLACES_SAVE_SCREENSHOTS", "") not in {"", "0"}
    shot = (ROOT / "docs" / "screenshots" if save else tmp_path) / "web-review-lichfield.png"
    page.set_viewport_size({"width": 1100, "height": 900})
    height = min(1800, page.evaluate("document.documentElement.scrollHeight"))
    page.screenshot(path=str(shot), full_page=True, clip={"x": 0, "y": 0, "width": 1100, "height": height})
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    # Next year's plan: the second priority retired, without a reason first.
    page.get_by_role("link", name="Start next year's plan").click()
    assert_accessible(page)
    retire = page.get_by_role("group", name=second.title).get_by_role("radio", name="Retire it")
    retire.check()
    page.get_by_role("button", name="Start next year's plan").click()
    page.locator(".govuk-error-summary").get_by_text(f"Enter why {second.title} is retired").wait_for()
    assert_accessible(page)
    page.get_by_label(f"Why is {second.title} retired?").fill("Delivered in full")
    page.get_by_role("button", name="Start next year's plan").click()
    page.get_by_text("Plan for 2025/26 started as a draft").wait_for()
    assert_accessible(page)
    new = Plan.objects.get(previous_version=plan)
    assert new.status == Plan.Status.DRAFT and new.plan_year == 2025
    assert Priority.all_objects.get(plan=new, carried_from=second).retired_reason == "Delivered in full"
    assert not Action.all_objects.filter(priority__plan=new, carried_from=done).exists()

    # Publication, on the board's decision.
    page.get_by_role("link", name="publish this version").click()
    assert_accessible(page)
    page.get_by_label("Board decision").fill("Board of 14 March 2025 agreed the plan (minute 5)")
    page.locator("input[name=decision_date-day]").fill("14")
    page.locator("input[name=decision_date-month]").fill("3")
    page.locator("input[name=decision_date-year]").fill("2025")
    page.get_by_role("button", name="Publish this version").click()
    page.get_by_text("Plan for 2025/26 published").wait_for()
    page.get_by_role("table", name="Versions of this plan").wait_for()
    assert_accessible(page)
    plan.refresh_from_db()
    new.refresh_from_db()
    assert (plan.status, new.status) == (Plan.Status.SUPERSEDED, Plan.Status.PUBLISHED)
    assert Publication.objects.get(plan=new).superseded == plan
