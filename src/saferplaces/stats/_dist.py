"""The few distribution functions the statistics need, from ``scipy.special``.

``scipy.stats`` takes several times longer to import than ``scipy.special`` (it loads the
optimisers, sparse matrices and hundreds of distributions), and a cold ``saferplaces assess``
pays for every import (issue #9, docs/benchmarks.md). These are the formulas ``scipy.stats``
itself evaluates (scipy 1.17: ``norm`` uses ``ndtr``/``ndtri``, ``t`` uses ``stdtr``/``stdtrit``,
``chi2.ppf`` is ``2 gammaincinv(df / 2, p)``); tests/stats/test_dist.py checks them against
``scipy.stats``.
"""

from __future__ import annotations

from typing import Any

from scipy import special


def norm_sf(x: Any) -> Any:
    """Upper tail of the standard normal, P(Z > x)."""
    return special.ndtr(-x)


def norm_ppf(q: Any) -> Any:
    """Quantile of the standard normal."""
    return special.ndtri(q)


def t_sf(x: Any, df: Any) -> Any:
    """Upper tail of Student's t with ``df`` degrees of freedom."""
    return special.stdtr(df, -x)


def t_ppf(q: Any, df: Any) -> Any:
    """Quantile of Student's t with ``df`` degrees of freedom."""
    return special.stdtrit(df, q)


def chi2_ppf(q: Any, df: Any) -> Any:
    """Quantile of the chi-square distribution with ``df`` degrees of freedom."""
    return 2.0 * special.gammaincinv(df / 2.0, q)


def binom_two_sided_half(k: int, n: int) -> float:
    """Two-sided exact binomial p-value of ``k`` successes in ``n`` when the probability is 1/2.

    The distribution is symmetric, so the outcomes no more likely than ``k`` are the two
    tails beyond ``min(k, n - k)``: the p-value is twice the lower tail, capped at 1. This is
    what ``scipy.stats.binomtest(k, n, 0.5).pvalue`` gives.
    """
    if 2 * k == n:
        return 1.0
    return float(min(1.0, 2.0 * special.bdtr(min(k, n - k), n, 0.5)))
