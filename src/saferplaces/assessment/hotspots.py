"""Hotspots: Getis-Ord Gi* on a grid of police.uk map points, how cells behave month by month,
and the streets and wards they cover, named as police.uk names them ("On or near Bridge Street").

Significant cells that touch (queen neighbours) form one cluster; clusters and cells are ranked
by their count of crime and ASB, not by z-score, since a board asks where most crime is.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from saferplaces import stats
from saferplaces.data.aggregates import Aggregates, in_months, where
from saferplaces.data.areas import Area
from saferplaces.data.sql import run
from saferplaces.defaults import DEFAULTS

MIN_CELL = 150.0


@dataclass(frozen=True)
class HotCell:
    row: int
    col: int
    count: int
    z: float
    label: str
    pattern: str | None
    ward: str | None
    polygon: tuple[tuple[float, float], ...]  # WGS84 corners, for maps
    cluster: int | None = None
    streets: tuple[tuple[str, int], ...] = ()  # the cell's busiest police.uk locations


@dataclass(frozen=True)
class HotCluster:
    """Significant cells that touch: one hotspot as a board would name it."""

    number: int  # 1 = the most crime and ASB
    cells: int
    count: int
    wards: tuple[str, ...]  # most crime first
    streets: tuple[tuple[str, int], ...]  # its busiest police.uk locations, most first
    pattern: str | None  # the commonest pattern of its cells over the months
    centre: tuple[float, float]  # WGS84 longitude, latitude of its busiest cell, for map labels


@dataclass(frozen=True)
class StreetRow:
    """A police.uk location ("On or near Bridge Street") in a significant hotspot cell."""

    location: str
    ward: str | None
    cluster: int | None
    count: int
    top_types: tuple[tuple[str, int], ...]
    change_from: int | None = None
    change_to: int | None = None
    change_percent: float | None = None
    change_p: float | None = None
    change_label: str | None = None


@dataclass(frozen=True)
class HotspotInfo:
    cell_size: float
    cells: int
    hot: tuple[HotCell, ...]
    cold: int
    share_in_hot: float
    assumptions: tuple[str, ...]
    clusters: tuple[HotCluster, ...] = ()
    streets: tuple[StreetRow, ...] = ()
    patterns_classified: bool = False
    change_months: tuple[str, ...] = ()  # the months of this period the street change compares


@lru_cache(maxsize=1)
def _transformers():
    from pyproj import Transformer

    return (
        Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True),
        Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True),
    )


def hotspots(
    agg: Aggregates, area: Area, months: list[str], comparison: list[str] | tuple[str, ...] = ()
) -> HotspotInfo | None:
    """Gi* hot and cold spots of crime and ASB in ``area`` over ``months`` on a square grid.

    The rows come counted by map point, ward and month (``Aggregates.points``): each point is
    projected once, then repeated as many times as it has rows. The hot cells are named by
    their police.uk locations; each location's change compares the months of ``months`` whose
    month a year earlier is in ``comparison`` with those months.
    """
    found = agg.sql(
        f"select longitude, latitude, month, ward_name, n from {agg.points} where {where(area)} "
        f"and {in_months(months)}"
    )
    weight = np.array([int(r[4]) for r in found], dtype=np.int64)
    if weight.sum() < 30:
        return None
    to_bng, to_wgs = _transformers()
    px, py = to_bng.transform(np.array([r[0] for r in found]), np.array([r[1] for r in found]))
    x, y = np.repeat(px, weight), np.repeat(py, weight)
    points = np.column_stack([x, y])
    bounds = (float(x.min()), float(y.min()), float(x.max()) + 1, float(y.max()) + 1)
    cell = max(MIN_CELL, stats.default_cell_size(*bounds))
    grid = stats.grid_counts(points, cell_size=cell, bounds=bounds)
    counts = np.asarray(grid.counts)
    n_rows, n_cols = counts.shape
    neighbours = stats.grid_neighbours(n_rows, n_cols, queen=True, include_self=True)
    gi = stats.hotspot_gistar(counts.ravel(), neighbours, p_adjust=DEFAULTS.multiple_testing)
    assumptions = [
        f"Hotspots use police.uk map points (anonymised to nearby snap points) on a grid of {cell:.0f} m "
        "cells: 50 cells on the shorter side, as sfhotspot sets them, rounded down to a multiple of 10 m"
        + (f", but no smaller than {MIN_CELL:.0f} m" if cell == MIN_CELL else "")
        + ".",
        "Hot and cold cells are Getis-Ord Gi* z-scores with queen neighbours, significant at "
        f"{DEFAULTS.significance_level:.0%} after the {DEFAULTS.multiple_testing_name}, over the period "
        "and in each month alike.",
    ]
    assumptions.extend(a for a in gi.assumptions if a not in assumptions)
    patterns: dict[int, str] = {}
    month_list = sorted(set(months))
    if len(month_list) >= 6:
        col = ((x - bounds[0]) // cell).astype(int)
        row = ((y - bounds[1]) // cell).astype(int)
        index = {m: i for i, m in enumerate(month_list)}
        by_period = np.zeros((len(month_list), n_rows * n_cols))
        month_of = np.repeat(np.array([index[r[2]] for r in found], dtype=np.int64), weight)
        inside = (row < n_rows) & (col < n_cols)
        np.add.at(by_period, (month_of[inside], (row * n_cols + col)[inside]), 1)
        # the same multiple-testing method as the Gi* over the whole period (sfhotspot's own is Holm)
        classes = stats.hotspot_classify(by_period, neighbours, p_adjust=DEFAULTS.multiple_testing)
        patterns = {i: label for i, label in enumerate(classes.label)}
        assumptions.append(
            "Each hot cell's pattern over the months (persistent, emerging, former, "
            "intermittent) follows the sfhotspot rules."
        )
    col = ((px - bounds[0]) // cell).astype(int)
    row = ((py - bounds[1]) // cell).astype(int)
    wards: dict[int, Counter] = {}
    for i, (r_, c_) in enumerate(zip(row, col, strict=True)):
        wards.setdefault(int(r_) * n_cols + int(c_), Counter())[found[i][3]] += int(weight[i])
    labels = list(gi.label)
    hot = []
    for i, label in enumerate(labels):
        if label != "hot":
            continue
        r_, c_ = divmod(i, n_cols)
        x0, y0 = bounds[0] + c_ * cell, bounds[1] + r_ * cell
        # clockwise, as d3-geo (and so Vega-Lite maps) expects an outer ring to run
        xs = [x0, x0, x0 + cell, x0 + cell, x0]
        ys = [y0, y0 + cell, y0 + cell, y0, y0]
        lons, lats = to_wgs.transform(xs, ys)
        # the ward with most of the cell's rows; of equal ones, the first in alphabetical order
        ward = sorted(wards.get(i, Counter()).items(), key=lambda w: (-w[1], w[0] is None, w[0] or ""))[:1]
        hot.append(
            HotCell(
                r_,
                c_,
                int(counts.ravel()[i]),
                round(float(gi.z[i]), 2),
                label,
                patterns.get(i),
                ward[0][0] if ward else None,
                tuple((round(a, 6), round(b, 6)) for a, b in zip(lons, lats, strict=True)),
            )
        )
    total = counts.sum()
    share = sum(h.count for h in hot) / total * 100 if total else 0.0
    grid = _Grid(bounds, cell, n_rows, n_cols)
    hot_cells, clusters, streets, change_months = _name_places(
        agg, area, months, comparison, grid, hot, to_bng
    )
    assumptions.append(
        "Hotspots are ranked by their count of crime and ASB among the significant cells, not by "
        "z-score; touching significant cells (queen neighbours) are counted as one hotspot, named "
        "by its busiest police.uk locations (anonymised 'On or near' points) and wards."
    )
    return HotspotInfo(
        cell,
        n_rows * n_cols,
        tuple(hot_cells),
        labels.count("cold"),
        round(share, 1),
        tuple(assumptions),
        tuple(clusters),
        tuple(streets),
        bool(patterns),
        tuple(change_months),
    )


@dataclass(frozen=True)
class _Grid:
    bounds: tuple[float, float, float, float]
    cell: float
    rows: int
    cols: int

    def index(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """The cell index of each point (row * cols + col); -1 outside the grid."""
        col = ((x - self.bounds[0]) // self.cell).astype(int)
        row = ((y - self.bounds[1]) // self.cell).astype(int)
        inside = (row >= 0) & (row < self.rows) & (col >= 0) & (col < self.cols)
        return np.where(inside, row * self.cols + col, -1)


def tidy_location(location: str) -> str:
    """police.uk's location as a reader would write it: "St Martin'S Place" -> "St Martin's Place"."""
    return re.sub(r"'S\b", "'s", location)


def _clusters(cells: list[int], cols: int) -> dict[int, list[int]]:
    """Group cell indexes into clusters of touching cells (queen neighbours): root -> members."""
    alive = set(cells)
    out: dict[int, list[int]] = {}
    seen: set[int] = set()
    for start in sorted(cells):
        if start in seen:
            continue
        stack, members = [start], []
        seen.add(start)
        while stack:
            i = stack.pop()
            members.append(i)
            r, c = divmod(i, cols)
            for dr in (-1, 0, 1):
                for dc in (-1, 0, 1):
                    j = (r + dr) * cols + (c + dc)
                    if (dr or dc) and 0 <= c + dc < cols and j in alive and j not in seen:
                        seen.add(j)
                        stack.append(j)
        out[start] = members
    return out


def _name_places(
    agg: Aggregates,
    area: Area,
    months: list[str],
    comparison: list[str] | tuple[str, ...],
    grid: _Grid,
    hot: list[HotCell],
    to_bng,
) -> tuple[list[HotCell], list[HotCluster], list[StreetRow], list[str]]:
    """Cluster the hot cells, name them by street and ward, and list the busiest streets in them."""
    from dataclasses import replace

    from saferplaces.data.periods import month_from_index, month_index

    if not hot:
        return [], [], [], []
    before = sorted(set(comparison))
    now_cmp = [m for m in months if month_from_index(month_index(m) - 12) in set(before)]
    wanted = sorted(set(months) | set(before))
    found = run(
        agg.con,
        f"select location, ward_name, longitude, latitude, crime_type, month, count(*) from crimes "
        f"where {area.row_filter()} and longitude is not null and location is not null and "
        f"{in_months(wanted)} group by all",
    ).fetchall()
    by_index = {h.row * grid.cols + h.col: h for h in hot}
    groups = _clusters(list(by_index), grid.cols)
    cluster_of: dict[int, int] = {}
    ordered = sorted(groups.values(), key=lambda m: (-sum(by_index[i].count for i in m), min(m)))
    for number, members in enumerate(ordered, start=1):
        for i in members:
            cluster_of[i] = number
    if found:
        x, y = to_bng.transform(np.array([r[2] for r in found]), np.array([r[3] for r in found]))
        cells = grid.index(np.asarray(x), np.asarray(y))
    else:
        cells = np.array([], dtype=int)
    now, then = set(months), set(before)
    now_c = set(now_cmp)
    cell_streets: dict[int, Counter] = defaultdict(Counter)
    street_count: Counter = Counter()
    street_types: dict[tuple[str, str | None], Counter] = defaultdict(Counter)
    street_cluster: dict[tuple[str, str | None], Counter] = defaultdict(Counter)
    street_cmp: dict[tuple[str, str | None], list[int]] = {}
    for (location, ward, _, _, crime_type, month, n), i in zip(found, cells, strict=True):
        i = int(i)
        if i not in by_index:
            continue
        key = (tidy_location(location), ward)
        if month in now:
            cell_streets[i][key[0]] += n
            street_count[key] += n
            street_types[key][crime_type] += n
            street_cluster[key][cluster_of[i]] += n
        pair = street_cmp.setdefault(key, [0, 0])
        if month in now_c:
            pair[1] += n
        if month in then:
            pair[0] += n
    hot_cells = [
        replace(
            h,
            cluster=cluster_of[h.row * grid.cols + h.col],
            streets=_top(cell_streets.get(h.row * grid.cols + h.col)),
        )
        for h in hot
    ]
    hot_cells.sort(key=lambda h: (-h.count, -h.z))
    clusters = []
    for number, members in enumerate(ordered, start=1):
        wards: Counter = Counter()
        streets: Counter = Counter()
        patterns: Counter = Counter()
        for i in members:
            h = by_index[i]
            if h.ward:
                wards[h.ward] += h.count
            streets.update(cell_streets.get(i, Counter()))
            if h.pattern:
                patterns[h.pattern] += 1
        busiest = by_index[max(members, key=lambda i: (by_index[i].count, -i))]
        lons = [p[0] for p in busiest.polygon[:4]]
        lats = [p[1] for p in busiest.polygon[:4]]
        clusters.append(
            HotCluster(
                number,
                len(members),
                sum(by_index[i].count for i in members),
                tuple(w for w, _ in sorted(wards.items(), key=lambda w: (-w[1], w[0]))),
                _top(streets),
                sorted(patterns.items(), key=lambda p: (-p[1], p[0]))[0][0] if patterns else None,
                (round(sum(lons) / 4, 6), round(sum(lats) / 4, 6)),
            )
        )
    streets_out = []
    for key, n in sorted(street_count.items(), key=lambda s: (-s[1], s[0][0], s[0][1] or ""))[:10]:
        before_n, after_n = street_cmp.get(key, [0, 0])
        ch = stats.change(after_n, before_n) if now_cmp else None
        streets_out.append(
            StreetRow(
                key[0],
                key[1],
                sorted(street_cluster[key].items(), key=lambda c: (-c[1], c[0]))[0][0],
                int(n),
                tuple(sorted(street_types[key].items(), key=lambda t: (-t[1], t[0]))[:3]),
                before_n if ch else None,
                after_n if ch else None,
                None if ch is None or ch.percent is None else round(ch.percent, 1),
                None if ch is None else round(float(ch.p), 4),
                None if ch is None else ch.label,
            )
        )
    return hot_cells, clusters, streets_out, now_cmp


def _top(counter: Counter | None, n: int = 3) -> tuple[tuple[str, int], ...]:
    if not counter:
        return ()
    return tuple((k, int(v)) for k, v in sorted(counter.items(), key=lambda s: (-s[1], s[0]))[:n])
