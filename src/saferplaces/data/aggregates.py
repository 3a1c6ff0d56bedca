"""Crime rows counted once, so that many questions about many areas need no new scan.

An assessment asks the store dozens of questions: counts by crime type for the area,
its force and every district beside it, for this year, a year earlier and each year
of a trend; by month; by ward; by neighbourhood; map points for hotspots; and the data
quality checks. Each question on the ``crimes`` view reads every Parquet file and
places every row through the ONS lookups. ``Aggregates`` reads the rows once, into
small tables grouped as finely as any question needs, and answers from those.

Tables (temporary, in the connection; their names carry a number, so several sets
can live in one connection):

``counts``  ward, district, CSP, force, recording force, crime type and month: n
``places``  2021 LSOA (and its ward, district, CSP and force) and month: n
``points``  map point, ward and month: n (only the months given as ``point_months``)
``forces``  recording force, month, location known or not, in the force's area or not,
            district: n (for the quality checks)
``unknown`` LSOA codes in no lookup, by recording force and month: n
``repeats`` every row whose Crime ID appears more than once in the scope

"(geography)" is lad_code, csp_code, pfa_code, no_location (the row has no LSOA) and
force_pfa_code (the force area of the force that recorded the row).

The counts equal those of the ``crimes`` view with ``Area.row_filter``: an area's rows
are selected here by ``where(area)``, which follows the same rule.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import duckdb

from saferplaces.data.areas import Area
from saferplaces.data.sql import literal, literal_list, run

_SERIAL = itertools.count(1)


def where(area: Area) -> str:
    """SQL condition selecting ``area``'s rows in the aggregate tables (as ``Area.row_filter``)."""
    code = literal(area.code)
    if area.level == "force":
        return f"(pfa_code = {code} or (no_location and force_pfa_code = {code}))"
    column = {"csp": "csp_code", "district": "lad_code", "ward": "ward_code"}[area.level]
    return f"{column} = {code}"


def in_months(months: Sequence[str]) -> str:
    """SQL condition: ``month`` is one of ``months`` (a list of constants, which DuckDB pushes into scans)."""
    return f"month in ({', '.join(literal(m) for m in sorted(set(months)))})" if months else "false"


class Aggregates:
    """The crime rows of ``scope`` counted once; query them with ``sql`` and the table names.

    Each table is made the first time its name is asked for.

    Parameters
    ----------
    con
        A connection from ``Store.connect()``.
    forces
        Scope: the police force area codes (PFA) whose rows to count (rows placed in their
        areas or recorded by their forces); every row when None.
    point_months
        The months whose map points to keep for hotspots; every month when None.
    areas
        Keep places, points and repeated Crime IDs only for these areas (every area when
        None): what one assessment needs, for a fraction of the work.
    """

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        forces: Sequence[str] | None = None,
        point_months: Sequence[str] | None = None,
        areas: Sequence[Area] | None = None,
    ) -> None:
        self.con = con
        self.forces = None if forces is None else tuple(sorted(set(forces)))
        self.point_months = None if point_months is None else tuple(sorted(set(point_months)))
        self.areas = None if areas is None else tuple(areas)
        self._prefix = f"agg{next(_SERIAL)}"
        self._made: set[str] = set()
        self._answers: dict[tuple[str, str], list[tuple]] = {}
        if self.forces is None:
            self._scope = "true"
        else:
            codes = literal_list(self.forces)
            self._scope = (
                f"(pfa_code in (select unnest({codes})) or force_pfa_code in (select unnest({codes})))"
            )

    def _table(self, name: str) -> str:
        table = f"{self._prefix}_{name}"
        if name in self._made:
            return table
        scope = self._scope
        if self.areas is not None and name in ("places", "points", "repeats"):
            scope = f"{scope} and ({' or '.join(a.row_filter() for a in self.areas) or 'false'})"
        geo = "lad_code, csp_code, pfa_code, lsoa_code is null as no_location, force_pfa_code"
        points = "true" if self.point_months is None else in_months(self.point_months)
        select = {
            "counts": f"select ward_code, {geo}, crime_type, month, count(*) as n from crimes where {scope} "
            "group by all order by pfa_code, lad_code, ward_code, month",
            "places": f"select lsoa21_code, ward_code, {geo}, month, count(*) as n from crimes where {scope} "
            "group by all order by pfa_code, lad_code, month",
            "points": f"select ward_code, ward_name, {geo}, longitude, latitude, month, count(*) as n "
            f"from crimes where {scope} and longitude is not null and {points} "
            "group by all order by pfa_code, lad_code, month, longitude, latitude, ward_name",
            "forces": "select force, month, lsoa_code is null as no_location, in_force_area, lad_name, "
            f"count(*) as n from crimes where {scope} group by all",
            "unknown": "select force, month, lsoa_code, any_value(lsoa_name) as lsoa_name, count(*) as n "
            f"from crimes where {scope} and lsoa_code is not null and lsoa_vintage is null "
            "group by all",
            "repeats": f"select crime_id, ward_code, {geo}, month from crimes where {scope} and crime_id in "
            f"(select crime_id from crimes where {scope} and crime_id is not null "
            "group by 1 having count(*) > 1)",
        }[name]
        self.con.execute(f"create temp table {table} as {select}")
        self._made.add(name)
        return table

    @property
    def counts(self) -> str:
        """Table: ward_code, (geography), crime_type, month, n."""
        return self._table("counts")

    @property
    def places(self) -> str:
        """Table: lsoa21_code, ward_code, (geography), month, n."""
        return self._table("places")

    @property
    def points(self) -> str:
        """Table: ward_code, ward_name, (geography), longitude, latitude, month, n."""
        return self._table("points")

    @property
    def by_force(self) -> str:
        """Table: force (recording), month, no_location, in_force_area, lad_name, n."""
        return self._table("forces")

    @property
    def unknown(self) -> str:
        """Table: force, month, lsoa_code, lsoa_name, n, for LSOA codes in no lookup."""
        return self._table("unknown")

    @property
    def repeats(self) -> str:
        """Table: crime_id, (geography), month: every row whose Crime ID is on more than one row."""
        return self._table("repeats")

    def covers(
        self, pfa_codes: Sequence[str] | None, months: Sequence[str] = (), area: Area | None = None
    ) -> bool:
        """Whether the scope holds every row of these force areas (all rows: None), the points of
        ``months``, and the places, points and repeats of ``area`` (of every area: None)."""
        if self.forces is not None and (pfa_codes is None or not set(pfa_codes) <= set(self.forces)):
            return False
        if self.areas is not None and (area is None or area not in self.areas):
            return False
        return self.point_months is None or set(months) <= set(self.point_months)

    def sql(self, sql: str, params: Sequence | None = None, remember: bool = False) -> list[tuple]:
        """Run a query (on the table names of this object) and fetch every row.

        With ``remember``, the answer is kept and given again for the same query (the tables
        never change): the areas of a batch ask many of the same questions, such as their
        force's counts.
        """
        if not remember:
            return run(self.con, sql, params).fetchall()
        key = (sql, repr(params))
        if key not in self._answers:
            self._answers[key] = run(self.con, sql, params).fetchall()
        return self._answers[key]

    def by_type(self, area: Area, months: Sequence[str]) -> dict[str, int]:
        """{crime type: count} for ``area`` in ``months``."""
        if not months:
            return {}
        return {
            t: int(n)
            for t, n in self.sql(
                f"select crime_type, sum(n) from {self.counts} where {where(area)} and {in_months(months)} "
                "group by 1",
                remember=True,
            )
        }

    def close(self) -> None:
        """Drop the tables made."""
        for name in self._made:
            self.con.execute(f"drop table if exists {self._prefix}_{name}")
        self._made.clear()
        self._answers.clear()
