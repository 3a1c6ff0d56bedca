"""Shared fixtures: a store loaded with the bundled real police.uk data, and raw-file helpers."""

from __future__ import annotations

import csv
import gzip
import hashlib
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from saferplaces.data.bundled_files import bundled, police_uk_months
from saferplaces.data.ingest import ingest
from saferplaces.data.store import Store

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SAFERPLACES = Path(sys.executable).parent / "saferplaces"


@pytest.fixture(scope="session")
def bundled_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """A store holding all 22 bundled months. Read-only: tests must not change it."""
    store = Store(tmp_path_factory.mktemp("bundled") / "store")
    ingest(police_uk_months(), store)
    return store


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "store")


def month_file(month: str) -> Path:
    return next(p for p in police_uk_months() if p.name.startswith(month))


def raw_rows(month: str) -> list[dict[str, str]]:
    """The rows of one bundled month, read with the csv module (independent of the product)."""
    with gzip.open(month_file(month), "rt", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def raw_lsoa_to_lad(vintage: str) -> dict[str, str]:
    """LSOA code -> district code straight from the ONS lookup file of that vintage."""
    name, lsoa, lad = {
        "2021": ("LSOA21_WD24_LAD24_EW_LU.csv.gz", "LSOA21CD", "LAD24CD"),
        "2011": ("LSOA11_WD19_LAD19_EW_LU.csv.gz", "LSOA11CD", "LAD19CD"),
    }[vintage]
    with gzip.open(bundled(f"geography/lookups/{name}"), "rt", encoding="utf-8") as handle:
        return {r[lsoa]: r[lad] for r in csv.DictReader(handle)}


def raw_counts_by_type(months: list[str], lad_code: str, vintage: str) -> Counter:
    lookup = raw_lsoa_to_lad(vintage)
    counts: Counter = Counter()
    for month in months:
        for row in raw_rows(month):
            if lookup.get(row["LSOA code"]) == lad_code:
                counts[row["Crime type"]] += 1
    return counts


def tree_digest(root: Path) -> str:
    """A digest of every file (path and bytes) under ``root``, to prove nothing changed."""
    digest = hashlib.sha256()
    if not root.exists():
        return "absent"
    for path in sorted(p for p in root.rglob("*") if p.is_file() and ".lock" not in p.name):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real console script."""
    full_env = {**os.environ, "COLUMNS": "160", **(env or {})}
    return subprocess.run(
        [str(SAFERPLACES), *args], capture_output=True, text=True, env=full_env, timeout=300
    )
