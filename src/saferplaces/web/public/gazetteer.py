"""Towns and postcode districts on the find page: the bundled gazetteer's matches with partnerships.

One function, ``place_rows``, called by the find views; the matching is the library's
(``saferplaces.data.gazetteer``), and the partnerships that cover each district are found as
the ward search finds them (``data.Coverage``).
"""

from __future__ import annotations

from typing import Any

from saferplaces.data.gazetteer import GazetteerMatch, match_place
from saferplaces.web.public.data import Coverage


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
