"""Adjusting p-values when many tests are made at once (one per cell or area).

Holm's step-down and Benjamini and Hochberg's step-up adjustments are a few lines of numpy
here, as statsmodels' ``multipletests`` computes them; the tests check every adjusted value
against ``multipletests``. statsmodels is not imported: it brings pandas, which would cost a
cold ``saferplaces assess`` most of a second (issue #9; ADR 0021).

References
----------
.. [1] Holm S. A simple sequentially rejective multiple test procedure.
   Scand J Stat 1979; 6: 65-70.
.. [2] Benjamini Y, Hochberg Y. Controlling the false discovery rate.
   J R Stat Soc B 1995; 57: 289-300.
.. [3] Seabold S, Perktold J. statsmodels: econometric and statistical
   modeling with Python. statsmodels.stats.multitest.multipletests.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from saferplaces.errors import InputError
from saferplaces.stats._validate import as_float_array, validate_choice, validate_significance

__all__ = ["METHOD_NAMES", "P_ADJUST", "MultipleTestResult", "adjust_p", "multiple_tests"]

P_ADJUST = ("holm", "fdr", "none")
METHOD_NAMES = {"holm": "Holm", "fdr": "Benjamini-Hochberg", "none": "no"}


@dataclass(frozen=True)
class MultipleTestResult:
    """Result of :func:`multiple_tests`.

    Attributes
    ----------
    reject
        Whether each hypothesis is rejected at ``alpha`` after adjustment.
    p_adjusted
        Adjusted p-values in the original order, capped at 1.
    method
        ``"holm"``, ``"fdr"`` or ``"none"``.
    alpha
        Family-wise error rate (Holm) or false discovery rate (FDR).
    """

    reject: np.ndarray
    p_adjusted: np.ndarray
    method: str
    alpha: float


def _p_values(p: ArrayLike) -> np.ndarray:
    arr = as_float_array(p, "p", "a list or array of p-values").ravel()
    if np.any(~np.isfinite(arr)) or np.any((arr < 0) | (arr > 1)):
        raise InputError(
            "'p' contains a value that is not a probability between 0 and 1.",
            "Give p-values between 0 and 1, with no missing values.",
        )
    return arr


def multiple_tests(p: ArrayLike, method: str = "holm", alpha: float = 0.05) -> MultipleTestResult:
    """Adjust p-values and say which tests are significant.

    Parameters
    ----------
    p
        p-values.
    method
        ``"holm"`` (family-wise error, [1]_), ``"fdr"`` (Benjamini-Hochberg
        false discovery rate, [2]_) or ``"none"``.
    alpha
        Significance level.

    Returns
    -------
    MultipleTestResult

    Examples
    --------
    >>> r = multiple_tests([0.01, 0.04, 0.03], "holm")
    >>> r.p_adjusted.round(2).tolist(), r.reject.tolist()
    ([0.03, 0.06, 0.06], [True, False, False])
    """
    method = validate_choice(method, "p_adjust", P_ADJUST)
    alpha = validate_significance(alpha, "alpha")
    arr = _p_values(p)
    adjusted = arr.copy() if method == "none" or arr.size == 0 else _adjusted(arr, method)
    # one rule for every method, as everywhere in Safer Places: significant below the level
    return MultipleTestResult(adjusted < alpha, adjusted, method, alpha)


def _adjusted(p: np.ndarray, method: str) -> np.ndarray:
    """Holm: ``max_{j<=i} (m - j + 1) p_(j)``; BH: ``min_{j>=i} m p_(j) / j``; capped at 1.

    ``p_(j)`` is the j-th smallest of the m p-values; the result is in the original order.
    A test is rejected at ``alpha`` when its adjusted value is below ``alpha``, the rule every
    test in Safer Places follows (``DEFAULTS.significance_level``); statsmodels'
    ``multipletests`` also rejects at exactly ``alpha``, the only case where the two differ.
    """
    m = p.size
    order = np.argsort(p, kind="stable")
    ranked = p[order]
    if method == "holm":
        steps = np.maximum.accumulate(ranked * np.arange(m, 0, -1))
    else:  # fdr: Benjamini-Hochberg
        steps = np.minimum.accumulate((ranked * m / np.arange(1, m + 1))[::-1])[::-1]
    out = np.empty(m)
    out[order] = np.minimum(steps, 1.0)
    return out


def adjust_p(p: ArrayLike, method: str = "holm") -> np.ndarray:
    """Adjusted p-values (as statsmodels' ``multipletests``), in the original order.

    Parameters
    ----------
    p
        p-values.
    method
        ``"holm"``, ``"fdr"`` (Benjamini-Hochberg) or ``"none"``.

    Returns
    -------
    numpy.ndarray
        Adjusted p-values, capped at 1.

    Examples
    --------
    >>> adjust_p([0.01, 0.04, 0.03], "holm").round(2).tolist()
    [0.03, 0.06, 0.06]
    """
    return multiple_tests(p, method).p_adjusted
