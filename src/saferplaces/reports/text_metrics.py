"""How wide a text is in the reports' font, from the font's own character widths.

Table columns (``html_report.column_widths``) and chart labels (``svg_kit``) are laid out before
Typst or a browser draws them. Counting characters misjudges a word of wide letters ("Recommended"
in bold is a fifth wider than eleven average letters), so a header could run into its neighbour.
The widths here are Liberation Sans's advance widths (regular and bold), read from the shipped
font files by ``scripts/font_widths.py``; kerning is ignored, which only ever overestimates a
little. A character the file does not list (a script Liberation Sans lacks, drawn from another
font) is counted as a full em, the width of such fonts' characters.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

WIDTHS = Path(__file__).with_name("fonts") / "widths.json"
#: The width, in ems, given to a character the widths file does not list.
UNLISTED_EM = 1.0


@functools.cache
def _table(bold: bool) -> dict[str, int]:
    data = json.loads(WIDTHS.read_text(encoding="utf-8"))
    return data["bold" if bold else "regular"]


def text_px(text: str, size_px: float, *, bold: bool = False) -> float:
    """The width of ``text`` set in Liberation Sans at ``size_px`` pixels (bold if ``bold``)."""
    table = _table(bold)
    unlisted = UNLISTED_EM * 1000
    return sum(table.get(c, unlisted) for c in text) * size_px / 1000
