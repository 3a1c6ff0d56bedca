"""Reading and writing CSV and XLSX files, and reading one cell: no database, no requests."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from saferplaces.errors import DataFormatError
from saferplaces.web.plans.models import Action, Risk
from saferplaces.web.tables import (
    MAX_ROWS,
    MAX_UPLOAD_BYTES,
    Table,
    cell_text,
    read_table,
    write_csv,
    write_xlsx,
)
from saferplaces.web.transfers.columns import CellError, ChoiceColumn, Column, DateColumn, parse_number

HEADER = ["id", "Risk", "Review date", "Score"]
ROWS = [
    [1, "Crime increases – “again”", dt.date(2024, 12, 31), Decimal("12.500")],
    [2, '=HYPERLINK("http://example.com")', None, None],
    [3, "Two lines\nof text", None, 7],
]


def xlsx(rows: list[list[object]], title: str = "Sheet") -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_csv_export_has_a_bom_iso_dates_and_blank_cells() -> None:
    data = write_csv(HEADER, ROWS)
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert text.splitlines()[0] == "id,Risk,Review date,Score"
    assert text.splitlines()[1] == "1,Crime increases – “again”,2024-12-31,12.5"
    # Text that starts like a formula goes behind an apostrophe, so a spreadsheet shows it as text.
    assert '2,"\'=HYPERLINK(""http://example.com"")",,' in text


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+44 1785 000000", "'+44 1785 000000"),
        ("-2 on last year", "'-2 on last year"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=cmd", "'\t=cmd"),
        ("'quoted", "''quoted"),
        ("'=already", "''=already"),
        ("Plain text - with a dash", "Plain text - with a dash"),
        (-3, "-3"),
        (Decimal("-1.50"), "-1.5"),
        (-0.25, "-0.25"),
    ],
)
def test_csv_cells_never_start_a_formula_and_read_back_unchanged(value: object, written: str) -> None:
    data = write_csv(["value"], [[value]])
    assert list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))[1] == [written]
    expected = value if isinstance(value, str) else written
    assert read_table("values.csv", data).rows == ((expected,),)


def test_csv_round_trip_keeps_every_cell() -> None:
    table = read_table("risks.csv", write_csv(HEADER, ROWS))
    assert table.header == tuple(HEADER)
    assert table.rows == (
        ("1", "Crime increases – “again”", "2024-12-31", "12.5"),
        ("2", '=HYPERLINK("http://example.com")', "", ""),
        ("3", "Two lines\nof text", "", "7"),
    )


def test_xlsx_export_is_formatted_for_people() -> None:
    data = write_xlsx("risks", HEADER, ROWS, [8, 50, 12, 10])
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["risks"]
    sheet = book["risks"]
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.column_dimensions["B"].width == 50
    assert sheet.column_dimensions["A"].width == 8
    assert sheet["C2"].value == dt.datetime(2024, 12, 31) and sheet["C2"].is_date
    assert sheet["B2"].alignment.wrap_text
    # Text that looks like a formula stays text: it must never run in Excel.
    assert sheet["B3"].data_type == "s" and sheet["B3"].value == '=HYPERLINK("http://example.com")'
    assert sheet["C3"].value is None and sheet["D3"].value is None


def test_xlsx_round_trip_gives_the_same_table_as_csv() -> None:
    from_xlsx = read_table("risks.xlsx", write_xlsx("risks", HEADER, ROWS, [8, 50, 12, 10]))
    assert from_xlsx == read_table("risks.csv", write_csv(HEADER, ROWS))


def test_xlsx_reads_the_sheet_named_after_the_kind_or_else_the_first() -> None:
    book = Workbook()
    book.active.append(["Notes"])
    book.create_sheet("Risks").append(["id", "Risk"])
    out = io.BytesIO()
    book.save(out)
    assert read_table("a.xlsx", out.getvalue(), sheet="risks").header == ("id", "Risk")
    assert read_table("a.xlsx", out.getvalue(), sheet="actions").header == ("Notes",)


def test_reading_cells_as_text() -> None:
    assert cell_text(None) == ""
    assert cell_text(12.0) == "12"
    assert cell_text(0.1) == "0.1"
    assert cell_text(dt.datetime(2024, 3, 1)) == "2024-03-01"
    assert cell_text(dt.datetime(2024, 3, 1, 9, 30)) == "2024-03-01 09:30:00"
    assert cell_text("  a\r\nb  ") == "a\nb"
    assert cell_text(Decimal("3502.000")) == "3502"


def test_a_csv_with_a_bom_reads_like_one_without() -> None:
    plain = b"id,Risk\n1,Crime\n"
    assert read_table("a.csv", b"\xef\xbb\xbf" + plain) == read_table("a.csv", plain)


def test_short_rows_are_padded_and_trailing_blank_rows_dropped() -> None:
    table = read_table("a.csv", b"id,Risk,Owner\n1,Crime\n\n,,\n")
    assert table == Table(("id", "Risk", "Owner"), (("1", "Crime", ""),))


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("risks.txt", b"id,Risk\n", "The selected file must be a CSV or XLSX file (this one ends in .txt)."),
        ("risks", b"id,Risk\n", "The selected file must be a CSV or XLSX file."),
        ("risks.xls", b"\xd0\xcf\x11\xe0rest", "must be a CSV or XLSX file (this one ends in .xls)"),
        ("risks.csv", b"", "The selected file is empty."),
        ("risks.csv", b"\n\n,,\n", "The selected file is empty."),
        ("risks.xlsx", b"", "The selected file is empty."),
        ("risks.csv", b"x" * (MAX_UPLOAD_BYTES + 1), "The selected file must be smaller than 5 MB."),
        ("risks.csv", "id,Risk\n1,Café\n".encode("cp1252"), "is not UTF-8 text: line 2 has the byte 0xe9"),
        ("risks.csv", b"id,Risk\n1,\x00\n", "holds a NUL byte (a binary zero) on line 2"),
        ("risks.csv", xlsx([["id"]]), "is an Excel workbook but its name ends in .csv"),
        ("risks.xlsx", b"id,Risk\n1,Crime\n", "is not an XLSX workbook, although its name ends in .xlsx"),
        ("risks.xlsx", b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "is an Excel 97-2003 workbook"),
        ("risks.xlsx", b"PK\x03\x04 not really a zip", "is not an XLSX workbook that can be read"),
    ],
)
def test_files_that_cannot_be_read_say_why(name: str, data: bytes, message: str) -> None:
    with pytest.raises(DataFormatError) as error:
        read_table(name, data)
    assert message in str(error.value)
    assert error.value.action, "every error says what to do"


def test_too_many_rows() -> None:
    data = ("id,Risk\n" + "".join(f",Risk {n}\n" for n in range(MAX_ROWS + 1))).encode()
    with pytest.raises(DataFormatError, match="more than 10,000 rows"):
        read_table("a.csv", data)
    assert len(read_table("a.csv", data[: data.rindex(b",Risk")]).rows) == MAX_ROWS
    rows = [["id", "Risk"]] + [[None, f"Risk {n}"] for n in range(MAX_ROWS + 1)]
    with pytest.raises(DataFormatError, match="more than 10,000 rows"):
        read_table("a.xlsx", xlsx(rows))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-12-31", dt.date(2024, 12, 31)),
        ("31/12/2024", dt.date(2024, 12, 31)),
        ("1/2/2025", dt.date(2025, 2, 1)),
        ("2024-12-31 00:00:00", dt.date(2024, 12, 31)),
        ("", None),
    ],
)
def test_dates_read_in_both_forms(text: str, expected: dt.date | None) -> None:
    assert DateColumn("Due date", "due_date").parse(text) == expected


@pytest.mark.parametrize("text", ["31/13/2024", "30/02/2025", "2024-13-01", "next March", "12/2024", "4565"])
def test_bad_dates_say_the_form_expected(text: str) -> None:
    with pytest.raises(CellError) as error:
        DateColumn("Due date", "due_date").parse(text)
    assert str(error.value) == f"'{text}' is not a date. Use the form 31/12/2024 or 2024-12-31."


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1250", Decimal(1250)), ("3,502", Decimal(3502)), ("-2.5", Decimal("-2.5")), (".5", Decimal("0.5"))],
)
def test_numbers(text: str, expected: Decimal) -> None:
    assert parse_number(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "about 900",
            "'about 900' is not a number. Enter a number, such as 1250 or 12.5, or leave it blank.",
        ),
        ("81%", "'81%' is not a number."),
        ("NaN", "'NaN' is not a number."),
        ("1e5", "'1e5' is not a number."),
        ("12.3456", "'12.3456' has more than 3 decimal places. Round it to 3."),
        ("100000000000", "'100000000000' is too large."),
    ],
)
def test_bad_numbers(text: str, message: str) -> None:
    with pytest.raises(CellError) as error:
        parse_number(text)
    assert message in str(error.value)


def test_choices_read_labels_values_and_initials() -> None:
    rag = ChoiceColumn("RAG status", "rag", Action.Rag, "a RAG status")
    assert [rag.parse(t) for t in ("Amber", "amber", " GREEN ", "r", "")] == [
        "amber",
        "amber",
        "green",
        "red",
        "",
    ]
    with pytest.raises(CellError) as error:
        rag.parse("Blue")
    assert str(error.value) == "'Blue' is not a RAG status. Use Red, Amber or Green, or leave it blank."
    impact = ChoiceColumn("Impact", "impact", Risk.Level, "an impact", required=True)
    assert impact.parse("H") == "high"
    with pytest.raises(CellError, match="Enter the impact: High, Medium or Low."):
        impact.parse("")
    with pytest.raises(CellError, match="'Severe' is not an impact. Use High, Medium or Low.$"):
        impact.parse("Severe")


def test_text_length_and_required_cells() -> None:
    owner = Column("Owner", "owner", max_length=5)
    assert owner.parse("Ann") == "Ann"
    with pytest.raises(
        CellError, match="The text is 6 characters long. Shorten it to 5 characters or fewer."
    ):
        owner.parse("Ann Le")
    with pytest.raises(CellError, match="Enter the risk; this column cannot be blank."):
        Column("Risk", "risk", required=True).parse("")
