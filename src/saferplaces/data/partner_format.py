"""The partner extract format: columns, accepted spellings and value rules.

A partner extract is a CSV (plain or gzip) with one row per crime or incident,
written by a police force or another partner. ``docs/partner-extract.md`` is the
user's description of it; this module is the machine's. Keep the two in step.
"""

from __future__ import annotations

import re

from saferplaces.data.policeuk_format import CRIME_TYPES, LATITUDE_RANGE, LONGITUDE_RANGE
from saferplaces.data.policeuk_format import LSOA_CODE as LSOA_CODE  # E01/W01 and six digits

#: Canonical column names, in the order a synthetic extract writes them.
COLUMNS: tuple[str, ...] = (
    "date",
    "month",
    "category",
    "ho_offence_code",
    "lsoa_code",
    "ward_code",
    "easting",
    "northing",
    "longitude",
    "latitude",
    "domestic",
    "alcohol",
    "hate",
    "vawg",
    "youth",
    "victim_id",
    "offender_id",
    "location_id",
    "victim_age_band",
    "victim_sex",
    "segment",
    "synthetic",
)

#: Other spellings accepted in a header, after normalising (lower case; spaces,
#: hyphens and dots become underscores). Each maps to a canonical name.
ALIASES: dict[str, str] = {
    "offence_date": "date",
    "incident_date": "date",
    "committed_date": "date",
    "offence_month": "month",
    "crime_type": "category",
    "crime_category": "category",
    "offence_category": "category",
    "home_office_code": "ho_offence_code",
    "ho_code": "ho_offence_code",
    "offence_code": "ho_offence_code",
    "lsoa": "lsoa_code",
    "lsoa21cd": "lsoa_code",
    "lsoa11cd": "lsoa_code",
    "ward": "ward_code",
    "wd24cd": "ward_code",
    "x": "easting",
    "y": "northing",
    "lon": "longitude",
    "lng": "longitude",
    "long": "longitude",
    "lat": "latitude",
    "domestic_flag": "domestic",
    "alcohol_flag": "alcohol",
    "hate_flag": "hate",
    "vawg_flag": "vawg",
    "youth_flag": "youth",
    "age_band": "victim_age_band",
    "sex": "victim_sex",
    "population_segment": "segment",
}

FLAGS: tuple[str, ...] = ("domestic", "alcohol", "hate", "vawg", "youth")
IDS: tuple[str, ...] = ("victim_id", "offender_id", "location_id")

#: Flag spellings (compared without regard to case); blank means "not known".
TRUE_WORDS: tuple[str, ...] = ("true", "yes", "y", "1", "t")
FALSE_WORDS: tuple[str, ...] = ("false", "no", "n", "0", "f")

#: Victim sex spellings (without regard to case) and what they are stored as.
SEX_WORDS: dict[str, str] = {
    "female": "female",
    "f": "female",
    "woman": "female",
    "male": "male",
    "m": "male",
    "man": "male",
    "other": "other",
    "x": "other",
    "unknown": "unknown",
    "u": "unknown",
    "not known": "unknown",
    "not stated": "unknown",
}

DATE = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")
MONTH = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$")
#: Ward codes: E05/W05 followed by six digits.
WARD_CODE = re.compile(r"^[EW]05[0-9]{6}$")
#: Home Office offence codes such as 8N, 105A, 8/1, 028/01: a digit first, then
#: digits, letters and at most one slash; at most 10 characters.
HO_OFFENCE_CODE = re.compile(r"^[0-9][0-9A-Za-z]{0,5}(/[0-9A-Za-z]{1,4})?$")
#: Age bands: "0-17", "18-24", "65+" or "unknown".
AGE_BAND = re.compile(r"^([0-9]{1,3})-([0-9]{1,3})$|^([0-9]{1,3})\+$|^unknown$")
#: Pseudonymised identifiers: letters, digits and _ - . : only, 1 to 64 characters.
#: A space or an @ suggests a name or e-mail address, which must never be loaded.
PSEUDONYM = re.compile(r"^[A-Za-z0-9_.:\-]{1,64}$")
#: Ages in an age band run from 0 to this.
MAX_AGE = 120
#: The earliest date or month an extract may hold.
FIRST_DATE = "2000-01-01"

# What personal details look like, so that an identifier or segment holding one is refused
# (docs/partner-extract.md, "Personal data and pseudonymisation"). These patterns are written
# for both Python's re and DuckDB's RE2.
#: An e-mail address anywhere in the value.
EMAIL = re.compile(r"[^@\s]+@[^@\s]+")
#: A National Insurance number: two prefix letters as HMRC allocates them, six digits and an
#: optional suffix letter A to D, with or without spaces.
NI_NUMBER = re.compile(
    r"(?i)(^|[^A-Za-z0-9])[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]"
    r" ?[0-9]{2} ?[0-9]{2} ?[0-9]{2} ?[A-D]?($|[^A-Za-z0-9])"
)
#: A UK telephone number, once spaces, brackets, dots and hyphens are taken out: 0 or +44 or
#: 0044 and then 9 or 10 digits.
PHONE = re.compile(r"(^|[^0-9])(\+44|0044|0)[0-9]{9,10}($|[^0-9])")
PHONE_SEPARATORS = r"[ ().\-]"
#: A run of four or more letters that is not all hexadecimal (a to f): a word, so maybe a name.
WORD = re.compile(r"[A-Za-z]{4,}")
NOT_HEX_LETTER = re.compile(r"[g-zG-Z]")
#: A pseudonym holds at least one digit (a value of letters alone looks like a name).
DIGIT = re.compile(r"[0-9]")
#: The most different segments an extract may hold: a segmentation has tens of segments, so
#: hundreds of different values suggest a column of names or other personal details.
MAX_SEGMENTS = 200


def looks_personal(value: str) -> str | None:
    """What personal detail an identifier looks like ("an e-mail address", ...), or None.

    The same rules as the import's checks, for the documentation's examples and for callers
    that screen single values.
    """
    squeezed = re.sub(PHONE_SEPARATORS, "", value)
    if EMAIL.search(value):
        return "an e-mail address"
    if NI_NUMBER.search(value):
        return "a National Insurance number"
    if PHONE.search(squeezed):
        return "a telephone number"
    if not DIGIT.search(value) or any(NOT_HEX_LETTER.search(w) for w in WORD.findall(value)):
        return "a name or a word"
    return None


SEGMENT_MAX = 100

#: British National Grid (EPSG:27700) extent, in metres.
EASTING_RANGE = (0.0, 700000.0)
NORTHING_RANGE = (0.0, 1300000.0)
#: WGS84 extent of the United Kingdom, shared with the police.uk checks.
WGS84_LONGITUDE_RANGE = LONGITUDE_RANGE
WGS84_LATITUDE_RANGE = LATITUDE_RANGE

#: Crime types, keyed by their lower-case spelling (categories match without regard to case).
CATEGORY_BY_LOWER: dict[str, str] = {t.lower(): t for t in CRIME_TYPES}

#: Location column groups: a file needs at least one whole group.
LOCATION_GROUPS: tuple[tuple[str, ...], ...] = (
    ("lsoa_code",),
    ("ward_code",),
    ("easting", "northing"),
    ("longitude", "latitude"),
)

#: Extract names: lower-case letters, digits, hyphens and underscores.
EXTRACT_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


def normalise_header(name: str) -> str:
    """Return the canonical column for a header cell, or the normalised cell if unknown."""
    key = re.sub(r"[\s\-.]+", "_", name.strip().lower()).strip("_")
    return ALIASES.get(key, key)
