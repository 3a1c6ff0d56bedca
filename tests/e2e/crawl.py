"""Find every page a person can reach by following links, one of each kind per partnership and plan.

Pages are told apart by their URL name and the partnership and plan they belong to, so the
crawl sees, say, one action update page per plan rather than all 43 of Lichfield's. Data
files (JSON, CSV, XLSX, PDF, Atom), signing out and Django's admin (apart from pages given to
start from) are not followed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from django.urls import Resolver404, resolve

#: Links that are not pages to read: data files and exports, and signing out.
_NOT_PAGES = (".json", ".csv", ".xlsx", ".pdf", ".atom")
_NOT_FOLLOWED = ("/sign-out/", "/admin/", "/static/")


def page_kind(path: str) -> tuple[str, str, str] | None:
    """The URL name with its namespace, and the partnership and plan slugs; ``None`` if not served.

    The namespace tells the residents' pages (``public:home``, ``public-cy:home``) from the staff ones.
    """
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return (match.view_name or "", match.kwargs.get("slug", ""), match.kwargs.get("plan_slug", ""))


def _links(page) -> list[str]:  # noqa: ANN001
    hrefs = page.locator("a[href]").evaluate_all("links => links.map(a => a.href)")
    return [h for h in hrefs if isinstance(h, str)]


def crawl(page, start: Iterable[str], visit: Callable[[str], None], limit: int = 400) -> list[str]:  # noqa: ANN001
    """Visit the start pages, then every page linked from them, one per kind; return the paths visited.

    ``visit(path)`` is called with the page loaded; a page that does not answer 200 is an error.
    """
    origin = None
    queue = list(start)
    seen_kinds: set[tuple[str, str, str]] = set()
    seen_paths: set[str] = set()
    visited: list[str] = []
    while queue:
        path = queue.pop(0)
        kind = page_kind(path)
        if path in seen_paths or kind is None or kind in seen_kinds:
            continue
        seen_paths.add(path)
        seen_kinds.add(kind)
        response = page.goto(path)
        assert response is not None and response.status == 200, (
            f"{path} answered {response and response.status}"
        )
        origin = origin or "{0.scheme}://{0.netloc}".format(urlsplit(page.url))
        visit(path)
        visited.append(path)
        assert len(visited) <= limit, "the crawl found more pages than expected"
        for href in _links(page):
            parts = urlsplit(href)
            if f"{parts.scheme}://{parts.netloc}" != origin:
                continue
            link = parts.path
            if link.endswith(_NOT_PAGES) or link.startswith(_NOT_FOLLOWED) or "/export/" in link:
                continue
            # A link to an address the app does not serve is a broken link, not a page to pass over
            # (page_kind's None once made the crawl skip it silently; issue #13).
            assert page_kind(link) is not None, f"{path} links to {link}, which the app does not serve"
            if link not in seen_paths:
                queue.append(link)
    return visited
