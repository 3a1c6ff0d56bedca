"""Simple checks of the HTML every page must pass: one h1, no skipped heading levels,
captions on tables, scoped header cells, a language and a title (axe-core in the browser
tests comes with a later slice)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from saferplaces.web.seeds import load_seed_plans

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/sign-in/",
    "/partnerships/staffordshire/",
    "/partnerships/east-staffordshire/",
    "/partnerships/staffordshire/plans/2023-2026/",
    "/partnerships/east-staffordshire/plans/2018-2021/",
    "/partnerships/stafford/plans/2020-2024/",
    "/partnerships/lichfield/plans/2022-2025/",
    "/partnerships/lichfield/plans/2022-2025/delivery/",
    "/partnerships/lichfield/plans/2022-2025/delivery/?rag=none&overdue=yes",
    "/partnerships/east-staffordshire/plans/2018-2021/delivery/",
    "/partnerships/east-staffordshire/plans/2018-2021/risks/",
    "/partnerships/lichfield/plans/2022-2025/risks/",
    "/partnerships/east-staffordshire/plans/2018-2021/targets/",
    "/partnerships/lichfield/plans/2022-2025/targets/",
]


def assert_page_structure(html: str, url: str) -> None:
    """The checks every page passes; other tests call it for pages that need a signed-in user."""
    assert re.search(r'<html lang="en-GB"', html)
    assert re.search(r"<title>[^<]+ – Safer Places</title>|<title>Safer Places</title>", html)
    levels = [int(level) for level in re.findall(r"<h([1-6])[\s>]", html)]
    assert levels.count(1) == 1, url
    for before, after in zip(levels, levels[1:], strict=False):
        assert after <= before + 1, f"{url}: h{before} then h{after}"
    tables = re.findall(r"<table.*?</table>", html, re.S)
    for table in tables:
        assert "<caption" in table, url
        assert re.findall(r"<th(?=[\s>])(?![^>]*scope=)", table) == [], url
    assert "<img" not in html or all('alt="' in tag for tag in re.findall(r"<img[^>]*>", html))


@pytest.mark.parametrize("url", PAGES)
def test_page_structure(client: Client, url: str) -> None:
    load_seed_plans()
    response = client.get(url)
    assert response.status_code == 200, url
    assert_page_structure(response.content.decode(), url)
