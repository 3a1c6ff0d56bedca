"""Pages for partnerships: the home page and one page per partnership."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from saferplaces.web.accounts.permissions import can_view_plan, can_view_project, is_member
from saferplaces.web.partnerships.models import Partnership


def home(request: HttpRequest) -> HttpResponse:
    """Name the product and list the partnerships it holds."""
    partnerships = Partnership.objects.order_by("kind", "name")
    return render(
        request,
        "partnerships/home.html",
        {"partnerships": partnerships, "nav_active": "partnerships"},
    )


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
        "nav_active": "partnerships",
        "breadcrumbs": [{"text": "Partnerships", "href": "/"}],
    }
    return render(request, "partnerships/partnership.html", context)
