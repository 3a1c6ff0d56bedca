"""Issue 13: every CSV Safer Places writes for people to open escapes text that starts like a
formula. The rule lives in ``reports/csv_cells.py``; this test finds every place in the source
that writes CSV, so a new writer that bypasses the rule fails here until it is reviewed.
"""

from __future__ import annotations

import re

from tests.conftest import ROOT

SOURCE = ROOT / "src" / "saferplaces"
#: Source that writes CSV, and why each is safe. A new writer must be added here with a reason.
REVIEWED = {
    # the rule itself: write_safe_csv puts every text cell through formula_safe
    "reports/csv_cells.py": "csv.writer(",
    # the web's public downloads: every value goes through safe_cell (_cell); the header is the
    # code's own column names
    "web/public/http.py": "csv.DictWriter(",
    # Nomis answers written to a store work folder for DuckDB to read, never opened by people
    "data/ons_population.py": "csv.writer(",
    # synthetic extracts: every text value is made by the code (crime types, codes, pseudonyms,
    # fixed segment names) and a synthetic extract is an import file, read back by Safer Places
    "data/synth.py": "format csv",
}
WRITERS = re.compile(r"csv\.writer\(|csv\.DictWriter\(|format csv|to_csv\(|\(format 'csv'")


def test_every_csv_writer_in_the_source_is_one_reviewed_for_formula_cells():
    found = {}
    for path in sorted(SOURCE.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        lines = [line for line in text.splitlines() if WRITERS.search(line) and "saferplaces " not in line]
        if lines:
            found[str(path.relative_to(SOURCE))] = lines
    assert set(found) == set(REVIEWED), found
    for name, marker in REVIEWED.items():
        assert any(marker in line for line in found[name]), (name, found[name])


def test_the_command_line_writes_csv_only_through_the_shared_rule():
    common = (SOURCE / "cli" / "common.py").read_text(encoding="utf-8")
    assert "write_safe_csv(buffer, columns, rows)" in common
    for path in sorted((SOURCE / "cli").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert "import csv" not in text, f"{path.name} writes CSV itself; use common.emit"
