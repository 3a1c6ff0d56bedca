"""Issue 13 at the command line: Ctrl+C during an import, formula-safe CSV output, the import
summary naming force-months, and hostile inputs refused on one line."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import time

from saferplaces.data.bundled_files import police_uk_months
from saferplaces.data.ingest import ingest
from saferplaces.data.store import Store
from saferplaces.reports.csv_cells import formula_safe, formula_unsafe
from tests.conftest import SAFERPLACES, run_cli, tree_digest


def test_ctrl_c_during_an_import_leaves_the_store_unchanged(tmp_path):
    store = Store(tmp_path / "store")
    months = police_uk_months()
    ingest([months[0]], store)
    before = tree_digest(store.root)
    process = subprocess.Popen(
        [str(SAFERPLACES), "ingest", *map(str, months[1:]), "--store", str(store.root)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # a shell's background job ignores SIGINT; this child must not, as a terminal's would not
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    work = store.root / ".work"
    deadline = time.monotonic() + 60
    while not work.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    time.sleep(0.3)  # well inside the import: checking and reading 21 files takes seconds
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=120)
    assert process.returncode == 130, (out, err)
    assert err.strip().splitlines()[-1] == "Stopped; the store is unchanged."
    assert "Traceback" not in err
    assert tree_digest(store.root) == before
    assert not work.exists()
    # and the next import completes
    done = run_cli("ingest", str(months[1]), "--store", str(store.root))
    assert done.returncode == 0, done.stderr


def test_import_summary_names_the_force_months(tmp_path):
    months = [p for p in police_uk_months() if p.name[:7] in ("2025-01", "2025-02", "2025-04")]
    result = run_cli("ingest", *map(str, months), "--store", str(tmp_path / "store"))
    assert result.returncode == 0, result.stderr
    assert "Added street-level crimes for staffordshire: 2025-01 to 2025-02, 2025-04." in result.stdout


def test_a_named_pipe_is_refused_on_one_line(tmp_path):
    pipe = tmp_path / "2025-01-staffordshire-street.csv"
    os.mkfifo(pipe)
    result = run_cli("ingest", str(pipe), "--store", str(tmp_path / "store"))
    assert result.returncode == 2
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1
    assert "is a named pipe, not a file" in result.stderr


def test_csv_output_escapes_cells_that_start_like_a_formula(tmp_path):
    store = tmp_path / "store"
    source = tmp_path / "=HYPERLINK(1)+2.csv"  # a file name is text the user controls
    source.write_text("date,category,lsoa_code\n2025-03-01,Burglary,E01014210\n")
    loaded = run_cli("extract", "ingest", str(source), "--name", "formula", "--store", str(store))
    assert loaded.returncode == 0, loaded.stderr
    listed = run_cli("extract", "list", "--format", "csv", "--store", str(store))
    rows = list(csv.DictReader(io.StringIO(listed.stdout)))
    assert rows[0]["source"] == "'=HYPERLINK(1)+2.csv"
    assert formula_unsafe(rows[0]["source"]) == source.name
    as_json = json.loads(run_cli("extract", "list", "--format", "json", "--store", str(store)).stdout)
    assert as_json["rows"][0]["source"] == source.name  # only CSV, read by spreadsheets, is escaped


def test_counts_csv_keeps_numbers_as_numbers(tmp_path):
    store = tmp_path / "store"
    ingest([p for p in police_uk_months() if p.name.startswith("2025-01")], Store(store))
    out = run_cli(
        "counts", "--area", "Stafford", "--period", "2025-01", "--format", "csv", "--store", str(store)
    )
    assert out.returncode == 0, out.stderr
    rows = list(csv.reader(io.StringIO(out.stdout)))
    assert all(not cell.startswith("'") for row in rows for cell in row)
    assert all(row[-1].isdigit() for row in rows[1:])


def test_formula_rule_examples():
    # OWASP "CSV Injection": =, +, -, @, tab and carriage return start a formula
    for text in ("=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "'=1"):
        assert formula_safe(text) == "'" + text
        assert formula_unsafe(formula_safe(text)) == text
    assert formula_safe("Burglary - dwelling") == "Burglary - dwelling"
