"""Data quality and coverage checks on the store, for an area and period.

The checks, each a ``QualityCheck`` in the result:

``missing-months``      force-months in the period the store does not hold
``no-location``         rows with no LSOA (police.uk "No Location"): kept, but in no ward or district
``unknown-lsoa``        LSOA codes found in no ONS lookup
``duplicate-crime-ids`` Crime IDs that appear on more than one row
``series-breaks``       crime types whose average monthly count changes by half or more
                        between consecutive years held (a change of recording, not of crime,
                        until shown otherwise)
``outside-force-area``  rows a force recorded in another force's area (kept, and counted
                        in their own district)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from saferplaces.data.aggregates import Aggregates, in_months, where
from saferplaces.data.areas import Area
from saferplaces.data.counts import describe_missing, forces_for_area, months_coverage
from saferplaces.data.periods import Period, make_period
from saferplaces.data.sql import literal_list, run
from saferplaces.data.store import Store

#: A year-on-year ratio of average monthly counts beyond this (or below its inverse) is a break.
BREAK_RATIO = 1.5


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
            f"Every month of the {period.label} is held.",
            f"{len(missing)} force-month(s) from {period.label} are not held.",
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
    checks.append(
        _check(
            "no-location",
            no_loc,
            "Every row has a location.",
            f"{no_loc:,} row(s) have no location, so they are in no ward or district"
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
            f"{len(rows)} LSOA code(s) on {sum(r[2] for r in rows):,} row(s) are in no ONS lookup.",
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
            f"{total_dupes:,} Crime ID(s) appear on more than one row.",
            ("crime_id", "rows", "months"),
            rows,
        )
    )

    # breaks in series: average monthly count per year held, by crime type
    yearly = agg.sql(
        f"select crime_type, substr(month, 1, 4) as year, sum(n) as n, "
        f"count(distinct month) as months from {agg.counts} where {scope} group by all order by 1, 2"
    )
    breaks = []
    last: dict[str, tuple[str, float]] = {}
    for crime_type, year, n, held in yearly:
        mean = n / held
        if crime_type in last:
            prev_year, prev_mean = last[crime_type]
            ratio = mean / prev_mean if prev_mean else float("inf")
            if ratio >= BREAK_RATIO or ratio <= 1 / BREAK_RATIO:
                breaks.append(
                    (
                        crime_type,
                        prev_year,
                        round(prev_mean, 1),
                        year,
                        round(mean, 1),
                        round(100 * (ratio - 1), 1),
                    )
                )
        last[crime_type] = (year, mean)
    checks.append(
        _check(
            "series-breaks",
            len(breaks),
            "No crime type's monthly average changes by half or more between the years held.",
            f"{len(breaks)} possible break(s) in series: treat the years either side as separate "
            "series until the cause is known.",
            (
                "crime_type",
                "from_year",
                "monthly_mean_before",
                "to_year",
                "monthly_mean_after",
                "change_percent",
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
            f"{outside:,} row(s) lie outside the recording force's area; they are kept and counted "
            "in their own district.",
            ("force", "district", "rows"),
            rows,
        )
    )

    assumptions = (
        f"A break in series is flagged when a crime type's average monthly count changes by a "
        f"factor of {BREAK_RATIO} or more between consecutive calendar years held.",
    )
    return QualityReport(area, period, tuple(checks), assumptions, snapshot_id=store.id)


__all__ = ["BREAK_RATIO", "QualityCheck", "QualityReport", "quality_report"]
