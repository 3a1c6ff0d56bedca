"""Tests for saferplaces.stats.seasonal.

No published reference implementation exists for this method (see
docs/methods/seasonal-range.md). The tests check the formula on a small
worked example, the false-alarm rate on simulated stable seasonal Poisson
series (it should be close to the nominal 5% at 95%), that real spikes are
found, and that the order of the input does not matter.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saferplaces.errors import InputError
from saferplaces.stats import SeasonalRangeResult, seasonal_range

MONTHS = [f"{y}-{m:02d}" for y in range(2010, 2030) for m in range(1, 13)]


def test_worked_example():
    months = ["2021-07", "2022-07", "2023-07", "2024-07"]
    r = seasonal_range([90, 110, 100, 150], months)
    assert isinstance(r, SeasonalRangeResult)
    assert r.labels[:3] == ("not-enough-history",) * 3
    # Only one month has a full history: mu = 100 and its own spread gives
    # phi = (100 + 100 + 0) / 100 / 2 = 1; the 95% range is
    # (10 -/+ 1.96 * sqrt((1 + 1/3) / 4))^2.
    half = 1.959963984540054 * math.sqrt((1 + 1 / 3) / 4)
    assert r.expected[3] == pytest.approx(100)
    assert r.dispersion == pytest.approx(1.0)
    assert r.lower[3] == pytest.approx((10 - half) ** 2)
    assert r.upper[3] == pytest.approx((10 + half) ** 2)
    assert r.labels[3] == "above"


def test_false_alarm_rate_close_to_nominal():
    rng = np.random.default_rng(20251123)
    t = np.arange(len(MONTHS))
    alarms = total = 0
    for _ in range(40):
        x = rng.poisson(30 * (1 + 0.3 * np.sin(2 * np.pi * t / 12)))
        lab = np.array(seasonal_range(x, MONTHS).labels)
        judged = lab != "not-enough-history"
        alarms += np.sum(judged & (lab != "within"))
        total += judged.sum()
    assert 0.035 < alarms / total < 0.065


def test_finds_a_spike_but_not_the_season():
    t = np.arange(48)
    x = np.round(100 * (1 + 0.5 * np.sin(2 * np.pi * t / 12))).astype(float)
    r = seasonal_range(x, MONTHS[:48])
    assert set(r.labels[36:]) == {"within"}
    x[40] *= 1.6
    assert seasonal_range(x, MONTHS[:48]).labels[40] == "above"


def test_accepts_dates_and_datetime64():
    import datetime as dt

    d = [dt.date(2020 + i // 12, i % 12 + 1, 1) for i in range(48)]
    n = np.array(MONTHS[120:168], dtype="datetime64[M]")
    x = np.arange(48) % 12 + 10.0
    a = seasonal_range(x, d)
    b = seasonal_range(x, n)
    np.testing.assert_allclose(a.upper[36:], b.upper[36:])


@pytest.mark.parametrize(
    ("args", "kwargs", "word"),
    [
        (([1, 2], ["2020-01"]), {}, "lengths"),
        (([1, 2], ["2020-01", "2020-13"]), {}, "months"),
        (([1, 2], ["2020-01", "2020-01"]), {}, "more than once"),
        (([-1, 2], ["2020-01", "2020-02"]), {}, "monthly_counts"),
        (([1, 2], ["2020-01", "2020-02"]), {"years_back": 1}, "years_back"),
        (([1, 2], [1, 2]), {}, "months"),
    ],
)
def test_bad_arguments(args, kwargs, word):
    with pytest.raises(InputError, match=word):
        seasonal_range(*args, **kwargs)


@settings(max_examples=20, deadline=None)
@given(st.permutations(list(range(48))))
def test_order_does_not_matter(perm):
    rng = np.random.default_rng(3)
    x = rng.poisson(50, size=48).astype(float)
    months = MONTHS[:48]
    base = seasonal_range(x, months)
    p = list(perm)
    moved = seasonal_range(x[p], [months[i] for i in p])
    assert moved.labels == tuple(base.labels[i] for i in p)
    assert moved.dispersion == pytest.approx(base.dispersion)
