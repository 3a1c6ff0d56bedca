"""The local picture of Stafford from the 22 bundled months, checked against the raw files."""

from __future__ import annotations

import csv
import gzip
from collections import Counter

import pytest
from scipy.stats import chi2

from saferplaces.assessment.local_picture import (
    CRIME,
    local_picture,
    resolve_partnership_area,
    store_snapshot,
)
from saferplaces.data.bundled_files import bundled
from saferplaces.data.policeuk_format import ASB
from saferplaces.disclosure import is_small
from saferplaces.errors import AreaNotFoundError, InputError
from tests.conftest import raw_rows
from tests.test_disclosure import attack

STAFFORD = "E07000197"
MONTHS_2025 = [f"2025-{m:02d}" for m in range(1, 13)]


@pytest.fixture(scope="module")
def picture(bundled_store):
    con = bundled_store.connect()
    return local_picture(bundled_store, resolve_partnership_area(con, "Stafford Borough"), con)


def raw_ward_counts() -> dict[str, Counter]:
    """Rows of 2025 per 2024 ward of Stafford and crime type, from the raw files and the ONS lookup."""
    with gzip.open(bundled("geography/lookups/LSOA21_WD24_LAD24_EW_LU.csv.gz"), "rt", encoding="utf-8") as h:
        ward_of = {r["LSOA21CD"]: r["WD24CD"] for r in csv.DictReader(h) if r["LAD24CD"] == STAFFORD}
    counts: dict[str, Counter] = {}
    for month in MONTHS_2025:
        for row in raw_rows(month):
            ward = ward_of.get(row["LSOA code"])
            if ward:
                counts.setdefault(ward, Counter())[row["Crime type"]] += 1
    return counts


def exact_interval(count: int, population: int) -> tuple[float, float]:
    """Exact Poisson 95% limits per 1,000 (Garwood 1936), written out here with scipy's chi-squared."""
    lower = chi2.ppf(0.025, 2 * count) / 2 if count else 0.0
    upper = chi2.ppf(0.975, 2 * count + 2) / 2
    return lower / population * 1000, upper / population * 1000


def test_partnership_area_names_resolve_to_districts(bundled_store):
    con = bundled_store.connect()
    assert resolve_partnership_area(con, "Stafford Borough").code == STAFFORD
    assert resolve_partnership_area(con, "Lichfield District").code == "E07000194"
    assert resolve_partnership_area(con, "Staffordshire").level == "force"
    with pytest.raises(AreaNotFoundError):
        resolve_partnership_area(con, "Atlantis District")


def test_it_covers_the_latest_twelve_months_in_a_row(picture):
    assert picture.months == tuple(MONTHS_2025)
    assert picture.window == "January 2025 to December 2025"
    assert picture.benchmark.name == "Staffordshire"
    # bundled estimates: the district's newest is mid-2021, every ward's (summed small areas) mid-2020
    assert (picture.population_year, picture.population_downloaded) == (2021, None)
    assert picture.ward_population_years == (2020,)


def test_ward_counts_match_the_raw_files_where_published(picture):
    raw = raw_ward_counts()
    assert {w.code for w in picture.wards} >= set(raw)
    published = 0
    for w in picture.wards:
        for crime_type, n in w.by_type:
            expected = raw.get(w.code, Counter())[crime_type]
            if n is not None:
                assert n == expected, (w.name, crime_type)
                published += 1
        crime = sum(v for t, v in raw.get(w.code, Counter()).items() if t != ASB)
        assert w.crime.count in (crime, None)
    assert published > 200


def test_no_published_count_is_small_and_small_ones_are_hidden(picture):
    raw = raw_ward_counts()
    for w in picture.wards:
        for crime_type, n in w.by_type:
            assert n is None or not is_small(n)
            if is_small(raw.get(w.code, Counter())[crime_type]):
                assert n is None


def test_rates_and_comparisons_follow_exact_intervals(picture):
    force_rate = picture.benchmark_crime_rate
    assert force_rate is not None
    for w in picture.wards:
        if w.crime.count is None:
            assert w.crime.rate is None and w.crime.versus is None
            continue
        assert w.crime.rate == pytest.approx(w.crime.count / w.population * 1000, abs=0.05)
        lower, upper = exact_interval(w.crime.count, w.population)
        if w.crime.versus == "higher":
            assert lower > force_rate
        elif w.crime.versus == "lower":
            assert upper < force_rate


def test_without_three_earlier_years_no_month_is_judged(picture):
    assert not picture.seasonal_available
    assert all(m.label is None for m in picture.by_month)
    assert any("three years before" in a for a in picture.assumptions)


def test_months_add_up_to_the_year(picture):
    assert sum(m.crime for m in picture.by_month) == picture.total.crime.count
    assert sum(m.asb for m in picture.by_month) == picture.total.asb.count


def test_the_attacker_cannot_recover_a_hidden_ward_count(picture):
    published: dict[str, int | None] = {}
    sums: list[tuple[str, list[str]]] = []
    places = [("area", picture.total)] + [(w.code, w) for w in picture.wards]
    types = [t for t, _ in picture.total.by_type]
    crimes = [t for t in types if t != ASB]
    for key, p in places:
        for t, n in p.by_type:
            published[f"{key}|{t}"] = n
        published[f"{key}|{CRIME}"] = p.crime.count
        sums.append((f"{key}|{CRIME}", [f"{key}|{t}" for t in crimes]))
    for kind in [*types, CRIME]:
        sums.append((f"area|{kind}", [f"{w.code}|{kind}" for w in picture.wards]))
    hidden = [c for c, v in published.items() if v is None]
    assert hidden, "the bundled data should give some small ward counts"
    for cell, (lo, hi) in attack(published, sums).items():
        assert hi - lo >= 1 - 1e-9, f"{cell} can be worked out as {lo}"


def test_the_snapshot_changes_when_the_store_changes(tmp_path, bundled_store):
    from saferplaces.data.store import Store

    empty = Store(tmp_path / "empty")
    assert store_snapshot(empty) != store_snapshot(bundled_store)
    assert store_snapshot(bundled_store) == store_snapshot(bundled_store)


def test_a_store_without_twelve_months_in_a_row_is_refused(tmp_path):
    from saferplaces.data.ingest import ingest
    from saferplaces.data.store import Store
    from tests.conftest import month_file

    store = Store(tmp_path / "store")
    ingest([month_file("2025-01")], store)
    with pytest.raises(InputError, match="12 months in a row"):
        local_picture(store, "Stafford")


def test_a_count_hidden_on_one_page_is_hidden_on_every_page(bundled_store, picture):
    # the county partnership's picture (the force area) holds Stafford's wards too: if it published
    # a count that Stafford's hides, the two together would give away Stafford's hidden counts
    county = local_picture(bundled_store, "Staffordshire")
    wards = {w.code: w for w in county.wards}
    for w in picture.wards:
        assert w.by_type == wards[w.code].by_type, w.name
        assert w.crime.count == wards[w.code].crime.count


def test_ward_rates_use_downloaded_ward_estimates_where_the_code_matches_and_say_which(
    bundled_store, tmp_path
):
    """#9: Stafford's wards downloaded from the local Nomis server (constructed answers on real 2022
    wards); the wards whose 2024 code Nomis answers use them, the others are named."""

    from saferplaces.data.ons_population import download_ons_population
    from saferplaces.data.population import install_downloaded_population
    from saferplaces.data.store import Store
    from tests.fixtures.nomis_server import NomisServer, ward_counts

    with gzip.open(
        bundled("geography/lookups/LSOA21_WD24_LAD24_EW_LU.csv.gz"), "rt", encoding="utf-8-sig"
    ) as h:
        wards = {r["WD24CD"]: r["WD24NM"] for r in csv.DictReader(h) if r["LAD24CD"] == STAFFORD}
    with NomisServer(tmp_path / "nomis") as server:
        # Stafford's wards kept their 2022 codes; as if two had changed, Nomis knows them not
        for code in ("E05010482", "E05010495"):  # Coton, Penkside
            del server.ward_estimates[code]
        got = download_ons_population(
            Store(tmp_path / "ref"), base_url=server.url, districts={STAFFORD: "Stafford"}, wards=wards
        )
    matched = dict(got.wards_matched)
    assert matched and got.wards_unmatched
    con = bundled_store.connect()
    ref = Store(tmp_path / "ref")  # as Snapshot.connect() does for its own manifest
    install_downloaded_population(con, ref.root, ref.read_manifest().reference)
    pic = local_picture(bundled_store, resolve_partnership_area(con, "Stafford Borough"), con)
    for ward in pic.wards:
        if ward.code in matched:
            assert ward.population == sum(ward_counts(ward.code).values())
    said = " ".join(pic.assumptions)
    assert f"{len(matched)} ward(s) use the ONS mid-2022 ward estimates downloaded from Nomis" in said
    assert all(name in said for _, name in got.wards_unmatched)
    assert "mid-2020 small-area estimates summed to 2024 wards instead" in said
    # Stafford's own rates use the district estimate downloaded with them (mid-2021 here), named
    assert pic.population_estimate.startswith("mid-2021, downloaded from ONS (Nomis) on ")
    assert pic.population_estimate.endswith(f" on {pic.population_downloaded}")
    assert pic.ward_population_years == (2020, 2022)  # the unmatched wards keep the bundled mid-2020
    assert f"Stafford's rates use the ONS population estimate for {pic.population_estimate}." in said


def test_residents_notes_use_no_word_for_the_software_and_agree_in_number(picture):
    """Issue #12: the residents' "How we worked this out" said "the latest 12 months in a row that the
    store holds" and "50 other count(s)": a resident does not know what the store is."""
    notes = " ".join(picture.assumptions)
    assert "store" not in notes and "(s)" not in notes
    assert (
        "Figures cover the 12 months from January 2025 to December 2025, the latest 12 months in a row "
        "of police data held." in picture.assumptions
    )
