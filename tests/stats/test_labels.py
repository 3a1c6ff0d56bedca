"""Tests for saferplaces.stats.labels: one vocabulary, equal to the old string codes."""

from __future__ import annotations

import json
from enum import StrEnum

import pytest

from saferplaces.stats import labels
from saferplaces.stats.labels import Assurance, FunnelLabel, HotspotPattern, PointType, SpcRule, StatusLabel

ENUMS = [getattr(labels, name) for name in labels.__all__ if name[0].isupper()]


@pytest.mark.parametrize("enum", ENUMS)
def test_members_are_their_kebab_case_codes(enum):
    assert issubclass(enum, StrEnum)
    for member in enum:
        assert member == member.value and str(member) == member.value
        assert member.value == member.value.lower() and " " not in member.value
        assert member.text and member.text[0].isupper()
        assert json.loads(json.dumps(member)) == member.value


def test_codes_the_assessment_already_uses():
    # The assessment and reports compare against these strings; they must not change.
    assert PointType.COMMON_CAUSE == "common-cause" and PointType.CONCERN == "concern"
    assert Assurance.CONSISTENTLY_PASSING == "consistently-passing"
    assert [m.value for m in FunnelLabel][:5] == [
        "high-0.001",
        "high-0.025",
        "not-significant",
        "low-0.025",
        "low-0.001",
    ]
    assert HotspotPattern.PERSISTENT_HOTSPOT == "persistent-hotspot"
    assert SpcRule("two-of-three") is SpcRule.TWO_OF_THREE
    assert StatusLabel.NO_SIGNIFICANT_CHANGE.text == "No significant change"
    assert repr(PointType.CONCERN) == "'concern'"
