"""The project page (what was commissioned, its quarterly returns and their flags) and the return form."""

from __future__ import annotations

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from saferplaces.web.accounts.access import refuse
from saferplaces.web.accounts.permissions import (
    can_submit_return,
    can_view_plan,
    can_view_project,
    can_view_returns,
)
from saferplaces.web.audit.trail import audited_save
from saferplaces.web.projects.forms import ReturnForm
from saferplaces.web.projects.models import Project, QuarterlyReturn
from saferplaces.web.projects.quarters import LATE_AFTER_DAYS
from saferplaces.web.projects.schedule import open_quarters, return_schedule

VIA_RETURN_FORM = "return form"


def _visible_project(request: HttpRequest, slug: str, project_id: int) -> Project:
    project = get_object_or_404(
        Project.objects.select_related("partnership", "plan__partnership", "priority", "funding_stream"),
        pk=project_id,
        partnership__slug=slug,
    )
    if not can_view_project(request.user, project):
        raise Http404("No project here.")
    return project


def _breadcrumbs(request: HttpRequest, project: Project) -> list[dict[str, str]]:
    crumbs = [
        {"text": "Partnerships", "href": reverse("home")},
        {"text": project.partnership.name, "href": reverse("partnership", args=[project.partnership.slug])},
    ]
    if project.plan is not None and can_view_plan(request.user, project.plan):
        crumbs.append(
            {
                "text": project.plan.title,
                "href": reverse("plan", args=[project.partnership.slug, project.plan.slug]),
            }
        )
    return crumbs


def project_detail(request: HttpRequest, slug: str, project_id: int) -> HttpResponse:
    """A commissioned project: what it is, its money and targets, and (for members) its returns."""
    project = _visible_project(request, slug, project_id)
    today = timezone.localdate()
    show_returns = can_view_returns(request.user, project)
    returns = list(project.returns.order_by("period")) if show_returns else []
    schedule = return_schedule(project, returns, today) if show_returns else []
    latest = returns[-1] if returns else None
    may_submit = can_submit_return(request.user, project)
    context = {
        "title": project.name,
        "project": project,
        "partnership": project.partnership,
        "show_returns": show_returns,
        "schedule": schedule,
        "late": [row for row in schedule if row.late],
        "latest": latest,
        "targets_missed": latest is not None and latest.targets_met == QuarterlyReturn.TargetsMet.NO,
        "late_after_days": LATE_AFTER_DAYS,
        "may_submit": may_submit and bool(open_quarters(project, today)),
        "nav_active": "partnerships",
        "breadcrumbs": _breadcrumbs(request, project),
    }
    return render(request, "projects/project.html", context)


def return_new(request: HttpRequest, slug: str, project_id: int) -> HttpResponse:
    """Submit a quarterly return for one of the project's quarters not yet returned."""
    project = _visible_project(request, slug, project_id)
    if not can_submit_return(request.user, project):
        return refuse(request)
    today = timezone.localdate()
    quarters = open_quarters(project, today)
    form = ReturnForm(quarters, request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        quarter = form.quarters[data["period"]]
        submitted = QuarterlyReturn(
            project=project,
            period=quarter.label,
            due_date=quarter.late_after,
            submitted_on=today,
            outputs=data["outputs"],
            outcomes=data["outcomes"],
            targets_met=data["targets_met"],
            narrative=data["narrative"],
            spend=data.get("spend"),
        )
        try:
            with transaction.atomic():
                audited_save(request.user, submitted, via=VIA_RETURN_FORM)
        except IntegrityError:
            # Someone returned the same quarter between this form loading and being sent.
            form.add_error("period", f"A return for {quarter.label} has already been submitted")
        else:
            messages.success(request, "Return submitted")
            return redirect("project", slug=slug, project_id=project.pk)
    context = {
        "title": ("Error: " if form.errors else "") + "Submit a quarterly return",
        "project": project,
        "partnership": project.partnership,
        "quarters": quarters,
        "form": form,
        "nav_active": "partnerships",
        "breadcrumbs": [
            *_breadcrumbs(request, project),
            {"text": project.name, "href": reverse("project", args=[slug, project.pk])},
        ],
    }
    return render(request, "projects/return_form.html", context)
