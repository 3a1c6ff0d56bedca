"""What an edit page answers when the permission check fails."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from saferplaces.web.accounts.permissions import is_member
from saferplaces.web.partnerships.models import Partnership


def refuse(request: HttpRequest) -> HttpResponse:
    """Send a signed-out user to sign in (and back); tell a signed-in user they may not (403).

    Call it only once the page's object is known to be visible to the user: what they may
    not see at all is a 404 before this point, so a refusal never reveals a draft.
    """
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise PermissionDenied("You do not have permission to change this.")


View = Callable[..., HttpResponse]


def partnership_page(
    permission: Callable[[Any, Partnership], bool], not_found: str
) -> Callable[[View], View]:
    """A decorator for a partnership's own pages: load the partnership from the URL's slug, answer
    404 (``not_found``) to signed-in non-members, send the signed-out to sign in, refuse those
    ``permission`` does not allow, and call the view with the partnership."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, slug: str, **kwargs: Any) -> HttpResponse:
            partnership = get_object_or_404(Partnership, slug=slug)
            if not is_member(request.user, partnership):
                if not request.user.is_authenticated:
                    return refuse(request)
                raise Http404(not_found)
            if not permission(request.user, partnership):
                return refuse(request)
            return view(request, partnership, **kwargs)

        return wrapped

    return decorate
