"""Build a StrategicAssessment for an area and period from the store.

Every statistic comes from ``saferplaces.stats``; every choice the code makes is
stated in ``assumptions``; every finding names the table it comes from.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
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
from saferplaces.assessment.priorities import assessment_priorities, load_weights, series_breaks
from saferplaces.data.aggregates import Aggregates, in_months, where
from saferplaces.data.areas import Area, areas_within, resolve_area
from saferplaces.data.bundled_files import ATTRIBUTION
from saferplaces.data.counts import describe_missing, months_coverage
from saferplaces.data.periods import Period, month_from_index, month_index, parse_period
from saferplaces.data.policeuk_format import ASB, CRIME_TYPES
from saferplaces.data.population import population, ward_populations
from saferplaces.data.quality import quality_report
from saferplaces.data.reference import severity_weights
from saferplaces.data.sql import literal_list, run
from saferplaces.data.store import Store
from saferplaces.errors import InputError

METHODS = {
    "rate": MethodNote(
        "Rates per 1,000 with exact Poisson and Byar intervals",
        "methods/rates.md",
        "Public Health England (2018), Technical Guide: Confidence Intervals.",
    ),
    "change": MethodNote(
        "Change on a year earlier: exact conditional test",
        "methods/change.md",
        "Przyborowski and Wilenski (1940); Wheeler, Understanding Variation (2000).",
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
        "Ord and Getis (1995); Benjamini and Hochberg (1995); sfhotspot (Hoppe, 2023).",
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
    r = stats.rate(count, pop, per=1000)
    return Estimate(int(count), round(r.value, 2), round(r.lower, 2), round(r.upper, 2), r.method)


def _change(current: int, previous: int) -> Change:
    c = stats.change(int(current), int(previous))
    return Change(
        int(current),
        int(previous),
        None if c.percent is None else round(c.percent, 1),
        round(float(c.p), 4),
        round(float(c.z), 3),
        c.label,
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


def build_assessment(
    store: Store,
    area: str | Area,
    period: str | Period,
    compare: str = "previous",
    weights_path: str | None = None,
    extract: str | None = None,
    aggregates: Aggregates | None = None,
) -> StrategicAssessment:
    """Build the strategic assessment of ``area`` for ``period``.

    Parameters
    ----------
    store
        The data store.
    area
        A force, CSP, district or ward, by code or name, or an ``Area``.
    period
        A period in the grammar of ``saferplaces counts``, or a ``Period``.
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

    Raises
    ------
    InputError
        When the store holds no month of the period for the area.
    """
    if compare not in ("previous", "none"):
        raise InputError(
            f"--compare '{compare}' is not a comparison we make.",
            "Use 'previous' (the same months a year earlier) or 'none'.",
        )
    if extract and isinstance(store, Store):
        extract = _extract_name(store, extract)  # a CSV is loaded before the snapshot is taken
    store = store.snapshot()  # one state of the store for the whole assessment (#13)
    con = aggregates.con if aggregates is not None else store.connect()
    the_area = area if isinstance(area, Area) else resolve_area(con, area)
    the_period = period if isinstance(period, Period) else parse_period(period)
    assumptions: list[str] = []
    held, missing = months_coverage(store, con, the_area, the_period)
    if not held:
        raise InputError(
            f"The store holds no police.uk data for {the_area.name} in the {the_period.label}.",
            "Run 'saferplaces ingest' with the files for those months, or choose another period.",
        )
    if missing:
        assumptions.append(
            f"The store has no data for {describe_missing(missing)}; the assessment "
            f"covers the {len(held)} months held, and rates are for those months."
        )
    all_held = {m for ms in store.force_months().values() for m in ms}
    comparison = [month_from_index(month_index(m) - 12) for m in held]
    comparison = [m for m in comparison if m in all_held] if compare == "previous" else []
    comparable_now = [m for m in held if month_from_index(month_index(m) - 12) in comparison]
    if compare == "previous":
        if comparison:
            assumptions.append(
                f"Change is measured on the same {len(comparison)} calendar months one year "
                f"earlier ({describe_missing(comparison)}), so that the seasons match."
            )
        else:
            assumptions.append("No month a year earlier is held, so no change is measured.")

    year = int(the_period.end[:4])
    pop = population(con, the_area, year)
    if pop.assumption:
        assumptions.append(pop.assumption)
    force = _force_of(con, the_area)
    pfas = [the_area.code] if the_area.level == "force" else [force.code] if force else None
    if aggregates is None or not aggregates.covers(pfas, held, the_area):
        aggregates = Aggregates(con, pfas, point_months=held, areas=[the_area])
    agg = aggregates
    now = agg.by_type(the_area, held)
    before_cmp = agg.by_type(the_area, comparison)
    now_cmp = agg.by_type(the_area, comparable_now) if comparable_now != held else now
    crime_now = sum(n for t, n in now.items() if t != ASB)
    asb_now = now.get(ASB, 0)

    def change_of(types: set[str] | None) -> Change | None:
        if not comparison:
            return None
        cur = sum(n for t, n in now_cmp.items() if (types is None and t != ASB) or (types and t in types))
        prev = sum(n for t, n in before_cmp.items() if (types is None and t != ASB) or (types and t in types))
        return _change(cur, prev)

    headline = Headline(
        _estimate(crime_now, pop.value), _estimate(asb_now, pop.value), change_of(None), change_of({ASB})
    )

    # comparison with the force and its districts
    force_rates: dict[str, stats.RateResult] = {}
    district_rates: dict[str, dict[str, float]] = {}
    force_pop = _population_or_none(con, force, year) if force is not None else None
    if force is not None and force_pop is None:
        assumptions.append(
            f"No population estimate is held for the whole of {force.name} police force "
            "area, so rates are not compared with it."
        )
    elif force is not None:
        for t, n in agg.by_type(force, held).items():
            force_rates[t] = stats.rate(n, force_pop, per=1000)
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
                d_pop = _population_or_none(con, d, year)
                if d_pop is None:
                    assumptions.append(
                        f"No population estimate is held for {d.name}, so it is left out of the ranks."
                    )
                    continue
                counts = by_area.get(d.code, {})
                district_rates[d.code] = {t: counts.get(t, 0) / d_pop * 1000 for t in CRIME_TYPES}
        assumptions.append(
            f"Rates are compared with {force.name} police force area as a whole; "
            "'higher' or 'lower' means the 95% confidence intervals do not overlap."
        )

    weights = category_weights()
    assumptions.append(
        "Harm uses one Crime Severity Score weight per police.uk crime type: the median "
        "ONS weight of the offences in it, because police.uk does not give the offence."
    )
    harm_result = stats.harm({t: n for t, n in now.items() if t in weights}, weights, population=pop.value)
    rows = []
    for t in CRIME_TYPES:
        n = now.get(t, 0)
        est = _estimate(n, pop.value)
        ch = None
        if comparison:
            ch = stats.change(int(now_cmp.get(t, 0)), int(before_cmp.get(t, 0)))
        versus = rank = rank_of = None
        if t in force_rates:
            versus = stats.compare(stats.rate(n, pop.value, per=1000), force_rates[t]).label
        if the_area.code in district_rates:
            ordered = sorted(district_rates, key=lambda c: -district_rates[c][t])
            rank, rank_of = ordered.index(the_area.code) + 1, len(ordered)
        rows.append(
            CrimeTypeRow(
                t,
                n,
                est.rate,
                est.lower,
                est.upper,
                int(now_cmp.get(t, 0)) if comparison else None,
                int(before_cmp.get(t, 0)) if comparison else None,
                ch.label if ch else None,
                None if ch is None or ch.percent is None else round(ch.percent, 1),
                None if ch is None else round(float(ch.p), 4),
                round(force_rates[t].value, 2) if t in force_rates else None,
                versus,
                rank,
                rank_of,
                round(harm_result.by_category.get(t, 0.0), 1) if t in weights else None,
            )
        )
    rows = _with_trends(agg, the_area, rows, held, all_held, assumptions)
    rows.sort(key=lambda r: -r.count)

    wards = _ward_rows(agg, the_area, held, year, assumptions)
    months = _with_seasonal_range(
        agg, the_area, _month_rows(agg, the_area, held, assumptions), all_held, assumptions
    )
    conc = _concentration(agg, the_area, held)
    harm = HarmInfo(
        round(harm_result.total, 1),
        None if harm_result.per_1000 is None else round(harm_result.per_1000, 1),
        max(harm_result.share_by_category, key=harm_result.share_by_category.get)
        if harm_result.share_by_category
        else None,
        round(max(harm_result.share_by_category.values()) * 100, 1)
        if harm_result.share_by_category
        else None,
    )

    districts = ()
    if the_area.level == "force":
        districts = tuple(_district_rows(agg, the_area, held, year))

    people = _people(store, con, extract, the_area, held, year) if extract else None
    if people:
        assumptions.extend(people.assumptions)
    hot = hotspots(agg, the_area, held, comparison) if the_area.level != "force" else None  # issue 9 s4
    if hot:
        assumptions.extend(hot.assumptions)
    profiles = ward_profiles(agg, the_area, held, wards)  # issue 9 s4: ward profiles
    if profiles:
        assumptions.extend(profiles.assumptions)
    national = None
    if the_area.level in ("district", "csp"):
        column = "csp_code" if the_area.level == "csp" else "lad_code"
        row = run(con, f"select csp_code from lad_csp_pfa where {column} = ?", [the_area.code]).fetchone()
        national = national_comparison(con, row[0]) if row and row[0] else None
        if national:
            assumptions.extend(national.assumptions)
    quality = quality_report(store, the_area, the_period, aggregates=agg)
    period_info = PeriodInfo(
        the_period.start,
        the_period.end,
        the_period.label,
        tuple(held),
        tuple(comparison),
        f"{describe_missing(comparable_now)} with the same months a year earlier" if comparison else None,
    )
    area_info = AreaInfo(
        the_area.code,
        the_area.name,
        the_area.level,
        pop.value,
        pop.year,
        the_area.parent_code,
        the_area.parent_name,
    )
    weights_used = load_weights(weights_path)
    # issue 9 section 3 (priorities): graded comparisons, peers and vulnerability go into the scores
    priorities = assessment_priorities(
        rows,
        weights_used,
        con=con,
        area=the_area,
        population=pop.value,
        months=held,
        period_label=period_info.label,
        comparison_label=period_info.comparison_label,
        force=force,
        force_counts=agg.by_type(force, held) if force is not None and force_pop else None,
        force_population=force_pop,
        national=national,
        extract=people.extract if people else None,
        synthetic=bool(people and people.synthetic),
        series_breaks=series_breaks(quality.to_dict(), held, comparison),
    )
    draft = StrategicAssessment(
        area=area_info,
        period=period_info,
        headline=headline,
        crime_types=tuple(rows),
        wards=tuple(wards),
        months=tuple(months),
        concentration=conc,
        harm=harm,
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
    )
    from dataclasses import replace

    return replace(draft, findings=tuple(write_findings(draft)))


def build_assessments(
    store: Store,
    areas: Sequence[str | Area],
    period: str | Period,
    compare: str = "previous",
    weights_path: str | None = None,
    extract: str | None = None,
) -> Iterator[StrategicAssessment]:
    """Build the assessment of each of ``areas`` in turn, counting the store's rows once for all.

    Gives the same objects as ``build_assessment`` called for each area, in a fraction of
    the time: the rows of every force the areas lie in are counted into small tables
    (``saferplaces.data.aggregates``) on the first step, and every assessment is built from those.
    An extract file is loaded into the store once.
    """
    if extract:
        extract = _extract_name(store, extract)
    store = store.snapshot()  # every assessment of the batch reads the same state (#13)
    con = store.connect()
    try:
        the_period = period if isinstance(period, Period) else parse_period(period)
        resolved = [a if isinstance(a, Area) else resolve_area(con, a) for a in areas]
        forces = [
            a.code if a.level == "force" else getattr(_force_of(con, a), "code", None) for a in resolved
        ]
        agg = Aggregates(con, None if None in forces else forces, point_months=the_period.months)
        for a in resolved:
            yield build_assessment(store, a, the_period, compare, weights_path, extract, aggregates=agg)
    finally:
        con.close()
        store.close()


def _extract_name(store: Store, extract: str) -> str:
    """The name of a held extract; a CSV file is first loaded into the store under its file name."""
    from pathlib import Path

    from saferplaces.data.partner import ingest_extract, validate_extract_name

    path = Path(extract)
    if not path.is_file():
        return extract
    stem = path.name.split(".")[0].lower()
    name = validate_extract_name(re.sub(r"[^a-z0-9_-]+", "-", stem).strip("-")[:64] or "extract")
    ingest_extract(path, store, name)
    return name


def _people(
    store: Store, con: duckdb.DuckDBPyConnection, extract: str, area: Area, held: list[str], year: int
) -> PeopleSection | None:
    from saferplaces.data.partner import attach_extracts

    name = _extract_name(store, extract)
    names = attach_extracts(con, store)
    if name not in names:
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
    if any(pops[c].assumption for c, _ in usable):
        first = next(pops[c] for c, _ in usable)
        assumptions.append(
            f"Ward populations are ONS mid-{first.year} small-area estimates summed to 2024 wards."
        )
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
    if len(series) >= 12 and consecutive:
        spc = stats.spc_xmr([c for _, c, _ in series], improvement="decrease")
        assumptions.append(
            "Monthly crime is tracked on an XmR chart with limits from all the months "
            "in the period; a fall in crime counts as improvement."
        )
        return [
            MonthRow(m, c, a, round(spc.mean, 1), round(spc.lower_limit, 1), round(spc.upper_limit, 1), p)
            for (m, c, a), p in zip(series, spc.points, strict=True)
        ]
    assumptions.append("Fewer than 12 consecutive months are held, so no control chart is drawn.")
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
    from dataclasses import replace

    years = []
    for back in range(0, 30):
        months = [month_from_index(month_index(m) - 12 * back) for m in held]
        if not all(m in all_held for m in months):
            break
        years.append(months)
    if len(years) < 5:
        assumptions.append(
            f"Only {len(years)} year(s) of the same months are held, so no trend is "
            "measured; a trend needs five or more."
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
    from dataclasses import replace

    history = sorted(m for m in all_held if m <= months[-1].month) if months else []
    if not months or not any(month_from_index(month_index(m.month) - 36) in all_held for m in months):
        assumptions.append(
            "The same months of the three years before are not held, so no seasonal normal range is drawn."
        )
        return months
    found = {
        m: int(n)
        for m, n in agg.sql(
            f"select month, coalesce(sum(n) filter (where crime_type <> '{ASB}'), 0) from {agg.counts} "
            f"where {where(area)} and {in_months(history)} group by 1"
        )
    }
    result = stats.seasonal_range([found.get(m, 0) for m in history], history)
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
