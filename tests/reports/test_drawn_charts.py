"""The charts' PNG copies (for the Word files), drawn by Typst from the SVG."""

from __future__ import annotations

import io

from PIL import Image

from saferplaces.reports.drawn_charts import Chart, chart_pngs

SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100" viewBox="0 0 200 100" '
    'font-family="Liberation Sans, Arial, sans-serif" font-size="11">'
    '<rect x="0" y="0" width="100" height="100" fill="#1d70b8"/>'
    '<text x="110" y="50">Stafford &amp; "Stone" #1 [a]</text></svg>'
)


def test_each_chart_becomes_a_png_twice_its_size_drawn_as_the_svg():
    red = SVG.replace("#1d70b8", "#d4351c")
    charts = [Chart("a", "A", SVG, "alt", "t"), Chart("b", "B", red, "alt", "t")]
    pngs = chart_pngs(charts)
    assert len(pngs) == 2
    first, second = (Image.open(io.BytesIO(p)).convert("RGB") for p in pngs)
    assert first.size == second.size == (400, 200)
    # the left half is the filled square, in each chart's own colour; the right is white paper
    assert first.getpixel((100, 100)) == (0x1D, 0x70, 0xB8)
    assert second.getpixel((100, 100)) == (0xD4, 0x35, 0x1C)
    assert first.getpixel((395, 5)) == (255, 255, 255)
    # the label is drawn: dark pixels to the right of the square
    assert all(low < 100 for low, _ in first.crop((210, 60, 400, 130)).getextrema())
    assert chart_pngs([]) == []
    assert Image.open(io.BytesIO(chart_pngs(charts[:1], scale=1)[0])).size == (200, 100)


def test_a_failed_layout_says_what_failed_and_what_to_do():
    import pytest

    from saferplaces.errors import SaferPlacesError
    from saferplaces.reports.typst_run import run_typst

    with pytest.raises(
        SaferPlacesError, match=r"^The test PDF could not be laid out: .*broken.*\. Do this\.$"
    ):
        run_typst(b'#panic("broken")', {}, "test PDF", "Do this.")
    with pytest.raises(SaferPlacesError, match="Report this to the Safer Places team"):
        chart_pngs([Chart("x", "X", "<svg this is not", "alt", "t")])


def test_a_process_forked_after_typst_started_still_typesets():
    """Typst's threads are not in a forked child, where Typst itself would wait for ever: the child
    typesets in a fresh process instead (a gunicorn worker forked from a master that made the
    demo's board packs, say)."""
    import os
    import signal

    from saferplaces.reports.typst_run import run_typst

    source = b"#set page(width: auto, height: auto)\n#sys.inputs.word"
    assert run_typst(source, {"word": "parent"}, "test PDF")[:4] == b"%PDF"
    child = os.fork()
    if child == 0:  # the child: give up after 60 s rather than hang the test run
        signal.alarm(60)
        try:
            ok = run_typst(source, {"word": "child"}, "test PDF")[:4] == b"%PDF"
        except BaseException:  # noqa: BLE001 - any failure is reported by the exit status
            ok = False
        os._exit(0 if ok else 1)
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0


def test_typst_warnings_and_a_dropped_pdf_ua_claim_are_logged(caplog):
    """A warning (a font Typst replaced, say) and a document typeset without its PDF/UA-1 claim
    reach the log, naming what was being made, so an operator can see what a reader cannot."""
    import logging

    from saferplaces.reports.typst_run import run_typst

    caplog.set_level(logging.INFO, logger="saferplaces.reports.typst_run")
    source = b'#set document(title: "T")\n#text(font: "No Such Font")[words]\n#heading[]'
    data = {"document_title": "Strategic assessment: Stafford, March 2025"}
    assert run_typst(source, {"data": data}, "test PDF", pdf_standards=["ua-1"])[:4] == b"%PDF"
    logged = [(r.levelname, r.getMessage()) for r in caplog.records]
    named = "test PDF (Strategic assessment: Stafford, March 2025)"
    assert any(
        level == "WARNING" and f"laying out the {named}" in text and "no such font" in text.lower()
        for level, text in logged
    ), logged
    # a warning, so that it reaches an operator with no logging set up (Python's last resort)
    assert any(
        level == "WARNING" and text.startswith(f"The {named} is typeset without its PDF/UA-1 claim")
        for level, text in logged
    ), logged


def test_every_font_a_template_names_is_bundled():
    """A template naming a font that is not shipped makes Typst warn on every document (and use
    another): each family named in a template is one of the fonts in ``reports/fonts``."""
    import re
    from pathlib import Path

    from PIL import ImageFont

    from saferplaces.reports.typst_run import FONTS

    bundled = {ImageFont.truetype(str(f)).getname()[0] for f in FONTS.glob("*.ttf")}
    assert bundled == {"Liberation Sans"}
    src = Path(FONTS).parent.parent
    templates = sorted(src.rglob("*.typ"))
    assert len(templates) >= 4
    named = set()
    for template in templates:
        for value in re.findall(r"\bfont:\s*(\([^)]*\)|\"[^\"]*\")", template.read_text()):
            named |= set(re.findall(r'"([^"]+)"', value))
    assert named and named <= bundled, named - bundled
