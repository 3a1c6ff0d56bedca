"""Reference data beside the crime rows: deprivation, crime severity weights and boundaries."""

from __future__ import annotations

import csv
import gzip
import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import duckdb

from saferplaces.data.bundled_files import bundled, bundled_dir
from saferplaces.errors import InputError

#: Boundary layers: name -> (file prefix, code property, name property, parent property)
BOUNDARY_LAYERS: dict[str, tuple[str, str, str, str | None]] = {
    "district": ("lad24_bgc_", "LAD24CD", "LAD24NM", None),
    # the May 2025 ward boundaries carry the same 185 codes as the 2024 wards of the lookups
    "ward": ("ward_wd25_", "WD25CD", "WD25NM", "LAD25CD"),
    "ward2019": ("ward_wd19_", "WD19CD", "WD19NM", "LAD20CD"),
    "lsoa2021": ("lsoa21_bgc_", "LSOA21CD", "LSOA21NM", "LADCD_ACTIVE"),
    "lsoa2011": ("lsoa11_bgc_", "LSOA11CD", "LSOA11NM", "LADCD_ACTIVE"),
}


@dataclass(frozen=True)
class SeverityWeight:
    """One ONS Crime Severity Score weight (estimated sentence days) for a Home Office offence."""

    ho_offence_code: str
    offence: str
    weight: float
    police_uk_category: str


def install_deprivation_table(con: duckdb.DuckDBPyConnection) -> None:
    """Create ``imd`` (lsoa11_code, imd_rank, imd_decile): English IMD 2019, 1 = most deprived.

    Built from the bundled CSV once, then read from the per-user table cache (``table_cache``).
    """
    from pathlib import Path

    from saferplaces.data.table_cache import install_cached

    source = bundled("deprivation/lsoa11_imd19_rank_decile.csv.gz")
    install_cached(con, "deprivation", ("imd",), Path(__file__), [source], _build_deprivation_table)


def _build_deprivation_table(con: duckdb.DuckDBPyConnection) -> None:
    path = str(bundled("deprivation/lsoa11_imd19_rank_decile.csv.gz")).replace("'", "''")
    con.execute(
        "create temp table imd as select lsoa11cd as lsoa11_code, IMDRank::integer as imd_rank, "
        f"IMDDecil::integer as imd_decile from read_csv('{path}', header=true) "
        "where IMDRank::integer > 0"  # Welsh LSOAs carry 0: there is no English IMD for them
    )


_CATEGORY_NAMES = {
    "violence and sexual offences": "Violence and sexual offences",
    "other crime": "Other crime",
    "burglary": "Burglary",
    "other theft": "Other theft",
    "criminal damage and arson": "Criminal damage and arson",
    "possession of weapons": "Possession of weapons",
    "drugs": "Drugs",
    "public order": "Public order",
    "vehicle crime": "Vehicle crime",
    "robbery": "Robbery",
    "shoplifting": "Shoplifting",
    "theft from the person": "Theft from the person",
    "bicycle theft": "Bicycle theft",
}


@lru_cache(maxsize=1)
def severity_weights() -> tuple[SeverityWeight, ...]:
    """ONS Crime Severity Score weights by Home Office offence code, with their police.uk category.

    ASB has no weight: it is not a notifiable offence.
    """
    path = bundled("reference/css_weights_ho_offence_code_policeuk_join.csv.gz")
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return tuple(
        SeverityWeight(
            ho_offence_code=r["ONS_SEVERITY_code"].strip(),
            offence=r["ONS_SEVERITY_offence"].strip(),
            weight=float(r["ONS_SEVERITY_weight"]),
            police_uk_category=_CATEGORY_NAMES[r["POLICE_UK_CAT_MAP_category"].strip().casefold()],
        )
        for r in rows
    )


@lru_cache(maxsize=16)
def _geojson(path: str) -> dict[str, Any]:
    """A bundled GeoJSON file, read once a process (callers must not change its geometries)."""
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return json.load(handle)


def boundaries(layer: str, codes: set[str] | None = None) -> dict[str, Any]:
    """Return a GeoJSON FeatureCollection (WGS84) of ``layer`` for Staffordshire and Stoke-on-Trent.

    Each feature's properties are normalised to ``code``, ``name`` and ``parent_code``; they are
    the caller's to change, but the geometries are shared with every other call: do not change them.

    Parameters
    ----------
    layer
        "district", "ward" (2024/25 wards), "ward2019", "lsoa2021" or "lsoa2011".
    codes
        Keep only these area codes (all when None).
    """
    if layer not in BOUNDARY_LAYERS:
        raise InputError(f"There is no boundary layer '{layer}'.", "Use " + ", ".join(BOUNDARY_LAYERS) + ".")
    prefix, code_key, name_key, parent_key = BOUNDARY_LAYERS[layer]
    features = []
    for path in sorted((bundled_dir() / "geography" / "boundaries").glob(f"{prefix}*.geojson.gz")):
        for feature in _geojson(str(path))["features"]:
            props = feature["properties"]
            code = props[code_key]
            if codes is not None and code not in codes:
                continue
            features.append(
                {
                    "type": "Feature",
                    "properties": {
                        "code": code,
                        "name": props[name_key],
                        "parent_code": props.get(parent_key) if parent_key else None,
                    },
                    "geometry": feature["geometry"],
                }
            )
    return {"type": "FeatureCollection", "features": features}
