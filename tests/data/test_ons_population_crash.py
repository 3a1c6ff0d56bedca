"""A population download killed with SIGKILL leaves the store as it was, or as the download left it (#9).

The download runs in a child process against the local Nomis server (tests/fixtures/nomis_server.py)
and kills itself at its Nth store checkpoint (``SAFERPLACES_CRASH_AT``, as in test_store_crash.py),
for every N it passes; once more it is killed while Nomis is still answering. Each time the store's
population tables, read here from ``manifest.json`` and the files it lists (not through the
product), must be those held before the download or those after it, the product must read the same
estimate, and the next download must complete and leave nothing behind.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from saferplaces.data.areas import resolve_area
from saferplaces.data.ons_population import download_ons_population
from saferplaces.data.population import population
from saferplaces.data.store import CHECKPOINT_LOG_ENV, CRASH_AT_ENV, Store
from tests.conftest import ROOT
from tests.data.store_helpers import assert_clean
from tests.fixtures.nomis_server import PATH, NomisServer, ward_counts

pytestmark = pytest.mark.slow

STAFFORD, COTON = "E07000197", "E05010482"
ASK = {"districts": {STAFFORD: "Stafford"}, "wards": {COTON: "Coton"}}
DOWNLOAD = (
    "import sys\n"
    "from saferplaces.data.ons_population import download_ons_population\n"
    "from saferplaces.data.store import Store\n"
    f"download_ons_population(Store(sys.argv[1]), base_url=sys.argv[2], attempts=1, timeout=30, **{ASK!r})\n"
)
COMMIT = "commit: renamed into place"


def _child(root: Path, url: str, log: Path, crash_at: int | None = None, wait: bool = True):
    env = {**os.environ, CHECKPOINT_LOG_ENV: str(log)}
    env.pop(CRASH_AT_ENV, None)
    if crash_at is not None:
        env[CRASH_AT_ENV] = str(crash_at)
    args = [sys.executable, "-c", DOWNLOAD, str(root), url]
    if not wait:
        return subprocess.Popen(args, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)


def held(root: Path) -> dict[str, str]:
    """{manifest key: SHA-256} of the population tables held, each file checked against its name."""
    path = root / "manifest.json"
    if not path.exists():
        return {}
    out = {}
    for key, entry in json.loads(path.read_text())["reference"].items():
        (relative,) = entry["files"]
        data = (root / relative).read_bytes()  # fails when a listed file is missing
        assert hashlib.sha256(data).hexdigest() == entry["sha256"] == Path(relative).stem, relative
        out[key] = entry["sha256"]
    return out


def _stafford(root: Path) -> tuple[int, int]:
    with Store(root).snapshot() as snap:
        con = snap.connect()
        found = population(con, resolve_area(con, "Stafford"), 2025)
        del con
    return found.year, found.value


@pytest.fixture
def server(tmp_path):
    with NomisServer(tmp_path / "nomis") as server:
        yield server


def _revise(server: NomisServer) -> int:
    """ONS publishes mid-2023 (one more resident at every age and sex of Stafford) and revises
    Coton's ward estimate; Stafford's new total is returned."""
    name, counts = server.estimates[STAFFORD]
    server.estimates[STAFFORD] = (name, {k: v + 1 for k, v in counts.items()})
    server.district_year = "2023"
    ward_name, _ = server.ward_estimates[COTON]
    server.ward_estimates[COTON] = (ward_name, {k: v + 2 for k, v in ward_counts(COTON).items()})
    return sum(counts.values()) + 2 * 91


def test_download_killed_at_every_checkpoint_leaves_before_or_after(server, tmp_path):
    before = tmp_path / "before"
    download_ons_population(Store(before), base_url=server.url, attempts=1, **ASK)
    state_before, stafford_before = held(before), _stafford(before)
    stafford_after = (2023, _revise(server))
    probe = tmp_path / "probe"
    shutil.copytree(before, probe)
    done = _child(probe, server.url, tmp_path / "probe.log")
    assert done.returncode == 0, done.stderr
    names = [line.split(" ", 1)[1] for line in (tmp_path / "probe.log").read_text().splitlines()]
    state_after = held(probe)
    assert set(state_after) == {*state_before, "population/lad/2023"}  # the 2021 districts stay
    assert state_after["population/ward/2022"] != state_before["population/ward/2022"]
    assert COMMIT in names and "place: file moved in" in names
    for number, name in enumerate(names, start=1):
        root = tmp_path / f"run-{number}"
        shutil.copytree(before, root)
        killed = _child(root, server.url, tmp_path / f"run-{number}.log", crash_at=number)
        where = f"killed at checkpoint {number} ({name})"
        assert killed.returncode == -9, f"{where}: {killed.stderr}"
        committed = number >= names.index(COMMIT) + 1
        assert held(root) == (state_after if committed else state_before), where
        assert _stafford(root) == (stafford_after if committed else stafford_before), where
        download_ons_population(Store(root), base_url=server.url, attempts=1, **ASK)  # the next completes
        assert held(root) == state_after, where
        assert_clean(root)
        shutil.rmtree(root)


def test_download_killed_while_nomis_answers_leaves_what_was_held(server, tmp_path):
    root = tmp_path / "store"
    download_ons_population(Store(root), base_url=server.url, attempts=1, **ASK)
    state_before = held(root)
    _revise(server)
    server.faults[PATH] = "slow"
    child = _child(root, server.url, tmp_path / "log", wait=False)
    deadline = time.monotonic() + 60
    while server.hits.count(PATH) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    assert child.returncode == -9
    assert held(root) == state_before
    assert any((root / ".work").iterdir())  # what it left, cleaned by the next write
    server.faults.clear()
    download_ons_population(Store(root), base_url=server.url, attempts=1, **ASK)
    assert "population/lad/2023" in held(root)
    assert_clean(root)
