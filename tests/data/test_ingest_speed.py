"""What the ingest does for speed keeps every result: rows carry a file number instead of a
path, partitions are split by one integer, and a partition's LSOA vintage comes from counts
made before writing (issue #13, docs/data-store.md "How an import is kept fast")."""

from __future__ import annotations

import csv
import gzip
import io
from collections import Counter

import pytest

from saferplaces.data.ingest import LsoaCounts, file_vintages, ingest, partition_vintage
from saferplaces.data.store import Store
from saferplaces.errors import DataFormatError
from tests.conftest import month_file, raw_rows


def _counts(filename: int, month: str, only21: int, only11: int, both: int) -> LsoaCounts:
    return LsoaCounts(filename, month, only21, only11, both, 0, None)


def test_file_vintage_is_the_vintage_more_codes_are_found_in_alone():
    counts = [
        _counts(0, "2021-12", 5, 2, 100),  # more 2021-only codes: 2021
        _counts(1, "2019-01", 0, 3, 100),  # only 2011-only codes: 2011
        _counts(2, "2021-12", 0, 0, 100),  # no code in one vintage alone, before the switch: 2011
        _counts(3, "2022-01", 0, 0, 100),  # ... and from January 2022: 2021
        # a file of two months takes its earliest month for the switch, its totals for the rest
        _counts(4, "2021-12", 0, 0, 10),
        _counts(4, "2022-02", 0, 0, 10),
        _counts(5, "2022-02", 1, 0, 10),
        _counts(5, "2022-03", 0, 2, 10),  # 1 against 2 over the whole file: 2011
    ]
    assert file_vintages(counts) == {0: "2021", 1: "2011", 2: "2011", 3: "2021", 4: "2011", 5: "2011"}


def test_partition_vintage_is_the_vintage_most_rows_carry():
    # rows found in both lookups carry their file's vintage
    assert partition_vintage([_counts(0, "2025-01", 3, 4, 10)], {0: "2021"}) == "2021"  # 13 to 4
    assert partition_vintage([_counts(0, "2025-01", 3, 4, 10)], {0: "2011"}) == "2011"  # 3 to 14
    assert partition_vintage([_counts(0, "2025-01", 0, 0, 0)], {0: "2021"}) is None  # no code found
    # a tie goes to the file's vintage
    assert partition_vintage([_counts(0, "2025-01", 2, 2, 0)], {0: "2011"}) == "2011"
    assert partition_vintage([_counts(0, "2025-01", 2, 2, 0)], {0: "2021"}) == "2021"


def test_manifest_vintage_is_the_majority_of_the_rows_stored(bundled_store):
    con = bundled_store.connect()
    rows = con.execute(
        "select month, lsoa_vintage from crimes where force = 'staffordshire' and lsoa_vintage is not null"
    ).fetchall()
    by_month: dict[str, Counter] = {}
    for month, vintage in rows:
        by_month.setdefault(month, Counter())[vintage] += 1
    partitions = bundled_store.read_manifest().partitions
    for month, counted in by_month.items():
        (top, n), *rest = counted.most_common()
        assert not rest or rest[0][1] < n  # no tie in the bundled months
        assert partitions[f"crimes/staffordshire/{month}"]["lsoa_vintage"] == top


def _plain(month: str) -> str:
    return gzip.decompress(month_file(month).read_bytes()).decode("utf-8")


@pytest.fixture
def mixed(tmp_path):
    """Plain, gzip and plain files, so the plain files' numbers are not consecutive."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "2025-01-staffordshire-street.csv").write_text(_plain("2025-01"), encoding="utf-8")
    (folder / "2025-02-staffordshire-street.csv").write_bytes(month_file("2025-02").read_bytes())
    (folder / "2025-03-staffordshire-street.csv").write_text(_plain("2025-03"), encoding="utf-8")
    return folder


def test_plain_and_gzip_files_mixed_land_in_their_own_months(mixed, tmp_path):
    store = Store(tmp_path / "store")
    result = ingest([mixed], store)
    assert {c.month: c.rows for c in result.changes} == {
        m: len(raw_rows(m)) for m in ("2025-01", "2025-02", "2025-03")
    }
    con = store.connect()
    for month in ("2025-01", "2025-02", "2025-03"):
        raw = Counter(r["Crime type"] for r in raw_rows(month))
        query = "select crime_type, count(*) from crimes where month = ? group by 1"
        got = dict(con.execute(query, [month]).fetchall())
        assert got == dict(raw)


def test_a_bad_row_is_named_in_its_own_file_among_mixed_files(mixed, tmp_path):
    path = mixed / "2025-03-staffordshire-street.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    rows[5][9] = "Bicycle theft!"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    store = Store(tmp_path / "store")
    with pytest.raises(DataFormatError) as caught:
        ingest([mixed], store)
    assert "2025-03-staffordshire-street.csv has 1 row whose Crime type" in str(caught.value)
    assert "'Bicycle theft!' on line 6" in str(caught.value)
    assert not store.root.exists() or not store.read_manifest().partitions
