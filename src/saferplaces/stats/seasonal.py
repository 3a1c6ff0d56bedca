"""Is this month unusual for the time of year?

Crime has an annual cycle: more violence in summer, more burglary in the dark
months. A month is judged against the same calendar month in the previous
``years_back`` years, so a seasonal rise is not mistaken for a spike.

Method (chosen for Safer Places; no reference implementation exists):

1. The expected count for month *m* of year *y* is the mean ``mu`` of the
   counts for month *m* in years *y-1*, ..., *y-k* (``k = years_back``).
2. Extra-Poisson variation is measured once for the whole series: the pooled
   dispersion ``phi = sum (x - mu)^2 / mu / sum (k - 1)`` over every month
   that has a full history, floored at 1 (never narrower than Poisson).
3. On the square-root scale a count is close to normal with variance
   ``phi / 4``; adding the uncertainty of a mean of ``k`` years gives the
   range ``(sqrt(mu) -/+ z sqrt(phi (1 + 1/k) / 4))^2``, with the lower end
   floored at 0.

On simulated stable seasonal Poisson series (see the methods page and the
tests) the two-sided false-alarm rate at 95% is close to the nominal 5% for
expected counts of 10 or more.

References
----------
.. [1] Anscombe FJ. The transformation of Poisson, binomial and
   negative-binomial data. Biometrika 1948; 35: 246-254.
.. [2] Farrington CP, Andrews NJ, Beale AD, Catchpole MA. A statistical
   algorithm for the early detection of outbreaks of infectious disease.
   J R Stat Soc A 1996; 159: 547-563. (Same-season baselines from earlier
   years, overdispersion, and a prediction interval on a power scale.)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

from saferplaces.errors import InputError
from saferplaces.stats._validate import validate_counts, validate_level, validate_same_length
from saferplaces.stats.labels import SeasonalLabel

__all__ = ["SeasonalRangeResult", "seasonal_range"]

#: More earlier years than any recorded crime series has.
MAX_YEARS_BACK = 100


@dataclass(frozen=True)
class SeasonalRangeResult:
    """Result of :func:`seasonal_range`, one entry per month given.

    Attributes
    ----------
    months
        The months as ``"YYYY-MM"`` strings.
    observed
        The counts.
    expected, lower, upper
        Expected count and the range of normal variation (NaN where there is
        not enough history).
    labels
        ``"above"``, ``"within"``, ``"below"`` or ``"not-enough-history"``.
    dispersion
        Pooled dispersion ``phi`` (1 means Poisson variation).
    level
        Level of the range.
    assumptions
        Sentences describing defaults chosen by the code.
    """

    months: tuple[str, ...]
    observed: np.ndarray
    expected: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    labels: tuple[SeasonalLabel, ...]
    dispersion: float
    level: float
    assumptions: tuple[str, ...]


def _month_index(value: Any) -> int:
    """Months since year 0 for '2024-05', date, datetime or numpy datetime64."""
    if isinstance(value, np.datetime64) and not np.isnat(value):
        return int(value.astype("datetime64[M]").astype(int)) + 1970 * 12
    if isinstance(value, (dt.date, dt.datetime)):
        return value.year * 12 + value.month - 1
    if isinstance(value, str):
        parts = value.strip()[:7].split("-")
        if len(parts) == 2 and parts[0].isdigit() and parts[1].isdigit():
            year, month = int(parts[0]), int(parts[1])
            if 1 <= month <= 12:
                return year * 12 + month - 1
    raise InputError(
        f"'months' contains {value!r}, which is not a month.",
        "Give months as 'YYYY-MM' text, dates or numpy datetime64 values.",
    )


def seasonal_range(
    monthly_counts: ArrayLike,
    months: Sequence[str | dt.date] | np.ndarray,
    years_back: int = 3,
    level: float = 0.95,
) -> SeasonalRangeResult:
    """The expected range for each month from the same month in earlier years.

    Parameters
    ----------
    monthly_counts
        Counts per month (zero or more).
    months
        The month of each count: ``"YYYY-MM"`` strings, dates or numpy
        ``datetime64``. Order does not matter; each month may appear once.
    years_back
        How many earlier years of the same calendar month form the baseline.
    level
        Level of the range (0.95: about 1 month in 20 falls outside by chance).

    Returns
    -------
    SeasonalRangeResult

    References
    ----------
    .. [2] Farrington CP et al. J R Stat Soc A 1996; 159: 547-563.

    Examples
    --------
    >>> months = [f"{y}-{m:02d}" for y in (2021, 2022, 2023, 2024) for m in range(1, 13)]
    >>> counts = [100 + 20 * (m in (6, 7, 8)) for y in range(4) for m in range(1, 13)]
    >>> counts[-6] = 160  # July 2024
    >>> r = seasonal_range(counts, months)
    >>> r.labels[-6], round(float(r.expected[-6]))
    ('above', 120)
    """
    x = validate_counts(monthly_counts, "monthly_counts")
    if isinstance(months, (str, bytes)):
        months = [months]
    try:
        months = list(np.asarray(months).tolist()) if isinstance(months, np.ndarray) else list(months)
    except TypeError:
        raise InputError(
            f"'months' is {months!r}, which is not a list of months.",
            "Give one month per count, as 'YYYY-MM' text, dates or numpy datetime64 values.",
        ) from None
    if months and isinstance(months[0], (int, float)) and not isinstance(months[0], bool):
        raise InputError(
            "'months' contains numbers, which are not months.",
            "Give months as 'YYYY-MM' text, dates or numpy datetime64 values.",
        )
    validate_same_length(monthly_counts=x, months=months)
    if isinstance(years_back, bool) or not isinstance(years_back, (int, np.integer)):
        raise InputError(
            f"'years_back' is {years_back!r}, which is not a whole number.",
            "Give the number of earlier years to compare with, such as 3.",
        )
    if not 2 <= years_back <= MAX_YEARS_BACK:
        raise InputError(
            f"'years_back' is {years_back}; it must be from 2 to {MAX_YEARS_BACK} earlier years.",
            "Use 2 or more years of history (3 is the default).",
        )
    level = validate_level(level)
    idx = np.array([_month_index(m) for m in months])
    if np.unique(idx).size != idx.size:
        raise InputError(
            "'months' lists the same month more than once.",
            "Give one count per month.",
        )
    lookup = dict(zip(idx.tolist(), x.tolist(), strict=True))
    k = years_back
    expected = np.full(x.size, np.nan)
    ss, dof = 0.0, 0
    for i, m in enumerate(idx):
        hist = []
        for j in range(1, k + 1):  # stops at the first missing year, however large k is
            h = lookup.get(int(m) - 12 * j)
            if h is None:
                break
            hist.append(h)
        if len(hist) < k:
            continue
        h = np.array(hist, dtype=float)
        mu = h.mean()
        expected[i] = mu
        if mu > 0:
            ss += float(((h - mu) ** 2).sum() / mu)
            dof += k - 1
    phi = max(1.0, ss / dof) if dof else 1.0
    z = float(special.ndtri(1.0 - (1.0 - level) / 2.0))
    half = z * np.sqrt(phi * (1.0 + 1.0 / k) / 4.0)
    root = np.sqrt(expected)
    lower = np.maximum(root - half, 0.0) ** 2
    upper = (root + half) ** 2
    labels = []
    for obs, e, lo, hi in zip(x, expected, lower, upper, strict=True):
        if np.isnan(e):
            labels.append(SeasonalLabel.NOT_ENOUGH_HISTORY)
        elif obs > hi:
            labels.append(SeasonalLabel.ABOVE)
        elif obs < lo:
            labels.append(SeasonalLabel.BELOW)
        else:
            labels.append(SeasonalLabel.WITHIN)
    assumptions = [
        f"Each month is compared with the same month in the previous {k} years.",
        f"Variation beyond chance was measured across the series (dispersion {phi:.2f}).",
    ]
    names = tuple(f"{m // 12:04d}-{m % 12 + 1:02d}" for m in idx)
    return SeasonalRangeResult(
        months=names,
        observed=x,
        expected=expected,
        lower=lower,
        upper=upper,
        labels=tuple(labels),
        dispersion=float(phi),
        level=level,
        assumptions=tuple(assumptions),
    )
