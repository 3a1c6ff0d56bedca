"""Too few months for XmR limits: the assessment's months get a run chart (#14).

The expected signals are worked out here by brute force over the real counts, not by ``spc_run``.
"""

from __future__ import annotations

import statistics

import pytest

from saferplaces.assessment.build import _month_rows
from saferplaces.data.aggregates import Aggregates, in_months
from saferplaces.data.areas import resolve_area
from saferplaces.data.policeuk_format import ASB


def _monotone_runs(values: list[int], length: int) -> set[int]:
    """Indexes in a run of ``length`` or more values each above (or each below) the one before."""
    flagged: set[int] = set()
    for start in range(len(values)):
        for step in (1, -1):
            end = start
            while end + 1 < len(values) and (values[end + 1] - values[end]) * step > 0:
                end += 1
            if end - start + 1 >= length:
                flagged.update(range(start, end + 1))
    return flagged


@pytest.mark.parametrize("months", [6, 11])
def test_a_short_window_gets_a_run_chart(bundled_store, months):
    con = bundled_store.connect()
    area = resolve_area(con, "Stafford")
    held = [f"2025-{m:02d}" for m in range(1, months + 1)]
    counts = dict(
        con.execute(
            f"select month, count(*) from crimes where {area.row_filter()} and {in_months(held)} "
            f"and crime_type <> '{ASB}' group by 1"
        ).fetchall()
    )
    values = [counts.get(m, 0) for m in held]
    assert len(set(values)) == len(values)  # no repeats, so the brute force needs no tie rule
    median = statistics.median(values)
    # a shift of 6 on one side of the median cannot happen in fewer than 12 distinct values
    expected = _monotone_runs(values, 5)
    assumptions: list[str] = []
    rows = _month_rows(Aggregates(con, ["E23000015"]), area, held, assumptions)
    assert [r.count for r in rows] == values
    assert all(r.chart == "run" and r.median == pytest.approx(median, abs=0.05) for r in rows)
    assert all(r.mean is None and r.lower_limit is None for r in rows)
    assert {i for i, r in enumerate(rows) if r.rules} == expected
    assert all(r.rules == ("trend",) for r in rows if r.rules)
    assert any("run chart" in a for a in assumptions)


def test_four_months_get_no_chart(bundled_store):
    con = bundled_store.connect()
    area = resolve_area(con, "Stafford")
    rows = _month_rows(Aggregates(con, ["E23000015"]), area, [f"2025-{m:02d}" for m in range(1, 5)], [])
    assert all(r.chart == "" and r.median is None for r in rows)


@pytest.mark.parametrize("run_length", [6, 7])
def test_the_xmr_run_length_comes_from_the_registry(bundled_store, monkeypatch, run_length):
    from saferplaces.assessment import build
    from saferplaces.defaults import AnalyticDefaults
    from saferplaces.stats import spc_xmr

    con = bundled_store.connect()
    area = resolve_area(con, "Tamworth")
    held = [f"2025-{m:02d}" for m in range(1, 13)]  # the bundled months' one run of 12
    monkeypatch.setattr(build, "DEFAULTS", AnalyticDefaults(spc_run_length=run_length))
    rows = _month_rows(Aggregates(con, ["E23000015"]), area, held, [])
    values = [r.count for r in rows]
    ours = spc_xmr(values, improvement="decrease", run_length=run_length).rules
    other = spc_xmr(values, improvement="decrease", run_length=13 - run_length).rules
    assert ours != other  # Tamworth's 2025 months rise six times in a row: a trend only at 6
    assert all(r.chart == "xmr" for r in rows)
    assert tuple(r.rules for r in rows) == ours
