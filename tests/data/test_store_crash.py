"""Crash and concurrency experiments on the store (issue 13, section 1).

An import runs in a child process that kills itself with SIGKILL at its Nth checkpoint
(``SAFERPLACES_CRASH_AT``), for every N the import passes: between every file operation of
placing, committing and cleaning up. After each kill the store must open and hold exactly the
state before the import (killed before the manifest's rename) or after it, read independently
of the product (tests/data/store_helpers.py); and the next import must complete and leave no
leftovers. A reader process loops over snapshot reads while many replacing imports run, and
every read must be one consistent state.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from saferplaces.data.ingest import ingest
from saferplaces.data.partner import ingest_extract
from saferplaces.data.store import CHECKPOINT_LOG_ENV, CRASH_AT_ENV, Store
from tests.conftest import ROOT
from tests.data.store_helpers import assert_clean, small_month, small_outcomes, state

pytestmark = pytest.mark.slow

INGEST = (
    "import sys\n"
    "from saferplaces.data.ingest import ingest\n"
    "from saferplaces.data.store import Store\n"
    "ingest(sys.argv[2:], Store(sys.argv[1]))\n"
)
EXTRACT = (
    "import sys\n"
    "from saferplaces.data.partner import ingest_extract\n"
    "from saferplaces.data.store import Store\n"
    "ingest_extract(sys.argv[2], Store(sys.argv[1]), 'police')\n"
)
COMMIT = "commit: renamed into place"


def _child(script: str, root: Path, args: list[Path], log: Path, crash_at: int | None = None):
    env = {**os.environ, CHECKPOINT_LOG_ENV: str(log)}
    env.pop(CRASH_AT_ENV, None)
    if crash_at is not None:
        env[CRASH_AT_ENV] = str(crash_at)
    return subprocess.run(
        [sys.executable, "-c", script, str(root), *map(str, args)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )


def _checkpoints(log: Path) -> list[str]:
    return [line.split(" ", 1)[1] for line in log.read_text().splitlines()] if log.exists() else []


def _crash_everywhere(tmp: Path, before: Path, script: str, args: list[Path], again) -> list[str]:
    """Kill the import at each of its checkpoints; check the store each time; return the names."""
    probe = tmp / "probe"
    shutil.copytree(before, probe)
    done = _child(script, probe, args, tmp / "probe.log")
    assert done.returncode == 0, done.stderr
    names = _checkpoints(tmp / "probe.log")
    assert COMMIT in names
    state_before, state_after = state(before), state(probe)
    assert state_before != state_after
    for number, name in enumerate(names, start=1):
        root = tmp / f"run-{number}"
        shutil.copytree(before, root)
        log = tmp / f"run-{number}.log"
        killed = _child(script, root, args, log, crash_at=number)
        where = f"killed at checkpoint {number} ({name})"
        assert killed.returncode == -9, f"{where}: the import was not killed: {killed.stderr}"
        assert _checkpoints(log)[-1] == name, where
        expected = state_after if number >= names.index(COMMIT) + 1 else state_before
        assert state(root) == expected, where
        # the product's reader opens the store and agrees with the independent reading
        with Store(root).snapshot() as snap:
            con = snap.connect()
            listed = {k: e["rows"] for k, e in snap.manifest.partitions.items()}
            assert listed == {k: rows for k, (_, rows) in expected.items()}, where
            query = "select force, month, count(*) from crimes group by all"
            read = {f"crimes/{f}/{m}": n for f, m, n in con.execute(query).fetchall()}
            assert read == {k: v for k, v in listed.items() if k.startswith("crimes/")}, where
            del con  # a connection pins its snapshot's files while it exists
        again(Store(root))  # the next import completes
        assert state(root) == state_after, where
        assert_clean(root)
        shutil.rmtree(root)
    return names


def test_import_killed_at_every_checkpoint_leaves_before_or_after(tmp_path):
    first = [
        small_month(tmp_path / "v1", "2025-01", 40),
        small_month(tmp_path / "v1", "2025-02", 40),
        small_outcomes(tmp_path / "v1", "2025-01", 5),
    ]
    second = [
        small_month(tmp_path / "v2", "2025-02", 30),  # replaces a month
        small_month(tmp_path / "v2", "2025-03", 20),  # adds one
        small_outcomes(tmp_path / "v2", "2025-02", 6),
    ]
    before = tmp_path / "before"
    ingest(first, Store(before))
    names = _crash_everywhere(tmp_path, before, INGEST, second, lambda store: ingest(second, store))
    # the kills fell between every file operation of placing, committing and cleaning up
    for step in (
        "place: staged file synced",
        "place: file moved in",
        "snapshot: temporary file written",
        "snapshot: temporary file synced",
        "snapshot: renamed into place",
        "commit: temporary file written",
        "commit: temporary file synced",
        COMMIT,
        "collect: unneeded file removed",
    ):
        assert step in names


def test_first_import_killed_at_every_checkpoint_leaves_nothing_or_the_store(tmp_path):
    files = [small_month(tmp_path / "v1", "2025-01", 40)]
    before = tmp_path / "before"
    before.mkdir()  # an empty folder: the state before is "holds nothing"
    _crash_everywhere(tmp_path, before, INGEST, files, lambda store: ingest(files, store))


def test_extract_import_killed_at_every_checkpoint_leaves_before_or_after(tmp_path):
    old, new = tmp_path / "old.csv", tmp_path / "new.csv"
    old.write_text("Offence Date,Crime type,LSOA code\n2025-10-01,Burglary,E01014210\n")
    new.write_text(old.read_text() + "2025-11-02,Drugs,E01014210\n")
    before = tmp_path / "before"
    ingest([small_month(tmp_path / "v1", "2025-01", 10)], Store(before))
    ingest_extract(old, Store(before), "police")

    def extracts(root: Path) -> dict:
        manifest = json.loads((root / "manifest.json").read_text())
        return {n: (e["sha256"], e["rows"]) for n, e in manifest["extracts"].items()}

    probe = tmp_path / "probe"
    shutil.copytree(before, probe)
    assert _child(EXTRACT, probe, [new], tmp_path / "probe.log").returncode == 0
    names = _checkpoints(tmp_path / "probe.log")
    for number, name in enumerate(names, start=1):
        root = tmp_path / f"run-{number}"
        shutil.copytree(before, root)
        assert _child(EXTRACT, root, [new], tmp_path / f"run-{number}.log", crash_at=number).returncode == -9
        expected = probe if number >= names.index(COMMIT) + 1 else before
        assert extracts(root) == extracts(expected), name
        assert state(root) == state(before), name  # the police.uk rows are untouched
        ingest_extract(new, Store(root), "police")
        assert extracts(root) == extracts(probe), name
        assert_clean(root)
        shutil.rmtree(root)


READER = """
import json, sys, time
from pathlib import Path
from saferplaces.data.store import Store

root, stop, out = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
valid = [dict(v) for v in json.loads(sys.argv[4])]
store = Store(root)
reads, ids, bad = 0, set(), []
query = "select month, count(*) from crimes group by 1 order by 1"
while not stop.exists():
    with store.snapshot() as snap:
        con = snap.connect()
        first = dict(con.execute(query).fetchall())
        time.sleep(0.05)  # a commit may happen here: the snapshot must not change
        again = dict(con.execute(query).fetchall())
        listed = {k.split("/")[2]: e["rows"] for k, e in snap.manifest.partitions.items()}
        if not (first == again == listed and first in valid):
            bad.append([snap.id, first, again, listed])
        con.close()
        ids.add(snap.id)
        reads += 1
    if reads == 1:
        out.with_suffix(".ready").touch()
out.write_text(json.dumps({"reads": reads, "ids": sorted(ids), "bad": bad}))
"""


def test_readers_see_one_consistent_state_during_many_replacing_imports(tmp_path):
    root = tmp_path / "store"
    versions = [
        [small_month(tmp_path / "a", "2025-01", 40), small_month(tmp_path / "a", "2025-02", 40)],
        [small_month(tmp_path / "b", "2025-01", 30), small_month(tmp_path / "b", "2025-02", 30)],
    ]
    valid = [[["2025-01", 40], ["2025-02", 40]], [["2025-01", 30], ["2025-02", 30]]]
    ingest(versions[0], Store(root))
    stop, out = tmp_path / "stop", tmp_path / "reads.json"
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(root), str(stop), str(out), json.dumps(valid)],
        cwd=ROOT,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while not out.with_suffix(".ready").exists():
            assert reader.poll() is None, reader.stderr.read()
            assert time.monotonic() < deadline, "the reader did not start"
            time.sleep(0.1)
        for number in range(1, 13):
            result = ingest(versions[number % 2], Store(root))
            assert result.count("replaced") == 2
    finally:
        stop.touch()
        _, errors = reader.communicate(timeout=120)
    assert reader.returncode == 0, errors
    reads = json.loads(out.read_text())
    assert reads["bad"] == []
    assert reads["reads"] >= 5 and len(reads["ids"]) >= 3, reads  # the reads overlapped the imports
    assert ingest(versions[0], Store(root)).count("unchanged") == 2  # a write with no reader left
    assert_clean(root)
