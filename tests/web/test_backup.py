"""saferplaces backup and restore (issue #13): a round trip to a new store folder and database.

The round trip runs on SQLite always, and on PostgreSQL (pg_dump and pg_restore) whenever
``DATABASE_URL`` names a PostgreSQL server, as in CI (``SAFERPLACES_TEST_POSTGRES=1 ./run test``).
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from saferplaces.data.ingest import ingest
from saferplaces.data.store import Store
from tests.conftest import month_file

BIN = Path(sys.executable).parent


def _run(*args: str, home: Path, database_url: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("SAFERPLACES_", "DJANGO_", "DATABASE_URL"))
    }
    if database_url:
        env["DATABASE_URL"] = database_url
    return subprocess.run(
        [str(BIN / "saferplaces"), *args],
        env={**env, "SAFERPLACES_HOME": str(home)},
        capture_output=True,
        text=True,
        timeout=300,
        input="",
    )


def _users(db: Path) -> list[str]:
    with sqlite3.connect(db) as con:
        return [row[0] for row in con.execute("select username from auth_user order by username")]


def _store_files(root: Path) -> dict[str, bytes]:
    """The manifest and the files it lists, read without the product's reader."""
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    names = {"manifest.json"}
    for entry in manifest["partitions"].values():
        names.update(entry["files"])
    return {name: (root / name).read_bytes() for name in sorted(names)}


def test_a_backup_restores_into_a_new_store_and_database(tmp_path: Path) -> None:
    old, new, backup = tmp_path / "old", tmp_path / "new", tmp_path / "backup"
    done = _run("createuser", "jo", "--superuser", "--password", "a long password 123", home=old)
    assert done.returncode == 0, done.stderr
    # A real store (one bundled month), plus files a backup must leave out (work in progress).
    ingest([month_file("2025-01")], Store(old))
    held = _store_files(old)
    assert any(name.endswith(".parquet") for name in held)
    (old / ".work").mkdir()
    (old / ".work" / "half-done.parquet").write_bytes(b"x")
    (old / "staging").mkdir()
    (old / "staging" / "import.csv").write_text("a,b\n", encoding="utf-8")

    done = _run("backup", str(backup), home=old)
    assert done.returncode == 0, done.stderr
    assert "the sqlite database" in done.stdout
    assert (backup / "database.sqlite3").is_file() and (backup / "backup.json").is_file()
    assert not (backup / "store" / ".work").exists() and not (backup / "store" / "staging").exists()
    assert not (backup / "store" / "web.sqlite3").exists()  # the database travels by its own backup

    # A change after the backup is undone by restoring it.
    done = _run("createuser", "later", "--password", "a long password 123", home=old)
    assert _users(old / "web.sqlite3") == ["jo", "later"]

    done = _run("restore", str(backup), home=new)
    assert done.returncode == 0, done.stderr
    assert _users(new / "web.sqlite3") == ["jo"]
    assert _store_files(new) == held  # the manifest and every file it lists, byte for byte
    assert (new / "web-secret-key").read_text() == (old / "web-secret-key").read_text()
    assert not (new / ".work" / "half-done.parquet").exists()

    # Restoring over a store that holds data needs --replace.
    again = _run("restore", str(backup), home=new)
    assert again.returncode != 0
    assert "already holds data" in again.stderr and "--replace" in again.stderr
    assert _run("restore", str(backup), "--replace", home=new).returncode == 0


def test_backup_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "backup").mkdir()
    (tmp_path / "backup" / "something").write_text("x")
    done = _run("backup", str(tmp_path / "backup"), home=tmp_path / "store")
    assert done.returncode != 0
    assert "is not empty" in done.stderr


def test_restore_refuses_a_folder_that_is_not_a_backup(tmp_path: Path) -> None:
    (tmp_path / "nothing").mkdir()
    done = _run("restore", str(tmp_path / "nothing"), home=tmp_path / "store")
    assert done.returncode != 0
    assert "is not a Safer Places backup" in done.stderr


# --------------------------------------------------------------------------------------------
# PostgreSQL: pg_dump and pg_restore, against real databases made for the test


@pytest.fixture
def postgres_databases() -> Iterator[tuple[str, str]]:
    """Two new, empty PostgreSQL databases on the server DATABASE_URL names; dropped afterwards."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip(
            "needs a PostgreSQL server: DATABASE_URL names none "
            "(SAFERPLACES_TEST_POSTGRES=1 ./run test starts one and sets it, as CI does)"
        )
    # With a server given, a missing driver or client program is a failure, not a skip.
    import psycopg

    from saferplaces.web.backup import _pg_tool

    _pg_tool("pg_dump")
    _pg_tool("pg_restore")
    parts = urlsplit(url)
    names = [f"sp_backup_{uuid.uuid4().hex[:12]}_{side}" for side in ("old", "new")]
    with psycopg.connect(url, autocommit=True) as con:
        for name in names:
            con.execute(f'create database "{name}"')
    try:
        yield tuple(urlunsplit(parts._replace(path=f"/{name}")) for name in names)  # type: ignore[misc]
    finally:
        with psycopg.connect(url, autocommit=True) as con:
            for name in names:
                con.execute(f'drop database if exists "{name}" with (force)')


def _pg_users(url: str) -> list[str]:
    import psycopg

    with psycopg.connect(url) as con:
        return [row[0] for row in con.execute("select username from auth_user order by username")]


def test_a_postgresql_backup_restores_into_a_new_store_and_database(
    tmp_path: Path, postgres_databases: tuple[str, str]
) -> None:
    old_db, new_db = postgres_databases
    old, new, backup = tmp_path / "old", tmp_path / "new", tmp_path / "backup"
    done = _run(
        "createuser", "jo", "--superuser", "--password", "a long password 123", home=old, database_url=old_db
    )
    assert done.returncode == 0, done.stderr
    ingest([month_file("2025-01")], Store(old))
    held = _store_files(old)

    done = _run("backup", str(backup), home=old, database_url=old_db)
    assert done.returncode == 0, done.stderr
    assert "the postgresql database" in done.stdout
    assert (backup / "database.dump").read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format
    assert json.loads((backup / "backup.json").read_text())["database"] == "postgresql"
    assert not (backup / "database.sqlite3").exists() and not (backup / "store" / "web.sqlite3").exists()

    done = _run("createuser", "later", "--password", "a long password 123", home=old, database_url=old_db)
    assert done.returncode == 0, done.stderr
    assert _pg_users(old_db) == ["jo", "later"]

    # Into a new store folder and a new, empty database.
    done = _run("restore", str(backup), home=new, database_url=new_db)
    assert done.returncode == 0, done.stderr
    assert _pg_users(new_db) == ["jo"]
    assert _store_files(new) == held
    # The restored sequences go on after the restored rows: a new account gets a new id.
    done = _run("createuser", "after", "--password", "a long password 123", home=new, database_url=new_db)
    assert done.returncode == 0, done.stderr
    assert _pg_users(new_db) == ["after", "jo"]

    # A database that holds accounts is overwritten only with --replace (the store folder is new).
    again = _run("restore", str(backup), home=tmp_path / "third", database_url=old_db)
    assert again.returncode != 0
    assert "already holds accounts" in again.stderr and "--replace" in again.stderr
    assert _pg_users(old_db) == ["jo", "later"]
    done = _run("restore", str(backup), "--replace", home=old, database_url=old_db)
    assert done.returncode == 0, done.stderr
    assert _pg_users(old_db) == ["jo"]

    # A PostgreSQL backup is not restored into SQLite.
    wrong = _run("restore", str(backup), home=tmp_path / "sqlite")
    assert wrong.returncode != 0
    assert "holds a postgresql database" in wrong.stderr


def test_a_postgresql_backup_without_pg_dump_says_so_and_leaves_nothing(
    tmp_path: Path, postgres_databases: tuple[str, str]
) -> None:
    old_db, _ = postgres_databases
    done = _run(
        "createuser", "jo", "--password", "a long password 123", home=tmp_path / "s", database_url=old_db
    )
    assert done.returncode == 0, done.stderr
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SAFERPLACES_", "DJANGO_"))}
    failed = subprocess.run(
        [str(BIN / "saferplaces"), "backup", str(tmp_path / "backup")],
        env={**env, "SAFERPLACES_HOME": str(tmp_path / "s"), "DATABASE_URL": old_db, "PATH": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert failed.returncode != 0
    assert "pg_dump is not installed" in failed.stderr and "postgresql-client" in failed.stderr
    assert not (tmp_path / "backup").exists()


def test_a_failed_postgresql_restore_changes_neither_the_database_nor_the_store(
    tmp_path: Path, postgres_databases: tuple[str, str]
) -> None:
    old_db, new_db = postgres_databases
    backup = tmp_path / "backup"
    password = "a long password 123"
    done = _run("createuser", "jo", "--password", password, home=tmp_path / "a", database_url=old_db)
    assert done.returncode == 0, done.stderr
    done = _run("backup", str(backup), home=tmp_path / "a", database_url=old_db)
    assert done.returncode == 0, done.stderr
    done = _run("createuser", "kept", "--password", password, home=tmp_path / "b", database_url=new_db)
    assert done.returncode == 0, done.stderr
    ingest([month_file("2025-02")], Store(tmp_path / "b"))
    before = _store_files(tmp_path / "b")
    # A table the backup does not know (a newer version's, say) refers to the accounts, so
    # pg_restore cannot drop them: it fails part-way, after it has dropped and made others.
    import psycopg

    with psycopg.connect(new_db, autocommit=True) as con:
        con.execute("create table blocker (user_id integer references auth_user (id))")
        con.execute("insert into auth_group (name) values ('kept group')")
    failed = _run("restore", str(backup), "--replace", home=tmp_path / "b", database_url=new_db)
    assert failed.returncode != 0
    assert "pg_restore could not restore the database" in failed.stderr
    assert _pg_users(new_db) == ["kept"]  # not ["jo", "kept"]: the whole restore was undone
    with psycopg.connect(new_db) as con:
        # auth_group, which pg_restore could drop and make again, still holds its row
        assert [row[0] for row in con.execute("select name from auth_group")] == ["kept group"]
    assert _store_files(tmp_path / "b") == before
