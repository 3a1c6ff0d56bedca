"""The assessment's five files: each opens in the tool a council officer would use."""

from __future__ import annotations

import json
import zipfile

import pytest
from markupsafe import escape

from saferplaces.assessment.build import build_assessment
from saferplaces.errors import InputError
from saferplaces.reports.documents import parse_formats, write_assessment


@pytest.fixture(scope="module")
def written(bundled_store, tmp_path_factory):
    a = build_assessment(bundled_store, "Tamworth", "2025")
    out = tmp_path_factory.mktemp("assessment")
    return a, {p.suffix[1:]: p for p in write_assessment(a, out)}


def test_json_has_the_promised_fields(written):
    a, files = written
    data = json.loads(files["json"].read_text())
    assert {
        "area",
        "period",
        "crime_types",
        "wards",
        "findings",
        "priorities",
        "assumptions",
        "data_quality",
    } <= set(data)
    assert {"code", "name", "population", "population_year"} <= set(data["area"])
    assert {"start", "end"} <= set(data["period"])
    row = data["crime_types"][0]
    assert {"crime_type", "count", "rate", "lower", "upper", "previous_count", "change"} <= set(row)


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


def test_docx_uses_real_headings_and_tables(written):
    from docx import Document

    a, files = written
    doc = Document(str(files["docx"]))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert "Crime types" in headings and "How we calculated this" in headings
    assert len(doc.tables) >= 4
    assert doc.tables[0].rows[0].cells[0].text == "Measure"


def test_xlsx_has_one_sheet_per_table_with_numbers(written):
    from openpyxl import load_workbook

    a, files = written
    book = load_workbook(files["xlsx"])
    assert {"Findings", "headline", "crime-types", "wards", "months", "Assumptions"} <= set(book.sheetnames)
    sheet = book["crime-types"]
    counts = [row[1] for row in sheet.iter_rows(min_row=3, values_only=True) if row[0]]
    assert sum(c for c in counts if isinstance(c, int)) == sum(r.count for r in a.crime_types)


def test_unknown_format_is_refused():
    with pytest.raises(InputError, match="cannot write"):
        parse_formats("html,pdfx")
    assert parse_formats("HTML, json") == ["html", "json"]


def test_docx_is_a_valid_zip(written):
    _, files = written
    assert zipfile.is_zipfile(files["docx"]) and zipfile.is_zipfile(files["xlsx"])


def test_pdf_prints_wide_tables_on_landscape_pages_unclipped(written):
    from pypdf import PdfReader

    a, files = written
    pages = PdfReader(files["pdf"]).pages
    found = [p for p in pages if f"Crime types in {a.area.name}: volume" in p.extract_text()]
    assert len(found) == 1
    page = found[0]
    assert page.mediabox.width > page.mediabox.height  # landscape
    text = page.extract_text()
    # every column of the widest table is on the page, the last one included
    for word in ("Crime type", "Count", "Against", "Harm", "Trend"):
        assert word in text
    assert all(p.mediabox.width < p.mediabox.height for p in pages[:2])  # the rest stays upright


def test_print_version_changes_only_the_layout(written):
    from saferplaces.reports.charts import assessment_charts
    from saferplaces.reports.html_report import render_html

    a, _ = written
    charts = assessment_charts(a)
    screen, printed = render_html(a, charts), render_html(a, charts, for_print=True)
    assert screen.count("<svg") == len(charts) and "data:image/svg+xml" not in screen
    assert printed.count('<img src="data:image/svg+xml;base64,') == len(charts) and "<svg" not in printed
    assert 'class="wide"' in printed and 'class="wide"' not in screen
    for c in charts:
        assert str(escape(c.alt)) in screen and str(escape(c.alt)) in printed
    for f in a.findings:
        assert str(escape(f.text)) in printed


def test_column_widths_give_every_word_room():
    from saferplaces.reports.html_report import CELL_PX, CHAR_PX, column_widths, is_wide
    from saferplaces.reports.tables import Table

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
    # on a landscape page of 1,017 px every column is at least as wide as its longest word
    assert min(widths) / 100 * 1017 >= len("Column") * CHAR_PX + CELL_PX
    too_wide = Table(
        "x",
        "Too wide",
        tuple(f"c{i}" for i in range(40)),
        (tuple("unbreakable-words-everywhere" for _ in range(40)),),
    )
    assert column_widths(too_wide) is None  # left to WeasyPrint's own layout
