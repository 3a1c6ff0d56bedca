"""Issue 13, a wider hostile corpus for the plan imports and for every CSV and XLSX the web app
writes: each bad file gets its own reason (short, whatever the cell holds) and saves nothing;
text that starts like a formula is written as text in every export.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable

import pytest
from django.core.cache import cache
from django.test import Client
from openpyxl import Workbook, load_workbook

from saferplaces.reports.csv_cells import FORMULA_STARTS, text_not_formulas
from saferplaces.web.plans.models import Plan, Priority
from saferplaces.web.plans.workbook import plan_workbook
from saferplaces.web.seeds import load_seed_plans
from saferplaces.web.tables import MAX_XLSX_UNPACKED_BYTES
from saferplaces.web.validation import LONG_TEXT
from tests.web.transfers_support import EAST_STAFFS, LICHFIELD, admin_client, database, export, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def client() -> Client:
    load_seed_plans()
    return admin_client()


def _csv(rows: list[list[object]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return ("\ufeff" + out.getvalue()).encode()


def _rows(client: Client, url: str, kind: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(export(client, url, kind, "csv").decode("utf-8-sig"))))


def _edit(rows: list[list[str]], column: str, value: str, row: int = 1) -> list[list[str]]:
    rows = [r[:] for r in rows]
    rows[row][rows[0].index(column)] = value
    return rows


def _book(rows: list[list[object]], change: Callable[[Workbook], None] | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    if change:
        change(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _errors(response) -> list[str]:
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page, "the file was not refused"
    summary = page.split("govuk-error-summary__list")[1].split("</ul>")[0]
    return [re.sub(r"<[^>]+>", "", item).strip() for item in summary.split("<li>")[1:]]


def _formula_cell(book: Workbook) -> None:
    book.active["B2"] = "=1+1"  # openpyxl saves no calculated value, as other programs may not


def _chart_sheet_without_a_chart(book: Workbook) -> None:
    book.create_chartsheet("Chart", 0)  # openpyxl's reader fails inside on this: no server error


def _every_sheet_hidden(data: bytes) -> bytes:
    """The workbook with every sheet marked hidden (openpyxl will not write one so)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            part = source.read(item.filename)
            if item.filename == "xl/workbook.xml":
                part = part.replace(b'state="visible" r:id', b'state="hidden" r:id')
            target.writestr(item, part)
    return out.getvalue()


def _hidden_first_sheet(book: Workbook) -> None:
    hidden = book.create_sheet("Notes", 0)
    hidden.append(["not the rows"])
    hidden.sheet_state = "hidden"
    book.active = 1


# name -> (file name, what the file is made from the risks export, the reason it must get)
RISKS_REFUSED: dict[str, tuple[str, Callable[[list[list[str]]], bytes], str]] = {
    "UTF-16 CSV": (
        "r.csv",
        lambda rows: "\n".join(",".join(r) for r in rows).encode("utf-16"),
        "The selected file is UTF-16 text, not UTF-8.",
    ),
    f"a risk over {LONG_TEXT:,} characters": (
        "r.csv",
        lambda rows: _csv(_edit(rows, "Risk", "r" * (LONG_TEXT + 1))),
        f"Row 2, Risk: The text is {LONG_TEXT + 1:,} characters long. Shorten it to {LONG_TEXT:,}",
    ),
    f"a mitigation over {LONG_TEXT:,} characters": (
        "r.xlsx",
        lambda rows: _book(_edit(rows, "Mitigation", "m" * (LONG_TEXT + 1))),
        f"Row 2, Mitigation: The text is {LONG_TEXT + 1:,} characters long.",
    ),
    "a date cell of 100,000 characters": (
        "r.csv",
        lambda rows: _csv(_edit(rows, "Review date", "9" * 100_000)),
        "Row 2, Review date: '" + "9" * 60 + "… (100,000 characters)' is not a date.",
    ),
    "a choice cell of 100,000 characters": (
        "r.csv",
        lambda rows: _csv(_edit(rows, "Impact", "H" * 100_000)),
        "Row 2, Impact: '" + "H" * 60 + "… (100,000 characters)' is not an impact.",
    ),
    "a column name of 100,000 characters": (
        "r.csv",
        lambda rows: _csv([rows[0] + ["Z" * 100_000]] + [r + [""] for r in rows[1:]]),
        "'" + "Z" * 60 + "… (100,000 characters)' is not a column of a file of risks.",
    ),
    "an id too long to be one, from a number cell": (
        "r.xlsx",
        lambda rows: _book([rows[0], [1e300, *rows[1][1:]]]),
        "… (301 characters)' is not an id.",
    ),
    "a line break in an id": (
        "r.csv",
        lambda rows: _csv(_edit(rows, "id", "1\n2")),
        "Row 2, id: '1\\n2' is not an id.",
    ),
    "a formula Excel never calculated": (
        "r.xlsx",
        lambda rows: _book(rows, _formula_cell),
        "Cell B2 of the selected workbook holds a formula with no calculated value",
    ),
    "a chart sheet with no chart": (
        "r.xlsx",
        lambda rows: _book(rows, _chart_sheet_without_a_chart),
        "The selected file is not an XLSX workbook that can be read",
    ),
    "every sheet hidden": (
        "r.xlsx",
        lambda rows: _every_sheet_hidden(_book(rows)),
        "The selected workbook has no visible worksheet.",
    ),
    "a zip bomb named .xlsx": (
        "r.xlsx",
        lambda rows: _bomb(),
        f"The selected workbook decompresses to more than {MAX_XLSX_UNPACKED_BYTES // 1024**2} MB",
    ),
    "a zip that is no workbook": (
        "r.xlsx",
        lambda rows: _zip_of({"notes.txt": b"hello"}),
        "The selected file is not an XLSX workbook that can be read",
    ),
    "a date as a year 0": (
        "r.csv",
        lambda rows: _csv(_edit(rows, "Review date", "0000-01-01")),
        "Row 2, Review date: '0000-01-01' is not a date.",
    ),
    "a date in Arabic-Indic digits": (
        "r.csv",
        lambda rows: _csv(_edit(rows, "Review date", "\u0662\u0660\u0662\u0664-01-01")),
        "is not a date.",
    ),
}


def _zip_of(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def _bomb() -> bytes:
    return _zip_of(
        {"[Content_Types].xml": b"<Types/>", "xl/worksheets/sheet1.xml": b" " * (MAX_XLSX_UNPACKED_BYTES + 1)}
    )


@pytest.mark.parametrize("case", list(RISKS_REFUSED))
def test_a_hostile_risks_file_is_refused_for_its_own_reason_and_saves_nothing(
    client: Client, case: str
) -> None:
    name, make, reason = RISKS_REFUSED[case]
    data = make(_rows(client, EAST_STAFFS, "risks"))
    before = database()
    response = upload(client, EAST_STAFFS, name, data, "risks")
    errors = _errors(response)
    assert any(
        reason.replace("'", "&#x27;") in e or reason in e.replace("&#x27;", "'").replace("&#39;", "'")
        for e in errors
    ), errors
    assert len(response.content) < 40_000  # a huge cell is not repeated on the page
    assert database() == before


@pytest.mark.parametrize(
    ("kind", "url", "column"),
    [
        ("actions", LICHFIELD, "Action"),
        ("actions", LICHFIELD, "Intended outcome"),
        ("actions", LICHFIELD, "Data measure"),
        ("risks", EAST_STAFFS, "Risk"),
        ("risks", EAST_STAFFS, "Mitigation"),
    ],
)
def test_every_long_text_column_keeps_to_the_models_limit(
    client: Client, kind: str, url: str, column: str
) -> None:
    rows = _rows(client, url, kind)
    before = database()
    errors = _errors(upload(client, url, "f.csv", _csv(_edit(rows, column, "x" * (LONG_TEXT + 1))), kind))
    assert f"Row 2, {column}: The text is {LONG_TEXT + 1:,} characters long." in " ".join(errors)
    assert database() == before


def test_a_hidden_first_sheet_is_passed_over_for_the_visible_one(client: Client) -> None:
    rows = _edit(_rows(client, EAST_STAFFS, "risks"), "Owner", "Hidden-sheet test owner")
    page = upload(client, EAST_STAFFS, "r.xlsx", _book(rows, _hidden_first_sheet), "risks").content.decode()
    assert "There is a problem" not in page
    assert "Hidden-sheet test owner" in page  # the check page shows the change from the visible sheet


@pytest.mark.parametrize(
    ("header", "read"),
    [
        ("2025/26", True),
        ("2025-2026", True),
        ("2025-03", True),
        ("2025-13", False),
        ("2024/27", False),
        ("2025/2030", False),
        ("Q5 2025", False),
    ],
)
def test_a_period_column_must_be_a_real_period(client: Client, header: str, read: bool) -> None:
    rows = _rows(client, EAST_STAFFS, "targets")
    rows = [rows[0] + [header]] + [r + ["1"] for r in rows[1:]]
    before = database()
    page = upload(client, EAST_STAFFS, "t.csv", _csv(rows), "targets").content.decode()
    refused = f"&#x27;{header}&#x27; is not a column of a file of targets" in page or (
        f"&#39;{header}&#39; is not a column of a file of targets" in page
    )
    assert refused is not read, header
    assert database() == before


# -- what the web app writes ------------------------------------------------------------------


FORMULAS = ['=HYPERLINK("http://x","y")', "+1+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1"]


@pytest.mark.parametrize("text", FORMULAS)
def test_the_public_plan_csv_writes_a_formula_like_priority_as_text(client: Client, text: str) -> None:
    cache.clear()
    priority = Priority.objects.filter(plan__partnership__slug="lichfield").order_by("order").first()
    priority.title = text
    priority.save()
    cache.clear()
    body = client.get("/public/lichfield/plan.csv").content.decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(body, newline="")) for cell in row]
    assert "'" + text.replace("\r", "\n") in cells  # a CR is written as a line break in a quoted cell
    assert not [cell for cell in cells if cell.startswith(FORMULA_STARTS)]
    cache.clear()


def test_the_plan_workbook_keeps_a_formula_like_title_as_text(client: Client) -> None:
    plan = Plan.objects.get(partnership__slug="lichfield")
    plan.title = "=1+1"
    plan.save()
    book = load_workbook(io.BytesIO(plan_workbook(plan)))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    assert book["About"]["A1"].value == "=1+1"


def test_text_not_formulas_keeps_every_cell_as_written() -> None:
    book = Workbook()
    book.active.append(["=1+1", "+1", 3, "=cmd|' /C calc'!A0"])
    book.create_sheet("Two").append(["=A1"])
    text_not_formulas(book)
    out = io.BytesIO()
    book.save(out)
    again = load_workbook(io.BytesIO(out.getvalue()))
    assert [c.value for c in again.worksheets[0][1]] == ["=1+1", "+1", 3, "=cmd|' /C calc'!A0"]
    assert all(c.data_type != "f" for sheet in again.worksheets for row in sheet.iter_rows() for c in row)


def test_a_long_file_name_fits_the_audit_trail(client: Client) -> None:
    from saferplaces.web.audit.models import AuditEntry
    from tests.web.transfers_support import confirm

    rows = _edit(_rows(client, EAST_STAFFS, "risks"), "Owner", "Long-name test owner")
    name = "r" * 200 + ".csv"
    page = upload(client, EAST_STAFFS, name, _csv(rows), "risks").content.decode()
    assert "There is a problem" not in page
    confirm(client, EAST_STAFFS)
    entry = AuditEntry.objects.filter(via__startswith="import ").latest("id")
    limit = AuditEntry._meta.get_field("via").max_length
    assert len(entry.via) <= limit and entry.via.startswith("import rrrr")  # PostgreSQL enforces the limit
