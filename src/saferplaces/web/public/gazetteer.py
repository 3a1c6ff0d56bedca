"""Finding a partnership by place: wards and council areas by name, towns and postcode districts.

``place_search`` is the one search the find page, its CSV and JSON twins and the public API
(``/api/places``) all use: the ward and district names (``data.search``) and the bundled
gazetteer's towns and postcode districts (``saferplaces.data.gazetteer``, ADR 0024), each with
the partnerships that cover it (``data.Coverage``). ``search_record`` is its open-data form.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from saferplaces.data.gazetteer import GazetteerMatch, match_place
from saferplaces.data.places import PlaceSearch
from saferplaces.web.public.data import Coverage, search


@dataclass(frozen=True)
class PlaceSearchResult:
    """What a place search found: the ward and district names, and the towns or postcode district.

    Attributes
    ----------
    found
        The name search (its tidied text, whether it looks like a postcode, its assumptions).
    rows
        A row per ward or council area: ``place``, ``place_type``, ``place_code``, ``district``
        and ``partnerships`` (slugs, nearest first); ``_partnerships`` holds the objects.
    towns
        The gazetteer's match (the postcode district the text reduces to, its assumptions).
    town_rows
        A row per town or postcode district, as :func:`place_rows` gives them.
    """

    found: PlaceSearch
    rows: list[dict[str, Any]]
    towns: GazetteerMatch
    town_rows: list[dict[str, Any]]


def place_search(text: str) -> PlaceSearchResult:
    """Every place ``text`` fits: wards and council areas by name, then towns and postcode districts."""
    found, matches = search(text)
    rows = [
        {
            "place": match.area.name,
            "place_type": match.area.level,
            "place_code": match.area.code,
            "district": match.district_name,
            "partnerships": [p.slug for p in partnerships],
            "_partnerships": partnerships,
        }
        for match, partnerships in matches
    ]
    towns, town_rows = place_rows(found.text)
    return PlaceSearchResult(found, rows, towns, town_rows)


def search_record(result: PlaceSearchResult) -> dict[str, Any]:
    """The search as open data: the find page's JSON twin and the API's ``/api/places`` answer."""
    return {
        "query": result.found.text,
        "looks_like_postcode": result.found.looks_like_postcode,
        "postcode_district": result.towns.postcode_district,
        "towns_and_postcode_districts": public_rows(result.town_rows),
        "places": [{k: v for k, v in r.items() if not k.startswith("_")} for r in result.rows],
        "assumptions": list(result.found.assumptions) + list(result.towns.assumptions),
    }


def place_rows(text: str) -> tuple[GazetteerMatch, list[dict[str, Any]]]:
    """The towns or postcode district matching ``text``, each district with its partnerships.

    A row per town or postcode district: ``place``, ``place_type`` (``town`` or
    ``postcode_district``), ``crosses_boundaries``, ``districts`` (each with ``code``, ``name``
    and ``partnerships``, slugs nearest first; an empty list when no partnership here covers it)
    and ``wards`` (code and name). Keys starting with ``_`` hold objects for the page only.
    """
    match = match_place(text)
    if not match.entries:
        return match, []
    coverage = Coverage()
    rows = []
    for entry in match.entries:
        districts = []
        for code, name in entry.districts:
            mine = coverage.of(code)
            districts.append(
                {"code": code, "name": name, "partnerships": [p.slug for p in mine], "_partnerships": mine}
            )
        rows.append(
            {
                "place": entry.name,
                "place_type": entry.kind,
                "crosses_boundaries": entry.crosses_boundaries,
                "districts": districts,
                "wards": [{"code": c, "name": n} for c, n in entry.wards],
            }
        )
    return match, rows


def public_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows without the page-only keys, for the JSON twin."""
    return [
        {**r, "districts": [{k: v for k, v in d.items() if not k.startswith("_")} for d in r["districts"]]}
        for r in rows
    ]


def csv_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One CSV row per town or postcode district and district, in the find CSV's columns."""
    return [
        {
            "place": r["place"],
            "place_type": r["place_type"],
            "place_code": "",
            "district": d["name"],
            "partnerships": " ".join(d["partnerships"]),
        }
        for r in rows
        for d in r["districts"]
    ]
