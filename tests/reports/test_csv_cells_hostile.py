"""Issue 13: every CSV Safer Places writes with write_safe_csv reads back as the rows written,
whatever line breaks or formula-like starts the text holds (read back with the csv module)."""

from __future__ import annotations

import csv
import io

import pytest

from saferplaces.reports.csv_cells import FORMULA_STARTS, safe_cell, write_safe_csv

TEXTS = [
    "\r=1",
    "a\rb",
    "a\r\nb",
    "a\nb",
    '=HYPERLINK("http://x","y")',
    "@SUM(A1)",
    "\t-1",
    "plain, with a comma",
    'a "quoted" word',
]


@pytest.mark.parametrize("ending", ["\n", "\r\n"])
def test_text_with_line_breaks_and_formulas_keeps_its_row(ending: str) -> None:
    out = io.StringIO(newline="")
    write_safe_csv(out, ["text", "n"], [[text, -3] for text in TEXTS], lineterminator=ending)
    rows = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    assert len(rows) == len(TEXTS) + 1  # no cell broke its row in two
    for (cell, number), text in zip(rows[1:], TEXTS, strict=True):
        assert number == "-3"  # numbers are not text, so a negative number stays a number
        assert not cell.startswith(FORMULA_STARTS)
        assert cell.lstrip("'") == text.replace("\r\n", "\n").replace("\r", "\n").lstrip("'")


def test_safe_cell_examples() -> None:
    assert safe_cell("\r=1") == "'\n=1"
    assert safe_cell("a\r\nb") == "a\nb"
    assert safe_cell(-1) == -1 and safe_cell(None) is None
