"""Screenshots of the main pages, checked for size and, on request, saved to docs/screenshots/.

``SAFERPLACES_SAVE_SCREENSHOTS=1 .venv/bin/pytest tests/e2e/test_screenshots.py`` overwrites the
``web-*.png`` files in ``docs/screenshots/``; without it they go to a temporary folder only.
"""

from __future__ import annotations

import os
import struct
from pathlib import Path

import pytest

from tests.conftest import ROOT

WIDTH = 1100
#: file name, page, height of the picture (at most: the top of the page).
SHOTS = [
    ("web-home.png", "/", 900),
    ("web-partnership.png", "/partnerships/lichfield/", 1400),
    ("web-plan-lichfield.png", "/partnerships/lichfield/plans/2022-2025/", 2400),
    ("web-dashboard-east-staffordshire.png", "/partnerships/east-staffordshire/dashboard/", 2000),
    ("web-delivery-lichfield.png", "/partnerships/lichfield/plans/2022-2025/delivery/", 1600),
    ("web-risks-east-staffordshire.png", "/partnerships/east-staffordshire/plans/2018-2021/risks/", 1600),
    ("web-targets-east-staffordshire.png", "/partnerships/east-staffordshire/plans/2018-2021/targets/", 1400),
]


@pytest.mark.parametrize(("name", "url", "height"), SHOTS)
def test_screenshot(browser, live_server, seeded, tmp_path: Path, name: str, url: str, height: int) -> None:  # noqa: ANN001
    context = browser.new_context(base_url=live_server.url, viewport={"width": WIDTH, "height": 900})
    page = context.new_page()
    assert page.goto(url).status == 200
    save = os.environ.get("SAFERPLACES_SAVE_SCREENSHOTS", "") not in {"", "0"}
    path = (ROOT / "docs" / "screenshots" if save else tmp_path) / name
    height = min(height, page.evaluate("document.documentElement.scrollHeight"))
    page.screenshot(path=str(path), full_page=True, clip={"x": 0, "y": 0, "width": WIDTH, "height": height})
    context.close()
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == (WIDTH, height)
    assert height >= 600
