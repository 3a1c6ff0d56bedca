"""An indicator's values by period, counted from the data store.

For each period of the grain (financial year, quarter or month) in which the
store holds at least one month of police.uk data for the area, the series gives
the count of the chosen crime types, or the rate per 1,000 residents with its
95% confidence interval (Byar's method, or exact under 10; see
docs/methods/rates.md). A period the store holds only in part is kept, with the
months it holds, so that a status can compare like months with like.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from saferplaces.data.areas import Area, resolve_area
from saferplaces.data.counts import describe_missing, forces_for_area
from saferplaces.data.periods import month_from_index
from saferplaces.data.population import population
from saferplaces.data.sql import run
from saferplaces.data.store import Store
from saferplaces.errors import InputError
from saferplaces.indicators.periods import PeriodSpan, span_for_month
from saferplaces.indicators.query import IndicatorQuery
from saferplaces.stats import rate


@dataclass(frozen=True)
class IndicatorPoint:
    """One period's value.

    Attributes
    ----------
    period
        Its label, such as ``2024/25`` or ``2024/25 Q1``.
    value
        The count, or the rate per 1,000 residents (for a period held in part,
        the rate over the months held, scaled to the whole period).
    lower, upper
        The rate's 95% confidence limits; None for a count.
    count
        The number of rows counted.
    monthly
        ``(month, count)`` for each month held, ``YYYY-MM``.
    months_in_period
        How many months the period has (12, 3 or 1).
    population, population_year
        The residents the rate is per (None for a count).
    """

    period: str
    value: float
    lower: float | None
    upper: float | None
    count: int
    monthly: tuple[tuple[str, int], ...]
    months_in_period: int
    population: int | None = None
    population_year: int | None = None

    @property
    def months_held(self) -> int:
        return len(self.monthly)

    @property
    def complete(self) -> bool:
        return self.months_held == self.months_in_period

    def coverage(self) -> str:
        """'All 12 months' or '5 of 12 months (October 2018 to February 2019)'."""
        if self.complete:
            return f"All {self.months_in_period} months" if self.months_in_period > 1 else "The whole month"
        held = describe_missing([m for m, _ in self.monthly])
        return f"{self.months_held} of {self.months_in_period} months ({held})"


@dataclass(frozen=True)
class IndicatorSeries:
    """An indicator's values from the store, oldest period first."""

    query: IndicatorQuery
    area: Area
    description: str
    unit: str
    points: tuple[IndicatorPoint, ...]
    assumptions: tuple[str, ...] = field(default=())
    snapshot_id: int | None = None  # the store snapshot it was counted from (Store.snapshot)


def _months_held(store: Store, con: duckdb.DuckDBPyConnection, area: Area) -> list[str]:
    """Months for which every force covering ``area`` is in the store, oldest first."""
    forces = forces_for_area(con, area)
    held = store.force_months()
    if not forces:
        return []
    common = set.intersection(*(held.get(f, set()) for f in forces))
    return sorted(common)


def indicator_series(
    store: Store, query: IndicatorQuery, con: duckdb.DuckDBPyConnection | None = None
) -> IndicatorSeries:
    """Count an indicator from the store, by period.

    Parameters
    ----------
    store
        The data store.
    query
        What to count (see :func:`saferplaces.indicators.validate_query`).
    con
        An open connection to the store (one is opened when not given).

    Returns
    -------
    IndicatorSeries

    Raises
    ------
    InputError
        When the area is unknown, or the store holds no month for it.
    """
    store = store.snapshot()  # months held and counts from one state (give the snapshot of ``con``)
    con = con or store.connect()
    area = resolve_area(con, query.area)
    months = _months_held(store, con, area)
    if not months:
        raise InputError(
            f"The store holds no police.uk data for {area.name}.",
            "Run 'saferplaces ingest' with the files for the months you want, then refresh again.",
        )
    where = area.row_filter()
    if query.crime_types:
        where += " and crime_type in (select unnest(?))"
        params: list = [list(query.crime_types), months]
    else:
        params = [months]
    found = dict(
        run(
            con,
            f"select month, count(*) from crimes where {where} and month in (select unnest(?)) group by 1",
            params,
        ).fetchall()
    )
    by_period: dict[PeriodSpan, list[tuple[str, int]]] = {}
    for month in months:
        by_period.setdefault(span_for_month(month, query.grain), []).append((month, int(found.get(month, 0))))

    assumptions: list[str] = []
    points = []
    for span, monthly in sorted(by_period.items(), key=lambda item: item[0].start):
        count = sum(n for _, n in monthly)
        if query.measure == "count":
            points.append(
                IndicatorPoint(span.label, float(count), None, None, count, tuple(monthly), span.length)
            )
            continue
        year = int(month_from_index((span.start + span.end) // 2)[:4])
        pop = population(con, area, year)
        if pop.assumption and pop.assumption not in assumptions:
            assumptions.append(pop.assumption)
        # Over the months held, scaled to the whole period: a part-year rate compares with a full one.
        r = rate(count, pop.value * len(monthly) / span.length)
        points.append(
            IndicatorPoint(
                span.label, r.value, r.lower, r.upper, count, tuple(monthly), span.length, pop.value, pop.year
            )
        )
    partial = [p.period for p in points if not p.complete]
    if partial:
        assumptions.append(
            "The store holds only part of " + ", ".join(partial) + "; each is shown with the months it holds."
        )
    if query.measure == "rate":
        assumptions.append(
            "Rates are per 1,000 residents (ONS mid-year estimates), with 95% confidence intervals."
        )
    return IndicatorSeries(
        query=query,
        area=area,
        description=query.describe(area.name),
        unit=query.unit,
        points=tuple(points),
        assumptions=tuple(assumptions),
        snapshot_id=store.id,
    )
