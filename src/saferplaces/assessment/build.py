"""Build a StrategicAssessment for an area and period from the store.

Every statistic comes from ``saferplaces.stats``; every choice the code makes is
stated in ``assumptions``; every finding names the table it comes from.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from statistics import median

import duckdb

from saferplaces import stats
from saferplaces.assessment.findings import write_findings
from saferplaces.assessment.hotspots import hotspots
from saferplaces.assessment.model import (
    AreaInfo,
    Change,
    ConcentrationInfo,
    CrimeTypeRow,
    Estimate,
    HarmInfo,
    Headline,
    MethodNote,
    MonthRow,
    PeriodInfo,
    StrategicAssessment,
    WardRow,
)
from saferplaces.assessment.national import national_comparison
from saferplaces.assessment.people import PeopleSection, people_section
from saferplaces.assessment.places import ward_profiles
from saferplaces.assessment.priorities import assessment_priorities, load_weights
from saferplaces.assessment.windows import months_phrase, window_label
from saferplaces.data.aggregates import Aggregates, in_months, where
from saferplaces.data.areas import Area, areas_within, resolve_area
from saferplaces.data.bundled_files import ATTRIBUTION
from saferplaces.data.counts import describe_missing, forces_for_area, months_coverage
from saferplaces.data.periods import Period, make_period, month_from_index, month_index, parse_period
from saferplaces.data.policeuk_format import ASB, CRIME_TYPES
from saferplaces.data.population import (
    DOWNLOADED_WARD_SOURCE,
    population,
    ward_population_sentences,
    ward_populations,
)
from saferplaces.data.quality import QualityReport, quality_report
from saferplaces.data.reference import severity_weights
from saferplaces.data.sql import literal_list, run
from saferplaces.data.store import Store
from saferplaces.defaults import DEFAULTS
from saferplaces.errors import InputError
from saferplaces.stats.labels import ChangeLabel
from saferplaces.stats.monthly_change import (
    ChangeDifferenceResult,
    MonthlyChangeResult,
    change_difference,
    monthly_change,
)
from saferplaces.stats.spc import RUN_CHART_TREND
from saferplaces.wording import counted, in_window, the_window

METHODS = {
    "rate": MethodNote(
        "Rates per 1,000 with exact Poisson and Byar intervals",
        "methods/rates.md",
        "Public Health England (2018), Technical Guide: Confidence Intervals.",
    ),
    "change": MethodNote(
        "Change on the same months a year earlier: quasi-Poisson test on the monthly counts, "
        "Benjamini-Hochberg adjustment across crime types, and the area's change against the rest "
        "of the force's",
        "methods/change.md",
        "McCullagh and Nelder (1989), Generalized Linear Models, section 6.2; Benjamini and Hochberg "
        "(1995); Altman and Bland (2003), Interaction revisited, BMJ 326: 219.",
    ),
    "compare": MethodNote(
        "Higher, similar or lower than a benchmark",
        "methods/compare.md",
        "Public Health England, Fingertips technical guidance.",
    ),
    "funnel": MethodNote(
        "Funnel plot limits with overdispersion",
        "methods/funnel.md",
        "Spiegelhalter (2005), Funnel plots for comparing institutional "
        "performance; NHS England FunnelPlotR.",
    ),
    "spc": MethodNote(
        "Statistical process control (XmR chart)",
        "methods/spc-xmr.md",
        "NHS England, Making Data Count (2019).",
    ),
    "hotspots": MethodNote(
        "Hotspots: Getis-Ord Gi* on a grid, and their pattern over time",
        "methods/hotspot-gistar.md",
        "Ord and Getis (1995); Benjamini and Hochberg (1995); Ashby (2023), sfhotspot: hot-spot "
        "analysis with simple features (R package).",
    ),
    "concentration": MethodNote(
        "Crime concentration",
        "methods/concentration.md",
        "Weisburd (2015), The law of crime concentration and the criminology of place.",
    ),
    "peers": MethodNote(
        "Open peer group (most similar areas)",
        "methods/peer-group.md",
        "Home Office (2021), Most Similar Groups methodology; standardised Euclidean distance.",
    ),
    "harm": MethodNote(
        "Harm weighted by the Crime Severity Score",
        "methods/harm.md",
        "ONS (2016), Research outputs: developing a Crime Severity Score.",
    ),
}


def _estimate(count: int, pop: int) -> Estimate:
    r = stats.rate(count, pop, per=1000, level=DEFAULTS.confidence_level)
    return Estimate(int(count), round(r.value, 2), round(r.lower, 2), round(r.upper, 2), r.method)


def _test_change(now: Sequence[int], before: Sequence[int]) -> MonthlyChangeResult:
    return monthly_change(now, before, level=DEFAULTS.confidence_level)


def _change(result: MonthlyChangeResult, months: str | None) -> Change:
    return Change(
        result.current,
        result.previous,
        None if result.percent is None else round(result.percent, 1),
        round(result.p, 4),
        round(2.0 * (math.sqrt(result.current) - math.sqrt(result.previous)), 3),
        result.label,
        round(result.dispersion, 2),
        result.method,
        months,
    )


def category_weights() -> dict[str, float]:
    """One Crime Severity Score weight per police.uk crime type: the median of its offences."""
    by_type: dict[str, list[float]] = {}
    for w in severity_weights():
        by_type.setdefault(w.police_uk_category, []).append(w.weight)
    return {t: float(median(v)) for t, v in by_type.items()}


def _population_or_none(con: duckdb.DuckDBPyConnection, area: Area, year: int) -> int | None:
    try:
        return population(con, area, year).value
    except InputError:
        return None


def _force_of(con: duckdb.DuckDBPyConnection, area: Area) -> Area | None:
    if area.level == "force":
        return None
    row = run(
        con,
        "select pfa_code, pfa_name from lad_csp_pfa where "
        f"{'csp_code' if area.level == 'csp' else 'lad_code'} = ? limit 1",
        [area.parent_code if area.level == "ward" else area.code],
    ).fetchone()
    return Area("force", row[0], row[1]) if row and row[0] else None


def latest_period(store: Store, con: duckdb.DuckDBPyConnection, area: Area) -> Period:
    """The default period: the latest ``DEFAULTS.rolling_months`` months held for ``area``'s forces.

    Raises
    ------
    InputError
        When the store holds no month for the area's forces.
    """
    held_by_force = store.force_months()
    forces = forces_for_area(con, area) or sorted(held_by_force)
    months = set.intersection(*(set(held_by_force.get(f, set())) for f in forces)) if forces else set()
    if not months:
        raise InputError(
            f"The store holds no police.uk data for {area.name}.",
            "Run 'saferplaces ingest' with the files for its force, or 'saferplaces demo'.",
        )
    latest = max(months, key=month_index)
    start = month_from_index(month_index(latest) - DEFAULTS.rolling_months + 1)
    return make_period(start, latest, "rolling-12" if DEFAULTS.rolling_months == 12 else "months")


# --- step 1: what is assessed -------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """What an assessment covers: the area, the months held, the months compared, the population.

    ``comparison`` are the months one year before ``comparable`` (the months of the period
    whose year-earlier month is held), so that a change compares the same seasons.
    """

    area: Area
    period: Period
    held: tuple[str, ...]
    comparison: tuple[str, ...]
    comparable: tuple[str, ...]
    all_held: frozenset[str]
    year: int
    population: int
    population_year: int
    force: Area | None
    #: the estimate in words: "mid-2021", or "mid-2023, downloaded from ONS (Nomis) on 3 December 2026"
    population_estimate: str = ""

    @property
    def window(self) -> str:
        """'calendar year 2025', or '4 of 12 months (January to April 2024)'."""
        return window_label(self.period, self.held)

    @property
    def partial(self) -> bool:
        return list(self.held) != self.period.months

    def period_info(self) -> PeriodInfo:
        now, base = (
            (months_phrase(self.comparable), months_phrase(self.comparison))
            if self.comparison
            else (None, None)
        )
        return PeriodInfo(
            self.period.start,
            self.period.end,
            self.window,
            self.held,
            self.comparison,
            f"{now} against {base}" if now else None,
            self.period.label,
            self.partial,
            now,
            base,
        )


def resolve_scope(
    store: Store,
    con: duckdb.DuckDBPyConnection,
    area: str | Area,
    period: str | Period | None,
    compare: str,
    allow_partial: bool,
    assumptions: list[str],
) -> Scope:
    """Step 1: resolve the area and period, refuse a part-held period unless allowed, choose the months.

    Raises
    ------
    InputError
        When ``compare`` is unknown, the store holds no month of the period, or only some of
        them and ``allow_partial`` is False.
    """
    if compare not in ("previous", "none"):
        raise InputError(
            f"--compare '{compare}' is not a comparison we make.",
            "Use 'previous' (the same months a year earlier) or 'none'.",
        )
    the_area = area if isinstance(area, Area) else resolve_area(con, area)
    if period is None:
        the_period = latest_period(store, con, the_area)
        assumptions.append(
            f"No period was given, so the assessment covers {the_window(the_period.label)}, the "
            f"{DEFAULTS.rolling_months} months ending with the latest month held."
        )
    else:
        the_period = period if isinstance(period, Period) else parse_period(period)
    held, missing = months_coverage(store, con, the_area, the_period)
    if not held:
        raise InputError(
            f"The store holds no police.uk data for {the_area.name} {in_window(the_period.label)}.",
            "Run 'saferplaces ingest' with the files for those months, or choose another period.",
        )
    if missing and not allow_partial:
        from saferplaces.assessment.local_picture import held_months
        from saferplaces.data.summary import latest_twelve

        whole = latest_twelve(held_months(store, con, the_area))
        of_what = (
            the_period.label
            if the_period.label.startswith(f"{the_period.length} months")
            else f"{the_period.length} months of {the_window(the_period.label)}"
        )
        raise InputError(
            f"The store holds only {len(held)} of the {of_what} for {the_area.name} ({months_phrase(held)}).",
            "Add --allow-partial to assess those months"
            + (
                f", or choose a period the store covers, such as 12m-to-{whole.end} (the latest 12 "
                "months in a row held)."
                if whole is not None
                else f"; the store holds no 12 months in a row for {the_area.name}, so no whole "
                "12-month period can be assessed until the missing months are loaded."
            ),
        )
    if missing:
        assumptions.append(
            f"The store has no data for {describe_missing(missing)}; the assessment covers "
            f"{window_label(the_period, held)}, and every count and rate is for those months only."
        )
    all_held = frozenset(m for ms in store.force_months().values() for m in ms)
    comparison: list[str] = []
    if compare == "previous":
        comparison = [month_from_index(month_index(m) - 12) for m in held]
        comparison = [m for m in comparison if m in all_held]
    comparable = [m for m in held if month_from_index(month_index(m) - 12) in comparison]
    if compare == "previous":
        if comparison:
            assumptions.append(
                f"Change is measured on the same {len(comparison)} calendar months one year "
                f"earlier ({months_phrase(comparable)} against {months_phrase(comparison)}), so that the "
                "seasons match."
            )
        else:
            assumptions.append("No month a year earlier is held, so no change is measured.")
    year = int(the_period.end[:4])
    pop = population(con, the_area, year)
    if pop.assumption:
        assumptions.append(pop.assumption)
    if pop.downloaded:
        assumptions.append(f"{the_area.name}'s rates use the ONS population estimate for {pop.estimate}.")
    return Scope(
        the_area,
        the_period,
        tuple(held),
        tuple(comparison),
        tuple(comparable),
        all_held,
        year,
        pop.value,
        pop.year,
        _force_of(con, the_area),
        pop.estimate,
    )


def aggregates_for(con: duckdb.DuckDBPyConnection, scope: Scope, aggregates: Aggregates | None) -> Aggregates:
    """Rows counted for the area's force: the batch's when they cover it, otherwise counted now."""
    area, force = scope.area, scope.force
    pfas = [area.code] if area.level == "force" else [force.code] if force else None
    if aggregates is None or not aggregates.covers(pfas, list(scope.held), area):
        aggregates = Aggregates(con, pfas, point_months=list(scope.held), areas=[area])
    return aggregates


# --- step 2: counts by crime type -----------------------------------------------------------


@dataclass(frozen=True)
class TypeCounts:
    """Counts by crime type: over the months held, and by month for the change and the force's."""

    now: dict[str, int]
    monthly: dict[tuple[str, str], int]
    force_monthly: dict[tuple[str, str], int]

    def total(self, months: Sequence[str], types: Callable[[str], bool], force: bool = False) -> list[int]:
        """The count of each month in ``months`` over the crime types ``types`` accepts."""
        source = self.force_monthly if force else self.monthly
        out = dict.fromkeys(months, 0)
        for (t, m), n in source.items():
            if m in out and types(t):
                out[m] += n
        return [out[m] for m in months]


def count_types(agg: Aggregates, scope: Scope) -> TypeCounts:
    """Step 2: counts by crime type over the months held, and by month over the months compared."""
    months = list(scope.comparable) + list(scope.comparison)

    def by_month(area: Area) -> dict[tuple[str, str], int]:
        if not months:
            return {}
        return {
            (t, m): int(n)
            for t, m, n in agg.sql(
                f"select crime_type, month, sum(n) from {agg.counts} where {where(area)} and "
                f"{in_months(months)} group by 1, 2"
            )
        }

    force_monthly = by_month(scope.force) if scope.force is not None and months else {}
    return TypeCounts(agg.by_type(scope.area, list(scope.held)), by_month(scope.area), force_monthly)


# --- step 3: which crime types' series have a possible break ---------------------------------


def series_breaks(quality: QualityReport, scope: Scope) -> dict[str, str]:
    """Step 3: crime types whose force series has a possible break inside the months compared.

    Each is a sentence saying where the break is; the change of such a type is shown but not
    counted as evidence, so that the data quality section and the change table agree.
    """
    if not scope.comparison:
        return {}
    first, last = scope.comparison[0][:4], scope.comparable[-1][:4]
    out: dict[str, str] = {}
    for check in quality.checks:
        if check.check != "series-breaks":
            continue
        for crime_type, before, mean_before, after, mean_after, _pct, months in check.rows:
            if first <= before and after <= last:
                out[crime_type] = (
                    f"possible break in the force's series: its monthly average over {months} went "
                    f"from {mean_before:,.1f} in {before} to {mean_after:,.1f} in {after}"
                )
    return out


# --- step 4: the headline -------------------------------------------------------------------


def headline(scope: Scope, counts: TypeCounts) -> Headline:
    """Step 4: crime (excluding ASB) and ASB, with their rates and their change on a year earlier."""
    crime_now = sum(n for t, n in counts.now.items() if t != ASB)
    asb_now = counts.now.get(ASB, 0)

    def change_of(types: Callable[[str], bool]) -> Change | None:
        if not scope.comparison:
            return None
        result = _test_change(counts.total(scope.comparable, types), counts.total(scope.comparison, types))
        return _change(result, scope.period_info().comparison_label)

    return Headline(
        _estimate(crime_now, scope.population),
        _estimate(asb_now, scope.population),
        change_of(lambda t: t != ASB),
        change_of(lambda t: t == ASB),
    )


# --- step 5: the force and its districts, to compare with --------------------------------------


@dataclass(frozen=True)
class Benchmarks:
    """The force area's rate of each crime type, and each district's, for ranks."""

    force_rates: dict[str, stats.RateResult]
    district_rates: dict[str, dict[str, float]]


def benchmarks(agg: Aggregates, scope: Scope, assumptions: list[str]) -> Benchmarks:
    """Step 5: rates of the force area as a whole, and of each district or CSP beside the area."""
    con, force, the_area, held = agg.con, scope.force, scope.area, list(scope.held)
    force_rates: dict[str, stats.RateResult] = {}
    district_rates: dict[str, dict[str, float]] = {}
    if force is None:
        return Benchmarks(force_rates, district_rates)
    try:
        force_estimate = population(con, force, scope.year)
    except InputError:
        assumptions.append(
            f"No population estimate is held for the whole of {force.name} police force "
            "area, so rates are not compared with it."
        )
        return Benchmarks(force_rates, district_rates)
    force_pop = force_estimate.value
    if force_estimate.estimate != scope.population_estimate:
        assumptions.append(
            f"The rates of {force.name} police force area use the ONS population estimate for "
            f"{force_estimate.estimate}."
        )
    for t, n in agg.by_type(force, held).items():
        force_rates[t] = stats.rate(n, force_pop, per=1000, level=DEFAULTS.confidence_level)
    if the_area.level in ("district", "csp"):
        column = "csp_code" if the_area.level == "csp" else "lad_code"
        # areas of today's geography only: the lookups also list districts since merged
        current = {
            r[0]
            for r in run(
                con,
                f"select distinct {column} from lsoa_lookup where vintage = '2021' and pfa_code = ?",
                [force.code],
            ).fetchall()
        }
        beside = [a for a in areas_within(con, force) if a.level == the_area.level and a.code in current]
        by_area = _by_area_and_type(agg, beside, held)
        for d in beside:
            d_pop = _population_or_none(con, d, scope.year)
            if d_pop is None:
                assumptions.append(
                    f"No population estimate is held for {d.name}, so it is left out of the ranks."
                )
                continue
            found = by_area.get(d.code, {})
            district_rates[d.code] = {t: found.get(t, 0) / d_pop * 1000 for t in CRIME_TYPES}
    assumptions.append(
        f"Rates are compared with {force.name} police force area as a whole; 'higher' or 'lower' "
        f"means the {DEFAULTS.confidence_percent} confidence intervals do not overlap."
    )
    return Benchmarks(force_rates, district_rates)


# --- step 6: one row per crime type -----------------------------------------------------------


def _significance(p_adjusted: float, up: bool) -> ChangeLabel:
    if p_adjusted >= DEFAULTS.significance_level:
        return ChangeLabel.NO_SIGNIFICANT_CHANGE
    return ChangeLabel.INCREASE if up else ChangeLabel.DECREASE


def crime_type_rows(
    scope: Scope,
    counts: TypeCounts,
    bench: Benchmarks,
    harm_by_type: dict[str, float],
    breaks: dict[str, str],
    assumptions: list[str],
) -> list[CrimeTypeRow]:
    """Step 6: each crime type's count, rate, tested change, comparison with the force, rank and harm.

    Changes are tested on the monthly counts (quasi-Poisson) and adjusted across the crime types
    (``DEFAULTS.multiple_testing``); the area's change is set against the rest of the force's over
    the same months. A type with a possible break in its series keeps its test but its ``change``
    is None: it is not counted as evidence.
    """
    changes: dict[str, MonthlyChangeResult] = {}
    versus: dict[str, ChangeDifferenceResult] = {}
    rest: dict[str, MonthlyChangeResult] = {}
    if scope.comparison:
        for t in CRIME_TYPES:
            one = lambda x, t=t: x == t  # noqa: E731 - one crime type
            changes[t] = _test_change(
                counts.total(scope.comparable, one), counts.total(scope.comparison, one)
            )
            if counts.force_monthly:
                rest_now = [
                    f - a
                    for f, a in zip(
                        counts.total(scope.comparable, one, force=True),
                        counts.total(scope.comparable, one),
                        strict=True,
                    )
                ]
                rest_before = [
                    f - a
                    for f, a in zip(
                        counts.total(scope.comparison, one, force=True),
                        counts.total(scope.comparison, one),
                        strict=True,
                    )
                ]
                if min(rest_now + rest_before, default=0) >= 0:
                    rest[t] = _test_change(rest_now, rest_before)
                    versus[t] = change_difference(changes[t], rest[t], level=DEFAULTS.confidence_level)
    adjusted = dict(
        zip(changes, stats.adjust_p([c.p for c in changes.values()], DEFAULTS.multiple_testing), strict=True)
    )
    tested = [t for t in versus if versus[t].p is not None]
    versus_adjusted = dict(
        zip(tested, stats.adjust_p([versus[t].p for t in tested], DEFAULTS.multiple_testing), strict=True)
    )
    if changes:
        assumptions.append(
            f"Each crime type's change is tested on its monthly counts with a quasi-Poisson model (so that "
            f"months varying more than chance allows do not pass for change), and the p-values are "
            f"adjusted across the {len(changes)} types by the {DEFAULTS.multiple_testing_name}; a "
            "change is called a rise or a fall only when the adjusted p-value is below "
            f"{DEFAULTS.significance_level:g}."
        )
    if versus:
        assumptions.append(
            f"Each crime type's change is set against the change in the rest of {scope.force.name} over "
            "the same months (the force less this area), by the ratio of the two rate ratios (Altman and "
            "Bland, 2003), adjusted across the types in the same way."
        )
    if breaks:
        assumptions.append(
            "The change of a crime type with a possible break in the force's series ("
            + ", ".join(sorted(breaks))
            + ") is shown but not counted as evidence in the findings or the candidate priorities."
        )
    window = scope.period_info().comparison_label
    rows = []
    for t in CRIME_TYPES:
        n = counts.now.get(t, 0)
        est = _estimate(n, scope.population)
        ch = changes.get(t)
        label = (
            None
            if ch is None
            else _significance(adjusted[t], ch.current * ch.months_previous > ch.previous * ch.months_current)
        )
        vs = versus.get(t)
        vs_label = None
        if vs is not None and vs.p is not None:
            vs_label = "similar" if versus_adjusted[t] >= DEFAULTS.significance_level else vs.label
        rank = rank_of = None
        if scope.area.code in bench.district_rates:
            ordered = sorted(bench.district_rates, key=lambda c, t=t: -bench.district_rates[c][t])
            rank, rank_of = ordered.index(scope.area.code) + 1, len(ordered)
        rows.append(
            CrimeTypeRow(
                t,
                n,
                est.rate,
                est.lower,
                est.upper,
                None if ch is None else ch.current,
                None if ch is None else ch.previous,
                None if t in breaks else label,
                None if ch is None or ch.percent is None else round(ch.percent, 1),
                None if ch is None else round(ch.p, 4),
                round(bench.force_rates[t].value, 2) if t in bench.force_rates else None,
                stats.compare(
                    stats.rate(n, scope.population, per=1000, level=DEFAULTS.confidence_level),
                    bench.force_rates[t],
                ).label
                if t in bench.force_rates
                else None,  # fmt: skip
                rank,
                rank_of,
                round(harm_by_type.get(t, 0.0), 1) if t in harm_by_type or t != ASB else None,
                change_p_adjusted=None if ch is None else round(float(adjusted[t]), 4),
                change_test=label,
                series_break=breaks.get(t),
                force_change_percent=None
                if t not in rest or rest[t].percent is None
                else round(rest[t].percent, 1),
                versus_force_change=vs_label or (None if vs is None else vs.label),
                versus_force_change_ratio=None if vs is None or vs.ratio is None else round(vs.ratio, 3),
                versus_force_change_p_adjusted=None
                if t not in versus_adjusted
                else round(float(versus_adjusted[t]), 4),
                change_window=None if ch is None else window,
            )
        )
    return rows


# --- the whole assessment, step by step -------------------------------------------------------


def build_assessment(
    store: Store,
    area: str | Area,
    period: str | Period | None = None,
    compare: str = "previous",
    weights_path: str | None = None,
    extract: str | None = None,
    aggregates: Aggregates | None = None,
    allow_partial: bool = False,
) -> StrategicAssessment:
    """Build the strategic assessment of ``area`` for ``period``.

    The steps, each a function of this module with its own tests: ``resolve_scope`` (what is
    assessed), ``count_types``, ``series_breaks``, ``headline``, ``benchmarks`` (the force and
    its districts), ``crime_type_rows``, then wards, months, concentration, harm, people,
    hotspots, the national comparison and the candidate priorities, and last the findings.

    Parameters
    ----------
    store
        The data store.
    area
        A force, CSP, district or ward, by code or name, or an ``Area``.
    period
        A period in the grammar of ``saferplaces counts``, or a ``Period``; None means the
        latest 12 months held (``DEFAULTS.rolling_months``).
    compare
        "previous" compares with the same months one year earlier; "none" skips it.
    weights_path
        A TOML file of priority-scoring weights; the bundled defaults when None.
    extract
        A partner extract for the people section: the name of one held in the store, or
        a CSV file, which is first loaded into the store under its file name.
    aggregates
        Rows already counted (``saferplaces.data.aggregates``), shared by the assessments
        of a batch; they are counted for this area's force when None or when they do not
        cover it. See ``build_assessments``.
    allow_partial
        Assess a period the store holds only in part (every figure then says which months).

    Raises
    ------
    InputError
        When the store holds no month of the period for the area, or only some of them and
        ``allow_partial`` is False.
    """
    if extract and isinstance(store, Store):
        extract = _extract_name(store, extract)  # a CSV is loaded before the snapshot is taken
    if isinstance(store, Store):
        store = store.snapshot()  # one state of the store for the whole assessment (#13)
    con = aggregates.con if aggregates is not None else store.connect()
    assumptions: list[str] = []
    scope = resolve_scope(store, con, area, period, compare, allow_partial, assumptions)
    agg = aggregates_for(con, scope, aggregates)
    counts = count_types(agg, scope)
    if not any(counts.now.values()):
        raise InputError(
            f"No crimes in {scope.area.name} are held for {months_phrase(scope.held)}, so there is "
            "nothing to assess.",
            "Check the store holds the police.uk files of the force that covers it for those months "
            "(saferplaces counts shows what is held).",
        )
    quality = quality_report(store, scope.area, scope.period, aggregates=agg)
    breaks = series_breaks(quality, scope)
    head = headline(scope, counts)
    bench = benchmarks(agg, scope, assumptions)
    harm_result, harm_info = _harm(counts, scope, assumptions)
    rows = crime_type_rows(scope, counts, bench, harm_result.by_category, breaks, assumptions)
    held = list(scope.held)
    rows = _with_trends(agg, scope.area, rows, held, set(scope.all_held), assumptions)
    rows.sort(key=lambda r: -r.count)
    wards = _ward_rows(agg, scope.area, held, scope.year, assumptions)
    months = _with_seasonal_range(
        agg, scope.area, _month_rows(agg, scope.area, held, assumptions), set(scope.all_held), assumptions
    )
    districts = (
        tuple(_district_rows(agg, scope.area, held, scope.year)) if scope.area.level == "force" else ()
    )
    people = _people(store, con, extract, scope.area, held, scope.year) if extract else None
    if people:
        assumptions.extend(people.assumptions)
    hot = hotspots(agg, scope.area, held, list(scope.comparison)) if scope.area.level != "force" else None
    if hot:
        assumptions.extend(hot.assumptions)
    profiles = ward_profiles(agg, scope.area, held, wards)  # issue 9 s4: ward profiles
    if profiles:
        assumptions.extend(profiles.assumptions)
    national = _national(con, scope.area, assumptions)
    weights_used = load_weights(weights_path)
    force_pop = _population_or_none(con, scope.force, scope.year) if scope.force is not None else None
    period_info = scope.period_info()
    # issue 9 section 3 (priorities): graded comparisons, peers and vulnerability go into the scores
    priorities = assessment_priorities(
        rows,
        weights_used,
        con=con,
        area=scope.area,
        population=scope.population,
        months=held,
        period_label=period_info.label,
        comparison_label=period_info.comparison_label,
        force=scope.force,
        force_counts=agg.by_type(scope.force, held) if scope.force is not None and force_pop else None,
        force_population=force_pop,
        national=national,
        extract=people.extract if people else None,
        synthetic=bool(people and people.synthetic),
        series_breaks=tuple(breaks),
    )
    draft = StrategicAssessment(
        area=AreaInfo(
            scope.area.code,
            scope.area.name,
            scope.area.level,
            scope.population,
            scope.population_year,
            scope.area.parent_code,
            scope.area.parent_name,
            None if scope.force is None else scope.force.name,
            scope.population_estimate,
        ),
        period=period_info,
        headline=head,
        crime_types=tuple(rows),
        wards=tuple(wards),
        months=tuple(months),
        concentration=_concentration(agg, scope.area, held),
        harm=harm_info,
        findings=(),
        priorities=tuple(priorities),
        priority_weights=weights_used.weights,
        assumptions=tuple(dict.fromkeys(assumptions + list(quality.assumptions))),
        data_quality=quality.to_dict(),
        methods=tuple(METHODS.values()),
        districts=districts,
        attribution=ATTRIBUTION,
        people=people,
        national=national,
        hotspots=hot,
        ward_profiles=profiles,
        snapshot_id=store.id,
        defaults=DEFAULTS.describe(),
    )
    return replace(draft, findings=tuple(write_findings(draft)))


def _harm(counts: TypeCounts, scope: Scope, assumptions: list[str]) -> tuple[stats.HarmResult, HarmInfo]:
    """Crime harm weighted by the Crime Severity Score, by crime type and in total."""
    weights = category_weights()
    assumptions.append(
        "Harm uses one Crime Severity Score weight per police.uk crime type: the median "
        "ONS weight of the offences in it, because police.uk does not give the offence."
    )
    result = stats.harm(
        {t: n for t, n in counts.now.items() if t in weights}, weights, population=scope.population
    )
    shares = result.share_by_category
    info = HarmInfo(
        round(result.total, 1),
        None if result.per_1000 is None else round(result.per_1000, 1),
        max(shares, key=shares.get) if shares else None,
        round(max(shares.values()) * 100, 1) if shares else None,
    )
    return result, info


def _national(con: duckdb.DuckDBPyConnection, area: Area, assumptions: list[str]):
    """The comparison with England and Wales and similar areas, for a CSP or district."""
    if area.level not in ("district", "csp"):
        return None
    column = "csp_code" if area.level == "csp" else "lad_code"
    row = run(con, f"select csp_code from lad_csp_pfa where {column} = ?", [area.code]).fetchone()
    national = national_comparison(con, row[0]) if row and row[0] else None
    if national:
        assumptions.extend(national.assumptions)
    return national


def build_assessments(
    store: Store,
    areas: Sequence[str | Area],
    period: str | Period | None = None,
    compare: str = "previous",
    weights_path: str | None = None,
    extract: str | None = None,
    allow_partial: bool = False,
) -> Iterator[StrategicAssessment]:
    """Build the assessment of each of ``areas`` in turn, counting the store's rows once for all.

    Gives the same objects as ``build_assessment`` called for each area, in a fraction of
    the time: the rows of every force the areas lie in are counted into small tables
    (``saferplaces.data.aggregates``) on the first step, and every assessment is built from those.
    An extract file is loaded into the store once. With no ``period``, every area gets the
    latest 12 months held for the first area's force.
    """
    if extract:
        extract = _extract_name(store, extract)
    store = store.snapshot()  # every assessment of the batch reads the same state (#13)
    con = store.connect()
    try:
        resolved = [a if isinstance(a, Area) else resolve_area(con, a) for a in areas]
        if period is None:
            the_period = latest_period(store, con, resolved[0]) if resolved else parse_period("2025")
        else:
            the_period = period if isinstance(period, Period) else parse_period(period)
        forces = [
            a.code if a.level == "force" else getattr(_force_of(con, a), "code", None) for a in resolved
        ]
        agg = Aggregates(con, None if None in forces else forces, point_months=the_period.months)
        for a in resolved:
            yield build_assessment(
                store,
                a,
                the_period,
                compare,
                weights_path,
                extract,
                aggregates=agg,
                allow_partial=allow_partial,
            )
    finally:
        con.close()
        store.close()


def _extract_name(store: Store, extract: str) -> str:
    """The name of a held extract; a CSV file is first loaded into the store under its file name."""
    from saferplaces.data.partner import ingest_extract, validate_extract_name

    path = Path(extract)
    # a named pipe or device is given to the importer, which refuses it for what it is
    if not path.exists() or path.is_dir():
        return extract
    stem = path.name.split(".")[0].lower()
    name = validate_extract_name(re.sub(r"[^a-z0-9_-]+", "-", stem).strip("-_")[:64] or "extract")
    ingest_extract(path, store, name)
    return name


def _people(
    store: Store, con: duckdb.DuckDBPyConnection, extract: str, area: Area, held: list[str], year: int
) -> PeopleSection | None:
    from saferplaces.data.partner import attach_extracts

    name = _extract_name(store, extract)
    names = attach_extracts(con, store)
    if name not in names:
        if Path(extract).is_dir():
            raise InputError(
                f"'{extract}' is a folder, not a partner extract CSV file, and no extract of that name "
                "is held.",
                "Give the path of the extract CSV file inside it, or a name from 'saferplaces extract list'.",
            )
        raise InputError(
            f"No partner extract called '{extract}' is held, and no such file exists.",
            "Give the path of an extract CSV, or a name from 'saferplaces extract list'.",
        )
    return people_section(con, name, area, held, year)


def _by_area_and_type(agg: Aggregates, areas: list[Area], months: list[str]) -> dict[str, dict[str, int]]:
    """{area code: {crime type: count}} for areas of one level, in one query."""
    if not areas or not months:
        return {}
    column = {"csp": "csp_code", "district": "lad_code", "ward": "ward_code"}[areas[0].level]
    out: dict[str, dict[str, int]] = {}
    codes = literal_list([a.code for a in areas])
    for code, crime_type, n in agg.sql(
        f"select {column}, crime_type, sum(n) from {agg.counts} where {column} in "
        f"(select unnest({codes})) and {in_months(months)} group by 1, 2",
        remember=True,
    ):
        out.setdefault(code, {})[crime_type] = int(n)
    return out


def _ward_rows(
    agg: Aggregates, area: Area, held: list[str], year: int, assumptions: list[str]
) -> list[WardRow]:
    if area.level == "ward":
        return []
    con = agg.con
    # in code order, so that wards with equal rates keep one order from run to run
    wards = run(
        con,
        f"select distinct ward_code, ward_name from lsoa_lookup where vintage = '2021' "
        f"and {area.lookup_filter()} order by 1, 2",
    ).fetchall()
    counts: dict[str, int] = {}
    top: dict[str, tuple[int, str]] = {}
    for code, crime_type, n in agg.sql(
        f"select ward_code, crime_type, sum(n) from {agg.counts} where {where(area)} and "
        f"{in_months(held)} group by 1, 2"
    ):
        counts[code] = counts.get(code, 0) + int(n)
        # the largest type; of equal ones, the first in alphabetical order
        if code not in top or (-n, crime_type) < (-top[code][0], top[code][1]):
            top[code] = (int(n), crime_type)
    found = ward_populations(con, [code for code, _ in wards], year)
    pops = {code: found[code] for code, _ in wards if code in found}
    usable = [(c, n) for c, n in wards if c in pops and pops[c].value > 0]
    if not usable:
        return []
    if any(pops[c].assumption or pops[c].source == DOWNLOADED_WARD_SOURCE for c, _ in usable):
        assumptions.extend(ward_population_sentences(pops, dict(usable)))
    numerators = [counts.get(c, 0) for c, _ in usable]
    denominators = [pops[c].value for c, _ in usable]
    funnel = stats.funnel_significance(numerators, denominators, "rate", per=1000, overdispersion=True)
    assumptions.extend(a for a in funnel.assumptions if a not in assumptions)
    rows = []
    for (code, name), label in zip(usable, funnel.labels, strict=True):
        n = counts.get(code, 0)
        est = _estimate(n, pops[code].value)
        rows.append(
            WardRow(
                code,
                name,
                pops[code].value,
                n,
                est.rate,
                est.lower,
                est.upper,
                label,
                top[code][1] if code in top else None,
            )
        )
    rows.sort(key=lambda r: -r.rate)
    return rows


def _month_rows(agg: Aggregates, area: Area, held: list[str], assumptions: list[str]) -> list[MonthRow]:
    found = {
        m: (int(c), int(a))
        for m, c, a in agg.sql(
            f"select month, coalesce(sum(n) filter (where crime_type <> '{ASB}'), 0), "
            f"coalesce(sum(n) filter (where crime_type = '{ASB}'), 0) from {agg.counts} where {where(area)} "
            f"and {in_months(held)} group by 1"
        )
    }
    series = [(m, *found.get(m, (0, 0))) for m in held]
    indexes = [month_index(m) for m, _, _ in series]
    consecutive = indexes == list(range(indexes[0], indexes[0] + len(indexes))) if indexes else False
    if len(series) >= DEFAULTS.min_xmr_points and consecutive:
        spc = stats.spc_xmr(
            [c for _, c, _ in series], improvement="decrease", run_length=DEFAULTS.spc_run_length
        )
        assumptions.append(
            "Monthly crime is tracked on an XmR chart with limits from all the months "
            "in the period; a fall in crime counts as improvement."
        )
        if spc.lower_limit < 0:
            assumptions.append(
                f"The control chart's lower limit works out below zero ({spc.lower_limit:.1f}); a month "
                "cannot have fewer than 0 crimes, so it is shown as 0."
            )
        return [
            MonthRow(
                m,
                c,
                a,
                round(spc.mean, 1),
                max(0.0, round(spc.lower_limit, 1)),
                round(spc.upper_limit, 1),
                p,
                rules=r,
                chart="xmr",
            )
            for (m, c, a), p, r in zip(series, spc.points, spc.rules, strict=True)
        ]
    if len(series) >= RUN_CHART_TREND and consecutive:  # the shortest run a rule can flag
        run = stats.spc_run([c for _, c, _ in series], improvement="decrease")
        assumptions.append(
            f"Fewer than {DEFAULTS.min_xmr_points} consecutive months are held, too few for XmR limits, so "
            f"monthly crime is tracked on a run chart (median, a shift of {run.shift_length} and a trend of "
            f"{run.trend_length} months); a fall in crime counts as improvement."
        )
        return [
            MonthRow(m, c, a, None, None, None, p, rules=r, median=round(run.median, 1), chart="run")
            for (m, c, a), p, r in zip(series, run.points, run.rules, strict=True)
        ]
    assumptions.append(
        f"Fewer than {DEFAULTS.min_xmr_points} consecutive months are held, so no control chart is drawn."
    )
    return [MonthRow(m, c, a, None, None, None, None) for m, c, a in series]


def _with_trends(
    agg: Aggregates,
    area: Area,
    rows: list[CrimeTypeRow],
    held: list[str],
    all_held: set[str],
    assumptions: list[str],
) -> list[CrimeTypeRow]:
    """Add a log-linear trend over the same months in each earlier year, where five or more are held."""
    years = []
    for back in range(0, 30):
        months = [month_from_index(month_index(m) - 12 * back) for m in held]
        if not all(m in all_held for m in months):
            break
        years.append(months)
    if len(years) < DEFAULTS.min_trend_years:
        assumptions.append(
            f"Only {counted(len(years), 'year')} of the same months {'is' if len(years) == 1 else 'are'} "
            "held, so no trend is "
            f"measured; a trend needs {DEFAULTS.min_trend_years} or more."
        )
        return rows
    years.reverse()
    by_month: dict[tuple[str, str], int] = {
        (t, m): int(n)
        for t, m, n in agg.sql(
            f"select crime_type, month, sum(n) from {agg.counts} where {where(area)} and "
            f"{in_months([m for months in years for m in months])} group by 1, 2"
        )
    }
    per_year = {t: [sum(by_month.get((t, m), 0) for m in months) for months in years] for t in CRIME_TYPES}
    assumptions.append(
        f"Trends are log-linear (quasi-Poisson when overdispersed) over the same months in "
        f"each of {len(years)} years."
    )
    out = []
    for r in rows:
        series = per_year[r.crime_type]
        if sum(series) == 0:
            out.append(r)
            continue
        t = stats.trend(series)
        out.append(
            replace(r, trend=t.label, trend_annual_change=round(t.annual_change, 1), trend_years=len(years))
        )
    return out


def _with_seasonal_range(
    agg: Aggregates, area: Area, months: list[MonthRow], all_held: set[str], assumptions: list[str]
) -> list[MonthRow]:
    """Judge each month against the same month in the three years before, where those are held."""
    history = sorted(m for m in all_held if m <= months[-1].month) if months else []
    back = DEFAULTS.min_seasonal_months
    if not months or not any(month_from_index(month_index(m.month) - back) in all_held for m in months):
        assumptions.append(
            f"The same months of the {DEFAULTS.min_seasonal_years} years before are not held, so no "
            "seasonal normal range is drawn."
        )
        return months
    found = {
        m: int(n)
        for m, n in agg.sql(
            f"select month, coalesce(sum(n) filter (where crime_type <> '{ASB}'), 0) from {agg.counts} "
            f"where {where(area)} and {in_months(history)} group by 1"
        )
    }
    result = stats.seasonal_range(
        [found.get(m, 0) for m in history],
        history,
        years_back=DEFAULTS.min_seasonal_years,
        level=DEFAULTS.confidence_level,
    )
    by_month = {m: i for i, m in enumerate(history)}
    assumptions.extend(a for a in result.assumptions if a not in assumptions)
    out = []
    for m in months:
        i = by_month[m.month]
        label = result.labels[i]
        if label == "not-enough-history":
            out.append(m)
            continue
        out.append(
            replace(
                m,
                expected=round(float(result.expected[i]), 1),
                expected_lower=round(float(result.lower[i]), 1),
                expected_upper=round(float(result.upper[i]), 1),
                seasonal=label,
            )
        )
    return out


def _concentration(agg: Aggregates, area: Area, held: list[str]) -> ConcentrationInfo | None:
    lsoas = [
        r[0]
        for r in run(
            agg.con,
            f"select distinct lsoa_code from lsoa_lookup where vintage = '2021' and {area.lookup_filter()}",
        ).fetchall()
    ]
    if len(lsoas) < 2:
        return None
    counts = {
        code: int(n)
        for code, n in agg.sql(
            f"select lsoa21_code, sum(n) from {agg.places} "
            f"where {where(area)} and {in_months(held)} group by 1"
        )
    }
    c = stats.concentration([counts.get(code, 0) for code in lsoas])
    return ConcentrationInfo(
        len(lsoas),
        round(c.share_of_places_for_50pct * 100, 1),
        round(c.share_of_places_for_25pct * 100, 1),
        round(c.gini, 3),
    )


def _district_rows(agg: Aggregates, force: Area, held: list[str], year: int):
    districts = [a for a in areas_within(agg.con, force) if a.level == "district"]
    by_area = _by_area_and_type(agg, districts, held)
    for d in districts:
        pop = population(agg.con, d, year).value
        counts = by_area.get(d.code, {})
        crime = sum(n for t, n in counts.items() if t != ASB)
        est = _estimate(crime, pop)
        yield {
            "code": d.code,
            "name": d.name,
            "population": pop,
            "crime": crime,
            "asb": counts.get(ASB, 0),
            "crime_rate": est.rate,
            "lower": est.lower,
            "upper": est.upper,
        }
