"""Every sentence the residents' pages make from the figures: translatable templates, filled in here.

Each template is in ``TEMPLATES`` with example values, so the tests can check every one
for reading age (``textstat``) in English and that Welsh has a translation. A sentence
is made only when it is true for the figures held.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import get_language, gettext, gettext_noop

from saferplaces.assessment.local_picture import LocalPicture
from saferplaces.disclosure import SMALLEST_PUBLISHED_COUNT
from saferplaces.indicators.periods import parse_period_label
from saferplaces.web.public.welsh import mutate_months

MONTHS = (
    gettext_noop("January"),
    gettext_noop("February"),
    gettext_noop("March"),
    gettext_noop("April"),
    gettext_noop("May"),
    gettext_noop("June"),
    gettext_noop("July"),
    gettext_noop("August"),
    gettext_noop("September"),
    gettext_noop("October"),
    gettext_noop("November"),
    gettext_noop("December"),
)

#: A year's mid-year estimate, as the population sentences name it.
MID_YEAR = gettext_noop("mid-%(year)s")

#: template name: (template, example values). Every template is a sentence or two of plain English.
TEMPLATES: dict[str, tuple[str, dict[str, object]]] = {
    "window": (
        gettext_noop("These figures are for 12 months. They run from %(start)s to %(end)s."),
        {"start": "January 2025", "end": "December 2025"},
    ),
    "crime": (
        gettext_noop(
            "Police recorded %(count)s crimes in %(area)s. That is %(rate)s for every 1,000 people."
        ),
        {"count": "8,773", "area": "Stafford", "rate": "63.9"},
    ),
    "asb": (
        gettext_noop(
            "There were %(count)s reports of anti-social behaviour in %(area)s. "
            "That is %(rate)s for every 1,000 people."
        ),
        {"count": "1,548", "area": "Stafford", "rate": "11.3"},
    ),
    "higher": (
        gettext_noop(
            "This is higher than in the %(force)s police area as a whole (%(rate)s for every 1,000 people)."
        ),
        {"force": "Staffordshire", "rate": "76.1"},
    ),
    "similar": (
        gettext_noop(
            "This is about the same as in the %(force)s police area as a whole "
            "(%(rate)s for every 1,000 people)."
        ),
        {"force": "Staffordshire", "rate": "76.1"},
    ),
    "lower": (
        gettext_noop(
            "This is lower than in the %(force)s police area as a whole (%(rate)s for every 1,000 people)."
        ),
        {"force": "Staffordshire", "rate": "76.1"},
    ),
    "estimate": (
        gettext_noop("For the rates we use the ONS population estimates for %(year)s."),
        {"year": "mid-2021"},
    ),
    "estimate_downloaded": (
        gettext_noop(
            "For the rates we use the ONS population estimates for %(year)s. We got them from ONS on %(day)s."
        ),
        {"year": "mid-2023", "day": "3 December 2026"},
    ),
    "ward_estimate_same": (gettext_noop("The rates for wards use estimates for the same year."), {}),
    "ward_estimate_other": (
        gettext_noop(
            "The rates for wards use the ONS estimates for %(years)s, the newest we have for wards. "
            "That is not the same year as the estimate for %(area)s."
        ),
        {"years": "mid-2020", "area": "Stafford"},
    ),
    "ward_estimate_some": (
        gettext_noop(
            "Some rates for wards use the ONS estimates for %(years)s, the newest we have for them. "
            "The other wards use the same year as %(area)s."
        ),
        {"years": "mid-2020", "area": "Stafford"},
    ),
    "test": (
        gettext_noop(
            "We only say higher or lower when the gap is too big to be down to chance. "
            "If not, we say it is about the same."
        ),
        {},
    ),
    "no_range": (
        gettext_noop(
            "We cannot yet say if crime is usual for the time of year. "
            "To do that we need the same months from the three years before, and we do not have them."
        ),
        {},
    ),
    "range_counts": (
        gettext_noop(
            "Crime was higher than usual in %(above)s of the 12 months. "
            "It was lower than usual in %(below)s of them."
        ),
        {"above": "2", "below": "1"},
    ),
    "range_all_within": (
        gettext_noop("Crime was within its usual range for the time of year in every month."),
        {},
    ),
    "privacy": (
        gettext_noop(
            "To protect people, we do not show numbers from 1 to %(largest)s. "
            "We also hide a few other numbers, so that the hidden ones cannot be worked out."
        ),
        {"largest": "4"},
    ),
    "wards": (
        gettext_noop("The table shows the figures for each of the %(count)s wards in %(area)s."),
        {"count": "23", "area": "Stafford"},
    ),
    "why_rank": (
        gettext_noop(
            "We looked at the figures from %(start)s to %(end)s. "
            "This came %(rank)s of %(of)s on our list of problems."
        ),
        {"start": "April 2024", "end": "March 2025", "rank": "2", "of": "9"},
    ),
    "why_statutory": (gettext_noop("The law says the partnership must work on this."), {}),
    "why_community": (gettext_noop("People who live here told us this matters to them."), {}),
    "next_due": (gettext_noop("We aim to finish this by %(month)s."), {"month": "March 2026"}),
    "no_update": (gettext_noop("We have no news to share on this yet."), {}),
    "target_baseline": (
        gettext_noop("%(what)s. At the start, in %(period)s, it was %(value)s."),
        {"what": "Crime in the town centre", "value": "3,502", "period": "2017/18"},
    ),
    "target_start": (
        gettext_noop("%(what)s. At the start it was %(value)s."),
        {"what": "Crime in the town centre", "value": "3,502"},
    ),
    "target_what": (gettext_noop("We keep track of this: %(what)s."), {"what": "crime in the town centre"}),
    "target_part": (
        gettext_noop("This only counts %(held)s of the %(whole)s months: %(start)s to %(end)s."),
        {"held": "8", "whole": "12", "start": "April 2025", "end": "November 2025"},
    ),
    "period_months": (
        gettext_noop("%(period)s (%(start)s to %(end)s)"),
        {"period": "2025/26 Q2", "start": "July 2025", "end": "September 2025"},
    ),
    "target_reduce": (gettext_noop("We aim to bring this down."), {}),
    "target_increase": (gettext_noop("We aim to make this go up."), {}),
    "target_latest": (
        gettext_noop("In %(period)s it was %(value)s."),
        {"period": "2025/26", "value": "2,950"},
    ),
    "target_per_month": (
        gettext_noop(
            "%(latest)s is %(latest_months)s months long and %(base)s is %(base_months)s months long. "
            "So we look at the number for each month."
        ),
        {"latest": "2025/26 Q2", "latest_months": "3", "base": "2018", "base_months": "12"},
    ),
    "target_fall_significant": (
        gettext_noop(
            "That is a fall. Our test says it is too big to be chance: it is statistically significant."
        ),
        {},
    ),
    "target_rise_significant": (
        gettext_noop(
            "That is a rise. Our test says it is too big to be chance: it is statistically significant."
        ),
        {},
    ),
    "target_fall_spc": (gettext_noop("That is a fall. It is more than the usual ups and downs."), {}),
    "target_rise_spc": (gettext_noop("That is a rise. It is more than the usual ups and downs."), {}),
    "target_no_change": (
        gettext_noop(
            "Our test says the change could be down to chance. It is not statistically significant."
        ),
        {},
    ),
    "target_not_enough": (gettext_noop("We do not have enough figures yet to say if it has changed."), {}),
    "target_change_hidden": (
        gettext_noop(
            "We do not say if this has changed. The numbers are so small that they could point to someone."
        ),
        {},
    ),
    "easy_intro": (
        gettext_noop(
            "This is a short guide. It tells you what %(partnership)s said it would do, and what it did."
        ),
        {"partnership": "Stafford Community Safety Partnership"},
    ),
    "easy_said": (gettext_noop("We said we would do this:"), {}),
    "easy_did": (gettext_noop("This is what we did:"), {}),
    "easy_next": (gettext_noop("This is what we will do next:"), {}),
}


def say(name: str, **values: object) -> str:
    """The sentence ``name`` in the active language, filled in (in Welsh, with a month's name
    mutated after the preposition the translation put before it: "i Fedi", "ym Mawrth")."""
    text = gettext(TEMPLATES[name][0]) % values
    return mutate_months(text) if (get_language() or "").startswith("cy") else text


def month_name(month: str) -> str:
    """'January 2025' (or 'Ionawr 2025' in Welsh) for '2025-01'."""
    year, number = month.split("-")
    return f"{gettext(MONTHS[int(number) - 1])} {year}"


def period_words(label: str) -> str:
    """A plan's period with the months it covers, for a resident who does not count in financial
    years: '2025/26 Q2 (July 2025 to September 2025)', '2024/25 (April 2024 to March 2025)';
    '2025-03' is 'March 2025'. A calendar year, or a label that is not a period, is left as it is."""
    span = parse_period_label(label)
    if span is None or span.kind == "calendar-year":
        return label
    months = span.months
    if len(months) == 1:
        return month_name(months[0])
    return say("period_months", period=span.label, start=month_name(months[0]), end=month_name(months[-1]))


def long_date(iso: str) -> str:
    """'3 March 2026' (or '3 Mawrth 2026' in Welsh) for '2026-03-03'."""
    year, month, day = iso[:10].split("-")
    return f"{int(day)} {gettext(MONTHS[int(month) - 1])} {year}"


def number(value: float | int | None, places: int = 0) -> str:
    if value is None:
        return ""
    return f"{value:,.{places}f}"


def summary(picture: LocalPicture) -> list[str]:
    """The sentences at the top of the local picture, each true for ``picture``."""
    out = [say("window", start=month_name(picture.first_month), end=month_name(picture.last_month))]
    force = picture.benchmark.name if picture.benchmark else None
    for kind, figure, bench in (
        ("crime", picture.total.crime, picture.benchmark_crime_rate),
        ("asb", picture.total.asb, picture.benchmark_asb_rate),
    ):
        if figure.count is None or figure.rate is None:
            continue
        out.append(say(kind, count=number(figure.count), area=picture.area.name, rate=number(figure.rate, 1)))
        if force and figure.versus in ("higher", "similar", "lower") and bench is not None:
            out.append(say(figure.versus, force=force, rate=number(bench, 1)))
    if force and picture.benchmark_crime_rate is not None:
        out.append(say("test"))
    return out


def mid_year(year: int) -> str:
    """'mid-2021' (or 'canol 2021' in Welsh)."""
    return gettext(MID_YEAR) % {"year": year}


def estimates(picture: LocalPicture) -> list[str]:
    """Which population estimates the rates use: the area's, and the wards' when their year differs."""
    if picture.population_year is None:
        return []
    year = mid_year(picture.population_year)
    if picture.population_downloaded:
        day = dt.datetime.strptime(picture.population_downloaded, "%d %B %Y").date().isoformat()
        out = [say("estimate_downloaded", year=year, day=long_date(day))]
    else:
        out = [say("estimate", year=year)]
    others = [y for y in picture.ward_population_years if y != picture.population_year]
    if not picture.ward_population_years:
        return out
    if not others:
        out.append(say("ward_estimate_same"))
    else:
        kind = (
            "ward_estimate_other"
            if len(others) == len(picture.ward_population_years)
            else "ward_estimate_some"
        )
        out.append(say(kind, years=", ".join(mid_year(y) for y in others), area=picture.area.name))
    return out


def seasonal(picture: LocalPicture) -> list[str]:
    """What the months say against the usual range for the time of year (or that we cannot say)."""
    if not picture.seasonal_available:
        return [say("no_range")]
    above = sum(1 for m in picture.by_month if m.label == "above")
    below = sum(1 for m in picture.by_month if m.label == "below")
    if above or below:
        return [say("range_counts", above=above, below=below)]
    return [say("range_all_within")]


def privacy() -> str:
    return say("privacy", largest=SMALLEST_PUBLISHED_COUNT - 1)
