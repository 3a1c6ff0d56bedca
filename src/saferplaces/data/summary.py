"""A summary of what the store holds: months by force and totals by district."""

from __future__ import annotations

from dataclasses import dataclass, field

from saferplaces.data.areas import Area
from saferplaces.data.counts import describe_missing
from saferplaces.data.periods import Period, make_period, month_from_index, month_index
from saferplaces.data.population import population
from saferplaces.data.sql import run
from saferplaces.data.store import Store


@dataclass(frozen=True)
class Block:
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple, ...]


@dataclass(frozen=True)
class StoreSummary:
    blocks: tuple[Block, ...]
    assumptions: tuple[str, ...] = field(default=())


def latest_twelve(months: set[str]) -> Period | None:
    """The latest run of 12 consecutive held months, if any, as "12 months to December 2025"."""
    for end in sorted(months, reverse=True):
        run = [month_from_index(month_index(end) - i) for i in range(12)]
        if all(m in months for m in run):
            return make_period(run[-1], end, "rolling-12")
    return None


def store_summary(store: Store) -> StoreSummary:
    """Summarise the store: what each force holds, and per-district totals."""
    store = store.snapshot()  # one state of the store for every block
    con = store.connect()
    held = store.force_months()
    blocks: list[Block] = []
    assumptions: list[str] = []
    rows = []
    for force, months in sorted(held.items()):
        stats = run(
            con,
            "select count(*), count(*) filter (where crime_type = 'Anti-social behaviour'), "
            "count(*) filter (where lsoa_code is null), "
            "count(*) filter (where in_force_area = false) from crimes where force = ?",
            [force],
        ).fetchone()
        first, last = min(months), max(months)
        span = [month_from_index(i) for i in range(month_index(first), month_index(last) + 1)]
        gaps = [m for m in span if m not in months]
        rows.append((force, len(months), first, last, len(gaps), stats[0], stats[1], stats[2], stats[3]))
        if gaps:
            assumptions.append(f"{force}: no data is held for {describe_missing(gaps)}.")
    blocks.append(
        Block(
            "What the store holds",
            (
                "force",
                "months",
                "first",
                "last",
                "months_missing",
                "rows",
                "asb_rows",
                "no_location",
                "outside_force_area",
            ),
            tuple(rows),
        )
    )
    for force, months in sorted(held.items()):
        period = latest_twelve(months)
        if period is None:
            continue
        districts = run(
            con,
            "select lad_code, any_value(lad_name), "
            "count(*) filter (where crime_type <> 'Anti-social behaviour'), "
            "count(*) filter (where crime_type = 'Anti-social behaviour') "
            "from crimes where force = ? and in_force_area and month between ? and ? "
            "group by 1 order by 3 desc",
            [force, period.start, period.end],
        ).fetchall()
        table = []
        year = int(period.end[:4])
        for code, name, crimes, asb in districts:
            pop = population(con, Area("district", code, name), year)
            table.append(
                (name, code, crimes, asb, crimes + asb, pop.value, round(crimes / pop.value * 1000, 1))
            )
            if pop.assumption and pop.assumption not in assumptions:
                assumptions.append(pop.assumption)
        blocks.append(
            Block(
                f"{force}: totals by district, {period.start} to {period.end}",
                ("district", "code", "crimes", "asb", "total", "population", "crimes_per_1000"),
                tuple(table),
            )
        )
        by_year = run(
            con,
            "select lad_name, substr(month, 1, 4) as year, count(*) from crimes "
            "where force = ? and in_force_area group by all",
            [force],
        ).fetchall()
        years = sorted({y for _, y, _ in by_year})
        per_year = {y: len([m for m in months if m.startswith(y)]) for y in years}
        grid: dict[str, dict[str, int]] = {}
        for name, y, n in by_year:
            grid.setdefault(name, {})[y] = n
        blocks.append(
            Block(
                f"{force}: crimes and ASB by district and year (months held in brackets)",
                ("district",) + tuple(f"{y} ({per_year[y]})" for y in years),
                tuple((name,) + tuple(grid[name].get(y, 0) for y in years) for name in sorted(grid)),
            )
        )
    assumptions.append(
        "Rows are placed in districts by their LSOA; rows with no location "
        "and rows outside the force area are left out of district totals."
    )
    return StoreSummary(tuple(blocks), tuple(assumptions))
