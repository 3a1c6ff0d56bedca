"""The partnership's background work: the list of tasks, and one task's progress and result."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from saferplaces.web.accounts.access import refuse
from saferplaces.web.accounts.permissions import is_member
from saferplaces.web.partnerships.models import Partnership
from saferplaces.web.work.jobs import mark_stopped_jobs, may_retry, retry_job
from saferplaces.web.work.models import Job

#: Seconds between looks at an unfinished task's progress (by the page's script, job-progress.js).
REFRESH_SECONDS = 2


def progress_text(job: Job) -> str:
    """The sentence that says how far a task has got."""
    if job.status == Job.Status.QUEUED:
        return "Waiting for the worker to start this task."
    step = min(job.steps_done + 1, job.steps_total)
    return f"Step {step} of {job.steps_total}: {job.step_text or 'working'}."


def member_partnership(request: HttpRequest, slug: str) -> Partnership:
    """The partnership, when the user is one of its members; 404 otherwise (its work is not public)."""
    partnership = get_object_or_404(Partnership, slug=slug)
    if not is_member(request.user, partnership):
        raise Http404("No tasks here.")
    return partnership


def _breadcrumbs(partnership: Partnership) -> list[dict[str, str]]:
    return [
        {"text": "Partnerships", "href": reverse("home")},
        {"text": partnership.name, "href": reverse("partnership", args=[partnership.slug])},
    ]


@require_safe
def job_list(request: HttpRequest, slug: str) -> HttpResponse:
    """Every task run for the partnership, newest first, with who started it and when."""
    partnership = member_partnership(request, slug)
    mark_stopped_jobs(Job.objects.filter(partnership=partnership, status=Job.Status.RUNNING))
    page = Paginator(Job.objects.filter(partnership=partnership), 50).get_page(request.GET.get("page"))
    context = {
        "title": f"Background tasks – {partnership.name}",
        "partnership": partnership,
        "page": page,
        "nav_active": "partnerships",
        "breadcrumbs": _breadcrumbs(partnership),
    }
    return render(request, "work/list.html", context)


@require_safe
def job_detail(request: HttpRequest, slug: str, job_id: int) -> HttpResponse:
    """One task: its progress (the page refreshes itself until it ends), then its result or its error."""
    partnership = member_partnership(request, slug)
    job = get_object_or_404(Job, pk=job_id, partnership=partnership)
    mark_stopped_jobs([job])
    context = {
        "title": job.title,
        "partnership": partnership,
        "job": job,
        "may_retry": may_retry(request.user, job),
        "retries": list(job.retries.order_by("-started_at", "-id")[:1]),
        "refresh_seconds": None if job.finished else REFRESH_SECONDS,
        "progress_text": progress_text(job),
        "nav_active": "partnerships",
        "breadcrumbs": [
            *_breadcrumbs(partnership),
            {"text": "Background tasks", "href": reverse("jobs", args=[partnership.slug])},
        ],
    }
    return render(request, "work/job.html", context)


@require_safe
def job_json(request: HttpRequest, slug: str, job_id: int) -> JsonResponse:
    """The task page's data twin: its status and progress, which the page's script asks for."""
    partnership = member_partnership(request, slug)
    job = get_object_or_404(Job, pk=job_id, partnership=partnership)
    mark_stopped_jobs([job])
    return JsonResponse(
        {
            "id": job.pk,
            "title": job.title,
            "status": job.status,
            "finished": job.finished,
            "steps_done": job.steps_done,
            "steps_total": job.steps_total,
            "progress_text": progress_text(job),
            "started_by": job.started_by_name,
            "started_at": job.started_at.isoformat(),
            "finished_at": job.finished_at.isoformat() if job.finished_at else None,
            "result": job.result_text,
            "result_url": job.result_url,
            "error": job.error,
            "snapshot_id": job.snapshot_id,
        }
    )


@require_POST
def job_retry(request: HttpRequest, slug: str, job_id: int) -> HttpResponse:
    """Start a failed task's work again (as a new task), for those who may start that work."""
    partnership = member_partnership(request, slug)
    job = get_object_or_404(Job, pk=job_id, partnership=partnership)
    if not may_retry(request.user, job):
        return refuse(request)
    again = retry_job(job, request.user)
    return redirect("job", slug=partnership.slug, job_id=again.pk)
