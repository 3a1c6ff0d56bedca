"""Rows counted once (saferplaces.data.aggregates) give the counts of the crimes view."""

from __future__ import annotations

import pytest

from saferplaces.data.aggregates import Aggregates, in_months, where
from saferplaces.data.areas import resolve_area
from saferplaces.data.periods import parse_period
from saferplaces.data.quality import quality_report

MONTHS = [f"2025-{m:02d}" for m in range(1, 13)]


@pytest.fixture(scope="module")
def con(bundled_store):
    return bundled_store.connect()


@pytest.mark.parametrize("name", ["Staffordshire", "Stafford", "E22000268", "Forebridge"])
def test_counts_by_type_equal_the_crimes_view(con, name):
    area = resolve_area(con, name)
    agg = Aggregates(con, ["E23000015"], point_months=MONTHS)
    expected = dict(
        con.execute(
            f"select crime_type, count(*) from crimes where {area.row_filter()} and "
            f"{in_months(MONTHS)} group by 1"
        ).fetchall()
    )
    assert agg.by_type(area, MONTHS) == expected and sum(expected.values()) > 0
    # places and points add up to the same rows (points: those with a map point)
    places = agg.sql(f"select sum(n) from {agg.places} where {where(area)} and {in_months(MONTHS)}")[0][0]
    assert places == sum(expected.values())
    located = con.execute(
        f"select count(*) from crimes where {area.row_filter()} and longitude is not null "
        f"and {in_months(MONTHS)}"
    ).fetchone()[0]
    assert agg.sql(f"select sum(n) from {agg.points} where {where(area)}")[0][0] == located


def test_tables_for_some_areas_only(con):
    stafford, tamworth = resolve_area(con, "Stafford"), resolve_area(con, "Tamworth")
    agg = Aggregates(con, ["E23000015"], point_months=MONTHS, areas=[stafford])
    assert agg.covers(["E23000015"], MONTHS, stafford)
    assert not agg.covers(["E23000015"], MONTHS, tamworth)
    assert not agg.covers(["E23000014"], MONTHS, stafford)  # another force
    assert not agg.covers(["E23000015"], ["2019-01"], stafford)  # points of other months
    assert agg.sql(f"select count(*) from {agg.points} where lad_code <> 'E07000197'")[0][0] == 0
    # the counts table still holds the whole force, for the comparisons
    assert agg.by_type(tamworth, MONTHS)
    agg.close()
    assert not con.execute(
        f"select count(*) from duckdb_tables() where table_name like '{agg._prefix}%'"
    ).fetchone()[0]


def test_quality_report_is_the_same_from_shared_counts(bundled_store, con):
    stafford = resolve_area(con, "Stafford")
    period = parse_period("2025")
    alone = quality_report(bundled_store, stafford, period)
    shared = quality_report(
        bundled_store, stafford, period, aggregates=Aggregates(con, ["E23000015"], point_months=MONTHS)
    )
    assert alone.to_dict() == shared.to_dict()
    checks = {c.check: c for c in alone.checks}
    expected_no_location = con.execute(
        "select count(*) from crimes where force = 'staffordshire' and "
        f"lsoa_code is null and {in_months(period.months)}"
    ).fetchone()[0]
    assert checks["no-location"].count == expected_no_location > 0
