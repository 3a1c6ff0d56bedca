"""Tests for saferplaces.stats.change.

References
----------
* Conditional (binomial) test for two Poisson counts: Przyborowski and
  Wilenski (1940); R's ``poisson.test`` with two samples. With equal periods
  the p-value is that of an exact binomial test of ``current`` out of
  ``current + previous`` with probability one half, which for 10 vs 2 is
  2 * P(X >= 10 | n = 12, p = 1/2) = 2 * 79 / 4096 = 0.03857... (79 =
  C(12,10) + C(12,11) + C(12,12) = 66 + 12 + 1).
* Wheeler's Poisson z = 2 (sqrt(c) - sqrt(p)): for 25 and 16, z = 2.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saferplaces.errors import InputError
from saferplaces.stats import ChangeResult, change


def test_exact_binomial_p_value_by_hand():
    r = change(10, 2)
    assert r.p == pytest.approx(2 * 79 / 4096, rel=1e-12)
    assert r.label == "increase"
    r = change(2, 10)
    assert r.label == "decrease"
    assert r.difference == -8
    assert r.percent == pytest.approx(-80.0)


def test_wheeler_z():
    r = change(25, 16)
    assert isinstance(r, ChangeResult)
    assert r.z == pytest.approx(2.0)
    assert r.label == "no-significant-change"


def test_unequal_periods():
    # 30 events in 2 months vs 15 in 1 month: the same monthly rate.
    r = change(30, 15, current_exposure=2, previous_exposure=1)
    assert r.percent == pytest.approx(0.0)
    assert r.p == pytest.approx(1.0)
    assert r.label == "no-significant-change"


def test_zero_previous():
    r = change(5, 0)
    assert r.percent is None
    # 2 * (1/2)^5 = 0.0625: five events against none is not significant.
    assert r.p == pytest.approx(0.0625)
    assert change(0, 0).p == 1.0


@pytest.mark.parametrize(
    ("kwargs", "word"),
    [
        ({"current": -1, "previous": 3}, "current"),
        ({"current": 1, "previous": -3}, "previous"),
        ({"current": 1, "previous": 3, "current_exposure": 0}, "current_exposure"),
        ({"current": 2.5, "previous": 3}, "current"),
    ],
)
def test_bad_arguments(kwargs, word):
    with pytest.raises(InputError, match=f"'{word}'"):
        change(**kwargs)


@settings(deadline=None)
@given(st.integers(0, 5000), st.integers(0, 5000))
def test_symmetry(c, p):
    a = change(c, p)
    b = change(p, c)
    assert a.p == pytest.approx(b.p)
    assert a.z == pytest.approx(-b.z)
    flip = {"increase": "decrease", "decrease": "increase"}
    assert b.label == flip.get(a.label, a.label)
    assert 0.0 <= a.p <= 1.0
