"""Assessments use the population estimates ``saferplaces download ons-population`` fetched (#9).

A copy of the bundled store (Staffordshire's police.uk months) gets district estimates for
mid-2023 from the local Nomis server (tests/fixtures/nomis_server.py). Their counts are
CONSTRUCTED here (``constructed``), unlike any estimate bundled, so a rate can only match the
expected value below when it used them. Expected rates are worked out here from the raw police.uk
CSVs (``raw_counts_by_type``) and the constructed counts, not through the product.
"""

from __future__ import annotations

import csv
import gzip
import shutil
from datetime import UTC, datetime

import pytest

from saferplaces.assessment.build import build_assessment
from saferplaces.data.areas import resolve_area
from saferplaces.data.bundled_files import bundled
from saferplaces.data.ons_population import download_ons_population
from saferplaces.data.population import population, population_by_age, population_by_sex
from saferplaces.data.store import Store
from saferplaces.reports.tables import assessment_tables
from tests.conftest import raw_counts_by_type, raw_rows
from tests.fixtures.nomis_server import NomisServer

FAST = {"attempts": 2, "backoff": 0.0, "timeout": 5.0}
STAFFORD = "E07000197"
#: the districts of Staffordshire police force area (the county's eight and Stoke-on-Trent)
FORCE_DISTRICTS = {f"E070001{n}" for n in range(92, 100)} | {"E06000021"}
MONTHS_2025 = [f"2025-{m:02d}" for m in range(1, 13)]
ASB = "Anti-social behaviour"


def constructed(code: str) -> dict[tuple[int, int], int]:
    """Made-up residents {(sex 1 or 2, age): n} of a district, a different pattern per district."""
    seed = int(code[-3:])
    return {(sex, age): 400 + (seed * 13 + age * 7 + sex * 5) % 350 for sex in (1, 2) for age in range(91)}


def _names() -> dict[str, str]:
    with gzip.open(bundled("geography/lookups/LSOA21_WD24_LAD24_EW_LU.csv.gz"), "rt") as f:
        return {r["LAD24CD"]: r["LAD24NM"] for r in csv.DictReader(f) if r["LAD24CD"] in FORCE_DISTRICTS}


def _serve_2023(server: NomisServer, bump: int = 0) -> None:
    """Answer mid-2023 with the constructed counts (``bump`` added to every count: a revision)."""
    names = _names()
    server.district_year = "2023"
    server.estimates = {
        code: (names[code], {k: v + bump for k, v in constructed(code).items()}) for code in names
    }


def _today() -> str:
    now = datetime.now(UTC)
    return f"{now.day} {now:%B %Y}"


@pytest.fixture(scope="module")
def downloaded(bundled_store, tmp_path_factory):
    """A copy of the bundled store with the force area's districts' mid-2023 estimates downloaded."""
    root = tmp_path_factory.mktemp("popuse") / "store"
    shutil.copytree(
        bundled_store.root, root, ignore=shutil.ignore_patterns(".pins", ".lock", ".collect.lock")
    )
    store = Store(root)
    with NomisServer(tmp_path_factory.mktemp("nomis")) as server:
        _serve_2023(server)
        result = download_ons_population(store, base_url=server.url, districts=_names(), wards={}, **FAST)
    assert result.year == 2023 and result.districts == len(FORCE_DISTRICTS)
    return store


def test_district_and_force_rates_use_the_downloaded_estimate_and_say_so(downloaded):
    a = build_assessment(downloaded, "Stafford", "2025")
    stafford = sum(constructed(STAFFORD).values())
    force = sum(sum(constructed(code).values()) for code in FORCE_DISTRICTS)
    assert a.area.population == stafford and a.area.population_year == 2023
    raw = raw_counts_by_type(MONTHS_2025, STAFFORD, "2021")
    # the force area: rows placed in its districts, and the force's rows with no location
    raw_force: dict[str, int] = {}
    for code in FORCE_DISTRICTS:
        for t, n in raw_counts_by_type(MONTHS_2025, code, "2021").items():
            raw_force[t] = raw_force.get(t, 0) + n
    for month in MONTHS_2025:
        for r in raw_rows(month):
            if not r["LSOA code"]:
                raw_force[r["Crime type"]] = raw_force.get(r["Crime type"], 0) + 1
    for row in a.crime_types:
        assert row.count == raw[row.crime_type]
        assert row.rate == pytest.approx(raw[row.crime_type] / stafford * 1000, abs=0.005)
        assert row.force_rate == pytest.approx(
            raw_force[row.crime_type] / force * 1000, abs=0.005
        )  # shown to 2 places
    # every sentence names the estimate used, and none says a newer one does not exist
    named = f"mid-2023, downloaded from ONS (Nomis) on {_today()}"
    said = list(a.assumptions)
    assert "Rates use the newest population estimate held (mid-2023); none is held for mid-2025." in said
    assert f"Stafford's rates use the ONS population estimate for {named}." in said
    assert not any("exist" in s or "latest held" in s for s in said)
    assert a.to_dict()["area"]["population_estimate"] == named
    headline = next(t for t in assessment_tables(a) if t.id == "headline")
    assert f"Population {stafford:,} (ONS {named})." in headline.note


def test_an_earlier_period_keeps_its_own_bundled_estimate(downloaded):
    con = downloaded.connect()
    area = resolve_area(con, "Stafford")
    held = population(con, area, 2021)
    assert held.year == 2021 and held.downloaded is None and held.estimate == "mid-2021"
    newest = population(con, area, 2025)
    assert newest.year == 2023 and newest.value == sum(constructed(STAFFORD).values())


def test_age_and_sex_breakdowns_use_the_downloaded_estimate(downloaded):
    con = downloaded.connect()
    area = resolve_area(con, "Stafford")
    ages = population_by_age(con, area, 2025)
    made = constructed(STAFFORD)
    assert ages.year == 2023 and ages.ages == {age: made[(1, age)] + made[(2, age)] for age in range(91)}
    assert ages.estimate == f"mid-2023, downloaded from ONS (Nomis) on {_today()}"
    by_sex, estimate = population_by_sex(con, area)
    assert by_sex == {
        "male": sum(v for (s, _), v in made.items() if s == 1),
        "female": sum(v for (s, _), v in made.items() if s == 2),
    }
    assert estimate == ages.estimate


def test_a_snapshot_keeps_the_population_it_opened_with(downloaded, tmp_path):
    """A reader's snapshot sees one population throughout, whatever is downloaded meanwhile."""
    store = Store(tmp_path / "store")
    shutil.copytree(downloaded.root, store.root)
    expected = sum(constructed(STAFFORD).values())
    before = store.snapshot()
    con = before.connect()
    area = resolve_area(con, "Stafford")
    assert population(con, area, 2025).value == expected
    with NomisServer(tmp_path / "nomis") as server:
        _serve_2023(server, bump=1)  # ONS revises mid-2023: one more resident at each sex and age
        download_ons_population(store, base_url=server.url, districts=_names(), wards={}, **FAST)
    revised = expected + 2 * 91
    # the open snapshot, and a new connection from it, read the table they opened with
    assert population(con, area, 2025).value == expected
    assert population(before.connect(), area, 2025).value == expected
    with store.snapshot() as now:
        assert now.id == before.id + 1
        assert population(now.connect(), area, 2025).value == revised
    tables = sorted((store.root / "reference" / "population").iterdir())
    assert len(tables) == 2  # the old table stays while the first snapshot reads it
    del con
    before.close()
    with store.lock():
        pass  # the next write removes what no snapshot needs
    assert len(sorted((store.root / "reference" / "population").iterdir())) == 1
