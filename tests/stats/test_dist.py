"""The distribution functions of saferplaces.stats._dist against scipy.stats, their reference.

scipy.stats is the independent implementation here (the module avoids importing it for speed,
issue #9); the published values the statistics rest on are checked in each statistic's tests.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from saferplaces.stats._dist import binom_two_sided_half, chi2_ppf, norm_ppf, norm_sf, t_ppf, t_sf


def test_normal_reference_values():
    # the familiar published quantiles: 1.959964 for 97.5%, 3.090232 for 99.9%
    assert norm_ppf(0.975) == pytest.approx(1.959963985, abs=1e-9)
    assert norm_ppf(0.999) == pytest.approx(3.090232306, abs=1e-9)
    assert 2 * norm_sf(1.959963985) == pytest.approx(0.05, abs=1e-9)


@settings(max_examples=200, deadline=None)
@given(st.floats(-8, 8), st.floats(0.001, 0.999), st.integers(1, 200))
def test_same_as_scipy_stats(x, q, df):
    assert norm_sf(x) == pytest.approx(stats.norm.sf(x), rel=1e-12, abs=1e-300)
    assert norm_ppf(q) == pytest.approx(stats.norm.ppf(q), rel=1e-12, abs=1e-15)
    assert t_sf(x, df) == pytest.approx(stats.t.sf(x, df), rel=1e-12, abs=1e-300)
    assert t_ppf(q, df) == pytest.approx(stats.t.ppf(q, df), rel=1e-10, abs=1e-12)
    assert chi2_ppf(q, 2.0 * df) == pytest.approx(stats.chi2.ppf(q, 2.0 * df), rel=1e-12)


def test_chi2_ppf_takes_arrays():
    counts = np.array([1.0, 5.0, 100.0])
    assert np.allclose(chi2_ppf(0.025, 2 * counts), stats.chi2.ppf(0.025, 2 * counts), rtol=1e-12)


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 400), st.integers(1, 400))
def test_binomial_half_same_as_binomtest(k, n):
    k = min(k, n)
    assert binom_two_sided_half(k, n) == pytest.approx(
        stats.binomtest(k, n, 0.5).pvalue, rel=1e-9, abs=1e-300
    )


def test_binomial_half_worked_by_hand():
    # 10 of 12: 2 * (66 + 12 + 1) / 4096
    assert binom_two_sided_half(10, 12) == pytest.approx(2 * 79 / 4096, rel=1e-12)
    assert binom_two_sided_half(6, 12) == 1.0
