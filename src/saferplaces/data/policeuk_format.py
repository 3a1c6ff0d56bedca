"""The data.police.uk file formats: column names, crime types, file names."""

from __future__ import annotations

import re

STREET_COLUMNS: tuple[str, ...] = (
    "Crime ID",
    "Month",
    "Reported by",
    "Falls within",
    "Longitude",
    "Latitude",
    "Location",
    "LSOA code",
    "LSOA name",
    "Crime type",
    "Last outcome category",
    "Context",
)

OUTCOME_COLUMNS: tuple[str, ...] = (
    "Crime ID",
    "Month",
    "Reported by",
    "Falls within",
    "Longitude",
    "Latitude",
    "Location",
    "LSOA code",
    "LSOA name",
    "Outcome type",
)

#: The 14 police.uk crime categories, in the order police.uk lists them.
CRIME_TYPES: tuple[str, ...] = (
    "Anti-social behaviour",
    "Bicycle theft",
    "Burglary",
    "Criminal damage and arson",
    "Drugs",
    "Other crime",
    "Other theft",
    "Possession of weapons",
    "Public order",
    "Robbery",
    "Shoplifting",
    "Theft from the person",
    "Vehicle crime",
    "Violence and sexual offences",
)

ASB = "Anti-social behaviour"

FILE_NAME = re.compile(
    r"^(?P<month>[0-9]{4}-[0-9]{2})-(?P<force>[a-z0-9-]+?)-(?P<kind>street|outcomes)\.csv(?:\.gz)?$"
)
MONTH = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$")
#: ONS LSOA codes: E01/W01 followed by six digits (2011 and 2021 codes share this form).
LSOA_CODE = re.compile(r"^[EW]01[0-9]{6}$")

#: UK bounding box for police.uk map points (WGS84), with a small margin.
LONGITUDE_RANGE = (-9.0, 2.5)
LATITUDE_RANGE = (49.0, 61.5)


def kind_of(name: str) -> str | None:
    """Return ``"street"`` or ``"outcomes"`` for a police.uk file name, else None."""
    match = FILE_NAME.match(name)
    return match.group("kind") if match else None
