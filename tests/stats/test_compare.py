"""Tests for saferplaces.stats.compare.

The rules are those of the OHID Fingertips technical guidance ("Comparing
with a benchmark"): significant when the benchmark lies outside the
estimate's confidence interval; between two estimates, significant only when
the intervals do not overlap. The worked numbers below use the exact
interval for 5 events (PHE funnel tables: 1.623486324 to 11.6683331).
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saferplaces.errors import InputError
from saferplaces.stats import Comparison, compare, proportion, rate


def test_benchmark_outside_interval():
    r = rate(5, 1000, per=1000)  # 5.0 (1.62 to 11.67) per 1,000
    assert compare(r, 12.0) == Comparison("lower", None)
    assert compare(r, 1.0) == Comparison("higher", None)
    assert compare(r, 6.0) == Comparison("similar", None)


def test_numpy_numbers_are_numbers():
    import numpy as np

    assert compare((5.0, 2.0, 8.0), np.int64(10)).label == "lower"
    assert compare((5.0, 2.0, 8.0), np.float32(1.0)).label == "higher"


def test_benchmark_on_a_limit_is_similar():
    assert compare((5.0, 2.0, 8.0), 8.0).label == "similar"
    assert compare((5.0, 2.0, 8.0), 2.0).label == "similar"


def test_polarity_judgement():
    assert compare((5.0, 2.0, 8.0), 10.0, "low-is-good") == Comparison("lower", "better")
    assert compare((5.0, 2.0, 8.0), 10.0, "high-is-good") == Comparison("lower", "worse")
    assert compare((5.0, 2.0, 8.0), 1.0, "low-is-good") == Comparison("higher", "worse")
    assert compare((5.0, 2.0, 8.0), 5.0, "low-is-good") == Comparison("similar", "similar")


def test_two_intervals_need_no_overlap():
    a = proportion(30, 100)
    b = proportion(50, 100)
    c = proportion(38, 100)
    assert compare(a, b).label == "lower"
    assert compare(b, a).label == "higher"
    assert compare(a, c).label == "similar"
    assert compare((5.0, 2.0, 8.0), (10.0, 8.0, 12.0)).label == "similar"  # touching


def test_bad_arguments():
    with pytest.raises(InputError, match="'polarity'"):
        compare((1, 0, 2), 1, polarity="up")
    with pytest.raises(InputError, match="'estimate'"):
        compare(3.0, 1.0)
    with pytest.raises(InputError, match="'estimate'"):
        compare((1, 3, 2), 1.0)


@settings(deadline=None)
@given(
    st.floats(-1e6, 1e6),
    st.floats(0, 1e3),
    st.floats(0, 1e3),
    st.floats(-1e6, 1e6),
)
def test_label_agrees_with_interval(v, dl, du, b):
    lo, hi = v - dl, v + du
    label = compare((v, lo, hi), b).label
    assert label == ("lower" if hi < b else "higher" if lo > b else "similar")
