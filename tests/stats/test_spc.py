"""Tests for saferplaces.stats.spc.

Reference values
----------------
* NHSRplotthedots snapshot ``tests/testthat/_snaps/ptd_spc_standard.md``:
  for R's ``set.seed(123); rnorm(20)`` (listed below to 8 decimals) with
  ``screen_outliers = TRUE`` the chart has mean 0.142, lower limit -3.01,
  upper limit 3.29 and all 20 points common cause.
* NHSRplotthedots ``test-ptd_spc_standard.R``: alternating 1, -1 (16 points)
  with points 15 and 16 set to 5.5 and -5.5 gives common cause for both: two
  points near the limits on opposite sides are not special cause.
* Limits mean +/- 2.66 mean moving range, screening at 3.267: Making Data
  Count (NHS England, 2019) and Wheeler (2000).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saferplaces.errors import InputError
from saferplaces.stats import XmRResult, spc_xmr

RNORM_123 = [
    -0.56047565, -0.23017749, 1.55870831, 0.07050839, 0.12928774,
    1.71506499, 0.46091621, -1.26506123, -0.68685285, -0.44566197,
    1.22408180, 0.35981383, 0.40077145, 0.11068272, -0.55584113,
    1.78691314, 0.49785048, -1.96661716, 0.70135590, -0.47279141,
]  # fmt: skip


def test_matches_nhsrplotthedots_snapshot():
    r = spc_xmr(RNORM_123, improvement="increase", screen_outliers=True)
    assert isinstance(r, XmRResult)
    assert round(r.mean, 3) == 0.142
    assert round(r.lower_limit, 2) == -3.01
    assert round(r.upper_limit, 2) == 3.29
    assert set(r.points) == {"common-cause"}
    assert r.variation == "common-cause"


def test_two_of_three_must_be_on_same_side():
    d = [1.0, -1.0] * 8
    d[14], d[15] = 5.5, -5.5
    assert spc_xmr(d).points[-2:] == ("common-cause", "common-cause")


def test_two_of_three_same_side_flags():
    d = [1.0, -1.0] * 8
    d[13], d[15] = 4.5, 4.5  # beyond 2 sigma (about 3.8) but inside 3 sigma
    r = spc_xmr(d, improvement="decrease", baseline=12)
    assert r.points[13] == "concern" and r.points[15] == "concern"
    assert r.points[14] == "common-cause"


def test_limits_formula_and_outside_point():
    x = [10, 12, 11, 13, 12, 11, 10, 12, 11, 13, 12, 11, 30]
    r = spc_xmr(x, improvement="decrease", baseline=12)
    base = np.array(x[:12], dtype=float)
    amr = np.abs(np.diff(base)).mean()
    assert r.mean == pytest.approx(base.mean())
    assert r.upper_limit == pytest.approx(base.mean() + 2.66 * amr)
    assert r.points[-1] == "concern"
    assert r.variation == "concern"
    assert spc_xmr(x, improvement="increase", baseline=12).points[-1] == "improvement"
    assert spc_xmr(x, baseline=12).points[-1] == "neutral"


def test_run_of_seven_below_mean():
    x = [10, 9, 11] * 4 + [9.5] * 7
    r = spc_xmr(x, improvement="decrease", baseline=12)
    assert r.points[-7:] == ("improvement",) * 7
    r6 = spc_xmr(x[:-1], improvement="decrease", baseline=12)
    assert r6.points[-1] == "common-cause"


def test_trend_of_seven():
    x = [10, 11, 9, 10, 11, 9, 10, 11, 9, 10, 11, 9, 8.0, 8.5, 9.0, 9.5, 9.9, 10.2, 10.4]
    r = spc_xmr(x, improvement="increase", baseline=12)
    assert r.points[-7:] == ("improvement",) * 7
    assert r.points[11] == "common-cause"


def test_screen_outliers_drops_large_moving_ranges():
    x = list(RNORM_123)
    x[14] = 10.0
    screened = spc_xmr(x, screen_outliers=True)
    plain = spc_xmr(x, screen_outliers=False)
    mr = np.abs(np.diff(x))
    kept = mr[mr < 3.267 * mr.mean()]
    assert kept.size == mr.size - 2
    assert screened.mean_moving_range == pytest.approx(kept.mean())
    assert plain.upper_limit - plain.lower_limit > screened.upper_limit - screened.lower_limit


def test_assurance():
    x = [50, 52, 51, 49, 50, 51, 52, 50, 49, 51, 50, 52]
    r = spc_xmr(x, improvement="increase", target=40)
    assert r.assurance == "consistently-passing"
    assert spc_xmr(x, improvement="increase", target=60).assurance == "consistently-failing"
    assert spc_xmr(x, improvement="increase", target=50).assurance == "inconsistent"
    assert spc_xmr(x, improvement="decrease", target=60).assurance == "consistently-passing"
    assert spc_xmr(x, target=60).assurance is None


@pytest.mark.parametrize(
    ("kwargs", "word"),
    [
        ({"values": [1]}, "values"),
        ({"values": [1, 2, 3], "improvement": "up"}, "improvement"),
        ({"values": [1, 2, 3], "baseline": 1}, "baseline"),
        ({"values": [1, 2, 3], "baseline": 2.5}, "baseline"),
        ({"values": [1, float("nan"), 3]}, "values"),
    ],
)
def test_bad_arguments(kwargs, word):
    with pytest.raises(InputError, match=word):
        spc_xmr(**kwargs)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.floats(-1e4, 1e4), min_size=3, max_size=40),
    st.floats(-1e3, 1e3),
)
def test_shifting_values_shifts_limits_only(values, shift):
    a = spc_xmr(values, improvement="increase")
    b = spc_xmr([v + shift for v in values], improvement="increase")
    assert b.mean == pytest.approx(a.mean + shift, abs=1e-6)
    assert b.upper_limit - b.lower_limit == pytest.approx(a.upper_limit - a.lower_limit, rel=1e-6, abs=1e-6)
    assert len(a.points) == len(values)
