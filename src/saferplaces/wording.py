"""Small pieces of plain English shared by every sentence Safer Places writes.

A count agrees with its noun ("1 row", "529 rows"), a list ends with "and", a
whole-number percentage is rounded as a reader rounds the table's figure (half away
from zero, so a table's -14.5 reads as -15% and never -14%), and a share that is not
zero is never written as "0%".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

__all__ = ["counted", "in_window", "listed", "share_percent", "whole_percent"]


def counted(n: int, singular: str, plural: str | None = None) -> str:
    """'1 row', '529 rows', '2,652 tests': the count with its thousands separator and agreeing noun.

    Examples
    --------
    >>> counted(1, "row"), counted(0, "row"), counted(2652, "test")
    ('1 row', '0 rows', '2,652 tests')
    >>> counted(4, "possible break", "possible breaks")
    '4 possible breaks'
    """
    noun = singular if n == 1 else (plural or singular + "s")
    return f"{n:,} {noun}"


def listed(names: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'.

    Examples
    --------
    >>> listed(["burglary"]), listed(["burglary", "robbery", "drugs"])
    ('burglary', 'burglary, robbery and drugs')
    """
    if not names:
        return ""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def whole_percent(value: float) -> int:
    """A percentage to the nearest whole number, halves away from zero (as a reader rounds -14.5).

    Python's own formatting rounds halves to even ("-14.5" to "-14"), so a table showing
    -14.5 and a sentence showing -14% would disagree.

    Examples
    --------
    >>> whole_percent(-14.5), whole_percent(12.5), whole_percent(0.4)
    (-15, 13, 0)
    """
    return int(Decimal(repr(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def share_percent(part: float, whole: float) -> str:
    """A share as a whole percentage, '0%' only when it is nothing: 'less than 1%' otherwise.

    Examples
    --------
    >>> share_percent(25, 10321), share_percent(0, 10), share_percent(4314, 8773)
    ('less than 1%', '0%', '49%')
    """
    if not whole:
        return "0%"
    pct = 100 * part / whole
    if 0 < pct < 0.5:
        return "less than 1%"
    if 99.5 <= pct < 100:
        return "more than 99%"
    return f"{whole_percent(pct)}%"


#: Period labels that read as a noun needing "the": "the calendar year 2025", "the financial year
#: 2024/25 (April to March)", "the 12 months to December 2025". A month or a run of months
#: ("March 2025", "January 2025 to April 2025") and "4 of 12 months (...)" take none.
_TAKES_THE = re.compile(r"(calendar year|financial year|\d+ months to) ")


def the_window(label: str) -> str:
    """A period's label as it reads in a sentence: 'the calendar year 2025', 'March 2025'.

    Examples
    --------
    >>> the_window("calendar year 2025"), the_window("March 2025"), the_window("January 2025 to April 2025")
    ('the calendar year 2025', 'March 2025', 'January 2025 to April 2025')
    """
    return f"the {label}" if _TAKES_THE.match(label) else label


def in_window(label: str) -> str:
    """'in the calendar year 2025', 'in the 12 months to ...', 'in March 2025', 'in 4 of 12 months
    (January to April 2024)'.

    Examples
    --------
    >>> in_window("12 months to December 2025"), in_window("4 of 12 months (January to April 2024)")
    ('in the 12 months to December 2025', 'in 4 of 12 months (January to April 2024)')
    >>> in_window("March 2025")
    'in March 2025'
    """
    return f"in {the_window(label)}"
