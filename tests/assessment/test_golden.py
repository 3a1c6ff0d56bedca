"""Golden tests: the JSON's key numbers against values computed here from the raw files.

Nothing expected here comes from the product. The counts are the bundled police.uk CSVs read
with the csv module and the ONS lookup (``tests.conftest``); the populations are summed from the
bundled ONS mid-2021 file; the intervals follow the published formulas (exact Poisson from the
chi-square distribution under 10 events, Byar's approximation from 10, as Public Health England's
Technical Guide: Confidence Intervals, 2018); the change tests are statsmodels' quasi-Poisson GLM
(McCullagh and Nelder 1989, section 6.2) on the monthly counts; the adjustment across crime types
is Benjamini and Hochberg's step-up rule (J R Stat Soc B 1995; 57: 289-300) written out below;
the area against the rest of its force is the difference of two log rate ratios (Altman and
Bland, BMJ 2003; 326: 219).
"""

from __future__ import annotations

import csv
import gzip
import json
import math
from collections import Counter

import numpy as np
import pytest
import statsmodels.api as sm
from scipy import stats as sps

from saferplaces.assessment.build import build_assessment
from saferplaces.data.bundled_files import bundled
from saferplaces.errors import InputError
from saferplaces.reports.documents import write_assessment
from tests.conftest import raw_lsoa_to_lad, raw_rows

STAFFORD, LICHFIELD = "E07000197", "E07000194"
STAFFORDSHIRE_LADS = {f"E0700019{i}" for i in range(2, 10)} | {"E06000021"}
ASB = "Anti-social behaviour"
Z = sps.norm.ppf(0.975)


def _population(lad: str) -> int:
    path = bundled("population/ons_mye_mid2021_lad21_sex_syoa_uk.csv.gz")
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return sum(int(r["population_2021"]) for r in csv.DictReader(handle) if r["ladcode21"] == lad)


def _monthly(months: list[str], lads: set[str], no_location: bool = False) -> dict[str, Counter]:
    """{month: Counter(crime type)} of rows whose LSOA lies in ``lads`` (or has none, if asked)."""
    lookup = {**raw_lsoa_to_lad("2011"), **raw_lsoa_to_lad("2021")}
    out = {}
    for m in months:
        out[m] = Counter(
            r["Crime type"]
            for r in raw_rows(m)
            if lookup.get(r["LSOA code"]) in lads or (no_location and not r["LSOA code"])
        )
    return out


def _interval(count: int, pop: int) -> tuple[float, float]:
    if count < 10:
        lo = sps.chi2.ppf(0.025, 2 * count) / 2 if count else 0.0
        hi = sps.chi2.ppf(0.975, 2 * count + 2) / 2
    else:
        lo = count * (1 - 1 / (9 * count) - Z / (3 * math.sqrt(count))) ** 3
        o = count + 1
        hi = o * (1 - 1 / (9 * o) + Z / (3 * math.sqrt(o))) ** 3
    return lo / pop * 1000, hi / pop * 1000


def _quasi_poisson(now: list[int], before: list[int]) -> tuple[float, float, float]:
    """(log rate ratio, its standard error, p) from statsmodels, dispersion floored at 1."""
    y = np.array(now + before, dtype=float)
    x = sm.add_constant(np.array([1.0] * len(now) + [0.0] * len(before)))
    fit = sm.GLM(y, x, family=sm.families.Poisson()).fit(scale="X2", use_t=True)
    if fit.scale < 1:
        fit = sm.GLM(y, x, family=sm.families.Poisson()).fit(scale=1.0, use_t=True)
    return float(fit.params[1]), float(fit.bse[1]), float(fit.pvalues[1])


def _benjamini_hochberg(p: list[float]) -> list[float]:
    m = len(p)
    order = sorted(range(m), key=lambda i: p[i])
    adjusted = [0.0] * m
    running = 1.0
    for rank in range(m, 0, -1):
        i = order[rank - 1]
        running = min(running, p[i] * m / rank)
        adjusted[i] = running
    return adjusted


@pytest.fixture(scope="module")
def stafford_json(bundled_store, tmp_path_factory):
    a = build_assessment(bundled_store, "Stafford", "2025")
    out = tmp_path_factory.mktemp("golden") / "stafford"
    write_assessment(a, out, ["json"])
    return json.loads((out / "assessment.json").read_text(encoding="utf-8"))


def test_stafford_2025_counts_rates_and_intervals(stafford_json):
    months = [f"2025-{m:02d}" for m in range(1, 13)]
    counts = sum(_monthly(months, {STAFFORD}).values(), Counter())
    pop = _population(STAFFORD)
    assert stafford_json["area"]["population"] == pop
    assert stafford_json["period"]["label"] == "calendar year 2025"
    rows = {r["crime_type"]: r for r in stafford_json["crime_types"]}
    assert {t: r["count"] for t, r in rows.items() if r["count"]} == dict(counts)
    for t, n in counts.items():
        lo, hi = _interval(n, pop)
        assert rows[t]["rate"] == pytest.approx(n / pop * 1000, abs=0.005)
        assert (rows[t]["lower"], rows[t]["upper"]) == (
            pytest.approx(lo, abs=0.005),
            pytest.approx(hi, abs=0.005),
        )
    crime = sum(n for t, n in counts.items() if t != ASB)
    head = stafford_json["headline"]
    assert (head["crime"]["count"], head["asb"]["count"]) == (crime, counts[ASB])
    lo, hi = _interval(crime, pop)
    assert (head["crime"]["lower"], head["crime"]["upper"]) == (
        pytest.approx(lo, abs=0.005),
        pytest.approx(hi, abs=0.005),
    )


def test_stafford_2025_change_tests(stafford_json):
    now_months = [f"2025-{m:02d}" for m in range(1, 5)]
    before_months = [f"2024-{m:02d}" for m in range(1, 5)]
    period = stafford_json["period"]
    assert period["comparison_label"] == "January to April 2025 against January to April 2024"
    assert period["comparison_months"] == before_months
    area = _monthly(now_months + before_months, {STAFFORD})
    force = _monthly(now_months + before_months, STAFFORDSHIRE_LADS, no_location=True)
    rows = {r["crime_type"]: r for r in stafford_json["crime_types"]}
    types = sorted(rows)
    tests, versus = {}, {}
    for t in types:
        now = [area[m][t] for m in now_months]
        before = [area[m][t] for m in before_months]
        assert (rows[t]["comparable_count"], rows[t]["previous_count"]) == (sum(now), sum(before))
        tests[t] = _quasi_poisson(now, before)
        rest_now = [force[m][t] - area[m][t] for m in now_months]
        rest_before = [force[m][t] - area[m][t] for m in before_months]
        rest = _quasi_poisson(rest_now, rest_before)
        z = (tests[t][0] - rest[0]) / math.sqrt(tests[t][1] ** 2 + rest[1] ** 2)
        versus[t] = 2 * sps.norm.sf(abs(z))
    adjusted = dict(zip(types, _benjamini_hochberg([tests[t][2] for t in types]), strict=True))
    versus_adjusted = dict(zip(types, _benjamini_hochberg([versus[t] for t in types]), strict=True))
    for t in types:
        assert rows[t]["change_p"] == pytest.approx(tests[t][2], abs=5e-5), t
        assert rows[t]["change_p_adjusted"] == pytest.approx(adjusted[t], abs=5e-5), t
        assert rows[t]["versus_force_change_p_adjusted"] == pytest.approx(versus_adjusted[t], abs=5e-5), t
        # only the adjusted test decides a rise or a fall
        expected = (
            "no-significant-change"
            if adjusted[t] >= 0.05
            else ("increase" if tests[t][0] > 0 else "decrease")
        )
        assert rows[t]["change_test"] == expected
    # at least one type is significant before adjustment but not after: the adjustment matters
    assert any(tests[t][2] < 0.05 <= adjusted[t] for t in types)
    # and the headline: all crime but ASB, the same months
    crime_now = [sum(n for t, n in area[m].items() if t != ASB) for m in now_months]
    crime_before = [sum(n for t, n in area[m].items() if t != ASB) for m in before_months]
    change = stafford_json["headline"]["crime_change"]
    assert (change["current"], change["previous"]) == (sum(crime_now), sum(crime_before))
    assert change["p"] == pytest.approx(_quasi_poisson(crime_now, crime_before)[2], abs=5e-5)
    assert change["months"] == "January to April 2025 against January to April 2024"


def test_lichfield_2024_is_refused_then_four_months_with_allow_partial(bundled_store, tmp_path):
    with pytest.raises(InputError, match=r"only 4 of the 12 months .* \(January to April 2024\)"):
        build_assessment(bundled_store, "Lichfield", "2024")
    a = build_assessment(bundled_store, "Lichfield", "2024", allow_partial=True)
    write_assessment(a, tmp_path, ["json"])
    data = json.loads((tmp_path / "assessment.json").read_text(encoding="utf-8"))
    assert data["period"]["label"] == "4 of 12 months (January to April 2024)"
    assert data["period"]["partial"] is True and data["period"]["comparison_label"] is None
    months = [f"2024-{m:02d}" for m in range(1, 5)]
    counts = sum(_monthly(months, {LICHFIELD}).values(), Counter())
    pop = _population(LICHFIELD)
    rows = {r["crime_type"]: r for r in data["crime_types"]}
    assert {t: r["count"] for t, r in rows.items() if r["count"]} == dict(counts)
    for t, n in counts.items():
        lo, hi = _interval(n, pop)
        assert (rows[t]["rate"], rows[t]["lower"], rows[t]["upper"]) == (
            pytest.approx(n / pop * 1000, abs=0.005),
            pytest.approx(lo, abs=0.005),
            pytest.approx(hi, abs=0.005),
        )
    # four months are too few to classify hotspots over time: no sentence says how many persist
    from saferplaces.reports.charts import hotspot_map

    assert all(c.pattern is None for c in a.hotspots.hot)
    assert "too few months are held" in hotspot_map(a).alt
    hot = next(f["text"] for f in data["findings"] if "grid squares" in f["text"])
    assert "persistent" not in hot and "too few months are held" in hot
    # no finding or caption calls four months a year
    texts = [f["text"] for f in data["findings"]]
    assert not any("calendar year" in t for t in texts)
    assert texts[0].startswith(
        f"In Lichfield there were {sum(n for t, n in counts.items() if t != ASB):,} crimes "
        "(not counting anti-social behaviour) in 4 of 12 months (January to April 2024)"
    )
