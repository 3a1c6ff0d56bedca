"""Write the bundled font's character widths to src/saferplaces/reports/fonts/widths.json.

The reports lay out table columns and chart labels before Typst or a browser draws them, so they
need to know how wide a text will be. This reads the advance width of every character the reports
commonly print (Latin-1, Latin Extended-A for Welsh, and the typographic punctuation the sentences
use) from the shipped Liberation Sans regular and bold files, in thousandths of an em, and writes
them as JSON. Run it again if the fonts change (``tests/reports/test_text_metrics.py`` fails when
the file and the fonts disagree).

Run: ``.venv/bin/python scripts/font_widths.py`` (needs Pillow, a development dependency).
"""

from __future__ import annotations

import json
from pathlib import Path

from PIL import ImageFont

FONTS = Path(__file__).resolve().parent.parent / "src" / "saferplaces" / "reports" / "fonts"
#: Latin-1, Latin Extended-A (ŵ and ŷ for Welsh) and the punctuation the reports print.
CHARACTERS = [
    *(chr(c) for c in range(0x20, 0x7F)),
    *(chr(c) for c in range(0xA0, 0x180)),
    *"–—‘’“”…•€−≤≥×",
]
#: Measured at this size in pixels, so a thousandth of an em is a pixel.
SIZE = 1000


def widths(file: str) -> dict[str, int]:
    font = ImageFont.truetype(str(FONTS / file), SIZE)
    return {c: round(font.getlength(c)) for c in CHARACTERS}


def main() -> None:
    data = {
        "font": "Liberation Sans",
        "units": "thousandths of an em",
        "regular": widths("LiberationSans-Regular.ttf"),
        "bold": widths("LiberationSans-Bold.ttf"),
    }
    out = FONTS / "widths.json"
    out.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n")
    print(f"Wrote {out} ({len(CHARACTERS)} characters).")


if __name__ == "__main__":
    main()
