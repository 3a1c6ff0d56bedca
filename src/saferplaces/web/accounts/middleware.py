"""Sessions that end after a spell without requests, and pages for a signed-in person kept by no cache."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

#: A signed-in session is renewed (its expiry moved on) at most this often, in seconds, so
#: reading pages does not write to the database on every request.
RENEW_EVERY = 60
_KEY = "saferplaces_seen"


class IdleSessionMiddleware:
    """Renew a signed-in session's expiry while it is used; unused, it ends after ``SESSION_COOKIE_AGE``.

    Django moves a session's expiry on only when the session is saved. Saving on every
    request (``SESSION_SAVE_EVERY_REQUEST``) would write once per page; this saves at most
    once every :data:`RENEW_EVERY` seconds, so the session ends between
    ``SESSION_COOKIE_AGE - RENEW_EVERY`` and ``SESSION_COOKIE_AGE`` seconds after the last request.

    Only a page that used the session counts as use. The residents' pages never look at who
    is asking (they come from a cache shared by everyone), so reading them neither renews a
    session nor costs the two queries that loading the session and its user take.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or not session.accessed:
            return response
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            if now - session.get(_KEY, 0) >= RENEW_EVERY:
                session[_KEY] = now  # marks the session modified: SessionMiddleware saves it
        return response


class PrivatePagesMiddleware:
    """Tell browsers and proxies not to keep a response made for a signed-in person.

    A partner's page, CSV, workbook or board pack can hold drafts, internal notes and names.
    Without a ``Cache-Control`` header a browser may keep it on disk and show it again after
    sign-out (the Back button on a shared office computer), and a proxy may keep it too. A
    response that looked at a signed-in user and sets no ``Cache-Control`` of its own gets
    ``Cache-Control: max-age=0, no-cache, no-store, must-revalidate, private``. The residents'
    pages never look at the user (they are the same for everyone and say ``public`` themselves).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or not session.accessed or response.has_header("Cache-Control"):
            return response
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response
