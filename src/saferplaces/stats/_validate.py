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
    "MAX_MAGNITUDE",
    "MIN_POSITIVE",
    "as_float_array",
    "check_magnitude",
    "is_scalar",
    "validate_choice",
    "validate_counts",
    "validate_flag",
    "validate_level",
    "validate_levels",
    "validate_points",
    "validate_positive",
    "validate_same_length",
    "validate_seed",
    "validate_share",
    "validate_significance",
    "validate_vector",
]

#: The largest size of number the statistics accept. No count, population, rate multiplier,
#: time or distance in metres comes near it, and above 2**53 (about 9e15) whole numbers cannot
#: even be held exactly; below it, products and squares of inputs cannot overflow.
MAX_MAGNITUDE = 1e15
#: The smallest value a "greater than zero" input may take, so that dividing by it cannot
#: overflow (a population, period or bandwidth this small is a mistake, not data).
MIN_POSITIVE = 1e-15

# numpy kinds that are numbers: booleans, text, complex numbers, dates are not.
_NUMBER_KINDS = "iuf"


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _not_a_number(value: Any) -> bool:
    """True for the values numpy would turn into a float although they are not numbers."""
    return isinstance(value, (bool, np.bool_, str, bytes, complex, np.complexfloating))


def _holds_non_number(values: list[Any] | tuple[Any, ...], depth: int = 0) -> bool:
    """Whether a list, or a list inside it (to three levels), holds text, a boolean or a complex number."""
    for v in values:
        if _not_a_number(v):
            return True
        if depth < 2 and isinstance(v, (list, tuple)) and _holds_non_number(v, depth + 1):
            return True
    return False


def as_float_array(values: Any, name: str, what: str = "a list or array of numbers") -> np.ndarray:
    """``values`` as a float array, rejecting text, booleans, complex numbers and ragged lists.

    ``numpy`` would read ``"5"`` as 5, ``True`` as 1 and drop the imaginary part of a complex
    number; each is far more likely a mistake (a wrong column) than a count.
    """
    problem = InputError(
        f"'{name}' must contain numbers, but it was {_show(values)}.",
        f"Give '{name}' as {what}.",
    )
    if _not_a_number(values):
        raise problem
    # numpy turns [True, 2] into integers, so look at the items of a list itself, and of the
    # lists inside it (points as [[x, y], ...]): a scan costs little even for a million values.
    if isinstance(values, (list, tuple)) and _holds_non_number(values):
        raise problem
    try:
        raw = np.asarray(values)
    except (TypeError, ValueError, OverflowError):
        raise problem from None
    if raw.dtype.kind == "O":
        if any(_not_a_number(v) for v in raw.ravel()):
            raise problem
    elif raw.dtype.kind not in _NUMBER_KINDS:
        raise problem
    try:
        return np.asarray(raw, dtype=float)
    except (TypeError, ValueError, OverflowError):
        raise problem from None


def is_scalar(value: Any) -> bool:
    """True for a single number (not a list or array), without failing on ragged lists."""
    try:
        return np.ndim(value) == 0
    except ValueError:  # a ragged list
        return False


def check_magnitude(arr: np.ndarray, name: str) -> None:
    """Raise if a value of ``arr`` is larger in size than ``MAX_MAGNITUDE``."""
    if arr.size and float(np.max(np.abs(arr))) > MAX_MAGNITUDE:
        bad = arr[np.abs(arr) > MAX_MAGNITUDE][0]
        raise InputError(
            f"'{name}' contains {bad:g}, which is too large to be a count, population or measurement.",
            f"Give values of '{name}' no larger than {MAX_MAGNITUDE:g}; check the units and the column.",
        )


def validate_vector(values: Any, name: str, *, min_length: int = 1) -> np.ndarray:
    """Return ``values`` as a 1-D float array of finite numbers no larger than ``MAX_MAGNITUDE``."""
    arr = as_float_array(values, name)
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
    check_magnitude(arr, name)
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
    if np.any(arr < MIN_POSITIVE):
        bad = arr[arr < MIN_POSITIVE][0]
        raise InputError(
            f"'{name}' contains {bad:g}, which is too small to divide by.",
            f"Give values of '{name}' of at least {MIN_POSITIVE:g}; check the units and the column.",
        )
    return arr


def _only(arr: np.ndarray, name: str) -> float:
    """The one value of ``arr``; several are refused."""
    if arr.size != 1:
        raise InputError(
            f"'{name}' must be a single number, but it has {arr.size} values.",
            f"Give one number for '{name}'.",
        )
    return float(arr[0])


def validate_scalar(value: Any, name: str) -> float:
    """Return one finite number (of either sign)."""
    return _only(validate_vector(value, name), name)


def validate_scalar_count(value: Any, name: str) -> float:
    """Return one non-negative finite count."""
    return _only(validate_counts(value, name), name)


def validate_scalar_positive(value: Any, name: str) -> float:
    """Return one strictly positive finite number."""
    return _only(validate_positive(value, name), name)


def validate_points(points: Any) -> np.ndarray:
    """An (n, 2) float array of finite easting and northing in metres (EPSG:27700), n >= 1."""
    pts = as_float_array(points, "points", "an (n, 2) array of easting and northing")
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
    check_magnitude(pts, "points")
    return pts


def validate_level(level: Any, name: str = "level") -> float:
    """Return a confidence level strictly between 0 and 1."""
    if _not_a_number(level) or not is_scalar(level):
        value = None
    else:
        try:
            value = float(level)
        except (TypeError, ValueError, OverflowError):
            value = None
    if value is None:
        raise InputError(
            f"'{name}' must be a number, but it was {_show(level)}.",
            f"Give '{name}' as a proportion such as 0.95.",
        )
    if not (0.0 < value < 1.0):
        raise InputError(
            f"'{name}' is {value:g}, which is not between 0 and 1.",
            f"Give '{name}' as a proportion such as 0.95 or 0.998, not a percentage.",
        )
    return value


def validate_levels(levels: Any, name: str = "levels") -> tuple[float, ...]:
    """Return one confidence level or several (a flat list), each strictly between 0 and 1."""
    flat = as_float_array(levels, name, "one level or a flat list of them, such as (0.95, 0.998)")
    if flat.ndim > 1:
        raise InputError(
            f"'{name}' must be one level or a flat list of them, but it has shape {flat.shape}.",
            f"Give '{name}' as a flat list such as (0.95, 0.998).",
        )
    return tuple(validate_level(float(v), name) for v in np.atleast_1d(flat))


def validate_flag(value: Any, name: str) -> bool:
    """Return ``value`` when it is True or False (numpy's too); text, numbers and arrays are refused."""
    if not isinstance(value, (bool, np.bool_)):
        raise InputError(
            f"'{name}' is {_show(value)}, not True or False.",
            f"Give '{name}' as True or False.",
        )
    return bool(value)


def validate_significance(alpha: Any, name: str = "alpha") -> float:
    """Return a significance level strictly between 0 and 1, such as 0.05."""
    try:
        return validate_level(alpha, name)
    except InputError as e:
        action = f"Give '{name}' as a proportion such as 0.05, not a percentage."
        raise InputError(e.problem, action) from None


def validate_share(value: Any, name: str) -> float:
    """Return a share strictly above 0 and at most 1 (such as 0.5 for half)."""
    if _not_a_number(value) or not is_scalar(value):
        share = None
    else:
        try:
            share = float(value)
        except (TypeError, ValueError, OverflowError):
            share = None
    if share is None or not 0.0 < share <= 1.0:
        raise InputError(
            f"'{name}' is {_show(value)}, not a share above 0 and at most 1.",
            f"Give '{name}' as a share such as 0.5 for half.",
        )
    return share


def validate_seed(seed: Any) -> int | None:
    """Return ``seed`` for the random numbers: ``None`` or a whole number of zero or more."""
    if seed is None:
        return None
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise InputError(
            f"'seed' is {_show(seed)}, which is not a whole number of zero or more.",
            "Give a seed such as 1 for results that can be repeated, or leave it out.",
        )
    return int(seed)


def validate_choice(value: Any, name: str, allowed: Iterable[Any]) -> Any:
    """Return ``value`` if it is one of ``allowed``.

    Arrays, lists and other unhashable values are never an option (``in`` would compare them
    element by element), and ``True``/``False`` only match themselves, not 1 and 0.
    """
    allowed = tuple(allowed)
    try:
        hash(value)
        found = any(
            value is a or (isinstance(value, bool) == isinstance(a, bool) and value == a) for a in allowed
        )
    except (TypeError, ValueError):
        found = False
    if not found:
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
