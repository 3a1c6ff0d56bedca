"""What every public response shares: the language of its URL, the page cache, ETag, Cache-Control and CORS.

English pages live under ``/public/``, Welsh under ``/cy/public/`` (the URL namespace
``public`` or ``public-cy``). A response is cached (Django's cache framework) under a key
made of its URL, its language, the store's snapshot and the newest change recorded in
the audit trail, so loading data or editing a partnership makes new pages at once.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import json
from collections.abc import Callable, Sequence
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.urls import reverse
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control
from django.views.decorators.http import require_safe

from saferplaces.reports.csv_cells import safe_cell
from saferplaces.web.audit.models import AuditEntry
from saferplaces.web.cache import generation
from saferplaces.web.public.data import CACHE_SECONDS, SUPPRESSED_SYMBOL, snapshot

LANGUAGES = {"public": "en", "public-cy": "cy"}
#: Browsers and proxies may keep a public response this long (seconds) before asking again.
MAX_AGE = 300


def language_of(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    return LANGUAGES.get(match.namespace if match else "public", "en")


def public_url(request: HttpRequest, name: str, *args: Any, lang: str | None = None) -> str:
    """The URL of public page ``name`` in the request's language (or ``lang``)."""
    lang = lang or language_of(request)
    namespace = "public-cy" if lang == "cy" else "public"
    return reverse(f"{namespace}:{name}", args=args or None)


def other_language_url(request: HttpRequest) -> str:
    """The same page in the other language."""
    match = request.resolver_match
    lang = "en" if language_of(request) == "cy" else "cy"
    url = public_url(request, match.url_name, *match.args, *match.kwargs.values(), lang=lang)
    return url + (f"?{request.META['QUERY_STRING']}" if request.META.get("QUERY_STRING") else "")


def _data_version() -> str:
    # The data generation moves on when any record is saved or deleted (web.cache's signal receiver):
    # publishing a plan, approving an update's summary or changing a help link makes new pages at once.
    newest = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
    return f"{snapshot()}:{newest or 0}:{generation()}"


def finish(request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
    """Add ETag, Cache-Control and open CORS for GET, and answer 304 when the client's copy is current."""
    if response.status_code == 200 and hasattr(response, "content"):
        response["ETag"] = '"' + hashlib.sha256(response.content).hexdigest()[:32] + '"'
        patch_cache_control(response, public=True, max_age=MAX_AGE)
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
        conditional = get_conditional_response(request, etag=response["ETag"], response=response)
        if conditional is not None and conditional is not response:
            return conditional
    return response


def cached(request: HttpRequest, lang: str, make: Callable[[], HttpResponseBase]) -> HttpResponseBase:
    """The response ``make`` gives, from the cache while the store and the partnerships are unchanged."""
    key = (
        "public:page:"
        + hashlib.sha256(f"{lang}|{request.get_full_path()}|{_data_version()}".encode()).hexdigest()
    )
    response = cache.get(key)
    if response is None:
        with translation.override(lang):
            response = make()
            if hasattr(response, "render"):
                response.render()
        if response.status_code in (200, 404):
            cache.set(key, response, CACHE_SECONDS)
    return finish(request, response)


def public_view(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """A public page: GET or HEAD only, in its URL's language, cached, with ETag, Cache-Control and CORS."""

    @require_safe
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        lang = language_of(request)

        def make() -> HttpResponseBase:
            response = view(request, *args, **kwargs)
            response["Content-Language"] = "cy" if lang == "cy" else "en-GB"
            return response

        return cached(request, lang, make)

    return wrapper


def _cell(value: Any) -> Any:
    # text a partnership typed (a plan's priorities, members' names) must not run as a formula
    return SUPPRESSED_SYMBOL if value is None else safe_cell(value)


def csv_response(
    rows: Sequence[dict[str, Any]], filename: str, columns: Sequence[str] | None = None
) -> HttpResponse:
    """Rows as a CSV download; a suppressed or empty figure is written as the symbol [c]."""
    out = io.StringIO()
    fields = list(columns or (rows[0].keys() if rows else []))
    writer = csv.DictWriter(out, fieldnames=fields, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _cell(row.get(k)) for k in fields})
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def json_response(data: Any) -> HttpResponse:
    return HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=1, default=str), content_type="application/json"
    )
