"""The Content-Security-Policy's allowance for GOV.UK's one inline script (issue #13).

GOV.UK's page template marks the body ``js-enabled`` with one short inline script. The policy
allows exactly that script by the SHA-256 of its text (CSP level 2 hash source), read from the
installed template, so an upgrade of govuk-frontend-jinja that changes the script changes the
hash with it. A hash, unlike a per-response nonce, stays valid in pages served from a cache (the
residents' pages are cached whole), and it allows no other inline script.
"""

from __future__ import annotations

import base64
import hashlib
import re
from functools import cache
from pathlib import Path

import govuk_frontend_jinja

_INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.S)


def inline_script_hashes(html: str) -> list[str]:
    """The CSP hash source (``'sha256-...'``) of every inline script in ``html``."""
    return [
        "'sha256-" + base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode("ascii") + "'"
        for body in _INLINE.findall(html)
    ]


@cache
def govuk_template_script_hash() -> str:
    """The hash source of the inline script in govuk-frontend-jinja's page template."""
    template = Path(govuk_frontend_jinja.__file__).parent / "templates" / "template.html"
    # The template writes a nonce attribute only when given one; we never give one.
    text = re.sub(
        r"\{%-?\s*if cspNonce\s*%\}.*?\{%-?\s*endif\s*%\}", "", template.read_text("utf-8"), flags=re.S
    )
    hashes = inline_script_hashes(text)
    if len(hashes) != 1:
        raise RuntimeError(
            f"GOV.UK's page template has {len(hashes)} inline scripts, not 1. "
            "Check saferplaces.web.config.csp against the installed govuk-frontend-jinja."
        )
    return hashes[0]
