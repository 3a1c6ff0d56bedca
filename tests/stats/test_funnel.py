"""Tests for saferplaces.stats.funnel.

Reference values come from the PHEindicatormethods R package test data
(https://github.com/ukhsa-collaboration/PHEindicatormethods, tests/testthat):

* ``testdata_funnel_prop_outputs.csv`` (commit
  63894a99103ffc9e0a3e8a15644200a3abb95669): proportion limits (per 100) for a
  pooled target of 80.642448%, 95% ("2s 0.025") and 99.8% ("3s 0.001").
* ``testdata_funnel_prop_inputs.csv`` (commit
  3352ce5d861197880cae0ccb329a0ce50424bfda): areas with their PHE significance.
* ``testdata_funnel_rate_outputs.csv`` (commit
  8ac28e54249d9b01d586b19d1d1b39f5af3d49ac): DSR funnel, target 116.1720835 per
  100,000 over three years; the table gives, for O events, the one-year
  population at which O is on each limit, and the limit.
* ``testdata_funnel_ratio_outputs.csv`` (commit
  8ac28e54249d9b01d586b19d1d1b39f5af3d49ac): ratio funnel; for O events, the
  expected count at which O is on each limit and the ratio (per 100).
* ``testdata_funnel_ratio_inputs.csv`` (commit b79d64484b69e14cf3c70c2748c34e0ba68c53a2)
  and ``testdata_funnel_rate_dsr_inputs.csv`` (commit
  5adcb8c43562e1a897d509350306a5fed2514480)
  (copied to tests/stats/data/, see its README): PHE significance labels for
  300 ratios, 40 crude rates and 40 DSRs (with PHE's fewer-than-10 rule).
* Fingertips states its funnel limits as z = 1.96 and 3.0902 (95% and 99.8%).

The overdispersion method follows Spiegelhalter (2005) and FunnelPlotR's
``od_adjustment.R``; its test data (``tests/testthat/test-funnel_plot.R``,
nhs-r-community/FunnelPlotR commit 0614f133889c85473454ddb2a013ffec576823b8)
are used below. FunnelPlotR's tests check only the shape of its output, not
its numbers, so phi and tau2 are worked by hand from Spiegelhalter's formulas.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from saferplaces.errors import InputError
from saferplaces.stats import funnel_limits, funnel_significance, overdispersion_tau2

# Population, lower 95, upper 95, lower 99.8, upper 99.8 (per 100).
PHE_PROP = [
    (1, 3.204264, 100, 0, 100),
    (3, 35.933491, 100, 10.150815, 100),
    (18, 62.390093, 98.894803, 51.864359, 100),
    (41, 68.548635, 92.73626, 61.574398, 99.710497),
    (1008, 78.203374, 83.081521, 76.796814, 84.488082),
    (110000, 80.408963, 80.875933, 80.274317, 81.010578),
]


def test_proportion_limits_match_phe():
    pops = [row[0] for row in PHE_PROP]
    lim = funnel_limits(pops, "proportion", target=80.642448, per=100)
    lo95, hi95 = lim.at(0.95)
    lo998, hi998 = lim.at(0.998)
    for i, (_, a, b, c, d) in enumerate(PHE_PROP):
        assert lo95[i] == pytest.approx(a, abs=2e-6)
        assert hi95[i] == pytest.approx(b, abs=2e-6)
        assert lo998[i] == pytest.approx(c, abs=2e-6)
        assert hi998[i] == pytest.approx(d, abs=2e-6)


# Events, pop_1yr at lower 95, lower 95, pop at upper 95, upper 95,
# pop at lower 99.8, lower 99.8, pop at upper 99.8, upper 99.8 (per 100,000).
# fmt: off
PHE_RATE = [
    (1, 1598.675694, 20.85059119, 7.264481402, 4588.535848,
     2649.348525, 12.58170943, 0.287087625, 116108.569),
    (10, 5276.757672, 63.17010446, 1375.943768, 242.2579623,
     6924.776769, 48.13632908, 849.4639547, 392.4043292),
    (104, 36157.10817, 95.87787415, 24382.08903, 142.1808715,
     40036.31685, 86.58805154, 21608.75072, 160.4288333),
    (1360, 411529.9259, 110.158048, 369759.5622, 122.6021934,
     424043.2424, 106.9073359, 358342.3275, 126.5084525),
]
# fmt: on


@pytest.mark.parametrize("row", PHE_RATE)
def test_rate_limits_match_phe(row):
    _, p_lo95, lo95, p_hi95, hi95, p_lo998, lo998, p_hi998, hi998 = row
    target = 116.1720835
    years = 3
    lim = funnel_limits([p_lo95 * years], "rate", target=target, per=100_000)
    assert lim.at(0.95)[0][0] == pytest.approx(lo95, rel=1e-5)
    lim = funnel_limits([p_hi95 * years], "rate", target=target, per=100_000)
    assert lim.at(0.95)[1][0] == pytest.approx(hi95, rel=1e-5)
    lim = funnel_limits([p_lo998 * years], "rate", target=target, per=100_000)
    assert lim.at(0.998)[0][0] == pytest.approx(lo998, rel=1e-5)
    lim = funnel_limits([p_hi998 * years], "rate", target=target, per=100_000)
    assert lim.at(0.998)[1][0] == pytest.approx(hi998, rel=1e-5)


# Observed, expected at lower 95, ratio, expected at upper 95, ratio (per 100).
PHE_RATIO = [
    (1, 5.571644585, 17.94802207, 0.025317898, 3949.774946),
    (20, 30.88838097, 64.74926614, 12.21651877, 163.7127595),
    (716, 770.4222128, 92.93605352, 664.5083011, 107.7488421),
]


@pytest.mark.parametrize(("o", "e_lo", "lo", "e_hi", "hi"), PHE_RATIO)
def test_ratio_limits_match_phe(o, e_lo, lo, e_hi, hi):
    lim = funnel_limits([e_lo, e_hi], "ratio", per=100)
    assert lim.target == 100
    assert lim.at(0.95)[0][0] == pytest.approx(lo, rel=1e-5)
    assert lim.at(0.95)[1][1] == pytest.approx(hi, rel=1e-5)


# Numerator, denominator, PHE significance (target = pooled value of the full
# PHE file, 80.642448%).
PHE_SIG = [
    (35078.4880, 41980, "high-0.001"),
    (24803.6256, 31824, "low-0.001"),
    (50050.7443, 61921, "not-significant"),
    (26789.2380, 33012, "high-0.025"),
    (36850.0492, 45449, "high-0.025"),
    (34502.0685, 42485, "high-0.025"),
    (30277.5312, 37828, "low-0.025"),
    (24648.7596, 30521, "not-significant"),
    (23910.2469, 29457, "high-0.025"),
    (21139.2936, 25992, "high-0.025"),
    (24866.9160, 30929, "not-significant"),
    (17321.4088, 21587, "not-significant"),
    (35795.6324, 45449, "low-0.001"),
    (18365.4621, 29277, "low-0.001"),
]


def test_proportion_significance_matches_phe():
    x = [r[0] for r in PHE_SIG]
    n = [r[1] for r in PHE_SIG]
    sig = funnel_significance(x, n, "proportion", per=100, target=80.642448)
    assert sig.labels == tuple(r[2] for r in PHE_SIG)


def test_pooled_target_is_default_and_announced():
    sig = funnel_significance([30, 10, 12], [1000, 1000, 1000], "rate", per=1000)
    assert sig.target == pytest.approx(52 / 3)
    assert any("pooled" in a for a in sig.assumptions)
    assert sig.labels == ("high-0.025", "not-significant", "not-significant")


# FunnelPlotR's test data (tests/testthat/test-funnel_plot.R).
FPR_OBS = np.array([100, 150, 180, 80, 120, 225], dtype=float)
FPR_EXP = np.array([108, 112, 165, 95, 100, 220], dtype=float)


def test_tau2_follows_dersimonian_laird_on_sqrt_scale():
    # Worked by hand from Spiegelhalter (2005) section 3.2 for ratios:
    # y = sqrt(O/E), s = 1/(2 sqrt(E)), z = (y - 1)/s, winsorise at the 10th
    # and 90th percentiles, phi = mean(z^2), tau2 from the weights 1/s^2.
    z = 2 * np.sqrt(FPR_EXP) * (np.sqrt(FPR_OBS / FPR_EXP) - 1)
    zs = np.sort(z)
    # 10th and 90th percentiles of six values by linear interpolation:
    # positions 0.5 and 4.5.
    lz = zs[0] + 0.5 * (zs[1] - zs[0])
    uz = zs[4] + 0.5 * (zs[5] - zs[4])
    zw = np.clip(z, lz, uz)
    phi = np.mean(zw**2)
    w = 4 * FPR_EXP
    tau2 = (6 * phi - 5) / (w.sum() - (w**2).sum() / w.sum())
    got_phi, got_tau2 = overdispersion_tau2(FPR_OBS, FPR_EXP, "ratio")
    assert got_phi == pytest.approx(phi, rel=1e-12)
    assert got_tau2 == pytest.approx(tau2, rel=1e-12)
    assert got_tau2 > 0


def test_overdispersion_widens_limits_and_flags_fewer_large_areas():
    rng = np.random.default_rng(1)
    n = rng.integers(2_000, 200_000, size=200).astype(float)
    true_rate = 0.05 * rng.gamma(20, 1 / 20, size=200)  # 22% between-area CV
    x = rng.poisson(true_rate * n)
    plain = funnel_significance(x, n, "rate", per=1000)
    od = funnel_significance(x, n, "rate", per=1000, overdispersion=True)
    assert od.limits.tau2 > 0
    assert np.all(od.limits.upper[1] >= plain.limits.upper[1] - 1e-9)
    assert np.all(od.limits.lower[1] <= plain.limits.lower[1] + 1e-9)
    flagged_plain = sum(lab.endswith("0.001") for lab in plain.labels)
    flagged_od = sum(lab.endswith("0.001") for lab in od.labels)
    assert flagged_od < flagged_plain / 3
    assert any("overdispersion" in a for a in od.assumptions)


def test_no_overdispersion_keeps_plain_limits():
    n = np.full(10, 10_000.0)
    x = np.array([100, 101, 99, 100, 100, 102, 98, 100, 101, 99], dtype=float)
    od = funnel_limits(n, "rate", numerators=x, overdispersion=True)
    plain = funnel_limits(n, "rate", numerators=x)
    assert od.tau2 == 0.0
    np.testing.assert_allclose(od.lower, plain.lower)


def test_proportion_overdispersion_uses_arcsine_scale():
    n = np.array([200, 400, 800, 1600, 3200, 6400, 12800.0])
    x = np.array([20, 80, 100, 400, 500, 1500, 1800.0])
    lim = funnel_limits(n, "proportion", numerators=x, overdispersion=True)
    t = x.sum() / n.sum()
    # Large areas: limits tend to sin^2(asin(sqrt(t)) +/- z tau).
    z = 1.959963984540054
    hi_inf = np.sin(np.arcsin(np.sqrt(t)) + z * np.sqrt(lim.tau2)) ** 2
    assert lim.upper[0][-1] == pytest.approx(hi_inf, rel=0.02)
    assert lim.upper[0][-1] > t


@pytest.mark.parametrize(
    ("call", "word"),
    [
        (lambda: funnel_limits([100, 0], "rate", target=1), "denominators"),
        (lambda: funnel_limits([100], "odds", target=1), "statistic"),
        (lambda: funnel_limits([100], "rate"), "target"),
        (lambda: funnel_limits([100], "rate", target=1, overdispersion=True), "overdispersion"),
        (lambda: funnel_significance([1, 2], [10], "rate"), "lengths"),
        (lambda: funnel_significance([-1, 2], [10, 10], "rate"), "numerators"),
        (lambda: funnel_significance([11, 2], [10, 10], "proportion"), "numerator"),
        (lambda: funnel_limits([10], "rate", target=1, levels=(95,)), "levels"),
        (lambda: funnel_significance([0, 0], [10, 10], "rate"), "zero"),
    ],
)
def test_bad_arguments(call, word):
    with pytest.raises(InputError) as info:
        call()
    assert word in str(info.value)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.floats(10, 1e6), min_size=2, max_size=20),
    st.floats(0.001, 0.5),
    st.sampled_from(["proportion", "rate"]),
)
def test_limits_narrow_as_denominator_grows(dens, target, statistic):
    dens = np.sort(np.array(dens))
    lim = funnel_limits(dens, statistic, target=target)
    width = lim.upper - lim.lower
    assert np.all(np.diff(width, axis=1) <= 1e-9)
    assert np.all(lim.lower <= target + 1e-12) and np.all(lim.upper >= target - 1e-12)


@settings(max_examples=30, deadline=None)
@given(st.permutations(list(range(8))))
def test_order_of_areas_does_not_matter(perm):
    x = np.array([5, 40, 12, 80, 3, 22, 60, 15.0])
    n = np.array([1000, 2000, 1500, 3000, 800, 2500, 2200, 1200.0])
    base = funnel_significance(x, n, "rate", per=1000, overdispersion=True)
    p = np.array(perm)
    moved = funnel_significance(x[p], n[p], "rate", per=1000, overdispersion=True)
    assert moved.labels == tuple(base.labels[i] for i in p)


DATA = Path(__file__).parent / "data"
PHE_LABELS = {
    "High (0.001)": "high-0.001",
    "High (0.025)": "high-0.025",
    "Low (0.025)": "low-0.025",
    "Low (0.001)": "low-0.001",
    "Not significant": "not-significant",
}


def _read(name):
    with open(DATA / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_ratio_significance_matches_phe_for_300_areas():
    rows = _read("phe_funnel_ratio_significance.csv")
    sig = funnel_significance(
        [float(r["obs"]) for r in rows], [float(r["expected"]) for r in rows], "ratio", per=100
    )
    assert sig.target == 100
    assert sig.labels == tuple(PHE_LABELS[r["significance"]] for r in rows)


def test_crude_rate_significance_matches_phe():
    rows = _read("phe_funnel_crude_rate_significance.csv")
    x = [float(r["count"]) for r in rows]
    n = [float(r["pop"]) for r in rows]
    sig = funnel_significance(x, n, "rate", per=100_000)
    assert sig.labels == tuple(PHE_LABELS[r["significance_with_zero_row"]] for r in rows)
    # Leaving out the area with no events moves the pooled target and the labels.
    sig = funnel_significance(x[:-1], n[:-1], "rate", per=100_000)
    expected = tuple(PHE_LABELS[r["significance_without_zero_row"]] for r in rows[:-1])
    assert sig.labels == expected


def test_dsr_significance_matches_phe():
    # testdata_funnel_rate_dsr_inputs.csv (commit 5adcb8c43562e1a897d509350306a5fed2514480),
    # column dsr_per_100000_with_0: 40 DSRs per 100,000 including one area with no events,
    # which PHE leaves out ("Not applicable for events less than 10 for dsrs").
    from saferplaces.stats import funnel_significance_dsr

    words = {
        "High (0.001)": "high-0.001",
        "High (0.025)": "high-0.025",
        "Low (0.001)": "low-0.001",
        "Low (0.025)": "low-0.025",
        "Not significant": "not-significant",
        "Not applicable for events less than 10 for dsrs": "not-applicable",
    }
    with open(DATA / "phe_funnel_dsr_significance.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    counts = [float(r["count"]) for r in rows]
    dsrs = [0.0 if r["rate_dsr"] == "NA" else float(r["rate_dsr"]) for r in rows]
    sig = funnel_significance_dsr(counts, dsrs, per=100_000)
    assert [str(v) for v in sig.labels] == [words[r["significance"]] for r in rows]
    assert np.isnan(sig.values[-1]) and np.isnan(sig.limits.denominators[-1])
    assert any("fewer than 10" in a for a in sig.assumptions)


def test_dsr_significance_few_events_rule():
    from saferplaces.stats import funnel_significance_dsr

    sig = funnel_significance_dsr([9, 250, 180], [900.0, 620.0, 410.0])
    assert sig.labels[0] == "not-applicable"
    with pytest.raises(InputError, match="10 or more"):
        funnel_significance_dsr([3, 4], [100.0, 120.0])
    with pytest.raises(InputError, match="DSR is zero"):
        funnel_significance_dsr([30, 40], [0.0, 120.0])


def test_fingertips_z_values_equal_the_levels():
    # Fingertips states its limits as z = 1.96 and 3.0902, the 95% and 99.8% two-sided levels.
    x, n = [30, 10, 12, 2, 55], [1000, 1000, 1000, 900, 1500]
    by_z = funnel_significance(x, n, "rate", per=1000, z=(1.96, 3.0902))
    by_level = funnel_significance(x, n, "rate", per=1000)
    assert by_z.labels == by_level.labels
    np.testing.assert_allclose(by_z.limits.upper, by_level.limits.upper, rtol=1e-4)
    other = funnel_significance(x, n, "rate", per=1000, levels=(0.8, 0.9))
    assert other.limits.levels == (0.8, 0.9)
    assert any("beyond the 0.8 limit" in a for a in other.assumptions)
    with pytest.raises(InputError, match="not both"):
        funnel_significance(x, n, "rate", levels=(0.95, 0.998), z=(1.96, 3.09))
    with pytest.raises(InputError, match="two"):
        funnel_significance(x, n, "rate", levels=(0.998, 0.95))


def test_funnel_points_give_each_area_its_own_limits():
    from saferplaces.stats import funnel_points

    x, n = [30, 10, 12], [1000, 4000, 250]
    rows = funnel_points(x, n, "rate", per=1000)
    sig = funnel_significance(x, n, "rate", per=1000)
    lim = funnel_limits(n, "rate", per=1000, numerators=x)
    for i, row in enumerate(rows):
        assert row.denominator == n[i] and row.label == sig.labels[i]
        assert row.lower == pytest.approx(tuple(lim.lower[:, i]))
        assert row.upper == pytest.approx(tuple(lim.upper[:, i]))


def test_funnel_points_match_phe_tables():
    from saferplaces.stats import funnel_points

    # Each area's own limits are PHE's limits at its denominator (testdata_funnel_prop_outputs.csv).
    pops = [row[0] for row in PHE_PROP]
    rows = funnel_points([0] * len(pops), pops, "proportion", per=100, target=80.642448)
    for row, (_, a, b, c, d) in zip(rows, PHE_PROP, strict=True):
        assert row.lower == pytest.approx((a, c), abs=2e-6)
        assert row.upper == pytest.approx((b, d), abs=2e-6)
    # Each area's label is PHE's (testdata_funnel_prop_inputs.csv), also with Fingertips' z values.
    x, n = [r[0] for r in PHE_SIG], [r[1] for r in PHE_SIG]
    for kwargs in ({}, {"z": (1.96, 3.0902)}):
        rows = funnel_points(x, n, "proportion", per=100, target=80.642448, **kwargs)
        assert tuple(row.label for row in rows) == tuple(r[2] for r in PHE_SIG)
        assert [row.denominator for row in rows] == n


@settings(max_examples=30, deadline=None)
@given(st.floats(0.01, 1e6), st.sampled_from([0.0005, 0.001, 0.025, 0.975, 0.999, 0.9995]))
@example(0.8, 0.9995)  # a shape near 0, where gammainc itself is good to a few 1e-16 only
def test_gamma_shape_inverts_the_regularised_gamma(mu, prob):
    # The limits invert gammainc(a, mu) = prob in a: the shape found is the root to within a few
    # units in the last place of a. (How closely gammainc(a, mu) then matches prob depends on
    # the slope there: near mu = 1e6 one unit in the last place of a moves it by about 1e-13.)
    from scipy import special

    from saferplaces.stats.funnel import _solve_shape

    a = _solve_shape(np.array([mu]), prob)[0]
    step = 8 * np.spacing(a)
    above, below = special.gammainc([a - step, a + step], mu)  # gammainc falls as a rises
    assert below - 4e-15 <= prob <= above + 4e-15
    assert special.gammainc(a, mu) == pytest.approx(prob, rel=1e-11)


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 400), st.floats(20.0, 900.0)), min_size=3, max_size=12),
    st.randoms(use_true_random=False),
)
def test_dsr_funnel_invariants(areas, rnd):
    from saferplaces.stats import funnel_significance_dsr

    if not any(c >= 10 for c, _ in areas):
        return
    counts, dsrs = zip(*areas, strict=True)
    sig = funnel_significance_dsr(counts, dsrs)
    # Fewer than 10 events: never judged; row order changes no area's label.
    assert all((lab == "not-applicable") == (c < 10) for lab, (c, _) in zip(sig.labels, areas, strict=True))
    order = list(range(len(areas)))
    rnd.shuffle(order)
    moved = funnel_significance_dsr([counts[i] for i in order], [dsrs[i] for i in order])
    assert [moved.labels[order.index(i)] for i in range(len(areas))] == list(sig.labels)


# --- Held-out PHE rate funnels and PHE's labelling rule (review dsr) ---------------------------

# testdata_funnel_rate_outputs_2.csv (PHEindicatormethods commit
# 39d5df1f793223db24173db8971ba3c2f834b8d8): crude-rate funnel per 100,000 over three years, target
# 114.8591735; and testdata_funnel_rate_outputs_3.csv (commit
# 4295d9ea20269bea244486c3ef1d38191852a109), target 95.60285106. Columns as PHE_RATE above.
# fmt: off
PHE_RATE_HELD_OUT = [
    (114.8591735, (1, 1616.949526, 20.61494982, 7.347518827, 4536.678859,
                   2679.632184, 12.4395182, 0.290369211, 114796.3768)),
    (114.8591735, (2, 2096.679871, 31.79630214, 70.2917202, 948.4284419,
                   3258.735028, 20.45783597, 13.17613227, 5059.653722)),
    (114.8591735, (28, 11744.17554, 79.4720183, 5399.596106, 172.8524347,
                   14080.844, 66.28390552, 4190.805935, 222.7097479)),
    (114.8591735, (462, 146879.0886, 104.8481452, 122128.4188, 126.0967771,
                   154494.3981, 99.6799896, 115624.723, 133.1895083)),
    (114.8591735, (1344, 411466.9163, 108.8787415, 369466.4508, 121.2559352,
                   424051.9679, 105.6474286, 357990.2328, 125.143079)),
    (95.60285106, (286, 111970.3773, 85.14156661, 88494.9416, 107.727438,
                   119317.6437, 79.89877305, 82485.29064, 115.5761622)),
    (95.60285106, (1119, 413702.6663, 90.16137202, 367628.0403, 101.4612486,
                   427558.6565, 87.23949201, 355104.4927, 105.0395046)),
]
# fmt: on


@pytest.mark.parametrize(("target", "row"), PHE_RATE_HELD_OUT)
def test_rate_limits_match_held_out_phe_tables(target, row):
    _, p_lo95, lo95, p_hi95, hi95, p_lo998, lo998, p_hi998, hi998 = row
    # PHE finds each population by bisection to 1e-7, so its 99.8% upper limit for 1 event
    # (114,796) carries about 1e-5 relative error; the rest agree to 1e-6.
    for pop, want, level, side in (
        (p_lo95, lo95, 0.95, 0),
        (p_hi95, hi95, 0.95, 1),
        (p_lo998, lo998, 0.998, 0),
        (p_hi998, hi998, 0.998, 1),
    ):
        lim = funnel_limits([pop * 3], "rate", target=target, per=100_000, levels=(level,))
        assert (lim.lower, lim.upper)[side][0][0] == pytest.approx(want, rel=1e-5)


def _phe_bound(o, e, level, side):
    """PHEindicatormethods funnel_ratio_significance (R/utils.R, commit
    39d5df1f793223db24173db8971ba3c2f834b8d8), written out: the area's Poisson limit over its
    expected count, exact below 10 events and Byar's from 10."""
    from scipy import stats as sps

    z = sps.norm.ppf(0.5 + level / 2)
    if o == 0 and side == "low":
        return 0.0
    if o < 10:
        if side == "low":
            return sps.chi2.ppf((1 - level) / 2, 2 * o) / 2 / e
        return sps.chi2.ppf(0.5 + level / 2, 2 * o + 2) / 2 / e
    if side == "low":
        return o * (1 - 1 / (9 * o) - z / 3 / np.sqrt(o)) ** 3 / e
    return (o + 1) * (1 - 1 / (9 * (o + 1)) + z / 3 / np.sqrt(o + 1)) ** 3 / e


def _phe_label(o, e, target=1.0):
    """assign_funnel_significance (R/Funnels.R, commit 39d5df1f...): its case_when, in order."""
    if target < _phe_bound(o, e, 0.998, "low"):
        return "high-0.001"
    if target < _phe_bound(o, e, 0.95, "low"):
        return "high-0.025"
    if target > _phe_bound(o, e, 0.998, "high"):
        return "low-0.001"
    if target > _phe_bound(o, e, 0.95, "high"):
        return "low-0.025"
    return "not-significant"


# 10 events against expected counts between Byar's and the exact limits for 10 (exact 95%:
# 4.795387629 and 18.39035799; 99.8%: 2.960519925 and 24.13397235, testdata_funnel_ratio_outputs.csv;
# Byar's: 4.78745, 18.39146, 2.91632, 24.19372), where PHE (Byar's from 10 events) and the exact
# funnel line disagree; and 9 events, where PHE uses the exact interval.
PHE_BYAR_BAND = [
    (10, 4.7915, "not-significant"),
    (10, 18.391, "not-significant"),
    (10, 2.94, "high-0.025"),
    (10, 24.16, "low-0.025"),
    (9, 4.05, "high-0.025"),
]


@pytest.mark.parametrize(("o", "e", "label"), PHE_BYAR_BAND)
def test_ratio_labels_follow_phe_byar_rule_from_ten_events(o, e, label):
    assert _phe_label(o, e) == label
    sig = funnel_significance([o], [e], "ratio", per=100)
    assert sig.labels == (label,)
    # The same area as a crude rate on a population of 1,000 with target e per 1,000.
    assert funnel_significance([o], [1000], "rate", per=1000, target=e).labels == (label,)
    if o >= 10:
        assert any("Byar" in a for a in sig.assumptions)


@settings(max_examples=200, deadline=None)
@given(
    st.integers(0, 3000),
    st.sampled_from([(0.95, "low"), (0.95, "high"), (0.998, "low"), (0.998, "high")]),
    st.floats(-2e-3, 2e-3),
)
def test_ratio_labels_match_phe_rule_near_every_limit(o, where, nudge):
    # Expected counts placed within 0.2% of one of PHE's limits for o events, where a different
    # interval (exact for Byar's, or the other way round) would change the label.
    level, side = where
    if (o == 0 and side == "low") or abs(nudge) < 1e-9:
        return  # no lower limit for 0 events; exactly on a limit is a floating-point tie
    e = _phe_bound(o, 1.0, level, side) * (1 + nudge)
    assert funnel_significance([o], [e], "ratio").labels[0] == _phe_label(o, e)


def test_dsr_and_crude_significance_match_phe_per_100():
    # testdata_funnel_rate_dsr_inputs.csv (commit 5adcb8c43562e1a897d509350306a5fed2514480): the
    # columns dsr_per_100_with_0 and crude_per_100_with_0 hold the same labels as the per-100,000
    # columns; here the DSRs are given per 100 (rate_dsr / 1,000) and the crude rates per 100.
    from saferplaces.stats import funnel_significance_dsr

    rows = _read("phe_funnel_dsr_significance.csv")
    counts = [float(r["count"]) for r in rows]
    dsrs = [0.0 if r["rate_dsr"] == "NA" else float(r["rate_dsr"]) / 1000 for r in rows]
    sig = funnel_significance_dsr(counts, dsrs, per=100)
    per_100k = funnel_significance_dsr(counts, [d * 1000 for d in dsrs], per=100_000)
    assert sig.labels == per_100k.labels
    assert sig.target == pytest.approx(per_100k.target / 1000, rel=1e-12)
    crude = _read("phe_funnel_crude_rate_significance.csv")
    x = [float(r["count"]) for r in crude]
    n = [float(r["pop"]) for r in crude]
    labels = funnel_significance(x, n, "rate", per=100).labels
    assert labels == tuple(PHE_LABELS[r["significance_with_zero_row"]] for r in crude)


@pytest.mark.parametrize(
    ("call", "word"),
    [
        (lambda: funnel_limits([10], "rate", target=1, levels=()), "'levels' is empty"),
        (lambda: funnel_limits([10], "rate", target=[1, 2]), "'target' must be a single number"),
        (lambda: funnel_limits([10], "rate", target=1, per=[1, 2]), "'per' must be a single number"),
        (lambda: funnel_significance([1, 1], [10, 10], "rate", z=(1.96, 40)), "'z' contains 40"),
        (lambda: overdispersion_tau2([1, 2], [1, 2], "rate", target=0), "'target'"),
        (lambda: overdispersion_tau2([1, 2], [1, 2], "rate", target="x"), "'target'"),
        (lambda: overdispersion_tau2([1, 2], [4, 4], "proportion", target=1.5), "'target' is 1.5"),
        (lambda: overdispersion_tau2([5, 2], [1, 2], "proportion"), "larger than its denominator"),
    ],
)
def test_bad_arguments_found_in_review(call, word):
    with pytest.raises(InputError) as info:
        call()
    assert word in str(info.value)
    assert str(info.value).count(". ") >= 1  # two sentences: what is wrong, what to do


def test_dsr_funnel_per_must_be_one_number():
    from saferplaces.stats import funnel_significance_dsr

    with pytest.raises(InputError, match="'per' must be a single number"):
        funnel_significance_dsr([20, 30], [100.0, 200.0], per=[1, 2])
