"""/api/: the public API's endpoints (cached; ETag, Cache-Control, CORS), its schema and its documentation."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponseBase, HttpResponseNotAllowed
from django.urls import URLPattern, path

from saferplaces.web.api import docs
from saferplaces.web.api.api import api
from saferplaces.web.public.http import cached


def _public(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method == "OPTIONS":
            return view(request, *args, **kwargs)  # CORS preflight
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD", "OPTIONS"])  # the API is read-only
        return cached(request, "en", lambda: view(request, *args, **kwargs))

    return wrapper


def _patterns() -> list[URLPattern]:
    patterns, _app, _namespace = api.urls
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = _public(pattern.callback)
    return patterns


app_name = "api"
urlpatterns = [path("docs", docs.api_docs, name="docs"), *_patterns()]
