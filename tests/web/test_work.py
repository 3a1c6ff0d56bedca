"""Background work (issue #10): tasks run by the worker, their pages, and their all-or-nothing writes."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from saferplaces.cli.commands_worker import worker_command
from saferplaces.errors import InputError
from saferplaces.web.accounts.models import Role
from saferplaces.web.audit.models import AuditEntry
from saferplaces.web.partnerships.models import Partnership
from saferplaces.web.plans.models import Risk
from saferplaces.web.seeds import load_seed_plans
from saferplaces.web.work.jobs import RUNNERS, UNEXPECTED, Outcome, Progress, Save, runner, start_job
from saferplaces.web.work.models import Job
from tests.web.helpers import keep_test_connection, run_tasks
from tests.web.test_accessibility import assert_page_structure
from tests.web.transfers_support import EAST_STAFFS, admin_client, database, export, html, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def partnership() -> Partnership:
    load_seed_plans()
    return Partnership.objects.get(slug="east-staffordshire")


@pytest.fixture
def half_writer():
    """A kind of work that saves a risk, then fails: the risk must not stay."""

    @runner("test-half-write")
    def half_write(job: Job, progress: Progress) -> Save:
        progress(1, 3, "Counting")

        def save() -> Outcome:
            Risk.objects.filter(plan__partnership=job.partnership).update(mitigation="half written")
            raise RuntimeError("the disk is full")

        return save

    yield "test-half-write"
    del RUNNERS["test-half-write"]


def _token(page: str) -> str:
    return page.split('name="token" value="')[1].split('"')[0]


def test_a_large_import_runs_in_the_worker(partnership, settings) -> None:
    settings.BACKGROUND_IMPORT_ROWS = 5
    client = admin_client()
    data = export(client, EAST_STAFFS, "risks", "csv").replace(b",High,", b",Low,", 1)
    page = html(upload(client, EAST_STAFFS, "r.csv", data, "risks"))
    assert "The file has 9 rows, so the import runs in the background" in page
    response = client.post(EAST_STAFFS + "import/check/", {"token": _token(page)})
    job = Job.objects.get()
    assert response["Location"] == f"/partnerships/east-staffordshire/tasks/{job.pk}/"
    assert Risk.objects.filter(impact="low").count() == 2  # not yet
    page = html(client.get(response["Location"]))
    assert_page_structure(page, "waiting task")
    assert "Waiting for the worker to start this task." in page and "0 of 2 steps done" in page
    data = client.get(response["Location"].rstrip("/") + ".json").json()
    assert (data["status"], data["finished"], data["steps_total"]) == ("queued", False, 2)
    run_tasks()
    data = client.get(response["Location"].rstrip("/") + ".json").json()
    assert (data["finished"], data["result"]) == (True, "Imported risks: 0 added, 1 changed.")
    page = html(client.get(response["Location"]))
    assert_page_structure(page, "finished task")
    assert "Imported risks: 0 added, 1 changed." in page and "job-progress.js" not in page
    assert Risk.objects.filter(impact="low").count() == 3
    assert AuditEntry.objects.filter(via="import r.csv").count() == 1
    job.refresh_from_db()
    assert (job.status, job.started_by_name, job.steps_done) == ("succeeded", "Ann Admin", 2)


def test_an_import_the_plan_moved_under_saves_nothing(partnership, settings) -> None:
    settings.BACKGROUND_IMPORT_ROWS = 5
    client = admin_client()
    data = export(client, EAST_STAFFS, "risks", "csv").replace(b",High,", b",Low,", 1)
    page = html(upload(client, EAST_STAFFS, "r.csv", data, "risks"))
    job_url = client.post(EAST_STAFFS + "import/check/", {"token": _token(page)})["Location"]
    # Someone changes the risk the file changes before the worker starts.
    risk = Risk.objects.filter(plan__partnership=partnership, impact="high").first()
    risk.impact = "medium"
    risk.save()
    before = database()
    run_tasks()
    page = html(client.get(job_url))
    assert "The plan changed after the changes were checked, so nothing was imported." in page
    assert "Upload the file again" in page and "Nothing was saved." in page
    after = database()
    assert after == before


def test_a_task_that_fails_leaves_nothing_half_written(partnership, half_writer) -> None:
    admin = User.objects.create_user(username="ann", password="x")
    job = start_job(half_writer, partnership, admin, title="Half write", steps_total=3)
    before = database()
    run_tasks()
    job.refresh_from_db()
    assert job.status == "failed" and job.error == UNEXPECTED.format(id=job.pk)
    assert not Risk.objects.filter(mitigation="half written").exists()
    assert database() == before


def test_tasks_are_listed_for_members_only(partnership) -> None:
    admin = User.objects.create_user(username="ann", password="x", first_name="Ann", last_name="Admin")
    Role.objects.create(user=admin, partnership=partnership, name=Role.Name.ADMINISTRATOR)
    board = User.objects.create_user(username="bob", password="x")
    Role.objects.create(user=board, partnership=partnership, name=Role.Name.BOARD_MEMBER)
    outsider = User.objects.create_user(username="olly", password="x")
    Role.objects.create(
        user=outsider, partnership=Partnership.objects.get(slug="lichfield"), name=Role.Name.ADMINISTRATOR
    )
    plan = partnership.plans.get()
    job = start_job(
        "target-refresh", partnership, admin, title="Refresh the targets", params={"plan_id": plan.pk}
    )
    list_url, job_url = (
        "/partnerships/east-staffordshire/tasks/",
        f"/partnerships/east-staffordshire/tasks/{job.pk}/",
    )
    for user, status in ((None, 404), (outsider, 404), (board, 200), (admin, 200)):
        client = Client()
        if user:
            client.force_login(user)
        assert client.get(list_url).status_code == status
        assert client.get(job_url).status_code == status
    client = Client()
    client.force_login(board)
    page = html(client.get(list_url))
    assert_page_structure(page, list_url)
    assert "Refresh the targets" in page and "Ann Admin" in page and "Waiting to start" in page
    assert client.post(list_url).status_code == 405
    # The refresh finds no targets to count: it fails with what to do.
    run_tasks()
    assert "The targets to refresh are no longer in the plan. Start the refresh again." in html(
        client.get(job_url)
    )


def test_the_worker_command_runs_waiting_tasks(partnership, capsys) -> None:
    plan = partnership.plans.get()
    job = start_job("target-refresh", partnership, None, title="Refresh", params={"plan_id": plan.pk})
    # The command's own function (invoking it through click would fix its help text for the
    # rest of the session, which tests/cli/test_cli_docs.py then reads).
    with keep_test_connection():
        worker_command.callback(batch=True, interval=0.1, store_dir=None)
    assert "running background tasks" in capsys.readouterr().out
    job.refresh_from_db()
    assert job.status == "failed"


def test_the_worker_command_refuses_another_backend(settings) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    with pytest.raises(InputError, match="whose own worker runs the tasks"):
        worker_command.callback(batch=True, interval=0.1, store_dir=None)
