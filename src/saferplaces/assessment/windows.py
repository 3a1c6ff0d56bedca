"""The window every figure covers, in words: "4 of 12 months (January to April 2024)".

A figure in the assessment is never shown over a window other than its own
(DESIGN.md convention 13): the period's label says how much of it is held, and a
change names its months on both sides.
"""

from __future__ import annotations

from collections.abc import Sequence

from saferplaces.data.periods import MONTH_NAMES, Period, month_index
from saferplaces.wording import in_window

__all__ = ["change_label", "in_window", "months_phrase", "window_label"]


def _run_phrase(run: Sequence[str]) -> str:
    first, last = run[0], run[-1]
    (y1, m1), (y2, m2) = first.split("-"), last.split("-")
    name1, name2 = MONTH_NAMES[int(m1) - 1], MONTH_NAMES[int(m2) - 1]
    if first == last:
        return f"{name1} {y1}"
    if y1 == y2:
        return f"{name1} to {name2} {y2}"
    return f"{name1} {y1} to {name2} {y2}"


def months_phrase(months: Sequence[str]) -> str:
    """Months in words, runs joined: 'January to April 2024', 'December 2024 to November 2025'.

    Examples
    --------
    >>> months_phrase(["2024-01", "2024-02", "2024-03", "2024-04"])
    'January to April 2024'
    >>> months_phrase(["2024-12", "2025-01", "2025-03"])
    'December 2024 to January 2025 and March 2025'
    """
    ordered = sorted(set(months), key=month_index)
    if not ordered:
        return "no months"
    runs: list[list[str]] = [[ordered[0]]]
    for m in ordered[1:]:
        if month_index(m) == month_index(runs[-1][-1]) + 1:
            runs[-1].append(m)
        else:
            runs.append([m])
    parts = [_run_phrase(r) for r in runs]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def window_label(period: Period, held: Sequence[str]) -> str:
    """The period's label when every month is held; otherwise '4 of 12 months (January to April 2024)'.

    Examples
    --------
    >>> from saferplaces.data.periods import parse_period
    >>> window_label(parse_period("2024"), ["2024-01", "2024-02", "2024-03", "2024-04"])
    '4 of 12 months (January to April 2024)'
    >>> window_label(parse_period("12m-to-2025-12"), [f"2025-{m:02d}" for m in range(1, 13)])
    '12 months to December 2025'
    """
    if list(held) == period.months:
        return period.label
    return f"{len(held)} of {period.length} months ({months_phrase(held)})"


def change_label(now: Sequence[str], before: Sequence[str]) -> str:
    """'January to April 2025 against January to April 2024'."""
    return f"{months_phrase(now)} against {months_phrase(before)}"
