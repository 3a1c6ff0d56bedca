"""Charts and maps for reports: Altair (Vega-Lite) rendered to SVG offline with vl-convert.

Every chart has a text alternative and names the table that holds its data.
Maps draw boundaries only (no tile servers).
"""

from __future__ import annotations

from dataclasses import dataclass

import altair as alt
import vl_convert

from saferplaces.assessment.model import StrategicAssessment
from saferplaces.data.reference import boundaries

FONT = "Liberation Sans, Arial, sans-serif"
BLUE, DARK, GREY, RED = "#1d70b8", "#0b0c0c", "#b1b4b6", "#d4351c"


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    svg: str
    alt: str
    table: str


def _svg(chart: alt.TopLevelMixin) -> str:
    spec = chart.configure(font=FONT).configure_view(stroke=None).to_dict()
    return vl_convert.vegalite_to_svg(spec)


def crime_type_chart(a: StrategicAssessment) -> Chart | None:
    data = [{"type": r.crime_type, "count": r.count} for r in a.crime_types if r.count]
    if not data:
        return None
    chart = alt.Chart(alt.Data(values=data)).mark_bar(color=BLUE).encode(
        y=alt.Y("type:N", sort="-x", title=None),
        x=alt.X("count:Q", title="Count"),
    ).properties(width=420, height=18 * len(data))
    labels = chart.mark_text(align="left", dx=3, color=DARK).encode(text=alt.Text("count:Q", format=","))
    top = max(a.crime_types, key=lambda r: r.count)
    return Chart("chart-crime-types", "Crime and ASB by type", _svg(chart + labels),
                 f"Bar chart of {len(data)} crime types by count. The largest is "
                 f"{top.crime_type.lower()} with {top.count:,}.", "crime-types")


def change_chart(a: StrategicAssessment) -> Chart | None:
    data = [{"type": r.crime_type, "percent": r.change_percent,
             "verdict": "Significant" if r.change in ("increase", "decrease") else "Not significant"}
            for r in a.crime_types if r.change_percent is not None]
    if not data:
        return None
    base = alt.Chart(alt.Data(values=data)).encode(y=alt.Y("type:N", sort="-x", title=None))
    bars = base.mark_bar().encode(
        x=alt.X("percent:Q", title="Change on the same months a year earlier (%)"),
        color=alt.Color("verdict:N", scale=alt.Scale(domain=["Significant", "Not significant"],
                                                      range=[DARK, GREY]), title="Change"),
    ).properties(width=420, height=18 * len(data))
    # the label sits right of the bar, or right of zero for a fall, so it never covers a bar
    text = base.transform_calculate(at="max(datum.percent, 0)").mark_text(
        align="left", dx=4, color=DARK).encode(x="at:Q", text=alt.Text("verdict:N"))
    significant = [d["type"].lower() for d in data if d["verdict"] == "Significant"]
    alt_text = ("Bar chart of the percentage change by crime type on the same months a year earlier. "
                + (f"Significant changes: {', '.join(significant)}." if significant
                   else "No change was significant."))
    return Chart("chart-change", "Change by crime type", _svg(bars + text), alt_text, "crime-types")


def month_chart(a: StrategicAssessment) -> Chart | None:
    if not a.months:
        return None
    data = [{"month": m.month, "count": m.count, "mean": m.mean, "lower": m.lower_limit,
             "upper": m.upper_limit, "signal": (m.signal or "none").replace("-", " ")} for m in a.months]
    base = alt.Chart(alt.Data(values=data)).encode(x=alt.X("month:O", title=None))
    layers = [base.mark_line(color=BLUE).encode(y=alt.Y("count:Q", title="Crime (excluding ASB)")),
              base.mark_point(filled=True, size=50).encode(
                  y="count:Q", shape=alt.Shape("signal:N", title="Point"),
                  color=alt.Color("signal:N", title="Point"))]
    if a.months[0].mean is not None:
        layers += [base.mark_line(color=DARK, strokeDash=[2, 2]).encode(y="mean:Q"),
                   base.mark_line(color=RED, strokeDash=[6, 3]).encode(y="lower:Q"),
                   base.mark_line(color=RED, strokeDash=[6, 3]).encode(y="upper:Q")]
    chart = alt.layer(*layers).properties(width=480, height=220)
    high = max(a.months, key=lambda m: m.count)
    low = min(a.months, key=lambda m: m.count)
    limits = (f" The limits of normal variation are {a.months[0].lower_limit:.0f} to "
              f"{a.months[0].upper_limit:.0f}." if a.months[0].mean is not None else "")
    return Chart("chart-months", "Crime by month", _svg(chart),
                 f"Line chart of crime by month from {a.months[0].month} to {a.months[-1].month}; "
                 f"highest {high.count:,} in {high.month}, lowest {low.count:,} in {low.month}.{limits}",
                 "months")


def ward_map(a: StrategicAssessment) -> Chart | None:
    if not a.wards:
        return None
    rates = {w.ward_code: w for w in a.wards}
    geo = boundaries("ward", set(rates))
    if not geo["features"]:
        return None
    for f in geo["features"]:
        w = rates[f["properties"]["code"]]
        f["properties"].update({"rate": w.rate, "label": w.funnel})
    chart = alt.Chart(alt.Data(values=geo["features"])).mark_geoshape(stroke="white", strokeWidth=0.6
                                                                      ).encode(
        color=alt.Color("properties.rate:Q", title="Per 1,000", scale=alt.Scale(scheme="blues")),
    ).project(type="mercator").properties(width=420, height=420)
    top = a.wards[0]
    return Chart("map-wards", "Map of crime and ASB per 1,000 residents by ward", _svg(chart),
                 f"Map of {len(geo['features'])} wards shaded by rate; darker is higher. The highest is "
                 f"{top.ward_name} at {top.rate:.0f} per 1,000.", "wards")


def hotspot_map(a: StrategicAssessment) -> Chart | None:
    if not a.hotspots or not a.hotspots.hot or not a.wards:
        return None
    outline = boundaries("ward", {w.ward_code for w in a.wards})["features"]
    cells = [{"type": "Feature", "properties": {"pattern": (c.pattern or "hotspot").replace("-", " ")},
              "geometry": {"type": "Polygon", "coordinates": [[list(p) for p in c.polygon]]}}
             for c in a.hotspots.hot]
    base = alt.Chart(alt.Data(values=outline)).mark_geoshape(fill="#f3f2f1", stroke=GREY, strokeWidth=0.6)
    hot = alt.Chart(alt.Data(values=cells)).mark_geoshape(stroke=DARK, strokeWidth=0.4).encode(
        color=alt.Color("properties.pattern:N", title="Hotspot pattern",
                        scale=alt.Scale(scheme="reds")))
    chart = alt.layer(base, hot).project(type="mercator").properties(width=420, height=420)
    return Chart("map-hotspots", "Map of hotspots (Gi*)", _svg(chart),
                 f"Map of the {len(a.hotspots.hot)} hotspot grid squares over the ward boundaries, coloured "
                 "by their pattern over the months.", "hotspots")


def assessment_charts(a: StrategicAssessment) -> list[Chart]:
    """Every chart of the assessment, in reading order."""
    found = (crime_type_chart(a), change_chart(a), month_chart(a), ward_map(a), hotspot_map(a))
    return [c for c in found if c is not None]
