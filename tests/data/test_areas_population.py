"""Naming areas, listing them, and their populations (checked against published ONS figures)."""

from __future__ import annotations

import pytest

from saferplaces.data.areas import Area, areas_within, resolve_area
from saferplaces.data.population import population
from saferplaces.errors import AreaNotFoundError

STAFFS_DISTRICTS = {
    "E07000192",
    "E07000193",
    "E07000194",
    "E07000195",
    "E07000196",
    "E07000197",
    "E07000198",
    "E07000199",
    "E06000021",
}


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    from saferplaces.data.store import Store

    return Store(tmp_path_factory.mktemp("empty")).connect()


@pytest.mark.parametrize(
    "text,level,code",
    [
        ("Stafford", "district", "E07000197"),
        ("stafford", "district", "E07000197"),
        ("E07000197", "district", "E07000197"),
        ("E22000268", "csp", "E22000268"),
        ("E23000015", "force", "E23000015"),
        ("staffordshire", "force", "E23000015"),
        ("Staffordshire", "force", "E23000015"),
        ("Stoke-on-Trent", "district", "E06000021"),
        ("E05014574", "ward", "E05014574"),
    ],
)
def test_areas_by_code_or_name(con, text, level, code):
    area = resolve_area(con, text)
    assert (area.level, area.code) == (level, code)


def test_unknown_and_ambiguous_names(con):
    with pytest.raises(AreaNotFoundError, match="Did you mean Stafford"):
        resolve_area(con, "Staffor")
    with pytest.raises(AreaNotFoundError, match="wards are called 'Abbey'") as info:
        resolve_area(con, "Abbey")
    assert "code" in info.value.action


def test_lad_csp_force_lookup_for_staffordshire(con):
    districts = [a for a in areas_within(con, resolve_area(con, "E23000015")) if a.level == "district"]
    assert {a.code for a in districts} == STAFFS_DISTRICTS
    # SOURCES.md: 185 wards (2024) in the nine areas
    wards = [a for a in areas_within(con, resolve_area(con, "E23000015")) if a.level == "ward"]
    assert len(wards) == 185
    assert len(areas_within(con, None)) >= 42  # the forces of England and Wales


def test_every_ward_is_in_one_district_and_wards_sum_to_district(con):
    for code in ("E07000197", "E06000021"):
        district = resolve_area(con, code)
        wards = [a for a in areas_within(con, district) if a.level == "ward"]
        assert {w.parent_code for w in wards} == {code}
        ward_total = sum(population(con, w, 2020).value for w in wards)
        lsoa_total = con.execute(
            "select sum(p.population) from lsoa_population p join lsoa_lookup l on "
            "l.lsoa_code = p.lsoa_code and l.vintage = '2011' where p.year = 2020 and "
            "l.lad_code = ?",
            [code],
        ).fetchone()[0]
        assert ward_total == lsoa_total


@pytest.mark.parametrize(
    "code,year,value",
    [
        # ONS mid-2019 LAD estimates (SOURCES.md check values)
        ("E07000197", 2019, 137_280),
        ("E07000193", 2019, 119_754),
        ("E07000194", 2019, 104_756),
        ("E06000021", 2019, 256_375),
        ("E07000199", 2019, 76_696),
    ],
)
def test_published_district_populations(con, code, year, value):
    pop = population(con, resolve_area(con, code), year)
    assert (pop.value, pop.year, pop.assumption) == (value, year, None)


def test_force_population_sums_districts_and_matches_ons_p3(con):
    # ONS Table P3 gives Staffordshire PFA 1,126,200 at mid-2017; LSOA sum is 1,126,203.
    total_2017 = con.execute("select sum(population) from lsoa_population where year = 2017").fetchone()[0]
    assert total_2017 == 1_126_203
    force = population(con, resolve_area(con, "E23000015"), 2019)
    districts = sum(population(con, Area("district", c, c), 2019).value for c in STAFFS_DISTRICTS)
    assert force.value == districts


def test_missing_year_uses_nearest_earlier_and_says_so(con):
    pop = population(con, resolve_area(con, "Stafford"), 2025)
    assert pop.year == 2021 and pop.requested_year == 2025
    assert "the newest population estimate held (mid-2021)" in pop.assumption
    early = population(con, resolve_area(con, "Stafford"), 2010)
    assert early.year == 2019 and "earliest" in early.assumption


def test_reference_tables_come_from_a_cache_the_second_time(tmp_path, monkeypatch):
    import duckdb

    from saferplaces.data import geography

    monkeypatch.setenv("SAFERPLACES_CACHE", str(tmp_path / "cache"))
    first = duckdb.connect()
    geography.install_reference_tables(first)
    cached = list((tmp_path / "cache").glob("reference-*/lsoa_lookup.parquet"))
    assert len(cached) == 1
    second = duckdb.connect()
    geography.install_reference_tables(second)
    query = (
        "select vintage, count(*), count(ward_code), count(csp_code) from lsoa_lookup group by 1 order by 1"
    )
    assert first.execute(query).fetchall() == second.execute(query).fetchall()
    kinds = dict(
        second.execute(
            "select table_name, table_type from information_schema.tables where table_name = 'lsoa_lookup'"
        ).fetchall()
    )
    assert kinds["lsoa_lookup"] == "VIEW"  # read from the cache, not rebuilt
