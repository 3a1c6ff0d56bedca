"""The assessment as one self-contained, accessible HTML file (also the source of the PDF)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from saferplaces.assessment.model import Finding, StrategicAssessment
from saferplaces.reports.drawn_charts import Chart
from saferplaces.reports.section_text import (
    cannot_see,
    opening,
    places_at_risk,
    places_intro,
    priorities_intro,
)
from saferplaces.reports.tables import Table, assessment_tables
from saferplaces.reports.text_metrics import text_px

TEMPLATES = Path(__file__).with_name("templates")
_NUMBER = re.compile(r"^[-+]?[\d,]*\.?\d+%?$")


@dataclass
class Section:
    id: str
    title: str
    findings: list[Finding] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    tables: list[dict] = field(default_factory=list)
    intro: list[str] = field(default_factory=list)
    box_title: str = ""
    box: list[str] = field(default_factory=list)
    list_title: str = ""
    numbered: list[str] = field(default_factory=list)


#: The PDF's table text is 9 pt (12 px) Liberation Sans, measured with the font's own widths
#: (``text_metrics``); header cells and the column naming each row are bold. Each cell has 3 pt (4 px) of
#: padding either side. An A4 page less its margins is 688 px wide upright and 1,017 px on its side.
TEXT_PX, CELL_PX, PORTRAIT_PX, LANDSCAPE_PX = 12, 8, 688, 1017
#: A table goes on a landscape page when its columns, each as wide as its longest cell up to
#: about this many characters (longer text wraps anyway), do not fit upright.
WRAP_AT = 30
#: An average character of the table text, in px: WRAP_AT of them is where a cell wraps.
AVERAGE_PX = 6.7


def _widths(t: Table) -> tuple[list[float], list[float], list[float]]:
    """Each column's width in px: least (longest word), most (longest cell), and wanted (capped)."""
    least, most, wanted = [], [], []
    for i, name in enumerate(t.columns):
        bold = i == t.row_header  # the column naming each row is bold

        def px(words: str, bold: bool = bold) -> float:
            return text_px(words, TEXT_PX, bold=bold)

        cells = [str(r[i]) for r in t.rows]
        header = max((px(w, True) for w in str(name).split()), default=0.0)
        word = max([px(w) for c in cells for w in c.split()] + [header])
        longest = max((px(c) for c in cells), default=0.0)
        least.append(word + CELL_PX)
        most.append(max(longest, header) + CELL_PX)
        wanted.append(max(header, min(longest, WRAP_AT * AVERAGE_PX)) + CELL_PX)
    return least, most, wanted


def is_wide(t: Table) -> bool:
    """Whether a table needs more than an upright page: it is printed on a landscape page."""
    return bool(t.rows) and sum(_widths(t)[2]) > PORTRAIT_PX


def column_widths(t: Table, page: float | None = None) -> list[float] | None:
    """Each column's share of the printed table's width (per cent), or None to let Typst decide.

    This is the automatic table layout of CSS, worked out once from the text: each column gets
    at least its longest word, and the space left is shared in proportion to how much more its
    longest cell would take. A table whose longest words do not fit across the page is left to
    Typst's automatic columns. ``page`` is the width in px (by default a landscape page for a
    wide table, else an upright one).
    """
    if not t.rows:
        return None
    least, most, _ = _widths(t)
    page = page or (LANDSCAPE_PX if is_wide(t) else PORTRAIT_PX)
    if sum(least) > page:
        return None
    if sum(most) <= page:
        widths = most
    else:
        share = (page - sum(least)) / (sum(most) - sum(least))
        widths = [lo + (hi - lo) * share for lo, hi in zip(least, most, strict=True)]
    total = sum(widths)
    return [round(100 * w / total, 2) for w in widths]


#: What a column of numbers may also hold in a row without one: nothing, or "n/a" (not assessed).
_NO_NUMBER = {"", "n/a"}


def numeric_column(cells: list[str]) -> bool:
    """A column of numbers (aligned right): every cell a number or empty or "n/a", and one a number."""
    cells = [c.strip() for c in cells]
    numbers = [c for c in cells if c not in _NO_NUMBER]
    return bool(numbers) and all(_NUMBER.match(c) for c in numbers)


def _table_view(t: Table) -> dict:
    numeric = [numeric_column([str(r[i]) for r in t.rows]) for i in range(len(t.columns))]
    return {
        "id": t.id,
        "caption": t.caption,
        "columns": t.columns,
        "rows": t.rows,
        "note": t.note,
        "numeric": numeric,
        "wide": is_wide(t),
        "widths": column_widths(t),
        "row_header": t.row_header,
    }


def sections(a: StrategicAssessment, charts: list[Chart] | None = None) -> list[Section]:
    """Group findings, charts and tables into the report's sections."""
    if charts is None:
        from saferplaces.reports.charts import assessment_charts  # only when not drawn yet

        charts = assessment_charts(a)
    tables = {t.id: t for t in assessment_tables(a)}
    layout = [
        ("summary", "Summary", ["headline", "priorities"], [], ["headline"]),
        (
            "crime-types",
            "Crime types",
            ["crime-types", "harm"],
            ["chart-treemap", "chart-crime-types", "chart-change"],
            ["crime-types", "changes", "districts"],
        ),
        ("comparison", "Compared with England and Wales and similar areas", ["comparison"], [], ["national"]),
        ("time", "Over time", ["time"], ["chart-months"], ["months"]),
        (
            "places",
            "Places",
            ["places"],
            ["map-wards", "chart-hundred", "map-hotspots"],
            ["wards", "ward-profiles", "hotspots", "hotspot-streets", "hotspot-areas", "concentration"],
        ),
        ("people", "People", ["people"], [], ["people-shares", "people-repeats", "people-groups"]),
        ("cannot-see", "What this assessment cannot see", [], [], []),
        ("priorities", "Candidate priorities", [], ["chart-priorities"], ["priorities", "priority-reasons"]),
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
        if sid == "priorities":
            sec.intro = priorities_intro(a)
        if sid == "places":
            sec.intro = places_intro(a)
            sec.list_title, sec.numbered = places_at_risk(a)
        if sid == "cannot-see":
            sec.box = cannot_see(a)
        if sec.findings or sec.charts or sec.tables or sec.box or sid == "how-we-calculated":
            out.append(sec)
    return out


@lru_cache(maxsize=1)
def _template():
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]))
    return env.get_template("assessment.html.j2")


def render_html(a: StrategicAssessment, charts: list[Chart] | None = None) -> str:
    """The report as one self-contained HTML file (the PDF is typeset from the same sections by
    ``reports.assessment_pdf``)."""
    return _template().render(a=a, opening=opening(a), sections=sections(a, charts))
