"""Period labels for targets: financial years, quarters of them, months and calendar years.

Labels, and the months they cover (inclusive):

``2024/25``      financial year, April 2024 to March 2025
``2024/25 Q1``   first quarter of that financial year, April to June 2024 (Q4 is January to March 2025)
``March 2025``   one month (``2025-03`` is read the same way)
``2018``         calendar year, January to December 2018 (plans often give a baseline so)

Anything else (such as "2018 to 2020") is kept as the text written, but has no
months: it cannot be put in order with the others or compared by length.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from saferplaces.data.periods import MONTH_NAMES, month_from_index, month_index, month_label
from saferplaces.errors import InputError

GRAINS = ("financial-year", "quarter", "month")
GRAIN_NAMES = {"financial-year": "financial year", "quarter": "quarter", "month": "month"}
PERIOD_HELP = "Write the period as 2024/25, 2024/25 Q1 or March 2025."

_MONTH_NAMES = {name.casefold(): number for number, name in enumerate(MONTH_NAMES, start=1)}


@dataclass(frozen=True)
class PeriodSpan:
    """A labelled period: its kind and its first and last months as month indexes."""

    label: str
    kind: str
    start: int
    end: int

    @property
    def length(self) -> int:
        """Months in the period."""
        return self.end - self.start + 1

    @property
    def months(self) -> tuple[str, ...]:
        """The period's months as ``YYYY-MM``."""
        return tuple(month_from_index(i) for i in range(self.start, self.end + 1))

    def follows(self, other: PeriodSpan) -> bool:
        """True when this period comes straight after ``other`` and is of the same kind."""
        return self.kind == other.kind and self.start == other.end + 1


def financial_year_label(first_year: int) -> str:
    """``2024`` -> ``"2024/25"``."""
    return f"{first_year}/{(first_year + 1) % 100:02d}"


def span_for_month(month: str, grain: str) -> PeriodSpan:
    """The period of ``grain`` that holds ``month`` (``YYYY-MM``)."""
    index = month_index(month)
    year, mon = int(month[:4]), int(month[5:7])
    if grain == "month":
        return PeriodSpan(month_label(month), "month", index, index)
    first_year = year if mon >= 4 else year - 1
    fy_start = month_index(f"{first_year}-04")
    if grain == "financial-year":
        return PeriodSpan(financial_year_label(first_year), "financial-year", fy_start, fy_start + 11)
    if grain == "quarter":
        quarter = (index - fy_start) // 3
        start = fy_start + 3 * quarter
        return PeriodSpan(f"{financial_year_label(first_year)} Q{quarter + 1}", "quarter", start, start + 2)
    raise InputError(f"The grain '{grain}' is not one we know.", "Use " + ", ".join(GRAINS) + ".")


def parse_period_label(text: str) -> PeriodSpan | None:
    """Read a period label; None when it is not one of the forms above.

    The label returned is the tidy form (``2024/25 q1`` becomes ``2024/25 Q1``,
    ``2025-03`` becomes ``March 2025``).
    """
    text = " ".join((text or "").split())
    m = re.fullmatch(r"([0-9]{4})/([0-9]{2})(?: ?[Qq]([1-4]))?", text)
    if m:
        first_year = int(m.group(1))
        if (first_year + 1) % 100 != int(m.group(2)):
            return None
        span = span_for_month(f"{first_year}-04", "financial-year")
        if m.group(3) is None:
            return span
        start = span.start + 3 * (int(m.group(3)) - 1)
        return span_for_month(month_from_index(start), "quarter")
    m = re.fullmatch(r"([0-9]{4})-(0[1-9]|1[0-2])", text)
    if m:
        return span_for_month(text, "month")
    m = re.fullmatch(r"([A-Za-z]+) ([0-9]{4})", text)
    if m and m.group(1).casefold() in _MONTH_NAMES:
        return span_for_month(f"{m.group(2)}-{_MONTH_NAMES[m.group(1).casefold()]:02d}", "month")
    if re.fullmatch(r"[0-9]{4}", text):
        year = int(text)
        return PeriodSpan(text, "calendar-year", month_index(f"{year}-01"), month_index(f"{year}-12"))
    return None


def validate_period_label(text: str) -> PeriodSpan:
    """Like :func:`parse_period_label`, but an unreadable label is an error.

    Raises
    ------
    InputError
        When the text is none of the forms above.
    """
    span = parse_period_label(text)
    if span is None:
        raise InputError(f"The period '{text}' is not one we recognise.", PERIOD_HELP)
    return span


def sort_key(label: str) -> tuple[int, int, str]:
    """Order labels by their months; labels we cannot read go last, in the order of their text."""
    span = parse_period_label(label)
    if span is None:
        return (1, 0, label)
    # A longer period sorts before the shorter ones that start with it (2024/25 before 2024/25 Q1).
    return (0, span.start * 100 - span.length, label)
