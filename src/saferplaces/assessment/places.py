"""Ward profiles: why each place is at risk, in the words of the Stafford seed's "places at greatest risk".

For every crime type, the wards' rates per 1,000 residents go on a funnel plot around the
district's rate (the pooled rate of its wards), with limits widened for overdispersion;
a ward above the 95% or 99.8% limit for a type has that type as a reason. Town and city
centre wards, where most people present are visitors, are flagged by a stated rule
(``centre_ward``) because a rate per resident overstates the risk to their residents.

See docs/methods/ward-profiles.md.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from saferplaces import stats
from saferplaces.assessment.model import Finding, WardRow
from saferplaces.assessment.windows import in_window
from saferplaces.data.aggregates import Aggregates, in_months, where
from saferplaces.data.areas import Area
from saferplaces.stats.labels import FunnelLabel, HotspotPattern

#: A ward is a town or city centre ward when its rate of crime and ASB per resident is at
#: least this many times the district's ...
CENTRE_RATE_RATIO = 2.0
#: ... and at least this share of its crime and ASB is shoplifting or theft from the person,
#: the offences of shops and crowds.
CENTRE_VISITOR_SHARE = 0.10
VISITOR_TYPES = ("Shoplifting", "Theft from the person")
#: A crime type is a reason only when the ward has at least this many of it (fewer say little).
MIN_TYPE_COUNT = 10
CENTRE_RULE = (
    f"a rate of crime and ASB per resident at least {CENTRE_RATE_RATIO:g} times the district's, with at "
    f"least {CENTRE_VISITOR_SHARE:.0%} of it shoplifting or theft from the person"
)


@dataclass(frozen=True)
class TypeAbove:
    """A crime type whose rate in a ward is significantly above the district's."""

    crime_type: str
    count: int
    rate: float
    district_rate: float
    label: str  # "high-0.001" (above the 99.8% limit) or "high-0.025" (above the 95% limit)

    @property
    def ratio(self) -> float:
        return self.rate / self.district_rate if self.district_rate else float("inf")


@dataclass(frozen=True)
class WardProfile:
    ward_code: str
    ward_name: str
    population: int
    count: int
    rate: float
    funnel: str  # the ward's crime and ASB against the ward average (as WardRow)
    centre: bool
    visitor_share: float
    rate_ratio: float
    above: tuple[TypeAbove, ...]  # most significant, then highest ratio, first


@dataclass(frozen=True)
class WardProfiles:
    district_rate: float
    profiles: tuple[WardProfile, ...]  # places at greatest risk first
    assumptions: tuple[str, ...]

    @property
    def at_risk(self) -> tuple[WardProfile, ...]:
        """Wards above the ward average overall, or above the district's rate for any crime type."""
        return tuple(p for p in self.profiles if (p.funnel and FunnelLabel(p.funnel).above) or p.above)


def centre_ward(rate_ratio: float, visitor_share: float) -> bool:
    """The stated rule for a town or city centre ward (few residents, many visitors)."""
    return rate_ratio >= CENTRE_RATE_RATIO and visitor_share >= CENTRE_VISITOR_SHARE


def ward_type_counts(agg: Aggregates, area: Area, months: Sequence[str]) -> dict[str, dict[str, int]]:
    """Ward code -> crime type -> count in ``months``."""
    out: dict[str, dict[str, int]] = {}
    for code, crime_type, n in agg.sql(
        f"select ward_code, crime_type, sum(n) from {agg.counts} where {where(area)} and "
        f"{in_months(months)} and ward_code is not null group by 1, 2",
        remember=True,
    ):
        out.setdefault(code, {})[crime_type] = int(n)
    return out


def profile_wards(wards: Sequence[WardRow], counts: Mapping[str, Mapping[str, int]]) -> WardProfiles | None:
    """Profile each ward from its crime-type counts: a pure function of the ward rows and counts.

    Parameters
    ----------
    wards
        The assessment's ward rows (population, count, rate, funnel label).
    counts
        Ward code -> crime type -> count, over the same months.
    """
    wards = [w for w in wards if w.population > 0]
    if len(wards) < 3:
        return None
    pops = [w.population for w in wards]
    total_pop = sum(pops)
    district_rate = sum(w.count for w in wards) / total_pop * 1000
    types = sorted({t for w in wards for t in counts.get(w.ward_code, {})})
    above: dict[str, list[TypeAbove]] = {w.ward_code: [] for w in wards}
    for t in types:
        numerators = [counts.get(w.ward_code, {}).get(t, 0) for w in wards]
        if sum(numerators) == 0:
            continue
        sig = stats.funnel_significance(numerators, pops, "rate", per=1000, overdispersion=True)
        type_rate = sum(numerators) / total_pop * 1000
        for w, n, label in zip(wards, numerators, sig.labels, strict=True):
            if FunnelLabel(label).above and n >= MIN_TYPE_COUNT:
                above[w.ward_code].append(
                    TypeAbove(t, n, round(n / w.population * 1000, 2), round(type_rate, 2), label)
                )
    profiles = []
    for w in wards:
        mine = counts.get(w.ward_code, {})
        total = sum(mine.values())
        visitor = sum(mine.get(t, 0) for t in VISITOR_TYPES) / total if total else 0.0
        ratio = w.rate / district_rate if district_rate else 0.0
        reasons = sorted(above[w.ward_code], key=lambda a: (a.label != "high-0.001", -a.ratio, a.crime_type))
        profiles.append(
            WardProfile(
                w.ward_code,
                w.ward_name,
                w.population,
                w.count,
                w.rate,
                w.funnel,
                centre_ward(ratio, visitor),
                round(visitor, 3),
                round(ratio, 2),
                tuple(reasons),
            )
        )
    order = {"high-0.001": 0, "high-0.025": 1}
    profiles.sort(key=lambda p: (order.get(p.funnel, 2), -len(p.above), -p.rate, p.ward_name))
    assumptions = (
        "Ward profiles put each crime type's ward rates on a funnel plot around the district's rate "
        "for that type (limits widened for overdispersion); a type is a reason when the ward is "
        f"above the 95% limit and has at least {MIN_TYPE_COUNT} of it.",
        f"A ward is flagged as a town or city centre ward by the rule: {CENTRE_RULE}. Most people there "
        "are visitors, so a rate per resident overstates the risk to residents.",
    )
    return WardProfiles(round(district_rate, 2), tuple(profiles), assumptions)


def ward_profiles(
    agg: Aggregates, area: Area, months: Sequence[str], wards: Sequence[WardRow]
) -> WardProfiles | None:
    """The ward profiles of a district or CSP over ``months``: one call from ``build_assessment``.

    A force's assessment compares its districts instead, and a ward has no wards: both get None.
    """
    if area.level not in ("district", "csp") or not wards:
        return None
    return profile_wards(wards, ward_type_counts(agg, area, months))


def describe_profile(p: WardProfile, limit: int = 4) -> str:
    """'Forebridge (town centre): crime and ASB well above the ward average; above the district's
    rate for shoplifting (12 times), ...'"""
    overall = {
        "high-0.001": "crime and ASB well above the ward average (99.8%)",
        "high-0.025": "crime and ASB above the ward average (95%)",
    }.get(p.funnel, "crime and ASB within the usual range of wards overall")
    reasons = ", ".join(
        f"{a.crime_type.lower()} ({a.ratio:.1f} times{', 99.8%' if a.label == 'high-0.001' else ''})"
        for a in p.above[:limit]
    )
    more = f" and {len(p.above) - limit} more" if len(p.above) > limit else ""
    types = f"; above the district's rate for {reasons}{more}" if p.above else ""
    centre = " (town or city centre ward: most people there are visitors)" if p.centre else ""
    return f"{p.ward_name}{centre}: {overall}{types}."


def near(location: str) -> str:
    """'On or near Bridge Street' -> 'Bridge Street', for sentences."""
    return location.removeprefix("On or near ").strip()


def hotspot_findings(a: Any) -> list[Finding]:
    """The places finding on hotspots: how many, how much crime, and the busiest, named by street."""
    h = a.hotspots
    if not h or not h.hot:
        return []
    busiest = []
    for c in h.hot[:3]:
        streets = " and ".join(near(s) for s, _ in c.streets[:2])
        where = f"around {streets}, {c.ward}" if streets else f"in {c.ward}"
        busiest.append(f"{where} ({c.count:,})")
    persistent = sum(1 for c in h.hot if c.pattern == HotspotPattern.PERSISTENT_HOTSPOT)
    # the pattern over the months is known only when it was classified (six months or more)
    pattern = (
        f"; {persistent} of them {'was' if persistent == 1 else 'were'} hot in most months (persistent)"
        if h.patterns_classified
        else "; too few months are held to say which were hot in most months"
    )
    text = (
        f"{len(h.hot)} of the {h.cells:,} grid squares ({h.cell_size:.0f} m) were significant hotspots, "
        f"holding {h.share_in_hot:.0f}% of crime and ASB {in_window(a.period.label)}{pattern}. By count of "
        f"crime and ASB, the busiest hotspot squares are {'; '.join(busiest)}."
    )
    return [
        Finding(
            "places",
            text,
            "hotspots",
            {
                "hot": len(h.hot),
                "persistent": persistent if h.patterns_classified else None,
                "share": h.share_in_hot,
            },
        )
    ]
