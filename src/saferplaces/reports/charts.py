"""The assessment's charts and maps, drawn as plain SVG in Python (ADR 0028).

Every chart has a text alternative and names the table that holds its data. Maps draw
boundaries only (no tile servers). The parts (axes, marks, legends, the map projection) are in
``reports.svg_kit``; nothing here loads a chart library or a JavaScript engine, so the eight
charts draw in milliseconds (issue #9).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from saferplaces.assessment.model import StrategicAssessment
from saferplaces.data.periods import month_label
from saferplaces.data.reference import boundaries
from saferplaces.reports.drawn_charts import THREADS, Chart, chart_pngs
from saferplaces.reports.svg_kit import (
    BLUE,
    BLUES,
    DARK,
    FONT,
    GREEN,
    GREY,
    LIGHT,
    ORANGE,
    RED,
    REDS,
    Projection,
    esc,
    fit,
    legend_row,
    line,
    marker,
    nice_ticks,
    polyline,
    rect,
    rings,
    shade,
    svg,
    text,
    text_width,
    tick_label,
)
from saferplaces.stats.labels import ChangeLabel, rule_words
from saferplaces.wording import in_window

__all__ = ["BLUE", "DARK", "FONT", "GREY", "RED", "THREADS", "Chart", "assessment_charts", "chart_pngs"]

ROW = 18  # height of a bar's row


def _x_axis(x0: float, y: float, ticks: Sequence[float], at, title: str, centre: float) -> list[str]:
    """A bottom axis: a rule, ticks with labels, and a title under them."""
    out = [line(at(ticks[0]), y, at(ticks[-1]), y, GREY)]
    for t in ticks:
        out += [line(at(t), y, at(t), y + 4, GREY), text(at(t), y + 15, tick_label(t), anchor="middle")]
    out.append(text(centre, y + 32, title, bold=True, anchor="middle"))
    return out


def crime_type_chart(a: StrategicAssessment) -> Chart | None:
    rows = sorted((r for r in a.crime_types if r.count), key=lambda r: -r.count)
    if not rows:
        return None
    left = 8 + max(text_width(r.crime_type) for r in rows)
    plot = 420.0
    ticks = nice_ticks(0, max(r.count for r in rows))

    def at(v: float) -> float:
        return left + v / ticks[-1] * plot

    body: list[str] = []
    for i, r in enumerate(rows):
        y = i * ROW
        body += [
            text(left - 6, y + 13, r.crime_type, anchor="end"),
            rect(left, y + 2, at(r.count) - left, ROW - 4, BLUE, title=f"{r.crime_type}: {r.count:,}"),
            text(at(r.count) + 3, y + 13, f"{r.count:,}"),
        ]
    bottom = len(rows) * ROW
    body += _x_axis(left, bottom, ticks, at, "Count", left + plot / 2)
    top = max(a.crime_types, key=lambda r: r.count)
    return Chart(
        "chart-crime-types",
        f"Crime and ASB by type, {a.period.label}",
        svg(left + plot + 50, bottom + 40, body),
        f"Bar chart of {len(rows)} crime types by count. The largest is "
        f"{top.crime_type.lower()} with {top.count:,}.",
        "crime-types",
    )


VERDICTS = {
    "Significant": DARK,
    "Not significant": GREY,
    "Not counted (possible break in series)": RED,
}


def change_chart(a: StrategicAssessment) -> Chart | None:
    data = [
        (
            r.crime_type,
            r.change_percent,
            "Not counted (possible break in series)"
            if r.series_break
            else "Significant"
            if r.change in (ChangeLabel.INCREASE, ChangeLabel.DECREASE)
            else "Not significant",
        )
        for r in a.crime_types
        if r.change_percent is not None
    ]
    window = f"{a.period.change_months} against {a.period.change_base}"
    if not data:
        return None
    data.sort(key=lambda d: -d[1])
    left = 8 + max(text_width(d[0]) for d in data)
    plot = 420.0
    ticks = nice_ticks(min(0.0, *(d[1] for d in data)), max(0.0, *(d[1] for d in data)))
    span = ticks[-1] - ticks[0]

    def at(v: float) -> float:
        return left + (v - ticks[0]) / span * plot

    body: list[str] = [line(at(0), 0, at(0), len(data) * ROW, GREY)]
    for i, (name, percent, verdict) in enumerate(data):
        y = i * ROW
        x0, x1 = sorted((at(0), at(percent)))
        body += [
            text(left - 6, y + 13, name, anchor="end"),
            rect(
                x0, y + 2, x1 - x0, ROW - 4, VERDICTS[verdict], title=f"{name}: {percent:+.0f}% ({verdict})"
            ),
            # the label sits right of the bar, or right of zero for a fall, so it never covers a bar
            text(at(max(percent, 0)) + 4, y + 13, verdict),
        ]
    bottom = len(data) * ROW
    body += _x_axis(left, bottom, ticks, at, f"Change, {window} (%)", left + plot / 2)
    # the legend names only the verdicts some bar has: a key to a colour no bar wears misleads
    shown = {d[2] for d in data}
    legend, below = legend_row(left, bottom + 58, [(c, v) for v, c in VERDICTS.items() if v in shown])
    body = [text(left, bottom + 44, "Change", bold=True), *legend, *body]
    significant = [d[0].lower() for d in data if d[2] == "Significant"]
    alt_text = f"Bar chart of the percentage change by crime type, {window}. " + (
        f"Significant changes after adjustment across the crime types: {', '.join(significant)}."
        if significant
        else "No change was significant after adjustment across the crime types."
    )
    width = max(left + plot + 8 + max(text_width(d[2]) for d in data), left + text_width(window) + 200)
    return Chart(
        "chart-change",
        f"Change by crime type, {window}",
        svg(width, below, body),
        alt_text,
        "changes",
    )


# the shape and colour of each kind of month on the XmR chart
POINTS = {
    "common cause": ("circle", BLUE),
    "concern": ("diamond", RED),
    "improvement": ("triangle", GREEN),
    "neutral": ("square", ORANGE),
    "none": ("circle", BLUE),
}


def month_chart(a: StrategicAssessment) -> Chart | None:
    if not a.months:
        return None
    months = a.months
    left, top, plot_w, plot_h = 56.0, 10.0, 480.0, 220.0
    run = months[0].chart == "run"
    xmr = months[0].mean is not None
    values = [m.count for m in months]
    if xmr:
        values += [v for m in months for v in (m.upper_limit, m.lower_limit) if v is not None]
    if run and months[0].median is not None:
        values.append(months[0].median)
    ticks = nice_ticks(min(0.0, *values), max(values))
    step = plot_w / len(months)

    def x(i: int) -> float:
        return left + step * (i + 0.5)

    def y(v: float) -> float:
        return top + plot_h - (v - ticks[0]) / (ticks[-1] - ticks[0]) * plot_h

    body: list[str] = []
    for t in ticks:
        body += [
            line(left, y(t), left + plot_w, y(t), LIGHT),
            text(left - 6, y(t) + 4, tick_label(t), anchor="end"),
        ]
    body.append(text(14, top + plot_h / 2, "Crime (excluding ASB)", bold=True, anchor="middle", rotate=-90))
    label_every = max(1, math.ceil(len(months) / 24))
    for i, m in enumerate(months):
        if i % label_every == 0:
            body.append(text(x(i) + 4, top + plot_h + 8, m.month, anchor="end", rotate=-45))
    lines = [("line:" + BLUE + ":", "Count")]
    if run and months[0].median is not None:
        body.append(polyline([(x(i), y(m.median)) for i, m in enumerate(months)], DARK, dash="2 2"))
        lines.append(("line:" + DARK + ":2 2", f"Median ({months[0].median:g})"))
    if xmr:
        for series, colour, dash in (
            ("mean", DARK, "2 2"),
            ("lower_limit", RED, "6 3"),
            ("upper_limit", RED, "6 3"),
        ):
            pts = [
                (x(i), y(getattr(m, series))) for i, m in enumerate(months) if getattr(m, series) is not None
            ]
            if pts:
                body.append(polyline(pts, colour, dash=dash, width=1.5))
        lines += [("line:" + DARK + ":2 2", "Mean"), ("line:" + RED + ":6 3", "Limits of normal variation")]
    body.append(polyline([(x(i), y(m.count)) for i, m in enumerate(months)], BLUE))
    kinds: dict[str, None] = {}
    for i, m in enumerate(months):
        kind = (m.signal or "none").replace("-", " ")
        kinds[kind] = None
        shape, colour = POINTS.get(kind, POINTS["neutral"])
        rule = f"; rule: {rule_words(m.rules)}" if m.rules else ""
        body.append(marker(shape, x(i), y(m.count), colour, title=f"{m.month}: {m.count:,} ({kind}){rule}"))
        if m.rules and sum(1 for o in months if o.rules) <= 6:  # more would crowd the line
            body.append(text(x(i), y(m.count) - 9, m.month, anchor="middle", size=9, bold=True, halo=True))
    # the legends under the chart: the lines, the kinds of point, and the rule behind each flag
    legend_top = top + plot_h + 62
    drawn, below = legend_row(left, legend_top + 14, lines)
    body += [text(left, legend_top, "Lines", bold=True), *drawn]
    points = [
        (f"mark:{POINTS.get(k, POINTS['neutral'])[0]}:{POINTS.get(k, POINTS['neutral'])[1]}", k)
        for k in kinds
    ]
    drawn, below2 = legend_row(left + 260, legend_top + 14, points)
    body += [text(left + 260, legend_top, "Point", bold=True), *drawn]
    below = max(below, below2)
    flagged = [m for m in months if m.rules]
    if flagged:
        body.append(text(left, below + 6, "Rule that flagged each special-cause month", bold=True))
        below += 20
        for first, last, words in _runs(months):
            span = first if first == last else f"{first} to {last}"
            body.append(text(left, below + 4, f"{span}: {words}"))
            below += 14
    high = max(months, key=lambda m: m.count)
    low = min(months, key=lambda m: m.count)
    limits = (
        f" The limits of normal variation are {months[0].lower_limit:.0f} to {months[0].upper_limit:.0f}."
        if xmr
        else ""
    )
    if run:
        limits = (
            f" A run chart: {len(months)} months are too few for limits of normal variation; the dotted "
            f"line is the median, {months[0].median:g}."
        )
    named = [f"{month_label(m.month)} ({rule_words(m.rules)})" for m in flagged]
    if named:
        limits += f" Special-cause months and the rule that flagged each: {'; '.join(named)}."
    return Chart(
        "chart-months",
        f"Crime by month, {a.period.label}",
        svg(left + plot_w + 20, below + 4, body),
        f"Line chart of crime by month from {month_label(months[0].month)} to "
        f"{month_label(months[-1].month)}; highest {high.count:,} in {month_label(high.month)}, lowest "
        f"{low.count:,} in {month_label(low.month)}.{limits}",
        "months",
    )


def _runs(months: Sequence) -> list[tuple[str, str, str]]:
    """Flagged months as (first, last, rule in words), a run of next months flagged by the same
    rules kept as one, so that a shift of twelve months is one line of the legend."""
    out: list[list[str]] = []
    last_i = -2
    for i, m in enumerate(months):
        if not m.rules:
            continue
        words = rule_words(m.rules)
        if out and i == last_i + 1 and out[-1][2] == words:
            out[-1][1] = m.month
        else:
            out.append([m.month, m.month, words])
        last_i = i
    return [(a, b, w) for a, b, w in out]


def _scale_legend(
    x: float, y: float, title: str, low: float, high: float, scheme: Sequence[str]
) -> list[str]:
    """A stepped legend for a continuous colour scale: five swatches from ``low`` to ``high``."""
    out = [text(x, y, title, bold=True)]
    for k in range(5):
        value = low + (high - low) * k / 4
        out += [
            rect(x, y + 8 + k * 16, 16, 14, shade(scheme, 0.1 + 0.9 * k / 4), stroke=GREY),
            text(x + 22, y + 19 + k * 16, f"{value:,.0f}"),
        ]
    return out


def ward_map(a: StrategicAssessment) -> Chart | None:
    if not a.wards:
        return None
    rates = {w.ward_code: w for w in a.wards}
    features = [f for f in boundaries("ward", set(rates))["features"] if rings(f["geometry"])]
    if not features:
        return None
    proj = Projection.fit([pt for f in features for ring in rings(f["geometry"]) for pt in ring], 420)
    drawn = [rates[f["properties"]["code"]].rate for f in features]
    low, high = min(drawn), max(drawn)
    body = []
    for f in sorted(features, key=lambda f: f["properties"]["code"]):
        w = rates[f["properties"]["code"]]
        colour = shade(BLUES, 0.1 + 0.9 * (w.rate - low) / (high - low) if high > low else 0.5)
        body.append(
            f'<path d="{proj.path(rings(f["geometry"]), step=1)}" fill="{colour}" '
            'stroke="white" stroke-width="0.6">'
            f"<title>{esc(f'{w.ward_name}: {w.rate:,.0f} per 1,000 ({w.funnel})')}</title></path>"
        )
    body += _scale_legend(436, 14, "Per 1,000", low, high, BLUES)
    top = a.wards[0]
    return Chart(
        "map-wards",
        f"Map of crime and ASB per 1,000 residents by ward, {a.period.label}",
        svg(520, proj.height, body),
        f"Map of {len(features)} wards shaded by rate; darker is higher. The highest is "
        f"{top.ward_name} at {top.rate:.0f} per 1,000.",
        "wards",
    )


def _squarify(values: Sequence[float], x: float, y: float, w: float, h: float) -> list[tuple[float, ...]]:
    """Rectangles with areas in proportion to ``values`` (largest first), near square
    (the squarified treemap of Bruls, Huizing and van Wijk, 2000)."""
    total = sum(values)
    areas = [v / total * w * h for v in values]
    out: list[tuple[float, ...]] = []

    def worst(row: list[float], side: float) -> float:
        s = sum(row)
        return max(max(side * side * r / (s * s), s * s / (side * side * r)) for r in row)

    while areas:
        side = min(w, h)
        row = [areas[0]]
        while len(row) < len(areas) and worst([*row, areas[len(row)]], side) <= worst(row, side):
            row.append(areas[len(row)])
        areas = areas[len(row) :]
        s = sum(row)
        if w >= h:  # a column down the left
            cw = s / h if h else 0
            yy = y
            for r in row:
                out.append((x, yy, cw, r / cw if cw else 0))
                yy += r / cw if cw else 0
            x, w = x + cw, w - cw
        else:  # a row along the top
            rh = s / w if w else 0
            xx = x
            for r in row:
                out.append((xx, y, r / rh if rh else 0, rh))
                xx += r / rh if rh else 0
            y, h = y + rh, h - rh
    return out


def treemap(a: StrategicAssessment) -> Chart | None:
    """A treemap of crime types: each type's area in proportion to its count."""
    rows = sorted((r for r in a.crime_types if r.count), key=lambda r: -r.count)
    if not rows:
        return None
    body = []
    for r, (x, y, w, h) in zip(rows, _squarify([r.count for r in rows], 0, 0, 560, 320), strict=True):
        body.append(rect(x, y, w, h, BLUE, stroke="white", title=f"{r.crime_type}: {r.count:,}"))
        if w > 70 and h > 30:
            body += [
                text(x + 4, y + 14, fit(r.crime_type, w - 8), fill="white"),
                text(x + 4, y + 27, f"{r.count:,}", fill="white"),
            ]
    top = rows[0]
    total = sum(r.count for r in rows)
    return Chart(
        "chart-treemap",
        f"Crime and ASB by type, as shares of the whole, {a.period.label}",
        svg(560, 320, body),
        f"Treemap of {len(rows)} crime types sized by count; {top.crime_type.lower()} is the "
        f"largest, {top.count / total * 100:.0f}% of all crime and ASB.",
        "crime-types",
    )


def hundred_people(a: StrategicAssessment) -> Chart | None:
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
    body = [
        rect(4 + (i % 10) * 24, 4 + (i // 10) * 24, 16, 16, DARK if i < filled else GREY) for i in range(100)
    ]
    legend, _ = legend_row(256, 20, [(DARK, "crime or ASB"), (GREY, "none")])
    body += legend
    over = f" (more than one each: {per_100:.0f} for every 100)" if per_100 > 100 else ""
    names = ", ".join(w.ward_name for w in a.wards if w.ward_code in centres)
    left_out = (
        f" Town or city centre wards ({names}) are left out, because most people there are "
        "visitors, not residents."
        if centres
        else ""
    )
    which = "the residential ward with the highest rate" if centres else "the ward with the highest rate"
    return Chart(
        "chart-hundred",
        f"If {ward.ward_name} were 100 people",
        svg(350, 244, body),
        f"Of 100 squares, {filled} are filled: for every 100 residents of {ward.ward_name}, "
        f"{which}, there were {per_100:.0f} crimes and ASB incidents {in_window(a.period.label)}{over}."
        + left_out,
        "wards",
    )


def hotspot_map(a: StrategicAssessment) -> Chart | None:
    """Hot squares over the ward boundaries, the busiest hotspot areas labelled with their wards."""
    if not a.hotspots or not a.hotspots.hot or not a.wards:
        return None
    h = a.hotspots
    outline = [
        f for f in boundaries("ward", {w.ward_code for w in a.wards})["features"] if rings(f["geometry"])
    ]

    def pattern(c) -> str:
        return (c.pattern or "hotspot").replace("-", " ") if h.patterns_classified else "hotspot"

    points = [pt for f in outline for ring in rings(f["geometry"]) for pt in ring]
    points += [pt for c in h.hot for pt in c.polygon]
    proj = Projection.fit(points, 420)
    kinds = sorted({pattern(c) for c in h.hot})
    colours = {k: shade(REDS, 0.45 + 0.5 * i / max(1, len(kinds) - 1)) for i, k in enumerate(kinds)}
    wards = " ".join(proj.path(rings(f["geometry"]), step=1) for f in outline)
    body = [f'<path d="{wards}" fill="{LIGHT}" stroke="{GREY}" stroke-width="0.6"/>']
    for k in kinds:  # one path a pattern: the squares are many and alike
        d = " ".join(proj.path([c.polygon]) for c in h.hot if pattern(c) == k)
        body.append(f'<path d="{d}" fill="{colours[k]}" stroke="{DARK}" stroke-width="0.4"/>')
    labelled = _map_labels(a)
    for d in labelled:
        x, y = proj.xy((d["lon"], d["lat"]))
        body.append(text(x + 6, y + 4, d["label"], bold=True, halo=True))
    legend, _ = legend_row(436, 32, [(colours[k], k) for k in kinds])
    body += [text(436, 14, "Hotspot pattern", bold=True), *legend]
    named = "; ".join(d["label"] for d in labelled)
    return Chart(
        "map-hotspots",
        f"Map of hotspots (Gi*), {a.period.label}, labelled by ward",
        svg(560, proj.height, body),
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


def priority_matrix(a: StrategicAssessment) -> Chart | None:
    """The scoring matrix: each candidate's score from 0 to 1 on each weighted component."""
    from saferplaces.assessment.priorities import COMPONENT_NAMES

    if not a.priorities:
        return None
    used = [k for k, w in a.priority_weights.items() if w > 0]
    order = [COMPONENT_NAMES.get(k, k) for k in used] + ["Score"]
    themes = [
        f"{p.rank}. {p.theme}" + (" (catch-all)" if p.kind == "catch-all" else "") for p in a.priorities
    ]
    left = 8 + max(text_width(t) for t in themes)
    head = 12 + max(text_width(c) for c in order) * 0.55  # the column names, turned 30 degrees
    cell_w, cell_h = 60.0, 20.0
    body: list[str] = []
    for j, name in enumerate(order):
        cx = left + j * cell_w + cell_w / 2
        body.append(text(cx - 12, head - 4, name, rotate=-30))
    for i, (p, theme) in enumerate(zip(a.priorities, themes, strict=True)):
        y = head + i * cell_h
        body.append(text(left - 6, y + 14, theme, anchor="end"))
        scores = [p.components.get(k) for k in used] + [p.score]
        for j, score in enumerate(scores):
            x = left + j * cell_w
            # no legend: every cell prints its score, and the caption says dark is 1
            fill = LIGHT if score is None else shade(BLUES, score)
            body.append(rect(x, y, cell_w, cell_h, fill, stroke="white"))
            body.append(
                text(
                    x + cell_w / 2,
                    y + 14,
                    "n/a" if score is None else f"{score:.2f}",
                    size=10,
                    anchor="middle",
                    fill="white" if score is not None and score > 0.6 else DARK,
                )
            )
    top = a.priorities[0]
    return Chart(
        "chart-priorities",
        "Candidate priorities: the scoring matrix",
        svg(
            left + cell_w * len(order) + 0.87 * text_width(order[-2] if len(order) > 1 else order[-1]),
            head + cell_h * len(themes) + 4,
            body,
        ),
        f"Grid of {len(themes)} candidate themes by {len(used)} components, shaded by score from 0 "
        f"(light) to 1 (dark), with the overall score last; n/a marks a component not assessed. "
        f"{top.theme} scores highest, {top.score:.2f}.",
        "priorities",
    )


def assessment_charts(a: StrategicAssessment) -> list[Chart]:
    """Every chart of the assessment, in reading order, drawn as SVG (a few milliseconds each)."""
    drawn = (
        treemap(a),
        crime_type_chart(a),
        change_chart(a),
        month_chart(a),
        ward_map(a),
        hundred_people(a),
        hotspot_map(a),
        priority_matrix(a),
    )
    return [c for c in drawn if c is not None]
