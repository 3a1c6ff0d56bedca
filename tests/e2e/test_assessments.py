"""Journeys of issue #10 (sections 2 and 3) in a real browser, every page checked with axe.

An analyst builds the Lichfield assessment for 2025 and watches its progress; an
administrator adopts two priorities from it and one for a reason the data cannot show; a
board member reads "Why this is a priority" and can change nothing.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from saferplaces.web.assessments.models import Assessment, PriorityEvidence
from saferplaces.web.plans.models import Priority
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import sign_in
from tests.web.helpers import run_tasks

PLAN = "/partnerships/lichfield/plans/2022-2025/"
#: Where the screenshots of the new pages go (1280 pixels wide), to look at by hand.
SHOTS = Path(os.environ.get("SAFERPLACES_SHOTS_DIR", "/tmp/saferplaces-shots"))


def _shot(page, name: str) -> None:  # noqa: ANN001
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _sign_out(page) -> None:  # noqa: ANN001
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("link", name="Sign in").wait_for()


def _decision(page, minute: str) -> None:  # noqa: ANN001
    page.get_by_label("Day").fill("14")
    page.get_by_label("Month").fill("1")
    page.get_by_label("Year").fill("2026")
    page.get_by_label("Minute reference").fill(minute)


def test_build_adopt_and_read_why(page, seeded, make_user, settings, bundled_store) -> None:  # noqa: ANN001
    settings.ENV = replace(settings.ENV, store_dir=bundled_store.root)
    make_user("ana", roles=[("lichfield", "analyst")])
    make_user("ann", roles=[("lichfield", "administrator")])
    make_user("bea", roles=[("lichfield", "board_member")])

    # The analyst builds the assessment and watches its progress.
    sign_in(page, "ana")
    page.goto("/partnerships/lichfield/")
    page.get_by_role("link", name="Strategic assessments").first.click()
    assert_accessible(page)
    page.get_by_role("link", name="Build an assessment").click()
    assert_accessible(page)
    page.get_by_label("Period").fill("last year")
    page.get_by_role("button", name="Build the assessment").click()
    page.get_by_text("There is a problem").wait_for()
    assert "The period 'last year' is not one we recognise" in page.inner_text(".govuk-error-summary")
    assert_accessible(page)
    _shot(page, "assessment-new-error")
    page.get_by_label("Period").fill("2025")
    page.get_by_role("button", name="Build the assessment").click()
    page.get_by_text("Waiting for the worker to start this task.").wait_for()
    assert_accessible(page)
    run_tasks()
    page.get_by_role("heading", name="Finished").wait_for(timeout=30_000)
    page.get_by_role("link", name="See the assessment").click()
    page.get_by_role("heading", name="Lichfield, calendar year 2025").wait_for()
    assert_accessible(page)
    _shot(page, "assessment")
    assessment = Assessment.objects.get()
    frame = page.frame_locator("iframe.sp-report-frame")
    assert "Lichfield" in frame.locator("h1").first.inner_text()
    _sign_out(page)

    # The administrator adopts two priorities from it and one for a reason the data cannot show.
    sign_in(page, "ann")
    page.goto(f"/partnerships/lichfield/assessments/{assessment.pk}/")
    page.get_by_role("link", name="Adopt Vehicle crime").click()
    assert_accessible(page)
    assert page.get_by_label("Title of the new priority (if adding one)").input_value() == "Vehicle crime"
    _decision(page, "LCSP 14/01/26 item 5")
    page.get_by_role("button", name="Adopt the priority").click()
    page.get_by_role("heading", name="Why Vehicle crime is a priority").wait_for()
    assert_accessible(page)
    _shot(page, "priority-why")
    page.goto(f"/partnerships/lichfield/assessments/{assessment.pk}/")
    page.get_by_role("link", name="Adopt Anti-social behaviour").click()
    page.get_by_label("Priority", exact=True).select_option(
        label="Anti-Social Behaviour (Community Safety Delivery plan 2022-2025)"
    )
    _decision(page, "LCSP 14/01/26 item 6")
    page.get_by_role("button", name="Adopt the priority").click()
    page.get_by_role("heading", name="Why Anti-Social Behaviour is a priority").wait_for()
    page.goto("/partnerships/lichfield/assessments/")
    page.get_by_role("link", name="Adopt a priority for a reason the data cannot show").click()
    assert_accessible(page)
    page.get_by_label("Title of the new priority (if adding one)").fill("Prevent duty")
    _decision(page, "LCSP 14/01/26 item 7")
    page.get_by_label("A statutory duty").check()
    page.get_by_label("Reason", exact=True).fill(
        "The Prevent duty: Counter-Terrorism and Security Act 2015, section 26."
    )
    page.get_by_role("button", name="Adopt the priority").click()
    page.get_by_role("heading", name="Why Prevent duty is a priority").wait_for()
    assert_accessible(page)
    assert PriorityEvidence.objects.count() == 3
    _sign_out(page)

    # The board member reads why, and can change nothing.
    sign_in(page, "bea")
    page.goto(PLAN)
    page.get_by_role("link", name="Why Vehicle crime is a priority").click()
    main = page.inner_text("main")
    evidence = PriorityEvidence.objects.get(priority__title="Vehicle crime").evidence
    assert f"{evidence['figures']['count']:,} recorded in Lichfield in the calendar year 2025" in main
    assert "95% confidence interval" in main and "Volume" in main and "LCSP 14/01/26 item 5" in main
    assert_accessible(page)
    # A second build of the same record stands in for last year's: the comparison page reads records only.
    fields = {f.name: getattr(assessment, f.name) for f in Assessment._meta.concrete_fields if f.name != "id"}
    Assessment.objects.create(**{**fields, "version": 2, "created_at": None})
    page.goto(f"/partnerships/lichfield/assessments/{assessment.pk}/")
    assert page.get_by_role("link", name="Adopt Drugs").count() == 0
    assert page.get_by_role("link", name="Build an assessment").count() == 0
    page.get_by_role("link", name="Compare with Lichfield, calendar year 2025 (version 2)").click()
    page.get_by_text("Rank of candidate priorities").wait_for()
    assert "No count changed significantly between the two periods." in page.inner_text("main")
    assert_accessible(page)
    _shot(page, "assessment-compare")
    response = page.goto(f"/partnerships/lichfield/assessments/{assessment.pk}/adopt/")
    assert response.status == 403
    assert Priority.objects.filter(title="Vehicle crime").count() == 1
