"""The monthly XmR chart and the target chart show which rule flagged each special-cause point (#14)."""

from __future__ import annotations

import json
from types import SimpleNamespace

from saferplaces.assessment.model import MonthRow
from saferplaces.reports.charts import month_chart
from saferplaces.reports.target_charts import ChartValue, target_chart
from saferplaces.stats import spc_xmr


def test_flagged_month_names_its_rule_in_data_and_text():
    counts = [100, 104, 98, 101, 99, 103, 97, 102, 100, 98, 101, 99, 160]
    spc = spc_xmr(counts, improvement="decrease")
    months = tuple(
        MonthRow(
            f"2025-{i + 1:02d}" if i < 12 else "2026-01",
            c,
            0,
            spc.mean,
            spc.lower_limit,
            spc.upper_limit,
            p,
            rules=r,
        )
        for i, (c, p, r) in enumerate(zip(counts, spc.points, spc.rules, strict=True))
    )
    draft = month_chart(SimpleNamespace(months=months, period=SimpleNamespace(label="calendar year 2025")))
    assert "2026-01 (a point outside the process limits)" in draft.alt
    spec = json.dumps(draft.spec)
    assert "a point outside the process limits" in spec and '"Rule"' in spec


def test_target_chart_rings_flagged_points_and_says_why():
    values = [ChartValue(f"2024-{m:02d}", 10.0 + m % 2) for m in range(1, 9)]
    values.append(ChartValue("2024-09", 30.0, rule="a point outside the process limits"))
    chart = target_chart(values, title="ASB incidents", unit="incidents")
    assert "Ringed points show special-cause variation on the XmR chart: 2024-09" in chart.alt
    plain = target_chart(values[:-1], title="ASB incidents", unit="incidents")
    assert "Ringed" not in plain.alt
