"""Tests for saferplaces.stats.trend.

Reference values: the AIDS in Belgium example of Wood (2017), Generalized
Additive Models, 2nd edn, section 3.3: new cases 1981-1993
(12, 14, 33, 50, 67, 74, 123, 141, 165, 204, 253, 246, 240) with a log-linear
Poisson model ``glm(y ~ t, poisson)`` for t = 1..13 give a slope of
0.202121 (standard error 0.007771) and residual deviance 80.686 on 11 df.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saferplaces.errors import InputError
from saferplaces.stats import TrendResult, trend

AIDS = [12, 14, 33, 50, 67, 74, 123, 141, 165, 204, 253, 246, 240]


def test_aids_belgium_slope():
    r = trend(AIDS, periods=range(1, 14))
    assert isinstance(r, TrendResult)
    assert r.slope == pytest.approx(0.202121, abs=5e-7)
    assert r.annual_change == pytest.approx(100 * math.expm1(0.202121), rel=1e-5)
    # The data are overdispersed, so the quasi-Poisson standard error is the
    # Poisson one (0.007771) times sqrt(Pearson X^2 / 11).
    assert r.method == "quasi-poisson"
    assert r.slope_se == pytest.approx(0.007771 * math.sqrt(r.dispersion), rel=1e-3)
    assert r.label == "increasing"


def test_poisson_when_not_overdispersed():
    r = trend([100, 110, 121, 133, 146])
    assert r.method == "poisson"
    assert r.lower < r.annual_change < r.upper
    assert any("one year" in a for a in r.assumptions)


def test_exposure_offset_removes_population_growth():
    pop = np.array([1000, 1100, 1210, 1331, 1464.1, 1610.51])
    counts = np.round(pop * 0.05)
    r = trend(counts, exposure=pop)
    assert abs(r.annual_change) < 2
    assert r.label == "no-significant-trend"
    assert trend(counts).label == "increasing"


@pytest.mark.parametrize(
    ("kwargs", "word"),
    [
        ({"counts": [1, 2, 3, 4]}, "counts"),
        ({"counts": [1, 2, -3, 4, 5]}, "counts"),
        ({"counts": [1, 2, 3, 4, 5], "exposure": [1, 1, 1, 1]}, "lengths"),
        ({"counts": [1, 2, 3, 4, 5], "exposure": [1, 1, 0, 1, 1]}, "exposure"),
        ({"counts": [0, 0, 0, 0, 0]}, "zero"),
    ],
)
def test_bad_arguments(kwargs, word):
    with pytest.raises(InputError, match=word):
        trend(**kwargs)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(1, 500), min_size=5, max_size=12), st.integers(2, 9))
def test_scaling_counts_and_exposure_together_changes_nothing(counts, k):
    counts = np.array(counts, dtype=float)
    e = np.linspace(1000, 2000, counts.size)
    a = trend(counts, exposure=e)
    b = trend(counts, exposure=k * e)
    assert a.annual_change == pytest.approx(b.annual_change, rel=1e-6, abs=1e-9)
    assert a.lower <= a.annual_change <= a.upper
