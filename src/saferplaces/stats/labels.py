"""One vocabulary of result labels, as string enums.

Every label a statistic returns is a member of one of these enums. Each is a
:class:`enum.StrEnum`, so a member *is* its kebab-case code: it compares
equal to the string (``PointType.CONCERN == "concern"``), serialises to JSON
as the string and can be stored as it is. Code that compared against the
strings keeps working. Display text is never a key: ask a member for
:attr:`text` (sentence case) when showing it to a person.
"""

from __future__ import annotations

from enum import StrEnum

from saferplaces.errors import InputError

__all__ = [
    "Assurance",
    "ChangeLabel",
    "ComparisonLabel",
    "FunnelLabel",
    "HotspotLabel",
    "HotspotPattern",
    "Judgement",
    "PointType",
    "RepresentationLabel",
    "SeasonalLabel",
    "SpcRule",
    "StatusLabel",
    "TrendLabel",
    "rule_words",
]


class _Label(StrEnum):
    """A label whose value is its code; ``text`` is what people read."""

    def __repr__(self) -> str:
        # Shown as the plain code, so printed results read the same as before.
        return repr(self.value)

    @property
    def text(self) -> str:
        return _TEXT.get(self.value, self.value.replace("-", " ").capitalize())


class PointType(_Label):
    """Kind of variation at one point of an SPC chart (Making Data Count)."""

    COMMON_CAUSE = "common-cause"
    IMPROVEMENT = "improvement"
    CONCERN = "concern"
    NEUTRAL = "neutral"  # special cause with no improvement direction


class SpcRule(_Label):
    """The special-cause rule that flagged a point of an SPC or run chart."""

    OUTSIDE_LIMITS = "outside-limits"
    SHIFT = "shift"
    TREND = "trend"
    TWO_OF_THREE = "two-of-three"


class Assurance(_Label):
    """Whether a process will meet a target, from its limits (Making Data Count)."""

    CONSISTENTLY_PASSING = "consistently-passing"
    CONSISTENTLY_FAILING = "consistently-failing"
    INCONSISTENT = "inconsistent"


class FunnelLabel(_Label):
    """Where an area lies against the funnel limits (PHE significance bands)."""

    HIGH_0001 = "high-0.001"
    HIGH_0025 = "high-0.025"
    NOT_SIGNIFICANT = "not-significant"
    LOW_0025 = "low-0.025"
    LOW_0001 = "low-0.001"
    NOT_APPLICABLE = "not-applicable"  # a DSR from fewer than 10 events (PHE)

    @property
    def above(self) -> bool:
        """Significantly above the centre line, at either level."""
        return self in (FunnelLabel.HIGH_0001, FunnelLabel.HIGH_0025)


class HotspotLabel(_Label):
    """A Gi* cell: significantly high, significantly low, or neither."""

    HOT = "hot"
    COLD = "cold"
    NONE = "none"


class HotspotPattern(_Label):
    """How a cell behaved over time (sfhotspot ``hotspot_classify``)."""

    PERSISTENT_HOTSPOT = "persistent-hotspot"
    EMERGING_HOTSPOT = "emerging-hotspot"
    FORMER_HOTSPOT = "former-hotspot"
    INTERMITTENT_HOTSPOT = "intermittent-hotspot"
    PERSISTENT_COLDSPOT = "persistent-coldspot"
    EMERGING_COLDSPOT = "emerging-coldspot"
    FORMER_COLDSPOT = "former-coldspot"
    INTERMITTENT_COLDSPOT = "intermittent-coldspot"
    MIXED = "mixed"
    NO_PATTERN = "no-pattern"


class ChangeLabel(_Label):
    """Change between two periods."""

    INCREASE = "increase"
    NO_SIGNIFICANT_CHANGE = "no-significant-change"
    DECREASE = "decrease"


class TrendLabel(_Label):
    """Direction of a fitted trend."""

    INCREASING = "increasing"
    NO_SIGNIFICANT_TREND = "no-significant-trend"
    DECREASING = "decreasing"


class ComparisonLabel(_Label):
    """A value against a benchmark, or one value against another."""

    HIGHER = "higher"
    SIMILAR = "similar"
    LOWER = "lower"


class Judgement(_Label):
    """A comparison read with the indicator's polarity."""

    BETTER = "better"
    SIMILAR = "similar"
    WORSE = "worse"


class RepresentationLabel(_Label):
    """A group's share of victims or offenders against its share of the population."""

    OVER = "over"
    SIMILAR = "similar"
    UNDER = "under"


class SeasonalLabel(_Label):
    """A month against its seasonal expected range."""

    ABOVE = "above"
    WITHIN = "within"
    BELOW = "below"
    NOT_ENOUGH_HISTORY = "not-enough-history"


class StatusLabel(_Label):
    """Status of a target (indicators and the performance pages)."""

    IMPROVING = "improving"
    NO_SIGNIFICANT_CHANGE = "no-significant-change"
    WORSENING = "worsening"
    NOT_ENOUGH_DATA = "not-enough-data"


_TEXT = {
    "common-cause": "Common cause variation",
    "improvement": "Special cause improvement",
    "concern": "Special cause concern",
    "neutral": "Special cause, no direction given",
    "outside-limits": "A point outside the process limits",
    "shift": "A shift: a run of points on one side of the centre line",
    "trend": "A trend: a run of points each higher or each lower than the last",
    "two-of-three": "Two of three points beyond two sigma on the same side",
    "high-0.001": "Well above average (99.8%)",
    "high-0.025": "Above average (95%)",
    "not-significant": "Similar to average",
    "low-0.025": "Below average (95%)",
    "low-0.001": "Well below average (99.8%)",
    "not-applicable": "Not applicable: fewer than 10 events",
    "hot": "Hotspot",
    "cold": "Coldspot",
    "none": "Not significant",
    "no-significant-change": "No significant change",
    "not-enough-data": "Not enough data",
}


def rule_words(rules: tuple[str, ...] | list[str]) -> str:
    """The SPC rules that flagged a point, in words for a sentence ("" when none did).

    Examples
    --------
    >>> rule_words(("outside-limits", "two-of-three"))
    'a point outside the process limits and two of three points beyond two sigma on the same side'
    """
    if isinstance(rules, (str, bytes)) or not isinstance(rules, (tuple, list)):
        raise InputError(
            f"'rules' is {rules!r}, not a list of SPC rules.",
            f"Give a tuple of rule codes, such as ({SpcRule.SHIFT.value!r},).",
        )
    known = {r.value for r in SpcRule}
    unknown = [r for r in rules if not isinstance(r, str) or r not in known]
    if unknown:
        raise InputError(
            f"'rules' contains {unknown[0]!r}, which is not an SPC rule.",
            f"Use rule codes from: {', '.join(sorted(known))}.",
        )
    words = [SpcRule(r).text for r in rules]
    return " and ".join(w[0].lower() + w[1:] for w in words)
