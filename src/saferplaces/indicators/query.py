"""An indicator defined as a query on the data store: area, crime types, grain and measure.

Stored as plain data (a JSON object) so a web form, a YAML file or the admin can hold it::

    {"area": "E07000193", "crime_types": ["Anti-social behaviour"],
     "grain": "financial-year", "measure": "count"}

``crime_types`` is a list of police.uk crime types, or ``"all"`` for every type.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from saferplaces.data.policeuk_format import CRIME_TYPES
from saferplaces.errors import InputError
from saferplaces.indicators.periods import GRAIN_NAMES, GRAINS

MEASURES = ("count", "rate")
MEASURE_UNITS = {"count": "incidents", "rate": "per 1,000 residents"}
ALL = "all"
KEYS = ("area", "crime_types", "grain", "measure")


@dataclass(frozen=True)
class IndicatorQuery:
    """What to count in the data store.

    Attributes
    ----------
    area
        An area's ONS code or name, as ``saferplaces areas`` lists them.
    crime_types
        police.uk crime types; empty means all types.
    grain
        ``"financial-year"``, ``"quarter"`` (of the financial year) or ``"month"``.
    measure
        ``"count"``, or ``"rate"`` per 1,000 residents (ONS mid-year estimates).
    """

    area: str
    crime_types: tuple[str, ...] = ()
    grain: str = "financial-year"
    measure: str = "count"

    @property
    def unit(self) -> str:
        return MEASURE_UNITS[self.measure]

    def crime_types_text(self) -> str:
        """'anti-social behaviour', 'burglary and robbery' or 'all crime and ASB'."""
        if not self.crime_types:
            return "all crime and ASB"
        names = [t[0].lower() + t[1:] for t in self.crime_types]
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]

    def describe(self, area_name: str | None = None) -> str:
        """Plain words: 'Anti-social behaviour in East Staffordshire per financial year'."""
        what = self.crime_types_text()
        what = what[0].upper() + what[1:]
        per = " per 1,000 residents" if self.measure == "rate" else ""
        return f"{what}{per} in {area_name or self.area}, by {GRAIN_NAMES[self.grain]}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "area": self.area,
            "crime_types": list(self.crime_types) if self.crime_types else ALL,
            "grain": self.grain,
            "measure": self.measure,
        }


def validate_query(data: Mapping[str, Any] | None) -> IndicatorQuery:
    """Check a query definition held as plain data and return it as an :class:`IndicatorQuery`.

    Raises
    ------
    InputError
        Naming the key that is wrong and what it may be.
    """
    if not isinstance(data, Mapping) or not data:
        raise InputError(
            "The indicator has no query.",
            'Give a query such as {"area": "E07000193", "crime_types": ["Anti-social behaviour"], '
            '"grain": "financial-year", "measure": "count"}.',
        )
    unknown = sorted(set(data) - set(KEYS))
    if unknown:
        raise InputError(
            f"The query has a key we do not know: '{unknown[0]}'.", "Use only " + ", ".join(KEYS) + "."
        )
    area = data.get("area")
    if not isinstance(area, str) or not area.strip():
        raise InputError("The query names no area.", "Give 'area' as an ONS code or name, such as E07000193.")
    raw_types = data.get("crime_types", ALL)
    if raw_types in (ALL, None) or raw_types == [ALL]:
        types: tuple[str, ...] = ()
    elif isinstance(raw_types, str) or not isinstance(raw_types, list | tuple) or not raw_types:
        raise InputError(
            f"The query's 'crime_types' is {raw_types!r}, which is not a list of crime types.",
            'Give a list such as ["Anti-social behaviour"], or "all".',
        )
    else:
        by_folded = {t.casefold(): t for t in CRIME_TYPES}
        chosen = []
        for item in raw_types:
            found = by_folded.get(str(item).strip().casefold())
            if found is None:
                raise InputError(
                    f"'{item}' is not a police.uk crime type.", "Use one of: " + ", ".join(CRIME_TYPES) + "."
                )
            if found not in chosen:
                chosen.append(found)
        types = tuple(t for t in CRIME_TYPES if t in chosen)
    grain = data.get("grain", "financial-year")
    if grain not in GRAINS:
        raise InputError(f"The query's 'grain' is {grain!r}.", "Use " + ", ".join(GRAINS) + ".")
    measure = data.get("measure", "count")
    if measure not in MEASURES:
        raise InputError(f"The query's 'measure' is {measure!r}.", "Use count or rate.")
    return IndicatorQuery(area=area.strip(), crime_types=types, grain=grain, measure=measure)
