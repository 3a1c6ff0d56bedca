"""Helpers for the store tests: small police.uk files, and the state of a store read without the product.

``state(root)`` reads ``manifest.json`` as JSON and each file it lists with DuckDB's bare
``read_parquet``, and checks each file's name is the SHA-256 of its bytes: what the store holds,
found independently of ``Store.snapshot``.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
from pathlib import Path

import duckdb

from tests.conftest import month_file

HEADER_AND_ROWS: dict[str, list[str]] = {}


def bundled_lines(month: str) -> list[str]:
    """The header and rows of one bundled police.uk month, as text lines."""
    if month not in HEADER_AND_ROWS:
        HEADER_AND_ROWS[month] = gzip.decompress(month_file(month).read_bytes()).decode().splitlines(True)
    return HEADER_AND_ROWS[month]


def small_month(folder: Path, month: str, rows: int) -> Path:
    """A police.uk street file of ``month`` holding its first ``rows`` rows (a different file per count)."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = bundled_lines(month)
    path = folder / f"{month}-staffordshire-street.csv"
    path.write_text("".join(lines[: rows + 1]), encoding="utf-8")
    return path


def small_outcomes(folder: Path, month: str, rows: int) -> Path:
    """A police.uk outcomes file of ``month``: ``rows`` outcomes of crimes of that month."""
    folder.mkdir(parents=True, exist_ok=True)
    crimes = [line.split(",") for line in bundled_lines(month)[1:] if not line.startswith(",")][:rows]
    header = (
        "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,"
        "LSOA name,Outcome type\n"
    )
    body = "".join(
        f"{c[0]},{month},Staffordshire Police,Staffordshire Police,,,No Location,,,Offender given a caution\n"
        for c in crimes
    )
    path = folder / f"{month}-staffordshire-outcomes.csv"
    path.write_text(header + body, encoding="utf-8")
    return path


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def state(root: Path) -> dict[str, tuple[str, int]]:
    """{dataset/force/month: (source SHA-256, rows in its files)}, checking every listed file.

    Fails when a listed file is missing or its bytes do not match its name.
    """
    manifest_path = root / "manifest.json"
    if not manifest_path.exists():
        return {}
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    out = {}
    con = duckdb.connect()
    for key, entry in manifest["partitions"].items():
        rows = 0
        for relative in entry["files"]:
            path = root / relative
            assert path.is_file(), f"{key}: {relative} is listed but missing"
            assert path.name == sha256_file(path) + ".parquet", f"{relative} does not match its bytes"
            literal = str(path).replace("'", "''")
            rows += con.execute(f"select count(*) from read_parquet('{literal}')").fetchone()[0]
        assert rows == entry["rows"], f"{key}: the manifest says {entry['rows']} rows, the files hold {rows}"
        out[key] = (entry["sha256"], rows)
    return out


def data_files(root: Path) -> set[str]:
    """Every file under the data folders, relative to the store."""
    found = set()
    for folder in ("crimes", "outcomes", "partner", "reference"):
        for dirpath, _dirs, names in os.walk(root / folder):
            found.update((Path(dirpath) / n).relative_to(root).as_posix() for n in names)
    return found


def listed_files(root: Path) -> set[str]:
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    groups = ("partitions", "extracts", "reference")
    return {f for group in groups for e in manifest.get(group, {}).values() for f in e["files"]}


def assert_clean(root: Path) -> None:
    """No leftovers: no work folder, no temporary manifest, no file the manifest does not list."""
    assert not (root / ".work").exists() or not any((root / ".work").iterdir())
    temporary = [p.name for p in root.rglob(".tmp-*")] + [p.name for p in root.glob(".manifest-*")]
    assert temporary == []
    assert data_files(root) == listed_files(root)
