"""Settings for a server behind a proxy (gunicorn and nginx, say); ``manage.py check --deploy`` is clean.

Requires ``SAFERPLACES_SECRET_KEY`` and ``SAFERPLACES_ALLOWED_HOSTS``; run
``collectstatic`` into ``SAFERPLACES_STATIC_ROOT`` before starting.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from saferplaces.web.config.settings.base import *  # noqa: F403
from saferplaces.web.config.settings.base import ENV

if not ENV.secret_key or len(ENV.secret_key) < 50:
    raise ImproperlyConfigured(
        "SAFERPLACES_SECRET_KEY is missing or shorter than 50 characters. "
        "Set it to a long random value, such as the output of "
        "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )

SECRET_KEY = ENV.secret_key
DEBUG = False

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = ENV.ssl_redirect
SECURE_HSTS_SECONDS = ENV.hsts_seconds
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_SAMESITE = "Lax"

STATIC_ROOT = ENV.static_root or ENV.store_dir / "web-static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
