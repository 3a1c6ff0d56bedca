"""Charts and maps for reports: Altair (Vega-Lite) rendered to SVG offline with vl-convert.

Every chart has a text alternative and names the table that holds its data.
Maps draw boundaries only (no tile servers).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import altair as alt
import vl_convert

from saferplaces.assessment.model import StrategicAssessment
from saferplaces.data.reference import boundaries
from saferplaces.reports.drawn_charts import THREADS, Chart, chart_pngs
from saferplaces.stats.labels import ChangeLabel, rule_words

__all__ = ["THREADS", "Chart", "assessment_charts", "chart_pngs", "draw_chart", "warm_up"]

FONT = "Liberation Sans, Arial, sans-serif"
BLUE, DARK, GREY, RED = "#1d70b8", "#0b0c0c", "#b1b4b6", "#d4351c"


@dataclass(frozen=True)
class _Draft:
    """A chart before it is drawn: its Vega-Lite (or, with ``vega``, Vega) spec."""

    id: str
    title: str
    spec: dict
    alt: str
    table: str
    vega: bool = False


def _spec(chart: alt.TopLevelMixin, **datasets: list) -> dict:
    """The Vega-Lite spec of ``chart``; its data are named (``alt.Data(name=...)``) and given here.

    The rows are added to the finished spec instead of going through Altair, which would
    copy and validate every row (most of the time of a map) for the same picture.
    """
    spec = chart.configure(font=FONT).configure_view(stroke=None).to_dict()
    spec["datasets"] = {**spec.get("datasets", {}), **datasets}
    return spec


def _draw(draft: _Draft) -> Chart:
    svg = (vl_convert.vega_to_svg if draft.vega else vl_convert.vegalite_to_svg)(draft.spec)
    return _own_ids(Chart(draft.id, draft.title, svg, draft.alt, draft.table))


def draw_chart(chart_id: str, title: str, chart: alt.TopLevelMixin, alt_text: str, table: str) -> Chart:
    """Draw one Altair chart to SVG in the reports' style, for callers outside the assessment."""
    return _draw(_Draft(chart_id, title, _spec(chart), alt_text, table))


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


def crime_type_chart(a: StrategicAssessment) -> _Draft | None:
    data = [{"type": r.crime_type, "count": r.count} for r in a.crime_types if r.count]
    if not data:
        return None
    chart = (
        alt.Chart(alt.Data(name="types"))
        .mark_bar(color=BLUE)
        .encode(
            y=alt.Y("type:N", sort="-x", title=None),
            x=alt.X("count:Q", title="Count"),
        )
        .properties(width=420, height=18 * len(data))
    )
    labels = chart.mark_text(align="left", dx=3, color=DARK).encode(text=alt.Text("count:Q", format=","))
    top = max(a.crime_types, key=lambda r: r.count)
    return _Draft(
        "chart-crime-types",
        f"Crime and ASB by type, {a.period.label}",
        _spec(chart + labels, types=data),
        f"Bar chart of {len(data)} crime types by count. The largest is "
        f"{top.crime_type.lower()} with {top.count:,}.",
        "crime-types",
    )


def change_chart(a: StrategicAssessment) -> _Draft | None:
    data = [
        {
            "type": r.crime_type,
            "percent": r.change_percent,
            "verdict": "Not counted (possible break in series)"
            if r.series_break
            else "Significant"
            if r.change in (ChangeLabel.INCREASE, ChangeLabel.DECREASE)
            else "Not significant",
        }
        for r in a.crime_types
        if r.change_percent is not None
    ]
    window = f"{a.period.change_months} against {a.period.change_base}"
    if not data:
        return None
    base = alt.Chart(alt.Data(name="change")).encode(y=alt.Y("type:N", sort="-x", title=None))
    bars = (
        base.mark_bar()
        .encode(
            x=alt.X("percent:Q", title=f"Change, {window} (%)"),
            color=alt.Color(
                "verdict:N",
                scale=alt.Scale(
                    domain=["Significant", "Not significant", "Not counted (possible break in series)"],
                    range=[DARK, GREY, RED],
                ),
                title="Change",
            ),
        )
        .properties(width=420, height=18 * len(data))
    )
    # the label sits right of the bar, or right of zero for a fall, so it never covers a bar
    text = (
        base.transform_calculate(at="max(datum.percent, 0)")
        .mark_text(align="left", dx=4, color=DARK)
        .encode(x="at:Q", text=alt.Text("verdict:N"))
    )
    significant = [d["type"].lower() for d in data if d["verdict"] == "Significant"]
    alt_text = f"Bar chart of the percentage change by crime type, {window}. " + (
        f"Significant changes after adjustment across the crime types: {', '.join(significant)}."
        if significant
        else "No change was significant after adjustment across the crime types."
    )
    return _Draft(
        "chart-change",
        f"Change by crime type, {window}",
        _spec(bars + text, change=data),
        alt_text,
        "changes",
    )


def month_chart(a: StrategicAssessment) -> _Draft | None:
    if not a.months:
        return None
    data = [
        {
            "month": m.month,
            "count": m.count,
            "mean": m.mean,
            "lower": m.lower_limit,
            "upper": m.upper_limit,
            "signal": (m.signal or "none").replace("-", " "),
            "rule": rule_words(m.rules),
            "median": m.median,
        }
        for m in a.months
    ]
    base = alt.Chart(alt.Data(name="months")).encode(x=alt.X("month:O", title=None))
    layers = [
        base.mark_line(color=BLUE).encode(y=alt.Y("count:Q", title="Crime (excluding ASB)")),
        base.mark_point(filled=True, size=50).encode(
            y="count:Q",
            shape=alt.Shape("signal:N", title="Point"),
            color=alt.Color("signal:N", title="Point"),
            tooltip=["month:O", "count:Q", "signal:N", alt.Tooltip("rule:N", title="Rule")],
        ),
    ]
    run = a.months[0].chart == "run"
    if run:
        layers.append(base.mark_line(color=DARK, strokeDash=[2, 2]).encode(y="median:Q"))
    if a.months[0].mean is not None:
        layers += [
            base.mark_line(color=DARK, strokeDash=[2, 2]).encode(y="mean:Q"),
            base.mark_line(color=RED, strokeDash=[6, 3]).encode(y="lower:Q"),
            base.mark_line(color=RED, strokeDash=[6, 3]).encode(y="upper:Q"),
        ]
    chart = alt.layer(*layers).properties(width=480, height=220)
    high = max(a.months, key=lambda m: m.count)
    low = min(a.months, key=lambda m: m.count)
    limits = (
        f" The limits of normal variation are {a.months[0].lower_limit:.0f} to {a.months[0].upper_limit:.0f}."
        if a.months[0].mean is not None
        else ""
    )
    if run:
        limits = (
            f" A run chart: {len(a.months)} months are too few for limits of normal variation; the dotted "
            f"line is the median, {a.months[0].median:g}."
        )
    flagged = [f"{m.month} ({rule_words(m.rules)})" for m in a.months if m.rules]
    if flagged:
        limits += f" Special-cause months and the rule that flagged each: {'; '.join(flagged)}."
    return _Draft(
        "chart-months",
        f"Crime by month, {a.period.label}",
        _spec(chart, months=data),
        f"Line chart of crime by month from {a.months[0].month} to {a.months[-1].month}; "
        f"highest {high.count:,} in {high.month}, lowest {low.count:,} in {low.month}.{limits}",
        "months",
    )


def ward_map(a: StrategicAssessment) -> _Draft | None:
    if not a.wards:
        return None
    rates = {w.ward_code: w for w in a.wards}
    geo = boundaries("ward", set(rates))
    if not geo["features"]:
        return None
    for f in geo["features"]:
        w = rates[f["properties"]["code"]]
        f["properties"].update({"rate": w.rate, "label": w.funnel})
    chart = (
        alt.Chart(alt.Data(name="wards"))
        .mark_geoshape(stroke="white", strokeWidth=0.6)
        .encode(
            color=alt.Color("properties.rate:Q", title="Per 1,000", scale=alt.Scale(scheme="blues")),
        )
        .project(type="mercator")
        .properties(width=420, height=420)
    )
    top = a.wards[0]
    return _Draft(
        "map-wards",
        f"Map of crime and ASB per 1,000 residents by ward, {a.period.label}",
        _spec(chart, wards=geo["features"]),
        f"Map of {len(geo['features'])} wards shaded by rate; darker is higher. The highest is "
        f"{top.ward_name} at {top.rate:.0f} per 1,000.",
        "wards",
    )


def treemap(a: StrategicAssessment) -> _Draft | None:
    """A treemap of crime types (a Vega spec: Vega-Lite has no treemap)."""
    data = [{"name": r.crime_type, "parent": "all", "count": r.count} for r in a.crime_types if r.count]
    if not data:
        return None
    values = [{"name": "all", "parent": None, "count": 0}] + data
    spec = {
        "$schema": "https://vega.github.io/schema/vega/v5.json",
        "width": 560,
        "height": 320,
        "config": {"text": {"font": FONT}},
        "data": [
            {
                "name": "tree",
                "values": values,
                "transform": [
                    {"type": "stratify", "key": "name", "parentKey": "parent"},
                    {
                        "type": "treemap",
                        "field": "count",
                        "sort": {"field": "value", "order": "descending"},
                        "round": True,
                        "method": "squarify",
                        "ratio": 1.6,
                        "size": [{"signal": "width"}, {"signal": "height"}],
                    },
                ],
            },
            {"name": "leaves", "source": "tree", "transform": [{"type": "filter", "expr": "datum.parent"}]},
        ],
        "marks": [
            {
                "type": "rect",
                "from": {"data": "leaves"},
                "encode": {
                    "enter": {
                        "x": {"field": "x0"},
                        "y": {"field": "y0"},
                        "x2": {"field": "x1"},
                        "y2": {"field": "y1"},
                        "fill": {"value": BLUE},
                        "stroke": {"value": "white"},
                        "strokeWidth": {"value": 2},
                    }
                },
            },
            {
                "type": "text",
                "from": {"data": "leaves"},
                "encode": {
                    "enter": {
                        "x": {"signal": "datum.x0 + 4"},
                        "y": {"signal": "datum.y0 + 14"},
                        "fill": {"value": "white"},
                        "fontSize": {"value": 11},
                        "text": {
                            "signal": "(datum.x1 - datum.x0) > 70 && (datum.y1 - datum.y0) > 30 ? "
                            "[datum.name, format(datum.count, ',')] : ''"
                        },
                    }
                },
            },
        ],
    }
    top = max(a.crime_types, key=lambda r: r.count)
    total = sum(d["count"] for d in data)
    return _Draft(
        "chart-treemap",
        f"Crime and ASB by type, as shares of the whole, {a.period.label}",
        spec,
        f"Treemap of {len(data)} crime types sized by count; {top.crime_type.lower()} is the "
        f"largest, {top.count / total * 100:.0f}% of all crime and ASB.",
        "crime-types",
        vega=True,
    )


def hundred_people(a: StrategicAssessment) -> _Draft | None:
    """'If this ward were 100 people': crime and ASB for every 100 residents of the top ward.

    Town and city centre wards (``saferplaces.assessment.places``) are left out: most people
    there are visitors, so a rate per resident would mislead.
    """
    centres = {p.ward_code for p in a.ward_profiles.profiles if p.centre} if a.ward_profiles else set()
    residential = [w for w in a.wards if w.ward_code not in centres]
    if not residential:
        return None
    ward = residential[0]
    per_100 = ward.count / ward.population * 100 if ward.population else 0
    filled = min(100, round(per_100))
    cells = [
        {"i": i, "x": i % 10, "y": i // 10, "kind": "crime or ASB" if i < filled else "none"}
        for i in range(100)
    ]
    chart = (
        alt.Chart(alt.Data(name="cells"))
        .mark_square(size=260)
        .encode(
            x=alt.X("x:O", axis=None),
            y=alt.Y("y:O", axis=None),
            color=alt.Color(
                "kind:N", scale=alt.Scale(domain=["crime or ASB", "none"], range=[DARK, GREY]), title=None
            ),
        )
        .properties(width=240, height=240)
    )
    over = f" (more than one each: {per_100:.0f} for every 100)" if per_100 > 100 else ""
    names = ", ".join(w.ward_name for w in a.wards if w.ward_code in centres)
    left_out = (
        f" Town or city centre wards ({names}) are left out, because most people there are "
        "visitors, not residents."
        if centres
        else ""
    )
    which = "the residential ward with the highest rate" if centres else "the ward with the highest rate"
    return _Draft(
        "chart-hundred",
        f"If {ward.ward_name} were 100 people",
        _spec(chart, cells=cells),
        f"Of 100 squares, {filled} are filled: for every 100 residents of {ward.ward_name}, "
        f"{which}, there were {per_100:.0f} crimes and ASB incidents in the {a.period.label}{over}."
        + left_out,
        "wards",
    )


def hotspot_map(a: StrategicAssessment) -> _Draft | None:
    """Hot squares over the ward boundaries, the busiest hotspot areas labelled with their wards."""
    if not a.hotspots or not a.hotspots.hot or not a.wards:
        return None
    h = a.hotspots
    outline = boundaries("ward", {w.ward_code for w in a.wards})["features"]
    cells = [
        {
            "type": "Feature",
            "properties": {
                "pattern": (c.pattern or "hotspot").replace("-", " ") if h.patterns_classified else "hotspot"
            },
            "geometry": {"type": "Polygon", "coordinates": [[list(p) for p in c.polygon]]},
        }
        for c in h.hot
    ]
    labelled = _map_labels(a)
    base = alt.Chart(alt.Data(name="outline")).mark_geoshape(fill="#f3f2f1", stroke=GREY, strokeWidth=0.6)
    hot = (
        alt.Chart(alt.Data(name="cells"))
        .mark_geoshape(stroke=DARK, strokeWidth=0.4)
        .encode(
            color=alt.Color("properties.pattern:N", title="Hotspot pattern", scale=alt.Scale(scheme="reds"))
        )
    )
    text = alt.Chart(alt.Data(name="labels")).encode(longitude="lon:Q", latitude="lat:Q", text="label:N")
    halo = text.mark_text(fontSize=11, fontWeight="bold", stroke="white", strokeWidth=3, align="left", dx=6)
    words = text.mark_text(fontSize=11, fontWeight="bold", color=DARK, align="left", dx=6)
    chart = alt.layer(base, hot, halo, words).project(type="mercator").properties(width=420, height=420)
    named = "; ".join(d["label"] for d in labelled)
    return _Draft(
        "map-hotspots",
        f"Map of hotspots (Gi*), {a.period.label}, labelled by ward",
        _spec(chart, outline=outline, cells=cells, labels=labelled),
        f"Map of the {len(h.hot)} hotspot grid squares over the ward boundaries"
        + (
            ", coloured by their pattern over the months"
            if h.patterns_classified
            else ", all one colour: too few months are held to show their pattern over the months"
        )
        + (f". Labelled with the hotspot areas of the table, by their main ward: {named}." if named else "."),
        "hotspots",
    )


def _map_labels(a: StrategicAssessment, most: int = 6, apart_km: float = 3.0) -> list[dict]:
    """A label for each of the busiest hotspot areas ("Area 1: Forebridge", as in its table), at
    its busiest square; an area closer than ``apart_km`` to one already labelled is not labelled."""
    out: list[dict] = []
    for cluster in a.hotspots.clusters:
        if len(out) == most or not cluster.wards:
            break
        lon, lat = cluster.centre
        near_one = any(
            math.hypot((lon - o["lon"]) * 111.3 * math.cos(math.radians(lat)), (lat - o["lat"]) * 111.3)
            < apart_km
            for o in out
        )
        if not near_one:
            out.append({"lon": lon, "lat": lat, "label": f"Area {cluster.number}: {cluster.wards[0]}"})
    return out


def priority_matrix(a: StrategicAssessment) -> _Draft | None:
    """The scoring matrix: each candidate's score from 0 to 1 on each weighted component."""
    from saferplaces.assessment.priorities import COMPONENT_NAMES

    if not a.priorities:
        return None
    used = [k for k, w in a.priority_weights.items() if w > 0]
    order = [COMPONENT_NAMES.get(k, k) for k in used] + ["Score"]
    themes = [
        f"{p.rank}. {p.theme}" + (" (catch-all)" if p.kind == "catch-all" else "") for p in a.priorities
    ]
    data = []
    for p, theme in zip(a.priorities, themes, strict=True):
        for k in used:
            value = p.components.get(k)
            data.append(
                {
                    "theme": theme,
                    "component": COMPONENT_NAMES.get(k, k),
                    "score": value,
                    "text": "n/a" if value is None else f"{value:.2f}",
                }
            )
        data.append({"theme": theme, "component": "Score", "score": p.score, "text": f"{p.score:.2f}"})
    base = alt.Chart(alt.Data(name="matrix")).encode(
        x=alt.X("component:N", sort=order, title=None, axis=alt.Axis(labelAngle=-30, orient="top")),
        y=alt.Y("theme:N", sort=themes, title=None),
    )
    cells = base.mark_rect(stroke="white").encode(
        color=alt.condition(
            "datum.score === null",
            alt.value("#f3f2f1"),
            # no legend: every cell prints its score, and the caption says dark is 1
            alt.Color("score:Q", scale=alt.Scale(domain=[0, 1], scheme="blues"), legend=None),
        )
    )
    text = base.mark_text(fontSize=10).encode(
        text="text:N",
        color=alt.condition("datum.score > 0.6", alt.value("white"), alt.value(DARK)),
    )
    chart = (cells + text).properties(width=60 * len(order), height=20 * len(themes))
    top = a.priorities[0]
    return _Draft(
        "chart-priorities",
        "Candidate priorities: the scoring matrix",
        _spec(chart, matrix=data),
        f"Grid of {len(themes)} candidate themes by {len(used)} components, shaded by score from 0 "
        f"(light) to 1 (dark), with the overall score last; n/a marks a component not assessed. "
        f"{top.theme} scores highest, {top.score:.2f}.",
        "priorities",
    )


def warm_up() -> None:
    """Start vl-convert's JavaScript engine (about half a second, once a process) with a tiny chart."""
    vl_convert.vegalite_to_svg(
        {"data": {"values": [{"x": 1}]}, "mark": "point", "encoding": {"x": {"field": "x"}}}
    )


def assessment_charts(a: StrategicAssessment) -> list[Chart]:
    """Every chart of the assessment, in reading order, drawn as SVG."""
    found = [
        d
        for d in (
            treemap(a),
            crime_type_chart(a),
            change_chart(a),
            month_chart(a),
            ward_map(a),
            hundred_people(a),
            hotspot_map(a),
            priority_matrix(a),
        )
        if d is not None
    ]
    # one after another: vl-convert keeps Python's interpreter lock while it draws, so threads
    # (used here before) drew no faster (issue #9)
    return [_draw(d) for d in found]
