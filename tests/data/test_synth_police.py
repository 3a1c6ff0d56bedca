"""Synthetic police.uk rows for national benchmarks: row count, geography, determinism, refusals."""

from __future__ import annotations

import hashlib

import pytest

from saferplaces.data.areas import resolve_area
from saferplaces.data.counts import counts
from saferplaces.data.periods import parse_period
from saferplaces.data.store import Store
from saferplaces.data.synth_police import NO_LOCATION_SHARE, synthesise_police_store, type_shares
from saferplaces.errors import InputError

MONTHS = ["2024-12", "2025-01", "2025-02"]


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> tuple[Store, object]:
    store = Store(tmp_path_factory.mktemp("synth-police") / "store")
    result = synthesise_police_store(store, 30_011, MONTHS, forces=["staffordshire", "cumbria"], seed=3)
    return store, result


def test_exactly_the_rows_asked_for(made):
    store, result = made
    con = store.connect()
    assert result.rows == 30_011
    assert con.execute("select count(*) from crimes").fetchone()[0] == 30_011
    held = store.force_months()
    assert held == {"staffordshire": set(MONTHS), "cumbria": set(MONTHS)}
    manifest = store.read_manifest()
    assert sum(p["rows"] for p in manifest.partitions.values()) == 30_011
    assert all(p["synthetic"] for p in manifest.partitions.values())
    # one Parquet file a force-month, as ingest writes
    assert len(list((store.root / "crimes").glob("*/*/*.parquet"))) == 6


def test_every_located_row_is_placed_in_its_forces_areas(made):
    store, _ = made
    con = store.connect()
    total, placed, no_location, outside = con.execute(
        "select count(*), count(lad_code), count(*) filter (where lsoa_code is null), "
        "count(*) filter (where pfa_code is not null and pfa_code <> force_pfa_code) from crimes"
    ).fetchone()
    assert placed + no_location == total  # every LSOA code is in the ONS lookup
    assert outside == 0
    assert 0.5 * NO_LOCATION_SHARE < no_location / total < 2 * NO_LOCATION_SHARE
    forces = dict(
        con.execute(
            "select pfa_name, count(distinct lad_code) from crimes where pfa_name is not null group by 1"
        ).fetchall()
    )
    assert forces == {"Staffordshire": 9, "Cumbria": 2}  # Cumberland, Westmorland and Furness
    # a district's counts agree with the counts command, like real rows
    area = resolve_area(con, "Stafford")
    by_type = counts(store, con, area, parse_period("2025-01..2025-02"), "crime-type")
    assert (
        by_type.total
        == con.execute(
            "select count(*) from crimes where lad_code = 'E07000197' and month in ('2025-01', '2025-02')"
        ).fetchone()[0]
        > 0
    )


def test_crime_types_follow_the_real_shares(made):
    store, _ = made
    con = store.connect()
    shares = type_shares(con)
    found = dict(
        con.execute("select crime_type, count(*) / sum(count(*)) over () from crimes group by 1").fetchall()
    )
    assert set(found) == set(shares)
    for crime_type, share in shares.items():
        assert found[crime_type] == pytest.approx(share, abs=0.01)


def test_same_seed_same_rows(made, tmp_path):
    store, _ = made
    again = Store(tmp_path / "again")
    synthesise_police_store(again, 30_011, MONTHS, forces=["staffordshire", "cumbria"], seed=3)

    def digest(s: Store) -> str:
        rows = (
            s.connect()
            .execute("select * exclude (force, month), force, month from crimes_rows order by all")
            .fetchall()
        )
        return hashlib.sha256(repr(rows).encode()).hexdigest()

    assert digest(again) == digest(store)


def test_refuses_a_store_that_holds_rows(made):
    store, _ = made
    with pytest.raises(InputError, match="already holds police.uk rows"):
        synthesise_police_store(store, 10, MONTHS)


def test_refuses_unknown_forces_and_no_months(tmp_path):
    with pytest.raises(InputError, match="No police force is called 'atlantis'"):
        synthesise_police_store(Store(tmp_path / "a"), 10, MONTHS, forces=["atlantis"])
    with pytest.raises(InputError, match="at least one row and one month"):
        synthesise_police_store(Store(tmp_path / "b"), 10, [])
