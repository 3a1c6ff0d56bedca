"""A target's values by period as an SVG chart, with its text alternative.

Entered and computed values are drawn in different colours, 95% intervals as
vertical bars, and the baseline as a dashed line. The chart names the table
that holds its data: pages show the values table beside it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import altair as alt
import vl_convert

from saferplaces.reports.drawn_charts import Chart
from saferplaces.reports.svg_kit import BLUE, DARK, FONT, RED


@dataclass(frozen=True)
class ChartValue:
    """One point: its period, value, interval (or None) and where it came from."""

    period: str
    value: float
    lower: float | None = None
    upper: float | None = None
    source: str = "Entered"
    rule: str = ""  # the SPC rule(s) that flagged this point, in words; "" when none did


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def target_chart(
    values: Sequence[ChartValue],
    *,
    title: str,
    unit: str = "",
    baseline: float | None = None,
    baseline_period: str = "",
    table: str = "values",
    spc: str = "XmR chart",
) -> Chart | None:
    """A line chart of a target's values in the order given; None when there are none.

    Parameters
    ----------
    values
        The points, oldest period first.
    title
        What is measured, used in the heading and the text alternative.
    unit
        The y axis title, such as "incidents" or "%".
    baseline, baseline_period
        The baseline, drawn as a dashed line when given.
    table
        The id of the table holding the same numbers.
    spc
        The chart whose rules flagged points ("XmR chart" or "Run chart"),
        named in the text alternative.
    """
    if not values:
        return None
    order = list(dict.fromkeys(v.period for v in values))
    data = [
        {
            "period": v.period,
            "value": v.value,
            "lower": v.lower,
            "upper": v.upper,
            "source": v.source,
            "rule": v.rule,
        }
        for v in values
    ]
    sources = list(dict.fromkeys(v.source for v in values))
    colours = [BLUE if s.startswith("Entered") else DARK for s in sources]
    base = alt.Chart(alt.Data(values=data)).encode(
        x=alt.X("period:O", sort=order, title=None, axis=alt.Axis(labelAngle=-40)),
        color=alt.Color("source:N", scale=alt.Scale(domain=sources, range=colours), title="Source"),
    )
    y_title = unit or "Value"
    layers = [
        base.mark_line().encode(y=alt.Y("value:Q", title=y_title, scale=alt.Scale(zero=True))),
        base.mark_point(filled=True, size=60).encode(y="value:Q"),
    ]
    if any(v.lower is not None for v in values):
        layers.append(
            base.transform_filter("datum.lower != null").mark_rule().encode(y="lower:Q", y2="upper:Q")
        )
    flagged = [v for v in values if v.rule]
    if flagged:
        # Special-cause points: a ring around the point, with the rule in the tooltip.
        layers.append(
            base.transform_filter("datum.rule != ''")
            .mark_point(shape="circle", size=220, strokeWidth=2, color=RED, filled=False)
            .encode(y="value:Q", tooltip=["period:O", "value:Q", alt.Tooltip("rule:N", title="Rule")])
        )
    if baseline is not None:
        rule = alt.Chart(alt.Data(values=[{"baseline": baseline}])).mark_rule(color=RED, strokeDash=[6, 3])
        layers.append(rule.encode(y="baseline:Q"))
    chart = alt.layer(*layers).properties(width=max(240, 48 * len(order)), height=220)
    high = max(values, key=lambda v: v.value)
    low = min(values, key=lambda v: v.value)
    unit_text = f" {unit}" if unit and unit != "%" else ("%" if unit == "%" else "")
    text = (
        f"Line chart of the values of “{title}” for {len(order)} periods from {order[0]} to "
        f"{order[-1]}; highest {_fmt(high.value)}{unit_text} in {high.period}, lowest "
        f"{_fmt(low.value)}{unit_text} in {low.period}."
    )
    if baseline is not None:
        text += f" The dashed line is the baseline, {_fmt(baseline)}{unit_text}"
        text += f" ({baseline_period})." if baseline_period else "."
    if any(v.lower is not None for v in values):
        text += " Vertical bars show 95% confidence intervals."
    if len(sources) > 1:
        text += " Colours tell entered values from values computed from the data store."
    if flagged:
        named = "run chart" if spc == "Run chart" else spc
        text += f" Ringed points show special-cause variation on the {named}: " + "; ".join(
            f"{v.period} ({v.rule})" for v in flagged
        )
        text += "."
    return draw_chart("chart-target", title, chart, text, table)


def draw_chart(chart_id: str, title: str, chart: alt.TopLevelMixin, alt_text: str, table: str) -> Chart:
    """Draw one Altair chart to SVG in the reports' style (vl-convert, offline)."""
    spec = chart.configure(font=FONT).configure_view(stroke=None).to_dict()
    return _own_ids(Chart(chart_id, title, vl_convert.vegalite_to_svg(spec), alt_text, table))


_GRADIENT = re.compile(r"\bgradient_(\d+)\b")


def _own_ids(chart: Chart) -> Chart:
    """Name the SVG's gradients after the chart.

    vl-convert numbers gradients by how many it has drawn in the process, so the same chart
    would get other ids in another process, and two charts could share one in a page.
    """
    svg = _GRADIENT.sub(lambda m: f"{chart.id}-gradient-{m.group(1)}", chart.svg)
    if svg == chart.svg:
        return chart
    numbers = dict.fromkeys(re.findall(rf"{chart.id}-gradient-(\d+)", svg))
    for i, n in enumerate(numbers):
        svg = svg.replace(f"{chart.id}-gradient-{n}", f"{chart.id}-gradient-{i}")
    return Chart(chart.id, chart.title, svg, chart.alt, chart.table)
