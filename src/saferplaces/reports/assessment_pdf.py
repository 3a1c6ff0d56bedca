"""The assessment as a PDF, typeset by Typst from the same sections as the HTML report (ADR 0032).

The content comes from ``html_report.sections`` and ``section_text``, as the HTML and Word
files' does; only the layout is Typst's (``templates/assessment.typ``). Every piece of text
reaches the template as data (a JSON document in ``sys.inputs``), never as Typst markup, so a
place or partner name can hold any character without being read as code.

Typst lays out the 20-page Stafford assessment in 0.2 to 0.3 s (WeasyPrint, before, took 2.2 s) and
releases Python's lock while it works, so the PDF is written on a thread beside the Word and
Excel files (issue #9, docs/benchmarks.md). Its PDF is tagged for screen readers: headings,
lists, tables with header rows, and every chart with its text alternative.
"""

from __future__ import annotations

import re
from pathlib import Path

from saferplaces.assessment.model import StrategicAssessment
from saferplaces.reports.drawn_charts import Chart
from saferplaces.reports.html_report import sections
from saferplaces.reports.section_text import opening
from saferplaces.reports.typst_run import run_typst

TEMPLATE = Path(__file__).with_name("templates") / "assessment.typ"
#: The width text takes on an upright A4 page with the template's 14 mm margins, in points.
TEXT_WIDTH_PT = (210 - 2 * 14) / 25.4 * 72
_SVG_WIDTH = re.compile(r'<svg\b[^>]*?\swidth="([\d.]+)"')
_SVG_VIEWBOX = re.compile(r'<svg\b[^>]*?\sviewBox="[\d.\s-]+?\s([\d.]+)\s[\d.]+"')


def chart_share(svg: str) -> float:
    """The share of the text width a chart takes: its own width (CSS pixels, 0.75 pt each, as
    the HTML report shows it) up to the whole width."""
    found = _SVG_WIDTH.search(svg) or _SVG_VIEWBOX.search(svg)
    if not found:
        return 1.0
    return round(min(1.0, float(found.group(1)) * 0.75 / TEXT_WIDTH_PT), 4)


def print_data(a: StrategicAssessment, charts: list[Chart] | None = None) -> dict:
    """Everything the PDF shows, as plain data for the Typst template."""
    parts = sections(a, charts)
    printed = {t["id"] for s in parts for t in s.tables}
    out = []
    for s in parts:
        out.append(
            {
                "id": s.id,
                "title": s.title,
                "list_title": s.list_title,
                "numbered": s.numbered,
                "intro": s.intro,
                "box": s.box,
                # "See the table" links only to a table the PDF prints
                "findings": [
                    {"text": f.text, "table": f.table if f.table in printed else ""} for f in s.findings
                ],
                "charts": [
                    {
                        "id": c.id,
                        "title": c.title,
                        "alt": c.alt,
                        "svg": c.svg,
                        "share": chart_share(c.svg),
                        "table": c.table if c.table in printed else "",
                    }
                    for c in s.charts
                ],
                "tables": [
                    {
                        "id": t["id"],
                        "caption": t["caption"],
                        "columns": [str(c) for c in t["columns"]],
                        "rows": [[str(v) for v in row] for row in t["rows"]],
                        "note": t["note"] or "",
                        "numeric": t["numeric"],
                        "wide": t["wide"],
                        "widths": t["widths"],
                        "row-header": t["row_header"],
                    }
                    for t in s.tables
                ],
            }
        )
    return {
        "title": f"{a.area.name}: {a.period.label}",
        "document_title": f"Strategic assessment: {a.area.name}, {a.period.label}",
        "opening": opening(a),
        "sections": out,
        "assumptions": list(a.assumptions),
        "methods": [{"name": m.name, "reference": m.reference, "page": m.page} for m in a.methods],
        "defaults": [
            {"title": d.title, "shown": str(d.shown or d.value), "sentence": d.sentence} for d in a.defaults
        ],
        "footer": f"Made with Safer Places. {a.attribution}",
    }


def assessment_pdf(a: StrategicAssessment, charts: list[Chart] | None = None) -> bytes:
    """The assessment as PDF bytes (A4, page numbers, contents, landscape pages for wide tables)."""
    return typeset(print_data(a, charts))


def write_pdf(a: StrategicAssessment, path: Path, charts: list[Chart] | None = None, **_: object) -> None:
    path.write_bytes(assessment_pdf(a, charts))


def typeset(data: dict) -> bytes:
    """Typst's PDF of ``data`` laid out by ``templates/assessment.typ`` (tagged, PDF/UA-1)."""
    return run_typst(TEMPLATE, {"data": data}, "PDF", pdf_standards=["ua-1"])
