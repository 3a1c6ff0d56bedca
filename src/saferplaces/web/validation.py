"""Limits every record the web app saves keeps to (issue #10): text lengths, plausible dates, no negatives.

The models carry them as ``max_length`` and validators, so ``full_clean`` and the
model forms check them; the plain forms use the same numbers and messages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.validators import MaxValueValidator, MinValueValidator
from django.http import QueryDict

#: The most characters a long text field (a description, an update, a narrative) holds.
LONG_TEXT = 5000
#: The earliest and latest dates a plan's dates may take: no year 1, no year 9999.
EARLIEST_DATE = dt.date(1990, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)

PLAUSIBLE_DATE = [
    MinValueValidator(EARLIEST_DATE, message="Enter a date in 1990 or later"),
    MaxValueValidator(LATEST_DATE, message="Enter a date in 2100 or earlier"),
]
NOT_NEGATIVE = [MinValueValidator(0, message="Enter 0 or more")]


def too_long(label: str, limit: int = LONG_TEXT) -> str:
    """The GOV.UK error for text over its limit: "Progress update must be 5,000 characters or fewer"."""
    return f"{label} must be {limit:,} characters or fewer"


def form_query(query: QueryDict, fields: Iterable[str]) -> str:
    """The query string of ``query`` holding only the parameters named in ``fields``, to
    carry a filter into a page's links: parameters a page does not read (of any length) are
    not repeated on it."""
    kept = QueryDict(mutable=True)
    for name in fields:
        if name in query:
            kept.setlist(name, query.getlist(name))
    return kept.urlencode()
