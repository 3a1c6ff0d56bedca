"""Starting long work in the background and running it in the worker.

A view calls :func:`start_job`, which records a :class:`~saferplaces.web.work.models.Job`
and enqueues :data:`run_job` with Django's tasks API (``django-tasks``; the database
backend by default, see docs/deploy.md). The worker (``saferplaces worker``) calls the
runner registered for the job's kind with a :class:`Progress` to report steps. A
runner only reads; it returns the function that makes its writes, which the worker runs
in one transaction, so a job that fails leaves nothing half-written.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
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
        fields: dict[str, Any] = {"steps_done": max(0, done), "step_text": text[:300]}
        if total is not None:
            fields["steps_total"] = max(1, total)
        Job.objects.filter(pk=self.job.pk).update(**fields)
        for name, value in fields.items():
            setattr(self.job, name, value)


#: What a runner returns: the function that makes all its writes, run in one transaction.
Save = Callable[[], Outcome]
Runner = Callable[[Job, Progress], Save]
RUNNERS: dict[str, Runner] = {}


def runner(kind: str) -> Callable[[Runner], Runner]:
    """Register the function that does one kind of work: ``@runner("target-refresh")``.

    The function reads what it needs (reporting steps to its :class:`Progress`), writes
    nothing, and returns a function of no arguments that makes the writes and returns
    the :class:`Outcome`.
    """

    def register(function: Runner) -> Runner:
        RUNNERS[kind] = function
        return function

    return register


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
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, steps_done=0)
    job.status = Job.Status.RUNNING
    try:
        # Reading (slow, reported step by step) writes nothing; the writes then share one
        # transaction, so a failure anywhere leaves the partnership's data as it was.
        progress = Progress(job)
        save = run(job, progress)
        progress(max(job.steps_total - 1, job.steps_done), text="Saving")
        with transaction.atomic():
            outcome = save()
    except SaferPlacesError as exc:
        _finish(job, status=Job.Status.FAILED, error=str(exc)[:1000])
        return Job.Status.FAILED
    except Exception:
        logger.exception("Task %s (%s) failed", job.pk, job.kind)
        _finish(job, status=Job.Status.FAILED, error=UNEXPECTED.format(id=job.pk))
        return Job.Status.FAILED
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
