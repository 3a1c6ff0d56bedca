"""Text widths in the reports' font (``reports/text_metrics``), checked against the shipped font
files as Pillow measures them, not against the widths file the product reads."""

from __future__ import annotations

import pytest
from PIL import ImageFont

from saferplaces.reports.svg_kit import fit, text_width
from saferplaces.reports.text_metrics import UNLISTED_EM, text_px
from saferplaces.reports.typst_run import FONTS

WORDS = [
    "Recommended for discussion",
    "Violence and sexual offences",
    "Llanfairpwllgwyngyll ŵŷ – “Stafford” £1,400…",
    "WWW mmm iii 0123456789 %(),.",
]


@pytest.mark.parametrize("bold", [False, True])
@pytest.mark.parametrize("words", WORDS)
def test_widths_are_the_fonts_own(words: str, bold: bool) -> None:
    font = ImageFont.truetype(str(FONTS / f"LiberationSans-{'Bold' if bold else 'Regular'}.ttf"), 100)
    # each character to a thousandth of an em; kerning (which the widths leave out) only ever
    # narrows the text drawn, by well under 1%
    measured = text_px(words, 100, bold=bold)
    assert font.getlength(words) - 0.05 * len(words) <= measured <= font.getlength(words) * 1.01
    assert sum(text_px(c, 100, bold=bold) for c in words) == pytest.approx(measured)
    assert text_px(words, 12, bold=bold) == pytest.approx(text_px(words, 100, bold=bold) * 0.12)


def test_wide_letters_are_wider_and_an_unlisted_character_is_an_em() -> None:
    assert text_px("WWWW", 12) > 2 * text_px("iiii", 12)
    assert text_px("Recommended", 12, bold=True) > text_px("Recommended", 12)
    assert text_px("中文", 10) == 2 * UNLISTED_EM * 10
    assert text_px("", 12) == 0


def test_a_label_is_cut_to_fit_its_room_with_an_ellipsis() -> None:
    label = "Criminal damage and arson"
    assert fit(label, 1000) == label
    for room in (30, 60, 90, 120):
        cut = fit(label, room)
        assert cut.endswith("…") and text_width(cut) <= room
        kept = len(cut) - 1
        more = kept + 1 + (label[kept] == " ")  # the next letter (after a space the cut dropped)
        assert text_width(label[:more].rstrip() + "…") > room  # one more letter would not fit
    assert fit(label, 5) == ""
    assert text_width("Change", bold=True) > text_width("Change")


def test_the_widths_file_lists_what_the_fonts_say() -> None:
    """Every character in the file, regular and bold, as the font files give it (run
    scripts/font_widths.py again when the fonts change)."""
    import json

    from saferplaces.reports.text_metrics import WIDTHS

    data = json.loads(WIDTHS.read_text(encoding="utf-8"))
    assert data["font"] == "Liberation Sans" and len(data["regular"]) > 300
    for style, file in (("regular", "Regular"), ("bold", "Bold")):
        font = ImageFont.truetype(str(FONTS / f"LiberationSans-{file}.ttf"), 1000)
        wrong = {c: w for c, w in data[style].items() if abs(font.getlength(c) - w) > 0.5}
        assert not wrong, wrong
    # Welsh (ŵ ŷ ẁ ẃ ẅ ỳ and their capitals), Greek and Cyrillic, which the font has, are listed
    assert set(data["regular"]) == set(data["bold"]) >= set("ŵŷẁẃẅỳâêîôûŴŶẀẂẄỲ–’“”…£ΑλЖж")
    assert "中" not in data["regular"]  # the font has no Chinese: counted as an em
