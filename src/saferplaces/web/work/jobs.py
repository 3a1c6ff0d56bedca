"""Starting long work in the background and running it in the worker.

A view calls :func:`start_job`, which records a :class:`~saferplaces.web.work.models.Job`
and enqueues :data:`run_job` with Django's tasks API (``django-tasks``; the database
backend by default, see docs/deploy.md). The worker (``saferplaces worker``) calls the
runner registered for the job's kind with a :class:`Progress` to report steps. A
runner only reads; it returns the function that makes its writes, which the worker runs
in one transaction, so a job that fails leaves nothing half-written.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import DatabaseError, connections, transaction
from django.utils import timezone
from django_tasks import task

from saferplaces.errors import SaferPlacesError
from saferplaces.web.audit.trail import display_name
from saferplaces.web.partnerships.models import Partnership
from saferplaces.web.work.models import Job

logger = logging.getLogger(__name__)

#: What a job that failed for a reason nobody foresaw tells its user.
UNEXPECTED = (
    "The work stopped because of an unexpected error, and nothing was saved. "
    "Try again; if it fails again, ask your administrator to read the worker's log for task {id}."
)
#: What a job whose worker stopped part-way (killed, crashed, or its machine restarted) tells its user.
WORKER_STOPPED = "The worker stopped while building this; build it again."
#: Seconds between a running job's heartbeats (its worker saying it is still at work).
HEARTBEAT_SECONDS = 5
#: A running job whose last heartbeat is older than this has lost its worker, wherever it ran.
STALE_AFTER_SECONDS = 60
#: A running job on this machine whose worker process is gone, and whose heartbeat is older than
#: this, has lost its worker (sooner than STALE_AFTER_SECONDS; the margin covers a slow beat).
GONE_AFTER_SECONDS = 2 * HEARTBEAT_SECONDS
#: What a job whose runner is not known (code older or newer than the job) tells its user.
UNKNOWN_KIND = "This kind of work ({kind}) is not known to this version of Safer Places. Start it again."


@dataclass(frozen=True)
class Outcome:
    """What a finished job shows: a sentence, and where to see the result.

    Attributes
    ----------
    text
        What the work did, such as "3 values added, 1 changed".
    url, link_text
        The page showing the result, and the words of the link to it.
    snapshot_id
        The data store snapshot the work read, when the store gives one.
    """

    text: str
    url: str = ""
    link_text: str = ""
    snapshot_id: str = ""


class Progress:
    """Reports a running job's steps; each call is saved at once, so the page can show it."""

    def __init__(self, job: Job) -> None:
        self.job = job

    def __call__(self, done: int, total: int | None = None, text: str = "") -> None:
        """Record ``done`` steps of ``total`` (unchanged when None), and what is being done now."""
        fields: dict[str, Any] = {
            "steps_done": max(0, done),
            "step_text": text[:300],
            "heartbeat_at": timezone.now(),
        }
        if total is not None:
            fields["steps_total"] = max(1, total)
        Job.objects.filter(pk=self.job.pk).update(**fields)
        for name, value in fields.items():
            setattr(self.job, name, value)


#: What a runner returns: the function that makes all its writes, run in one transaction.
Save = Callable[[], Outcome]
Runner = Callable[[Job, Progress], Save]
RUNNERS: dict[str, Runner] = {}
#: Who may start a kind of work again after it failed: a check of the user and the failed job.
MayStart = Callable[[Any, Job], bool]
MAY_START: dict[str, MayStart] = {}


def runner(kind: str, may_start: MayStart | None = None) -> Callable[[Runner], Runner]:
    """Register the function that does one kind of work: ``@runner("target-refresh")``.

    The function reads what it needs (reporting steps to its :class:`Progress`), writes
    nothing, and returns a function of no arguments that makes the writes and returns
    the :class:`Outcome`. ``may_start(user, job)`` says who may run a failed job of this
    kind again (the same people who may start it); without it nobody may.
    """

    def register(function: Runner) -> Runner:
        RUNNERS[kind] = function
        if may_start is not None:
            MAY_START[kind] = may_start
        return function

    return register


def may_retry(user: Any, job: Job) -> bool:
    """True when ``job`` failed and ``user`` may start its kind of work again."""
    check = MAY_START.get(job.kind)
    if job.status != Job.Status.FAILED or check is None or not getattr(user, "is_authenticated", False):
        return False
    try:
        return bool(check(user, job))
    except SaferPlacesError:  # what the job was for is gone (a plan deleted): nothing to run again
        return False


def retry_job(job: Job, user: AbstractBaseUser | AnonymousUser | None) -> Job:
    """Start a failed job's work again, as a new job with the same title and parameters."""
    again = start_job(
        job.kind,
        job.partnership,
        user,
        title=job.title,
        params=job.params,
        back_url=job.back_url,
        steps_total=job.steps_total,
    )
    Job.objects.filter(pk=again.pk).update(retry_of=job)
    again.retry_of = job
    return again


def _process_gone(pid: int) -> bool:
    """True when no process ``pid`` runs on this machine (a zombie, dead but not yet reaped, counts)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # another user's process: alive
        return False
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return False


def worker_stopped(job: Job, now: dt.datetime | None = None) -> bool:
    """True when ``job`` says it is running but its worker has stopped.

    Its worker has stopped when the job's heartbeat (sent every :data:`HEARTBEAT_SECONDS`
    while it runs) is older than :data:`STALE_AFTER_SECONDS`, or, for a worker on this
    machine, when its process is gone and the heartbeat is older than
    :data:`GONE_AFTER_SECONDS`. A job still waiting for a worker has not lost one.
    """
    if job.status != Job.Status.RUNNING:
        return False
    now = now or timezone.now()
    beat = job.heartbeat_at or job.started_at
    age = (now - beat).total_seconds()
    if age > STALE_AFTER_SECONDS:
        return True
    same_machine = job.worker_host == socket.gethostname() and job.worker_pid
    return bool(same_machine and age > GONE_AFTER_SECONDS and _process_gone(job.worker_pid))


def mark_stopped_jobs(jobs: Iterable[Job]) -> list[Job]:
    """Record as failed every job of ``jobs`` whose worker stopped part-way; return those jobs.

    Its writes were never made (they share one transaction at the end), so the job fails
    with :data:`WORKER_STOPPED`; the jobs given are updated in place.
    """
    now = timezone.now()
    stopped = []
    for job in jobs:
        if not worker_stopped(job, now):
            continue
        fields = {"status": Job.Status.FAILED, "error": WORKER_STOPPED, "finished_at": now}
        # Only a job still running is changed: one that finished meanwhile keeps its result.
        if Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).update(**fields):
            for name, value in fields.items():
                setattr(job, name, value)
            stopped.append(job)
            logger.warning("Task %s (%s): its worker stopped part-way; marked as failed.", job.pk, job.kind)
    return stopped


class _Heartbeat(threading.Thread):
    """Says every :data:`HEARTBEAT_SECONDS` that a job is still running, until stopped."""

    def __init__(self, job_id: int) -> None:
        super().__init__(name=f"heartbeat-{job_id}", daemon=True)
        self.job_id = job_id
        self.done = threading.Event()

    def run(self) -> None:
        try:
            while not self.done.wait(HEARTBEAT_SECONDS):
                try:
                    Job.objects.filter(pk=self.job_id, status=Job.Status.RUNNING).update(
                        heartbeat_at=timezone.now()
                    )
                except DatabaseError:  # a busy database: the next beat will do
                    logger.debug("Task %s: a heartbeat could not be saved.", self.job_id, exc_info=True)
        finally:
            connections.close_all()  # this thread's own connections


class _Abandoned(Exception):
    """The job was marked as stopped while it ran: its writes must not be made."""


def start_job(
    kind: str,
    partnership: Partnership,
    user: AbstractBaseUser | AnonymousUser | None,
    *,
    title: str,
    params: dict[str, Any] | None = None,
    back_url: str = "",
    steps_total: int = 1,
) -> Job:
    """Record a job and hand it to the task backend; the worker runs it.

    The job row is saved before the task is enqueued, so a worker on another backend
    (which may start at once) always finds it.
    """
    if kind not in RUNNERS:
        raise KeyError(f"No runner is registered for {kind!r}.")
    author = user if user is not None and user.is_authenticated else None
    job = Job.objects.create(
        partnership=partnership,
        kind=kind,
        title=title[:300],
        params=params or {},
        started_by=author,
        started_by_name=display_name(author),
        back_url=back_url,
        steps_total=max(1, steps_total),
    )
    result = run_job.enqueue(job.pk)
    if job.task_id != str(result.id):
        Job.objects.filter(pk=job.pk, task_id="").update(task_id=str(result.id))
    job.refresh_from_db()
    return job


def _finish(job: Job, **fields: Any) -> None:
    fields["finished_at"] = timezone.now()
    Job.objects.filter(pk=job.pk).update(**fields)


@task()
def run_job(job_id: int) -> str:
    """The task the worker runs: call the job's runner, and record its outcome or its error."""
    job = Job.objects.filter(pk=job_id).first()
    if job is None or job.finished:
        return "nothing to do"
    run = RUNNERS.get(job.kind)
    if run is None:
        _finish(job, status=Job.Status.FAILED, error=UNKNOWN_KIND.format(kind=job.kind))
        return Job.Status.FAILED
    running = {
        "status": Job.Status.RUNNING,
        "steps_done": 0,
        "worker_host": socket.gethostname()[:255],
        "worker_pid": os.getpid(),
        "heartbeat_at": timezone.now(),
    }
    Job.objects.filter(pk=job.pk).update(**running)
    job.status = Job.Status.RUNNING
    heartbeat = _Heartbeat(job.pk)
    heartbeat.start()
    try:
        # Reading (slow, reported step by step) writes nothing; the writes then share one
        # transaction, so a failure anywhere leaves the partnership's data as it was.
        progress = Progress(job)
        save = run(job, progress)
        progress(max(job.steps_total - 1, job.steps_done), text="Saving")
        with transaction.atomic():
            if not Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).exists():
                raise _Abandoned
            outcome = save()
    except _Abandoned:
        return Job.Status.FAILED
    except SaferPlacesError as exc:
        _finish(job, status=Job.Status.FAILED, error=str(exc)[:1000])
        return Job.Status.FAILED
    except Exception:
        logger.exception("Task %s (%s) failed", job.pk, job.kind)
        _finish(job, status=Job.Status.FAILED, error=UNEXPECTED.format(id=job.pk))
        return Job.Status.FAILED
    finally:
        heartbeat.done.set()
        heartbeat.join(timeout=HEARTBEAT_SECONDS)  # its database connection is closed before we go on
    _finish(
        job,
        status=Job.Status.SUCCEEDED,
        steps_done=max(job.steps_total, job.steps_done),
        step_text="",
        result_text=outcome.text[:5000],
        result_url=outcome.url,
        result_link_text=outcome.link_text,
        snapshot_id=outcome.snapshot_id,
    )
    return Job.Status.SUCCEEDED
