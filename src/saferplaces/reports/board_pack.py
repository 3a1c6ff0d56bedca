"""The quarterly board pack as HTML, PDF and Word, from its frozen content (issue 11).

The web app gathers the pack's facts into plain data (a JSON-ready dict, "the content": see
docs/board-packs.md) and freezes it; this module turns that content into words, tables and
charts (:func:`pack_sections`) and writes the three formats from the same sections, with
the assessment report's look. A draft says "Draft" on every page of every format.
"""

from __future__ import annotations

import base64
import io
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from saferplaces.reports.charts import Chart, chart_pngs
from saferplaces.reports.documents import PdfPrinter
from saferplaces.reports.html_report import TEMPLATES

FORMATS = ("html", "pdf", "docx")
ASKS = {"note": "Note", "decide": "Decide", "escalate": "Escalate"}
DRAFT = "Draft"


@dataclass(frozen=True)
class Block:
    """One piece of a section: a paragraph, a sub-heading, a list, a table or a chart.

    ``kind`` is "p", "h3", "list", "table" or "chart"; ``text`` holds a paragraph or heading,
    ``items`` a list's lines, ``table`` a dict (caption, columns, rows, numeric) and ``chart``
    a :class:`~saferplaces.reports.charts.Chart`.
    """

    kind: str
    text: str = ""
    items: tuple[str, ...] = ()
    table: dict[str, Any] | None = None
    chart: Chart | None = None


@dataclass(frozen=True)
class PackSection:
    id: str
    title: str
    blocks: tuple[Block, ...] = field(default=())
    page_break_after: bool = False


def _table(caption: str, columns: list[str], rows: list[list[Any]], numeric: tuple[int, ...] = ()) -> Block:
    cells = [[("" if c is None else str(c)) for c in row] for row in rows]
    flags = [i in numeric for i in range(len(columns))]
    return Block("table", table={"caption": caption, "columns": columns, "rows": cells, "numeric": flags})


def _number(value: int | None) -> str:
    return "Not held" if value is None else f"{value:,}"


def _money(value: float | None) -> str:
    if value is None:
        return "Not recorded"
    return f"£{value:,.0f}"


def exceptions_section(c: dict[str, Any]) -> PackSection:
    items = c.get("exceptions") or []
    blocks: list[Block] = []
    if not items:
        blocks.append(
            Block(
                "p",
                f"Nothing in {c['quarter']} meets a rule for an exception: no action is red, amber or "
                "overdue, no target is worsening or shows special-cause variation in the quarter, no "
                "risk's score rose, no project's return is late or missing or its spend behind profile, "
                "and no crime type is above its normal range for the time of year.",
            )
        )
    else:
        blocks.append(
            Block(
                "p",
                f"{len(items)} {'item needs' if len(items) == 1 else 'items need'} the board's attention "
                f"in {c['quarter']}. Each says what the board is asked to do: note it, decide something, "
                "or escalate it.",
            )
        )
        rows = [
            [e["title"], e["reason"], ASKS.get(e.get("ask", "note"), "Note"), e.get("ask_text", "")]
            for e in items
        ]
        blocks.append(
            _table("Exceptions", ["Exception", "Why it is listed", "Asked to", "What is asked"], rows)
        )
    return PackSection("exceptions", "Exceptions", tuple(blocks), page_break_after=True)


def progress_section(c: dict[str, Any]) -> PackSection:
    blocks: list[Block] = []
    count = c.get("updates_count", 0)
    if count == 0:
        blocks.append(
            Block(
                "p",
                f"No progress updates were recorded in {c['quarter']} ({c['quarter_months']}). The RAG "
                "statuses below are as last recorded.",
            )
        )
    else:
        blocks.append(
            Block(
                "p",
                f"{count:,} progress {'update was' if count == 1 else 'updates were'} recorded in "
                f"{c['quarter']} ({c['quarter_months']}). RAG last quarter is the status at the end of "
                f"{c['previous_quarter']}; RAG now is the status at the end of {c['quarter']}.",
            )
        )
    if not c.get("priorities"):
        blocks.append(Block("p", "The plan has no actions."))
    for p in c.get("priorities") or []:
        blocks.append(Block("h3", p["title"]))
        if not p["actions"]:
            blocks.append(Block("p", "No actions are recorded under this priority."))
            continue
        rows = [
            [
                a["action"],
                a["lead"] or "Not named",
                a["due"] or "None",
                a["rag_last"],
                a["rag_now"],
                a["changed"],
            ]
            for a in p["actions"]
        ]
        blocks.append(
            _table(
                f"Actions under {p['title']}",
                ["Action", "Lead", "Due", "RAG last quarter", "RAG now", "What changed"],
                rows,
            )
        )
        updates = [
            f"{u['date']}, {a['short']}: {u['text']}"
            + (f" (RAG {u['rag']})" if u.get("rag") else "")
            + (f" – {u['author']}" if u.get("author") else "")
            for a in p["actions"]
            for u in a["updates"]
        ]
        if updates:
            blocks.append(Block("list", items=tuple(updates)))
        else:
            blocks.append(Block("p", f"No updates on these actions in {c['quarter']}."))
    return PackSection("progress", "Progress by priority", tuple(blocks))


def targets_section(c: dict[str, Any]) -> PackSection:
    blocks: list[Block] = []
    targets = c.get("targets") or []
    if not targets:
        blocks.append(Block("p", "The plan has no targets."))
    for t in targets:
        blocks.append(Block("h3", t["description"]))
        latest = t.get("latest")
        blocks.append(
            Block(
                "p",
                f"Latest value: {latest['shown']} for {latest['period']} ({latest['source'].lower()})."
                if latest
                else "No value is recorded yet.",
            )
        )
        blocks.append(Block("p", f"Status: {t['status']}. {t['sentence']}"))
        if t.get("signals"):
            blocks.append(
                Block("p", "Special-cause variation in the quarter: " + "; ".join(t["signals"]) + ".")
            )
        chart = t.get("chart")
        if chart:
            blocks.append(
                Block("chart", chart=Chart(chart["id"], chart["title"], chart["svg"], chart["alt"], ""))
            )
        if t.get("values"):
            blocks.append(
                _table(
                    f"Values of {t['description']}",
                    ["Period", "Value", "Source"],
                    [[v["period"], v["shown"], v["source"]] for v in t["values"]],
                    numeric=(1,),
                )
            )
    return PackSection("targets", "Targets", tuple(blocks))


def _heatmap(caption: str, rows: list[dict[str, Any]]) -> Block:
    columns = [""] + [f"{cell['likelihood']} likelihood" for cell in rows[0]["cells"]]
    body = [
        [f"{r['impact']} impact"] + [f"{cell['count']} ({cell['rating'].lower()})" for cell in r["cells"]]
        for r in rows
    ]
    return _table(caption, columns, body)


def risks_section(c: dict[str, Any]) -> PackSection:
    blocks: list[Block] = []
    risks = c.get("risks") or []
    if not risks:
        blocks.append(Block("p", "The plan's risk register is empty."))
        return PackSection("risks", "Risks", tuple(blocks))
    rose = [r for r in risks if r["rose"]]
    blocks.append(
        Block(
            "p",
            f"{len(risks)} {'risk' if len(risks) == 1 else 'risks'} in the register; "
            f"{len(rose)} rose since the end of {c['previous_quarter']}. A risk's reading is its latest "
            "review on or before the end of each quarter.",
        )
    )
    rows = [[r["risk"], r["owner"] or "Not named", r["last"], r["now"], r["change"]] for r in risks]
    blocks.append(
        _table(
            "The risk register",
            ["Risk", "Owner", f"End of {c['previous_quarter']}", f"End of {c['quarter']}", "Change"],
            rows,
        )
    )
    blocks.append(_heatmap(f"Risks not closed at the end of {c['quarter']}", c["heatmap_now"]))
    blocks.append(_heatmap(f"Risks not closed at the end of {c['previous_quarter']}", c["heatmap_last"]))
    blocks.append(
        Block(
            "p",
            "Each cell counts the risks not closed with that impact and likelihood, and gives the "
            "rating (low, medium or high) the two make together. A risk with no review by the end "
            f"of {c['previous_quarter']} is not counted in that quarter's table.",
        )
    )
    return PackSection("risks", "Risks", tuple(blocks))


def money_section(c: dict[str, Any]) -> PackSection:
    blocks: list[Block] = []
    funding = c.get("funding") or []
    if funding:
        blocks.append(
            _table(
                "Funding streams",
                ["Funding stream", "Amount", "How often"],
                [[f["name"], f["amount"] or "Not stated", f["frequency"] or "Not stated"] for f in funding],
            )
        )
    else:
        blocks.append(Block("p", "No funding streams are recorded."))
    projects = c.get("projects") or []
    if not projects:
        blocks.append(Block("p", "No projects are recorded."))
        return PackSection("money", "Money and projects", tuple(blocks))
    rows = [
        [
            p["name"],
            p["provider"] or "Not named",
            _money(p["budget"]),
            _money(p["spent"]),
            _money(p["profile"]),
            p["return_status"],
            p["targets_met"],
            p["outputs"] or "None reported",
        ]
        for p in projects
    ]
    blocks.append(
        _table(
            f"Projects: spend to the end of {c['quarter']} and the quarter's return",
            [
                "Project",
                "Provider",
                "Budget",
                "Spent to date",
                "Profile to date",
                "Return",
                "Output targets met",
                "Outputs",
            ],
            rows,
            numeric=(2, 3, 4),
        )
    )
    blocks.append(
        Block(
            "p",
            "Spent to date adds the spend each quarterly return reports. The profile spreads the "
            "budget evenly over the contract's quarters; spend is behind profile when it is less "
            f"than {c.get('behind_profile_percent', 90)}% of the profile to date.",
        )
    )
    return PackSection("money", "Money and projects", tuple(blocks))


def _month_row(m: dict[str, Any]) -> list[str]:
    if m["label"]:
        normal = f"{m['lower']:,.0f} to {m['upper']:,.0f} ({m['label']})"
    else:
        normal = "Not enough history"
    return [m["month_label"], _number(m["count"]), _number(m["year_earlier"]), normal]


def series_sentence(series: dict[str, Any], place: str, months: str) -> str:
    """What one series did in the quarter, in words true for the months held."""
    name = "Crime" if series["name"] == "All crime" else series["name"]
    total, earlier = series["total"], series["total_year_earlier"]
    if total is None:
        text = f"The store does not hold every month of {months} for {place}, so no total is given."
    elif earlier is None:
        text = (
            f"{name} in {place}: {total:,} in {months}. The store does not hold the same months a year "
            "earlier, so no change is given."
        )
    else:
        if earlier == total:
            change = "the same"
        elif earlier == 0:
            change = "up from none"
        else:
            pct = 100 * (total - earlier) / earlier
            change = f"{'up' if pct > 0 else 'down'} {abs(pct):.0f}%"
        text = (
            f"{name} in {place}: {total:,} in {months}, against {earlier:,} in the same months a year "
            f"earlier ({change})."
        )
    labels = [m["label"] for m in series["months"] if m["label"]]
    if not labels:
        text += (
            " No month is judged against its normal range: that needs the same month in each of the "
            "three years before, which the store does not hold."
        )
    else:
        counts = {k: labels.count(k) for k in ("above", "within", "below")}
        text += (
            f" Against the normal range for the time of year, {counts['above']} of the {len(labels)} months "
            f"judged {'was' if counts['above'] == 1 else 'were'} above it, {counts['within']} within and "
            f"{counts['below']} below."
        )
    return text


def area_section(c: dict[str, Any]) -> PackSection:
    a = c.get("area") or {}
    blocks: list[Block] = []
    if a.get("problem"):
        blocks.append(Block("p", a["problem"]))
        return PackSection("area", "The area's data", tuple(blocks))
    blocks.append(
        Block(
            "p",
            f"Police-recorded crime and anti-social behaviour (ASB) in {a['name']} in {c['quarter_months']}, "
            "each month against the same month a year earlier and against its normal range for the "
            "time of year.",
        )
    )
    if a.get("missing_text"):
        blocks.append(Block("p", a["missing_text"]))
    if a.get("above"):
        blocks.append(
            Block(
                "p",
                "Above the normal range in at least two of the quarter's months: "
                + ", ".join(a["above"])
                + ".",
            )
        )
    for place in a.get("places") or []:
        blocks.append(Block("h3", place["name"]))
        for series in (place["crime"], place["asb"]):
            blocks.append(
                _table(
                    f"{series['name']} in {place['name']}, {c['quarter_months']}",
                    ["Month", "Count", "A year earlier", "Normal range"],
                    [_month_row(m) for m in series["months"]],
                    numeric=(1, 2),
                )
            )
            blocks.append(Block("p", series_sentence(series, place["name"], c["quarter_months"])))
    return PackSection("area", "The area's data", tuple(blocks))


def method_section(c: dict[str, Any]) -> PackSection:
    blocks = [
        Block(
            "p",
            f"Built on {c['generated_on']} from the plan as it was then and data store snapshot "
            f"{c.get('snapshot_id') or 'not recorded'}. {c['sign_off']}",
        ),
        Block("list", items=tuple(c.get("assumptions") or ())),
    ]
    return PackSection("how", "How this pack was made", tuple(blocks))


def pack_sections(c: dict[str, Any]) -> list[PackSection]:
    """The pack's sections, exceptions first, from its content."""
    return [
        exceptions_section(c),
        progress_section(c),
        targets_section(c),
        risks_section(c),
        money_section(c),
        area_section(c),
        method_section(c),
    ]


def _png_data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


@lru_cache(maxsize=1)
def _template():  # noqa: ANN202
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]))
    env.filters["png_data_uri"] = _png_data_uri
    return env.get_template("board_pack.html.j2")


def pack_charts(content: dict[str, Any]) -> list[Chart]:
    """The pack's charts, in order."""
    return [b.chart for s in pack_sections(content) for b in s.blocks if b.kind == "chart" and b.chart]


def pack_pngs(content: dict[str, Any]) -> dict[str, bytes]:
    """Each chart as PNG, by its id: drawn once for the PDF and the Word file."""
    charts = pack_charts(content)
    return dict(zip((c.id for c in charts), chart_pngs(charts), strict=True)) if charts else {}


def render_pack_html(
    content: dict[str, Any], *, draft: bool, for_print: bool = False, pngs: dict[str, bytes] | None = None
) -> str:
    """The pack as one self-contained HTML file; ``for_print`` gives the PDF's source.

    The page shows each chart as its SVG; the PDF as PNG (``pngs``, drawn when not given),
    which WeasyPrint lays out several times faster than SVG.
    """
    if for_print and pngs is None:
        pngs = pack_pngs(content)
    return _template().render(
        c=content, sections=pack_sections(content), draft=draft, for_print=for_print, pngs=pngs or {}
    )


def pack_pdf(content: dict[str, Any], *, draft: bool, pngs: dict[str, bytes] | None = None) -> bytes:
    """The pack as PDF (WeasyPrint, from the print HTML); a draft has "Draft" at the top of each page."""
    from weasyprint import HTML  # slow to load: only PDFs need it

    return HTML(string=render_pack_html(content, draft=draft, for_print=True, pngs=pngs)).write_pdf()


def pack_docx(content: dict[str, Any], *, draft: bool, pngs: dict[str, bytes] | None = None) -> bytes:
    """The pack as a Word document, A4, Arial; a draft has "Draft" in every page's header."""
    from docx import Document
    from docx.shared import Cm, Mm, Pt

    doc = Document()
    for section in doc.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin = section.right_margin = Mm(20)
        if draft:
            header = section.header.paragraphs[0]
            run = header.add_run(f"{DRAFT}: not signed off")
            run.bold = True
    doc.styles["Normal"].font.name = "Arial"
    doc.styles["Normal"].font.size = Pt(10)
    # Word files record when they were made; a fixed date keeps a pack's file the same when remade.
    doc.core_properties.created = doc.core_properties.modified = _fixed_time(content)
    doc.core_properties.title = content["title"]
    if draft:
        doc.add_paragraph().add_run(f"{DRAFT}: this pack has not been signed off.").bold = True
    doc.add_heading(content["title"], level=0)
    doc.add_paragraph(content["intro"])
    sections = pack_sections(content)
    pngs = pack_pngs(content) if pngs is None else pngs
    for sec in sections:
        doc.add_heading(sec.title, level=1)
        for b in sec.blocks:
            if b.kind == "p":
                doc.add_paragraph(b.text)
            elif b.kind == "h3":
                doc.add_heading(b.text, level=2)
            elif b.kind == "list":
                for line in b.items:
                    doc.add_paragraph(line, style="List Bullet")
            elif b.kind == "chart" and b.chart is not None:
                picture = doc.add_picture(io.BytesIO(pngs[b.chart.id]), width=Cm(12))
                picture._inline.docPr.set("title", b.chart.title)
                picture._inline.docPr.set("descr", b.chart.alt)
                doc.add_paragraph(f"{b.chart.title}. {b.chart.alt}", style="Caption")
            elif b.kind == "table" and b.table is not None:
                t = b.table
                doc.add_paragraph(t["caption"], style="Caption")
                table = doc.add_table(rows=1, cols=len(t["columns"]))
                table.style = "Table Grid"
                for cell, name in zip(table.rows[0].cells, t["columns"], strict=True):
                    cell.text = str(name)
                    if cell.paragraphs[0].runs:
                        cell.paragraphs[0].runs[0].bold = True
                for row in t["rows"]:
                    for cell, value in zip(table.add_row().cells, row, strict=True):
                        cell.text = value
        if sec.page_break_after:
            doc.add_page_break()
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _fixed_time(content: dict[str, Any]):  # noqa: ANN202
    import datetime as dt

    return dt.datetime.fromisoformat(content.get("generated_at") or "2000-01-01T00:00:00")


def write_pack(
    content: dict[str, Any],
    *,
    draft: bool,
    formats: tuple[str, ...] = FORMATS,
    progress: Callable[[str], None] | None = None,
) -> dict[str, bytes]:
    """The pack in each of ``formats``: {format: bytes}.

    The charts are drawn as PNG once, for the PDF and the Word file; the PDF is laid out in a
    process of its own (:class:`~saferplaces.reports.documents.PdfPrinter`, as the assessment's)
    while the HTML and the Word file are written. ``progress(format)`` is called before each.
    """
    pngs = pack_pngs(content) if {"pdf", "docx"} & set(formats) else {}
    out: dict[str, bytes] = {}
    with tempfile.TemporaryDirectory(prefix="saferplaces-pack-") as tmp:
        pdf_path = Path(tmp) / "pack.pdf"
        printer = PdfPrinter(1) if "pdf" in formats and len(formats) > 1 else None
        try:
            if printer is not None:
                printer.submit(render_pack_html(content, draft=draft, for_print=True, pngs=pngs), pdf_path)
            for fmt in formats:
                if progress:
                    progress(fmt)
                if fmt == "html":
                    out[fmt] = render_pack_html(content, draft=draft).encode("utf-8")
                elif fmt == "docx":
                    out[fmt] = pack_docx(content, draft=draft, pngs=pngs)
                elif fmt == "pdf" and printer is None:
                    out[fmt] = pack_pdf(content, draft=draft, pngs=pngs)
            if printer is not None:
                printer.wait()
                out["pdf"] = pdf_path.read_bytes()
        finally:
            if printer is not None:
                printer.__exit__(None, None, None)
    return {fmt: out[fmt] for fmt in formats}
