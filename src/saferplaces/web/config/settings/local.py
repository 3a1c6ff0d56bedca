"""Settings for running Safer Places on one machine (``saferplaces serve``).

Without ``SAFERPLACES_SECRET_KEY`` a random key is made once and kept, readable
only by its owner, beside the database in the store folder.
"""

from __future__ import annotations

import secrets

from saferplaces.web.config.settings.base import *  # noqa: F403
from saferplaces.web.config.settings.base import ENV


def _local_secret_key() -> str:
    path = ENV.store_dir / "web-secret-key"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    path.touch(mode=0o600)
    path.write_text(key, encoding="utf-8")
    return key


SECRET_KEY = ENV.secret_key or _local_secret_key()
# Serve static files straight from the package, without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = ENV.debug
