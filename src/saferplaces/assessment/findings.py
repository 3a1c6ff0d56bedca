"""Plain-English findings written from the numbers.

A change is called a rise or a fall only when its test says so; otherwise the
sentence says it is not statistically significant. Every figure names its window:
the period's label ("4 of 12 months (January to April 2024)" when part-held) and,
for a change, the months on both sides. Each finding names its table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from saferplaces.assessment.model import Change, CrimeTypeRow, Finding
from saferplaces.assessment.places import hotspot_findings
from saferplaces.assessment.windows import in_window
from saferplaces.data.periods import month_label
from saferplaces.stats.labels import ChangeLabel, FunnelLabel, PointType
from saferplaces.wording import counted, share_percent, whole_percent
from saferplaces.wording import listed as and_list

if TYPE_CHECKING:
    from saferplaces.assessment.model import StrategicAssessment


#: Below this many neighbourhoods, concentration is given as a count of them, not a percentage.
FEW_PLACES = 20


def _n(value: float) -> str:
    return f"{value:,.0f}"


def _p(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def describe_change(what: str, change: Change, now: str, before: str) -> str:
    """'Comparing January to April 2025 with January to April 2024, crime rose 12% (from 900 to ...'"""
    if change.previous == 0 and change.current == 0:
        return f"There was no {what} in {now} or in {before}."
    pct = "" if change.percent is None else f" {abs(whole_percent(change.percent))}%"
    moved = (
        "rose"
        if change.current > change.previous
        else "fell"
        if change.current < change.previous
        else "was unchanged"
    )
    numbers = f"from {_n(change.previous)} to {_n(change.current)}"
    if change.label == ChangeLabel.NO_SIGNIFICANT_CHANGE:
        verdict = (
            f"this is not statistically significant ({_p(change.p)}): the difference is within the "
            "normal variation of the monthly counts"
        )
        moved = {"rose": "was higher by", "fell": "was lower by"}.get(moved, moved)
    else:
        fall = "fall" if change.label == ChangeLabel.DECREASE else "rise"
        verdict = f"this is a statistically significant {fall} ({_p(change.p)})"
    return f"Comparing {now} with {before}, {what} {moved}{pct} ({numbers}); {verdict}."


def write_findings(a: StrategicAssessment) -> list[Finding]:
    """Generate the findings of an assessment, most important first."""
    out: list[Finding] = []
    h = a.headline
    where, when = a.area.name, in_window(a.period.label)
    out.append(
        Finding(
            "headline",
            f"In {where} there were {_n(h.crime.count)} crimes (not counting anti-social behaviour) "
            f"{when}: {h.crime.rate:.1f} per 1,000 residents (95% confidence interval {h.crime.lower:.1f} "
            f"to {h.crime.upper:.1f}), and {_n(h.asb.count)} anti-social behaviour incidents, "
            f"{h.asb.rate:.1f} per 1,000.",
            "headline",
            {"crime": h.crime.count, "crime_rate": h.crime.rate, "asb": h.asb.count},
        )
    )
    now, before = a.period.change_months or "", a.period.change_base or ""
    for what, change in (("crime", h.crime_change), ("anti-social behaviour", h.asb_change)):
        if change:
            out.append(
                Finding(
                    "headline",
                    describe_change(what, change, now, before),
                    "headline",
                    {
                        "current": change.current,
                        "previous": change.previous,
                        "p": change.p,
                        "label": change.label,
                    },
                )
            )
    top = [r for r in a.crime_types if r.crime_type != "Anti-social behaviour"][:3]
    if top:
        total = h.crime.count or 1
        largest = "; ".join(
            f"{r.crime_type.lower()} ({_n(r.count)}, {share_percent(r.count, total)})" for r in top
        )
        out.append(
            Finding(
                "crime-types",
                f"The largest crime types {in_window(a.period.label)} were {largest} (shares of the "
                f"{counted(h.crime.count, 'crime')}, not counting anti-social behaviour).",
                "crime-types",
                {r.crime_type: r.count for r in top},
            )
        )
    out.extend(_change_findings(a))
    trending = [r for r in a.crime_types if r.trend in ("increasing", "decreasing")]
    if trending:
        listed = "; ".join(
            f"{r.crime_type.lower()} {'up' if r.trend == 'increasing' else 'down'} "
            f"{abs(r.trend_annual_change or 0):.0f}% a year"
            for r in trending
        )
        out.append(
            Finding(
                "crime-types",
                f"Over {trending[0].trend_years} years of the same months, "
                f"{'this crime type shows' if len(trending) == 1 else 'these crime types show'} "
                f"a significant trend: {listed}.",
                "crime-types",
                {r.crime_type: r.trend_annual_change for r in trending},
            )
        )
    higher = [r for r in a.crime_types if r.versus_force == "higher"]
    if higher and a.area.force_name:
        names = ", ".join(
            f"{r.crime_type.lower()} ({r.rate:.1f} against {r.force_rate:.1f} per 1,000)" for r in higher
        )
        out.append(
            Finding(
                "crime-types",
                f"Crime types with rates significantly higher than {a.area.force_name} as a whole "
                f"{in_window(a.period.label)}: {names}.",
                "crime-types",
                {r.crime_type: r.rate for r in higher},
            )
        )
    if a.national:
        out.extend(_national_findings(a))
    high_wards = [w for w in a.wards if w.funnel and FunnelLabel(w.funnel).above]
    if high_wards:
        listed = "; ".join(f"{w.ward_name} ({w.rate:.0f} per 1,000)" for w in high_wards[:6])
        if len(high_wards) > 6:
            listed += f"; and {len(high_wards) - 6} more"
        out.append(
            Finding(
                "places",
                f"{len(high_wards)} of {len(a.wards)} wards had crime and ASB rates significantly "
                f"above the ward average {in_window(a.period.label)}, allowing for the usual spread "
                f"between wards: {listed}.",
                "wards",
                {w.ward_code: w.rate for w in high_wards},
            )
        )
    elif a.wards:
        out.append(
            Finding(
                "places",
                "No ward's rate of crime and ASB was significantly above the ward "
                f"average {in_window(a.period.label)}, allowing for the usual spread between wards.",
                "wards",
                {},
            )
        )
    out.extend(hotspot_findings(a))  # issue 9 s4: hotspots named by street, ranked by count
    if a.concentration and a.concentration.places > 1:
        c = a.concentration
        if c.places < FEW_PLACES:  # a percentage of a handful reads oddly: "33% of 3"
            half = round(c.share_of_places_for_50pct * c.places / 100)
            quarter = round(c.share_of_places_for_25pct * c.places / 100)
            shares = (f"{half} of the area's {c.places} neighbourhoods (LSOAs)", f"{quarter}")
        else:
            shares = (
                f"{whole_percent(c.share_of_places_for_50pct)}% of the area's {c.places} "
                "neighbourhoods (LSOAs)",
                f"{whole_percent(c.share_of_places_for_25pct)}%",
            )
        out.append(
            Finding(
                "places",
                f"Half of all crime and ASB {in_window(a.period.label)} happened in {shares[0]}, "
                f"and a quarter in {shares[1]}.",
                "concentration",
                {"share_for_50pct": c.share_of_places_for_50pct, "places": c.places},
            )
        )
    unusual = [m for m in a.months if m.seasonal in ("above", "below")]
    for m in unusual:
        out.append(
            Finding(
                "time",
                f"Crime in {month_label(m.month)} ({_n(m.count)}) was {m.seasonal} the "
                f"normal range for that time of year ({m.expected_lower:.0f} to "
                f"{m.expected_upper:.0f}), judged on the same month in earlier years.",
                "months",
                {"month": m.month, "count": m.count, "seasonal": m.seasonal},
            )
        )
    signals = [m for m in a.months if m.signal in (PointType.CONCERN, PointType.IMPROVEMENT)]
    for m in signals:
        direction = (
            "above the upper"
            if m.upper_limit is not None and m.count > m.upper_limit
            else "below the lower"
            if m.lower_limit is not None and m.count < m.lower_limit
            else None
        )
        if direction:
            text = (
                f"Crime in {month_label(m.month)} ({_n(m.count)}) was {direction} limit of normal "
                f"variation ({m.lower_limit:.0f} to {m.upper_limit:.0f})."
            )
        else:
            text = (
                f"Crime in {month_label(m.month)} ({_n(m.count)}) is part of a run that signals a "
                f"{'worsening' if m.signal == 'concern' else 'improvement'}, not chance."
            )
        out.append(Finding("time", text, "months", {"month": m.month, "count": m.count}))
    if a.months and not signals and a.months[0].mean is not None:
        # the control chart judges the months against each other; the seasonal range against the
        # same month of earlier years: say which, so the two never seem to disagree
        text = (
            f"Every month's crime count {in_window(a.period.label)} was within the control chart's limits "
            f"({a.months[0].lower_limit:.0f} to {a.months[0].upper_limit:.0f}), worked out from these "
            "months alone"
        )
        if unusual:
            text += (
                f", although {len(unusual)} month{'s were' if len(unusual) > 1 else ' was'} outside the "
                "normal range for the time of year, judged on the same month in earlier years"
            )
        out.append(Finding("time", text + ".", "months", {}))
    if a.harm and a.harm.top_category:
        out.append(
            Finding(
                "harm",
                f"Weighted by the Crime Severity Score, {a.harm.top_category.lower()} caused "
                f"{a.harm.top_share:.0f}% of crime harm {in_window(a.period.label)}.",
                "crime-types",
                {"top_category": a.harm.top_category, "share": a.harm.top_share},
            )
        )
    if a.people:
        out.extend(_people_findings(a))
    # issue 9 s3: only recommended candidates (never a catch-all category) are named
    recommended = [p for p in a.priorities if p.recommended]
    chosen = recommended[:3]
    if chosen:
        best = and_list([p.theme.lower() for p in chosen])
        if len(recommended) > len(chosen):
            text = (
                f"The {len(chosen)} highest-scoring of the {len(recommended)} candidate priorities "
                f"recommended for the board's discussion were {best}."
            )
        elif len(chosen) == 1:
            text = f"The candidate priority recommended for the board's discussion was {best}."
        else:
            text = f"The candidate priorities recommended for the board's discussion were {best}."
        out.append(Finding("priorities", text, "priorities", {p.theme: p.score for p in chosen}))
    return out


def _change_findings(a: StrategicAssessment) -> list[Finding]:
    """Changes by crime type: rises and falls the adjusted test finds, breaks, and the force's change."""
    rows = [r for r in a.crime_types if r.previous_count is not None]
    if not rows:
        return []
    out = []
    now, before = a.period.change_months, a.period.change_base
    counted = [r for r in rows if r.series_break is None]
    moved = [r for r in counted if r.change in (ChangeLabel.INCREASE, ChangeLabel.DECREASE)]

    def one(r: CrimeTypeRow) -> str:
        verb = "rose" if r.change == ChangeLabel.INCREASE else "fell"
        counts = f"{_n(r.previous_count or 0)} to {_n(r.comparable_count or 0)}"
        return (
            f"{r.crime_type.lower()} {verb} {abs(whole_percent(r.change_percent or 0))}% "
            f"({counts}, adjusted {_p(r.change_p_adjusted or 0)})"
        )

    steady = len(counted) - len(moved)
    tested = f"after adjusting for the {len(rows)} crime types tested"
    if moved:
        these = "this change was" if len(moved) == 1 else "these changes were"
        rest = (
            " The change of the other type was not statistically significant."
            if steady == 1
            else f" The changes of the other {steady} types were not statistically significant."
            if steady
            else ""
        )
        text = (
            f"Comparing {now} with {before}, {tested}, {these} statistically significant: "
            + "; ".join(one(r) for r in moved)
            + "."
            + rest
        )
    else:
        text = (
            f"Comparing {now} with {before}, no crime type's change was statistically significant "
            f"{tested}: each was within the normal variation of its monthly counts."
        )
    out.append(Finding("crime-types", text, "changes", {r.crime_type: r.change for r in counted}))
    broken = [r for r in rows if r.series_break is not None]
    if broken:
        flagged = "; ".join(f"{r.crime_type.lower()} ({r.series_break})" for r in broken)
        out.append(
            Finding(
                "crime-types",
                (
                    "The change of this crime type is not counted as evidence, because the data "
                    f"quality check flags a {flagged}."
                    if len(broken) == 1
                    else "The changes of these crime types are not counted as evidence, because the "
                    f"data quality check flags a {flagged}."
                ),
                "changes",
                {r.crime_type: r.change_test for r in broken},
            )
        )
    apart = [r for r in counted if r.versus_force_change in ("higher", "lower")]
    if apart and a.area.force_name:
        apart_text = "; ".join(
            f"{r.crime_type.lower()} {whole_percent(r.change_percent or 0):+d}% here against "
            f"{whole_percent(r.force_change_percent or 0):+d}% in the rest of the force area "
            f"(adjusted {_p(r.versus_force_change_p_adjusted or 0)})"
            for r in apart
        )
        out.append(
            Finding(
                "crime-types",
                f"Over the same months, {'this crime type' if len(apart) == 1 else 'these crime types'} "
                f"changed significantly differently from the rest of {a.area.force_name}: {apart_text}.",
                "changes",
                {r.crime_type: r.versus_force_change for r in apart},
            )
        )
    return out


def _people_findings(a: StrategicAssessment) -> list[Finding]:
    p = a.people
    out = []
    note = " (synthetic data)" if p.synthetic else ""
    for s in p.shares:
        if s.measure == "Domestic-related":
            out.append(
                Finding(
                    "people",
                    f"{s.percent:.0f}% of crime and ASB in the extract was domestic-"
                    f"related (95% CI {s.lower:.0f}% to {s.upper:.0f}%){note}.",
                    "people-shares",
                    {"percent": s.percent},
                )
            )
    for r in p.repeats:
        if r.kind == "Victims" and r.repeats >= 5:
            out.append(
                Finding(
                    "people",
                    f"{r.repeat_percent:.0f}% of victims were repeat victims (95% CI "
                    f"{r.repeat_lower:.0f}% to {r.repeat_upper:.0f}%), and they were the victims in "
                    f"{r.events_on_repeats_percent:.0f}% of crimes{note}.",
                    "people-repeats",
                    {"repeat_percent": r.repeat_percent, "events_percent": r.events_on_repeats_percent},
                )
            )
    over = [g for g in p.groups if g.label == "over" and g.victims >= 5]
    if over:
        listed = "; ".join(
            f"{g.group.lower()}: {g.population_percent:.0f}% of residents but "
            f"{g.victim_percent:.0f}% of victims"
            for g in over
        )
        out.append(
            Finding(
                "people",
                f"Groups over-represented among victims{note}: {listed}.",
                "people-groups",
                {g.group: g.index for g in over},
            )
        )
    if not over and p.groups:
        out.append(
            Finding(
                "people",
                f"No age group was significantly over-represented among victims{note}.",
                "people-groups",
                {},
            )
        )
    return out


def _national_findings(a: StrategicAssessment) -> list[Finding]:
    n = a.national
    out = []
    total = n.rows[0] if n.rows and n.rows[0].offence_group.startswith("Total") else None
    if total:
        peers = (
            f"; it ranks {total.rank} of {total.rank_of} among similar areas, where 1 is the highest rate"
            if total.rank
            else ""
        )
        relation = (
            "similar to" if total.versus_england_wales == "similar" else f"{total.versus_england_wales} than"
        )
        out.append(
            Finding(
                "comparison",
                f"In the {n.period_label.split(' (')[0]}, {n.csp_name}'s police recorded crime "
                f"rate was {total.rate:.1f} per 1,000 residents, {relation} England and Wales "
                f"({total.england_wales_rate:.1f}){peers}.",
                "national",
                {"rate": total.rate, "england_wales": total.england_wales_rate, "rank": total.rank},
            )
        )
    higher = [
        r for r in n.rows[1:] if r.versus_england_wales == "higher" and r.versus_peers in ("higher", None)
    ]
    if higher:
        listed = "; ".join(
            f"{r.offence_group.lower()} ({r.rate:.1f} against {r.england_wales_rate:.1f})" for r in higher
        )
        out.append(
            Finding(
                "comparison",
                f"Offence groups with rates significantly higher than England "
                f"and Wales and not lower than similar areas: {listed}.",
                "national",
                {r.offence_group: r.rate for r in higher},
            )
        )
    return out
