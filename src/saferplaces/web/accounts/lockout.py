"""Sign-in lockout (django-axes): the page a locked-out person sees, and its audit entry."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

#: What the audit trail names as the source of a lockout entry.
VIA = "sign-in lockout (django-axes)"


def cooloff_minutes() -> int:
    """How long a lockout lasts, in whole minutes (``AXES_COOLOFF_TIME``)."""
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """The GOV.UK page for too many failed sign-ins (HTTP 429), the same whether or not the account exists."""
    context = {
        "title": "You cannot sign in for now",
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "minutes": cooloff_minutes(),
    }
    return render(request, "accounts/locked_out.html", context, status=429)


def record_lockout(
    sender: Any, request: HttpRequest, username: str | None, ip_address: str, **_: Any
) -> None:
    """Write the lockout into the audit trail: which username, from which address, until when."""
    from django.utils import timezone

    from saferplaces.web.audit.models import AuditEntry

    user = get_user_model().objects.filter(username=username or "").first()
    until = timezone.now() + settings.AXES_COOLOFF_TIME
    AuditEntry.objects.create(
        user=None,
        user_name="",
        kind=AuditEntry.Kind.CHANGED,
        model="auth.user",
        object_id=str(user.pk) if user else "",
        object_repr=(username or "")[:300],
        before={"locked_out": False},
        after={
            "locked_out": True,
            "ip_address": ip_address,
            "failed_sign_ins": settings.AXES_FAILURE_LIMIT,
            "until": until.isoformat(),
        },
        via=VIA,
    )
