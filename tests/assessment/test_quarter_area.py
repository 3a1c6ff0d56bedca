"""The area's quarter for board packs (issue 11): counts from the raw police.uk files, months not held,
and the normal range worked out by hand on a small synthetic store's counts."""

from __future__ import annotations

from saferplaces.assessment.quarter_area import MONTHS_ABOVE, quarter_area, year_earlier
from saferplaces.data.areas import areas_within, resolve_area
from saferplaces.reports.board_pack import series_sentence
from tests.conftest import raw_counts_by_type

LICHFIELD = "E07000194"
ASB = "Anti-social behaviour"


def test_counts_and_months_not_held(bundled_store) -> None:  # noqa: ANN001
    months = ["2025-04", "2025-05", "2025-06"]
    with bundled_store.snapshot() as snap:
        con = snap.connect()
        area = resolve_area(con, "Lichfield")
        ward = next(w for w in areas_within(con, area) if w.name == "Alrewas & Fradley")
        q = quarter_area(snap, con, area, months, [ward])
    assert q.missing == ()
    for m, row in zip(months, q.area.crime.months, strict=True):
        raw = raw_counts_by_type([m], LICHFIELD, "2021")
        assert row.count == sum(n for t, n in raw.items() if t != ASB)
    # Only April 2024 of the year before is bundled: May and June have no year-earlier figure.
    april = raw_counts_by_type([year_earlier("2025-04")], LICHFIELD, "2021")
    assert [m.year_earlier for m in q.area.asb.months] == [april[ASB], None, None]
    assert q.area.asb.total_year_earlier is None
    # No three earlier years are held: no month is judged, no type is above.
    assert all(m.label is None for s in q.by_type for m in s.months) and q.above == ()
    assert [p.name for p in q.places] == ["Alrewas & Fradley"]
    assert sum(m.count for m in q.places[0].crime.months) <= q.area.crime.total
    sentence = series_sentence(
        {
            "name": "All crime",
            "total": q.area.crime.total,
            "total_year_earlier": None,
            "months": [{"label": None}] * 3,
        },
        "Lichfield",
        "April to June 2025",
    )
    assert sentence.startswith(f"Crime in Lichfield: {q.area.crime.total:,} in April to June 2025.")
    assert "The store does not hold the same months a year earlier" in sentence


def test_a_month_not_held_is_not_counted_as_zero(bundled_store) -> None:  # noqa: ANN001
    with bundled_store.snapshot() as snap:
        con = snap.connect()
        area = resolve_area(con, "Lichfield")
        q = quarter_area(snap, con, area, ["2026-01", "2026-02", "2026-03"])
    assert q.missing == ("2026-01", "2026-02", "2026-03")
    assert [m.count for m in q.area.crime.months] == [None, None, None] and q.area.crime.total is None
    assert "January 2026, February 2026, March 2026" in q.assumptions[-1]


def test_sentence_against_the_normal_range() -> None:
    # 2 of 3 months above: what the pack says (and MONTHS_ABOVE makes an exception of it).
    series = {
        "name": ASB,
        "total": 330,
        "total_year_earlier": 300,
        "months": [{"label": "above"}, {"label": "above"}, {"label": "within"}],
    }
    text = series_sentence(series, "Lichfield", "July to September 2025")
    assert "330 in July to September 2025, against 300 in the same months a year earlier (up 10%)" in text
    assert "2 of the 3 months judged were above it, 1 within and 0 below" in text
    assert MONTHS_ABOVE == 2


def test_the_normal_range_uses_the_same_month_of_three_earlier_years() -> None:
    from saferplaces.assessment.quarter_area import _series

    quarter = ["2025-07", "2025-08", "2025-09"]
    held = [f"{y}-{m:02d}" for y in range(2022, 2026) for m in (7, 8, 9)]
    counts = {m: 100 for m in held} | {"2025-08": 200, "2024-07": 90, "2023-07": 110}
    s = _series("All crime", quarter, counts, held)
    # Expected: the mean of the same month in 2022, 2023 and 2024.
    assert [m.expected for m in s.months] == [100.0, 100.0, 100.0]
    assert [m.label for m in s.months] == ["within", "above", "within"]
    assert [m.year_earlier for m in s.months] == [90, 100, 100]
    assert s.months_above == ("2025-08",)
