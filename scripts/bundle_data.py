"""Copy the real open data the product needs from ../shared/data into the package.

Run from the repository root: ``python3 scripts/bundle_data.py [SHARED_DATA_DIR]``.
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
SHARED = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent.parent / "shared" / "data"
if not SHARED.exists():
    SHARED = ROOT.parent / "shared" / "data"
OUT = ROOT / "src" / "saferplaces" / "data" / "bundled"
#: Folders of bundled files made for Safer Places, kept when the shared data is copied again.
HAND_MADE = {"places"}

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


def main() -> None:
    if OUT.exists():
        for child in OUT.iterdir():
            # places/ holds the hand-made gazetteer (ADR 0024), which is not in the shared folder
            if child.is_dir() and child.name not in HAND_MADE:
                shutil.rmtree(child)
    for rel, columns in TABLES.items():
        src = SHARED / rel
        data = src.read_bytes() if columns is None else trim(src, columns)
        gzip_bytes(data, OUT / (rel + ".gz"))
    for pattern in RAW_GLOBS:
        for src in sorted(SHARED.glob(pattern)):
            rel = src.relative_to(SHARED)
            if src.suffix in (".gz", ".xlsx"):
                (OUT / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(src, OUT / rel)
            else:
                gzip_bytes(src.read_bytes(), OUT / (str(rel) + ".gz"))
    shutil.copyfile(SHARED / "SOURCES.md", OUT / "SOURCES-shared.md")
    total = sum(p.stat().st_size for p in OUT.rglob("*") if p.is_file())
    print(f"Bundled {sum(1 for p in OUT.rglob('*') if p.is_file())} files, {total / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
