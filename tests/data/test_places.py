"""Finding a ward or district by the name a resident types."""

from __future__ import annotations

import csv
import gzip

import pytest

from saferplaces.data.bundled_files import bundled
from saferplaces.data.places import MOST_SEARCH_CHARACTERS, find_places


@pytest.fixture(scope="module")
def con(bundled_store):
    return bundled_store.connect()


def test_a_ward_name_finds_the_ward_and_its_district(con):
    found = find_places(con, "coton", within={"E07000197"})
    assert [(m.area.level, m.area.name, m.district_name) for m in found.matches] == [
        ("ward", "Coton", "Stafford")
    ]
    assert found.matches[0].exact


def test_a_district_comes_before_wards_and_exact_names_first(con):
    found = find_places(con, "Lichfield")
    assert found.matches[0].area.level == "district"
    assert found.matches[0].area.name == "Lichfield"
    assert all(not m.exact for m in found.matches[1:])


def test_a_town_is_found_through_the_wards_named_after_it(con):
    found = find_places(con, "Burton", within={"E07000193"})
    assert found.matches and all("Burton" in m.area.name for m in found.matches)
    assert {m.district_name for m in found.matches} == {"East Staffordshire"}


@pytest.mark.parametrize("text", ["ST16", "st16 2", "WS13", "B1"])
def test_a_postcode_district_is_recognised_but_not_looked_up(con, text):
    found = find_places(con, text)
    assert found.looks_like_postcode
    assert found.matches == ()
    assert found.assumptions[0] == "Wards and districts are found by their names."


def test_one_letter_finds_nothing(con):
    assert find_places(con, "a").matches == ()
    assert not find_places(con, "Coton").looks_like_postcode


def test_a_search_reads_at_most_100_characters_and_says_so(con):
    longest = 0  # from the ONS lookups themselves, both vintages
    for name, columns in (
        ("LSOA21_WD24_LAD24_EW_LU.csv.gz", ("WD24NM", "LAD24NM")),
        ("LSOA11_WD19_LAD19_EW_LU.csv.gz", ("WD19NM", "LAD19NM")),
    ):
        with gzip.open(bundled(f"geography/lookups/{name}"), "rt", encoding="utf-8") as handle:
            longest = max([longest] + [len(row[c]) for row in csv.DictReader(handle) for c in columns])
    assert longest < MOST_SEARCH_CHARACTERS  # no place name is cut
    found = find_places(con, "Coton" + " x" * 50_000)
    assert len(found.text) == MOST_SEARCH_CHARACTERS
    assert found.matches == ()
    assert f"Only the first {MOST_SEARCH_CHARACTERS} characters of the search were read." in found.assumptions
    assert find_places(con, "coton").assumptions == ("Wards and districts are found by their names.",)
