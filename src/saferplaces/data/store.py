"""The analytical store: Parquet files partitioned by force and month, queried with DuckDB.

Layout under the store folder::

    crimes/force=<slug>/month=<YYYY-MM>/data_0.parquet     police.uk street-level rows
    outcomes/force=<slug>/month=<YYYY-MM>/data_0.parquet   police.uk outcomes rows
    partner/<name>/data_0.parquet                          partner extracts
    manifest.json                                          what is held and where it came from

The manifest is written last and atomically, so a reader never sees a half-made import.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from saferplaces.data.geography import install_reference_tables
from saferplaces.errors import StoreError

MANIFEST_VERSION = 1

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


@dataclass
class Manifest:
    """What the store holds: one entry per dataset, force and month."""

    partitions: dict[str, dict[str, Any]] = field(default_factory=dict)
    extracts: dict[str, dict[str, Any]] = field(default_factory=dict)

    @staticmethod
    def key(dataset: str, force: str, month: str) -> str:
        return f"{dataset}/{force}/{month}"

    def to_json(self) -> str:
        return json.dumps(
            {"version": MANIFEST_VERSION, "partitions": self.partitions, "extracts": self.extracts},
            indent=1,
            sort_keys=True,
        )


class Store:
    """A data store folder. Create it with ``Store(path)``; nothing is written until an import."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        self._held: tuple[tuple, dict[str, dict[str, set[str]]]] | None = None

    # -- manifest -------------------------------------------------------------------------
    @property
    def manifest_path(self) -> Path:
        return self.root / "manifest.json"

    def read_manifest(self) -> Manifest:
        if not self.manifest_path.exists():
            return Manifest()
        try:
            data = json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise StoreError(
                f"The store's manifest at {self.manifest_path} cannot be read ({exc}).",
                "Restore the folder from a backup or point --store at a new folder and ingest again.",
            ) from exc
        return Manifest(partitions=data.get("partitions", {}), extracts=data.get("extracts", {}))

    def write_manifest(self, manifest: Manifest) -> None:
        """Write the manifest atomically (write a temporary file, then rename it)."""
        tmp = self.root / f".manifest-{uuid.uuid4().hex}.json"
        tmp.write_text(manifest.to_json(), encoding="utf-8")
        os.replace(tmp, self.manifest_path)

    def commit(self, moves: Sequence[tuple[Path, Path]], manifest: Manifest) -> None:
        """Move each staged folder onto its place in the store, then write the manifest: all or nothing.

        ``moves`` pairs a staged folder with the place it goes. A folder already in a place is set
        aside until the manifest is written; when anything fails, the new folders are removed, the
        old ones put back and the manifest left as it was.

        Raises
        ------
        StoreError
            When the disk refuses a move or the manifest (full, read-only): nothing is changed.
        """
        trash = self.new_work_dir("replaced")
        moved_out: list[tuple[Path, Path]] = []
        moved_in: list[Path] = []
        try:
            for number, (source, target) in enumerate(moves):
                if target.exists():
                    keep = trash / str(number)
                    os.replace(target, keep)
                    moved_out.append((keep, target))
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(source, target)
                moved_in.append(target)
            self.write_manifest(manifest)
        except BaseException as exc:
            for target in moved_in:
                shutil.rmtree(target, ignore_errors=True)
            for keep, target in moved_out:
                os.replace(keep, target)
            if isinstance(exc, OSError):
                raise StoreError(
                    f"The store at {self.root} could not be written ({exc.strerror or exc}); "
                    "nothing was changed.",
                    "Check there is free disk space and that you may write to the folder, then try again.",
                ) from exc
            raise
        shutil.rmtree(trash, ignore_errors=True)

    # -- folders ----------------------------------------------------------------------------
    def partition_dir(self, dataset: str, force: str, month: str) -> Path:
        return self.root / dataset / f"force={force}" / f"month={month}"

    def ensure(self) -> None:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
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

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the store's write lock; a second writer waits."""
        self.ensure()
        with open(self.root / ".lock", "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    # -- reading ----------------------------------------------------------------------------
    def connect(self) -> duckdb.DuckDBPyConnection:
        """Open an in-memory DuckDB connection with views over the store and reference tables.

        Views: ``crimes`` (every street-level row), ``outcomes``, and
        ``crimes_with_outcomes`` (crimes with their latest outcome, by Crime ID).
        """
        con = duckdb.connect()
        con.execute("set enable_progress_bar = false")
        install_reference_tables(con)
        manifest = self.read_manifest()
        for dataset, columns in DATASETS.items():
            held = any(k.startswith(dataset + "/") for k in manifest.partitions)
            view = "crimes_rows" if dataset == "crimes" else dataset
            if held:
                glob = str(self.root / dataset / "*" / "*" / "*.parquet").replace("'", "''")
                con.execute(
                    f"create view {view} as select * from read_parquet('{glob}', "
                    "hive_partitioning=true, hive_types={'force': VARCHAR, 'month': VARCHAR},"
                    " union_by_name=true)"
                )
            else:
                cols = ", ".join(f"{name} {kind}" for name, kind in columns.items())
                con.execute(f"create temp table {view} ({cols})")
        con.execute(CRIMES_VIEW)
        con.execute(
            """
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
        )
        return con

    def force_months(self, dataset: str = "crimes") -> dict[str, set[str]]:
        """Return {force: {month, ...}} for what the store holds.

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
