"""saferplaces backup and restore (issue #13): a round trip to a new store folder and database."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from saferplaces.data.ingest import ingest
from saferplaces.data.store import Store
from tests.conftest import month_file

BIN = Path(sys.executable).parent


def _run(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("SAFERPLACES_", "DJANGO_", "DATABASE_URL"))
    }
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
