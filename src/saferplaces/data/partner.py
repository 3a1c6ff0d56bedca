"""Load a partner extract (a local police or partner CSV) into the store.

The format is described in ``docs/partner-extract.md`` and defined in
:mod:`saferplaces.data.partner_format`. An import goes through the same pipeline as the
police.uk ingest (:mod:`saferplaces.data.pipeline`), all or nothing: the file is checked
and written to a work folder first; only when all of it is good is its file moved into
``partner/<name>/`` under a new name and the new manifest committed. Any failure leaves
the store as it was.

Every row is placed in the current geography. A row's location is taken from,
in order: its LSOA code; its coordinates (British National Grid or WGS84),
placed in an LSOA by point-in-polygon against the bundled LSOA 2021 boundaries;
its ward code. Rows with none of these, and points outside every bundled LSOA,
are kept with no LSOA and counted, never dropped.
"""

from __future__ import annotations

import functools
import gzip
import json
import os
import re
import threading
import weakref
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import numpy as np

from saferplaces.data import partner_format as fmt
from saferplaces.data.bundled_files import bundled_dir
from saferplaces.data.files import is_gzip, sha256_of
from saferplaces.data.geography import install_reference_tables
from saferplaces.data.input_files import (
    check_readable_file,
    first_line,
    friendly_csv_error,
    not_csv,
    office_document,
    read_whole,
    sniff,
)
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
from saferplaces.data.sql import literal
from saferplaces.data.store import Snapshot, Store
from saferplaces.errors import DataFormatError, InputError, example

FORMAT_DOC = "docs/partner-extract.md"

PARTNER_COLUMNS: dict[str, str] = {
    "line": "BIGINT",
    "date": "DATE",
    "month": "VARCHAR",
    "category": "VARCHAR",
    "ho_offence_code": "VARCHAR",
    "location_source": "VARCHAR",
    "lsoa_code": "VARCHAR",
    "lsoa_vintage": "VARCHAR",
    "lsoa21_code": "VARCHAR",
    "ward_code": "VARCHAR",
    "ward_name": "VARCHAR",
    "lad_code": "VARCHAR",
    "lad_name": "VARCHAR",
    "csp_code": "VARCHAR",
    "csp_name": "VARCHAR",
    "pfa_code": "VARCHAR",
    "pfa_name": "VARCHAR",
    "easting": "DOUBLE",
    "northing": "DOUBLE",
    "longitude": "DOUBLE",
    "latitude": "DOUBLE",
    "domestic": "BOOLEAN",
    "alcohol": "BOOLEAN",
    "hate": "BOOLEAN",
    "vawg": "BOOLEAN",
    "youth": "BOOLEAN",
    "victim_id": "VARCHAR",
    "offender_id": "VARCHAR",
    "location_id": "VARCHAR",
    "victim_age_band": "VARCHAR",
    "victim_sex": "VARCHAR",
    "segment": "VARCHAR",
    "synthetic": "BOOLEAN",
    "source_file": "VARCHAR",
}
"""The columns of an extract's file ``partner/<name>/<sha256>.parquet``, in order."""


@dataclass(frozen=True)
class ExtractResult:
    """What loading one partner extract did.

    Attributes
    ----------
    name, source, sha256
        The extract's name in the store, the file's name and its SHA-256.
    rows
        Rows held under ``name`` after the import.
    action
        ``"added"``, ``"replaced"`` or ``"unchanged"`` (the very same file was already held).
    synthetic
        True if any row is marked synthetic.
    rows_by_location
        Rows placed by each kind of location: ``lsoa``, ``coordinates``, ``ward``, ``none``.
    rows_outside_boundaries
        Rows whose coordinates lie in no bundled LSOA (kept, with no LSOA).
    rows_unknown_area
        Rows whose LSOA or ward code is well formed but in no ONS lookup (kept, unplaced).
    notes
        Warnings about rows loaded as they are: exact copies of another row, with their count
        (the same check and wording as police.uk files).
    """

    name: str
    source: str
    sha256: str
    rows: int
    action: str
    synthetic: bool = False
    previous_rows: int | None = None
    previous_source: str | None = None
    rows_by_location: dict[str, int] = field(default_factory=dict)
    rows_outside_boundaries: int = 0
    rows_unknown_area: int = 0
    assumptions: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    def messages(self) -> list[str]:
        """Sentences for the user about what happened."""
        if self.action == "unchanged":
            return [
                f"The extract '{self.name}' already holds {self.source} "
                f"({self.rows:,} rows); nothing was changed."
            ]
        lines = []
        if self.action == "replaced":
            lines.append(
                f"Replaced the extract '{self.name}': {_count(self.previous_rows or 0)} from "
                f"{self.previous_source} are now {_count(self.rows)} from {self.source}."
            )
        else:
            lines.append(f"Added the extract '{self.name}': {_count(self.rows)} from {self.source}.")
        none = self.rows_by_location.get("none", 0)
        if none:
            lines.append(f"{_rows(none)} no location; {_them(none)} kept and counted.")
        if self.rows_outside_boundaries:
            n = self.rows_outside_boundaries
            lines.append(
                f"{_rows(n)} coordinates outside every bundled LSOA boundary; {_them(n)} kept with no LSOA."
            )
        if self.rows_unknown_area:
            n = self.rows_unknown_area
            lines.append(
                f"{_rows(n)} an LSOA or ward code that no ONS lookup holds; "
                f"{_them(n)} kept with no ward, district or CSP."
            )
        if self.synthetic:
            lines.append("The extract holds synthetic rows; it is marked synthetic in the store.")
        return lines + list(self.notes)


def _count(n: int) -> str:
    return "1 row" if n == 1 else f"{n:,} rows"


def _rows(n: int) -> str:
    return "1 row has" if n == 1 else f"{n:,} rows have"


def _them(n: int) -> str:
    return "it is" if n == 1 else "they are"


@dataclass(frozen=True)
class ExtractInfo:
    """One extract held in the store, as the manifest records it."""

    name: str
    source: str
    sha256: str
    rows: int
    synthetic: bool
    ingested_at: str


# --------------------------------------------------------------------------------------------
# Boundaries and point-in-polygon


@dataclass(frozen=True)
class _Boundaries:
    codes: np.ndarray  # LSOA 2021 codes, object array
    tree: Any  # shapely.STRtree over the polygons, in WGS84


@functools.lru_cache(maxsize=1)
def _boundaries() -> _Boundaries:
    import shapely

    codes: list[str] = []
    geoms: list[Any] = []
    folder = bundled_dir() / "geography" / "boundaries"
    for path in sorted(folder.glob("lsoa21_bgc_*.geojson.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            data = json.load(handle)
        for feature in data["features"]:
            codes.append(feature["properties"]["LSOA21CD"])
            geoms.append(shapely.from_geojson(json.dumps(feature["geometry"])))
    polygons = np.array(geoms, dtype=object)
    return _Boundaries(codes=np.array(codes, dtype=object), tree=shapely.STRtree(polygons))


@functools.lru_cache(maxsize=1)
def _bng_to_wgs84() -> Any:
    from pyproj import Transformer

    return Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)


@functools.lru_cache(maxsize=1)
def _wgs84_to_bng() -> Any:
    from pyproj import Transformer

    return Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)


def bng_to_wgs84(easting: np.ndarray, northing: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Convert British National Grid (EPSG:27700) metres to WGS84 longitude and latitude."""
    lon, lat = _bng_to_wgs84().transform(np.asarray(easting, float), np.asarray(northing, float))
    return np.asarray(lon), np.asarray(lat)


def wgs84_to_bng(longitude: np.ndarray, latitude: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Convert WGS84 longitude and latitude to British National Grid (EPSG:27700) metres."""
    e, n = _wgs84_to_bng().transform(np.asarray(longitude, float), np.asarray(latitude, float))
    return np.asarray(e), np.asarray(n)


def locate_points(longitude: np.ndarray, latitude: np.ndarray) -> np.ndarray:
    """Return the LSOA 2021 code holding each WGS84 point, or None outside the bundled LSOAs.

    Uses an STRtree over the bundled LSOA 2021 boundaries (generalised, clipped to
    the coastline) and one vectorised query. A point on a shared edge belongs to
    the LSOA with the smaller code, so the answer never depends on row order.
    """
    idx = _locate_indices(longitude, latitude)
    out = np.full(idx.shape[0], None, dtype=object)
    found = idx >= 0
    out[found] = _boundaries().codes[idx[found]]
    return out


def _locate_indices(longitude: np.ndarray, latitude: np.ndarray) -> np.ndarray:
    """Like :func:`locate_points`, as indices into the boundaries' codes (-1: none)."""
    import shapely

    lon = np.asarray(longitude, dtype=float)
    lat = np.asarray(latitude, dtype=float)
    out = np.full(lon.shape[0], -1, dtype=np.int64)
    if lon.size == 0:
        return out
    b = _boundaries()
    point_idx, poly_idx = b.tree.query(shapely.points(lon, lat), predicate="intersects")
    if point_idx.size:
        # sort by point, then code: the first of each point is the smallest code
        order = np.lexsort((b.codes[poly_idx].astype(str), point_idx))
        point_idx, poly_idx = point_idx[order], poly_idx[order]
        first = np.ones(point_idx.size, dtype=bool)
        first[1:] = point_idx[1:] != point_idx[:-1]
        out[point_idx[first]] = poly_idx[first]
    return out


# --------------------------------------------------------------------------------------------
# Checking the file


def read_header(path: Path) -> list[str]:
    """Check the file is a non-empty UTF-8 CSV and return its header, in canonical names.

    Raises
    ------
    DataFormatError
        If the file is empty, not UTF-8, not a CSV, or its columns break the format's rules.
    """
    name = path.name
    again = "Ask the partner to send the extract again."
    check_readable_file(path, name)
    if path.stat().st_size == 0:
        raise DataFormatError(f"The file {name} is empty.", again)
    if sniff(path, name) == "zip":
        office = office_document(path)
        if office:
            raise not_csv(name, office)
        raise DataFormatError(
            f"The file {name} is a zip archive, not a CSV.",
            "Unzip it and import the partner extract CSV it holds.",
        )
    first = first_line(path, name, again)
    read_whole(path, name, again)  # a damaged gzip, or one beyond the limits, stops here
    cells = header_row(
        first, name, again, f"Check you chose a partner extract CSV as {FORMAT_DOC} describes."
    )
    header = [fmt.normalise_header(c) for c in cells]
    for raw_cell, col in zip(cells, header, strict=True):
        if col not in fmt.COLUMNS:
            shown = raw_cell.strip() or "(blank)"
            raise DataFormatError(
                f"The file {name} has a column '{example(shown)}' that is not part of the partner "
                "extract format.",
                f"Remove it or rename it to one of the columns in {FORMAT_DOC}; never include "
                "names, addresses or other personal details.",
            )
    seen: dict[str, str] = {}
    for raw_cell, col in zip(cells, header, strict=True):
        if col in seen:
            raise DataFormatError(
                f"The file {name} has two columns for '{col}': '{example(seen[col])}' and "
                f"'{example(raw_cell.strip())}'.",
                "Keep only one of them.",
            )
        seen[col] = raw_cell.strip()
    present = set(header)
    if "date" not in present and "month" not in present:
        raise DataFormatError(
            f"The file {name} has no 'date' or 'month' column.",
            "Add a date (YYYY-MM-DD) or month (YYYY-MM) column.",
        )
    if "category" not in present:
        raise DataFormatError(
            f"The file {name} has no 'category' column.",
            "Add a category column holding the police.uk crime type of each row.",
        )
    for pair in (("easting", "northing"), ("longitude", "latitude")):
        have = [c for c in pair if c in present]
        if len(have) == 1:
            other = pair[1] if have[0] == pair[0] else pair[0]
            raise DataFormatError(
                f"The file {name} has a column '{have[0]}' but no column '{other}'.",
                f"Give both {pair[0]} and {pair[1]}, or neither.",
            )
    if not any(all(c in present for c in group) for group in fmt.LOCATION_GROUPS):
        raise DataFormatError(
            f"The file {name} has no location columns.",
            "Add lsoa_code, ward_code, easting and northing, or longitude and latitude.",
        )
    return header


def _read_sql(path: Path, header: list[str]) -> str:
    return read_csv_sql([path], header, "gzip" if is_gzip(path) else "none")


def _friendly_read_error(exc: Exception, name: str, path: Path) -> DataFormatError:
    return friendly_csv_error(
        exc, name, "Check every row has as many fields as the header and quotes are closed.", path
    )


def _num_check(col: str, lo: float, hi: float) -> str:
    return (
        f"{col} is not null and (try_cast({col} as double) is null or "
        f"try_cast({col} as double) not between {lo} and {hi})"
    )


def _list(values: tuple[str, ...] | list[str]) -> str:
    return "[" + ", ".join(literal(v) for v in values) + "]"


def _re(pattern: re.Pattern[str]) -> str:
    """A pattern of partner_format as a SQL string literal for DuckDB's regular expressions."""
    return literal(pattern.pattern)


def _personal_checks(col: str, *, words: bool) -> list[tuple[str, str, str, str]]:
    """Checks refusing a value that looks like an e-mail address, NI number, phone number or name.

    ``words`` is False for free text (segments), where words are expected.
    """
    action = (
        f"Replace names, e-mail addresses, telephone and National Insurance numbers with "
        f"pseudonyms as {FORMAT_DOC} describes."
        if words
        else f"Use segment names only; never put personal details in the segment column ({FORMAT_DOC})."
    )
    squeezed = f"regexp_replace({col}, {literal(fmt.PHONE_SEPARATORS)}, '', 'g')"
    checks = [
        (
            col,
            f"{col} is not null and regexp_matches({col}, {_re(fmt.EMAIL)})",
            "looks like an e-mail address",
        ),
        (
            col,
            f"{col} is not null and regexp_matches({col}, {_re(fmt.NI_NUMBER)})",
            "looks like a National Insurance number",
        ),
        (
            col,
            f"{col} is not null and regexp_matches({squeezed}, {_re(fmt.PHONE)})",
            "looks like a telephone number",
        ),
    ]
    if words:
        checks.append(
            (
                col,
                f"{col} is not null and (not regexp_matches({col}, {_re(fmt.DIGIT)}) or "
                f"len(list_filter(regexp_extract_all({col}, {_re(fmt.WORD)}), "
                f"lambda w: regexp_matches(w, {_re(fmt.NOT_HEX_LETTER)}))) > 0)",
                "looks like a name or a word, not a pseudonym (it has no digit, or a word of four or "
                "more letters)",
            )
        )
    return [(c, cond, what, action) for c, cond, what in checks]


def _checks(present: set[str], today: date | None = None) -> list[tuple[str, str, str, str]]:
    """(column, bad-row condition, what is wrong, what to do) in the order they are tried.

    A check whose "what is wrong" starts "looks like" is about personal details: its message
    does not repeat the value.
    """
    today = today or date.today()
    this_month = f"{today.year:04d}-{today.month:02d}"
    checks: list[tuple[str, str, str, str]] = [
        (
            "category",
            repeats_header("category", ["category", *(k for k, v in fmt.ALIASES.items() if v == "category")]),
            "a column name: the header row again",
            REPEATED_HEADER_ACTION,
        )
    ]
    has_date, has_month = "date" in present, "month" in present
    if has_date and has_month:
        checks.append(
            (
                "date",
                "date is null and month is null",
                "no date or month",
                "Give every row a date (YYYY-MM-DD) or a month (YYYY-MM).",
            )
        )
    elif has_date:
        checks.append(("date", "date is null", "no date", "Give every row a date like 2025-03-31."))
    else:
        checks.append(("month", "month is null", "no month", "Give every row a month like 2025-03."))
    if has_date:
        checks.append(
            (
                "date",
                "date is not null and regexp_full_match(date, '[0-9]{5}([.][0-9]+)?')",
                "a number, not a date (Excel keeps a date as a number of days when its column is not "
                "formatted as dates)",
                "Format the column as dates written YYYY-MM-DD in Excel, save the file as CSV again "
                "and import it.",
            )
        )
        checks.append(
            (
                "date",
                f"date is not null and (not regexp_full_match(date, '{fmt.DATE.pattern[1:-1]}') "
                "or try_strptime(date, '%Y-%m-%d') is null)",
                "not a real day written YYYY-MM-DD",
                "Write dates like 2025-03-31 (year, month, day).",
            )
        )
        real_day = "date is not null and try_strptime(date, '%Y-%m-%d') is not null"
        checks.append(
            (
                "date",
                f"{real_day} and date < {literal(fmt.FIRST_DATE)}",
                f"before {fmt.FIRST_DATE[:4]}",
                f"Check the date; extracts hold offences from {fmt.FIRST_DATE[:4]} to today.",
            )
        )
        checks.append(
            (
                "date",
                f"{real_day} and date > {literal(today.isoformat())}",
                f"after today ({today.isoformat()})",
                "Check the date, and that the computer's date is right.",
            )
        )
    if has_month:
        checks.append(
            (
                "month",
                f"month is not null and not regexp_full_match(month, '{fmt.MONTH.pattern[1:-1]}')",
                "not a month written YYYY-MM",
                "Write months like 2025-03 (year and month).",
            )
        )
        real_month = f"month is not null and regexp_full_match(month, '{fmt.MONTH.pattern[1:-1]}')"
        checks.append(
            (
                "month",
                f"{real_month} and month < {literal(fmt.FIRST_DATE[:7])}",
                f"before {fmt.FIRST_DATE[:4]}",
                f"Check the month; extracts hold offences from {fmt.FIRST_DATE[:4]} to this month.",
            )
        )
        checks.append(
            (
                "month",
                f"{real_month} and month > {literal(this_month)}",
                f"after this month ({this_month})",
                "Check the month, and that the computer's date is right.",
            )
        )
    if has_date and has_month:
        checks.append(
            (
                "month",
                "date is not null and month is not null and left(date, 7) <> month",
                "not the month of the row's date",
                "Correct the month, or leave it blank when the date is given.",
            )
        )
    checks.append(
        (
            "category",
            f"category is null or not list_contains({_list(list(fmt.CATEGORY_BY_LOWER))}, lower(category))",
            "not one of the 14 police.uk crime types",
            "Use a police.uk crime type such as 'Burglary' or 'Violence and sexual offences'; "
            f"the list is in {FORMAT_DOC}.",
        )
    )
    if "ho_offence_code" in present:
        checks.append(
            (
                "ho_offence_code",
                f"ho_offence_code is not null and not regexp_full_match(ho_offence_code, "
                f"'{fmt.HO_OFFENCE_CODE.pattern[1:-1]}')",
                "not a Home Office offence code like 8N, 105A or 28/1",
                "Correct the code or leave it blank.",
            )
        )
    if "lsoa_code" in present:
        checks.append(
            (
                "lsoa_code",
                f"lsoa_code is not null and not regexp_full_match(upper(lsoa_code), "
                f"'{fmt.LSOA_CODE.pattern[1:-1]}')",
                "not an LSOA code like E01014210",
                "Use ONS LSOA codes (2011 or 2021), or leave the cell blank if the place is not known.",
            )
        )
    if "ward_code" in present:
        checks.append(
            (
                "ward_code",
                f"ward_code is not null and not regexp_full_match(upper(ward_code), "
                f"'{fmt.WARD_CODE.pattern[1:-1]}')",
                "not a ward code like E05015386",
                "Use ONS ward codes, or leave the cell blank if the place is not known.",
            )
        )
    for x, y, lo_x, lo_y, what in (
        (
            "easting",
            "northing",
            fmt.EASTING_RANGE,
            fmt.NORTHING_RANGE,
            "a number of British National Grid metres in Great Britain",
        ),
        (
            "longitude",
            "latitude",
            fmt.WGS84_LONGITUDE_RANGE,
            fmt.WGS84_LATITUDE_RANGE,
            "a number of WGS84 degrees in the United Kingdom",
        ),
    ):
        if x not in present:
            continue
        checks.append(
            (
                x,
                f"({x} is null) <> ({y} is null)",
                f"given without a {y}",
                f"Give both {x} and {y}, or leave both blank.",
            )
        )
        checks.append(
            (
                x,
                _num_check(x, *lo_x),
                f"not {what}",
                f"Check the {x} and {y} columns have not been swapped or mistyped.",
            )
        )
        checks.append(
            (
                y,
                _num_check(y, *lo_y),
                f"not {what}",
                f"Check the {x} and {y} columns have not been swapped or mistyped.",
            )
        )
    words = _list(fmt.TRUE_WORDS + fmt.FALSE_WORDS)
    for flag in fmt.FLAGS + ("synthetic",):
        if flag in present:
            checks.append(
                (
                    flag,
                    f"{flag} is not null and not list_contains({words}, lower({flag}))",
                    "not true/false, yes/no, 1/0 or Y/N",
                    "Use true or false (yes/no, 1/0 and Y/N work too), or leave it blank if not known.",
                )
            )
    for col in fmt.IDS:
        if col in present:
            checks.extend(_personal_checks(col, words=True))
            checks.append(
                (
                    col,
                    f"{col} is not null and not regexp_full_match({col}, '{fmt.PSEUDONYM.pattern[1:-1]}')",
                    "not a pseudonym (only letters, digits and _ - . :, at most 64 characters)",
                    f"Replace names, e-mail addresses and real reference numbers with pseudonyms as "
                    f"{FORMAT_DOC} describes.",
                )
            )
    if "victim_age_band" in present:
        checks.append(
            (
                "victim_age_band",
                "victim_age_band is not null and (not regexp_full_match(lower(victim_age_band), "
                f"'{fmt.AGE_BAND.pattern[1:-1]}') or (regexp_full_match(victim_age_band, "
                "'\\d+-\\d+') and try_cast(split_part(victim_age_band, '-', 1) as int) > "
                "try_cast(split_part(victim_age_band, '-', 2) as int)))",
                "not an age band like 18-24 or 65+",
                "Write age bands like 0-17, 18-24 or 65+, or 'unknown'.",
            )
        )
        checks.append(
            (
                "victim_age_band",
                "victim_age_band is not null and regexp_full_match(victim_age_band, '\\d+(-\\d+|\\+)') and "
                f"greatest(try_cast(regexp_extract(victim_age_band, '^(\\d+)', 1) as int), "
                f"coalesce(try_cast(regexp_extract(victim_age_band, '-(\\d+)$', 1) as int), 0)) "
                f"> {fmt.MAX_AGE}",
                f"an age band reaching beyond {fmt.MAX_AGE}",
                f"Write age bands within 0 to {fmt.MAX_AGE}, like 0-17, 18-24 or 65+.",
            )
        )
    if "victim_sex" in present:
        checks.append(
            (
                "victim_sex",
                f"victim_sex is not null and not list_contains({_list(list(fmt.SEX_WORDS))}, "
                "lower(victim_sex))",
                "not female, male, other or unknown",
                "Use female, male, other or unknown (F, M, X and U also work).",
            )
        )
    if "segment" in present:
        checks.append(
            (
                "segment",
                f"length(segment) > {fmt.SEGMENT_MAX}",
                f"longer than {fmt.SEGMENT_MAX} characters",
                "Use a short population segment name.",
            )
        )
        checks.extend(_personal_checks("segment", words=False))
    return checks


def _validate(
    con: duckdb.DuckDBPyConnection, name: str, present: set[str], today: date | None = None
) -> None:
    """Apply every check in one scan; report the first failing check's first bad line."""
    checks = _checks(present, today)
    counts = con.execute(
        "select " + ", ".join(f"count(*) filter (where {cond})" for _, cond, _, _ in checks) + " from clean"
    ).fetchone()
    for (column, condition, what, action), count in zip(checks, counts, strict=True):
        if not count:
            continue
        line, value = con.execute(
            f'select line, "{column}" from clean where {condition} order by line limit 1'
        ).fetchone()
        others = f" ({count - 1:,} other rows too)" if count > 1 else ""
        if value is None:
            problem = f"Line {line} of {name} has no value in column '{column}'{others}."
        elif what.startswith("looks like"):  # personal details are not repeated in messages
            problem = f"Line {line} of {name} has a value in column '{column}' that {what}{others}."
        else:
            problem = (
                f"Line {line} of {name} has '{example(value)}' in column '{column}', which is {what}{others}."
            )
        raise DataFormatError(problem, action)
    if "segment" in present:
        segments = con.execute("select count(distinct segment) from clean").fetchone()[0]
        if segments > fmt.MAX_SEGMENTS:
            raise DataFormatError(
                f"The file {name} has {segments:,} different values in column 'segment', more than "
                f"the {fmt.MAX_SEGMENTS} a segmentation has, so it may hold names or other personal details.",
                f"Use segment names only (a segmentation's tens of segments), as {FORMAT_DOC} describes.",
            )


# --------------------------------------------------------------------------------------------
# Placing rows


def _geocode(con: duckdb.DuckDBPyConnection, present: set[str], progress: Progress) -> None:
    """Create ``points(line, longitude, latitude, easting, northing, point_lsoa)``."""
    con.execute(
        "create temp table points (line bigint, longitude double, latitude double, "
        "easting double, northing double, point_lsoa varchar)"
    )
    parts = []
    if "easting" in present:
        parts.append(
            ("bng", "easting is not null", "try_cast(easting as double)", "try_cast(northing as double)")
        )
    if "longitude" in present:
        parts.append(
            (
                "wgs84",
                "longitude is not null",
                "try_cast(longitude as double)",
                "try_cast(latitude as double)",
            )
        )
    for kind, where, x_sql, y_sql in parts:
        # a row with both kinds of coordinate is placed by its easting and northing
        skip = " and easting is null" if kind == "wgs84" and "easting" in present else ""
        got = con.execute(
            f"select line, {x_sql} as x, {y_sql} as y from clean where {where}{skip}"
        ).fetchnumpy()
        line, x, y = got["line"], np.asarray(got["x"], float), np.asarray(got["y"], float)
        if line.size == 0:
            continue
        progress("Placing coordinates in LSOAs", 0, 1)
        _boundary_codes_installed()
        # extracts repeat places (police.uk snaps to map points), so each distinct point
        # is converted and placed once
        points, inverse = np.unique(np.column_stack([x, y]), axis=0, return_inverse=True)
        inverse = inverse.reshape(-1)
        ux, uy = points[:, 0], points[:, 1]
        if kind == "bng":
            u_lon, u_lat = bng_to_wgs84(ux, uy)
            u_e, u_n = ux, uy
        else:
            u_lon, u_lat = ux, uy
            u_e, u_n = wgs84_to_bng(ux, uy)
        u_poly = _locate_indices(u_lon, u_lat)
        # numeric arrays only: registering text arrays makes DuckDB import pandas (seconds)
        arrays = {
            "line": np.asarray(line, dtype=np.int64),
            "longitude": u_lon[inverse],
            "latitude": u_lat[inverse],
            "easting": np.asarray(u_e)[inverse],
            "northing": np.asarray(u_n)[inverse],
            "poly": u_poly[inverse],
        }
        con.register("point_arrays", arrays)
        con.execute(
            "insert into points select a.line, a.longitude, a.latitude, a.easting, "
            "a.northing, b.code from point_arrays a "
            "left join boundary_codes b on b.i = a.poly"
        )
        con.unregister("point_arrays")
        progress("Placing coordinates in LSOAs", 1, 1)


def _typed_select(present: set[str], source_name: str) -> str:
    """SQL turning ``clean`` (text as read) and ``points`` into the stored rows."""

    def given(col: str, expr: str = "{}", default: str = "null::varchar") -> str:
        return expr.format(f"c.{col}") if col in present else default

    month_parts = ["left(c.date, 7)"] if "date" in present else []
    if "month" in present:
        month_parts.append("c.month")
    category_cases = " ".join(
        f"when {literal(k)} then {literal(v)}" for k, v in fmt.CATEGORY_BY_LOWER.items()
    )
    sex_cases = " ".join(f"when {literal(k)} then {literal(v)}" for k, v in fmt.SEX_WORDS.items())
    true_words = _list(fmt.TRUE_WORDS)

    def flag(col: str) -> str:
        expr = "case when {0} is null then null else list_contains(" + true_words + ", lower({0})) end"
        return expr.format(f"c.{col}") if col in present else "null::boolean"

    flags = ",\n            ".join(f"{flag(f)} as {f}" for f in fmt.FLAGS)
    lsoa_in = given("lsoa_code", "upper({})")
    ward_in = given("ward_code", "upper({})")
    has_points = "easting" in present or "longitude" in present
    point_cols = (
        "p.point_lsoa, p.longitude as p_lon, p.latitude as p_lat, p.easting as p_e, "
        "p.northing as p_n, p.line is not null as has_point"
        if has_points
        else "null::varchar as point_lsoa, null::double as p_lon, null::double as p_lat, "
        "null::double as p_e, null::double as p_n, false as has_point"
    )
    point_join = "left join points p on p.line = c.line" if has_points else ""
    # one pass: the lookups are small, so the joins stream; rows keep their line number
    return f"""
        with with_points as (
            select c.*, {lsoa_in} as lsoa_in, {ward_in} as ward_in, {point_cols}
            from clean c {point_join}
        ),
        placed as (
            select *,
                   case when lsoa_in is not null then 'lsoa'
                        when has_point then 'coordinates'
                        when ward_in is not null then 'ward'
                        else 'none' end as location_source,
                   case when lsoa_in is not null then lsoa_in
                        when has_point then point_lsoa end as the_lsoa,
                   case when lsoa_in is null and not has_point then ward_in end as ward_key
            from with_points
        )
        select
            c.line,
            {given("date", "try_strptime({}, '%Y-%m-%d')::date", "null::date")} as date,
            coalesce({", ".join(month_parts)}) as month,
            case lower(c.category) {category_cases} end as category,
            {given("ho_offence_code", "upper({})")} as ho_offence_code,
            c.location_source,
            c.the_lsoa as lsoa_code,
            l.vintage as lsoa_vintage,
            l.lsoa21_code,
            coalesce(l.ward_code, w.ward_code) as ward_code,
            coalesce(l.ward_name, w.ward_name) as ward_name,
            coalesce(l.lad_code, w.lad_code) as lad_code,
            coalesce(l.lad_name, w.lad_name) as lad_name,
            coalesce(l.csp_code, w.csp_code) as csp_code,
            coalesce(l.csp_name, w.csp_name) as csp_name,
            coalesce(l.pfa_code, w.pfa_code) as pfa_code,
            coalesce(l.pfa_name, w.pfa_name) as pfa_name,
            c.p_e as easting, c.p_n as northing, c.p_lon as longitude, c.p_lat as latitude,
            {flags},
            {given("victim_id")} as victim_id,
            {given("offender_id")} as offender_id,
            {given("location_id")} as location_id,
            {given("victim_age_band", "lower({})")} as victim_age_band,
            {given("victim_sex", "case lower({}) " + sex_cases + " end")}
                as victim_sex,
            {given("segment")} as segment,
            coalesce({flag("synthetic")}, false) as synthetic,
            {literal(source_name)} as source_file
        from placed c
        left join lsoa_best l on l.lsoa_code = c.the_lsoa
        left join ward_places w on w.ward_code = c.ward_key
    """


_SETUP_LOCK = threading.RLock()


def _places() -> duckdb.DuckDBPyConnection:
    """The shared in-memory database (see :func:`_new_places`)."""
    with _SETUP_LOCK:
        return _new_places()


@functools.lru_cache(maxsize=1)
def _new_places() -> duckdb.DuckDBPyConnection:
    """An in-memory database shared by the imports of this process.

    Each import works in a cursor of it, with its own temporary tables; the lookups
    (about a second to build) are added once, when an import first needs them.
    """
    con = duckdb.connect()
    con.execute("set enable_progress_bar = false")
    return con


def _lookups_installed() -> bool:
    """Add ``lsoa_best`` and ``ward_places`` to the shared database (once, when needed)."""
    with _SETUP_LOCK:
        return _install_lookups()


@functools.lru_cache(maxsize=1)
def _install_lookups() -> bool:
    con = _places()
    install_reference_tables(con)
    # a code in both vintages (most are unchanged since 2011) is read as a 2021 code
    con.execute("""
        create table lsoa_best as
        select lsoa_code, vintage, lsoa21_code, ward_code, ward_name, lad_code, lad_name,
               csp_code, csp_name, pfa_code, pfa_name
        from lsoa_lookup
        qualify row_number() over (partition by lsoa_code order by vintage desc) = 1;

        create table ward_places as
        select ward_code, any_value(ward_name order by pri) as ward_name,
               any_value(lad_code order by pri) as lad_code,
               any_value(lad_name order by pri) as lad_name,
               any_value(csp_code order by pri) as csp_code,
               any_value(csp_name order by pri) as csp_name,
               any_value(pfa_code order by pri) as pfa_code,
               any_value(pfa_name order by pri) as pfa_name
        from (
            select ward_code, ward_name, lad_code, lad_name, csp_code, csp_name, pfa_code,
                   pfa_name, 0 as pri from lsoa_lookup
            union all
            select native_ward_code, native_ward_name, lad_code, lad_name, csp_code,
                   csp_name, pfa_code, pfa_name, 1 from lsoa_lookup where vintage = '2011'
        )
        where ward_code is not null
        group by ward_code;
    """)
    return True


def _boundary_codes_installed() -> bool:
    """Add the table ``boundary_codes(i, code)`` to the shared database (once, when needed)."""
    with _SETUP_LOCK:
        return _install_boundary_codes()


@functools.lru_cache(maxsize=1)
def _install_boundary_codes() -> bool:
    codes = ", ".join(f"({i}, {literal(c)})" for i, c in enumerate(_boundaries().codes))
    con = _places()
    con.execute("create table boundary_codes (i bigint, code varchar)")
    if codes:
        con.execute(f"insert into boundary_codes values {codes}")
    return True


# --------------------------------------------------------------------------------------------
# Committing


#: Exact copies of rows in an extract are reported when they are more than this share of its
#: rows (a synthetic extract of 100,000 rows has about 50, from shops with two thefts a day).
REPEATED_SHARE = 0.01


def validate_extract_name(name: str) -> str:
    """Check an extract name: lower-case letters, digits, hyphens, underscores; 1-64 long."""
    if not isinstance(name, str) or not fmt.EXTRACT_NAME.match(name):
        raise InputError(
            f"The extract name '{name}' is not allowed.",
            "Use lower-case letters, digits, hyphens and underscores, for example 'police-2025'.",
        )
    return name


def ingest_extract(
    path: str | os.PathLike[str],
    store: Store,
    name: str,
    progress: Progress = no_progress,
) -> ExtractResult:
    """Load a partner extract CSV (plain or gzip) into ``store`` as ``name``, all or nothing.

    Parameters
    ----------
    path
        The extract, in the format of ``docs/partner-extract.md``.
    store
        The store to load into.
    name
        The extract's name in the store (lower-case letters, digits, ``-`` and ``_``).
        A different file under a name already held replaces it.
    progress
        Called with each step's progress.

    Returns
    -------
    ExtractResult
        What was done: added, replaced or unchanged, and how rows were placed.

    Raises
    ------
    InputError, DataFormatError, StoreError
        With one sentence on what is wrong and one on what to do; the store is unchanged.
    """
    validate_extract_name(name)
    source = Path(path)
    if not source.exists():
        raise InputError(f"The file {path} does not exist.", "Check the spelling and try again.")
    if source.is_dir():
        raise InputError(f"{path} is a folder, not a file.", "Name one partner extract CSV file.")
    return run_import(store, "partner", lambda work: _ingest_locked(source, store, name, work, progress))


def _ingest_locked(source: Path, store: Store, name: str, work: Path, progress: Progress) -> ExtractResult:
    progress("Checking the extract", 0, 1)
    header = read_header(source)
    sha = sha256_of(source)
    manifest = store.read_manifest()
    held = manifest.extracts.get(name)
    if held and held.get("sha256") == sha:
        progress("Checking the extract", 1, 1)
        return ExtractResult(
            name=name,
            source=held.get("source", source.name),
            sha256=sha,
            rows=int(held.get("rows", 0)),
            action="unchanged",
            synthetic=bool(held.get("synthetic", False)),
        )
    present = set(header)
    con = _places().cursor()
    try:
        # the text as read goes to a Parquet file in the work folder, so that a file of
        # tens of millions of rows is read once and never has to fit in memory; the copy
        # keeps the file's row order, so a row's position in it gives its line number
        clean_file = work / "clean.parquet"
        cleaned = ", ".join(f"nullif(trim({_quote_ident(c)}), '') as {c}" for c in header)
        try:
            con.execute(
                f"copy (select {cleaned} from {_read_sql(source, header)}) to "
                f"{literal(str(clean_file))} (format parquet, compression zstd)"
            )
        except duckdb.Error as exc:
            raise _friendly_read_error(exc, source.name, source) from exc
        con.execute(
            "create temp view clean as select file_row_number + 2 as line, * "
            f"from read_parquet({literal(str(clean_file))}, file_row_number=true)"
        )
        total = con.execute("select count(*) from clean").fetchone()[0]
        if not total:
            raise DataFormatError(
                f"The file {source.name} has a header but no rows.",
                "Ask the partner to send the extract again.",
            )
        progress("Checking the extract", 0.5, 1)
        _validate(con, source.name, present)
        notes = repeated_row_warnings(
            con,
            f"(select {literal(source.name)} as filename, * exclude (line) from clean)",
            {},
            header,
            # no column names one crime, and the same details can be two crimes (two thefts
            # from one shop on one day), so copies are reported when they are many
            keyed="false",
            key=None,
            repeating="another row exactly",
            unkeyed="rows that are exact copies of others,",
            unkeyed_share=REPEATED_SHARE,
        )
        progress("Checking the extract", 1, 1)
        _geocode(con, present, progress)
        _lookups_installed()
        progress("Writing the extract", 0, 1)
        staged = work / "staged"
        staged.mkdir()
        out = staged / "data_0.parquet"
        con.execute(
            f"copy ({_typed_select(present, source.name)}) to {literal(str(out))} "
            "(format parquet, compression zstd)"
        )
        con.execute(f"create temp view placed as select * from read_parquet({literal(str(out))})")
        stats = con.execute("""
            select count(*),
                   count(*) filter (where location_source = 'lsoa'),
                   count(*) filter (where location_source = 'coordinates'),
                   count(*) filter (where location_source = 'ward'),
                   count(*) filter (where location_source = 'none'),
                   count(*) filter (where location_source = 'coordinates' and lsoa_code is null),
                   count(*) filter (where location_source in ('lsoa', 'ward')
                                    and lad_code is null),
                   bool_or(synthetic)
            from placed
        """).fetchone()
    finally:
        con.close()
    rows, by_lsoa, by_coord, by_ward, by_none, outside, unknown, synthetic = stats
    progress("Writing the extract", 1, 1)
    manifest.extracts[name] = manifest_entry(
        sha, source.name, rows, synthetic=bool(synthetic), columns=sorted(present)
    )
    commit_staged(store, manifest, [(manifest.extracts[name], f"partner/{name}", [out])], progress)
    assumptions = []
    if by_coord:
        assumptions.append(
            "Coordinates were placed in 2021 LSOAs by point-in-polygon against the bundled "
            "ONS generalised boundaries; rows outside them have no LSOA."
        )
    if "lsoa_code" in present:
        assumptions.append("LSOA codes held in both the 2011 and 2021 lookups were read as 2021 codes.")
    return ExtractResult(
        name=name,
        source=source.name,
        sha256=sha,
        rows=int(rows),
        action="replaced" if held else "added",
        synthetic=bool(synthetic),
        previous_rows=int(held["rows"]) if held else None,
        previous_source=held.get("source") if held else None,
        rows_by_location={
            "lsoa": int(by_lsoa),
            "coordinates": int(by_coord),
            "ward": int(by_ward),
            "none": int(by_none),
        },
        rows_outside_boundaries=int(outside),
        rows_unknown_area=int(unknown),
        assumptions=tuple(assumptions),
        notes=tuple(notes),
    )


def _quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def list_extracts(store: Store) -> list[ExtractInfo]:
    """Return the partner extracts held in ``store``, by name."""
    out = []
    for name, entry in sorted(store.read_manifest().extracts.items()):
        out.append(
            ExtractInfo(
                name=name,
                source=str(entry.get("source", "")),
                sha256=str(entry.get("sha256", "")),
                rows=int(entry.get("rows", 0)),
                synthetic=bool(entry.get("synthetic", False)),
                ingested_at=str(entry.get("ingested_at", "")),
            )
        )
    return out


def attach_extracts(con: duckdb.DuckDBPyConnection, store: Store | Snapshot) -> list[str]:
    """Create a view ``partner_extracts`` over every held extract (column ``extract`` = name).

    Give the snapshot ``con`` was made from, so that the extracts are those of the same state;
    given a ``Store``, a snapshot of it now is taken and kept while ``con`` is alive.
    Returns the names held. With none held, the view is an empty table of the right shape.
    """
    snap = store.snapshot()
    weakref.finalize(con, snap.close)
    names = sorted(n for n, files in snap.extract_files.items() if files)
    if names:
        parts = " union all by name ".join(
            f"select {literal(n)} as extract, * from read_parquet({literal(list(snap.extract_files[n]))})"
            for n in names
        )
        con.execute(f"create or replace view partner_extracts as {parts}")
    else:
        cols = ", ".join(f"{c} {t}" for c, t in PARTNER_COLUMNS.items())
        con.execute(f"create or replace temp table partner_extracts (extract varchar, {cols})")
    return names
