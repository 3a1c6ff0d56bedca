"""Typed settings from the environment, and the production settings' deploy check."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from saferplaces.web.config.env import DEFAULT_DB_NAME, WebEnv


def test_sqlite_in_the_store_folder_by_default(tmp_path: Path) -> None:
    env = WebEnv.from_environ({"SAFERPLACES_HOME": str(tmp_path)})
    assert env.sqlite_path == tmp_path.resolve() / DEFAULT_DB_NAME
    db = env.databases()["default"]
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert db["NAME"] == str(tmp_path.resolve() / DEFAULT_DB_NAME)
    assert env.debug is False


def test_saferplaces_db_names_the_sqlite_file(tmp_path: Path) -> None:
    env = WebEnv.from_environ({"SAFERPLACES_HOME": str(tmp_path), "SAFERPLACES_DB": str(tmp_path / "x.db")})
    assert env.databases()["default"]["NAME"] == str(tmp_path / "x.db")


def test_database_url_selects_postgresql() -> None:
    env = WebEnv.from_environ({"DATABASE_URL": "postgres://sp:pw@127.0.0.1:5432/saferplaces"})
    db = env.databases()["default"]
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["NAME"], db["HOST"], db["PORT"], db["USER"]) == ("saferplaces", "127.0.0.1", 5432, "sp")


def test_lists_and_booleans_are_parsed() -> None:
    env = WebEnv.from_environ(
        {"SAFERPLACES_ALLOWED_HOSTS": "csp.example.org, www.csp.example.org", "SAFERPLACES_WEB_DEBUG": "true"}
    )
    assert env.allowed_hosts == ("csp.example.org", "www.csp.example.org")
    assert env.debug is True


def test_a_bad_boolean_says_what_to_do() -> None:
    with pytest.raises(ImproperlyConfigured, match="SAFERPLACES_WEB_DEBUG is 'maybe'.*Set it to 1 or 0"):
        WebEnv.from_environ({"SAFERPLACES_WEB_DEBUG": "maybe"})


def _manage(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {
        k: v for k, v in os.environ.items() if not k.startswith(("SAFERPLACES_", "DJANGO_", "DATABASE_URL"))
    }
    return subprocess.run(
        [sys.executable, "-m", "saferplaces.web.manage", *args],
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy(tmp_path: Path) -> None:
    result = _manage(
        ["check", "--deploy", "--fail-level", "WARNING"],
        {
            "DJANGO_SETTINGS_MODULE": "saferplaces.web.config.settings.production",
            "SAFERPLACES_SECRET_KEY": "k" * 20 + "Zq8-x_J3pV1rT6wYbN0sLmE4cAeHdGfKiOuR2",
            "SAFERPLACES_ALLOWED_HOSTS": "csp.example.org",
            "SAFERPLACES_HOME": str(tmp_path),
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key(tmp_path: Path) -> None:
    result = _manage(
        ["check"],
        {
            "DJANGO_SETTINGS_MODULE": "saferplaces.web.config.settings.production",
            "SAFERPLACES_HOME": str(tmp_path),
        },
    )
    assert result.returncode != 0
    assert "SAFERPLACES_SECRET_KEY is missing" in result.stderr


def test_local_settings_keep_a_generated_key_in_the_store(tmp_path: Path) -> None:
    result = _manage(["check"], {"SAFERPLACES_HOME": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    key_file = tmp_path / "web-secret-key"
    assert key_file.stat().st_mode & 0o077 == 0
    assert len(key_file.read_text()) >= 50


def test_migrations_are_up_to_date(tmp_path: Path) -> None:
    result = _manage(["makemigrations", "--check", "--dry-run"], {"SAFERPLACES_HOME": str(tmp_path)})
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db
def test_the_web_tests_use_the_database_that_database_url_names() -> None:
    """CI sets DATABASE_URL to a PostgreSQL server; without it the tests use SQLite in memory."""
    from django.db import connection

    url = os.environ.get("DATABASE_URL", "")
    if not url:
        assert connection.vendor == "sqlite"
    elif url.startswith(("postgres://", "postgresql://")):
        assert connection.vendor == "postgresql"
        # Django's own test database beside the one named, never the named one itself.
        assert connection.settings_dict["NAME"].startswith("test_")
