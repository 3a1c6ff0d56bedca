"""The March review, starting a refresh or next year's plan, and publishing a version (issue 11)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from saferplaces.errors import InputError
from saferplaces.web.accounts.access import refuse
from saferplaces.web.accounts.permissions import can_edit_plan, is_member
from saferplaces.web.cache import cached
from saferplaces.web.plans.forms import PublishForm, VersionForm
from saferplaces.web.plans.manage_views import plan_editor
from saferplaces.web.plans.models import Plan, financial_year
from saferplaces.web.plans.publication import plan_line, publish_plan
from saferplaces.web.plans.views import plan_breadcrumbs, visible_plan
from saferplaces.web.plans.year import start_version, year_review

#: The tag of the messages the plan page's versions section shows.
PLAN_YEAR = "plan-year"


def plan_member(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Load the plan or 404, then require a member of its partnership (the review is not public)."""

    @wraps(view)
    def wrapped(request: HttpRequest, slug: str, plan_slug: str, **kwargs: Any) -> HttpResponse:
        plan = visible_plan(request, slug, plan_slug)
        if not is_member(request.user, plan.partnership):
            return refuse(request)
        return view(request, plan, **kwargs)

    return wrapped


@plan_member
def review(request: HttpRequest, plan: Plan, year: int) -> HttpResponse:
    """The March review of a plan year: assessments, priorities re-scored, targets, actions, risks."""
    if request.method not in {"GET", "HEAD"}:
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD"})
    if year not in plan.review_years:
        raise Http404("This plan has no such year.")
    context = {
        "title": f"March review of {financial_year(year)} – {plan.title}",
        "plan": plan,
        "partnership": plan.partnership,
        # The same for every member: kept until the next write or midnight (web/cache.py).
        "review": cached(("plan-review", plan.pk, year), lambda: year_review(plan, year)),
        "can_start": can_edit_plan(request.user, plan)
        and not plan.next_versions.filter(status=Plan.Status.DRAFT).exists(),
        "nav_active": "partnerships",
        "breadcrumbs": plan_breadcrumbs(plan),
    }
    return render(request, "plans/review.html", context)


def _start(request: HttpRequest, plan: Plan, kind: str) -> HttpResponse:
    refresh = kind == Plan.VersionKind.REFRESH
    priorities = list(plan.priorities.all())
    year = plan.year + (0 if refresh else 1)
    default_label = f"Refresh {financial_year(year)}" if refresh else f"Plan for {financial_year(year)}"
    initial = {"label": default_label, **{f"keep_{p.pk}": "carry" for p in priorities}}
    form = VersionForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        priorities=priorities,
        refresh=refresh,
    )
    if form.is_bound and form.is_valid():
        try:
            new = start_version(
                plan,
                request.user,
                kind=kind,
                label=form.cleaned_data["label"],
                what_changed=form.cleaned_data["what_changed"],
                retire=form.retired(),
            )
        except InputError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"{new.version_name} started as a draft", extra_tags=PLAN_YEAR)
            return redirect("plan", slug=plan.partnership.slug, plan_slug=new.slug)
    heading = "Start a refresh" if refresh else "Start next year's plan"
    context = {
        "title": ("Error: " if form.errors else "") + heading,
        "heading": heading,
        "refresh": refresh,
        "year_label": financial_year(year),
        "plan": plan,
        "partnership": plan.partnership,
        "form": form,
        "rows": [(p, form[f"keep_{p.pk}"], form[f"reason_{p.pk}"]) for p in priorities],
        "nav_active": "partnerships",
        "breadcrumbs": plan_breadcrumbs(plan),
    }
    return render(request, "plans/version_form.html", context, status=400 if form.errors else 200)


@plan_editor
def next_year(request: HttpRequest, plan: Plan) -> HttpResponse:
    """Start next year's plan from this version."""
    return _start(request, plan, Plan.VersionKind.NEXT_YEAR)


@plan_editor
def refresh(request: HttpRequest, plan: Plan) -> HttpResponse:
    """Start a refresh of this version, with a note of what changed."""
    return _start(request, plan, Plan.VersionKind.REFRESH)


@plan_editor
def publish(request: HttpRequest, plan: Plan) -> HttpResponse:
    """Publish a draft version on the board's decision (it supersedes the one published before it)."""
    if not plan.may_be_published:
        problem = f"“{plan.title}” ({plan.version_name}) is already {plan.get_status_display().lower()}."
        messages.info(
            request,
            f"{problem} Start a refresh or next year's plan, and publish that version.",
            extra_tags=PLAN_YEAR,
        )
        return redirect("plan", slug=plan.partnership.slug, plan_slug=plan.slug)
    form = PublishForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            publish_plan(
                plan, request.user, form.cleaned_data["decision_text"], form.cleaned_data["decision_date"]
            )
        except InputError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"{plan.version_name.capitalize()} published", extra_tags=PLAN_YEAR)
            return redirect("plan", slug=plan.partnership.slug, plan_slug=plan.slug)
    published = next((p for p in plan_line(plan) if p.status == Plan.Status.PUBLISHED), None)
    context = {
        "title": ("Error: " if form.errors else "") + "Publish this version",
        "plan": plan,
        "partnership": plan.partnership,
        "form": form,
        "published": published,
        "nav_active": "partnerships",
        "breadcrumbs": [*plan_breadcrumbs(plan)],
        "plan_url": reverse("plan", args=[plan.partnership.slug, plan.slug]),
    }
    return render(request, "plans/publish.html", context, status=400 if form.errors else 200)
