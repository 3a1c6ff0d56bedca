"""ONS/Home Office Table C2: police recorded crime by Community Safety Partnership.

The bundled table is for the year ending June 2025. Its first eight lines are
titles and notes; the header cells contain line breaks; numbers carry thousands
separators and a trailing space (``"7,630 "``).
"""

from __future__ import annotations

import csv
import gzip
from dataclasses import dataclass

from saferplaces.data.bundled_files import bundled

C2_FILE = "ons_crime_tables/csp_table_C2_ye_june2025.csv.gz"
C2_PERIOD = ("2024-07", "2025-06")


@dataclass(frozen=True)
class CspRecordedCrime:
    """One row of Table C2: a CSP (or a force total when ``csp_code`` is empty)."""

    pfa_code: str
    pfa_name: str
    csp_code: str
    csp_name: str
    lad_code: str
    lad_name: str
    counts: dict[str, int | None]


def _number(cell: str) -> int | None:
    cell = cell.strip().replace(",", "")
    if not cell or cell.startswith("["):
        return None
    return int(float(cell))


def read_c2() -> list[CspRecordedCrime]:
    """Read the bundled Table C2 into one record per row (force totals included)."""
    with gzip.open(bundled(C2_FILE), "rt", encoding="utf-8-sig", newline="") as handle:
        records = list(csv.reader(handle))
    header_index = next(i for i, r in enumerate(records) if r and r[0].startswith("Police Force"))
    header = [" ".join(cell.split()) for cell in records[header_index]]
    rows = []
    for record in records[header_index + 1 :]:
        if len(record) < 7 or not record[0].strip():
            continue
        cells = [c.strip() for c in record]
        counts = {header[i]: _number(record[i]) for i in range(6, len(header)) if header[i]}
        rows.append(CspRecordedCrime(*cells[:6], counts=counts))
    return rows
