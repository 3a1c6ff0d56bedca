"""The local picture for residents: crime and anti-social behaviour in an area and each of its wards.

For the latest 12 consecutive months the store holds: counts, rates per 1,000 residents
with 95% intervals, and whether each rate is higher than, similar to or lower than the
police force area's (``stats.compare``: the intervals do not overlap); the area's months
against the normal range for the time of year (``stats.seasonal_range``) where three
earlier years of the same months are held. Every count passes disclosure control
(``saferplaces.disclosure``) before it leaves this module; a rate, interval or comparison
made from a suppressed count is suppressed with it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

import duckdb

from saferplaces import stats
from saferplaces.data.aggregates import Aggregates, in_months, where
from saferplaces.data.areas import Area, resolve_area
from saferplaces.data.counts import forces_for_area
from saferplaces.data.periods import month_label
from saferplaces.data.policeuk_format import ASB, CRIME_TYPES
from saferplaces.data.population import (
    DOWNLOADED_WARD_SOURCE,
    population,
    ward_population_sentences,
    ward_populations,
)
from saferplaces.data.sql import run
from saferplaces.data.store import Store
from saferplaces.data.summary import latest_twelve
from saferplaces.disclosure import Relation, SuppressedTable, suppress
from saferplaces.errors import AreaNotFoundError, InputError

#: Words a partnership's area name may end with that the ONS names leave out.
_AREA_SUFFIXES = re.compile(r"\s+(borough|district|city|council|borough council|district council)$", re.I)

CRIME = "crime"
"""Key of the "all crime" figure (every police.uk type except anti-social behaviour)."""
KINDS = (CRIME, ASB)


@dataclass(frozen=True)
class Figure:
    """One count and its rate; every field None where disclosure control hides the count."""

    count: int | None
    rate: float | None = None
    lower: float | None = None
    upper: float | None = None
    versus: str | None = None
    """"higher", "similar" or "lower" than the force area; None when not compared or hidden."""

    @property
    def suppressed(self) -> bool:
        return self.count is None


@dataclass(frozen=True)
class PlaceFigures:
    """Figures for the area or one ward: all crime, anti-social behaviour, and each crime type."""

    code: str
    name: str
    population: int | None
    crime: Figure
    asb: Figure
    by_type: tuple[tuple[str, int | None], ...]


@dataclass(frozen=True)
class MonthFigures:
    """One month of the area: counts, and the normal range for crime where history allows."""

    month: str
    crime: int | None
    asb: int | None
    expected: float | None = None
    lower: float | None = None
    upper: float | None = None
    label: str | None = None
    """"above", "within" or "below" the normal range; None without enough history."""


@dataclass(frozen=True)
class LocalPicture:
    """The local picture of ``area`` for ``months`` (12 consecutive months held)."""

    area: Area
    benchmark: Area | None
    months: tuple[str, ...]
    population_year: int | None
    total: PlaceFigures
    benchmark_crime_rate: float | None
    benchmark_asb_rate: float | None
    wards: tuple[PlaceFigures, ...]
    unplaced: PlaceFigures | None
    by_month: tuple[MonthFigures, ...]
    seasonal_available: bool
    history_months: tuple[str, ...]
    suppressed_cells: int
    snapshot: str
    assumptions: tuple[str, ...] = field(default=())
    #: the area's population estimate in words: "mid-2023, downloaded from ONS (Nomis) on 3 December 2026"
    population_estimate: str = ""
    #: the day the area's estimate was downloaded from ONS (Nomis), "3 December 2026"; None when bundled
    population_downloaded: str | None = None
    #: the years of the estimates the wards' rates use (one each, newest held for the ward), oldest first
    ward_population_years: tuple[int, ...] = ()

    @property
    def first_month(self) -> str:
        return self.months[0]

    @property
    def last_month(self) -> str:
        return self.months[-1]

    @property
    def window(self) -> str:
        """'January 2025 to December 2025': the months every figure covers."""
        return f"{month_label(self.months[0])} to {month_label(self.months[-1])}"


def store_snapshot(store: Store) -> str:
    """A short fingerprint of what the store holds (its manifest): changes whenever data are loaded."""
    try:
        content = store.manifest_path.read_bytes()
    except OSError:
        content = b""
    return hashlib.sha256(content).hexdigest()[:16]


def resolve_partnership_area(con: duckdb.DuckDBPyConnection, area_name: str) -> Area:
    """The store's area for a partnership's area name ("Stafford Borough" is the district Stafford).

    Tried in turn: the name, the name without "Borough", "District", "City" or "Council", and
    the first of two areas joined by "and" ("Cannock Chase and Lichfield" is Cannock Chase).
    The assessment pages, the board packs and the residents' site all find an area this way.

    Raises
    ------
    AreaNotFoundError
        When none of these is an area (the message is the full name's).
    """
    name = (area_name or "").strip()
    tries = [name, _AREA_SUFFIXES.sub("", name), name.split(" and ")[0]]
    first: AreaNotFoundError | None = None
    for text in dict.fromkeys(t for t in tries if t):
        try:
            return resolve_area(con, text)
        except AreaNotFoundError as exc:
            first = first or exc
    if first is None:
        return resolve_area(con, name)  # an empty name: the lookup says what is wrong
    raise first


def _force(con: duckdb.DuckDBPyConnection, area: Area) -> Area | None:
    if area.level == "force":
        return None
    key = area.parent_code if area.level == "ward" else area.code
    column = "csp_code" if area.level == "csp" else "lad_code"
    row = run(con, f"select pfa_code, pfa_name from lad_csp_pfa where {column} = ? limit 1", [key]).fetchone()
    return Area("force", row[0], row[1]) if row and row[0] else None


def held_months(store: Store, con: duckdb.DuckDBPyConnection, area: Area) -> set[str]:
    """Months the store holds for every force whose files cover ``area``."""
    by_force = store.force_months()
    forces = forces_for_area(con, area)
    if not forces:
        return set()
    return set.intersection(*(by_force.get(f, set()) for f in forces))


def _rate_figure(count: int | None, pop: int | None, benchmark: stats.RateResult | None) -> Figure:
    if count is None or not pop:
        return Figure(count)
    r = stats.rate(count, pop, per=1000)
    versus = stats.compare(r, benchmark).label if benchmark is not None else None
    return Figure(count, round(r.value, 1), round(r.lower, 1), round(r.upper, 1), versus)


def local_picture(
    store: Store, area: Area | str, con: duckdb.DuckDBPyConnection | None = None
) -> LocalPicture:
    """Build the local picture of ``area`` for the latest 12 consecutive months the store holds.

    Parameters
    ----------
    store
        The data store.
    area
        A district, CSP or force (an ``Area``, or a name or code).
    con
        A connection from ``store.connect()``; opened when None.

    Raises
    ------
    InputError
        When the store does not hold 12 consecutive months for the area.
    """
    con = con or store.connect()
    the_area = area if isinstance(area, Area) else resolve_area(con, area)
    held = held_months(store, con, the_area)
    period = latest_twelve(held)
    if period is None:
        raise InputError(
            f"The store does not hold 12 months in a row of police.uk data for {the_area.name}.",
            "Load the missing months with 'saferplaces ingest' or 'saferplaces download'.",
        )
    months = list(period.months)
    year = int(months[-1][:4])
    assumptions = [
        f"Figures cover the 12 months from {month_label(months[0])} to {month_label(months[-1])}, "
        "the latest 12 months in a row of police data held."
    ]
    force = _force(con, the_area) if the_area.level != "force" else None
    whole = the_area if the_area.level == "force" else force
    if whole is None:
        raise InputError(
            f"{the_area.name} is in no police force area the store knows.",
            "Name a district, CSP or force in England and Wales.",
        )
    agg = Aggregates(con, [whole.code], point_months=[], areas=[whole])
    group_column = "csp_code" if the_area.level == "csp" else "lad_code"
    table, structure = _force_table(store, agg, whole, group_column, months)
    assumptions.extend(table.assumptions)
    assumptions.append(
        f"Counts are hidden by one rule over the whole {whole.name} police force area, so that "
        "no page, file or answer of the API shows a count that another one hides."
    )
    if the_area.level == "force":
        area_key, unplaced_key, months_key = "f", "fu", "fm"
        wards = [w for group in structure.values() for w in group]
    else:
        area_key, unplaced_key = f"g:{the_area.code}", f"gu:{the_area.code}"
        months_key = f"gm:{the_area.code}"
        wards = structure.get(the_area.code, [])
    wards = sorted(wards, key=lambda w: (w[1], w[0]))

    # the benchmark: the force area's rates for the same months
    crimes = [t for t in CRIME_TYPES if t != ASB]
    bench_rates: dict[str, stats.RateResult] = {}
    force_pop = None
    if force is not None:
        try:
            force_pop = population(con, force, year).value
        except InputError:
            assumptions.append(f"No population is held for {force.name}, so rates are not compared with it.")
        if force_pop:
            force_counts = agg.by_type(force, months)
            bench_rates[CRIME] = stats.rate(sum(force_counts.get(t, 0) for t in crimes), force_pop, per=1000)
            bench_rates[ASB] = stats.rate(force_counts.get(ASB, 0), force_pop, per=1000)
            assumptions.append(
                f"Each rate is compared with the rate for the whole {force.name} police force area in the "
                "same months: 'higher' or 'lower' means the two 95% confidence intervals do not overlap."
            )

    def place(key: str, code: str, name: str, pop: int | None) -> PlaceFigures:
        return PlaceFigures(
            code,
            name,
            pop,
            _rate_figure(table.value(f"{key}|{CRIME}"), pop, bench_rates.get(CRIME)),
            _rate_figure(table.value(f"{key}|{ASB}"), pop, bench_rates.get(ASB)),
            tuple((t, table.value(f"{key}|{t}")) for t in CRIME_TYPES),
        )

    area_pop = population(con, the_area, year)
    if area_pop.assumption:
        assumptions.append(area_pop.assumption)
    if area_pop.downloaded:
        assumptions.append(
            f"{the_area.name}'s rates use the ONS population estimate for {area_pop.estimate}."
        )
    pops = ward_populations(con, [code for code, _ in wards], year)
    if pops and any(p.source == DOWNLOADED_WARD_SOURCE for p in pops.values()):
        assumptions.extend(ward_population_sentences(pops, dict(wards)))
    elif pops:
        first = next(iter(pops.values()))
        assumptions.append(
            f"Ward rates use ONS mid-{first.year} population estimates, the newest held for wards."
        )
    total = place(area_key, the_area.code, the_area.name, area_pop.value)
    ward_figures = tuple(
        place(f"w:{code}", code, name, pops[code].value if code in pops else None) for code, name in wards
    )
    unplaced = None
    if f"{unplaced_key}|{CRIME}" in table.published:
        unplaced = place(unplaced_key, "", "No location or not in a ward", None)
        assumptions.append(
            "Some reports have no location or a location in no ward; they count in the area's "
            "figures and are shown on their own row."
        )

    # the months against the normal range for the time of year
    history = sorted(m for m in held if m <= months[-1])
    history_counts = {
        m: int(n)
        for m, n in agg.sql(
            f"select month, coalesce(sum(n) filter (where crime_type <> '{ASB}'), 0) from {agg.counts} "
            f"where {where(the_area)} and {in_months(history)} group by 1"
        )
    }
    seasonal = stats.seasonal_range([history_counts.get(m, 0) for m in history], history)
    position = {m: i for i, m in enumerate(history)}
    by_month = []
    for m in months:
        i = position[m]
        label = seasonal.labels[i]
        row = MonthFigures(
            m, table.value(f"{months_key}:{m}|{CRIME}"), table.value(f"{months_key}:{m}|{ASB}")
        )
        if label != "not-enough-history" and row.crime is not None:
            row = MonthFigures(
                m,
                row.crime,
                row.asb,
                round(float(seasonal.expected[i]), 1),
                round(float(seasonal.lower[i]), 1),
                round(float(seasonal.upper[i]), 1),
                label,
            )
        by_month.append(row)
    seasonal_available = any(r.label for r in by_month)
    if seasonal_available:
        assumptions.extend(a for a in seasonal.assumptions if a not in assumptions)
    else:
        assumptions.append(
            "The normal range for a month needs the same month in each of the three years before; "
            "those months are not held, so no month is judged against it."
        )
    return LocalPicture(
        the_area,
        force,
        tuple(months),
        area_pop.year,
        total,
        round(bench_rates[CRIME].value, 1) if CRIME in bench_rates else None,
        round(bench_rates[ASB].value, 1) if ASB in bench_rates else None,
        ward_figures,
        unplaced,
        tuple(by_month),
        seasonal_available,
        tuple(history),
        sum(
            1
            for k in _keys_of(area_key, unplaced_key, months_key, wards, months)
            if k in table.published and table.value(k) is None
        ),
        store_snapshot(store),
        tuple(assumptions),
        area_pop.estimate,
        area_pop.downloaded,
        tuple(sorted({pops[code].year for code, _ in wards if code in pops})),
    )


def _keys_of(area: str, unplaced: str, months_key: str, wards: list, months: list[str]) -> list[str]:
    """The keys of the cells one area's picture publishes."""
    places = [area, unplaced, *(f"w:{code}" for code, _ in wards)]
    keys = [f"{p}|{k}" for p in places for k in (*CRIME_TYPES, CRIME)]
    keys += [f"{months_key}:{m}|{k}" for m in months for k in KINDS]
    return keys


_FORCE_TABLES: dict[tuple, tuple[SuppressedTable, dict[str, list[tuple[str, str]]]]] = {}


def _force_table(
    store: Store, agg: Aggregates, force: Area, group_column: str, months: list[str]
) -> tuple[SuppressedTable, dict[str, list[tuple[str, str]]]]:
    """Every count the site publishes for a force area and its districts (or CSPs), suppressed once.

    One table for the whole force area, so that a count hidden on a district's page is hidden on
    the county's page too: two tables suppressed apart could hide different cells, and each would
    give away what the other hides. Kept for the process while the store is unchanged.

    Returns the suppressed table and {district (or CSP) code: [(ward code, ward name), ...]}.
    """
    key = (store_snapshot(store), force.code, group_column, tuple(months))
    if key in _FORCE_TABLES:
        return _FORCE_TABLES[key]
    con = agg.con
    structure: dict[str, list[tuple[str, str]]] = {}
    for code, name, group in run(
        con,
        f"select distinct ward_code, ward_name, {group_column} from lsoa_lookup "
        "where vintage = '2021' and pfa_code = ? order by 3, 1",
        [force.code],
    ).fetchall():
        if group:
            structure.setdefault(group, []).append((code, name))
    counts: dict[str, dict[str, int]] = {}
    for code, group, crime_type, n in agg.sql(
        f"select ward_code, {group_column}, crime_type, sum(n) from {agg.counts} where pfa_code = "
        f"'{force.code}' and {in_months(months)} group by 1, 2, 3"
    ):
        for place in (f"w:{code}" if code else None, f"g:{group}" if group else None):
            if place:
                counts.setdefault(place, {})[crime_type] = counts.get(place, {}).get(crime_type, 0) + int(n)
    counts["f"] = agg.by_type(force, months)
    crimes = [t for t in CRIME_TYPES if t != ASB]
    cells: dict[str, int] = {}
    relations: list[Relation] = []

    def add(place: str, by_type: dict[str, int]) -> None:
        for t in CRIME_TYPES:
            cells[f"{place}|{t}"] = int(by_type.get(t, 0))
        cells[f"{place}|{CRIME}"] = sum(int(by_type.get(t, 0)) for t in crimes)
        relations.append(Relation(f"{place}|{CRIME}", tuple(f"{place}|{t}" for t in crimes)))

    def add_sum(total: str, parts: list[str]) -> None:
        for kind in (*CRIME_TYPES, CRIME):
            relations.append(Relation(f"{total}|{kind}", tuple(f"{p}|{kind}" for p in parts)))

    def residual(total: str, parts: list[str]) -> dict[str, int]:
        return {
            t: counts.get(total, {}).get(t, 0) - sum(counts.get(p, {}).get(t, 0) for p in parts)
            for t in CRIME_TYPES
        }

    add("f", counts["f"])
    groups = [f"g:{g}" for g in structure]
    for group, wards in structure.items():
        add(f"g:{group}", counts.get(f"g:{group}", {}))
        parts = [f"w:{code}" for code, _ in wards]
        for part in parts:
            add(part, counts.get(part, {}))
        rest = residual(f"g:{group}", parts)
        if any(rest.values()):
            add(f"gu:{group}", rest)
            parts.append(f"gu:{group}")
        add_sum(f"g:{group}", parts)
    rest = residual("f", groups)
    if any(rest.values()):
        add("fu", rest)
        groups = [*groups, "fu"]
    add_sum("f", groups)
    monthly = {
        (g, m): (int(c), int(a))
        for g, m, c, a in agg.sql(
            f"select {group_column}, month, coalesce(sum(n) filter (where crime_type <> '{ASB}'), 0), "
            f"coalesce(sum(n) filter (where crime_type = '{ASB}'), 0) from {agg.counts} "
            f"where pfa_code = '{force.code}' and {in_months(months)} group by 1, 2"
        )
    }
    force_months = {
        m: (int(c), int(a))
        for m, c, a in agg.sql(
            f"select month, coalesce(sum(n) filter (where crime_type <> '{ASB}'), 0), "
            f"coalesce(sum(n) filter (where crime_type = '{ASB}'), 0) from {agg.counts} "
            f"where {where(force)} and {in_months(months)} group by 1"
        )
    }
    for total, prefix, found in [("f", "fm", force_months)] + [
        (f"g:{g}", f"gm:{g}", {m: monthly.get((g, m), (0, 0)) for m in months}) for g in structure
    ]:
        for m in months:
            cells[f"{prefix}:{m}|{CRIME}"], cells[f"{prefix}:{m}|{ASB}"] = found.get(m, (0, 0))
        for kind in KINDS:
            relations.append(Relation(f"{total}|{kind}", tuple(f"{prefix}:{m}|{kind}" for m in months)))
    if len(_FORCE_TABLES) >= 4:  # a few force areas at a time; an old snapshot's table is useless
        _FORCE_TABLES.pop(next(iter(_FORCE_TABLES)))
    _FORCE_TABLES[key] = (suppress(cells, relations), structure)
    return _FORCE_TABLES[key]
