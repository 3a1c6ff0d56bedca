"""An area's crime and anti-social behaviour in a quarter, for the board pack (issue 11).

For each month of the quarter: the count of crime (every police.uk type except ASB) and of
ASB, the same month a year earlier, and the normal range for the time of year
(:func:`saferplaces.stats.seasonal_range`: the same month in each of the three years before)
where the store holds those years. The same for each crime type in the area, so the pack can
name a type whose months are above the normal range. A month the store does not hold is
``None`` and is named in ``missing``: the pack says so, it never counts it as zero.

Board packs are for the partnership's members, not the public: counts are not suppressed here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import duckdb

from saferplaces import stats
from saferplaces.assessment.local_picture import held_months
from saferplaces.data.aggregates import in_months
from saferplaces.data.areas import Area
from saferplaces.data.periods import month_label
from saferplaces.data.policeuk_format import ASB, CRIME_TYPES
from saferplaces.data.sql import run
from saferplaces.data.store import Snapshot, Store

CRIME = "All crime"
"""The name of the "all crime" row (every police.uk type except anti-social behaviour)."""
#: Earlier years of the same month the normal range needs (``stats.seasonal_range``'s default).
YEARS_BACK = 3
#: A crime type is an exception when at least this many of the quarter's months are above its range.
MONTHS_ABOVE = 2


def year_earlier(month: str) -> str:
    """'2025-08' -> '2024-08'."""
    return f"{int(month[:4]) - 1:04d}{month[4:]}"


@dataclass(frozen=True)
class MonthFigure:
    """One month of one series: the count, a year earlier, and the normal range.

    Every field is None where the store does not hold the month (``count``), the month a
    year earlier (``year_earlier``) or the three earlier years the range needs (``label``).
    """

    month: str
    count: int | None
    year_earlier: int | None
    expected: float | None = None
    lower: float | None = None
    upper: float | None = None
    label: str | None = None
    """"above", "within" or "below" the normal range; None without enough history."""


@dataclass(frozen=True)
class Series:
    """One series (all crime, ASB or a crime type) of one place over the quarter's months."""

    name: str
    months: tuple[MonthFigure, ...]

    @property
    def total(self) -> int | None:
        """The quarter's count; None unless every month is held."""
        counts = [m.count for m in self.months]
        return None if any(c is None for c in counts) else sum(counts)  # type: ignore[misc]

    @property
    def total_year_earlier(self) -> int | None:
        counts = [m.year_earlier for m in self.months]
        return None if any(c is None for c in counts) else sum(counts)  # type: ignore[misc]

    @property
    def months_above(self) -> tuple[str, ...]:
        return tuple(m.month for m in self.months if m.label == "above")


@dataclass(frozen=True)
class PlaceQuarter:
    """The partnership's area or one of its priority places: all crime and ASB."""

    code: str
    name: str
    level: str
    crime: Series
    asb: Series


@dataclass(frozen=True)
class QuarterArea:
    """The area's quarter (see the module's docstring).

    Attributes
    ----------
    months
        The quarter's months, "YYYY-MM".
    missing
        Those of them the store does not hold for the area.
    area, places
        The partnership's area and its priority places found in the store.
    by_type
        The area's series for each crime type (ASB included), in police.uk order.
    above
        Crime types (and "All crime") with at least :data:`MONTHS_ABOVE` months above the range.
    assumptions
        What the code chose, in sentences.
    """

    months: tuple[str, ...]
    missing: tuple[str, ...]
    area: PlaceQuarter
    places: tuple[PlaceQuarter, ...]
    by_type: tuple[Series, ...]
    above: tuple[str, ...]
    assumptions: tuple[str, ...] = field(default=())


def _series(name: str, months: Sequence[str], counts: dict[str, int], held: Sequence[str]) -> Series:
    """The quarter's ``months`` of one series; ``counts`` is {month: n} over the ``held`` months read."""
    given = sorted(held)
    seasonal = (
        stats.seasonal_range([counts.get(m, 0) for m in given], given, years_back=YEARS_BACK)
        if given
        else None
    )
    at = {m: i for i, m in enumerate(given)}
    out = []
    for m in months:
        earlier = year_earlier(m)
        row = MonthFigure(
            m,
            counts.get(m, 0) if m in at else None,
            counts.get(earlier, 0) if earlier in at else None,
        )
        i = at.get(m)
        if seasonal is not None and i is not None and seasonal.labels[i] != "not-enough-history":
            row = MonthFigure(
                m,
                row.count,
                row.year_earlier,
                round(float(seasonal.expected[i]), 1),
                round(float(seasonal.lower[i]), 1),
                round(float(seasonal.upper[i]), 1),
                str(seasonal.labels[i]),
            )
        out.append(row)
    return Series(name, tuple(out))


def _place(
    area: Area, months: Sequence[str], by_type: dict[str, dict[str, int]], held: Sequence[str]
) -> PlaceQuarter:
    crime: dict[str, int] = {}
    for crime_type, per_month in by_type.items():
        if crime_type != ASB:
            for m, n in per_month.items():
                crime[m] = crime.get(m, 0) + n
    return PlaceQuarter(
        area.code,
        area.name,
        area.level,
        _series(CRIME, months, crime, held),
        _series(ASB, months, by_type.get(ASB, {}), held),
    )


def quarter_area(
    snapshot: Store | Snapshot,
    con: duckdb.DuckDBPyConnection,
    area: Area,
    months: Sequence[str],
    places: Sequence[Area] = (),
) -> QuarterArea:
    """Crime and ASB in ``area`` and ``places`` for ``months`` (a quarter), against a year earlier
    and the normal range for the time of year.

    Parameters
    ----------
    snapshot
        The store or store snapshot read (it says which months are held).
    con
        A connection from the same snapshot.
    area
        The partnership's area (a district, CSP or force).
    months
        The quarter's months, "YYYY-MM", oldest first.
    places
        Priority places: wards inside the area (others are passed over).

    Returns
    -------
    QuarterArea
    """
    months = tuple(months)
    held = held_months(snapshot, con, area)  # type: ignore[arg-type]
    wanted = sorted({f"{int(m[:4]) - k:04d}{m[4:]}" for m in months for k in range(YEARS_BACK + 1)} & held)
    wards = [p for p in places if p.level == "ward"]
    area_counts: dict[str, dict[str, int]] = {}
    ward_counts: dict[str, dict[str, dict[str, int]]] = {}
    if wanted:
        rows = run(
            con,
            f"select ward_code, crime_type, month, count(*) from crimes where {area.row_filter()} "
            f"and {in_months(wanted)} group by all",
        ).fetchall()
        for ward, crime_type, month, n in rows:
            per_type = area_counts.setdefault(crime_type, {})
            per_type[month] = per_type.get(month, 0) + int(n)
            if ward:
                per_ward = ward_counts.setdefault(ward, {}).setdefault(crime_type, {})
                per_ward[month] = per_ward.get(month, 0) + int(n)
    whole = _place(area, months, area_counts, wanted)
    type_series = tuple(_series(t, months, area_counts.get(t, {}), wanted) for t in CRIME_TYPES)
    place_rows = tuple(_place(w, months, ward_counts.get(w.code, {}), wanted) for w in wards)
    above = tuple(s.name for s in (whole.crime, *type_series) if len(s.months_above) >= MONTHS_ABOVE)
    missing = tuple(m for m in months if m not in held)
    assumptions = [
        "Crime is every police.uk crime type except anti-social behaviour; counts are of "
        "police-recorded crime published on data.police.uk.",
        f"The normal range for a month is the range expected from the same month in each of the "
        f"{YEARS_BACK} years before (95% level, allowing for more variation than chance alone).",
        f"A crime type is listed as an exception when at least {MONTHS_ABOVE} of the quarter's "
        "months are above its normal range.",
    ]
    if missing:
        assumptions.append(
            "The store does not hold " + ", ".join(month_label(m) for m in missing) + " for "
            f"{area.name}, so those months are not counted."
        )
    return QuarterArea(months, missing, whole, place_rows, type_series, above, tuple(assumptions))
