"""A task whose worker dies part-way (issue #10): a real worker process killed with SIGKILL.

The job must not stay "Running" for ever: its page says the worker stopped, nothing was
saved, and the work can be started again. The processes share a SQLite database in a
temporary store folder (tests/web/worker_process.py).
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from saferplaces.web.work.jobs import GONE_AFTER_SECONDS, WORKER_STOPPED

SCRIPT = Path(__file__).with_name("worker_process.py")
ROOT = Path(__file__).resolve().parents[2]


def _run(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


def _job_row(store: Path, job_id: int) -> tuple[str, int, int | None]:
    with sqlite3.connect(store / "web.sqlite3") as con:
        return con.execute(
            "SELECT status, steps_done, worker_pid FROM work_job WHERE id = ?", (job_id,)
        ).fetchone()


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL and /proc are POSIX")
def test_a_job_whose_worker_is_killed_fails_with_a_plain_message_and_can_be_retried(tmp_path: Path) -> None:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("SAFERPLACES_", "DJANGO_", "DATABASE_URL"))
    }
    env |= {"SAFERPLACES_HOME": str(tmp_path), "PYTHONPATH": str(ROOT)}
    job_id = int(_run(env, "setup"))
    worker = subprocess.Popen(
        [sys.executable, str(SCRIPT), "worker"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while True:  # wait until the worker is part-way through the job
            status, steps, pid = _job_row(tmp_path, job_id)
            if status == "running" and steps >= 3:
                break
            assert worker.poll() is None, worker.stderr.read().decode()
            assert time.monotonic() < deadline, f"the worker did not start the job ({status}, {steps})"
            time.sleep(0.2)
        assert pid == worker.pid
        page = json.loads(_run(env, "page", str(job_id)))["page"]
        assert page["status"] == "running" and "Step " in page["html"]  # alive: still running
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    assert _job_row(tmp_path, job_id)[0] == "running"  # nobody has looked yet
    time.sleep(GONE_AFTER_SECONDS + 1)  # the heartbeat's margin passes
    seen = json.loads(_run(env, "retry", str(job_id)))
    page = seen["page"]
    assert page["code"] == 200
    assert (page["status"], page["error"]) == ("failed", WORKER_STOPPED)
    assert "The worker stopped while building this; build it again." in page["html"]
    assert "Nothing was saved." in page["html"] and "Start it again" in page["html"]
    assert page["saved"] == ""  # the killed job's write was never made
    again = seen["retry"]
    assert again["code"] == 302 and again["retry_of"] == job_id
    assert (again["status"], again["title"]) == ("queued", "A slow job")
    assert "see the new task" in seen["after"]["html"] and "Start it again" not in seen["after"]["html"]


def _dead_pid() -> int:
    """The id of a process that has ended and been reaped."""
    done = subprocess.Popen([sys.executable, "-c", "pass"])
    done.wait()
    return done.pid


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "host", "pid", "age", "stopped"),
    [
        ("running", "another-machine", None, 30, False),  # beating recently, elsewhere
        ("running", "another-machine", None, 61, True),  # no beat for over a minute: gone
        ("running", "here", "dead", 11, True),  # its process on this machine has ended
        ("running", "here", "dead", 3, False),  # ended, but within the heartbeat's margin
        ("running", "here", "alive", 30, False),  # its process still runs here
        ("queued", "", None, 3600, False),  # waiting for a worker has lost none
        ("failed", "here", "dead", 3600, False),  # already finished
    ],
)
def test_when_a_running_job_has_lost_its_worker(status, host, pid, age, stopped) -> None:
    import datetime as dt
    import socket

    from django.utils import timezone

    from saferplaces.web.partnerships.models import Partnership
    from saferplaces.web.work.jobs import STALE_AFTER_SECONDS, mark_stopped_jobs, worker_stopped
    from saferplaces.web.work.models import Job

    assert STALE_AFTER_SECONDS == 60 and GONE_AFTER_SECONDS == 10  # the ages above straddle these
    partnership = Partnership.objects.create(name="Testshire", slug="testshire", kind="district")
    job = Job.objects.create(
        partnership=partnership,
        kind="target-refresh",
        title="A job",
        status=status,
        worker_host=socket.gethostname() if host == "here" else host,
        worker_pid={"dead": _dead_pid(), "alive": os.getpid(), None: None}[pid],
    )
    now = timezone.now()
    Job.objects.filter(pk=job.pk).update(
        heartbeat_at=now - dt.timedelta(seconds=age), started_at=now - dt.timedelta(seconds=age)
    )
    job.refresh_from_db()
    assert worker_stopped(job, now) is stopped
    assert [j.pk for j in mark_stopped_jobs([job])] == ([job.pk] if stopped else [])
    job.refresh_from_db()
    assert (job.status, job.error) == (("failed", WORKER_STOPPED) if stopped else (status, ""))


@pytest.mark.django_db(transaction=True)
def test_a_quiet_task_still_sends_heartbeats(monkeypatch: pytest.MonkeyPatch) -> None:
    """A step that reports nothing for a while (a long build step) is not taken for a stopped worker."""
    from saferplaces.web.partnerships.models import Partnership
    from saferplaces.web.work import jobs
    from saferplaces.web.work.models import Job
    from tests.web.helpers import run_tasks

    monkeypatch.setattr(jobs, "HEARTBEAT_SECONDS", 0.1)
    beats = []

    @jobs.runner("test-quiet")
    def quiet(job: Job, progress: jobs.Progress) -> jobs.Save:
        for _ in range(10):  # one second with no progress reported
            time.sleep(0.1)
            beats.append(Job.objects.get(pk=job.pk).heartbeat_at)
        return lambda: jobs.Outcome("Done.")

    try:
        partnership = Partnership.objects.create(name="Testshire", slug="testshire", kind="district")
        job = jobs.start_job("test-quiet", partnership, None, title="A quiet job")
        run_tasks()
    finally:
        del jobs.RUNNERS["test-quiet"]
    job.refresh_from_db()
    assert job.status == "succeeded"
    assert len(set(beats)) >= 3, beats  # the heartbeat moved on while the work was quiet
