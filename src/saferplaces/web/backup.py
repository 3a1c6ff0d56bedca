"""Backup and restore: a consistent copy of the data store folder and the app's database.

A backup is a folder holding ``store/`` (the store folder, copied while holding the store's
write lock, without work or staging folders), the database (``database.sqlite3`` made with
SQLite's online backup, or ``database.dump`` made with ``pg_dump``) and ``backup.json``
saying what it holds. It restores on a new machine with :func:`restore_backup`.
Django must be set up before either function is called.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from saferplaces.data.store import Store
from saferplaces.errors import InputError

#: Names never copied from the store folder: work in progress, staged imports, the lock file,
#: and SQLite's side files (the database itself is copied through its own backup).
SKIPPED = {".work", "work", "staging", ".staging", ".lock", ".web-generation"}
SQLITE_SUFFIXES = ("-wal", "-shm", "-journal")
INFO = "backup.json"


@dataclass(frozen=True)
class BackupResult:
    """What a backup or restore copied.

    Attributes
    ----------
    folder
        The backup folder.
    store_files
        Files of the store folder copied.
    database
        ``"sqlite"`` or ``"postgresql"``.
    assumptions
        What was left out or chosen, one sentence each.
    """

    folder: Path
    store_files: int
    database: str
    assumptions: tuple[str, ...] = field(default=())


def _database() -> tuple[str, dict]:
    from django.db import connection

    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise InputError(
            f"Backups support SQLite and PostgreSQL; this database is {vendor}.",
            "Back the database up with its own tools, then copy the store folder.",
        )
    return vendor, connection.settings_dict


def _skip(store_root: Path, db_file: Path | None):  # noqa: ANN202
    def ignore(folder: str, names: list[str]) -> set[str]:
        skipped = set()
        for name in names:
            path = (Path(folder) / name).resolve()
            if name in SKIPPED or name.startswith((".work", ".manifest-")) or name.endswith(SQLITE_SUFFIXES):
                skipped.add(name)
            elif db_file is not None and path == db_file:
                skipped.add(name)
        return skipped

    return ignore


def _count(folder: Path) -> int:
    return sum(1 for p in folder.rglob("*") if p.is_file())


def _pg_env(settings: dict) -> dict[str, str]:
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if settings.get(key):
            env[var] = str(settings[key])
    return env


def make_backup(destination: Path, store_dir: Path) -> BackupResult:
    """Copy the store folder and the database into ``destination`` (a new or empty folder).

    The store is copied while holding its write lock, so no import changes it half-way;
    the database is copied with SQLite's online backup (or ``pg_dump``), which is consistent
    while the app runs.
    """
    destination = Path(destination)
    if destination.exists() and any(destination.iterdir()):
        raise InputError(f"The folder {destination} is not empty.", "Name a new folder for the backup.")
    vendor, settings = _database()
    db_file = Path(settings["NAME"]).resolve() if vendor == "sqlite" and str(settings["NAME"]) else None
    destination.mkdir(parents=True, exist_ok=True)
    store = Store(store_dir)
    with store.lock():
        shutil.copytree(store.root, destination / "store", ignore=_skip(store.root.resolve(), db_file))
        if vendor == "sqlite":
            from django.db import connection

            connection.ensure_connection()
            with sqlite3.connect(destination / "database.sqlite3") as target:
                connection.connection.backup(target)
            target.close()
        else:
            done = subprocess.run(
                [
                    "pg_dump",
                    "--format=custom",
                    "--no-owner",
                    "--file",
                    str(destination / "database.dump"),
                    settings["NAME"],
                ],
                env=_pg_env(settings),
                capture_output=True,
                text=True,
            )
            if done.returncode != 0:
                raise InputError(
                    f"pg_dump could not copy the database: {done.stderr.strip()[:300]}",
                    "Check that pg_dump is installed and DATABASE_URL names the database.",
                )
    files = _count(destination / "store")
    info = {
        "made": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "database": vendor,
        "store_files": files,
    }
    (destination / INFO).write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    return BackupResult(
        destination,
        files,
        vendor,
        ("Work and staging folders and the lock file were left out: they hold nothing finished.",),
    )


def restore_backup(source: Path, store_dir: Path, *, replace: bool = False) -> BackupResult:
    """Put a backup made by :func:`make_backup` back: the store folder, then the database.

    Refuses a store folder that already holds data unless ``replace``. Run ``migrate``
    afterwards when this version of Safer Places is newer than the one that made the backup.
    """
    source = Path(source)
    try:
        info = json.loads((source / INFO).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise InputError(
            f"{source} is not a Safer Places backup (it has no readable {INFO}).",
            "Name the folder that saferplaces backup made.",
        ) from None
    vendor, settings = _database()
    if info["database"] != vendor:
        raise InputError(
            f"The backup holds a {info['database']} database, but this app uses {vendor}.",
            "Restore it with the same kind of database (DATABASE_URL), or unset DATABASE_URL for SQLite.",
        )
    store = Store(store_dir)
    if (store.root / "manifest.json").exists() and not replace:
        raise InputError(
            f"The store folder {store.root} already holds data.",
            "Restore into a new folder (--store), or add --replace to overwrite it.",
        )
    with store.lock():
        for item in (source / "store").iterdir():
            target = store.root / item.name
            if target.is_dir():
                shutil.rmtree(target)
            if item.is_dir():
                shutil.copytree(item, target)
            else:
                shutil.copy2(item, target)
        if vendor == "sqlite":
            from django.db import connection

            connection.ensure_connection()
            with sqlite3.connect(source / "database.sqlite3") as backup:
                backup.backup(connection.connection)
            backup.close()
        else:
            done = subprocess.run(
                [
                    "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--dbname",
                    settings["NAME"],
                    str(source / "database.dump"),
                ],
                env=_pg_env(settings),
                capture_output=True,
                text=True,
            )
            if done.returncode != 0:
                raise InputError(
                    f"pg_restore could not restore the database: {done.stderr.strip()[:300]}",
                    "Check that pg_restore is installed and DATABASE_URL names an empty database.",
                )
    return BackupResult(source, _count(source / "store"), vendor)
