"""Charts once drawn: the SVG with its text alternative, and PNG copies of it for Word.

Kept apart from the modules that draw charts (``reports.charts`` for the assessment,
``reports.target_charts``) so that the HTML report and the Word file can take charts drawn
elsewhere without loading what drew them (issue #9).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

THREADS = max(1, min(4, os.cpu_count() or 1))

#: One page a chart, each as large as its chart: Typst's SVG is the same picture the HTML and
#: the PDF show, text in the reports' font.
_PICTURES = b"""#set page(width: auto, height: auto, margin: 0pt, fill: white)
#for (i, svg) in json(bytes(sys.inputs.svgs)).enumerate() {
  if i > 0 { pagebreak() }
  image(bytes(svg), format: "svg")
}
"""


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    svg: str
    alt: str
    table: str


def chart_pngs(charts: list[Chart], scale: float = 2) -> list[bytes]:
    """Each chart as PNG (for the Word files), ``scale`` pixels to each of the SVG's.

    Typst draws them all in one call (an SVG pixel is 0.75 pt, so 96 pixels an inch is scale 1),
    and releases Python's lock meanwhile: a caller can make them on a thread beside other work.
    """
    if not charts:
        return []
    from saferplaces.reports.typst_run import run_typst

    pngs = run_typst(
        _PICTURES, {"svgs": [c.svg for c in charts]}, "charts' pictures", format="png", ppi=96 * scale
    )
    return pngs if isinstance(pngs, list) else [pngs]
