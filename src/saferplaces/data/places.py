"""Finding a place by the name a resident types: a ward, a district (a town is often one), or a CSP.

The bundled geography names wards (2024), districts and Community Safety Partnerships.
A town is also found through the ward and district names that contain it ("Burton" finds
the Burton wards of East Staffordshire), and a postcode district ("ST16") is recognised as
one; towns and postcode districts themselves are looked up in the small hand-made
gazetteer of ``saferplaces.data.gazetteer``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import duckdb

from saferplaces.data.areas import Area, reference_areas

#: A postcode district ("ST16", "WS13", "B1", "EC1A"), optionally with the sector ("ST16 2").
POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]?(\s*[0-9][A-Z]{0,2})?$", re.I)

#: At most this many places are returned.
MOST_PLACES = 30
#: The most characters of what was typed that a search reads: the longest ward or district
#: name in England and Wales is under 60, so more is not a place name (and a page repeating a
#: query of any length could be made huge).
MOST_SEARCH_CHARACTERS = 100


@dataclass(frozen=True)
class PlaceMatch:
    """A ward or district whose name fits the text, with the district it lies in."""

    area: Area
    district_code: str
    district_name: str
    exact: bool


@dataclass(frozen=True)
class PlaceSearch:
    """What a search found."""

    text: str
    matches: tuple[PlaceMatch, ...]
    looks_like_postcode: bool
    assumptions: tuple[str, ...] = field(default=())


def find_places(con: duckdb.DuckDBPyConnection, text: str, within: set[str] | None = None) -> PlaceSearch:
    """Wards and districts whose names contain ``text`` (ignoring case), best first.

    Parameters
    ----------
    con
        A connection with the reference tables (``Store.connect()``).
    text
        What the resident typed.
    within
        Keep only places in these district codes (all when None).

    Returns
    -------
    PlaceSearch
        Exact names first, then names starting with the text, then names containing it;
        districts before wards; at most ``MOST_PLACES``.
    """
    wanted = " ".join((text or "").split())
    assumptions = ["Wards and districts are found by their names."]
    if len(wanted) > MOST_SEARCH_CHARACTERS:
        wanted = wanted[:MOST_SEARCH_CHARACTERS]
        assumptions.append(f"Only the first {MOST_SEARCH_CHARACTERS} characters of the search were read.")
    key = wanted.casefold()
    postcode = bool(POSTCODE.match(wanted))
    if len(key) < 2:
        return PlaceSearch(wanted, (), postcode, tuple(assumptions))
    found = []
    for a in reference_areas(con):
        if a.level not in ("district", "ward"):
            continue
        name = a.name.casefold()
        if key not in name:
            continue
        district_code, district_name = (
            (a.code, a.name) if a.level == "district" else (a.parent_code, a.parent_name)
        )
        if within is not None and district_code not in within:
            continue
        rank = 0 if name == key else 1 if name.startswith(key) else 2
        found.append(
            (
                rank,
                a.level != "district",
                a.name,
                PlaceMatch(a, district_code or "", district_name or "", rank == 0),
            )
        )
    found.sort(key=lambda f: f[:3])
    return PlaceSearch(wanted, tuple(f[3] for f in found[:MOST_PLACES]), postcode, tuple(assumptions))
