"""Financial-year quarters, and which of a project's quarterly returns are expected, due and late.

Quarters follow the UK financial year: April to June is Q1, July to September Q2,
October to December Q3 and January to March Q4; the year 2024/25 runs from
1 April 2024 to 31 March 2025. A quarter is labelled like "2024/25 Q1", the form
``QuarterlyReturn.period`` uses.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

#: A return is late when its quarter ended more than this many days ago and none was submitted.
LATE_AFTER_DAYS = 30


@dataclass(frozen=True, order=True)
class Quarter:
    """One financial-year quarter.

    Attributes
    ----------
    year
        The calendar year the financial year starts in (2024 for 2024/25).
    number
        1 (April to June) to 4 (January to March).
    """

    year: int
    number: int

    @property
    def label(self) -> str:
        """Such as "2024/25 Q1"."""
        return f"{self.year}/{(self.year + 1) % 100:02d} Q{self.number}"

    @property
    def start(self) -> dt.date:
        month = 3 * self.number + 1  # April, July, October, January (13)
        return dt.date(self.year + (month > 12), (month - 1) % 12 + 1, 1)

    @property
    def end(self) -> dt.date:
        return self.next().start - dt.timedelta(days=1)

    @property
    def late_after(self) -> dt.date:
        """The last day a return is on time: the quarter's end plus :data:`LATE_AFTER_DAYS`."""
        return self.end + dt.timedelta(days=LATE_AFTER_DAYS)

    def next(self) -> Quarter:
        return Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)


def quarter_of(day: dt.date) -> Quarter:
    """The financial-year quarter ``day`` falls in."""
    if day.month >= 4:
        return Quarter(day.year, (day.month - 4) // 3 + 1)
    return Quarter(day.year - 1, 4)


def expected_quarters(start: dt.date | None, end: dt.date | None) -> list[Quarter]:
    """Every quarter that overlaps the contract from ``start`` to ``end``, in order.

    A contract without both dates expects no returns (nothing can be said to be late).
    """
    if start is None or end is None or end < start:
        return []
    quarters, quarter = [], quarter_of(start)
    while quarter.start <= end:
        quarters.append(quarter)
        quarter = quarter.next()
    return quarters


def past_deadline(quarter: Quarter, today: dt.date) -> bool:
    """True when ``quarter`` ended more than :data:`LATE_AFTER_DAYS` days before ``today``.

    A quarter past its deadline with no return has a late return.
    """
    return today > quarter.late_after
