"""The assessment's five files: each opens in the tool a council officer would use."""

from __future__ import annotations

import json
import zipfile

import pytest
from markupsafe import escape

from saferplaces.assessment.build import build_assessment
from saferplaces.errors import InputError
from saferplaces.reports.documents import parse_formats, write_assessment
from tests.pdf_tags import HOSTILE, figure_alts, pdf_text


@pytest.fixture(scope="module")
def written(bundled_store, tmp_path_factory):
    a = build_assessment(bundled_store, "Tamworth", "2025")
    out = tmp_path_factory.mktemp("assessment")
    return a, {p.suffix[1:]: p for p in write_assessment(a, out)}


TAMWORTH = "E07000199"
MONTHS_2025 = [f"2025-{m:02d}" for m in range(1, 13)]


def test_json_holds_the_values_not_only_the_keys(written):
    from saferplaces.defaults import DEFAULTS
    from tests.conftest import raw_counts_by_type

    a, files = written
    data = json.loads(files["json"].read_text())
    assert data["area"]["code"] == TAMWORTH and data["area"]["name"] == "Tamworth"
    assert (data["period"]["start"], data["period"]["end"]) == ("2025-01", "2025-12")
    assert data["period"]["label"] == "calendar year 2025" and data["period"]["partial"] is False
    # counts by crime type, against the raw CSVs read with the csv module
    expected = raw_counts_by_type(MONTHS_2025, TAMWORTH, "2021")
    rows = {r["crime_type"]: r for r in data["crime_types"]}
    assert {t: r["count"] for t, r in rows.items() if r["count"]} == dict(expected)
    for r in data["crime_types"]:
        assert r["lower"] <= r["rate"] <= r["upper"]
        assert r["rate"] == pytest.approx(r["count"] / data["area"]["population"] * 1000, abs=0.005)
    # the months compared and their counts: January to April 2024 is all that is held a year earlier
    assert data["period"]["comparison_label"] == "January to April 2025 against January to April 2024"
    before = raw_counts_by_type([f"2024-{m:02d}" for m in range(1, 5)], TAMWORTH, "2021")
    assert {t: r["previous_count"] for t, r in rows.items() if r["previous_count"]} == dict(before)
    assert [f["text"] for f in data["findings"]] == [f.text for f in a.findings]
    assert [(d["name"], d["value"]) for d in data["defaults"]] == [
        (d.name, d.value) for d in DEFAULTS.describe()
    ]


def test_html_is_self_contained_and_accessible(written):
    a, files = written
    html = files["html"].read_text()
    assert '<html lang="en-GB">' in html and "<caption>" in html and 'scope="col"' in html
    assert html.count('role="img" aria-label=') >= 3
    assert 'src="http' not in html and 'href="http' not in html  # nothing loads from outside
    assert "Open Government Licence" in html
    for f in a.findings:
        assert str(escape(f.text)) in html


def test_pdf_is_a_printed_document_with_page_numbers(written):
    from pypdf import PdfReader

    a, files = written
    reader = PdfReader(files["pdf"])
    pages = len(reader.pages)
    assert pages >= 4
    first = reader.pages[0].extract_text()
    assert f"{a.area.name}: {a.period.label}" in first and "Contents" in first
    assert f"Page {pages} of {pages}" in reader.pages[-1].extract_text()


def test_docx_uses_real_headings_and_tables_on_a4_with_alt_text(written):
    from docx import Document

    a, files = written
    doc = Document(str(files["docx"]))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert "Crime types" in headings and "How we calculated this" in headings
    assert "Analytic defaults" in headings
    assert len(doc.tables) >= 4
    assert doc.tables[0].rows[0].cells[0].text == "Measure"
    for section in doc.sections:
        # A4 (Word stores twentieths of a point, so to the nearest millimetre)
        assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    pictures = doc.inline_shapes
    assert len(pictures) >= 3
    from saferplaces.reports.charts import assessment_charts

    alts = {c.alt for c in assessment_charts(a)}
    described = [p._inline.docPr.get("descr") for p in pictures]
    assert all(described) and set(described) <= alts


def test_xlsx_holds_numbers_as_numbers(written):
    from openpyxl import load_workbook

    from tests.conftest import raw_counts_by_type

    a, files = written
    book = load_workbook(files["xlsx"])
    assert {
        "Findings",
        "headline",
        "crime-types",
        "changes",
        "wards",
        "months",
        "Assumptions",
        "Defaults",
    } <= set(book.sheetnames)
    sheet = book["crime-types"]
    header = [c.value for c in sheet[2]]
    rows = [r for r in sheet.iter_rows(min_row=3, values_only=True) if r[0] and r[1] is not None]
    by_type = {r[0]: dict(zip(header, r, strict=True)) for r in rows}
    assert {t: r["Count"] for t, r in by_type.items() if r["Count"]} == dict(
        raw_counts_by_type(MONTHS_2025, TAMWORTH, "2021")
    )
    rank = next(h for h in header if h.startswith("Rank of"))
    for r in by_type.values():
        # intervals are two number columns, ranks whole numbers: none of them text
        assert isinstance(r["95% CI lower"], float | int) and isinstance(r["95% CI upper"], float | int)
        assert r["95% CI lower"] <= r["Rate per 1,000"] <= r["95% CI upper"]
        assert isinstance(r[rank], int) and 1 <= r[rank] <= 9
    changes = book["changes"]
    header = [c.value for c in changes[2]]
    for row in changes.iter_rows(min_row=3, values_only=True):
        if not row[0] or row[1] is None:
            continue
        values = dict(zip(header, row, strict=True))
        assert isinstance(values["p-value"], float | int) and isinstance(
            values["p-value adjusted"], float | int
        )
        assert values["p-value"] <= values["p-value adjusted"]


def test_unknown_format_is_refused():
    with pytest.raises(InputError, match="cannot write"):
        parse_formats("html,pdfx")
    assert parse_formats("HTML, json") == ["html", "json"]


def test_docx_is_a_valid_zip(written):
    _, files = written
    assert zipfile.is_zipfile(files["docx"]) and zipfile.is_zipfile(files["xlsx"])


def test_pdf_prints_wide_tables_on_landscape_pages_unclipped(written):
    from pypdf import PdfReader

    from saferplaces.reports.html_report import is_wide
    from saferplaces.reports.tables import assessment_tables

    a, files = written
    pages = PdfReader(files["pdf"]).pages
    wide = [t for t in assessment_tables(a) if is_wide(t)]
    assert wide  # the change table, at least, is too wide for an upright page
    for table in wide:
        # the whole caption, its spacing evened out (a caption may wrap)
        found = [p for p in pages if table.caption in " ".join(p.extract_text().split())]
        assert found, table.caption
        page = found[0]
        assert page.mediabox.width > page.mediabox.height  # landscape
        text = " ".join(page.extract_text().split())
        # every column is on the page, the last one included
        for column in (table.columns[0], table.columns[-1]):
            assert column.split()[0] in text
    assert pages[0].mediabox.width < pages[0].mediabox.height  # the rest stays upright
    assert sum(p.mediabox.width < p.mediabox.height for p in pages) > len(pages) / 2


def test_pdf_holds_the_same_content_as_the_html_and_is_tagged(written):
    """The PDF is typeset from the same sections as the HTML (ADR 0032): every finding, chart
    and table caption is in it, each chart carries its text alternative in the tagged PDF,
    and a screen reader is told the document's title and language."""
    from pypdf import PdfReader

    from saferplaces.reports.charts import assessment_charts
    from saferplaces.reports.tables import assessment_tables

    a, files = written
    reader = PdfReader(files["pdf"])
    text = pdf_text(reader)
    for f in a.findings:
        assert " ".join(f.text.split()) in text, f.text
    charts = assessment_charts(a)
    for c in charts:
        assert c.title in text
    for t in assessment_tables(a):
        assert " ".join(t.caption.split()) in text, t.caption
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root  # tagged for screen readers
    assert str(root["/Lang"]).lower().startswith("en")
    assert reader.metadata.title == f"Strategic assessment: {a.area.name}, {a.period.label}"
    # every chart is a tagged figure with its text alternative
    assert {c.alt for c in charts} <= figure_alts(reader)
    # the contents and "See the table" are links inside the document
    inside = [
        annot.get_object()
        for page in reader.pages
        for annot in page.get("/Annots", [])
        if annot.get_object().get("/Subtype") == "/Link"
    ]
    assert inside and all("/URI" not in (x.get("/A") or {}) for x in inside)


def test_pdf_prints_any_text_as_text_never_as_code(written):
    """Names and sentences reach Typst as data: markup characters in a place name, a finding or
    a table cell are printed as they are, and code in them is never run."""
    from pypdf import PdfReader

    from saferplaces.reports.assessment_pdf import print_data, typeset

    a, _ = written
    data = print_data(a)
    data["title"] = HOSTILE
    first = data["sections"][0]
    first["findings"][0]["text"] = HOSTILE
    table = first["tables"][0]
    table["rows"][0][0] = HOSTILE
    table["caption"] = HOSTILE
    import io

    text = pdf_text(PdfReader(io.BytesIO(typeset(data))))
    assert text.count(" ".join(HOSTILE.split())) >= 3, text[:600]


def test_column_widths_give_every_word_room():
    """Measured with the shipped bold font (Pillow, not the product's widths file), every header
    word of the candidate-priorities table fits its column with the cell's padding, on the page
    the table is printed on: "Recommended" no longer runs into "Caveat"."""
    from PIL import ImageFont

    from saferplaces.reports.html_report import CELL_PX, column_widths, is_wide
    from saferplaces.reports.tables import Table
    from saferplaces.reports.typst_run import FONTS

    narrow = Table("t", "A table", ("Name", "Count"), (("Violence and sexual offences", "4,314"),))
    assert not is_wide(narrow) and sum(column_widths(narrow)) == pytest.approx(100, abs=0.1)
    wide = Table(
        "w",
        "Wide",
        tuple(f"Column {i}" for i in range(12)),
        (tuple("a long cell of text" for _ in range(12)),),
    )
    assert is_wide(wide)
    widths = column_widths(wide)
    bold = ImageFont.truetype(str(FONTS / "LiberationSans-Bold.ttf"), 12)  # 9 pt is 12 px
    # on a landscape page of 1,017 px every column is at least as wide as its longest word
    assert min(widths) / 100 * 1017 >= bold.getlength("Column") + CELL_PX
    header = (
        "Rank",
        "Theme",
        "Score",
        "Harm",
        "Volume",
        "Change",
        "Against the force area",
        "Against similar areas",
        "Vulnerability",
        "Best rank",
        "Worst rank",
        "Recommended for discussion",
        "Caveat",
    )
    row = ("1", "Violence and sexual offences", "0.80", "1.00", "1.00", "0.50", "0.00", "1.00")
    row += ("n/a", "1", "1", "Yes, robust", "Mostly found by police activity")
    priorities = Table("p", "Candidate priorities", header, (row, row))
    page = 1017 if is_wide(priorities) else 688
    for name, share in zip(header, column_widths(priorities), strict=True):
        room = share / 100 * page - CELL_PX
        assert all(bold.getlength(word) <= room + 0.01 for word in name.split()), (name, room)
    too_wide = Table(
        "x",
        "Too wide",
        tuple(f"c{i}" for i in range(40)),
        (tuple("unbreakable-words-everywhere" for _ in range(40)),),
    )
    assert column_widths(too_wide) is None  # left to Typst's automatic columns


def test_a_column_of_numbers_reads_to_the_same_places_and_keeps_its_values():
    """A column's numbers share their decimal places (a board member reads 87.30 under 65.66, not
    87.3), up to three; a table of different measures keeps each number's own places. The typed
    values behind the text (for Excel) are untouched."""
    from saferplaces.reports.tables import typed_table

    t = typed_table("t", "T", ("Ward", "Rate", "Count"), (("A", 87.3, 4), ("B", 65.66, 12), ("C", None, 0)))
    assert [r[1] for r in t.rows] == ["87.30", "65.66", ""] and [r[2] for r in t.rows] == ["4", "12", "0"]
    assert t.values[0][1] == 87.3
    fine = typed_table("f", "F", ("x",), ((0.1234,), (2.0,)))
    assert [r[0] for r in fine.rows] == ["0.123", "2.000"]
    measures = typed_table(
        "m", "M", ("Measure", "Value"), (("Share (%)", 19.8), ("Gini", 0.439)), row_measures=True
    )
    assert [r[1] for r in measures.rows] == ["19.8", "0.439"]
    fixed = typed_table("d", "D", ("x",), ((1.0,), (2.26,)), digits=(1,))
    assert [r[0] for r in fixed.rows] == ["1.0", "2.3"]


def test_a_failed_write_leaves_the_earlier_files_and_nothing_half_written(written, tmp_path, monkeypatch):
    """All or nothing: when one format fails, the files of the earlier run stay as they were
    (the PDF typeset on its thread included) and no working folder is left behind."""
    from saferplaces.reports import documents

    a, _ = written
    first = {p.name: p.read_bytes() for p in write_assessment(a, tmp_path, ("json", "pdf", "xlsx"))}

    def broken(*_: object, **__: object) -> None:
        raise OSError("the disk is full")

    monkeypatch.setitem(documents.WRITERS, "xlsx", broken)
    with pytest.raises(OSError, match="disk is full"):
        write_assessment(a, tmp_path, ("json", "html", "pdf", "xlsx"))  # the HTML is written first
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(first)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == first


def test_a_working_folder_left_by_a_killed_run_is_removed_by_the_next(written, tmp_path):
    import os
    import time

    from saferplaces.reports.documents import STAGING, STALE_SECONDS

    a, _ = written
    left = tmp_path / f"{STAGING}killed"
    left.mkdir()
    (left / "assessment.pdf").write_bytes(b"%PDF-1.7 half")
    old = time.time() - STALE_SECONDS - 60
    os.utime(left, (old, old))
    running = tmp_path / f"{STAGING}still-running"  # another run's, started a moment ago
    running.mkdir()
    write_assessment(a, tmp_path, ("json",))
    assert {p.name for p in tmp_path.iterdir()} == {"assessment.json", running.name}


def test_the_pdf_and_its_charts_are_typeset_without_a_warning(written, caplog):
    """Typst logs what it had to replace (a font, a picture): the assessment's PDF and the Word
    file's chart pictures are made with nothing replaced."""
    import logging

    from saferplaces.reports.assessment_pdf import assessment_pdf
    from saferplaces.reports.charts import assessment_charts
    from saferplaces.reports.drawn_charts import chart_pngs

    a, _files = written
    caplog.set_level(logging.INFO, logger="saferplaces.reports.typst_run")
    charts = assessment_charts(a)
    assert assessment_pdf(a, charts)[:4] == b"%PDF"
    assert len(chart_pngs(charts)) == len(charts)
    assert [r.getMessage() for r in caplog.records] == []


def test_a_column_of_numbers_with_a_component_not_assessed_is_still_a_column_of_numbers():
    """'n/a' (a component not assessed) or an empty cell among numbers keeps the column right-
    aligned as numbers; a column with no number in it is text."""
    from saferplaces.reports.html_report import numeric_column

    assert numeric_column(["1.00", "n/a", "0.38", ""])
    assert numeric_column(["1,933", "-12.7", "+4%"])
    assert not numeric_column(["n/a", "n/a"]) and not numeric_column(["", ""])
    assert not numeric_column(["0.50", "Yes"]) and not numeric_column([])
