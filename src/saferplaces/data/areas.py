"""Areas people name: police force areas, Community Safety Partnerships, districts and wards.

An area can be named by its ONS code ("E07000197"), its name ("Stafford"), or, for
a force, its police.uk name ("staffordshire"). Names match without regard to case.
Where a name fits several kinds of area, the larger kind wins (force, then
district, then CSP, then ward); two wards of the same name must be named by code.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

import duckdb

from saferplaces.data.sql import run
from saferplaces.errors import AreaNotFoundError

LEVELS = ("force", "csp", "district", "ward")


@dataclass(frozen=True)
class Area:
    """One area, with the codes of the areas it lies in."""

    level: str
    code: str
    name: str
    parent_code: str | None = None
    parent_name: str | None = None

    @property
    def label(self) -> str:
        return f"{self.name} ({self.code})"

    def lookup_filter(self) -> str:
        """SQL condition selecting this area's LSOAs in the ``lsoa_lookup`` table."""
        column = {"force": "pfa_code", "csp": "csp_code", "district": "lad_code", "ward": "ward_code"}[
            self.level
        ]
        code = self.code.replace("'", "''")
        return f"{column} = '{code}'"

    def row_filter(self) -> str:
        """SQL condition selecting this area's rows of the ``crimes`` view.

        Rows are placed by where they happened (their LSOA). For a force, rows it
        recorded with no location count too, since they happened in its area.
        """
        code = self.code.replace("'", "''")
        if self.level == "force":
            return f"(pfa_code = '{code}' or (lsoa_code is null and force_pfa_code = '{code}'))"
        column = {"csp": "csp_code", "district": "lad_code", "ward": "ward_code"}[self.level]
        return f"{column} = '{code}'"


_CANDIDATES: list[list[Area]] = []


def reference_areas(con: duckdb.DuckDBPyConnection) -> list[Area]:
    """Every area of the reference tables (built from bundled files only, so listed once a process)."""
    if not _CANDIDATES:
        _CANDIDATES.append(_list_candidates(con))
    return list(_CANDIDATES[0])


def _list_candidates(con: duckdb.DuckDBPyConnection) -> list[Area]:
    areas: list[Area] = []
    for code, name in run(
        con, "select distinct pfa_code, pfa_name from lad_csp_pfa where pfa_code is not null"
    ).fetchall():
        areas.append(Area("force", code, name))
    for code, name, parent, parent_name in run(
        con, "select lad_code, lad_name, pfa_code, pfa_name from lad_csp_pfa"
    ).fetchall():
        areas.append(Area("district", code, name, parent, parent_name))
    for code, name, parent, parent_name in run(
        con,
        "select csp_code, any_value(csp_name), any_value(pfa_code), any_value(pfa_name) "
        "from lad_csp_pfa where csp_code is not null group by csp_code",
    ).fetchall():
        areas.append(Area("csp", code, name, parent, parent_name))
    for code, name, parent, parent_name in run(
        con,
        "select ward_code, any_value(ward_name), any_value(lad_code), any_value(lad_name) "
        "from lsoa_lookup where vintage = '2021' group by ward_code",
    ).fetchall():
        areas.append(Area("ward", code, name, parent, parent_name))
    return areas


def _suggestions(key: str, names: set[str]) -> list[str]:
    """Up to five names like ``key``: those starting with it (shortest first), then close spellings."""
    if not key:
        return []
    prefix = sorted((n for n in names if n.casefold().startswith(key)), key=lambda n: (len(n), n))
    folded = {n.casefold(): n for n in names}
    close = [folded[c] for c in difflib.get_close_matches(key, list(folded), n=5, cutoff=0.75)]
    return list(dict.fromkeys(prefix + close))[:5]


def resolve_area(con: duckdb.DuckDBPyConnection, text: str) -> Area:
    """Find the area named by ``text`` (a code, a name or a police.uk force name).

    Raises
    ------
    AreaNotFoundError
        When nothing matches, or several wards share the name.
    """
    wanted = (text or "").strip()
    key = wanted.casefold()
    forces = dict(run(con, "select force, pfa_code from forces").fetchall())
    areas = reference_areas(con)
    if key in forces and forces[key]:
        key = forces[key].casefold()
    by_code = [a for a in areas if a.code.casefold() == key]
    if by_code:
        return sorted(by_code, key=lambda a: LEVELS.index(a.level))[0]
    by_name = [a for a in areas if a.name.casefold() == key]
    if not by_name:
        near = _suggestions(key, {a.name for a in areas})
        hint = ("Did you mean " + ", ".join(near) + "? ") if near else ""
        raise AreaNotFoundError(
            f"No force, district, CSP or ward is called '{wanted}'.",
            f"{hint}Run 'saferplaces areas' to list areas and their codes.",
        )
    for level in ("force", "district", "csp"):
        hits = [a for a in by_name if a.level == level]
        if hits:
            return hits[0]
    if len(by_name) > 1:
        listed = "; ".join(f"{a.code} in {a.parent_name}" for a in by_name[:6])
        raise AreaNotFoundError(
            f"{len(by_name)} wards are called '{wanted}' ({listed}).",
            "Name the ward by its code instead.",
        )
    return by_name[0]


def areas_within(con: duckdb.DuckDBPyConnection, within: Area | None) -> list[Area]:
    """List the areas inside ``within``: forces when None, then districts, CSPs and wards."""
    areas = reference_areas(con)
    if within is None:
        return sorted((a for a in areas if a.level == "force"), key=lambda a: a.name)
    if within.level == "force":
        districts = [a for a in areas if a.level == "district" and a.parent_code == within.code]
        csps = [a for a in areas if a.level == "csp" and a.parent_code == within.code]
    elif within.level == "csp":
        codes = {
            r[0]
            for r in run(con, "select lad_code from lad_csp_pfa where csp_code = ?", [within.code]).fetchall()
        }
        districts = [a for a in areas if a.level == "district" and a.code in codes]
        csps = []
    elif within.level == "district":
        districts, csps = [], []
        codes = {within.code}
    else:
        return []
    if within.level in ("force", "csp"):
        codes = {d.code for d in districts}
    wards = [a for a in areas if a.level == "ward" and a.parent_code in codes]
    key = {"district": 0, "csp": 1, "ward": 2}
    return sorted(districts + csps + wards, key=lambda a: (key[a.level], a.parent_code or "", a.name))
