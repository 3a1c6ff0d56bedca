"""The residents' figures for a partnership, cached by what the store holds, and their table rows.

The pages, their CSV and JSON twins and the API all read ``ward_rows`` and ``picture_record``:
one object, several formats.
"""

from __future__ import annotations

import hashlib
import re
import threading
from dataclasses import asdict
from typing import Any

import duckdb
from django.conf import settings
from django.core.cache import caches

from saferplaces.assessment.local_picture import (
    LocalPicture,
    PlaceFigures,
    local_picture,
    resolve_partnership_area,
    store_snapshot,
)
from saferplaces.data.areas import Area, areas_within
from saferplaces.data.places import PlaceSearch, find_places
from saferplaces.data.policeuk_format import CRIME_TYPES
from saferplaces.data.store import Store, reference_connection
from saferplaces.errors import SaferPlacesError
from saferplaces.web.partnerships.models import Partnership

#: What CSV files show in place of a suppressed count (the GSS symbol for "confidential").
SUPPRESSED_SYMBOL = "[c]"

#: How long a cached page or figure is kept when nothing changes (seconds).
CACHE_SECONDS = 60 * 60
#: The cache the public pages and their figures are kept in (settings.CACHES): shared by every
#: process of the server, so a page or a local picture is computed once, not once per process.
CACHE_ALIAS = "public"


def public_store() -> Store:
    """The data store the site reads (``SAFERPLACES_HOME``)."""
    return Store(settings.ENV.store_dir)


_snapshots: dict[tuple[Any, ...], str] = {}


def snapshot() -> str:
    """The fingerprint of what the store holds, read again only when its manifest file changes.

    An ingest replaces the manifest by renaming a new file into place, which changes its
    inode and time; hashing a national store's manifest on every request would not be cheap.
    """
    store = public_store()
    try:
        info = store.manifest_path.stat()
        stamp: tuple[Any, ...] = (str(store.root), info.st_ino, info.st_mtime_ns, info.st_size)
    except OSError:
        stamp = (str(store.root),)
    found = _snapshots.get(stamp)
    if found is None:
        found = store_snapshot(store)
        _snapshots.clear()  # only the newest is asked for again
        _snapshots[stamp] = found
    return found


def partnership_area(p: Partnership) -> Area | None:
    """The store's area for a partnership, or None when its area name is no area the store knows."""
    key = "public:area:" + hashlib.sha256(p.area_name.encode()).hexdigest()
    found = caches[CACHE_ALIAS].get(key)
    if found is None:
        try:
            found = resolve_partnership_area(public_store().connect(), p.area_name)
        except SaferPlacesError:
            found = False
        caches[CACHE_ALIAS].set(key, found, None)
    return found or None


_picture_locks: dict[str, threading.Lock] = {}


def picture_for(p: Partnership) -> LocalPicture | str | None:
    """The local picture of the partnership's area (cached until the store changes).

    None when the partnership names no area the store knows; the error's text when the store
    cannot give the picture (it holds no 12 months in a row, say).
    """
    area = partnership_area(p)
    if area is None:
        return None
    key = f"public:picture:{area.code}:{snapshot()}"
    found = caches[CACHE_ALIAS].get(key)
    if found is None:
        # One thread of this process computes it (a county's takes seconds); the others wait for it.
        with _picture_locks.setdefault(key, threading.Lock()):
            found = caches[CACHE_ALIAS].get(key)
            if found is None:
                store = public_store()
                try:
                    found = local_picture(store, area, store.connect())
                except SaferPlacesError as exc:
                    found = str(exc)
                # The key names the store's snapshot, so the picture never goes stale: it is kept
                # until the cache is emptied (the server starts) or full.
                caches[CACHE_ALIAS].set(key, found, None)
        _picture_locks.pop(key, None)
    return found


def district_codes(p: Partnership) -> set[str]:
    """The districts a partnership's area covers (every district of a force for a county partnership)."""
    area = partnership_area(p)
    if area is None:
        return set()
    if area.level == "district":
        return {area.code}
    key = f"public:districts:{area.code}"
    found = caches[CACHE_ALIAS].get(key)
    if found is None:
        found = {a.code for a in areas_within(public_store().connect(), area) if a.level == "district"}
        caches[CACHE_ALIAS].set(key, found, None)
    return found


_places_lock = threading.Lock()
_places_connection: list[duckdb.DuckDBPyConnection] = []


def _place_names() -> duckdb.DuckDBPyConnection:
    """This process's connection to the reference tables the place search reads (made once).

    Opening a store connection for each search took longer than the search itself; the
    names come from the bundled reference tables, which never change while the server runs,
    and ``find_places`` lists them once a process. Callers hold ``_places_lock``: a DuckDB
    connection serves one thread at a time.
    """
    if not _places_connection:
        _places_connection.append(reference_connection())
    return _places_connection[0]


class Coverage:
    """Every partnership with the council districts its area holds, read once per search."""

    def __init__(self) -> None:
        self.partnerships = list(Partnership.objects.order_by("kind", "name"))
        self.covers = {p.pk: district_codes(p) for p in self.partnerships}

    @property
    def districts(self) -> set[str]:
        """Every district some partnership covers."""
        return set().union(*self.covers.values()) if self.covers else set()

    def of(self, district_code: str) -> list[Partnership]:
        """The partnerships that cover a district, nearest first (the district's own before the county's)."""
        mine = [p for p in self.partnerships if district_code in self.covers[p.pk]]
        mine.sort(key=lambda p: p.kind != Partnership.Kind.DISTRICT)
        return mine


def search(text: str) -> tuple[PlaceSearch, list[tuple[Any, list[Partnership]]]]:
    """Places whose names fit ``text``, each with the partnerships that cover it (nearest first)."""
    coverage = Coverage()
    with _places_lock:
        found = find_places(_place_names(), text, within=coverage.districts)
    return found, [(match, coverage.of(match.district_code)) for match in found.matches]


def column_name(crime_type: str) -> str:
    """'Anti-social behaviour' -> 'anti_social_behaviour': a crime type as a column name."""
    return re.sub(r"[^a-z]+", "_", crime_type.lower()).strip("_")


def _figure_columns(prefix: str, f: Any) -> dict[str, Any]:
    return {
        f"{prefix}_count": f.count,
        f"{prefix}_per_1000": f.rate,
        f"{prefix}_per_1000_lower": f.lower,
        f"{prefix}_per_1000_upper": f.upper,
        f"{prefix}_compared_with_force_area": f.versus,
    }


def _row(picture: LocalPicture, level: str, place: PlaceFigures) -> dict[str, Any]:
    row: dict[str, Any] = {
        "area_code": picture.area.code,
        "area_name": picture.area.name,
        "level": level,
        "code": place.code,
        "name": place.name,
        "first_month": picture.first_month,
        "last_month": picture.last_month,
        "population": place.population,
    }
    row |= _figure_columns("crime", place.crime)
    row |= _figure_columns("asb", place.asb)
    row |= {f"count_{column_name(t)}": n for t, n in place.by_type}
    return row


def ward_rows(picture: LocalPicture) -> list[dict[str, Any]]:
    """One row for the area, one per ward, and one for reports in no ward: the CSV and API rows.

    A suppressed count, and every rate, limit and comparison made from it, is None.
    """
    rows = [_row(picture, "area", picture.total)]
    rows += [_row(picture, "ward", w) for w in picture.wards]
    if picture.unplaced is not None:
        rows.append(_row(picture, "not-in-a-ward", picture.unplaced))
    return rows


def month_rows(picture: LocalPicture) -> list[dict[str, Any]]:
    return [
        {
            "area_code": picture.area.code,
            "month": m.month,
            "crime_count": m.crime,
            "asb_count": m.asb,
            "crime_usual_range_lower": m.lower,
            "crime_usual_range_upper": m.upper,
            "crime_against_usual_range": m.label,
        }
        for m in picture.by_month
    ]


def picture_record(picture: LocalPicture) -> dict[str, Any]:
    """The whole local picture as JSON-ready data."""
    return {
        "area": asdict(picture.area),
        "months": list(picture.months),
        "force_area": asdict(picture.benchmark) if picture.benchmark else None,
        "force_area_crime_per_1000": picture.benchmark_crime_rate,
        "force_area_asb_per_1000": picture.benchmark_asb_rate,
        "crime_types": list(CRIME_TYPES),
        "wards": ward_rows(picture),
        "months_figures": month_rows(picture),
        "usual_range_available": picture.seasonal_available,
        "suppressed_cells": picture.suppressed_cells,
        "store_snapshot": picture.snapshot,
        "assumptions": list(picture.assumptions),
    }
