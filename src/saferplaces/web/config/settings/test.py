"""Settings for the test suite: a fixed key, fast hashing, an in-memory SQLite database.

Set ``DATABASE_URL`` to run the same tests against PostgreSQL (Django makes and
drops a ``test_`` database beside the one named).
"""

from __future__ import annotations

from saferplaces.web.config.settings.base import *  # noqa: F403
from saferplaces.web.config.settings.base import ENV

SECRET_KEY = "test-only-key-not-secret-" + "x" * 40
DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost"]
DATABASES = (
    ENV.databases()
    if ENV.database_url
    else {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
)
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
WHITENOISE_USE_FINDERS = True
SAFERPLACES_CACHE_STAMP = None  # one process; never a file in the per-user store folder
# One process: the public pages' cache is the default one (same LOCATION, same store), so a test's
# cache.clear() empties both, and nothing is written in a store folder.
CACHES = {
    alias: {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "saferplaces-tests"}
    for alias in ("default", "public")
}
