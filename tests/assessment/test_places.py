"""Places named in words a board knows: ward profiles, town centre wards, hotspots by street.

Expected values are worked by hand or counted from the raw police.uk CSVs in the test.
"""

from __future__ import annotations

from collections import Counter

import pytest

from saferplaces.assessment.build import build_assessment
from saferplaces.assessment.hotspots import _clusters, tidy_location
from saferplaces.assessment.model import WardRow
from saferplaces.assessment.places import CENTRE_RULE, centre_ward, describe_profile, profile_wards
from saferplaces.reports.charts import assessment_charts
from saferplaces.reports.html_report import render_html, sections
from saferplaces.reports.tables import assessment_tables
from tests.conftest import raw_lsoa_to_lad, raw_rows

STAFFORD = "E07000197"


@pytest.fixture(scope="module")
def stafford(bundled_store):
    return build_assessment(bundled_store, "Stafford", "2025")


def ward(code: str, population: int, count: int, funnel: str = "not-significant") -> WardRow:
    rate = count / population * 1000
    return WardRow(code, code, population, count, rate, rate, rate, funnel, None)


# --- by hand ------------------------------------------------------------------------------


def test_ward_profile_by_hand():
    # five wards of 2,000 residents; ward A has 60 shoplifting of the district's 100, so the
    # district rate is 100 / 10,000 x 1,000 = 10 per 1,000 and A's is 30: three times, and far
    # beyond a 99.8% funnel limit with five wards' spread (B to E hold 10 each)
    counts = {c: {"Shoplifting": 10, "Burglary": 20} for c in "BCDE"}
    counts["A"] = {"Shoplifting": 60, "Burglary": 20}
    wards = [ward(c, 2000, sum(counts[c].values())) for c in "ABCDE"]
    result = profile_wards(wards, counts)
    by_code = {p.ward_code: p for p in result.profiles}
    a = by_code["A"]
    assert result.district_rate == pytest.approx(200 / 10_000 * 1000)
    assert [t.crime_type for t in a.above] == ["Shoplifting"]
    assert a.above[0].district_rate == pytest.approx(10.0)
    assert a.above[0].ratio == pytest.approx(3.0)
    assert not any(by_code[c].above for c in "BCDE")
    # A: rate 40 per 1,000 against 20 (twice), 75% shoplifting: a town centre by the rule
    assert a.centre and not by_code["B"].centre
    assert result.at_risk[0].ward_code == "A"
    assert "shoplifting (3.0 times" in describe_profile(a)


def test_a_type_needs_ten_crimes_to_be_a_reason():
    counts = {c: {"Robbery": 0, "Burglary": 30} for c in "BCDE"}
    counts["A"] = {"Robbery": 9, "Burglary": 30}
    wards = [ward(c, 2000, sum(counts[c].values())) for c in "ABCDE"]
    assert not profile_wards(wards, counts).profiles[0].above


def test_centre_rule_boundaries():
    assert centre_ward(2.0, 0.10)
    assert not centre_ward(1.99, 0.5)
    assert not centre_ward(10, 0.099)
    assert "2 times" in CENTRE_RULE and "10%" in CENTRE_RULE


def test_clusters_are_touching_cells():
    # a 4 x 4 grid: cells 0, 5 (diagonal, queen neighbours) and 15 (alone)
    groups = sorted(sorted(m) for m in _clusters([0, 5, 15], cols=4).values())
    assert groups == [[0, 5], [15]]
    # cell 3 (end of row 0) does not touch cell 4 (start of row 1)
    assert sorted(sorted(m) for m in _clusters([3, 4], cols=4).values()) == [[3], [4]]


def test_tidy_location():
    assert tidy_location("On or near St Martin'S Place") == "On or near St Martin's Place"
    assert tidy_location("On or near Bridge Street") == "On or near Bridge Street"


# --- the bundled data ---------------------------------------------------------------------


def test_hotspots_are_ranked_by_count_and_named_by_street(stafford):
    h = stafford.hotspots
    assert [c.count for c in h.hot] == sorted((c.count for c in h.hot), reverse=True)
    assert all(c.streets and c.cluster for c in h.hot[:10])
    assert sum(c.cells for c in h.clusters) == len(h.hot)
    assert sum(c.count for c in h.clusters) == sum(c.count for c in h.hot)
    assert [c.count for c in h.clusters] == sorted((c.count for c in h.clusters), reverse=True)
    assert len(h.streets) == 10
    assert [s.count for s in h.streets] == sorted((s.count for s in h.streets), reverse=True)


def test_top_streets_agree_with_the_raw_files(stafford):
    """A street's count in the hotspots never exceeds its rows in the raw CSVs, and Bridge Street
    in Forebridge (Stafford town centre) has every one of its 2025 rows inside hotspot squares."""
    lookup = raw_lsoa_to_lad("2021")
    raw: Counter = Counter()
    for month in (f"2025-{m:02d}" for m in range(1, 13)):
        for r in raw_rows(month):
            if lookup.get(r["LSOA code"]) == STAFFORD and r["Longitude"]:
                raw[r["Location"].replace("'S ", "'s ")] += 1
    for s in stafford.hotspots.streets:
        assert s.count <= raw[s.location]
        assert sum(n for _, n in s.top_types) <= s.count
    bridge = next(s for s in stafford.hotspots.streets if s.location == "On or near Bridge Street")
    assert bridge.ward == "Forebridge"
    assert bridge.count == raw["On or near Bridge Street"]


def test_street_change_uses_like_for_like_months(stafford):
    h = stafford.hotspots
    assert h.change_months == ("2025-01", "2025-02", "2025-03", "2025-04")
    assert all(s.change_label in ("increase", "decrease", "no-significant-change") for s in h.streets)


def test_forebridge_is_the_town_centre_and_left_out_of_the_hundred_people(stafford):
    wp = stafford.ward_profiles
    centres = [p.ward_name for p in wp.profiles if p.centre]
    assert centres == ["Forebridge"]
    forebridge = wp.at_risk[0]
    assert forebridge.ward_name == "Forebridge"
    assert {"Shoplifting", "Violence and sexual offences"} <= {t.crime_type for t in forebridge.above}
    hundred = next(c for c in assessment_charts(stafford) if c.id == "chart-hundred")
    assert "Forebridge" not in hundred.title and "left out" in hundred.alt


def test_other_crime_is_never_recommended_alone(stafford, bundled_store):
    for a in (stafford, build_assessment(bundled_store, "Lichfield", "2025")):
        for p in a.priorities:
            if p.theme in ("Other crime", "Other theft"):
                assert not p.recommended and p.kind == "catch-all"
        assert sum(p.recommended for p in a.priorities) == 5
        summary = " ".join(f.text for f in a.findings if f.section == "priorities")
        assert "other crime" not in summary and "other theft" not in summary


def test_every_candidate_shows_components_sentences_and_stability(stafford):
    for p in stafford.priorities:
        assert p.sentences and all(text.strip() for text in p.sentences.values())
        assert p.rank_best <= p.rank <= p.rank_worst
        asb = p.theme == "Anti-social behaviour"
        assert ("harm" in p.components) != asb
    tables = {t.id: t for t in assessment_tables(stafford)}
    scores = tables["priorities"]
    assert len(scores.rows) == len(stafford.priorities)
    assert {"Best rank", "Worst rank", "Harm", "Volume"} <= set(scores.columns)
    reasons = tables["priority-reasons"]
    assert {r[0] for r in reasons.rows} == {p.theme for p in stafford.priorities}


def test_report_sections_say_what_the_scores_are_and_what_is_unseen(stafford):
    by_id = {s.id: s for s in sections(stafford, charts=[])}
    assert "prompt for the board's discussion, not a decision" in by_id["priorities"].intro[0]
    unseen = " ".join(by_id["cannot-see"].box)
    for word in ("Domestic abuse", "Repeat victims", "Fraud", "Exploitation", "partner extract"):
        assert word in unseen
    assert by_id["places"].numbered[0].startswith("Forebridge")
    html = render_html(stafford, charts=[])
    assert "What this assessment cannot see" in html and "On or near Bridge Street" in html


def test_xlsx_holds_component_scores_as_numbers(stafford, tmp_path):
    from openpyxl import load_workbook

    from saferplaces.reports.documents import write_xlsx

    path = tmp_path / "a.xlsx"
    write_xlsx(stafford, path)
    sheet = load_workbook(path)["priorities"]
    header = [c.value for c in sheet[2]]
    first = [c.value for c in sheet[3]]
    for column in ("Rank", "Score", "Harm", "Volume", "Best rank", "Worst rank"):
        assert isinstance(first[header.index(column)], int | float), column
    streets = load_workbook(path)["hotspot-streets"]
    assert all(isinstance(streets.cell(3, col).value, int) for col in (4, 6, 7))
