"""Tests for saferplaces.stats.rates.

Reference values
----------------
* Exact Poisson limits: PHEindicatormethods test data
  ``tests/testthat/testdata_funnel_ratio_outputs.csv``
  (https://github.com/ukhsa-collaboration/PHEindicatormethods, commit
  8ac28e54249d9b01d586b19d1d1b39f5af3d49ac). For O observed
  events, the column ``lower_2s_exp_events`` is the exact 95% upper limit of O
  and ``upper_2s_exp_events`` the exact 95% lower limit (``3s``: 99.8%).
  PHE's tables agree with the chi-square formula to about 1e-6 relative.
* Byar's method: the ``byar`` Ruby gem documentation (RubyGems) gives
  ``Byar.upper_bound(100) = 121.628347271806`` and
  ``Byar.lower(100, 90) = 0.9040199067337297`` with z rounded to 1.96; we use
  the exact normal quantile, so we compare to 1e-4 relative.
* The rule "exact below 10, Byar from 10" is the OHID Fingertips technical
  guidance on rates.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saferplaces.errors import InputError
from saferplaces.stats import RateResult, byar_interval, exact_poisson_interval, rate

# (O, exact upper 95%, exact lower 95%, exact upper 99.8%, exact lower 99.8%)
PHE_EXACT = [
    (1, 5.571644585, 0.025317898, 9.233410143, 0.001000547),
    (2, 7.224687515, 0.242209467, 11.22886836, 0.04540199),
    (5, 11.6683331, 1.623486324, 16.45474478, 0.739371928),
    (10, 18.39035799, 4.795387629, 24.13397235, 2.960519925),
    (33, 46.34427966, 22.71567629, 54.89565059, 18.04631223),
    (100, 121.6268111, 81.36400699, 134.9243187, 71.92139974),
    (716, 770.4222128, 664.5083011, 802.60414, 636.1521174),
]


@pytest.mark.parametrize(("o", "hi95", "lo95", "hi998", "lo998"), PHE_EXACT)
def test_exact_interval_matches_phe_tables(o, hi95, lo95, hi998, lo998):
    lo, hi = exact_poisson_interval(o, 0.95)
    assert lo == pytest.approx(lo95, rel=1e-5, abs=1e-6)
    assert hi == pytest.approx(hi95, rel=1e-5)
    lo, hi = exact_poisson_interval(o, 0.998)
    assert lo == pytest.approx(lo998, rel=1e-5, abs=1e-6)
    assert hi == pytest.approx(hi998, rel=1e-5)


def test_exact_interval_of_zero_has_zero_lower_limit():
    lo, hi = exact_poisson_interval(0)
    assert lo == 0.0
    # -ln(0.025), the textbook upper limit for no events at 95%.
    assert hi == pytest.approx(-math.log(0.025), rel=1e-12)


def test_byar_matches_published_values():
    lo, hi = byar_interval(100)
    assert hi == pytest.approx(121.628347271806, rel=1e-4)
    assert lo / 90 == pytest.approx(0.9040199067337297, rel=1e-4)


def test_byar_close_to_exact_for_ten_or_more():
    # Fingertips guidance: within 0.2% of exact at 95% for counts of 10 or more.
    for o in (10, 25, 60, 389, 1000):
        b = byar_interval(o)
        e = exact_poisson_interval(o)
        assert b[0] == pytest.approx(e[0], rel=2e-3)
        assert b[1] == pytest.approx(e[1], rel=2e-3)


def test_rate_switches_method_at_ten():
    assert rate(9, 1000).method == "exact"
    assert rate(10, 1000).method == "byar"
    r = rate(9, 1000, per=1000)
    lo, hi = exact_poisson_interval(9)
    assert (r.lower, r.upper) == pytest.approx((lo, hi))
    r = rate(10, 2000, per=1000)
    lo, hi = byar_interval(10)
    assert (r.lower, r.upper) == pytest.approx((lo / 2, hi / 2))


def test_rate_fields():
    r = rate(120, 40_000, per=1000, level=0.95)
    assert isinstance(r, RateResult)
    assert r.value == pytest.approx(3.0)
    assert r.level == 0.95


def test_vector_intervals():
    lo, hi = exact_poisson_interval([1, 2])
    assert lo[0] == pytest.approx(0.025317898, rel=1e-5)
    assert hi[1] == pytest.approx(7.224687515, rel=1e-5)


@pytest.mark.parametrize(
    ("kwargs", "word"),
    [
        ({"count": -1, "population": 100}, "count"),
        ({"count": 5, "population": 0}, "population"),
        ({"count": 5, "population": -10}, "population"),
        ({"count": 5, "population": 100, "level": 95}, "level"),
        ({"count": float("nan"), "population": 100}, "count"),
        ({"count": 5, "population": 100, "per": 0}, "per"),
    ],
)
def test_bad_arguments_raise_input_error(kwargs, word):
    with pytest.raises(InputError) as info:
        rate(**kwargs)
    assert f"'{word}'" in str(info.value)


def test_interval_functions_validate():
    with pytest.raises(InputError):
        exact_poisson_interval(-3)
    with pytest.raises(InputError):
        byar_interval(5, level=1.5)


counts = st.integers(min_value=0, max_value=100_000)
pops = st.floats(min_value=1.0, max_value=1e7, allow_nan=False)


@settings(deadline=None)
@given(counts, pops, st.sampled_from([0.9, 0.95, 0.998]))
def test_rate_lies_inside_its_interval(c, n, level):
    r = rate(c, n, level=level)
    assert r.lower <= r.value <= r.upper


@settings(deadline=None)
@given(st.integers(min_value=1, max_value=5000), pops)
def test_interval_narrows_as_population_grows(c, n):
    # Same underlying rate, four times the population: a narrower interval.
    small = rate(c, n)
    big = rate(4 * c, 4 * n)
    assert big.upper - big.lower < small.upper - small.lower


@settings(deadline=None)
@given(counts)
def test_higher_level_gives_wider_interval(c):
    a = exact_poisson_interval(c, 0.95)
    b = exact_poisson_interval(c, 0.998)
    assert b[0] <= a[0] and b[1] > a[1]


@settings(deadline=None)
@given(st.lists(st.tuples(st.integers(0, 2000), st.floats(100, 1e5)), min_size=1, max_size=30))
def test_ward_counts_sum_to_the_district(wards):
    # The district rate is the pooled rate of its wards, so it lies between
    # the lowest and highest ward rates, whatever the order of the wards.
    counts = [c for c, _ in wards]
    pops = [p for _, p in wards]
    district = rate(sum(counts), sum(pops))
    ward_rates = [rate(c, p).value for c, p in wards]
    assert min(ward_rates) - 1e-9 <= district.value <= max(ward_rates) + 1e-9
    again = rate(sum(reversed(counts)), sum(reversed(pops)))
    assert again.value == pytest.approx(district.value)
    assert again.lower == pytest.approx(district.lower)
