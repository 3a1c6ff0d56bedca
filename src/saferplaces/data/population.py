"""ONS mid-year population estimates for districts, wards and LSOAs.

Held: districts (LAD) at mid-2019, mid-2020 and mid-2021 for England and Wales;
2011 LSOAs in Staffordshire and Stoke-on-Trent at mid-2017, mid-2019 and mid-2020.
Wards (2024) are built from the LSOA estimates through the ONS best-fit LSOA
2011 to 2021 lookup. Forces and CSPs add up their districts.

Estimates that ``saferplaces download ons-population`` committed to the store join
the bundled years (ADR 0027): districts (and so CSPs and forces, when every district
of the area has that year), and the 2024 wards whose code ONS publishes estimates for
(it publishes on 2022 wards). A downloaded estimate is preferred for its own year. A
snapshot's connection reads the tables its manifest lists, so a reader keeps one
population whatever is downloaded meanwhile; ``Population.estimate`` names the
estimate used ("mid-2023, downloaded from ONS (Nomis) on 3 December 2026").

For a year with no estimate we use the nearest earlier year (or, before the
first estimate, the first one) and say so in ``assumption``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from saferplaces.data.areas import Area
from saferplaces.data.bundled_files import bundled, bundled_dir
from saferplaces.data.sql import literal, run
from saferplaces.data.table_cache import install_cached
from saferplaces.errors import InputError

LSOA_FILES = {
    2017: "population/ons_sape_mid2017_lsoa11_syoa_persons_staffordshire.csv.gz",
    2019: "population/ons_sape_mid2019_lsoa11_syoa_persons_staffordshire.csv.gz",
    2020: "population/ons_sape_mid2020_lsoa11_syoa_persons_staffordshire.csv.gz",
}


BUNDLED_WARD_SOURCE = "ONS small area population estimates (2011 LSOAs, summed to 2024 wards)"
DOWNLOADED_WARD_SOURCE = (
    "ONS ward population estimates downloaded from Nomis (December 2022 wards whose code is "
    "unchanged in 2024)"
)


@dataclass(frozen=True)
class Population:
    """A population estimate for an area, with the year it is for."""

    area_code: str
    value: int
    year: int
    requested_year: int
    source: str
    assumption: str | None
    #: the day the estimate was downloaded from ONS (Nomis), or None for a bundled estimate
    downloaded: str | None = None

    @property
    def estimate(self) -> str:
        """The estimate in words: "mid-2023, downloaded from ONS (Nomis) on 3 December 2026"."""
        return estimate_words(self.year, self.downloaded)


def estimate_words(year: int, downloaded: str | None) -> str:
    """The estimate in words: "mid-2021" when bundled; a downloaded one adds the day it was fetched."""
    if downloaded is None:
        return f"mid-{year}"
    return f"mid-{year}, downloaded from ONS (Nomis) on {downloaded}"


def _path(relative: str) -> str:
    return str(bundled(relative)).replace("'", "''")


def _inputs() -> list:
    return sorted(bundled_dir().joinpath("population").glob("*.gz")) + [
        bundled("geography/lookups/LSOA11_WD19_LAD19_EW_LU.csv.gz"),
        bundled("geography/lookups/LSOA21_WD24_LAD24_EW_LU.csv.gz"),
        bundled("geography/lookups/LSOA11_LSOA21_LAD22_EW_best_fit_v2.csv.gz"),
    ]


def install_population_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create ``lad_population``, ``lsoa_population`` and ``ward_population`` (code, year, population).

    They come from the per-user table cache after the first time (``saferplaces.data.table_cache``).
    """
    install_cached(
        con,
        "population",
        ("lad_population", "lsoa_population", "ward_population"),
        Path(__file__),
        _inputs(),
        _build_population_tables,
    )


def _build_population_tables(con: duckdb.DuckDBPyConnection) -> None:
    lsoa_parts = " union all ".join(
        f"select lsoa11_code as lsoa_code, {year} as year, total_population::bigint as population "
        f"from read_csv('{_path(rel)}', header=true)"
        for year, rel in LSOA_FILES.items()
    )
    run(
        con,
        f"""
        create temp table lsoa_population as {lsoa_parts};
        create temp table lad_population as
            select ltla19_code as lad_code, 2019 as year, total_population::bigint as population,
                   'ONS mid-2019 population estimates' as source
            from read_csv('{_path("population/ons_mye_mid2019_lad19_syoa_persons_ew.csv.gz")}', header=true)
            union all
            select ltla21_code, 2020, total_population::bigint, 'ONS mid-2020 population estimates'
            from read_csv('{_path("population/ons_mye_mid2020_lad21_syoa_persons_ew.csv.gz")}', header=true)
            union all
            select ladcode21, 2021, sum(population_2021)::bigint, 'ONS mid-2021 population estimates'
            from read_csv('{_path("population/ons_mye_mid2021_lad21_sex_syoa_uk.csv.gz")}', header=true)
            group by ladcode21;
        create temp table ward_population as
            select l.ward_code, p.year, sum(p.population)::bigint as population
            from lsoa_population p
            join lsoa_lookup l on l.lsoa_code = p.lsoa_code and l.vintage = '2011'
            group by all;
        """,
    )


#: The temp table (kind, year, path, sha256, fetched_at) of the downloaded tables a connection reads.
DOWNLOADED_SOURCES = "downloaded_population_sources"
_KINDS = {"lad": "lad_code", "ward": "ward_code"}


def install_downloaded_population(
    con: duckdb.DuckDBPyConnection, root: Path, reference: Mapping[str, Mapping[str, Any]]
) -> None:
    """Tell ``con`` which population tables a snapshot holds (its manifest's ``reference``, ADR 0027).

    ``Snapshot.connect()`` calls it. Only the list is made here (``downloaded_population_sources``);
    each table is read the first time a connection needs it. With none downloaded nothing is made,
    and rates use the bundled estimates alone.
    """
    rows = []
    for key, entry in sorted(reference.items()):
        kind = key.split("/")[1] if key.count("/") == 2 and key.startswith("population/") else ""
        try:
            if kind in _KINDS:
                path = str(Path(root).resolve() / entry["files"][0])
                rows.append((kind, int(entry["year"]), path, str(entry["sha256"]), str(entry["fetched_at"])))
        except (KeyError, IndexError, TypeError, ValueError):
            continue  # an entry this version cannot read: the bundled estimates stand in
    if not rows:
        return
    values = ", ".join("(" + ", ".join(literal(v) for v in row) + ")" for row in rows)
    con.execute(
        f"create or replace temp table {DOWNLOADED_SOURCES} (kind varchar, year integer, path varchar, "
        f"sha256 varchar, fetched_at varchar); insert into {DOWNLOADED_SOURCES} values {values}"
    )


def downloaded_tables(con: duckdb.DuckDBPyConnection) -> tuple[tuple[str, int, str, str], ...]:
    """(kind, year, sha256, fetched_at) of each population table downloaded that ``con`` reads."""
    try:
        rows = con.execute(
            f"select kind, year, sha256, fetched_at from {DOWNLOADED_SOURCES} order by all"
        ).fetchall()
    except duckdb.CatalogException:
        return ()
    return tuple((str(k), int(y), str(h), str(f)) for k, y, h, f in rows)


def downloaded_on(fetched_at: str) -> str:
    """'3 December 2026' from a download's ``fetched_at`` time stamp."""
    day = datetime.fromisoformat(fetched_at)
    return f"{day.day} {day:%B %Y}"


def _downloaded(con: duckdb.DuckDBPyConnection, kind: str) -> tuple[str, dict[int, str]] | None:
    """The temp table (code, year, sex, age, population) of the downloaded ``kind`` tables, and
    year -> the day each was downloaded; None when none is held. Read once per connection."""
    held = [(y, f) for k, y, _, f in downloaded_tables(con) if k == kind]
    if not held:
        return None
    paths = [
        r[0] for r in run(con, f"select path from {DOWNLOADED_SOURCES} where kind = ?", [kind]).fetchall()
    ]
    table = f"downloaded_{kind}_population"
    con.execute(
        f"create temp table if not exists {table} as select {_KINDS[kind]} as code, year::integer as year, "
        "sex::integer as sex, age::integer as age, population::bigint as population "
        f"from read_csv({literal(paths)}, header=true, all_varchar=true)"
    )
    return table, {y: downloaded_on(f) for y, f in held}


def _downloaded_wards(con: duckdb.DuckDBPyConnection, codes: list[str]) -> list[tuple[str, int, int, str]]:
    found = _downloaded(con, "ward")
    if found is None:
        return []
    table, days = found
    rows = run(
        con,
        f"select code, year, sum(population) from {table} where sex = 0 and code in (select unnest(?)) "
        "group by 1, 2",
        [codes],
    ).fetchall()
    return [(code, y, p, days[y]) for code, y, p in rows]


def _district_codes(con: duckdb.DuckDBPyConnection, area: Area) -> list[str]:
    if area.level == "district":
        return [area.code]
    column = {"force": "pfa_code", "csp": "csp_code"}[area.level]
    return [
        r[0]
        for r in run(
            con, f"select lad_code from lad_csp_pfa where {column} = ? order by lad_code", [area.code]
        ).fetchall()
    ]


def _choose_year(years: list[int], requested: int) -> tuple[int, str | None]:
    earlier = [y for y in years if y <= requested]
    chosen = max(earlier) if earlier else min(years)
    if chosen == requested:
        return chosen, None
    if earlier:
        which = "newest" if chosen == max(years) else "nearest earlier"
        return chosen, (
            f"Rates use the {which} population estimate held (mid-{chosen}); none is held "
            f"for mid-{requested}."
        )
    return chosen, (
        f"Rates use the earliest population estimate held (mid-{chosen}); none is held "
        f"for mid-{requested} or before."
    )


_KNOWN: dict[tuple, Population | InputError] = {}


def population(con: duckdb.DuckDBPyConnection, area: Area, year: int) -> Population:
    """Return the mid-year population of ``area`` for ``year`` (or the nearest earlier estimate).

    Estimates downloaded into the store (``saferplaces download ons-population``) join the
    bundled years, and are preferred for their own year. Each answer is remembered for the rest
    of the process, with the downloaded tables the connection reads (their SHA-256) in its key.

    Raises
    ------
    InputError
        When no estimate is held for the area at all.
    """
    if area.level == "ward":  # a store may hold downloaded ward estimates: ask each time
        return _population(con, area, year)
    key = (area.level, area.code, year, tuple(h for k, _, h, _ in downloaded_tables(con) if k == "lad"))
    if key not in _KNOWN:
        try:
            _KNOWN[key] = _population(con, area, year)
        except InputError as exc:
            _KNOWN[key] = exc
    found = _KNOWN[key]
    if isinstance(found, InputError):
        raise found
    return found


def _population(con: duckdb.DuckDBPyConnection, area: Area, year: int) -> Population:
    install_population_tables(con)
    by_year: dict[int, tuple[int, str | None]] = {}
    if area.level == "ward":
        found = ward_populations(con, [area.code], year)
        if area.code in found:
            return found[area.code]
    else:
        codes = _district_codes(con, area)
        rows = run(
            con,
            "select year, sum(population), count(*) from lad_population "
            "where lad_code in (select unnest(?)) group by year",
            [codes],
        ).fetchall()
        by_year = {y: (p, None) for y, p, n in rows if n == len(codes)}
        held = _downloaded(con, "lad")
        if held is not None:
            table, days = held
            for y, p, n in run(
                con,
                f"select year, sum(population), count(distinct code) from {table} "
                "where sex = 0 and code in (select unnest(?)) group by year",
                [codes],
            ).fetchall():
                if n == len(codes):  # every district of the area, or the year is not held for it
                    by_year[y] = (p, days[y])
    if not by_year:
        raise InputError(
            f"No population estimate is held for {area.name} ({area.code}).",
            "Choose an area in England and Wales, or a ward in Staffordshire or Stoke-on-Trent.",
        )
    chosen, assumption = _choose_year(sorted(by_year), year)
    value, day = by_year[chosen]
    source = "ONS mid-year population estimates for local authority districts"
    if day is not None:
        source += ", downloaded from ONS (Nomis)"
    return Population(area.code, int(value), chosen, year, source, assumption, day)


def ward_populations(con: duckdb.DuckDBPyConnection, codes: list[str], year: int) -> dict[str, Population]:
    """Population of each ward of ``codes`` that has an estimate, as ``population`` gives it, in one query.

    A ward estimate downloaded into the store (``install_downloaded_population``) joins the
    bundled years of that ward, and is preferred for its own year; ``source`` says which was used.
    """
    install_population_tables(con)
    by_ward: dict[str, dict[int, tuple[int, str]]] = {}
    for code, y, p in run(
        con,
        "select ward_code, year, population from ward_population where ward_code in (select unnest(?))",
        [codes],
    ).fetchall():
        by_ward.setdefault(code, {})[y] = (p, BUNDLED_WARD_SOURCE)
    days: dict[int, str] = {}
    for code, y, p, day in _downloaded_wards(con, codes):
        by_ward.setdefault(code, {})[y] = (p, DOWNLOADED_WARD_SOURCE)
        days[y] = day
    out = {}
    for code, by_year in by_ward.items():
        chosen, assumption = _choose_year(sorted(by_year), year)
        value, source = by_year[chosen]
        day = days.get(chosen) if source == DOWNLOADED_WARD_SOURCE else None
        out[code] = Population(code, int(value), chosen, year, source, assumption, day)
    return out


def ward_population_sentences(pops: dict[str, Population], names: dict[str, str]) -> list[str]:
    """Sentences saying which estimate each ward's rate uses, naming the wards of each kind.

    ``names`` is code -> name of the wards shown. One sentence per source and year; when some
    wards use estimates downloaded from Nomis, the others are named and what they use is said.
    """
    groups: dict[tuple[str, int], list[str]] = {}
    for code in names:
        if code in pops:
            groups.setdefault((pops[code].source, pops[code].year), []).append(names[code])
    downloaded = {k: v for k, v in groups.items() if k[0] == DOWNLOADED_WARD_SOURCE}
    bundled = {k: v for k, v in groups.items() if k[0] != DOWNLOADED_WARD_SOURCE}
    if not downloaded:
        years = sorted({y for _, y in bundled})
        said = " and ".join(f"mid-{y}" for y in years)
        if not years:
            return []
        return [f"Ward populations are ONS {said} small-area estimates summed to 2024 wards."]
    out = []
    days = {(p.source, p.year): p.downloaded for p in pops.values() if p.downloaded}
    for key, wards in sorted(downloaded.items(), key=lambda kv: kv[0][1]):
        out.append(
            f"{len(wards)} ward(s) use the ONS mid-{key[1]} ward estimates downloaded from Nomis on "
            f"{days.get(key, 'an unknown day')}, published on December 2022 wards with the same code "
            f"as the 2024 ward: {', '.join(sorted(wards))}."
        )
    for (_, y), wards in sorted(bundled.items(), key=lambda kv: kv[0][1]):
        out.append(
            f"{len(wards)} ward(s) changed since 2022, so ONS publishes no estimate for them as they "
            f"are now; they use ONS mid-{y} small-area estimates summed to 2024 wards instead: "
            f"{', '.join(sorted(wards))}."
        )
    return out


@dataclass(frozen=True)
class PopulationByAge:
    """Residents by single year of age (90 means 90 and over) for an area."""

    area_code: str
    ages: dict[int, int]
    year: int
    requested_year: int
    assumption: str | None
    #: the day the estimate was downloaded from ONS (Nomis), or None for a bundled estimate
    downloaded: str | None = None

    @property
    def estimate(self) -> str:
        """The estimate in words, as ``Population.estimate``."""
        return estimate_words(self.year, self.downloaded)

    @property
    def total(self) -> int:
        return sum(self.ages.values())

    def band(self, low: int, high: int | None = None) -> int:
        """Residents aged ``low`` to ``high`` inclusive (``high=None``: and over)."""
        return sum(n for age, n in self.ages.items() if age >= low and (high is None or age <= high))


_AGE_COLUMNS = [str(a) for a in range(90)] + ["90+"]


def _age_select(path: str, code_column: str, year: int, extra_where: str = "") -> str:
    cols = ", ".join(f'"{c}"' for c in _AGE_COLUMNS)
    return (
        f"select {code_column} as code, {year} as year, "
        f"cast(replace(age, '+', '') as integer) as age, population::bigint as population "
        f"from (unpivot (select {code_column}, {cols} from read_csv('{path}', header=true, "
        f"all_varchar=true) {extra_where}) on {cols} into name age value population)"
    )


def install_age_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create ``lad_population_age``, ``lsoa_population_age`` (code, year, age, population) and
    ``lad_population_sex`` (lad_code, sex: 1 male, 2 female, age, population; mid-2021)."""
    install_cached(
        con,
        "population-age",
        ("lad_population_age", "lsoa_population_age", "lad_population_sex"),
        Path(__file__),
        _inputs(),
        _build_age_tables,
    )


def _build_age_tables(con: duckdb.DuckDBPyConnection) -> None:
    lsoa = " union all ".join(
        _age_select(_path(rel), "lsoa11_code", year) for year, rel in LSOA_FILES.items()
    )
    by_sex = _path("population/ons_mye_mid2021_lad21_sex_syoa_uk.csv.gz")
    con.execute(f"create temp table lsoa_population_age as {lsoa}")
    con.execute(
        "create temp table lad_population_age as "
        + _age_select(_path("population/ons_mye_mid2019_lad19_syoa_persons_ew.csv.gz"), "ltla19_code", 2019)
        + " union all "
        + _age_select(_path("population/ons_mye_mid2020_lad21_syoa_persons_ew.csv.gz"), "ltla21_code", 2020)
        + " union all "
        + f"select ladcode21, 2021, age::integer, sum(population_2021)::bigint from "
        f"read_csv('{by_sex}', header=true) group by all"
    )
    con.execute(
        "create temp table lad_population_sex as select ladcode21 as lad_code, sex::integer as sex, "
        f"age::integer as age, population_2021::bigint as population from read_csv('{by_sex}', "
        "header=true)"
    )


def population_by_age(con: duckdb.DuckDBPyConnection, area: Area, year: int) -> PopulationByAge:
    """Residents of ``area`` by single year of age, for ``year`` or the nearest earlier estimate.

    Downloaded estimates (districts, and wards whose code ONS publishes) join the bundled years
    and are preferred for their own year, as in ``population``.
    """
    install_population_tables(con)
    install_age_tables(con)
    if area.level == "ward":
        codes = [area.code]
        rows = run(
            con,
            "select p.year, p.age, sum(p.population) from lsoa_population_age p "
            "join lsoa_lookup l on l.lsoa_code = p.code and l.vintage = '2011' "
            "where l.ward_code = ? group by all",
            [area.code],
        ).fetchall()
    else:
        codes = _district_codes(con, area)
        rows = run(
            con,
            "select year, age, sum(population) from lad_population_age "
            "where code in (select unnest(?)) group by all "
            "having count(*) = ?",
            [codes, len(codes)],
        ).fetchall()
    by_year: dict[int, dict[int, int]] = {}
    for y, age, n in rows:
        by_year.setdefault(y, {})[int(age)] = int(n)
    days: dict[int, str] = {}
    held = _downloaded(con, "ward" if area.level == "ward" else "lad")
    if held is not None:
        table, when = held
        got: dict[int, dict[int, int]] = {}
        for y, age, n in run(
            con,
            f"select year, age, sum(population) from {table} where sex = 0 and code in (select unnest(?)) "
            "group by all having count(*) = ?",
            [codes, len(codes)],
        ).fetchall():
            got.setdefault(y, {})[int(age)] = int(n)
        for y, ages in got.items():
            by_year[y], days[y] = ages, when[y]
    if not by_year:
        raise InputError(
            f"No population estimate by age is held for {area.name} ({area.code}).",
            "Choose an area in England and Wales, or a ward in Staffordshire or Stoke-on-Trent.",
        )
    chosen, assumption = _choose_year(sorted(by_year), year)
    ages = dict(sorted(by_year[chosen].items()))
    return PopulationByAge(area.code, ages, chosen, year, assumption, days.get(chosen))


def population_by_sex(con: duckdb.DuckDBPyConnection, area: Area) -> tuple[dict[str, int], str] | None:
    """Residents by sex ({"female": n, "male": n}) and the estimate in words ("mid-2021").

    The newest estimate by sex held for the districts: the ONS mid-2021 district estimates, or
    newer ones downloaded into the store. Only districts and the areas made of them (CSPs,
    forces) have estimates by sex here; a ward gives None.
    """
    if area.level == "ward":
        return None
    codes = _district_codes(con, area)
    names = {1: "male", 2: "female"}
    held = _downloaded(con, "lad")
    if held is not None:
        table, days = held
        rows = run(
            con,
            f"select year, sex, sum(population), count(distinct code) from {table} "
            "where sex in (1, 2) and code in (select unnest(?)) group by 1, 2 order by 1 desc",
            [codes],
        ).fetchall()
        whole = [
            y
            for y in sorted({r[0] for r in rows}, reverse=True)
            if all(n == len(codes) for yr, _, _, n in rows if yr == y)
            and sum(1 for r in rows if r[0] == y) == 2
        ]
        if whole:
            newest = whole[0]
            found = {names[int(sex)]: int(total) for y, sex, total, _ in rows if y == newest}
            return found, estimate_words(newest, days[newest])
    install_age_tables(con)
    rows = run(
        con,
        "select sex, sum(population), count(distinct lad_code) from lad_population_sex "
        "where lad_code in (select unnest(?)) group by 1",
        [codes],
    ).fetchall()
    if not rows or any(n != len(codes) for _, _, n in rows):
        return None
    return {names[int(sex)]: int(total) for sex, total, _ in rows}, estimate_words(2021, None)
