"""`saferplaces extract ingest|list` and `saferplaces synth`, run as the real console script."""

from __future__ import annotations

import csv
import hashlib
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from saferplaces.data.bundled_files import police_uk_months
from saferplaces.data.ingest import ingest
from saferplaces.data.store import Store

SAFERPLACES = Path(sys.executable).parent / "saferplaces"
BAD = Path(__file__).resolve().parent.parent / "fixtures" / "bad_extracts"


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "COLUMNS": "160", **(env or {})}
    return subprocess.run(
        [str(SAFERPLACES), *args], capture_output=True, text=True, env=full_env, timeout=300
    )


def digest(root: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.name != ".lock"):
        h.update(str(path.relative_to(root)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Store, Path]:
    """A store with three bundled months, a synthetic extract made by the CLI, and it loaded."""
    root = tmp_path_factory.mktemp("cli")
    store = Store(root / "store")
    ingest(police_uk_months()[-3:], store)
    out = root / "demo-synthetic.csv.gz"
    made = run(
        "synth",
        "--out",
        str(out),
        "--from",
        "2025-12",
        "--to",
        "2025-12",
        "--seed",
        "4",
        "--scale",
        "0.5",
        "--store",
        str(store.root),
    )
    assert made.returncode == 0, made.stderr
    assert "synthetic rows" in made.stdout and "rows a second" in made.stdout
    loaded = run("extract", "ingest", str(out), "--name", "demo", "--store", str(store.root))
    assert loaded.returncode == 0, loaded.stderr
    assert "Added the extract 'demo'" in loaded.stdout
    assert "marked synthetic" in loaded.stdout
    return store, out


@pytest.mark.parametrize("command", [["extract"], ["extract", "ingest"], ["extract", "list"], ["synth"]])
def test_every_command_has_help_with_an_example(command):
    result = run(*command, "--help")
    assert result.returncode == 0
    assert "Example:" in result.stdout


def test_list_shows_the_extract_as_synthetic(loaded):
    store, _ = loaded
    result = run("extract", "list", "--format", "csv", "--store", str(store.root))
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["name"], r["source"], r["synthetic"]) for r in rows] == [
        ("demo", "demo-synthetic.csv.gz", "yes")
    ]
    assert int(rows[0]["rows"]) > 1000


def test_ingesting_the_same_file_again_changes_nothing(loaded):
    store, out = loaded
    before = digest(store.root)
    result = run("extract", "ingest", str(out), "--name", "demo", "--store", str(store.root))
    assert result.returncode == 0 and "nothing was changed" in result.stdout
    assert digest(store.root) == before


@pytest.mark.parametrize(
    "name,fragment",
    [
        ("unknown-category.csv", "Line 3 of unknown-category.csv has 'Burglery' in column 'category'"),
        ("empty.csv", "The file empty.csv is empty."),
    ],
)
def test_a_bad_extract_is_one_line_and_changes_nothing(loaded, name, fragment):
    store, _ = loaded
    before = digest(store.root)
    result = run("extract", "ingest", str(BAD / name), "--name", "demo", "--store", str(store.root))
    assert result.returncode == 3
    assert result.stderr.startswith("Error: " + fragment) or fragment in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert result.stdout == ""
    assert digest(store.root) == before


def test_synth_on_an_empty_store_says_what_to_run(tmp_path):
    result = run("synth", "--out", str(tmp_path / "x-synthetic.csv"), "--store", str(tmp_path / "empty"))
    assert result.returncode == 4
    assert "holds no police.uk data" in result.stderr
    assert "Run 'saferplaces demo' or 'saferplaces ingest' first." in result.stderr
    assert not (tmp_path / "x-synthetic.csv").exists()


def test_synth_refuses_a_name_that_hides_it_is_synthetic(loaded, tmp_path):
    store, _ = loaded
    result = run("synth", "--out", str(tmp_path / "extract.csv"), "--store", str(store.root))
    assert result.returncode == 2
    assert "does not say it is synthetic" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
