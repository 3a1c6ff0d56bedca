"""axe-core in the browser: run the WCAG 2.x A and AA rules on a page and list every violation.

axe-core comes from npm (``package.json``) and is copied, with its licence and version,
into ``vendor/axe-core/`` by ``scripts/build-assets.sh``, so the tests need no npm.
"""

from __future__ import annotations

import functools
from pathlib import Path

AXE_DIR = Path(__file__).resolve().parent / "vendor" / "axe-core"
AXE_VERSION = (AXE_DIR / "VERSION").read_text(encoding="utf-8").strip()
#: axe-core's tags for the success criteria of WCAG 2.0, 2.1 and 2.2 at levels A and AA.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

_RUN = """async (tags) => {
  const options = {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]};
  const results = await axe.run(document, options);
  return results.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map((n) => n.target.join(" ")),
  }));
}"""


@functools.cache
def _source() -> str:
    return (AXE_DIR / "axe.min.js").read_text(encoding="utf-8")


#: What the browser says when a page is replaced while axe runs on it: a click on a link
#: returns once the navigation has begun, not when the new document has loaded.
_NAVIGATING = ("documentElement", "Execution context was destroyed", "navigation")


def _run_once(page) -> list[dict[str, object]]:  # noqa: ANN001 - a Playwright Page
    page.wait_for_load_state("load")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated through the browser's DevTools connection, which the page's
        # Content-Security-Policy does not govern; a <script> tag added to the page would be
        # blocked as inline script (issue #13).
        page.evaluate(_source())
    return page.evaluate(_RUN, WCAG_TAGS)


def violations(page, attempts: int = 3) -> list[dict[str, object]]:  # noqa: ANN001
    """The WCAG A/AA violations axe finds on the page once it has loaded.

    A run that a navigation cut short (the page changed under it) is run again on the new
    page; any other error is raised at once.
    """
    from playwright.sync_api import Error

    for _ in range(attempts - 1):
        try:
            return _run_once(page)
        except Error as error:
            if not any(sign in str(error) for sign in _NAVIGATING):
                raise
    return _run_once(page)


def describe(found: list[dict[str, object]]) -> str:
    """One line per violation: rule, impact, what it asks, and the CSS selectors of the elements."""
    return "\n".join(f"- {v['id']} ({v['impact']}): {v['help']}; at {', '.join(v['targets'])}" for v in found)


def assert_accessible(page) -> None:  # noqa: ANN001
    """Fail, listing every violation, when axe finds a WCAG 2.x A or AA problem on the page."""
    found = violations(page)
    assert not found, f"axe-core {AXE_VERSION} found WCAG A/AA violations on {page.url}:\n{describe(found)}"
