"""Sentences read as a sceptical analyst at a board meeting would (issue #9): grammar with one or
many, lists ending in 'and', percentages rounded as the tables round, and shares that name their
whole. Each expected value is worked out here from the counts, not read from the sentence."""

from __future__ import annotations

import dataclasses
import re

import pytest

from saferplaces.assessment.build import build_assessment
from saferplaces.assessment.findings import describe_change, write_findings
from saferplaces.assessment.model import Change
from saferplaces.stats.labels import ChangeLabel


@pytest.fixture(scope="module")
def stafford(bundled_store):
    return build_assessment(bundled_store, "Stafford", "2025")


def _texts(a) -> list[str]:
    return [f.text for f in write_findings(a)]


def test_a_half_percent_change_rounds_as_the_table_reads():
    # 200 to 171 is -14.5% exactly: the table shows -14.5, so the sentence must say 15%, not 14%
    previous, current = 200, 171
    percent = 100 * (current - previous) / previous
    assert percent == -14.5
    change = Change(current, previous, round(percent, 1), 0.2, -2.1, ChangeLabel.NO_SIGNIFICANT_CHANGE)
    text = describe_change("crime", change, "January to April 2025", "January to April 2024")
    assert "crime was lower by 15% (from 200 to 171)" in text


def test_one_type_apart_from_the_rest_of_the_force_reads_in_the_singular(stafford):
    apart = [r for r in stafford.crime_types if r.versus_force_change in ("higher", "lower")]
    assert len(apart) == 1  # other crime, in the bundled data
    r = apart[0]
    here = 100 * (r.comparable_count - r.previous_count) / r.previous_count
    sentence = next(t for t in _texts(stafford) if "differently from the rest of" in t)
    assert sentence.startswith("Over the same months, this crime type changed significantly differently")
    assert f"{r.crime_type.lower()} {here:+.0f}% here" in sentence


def test_one_significant_change_reads_in_the_singular(stafford):
    rows = tuple(
        dataclasses.replace(r, change=ChangeLabel.DECREASE) if r.crime_type == "Burglary" else r
        for r in stafford.crime_types
    )
    others = len([r for r in rows if r.previous_count is not None]) - 1
    texts = _texts(dataclasses.replace(stafford, crime_types=rows))
    sentence = next(t for t in texts if "statistically significant: burglary fell" in t)
    assert "this change was statistically significant: burglary fell" in sentence
    assert sentence.endswith(f"The changes of the other {others} types were not statistically significant.")


def test_largest_crime_types_name_the_whole_their_shares_are_of(stafford):
    crime = [r for r in stafford.crime_types if r.crime_type != "Anti-social behaviour"]
    total = sum(r.count for r in crime)
    top = crime[0]
    sentence = next(t for t in _texts(stafford) if t.startswith("The largest crime types"))
    assert f"{top.crime_type.lower()} ({top.count:,}, {round(100 * top.count / total)}%)" in sentence
    assert f"(shares of the {total:,} crimes, not counting anti-social behaviour)" in sentence


def test_summary_of_priorities_says_how_many_it_names_and_ends_its_list_with_and(stafford):
    ranked = sorted(stafford.priorities, key=lambda p: p.rank)
    recommended = [p.theme.lower() for p in ranked if p.recommended]
    assert len(recommended) == 5
    sentence = next(t for t in _texts(stafford) if "candidate priorit" in t)
    assert sentence == (
        "The 3 highest-scoring of the 5 candidate priorities recommended for the board's discussion were "
        f"{recommended[0]}, {recommended[1]} and {recommended[2]}."
    )
    only = tuple(
        dataclasses.replace(p, recommended=p.theme.lower() == recommended[0]) for p in stafford.priorities
    )
    texts = _texts(dataclasses.replace(stafford, priorities=only))
    sentence = next(t for t in texts if "candidate priorit" in t)
    assert sentence == f"The candidate priority recommended for the board's discussion was {recommended[0]}."


def test_priority_reasons_round_as_the_change_table_and_never_say_0_percent_of_something(stafford):
    vso = next(r for r in stafford.crime_types if r.crime_type == "Violence and sexual offences")
    # 1,550 to 1,325 is -14.52%: the table shows -14.5, the sentence must not say -14%
    exact = 100 * (vso.comparable_count - vso.previous_count) / vso.previous_count
    assert -14.6 < exact < -14.5
    reasons = {p.theme: p.sentences for p in stafford.priorities}
    assert f"({round(exact):+d}%)" == "(-15%)"
    assert "(-15%) comparing" in reasons["Violence and sexual offences"]["change"]
    # theft from the person: a few dozen of over ten thousand is under 1%, not "0%"
    total = sum(r.count for r in stafford.crime_types)
    tfp = next(r for r in stafford.crime_types if r.crime_type == "Theft from the person")
    assert 0 < 100 * tfp.count / total < 0.5
    assert (
        f"{tfp.count} recorded in the calendar year 2025, less than 1% of all crime and ASB"
        in (reasons["Theft from the person"]["volume"])
    )
    assert not any(" 0% of all" in s for p in reasons.values() for s in p.values())


def test_a_part_held_period_reads_without_a_stray_the(bundled_store):
    from saferplaces.reports.section_text import places_at_risk

    lichfield = build_assessment(bundled_store, "Lichfield", "2024", allow_partial=True)
    label = "4 of 12 months (January to April 2024)"
    assert lichfield.period.label == label
    title, _ = places_at_risk(lichfield)
    assert title.startswith(f"Places at greatest risk in {label}, with their reasons")
    volume = next(p for p in lichfield.priorities if p.rank == 1).sentences["volume"]
    assert f"recorded in {label}," in volume and "in the 4 of 12" not in volume


@pytest.mark.parametrize(
    ("period", "label"),
    [("2025-03", "March 2025"), ("2025-01..2025-04", "January 2025 to April 2025")],
)
def test_a_month_or_a_run_of_months_reads_without_a_stray_the(bundled_store, period, label):
    """'in March 2025', never 'in the March 2025': in the findings, the opening, every table
    caption and every priority's sentences."""
    from saferplaces.reports.section_text import opening
    from saferplaces.reports.tables import assessment_tables

    a = build_assessment(bundled_store, "Stafford", period)
    assert a.period.label == label
    texts = _texts(a) + [opening(a)] + [t.caption for t in assessment_tables(a)]
    texts += [s for p in a.priorities for s in p.sentences.values()]
    texts += a.assumptions
    assert any(f"in {label}" in t for t in texts)
    stray = [t for t in texts if re.search(rf"\bthe {label}\b", t)]
    assert not stray, stray


def test_methods_appendix_counts_agree_with_their_nouns_and_name_the_adjustment(stafford):
    from saferplaces.reports.html_report import render_html

    # the bundled data hold January to December of 2025 only: one year of the same months
    held = {
        m
        for m in ("2021", "2022", "2023", "2024", "2025")
        if all(f"{m}-{k:02d}" in {r.month for r in stafford.months} for k in range(1, 13))
    }
    assert held == {"2025"}
    assert "Only 1 year of the same months is held, so no trend is measured; a trend needs 5 or more." in (
        stafford.assumptions
    )
    assert not any("(s)" in s for s in stafford.assumptions)
    # thousands are separated as everywhere else in the report ("77 of the 2,652 grid squares")
    assert re.search(r"p-values were adjusted for \d{1,3}(,\d{3})+ tests", " ".join(stafford.assumptions))
    html = render_html(stafford)
    assert "Multiple-testing adjustment: Benjamini-Hochberg false discovery rate method.</strong>" in html
    assert "Multiple-testing adjustment: fdr." not in html


def test_secondary_suppression_note_agrees_with_its_count():
    from saferplaces.disclosure import Relation, suppress

    # a = 3 is hidden; the total is published, so one other part must be hidden with it:
    # that is one other count, and the residents' page must not say "1 other count(s) are"
    t = suppress({"a": 3, "b": 10, "c": 12, "total": 25}, [Relation("total", ("a", "b", "c"))])
    hidden = [name for name, value in t.published.items() if value is None]
    assert len(hidden) == 2
    assert (
        "1 other count is not shown either, so that the hidden counts cannot be worked out from the totals."
        in t.assumptions
    )


def test_concentration_over_a_handful_of_neighbourhoods_is_a_count_not_a_percentage(stafford):
    from saferplaces.assessment.model import ConcentrationInfo

    # a ward of 3 LSOAs where the busiest holds over half: "33% of the area's 3 neighbourhoods" hid
    # that it is one neighbourhood
    few = dataclasses.replace(stafford, concentration=ConcentrationInfo(3, 100 / 3, 100 / 3, 0.2))
    sentence = next(t for t in _texts(few) if t.startswith("Half of all crime"))
    assert sentence.endswith("happened in 1 of the area's 3 neighbourhoods (LSOAs), and a quarter in 1.")
    c = stafford.concentration
    sentence = next(t for t in _texts(stafford) if t.startswith("Half of all crime"))
    assert f"in {round(c.share_of_places_for_50pct)}% of the area's {c.places} neighbourhoods" in sentence


def test_a_store_with_a_month_missing_is_not_told_to_choose_the_period_it_was_refused(store):
    """Issue #9 edge case: 2025 held but for June. The refusal said "choose a period the store
    covers, such as 12m-to-2025-12", the very period it refused, and "11 of the 12 months of the
    12 months to December 2025"."""
    from saferplaces.assessment.build import resolve_scope
    from saferplaces.data.bundled_files import police_uk_months
    from saferplaces.data.ingest import ingest
    from saferplaces.errors import InputError

    months = [f"2025-{m:02d}" for m in range(1, 13) if m != 6]
    ingest([p for p in police_uk_months() if p.name[:7] in months], store)
    con = store.connect()
    with pytest.raises(InputError) as refused:
        resolve_scope(store, con, "Stafford", None, "previous", False, [])
    assert refused.value.problem == (
        "The store holds only 11 of the 12 months to December 2025 for Stafford "
        "(January to May 2025 and July to December 2025)."
    )
    assert "12m-to-2025-12" not in str(refused.value)
    assert "no 12 months in a row for Stafford" in str(refused.value)


def test_the_default_period_note_does_not_say_twelve_months_are_held_when_one_is(store):
    """Issue #9 edge case: one month held (June 2025). The note said "the assessment covers the latest
    12 months held (12 months to June 2025)" beside "The store has no data for July 2024 to May 2025"."""
    from saferplaces.assessment.build import resolve_scope
    from saferplaces.data.bundled_files import police_uk_months
    from saferplaces.data.ingest import ingest

    ingest([p for p in police_uk_months() if p.name.startswith("2025-06")], store)
    notes: list[str] = []
    scope = resolve_scope(store, store.connect(), "Stafford", None, "previous", True, notes)
    assert scope.held == ("2025-06",)
    assert notes[0] == (
        "No period was given, so the assessment covers the 12 months to June 2025, the 12 months "
        "ending with the latest month held."
    )
    assert "The store has no data for July 2024 to May 2025" in notes[1]


def test_a_small_ward_has_no_negative_control_limit_and_one_persistent_hotspot_reads_singular(
    bundled_store,
):
    """Issue #9 edge case: Milford ward's few crimes a month gave "within the control chart's limits
    (-2 to 15)" (a month cannot have -2 crimes) and "1 of them were hot in most months"."""
    milford = build_assessment(bundled_store, "E05010493", "2025")
    counts = [m.count for m in milford.months]
    mean = sum(counts) / len(counts)
    moving = sum(abs(b - a) for a, b in zip(counts, counts[1:], strict=False)) / (len(counts) - 1)
    assert mean - 2.66 * moving < 0  # worked out here: the XmR lower limit is below zero
    assert all(m.lower_limit == 0 for m in milford.months)
    texts = _texts(milford)
    assert any("within the control chart's limits (0 to " in t for t in texts)
    assert any("shown as 0" in a for a in milford.assumptions)
    persistent = sum(1 for c in milford.hotspots.hot if c.pattern == "persistent-hotspot")
    assert persistent == 1
    assert any("; 1 of them was hot in most months (persistent)" in t for t in texts)


def test_the_hotspot_streets_table_names_its_months_as_every_other_table_does(stafford):
    from saferplaces.reports.tables import assessment_tables

    streets = next(t for t in assessment_tables(stafford) if t.id == "hotspot-streets")
    # the change table's own wording for the same months: "January to April 2024"
    assert "January to April 2024" in streets.columns and "January to April 2025" in streets.columns
    assert "January 2024 to April 2024" not in streets.columns


def test_a_type_with_none_in_either_window_is_not_given_a_p_value(bundled_store):
    """Issue #9 edge case: a crime type of zero. Milford ward had no drugs offences in January to April
    of 2024 or 2025, and its reason read "From 0 to 0 ...: not statistically significant, within
    normal variation (p = 1.000 ...)"."""
    milford = build_assessment(bundled_store, "E05010493", "2025")
    row = next(r for r in milford.crime_types if r.crime_type == "Drugs")
    assert (row.previous_count, row.comparable_count) == (0, 0)
    sentence = next(p for p in milford.priorities if p.theme == "Drugs").sentences["change"]
    assert sentence == (
        "Change: none recorded in either window (January to April 2025 against January to April 2024), "
        "so there is no change to test."
    )


def test_the_crime_types_table_note_reads_with_its_article(stafford):
    from saferplaces.reports.tables import assessment_tables

    note = next(t for t in assessment_tables(stafford) if "volume, rate and comparison" in t.caption).note
    # "Rates per 1,000 residents over calendar year 2025" lacked its "the"
    assert note.startswith("Rates per 1,000 residents in the calendar year 2025.")
