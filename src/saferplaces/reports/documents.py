"""Write an assessment as JSON, HTML, PDF, DOCX and XLSX files."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from pathlib import Path

from saferplaces.assessment.model import StrategicAssessment
from saferplaces.reports.csv_cells import text_not_formulas
from saferplaces.reports.drawn_charts import chart_pngs
from saferplaces.reports.formats import FORMATS, parse_formats
from saferplaces.reports.tables import assessment_tables
from saferplaces.wording import the_window

__all__ = [
    "FORMATS",
    "parse_formats",
    "write_assessment",
    "write_assessments",
]

# The charts (plain SVG drawn in Python, ADR 0028) and the HTML report are imported by the
# writers that use them, so that writing JSON or XLSX alone never loads them: a cold
# `saferplaces assess --format json` starts faster (issue #9, docs/benchmarks.md).


def write_json(a: StrategicAssessment, path: Path, **_: object) -> None:
    path.write_text(json.dumps(a.to_dict(), indent=2, default=str), encoding="utf-8")


def write_html(a: StrategicAssessment, path: Path, charts: list | None = None, **_: object) -> None:
    from saferplaces.reports.html_report import render_html

    path.write_text(render_html(a, charts), encoding="utf-8")


def write_pdf(a: StrategicAssessment, path: Path, charts: list | None = None, **_: object) -> None:
    from saferplaces.reports.assessment_pdf import write_pdf as typeset_pdf

    typeset_pdf(a, path, charts)


def write_xlsx(a: StrategicAssessment, path: Path, **_: object) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    first = book.active
    first.title = "Findings"
    first.append(["Section", "Finding", "Table"])
    for f in a.findings:
        first.append([f.section, f.text, f.table])
    for t in assessment_tables(a):
        sheet = book.create_sheet(t.id[:31])
        sheet.append([t.caption])
        sheet["A1"].font = Font(bold=True)
        sheet.append(list(t.columns))
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        # typed values where the table has them: numbers stay numbers, intervals are two columns
        for row in t.values or t.rows:
            sheet.append([_cell(v) for v in row])
        if t.note:
            sheet.append([])
            sheet.append([t.note])
    notes = book.create_sheet("Assumptions")
    for line in a.assumptions:
        notes.append([line])
    if a.defaults:
        sheet = book.create_sheet("Defaults")
        sheet.append(["Default", "Value", "What it means"])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for d in a.defaults:
            sheet.append([d.title, d.shown or d.value, d.sentence])
    notes.append([])
    notes.append([a.attribution])
    text_not_formulas(book)  # a segment or area name starting "=" stays a name
    book.save(path)


def _cell(value: object) -> object:
    """Numbers go into Excel as numbers, so analysts can sort and sum them."""
    if isinstance(value, str):
        text = value.replace(",", "")
        try:
            return int(text)
        except ValueError:
            try:
                return float(text)
            except ValueError:
                return value
    return value


def write_docx(
    a: StrategicAssessment,
    path: Path,
    charts: list | None = None,
    pictures: Callable[[], list[bytes]] | None = None,
    **_: object,
) -> None:
    """The Word file. ``pictures`` gives the charts' PNGs (made on a thread by
    ``write_assessment``); without it they are made here."""
    from io import BytesIO

    from docx import Document
    from docx.shared import Cm, Mm, Pt

    from saferplaces.reports.html_report import sections

    if charts is None:
        from saferplaces.reports.charts import assessment_charts

        charts = assessment_charts(a)
    made = pictures() if pictures is not None else chart_pngs(charts)
    pngs = dict(zip((c.id for c in charts), made, strict=True))  # Word needs PNG
    doc = Document()
    for section in doc.sections:  # python-docx's template is US Letter; board packs are A4
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin = section.right_margin = Mm(20)
    doc.styles["Normal"].font.name = "Arial"
    doc.styles["Normal"].font.size = Pt(10)
    style_ids: dict[str, str] = {}

    def paragraph(text: str, style: str | None = None) -> None:
        """A paragraph in a named style. The style's id is looked up once: python-docx looks
        a name up among every style on each call, which took a fifth of the file's time."""
        added = doc.add_paragraph(text)
        if style is not None:
            if style not in style_ids:
                style_ids[style] = doc.styles[style].style_id
            added._p.style = style_ids[style]

    doc.add_heading(f"{a.area.name}: {a.period.label}", level=0)
    if a.period.partial:
        paragraph(
            f"The store holds only {a.period.label} of {the_window(a.period.requested)}; "
            "every figure is for those months."
        )
    paragraph("Community safety strategic assessment, made with Safer Places.")
    for sec in sections(a, charts):
        doc.add_heading(sec.title, level=1)
        if sec.numbered:
            paragraph(sec.list_title)
            for line in sec.numbered:
                paragraph(line, style="List Number")
        for line in sec.intro:
            paragraph(line)
        for line in sec.box:
            paragraph(line, style="List Bullet")
        for f in sec.findings:
            paragraph(f.text, style="List Bullet")
        for c in sec.charts:
            picture = doc.add_picture(BytesIO(pngs[c.id]), width=Cm(15))
            # the text alternative, as Word's "Alt Text" (the drawing's title and description)
            properties = picture._inline.docPr
            properties.set("title", c.title)
            properties.set("descr", c.alt)
            paragraph(f"{c.title}. {c.alt}", style="Caption")
        for t in sec.tables:
            paragraph(t["caption"], style="Caption")
            # every row made at once: adding rows one by one works out the column widths again each time
            table = doc.add_table(rows=1 + len(t["rows"]), cols=len(t["columns"]))
            table.style = "Table Grid"
            rows = table.rows
            for cell, name in zip(rows[0].cells, t["columns"], strict=True):
                cell.text = str(name)
                cell.paragraphs[0].runs[0].bold = True
            for table_row, row in zip(rows[1:], t["rows"], strict=True):
                for cell, value in zip(table_row.cells, row, strict=True):
                    cell.text = str(value)
            if t["note"]:
                paragraph(t["note"])
        if sec.id == "how-we-calculated":
            for line in a.assumptions:
                paragraph(line, style="List Bullet")
            doc.add_heading("Methods used", level=2)
            for m in a.methods:
                paragraph(f"{m.name}. {m.reference}", style="List Bullet")
            if a.defaults:
                doc.add_heading("Analytic defaults", level=2)
                for d in a.defaults:
                    paragraph(f"{d.title}: {d.shown or d.value}. {d.sentence}", style="List Bullet")
    paragraph(a.attribution)
    doc.save(path)


WRITERS: dict[str, Callable[..., None]] = {
    "json": write_json,
    "html": write_html,
    "pdf": write_pdf,
    "docx": write_docx,
    "xlsx": write_xlsx,
}


def write_assessment(
    a: StrategicAssessment,
    out: Path,
    formats: Sequence[str] = FORMATS,
    progress: Callable[[str, float, float], None] | None = None,
    pool: ThreadPoolExecutor | None = None,
) -> list[Path]:
    """Write ``assessment.<format>`` for each format into ``out``; return the paths.

    Charts are drawn once (SVG) for the HTML, PDF and DOCX. Typst typesets the PDF and draws the
    Word file's pictures on threads of ``pool`` (it releases Python's lock, so they run beside
    the HTML and Excel files on the second core); everything is finished when this returns.

    The files are written into a hidden folder beside them and moved into ``out`` only when
    every one is written, each whole: a failed format (or a process killed while writing)
    leaves the files of an earlier run as they were, never a half-written file under an
    ``assessment.*`` name. A working folder left by a killed run is removed by the next run.
    """
    out.mkdir(parents=True, exist_ok=True)
    _remove_stale_staging(out)
    staging = Path(tempfile.mkdtemp(prefix=STAGING, dir=out))
    try:
        _write_formats(a, staging, formats, progress, pool)
        for fmt in formats:
            os.replace(staging / f"assessment.{fmt}", out / f"assessment.{fmt}")
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    if progress:
        progress("Writing reports", len(formats), len(formats))
    return [out / f"assessment.{fmt}" for fmt in formats]


#: The prefix of the hidden folder an assessment's files are written into before they are moved.
STAGING = ".assessment-"
#: A working folder older than this was left by a run that was killed: no run takes so long.
STALE_SECONDS = 3600


def _remove_stale_staging(out: Path) -> None:
    now = time.time()
    for folder in out.glob(f"{STAGING}*"):
        with contextlib.suppress(OSError):
            if folder.is_dir() and now - folder.stat().st_mtime > STALE_SECONDS:
                shutil.rmtree(folder, ignore_errors=True)


def _write_formats(
    a: StrategicAssessment,
    out: Path,
    formats: Sequence[str],
    progress: Callable[[str, float, float], None] | None,
    pool: ThreadPoolExecutor | None,
) -> None:
    charts = _charts(a) if {"html", "pdf", "docx"} & set(formats) else []
    own = pool is None and len(formats) > 1 and bool({"pdf", "docx"} & set(formats))
    if own:
        pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="typst")
    pdf: Future | None = None
    pictures: Future | None = None
    try:
        if pool is not None:
            if "pdf" in formats:
                pdf = pool.submit(write_pdf, a, out / "assessment.pdf", charts=charts)
            if "docx" in formats:
                pictures = pool.submit(chart_pngs, charts)
        # the Word file last, so that its pictures are drawn while the others are written
        rest = sorted((f for f in formats if f != "pdf" or pdf is None), key=lambda f: f == "docx")
        for i, fmt in enumerate(rest):
            if progress:
                progress("Writing reports", i, len(formats))
            WRITERS[fmt](a, out / f"assessment.{fmt}", charts=charts, pictures=pictures and pictures.result)
    finally:
        # the threads' work is waited for even when a writer here failed, so that nothing is
        # still writing into the folder when it is removed
        wait([job for job in (pdf, pictures) if job is not None])
        if own and pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
    if pdf is not None:
        pdf.result()


def _charts(a: StrategicAssessment) -> list:
    from saferplaces.reports.charts import assessment_charts

    return assessment_charts(a)


def write_assessments(
    items: Iterable[tuple[StrategicAssessment, Path]],
    formats: Sequence[str] = FORMATS,
    workers: int | None = None,
) -> list[Path]:
    """Write many assessments, each into its own folder, each PDF typeset on a thread beside that
    assessment's other files. ``items`` may be a generator (``build_assessments``). The files are
    the same as ``write_assessment`` writes."""
    workers = workers or 1
    written: list[Path] = []
    with ThreadPoolExecutor(max_workers=2 * workers, thread_name_prefix="typst") as pool:
        for a, out in items:
            written += write_assessment(a, out, formats, pool=pool)
    return written
