"""Issue 13, section 4: hostile query strings on every public page (English and Welsh) and every
partner page reachable with a seed plan. No query string may give a server error, and none may
make a page much larger than it is without one (a query repeated on the page is cut short)."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from saferplaces.web.seeds import load_seed_plans
from tests.web.test_public import site  # noqa: F401 (a fixture)
from tests.web.transfers_support import admin_client

pytestmark = pytest.mark.django_db

BIG = "9" * 25
QUERIES = [
    "page=0",
    "page=-1",
    f"page={BIG}",
    "page=abc",
    "page=1&page=2",
    "q=%ZZ",
    "q=%00",
    "q=%ED%A0%80",  # a lone surrogate, UTF-8 encoded
    "q=%D9%A3",  # an Arabic-Indic digit
    "q=" + "x" * 100_000,
    "q=a&q=b",
    f"with={BIG}",
    "plan=%00",
    "format=xlsx%00",
    "%ff=%fe",
    "x=" + "%" * 50,
]


def _routes(patterns: list, prefix: str = "") -> list[str]:
    out = []
    for p in patterns:
        if isinstance(p, URLResolver):
            out += _routes(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            out.append(prefix + str(p.pattern))
    return out


def _paths(keep: str) -> list[str]:
    paths = []
    for route in _routes(get_resolver().url_patterns):
        if keep not in route:
            continue
        path = "/" + route.replace("<slug:slug>", "lichfield" if keep != "public" else "stafford")
        path = path.replace("<slug:plan_slug>", "2022-2025")
        path = re.sub(r"<int:\w+>", BIG, path)  # an id past any database integer
        paths.append(re.sub(r"<[^>]+>", "x", path))
    return sorted(set(paths))


def _check(client: Client, paths: list[str]) -> None:
    for path in paths:
        plain = client.get(path)
        assert plain.status_code < 500, path
        for query in QUERIES:
            response = client.get(f"{path}?{query}")
            assert response.status_code < 500, (path, query[:40])
            assert len(response.content) < max(2 * len(plain.content), 50_000) + 120_000, (path, query[:40])


def test_public_pages_survive_hostile_query_strings(site, client: Client) -> None:  # noqa: F811
    paths = _paths("public")
    assert len(paths) > 20
    _check(client, paths)


def test_partner_pages_survive_hostile_query_strings() -> None:
    load_seed_plans()
    paths = [p for p in _paths("partnerships/") if "sign-out" not in p and "logout" not in p]
    assert len(paths) > 20
    _check(admin_client("lichfield"), paths)
