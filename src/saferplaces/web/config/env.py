"""Typed settings read from the environment, once, at start-up.

Every setting the deployment can change is a field of :class:`WebEnv`, with its
environment variable, its type and its default in one place. Django's settings
modules read this object rather than ``os.environ``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from saferplaces.data.store_location import resolve_store_dir

#: The SQLite file's name inside the store folder when neither DATABASE_URL nor SAFERPLACES_DB is set.
DEFAULT_DB_NAME = "web.sqlite3"

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _bool(environ: Mapping[str, str], name: str, default: bool) -> bool:
    raw = environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name} is {raw!r}, which is not true or false. Set it to 1 or 0 (or true or false)."
    )


def _list(environ: Mapping[str, str], name: str, default: tuple[str, ...]) -> tuple[str, ...]:
    raw = environ.get(name)
    if raw is None:
        return default
    return tuple(part.strip() for part in raw.split(",") if part.strip())


def _int(environ: Mapping[str, str], name: str, default: int) -> int:
    raw = environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(
            f"{name} is {raw!r}, which is not a whole number. Set it to, say, 3600."
        ) from None


@dataclass(frozen=True)
class WebEnv:
    """The web application's deployment settings.

    Attributes
    ----------
    secret_key
        ``SAFERPLACES_SECRET_KEY``; required by the production settings. The local
        settings keep a generated key in the store folder when it is unset.
    debug
        ``SAFERPLACES_WEB_DEBUG`` (default false).
    allowed_hosts
        ``SAFERPLACES_ALLOWED_HOSTS``, comma-separated (default localhost names).
    csrf_trusted_origins
        ``SAFERPLACES_CSRF_TRUSTED_ORIGINS``, comma-separated, such as ``https://csp.example.org``.
    database_url
        ``DATABASE_URL``, such as ``postgres://user:pass@127.0.0.1:5432/saferplaces``; wins when set.
    sqlite_path
        ``SAFERPLACES_DB``, else ``web.sqlite3`` in the store folder
        (``SAFERPLACES_HOME`` or the per-user folder).
    store_dir
        The data store folder, as the CLI resolves it.
    static_root
        ``SAFERPLACES_STATIC_ROOT``: where ``collectstatic`` writes for a production server.
    ssl_redirect
        ``SAFERPLACES_SSL_REDIRECT`` (default true): production redirects HTTP to HTTPS.
    hsts_seconds
        ``SAFERPLACES_HSTS_SECONDS`` (default one year) for production.
    session_idle_minutes
        ``SAFERPLACES_SESSION_IDLE_MINUTES`` (default 30): a session unused this long ends.
    email_host
        ``SAFERPLACES_EMAIL_HOST``: the SMTP server for password-reset e-mails. Unset, the
        e-mails are written to standard error (Django's console backend).
    email_port, email_user, email_password, email_use_tls
        ``SAFERPLACES_EMAIL_PORT`` (default 587), ``SAFERPLACES_EMAIL_USER``,
        ``SAFERPLACES_EMAIL_PASSWORD``, ``SAFERPLACES_EMAIL_USE_TLS`` (default true).
    email_from
        ``SAFERPLACES_EMAIL_FROM``: the sender of the e-mails (default ``saferplaces@localhost``).
    """

    secret_key: str | None
    debug: bool
    allowed_hosts: tuple[str, ...]
    csrf_trusted_origins: tuple[str, ...]
    database_url: str | None
    sqlite_path: Path
    store_dir: Path
    static_root: Path | None
    ssl_redirect: bool
    hsts_seconds: int
    session_idle_minutes: int = 30
    email_host: str | None = None
    email_port: int = 587
    email_user: str = ""
    email_password: str = ""
    email_use_tls: bool = True
    email_from: str = "saferplaces@localhost"

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> WebEnv:
        """Read the settings from ``environ`` (default ``os.environ``)."""
        env = os.environ if environ is None else environ
        store_dir = resolve_store_dir(env.get("SAFERPLACES_HOME") or None)
        sqlite = env.get("SAFERPLACES_DB")
        static_root = env.get("SAFERPLACES_STATIC_ROOT")
        return cls(
            secret_key=env.get("SAFERPLACES_SECRET_KEY") or None,
            debug=_bool(env, "SAFERPLACES_WEB_DEBUG", False),
            allowed_hosts=_list(env, "SAFERPLACES_ALLOWED_HOSTS", ("localhost", "127.0.0.1", "[::1]")),
            csrf_trusted_origins=_list(env, "SAFERPLACES_CSRF_TRUSTED_ORIGINS", ()),
            database_url=env.get("DATABASE_URL") or None,
            sqlite_path=Path(sqlite).expanduser().resolve() if sqlite else store_dir / DEFAULT_DB_NAME,
            store_dir=store_dir,
            static_root=Path(static_root).expanduser().resolve() if static_root else None,
            ssl_redirect=_bool(env, "SAFERPLACES_SSL_REDIRECT", True),
            hsts_seconds=_int(env, "SAFERPLACES_HSTS_SECONDS", 31_536_000),
            session_idle_minutes=_int(env, "SAFERPLACES_SESSION_IDLE_MINUTES", 30),
            email_host=env.get("SAFERPLACES_EMAIL_HOST") or None,
            email_port=_int(env, "SAFERPLACES_EMAIL_PORT", 587),
            email_user=env.get("SAFERPLACES_EMAIL_USER", ""),
            email_password=env.get("SAFERPLACES_EMAIL_PASSWORD", ""),
            email_use_tls=_bool(env, "SAFERPLACES_EMAIL_USE_TLS", True),
            email_from=env.get("SAFERPLACES_EMAIL_FROM") or "saferplaces@localhost",
        )

    def databases(self) -> dict[str, dict[str, object]]:
        """Django's ``DATABASES``: PostgreSQL (or any) from ``DATABASE_URL``, else SQLite."""
        if self.database_url:
            import dj_database_url

            return {"default": dj_database_url.parse(self.database_url, conn_max_age=60)}
        return {
            "default": {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": str(self.sqlite_path),
                # Each server worker keeps its connection (no open and set-up per request), and
                # write-ahead logging lets pages be read while a form or a session is written.
                "CONN_MAX_AGE": None,
                "OPTIONS": {
                    "transaction_mode": "IMMEDIATE",
                    "timeout": 20,
                    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                },
            }
        }
