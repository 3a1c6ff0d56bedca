"""Recorded crime against England and Wales and an open peer group (ONS Table C2).

The iQuanta-style table of the East Staffordshire plan: for each headline offence
group, the area's rate per 1,000 residents with its interval, "higher / similar /
lower" than England and Wales and than the average of its most similar areas,
and its rank among them ("3 of 15"). Table C2 (Home Office police recorded crime
by CSP, year ending June 2025) is the source, so this table has its own period.

The Home Office Most Similar Groups are not public. Safer Places finds an open
peer group with ``saferplaces.stats.peer_group``: the 14 English CSPs nearest on
standardised features (size, age structure and deprivation); see
docs/methods/peer-group.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import duckdb

from saferplaces import stats
from saferplaces.data.ons_csp_table import read_c2
from saferplaces.data.population import install_age_tables, install_population_tables
from saferplaces.data.reference import install_deprivation_table

C2_PERIOD_LABEL = "year ending June 2025 (ONS Table C2, police recorded crime)"
POPULATION_YEAR = 2021
GROUPS = (
    "Total recorded crime (excluding fraud)",
    "Violence against the person",
    "Violence with injury",
    "Violence without injury",
    "Stalking and harassment",
    "Sexual offences",
    "Robbery",
    "Residential burglary",
    "Non-residential burglary",
    "Vehicle offences",
    "Theft from the person",
    "Bicycle theft",
    "Shoplifting",
    "All other theft offences",
    "Criminal damage and arson",
    "Drug offences",
    "Possession of weapons offences",
    "Public order offences",
    "Miscellaneous crimes against society",
)


@dataclass(frozen=True)
class NationalRow:
    offence_group: str
    count: int
    rate: float
    lower: float
    upper: float
    england_wales_rate: float
    versus_england_wales: str
    peer_rate: float | None
    versus_peers: str | None
    rank: int | None
    rank_of: int | None


@dataclass(frozen=True)
class NationalComparison:
    csp_code: str
    csp_name: str
    period_label: str
    population: int
    peers: tuple[tuple[str, str, float], ...]
    features: tuple[str, ...]
    rows: tuple[NationalRow, ...]
    assumptions: tuple[str, ...]


def _csp_features(con: duckdb.DuckDBPyConnection, csps: dict[str, list[str]]) -> dict[str, dict[str, float]]:
    """Size, age structure and deprivation of each English CSP, from its districts."""
    install_deprivation_table(con)
    install_age_tables(con)
    ages = {}
    for code, total, young, old, children in con.execute(
        "select lad_code, sum(population), sum(population) filter (where age between 16 and 24),"
        " sum(population) filter (where age >= 65), sum(population) filter (where age <= 15) "
        "from lad_population_sex group by 1"
    ).fetchall():
        ages[code] = (total, young, old, children)
    deprived = dict(
        con.execute(
            "select l.lad_code, avg(case when i.imd_decile <= 2 then 1.0 else 0.0 end) from imd i "
            "join lsoa_lookup l on l.lsoa_code = i.lsoa11_code and l.vintage = '2011' group by 1"
        ).fetchall()
    )
    features = {}
    for csp, lads in csps.items():
        if not all(lad in ages for lad in lads) or not any(lad in deprived for lad in lads):
            continue
        total = sum(ages[lad][0] for lad in lads)
        features[csp] = {
            "log_population": math.log10(total),
            "share_aged_0_15": sum(ages[lad][3] for lad in lads) / total,
            "share_aged_16_24": sum(ages[lad][1] for lad in lads) / total,
            "share_aged_65_plus": sum(ages[lad][2] for lad in lads) / total,
            "share_lsoas_most_deprived_20pct": sum(deprived.get(lad, 0) * ages[lad][0] for lad in lads)
            / total,
        }
    return features


@dataclass(frozen=True)
class _Inputs:
    counts: dict[str, dict[str, int | None]]
    names: dict[str, str]
    csp_pop: dict[str, int]
    features: dict[str, dict[str, float]]


_INPUTS: list[_Inputs] = []


def _inputs(con: duckdb.DuckDBPyConnection) -> _Inputs:
    """Table C2, CSP populations and peer-group features: bundled data only, so read once a process."""
    if _INPUTS:
        return _INPUTS[0]
    install_population_tables(con)
    c2 = [r for r in read_c2() if r.csp_code]
    lads_of: dict[str, list[str]] = {}
    for lad, csp in con.execute(
        "select lad_code, csp_code from lad_csp_pfa where csp_code is not null"
    ).fetchall():
        lads_of.setdefault(csp, []).append(lad)
    pops = dict(
        con.execute(
            f"select lad_code, population from lad_population where year = {POPULATION_YEAR}"
        ).fetchall()
    )
    counts: dict[str, dict[str, int | None]] = {}
    names: dict[str, str] = {}
    for r in c2:
        counts.setdefault(r.csp_code, {})
        names[r.csp_code] = r.csp_name
        for g in GROUPS:
            value = r.counts.get(g)
            prior = counts[r.csp_code].get(g)
            counts[r.csp_code][g] = None if value is None else (prior or 0) + value
    csp_pop = {
        c: sum(pops[lad] for lad in lads_of.get(c, []))
        for c in counts
        if lads_of.get(c) and all(lad in pops for lad in lads_of[c])
    }
    english = {c: lads_of[c] for c in csp_pop if c.startswith("E")}
    _INPUTS.append(_Inputs(counts, names, csp_pop, _csp_features(con, english)))
    return _INPUTS[0]


def national_comparison(
    con: duckdb.DuckDBPyConnection, csp_code: str, k: int = 14
) -> NationalComparison | None:
    """Compare a CSP's recorded crime with England and Wales and its open peer group."""
    inputs = _inputs(con)
    counts, names, csp_pop, features = inputs.counts, inputs.names, inputs.csp_pop, inputs.features
    if csp_code not in counts or csp_code not in csp_pop:
        return None
    peers: list[tuple[str, float]] = []
    assumptions = [
        f"Recorded crime is from ONS Table C2 for the {C2_PERIOD_LABEL.split(' (')[0]}, so this table "
        "covers a different period from the police.uk tables.",
        f"Rates use the ONS mid-{POPULATION_YEAR} population estimates bundled with Safer Places for "
        "every CSP alike, so that all are compared on one estimate.",
    ]
    if csp_code in features:
        peers = stats.peer_group(features, csp_code, k=k)
        assumptions.append(
            f"The peer group is the {k} English CSPs nearest on standardised size, age structure and "
            "deprivation (an open stand-in for the Home Office Most Similar Group, whose lists are "
            "not public)."
        )
    group = [csp_code] + [p for p, _ in peers]
    rows = []
    for g in GROUPS:
        n = counts[csp_code].get(g)
        if n is None:
            continue
        known = [c for c in csp_pop if counts[c].get(g) is not None]
        ew_rate = sum(counts[c][g] for c in known) / sum(csp_pop[c] for c in known) * 1000
        est = stats.rate(n, csp_pop[csp_code], per=1000)
        versus_ew = stats.compare(est, ew_rate).label
        peer_rate = versus_peers = rank = rank_of = None
        if peers:
            members = [c for c in group if counts[c].get(g) is not None]
            rates = {c: counts[c][g] / csp_pop[c] * 1000 for c in members}
            others = [c for c in members if c != csp_code]
            peer_rate = sum(counts[c][g] for c in others) / sum(csp_pop[c] for c in others) * 1000
            versus_peers = stats.compare(est, peer_rate).label
            ordered = sorted(members, key=lambda c: (-rates[c], c))
            rank, rank_of = ordered.index(csp_code) + 1, len(members)
        rows.append(
            NationalRow(
                g,
                int(n),
                round(est.value, 2),
                round(est.lower, 2),
                round(est.upper, 2),
                round(ew_rate, 2),
                versus_ew,
                None if peer_rate is None else round(peer_rate, 2),
                versus_peers,
                rank,
                rank_of,
            )
        )
    return NationalComparison(
        csp_code,
        names[csp_code],
        C2_PERIOD_LABEL,
        csp_pop[csp_code],
        tuple((p, names.get(p, p), round(d, 3)) for p, d in peers),
        tuple(next(iter(features.values())).keys()) if features else (),
        tuple(rows),
        tuple(assumptions),
    )
