"""The StrategicAssessment object, built from the bundled real data."""

from __future__ import annotations

import dataclasses
import re

import pytest

from saferplaces.assessment.build import build_assessment, category_weights
from saferplaces.assessment.priorities import load_weights
from saferplaces.data.areas import resolve_area
from saferplaces.data.counts import counts
from saferplaces.data.periods import parse_period
from saferplaces.errors import InputError
from saferplaces.stats.labels import ChangeLabel


@pytest.fixture(scope="module")
def stafford(bundled_store):
    return build_assessment(bundled_store, "Stafford", "2025")


def test_crime_type_counts_agree_with_counts_command(bundled_store, stafford):
    con = bundled_store.connect()
    expected = counts(bundled_store, con, resolve_area(con, "Stafford"), parse_period("2025"), "crime-type")
    assert {r.crime_type: r.count for r in stafford.crime_types} == dict(expected.rows)
    h = stafford.headline
    assert h.crime.count + h.asb.count == expected.total == 10_321
    # SOURCES.md: Stafford 2025 had 8,773 crimes excluding ASB and 1,548 ASB
    assert (h.crime.count, h.asb.count) == (8_773, 1_548)


def test_rates_lie_inside_their_intervals(stafford):
    for r in stafford.crime_types:
        assert r.lower <= r.rate <= r.upper
    for w in stafford.wards:
        assert w.lower <= w.rate <= w.upper
    assert stafford.headline.crime.rate == pytest.approx(8_773 / stafford.area.population * 1000, abs=0.01)


def test_comparison_uses_like_for_like_months(stafford):
    # only January to April 2024 are held from the year before
    assert stafford.period.comparison_months == ("2024-01", "2024-02", "2024-03", "2024-04")
    change = stafford.headline.crime_change
    assert change.current == sum(
        r.comparable_count for r in stafford.crime_types if r.crime_type != "Anti-social behaviour"
    )
    assert any("same 4 calendar months" in a for a in stafford.assumptions)


def test_findings_never_call_a_change_real_unless_the_test_says_so(stafford):
    rows = {r.crime_type.lower(): r for r in stafford.crime_types}
    headline = [f for f in stafford.findings if f.section == "headline" and f.text.startswith("Comparing")]
    assert len(headline) == 2
    for f in headline:
        assert f.text.startswith("Comparing January to April 2025 with January to April 2024, ")
        what = re.search(r"2024, (.+?) (rose|fell|was higher by|was lower by|was unchanged)", f.text).group(1)
        label = (stafford.headline.crime_change if what == "crime" else stafford.headline.asb_change).label
        assert ("statistically significant rise" in f.text or "statistically significant fall" in f.text) == (
            label != "no-significant-change"
        )
        assert ("not statistically significant" in f.text) == (label == "no-significant-change")
        # only a test decides "rose" or "fell"
        assert (" rose " in f.text or " fell " in f.text) == (label != "no-significant-change")
    by_type = next(f for f in stafford.findings if f.table == "changes" and "after adjusting" in f.text)
    named = re.findall(r"(?:: |; )([a-z ,]+?) (rose|fell) \d+%", by_type.text)
    for name, verb in named:
        assert rows[name].change == ("increase" if verb == "rose" else "decrease")
    quiet = [n for n, r in rows.items() if r.change != "increase" and r.change != "decrease"]
    assert all(f" {n} rose" not in by_type.text and f" {n} fell" not in by_type.text for n in quiet)
    # no finding anywhere says a change is "not real"
    assert not any("not a real change" in f.text for f in stafford.findings)


def test_a_change_is_called_only_on_the_adjusted_p_value(stafford):
    tested = [r for r in stafford.crime_types if r.change_p is not None]
    assert len(tested) == 14
    for r in tested:
        assert r.change_p <= r.change_p_adjusted <= 1
        expected = "no-significant-change" if r.change_p_adjusted >= 0.05 else r.change_test
        assert r.change_test == expected
        # one vocabulary of labels (#14): the assessment's labels are the statistics' enums
        assert isinstance(r.change_test, ChangeLabel)
    # in Stafford, burglary fell from 192 to 94 (p about 0.016) but not after adjustment for 14 types
    burglary = next(r for r in tested if r.crime_type == "Burglary")
    assert (burglary.previous_count, burglary.comparable_count) == (192, 94)
    assert (
        burglary.change_p < 0.05 <= burglary.change_p_adjusted and burglary.change == "no-significant-change"
    )


def test_change_names_its_months_everywhere(stafford):
    from saferplaces.reports.tables import assessment_tables

    months = "January to April 2025 against January to April 2024"
    assert stafford.period.comparison_label == months
    assert stafford.headline.crime_change.months == months
    tables = {t.id: t for t in assessment_tables(stafford)}
    assert f"Change, {months}" in tables["changes"].columns
    assert tables["changes"].caption.endswith(months)
    assert tables["headline"].caption.endswith(f"; change {months}")
    change_findings = [f for f in stafford.findings if f.table == "changes" or f.text.startswith("Comparing")]
    assert change_findings and all("January to April 2025" in f.text for f in change_findings[:3])


def test_every_finding_names_a_table_that_exists(stafford):
    from saferplaces.reports.tables import assessment_tables

    ids = {t.id for t in assessment_tables(stafford)}
    assert stafford.findings and all(f.table in ids for f in stafford.findings)


def test_wards_and_places(stafford):
    assert len(stafford.wards) == 23
    assert sum(w.count for w in stafford.wards) == 10_321  # every located row is in a ward
    labels = {w.funnel for w in stafford.wards}
    assert labels <= {"high-0.001", "high-0.025", "low-0.025", "low-0.001", "not-significant"}
    # not every ward is "not significant": Forebridge (the town centre) is well above the average
    forebridge = next(w for w in stafford.wards if w.ward_name == "Forebridge")
    assert forebridge.funnel == "high-0.001"
    assert any(w.funnel.startswith("low") for w in stafford.wards)
    assert stafford.wards[0].ward_name == "Forebridge"  # Stafford town centre
    c = stafford.concentration
    assert 0 < c.share_of_places_for_25pct < c.share_of_places_for_50pct < 50


def test_months_have_control_limits(stafford):
    assert [m.month for m in stafford.months] == [f"2025-{i:02d}" for i in range(1, 13)]
    assert sum(m.count + m.asb for m in stafford.months) == 10_321
    # the XmR limits, worked out here (NHS Making Data Count: mean +/- 2.66 x mean moving range)
    counts = [m.count for m in stafford.months]
    mean = sum(counts) / len(counts)
    moving = sum(abs(b - a) for a, b in zip(counts, counts[1:], strict=False)) / (len(counts) - 1)
    for m in stafford.months:
        assert m.mean == pytest.approx(mean, abs=0.05)
        assert (m.lower_limit, m.upper_limit) == (
            pytest.approx(mean - 2.66 * moving, abs=0.05),
            pytest.approx(mean + 2.66 * moving, abs=0.05),
        )
        assert m.signal in ("common-cause", "improvement", "concern", "neutral")
        # a month beyond a limit is special cause (a fall in crime is an improvement)
        if m.count > m.upper_limit:
            assert m.signal == "concern"
        if m.count < m.lower_limit:
            assert m.signal == "improvement"


def test_priorities_are_ranked_with_reasons(stafford):
    ranks = [p.rank for p in stafford.priorities]
    assert ranks == list(range(1, len(ranks) + 1))
    scores = [p.score for p in stafford.priorities]
    assert scores == sorted(scores, reverse=True)
    assert all(p.reasons for p in stafford.priorities)
    assert set(stafford.priority_weights) >= {"volume", "harm", "versus_force", "change"}


def test_force_roll_up_has_every_district(bundled_store):
    force = build_assessment(bundled_store, "E23000015", "2025", compare="none")
    assert len(force.districts) == 9
    # the force's count is its districts' plus the rows with no location (in no district)
    no_location = force.data_quality["checks"][1]
    assert no_location["check"] == "no-location"
    located = sum(d["crime"] + d["asb"] for d in force.districts)
    total = force.headline.crime.count + force.headline.asb.count
    assert total - located == no_location["count"] > 0
    assert force.headline.crime_change is None


def test_weights_file_errors(tmp_path):
    bad = tmp_path / "w.toml"
    bad.write_text("[weights]\nvolume = -1\n")
    with pytest.raises(InputError, match="number of zero or more"):
        load_weights(bad)
    bad.write_text("[weights]\nloudness = 1\n")
    with pytest.raises(InputError, match="unknown component 'loudness'"):
        load_weights(bad)
    bad.write_text("not toml = = =")
    with pytest.raises(InputError, match="not valid TOML"):
        load_weights(bad)


def test_custom_weights_change_the_ranking(bundled_store, tmp_path):
    weights = tmp_path / "w.toml"
    weights.write_text('[weights]\nchange = 1\n\n[inputs."Drugs"]\npublic_concern = 1\n')
    a = build_assessment(bundled_store, "Stafford", "2025", weights_path=str(weights))
    assert a.priority_weights["volume"] == 0
    # with only the change weighted, the ranking follows the change component
    by_change = [p.components.get("change", 0.0) for p in a.priorities]
    assert by_change == sorted(by_change, reverse=True)
    assert a.priorities[0].score == by_change[0]


def test_category_weights_cover_every_crime_type_but_asb():
    from saferplaces.data.policeuk_format import CRIME_TYPES

    assert set(category_weights()) == set(CRIME_TYPES) - {"Anti-social behaviour"}


def test_empty_period_is_refused(bundled_store):
    with pytest.raises(InputError, match="holds no police.uk data"):
        build_assessment(bundled_store, "Stafford", "2021")


def test_people_section_from_a_synthetic_extract(bundled_store, tmp_path):
    from saferplaces.data.synth import synthesise_extract  # noqa: F401 - the generator under test
    from tests.conftest import run_cli

    out = tmp_path / "tamworth-synthetic.csv.gz"
    made = run_cli(
        "synth",
        "--out",
        str(out),
        "--area",
        "Tamworth",
        "--from",
        "2025-01",
        "--to",
        "2025-12",
        "--seed",
        "7",
        "--store",
        str(bundled_store.root),
    )
    assert made.returncode == 0, made.stderr
    import shutil

    store_copy = tmp_path / "store"
    shutil.copytree(bundled_store.root, store_copy)
    from saferplaces.data.store import Store

    a = build_assessment(Store(store_copy), "Tamworth", "2025", extract=str(out))
    p = a.people
    assert p.synthetic and p.rows > 5_000
    domestic = next(s for s in p.shares if s.measure == "Domestic-related")
    assert 10 < domestic.percent < 30 and domestic.lower <= domestic.percent <= domestic.upper
    victims = next(r for r in p.repeats if r.kind == "Victims")
    assert victims.repeat_lower <= victims.repeat_percent <= victims.repeat_upper
    assert victims.events_on_repeats_percent > victims.repeat_percent
    assert any(f.section == "people" and "synthetic" in f.text for f in a.findings)
    sexes = {g.group: g for g in p.groups if g.group in ("Female", "Male")}
    assert set(sexes) == {"Female", "Male"}
    shares = sexes["Female"].population_percent + sexes["Male"].population_percent
    assert shares == pytest.approx(100, abs=0.2)
    for g in p.groups:
        assert g.lower <= g.index <= g.upper
        # the label follows the interval against a fair share of 100
        assert g.label == ("over" if g.lower > 100 else "under" if g.upper < 100 else "similar")
    # age bands against residents of the same ages, the shares of each side adding up to 100
    ages = [g for g in p.groups if g.group.startswith("Aged ")]
    assert {g.group for g in ages} == {
        f"Aged {b}" for b in ("0-17", "18-24", "25-34", "35-44", "45-54", "55-64", "65+")
    }
    assert sum(g.population_percent for g in ages) == pytest.approx(100, abs=0.5)
    assert sum(g.victim_percent for g in ages) == pytest.approx(100, abs=0.5)
    # no count of residents by segment is held: the segments are named, not tested
    assert any("segments" in x and "no count of residents by segment" in x for x in a.assumptions)
    assert not any(g.group in ("Young renters", "Students") for g in p.groups)
    # the named extract is now held, and can be used by name
    again = build_assessment(Store(store_copy), "Tamworth", "2025", extract="tamworth-synthetic")
    assert again.people.rows == p.rows


def test_small_person_counts_are_never_shown():
    from saferplaces.assessment.people import shown

    assert [shown(n) for n in (0, 1, 4, 5, 1234)] == ["0", "fewer than 5", "fewer than 5", "5", "1,234"]


def test_unknown_extract_is_refused(bundled_store):
    with pytest.raises(InputError, match="No partner extract called 'nope'"):
        build_assessment(bundled_store, "Tamworth", "2025", extract="nope")


def test_national_comparison_against_ons_table_c2(bundled_store):
    from saferplaces.assessment.national import national_comparison

    con = bundled_store.connect()
    n = national_comparison(con, "E22000264")  # East Staffordshire
    total = n.rows[0]
    # SOURCES.md: East Staffordshire had 8,421 recorded crimes in the year ending June 2025
    assert total.offence_group.startswith("Total") and total.count == 8_421
    assert total.lower <= total.rate <= total.upper
    assert total.rate == pytest.approx(8_421 / n.population * 1000, abs=0.01)
    assert len(n.peers) == 14 and "E22000264" not in [p for p, _, _ in n.peers]
    assert all(r.rank_of == 15 and 1 <= r.rank <= 15 for r in n.rows)
    for r in n.rows:  # the label follows the interval against the England and Wales rate
        ew = r.england_wales_rate
        if min(abs(r.lower - ew), abs(r.upper - ew)) < 0.01:
            continue  # the shown values are rounded: too close to call from them
        assert r.versus_england_wales == (
            "higher" if r.lower > ew else "lower" if r.upper < ew else "similar"
        )
    # the rate of England and Wales lies between the lowest and highest CSP
    assert 40 < total.england_wales_rate < 150


def test_district_assessment_includes_the_comparison(stafford):
    assert stafford.national and stafford.national.csp_name == "Stafford"
    assert any(f.section == "comparison" for f in stafford.findings)


def test_hotspots_find_the_town_centre(stafford):
    h = stafford.hotspots
    assert h.hot and h.cell_size >= 150
    assert all(c.label == "hot" and c.z > 0 for c in h.hot)
    assert [c.count for c in h.hot] == sorted((c.count for c in h.hot), reverse=True)  # issue 9: by count
    assert "Forebridge" in {c.ward for c in h.hot[:10]}  # Stafford town centre
    assert 0 < h.share_in_hot <= 100
    patterns = {c.pattern for c in h.hot}
    assert patterns <= {
        "persistent-hotspot",
        "emerging-hotspot",
        "former-hotspot",
        "intermittent-hotspot",
        "mixed",
        "no-pattern",
    }
    assert "persistent-hotspot" in patterns
    assert any("Gi*" in a for a in stafford.assumptions)


# --- the steps of build_assessment, each on its own ----------------------------------------------


@pytest.fixture(scope="module")
def con(bundled_store):
    c = bundled_store.connect()
    yield c
    c.close()


def test_resolve_scope_refuses_a_part_held_period_naming_the_months(bundled_store, con):
    from saferplaces.assessment.build import resolve_scope

    notes: list[str] = []
    with pytest.raises(InputError) as refused:
        resolve_scope(bundled_store, con, "Lichfield", "2024", "previous", False, notes)
    assert refused.value.problem == (
        "The store holds only 4 of the 12 months of the calendar year 2024 for Lichfield "
        "(January to April 2024)."
    )
    assert "--allow-partial" in str(refused.value) and "12m-to-2025-12" in str(refused.value)
    scope = resolve_scope(bundled_store, con, "Lichfield", "2024", "previous", True, notes)
    assert scope.held == ("2024-01", "2024-02", "2024-03", "2024-04") and scope.partial
    assert scope.window == "4 of 12 months (January to April 2024)"
    assert scope.comparison == () and any("No month a year earlier" in n for n in notes)


def test_resolve_scope_defaults_to_the_latest_twelve_months(bundled_store, con):
    from saferplaces.assessment.build import resolve_scope

    notes: list[str] = []
    scope = resolve_scope(bundled_store, con, "Stafford", None, "previous", False, notes)
    assert (scope.period.start, scope.period.end) == ("2025-01", "2025-12")
    assert scope.window == "12 months to December 2025"
    assert scope.comparable == tuple(f"2025-{m:02d}" for m in range(1, 5))
    assert scope.comparison == tuple(f"2024-{m:02d}" for m in range(1, 5))
    assert notes[0] == (
        "No period was given, so the assessment covers the 12 months to December 2025, the 12 months "
        "ending with the latest month held."
    )


def test_count_types_and_headline_use_the_same_months(bundled_store, con):
    from saferplaces.assessment.build import aggregates_for, count_types, headline, resolve_scope
    from tests.conftest import raw_counts_by_type

    scope = resolve_scope(bundled_store, con, "Stafford", "2025", "previous", False, [])
    counts = count_types(aggregates_for(con, scope, None), scope)
    expected = raw_counts_by_type([f"2024-{m:02d}" for m in range(1, 5)], "E07000197", "2021")
    before = {t: sum(n for (tt, m), n in counts.monthly.items() if tt == t and m < "2025") for t in expected}
    assert before == dict(expected)
    head = headline(scope, counts)
    assert head.crime_change.previous == sum(n for t, n in expected.items() if t != "Anti-social behaviour")
    assert head.asb_change.previous == expected["Anti-social behaviour"]


def test_series_breaks_only_inside_the_months_compared():
    from saferplaces.assessment.build import Scope, series_breaks
    from saferplaces.data.areas import Area
    from saferplaces.data.periods import parse_period
    from saferplaces.data.quality import QualityCheck, QualityReport

    rows = (
        ("Drugs", "2024", 10.0, "2025", 20.0, 100.0, "January to April"),
        ("Burglary", "2019", 40.0, "2024", 10.0, -75.0, "January to February"),
    )
    check = QualityCheck("series-breaks", "warning", 2, "", (), rows)
    report = QualityReport(None, parse_period("2025"), (check,))
    scope = Scope(
        Area("district", "E07000197", "Stafford"),
        parse_period("2025"),
        tuple(f"2025-{m:02d}" for m in range(1, 13)),
        ("2024-01",),
        ("2025-01",),
        frozenset(),
        2025,
        1000,
        2021,
        None,
    )
    found = series_breaks(report, scope)
    assert set(found) == {"Drugs"}
    assert found["Drugs"].startswith("possible break in the force's series: its monthly average over January")
    no_change = dataclasses.replace(scope, comparison=(), comparable=())
    assert series_breaks(report, no_change) == {}


def test_crime_type_rows_do_not_count_a_broken_series_as_evidence(bundled_store, con):
    from saferplaces.assessment.build import (
        aggregates_for,
        benchmarks,
        count_types,
        crime_type_rows,
        resolve_scope,
    )

    scope = resolve_scope(bundled_store, con, "Stafford", "2025", "previous", False, [])
    agg = aggregates_for(con, scope, None)
    counts = count_types(agg, scope)
    notes: list[str] = []
    bench = benchmarks(agg, scope, notes)
    broken = {"Other crime": "possible break in the force's series: made up for this test"}
    rows = {r.crime_type: r for r in crime_type_rows(scope, counts, bench, {}, broken, notes)}
    other = rows["Other crime"]
    assert other.change is None and other.change_test is not None and other.series_break
    assert all(r.change == r.change_test for t, r in rows.items() if t != "Other crime")
    assert any("not counted as evidence" in n and "Other crime" in n for n in notes)
    # ranks among the nine districts, and the force's change set beside the area's
    assert {r.rank_of for r in rows.values()} == {9}
    for r in rows.values():  # the label follows the adjusted test and the ratio's direction
        assert r.versus_force_change == (
            "not-tested"
            if r.versus_force_change_p_adjusted is None
            else "similar"
            if r.versus_force_change_p_adjusted >= 0.05
            else "higher"
            if r.versus_force_change_ratio > 1
            else "lower"
        )


def test_a_ward_is_compared_with_its_force_and_says_so(bundled_store):
    a = build_assessment(bundled_store, "Forebridge", "2025")
    assert (a.area.parent_name, a.area.force_name) == ("Stafford", "Staffordshire")
    higher = next(f for f in a.findings if f.text.startswith("Crime types with rates significantly higher"))
    assert "higher than Staffordshire as a whole in the calendar year 2025" in higher.text


def test_change_sentences_read_as_written(stafford):
    from saferplaces.assessment.findings import write_findings

    rows = tuple(
        dataclasses.replace(r, change="decrease") if r.crime_type == "Burglary" else r
        for r in stafford.crime_types
    )
    texts = [f.text for f in write_findings(dataclasses.replace(stafford, crime_types=rows))]
    burglary = next(r for r in rows if r.crime_type == "Burglary")
    assert (
        "Comparing January to April 2025 with January to April 2024, after adjusting for the 14 crime types "
        "tested, this change was statistically significant: burglary fell "
        f"{abs(burglary.change_percent):.0f}% (192 to 94, adjusted p = {burglary.change_p_adjusted:.3f}). "
        "The changes of the other 13 types were not statistically significant."
    ) in texts
    # a type with a break in its series: its change is named as not counted, and not as a fall
    rows = tuple(
        dataclasses.replace(r, change=None, series_break="possible break in the force's series: test")
        if r.crime_type == "Burglary"
        else r
        for r in rows
    )
    texts = [f.text for f in write_findings(dataclasses.replace(stafford, crime_types=rows))]
    assert any("not counted as evidence" in t and "burglary (possible break" in t for t in texts)
    assert not any("burglary fell" in t for t in texts)


def test_priority_change_sentences_give_the_p_value_the_label_was_decided_on(stafford):
    # Burglary fell 192 to 94 with p about 0.016 before and 0.108 after the adjustment: a sentence
    # saying "not statistically significant (p = 0.016)" would contradict itself.
    row = next(r for r in stafford.crime_types if r.crime_type == "Burglary")
    sentence = next(p for p in stafford.priorities if p.theme == "Burglary").sentences["change"]
    assert row.change_p < 0.05 <= row.change_p_adjusted
    assert f"p = {row.change_p_adjusted:.3f}, adjusted for testing every crime type" in sentence
    assert "not statistically significant" in sentence
