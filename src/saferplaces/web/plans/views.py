"""The plan page: priorities, places, delivery plan, targets, risks, governance and projects."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from saferplaces.web.accounts.permissions import can_edit_plan, can_edit_risk, can_view_plan, is_member
from saferplaces.web.cache import cached
from saferplaces.web.plans.data import delivery_plan_csv, plan_data
from saferplaces.web.plans.heatmap import risk_heatmap
from saferplaces.web.plans.models import Action, Plan, Priority, Workstream, frozen_problem
from saferplaces.web.plans.privacy import blank_private, reader_is_public
from saferplaces.web.plans.workbook import entered_periods, plan_workbook

#: Headings for each kind of priority on the plan page.
KIND_HEADINGS = {
    Priority.Kind.PRIORITY: "Priorities",
    Priority.Kind.CROSS_CUTTING: "Cross-cutting themes",
    Priority.Kind.OVERSIGHT: "Oversight items",
    Priority.Kind.DISTRICT_ONLY: "District-only priorities",
    Priority.Kind.FORCE_WIDE_CHALLENGE: "Challenges for the whole partnership",
}


def visible_plan(request: HttpRequest, slug: str, plan_slug: str) -> Plan:
    """The plan at this address if the user may see it; 404 otherwise, drafts included."""
    plan = get_object_or_404(
        Plan.objects.select_related("partnership"), partnership__slug=slug, slug=plan_slug
    )
    if not can_view_plan(request.user, plan):
        # Not 403: a draft's existence is itself the partnership's unpublished data.
        raise Http404("No plan here.")
    return plan


def frozen_refusal(request: HttpRequest, plan: Plan) -> HttpResponse:
    """The page an edit of a published or superseded version answers: what is wrong, what to do (409)."""
    problem, action = frozen_problem(plan)
    context = {
        "title": "This plan version cannot be changed",
        "plan": plan,
        "partnership": plan.partnership,
        "problem": problem,
        "action": action,
        "nav_active": "partnerships",
        "breadcrumbs": plan_breadcrumbs(plan),
    }
    return render(request, "plans/frozen.html", context, status=409)


def plan_breadcrumbs(plan: Plan) -> list[dict[str, str]]:
    """Partnerships > the partnership > the plan: the trail above every page inside a plan."""
    return [
        {"text": "Partnerships", "href": reverse("home")},
        {"text": plan.partnership.name, "href": reverse("partnership", args=[plan.partnership.slug])},
        {"text": plan.title, "href": reverse("plan", args=[plan.partnership.slug, plan.slug])},
    ]


def plan_year_context(request: HttpRequest, plan: Plan) -> dict[str, object]:
    """The plan page's versions section: the versions the reader may see, publication, what they may do."""
    from saferplaces.web.plans.models import Publication
    from saferplaces.web.plans.publication import plan_line

    line = [p for p in plan_line(plan) if can_view_plan(request.user, p)]
    publications = {p.plan_id: p for p in Publication.objects.filter(plan__in=line)}
    member = is_member(request.user, plan.partnership)
    admin = can_edit_plan(request.user, plan)
    return {
        "line": [(p, publications.get(p.pk)) for p in line],
        "publication": publications.get(plan.pk),
        "reader_is_member": member,
        "may_start": admin
        and plan.status != Plan.Status.SUPERSEDED
        and not any(p.previous_version_id == plan.pk and p.status == Plan.Status.DRAFT for p in line),
        "may_publish": admin and plan.may_be_published,
    }


@require_safe
def plan_json(request: HttpRequest, slug: str, plan_slug: str) -> JsonResponse:
    """The plan page's data twin: everything on the page as JSON."""
    plan = visible_plan(request, slug, plan_slug)
    public = reader_is_public(request.user, plan)
    # The same for everyone on the same side of the partnership's line (issue 11's private fields).
    data = cached(("plan-json", plan.pk, public), lambda: plan_data(plan, public=public))
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})


@require_safe
def plan_csv(request: HttpRequest, slug: str, plan_slug: str) -> HttpResponse:
    """The plan page's CSV twin: the delivery plan, one row per action."""
    plan = visible_plan(request, slug, plan_slug)
    public = reader_is_public(request.user, plan)
    response = HttpResponse(delivery_plan_csv(plan, public=public), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slug}-{plan_slug}-delivery-plan.csv"'
    return response


@require_safe
def plan_xlsx(request: HttpRequest, slug: str, plan_slug: str) -> HttpResponse:
    """The whole plan as an Excel workbook: every table on the page, one sheet each."""
    plan = visible_plan(request, slug, plan_slug)
    response = HttpResponse(
        plan_workbook(plan, public=reader_is_public(request.user, plan)),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{slug}-{plan_slug}.xlsx"'
    return response


@require_safe
def plan_detail(request: HttpRequest, slug: str, plan_slug: str) -> HttpResponse:
    """Everything one plan holds, read-only, on one page with a contents list."""
    plan = visible_plan(request, slug, plan_slug)
    public = reader_is_public(request.user, plan)
    # The figures read eagerly are the same for everyone who may see the plan from the same side
    # of the partnership's line: kept per plan and side until the next write or midnight (the
    # rest are lazy querysets inside the cached parts).
    figures = cached(("plan-page", plan.pk, public), lambda: _plan_figures(plan, public))
    risks = list(plan.risks.all())
    governance = list(plan.governance.all())
    blank_private(public, risks=risks, governance=governance)
    context = {
        "title": plan.title,
        "plan": plan,
        "partnership": plan.partnership,
        "versions": plan.versions.all(),
        **plan_year_context(request, plan),
        **figures,
        "places": plan.places.all(),
        "at_risk_groups": plan.at_risk_groups.all(),
        "risks": risks,
        "public": public,
        "can_edit_risk": can_edit_risk(request.user, plan),
        "governance": governance,
        "partner_plans": plan.partner_plans.all(),
        "workstreams": Workstream.objects.filter(plan=plan).prefetch_related("commitments"),
        "projects": plan.projects.select_related("funding_stream", "priority", "partnership"),
        "funding_streams": plan.funding.all(),
        "nav_active": "partnerships",
        "breadcrumbs": [
            {"text": "Partnerships", "href": "/"},
            {"text": plan.partnership.name, "href": f"/partnerships/{plan.partnership.slug}/"},
        ],
    }
    return render(request, "plans/plan.html", context)


def _plan_figures(plan: Plan, public: bool) -> dict[str, object]:
    """The plan page's priorities by kind, targets with their entered values, and risk heatmap.

    With ``public``, without what only the partnership may read (:mod:`saferplaces.web.plans.privacy`).
    """
    priorities = list(
        plan.priorities.select_related("county_priority").prefetch_related(
            Prefetch("actions", queryset=Action.objects.select_related("lead_organisation", "board")),
            "adoptions",  # "Why this is a priority" links: one query, not one per priority
        )
    )
    blank_private(public, actions=[a for p in priorities for a in p.actions.all()])
    by_kind = {kind: [p for p in priorities if p.kind == kind] for kind in Priority.Kind.values}
    targets = list(plan.targets.prefetch_related("values"))
    return {
        "priority_kinds": [
            (kind, KIND_HEADINGS[kind], by_kind[kind]) for kind in Priority.Kind.values if by_kind[kind]
        ],
        "priorities_with_actions": [p for p in priorities if p.actions.all()],
        "targets": targets,
        "target_periods": entered_periods(targets),
        "target_values": {t.pk: {v.period: v for v in t.entered_values()} for t in targets},
        "heatmap": risk_heatmap(list(plan.risks.all())),
    }
