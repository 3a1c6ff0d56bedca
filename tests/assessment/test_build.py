"""The StrategicAssessment object, built from the bundled real data."""

from __future__ import annotations

import re

import pytest

from saferplaces.assessment.build import build_assessment, category_weights
from saferplaces.assessment.priorities import load_weights
from saferplaces.data.areas import resolve_area
from saferplaces.data.counts import counts
from saferplaces.data.periods import parse_period
from saferplaces.errors import InputError


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
        what = re.search(r"earlier, (.+?) (rose|fell|was unchanged)", f.text).group(1)
        label = (stafford.headline.crime_change if what == "crime" else stafford.headline.asb_change).label
        assert ("statistically significant" in f.text) == (label != "no-significant-change")
        assert ("within normal variation" in f.text) == (label == "no-significant-change")
    by_type = next(f for f in stafford.findings if "by crime type" in f.text)
    named = re.findall(r"(?:: |; )([a-z ,]+?) (rose|fell) \d+%", by_type.text)
    assert named
    for name, verb in named:
        assert rows[name].change == ("increase" if verb == "rose" else "decrease")
    quiet = [n for n, r in rows.items() if r.change == "no-significant-change"]
    assert all(f" {n} rose" not in by_type.text and f" {n} fell" not in by_type.text for n in quiet)


def test_every_finding_names_a_table_that_exists(stafford):
    from saferplaces.reports.tables import assessment_tables

    ids = {t.id for t in assessment_tables(stafford)}
    assert stafford.findings and all(f.table in ids for f in stafford.findings)


def test_wards_and_places(stafford):
    assert len(stafford.wards) == 23
    assert sum(w.count for w in stafford.wards) == 10_321  # every located row is in a ward
    labels = {w.funnel for w in stafford.wards}
    assert labels <= {"high-0.001", "high-0.025", "low-0.025", "low-0.001", "not-significant"}
    assert stafford.wards[0].ward_name == "Forebridge"  # Stafford town centre
    c = stafford.concentration
    assert 0 < c.share_of_places_for_25pct < c.share_of_places_for_50pct < 50


def test_months_have_control_limits(stafford):
    assert [m.month for m in stafford.months] == [f"2025-{i:02d}" for i in range(1, 13)]
    assert sum(m.count + m.asb for m in stafford.months) == 10_321
    for m in stafford.months:
        assert m.lower_limit < m.mean < m.upper_limit
        assert m.signal in ("common-cause", "improvement", "concern", "neutral")


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
    assert sum(d["crime"] for d in force.districts) + sum(1 for _ in ()) <= force.headline.crime.count
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
    # issue 9: the top theme has the highest graded change (rises in a possibly broken series not counted)
    assert a.priorities[0].components["change"] == max(p.components.get("change", 0) for p in a.priorities)


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
        assert g.lower <= g.index <= g.upper and g.label in ("over", "similar", "under")
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
    assert {r.versus_england_wales for r in n.rows} <= {"higher", "similar", "lower"}
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
