"""Two assessments of the same area side by side: this year against last.

Counts and rates come from each assessment's own record. Whether a count changed is
tested here with the same test the assessment uses for change on a year earlier
(:func:`saferplaces.stats.change`, the conditional test of two Poisson counts), with each
period's months held as its exposure, so periods of different lengths compare fairly.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from saferplaces import stats
from saferplaces.assessment.priorities import ASB
from saferplaces.web.assessments.models import Assessment
from saferplaces.wording import counted, the_window

CHANGE_WORDS = {
    "increase": "Significant increase",
    "decrease": "Significant decrease",
    "no-significant-change": "No significant change",
}


@dataclass(frozen=True)
class Row:
    """One measure in both assessments, and the test of the difference."""

    name: str
    earlier_count: int | None
    later_count: int | None
    earlier_rate: float | None
    later_rate: float | None
    percent: float | None
    p: float | None
    label: str | None

    @property
    def change_text(self) -> str:
        return CHANGE_WORDS.get(self.label or "", "Not tested")


@dataclass(frozen=True)
class RankRow:
    theme: str
    earlier_rank: int | None
    later_rank: int | None

    @property
    def movement(self) -> str:
        if self.earlier_rank is None:
            return "New candidate"
        if self.later_rank is None:
            return "No longer a candidate"
        moved = self.earlier_rank - self.later_rank
        if moved == 0:
            return "Same rank"
        return f"Up {moved}" if moved > 0 else f"Down {-moved}"


@dataclass(frozen=True)
class Comparison:
    """Everything the comparison page shows."""

    earlier: Assessment
    later: Assessment
    headline: tuple[Row, ...]
    crime_types: tuple[Row, ...]
    ranks: tuple[RankRow, ...]
    new_hotspots: tuple[str, ...]
    gone_hotspots: tuple[str, ...]
    kept_hotspots: tuple[str, ...]
    assumptions: tuple[str, ...] = field(default=())

    @property
    def significant(self) -> tuple[Row, ...]:
        return tuple(r for r in (*self.headline, *self.crime_types) if r.label in ("increase", "decrease"))


def _months(a: Assessment) -> int:
    return len((a.data.get("period") or {}).get("months_held") or []) or 1


def _row(name: str, earlier: dict | None, later: dict | None, months: tuple[int, int]) -> Row:
    e_count = None if earlier is None else int(earlier.get("count") or 0)
    l_count = None if later is None else int(later.get("count") or 0)
    percent = p = label = None
    if e_count is not None and l_count is not None:
        result = stats.change(l_count, e_count, current_exposure=months[1], previous_exposure=months[0])
        percent = None if result.percent is None else round(result.percent, 1)
        p, label = round(float(result.p), 4), result.label
    return Row(
        name,
        e_count,
        l_count,
        None if earlier is None else earlier.get("rate"),
        None if later is None else later.get("rate"),
        percent,
        p,
        label,
    )


def hotspot_places(a: Assessment) -> list[str]:
    """Each hotspot cluster named by its busiest police.uk location, largest cluster first."""
    clusters = ((a.data.get("hotspots") or {}).get("clusters")) or []
    names = []
    for cluster in clusters:
        streets = cluster.get("streets") or []
        if streets:
            names.append(str(streets[0][0]))
    return names


def compare(earlier: Assessment, later: Assessment) -> Comparison:
    """Compare two assessments of one area (the earlier period first)."""
    months = (_months(earlier), _months(later))
    e_head, l_head = earlier.data.get("headline") or {}, later.data.get("headline") or {}
    headline = (
        _row("All crime (not ASB)", e_head.get("crime"), l_head.get("crime"), months),
        _row(ASB, e_head.get("asb"), l_head.get("asb"), months),
    )
    e_types = {r["crime_type"]: r for r in earlier.data.get("crime_types") or []}
    l_types = {r["crime_type"]: r for r in later.data.get("crime_types") or []}
    # ASB is in the headline rows already.
    names = sorted(
        (set(e_types) | set(l_types)) - {ASB}, key=lambda n: -(l_types.get(n) or {}).get("count", 0)
    )
    crime_types = tuple(_row(n, e_types.get(n), l_types.get(n), months) for n in names)
    e_rank = {p["theme"]: p.get("rank") for p in earlier.data.get("priorities") or []}
    l_rank = {p["theme"]: p.get("rank") for p in later.data.get("priorities") or []}
    themes = sorted(set(e_rank) | set(l_rank), key=lambda t: (l_rank.get(t) or 10**6, e_rank.get(t) or 10**6))
    ranks = tuple(RankRow(t, e_rank.get(t), l_rank.get(t)) for t in themes)
    e_hot, l_hot = hotspot_places(earlier), hotspot_places(later)
    assumptions = [
        f"Changes compare {the_window(later.period_label)} ({counted(months[1], 'month')} held) with "
        f"{the_window(earlier.period_label)} ({counted(months[0], 'month')} held), each count over its "
        "own months, "
        "with the test of two Poisson counts at the 95% level.",
        "A hotspot is named by the busiest police.uk location of its cluster; it is new when no "
        "cluster of the earlier assessment had that location as its busiest, and gone the other way round.",
    ]
    if earlier.snapshot_id != later.snapshot_id:
        assumptions.append(
            f"The two assessments read different store snapshots ({earlier.snapshot_id or 'not recorded'} "
            f"and {later.snapshot_id or 'not recorded'}): data loaded between them may differ."
        )
    return Comparison(
        earlier,
        later,
        headline,
        crime_types,
        ranks,
        tuple(n for n in l_hot if n not in e_hot),
        tuple(n for n in e_hot if n not in l_hot),
        tuple(n for n in l_hot if n in e_hot),
        tuple(assumptions),
    )
