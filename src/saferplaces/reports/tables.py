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
                    )
                    for w in a.wards
                ),
                "Judged on a funnel plot with limits widened for overdispersion.",
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
    if a.hotspots and a.hotspots.hot:
        h = a.hotspots
        tables.append(
            Table(
                "hotspots",
                f"The {min(20, len(h.hot))} strongest hotspots ({h.cell_size:.0f} m grid squares)",
                (
                    "Rank",
                    "Ward (most of its crime)",
                    "Crime and ASB",
                    "Gi* z-score",
                    "Pattern over the months",
                ),
                tuple(
                    (i + 1, c.ward or "", f"{c.count:,}", _f(c.z, 1), (c.pattern or "").replace("-", " "))
                    for i, c in enumerate(h.hot[:20])
                ),
                f"{len(h.hot)} hot squares in all, {h.cold} cold.",
            )
        )
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
        tables.append(
            Table(
                "priorities",
                "Candidate priorities, scored",
                ("Rank", "Theme", "Score", "Reasons"),
                tuple((p.rank, p.theme, f"{p.score:.2f}", " ".join(p.reasons)) for p in a.priorities),
                "Weights: "
                + ", ".join(f"{k.replace('_', ' ')} {v:g}" for k, v in a.priority_weights.items())
                + ".",
            )
        )
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


def _people_tables(a: StrategicAssessment) -> list[Table]:
    """People tables: every count drawn from person-level data passes through ``shown``."""
    from saferplaces.assessment.people import SMALL, shown

    p = a.people
    note = (
        f"Counts of 1 to {SMALL - 1} are shown as 'fewer than {SMALL}' so that no person can be identified."
    ) + (" These rows are synthetic: made up for demonstration." if p.synthetic else "")
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
