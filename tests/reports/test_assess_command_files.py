"""The cold `saferplaces assess` path writes the same files as one process does.

The command typesets the assessment's PDF and draws the Word file's pictures with Typst on
threads beside the other files (ADR 0032); the files must be the same as those written by
``write_assessment`` called here.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from saferplaces.assessment.build import build_assessment
from saferplaces.reports.documents import write_assessment


@pytest.fixture(scope="module")
def both(bundled_store, tmp_path_factory):
    """The files of `saferplaces assess` run as a user runs it (a new process, the PDF typeset on
    a thread), and those written here in this process alone."""
    here = tmp_path_factory.mktemp("in-process")
    there = tmp_path_factory.mktemp("command")
    args = ["assess", "--area", "Tamworth", "--period", "2025", "--store", str(bundled_store.root)]
    subprocess.run(
        [sys.executable, "-c", "from saferplaces.cli.main import main; main()", *args, "--out", str(there)],
        check=True,
        capture_output=True,
    )
    alone = write_assessment(build_assessment(bundled_store, "Tamworth", "2025"), here)
    return alone, [there / p.name for p in alone]


def _sheets(path):
    book = load_workbook(path)
    return {s.title: [[c.value for c in row] for row in s.iter_rows()] for s in book.worksheets}


def _docx_parts(path):
    with zipfile.ZipFile(path) as z:
        # docProps/core.xml holds the time the file was made; everything else must match
        return {n: z.read(n) for n in z.namelist() if n != "docProps/core.xml"}


def test_the_command_and_one_process_write_the_same_files(both):
    alone, by_worker = both
    files = {p.suffix[1:]: (p, q) for p, q in zip(alone, by_worker, strict=True)}
    for fmt in ("html", "json"):
        mine, theirs = files[fmt]
        assert mine.read_bytes() == theirs.read_bytes(), fmt
    assert _sheets(files["xlsx"][0]) == _sheets(files["xlsx"][1])
    mine, theirs = (_docx_parts(p) for p in files["docx"])
    assert mine.keys() == theirs.keys() and any(n.startswith("word/media/") for n in mine)
    assert mine == theirs
    pdfs = [PdfReader(p) for p in files["pdf"]]
    assert len(pdfs[0].pages) == len(pdfs[1].pages) > 1
    for page, other in zip(pdfs[0].pages, pdfs[1].pages, strict=True):
        assert page.extract_text() == other.extract_text()
