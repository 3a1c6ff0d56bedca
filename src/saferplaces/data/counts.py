"""Counting police.uk rows by crime type, ward, LSOA or month for an area and period."""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from saferplaces.data.areas import Area
from saferplaces.data.periods import Period, month_label
from saferplaces.data.policeuk_format import CRIME_TYPES
from saferplaces.data.sql import run
from saferplaces.data.store import Store
from saferplaces.errors import InputError
from saferplaces.wording import in_window

BY_CHOICES = ("crime-type", "ward", "lsoa", "month")


@dataclass(frozen=True)
class CountsResult:
    """Counts for one area and period, one row per group."""

    area: Area
    period: Period
    by: str
    columns: tuple[str, ...]
    rows: tuple[tuple, ...]
    months_held: tuple[str, ...]
    months_missing: tuple[str, ...]
    assumptions: tuple[str, ...] = field(default=())

    @property
    def total(self) -> int:
        return sum(int(r[-1]) for r in self.rows)

    def as_dicts(self) -> list[dict]:
        return [dict(zip(self.columns, r, strict=True)) for r in self.rows]


def forces_for_area(con: duckdb.DuckDBPyConnection, area: Area) -> list[str]:
    """The police.uk forces whose files cover ``area``."""
    if area.level == "force":
        pfa = area.code
    elif area.level == "ward":
        row = run(
            con, "select any_value(pfa_code) from lsoa_lookup where ward_code = ?", [area.code]
        ).fetchone()
        pfa = row[0] if row else None
    else:
        column = "csp_code" if area.level == "csp" else "lad_code"
        row = run(
            con, f"select any_value(pfa_code) from lad_csp_pfa where {column} = ?", [area.code]
        ).fetchone()
        pfa = row[0] if row else None
    return [r[0] for r in run(con, "select force from forces where pfa_code = ?", [pfa]).fetchall()]


def months_coverage(
    store: Store, con: duckdb.DuckDBPyConnection, area: Area, period: Period
) -> tuple[list[str], list[str]]:
    """Return (months held, months missing) in ``period`` for the forces covering ``area``."""
    held_by_force = store.force_months()
    forces = forces_for_area(con, area)
    held, missing = [], []
    for month in period.months:
        if forces and all(month in held_by_force.get(f, set()) for f in forces):
            held.append(month)
        else:
            missing.append(month)
    return held, missing


def describe_missing(months: list[str]) -> str:
    """'2024-05 to 2024-12' style text for a list of months (runs joined)."""
    from saferplaces.data.periods import month_index

    if not months:
        return ""
    runs: list[list[str]] = [[months[0]]]
    for m in months[1:]:
        if month_index(m) == month_index(runs[-1][-1]) + 1:
            runs[-1].append(m)
        else:
            runs.append([m])
    parts = [
        month_label(r[0]) if len(r) == 1 else f"{month_label(r[0])} to {month_label(r[-1])}" for r in runs
    ]
    return ", ".join(parts)


def counts(store: Store, con: duckdb.DuckDBPyConnection, area: Area, period: Period, by: str) -> CountsResult:
    """Count the store's police.uk rows for ``area`` in ``period``, grouped ``by``.

    Parameters
    ----------
    by
        "crime-type" (all 14 police.uk types, zeros included), "ward" (every ward
        of the area, zeros included), "lsoa" (LSOAs with rows) or "month" (the
        months of the period that the store holds).

    Raises
    ------
    InputError
        For an unknown ``by``, or when the store holds no month of the period.
    """
    if by not in BY_CHOICES:
        raise InputError(f"--by '{by}' is not a way to count.", "Use " + ", ".join(BY_CHOICES) + ".")
    held, missing = months_coverage(store, con, area, period)
    if not held:
        raise InputError(
            f"The store holds no police.uk data for {area.name} {in_window(period.label)}.",
            "Run 'saferplaces ingest' with the files for those months, or choose another period.",
        )
    assumptions = []
    if missing:
        assumptions.append(
            f"The store has no data for {describe_missing(missing)}, so the counts cover "
            f"{len(held)} of the {period.length} months."
        )
    where = f"{area.row_filter()} and month in (select unnest(?))"
    if by == "crime-type":
        found = dict(
            run(con, f"select crime_type, count(*) from crimes where {where} group by 1", [held]).fetchall()
        )
        rows = [(t, int(found.get(t, 0))) for t in CRIME_TYPES]
        rows.sort(key=lambda r: (-r[1], r[0]))
        columns = ("crime_type", "count")
    elif by == "ward":
        wards = run(
            con,
            f"with w as (select distinct ward_code, ward_name from lsoa_lookup "
            f"where vintage = '2021' and {area.lookup_filter()}), "
            f"c as (select ward_code, count(*) n from crimes where {where} group by 1) "
            "select w.ward_code, w.ward_name, coalesce(c.n, 0) from w left join c using (ward_code) "
            "union all select null, 'No location or unknown LSOA', n from c where ward_code is null "
            "order by 3 desc, 2",
            [held],
        ).fetchall()
        rows = [(code or "", name, int(n)) for code, name, n in wards if code or n]
        columns = ("ward_code", "ward_name", "count")
    elif by == "lsoa":
        rows = [
            (code or "", name or "No location", vintage or "", int(n))
            for code, name, vintage, n in run(
                con,
                f"select lsoa_code, any_value(lsoa_name), any_value(lsoa_vintage), count(*) "
                f"from crimes where {where} group by 1 order by 4 desc, 1",
                [held],
            ).fetchall()
        ]
        columns = ("lsoa_code", "lsoa_name", "lsoa_vintage", "count")
    else:
        found = dict(
            run(con, f"select month, count(*) from crimes where {where} group by 1", [held]).fetchall()
        )
        rows = [(m, int(found.get(m, 0))) for m in held]
        columns = ("month", "count")
    return CountsResult(
        area, period, by, columns, tuple(rows), tuple(held), tuple(missing), tuple(assumptions)
    )
