"""Charts once drawn: the SVG with its text alternative, and PNG copies of it for Word.

Kept apart from the modules that draw charts (``reports.charts`` for the assessment,
``reports.target_charts``) so that the HTML report and the Word file can take charts drawn
elsewhere without loading what drew them (issue #9).
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

THREADS = max(1, min(4, os.cpu_count() or 1))


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    svg: str
    alt: str
    table: str


def chart_pngs(charts: list[Chart], scale: float = 2) -> list[bytes]:
    """Each chart as PNG (for Word), from its SVG, several at once."""
    import vl_convert  # its SVG-to-PNG needs no JavaScript engine

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        return list(pool.map(lambda c: vl_convert.svg_to_png(c.svg, scale=scale), charts))
