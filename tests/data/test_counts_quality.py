"""Counting by ward, LSOA and month, and the data quality checks, on the bundled real data."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saferplaces.data.areas import areas_within, resolve_area
from saferplaces.data.counts import counts
from saferplaces.data.periods import parse_period
from saferplaces.data.quality import quality_report
from saferplaces.errors import InputError
from tests.conftest import raw_lsoa_to_lad, raw_rows


@pytest.fixture(scope="module")
def con(bundled_store):
    return bundled_store.connect()


def test_ward_counts_sum_to_district_and_include_zero_wards(bundled_store, con):
    area = resolve_area(con, "Stafford")
    period = parse_period("2025")
    by_ward = counts(bundled_store, con, area, period, "ward")
    by_type = counts(bundled_store, con, area, period, "crime-type")
    assert by_ward.total == by_type.total == 10_321
    wards = [a for a in areas_within(con, area) if a.level == "ward"]
    assert {r[0] for r in by_ward.rows} == {w.code for w in wards}


def test_districts_sum_to_force_plus_no_location(bundled_store, con):
    period = parse_period("2024-01..2024-04")
    force = counts(bundled_store, con, resolve_area(con, "E23000015"), period, "crime-type").total
    districts = [a for a in areas_within(con, resolve_area(con, "E23000015")) if a.level == "district"]
    district_sum = sum(counts(bundled_store, con, d, period, "crime-type").total for d in districts)
    no_location = sum(1 for m in period.months for r in raw_rows(m) if not r["LSOA code"])
    assert force == district_sum + no_location


def test_month_and_lsoa_views_agree(bundled_store, con):
    area = resolve_area(con, "Tamworth")
    period = parse_period("12m-to-2025-12")
    totals = {
        by: counts(bundled_store, con, area, period, by).total
        for by in ("crime-type", "ward", "lsoa", "month")
    }
    assert len(set(totals.values())) == 1
    months = counts(bundled_store, con, area, period, "month")
    assert [r[0] for r in months.rows] == period.months


def test_partial_period_is_stated_and_empty_period_refused(bundled_store, con):
    area = resolve_area(con, "Lichfield")
    partial = counts(bundled_store, con, area, parse_period("2024/25"), "crime-type")
    assert partial.months_missing[0] == "2024-05" and len(partial.months_held) == 4
    assert "cover 4 of the 12 months" in partial.assumptions[0]
    with pytest.raises(InputError, match="holds no police.uk data for Lichfield"):
        counts(bundled_store, con, area, parse_period("2021"), "crime-type")
    with pytest.raises(InputError, match="not a way to count"):
        counts(bundled_store, con, area, parse_period("2025"), "postcode")


@settings(max_examples=15, deadline=None)
@given(
    st.lists(st.sampled_from([f"2025-{m:02d}" for m in range(1, 13)]), min_size=1, max_size=12, unique=True)
)
def test_ward_sum_equals_district_for_any_set_of_months(bundled_store, con, months):
    area = resolve_area(con, "E07000192")
    first, last = min(months), max(months)
    period = parse_period(f"{first}..{last}")
    assert (
        counts(bundled_store, con, area, period, "ward").total
        == counts(bundled_store, con, area, period, "crime-type").total
    )


def test_quality_report_on_real_data(bundled_store, con):
    report = quality_report(bundled_store)
    checks = {c.check: c for c in report.checks}
    # 2018-03..2025-12 is 94 months, of which 22 are held
    assert checks["missing-months"].count == 94 - 22
    raw_no_location = sum(
        1
        for m in sorted(bundled_store.force_months()["staffordshire"])
        for r in raw_rows(m)
        if not r["LSOA code"]
    )
    assert checks["no-location"].count == raw_no_location
    assert checks["unknown-lsoa"].status == "ok"
    # police.uk ASB in Staffordshire fell by about half between 2019 and 2024 (issue #2)
    asb = [r for r in checks["series-breaks"].rows if r[0] == "Anti-social behaviour"]
    assert asb and asb[0][1] == "2019" and asb[0][3] == "2024" and asb[0][5] < -50
    assert (
        checks["outside-force-area"].count
        == con.execute("select count(*) from crimes where in_force_area = false").fetchone()[0]
        > 0
    )
    dupes = con.execute(
        "select count(*) from (select crime_id from crimes where crime_id is not "
        "null group by 1 having count(*) > 1)"
    ).fetchone()[0]
    assert checks["duplicate-crime-ids"].count == dupes
    assert report.to_dict()["checks"][0]["check"] == "missing-months"


#: Staffordshire police force area: its eight districts and Stoke-on-Trent (ONS LAD codes).
STAFFORDSHIRE_LADS = {f"E0700019{i}" for i in range(2, 10)} | {"E06000021"}


def _force_monthly_mean(crime_type: str, months: list[str]) -> float:
    """The force's mean monthly count from the raw CSVs: rows in its districts, or with no location."""
    lookup = {**raw_lsoa_to_lad("2011"), **raw_lsoa_to_lad("2021")}
    n = sum(
        1
        for m in months
        for r in raw_rows(m)
        if r["Crime type"] == crime_type
        and (not r["LSOA code"] or lookup.get(r["LSOA code"]) in STAFFORDSHIRE_LADS)
    )
    return n / len(months)


def test_series_breaks_compare_the_same_months_of_the_force_series(bundled_store, con):
    # 2019 holds January and February (and March); 2024 holds January to April: only January and
    # February are in both, so a winter month is never set against a spring one.
    report = quality_report(bundled_store, resolve_area(con, "Lichfield"), parse_period("2025"))
    rows = {r[0]: r for r in next(c for c in report.checks if c.check == "series-breaks").rows}
    asb = rows["Anti-social behaviour"]
    before = _force_monthly_mean("Anti-social behaviour", ["2019-01", "2019-02"])
    after = _force_monthly_mean("Anti-social behaviour", ["2024-01", "2024-02"])
    change = round(100 * (after / before - 1), 1)
    assert asb[1:] == ("2019", round(before, 1), "2024", round(after, 1), change, "January to February")
    # the force's drugs series does not move by half between January to April 2024 and 2025, so
    # Lichfield's drugs (8.0 a month to 15.2 in its own small series) is not flagged as a break
    drugs = [_force_monthly_mean("Drugs", [f"{y}-{m:02d}" for m in range(1, 5)]) for y in (2024, 2025)]
    assert 1 / 1.5 < drugs[1] / drugs[0] < 1.5 and "Drugs" not in rows


def test_quality_for_an_area_and_complete_period(bundled_store, con):
    report = quality_report(bundled_store, resolve_area(con, "Stafford"), parse_period("2025"))
    checks = {c.check: c for c in report.checks}
    assert checks["missing-months"].status == "ok"
    assert "not in Stafford's counts" in checks["no-location"].summary


def test_quality_sentences_name_their_months_and_the_breaks_they_flag(bundled_store, con):
    # issue #9: "529 row(s) have no location" named neither whose rows nor which months, and
    # "4 possible break(s) in series" named no crime type, though the change table points to it
    period = parse_period("2025")
    report = quality_report(bundled_store, resolve_area(con, "Stafford"), period)
    checks = {c.check: c for c in report.checks}
    rows = [r for m in period.months for r in raw_rows(m)]
    no_location = sum(1 for r in rows if not r["LSOA code"])
    assert checks["no-location"].summary.startswith(
        f"{no_location:,} of the {len(rows):,} rows the police force recorded in the calendar year 2025 "
        "have no location"
    )
    before = _force_monthly_mean("Anti-social behaviour", ["2019-01", "2019-02"])
    after = _force_monthly_mean("Anti-social behaviour", ["2024-01", "2024-02"])
    breaks = checks["series-breaks"]
    assert breaks.summary.startswith(f"{len(breaks.rows)} possible breaks in series")
    assert (
        "anti-social behaviour from 2019 to 2024 (monthly average over January to February: "
        f"{round(100 * (after / before - 1)):+d}%)"
    ) in breaks.summary
    assert "(s)" not in " ".join(c.summary for c in report.checks)
    assert "in the calendar year 2025 appear on more than one row" in checks["duplicate-crime-ids"].summary
