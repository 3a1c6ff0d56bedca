"""The "page not found" and "problem with the service" pages, in the reader's language.

Django calls these for every URL (``handler404`` and ``handler500`` in ``config/urls.py``).
A page under ``/cy/public/`` gets the Welsh residents' page, one under ``/public/`` the English
one; any other address gets the partners' English page. The language comes from the address,
not from the URL table, because a page that is not found has matched no route. The 500 pages
read nothing from the database or the session, which may be what failed.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation

from saferplaces.web.public.http import LANGUAGES

#: The public site's address prefixes, by URL namespace.
PREFIXES = {"public-cy": "/cy/public/", "public": "/public/"}


def public_namespace(request: HttpRequest) -> str | None:
    """The residents' site namespace an address is under ("public" or "public-cy"), or None."""
    path = request.path_info if request.path_info.endswith("/") else request.path_info + "/"
    return next((ns for ns, prefix in PREFIXES.items() if path.startswith(prefix)), None)


def _render(request: HttpRequest, name: str, status: int, title: str, partner_title: str) -> HttpResponse:
    namespace = public_namespace(request)
    if namespace is None:
        return render(request, f"{name}.html", {"title": partner_title}, status=status)
    lang = LANGUAGES[namespace]
    other = "public" if namespace == "public-cy" else "public-cy"
    with translation.override(lang):
        context: dict[str, Any] = {
            "title": translation.gettext(title),
            "lang": lang,
            "html_lang": "cy" if lang == "cy" else "en-GB",
            "purl": lambda url_name, *args: reverse(f"{namespace}:{url_name}", args=args or None),
            "other_language_url": reverse(f"{other}:home"),
        }
        response = render(request, f"public/{name}.html", context, status=status)
        response["Content-Language"] = "cy" if lang == "cy" else "en-GB"
    return response


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The 404 page: GOV.UK's pattern, in the language of the address."""
    return _render(request, "404", 404, translation.gettext_noop("Page not found"), "Page not found")


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page: GOV.UK's pattern, in the language of the address, without the database."""
    return _render(
        request,
        "500",
        500,
        translation.gettext_noop("Sorry, there is a problem with the service"),
        "Sorry, there is a problem with the service",
    )
