"""The residents' site in a browser: a resident on a phone finds their partnership from a ward name,
reads the local picture in English and Welsh and downloads the ward figures; every page is axe-clean
at 320 and 1280 pixels and works without JavaScript."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import replace
from pathlib import Path

import pytest
from django.core.cache import cache
from pypdf import PdfReader

from tests.e2e.axe import assert_accessible

PAGES = [
    "/public/",
    "/public/find/?q=Coton",
    "/public/find/?q=ST16",
    # towns and postcode districts (#12): a district across boundaries, a town with its wards
    "/public/find/?q=B74",
    "/cy/public/find/?q=Leek",
    "/public/stafford/",
    "/public/stafford/local-picture/",
    "/cy/public/stafford/local-picture/",
    "/public/staffordshire/local-picture/",
    "/api/docs",
    # the published plan (issue 12): Lichfield's seed plan has a delivery table
    "/public/lichfield/plan/",
    "/public/lichfield/progress/",
    "/public/lichfield/progress/easy-read/",
    "/public/lichfield/targets/",
    "/public/lichfield/help/",
    "/cy/public/lichfield/plan/",
    "/cy/public/lichfield/progress/easy-read/",
    "/cy/public/lichfield/help/",
]


@pytest.fixture
def store_site(settings, bundled_store, seeded):
    settings.ENV = replace(settings.ENV, store_dir=bundled_store.root)
    _resident_content()
    cache.clear()
    yield
    cache.clear()


def _resident_content() -> None:
    """An approved public summary (one in Welsh too), a help link and contact details for Lichfield."""
    from django.utils import timezone

    from saferplaces.web.partnerships.models import Partnership
    from saferplaces.web.plans.models import Action, ProgressUpdate
    from saferplaces.web.public.models import HelpLink, PublicContact

    lichfield = Partnership.objects.get(slug="lichfield")
    action = Action.objects.filter(priority__plan__partnership=lichfield).order_by(
        "priority__order", "order"
    )[0]
    ProgressUpdate.objects.create(
        action=action,
        date=dt.date(2026, 1, 15),
        text="Internal note",
        public_summary="We set up a new meeting to keep people safe.",
        public_summary_cy="Rydym wedi sefydlu cyfarfod newydd i gadw pobl yn ddiogel.",
        public_approved_at=timezone.now(),
    )
    HelpLink.objects.create(
        partnership=lichfield,
        help_name="Victim support",
        help_name_cy="Cymorth i ddioddefwyr",
        help_about="Free help for anyone affected by crime.",
        help_url="https://www.victimsupport.org.uk/",
        help_phone="0808 168 9111",
    )
    PublicContact.objects.create(partnership=lichfield, contact_email="csp@example.org")


def test_a_resident_finds_their_ward_and_downloads_its_figures(store_site, browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 320, "height": 700})
    page = context.new_page()
    page.goto("/")
    page.get_by_role("link", name="community safety where you live").click()
    page.get_by_label("Find your partnership").fill("Coton")
    page.get_by_role("button", name="Search").click()
    row = page.get_by_role("row", name="Coton")
    assert "Stafford" in row.inner_text()
    row.get_by_role("link", name="Stafford Borough Community Wellbeing Partnership").click()
    page.get_by_role("link", name="See the figures for your area and each ward").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Crime and anti-social behaviour")
    assert page.get_by_role("row", name="Coton").count() == 1
    with page.expect_download() as download:
        page.get_by_role("link", name="Figures for each ward, with each type of crime (CSV)").click()
    assert download.value.suggested_filename == "stafford-ward-figures.csv"
    page.get_by_role("link", name="Cymraeg").click()
    assert page.locator("html").get_attribute("lang") == "cy"
    assert "Troseddu ac ymddygiad gwrthgymdeithasol" in page.get_by_role("heading", level=1).inner_text()
    # no sideways scrolling of the page itself at 320 pixels (wide tables scroll in their own region,
    # and a long Welsh word in a heading breaks): what sticks out is named if it fails
    over = page.evaluate(
        "[...document.querySelectorAll('main *')]"
        ".filter(e => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX == 'visible')"
        ".map(e => e.tagName + ' ' + e.scrollWidth + '/' + e.clientWidth + ': ' + e.textContent.slice(0, 80))"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 320, over
    context.close()


@pytest.mark.parametrize("width", [320, 1280])
def test_every_public_page_is_axe_clean(store_site, browser, live_server, width):
    context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 900})
    page = context.new_page()
    for path in PAGES:
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        assert_accessible(page)
    context.close()


def test_every_public_page_works_without_javascript(store_site, no_js_page):
    for path in PAGES:
        response = no_js_page.goto(path)
        assert response is not None and response.status == 200, path
        assert no_js_page.locator("h1").count() == 1, path


def test_a_resident_reads_the_plan_and_the_easy_read_guide_on_a_phone_in_both_languages(
    store_site, browser, live_server
):
    shots = Path(os.environ.get("SAFERPLACES_SHOTS_DIR", "/tmp/saferplaces-shots"))
    shots.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(base_url=live_server.url, viewport={"width": 320, "height": 700})
    page = context.new_page()
    page.goto("/public/lichfield/")
    page.get_by_role("link", name="Our plan").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Our plan"
    assert page.get_by_role("heading", name="Why this matters").count() >= 1
    page.screenshot(path=str(shots / "public-plan-320.png"), full_page=True)
    page.get_by_role("link", name="What we said, what we did, what's next").click()
    assert page.get_by_text("We set up a new meeting to keep people safe.").count() == 1
    assert page.get_by_text("Internal note").count() == 0
    page.screenshot(path=str(shots / "public-progress-320.png"), full_page=True)
    page.get_by_role("link", name="Read this in easy read").click()
    assert page.get_by_role("img", name="A tick").count() >= 1
    page.screenshot(path=str(shots / "public-easy-read-320.png"), full_page=True)
    wide = page.evaluate(
        "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 321)"
        ".map(e => e.tagName + '.' + e.className).slice(0, 5)"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 320, wide
    with page.expect_download() as download:
        page.get_by_role("link", name="Easy read guide (PDF)").click()
    assert download.value.suggested_filename == "lichfield-easy-read.pdf"
    # the PDF Typst made holds the guide's words (ADR 0032)
    printed = " ".join(page.extract_text() for page in PdfReader(download.value.path()).pages)
    assert "We set up a new meeting to keep people safe." in " ".join(printed.split())
    page.get_by_role("link", name="Cymraeg").click()
    assert page.locator("html").get_attribute("lang") == "cy"
    assert page.get_by_text("Rydym wedi sefydlu cyfarfod newydd i gadw pobl yn ddiogel.").count() == 1
    page.screenshot(path=str(shots / "public-easy-read-cy-320.png"), full_page=True)
    page.goto("/cy/public/lichfield/help/")
    assert page.get_by_role("heading", name="Cymorth i ddioddefwyr").count() == 1
    page.screenshot(path=str(shots / "public-help-cy-320.png"), full_page=True)
    context.close()


def test_the_residents_site_administration_pages_are_axe_clean(store_site, signed_in):
    from saferplaces.web.plans.models import ProgressUpdate

    update = ProgressUpdate.objects.filter(action__priority__plan__partnership__slug="lichfield").first()
    page = signed_in("site-admin", roles=[("lichfield", "administrator")])
    for path in (
        "/partnerships/lichfield/public-site/",
        "/partnerships/lichfield/public-site/contact/",
        "/partnerships/lichfield/public-site/help/new/",
        f"/partnerships/lichfield/public-site/updates/{update.pk}/",
    ):
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        assert_accessible(page)
    page.get_by_label("Public summary", exact=True).fill("")
    page.get_by_label("Yes, approve it").check()
    page.get_by_role("button", name="Save").click()
    assert page.get_by_text("Enter a public summary to approve").count() >= 1
    assert_accessible(page)


def test_the_crawl_tells_public_pages_from_staff_pages():
    from tests.e2e.crawl import page_kind

    assert page_kind("/public/") != page_kind("/")
    assert page_kind("/public/stafford/") != page_kind("/partnerships/stafford/")
    assert page_kind("/cy/public/stafford/") != page_kind("/public/stafford/")


def _serve(body: bytes, status: int):  # noqa: ANN202 - a Playwright route handler
    def handler(route, request) -> None:  # noqa: ANN001, ARG001
        route.fulfill(status=status, body=body, content_type="text/html; charset=utf-8")

    return handler


@pytest.mark.parametrize("width", [320, 1280])
def test_the_not_found_and_problem_pages_are_axe_clean_in_both_languages(
    transactional_db, browser, live_server, width
):
    from django.test import RequestFactory

    from saferplaces.web.public.errors import server_error

    context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 900})
    page = context.new_page()
    for path in ("/cy/public/no-such-page/", "/public/no-such-page/", "/no-such-page/"):
        response = page.goto(path)
        assert response is not None and response.status == 404, path
        assert page.locator("h1").count() == 1, path
        assert_accessible(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path
    # the 500 page as the server writes it, served at an address of the live server (its styles load)
    for path in ("/cy/public/problem/", "/public/problem/", "/problem/"):
        html = server_error(RequestFactory().get(path)).content
        page.route(f"**{path}", _serve(html, 500))
        response = page.goto(path)
        assert response is not None and response.status == 500, path
        assert page.locator("h1").count() == 1, path
        assert_accessible(page)
    context.close()
