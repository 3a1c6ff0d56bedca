"""Two assessments of the same area side by side: counts, rates, changes, candidate priorities, hotspots.

Reads the JSON each build wrote (the assessment's ``to_dict``), so it shows only what the
two builds computed; it tests nothing new.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from saferplaces.web.assessments.build import assessments_dir
from saferplaces.web.assessments.models import Assessment


@dataclass(frozen=True)
class Side:
    """One row of a comparison: the two builds' values (None where a build has none)."""

    label: str
    first: Any
    second: Any


@dataclass(frozen=True)
class Comparison:
    headline: list[Side]
    crime_types: list[tuple[str, dict[str, Any] | None, dict[str, Any] | None]]
    priorities: list[Side]
    new_hotspots: list[str]
    gone_hotspots: list[str]


def load(record: Assessment) -> dict[str, Any] | None:
    """The build's JSON, or None when it was not written or is no longer held."""
    path = assessments_dir() / record.folder / "assessment.json"
    if "json" not in record.formats or not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def _hot_cells(data: dict[str, Any]) -> dict[tuple[float, float], str]:
    cells = ((data.get("hotspots") or {}).get("hot")) or []
    found = {}
    for cell in cells:
        corner = tuple(round(v, 5) for v in cell["polygon"][0])
        found[corner] = cell.get("ward") or "a cell outside any ward"
    return found


def compare(first: dict[str, Any], second: dict[str, Any]) -> Comparison:
    """The rows the comparison page shows, ``first`` the earlier build of the two."""
    headline = []
    for key, label in (("crime", "Crime"), ("asb", "Anti-social behaviour")):
        a, b = first["headline"][key], second["headline"][key]
        headline.append(Side(f"{label}: count", a["count"], b["count"]))
        headline.append(Side(f"{label}: rate per 1,000 residents", a["rate"], b["rate"]))
    types_a = {row["crime_type"]: row for row in first.get("crime_types", [])}
    types_b = {row["crime_type"]: row for row in second.get("crime_types", [])}
    names = list(types_b) + [name for name in types_a if name not in types_b]
    crime_types = [(name, types_a.get(name), types_b.get(name)) for name in names]
    ranks_a = {p["theme"]: p["rank"] for p in first.get("priorities", [])}
    ranks_b = {p["theme"]: p["rank"] for p in second.get("priorities", [])}
    themes = sorted(set(ranks_a) | set(ranks_b), key=lambda t: (ranks_b.get(t, 10**6), ranks_a.get(t, 10**6)))
    priorities = [Side(theme, ranks_a.get(theme), ranks_b.get(theme)) for theme in themes]
    hot_a, hot_b = _hot_cells(first), _hot_cells(second)
    return Comparison(
        headline,
        crime_types,
        priorities,
        sorted(hot_b[c] for c in hot_b.keys() - hot_a.keys()),
        sorted(hot_a[c] for c in hot_a.keys() - hot_b.keys()),
    )
