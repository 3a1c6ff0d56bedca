"""Recording changes: take a snapshot before, save, then :func:`record` the change.

Every view, import and admin action that changes partnership data goes through
:func:`record` (or :func:`audited_save` / :func:`audited_delete`) inside the same
database transaction as the change, so a change is never saved without its entry.
"""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models, transaction

from saferplaces.web.audit.models import AuditEntry
from saferplaces.web.partnerships.models import Partnership


def _plain(value: Any) -> Any:
    """A JSON-safe form of a field value (dates as ISO text, decimals as text to keep every digit)."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def snapshot(obj: models.Model) -> dict[str, Any]:
    """The record's own fields (foreign keys as their ids), ready to store as JSON."""
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.primary_key:
            continue
        data[field.attname] = _plain(getattr(obj, field.attname))
    for field in obj._meta.many_to_many:
        data[field.name] = sorted(obj.pk and getattr(obj, field.name).values_list("pk", flat=True) or [])
    return data


def partnership_of(obj: models.Model) -> Partnership | None:
    """The partnership a record belongs to, found through its plan, priority, action or project."""
    if isinstance(obj, Partnership):
        return obj
    for path in ("partnership", "plan", "priority", "action", "project", "target", "workstream"):
        parent = getattr(obj, path, None)
        if isinstance(parent, models.Model):
            return partnership_of(parent)
    return None


def display_name(user: AbstractBaseUser | AnonymousUser | None) -> str:
    """The user's full name, or their username when they have none; empty for no one."""
    if user is None or not user.is_authenticated:
        return ""
    return getattr(user, "get_full_name", lambda: "")() or user.get_username()


def _user_fields(user: AbstractBaseUser | AnonymousUser | None) -> dict[str, Any]:
    if user is None or not user.is_authenticated:
        return {"user": None, "user_name": ""}
    return {"user": user, "user_name": display_name(user)}


def record(
    user: AbstractBaseUser | AnonymousUser | None,
    obj: models.Model,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    *,
    via: str = "",
) -> AuditEntry | None:
    """Write one entry for ``obj``: created when ``before`` is None, deleted when ``after`` is None.

    Returns None, writing nothing, when a change left every field as it was.
    """
    if before is not None and after is not None and before == after:
        return None
    kind = (
        AuditEntry.Kind.CREATED
        if before is None
        else AuditEntry.Kind.DELETED
        if after is None
        else AuditEntry.Kind.CHANGED
    )
    return AuditEntry.objects.create(
        **_user_fields(user),
        partnership=partnership_of(obj),
        kind=kind,
        model=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        before=before,
        after=after,
        via=via,
    )


def audited_save(
    user: AbstractBaseUser | AnonymousUser | None, obj: models.Model, *, via: str = ""
) -> AuditEntry | None:
    """Save ``obj`` and record the change against the copy in the database, in one transaction."""
    with transaction.atomic():
        before = None
        if obj.pk is not None:
            # The base manager: a retired record (which default managers leave out) is still the same record.
            stored = type(obj)._base_manager.filter(pk=obj.pk).first()
            before = snapshot(stored) if stored is not None else None
        obj.save()
        return record(user, obj, before, snapshot(obj), via=via)


def audited_delete(
    user: AbstractBaseUser | AnonymousUser | None, obj: models.Model, *, via: str = ""
) -> AuditEntry | None:
    """Delete ``obj`` and record what it held, in one transaction."""
    with transaction.atomic():
        before = snapshot(obj)
        entry = record(user, obj, before, None, via=via)
        obj.delete()
        return entry
