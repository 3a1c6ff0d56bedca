"""Tests for saferplaces.stats.concentration.

References
----------
* Gini coefficient (Gini 1912): for the values 1, 2, 3, 4, 5 it is
  4/15 = 0.2667 (the sum of |x_i - x_j| over all ordered pairs is 40, divided
  by 2 n^2 mean = 150); for one place with everything it is (n - 1)/n. The
  definition is also checked directly on random inputs.
* Weisburd (2015): the measure "share of places accounting for 50% of
  crime", over all places including those with no crime (Bernasco and
  Steenbeek 2017).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saferplaces.errors import InputError
from saferplaces.stats import ConcentrationResult, concentration, share_of_places_for


def test_gini_known_values():
    assert concentration([1, 2, 3, 4, 5]).gini == pytest.approx(4 / 15)
    assert concentration([0, 0, 0, 7]).gini == pytest.approx(3 / 4)
    assert concentration([3, 3, 3]).gini == pytest.approx(0.0)


def test_shares_and_curve():
    counts = [10, 5, 3, 1, 1, 0, 0, 0, 0, 0]
    r = concentration(counts)
    assert isinstance(r, ConcentrationResult)
    assert r.share_of_places_for_50pct == 0.1  # 10 of 20 events at 1 place in 10
    assert r.share_of_places_for_25pct == 0.1
    assert share_of_places_for(counts, 0.75) == 0.2
    assert r.curve[0].tolist() == [0.0, 0.0]
    assert r.curve[-1].tolist() == [1.0, 1.0]
    assert r.curve[1].tolist() == [0.1, 0.5]
    assert r.n_places == 10 and r.n_events == 20


def test_zeros_matter():
    with_zeros = concentration([5, 5, 0, 0, 0, 0, 0, 0])
    without = concentration([5, 5])
    assert with_zeros.share_of_places_for_50pct < without.share_of_places_for_50pct
    assert with_zeros.gini > without.gini


@pytest.mark.parametrize("bad", [[0, 0, 0], [1, -1, 3], []])
def test_bad_arguments(bad):
    with pytest.raises(InputError, match="counts"):
        concentration(bad)


@settings(deadline=None)
@given(st.lists(st.integers(0, 1000), min_size=1, max_size=60).filter(lambda v: sum(v) > 0))
def test_gini_definition_and_order(values):
    x = np.array(values, dtype=float)
    g = np.abs(x[:, None] - x[None, :]).sum() / (2 * x.size**2 * x.mean())
    r = concentration(values)
    assert r.gini == pytest.approx(g, abs=1e-12)
    assert concentration(values[::-1]).gini == pytest.approx(r.gini)
    assert 0 < r.share_of_places_for_25pct <= r.share_of_places_for_50pct <= 1
    assert np.all(np.diff(r.curve[:, 1]) >= 0)
