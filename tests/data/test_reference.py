"""Deprivation, crime severity weights, boundaries and population by age."""

from __future__ import annotations

import pytest

from saferplaces.data.areas import areas_within, resolve_area
from saferplaces.data.population import population, population_by_age
from saferplaces.data.reference import boundaries, install_deprivation_table, severity_weights
from saferplaces.data.store import Store
from saferplaces.errors import InputError


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    return Store(tmp_path_factory.mktemp("ref")).connect()


def test_imd_2019_covers_every_english_lsoa(con):
    install_deprivation_table(con)
    count, low, high = con.execute("select count(*), min(imd_rank), max(imd_rank) from imd").fetchone()
    # IoD2019: 32,844 LSOAs in England, ranked 1 (most deprived) to 32,844
    assert (count, low, high) == (32_844, 1, 32_844)
    assert con.execute("select count(distinct imd_decile) from imd").fetchone()[0] == 10


@pytest.mark.parametrize(
    "fragment,weight",
    [
        # ONS Crime Severity Score weights quoted in the shared SOURCES.md
        ("Shoplifting", 11.86),
        ("Assault with injury", 189.15),
        ("Arson endangering life", 826.19),
    ],
)
def test_published_severity_weights(fragment, weight):
    matches = [w for w in severity_weights() if w.offence.startswith(fragment)]
    assert matches and matches[0].weight == pytest.approx(weight, abs=0.01)


def test_every_weight_maps_to_a_police_uk_crime_type():
    from saferplaces.data.policeuk_format import CRIME_TYPES

    weights = severity_weights()
    assert len(weights) == 134
    assert {w.police_uk_category for w in weights} <= set(CRIME_TYPES)
    homicide = max(weights, key=lambda w: w.weight)
    assert homicide.weight == pytest.approx(7973.4, abs=0.1)


def test_boundaries_match_the_lookups(con):
    wards = boundaries("ward")
    lookup = {a.code for a in areas_within(con, resolve_area(con, "E23000015")) if a.level == "ward"}
    assert {f["properties"]["code"] for f in wards["features"]} == lookup
    districts = boundaries("district")
    assert len(districts["features"]) == 9
    one = boundaries("lsoa2021", codes={"E01029745"})
    assert [f["properties"]["name"] for f in one["features"]] == ["Stafford 003C"]
    with pytest.raises(InputError, match="no boundary layer"):
        boundaries("postcode")


@pytest.mark.parametrize("name", ["Stafford", "E05014574", "E23000015"])
def test_ages_sum_to_the_total(con, name):
    area = resolve_area(con, name)
    by_age = population_by_age(con, area, 2020)
    assert by_age.total == population(con, area, 2020).value
    assert set(by_age.ages) == set(range(91))
    assert by_age.band(0, 17) + by_age.band(18) == by_age.total


def test_ages_for_a_year_without_estimate(con):
    by_age = population_by_age(con, resolve_area(con, "Tamworth"), 2025)
    assert by_age.year == 2021 and "mid-2021" in by_age.assumption


def test_population_by_sex_sums_to_the_mid_2021_total(con):
    from saferplaces.data.population import population_by_sex

    by_sex, estimate = population_by_sex(con, resolve_area(con, "Stafford"))
    assert estimate == "mid-2021" and set(by_sex) == {"female", "male"}
    assert sum(by_sex.values()) == population(con, resolve_area(con, "Stafford"), 2021).value
    assert population_by_sex(con, resolve_area(con, "E05014574")) is None  # no ward estimates by sex
