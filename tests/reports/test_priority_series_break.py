"""A crime type whose series may have a break: its change is marked in words and not scored (#9).

The store holds the real bundled police.uk months January to April 2024 and 2025, with 12
bicycle thefts taken out of January 2025 (the file is otherwise unchanged). Staffordshire's
bicycle thefts then fall from a monthly mean of 60.0 to 37.5 over January to April: a ratio of
0.625, below the data-quality check's 1 / 1.5, so the check flags a possible break. The test
computes that from the files with the csv module before building.
"""

from __future__ import annotations

import csv
import gzip
import json
from collections import Counter
from pathlib import Path

import pytest

from saferplaces.assessment.build import build_assessment
from saferplaces.data.bundled_files import police_uk_months
from saferplaces.data.ingest import ingest
from saferplaces.data.store import Store
from saferplaces.defaults import DEFAULTS
from saferplaces.reports.documents import write_assessment

MONTHS = [f"{y}-{m:02d}" for y in (2024, 2025) for m in range(1, 5)]
TYPE = "Bicycle theft"
DROPPED = 12
WORDS = "Not counted: possible break in series"


def _rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with gzip.open(path, "rt", newline="") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    raw = tmp_path_factory.mktemp("raw")
    monthly: Counter[str] = Counter()
    for path in police_uk_months():
        month = path.name[:7]
        if month not in MONTHS:
            continue
        header, rows = _rows(path)
        if month == "2025-01":
            drop = [i for i, r in enumerate(rows) if r["Crime type"] == TYPE][:DROPPED]
            rows = [r for i, r in enumerate(rows) if i not in set(drop)]
        monthly.update(month[:4] for r in rows if r["Crime type"] == TYPE)
        with gzip.open(raw / path.name, "wt", newline="") as f:
            writer = csv.DictWriter(f, header)
            writer.writeheader()
            writer.writerows(rows)
    store = Store(tmp_path_factory.mktemp("store") / "store")
    ingest([raw], store)
    a = build_assessment(store, "Stafford", "2025-01..2025-04")
    out = tmp_path_factory.mktemp("out")
    return monthly, a, {p.suffix[1:]: p for p in write_assessment(a, out)}


def test_the_fixture_has_a_break_by_the_checks_rule(built):
    monthly, _, _ = built
    ratio = (monthly["2025"] / 4) / (monthly["2024"] / 4)
    assert ratio <= 1 / DEFAULTS.break_ratio


def test_the_score_leaves_the_change_out(built):
    _, a, _ = built
    p = next(p for p in a.priorities if p.theme == TYPE)
    assert p.series_break and "possible break in the force's series" in p.series_break
    assert "change" not in p.components
    # the score is the weighted mean of the components held, the change not among them
    weights = a.priority_weights
    expected = sum(weights[k] * v for k, v in p.components.items()) / sum(weights[k] for k in p.components)
    assert p.score == pytest.approx(expected, abs=0.0005)
    assert "not counted" in p.sentences["change"]
    # the other types' changes are scored
    assert all("change" in q.components for q in a.priorities if q.theme != TYPE)
    assert [q.theme for q in a.priorities if q.series_break] == [TYPE]


def _priority_row(cells: list[list[str]]) -> list[str]:
    return next(r for r in cells if len(r) > 2 and r[1] == TYPE)


def test_every_format_says_so_in_words(built):
    from docx import Document
    from openpyxl import load_workbook
    from pypdf import PdfReader

    _, a, files = built
    data = json.loads(files["json"].read_text())
    p = next(p for p in data["priorities"] if p["theme"] == TYPE)
    assert p["series_break"].startswith("possible break in the force's series")
    assert "change" not in p["components"]

    html = files["html"].read_text()
    table = html[html.index('id="priorities"') :]
    table = table[: table.index("</table>")]
    assert TYPE in table and WORDS in table

    sheet = load_workbook(files["xlsx"])["priorities"]
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    header = rows[1]  # the caption, then the column names
    row = next(r for r in rows if TYPE in r)
    assert row[header.index("Change")] == WORDS
    assert "Possible break in series: change not counted" in row[header.index("Caveat")]
    # the other themes' change scores are still numbers
    themes = {q.theme for q in a.priorities} - {TYPE}
    others = [r[header.index("Change")] for r in rows if r[1] in themes]
    assert others and all(isinstance(v, float) for v in others)

    doc = Document(str(files["docx"]))
    cells = [[c.text for c in r.cells] for t in doc.tables for r in t.rows]
    assert WORDS in _priority_row([r for r in cells if "Best rank" not in r])

    text = " ".join(page.extract_text() for page in PdfReader(files["pdf"]).pages)
    assert "Not counted: possible" in " ".join(text.split())
