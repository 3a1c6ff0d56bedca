"""A per-user cache of tables built from the bundled files, as Parquet.

Reference tables (lookups, population estimates) are built from the bundled CSV files
with DuckDB, which takes from a tenth of a second to several seconds on every new
connection. They change only when the bundled files or the code that builds them
change, so the first process to build them saves them under the user's cache folder
(``SAFERPLACES_CACHE`` or the platform's cache directory), keyed on both, and later
connections read them from there as views.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path

import duckdb


def existing_tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Names of the tables and views of ``con``."""
    return {
        r[0]
        for r in con.execute(
            "select table_name from duckdb_tables() union all select view_name from duckdb_views()"
        ).fetchall()
    }


def cache_dir(name: str, code: Path, inputs: Sequence[Path]) -> Path | None:
    """The cache folder of a set of tables, keyed on the code that builds them and their inputs."""
    try:
        from platformdirs import user_cache_dir

        digest = hashlib.sha256(code.read_bytes())
        for path in inputs:
            digest.update(f"{path.name}:{path.stat().st_size}".encode())
        base = Path(os.environ.get("SAFERPLACES_CACHE") or user_cache_dir("saferplaces", appauthor=False))
        return base / f"{name}-{digest.hexdigest()[:16]}"
    except OSError:
        return None


def _load(con: duckdb.DuckDBPyConnection, cache: Path | None, tables: Sequence[str]) -> bool:
    if cache is None or not all((cache / f"{t}.parquet").exists() for t in tables):
        return False
    for table in tables:
        path = str(cache / f"{table}.parquet").replace("'", "''")
        con.execute(f"create or replace temp view {table} as select * from read_parquet('{path}')")
    return True


def _save(con: duckdb.DuckDBPyConnection, cache: Path | None, tables: Sequence[str]) -> None:
    """Write the tables for the next process; a cache that cannot be written is simply skipped."""
    if cache is None:
        return
    tmp = cache.with_name(f"{cache.name}.tmp-{uuid.uuid4().hex}")
    try:
        tmp.mkdir(parents=True)
        for table in tables:
            path = str(tmp / f"{table}.parquet").replace("'", "''")
            con.execute(f"copy {table} to '{path}' (format parquet)")
        os.replace(tmp, cache)
    except (OSError, duckdb.Error):
        shutil.rmtree(tmp, ignore_errors=True)


def install_cached(
    con: duckdb.DuckDBPyConnection,
    name: str,
    tables: Sequence[str],
    code: Path,
    inputs: Sequence[Path],
    build: Callable[[duckdb.DuckDBPyConnection], None],
) -> None:
    """Create ``tables`` in ``con``: from the cache when it holds them, else with ``build`` (then saved).

    Nothing happens when the connection already has the first of the tables.
    """
    if tables[0] in existing_tables(con):
        return
    cache = cache_dir(name, code, inputs)
    if _load(con, cache, tables):
        return
    build(con)
    _save(con, cache, tables)
