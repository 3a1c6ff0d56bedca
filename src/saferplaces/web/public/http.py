"""What every public response shares: the language of its URL, the page cache, ETag, Cache-Control and CORS.

English pages live under ``/public/``, Welsh under ``/cy/public/`` (the URL namespace
``public`` or ``public-cy``). A response is cached (Django's cache framework, the ``public``
cache: a folder in the store that every server process shares, ADR 0023) under a key made
of its URL, its language, the store's snapshot and the data generation
(``saferplaces.web.cache``), so loading data, publishing a plan, approving a summary or
editing a partnership makes new pages at once.

Only what the view made is kept: its status, body and own headers, never the cookies, CSRF
token or ``Vary`` the middleware adds for the person asking; every request gets a new
response built from them.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.cache import caches
from django.db.models import Model
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.urls import reverse
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control
from django.views.decorators.http import require_safe

from saferplaces.reports.csv_cells import safe_cell
from saferplaces.web.cache import shared_generation
from saferplaces.web.public.data import CACHE_ALIAS, CACHE_SECONDS, SUPPRESSED_SYMBOL, snapshot

T = TypeVar("T")

LANGUAGES = {"public": "en", "public-cy": "cy"}
#: Browsers and proxies may keep a public response this long (seconds) before asking again.
MAX_AGE = 300
#: The headers of a view's response that are kept with it; everything else is per request.
KEPT_HEADERS = ("Content-Type", "Content-Disposition", "Content-Language")


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


def data_version() -> str:
    """What every public page and figure depends on, as text: a change to either makes new pages.

    The store's snapshot (data loaded) and the data generation shared by every server process,
    which moves on when any record of the partnership data is saved or deleted (web.cache's
    signal receiver), in any process using the same store folder (the worker, a command): an
    edit through the app or the admin (and its audit entry), publishing a plan, approving an
    update's summary or changing a help link. It asks the database nothing, so a page from
    the cache costs no query.
    """
    return f"{snapshot()}:{shared_generation()}"


def etag_of(content: bytes) -> str:
    return '"' + hashlib.sha256(content).hexdigest()[:32] + '"'


@dataclass(frozen=True)
class Kept:
    """A public response as the cache keeps it: what the view made, nothing about who asked."""

    status: int
    content: bytes
    headers: tuple[tuple[str, str], ...]
    etag: str

    @classmethod
    def of(cls, response: HttpResponseBase) -> Kept:
        content = bytes(response.content)  # type: ignore[attr-defined]
        headers = tuple((h, response[h]) for h in KEPT_HEADERS if h in response)
        return cls(response.status_code, content, headers, etag_of(content))

    def response(self) -> HttpResponse:
        """A new response for one request (the middleware then adds that request's own headers)."""
        made = HttpResponse(self.content, status=self.status)
        for header, value in self.headers:
            made[header] = value
        return made


def shared(key: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
    """The value of ``compute()`` for the current :func:`data_version`, computed once for every process.

    Values are pickled into the ``public`` cache, so each caller gets its own copy and may
    change it. For what is the same for everyone: never a user, session or form.
    """
    store = caches[CACHE_ALIAS]
    full = "public:" + hashlib.sha256(repr((*key, data_version())).encode()).hexdigest()
    value = store.get(full)
    if value is None:
        value = compute()
        store.set(full, value, CACHE_SECONDS)
    return value


def record_of(make: Callable[[Any], T], obj: Model) -> T:
    """``make(obj)`` (a plan's or partnership's published record), computed once for all its pages.

    A page, its CSV and JSON twins, its Atom feed and the API endpoints ask for the same
    record: it is kept per object and :func:`data_version`, so a publication, an approved
    summary or any other change makes it again.
    """
    # Its sentences are in the language of the page that asks (the API's is English).
    key = ("record", make.__module__, make.__qualname__, obj._meta.label, obj.pk, translation.get_language())
    return shared(key, lambda: make(obj))


def finish(request: HttpRequest, response: HttpResponseBase, etag: str | None = None) -> HttpResponseBase:
    """Add ETag, Cache-Control and open CORS for GET, and answer 304 when the client's copy is current."""
    if response.status_code == 200 and hasattr(response, "content"):
        response["ETag"] = etag or etag_of(response.content)
        patch_cache_control(response, public=True, max_age=MAX_AGE)
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
        conditional = get_conditional_response(request, etag=response["ETag"], response=response)
        if conditional is not None and conditional is not response:
            return conditional
    return response


def cached(request: HttpRequest, lang: str, make: Callable[[], HttpResponseBase]) -> HttpResponseBase:
    """The response ``make`` gives, from the shared cache while the store and the partnerships are unchanged.

    ``make`` must give the same response to everyone (no user, session, form or CSRF token):
    what it gives is kept once for all the server's processes (:class:`Kept`).
    """
    store = caches[CACHE_ALIAS]
    made_from = f"{lang}|{request.get_full_path()}|{data_version()}"
    key = "public:page:" + hashlib.sha256(made_from.encode()).hexdigest()
    kept = store.get(key)
    if kept is None:
        with translation.override(lang):
            response = make()
            if hasattr(response, "render"):
                response.render()
        if response.status_code not in (200, 404) or not hasattr(response, "content"):
            return finish(request, response)
        kept = Kept.of(response)
        store.set(key, kept, CACHE_SECONDS)
    return finish(request, kept.response(), kept.etag)


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
