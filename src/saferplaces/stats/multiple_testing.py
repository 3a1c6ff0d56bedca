"""Adjusting p-values when many tests are made at once (one per cell or area).

The adjustments are statsmodels' ``multipletests``; this module names the
methods the way the rest of Safer Places does and validates the inputs.

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
from saferplaces.stats._validate import validate_choice, validate_level

__all__ = ["METHOD_NAMES", "P_ADJUST", "MultipleTestResult", "adjust_p", "multiple_tests"]

P_ADJUST = ("holm", "fdr", "none")
#: Our method names and statsmodels'.
_STATSMODELS = {"holm": "holm", "fdr": "fdr_bh"}
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
    try:
        arr = np.asarray(p, dtype=float).ravel()
    except (TypeError, ValueError):
        raise InputError("'p' must contain numbers.", "Give the p-values as a list or array.") from None
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
    alpha = 1.0 - validate_level(1.0 - alpha, "alpha")
    arr = _p_values(p)
    if method == "none" or arr.size == 0:
        return MultipleTestResult(arr < alpha, arr.copy(), method, alpha)
    # statsmodels brings pandas with it (most of a second to import): loaded only when a
    # family of p-values is adjusted, so commands and pages that adjust none start faster
    from statsmodels.stats.multitest import multipletests

    reject, adjusted, _, _ = multipletests(arr, alpha=alpha, method=_STATSMODELS[method])
    return MultipleTestResult(np.asarray(reject), np.asarray(adjusted), method, alpha)


def adjust_p(p: ArrayLike, method: str = "holm") -> np.ndarray:
    """Adjusted p-values (statsmodels ``multipletests``), in the original order.

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
