"""A bound on the size of a request, checked before Django reads its body."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from saferplaces.web.tables import MAX_UPLOAD_BYTES

#: The largest request body accepted: the largest upload plus room for the form's other fields
#: and the multipart boundaries. The proxy in front should refuse larger ones first (docs/deploy.md).
MAX_REQUEST_BYTES = MAX_UPLOAD_BYTES + 256 * 1024


class RequestSizeLimitMiddleware:
    """Refuse a request whose declared body is larger than :data:`MAX_REQUEST_BYTES` (HTTP 413).

    Runs before any view or middleware reads ``request.POST`` or ``request.FILES``, so an
    oversized body is never read. A body of unknown length (chunked) is refused too (HTTP 411).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        length = request.META.get("CONTENT_LENGTH") or ""
        chunked = "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
        if chunked and not length:
            return self._refuse(request, 411)
        try:
            size = int(length) if length else 0
        except ValueError:
            size = MAX_REQUEST_BYTES + 1
        if size > MAX_REQUEST_BYTES:
            return self._refuse(request, 413)
        return self.get_response(request)

    @staticmethod
    def _refuse(request: HttpRequest, status: int) -> HttpResponse:
        context = {"title": "The file is too big", "max_mb": MAX_UPLOAD_BYTES // (1024 * 1024)}
        response = render(request, "request_too_large.html", context, status=status)
        response["Connection"] = "close"  # the unread body must not be taken for the next request
        return response
