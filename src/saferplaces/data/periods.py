"""Periods: calendar years, financial years, month ranges and rolling 12 months.

Grammar (all months inclusive):

``2025``              calendar year, January to December 2025
``2024/25``           financial year, April 2024 to March 2025
``2025-01..2025-04``  a range of months
``2025-03``           one month
``12m-to-2025-11``    the 12 months ending November 2025 (December 2024 to November 2025)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from saferplaces.errors import InputError, example

#: The months' names in English, January first (not the locale's, as calendar.month_name is).
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

HELP = "Use 2025, 2024/25, 2025-01..2025-04, 2025-03 or 12m-to-2025-11."


def month_index(month: str) -> int:
    """Return a month 'YYYY-MM' as a count of months since year 0."""
    year, mon = month.split("-")
    return int(year) * 12 + int(mon) - 1


def month_from_index(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def month_label(month: str) -> str:
    """'2025-03' -> 'March 2025'."""
    year, mon = month.split("-")
    return f"{MONTH_NAMES[int(mon) - 1]} {year}"


@dataclass(frozen=True)
class Period:
    """An inclusive range of months with a label people read."""

    start: str
    end: str
    kind: str
    label: str

    @property
    def months(self) -> list[str]:
        return [month_from_index(i) for i in range(month_index(self.start), month_index(self.end) + 1)]

    @property
    def length(self) -> int:
        return month_index(self.end) - month_index(self.start) + 1

    def previous(self) -> Period:
        """The period of the same length just before this one."""
        start = month_index(self.start) - self.length
        end = month_index(self.start) - 1
        return make_period(month_from_index(start), month_from_index(end), self.kind)

    def year_earlier(self) -> Period:
        """The same months one year earlier."""
        return make_period(
            month_from_index(month_index(self.start) - 12),
            month_from_index(month_index(self.end) - 12),
            self.kind,
        )


def make_period(start: str, end: str, kind: str) -> Period:
    if kind == "calendar-year":
        label = f"calendar year {start[:4]}"
    elif kind == "financial-year":
        label = f"financial year {start[:4]}/{str(int(start[:4]) + 1)[2:]} (April to March)"
    elif kind == "rolling-12":
        label = f"12 months to {month_label(end)}"
    elif start == end:
        label = month_label(start)
    else:
        label = f"{month_label(start)} to {month_label(end)}"
    return Period(start, end, kind, label)


def _check_month(text: str, original: str) -> str:
    if not re.fullmatch(r"[0-9]{4}-(0[1-9]|1[0-2])", text):
        raise InputError(
            f"The period '{original}' has a month '{example(text)}' that is not like 2025-01.", HELP
        )
    return text


#: The earliest year a period may start in: no data Safer Places reads is older (police.uk
#: begins in December 2010, partner extracts in 2000), and 1990 is the web app's earliest
#: plausible date too (web.validation.EARLIEST_DATE).
FIRST_YEAR = 1990
#: The latest year a period may end in (four-digit years).
LAST_YEAR = 9999


def parse_period(text: str) -> Period:
    """Parse a period in the grammar above.

    Raises
    ------
    InputError
        When the text fits none of the forms, or starts before :data:`FIRST_YEAR`.
    """
    period = _parse_period(text)
    if int(period.start[:-3]) < FIRST_YEAR or int(period.end[:-3]) > LAST_YEAR:  # YYYY-MM
        raise InputError(
            f"The period '{example(text)}' is outside the years {FIRST_YEAR} to {LAST_YEAR}; no data "
            "Safer Places reads is from then.",
            HELP,
        )
    return period


def _parse_period(text: str) -> Period:
    original = example(text)
    text = (text or "").strip()
    if re.fullmatch(r"[0-9]{4}", text):
        return make_period(f"{text}-01", f"{text}-12", "calendar-year")
    m = re.fullmatch(r"([0-9]{4})/([0-9]{2})", text)
    if m:
        first = int(m.group(1))
        if (first + 1) % 100 != int(m.group(2)):
            raise InputError(
                f"The period '{original}' is not a financial year: {m.group(2)} does not follow {first}.",
                f"Write the year after, as in {first}/{(first + 1) % 100:02d}.",
            )
        return make_period(f"{first:04d}-04", f"{first + 1:04d}-03", "financial-year")
    m = re.fullmatch(r"12m-to-(\S+)", text)
    if m:
        end = _check_month(m.group(1), original)
        return make_period(month_from_index(month_index(end) - 11), end, "rolling-12")
    m = re.fullmatch(r"(\S+)\.\.(\S+)", text)
    if m:
        start, end = _check_month(m.group(1), original), _check_month(m.group(2), original)
        if month_index(end) < month_index(start):
            raise InputError(
                f"The period '{original}' ends before it starts.",
                "Put the earlier month first, as in 2025-01..2025-04.",
            )
        return make_period(start, end, "months")
    if re.fullmatch(r"[0-9]{4}-[0-9]{2}", text):
        month = _check_month(text, original)
        return make_period(month, month, "months")
    raise InputError(f"The period '{original}' is not one we recognise.", HELP)
