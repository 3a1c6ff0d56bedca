"""Browser tests: Django's live server driven by Playwright through Debian's chromium.

The browser is ``/usr/bin/chromium`` from Debian (``scripts/test-deps.sh`` installs it);
Playwright's own browser downloads are never used. Without chromium these tests are
skipped, unless ``SAFERPLACES_REQUIRE_BROWSER`` is set (``.ci/run`` sets it), when they fail.

Playwright's sync API keeps an asyncio event loop running in the test thread for as long
as it is started, and Django refuses database calls from a thread with a running loop
(``SynchronousOnlyOperation``). The tests' own database calls are plain synchronous code,
so ``DJANGO_ALLOW_ASYNC_UNSAFE`` is set exactly while Playwright runs, and removed after.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import django
import pytest

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saferplaces.web.config.settings.test")
django.setup()

from django.contrib.auth.models import User  # noqa: E402

from saferplaces.web.accounts.models import Role  # noqa: E402
from saferplaces.web.partnerships.models import Partnership  # noqa: E402
from saferplaces.web.seeds import load_seed_plans  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: Every test user's password (the test settings hash it with MD5, so it costs nothing).
PASSWORD = "correct-horse-battery-staple"
#: How long one browser step may take before the test fails, in milliseconds.
TIMEOUT_MS = 15_000


def missing_browser(chromium: Path, environ: Mapping[str, str]) -> tuple[str, str] | None:
    """``None`` when chromium is there; else ``("fail", why)`` when it is required, ``("skip", why)``."""
    if chromium.exists():
        return None
    if environ.get("SAFERPLACES_REQUIRE_BROWSER", "").strip().lower() not in {"", "0", "false", "no"}:
        return (
            "fail",
            f"{chromium} is missing and SAFERPLACES_REQUIRE_BROWSER is set. "
            "Install Debian's chromium with scripts/test-deps.sh.",
        )
    return ("skip", f"{chromium} is not installed (scripts/test-deps.sh installs it)")


@pytest.fixture(scope="session")
def _playwright() -> Iterator[object]:
    missing = missing_browser(CHROMIUM, os.environ)
    if missing is not None:
        outcome, why = missing
        (pytest.fail if outcome == "fail" else pytest.skip)(why)
    from playwright.sync_api import sync_playwright

    had = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        yield playwright
    finally:
        playwright.stop()
        if had is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = had


@pytest.fixture(scope="session")
def browser(_playwright):  # noqa: ANN001, ANN201 - Playwright's types
    """One headless chromium for the whole session (one per xdist worker)."""
    browser = _playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


class PageProblems:
    """JavaScript errors, failed page resources (styles, scripts, images, the icon) and anything the
    Content-Security-Policy blocked (issue #13), seen in a context."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def watch(self, context) -> None:  # noqa: ANN001
        context.on("weberror", lambda error: self.problems.append(f"JavaScript error: {error.error}"))
        context.on(
            "console",
            lambda message: (
                self.problems.append(f"Blocked by the policy: {message.text}")
                if "Content Security Policy" in message.text
                else None
            ),
        )
        context.on(
            "requestfailed",
            lambda request: (
                None
                # a request the browser cancelled because the page moved on (a click during the
                # icon's load) is not a broken resource; a missing one still answers 404 below
                if "ERR_ABORTED" in (request.failure or "")
                else self._add(f"failed: {request.url} ({request.failure})", request)
            ),
        )
        context.on(
            "response",
            lambda response: (
                self._add(f"{response.status}: {response.url}", response.request)
                if response.status >= 400
                else None
            ),
        )

    def _add(self, problem: str, request) -> None:  # noqa: ANN001
        if request.resource_type != "document":
            self.problems.append(problem)


def _new_context(browser, live_server, **options):  # noqa: ANN001, ANN202
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, locale="en-GB", **options
    )
    context.set_default_timeout(TIMEOUT_MS)
    return context


@pytest.fixture
def context(browser, live_server):  # noqa: ANN001, ANN201
    """A fresh browser context (its own cookies) on the live server; fails on broken page resources."""
    context = _new_context(browser, live_server)
    watcher = PageProblems()
    watcher.watch(context)
    yield context
    context.close()
    assert watcher.problems == [], "The pages had problems:\n" + "\n".join(watcher.problems)


@pytest.fixture
def page(context):  # noqa: ANN001, ANN201
    return context.new_page()


@pytest.fixture
def no_js_page(browser, live_server):  # noqa: ANN001, ANN201
    """A page in a context with JavaScript switched off."""
    context = _new_context(browser, live_server, java_script_enabled=False)
    yield context.new_page()
    context.close()


@pytest.fixture
def seeded(transactional_db: None) -> None:
    """The four seed plans, loaded into the live server's database."""
    load_seed_plans()


@pytest.fixture
def make_user(transactional_db: None) -> Callable[..., User]:
    """Make an account: ``make_user("jo", roles=[("lichfield", "lead_officer")], superuser=False)``."""

    def make(username: str, *, roles: list[tuple[str, str]] = (), superuser: bool = False) -> User:
        user = User.objects.create_user(username=username, password=PASSWORD)
        if superuser:
            user.is_superuser = user.is_staff = True
            user.save()
        for slug, role in roles:
            Role.objects.create(user=user, partnership=Partnership.objects.get(slug=slug), name=role)
        return user

    return make


def sign_in(page, username: str, password: str = PASSWORD) -> None:  # noqa: ANN001
    """Sign in through the real sign-in page, as a person would, and check it worked.

    Goes to the sign-in page unless the page is on it already (keeping its ``?next=``).
    """
    if "/sign-in/" not in page.url:
        page.goto("/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text(f"Signed in as {username}").wait_for()


@pytest.fixture
def signed_in(page, make_user) -> Callable[..., object]:  # noqa: ANN001
    """Make an account and sign it in through the sign-in page; returns the page.

    ``signed_in("jo", roles=[("lichfield", "administrator")])``
    """

    def sign_in_as(username: str, **options: object):  # noqa: ANN202
        make_user(username, **options)
        sign_in(page, username)
        return page

    return sign_in_as


def administrator_roles() -> list[tuple[str, str]]:
    """The administrator role in every partnership (the seed plans must be loaded)."""
    return [(slug, Role.Name.ADMINISTRATOR) for slug in Partnership.objects.values_list("slug", flat=True)]
