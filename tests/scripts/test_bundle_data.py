"""``scripts/bundle_data.py`` copied again keeps the bundled files made by hand (#9).

The script runs as a user runs it, on a temporary copy: a small stand-in for ../shared/data
(each table it trims, with the columns it keeps and one made-up row) and an output folder that
holds the real hand-made bundled files and a file the shared data no longer gives.
"""

from __future__ import annotations

import csv
import gzip
import importlib.util
import shutil
import subprocess
import sys

from saferplaces.data.bundled_files import bundled_dir
from tests.conftest import ROOT

SCRIPT = ROOT / "scripts" / "bundle_data.py"
#: the bundled files made for Safer Places, which ../shared/data does not hold
HAND_MADE = ("SOURCES.md", "places/gazetteer_staffordshire.csv", "reference/police_uk_forces.csv")


def _tables() -> dict[str, list[str] | None]:
    spec = importlib.util.spec_from_file_location("bundle_data", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.TABLES


def test_copying_again_keeps_hand_made_files_and_drops_stale_ones(tmp_path):
    shared, out = tmp_path / "shared", tmp_path / "bundled"
    tables = _tables()
    for rel, columns in tables.items():
        (shared / rel).parent.mkdir(parents=True, exist_ok=True)
        header = columns or ["a", "b"]
        (shared / rel).write_text(",".join(header) + ",dropped\n" + ",".join("x" * len(header)) + ",y\n")
    (shared / "SOURCES.md").write_text("Shared sources\n")
    for rel in HAND_MADE:
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(bundled_dir() / rel, out / rel)
    stale = out / "population" / "withdrawn.csv.gz"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"old")

    done = subprocess.run(
        [sys.executable, str(SCRIPT), str(shared), str(out)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    for rel in HAND_MADE:
        assert (out / rel).read_bytes() == (bundled_dir() / rel).read_bytes(), rel
    assert not stale.exists() and not stale.parent.exists()
    for rel, columns in tables.items():
        with gzip.open(out / f"{rel}.gz", "rt") as f:
            rows = list(csv.reader(f))
        if columns is None:  # kept whole
            assert rows[0] == ["a", "b", "dropped"]
        else:  # only the columns the product reads
            assert rows == [columns, ["x"] * len(columns)]
    assert (out / "SOURCES-shared.md").read_text() == "Shared sources\n"
