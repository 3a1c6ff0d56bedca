"""Pages for partnerships: the home page and one page per partnership."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from saferplaces.web.accounts.permissions import can_view_plan, can_view_project, is_member
from saferplaces.web.audit.models import AuditEntry
from saferplaces.web.cache import cached
from saferplaces.web.partnerships.dashboard import (
    current_plan,
    priority_progress,
    projects_needing_attention,
    top_risks,
)
from saferplaces.web.partnerships.members import can_manage_people
from saferplaces.web.partnerships.models import Partnership
from saferplaces.web.performance.status import target_rows
from saferplaces.web.plans.models import Plan, Risk

#: How many recent changes the dashboard lists.
RECENT_CHANGES = 5


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """Name the product and list the partnerships it holds."""
    partnerships = Partnership.objects.order_by("kind", "name")
    return render(
        request,
        "partnerships/home.html",
        {"partnerships": partnerships, "nav_active": "partnerships"},
    )


@require_safe
def partnership_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A partnership: its plans, members, boards, people and funding."""
    partnership = get_object_or_404(Partnership.objects.select_related("parent"), slug=slug)
    context = {
        "title": partnership.name,
        "partnership": partnership,
        "plans": [plan for plan in partnership.plans.all() if can_view_plan(request.user, plan)],
        "children": partnership.children.order_by("name"),
        "memberships": partnership.memberships.select_related("organisation"),
        "boards": partnership.boards.all(),
        "people": partnership.people.select_related("organisation"),
        "funding_streams": partnership.funding_streams.all(),
        "projects": [
            project
            for project in partnership.projects.select_related("plan__partnership", "partnership")
            if can_view_project(request.user, project)
        ],
        "is_member": is_member(request.user, partnership),
        "can_manage_people": can_manage_people(request.user, partnership),
        "nav_active": "partnerships",
        "breadcrumbs": [{"text": "Partnerships", "href": "/"}],
    }
    return render(request, "partnerships/partnership.html", context)


@require_safe
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    """What the board looks at first: progress by priority, targets, top risks, projects needing attention.

    Built from the partnership's current plan (the one covering this year, else the latest)
    among the plans the user may see; returns and recent changes for members only.
    """
    partnership = get_object_or_404(Partnership, slug=slug)
    today = timezone.localdate()
    plans = [plan for plan in partnership.plans.all() if can_view_plan(request.user, plan)]
    plan = current_plan(plans, today)
    member = is_member(request.user, partnership)
    context = {
        "title": f"Dashboard – {partnership.name}",
        "partnership": partnership,
        "plan": plan,
        "other_plans": [p for p in plans if p != plan],
        "today": today,
        "is_member": member,
        "nav_active": "partnerships",
        "breadcrumbs": [
            {"text": "Partnerships", "href": reverse("home")},
            {"text": partnership.name, "href": reverse("partnership", args=[partnership.slug])},
        ],
    }
    if plan is not None:
        # The same for everyone allowed to see the plan (the user chose only which plan), so
        # kept per plan until the next write or midnight (web/cache.py).
        figures = cached(("dashboard", plan.pk), lambda: _plan_figures(plan, today))
        context |= figures | {"projects": figures["projects"] if member else []}
    if member:
        context["changes"] = AuditEntry.objects.filter(partnership=partnership)[:RECENT_CHANGES]
    return render(request, "partnerships/dashboard.html", context)


def _plan_figures(plan: Plan, today: date) -> dict[str, object]:
    """The dashboard's figures for one plan, with its projects needing attention (members only)."""
    return {
        "progress": priority_progress(plan, today),
        "targets": target_rows(plan),
        "risks": top_risks(plan),
        "open_risks": plan.risks.exclude(status=Risk.Status.CLOSED).count(),
        "projects": projects_needing_attention(plan, today),
        "project_count": plan.projects.count(),
    }
