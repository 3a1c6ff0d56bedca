"""Load data.police.uk street-level and outcomes files into the store.

An import is all or nothing. Every file is checked and every row written to a
work folder first; only when all of it is good are the new force-month files
moved into the store under new names and the new manifest renamed into place
(``Store.commit``). Any failure, a kill included, leaves the store as it was.
Partner extracts go through the same steps (:mod:`saferplaces.data.pipeline`).
"""

from __future__ import annotations

import csv
import gzip
import io
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb

from saferplaces.data import policeuk_format as fmt
from saferplaces.data.input_files import (
    check_readable_file,
    check_total,
    first_line,
    friendly_csv_error,
    not_csv,
    office_document,
    read_whole,
    sniff,
    unpack_zip,
    walk_folder,
)
from saferplaces.data.periods import month_index
from saferplaces.data.pipeline import (
    REPEATED_HEADER_ACTION,
    commit_staged,
    header_row,
    manifest_entry,
    read_csv_sql,
    repeated_row_warnings,
    repeats_header,
    run_import,
)
from saferplaces.data.progress import Progress, no_progress
from saferplaces.data.sql import literal, literal_list
from saferplaces.data.store import Manifest, Store, checkpoint, reference_connection
from saferplaces.errors import DataFormatError, InputError
from saferplaces.errors import example as shown_example

#: Files of 2022 and later whose LSOA codes exist in both vintages are read as 2021 codes.
VINTAGE_SWITCH_MONTH = "2022-01"


@dataclass(frozen=True)
class SourceFile:
    """One police.uk CSV to load (after any zip archive has been unpacked)."""

    path: Path
    name: str
    kind: str
    sha256: str
    shown: str = ""  # how messages name it (an archive's file: "archive.zip: folder/name.csv")
    compression: str = "plain"  # "plain" or "gzip", from the first bytes

    @property
    def label(self) -> str:
        return self.shown or self.name


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
    """What an import did, partition by partition.

    Attributes
    ----------
    changes
        One entry per dataset, force and month read: added, replaced or unchanged.
    files
        The files read (a file given twice counts once).
    notes
        Warnings and notes on what was done: files read once although given twice, rows
        repeated exactly (loaded as they are).
    """

    changes: tuple[PartitionChange, ...]
    files: int
    assumptions: tuple[str, ...] = field(default=())
    notes: tuple[str, ...] = field(default=())

    @property
    def rows_written(self) -> int:
        return sum(c.rows for c in self.changes if c.action != "unchanged")

    def count(self, action: str) -> int:
        return sum(1 for c in self.changes if c.action == action)

    def force_months(self, action: str) -> list[str]:
        """Sentences naming the force-months that were ``action`` ("added" or "replaced")."""
        words = {"crimes": "street-level crimes", "outcomes": "outcomes"}
        groups: dict[tuple[str, str], list[str]] = {}
        for c in self.changes:
            if c.action == action:
                groups.setdefault((c.dataset, c.force), []).append(c.month)
        return [
            f"{action.capitalize()} {words.get(dataset, dataset)} for {force}: {month_ranges(months)}."
            for (dataset, force), months in sorted(groups.items())
        ]

    def messages(self) -> list[str]:
        """Sentences for the user: what was added and replaced, then any warnings."""
        lines = self.force_months("added")
        for c in self.changes:
            if c.action == "replaced":
                lines.append(
                    f"Replaced {c.dataset} for {c.force} {c.month}: {c.previous_rows:,} rows from "
                    f"{c.previous_source} are now {c.rows:,} rows from {c.source}."
                )
        lines.extend(self.notes)
        return lines


def month_ranges(months: Sequence[str]) -> str:
    """Months as runs: ["2025-01", "2025-02", "2025-03", "2025-06"] -> "2025-01 to 2025-03, 2025-06"."""
    ordered = sorted(set(months))
    runs: list[list[str]] = []
    for month in ordered:
        if runs and month_index(month) == month_index(runs[-1][-1]) + 1:
            runs[-1].append(month)
        else:
            runs.append([month])
    return ", ".join(run[0] if len(run) == 1 else f"{run[0]} to {run[-1]}" for run in runs)


# --------------------------------------------------------------------------------------------
# Finding and checking files

#: Police.uk data begin in December 2010.
FIRST_MONTH = "2010-12"
AGAIN = "Download it again from data.police.uk."


@dataclass(frozen=True)
class FoundFile:
    """A file to read: where it is, its own name, and how messages name it."""

    path: Path
    name: str
    shown: str


def _display(path: Path) -> str:
    return path.name


def _is_police_uk_name(name: str) -> bool:
    return fmt.kind_of(name) is not None


def _unpack_zip(
    archive: Path, work: Path, shown: str | None = None, wanted: _ForceFilter | None = None
) -> tuple[list[FoundFile], list[str]]:
    office = office_document(archive)
    if office:
        raise not_csv(shown or archive.name, office)
    wanted = wanted or _ForceFilter(())
    passed_over = len(wanted.skipped)
    unpacked = unpack_zip(archive, shown or archive.name, work, wanted, AGAIN)
    if not unpacked.files and len(wanted.skipped) == passed_over:
        raise DataFormatError(
            f"The archive {shown or archive.name} holds no police.uk street or outcomes CSV files.",
            "Check it is an archive downloaded from data.police.uk.",
        )
    return [FoundFile(u.path, u.name, u.shown) for u in unpacked.files], list(unpacked.notes)


class _ForceFilter:
    """Which police.uk file names to read when only some forces are wanted; counts the others."""

    def __init__(self, forces: Sequence[str]) -> None:
        self.forces = frozenset(forces)
        self.skipped: set[str] = set()

    def __call__(self, name: str) -> bool:
        match = fmt.FILE_NAME.match(name)
        if not match:
            return False
        if self.forces and match.group("force") not in self.forces:
            self.skipped.add(name)
            return False
        return True

    def note(self) -> list[str]:
        if not self.skipped:
            return []
        count = len(self.skipped)
        files = "file for another force was" if count == 1 else "files for other forces were"
        chosen = ", ".join(sorted(self.forces))
        return [f"{count:,} police.uk {files} passed over unread (--force {chosen})."]


def discover_files(
    paths: Sequence[str | os.PathLike[str]], work: Path, forces: Sequence[str] = ()
) -> tuple[list[FoundFile], list[str]]:
    """Expand files, folders (searched recursively) and zip archives into the CSVs to read.

    Whether a file is a zip archive, gzip or plain text is read from its first bytes. With
    ``forces`` (police.uk slugs), files whose name gives another force are passed over without
    being unpacked or read (a national archive holds every force). Returns the files and notes
    on what was done (a file found twice in an archive, files of other forces passed over).
    """
    if not paths:
        raise InputError("No files were given to ingest.", "Name at least one CSV, folder or zip.")
    found: list[FoundFile] = []
    notes: list[str] = []
    wanted = _ForceFilter(forces)

    def add(path: Path, shown: str) -> None:
        if sniff(path, shown) == "zip":
            files, more = _unpack_zip(path, work, shown, wanted)
            found.extend(files)
            notes.extend(more)
        elif not forces or wanted(path.name) or not fmt.FILE_NAME.match(path.name):
            found.append(FoundFile(path, path.name, shown))

    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            inside = walk_folder(
                path, str(raw), lambda p: _is_police_uk_name(p.name) or p.suffix.lower() == ".zip"
            )
            if not inside:
                raise InputError(
                    f"The folder {raw} holds no police.uk CSV files or zip archives.",
                    "Name files like 2025-01-staffordshire-street.csv, or the folder that holds them.",
                )
            for p in inside:
                add(p, str(p.relative_to(path.parent)) if p.is_relative_to(path.parent) else str(p))
        else:
            check_readable_file(path, str(raw))
            add(path, path.name)
    if forces and not found:
        chosen = ", ".join(sorted(wanted.forces))
        raise InputError(
            f"None of the files given is for the force chosen with --force ({chosen}); "
            f"{len(wanted.skipped):,} police.uk files for other forces were passed over.",
            "Check the force's police.uk name (as in 2025-01-staffordshire-street.csv) or leave out --force.",
        )
    return found, notes + wanted.note()


def discover(paths: Sequence[str | os.PathLike[str]], work: Path) -> list[Path]:
    """Expand files, folders (searched recursively) and zip archives into CSV paths."""
    return [f.path for f in discover_files(paths, work)[0]]


def check_header(path: Path, shown: str | None = None) -> str:
    """Check the file is a non-empty UTF-8 police.uk CSV; return its kind.

    Raises
    ------
    DataFormatError
        With one sentence on what is wrong and one on what to do.
    """
    name = shown or path.name
    if path.stat().st_size == 0:
        raise DataFormatError(f"The file {name} is empty.", AGAIN)
    cells = header_row(
        first_line(path, name, AGAIN),
        name,
        AGAIN,
        "Check you chose the right file; police.uk files start with 'Crime ID,Month'.",
    )
    header = tuple(h.strip() for h in cells)
    for kind, expected in (("street", fmt.STREET_COLUMNS), ("outcomes", fmt.OUTCOME_COLUMNS)):
        if header == expected:
            return kind
    expected = fmt.OUTCOME_COLUMNS if fmt.kind_of(path.name) == "outcomes" else fmt.STREET_COLUMNS
    missing = [c for c in expected if c not in header]
    extra = [c for c in header if c not in expected]
    spelt = {c.casefold(): c for c in expected}
    recased = [(h, spelt[h.casefold()]) for h in extra if h.casefold() in spelt]
    repeated = next((h for i, h in enumerate(header) if h in header[:i]), None)
    if "" in header or recased or repeated is not None:
        if "" in header:
            detail = f"has a column with no name (column {header.index('') + 1} of {len(header)})"
        elif recased:
            given, standard = recased[0]
            detail = f"has the column '{shown_example(given)}', which police.uk writes '{standard}'"
        else:
            detail = f"has two '{shown_example(repeated)}' columns"
        kind_word = "outcomes" if expected is fmt.OUTCOME_COLUMNS else "street-level"
        raise DataFormatError(
            f"The file {name} {detail}.",
            f"Check it is an unedited police.uk {kind_word} CSV with the {len(expected)} standard columns.",
        )
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
        detail = "has unexpected " + ", ".join(f"'{shown_example(c)}'" for c in extra[:3]) + " columns"
    else:
        detail = "has its columns in the wrong order"
    kind_word = "outcomes" if expected is fmt.OUTCOME_COLUMNS else "street-level"
    raise DataFormatError(
        f"The file {name} {detail}.",
        f"Check it is a police.uk {kind_word} CSV with the {len(expected)} standard columns.",
    )


def check_file_name(name: str, shown: str, known_forces: set[str], today: date | None = None) -> None:
    """Refuse a police.uk file name whose force is unknown or whose month is out of range."""
    match = fmt.FILE_NAME.match(name)
    if not match:
        return
    force, month = match.group("force"), match.group("month")
    if not fmt.MONTH.match(month):
        raise DataFormatError(
            f"The file name {shown} holds '{month}', which is not a month.",
            "Rename it as police.uk names files, for example 2025-01-staffordshire-street.csv.",
        )
    if force not in known_forces:
        raise DataFormatError(
            f"The file name {shown} names the force '{force}', which is not a police.uk force.",
            "Rename it with the force's police.uk name, for example 2025-01-staffordshire-street.csv.",
        )
    _check_month_in_range(month, f"The file name {shown} holds the month {month}", today)


def last_month(today: date | None = None) -> str:
    """The current month (YYYY-MM): no police.uk file can hold a later one."""
    today = today or date.today()
    return f"{today.year:04d}-{today.month:02d}"


def _check_month_in_range(month: str, what: str, today: date | None) -> None:
    if month < FIRST_MONTH:
        raise DataFormatError(
            f"{what}, before December 2010, when police.uk data begin.",
            "Check the file's months; police.uk publishes no earlier data.",
        )
    if month > last_month(today):
        raise DataFormatError(
            f"{what}, which is after the current month ({last_month(today)}).",
            "Check the file's months and the computer's date.",
        )


def _known_forces() -> set[str]:
    from saferplaces.data.download import police_uk_forces  # download imports this module

    return set(police_uk_forces())


def check_files(
    paths: Sequence[str | os.PathLike[str]],
    work: Path,
    known_forces: set[str],
    progress: Progress = no_progress,
    today: date | None = None,
    forces: Sequence[str] = (),
) -> tuple[list[SourceFile], list[str]]:
    """Find every file (of ``forces`` only, when given), check its name, header and bytes, and
    fingerprint it.

    The very same file given twice (by two paths, or twice in an archive) is read once and
    said so in the notes returned.
    """
    found, notes = discover_files(paths, work, forces)
    total = len(found)
    sources: list[SourceFile] = []
    by_sha: dict[str, SourceFile] = {}
    bytes_in = bytes_out = 0
    blank_lines: DataFormatError | None = None
    # Reading every byte (SHA-256, gzip inflate, NUL scan) is the slow part: it runs ahead on a
    # thread per core (hashing and inflating let other threads run), while the checks below
    # take the files in order, so the first file that fails is still the one named.
    pool = ThreadPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1)))
    try:
        reads = [pool.submit(read_whole, f.path, f.shown, AGAIN, later=True) for f in found]
        for i, f in enumerate(found):
            progress("Checking files", i, total)
            check_file_name(f.name, f.shown, known_forces, today)
            kind = check_header(f.path, f.shown)
            facts = reads[i].result()
            bytes_in += facts.size
            bytes_out += facts.uncompressed_size
            check_total(bytes_in, bytes_out, f"The files given, up to {f.shown},")
            # said after every file's size is counted, so that many small bombs are named as such
            blank_lines = blank_lines or facts.blank_lines
            if facts.sha256 in by_sha:
                first = by_sha[facts.sha256]
                notes.append(f"{f.shown} is the same file as {first.shown}; it was read once.")
                continue
            source = SourceFile(
                path=f.path,
                name=f.name,
                kind=kind,
                sha256=facts.sha256,
                shown=f.shown,
                compression=facts.compression,
            )
            by_sha[facts.sha256] = source
            sources.append(source)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)  # a failure or Ctrl+C: stop reading ahead
    if blank_lines is not None:
        raise blank_lines
    progress("Checking files", total, total)
    return sources, notes


# --------------------------------------------------------------------------------------------
# Validation of rows


def _friendly_duckdb_error(exc: Exception, name: str, path: Path | None = None) -> DataFormatError:
    return friendly_csv_error(
        exc,
        name,
        "Check the file has not been edited by hand, or download it again from data.police.uk.",
        path,
    )


def file_numbers(files: Sequence[SourceFile]) -> dict[int, SourceFile]:
    """Number the files in the order of their paths, the order messages name them in.

    Rows carry their file's number (an integer) rather than its path: every join, grouping
    and partition key over millions of rows is then on one integer instead of a long text.
    """
    return dict(enumerate(sorted(files, key=lambda f: str(f.path))))


def _raw_select(numbered: dict[int, SourceFile], columns: Sequence[str]) -> str:
    """Every file's rows with their file's number as ``filename``; gzip and plain files are read
    apart (compression comes from the bytes)."""
    parts = []
    for compression in ("plain", "gzip"):
        group = [(n, f) for n, f in numbered.items() if f.compression == compression]
        if not group:
            continue
        read = read_csv_sql([f.path for _, f in group], columns, "gzip" if compression == "gzip" else "none")
        numbers = [n for n, _ in group]
        if numbers == list(range(numbers[0], numbers[0] + len(numbers))):
            number = f"file_index::integer + {numbers[0]}"
        else:
            number = f"{literal_list(numbers)}[file_index::bigint + 1]"
        # file_index is the position of the row's file in the list read
        parts.append(f"select *, {number} as filename from {read}")
    return " union all ".join(parts)


def _load_raw(
    con: duckdb.DuckDBPyConnection,
    table: str,
    numbered: dict[int, SourceFile],
    columns: Sequence[str],
    files: Sequence[SourceFile],
) -> None:
    """Read the files into ``table``; on failure, find the file that broke (trying ``files`` in
    the order given) and say so."""
    try:
        con.execute(f"create temp table {table} as {_raw_select(numbered, columns)}")
    except duckdb.InterruptException:
        raise KeyboardInterrupt from None
    except duckdb.Error as exc:
        if not isinstance(exc, duckdb.InvalidInputException | duckdb.ConversionException):
            raise  # not the file's fault: disk full, out of memory (see io_failures)
        # read each file whole (every column decoded) to find the one that broke
        for f in files:
            try:
                con.execute(f"create or replace temp table probe as {_raw_select({0: f}, columns)}")
            except duckdb.InvalidInputException as inner:
                raise _friendly_duckdb_error(inner, f.label, f.path) from inner
            finally:
                con.execute("drop table if exists probe")
        names = ", ".join(f.label for f in files)
        raise _friendly_duckdb_error(exc, names) from exc


def _first_bad(
    con: duckdb.DuckDBPyConnection, table: str, condition: str, column: str
) -> tuple[int, int, str] | None:
    row = con.execute(
        f'select filename, count(*), any_value("{column}") from {table} '
        f"where {condition} group by filename order by filename limit 1"
    ).fetchone()
    return (row[0], row[1], row[2]) if row else None


def _line_of(
    path: Path, compression: str, columns: Sequence[str], column: str, value: str | None
) -> int | None:
    """The line (the header is line 1) of the first row whose ``column`` holds ``value``."""
    index = list(columns).index(column)
    want = value or ""
    raw = gzip.open(path, "rb") if compression == "gzip" else open(path, "rb")  # noqa: SIM115
    with io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as text:
        reader = csv.reader(text)
        next(reader, None)
        for row in reader:
            if len(row) > index and row[index] == want:
                return reader.line_num
    return None


def _row_checks(kind: str, today: date | None) -> list[tuple[str, str, str, str]]:
    """(bad-row condition, column, what is wrong, what to do), in the order they are tried.

    Conditions see the raw columns and, from ``file_names``, the month and force name
    (``name_month``, ``name_force_name``) the file's name gives, null when it gives none.
    """
    unedited = "Check the file is an unedited police.uk download."
    checks = [
        (repeats_header('"Month"', ["month"]), "Month", "repeating the header row", REPEATED_HEADER_ACTION),
        (
            f'"Month" is null or not regexp_full_match("Month", \'{fmt.MONTH.pattern[1:-1]}\')',
            "Month",
            "whose Month is not a year and month like 2025-01",
            unedited,
        ),
        (
            f'"Month" < {literal(FIRST_MONTH)}',
            "Month",
            "whose Month is before December 2010, when police.uk data begin",
            unedited,
        ),
        (
            f'"Month" > {literal(last_month(today))}',
            "Month",
            f"whose Month is after the current month ({last_month(today)})",
            "Check the file's months and the computer's date.",
        ),
        (
            'name_month is not null and "Month" <> name_month',
            "Month",
            "whose Month is not the month in the file's name",
            "Check the file has not been renamed; police.uk files hold only the month in their name.",
        ),
        # one check per column, so the example and its line are the value that is wrong
        *(
            (
                f'"{column}" is not null and (try_cast("{column}" as double) is null'
                f' or try_cast("{column}" as double) not between {low} and {high})',
                column,
                "whose coordinates are not a longitude and latitude in the United Kingdom",
                "Check the Longitude and Latitude columns have not been swapped or edited.",
            )
            for column, (low, high) in (("Longitude", fmt.LONGITUDE_RANGE), ("Latitude", fmt.LATITUDE_RANGE))
        ),
        *(
            (
                f'"{given}" is not null and "{missing}" is null',
                given,
                f"with a {given} but no {missing}",
                "Check the Longitude and Latitude columns have not been edited.",
            )
            for given, missing in (("Longitude", "Latitude"), ("Latitude", "Longitude"))
        ),
        (
            f'"LSOA code" is not null and "LSOA code" <> \'\' and not regexp_full_match("LSOA code", '
            f"'{fmt.LSOA_CODE.pattern[1:-1]}')",
            "LSOA code",
            "whose LSOA code is not an ONS code like E01014210",
            unedited,
        ),
        (
            '"Falls within" is null',
            "Falls within",
            "with no police force in 'Falls within'",
            unedited,
        ),
        (
            '"Falls within" not in (select force_name from forces)',
            "Falls within",
            "whose 'Falls within' is not the name of a police.uk force",
            unedited,
        ),
        (
            'name_force_name is not null and "Falls within" <> name_force_name',
            "Falls within",
            "whose 'Falls within' is not the force in the file's name",
            "Check the file has not been renamed; police.uk files hold only the force in their name.",
        ),
    ]
    if kind == "street":
        checks.insert(
            4,
            (
                f'"Crime type" is null or "Crime type" not in '
                f"({', '.join(literal(t) for t in fmt.CRIME_TYPES)})",
                "Crime type",
                "whose Crime type is not one of the 14 police.uk crime types",
                "Check the file is an unedited police.uk street-level CSV.",
            ),
        )
    return checks


def _validate_rows(
    con: duckdb.DuckDBPyConnection,
    table: str,
    names: dict[int, str],
    kind: str,
    files_with_rows: set[int],
    numbered: dict[int, SourceFile],
    today: date | None = None,
) -> None:
    """Check every row in one pass; on a failure, name the file, a line and an example."""
    for number, name in names.items():
        if number not in files_with_rows:
            raise DataFormatError(f"The file {name} has a header but no rows.", AGAIN)
    slugs = dict(con.execute("select force, force_name from forces").fetchall())
    con.execute(
        "create or replace temp table file_names "
        "(filename integer, name_month varchar, name_force_name varchar)"
    )
    rows = []
    for number, f in numbered.items():
        match = fmt.FILE_NAME.match(f.name)
        if match:
            force_name = slugs.get(match.group("force"), "")
            rows.append(f"({number}, {literal(match.group('month'))}, {literal(force_name)})")
    if rows:
        con.execute("insert into file_names values " + ", ".join(rows))
    source = f"{table} left join file_names using (filename)"
    checks = _row_checks(kind, today)
    totals = con.execute(
        "select " + ", ".join(f"count(*) filter (where {c})" for c, *_ in checks) + f" from {source}"
    ).fetchone()
    columns = fmt.STREET_COLUMNS if kind == "street" else fmt.OUTCOME_COLUMNS
    for (condition, column, what, action), total in zip(checks, totals, strict=True):
        if not total:
            continue
        filename, count, example = _first_bad(con, source, condition, column)
        plural = "row" if count == 1 else "rows"
        where = ""
        if filename in numbered:
            f = numbered[filename]
            line = _line_of(f.path, f.compression, columns, column, example)
            where = f" on line {line}" if line else ""
        raise DataFormatError(
            f"The file {names[filename]} has {count:,} {plural} {what}, for example "
            f"'{shown_example(example)}'{where}.",
            action,
        )


@dataclass(frozen=True)
class LsoaCounts:
    """How the rows of one file and month stand against the LSOA lookups (one pass over the rows).

    ``only_2021`` and ``only_2011`` count rows whose code is in one vintage's lookup only,
    ``both`` rows whose code is in both, ``unknown`` rows with a code in neither (``example``
    the first of those codes in sort order); rows with no code are in none of them.
    """

    filename: int
    month: str
    only_2021: int
    only_2011: int
    both: int
    unknown: int
    example: str | None


def lsoa_counts(con: duckdb.DuckDBPyConnection, table: str) -> list[LsoaCounts]:
    """Count, for each file and month, its rows by where their LSOA code is found.

    Needs the ``lsoa_codes`` table of every code the lookups hold (with ``in21`` and ``in11``).
    """
    has_code = """r."LSOA code" is not null and r."LSOA code" <> ''"""
    rows = con.execute(
        f"""
        select r.filename, r."Month",
               count(*) filter (where c.in21 and not c.in11),
               count(*) filter (where c.in11 and not c.in21),
               count(*) filter (where c.in21 and c.in11),
               count(*) filter (where {has_code} and c.lsoa_code is null),
               min(r."LSOA code") filter (where {has_code} and c.lsoa_code is null)
        from {table} r left join lsoa_codes c on c.lsoa_code = r."LSOA code"
        group by all order by all
        """
    ).fetchall()
    return [LsoaCounts(*row) for row in rows]


def unknown_lsoa_notes(counts: Sequence[LsoaCounts], names: dict[int, str]) -> list[str]:
    """A note for each file with rows whose LSOA code has the ONS shape but is in no lookup
    (a code of another vintage, or mistyped): they are loaded, but no ward or district holds them.
    """
    by_file: dict[int, tuple[int, str]] = {}
    for c in counts:
        if c.unknown and c.example is not None:
            count, example = by_file.get(c.filename, (0, c.example))
            by_file[c.filename] = (count + c.unknown, min(example, c.example))
    rows = [(filename, count, code) for filename, (count, code) in sorted(by_file.items())]
    return [
        f"The file {names[filename]} has {count:,} {'row' if count == 1 else 'rows'} whose LSOA code is "
        f"in no ONS lookup, for example '{shown_example(code)}'; "
        f"{'it was' if count == 1 else 'they were'} loaded, but counted in no ward, district or "
        "partnership area. `saferplaces quality` lists them."
        for filename, count, code in rows
    ]


def duplicate_warnings(
    con: duckdb.DuckDBPyConnection, table: str, names: dict[int, str], kind: str
) -> list[str]:
    """Warnings for repeated rows of police.uk files (loaded as they are), with their counts.

    In a street-level file a Crime ID is one crime, so any row repeating another's Crime ID
    is counted (exact copies included; police.uk never repeats one). In an outcomes file a
    crime can have several outcomes, so only exact copies of a row with a Crime ID are
    counted. Rows without a Crime ID (anti-social behaviour) legitimately repeat (several
    incidents at one map point in a month: up to 28 in the bundled data), so those are
    counted only when one row appears more than ``pipeline.MAX_REPEATS`` times.
    """
    return repeated_row_warnings(
        con,
        table,
        names,
        fmt.STREET_COLUMNS if kind == "street" else fmt.OUTCOME_COLUMNS,
        keyed="""("Crime ID" is not null and "Crime ID" <> '')""",
        key='"Crime ID"' if kind == "street" else None,
        repeating="the Crime ID of another row"
        if kind == "street"
        else "another row exactly, Crime ID included",
        unkeyed="rows without a Crime ID",
    )


# --------------------------------------------------------------------------------------------
# Writing


def _force_of_files(
    con: duckdb.DuckDBPyConnection, table: str, numbered: dict[int, SourceFile]
) -> dict[int, str]:
    """Return {file number: force slug}, from the file name or else from 'Falls within'."""
    slugs = dict(con.execute("select force_name, force from forces").fetchall())
    forces: dict[int, str] = {}
    for number, f in numbered.items():
        match = fmt.FILE_NAME.match(f.name)
        if match:
            forces[number] = match.group("force")
            continue
        names = [
            r[0]
            for r in con.execute(
                f'select distinct "Falls within" from {table} where filename = ?', [number]
            ).fetchall()
        ]
        if len(names) != 1:
            raise DataFormatError(
                f"The file {f.label} holds rows from {len(names)} police forces.",
                "Ingest one file per force and month, as data.police.uk provides them.",
            )
        forces[number] = slugs[names[0]]  # every 'Falls within' is a known force by now
    return forces


def _file_months(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple[int, str, int]]:
    """(file, month, rows) for every month found in every file."""
    return con.execute(
        f'select filename, "Month", count(*) from {table} group by all order by all'
    ).fetchall()


def _partitions(
    file_months: list[tuple[int, str, int]], numbered: dict[int, SourceFile], forces: dict[int, str]
) -> dict[tuple[str, str], tuple[SourceFile, int]]:
    parts: dict[tuple[str, str], tuple[SourceFile, int]] = {}
    for filename, month, rows in file_months:
        source = numbered[filename]
        key = (forces[filename], month)
        if key in parts and parts[key][0].sha256 != source.sha256:
            raise InputError(
                f"Two files hold {key[0]} {key[1]}: {parts[key][0].label} and {source.label}.",
                "Ingest only one file for each force and month.",
            )
        if key in parts:
            continue  # the very same file given twice
        parts[key] = (source, rows)
    return parts


def _street_select(table: str) -> str:
    """The enriched crime rows of the partitions written (``parts``): the LSOA vintage of each
    row (``file_vintage`` holds each file's) and the number of its partition."""
    return f"""
        select
            nullif(r."Crime ID", '') as crime_id,
            r."Reported by" as reported_by,
            r."Falls within" as falls_within,
            try_cast(r."Longitude" as double) as longitude,
            try_cast(r."Latitude" as double) as latitude,
            r."Location" as location,
            nullif(r."LSOA code", '') as lsoa_code,
            nullif(r."LSOA name", '') as lsoa_name,
            r."Crime type" as crime_type,
            nullif(r."Last outcome category", '') as last_outcome_category,
            nullif(r."Context", '') as context,
            case when c.lsoa_code is null then null
                 when c.in21 and not c.in11 then '2021'
                 when c.in11 and not c.in21 then '2011'
                 else fv.vintage end as lsoa_vintage,
            p.part
        from {table} r
        join parts p on p.filename = r.filename and p.month = r."Month"
        join file_vintage fv on fv.filename = r.filename
        left join lsoa_codes c on c.lsoa_code = r."LSOA code"
    """


def _outcome_select(table: str) -> str:
    return f"""
        select nullif(r."Crime ID", '') as crime_id, r."Reported by" as reported_by,
               r."Falls within" as falls_within,
               try_cast(r."Longitude" as double) as longitude,
               try_cast(r."Latitude" as double) as latitude,
               r."Location" as location, nullif(r."LSOA code", '') as lsoa_code,
               nullif(r."LSOA name", '') as lsoa_name, r."Outcome type" as outcome_type,
               p.source_name as source_file, p.part
        from {table} r join parts p on p.filename = r.filename and p.month = r."Month"
    """


def file_vintages(counts: Sequence[LsoaCounts]) -> dict[int, str]:
    """The LSOA vintage each file's codes found in both lookups are read as.

    The vintage more of its rows' codes are found in alone; when none is, 2011 for files
    before :data:`VINTAGE_SWITCH_MONTH` and 2021 from then on.
    """
    files: dict[int, tuple[int, int, str]] = {}
    for c in counts:
        only21, only11, first = files.get(c.filename, (0, 0, c.month))
        files[c.filename] = (only21 + c.only_2021, only11 + c.only_2011, min(first, c.month))
    return {
        filename: "2021"
        if only21 > only11
        else "2011"
        if only11 > 0
        else ("2021" if first >= VINTAGE_SWITCH_MONTH else "2011")
        for filename, (only21, only11, first) in files.items()
    }


def partition_vintage(counts: Sequence[LsoaCounts], vintages: dict[int, str]) -> str | None:
    """The vintage most of a partition's rows carry (``counts`` are its files' for its month).

    Blank when no row has a code found in a lookup; on a tie, the vintage of its file.
    """
    rows = {"2021": 0, "2011": 0}
    for c in counts:
        rows["2021"] += c.only_2021
        rows["2011"] += c.only_2011
        rows[vintages[c.filename]] += c.both
    if not rows["2021"] and not rows["2011"]:
        return None
    if rows["2021"] == rows["2011"]:
        return vintages[counts[0].filename]
    return "2021" if rows["2021"] > rows["2011"] else "2011"


def ingest(
    paths: Sequence[str | os.PathLike[str]],
    store: Store,
    progress: Progress = no_progress,
    forces: Sequence[str] = (),
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
    forces
        Police.uk forces (slug or name, any case) to read; files of other forces are passed
        over unread, and the result's notes say how many. Empty: every force given.

    Returns
    -------
    IngestResult
        One change per force-month: added, replaced or unchanged.

    Raises
    ------
    InputError, DataFormatError, StoreError
        With a sentence on what is wrong and one on what to do. The store is unchanged.
    """
    from saferplaces.data.download import validate_force  # download imports this module

    slugs = tuple(dict.fromkeys(validate_force(f) for f in forces))
    return run_import(store, "ingest", lambda work: _ingest_locked(paths, store, work, progress, slugs))


def _ingest_locked(
    paths: Sequence[str | os.PathLike[str]],
    store: Store,
    work: Path,
    progress: Progress,
    forces: Sequence[str] = (),
) -> IngestResult:
    sources, notes = check_files(paths, work, _known_forces(), progress, forces=forces)

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
    plans: list[tuple[str, str, str, int]] = []
    steps = [("crimes", "street", fmt.STREET_COLUMNS), ("outcomes", "outcomes", fmt.OUTCOME_COLUMNS)]
    for dataset, kind, columns in steps:
        files = [s for s in sources if s.kind == kind]
        if not files:
            continue
        numbered = file_numbers(files)
        table = f"raw_{kind}"
        progress(f"Reading {kind} files", 0, 1)
        _load_raw(con, table, numbered, columns, files)
        names = {n: f.label for n, f in numbered.items()}
        file_months = _file_months(con, table)
        _validate_rows(con, table, names, kind, {f for f, _, _ in file_months}, numbered)
        notes.extend(duplicate_warnings(con, table, names, kind))
        counts = lsoa_counts(con, table)
        notes.extend(unknown_lsoa_notes(counts, names))
        forces = _force_of_files(con, table, numbered)
        parts = _partitions(file_months, numbered, forces)
        todo: list[tuple[str, str]] = []
        for (force, month), (source, rows) in sorted(parts.items()):
            key = Manifest.key(dataset, force, month)
            held = manifest.partitions.get(key)
            if held and held["sha256"] == source.sha256:
                action = "unchanged"
            else:
                action = "replaced" if held else "added"
                todo.append((force, month))
                manifest.partitions[key] = manifest_entry(source.sha256, source.name, rows)
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
        # each force-month written is one partition, numbered: DuckDB splits the rows by one
        # integer, several times faster than by the force and month texts
        number_of = {key: i for i, key in enumerate(todo)}
        written = [
            (filename, month, number_of[(forces[filename], month)])
            for filename, month, _ in file_months
            if (forces[filename], month) in number_of
        ]
        con.execute(
            "create or replace temp table parts "
            "(filename integer, month varchar, part integer, source_name varchar)"
        )
        con.execute(
            "insert into parts values "
            + ", ".join(f"({n}, {literal(m)}, {part}, {literal(numbered[n].name)})" for n, m, part in written)
        )
        if kind == "street":
            vintages = file_vintages(counts)
            con.execute("create or replace temp table file_vintage (filename integer, vintage varchar)")
            con.execute(
                "insert into file_vintage values "
                + ", ".join(f"({n}, {literal(v)})" for n, v in vintages.items())
            )
            by_part: dict[int, list[LsoaCounts]] = {}
            part_of = {(n, m): part for n, m, part in written}
            for c in counts:
                if (c.filename, c.month) in part_of:
                    by_part.setdefault(part_of[(c.filename, c.month)], []).append(c)
            for (force, month), part in number_of.items():
                manifest.partitions[Manifest.key(dataset, force, month)]["lsoa_vintage"] = partition_vintage(
                    by_part[part], vintages
                )
        select = (_street_select if kind == "street" else _outcome_select)(table)
        progress(f"Writing {dataset}", 0, 1)
        staged.mkdir(parents=True, exist_ok=True)
        out = str(staged / dataset).replace("'", "''")
        con.execute(
            f"copy ({select}) to '{out}' (format parquet, partition_by (part), overwrite_or_ignore true)"
        )
        progress(f"Writing {dataset}", 1, 1)
        checkpoint(f"ingest: {dataset} staged")
        plans.extend((dataset, force, month, part) for (force, month), part in number_of.items())
    con.close()
    if plans:
        # each staged partition's files go under their force-month's folder in the store
        commit_staged(
            store,
            manifest,
            (
                (
                    manifest.partitions[Manifest.key(dataset, force, month)],
                    f"{dataset}/force={force}/month={month}",
                    list((staged / dataset / f"part={part}").iterdir()),
                )
                for dataset, force, month, part in plans
            ),
            progress,
        )
    return IngestResult(changes=tuple(changes), files=len(sources), notes=tuple(notes))
