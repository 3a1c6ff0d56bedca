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

from saferplaces.data.input_files import LIMITS, separator_problem
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
        cells = next(csv.reader([first]), [])
    except csv.Error as exc:
        raise DataFormatError(
            f"The first line of {shown} is not a row of CSV column headings ({exc}).", choose
        ) from exc
    wrong = separator_problem(cells, f"The file {shown}")
    if wrong:
        raise wrong
    return cells


#: What to do about a header row repeated inside a file (the same words for both sources).
REPEATED_HEADER_ACTION = (
    "Delete the repeated header rows (a file joined from several parts keeps each part's header), "
    "then import the file again."
)


def repeats_header(column: str, names: Iterable[str]) -> str:
    """SQL condition: the value of ``column``, read as a column heading is, is one of ``names``.

    A row holding its own column's name is the header row again, as in a file joined from
    parts; each source puts this check first, so such a row is named for what it is rather
    than for the first value it breaks.
    """
    normalised = f"lower(regexp_replace(trim({column}), '[\\s.-]+', '_', 'g'))"
    return f"{column} is not null and list_contains({literal_list(names)}, {normalised})"


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


#: Rows without a key (a Crime ID, say) may repeat; more repeats than this of one row are reported.
MAX_REPEATS = 100


def repeated_row_warnings(
    con: duckdb.DuckDBPyConnection,
    table: str,
    names: dict[str, str],
    columns: Sequence[str],
    *,
    keyed: str,
    key: str | None,
    repeating: str,
    unkeyed: str,
    unkeyed_share: float | None = None,
) -> list[str]:
    """Warnings, with their counts, for rows that repeat others (they are loaded as they are).

    Both sources call this. ``table`` has a ``filename`` column (its display name is
    ``names[filename]``) and ``columns``. A row for which the SQL condition ``keyed`` holds
    names one crime: it is counted when another row of its file has the same ``key``
    (a SQL expression; None means the whole row, so only exact copies count). A row without a
    key may legitimately repeat (two incidents at one map point in a month, two thefts from one
    shop on one day), so exact copies of those are counted only when one row appears more than
    :data:`MAX_REPEATS` times, or, given ``unkeyed_share``, when all the copies in a file are
    more than that share of its rows (a file joined from overlapping parts). ``repeating`` and
    ``unkeyed`` finish the sentences: "repeating {repeating}", "{unkeyed} repeated up to".
    """
    row = "hash(filename, " + ", ".join(f'"{c}"' for c in columns) + ")"
    key_hash = f"hash(filename, {key})" if key else row
    share = "false" if unkeyed_share is None else f"all_copies > {float(unkeyed_share)} * rows"
    # rows are grouped by one 64-bit hash, several times faster than grouping by many text
    # columns (a collision, about one in 10^7 for a million rows, could only add one repeat
    # to a warning)
    found = con.execute(
        f"""
        select filename, with_key,
               case when {share} then all_copies else many_copies end, most
        from (select filename,
                     sum(n - 1) filter (where has_key) as with_key,
                     sum(n - 1) filter (where not has_key and n > {MAX_REPEATS}) as many_copies,
                     sum(n - 1) filter (where not has_key) as all_copies,
                     max(n) filter (where not has_key) as most
              from (select any_value(filename) as filename, any_value({keyed}) as has_key,
                           count(*) as n
                    from {table}
                    group by case when {keyed} then {key_hash} else {row} end
                    having count(*) > 1)
              group by filename)
        join (select filename, count(*) as rows from {table} group by filename) using (filename)
        order by filename
        """
    ).fetchall()
    out = []
    for filename, with_key, without_key, most in found:
        name = names.get(filename, filename)
        if with_key:
            loaded, copies = (
                ("it was loaded as it is", "it is a copy that crime is")
                if with_key == 1
                else ("they were loaded as they are", "they are copies those crimes are")
            )
            out.append(
                f"The file {name} has {with_key:,} {'row' if with_key == 1 else 'rows'} repeating "
                f"{repeating}; {loaded}, so if {copies} counted more than once. Check the file was not "
                "joined from overlapping parts."
            )
        if without_key:
            out.append(
                f"The file {name} has {unkeyed} repeated up to {most:,} times "
                f"({without_key:,} {'repeat' if without_key == 1 else 'repeats'}); they were loaded as "
                "they are. Check the file was not "
                "edited or joined from overlapping parts."
            )
    return out
