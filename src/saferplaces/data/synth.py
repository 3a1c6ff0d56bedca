"""A synthetic partner extract, calibrated on the real police.uk data in the store.

Police.uk has no flags and no victim or offender identifiers, so the seeds'
analyses (repeat victims, domestic-related shares, over-represented groups)
cannot be shown on public data. This module makes a *synthetic* extract in the
partner format (``docs/partner-extract.md``) that looks like a real one:

Volumes
    Expected counts by LSOA, month and crime type are
    ``share[LSOA | type] x level[type, year] x season[type, calendar month] x scale``.
    ``share`` is each LSOA's share of the type over the latest 12 months held
    (rows with no location are a share of their own); ``level`` and ``season``
    are fitted to the real monthly totals by type with a multiplicative
    year x calendar-month model (iterative proportional fitting, the Poisson
    maximum-likelihood fit), so months that are held come out at their real
    totals and months that are not follow the real seasonal profile at the
    nearest year's level. Counts are drawn from a Poisson distribution.
Repeat victims, offenders and places
    See :data:`REPEAT_DOMESTIC`, :data:`REPEAT_VICTIMS_TARGET`, :data:`REPEAT_OFFENDERS`
    and :func:`_assign_groups`. A victim's crimes stay in one LSOA and one 12-month
    block of the period, so shares are measured over a year, as the seeds report them.
    Places are police.uk map points in the LSOA, weighted by their real counts;
    domestic crimes and burglaries happen at the victim's home.
Flags and victims
    See :data:`DOMESTIC_RATE`, :data:`ALCOHOL_RATE`, :data:`HATE_RATE`,
    :data:`OFFENDER_KNOWN_RATE`, :data:`YOUTH_SUSPECT_RATE`, :data:`AGE_BANDS`,
    :data:`SEGMENTS`.

Every row has ``synthetic=true`` and the output's file name must say
"synthetic". The same inputs and seed give byte-identical output. Work is done
in vectorised chunks of LSOAs and streamed to the output, so tens of millions of
rows need no more memory than one chunk.
"""

from __future__ import annotations

import datetime
import gzip
import math
import os
import re
import shutil
import time
import uuid
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np

from saferplaces.data.areas import Area, resolve_area
from saferplaces.data.partner_format import COLUMNS
from saferplaces.data.periods import month_from_index, month_index
from saferplaces.data.policeuk_format import CRIME_TYPES
from saferplaces.data.progress import Progress, no_progress
from saferplaces.data.store import Store
from saferplaces.errors import InputError, SaferPlacesError, StoreError

VIOLENCE = "Violence and sexual offences"

#: Share of each crime type flagged domestic-related. Violence is 40% and all
#: crime (excluding ASB) comes to about 20%, as the Stafford Community Safety and
#: Wellbeing Strategy 2020-24 reports for 2019-20 ("around 20% of crime ... is
#: flagged as being domestic-related, this increases to 40% amongst violent
#: offences"); the small shares of other types follow its breakdown of domestic
#: offences (7% criminal damage, 4% theft, the rest violence and public order).
DOMESTIC_RATE: dict[str, float] = {
    VIOLENCE: 0.40,
    "Criminal damage and arson": 0.10,
    "Public order": 0.06,
    "Other crime": 0.08,
    "Burglary": 0.04,
    "Other theft": 0.03,
    "Theft from the person": 0.02,
    "Robbery": 0.02,
    "Vehicle crime": 0.01,
    "Bicycle theft": 0.01,
}

#: Share flagged alcohol-related. Violence is 30%, from the East Staffordshire
#: Community Safety Plan 2018-21 ("30% of violent crimes against a person involve
#: alcohol"); the others are illustrative, lower for acquisitive crime.
ALCOHOL_RATE: dict[str, float] = {
    VIOLENCE: 0.30,
    "Public order": 0.25,
    "Criminal damage and arson": 0.15,
    "Anti-social behaviour": 0.15,
    "Robbery": 0.05,
    "Possession of weapons": 0.10,
    "Other crime": 0.05,
    "Burglary": 0.02,
    "Other theft": 0.03,
    "Shoplifting": 0.02,
    "Theft from the person": 0.05,
    "Vehicle crime": 0.01,
    "Bicycle theft": 0.01,
    "Drugs": 0.02,
}

#: Share flagged hate crime. Home Office, "Hate crime, England and Wales, 2022 to
#: 2023": about 145,000 hate crimes, a little over half of them public order
#: offences and most of the rest violence against the person; against the
#: volumes of those offence groups that is roughly 12% of public order and 3% of
#: violence. Other types are illustrative.
HATE_RATE: dict[str, float] = {
    "Public order": 0.12,
    VIOLENCE: 0.03,
    "Criminal damage and arson": 0.01,
    "Anti-social behaviour": 0.01,
    "Other crime": 0.01,
    "Robbery": 0.005,
}

#: Share of crimes with a suspect identified (an offender_id). Illustrative: near
#: all for offences found by the police (drugs, weapons), lowest for theft.
OFFENDER_KNOWN_RATE: dict[str, float] = {
    "Anti-social behaviour": 0.30,
    "Bicycle theft": 0.05,
    "Burglary": 0.10,
    "Criminal damage and arson": 0.25,
    "Drugs": 0.95,
    "Other crime": 0.40,
    "Other theft": 0.10,
    "Possession of weapons": 0.95,
    "Public order": 0.50,
    "Robbery": 0.20,
    "Shoplifting": 0.40,
    "Theft from the person": 0.10,
    "Vehicle crime": 0.05,
    VIOLENCE: 0.60,
}

#: Share with a suspect aged under 18 (feeds the youth flag). Illustrative.
YOUTH_SUSPECT_RATE: dict[str, float] = {
    "Anti-social behaviour": 0.20,
    "Criminal damage and arson": 0.08,
    "Robbery": 0.15,
    "Possession of weapons": 0.10,
    VIOLENCE: 0.05,
    "Public order": 0.05,
    "Shoplifting": 0.05,
    "Bicycle theft": 0.08,
}

#: Types whose victim is a person (victim_id, age band, sex, segment given). Drugs
#: and possession of weapons have no victim (crimes against society in the ONS
#: classification); the victim of shoplifting is a business.
VICTIM_TYPES: frozenset[str] = frozenset(CRIME_TYPES) - {"Drugs", "Possession of weapons", "Shoplifting"}

#: Violent and sexual offences with a female victim that count as VAWG although
#: not domestic (sexual offences, stalking, harassment). Illustrative.
VAWG_NON_DOMESTIC_VIOLENCE = 0.35


@dataclass(frozen=True)
class RepeatModel:
    """A concentrated repeat distribution: who accounts for how much.

    ``crime_share`` of crimes belong to repeats (people or places with two or
    more); repeats have on average ``mean_per_repeat`` crimes each, the extra
    crimes beyond two shared out with Gamma(``concentration``) weights, so a few
    have many.
    """

    crime_share: float
    mean_per_repeat: float
    concentration: float = 0.5

    @property
    def repeat_share(self) -> float:
        """The share of people (or places) who are repeats, for large groups."""
        one_offs = 1 - self.crime_share
        repeats = self.crime_share / self.mean_per_repeat
        return repeats / (one_offs + repeats)


#: Victims of domestic-flagged crimes: 38% of victims are repeats and suffer 63%
#: of the crimes (Stafford, 2018-19, from the Stafford Community Safety and
#: Wellbeing Strategy 2020-24).
REPEAT_DOMESTIC = RepeatModel(crime_share=0.63, mean_per_repeat=0.63 * 0.62 / (0.38 * 0.37))

#: All victims: 24% are repeat victims and suffer 42% of crimes (same source).
#: The model for victims of non-domestic crimes is solved from these two targets
#: and the domestic model, given the domestic share of victim-based crime.
REPEAT_VICTIMS_TARGET = (0.24, 0.42)

#: Offenders: illustrative, about 20% of identified suspects are repeats within a
#: year and account for about 45% of the crimes with a suspect ("1 in 5 adults are
#: likely to re-offend", East Staffordshire plan).
REPEAT_OFFENDERS = RepeatModel(crime_share=0.45, mean_per_repeat=3.0, concentration=0.4)

#: Victim age bands and shares. Illustrative, following the Crime Survey for
#: England and Wales pattern that 16-24 year olds are most often victims.
AGE_BANDS: tuple[tuple[str, float], ...] = (
    ("0-17", 0.12),
    ("18-24", 0.17),
    ("25-34", 0.22),
    ("35-44", 0.18),
    ("45-54", 0.14),
    ("55-64", 0.09),
    ("65+", 0.08),
)
#: Share of victims who are female: about 73% for domestic abuse-related crime
#: (ONS, Domestic abuse victim characteristics, England and Wales, year ending
#: March 2023), about half otherwise. 2% of victims have sex not recorded.
FEMALE_DOMESTIC, FEMALE_OTHER, SEX_UNKNOWN = 0.73, 0.50, 0.02

#: Population segments: (name, share of residents, relative risk of being a
#: victim). Illustrative, so that over-representation ("5% of the population,
#: 12% of victims") can be shown: a victim's segment is drawn with probability
#: proportional to share x risk.
SEGMENTS: tuple[tuple[str, float, float], ...] = (
    ("Young renters", 0.10, 1.8),
    ("Families on low incomes", 0.14, 1.6),
    ("Social housing tenants", 0.12, 1.7),
    ("Students", 0.04, 1.5),
    ("Older people living alone", 0.09, 0.6),
    ("Comfortable families", 0.22, 0.7),
    ("Rural communities", 0.15, 0.6),
    ("Settled suburban households", 0.14, 0.8),
)

CHUNK_ROWS = 1_000_000
OUTPUT_KINDS = (".csv", ".csv.gz", ".parquet")


@dataclass(frozen=True)
class Calibration:
    """The real counts a synthetic extract is calibrated on.

    Attributes
    ----------
    area_label
        The area the counts are for ("all data in the store" when none was named).
    lsoas
        LSOA codes (2021 where the lookup knows them); the last entry is ``None``,
        standing for rows with no location.
    types
        The crime types, in police.uk order.
    share
        ``share[l, t]``: LSOA ``l``'s share of type ``t`` (columns sum to 1).
    level, years
        ``level[t, y]``: fitted monthly level of type ``t`` in ``years[y]``.
    season
        ``season[t, m]``: fitted factor for calendar month ``m`` (0 = January), mean 1
        over the calendar months held.
    real_monthly
        ``{(month, type): count}`` of the real data used.
    points, point_lsoa, point_weight
        The police.uk map points (longitude, latitude) in each LSOA, with their
        real counts: synthetic locations are drawn from them.
    held_months
        The months of real data used.
    """

    area_label: str
    lsoas: np.ndarray
    types: tuple[str, ...]
    share: np.ndarray
    level: np.ndarray
    years: np.ndarray
    season: np.ndarray
    real_monthly: dict[tuple[str, str], int]
    points: np.ndarray
    point_lsoa: np.ndarray
    point_weight: np.ndarray
    held_months: tuple[str, ...]
    assumptions: tuple[str, ...] = ()

    def expected(self, months: Sequence[str]) -> np.ndarray:
        """Expected counts ``[lsoa, month, type]`` for ``months`` at scale 1."""
        monthly = np.stack([self._monthly(m) for m in months], axis=1)  # [t, m]
        return self.share[:, None, :] * monthly.T[None, :, :]

    def _monthly(self, month: str) -> np.ndarray:
        year = int(month[:4])
        y = int(np.argmin(np.abs(self.years - year)))
        return self.level[:, y] * self.season[:, int(month[5:]) - 1]


@dataclass(frozen=True)
class SynthResult:
    """What :func:`synthesise_extract` wrote."""

    path: Path
    rows: int
    start: str
    end: str
    area_label: str
    seed: int
    scale: float
    seconds: float
    by_type: dict[str, int] = field(default_factory=dict)
    victims: int = 0
    assumptions: tuple[str, ...] = ()

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else float("inf")


# --------------------------------------------------------------------------------------------
# Calibration


def _fit_level_season(
    counts: np.ndarray, held: np.ndarray, iterations: int = 200
) -> tuple[np.ndarray, np.ndarray]:
    """Fit ``counts[t, y, m] ~ level[t, y] * season[t, m]`` over the held cells.

    Iterative proportional fitting of the two margins, which is the maximum-likelihood
    fit of a Poisson log-linear model with year and calendar-month effects. Calendar
    months never held get a factor of 1.
    """
    n_types, n_years, _ = counts.shape
    mask = held.astype(float)  # [y, m]
    season = np.ones((n_types, 12))
    level = np.ones((n_types, n_years))
    months_held = mask.sum(axis=0) > 0
    eps = 1e-12
    for _ in range(iterations):
        level = (counts * mask).sum(axis=2) / np.maximum((season[:, None, :] * mask).sum(axis=2), eps)
        new = (counts * mask).sum(axis=1) / np.maximum((level[:, :, None] * mask).sum(axis=1), eps)
        new[:, ~months_held] = 1.0
        mean = new[:, months_held].mean(axis=1, keepdims=True)
        mean[mean <= 0] = 1.0
        new = np.where(months_held, new / mean, 1.0)
        if np.allclose(new, season, rtol=1e-10, atol=1e-12):
            season = new
            break
        season = new
    level = (counts * mask).sum(axis=2) / np.maximum((season[:, None, :] * mask).sum(axis=2), eps)
    return level, season


def calibrate(store: Store, area: str | None = None) -> Calibration:
    """Read the real police.uk counts for ``area`` (None: everything held) from ``store``.

    Raises
    ------
    StoreError
        If the store holds no police.uk data (for the area).
    """
    store = store.snapshot()
    if not store.force_months("crimes"):
        raise _no_data("")
    con = store.connect()
    try:
        return _calibrate(con, area)
    finally:
        con.close()


def _no_data(where: str) -> StoreError:
    return StoreError(
        f"The store holds no police.uk data{where}, so there is nothing to calibrate on.",
        "Run 'saferplaces demo' or 'saferplaces ingest' first.",
    )


def _calibrate(con: duckdb.DuckDBPyConnection, area: str | None) -> Calibration:
    the_area: Area | None = resolve_area(con, area) if area else None
    where = the_area.row_filter() if the_area else "true"
    label = the_area.label if the_area else "all police.uk data in the store"
    con.execute(f"""
        create temp table cal as
        select coalesce(lsoa21_code, lsoa_code) as lsoa, crime_type, month,
               longitude, latitude
        from crimes where {where}
    """)
    months = [r[0] for r in con.execute("select distinct month from cal order by 1").fetchall()]
    if not months:
        raise _no_data(f" for {the_area.label}" if the_area else "")
    types = CRIME_TYPES
    t_index = {t: i for i, t in enumerate(types)}
    recent = months[-12:]
    recent_sql = "[" + ", ".join(f"'{m}'" for m in recent) + "]"
    # spatial shares over the latest 12 months held; no location is a share of its own
    rows = con.execute(
        f"select lsoa, crime_type, count(*) from cal where list_contains({recent_sql}, month) "
        "group by all order by all"
    ).fetchall()
    lsoa_codes = sorted({r[0] for r in rows if r[0] is not None})
    l_index = {code: i for i, code in enumerate(lsoa_codes)}
    none_idx = len(lsoa_codes)
    counts = np.zeros((len(lsoa_codes) + 1, len(types)))
    for lsoa, crime_type, n in rows:
        counts[l_index[lsoa] if lsoa is not None else none_idx, t_index[crime_type]] = n
    totals = counts.sum(axis=0)
    share = counts / np.where(totals > 0, totals, 1.0)
    # monthly totals by type -> level by year and season by calendar month
    monthly = {
        (m, t): n
        for m, t, n in con.execute("select month, crime_type, count(*) from cal group by all").fetchall()
    }
    years = np.array(sorted({int(m[:4]) for m in months}))
    y_index = {y: i for i, y in enumerate(years)}
    cube = np.zeros((len(types), len(years), 12))
    held = np.zeros((len(years), 12), dtype=bool)
    for m in months:
        held[y_index[int(m[:4])], int(m[5:]) - 1] = True
    for (m, t), n in monthly.items():
        cube[t_index[t], y_index[int(m[:4])], int(m[5:]) - 1] = n
    level, season = _fit_level_season(cube, held)
    # police.uk map points by LSOA, weighted by their real counts
    pts = con.execute(
        f"select lsoa, longitude, latitude, count(*) as n from cal "
        f"where lsoa is not null and longitude is not null "
        f"and list_contains({recent_sql}, month) group by all order by lsoa, longitude, latitude"
    ).fetchall()
    point_lsoa = np.array([l_index[p[0]] for p in pts], dtype=np.int64)
    points = np.array([(p[1], p[2]) for p in pts], dtype=float).reshape(-1, 2)
    weight = np.array([p[3] for p in pts], dtype=float)
    order = np.argsort(point_lsoa, kind="stable")
    point_lsoa, points, weight = point_lsoa[order], points[order], weight[order]
    assumptions = [
        f"Volumes are calibrated on {len(months)} months of police.uk data for {label} "
        f"({months[0]} to {months[-1]}); where each LSOA's crime happens is taken from the "
        f"latest {len(recent)} months held.",
    ]
    missing = [month_from_index(i)[5:] for i in range(12) if not held[:, i].any()]
    if missing:
        assumptions.append(
            f"{12 - len(missing)} of the 12 calendar months are held; the others have no seasonal adjustment."
        )
    return Calibration(
        area_label=label,
        lsoas=np.array(lsoa_codes + [None], dtype=object),
        types=types,
        share=share,
        level=level,
        years=years,
        season=season,
        real_monthly=monthly,
        points=points,
        point_lsoa=point_lsoa,
        point_weight=weight,
        held_months=tuple(months),
        assumptions=tuple(assumptions),
    )


# --------------------------------------------------------------------------------------------
# Drawing


def _rates(table: dict[str, float], types: Sequence[str]) -> np.ndarray:
    return np.array([table.get(t, 0.0) for t in types])


def _weighted_pick(
    rng: np.random.Generator, group: np.ndarray, starts: np.ndarray, ends: np.ndarray, cum: np.ndarray
) -> np.ndarray:
    """For each item in ``group`` g, pick an index in ``[starts[g], ends[g])`` with weights.

    ``cum`` is the cumulative sum of all weights, laid out group after group, so one
    ``searchsorted`` serves every group at once.
    """
    lo = np.where(starts[group] > 0, cum[np.maximum(starts[group] - 1, 0)], 0.0)
    hi = cum[ends[group] - 1]
    target = lo + rng.random(group.size) * (hi - lo)
    picked = np.searchsorted(cum, target, side="right")
    return np.clip(picked, starts[group], ends[group] - 1)


def _assign_groups(rng: np.random.Generator, cell: np.ndarray, model: RepeatModel) -> tuple[np.ndarray, int]:
    """Give each row (in a cell: a place and year) a person, with repeats as ``model`` says.

    Each row is a repeat row with probability ``crime_share``. In each cell the
    repeat rows are shuffled and shared among ``R ~ c / mean_per_repeat`` people
    (stochastically rounded, at most c/2): each gets two rows, and the rest go
    to them with Gamma(``concentration``) weights, so a few people have many.
    Other rows are one person each. Returns a person number per row (0-based)
    and the number of people.
    """
    n = cell.size
    person = np.full(n, -1, dtype=np.int64)
    if n == 0:
        return person, 0
    repeat = rng.random(n) < model.crime_share
    idx = np.flatnonzero(repeat)
    order = np.lexsort((rng.random(idx.size), cell[idx]))
    idx = idx[order]
    cells = cell[idx]
    uniq, start, count = np.unique(cells, return_index=True, return_counts=True)
    people = np.floor(count / model.mean_per_repeat + rng.random(uniq.size)).astype(np.int64)
    people = np.clip(people, 1, count // 2)  # zero where a cell has a single repeat row
    rank = np.arange(idx.size) - np.repeat(start, count)
    per_cell_people = np.repeat(people, count)
    offsets = np.concatenate(([0], np.cumsum(people)[:-1]))
    per_cell_offset = np.repeat(offsets, count)
    total_repeat_people = int(people.sum())
    local = np.full(idx.size, -1, dtype=np.int64)
    first = rank < 2 * per_cell_people
    local[first] = rank[first] % np.maximum(per_cell_people[first], 1)
    rest = (~first) & (per_cell_people > 0)
    if rest.any() and total_repeat_people:
        weights = rng.gamma(model.concentration, 1.0, total_repeat_people) + 1e-9
        cum = np.cumsum(weights)
        cell_of_row = np.repeat(np.arange(uniq.size), count)
        g = cell_of_row[rest]
        starts, ends = offsets, offsets + people
        local[rest] = _weighted_pick(rng, g, starts, ends, cum) - per_cell_offset[rest]
    assigned = local >= 0
    person[idx[assigned]] = per_cell_offset[assigned] + local[assigned]
    singles = np.flatnonzero(person < 0)
    person[singles] = total_repeat_people + np.arange(singles.size)
    return person, total_repeat_people + singles.size


def _solve_other_victims(domestic_share: float) -> RepeatModel:
    """The repeat model for non-domestic victims that meets :data:`REPEAT_VICTIMS_TARGET`."""
    r, s = REPEAT_VICTIMS_TARGET
    f = min(max(domestic_share, 0.0), 0.9)
    d = REPEAT_DOMESTIC
    n_d, n_o = f, 1 - f
    victims_d = n_d * ((1 - d.crime_share) + d.crime_share / d.mean_per_repeat)
    repeaters_d = n_d * d.crime_share / d.mean_per_repeat
    c_o = max(s - d.crime_share * n_d, 0.05 * n_o)
    repeaters_o = (r * (victims_d + n_o - c_o) - repeaters_d) / (1 - r)
    repeaters_o = max(repeaters_o, 1e-6)
    mean = max(c_o / repeaters_o, 2.05)
    return RepeatModel(crime_share=min(c_o / n_o, 0.95), mean_per_repeat=mean)


@dataclass
class _Chunk:
    arrays: dict[str, np.ndarray]
    victims: int
    offenders: int


def _draw_chunk(
    rng: np.random.Generator,
    cal: Calibration,
    lsoa_ids: np.ndarray,
    expected: np.ndarray,
    months: Sequence[str],
    victim_offset: int,
    offender_offset: int,
    other_model: RepeatModel,
    point_start: np.ndarray,
    point_end: np.ndarray,
    point_cum: np.ndarray,
) -> _Chunk:
    types = cal.types
    n_l, n_m, n_t = expected.shape
    counts = rng.poisson(expected)
    flat = np.repeat(np.arange(counts.size), counts.ravel())
    n = flat.size
    l_local, m_idx, t_idx = np.unravel_index(flat, counts.shape)
    lsoa = lsoa_ids[l_local]
    days = np.array([_days_in_month(m) for m in months])
    day = (rng.random(n) * days[m_idx]).astype(np.int64)
    block = m_idx // 12
    none_lsoa = len(cal.lsoas) - 1

    domestic = rng.random(n) < _rates(DOMESTIC_RATE, types)[t_idx]
    alcohol = rng.random(n) < _rates(ALCOHOL_RATE, types)[t_idx]
    hate = rng.random(n) < _rates(HATE_RATE, types)[t_idx]
    has_victim = np.isin(t_idx, [types.index(t) for t in VICTIM_TYPES])
    domestic &= has_victim  # a domestic-related crime always has a victim

    # victims: a cell is an LSOA and a 12-month block, separately for domestic crimes
    cell = (lsoa * 64 + block) * 2 + domestic
    victim = np.full(n, -1, dtype=np.int64)
    n_victims = 0
    for pool, model in ((True, REPEAT_DOMESTIC), (False, other_model)):
        rows = np.flatnonzero(has_victim & (domestic == pool))
        person, count = _assign_groups(rng, cell[rows], model)
        victim[rows] = person + n_victims
        n_victims += count
    # each victim's age band, sex, segment and home (a map point in their LSOA)
    v_rows = np.flatnonzero(victim >= 0)
    _, first_at = np.unique(victim[v_rows], return_index=True)
    v_first = v_rows[first_at]  # every victim number 0..n_victims-1 has rows
    v_domestic = domestic[v_first]
    age_p = np.array([p for _, p in AGE_BANDS])
    v_age = rng.choice(len(AGE_BANDS), size=n_victims, p=age_p / age_p.sum())
    u = rng.random(n_victims)
    female = np.where(v_domestic, FEMALE_DOMESTIC, FEMALE_OTHER) * (1 - SEX_UNKNOWN)
    v_sex = np.where(u < female, 0, np.where(u < 1 - SEX_UNKNOWN, 1, 2))  # female, male, unknown
    seg_p = np.array([s * r for _, s, r in SEGMENTS])
    v_segment = rng.choice(len(SEGMENTS), size=n_victims, p=seg_p / seg_p.sum())
    v_lsoa = lsoa[v_first]
    v_home = np.full(n_victims, -1, dtype=np.int64)
    located = (v_lsoa != none_lsoa) & (point_end[v_lsoa] > point_start[v_lsoa])
    if located.any():
        v_home[located] = _weighted_pick(rng, v_lsoa[located], point_start, point_end, point_cum)

    # offenders: domestic offenders are the victim's partner; others repeat by place
    known = rng.random(n) < _rates(OFFENDER_KNOWN_RATE, types)[t_idx]
    offender = np.full(n, -1, dtype=np.int64)
    partner = known & domestic
    o_rows = np.flatnonzero(known & ~domestic)
    person, n_offenders = _assign_groups(rng, (lsoa[o_rows] * 64 + block[o_rows]), REPEAT_OFFENDERS)
    offender[o_rows] = person

    # places: a map point in the LSOA, weighted by real counts; domestic crimes and
    # burglaries happen at the victim's home
    point = np.full(n, -1, dtype=np.int64)
    has_points = (lsoa != none_lsoa) & (point_end[lsoa] > point_start[lsoa])
    rows = np.flatnonzero(has_points)
    point[rows] = _weighted_pick(rng, lsoa[rows], point_start, point_end, point_cum)
    at_home = (victim >= 0) & (domestic | (t_idx == types.index("Burglary")))
    at_home &= v_home[np.maximum(victim, 0)] >= 0
    point[at_home] = v_home[victim[at_home]]

    victim_age = np.where(victim >= 0, v_age[np.maximum(victim, 0)], -1)
    youth = (victim_age == 0) | (rng.random(n) < _rates(YOUTH_SUSPECT_RATE, types)[t_idx])
    victim_sex = np.where(victim >= 0, v_sex[np.maximum(victim, 0)], -1)
    vawg_violence = (t_idx == types.index(VIOLENCE)) & (rng.random(n) < VAWG_NON_DOMESTIC_VIOLENCE)
    vawg = (victim_sex == 0) & (domestic | vawg_violence)

    arrays = {
        "m": m_idx.astype(np.int32),
        "d": day.astype(np.int32),
        "t": t_idx.astype(np.int32),
        "l": lsoa.astype(np.int64),
        "p": point,
        "domestic": domestic,
        "alcohol": alcohol,
        "hate": hate,
        "vawg": vawg,
        "youth": youth,
        "v": np.where(victim >= 0, victim + victim_offset, -1),
        "o": np.where(offender >= 0, offender + offender_offset, -1),
        "op": np.where(partner, victim + victim_offset, -1),
        "age": victim_age.astype(np.int32),
        "sex": victim_sex.astype(np.int32),
        "seg": np.where(victim >= 0, v_segment[np.maximum(victim, 0)], -1).astype(np.int32),
    }
    return _Chunk(arrays=arrays, victims=n_victims, offenders=n_offenders)


def _days_in_month(month: str) -> int:
    year, mon = int(month[:4]), int(month[5:])
    nxt = month_index(month) + 1
    ny, nm = nxt // 12, nxt % 12 + 1
    return (datetime.date(ny, nm, 1) - datetime.date(year, mon, 1)).days


# --------------------------------------------------------------------------------------------
# Writing


def _output_kind(path: Path) -> str:
    name = path.name.lower()
    for kind in (".csv.gz", ".csv", ".parquet"):
        if name.endswith(kind):
            return kind
    raise InputError(
        f"The output file {path.name} does not end in .csv, .csv.gz or .parquet.",
        "Name the output like partner-synthetic.csv.gz.",
    )


def _select_sql(location: str) -> str:
    # small lookup lists in a one-row table: indexing a list is faster than a join and
    # keeps the chunk's row order, so no sort is needed
    loc = {
        "lsoa": "k.lsoa[c.l + 1] as lsoa_code",
        "wgs84": "k.lon[c.p + 1] as longitude, k.lat[c.p + 1] as latitude",
        "bng": "k.e[c.p + 1] as easting, k.n[c.p + 1] as northing",
    }[location]
    return f"""
        select k.day[c.m * 31 + c.d + 1] as date,
               k.type[c.t + 1] as category,
               {loc},
               c.domestic, c.alcohol, c.hate, c.vawg, c.youth,
               case when c.v >= 0 then printf('V%09d', c.v) end as victim_id,
               case when c.op >= 0 then printf('P%09d', c.op)
                    when c.o >= 0 then printf('O%09d', c.o) end as offender_id,
               case when c.p >= 0 then printf('L%07d', c.p) end as location_id,
               k.age[c.age + 1] as victim_age_band,
               k.sex[c.sex + 1] as victim_sex,
               k.segment[c.seg + 1] as segment,
               true as synthetic
        from chunk c, keys k
    """


def _install_keys(con: duckdb.DuckDBPyConnection, cal: Calibration, months: Sequence[str]) -> None:
    from saferplaces.data.partner import wgs84_to_bng

    days = []
    for m in months:
        first = datetime.date(int(m[:4]), int(m[5:]), 1)
        days.extend(
            (first + datetime.timedelta(days=d)).isoformat() if d < _days_in_month(m) else None
            for d in range(31)
        )
    lon, lat = (cal.points[:, 0], cal.points[:, 1]) if len(cal.points) else (np.zeros(0), np.zeros(0))
    e, n = wgs84_to_bng(lon, lat)

    def literal(values: Sequence[str | None]) -> str:
        return (
            "["
            + ", ".join("null" if v is None else "'" + v.replace("'", "''") + "'" for v in values)
            + "]::varchar[]"
        )

    # text goes in as SQL literals and numbers as numpy arrays: binding Python lists, or
    # registering text arrays, makes DuckDB import pandas, which takes seconds
    con.register(
        "point_src",
        {
            "i": np.arange(len(lon), dtype=np.int64),
            "lon": np.round(np.asarray(lon, float), 6),
            "lat": np.round(np.asarray(lat, float), 6),
            "e": np.round(np.asarray(e, float), 1),
            "n": np.round(np.asarray(n, float), 1),
        },
    )
    con.execute(f"""
        create temp table keys as
        select {literal(days)} as day, {literal(list(cal.types))} as type,
               {literal(list(cal.lsoas))} as lsoa,
               {literal([a for a, _ in AGE_BANDS])} as age,
               {literal(["female", "male", "unknown"])} as sex,
               {literal([s for s, _, _ in SEGMENTS])} as segment,
               coalesce(list(lon order by i), []::double[]) as lon,
               coalesce(list(lat order by i), []::double[]) as lat,
               coalesce(list(e order by i), []::double[]) as e,
               coalesce(list(n order by i), []::double[]) as n
        from point_src
    """)
    con.unregister("point_src")


def _header(location: str) -> list[str]:
    """The extract's columns for one way of giving locations, in :data:`partner_format.COLUMNS` order."""
    loc = {"lsoa": ["lsoa_code"], "wgs84": ["longitude", "latitude"], "bng": ["easting", "northing"]}
    after_location = COLUMNS[COLUMNS.index("domestic") :]
    return ["date", "category", *loc[location], *after_location]


def synthesise_extract(
    source: Store | Calibration,
    out_path: str | os.PathLike[str],
    *,
    start: str | None = None,
    end: str | None = None,
    area: str | None = None,
    seed: int = 0,
    scale: float = 1.0,
    location: str = "lsoa",
    chunk_rows: int = CHUNK_ROWS,
    progress: Progress = no_progress,
) -> SynthResult:
    """Write a synthetic partner extract calibrated on the store's police.uk data.

    Parameters
    ----------
    source
        A store holding police.uk data, or a :class:`Calibration` made by :func:`calibrate`.
    out_path
        ``.csv``, ``.csv.gz`` or ``.parquet``; the file name must contain "synthetic".
    start, end
        First and last months (YYYY-MM). Default: the 12 months ending with the
        latest month held.
    area
        A force, CSP, district or ward (code or name); default everything held.
        Ignored when ``source`` is a Calibration.
    seed
        The same seed and inputs give byte-identical output.
    scale
        Multiplies every expected count (10 gives ten times the real volume).
    location
        Location columns to write: ``lsoa`` (lsoa_code), ``wgs84`` (longitude and
        latitude) or ``bng`` (easting and northing). Points are police.uk map points.
    chunk_rows
        About how many rows to generate at once (memory use is proportional).
    progress
        Called as rows are written.

    Returns
    -------
    SynthResult
        Rows written, counts by type, the time taken and the assumptions made.
    """
    started = time.perf_counter()
    out = Path(out_path)
    kind = _output_kind(out)
    if "synthetic" not in out.name.lower():
        stem = out.name[: -len(kind)]
        raise InputError(
            f"The output file name {out.name} does not say it is synthetic.",
            f"Put 'synthetic' in the name, for example {stem}-synthetic{kind}.",
        )
    if not (isinstance(scale, int | float) and math.isfinite(scale) and 0 < scale <= 10_000):
        raise InputError(
            f"The scale {scale} is not allowed.", "Use a number above 0 and at most 10000, such as 1 or 100."
        )
    if location not in ("lsoa", "wgs84", "bng"):
        raise InputError(f"The location '{location}' is not one we know.", "Use lsoa, wgs84 or bng.")
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise InputError(f"The seed {seed!r} is not allowed.", "Use a whole number, 0 or more.")
    cal = source if isinstance(source, Calibration) else calibrate(source, area)
    months = _months(cal, start, end)
    assumptions = list(cal.assumptions)
    if start is None and end is None:
        assumptions.append(f"The period is the 12 months to {months[-1]}, the latest held.")
    beyond = sorted({m[:4] for m in months} - {str(y) for y in cal.years})
    if beyond:
        assumptions.append(
            f"No police.uk data are held for {', '.join(beyond)}; volumes there use the nearest year held."
        )
    expected = cal.expected(months) * scale  # [l, m, t]
    types = cal.types
    dom = _rates(DOMESTIC_RATE, types) * np.isin(
        np.arange(len(types)), [types.index(t) for t in VICTIM_TYPES]
    )
    by_type_expected = expected.sum(axis=(0, 1))
    victim_based = by_type_expected[[types.index(t) for t in VICTIM_TYPES]].sum()
    domestic_share = float((by_type_expected * dom).sum() / victim_based) if victim_based else 0.2
    other_model = _solve_other_victims(domestic_share)

    # map points laid out LSOA after LSOA
    n_lsoa = len(cal.lsoas)
    point_lsoa = cal.point_lsoa
    if point_lsoa.size and np.any(np.diff(point_lsoa) < 0):
        raise ValueError("Calibration points must be sorted by LSOA.")
    point_start = np.searchsorted(point_lsoa, np.arange(n_lsoa), side="left")
    point_end = np.searchsorted(point_lsoa, np.arange(n_lsoa), side="right")
    point_cum = np.cumsum(cal.point_weight) if cal.point_weight.size else np.zeros(1)

    per_lsoa = expected.sum(axis=(1, 2))
    chunks = _chunk_lsoas(per_lsoa, chunk_rows)
    total_expected = float(per_lsoa.sum())

    parts_dir = out.parent / f".{out.name}.parts-{uuid.uuid4().hex}"
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        parts_dir.mkdir()
    except OSError as exc:
        raise StoreError(
            f"The folder {out.parent} cannot be written ({exc.strerror}).",
            "Choose an output folder you can write to.",
        ) from exc
    con = duckdb.connect()
    rows_written = 0
    by_type = np.zeros(len(types), dtype=np.int64)
    victims = offenders = 0
    parts: list[Path] = []
    tmp_out = parts_dir / ("assembled" + kind)
    writer = _CsvAppender(tmp_out, kind, _header(location)) if kind != ".parquet" else None
    try:
        con.execute("set enable_progress_bar = false")
        _install_keys(con, cal, months)
        select = _select_sql(location)
        root = np.random.SeedSequence(seed)
        children = root.spawn(len(chunks))
        for i, lsoa_ids in enumerate(chunks):
            rng = np.random.default_rng(children[i])
            chunk = _draw_chunk(
                rng,
                cal,
                lsoa_ids,
                expected[lsoa_ids],
                months,
                victims,
                offenders,
                other_model,
                point_start,
                point_end,
                point_cum,
            )
            victims += chunk.victims
            offenders += chunk.offenders
            n = chunk.arrays["t"].size
            if n:
                by_type += np.bincount(chunk.arrays["t"], minlength=len(types))
                con.register("chunk", chunk.arrays)
                if writer is None:
                    part = parts_dir / f"part-{i:06d}.parquet"
                    options = "format parquet, compression zstd"
                else:
                    part = parts_dir / f"part-{i:06d}.csv"
                    options = "format csv, header false"
                con.execute(f"copy ({select}) to '{_q(part)}' ({options})")
                con.unregister("chunk")
                if writer is None:
                    parts.append(part)
                else:
                    writer.append(part)  # compressed and appended in a second thread
                rows_written += n
            progress("Writing synthetic rows", rows_written, max(total_expected, rows_written))
        if writer is None:
            _assemble_parquet(con, parts, tmp_out, _header(location))
        else:
            writer.close()
            writer = None
        os.replace(tmp_out, out)
    except SaferPlacesError:
        raise
    except OSError as exc:
        raise StoreError(
            f"The synthetic extract could not be written to {out} ({exc.strerror or exc}).",
            "Check there is free disk space and you may write to the folder, then try again.",
        ) from exc
    finally:
        if writer is not None:
            writer.abandon()
        con.close()
        shutil.rmtree(parts_dir, ignore_errors=True)
    progress("Writing synthetic rows", rows_written, max(rows_written, 1))
    seconds = time.perf_counter() - started
    assumptions.append(
        f"Every row is synthetic (synthetic=true); the random seed was {seed} and the scale {scale:g}."
    )
    return SynthResult(
        path=out,
        rows=rows_written,
        start=months[0],
        end=months[-1],
        area_label=cal.area_label,
        seed=seed,
        scale=float(scale),
        seconds=seconds,
        by_type={t: int(by_type[i]) for i, t in enumerate(types)},
        victims=victims,
        assumptions=tuple(assumptions),
    )


def _q(path: Path) -> str:
    return str(path).replace("'", "''")


def _months(cal: Calibration, start: str | None, end: str | None) -> list[str]:
    from saferplaces.data.periods import make_period

    last = cal.held_months[-1]
    if start is None and end is None:
        end = last
        start = month_from_index(month_index(last) - 11)
    elif start is None or end is None:
        raise InputError(
            "Only one of the first and last months was given.", "Give both --from and --to, or neither."
        )
    for label, value in (("first", start), ("last", end)):
        if not isinstance(value, str) or not re.match(r"^\d{4}-(0[1-9]|1[0-2])$", value):
            raise InputError(f"The {label} month '{value}' is not like 2025-01.", "Write months as YYYY-MM.")
    if month_index(end) < month_index(start):
        raise InputError(
            f"The period {start} to {end} ends before it starts.", "Put the earlier month first."
        )
    if month_index(end) - month_index(start) >= 12 * 50:
        raise InputError(f"The period {start} to {end} is longer than 50 years.", "Choose a shorter period.")
    return make_period(start, end, "months").months


def _chunk_lsoas(per_lsoa: np.ndarray, chunk_rows: int) -> list[np.ndarray]:
    """Split LSOA indices into consecutive groups of about ``chunk_rows`` expected rows."""
    chunks: list[np.ndarray] = []
    current: list[int] = []
    acc = 0.0
    for i, rows in enumerate(per_lsoa):
        if current and acc + rows > chunk_rows:
            chunks.append(np.array(current, dtype=np.int64))
            current, acc = [], 0.0
        current.append(i)
        acc += float(rows)
    if current:
        chunks.append(np.array(current, dtype=np.int64))
    return chunks


def _assemble_parquet(
    con: duckdb.DuckDBPyConnection, parts: list[Path], out: Path, header: list[str]
) -> None:
    if parts:
        files = "[" + ", ".join(f"'{_q(p)}'" for p in parts) + "]"
        # a streaming copy: keep DuckDB from caching every part it reads
        con.execute("set memory_limit = '512MB'")
        con.execute(
            f"copy (select * from read_parquet({files})) to '{_q(out)}' (format parquet, compression zstd)"
        )
    else:
        spec = ", ".join(f"null::varchar as {c}" for c in header)
        con.execute(f"copy (select {spec} limit 0) to '{_q(out)}' (format parquet)")


class _CsvAppender:
    """Append CSV parts, in order, to one file (one gzip stream for .csv.gz) in a thread.

    zlib releases the GIL, so compressing one chunk overlaps drawing the next.
    The gzip header carries no time stamp, so the output is byte-identical run to run.
    """

    def __init__(self, out: Path, kind: str, header: list[str]) -> None:
        self._raw = open(out, "wb")  # noqa: SIM115 - closed in close() or abandon()
        self._dst = (
            gzip.GzipFile(fileobj=self._raw, mode="wb", mtime=0, filename="", compresslevel=6)
            if kind == ".csv.gz"
            else self._raw
        )
        self._dst.write((",".join(header) + "\n").encode())
        self._pool = ThreadPoolExecutor(max_workers=1)
        self._pending: list[Future[None]] = []

    def _copy(self, part: Path) -> None:
        with open(part, "rb") as src:
            shutil.copyfileobj(src, self._dst, 1 << 22)
        part.unlink()

    def append(self, part: Path) -> None:
        # at most one part waiting, so disk use stays near two chunks
        while len(self._pending) > 1:
            self._pending.pop(0).result()
        self._pending.append(self._pool.submit(self._copy, part))

    def close(self) -> None:
        for job in self._pending:
            job.result()
        self._pool.shutdown()
        if self._dst is not self._raw:
            self._dst.close()
        self._raw.close()

    def abandon(self) -> None:
        self._pool.shutdown(cancel_futures=True)
        try:
            if self._dst is not self._raw:
                self._dst.close()
        finally:
            self._raw.close()
