"""The assessment as one self-contained, accessible HTML file (also the source of the PDF)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from saferplaces.assessment.model import Finding, StrategicAssessment
from saferplaces.reports.charts import Chart, assessment_charts
from saferplaces.reports.tables import Table, assessment_tables

TEMPLATES = Path(__file__).with_name("templates")
_NUMBER = re.compile(r"^[-+]?[\d,]*\.?\d+%?$")


@dataclass
class Section:
    id: str
    title: str
    findings: list[Finding] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    tables: list[dict] = field(default_factory=list)


def _table_view(t: Table) -> dict:
    numeric = [bool(t.rows) and all(_NUMBER.match(str(r[i]).strip() or "0") for r in t.rows)
               for i in range(len(t.columns))]
    return {"id": t.id, "caption": t.caption, "columns": t.columns, "rows": t.rows, "note": t.note,
            "numeric": numeric}


def sections(a: StrategicAssessment, charts: list[Chart] | None = None) -> list[Section]:
    """Group findings, charts and tables into the report's sections."""
    charts = assessment_charts(a) if charts is None else charts
    tables = {t.id: t for t in assessment_tables(a)}
    layout = [
        ("summary", "Summary", ["headline", "priorities"], [], ["headline"]),
        ("crime-types", "Crime types", ["crime-types", "harm"],
         ["chart-treemap", "chart-crime-types", "chart-change"],
         ["crime-types", "districts"]),
        ("comparison", "Compared with England and Wales and similar areas", ["comparison"], [],
         ["national"]),
        ("time", "Over time", ["time"], ["chart-months"], ["months"]),
        ("places", "Places", ["places"], ["map-wards", "chart-hundred", "map-hotspots"],
         ["wards", "hotspots", "concentration"]),
        ("people", "People", ["people"], [], ["people-shares", "people-repeats", "people-groups"]),
        ("priorities", "Candidate priorities", [], [], ["priorities"]),
        ("data-quality", "Data quality and coverage", [], [], ["data-quality"]),
        ("how-we-calculated", "How we calculated this", [], [], []),
    ]
    by_id = {c.id: c for c in charts}
    out = []
    for sid, title, finding_sections, chart_ids, table_ids in layout:
        sec = Section(sid, title)
        sec.findings = [f for f in a.findings if f.section in finding_sections]
        sec.charts = [by_id[c] for c in chart_ids if c in by_id]
        sec.tables = [_table_view(tables[t]) for t in table_ids if t in tables]
        if sec.findings or sec.charts or sec.tables or sid == "how-we-calculated":
            out.append(sec)
    return out


def render_html(a: StrategicAssessment, charts: list[Chart] | None = None) -> str:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]))
    return env.get_template("assessment.html.j2").render(a=a, sections=sections(a, charts))
