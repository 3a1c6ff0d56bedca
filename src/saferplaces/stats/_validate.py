"""Front-door validation shared by every statistic.

Each helper raises :class:`saferplaces.errors.InputError` with two sentences:
what is wrong (naming the argument and the bad value) and what is allowed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from saferplaces.errors import InputError

__all__ = [
    "validate_choice",
    "validate_counts",
    "validate_level",
    "validate_points",
    "validate_positive",
    "validate_same_length",
    "validate_significance",
    "validate_vector",
]


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def validate_vector(values: Any, name: str, *, min_length: int = 1) -> np.ndarray:
    """Return ``values`` as a 1-D float array of finite numbers."""
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise InputError(
            f"'{name}' must contain numbers, but it was {_show(values)}.",
            f"Give '{name}' as a list or array of numbers.",
        ) from None
    if arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.ndim != 1:
        raise InputError(
            f"'{name}' must be one-dimensional, but it has shape {arr.shape}.",
            f"Give '{name}' as a flat list or 1-D array.",
        )
    if arr.size < min_length:
        raise InputError(
            f"'{name}' has {arr.size} values.",
            f"Give at least {min_length} values in '{name}'.",
        )
    if not np.all(np.isfinite(arr)):
        raise InputError(
            f"'{name}' contains a missing or infinite value.",
            f"Remove or fill the missing values in '{name}' first.",
        )
    return arr


def validate_counts(values: Any, name: str, *, min_length: int = 1) -> np.ndarray:
    """Return non-negative finite counts as a float array."""
    arr = validate_vector(values, name, min_length=min_length)
    if np.any(arr < 0):
        bad = arr[arr < 0][0]
        raise InputError(
            f"'{name}' contains a negative count ({bad:g}).",
            f"Counts in '{name}' must be zero or more.",
        )
    return arr


def validate_positive(values: Any, name: str, *, min_length: int = 1) -> np.ndarray:
    """Return strictly positive finite values as a float array."""
    arr = validate_vector(values, name, min_length=min_length)
    if np.any(arr <= 0):
        bad = arr[arr <= 0][0]
        raise InputError(
            f"'{name}' contains {bad:g}, which is not greater than zero.",
            f"Every value of '{name}' must be greater than zero.",
        )
    return arr


def validate_scalar_count(value: Any, name: str) -> float:
    """Return one non-negative finite count."""
    arr = validate_counts(value, name)
    if arr.size != 1:
        raise InputError(
            f"'{name}' must be a single number, but it has {arr.size} values.",
            f"Give one number for '{name}'.",
        )
    return float(arr[0])


def validate_scalar_positive(value: Any, name: str) -> float:
    """Return one strictly positive finite number."""
    arr = validate_positive(value, name)
    if arr.size != 1:
        raise InputError(
            f"'{name}' must be a single number, but it has {arr.size} values.",
            f"Give one number for '{name}'.",
        )
    return float(arr[0])


def validate_points(points: Any) -> np.ndarray:
    """An (n, 2) float array of finite easting and northing in metres (EPSG:27700), n >= 1."""
    try:
        pts = np.asarray(points, dtype=float)
    except (TypeError, ValueError):
        raise InputError(
            "'points' must be numbers.", "Give an (n, 2) array of easting and northing."
        ) from None
    if pts.ndim != 2 or pts.shape[1] != 2 or pts.shape[0] == 0:
        raise InputError(
            f"'points' has shape {pts.shape}, not (n, 2).",
            "Give an (n, 2) array of easting and northing in metres (EPSG:27700).",
        )
    if not np.all(np.isfinite(pts)):
        raise InputError(
            "'points' contains a missing or infinite coordinate.",
            "Remove events without a location first.",
        )
    return pts


def validate_level(level: Any, name: str = "level") -> float:
    """Return a confidence level strictly between 0 and 1."""
    try:
        value = float(level)
    except (TypeError, ValueError):
        raise InputError(
            f"'{name}' must be a number, but it was {_show(level)}.",
            f"Give '{name}' as a proportion such as 0.95.",
        ) from None
    if not (0.0 < value < 1.0):
        raise InputError(
            f"'{name}' is {value:g}, which is not between 0 and 1.",
            f"Give '{name}' as a proportion such as 0.95 or 0.998, not a percentage.",
        )
    return value


def validate_significance(alpha: Any, name: str = "alpha") -> float:
    """Return a significance level strictly between 0 and 1, such as 0.05."""
    try:
        return validate_level(alpha, name)
    except InputError as e:
        action = f"Give '{name}' as a proportion such as 0.05, not a percentage."
        raise InputError(e.problem, action) from None


def validate_choice(value: Any, name: str, allowed: Iterable[Any]) -> Any:
    """Return ``value`` if it is one of ``allowed``."""
    allowed = tuple(allowed)
    if value not in allowed:
        shown = ", ".join(repr(a) for a in allowed)
        raise InputError(
            f"'{name}' is {_show(value)}, which is not a known option.",
            f"Use one of {shown}.",
        )
    return value


def validate_same_length(**arrays: Sequence[Any] | np.ndarray) -> int:
    """Check that every named array has the same length and return it."""
    lengths = {name: len(arr) for name, arr in arrays.items()}
    if len(set(lengths.values())) > 1:
        shown = ", ".join(f"'{k}' has {v}" for k, v in lengths.items())
        raise InputError(
            f"The inputs have different lengths: {shown}.",
            "Give one value per area or period in every input.",
        )
    return next(iter(lengths.values())) if lengths else 0
