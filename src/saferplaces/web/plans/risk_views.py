"""The risk register page with its heatmap, and the form that adds or changes a risk."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from saferplaces.web.accounts.access import refuse
from saferplaces.web.accounts.permissions import can_edit_risk
from saferplaces.web.audit.trail import audited_save, display_name
from saferplaces.web.plans.forms import RiskForm
from saferplaces.web.plans.heatmap import risk_heatmap
from saferplaces.web.plans.models import Plan, Risk, RiskReview
from saferplaces.web.plans.privacy import blank_private, reader_is_public
from saferplaces.web.plans.views import frozen_refusal, plan_breadcrumbs, visible_plan

VIA_RISK_FORM = "risk form"


def risks(request: HttpRequest, slug: str, plan_slug: str) -> HttpResponse:
    """The plan's risk register and its impact by likelihood heatmap."""
    plan = visible_plan(request, slug, plan_slug)
    register = list(plan.risks.all())
    blank_private(reader_is_public(request.user, plan), risks=register)
    context = {
        "title": f"Risk register – {plan.title}",
        "plan": plan,
        "partnership": plan.partnership,
        "risks": register,
        "heatmap": risk_heatmap(register),
        # A published register takes new readings of its risks, not new risks; a superseded one neither.
        "can_edit": can_edit_risk(request.user, plan) and plan.status != Plan.Status.SUPERSEDED,
        "frozen": plan.is_frozen,
        "nav_active": "partnerships",
        "breadcrumbs": plan_breadcrumbs(plan),
    }
    return render(request, "plans/risks.html", context)


def risk_new(request: HttpRequest, slug: str, plan_slug: str) -> HttpResponse:
    """Add a risk to the end of the plan's register."""
    plan = visible_plan(request, slug, plan_slug)
    last = plan.risks.aggregate(last=Max("order"))["last"] or 0
    return _risk_form(request, plan, Risk(plan=plan, order=last + 1))


def risk_edit(request: HttpRequest, slug: str, plan_slug: str, risk_id: int) -> HttpResponse:
    """Change one risk in the plan's register."""
    plan = visible_plan(request, slug, plan_slug)
    return _risk_form(request, plan, get_object_or_404(Risk, pk=risk_id, plan=plan))


def _risk_form(request: HttpRequest, plan: Plan, risk: Risk) -> HttpResponse:
    if not can_edit_risk(request.user, plan):
        return refuse(request)
    adding = risk.pk is None
    # A published register takes new readings, not new risks or new wording; a superseded one takes none.
    if plan.is_frozen and (adding or plan.status == Plan.Status.SUPERSEDED):
        return frozen_refusal(request, plan)
    form = RiskForm(
        request.POST if request.method == "POST" else None,
        initial={} if adding else RiskForm.initial_for(risk),
        frozen=plan.is_frozen,
    )
    if form.is_bound and form.is_valid():
        reading = (risk.impact, risk.likelihood, risk.status)
        with transaction.atomic():
            audited_save(request.user, form.apply(risk), via=VIA_RISK_FORM)
            if adding or reading != (risk.impact, risk.likelihood, risk.status):
                # A dated reading, so a board pack can set this quarter's score against the last (#11).
                review = RiskReview(
                    risk=risk,
                    date=timezone.localdate(),
                    impact=risk.impact,
                    likelihood=risk.likelihood,
                    status=risk.status,
                    author=display_name(request.user),
                )
                audited_save(request.user, review, via=VIA_RISK_FORM)
        messages.success(request, "Risk saved")
        return redirect("risks", slug=plan.partnership.slug, plan_slug=plan.slug)
    heading = "Add a risk" if adding else "Change a risk"
    context = {
        "title": ("Error: " if form.errors else "") + heading,
        "heading": heading,
        "plan": plan,
        "partnership": plan.partnership,
        "form": form,
        "nav_active": "partnerships",
        "breadcrumbs": [
            *plan_breadcrumbs(plan),
            {"text": "Risk register", "href": reverse("risks", args=[plan.partnership.slug, plan.slug])},
        ],
    }
    return render(request, "plans/risk_form.html", context)
