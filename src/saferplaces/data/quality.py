"""Data quality and coverage checks on the store, for an area and period.

The checks, each a ``QualityCheck`` in the result:

``missing-months``      force-months in the period the store does not hold
``no-location``         rows with no LSOA (police.uk "No Location"): kept, but in no ward or district
``unknown-lsoa``        LSOA codes found in no ONS lookup
``duplicate-crime-ids`` Crime IDs that appear on more than one row
``series-breaks``       crime types whose average monthly count in the force's series changes
                        by half or more between the same calendar months of consecutive years
                        held (a change of recording, not of crime, until shown otherwise)
``outside-force-area``  rows a force recorded in another force's area (kept, and counted
                        in their own district)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from saferplaces.data.aggregates import Aggregates, in_months, where
from saferplaces.data.areas import Area
from saferplaces.data.counts import describe_missing, forces_for_area, months_coverage
from saferplaces.data.periods import MONTH_NAMES, Period, make_period
from saferplaces.data.sql import literal_list, run
from saferplaces.data.store import Store
from saferplaces.defaults import DEFAULTS
from saferplaces.wording import counted, in_window, the_window, whole_percent

#: A year-on-year ratio of average monthly counts beyond this (or below its inverse) is a break
#: (the registry's value, ``saferplaces.defaults``).
BREAK_RATIO = DEFAULTS.break_ratio


@dataclass(frozen=True)
class QualityCheck:
    """One check: ``status`` is "ok" or "warning"; ``rows`` give the detail."""

    check: str
    status: str
    count: int
    summary: str
    columns: tuple[str, ...] = ()
    rows: tuple[tuple, ...] = ()


@dataclass(frozen=True)
class QualityReport:
    """Every check for one area (or the whole store) and period."""

    area: Area | None
    period: Period
    checks: tuple[QualityCheck, ...]
    assumptions: tuple[str, ...] = field(default=())
    snapshot_id: int | None = None

    @property
    def warnings(self) -> int:
        return sum(1 for c in self.checks if c.status == "warning")

    def to_dict(self) -> dict:
        return {
            "area": None if self.area is None else {"code": self.area.code, "name": self.area.name},
            "period": {"start": self.period.start, "end": self.period.end, "label": self.period.label},
            "checks": [
                {
                    "check": c.check,
                    "status": c.status,
                    "count": c.count,
                    "summary": c.summary,
                    "detail": [dict(zip(c.columns, r, strict=True)) for r in c.rows],
                }
                for c in self.checks
            ],
            "assumptions": list(self.assumptions),
            "snapshot_id": self.snapshot_id,
        }


def _held_period(store: Store) -> Period:
    months = sorted(m for ms in store.force_months().values() for m in ms)
    if not months:
        from saferplaces.errors import InputError

        raise InputError(
            "The store holds no police.uk data yet.", "Run 'saferplaces demo' or 'saferplaces ingest' first."
        )
    return make_period(months[0], months[-1], "months")


def _breaks_listed(breaks: list[tuple]) -> str:
    """'anti-social behaviour from 2019 to 2024 (monthly average over January to February: -64%)'."""
    return "; ".join(
        f"{t.lower()} from {before} to {after} (monthly average over {months}: "
        + ("from none" if pct is None else f"{whole_percent(pct):+d}%")
        + ")"
        for t, before, _, after, _, pct, months in breaks
    )


def _calendar_months(months: list[str]) -> str:
    """'January to April' for a run of calendar months; otherwise their names, comma-separated."""
    numbers = sorted({int(m[5:]) for m in months})
    names = [MONTH_NAMES[n - 1] for n in numbers]
    if len(numbers) > 1 and numbers == list(range(numbers[0], numbers[-1] + 1)):
        return f"{names[0]} to {names[-1]}"
    return ", ".join(names)


def _check(name: str, count: int, ok: str, warn: str, columns=(), rows=()) -> QualityCheck:
    return QualityCheck(
        name,
        "warning" if count else "ok",
        count,
        warn if count else ok,
        tuple(columns),
        tuple(tuple(r) for r in rows),
    )


def quality_report(
    store: Store,
    area: Area | None = None,
    period: Period | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
    aggregates: Aggregates | None = None,
) -> QualityReport:
    """Run every data quality check for ``area`` (default: everything held) and ``period``.

    ``con`` reuses an open connection to the store (one is opened when None);
    ``aggregates`` reuses rows already counted (they must cover the area's force).
    """
    store = store.snapshot()  # months held and rows read from one state (give the snapshot of ``con``)
    con = aggregates.con if aggregates is not None else (con or store.connect())
    period = period or _held_period(store)
    months = period.months
    held_by_force = store.force_months()
    if area is None:
        forces = sorted(held_by_force)
        scope = "true"
        pfas = None
    else:
        forces = forces_for_area(con, area)
        scope = where(area)
        pfas = [
            r[0]
            for r in run(
                con,
                "select distinct pfa_code from forces where force in "
                "(select unnest(?)) and pfa_code is not null",
                [forces],
            ).fetchall()
        ]
        if area.level == "force":
            pfas = sorted(set(pfas) | {area.code})
        pfas = pfas or None
    if aggregates is None or not aggregates.covers(pfas, area=area):
        aggregates = Aggregates(con, pfas, point_months=[], areas=None if area is None else [area])
    agg = aggregates
    force_list = forces or [""]
    in_period = in_months(months)
    checks: list[QualityCheck] = []

    # missing force-months
    if area is None:
        missing = [(f, m) for f in forces for m in months if m not in held_by_force.get(f, set())]
    else:
        _, gap = months_coverage(store, con, area, period)
        missing = [(f, m) for f in force_list for m in gap]
    by_force: dict[str, list[str]] = {}
    for f, m in missing:
        by_force.setdefault(f, []).append(m)
    checks.append(
        _check(
            "missing-months",
            len(missing),
            f"Every month of {the_window(period.label)} is held.",
            f"{counted(len(missing), 'force-month')} {in_window(period.label)} "
            f"{'is' if len(missing) == 1 else 'are'} not held.",
            ("force", "months_missing"),
            [(f, describe_missing(ms)) for f, ms in by_force.items()],
        )
    )

    # rows without location: they belong to the forces, never to a district or ward
    recorded_by = f"force in (select unnest({literal_list(force_list)}))"
    rows = agg.sql(
        f"select force, coalesce(sum(n) filter (where no_location), 0), sum(n) from {agg.by_force} "
        f"where {recorded_by} and {in_period} group by 1 order by 1"
    )
    no_loc = sum(r[1] for r in rows)
    recorded = sum(r[2] for r in rows)
    checks.append(
        _check(
            "no-location",
            no_loc,
            "Every row has a location.",
            f"{no_loc:,} of the {counted(recorded, 'row')} the police force recorded "
            f"{in_window(period.label)} {'has' if no_loc == 1 else 'have'} no location, so "
            f"{'it is' if no_loc == 1 else 'they are'} in no ward or district"
            + (
                " (they are counted in the force total)."
                if area is None or area.level == "force"
                else f" and not in {area.name}'s counts."
            ),
            ("force", "rows_without_location", "rows", "share_percent"),
            [(f, n, t, round(100 * n / t, 2) if t else 0.0) for f, n, t in rows],
        )
    )

    # LSOAs not in any lookup
    rows = agg.sql(
        f"select lsoa_code, any_value(lsoa_name), sum(n) from {agg.unknown} where {recorded_by} and "
        f"{in_period} group by 1 order by 3 desc, 1"
    )
    checks.append(
        _check(
            "unknown-lsoa",
            sum(r[2] for r in rows),
            "Every LSOA code is in the ONS lookups.",
            f"{counted(len(rows), 'LSOA code')} on {counted(sum(r[2] for r in rows), 'row')} "
            f"{in_window(period.label)} {'is' if len(rows) == 1 else 'are'} in no ONS lookup.",
            ("lsoa_code", "lsoa_name", "rows"),
            rows,
        )
    )

    # duplicate Crime IDs
    dupes = (
        f"select crime_id, count(*) as n, string_agg(distinct month, ' ' order by month) as months "
        f"from {agg.repeats} where {scope} and {in_period} group by 1 having count(*) > 1"
    )
    rows = agg.sql(f"{dupes} order by 2 desc, 1 limit 50")
    total_dupes = agg.sql(f"select count(*) from ({dupes})")[0][0]
    checks.append(
        _check(
            "duplicate-crime-ids",
            total_dupes,
            "No Crime ID appears twice.",
            f"{counted(total_dupes, 'Crime ID')} {in_window(period.label)} "
            f"{'appears' if total_dupes == 1 else 'appear'} on more than one row.",
            ("crime_id", "rows", "months"),
            rows,
        )
    )

    # breaks in series: average monthly count by crime type in consecutive years held, over the
    # calendar months both years hold (so that a part-year is not set against a whole one)
    # Recording practice changes force-wide, and a district's small monthly counts swing by half
    # by chance, so the series checked are the whole force's (the forces covering the area).
    break_scope = (
        scope
        if area is None or not pfas
        else "(" + " or ".join(where(Area("force", code, code)) for code in pfas) + ")"
    )
    monthly = agg.sql(
        f"select crime_type, month, sum(n) from {agg.counts} where {break_scope} group by all order by 1, 2"
    )
    held_months = sorted({m for ms in held_by_force.values() for m in ms} if area is None else
                         {m for f in forces for m in held_by_force.get(f, set())})  # fmt: skip
    by_year: dict[str, set[str]] = {}
    for m in held_months:
        by_year.setdefault(m[:4], set()).add(m[5:])
    counts_by: dict[tuple[str, str], int] = {(t, m): int(n) for t, m, n in monthly}
    types = sorted({t for t, _ in counts_by})
    years = sorted(by_year)
    breaks = []
    for crime_type in types:
        for before, after in zip(years[:-1], years[1:], strict=True):  # consecutive years held
            common = sorted(by_year[before] & by_year[after])
            if not common:
                continue
            mean_before = sum(counts_by.get((crime_type, f"{before}-{m}"), 0) for m in common) / len(common)
            mean_after = sum(counts_by.get((crime_type, f"{after}-{m}"), 0) for m in common) / len(common)
            if mean_before == 0 and mean_after == 0:
                continue
            ratio = mean_after / mean_before if mean_before else float("inf")
            if ratio >= BREAK_RATIO or ratio <= 1 / BREAK_RATIO:
                breaks.append(
                    (
                        crime_type,
                        before,
                        round(mean_before, 1),
                        after,
                        round(mean_after, 1),
                        round(100 * (ratio - 1), 1) if mean_before else None,
                        _calendar_months([f"{after}-{m}" for m in common]),
                    )
                )
    checks.append(
        _check(
            "series-breaks",
            len(breaks),
            "No crime type's monthly average changes by half or more between the same months of "
            "consecutive years held.",
            f"{counted(len(breaks), 'possible break')} in series in the police force area's "
            f"monthly counts: {_breaks_listed(breaks)}. Treat the years either side as separate "
            "series until the cause is known.",
            (
                "crime_type",
                "from_year",
                "monthly_mean_before",
                "to_year",
                "monthly_mean_after",
                "change_percent",
                "months_compared",
            ),
            breaks,
        )
    )

    # rows outside the force area
    rows = agg.sql(
        f"select force, coalesce(lad_name, 'unknown'), sum(n) from {agg.by_force} "
        f"where in_force_area = false and {recorded_by} and {in_period} "
        f"group by all order by 3 desc, 1, 2"
    )
    outside = sum(r[2] for r in rows)
    checks.append(
        _check(
            "outside-force-area",
            outside,
            "No row lies outside its force's area.",
            f"{counted(outside, 'row')} {in_window(period.label)} "
            f"{'lies' if outside == 1 else 'lie'} outside the recording force's area; "
            f"{'it is' if outside == 1 else 'they are'} kept and counted in "
            f"{'its' if outside == 1 else 'their'} own district.",
            ("force", "district", "rows"),
            rows,
        )
    )

    assumptions = (
        f"A break in series is flagged when a crime type's average monthly count changes by a "
        f"factor of {BREAK_RATIO:g} or more between consecutive calendar years held, over the calendar "
        "months both years hold, in the whole police force area's series (recording practice changes "
        "force-wide).",
    )
    return QualityReport(area, period, tuple(checks), assumptions, snapshot_id=store.id)


__all__ = ["BREAK_RATIO", "QualityCheck", "QualityReport", "quality_report"]
