"""The bundled gazetteer of towns and postcode districts (#12).

Expected districts and wards are read here from the bundled ONS lookup and boundaries with the
csv and json modules, not through the product; the gazetteer itself is hand-made (ADR 0024), so
these tests check it is consistent with ONS geography and that matching behaves as documented.
"""

from __future__ import annotations

import csv
import gzip
import json

import pytest

from saferplaces.data.bundled_files import bundled
from saferplaces.data.gazetteer import (
    POSTCODE_DISTRICT,
    TOWN,
    load_gazetteer,
    match_place,
    postcode_district,
)

FORCE_AREA = {f"E070001{n}" for n in range(92, 100)} | {"E06000021"}


def _lookup() -> list[dict[str, str]]:
    with gzip.open(
        bundled("geography/lookups/LSOA21_WD24_LAD24_EW_LU.csv.gz"), "rt", encoding="utf-8-sig"
    ) as f:
        return list(csv.DictReader(f))


def test_every_code_is_an_ons_code_and_every_ward_lies_in_its_town_district():
    rows = _lookup()
    ward_lad = {r["WD24CD"]: r["LAD24CD"] for r in rows}
    lad_names = {r["LAD24CD"]: r["LAD24NM"] for r in rows}
    entries = load_gazetteer()
    assert {e.kind for e in entries} == {TOWN, POSTCODE_DISTRICT}
    for e in entries:
        assert e.districts, e.name
        for code, name in e.districts:
            assert lad_names[code] == name
        if e.kind == TOWN:
            # a town lies in one district of the force area, and its wards in that district
            assert len(e.districts) == 1 and e.districts[0][0] in FORCE_AREA, e.name
            assert all(ward_lad[c] == e.districts[0][0] for c, _ in e.wards), e.name
        else:
            assert e.wards == () and any(c in FORCE_AREA for c, _ in e.districts), e.name


def test_ward_names_are_those_of_the_may_2025_boundaries_too():
    # the wards given for towns exist with the same name in the newest bundled ward boundaries
    names = {}
    for part in ("E10000028_staffordshire_county", "E06000021_stoke_on_trent"):
        with gzip.open(bundled(f"geography/boundaries/ward_wd25_{part}.geojson.gz"), "rt") as f:
            names |= {
                ft["properties"]["WD25CD"]: ft["properties"]["WD25NM"] for ft in json.load(f)["features"]
            }
    for e in load_gazetteer():
        for code, name in e.wards:
            assert names[code] == name


def test_every_force_area_district_has_a_town_and_names_are_unique():
    entries = load_gazetteer()
    assert {e.districts[0][0] for e in entries if e.kind == TOWN} == FORCE_AREA
    keys = [n.casefold() for e in entries for n in (e.name, *e.also_known_as)]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize(
    ("text", "district", "full"),
    [
        ("ST16 2AB", "ST16", True),
        ("st16 2ab", "ST16", True),
        ("  ST16   2AB ", "ST16", True),
        ("ST162AB", "ST16", True),
        ("ST1 6AB", "ST1", True),
        ("ST16AB", "ST1", True),
        ("ST16 2", "ST16", True),
        ("ws13", "WS13", False),
        ("B79", "B79", False),
        ("Stafford", None, False),
        ("ST16 2ABC", None, False),
    ],
)
def test_a_postcode_reduces_to_its_district(text, district, full):
    assert postcode_district(text) == (district, full)


def test_a_full_postcode_finds_its_postcode_district_and_says_no_ward_is_given():
    found = match_place("st16 2ab")
    assert [e.name for e in found.entries] == ["ST16"]
    assert found.entries[0].districts == (("E07000197", "Stafford"),)
    assert found.full_postcode and found.entries[0].wards == ()
    assert any("ward of a postcode cannot be given" in a for a in found.assumptions)


def test_a_postcode_district_that_crosses_boundaries_lists_every_district():
    found = match_place("WS15")
    (entry,) = found.entries
    assert entry.crosses_boundaries
    assert {n for _, n in entry.districts} == {"Cannock Chase", "Lichfield", "East Staffordshire"}
    # outside the force area too: B74 reaches Birmingham and Walsall
    (b74,) = match_place("B74").entries
    assert {"Birmingham", "Walsall", "Lichfield"} == {n for _, n in b74.districts}


@pytest.mark.parametrize("text", ["Burton-on-Trent", "burton on trent", "BURTON", "Burton upon  Trent"])
def test_town_names_ignore_case_spaces_and_hyphens(text):
    (entry,) = match_place(text).entries
    assert entry.name == "Burton upon Trent" and entry.districts == (("E07000193", "East Staffordshire"),)


def test_a_town_that_maps_clearly_gives_its_wards():
    (leek,) = match_place("leek").entries
    assert [n for _, n in leek.wards] == ["Leek East", "Leek North", "Leek South", "Leek West"]
    (stafford,) = match_place("Stafford").entries
    assert stafford.wards == ()  # a large town: no clear set of wards is claimed


def test_a_beginning_finds_towns_exact_names_first():
    names = [e.name for e in match_place("Sto").entries]
    assert set(names) == {"Stone", "Stoke-on-Trent"}
    assert [e.name for e in match_place("Stone").entries] == ["Stone"]


@pytest.mark.parametrize("text", ["Atlantis", "ZZ9", "x", ""])
def test_unknown_places_find_nothing(text):
    assert match_place(text).entries == ()
