"""The one import pipeline that police.uk files and partner extracts both go through.

Each source keeps only what is its own (its columns, its row checks, how its rows are placed in
the geography); the steps they share are here, once:

1. **Read**: the file's bytes are checked by :mod:`saferplaces.data.input_files` (readable, a
   regular file, compression from the first bytes, the size and ratio limits); its first line
   must be a row of CSV headings (:func:`header_row`); DuckDB reads every file with the same
   strict CSV settings (:func:`read_csv_sql`).
2. **Validate**: the source's own checks of every row, naming the file and a line.
3. **Place and stage**: rows are written as Parquet to a work folder of the store.
4. **Commit**: the staged files move into the store under the SHA-256 of their bytes and the
   new manifest is renamed into place in one step (:func:`commit_staged`).

All of it runs under the store's write lock in a work folder that is removed whatever happens;
any failure is one plain message and leaves the store as it was (:func:`run_import`).
"""

from __future__ import annotations

import contextlib
import csv
import os
import shutil
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import duckdb

from saferplaces.data.input_files import LIMITS
from saferplaces.data.io_failures import import_failure
from saferplaces.data.progress import Progress, no_progress
from saferplaces.data.sql import literal, literal_list
from saferplaces.data.store import Manifest, Store
from saferplaces.errors import DataFormatError, SaferPlacesError

T = TypeVar("T")


def run_import(store: Store, purpose: str, body: Callable[[Path], T]) -> T:
    """Run ``body(work)`` under the store's write lock, with a new work folder; all or nothing.

    The work folder (``.work/<purpose>-<id>`` in the store) is removed afterwards, and the
    ``.work`` folder too when no other import is using it. An error of the operating system or
    of DuckDB becomes one plain message (:func:`~saferplaces.data.io_failures.import_failure`:
    disk full, permission denied, out of memory, Ctrl+C); the store is unchanged unless ``body``
    reached :func:`commit_staged`. A failed first import removes what it made, under the lock
    (see ``Store.lock``).
    """
    with store.lock():
        work = store.new_work_dir(purpose)
        try:
            return body(work)
        except SaferPlacesError:
            raise
        except (OSError, RuntimeError, duckdb.Error) as exc:
            raise import_failure(exc) from exc
        finally:
            shutil.rmtree(work, ignore_errors=True)
            with contextlib.suppress(OSError):
                work.parent.rmdir()  # the .work folder, when no other import is using it


def header_row(first: str, shown: str, again: str, choose: str) -> list[str]:
    """The cells of a file's first line (read by ``input_files.first_line``), or a refusal.

    ``again`` is what to do when the file is empty; ``choose`` when it is not a CSV file
    (a NUL byte, or a first line that is not a row of CSV cells).
    """
    if not first.strip():
        raise DataFormatError(f"The file {shown} is empty.", again)
    if "\x00" in first:
        raise DataFormatError(f"The file {shown} is not a CSV file.", choose)
    try:
        return next(csv.reader([first]), [])
    except csv.Error as exc:
        raise DataFormatError(
            f"The first line of {shown} is not a row of CSV column headings ({exc}).", choose
        ) from exc


def read_csv_sql(
    paths: Sequence[Path], columns: Sequence[str], compression: str, *, filename: bool = False
) -> str:
    """DuckDB's ``read_csv`` of ``paths``, every column text, as strictly as both sources read.

    ``compression`` is ``"gzip"`` or ``"none"`` (from the files' first bytes, never their
    names); ``filename`` adds the column naming each row's file.
    """
    files = literal_list(str(p) for p in paths)
    cols = "{" + ", ".join(f"{literal(c)}: 'VARCHAR'" for c in columns) + "}"
    return (
        f"read_csv({files}, columns={cols}, header=true, auto_detect=false, delim=',', "
        f"quote='\"', escape='\"', filename={'true' if filename else 'false'}, strict_mode=true, "
        f"null_padding=false, encoding='utf-8', compression={literal(compression)}, "
        f"max_line_size={LIMITS.line_bytes})"
    )


def manifest_entry(sha256: str, source: str, rows: int, **more: Any) -> dict[str, Any]:
    """A manifest entry for what one file brings: its fingerprint, name, rows and when."""
    return {
        "sha256": sha256,
        "source": source,
        "rows": int(rows),
        "ingested_at": datetime.now(UTC).isoformat(timespec="seconds"),
        **more,
    }


def sync_ahead(paths: Sequence[Path], threads: int = 8) -> None:
    """Flush the staged files to the disk together, before ``Store.place`` syncs each in turn.

    One flush per file in turn waits for the disk hundreds of times; flushed together, the file
    system writes them in a few batches, and each ``place`` then finds its file already on disk.
    What is synced, placed and committed, and in what order, is unchanged (docs/data-store.md).
    """

    def sync(path: Path) -> None:
        handle = os.open(path, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)

    if len(paths) > 1:
        with ThreadPoolExecutor(max_workers=threads) as pool:
            list(pool.map(sync, paths))


def commit_staged(
    store: Store,
    manifest: Manifest,
    staged: Iterable[tuple[dict[str, Any], str, Sequence[Path]]],
    progress: Progress = no_progress,
) -> int:
    """Place staged files in the store and commit ``manifest``; return the new snapshot's id.

    ``staged`` holds, for each manifest entry written, the entry, the store folder its files
    belong in and the staged files; each file is moved to that folder under the SHA-256 of its
    bytes (``Store.place``) and listed in the entry, then the manifest is committed in one
    atomic rename (``Store.commit``). Called inside :func:`run_import`.
    """
    progress("Saving", 0, 1)
    staged = list(staged)
    sync_ahead([path for _, _, files in staged for path in files])
    for entry, folder, files in staged:
        entry["files"] = [store.place(path, folder) for path in sorted(files)]
    snapshot = store.commit(manifest)
    progress("Saving", 1, 1)
    return snapshot
