"""Towns and postcode districts a resident types, matched to council districts and wards.

The ONS files bundled with Safer Places name wards, districts and partnerships but no town
and no postcode. This module reads a small gazetteer compiled by hand for the bundled force
area (``places/gazetteer_staffordshire.csv``; see ADR 0024): each town with the district it
lies in and, where it maps clearly onto whole wards, those wards; each postcode district with
every district it is believed to touch. It is approximate, and says so in ``assumptions``.

A full postcode ("ST16 2AB") or a postcode sector ("ST16 2") is reduced to its postcode
district ("ST16"); no ward is given for a postcode, because a postcode district is not made
of wards and no postcode lookup is held.
"""

from __future__ import annotations

import csv
import functools
import gzip
import re
from dataclasses import dataclass, field

from saferplaces.data.bundled_files import bundled

FILE = "places/gazetteer_staffordshire.csv"
LOOKUP = "geography/lookups/LSOA21_WD24_LAD24_EW_LU.csv.gz"
TOWN = "town"
POSTCODE_DISTRICT = "postcode_district"

#: A full postcode, a sector or a district: the outward code, then optionally the inward code
#: or its first digit ("ST16 2AB", "st162ab", "ST16 2", "ST16").
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][0-9A-Z]?)(?:\s*([0-9])([A-Z]{2})?)?$")
_SPACES = re.compile(r"[\s\-]+")

SOURCE_SENTENCE = (
    "Towns and postcode districts come from a short list compiled by hand for Staffordshire and "
    "Stoke-on-Trent; it is approximate, not an official list."
)


@dataclass(frozen=True)
class GazetteerEntry:
    """A town or postcode district, with the districts and wards it lies in.

    Attributes
    ----------
    kind
        ``"town"`` or ``"postcode_district"``.
    name
        As written in the gazetteer ("Burton upon Trent", "ST16").
    also_known_as
        Other names a resident may type ("Burton", "Burton-on-Trent").
    districts
        (code, name) of every council district (2024) it lies in or touches.
    wards
        (code, name) of its May 2024 wards where the town maps clearly onto whole wards; empty
        for a large town and for every postcode district.
    """

    kind: str
    name: str
    also_known_as: tuple[str, ...]
    districts: tuple[tuple[str, str], ...]
    wards: tuple[tuple[str, str], ...]

    @property
    def crosses_boundaries(self) -> bool:
        """True when it touches more than one district."""
        return len(self.districts) > 1


@dataclass(frozen=True)
class GazetteerMatch:
    """What the gazetteer found for the text a resident typed.

    Attributes
    ----------
    text
        The text, with its spaces tidied.
    postcode_district
        The postcode district the text reduces to ("ST16" for "st16 2ab"), or None when the
        text does not look like a postcode.
    full_postcode
        True when a whole postcode (or sector) was typed and reduced to its district.
    entries
        The towns or the postcode district found: exact names first, then names that begin with
        the text. Empty when nothing is known by that name.
    assumptions
        Sentences on how the match was made.
    """

    text: str
    postcode_district: str | None
    full_postcode: bool
    entries: tuple[GazetteerEntry, ...]
    assumptions: tuple[str, ...] = field(default=())


def _key(text: str) -> str:
    """Case, spaces and hyphens do not matter: 'Burton-on-Trent' and 'burton on  trent' match."""
    return _SPACES.sub(" ", text).strip().casefold()


def postcode_district(text: str) -> tuple[str | None, bool]:
    """The postcode district of ``text`` and whether more than the district was typed.

    >>> postcode_district("st16 2ab")
    ('ST16', True)
    >>> postcode_district("Stafford")
    (None, False)
    """
    found = _POSTCODE.match(" ".join(text.upper().split()))
    if found is None:
        return None, False
    return found.group(1), found.group(2) is not None


@functools.cache
def _names() -> tuple[dict[str, str], dict[str, str]]:
    """District and ward code -> name, from the bundled ONS lookup."""
    districts: dict[str, str] = {}
    wards: dict[str, str] = {}
    with gzip.open(bundled(LOOKUP), "rt", encoding="utf-8-sig") as f:
        for r in csv.DictReader(f):
            districts[r["LAD24CD"]] = r["LAD24NM"]
            wards[r["WD24CD"]] = r["WD24NM"]
    return districts, wards


@functools.cache
def load_gazetteer() -> tuple[GazetteerEntry, ...]:
    """Every entry of the bundled gazetteer, with district and ward names from the ONS lookup.

    Raises
    ------
    ValueError
        When the file names a code the lookup does not hold (a packaging fault, caught by tests).
    """
    districts, wards = _names()
    with open(bundled(FILE), encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(line for line in f if not line.startswith("#")))
    out = []
    for r in rows:
        unknown = [c for c in r["districts"].split() if c not in districts]
        unknown += [c for c in r["wards"].split() if c not in wards]
        if unknown:
            raise ValueError(f"The gazetteer entry {r['name']} names unknown codes: {', '.join(unknown)}.")
        out.append(
            GazetteerEntry(
                r["kind"],
                r["name"],
                tuple(a.strip() for a in r["also_known_as"].split(";") if a.strip()),
                tuple((c, districts[c]) for c in r["districts"].split()),
                tuple((c, wards[c]) for c in r["wards"].split()),
            )
        )
    return tuple(out)


def match_place(text: str) -> GazetteerMatch:
    """Towns or the postcode district that fit what a resident typed.

    Parameters
    ----------
    text
        A town ("Burton-on-Trent", "leek"), a postcode district ("ST16") or a full postcode
        ("ST16 2AB"); case, spaces and hyphens do not matter.

    Returns
    -------
    GazetteerMatch
        A postcode is matched on its district only; a town on its names, exact first, then
        names beginning with the text (three letters or more).
    """
    tidy = " ".join((text or "").split())
    district, full = postcode_district(tidy)
    notes = [SOURCE_SENTENCE]
    entries = load_gazetteer()
    if district is not None:
        found = tuple(e for e in entries if e.kind == POSTCODE_DISTRICT and e.name == district)
        if full:
            notes.append(
                f"{tidy.upper()} is looked up by its postcode district, {district}; no postcode "
                "lookup is held, so the ward of a postcode cannot be given."
            )
        return GazetteerMatch(tidy, district, full, found, tuple(notes))
    key = _key(tidy)
    if len(key) < 2:
        return GazetteerMatch(tidy, None, False, (), tuple(notes))
    towns = [e for e in entries if e.kind == TOWN]
    exact = [e for e in towns if key in {_key(n) for n in (e.name, *e.also_known_as)}]
    starts = (
        [
            e
            for e in towns
            if e not in exact and any(_key(n).startswith(key) for n in (e.name, *e.also_known_as))
        ]
        if len(key) >= 3
        else []
    )
    return GazetteerMatch(tidy, None, False, tuple(exact + starts), tuple(notes))


__all__ = [
    "POSTCODE_DISTRICT",
    "TOWN",
    "GazetteerEntry",
    "GazetteerMatch",
    "load_gazetteer",
    "match_place",
    "postcode_district",
]
