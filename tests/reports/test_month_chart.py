"""The monthly XmR chart and the target chart show which rule flagged each special-cause point (#14)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from types import SimpleNamespace

from saferplaces.assessment.model import MonthRow
from saferplaces.reports.charts import month_chart
from saferplaces.reports.target_charts import ChartValue, target_chart
from saferplaces.stats import spc_xmr

SVG = "{http://www.w3.org/2000/svg}"


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
    assert "January 2026 (a point outside the process limits)" in draft.alt
    assert "from January 2025 to January 2026; highest 160 in January 2026" in draft.alt
    # the flagged point carries its rule, and the legend under the chart names it
    svg = ET.fromstring(draft.svg)
    titles = [t.text for t in svg.iter(f"{SVG}title")]
    assert "2026-01: 160 (concern); rule: a point outside the process limits" in titles
    words = [t.text for t in svg.iter(f"{SVG}text")]
    assert "Rule that flagged each special-cause month" in words
    assert "2026-01: a point outside the process limits" in words
    # the twelve months of the shift before it, one line for the run
    assert "2025-01 to 2025-12: a shift: a run of points on one side of the centre line" in words
    # the 12 months before are flagged too (a shift: all on one side of the mean), each with its rule
    assert all("rule: a shift" in t for t in titles[:-1]) and len(titles) == 13


def test_target_chart_rings_flagged_points_and_says_why():
    values = [ChartValue(f"2024-{m:02d}", 10.0 + m % 2) for m in range(1, 9)]
    values.append(ChartValue("2024-09", 30.0, rule="a point outside the process limits"))
    chart = target_chart(values, title="ASB incidents", unit="incidents")
    assert "Ringed points show special-cause variation on the XmR chart: 2024-09" in chart.alt
    plain = target_chart(values[:-1], title="ASB incidents", unit="incidents")
    assert "Ringed" not in plain.alt


def test_a_short_series_is_drawn_as_a_run_chart_naming_its_trend():
    """Six months, too few for XmR limits: the chart says it is a run chart, with its median (#14).

    Worked by hand: 50, 52, 55, 58, 61, 49 sorted is 49, 50, 52, 55, 58, 61, median (52 + 55) / 2 =
    53.5; January to May rise four steps in a row, a trend of 5; June falls.
    """
    counts = [50, 52, 55, 58, 61, 49]
    trend = ("trend",)
    months = tuple(
        MonthRow(
            f"2025-{i + 1:02d}",
            c,
            0,
            None,
            None,
            None,
            None,
            rules=trend if i < 5 else (),
            median=53.5,
            chart="run",
        )
        for i, c in enumerate(counts)
    )
    draft = month_chart(SimpleNamespace(months=months, period=SimpleNamespace(label="January to June 2025")))
    assert "A run chart: 6 months are too few for limits of normal variation" in draft.alt
    assert "the dotted line is the median, 53.5." in draft.alt
    assert "limits of normal variation are" not in draft.alt
    assert "May 2025 (a trend: a run of points each higher or each lower than the last)" in draft.alt
    assert "June 2025 (" not in draft.alt
    words = [t.text for t in ET.fromstring(draft.svg).iter(f"{SVG}text")]
    assert "Median (53.5)" in words


def test_target_chart_names_the_run_chart():
    values = [ChartValue(f"2024-{m:02d}", float(m), rule="a trend" if m > 1 else "") for m in range(1, 6)]
    chart = target_chart(values, title="Thefts", spc="Run chart")
    assert "Ringed points show special-cause variation on the run chart: 2024-02 (a trend)" in chart.alt


def test_a_target_chart_of_one_period_says_one_period():
    chart = target_chart([ChartValue("2024/25", 12.0)], title="ASB incidents", unit="incidents")
    assert "for 1 period from 2024/25 to 2024/25" in chart.alt
    two = target_chart([ChartValue("2024/25", 12.0), ChartValue("2025/26", 9.0)], title="ASB", unit="")
    assert "for 2 periods from 2024/25 to 2025/26" in two.alt
