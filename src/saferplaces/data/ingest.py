"""Load data.police.uk street-level and outcomes files into the store.

An import is all or nothing. Every file is checked and every row written to a
work folder first; only when all of it is good are the new force-month files
moved into the store under new names and the new manifest renamed into place
(``Store.commit``). Any failure, a kill included, leaves the store as it was.
"""

from __future__ import annotations

import contextlib
import csv
import gzip
import io
import os
import re
import shutil
import uuid
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from saferplaces.data import policeuk_format as fmt
from saferplaces.data.files import READ_CHUNK, check_whole_gzip, sha256_of
from saferplaces.data.progress import Progress, no_progress
from saferplaces.data.sql import literal, literal_list
from saferplaces.data.store import Manifest, Store, checkpoint, reference_connection
from saferplaces.errors import DataFormatError, InputError, SaferPlacesError, StoreError

#: Files of 2022 and later whose LSOA codes exist in both vintages are read as 2021 codes.
VINTAGE_SWITCH_MONTH = "2022-01"


@dataclass(frozen=True)
class SourceFile:
    """One police.uk CSV to load (after any zip archive has been unpacked)."""

    path: Path
    name: str
    kind: str
    sha256: str


@dataclass(frozen=True)
class PartitionChange:
    dataset: str
    force: str
    month: str
    rows: int
    source: str
    action: str  # "added", "replaced" or "unchanged"
    previous_rows: int | None = None
    previous_source: str | None = None


@dataclass(frozen=True)
class IngestResult:
    """What an import did, partition by partition."""

    changes: tuple[PartitionChange, ...]
    files: int
    assumptions: tuple[str, ...] = field(default=())

    @property
    def rows_written(self) -> int:
        return sum(c.rows for c in self.changes if c.action != "unchanged")

    def count(self, action: str) -> int:
        return sum(1 for c in self.changes if c.action == action)

    def messages(self) -> list[str]:
        lines = []
        for c in self.changes:
            if c.action == "replaced":
                lines.append(
                    f"Replaced {c.dataset} for {c.force} {c.month}: {c.previous_rows:,} rows from "
                    f"{c.previous_source} are now {c.rows:,} rows from {c.source}."
                )
        return lines


# --------------------------------------------------------------------------------------------
# Finding and checking files


def _display(path: Path) -> str:
    return path.name


def _unpack_zip(archive: Path, work: Path) -> list[Path]:
    try:
        with zipfile.ZipFile(archive) as zf:
            members = [
                m for m in zf.infolist() if not m.is_dir() and fmt.kind_of(Path(m.filename).name) is not None
            ]
            if not members:
                raise DataFormatError(
                    f"The archive {archive.name} holds no police.uk street or outcomes CSV files.",
                    "Check it is an archive downloaded from data.police.uk.",
                )
            out = []
            target = work / f"zip-{uuid.uuid4().hex}"
            target.mkdir()
            for member in members:
                dest = target / Path(member.filename).name
                with zf.open(member) as src, open(dest, "wb") as dst:
                    shutil.copyfileobj(src, dst, READ_CHUNK)
                out.append(dest)
            return out
    except zipfile.BadZipFile as exc:
        raise DataFormatError(
            f"The file {archive.name} is not a readable zip archive ({exc}).",
            "Download the archive from data.police.uk again.",
        ) from exc


def discover(paths: Sequence[str | os.PathLike[str]], work: Path) -> list[Path]:
    """Expand files, folders (searched recursively) and zip archives into CSV paths."""
    if not paths:
        raise InputError("No files were given to ingest.", "Name at least one CSV, folder or zip.")
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise InputError(f"The path {raw} does not exist.", "Check the spelling and try again.")
        if path.is_dir():
            inside = sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and (fmt.kind_of(p.name) or p.suffix.lower() == ".zip")
            )
            if not inside:
                raise InputError(
                    f"The folder {raw} holds no police.uk CSV files or zip archives.",
                    "Name files like 2025-01-staffordshire-street.csv, or the folder that holds them.",
                )
            for p in inside:
                found.extend(_unpack_zip(p, work) if p.suffix.lower() == ".zip" else [p])
        elif path.suffix.lower() == ".zip":
            found.extend(_unpack_zip(path, work))
        else:
            found.append(path)
    return found


def _open_text(path: Path) -> io.TextIOBase:
    raw: io.BufferedIOBase = open(path, "rb")  # noqa: SIM115
    magic = raw.read(2)
    raw.seek(0)
    stream = gzip.GzipFile(fileobj=raw) if magic == b"\x1f\x8b" else raw
    return io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")


def check_header(path: Path) -> str:
    """Check the file is a non-empty UTF-8 police.uk CSV; return its kind.

    Raises
    ------
    DataFormatError
        With one sentence on what is wrong and one on what to do.
    """
    name = path.name
    if path.stat().st_size == 0:
        raise DataFormatError(f"The file {name} is empty.", "Download it again from data.police.uk.")
    try:
        with _open_text(path) as text:
            first = text.readline()
    except UnicodeDecodeError as exc:
        raise DataFormatError(
            f"The file {name} is not UTF-8 text, so it is not a police.uk CSV.",
            "Check you chose the right file, or save it again as UTF-8 CSV.",
        ) from exc
    except (EOFError, OSError, zlib.error) as exc:
        raise DataFormatError(
            f"The file {name} is a damaged or incomplete gzip file ({exc}).",
            "Download it again from data.police.uk.",
        ) from exc
    if not first.strip():
        raise DataFormatError(f"The file {name} is empty.", "Download it again from data.police.uk.")
    if "\x00" in first:
        raise DataFormatError(
            f"The file {name} is not a CSV file.", "Check you chose a police.uk street-level CSV."
        )
    header = tuple(next(csv.reader([first])))
    header = tuple(h.strip() for h in header)
    for kind, expected in (("street", fmt.STREET_COLUMNS), ("outcomes", fmt.OUTCOME_COLUMNS)):
        if header == expected:
            return kind
    expected = fmt.OUTCOME_COLUMNS if fmt.kind_of(name) == "outcomes" else fmt.STREET_COLUMNS
    missing = [c for c in expected if c not in header]
    extra = [c for c in header if c not in expected]
    if len(missing) == len(expected):
        kind_word = "outcomes" if expected is fmt.OUTCOME_COLUMNS else "street-level"
        raise DataFormatError(
            f"The file {name} does not start with the police.uk column headings, so it is not a "
            f"police.uk {kind_word} CSV.",
            "Check you chose the right file; police.uk files start with 'Crime ID,Month'.",
        )
    if missing:
        detail = (
            "has no "
            + ", ".join(f"'{c}'" for c in missing)
            + (" column" if len(missing) == 1 else " columns")
        )
    elif extra:
        detail = "has unexpected " + ", ".join(f"'{c}'" for c in extra[:3]) + " columns"
    else:
        detail = "has its columns in the wrong order"
    kind_word = "outcomes" if expected is fmt.OUTCOME_COLUMNS else "street-level"
    raise DataFormatError(
        f"The file {name} {detail}.",
        f"Check it is a police.uk {kind_word} CSV with the {len(expected)} standard columns.",
    )


# --------------------------------------------------------------------------------------------
# Validation of rows


def _read_csv_sql(paths: Sequence[Path], columns: Sequence[str]) -> str:
    files = literal_list(str(p) for p in paths)
    cols = "{" + ", ".join(f"{literal(c)}: 'VARCHAR'" for c in columns) + "}"
    return (
        f"read_csv({files}, columns={cols}, header=true, auto_detect=false, delim=',', "
        "quote='\"', escape='\"', filename=true, strict_mode=true, null_padding=false, "
        "encoding='utf-8')"
    )


def _friendly_duckdb_error(exc: Exception, name: str) -> DataFormatError:
    text = str(exc)
    if "unicode" in text.lower() or "utf-8" in text.lower() or "utf8" in text.lower():
        return DataFormatError(
            f"The file {name} contains bytes that are not UTF-8 text.",
            "Save it again as UTF-8 CSV, or download it again from data.police.uk.",
        )
    if "gzip" in text.lower() or "compress" in text.lower():
        return DataFormatError(
            f"The file {name} is a damaged or incomplete gzip file.",
            "Download it again from data.police.uk.",
        )
    line = re.search(r"[Ll]ine:? (\d+)", text)
    where = f" near line {line.group(1)}" if line else ""
    return DataFormatError(
        f"The file {name} cannot be read as CSV{where}: a row has the wrong number of fields "
        "or a broken quote.",
        "Check the file has not been edited by hand, or download it again from data.police.uk.",
    )


def _load_raw(
    con: duckdb.DuckDBPyConnection, table: str, files: Sequence[SourceFile], columns: Sequence[str]
) -> None:
    """Read the files into ``table``; on failure, find the file that broke and say so."""
    try:
        con.execute(
            f"create temp table {table} as select * from {_read_csv_sql([f.path for f in files], columns)}"
        )
    except duckdb.Error as exc:
        # read each file whole (every column decoded) to find the one that broke
        for f in files:
            try:
                con.execute(
                    f"create or replace temp table probe as select * from {_read_csv_sql([f.path], columns)}"
                )
            except duckdb.Error as inner:
                raise _friendly_duckdb_error(inner, f.name) from inner
            finally:
                con.execute("drop table if exists probe")
        names = ", ".join(f.name for f in files)
        raise _friendly_duckdb_error(exc, names) from exc


def _first_bad(
    con: duckdb.DuckDBPyConnection, table: str, condition: str, column: str
) -> tuple[str, int, str] | None:
    row = con.execute(
        f'select filename, count(*), any_value("{column}") from {table} '
        f"where {condition} group by filename order by filename limit 1"
    ).fetchone()
    return (row[0], row[1], row[2]) if row else None


def _validate_rows(
    con: duckdb.DuckDBPyConnection,
    table: str,
    names: dict[str, str],
    kind: str,
    files_with_rows: set[str],
) -> None:
    """Check every row in one pass; on a failure, find the file and an example to name."""
    for path, name in names.items():
        if path not in files_with_rows:
            raise DataFormatError(
                f"The file {name} has a header but no rows.",
                "Download it again from data.police.uk.",
            )
    checks = [
        (
            f'"Month" is null or not regexp_full_match("Month", \'{fmt.MONTH.pattern[1:-1]}\')',
            "Month",
            "whose Month is not a year and month like 2025-01",
            "Check the file is an unedited police.uk download.",
        ),
        (
            '("Longitude" is null) <> ("Latitude" is null)'
            ' or ("Longitude" is not null and (try_cast("Longitude" as double) is null'
            f' or try_cast("Longitude" as double) not between {fmt.LONGITUDE_RANGE[0]}'
            f" and {fmt.LONGITUDE_RANGE[1]}))"
            ' or ("Latitude" is not null and (try_cast("Latitude" as double) is null'
            f' or try_cast("Latitude" as double) not between {fmt.LATITUDE_RANGE[0]}'
            f" and {fmt.LATITUDE_RANGE[1]}))",
            "Longitude",
            "whose coordinates are not a longitude and latitude in the United Kingdom",
            "Check the Longitude and Latitude columns have not been swapped or edited.",
        ),
        (
            '"Falls within" is null',
            "Falls within",
            "with no police force in 'Falls within'",
            "Check the file is an unedited police.uk download.",
        ),
    ]
    if kind == "street":
        checks.insert(
            1,
            (
                f'"Crime type" is null or "Crime type" not in '
                f"({', '.join(literal(t) for t in fmt.CRIME_TYPES)})",
                "Crime type",
                "whose Crime type is not one of the 14 police.uk crime types",
                "Check the file is an unedited police.uk street-level CSV.",
            ),
        )
    totals = con.execute(
        "select " + ", ".join(f"count(*) filter (where {c})" for c, *_ in checks) + f" from {table}"
    ).fetchone()
    for (condition, column, what, action), total in zip(checks, totals, strict=True):
        if not total:
            continue
        filename, count, example = _first_bad(con, table, condition, column)
        plural = "row" if count == 1 else "rows"
        raise DataFormatError(
            f"The file {names[filename]} has {count:,} {plural} {what}, for example "
            f"'{example if example is not None else ''}'.",
            action,
        )


# --------------------------------------------------------------------------------------------
# Writing


def _force_of_files(
    con: duckdb.DuckDBPyConnection, table: str, files: Sequence[SourceFile]
) -> dict[str, str]:
    """Return {file path: force slug}, from the file name or else from 'Falls within'."""
    slugs = dict(con.execute("select force_name, force from forces").fetchall())
    forces: dict[str, str] = {}
    for f in files:
        match = fmt.FILE_NAME.match(f.name)
        if match:
            forces[str(f.path)] = match.group("force")
            continue
        names = [
            r[0]
            for r in con.execute(
                f'select distinct "Falls within" from {table} where filename = ?', [str(f.path)]
            ).fetchall()
        ]
        if len(names) != 1:
            raise DataFormatError(
                f"The file {f.name} holds rows from {len(names)} police forces.",
                "Ingest one file per force and month, as data.police.uk provides them.",
            )
        forces[str(f.path)] = slugs.get(names[0]) or re.sub(r"[^a-z0-9]+", "-", names[0].lower()).strip("-")
    return forces


def _file_months(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple[str, str, int]]:
    """(file, month, rows) for every month found in every file."""
    return con.execute(
        f'select filename, "Month", count(*) from {table} group by all order by all'
    ).fetchall()


def _partitions(
    file_months: list[tuple[str, str, int]], files: Sequence[SourceFile], forces: dict[str, str]
) -> dict[tuple[str, str], tuple[SourceFile, int]]:
    by_path = {str(f.path): f for f in files}
    parts: dict[tuple[str, str], tuple[SourceFile, int]] = {}
    for filename, month, rows in file_months:
        source = by_path[filename]
        key = (forces[filename], month)
        if key in parts and parts[key][0].sha256 != source.sha256:
            raise InputError(
                f"Two files hold {key[0]} {key[1]}: {parts[key][0].name} and {source.name}.",
                "Ingest only one file for each force and month.",
            )
        if key in parts:
            continue  # the very same file given twice
        parts[key] = (source, rows)
    return parts


def _street_select(table: str, where: str) -> str:
    """The enriched crime rows: file metadata, LSOA vintage, and the geography lookups."""
    return f"""
        with file_vintage as (
            select r.filename,
                   case when count(*) filter (where c.in21 and not c.in11)
                             > count(*) filter (where c.in11 and not c.in21) then '2021'
                        when count(*) filter (where c.in11 and not c.in21) > 0 then '2011'
                        when min(r."Month") >= '{VINTAGE_SWITCH_MONTH}' then '2021'
                        else '2011' end as vintage
            from {table} r left join lsoa_codes c on c.lsoa_code = r."LSOA code"
            group by r.filename
        ),
        vintaged as (
            select r.*, m.force, m.source_name,
                   case when c.lsoa_code is null then null
                        when c.in21 and not c.in11 then '2021'
                        when c.in11 and not c.in21 then '2011'
                        else fv.vintage end as lsoa_vintage
            from {table} r
            join file_meta m on m.filename = r.filename
            join file_vintage fv on fv.filename = r.filename
            left join lsoa_codes c on c.lsoa_code = r."LSOA code"
            where {where}
        )
        select
            nullif(v."Crime ID", '') as crime_id,
            v."Reported by" as reported_by,
            v."Falls within" as falls_within,
            try_cast(v."Longitude" as double) as longitude,
            try_cast(v."Latitude" as double) as latitude,
            v."Location" as location,
            nullif(v."LSOA code", '') as lsoa_code,
            nullif(v."LSOA name", '') as lsoa_name,
            v."Crime type" as crime_type,
            nullif(v."Last outcome category", '') as last_outcome_category,
            nullif(v."Context", '') as context,
            v.lsoa_vintage,
            v.force,
            v."Month" as month
        from vintaged v
    """


def _outcome_select(table: str, where: str) -> str:
    return f"""
        select nullif(r."Crime ID", '') as crime_id, r."Reported by" as reported_by,
               r."Falls within" as falls_within,
               try_cast(r."Longitude" as double) as longitude,
               try_cast(r."Latitude" as double) as latitude,
               r."Location" as location, nullif(r."LSOA code", '') as lsoa_code,
               nullif(r."LSOA name", '') as lsoa_name, r."Outcome type" as outcome_type,
               m.source_name as source_file, m.force, r."Month" as month
        from {table} r join file_meta m on m.filename = r.filename
        where {where}
    """


def _commit(
    store: Store, staged: Path, dataset_parts: list[tuple[str, str, str]], manifest: Manifest
) -> None:
    """Place each staged partition's files in the store under new names, then commit the manifest."""
    for dataset, force, month in dataset_parts:
        folder = f"{dataset}/force={force}/month={month}"
        files = sorted((staged / folder).iterdir())
        manifest.partitions[Manifest.key(dataset, force, month)]["files"] = [
            store.place(path, folder) for path in files
        ]
    store.commit(manifest)


def ingest(
    paths: Sequence[str | os.PathLike[str]],
    store: Store,
    progress: Progress = no_progress,
) -> IngestResult:
    """Load police.uk street-level and outcomes files into ``store``, all or nothing.

    Parameters
    ----------
    paths
        CSV files (plain or gzip), folders holding them, or data.police.uk zip archives.
    store
        The store to load into.
    progress
        Called with each step's progress.

    Returns
    -------
    IngestResult
        One change per force-month: added, replaced or unchanged.

    Raises
    ------
    InputError, DataFormatError, StoreError
        With a sentence on what is wrong and one on what to do. The store is unchanged.
    """
    # a failed first import removes what it made, under the lock (see Store.lock)
    return _ingest_in_store(paths, store, progress)


def _ingest_in_store(
    paths: Sequence[str | os.PathLike[str]], store: Store, progress: Progress
) -> IngestResult:
    with store.lock():
        work = store.new_work_dir("ingest")
        try:
            return _ingest_locked(paths, store, work, progress)
        except SaferPlacesError:
            raise
        except OSError as exc:
            raise StoreError(
                f"The import stopped because a file could not be read or written "
                f"({exc.strerror or exc}); nothing was changed.",
                "Check there is free disk space and the files are readable, then try again.",
            ) from exc
        except duckdb.Error as exc:
            raise StoreError(
                f"The import stopped because the database reported a problem ({exc}); nothing was changed.",
                "Try again; if it happens again, report it with the file that caused it.",
            ) from exc
        finally:
            shutil.rmtree(work, ignore_errors=True)
            with contextlib.suppress(OSError):
                work.parent.rmdir()  # the .work folder, when no other import is using it


def _ingest_locked(
    paths: Sequence[str | os.PathLike[str]], store: Store, work: Path, progress: Progress
) -> IngestResult:
    csv_paths = discover(paths, work)
    total = len(csv_paths)
    sources: list[SourceFile] = []
    for i, path in enumerate(csv_paths):
        progress("Checking files", i, total)
        kind = check_header(path)
        check_whole_gzip(path, "Download it again from data.police.uk.")
        sources.append(SourceFile(path=path, name=_display(path), kind=kind, sha256=sha256_of(path)))
    progress("Checking files", total, total)

    manifest = store.read_manifest()
    con = reference_connection()
    con.execute("set preserve_insertion_order = false")
    # one file is open per force-month while writing; the default limit of 100 thrashes
    con.execute("set partitioned_write_max_open_files = 100000")
    con.execute(
        "create temp table lsoa_codes as select lsoa_code, bool_or(vintage = '2021') as in21, "
        "bool_or(vintage = '2011') as in11 from lsoa_lookup group by lsoa_code"
    )
    changes: list[PartitionChange] = []
    staged = work / "staged"
    plans: list[tuple[str, str, str]] = []
    now = datetime.now(UTC).isoformat(timespec="seconds")
    steps = [("crimes", "street", fmt.STREET_COLUMNS), ("outcomes", "outcomes", fmt.OUTCOME_COLUMNS)]
    for dataset, kind, columns in steps:
        files = [s for s in sources if s.kind == kind]
        if not files:
            continue
        table = f"raw_{kind}"
        progress(f"Reading {kind} files", 0, 1)
        _load_raw(con, table, files, columns)
        names = {str(f.path): f.name for f in files}
        file_months = _file_months(con, table)
        _validate_rows(con, table, names, kind, {f for f, _, _ in file_months})
        forces = _force_of_files(con, table, files)
        parts = _partitions(file_months, files, forces)
        todo: list[tuple[str, str]] = []
        for (force, month), (source, rows) in sorted(parts.items()):
            key = Manifest.key(dataset, force, month)
            held = manifest.partitions.get(key)
            if held and held["sha256"] == source.sha256:
                action = "unchanged"
            else:
                action = "replaced" if held else "added"
                todo.append((force, month))
                manifest.partitions[key] = {
                    "sha256": source.sha256,
                    "source": source.name,
                    "rows": rows,
                    "ingested_at": now,
                }
            changes.append(
                PartitionChange(
                    dataset,
                    force,
                    month,
                    rows,
                    source.name,
                    action,
                    previous_rows=held["rows"] if held else None,
                    previous_source=held["source"] if held else None,
                )
            )
        progress(f"Reading {kind} files", 1, 1)
        if not todo:
            continue
        con.execute(
            "create or replace temp table file_meta (filename varchar, force varchar, source_name varchar)"
        )
        con.execute(
            "insert into file_meta values "
            + ", ".join(f"({literal(p)}, {literal(forces[p])}, {literal(n)})" for p, n in names.items())
        )
        if len(todo) == len(parts):
            where = "true"
        else:
            con.execute("create or replace temp table todo (force varchar, month varchar)")
            con.execute(
                "insert into todo values " + ", ".join(f"({literal(f)}, {literal(m)})" for f, m in todo)
            )
            where = '(m.force, r."Month") in (select (force, month) from todo)'
        select = (_street_select if kind == "street" else _outcome_select)(table, where)
        progress(f"Writing {dataset}", 0, 1)
        staged.mkdir(parents=True, exist_ok=True)
        out = str(staged / dataset).replace("'", "''")
        con.execute(
            f"copy ({select}) to '{out}' (format parquet, partition_by (force, month), "
            "overwrite_or_ignore true)"
        )
        progress(f"Writing {dataset}", 1, 1)
        checkpoint(f"ingest: {dataset} staged")
        plans.extend((dataset, f, m) for f, m in todo)
        if kind == "street":
            glob = str(staged / dataset / "*" / "*" / "*.parquet").replace("'", "''")
            for force, month, vintage in con.execute(
                f"select force, month, mode(lsoa_vintage) from read_parquet('{glob}', "
                "hive_partitioning=true, hive_types={'force': VARCHAR, 'month': VARCHAR}) "
                "group by all"
            ).fetchall():
                manifest.partitions[Manifest.key(dataset, force, month)]["lsoa_vintage"] = vintage
    con.close()
    if plans:
        progress("Saving", 0, 1)
        _commit(store, staged, plans, manifest)
        progress("Saving", 1, 1)
    return IngestResult(changes=tuple(changes), files=len(sources))
