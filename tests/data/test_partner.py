"""Partner extracts: the format's rules, placing rows, idempotence, replacement, atomicity."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import shutil
from pathlib import Path

import duckdb
import numpy as np
import pytest
import shapely

from saferplaces.data.bundled_files import bundled, police_uk_months
from saferplaces.data.ingest import ingest
from saferplaces.data.partner import (
    attach_extracts,
    bng_to_wgs84,
    ingest_extract,
    list_extracts,
    locate_points,
    wgs84_to_bng,
)
from saferplaces.data.store import Store
from saferplaces.errors import DataFormatError, InputError, StoreError

BAD = Path(__file__).resolve().parent.parent / "fixtures" / "bad_extracts"

#: Each bad file and the exact one-line error it gets (file: message).
BAD_EXTRACTS = {
    "empty.csv": "The file empty.csv is empty. Ask the partner to send the extract again.",
    "header-only.csv": "The file header-only.csv has a header but no rows.",
    "not-utf8.csv": "The file not-utf8.csv has bytes that are not UTF-8 text on line 3.",
    "utf16.csv": "The file utf16.csv is UTF-16 text, not UTF-8.",
    "not-a-csv.csv": "The file not-a-csv.csv is a PNG image, not a CSV file.",
    "unknown-category.csv": "Line 3 of unknown-category.csv has 'Burglery' in column 'category', "
    "which is not one of the 14 police.uk crime types.",
    "bad-date.csv": "Line 4 of bad-date.csv has '2025-02-30' in column 'date', which is not a "
    "real day written YYYY-MM-DD.",
    "bad-month.csv": "Line 2 of bad-month.csv has '2025-13' in column 'month', which is not a "
    "month written YYYY-MM.",
    "no-date-column.csv": "The file no-date-column.csv has no 'date' or 'month' column.",
    "no-location-columns.csv": "The file no-location-columns.csv has no location columns.",
    "bng-out-of-range.csv": "Line 3 of bng-out-of-range.csv has '900000' in column 'easting', "
    "which is not a number of British National Grid metres in Great "
    "Britain.",
    "wgs84-swapped.csv": "Line 3 of wgs84-swapped.csv has '52.8066' in column 'longitude', which "
    "is not a number of WGS84 degrees in the United Kingdom.",
    "easting-without-northing.csv": "The file easting-without-northing.csv has a column "
    "'easting' but no column 'northing'.",
    "bad-flag.csv": "Line 3 of bad-flag.csv has 'maybe' in column 'domestic', which is not "
    "true/false, yes/no, 1/0 or Y/N.",
    "personal-id.csv": "Line 3 of personal-id.csv has a value in column 'victim_id' that looks like "
    "a name or a word, not a pseudonym",
    "unknown-column.csv": "The file unknown-column.csv has a column 'victim_name' that is not "
    "part of the partner extract format.",
    "duplicate-column.csv": "The file duplicate-column.csv has two columns for 'date': 'date' "
    "and 'offence_date'.",
    "ragged-row.csv": "The file ragged-row.csv cannot be read as CSV on line 3",
    "bad-lsoa.csv": "Line 3 of bad-lsoa.csv has 'E0101421' in column 'lsoa_code', which is not "
    "an LSOA code like E01014210.",
    "bad-age-band.csv": "Line 2 of bad-age-band.csv has '24-18' in column 'victim_age_band', "
    "which is not an age band like 18-24 or 65+.",
    "truncated.csv.gz": "The file truncated.csv.gz is a damaged or incomplete gzip file",
    # issue 13: personal details in identifiers and segments
    "email-id.csv": "Line 3 of email-id.csv has a value in column 'victim_id' that looks like an "
    "e-mail address.",
    "ni-number-id.csv": "Line 3 of ni-number-id.csv has a value in column 'victim_id' that looks like a "
    "National Insurance number.",
    "phone-id.csv": "Line 3 of phone-id.csv has a value in column 'victim_id' that looks like a "
    "telephone number.",
    "name-id.csv": "Line 3 of name-id.csv has a value in column 'victim_id' that looks like a name or a word",
    "name-with-digit-id.csv": "Line 3 of name-with-digit-id.csv has a value in column 'victim_id' that looks "
    "like a name or a word",
    "offender-email.csv": "Line 2 of offender-email.csv has a value in column 'offender_id' that looks like "
    "an e-mail address.",
    "location-phone.csv": "Line 2 of location-phone.csv has a value in column 'location_id' that looks like "
    "a telephone number.",
    "segment-email.csv": "Line 3 of segment-email.csv has a value in column 'segment' that looks like an "
    "e-mail address.",
    "segment-ni-number.csv": "Line 2 of segment-ni-number.csv has a value in column 'segment' that looks "
    "like a National Insurance number.",
    "segment-phone.csv": "Line 2 of segment-phone.csv has a value in column 'segment' that looks like a "
    "telephone number.",
    "segment-names.csv": "The file segment-names.csv has 250 different values in column 'segment', more "
    "than the 200 a segmentation has",
    # ages and dates out of range
    "age-band-over-120.csv": "Line 3 of age-band-over-120.csv has '100-130' in column 'victim_age_band', "
    "which is an age band reaching beyond 120.",
    "age-plus-over-120.csv": "Line 2 of age-plus-over-120.csv has '121+' in column 'victim_age_band', which "
    "is an age band reaching beyond 120.",
    "date-in-future.csv": "Line 3 of date-in-future.csv has '2999-01-01' in column 'date', which is after "
    "today (",
    "date-before-2000.csv": "Line 3 of date-before-2000.csv has '1999-12-31' in column 'date', which is "
    "before 2000.",
    "month-in-future.csv": "Line 2 of month-in-future.csv has '2999-01' in column 'month', which is after "
    "this month (",
    "month-before-2000.csv": "Line 2 of month-before-2000.csv has '1999-12' in column 'month', which is "
    "before 2000.",
    # resource bounds and what the bytes are
    "long-header.csv": "The first line of long-header.csv is longer than 64 KB, so it is not a CSV header.",
    "long-line.csv.gz": "The file long-line.csv.gz has a line longer than 1,024 KB on line 2",
    "gzip-bomb.csv.gz": "The file gzip-bomb.csv.gz decompresses to over 200 times its compressed size",
    "bzip2.csv": "The file bzip2.csv is compressed with bzip2, which Safer Places does not read.",
    "zip-named-csv.csv": "The file zip-named-csv.csv is a zip archive, not a CSV.",
    "trailing-bytes.csv.gz": "The file trailing-bytes.csv.gz is a damaged or incomplete gzip file",
    "nul-byte.csv": "The file nul-byte.csv holds a NUL byte (a binary zero) on line 3",
    "cr-line-endings.csv": "The file cr-line-endings.csv ends its lines with a carriage return alone",
}

GOOD = """date,category,lsoa_code,domestic,alcohol,victim_id,offender_id,victim_age_band,victim_sex,segment
2025-10-01,Burglary,E01014210,Y,no,V0001,,18-24,F,Young renters
2025-10-02,violence and sexual offences,E01029668,no,1,V0001,O7,65+,male,
2025-11-03,Vehicle crime,,,,,,,,
"""


@pytest.fixture(scope="module")
def base_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """A store with the last three bundled months and one extract, built once per module."""
    store = Store(tmp_path_factory.mktemp("partner") / "store")
    ingest(police_uk_months()[-3:], store)
    good = store.root.parent / "good.csv"
    good.write_text(GOOD, encoding="utf-8")
    ingest_extract(good, store, "police-2025")
    return store


@pytest.fixture
def store(base_store: Store, tmp_path: Path) -> Store:
    """A private copy of the module's store, for tests that change it."""
    root = tmp_path / "store"
    shutil.copytree(base_store.root, root)
    return Store(root)


def snapshot(store: Store) -> dict[str, str]:
    """Every file under the store (outside the work folder) and its SHA-256."""
    out = {}
    for path in sorted(store.root.rglob("*")):
        if path.is_file() and ".work" not in path.parts and path.name != ".lock":
            out[str(path.relative_to(store.root))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def rows_of(store: Store, name: str) -> list[dict]:
    con = duckdb.connect()
    attach_extracts(con, store)
    cur = con.execute("select * from partner_extracts where extract = ? order by line", [name])
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


def write(tmp_path: Path, text: str, name: str = "extract.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# -- the good path -------------------------------------------------------------------------


def test_rows_are_typed_normalised_and_placed(base_store):
    rows = rows_of(base_store, "police-2025")
    assert len(rows) == 3
    first, second, third = rows
    assert str(first["date"]) == "2025-10-01" and first["month"] == "2025-10"
    assert first["category"] == "Burglary"
    assert second["category"] == "Violence and sexual offences"  # case does not matter
    assert (first["domestic"], first["alcohol"]) == (True, False)
    assert (second["domestic"], second["alcohol"]) == (False, True)
    assert third["domestic"] is None  # blank means not known
    assert (first["victim_sex"], second["victim_sex"]) == ("female", "male")
    assert first["victim_age_band"] == "18-24" and first["segment"] == "Young renters"
    # E01014210 is in Abbey Hulton ward, Stoke-on-Trent (ONS LSOA21-WD24-LAD24 lookup)
    assert first["lad_code"] == "E06000021" and first["ward_name"] == "Abbey Hulton"
    assert first["csp_code"] == "E22000270" and first["pfa_code"] == "E23000015"
    assert second["lad_code"] == "E07000196"  # South Staffordshire
    assert third["location_source"] == "none" and third["lsoa_code"] is None
    assert all(r["synthetic"] is False for r in rows)
    entry = json.loads(base_store.manifest_path.read_text())["extracts"]["police-2025"]
    assert entry["rows"] == 3 and entry["source"] == "good.csv" and entry["synthetic"] is False
    assert len(entry["sha256"]) == 64 and entry["ingested_at"]
    (file,) = entry["files"]
    assert file.startswith("partner/police-2025/") and (base_store.root / file).is_file()


def test_accepted_spellings_of_columns(store, tmp_path):
    path = write(
        tmp_path, "Offence Date,Crime type,LSOA,Domestic Flag,Sex\n2025-10-01,Burglary,e01014210,TRUE,f\n"
    )
    result = ingest_extract(path, store, "spellings")
    assert result.rows == 1
    (row,) = rows_of(store, "spellings")
    assert row["lsoa_code"] == "E01014210" and row["domestic"] is True
    assert row["victim_sex"] == "female"


def test_month_only_extract_and_ward_location(store, tmp_path):
    # E05014555 is the 2024 ward Abbey Hulton in Stoke-on-Trent
    path = write(tmp_path, "month,category,ward_code\n2025-10,Drugs,E05014555\n")
    result = ingest_extract(path, store, "wards")
    assert result.rows_by_location == {"lsoa": 0, "coordinates": 0, "ward": 1, "none": 0}
    (row,) = rows_of(store, "wards")
    assert row["date"] is None and row["month"] == "2025-10"
    assert row["lsoa_code"] is None and row["lad_code"] == "E06000021"


def _inner_points(n: int = 25, seed: int = 3) -> tuple[list[str], np.ndarray]:
    """Points well inside some bundled LSOA 2021 polygons, with their codes."""
    path = bundled("geography/boundaries/lsoa21_bgc_E10000028_staffordshire_county.geojson.gz")
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        features = json.load(handle)["features"]
    rng = np.random.default_rng(seed)
    picked = [features[i] for i in rng.choice(len(features), n, replace=False)]
    codes = [f["properties"]["LSOA21CD"] for f in picked]
    geoms = [shapely.from_geojson(json.dumps(f["geometry"])) for f in picked]
    points = shapely.get_coordinates(shapely.point_on_surface(geoms))
    return codes, points


def test_wgs84_and_bng_points_land_in_the_right_lsoa(store, tmp_path):
    codes, points = _inner_points()
    assert list(locate_points(points[:, 0], points[:, 1])) == codes
    east, north = wgs84_to_bng(points[:, 0], points[:, 1])
    lines = ["date,category,easting,northing,longitude,latitude"]
    for i in range(len(codes)):
        if i % 2:
            lines.append(f"2025-10-01,Burglary,{east[i]:.2f},{north[i]:.2f},,")
        else:
            lines.append(f"2025-10-01,Burglary,,,{points[i, 0]:.7f},{points[i, 1]:.7f}")
    result = ingest_extract(write(tmp_path, "\n".join(lines) + "\n"), store, "points")
    assert result.rows_by_location["coordinates"] == len(codes)
    assert [r["lsoa_code"] for r in rows_of(store, "points")] == codes


def test_known_places(store, tmp_path):
    # Stafford Market Square lies in Forebridge ward, which holds Stafford town centre
    # (Stafford Community Safety and Wellbeing Strategy 2020-24); Hanley bus station lies in
    # Stoke-on-Trent (E06000021). Coordinates from OpenStreetMap.
    lon = np.array([-2.1169, -2.1786])
    lat = np.array([52.8066, 53.0237])
    e, n = wgs84_to_bng(lon, lat)
    assert 390_000 < e[0] < 394_000 and 321_000 < n[0] < 325_000
    back_lon, back_lat = bng_to_wgs84(e, n)
    assert np.allclose(back_lon, lon) and np.allclose(back_lat, lat)
    path = write(
        tmp_path,
        "date,category,longitude,latitude,easting,northing\n"
        f"2025-10-01,Burglary,{lon[0]},{lat[0]},,\n"
        f"2025-10-01,Burglary,{lon[1]},{lat[1]},,\n"
        f"2025-10-01,Burglary,,,{e[0]:.1f},{n[0]:.1f}\n"
        f"2025-10-01,Burglary,,,{e[1]:.1f},{n[1]:.1f}\n",
    )
    ingest_extract(path, store, "places")
    rows = rows_of(store, "places")
    assert [(r["lad_code"], r["ward_name"]) for r in rows][0] == ("E07000197", "Forebridge")
    assert rows[1]["lad_code"] == "E06000021"
    assert [r["lsoa_code"] for r in rows[2:]] == [r["lsoa_code"] for r in rows[:2]]
    assert list(locate_points(lon, lat)) == [r["lsoa_code"] for r in rows[:2]]


def test_points_outside_the_boundaries_are_kept_and_counted(store, tmp_path):
    path = write(
        tmp_path,
        "date,category,longitude,latitude\n"
        "2025-10-01,Burglary,-0.1276,51.5072\n"  # London
        "2025-10-01,Burglary,,\n",
    )
    result = ingest_extract(path, store, "outside")
    assert result.rows == 2 and result.rows_outside_boundaries == 1
    assert result.rows_by_location["none"] == 1
    assert any("outside every bundled LSOA" in m for m in result.messages())
    assert [r["lsoa_code"] for r in rows_of(store, "outside")] == [None, None]


def test_unknown_but_well_formed_codes_are_kept_and_counted(store, tmp_path):
    path = write(tmp_path, "date,category,lsoa_code\n2025-10-01,Burglary,E01999999\n")
    result = ingest_extract(path, store, "unknown")
    assert result.rows == 1 and result.rows_unknown_area == 1


def test_synthetic_column_marks_rows_and_manifest(store, tmp_path):
    path = write(tmp_path, "date,category,lsoa_code,synthetic\n2025-10-01,Burglary,E01014210,true\n")
    result = ingest_extract(path, store, "synth")
    assert result.synthetic
    assert rows_of(store, "synth")[0]["synthetic"] is True
    assert next(e for e in list_extracts(store) if e.name == "synth").synthetic


def test_the_example_in_the_docs_loads_as_it_says(store, tmp_path):
    doc = Path(__file__).resolve().parents[2] / "docs" / "partner-extract.md"
    example = re.search(r"```csv\n(.*?)```", doc.read_text(encoding="utf-8"), re.S).group(1)
    result = ingest_extract(write(tmp_path, example, "example.csv"), store, "example")
    assert result.rows_by_location == {"lsoa": 2, "coordinates": 2, "ward": 0, "none": 1}
    assert "1 row has no location; it is kept and counted." in result.messages()
    rows = rows_of(store, "example")
    assert rows[1]["lsoa_code"] == "E01029742"  # the BNG point lies in the first row's LSOA
    assert rows[4]["ward_name"] == "Forebridge"
    assert rows[0]["ho_offence_code"] == "8N" and rows[0]["vawg"] is True


def test_row_order_changes_nothing_but_line_numbers(store, tmp_path):
    lines = GOOD.strip().splitlines()
    header, body = lines[0], lines[1:]
    ingest_extract(write(tmp_path, "\n".join([header, *body]) + "\n", "a.csv"), store, "fwd")
    ingest_extract(write(tmp_path, "\n".join([header, *body[::-1]]) + "\n", "b.csv"), store, "rev")

    def content(name: str) -> list[tuple]:
        return sorted(
            tuple(str(v) for k, v in r.items() if k not in ("extract", "line", "source_file"))
            for r in rows_of(store, name)
        )

    assert content("fwd") == content("rev")


# -- idempotence and replacement ------------------------------------------------------------


def test_same_file_again_changes_nothing(store):
    good = store.root.parent / "good.csv"
    good.write_text(GOOD, encoding="utf-8")
    before = snapshot(store)
    result = ingest_extract(good, store, "police-2025")
    assert result.action == "unchanged" and result.rows == 3
    assert snapshot(store) == before


def test_a_different_file_replaces_and_says_so(store, tmp_path):
    path = write(tmp_path, GOOD + "2025-12-01,Drugs,E01014210,,,,,,,\n", "newer.csv")
    result = ingest_extract(path, store, "police-2025")
    assert result.action == "replaced" and result.rows == 4
    assert result.previous_rows == 3 and result.previous_source == "good.csv"
    assert (
        "Replaced the extract 'police-2025': 3 rows from good.csv are now 4 rows from "
        "newer.csv." in result.messages()
    )
    assert len(rows_of(store, "police-2025")) == 4


# -- bad inputs -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(BAD_EXTRACTS))
def test_bad_extract_gets_its_error_and_leaves_the_store_unchanged(base_store, name):
    store = base_store  # a failed import must not change it, so the shared store will do
    before = snapshot(store)
    with pytest.raises(DataFormatError) as info:
        ingest_extract(BAD / name, store, "police-2025")
    message = str(info.value)
    assert message.startswith(BAD_EXTRACTS[name])
    assert "\n" not in message and message.count(". ") >= 1  # what is wrong, then what to do
    assert snapshot(store) == before


def test_every_bad_file_in_the_corpus_is_tested():
    on_disk = {p.name for p in BAD.iterdir() if p.suffix != ".py" and p.name != "__pycache__"}
    assert on_disk == set(BAD_EXTRACTS)


def test_many_bad_rows_are_counted(store, tmp_path):
    path = write(tmp_path, "date,category,lsoa_code\n" + "2025-10-01,Nope,E01014210\n" * 5)
    with pytest.raises(DataFormatError, match=r"Line 2 of extract.csv .* \(4 other rows too\)"):
        ingest_extract(path, store, "many")


@pytest.mark.parametrize("name", ["Police 2025", "", "-x", "a/b"])
def test_bad_names_are_refused(store, tmp_path, name):
    with pytest.raises(InputError, match="is not allowed"):
        ingest_extract(write(tmp_path, GOOD), store, name)


def test_missing_file(store, tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        ingest_extract(tmp_path / "nope.csv", store, "x")


def test_failure_while_committing_restores_the_old_extract(store, tmp_path, monkeypatch):
    before = snapshot(store)

    real_replace = os.replace

    def broken(source, target):
        if str(target).endswith("manifest.json"):  # the commit's rename
            raise OSError(28, "No space left on device")
        return real_replace(source, target)

    monkeypatch.setattr("saferplaces.data.store.os.replace", broken)
    path = write(tmp_path, GOOD + "2025-12-01,Drugs,E01014210,,,,,,,\n", "newer.csv")
    with pytest.raises(StoreError, match="nothing was changed"):
        ingest_extract(path, store, "police-2025")
    assert snapshot(store) == before
    assert len(rows_of(store, "police-2025")) == 3
