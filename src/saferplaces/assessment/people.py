"""People: what a partner extract adds to an assessment.

Domestic-related share, repeat victims, repeat locations and offenders, and the
groups over-represented among victims, each with an interval. Counts drawn from
victim- or person-level data are shown as "fewer than 5" when they are 1 to 4
(disclosure control), in every rendering.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import duckdb

from saferplaces import stats
from saferplaces.data.areas import Area
from saferplaces.data.population import population_by_age, population_by_sex
from saferplaces.data.sql import run
from saferplaces.defaults import DEFAULTS
from saferplaces.errors import InputError

#: Person-level counts below this (and above 0) are suppressed (the registry's threshold).
SMALL = DEFAULTS.suppression_threshold


def shown(count: int) -> str:
    """A person-level count as it may be shown: 1 to 4 become "fewer than 5" (``DEFAULTS``)."""
    return f"fewer than {SMALL}" if 0 < count < SMALL else f"{count:,}"


@dataclass(frozen=True)
class ShareRow:
    measure: str
    events: int
    total: int
    percent: float
    lower: float
    upper: float


@dataclass(frozen=True)
class RepeatRow:
    kind: str
    people_or_places: int
    repeats: int
    repeat_percent: float
    repeat_lower: float
    repeat_upper: float
    events_on_repeats_percent: float


@dataclass(frozen=True)
class GroupRow:
    group: str
    victims: int
    victim_percent: float
    population_percent: float
    index: float
    lower: float
    upper: float
    label: str


@dataclass(frozen=True)
class PeopleSection:
    extract: str
    synthetic: bool
    rows: int
    shares: tuple[ShareRow, ...]
    repeats: tuple[RepeatRow, ...]
    groups: tuple[GroupRow, ...]
    assumptions: tuple[str, ...]


_BAND = re.compile(r"^([0-9]+)(?:-([0-9]+)|\+)$")


def _band_limits(band: str) -> tuple[int, int | None] | None:
    m = _BAND.match(band.strip())
    if not m:
        return None
    return int(m.group(1)), (int(m.group(2)) if m.group(2) else None)


def people_section(
    con: duckdb.DuckDBPyConnection, extract: str, area: Area, months: list[str], year: int
) -> PeopleSection | None:
    """Build the people section from the extract called ``extract`` (view ``partner_extracts``)."""
    where = (
        f"extract = '{extract.replace(chr(39), chr(39) * 2)}' and "
        f"{area.lookup_filter()} and month in (select unnest(?))"
    )
    total, synthetic = run(
        con, f"select count(*), bool_or(synthetic) from partner_extracts where {where}", [months]
    ).fetchone()
    if not total:
        raise InputError(
            f"The extract '{extract}' has no rows for {area.name} in the months assessed.",
            "Check the extract covers this area and period, or leave out --extract.",
        )
    assumptions = [
        f"People measures come from the partner extract '{extract}' ({total:,} rows)"
        + (", which is synthetic: made up for demonstration, not real people." if synthetic else ".")
    ]
    shares = []
    for flag, label in (
        ("domestic", "Domestic-related"),
        ("alcohol", "Alcohol-related"),
        ("hate", "Hate crime"),
        ("vawg", "Violence against women and girls"),
        ("youth", "Involving a young person"),
    ):
        yes, known = run(
            con,
            f"select count(*) filter (where {flag}), count({flag}) from partner_extracts where {where}",
            [months],
        ).fetchone()
        if known:
            p = stats.proportion(yes, known, per=100)
            shares.append(
                ShareRow(label, int(yes), int(known), round(p.value, 1), round(p.lower, 1), round(p.upper, 1))
            )
    repeats = []
    for column, kind in (
        ("victim_id", "Victims"),
        ("location_id", "Locations"),
        ("offender_id", "Offenders"),
    ):
        ids = [
            r[0]
            for r in run(
                con, f"select {column} from partner_extracts where {where} and {column} is not null", [months]
            ).fetchall()
        ]
        if ids:
            r = stats.repeats(ids)
            low, high = r.repeat_share_interval
            repeats.append(
                RepeatRow(
                    kind,
                    r.n_ids,
                    r.n_repeat_ids,
                    round(r.repeat_share * 100, 1),
                    round(low * 100, 1),
                    round(high * 100, 1),
                    round(r.share_of_events_on_repeats * 100, 1),
                )
            )
    groups = []
    bands = run(
        con,
        f"select victim_age_band, count(distinct victim_id) from partner_extracts where "
        f"{where} and victim_id is not null and victim_age_band is not null "
        "group by 1 order by 1",
        [months],
    ).fetchall()
    limits = {b: _band_limits(b) for b, _ in bands}
    usable = [(b, n) for b, n in bands if limits[b]]
    if usable:
        ages = population_by_age(con, area, year)
        if ages.assumption:
            assumptions.append(ages.assumption)
        victims = sum(n for _, n in usable)
        residents = sum(ages.band(*limits[b]) for b, _ in usable)
        for band, n in usable:
            pop = ages.band(*limits[band])
            if pop <= 0:
                continue
            rep = stats.representation(n, victims, pop, residents)
            groups.append(
                GroupRow(
                    f"Aged {band}",
                    int(n),
                    round(n / victims * 100, 1),
                    round(pop / residents * 100, 1),
                    round(rep.index, 0),
                    round(rep.lower, 0),
                    round(rep.upper, 0),
                    rep.label,
                )
            )
        assumptions.append(
            "Over-representation compares each age band's share of victims with its share "
            f"of residents (ONS {ages.estimate}); an index of 200 means twice its share. "
            "Victims with no age band recorded are left out of that comparison."
        )
    by_sex = population_by_sex(con, area)
    sexes = run(
        con,
        f"select victim_sex, count(distinct victim_id) from partner_extracts where {where} "
        "and victim_id is not null and victim_sex in ('female', 'male') group by 1 order by 1",
        [months],
    ).fetchall()
    if by_sex and sexes:
        residents_by_sex, sex_estimate = by_sex
        victims = sum(n for _, n in sexes)
        residents = sum(residents_by_sex.get(s_, 0) for s_, _ in sexes)
        for sex, n in sexes:
            rep = stats.representation(n, victims, residents_by_sex[sex], residents)
            groups.append(
                GroupRow(
                    sex.capitalize(),
                    int(n),
                    round(n / victims * 100, 1),
                    round(residents_by_sex[sex] / residents * 100, 1),
                    round(rep.index, 0),
                    round(rep.lower, 0),
                    round(rep.upper, 0),
                    rep.label,
                )
            )
        assumptions.append(
            f"Victims by sex are compared with residents by sex (ONS {sex_estimate}); "
            "victims recorded as other or unknown are left out of that comparison."
        )
    segments = run(
        con,
        f"select count(distinct segment) from partner_extracts where {where} "
        "and victim_id is not null and segment is not null",
        [months],
    ).fetchone()[0]
    if segments:
        # no denominator exists: the segments are the partnership's own (or a commercial product's)
        assumptions.append(
            f"Victims' population segments ({segments} in the extract) are not tested for "
            "over-representation: Safer Places holds no count of residents by segment."
        )
    assumptions.append("Ethnicity is not a column of the partner extract format, so it is not tested.")
    return PeopleSection(
        extract, bool(synthetic), int(total), tuple(shares), tuple(repeats), tuple(groups), tuple(assumptions)
    )
