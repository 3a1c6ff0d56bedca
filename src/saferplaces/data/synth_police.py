"""Synthetic police.uk street-level rows at national scale, written straight into a store.

For benchmarks and load tests only: the bundled real data cover one force, and the
national targets (about 300 CSPs, three years, 20 million rows) need more rows than
exist here. Nothing made here is real, and nothing here should be read as crime.

What the rows look like
    Every 2021 LSOA of the ONS lookup in a police force area of England and Wales gets
    rows, so every district, CSP, ward and force can be assessed. Each LSOA has a
    skewed weight (log-normal, so crime concentrates in a few places, as in real data);
    each month a seasonal weight (about 10% either way, highest in summer) and each
    district a small yearly trend. The total is shared out over LSOA-months by the
    largest-remainder method, so the store holds exactly the number of rows asked for.
    Crime types follow their shares in the bundled real police.uk months of 2025.
    A small share of each force's rows has no location, as on police.uk.
Places
    The geography joins are real (LSOA codes from the bundled ONS lookup); the map
    points are not: each district sits at a made-up point in a box over England and
    Wales, each LSOA within 8 km of it, and each row on one of eight snap points
    within 300 m of its LSOA. Hotspot maps of these rows mean nothing.
Randomness
    All draws are hashes of (seed, LSOA, month, row number), so the same arguments
    give the same rows on any number of threads.

The rows go into ``crimes/force=<slug>/month=<YYYY-MM>/`` like ingested ones, and the
manifest marks every partition ``"synthetic": true``.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

import duckdb

from saferplaces.data.bundled_files import police_uk_months
from saferplaces.data.policeuk_format import ASB
from saferplaces.data.progress import Progress, no_progress
from saferplaces.data.sql import literal, literal_list
from saferplaces.data.store import Manifest, Store, reference_connection
from saferplaces.errors import InputError

#: Share of each force's rows with no location (police.uk 2024-25: well under 1%).
NO_LOCATION_SHARE = 0.005
#: Spread of the log-normal LSOA weights: 0.9 puts about half the rows in a fifth of LSOAs.
LSOA_SPREAD = 0.9
#: Seasonal swing of the monthly weights, either way.
SEASONAL_SWING = 0.10
#: Largest yearly trend of a district, either way.
TREND = 0.06
_SLOTS = 1000  # resolution of the crime-type draw


@dataclass(frozen=True)
class SyntheticPoliceData:
    """What was written: row count, forces, months and LSOAs."""

    rows: int
    forces: tuple[str, ...]
    months: tuple[str, ...]
    lsoas: int


def _uniform(*parts: str) -> str:
    """SQL for a uniform number in [0, 1) from a hash of ``parts`` (SQL expressions)."""
    return f"((hash({', '.join(parts)}) % 4294967296)::double / 4294967296.0)"


def type_shares(con: duckdb.DuckDBPyConnection) -> dict[str, float]:
    """Each crime type's share of the rows in the bundled real police.uk months of 2025."""
    files = [str(p) for p in police_uk_months() if p.name.startswith("2025-")]
    rows = con.execute(
        f'select "Crime type", count(*) from read_csv({literal_list(files)}, header=true, '
        "all_varchar=true) group by 1 order by 1"
    ).fetchall()
    total = sum(n for _, n in rows)
    return {t: n / total for t, n in rows}


def _type_slots(shares: dict[str, float]) -> list[str]:
    """``_SLOTS`` crime types, each repeated in proportion to its share (largest remainder)."""
    exact = {t: s * _SLOTS for t, s in shares.items()}
    slots = {t: int(v) for t, v in exact.items()}
    for t in sorted(exact, key=lambda t: (-(exact[t] - slots[t]), t))[: _SLOTS - sum(slots.values())]:
        slots[t] += 1
    return [t for t in sorted(slots) for _ in range(slots[t])]


def synthesise_police_store(
    store: Store,
    rows: int,
    months: Sequence[str],
    forces: Sequence[str] | None = None,
    seed: int = 1,
    progress: Progress = no_progress,
) -> SyntheticPoliceData:
    """Write ``rows`` synthetic police.uk rows for ``months`` into an empty ``store``.

    Parameters
    ----------
    store
        A store that holds no police.uk rows yet (a new folder).
    rows
        How many rows to write, exactly.
    months
        The months, as "YYYY-MM".
    forces
        police.uk force names ("staffordshire"); every force of England and Wales when None.
    seed
        Another seed gives other rows.

    Raises
    ------
    InputError
        When the store already holds police.uk rows, or the forces or months are not usable.
    """
    if store.force_months():
        raise InputError(
            f"The store at {store.root} already holds police.uk rows.",
            "Give a new, empty folder: synthetic rows never go beside real ones.",
        )
    months = sorted(set(months))
    if rows < 1 or not months:
        raise InputError(
            "Synthetic rows need at least one row and one month.",
            "Give a positive row count and one or more months such as 2025-01.",
        )
    con = reference_connection()
    con.execute("set preserve_insertion_order = false")
    known = dict(con.execute("select force, pfa_code from forces where pfa_code is not null").fetchall())
    wanted = sorted(known) if forces is None else list(forces)
    unknown = [f for f in wanted if f not in known]
    if unknown:
        raise InputError(
            f"No police force is called {', '.join(repr(f) for f in unknown)}.",
            "Use police.uk force names such as 'staffordshire' or 'west-midlands'.",
        )
    progress("Making synthetic police.uk rows", 0, 3)
    slots = _type_slots(type_shares(con))
    s = literal(str(seed))
    month_list = literal_list(months)
    con.execute(f"""
        create temp table syn_lsoa as
        select l.lsoa_code, l.lsoa_name, l.lad_code, f.force, f.force_name,
               exp({LSOA_SPREAD} * sqrt(-2 * ln(1 - {_uniform(s, "l.lsoa_code", "'w1'")}))
                   * cos(2 * pi() * {_uniform(s, "l.lsoa_code", "'w2'")})) as weight,
               -3.6 + 4.8 * {_uniform(s, "l.lad_code", "'x'")}
                   + 0.24 * ({_uniform(s, "l.lsoa_code", "'x'")} - 0.5) as lon,
               51.0 + 2.8 * {_uniform(s, "l.lad_code", "'y'")}
                   + 0.16 * ({_uniform(s, "l.lsoa_code", "'y'")} - 0.5) as lat,
               {TREND} * (2 * {_uniform(s, "l.lad_code", "'t'")} - 1) as trend
        from lsoa_lookup l join forces f on f.pfa_code = l.pfa_code
        where l.vintage = '2021' and f.force in (select unnest({literal_list(wanted)}))
    """)
    lsoas = con.execute("select count(*) from syn_lsoa").fetchone()[0]
    # expected rows per LSOA-month, then exactly ``rows`` by the largest remainder
    con.execute(f"""
        create temp table syn_cells as
        with m as (
            select month, row_number() over (order by month) - 1 as i
            from (select unnest({month_list}) as month)
        ),
        e as (
            select l.lsoa_code, m.month,
                   l.weight * (1 + {SEASONAL_SWING} * sin(2 * pi() * (substr(m.month, 6, 2)::int - 4) / 12))
                       * (1 + l.trend * m.i / 12) as w
            from syn_lsoa l cross join m
        ),
        x as (select lsoa_code, month, w / sum(w) over () * {rows} as expected from e),
        f as (select *, floor(expected)::bigint as base, expected - floor(expected) as frac from x)
        select lsoa_code, month,
               base + (row_number() over (order by frac desc, lsoa_code, month)
                       <= {rows} - sum(base) over ())::int as n
        from f
    """)
    con.execute("delete from syn_cells where n = 0")
    progress("Making synthetic police.uk rows", 1, 3)
    u_type = _uniform(s, "c.lsoa_code", "c.month", "r.i", "'type'")
    u_loc = _uniform(s, "c.lsoa_code", "c.month", "r.i", "'where'")
    point = f"(hash({s}, c.lsoa_code, c.month, r.i, 'point') % 8)"
    select = f"""
        with rows as (
            select c.lsoa_code, c.month, r.i, l.lsoa_name, l.force, l.force_name, l.lon, l.lat,
                   {literal_list(slots)}[1 + floor({_SLOTS} * {u_type})::int] as crime_type,
                   {u_loc} < {NO_LOCATION_SHARE} as no_location, {point} as point
            from syn_cells c join syn_lsoa l using (lsoa_code), range(c.n) r(i)
            where l.force = {{force}}
        )
        select case when crime_type = {literal(ASB)} then null
                    else printf('%016x%016x', hash({s}, lsoa_code, month, i, 'id1'),
                                hash({s}, lsoa_code, month, i, 'id2')) end as crime_id,
               force_name as reported_by, force_name as falls_within,
               case when no_location then null
                    else round(lon + 0.006 * ({_uniform(s, "lsoa_code", "point", "'px'")} - 0.5), 6)
                    end as longitude,
               case when no_location then null
                    else round(lat + 0.004 * ({_uniform(s, "lsoa_code", "point", "'py'")} - 0.5), 6)
                    end as latitude,
               case when no_location then 'No Location' else 'On or near Synthetic Street' end as location,
               case when no_location then null else lsoa_code end as lsoa_code,
               case when no_location then null else lsoa_name end as lsoa_name,
               crime_type,
               case when crime_type = {literal(ASB)} then null
                    else 'Investigation complete; no suspect identified' end as last_outcome_category,
               null::varchar as context,
               case when no_location then null else '2021' end as lsoa_vintage,
               force, month
        from rows
    """
    try:
        with store.lock():
            staged = store.new_work_dir("synthetic")
            out = str(staged / "crimes").replace("'", "''")
            # one force at a time: a few dozen partitions open at once, so one file each
            for i, force in enumerate(wanted):
                con.execute(
                    f"copy ({select.replace('{force}', literal(force))}) to '{out}' (format parquet, "
                    "partition_by (force, month), overwrite_or_ignore true)"
                )
                progress("Making synthetic police.uk rows", 1 + (i + 1) / len(wanted), 3)
            written = con.execute(
                "select l.force, c.month, sum(c.n)::bigint from syn_cells c "
                "join syn_lsoa l using (lsoa_code) group by all"
            ).fetchall()
            manifest = store.read_manifest()
            now = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
            for force, month, n in written:
                folder = f"crimes/force={force}/month={month}"
                manifest.partitions[Manifest.key("crimes", force, month)] = {
                    "sha256": f"synthetic-{seed}",
                    "source": f"synthetic (seed {seed})",
                    "rows": int(n),
                    "ingested_at": now,
                    "lsoa_vintage": "2021",
                    "synthetic": True,
                    "files": [store.place(p, folder) for p in sorted((staged / folder).iterdir())],
                }
            store.commit(manifest)
            store.clear_work()  # under the lock: another writer's work folder is never touched
    finally:
        con.close()
    progress("Making synthetic police.uk rows", 3, 3)
    return SyntheticPoliceData(
        sum(n for _, _, n in written), tuple(sorted({f for f, _, _ in written})), tuple(months), int(lsoas)
    )
