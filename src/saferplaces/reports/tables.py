"""The assessment's tables, as (id, caption, columns, rows): one source for HTML, DOCX and XLSX."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from saferplaces.assessment.model import StrategicAssessment
from saferplaces.defaults import DEFAULTS
from saferplaces.stats.labels import ChangeLabel, ComparisonLabel, FunnelLabel
from saferplaces.wording import in_window

CHANGE_WORDS = {
    ChangeLabel.INCREASE: "Statistically significant rise",
    ChangeLabel.DECREASE: "Statistically significant fall",
    ChangeLabel.NO_SIGNIFICANT_CHANGE: "Not statistically significant",
    None: "",
}
VERSUS_CHANGE_WORDS = {
    ComparisonLabel.HIGHER: "Significantly above the rest of the force",
    ComparisonLabel.LOWER: "Significantly below the rest of the force",
    ComparisonLabel.SIMILAR: "Not significantly different",
    "not-tested": "Not tested (a period has no events)",
    None: "",
}
FUNNEL_WORDS = {
    FunnelLabel.HIGH_0001: "Well above average (99.8%)",
    FunnelLabel.HIGH_0025: "Above average (95%)",
    FunnelLabel.LOW_0025: "Below average (95%)",
    FunnelLabel.LOW_0001: "Well below average (99.8%)",
    FunnelLabel.NOT_SIGNIFICANT: "Similar to average",
}


@dataclass(frozen=True)
class Table:
    """A table: ``rows`` as text for HTML and DOCX; ``values`` (when given) the same cells typed.

    ``values`` keep numbers as numbers (intervals as two columns, ranks as whole numbers) so
    that the XLSX can be sorted and summed; ``rows`` are their display text. ``row_header`` is
    the column that names each row (a header cell for screen readers, bold in print): the first,
    or the second when the first is a rank.
    """

    id: str
    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    note: str = ""
    values: tuple[tuple[Any, ...], ...] = ()
    row_header: int = 0


def cell_text(value: Any, digits: int | None = None) -> str:
    """How a typed cell reads: '' for None, '1,234' for a whole number, '12.35' for ``digits=2``.

    Examples
    --------
    >>> cell_text(1234), cell_text(12.345, 2), cell_text(0.412), cell_text(None)
    ('1,234', '12.35', '0.412', '')
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if digits is None:  # as many places as it has, up to three
            return f"{value:,.3f}".rstrip("0").rstrip(".")
        return f"{value:,.{digits}f}"
    return str(value)


def typed_table(
    id: str,
    caption: str,
    columns: tuple[str, ...],
    values: tuple[tuple[Any, ...], ...],
    note: str = "",
    digits: tuple[int | None, ...] = (),
    row_measures: bool = False,
) -> Table:
    """A table from typed cells; ``digits[i]`` is column i's decimal places for floats.

    A column without ``digits`` shows all its numbers to the same places: as many as its most
    precise number has, up to three, so that "87.30" stands under "65.66", not "87.3". In a
    table whose rows are different measures (``row_measures``), each number keeps its own places.

    Examples
    --------
    >>> typed_table("t", "T", ("Ward", "Rate"), (("A", 87.3), ("B", 65.66), ("C", None))).rows
    (('A', '87.30'), ('B', '65.66'), ('C', ''))
    """
    given = tuple(digits) + (None,) * (len(columns) - len(digits))
    places = tuple(
        _column_places(r[i] for r in values) if given[i] is None and not row_measures else given[i]
        for i in range(len(columns))
    )
    rows = tuple(tuple(cell_text(v, places[i]) for i, v in enumerate(r)) for r in values)
    return Table(id, caption, columns, rows, note, tuple(values))


def _column_places(cells: Iterable[Any]) -> int | None:
    """The decimal places a column of floats needs (up to three), or None when it holds no float."""
    floats = [c for c in cells if isinstance(c, float) and not isinstance(c, bool)]
    if not floats:
        return None
    return max(len(f"{abs(c):.3f}".rstrip("0").partition(".")[2]) for c in floats)


def _f(value: float | None, digits: int = 1) -> str:
    return "" if value is None else f"{value:,.{digits}f}"


def _change_words(label: str | None, series_break: str | None = None) -> str:
    if series_break:
        return "Not counted: possible break in series"
    return CHANGE_WORDS[label]


def assessment_tables(a: StrategicAssessment) -> list[Table]:
    """Every table of the assessment in reading order."""
    h = a.headline
    window = a.period.label
    now, base = a.period.change_months, a.period.change_base
    tables = []
    head_values = []
    for name, est, ch in (
        ("Crime (excluding ASB)", h.crime, h.crime_change),
        ("Anti-social behaviour", h.asb, h.asb_change),
    ):
        head_values.append(
            (name, est.count, est.rate, est.lower, est.upper)
            + (
                ()
                if not now
                else (
                    None if ch is None else ch.previous,
                    None if ch is None else ch.current,
                    None if ch is None else ch.percent,
                    "" if ch is None else CHANGE_WORDS[ch.label],
                )
            )
        )
    head_columns = ("Measure", "Count", "Rate per 1,000", "95% CI lower", "95% CI upper")
    if now:
        head_columns += (f"Count, {base}", f"Count, {now}", "Change (%)", "Change")
    tables.append(
        typed_table(
            "headline",
            f"Crime and anti-social behaviour in {a.area.name}, {window}"
            + (f"; change {now} against {base}" if now else ""),
            head_columns,
            tuple(head_values),
            f"Population {a.area.population:,} (ONS {a.area.estimate})."
            + (
                f" Change compares {now} with {base}: a quasi-Poisson test on the monthly counts "
                "(p-values in the change table)."
                if now
                else ""
            ),
            (None, None, 1, 1, 1, None, None, 1),
        )
    )
    rank_of = next((r.rank_of for r in a.crime_types if r.rank_of), None)
    rank_column = f"Rank of {rank_of} (1 = highest rate)" if rank_of else "Rank (1 = highest rate)"
    # a trend needs several years of the same months: without one, the column would be blank
    # on every row, so it is left out and the note says why
    trends = any(r.trend is not None for r in a.crime_types)
    trend_note = (
        ""
        if trends
        else f" No trend over the years is shown: it needs {DEFAULTS.min_trend_years} or more years of the "
        "same months, and the store holds fewer."
    )
    tables.append(
        typed_table(
            "crime-types",
            f"Crime types in {a.area.name}, {window}: volume, rate and comparison",
            (
                "Crime type",
                "Count",
                "Rate per 1,000",
                "95% CI lower",
                "95% CI upper",
                "Force area rate",
                "Against force area",
                rank_column,
                "Harm (CSS days)",
            )
            + (("Trend",) if trends else ()),
            tuple(
                (
                    r.crime_type,
                    r.count,
                    r.rate,
                    r.lower,
                    r.upper,
                    r.force_rate,
                    (r.versus_force or "").capitalize(),
                    r.rank,
                    r.harm,
                )
                + (
                    (
                        ""
                        if r.trend is None
                        else f"{r.trend} ({r.trend_annual_change:+.1f}% a year over {r.trend_years} years)",
                    )
                    if trends
                    else ()
                )
                for r in a.crime_types
            ),
            f"Rates per 1,000 residents {in_window(window)}. Higher or lower means the "
            f"{DEFAULTS.confidence_percent} confidence intervals do not overlap." + trend_note,
            (None, None, 2, 2, 2, 2, None, None, 0),
        )
    )
    if now:
        first_year = a.period.comparison_months[0][:4]
        last_year = int(a.period.comparison_months[-1][:4]) + 1
        tables.append(
            typed_table(
                "changes",
                f"Change by crime type in {a.area.name}, {now} against {base}",
                (
                    "Crime type",
                    f"Count, {base}",
                    f"Count, {now}",
                    "Change (%)",
                    "p-value",
                    "p-value adjusted",
                    f"Change, {now} against {base}",
                    "Rest of force change (%)",
                    "Against the rest of the force",
                    "Ratio of changes",
                    "p-value adjusted (against force)",
                    "Data quality",
                ),
                tuple(
                    (
                        r.crime_type,
                        r.previous_count,
                        r.comparable_count,
                        r.change_percent,
                        r.change_p,
                        r.change_p_adjusted,
                        _change_words(r.change_test, r.series_break),
                        r.force_change_percent,
                        VERSUS_CHANGE_WORDS[r.versus_force_change],
                        r.versus_force_change_ratio,
                        r.versus_force_change_p_adjusted,
                        "" if r.series_break is None else f"Possible break in series: {r.series_break}.",
                    )
                    for r in a.crime_types
                    if r.previous_count is not None
                ),
                "Each change is a quasi-Poisson test on the monthly counts; p-values are adjusted across "
                f"the crime types by the {DEFAULTS.multiple_testing_name}, and only the adjusted value "
                "decides a rise or a fall. 'Against the rest of the force' tests whether this area's change "
                "differs from the change in the rest of the force area over the same months. A type whose "
                f"force series has a possible break between {first_year} and {last_year} is not counted as "
                "evidence; breaks between other years (see Data quality) do not touch this change.",
                (None, None, None, 1, 4, 4, None, 1, None, 3, 4),
            )
        )
    if a.national:
        n = a.national
        rank_of = next((r.rank_of for r in n.rows if r.rank_of), None)
        tables.append(
            typed_table(
                "national",
                f"{n.csp_name} against England and Wales and similar areas, {n.period_label}",
                (
                    "Offence group",
                    "Count",
                    "Rate per 1,000",
                    "95% CI lower",
                    "95% CI upper",
                    "England and Wales rate",
                    "Against England and Wales",
                    "Similar areas' rate",
                    "Against similar areas",
                    f"Rank of {rank_of} similar areas (1 = highest)" if rank_of else "Rank (1 = highest)",
                ),
                tuple(
                    (
                        r.offence_group,
                        r.count,
                        r.rate,
                        r.lower,
                        r.upper,
                        r.england_wales_rate,
                        r.versus_england_wales.capitalize(),
                        r.peer_rate,
                        (r.versus_peers or "").capitalize(),
                        r.rank,
                    )
                    for r in n.rows
                ),
                "Similar areas: " + ", ".join(name for _, name, _ in n.peers) + ".",
                (None, None, 2, 2, 2, 2, None, 2),
            )
        )
    if a.districts:
        tables.append(
            typed_table(
                "districts",
                f"Districts side by side (crime excluding ASB), {window}",
                ("District", "Population", "Crime", "ASB", "Crime per 1,000", "95% CI lower", "95% CI upper"),
                tuple(
                    (
                        d["name"],
                        d["population"],
                        d["crime"],
                        d["asb"],
                        d["crime_rate"],
                        d["lower"],
                        d["upper"],
                    )
                    for d in a.districts
                ),
            )
        )
    centres = {p.ward_code for p in a.ward_profiles.profiles if p.centre} if a.ward_profiles else set()
    if a.wards:
        tables.append(
            typed_table(
                "wards",
                f"Wards ranked by rate of crime and ASB per 1,000 residents, {window}",
                (
                    "Ward",
                    "Code",
                    "Population",
                    "Crime and ASB",
                    "Rate per 1,000",
                    "95% CI lower",
                    "95% CI upper",
                    "Against the ward average",
                    "Largest crime type",
                    "Town or city centre",
                ),
                tuple(
                    (
                        w.ward_name,
                        w.ward_code,
                        w.population,
                        w.count,
                        w.rate,
                        w.lower,
                        w.upper,
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
            typed_table(
                "months",
                f"Crime and ASB by month, {window}, "
                + (
                    "with run chart signals"
                    if a.months[0].chart == "run"
                    else "with the limits of normal variation"
                ),
                (
                    "Month",
                    "Crime (excluding ASB)",
                    "ASB",
                    "Mean",
                    "Lower limit",
                    "Upper limit",
                    "Signal",
                    "Seasonal range lower",
                    "Seasonal range upper",
                    "Against the season",
                ),
                tuple(
                    (
                        m.month,
                        m.count,
                        m.asb,
                        m.mean,
                        m.lower_limit,
                        m.upper_limit,
                        (m.signal or "").replace("-", " "),
                        m.expected_lower,
                        m.expected_upper,
                        (m.seasonal or "").replace("-", " "),
                    )
                    for m in a.months
                ),
                (
                    "The limits of normal variation are an XmR chart's, worked out from these months alone; "
                    if a.months[0].chart != "run"
                    else f"Too few months for XmR limits: the signals are a run chart's (median "
                    f"{a.months[0].median:g}, shift and trend rules), worked out from these months alone; "
                )
                + "the seasonal range judges each month against the same month in earlier years.",
                (None, None, None, 1, 1, 1, None, 0, 0),
            )
        )
    tables.extend(place_tables(a))  # issue 9 s4: ward profiles and hotspots named by street
    if a.concentration:
        c = a.concentration
        tables.append(
            typed_table(
                "concentration",
                f"How concentrated crime and ASB are in places, {window}",
                ("Measure", "Value"),
                (
                    ("Neighbourhoods (LSOAs)", c.places),
                    (
                        "Share of neighbourhoods with half of all crime and ASB (%)",
                        c.share_of_places_for_50pct,
                    ),
                    ("Share of neighbourhoods with a quarter (%)", c.share_of_places_for_25pct),
                    ("Gini coefficient", c.gini),
                ),
                row_measures=True,
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
    if p.series_break:
        words.append("Possible break in series: change not counted")
    return "; ".join(words)


def _component_cell(p: Any, key: str) -> str:
    """A component's score, or why a change that was tested is not in the score."""
    if key in p.components:
        return f"{p.components[key]:.2f}"
    if key == "change" and p.series_break:
        return "Not counted: possible break in series"
    return "n/a"  # as the scoring matrix marks it


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
                    if p.above or (p.funnel and FunnelLabel(p.funnel).above) or p.centre
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
                row_header=1,
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
            from saferplaces.assessment.windows import months_phrase
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
                        *((months_phrase(before), months_phrase(now)) if now else ()),
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
                *(_component_cell(p, k) for k in used),
                "" if p.rank_best is None else p.rank_best,
                "" if p.rank_worst is None else p.rank_worst,
                ("Yes, robust" if p.robust else "Yes") if p.recommended else "No",
                _short_caveats(p),
            )
            for p in a.priorities
        ),
        f"Weights: {weights}. n/a marks a component not assessed for that theme, and a change marked "
        "'not counted' was tested but left out because the data-quality check flags a possible break "
        "in the series; the score is then the weighted mean of the others. 'Robust' means the theme "
        "stays among those recommended whichever weight moves. Catch-all categories are never "
        "recommended on their own.",
        row_header=1,
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
                        _component_cell(p, k),
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
