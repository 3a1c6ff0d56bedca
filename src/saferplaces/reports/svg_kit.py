"""Small parts for drawing report charts as plain SVG in Python (ADR 0028).

No chart library and no JavaScript engine: each chart is a few dozen elements written as
text, so it draws in milliseconds and Typst typesets it quickly in the PDF. Every element is styled
by presentation attributes (``fill=``, ``stroke=``), never ``style=``, because the web pages'
Content-Security-Policy forbids inline style. Every string that comes from data or a user
goes through :func:`esc`. Coordinates are rounded to one decimal to keep the files small.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape

from saferplaces.reports.text_metrics import text_px

FONT = "Liberation Sans, Arial, sans-serif"
# GOV.UK Design System colours
BLUE, DARK, GREY, RED = "#1d70b8", "#0b0c0c", "#b1b4b6", "#d4351c"
GREEN, ORANGE, LIGHT, SECONDARY = "#00703c", "#f47738", "#f3f2f1", "#505a5f"

# ColorBrewer's sequential schemes (Brewer, colorbrewer2.org), lightest first
BLUES = ("#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c", "#08306b")
REDS = ("#fff5f0", "#fee0d2", "#fcbba1", "#fc9272", "#fb6a4a", "#ef3b2c", "#cb181d", "#a50f15", "#67000d")


#: Characters XML does not allow at all (a name holding one would make the whole picture unreadable).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def esc(value: object) -> str:
    """``value`` as text safe inside an element or a quoted attribute; characters XML forbids
    (control characters) are left out.

    >>> esc('Bell\x07 & "Co"')
    'Bell &amp; &quot;Co&quot;'
    """
    return escape(_NOT_XML.sub("", str(value)), quote=True)


def n(value: float) -> str:
    """A coordinate with at most one decimal ("12", "12.5")."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else ("0" if text == "-0.0" else text)


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering ``low`` to ``high``: steps of 1, 2 or 5 times a power of ten."""
    if high <= low:
        high = low + 1
    raw = (high - low) / max(1, count)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    start = math.floor(low / step) * step
    ticks = []
    value = start
    while value < high + step * 0.999:
        ticks.append(round(value, 10))
        value += step
    return ticks


def tick_label(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def shade(scheme: Sequence[str], t: float) -> str:
    """The colour at ``t`` (0 lightest to 1 darkest) along ``scheme``, interpolated."""
    t = min(1.0, max(0.0, t))
    at = t * (len(scheme) - 1)
    i = min(len(scheme) - 2, int(at))
    f = at - i
    a, b = scheme[i], scheme[i + 1]
    mixed = (round(int(a[k : k + 2], 16) * (1 - f) + int(b[k : k + 2], 16) * f) for k in (1, 3, 5))
    return "#" + "".join(f"{c:02x}" for c in mixed)


def text(
    x: float,
    y: float,
    words: object,
    *,
    size: float = 11,
    anchor: str = "start",
    fill: str = DARK,
    bold: bool = False,
    halo: bool = False,
    rotate: float | None = None,
) -> str:
    """A ``<text>`` element; ``halo`` first draws the same text with a white outline under it
    (for maps: the outline is a text of its own rather than ``paint-order``, which not every
    renderer of SVG follows)."""
    extra = ' font-weight="bold"' if bold else ""
    if anchor != "start":
        extra += f' text-anchor="{anchor}"'
    if rotate is not None:
        extra += f' transform="rotate({n(rotate)} {n(x)} {n(y)})"'
    size_attr = "" if size == 11 else f' font-size="{n(size)}"'
    under = (
        f'<text x="{n(x)}" y="{n(y)}" fill="white" stroke="white" stroke-width="3"{size_attr}{extra}>'
        f"{esc(words)}</text>"
        if halo
        else ""
    )
    return under + f'<text x="{n(x)}" y="{n(y)}" fill="{fill}"{size_attr}{extra}>{esc(words)}</text>'


def rect(
    x: float, y: float, w: float, h: float, fill: str, *, stroke: str | None = None, title: str | None = None
) -> str:
    edge = f' stroke="{stroke}"' if stroke else ""
    body = f"><title>{esc(title)}</title></rect>" if title else "/>"
    size = f'width="{n(max(0.0, w))}" height="{n(max(0.0, h))}"'
    return f'<rect x="{n(x)}" y="{n(y)}" {size} fill="{fill}"{edge}{body}'


def line(
    x1: float,
    y1: float,
    x2: float,
    y2: float,
    stroke: str = DARK,
    *,
    width: float = 1,
    dash: str | None = None,
) -> str:
    extra = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<line x1="{n(x1)}" y1="{n(y1)}" x2="{n(x2)}" y2="{n(y2)}" stroke="{stroke}" '
        f'stroke-width="{n(width)}"{extra}/>'
    )


def polyline(
    points: Iterable[tuple[float, float]], stroke: str, *, width: float = 2, dash: str | None = None
) -> str:
    extra = f' stroke-dasharray="{dash}"' if dash else ""
    pts = " ".join(f"{n(x)},{n(y)}" for x, y in points)
    return f'<polyline points="{pts}" fill="none" stroke="{stroke}" stroke-width="{n(width)}"{extra}/>'


def marker(shape: str, x: float, y: float, fill: str, *, r: float = 4.5, title: str | None = None) -> str:
    """A point mark: ``circle``, ``square``, ``diamond`` or ``triangle``, centred on (x, y)."""
    if shape == "circle":
        head = f'<circle cx="{n(x)}" cy="{n(y)}" r="{n(r)}" fill="{fill}"'
        tail = "circle"
    else:
        if shape == "square":
            pts = [(x - r, y - r), (x + r, y - r), (x + r, y + r), (x - r, y + r)]
        elif shape == "diamond":
            pts = [(x, y - r * 1.3), (x + r * 1.3, y), (x, y + r * 1.3), (x - r * 1.3, y)]
        else:
            pts = [(x, y - r * 1.3), (x + r * 1.2, y + r), (x - r * 1.2, y + r)]
        head = '<polygon points="' + " ".join(f"{n(px)},{n(py)}" for px, py in pts) + f'" fill="{fill}"'
        tail = "polygon"
    return head + (f"><title>{esc(title)}</title></{tail}>" if title else "/>")


def legend_row(
    x: float, y: float, items: Sequence[tuple[str, str]], *, gap: float = 14
) -> tuple[list[str], float]:
    """Swatches with labels, one item a line from (x, y) downwards; returns the elements and the
    y below the last. ``items`` are (colour, label); a colour "line:<colour>:<dash>" draws a line."""
    out: list[str] = []
    for colour, label in items:
        if colour.startswith("line:"):
            _, stroke, dash = colour.split(":")
            out.append(line(x, y - 4, x + 16, y - 4, stroke, width=2, dash=dash or None))
        elif colour.startswith("mark:"):
            _, shape, fill = colour.split(":")
            out.append(marker(shape, x + 8, y - 4, fill, r=4))
        else:
            out.append(rect(x, y - 10, 16, 10, colour))
        out.append(text(x + 22, y, label))
        y += gap
    return out, y


def svg(width: float, height: float, body: Iterable[str]) -> str:
    """The whole chart: a fixed viewBox with its width and height, in the reports' font."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{n(width)}" '
        f'height="{n(height)}" viewBox="0 0 {n(width)} {n(height)}" font-family="{FONT}" font-size="11">'
        + "".join(body)
        + "</svg>"
    )


def text_width(words: str, size: float = 11, *, bold: bool = False) -> float:
    """How wide ``words`` are in Liberation Sans at ``size`` px (for laying out labels)."""
    return text_px(words, size, bold=bold)


def fit(words: str, width: float, size: float = 11, *, bold: bool = False) -> str:
    """``words``, or as much of them as fits in ``width`` px with an ellipsis after it."""
    if text_width(words, size, bold=bold) <= width:
        return words
    keep = len(words)
    while keep and text_width(words[:keep].rstrip() + "…", size, bold=bold) > width:
        keep -= 1
    return words[:keep].rstrip() + "…" if keep else ""


# -- maps ---------------------------------------------------------------------------------------


def rings(geometry: dict) -> list[list[list[float]]]:
    """The rings of a GeoJSON Polygon or MultiPolygon (none for other geometries)."""
    if geometry["type"] == "Polygon":
        return list(geometry["coordinates"])
    if geometry["type"] == "MultiPolygon":
        return [ring for polygon in geometry["coordinates"] for ring in polygon]
    return []


@dataclass(frozen=True)
class Projection:
    """Longitude and latitude to SVG coordinates: equirectangular, scaled by the cosine of the
    middle latitude (true enough for a county), fitted to ``width``."""

    west: float
    north: float
    squash: float
    scale: float
    width: float
    height: float

    @classmethod
    def fit(cls, points: Sequence[Sequence[float]], width: float) -> Projection:
        west, east = min(p[0] for p in points), max(p[0] for p in points)
        south, north = min(p[1] for p in points), max(p[1] for p in points)
        squash = math.cos(math.radians((north + south) / 2))
        span_x, span_y = (east - west) * squash or 1e-9, (north - south) or 1e-9
        scale = width / span_x
        return cls(west, north, squash, scale, width, max(1, round(span_y * scale)))

    def xy(self, pt: Sequence[float]) -> tuple[float, float]:
        return (pt[0] - self.west) * self.squash * self.scale, (self.north - pt[1]) * self.scale

    def path(self, geometry_rings: Iterable[Sequence[Sequence[float]]], step: float = 0) -> str:
        """The ``d`` of a path through the rings. A point that rounds to the last one kept, or lies
        within ``step`` pixels of it, is left out: at a county's scale boundaries hold many
        points closer than a pixel, which only make the file larger and slower to draw."""
        parts = []
        for ring in geometry_rings:
            kept: list[tuple[float, float]] = []
            for pt in ring:
                x, y = self.xy(pt)
                if kept and (
                    (n(x), n(y)) == (n(kept[-1][0]), n(kept[-1][1]))
                    or math.hypot(x - kept[-1][0], y - kept[-1][1]) < step
                ):
                    continue
                kept.append((x, y))
            if len(kept) > 2:
                parts.append("M" + " L".join(f"{n(x)},{n(y)}" for x, y in kept) + " Z")
        return " ".join(parts)
