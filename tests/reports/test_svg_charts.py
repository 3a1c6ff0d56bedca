"""The assessment's charts drawn as plain SVG (ADR 0028, issue #9).

Each chart is parsed as XML and its marks measured: one mark per data row, sizes and positions
in proportion to the assessment's own figures (worked out here from the rows, not read back
from the chart code), hostile names kept as text, and no inline style (the web pages' CSP).
"""

from __future__ import annotations

import dataclasses
import re
import xml.etree.ElementTree as ET

import pytest

from saferplaces.assessment.build import build_assessment
from saferplaces.reports import charts as C
from saferplaces.stats.labels import ChangeLabel

NS = "{http://www.w3.org/2000/svg}"
HOSTILE = "<script>alert('x')</script> & \"Q\""


@pytest.fixture(scope="module")
def stafford(bundled_store):
    return build_assessment(bundled_store, "Stafford", "2025")


def _root(chart) -> ET.Element:
    return ET.fromstring(chart.svg)


def _titled(root: ET.Element, tag: str) -> dict[str, ET.Element]:
    """Marks of ``tag`` that carry a ``<title>``, by the title's text."""
    return {
        el.find(f"{NS}title").text: el for el in root.iter(f"{NS}{tag}") if el.find(f"{NS}title") is not None
    }


def _words(root: ET.Element) -> list[str]:
    return [t.text for t in root.iter(f"{NS}text")]


def test_every_chart_is_well_formed_sized_and_free_of_style_and_script(stafford):
    drawn = C.assessment_charts(stafford)
    assert [c.id for c in drawn] == [
        "chart-treemap",
        "chart-crime-types",
        "chart-change",
        "chart-months",
        "map-wards",
        "chart-hundred",
        "map-hotspots",
        "chart-priorities",
    ]
    for c in drawn:
        root = _root(c)
        width, height = float(root.get("width")), float(root.get("height"))
        assert root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"
        assert 200 < width < 800 and 100 < height < 800, c.id
        assert "style" not in c.svg and "<script" not in c.svg, c.id
        assert all(t.get("fill") for t in root.iter(f"{NS}text")), c.id  # text stays text
        # coordinates carry at most one decimal
        geometry = re.findall(r' (?:x|y|x1|y1|x2|y2|cx|cy|r|width|height|d|points)="([^"]*)"', c.svg)
        assert geometry and not any(re.search(r"\d\.\d\d", g) for g in geometry), c.id
        assert len(c.svg) < 50_000, c.id


def test_crime_type_bars_are_as_long_as_their_counts(stafford):
    rows = [r for r in stafford.crime_types if r.count]
    bars = _titled(_root(C.crime_type_chart(stafford)), "rect")
    assert len(bars) == len(rows)
    widths = {r.crime_type: float(bars[f"{r.crime_type}: {r.count:,}"].get("width")) for r in rows}
    biggest = max(rows, key=lambda r: r.count)
    for r in rows:
        assert widths[r.crime_type] / widths[biggest.crime_type] == pytest.approx(
            r.count / biggest.count, abs=0.002
        )
    # the largest bar comes first (highest on the chart)
    ys = {r.crime_type: float(bars[f"{r.crime_type}: {r.count:,}"].get("y")) for r in rows}
    assert min(ys, key=ys.get) == biggest.crime_type


def test_change_bars_run_from_zero_and_are_coloured_by_the_verdict(stafford):
    rows = [r for r in stafford.crime_types if r.change_percent is not None]
    root = _root(C.change_chart(stafford))
    bars = {title.split(":")[0]: el for title, el in _titled(root, "rect").items()}
    assert len(bars) == len(rows)
    big = max(rows, key=lambda r: abs(r.change_percent))
    for r in rows:
        bar = bars[r.crime_type]
        ratio = float(bar.get("width")) / float(bars[big.crime_type].get("width"))
        assert ratio == pytest.approx(abs(r.change_percent) / abs(big.change_percent), abs=0.003)
        colour = (
            "#d4351c"
            if r.series_break
            else "#0b0c0c"
            if r.change in (ChangeLabel.INCREASE, ChangeLabel.DECREASE)
            else "#b1b4b6"
        )
        assert bar.get("fill") == colour
    # a rise starts where a fall ends: at zero
    rises = [bars[r.crime_type] for r in rows if r.change_percent > 0]
    falls = [bars[r.crime_type] for r in rows if r.change_percent < 0]
    if rises and falls:
        zero = float(rises[0].get("x"))
        assert all(float(b.get("x")) == zero for b in rises)
        assert all(float(b.get("x")) + float(b.get("width")) == pytest.approx(zero, abs=0.15) for b in falls)
    # the legend keys only the colours some bar wears
    worn = {bar.get("fill") for bar in bars.values()}
    keys = [el.get("fill") for el in root.iter(f"{NS}rect") if el.find(f"{NS}title") is None]
    assert sorted(keys) == sorted(worn)
    assert "Change" in _words(root)


def test_the_change_legend_never_keys_a_verdict_no_bar_has(stafford):
    calm = dataclasses.replace(
        stafford,
        crime_types=[
            dataclasses.replace(r, change=ChangeLabel.NO_SIGNIFICANT_CHANGE, series_break=False)
            for r in stafford.crime_types
        ],
    )
    words = _words(_root(C.change_chart(calm)))
    assert "Not significant" in words
    assert "Significant" not in words and "Not counted (possible break in series)" not in words


def test_treemap_areas_are_shares_of_the_whole(stafford):
    rows = [r for r in stafford.crime_types if r.count]
    cells = _titled(_root(C.treemap(stafford)), "rect")
    assert len(cells) == len(rows)
    total = sum(r.count for r in rows)
    for r in rows:
        cell = cells[f"{r.crime_type}: {r.count:,}"]
        area = float(cell.get("width")) * float(cell.get("height"))
        # within the rounding of each side to 0.1 px
        assert area / (560 * 320) == pytest.approx(r.count / total, abs=0.002)


def test_month_points_sit_at_their_counts_with_the_limits_drawn(stafford):
    months = stafford.months
    root = _root(C.month_chart(stafford))
    points = [
        el for el in root if el.tag in (f"{NS}circle", f"{NS}polygon") and el.find(f"{NS}title") is not None
    ]
    assert len(points) == len(months)
    ys = [float(p.get("cy") or p.get("points").split()[0].split(",")[1]) for p in points]
    first, last = (
        min(range(len(months)), key=lambda i: months[i].count),
        max(range(len(months)), key=lambda i: months[i].count),
    )
    per_crime = (ys[first] - ys[last]) / (months[last].count - months[first].count)
    for m, y in zip(months, ys, strict=True):
        if points[months.index(m)].tag == f"{NS}circle":
            assert ys[first] - y == pytest.approx((m.count - months[first].count) * per_crime, abs=0.2)
    # the mean and both limits, flat lines at their own heights
    lines = [el for el in root.iter(f"{NS}polyline") if el.get("stroke-dasharray")]
    heights = sorted({float(el.get("points").split()[0].split(",")[1]) for el in lines})
    m0 = months[0]
    expected = sorted(
        ys[first] - (v - months[first].count) * per_crime for v in (m0.upper_limit, m0.mean, m0.lower_limit)
    )
    assert heights == pytest.approx(expected, abs=0.2)
    assert "Limits of normal variation" in _words(root)


def test_ward_map_is_darker_where_the_rate_is_higher(stafford):
    root = _root(C.ward_map(stafford))
    paths = _titled(root, "path")
    assert len(paths) == len(stafford.wards)

    def darkness(colour: str) -> int:
        return -sum(int(colour[k : k + 2], 16) for k in (1, 3, 5))

    by_rate = sorted(stafford.wards, key=lambda w: w.rate)
    shades = [
        darkness(paths[f"{w.ward_name}: {w.rate:,.0f} per 1,000 ({w.funnel})"].get("fill")) for w in by_rate
    ]
    assert shades == sorted(shades)
    assert "Per 1,000" in _words(root)


def test_hundred_squares_fill_as_many_as_crimes_per_hundred_residents(stafford):
    centres = {p.ward_code for p in stafford.ward_profiles.profiles if p.centre}
    ward = next(w for w in stafford.wards if w.ward_code not in centres)
    root = _root(C.hundred_people(stafford))
    squares = [r for r in root.iter(f"{NS}rect") if r.get("width") == r.get("height") == "16"]
    assert len(squares) == 100
    assert sum(r.get("fill") == "#0b0c0c" for r in squares) == min(
        100, round(ward.count / ward.population * 100)
    )


def test_hotspot_map_draws_each_hot_square_and_labels_the_busiest_areas(stafford):
    h = stafford.hotspots
    root = _root(C.hotspot_map(stafford))
    squares = sum(p.get("d").count("M") for p in root.iter(f"{NS}path") if p.get("stroke") == "#0b0c0c")
    assert squares == len(h.hot)
    words = _words(root)
    first = h.clusters[0]
    assert f"Area {first.number}: {first.wards[0]}" in words
    patterns = {(c.pattern or "hotspot").replace("-", " ") for c in h.hot}
    assert "Hotspot pattern" in words and patterns <= set(words)


def test_priority_matrix_prints_every_score_in_its_cell(stafford):
    used = [k for k, w in stafford.priority_weights.items() if w > 0]
    root = _root(C.priority_matrix(stafford))
    cells = [r for r in root.iter(f"{NS}rect")]
    assert len(cells) == len(stafford.priorities) * (len(used) + 1)
    words = _words(root)
    for p in stafford.priorities:
        assert f"{p.score:.2f}" in words
        for k in used:
            v = p.components.get(k)
            assert ("n/a" if v is None else f"{v:.2f}") in words


def test_hostile_names_stay_text_in_every_chart(stafford):
    types = tuple(
        dataclasses.replace(r, crime_type=HOSTILE + str(i)) for i, r in enumerate(stafford.crime_types)
    )
    wards = tuple(dataclasses.replace(w, ward_name=HOSTILE + w.ward_name) for w in stafford.wards)
    priorities = tuple(dataclasses.replace(p, theme=HOSTILE + p.theme) for p in stafford.priorities)
    clusters = tuple(
        dataclasses.replace(c, wards=tuple(HOSTILE + w for w in c.wards)) for c in stafford.hotspots.clusters
    )
    hostile = dataclasses.replace(
        stafford,
        crime_types=types,
        wards=wards,
        priorities=priorities,
        hotspots=dataclasses.replace(stafford.hotspots, clusters=clusters),
    )
    drawn = C.assessment_charts(hostile)
    assert len(drawn) == 8
    for c in drawn:
        root = _root(c)  # parses: the names did not break the markup
        assert not [el for el in root.iter() if el.tag.endswith("script")], c.id
        named = [
            t for t in _words(root) + [el.text for el in root.iter(f"{NS}title")] if t and "<script" in t
        ]
        # the months and the hundred squares name no crime type, ward or theme
        assert bool(named) == (c.id not in ("chart-months", "chart-hundred")), c.id
        assert any(HOSTILE in t for t in named) or c.id in ("chart-months", "chart-hundred"), c.id


def test_target_chart_points_rings_intervals_and_baseline_sit_at_their_values():
    from saferplaces.reports.target_charts import ChartValue, target_chart

    values = [ChartValue(f"2024-{m:02d}", float(10 + m), 8.0 + m, 12.0 + m) for m in range(1, 7)]
    values.append(ChartValue("2024-07", 40.0, rule="a point outside the process limits"))
    values.append(ChartValue("2024-08", 20.0, source="Computed from the data store"))
    chart = target_chart(values, title="Thefts & <b>", unit="thefts", baseline=15.0)
    root = _root(chart)
    assert "style" not in chart.svg
    points = _titled(root, "circle")
    dots = {t: el for t, el in points.items() if el.get("fill") != "none"}
    assert len(dots) == len(values)
    ys = {v.period: float(dots[f"{v.period}: {v.value:,.0f}"].get("cy")) for v in values}
    per_unit = (ys["2024-01"] - ys["2024-07"]) / (40.0 - 11.0)
    for v in values:
        assert ys["2024-01"] - ys[v.period] == pytest.approx((v.value - 11.0) * per_unit, abs=0.15)
    # one ring, on the flagged point, naming its rule
    rings = [el for el in points.values() if el.get("fill") == "none"]
    assert len(rings) == 1 and rings[0].get("cy") == dots["2024-07: 40"].get("cy")
    assert rings[0].find(f"{NS}title").text == "2024-07: 40; rule: a point outside the process limits"
    # each interval a vertical bar from its lower to its upper value
    bars = [
        el for el in root.iter(f"{NS}line") if el.get("x1") == el.get("x2") and el.get("stroke") == "#1d70b8"
    ]
    assert len(bars) == 6
    for bar, v in zip(bars, values, strict=False):
        assert float(bar.get("y1")) - float(bar.get("y2")) == pytest.approx(
            (v.upper - v.lower) * per_unit, abs=0.15
        )
    baseline = [el for el in root.iter(f"{NS}line") if el.get("stroke-dasharray")]
    assert len(baseline) == 1
    assert ys["2024-01"] - float(baseline[0].get("y1")) == pytest.approx((15.0 - 11.0) * per_unit, abs=0.15)
    # the two sources in their own colours, named in the legend
    assert dots["2024-08: 20"].get("fill") == "#0b0c0c" and {"Source", "Entered"} <= set(_words(root))
