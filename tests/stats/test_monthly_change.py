"""Change from monthly counts with quasi-Poisson dispersion, and the difference of two changes.

Reference values
----------------
* statsmodels' GLM (Poisson family, ``scale="X2"``, ``use_t=True``) fitted to the monthly counts
  with an intercept and a period indicator is the quasi-Poisson model of McCullagh and Nelder
  (1989, section 6.2): its period coefficient, standard error and p-value are the reference
  (statsmodels is an independent implementation; it is not what the product calls).
* Worked by hand (docs/methods/change.md): 75, 58, 90, 81 against 52, 61, 48, 70 has Pearson
  chi-square 12.18 on 6 degrees of freedom, dispersion 2.03, log rate ratio 0.2746, se 0.1244.
* Altman and Bland (BMJ 2003; 326: 219): the difference of two log ratios has the root of the
  sum of their squared standard errors; the test computes it from the two standard errors.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import statsmodels.api as sm
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sps

from saferplaces.errors import InputError
from saferplaces.stats.monthly_change import (
    METHOD_EXACT,
    METHOD_QUASI,
    change_difference,
    monthly_change,
)


def _statsmodels(current, previous):
    y = np.array(list(current) + list(previous), dtype=float)
    x = sm.add_constant(np.array([1.0] * len(current) + [0.0] * len(previous)))
    fit = sm.GLM(y, x, family=sm.families.Poisson()).fit(scale="X2", use_t=True)
    return fit


def test_worked_example_by_hand():
    r = monthly_change([75, 58, 90, 81], [52, 61, 48, 70])
    chi2 = sum((x - 57.75) ** 2 / 57.75 for x in (52, 61, 48, 70)) + sum(
        (x - 76) ** 2 / 76 for x in (75, 58, 90, 81)
    )
    assert chi2 == pytest.approx(12.18, abs=0.01)
    assert r.dispersion == pytest.approx(chi2 / 6)
    assert r.log_rate_ratio == pytest.approx(math.log(76 / 57.75))
    assert r.se == pytest.approx(math.sqrt(chi2 / 6 * (1 / 304 + 1 / 231)))
    assert r.p == pytest.approx(2 * sps.t(6).sf(r.log_rate_ratio / r.se))
    assert (r.current, r.previous, r.method, r.label) == (304, 231, METHOD_QUASI, "no-significant-change")


@pytest.mark.parametrize(
    ("current", "previous"),
    [
        ([75, 58, 90, 81], [52, 61, 48, 70]),
        ([120, 95, 140, 160, 150, 130, 110, 100, 90, 105, 115, 125], [80, 85, 90, 95, 100, 92]),
        ([30, 41, 29, 52, 47, 38], [12, 19, 25, 14, 22, 17]),
    ],
)
def test_agrees_with_statsmodels_quasi_poisson(current, previous):
    r = monthly_change(current, previous)
    fit = _statsmodels(current, previous)
    assert fit.scale > 1  # these series are overdispersed, so the floor does not apply
    assert r.log_rate_ratio == pytest.approx(fit.params[1])
    assert r.se == pytest.approx(fit.bse[1])
    assert r.p == pytest.approx(fit.pvalues[1])
    lo, hi = np.exp(fit.conf_int()[1])
    assert (r.lower, r.upper) == (pytest.approx(lo), pytest.approx(hi))


def test_underdispersed_series_are_never_narrower_than_poisson():
    # identical months: Pearson chi-square 0, so the dispersion is floored at 1
    r = monthly_change([50, 50, 50], [40, 40, 40])
    assert r.dispersion == 1.0
    assert r.se == pytest.approx(math.sqrt(1 / 150 + 1 / 120))


def test_a_period_with_no_events_uses_the_exact_test():
    r = monthly_change([0, 0, 0], [3, 4, 2])
    # exact conditional: 0 of 9 events in the first of two equal periods, p = 2 * 0.5^9
    assert r.p == pytest.approx(2 * 0.5**9)
    assert r.method == METHOD_EXACT and r.label == "decrease" and r.rate_ratio is None
    assert change_difference(r, monthly_change([5, 6], [5, 6])).label == "not-tested"


def test_bad_input_is_refused():
    with pytest.raises(InputError, match="no months"):
        monthly_change([], [1])
    with pytest.raises(InputError, match="whole number"):
        monthly_change([1.5, 2], [1, 2])


def test_difference_of_two_changes():
    a = monthly_change([75, 58, 90, 81], [52, 61, 48, 70])
    b = monthly_change([510, 480, 530, 495], [500, 470, 515, 505])
    d = change_difference(a, b)
    diff = math.log(76 / 57.75) - math.log(2015 / 1990)
    se = math.sqrt(a.se**2 + (1 / 2015 + 1 / 1990))  # b's dispersion is floored at 1
    assert d.ratio == pytest.approx(math.exp(diff))
    assert d.z == pytest.approx(diff / se)
    assert d.p == pytest.approx(2 * sps.norm.sf(diff / se))
    assert d.label == "higher" and d.lower < d.ratio < d.upper
    assert change_difference(b, a).label == "lower"
    assert change_difference(a, a).label == "similar"


months = st.lists(st.integers(1, 400), min_size=2, max_size=12)


@settings(max_examples=60, deadline=None)
@given(months, months)
def test_swapping_periods_mirrors_the_result(c, p):
    ab, ba = monthly_change(c, p), monthly_change(p, c)
    assert ab.p == pytest.approx(ba.p)
    assert ab.log_rate_ratio == pytest.approx(-ba.log_rate_ratio)
    flip = {"increase": "decrease", "decrease": "increase", "no-significant-change": "no-significant-change"}
    assert ba.label == flip[ab.label]
    # overdispersion only widens: never more significant than the Poisson Wald test on the totals
    poisson_z = abs(ab.log_rate_ratio) / math.sqrt(1 / ab.current + 1 / ab.previous)
    assert ab.p >= 2 * sps.norm.sf(poisson_z) - 1e-12
