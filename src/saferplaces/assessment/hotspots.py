"""Hotspots: Getis-Ord Gi* on a grid of police.uk map points, and how cells behave month by month."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from saferplaces import stats
from saferplaces.data.aggregates import Aggregates, in_months, where
from saferplaces.data.areas import Area
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


@dataclass(frozen=True)
class HotspotInfo:
    cell_size: float
    cells: int
    hot: tuple[HotCell, ...]
    cold: int
    share_in_hot: float
    assumptions: tuple[str, ...]


@lru_cache(maxsize=1)
def _transformers():
    from pyproj import Transformer

    return (
        Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True),
        Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True),
    )


def hotspots(agg: Aggregates, area: Area, months: list[str]) -> HotspotInfo | None:
    """Gi* hot and cold spots of crime and ASB in ``area`` over ``months`` on a square grid.

    The rows come counted by map point, ward and month (``Aggregates.points``): each point is
    projected once, then repeated as many times as it has rows.
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
        "cells, the sfhotspot rule of 50 cells on the shorter side"
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
    hot.sort(key=lambda h: -h.z)
    total = counts.sum()
    share = sum(h.count for h in hot) / total * 100 if total else 0.0
    return HotspotInfo(
        cell, n_rows * n_cols, tuple(hot), labels.count("cold"), round(share, 1), tuple(assumptions)
    )
