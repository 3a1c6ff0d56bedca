"""The assessment's tables, as (id, caption, columns, rows): one source for HTML, DOCX and XLSX."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from saferplaces.assessment.model import StrategicAssessment

CHANGE_WORDS = {
    "increase": "Significant increase",
    "decrease": "Significant fall",
    "no-significant-change": "No significant change",
    None: "",
}
FUNNEL_WORDS = {
    "high-0.001": "Well above average (99.8%)",
    "high-0.025": "Above average (95%)",
    "low-0.025": "Below average (95%)",
    "low-0.001": "Well below average (99.8%)",
    "not-significant": "Similar to average",
}


@dataclass(frozen=True)
class Table:
    id: str
    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    note: str = ""


def _f(value: float | None, digits: int = 1) -> str:
    return "" if value is None else f"{value:,.{digits}f}"


def assessment_tables(a: StrategicAssessment) -> list[Table]:
    """Every table of the assessment in reading order."""
    h = a.headline
    tables = []
    rows = [
        (
            "Crime (excluding ASB)",
            f"{h.crime.count:,}",
            _f(h.crime.rate),
            f"{_f(h.crime.lower)} to {_f(h.crime.upper)}",
            "" if not h.crime_change else f"{h.crime_change.previous:,} to {h.crime_change.current:,}",
            "" if not h.crime_change else CHANGE_WORDS[h.crime_change.label],
        ),
        (
            "Anti-social behaviour",
            f"{h.asb.count:,}",
            _f(h.asb.rate),
            f"{_f(h.asb.lower)} to {_f(h.asb.upper)}",
            "" if not h.asb_change else f"{h.asb_change.previous:,} to {h.asb_change.current:,}",
            "" if not h.asb_change else CHANGE_WORDS[h.asb_change.label],
        ),
    ]
    tables.append(
        Table(
            "headline",
            f"Crime and anti-social behaviour in {a.area.name}, {a.period.label}",
            (
                "Measure",
                "Count",
                "Rate per 1,000",
                "95% confidence interval",
                "Same months, year before to this year",
                "Change",
            ),
            tuple(rows),
            f"Population {a.area.population:,} (ONS mid-{a.area.population_year}).",
        )
    )
    rows = []
    for r in a.crime_types:
        rows.append(
            (
                r.crime_type,
                f"{r.count:,}",
                _f(r.rate, 2),
                f"{_f(r.lower, 2)} to {_f(r.upper, 2)}",
                "" if r.previous_count is None else f"{r.previous_count:,} to {r.comparable_count:,}",
                CHANGE_WORDS[r.change],
                _f(r.force_rate, 2),
                (r.versus_force or "").capitalize(),
                "" if r.rank is None else f"{r.rank} of {r.rank_of}",
                _f(r.harm, 0),
                ""
                if r.trend is None
                else f"{r.trend} ({r.trend_annual_change:+.1f}% a year over {r.trend_years} years)",
            )
        )
    tables.append(
        Table(
            "crime-types",
            f"Crime types in {a.area.name}: volume, rate, change and comparison",
            (
                "Crime type",
                "Count",
                "Rate per 1,000",
                "95% CI",
                "Same months, year before to this year",
                "Change",
                "Force area rate",
                "Against force area",
                "Rank (1 = highest rate)",
                "Harm (CSS days)",
                "Trend",
            ),
            tuple(rows),
            "Higher or lower means the 95% confidence intervals do not overlap.",
        )
    )
    if a.national:
        n = a.national
        tables.append(
            Table(
                "national",
                f"{n.csp_name} against England and Wales and similar areas, {n.period_label}",
                (
                    "Offence group",
                    "Count",
                    "Rate per 1,000",
                    "95% CI",
                    "England and Wales rate",
                    "Against England and Wales",
                    "Similar areas' rate",
                    "Against similar areas",
                    "Rank among similar areas (1 = highest)",
                ),
                tuple(
                    (
                        r.offence_group,
                        f"{r.count:,}",
                        _f(r.rate, 2),
                        f"{_f(r.lower, 2)} to {_f(r.upper, 2)}",
                        _f(r.england_wales_rate, 2),
                        r.versus_england_wales.capitalize(),
                        _f(r.peer_rate, 2),
                        (r.versus_peers or "").capitalize(),
                        "" if r.rank is None else f"{r.rank} of {r.rank_of}",
                    )
                    for r in n.rows
                ),
                "Similar areas: " + ", ".join(name for _, name, _ in n.peers) + ".",
            )
        )
    if a.districts:
        tables.append(
            Table(
                "districts",
                "Districts side by side (crime excluding ASB)",
                ("District", "Population", "Crime", "ASB", "Crime per 1,000", "95% CI"),
                tuple(
                    (
                        d["name"],
                        f"{d['population']:,}",
                        f"{d['crime']:,}",
                        f"{d['asb']:,}",
                        _f(d["crime_rate"]),
                        f"{_f(d['lower'])} to {_f(d['upper'])}",
                    )
                    for d in a.districts
                ),
            )
        )
    centres = {p.ward_code for p in a.ward_profiles.profiles if p.centre} if a.ward_profiles else set()
    if a.wards:
        tables.append(
            Table(
                "wards",
                "Wards ranked by rate of crime and ASB per 1,000 residents",
                (
                    "Ward",
                    "Code",
                    "Population",
                    "Crime and ASB",
                    "Rate per 1,000",
                    "95% CI",
                    "Against the ward average",
                    "Largest crime type",
                    "Town or city centre",
                ),
                tuple(
                    (
                        w.ward_name,
                        w.ward_code,
                        f"{w.population:,}",
                        f"{w.count:,}",
                        _f(w.rate),
                        f"{_f(w.lower)} to {_f(w.upper)}",
                        FUNNEL_WORDS.get(w.funnel, w.funnel),
                        w.top_crime_type or "",
                        "Yes" if w.ward_code in centres else "",
                    )
                    for w in a.wards
                ),
                "Judged on a funnel plot with limits widened for overdispersion."
                + (
                    " A town or city centre ward's rate per resident overstates the risk to its "
                    "residents: most people there are visitors (see the ward profiles)."
                    if centres
                    else ""
                ),
            )
        )
    if a.months:
        tables.append(
            Table(
                "months",
                "Crime and ASB by month, with the limits of normal variation",
                (
                    "Month",
                    "Crime (excluding ASB)",
                    "ASB",
                    "Mean",
                    "Lower limit",
                    "Upper limit",
                    "Signal",
                    "Seasonal normal range",
                    "Against the season",
                ),
                tuple(
                    (
                        m.month,
                        f"{m.count:,}",
                        f"{m.asb:,}",
                        _f(m.mean),
                        _f(m.lower_limit),
                        _f(m.upper_limit),
                        (m.signal or "").replace("-", " "),
                        ""
                        if m.expected is None
                        else f"{_f(m.expected_lower, 0)} to {_f(m.expected_upper, 0)}",
                        (m.seasonal or "").replace("-", " "),
                    )
                    for m in a.months
                ),
            )
        )
    tables.extend(place_tables(a))  # issue 9 s4: ward profiles and hotspots named by street
    if a.concentration:
        c = a.concentration
        tables.append(
            Table(
                "concentration",
                "How concentrated crime and ASB are in places",
                ("Measure", "Value"),
                (
                    ("Neighbourhoods (LSOAs)", f"{c.places:,}"),
                    (
                        "Share of neighbourhoods with half of all crime and ASB",
                        f"{c.share_of_places_for_50pct:.1f}%",
                    ),
                    ("Share of neighbourhoods with a quarter", f"{c.share_of_places_for_25pct:.1f}%"),
                    ("Gini coefficient", f"{c.gini:.3f}"),
                ),
            )
        )
    if a.priorities:
        tables.extend(priority_tables(a))
    if a.people:
        tables.extend(_people_tables(a))
    checks = a.data_quality.get("checks", [])
    if checks:
        tables.append(
            Table(
                "data-quality",
                "Data quality and coverage",
                ("Check", "Status", "Detail"),
                tuple((c["check"].replace("-", " ").capitalize(), c["status"], c["summary"]) for c in checks),
            )
        )
    return tables


def _short_caveats(p: Any) -> str:
    """The caveats of a candidate in a few words, for the scores table (in full in the reasons)."""
    words = []
    if p.kind == "catch-all":
        words.append("Catch-all category")
    for c in p.caveats:
        if "police activity" in c:
            words.append("Mostly found by police activity")
        if "break in this series" in c:
            words.append("Possible break in series")
    return "; ".join(words)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def place_tables(a: StrategicAssessment) -> list[Table]:
    """Ward profiles, the busiest hotspot squares, the hotspot areas and the top streets."""
    from saferplaces.assessment.places import near

    out = []
    wp = a.ward_profiles
    if wp:
        out.append(
            Table(
                "ward-profiles",
                f"Ward profiles: crime types significantly above the district's rate, {a.period.label}",
                (
                    "Ward",
                    "Crime and ASB against the ward average",
                    "Crime types above the district's rate (times the district's rate)",
                    "Town or city centre",
                ),
                tuple(
                    (
                        p.ward_name,
                        FUNNEL_WORDS.get(p.funnel, p.funnel),
                        "; ".join(
                            f"{t.crime_type} {t.count:,} ({t.ratio:.1f}x"
                            + (", 99.8%)" if t.label == "high-0.001" else ", 95%)")
                            for t in p.above
                        ),
                        "Yes" if p.centre else "",
                    )
                    for p in wp.profiles
                    if p.above or p.funnel.startswith("high") or p.centre
                ),
                "Each crime type's ward rates are judged on a funnel plot around the district's rate for "
                "that type, with limits widened for overdispersion; 95% or 99.8% names the limit passed. "
                "Wards with no type above the district's rate and an ordinary overall rate are left out.",
            )
        )
    h = a.hotspots
    if h and h.hot:
        out.append(
            Table(
                "hotspots",
                f"The {min(10, len(h.hot))} busiest hotspot squares by crime and ASB, {a.period.label} "
                f"({h.cell_size:.0f} m grid squares)",
                (
                    "Rank",
                    "Busiest places (police.uk location)",
                    "Ward (most of its crime)",
                    "Hotspot area",
                    "Crime and ASB",
                    "Gi* z-score",
                    "Pattern over the months",
                ),
                tuple(
                    (
                        i + 1,
                        "; ".join(f"{s} ({n:,})" for s, n in c.streets),
                        c.ward or "",
                        "" if c.cluster is None else c.cluster,
                        f"{c.count:,}",
                        _f(c.z, 1),
                        (c.pattern or "").replace("-", " ") if h.patterns_classified else "not classified",
                    )
                    for i, c in enumerate(h.hot[:10])
                ),
                f"{len(h.hot)} hot squares in all, {h.cold} cold; ranked by count among the significant "
                "squares. police.uk names each anonymised map point by a nearby street or a kind of place "
                "('Parking Area', 'Supermarket'), so the ward says which one.",
            )
        )
        if h.clusters:
            out.append(
                Table(
                    "hotspot-areas",
                    "Hotspot areas: significant squares that touch, by crime and ASB",
                    ("Area", "Wards (most crime first)", "Squares", "Crime and ASB", "Busiest places"),
                    tuple(
                        (
                            c.number,
                            ", ".join(c.wards[:4])
                            + (f" and {len(c.wards) - 4} more" if len(c.wards) > 4 else ""),
                            c.cells,
                            f"{c.count:,}",
                            "; ".join(near(s) for s, _ in c.streets),
                        )
                        for c in h.clusters
                    ),
                )
            )
        if h.streets:
            from saferplaces.data.counts import describe_missing
            from saferplaces.data.periods import month_from_index, month_index

            now = list(h.change_months)
            before = [month_from_index(month_index(m) - 12) for m in now]
            out.append(
                Table(
                    "hotspot-streets",
                    f"The {len(h.streets)} busiest streets and places in the hotspots, {a.period.label}",
                    (
                        "Location (police.uk)",
                        "Ward",
                        "Hotspot area",
                        "Crime and ASB",
                        "Main crime types",
                        *((describe_missing(before), describe_missing(now)) if now else ()),
                        "Change, tested",
                    ),
                    tuple(
                        (
                            s.location,
                            s.ward or "",
                            "" if s.cluster is None else s.cluster,
                            f"{s.count:,}",
                            "; ".join(f"{t} {n:,}" for t, n in s.top_types),
                            *((f"{s.change_from or 0:,}", f"{s.change_to or 0:,}") if now else ()),
                            CHANGE_WORDS[s.change_label] if s.change_label else "",
                        )
                        for s in h.streets
                    ),
                    "Counts are of crime and ASB at the location's map points inside significant hotspot "
                    "squares. "
                    + (
                        "The change compares the same months a year apart; it is significant only when "
                        "its exact test says so at 95%."
                        if now
                        else "No month a year earlier is held, so no change is measured."
                    ),
                )
            )
    return out


def priority_tables(a: StrategicAssessment) -> list[Table]:
    """The candidate priorities: component scores as numbers, then a sentence per component."""
    from saferplaces.assessment.priorities import COMPONENT_NAMES

    used = [k for k, w in a.priority_weights.items() if w > 0]
    weights = ", ".join(f"{COMPONENT_NAMES.get(k, k).lower()} {w:g}" for k, w in a.priority_weights.items())
    scores = Table(
        "priorities",
        "Candidate priorities: score from 0 to 1 on each component, and the rank when each weight "
        "moves by 20% either way",
        (
            "Rank",
            "Theme",
            "Score",
            *(COMPONENT_NAMES.get(k, k) for k in used),
            "Best rank",
            "Worst rank",
            "Recommended for discussion",
            "Caveat",
        ),
        tuple(
            (
                p.rank,
                p.theme,
                f"{p.score:.2f}",
                *("" if k not in p.components else f"{p.components[k]:.2f}" for k in used),
                "" if p.rank_best is None else p.rank_best,
                "" if p.rank_worst is None else p.rank_worst,
                ("Yes, robust" if p.robust else "Yes") if p.recommended else "No",
                _short_caveats(p),
            )
            for p in a.priorities
        ),
        f"Weights: {weights}. A blank component was not assessed for that theme; its score is the "
        "weighted mean of the others. 'Robust' means the theme stays among those recommended "
        "whichever weight moves. Catch-all categories are never recommended on their own.",
    )
    reasons = Table(
        "priority-reasons",
        "Why each candidate scored as it did",
        ("Theme", "Component", "Score", "Reason"),
        tuple(
            row
            for p in a.priorities
            for row in (
                *(
                    (
                        p.theme,
                        COMPONENT_NAMES.get(k, k),
                        "" if k not in p.components else f"{p.components[k]:.2f}",
                        _capital(text.split(": ", 1)[-1]),
                    )
                    for k, text in p.sentences.items()
                ),
                *((p.theme, "Caveat", "", c) for c in p.caveats),
            )
        ),
        "Scores run from 0 (least concern) to 1 (most). Graded tests score 1 when significantly "
        "above at 99.8%, 0.75 at 95%, 0.5 when not significant, 0.25 below at 95% and 0 below at 99.8%.",
    )
    return [scores, reasons]


def _people_tables(a: StrategicAssessment) -> list[Table]:
    """People tables: every count drawn from person-level data passes through ``shown``."""
    from saferplaces.assessment.people import shown

    p = a.people
    note = "Counts of 1 to 4 are shown as 'fewer than 5' so that no person can be identified." + (
        " These rows are synthetic: made up for demonstration." if p.synthetic else ""
    )
    out = []
    if p.shares:
        out.append(
            Table(
                "people-shares",
                f"Flags in the partner extract '{p.extract}'",
                ("Measure", "Crimes and incidents", "Of those with the flag recorded", "Per cent", "95% CI"),
                tuple(
                    (
                        s.measure,
                        shown(s.events),
                        shown(s.total),
                        _f(s.percent),
                        f"{_f(s.lower)} to {_f(s.upper)}",
                    )
                    for s in p.shares
                ),
                note,
            )
        )
    if p.repeats:
        out.append(
            Table(
                "people-repeats",
                "Repeat victims, locations and offenders",
                (
                    "Kind",
                    "Number",
                    "Repeats (2 or more)",
                    "Repeat per cent",
                    "95% CI",
                    "Share of crimes on repeats (%)",
                ),
                tuple(
                    (
                        r.kind,
                        shown(r.people_or_places),
                        shown(r.repeats),
                        _f(r.repeat_percent),
                        f"{_f(r.repeat_lower)} to {_f(r.repeat_upper)}",
                        _f(r.events_on_repeats_percent),
                    )
                    for r in p.repeats
                ),
                note,
            )
        )
    if p.groups:
        out.append(
            Table(
                "people-groups",
                "Victims by age and sex against residents",
                (
                    "Group",
                    "Victims",
                    "Share of victims (%)",
                    "Share of residents (%)",
                    "Index (100 = fair share)",
                    "95% CI",
                    "Representation",
                ),
                tuple(
                    (
                        g.group,
                        shown(g.victims),
                        _f(g.victim_percent),
                        _f(g.population_percent),
                        _f(g.index, 0),
                        f"{_f(g.lower, 0)} to {_f(g.upper, 0)}",
                        g.label,
                    )
                    for g in p.groups
                ),
                note,
            )
        )
    return out
