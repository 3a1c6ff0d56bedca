"""The delivery plan page (filters and exports) and the action update form."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from saferplaces.web.accounts.access import refuse
from saferplaces.web.accounts.permissions import actions_user_may_update, can_update_action
from saferplaces.web.audit.trail import audited_save, display_name
from saferplaces.web.plans.delivery import delivery_rows, plan_actions, rows_csv, rows_xlsx
from saferplaces.web.plans.forms import ActionUpdateForm, DeliveryFilterForm
from saferplaces.web.plans.models import Action, Plan, ProgressUpdate
from saferplaces.web.plans.privacy import public_rows, reader_is_public
from saferplaces.web.plans.views import frozen_refusal, plan_breadcrumbs, visible_plan
from saferplaces.web.validation import form_query

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
VIA_ACTION_FORM = "action update form"


def delivery(request: HttpRequest, slug: str, plan_slug: str) -> HttpResponse:
    """The delivery plan, one row per action, filtered by the page's GET form; CSV or XLSX on request."""
    plan = visible_plan(request, slug, plan_slug)
    today = timezone.localdate()
    form = DeliveryFilterForm(plan, request.GET or None)
    everything = plan_actions(plan)
    rows = delivery_rows(form.apply(everything, today), today)
    public = reader_is_public(request.user, plan)
    rows = public_rows(public, rows)
    export = request.GET.get("format", "")
    filename = f"{slug}-{plan_slug}-delivery-plan"
    if export == "csv":
        response = HttpResponse(rows_csv(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        return response
    if export == "xlsx":
        response = HttpResponse(rows_xlsx(rows, f"{plan.title}: delivery plan"), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
        return response
    if export:
        raise Http404("The delivery plan exports as format=csv or format=xlsx.")
    context = {
        "title": f"Delivery plan – {plan.title}",
        "plan": plan,
        "partnership": plan.partnership,
        "form": form,
        "filtered": bool(form.filters()),
        "rows": rows,
        "public": public,
        "total": everything.count(),
        "may_update": actions_user_may_update(request.user, plan, [row.action for row in rows]),
        "query": form_query(request.GET, form.fields),
        "nav_active": "partnerships",
        "breadcrumbs": plan_breadcrumbs(plan),
    }
    return render(request, "plans/delivery.html", context)


def action_update(request: HttpRequest, slug: str, plan_slug: str, action_id: int) -> HttpResponse:
    """Record progress on one action: a dated update and the action's new RAG status."""
    plan = visible_plan(request, slug, plan_slug)
    action = get_object_or_404(
        Action.objects.select_related("priority__plan__partnership", "lead_organisation", "board"),
        pk=action_id,
        priority__plan=plan,
    )
    if not can_update_action(request.user, action):
        return refuse(request)
    if plan.status == Plan.Status.SUPERSEDED:
        return frozen_refusal(request, plan)
    form = ActionUpdateForm(
        request.POST if request.method == "POST" else None,
        initial={
            "rag": action.rag,
            "date": timezone.localdate(),
            "completed": action.completed_on is not None,
        },
    )
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        with transaction.atomic():
            update = ProgressUpdate(
                action=action,
                date=data["date"],
                text=data["text"],
                rag=data["rag"],
                author=display_name(request.user),
                public_summary=data["public_summary"],  # for residents once an administrator approves it
            )
            audited_save(request.user, update, via=VIA_ACTION_FORM)
            action.rag = data["rag"]
            if not data["completed"]:
                action.completed_on = None
            elif action.completed_on is None:
                action.completed_on = data["date"]
            audited_save(request.user, action, via=VIA_ACTION_FORM)
        messages.success(request, "Update saved")
        return redirect("delivery", slug=slug, plan_slug=plan_slug)
    context = {
        "title": ("Error: " if form.errors else "") + "Update an action",
        "plan": plan,
        "partnership": plan.partnership,
        "action": action,
        "updates": action.updates.order_by("-date", "-id"),
        "form": form,
        "nav_active": "partnerships",
        "breadcrumbs": [
            *plan_breadcrumbs(plan),
            {"text": "Delivery plan", "href": reverse("delivery", args=[slug, plan_slug])},
        ],
    }
    return render(request, "plans/action_update.html", context)


#: The order My actions lists actions in: overdue first, then red, amber, not set, green.
RAG_ORDER = {Action.Rag.RED: 0, Action.Rag.AMBER: 1, "": 2, Action.Rag.GREEN: 3}


@require_safe
def my_actions(request: HttpRequest) -> HttpResponse:
    """The actions the signed-in lead officer leads, across partnerships: overdue and red first."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    today = timezone.localdate()
    led = (
        Action.objects.filter(lead_user=request.user)
        .select_related("priority__plan__partnership", "lead_organisation", "board")
        .prefetch_related(Prefetch("updates", queryset=ProgressUpdate.objects.order_by("-date", "-id")))
    )
    # Only where the user still holds a role that lets them update it (a lead officer who left
    # a partnership no longer sees its actions here).
    actions = [a for a in led if can_update_action(request.user, a)]
    rows = delivery_rows(actions, today)
    rows.sort(
        key=lambda row: (
            not row.overdue,
            RAG_ORDER.get(row.action.rag, 2),
            row.action.due_date or dt.date.max,
            row.action.pk,
        )
    )
    context = {
        "title": "My actions",
        "rows": rows,
        "may_update": {row.action.pk for row in rows},
        "overdue": sum(row.overdue for row in rows),
        "red": sum(row.action.rag == Action.Rag.RED for row in rows),
        "nav_active": "my-actions",
        "breadcrumbs": [{"text": "Partnerships", "href": reverse("home")}],
    }
    return render(request, "plans/my_actions.html", context)
