"""Tests for saferplaces.stats.spc.

Reference values
----------------
* NHSRplotthedots snapshot ``tests/testthat/_snaps/ptd_spc_standard.md``
  (commit 3aefce797c5fae105a9fb53e1f290b5e464999af):
  for R's ``set.seed(123); rnorm(20)`` (listed below to 8 decimals) with
  ``screen_outliers = TRUE`` the chart has mean 0.142, lower limit -3.01,
  upper limit 3.29 and all 20 points common cause.
* NHSRplotthedots ``test-ptd_spc_standard.R``: alternating 1, -1 (16 points)
  with points 15 and 16 set to 5.5 and -5.5 gives common cause for both: two
  points near the limits on opposite sides are not special cause.
* Assurance: NHSRplotthedots ``tests/testthat/test-ptd_calculate_assurance_type.R``
  (commit 47af41fdbf71eb2edc7aa06e614fd78be1622984): with target 4 and limits
  (lower, mean, upper) of (1, 2, 3), (5, 6, 7) and (1, 4, 5), an increase is
  consistently failing, consistently passing and inconsistent; a decrease is
  passing, failing and inconsistent; with no improvement direction there is none.
  After a rebase the last baseline's limits decide.
* Rebasing: NHSRplotthedots ``tests/testthat/test-integration_tests.R`` and its snapshot
  ``tests/testthat/_snaps/integration_tests.md`` (commit
  0c096d813e16e4fe606c37eb70020e74a5dcbbe8), "ae_all attendances spc" with and without
  ``rebase = as.Date("2017-04-01")``: England's monthly A&E attendances (NHSRdatasets
  ``ae_attendances`` summed by month, April 2016 to March 2019, listed below). The snapshot
  is R's serialised result (base64 of R's XDR format); the values below were read from it
  as big-endian doubles: without a rebase mean 2000538.9444444445, limits
  1731844.3644444444 and 2269233.5244444446; rebased at April 2017, the first 12 months
  1946858.4166666667 (1639947.374848485 to 2253769.4584848485) and the other 24
  2027379.2083333333 (1772921.0639855072 to 2281837.3526811595); all 36 points common
  cause in both.
* Limits mean +/- 2.66 mean moving range, screening at 3.267: Making Data
  Count (NHS England, 2019) and Wheeler (2000).
* Two-in-three needs all three points of the window on the same side of the
  mean: NHSRplotthedots ``R/ptd_calculate_point_type.R``, ``ptd_two_in_three``
  (commit 09c4d14c2b9911c0f4d359fcf07227c6ed4c592e).
* Rule cases from NHSRplotthedots ``tests/testthat/test-ptd_calculate_point_type.R``
  (commit 0b49a46faa87622267a3792ae3a90156090c8add): a run of 8 points above
  the mean then one below flags the 8 (``ptd_part_of_seven_trend``), 6 do
  not; 1:7 is a trend, ``c(1:3, 3:6)`` is not (an equal value breaks it),
  ``c(2, 1:7, 3)`` flags the 7 rising points; two-in-three closeness
  ``c(0, 0, 1, 1, 0, 0, 0)`` flags points 3 and 4, ``c(1, 0, 0, 1, 1)``
  points 4 and 5 only, ``c(1, 0, 1)`` points 1 and 3.
* NHSRplotthedots ``tests/testthat/_snaps/ptd_spc_standard.md`` (commit
  ea2177d4ccfed7dc14d8f57d20f1114d9b235295), ``pillar::glimpse`` of r1, r2 and r3 from
  ``test-ptd_spc_standard.R``: r1 (the 20 values below, screened) mean 0.1416238, limits
  -3.01138 and 3.294627; r2 (15th value set to 10, screened) mean 0.6694159, limits
  -2.383666 and 3.722497; r3 (the same, not screened) limits -4.596625 and 5.935457.
* NHSRplotthedots ``tests/testthat/_snaps/ptd_spc.md`` (commit
  174380d653d7a169a76f99deebb9fc21ed5fbbd6), summary by facet: the same 20 values split
  into two groups of ten (screened) have mean 0.0746, limits -2.60 and 2.75, and mean 0.209,
  limits -3.28 and 3.70, all common cause. The rules run within each group, as within each
  rebase group (``group_by(f, rebase_group)`` in ``ptd_calculate_point_type``).
* Rule order for a point flagged by several rules: NHSRplotthedots
  ``R/ptd_calculate_point_type.R``, ``ptd_special_cause_type`` and ``ptd_point_type``
  (commit f7891af4b8f71838f4c6fb17c8eec1a1c9bd6d7f): outside the limits (side of the mean),
  then a seven-point trend (direction of travel; a point in two trends takes the later,
  "right side"), then two-in-three, then seven points on one side. Strict comparisons
  ``y > upl`` and ``y > nupl`` with ``nupl = mean + 2 * (2.66 / 3) * amr``
  (``R/ptd_spc_standard.R``): a point on a limit or on the two-sigma line is not beyond it.
* Run chart rules: Perla RJ, Provost LP, Murray SK. BMJ Qual Saf 2011; 20:
  46-51 (shift of 6 or more on one side of the median, values on the median
  neither counted nor breaking; trend of 5 or more, repeated values ignored).
"""

from __future__ import annotations

import statistics

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saferplaces.errors import InputError
from saferplaces.stats import PointType, RunChartResult, SpcRule, XmRResult, spc_run, spc_xmr

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


# Limits given at (0, -3, 3): two sigma at +/-2, so the NHSRplotthedots cases
# can be written as positions relative to the mean.
GIVEN = (0.0, -3.0, 3.0)


def flagged(result, rule):
    return [i for i, r in enumerate(result.rules) if rule in r]


def test_nhsrplotthedots_shift_cases():
    r = spc_xmr([1.0] * 8 + [-1.0], limits=GIVEN)
    assert flagged(r, SpcRule.SHIFT) == list(range(8))
    assert flagged(spc_xmr([1.0] * 6 + [-1.0], limits=GIVEN), SpcRule.SHIFT) == []
    below = spc_xmr([-1.0] * 8 + [1.0], limits=GIVEN, improvement="decrease")
    assert below.points[:8] == (PointType.IMPROVEMENT,) * 8 and below.points[8] == "common-cause"


def test_nhsrplotthedots_trend_cases():
    def trend(values):
        return flagged(spc_xmr([v / 10 for v in values], limits=GIVEN), SpcRule.TREND)

    assert trend(range(1, 7)) == []
    assert trend([1, 2, 3, 3, 4, 5, 6]) == []
    assert trend(range(1, 8)) == list(range(7))
    assert trend([2, *range(1, 8), 3]) == list(range(1, 8))
    assert trend(range(7, 0, -1)) == list(range(7))


@pytest.mark.parametrize(
    ("close", "expected"),
    [([0, 0, 1, 1, 0, 0, 0], [2, 3]), ([1, 0, 0, 1, 1], [3, 4]), ([1, 0, 1], [0, 2]), ([0, 0, 0], [])],
)
def test_nhsrplotthedots_two_in_three_cases(close, expected):
    # Close points at 2.5 (beyond two sigma, inside the limits), the others just above
    # the mean: every window is on one side, as in the package's cases.
    values = [2.5 if c else 0.1 for c in close]
    assert flagged(spc_xmr(values, limits=GIVEN), SpcRule.TWO_OF_THREE) == expected


def test_two_in_three_needs_the_whole_window_on_one_side():
    assert flagged(spc_xmr([2.5, -0.1, 2.5], limits=GIVEN), SpcRule.TWO_OF_THREE) == []
    assert flagged(spc_xmr([2.5, 0.1, 2.5], limits=GIVEN), SpcRule.TWO_OF_THREE) == [0, 2]


def test_a_point_outside_the_limits_is_not_close_to_them():
    # NHSRplotthedots: close_to_limits = !outside_limits & beyond two sigma.
    r = spc_xmr([0.1, -0.1, 3.5, 2.5, -0.1], limits=GIVEN)
    assert r.rules[2] == (SpcRule.OUTSIDE_LIMITS,)
    assert r.rules[3] == ()


def test_rules_and_two_sigma_are_reported():
    x = [10, 12, 11, 13, 12, 11, 10, 12, 11, 13, 12, 11, 30]
    r = spc_xmr(x, improvement="decrease", baseline=12)
    assert r.rules[-1] == (SpcRule.OUTSIDE_LIMITS,)
    assert all(rules == () for rules in r.rules[:-1])
    assert r.upper_two_sigma == pytest.approx(r.mean + 2 / 3 * (r.upper_limit - r.mean))
    assert r.lower_two_sigma == pytest.approx(r.mean - 2 / 3 * (r.mean - r.lower_limit))
    assert r.run_length == 7 and any("7 points" in a for a in r.assumptions)


def test_run_length_six():
    x = [10, 9, 11] * 4 + [9.5] * 6
    assert spc_xmr(x, baseline=12, improvement="decrease").points[-1] == "common-cause"
    six = spc_xmr(x, baseline=12, improvement="decrease", run_length=6)
    assert six.points[-6:] == ("improvement",) * 6 and six.rules[-1] == (SpcRule.SHIFT,)


def test_rebasing_only_where_asked():
    before = [20, 22, 21, 19, 20, 21, 22, 20, 19, 21, 20, 22]
    after = [10, 12, 11, 9, 10, 11, 12, 10, 9, 11, 10, 12]
    one = spc_xmr(before + after, improvement="decrease")
    assert len(one.baselines) == 1  # never rebased automatically
    two = spc_xmr(before + after, improvement="decrease", rebase_at=[12])
    assert [(b.start, b.stop) for b in two.baselines] == [(0, 12), (12, 24)]
    assert two.baselines[0].mean == pytest.approx(np.mean(before))
    assert two.mean == pytest.approx(np.mean(after))
    assert set(two.points) == {"common-cause"}
    assert any("from point 13" in a for a in two.assumptions)
    fixed = spc_xmr(before + after, baseline=6, rebase_at=[12])
    assert [(b.baseline_start, b.baseline_stop) for b in fixed.baselines] == [(0, 6), (12, 18)]


NHSR_ASSURANCE = [
    # (lower, mean, upper), increase, decrease; target 4
    ((1, 2, 3), "consistently-failing", "consistently-passing"),
    ((5, 6, 7), "consistently-passing", "consistently-failing"),
    ((1, 4, 5), "inconsistent", "inconsistent"),
]


@pytest.mark.parametrize(("lpl_mean_upl", "increase", "decrease"), NHSR_ASSURANCE)
def test_assurance_matches_nhsrplotthedots(lpl_mean_upl, increase, decrease):
    lower, mean, upper = lpl_mean_upl
    x = [mean] * 12  # the values do not enter assurance; the given limits do
    given_limits = (mean, lower, upper)
    assert spc_xmr(x, improvement="increase", target=4, limits=given_limits).assurance == increase
    assert spc_xmr(x, improvement="decrease", target=4, limits=given_limits).assurance == decrease
    assert spc_xmr(x, target=4, limits=given_limits).assurance is None


def test_assurance_after_a_rebase_is_the_last_baselines():
    before = [100, 104, 98, 102, 101, 99, 103, 97, 100, 102, 98, 101]  # limits about 88 to 112
    after = [10, 12, 11, 9, 10, 11, 12, 10, 9, 11, 10, 12]  # limits about 6 to 16
    r = spc_xmr(before + after, improvement="decrease", target=30, rebase_at=[12])
    assert r.baselines[0].lower_limit > 30 > r.baselines[1].upper_limit
    assert r.assurance == "consistently-passing"
    # Without the rebase one set of limits (centre about 55) lies wholly above the target.
    whole = spc_xmr(before + after, improvement="decrease", target=30)
    assert whole.lower_limit > 30
    assert whole.assurance == "consistently-failing"


AE_ATTENDANCES = [
    1867781, 2070340, 1958802, 2079034, 1932901, 1952464, 2001816, 1907871, 1944567,
    1895272, 1735619, 2015834, 1949762, 2066789, 1994056, 2073944, 1924663, 1925961,
    2044137, 1976971, 2003954, 2000086, 1820012, 2049785, 1984369, 2164458, 2093942,
    2179896, 1997854, 2005695, 2079492, 2037847, 2047518, 2113413, 1954947, 2167550,
]  # fmt: skip


def test_rebase_matches_nhsrplotthedots_snapshot():
    # NHSRplotthedots' defaults: improvement "increase", outliers screened.
    whole = spc_xmr(AE_ATTENDANCES, improvement="increase", screen_outliers=True)
    assert (whole.mean, whole.lower_limit, whole.upper_limit) == pytest.approx(
        (2000538.9444444445, 1731844.3644444444, 2269233.5244444446), rel=1e-12
    )
    r = spc_xmr(AE_ATTENDANCES, improvement="increase", screen_outliers=True, rebase_at=[12])
    assert [(b.start, b.stop) for b in r.baselines] == [(0, 12), (12, 36)]
    published = [
        (1946858.4166666667, 1639947.374848485, 2253769.4584848485),
        (2027379.2083333333, 1772921.0639855072, 2281837.3526811595),
    ]
    for b, limits in zip(r.baselines, published, strict=True):
        assert (b.mean, b.lower_limit, b.upper_limit) == pytest.approx(limits, rel=1e-12)
    assert set(whole.points) == set(r.points) == {"common-cause"}


def test_given_limits_and_assurance():
    x = [50, 52, 51, 49, 50, 51, 52, 50, 49, 51, 50, 52]
    r = spc_xmr(x, improvement="increase", target=45, limits=(50, 46, 54))
    assert r.assurance == "consistently-passing"
    assert r.baselines[0].source == "given" and r.baselines[0].baseline_start is None
    assert np.isnan(r.mean_moving_range)
    assert spc_xmr(x, improvement="increase", target=50, limits=(50, 46, 54)).assurance == "inconsistent"


@pytest.mark.parametrize(
    ("kwargs", "word"),
    [
        ({"run_length": 5}, "run_length"),
        ({"rebase_at": [1]}, "rebase_at"),
        ({"rebase_at": [5, 6]}, "rebase_at"),
        ({"rebase_at": [8, 5]}, "rebase_at"),
        ({"limits": (1, 2, 3)}, "limits"),
        ({"limits": (2, 1)}, "limits"),
        ({"limits": (2, 1, 3), "baseline": 5}, "limits"),
    ],
)
def test_bad_rule_arguments(kwargs, word):
    with pytest.raises(InputError, match=word):
        spc_xmr(list(range(12)), **kwargs)


def test_run_chart_rules():
    short = spc_run([3, 4, 3, 4, 5, 6, 7, 8])
    assert isinstance(short, RunChartResult)
    assert flagged(short, SpcRule.TREND) == [2, 3, 4, 5, 6, 7]
    assert flagged(spc_run([5, 4, 3, 4, 5, 6, 7]), SpcRule.TREND) == [2, 3, 4, 5, 6]
    assert flagged(spc_run([5, 4, 3, 4, 5, 6, 5]), SpcRule.TREND) == []  # four rising is not a trend
    flat = spc_run([3, 4, 3, 4, 5, 5, 6, 7, 8])  # a repeated value neither counts nor breaks
    assert flagged(flat, SpcRule.TREND) == [2, 3, 4, 5, 6, 7, 8]
    shift = spc_run([1, 2, 1, 2, 1, 2, 9, 8, 9, 8, 9, 8], improvement="decrease")
    assert shift.median == 5
    assert flagged(shift, SpcRule.SHIFT) == list(range(12))
    assert shift.points[0] == "improvement" and shift.points[-1] == "concern"
    # Five above the median, one on it (skipped, not breaking), then a sixth above: a shift;
    # the point on the median is not itself flagged.
    on_median = spc_run([1, 1, 1, 1, 1, 1, 9, 9, 9, 9, 9, 5, 9, 1, 5, 9])
    assert on_median.median == 5
    assert flagged(on_median, SpcRule.SHIFT) == [*range(11), 12]


def test_run_chart_bad_arguments():
    for kwargs, word in (
        ({"values": [1]}, "values"),
        ({"values": [1, 2], "shift_length": 1}, "shift_length"),
    ):
        with pytest.raises(InputError, match=word):
            spc_run(**kwargs)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(-1e4, 1e4), min_size=3, max_size=40), st.sampled_from([6, 7]))
def test_rules_explain_every_flag(values, run_length):
    r = spc_xmr(values, improvement="decrease", run_length=run_length)
    for point, rules in zip(r.points, r.rules, strict=True):
        assert (point == PointType.COMMON_CAUSE) == (rules == ())
    assert r.lower_limit <= r.lower_two_sigma <= r.mean <= r.upper_two_sigma <= r.upper_limit
    run = spc_run(values)
    for point, rules in zip(run.points, run.rules, strict=True):
        assert (point == PointType.COMMON_CAUSE) == (rules == ())


def _perla_rules(values, shift_length=6, trend_length=5):
    """Perla et al.'s run chart rules by brute force, for distinct values (no ties to settle)."""
    median = statistics.median(values)
    n = len(values)
    off = [i for i in range(n) if values[i] != median]  # a point on the median is skipped
    shift = [False] * n
    start = 0
    while start < len(off):
        end = start
        above = values[off[start]] > median
        while end + 1 < len(off) and (values[off[end + 1]] > median) == above:
            end += 1
        if end - start + 1 >= shift_length:
            for k in off[start : end + 1]:
                shift[k] = True
        start = end + 1
    trend = [False] * n
    for start in range(n):
        for step in (1, -1):
            end = start
            while end + 1 < n and (values[end + 1] - values[end]) * step > 0:
                end += 1
            if end - start + 1 >= trend_length:
                trend[start : end + 1] = [True] * (end - start + 1)
    return median, shift, trend


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(-1000, 1000), min_size=2, max_size=30, unique=True))
def test_run_chart_rules_match_perla_by_brute_force(values):
    median, shift, trend = _perla_rules(values)
    r = spc_run(values, improvement="increase")
    assert r.median == median
    assert [SpcRule.SHIFT in rules for rules in r.rules] == shift
    assert [SpcRule.TREND in rules for rules in r.rules] == trend
    # Turning the values upside down swaps improvement and concern and keeps every flag (a point
    # where a falling trend meets a rising one takes the later trend's direction either way).
    flipped = spc_run([-v for v in values], improvement="increase")
    assert flipped.rules == r.rules
    swap = {"improvement": "concern", "concern": "improvement"}
    assert [swap.get(p, p) for p in flipped.points] == list(r.points)
    # Read backwards, the same points are flagged (distinct values: no repeat to settle).
    assert spc_run(values[::-1]).rules == r.rules[::-1]


def test_screened_and_unscreened_limits_match_nhsrplotthedots_snapshot():
    r1 = spc_xmr(RNORM_123, screen_outliers=True)
    assert (r1.mean, r1.lower_limit, r1.upper_limit) == pytest.approx(
        (0.1416238, -3.01138, 3.294627), abs=1e-6
    )
    x = list(RNORM_123)
    x[14] = 10.0
    r2 = spc_xmr(x, screen_outliers=True)
    r3 = spc_xmr(x, screen_outliers=False)
    assert (r2.mean, r2.lower_limit, r2.upper_limit) == pytest.approx(
        (0.6694159, -2.383666, 3.722497), abs=1e-6
    )
    assert (r3.mean, r3.lower_limit, r3.upper_limit) == pytest.approx(
        (0.6694159, -4.596625, 5.935457), abs=1e-6
    )
    # The snapshot's relative_to_mean for r2, first 14 points.
    rtm = [-1, -1, 1, -1, -1, 1, -1, -1, -1, -1, 1, -1, -1, -1]
    assert [int(np.sign(v - r2.mean)) for v in x[:14]] == rtm
    assert r2.rules[14] == (SpcRule.OUTSIDE_LIMITS,)


def test_rebase_matches_nhsrplotthedots_facet_summary():
    r = spc_xmr(RNORM_123, improvement="increase", screen_outliers=True, rebase_at=[10])
    published = [(0.0746, -2.60, 2.75), (0.209, -3.28, 3.70)]
    for b, (mean, lower, upper) in zip(r.baselines, published, strict=True):
        assert round(b.mean, 4 if mean < 0.1 else 3) == mean
        assert (round(b.lower_limit, 2), round(b.upper_limit, 2)) == (lower, upper)
    assert set(r.points) == {"common-cause"}


def test_a_run_across_a_rebase_is_two_runs():
    first = [-1, 1, -1, 1, -1, 1, -1, 1, 1, 1, 1]  # mean 3/11: the last four above it
    second = [1, 1, 1, -1, 1, -1, 1, -1, 1, -1, 1, -1]  # mean 1/6: the first three above it
    assert flagged(spc_xmr(first + second), SpcRule.SHIFT) == list(range(7, 14))
    assert flagged(spc_xmr(first + second, rebase_at=[11]), SpcRule.SHIFT) == []


def test_points_on_the_mean_a_limit_or_the_two_sigma_line():
    # Baseline of alternating 2.625 and -2.625: mean 0 and mean moving range 5.25 exactly, so
    # the two-sigma line is 2 * (2.66 / 3) * 5.25 = 9.31 and the upper limit 2.66 * 5.25.
    base = [2.625, -2.625] * 6
    r = spc_xmr([*base, 9.31, 9.31, 1.0], baseline=12)
    assert r.upper_two_sigma == 2 * (2.66 / 3) * 5.25
    assert r.rules[12:] == ((), (), ())  # on the two-sigma line is not beyond it
    beyond = spc_xmr([*base, 9.32, 9.32, 1.0], baseline=12)
    assert flagged(beyond, SpcRule.TWO_OF_THREE) == [12, 13]
    on_limit = spc_xmr([*base, 2.66 * 5.25], baseline=12)
    assert on_limit.rules[-1] == () and on_limit.upper_limit == 2.66 * 5.25
    # A point on the mean breaks a run: 3 + 0 + 4 above is not a shift of 7.
    assert flagged(spc_xmr([1.0, 1, 1, 0, 1, 1, 1, 1], limits=GIVEN), SpcRule.SHIFT) == []
    assert flagged(spc_xmr([1.0, 1, 1, 0.5, 1, 1, 1, 1], limits=GIVEN), SpcRule.SHIFT) == list(range(8))


def test_point_kind_follows_nhsrplotthedots_rule_order():
    # A falling trend from above the upper limit, all above the mean: the first point is outside
    # the limits (high), the rest are a falling trend (low) although they are also a shift above.
    r = spc_xmr([3.5, 2.9, 2.0, 1.0, 0.5, 0.2, 0.1], limits=GIVEN, improvement="increase")
    assert r.rules[0] == (SpcRule.OUTSIDE_LIMITS, SpcRule.SHIFT, SpcRule.TREND)
    assert r.rules[1] == (SpcRule.SHIFT, SpcRule.TREND)
    assert r.points == ("improvement",) + ("concern",) * 6
    assert (
        spc_xmr([-v for v in [3.5, 2.9, 2.0, 1.0, 0.5, 0.2, 0.1]], limits=GIVEN).points
        == (PointType.NEUTRAL,) * 7
    )
    # Seven rising then seven falling, sharing the peak: the peak takes the later (falling) trend.
    peak = spc_xmr([v / 10 for v in [*range(1, 8), *range(6, 0, -1)]], limits=GIVEN, improvement="decrease")
    assert flagged(peak, SpcRule.TREND) == list(range(13))
    assert peak.points[:6] == ("concern",) * 6 and peak.points[6:] == ("improvement",) * 7
    # A rising trend of 7 ending, a drop, then a new rising trend of 7: each point keeps its own.
    two = spc_xmr([v / 10 for v in [*range(1, 8), *range(1, 8)]], limits=GIVEN, improvement="increase")
    assert two.points == ("improvement",) * 14


def test_run_chart_trend_beats_shift_for_the_kind():
    # Six above the median that fall for five: a shift above (concern when lower is better) and a
    # falling trend (improvement); the trend decides.
    r = spc_run([1, 2, 1, 2, 1, 2, 20, 18, 16, 14, 12, 11], improvement="decrease")
    assert flagged(r, SpcRule.SHIFT) == list(range(12))
    assert r.rules[6:] == ((SpcRule.SHIFT, SpcRule.TREND),) * 6
    assert r.points[6:] == ("improvement",) * 6 and r.variation == "improvement"


def test_trend_of_six_with_run_length_six():
    values = [v / 10 for v in range(1, 7)]
    assert flagged(spc_xmr(values, limits=GIVEN), SpcRule.TREND) == []
    assert flagged(spc_xmr(values, limits=GIVEN, run_length=6), SpcRule.TREND) == list(range(6))


def test_constant_series_has_limits_at_the_mean():
    r = spc_xmr([0] * 12, improvement="decrease")
    assert (r.mean, r.lower_limit, r.upper_limit, r.mean_moving_range) == (0, 0, 0, 0)
    assert set(r.points) == {"common-cause"}
    assert any("mean moving range" in a and "is 0" in a for a in r.assumptions)
    later = spc_xmr([3] * 12 + [4], improvement="decrease", baseline=12)
    assert later.rules[-1] == (SpcRule.OUTSIDE_LIMITS,) and later.variation == "concern"
    assert spc_run([5] * 8).points == ("common-cause",) * 8


def _two_sentences(error):
    assert error.problem.endswith(".") and error.action.endswith(".")
    assert error.problem.count(". ") == 0 and error.action.count(". ") == 0


@pytest.mark.parametrize(
    ("kwargs", "word"),
    [
        ({"values": [1e308, -1e308] * 7}, "values"),
        ({"values": [1.7e308, 1e308] * 7}, "values"),
        ({"values": list(range(12)), "target": [1, 2], "improvement": "increase"}, "target"),
        ({"values": list(range(12)), "screen_outliers": "no"}, "screen_outliers"),
        ({"values": list(range(12)), "run_length": 7.0}, "run_length"),
        ({"values": ["a", "b", "c"]}, "values"),
        ({"values": []}, "values"),
        ({"values": [1, 2, float("inf")]}, "values"),
        ({"values": None}, "values"),
        ({"values": list(range(12)), "limits": (1e308, -1e308, 1.7e308)}, "limits"),
    ],
)
def test_hostile_input_raises_input_error(kwargs, word):
    with pytest.raises(InputError, match=word) as info:
        spc_xmr(**kwargs)
    _two_sentences(info.value)


@pytest.mark.parametrize("values", [[1e308] * 8, [1.7e308, 1e308] * 4, [], "abc", [1, float("nan")]])
def test_run_chart_hostile_input(values):
    with pytest.raises(InputError, match="values") as info:
        spc_run(values)
    _two_sentences(info.value)
