"""Write the bundled font's character widths to src/saferplaces/reports/fonts/widths.json.

The reports lay out table columns and chart labels before Typst or a browser draws them, so they
need to know how wide a text will be. This reads the advance width of every printable character
the shipped Liberation Sans regular and bold files have (their character maps list them), in
thousandths of an em, and writes them as JSON. Run it again if the fonts change
(``tests/reports/test_text_metrics.py`` fails when the file and the fonts disagree).

Run: ``.venv/bin/python scripts/font_widths.py`` (needs Pillow, a development dependency).
"""

from __future__ import annotations

import json
import struct
from pathlib import Path

from PIL import ImageFont

FONTS = Path(__file__).resolve().parent.parent / "src" / "saferplaces" / "reports" / "fonts"
#: Measured at this size in pixels, so a thousandth of an em is a pixel.
SIZE = 1000


def characters(file: str) -> list[str]:
    """Every printable character of the Basic Multilingual Plane the font has a glyph for, read
    from its character map (the format-4 subtable, which every TrueType font for Windows has)."""
    data = (FONTS / file).read_bytes()
    tables = {
        data[12 + 16 * i : 16 + 16 * i]: struct.unpack(">I", data[20 + 16 * i : 24 + 16 * i])[0]
        for i in range(struct.unpack(">H", data[4:6])[0])
    }
    cmap = tables[b"cmap"]
    found: set[int] = set()
    for i in range(struct.unpack(">H", data[cmap + 2 : cmap + 4])[0]):
        offset = cmap + struct.unpack(">I", data[cmap + 8 + 8 * i : cmap + 12 + 8 * i])[0]
        if struct.unpack(">H", data[offset : offset + 2])[0] != 4:
            continue
        segments = struct.unpack(">H", data[offset + 6 : offset + 8])[0] // 2
        ends = struct.unpack(f">{segments}H", data[offset + 14 : offset + 14 + 2 * segments])
        starts_at = offset + 16 + 2 * segments
        starts = struct.unpack(f">{segments}H", data[starts_at : starts_at + 2 * segments])
        for start, end in zip(starts, ends, strict=True):
            found.update(range(start, min(end, 0xFFFD) + 1))
    return [chr(c) for c in sorted(found) if chr(c).isprintable() and c >= 0x20]


def widths(file: str) -> dict[str, int]:
    font = ImageFont.truetype(str(FONTS / file), SIZE)
    return {c: round(font.getlength(c)) for c in characters(file)}


def main() -> None:
    data = {
        "font": "Liberation Sans",
        "units": "thousandths of an em",
        "regular": widths("LiberationSans-Regular.ttf"),
        "bold": widths("LiberationSans-Bold.ttf"),
    }
    out = FONTS / "widths.json"
    out.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n")
    print(f"Wrote {out} ({len(data['regular'])} characters regular, {len(data['bold'])} bold).")


if __name__ == "__main__":
    main()
