"""Period labels and query definitions for indicators."""

from __future__ import annotations

import pytest

from saferplaces.errors import InputError
from saferplaces.indicators import (
    IndicatorQuery,
    parse_period_label,
    sort_key,
    span_for_month,
    validate_period_label,
    validate_query,
)


@pytest.mark.parametrize(
    ("text", "label", "kind", "first", "last"),
    [
        ("2024/25", "2024/25", "financial-year", "2024-04", "2025-03"),
        ("2024/25 Q1", "2024/25 Q1", "quarter", "2024-04", "2024-06"),
        ("2024/25 q4", "2024/25 Q4", "quarter", "2025-01", "2025-03"),
        ("2024/25Q3", "2024/25 Q3", "quarter", "2024-10", "2024-12"),
        ("2025-03", "March 2025", "month", "2025-03", "2025-03"),
        ("march  2025", "March 2025", "month", "2025-03", "2025-03"),
        ("2018", "2018", "calendar-year", "2018-01", "2018-12"),
    ],
)
def test_period_labels(text, label, kind, first, last):
    span = parse_period_label(text)
    assert (span.label, span.kind, span.months[0], span.months[-1]) == (label, kind, first, last)


@pytest.mark.parametrize("text", ["2024/26", "2018 to 2020", "", "Q1 2024", "2025-13", "Smarch 2025"])
def test_labels_we_cannot_read(text):
    assert parse_period_label(text) is None
    with pytest.raises(InputError, match="2024/25 Q1"):
        validate_period_label(text)


def test_span_for_month_and_order():
    assert span_for_month("2025-03", "financial-year").label == "2024/25"
    assert span_for_month("2025-04", "financial-year").label == "2025/26"
    assert span_for_month("2025-03", "quarter").label == "2024/25 Q4"
    assert span_for_month("2025-04", "quarter").follows(span_for_month("2025-03", "quarter"))
    labels = ["2025/26", "2024/25 Q2", "free text", "2024/25", "2024/25 Q1", "2018"]
    assert sorted(labels, key=sort_key) == [
        "2018",
        "2024/25",
        "2024/25 Q1",
        "2024/25 Q2",
        "2025/26",
        "free text",
    ]


def test_a_query_is_read_and_tidied():
    q = validate_query({"area": " E07000193 ", "crime_types": ["anti-social BEHAVIOUR"]})
    assert q == IndicatorQuery("E07000193", ("Anti-social behaviour",), "financial-year", "count")
    assert q.to_dict() == {
        "area": "E07000193",
        "crime_types": ["Anti-social behaviour"],
        "grain": "financial-year",
        "measure": "count",
    }
    assert validate_query(q.to_dict()) == q
    everything = validate_query(
        {"area": "Stafford", "crime_types": "all", "grain": "month", "measure": "rate"}
    )
    assert everything.crime_types == () and everything.to_dict()["crime_types"] == "all"
    assert everything.describe("Stafford") == "All crime and ASB per 1,000 residents in Stafford, by month"
    two = validate_query({"area": "x", "crime_types": ["Robbery", "Burglary"]})
    assert two.crime_types_text() == "burglary and robbery"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (None, "no query"),
        ({}, "no query"),
        ({"area": ""}, "names no area"),
        ({"area": "E07000193", "crime_types": ["Mugging"]}, "'Mugging' is not a police.uk crime type"),
        ({"area": "E07000193", "crime_types": "Burglary"}, "not a list"),
        ({"area": "E07000193", "grain": "week"}, "'grain'"),
        ({"area": "E07000193", "measure": "mean"}, "'measure'"),
        ({"area": "E07000193", "period": "2024/25"}, "key we do not know: 'period'"),
    ],
)
def test_bad_queries_say_what_is_wrong(data, message):
    with pytest.raises(InputError, match=message):
        validate_query(data)
