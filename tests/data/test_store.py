"""The store's snapshots: pinned files, the atomic commit, cleaning at the next write, version 1 stores,
and a failed first import next to another writer (issue 13, section 1)."""

from __future__ import annotations

import gc
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from saferplaces.data.ingest import ingest
from saferplaces.data.partner import attach_extracts, ingest_extract
from saferplaces.data.store import SNAPSHOT_HISTORY, Store, work_folder
from saferplaces.errors import DataFormatError
from tests.conftest import FIXTURES, ROOT, tree_digest
from tests.data.store_helpers import assert_clean, data_files, small_month, state

BAD = FIXTURES / "bad_inputs" / "2025-01-staffordshire-street-truncated.csv.gz"


def crimes_by_month(con) -> dict[str, int]:
    return dict(con.execute("select month, count(*) from crimes group by 1").fetchall())


def test_files_are_named_by_their_bytes_and_listed_in_the_manifest(store, tmp_path):
    ingest([small_month(tmp_path, "2025-01", 40), small_month(tmp_path, "2025-02", 30)], store)
    held = state(store.root)  # checks every listed file's SHA-256 against its name
    assert {k: rows for k, (_, rows) in held.items()} == {
        "crimes/staffordshire/2025-01": 40,
        "crimes/staffordshire/2025-02": 30,
    }
    manifest = json.loads(store.manifest_path.read_text())
    assert manifest["version"] == 2 and manifest["snapshot"] == 1
    assert (store.root / "snapshots" / "00000001.json").read_text() == store.manifest_path.read_text()
    assert_clean(store.root)


def test_snapshot_reads_only_its_files_and_keeps_them_through_a_replacing_ingest(store, tmp_path):
    ingest([small_month(tmp_path / "a", "2025-01", 40)], store)
    with store.snapshot() as old:
        con = old.connect()
        assert old.force_months() == {"staffordshire": {"2025-01"}}
        # a reader during a commit: the month is replaced while the snapshot is open
        newer = [small_month(tmp_path / "b", "2025-01", 25), small_month(tmp_path / "b", "2025-02", 10)]
        ingest(newer, store)
        assert crimes_by_month(con) == {"2025-01": 40}
        assert old.force_months() == {"staffordshire": {"2025-01"}}
        # a file in the folder that no manifest lists is never read
        stray = store.partition_dir("crimes", "staffordshire", "2025-01") / "stray.parquet"
        shutil.copy(old.files["crimes"][0], stray)
        with store.snapshot() as new:
            assert new.id == old.id + 1
            assert crimes_by_month(new.connect()) == {"2025-01": 25, "2025-02": 10}
        old_file = Path(old.files["crimes"][0])
    assert old_file.exists()  # the connection still pins it
    del con
    gc.collect()
    ingest([small_month(tmp_path / "a", "2025-03", 5)], store)  # the next write cleans up
    assert not old_file.exists() and not stray.exists()
    assert not any((store.root / ".pins").iterdir())
    assert_clean(store.root)


def test_a_dead_readers_pin_is_released_at_the_next_write(store, tmp_path):
    ingest([small_month(tmp_path / "a", "2025-01", 40)], store)
    script = (
        "import os, sys\n"
        "from saferplaces.data.store import Store\n"
        "snap = Store(sys.argv[1]).snapshot()\n"
        "print(snap.files['crimes'][0], flush=True)\n"
        "os._exit(0)\n"  # dies without closing its snapshot
    )
    out = subprocess.run(
        [sys.executable, "-c", script, str(store.root)], capture_output=True, text=True, check=True, cwd=ROOT
    )
    pinned = Path(out.stdout.strip())
    assert len(list((store.root / ".pins").iterdir())) == 1  # its lease is left behind
    ingest([small_month(tmp_path / "b", "2025-01", 20)], store)
    assert not pinned.exists()
    assert not any((store.root / ".pins").iterdir())


def test_a_live_reader_in_another_process_keeps_its_files(store, tmp_path):
    ingest([small_month(tmp_path / "a", "2025-01", 40)], store)
    script = (
        "import sys\n"
        "from saferplaces.data.store import Store\n"
        "with Store(sys.argv[1]).snapshot() as snap:\n"
        "    con = snap.connect()\n"
        "    print('open', flush=True)\n"
        "    sys.stdin.readline()\n"
        "    print(con.execute('select count(*) from crimes').fetchone()[0], flush=True)\n"
    )
    reader = subprocess.Popen(
        [sys.executable, "-c", script, str(store.root)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        assert reader.stdout.readline().strip() == "open"
        ingest([small_month(tmp_path / "b", "2025-01", 20)], store)
        ingest([small_month(tmp_path / "c", "2025-01", 10)], store)
        reader.stdin.write("\n")
        reader.stdin.flush()
        assert reader.stdout.readline().strip() == "40"
    finally:
        reader.communicate(timeout=60)
    ingest([small_month(tmp_path / "a", "2025-02", 5)], store)
    assert_clean(store.root)
    assert {k: r for k, (_, r) in state(store.root).items()}["crimes/staffordshire/2025-01"] == 10


def test_leftovers_of_a_killed_import_are_cleaned_at_the_next_write(store, tmp_path):
    ingest([small_month(tmp_path, "2025-01", 40)], store)
    before = state(store.root)
    (store.root / ".work" / "ingest-dead" / "staged").mkdir(parents=True)
    (store.root / ".work" / "ingest-dead" / "staged" / "data_0.parquet").write_bytes(b"half")
    (store.root / ".tmp-dead-manifest.json").write_text("{")
    (store.root / "snapshots" / ".tmp-dead-00000002.json").write_text("{")
    (store.root / "snapshots" / "00000002.json").write_text(store.manifest_path.read_text())
    orphan = store.partition_dir("crimes", "staffordshire", "2025-02") / ("0" * 64 + ".parquet")
    orphan.parent.mkdir(parents=True)
    orphan.write_bytes(b"placed but never committed")
    assert store.snapshot().force_months() == {"staffordshire": {"2025-01"}}  # readers are not misled
    result = ingest([small_month(tmp_path, "2025-01", 40)], store)  # nothing to import, yet a write
    assert result.count("unchanged") == 1
    assert state(store.root) == before
    assert not (store.root / "snapshots" / "00000002.json").exists()  # never committed
    assert not orphan.exists() and not orphan.parent.exists()
    assert_clean(store.root)


def test_snapshot_history_is_bounded(store, tmp_path):
    for rows in range(1, SNAPSHOT_HISTORY + 4):
        ingest([small_month(tmp_path / str(rows), "2025-01", rows)], store)
    kept = sorted(p.name for p in (store.root / "snapshots").iterdir())
    assert len(kept) == SNAPSHOT_HISTORY and kept[-1] == f"{SNAPSHOT_HISTORY + 3:08d}.json"
    assert_clean(store.root)


def _make_version_1(store: Store, hole: str | None = None) -> dict:
    """Rewrite a store in the layout of manifest version 1: data_0.parquet per folder, no file lists."""
    manifest = json.loads(store.manifest_path.read_text())
    for key, entry in manifest["partitions"].items():
        dataset, force, month = key.split("/")
        folder = store.partition_dir(dataset, force, month)
        (file,) = entry.pop("files")
        os.replace(store.root / file, folder / "data_0.parquet")
        if month == hole:  # a kill during version 1's folder swaps left the month missing
            shutil.rmtree(folder)
    for name, entry in manifest["extracts"].items():
        (file,) = entry.pop("files")
        os.replace(store.root / file, store.root / "partner" / name / "data_0.parquet")
    shutil.rmtree(store.root / "snapshots")
    old = {"version": 1, "partitions": manifest["partitions"], "extracts": manifest["extracts"]}
    store.manifest_path.write_text(json.dumps(old))
    return old


def test_a_version_1_store_is_read_and_moved_to_version_2_at_the_next_write(store, tmp_path):
    extract = tmp_path / "extract.csv"
    extract.write_text("Offence Date,Crime type,LSOA code\n2025-10-01,Burglary,E01014210\n")
    ingest([small_month(tmp_path, "2025-01", 40), small_month(tmp_path, "2025-02", 30)], store)
    ingest_extract(extract, store, "police-2025")
    _make_version_1(store)
    snap = store.snapshot()
    assert snap.id == 0
    assert crimes_by_month(snap.connect()) == {"2025-01": 40, "2025-02": 30}
    con = snap.connect()
    assert attach_extracts(con, snap) == ["police-2025"]
    ingest([small_month(tmp_path, "2025-03", 20)], store)
    manifest = json.loads(store.manifest_path.read_text())
    assert manifest["version"] == 2 and manifest["snapshot"] == 2  # 1: the move, 2: the import
    assert {k: r for k, (_, r) in state(store.root).items()} == {
        "crimes/staffordshire/2025-01": 40,
        "crimes/staffordshire/2025-02": 30,
        "crimes/staffordshire/2025-03": 20,
    }
    (extract_file,) = manifest["extracts"]["police-2025"]["files"]
    assert extract_file.startswith("partner/police-2025/") and "data_0" not in extract_file
    # the old snapshot, still open, reads what it read before, from the old names
    assert (store.partition_dir("crimes", "staffordshire", "2025-01") / "data_0.parquet").exists()
    assert crimes_by_month(con) == {"2025-01": 40, "2025-02": 30}
    snap.close()
    del con
    gc.collect()
    ingest([small_month(tmp_path, "2025-04", 20)], store)
    assert_clean(store.root)  # the old names are gone once no snapshot reads them


def test_a_month_lost_by_version_1_is_not_called_unchanged(store, tmp_path):
    files = [small_month(tmp_path, "2025-01", 40), small_month(tmp_path, "2025-02", 30)]
    ingest(files, store)
    _make_version_1(store, hole="2025-02")
    assert store.snapshot().force_months() == {"staffordshire": {"2025-01"}}
    result = ingest(files, store)
    assert (result.count("unchanged"), result.count("added")) == (1, 1)
    assert {k: r for k, (_, r) in state(store.root).items()} == {
        "crimes/staffordshire/2025-01": 40,
        "crimes/staffordshire/2025-02": 30,
    }


def test_a_missing_file_is_not_called_unchanged(store, tmp_path):
    files = [small_month(tmp_path, "2025-01", 40)]
    ingest(files, store)
    for path in data_files(store.root):
        (store.root / path).unlink()
    result = ingest(files, store)
    assert result.count("added") == 1
    assert {k: r for k, (_, r) in state(store.root).items()} == {"crimes/staffordshire/2025-01": 40}


def test_failed_first_import_keeps_a_store_another_process_wrote_meanwhile(tmp_path, monkeypatch):
    root = tmp_path / "store"
    first, other = Store(root), Store(root)
    real_ensure = first.ensure

    def ensure_then_other_writes() -> bool:
        created = real_ensure()
        if created:  # between making the folder and taking the lock, another import commits
            ingest([small_month(tmp_path, "2025-01", 40)], other)
        return created

    monkeypatch.setattr(first, "ensure", ensure_then_other_writes)
    with pytest.raises(DataFormatError):
        ingest([BAD], first)
    assert {k: r for k, (_, r) in state(root).items()} == {"crimes/staffordshire/2025-01": 40}


def test_failed_first_import_removes_only_its_own_folder_and_a_waiting_writer_goes_on(tmp_path):
    root = tmp_path / "store"
    first, waiting = Store(root), Store(root)
    done: dict[str, object] = {}

    def other() -> None:
        done["result"] = ingest([small_month(tmp_path, "2025-01", 40)], waiting)

    thread = threading.Thread(target=other)
    with pytest.raises(RuntimeError), first.lock():
        thread.start()
        time.sleep(1.0)  # the other writer is now waiting for the lock
        raise RuntimeError("the first import fails")
    thread.join(timeout=120)
    assert done["result"].count("added") == 1
    assert {k: r for k, (_, r) in state(root).items()} == {"crimes/staffordshire/2025-01": 40}


def test_failed_first_import_into_a_folder_it_did_not_make_leaves_the_folder(tmp_path):
    root = tmp_path / "given"
    root.mkdir()
    (root / "readme.txt").write_text("mine")
    with pytest.raises(DataFormatError):
        ingest([BAD], Store(root))
    assert (root / "readme.txt").read_text() == "mine"
    assert tree_digest(root) != "absent" and not (root / "manifest.json").exists()


def test_a_store_on_read_only_media_is_read_without_a_pin(store, tmp_path):
    ingest([small_month(tmp_path, "2025-01", 40)], store)
    os.chmod(store.root, 0o555)
    try:
        if os.geteuid() == 0:
            pytest.skip("the test runs as root, who may write to a read-only folder")
        with store.snapshot() as snap:
            assert crimes_by_month(snap.connect()) == {"2025-01": 40}
    finally:
        os.chmod(store.root, 0o755)


def test_assessment_and_quality_report_record_their_snapshot(bundled_store):
    from saferplaces.assessment.build import build_assessment
    from saferplaces.data.quality import quality_report

    current = bundled_store.snapshot().id
    assert current >= 1
    assessment = build_assessment(bundled_store, "Tamworth", "2025")
    assert assessment.snapshot_id == current
    assert assessment.to_dict()["snapshot_id"] == current
    assert quality_report(bundled_store).to_dict()["snapshot_id"] == current


def test_a_running_jobs_work_folder_survives_a_write_and_a_dead_jobs_does_not(store, tmp_path):
    ingest([small_month(tmp_path, "2025-01", 40)], store)
    script = (
        "import os, sys\n"
        "from saferplaces.data.store import work_folder\n"
        "job = work_folder(sys.argv[1], 'download')\n"
        "folder = job.__enter__()\n"
        "(folder / 'part.zip').write_bytes(b'half')\n"
        "print(folder, flush=True)\n"
        "os._exit(0)\n"  # killed mid-download: its folder and lease are left
    )
    out = subprocess.run(
        [sys.executable, "-c", script, str(store.root)], capture_output=True, text=True, check=True, cwd=ROOT
    )
    dead = Path(out.stdout.strip())
    assert (dead / "part.zip").exists()
    with work_folder(store.root, "download") as live:
        (live / "part.zip").write_bytes(b"still downloading")
        ingest([small_month(tmp_path, "2025-02", 30)], store)
        assert (live / "part.zip").read_bytes() == b"still downloading"
        assert not dead.exists() and not Path(f"{dead}.lease").exists()
    assert not (store.root / ".work").exists()
