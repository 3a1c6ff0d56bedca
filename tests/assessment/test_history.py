"""Trend and seasonal range, on a store with six years of the same months.

The bundled data hold at most two years of the same months, so this store adds
five earlier years made from the real 2025 files: each row of 2025 kept in an
earlier year with a probability that rises by year (a known, steady growth), the
months shifted back. The trend must find the growth; the seasonal range must
judge 2025 against the years before.
"""

from __future__ import annotations

import csv
import gzip
import io
import random

import pytest

from saferplaces.assessment.build import build_assessment
from saferplaces.data.ingest import ingest
from saferplaces.data.store import Store
from tests.conftest import month_file

KEEP = {2020: 0.55, 2021: 0.63, 2022: 0.72, 2023: 0.82, 2024: 0.91}  # then 2025: all rows


@pytest.fixture(scope="module")
def grown(tmp_path_factory):
    folder = tmp_path_factory.mktemp("history")
    rng = random.Random(1)
    paths = []
    for m in range(1, 13):
        month = f"2025-{m:02d}"
        text = gzip.decompress(month_file(month).read_bytes()).decode("utf-8")
        rows = list(csv.reader(io.StringIO(text)))
        paths.append(month_file(month))
        for year, keep in KEEP.items():
            new = f"{year}-{m:02d}"
            out = io.StringIO()
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(rows[0])
            for row in rows[1:]:
                if rng.random() < keep:
                    row[1] = new
                    writer.writerow(row)
            path = folder / f"{new}-staffordshire-street.csv"
            path.write_text(out.getvalue(), encoding="utf-8")
            paths.append(path)
    store = Store(folder / "store")
    ingest(paths, store)
    return build_assessment(store, "Stafford", "2025")


def test_trend_finds_the_growth(grown):
    violence = next(r for r in grown.crime_types if r.crime_type == "Violence and sexual offences")
    assert violence.trend == "increasing" and violence.trend_years == 6
    # rows kept rose from 55% to 100% over five years: about 12.7% a year
    assert 9 < violence.trend_annual_change < 17
    assert any("Trends are log-linear" in a for a in grown.assumptions)
    assert any("significant trend" in f.text for f in grown.findings)


def test_seasonal_range_judges_each_month(grown):
    judged = [m for m in grown.months if m.seasonal is not None]
    assert len(judged) == 12
    for m in judged:
        assert m.expected_lower <= m.expected <= m.expected_upper
        # the label follows the range (rounded to 0.1 as shown)
        expected = (
            "above" if m.count > m.expected_upper else "below" if m.count < m.expected_lower else "within"
        )
        if abs(m.count - m.expected_upper) > 0.1 and abs(m.count - m.expected_lower) > 0.1:
            assert m.seasonal == expected
    # with steady growth, 2025 sits at or above what the earlier years lead us to expect
    assert all(m.count >= m.expected_lower for m in judged)
