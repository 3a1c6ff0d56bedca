"""Copy the real open data the product needs from ../shared/data into the package.

Run from the repository root: ``python3 scripts/bundle_data.py [SHARED_DATA_DIR [OUT_DIR]]``.
Files are gzip-compressed (``gzip -n`` style: no name, no time stamp, so the
output is byte-for-byte repeatable); the national lookups keep only the columns
the product reads. Nothing else is changed. See
``src/saferplaces/data/bundled/SOURCES.md`` for origin and licence.
"""

from __future__ import annotations

import csv
import gzip
import io
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "saferplaces" / "data" / "bundled"
#: Bundled files and folders made for Safer Places, not copied from the shared data: kept when it
#: is copied again. places/ is the gazetteer (ADR 0024); police_uk_forces.csv maps police.uk's
#: force names to police force areas; SOURCES.md says where every bundled file comes from.
HAND_MADE = ("places", "reference/police_uk_forces.csv", "SOURCES.md")

# file in shared/data -> columns to keep (None keeps every column)
TABLES: dict[str, list[str] | None] = {
    "geography/lookups/LSOA11_WD19_LAD19_EW_LU.csv": [
        "LSOA11CD",
        "LSOA11NM",
        "WD19CD",
        "WD19NM",
        "LAD19CD",
        "LAD19NM",
    ],
    "geography/lookups/LSOA21_WD24_LAD24_EW_LU.csv": [
        "LSOA21CD",
        "LSOA21NM",
        "WD24CD",
        "WD24NM",
        "LAD24CD",
        "LAD24NM",
    ],
    "geography/lookups/LSOA11_LSOA21_LAD22_EW_best_fit_v2.csv": ["LSOA11CD", "LSOA21CD"],
    "geography/lookups/LAD19_CSP19_PFA19_EW_LU.csv": [
        "LAD19CD",
        "LAD19NM",
        "CSP19CD",
        "CSP19NM",
        "PFA19CD",
        "PFA19NM",
    ],
    "geography/lookups/CSP19_names_codes_EW.csv": ["CSP19CD", "CSP19NM"],
    "geography/lookups/PFA19_names_codes_UK.csv": ["PFA19CD", "PFA19NM"],
    "geography/lookups/la_all_codes_drkane.csv": [
        "LADCD",
        "LADNM",
        "LADCD_ACTIVE",
        "LADNM_ACTIVE",
        "UTLACD",
        "UTLANM",
        "RGNCD",
        "RGNNM",
        "CTRYCD",
        "CTRYNM",
    ],
    "deprivation/lsoa11_imd19_rank_decile.csv": ["lsoa11cd", "lsoa11nm", "IMDRank", "IMDDecil"],
    "reference/css_weights_ho_offence_code_policeuk_join.csv": None,
    "ons_crime_tables/csp_table_C2_ye_june2025.csv": None,
}
RAW_GLOBS = [
    "police_uk/street/*.csv.gz",
    "population/*.csv",
    "geography/boundaries/*.geojson",
    "ons_crime_tables/*.xlsx",
]


def gzip_bytes(data: bytes, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with (
        open(target, "wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as gz,
    ):
        gz.write(data)


def trim(source: Path, columns: list[str]) -> bytes:
    text = source.read_text(encoding="utf-8-sig")
    reader = csv.DictReader(io.StringIO(text))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in reader:
        writer.writerow([row[c] for c in columns])
    return out.getvalue().encode("utf-8")


def default_shared() -> Path:
    shared = ROOT.parent.parent / "shared" / "data"
    return shared if shared.exists() else ROOT.parent / "shared" / "data"


def hand_made(relative: Path) -> bool:
    """Whether ``relative`` (a path under the bundled folder) is one of ``HAND_MADE`` or in one."""
    return any(relative == Path(h) or Path(h) in relative.parents for h in HAND_MADE)


def clear(out: Path) -> None:
    """Remove every file the shared data gave (so a file it no longer has goes), keeping ``HAND_MADE``."""
    for path in sorted(out.rglob("*"), reverse=True):  # a folder's files before the folder
        relative = path.relative_to(out)
        if path.is_file() and not hand_made(relative):
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()


def main(shared: Path | None = None, out: Path = OUT) -> None:
    """Copy the shared data in ``shared`` (default ``default_shared()``) into ``out``."""
    shared = shared or default_shared()
    if out.exists():
        clear(out)
    for rel, columns in TABLES.items():
        src = shared / rel
        data = src.read_bytes() if columns is None else trim(src, columns)
        gzip_bytes(data, out / (rel + ".gz"))
    for pattern in RAW_GLOBS:
        for src in sorted(shared.glob(pattern)):
            rel = src.relative_to(shared)
            if src.suffix in (".gz", ".xlsx"):
                (out / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(src, out / rel)
            else:
                gzip_bytes(src.read_bytes(), out / (str(rel) + ".gz"))
    shutil.copyfile(shared / "SOURCES.md", out / "SOURCES-shared.md")
    total = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    print(f"Bundled {sum(1 for p in out.rglob('*') if p.is_file())} files, {total / 1e6:.1f} MB")


if __name__ == "__main__":
    main(
        Path(sys.argv[1]) if len(sys.argv) > 1 else None,
        Path(sys.argv[2]) if len(sys.argv) > 2 else OUT,
    )
