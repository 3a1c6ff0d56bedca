"""Pages where partnership administrators add, change, reorder, retire and reinstate a plan's records.

One set of views serves every :data:`~saferplaces.web.plans.manage.SECTIONS` entry.
Every change is saved with its audit entry in one transaction; a form with errors
saves nothing and shows the GOV.UK error summary.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from saferplaces.web.accounts.access import refuse
from saferplaces.web.accounts.permissions import can_edit_plan
from saferplaces.web.audit.trail import audited_save, record, snapshot
from saferplaces.web.plans.manage import FROZEN_SECTIONS, SECTIONS, Section, field_specs
from saferplaces.web.plans.models import Plan
from saferplaces.web.plans.views import frozen_refusal, plan_breadcrumbs, visible_plan

VIA_MANAGE = "plan management form"


def plan_editor(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Load the plan or 404 (drafts included), then require that the user may edit it."""

    @wraps(view)
    def wrapped(request: HttpRequest, slug: str, plan_slug: str, **kwargs: Any) -> HttpResponse:
        plan = visible_plan(request, slug, plan_slug)
        if not can_edit_plan(request.user, plan):
            return refuse(request)
        # A published version's text, priorities, places, actions, targets and risks are frozen.
        if plan.is_frozen and kwargs.get("section") in FROZEN_SECTIONS:
            return frozen_refusal(request, plan)
        return view(request, plan, **kwargs)

    return wrapped


def _section(name: str) -> Section:
    if name not in SECTIONS:
        raise Http404("No such part of a plan.")
    return SECTIONS[name]


def _list_url(plan: Plan, section: Section) -> str:
    return reverse("manage-list", args=[plan.partnership.slug, plan.slug, section.slug])


def _crumbs(plan: Plan, section: Section | None = None) -> list[dict[str, str]]:
    crumbs = [
        *plan_breadcrumbs(plan),
        {"text": "Manage the plan", "href": reverse("manage", args=[plan.partnership.slug, plan.slug])},
    ]
    if section is not None:
        crumbs.append({"text": section.plural, "href": _list_url(plan, section)})
    return crumbs


@plan_editor
def manage(request: HttpRequest, plan: Plan) -> HttpResponse:
    """The parts of the plan an administrator manages, with how many records each holds."""
    rows = [
        (
            section,
            section.records(plan).filter(retired=False).count(),
            section.records(plan).count(),
            plan.is_frozen and section.slug in FROZEN_SECTIONS,
        )
        for section in SECTIONS.values()
    ]
    context = {
        "title": f"Manage the plan – {plan.title}",
        "plan": plan,
        "partnership": plan.partnership,
        "rows": rows,
        "nav_active": "partnerships",
        "breadcrumbs": plan_breadcrumbs(plan),
    }
    return render(request, "plans/manage.html", context)


@plan_editor
def manage_list(request: HttpRequest, plan: Plan, section: str) -> HttpResponse:
    """A section's records in order, each with change, move and retire controls."""
    part = _section(section)
    records = list(part.records(plan))
    rows = []
    for obj in records:
        group = part.group(obj)
        same = [o for o in records if part.group(o) == group]
        at = same.index(obj)
        edit = (
            reverse(part.edit_url_name, args=[plan.partnership.slug, plan.slug, obj.pk])
            if part.edit_url_name
            else reverse("manage-edit", args=[plan.partnership.slug, plan.slug, part.slug, obj.pk])
        )
        rows.append(
            {
                "obj": obj,
                "group": getattr(obj, "priority", None) if part.slug == "actions" else None,
                "first": at == 0,
                "last": at == len(same) - 1,
                "edit": edit,
            }
        )
    new = (
        reverse("risk-new", args=[plan.partnership.slug, plan.slug])
        if part.slug == "risks"
        else reverse("manage-new", args=[plan.partnership.slug, plan.slug, part.slug])
    )
    context = {
        "title": f"{part.plural} – {plan.title}",
        "plan": plan,
        "partnership": plan.partnership,
        "section": part,
        "rows": rows,
        "new_url": new,
        "nav_active": "partnerships",
        "breadcrumbs": _crumbs(plan),
    }
    return render(request, "plans/manage_list.html", context)


@plan_editor
def manage_new(request: HttpRequest, plan: Plan, section: str) -> HttpResponse:
    """Add a record to a section, at the end of its order."""
    part = _section(section)
    obj = part.model()
    part.attach(obj, plan)
    return _form(request, plan, part, obj)


@plan_editor
def manage_edit(request: HttpRequest, plan: Plan, section: str, record_id: int) -> HttpResponse:
    """Change one record of a section."""
    part = _section(section)
    obj = get_object_or_404(part.records(plan), pk=record_id)
    return _form(request, plan, part, obj)


def _form(request: HttpRequest, plan: Plan, part: Section, obj: Any) -> HttpResponse:
    adding = obj.pk is None
    form = part.form(request.POST if request.method == "POST" else None, instance=obj, plan=plan)
    if form.is_bound and form.is_valid():
        with transaction.atomic():
            # The form has already copied its values onto the instance: read the stored copy.
            stored = None if adding else type(obj)._base_manager.get(pk=obj.pk)
            before = snapshot(stored) if stored is not None else None
            saved = form.save(commit=False)
            if adding:
                part.attach(saved, plan)
                group = part.group(saved)
                same = [o for o in part.records(plan) if part.group(o) == group]
                saved.order = max((o.order for o in same), default=0) + 1
            saved.save()
            form.save_m2m()
            record(request.user, saved, before, snapshot(saved), via=VIA_MANAGE)
        messages.success(request, f"{part.noun.capitalize()} {'added' if adding else 'saved'}")
        return redirect(_list_url(plan, part))
    article = "an" if part.noun[0] in "aeiou" else "a"
    heading = f"{'Add' if adding else 'Change'} {article} {part.noun}"
    context = {
        "title": ("Error: " if form.errors else "") + heading,
        "heading": heading,
        "plan": plan,
        "partnership": plan.partnership,
        "section": part,
        "form": form,
        "specs": field_specs(form),
        "cancel": _list_url(plan, part),
        "nav_active": "partnerships",
        "breadcrumbs": _crumbs(plan, part),
    }
    return render(request, "plans/manage_form.html", context, status=400 if form.errors else 200)


@require_POST
@plan_editor
def manage_move(request: HttpRequest, plan: Plan, section: str, record_id: int) -> HttpResponse:
    """Move a record one place up or down among those of its group."""
    part = _section(section)
    obj = get_object_or_404(part.records(plan), pk=record_id)
    same = [o for o in part.records(plan) if part.group(o) == part.group(obj)]
    at = same.index(obj)
    to = at - 1 if request.POST.get("direction") == "up" else at + 1
    if 0 <= to < len(same):
        same[at], same[to] = same[to], same[at]
        with transaction.atomic():
            for position, record in enumerate(same, start=1):
                if record.order != position:
                    record.order = position
                    audited_save(request.user, record, via=VIA_MANAGE)
        messages.success(request, f"Moved “{obj}” {'up' if to < at else 'down'}"[:300])
    return redirect(_list_url(plan, part))


@require_POST
@plan_editor
def manage_retire(request: HttpRequest, plan: Plan, section: str, record_id: int) -> HttpResponse:
    """Retire a record (kept, with its history, but shown nowhere), or reinstate a retired one."""
    part = _section(section)
    obj = get_object_or_404(part.records(plan), pk=record_id)
    obj.retired = request.POST.get("retire") != "no"
    with transaction.atomic():
        audited_save(request.user, obj, via=VIA_MANAGE)
    messages.success(request, f"{'Retired' if obj.retired else 'Reinstated'} “{obj}”"[:300])
    return redirect(_list_url(plan, part))
