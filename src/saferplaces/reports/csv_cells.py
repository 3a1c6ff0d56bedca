"""CSV cells a spreadsheet cannot run: the one rule every CSV Safer Places writes follows.

A cell of text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read
by Excel, LibreOffice and Google Sheets as a formula, so text copied from a data file or
typed by a user could run when the CSV is opened (OWASP, "CSV Injection"). Such text is
written behind an apostrophe, which spreadsheets read as "this cell is text" and do not
show; text that already starts with an apostrophe gets another, so :func:`formula_unsafe`
gives back exactly what was written. Numbers are not text, so a negative number stays a
number. The web exports (``web/tables.py``) and the command line's ``--format csv`` both
use these functions.

In an XLSX file a cell is typed, so only text that openpyxl would store as a formula (text
starting with ``=``) is at risk there: :func:`text_not_formulas` stores every such cell of a
workbook as the text it is.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

#: First characters that make a spreadsheet read a CSV cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def formula_safe(text: str) -> str:
    """Text a spreadsheet shows as written: an apostrophe goes before a leading =, +, -, @, tab or CR."""
    return "'" + text if text.startswith((*FORMULA_STARTS, "'")) else text


def formula_unsafe(text: str) -> str:
    """The text :func:`formula_safe` was given."""
    return text[1:] if text.startswith("'") and text[1:].startswith((*FORMULA_STARTS, "'")) else text


def safe_cell(value: Any) -> Any:
    """Text made formula-safe, its line breaks written as line feeds; any other value (numbers,
    dates, None) as it is.

    A carriage return inside a cell becomes a line feed: the csv module quotes a cell only for
    the characters of its own line ending, so with ``"\n"`` line ends a lone carriage return
    would be left unquoted, and spreadsheets and CSV readers end the row there.
    """
    if not isinstance(value, str):
        return value
    return formula_safe(value).replace("\r\n", "\n").replace("\r", "\n")


def write_safe_csv(
    handle: TextIO,
    header: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    lineterminator: str = "\n",
    cell: Any = safe_cell,
) -> None:
    """Write a header and rows as CSV to ``handle``, every text cell through :func:`formula_safe`.

    ``cell`` turns each value into what is written; it must keep text formula-safe (the
    default leaves numbers and other values to the csv module).
    """
    writer = csv.writer(handle, lineterminator=lineterminator)
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([cell(v) for v in row])


def text_not_formulas(book: Any) -> None:
    """Store every cell of an openpyxl workbook that would be saved as a formula as text instead.

    openpyxl takes any text starting with ``=`` for a formula; no workbook Safer Places writes
    holds a formula, so each such cell is text (a title, a segment name, a plan's words) to be
    shown as written. Call it on a workbook (not a write-only one) just before saving.
    """
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
