"""ONS mid-year population estimates for districts, wards and LSOAs.

Held: districts (LAD) at mid-2019, mid-2020 and mid-2021 for England and Wales;
2011 LSOAs in Staffordshire and Stoke-on-Trent at mid-2017, mid-2019 and mid-2020.
Wards (2024) are built from the LSOA estimates through the ONS best-fit LSOA
2011 to 2021 lookup. Forces and CSPs add up their districts. Ward estimates that
``saferplaces download ons-population`` kept in the store (ONS publishes them on
2022 wards) are used for the 2024 wards with the same code; a store connection
reads them through the ``downloaded_ward_population`` view.

For a year with no estimate we use the nearest earlier year (or, before the
first estimate, the first one) and say so in ``assumption``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import duckdb

from saferplaces.data.areas import Area
from saferplaces.data.bundled_files import bundled, bundled_dir
from saferplaces.data.sql import run
from saferplaces.data.table_cache import install_cached
from saferplaces.errors import InputError

LSOA_FILES = {
    2017: "population/ons_sape_mid2017_lsoa11_syoa_persons_staffordshire.csv.gz",
    2019: "population/ons_sape_mid2019_lsoa11_syoa_persons_staffordshire.csv.gz",
    2020: "population/ons_sape_mid2020_lsoa11_syoa_persons_staffordshire.csv.gz",
}


#: The view of ward estimates downloaded into the store (ward_code, year, population).
DOWNLOADED_WARDS = "downloaded_ward_population"
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


def install_downloaded_population(con: duckdb.DuckDBPyConnection, root: Path) -> None:
    """Create the ``downloaded_ward_population`` view over the ward tables downloaded into ``root``.

    Each table counts only once its JSON record is there (the download writes the record last).
    With none downloaded, no view is made and ward rates use the bundled estimates alone.
    """
    folder = Path(root) / "reference" / "population"
    tables = []
    for record in sorted(folder.glob("ons_sape_mid*_ward_sex_syoa.json")) if folder.is_dir() else []:
        try:
            table = folder / json.loads(record.read_text(encoding="utf-8"))["file"]
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if table.is_file():
            tables.append(str(table).replace("'", "''"))
    if not tables:
        return
    listed = "[" + ", ".join(f"'{t}'" for t in tables) + "]"
    con.execute(
        f"create or replace temp view {DOWNLOADED_WARDS} as select ward_code, year::integer as year, "
        f"sum(population::bigint) as population from read_csv({listed}, header=true, all_varchar=true) "
        "where sex = '0' group by 1, 2"
    )


def _downloaded_wards(con: duckdb.DuckDBPyConnection, codes: list[str]) -> list[tuple[str, int, int]]:
    held = run(con, "select count(*) from duckdb_views() where view_name = ?", [DOWNLOADED_WARDS]).fetchone()
    if not held or not held[0]:
        return []
    return run(
        con,
        f"select ward_code, year, population from {DOWNLOADED_WARDS} where ward_code in (select unnest(?))",
        [codes],
    ).fetchall()


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
            f"Rates use the {which} population estimate held (mid-{chosen}); the store holds none "
            f"for mid-{requested}."
        )
    return chosen, (
        f"Rates use the earliest population estimate held (mid-{chosen}); the store holds none "
        f"for mid-{requested} or before."
    )


_KNOWN: dict[tuple[str, str, int], Population | InputError] = {}


def population(con: duckdb.DuckDBPyConnection, area: Area, year: int) -> Population:
    """Return the mid-year population of ``area`` for ``year`` (or the nearest earlier estimate).

    The estimates are bundled files, so each answer is remembered for the rest of the process.

    Raises
    ------
    InputError
        When no estimate is held for the area at all.
    """
    if area.level == "ward":  # a store may hold downloaded ward estimates: ask each time
        return _population(con, area, year)
    key = (area.level, area.code, year)
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
    if area.level == "ward":
        found = ward_populations(con, [area.code], year)
        if area.code in found:
            return found[area.code]
        rows = []
    else:
        codes = _district_codes(con, area)
        rows = run(
            con,
            "select year, sum(population), count(*) from lad_population "
            "where lad_code in (select unnest(?)) group by year",
            [codes],
        ).fetchall()
        rows = [(y, p) for y, p, n in rows if n == len(codes)]
    if not rows:
        raise InputError(
            f"No population estimate is held for {area.name} ({area.code}).",
            "Choose an area in England and Wales, or a ward in Staffordshire or Stoke-on-Trent.",
        )
    by_year = dict(rows)
    chosen, assumption = _choose_year(sorted(by_year), year)
    return Population(
        area.code,
        int(by_year[chosen]),
        chosen,
        year,
        "ONS mid-year population estimates for local authority districts",
        assumption,
    )


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
    for code, y, p in _downloaded_wards(con, codes):
        by_ward.setdefault(code, {})[y] = (p, DOWNLOADED_WARD_SOURCE)
    out = {}
    for code, by_year in by_ward.items():
        chosen, assumption = _choose_year(sorted(by_year), year)
        value, source = by_year[chosen]
        out[code] = Population(code, int(value), chosen, year, source, assumption)
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
    for (_, y), wards in sorted(downloaded.items(), key=lambda kv: kv[0][1]):
        out.append(
            f"{len(wards)} ward(s) use the ONS mid-{y} ward estimates downloaded from Nomis, published "
            f"on December 2022 wards with the same code as the 2024 ward: {', '.join(sorted(wards))}."
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
    """Residents of ``area`` by single year of age, for ``year`` or the nearest earlier estimate."""
    install_population_tables(con)
    install_age_tables(con)
    if area.level == "ward":
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
    if not rows:
        raise InputError(
            f"No population estimate by age is held for {area.name} ({area.code}).",
            "Choose an area in England and Wales, or a ward in Staffordshire or Stoke-on-Trent.",
        )
    chosen, assumption = _choose_year(sorted({y for y, _, _ in rows}), year)
    ages = {int(age): int(n) for y, age, n in rows if y == chosen}
    return PopulationByAge(area.code, dict(sorted(ages.items())), chosen, year, assumption)


def population_by_sex(con: duckdb.DuckDBPyConnection, area: Area) -> tuple[dict[str, int], int] | None:
    """Residents by sex ({"female": n, "male": n}, year) from the ONS mid-2021 district estimates.

    Only districts and the areas made of them (CSPs, forces) have estimates by sex; a ward gives None.
    """
    if area.level == "ward":
        return None
    codes = _district_codes(con, area)
    install_age_tables(con)
    rows = run(
        con,
        "select sex, sum(population), count(distinct lad_code) from lad_population_sex "
        "where lad_code in (select unnest(?)) group by 1",
        [codes],
    ).fetchall()
    if not rows or any(n != len(codes) for _, _, n in rows):
        return None
    names = {1: "male", 2: "female"}
    return {names[int(sex)]: int(total) for sex, total, _ in rows}, 2021
