"""Tests for saferplaces.stats.proportions.

Reference values
----------------
* PHE funnel-plot tables (PHEindicatormethods
  ``tests/testthat/testdata_funnel_prop_outputs.csv``) are built from the
  Wilson score formula; see tests/stats/test_funnel.py.
* Newcombe RG. Two-sided confidence intervals for the single proportion:
  comparison of seven methods. Stat Med 1998; 17: 857-872, Table II: for
  81/263 the Wilson (score, no continuity correction) interval is
  0.2553 to 0.3662; for 15/148 it is 0.0624 to 0.1605; for 0/20 it is
  0 to 0.1611; for 1/29 it is 0.0061 to 0.1718.
* Newcombe RG. Interval estimation for the difference between independent
  proportions: comparison of eleven methods. Stat Med 1998; 17: 873-890,
  Table II, method 10 (hybrid score): 56/70 - 48/80 gives 0.0524 to 0.3339;
  9/10 - 3/10 gives 0.1705 to 0.8090; 0/10 - 0/20 gives -0.1611 to 0.2775;
  10/10 - 0/20 gives 0.6791 to 1.0000.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saferplaces.errors import InputError
from saferplaces.stats import ProportionResult, proportion, proportion_difference, wilson_interval

NEWCOMBE = [
    (81, 263, 0.2553, 0.3662),
    (15, 148, 0.0624, 0.1605),
    (0, 20, 0.0, 0.1611),
    (1, 29, 0.0061, 0.1718),
]


@pytest.mark.parametrize(("x", "n", "lo", "hi"), NEWCOMBE)
def test_wilson_matches_newcombe_1998(x, n, lo, hi):
    p = proportion(x, n)
    assert p.lower == pytest.approx(lo, abs=5e-5)
    assert p.upper == pytest.approx(hi, abs=5e-5)
    assert p.method == "wilson"


def test_per_scales_all_three():
    p = proportion(81, 263, per=100)
    assert isinstance(p, ProportionResult)
    assert p.value == pytest.approx(100 * 81 / 263)
    assert p.lower == pytest.approx(25.53, abs=5e-3)


def test_vector_wilson():
    lo, hi = wilson_interval([81, 15], [263, 148])
    assert lo[1] == pytest.approx(0.0624, abs=5e-5)
    assert hi[0] == pytest.approx(0.3662, abs=5e-5)


@pytest.mark.parametrize(
    ("x", "n", "word"),
    [(-1, 10, "successes"), (11, 10, "successes"), (1, 0, "total"), (3, -2, "total")],
)
def test_bad_arguments(x, n, word):
    with pytest.raises(InputError) as info:
        proportion(x, n)
    assert f"'{word}'" in str(info.value)


def test_mismatched_lengths():
    with pytest.raises(InputError, match="different lengths"):
        wilson_interval([1, 2, 3], [10, 10])


@st.composite
def x_and_n(draw):
    n = draw(st.integers(min_value=1, max_value=10**6))
    x = draw(st.integers(min_value=0, max_value=n))
    return x, n


@settings(deadline=None)
@given(x_and_n(), st.sampled_from([0.9, 0.95, 0.998]))
def test_proportion_inside_interval_and_unit_range(xn, level):
    x, n = xn
    p = proportion(x, n, level=level)
    assert 0.0 <= p.lower <= p.value <= p.upper <= 1.0


@settings(deadline=None)
@given(x_and_n())
def test_interval_narrows_with_larger_sample(xn):
    x, n = xn
    a = proportion(x, n)
    b = proportion(4 * x, 4 * n)
    assert b.upper - b.lower < a.upper - a.lower


NEWCOMBE_DIFFERENCES = [
    (56, 70, 48, 80, 0.0524, 0.3339),
    (9, 10, 3, 10, 0.1705, 0.8090),
    (0, 10, 0, 20, -0.1611, 0.2775),
    (10, 10, 0, 20, 0.6791, 1.0000),
]


@pytest.mark.parametrize(("x1", "n1", "x2", "n2", "lower", "upper"), NEWCOMBE_DIFFERENCES)
def test_difference_matches_newcombe_table_ii(x1, n1, x2, n2, lower, upper):
    d = proportion_difference(x1, n1, x2, n2)
    assert d.lower == pytest.approx(lower, abs=5e-5)
    assert d.upper == pytest.approx(upper, abs=5e-5)
    assert d.method == "newcombe-wilson"


def test_difference_label_and_per():
    assert proportion_difference(56, 70, 48, 80).label == "higher"
    assert proportion_difference(48, 80, 56, 70).label == "lower"
    assert proportion_difference(0, 10, 0, 20).label == "similar"
    d = proportion_difference(56, 70, 48, 80, per=100)
    assert d.value == pytest.approx(20.0) and d.lower == pytest.approx(5.24, abs=0.005)


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 500).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
    st.integers(1, 500).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
)
def test_difference_interval_holds_the_difference_and_swaps_sign(a, b):
    d = proportion_difference(a[0], a[1], b[0], b[1])
    assert -1 <= d.lower <= d.value <= d.upper <= 1
    e = proportion_difference(b[0], b[1], a[0], a[1])
    assert e.lower == pytest.approx(-d.upper) and e.upper == pytest.approx(-d.lower)


def test_difference_rejects_more_successes_than_total():
    with pytest.raises(InputError, match="successes2"):
        proportion_difference(5, 10, 11, 10)
