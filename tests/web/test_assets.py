"""GOV.UK Frontend assets are local, pinned and free of the GDS Transport font and the crown."""

from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "src" / "saferplaces" / "web"
STATIC = WEB / "static"


def test_the_built_assets_are_present() -> None:
    assert (STATIC / "saferplaces" / "saferplaces.css").stat().st_size > 50_000
    assert (STATIC / "govuk" / "govuk-frontend.min.js").stat().st_size > 10_000


def test_the_built_version_matches_the_npm_pin() -> None:
    pinned = json.loads((ROOT / "package.json").read_text())["devDependencies"]["govuk-frontend"]
    locked = json.loads((ROOT / "package-lock.json").read_text())["packages"]["node_modules/govuk-frontend"]
    assert locked["version"] == pinned
    assert (STATIC / "govuk" / "VERSION").read_text().strip() == pinned


def test_the_css_uses_arial_and_no_gds_transport() -> None:
    css = (STATIC / "saferplaces" / "saferplaces.css").read_text()
    assert "GDS Transport" not in css
    assert "@font-face" not in css
    assert "font-family:arial,sans-serif" in css


def test_nothing_loads_from_the_internet() -> None:
    for path in [*(WEB / "jinja2").rglob("*.html"), STATIC / "saferplaces" / "saferplaces.css"]:
        text = path.read_text()
        assert not re.search(r"""(src|href)=["']https?://""", text), path
        if path.suffix == ".css":
            assert "url(" not in text, path  # no fonts, no crest: nothing to fetch at all
