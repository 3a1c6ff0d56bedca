"""The analytical store: immutable Parquet files listed by a manifest, read through snapshots.

Layout under the store folder::

    manifest.json                                     the current snapshot: what is held, and its files
    snapshots/<id>.json                               the manifests of recent and pinned snapshots
    crimes/force=<slug>/month=<YYYY-MM>/<sha>.parquet police.uk street-level rows
    outcomes/force=<slug>/month=<YYYY-MM>/<sha>.parquet
    partner/<name>/<sha>.parquet                      partner extracts
    reference/population/<sha>.csv                    population estimates downloaded from ONS
    .pins/<uuid>.lock                                 one per open snapshot (a reader's lease)
    .work/                                            a running import's staging folder

Every data file is written once, under the SHA-256 of its bytes, and never changed. A reader
takes the list of files from the manifest (never from the folders), in a snapshot that it keeps
for its whole job. A write stages its files, moves them in under their new names, and commits by
renaming a new manifest over ``manifest.json``: one atomic step. Files no manifest or open
snapshot needs are removed at the next write, as are the leftovers of a killed import.
See docs/data-store.md and docs/adr/0007-store-snapshots.md.
"""

from __future__ import annotations

import contextlib
import copy
import errno
import fcntl
import json
import os
import shutil
import signal
import threading
import uuid
import weakref
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from saferplaces.data.files import sha256_of
from saferplaces.data.geography import install_reference_tables
from saferplaces.errors import StoreError

#: 1: folders per force-month, found by listing them. 2: immutable files listed in the manifest.
MANIFEST_VERSION = 2

#: How many earlier snapshots' manifests are kept under ``snapshots/`` (pinned ones are always kept).
SNAPSHOT_HISTORY = 20

#: The folders that hold data files; everything in them belongs to the store.
DATA_FOLDERS = ("crimes", "outcomes", "partner", "reference")

#: What each stored crime row holds: the police.uk fields and the LSOA vintage they came with.
CRIME_COLUMNS: dict[str, str] = {
    "crime_id": "VARCHAR",
    "reported_by": "VARCHAR",
    "falls_within": "VARCHAR",
    "longitude": "DOUBLE",
    "latitude": "DOUBLE",
    "location": "VARCHAR",
    "lsoa_code": "VARCHAR",
    "lsoa_name": "VARCHAR",
    "crime_type": "VARCHAR",
    "last_outcome_category": "VARCHAR",
    "context": "VARCHAR",
    "lsoa_vintage": "VARCHAR",
    "force": "VARCHAR",
    "month": "VARCHAR",
}

OUTCOME_COLUMNS: dict[str, str] = {
    "crime_id": "VARCHAR",
    "reported_by": "VARCHAR",
    "falls_within": "VARCHAR",
    "longitude": "DOUBLE",
    "latitude": "DOUBLE",
    "location": "VARCHAR",
    "lsoa_code": "VARCHAR",
    "lsoa_name": "VARCHAR",
    "outcome_type": "VARCHAR",
    "source_file": "VARCHAR",
    "force": "VARCHAR",
    "month": "VARCHAR",
}

DATASETS = {"crimes": CRIME_COLUMNS, "outcomes": OUTCOME_COLUMNS}

#: Geography is not stored on each row: the ``crimes`` view places every row through the
#: ONS lookups at query time, so a corrected lookup corrects every month already held.
CRIMES_VIEW = """
create view crimes as
select c.*,
       l.lsoa21_code, l.ward_code, l.ward_name, l.native_ward_code, l.native_ward_name,
       l.lad_code, l.lad_name, l.csp_code, l.csp_name, l.pfa_code, l.pfa_name,
       case when l.pfa_code is null then null
            else l.pfa_code = coalesce(fo.pfa_code, '') end as in_force_area,
       fo.pfa_code as force_pfa_code,
       false as synthetic
from crimes_rows c
left join lsoa_lookup l on l.lsoa_code = c.lsoa_code and l.vintage = c.lsoa_vintage
left join forces fo on fo.force = c.force
"""

CRIMES_WITH_OUTCOMES_VIEW = """
create view crimes_with_outcomes as
with latest as (
    select crime_id, arg_max(outcome_type, month) as latest_outcome,
           max(month) as latest_outcome_month
    from outcomes where crime_id is not null group by crime_id
)
select c.*, coalesce(l.latest_outcome, c.last_outcome_category) as outcome,
       l.latest_outcome_month
from crimes c left join latest l using (crime_id)
"""

# --------------------------------------------------------------------------------------------
# Fault injection for the crash tests

#: ``SAFERPLACES_CRASH_AT=N`` makes a write kill itself with SIGKILL at its Nth checkpoint.
CRASH_AT_ENV = "SAFERPLACES_CRASH_AT"
#: ``SAFERPLACES_CHECKPOINT_LOG=file`` appends each checkpoint's number and name to ``file``.
CHECKPOINT_LOG_ENV = "SAFERPLACES_CHECKPOINT_LOG"
_passed = {"n": 0}


def checkpoint(name: str) -> None:
    """Mark a point of a write where tests/data/test_store_crash.py may kill the process.

    Does nothing unless one of the two environment variables above is set.
    """
    crash_at = os.environ.get(CRASH_AT_ENV)
    log = os.environ.get(CHECKPOINT_LOG_ENV)
    if not crash_at and not log:
        return
    _passed["n"] += 1
    if log:
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(f"{_passed['n']} {name}\n")
    if crash_at and int(crash_at) == _passed["n"]:
        os.kill(os.getpid(), signal.SIGKILL)


# --------------------------------------------------------------------------------------------
# The manifest


@dataclass
class Manifest:
    """What the store holds: one entry per dataset, force and month, and per partner extract.

    Each entry lists its ``files`` (paths relative to the store folder). ``snapshot`` is the id
    of the snapshot this manifest describes: 0 for an empty store, one more at every commit.
    ``reference`` holds downloaded reference tables, one entry per kind and year
    (``population/lad/2023``), with the record of where and when each came from (ADR 0027).
    """

    partitions: dict[str, dict[str, Any]] = field(default_factory=dict)
    extracts: dict[str, dict[str, Any]] = field(default_factory=dict)
    reference: dict[str, dict[str, Any]] = field(default_factory=dict)
    snapshot: int = 0
    version: int = MANIFEST_VERSION

    @staticmethod
    def key(dataset: str, force: str, month: str) -> str:
        return f"{dataset}/{force}/{month}"

    def to_json(self) -> str:
        return json.dumps(
            {
                "version": MANIFEST_VERSION,
                "snapshot": self.snapshot,
                "partitions": self.partitions,
                "extracts": self.extracts,
                **({"reference": self.reference} if self.reference else {}),
            },
            indent=1,
            sort_keys=True,
        )

    def files(self) -> set[str]:
        """Every data file the manifest needs (relative paths)."""
        out: set[str] = set()
        for entries in (self.partitions, self.extracts, self.reference):
            for entry in entries.values():
                out.update(entry.get("files", ()))
        return out

    def dataset_files(self, dataset: str) -> list[str]:
        entries = [e for key, e in self.partitions.items() if key.split("/")[0] == dataset]
        return sorted(f for e in entries for f in e.get("files", ()))


def _legacy_files(root: Path, folder: str) -> list[str]:
    """The Parquet files of a version 1 store's folder (that layout had no list of files)."""
    try:
        names = sorted(n for n in os.listdir(root / folder) if n.endswith(".parquet"))
    except OSError:
        return []
    return [f"{folder}/{n}" for n in names]


def _parse_manifest(root: Path, text: str) -> Manifest:
    data = json.loads(text)
    manifest = Manifest(
        partitions=data.get("partitions", {}),
        extracts=data.get("extracts", {}),
        reference=data.get("reference", {}),
        snapshot=int(data.get("snapshot", 0)),
        version=int(data.get("version", 1)),
    )
    if manifest.version < 2:
        # a version 1 store: find each entry's files in its folder; an entry whose folder is
        # gone (a kill during that layout's folder swaps) is not held, so an import refills it
        for key in list(manifest.partitions):
            dataset, force, month = key.split("/")
            files = _legacy_files(root, f"{dataset}/force={force}/month={month}")
            if files:
                manifest.partitions[key]["files"] = files
            else:
                del manifest.partitions[key]
        for name in list(manifest.extracts):
            files = _legacy_files(root, f"partner/{name}")
            if files:
                manifest.extracts[name]["files"] = files
            else:
                del manifest.extracts[name]
    return manifest


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _write_durably(path: Path, text: str, step: str) -> None:
    """Write ``text`` to a temporary file beside ``path``, fsync it, and rename it over ``path``."""
    tmp = path.parent / f".tmp-{uuid.uuid4().hex}-{path.name}"
    try:
        with open(tmp, "w", encoding="utf-8") as handle:
            handle.write(text)
            checkpoint(f"{step}: temporary file written")
            handle.flush()
            os.fsync(handle.fileno())
        checkpoint(f"{step}: temporary file synced")
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    checkpoint(f"{step}: renamed into place")
    _fsync_dir(path.parent)


def _write_error(root: Path, exc: OSError) -> StoreError:
    return StoreError(
        f"The store at {root} could not be written ({exc.strerror or exc}); nothing was changed.",
        "Check there is free disk space and that you may write to the folder, then try again.",
    )


def _held(lease: Path) -> bool:
    """Whether another open file holds the lock on ``lease`` (False when it does not exist)."""
    try:
        handle = open(lease, "a+")  # noqa: SIM115
    except OSError:
        return False
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        return False


@contextlib.contextmanager
def work_folder(root: str | os.PathLike[str], purpose: str) -> Iterator[Path]:
    """A private folder ``root/.work/<purpose>-<id>`` for a job that runs without the write lock.

    A lease beside it (``<name>.lease``, locked while the job runs) keeps the cleaning at the
    next write away from it; once its process is gone, the next write removes what it left.
    The folder and its lease are removed when the block ends.
    """
    base = Path(root)
    work = base / ".work"
    name = f"{purpose}-{uuid.uuid4().hex}"
    base.mkdir(parents=True, exist_ok=True)
    with open(base / ".collect.lock", "a+") as guard:
        fcntl.flock(guard, fcntl.LOCK_SH)  # the cleaning takes it alone: it sees lease and folder together
        work.mkdir(exist_ok=True)
        lease = open(work / f"{name}.lease", "w")  # noqa: SIM115
        fcntl.flock(lease, fcntl.LOCK_EX)
        (work / name).mkdir()
    try:
        yield work / name
    finally:
        shutil.rmtree(work / name, ignore_errors=True)
        (work / f"{name}.lease").unlink(missing_ok=True)
        lease.close()
        with contextlib.suppress(OSError):
            work.rmdir()  # when no other job is using it


# --------------------------------------------------------------------------------------------
# Snapshots


class _Pin:
    """A reader's lease on one snapshot: a lock file under ``.pins`` held while the snapshot is used.

    The lease is held while the snapshot or any connection made from it is alive; a process
    that dies drops its locks, so a dead reader's lease is seen as free and removed.
    """

    def __init__(self, path: Path, handle: Any) -> None:
        self.path = path
        self.handle = handle
        self.users = 1
        self.guard = threading.Lock()

    def acquire(self) -> None:
        with self.guard:
            self.users += 1

    def release(self) -> None:
        with self.guard:
            self.users -= 1
            if self.users or self.handle is None:
                return
            handle, self.handle = self.handle, None
        with contextlib.suppress(OSError):
            self.path.unlink()
        handle.close()  # closing drops the lock


@dataclass(frozen=True)
class Snapshot:
    """One state of the store, fixed when it is opened; read it with ``connect()``.

    Keep one snapshot for the whole of a job (use it as a context manager, or call ``close``),
    and record ``id`` with whatever is built from it. Its files stay on disk while it is open,
    whatever is written to the store meanwhile.

    Attributes
    ----------
    root
        The store folder.
    id
        The snapshot id: 0 for an empty store, one more at every commit.
    manifest
        What the snapshot holds (do not change it).
    files
        {dataset: absolute paths of its Parquet files} for ``crimes`` and ``outcomes``.
    extract_files
        {extract name: absolute paths of its Parquet files}.
    """

    root: Path
    id: int
    manifest: Manifest = field(repr=False)
    files: Mapping[str, tuple[str, ...]] = field(repr=False)
    extract_files: Mapping[str, tuple[str, ...]] = field(repr=False)
    _pin: _Pin | None = field(default=None, repr=False, compare=False)
    _open: list[bool] = field(default_factory=lambda: [True], repr=False, compare=False)

    @classmethod
    def _of(cls, root: Path, manifest: Manifest, pin: _Pin | None) -> Snapshot:
        base = root.resolve()
        files = {ds: tuple(str(base / f) for f in manifest.dataset_files(ds)) for ds in DATASETS}
        extracts = {
            name: tuple(str(base / f) for f in entry.get("files", ()))
            for name, entry in manifest.extracts.items()
        }
        return cls(root, manifest.snapshot, manifest, files, extracts, pin)

    def __enter__(self) -> Snapshot:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Let the snapshot's files go (connections made from it keep them until they are gone)."""
        if self._open[0]:
            self._open[0] = False
            if self._pin is not None:
                self._pin.release()

    def snapshot(self) -> Snapshot:
        """The same snapshot again, with its own ``close`` (for a step given a snapshot)."""
        if self._pin is not None:
            self._pin.acquire()
        return Snapshot(self.root, self.id, self.manifest, self.files, self.extract_files, self._pin)

    def read_manifest(self) -> Manifest:
        return self.manifest

    def force_months(self, dataset: str = "crimes") -> dict[str, set[str]]:
        """{force: {month, ...}} held in this snapshot."""
        held: dict[str, set[str]] = {}
        for key in self.manifest.partitions:
            ds, force, month = key.split("/")
            if ds == dataset:
                held.setdefault(force, set()).add(month)
        return held

    def connect(self) -> duckdb.DuckDBPyConnection:
        """An in-memory DuckDB connection whose views read exactly this snapshot's files.

        Views: ``crimes`` (every street-level row), ``outcomes``, and
        ``crimes_with_outcomes`` (crimes with their latest outcome, by Crime ID); and the
        reference tables (``forces``, ``lsoa_lookup``, ``lad_csp_pfa`` ...).
        """
        con = reference_connection()
        for dataset, columns in DATASETS.items():
            view = "crimes_rows" if dataset == "crimes" else dataset
            paths = self.files[dataset]
            if paths:
                listed = "[" + ", ".join("'" + p.replace("'", "''") + "'" for p in paths) + "]"
                con.execute(
                    f"create view {view} as select * from read_parquet({listed}, "
                    "hive_partitioning=true, hive_types={'force': VARCHAR, 'month': VARCHAR},"
                    " union_by_name=true)"
                )
            else:
                cols = ", ".join(f"{name} {kind}" for name, kind in columns.items())
                con.execute(f"create temp table {view} ({cols})")
        con.execute(CRIMES_VIEW)
        con.execute(CRIMES_WITH_OUTCOMES_VIEW)
        from saferplaces.data.population import install_downloaded_population

        install_downloaded_population(con, self.root, self.manifest.reference)
        if self._pin is not None:
            # the files stay pinned while the connection is alive, even after close()
            self._pin.acquire()
            weakref.finalize(con, self._pin.release)
        return con


def reference_connection() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with the reference tables and no store data."""
    con = duckdb.connect()
    con.execute("set enable_progress_bar = false")
    install_reference_tables(con)
    return con


# --------------------------------------------------------------------------------------------
# The store


class Store:
    """A data store folder. Create it with ``Store(path)``; nothing is written until an import."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        self._held: tuple[tuple, dict[str, dict[str, set[str]]]] | None = None

    # -- manifest -------------------------------------------------------------------------
    @property
    def manifest_path(self) -> Path:
        return self.root / "manifest.json"

    @property
    def snapshots_dir(self) -> Path:
        return self.root / "snapshots"

    def read_manifest(self) -> Manifest:
        """The current manifest (a version 1 store's is read with each entry's files found)."""
        try:
            text = self.manifest_path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return Manifest()
        except OSError as exc:
            raise self._unreadable(exc) from exc
        try:
            return _parse_manifest(self.root, text)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise self._unreadable(exc) from exc

    def _unreadable(self, exc: Exception) -> StoreError:
        return StoreError(
            f"The store's manifest at {self.manifest_path} cannot be read ({exc}).",
            "Restore the folder from a backup or point --store at a new folder and ingest again.",
        )

    # -- snapshots --------------------------------------------------------------------------
    def snapshot(self) -> Snapshot:
        """Open the store's current state as a ``Snapshot``; keep it for the whole job.

        The snapshot is pinned (a lease under ``.pins``) so that no later write removes its
        files while it is open. A store that cannot be written to (read-only media) is read
        without a pin: nothing can write to it either.
        """
        if not self.manifest_path.exists():
            return Snapshot._of(self.root, Manifest(), None)
        pins = self.root / ".pins"
        try:
            pins.mkdir(exist_ok=True)
            path = pins / f"{uuid.uuid4().hex}.lock"
            with self._collector_lock(exclusive=False):
                handle = open(path, "w+", encoding="utf-8")  # noqa: SIM115 (held while the snapshot lives)
                fcntl.flock(handle, fcntl.LOCK_EX)
                manifest = self.read_manifest()
                handle.write(str(manifest.snapshot))
                handle.flush()
        except OSError as exc:
            if exc.errno not in (errno.EROFS, errno.EACCES, errno.EPERM):
                raise StoreError(
                    f"The store at {self.root} could not be opened ({exc.strerror or exc}).",
                    "Check the folder exists and you may read it, then try again.",
                ) from exc
            return Snapshot._of(self.root, self.read_manifest(), None)
        return Snapshot._of(self.root, manifest, _Pin(path, handle))

    def connect(self) -> duckdb.DuckDBPyConnection:
        """A connection over a snapshot of the store as it is now (see ``Snapshot.connect``).

        The snapshot's files stay pinned while the connection is alive. A job that reads the
        manifest too (months held, extracts) should open one ``snapshot()`` and use it for both.
        """
        with self.snapshot() as snap:
            return snap.connect()

    def force_months(self, dataset: str = "crimes") -> dict[str, set[str]]:
        """Return {force: {month, ...}} for what the store holds now.

        The manifest is read again only when its file has changed (a national store's
        manifest has thousands of entries, and an assessment asks several times).
        """
        try:
            info = self.manifest_path.stat()
            stamp: tuple = (info.st_ino, info.st_mtime_ns, info.st_size)
        except OSError:
            stamp = ()
        if self._held is None or self._held[0] != stamp:
            by_dataset: dict[str, dict[str, set[str]]] = {}
            for key in self.read_manifest().partitions:
                ds, force, month = key.split("/")
                by_dataset.setdefault(ds, {}).setdefault(force, set()).add(month)
            self._held = (stamp, by_dataset)
        return {force: set(months) for force, months in self._held[1].get(dataset, {}).items()}

    # -- folders ----------------------------------------------------------------------------
    def partition_dir(self, dataset: str, force: str, month: str) -> Path:
        """The folder that holds a force-month's files (of every snapshot)."""
        return self.root / dataset / f"force={force}" / f"month={month}"

    def ensure(self) -> bool:
        """Make the store folder; return True when this call created it."""
        try:
            self.root.parent.mkdir(parents=True, exist_ok=True)
            self.root.mkdir()
            return True
        except FileExistsError:
            return False
        except OSError as exc:
            raise StoreError(
                f"The store folder {self.root} cannot be created ({exc.strerror}).",
                "Choose a folder you can write to with --store or SAFERPLACES_HOME.",
            ) from exc

    def new_work_dir(self, purpose: str) -> Path:
        path = self.root / ".work" / f"{purpose}-{uuid.uuid4().hex}"
        path.mkdir(parents=True)
        return path

    def clear_work(self) -> None:
        shutil.rmtree(self.root / ".work", ignore_errors=True)

    # -- writing ----------------------------------------------------------------------------
    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the store's write lock for one write; a second writer waits.

        On taking it, the leftovers of a killed write are cleaned (see ``recover``). When the
        write fails on a store that held nothing, what it made is removed while the lock is
        still held: the folder, if this write created it and nothing else was put in it.
        """
        while True:
            created = self.ensure()
            path = self.root / ".lock"
            handle = open(path, "a+")  # noqa: SIM115
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                same = os.fstat(handle.fileno()).st_ino == os.stat(path).st_ino
            except FileNotFoundError:
                same = False
            if same:
                break
            handle.close()  # a failed first write removed the folder while we waited: start again
        first = not self.manifest_path.exists()
        try:
            try:
                self.recover()
            except OSError as exc:
                raise _write_error(self.root, exc) from exc
            yield
        except BaseException:
            if first and not self.manifest_path.exists():
                self._remove_first_write(created, path)
            else:
                with contextlib.suppress(OSError):
                    self.collect_garbage()  # files placed for a commit that did not happen
            raise
        finally:
            handle.close()

    def _remove_first_write(self, created: bool, lock_path: Path) -> None:
        """After a failed first write: remove what it made, while still holding the lock."""
        self._clean_work()  # a download's folder, still in use, stays
        for name in ("snapshots", ".pins", *DATA_FOLDERS):
            shutil.rmtree(self.root / name, ignore_errors=True)
        if not created:
            return
        with contextlib.suppress(OSError):
            left = set(os.listdir(self.root)) - {".lock", ".collect.lock"}
            if not left:
                (self.root / ".collect.lock").unlink(missing_ok=True)
                lock_path.unlink()  # a writer waiting on it sees it is gone and starts again
                self.root.rmdir()

    def recover(self) -> None:
        """Clean what a killed write left and bring the store to the current layout.

        Called with the write lock held. Removes staging folders and temporary manifests,
        moves a version 1 store to version 2 (listing each entry's files), drops an entry whose
        files are gone (so that the next import of it adds it again), and removes files that
        no manifest or open snapshot needs.
        """
        self._clean_work()
        for folder in (self.root, self.snapshots_dir):
            if folder.is_dir():
                for name in os.listdir(folder):
                    if name.startswith(".tmp-") or name.startswith(".manifest-"):
                        (folder / name).unlink(missing_ok=True)
        if not self.manifest_path.exists():
            return
        text = self.manifest_path.read_text(encoding="utf-8")
        manifest = self.read_manifest()
        version = json.loads(text).get("version", 1)
        gone = [k for k, e in manifest.partitions.items() if not self._all_exist(e)]
        gone_extracts = [k for k, e in manifest.extracts.items() if not self._all_exist(e)]
        gone_reference = [k for k, e in manifest.reference.items() if not self._all_exist(e)]
        if version < MANIFEST_VERSION:
            # keep the old state as snapshot 0, so that a pinned reader of it keeps its files
            self.snapshots_dir.mkdir(exist_ok=True)
            _write_durably(self.snapshots_dir / self._snapshot_name(0), manifest.to_json(), "migrate")
        if version < MANIFEST_VERSION:
            for entry in [*manifest.partitions.values(), *manifest.extracts.values()]:
                entry["files"] = [self._link_by_content(f) for f in entry["files"]]
        if version < MANIFEST_VERSION or gone or gone_extracts or gone_reference:
            for key in gone:
                del manifest.partitions[key]
            for key in gone_extracts:
                del manifest.extracts[key]
            for key in gone_reference:  # a download whose table is gone: download it again
                del manifest.reference[key]
            self.commit(manifest)
        else:
            self.collect_garbage()

    def _clean_work(self) -> None:
        """Remove the work folders of dead jobs: a writer's (made under the lock, which we now
        hold), or one made by ``work_folder`` whose lease is free."""
        work = self.root / ".work"
        if not work.is_dir():
            return
        with self._collector_lock(exclusive=True):
            for name in os.listdir(work):
                if name.endswith(".lease"):
                    continue
                lease = work / f"{name}.lease"
                if _held(lease):
                    continue
                shutil.rmtree(work / name, ignore_errors=True)
                lease.unlink(missing_ok=True)
                checkpoint("recover: work folder removed")
            for name in os.listdir(work):  # leases whose folder is gone
                if name.endswith(".lease") and not (work / name[:-6]).exists() and not _held(work / name):
                    (work / name).unlink(missing_ok=True)
            with contextlib.suppress(OSError):
                work.rmdir()  # when empty

    def _link_by_content(self, relative: str) -> str:
        """A version 1 file under the SHA-256 of its bytes, as a hard link (a copy where links fail).

        The old name stays while a snapshot of the version 1 store is open.
        """
        source = self.root / relative
        target = source.with_name(f"{sha256_of(source)}.parquet")
        if not target.exists():
            tmp = source.with_name(f".tmp-{uuid.uuid4().hex}.parquet")
            try:
                os.link(source, tmp)
            except OSError:
                shutil.copyfile(source, tmp)
            os.replace(tmp, target)
            checkpoint("migrate: file linked by content")
        return target.relative_to(self.root).as_posix()

    def _all_exist(self, entry: dict[str, Any]) -> bool:
        return bool(entry.get("files")) and all((self.root / f).is_file() for f in entry["files"])

    def place(self, staged: Path, folder: str, suffix: str = ".parquet") -> str:
        """Move a staged file into ``folder`` under the SHA-256 of its bytes; return its path.

        Called with the write lock held, before ``commit``. The file is synced first. A file
        placed by a write that never commits is removed at the next write.
        """
        with open(staged, "rb") as handle:
            os.fsync(handle.fileno())
        checkpoint("place: staged file synced")
        relative = f"{folder}/{sha256_of(staged)}{suffix}"
        target = self.root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staged, target)  # a file of that name has these very bytes
        checkpoint("place: file moved in")
        _fsync_dir(target.parent)
        return relative

    def commit(self, manifest: Manifest) -> int:
        """Make ``manifest`` the store's current state in one atomic rename; return its snapshot id.

        Called with the write lock held, after every file it lists has been placed. The
        manifest is written to ``snapshots/<id>.json`` and then, through a synced temporary
        file, renamed over ``manifest.json``: the commit. Files no longer needed are removed
        afterwards, unless an open snapshot still reads them.

        Raises
        ------
        StoreError
            When the disk refuses the manifest (full, read-only): nothing is changed.
        """
        current = self.read_manifest()
        manifest = copy.copy(manifest)
        manifest.snapshot = current.snapshot + 1
        manifest.version = MANIFEST_VERSION
        text = manifest.to_json()
        try:
            self.snapshots_dir.mkdir(exist_ok=True)
            _write_durably(self.snapshots_dir / self._snapshot_name(manifest.snapshot), text, "snapshot")
            _write_durably(self.manifest_path, text, "commit")
        except OSError as exc:
            with contextlib.suppress(OSError):
                self.collect_garbage()  # the files placed for it
            raise _write_error(self.root, exc) from exc
        with contextlib.suppress(OSError):
            self.collect_garbage()
        return manifest.snapshot

    @staticmethod
    def _snapshot_name(number: int) -> str:
        return f"{number:08d}.json"

    # -- garbage collection -----------------------------------------------------------------
    @contextlib.contextmanager
    def _collector_lock(self, exclusive: bool) -> Iterator[None]:
        """Readers take it shared while they pin a snapshot; the collector takes it alone."""
        with open(self.root / ".collect.lock", "a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
            yield

    def _live_pins(self) -> set[int]:
        """Snapshot ids of open snapshots; leases of dead readers are removed."""
        live: set[int] = set()
        pins = self.root / ".pins"
        if not pins.is_dir():
            return live
        for name in os.listdir(pins):
            path = pins / name
            try:
                handle = open(path, "r+", encoding="utf-8")  # noqa: SIM115
            except FileNotFoundError:
                continue
            with handle:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    text = handle.read().strip()
                    live.add(int(text) if text.isdigit() else -1)
                    continue
                path.unlink(missing_ok=True)  # its reader is gone
                checkpoint("collect: dead pin removed")
        return live

    def collect_garbage(self) -> None:
        """Remove data files and old snapshot manifests that no manifest or open snapshot needs.

        Called with the write lock held (at every write).
        """
        if not self.root.is_dir():
            return
        with self._collector_lock(exclusive=True):
            current = self.read_manifest()
            live = self._live_pins()
            keep_ids = {current.snapshot} | live
            needed = current.files()
            known = True
            for number in live - {current.snapshot}:
                path = self.snapshots_dir / self._snapshot_name(number)
                try:
                    needed |= _parse_manifest(self.root, path.read_text(encoding="utf-8")).files()
                except (OSError, ValueError):
                    known = False  # a reader of a state we cannot list: remove no data file
            if known:
                for folder in DATA_FOLDERS:
                    self._remove_unneeded(folder, needed)
            if self.snapshots_dir.is_dir():
                names = os.listdir(self.snapshots_dir)
                numbers = sorted(int(n[:-5]) for n in names if n.endswith(".json") and n[:-5].isdigit())
                recent = {n for n in numbers if n <= current.snapshot}
                recent = set(sorted(recent)[-SNAPSHOT_HISTORY:])
                for number in numbers:
                    if number not in keep_ids and number not in recent:
                        (self.snapshots_dir / self._snapshot_name(number)).unlink(missing_ok=True)
                        checkpoint("collect: old snapshot removed")

    def _remove_unneeded(self, folder: str, needed: set[str]) -> None:
        top = self.root / folder
        if not top.is_dir():
            return
        for dirpath, _dirnames, filenames in os.walk(top, topdown=False):
            here = Path(dirpath)
            for name in filenames:
                relative = (here / name).relative_to(self.root).as_posix()
                if relative not in needed:
                    (here / name).unlink(missing_ok=True)
                    checkpoint("collect: unneeded file removed")
            if here != top:
                with contextlib.suppress(OSError):
                    here.rmdir()  # only when empty
