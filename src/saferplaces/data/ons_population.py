"""Download the latest ONS mid-year population estimates for districts into the store.

ONS publishes its mid-year estimates through Nomis (https://www.nomisweb.co.uk), its service
for official labour market and population statistics. Dataset ``NM_2002_1`` ("Population
estimates - local authority based by single year of age") holds, for every local authority
district in England and Wales, the residents by sex and single year of age (0 to 89, then 90
and over). Its API answers a CSV for a query such as::

    /api/v01/dataset/NM_2002_1.data.csv?geography=E07000197,E07000193&date=latest
        &gender=0...2&c_age=101...191&measures=20100
        &select=date_name,geography_code,geography_name,gender_name,c_age_name,obs_value

``gender`` 0, 1 and 2 are persons, males and females; ``c_age`` 101 to 191 are the ages 0 to
90+; ``measures`` 20100 is the count; ``date=latest`` is the newest mid-year held. An answer
without a key is capped at 25,000 rows, so the districts are asked for in groups of at most
``CODES_PER_REQUEST`` (273 rows each).

Every answer is checked before anything is written: the columns, one year throughout, the 91
ages and three sexes of every district, males and females adding up to persons, whole
non-negative counts. The districts asked for are the current ones (the LSOA 2021 to LAD 2024
lookup bundled with Safer Places); a district ONS gives no estimate for is named in
``assumptions``, and an answer with none at all is an error. The tables are written as the
store writes its data (ADR 0027): each goes to ``<store>/reference/population/`` under the
SHA-256 of its bytes, and one new manifest, naming the tables and the record of where and when
each came from (``Manifest.reference``), is renamed over the old one under the store's write
lock. So a failed or killed download leaves what was held before, and a reader's snapshot keeps
the population it opened with.

Wards: ONS publishes its small-area estimates (2021-based) through Nomis dataset ``NM_2014_1``
("Population estimates - small area (2021 based) by single year of age"), whose ward geography is
the December 2022 electoral wards (Nomis geography type ``TYPE153``). Safer Places places crime
in May 2024 wards (the bundled LSOA 2021 to ward 2024 lookup), and many wards changed between
the two (in the Staffordshire force area, 82 of 185 wards were redrawn in 2023). So the
2024 wards of the police force areas the store holds are asked for by code: a ward whose 2024
code Nomis knows is unchanged since 2022 and its estimate is kept; every other ward is named, and
its rates keep using the bundled small-area estimates summed to 2024 wards. The ward table is
committed with the district one, its record listing the wards matched and not matched.
"""

from __future__ import annotations

import csv
import dataclasses
import gzip
import hashlib
import io
import re
import urllib.parse
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from saferplaces.data.bundled_files import bundled
from saferplaces.data.download import fetch, resolve_base_url, scratch_folder
from saferplaces.data.input_files import disguised
from saferplaces.data.progress import Progress, no_progress
from saferplaces.data.store import Store
from saferplaces.errors import DataFormatError, StoreError, example

DEFAULT_BASE_URL = "https://www.nomisweb.co.uk"
#: Environment variable that overrides the Nomis address (tests point it at a local server).
BASE_URL_ENV = "SAFERPLACES_NOMIS_URL"
DATASET = "NM_2002_1"
#: Nomis's small-area estimates (2021 based); its wards are December 2022 wards (TYPE153).
WARD_DATASET = "NM_2014_1"
WARD_VINTAGE = "December 2022 wards"
#: The bundled force area: its wards are asked for when the store holds no police.uk data yet.
DEFAULT_PFA = "E23000015"
#: Columns asked for (``select``) and required in the answer, in Nomis's upper case.
COLUMNS = ("DATE_NAME", "GEOGRAPHY_CODE", "GEOGRAPHY_NAME", "GENDER_NAME", "C_AGE_NAME", "OBS_VALUE")
SEXES = {"total": 0, "male": 1, "female": 2}
AGES = range(91)  # 90 stands for 90 and over, as in the bundled estimates
ROW_CAP = 25_000
CODES_PER_REQUEST = ROW_CAP // (len(SEXES) * len(AGES))
FOLDER = Path("reference") / "population"
MISSING_HINT = (
    "Check the address in --base-url or SAFERPLACES_NOMIS_URL; Nomis may be down for maintenance, "
    "so try again later."
)
_CODE = re.compile(r"[EW]0[6-9]\d{6}", re.ASCII)
_WARD_CODE = re.compile(r"[EW]05\d{6}", re.ASCII)
_AGE = re.compile(r"Age(?:d)? (\d{1,2})(\+?)", re.ASCII)
#: The years an estimate may be for: Nomis holds mid-year estimates from 1981.
FIRST_YEAR = 1981


@dataclass(frozen=True)
class PopulationDownload:
    """What ``download_ons_population`` fetched and wrote.

    Attributes
    ----------
    year
        The mid-year of the estimates (mid-2023 is 2023).
    districts
        Districts with an estimate in the table.
    missing
        Districts asked for that ONS gave no estimate for (codes), sorted.
    persons
        Residents of all the districts together (England and Wales when all are held).
    table, record
        The CSV written (district, name, year, sex, age, population) and its record in the
        store's manifest (where and when it came from, its SHA-256).
    urls
        The addresses fetched.
    bytes_downloaded
        Bytes received.
    assumptions
        Sentences on the choices made.
    ward_year
        The mid-year of the ward estimates, or None when wards were not asked for.
    wards_matched, wards_unmatched
        (code, name) of the 2024 wards asked for whose code Nomis gave an estimate for (the ward
        is unchanged since the 2022 wards ONS publishes on), and of those it did not.
    ward_table, ward_record
        The ward CSV (ward_code, ward_name, year, sex, age, population) and its record.
    snapshot
        The store snapshot the download committed.
    """

    year: int
    districts: int
    missing: tuple[str, ...]
    persons: int
    table: Path
    record: Mapping[str, Any]
    urls: tuple[str, ...]
    bytes_downloaded: int
    assumptions: tuple[str, ...] = field(default=())
    ward_year: int | None = None
    wards_matched: tuple[tuple[str, str], ...] = ()
    wards_unmatched: tuple[tuple[str, str], ...] = ()
    ward_table: Path | None = None
    ward_record: Mapping[str, Any] | None = None
    snapshot: int = 0


def current_districts() -> dict[str, str]:
    """District code -> name, from the bundled LSOA 2021 to ward 2024 to LAD 2024 lookup."""
    with gzip.open(bundled("geography/lookups/LSOA21_WD24_LAD24_EW_LU.csv.gz"), "rt", encoding="utf-8") as f:
        return {r["LAD24CD"]: r["LAD24NM"] for r in csv.DictReader(f)}


def store_wards(store: Store) -> dict[str, str]:
    """2024 ward code -> name for the police force areas whose police.uk data the store holds.

    With no police.uk data held yet, the wards of the bundled force area (Staffordshire).
    """
    from saferplaces.data.store import reference_connection

    con = reference_connection()
    try:
        forces = sorted(store.force_months())
        pfas = [
            r[0]
            for r in con.execute(
                "select distinct pfa_code from forces where force in (select unnest(?)) "
                "and pfa_code is not null",
                [forces],
            ).fetchall()
        ] or [DEFAULT_PFA]
        rows = con.execute(
            "select ward_code, any_value(ward_name) from lsoa_lookup where vintage = '2021' "
            "and pfa_code in (select unnest(?)) group by 1 order by 1",
            [pfas],
        ).fetchall()
    finally:
        con.close()
    return {code: name for code, name in rows}


def nomis_url(base_url: str, codes: Sequence[str], dataset: str = DATASET) -> str:
    """The Nomis address of the latest estimates for ``codes``, by sex and single year of age."""
    query = urllib.parse.urlencode(
        {
            "geography": ",".join(codes),
            "date": "latest",
            "gender": "0...2",
            "c_age": "101...191",
            "measures": "20100",
            "select": ",".join(c.lower() for c in COLUMNS),
        },
        safe=",.",
    )
    return f"{base_url}/api/v01/dataset/{dataset}.data.csv?{query}"


def _bad(url: str, what: str) -> DataFormatError:
    return DataFormatError(
        f"The answer from {url} is not the ONS population table we asked for: {what}.",
        "Check --base-url or SAFERPLACES_NOMIS_URL points at Nomis (https://www.nomisweb.co.uk) "
        "and try again later.",
    )


def parse_answer(
    text: str, url: str, *, wards: bool = False
) -> dict[tuple[str, int, int], tuple[str, int, int]]:
    """(area, sex, age) -> (name, year, population) from one Nomis CSV answer, checked.

    ``wards`` expects ward codes (E05, W05) instead of district codes.

    Raises
    ------
    DataFormatError
        When the answer is not the table asked for (an HTML page, other columns, an age or sex
        we do not know, a count that is not a whole number).
    """
    what = disguised(text[:64].encode("utf-8", "replace"))
    if what:
        raise _bad(url, f"it is {what}, not a CSV table")
    if "\x00" in text:
        raise _bad(url, f"line {text.count(chr(10), 0, text.index(chr(0))) + 1} holds a NUL byte")
    try:
        return _parse_rows(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")), url, wards)
    except csv.Error as exc:  # a quote never closed, a cell over the csv module's limit
        raise _bad(url, f"it cannot be read as CSV ({example(str(exc))})") from None


def _parse_rows(reader: Any, url: str, wards: bool) -> dict[tuple[str, int, int], tuple[str, int, int]]:
    """The checked rows of :func:`parse_answer`'s CSV reader."""
    header = [h.strip().upper() for h in next(reader, [])]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        return_to = ", ".join(missing)
        raise _bad(url, f"it has no {return_to} column")
    twice = [c for c in COLUMNS if header.count(c) > 1]
    if twice:
        raise _bad(url, f"it has two {twice[0]} columns")
    at = {c: header.index(c) for c in COLUMNS}
    out: dict[tuple[str, int, int], tuple[str, int, int]] = {}
    for line, row in enumerate(reader, start=2):
        if not row:
            continue
        if len(row) < len(header):
            raise _bad(url, f"line {line} has {len(row)} cells, not {len(header)}")
        code = row[at["GEOGRAPHY_CODE"]].strip()
        year_text = row[at["DATE_NAME"]].strip()
        sex = SEXES.get(row[at["GENDER_NAME"]].strip().lower())
        age_match = _AGE.fullmatch(row[at["C_AGE_NAME"]].strip())
        value = row[at["OBS_VALUE"]].strip()
        if not (_WARD_CODE if wards else _CODE).fullmatch(code):
            kind = "ward" if wards else "district"
            raise _bad(url, f"line {line} has '{example(code)}', not a {kind} code")
        if not re.fullmatch(r"[0-9]{4}", year_text) or not FIRST_YEAR <= int(year_text) <= date.today().year:
            year = example(year_text)
            raise _bad(url, f"line {line} has the date '{year}', not a year from {FIRST_YEAR} to this year")
        if sex is None:
            raise _bad(url, f"line {line} has the sex '{example(row[at['GENDER_NAME']])}'")
        if (
            age_match is None
            or int(age_match.group(1)) not in AGES
            or (bool(age_match.group(2)) != (int(age_match.group(1)) == AGES[-1]))
        ):
            raise _bad(url, f"line {line} has the age '{example(row[at['C_AGE_NAME']])}'")
        if not (value.isascii() and value.isdigit()):
            raise _bad(url, f"line {line} has the count '{example(value)}', not a whole number")
        key = (code, sex, int(age_match.group(1)))
        if key in out:
            raise _bad(url, f"line {line} repeats {code}, {row[at['GENDER_NAME']]}, {row[at['C_AGE_NAME']]}")
        out[key] = (row[at["GEOGRAPHY_NAME"]].strip(), int(year_text), int(value))
    return out


def _check_whole(rows: dict[tuple[str, int, int], tuple[str, int, int]], url: str) -> None:
    """Every district has all ages of all sexes, one year throughout, and males + females = persons."""
    years = {year for _, year, _ in rows.values()}
    if len(years) > 1:
        raise _bad(url, f"it mixes the years {', '.join(map(str, sorted(years)))}")
    for code in sorted({c for c, _, _ in rows}):
        absent = [(s, a) for s in SEXES.values() for a in AGES if (code, s, a) not in rows]
        if absent:
            raise _bad(url, f"{code} lacks {len(absent)} of its {len(SEXES) * len(AGES)} age and sex rows")
        for age in AGES:
            total, male, female = (rows[(code, s, age)][2] for s in (0, 1, 2))
            if male + female != total:
                sexes = f"males {male} and females {female}"
                raise _bad(url, f"for {code} at age {age}, {sexes} do not add up to persons {total}")


def download_ons_population(
    store: Store,
    *,
    base_url: str | None = None,
    districts: dict[str, str] | None = None,
    wards: dict[str, str] | None = None,
    progress: Progress = no_progress,
    timeout: float = 60.0,
    attempts: int = 3,
    backoff: float = 0.5,
) -> PopulationDownload:
    """Fetch the latest ONS mid-year estimates for every district and the store's wards into the store.

    Parameters
    ----------
    store
        The store; the tables go to ``<store>/reference/population/``.
    base_url
        Nomis's address; default ``$SAFERPLACES_NOMIS_URL``, else https://www.nomisweb.co.uk.
    districts
        Code -> name of the districts to ask for; default every current district of England
        and Wales (``current_districts``).
    wards
        Code -> name of the 2024 wards to ask for; default the wards of the force areas the store
        holds (``store_wards``); an empty dict asks for no ward.
    progress
        ``progress(step, done, total)``.
    timeout, attempts, backoff
        As for ``saferplaces.data.download.fetch``.

    Returns
    -------
    PopulationDownload

    Raises
    ------
    DownloadError
        When Nomis cannot be reached or answers an error.
    DataFormatError
        When an answer is not the table asked for, or holds no district (or no ward) at all.
    StoreError
        When the store cannot be written.
    """
    base = resolve_base_url(base_url, BASE_URL_ENV, DEFAULT_BASE_URL)
    wanted = dict(sorted((districts if districts is not None else current_districts()).items()))
    wanted_wards = dict(sorted((wards if wards is not None else store_wards(store)).items()))
    root = Path(store.root)
    options = {"timeout": timeout, "attempts": attempts, "backoff": backoff}
    # a leased work folder in the store; a failed first download leaves no empty store behind
    with scratch_folder(root, "ons-population", in_store=True) as work:
        rows, urls, received = _fetch_all(base, DATASET, list(wanted), work, progress, False, options)
        if not rows:
            raise DataFormatError(
                f"Nomis gave no population estimate for any of the {len(wanted)} districts asked for.",
                "Check --base-url or SAFERPLACES_NOMIS_URL points at Nomis and try again later.",
            )
        _check_whole(rows, urls[0])
        ward_rows: dict[tuple[str, int, int], tuple[str, int, int]] = {}
        ward_urls: list[str] = []
        if wanted_wards:
            ward_rows, ward_urls, got = _fetch_all(
                base, WARD_DATASET, list(wanted_wards), work, progress, True, options
            )
            received += got
            if not ward_rows:
                raise DataFormatError(
                    f"Nomis gave no ward estimate for any of the {len(wanted_wards)} 2024 wards asked "
                    f"for: it publishes ward estimates on {WARD_VINTAGE}.",
                    "Run the command with --no-wards to fetch the district estimates only; ward rates "
                    "keep using the bundled small-area estimates.",
                )
            _check_whole(ward_rows, ward_urls[0])
        result, entries = _write(work, wanted, rows, urls, received)
        if wanted_wards:
            result, ward_entry = _write_wards(work, result, wanted_wards, ward_rows, ward_urls)
            entries.update(ward_entry)
        return _commit(store, work, result, entries)


#: Where the downloaded tables go in the store, and the key of each in ``Manifest.reference``.
KINDS = {"lad": "population/lad/{year}", "ward": "population/ward/{year}"}


def _commit(
    store: Store, work: Path, result: PopulationDownload, entries: dict[str, tuple[str, dict]]
) -> PopulationDownload:
    """Place the staged tables in the store and commit them in one manifest (ADR 0027).

    ``entries``: manifest key -> (staged file name in ``work``, record). A table of the same
    kind and year held before is replaced; its file stays while a snapshot still reads it.
    """
    placed: dict[str, dict] = {}
    try:
        with store.lock():
            manifest = store.read_manifest()
            for key, (name, facts) in entries.items():
                relative = store.place(work / name, FOLDER.as_posix(), ".csv")
                placed[key] = {**facts, "files": [relative]}
                manifest.reference[key] = placed[key]
            snapshot = store.commit(manifest)
    except OSError as exc:
        raise StoreError(
            f"The population tables could not be written to {store.root} ({exc.strerror or exc}).",
            "Check there is free disk space and that you may write to the store, then try again.",
        ) from exc
    root = Path(store.root)
    lad = placed[KINDS["lad"].format(year=result.year)]
    changes: dict[str, Any] = {"table": root / lad["files"][0], "record": lad, "snapshot": snapshot}
    if result.ward_year is not None:
        ward = placed[KINDS["ward"].format(year=result.ward_year)]
        changes.update(ward_table=root / ward["files"][0], ward_record=ward)
    return dataclasses.replace(result, **changes)


def _fetch_all(
    base: str,
    dataset: str,
    codes: list[str],
    work: Path,
    progress: Progress,
    wards: bool,
    options: dict,
) -> tuple[dict[tuple[str, int, int], tuple[str, int, int]], list[str], int]:
    """Ask Nomis for ``codes`` in groups small enough for its row cap; the rows, addresses, bytes."""
    groups = [codes[i : i + CODES_PER_REQUEST] for i in range(0, len(codes), CODES_PER_REQUEST)]
    rows: dict[tuple[str, int, int], tuple[str, int, int]] = {}
    urls: list[str] = []
    received = 0
    kind = "ward" if wards else "district"
    for n, group in enumerate(groups, start=1):
        url = nomis_url(base, group, dataset)
        urls.append(url)
        dest = work / f"answer-{kind}-{n}.csv"
        received += fetch(
            url,
            dest,
            progress,
            f"Downloading ONS {kind} estimates ({n} of {len(groups)})",
            source="Nomis",
            missing_hint=MISSING_HINT,
            env=BASE_URL_ENV,
            **options,
        )
        try:
            text = dest.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise _bad(url, "it is not text") from exc
        answer = parse_answer(text, url, wards=wards)
        strangers = sorted({c for c, _, _ in answer} - set(group))
        if strangers:
            raise _bad(url, f"it holds {kind}s not asked for ({', '.join(strangers[:3])})")
        rows.update(answer)
    return rows, urls, received


def _write(
    work: Path,
    wanted: dict[str, str],
    rows: dict[tuple[str, int, int], tuple[str, int, int]],
    urls: list[str],
    received: int,
) -> tuple[PopulationDownload, dict[str, tuple[str, dict]]]:
    """Stage the district table in ``work``; the result so far and its manifest entry."""
    year = next(iter(rows.values()))[1]
    held = sorted({c for c, _, _ in rows})
    missing = tuple(c for c in wanted if c not in set(held))
    body = io.StringIO()
    writer = csv.writer(body, lineterminator="\n")
    writer.writerow(["lad_code", "lad_name", "year", "sex", "age", "population"])
    for (code, sex, age), (name, yr, value) in sorted(rows.items()):
        writer.writerow([code, name, yr, sex, age, value])
    data = body.getvalue().encode("utf-8")
    persons = sum(v for (_, sex, _), (_, _, v) in rows.items() if sex == 0)
    notes = [
        f"The newest ONS mid-year estimates Nomis holds are for mid-{year}: {len(held)} districts "
        f"by sex and single year of age (90 stands for 90 and over), from dataset {DATASET}.",
        "Districts are those of the current ONS lookup (LSOA 2021 to ward 2024 to LAD 2024).",
    ]
    if missing:
        names = ", ".join(f"{wanted[c]} ({c})" for c in missing[:5])
        more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        notes.append(f"Nomis gave no estimate for {len(missing)} district(s): {names}{more}.")
    name = f"ons_mye_mid{year}_lad_sex_syoa.csv"
    facts = {
        "source": "ONS mid-year population estimates, through Nomis",
        "dataset": DATASET,
        "districts": len(held),
        "missing": list(missing),
        "persons": persons,
        **_provenance(year, urls, rows, data),
    }
    _stage(work, name, data)
    result = PopulationDownload(
        year, len(held), missing, persons, work / name, facts, tuple(urls), received, tuple(notes)
    )
    return result, {KINDS["lad"].format(year=year): (name, facts)}


def _provenance(year: int, urls: list[str], rows: dict, data: bytes) -> dict:
    """The parts of a download record every table has: when, where from, fingerprint, licence."""
    return {
        "year": year,
        "urls": urls,
        "fetched_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "rows": len(rows),
        "sha256": hashlib.sha256(data).hexdigest(),
        "columns": {"sex": "0 persons, 1 males, 2 females", "age": "0 to 90; 90 is 90 and over"},
        "licence": "Source: Office for National Statistics licensed under the Open Government Licence v3.0.",
    }


def _stage(work: Path, name: str, data: bytes) -> None:
    try:
        (work / name).write_bytes(data)
    except OSError as exc:
        raise StoreError(
            f"The population table could not be written to {work} ({exc.strerror or exc}).",
            "Check there is free disk space and that you may write to the store, then try again.",
        ) from exc


def _write_wards(
    work: Path,
    result: PopulationDownload,
    wanted: dict[str, str],
    rows: dict[tuple[str, int, int], tuple[str, int, int]],
    urls: list[str],
) -> tuple[PopulationDownload, dict[str, tuple[str, dict]]]:
    """Stage the ward table in ``work``; the result so far and its manifest entry."""
    year = next(iter(rows.values()))[1]
    held = {c for c, _, _ in rows}
    matched = tuple((c, wanted[c]) for c in wanted if c in held)
    unmatched = tuple((c, wanted[c]) for c in wanted if c not in held)
    body = io.StringIO()
    writer = csv.writer(body, lineterminator="\n")
    writer.writerow(["ward_code", "ward_name", "year", "sex", "age", "population"])
    for (code, sex, age), (_, yr, value) in sorted(rows.items()):
        writer.writerow([code, wanted[code], yr, sex, age, value])
    data = body.getvalue().encode("utf-8")
    name = f"ons_sape_mid{year}_ward_sex_syoa.csv"
    facts = {
        "source": "ONS small area population estimates (2021 based), through Nomis",
        "dataset": WARD_DATASET,
        "ward_vintage": WARD_VINTAGE,
        "wards_asked": len(wanted),
        "matched": [{"code": c, "name": n} for c, n in matched],
        "unmatched": [{"code": c, "name": n} for c, n in unmatched],
        **_provenance(year, urls, rows, data),
    }
    _stage(work, name, data)
    notes = [
        f"The newest ONS ward estimates Nomis holds are for mid-{year}, on {WARD_VINTAGE} (dataset "
        f"{WARD_DATASET}); Safer Places uses May 2024 wards.",
        f"{len(matched)} of the {len(wanted)} 2024 wards asked for have the same code in 2022 and "
        "use these estimates: " + ", ".join(f"{n} ({c})" for c, n in matched) + ".",
    ]
    if unmatched:
        notes.append(
            f"{len(unmatched)} ward(s) changed since 2022 and keep using the bundled ONS small-area "
            "estimates summed to 2024 wards: " + ", ".join(f"{n} ({c})" for c, n in unmatched) + "."
        )
    done = dataclasses.replace(
        result,
        assumptions=result.assumptions + tuple(notes),
        ward_year=year,
        wards_matched=matched,
        wards_unmatched=unmatched,
        ward_table=work / name,
        ward_record=facts,
    )
    return done, {KINDS["ward"].format(year=year): (name, facts)}


__all__ = [
    "BASE_URL_ENV",
    "DEFAULT_BASE_URL",
    "PopulationDownload",
    "current_districts",
    "download_ons_population",
    "nomis_url",
    "parse_answer",
    "store_wards",
]
