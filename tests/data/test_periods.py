"""The period grammar shared by counts, quality and assessments."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from saferplaces.data.periods import month_from_index, month_index, parse_period
from saferplaces.errors import InputError


@pytest.mark.parametrize(
    "text,start,end,kind",
    [
        ("2025", "2025-01", "2025-12", "calendar-year"),
        ("2024/25", "2024-04", "2025-03", "financial-year"),
        ("1999/00", "1999-04", "2000-03", "financial-year"),
        ("2025-01..2025-04", "2025-01", "2025-04", "months"),
        ("2025-03", "2025-03", "2025-03", "months"),
        ("12m-to-2025-11", "2024-12", "2025-11", "rolling-12"),
        ("12m-to-2025-01", "2024-02", "2025-01", "rolling-12"),
    ],
)
def test_grammar(text, start, end, kind):
    period = parse_period(text)
    assert (period.start, period.end, period.kind) == (start, end, kind)


def test_labels_are_plain_english():
    assert parse_period("12m-to-2025-11").label == "12 months to November 2025"
    assert parse_period("2024/25").label.startswith("financial year 2024/25")
    assert parse_period("2025-01..2025-04").label == "January 2025 to April 2025"


@pytest.mark.parametrize(
    "text,fragment",
    [
        ("2025/27", "not a financial year"),
        ("2025-13", "not like 2025-01"),
        ("2025-04..2025-01", "ends before it starts"),
        ("last year", "not one we recognise"),
        ("", "not one we recognise"),
        ("12m-to-2025", "not like 2025-01"),
        # issue 13: years no data is from, other digits, and text too long to repeat
        ("0000", "outside the years 1990 to 9999"),
        ("1989", "outside the years 1990 to 9999"),
        ("0000/01", "outside the years 1990 to 9999"),
        ("12m-to-0000-05", "outside the years 1990 to 9999"),
        ("9999/00", "outside the years 1990 to 9999"),
        ("99999", "not one we recognise"),
        ("\u0662\u0660\u0662\u0665", "not one we recognise"),
        ("\uff12\uff10\uff12\uff15-01", "not one we recognise"),
        ("x" * 5000, "… \\(5,000 characters\\)' is not one we recognise"),
    ],
)
def test_bad_periods_say_what_to_write(text, fragment):
    with pytest.raises(InputError, match=fragment) as info:
        parse_period(text)
    assert info.value.action


@given(st.integers(min_value=1990 * 12, max_value=2100 * 12), st.integers(min_value=0, max_value=60))
def test_ranges_have_the_months_they_say(start, extra):
    period = parse_period(f"{month_from_index(start)}..{month_from_index(start + extra)}")
    assert period.length == extra + 1 == len(period.months)
    previous = period.previous()
    assert previous.length == period.length
    assert month_index(previous.end) + 1 == month_index(period.start)
    assert period.year_earlier().start == month_from_index(start - 12)
