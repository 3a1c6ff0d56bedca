"""Tests for saferplaces.stats.multiple_testing.

References
----------
* Benjamini Y, Hochberg Y. J R Stat Soc B 1995; 57: 289-300, section 4.1:
  15 p-values; at 0.05 the BH procedure rejects the four smallest, Holm's
  procedure (Holm 1979) the three smallest.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saferplaces.errors import InputError
from saferplaces.stats import MultipleTestResult, multiple_tests

BH_P = [0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344,
        0.0459, 0.3240, 0.4262, 0.5719, 0.6528, 0.7590, 1.000]  # fmt: skip


def test_benjamini_hochberg_published_example():
    fdr = multiple_tests(BH_P, "fdr", alpha=0.05)
    holm = multiple_tests(BH_P, "holm", alpha=0.05)
    assert isinstance(fdr, MultipleTestResult)
    assert fdr.reject.tolist() == [True] * 4 + [False] * 11
    assert holm.reject.tolist() == [True] * 3 + [False] * 12
    none = multiple_tests(BH_P, "none")
    assert none.reject.sum() == 9 and none.p_adjusted.tolist() == BH_P


def test_order_is_kept():
    p = np.array(BH_P)[::-1]
    assert multiple_tests(p, "fdr").reject.tolist() == [False] * 11 + [True] * 4


@pytest.mark.parametrize(
    ("p", "method", "word"),
    [
        ([0.1, 1.2], "holm", "probability"),
        ([0.1, float("nan")], "holm", "probability"),
        ([0.1], "bonf", "p_adjust"),
    ],
)
def test_bad_arguments(p, method, word):
    with pytest.raises(InputError, match=word):
        multiple_tests(p, method)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.floats(0.0, 1.0), min_size=1, max_size=40),
    st.randoms(use_true_random=False),
    st.sampled_from([0.01, 0.05, 0.1]),
)
def test_invariants(p, rnd, alpha):
    p = np.array(p)
    holm, fdr = multiple_tests(p, "holm", alpha), multiple_tests(p, "fdr", alpha)
    for r in (holm, fdr):
        # Adjusting never lowers a p-value, never passes 1, and keeps the order of the raw ones.
        assert np.all(r.p_adjusted >= p - 1e-15) and np.all(r.p_adjusted <= 1.0)
        order = np.argsort(p, kind="stable")
        assert np.all(np.diff(r.p_adjusted[order]) >= -1e-15)
        # A test is rejected when its adjusted value is below alpha, the product's one rule
        # (statsmodels' multipletests also rejects at exactly alpha).
        assert r.reject.tolist() == (r.p_adjusted < alpha).tolist()
    # Holm controls the family-wise error rate, so it never rejects what BH keeps.
    assert not np.any(holm.reject & ~fdr.reject)
    # Reordering the tests reorders the answers and changes nothing else.
    perm = list(range(p.size))
    rnd.shuffle(perm)
    moved = multiple_tests(p[perm], "fdr", alpha)
    np.testing.assert_allclose(moved.p_adjusted, fdr.p_adjusted[perm])
    assert moved.reject.tolist() == fdr.reject[perm].tolist()
