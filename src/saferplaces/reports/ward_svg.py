"""A ward map as plain SVG, drawn on the server from the bundled boundaries (no map tiles, no script).

Each ward is one ``<path>`` whose class names its shade (``sp-map__band-0`` lightest to
``sp-map__band-4`` darkest, ``sp-map__band-none`` for a ward whose figure is not shown), so
colours come from the style sheet and the SVG has no inline style. Every path carries a
``<title>`` with the ward's name and figure for those who point at it; the page gives the
same figures as a table.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from saferplaces.data.reference import boundaries
from saferplaces.reports.svg_kit import Projection, rings
from saferplaces.reports.svg_kit import esc as escape

BANDS = 5
WIDTH = 600


@dataclass(frozen=True)
class WardMap:
    """The SVG and the band limits its legend needs."""

    svg: str
    limits: tuple[float, ...]
    """Upper limit of each band but the last (``BANDS - 1`` values), in the figure's units."""
    wards_drawn: int


def band_limits(values: Sequence[float], bands: int = BANDS) -> tuple[float, ...]:
    """Quantile limits splitting ``values`` into ``bands`` groups of about equal size."""
    ordered = sorted(values)
    if not ordered:
        return ()
    return tuple(
        ordered[min(len(ordered) - 1, math.ceil(len(ordered) * k / bands) - 1)] for k in range(1, bands)
    )


def _band(value: float, limits: Sequence[float]) -> int:
    return next((i for i, limit in enumerate(limits) if value <= limit), len(limits))


def ward_map_svg(
    values: Mapping[str, float | None],
    titles: Mapping[str, str],
    label: str,
    svg_id: str = "ward-map",
) -> WardMap | None:
    """Draw the wards of ``values`` (ward code: figure, None when hidden), shaded by quantile band.

    Parameters
    ----------
    values
        The figure of each ward to draw; None draws the ward unshaded.
    titles
        The text each ward's ``<title>`` shows ("Coton: 78 per 1,000").
    label
        The accessible name of the whole map.

    Returns None when no ward has a boundary.
    """
    features = [f for f in boundaries("ward", set(values))["features"] if rings(f["geometry"])]
    if not features:
        return None
    proj = Projection.fit([pt for f in features for ring in rings(f["geometry"]) for pt in ring], WIDTH)
    height = proj.height
    limits = band_limits([v for v in values.values() if v is not None])

    paths = []
    for f in sorted(features, key=lambda f: f["properties"]["code"]):
        code = f["properties"]["code"]
        value = values.get(code)
        band = "none" if value is None else str(_band(value, limits))
        d = proj.path(rings(f["geometry"]))
        paths.append(
            f'<path class="sp-map__ward sp-map__band-{band}" d="{d}">'
            f"<title>{escape(titles.get(code, f['properties']['name']))}</title></path>"
        )
    svg = (
        f'<svg class="sp-map" id="{escape(svg_id)}" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">' + "".join(paths) + "</svg>"
    )
    return WardMap(svg, limits, len(features))
