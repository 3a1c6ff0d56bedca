"""What may leave the partner-only side: one allow-list of public fields, read by every page and endpoint.

A public page or API endpoint never serialises a model itself: it asks this module,
which copies only the fields named in ``PUBLIC_FIELDS``. A field added to a model is
therefore private until someone adds it here, and the tests check every endpoint
against every field that is not listed (``internal_field_names``).

Plans, priorities, progress and targets are published only from a published plan
version (issue 11, "The board and the year"); until that exists, ``published_plans``
returns nothing, so no draft or internal plan field can appear.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db import models

from saferplaces.web.partnerships.models import Membership, Organisation, Partnership

#: model label: the fields of it that may be published
PUBLIC_FIELDS: dict[str, tuple[str, ...]] = {
    "partnerships.partnership": ("name", "short_name", "slug", "kind", "area_name", "description", "parent"),
    "partnerships.organisation": ("name", "website"),
}

#: Apps whose models hold partnership data (Django's own apps hold none that is public).
PROJECT_APPS = ("partnerships", "plans", "performance", "projects", "accounts", "audit")


def public_values(obj: models.Model) -> dict[str, Any]:
    """The public fields of ``obj``, by name (a model with no entry has none)."""
    allowed = PUBLIC_FIELDS.get(obj._meta.label_lower, ())
    return {name: getattr(obj, name) for name in allowed}


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


def published_plans(p: Partnership) -> list[dict[str, Any]]:
    """The partnership's published plan versions, as published. None exist before publication (issue 11)."""
    return []
