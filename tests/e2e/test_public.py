"""The residents' site in a browser: a resident on a phone finds their partnership from a ward name,
reads the local picture in English and Welsh and downloads the ward figures; every page is axe-clean
at 320 and 1280 pixels and works without JavaScript."""

from __future__ import annotations

from dataclasses import replace

import pytest
from django.core.cache import cache

from tests.e2e.axe import assert_accessible

PAGES = [
    "/public/",
    "/public/find/?q=Coton",
    "/public/find/?q=ST16",
    "/public/stafford/",
    "/public/stafford/local-picture/",
    "/cy/public/stafford/local-picture/",
    "/public/staffordshire/local-picture/",
    "/api/docs",
]


@pytest.fixture
def store_site(settings, bundled_store, seeded):
    settings.ENV = replace(settings.ENV, store_dir=bundled_store.root)
    cache.clear()
    yield
    cache.clear()


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
    # no sideways scrolling of the page itself at 320 pixels (wide tables scroll in their own region)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
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


def test_the_crawl_tells_public_pages_from_staff_pages():
    from tests.e2e.crawl import page_kind

    assert page_kind("/public/") != page_kind("/")
    assert page_kind("/public/stafford/") != page_kind("/partnerships/stafford/")
    assert page_kind("/cy/public/stafford/") != page_kind("/public/stafford/")
