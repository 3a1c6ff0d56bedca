"""``saferplaces download ons-population``: ONS mid-year estimates from Nomis into the store (#9).

A real HTTP server on 127.0.0.1 (tests/fixtures/nomis_server.py) answers in the shape of Nomis's
API with the real ONS mid-2021 district estimates bundled with Safer Places, and with constructed
ward estimates on the real December 2022 wards. Expected values are read from the bundled files
with the csv and json modules here (which wards are in both the 2022 boundaries and the 2024
lookup), not through the product.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
from collections.abc import Iterator

import pytest

from saferplaces.data.bundled_files import bundled
from saferplaces.data.ons_population import (
    CODES_PER_REQUEST,
    current_districts,
    download_ons_population,
    parse_answer,
)
from saferplaces.data.store import Store
from saferplaces.errors import DataFormatError, DownloadError
from tests.conftest import run_cli, tree_digest
from tests.fixtures.nomis_server import PATH, WARD_PATH, NomisServer, ward_counts

FAST = {"attempts": 2, "backoff": 0.0, "timeout": 5.0}
STAFFORD = "E07000197"


def _lookup_districts() -> dict[str, str]:
    with gzip.open(bundled("geography/lookups/LSOA21_WD24_LAD24_EW_LU.csv.gz"), "rt") as f:
        return {r["LAD24CD"]: r["LAD24NM"] for r in csv.DictReader(f)}


def _mid2021() -> dict[str, dict[tuple[int, int], int]]:
    out: dict[str, dict[tuple[int, int], int]] = {}
    with gzip.open(bundled("population/ons_mye_mid2021_lad21_sex_syoa_uk.csv.gz"), "rt") as f:
        for r in csv.DictReader(f):
            out.setdefault(r["ladcode21"], {})[(int(r["sex"]), int(r["age"]))] = int(r["population_2021"])
    return out


@pytest.fixture(scope="module")
def module_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NomisServer]:
    with NomisServer(tmp_path_factory.mktemp("nomis")) as server:
        yield server


@pytest.fixture
def server(module_server: NomisServer) -> NomisServer:
    module_server.faults.clear()
    module_server.hits.clear()
    module_server.queries.clear()
    module_server._served.clear()
    module_server.tamper = None
    return module_server


def test_download_keeps_every_district_by_sex_and_age(server, tmp_path):
    store = Store(tmp_path / "store")
    result = download_ons_population(store, base_url=server.url, wards={}, **FAST)
    wanted = _lookup_districts()
    held = _mid2021()
    # the current districts (318), asked for in groups that keep each answer under 25,000 rows
    assert current_districts() == wanted and len(wanted) == 318
    assert len(server.queries) == -(-len(wanted) // CODES_PER_REQUEST) == 4
    assert all(len(q["geography"].split(",")) * 273 <= 25_000 for q in server.queries)
    assert {q["date"] for q in server.queries} == {"latest"}
    # districts ONS gave no mid-2021 estimate for (created since, such as North Yorkshire)
    expected_missing = sorted(set(wanted) - set(held))
    assert list(result.missing) == expected_missing and "E06000065" in expected_missing
    assert result.year == 2021 and result.districts == len(wanted) - len(expected_missing)
    assert any(f"no estimate for {len(expected_missing)} district(s)" in a for a in result.assumptions)
    # the table: every row as ONS gave it
    with open(result.table, newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == result.districts * 3 * 91
    stafford = {
        (int(r["sex"]), int(r["age"])): int(r["population"]) for r in rows if r["lad_code"] == STAFFORD
    }
    for (sex, age), value in held[STAFFORD].items():
        assert stafford[(sex, age)] == value
    assert sum(v for (s, _), v in stafford.items() if s == 0) == sum(held[STAFFORD].values())
    persons = sum(v for code, by in held.items() if code in wanted for v in by.values())
    assert result.persons == persons
    # the record in the store's manifest says where it came from and fingerprints the table
    record = json.loads(store.manifest_path.read_text())["reference"]["population/lad/2021"]
    assert record == dict(result.record) and result.snapshot == 1
    assert record["year"] == 2021 and record["dataset"] == "NM_2002_1"
    assert record["sha256"] == hashlib.sha256(result.table.read_bytes()).hexdigest()
    assert result.table.name == record["sha256"] + ".csv"
    assert record["urls"][0].startswith(server.url + PATH)
    assert result.table.parent == store.root / "reference" / "population"
    assert not (store.root / ".work").exists() or not any((store.root / ".work").iterdir())


def test_a_retry_mends_a_server_blip(server, tmp_path):
    server.faults[PATH] = "flaky"
    result = download_ons_population(Store(tmp_path / "store"), base_url=server.url, **FAST)
    assert result.year == 2021 and server.hits.count(PATH) == 5


@pytest.fixture
def held(server, tmp_path) -> Store:
    store = Store(tmp_path / "store")
    download_ons_population(store, base_url=server.url, districts={STAFFORD: "Stafford"}, **FAST)
    return store


@pytest.mark.parametrize(
    ("fault", "error", "words"),
    [
        ("html", DataFormatError, "it is a web page .HTML., not a CSV table"),
        ("500", DownloadError, "failed after 2 tries: Nomis answered HTTP 500"),
        ("truncate", DownloadError, "the connection ended after"),
    ],
)
def test_a_failed_download_leaves_what_was_held(server, held, fault, words, error):
    before = tree_digest(held.root)
    server.faults[PATH] = fault
    with pytest.raises(error, match=words):
        download_ons_population(held, base_url=server.url, **FAST)
    assert tree_digest(held.root) == before


def test_answers_that_do_not_add_up_are_refused(server, held):
    before = tree_digest(held.root)
    server.tamper = STAFFORD
    with pytest.raises(DataFormatError, match="do not add up to persons"):
        download_ons_population(held, base_url=server.url, districts={STAFFORD: "Stafford"}, **FAST)
    assert tree_digest(held.root) == before


def test_nothing_held_is_an_error_and_leaves_no_store(server, tmp_path):
    with pytest.raises(DataFormatError, match="no population estimate for any of the 1 districts"):
        download_ons_population(
            Store(tmp_path / "new"), base_url=server.url, districts={"E06000065": "x"}, **FAST
        )
    assert not (tmp_path / "new").exists()


def test_missing_page_is_a_clear_error(server, tmp_path):
    with pytest.raises(DownloadError, match="Nomis has no file at"):
        download_ons_population(Store(tmp_path / "s"), base_url=server.url + "/nowhere", **FAST)
    assert not (tmp_path / "s").exists()


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("DATE_NAME,GEOGRAPHY_CODE,GEOGRAPHY_NAME,GENDER_NAME,C_AGE_NAME\n", "no OBS_VALUE column"),
        (
            "DATE_NAME,GEOGRAPHY_CODE,GEOGRAPHY_NAME,GENDER_NAME,C_AGE_NAME,OBS_VALUE\n"
            "2021,E07000197,Stafford,Total,Age 95,1\n",
            "the age 'Age 95'",
        ),
        (
            "DATE_NAME,GEOGRAPHY_CODE,GEOGRAPHY_NAME,GENDER_NAME,C_AGE_NAME,OBS_VALUE\n"
            "2021,E07000197,Stafford,Other,Age 5,1\n",
            "the sex 'Other'",
        ),
        (
            "DATE_NAME,GEOGRAPHY_CODE,GEOGRAPHY_NAME,GENDER_NAME,C_AGE_NAME,OBS_VALUE\n"
            "2021,E07000197,Stafford,Male,Age 5,12.5\n",
            "the count '12.5'",
        ),
        (
            "DATE_NAME,GEOGRAPHY_CODE,GEOGRAPHY_NAME,GENDER_NAME,C_AGE_NAME,OBS_VALUE\n"
            "June 2021,E07000197,Stafford,Male,Age 5,12\n",
            "the date 'June 2021'",
        ),
    ],
)
def test_parse_answer_names_what_is_wrong(text, words):
    with pytest.raises(DataFormatError, match=words):
        parse_answer(text, "http://127.0.0.1/x")


def test_cli_downloads_and_says_what_it_holds(server, tmp_path):
    store = tmp_path / "store"
    done = run_cli("download", "ons-population", "--store", str(store), "--base-url", server.url)
    assert done.returncode == 0, done.stderr
    assert "Downloaded the ONS mid-2021 population estimates for" in done.stdout
    assert "Note:" in done.stdout and (store / "reference" / "population").is_dir()


def test_cli_failure_is_one_line_and_exits_non_zero(server, tmp_path):
    server.faults[PATH] = "html"
    done = run_cli("download", "ons-population", "--store", str(tmp_path / "s"), "--base-url", server.url)
    assert done.returncode == 3
    assert done.stderr.strip().startswith("Error: The answer from") and "Traceback" not in done.stderr


def test_base_url_must_be_http(tmp_path):
    done = run_cli("download", "ons-population", "--store", str(tmp_path / "s"), "--base-url", "ftp://x")
    assert done.returncode == 2 and "is not an http or https address" in done.stderr


# --- wards -------------------------------------------------------------------------------------

STAFFS_LADS = {f"E070001{n}" for n in range(92, 100)} | {"E06000021"}


def _wards_2024() -> dict[str, str]:
    """The 2024 wards of Staffordshire and Stoke-on-Trent, from the bundled lookup."""
    with gzip.open(
        bundled("geography/lookups/LSOA21_WD24_LAD24_EW_LU.csv.gz"), "rt", encoding="utf-8-sig"
    ) as f:
        return {r["WD24CD"]: r["WD24NM"] for r in csv.DictReader(f) if r["LAD24CD"] in STAFFS_LADS}


def _wards_2022() -> set[str]:
    codes = set()
    for name in ("ward_wd22_E10000028_staffordshire_county", "ward_wd22_E06000021_stoke_on_trent"):
        with gzip.open(bundled(f"geography/boundaries/{name}.geojson.gz"), "rt") as f:
            codes |= {ft["properties"]["WD22CD"] for ft in json.load(f)["features"]}
    return codes


@pytest.fixture(scope="module")
def ward_store(module_server, tmp_path_factory) -> tuple[Store, object]:
    """A store with districts and the default wards downloaded (no police data: Staffordshire's)."""
    module_server.faults.clear()
    module_server.tamper = None
    store = Store(tmp_path_factory.mktemp("wards") / "store")
    result = download_ons_population(
        store, base_url=module_server.url, districts={STAFFORD: "Stafford"}, **FAST
    )
    return store, result


def test_wards_asked_for_are_the_2024_wards_and_the_2022_codes_match(ward_store):
    store, result = ward_store
    wards24, wards22 = _wards_2024(), _wards_2022()
    matched = sorted(set(wards24) & wards22)
    # Cannock Chase, East Staffordshire, South Staffordshire and Stoke-on-Trent's wards were
    # redrawn in 2023: 103 of 185 kept their code
    assert len(wards24) == 185 and len(matched) == 103
    assert [c for c, _ in result.wards_matched] == matched
    assert [c for c, _ in result.wards_unmatched] == sorted(set(wards24) - wards22)
    assert result.ward_year == 2022
    # every unmatched ward is named in what the command prints, and what it uses instead
    said = " ".join(result.assumptions)
    assert all(f"{wards24[c]} ({c})" in said for c, _ in result.wards_unmatched)
    assert "keep using the bundled ONS small-area estimates summed to 2024 wards" in said
    # the table holds the matched wards as Nomis gave them
    with open(result.ward_table, newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == len(matched) * 3 * 91
    code = matched[0]
    expected = ward_counts(code)
    for r in rows:
        if r["ward_code"] == code and r["sex"] != "0":
            assert int(r["population"]) == expected[(int(r["sex"]), int(r["age"]))]
    record = json.loads(store.manifest_path.read_text())["reference"]["population/ward/2022"]
    assert record["dataset"] == "NM_2014_1" and record["ward_vintage"] == "December 2022 wards"
    assert len(record["unmatched"]) == 82
    assert record["sha256"] == hashlib.sha256(result.ward_table.read_bytes()).hexdigest()


def test_ward_rates_use_the_downloaded_estimates_where_codes_match(ward_store):
    from saferplaces.data.population import (
        BUNDLED_WARD_SOURCE,
        DOWNLOADED_WARD_SOURCE,
        ward_population_sentences,
        ward_populations,
    )

    store, result = ward_store
    con = store.connect()
    matched = result.wards_matched[0][0]
    unmatched = result.wards_unmatched[0][0]
    pops = ward_populations(con, [matched, unmatched], 2025)
    # the matched ward: persons = males + females of the constructed answer, for mid-2022
    assert pops[matched].value == sum(ward_counts(matched).values())
    assert pops[matched].year == 2022 and pops[matched].source == DOWNLOADED_WARD_SOURCE
    # the other keeps the bundled small-area estimate (newest mid-2020)
    assert pops[unmatched].year == 2020 and pops[unmatched].source == BUNDLED_WARD_SOURCE
    # a year before the download still takes the bundled estimate of that year
    assert ward_populations(con, [matched], 2019)[matched].source == BUNDLED_WARD_SOURCE
    names = dict(result.wards_matched[:1] + result.wards_unmatched[:1])
    said = ward_population_sentences(pops, names)
    assert said[0].startswith("1 ward(s) use the ONS mid-2022 ward estimates downloaded from Nomis")
    assert names[unmatched] in said[1] and "mid-2020 small-area estimates" in said[1]


def test_a_store_without_a_download_uses_the_bundled_ward_estimates(tmp_path):
    from saferplaces.data.population import BUNDLED_WARD_SOURCE, ward_populations

    code = sorted(_wards_2024())[0]
    found = ward_populations(Store(tmp_path / "empty").connect(), [code], 2025)
    assert found[code].source == BUNDLED_WARD_SOURCE and found[code].year == 2020


def test_no_ward_found_is_refused_and_changes_nothing(server, held):
    before = tree_digest(held.root)
    with pytest.raises(DataFormatError, match="no ward estimate for any of the 1 2024 wards") as caught:
        download_ons_population(
            held,
            base_url=server.url,
            districts={STAFFORD: "Stafford"},
            wards={"E05099999": "Nowhere"},
            **FAST,
        )
    assert "--no-wards" in str(caught.value)
    assert tree_digest(held.root) == before


@pytest.mark.parametrize(
    ("fault", "error", "words"),
    [
        ("html", DataFormatError, "it is a web page .HTML., not a CSV table"),
        ("500", DownloadError, "Nomis answered HTTP 500"),
    ],
)
def test_a_failed_ward_download_changes_nothing(server, held, fault, error, words):
    before = tree_digest(held.root)
    server.faults[WARD_PATH] = fault
    with pytest.raises(error, match=words) as caught:
        download_ons_population(held, base_url=server.url, districts={STAFFORD: "Stafford"}, **FAST)
    assert tree_digest(held.root) == before
    assert caught.value.problem and caught.value.action  # what is wrong, and what to do


def test_a_ward_answer_with_a_district_code_is_refused():
    text = (
        "DATE_NAME,GEOGRAPHY_CODE,GEOGRAPHY_NAME,GENDER_NAME,C_AGE_NAME,OBS_VALUE\n"
        "2022,E07000197,Stafford,Male,Age 5,12\n"
    )
    with pytest.raises(DataFormatError, match="'E07000197', not a ward code"):
        parse_answer(text, "http://127.0.0.1/x", wards=True)


def test_cli_says_which_wards_match(server, tmp_path):
    store = tmp_path / "store"
    done = run_cli("download", "ons-population", "--store", str(store), "--base-url", server.url)
    assert done.returncode == 0, done.stderr
    out = " ".join(done.stdout.split())
    assert "Downloaded the ONS mid-2022 ward estimates: 103 of the 185 wards held match" in out
    assert "82 ward(s) changed since 2022" in out
    done = run_cli(
        "download", "ons-population", "--store", str(tmp_path / "s2"), "--base-url", server.url, "--no-wards"
    )
    assert done.returncode == 0 and "ward estimates" not in done.stdout


def test_ward_age_breakdowns_use_the_downloaded_ward_estimates(ward_store):
    from saferplaces.data.areas import Area
    from saferplaces.data.population import population_by_age

    store, result = ward_store
    con = store.connect()
    (matched, name), (unmatched, other) = result.wards_matched[0], result.wards_unmatched[0]
    ages = population_by_age(con, Area("ward", matched, name), 2025)
    made = ward_counts(matched)
    assert ages.year == 2022 and ages.ages == {a: made[(1, a)] + made[(2, a)] for a in range(91)}
    assert ages.estimate.startswith("mid-2022, downloaded from ONS (Nomis) on ")
    # a ward ONS publishes no estimate for keeps the bundled small-area estimates (newest mid-2020)
    bundled_ages = population_by_age(con, Area("ward", unmatched, other), 2025)
    assert bundled_ages.year == 2020 and bundled_ages.estimate == "mid-2020"


def test_a_table_lost_from_the_store_is_dropped_at_the_next_write(held):
    entries = json.loads(held.manifest_path.read_text())["reference"]
    (held.root / entries["population/lad/2021"]["files"][0]).unlink()  # as a failing disk might
    with held.lock():
        pass  # the next write checks what the manifest lists
    left = json.loads(held.manifest_path.read_text()).get("reference", {})
    assert set(left) == set(entries) - {"population/lad/2021"}
