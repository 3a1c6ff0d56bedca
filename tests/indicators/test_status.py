"""Target status: the test chosen, the verdict and the sentence.

Hand-checked numbers
--------------------
* 48 against 30 (docs/methods/change.md): exact conditional p = 0.054, not significant.
* 3,082 against 3,502 in periods of equal length: under no change the first is
  Binomial(6,584, 1/2); the normal approximation gives z = (3,082 - 3,292) / sqrt(6,584 / 4)
  = -5.18, two-sided p = 2.3e-7, so the exact p is of that size.
* 56 of 70 against 48 of 80: Newcombe (Stat Med 1998; 17: 873-890, Table II, method 10)
  gives a difference of 0.2 with 95% interval 0.0524 to 0.3339.
* 38 of 160 is 23.8% with Wilson interval 17.8% to 30.9% (docs/methods/proportions.md).
* XmR on 10, 12, 11, 13, 12, 11, 10, 12, 11, 13, 12, 11, 30: mean 168 / 13 = 12.92, mean
  moving range 34 / 12 = 2.833, upper limit 12.92 + 2.66 x 2.833 = 20.46, so 30 is special cause.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saferplaces.indicators import (
    IMPROVING,
    NO_CHANGE,
    NOT_ENOUGH,
    WORSENING,
    StatusPoint,
    indicator_status,
)
from saferplaces.indicators.status import (
    CHART_RUN,
    CHART_XMR,
    METHOD_CHANGE,
    METHOD_DIFFERENCE,
    METHOD_DSR,
    METHOD_SPC,
    METHOD_WILSON,
)

FLIP = {IMPROVING: WORSENING, WORSENING: IMPROVING, NO_CHANGE: NO_CHANGE, NOT_ENOUGH: NOT_ENOUGH}


def exact_p(current: int, previous: int, share: float = 0.5) -> float:
    """The exact conditional test of two Poisson counts, written out (not the product's ``change``).

    Given the total n, the current count is Binomial(n, share) under no change; the two-sided
    p-value sums the probabilities of every outcome no more likely than the one seen (the rule of
    R's binom.test and poisson.test, with its relative tolerance of 1e-7).
    """
    n = current + previous
    if n == 0:
        return 1.0
    pmf = [math.comb(n, k) * share**k * (1 - share) ** (n - k) for k in range(n + 1)] if n < 1000 else None
    if pmf is None:  # large totals: log-space terms, so that nothing underflows
        logs = [
            math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)
            + k * math.log(share) + (n - k) * math.log(1 - share)
            for k in range(n + 1)
        ]  # fmt: skip
        pmf = [math.exp(v) for v in logs]
    seen = pmf[current]
    return min(1.0, sum(q for q in pmf if q <= seen * (1 + 1e-7)))


def count(period: str, n: int) -> StatusPoint:
    return StatusPoint(period, n, count=n)


def test_a_small_rise_that_could_be_chance():
    s = indicator_status([count("2019/20", 48)], "reduce", baseline=count("2018/19", 30), subject="Robbery")
    assert s.status == NO_CHANGE and s.method == METHOD_CHANGE
    assert s.p == pytest.approx(0.054, abs=5e-4)
    assert s.sentence == (
        "Robbery rose 60% from 2018/19 to 2019/20; this is within normal variation (p = 0.054)."
    )


@pytest.mark.parametrize(("direction", "status"), [("reduce", IMPROVING), ("increase", WORSENING)])
def test_a_real_fall(direction, status):
    s = indicator_status([count("2019/20", 3082)], direction, baseline=count("2018", 3502), subject="ASB")
    z = (3082 - 3292) / math.sqrt(6584 / 4)
    assert s.p == pytest.approx(math.erfc(abs(z) / math.sqrt(2)), rel=0.1)
    assert s.p == pytest.approx(exact_p(3082, 3502), rel=1e-6)
    assert s.status == status
    assert s.sentence == "ASB fell 12% from 2018 to 2019/20; this is a real fall (p < 0.001)."
    assert (s.baseline_period, s.latest_period) == ("2018", "2019/20")


def test_equal_counts_are_no_change():
    s = indicator_status([count("2019/20", 41)], "reduce", baseline=count("2018", 41))
    assert s.status == NO_CHANGE and s.p == 1.0
    assert "did not change" in s.sentence


def test_periods_of_different_length_are_compared_per_month():
    # 300 in a quarter against 1,000 in a year: 100 a month against 83.3 a month.
    s = indicator_status([count("2019/20 Q1", 300)], "reduce", baseline=count("2018/19", 1000))
    # exposures 3 and 12 months: the quarter's share of the total is 3 / 15 under no change
    assert s.p == pytest.approx(exact_p(300, 1000, share=3 / 15), rel=1e-6)
    assert "The value per month rose 20% from 2018/19 to 2019/20 Q1" in s.sentence
    assert any("differ in length" in a for a in s.assumptions)


def test_part_periods_compare_the_months_both_hold():
    base = StatusPoint(
        "2018/19",
        1263,
        count=1263,
        exposure=5,
        monthly=(("2018-10", 266), ("2018-11", 238), ("2018-12", 252), ("2019-01", 252), ("2019-02", 255)),
        complete=False,
    )
    months = (90, 113, 105, 139, 151, 101, 97, 118, 75)
    latest = StatusPoint(
        "2025/26",
        sum(months),
        count=sum(months),
        exposure=9,
        monthly=tuple((f"2025-{m:02d}", n) for m, n in zip(range(4, 13), months, strict=True)),
        complete=False,
    )
    s = indicator_status([base, latest], "reduce", baseline_period="2018/19", subject="ASB")
    # October to December only: 290 against 756
    assert s.p == pytest.approx(exact_p(97 + 118 + 75, 266 + 238 + 252), rel=1e-6)
    assert s.status == IMPROVING
    assert "comparing the months both hold (October, November and December)" in s.sentence
    # No calendar month in common: no fair comparison.
    early = StatusPoint("2017/18", 263, count=263, exposure=1, monthly=(("2018-03", 263),), complete=False)
    s = indicator_status([early, latest], "reduce", baseline_period="2017/18")
    assert s.status == NOT_ENOUGH and "no month of the year in both" in s.sentence


def test_baseline_period_falls_back_to_the_period_that_overlaps_it_most():
    points = [count("2017/18", 10), count("2018/19", 500), count("2019/20", 400)]
    s = indicator_status(points, "reduce", baseline_period="2018")
    assert s.baseline_period == "2018/19" and s.latest_period == "2019/20"
    assert any("overlaps it most" in a for a in s.assumptions)
    s = indicator_status(points, "reduce")
    assert s.baseline_period == "2017/18" and any("earliest period" in a for a in s.assumptions)


@pytest.mark.parametrize(("direction", "status"), [("increase", IMPROVING), ("reduce", WORSENING)])
def test_two_surveys(direction, status):
    base = StatusPoint.entered("2018", None, numerator=48, sample_size=80)
    latest = StatusPoint.entered("2019/20", None, numerator=56, sample_size=70)
    s = indicator_status([latest], direction, baseline=base, subject="Feeling safe after dark")
    assert s.status == status and s.method == METHOD_DIFFERENCE
    assert s.sentence == (
        "Feeling safe after dark was 60.0% in 2018 and 80.0% in 2019/20, a difference of +20.0 "
        "percentage points (95% interval +5.2 to +33.4); this is a real rise."
    )


@pytest.mark.parametrize(("baseline", "status"), [(35, IMPROVING), (25, NO_CHANGE), (15, WORSENING)])
def test_a_survey_against_a_baseline_figure(baseline, status):
    base = StatusPoint.entered("2018", baseline, percent=True)
    latest = StatusPoint.entered("2019/20", None, numerator=38, sample_size=160)
    s = indicator_status([latest], "reduce", baseline=base)
    assert s.status == status and s.method == METHOD_WILSON
    assert "95% interval 17.8% to 30.9%, 38 of 160" in s.sentence
    assert any("taken as exact" in a for a in s.assumptions)


def test_a_percentage_without_sample_size_is_not_tested():
    base = StatusPoint.entered("2018", 81, percent=True)
    latest = StatusPoint.entered("2019/20", 85, percent=True)
    s = indicator_status([latest], "increase", baseline=base)
    assert s.status == NOT_ENOUGH and "sample size" in s.sentence


@pytest.mark.parametrize(("direction", "status"), [("reduce", WORSENING), ("increase", IMPROVING)])
def test_twelve_or_more_points_in_a_row_use_spc(direction, status):
    values = [10, 12, 11, 13, 12, 11, 10, 12, 11, 13, 12, 11, 30]
    months = [f"2024-{m:02d}" for m in range(1, 13)] + ["2025-01"]
    points = [count(m, v) for m, v in zip(months, values, strict=True)]
    s = indicator_status(points, direction, baseline=count("2018", 1), subject="ASB", unit="incidents")
    assert s.method == METHOD_SPC and s.status == status
    assert s.sentence.startswith("ASB in January 2025 (30 incidents) is a real change, special-cause")
    assert "limits 5.4 to 20.5" in s.sentence
    # The rule that fired is named, and the flagged point is listed for the chart (#14).
    assert s.sentence.endswith(": a point outside the process limits.")
    assert s.flags == (("January 2025", ("outside-limits",)),)
    assert s.status.text == ("Worsening" if direction == "reduce" else "Improving")
    # Drop the spike: within normal variation.
    s = indicator_status(points[:-1], direction, subject="ASB")
    assert s.status == NO_CHANGE and "within normal variation" in s.sentence
    assert s.method == METHOD_SPC  # 12 points: still a chart (DEFAULTS.min_xmr_points)
    # 11 points in a row are too few for a chart: the counts are tested instead
    s = indicator_status(points[1:12], direction, baseline=count("2018", 1))
    assert s.method == METHOD_CHANGE


def test_a_gap_breaks_the_run_for_spc():
    points = [count(f"2024-{m:02d}", 10 + m % 3) for m in range(1, 8)]
    points += [count("2024-09", 11), count("2024-10", 30)]  # August missing: runs of 7 and 2
    s = indicator_status(points, "reduce", baseline_period="January 2024")
    assert s.method == METHOD_CHANGE


def test_not_enough_data():
    assert indicator_status([], "reduce").status == NOT_ENOUGH
    s = indicator_status([count("2019/20", 5)], "", baseline=count("2018", 9))
    assert s.status == NOT_ENOUGH and "neither increase nor reduce" in s.sentence
    s = indicator_status([count("2018/19", 5)], "reduce", baseline_period="2018/19")
    assert s.status == NOT_ENOUGH and "Only the baseline" in s.sentence


counts = st.integers(0, 5000)


@settings(max_examples=150, deadline=None)
@given(counts, counts)
def test_direction_flips_the_verdict(b, latest):
    up = indicator_status([count("2019/20", latest)], "increase", baseline=count("2018/19", b))
    down = indicator_status([count("2019/20", latest)], "reduce", baseline=count("2018/19", b))
    assert down.status == FLIP[up.status]
    # A change is called real only when the exact test says so.
    assert (up.status in (IMPROVING, WORSENING)) == (exact_p(latest, b) < 0.05)


@settings(max_examples=50, deadline=None)
@given(counts, st.sampled_from(["increase", "reduce"]))
def test_equal_values_are_never_a_change(n, direction):
    s = indicator_status([count("2019/20", n)], direction, baseline=count("2018/19", n))
    assert s.status == NO_CHANGE


@settings(max_examples=50, deadline=None)
@given(st.lists(counts, min_size=2, max_size=12), st.randoms())
def test_order_of_points_changes_nothing(values, rnd):
    points = [
        count(
            f"2024/25 Q{i % 4 + 1}".replace("2024", str(2024 + i // 4)).replace(
                "/25", f"/{(25 + i // 4) % 100:02d}"
            ),
            v,
        )
        for i, v in enumerate(values)
    ]
    shuffled = points[:]
    rnd.shuffle(shuffled)
    assert indicator_status(points, "reduce") == indicator_status(shuffled, "reduce")


def test_docstring_examples_run():
    import doctest

    import saferplaces.indicators.status as module

    assert doctest.testmod(module).failed == 0


def test_a_short_series_gets_a_run_chart_with_its_trend_flags():
    """5 to 11 points in a row: the test for the kind gives the status, a run chart adds its signals (#14).

    Worked by hand: 5, 4, 6, 5, 12, 13, 14, 15 has median (6 + 12) / 2 = 9, four points below and
    four above, so no shift of 6. The steps are -1, +2, -1, +7, +1, +1, +1: April's 5 to August's 15
    rise four steps in a row, five points, a trend of 5 (Perla et al. 2011).
    """
    values = [5, 4, 6, 5, 12, 13, 14, 15]
    points = [count(f"2024-{m:02d}", v) for m, v in enumerate(values, start=1)]
    s = indicator_status(points, "reduce", baseline_period="January 2024")
    assert s.method == METHOD_CHANGE  # the status is still the exact Poisson test's
    assert s.chart == CHART_RUN
    trend_months = ("April 2024", "May 2024", "June 2024", "July 2024", "August 2024")
    assert s.flags == tuple((m, ("trend",)) for m in trend_months)
    assert "On a run chart of 8 points from January 2024 to August 2024 (median 9)" in s.sentence
    assert s.sentence.endswith(
        "signal non-random variation: April 2024 to August 2024 (a trend: a run of points each higher or "
        "each lower than the last)."
    )
    assert any("run chart" in a.lower() for a in s.assumptions)


def test_a_short_series_without_signals_says_so_and_shorter_runs_get_no_chart():
    # 5, 6, 5, 6, 5, 6: median 5.5, sides alternate, steps alternate: neither rule fires.
    points = [count(f"2024-{m:02d}", 5 + (m + 1) % 2) for m in range(1, 7)]
    s = indicator_status(points, "reduce", baseline_period="January 2024")
    assert s.chart == CHART_RUN and s.flags == ()
    assert s.sentence.endswith("(median 5.5), no shift or trend signals non-random variation.")
    # Four points in a row cannot hold a trend of 5: no chart is named.
    s = indicator_status(points[:4], "reduce", baseline_period="January 2024")
    assert s.chart == "" and s.flags == ()


def test_twelve_points_name_the_xmr_chart():
    points = [count(f"2024-{m:02d}", 10 + m % 2) for m in range(1, 13)]
    assert indicator_status(points, "reduce").chart == CHART_XMR


def dsr_point(period: str, value: float, lower: float, upper: float, events: int | None) -> StatusPoint:
    return StatusPoint(period, value, lower=lower, upper=upper, events=events)


@pytest.mark.parametrize(("direction", "status"), [("reduce", IMPROVING), ("increase", WORSENING)])
def test_standardised_rates_are_compared_from_their_limits(direction, status):
    """Two DSRs as a health partner sends them (#14), worked by hand (Altman and Bland 2003, 2011).

    SE = (ln U - ln L) / (2 x 1.96): ln(94/68)/3.92 = 0.0826 and ln(72/50)/3.92 = 0.0930;
    z = ln(60/80) / sqrt(0.0826^2 + 0.0930^2) = -2.31, p = 0.021, although the intervals overlap.
    """
    se_b = (math.log(94) - math.log(68)) / (2 * 1.959963984540054)
    se_l = (math.log(72) - math.log(50)) / (2 * 1.959963984540054)
    z = math.log(60 / 80) / math.hypot(se_b, se_l)
    p = math.erfc(abs(z) / math.sqrt(2))
    base = dsr_point("2022", 80, 68, 94, 180)
    s = indicator_status([dsr_point("2023", 60, 50, 72, 130)], direction, baseline=base, subject="Admissions")
    assert s.method == METHOD_DSR and s.status == status
    assert s.p == pytest.approx(p, rel=1e-9) and round(p, 3) == 0.021
    assert s.sentence == (
        "Admissions was 80 in 2022 (95% limits 68 to 94, 180 events) and 60 in 2023 (95% limits 50 to 72, "
        "130 events); the later rate is 0.75 times the earlier (95% interval 0.59 to 0.96), so this is a "
        "real fall (p = 0.021)."
    )


def test_standardised_rates_within_noise_too_few_events_or_no_baseline_limits():
    base = dsr_point("2022", 80, 68, 94, 180)
    s = indicator_status([dsr_point("2023", 78, 66, 92, 170)], "reduce", baseline=base)
    assert s.status == NO_CHANGE and s.method == METHOD_DSR
    s = indicator_status([dsr_point("2023", 9.5, 4.3, 18.1, 9)], "reduce", baseline=base)
    assert s.status == NOT_ENOUGH and "9 events, fewer than 10" in s.sentence
    s = indicator_status([dsr_point("2023", 60, 50, 72, 130)], "reduce", baseline=StatusPoint("2022", 80))
    assert s.status == NOT_ENOUGH and "no confidence limits" in s.sentence
    s = indicator_status([dsr_point("2023", 60, 50, 72, None)], "reduce", baseline=base)
    assert s.status == IMPROVING and any("not recorded" in a for a in s.assumptions)
