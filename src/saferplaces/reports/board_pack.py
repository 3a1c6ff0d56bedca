"""The quarterly board pack as HTML, PDF and Word, from its frozen content (issue 11).

The web app gathers the pack's facts into plain data (a JSON-ready dict, "the content": see
docs/board-packs.md) and freezes it; this module turns that content into words, tables and
charts (:func:`pack_sections`) and writes the three formats from the same sections, with
the assessment report's look. A draft says "Draft" on every page of every format.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from saferplaces.reports.charts import Chart, chart_pngs
from saferplaces.reports.html_report import TEMPLATES

FORMATS = ("html", "pdf", "docx")
ASKS = {"note": "Note", "decide": "Decide", "escalate": "Escalate"}
DRAFT = "Draft"
#: At the top of every page of a draft's PDF.
DRAFT_MARK = "DRAFT: not signed off"
#: The first words of a draft's HTML and PDF.
DRAFT_NOTE = f"{DRAFT}: this pack has not been signed off. Its figures and asks may change."
#: The last words of the HTML and the PDF.
FOOTER = (
    "Made with Safer Places. Crime and anti-social behaviour figures: data.police.uk, Open Government "
    "Licence v3.0."
)
#: What a chart's caption says after its text alternative: its values table follows it.
CHART_TABLE = "The values are in the table below."
TYPST_TEMPLATE = TEMPLATES / "board_pack.typ"


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
                a["due"] or "Not set",
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


@lru_cache(maxsize=1)
def _template():  # noqa: ANN202
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]))
    return env.get_template("board_pack.html.j2")


def pack_charts(content: dict[str, Any]) -> list[Chart]:
    """The pack's charts, in order."""
    return [b.chart for s in pack_sections(content) for b in s.blocks if b.kind == "chart" and b.chart]


def pack_pngs(content: dict[str, Any]) -> dict[str, bytes]:
    """Each chart as PNG, by its id, for the Word file (Typst draws them, without Python's lock)."""
    charts = pack_charts(content)
    return dict(zip((c.id for c in charts), chart_pngs(charts), strict=True)) if charts else {}


def render_pack_html(content: dict[str, Any], *, draft: bool) -> str:
    """The pack as one self-contained HTML file, each chart as its SVG."""
    return _template().render(
        c=content,
        sections=pack_sections(content),
        draft=draft,
        draft_note=DRAFT_NOTE,
        footer=FOOTER,
        chart_table=CHART_TABLE,
    )


def _print_table(t: dict[str, Any]) -> dict[str, Any]:
    """A table for the PDF: its cells, and its columns' widths and page worked out as the
    assessment's are (:func:`~saferplaces.reports.html_report.column_widths`), on an upright page.

    Every pack table fits an upright page with each column at least as wide as its longest
    word (the widest, the projects' eight columns, needs about 540 of 688 px): only a table
    whose longest words do not fit across that page (a long address in a project's outputs,
    say) goes on a landscape page of its own.
    """
    from saferplaces.reports.html_report import PORTRAIT_PX, column_widths
    from saferplaces.reports.tables import Table

    shape = Table("", t["caption"], tuple(t["columns"]), tuple(tuple(row) for row in t["rows"]))
    widths = column_widths(shape, page=PORTRAIT_PX)
    wide = widths is None and bool(t["rows"])
    return {
        "kind": "table",
        "caption": t["caption"],
        "columns": [str(c) for c in t["columns"]],
        "rows": t["rows"],
        "numeric": t["numeric"],
        "widths": column_widths(shape) if wide else widths,
        "wide": wide,
    }


def print_data(content: dict[str, Any], *, draft: bool) -> dict[str, Any]:
    """Everything the PDF shows, as plain data for ``templates/board_pack.typ``: the same
    sections as the HTML and Word files."""
    from saferplaces.reports.assessment_pdf import chart_share

    sections = []
    for s in pack_sections(content):
        blocks: list[dict[str, Any]] = []
        for b in s.blocks:
            if b.kind == "chart" and b.chart is not None:
                c = b.chart
                blocks.append(
                    {
                        "kind": "chart",
                        "title": c.title,
                        "alt": c.alt,
                        "svg": c.svg,
                        "share": chart_share(c.svg),
                        "after": CHART_TABLE,
                    }
                )
            elif b.kind == "table" and b.table is not None:
                blocks.append(_print_table(b.table))
            else:
                blocks.append({"kind": b.kind, "text": b.text, "items": list(b.items)})
        # the exceptions are on pages of their own, as the HTML asks a browser to print them
        sections.append({"id": s.id, "title": s.title, "own_page": s.page_break_after, "blocks": blocks})
    return {
        "document_title": f"{DRAFT}: {content['title']}" if draft else content["title"],
        "draft": draft,
        "draft_mark": DRAFT_MARK,
        "draft_note": DRAFT_NOTE,
        "banner": "Safer Places: draft board pack" if draft else "Safer Places",
        "kind": "Quarterly board pack",
        "title": content["title"],
        "intro": content["intro"],
        "sign_off": content["sign_off"],
        "sections": sections,
        "footer": FOOTER,
    }


def pack_pdf(content: dict[str, Any], *, draft: bool) -> bytes:
    """The pack as PDF, typeset by Typst (tagged, PDF/UA-1); a draft has "DRAFT: not signed off"
    at the top of every page."""
    from zoneinfo import ZoneInfo

    from saferplaces.reports.typst_run import run_typst

    # dated when the pack was built (the app's time, in London), as the Word file is: the same
    # content makes the same PDF
    made = _fixed_time(content).replace(tzinfo=ZoneInfo("Europe/London"))
    pdf = run_typst(
        TYPST_TEMPLATE,
        {"data": print_data(content, draft=draft)},
        "board pack's PDF",
        "The pack was not built: report this to the Safer Places team, naming the plan and quarter.",
        pdf_standards=["ua-1"],
        timestamp=int(made.timestamp()),
    )
    assert isinstance(pdf, bytes)  # one document
    return pdf


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

    Typst typesets the PDF, and draws the charts' PNGs for the Word file, on threads beside the
    HTML (it releases Python's lock), as ``documents.write_assessment`` does; the Word file is
    written last, once its pictures are drawn. ``progress(format)`` is called before each.
    """
    if len(formats) == 1 and formats[0] != "docx":
        if progress:
            progress(formats[0])
        one = pack_pdf(content, draft=draft) if formats[0] == "pdf" else _html(content, draft)
        return {formats[0]: one}
    out: dict[str, bytes] = {}
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="typst") as pool:
        pdf = pool.submit(pack_pdf, content, draft=draft) if "pdf" in formats else None
        pngs = pool.submit(pack_pngs, content) if "docx" in formats else None
        for fmt in sorted(formats, key=lambda f: f == "docx"):
            if progress:
                progress(fmt)
            if fmt == "html":
                out[fmt] = _html(content, draft)
            elif fmt == "pdf" and pdf is not None:
                out[fmt] = pdf.result()
            elif fmt == "docx" and pngs is not None:
                out[fmt] = pack_docx(content, draft=draft, pngs=pngs.result())
    return {fmt: out[fmt] for fmt in formats}


def _html(content: dict[str, Any], draft: bool) -> bytes:
    return render_pack_html(content, draft=draft).encode("utf-8")
