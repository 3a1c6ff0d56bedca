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
SKIPPED = {".work", "work", "staging", ".staging", ".lock", ".web-generation", "web-cache"}
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


def _pg_tool(name: str) -> str:
    """The path of ``pg_dump`` or ``pg_restore``, or a refusal naming the package that has it."""
    found = shutil.which(name)
    if found is None:
        raise InputError(
            f"{name} is not installed, so the PostgreSQL database cannot be copied.",
            "Install PostgreSQL's client programs of the server's version or newer "
            "(Debian: postgresql-client), then run the command again.",
        )
    return found


def _pg_args(settings: dict) -> tuple[list[str], dict[str, str]]:
    """The connection as libpq arguments (``--dbname`` conninfo) and environment (the password).

    The database's options from ``DATABASE_URL`` (``sslmode`` and the like) go into the
    conninfo; the password goes in ``PGPASSWORD`` so that it never shows in the process list.
    """
    from psycopg.conninfo import make_conninfo

    params: dict[str, str] = {"dbname": str(settings["NAME"])}
    for key, name in (("HOST", "host"), ("PORT", "port"), ("USER", "user")):
        if settings.get(key):
            params[name] = str(settings[key])
    for key, value in (settings.get("OPTIONS") or {}).items():
        if isinstance(value, str | int) and not isinstance(value, bool):
            params[key] = str(value)
    env = dict(os.environ)
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings["PASSWORD"])
    return [f"--dbname={make_conninfo(**params)}"], env


def _holds_accounts() -> bool:
    """True when the app's database already has accounts (so a restore would overwrite them)."""
    from django.db import connection

    if "auth_user" not in connection.introspection.table_names():
        return False
    with connection.cursor() as cursor:
        cursor.execute("select count(*) from auth_user")
        return cursor.fetchone()[0] > 0


def make_backup(destination: Path, store_dir: Path) -> BackupResult:
    """Copy the store folder and the database into ``destination`` (a new or empty folder).

    The store is copied while holding its write lock, so no import changes it half-way;
    the database is copied with SQLite's online backup (or ``pg_dump``), which is consistent
    while the app runs. A backup that fails removes what it wrote.
    """
    destination = Path(destination)
    if destination.exists() and any(destination.iterdir()):
        raise InputError(f"The folder {destination} is not empty.", "Name a new folder for the backup.")
    vendor, settings = _database()
    db_file = Path(settings["NAME"]).resolve() if vendor == "sqlite" and str(settings["NAME"]) else None
    pg_dump = _pg_tool("pg_dump") if vendor == "postgresql" else ""
    made = not destination.exists()
    destination.mkdir(parents=True, exist_ok=True)
    try:
        _copy_out(destination, Store(store_dir), vendor, settings, db_file, pg_dump)
    except BaseException:
        _remove_contents(destination, made)
        raise
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


def _remove_contents(folder: Path, made: bool) -> None:
    if made:
        shutil.rmtree(folder, ignore_errors=True)
        return
    for item in folder.iterdir():
        if item.is_dir() and not item.is_symlink():
            shutil.rmtree(item, ignore_errors=True)
        else:
            item.unlink(missing_ok=True)


def _copy_out(
    destination: Path, store: Store, vendor: str, settings: dict, db_file: Path | None, pg_dump: str
) -> None:
    with store.lock():
        shutil.copytree(store.root, destination / "store", ignore=_skip(store.root.resolve(), db_file))
        if vendor == "sqlite":
            from django.db import connection

            connection.ensure_connection()
            with sqlite3.connect(destination / "database.sqlite3") as target:
                connection.connection.backup(target)
            target.close()
            return
        args, env = _pg_args(settings)
        done = subprocess.run(
            [pg_dump, "--format=custom", "--no-owner", "--file", str(destination / "database.dump"), *args],
            env=env,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise InputError(
                f"pg_dump could not copy the database: {done.stderr.strip()[:300]}",
                "Check that pg_dump is of the server's version or newer and DATABASE_URL names the database.",
            )


def restore_backup(source: Path, store_dir: Path, *, replace: bool = False) -> BackupResult:
    """Put a backup made by :func:`make_backup` back: the database, then the store folder.

    Refuses a store folder that already holds data, or a database that already holds
    accounts, unless ``replace``. A PostgreSQL database is restored in one transaction, so a
    failed restore leaves it (and the store folder, not yet touched) as it was. Run
    ``migrate`` afterwards when this version of Safer Places is newer than the one that made
    the backup.
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
    if info.get("database") != vendor:
        raise InputError(
            f"The backup holds a {info.get('database')} database, but this app uses {vendor}.",
            "Restore it with the same kind of database (DATABASE_URL), or unset DATABASE_URL for SQLite.",
        )
    database = source / ("database.sqlite3" if vendor == "sqlite" else "database.dump")
    if not (source / "store").is_dir() or not database.is_file():
        raise InputError(
            f"The backup {source} is incomplete: it has no store folder or no {database.name}.",
            "Restore a complete backup folder, as saferplaces backup made it.",
        )
    pg_restore = _pg_tool("pg_restore") if vendor == "postgresql" else ""
    store = Store(store_dir)
    if not replace:
        if (store.root / "manifest.json").exists():
            raise InputError(
                f"The store folder {store.root} already holds data.",
                "Restore into a new folder (--store), or add --replace to overwrite it.",
            )
        if _holds_accounts():
            raise InputError(
                "The app's database already holds accounts.",
                "Restore into a new database (DATABASE_URL), or add --replace to overwrite it.",
            )
    with store.lock():
        if vendor == "sqlite":
            from django.db import connection

            connection.ensure_connection()
            with sqlite3.connect(database) as backup:
                backup.backup(connection.connection)
            backup.close()
        else:
            args, env = _pg_args(settings)
            done = subprocess.run(
                [
                    pg_restore,
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--single-transaction",
                    *args,
                    str(database),
                ],
                env=env,
                capture_output=True,
                text=True,
            )
            if done.returncode != 0:
                raise InputError(
                    f"pg_restore could not restore the database: {done.stderr.strip()[:300]}",
                    "Check that pg_restore is of the server's version or newer and DATABASE_URL "
                    "names the database; it is unchanged.",
                )
        for item in (source / "store").iterdir():
            target = store.root / item.name
            if target.is_dir():
                shutil.rmtree(target)
            if item.is_dir():
                shutil.copytree(item, target)
            else:
                shutil.copy2(item, target)
    return BackupResult(source, _count(source / "store"), vendor)
