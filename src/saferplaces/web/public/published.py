"""What may leave the partner-only side: one allow-list of public fields, read by every page and endpoint.

A public page or API endpoint never serialises a model itself: it asks this module,
which copies only the fields named in ``PUBLIC_FIELDS``. A field added to a model is
therefore private until someone adds it here, and the tests check every endpoint
against every field that is not listed (``internal_field_names``).

Plans, priorities, progress and targets are published only from a plan whose status is
``Plan.Status.PUBLISHED`` (issue 11, "The board and the year"); a draft or superseded plan
gives nothing. Progress updates appear only through their public summary, and only once an
administrator has approved it: an update's own text, author and the action's lead officer
never leave this side.
"""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

from django.apps import apps
from django.db import models

from saferplaces.web.partnerships.models import Membership, Organisation, Partnership
from saferplaces.web.plans.models import Plan, ProgressUpdate

#: model label: the fields of it that may be published
PUBLIC_FIELDS: dict[str, tuple[str, ...]] = {
    "partnerships.partnership": ("name", "short_name", "slug", "kind", "area_name", "description", "parent"),
    "partnerships.organisation": ("name", "website"),
    "plans.plan": ("title", "slug", "start_year", "end_year", "vision", "aim"),
    "plans.priority": ("title", "kind", "description", "reasons", "aims"),
    "plans.priorityplace": ("name", "area_type", "district", "rationale"),
    "plans.action": ("action", "outcome", "due_date"),
    "plans.progressupdate": ("date", "public_summary", "public_summary_cy"),
    "performance.target": (
        "description",
        "unit",
        "direction",
        "baseline_value",
        "baseline_text",
        "baseline_period",
    ),
    "performance.targetvalue": ("period", "value"),
    "public.publiccontact": (
        "contact_email",
        "contact_phone",
        "contact_website",
        "contact_text",
        "contact_text_cy",
    ),
    "public.helplink": ("help_name", "help_name_cy", "help_about", "help_about_cy", "help_url", "help_phone"),
}

#: Apps whose models hold partnership data (Django's own apps hold none that is public).
PROJECT_APPS = (
    "partnerships",
    "plans",
    "performance",
    "projects",
    "accounts",
    "audit",
    "public",
)


def public_values(obj: models.Model) -> dict[str, Any]:
    """The public fields of ``obj``, by name (a model with no entry has none)."""
    allowed = PUBLIC_FIELDS.get(obj._meta.label_lower, ())
    return {name: _plain(getattr(obj, name)) for name in allowed}


def _plain(value: Any) -> Any:
    """A value as JSON gives it: a decimal as a number, a date as ISO text."""
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def internal_field_names() -> set[str]:
    """Every field name of the project's models that is public on no model: none may appear in a response."""
    public = {name for names in PUBLIC_FIELDS.values() for name in names}
    found: set[str] = set()
    for label in PROJECT_APPS:
        try:
            config = apps.get_app_config(label)
        except LookupError:
            continue
        for model in config.get_models():
            for f in model._meta.get_fields():
                if f.concrete and not f.auto_created:
                    found.add(f.name)
    return found - public - {"id"}


def public_partnerships() -> list[Partnership]:
    """Every partnership (their names and areas are public), county partnerships first."""
    return list(Partnership.objects.select_related("parent").order_by("kind", "name"))


def partnership_record(p: Partnership) -> dict[str, Any]:
    """A partnership as published: its public fields, its county partnership and its members."""
    record = public_values(p)
    record["kind"] = p.kind
    record["parent"] = p.parent.slug if p.parent_id else None  # by its slug, not the whole record
    record["members"] = [
        public_values(m.organisation)
        for m in Membership.objects.filter(partnership=p).select_related("organisation")
        if isinstance(m.organisation, Organisation)
    ]
    return record


def published_plan_list(p: Partnership) -> list[Plan]:
    """The partnership's published plans, newest first (a draft or superseded plan is not one)."""
    return list(
        Plan.objects.filter(partnership=p, status=Plan.Status.PUBLISHED).order_by("-start_year", "-pk")
    )


def current_plan(p: Partnership) -> Plan | None:
    """The plan the residents' pages describe: the newest published one, or None."""
    found = published_plan_list(p)
    return found[0] if found else None


def plan_summary(plan: Plan) -> dict[str, Any]:
    return public_values(plan)


def published_plans(p: Partnership) -> list[dict[str, Any]]:
    """The partnership's published plans, as published (title, years, vision and aim)."""
    return [plan_summary(plan) for plan in published_plan_list(p)]


def approved_updates(update_set: Any) -> list[ProgressUpdate]:
    """The updates residents may read: those with a public summary an administrator approved."""
    return [u for u in update_set if u.publicly_approved]
