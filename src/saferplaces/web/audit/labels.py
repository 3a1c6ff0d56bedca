"""How the change history names things: field labels (not column names) and kinds of record."""

from __future__ import annotations

from functools import cache

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist


@cache
def _model(label: str) -> type | None:
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def record_kind(label: str) -> str:
    """A model's name for people: "plans.priorityplace" reads "Priority place"."""
    model = _model(label)
    return str(model._meta.verbose_name).capitalize() if model else label


def field_label(label: str, name: str) -> str:
    """A field's label as its form shows it: "lead_user_id" on an action reads "Lead user"."""
    model = _model(label)
    if model is not None:
        for field in model._meta.get_fields():
            if getattr(field, "attname", None) == name or field.name == name:
                try:
                    return str(model._meta.get_field(field.name).verbose_name).capitalize()
                except (FieldDoesNotExist, AttributeError):
                    break
    return name.removesuffix("_id").replace("_", " ").capitalize()


def shown_value(label: str, name: str, value: object) -> str:
    """A stored value as people read it: a choice's label, yes or no, lists one item a line."""
    if value is None or value == "":
        return ""
    model = _model(label)
    field = None
    if model is not None:
        field = next((f for f in model._meta.concrete_fields if f.attname == name), None)
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return "; ".join(str(item) for item in value)
    return str(value)
