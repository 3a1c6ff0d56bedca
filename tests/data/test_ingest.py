"""Ingest of police.uk files: counts against the raw files, vintages, idempotence, replacement,
atomicity and every bad input in tests/fixtures/bad_inputs."""

from __future__ import annotations

import gzip
import os
import shutil
import zipfile

import pytest

from saferplaces.data.areas import resolve_area
from saferplaces.data.bundled_files import police_uk_months
from saferplaces.data.counts import counts
from saferplaces.data.ingest import ingest
from saferplaces.data.periods import parse_period
from saferplaces.errors import DataFormatError, InputError, SaferPlacesError, StoreError
from tests.conftest import FIXTURES, month_file, raw_counts_by_type, raw_rows, tree_digest

BAD = sorted(p for p in (FIXTURES / "bad_inputs").iterdir() if p.name != "make_bad_inputs.py")
MONTHS_2025 = [f"2025-{m:02d}" for m in range(1, 13)]


def test_all_bundled_months_load(bundled_store):
    held = bundled_store.force_months()
    assert sorted(held) == ["staffordshire"]
    assert len(held["staffordshire"]) == 22
    con = bundled_store.connect()
    total = con.execute("select count(*) from crimes").fetchone()[0]
    assert total == sum(len(raw_rows(p.name[:7])) for p in police_uk_months())


@pytest.mark.parametrize(
    "area,code", [("Stafford", "E07000197"), ("Tamworth", "E07000199"), ("Stoke-on-Trent", "E06000021")]
)
def test_counts_by_type_equal_raw_files_2021_vintage(bundled_store, area, code):
    con = bundled_store.connect()
    result = counts(bundled_store, con, resolve_area(con, area), parse_period("2025"), "crime-type")
    expected = raw_counts_by_type(MONTHS_2025, code, "2021")
    assert {k: v for k, v in result.rows if v} == dict(expected)


def test_counts_for_2011_vintage_months_equal_raw_files(bundled_store):
    con = bundled_store.connect()
    period = parse_period("2018-10..2019-02")
    result = counts(bundled_store, con, resolve_area(con, "E07000197"), period, "crime-type")
    expected = raw_counts_by_type(period.months, "E07000197", "2011")
    assert {k: v for k, v in result.rows if v} == dict(expected)


def test_published_2025_district_totals(bundled_store):
    # SOURCES.md (shared data): calendar 2025 crimes excl. ASB / ASB by district.
    published = {
        "E06000021": (29391, 6210),
        "E07000195": (8933, 1741),
        "E07000197": (8773, 1548),
        "E07000193": (8307, 1223),
        "E07000192": (7429, 1153),
        "E07000194": (6166, 986),
        "E07000196": (5809, 719),
        "E07000199": (5734, 815),
        "E07000198": (5427, 997),
    }
    con = bundled_store.connect()
    got = dict(
        (r[0], (r[1], r[2]))
        for r in con.execute(
            "select lad_code, count(*) filter (where crime_type <> 'Anti-social behaviour'), "
            "count(*) filter (where crime_type = 'Anti-social behaviour') from crimes "
            "where month like '2025-%' and in_force_area group by 1"
        ).fetchall()
    )
    assert got == published


def test_lsoa_vintage_recorded_per_row_and_month(bundled_store):
    con = bundled_store.connect()
    vintages = dict(
        con.execute(
            "select month, string_agg(distinct lsoa_vintage) from crimes where lsoa_code is not null "
            "group by 1"
        ).fetchall()
    )
    assert all(v == "2011" for m, v in vintages.items() if m < "2020")
    assert all(v == "2021" for m, v in vintages.items() if m > "2023")
    manifest = bundled_store.read_manifest()
    assert manifest.partitions["crimes/staffordshire/2018-03"]["lsoa_vintage"] == "2011"
    assert manifest.partitions["crimes/staffordshire/2025-03"]["lsoa_vintage"] == "2021"
    # every located row has a ward and district in the current (2024) geography
    assert (
        con.execute(
            "select count(*) from crimes where lsoa_code is not null and "
            "(ward_code is null or lad_code is null)"
        ).fetchone()[0]
        == 0
    )


def test_no_location_rows_kept_and_counted(bundled_store):
    con = bundled_store.connect()
    for month in ("2018-03", "2025-06"):
        raw = sum(1 for r in raw_rows(month) if not r["LSOA code"])
        held = con.execute(
            "select count(*) from crimes where month = ? and lsoa_code is null", [month]
        ).fetchone()[0]
        assert held == raw > 0


def test_asb_rows_without_crime_id_are_kept(bundled_store):
    con = bundled_store.connect()
    raw = sum(1 for r in raw_rows("2025-01") if r["Crime type"] == "Anti-social behaviour")
    held = con.execute(
        "select count(*) from crimes where month = '2025-01' and "
        "crime_type = 'Anti-social behaviour' and crime_id is null"
    ).fetchone()[0]
    assert held == raw > 0


def test_rows_outside_force_area_attributed_to_own_district(bundled_store):
    con = bundled_store.connect()
    raw = [r for r in raw_rows("2025-01") if r["LSOA name"].startswith("Birmingham")]
    held = con.execute(
        "select lad_name, in_force_area, count(*) from crimes where month = "
        "'2025-01' and lsoa_name like 'Birmingham%' group by all"
    ).fetchall()
    assert held == [("Birmingham", False, len(raw))]


def test_ingest_twice_changes_nothing(store):
    files = [month_file("2025-01"), month_file("2025-02")]
    ingest(files, store)
    before = tree_digest(store.root)
    result = ingest(files, store)
    assert result.count("unchanged") == 2 and result.count("added") == 0
    assert tree_digest(store.root) == before


def test_newer_file_replaces_force_month_and_says_so(store, tmp_path):
    ingest([month_file("2025-01")], store)
    lines = gzip.decompress(month_file("2025-01").read_bytes()).decode().splitlines(True)
    newer = tmp_path / "2025-01-staffordshire-street.csv"
    newer.write_text("".join(lines[:-10]))  # republished with ten rows fewer
    result = ingest([newer], store)
    assert result.count("replaced") == 1
    message = result.messages()[0]
    assert "Replaced crimes for staffordshire 2025-01" in message
    assert f"{len(lines) - 1:,} rows" in message and f"{len(lines) - 11:,} rows" in message
    con = store.connect()
    assert con.execute("select count(*) from crimes").fetchone()[0] == len(lines) - 11


def test_plain_csv_folder_and_zip_give_the_same_store(tmp_path):
    from saferplaces.data.store import Store

    plain = tmp_path / "plain"
    plain.mkdir()
    for month in ("2024-01", "2024-02"):
        (plain / f"{month}-staffordshire-street.csv").write_bytes(
            gzip.decompress(month_file(month).read_bytes())
        )
    archive = tmp_path / "2024-02.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for month in ("2024-01", "2024-02"):
            zf.write(plain / f"{month}-staffordshire-street.csv", f"{month}/{month}-staffordshire-street.csv")
    totals = []
    for source in (plain, archive, [month_file("2024-01"), month_file("2024-02")]):
        store = Store(tmp_path / f"store-{len(totals)}")
        ingest(source if isinstance(source, list) else [source], store)
        con = store.connect()
        totals.append(
            con.execute("select month, crime_type, count(*) from crimes group by all order by all").fetchall()
        )
    assert totals[0] == totals[1] == totals[2]
    assert sum(n for *_, n in totals[0]) == len(raw_rows("2024-01")) + len(raw_rows("2024-02"))


def test_outcomes_are_joined_to_crimes_by_crime_id(store, tmp_path):
    rows = [r for r in raw_rows("2025-01") if r["Crime ID"]][:5]
    outcomes = tmp_path / "2025-02-staffordshire-outcomes.csv"
    header = (
        "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,"
        "LSOA name,Outcome type\n"
    )
    body = "".join(
        f"{r['Crime ID']},2025-02,Staffordshire Police,Staffordshire Police,{r['Longitude']},"
        f'{r["Latitude"]},"{r["Location"]}",{r["LSOA code"]},{r["LSOA name"]},'
        "Offender given a caution\n"
        for r in rows
    )
    outcomes.write_text(header + body)
    result = ingest([month_file("2025-01"), outcomes], store)
    assert {c.dataset for c in result.changes} == {"crimes", "outcomes"}
    con = store.connect()
    joined = con.execute(
        "select crime_id, outcome, latest_outcome_month from crimes_with_outcomes "
        "where latest_outcome_month is not null"
    ).fetchall()
    assert sorted(c for c, *_ in joined) == sorted(r["Crime ID"] for r in rows)
    assert {o for _, o, _ in joined} == {"Offender given a caution"}


@pytest.mark.parametrize("bad", BAD, ids=[p.name for p in BAD])
def test_each_bad_input_is_refused_and_store_unchanged(store, bad):
    ingest([month_file("2024-01")], store)
    before = tree_digest(store.root)
    with pytest.raises(DataFormatError) as info:
        ingest([month_file("2024-02"), bad], store)
    message = str(info.value)
    assert "\n" not in message and "Traceback" not in message
    assert info.value.problem.endswith(".") and info.value.action.endswith(".")
    assert bad.name in message
    assert tree_digest(store.root) == before


def test_missing_path_and_two_files_for_one_month(store, tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        ingest([tmp_path / "nope.csv"], store)
    copy = tmp_path / "2025-01-staffordshire-street.csv"
    lines = gzip.decompress(month_file("2025-01").read_bytes()).decode().splitlines(True)
    copy.write_text("".join(lines[:100]))
    with pytest.raises(InputError, match="Two files hold staffordshire 2025-01"):
        ingest([month_file("2025-01"), copy], store)
    assert not (store.root / "crimes").exists()


def test_disk_error_while_saving_leaves_store_as_it_was(store, monkeypatch):
    ingest([month_file("2025-01")], store)
    before = tree_digest(store.root)
    real_replace = os.replace
    calls = {"n": 0}

    def failing_replace(src, dst):
        calls["n"] += 1
        if calls["n"] == 3:  # partway through moving the new partitions in
            raise OSError(28, "No space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr("saferplaces.data.store.os.replace", failing_replace)
    with pytest.raises(StoreError, match="Free some disk space"):
        ingest([month_file("2025-02"), month_file("2025-03"), month_file("2025-04")], store)
    monkeypatch.undo()
    assert tree_digest(store.root) == before


def test_every_error_is_a_saferplaces_error_with_two_sentences(store):
    with pytest.raises(SaferPlacesError) as info:
        ingest([], store)
    assert info.value.problem and info.value.action


def test_store_location_precedence(tmp_path, monkeypatch):
    from saferplaces.data.store_location import resolve_store_dir

    monkeypatch.setenv("SAFERPLACES_HOME", str(tmp_path / "env"))
    assert resolve_store_dir(tmp_path / "flag") == (tmp_path / "flag").resolve()
    assert resolve_store_dir(None) == (tmp_path / "env").resolve()
    monkeypatch.delenv("SAFERPLACES_HOME")
    assert resolve_store_dir(None).name == "store"


def test_failed_first_import_leaves_no_store_behind(store):
    bad = FIXTURES / "bad_inputs" / "2025-01-staffordshire-street-truncated.csv.gz"
    assert not store.root.exists()
    with pytest.raises(DataFormatError):
        ingest([bad], store)
    assert not store.root.exists()


def test_work_folder_is_cleaned_after_success_and_failure(store):
    ingest([month_file("2025-01")], store)
    assert not (store.root / ".work").exists()
    bad = FIXTURES / "bad_inputs" / "2025-01-staffordshire-street-truncated.csv.gz"
    with pytest.raises(DataFormatError):
        ingest([bad], store)
    assert not (store.root / ".work").exists()


def test_copying_store_keeps_it_readable(bundled_store, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(bundled_store.root, copy)
    from saferplaces.data.store import Store

    assert Store(copy).connect().execute("select count(*) from crimes").fetchone()[0] > 190_000
