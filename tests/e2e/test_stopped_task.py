"""A task whose worker stopped part-way (issue #10), in a real browser: the analyst who started
it reads the plain message, starts it again, and follows the new task to its result; axe-clean."""

from __future__ import annotations

import datetime as dt
import socket

from django.utils import timezone

from saferplaces.web.plans.models import Plan
from saferplaces.web.work.jobs import WORKER_STOPPED, start_job
from saferplaces.web.work.models import Job
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import sign_in
from tests.web.helpers import run_tasks


def test_a_stopped_task_says_so_and_starts_again(page, seeded, make_user) -> None:  # noqa: ANN001
    ana = make_user("ana", roles=[("east-staffordshire", "analyst")])
    plan = Plan.objects.get(partnership__slug="east-staffordshire")
    job = start_job(
        "target-refresh", plan.partnership, ana, title="Refresh the targets", params={"plan_id": plan.pk}
    )
    # As a worker on another machine leaves it when killed: running, its last heartbeat long ago.
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.RUNNING,
        worker_host=f"not-{socket.gethostname()}",
        worker_pid=1,
        heartbeat_at=timezone.now() - dt.timedelta(minutes=5),
    )
    sign_in(page, "ana")
    page.goto(f"/partnerships/east-staffordshire/tasks/{job.pk}/")
    page.get_by_role("heading", name="The task did not finish").wait_for()
    main = page.inner_text("main")
    assert WORKER_STOPPED in main and "Nothing was saved." in main
    assert_accessible(page)
    page.get_by_role("button", name="Start it again").click()
    page.get_by_text("Waiting for the worker to start this task.").wait_for()
    again = Job.objects.exclude(pk=job.pk).get()
    assert page.url.endswith(f"/partnerships/east-staffordshire/tasks/{again.pk}/")
    assert again.retry_of_id == job.pk and again.title == "Refresh the targets"
    assert_accessible(page)
    run_tasks()
    # The targets named none, so the new task ends with its own plain error (not the stopped one).
    page.get_by_role("heading", name="The task did not finish").wait_for(timeout=15_000)
    assert "The targets to refresh are no longer in the plan." in page.inner_text("main")
    page.goto(f"/partnerships/east-staffordshire/tasks/{job.pk}/")
    page.get_by_role("link", name="see the new task").wait_for()
    assert_accessible(page)
