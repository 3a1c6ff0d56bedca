"""Journeys of issue #10 in a real browser: an administrator manages the plan, a lead officer
finds the action in My actions and updates it, a board member changes nothing, and a background
task's page follows its progress to the result. Every page visited is checked with axe."""

from __future__ import annotations

from saferplaces.web.plans.models import Action, Plan, Priority, ProgressUpdate, Risk
from saferplaces.web.tables import read_csv
from saferplaces.web.transfers.exports import export_file
from saferplaces.web.transfers.imports import check_table
from saferplaces.web.transfers.kinds import KINDS
from saferplaces.web.work.jobs import start_job
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import sign_in
from tests.web.helpers import run_tasks

PLAN = "/partnerships/lichfield/plans/2022-2025/"


def _sign_out(page) -> None:  # noqa: ANN001
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("link", name="Sign in").wait_for()


def test_administrator_lead_officer_and_board_member(page, seeded, make_user) -> None:  # noqa: ANN001
    make_user("ann", roles=[("lichfield", "administrator")])
    lead = make_user("lee", roles=[("lichfield", "lead_officer")])
    make_user("bea", roles=[("lichfield", "board_member")])

    # The administrator adds a priority, then changes its title.
    sign_in(page, "ann")
    page.goto(PLAN)
    page.get_by_role("link", name="Manage the plan").click()
    page.wait_for_url("**/manage/")
    assert_accessible(page)
    page.get_by_role("link", name="Priorities", exact=True).click()
    page.get_by_role("button", name="Add a priority").click()
    page.get_by_role("button", name="Save priority").click()  # empty: the error summary, nothing saved
    page.locator(".govuk-error-summary").get_by_text("Enter title").wait_for()
    assert_accessible(page)
    page.get_by_label("Title").fill("Rural crime")
    page.get_by_role("radio", name="Priority", exact=True).check()
    page.get_by_label("Reasons for selection (optional)").fill("Farm thefts rose\nResidents asked")
    page.get_by_role("button", name="Save priority").click()
    page.get_by_text("Priority added").wait_for()
    assert_accessible(page)
    page.get_by_role("link", name="Change Rural crime").click()
    page.get_by_label("Title").fill("Rural and farm crime")
    page.get_by_role("button", name="Save priority").click()
    page.get_by_text("Priority saved").wait_for()
    priority = Priority.objects.get(title="Rural and farm crime")
    assert priority.reasons == ["Farm thefts rose", "Residents asked"]

    # ... and an action under it, led by the lead officer's account, red and due last year.
    page.goto(PLAN + "manage/actions/new/")
    assert_accessible(page)
    page.get_by_label("Priority").select_option(label="Rural and farm crime")
    page.get_by_label("Action", exact=True).fill("Patrol farm tracks at night")
    page.get_by_role("radio", name="lee", exact=True).check()  # few accounts: radios, not a select
    page.locator("input[name=due_date-day]").fill("31")
    page.locator("input[name=due_date-month]").fill("3")
    page.locator("input[name=due_date-year]").fill("2025")
    page.get_by_role("radio", name="Red", exact=True).check()
    page.get_by_role("button", name="Save action").click()
    page.get_by_text("Action added").wait_for()
    action = Action.objects.get(action="Patrol farm tracks at night")
    assert (action.lead_user, action.rag) == (lead, "red")
    _sign_out(page)

    # The lead officer finds it first in My actions (overdue and red) and updates it.
    sign_in(page, "lee")
    page.get_by_role("link", name="My actions").click()
    page.wait_for_url("**/my-actions/**")
    assert_accessible(page)
    first_row = page.locator("tbody tr").first
    assert "Patrol farm tracks at night" in first_row.inner_text() and "Overdue" in first_row.inner_text()
    first_row.get_by_role("link", name="Update").click()
    page.get_by_role("radio", name="Amber", exact=True).check()
    page.get_by_label("Progress update").fill("Two night patrols a week since May.")
    page.get_by_role("button", name="Save update").click()
    page.get_by_text("Update saved").first.wait_for()
    assert ProgressUpdate.objects.get(action=action).text == "Two night patrols a week since May."
    _sign_out(page)

    # The board member reads everything and can change nothing.
    sign_in(page, "bea")
    page.goto(PLAN)
    assert page.get_by_role("link", name="Manage the plan").count() == 0
    for url in (PLAN + "manage/", PLAN + "manage/priorities/new/", f"{PLAN}manage/actions/{action.pk}/edit/"):
        assert page.goto(url).status == 403
    page.goto(PLAN + "delivery/")
    assert page.locator(f"#action-{action.pk}").get_by_role("link", name="Update").count() == 0


def test_a_task_page_shows_progress_then_the_result(page, seeded, make_user) -> None:  # noqa: ANN001
    ann = make_user("ann", roles=[("east-staffordshire", "administrator")])
    plan = Plan.objects.get(partnership__slug="east-staffordshire")
    table = read_csv(export_file(KINDS["risks"], plan, "csv").replace(b",High,", b",Low,", 1))
    low_before = Risk.objects.filter(plan=plan, impact="low").count()
    job = start_job(
        "import",
        plan.partnership,
        ann,
        title="Import risks from risks.csv",
        params={
            "plan_id": plan.pk,
            "kind": "risks",
            "file_name": "risks.csv",
            "table": table.as_json(),
            "digest": check_table(KINDS["risks"], plan, table).digest,
        },
        steps_total=2,
    )
    sign_in(page, "ann")
    page.goto(f"/partnerships/east-staffordshire/tasks/{job.pk}/")
    page.get_by_text("Waiting for the worker to start this task.").wait_for()
    assert_accessible(page)
    run_tasks()
    # The page's script follows the task's progress and shows the result when it ends.
    page.get_by_role("heading", name="Finished").wait_for(timeout=15_000)
    assert "Imported risks: 0 added, 1 changed." in page.inner_text("main")
    assert_accessible(page)
    assert Risk.objects.filter(plan=plan, impact="low").count() == low_before + 1
    page.get_by_role("link", name="See all the partnership's tasks").click()
    assert "Import risks from risks.csv" in page.inner_text("main")
    assert_accessible(page)
