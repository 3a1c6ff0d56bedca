"""Issue 13, section 2, for the web imports (actions, targets and risks as CSV or XLSX): the
classes the earlier corpus left open. Every refusal gives its own reason and saves nothing;
every file read says on the check page how it was read (which sheet, formulas as values).
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
from collections.abc import Callable

import pytest
from django.test import Client
from openpyxl import Workbook

from saferplaces.errors import InputError
from saferplaces.web.seeds import load_seed_plans, read_seed
from saferplaces.web.tables import MAX_COLUMNS, Table, read_table
from tests.web.transfers_support import EAST_STAFFS, admin_client, database, export, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def client() -> Client:
    load_seed_plans()
    return admin_client()


def _risks(client: Client) -> list[list[str]]:
    data = export(client, EAST_STAFFS, "risks", "csv").decode("utf-8-sig")
    return list(csv.reader(io.StringIO(data)))


def _text(rows: list[list[str]], newline: str = "\n") -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator=newline).writerows(rows)
    return out.getvalue()


def _book(rows: list[list[object]], change: Callable[[Workbook], None] | None = None) -> bytes:
    book = Workbook()
    book.active.title = "risks"
    for row in rows:
        book.active.append(row)
    if change:
        change(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _merge_a_column(book: Workbook) -> None:
    sheet = book.active
    sheet["C3"] = None
    sheet.merge_cells("C2:C3")  # an impact merged over two risks: row 3 would read as blank


def _merge_a_heading(book: Workbook) -> None:
    book.active.merge_cells("E1:F1")


def _review_date_as_a_number(rows: list[list[str]]) -> list[list[object]]:
    out: list[list[object]] = [r[:] for r in rows]
    out[1][rows[0].index("Review date")] = 45747  # 31/03/2025, in a cell not formatted as a date
    return out


def _header_mid_file(rows: list[list[str]]) -> list[list[str]]:
    return rows[:3] + [rows[0]] + rows[3:]


# name -> (file name, the file made from the risks export, the whole first sentence it must get)
REFUSED: dict[str, tuple[str, Callable[[list[list[str]]], bytes], str]] = {
    "merged cells down a column": (
        "r.xlsx",
        lambda rows: _book(rows, _merge_a_column),
        "The worksheet 'risks' of the selected workbook has merged cells (C2:C3) among its rows, "
        "and a merged cell's value is held only in its top-left cell.",
    ),
    "merged cells across the header": (
        "r.xlsx",
        lambda rows: _book(rows, _merge_a_heading),
        "The worksheet 'risks' of the selected workbook has merged cells (E1:F1) among its rows, "
        "and a merged cell's value is held only in its top-left cell.",
    ),
    "UTF-16 without a byte order mark": (
        "r.csv",
        lambda rows: _text(rows).encode("utf-16-le"),
        "The selected file is UTF-16 text, not UTF-8.",
    ),
    "UTF-16 big-endian with its mark": (
        "r.csv",
        lambda rows: codecs.BOM_UTF16_BE + _text(rows).encode("utf-16-be"),
        "The selected file is UTF-16 text, not UTF-8.",
    ),
    "a NUL byte": (
        "r.csv",
        lambda rows: _text(rows).replace("Project", "Pro\x00ject", 1).encode(),
        "The selected file holds a NUL byte (a binary zero) on line",
    ),
    "the header again in the middle": (
        "r.csv",
        lambda rows: _text(_header_mid_file(rows)).encode(),
        "Row 4 of the selected file repeats the header row (row 1).",
    ),
    "the header again in an XLSX": (
        "r.xlsx",
        lambda rows: _book(_header_mid_file(rows)),
        "Row 4 of the selected file repeats the header row (row 1).",
    ),
    "a header and no rows": (
        "r.csv",
        lambda rows: _text(rows[:1]).encode(),
        "The file has no rows under its header. Add a row for each risk, or choose another file.",
    ),
    "a header and no rows in an XLSX": (
        "r.xlsx",
        lambda rows: _book(rows[:1]),
        "The file has no rows under its header. Add a row for each risk, or choose another file.",
    ),
    "zero bytes": ("r.csv", lambda rows: b"", "The selected file is empty."),
    "an HTML page named .csv": (
        "r.csv",
        lambda rows: b"\xef\xbb\xbf<!DOCTYPE html>\n<html><body><p>Sign in</p></body></html>\n",
        "The selected file is a web page (HTML), not a CSV file.",
    ),
    "a PDF named .csv": (
        "r.csv",
        lambda rows: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n",
        "The selected file is a PDF document, not a CSV file.",
    ),
    "a PDF named .xlsx": (
        "r.xlsx",
        lambda rows: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n",
        "The selected file is a PDF document, not an XLSX workbook, although its name ends in .xlsx.",
    ),
    "an Excel 97-2003 workbook named .csv": (
        "r.csv",
        lambda rows: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(200),
        "The selected file is an Excel 97-2003 workbook or another Office file, not a CSV file.",
    ),
    "a gzip file named .csv": (
        "r.csv",
        lambda rows: gzip.compress(_text(rows).encode()),
        "The selected file is a compressed file (gzip), not a CSV file.",
    ),
    "a very wide row": (
        "r.csv",
        lambda rows: _text([rows[0], rows[1] + ["x"] * MAX_COLUMNS, *rows[2:]]).encode(),
        f"Row 2 of the selected file has {8 + MAX_COLUMNS:,} cells, more than "
        f"the {MAX_COLUMNS:,} an import reads.",
    ),
    "semicolons for commas": (
        "r.csv",
        lambda rows: _text(rows).replace(",", ";").encode(),
        "The selected file separates its columns with semicolons, not commas.",
    ),
    "Excel's sep= line first": (
        "r.csv",
        lambda rows: ("sep=,\n" + _text(rows)).encode(),
        "The selected file starts with a 'sep=' line (which Excel writes to name the separator)",
    ),
    "a date kept as Excel's day number": (
        "r.xlsx",
        lambda rows: _book(_review_date_as_a_number(rows)),
        "Row 2, Review date: '45747' is a number, not a date (Excel keeps dates as day numbers, and "
        "this one would be 31/03/2025).",
    ),
}


def _errors(response) -> list[str]:
    page = response.content.decode().replace("&#x27;", "'").replace("&#39;", "'")
    assert response.status_code == 200
    assert "There is a problem" in page, "the file was not refused"
    summary = page.split("govuk-error-summary__list")[1].split("</ul>")[0]
    return [item.split(">", 1)[-1].split("</a>")[0].strip() for item in summary.split("<li>")[1:]]


@pytest.mark.parametrize("case", list(REFUSED))
def test_a_hostile_upload_is_refused_for_its_own_reason_and_saves_nothing(client: Client, case: str) -> None:
    name, make, reason = REFUSED[case]
    data = make(_risks(client))
    before = database()
    errors = _errors(upload(client, EAST_STAFFS, name, data, "risks"))
    assert any(e.startswith(reason) for e in errors), errors
    assert database() == before


def test_the_export_has_the_eight_columns_the_wide_row_case_counts_on(client: Client) -> None:
    assert len(_risks(client)[1]) == 8


def test_merged_cells_below_the_rows_are_not_the_files_business() -> None:
    data = _book([["id", "Risk"], ["", "A risk"]], lambda book: book.active.merge_cells("D10:E12"))
    assert read_table("r.xlsx", data) == Table(("id", "Risk"), (("", "A risk"),))


def test_a_formula_is_read_as_its_calculated_value_and_the_check_page_says_so(client: Client) -> None:
    rows = _risks(client)
    rows[1][rows[0].index("Review date")] = "placeholder"
    data = _book(rows)
    # openpyxl writes no calculated values, so write the cached value by hand as Excel would
    data = _with_cached_formula(data, "G2", '=TEXT(DATE(2025,3,31),"dd/mm/yyyy")', "31/03/2025")
    table = read_table("r.xlsx", data, sheet="risks")
    assert table.rows[0][rows[0].index("Review date")] == "31/03/2025"
    assert table.notes == (
        "Cell G2 holds a formula; the import read the value Excel last calculated, not the formula.",
    )
    page = upload(client, EAST_STAFFS, "r.xlsx", data, "risks").content.decode()
    assert "There is a problem" not in page
    assert "the import read the value Excel last calculated, not the formula." in page


@pytest.mark.parametrize("error", ["#REF!", "#DIV/0!", "#N/A", "#SPILL!"])
def test_a_formula_whose_value_is_an_error_is_refused_naming_its_cell(client: Client, error: str) -> None:
    rows = _risks(client)
    rows[1][rows[0].index("Mitigation")] = "placeholder"
    data = _with_cached_formula(_book(rows), "E2", "=A1/0", error, kind="e")
    before = database()
    errors = _errors(upload(client, EAST_STAFFS, "r.xlsx", data, "risks"))
    assert errors[0].startswith(
        f"Cell E2 of the selected workbook holds a formula whose value is the error {error}, not a value"
    )
    assert database() == before


def test_the_check_page_names_the_sheet_read_when_there_are_others(client: Client) -> None:
    rows = _risks(client)
    rows[1][rows[0].index("Owner")] = "Sheet test owner"

    def more_sheets(book: Workbook) -> None:
        book.create_sheet("Notes").append(["not the rows"])
        hidden = book.create_sheet("Old")
        hidden.sheet_state = "hidden"

    page = upload(client, EAST_STAFFS, "r.xlsx", _book(rows, more_sheets), "risks").content.decode()
    page = page.replace("&#x27;", "'").replace("&#39;", "'")
    assert "Sheet test owner" in page
    assert "The sheet 'risks' was read; the workbook's other sheets ('Notes', 'Old') were not." in page


def test_hidden_rows_are_read_and_the_note_says_so() -> None:
    def hide(book: Workbook) -> None:
        book.active.row_dimensions[3].hidden = True
        book.active.row_dimensions[4].hidden = True
        book.active.row_dimensions[9].hidden = True  # below the rows: not the file's business

    table = read_table("r.xlsx", _book([["id", "Risk"], ["", "A"], ["", "B"], ["", "C"]], hide))
    assert table.rows == (("", "A"), ("", "B"), ("", "C"))
    assert table.notes == (
        "2 rows are hidden in Excel (the first is row 3); the import read them like the others.",
    )


def test_carriage_returns_alone_a_quoted_line_break_and_a_thousands_comma_load_as_written() -> None:
    text = 'id,Risk,Owner\r,"Two\nlines","1,250 officers"\r'
    table = read_table("r.csv", text.encode())
    assert table == Table(("id", "Risk", "Owner"), (("", "Two\nlines", "1,250 officers"),))


def _with_cached_formula(data: bytes, ref: str, formula: str, cached: str, kind: str = "str") -> bytes:
    """The workbook with cell ``ref`` of its first sheet holding ``formula`` and a cached text value."""
    import re
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            part = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                cell = (
                    f'<c r="{ref}" t="{kind}"><f>{formula[1:].replace(chr(34), "&quot;")}</f>'
                    f"<v>{cached}</v></c>"
                ).encode()
                part, count = re.subn(rf'<c r="{ref}"[^>]*?(/>|>.*?</c>)'.encode(), cell, part)
                assert count == 1
            target.writestr(item, part)
    return out.getvalue()


@pytest.mark.parametrize("name", ["../../../settings.py", "/etc/passwd", "stafford-2020-2024.yaml/.."])
def test_the_seed_loader_reads_only_its_own_files(name: str) -> None:
    with pytest.raises(InputError) as error:
        read_seed(name)
    assert error.value.problem.startswith("There is no seed plan file called")
