"""Without chromium the browser tests are skipped, unless CI requires them (no browser needed here)."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.conftest import CHROMIUM, missing_browser


def test_skipped_with_a_reason_when_chromium_is_missing(tmp_path: Path) -> None:
    outcome, why = missing_browser(tmp_path / "chromium", {})
    assert outcome == "skip"
    assert "is not installed (scripts/test-deps.sh installs it)" in why


def test_a_failure_when_the_browser_is_required(tmp_path: Path) -> None:
    outcome, why = missing_browser(tmp_path / "chromium", {"SAFERPLACES_REQUIRE_BROWSER": "1"})
    assert outcome == "fail"
    assert "SAFERPLACES_REQUIRE_BROWSER is set" in why
    assert missing_browser(tmp_path / "chromium", {"SAFERPLACES_REQUIRE_BROWSER": "0"})[0] == "skip"


def test_nothing_to_say_when_chromium_is_there(tmp_path: Path) -> None:
    (tmp_path / "chromium").touch()
    assert missing_browser(tmp_path / "chromium", {"SAFERPLACES_REQUIRE_BROWSER": "1"}) is None
    assert CHROMIUM == Path("/usr/bin/chromium")
