"""Targets and indicators: values by period from the data store, and a status that is tested.

No Django here: the web app's performance pages and the CLI both call these functions.

* :func:`validate_query` reads an indicator defined as a store query (area, crime types,
  grain, measure).
* :func:`indicator_series` counts it from the store by financial year, quarter or month,
  with rates and their intervals.
* :func:`indicator_status` judges a target from its values: an XmR chart for eight or more
  periods in a row, otherwise the exact Poisson test for counts or the Newcombe-Wilson
  comparison for survey percentages (docs/web-targets.md).
"""

from saferplaces.indicators.periods import (
    GRAINS,
    PeriodSpan,
    parse_period_label,
    sort_key,
    span_for_month,
    validate_period_label,
)
from saferplaces.indicators.query import MEASURES, IndicatorQuery, validate_query
from saferplaces.indicators.series import IndicatorPoint, IndicatorSeries, indicator_series
from saferplaces.indicators.status import (
    IMPROVING,
    NO_CHANGE,
    NOT_ENOUGH,
    STATUSES,
    WORSENING,
    StatusPoint,
    TargetStatus,
    indicator_status,
)

__all__ = [
    "GRAINS",
    "IMPROVING",
    "MEASURES",
    "NOT_ENOUGH",
    "NO_CHANGE",
    "STATUSES",
    "WORSENING",
    "IndicatorPoint",
    "IndicatorQuery",
    "IndicatorSeries",
    "PeriodSpan",
    "StatusPoint",
    "TargetStatus",
    "indicator_series",
    "indicator_status",
    "parse_period_label",
    "sort_key",
    "span_for_month",
    "validate_period_label",
    "validate_query",
]
