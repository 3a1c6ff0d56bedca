"""The synthetic partner extract: calibration, flag rates, repeats, determinism, round trip."""

from __future__ import annotations

import math
from pathlib import Path

import duckdb
import numpy as np
import pytest

from saferplaces.data.bundled_files import police_uk_months
from saferplaces.data.ingest import ingest
from saferplaces.data.partner import attach_extracts, ingest_extract
from saferplaces.data.store import Store
from saferplaces.data.synth import (
    ALCOHOL_RATE,
    DOMESTIC_RATE,
    HATE_RATE,
    REPEAT_DOMESTIC,
    RepeatModel,
    _assign_groups,
    _fit_level_season,
    calibrate,
    synthesise_extract,
)
from saferplaces.errors import InputError, StoreError

VIOLENCE = "Violence and sexual offences"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    store = Store(tmp_path_factory.mktemp("synth") / "store")
    ingest(police_uk_months()[-3:], store)  # 2025-10 to 2025-12
    return store


@pytest.fixture(scope="module")
def calibration(store):
    return calibrate(store)


@pytest.fixture(scope="module")
def year(calibration, tmp_path_factory):
    """A year of synthetic rows at scale 1, loaded into DuckDB as table ``s``."""
    out = tmp_path_factory.mktemp("year") / "year-synthetic.csv"
    result = synthesise_extract(calibration, out, start="2025-01", end="2025-12", seed=7)
    con = duckdb.connect()
    con.execute(f"create table s as select * from read_csv('{out}', header=true, all_varchar=true)")
    return result, con


def real_counts(store: Store) -> dict[str, int]:
    con = store.connect()
    return dict(con.execute("select crime_type, count(*) from crimes group by 1").fetchall())


# -- calibration ----------------------------------------------------------------------------


def test_counts_by_type_match_the_real_ones_at_scale_1(store, year):
    result, con = year
    real = real_counts(store)
    synth = dict(
        con.execute("select category, count(*) from s where date >= '2025-10' group by 1").fetchall()
    )
    assert set(synth) == set(real)
    for crime_type, n in real.items():
        # Poisson: the synthetic count has mean n, so sd sqrt(n); allow 4 sd
        assert abs(synth[crime_type] - n) <= 4 * math.sqrt(n) + 2, crime_type
    assert result.by_type["Anti-social behaviour"] == int(
        con.execute("select count(*) from s where category = 'Anti-social behaviour'").fetchone()[0]
    )


def test_counts_by_lsoa_follow_the_real_ones(store, year):
    _, con = year
    real = dict(
        store.connect()
        .execute("select coalesce(lsoa21_code, lsoa_code), count(*) from crimes group by 1")
        .fetchall()
    )
    synth = dict(
        con.execute("select lsoa_code, count(*) from s where date >= '2025-10' group by 1").fetchall()
    )
    codes = sorted(c for c in real if c is not None)
    a = np.array([real[c] for c in codes], float)
    b = np.array([synth.get(c, 0) for c in codes], float)
    assert np.corrcoef(a, b)[0, 1] > 0.95
    # rows without a location keep their real share
    assert abs(synth.get(None, 0) - real.get(None, 0)) <= 4 * math.sqrt(real.get(None, 1)) + 2


def test_level_and_season_are_recovered_exactly():
    level = np.array([[100.0, 50.0]])  # one type, two years
    season = np.array([[0.8, 0.9, 1.0, 1.1, 1.2, 1.0, 1.0, 1.0, 0.9, 1.0, 1.1, 1.0]])
    season = season / season.mean()
    cube = level[:, :, None] * season[:, None, :]
    held = np.ones((2, 12), dtype=bool)
    held[1, 6:] = False  # the second year is half held
    cube[:, ~held] = 0
    got_level, got_season = _fit_level_season(cube, held)
    assert np.allclose(got_level, level) and np.allclose(got_season, season)


# -- flags ----------------------------------------------------------------------------------


def within_binomial(hits: int, n: int, p: float, sds: float = 4.0) -> bool:
    return abs(hits - n * p) <= sds * math.sqrt(n * p * (1 - p)) + 1


def test_flag_rates_are_as_documented(year):
    _, con = year
    for flag, table in (("domestic", DOMESTIC_RATE), ("alcohol", ALCOHOL_RATE), ("hate", HATE_RATE)):
        for crime_type, rate in table.items():
            n, hits = con.execute(
                f"select count(*), count(*) filter (where {flag} = 'true') from s where category = ?",
                [crime_type],
            ).fetchone()
            if crime_type in ("Drugs", "Possession of weapons", "Shoplifting") and flag == "domestic":
                rate = 0.0
            assert within_binomial(hits, n, rate), (flag, crime_type, hits, n, rate)


def test_about_a_fifth_of_crime_is_domestic_and_two_fifths_of_violence(year):
    _, con = year
    crime, violence = con.execute(
        """
        select avg((domestic = 'true')::int) filter (where category <> 'Anti-social behaviour'),
               avg((domestic = 'true')::int) filter (where category = ?)
        from s""",
        [VIOLENCE],
    ).fetchone()
    # Stafford CSWS 2020-24: "around 20% of crime ... increases to 40% amongst violent offences"
    assert 0.18 <= crime <= 0.23
    assert 0.38 <= violence <= 0.42


def test_vawg_and_youth_follow_their_rules(year):
    _, con = year
    bad_vawg, bad_youth = con.execute(
        """
        select count(*) filter (where vawg = 'true' and (victim_sex <> 'female'
                                 or (domestic = 'false' and category <> ?))),
               count(*) filter (where victim_age_band = '0-17' and youth <> 'true')
        from s""",
        [VIOLENCE],
    ).fetchone()
    assert bad_vawg == 0 and bad_youth == 0


# -- repeats --------------------------------------------------------------------------------


def repeat_shares(con: duckdb.DuckDBPyConnection, column: str, where: str = "true") -> tuple[float, float]:
    return con.execute(f"""
        with p as (select {column}, count(*) as n from s
                   where {column} is not null and {where} group by 1)
        select count(*) filter (where n > 1) / count(*), sum(n) filter (where n > 1) / sum(n)
        from p""").fetchone()


def test_repeat_victims_are_as_concentrated_as_in_stafford(year):
    _, con = year
    # Stafford 2018-19: 24% of victims were repeat victims and were the victims in 42% of
    # crimes; for domestic crimes 38% and 63% (Stafford CSWS 2020-24)
    victims, crimes = repeat_shares(con, "victim_id")
    assert 0.20 <= victims <= 0.26 and 0.39 <= crimes <= 0.46
    victims, crimes = repeat_shares(con, "victim_id", "domestic = 'true'")
    assert 0.34 <= victims <= 0.42 and 0.59 <= crimes <= 0.67
    # a victim keeps their age band, sex and segment
    assert (
        con.execute("""select count(*) from (select victim_id from s where victim_id is not null
                          group by 1 having count(distinct (victim_age_band, victim_sex,
                          segment)) > 1)""").fetchone()[0]
        == 0
    )


def test_repeat_offenders_and_places(year):
    _, con = year
    offenders, crimes = repeat_shares(con, "offender_id", "offender_id like 'O%'")
    assert 0.17 <= offenders <= 0.25 and 0.40 <= crimes <= 0.50
    places, crimes = repeat_shares(con, "location_id")
    assert crimes > 0.5  # crime concentrates at places, as the real map points do
    # domestic crimes happen at the victim's home: one place per domestic victim
    assert (
        con.execute("""select count(*) from (select victim_id from s where domestic = 'true'
                          and location_id is not null group by 1
                          having count(distinct location_id) > 1)""").fetchone()[0]
        == 0
    )


def test_group_assignment_numbers_everyone_and_meets_the_crime_share():
    rng = np.random.default_rng(1)
    cell = np.repeat(np.arange(200), rng.integers(1, 40, 200))
    person, n = _assign_groups(rng, cell, REPEAT_DOMESTIC)
    counts = np.bincount(person)
    assert counts.size == n and counts.min() >= 1
    # nobody spans two cells (a place and year)
    assert all(len(set(cell[person == p])) == 1 for p in range(0, n, 97))
    share = counts[counts > 1].sum() / counts.sum()
    assert abs(share - REPEAT_DOMESTIC.crime_share) < 0.05
    assert RepeatModel(0.42, 2.29).repeat_share == pytest.approx(0.24, abs=0.01)


# -- determinism, formats and marking -------------------------------------------------------


def test_same_seed_gives_byte_identical_output(calibration, tmp_path):
    paths = []
    for i, seed in enumerate((5, 5, 6)):
        out = tmp_path / f"run{i}-synthetic.csv.gz"
        synthesise_extract(
            calibration, out, start="2025-10", end="2025-12", seed=seed, scale=0.3, chunk_rows=3000
        )
        paths.append(out.read_bytes())
    assert paths[0] == paths[1]
    assert paths[0] != paths[2]


def test_parquet_and_csv_hold_the_same_rows(calibration, tmp_path):
    csv_out, pq_out = tmp_path / "a-synthetic.csv", tmp_path / "a-synthetic.parquet"
    for out in (csv_out, pq_out):
        synthesise_extract(calibration, out, start="2025-12", end="2025-12", seed=2, scale=0.2)
    con = duckdb.connect()
    a = con.execute(f"select count(*), count(distinct victim_id) from read_csv('{csv_out}')").fetchone()
    b = con.execute(f"select count(*), count(distinct victim_id) from '{pq_out}'").fetchone()
    assert a == b
    assert con.execute(f"select bool_and(synthetic) from '{pq_out}'").fetchone()[0] is True


def test_every_row_is_marked_synthetic_and_names_must_say_so(calibration, year, tmp_path):
    _, con = year
    assert con.execute("select count(*) from s where synthetic <> 'true'").fetchone()[0] == 0
    with pytest.raises(InputError, match="does not say it is synthetic"):
        synthesise_extract(calibration, tmp_path / "extract.csv")


def test_synthetic_extract_ingests_and_bng_points_land_in_their_lsoa(store, calibration, tmp_path):
    # the random draws do not depend on the location columns, so the same seed gives the
    # same rows with an LSOA code in one file and British National Grid points in the other
    by_code = tmp_path / "code-synthetic.csv"
    by_point = tmp_path / "bng-synthetic.csv"
    synthesise_extract(calibration, by_code, start="2025-11", end="2025-11", seed=3, scale=0.3)
    synthesise_extract(
        calibration, by_point, start="2025-11", end="2025-11", seed=3, scale=0.3, location="bng"
    )
    work = Store(tmp_path / "store")
    result = ingest_extract(by_point, work, "synthetic-demo")
    assert result.synthetic and result.rows > 2000
    con = duckdb.connect()
    attach_extracts(con, work)
    con.execute(f"create table a as select row_number() over () as r, lsoa_code from read_csv('{by_code}')")
    con.execute(
        "create table b as select row_number() over (order by line) as r, lsoa_code, "
        "location_source, synthetic from partner_extracts"
    )
    same, total, placed = con.execute("""
        select count(*) filter (where a.lsoa_code = b.lsoa_code),
               count(*) filter (where b.location_source = 'coordinates'),
               count(*) filter (where b.lsoa_code is not null)
        from a join b using (r)""").fetchone()
    # police.uk map points are snapped and the bundled boundaries generalised, so a few
    # points fall just across an LSOA edge; rows outside Staffordshire have no boundary
    assert same / total > 0.9 and placed / total > 0.9
    assert con.execute("select bool_and(synthetic) from b").fetchone()[0] is True


def test_an_empty_store_says_what_to_run(tmp_path):
    with pytest.raises(StoreError, match="Run 'saferplaces demo' or 'saferplaces ingest' first"):
        synthesise_extract(Store(tmp_path / "empty"), tmp_path / "x-synthetic.csv")


@pytest.mark.parametrize(
    "kwargs,fragment",
    [
        ({"scale": 0}, "The scale 0 is not allowed"),
        ({"start": "2025-13", "end": "2025-12"}, "not like 2025-01"),
        ({"start": "2025-12", "end": "2025-01"}, "ends before it starts"),
        ({"start": "2025-01"}, "Only one of the first and last months"),
        ({"location": "osgb"}, "The location 'osgb'"),
    ],
)
def test_bad_arguments(calibration, tmp_path, kwargs, fragment):
    with pytest.raises(InputError, match=fragment):
        synthesise_extract(calibration, tmp_path / "x-synthetic.csv", **kwargs)


def test_area_and_future_months(store, tmp_path):
    out: Path = tmp_path / "stafford-synthetic.csv"
    result = synthesise_extract(store, out, area="Stafford", start="2026-01", end="2026-02", scale=0.5)
    assert result.area_label == "Stafford (E07000197)" and result.rows > 0
    assert any("nearest year held" in a for a in result.assumptions)
    con = duckdb.connect()
    lsoas = [
        r[0]
        for r in con.execute(
            f"select distinct lsoa_code from read_csv('{out}') where lsoa_code is not null"
        ).fetchall()
    ]
    lookup = Store(tmp_path / "x").connect()
    lads = {
        lookup.execute("select lad_code from lsoa_lookup where lsoa_code = ?", [c]).fetchone()[0]
        for c in lsoas
    }
    assert lads == {"E07000197"}
