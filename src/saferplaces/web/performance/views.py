"""Target pages: the list of a plan's targets, and one target with its chart, values and status.

Everyone sees a published plan's targets. Administrators and analysts of the
partnership also see the form to add or correct a value and, for targets
defined as a data store query, the button to refresh the values from the store.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from saferplaces.stats.labels import rule_words
from saferplaces.web.accounts.permissions import can_edit_targets, can_view_plan
from saferplaces.web.audit.trail import audited_save
from saferplaces.web.cache import cached
from saferplaces.web.performance.forms import TargetValueForm
from saferplaces.web.performance.models import Target, TargetValue
from saferplaces.web.performance.status import (
    TAG_CLASSES,
    ValueRow,
    status_chart,
    target_rows,
    target_status,
    value_rows,
)
from saferplaces.web.plans.models import Plan
from saferplaces.web.plans.privacy import reader_is_public, value_notes
from saferplaces.web.plans.views import frozen_refusal
from saferplaces.web.work.jobs import start_job
from saferplaces.web.work.kinds import TARGET_REFRESH

if TYPE_CHECKING:
    from saferplaces.indicators.status import TargetStatus
    from saferplaces.reports.charts import Chart


def _plan(request: HttpRequest, slug: str, plan_slug: str) -> Plan:
    plan = get_object_or_404(
        Plan.objects.select_related("partnership"), partnership__slug=slug, slug=plan_slug
    )
    if not can_view_plan(request.user, plan):
        # Not 403: a draft's existence is itself the partnership's unpublished data.
        raise Http404("No plan here.")
    return plan


def _target(request: HttpRequest, slug: str, plan_slug: str, target_id: int) -> Target:
    plan = _plan(request, slug, plan_slug)
    target = get_object_or_404(Target.objects.prefetch_related("values"), plan=plan, pk=target_id)
    target.plan = plan
    return target


def _breadcrumbs(plan: Plan, *, targets: bool = True) -> list[dict[str, str]]:
    crumbs = [
        {"text": "Partnerships", "href": reverse("home")},
        {"text": plan.partnership.name, "href": reverse("partnership", args=[plan.partnership.slug])},
        {"text": plan.title, "href": reverse("plan", args=[plan.partnership.slug, plan.slug])},
    ]
    if targets:
        crumbs.append(
            {"text": "Targets", "href": reverse("targets", args=[plan.partnership.slug, plan.slug])}
        )
    return crumbs


def targets_list(request: HttpRequest, slug: str, plan_slug: str) -> HttpResponse:
    """A plan's targets, each with its latest value and status."""
    plan = _plan(request, slug, plan_slug)
    # the same for everyone allowed to see the plan: kept until the next write or midnight
    rows = cached(("target-rows", plan.pk), lambda: target_rows(plan))
    latest = [row["latest"].value for row in rows if row["latest"]]
    context = {
        "title": f"Targets – {plan.title}",
        "plan": plan,
        "rows": rows,
        "notes": value_notes(reader_is_public(request.user, plan), latest),
        "nav_active": "partnerships",
        "breadcrumbs": _breadcrumbs(plan, targets=False),
    }
    return render(request, "performance/targets.html", context)


def _target_figures(target: Target) -> tuple[list[ValueRow], TargetStatus, Chart | None]:
    """A target's values, its status test and its chart."""
    rows = value_rows(target)
    result = target_status(target)
    return rows, result, status_chart(target, rows, result, table="target-values")


def _target_page(
    request: HttpRequest, target: Target, form: TargetValueForm, status: int = 200
) -> HttpResponse:
    plan = target.plan
    # The values, the test and the chart are the same for everyone who may see the target: kept
    # until the next write or midnight (web/cache.py), as the chart takes a while to draw.
    rows, result, chart = cached(("target-page", target.pk), lambda: _target_figures(target))
    flags = {period: rule_words(rules) for period, rules in result.flags}
    query = target.indicator_query() if target.is_store_query else None
    context = {
        "title": ("Error: " if form.errors else "") + target.description,
        "plan": plan,
        "target": target,
        "query": query,
        "area_name": next((r.value.detail.get("area_name") for r in rows if r.value.detail), None),
        "values": rows,
        "notes": value_notes(reader_is_public(request.user, plan), [row.value for row in rows]),
        "status": result,
        "flags": flags,
        "tag": TAG_CLASSES[result.status],
        "chart": chart,
        "form": form,
        # a superseded version takes no more values (delivery moved to the version carried forward)
        "can_edit": can_edit_targets(request.user, plan) and plan.status != Plan.Status.SUPERSEDED,
        "flash": list(messages.get_messages(request)),
        "nav_active": "partnerships",
        "breadcrumbs": _breadcrumbs(plan),
    }
    return render(request, "performance/target.html", context, status=status)


def target_detail(request: HttpRequest, slug: str, plan_slug: str, target_id: int) -> HttpResponse:
    """One target: status, chart, values and, for editors, the form to add or correct a value."""
    target = _target(request, slug, plan_slug, target_id)
    if request.method != "POST":
        return _target_page(request, target, TargetValueForm(target=target))
    if not can_edit_targets(request.user, target.plan):
        raise PermissionDenied("Only the partnership's administrators and analysts change targets.")
    if target.plan.status == Plan.Status.SUPERSEDED:
        return frozen_refusal(request, target.plan)
    form = TargetValueForm(request.POST, target=target)
    if not form.is_valid():
        return _target_page(request, target, form, status=400)
    data = form.cleaned_data
    with transaction.atomic():
        row = target.values.filter(period=data["period"], source=TargetValue.Source.ENTERED).first()
        verb = "corrected" if row else "added"
        if row is None:
            last = max((v.order for v in target.values.all()), default=0)
            row = TargetValue(target=target, period=data["period"], order=last + 1)
        row.value = data["value"]
        row.numerator, row.sample_size = data.get("numerator"), data.get("sample_size")
        row.note = data.get("note", "")
        if target.kind == Target.Kind.STANDARDISED:
            row.detail = {
                "lower": float(data["lower"]),
                "upper": float(data["upper"]),
                "events": int(data["events"]),
            }
        audited_save(request.user, row, via="target value form")
    messages.success(request, f"The value for {data['period']} was {verb}.")
    return HttpResponseRedirect(reverse("target", args=[slug, plan_slug, target.pk]))


@require_POST
def target_refresh(request: HttpRequest, slug: str, plan_slug: str, target_id: int) -> HttpResponse:
    """Start recomputing a store-query target's values from the data store, in the background.

    Counting in the store can take a while, so the worker does it (issue #10); the user is
    sent to the task's page, which shows its progress and then the result.
    """
    target = _target(request, slug, plan_slug, target_id)
    if not can_edit_targets(request.user, target.plan):
        raise PermissionDenied("Only the partnership's administrators and analysts refresh targets.")
    if target.plan.status == Plan.Status.SUPERSEDED:
        return frozen_refusal(request, target.plan)
    if not target.is_store_query:
        messages.error(
            request,
            f"The target '{target.description}' is not defined as a data store query. "
            "Choose a data store query as its source and give the query first.",
        )
        return HttpResponseRedirect(reverse("target", args=[slug, plan_slug, target.pk]))
    job = start_job(
        TARGET_REFRESH,
        target.plan.partnership,
        request.user,
        title=f"Refresh “{target.description}” from the data store",
        params={"plan_id": target.plan.pk, "target_ids": [target.pk]},
        back_url=reverse("target", args=[slug, plan_slug, target.pk]),
        steps_total=2,
    )
    return HttpResponseRedirect(reverse("job", args=[slug, job.pk]))
