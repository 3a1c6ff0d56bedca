"""What an edit page answers when the permission check fails."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse


def refuse(request: HttpRequest) -> HttpResponse:
    """Send a signed-out user to sign in (and back); tell a signed-in user they may not (403).

    Call it only once the page's object is known to be visible to the user: what they may
    not see at all is a 404 before this point, so a refusal never reveals a draft.
    """
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise PermissionDenied("You do not have permission to change this.")
