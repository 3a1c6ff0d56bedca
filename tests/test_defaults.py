"""The analytic defaults registry: one value, read everywhere, documented once."""

from __future__ import annotations

import re
from pathlib import Path

from saferplaces.defaults import DEFAULTS, AnalyticDefaults

DOCS = Path(__file__).parents[1] / "docs" / "defaults.md"


def test_docs_page_lists_every_default_with_its_value_and_sentence():
    text = DOCS.read_text(encoding="utf-8")
    rows = {
        m.group(2): (m.group(1), m.group(3), m.group(4))
        for m in re.finditer(r"^\| (.+?) \(`(\w+)`\) \| (.+?) \| (.+?) \|$", text, re.MULTILINE)
    }
    described = DEFAULTS.describe()
    assert set(rows) == {d.name for d in described}
    for d in described:
        title, value, sentence = rows[d.name]
        assert (title, value, sentence) == (d.title, str(d.value), d.sentence)


def test_every_reader_uses_the_registry_value():
    from saferplaces.assessment.people import SMALL, shown
    from saferplaces.data.quality import BREAK_RATIO
    from saferplaces.indicators.status import MIN_SPC_POINTS

    assert MIN_SPC_POINTS == DEFAULTS.min_xmr_points == 12
    assert BREAK_RATIO == DEFAULTS.break_ratio
    assert SMALL == DEFAULTS.suppression_threshold
    assert shown(SMALL - 1) == f"fewer than {SMALL}" and shown(SMALL) == str(SMALL)


def test_spc_run_length_is_read_by_target_status(monkeypatch):
    # Six points below the mean then six above, within the two-sigma lines and with no
    # trend: two shifts when six in a row make one, nothing when seven are needed.
    from saferplaces.indicators import status
    from saferplaces.stats.spc import RUN_LENGTH, RUN_LENGTHS

    assert DEFAULTS.spc_run_length == RUN_LENGTH == 7 and DEFAULTS.spc_run_length in RUN_LENGTHS
    values = [10, 12, 10, 12, 10, 12, 13, 15, 13, 15, 13, 15]
    points = [status.StatusPoint(f"2024-{m:02d}", v) for m, v in enumerate(values, 1)]
    assert not status.indicator_status(points, "reduce").flags
    monkeypatch.setattr(status, "DEFAULTS", AnalyticDefaults(spc_run_length=6))
    flagged = status.indicator_status(points, "reduce").flags
    assert len(flagged) == 12 and all(rules == ("shift",) for _, rules in flagged)


def test_derived_values():
    d = AnalyticDefaults(significance_level=0.01, min_seasonal_years=2)
    assert d.confidence_level == 0.99 and d.confidence_percent == "99%"
    assert d.min_seasonal_months == 24
    assert "below 0.01" in d.describe()[0].sentence
