"""A target's values by period as an SVG chart, with its text alternative.

Entered and computed values are drawn in different colours, 95% intervals as
vertical bars, and the baseline as a dashed line. The chart names the table
that holds its data: pages show the values table beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from saferplaces.reports import svg_kit as k
from saferplaces.reports.drawn_charts import Chart
from saferplaces.reports.svg_kit import BLUE, DARK, LIGHT, RED
from saferplaces.wording import counted


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
    sources = list(dict.fromkeys(v.source for v in values))
    colours = {s: BLUE if s.startswith("Entered") else DARK for s in sources}
    svg_text = _draw(values, order, sources, colours, unit or "Value", baseline)
    high = max(values, key=lambda v: v.value)
    low = min(values, key=lambda v: v.value)
    flagged = [v for v in values if v.rule]
    unit_text = f" {unit}" if unit and unit != "%" else ("%" if unit == "%" else "")
    text = (
        f"Line chart of the values of “{title}” for {counted(len(order), 'period')} from {order[0]} to "
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
    return Chart("chart-target", title, svg_text, text, table)


def _draw(
    values: Sequence[ChartValue],
    order: list[str],
    sources: list[str],
    colours: dict[str, str],
    y_title: str,
    baseline: float | None,
) -> str:
    """The chart's SVG: a line and points a source, 95% intervals as vertical bars, a red ring
    round each flagged point (its rule in the point's title), the baseline dashed."""
    left, top, plot_h = 60.0, 10.0, 220.0
    plot_w = max(240.0, 48.0 * len(order))
    numbers = [v.value for v in values] + [b for v in values for b in (v.lower, v.upper) if b is not None]
    if baseline is not None:
        numbers.append(baseline)
    ticks = k.nice_ticks(min(0.0, *numbers), max(0.0, *numbers))
    step = plot_w / len(order)
    place = {p: i for i, p in enumerate(order)}

    def x(period: str) -> float:
        return left + step * (place[period] + 0.5)

    def y(value: float) -> float:
        return top + plot_h - (value - ticks[0]) / (ticks[-1] - ticks[0]) * plot_h

    body: list[str] = []
    for t in ticks:
        body += [
            k.line(left, y(t), left + plot_w, y(t), LIGHT),
            k.text(left - 6, y(t) + 4, k.tick_label(t), anchor="end"),
        ]
    y_label = k.fit(y_title, 200, bold=True)
    body.append(k.text(14, top + plot_h / 2, y_label, bold=True, anchor="middle", rotate=-90))
    for p in order:
        body.append(k.text(x(p) + 4, top + plot_h + 8, k.fit(p, 130), anchor="end", rotate=-40))
    if baseline is not None:
        body.append(k.line(left, y(baseline), left + plot_w, y(baseline), RED, width=1.5, dash="6 3"))
    for source in sources:
        mine = [v for v in values if v.source == source]
        body.append(k.polyline([(x(v.period), y(v.value)) for v in mine], colours[source]))
        for v in mine:
            if v.lower is not None and v.upper is not None:
                body.append(k.line(x(v.period), y(v.lower), x(v.period), y(v.upper), colours[source]))
            body.append(
                k.marker(
                    "circle", x(v.period), y(v.value), colours[source], title=f"{v.period}: {_fmt(v.value)}"
                )
            )
    for v in values:
        if v.rule:
            why = k.esc(f"{v.period}: {_fmt(v.value)}; rule: {v.rule}")
            body.append(
                f'<circle cx="{k.n(x(v.period))}" cy="{k.n(y(v.value))}" r="8.5" fill="none" stroke="{RED}" '
                f'stroke-width="2"><title>{why}</title></circle>'
            )
    below = top + plot_h + 12 + max(k.text_width(k.fit(p, 130)) for p in order) * 0.65 + 16
    legend, end = k.legend_row(left, below + 14, [(colours[s], s) for s in sources])
    body += [k.text(left, below, "Source", bold=True), *legend]
    return k.svg(left + plot_w + 20, end, body)
