"""Spreadsheet files as tables of text: reading CSV and XLSX uploads, writing exports.

Every CSV the app writes goes through :func:`write_csv`, which keeps text that starts
like a formula from being run as one when the file is opened in a spreadsheet
(:func:`formula_safe`); :func:`read_csv` undoes that, so an export imports unchanged.

Reading turns every cell into text (dates from XLSX as ISO ``2024-12-31``, whole
numbers without ``.0``), so a CSV and an XLSX holding the same rows give the same
:class:`Table`, and a table survives being stored as JSON between the check and
the confirmation of an import.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.xml.functions import iterparse

from saferplaces.data.input_files import (
    GZIP_MAGIC,
    OTHER_COMPRESSIONS,
    disguised,
    looks_utf16,
    separator_problem,
)
from saferplaces.errors import DataFormatError
from saferplaces.reports.csv_cells import formula_safe, formula_unsafe, write_safe_csv

#: The largest file an import accepts: 5 MB, far more than any plan's rows need.
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
#: The most an uploaded workbook's parts may decompress to (a full 5 MB workbook of text
#: decompresses to a few tens of MB).
MAX_XLSX_UNPACKED_BYTES = 100 * 1024 * 1024
#: The most rows (under the header) an import accepts.
MAX_ROWS = 10_000
#: What Excel shows in a cell whose formula fails; read as text it would be imported as a value.
EXCEL_ERRORS = frozenset(
    (*ERROR_CODES, "#GETTING_DATA", "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!")
)
#: The most cells a row may have (an export has at most a few dozen columns).
MAX_COLUMNS = 500
#: The file types an import accepts, by name ending.
SUFFIXES = (".csv", ".xlsx")

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # Excel 97-2003 .xls


@dataclass(frozen=True)
class Table:
    """A header row and the rows under it, every cell as text ("" when blank).

    Attributes
    ----------
    header
        The first row's cells.
    rows
        The rows under the header, as wide as the header; ``rows[0]`` is spreadsheet row 2.
    notes
        Sentences on how the file was read, for the check page: which sheet of a workbook,
        and that formulas were read as the values Excel last calculated.
    """

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    notes: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        """The table as JSON-ready data, to keep between two requests."""
        return {
            "header": list(self.header),
            "rows": [list(row) for row in self.rows],
            "notes": list(self.notes),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Table:
        """The table :meth:`as_json` gave."""
        return cls(
            tuple(data["header"]),
            tuple(tuple(row) for row in data["rows"]),
            tuple(data.get("notes", ())),
        )


def cell_text(value: Any) -> str:
    """One cell as text: blank for None, ISO for dates, whole numbers without a decimal point."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value.is_finite() else str(value)
    text = str(value)
    # Excel and Windows write line breaks inside cells as \r\n; the database holds \n.
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def _too_many_rows() -> DataFormatError:
    return DataFormatError(
        f"The selected file has more than {MAX_ROWS:,} rows under its header.",
        "Split the rows into smaller files and import each one.",
    )


def _table(rows: list[list[str]]) -> Table:
    """The rows as a :class:`Table`, once the rules every upload keeps are checked.

    Refused: no rows at all, more than :data:`MAX_ROWS` rows,
    a row wider than :data:`MAX_COLUMNS` cells (blank cells at the end of a row do not count),
    and a row that repeats the header (files joined from parts often carry each part's header).
    """
    while rows and not any(rows[-1]):
        rows.pop()
    if not rows:
        raise DataFormatError(
            "The selected file is empty.", "Choose a file with a header row and a row per record."
        )
    if len(rows) - 1 > MAX_ROWS:
        raise _too_many_rows()
    wrong = separator_problem(rows[0], "The selected file")
    if wrong:
        raise wrong
    header = [cell.strip().casefold() for cell in rows[0]]
    while header and not header[-1]:
        header.pop()
    for number, row in enumerate(rows, start=1):
        while row and not row[-1]:
            row.pop()
        if len(row) > MAX_COLUMNS:
            raise DataFormatError(
                f"Row {number:,} of the selected file has {len(row):,} cells, more than the "
                f"{MAX_COLUMNS:,} an import reads.",
                "Delete the columns that are not part of the export, then upload the file again.",
            )
        if number > 1 and header and [cell.strip().casefold() for cell in row] == header:
            raise DataFormatError(
                f"Row {number:,} of the selected file repeats the header row (row 1).",
                "Delete it (a file joined from several exports keeps each one's header), then upload "
                "the file again.",
            )
    width = max(len(row) for row in rows)
    padded = [tuple(row) + ("",) * (width - len(row)) for row in rows]
    return Table(padded[0], tuple(padded[1:]))


def read_csv(data: bytes) -> Table:
    """Read a UTF-8 CSV file (with or without the byte order mark Excel writes).

    Raises
    ------
    DataFormatError
        When the bytes are not UTF-8 or not CSV.
    """
    what = disguised(data[:64]) or _compressed(data)
    if what:
        raise DataFormatError(
            f"The selected file is {what}, not a CSV file.",
            "Check you chose the right file: export it from Excel as 'CSV UTF-8 (Comma delimited)' "
            "or as an XLSX workbook, and upload that.",
        )
    if looks_utf16(data[:64]):
        raise DataFormatError(
            "The selected file is UTF-16 text, not UTF-8.",
            "In Excel, use Save As and choose 'CSV UTF-8 (Comma delimited)', or upload the XLSX file.",
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = exc.object[: exc.start].count(b"\n") + 1
        raise DataFormatError(
            f"The selected file is not UTF-8 text: line {line:,} "
            f"has the byte {exc.object[exc.start]:#04x}, which UTF-8 does not allow there.",
            "In Excel, use Save As and choose 'CSV UTF-8 (Comma delimited)', or upload the XLSX file.",
        ) from None
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise DataFormatError(
            f"The selected file holds a NUL byte (a binary zero) on line {line:,}, so it is not a CSV file.",
            "Save it from Excel as 'CSV UTF-8 (Comma delimited)' and upload it again.",
        )
    return _table([[formula_unsafe(cell_text(cell)) for cell in row] for row in _csv_rows(text)])


def _csv_rows(text: str) -> list[list[str]]:
    """The rows of CSV text; a quote never closed and a huge cell are refused, naming the row.

    Read leniently, a quote never closed takes every line after it into one cell, so rows would
    be lost without a word; the strict reader finds it. Its other complaint (text after a
    closing quote, ``"a" b``) is read as a spreadsheet reads it.
    """
    again = "Save it from Excel as 'CSV UTF-8 (Comma delimited)' and upload it again."
    rows: list[list[str]] = []
    try:
        rows.extend(csv.reader(io.StringIO(text, newline=""), strict=True))
        return rows
    except csv.Error as exc:
        row = len(rows) + 1
        if "field larger than field limit" in str(exc):
            raise DataFormatError(
                f"Row {row:,} of the selected file has a cell longer than {csv.field_size_limit():,} "
                "characters, far longer than any cell an import reads.",
                "Shorten or delete that cell, then upload the file again.",
            ) from None
        if "unexpected end of data" in str(exc):
            raise DataFormatError(
                f'Row {row:,} of the selected file opens a quote (") that is never closed, so every '
                "line after it would be read as one cell.",
                "Close the quote or delete it (in a text editor), or save the file from Excel as "
                "'CSV UTF-8 (Comma delimited)', and upload it again.",
            ) from None
    try:
        return list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise DataFormatError(f"The selected file cannot be read as CSV: {exc}.", again) from None


def _compressed(data: bytes) -> str | None:
    """ "a compressed file (gzip)" and the like, from the first bytes, or None."""
    for magic, name in ((GZIP_MAGIC, "gzip"), *OTHER_COMPRESSIONS):
        if data.startswith(magic):
            return f"a compressed file ({name})"
    return None


def _check_unpacked_size(data: bytes) -> None:
    """Refuse a workbook whose parts would decompress beyond :data:`MAX_XLSX_UNPACKED_BYTES`.

    The sizes are the archive's own; Python's zip reader stops at each part's stated size, so
    a part cannot decompress to more than this check counts.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # load_workbook says the file cannot be read
    if unpacked > MAX_XLSX_UNPACKED_BYTES:
        raise DataFormatError(
            f"The selected workbook decompresses to more than {MAX_XLSX_UNPACKED_BYTES // 1024**2} MB, "
            "far more than a plan's rows fill, so it was not read.",
            "Copy the rows into a new workbook, save it as 'Excel Workbook (.xlsx)' and upload that.",
        )


def _unreadable_workbook(exc: BaseException) -> DataFormatError:
    return DataFormatError(
        f"The selected file is not an XLSX workbook that can be read ({type(exc).__name__}).",
        "Open it in Excel, save it as 'Excel Workbook (.xlsx)' and upload it again.",
    )


def read_xlsx(data: bytes, sheet: str = "") -> Table:
    """Read the sheet called ``sheet`` of an XLSX workbook, or its first visible worksheet when
    there is none (hidden sheets and chart sheets are passed over).

    Formulas give the value Excel last calculated for them.

    Raises
    ------
    DataFormatError
        When the bytes are not an XLSX workbook, decompress to too much, or hold no worksheet.
    """
    _check_unpacked_size(data)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 (a damaged upload can break the reader anywhere)
        raise _unreadable_workbook(exc) from None
    try:
        worksheets = [ws for ws in book.worksheets if getattr(ws, "sheet_state", "visible") == "visible"]
        if not worksheets:
            raise DataFormatError(
                "The selected workbook has no visible worksheet.",
                "Upload a workbook whose first sheet holds the rows.",
            )
        named = {ws.title.casefold(): ws for ws in worksheets}
        worksheet = named.get(sheet.casefold(), worksheets[0])
        rows: list[list[str]] = []
        try:
            # The stated size of a sheet may run to Excel's last row; read only the rows it holds.
            worksheet.reset_dimensions()
            for row in worksheet.iter_rows(values_only=True):
                texts = [cell_text(cell) for cell in row]
                if len(rows) <= MAX_ROWS:
                    rows.append(texts)
                elif any(texts):
                    raise _too_many_rows()
            hidden = _check_layout(worksheet, rows)
        except DataFormatError:
            raise
        except Exception as exc:  # noqa: BLE001 (damaged sheet XML fails inside openpyxl)
            raise _unreadable_workbook(exc) from None
        others = [ws.title[:31] for ws in book.worksheets if ws.title != worksheet.title]
    finally:
        book.close()
    formulas = _check_formulas_calculated(data, worksheet.title, rows)
    for row in rows:
        while row and not row[-1]:
            row.pop()
    notes = []
    if others:
        listed = ", ".join(f"'{title}'" for title in others[:5]) + (", ..." if len(others) > 5 else "")
        notes.append(
            f"The sheet '{worksheet.title}' was read; the workbook's other sheets ({listed}) were not."
        )
    if hidden:
        if len(hidden) == 1:
            notes.append(f"Row {hidden[0]} is hidden in Excel; the import read it like the others.")
        else:
            notes.append(
                f"{len(hidden):,} rows are hidden in Excel (the first is row {hidden[0]}); the import "
                "read them like the others."
            )
    if formulas:
        first, count = formulas
        cells = (
            f"Cell {first} holds a formula"
            if count == 1
            else f"{count:,} cells hold formulas (the first {first})"
        )
        notes.append(f"{cells}; the import read the value Excel last calculated, not the formula.")
    return replace(_table(rows), notes=tuple(notes))


def _sheet_layout(worksheet: Any) -> tuple[list[str], list[int]]:
    """The ranges ("B3:B5") of a read-only worksheet's merged cells, and its hidden rows' numbers.

    openpyxl's read-only mode (which keeps a large upload out of memory) reads neither, so the
    worksheet's ``<mergeCell ref="...">`` and ``<row r="..." hidden="1">`` elements are read
    here, with openpyxl's own hardened XML parser.
    """
    ranges: list[str] = []
    hidden: list[int] = []
    source = worksheet._get_source()  # noqa: SLF001 (the read-only reader keeps no merges)
    try:
        for _event, element in iterparse(source):
            tag = element.tag.rsplit("}", 1)[-1]
            if tag == "mergeCell" and element.get("ref"):
                ranges.append(element.get("ref"))
            elif tag == "row" and element.get("hidden") in ("1", "true") and element.get("r", "").isdigit():
                hidden.append(int(element.get("r")))
            element.clear()
    finally:
        source.close()
    return ranges, hidden


def _check_layout(worksheet: Any, rows: list[list[str]]) -> list[int]:
    """Refuse a sheet with merged cells among its rows; return its hidden rows among them.

    A merged cell holds its value in its top-left cell only: the others read as blank, so a
    priority merged down five rows would be blank on four of them, and a heading merged across
    two columns would leave a blank column name. Filling every cell from the top-left one would
    be right for the first and wrong for the second, so the workbook is refused, naming the
    range, and the partnership unmerges the cells and fills them as it means. Hidden rows are
    read like the others (hiding is how a row is kept out of view, not out of the data), and
    the check page says so.
    """
    last = max((number for number, row in enumerate(rows, start=1) if any(row)), default=0)
    merged, hidden = _sheet_layout(worksheet)
    for ref in merged:
        try:
            _min_col, top, _max_col, _bottom = range_boundaries(ref)
        except ValueError:
            continue  # not a range: the reader ignores it too
        if top is not None and top <= last:
            raise DataFormatError(
                f"The worksheet '{worksheet.title[:31]}' of the selected workbook has merged cells "
                f"({ref}) among its rows, and a merged cell's value is held only in its top-left cell.",
                "Unmerge the cells in Excel (Merge & Center, then Unmerge Cells), fill in each cell, "
                "and upload the workbook again.",
            )
    return sorted(number for number in hidden if 1 < number <= last and any(rows[number - 1]))


def _check_formulas_calculated(data: bytes, title: str, rows: list[list[str]]) -> tuple[str, int] | None:
    """Refuse a sheet with a formula Excel never calculated: its cell reads as blank, which
    would otherwise be taken for an empty cell (workbooks written by programs, not Excel);
    and a formula whose value is an error (``#REF!``), which would be read as text.

    Returns the first formula cell's coordinate and how many cells hold formulas, or None.
    """
    book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    first, count = "", 0
    try:
        sheet = book[title]
        sheet.reset_dimensions()
        for number, cells in enumerate(sheet.iter_rows(max_row=len(rows)), start=1):
            for cell in cells:
                if cell.data_type != "f":
                    continue
                first, count = first or cell.coordinate, count + 1
                index = cell.column - 1
                value = rows[number - 1][index] if index < len(rows[number - 1]) else ""
                if not value:
                    raise DataFormatError(
                        f"Cell {cell.coordinate} of the selected workbook holds a formula with no "
                        "calculated value, so its value cannot be read.",
                        "Open the workbook in Excel, save it so the formulas are calculated (or paste "
                        "them as values) and upload it again.",
                    )
                if value in EXCEL_ERRORS:
                    raise DataFormatError(
                        f"Cell {cell.coordinate} of the selected workbook holds a formula whose value "
                        f"is the error {value}, not a value to import.",
                        "Correct the formula in Excel (or replace it with the value it should give) "
                        "and upload the workbook again.",
                    )
    finally:
        book.close()
    return (first, count) if count else None


def check_upload(file_name: str, size: int) -> str:
    """Check an upload's name ending and size before reading it; returns the ending (".csv").

    Raises
    ------
    DataFormatError
        When the file is not .csv or .xlsx, is empty, or is larger than :data:`MAX_UPLOAD_BYTES`.
    """
    suffix = PurePath(file_name).suffix.lower()
    if suffix not in SUFFIXES:
        named = f" (this one ends in {suffix})" if suffix else ""
        raise DataFormatError(
            f"The selected file must be a CSV or XLSX file{named}.",
            "Save it from Excel as 'Excel Workbook (.xlsx)' or 'CSV UTF-8 (Comma delimited)'.",
        )
    if not size:
        raise DataFormatError(
            "The selected file is empty.", "Choose a file with a header row and a row per record."
        )
    if size > MAX_UPLOAD_BYTES:
        raise DataFormatError(
            f"The selected file must be smaller than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB.",
            "Split the rows into smaller files and import each one.",
        )
    return suffix


def read_table(file_name: str, data: bytes, sheet: str = "") -> Table:
    """Read an uploaded CSV or XLSX file, chosen by the end of its name.

    Parameters
    ----------
    file_name
        The name the file was uploaded with; only its ending (.csv or .xlsx) is used.
    data
        The file's bytes, at most :data:`MAX_UPLOAD_BYTES`.
    sheet
        For XLSX, the sheet to read when the workbook has one of that name.

    Raises
    ------
    DataFormatError
        When the file is empty, too large, of another type, or cannot be read.
    """
    suffix = check_upload(file_name, len(data))
    if suffix == ".csv":
        if data.startswith(_ZIP_MAGIC):
            raise DataFormatError(
                "The selected file is an Excel workbook but its name ends in .csv.",
                "Rename it to end in .xlsx, or save it from Excel as 'CSV UTF-8 (Comma delimited)'.",
            )
        return read_csv(data)
    if data.startswith(_OLE_MAGIC):
        raise DataFormatError(
            "The selected file is an Excel 97-2003 workbook, not an XLSX workbook.",
            "Open it in Excel and save it as 'Excel Workbook (.xlsx)'.",
        )
    if not data.startswith(_ZIP_MAGIC):
        what = disguised(data[:64]) or _compressed(data)
        raise DataFormatError(
            f"The selected file is {what + ', ' if what else ''}not an XLSX workbook, although its "
            "name ends in .xlsx.",
            "Open it in Excel, save it as 'Excel Workbook (.xlsx)' and upload it again.",
        )
    return read_xlsx(data, sheet)


def _csv_cell(value: Any) -> str:
    """Text as written but formula-safe; numbers (negative ones too), dates and blanks by cell_text."""
    return formula_safe(value) if isinstance(value, str) else cell_text(value)


def write_csv(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    """A UTF-8 CSV file with a byte order mark, so Excel reads its accents and dashes right.

    Dates are written as ISO text (2024-12-31), blank values as empty cells, and text that
    starts like a formula behind an apostrophe (:func:`formula_safe`); numbers are not text,
    so a negative number stays a number.
    """
    out = io.StringIO(newline="")
    write_safe_csv(out, header, rows, lineterminator="\r\n", cell=_csv_cell)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def write_xlsx(
    sheet_name: str, header: Sequence[str], rows: Sequence[Sequence[Any]], widths: Sequence[int]
) -> bytes:
    """An XLSX workbook of one sheet: bold frozen header, set column widths, dates as dates.

    Text is always stored as text, never as a formula, even when it starts with "=".
    """
    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_name[:31])
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    header_cells = []
    for name in header:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        cells = []
        for value, width in zip(row, widths, strict=True):
            if isinstance(value, str):
                cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value) or None)
                # openpyxl takes text starting with "=" for a formula; it is the partnership's text.
                if cell.value is not None:
                    cell.data_type = "s"
                cell.alignment = wrap if width >= 30 else top
            else:
                cell = WriteOnlyCell(sheet, value=value)
                cell.alignment = top
                if isinstance(value, dt.date):
                    cell.number_format = "dd/mm/yyyy"
            cells.append(cell)
        sheet.append(cells)
    if rows:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{len(rows) + 1}"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
