"""Assessments in the application (issue #10, sections 2 and 3).

The list and the build form; one assessment with its report and downloads; two compared;
adopting a candidate priority, or a priority for a reason the data cannot show; and the
"Why this is a priority" page.
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_safe

from saferplaces.assessment.local_picture import resolve_partnership_area
from saferplaces.assessment.priorities import COMPONENT_NAMES
from saferplaces.data.areas import areas_within
from saferplaces.data.partner import list_extracts
from saferplaces.errors import SaferPlacesError
from saferplaces.web.accounts.access import refuse
from saferplaces.web.assessments import evidence as ev
from saferplaces.web.assessments.access import can_adopt, can_build, member_partnership
from saferplaces.web.assessments.build import ASSESSMENT_BUILD, STEPS, default_weights
from saferplaces.web.assessments.compare import CHANGE_WORDS, compare
from saferplaces.web.assessments.forms import (
    FORM_WEIGHTS,
    WEIGHT_LABELS,
    AdoptForm,
    BuildForm,
    DecisionForm,
    ReasonForm,
    weight_initial,
)
from saferplaces.web.assessments.models import Assessment, AssessmentFile, PriorityEvidence
from saferplaces.web.audit.trail import audited_save, display_name, record, snapshot
from saferplaces.web.partnerships.models import Partnership
from saferplaces.web.performance.refresh import web_store
from saferplaces.web.plans.models import Plan, Priority
from saferplaces.web.plans.views import plan_breadcrumbs
from saferplaces.web.work.jobs import start_job

VIA_ADOPT = "adopted from an assessment"
VIA_REASON = "adopted for a reason the data cannot show"
#: The report is shown in a frame that may run nothing and load nothing: its own styles and images only.
REPORT_CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'"
FILE_NAMES = {"html": "HTML", "pdf": "PDF", "docx": "Word (DOCX)", "xlsx": "Excel (XLSX)", "json": "JSON"}


def _crumbs(partnership: Partnership, *more: dict[str, str]) -> list[dict[str, str]]:
    return [
        {"text": "Partnerships", "href": reverse("home")},
        {"text": partnership.name, "href": reverse("partnership", args=[partnership.slug])},
        {"text": "Strategic assessments", "href": reverse("assessments", args=[partnership.slug])},
        *more,
    ]


def _assessment(partnership: Partnership, assessment_id: int) -> Assessment:
    return get_object_or_404(Assessment, pk=assessment_id, partnership=partnership)


def _areas(partnership: Partnership) -> tuple[list[tuple[str, str]], list[str], str]:
    """The areas an analyst may choose (the partnership's, then those in it), the extracts, a problem."""
    store = web_store()
    try:
        con = store.connect()
    except SaferPlacesError as exc:
        return [], [], str(exc)
    try:
        own = resolve_partnership_area(con, partnership.area_name)
        inside = areas_within(con, own)
    except SaferPlacesError as exc:
        return [], [], str(exc)
    finally:
        con.close()
    levels = {
        "district": "district",
        "csp": "community safety partnership",
        "ward": "ward",
        "force": "force area",
    }
    areas = [(own.code, f"{own.name} (the partnership's area)")]
    areas += [(a.code, f"{a.name} ({levels.get(a.level, a.level)})") for a in inside]
    try:
        extracts = [e.name for e in list_extracts(store)]
    except SaferPlacesError:
        extracts = []
    return areas, extracts, ""


@require_safe
def assessment_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The partnership's assessments, newest first, and a link to build one."""
    partnership = member_partnership(request, slug)
    assessments = list(Assessment.objects.filter(partnership=partnership).defer("data"))
    context = {
        "title": f"Strategic assessments – {partnership.name}",
        "partnership": partnership,
        "assessments": assessments,
        "can_build": can_build(request.user, partnership),
        "can_adopt": can_adopt(request.user, partnership),
        "nav_active": "partnerships",
        "breadcrumbs": _crumbs(partnership)[:-1],
    }
    return render(request, "assessments/list.html", context)


def assessment_new(request: HttpRequest, slug: str) -> HttpResponse:
    """Choose the area, period and options of an assessment; the build runs in the background."""
    partnership = member_partnership(request, slug)
    if not can_build(request.user, partnership):
        return refuse(request)
    areas, extracts, problem = _areas(partnership)
    initial = {
        "area": areas[0][0] if areas else "",
        "compare": "previous",
        "partial": "no",
        **weight_initial(default_weights()),
    }
    form = BuildForm(
        request.POST if request.method == "POST" else None, initial=initial, areas=areas, extracts=extracts
    )
    if form.is_bound and not problem and form.is_valid():
        area_name = dict(areas)[form.cleaned_data["area"]].split(" (")[0]
        period = form.cleaned_data["period"]
        weights = form.weights()
        params: dict[str, Any] = {
            "area_code": form.cleaned_data["area"],
            "area_name": area_name,
            "period": period,
            "compare": form.cleaned_data["compare"],
            "allow_partial": form.cleaned_data["partial"] == "yes",
            "extract": form.cleaned_data["extract"],
            "weights": {} if weights == {k: default_weights()[k] for k in FORM_WEIGHTS} else weights,
        }
        job = start_job(
            ASSESSMENT_BUILD,
            partnership,
            request.user,
            title=f"Build the strategic assessment of {area_name} for {period}",
            params=params,
            back_url=reverse("assessments", args=[partnership.slug]),
            steps_total=STEPS,
        )
        return redirect("job", slug=partnership.slug, job_id=job.pk)
    context = {
        "title": ("Error: " if form.errors else "") + "Build a strategic assessment",
        "partnership": partnership,
        "form": form,
        "areas": areas,
        "extracts": extracts,
        "problem": problem,
        "weight_fields": [(f"weight_{n}", WEIGHT_LABELS[n]) for n in FORM_WEIGHTS],
        "nav_active": "partnerships",
        "breadcrumbs": _crumbs(partnership),
    }
    return render(request, "assessments/new.html", context)


def _adopted_here(assessment: Assessment) -> dict[str, list[PriorityEvidence]]:
    adopted: dict[str, list[PriorityEvidence]] = {}
    for item in assessment.adoptions.select_related("priority__plan"):
        adopted.setdefault(item.candidate, []).append(item)
    return adopted


@require_safe
def assessment_detail(request: HttpRequest, slug: str, assessment_id: int) -> HttpResponse:
    """One assessment: what it was built from, its report, its downloads and its candidate priorities."""
    partnership = member_partnership(request, slug)
    assessment = _assessment(partnership, assessment_id)
    others = Assessment.objects.filter(partnership=partnership, area_code=assessment.area_code).exclude(
        pk=assessment.pk
    )
    context = {
        "title": assessment.title,
        "partnership": partnership,
        "assessment": assessment,
        "files": [
            (f, FILE_NAMES[f])
            for f in FILE_NAMES
            if f in set(assessment.files.values_list("format", flat=True))
        ],
        "weights_text": ", ".join(
            f"{COMPONENT_NAMES.get(k, k)} {w:g}" for k, w in assessment.weights.items()
        ),
        "candidates": ev.candidates(assessment),
        "adopted": _adopted_here(assessment),
        "others": list(others.defer("data")),
        "can_adopt": can_adopt(request.user, partnership),
        "findings": (assessment.data.get("findings") or [])[:6],
        "nav_active": "partnerships",
        "breadcrumbs": _crumbs(partnership),
    }
    return render(request, "assessments/detail.html", context)


@require_safe
@xframe_options_sameorigin
def assessment_report(request: HttpRequest, slug: str, assessment_id: int) -> HttpResponse:
    """The report's HTML as the build wrote it, for the frame on the assessment page (it runs nothing)."""
    partnership = member_partnership(request, slug)
    assessment = _assessment(partnership, assessment_id)
    file = get_object_or_404(AssessmentFile, assessment=assessment, format="html")
    response = HttpResponse(bytes(file.content), content_type=AssessmentFile.CONTENT_TYPES["html"])
    response["Content-Security-Policy"] = REPORT_CSP
    return response


@require_safe
def assessment_file(request: HttpRequest, slug: str, assessment_id: int, fmt: str) -> HttpResponse:
    """One of the report files, as a download."""
    partnership = member_partnership(request, slug)
    assessment = _assessment(partnership, assessment_id)
    file = get_object_or_404(AssessmentFile, assessment=assessment, format=fmt)
    response = HttpResponse(bytes(file.content), content_type=AssessmentFile.CONTENT_TYPES[fmt])
    name = re.sub(r"[^a-z0-9]+", "-", f"{assessment.area_name} {assessment.period_label}".lower()).strip("-")
    response["Content-Disposition"] = f'attachment; filename="assessment-{name}-v{assessment.version}.{fmt}"'
    if fmt == "html":
        response["Content-Security-Policy"] = REPORT_CSP
    return response


@require_safe
def assessment_compare(request: HttpRequest, slug: str, assessment_id: int) -> HttpResponse:
    """This assessment beside another of the same area (``?with=<id>``), the earlier period first."""
    partnership = member_partnership(request, slug)
    assessment = _assessment(partnership, assessment_id)
    try:
        other_id = int(request.GET.get("with", ""))
    except ValueError:
        raise Http404("Choose an assessment to compare with.") from None
    other = get_object_or_404(
        Assessment, pk=other_id, partnership=partnership, area_code=assessment.area_code
    )
    first, second = sorted(
        (assessment, other), key=lambda a: ((a.data.get("period") or {}).get("end") or "", a.created_at)
    )
    result = compare(first, second)
    context = {
        "title": f"{assessment.area_name}: {second.period_label} compared with {first.period_label}",
        "partnership": partnership,
        "comparison": result,
        "assessment": assessment,
        "nav_active": "partnerships",
        "breadcrumbs": _crumbs(
            partnership,
            {"text": str(assessment), "href": reverse("assessment", args=[partnership.slug, assessment.pk])},
        ),
    }
    return render(request, "assessments/compare.html", context)


def _plans(partnership: Partnership) -> list[Plan]:
    # A published or superseded version takes no new priorities (issue 11): adopt into a draft.
    return [p for p in Plan.objects.filter(partnership=partnership).order_by("-id") if not p.is_frozen]


def _decide(
    request: HttpRequest, form: DecisionForm, partnership: Partnership, **fields: Any
) -> PriorityEvidence:
    """Save the new or chosen priority and the record of why, with their audit entries, in one transaction."""
    data = form.cleaned_data
    plan = form.plans[data["plan"]]
    via = VIA_ADOPT if fields.get("assessment") is not None else VIA_REASON
    with transaction.atomic():
        if data["priority"] == "new":
            last = plan.priorities.aggregate(last=Max("order"))["last"] or 0
            priority = Priority(plan=plan, order=last + 1, title=data["title"].strip())
            audited_save(request.user, priority, via=via)
        else:
            priority = form.priorities[data["priority"]]
        item = PriorityEvidence.objects.create(
            priority=priority,
            decided_on=data["decided_on"],
            minute_reference=data["minute_reference"].strip(),
            created_by=request.user if request.user.is_authenticated else None,
            created_by_name=display_name(request.user),
            **fields,
        )
        # The decision (board meeting date and minute reference) is in the audit trail with the evidence.
        record(request.user, item, None, snapshot(item), via=via)
    return item


def assessment_adopt(request: HttpRequest, slug: str, assessment_id: int) -> HttpResponse:
    """Adopt one of the assessment's candidate priorities, as a new priority or linked to one in a plan."""
    partnership = member_partnership(request, slug)
    assessment = _assessment(partnership, assessment_id)
    if not can_adopt(request.user, partnership):
        return refuse(request)
    themes = [c["theme"] for c in ev.candidates(assessment)]
    chosen = request.GET.get("candidate", "")
    form = AdoptForm(
        request.POST if request.method == "POST" else None,
        initial={"candidate": chosen, "title": chosen, "priority": "new"},
        plans=_plans(partnership),
        candidates=themes,
    )
    if form.is_bound and form.is_valid():
        theme = form.cleaned_data["candidate"]
        item = _decide(
            request,
            form,
            partnership,
            assessment=assessment,
            candidate=theme,
            reason_kind=PriorityEvidence.Reason.EVIDENCE,
            evidence=ev.freeze_evidence(assessment, theme),
        )
        messages.success(request, f"{item.priority.title} adopted as a priority")
        return redirect(
            "priority-why",
            slug=partnership.slug,
            plan_slug=item.priority.plan.slug,
            priority_id=item.priority.pk,
        )
    context = {
        "title": ("Error: " if form.errors else "") + "Adopt a priority from the assessment",
        "partnership": partnership,
        "assessment": assessment,
        "form": form,
        "themes": themes,
        "nav_active": "partnerships",
        "breadcrumbs": _crumbs(
            partnership,
            {"text": str(assessment), "href": reverse("assessment", args=[partnership.slug, assessment.pk])},
        ),
    }
    return render(request, "assessments/adopt.html", context)


def adopt_for_reason(request: HttpRequest, slug: str) -> HttpResponse:
    """Adopt a priority for a reason the data cannot show, such as a statutory duty or community concern."""
    partnership = member_partnership(request, slug)
    if not can_adopt(request.user, partnership):
        return refuse(request)
    form = ReasonForm(
        request.POST if request.method == "POST" else None,
        initial={"priority": "new"},
        plans=_plans(partnership),
    )
    if form.is_bound and form.is_valid():
        item = _decide(
            request,
            form,
            partnership,
            reason_kind=form.cleaned_data["reason_kind"],
            reason=form.cleaned_data["reason"].strip(),
        )
        messages.success(request, f"{item.priority.title} adopted as a priority")
        return redirect(
            "priority-why",
            slug=partnership.slug,
            plan_slug=item.priority.plan.slug,
            priority_id=item.priority.pk,
        )
    context = {
        "title": ("Error: " if form.errors else "") + "Adopt a priority for a reason the data cannot show",
        "partnership": partnership,
        "form": form,
        "nav_active": "partnerships",
        "breadcrumbs": _crumbs(partnership),
    }
    return render(request, "assessments/adopt_reason.html", context)


@require_safe
def priority_why(request: HttpRequest, slug: str, plan_slug: str, priority_id: int) -> HttpResponse:
    """Why this is a priority: the evidence it was adopted on, or the reason the data cannot show."""
    partnership = member_partnership(request, slug)
    plan = get_object_or_404(Plan, partnership=partnership, slug=plan_slug)
    priority = get_object_or_404(Priority._base_manager, pk=priority_id, plan=plan)
    items = list(priority.adoptions.select_related("assessment"))
    context = {
        "title": f"Why {priority.title} is a priority",
        "partnership": partnership,
        "plan": plan,
        "priority": priority,
        "items": items,
        "component_names": COMPONENT_NAMES,
        "change_words": CHANGE_WORDS,
        "nav_active": "partnerships",
        "breadcrumbs": plan_breadcrumbs(plan),
    }
    return render(request, "assessments/why.html", context)
